/* cosx_verify.c: verification of COS v5 signatures for the local server. Accepts the Authorization
 * header, the presigned q-* query items (raw or percent-encoded) and the single "sign=" form, then
 * recomputes the signature over exactly the headers and parameters the client listed. */
#include "cosx_verify.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosx_buf.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_sign.h"

enum { I_ALG, I_AK, I_SIGN_TIME, I_KEY_TIME, I_HEADERS, I_PARAMS, I_SIG, I_TOKEN, I_COUNT };
static const char *const ITEM_NAMES[I_COUNT] = {
    "q-sign-algorithm", "q-ak",        "q-sign-time", "q-key-time", "q-header-list",
    "q-url-param-list", "q-signature", NULL,
};

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

const char *cosx_auth_status_name(cosx_auth_status_t st)
{
    switch (st) {
    case COSX_AUTH_OK:
        return "ok";
    case COSX_AUTH_NONE:
        return "anonymous";
    case COSX_AUTH_MALFORMED:
        return "malformed";
    case COSX_AUTH_BAD_ALGORITHM:
        return "unknown algorithm";
    case COSX_AUTH_EXPIRED:
        return "expired";
    case COSX_AUTH_NOT_YET_VALID:
        return "not yet valid";
    case COSX_AUTH_MISMATCH:
        return "signature mismatch";
    }
    return "unknown";
}

void cosx_auth_free(cosx_auth_t *auth)
{
    free(auth->storage);
    memset(auth, 0, sizeof(*auth));
}

/* Collected item values (offsets into one buffer while it may still move). */
typedef struct collect {
    cosx_buf_t store;
    long off[I_COUNT]; /* -1: absent */
    bool duplicate;
} collect_t;

static int item_index(const char *name, size_t n)
{
    for (int i = 0; i < I_SIG + 1; i++) {
        if (strlen(ITEM_NAMES[i]) == n && memcmp(ITEM_NAMES[i], name, n) == 0) {
            return i;
        }
    }
    return -1;
}

static void collect_put(collect_t *c, int idx, const char *v, size_t n, bool decode)
{
    if (c->off[idx] >= 0) {
        c->duplicate = true;
        return;
    }
    c->off[idx] = (long)c->store.len;
    if (decode) {
        if (!cosx_pct_decode(&c->store, v, n, false)) {
            c->store.failed = true; /* reported as malformed below */
        }
    } else {
        cosx_buf_append(&c->store, v, n);
    }
    cosx_buf_putc(&c->store, '\0');
}

/* Splits "k=v&k=v" and collects the auth items; values are percent-decoded when decode is set. */
static void collect_items(collect_t *c, const char *s, bool decode)
{
    while (*s) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        const char *eq = memchr(s, '=', len);
        size_t nlen = eq ? (size_t)(eq - s) : len;
        /* Item names are matched after trimming spaces some clients put around '&'. */
        const char *name = s;
        while (nlen && isspace((unsigned char)*name)) {
            name++;
            nlen--;
        }
        int idx = item_index(name, nlen);
        if (idx >= 0) {
            const char *v = eq ? eq + 1 : s + len;
            size_t vlen = eq ? len - (size_t)(eq + 1 - s) : 0;
            collect_put(c, idx, v, vlen, decode);
        }
        if (!amp) {
            break;
        }
        s = amp + 1;
    }
}

static bool parse_time_pair(const char *s, int64_t *a, int64_t *b)
{
    char *end;
    if (!isdigit((unsigned char)*s)) {
        return false;
    }
    long long x = strtoll(s, &end, 10);
    if (*end != ';' || !isdigit((unsigned char)end[1])) {
        return false;
    }
    long long y = strtoll(end + 1, &end, 10);
    if (*end != '\0' || x > y) {
        return false;
    }
    *a = x;
    *b = y;
    return true;
}

/* Finds the value of query parameter `want` (exact name) in raw_query and appends it decoded. */
static bool query_value(const char *raw_query, const char *want, bool form, cosx_buf_t *out)
{
    size_t wl = strlen(want);
    const char *s = raw_query;
    while (s && *s) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len >= wl && memcmp(s, want, wl) == 0 && (len == wl || s[wl] == '=')) {
            const char *v = len == wl ? s + len : s + wl + 1;
            size_t vlen = len == wl ? 0 : len - wl - 1;
            return cosx_pct_decode(out, v, vlen, form);
        }
        s = amp ? amp + 1 : NULL;
    }
    return false;
}

