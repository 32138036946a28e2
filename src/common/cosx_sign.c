/* cosx_sign.c: the COS v5 signer. Builds HttpParameters / HttpHeaders in the canonical order of
 * COS_PROTOCOL 2.5 (by encoded, lowercased name, then encoded value), the HttpString, the
 * StringToSign and the HMAC-SHA1 signature, and assembles the seven-item Authorization string. */
#include "cosx_sign.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cosx_digest.h"
#include "cosx_encode.h"

typedef struct canon_item {
    size_t name_off, name_len;
    size_t value_off, value_len;
    const char *base; /* set just before sorting */
} canon_item_t;

static int cmp_item(const void *pa, const void *pb)
{
    const canon_item_t *a = pa, *b = pb;
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(a->base + a->name_off, b->base + b->name_off, n);
    if (c != 0) {
        return c;
    }
    if (a->name_len != b->name_len) {
        return a->name_len < b->name_len ? -1 : 1;
    }
    n = a->value_len < b->value_len ? a->value_len : b->value_len;
    c = memcmp(a->base + a->value_off, b->base + b->value_off, n);
    if (c != 0) {
        return c;
    }
    return a->value_len < b->value_len ? -1 : (a->value_len > b->value_len ? 1 : 0);
}

bool cosx_sign_canonical(const cosx_pair_t *pairs, size_t n, bool encoded, cosx_buf_t *list,
                         cosx_buf_t *str)
{
    if (n == 0) {
        /* Both outputs exist (possibly empty) so callers can rely on them. */
        return (!list || cosx_buf_append(list, "", 0)) && (!str || cosx_buf_append(str, "", 0));
    }
    canon_item_t *items = calloc(n, sizeof(*items));
    if (!items) {
        return false;
    }
    cosx_buf_t store = COSX_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *name = pairs[i].name ? pairs[i].name : "";
        const char *value = pairs[i].value ? pairs[i].value : "";
        items[i].name_off = store.len;
        if (encoded) {
            for (const char *p = name; *p; p++) {
                char c = *p;
                cosx_buf_putc(&store, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c);
            }
        } else {
            cosx_enc_lower(&store, name, strlen(name));
        }
        items[i].name_len = store.len - items[i].name_off;
        items[i].value_off = store.len;
        cosx_enc(&store, value, strlen(value));
        items[i].value_len = store.len - items[i].value_off;
    }
    bool ok = cosx_buf_ok(&store);
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            items[i].base = store.data;
        }
        qsort(items, n, sizeof(*items), cmp_item);
        for (size_t i = 0; i < n; i++) {
            const char *nm = store.data + items[i].name_off;
            if (list) {
                if (i) {
                    cosx_buf_putc(list, ';');
                }
                cosx_buf_append(list, nm, items[i].name_len);
            }
            if (str) {
                if (i) {
                    cosx_buf_putc(str, '&');
                }
                cosx_buf_append(str, nm, items[i].name_len);
                cosx_buf_putc(str, '=');
                cosx_buf_append(str, store.data + items[i].value_off, items[i].value_len);
            }
        }
        ok = (!list || cosx_buf_ok(list)) && (!str || cosx_buf_ok(str));
    }
    cosx_buf_free(&store);
    free(items);
    return ok;
}

void cosx_sign_compute(const char *secret_key, const char *key_time, const char *http_string,
                       size_t http_len, char sig_hex[41], char sign_key_hex[41])
{
    unsigned char mac[COSX_SHA1_LEN];
    char key_hex[41];
    cosx_hmac_sha1(secret_key, strlen(secret_key), key_time, strlen(key_time), mac);
    cosx_hex_encode(mac, sizeof(mac), key_hex);

    unsigned char sha[COSX_SHA1_LEN];
    char sha_hex[41];
    cosx_sha1(http_string, http_len, sha);
    cosx_hex_encode(sha, sizeof(sha), sha_hex);

    /* "sha1\n" + KeyTime + "\n" + hex(sha1(HttpString)) + "\n" */
    size_t kt = strlen(key_time);
    char sts_stack[256];
    size_t sts_len = 5 + kt + 1 + 40 + 1;
    char *sts = sts_len <= sizeof(sts_stack) ? sts_stack : malloc(sts_len);
    if (!sts) {
        memset(sig_hex, '0', 40);
        sig_hex[40] = '\0';
        return;
    }
    memcpy(sts, "sha1\n", 5);
    memcpy(sts + 5, key_time, kt);
    sts[5 + kt] = '\n';
    memcpy(sts + 6 + kt, sha_hex, 40);
    sts[46 + kt] = '\n';
    cosx_hmac_sha1(key_hex, 40, sts, sts_len, mac);
    cosx_hex_encode(mac, sizeof(mac), sig_hex);
    if (sts != sts_stack) {
        free(sts);
    }
    if (sign_key_hex) {
        memcpy(sign_key_hex, key_hex, 41);
    }
}

