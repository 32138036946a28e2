/* Integration tests of cosd: service, bucket and object basics over every addressing form, and
 * authentication (header and presigned signatures, every auth error), against a real cosd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_client.h"
#include "cosd_fixture.h"
#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUCKET "basic-1250000000"

static int setup(void **state)
{
    const char *const extra[] = {"--domain", "cos.test", "--region", "ap-chengdu", NULL};
    return tc_fixture_start(state, BUCKET, extra);
}

static int teardown(void **state)
{
    return tc_fixture_stop(state);
}

static void expect_error(const tc_resp_t *rs, long status, const char *code)
{
    char v[256];
    assert_int_equal(rs->status, status);
    assert_string_equal(tc_xml(rs, "Code", v, sizeof v), code);
    char rid[128], hdr[128];
    assert_true(tc_header(rs, "x-cos-request-id", hdr, sizeof hdr));
    assert_string_equal(tc_xml(rs, "RequestId", rid, sizeof rid), hdr);
    assert_true(strlen(tc_xml(rs, "Message", v, sizeof v)) > 0);
}

static void test_service_requires_signature(void **state)
{
    cosd_harness_t *h = *state;
    tc_req_t rq = {.method = "GET", .anonymous = true, .style = TC_PATH};
    tc_resp_t rs;
    assert_int_equal(tc_do(h, &rq, &rs), 0);
    expect_error(&rs, 403, "AccessDenied");
    char v[64];
    assert_true(tc_header(&rs, "Server", v, sizeof v));
    assert_string_equal(v, "cosd");
    tc_resp_free(&rs);
}

static void test_bucket_lifecycle(void **state)
{
    cosd_harness_t *h = *state;
    const char *b = "life-1250000000";
    assert_int_equal(tc_put_bucket(h, b), 200);
    tc_req_t rq = {.method = "PUT", .bucket = b};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    expect_error(&rs, 409, "BucketAlreadyOwnedByYou");
    tc_resp_free(&rs);

    rq = (tc_req_t){.method = "HEAD", .bucket = b};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    char v[64];
    assert_true(tc_header(&rs, "x-cos-bucket-region", v, sizeof v));
    assert_string_equal(v, "ap-guangzhou");
    tc_resp_free(&rs);

    rq = (tc_req_t){.method = "GET", .style = TC_VHOST};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Name>life-1250000000</Name>"));
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Name>" BUCKET "</Name>"));
    tc_resp_free(&rs);

    assert_int_equal(tc_put_object(h, b, "x", "1", 1), 200);
    rq = (tc_req_t){.method = "DELETE", .bucket = b};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 409, "BucketNotEmpty");
    tc_resp_free(&rs);

    rq = (tc_req_t){.method = "DELETE", .bucket = b, .key = "x"};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "DELETE", .bucket = b};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "HEAD", .bucket = b};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 404);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "DELETE", .bucket = b};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 404, "NoSuchBucket");
    tc_resp_free(&rs);
}

static void test_invalid_bucket_names(void **state)
{
    cosd_harness_t *h = *state;
    const char *bad[] = {"UPPER-1250000000", "-lead-1250000000",       "trail--1250000000x",
                         "noappid",          "under_score-1250000000", NULL};
    for (int i = 0; bad[i]; i++) {
        tc_req_t rq = {.method = "PUT", .bucket = bad[i], .style = TC_PATH};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        expect_error(&rs, 400, "InvalidBucketName");
        tc_resp_free(&rs);
    }
    /* Another account's APPID. */
    tc_req_t rq = {.method = "PUT", .bucket = "other-1250000001"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);
}

