/* Fault injection in the libcos transport: a loopback server (mini_http) that resets, truncates, stalls or
 * garbles its answers or sends 5xx bursts, against put/get (buffer, file), HEAD and list: statuses, retries
 * counted at the server (identical re-signed bodies), controller timeouts, no partial download file. */
#include "../test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_crc64.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosx_verify.h"
#include "mini_http.h"

#define DATA_LEN 30000
#define LIST_KEYS 40
#define OLD_CONTENT "previous content of the destination"

typedef enum { PUT_BUF, PUT_FILE, GET_BUF, GET_FILE, HEAD, LIST, NCALLS } call_e;
static const char *const call_name[NCALLS] = {"put_buffer", "put_file", "get_buffer", "get_file", "head", "list"};

typedef struct fx {
    mini_http_t srv;
    cos_pool_t *p;
    char *data;     /* object content: DATA_LEN printable bytes */
    char *crc_hdr;  /* its x-cos-hash-crc64ecma header line */
    char *list_xml; /* a list result with LIST_KEYS keys */
    char dir[64];
    char *src_path; /* holds data, for put_file */
    char *dst_path; /* get_file target, holding OLD_CONTENT before each call */
} fx_t;

/* Outcome of one call. */
typedef struct result {
    cos_status_t *s;
    cos_list_t body;
    cos_table_t *headers;
    cos_list_object_params_t *lp;
} result_t;

static int64_t prog_last, prog_total, prog_calls;
static void on_progress(int64_t done, int64_t total)
{
    prog_last = done;
    prog_total = total;
    prog_calls++;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Reads a whole file into pool memory (NUL-terminated); NULL when it does not exist. */
static char *read_file(cos_pool_t *p, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *buf = cos_palloc(p, DATA_LEN * 2 + 1);
    *len = fread(buf, 1, DATA_LEN * 2, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));
    cos_log_set_level(COS_LOG_OFF);
    if (fx == NULL || cos_http_io_initialize("fault-test", 0) != COSE_OK || mini_http_start(&fx->srv) != 0) {
        return -1;
    }
    fx->srv.close_each = true; /* one connection per request: request counts are exact */
    cos_pool_create(&fx->p, NULL);
    fx->data = cos_palloc(fx->p, DATA_LEN + 1);
    for (int i = 0; i < DATA_LEN; i++) {
        fx->data[i] = (char)('!' + (i * 7 + i / 91) % 90);
    }
    fx->data[DATA_LEN] = '\0';
    fx->crc_hdr = cos_psprintf(fx->p, "x-cos-hash-crc64ecma: %" PRIu64 "\r\n",
                               cos_crc64(0, fx->data, DATA_LEN));
    char *xml = cos_psprintf(fx->p, "<?xml version='1.0' encoding='utf-8' ?><ListBucketResult>"
                                    "<Name>examplebucket-1250000000</Name><IsTruncated>false</IsTruncated>");
    for (int i = 0; i < LIST_KEYS; i++) {
        xml = cos_psprintf(fx->p, "%s<Contents><Key>dir/k%02d</Key><Size>%d</Size><ETag>&quot;e%d&quot;</ETag>"
                                  "</Contents>", xml, i, i * 10, i);
    }
    fx->list_xml = cos_psprintf(fx->p, "%s</ListBucketResult>", xml);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_sdk_faults_XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        return -1;
    }
    fx->src_path = cos_psprintf(fx->p, "%s/src.bin", fx->dir);
    fx->dst_path = cos_psprintf(fx->p, "%s/dst.bin", fx->dir);
    write_file(fx->src_path, fx->data, DATA_LEN);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;
    mini_http_stop(&fx->srv);
    unlink(fx->src_path);
    unlink(fx->dst_path);
    rmdir(fx->dir);
    cos_pool_destroy(fx->p);
    cos_http_io_deinitialize();
    free(fx);
    return 0;
}

