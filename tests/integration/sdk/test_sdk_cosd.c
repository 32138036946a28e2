/* Integration tests of libcos against a real cosd on loopback (started by cosd_harness): every
 * service, bucket and object call with success and documented failures, presigned URLs fetched with
 * plain libcurl, a wrong secret, and 8 threads with their own pools doing mixed operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosd_harness.h"
#include "mini_http.h"

static cosd_harness_t H;
static char endpoint[128];

static int setup(void **state)
{
    cos_log_set_level(COS_LOG_OFF);
    if (cos_http_io_initialize("integration", 0) != COSE_OK || cosd_harness_start(&H, NULL) != 0) {
        return -1;
    }
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", H.port);
    return 0;
}

static int teardown(void **state)
{
    cosd_harness_stop(&H);
    cos_http_io_deinitialize();
    return 0;
}

static cos_request_options_t *opts(cos_pool_t *p)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, endpoint);
    cos_str_set(&o->config->access_key_id, H.secret_id);
    cos_str_set(&o->config->access_key_secret, H.secret_key);
    cos_str_set(&o->config->appid, H.appid);
    o->ctl = cos_http_controller_create(o->pool, 0);
    return o;
}

#define ASSERT_STATUS(s, want)                                                                          \
    do {                                                                                                \
        cos_status_t *s_ = (s);                                                                         \
        if (s_->code != (want)) {                                                                       \
            fail_msg("status %d (%s: %s), wanted %d", s_->code, s_->error_code ? s_->error_code : "-",  \
                     s_->error_msg ? s_->error_msg : "-", (want));                                      \
        }                                                                                               \
    } while (0)

static void put_text(cos_request_options_t *o, const cos_string_t *bucket, const char *key, const char *text)
{
    cos_string_t k;
    cos_str_set(&k, key);
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(o->pool, text, (int)strlen(text))->node, &body);
    ASSERT_STATUS(cos_put_object_from_buffer(o, bucket, &k, &body, NULL, NULL), 200);
}

static void test_buckets(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket;
    cos_str_set(&bucket, "lifecycle");
    cos_table_t *resp = NULL;
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, &resp), 200);
    assert_non_null(resp);
    cos_status_t *s = cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL);
    ASSERT_STATUS(s, 409);
    assert_string_equal(s->error_code, "BucketAlreadyOwnedByYou");
    assert_non_null(s->req_id);
    assert_true(s->req_id[0] != '\0');
    ASSERT_STATUS(cos_head_bucket(o, &bucket, NULL), 200);
    cos_bucket_exist_status_e ex;
    cos_check_bucket_exist(o, &bucket, &ex, NULL);
    assert_int_equal(ex, COS_BUCKET_EXIST);

    cos_get_service_params_t *sp = cos_create_get_service_params(p);
    sp->all_region = 0;
    ASSERT_STATUS(cos_get_service(o, sp, NULL), 200);
    int found = 0;
    cos_get_service_content_t *c;
    cos_list_for_each_entry(cos_get_service_content_t, c, &sp->bucket_list, node) {
        if (strcmp(c->bucket_name.data, "lifecycle-1250000000") == 0) {
            found = 1;
        }
    }
    assert_true(found);

    put_text(o, &bucket, "keep.txt", "x");
    s = cos_delete_bucket(o, &bucket, NULL);
    ASSERT_STATUS(s, 409);
    assert_string_equal(s->error_code, "BucketNotEmpty");
    cos_string_t prefix;
    cos_str_set(&prefix, "");
    ASSERT_STATUS(cos_delete_objects_by_prefix(o, &bucket, &prefix), 200);
    ASSERT_STATUS(cos_delete_bucket(o, &bucket, NULL), 204);
    s = cos_head_bucket(o, &bucket, NULL);
    ASSERT_STATUS(s, 404);
    cos_check_bucket_exist(o, &bucket, &ex, NULL);
    assert_int_equal(ex, COS_BUCKET_NON_EXIST);
    s = cos_delete_bucket(o, &bucket, NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchBucket");
    cos_pool_destroy(p);
}

static void test_objects(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "objects-1250000000");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);

    const char *text = "hello from libcos, with spaces and / slashes";
    put_text(o, &bucket, "dir/hello world.txt", text);
    cos_str_set(&key, "dir/hello world.txt");
    cos_table_t *resp = NULL;
    ASSERT_STATUS(cos_head_object(o, &bucket, &key, NULL, &resp), 200);
    assert_int_equal(atoi(cos_table_get(resp, "Content-Length")), (int)strlen(text));
    assert_string_equal(cos_table_get(resp, "Content-Type"), "text/plain");
    assert_non_null(cos_table_get(resp, "ETag"));
    cos_object_exist_status_e ex;
    cos_check_object_exist(o, &bucket, &key, NULL, &ex, NULL);
    assert_int_equal(ex, COS_OBJECT_EXIST);

    cos_list_t out;
    cos_list_init(&out);
    ASSERT_STATUS(cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL), 200);
    assert_string_equal(cos_buf_list_content(p, &out), text);

    /* Range and response-* overrides. */
    cos_table_t *h = cos_table_make(p, 1);
    cos_table_add(h, "Range", "bytes=0-4");
    cos_table_t *q = cos_table_make(p, 1);
    cos_table_add(q, "response-content-type", "application/x-test");
    cos_list_init(&out);
    ASSERT_STATUS(cos_get_object_to_buffer(o, &bucket, &key, h, q, &out, &resp), 206);
    assert_string_equal(cos_buf_list_content(p, &out), "hello");
    assert_string_equal(cos_table_get(resp, "Content-Type"), "application/x-test");

    /* File round trip. */
    char src[] = "/tmp/sdk_it_src_XXXXXX";
    int fd = mkstemp(src);
    char *big = cos_palloc(p, 300000);
    for (int i = 0; i < 300000; i++) {
        big[i] = (char)(i * 7);
    }
    assert_int_equal(write(fd, big, 300000), 300000);
    close(fd);
    cos_string_t file;
    cos_str_set(&file, src);
    cos_str_set(&key, "big.bin");
    ASSERT_STATUS(cos_put_object_from_file(o, &bucket, &key, &file, NULL, NULL), 200);
    char *dst = cos_psprintf(p, "%s.out", src);
    cos_str_set(&file, dst);
    ASSERT_STATUS(cos_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, NULL), 200);
    FILE *f = fopen(dst, "rb");
    assert_non_null(f);
    char *back = cos_palloc(p, 300001);
    assert_int_equal(fread(back, 1, 300001, f), 300000);
    fclose(f);
    assert_memory_equal(back, big, 300000);
    unlink(src);
    unlink(dst);

    /* Copy within the bucket. */
    cos_string_t src_key, dst_key, ep;
    cos_str_set(&src_key, "dir/hello world.txt");
    cos_str_set(&dst_key, "copy/hello.txt");
    cos_str_set(&ep, endpoint);
    cos_copy_object_params_t *cp = cos_create_copy_object_params(p);
    ASSERT_STATUS(cos_copy_object(o, &bucket, &src_key, &ep, &bucket, &dst_key, NULL, cp, NULL), 200);
    assert_true(cp->etag.len > 0);
    cos_list_init(&out);
    ASSERT_STATUS(cos_get_object_to_buffer(o, &bucket, &dst_key, NULL, NULL, &out, NULL), 200);
    assert_string_equal(cos_buf_list_content(p, &out), text);

    /* Listing with prefix and delimiter. */
    cos_list_object_params_t *lp = cos_create_list_object_params(p);
    cos_str_set(&lp->delimiter, "/");
    ASSERT_STATUS(cos_list_object(o, &bucket, lp, NULL), 200);
    int nkeys = 0, nprefixes = 0;
    cos_list_object_content_t *c;
    cos_list_for_each_entry(cos_list_object_content_t, c, &lp->object_list, node) {
        assert_string_equal(c->key.data, "big.bin");
        assert_string_equal(c->size.data, "300000");
        nkeys++;
    }
    cos_list_object_common_prefix_t *cpx;
    cos_list_for_each_entry(cos_list_object_common_prefix_t, cpx, &lp->common_prefix_list, node) {
        nprefixes++;
    }
    assert_int_equal(nkeys, 1);
    assert_int_equal(nprefixes, 2);

    /* Paging: max_ret 1 gives truncated pages that continue at next_marker. */
    lp = cos_create_list_object_params(p);
    lp->max_ret = 1;
    ASSERT_STATUS(cos_list_object(o, &bucket, lp, NULL), 200);
    assert_int_equal(lp->truncated, 1);
    assert_true(lp->next_marker.len > 0);

    /* Missing object. */
    cos_str_set(&key, "missing");
    cos_list_init(&out);
    cos_status_t *s = cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchKey");
    s = cos_head_object(o, &bucket, &key, NULL, NULL);
    ASSERT_STATUS(s, 404);
    cos_check_object_exist(o, &bucket, &key, NULL, &ex, NULL);
    assert_int_equal(ex, COS_OBJECT_NON_EXIST);

    /* Multi-delete reports what it deleted; single delete is 204 even when absent. */
    cos_list_t keys, deleted;
    cos_list_init(&keys);
    cos_list_init(&deleted);
    const char *names[] = {"dir/hello world.txt", "copy/hello.txt"};
    for (int i = 0; i < 2; i++) {
        cos_object_key_t *k = cos_create_cos_object_key(p);
        cos_str_set(&k->key, names[i]);
        cos_list_add_tail(&k->node, &keys);
    }
    ASSERT_STATUS(cos_delete_objects(o, &bucket, &keys, COS_FALSE, NULL, &deleted), 200);
    int nd = 0;
    cos_object_key_t *k;
    cos_list_for_each_entry(cos_object_key_t, k, &deleted, node) {
        assert_string_equal(k->key.data, names[nd]);
        nd++;
    }
    assert_int_equal(nd, 2);
    cos_str_set(&key, "big.bin");
    ASSERT_STATUS(cos_delete_object(o, &bucket, &key, NULL), 204);
    ASSERT_STATUS(cos_delete_object(o, &bucket, &key, NULL), 204);
    ASSERT_STATUS(cos_delete_bucket(o, &bucket, NULL), 204);
    cos_pool_destroy(p);
}