static void test_object_roundtrip(void **state)
{
    cosd_harness_t *h = *state;
    const char *data = "hello world";
    const char *hdrs[] = {"Content-Type: text/plain", "x-cos-meta-color: blue",
                          "Cache-Control: no-cache",
                          "Content-Disposition: attachment; filename=\"a.txt\"", NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "dir/hello.txt",
                   .headers = hdrs,
                   .body = data,
                   .body_len = strlen(data)};
    tc_resp_t rs;
    assert_int_equal(tc_do(h, &rq, &rs), 0);
    assert_int_equal(rs.status, 200);
    char v[256], want[64];
    unsigned char md5[16];
    cosx_md5(data, strlen(data), md5);
    char hex[33];
    cosx_hex_encode(md5, 16, hex);
    snprintf(want, sizeof want, "\"%s\"", hex);
    assert_true(tc_header(&rs, "ETag", v, sizeof v));
    assert_string_equal(v, want);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", v, sizeof v));
    assert_string_equal(v, "5981764153023615706");
    tc_resp_free(&rs);

    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "dir/hello.txt"};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, strlen(data));
    assert_memory_equal(rs.body.data, data, strlen(data));
    assert_true(tc_header(&rs, "Content-Type", v, sizeof v));
    assert_string_equal(v, "text/plain");
    assert_true(tc_header(&rs, "x-cos-meta-color", v, sizeof v));
    assert_string_equal(v, "blue");
    assert_true(tc_header(&rs, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-cache");
    assert_true(tc_header(&rs, "ETag", v, sizeof v));
    assert_string_equal(v, want);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", v, sizeof v));
    assert_string_equal(v, "5981764153023615706");
    assert_true(tc_header(&rs, "Last-Modified", v, sizeof v));
    tc_resp_free(&rs);

    rq.method = "HEAD";
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, 0);
    assert_true(tc_header(&rs, "Content-Length", v, sizeof v));
    assert_string_equal(v, "11");
    assert_true(tc_header(&rs, "x-cos-meta-color", v, sizeof v));
    tc_resp_free(&rs);

    rq.method = "DELETE";
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    tc_do(h, &rq, &rs); /* absent: still 204 */
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    rq.method = "GET";
    tc_do(h, &rq, &rs);
    expect_error(&rs, 404, "NoSuchKey");
    tc_resp_free(&rs);
    rq.method = "HEAD";
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 404);
    assert_int_equal(rs.body.len, 0);
    tc_resp_free(&rs);
}

static void test_addressing_forms(void **state)
{
    cosd_harness_t *h = *state;
    const char *key = "forms/a b+c&d=\xc3\xa9(1).txt";
    assert_int_equal(tc_put_object(h, BUCKET, key, "forms", 5), 200);
    tc_style_t styles[] = {TC_VHOST, TC_PATH, TC_ABSOLUTE, TC_LOCALHOST};
    for (size_t i = 0; i < 4; i++) {
        tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = key, .style = styles[i]};
        tc_resp_t rs;
        assert_int_equal(tc_do(h, &rq, &rs), 0);
        assert_int_equal(rs.status, 200);
        assert_int_equal(rs.body.len, 5);
        assert_memory_equal(rs.body.data, "forms", 5);
        tc_resp_free(&rs);
    }
    /* %2F in the path means '/', as the Go SDK sends keys. */
    tc_req_t rq = {
        .method = "GET", .bucket = BUCKET, .key = "forms/x", .path_override = "/forms%2Fx"};
    assert_int_equal(tc_put_object(h, BUCKET, "forms/x", "slash", 5), 200);
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "slash", 5);
    tc_resp_free(&rs);
    /* <bucket>-<appid>.<domain> for a --domain, and <bucket>.cos.<region>.<domain>. */
    char host[128];
    snprintf(host, sizeof host, BUCKET ".cos.test:%d", h->port);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "forms/x", .host_override = host};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "slash", 5);
    tc_resp_free(&rs);
    rq.host_override = BUCKET ".cos.ap-guangzhou.cos.test";
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    /* Path-style service listing on a plain host. */
    rq = (tc_req_t){.method = "GET", .style = TC_PATH};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<ListAllMyBucketsResult>"));
    tc_resp_free(&rs);
}