static cos_request_options_t *make_options(fx_t *fx, cos_pool_t *p, int retry_times)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, "cos.ap-test.myqcloud.com");
    cos_str_set(&o->config->access_key_id, "AKIDfault");
    cos_str_set(&o->config->access_key_secret, "faultsecret");
    cos_str_set(&o->config->appid, "1250000000");
    o->config->retry_times = retry_times;
    o->config->retry_interval_us = 1000;
    o->ctl = cos_http_controller_create(o->pool, 0);
    cos_set_request_route(o->ctl, "127.0.0.1", fx->srv.port);
    /* Slow and stalled answers are cut after 1 s below 1000 B/s (defaults: 8 B/s over 120 s). */
    o->ctl->options->speed_limit = 1000;
    o->ctl->options->speed_time = 1;
    return o;
}

/* The well-formed answer to a call. */
static mini_step_t good_step(const fx_t *fx, call_e c)
{
    mini_step_t st = {.reply = {200, NULL, NULL}};
    switch (c) {
    case PUT_BUF:
    case PUT_FILE:
        st.reply.headers = cos_psprintf(fx->p, "ETag: \"e\"\r\nx-cos-request-id: ok\r\n%s", fx->crc_hdr);
        break;
    case GET_BUF:
    case GET_FILE:
        st.reply.headers = cos_psprintf(fx->p, "x-cos-request-id: ok\r\n%s", fx->crc_hdr);
        st.reply.body = fx->data;
        break;
    case HEAD:
        st.reply.headers = "ETag: \"e\"\r\nx-cos-request-id: ok\r\n";
        break;
    default:
        st.reply.headers = "x-cos-request-id: ok\r\nContent-Type: application/xml\r\n";
        st.reply.body = fx->list_xml;
        break;
    }
    return st;
}

/* The good answer of call c broken by fault f. */
static mini_step_t faulty_step(const fx_t *fx, call_e c, mini_fault_e f, int bytes, int ms)
{
    mini_step_t st = good_step(fx, c);
    st.fault = f;
    st.fault_bytes = bytes;
    st.fault_ms = ms;
    return st;
}

/* Runs call c into *out (a list head cannot be returned by value). */
static void run_call(fx_t *fx, cos_request_options_t *o, call_e c, bool progress, result_t *out)
{
    result_t *r = out;
    memset(r, 0, sizeof(*r));
    cos_string_t bucket, key, file;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "dir/object.bin");
    cos_list_init(&r->body);
    prog_last = prog_total = prog_calls = 0;
    cos_progress_callback cb = progress ? on_progress : NULL;
    switch (c) {
    case PUT_BUF: {
        cos_list_t body; /* three chunks: a partial rewind could not pass for the whole body */
        cos_list_init(&body);
        cos_list_add_tail(&cos_buf_pack(o->pool, fx->data, 1000)->node, &body);
        cos_list_add_tail(&cos_buf_pack(o->pool, fx->data + 1000, 9000)->node, &body);
        cos_list_add_tail(&cos_buf_pack(o->pool, fx->data + 10000, DATA_LEN - 10000)->node, &body);
        r->s = cos_do_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL, cb, &r->headers, NULL);
        break;
    }
    case PUT_FILE:
        cos_str_set(&file, fx->src_path);
        r->s = cos_do_put_object_from_file(o, &bucket, &key, &file, NULL, NULL, cb, &r->headers, NULL);
        break;
    case GET_BUF:
        r->s = cos_do_get_object_to_buffer(o, &bucket, &key, NULL, NULL, &r->body, cb, &r->headers);
        break;
    case GET_FILE:
        write_file(fx->dst_path, OLD_CONTENT, strlen(OLD_CONTENT));
        cos_str_set(&file, fx->dst_path);
        r->s = cos_do_get_object_to_file(o, &bucket, &key, NULL, NULL, &file, cb, &r->headers);
        break;
    case HEAD:
        r->s = cos_head_object(o, &bucket, &key, NULL, &r->headers);
        break;
    default:
        r->lp = cos_create_list_object_params(o->pool);
        cos_str_set(&r->lp->prefix, "dir/");
        r->s = cos_list_object(o, &bucket, r->lp, &r->headers);
        break;
    }
}

