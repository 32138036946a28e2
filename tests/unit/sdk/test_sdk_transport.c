/* Unit tests of the libcos transport against a scripted loopback HTTP server (mini_http): request
 * shape and signature (checked with the shared verifier), Content-MD5, CRC64 checks, retries that
 * resend the identical body, no retry on 4xx, clock-skew resync, error bodies, downloads to files,
 * progress callbacks, keep-alive reuse and connection errors. */
#include "../test_util.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_crc64.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_time.h"
#include "cosx_verify.h"
#include "mini_http.h"

#define HOST "examplebucket-1250000000.cos.ap-test.myqcloud.com"

static mini_http_t srv;

static int setup(void **state)
{
    cos_log_set_level(COS_LOG_OFF);
    return mini_http_start(&srv);
}

static int teardown(void **state)
{
    mini_http_stop(&srv);
    return 0;
}

static cos_request_options_t *make_options(cos_pool_t *p)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, "cos.ap-test.myqcloud.com");
    cos_str_set(&o->config->access_key_id, "AKIDtest");
    cos_str_set(&o->config->access_key_secret, "secretkey");
    cos_str_set(&o->config->appid, "1250000000");
    o->config->retry_interval_us = 1000;
    o->ctl = cos_http_controller_create(o->pool, 0);
    cos_set_request_route(o->ctl, "127.0.0.1", srv.port);
    return o;
}

static const char *hdr(int i, const char *name)
{
    static char v[4096];
    return mini_req_header(&srv.reqs[i], name, v, sizeof(v));
}

/* Header lookup for the verifier: values stay valid for up to 32 lookups. */
static const char *lookup(void *ctx, const char *name)
{
    static char store[32][4096];
    static int next;
    char *slot = store[next];
    const char *v = mini_req_header(ctx, name, slot, sizeof(store[0]));
    if (v != NULL) {
        next = (next + 1) % 32;
    }
    return v;
}

/* Verifies request i's Authorization with the server-side verifier. */
static void assert_signed(int i, const char *secret)
{
    mini_req_t *r = &srv.reqs[i];
    char path[4096];
    snprintf(path, sizeof(path), "%s", r->target);
    char *q = strchr(path, '?');
    const char *query = NULL;
    if (q != NULL) {
        *q = '\0';
        query = q + 1;
    }
    char authz[4096];
    assert_non_null(mini_req_header(r, "Authorization", authz, sizeof(authz)));
    cosx_auth_t a;
    char why[256];
    assert_int_equal(cosx_auth_parse(authz, query, &a, why, sizeof(why)), COSX_AUTH_OK);
    assert_non_null(strstr(a.header_list, "host"));
    cosx_verify_request_t vr = {r->method, path, query, lookup, r};
    cosx_auth_status_t st = cosx_auth_verify(&a, &vr, secret, a.start, 900, why, sizeof(why));
    if (st != COSX_AUTH_OK) {
        fail_msg("signature of request %d refused: %s", i, why);
    }
    cosx_auth_free(&a);
}

static char *crc_str(cos_pool_t *p, const char *s)
{
    return cos_psprintf(p, "x-cos-hash-crc64ecma: %" PRIu64 "\r\n", cos_crc64(0, (void *)s, strlen(s)));
}