cosx_auth_status_t cosx_auth_parse(const char *authorization, const char *raw_query,
                                   cosx_auth_t *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof(*out));
    collect_t c;
    cosx_buf_init(&c.store);
    c.duplicate = false;
    for (int i = 0; i < I_COUNT; i++) {
        c.off[i] = -1;
    }
    bool presigned = false;
    if (authorization && *authorization) {
        collect_items(&c, authorization, false);
    } else if (raw_query && *raw_query) {
        cosx_buf_t merged = COSX_BUF_INIT;
        if (query_value(raw_query, "sign", true, &merged)) {
            /* Single "sign=" parameter holding the whole, percent-encoded auth string. */
            collect_items(&c, cosx_buf_str(&merged), false);
            presigned = true;
        } else {
            collect_items(&c, raw_query, true);
            presigned = c.off[I_ALG] >= 0 || c.off[I_SIG] >= 0 || c.off[I_AK] >= 0;
        }
        cosx_buf_free(&merged);
        if (presigned) {
            cosx_buf_t tok = COSX_BUF_INIT;
            if (query_value(raw_query, "x-cos-security-token", false, &tok) ||
                query_value(raw_query, "x-ci-security-token", false, &tok)) {
                collect_put(&c, I_TOKEN, tok.data ? tok.data : "", tok.len, false);
            }
            cosx_buf_free(&tok);
        }
    }
    bool any = false;
    for (int i = 0; i < I_COUNT; i++) {
        any = any || c.off[i] >= 0;
    }
    if (!any) {
        cosx_buf_free(&c.store);
        say(why, whylen, "the request carries no signature");
        return COSX_AUTH_NONE;
    }
    if (!cosx_buf_ok(&c.store)) {
        cosx_buf_free(&c.store);
        say(why, whylen, "the signature contains an invalid percent-encoding");
        return COSX_AUTH_MALFORMED;
    }
    if (c.duplicate) {
        cosx_buf_free(&c.store);
        say(why, whylen, "an item of the signature appears more than once");
        return COSX_AUTH_MALFORMED;
    }
    for (int i = 0; i <= I_SIG; i++) {
        if (c.off[i] < 0) {
            cosx_buf_free(&c.store);
            say(why, whylen, "the signature lacks the item %s", ITEM_NAMES[i]);
            return COSX_AUTH_MALFORMED;
        }
    }
    out->storage = cosx_buf_detach(&c.store);
    if (!out->storage) {
        say(why, whylen, "out of memory");
        return COSX_AUTH_MALFORMED;
    }
    const char **fields[I_COUNT] = {&out->algorithm, &out->ak,          &out->sign_time,
                                    &out->key_time,  &out->header_list, &out->param_list,
                                    &out->signature, &out->token};
    for (int i = 0; i < I_COUNT; i++) {
        *fields[i] = c.off[i] >= 0 ? out->storage + c.off[i] : NULL;
    }
    out->presigned = presigned;

    cosx_auth_status_t st = COSX_AUTH_OK;
    int64_t ks, ke;
    if (strcmp(out->algorithm, "sha1") != 0) {
        say(why, whylen, "q-sign-algorithm '%.32s' is not supported; use sha1", out->algorithm);
        st = COSX_AUTH_BAD_ALGORITHM;
    } else if (*out->ak == '\0') {
        say(why, whylen, "q-ak (the SecretId) is empty");
        st = COSX_AUTH_MALFORMED;
    } else if (!parse_time_pair(out->sign_time, &out->start, &out->end)) {
        say(why, whylen, "q-sign-time must be <start>;<end> in Unix seconds with start <= end");
        st = COSX_AUTH_MALFORMED;
    } else if (!parse_time_pair(out->key_time, &ks, &ke)) {
        say(why, whylen, "q-key-time must be <start>;<end> in Unix seconds with start <= end");
        st = COSX_AUTH_MALFORMED;
    } else {
        size_t n = strlen(out->signature);
        bool hex = n == 40;
        for (size_t i = 0; hex && i < n; i++) {
            hex = isxdigit((unsigned char)out->signature[i]) != 0;
        }
        if (!hex) {
            say(why, whylen, "q-signature must be 40 hexadecimal digits");
            st = COSX_AUTH_MALFORMED;
        }
    }
    if (st != COSX_AUTH_OK) {
        cosx_auth_free(out);
    }
    return st;
}

