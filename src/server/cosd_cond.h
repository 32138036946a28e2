/* cosd_cond: the Range and conditional (If-Match, If-None-Match, If-Modified-Since,
 * If-Unmodified-Since) headers of GET / HEAD Object as pure functions of the header values and the
 * object's size and validators, so that handlers, tests and fuzzing share one implementation. */
#ifndef COSD_COND_H
#define COSD_COND_H

#include <stdint.h>

typedef enum cosd_range_rc {
    COSD_RANGE_NONE = 0,           /* no Range header: the whole object */
    COSD_RANGE_OK = 1,             /* [*first, *last] within the object (206) */
    COSD_RANGE_BAD = -1,           /* malformed or several ranges (400 InvalidArgument) */
    COSD_RANGE_UNSATISFIABLE = -2, /* starts at or past the end (416 InvalidRange) */
} cosd_range_rc_t;

/* Parses one "bytes=first-last", "bytes=first-" or "bytes=-suffix" range (h may be NULL) against an
 * object of size bytes (>= 0). On COSD_RANGE_OK, 0 <= *first <= *last < size; otherwise *first and
 * *last are left alone. Syntax errors give COSD_RANGE_BAD whatever the size. */
cosd_range_rc_t cosd_range_parse(const char *h, int64_t size, int64_t *first, int64_t *last);

typedef enum cosd_cond_rc {
    COSD_COND_PASS = 0,        /* serve the object */
    COSD_COND_FAIL_MATCH,      /* 412: If-Match names none of the object's ETags */
    COSD_COND_FAIL_UNMODIFIED, /* 412: modified after If-Unmodified-Since */
    COSD_COND_NOT_MODIFIED,    /* 304: If-None-Match matched, or not modified since */
} cosd_cond_rc_t;

/* The request's conditional headers (each NULL when absent). */
typedef struct cosd_cond_headers {
    const char *if_match;
    const char *if_unmodified_since;
    const char *if_none_match;
    const char *if_modified_since;
} cosd_cond_headers_t;

/* Evaluates the headers against an object with ETag etag (unquoted) modified at mtime (seconds
 * since the epoch), in RFC 7232 order: If-Match (else If-Unmodified-Since), then If-None-Match
 * (else If-Modified-Since). Dates that do not parse are ignored, as HTTP requires. */
cosd_cond_rc_t cosd_cond_eval(const cosd_cond_headers_t *h, const char *etag, int64_t mtime);

#endif