static void test_put_request_shape(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    const char *data = "hello libcos";
    mini_reply_t r[] = {{200, cos_psprintf(p, "ETag: \"abc\"\r\nx-cos-request-id: rid-1\r\n%s", crc_str(p, data)), NULL}};
    mini_http_script(&srv, r, 1);
    cos_request_options_t *o = make_options(p);
    cos_str_set(&o->config->sts_token, "sts-token-value");
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "dir/a b.txt");
    cos_list_t body;
    cos_list_init(&body);
    cos_buf_t *b = cos_buf_pack(p, data, (int)strlen(data));
    cos_list_add_tail(&b->node, &body);
    cos_table_t *headers = cos_table_make(p, 2);
    cos_table_add(headers, "x-cos-meta-author", "me");
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, headers, &resp);
    assert_int_equal(s->code, 200);
    assert_true(cos_status_is_ok(s));
    assert_string_equal(s->req_id, "rid-1");
    assert_string_equal(cos_table_get(resp, "etag"), "\"abc\"");
    assert_true(cos_list_empty(&body)); /* the chain moved into the request */
    assert_int_equal(srv.nreqs, 1);
    assert_string_equal(srv.reqs[0].method, "PUT");
    assert_string_equal(srv.reqs[0].target, "/dir/a%20b.txt");
    assert_string_equal(srv.reqs[0].body, data);
    assert_string_equal(hdr(0, "Host"), HOST);
    assert_string_equal(hdr(0, "Content-Type"), "text/plain");
    assert_string_equal(hdr(0, "x-cos-meta-author"), "me");
    assert_string_equal(hdr(0, "x-cos-security-token"), "sts-token-value");
    assert_non_null(strstr(hdr(0, "User-Agent"), "cos-sdk-c/5.0.24"));
    assert_null(hdr(0, "Expect"));
    unsigned char md5[16];
    cosx_md5(data, strlen(data), md5);
    char b64[32];
    cosx_base64_encode(md5, 16, b64);
    assert_string_equal(hdr(0, "Content-MD5"), b64);
    assert_signed(0, "secretkey");

    /* Content-MD5 can be turned off per controller. */
    mini_http_script(&srv, r, 1);
    cos_set_content_md5_enable(o->ctl, COS_FALSE);
    b = cos_buf_pack(p, data, (int)strlen(data));
    cos_list_add_tail(&b->node, &body);
    s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL);
    assert_int_equal(s->code, 200);
    assert_null(hdr(0, "Content-MD5"));
    cos_pool_destroy(p);
}

static void test_retry_identical_body(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    const char *data = "retry me: the same bytes every time";
    mini_reply_t r[] = {
        {503, NULL, "<Error><Code>SlowDown</Code><Message>slow down</Message></Error>"},
        {500, NULL, NULL},
        {200, crc_str(p, data), NULL},
    };
    mini_http_script(&srv, r, 3);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket-1250000000");
    cos_str_set(&key, "k.bin");
    cos_list_t body;
    cos_list_init(&body);
    /* Two chunks, so that a partial read cannot pass for the whole body. */
    cos_list_add_tail(&cos_buf_pack(p, data, 10)->node, &body);
    cos_list_add_tail(&cos_buf_pack(p, data + 10, (int)strlen(data) - 10)->node, &body);
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(o->ctl->retry_count, 2);
    assert_int_equal(srv.nreqs, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(srv.reqs[i].body_len, strlen(data));
        assert_string_equal(srv.reqs[i].body, data);
        assert_signed(i, "secretkey");
    }
    assert_null(hdr(0, "x-cos-sdk-retry"));
    assert_string_equal(hdr(1, "x-cos-sdk-retry"), "true");

    /* Retries are bounded by retry_times and the last status is returned. */
    mini_reply_t always500[] = {{500, NULL, "<Error><Code>InternalError</Code><Message>boom</Message></Error>"}};
    mini_http_script(&srv, always500, 1);
    o->config->retry_times = 2;
    s = cos_head_bucket(o, &bucket, NULL);
    assert_int_equal(s->code, 500);
    assert_int_equal(srv.nreqs, 3);
    assert_int_equal(o->ctl->retry_count, 2);
    cos_pool_destroy(p);
}

static void test_no_retry_on_4xx(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    mini_reply_t r[] = {{404, "x-cos-request-id: rid-404\r\nContent-Type: application/xml\r\n",
                         "<?xml version='1.0' encoding='utf-8' ?><Error><Code>NoSuchKey</Code>"
                         "<Message>The specified key does not exist.</Message></Error>"}};
    mini_http_script(&srv, r, 1);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "missing.txt");
    cos_list_t out;
    cos_list_init(&out);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, &resp);
    assert_int_equal(s->code, 404);
    assert_string_equal(s->error_code, "NoSuchKey");
    assert_string_equal(s->error_msg, "The specified key does not exist.");
    assert_string_equal(s->req_id, "rid-404");
    assert_non_null(resp);
    assert_int_equal(srv.nreqs, 1);
    assert_int_equal(o->ctl->retry_count, 0);
    assert_non_null(strstr(cos_buf_list_content(p, &out), "NoSuchKey")); /* error body handed back */

    /* HEAD has no body: 404 is reported as NosuchKey, existence as NON_EXIST. */
    s = cos_head_object(o, &bucket, &key, NULL, NULL);
    assert_int_equal(s->code, 404);
    assert_string_equal(s->error_code, "NosuchKey");
    cos_object_exist_status_e ex = COS_OBJECT_EXIST;
    cos_check_object_exist(o, &bucket, &key, NULL, &ex, NULL);
    assert_int_equal(ex, COS_OBJECT_NON_EXIST);
    cos_bucket_exist_status_e bex = COS_BUCKET_EXIST;
    cos_check_bucket_exist(o, &bucket, &bex, NULL);
    assert_int_equal(bex, COS_BUCKET_NON_EXIST);
    mini_reply_t forbidden[] = {{403, NULL, NULL}};
    mini_http_script(&srv, forbidden, 1);
    cos_check_bucket_exist(o, &bucket, &bex, NULL);
    assert_int_equal(bex, COS_BUCKET_UNKNOWN_EXIST);
    cos_pool_destroy(p);
}

