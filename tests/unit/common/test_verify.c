/* Unit tests of src/common/cosx_verify.c: every signing vector is accepted from its wire form; one
 * changed byte in any signed part is refused; time window, malformed and anonymous cases; and every
 * presigned-query form of COS_PROTOCOL 2.7 (Node raw, percent-encoded Go/Python, single "sign=").
 */
#include "sign_vectors.h"

#include "cosx_encode.h"
#include "cosx_verify.h"

/* A request as the server sees it. */
typedef struct wire {
    char method[16];
    cosx_buf_t path;  /* raw, percent-encoded */
    cosx_buf_t query; /* raw, without '?' */
    cosx_pair_t headers[SV_MAX_PAIRS];
    char values[SV_MAX_PAIRS][256]; /* header values, editable */
    size_t n_headers;
} wire_t;

static const char *lookup(void *ctx, const char *name)
{
    wire_t *w = ctx;
    for (size_t i = 0; i < w->n_headers; i++) {
        if (strcasecmp(w->headers[i].name, name) == 0) {
            return w->values[i];
        }
    }
    return NULL;
}

static void wire_from_vector(const sign_vector_t *v, wire_t *w)
{
    memset(w, 0, sizeof(*w));
    snprintf(w->method, sizeof(w->method), "%s", v->method);
    cosx_enc_path(&w->path, v->path, strlen(v->path));
    for (size_t i = 0; i < v->n_query; i++) {
        if (i) {
            cosx_buf_putc(&w->query, '&');
        }
        cosx_enc(&w->query, v->query[i].name, strlen(v->query[i].name));
        const char *val = v->query[i].value ? v->query[i].value : "";
        /* "?uploads" / "?delete" carry no '=' on the wire. */
        if (*val ||
            (strcmp(v->query[i].name, "uploads") != 0 && strcmp(v->query[i].name, "delete") != 0)) {
            cosx_buf_putc(&w->query, '=');
            cosx_enc(&w->query, val, strlen(val));
        }
    }
    for (size_t i = 0; i < v->n_headers; i++) {
        w->headers[i].name = v->headers[i].name;
        snprintf(w->values[i], sizeof(w->values[i]), "%s", v->headers[i].value);
    }
    w->n_headers = v->n_headers;
}

static void wire_free(wire_t *w)
{
    cosx_buf_free(&w->path);
    cosx_buf_free(&w->query);
}

static cosx_auth_status_t check(const char *authorization, wire_t *w, const char *key, int64_t now)
{
    cosx_auth_t auth;
    char why[512];
    cosx_auth_status_t st =
        cosx_auth_parse(authorization, cosx_buf_str(&w->query), &auth, why, sizeof(why));
    if (st != COSX_AUTH_OK) {
        return st;
    }
    cosx_verify_request_t req = {w->method, cosx_buf_str(&w->path), cosx_buf_str(&w->query), lookup,
                                 w};
    st = cosx_auth_verify(&auth, &req, key, now, 900, why, sizeof(why));
    cosx_auth_free(&auth);
    return st;
}

static void test_vectors_accepted(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    for (size_t i = 0; i < sv.n; i++) {
        wire_t w;
        wire_from_vector(&sv.v[i], &w);
        cosx_auth_status_t st =
            check(sv.v[i].expected_authorization, &w, sv.secret_key, sv.v[i].start + 10);
        if (st != COSX_AUTH_OK) {
            fail_msg("%s: %s", sv.v[i].name, cosx_auth_status_name(st));
        }
        /* The wrong secret key never verifies. */
        assert_int_equal(check(sv.v[i].expected_authorization, &w, "wrong-key", sv.v[i].start + 10),
                         COSX_AUTH_MISMATCH);
        wire_free(&w);
    }
    sv_free(&sv);
}