/* Whether item (len n) is one of the ';'-separated names of list. */
static bool in_list(const char *list, const char *item, size_t n)
{
    const char *s = list;
    while (*s) {
        const char *semi = strchr(s, ';');
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        if (len == n && strncasecmp(s, item, n) == 0) {
            return true;
        }
        if (!semi) {
            break;
        }
        s = semi + 1;
    }
    return false;
}

typedef struct pairs {
    cosx_pair_t *v;
    size_t n, cap;
    cosx_buf_t store; /* names and values, NUL-separated; pointers fixed up at the end */
    size_t *offs;     /* 2 offsets per pair */
} pairs_t;

static bool pairs_add(pairs_t *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        size_t *o = realloc(p->offs, cap * 2 * sizeof(*o));
        if (!o) {
            return false;
        }
        p->offs = o;
        p->cap = cap;
    }
    p->offs[2 * p->n] = p->store.len;
    cosx_buf_append(&p->store, name, nlen);
    cosx_buf_putc(&p->store, '\0');
    p->offs[2 * p->n + 1] = p->store.len;
    cosx_buf_append(&p->store, value, vlen);
    cosx_buf_putc(&p->store, '\0');
    p->n++;
    return cosx_buf_ok(&p->store);
}

static bool pairs_finish(pairs_t *p)
{
    if (p->n == 0) {
        return true;
    }
    p->v = calloc(p->n, sizeof(*p->v));
    if (!p->v) {
        return false;
    }
    for (size_t i = 0; i < p->n; i++) {
        p->v[i].name = p->store.data + p->offs[2 * i];
        p->v[i].value = p->store.data + p->offs[2 * i + 1];
    }
    return true;
}

static void pairs_free(pairs_t *p)
{
    free(p->v);
    free(p->offs);
    cosx_buf_free(&p->store);
}

/* The listed query parameters, as (lower(enc(name)), decoded value); listed but absent ones are
 * empty. */
static bool build_params(const char *list, const char *raw_query, pairs_t *out)
{
    cosx_buf_t name = COSX_BUF_INIT, enc = COSX_BUF_INIT, value = COSX_BUF_INIT;
    bool ok = true;
    const char *s = raw_query ? raw_query : "";
    while (ok && *s && *list) {
        const char *amp = strchr(s, '&');
        size_t len = amp ? (size_t)(amp - s) : strlen(s);
        if (len > 0) {
            const char *eq = memchr(s, '=', len);
            size_t nlen = eq ? (size_t)(eq - s) : len;
            cosx_buf_reset(&name);
            cosx_buf_reset(&enc);
            cosx_buf_reset(&value);
            if (cosx_pct_decode(&name, s, nlen, true)) {
                cosx_enc_lower(&enc, cosx_buf_str(&name), name.len);
                if (in_list(list, cosx_buf_str(&enc), enc.len)) {
                    bool dec = eq ? cosx_pct_decode(&value, eq + 1, len - nlen - 1, true) : true;
                    /* An undecodable value cannot match any signature: keep it raw. */
                    if (!dec) {
                        cosx_buf_reset(&value);
                        cosx_buf_append(&value, eq + 1, len - nlen - 1);
                    }
                    ok = pairs_add(out, cosx_buf_str(&enc), enc.len, cosx_buf_str(&value),
                                   value.len);
                }
            }
        }
        if (!amp) {
            break;
        }
        s = amp + 1;
    }
    /* Listed names that the query does not carry sign as "name=". */
    const char *l = list;
    while (ok && *l) {
        const char *semi = strchr(l, ';');
        size_t len = semi ? (size_t)(semi - l) : strlen(l);
        bool found = false;
        for (size_t i = 0; i < out->n && !found; i++) {
            const char *nm = out->store.data + out->offs[2 * i];
            found = strlen(nm) == len && strncasecmp(nm, l, len) == 0;
        }
        if (!found && len > 0) {
            ok = pairs_add(out, l, len, "", 0);
        }
        if (!semi) {
            break;
        }
        l = semi + 1;
    }
    cosx_buf_free(&name);
    cosx_buf_free(&enc);
    cosx_buf_free(&value);
    return ok && pairs_finish(out);
}

