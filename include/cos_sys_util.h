/* cos_sys_util.h: small utilities of the official C SDK that programs and tests call directly: URL
 * encoding/decoding, integer parsing, GMT time strings. */
#ifndef LIBCOS_SYS_UTIL_H
#define LIBCOS_SYS_UTIL_H

#include "cos_sys_define.h"
#include "cos_string.h"

COS_CPP_START

/* Percent-encodes src (at most maxSrcSize bytes, -1: whole string) into dest (room for 3x + 1 bytes);
 * unreserved A-Za-z0-9-_.~ are kept. Returns COSE_OK or COSE_INVALID_ARGUMENT. */
COS_EXPORT int cos_url_encode(char *dest, const char *src, int maxSrcSize);
/* Percent-decodes in into out (room for strlen(in) + 1); '+' becomes a space. Returns COSE_OK or -1. */
COS_EXPORT int cos_url_decode(const char *in, char *out);
COS_EXPORT int64_t cos_strtoll(const char *nptr, char **endptr, int base);
COS_EXPORT uint64_t cos_strtoull(const char *nptr, char **endptr, int base);
COS_EXPORT int64_t cos_atoi64(const char *nptr);
COS_EXPORT uint64_t cos_atoui64(const char *nptr);
/* Current time as "Thu, 16 May 2019 06:45:51 GMT". Returns COSE_OK. */
COS_EXPORT int cos_get_gmt_str_time(char datestr[COS_MAX_GMT_TIME_LEN]);
COS_EXPORT int starts_with(const cos_string_t *str, const char *prefix);

COS_CPP_END

#endif
