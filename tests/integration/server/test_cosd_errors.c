/* Integration tests of cosd's answers to bad input: every case gets the documented COS error (never
 * a 5xx, never a crash) and the server keeps serving afterwards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_client.h"
#include "cosd_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKET "errors-1250000000"
#define VHOST  BUCKET ".cos.ap-guangzhou.myqcloud.com"

static int setup(void **state)
{
    return tc_fixture_start(state, BUCKET, NULL);
}

static int teardown(void **state)
{
    return tc_fixture_stop(state);
}

/* The server still answers a normal request. */
static void still_serving(cosd_harness_t *h)
{
    tc_req_t rq = {.method = "HEAD", .bucket = BUCKET};
    tc_resp_t rs;
    assert_int_equal(tc_do(h, &rq, &rs), 0);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
}

static void test_key_length(void **state)
{
    cosd_harness_t *h = *state;
    char key[900];
    memset(key, 'k', 850);
    key[850] = 0;
    assert_int_equal(tc_put_object(h, BUCKET, key, "x", 1), 200);
    key[850] = 'k';
    key[851] = 0;
    tc_req_t rq = {.method = "PUT", .bucket = BUCKET, .key = key, .body = "x", .body_len = 1};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "KeyTooLong");
    tc_resp_free(&rs);
    still_serving(h);
}