static void test_presigned_and_errors(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, url;
    cos_str_set(&bucket, "presign");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    put_text(o, &bucket, "a b.txt", "presigned body");
    cos_str_set(&key, "a b.txt");
    assert_int_equal(cos_gen_presigned_url(o, &bucket, &key, 300, HTTP_GET, &url), COSE_OK);

    char tmpl[] = "/tmp/sdk_it_presign_XXXXXX";
    int fd = mkstemp(tmpl);
    FILE *out = fdopen(fd, "w+b");
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url.data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    assert_int_equal(code, 200);
    fflush(out);
    rewind(out);
    char body[64] = {0};
    assert_int_equal(fread(body, 1, sizeof(body) - 1, out), 14);
    assert_string_equal(body, "presigned body");
    /* The same URL for another key is refused. */
    char *tampered = cos_pstrdup_cstr(p, url.data);
    char *pos = strstr(tampered, "a%20b.txt");
    pos[0] = 'b';
    curl_easy_setopt(c, CURLOPT_URL, tampered);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    assert_int_equal(code, 403);
    curl_easy_cleanup(c);
    fclose(out);
    unlink(tmpl);

    /* Wrong secret: 403 SignatureDoesNotMatch, not retried. */
    cos_request_options_t *bad = opts(p);
    cos_str_set(&bad->config->access_key_secret, "not-the-secret");
    cos_list_t buf;
    cos_list_init(&buf);
    cos_status_t *s = cos_get_object_to_buffer(bad, &bucket, &key, NULL, NULL, &buf, NULL);
    ASSERT_STATUS(s, 403);
    assert_string_equal(s->error_code, "SignatureDoesNotMatch");
    assert_int_equal(bad->ctl->retry_count, 0);

    /* Nothing listening: a connection error naming the address. */
    cos_request_options_t *down = opts(p);
    cos_set_request_route(down->ctl, "127.0.0.1", 9);
    down->config->retry_times = 0;
    s = cos_head_bucket(down, &bucket, NULL);
    assert_int_equal(s->code, COSE_FAILED_CONNECT);
    assert_non_null(strstr(s->error_msg, "127.0.0.1:9"));

    cos_string_t prefix;
    cos_str_set(&prefix, "");
    ASSERT_STATUS(cos_delete_objects_by_prefix(o, &bucket, &prefix), 200);
    ASSERT_STATUS(cos_delete_bucket(o, &bucket, NULL), 204);
    cos_pool_destroy(p);
}