/* The listed headers, looked up by their decoded name; absent ones are empty. */
static bool build_headers(const char *list, const cosx_verify_request_t *req, pairs_t *out)
{
    cosx_buf_t name = COSX_BUF_INIT;
    bool ok = true;
    const char *l = list;
    while (ok && *l) {
        const char *semi = strchr(l, ';');
        size_t len = semi ? (size_t)(semi - l) : strlen(l);
        if (len > 0) {
            cosx_buf_reset(&name);
            if (cosx_pct_decode(&name, l, len, false)) {
                for (size_t i = 0; i < name.len; i++) {
                    name.data[i] = (char)tolower((unsigned char)name.data[i]);
                }
                const char *v =
                    req->header ? req->header(req->header_ctx, cosx_buf_str(&name)) : NULL;
                ok = pairs_add(out, l, len, v ? v : "", v ? strlen(v) : 0);
            } else {
                ok = pairs_add(out, l, len, "", 0);
            }
        }
        if (!semi) {
            break;
        }
        l = semi + 1;
    }
    cosx_buf_free(&name);
    return ok && pairs_finish(out);
}

cosx_auth_status_t cosx_auth_verify(const cosx_auth_t *auth, const cosx_verify_request_t *req,
                                    const char *secret_key, int64_t now, int64_t max_skew,
                                    char *why, size_t whylen)
{
    if (now > auth->end) {
        say(why, whylen, "Request has expired");
        return COSX_AUTH_EXPIRED;
    }
    if (auth->start > now + max_skew) {
        say(why, whylen,
            "The difference between the request time and the server's time is too large "
            "(q-sign-time starts %" PRId64 " s in the future)",
            auth->start - now);
        return COSX_AUTH_NOT_YET_VALID;
    }
    cosx_auth_status_t st = COSX_AUTH_OK;
    pairs_t params = {0}, headers = {0};
    cosx_buf_t path = COSX_BUF_INIT, pstr = COSX_BUF_INIT, hstr = COSX_BUF_INIT,
               http = COSX_BUF_INIT;
    const char *raw_path = req->raw_path && *req->raw_path ? req->raw_path : "/";
    if (!cosx_pct_decode(&path, raw_path, strlen(raw_path), false)) {
        say(why, whylen, "the request path is not valid percent-encoding");
        st = COSX_AUTH_MALFORMED;
        goto done;
    }
    if (!build_params(auth->param_list, req->raw_query, &params) ||
        !build_headers(auth->header_list, req, &headers) ||
        !cosx_sign_canonical(params.v, params.n, true, NULL, &pstr) ||
        !cosx_sign_canonical(headers.v, headers.n, true, NULL, &hstr)) {
        say(why, whylen, "out of memory");
        st = COSX_AUTH_MALFORMED;
        goto done;
    }
    for (const char *m = req->method ? req->method : ""; *m; m++) {
        cosx_buf_putc(&http, (char)tolower((unsigned char)*m));
    }
    cosx_buf_putc(&http, '\n');
    cosx_buf_append(&http, path.data, path.len);
    cosx_buf_putc(&http, '\n');
    cosx_buf_puts(&http, cosx_buf_str(&pstr));
    cosx_buf_putc(&http, '\n');
    cosx_buf_puts(&http, cosx_buf_str(&hstr));
    cosx_buf_putc(&http, '\n');
    if (!cosx_buf_ok(&http)) {
        say(why, whylen, "out of memory");
        st = COSX_AUTH_MALFORMED;
        goto done;
    }
    char expected[41], given[41];
    cosx_sign_compute(secret_key, auth->key_time, http.data, http.len, expected, NULL);
    for (int i = 0; i < 40; i++) {
        given[i] = (char)tolower((unsigned char)auth->signature[i]);
    }
    given[40] = '\0';
    if (!cosx_ct_equal(expected, given, 40)) {
        say(why, whylen,
            "The calculated signature does not match the one provided; check the SecretKey and "
            "that the signed headers (%s) and parameters (%s) are sent unchanged",
            auth->header_list, auth->param_list);
        st = COSX_AUTH_MISMATCH;
    }
done:
    pairs_free(&params);
    pairs_free(&headers);
    cosx_buf_free(&path);
    cosx_buf_free(&pstr);
    cosx_buf_free(&hstr);
    cosx_buf_free(&http);
    return st;
}
