/* cos_string.c: the cos_string_t helpers (trimming, unquoting, suffix test, pool copy) and the small
 * string utilities of cos_sys_util.h (URL encode/decode, integer parsing, GMT time). */
#include <errno.h>
#include <time.h>

#include "cosi.h"
#include "cosx_encode.h"
#include "cosx_time.h"

void cos_strip_space(cos_string_t *str)
{
    while (str->len > 0 && cos_is_space(str->data[0])) {
        str->data++;
        str->len--;
    }
    while (str->len > 0 && cos_is_space(str->data[str->len - 1])) {
        str->len--;
    }
}

void cos_trip_space_and_cntrl(cos_string_t *str)
{
    while (str->len > 0 && cos_is_space_or_cntrl(str->data[0])) {
        str->data++;
        str->len--;
    }
    while (str->len > 0 && cos_is_space_or_cntrl(str->data[str->len - 1])) {
        str->len--;
    }
}

void cos_unquote_str(cos_string_t *str)
{
    if (str->len >= 2 && cos_is_quote(str->data[0]) && cos_is_quote(str->data[str->len - 1])) {
        str->data++;
        str->len -= 2;
    }
}

int cos_ends_with(const cos_string_t *str, const cos_string_t *suffix)
{
    if (str == NULL || suffix == NULL || str->len < suffix->len) {
        return 0;
    }
    return memcmp(str->data + str->len - suffix->len, suffix->data, (size_t)suffix->len) == 0;
}

int starts_with(const cos_string_t *str, const char *prefix)
{
    size_t n = strlen(prefix);
    if (str == NULL || str->data == NULL || (size_t)str->len < n) {
        return 0;
    }
    return memcmp(str->data, prefix, n) == 0;
}

char *cos_pstrdup(cos_pool_t *p, const cos_string_t *s)
{
    if (s == NULL || s->data == NULL) {
        return cos_pstrdup_cstr(p, "");
    }
    char *r = cos_palloc(p, (size_t)s->len + 1);
    if (r != NULL) {
        memcpy(r, s->data, (size_t)s->len);
        r[s->len] = '\0';
    }
    return r;
}

int cos_url_encode(char *dest, const char *src, int maxSrcSize)
{
    if (dest == NULL || src == NULL) {
        return COSE_INVALID_ARGUMENT;
    }
    size_t n = maxSrcSize < 0 ? strlen(src) : strnlen(src, (size_t)maxSrcSize);
    cosx_buf_t b = COSX_BUF_INIT;
    if (!cosx_enc(&b, src, n) || !cosx_buf_ok(&b)) {
        cosx_buf_free(&b);
        return COSE_OUT_MEMORY;
    }
    memcpy(dest, cosx_buf_str(&b), b.len + 1);
    cosx_buf_free(&b);
    return COSE_OK;
}

int cos_url_decode(const char *in, char *out)
{
    if (in == NULL || out == NULL) {
        return -1;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    if (!cosx_pct_decode(&b, in, strlen(in), true)) {
        cosx_buf_free(&b);
        return -1;
    }
    memcpy(out, cosx_buf_str(&b), b.len + 1);
    cosx_buf_free(&b);
    return COSE_OK;
}

int64_t cos_strtoll(const char *nptr, char **endptr, int base)
{
    return (int64_t)strtoll(nptr, endptr, base);
}

uint64_t cos_strtoull(const char *nptr, char **endptr, int base)
{
    return (uint64_t)strtoull(nptr, endptr, base);
}

int64_t cos_atoi64(const char *nptr)
{
    return cos_strtoll(nptr, NULL, 10);
}

uint64_t cos_atoui64(const char *nptr)
{
    return cos_strtoull(nptr, NULL, 10);
}

int cos_get_gmt_str_time(char datestr[COS_MAX_GMT_TIME_LEN])
{
    char buf[COSX_RFC1123_LEN];
    cosx_time_rfc1123(time(NULL), buf);
    snprintf(datestr, COS_MAX_GMT_TIME_LEN, "%s", buf);
    return COSE_OK;
}