/* Documented failures of each call against a bucket that does not exist (and a missing copy source). */
static void test_documented_failures(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, file, prefix, ep;
    cos_str_set(&bucket, "nosuchbucket");
    cos_str_set(&key, "k");
    cos_table_t *resp = NULL;
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(p, "x", 1)->node, &body);
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, &resp);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchBucket");
    assert_non_null(resp);
    s = cos_list_object(o, &bucket, cos_create_list_object_params(p), NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchBucket");
    cos_str_set(&file, "/tmp/never-written-by-this-test");
    s = cos_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, NULL);
    ASSERT_STATUS(s, 404);
    assert_int_not_equal(access("/tmp/never-written-by-this-test", F_OK), 0);
    cos_list_t keys;
    cos_list_init(&keys);
    cos_object_key_t *k = cos_create_cos_object_key(p);
    cos_str_set(&k->key, "k");
    cos_list_add_tail(&k->node, &keys);
    ASSERT_STATUS(cos_delete_objects(o, &bucket, &keys, COS_FALSE, NULL, NULL), 404);
    cos_str_set(&prefix, "");
    ASSERT_STATUS(cos_delete_objects_by_prefix(o, &bucket, &prefix), 404);
    ASSERT_STATUS(cos_delete_object(o, &bucket, &key, NULL), 404);

    /* Copy from a missing source object. */
    cos_string_t dst;
    cos_str_set(&dst, "copyfail");
    ASSERT_STATUS(cos_create_bucket(o, &dst, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&ep, endpoint);
    s = cos_copy_object(o, &dst, &key, &ep, &dst, &key, NULL, NULL, NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchKey");

    /* An anonymous request (empty SecretId: sent unsigned) to a private bucket is refused. */
    cos_request_options_t *anon = opts(p);
    cos_str_set(&anon->config->access_key_id, "");
    s = cos_head_bucket(anon, &dst, NULL);
    ASSERT_STATUS(s, 403);
    ASSERT_STATUS(cos_delete_bucket(o, &dst, NULL), 204);
    cos_pool_destroy(p);
}

/* Fault injection: a scripted front answers 503 first, then forwards to cosd; the retry must carry the
 * identical body, be accepted by cosd (re-signed) and store exactly the uploaded bytes. */
static void test_retry_through_fault(void **state)
{
    mini_http_t front;
    assert_int_equal(mini_http_start(&front), 0);
    front.upstream_port = H.port;
    mini_reply_t script[] = {
        {503, NULL, "<Error><Code>ServiceUnavailable</Code><Message>try again</Message></Error>"},
        {0, NULL, NULL},
    };
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key;
    cos_str_set(&bucket, "faults");
    cos_str_set(&key, "retried.bin");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);

    size_t len = 100000;
    char *data = cos_palloc(p, len + 1);
    for (size_t i = 0; i < len; i++) {
        data[i] = (char)('A' + i % 23);
    }
    data[len] = '\0';
    cos_request_options_t *via = opts(p);
    via->config->retry_interval_us = 1000;
    cos_set_request_route(via->ctl, "127.0.0.1", front.port);
    mini_http_script(&front, script, 2);
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(p, data, 40000)->node, &body);
    cos_list_add_tail(&cos_buf_pack(p, data + 40000, (int)(len - 40000))->node, &body);
    ASSERT_STATUS(cos_put_object_from_buffer(via, &bucket, &key, &body, NULL, NULL), 200);
    assert_int_equal(via->ctl->retry_count, 1);
    assert_int_equal(front.nreqs, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(front.reqs[i].body_len, len);
        assert_memory_equal(front.reqs[i].body, data, len);
    }
    mini_http_stop(&front);

    cos_list_t out;
    cos_list_init(&out);
    ASSERT_STATUS(cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL), 200);
    assert_int_equal(cos_buf_list_len(&out), (int64_t)len);
    assert_memory_equal(cos_buf_list_content(p, &out), data, len);
    ASSERT_STATUS(cos_delete_object(o, &bucket, &key, NULL), 204);
    ASSERT_STATUS(cos_delete_bucket(o, &bucket, NULL), 204);
    cos_pool_destroy(p);
}