static void test_bad_keys_and_paths(void **state)
{
    cosd_harness_t *h = *state;
    struct {
        const char *path;
        const char *code;
    } cases[] = {
        {"//leading-slash", "InvalidObjectName"},
        {"/bad%ZZescape", "InvalidURI"},
        {"/nul%00byte", "InvalidURI"},
        {"/ctl%1Bchar", "InvalidObjectName"},
        {"/bad-utf8-%C3%28", "InvalidObjectName"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tc_req_t rq = {.method = "PUT",
                       .bucket = BUCKET,
                       .key = "x",
                       .path_override = cases[i].path,
                       .body = "x",
                       .body_len = 1};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        tc_expect_code(&rs, 400, cases[i].code);
        tc_resp_free(&rs);
    }
    still_serving(h);
}

static void test_unsupported_subresources(void **state)
{
    cosd_harness_t *h = *state;
    const char *subs[] = {"cors",    "lifecycle",  "website", "policy",
                          "tagging", "versioning", "acl",     NULL};
    const char *methods[] = {"GET", "PUT", "DELETE"};
    for (int i = 0; subs[i]; i++) {
        for (int m = 0; m < 3; m++) {
            tc_req_t rq = {.method = methods[m],
                           .bucket = BUCKET,
                           .query = subs[i],
                           .body = m == 1 ? "<X/>" : NULL,
                           .body_len = m == 1 ? 4 : 0};
            tc_resp_t rs;
            tc_do(h, &rq, &rs);
            assert_true(rs.status >= 400 && rs.status < 500);
            char msg[512];
            tc_xml(&rs, "Message", msg, sizeof msg);
            char want[64];
            snprintf(want, sizeof want, "?%s", subs[i]);
            assert_non_null(strstr(msg, want));
            tc_resp_free(&rs);
        }
    }
    /* Object level. */
    tc_req_t rq = {.method = "POST", .bucket = BUCKET, .key = "big", .query = "restore"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_true(rs.status >= 400 && rs.status < 500);
    tc_resp_free(&rs);
    still_serving(h);
}

static void test_wrong_methods(void **state)
{
    cosd_harness_t *h = *state;
    const char *cases[][2] = {
        {"PATCH", "obj"}, {"POST", "obj"}, {"PATCH", NULL}, {"OPTIONS", NULL}};
    for (size_t i = 0; i < 4; i++) {
        tc_req_t rq = {.method = cases[i][0], .bucket = BUCKET, .key = cases[i][1]};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        tc_expect_code(&rs, 405, "MethodNotAllowed");
        tc_resp_free(&rs);
    }
    tc_req_t rq = {.method = "DELETE", .style = TC_PATH};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 405, "MethodNotAllowed");
    tc_resp_free(&rs);
    /* An https client using cosd as its proxy asks for a tunnel: refused with advice. */
    const char *connect = "CONNECT " VHOST ":443 HTTP/1.1\r\nHost: " VHOST ":443\r\n\r\n";
    cosx_buf_t ans = COSX_BUF_INIT;
    tc_raw(h, connect, strlen(connect), 1000, &ans);
    assert_non_null(strstr(cosx_buf_str(&ans), "HTTP/1.1 405"));
    assert_non_null(strstr(cosx_buf_str(&ans), "<Code>MethodNotAllowed</Code>"));
    assert_non_null(strstr(cosx_buf_str(&ans), "http"));
    cosx_buf_free(&ans);
    still_serving(h);
}

static void test_malformed_bucket_xml(void **state)
{
    cosd_harness_t *h = *state;
    const char *bodies[] = {"<CreateBucketConfiguration>", "not xml at all", "<Other/>", NULL};
    for (int i = 0; bodies[i]; i++) {
        tc_req_t rq = {.method = "PUT",
                       .bucket = "xml-1250000000",
                       .body = bodies[i],
                       .body_len = strlen(bodies[i])};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        tc_expect_code(&rs, 400, "MalformedXML");
        tc_resp_free(&rs);
    }
    const char *ok = "<CreateBucketConfiguration><BucketAZConfig>MAZ</BucketAZConfig></"
                     "CreateBucketConfiguration>";
    tc_req_t rq = {.method = "PUT", .bucket = "xml-1250000000", .body = ok, .body_len = strlen(ok)};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
}

static char *raw_put(cosd_harness_t *h, const char *key, const char *extra_headers,
                     const char *body, size_t blen)
{
    char path[256];
    snprintf(path, sizeof path, "/%s", key);
    char *auth = tc_authorization(h, "PUT", path, VHOST);
    cosx_buf_t req = COSX_BUF_INIT, ans = COSX_BUF_INIT;
    cosx_buf_printf(&req, "PUT %s HTTP/1.1\r\nHost: " VHOST "\r\nAuthorization: %s\r\n%s\r\n", path,
                    auth, extra_headers);
    cosx_buf_append(&req, body, blen);
    tc_raw(h, req.data, req.len, 1500, &ans);
    free(auth);
    cosx_buf_free(&req);
    return cosx_buf_detach(&ans);
}

static void test_entity_too_large(void **state)
{
    cosd_harness_t *h = *state;
    char *ans = raw_put(h, "huge", "Content-Length: 5368709121\r\nExpect: 100-continue\r\n", "", 0);
    assert_non_null(ans);
    assert_non_null(strstr(ans, "HTTP/1.1 400"));
    assert_non_null(strstr(ans, "<Code>EntityTooLarge</Code>"));
    assert_null(strstr(ans, "100 Continue"));
    free(ans);
    still_serving(h);
}

static void test_missing_length(void **state)
{
    cosd_harness_t *h = *state;
    char *ans = raw_put(h, "nolength", "", "", 0);
    assert_non_null(ans);
    assert_non_null(strstr(ans, "HTTP/1.1 411"));
    assert_non_null(strstr(ans, "<Code>MissingContentLength</Code>"));
    free(ans);
    ans = raw_put(h, "badlength", "Content-Length: 12x\r\n", "", 0);
    assert_non_null(ans);
    assert_null(strstr(ans, "HTTP/1.1 200"));
    assert_null(strstr(ans, "HTTP/1.1 5"));
    free(ans);
    still_serving(h);
}

static void test_body_longer_than_content_length(void **state)
{
    cosd_harness_t *h = *state;
    const char *body = "helloEXTRA BYTES THAT ARE NOT A REQUEST\r\n\r\n";
    char *ans = raw_put(h, "over", "Content-Length: 5\r\n", body, strlen(body));
    assert_non_null(ans);
    assert_non_null(strstr(ans, "HTTP/1.1 200"));
    assert_null(strstr(ans, "HTTP/1.1 5"));
    free(ans);
    /* Exactly the announced bytes were stored. */
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "over"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, 5);
    assert_memory_equal(rs.body.data, "hello", 5);
    tc_resp_free(&rs);
    still_serving(h);
}

static void test_body_shorter_than_content_length(void **state)
{
    cosd_harness_t *h = *state;
    /* The client announces 100 bytes, sends 3 and closes: nothing is stored. */
    char *ans = raw_put(h, "short", "Content-Length: 100\r\n", "abc", 3);
    free(ans);
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "short"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 404, "NoSuchKey");
    tc_resp_free(&rs);
    still_serving(h);
}

static void test_metadata_too_large(void **state)
{
    cosd_harness_t *h = *state;
    char big[2200 + 32];
    memcpy(big, "x-cos-meta-big: ", 16);
    memset(big + 16, 'm', 2200);
    big[16 + 2200] = 0;
    const char *hdr[] = {big, NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "meta",
                   .headers = hdr,
                   .body = "x",
                   .body_len = 1};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "MetadataTooLarge");
    tc_resp_free(&rs);
    const char *sc[] = {"x-cos-storage-class: SHINY", NULL};
    rq.headers = sc;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidArgument");
    tc_resp_free(&rs);
}

