/* Fault injection between libcos and a real cosd: a front (mini_http) relays to cosd and breaks chosen
 * answers (lost replies, truncated, reset or stalled bodies, garbage, SlowDown bursts, cut part uploads);
 * retries must store and fetch exactly the right bytes, failures leave no partial file or upload. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosd_harness.h"
#include "mini_http.h"

#define OBJ_LEN (1024 * 1024 + 7)

typedef struct world {
    cosd_harness_t cosd;
    mini_http_t front;
    cos_pool_t *p;
    char *content; /* OBJ_LEN bytes */
    char *src;     /* file holding content */
    char *dst;     /* download target */
    char host_ep[64];
} world_t;

static int world_up(void **state)
{
    world_t *w = calloc(1, sizeof(*w));
    cos_log_set_level(COS_LOG_OFF);
    if (w == NULL || cos_http_io_initialize("faults", 0) != COSE_OK || cosd_harness_start(&w->cosd, NULL) != 0 ||
        mini_http_start(&w->front) != 0) {
        return -1;
    }
    w->front.upstream_port = w->cosd.port;
    snprintf(w->host_ep, sizeof(w->host_ep), "localhost:%d", w->cosd.port);
    cos_pool_create(&w->p, NULL);
    w->content = cos_palloc(w->p, OBJ_LEN);
    uint32_t x = 2463534242u;
    for (int i = 0; i < OBJ_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        w->content[i] = (char)(x & 0xff);
    }
    w->src = cos_psprintf(w->p, "%s/fault_src.bin", w->cosd.data_dir);
    w->dst = cos_psprintf(w->p, "%s/fault_dst.bin", w->cosd.data_dir);
    FILE *f = fopen(w->src, "wb");
    if (f == NULL || fwrite(w->content, 1, OBJ_LEN, f) != OBJ_LEN || fclose(f) != 0) {
        return -1;
    }
    *state = w;
    return 0;
}

static int world_down(void **state)
{
    world_t *w = *state;
    mini_http_stop(&w->front);
    unlink(w->src);
    unlink(w->dst);
    cosd_harness_stop(&w->cosd);
    cos_pool_destroy(w->p);
    cos_http_io_deinitialize();
    free(w);
    return 0;
}

/* Options for bucket "faults"; via_front routes the connection through the faulting front. */
static cos_request_options_t *client(world_t *w, cos_pool_t *p, bool via_front, int retries)
{
    cos_request_options_t *o = cos_request_options_create(p);
    cos_config_t *c = cos_config_create(p);
    o->config = c;
    cos_str_set(&c->endpoint, w->host_ep);
    cos_str_set(&c->appid, w->cosd.appid);
    cos_str_set(&c->access_key_id, w->cosd.secret_id);
    cos_str_set(&c->access_key_secret, w->cosd.secret_key);
    c->retry_times = retries;
    c->retry_interval_us = 1000;
    o->ctl = cos_http_controller_create(p, 0);
    o->ctl->options->speed_limit = 1000;
    o->ctl->options->speed_time = 1;
    if (via_front) {
        cos_set_request_route(o->ctl, "127.0.0.1", w->front.port);
    }
    return o;
}

static void expect_code(const cos_status_t *s, int code, const char *what)
{
    if (s->code != code) {
        fail_msg("%s: status %d %s \"%s\", expected %d", what, s->code, s->error_code ? s->error_code : "",
                 s->error_msg ? s->error_msg : "", code);
    }
}

static int count_method(const mini_http_t *m, const char *method)
{
    int n = 0;
    for (int i = 0; i < m->nreqs; i++) {
        n += strcmp(m->reqs[i].method, method) == 0;
    }
    return n;
}