/* Header lookup for the signature verifier: values copied into the pool of the check. */
typedef struct sig_ctx {
    const mini_req_t *req;
    cos_pool_t *p;
} sig_ctx_t;

static const char *sig_lookup(void *ctx, const char *name)
{
    sig_ctx_t *c = ctx;
    char v[4096];
    return mini_req_header(c->req, name, v, sizeof(v)) != NULL ? cos_psprintf(c->p, "%s", v) : NULL;
}

/* Request i was signed for what it carries (a retry is signed again, x-cos-sdk-retry included). */
static void assert_resigned(fx_t *fx, int i)
{
    const mini_req_t *req = &fx->srv.reqs[i];
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    char *path = cos_psprintf(p, "%s", req->target);
    char *query = strchr(path, '?');
    if (query != NULL) {
        *query++ = '\0';
    }
    sig_ctx_t ctx = {req, p};
    const char *authz = sig_lookup(&ctx, "Authorization");
    assert_non_null(authz);
    cosx_auth_t a;
    char why[256];
    assert_int_equal(cosx_auth_parse(authz, query, &a, why, sizeof(why)), COSX_AUTH_OK);
    cosx_verify_request_t vr = {req->method, path, query, sig_lookup, &ctx};
    if (cosx_auth_verify(&a, &vr, "faultsecret", a.start, 900, why, sizeof(why)) != COSX_AUTH_OK) {
        fail_msg("request %d: signature refused: %s", i, why);
    }
    bool retry_signed = strstr(a.header_list, "x-cos-sdk-retry") != NULL;
    cosx_auth_free(&a);
    assert_true(retry_signed == (i > 0));
    cos_pool_destroy(p);
}

/* The server saw n requests for call c: same method and target, identical bodies, each signed anew. */
static void assert_requests(fx_t *fx, call_e c, int n)
{
    static const char *const method[NCALLS] = {"PUT", "PUT", "GET", "GET", "HEAD", "GET"};
    if (fx->srv.nreqs != n) {
        fail_msg("%s: the server saw %d requests, expected %d", call_name[c], fx->srv.nreqs, n);
    }
    for (int i = 0; i < n; i++) {
        const mini_req_t *r = &fx->srv.reqs[i];
        assert_string_equal(r->method, method[c]);
        assert_string_equal(r->target, fx->srv.reqs[0].target);
        if (c == PUT_BUF || c == PUT_FILE) {
            assert_int_equal(r->body_len, DATA_LEN);
            assert_memory_equal(r->body, fx->data, DATA_LEN);
        } else {
            assert_int_equal(r->body_len, 0);
        }
        assert_resigned(fx, i);
    }
}

/* A successful call returned exactly what the server sent, and nothing partial is left behind. */
static void assert_success(fx_t *fx, call_e c, const result_t *r)
{
    if (r->s->code != 200) {
        fail_msg("%s: status %d %s %s", call_name[c], r->s->code, r->s->error_code ? r->s->error_code : "",
                 r->s->error_msg ? r->s->error_msg : "");
    }
    assert_string_equal(r->s->req_id, "ok");
    size_t len = 0;
    char *tmp = cos_psprintf(fx->p, "%s.tmp", fx->dst_path);
    switch (c) {
    case GET_BUF:
        assert_int_equal(cos_buf_list_len((cos_list_t *)&r->body), DATA_LEN);
        assert_memory_equal(cos_buf_list_content(fx->p, (cos_list_t *)&r->body), fx->data, DATA_LEN);
        break;
    case GET_FILE: {
        char *got = read_file(fx->p, fx->dst_path, &len);
        assert_non_null(got);
        assert_int_equal(len, DATA_LEN);
        assert_memory_equal(got, fx->data, DATA_LEN);
        assert_int_not_equal(access(tmp, F_OK), 0);
        break;
    }
    case HEAD:
        assert_string_equal(cos_table_get(r->headers, "ETag"), "\"e\"");
        break;
    case LIST: {
        int n = 0;
        cos_list_object_content_t *e;
        cos_list_for_each_entry(cos_list_object_content_t, e, &r->lp->object_list, node) {
            char want[16];
            snprintf(want, sizeof(want), "dir/k%02d", n++);
            assert_string_equal(e->key.data, want);
        }
        assert_int_equal(n, LIST_KEYS);
        break;
    }
    default:
        assert_string_equal(cos_table_get(r->headers, "ETag"), "\"e\"");
        break;
    }
}

