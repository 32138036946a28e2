/* Unit tests of cosd_route: every host form of COS_PROTOCOL 1.4, path-style, key and bucket name
 * checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_route.h"

#include <string.h>

static char *domains[] = {"myqcloud.com", "tencentcos.cn", "tencentci.cn", "localhost", "cos.test"};
#define N_COS 3
#define N_ALL 5

static cosd_route_t route(const char *host, const char *path)
{
    cosd_route_t r;
    assert_true(cosd_route_parse(host, path, domains, N_COS, N_ALL, &r));
    return r;
}

static void test_virtual_host(void **state)
{
    (void)state;
    cosd_route_t r =
        route("examplebucket-1250000000.cos.ap-beijing.myqcloud.com", "/dir/a%20b.txt");
    assert_int_equal(r.kind, COSD_ROUTE_OBJECT);
    assert_string_equal(r.bucket, "examplebucket-1250000000");
    assert_string_equal(r.region, "ap-beijing");
    assert_string_equal(r.key, "dir/a b.txt");
    assert_true(r.host_addressed);
    cosd_route_free(&r);
    r = route("Examplebucket-1250000000.COS.ap-beijing.TencentCOS.cn:8080", "/");
    assert_int_equal(r.kind, COSD_ROUTE_BUCKET);
    assert_string_equal(r.bucket, "examplebucket-1250000000");
    assert_null(r.key);
    cosd_route_free(&r);
    r = route("b-1.cos-internal.ap-guangzhou.tencentcos.cn", "/k");
    assert_int_equal(r.kind, COSD_ROUTE_OBJECT);
    cosd_route_free(&r);
    r = route("b-1.cos.ap-guangzhou.cos.test", "/k");
    assert_int_equal(r.kind, COSD_ROUTE_OBJECT);
    assert_string_equal(r.bucket, "b-1");
    cosd_route_free(&r);
}

static void test_domain_forms(void **state)
{
    (void)state;
    cosd_route_t r = route("photos-1250000000.localhost:9000", "/x/y");
    assert_int_equal(r.kind, COSD_ROUTE_OBJECT);
    assert_string_equal(r.bucket, "photos-1250000000");
    assert_string_equal(r.key, "x/y");
    assert_true(r.host_addressed);
    cosd_route_free(&r);
    r = route("photos-1250000000.cos.test", "/");
    assert_int_equal(r.kind, COSD_ROUTE_BUCKET);
    cosd_route_free(&r);
    /* Not for the COS suffixes themselves. */
    r = route("photos-1250000000.myqcloud.com", "/");
    assert_int_equal(r.kind, COSD_ROUTE_SERVICE);
    cosd_route_free(&r);
}

static void test_service_and_path_style(void **state)
{
    (void)state;
    const char *hosts[] = {"127.0.0.1:9000",
                           "service.cos.myqcloud.com",
                           "cos.ap-guangzhou.myqcloud.com",
                           "localhost:1234",
                           "[::1]:80",
                           "",
                           NULL};
    for (int i = 0; hosts[i]; i++) {
        cosd_route_t r = route(hosts[i], "/");
        assert_int_equal(r.kind, COSD_ROUTE_SERVICE);
        cosd_route_free(&r);
        r = route(hosts[i], "/b-125/");
        assert_int_equal(r.kind, COSD_ROUTE_BUCKET);
        assert_string_equal(r.bucket, "b-125");
        assert_false(r.host_addressed);
        cosd_route_free(&r);
        r = route(hosts[i], "/b-125/k%2Fey");
        assert_int_equal(r.kind, COSD_ROUTE_OBJECT);
        assert_string_equal(r.key, "k/ey");
        cosd_route_free(&r);
    }
    cosd_route_t r = route("127.0.0.1", "/favicon.ico");
    assert_int_equal(r.kind, COSD_ROUTE_ERROR);
    assert_string_equal(r.err_code, "InvalidBucketName");
    cosd_route_free(&r);
}