#define NTHREADS 8
#define ROUNDS 25

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket;
    cos_str_set(&bucket, "threads");
    intptr_t errors = 0;
    for (int r = 0; r < ROUNDS; r++) {
        cos_pool_t *sub;
        cos_pool_create(&sub, p);
        cos_request_options_t call = *o;
        call.pool = sub;
        char *key = cos_psprintf(sub, "t%d/obj-%d", (int)id, r);
        char *text = cos_psprintf(sub, "thread %d round %d payload", (int)id, r);
        cos_string_t k;
        cos_str_set(&k, key);
        cos_list_t body, out;
        cos_list_init(&body);
        cos_list_init(&out);
        cos_list_add_tail(&cos_buf_pack(sub, text, (int)strlen(text))->node, &body);
        errors += cos_put_object_from_buffer(&call, &bucket, &k, &body, NULL, NULL)->code != 200;
        errors += cos_head_object(&call, &bucket, &k, NULL, NULL)->code != 200;
        errors += cos_get_object_to_buffer(&call, &bucket, &k, NULL, NULL, &out, NULL)->code != 200;
        errors += strcmp(cos_buf_list_content(sub, &out), text) != 0;
        if (r % 2 == 0) {
            errors += cos_delete_object(&call, &bucket, &k, NULL)->code != 204;
        }
        cos_pool_destroy(sub);
    }
    cos_pool_destroy(p);
    return (void *)errors;
}

