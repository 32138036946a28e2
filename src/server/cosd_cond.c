/* cosd_cond: Range and conditional headers of GET / HEAD Object as pure functions (see
 * cosd_cond.h); cosd_object_get.c turns their results into 206 / 304 / 400 / 412 / 416 answers. */
#include "cosd_cond.h"

#include "cosd_api.h"
#include "cosx_time.h"

#include <string.h>
#include <strings.h>
#include <time.h>

/* Reads a decimal number at *p (advancing it): 1 read, 0 no digit, -1 overflow. */
static int read_num(const char **p, int64_t *out)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return 0;
    int64_t v = 0;
    while (*s >= '0' && *s <= '9') {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s++ - '0');
    }
    *p = s;
    *out = v;
    return 1;
}

cosd_range_rc_t cosd_range_parse(const char *h, int64_t size, int64_t *first, int64_t *last)
{
    if (!h)
        return COSD_RANGE_NONE;
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "bytes=", 6) != 0)
        return COSD_RANGE_BAD;
    const char *p = h + 6;
    if (strchr(p, ','))
        return COSD_RANGE_BAD;
    int64_t a = -1, b = -1;
    if (read_num(&p, &a) < 0)
        return COSD_RANGE_BAD;
    if (*p++ != '-')
        return COSD_RANGE_BAD;
    if (read_num(&p, &b) < 0)
        return COSD_RANGE_BAD;
    while (*p == ' ')
        p++;
    if (*p || (a < 0 && b < 0))
        return COSD_RANGE_BAD;
    if (a < 0) { /* suffix: the last b bytes */
        if (b == 0 || size <= 0)
            return COSD_RANGE_UNSATISFIABLE;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return COSD_RANGE_OK;
    }
    if (b >= 0 && b < a)
        return COSD_RANGE_BAD;
    if (a >= size)
        return COSD_RANGE_UNSATISFIABLE;
    *first = a;
    *last = (b < 0 || b >= size) ? size - 1 : b;
    return COSD_RANGE_OK;
}

cosd_cond_rc_t cosd_cond_eval(const cosd_cond_headers_t *h, const char *etag, int64_t mtime)
{
    time_t t;
    if (h->if_match) {
        if (!cosd_etag_matches(h->if_match, etag))
            return COSD_COND_FAIL_MATCH;
    } else if (h->if_unmodified_since && cosx_time_parse_http(h->if_unmodified_since, &t) &&
               mtime > (int64_t)t) {
        return COSD_COND_FAIL_UNMODIFIED;
    }
    bool not_modified = false;
    if (h->if_none_match)
        not_modified = cosd_etag_matches(h->if_none_match, etag);
    else if (h->if_modified_since && cosx_time_parse_http(h->if_modified_since, &t))
        not_modified = mtime <= (int64_t)t;
    return not_modified ? COSD_COND_NOT_MODIFIED : COSD_COND_PASS;
}