static void test_ci_hosts(void **state)
{
    (void)state;
    cosd_route_t r = route("b-1250000000.ci.ap-guangzhou.myqcloud.com", "/audio/auditing");
    assert_int_equal(r.kind, COSD_ROUTE_CI);
    assert_string_equal(r.bucket, "b-1250000000");
    assert_string_equal(r.path, "/audio/auditing");
    cosd_route_free(&r);
    r = route("b-1250000000.ci.ap-guangzhou.tencentci.cn", "/audio/auditing/abc");
    assert_int_equal(r.kind, COSD_ROUTE_CI);
    cosd_route_free(&r);
    r = route("ci.ap-guangzhou.myqcloud.com", "/");
    assert_int_equal(r.kind, COSD_ROUTE_CI);
    assert_string_equal(r.bucket, "");
    cosd_route_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    struct {
        const char *host, *path, *code;
    } cases[] = {
        {"u_p-1.cos.r.myqcloud.com", "/", "InvalidBucketName"},
        {"nodash.cos.r.myqcloud.com", "/", "InvalidBucketName"},
        {"a-b.cos.r.myqcloud.com", "/", "InvalidBucketName"},
        {"-a-1.cos.r.myqcloud.com", "/", "InvalidBucketName"},
        {"a--1.cos.r.myqcloud.com", "/k", "InvalidBucketName"},
        {"a-1.cos.r.myqcloud.com", "/%zz", "InvalidURI"},
        {"a-1.cos.r.myqcloud.com", "/%00", "InvalidURI"},
        {"a-1.cos.r.myqcloud.com", "//k", "InvalidObjectName"},
        {"a-1.cos.r.myqcloud.com", "/%5Ck", "InvalidObjectName"},
        {"a-1.cos.r.myqcloud.com", "/a%1Ab", "InvalidObjectName"},
        {"a-1.cos.r.myqcloud.com", "/%FF", "InvalidObjectName"},
        {"a-1.cos.r.myqcloud.com", "relative", "InvalidURI"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cosd_route_t r = route(cases[i].host, cases[i].path);
        assert_int_equal(r.kind, COSD_ROUTE_ERROR);
        assert_string_equal(r.err_code, cases[i].code);
        assert_true(r.err_status == 400);
        assert_true(strlen(r.err_msg) > 0);
        cosd_route_free(&r);
    }
}

static void test_key_check(void **state)
{
    (void)state;
    char key[900], msg[200];
    memset(key, 'a', sizeof key);
    assert_null(cosd_key_check(key, 850, msg, sizeof msg));
    assert_string_equal(cosd_key_check(key, 851, msg, sizeof msg), "KeyTooLong");
    assert_string_equal(cosd_key_check("", 0, msg, sizeof msg), "InvalidObjectName");
    assert_null(cosd_key_check("\xe8\x85\xbe\xe8\xae\xaf\xe4\xba\x91", 9, msg, sizeof msg));
    assert_string_equal(cosd_key_check("\xed\xa0\x80", 3, msg, sizeof msg),
                        "InvalidObjectName"); /* surrogate */
    assert_string_equal(cosd_key_check("\xc0\x80", 2, msg, sizeof msg),
                        "InvalidObjectName"); /* overlong */
}

static void test_bucket_names(void **state)
{
    (void)state;
    assert_true(cosd_bucket_name_valid("examplebucket-1250000000"));
    assert_true(cosd_bucket_name_valid("a-b-c-1"));
    assert_true(cosd_bucket_name_valid("0-1"));
    assert_false(cosd_bucket_name_valid("a-"));
    assert_false(cosd_bucket_name_valid("-1"));
    assert_false(cosd_bucket_name_valid("a_b-1"));
    assert_false(cosd_bucket_name_valid("ab-1x"));
    assert_string_equal(cosd_bucket_appid("examplebucket-1250000000"), "1250000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virtual_host),
        cmocka_unit_test(test_domain_forms),
        cmocka_unit_test(test_service_and_path_style),
        cmocka_unit_test(test_ci_hosts),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_key_check),
        cmocka_unit_test(test_bucket_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