void cosx_signature_free(cosx_signature_t *sig)
{
    free(sig->authorization);
    free(sig->key_time);
    free(sig->header_list);
    free(sig->param_list);
    free(sig->http_string);
    free(sig->string_to_sign);
    memset(sig, 0, sizeof(*sig));
}

int cosx_sign(const cosx_sign_input_t *in, cosx_signature_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!in->secret_id || !in->secret_key || !in->method || !in->path) {
        return -1;
    }
    cosx_buf_t key_time = COSX_BUF_INIT, plist = COSX_BUF_INIT, pstr = COSX_BUF_INIT;
    cosx_buf_t hlist = COSX_BUF_INIT, hstr = COSX_BUF_INIT, http = COSX_BUF_INIT;
    cosx_buf_t sts = COSX_BUF_INIT, auth = COSX_BUF_INIT;

    cosx_buf_printf(&key_time, "%" PRId64 ";%" PRId64, in->start, in->end);
    bool ok = cosx_sign_canonical(in->params, in->n_params, false, &plist, &pstr) &&
              cosx_sign_canonical(in->headers, in->n_headers, false, &hlist, &hstr);
    for (const char *m = in->method; *m; m++) {
        cosx_buf_putc(&http, (*m >= 'A' && *m <= 'Z') ? (char)(*m + 32) : *m);
    }
    cosx_buf_putc(&http, '\n');
    cosx_buf_puts(&http, in->path);
    cosx_buf_putc(&http, '\n');
    cosx_buf_puts(&http, cosx_buf_str(&pstr));
    cosx_buf_putc(&http, '\n');
    cosx_buf_puts(&http, cosx_buf_str(&hstr));
    cosx_buf_putc(&http, '\n');
    ok = ok && cosx_buf_ok(&key_time) && cosx_buf_ok(&http);
    if (ok) {
        cosx_sign_compute(in->secret_key, key_time.data, http.data, http.len, out->signature,
                          out->sign_key);
        unsigned char sha[COSX_SHA1_LEN];
        char sha_hex[41];
        cosx_sha1(http.data, http.len, sha);
        cosx_hex_encode(sha, sizeof(sha), sha_hex);
        cosx_buf_printf(&sts, "sha1\n%s\n%s\n", key_time.data, sha_hex);
        cosx_buf_printf(&auth,
                        "q-sign-algorithm=sha1&q-ak=%s&q-sign-time=%s&q-key-time=%s"
                        "&q-header-list=%s&q-url-param-list=%s&q-signature=%s",
                        in->secret_id, key_time.data, key_time.data, cosx_buf_str(&hlist),
                        cosx_buf_str(&plist), out->signature);
        ok = cosx_buf_ok(&sts) && cosx_buf_ok(&auth);
    }
    if (ok) {
        out->authorization = cosx_buf_detach(&auth);
        out->key_time = cosx_buf_detach(&key_time);
        out->header_list = cosx_buf_detach(&hlist);
        out->param_list = cosx_buf_detach(&plist);
        out->http_string = cosx_buf_detach(&http);
        out->string_to_sign = cosx_buf_detach(&sts);
        ok = out->authorization && out->key_time && out->header_list && out->param_list &&
             out->http_string && out->string_to_sign;
    }
    cosx_buf_free(&key_time);
    cosx_buf_free(&plist);
    cosx_buf_free(&pstr);
    cosx_buf_free(&hlist);
    cosx_buf_free(&hstr);
    cosx_buf_free(&http);
    cosx_buf_free(&sts);
    cosx_buf_free(&auth);
    if (!ok) {
        cosx_signature_free(out);
        return -1;
    }
    return 0;
}

bool cosx_sign_presign_query(const cosx_signature_t *sig, const char *secret_id, cosx_buf_t *out)
{
    const char *names[] = {"q-sign-algorithm", "q-ak",          "q-sign-time",
                           "q-key-time",       "q-header-list", "q-url-param-list",
                           "q-signature"};
    const char *values[] = {"sha1",           secret_id,       sig->key_time, sig->key_time,
                            sig->header_list, sig->param_list, sig->signature};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (i) {
            cosx_buf_putc(out, '&');
        }
        cosx_buf_puts(out, names[i]);
        cosx_buf_putc(out, '=');
        const char *v = values[i] ? values[i] : "";
        cosx_enc(out, v, strlen(v));
    }
    return cosx_buf_ok(out);
}

bool cosx_sign_header_wanted(const char *name)
{
    static const char *const WANTED[] = {
        "host",
        "content-type",
        "content-length",
        "content-md5",
        "range",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "cache-control",
        "content-disposition",
        "content-encoding",
        "expires",
    };
    if (!name) {
        return false;
    }
    if (strncasecmp(name, "x-cos-", 6) == 0 || strncasecmp(name, "x-ci-", 5) == 0) {
        return true;
    }
    for (size_t i = 0; i < sizeof(WANTED) / sizeof(WANTED[0]); i++) {
        if (strcasecmp(name, WANTED[i]) == 0) {
            return true;
        }
    }
    return false;
}