static void test_crc_checks(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "obj");
    const char *data = "object body for crc";
    mini_reply_t bad[] = {{200, "x-cos-hash-crc64ecma: 12345\r\n", NULL}};
    mini_http_script(&srv, bad, 1);
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(p, data, (int)strlen(data))->node, &body);
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);
    assert_string_equal(s->error_code, "InconsistentError");
    assert_int_equal(srv.nreqs, 1);

    /* Download: good CRC passes, bad CRC fails, a Range request is not compared. */
    mini_reply_t good_get[] = {{200, crc_str(p, data), data}};
    mini_http_script(&srv, good_get, 1);
    cos_list_t out;
    cos_list_init(&out);
    s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(cos_buf_list_content(p, &out), data);
    mini_reply_t bad_get[] = {{200, "x-cos-hash-crc64ecma: 1\r\n", data}};
    mini_http_script(&srv, bad_get, 1);
    s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);
    mini_http_script(&srv, bad_get, 1);
    cos_table_t *h = cos_table_make(p, 1);
    cos_table_add(h, "Range", "bytes=0-3");
    s = cos_get_object_to_buffer(o, &bucket, &key, h, NULL, &out, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(hdr(0, "Range"), "bytes=0-3");
    /* With CRC checking off in this controller the mismatch is ignored. */
    mini_http_script(&srv, bad_get, 1);
    o->ctl->options->enable_crc = COS_FALSE;
    s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, 200);
    cos_pool_destroy(p);
}

static void test_clock_skew(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    char date[COSX_RFC1123_LEN];
    time_t server_now = time(NULL) + 7200;
    cosx_time_rfc1123(server_now, date);
    mini_reply_t r[] = {
        {403, cos_psprintf(p, "Date: %s\r\n", date),
         "<Error><Code>RequestTimeTooSkewed</Code><Message>too skewed</Message></Error>"},
        {200, NULL, NULL},
    };
    mini_http_script(&srv, r, 2);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "k");
    cos_list_t out;
    cos_list_init(&out);
    cos_status_t *s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.nreqs, 2);
    assert_int_equal(o->ctl->retry_count, 1);
    char authz[4096];
    assert_non_null(mini_req_header(&srv.reqs[1], "Authorization", authz, sizeof(authz)));
    cosx_auth_t a;
    assert_int_equal(cosx_auth_parse(authz, NULL, &a, NULL, 0), COSX_AUTH_OK);
    assert_true(a.start >= (int64_t)server_now - 5 && a.start <= (int64_t)server_now + 5);
    cosx_auth_free(&a);

    /* HEAD carries no error body: a 403 with a Date hours away is taken for skew too. */
    mini_http_script(&srv, r, 2);
    s = cos_head_bucket(o, &bucket, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.nreqs, 2);

    /* Only one resync: a server that keeps refusing ends with its 403. */
    mini_reply_t always[] = {r[0]};
    mini_http_script(&srv, always, 1);
    s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, 403);
    assert_string_equal(s->error_code, "RequestTimeTooSkewed");
    assert_int_equal(srv.nreqs, 2);

    /* A plain 403 (wrong key) with a normal Date is not retried. */
    char now_date[COSX_RFC1123_LEN];
    cosx_time_rfc1123(time(NULL), now_date);
    mini_reply_t denied[] = {{403, cos_psprintf(p, "Date: %s\r\n", now_date),
                              "<Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error>"}};
    mini_http_script(&srv, denied, 1);
    s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, 403);
    assert_string_equal(s->error_code, "SignatureDoesNotMatch");
    assert_int_equal(srv.nreqs, 1);
    cos_pool_destroy(p);
}

