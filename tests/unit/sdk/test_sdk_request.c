/* Unit tests of libcos request building and validation that need no server: host and URL rules
 * (endpoint scheme, is_cname, IP endpoints, appid suffix), client-side errors, presigned URLs checked
 * with the shared server-side verifier. */
#include "../test_util.h"

#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosx_verify.h"

static cos_request_options_t *make_options(cos_pool_t *p, const char *endpoint, const char *appid)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, endpoint);
    cos_str_set(&o->config->access_key_id, "AKIDtest");
    cos_str_set(&o->config->access_key_secret, "secretkey");
    if (appid != NULL) {
        cos_str_set(&o->config->appid, appid);
    }
    o->ctl = cos_http_controller_create(o->pool, 0);
    return o;
}

static void test_object_url(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_string_t bucket, key;
    cos_str_set(&key, "dir/a b+c.txt");
    cos_str_set(&bucket, "examplebucket");
    cos_request_options_t *o = make_options(p, "cos.ap-guangzhou.myqcloud.com", "1250000000");
    assert_string_equal(cos_gen_object_url(o, &bucket, &key),
                        "http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b%2Bc.txt");
    cos_str_set(&bucket, "examplebucket-1250000000"); /* suffix already there: not repeated */
    assert_string_equal(cos_gen_object_url(o, &bucket, &key),
                        "http://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b%2Bc.txt");
    o = make_options(p, "https://cos.ap-guangzhou.myqcloud.com", NULL);
    assert_string_equal(cos_gen_object_url(o, &bucket, &key),
                        "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b%2Bc.txt");
    o = make_options(p, "https://img.example.com", "1250000000");
    o->config->is_cname = 1;
    assert_string_equal(cos_gen_object_url(o, &bucket, &key), "https://img.example.com/dir/a%20b%2Bc.txt");
    o = make_options(p, "10.1.2.3:8080", "1250000000");
    assert_string_equal(cos_gen_object_url(o, &bucket, &key), "http://10.1.2.3:8080/dir/a%20b%2Bc.txt");
    /* A bracketed IPv6 literal is the host itself, like an IPv4 one. */
    o = make_options(p, "http://[::1]:8080/", "1250000000");
    assert_string_equal(cos_gen_object_url(o, &bucket, &key),
                        "http://[::1]:8080/dir/a%20b%2Bc.txt");
    o = make_options(p, "[fe80::1]", "1250000000");
    assert_string_equal(cos_gen_object_url(o, &bucket, &key), "http://[fe80::1]/dir/a%20b%2Bc.txt");
    o = make_options(p, "[not-v6]:80", NULL);
    assert_string_equal(cos_gen_object_url(o, &bucket, &key),
                        "http://examplebucket-1250000000.[not-v6]:80/dir/a%20b%2Bc.txt");
    cos_pool_destroy(p);
}

static void expect_client_error(cos_status_t *s, const char *msg_part)
{
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    assert_string_equal(s->error_code, "ClientError");
    assert_non_null(s->error_msg);
    if (strstr(s->error_msg, msg_part) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", s->error_msg, msg_part);
    }
    assert_false(cos_status_is_ok(s));
}

static void test_validation(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    /* Unroutable endpoint: nothing may be sent for these calls. */
    cos_request_options_t *o = make_options(p, "127.0.0.1:1", "1250000000");
    o->config->retry_times = 0;
    cos_string_t bucket, key, file;
    cos_table_t *resp = NULL;
    cos_str_set(&bucket, "");
    cos_str_set(&key, "k");
    expect_client_error(cos_head_object(o, &bucket, &key, NULL, &resp), "bucket is null or empty");
    assert_null(resp); /* untouched when validation fails */
    cos_str_set(&bucket, "Bad_Name");
    expect_client_error(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, &resp), "is invalid");
    cos_str_set(&bucket, "-lead");
    expect_client_error(cos_delete_bucket(o, &bucket, &resp), "is invalid");
    cos_str_set(&bucket, "good-1250000000");
    cos_str_set(&key, "");
    expect_client_error(cos_delete_object(o, &bucket, &key, &resp), "Object is invalid");
    cos_str_set(&key, "..");
    cos_list_t buf;
    cos_list_init(&buf);
    expect_client_error(cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &buf, &resp),
                        "The Getobject Key is illegal");
    char *longkey = cos_palloc(p, 3001);
    memset(longkey, 'k', 3000);
    longkey[3000] = '\0';
    cos_str_set(&key, longkey);
    expect_client_error(cos_head_object(o, &bucket, &key, NULL, &resp), "too long");
    cos_str_set(&o->config->access_key_id, "AKID ");
    cos_str_set(&key, "k");
    expect_client_error(cos_head_object(o, &bucket, &key, NULL, &resp), "whitespace");
    cos_str_set(&o->config->access_key_id, "AKID");
    cos_str_set(&o->config->endpoint, "");
    expect_client_error(cos_head_bucket(o, &bucket, &resp), "endpoint is null or empty");
    assert_null(resp);
    /* An endpoint that cannot be used is refused before anything is sent, naming it. */
    static const char *const bad_endpoints[][2] = {
        {"ftp://cos.example.com", "only http:// and https://"},
        {"http://cos example.com", "space"},
        {"http://cos.example.com/bucket", "path"},
        {"https://user:pw@cos.example.com", "user name"},
        {"https://", "no host"},
    };
    for (size_t i = 0; i < sizeof(bad_endpoints) / sizeof(bad_endpoints[0]); i++) {
        cos_str_set(&o->config->endpoint, bad_endpoints[i][0]);
        cos_status_t *es = cos_head_bucket(o, &bucket, &resp);
        expect_client_error(es, bad_endpoints[i][1]);
        assert_non_null(strstr(es->error_msg, bad_endpoints[i][0]));
        assert_null(resp);
        cos_get_service_params_t *sp = cos_create_get_service_params(p);
        expect_client_error(cos_get_service(o, sp, &resp), bad_endpoints[i][1]);
        assert_null(resp);
    }
    cos_str_set(&o->config->endpoint, "127.0.0.1:1");

    /* A missing local file is reported with its path and the system's reason. */
    cos_str_set(&file, "/nonexistent-dir/upload.bin");
    cos_status_t *s = cos_put_object_from_file(o, &bucket, &key, &file, NULL, &resp);
    assert_int_equal(s->code, COSE_OPEN_FILE_ERROR);
    assert_string_equal(s->error_code, "OpenFileFail");
    assert_string_equal(s->error_msg, "cannot open /nonexistent-dir/upload.bin: No such file or directory");

    cos_str_set(&file, "/nonexistent-dir/out.bin");
    s = cos_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, &resp);
    assert_int_equal(s->code, COSE_OPEN_FILE_ERROR);
    assert_non_null(strstr(s->error_msg, "/nonexistent-dir/out.bin.tmp"));

    cos_status_t *bad = cos_head_object(NULL, &bucket, &key, NULL, NULL);
    assert_int_equal(bad->code, COSE_INVALID_ARGUMENT);
    cos_pool_destroy(p);
}

