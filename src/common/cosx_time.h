/* cosx_time: the time formats of the COS protocol: RFC 1123 GMT for HTTP headers, ISO 8601 UTC for
 * XML bodies, and lenient parsing of both (plus RFC 850 and asctime forms that older services
 * emit). */
#ifndef COSX_TIME_H
#define COSX_TIME_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define COSX_RFC1123_LEN 30 /* "Thu, 16 May 2019 06:45:51 GMT" + NUL */
#define COSX_ISO8601_LEN 25 /* "2017-06-09T16:32:25.000Z" + NUL */

/* "Thu, 16 May 2019 06:45:51 GMT" */
void cosx_time_rfc1123(time_t t, char out[COSX_RFC1123_LEN]);
/* "2017-06-09T16:32:25.000Z" with millis = true, "2017-06-09T16:32:25Z" without. */
void cosx_time_iso8601(time_t t, bool millis, char out[COSX_ISO8601_LEN]);
/* Parses an HTTP date: RFC 1123, RFC 850 or asctime. False when it is none of them. */
bool cosx_time_parse_http(const char *s, time_t *out);
/* Parses ISO 8601 UTC ("2017-06-09T16:32:25Z", with optional fraction, 'Z' or +hh:mm offset),
 * falling back to the HTTP forms. */
bool cosx_time_parse_iso8601(const char *s, time_t *out);

#endif