/* The object as cosd stores it, fetched directly; NULL when it does not exist. */
static char *stored(world_t *w, cos_pool_t *p, const char *key, size_t *len)
{
    cos_request_options_t *o = client(w, p, false, 0);
    cos_string_t bucket, k;
    cos_str_set(&bucket, "faults");
    cos_str_set(&k, key);
    cos_list_t out;
    cos_list_init(&out);
    cos_status_t *s = cos_get_object_to_buffer(o, &bucket, &k, NULL, NULL, &out, NULL);
    if (s->code == 404) {
        return NULL;
    }
    expect_code(s, 200, "direct GET");
    *len = (size_t)cos_buf_list_len(&out);
    return cos_buf_list_content(p, &out);
}

static void assert_file(const char *path, const char *want, size_t len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *got = malloc(len + 1);
    size_t n = fread(got, 1, len + 1, f);
    fclose(f);
    assert_int_equal(n, len);
    assert_memory_equal(got, want, len);
    free(got);
}

/* The reply to a PUT is lost after cosd stored the object; the retry stores the same bytes again. */
static void test_lost_reply_and_bursts(void **state)
{
    world_t *w = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_string_t bucket, key, file;
    cos_str_set(&bucket, "faults");
    expect_code(cos_create_bucket(client(w, p, false, 0), &bucket, COS_ACL_PRIVATE, NULL), 200, "create bucket");

    cos_request_options_t *o = client(w, p, true, 3);
    mini_step_t lost[] = {{.reply = {0, NULL, NULL}, .fault = MINI_RESET_BEFORE_REPLY}, {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, lost, 2);
    cos_str_set(&key, "from_file.bin");
    cos_str_set(&file, w->src);
    expect_code(cos_put_object_from_file(o, &bucket, &key, &file, NULL, NULL), 200, "PUT from file, reply lost");
    assert_int_equal(o->ctl->retry_count, 1);
    assert_int_equal(w->front.nreqs, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(w->front.reqs[i].body_len, OBJ_LEN);
        assert_memory_equal(w->front.reqs[i].body, w->content, OBJ_LEN);
    }
    size_t len = 0;
    char *got = stored(w, p, "from_file.bin", &len);
    assert_non_null(got);
    assert_int_equal(len, OBJ_LEN);
    assert_memory_equal(got, w->content, OBJ_LEN);

    /* SlowDown three times, then cosd: stored once, from the fourth identical request. */
    mini_step_t burst[5];
    for (int i = 0; i < 4; i++) {
        burst[i] = (mini_step_t){.reply = {503, "x-cos-request-id: front-slowdown\r\n",
                                           "<Error><Code>SlowDown</Code><Message>Please reduce your request "
                                           "rate.</Message></Error>"}};
    }
    burst[4] = (mini_step_t){.reply = {0, NULL, NULL}};
    mini_http_script_steps(&w->front, burst + 1, 4);
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(p, w->content, 4096)->node, &body);
    cos_list_add_tail(&cos_buf_pack(p, w->content + 4096, 60000)->node, &body);
    cos_str_set(&key, "after_burst.bin");
    expect_code(cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL), 200, "PUT after 3 SlowDown");
    assert_int_equal(w->front.nreqs, 4);
    got = stored(w, p, "after_burst.bin", &len);
    assert_int_equal(len, 64096);
    assert_memory_equal(got, w->content, 64096);

    /* Four SlowDown answers exhaust retry_times 3: the last one is reported and nothing is stored. */
    mini_http_script_steps(&w->front, burst, 5);
    cos_list_add_tail(&cos_buf_pack(p, w->content, 1000)->node, &body);
    cos_str_set(&key, "refused.bin");
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL);
    expect_code(s, 503, "PUT after 4 SlowDown");
    assert_string_equal(s->error_code, "SlowDown");
    assert_string_equal(s->error_msg, "Please reduce your request rate.");
    assert_string_equal(s->req_id, "front-slowdown");
    assert_int_equal(w->front.nreqs, 4);
    assert_null(stored(w, p, "refused.bin", &len));
    cos_pool_destroy(p);
}