static void test_auth_errors(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "auth.txt", "secret", 6), 200);
    tc_resp_t rs;
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "auth.txt", .secret_key = "wrong-key"};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "SignatureDoesNotMatch");
    tc_resp_free(&rs);

    rq = (tc_req_t){
        .method = "GET", .bucket = BUCKET, .key = "auth.txt", .secret_id = "AKIDunknown"};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "InvalidAccessKeyId");
    tc_resp_free(&rs);

    int64_t now = (int64_t)time(NULL);
    rq = (tc_req_t){.method = "GET",
                    .bucket = BUCKET,
                    .key = "auth.txt",
                    .start = now - 7200,
                    .end = now - 3600};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "AccessDenied");
    char v[256];
    assert_string_equal(tc_xml(&rs, "Message", v, sizeof v), "Request has expired");
    tc_resp_free(&rs);

    rq = (tc_req_t){.method = "GET",
                    .bucket = BUCKET,
                    .key = "auth.txt",
                    .start = now + 3600,
                    .end = now + 7200};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "RequestTimeTooSkewed");
    tc_resp_free(&rs);

    /* Anonymous read of a private object. */
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "auth.txt", .anonymous = true};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);

    /* Malformed Authorization. */
    const char *bad[] = {"Authorization: q-sign-algorithm=sha1&q-ak=x", NULL};
    rq = (tc_req_t){
        .method = "GET", .bucket = BUCKET, .key = "auth.txt", .anonymous = true, .headers = bad};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);

    /* The bucket is named by the Host: the signature must cover it. */
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "auth.txt", .no_sign_host = true};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);
}

static void test_no_replay_on_other_key_or_bucket(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "one", "1", 1), 200);
    assert_int_equal(tc_put_object(h, BUCKET, "two", "2", 1), 200);
    assert_int_equal(tc_put_bucket(h, "replay-1250000000"), 200);
    assert_int_equal(tc_put_object(h, "replay-1250000000", "one", "R", 1), 200);
    tc_resp_t rs;
    /* Signed for key "one", sent for key "two". */
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "one", .path_override = "/two"};
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "SignatureDoesNotMatch");
    tc_resp_free(&rs);
    /* Signed for BUCKET's host, sent to another bucket's host. */
    rq = (tc_req_t){.method = "GET",
                    .bucket = BUCKET,
                    .key = "one",
                    .host_override = "replay-1250000000.cos.ap-guangzhou.myqcloud.com"};
    /* host_override is also what gets signed, so sign for BUCKET and swap the header afterwards: */
    rq.host_override = NULL;
    const char *swap[] = {"Host: replay-1250000000.cos.ap-guangzhou.myqcloud.com", NULL};
    rq.headers = swap;
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "SignatureDoesNotMatch");
    tc_resp_free(&rs);
}

static void test_presigned(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "pre sign.txt", "presigned", 9), 200);
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "pre sign.txt", .presign = true};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "presigned", 9);
    tc_resp_free(&rs);
    rq.secret_key = "bad";
    tc_do(h, &rq, &rs);
    expect_error(&rs, 403, "SignatureDoesNotMatch");
    tc_resp_free(&rs);
    /* Presigned PUT with a signed query parameter. */
    rq = (tc_req_t){.method = "PUT",
                    .bucket = BUCKET,
                    .key = "pre-put",
                    .presign = true,
                    .body = "pp",
                    .body_len = 2};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
}

static void test_request_ids_unique(void **state)
{
    cosd_harness_t *h = *state;
    char ids[20][64];
    for (int i = 0; i < 20; i++) {
        tc_req_t rq = {.method = "HEAD", .bucket = BUCKET};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_true(tc_header(&rs, "x-cos-request-id", ids[i], sizeof ids[i]));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(ids[i], ids[j]);
        tc_resp_free(&rs);
    }
}

static void test_ci_host_answers_ci_error(void **state)
{
    cosd_harness_t *h = *state;
    const char *hdr[] = {"Content-Type: application/xml", NULL};
    tc_req_t rq = {.method = "POST",
                   .bucket = BUCKET,
                   .key = "audio/auditing",
                   .headers = hdr,
                   .host_override = BUCKET ".ci.ap-guangzhou.myqcloud.com",
                   .body = "<Request/>",
                   .body_len = 10};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_true(rs.status >= 400 && rs.status < 500);
    char v[128];
    assert_true(tc_header(&rs, "x-ci-request-id", v, sizeof v));
    assert_false(tc_header(&rs, "x-cos-request-id", v, sizeof v));
    assert_true(strlen(tc_xml(&rs, "Code", v, sizeof v)) > 0);
    assert_null(strstr(cosx_buf_str(&rs.body), "<Resource>"));
    tc_resp_free(&rs);
}