static void test_retry_change_domain(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    mini_reply_t r[] = {{503, NULL, NULL}};
    mini_http_script(&srv, r, 1);
    cos_request_options_t *o = make_options(p);
    o->config->retry_times = 2;
    o->config->retry_change_domain = COS_TRUE;
    cos_string_t bucket;
    cos_str_set(&bucket, "examplebucket");
    cos_status_t *s = cos_head_bucket(o, &bucket, NULL);
    assert_int_equal(s->code, 503);
    assert_int_equal(srv.nreqs, 3);
    assert_string_equal(hdr(0, "Host"), HOST);
    assert_string_equal(hdr(1, "Host"), HOST);
    assert_string_equal(hdr(2, "Host"), "examplebucket-1250000000.cos.ap-test.tencentcos.cn");
    assert_signed(2, "secretkey");

    /* Off by default; and a response carrying a COS request id keeps the domain. */
    mini_http_script(&srv, r, 1);
    o->config->retry_change_domain = COS_FALSE;
    cos_head_bucket(o, &bucket, NULL);
    assert_string_equal(hdr(2, "Host"), HOST);
    mini_reply_t with_id[] = {{503, "x-cos-request-id: r\r\n", NULL}};
    mini_http_script(&srv, with_id, 1);
    o->config->retry_change_domain = COS_TRUE;
    cos_head_bucket(o, &bucket, NULL);
    assert_string_equal(hdr(2, "Host"), HOST);
    cos_pool_destroy(p);
}

static void test_memory_cap_and_proxy(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "big");
    /* A 2xx body larger than max_memory_size is refused, not retried. */
    mini_reply_t r[] = {{200, NULL, "0123456789abcdefghij"}};
    mini_http_script(&srv, r, 1);
    o->ctl->options->max_memory_size = 10;
    cos_list_t out;
    cos_list_init(&out);
    cos_status_t *s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    assert_int_equal(s->code, COSE_OVER_MEMORY);
    assert_non_null(strstr(s->error_msg, "max_memory_size"));
    assert_int_equal(srv.nreqs, 1);

    /* Through an HTTP proxy: the request goes to the proxy in absolute form, Host kept. */
    cos_request_options_t *px = make_options(p);
    cos_set_request_route(px->ctl, NULL, 0);
    px->ctl->options->proxy_host = cos_psprintf(p, "127.0.0.1:%d", srv.port);
    mini_reply_t ok[] = {{200, NULL, NULL}};
    mini_http_script(&srv, ok, 1);
    s = cos_head_object(px, &bucket, &key, NULL, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(srv.reqs[0].target, "http://" HOST "/big");
    assert_string_equal(hdr(0, "Host"), HOST);
    cos_pool_destroy(p);
}

static int64_t up_last, up_total, down_last, down_total;
static void up_cb(int64_t c, int64_t t)
{
    up_last = c;
    up_total = t;
}
static void down_cb(int64_t c, int64_t t)
{
    down_last = c;
    down_total = t;
}

static void test_files_and_progress(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key, file;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "song.mp3");
    char path[] = "/tmp/test_sdk_transport_XXXXXX";
    int fd = mkstemp(path);
    char *content = cos_palloc(p, 100001);
    for (int i = 0; i < 100000; i++) {
        content[i] = (char)('a' + i % 26);
    }
    content[100000] = '\0';
    assert_int_equal(write(fd, content, 100000), 100000);
    close(fd);
    mini_reply_t put_ok[] = {{200, crc_str(p, content), NULL}};
    mini_http_script(&srv, put_ok, 1);
    cos_str_set(&file, path);
    up_last = up_total = 0;
    cos_status_t *s = cos_do_put_object_from_file(o, &bucket, &key, &file, NULL, NULL, up_cb, NULL, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.reqs[0].body_len, 100000);
    assert_memory_equal(srv.reqs[0].body, content, 100000);
    assert_true(up_last == 100000 && up_total == 100000);
    assert_string_equal(hdr(0, "Content-Type"), "application/octet-stream"); /* from the file name */

    mini_reply_t get_ok[] = {{200, crc_str(p, content), content}};
    mini_http_script(&srv, get_ok, 1);
    char *dl = cos_psprintf(p, "%s.download", path);
    cos_str_set(&file, dl);
    s = cos_do_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, down_cb, NULL);
    assert_int_equal(s->code, 200);
    assert_true(down_last == 100000 && down_total == 100000);
    struct stat st;
    assert_int_equal(stat(dl, &st), 0);
    assert_int_equal(st.st_size, 100000);
    char *tmp = cos_psprintf(p, "%s.tmp", dl);
    assert_int_not_equal(stat(tmp, &st), 0);
    unlink(dl);

    mini_reply_t get_404[] = {{404, NULL, "<Error><Code>NoSuchKey</Code><Message>m</Message></Error>"}};
    mini_http_script(&srv, get_404, 1);
    s = cos_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, NULL);
    assert_int_equal(s->code, 404);
    assert_int_not_equal(stat(dl, &st), 0);
    assert_int_not_equal(stat(tmp, &st), 0);
    unlink(path);
    cos_pool_destroy(p);
}