static void test_missing_bucket(void **state)
{
    cosd_harness_t *h = *state;
    const char *methods[] = {"GET", "PUT", "DELETE"};
    for (int i = 0; i < 3; i++) {
        tc_req_t rq = {.method = methods[i],
                       .bucket = "nosuch-1250000000",
                       .key = "k",
                       .body = i == 1 ? "x" : NULL,
                       .body_len = i == 1 ? 1 : 0};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        tc_expect_code(&rs, 404, "NoSuchBucket");
        tc_resp_free(&rs);
    }
}

/* Random malformed requests (seeded, reproducible): every answer is an HTTP response or a closed
 * connection, never a 5xx, and the server keeps serving. */
static void test_garbage_requests(void **state)
{
    cosd_harness_t *h = *state;
    static const char *const methods[] = {"GET",  "PUT",  "POST", "DELETE",
                                          "HEAD", "BREW", "get",  "PUT PUT"};
    static const char *const paths[] = {"/",
                                        "/%",
                                        "/%zz",
                                        "/" BUCKET "/%00",
                                        "//",
                                        "/" BUCKET "/a?acl&cors",
                                        "http://" VHOST "/k",
                                        "http://" VHOST,
                                        "/?q-sign-algorithm=sha1&q-ak=",
                                        "/?sign=%ZZ",
                                        "/?max-keys=-1&prefix=%FF",
                                        "*",
                                        "/" BUCKET "?delete",
                                        "/" BUCKET "/k?uploads",
                                        "/" BUCKET "/k?partNumber=0&uploadId=x"};
    static const char *const headers[] = {
        "Range: bytes=--1",
        "Range: bytes=99999999999999999999-",
        "Authorization: "
        "q-sign-algorithm=sha1&q-ak=&q-sign-time=9;1&q-key-time=;&q-header-list=&q-url-param-list"
        "=&q-signature=",
        "Authorization: q-sign-algorithm=md5",
        "Authorization: &&&&====",
        "Content-MD5: =",
        "If-Modified-Since: yesterday",
        "If-Match: ,,,\"",
        "x-cos-copy-source: ///",
        "x-cos-acl: \x01",
        "Host: ..cos..myqcloud.com",
        "Host: " BUCKET ".ci..myqcloud.com",
        "Host: [::1",
        "Transfer-Encoding: chunked",
        "Expect: 100-continue",
        "x-cos-meta-\xff: \xfe",
    };
    unsigned seed = 12345;
    int answered = 0;
    for (int i = 0; i < 300; i++) {
        cosx_buf_t req = COSX_BUF_INIT, ans = COSX_BUF_INIT;
        const char *m = methods[rand_r(&seed) % (sizeof methods / sizeof methods[0])];
        const char *p = paths[rand_r(&seed) % (sizeof paths / sizeof paths[0])];
        cosx_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", m, p,
                        rand_r(&seed) % 2 ? VHOST : h->endpoint);
        int nh = rand_r(&seed) % 4;
        bool chunked = false;
        for (int k = 0; k < nh; k++) {
            const char *hd = headers[rand_r(&seed) % (sizeof headers / sizeof headers[0])];
            chunked |= strstr(hd, "chunked") != NULL;
            cosx_buf_printf(&req, "%s\r\n", hd);
        }
        if (chunked)
            cosx_buf_puts(&req, "\r\n5\r\nhello\r\nZZ\r\n"); /* a broken chunk */
        else
            cosx_buf_printf(&req, "Content-Length: 3\r\n\r\n%c%c%c", (char)rand_r(&seed),
                            (char)rand_r(&seed), (char)rand_r(&seed));
        tc_raw(h, req.data, req.len, 2000, &ans);
        const char *a = cosx_buf_str(&ans);
        if (strncmp(a, "HTTP/1.1 5", 10) == 0)
            fprintf(stderr, "request %d answered 5xx:\n%s\n--\n%s\n", i, cosx_buf_str(&req), a);
        assert_false(strncmp(a, "HTTP/1.1 5", 10) == 0);
        answered += strncmp(a, "HTTP/1.1 ", 9) == 0;
        cosx_buf_free(&req);
        cosx_buf_free(&ans);
    }
    fprintf(stderr, "garbage requests: %d of 300 answered with an HTTP status\n", answered);
    assert_true(answered > 150);
    still_serving(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_length),
        cmocka_unit_test(test_bad_keys_and_paths),
        cmocka_unit_test(test_unsupported_subresources),
        cmocka_unit_test(test_wrong_methods),
        cmocka_unit_test(test_malformed_bucket_xml),
        cmocka_unit_test(test_entity_too_large),
        cmocka_unit_test(test_missing_length),
        cmocka_unit_test(test_body_longer_than_content_length),
        cmocka_unit_test(test_body_shorter_than_content_length),
        cmocka_unit_test(test_metadata_too_large),
        cmocka_unit_test(test_missing_bucket),
        cmocka_unit_test(test_garbage_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