static void test_threads(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket;
    cos_str_set(&bucket, "threads");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    pthread_t th[NTHREADS];
    for (intptr_t i = 0; i < NTHREADS; i++) {
        assert_int_equal(pthread_create(&th[i], NULL, worker, (void *)i), 0);
    }
    intptr_t total = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        total += (intptr_t)r;
    }
    assert_int_equal(total, 0);
    /* Half of the objects of every thread remain. */
    cos_list_object_params_t *lp = cos_create_list_object_params(p);
    ASSERT_STATUS(cos_list_object(o, &bucket, lp, NULL), 200);
    int n = 0;
    cos_list_object_content_t *c;
    cos_list_for_each_entry(cos_list_object_content_t, c, &lp->object_list, node) {
        n++;
    }
    assert_int_equal(n, NTHREADS * (ROUNDS / 2));
    cos_string_t prefix;
    cos_str_set(&prefix, "");
    ASSERT_STATUS(cos_delete_objects_by_prefix(o, &bucket, &prefix), 200);
    ASSERT_STATUS(cos_delete_bucket(o, &bucket, NULL), 204);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_objects),
        cmocka_unit_test(test_presigned_and_errors),
        cmocka_unit_test(test_documented_failures),
        cmocka_unit_test(test_retry_through_fault),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