/* Downloads, HEAD and list through broken relayed answers, then a good one. */
static void test_broken_answers_then_good(void **state)
{
    world_t *w = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = client(w, p, true, 3);
    cos_string_t bucket, key, file;
    cos_str_set(&bucket, "faults");
    cos_str_set(&key, "from_file.bin");
    cos_str_set(&file, w->dst);

    /* GET to file: truncated, reset mid-body, stalled, then whole; the CRC-64 of cosd is checked. */
    mini_step_t get[] = {
        {.reply = {0, NULL, NULL}, .fault = MINI_TRUNCATED_BODY, .fault_bytes = 500000},
        {.reply = {0, NULL, NULL}, .fault = MINI_RESET_MID_BODY, .fault_bytes = 700000},
        {.reply = {0, NULL, NULL}, .fault = MINI_STALL_BODY, .fault_bytes = 300000},
        {.reply = {0, NULL, NULL}},
    };
    mini_http_script_steps(&w->front, get, 4);
    cos_table_t *h = NULL;
    expect_code(cos_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, &h), 200, "GET to file");
    assert_non_null(cos_table_get(h, "x-cos-hash-crc64ecma"));
    assert_int_equal(o->ctl->retry_count, 3);
    assert_int_equal(count_method(&w->front, "GET"), 4);
    assert_int_equal(mini_http_wait(&w->front, &w->front.client_gone, 1, 5000), 1);
    assert_file(w->dst, w->content, OBJ_LEN);

    /* Every answer broken: the previous download stays as it was, no temporary file is left. */
    mini_step_t always[] = {{.reply = {0, NULL, NULL}, .fault = MINI_TRUNCATED_BODY}};
    mini_http_script_steps(&w->front, always, 1);
    cos_string_t other;
    cos_str_set(&other, "after_burst.bin");
    cos_status_t *s = cos_get_object_to_file(o, &bucket, &other, NULL, NULL, &file, NULL);
    expect_code(s, COSE_CONNECTION_FAILED, "GET to file, always truncated");
    assert_non_null(strstr(s->error_msg, "ended early"));
    assert_int_equal(w->front.nreqs, 4);
    assert_file(w->dst, w->content, OBJ_LEN);
    assert_int_not_equal(access(cos_psprintf(p, "%s.tmp", w->dst), F_OK), 0);

    /* GET to buffer: reset before the reply, then whole. */
    mini_step_t buf[] = {{.reply = {0, NULL, NULL}, .fault = MINI_RESET_MID_HEADERS}, {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, buf, 2);
    cos_list_t out;
    cos_list_init(&out);
    expect_code(cos_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &out, NULL), 200, "GET to buffer");
    assert_int_equal(cos_buf_list_len(&out), OBJ_LEN);
    assert_memory_equal(cos_buf_list_content(p, &out), w->content, OBJ_LEN);
    assert_int_equal(w->front.nreqs, 2);

    /* HEAD: a garbage status line, then cosd's answer. */
    mini_step_t head[] = {{.reply = {0, NULL, NULL}, .fault = MINI_GARBAGE_STATUS}, {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, head, 2);
    h = NULL;
    expect_code(cos_head_object(o, &bucket, &key, NULL, &h), 200, "HEAD");
    assert_int_equal(cos_atoi64(cos_table_get(h, "Content-Length")), OBJ_LEN);
    assert_int_equal(w->front.nreqs, 2);

    /* List: a trickle below speed_limit is cut, the retry lists both objects. */
    mini_step_t list[] = {{.reply = {0, NULL, NULL}, .fault = MINI_TRICKLE_BODY, .fault_bytes = 5, .fault_ms = 200},
                          {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, list, 2);
    cos_list_object_params_t *lp = cos_create_list_object_params(p);
    expect_code(cos_list_object(o, &bucket, lp, NULL), 200, "list");
    int n = 0;
    cos_list_object_content_t *e;
    cos_list_for_each_entry(cos_list_object_content_t, e, &lp->object_list, node) {
        assert_true(strcmp(e->key.data, n == 0 ? "after_burst.bin" : "from_file.bin") == 0);
        n++;
    }
    assert_int_equal(n, 2);
    assert_int_equal(w->front.nreqs, 2);
    assert_int_equal(mini_http_wait(&w->front, &w->front.client_gone, 1, 5000), 1);
    cos_pool_destroy(p);
}

/* Transfers in parts over the same transport: a truncated part is fetched again, a part upload that
 * keeps failing ends the upload, which is then aborted (nothing left on the server without a checkpoint). */
static void test_parts_under_faults(void **state)
{
    world_t *w = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = client(w, p, true, 2);
    cos_string_t bucket, key, file;
    cos_str_set(&bucket, "faults");
    cos_str_set(&key, "from_file.bin");
    unlink(w->dst);

    /* A range written in place: the truncated first answer is rewritten by the retry. */
    cos_upload_file_t *range = cos_create_upload_file(p);
    cos_str_set(&range->filename, w->dst);
    range->file_pos = 1000;
    range->file_last = 600000;
    mini_step_t part[] = {{.reply = {0, NULL, NULL}, .fault = MINI_TRUNCATED_BODY}, {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, part, 2);
    expect_code(cos_download_part_to_file(o, &bucket, &key, range, NULL), 206, "download part");
    assert_int_equal(w->front.nreqs, 2);
    FILE *f = fopen(w->dst, "rb");
    assert_non_null(f);
    char *got = cos_palloc(p, 600001);
    assert_int_equal(fread(got, 1, 600001, f), 600000);
    fclose(f);
    assert_memory_equal(got + 1000, w->content + 1000, 599000);
    unlink(w->dst);

    /* Resumable download (HEAD, then ranged GETs): one truncated part, the file is still exact. */
    mini_step_t dl[] = {{.reply = {0, NULL, NULL}},
                        {.reply = {0, NULL, NULL}, .fault = MINI_RESET_MID_BODY},
                        {.reply = {0, NULL, NULL}}};
    mini_http_script_steps(&w->front, dl, 3);
    cos_str_set(&file, w->dst);
    cos_resumable_clt_params_t *one = cos_create_resumable_clt_params_content(p, 0, 1, COS_FALSE, NULL);
    expect_code(cos_resumable_download_file(o, &bucket, &key, &file, NULL, NULL, one, NULL), 200,
                "resumable download");
    assert_file(w->dst, w->content, OBJ_LEN);

    /* Resumable upload whose part uploads (PUT) are all cut mid-body: it fails, and the abort that
     * follows (relayed to cosd) leaves no upload behind. */
    mini_step_t up[] = {
        {.reply = {0, NULL, NULL}, .fault = MINI_RESET_MID_REQUEST, .fault_bytes = 4096, .method = "PUT"}};
    mini_http_script_steps(&w->front, up, 1);
    cos_string_t src, ukey;
    cos_str_set(&src, w->src);
    cos_str_set(&ukey, "never.bin");
    cos_resumable_clt_params_t *upp = cos_create_resumable_clt_params_content(p, 512 * 1024, 1, COS_FALSE, NULL);
    cos_status_t *s = cos_resumable_upload_file(client(w, p, true, 0), &bucket, &ukey, &src, NULL, NULL, upp,
                                                NULL, NULL, NULL);
    assert_true(s->code == COSE_CONNECTION_FAILED);
    assert_string_equal(s->error_code, "HttpIoError");
    int puts = count_method(&w->front, "PUT");
    assert_true(puts >= 1);
    cos_list_multipart_upload_params_t *lp = cos_create_list_multipart_upload_params(p);
    expect_code(cos_list_multipart_upload(client(w, p, false, 0), &bucket, lp, NULL), 200, "list uploads");
    assert_true(cos_list_empty(&lp->upload_list));
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lost_reply_and_bursts),
        cmocka_unit_test(test_broken_answers_then_good),
        cmocka_unit_test(test_parts_under_faults),
    };
    return cmocka_run_group_tests(tests, world_up, world_down);
}