static void test_any_changed_byte_is_refused(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    for (size_t i = 0; i < sv.n; i++) {
        const sign_vector_t *v = &sv.v[i];
        const char *auth = v->expected_authorization;
        int64_t now = v->start + 10;
        wire_t w;
        /* method */
        wire_from_vector(v, &w);
        w.method[0] = w.method[0] == 'P' ? 'G' : 'P';
        assert_int_equal(check(auth, &w, sv.secret_key, now), COSX_AUTH_MISMATCH);
        wire_free(&w);
        /* path (another key, or another bucket in path style) */
        wire_from_vector(v, &w);
        cosx_buf_puts(&w.path, "x");
        assert_int_equal(check(auth, &w, sv.secret_key, now), COSX_AUTH_MISMATCH);
        wire_free(&w);
        /* each signed header value */
        for (size_t h = 0; h < v->n_headers; h++) {
            cosx_buf_t ln = COSX_BUF_INIT;
            cosx_enc_lower(&ln, v->headers[h].name, strlen(v->headers[h].name));
            char needle[300];
            snprintf(needle, sizeof(needle), "%s;", cosx_buf_str(&ln));
            const char *hl = strstr(auth, "q-header-list=");
            char list[512];
            snprintf(list, sizeof(list), "%s;", hl + 14);
            *strchr(list, '&') = ';';
            bool is_signed = strstr(list, needle) != NULL;
            cosx_buf_free(&ln);
            wire_from_vector(v, &w);
            w.values[h][0] ^= 1;
            assert_int_equal(check(auth, &w, sv.secret_key, now),
                             is_signed ? COSX_AUTH_MISMATCH : COSX_AUTH_OK);
            wire_free(&w);
        }
        /* each signed query value: change the encoded value on the wire */
        for (size_t q = 0; q < v->n_query; q++) {
            sign_vector_t copy = *v;
            char changed[256];
            snprintf(changed, sizeof(changed), "%sZ", v->query[q].value ? v->query[q].value : "");
            copy.query[q].value = changed;
            wire_from_vector(&copy, &w);
            assert_int_equal(check(auth, &w, sv.secret_key, now), COSX_AUTH_MISMATCH);
            wire_free(&w);
        }
        /* an unsigned extra parameter does not matter */
        wire_from_vector(v, &w);
        cosx_buf_puts(&w.query, w.query.len ? "&unsigned-extra=1" : "unsigned-extra=1");
        assert_int_equal(check(auth, &w, sv.secret_key, now), COSX_AUTH_OK);
        wire_free(&w);
        /* each byte of the signature, and the key time */
        wire_from_vector(v, &w);
        char *copy = strdup(auth);
        char *sig = strstr(copy, "q-signature=") + 12;
        for (int k = 0; k < 40; k++) {
            char old = sig[k];
            sig[k] = old == '0' ? '1' : '0';
            assert_int_equal(check(copy, &w, sv.secret_key, now), COSX_AUTH_MISMATCH);
            sig[k] = old;
        }
        char *kt = strstr(copy, "q-key-time=") + 11;
        kt[0] = kt[0] == '1' ? '0' : '1';
        assert_int_not_equal(check(copy, &w, sv.secret_key, now), COSX_AUTH_OK);
        free(copy);
        wire_free(&w);
    }
    sv_free(&sv);
}

static void test_time_window(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    const sign_vector_t *v = &sv.v[3];
    wire_t w;
    wire_from_vector(v, &w);
    const char *auth = v->expected_authorization;
    assert_int_equal(check(auth, &w, sv.secret_key, v->end), COSX_AUTH_OK);
    assert_int_equal(check(auth, &w, sv.secret_key, v->end + 1), COSX_AUTH_EXPIRED);
    assert_int_equal(check(auth, &w, sv.secret_key, v->start - 899), COSX_AUTH_OK);
    assert_int_equal(check(auth, &w, sv.secret_key, v->start - 901), COSX_AUTH_NOT_YET_VALID);
    /* The message the Node SDK keys its clock-skew retry on. */
    cosx_auth_t a;
    char why[256];
    assert_int_equal(cosx_auth_parse(auth, NULL, &a, why, sizeof(why)), COSX_AUTH_OK);
    cosx_verify_request_t req = {w.method, cosx_buf_str(&w.path), cosx_buf_str(&w.query), lookup,
                                 &w};
    assert_int_equal(cosx_auth_verify(&a, &req, sv.secret_key, v->end + 5, 900, why, sizeof(why)),
                     COSX_AUTH_EXPIRED);
    assert_string_equal(why, "Request has expired");
    cosx_auth_free(&a);
    wire_free(&w);
    sv_free(&sv);
}

static cosx_auth_status_t parse_only(const char *auth, const char *query)
{
    cosx_auth_t a;
    char why[256] = "";
    cosx_auth_status_t st = cosx_auth_parse(auth, query, &a, why, sizeof(why));
    if (st == COSX_AUTH_OK) {
        cosx_auth_free(&a);
    } else {
        assert_true(why[0] != '\0'); /* every refusal says why */
    }
    return st;
}

