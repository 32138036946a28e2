/* fuzz_range: fuzz target for GET Object's Range and conditional headers (cosd_cond.h). The input
 * is lines
 * "SIZE\nMTIME\nETAG\nRANGE\nIF-MATCH\nIF-UNMODIFIED-SINCE\nIF-NONE-MATCH\nIF-MODIFIED-SINCE" (an
 * empty or missing line is an absent header). Invariants: a satisfiable range lies within the
 * object; syntax errors do not depend on the size; a larger object never shrinks a range; the
 * object's own validators and dates decide the conditionals as RFC 7232 says. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cosd_cond.h"
#include "cosx_time.h"

#define MAX_MTIME INT64_C(253402300799) /* 9999-12-31 23:59:59 UTC */
#define NFIELDS   8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t to_num(const char *s, int64_t max)
{
    if (!s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (v < 0)
        v = v == INT64_MIN ? 0 : -v;
    return v > max ? max : (int64_t)v;
}

/* Range against one size: returns the code and checks that a satisfiable range is inside. */
static cosd_range_rc_t range_at(const char *h, int64_t size, int64_t *first, int64_t *last)
{
    *first = -7;
    *last = -7;
    cosd_range_rc_t rc = cosd_range_parse(h, size, first, last);
    switch (rc) {
    case COSD_RANGE_NONE:
        if (h)
            abort();
        break;
    case COSD_RANGE_OK:
        if (*first < 0 || *first > *last || *last >= size)
            abort();
        break;
    case COSD_RANGE_BAD:
    case COSD_RANGE_UNSATISFIABLE:
        if (*first != -7 || *last != -7 || !h)
            abort();
        break;
    default:
        abort();
    }
    return rc;
}

static void check_range(const char *h, int64_t size)
{
    int64_t f1, l1, f2, l2;
    int64_t bigger = size < INT64_MAX / 2 ? size * 2 + 1 : INT64_MAX;
    range_at(h, 0, &f2, &l2);
    range_at(h ? h : "", size, &f2, &l2);
    cosd_range_rc_t a = range_at(h, size, &f1, &l1);
    cosd_range_rc_t b = range_at(h, bigger, &f2, &l2);
    /* Malformed is a property of the text, not of the object. */
    if ((a == COSD_RANGE_BAD) != (b == COSD_RANGE_BAD))
        abort();
    /* Satisfiable on an object stays satisfiable on a larger one, and does not get shorter. */
    if (a == COSD_RANGE_OK && (b != COSD_RANGE_OK || l2 - f2 < l1 - f1))
        abort();
    if (b == COSD_RANGE_UNSATISFIABLE && a != COSD_RANGE_UNSATISFIABLE)
        abort();
}

/* An ETag that cosd itself would send: hex and '-' only, at most 40 characters. */
static bool plain_etag(const char *e)
{
    size_t n = strlen(e);
    if (n == 0 || n > 40)
        return false;
    for (; *e; e++)
        if (!((*e >= '0' && *e <= '9') || (*e >= 'a' && *e <= 'z') || *e == '-'))
            return false;
    return true;
}

static void check_cond(const cosd_cond_headers_t *in, const char *etag, int64_t mtime)
{
    cosd_cond_rc_t c = cosd_cond_eval(in, etag, mtime);
    if ((c == COSD_COND_FAIL_MATCH && !in->if_match) ||
        (c == COSD_COND_FAIL_UNMODIFIED && (in->if_match || !in->if_unmodified_since)) ||
        (c == COSD_COND_NOT_MODIFIED && !in->if_none_match && !in->if_modified_since) ||
        c > COSD_COND_NOT_MODIFIED)
        abort();
    cosd_cond_headers_t none = {0};
    if (cosd_cond_eval(&none, etag, mtime) != COSD_COND_PASS)
        abort();
    cosd_cond_headers_t h = *in;
    h.if_match = "*"; /* any current representation */
    if (cosd_cond_eval(&h, etag, mtime) == COSD_COND_FAIL_MATCH)
        abort();
    char quoted[64], date[COSX_RFC1123_LEN], before[COSX_RFC1123_LEN];
    if (plain_etag(etag)) {
        strcpy(quoted, "\"");
        strcat(quoted, etag);
        strcat(quoted, "\"");
        h = *in;
        h.if_match = quoted;
        if (cosd_cond_eval(&h, etag, mtime) == COSD_COND_FAIL_MATCH)
            abort();
        h.if_none_match = quoted;
        if (cosd_cond_eval(&h, etag, mtime) != COSD_COND_NOT_MODIFIED)
            abort();
    }
    /* The object's own Last-Modified: not modified since then, unmodified since then. */
    cosx_time_rfc1123((time_t)mtime, date);
    h = (cosd_cond_headers_t){.if_unmodified_since = date, .if_modified_since = date};
    if (cosd_cond_eval(&h, etag, mtime) != COSD_COND_NOT_MODIFIED)
        abort();
    if (mtime > 0) {
        cosx_time_rfc1123((time_t)(mtime - 1), before);
        h = (cosd_cond_headers_t){.if_unmodified_since = before};
        if (cosd_cond_eval(&h, etag, mtime) != COSD_COND_FAIL_UNMODIFIED)
            abort();
        h.if_modified_since = before;
        h.if_none_match = in->if_none_match;
        if (cosd_cond_eval(&h, etag, mtime) != COSD_COND_FAIL_UNMODIFIED)
            abort();
        h = (cosd_cond_headers_t){.if_modified_since = before};
        if (cosd_cond_eval(&h, etag, mtime) != COSD_COND_PASS)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    const char *f[NFIELDS] = {0};
    char *p = s;
    for (int i = 0; i < NFIELDS && p; i++) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        f[i] = *p ? p : NULL;
        p = nl ? nl + 1 : NULL;
    }
    int64_t obj_size = to_num(f[0], INT64_MAX);
    int64_t mtime = to_num(f[1], MAX_MTIME);
    const char *etag = f[2] ? f[2] : "";
    check_range(f[3], obj_size);
    cosd_cond_headers_t h = {f[4], f[5], f[6], f[7]};
    check_cond(&h, etag, mtime);
    free(s);
    return 0;
}