static void test_keepalive_and_connect_errors(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    assert_int_equal(cos_http_io_initialize("unit-test", 0), COSE_OK);
    mini_reply_t ok[] = {{200, NULL, NULL}};
    mini_http_script(&srv, ok, 1);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket;
    cos_str_set(&bucket, "examplebucket");
    for (int i = 0; i < 5; i++) {
        assert_int_equal(cos_head_bucket(o, &bucket, NULL)->code, 200);
    }
    assert_int_equal(srv.nreqs, 5);
    assert_int_equal(srv.connections, 1);
    assert_non_null(strstr(hdr(0, "User-Agent"), "(Compatible unit-test)"));

    /* Nothing listens on port 1: a connection failure, retried, naming the address. */
    cos_set_request_route(o->ctl, "127.0.0.1", 1);
    o->config->retry_times = 1;
    cos_status_t *s = cos_head_bucket(o, &bucket, NULL);
    assert_int_equal(s->code, COSE_FAILED_CONNECT);
    assert_string_equal(s->error_code, "HttpIoError");
    assert_non_null(strstr(s->error_msg, "127.0.0.1:1"));
    assert_non_null(strstr(s->error_msg, "refused"));
    assert_int_equal(o->ctl->retry_count, 1);
    /* An IPv6 route, with or without brackets, is connected to as [addr]:port. */
    o->config->retry_times = 0;
    const char *v6[] = {"::1", "[::1]"};
    for (int i = 0; i < 2; i++) {
        cos_set_request_route(o->ctl, (char *)v6[i], 1);
        s = cos_head_bucket(o, &bucket, NULL);
        assert_string_equal(s->error_code, "HttpIoError");
        if (strstr(s->error_msg, "[::1]:1") == NULL) {
            fail_msg("route %s: \"%s\" lacks [::1]:1", v6[i], s->error_msg);
        }
    }
    cos_http_io_deinitialize();
    cos_pool_destroy(p);
}