static void test_malformed(void **state)
{
    const char *good =
        "q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list=host"
        "&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567";
    assert_int_equal(parse_only(good, NULL), COSX_AUTH_OK);
    const char *items[] = {
        "q-sign-algorithm=", "q-ak=",       "q-sign-time=", "q-key-time=", "q-header-list=",
        "q-url-param-list=", "q-signature="};
    for (size_t i = 0; i < 7; i++) {
        /* Drop one item. */
        char buf[512];
        const char *at = strstr(good, items[i]);
        const char *amp = strchr(at, '&');
        size_t head = (size_t)(at - good);
        snprintf(buf, sizeof(buf), "%.*s%s", (int)head, good, amp ? amp + 1 : "");
        assert_int_equal(parse_only(buf, NULL), COSX_AUTH_MALFORMED);
    }
    char dup[512];
    snprintf(dup, sizeof(dup), "%s&q-ak=OTHER", good);
    assert_int_equal(parse_only(dup, NULL), COSX_AUTH_MALFORMED);
    assert_int_equal(
        parse_only("q-sign-algorithm=md5&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list="
                   "&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567",
                   NULL),
        COSX_AUTH_BAD_ALGORITHM);
    assert_int_equal(
        parse_only("q-sign-algorithm=sha1&q-ak=AK&q-sign-time=2;1&q-key-time=2;1&q-header-list="
                   "&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567",
                   NULL),
        COSX_AUTH_MALFORMED);
    assert_int_equal(
        parse_only("q-sign-algorithm=sha1&q-ak=AK&q-sign-time=x;1&q-key-time=1;2&q-header-list="
                   "&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567",
                   NULL),
        COSX_AUTH_MALFORMED);
    assert_int_equal(
        parse_only("q-sign-algorithm=sha1&q-ak=AK&q-sign-time=1;2&q-key-time=1;2&q-header-list="
                   "&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef0123456",
                   NULL),
        COSX_AUTH_MALFORMED);
    assert_int_equal(parse_only("garbage", NULL), COSX_AUTH_NONE);
    assert_int_equal(parse_only(NULL, NULL), COSX_AUTH_NONE);
    assert_int_equal(parse_only("", "prefix=a&marker="), COSX_AUTH_NONE);
    assert_int_equal(parse_only(NULL, "q-sign-algorithm=sha1&q-ak=AK"), COSX_AUTH_MALFORMED);
    assert_int_equal(parse_only(NULL, "q-sign-algorithm=sha1&q-ak=%ZZ"), COSX_AUTH_MALFORMED);
}

/* Verifies a presigned request: path + query exactly as they arrive, host header only. */
static cosx_auth_status_t check_presigned(const char *path, const char *query, const char *host,
                                          const char *key, int64_t now, char *token, size_t toklen)
{
    wire_t w;
    memset(&w, 0, sizeof(w));
    snprintf(w.method, sizeof(w.method), "GET");
    cosx_buf_puts(&w.path, path);
    cosx_buf_puts(&w.query, query);
    w.headers[0].name = "Host";
    snprintf(w.values[0], sizeof(w.values[0]), "%s", host);
    w.n_headers = 1;
    cosx_auth_t a;
    char why[256];
    cosx_auth_status_t st = cosx_auth_parse(NULL, query, &a, why, sizeof(why));
    if (st == COSX_AUTH_OK) {
        assert_true(a.presigned);
        if (token) {
            snprintf(token, toklen, "%s", a.token ? a.token : "");
        }
        cosx_verify_request_t req = {"GET", path, query, lookup, &w};
        st = cosx_auth_verify(&a, &req, key, now, 900, why, sizeof(why));
        cosx_auth_free(&a);
    }
    wire_free(&w);
    return st;
}