static void test_path_style_bucket_region(void **state)
{
    cosd_harness_t *h = *state;
    tc_req_t rq = {.method = "PUT", .bucket = "pathregion-1250000000", .style = TC_PATH};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "HEAD", .bucket = "pathregion-1250000000", .style = TC_PATH};
    tc_do(h, &rq, &rs);
    char v[64];
    assert_true(tc_header(&rs, "x-cos-bucket-region", v, sizeof v));
    assert_string_equal(v, "ap-chengdu"); /* --region */
    tc_resp_free(&rs);
}

static void test_clean_restart_keeps_data(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "durable", "kept", 4), 200);
    int port = h->port;
    assert_int_equal(cosd_harness_restart(h, false), 0);
    assert_int_equal(h->port, port);
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "durable"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "kept", 4);
    tc_resp_free(&rs);
}

/* Reads lines from fd until one contains needle (or 20 s pass); the line is copied into out. */
static bool read_line_with(int fd, const char *needle, char *out, size_t cap)
{
    size_t len = 0;
    time_t start = time(NULL);
    while (time(NULL) - start < 20) {
        char c;
        if (read(fd, &c, 1) != 1)
            return false;
        if (c != '\n') {
            if (len < cap - 1)
                out[len++] = c;
            continue;
        }
        out[len] = 0;
        if (strstr(out, needle))
            return true;
        len = 0;
    }
    return false;
}

static pid_t run_cosd(const char *const *argv, int *out_fd)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execv(COSD_PATH, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

static void test_generated_account(void **state)
{
    (void)state;
    char dir[] = "/tmp/cosd-account-XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *const serve[] = {"cosd", "--listen", "127.0.0.1:0", "--data", dir, NULL};
    int fd;
    pid_t pid = run_cosd(serve, &fd);
    char line[512], created[512];
    assert_true(read_line_with(fd, "created account", created, sizeof created));
    assert_true(read_line_with(fd, "cosd listening on http://127.0.0.1:", line, sizeof line));
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(fd);
    char id[128] = "", key[128] = "";
    const char *a = strstr(created, "APPID=1250000000 SecretId=");
    assert_non_null(a);
    assert_int_equal(sscanf(a, "APPID=1250000000 SecretId=%127s SecretKey=%127s", id, key), 2);
    assert_int_equal(strncmp(id, "AKID", 4), 0);

    const char *const print[] = {"cosd", "--data", dir, "--print-credentials", NULL};
    pid = run_cosd(print, &fd);
    assert_true(read_line_with(fd, "APPID=", line, sizeof line));
    assert_non_null(strstr(line, id));
    assert_non_null(strstr(line, key));
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(WEXITSTATUS(status), 0);
    close(fd);

    /* A second start reuses it (nothing printed before the listening line) and it signs requests.
     */
    pid = run_cosd(serve, &fd);
    assert_true(read_line_with(fd, "cosd", line, sizeof line));
    assert_null(strstr(line, "created account"));
    cosd_harness_t h2 = {0};
    h2.port = atoi(strrchr(line, ':') + 1);
    snprintf(h2.endpoint, sizeof h2.endpoint, "127.0.0.1:%d", h2.port);
    snprintf(h2.secret_id, sizeof h2.secret_id, "%s", id);
    snprintf(h2.secret_key, sizeof h2.secret_key, "%s", key);
    assert_int_equal(tc_put_bucket(&h2, "gen-1250000000"), 200);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_service_requires_signature),
        cmocka_unit_test(test_bucket_lifecycle),
        cmocka_unit_test(test_invalid_bucket_names),
        cmocka_unit_test(test_object_roundtrip),
        cmocka_unit_test(test_addressing_forms),
        cmocka_unit_test(test_auth_errors),
        cmocka_unit_test(test_no_replay_on_other_key_or_bucket),
        cmocka_unit_test(test_presigned),
        cmocka_unit_test(test_request_ids_unique),
        cmocka_unit_test(test_ci_host_answers_ci_error),
        cmocka_unit_test(test_path_style_bucket_region),
        cmocka_unit_test(test_clean_restart_keeps_data),
        cmocka_unit_test(test_generated_account),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