/* A failed download to a file left the destination as it was and no temporary file. */
static void assert_destination_untouched(fx_t *fx, call_e c)
{
    if (c != GET_FILE) {
        return;
    }
    size_t len = 0;
    char *got = read_file(fx->p, fx->dst_path, &len);
    assert_non_null(got);
    assert_string_equal(got, OLD_CONTENT);
    assert_int_not_equal(access(cos_psprintf(fx->p, "%s.tmp", fx->dst_path), F_OK), 0);
}

/* A transport fault, the status it ends with when it never stops, and a fragment of its message. */
typedef struct fault_case {
    mini_fault_e fault;
    int bytes, ms;
    bool body_only; /* needs a response body (GET, list) */
    bool slow;      /* ends by the controller's low-speed timeout */
    int code;
    const char *msg;
} fault_case_t;

static const fault_case_t transport_faults[] = {
    {MINI_RESET_BEFORE_REPLY, 0, 0, false, false, COSE_CONNECTION_FAILED, "reset"},
    {MINI_RESET_MID_HEADERS, 0, 0, false, false, COSE_CONNECTION_FAILED, "reset"},
    {MINI_CLOSE_BEFORE_REPLY, 0, 0, false, false, COSE_CONNECTION_FAILED, "without answering"},
    {MINI_GARBAGE_STATUS, 0, 0, false, false, COSE_INTERNAL_ERROR, "malformed"},
    {MINI_RESET_MID_BODY, 0, 0, true, false, COSE_CONNECTION_FAILED, "reset"},
    {MINI_TRUNCATED_BODY, 12345, 0, true, false, COSE_CONNECTION_FAILED, "bytes remaining"},
    {MINI_STALL_BEFORE_REPLY, 0, 0, false, true, COSE_CONNECTION_FAILED, "too slow"},
    {MINI_STALL_BODY, 100, 0, true, true, COSE_CONNECTION_FAILED, "too slow"},
    {MINI_TRICKLE_BODY, 10, 100, true, true, COSE_CONNECTION_FAILED, "too slow"},
};
#define NFAULTS (sizeof(transport_faults) / sizeof(transport_faults[0]))

static const char *const fault_name[] = {
    "none", "reset before reply", "reset mid-headers", "reset mid-body", "truncated body",
    "trickled body", "stalled body", "stall before reply", "wrong Content-Length", "garbage status line",
    "close before reply", "reset mid-request", "close after reply"};

static bool applies(const fault_case_t *f, call_e c)
{
    return !f->body_only || c == GET_BUF || c == GET_FILE || c == LIST;
}

/* Slow faults cost a second or more per attempt: each call meets them in one of the next two tests only,
 * those named here in the one where every attempt fails. */
static bool slow_fails_always(const fault_case_t *f, call_e c)
{
    return f->body_only ? c == GET_FILE : (c == HEAD || c == GET_BUF);
}

/* One fault, then a good answer: the call succeeds on its first retry. */
static void test_fault_then_success(void **state)
{
    fx_t *fx = *state;
    for (size_t i = 0; i < NFAULTS; i++) {
        const fault_case_t *f = &transport_faults[i];
        for (call_e c = 0; c < NCALLS; c++) {
            if (!applies(f, c) || (f->slow && slow_fails_always(f, c))) {
                continue;
            }
            cos_pool_t *p;
            cos_pool_create(&p, NULL);
            cos_request_options_t *o = make_options(fx, p, 3);
            mini_step_t script[] = {faulty_step(fx, c, f->fault, f->bytes, f->ms), good_step(fx, c)};
            mini_http_script_steps(&fx->srv, script, 2);
            result_t r;
            run_call(fx, o, c, false, &r);
            if (r.s->code != 200) {
                fail_msg("%s / %s: status %d \"%s\" after one fault", fault_name[f->fault], call_name[c],
                         r.s->code, r.s->error_msg ? r.s->error_msg : "");
            }
            assert_success(fx, c, &r);
            assert_int_equal(o->ctl->retry_count, 1);
            assert_requests(fx, c, 2);
            if (f->slow) {
                /* cut by the client's timeout */
                assert_int_equal(mini_http_wait(&fx->srv, &fx->srv.client_gone, 1, 5000), 1);
            }
            cos_pool_destroy(p);
        }
    }
}

