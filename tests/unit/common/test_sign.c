/* Unit tests of src/common/cosx_sign.c: every vector of sign_vectors.json (made by the official
 * Node.js SDK) is reproduced byte for byte, with its intermediate values; the presigned-URL
 * vectors; ordering. */
#include "sign_vectors.h"

#include "cosx_encode.h"

static void sign_vector(const sign_vectors_t *sv, const sign_vector_t *v, cosx_signature_t *sig)
{
    cosx_pair_t hdrs[SV_MAX_PAIRS];
    size_t nh = sv_signed_headers(v, hdrs);
    cosx_sign_input_t in = {
        .secret_id = sv->secret_id,
        .secret_key = sv->secret_key,
        .method = v->method,
        .path = v->path,
        .params = v->query,
        .n_params = v->n_query,
        .headers = hdrs,
        .n_headers = nh,
        .start = v->start,
        .end = v->end,
    };
    assert_int_equal(cosx_sign(&in, sig), 0);
}

static void test_sdk_vectors(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    for (size_t i = 0; i < sv.n; i++) {
        const sign_vector_t *v = &sv.v[i];
        cosx_signature_t sig;
        sign_vector(&sv, v, &sig);
        if (strcmp(sig.authorization, v->expected_authorization) != 0) {
            fail_msg("%s:\n got  %s\n want %s", v->name, sig.authorization,
                     v->expected_authorization);
        }
        assert_string_equal(sig.http_string, v->http_string);
        assert_string_equal(sig.string_to_sign, v->string_to_sign);
        assert_string_equal(sig.sign_key, v->sign_key);
        assert_string_equal(sig.signature, v->signature);
        cosx_signature_free(&sig);
    }
    sv_free(&sv);
}

static void test_published_doc_signature(void **state)
{
    /* COS_PROTOCOL 2.9 A: the value printed in the official documentation. */
    sign_vectors_t sv;
    sv_load(&sv);
    cosx_signature_t sig;
    sign_vector(&sv, &sv.v[7], &sig);
    assert_string_equal(sig.signature, "3b8851a11a569213c17ba8fa7dcf2abec6935172");
    assert_string_equal(sig.sign_key, "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f");
    cosx_signature_free(&sig);
    sv_free(&sv);
}

static void test_presigned_vectors(void **state)
{
    sign_vectors_t sv;
    sv_load(&sv);
    cJSON *item;
    int count = 0;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(sv.root, "presigned_url_vectors"))
    {
        cJSON *in = cJSON_GetObjectItem(item, "input");
        const char *bucket = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Bucket"));
        const char *region = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Region"));
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Key"));
        char host[256], path[512];
        snprintf(host, sizeof(host), "%s.cos.%s.myqcloud.com", bucket, region);
        snprintf(path, sizeof(path), "/%s", key);
        cosx_pair_t q[SV_MAX_PAIRS];
        size_t nq = 0;
        sv_pairs(cJSON_GetObjectItem(in, "Query"), q, &nq);
        cosx_pair_t h[] = {{"host", host}};
        long long a, b;
        sscanf(cJSON_GetStringValue(cJSON_GetObjectItem(in, "KeyTime")), "%lld;%lld", &a, &b);
        cosx_sign_input_t si = {.secret_id = sv.secret_id,
                                .secret_key = sv.secret_key,
                                .method = "GET",
                                .path = path,
                                .params = q,
                                .n_params = nq,
                                .headers = h,
                                .n_headers = 1,
                                .start = a,
                                .end = b};
        cosx_signature_t sig;
        assert_int_equal(cosx_sign(&si, &sig), 0);
        const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(item, "expected_url"));
        char want[64];
        snprintf(want, sizeof(want), "q-signature=%s", sig.signature);
        assert_non_null(strstr(url, want));
        /* Our query form carries the same items, percent-encoded. */
        cosx_buf_t qs = COSX_BUF_INIT;
        assert_true(cosx_sign_presign_query(&sig, sv.secret_id, &qs));
        assert_non_null(strstr(cosx_buf_str(&qs), want));
        char kt[64];
        snprintf(kt, sizeof(kt), "q-key-time=%lld%%3B%lld&", a, b);
        assert_non_null(strstr(cosx_buf_str(&qs), kt));
        assert_true(strncmp(cosx_buf_str(&qs), "q-sign-algorithm=sha1&q-ak=", 27) == 0);
        cosx_buf_free(&qs);
        cosx_signature_free(&sig);
        count++;
    }
    assert_int_equal(count, 2);
    sv_free(&sv);
}

static void test_canonical_order(void **state)
{
    /* Order is by the encoded, lowercased name (COS_PROTOCOL 2.5), then by value for repeats. */
    const cosx_pair_t p[] = {{"x-cos-meta-b", "2"},
                             {"X-Cos-Meta-A", "1"},
                             {"x-cos-meta-\xe4\xb8\xad", "z"},
                             {"x-cos-meta-_", "u"},
                             {"uploads", NULL},
                             {"k", "b"},
                             {"k", "a"}};
    cosx_buf_t list = COSX_BUF_INIT, str = COSX_BUF_INIT;
    assert_true(cosx_sign_canonical(p, 7, false, &list, &str));
    assert_string_equal(cosx_buf_str(&list),
                        "k;k;uploads;x-cos-meta-%e4%b8%ad;x-cos-meta-_;x-cos-meta-a;x-cos-meta-b");
    assert_string_equal(cosx_buf_str(&str),
                        "k=a&k=b&uploads=&x-cos-meta-%e4%b8%ad=z&x-cos-meta-_=u&"
                        "x-cos-meta-a=1&x-cos-meta-b=2");
    cosx_buf_free(&list);
    cosx_buf_free(&str);
}

static void test_empty_request_shape(void **state)
{
    cosx_sign_input_t in = {.secret_id = "id",
                            .secret_key = "key",
                            .method = "GET",
                            .path = "/key",
                            .start = 1,
                            .end = 2};
    cosx_signature_t sig;
    assert_int_equal(cosx_sign(&in, &sig), 0);
    assert_string_equal(sig.http_string, "get\n/key\n\n\n");
    assert_non_null(strstr(sig.authorization, "&q-header-list=&q-url-param-list=&q-signature="));
    cosx_signature_free(&sig);
    in.secret_key = NULL;
    assert_int_equal(cosx_sign(&in, &sig), -1);
    assert_null(sig.authorization);
}

static void test_header_choice(void **state)
{
    assert_true(cosx_sign_header_wanted("Host"));
    assert_true(cosx_sign_header_wanted("content-md5"));
    assert_true(cosx_sign_header_wanted("X-COS-META-ANY"));
    assert_true(cosx_sign_header_wanted("x-ci-security-token"));
    assert_true(cosx_sign_header_wanted("If-None-Match"));
    assert_false(cosx_sign_header_wanted("Date"));
    assert_false(cosx_sign_header_wanted("User-Agent"));
    assert_false(cosx_sign_header_wanted("Authorization"));
    assert_false(cosx_sign_header_wanted("x-cosmos"));
    assert_false(cosx_sign_header_wanted(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdk_vectors),         cmocka_unit_test(test_published_doc_signature),
        cmocka_unit_test(test_presigned_vectors),   cmocka_unit_test(test_canonical_order),
        cmocka_unit_test(test_empty_request_shape), cmocka_unit_test(test_header_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