static void test_presigned_forms(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    const char *host = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
    cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(sv.root, "presigned_url_vectors"))
    {
        /* Node getObjectUrl, exactly as the SDK printed it. */
        const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(item, "expected_url"));
        const char *path = strstr(url, ".com/") + 4;
        const char *q = strchr(path, '?');
        char p[256], tok[128] = "";
        snprintf(p, sizeof(p), "%.*s", (int)(q - path), path);
        assert_int_equal(
            check_presigned(p, q + 1, host, sv.secret_key, 1700000100, tok, sizeof(tok)),
            COSX_AUTH_OK);
        cJSON *st = cJSON_GetObjectItem(cJSON_GetObjectItem(item, "input"), "SecurityToken");
        if (st) {
            assert_string_equal(tok, cJSON_GetStringValue(st)); /* '+' kept, not a space */
        }
        /* Another host (bucket) or key is refused. */
        assert_int_equal(check_presigned(p, q + 1,
                                         "otherbucket-1250000000.cos.ap-guangzhou.myqcloud.com",
                                         sv.secret_key, 1700000100, NULL, 0),
                         COSX_AUTH_MISMATCH);
        assert_int_equal(check_presigned("/folder/photo%202.jpg", q + 1, host, sv.secret_key,
                                         1700000100, NULL, 0),
                         COSX_AUTH_MISMATCH);
        assert_int_equal(check_presigned(p, q + 1, host, sv.secret_key, 1700003601, NULL, 0),
                         COSX_AUTH_EXPIRED);
    }

    /* Percent-encoded items (Go / Python / libcos form), after the user's own query, and the
     * single "sign=" form; each also with '+' standing for a space in a signed value. */
    const cosx_pair_t params[] = {{"response-content-disposition", "attachment; filename=a b.txt"}};
    const cosx_pair_t hdr[] = {{"host", host}};
    cosx_sign_input_t in = {.secret_id = sv.secret_id,
                            .secret_key = sv.secret_key,
                            .method = "GET",
                            .path = "/dir/a b+c.txt",
                            .params = params,
                            .n_params = 1,
                            .headers = hdr,
                            .n_headers = 1,
                            .start = 1700000000,
                            .end = 1700003600};
    cosx_signature_t sig;
    assert_int_equal(cosx_sign(&in, &sig), 0);
    cosx_buf_t q1 = COSX_BUF_INIT;
    cosx_buf_puts(&q1, "response-content-disposition=attachment%3B+filename%3Da+b.txt&");
    assert_true(cosx_sign_presign_query(&sig, sv.secret_id, &q1));
    assert_int_equal(check_presigned("/dir/a%20b%2Bc.txt", cosx_buf_str(&q1), host, sv.secret_key,
                                     1700000001, NULL, 0),
                     COSX_AUTH_OK);
    /* Go sends keys with '/' encoded as %2F: the same key. */
    assert_int_equal(check_presigned("/dir%2Fa%20b%2Bc.txt", cosx_buf_str(&q1), host, sv.secret_key,
                                     1700000001, NULL, 0),
                     COSX_AUTH_OK);
    cosx_buf_t q2 = COSX_BUF_INIT;
    cosx_buf_puts(&q2, "response-content-disposition=attachment%3B%20filename%3Da%20b.txt&sign=");
    cosx_enc(&q2, sig.authorization, strlen(sig.authorization));
    assert_int_equal(check_presigned("/dir/a%20b%2Bc.txt", cosx_buf_str(&q2), host, sv.secret_key,
                                     1700000001, NULL, 0),
                     COSX_AUTH_OK);
    /* A changed signed parameter is refused in both forms. */
    cosx_buf_t q3 = COSX_BUF_INIT;
    cosx_buf_puts(&q3, "response-content-disposition=inline&");
    cosx_sign_presign_query(&sig, sv.secret_id, &q3);
    assert_int_equal(check_presigned("/dir/a%20b%2Bc.txt", cosx_buf_str(&q3), host, sv.secret_key,
                                     1700000001, NULL, 0),
                     COSX_AUTH_MISMATCH);
    cosx_buf_free(&q1);
    cosx_buf_free(&q2);
    cosx_buf_free(&q3);
    cosx_signature_free(&sig);
    sv_free(&sv);
}

static void test_listed_but_absent_param_signs_empty(void **state)
{
    const cosx_pair_t params[] = {{"marker", ""}, {"prefix", "a"}};
    const cosx_pair_t hdr[] = {{"host", "b-1.cos.r.myqcloud.com"}};
    cosx_sign_input_t in = {.secret_id = "AK",
                            .secret_key = "SK",
                            .method = "GET",
                            .path = "/",
                            .params = params,
                            .n_params = 2,
                            .headers = hdr,
                            .n_headers = 1,
                            .start = 100,
                            .end = 200};
    cosx_signature_t sig;
    assert_int_equal(cosx_sign(&in, &sig), 0);
    wire_t w;
    memset(&w, 0, sizeof(w));
    snprintf(w.method, sizeof(w.method), "GET");
    cosx_buf_puts(&w.path, "/");
    cosx_buf_puts(&w.query, "prefix=a");
    w.headers[0].name = "host";
    snprintf(w.values[0], sizeof(w.values[0]), "b-1.cos.r.myqcloud.com");
    w.n_headers = 1;
    assert_int_equal(check(sig.authorization, &w, "SK", 150), COSX_AUTH_OK);
    cosx_buf_reset(&w.query);
    cosx_buf_puts(&w.query, "prefix=a&marker=x");
    assert_int_equal(check(sig.authorization, &w, "SK", 150), COSX_AUTH_MISMATCH);
    /* An invalid escape in the path cannot verify. */
    cosx_buf_reset(&w.query);
    cosx_buf_puts(&w.query, "prefix=a");
    cosx_buf_reset(&w.path);
    cosx_buf_puts(&w.path, "/%zz");
    assert_int_equal(check(sig.authorization, &w, "SK", 150), COSX_AUTH_MALFORMED);
    wire_free(&w);
    cosx_signature_free(&sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_accepted),
        cmocka_unit_test(test_any_changed_byte_is_refused),
        cmocka_unit_test(test_time_window),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_presigned_forms),
        cmocka_unit_test(test_listed_but_absent_param_signs_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