/* A fault on every attempt: retry_times + 1 requests, then the documented transport status. */
static void test_fault_exhausts_retries(void **state)
{
    fx_t *fx = *state;
    for (size_t i = 0; i < NFAULTS; i++) {
        const fault_case_t *f = &transport_faults[i];
        for (call_e c = 0; c < NCALLS; c++) {
            if (!applies(f, c) || (f->slow && !slow_fails_always(f, c))) {
                continue;
            }
            int retries = f->slow ? 1 : 2;
            cos_pool_t *p;
            cos_pool_create(&p, NULL);
            cos_request_options_t *o = make_options(fx, p, retries);
            mini_step_t script[] = {faulty_step(fx, c, f->fault, f->bytes, f->ms)};
            mini_http_script_steps(&fx->srv, script, 1);
            result_t r;
            run_call(fx, o, c, false, &r);
            if (r.s->code != f->code || r.s->error_msg == NULL || strstr(r.s->error_msg, f->msg) == NULL) {
                fail_msg("%s / %s: got %d %s \"%s\", expected %d and \"%s\"", fault_name[f->fault], call_name[c],
                         r.s->code, r.s->error_code ? r.s->error_code : "", r.s->error_msg ? r.s->error_msg : "",
                         f->code, f->msg);
            }
            print_message("%s / %s: %d %s\n", fault_name[f->fault], call_name[c], r.s->code, r.s->error_msg);
            assert_string_equal(r.s->error_code, "HttpIoError");
            assert_false(cos_status_is_ok(r.s));
            assert_int_equal(o->ctl->retry_count, retries);
            assert_requests(fx, c, retries + 1);
            assert_destination_untouched(fx, c);
            if (f->slow) {
                int gone = mini_http_wait(&fx->srv, &fx->srv.client_gone, retries + 1, 5000);
                assert_int_equal(gone, retries + 1);
                assert_int_equal(mini_http_wait(&fx->srv, &fx->srv.faults_done, 1, 0), 0);
            }
            cos_pool_destroy(p);
        }
    }
}

/* Bursts of 500/503 (SlowDown, ServiceUnavailable, InternalError): k <= retry_times succeeds, a longer
 * burst fails with the last answer's status, code, message and request id. */
static void test_5xx_bursts(void **state)
{
    fx_t *fx = *state;
    static const char *const kinds[][3] = {
        {"503", "SlowDown", "Please reduce your request rate."},
        {"500", "InternalError", "We encountered an internal error. Please try again."},
        {"503", "ServiceUnavailable", "Service is unavailable. Please try again."},
    };
    for (call_e c = 0; c < NCALLS; c++) {
        for (int k = 3; k <= 4; k++) {
            cos_pool_t *p;
            cos_pool_create(&p, NULL);
            cos_request_options_t *o = make_options(fx, p, 3);
            mini_step_t script[5];
            for (int i = 0; i < k; i++) {
                const char *const *e = kinds[(i + c) % 3];
                script[i] = (mini_step_t){.reply = {atoi(e[0]), cos_psprintf(p, "x-cos-request-id: burst-%d\r\n", i),
                                                    cos_psprintf(p, "<?xml version='1.0' encoding='utf-8' ?><Error>"
                                                                    "<Code>%s</Code><Message>%s</Message></Error>",
                                                                 e[1], e[2])}};
            }
            script[k] = good_step(fx, c);
            mini_http_script_steps(&fx->srv, script, k + 1);
            result_t r;
            run_call(fx, o, c, false, &r);
            if (k == 3) {
                assert_success(fx, c, &r);
                assert_requests(fx, c, 4);
            } else {
                const char *const *last = kinds[(3 + c) % 3];
                assert_int_equal(r.s->code, atoi(last[0]));
                /* HEAD answers carry no body: the code is UnknownError. */
                assert_string_equal(r.s->error_code, c == HEAD ? "UnknownError" : last[1]);
                if (c != HEAD) {
                    assert_string_equal(r.s->error_msg, last[2]);
                }
                assert_string_equal(r.s->req_id, "burst-3");
                assert_requests(fx, c, 4);
                assert_destination_untouched(fx, c);
            }
            assert_int_equal(o->ctl->retry_count, 3);
            cos_pool_destroy(p);
        }
    }
}