typedef struct {
    const char *host;
} hdr_ctx_t;

static const char *lookup_host(void *ctx, const char *name)
{
    hdr_ctx_t *h = ctx;
    return strcmp(name, "host") == 0 ? h->host : NULL;
}

static void test_presigned_url(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p, "https://cos.ap-beijing.myqcloud.com", "1250000000");
    cos_string_t bucket, key, url;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "photos/a b.jpg");
    assert_int_equal(cos_gen_presigned_url(o, &bucket, &key, 600, HTTP_GET, &url), COSE_OK);
    const char *prefix = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/photos/a%20b.jpg?";
    assert_memory_equal(url.data, prefix, strlen(prefix));
    const char *query = url.data + strlen(prefix);

    cosx_auth_t auth;
    char why[256];
    assert_int_equal(cosx_auth_parse(NULL, query, &auth, why, sizeof(why)), COSX_AUTH_OK);
    assert_string_equal(auth.ak, "AKIDtest");
    assert_true(auth.end - auth.start == 600);
    hdr_ctx_t ctx = {"examplebucket-1250000000.cos.ap-beijing.myqcloud.com"};
    cosx_verify_request_t vr = {"GET", "/photos/a%20b.jpg", query, lookup_host, &ctx};
    int64_t now = auth.start + 1;
    assert_int_equal(cosx_auth_verify(&auth, &vr, "secretkey", now, 900, why, sizeof(why)), COSX_AUTH_OK);
    assert_int_equal(cosx_auth_verify(&auth, &vr, "wrongkey", now, 900, why, sizeof(why)), COSX_AUTH_MISMATCH);
    vr.method = "PUT";
    assert_int_equal(cosx_auth_verify(&auth, &vr, "secretkey", now, 900, why, sizeof(why)), COSX_AUTH_MISMATCH);
    assert_int_equal(cosx_auth_verify(&auth, &vr, "secretkey", auth.end + 1, 900, why, sizeof(why)),
                     COSX_AUTH_EXPIRED);
    cosx_auth_free(&auth);

    /* STS token: carried in the query and covered by the signature; extra params are signed too. */
    cos_str_set(&o->config->sts_token, "tok+en/=");
    cos_table_t *params = cos_table_make(p, 1);
    cos_table_add(params, "response-content-type", "text/plain");
    assert_int_equal(cos_gen_presigned_url_safe(o, &bucket, &key, 60, HTTP_GET, NULL, params, 1, &url), COSE_OK);
    query = strchr(url.data, '?') + 1;
    assert_non_null(strstr(query, "x-cos-security-token=tok%2Ben%2F%3D"));
    assert_non_null(strstr(query, "response-content-type=text%2Fplain"));
    assert_int_equal(cosx_auth_parse(NULL, query, &auth, why, sizeof(why)), COSX_AUTH_OK);
    assert_non_null(strstr(auth.param_list, "x-cos-security-token"));
    assert_non_null(strstr(auth.param_list, "response-content-type"));
    vr.method = "GET";
    vr.raw_query = query;
    assert_int_equal(cosx_auth_verify(&auth, &vr, "secretkey", auth.start, 900, why, sizeof(why)), COSX_AUTH_OK);
    cosx_auth_free(&auth);

    cos_str_set(&key, "");
    assert_int_equal(cos_gen_presigned_url(o, &bucket, &key, 60, HTTP_GET, &url), COSE_UNKNOWN_ERROR);
    cos_str_set(&key, "k");
    cos_str_set(&bucket, "");
    assert_int_equal(cos_gen_presigned_url(o, &bucket, &key, 60, HTTP_GET, &url), COSE_INVALID_ARGUMENT);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_object_url),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_presigned_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