static void test_bucket_calls(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, prefix;
    cos_str_set(&bucket, "examplebucket");
    const char *list_xml =
        "<?xml version='1.0' encoding='utf-8' ?><ListBucketResult><Name>examplebucket-1250000000</Name>"
        "<Prefix>photos/</Prefix><Marker/><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>"
        "<IsTruncated>true</IsTruncated><NextMarker>photos/b.jpg</NextMarker>"
        "<Contents><Key>photos/a.jpg</Key><LastModified>2017-06-17T15:09:26.000Z</LastModified>"
        "<ETag>&quot;5b72&quot;</ETag><Size>8</Size><Owner><ID>1250000000</ID><DisplayName>1250000000</DisplayName>"
        "</Owner><StorageClass>STANDARD</StorageClass></Contents>"
        "<Contents><Key>photos/b.jpg</Key><Size>0</Size></Contents>"
        "<CommonPrefixes><Prefix>photos/2024/</Prefix></CommonPrefixes></ListBucketResult>";
    mini_reply_t r[] = {{200, NULL, list_xml}};
    mini_http_script(&srv, r, 1);
    cos_list_object_params_t *lp = cos_create_list_object_params(p);
    cos_str_set(&lp->prefix, "photos/");
    cos_str_set(&lp->delimiter, "/");
    cos_str_set(&lp->encoding_type, "url");
    lp->max_ret = 2;
    cos_status_t *s = cos_list_object(o, &bucket, lp, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(srv.reqs[0].target, "/?encoding-type=url&prefix=photos%2F&delimiter=%2F&max-keys=2");
    assert_signed(0, "secretkey");
    assert_int_equal(lp->truncated, 1);
    assert_string_equal(lp->next_marker.data, "photos/b.jpg");
    cos_list_object_content_t *c = cos_list_get_first(&lp->object_list, cos_list_object_content_t, node);
    assert_string_equal(c->key.data, "photos/a.jpg");
    assert_string_equal(c->etag.data, "\"5b72\"");
    assert_string_equal(c->size.data, "8");
    assert_string_equal(c->owner_id.data, "1250000000");
    assert_string_equal(c->storage_class.data, "STANDARD");
    c = cos_list_get_last(&lp->object_list, cos_list_object_content_t, node);
    assert_string_equal(c->key.data, "photos/b.jpg");
    assert_int_equal(c->storage_class.len, 0);
    cos_list_object_common_prefix_t *cp =
        cos_list_get_first(&lp->common_prefix_list, cos_list_object_common_prefix_t, node);
    assert_string_equal(cp->prefix.data, "photos/2024/");

    /* A 2xx body that is not the expected XML is a parse error. */
    mini_reply_t junk[] = {{200, NULL, "not xml"}};
    mini_http_script(&srv, junk, 1);
    s = cos_list_object(o, &bucket, cos_create_list_object_params(p), NULL);
    assert_int_equal(s->code, COSE_XML_PARSE_ERROR);
    assert_string_equal(s->error_code, "ParseXmlError");

    /* Create bucket sends the ACL header; get service parses the bucket list. */
    mini_reply_t ok[] = {{200, NULL, NULL}};
    mini_http_script(&srv, ok, 1);
    s = cos_create_bucket(o, &bucket, COS_ACL_PUBLIC_READ, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(srv.reqs[0].method, "PUT");
    assert_string_equal(srv.reqs[0].target, "/");
    assert_string_equal(hdr(0, "x-cos-acl"), "public-read");
    assert_string_equal(hdr(0, "Content-Length"), "0");
    const char *svc = "<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/1:uin/1</ID><DisplayName>1</DisplayName>"
                      "</Owner><Buckets><Bucket><Name>a-1250000000</Name><Location>ap-test</Location>"
                      "<CreationDate>2016-07-29T03:09:54Z</CreationDate></Bucket><Bucket><Name>b-1250000000"
                      "</Name><Location>ap-test</Location><CreationDate>2017-01-01T00:00:00Z</CreationDate>"
                      "</Bucket></Buckets></ListAllMyBucketsResult>";
    mini_reply_t svc_r[] = {{200, NULL, svc}};
    mini_http_script(&srv, svc_r, 1);
    cos_get_service_params_t *sp = cos_create_get_service_params(p);
    sp->all_region = 0;
    s = cos_get_service(o, sp, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(hdr(0, "Host"), "cos.ap-test.myqcloud.com");
    assert_string_equal(sp->owner_id.data, "qcs::cam::uin/1:uin/1");
    /* All regions: the public service host for a COS endpoint, else the endpoint itself. */
    mini_http_script(&srv, svc_r, 1);
    sp = cos_create_get_service_params(p);
    assert_int_equal(cos_get_service(o, sp, NULL)->code, 200);
    assert_string_equal(hdr(0, "Host"), "service.cos.myqcloud.com");
    cos_request_options_t *lo = make_options(p);
    cos_str_set(&lo->config->endpoint, "http://localhost:9000");
    mini_http_script(&srv, svc_r, 1);
    sp = cos_create_get_service_params(p);
    assert_int_equal(cos_get_service(lo, sp, NULL)->code, 200);
    assert_string_equal(hdr(0, "Host"), "localhost:9000");
    /* No endpoint at all: the public service host, over https only (signed requests never travel in
     * the clear by default). Routed to the plain-HTTP test server, the TLS handshake must fail. */
    cos_request_options_t *no = make_options(p);
    cos_str_set(&no->config->endpoint, "");
    no->config->retry_times = 0;
    mini_http_script(&srv, svc_r, 1);
    sp = cos_create_get_service_params(p);
    assert_true(cos_get_service(no, sp, NULL)->code < 0);
    mini_http_script(&srv, svc_r, 1);
    sp = cos_create_get_service_params(p);
    assert_int_equal(cos_get_service(lo, sp, NULL)->code, 200);
    cos_get_service_content_t *bc = cos_list_get_last(&sp->bucket_list, cos_get_service_content_t, node);
    assert_string_equal(bc->bucket_name.data, "b-1250000000");
    assert_string_equal(bc->location.data, "ap-test");

    /* Delete by prefix: list, then a quiet multi-delete with Content-MD5. */
    const char *one = "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>tmp/x</Key></Contents>"
                      "<Contents><Key>tmp/y z</Key></Contents></ListBucketResult>";
    mini_reply_t del_r[] = {{200, NULL, one}, {200, NULL, "<DeleteResult/>"}};
    mini_http_script(&srv, del_r, 2);
    cos_str_set(&prefix, "tmp/");
    s = cos_delete_objects_by_prefix(o, &bucket, &prefix);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.nreqs, 2);
    assert_string_equal(srv.reqs[1].method, "POST");
    assert_string_equal(srv.reqs[1].target, "/?delete");
    assert_non_null(hdr(1, "Content-MD5"));
    assert_non_null(strstr(srv.reqs[1].body, "<Quiet>true</Quiet>"));
    assert_non_null(strstr(srv.reqs[1].body, "<Key>tmp/y z</Key>"));
    assert_signed(1, "secretkey");
    cos_pool_destroy(p);
}

static void test_delete_objects_and_copy(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p);
    cos_string_t bucket, key, src_bucket, src_ep;
    cos_str_set(&bucket, "examplebucket");
    mini_reply_t r[] = {{200, NULL, "<DeleteResult><Deleted><Key>a%20b</Key></Deleted><Deleted><Key>c</Key>"
                                    "</Deleted><Error><Key>d</Key><Code>AccessDenied</Code></Error></DeleteResult>"}};
    mini_http_script(&srv, r, 1);
    cos_list_t keys, deleted;
    cos_list_init(&keys);
    cos_list_init(&deleted);
    const char *names[] = {"a b", "c", "d"};
    for (int i = 0; i < 3; i++) {
        cos_object_key_t *k = cos_create_cos_object_key(p);
        cos_str_set(&k->key, names[i]);
        cos_list_add_tail(&k->node, &keys);
    }
    cos_status_t *s = cos_delete_objects(o, &bucket, &keys, COS_FALSE, NULL, &deleted);
    assert_int_equal(s->code, 200);
    assert_string_equal(hdr(0, "Content-Type"), "application/xml");
    int n = 0;
    cos_object_key_t *k;
    cos_list_for_each_entry(cos_object_key_t, k, &deleted, node) {
        assert_string_equal(k->key.data, names[n]);
        n++;
    }
    assert_int_equal(n, 2);

    /* Copy: source header form; a 200 whose body is an <Error> is a failure. */
    mini_reply_t ok[] = {{200, NULL, "<CopyObjectResult><ETag>\"e1\"</ETag><LastModified>2017-08-04T02:41:45Z"
                                     "</LastModified></CopyObjectResult>"}};
    mini_http_script(&srv, ok, 1);
    cos_str_set(&src_bucket, "srcbucket");
    cos_str_set(&src_ep, "cos.ap-other.myqcloud.com");
    cos_str_set(&key, "dst key");
    cos_string_t src_key;
    cos_str_set(&src_key, "src/a b");
    cos_copy_object_params_t *cp = cos_create_copy_object_params(p);
    s = cos_copy_object(o, &src_bucket, &src_key, &src_ep, &bucket, &key, NULL, cp, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(hdr(0, "x-cos-copy-source"), "srcbucket-1250000000.cos.ap-other.myqcloud.com/src/a%20b");
    assert_string_equal(cp->etag.data, "\"e1\"");
    assert_string_equal(cp->last_modify.data, "2017-08-04T02:41:45Z");
    mini_reply_t err200[] = {{200, NULL, "<Error><Code>InternalError</Code><Message>copy failed</Message></Error>"}};
    mini_http_script(&srv, err200, 1);
    s = cos_copy_object(o, &src_bucket, &src_key, &src_ep, &bucket, &key, NULL, cp, NULL);
    assert_int_equal(s->code, COSE_SERVICE_ERROR);
    assert_string_equal(s->error_code, "InternalError");
    assert_false(cos_status_is_ok(s));
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_request_shape),
        cmocka_unit_test(test_retry_identical_body),
        cmocka_unit_test(test_no_retry_on_4xx),
        cmocka_unit_test(test_crc_checks),
        cmocka_unit_test(test_clock_skew),
        cmocka_unit_test(test_retry_change_domain),
        cmocka_unit_test(test_memory_cap_and_proxy),
        cmocka_unit_test(test_files_and_progress),
        cmocka_unit_test(test_keepalive_and_connect_errors),
        cmocka_unit_test(test_bucket_calls),
        cmocka_unit_test(test_delete_objects_and_copy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