/* A body trickled faster than speed_limit is slow but not cut: one request, the whole body. */
static void test_trickle_within_limits(void **state)
{
    fx_t *fx = *state;
    static const call_e calls[] = {GET_BUF, GET_FILE};
    for (size_t i = 0; i < 2; i++) {
        cos_pool_t *p;
        cos_pool_create(&p, NULL);
        cos_request_options_t *o = make_options(fx, p, 3);
        mini_step_t script[] = {faulty_step(fx, calls[i], MINI_TRICKLE_BODY, 3000, 100)}; /* about 30 KB/s */
        mini_http_script_steps(&fx->srv, script, 1);
        result_t r;
        run_call(fx, o, calls[i], true, &r);
        assert_success(fx, calls[i], &r);
        assert_requests(fx, calls[i], 1);
        assert_int_equal(mini_http_wait(&fx->srv, &fx->srv.faults_done, 1, 5000), 1); /* the body ran out */
        assert_true(prog_calls >= 2); /* progress reported as the chunks came */
        assert_int_equal(prog_last, DATA_LEN);
        assert_int_equal(prog_total, DATA_LEN);
        cos_pool_destroy(p);
    }
}

/* Answers whose length is wrong are not retried: the CRC-64 or the XML parser catches them. */
static void test_wrong_length(void **state)
{
    fx_t *fx = *state;
    static const struct {
        call_e c;
        int code;
        const char *error_code;
    } cases[] = {
        {GET_BUF, COSE_CRC_INCONSISTENT_ERROR, "InconsistentError"},
        {GET_FILE, COSE_CRC_INCONSISTENT_ERROR, "InconsistentError"},
        {LIST, COSE_XML_PARSE_ERROR, "ParseXmlError"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cos_pool_t *p;
        cos_pool_create(&p, NULL);
        cos_request_options_t *o = make_options(fx, p, 3);
        mini_step_t script[] = {faulty_step(fx, cases[i].c, MINI_WRONG_LENGTH, 777, 0), good_step(fx, cases[i].c)};
        mini_http_script_steps(&fx->srv, script, 2);
        result_t r;
        run_call(fx, o, cases[i].c, false, &r);
        print_message("wrong length / %s: %d %s\n", call_name[cases[i].c], r.s->code,
                      r.s->error_msg ? r.s->error_msg : "");
        assert_int_equal(r.s->code, cases[i].code);
        assert_string_equal(r.s->error_code, cases[i].error_code);
        assert_requests(fx, cases[i].c, 1);
        assert_destination_untouched(fx, cases[i].c);
        cos_pool_destroy(p);
    }
}

/* Progress restarts with each attempt: after a retry the figures describe the attempt that succeeded. */
static void test_progress_after_retry(void **state)
{
    fx_t *fx = *state;
    static const call_e calls[] = {PUT_BUF, PUT_FILE, GET_BUF, GET_FILE};
    for (size_t i = 0; i < 4; i++) {
        cos_pool_t *p;
        cos_pool_create(&p, NULL);
        cos_request_options_t *o = make_options(fx, p, 3);
        bool get = calls[i] == GET_BUF || calls[i] == GET_FILE;
        mini_step_t script[] = {
            faulty_step(fx, calls[i], get ? MINI_RESET_MID_BODY : MINI_RESET_BEFORE_REPLY, 20000, 0),
            good_step(fx, calls[i])};
        mini_http_script_steps(&fx->srv, script, 2);
        result_t r;
        run_call(fx, o, calls[i], true, &r);
        assert_success(fx, calls[i], &r);
        assert_int_equal(prog_last, DATA_LEN);
        assert_int_equal(prog_total, DATA_LEN);
        cos_pool_destroy(p);
    }
}

/* An upload cut while the server reads its body is sent again from the first byte. */
static void test_upload_interrupted(void **state)
{
    fx_t *fx = *state;
    for (call_e c = PUT_BUF; c <= PUT_FILE; c++) {
        cos_pool_t *p;
        cos_pool_create(&p, NULL);
        cos_request_options_t *o = make_options(fx, p, 2);
        mini_step_t script[] = {faulty_step(fx, c, MINI_RESET_MID_REQUEST, 5000, 0), good_step(fx, c)};
        mini_http_script_steps(&fx->srv, script, 2);
        result_t r;
        run_call(fx, o, c, true, &r);
        assert_success(fx, c, &r);
        assert_int_equal(fx->srv.nreqs, 2);
        assert_int_equal(fx->srv.reqs[0].body_len, 5000); /* the server read 5000 bytes, then reset */
        assert_memory_equal(fx->srv.reqs[0].body, fx->data, 5000);
        assert_int_equal(fx->srv.reqs[1].body_len, DATA_LEN);
        assert_memory_equal(fx->srv.reqs[1].body, fx->data, DATA_LEN);
        assert_resigned(fx, 1);
        assert_int_equal(prog_last, DATA_LEN);

        /* Cut every time: the transport status after retry_times + 1 attempts. */
        mini_http_script_steps(&fx->srv, script, 1);
        run_call(fx, o, c, false, &r);
        assert_int_equal(r.s->code, COSE_CONNECTION_FAILED);
        assert_string_equal(r.s->error_code, "HttpIoError");
        assert_non_null(strstr(r.s->error_msg, "lost while"));
        assert_int_equal(fx->srv.nreqs, 3);
        cos_pool_destroy(p);
    }
}

/* Keep-alive: a connection the server closed after its answer, or reset when reused, costs no failed
 * call; libcurl opens a new connection (a dead idle one is detected before use). */
static void test_keepalive_dropped(void **state)
{
    fx_t *fx = *state;
    fx->srv.close_each = false;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(fx, p, 0); /* no libcos retries: any failure would show */
    mini_step_t closed[] = {faulty_step(fx, HEAD, MINI_CLOSE_AFTER_REPLY, 0, 0), good_step(fx, HEAD)};
    mini_http_script_steps(&fx->srv, closed, 2);
    result_t r;
    for (int i = 0; i < 2; i++) {
        run_call(fx, o, HEAD, false, &r);
        assert_success(fx, HEAD, &r);
    }
    assert_int_equal(fx->srv.nreqs, 2);
    assert_int_equal(fx->srv.connections, 2);

    /* The server resets a reused connection on the next request: libcurl resends it once, anew. */
    mini_step_t reused[] = {good_step(fx, HEAD), faulty_step(fx, HEAD, MINI_RESET_BEFORE_REPLY, 0, 0),
                            good_step(fx, HEAD)};
    mini_http_script_steps(&fx->srv, reused, 3);
    run_call(fx, o, HEAD, false, &r);
    assert_success(fx, HEAD, &r);
    run_call(fx, o, HEAD, false, &r);
    assert_success(fx, HEAD, &r);
    assert_int_equal(fx->srv.nreqs, 3);
    assert_int_equal(o->ctl->retry_count, 0);
    cos_pool_destroy(p);
    fx->srv.close_each = true;
}

/* connect_timeout bounds a connection that is never accepted: a listener whose accept queue is full
 * drops further SYNs. */
static void test_connect_timeout(void **state)
{
    fx_t *fx = *state;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(lfd, 0), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
    int fill[4]; /* fill the queue: further connections are not answered */
    for (int i = 0; i < 4; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(fill[i], (struct sockaddr *)&a, sizeof(a));
    }
    usleep(100000);
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(fx, p, 1);
    cos_set_request_route(o->ctl, "127.0.0.1", ntohs(a.sin_port));
    o->ctl->options->connect_timeout = 1;
    result_t r;
    run_call(fx, o, HEAD, false, &r);
    print_message("connect: %d %s\n", r.s->code, r.s->error_msg);
    assert_int_equal(r.s->code, COSE_CONNECTION_FAILED);
    assert_string_equal(r.s->error_code, "HttpIoError");
    assert_non_null(strstr(r.s->error_msg, "timed out"));
    assert_int_equal(o->ctl->retry_count, 1);
    cos_pool_destroy(p);
    for (int i = 0; i < 4; i++) {
        close(fill[i]);
    }
    close(lfd);
}

/* A 5xx page from something in front of COS (a proxy, a load balancer) is retried like any 5xx; if it
 * persists, the status shows the start of that page. */
static void test_foreign_error_page(void **state)
{
    fx_t *fx = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(fx, p, 2);
    mini_step_t script[] = {
        {.reply = {502, "Content-Type: text/html\r\n",
                   "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>upstream gone</body></html>"}},
        good_step(fx, GET_BUF)};
    mini_http_script_steps(&fx->srv, script, 2);
    result_t r;
    run_call(fx, o, GET_BUF, false, &r);
    assert_success(fx, GET_BUF, &r);
    assert_requests(fx, GET_BUF, 2);

    mini_http_script_steps(&fx->srv, script, 1);
    run_call(fx, o, LIST, false, &r);
    assert_int_equal(r.s->code, 502);
    assert_string_equal(r.s->error_code, "UnknownError");
    assert_string_equal(r.s->error_msg, "HTTP 502 answer without a COS error body: <html>  <head><title>502 Bad "
                                        "Gateway</title></head>  <body>upstream gone</body></html>");
    assert_requests(fx, LIST, 3);
    cos_pool_destroy(p);
}

/* A server that stops reading an upload: once the socket buffers are full nothing moves, and the
 * low-speed limit ends the attempt. */
static void test_upload_stalled(void **state)
{
    fx_t *fx = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(fx, p, 0);
    mini_step_t script[] = {{.reply = {200, NULL, NULL}, .fault = MINI_STALL_READING, .fault_bytes = 1000}};
    mini_http_script_steps(&fx->srv, script, 1);
    cos_list_t body; /* 24 MB, more than the loopback socket buffers hold */
    cos_list_init(&body);
    for (int i = 0; i < 800; i++) {
        cos_list_add_tail(&cos_buf_pack(p, fx->data, DATA_LEN)->node, &body);
    }
    cos_string_t bucket, key;
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "big-upload.bin");
    cos_status_t *s = cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL);
    assert_int_equal(s->code, COSE_CONNECTION_FAILED);
    assert_string_equal(s->error_code, "HttpIoError");
    assert_non_null(strstr(s->error_msg, "too slow"));
    /* The call came back on its own: the server was still stalling (it never saw the client go). */
    assert_int_equal(mini_http_wait(&fx->srv, &fx->srv.faults_done, 1, 0), 0);
    mini_http_release(&fx->srv);
    assert_int_equal(mini_http_wait(&fx->srv, &fx->srv.faults_done, 1, 5000), 1);
    assert_int_equal(fx->srv.nreqs, 1);
    assert_int_equal(fx->srv.reqs[0].body_len, 1000);
    assert_memory_equal(fx->srv.reqs[0].body, fx->data, 1000);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_then_success),
        cmocka_unit_test(test_fault_exhausts_retries),
        cmocka_unit_test(test_5xx_bursts),
        cmocka_unit_test(test_trickle_within_limits),
        cmocka_unit_test(test_wrong_length),
        cmocka_unit_test(test_progress_after_retry),
        cmocka_unit_test(test_upload_interrupted),
        cmocka_unit_test(test_upload_stalled),
        cmocka_unit_test(test_keepalive_dropped),
        cmocka_unit_test(test_connect_timeout),
        cmocka_unit_test(test_foreign_error_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
