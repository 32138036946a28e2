/* Integration tests of the libcos resumable transfers against a real cosd: 100 MiB of random data up
 * and down with 1 and 8 threads (SHA-256 equal), progress reports, an upload killed mid-way (a child
 * process) resumed sending only the missing parts (counted by a relaying front server), a source changed
 * between runs restarting cleanly, no upload left behind after success or a failure, and the caller's
 * headers and query parameters on the requests they belong to (seen by the relay). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosd_harness.h"
#include "cosx_digest.h"
#include "mini_http.h"

#define MIB (1024 * 1024)

static cosd_harness_t H;
static char endpoint[128];
static const char *self_exe;

static int setup(void **state)
{
    (void)state;
    cos_log_set_level(COS_LOG_OFF);
    if (cos_http_io_initialize("integration", 0) != COSE_OK || cosd_harness_start(&H, NULL) != 0) {
        return -1;
    }
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", H.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cosd_harness_stop(&H);
    cos_http_io_deinitialize();
    return 0;
}

static cos_request_options_t *opts_for(cos_pool_t *p, const char *ep, const char *id, const char *key)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, ep);
    cos_str_set(&o->config->access_key_id, id);
    cos_str_set(&o->config->access_key_secret, key);
    cos_str_set(&o->config->appid, "1250000000");
    o->ctl = cos_http_controller_create(o->pool, 0);
    return o;
}

static cos_request_options_t *opts(cos_pool_t *p)
{
    return opts_for(p, endpoint, H.secret_id, H.secret_key);
}

#define ASSERT_STATUS(s, want)                                                                          \
    do {                                                                                                \
        cos_status_t *s_ = (s);                                                                         \
        if (s_->code != (want)) {                                                                       \
            fail_msg("status %d (%s: %s), wanted %d", s_->code, s_->error_code ? s_->error_code : "-",  \
                     s_->error_msg ? s_->error_msg : "-", (want));                                      \
        }                                                                                               \
    } while (0)

static void write_random_file(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    unsigned char *buf = malloc(MIB);
    for (size_t done = 0; done < n;) {
        size_t k = n - done < MIB ? n - done : MIB;
        assert_true(cosx_random_bytes(buf, k));
        assert_int_equal(fwrite(buf, 1, k, f), k);
        done += k;
    }
    free(buf);
    fclose(f);
}

static void file_sha256(const char *path, unsigned char out[32])
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    cosx_digest_t *d = cosx_digest_new(COSX_DIGEST_SHA256);
    unsigned char *buf = malloc(MIB);
    size_t k;
    while ((k = fread(buf, 1, MIB, f)) > 0) {
        cosx_digest_update(d, buf, k);
    }
    free(buf);
    fclose(f);
    cosx_digest_final(d, out);
    cosx_digest_free(d);
}

static int count_uploads(cos_request_options_t *o, const cos_string_t *bucket)
{
    cos_list_multipart_upload_params_t *lp = cos_create_list_multipart_upload_params(o->pool);
    ASSERT_STATUS(cos_list_multipart_upload(o, bucket, lp, NULL), 200);
    int n = 0;
    cos_list_multipart_upload_content_t *c;
    cos_list_for_each_entry(cos_list_multipart_upload_content_t, c, &lp->upload_list, node) {
        n++;
    }
    return n;
}

typedef struct {
    int calls;
    int64_t first;
    int64_t last;
    int64_t total;
    int monotonic;
} progress_t;

/* The callback has no user data pointer: tests run one transfer at a time on this thread. */
static progress_t prog;

static void on_progress(int64_t done, int64_t total)
{
    if (prog.calls == 0) {
        prog.first = done;
    } else if (done < prog.last) {
        prog.monotonic = 0;
    }
    prog.calls++;
    prog.last = done;
    prog.total = total;
}

static void on_progress_ud(int64_t done, int64_t total, void *ud)
{
    progress_t *pr = ud;
    if (done < pr->last) {
        pr->monotonic = 0;
    }
    pr->calls++;
    pr->last = done;
    pr->total = total;
}

static void reset_progress(void)
{
    memset(&prog, 0, sizeof(prog));
    prog.monotonic = 1;
}

static void round_trip(int threads)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, src, dst;
    cos_str_set(&bucket, threads == 1 ? "rs-one" : "rs-eight");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "data/100m.bin");
    char *in = cos_psprintf(p, "%s/rs_in_%d", H.data_dir, threads);
    char *out = cos_psprintf(p, "%s/rs_out_%d", H.data_dir, threads);
    size_t n = 100 * MIB + 777;
    write_random_file(in, n);
    cos_str_set(&src, in);
    cos_str_set(&dst, out);
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, 4 * MIB, threads, COS_FALSE, NULL);
    reset_progress();
    cos_table_t *rh = NULL;
    ASSERT_STATUS(cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, on_progress, &rh, NULL), 200);
    assert_non_null(rh);
    assert_int_equal(prog.calls, 26);
    assert_int_equal(prog.last, (int64_t)n);
    assert_int_equal(prog.total, (int64_t)n);
    assert_true(prog.monotonic);
    assert_int_equal(count_uploads(o, &bucket), 0);

    progress_t dl = {0, 0, 0, 0, 1};
    ASSERT_STATUS(cos_resumable_download_file_with_data(o, &bucket, &key, &dst, NULL, NULL, cp, on_progress_ud, &dl),
                  200);
    assert_int_equal(dl.calls, 26);
    assert_int_equal(dl.last, (int64_t)n);
    assert_int_equal(dl.total, (int64_t)n);
    assert_true(dl.monotonic);
    unsigned char a[32], b[32];
    file_sha256(in, a);
    file_sha256(out, b);
    assert_memory_equal(a, b, 32);
    struct stat st;
    assert_int_equal(stat(cos_psprintf(p, "%s.tmp", out), &st), -1);
    unlink(in);
    unlink(out);
    cos_pool_destroy(p);
}

static void test_round_trip_1_thread(void **state)
{
    (void)state;
    round_trip(1);
}

static void test_round_trip_8_threads(void **state)
{
    (void)state;
    round_trip(8);
}

/* Runs this program in child mode: uploads argv file with a checkpoint and is killed (SIGKILL) after
 * 3 parts. Returns the exit status, or 128 + the signal. */
static int run_child_mode(const char *file, const char *cp, const char *mode)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(self_exe, self_exe, "--child", endpoint, H.secret_id, H.secret_key, file, cp, mode, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

static int run_child(const char *file, const char *cp)
{
    return run_child_mode(file, cp, "up");
}

static void child_progress(int64_t done, int64_t total)
{
    (void)total;
    if (done >= 3 * MIB) {
        raise(SIGKILL); /* killed mid-way: the journal holds the parts finished so far */
    }
}

static int child_main(char **argv)
{
    cos_log_set_level(COS_LOG_OFF);
    if (cos_http_io_initialize(NULL, 0) != COSE_OK) {
        return 2;
    }
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts_for(p, argv[2], argv[3], argv[4]);
    cos_string_t bucket, key, src;
    cos_str_set(&bucket, "rs-resume");
    cos_str_set(&key, "resumed.bin");
    cos_str_set(&src, argv[5]);
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, MIB, 1, COS_TRUE, argv[6]);
    cos_status_t *s;
    if (strcmp(argv[7], "down") == 0) {
        /* 4 MiB parts: dies after the first. */
        s = cos_resumable_download_file(o, &bucket, &key, &src, NULL, NULL, cp, child_progress);
    } else {
        s = cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, child_progress, NULL, NULL);
    }
    return cos_status_is_ok(s) ? 0 : 3;
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    int n = 0, c;
    while ((c = fgetc(f)) != EOF) {
        n += c == '\n';
    }
    fclose(f);
    return n;
}

static void test_kill_and_resume(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, src, dst;
    cos_str_set(&bucket, "rs-resume");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "resumed.bin");
    char *in = cos_psprintf(p, "%s/resume_src", H.data_dir);
    char *cpf = cos_psprintf(p, "%s/resume_src.cp", H.data_dir);
    size_t n = 8 * MIB + 100;
    write_random_file(in, n);
    unlink(cpf);
    assert_int_equal(run_child(in, cpf), 128 + SIGKILL);
    int finished = count_lines(cpf) - 1; /* header + one line per finished part */
    assert_true(finished >= 3 && finished < 9);
    assert_int_equal(count_uploads(o, &bucket), 1);

    /* Resume through a relaying front server that records the requests. */
    mini_http_t front;
    assert_int_equal(mini_http_start(&front), 0);
    front.upstream_port = H.port;
    mini_reply_t relay[] = {{0, NULL, NULL}};
    mini_http_script(&front, relay, 1);
    cos_request_options_t *via = opts(p);
    cos_set_request_route(via->ctl, "127.0.0.1", front.port);
    cos_str_set(&src, in);
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, MIB, 1, COS_TRUE, cpf);
    reset_progress();
    ASSERT_STATUS(cos_resumable_upload_file(via, &bucket, &key, &src, NULL, NULL, cp, on_progress, NULL, NULL), 200);
    int puts = 0;
    for (int i = 0; i < front.nreqs; i++) {
        puts += strcmp(front.reqs[i].method, "PUT") == 0;
        assert_null(strstr(front.reqs[i].target, "uploads")); /* no new upload started */
    }
    mini_http_stop(&front);
    assert_int_equal(puts, 9 - finished);
    assert_int_equal(prog.first, (int64_t)(finished + 1) * MIB); /* earlier parts included */
    assert_int_equal(prog.calls, 9 - finished);
    assert_int_equal(prog.last, (int64_t)n);
    assert_int_equal(access(cpf, F_OK), -1); /* journal removed after success */
    assert_int_equal(count_uploads(o, &bucket), 0);

    char *out = cos_psprintf(p, "%s/resume_out", H.data_dir);
    cos_str_set(&dst, out);
    cos_resumable_clt_params_t *dp = cos_create_resumable_clt_params_content(p, 0, 3, COS_FALSE, NULL);
    ASSERT_STATUS(cos_resumable_download_file(o, &bucket, &key, &dst, NULL, NULL, dp, NULL), 200);
    unsigned char a[32], b[32];
    file_sha256(in, a);
    file_sha256(out, b);
    assert_memory_equal(a, b, 32);

    /* A download killed after its first 4 MiB part resumes with the two missing ranges only. */
    char *out2 = cos_psprintf(p, "%s/resume_out2", H.data_dir);
    char *dcp = cos_psprintf(p, "%s.cp", out2);
    assert_int_equal(run_child_mode(out2, dcp, "down"), 128 + SIGKILL);
    assert_int_equal(count_lines(dcp), 2);
    assert_int_equal(access(out2, F_OK), -1);
    assert_int_equal(mini_http_start(&front), 0);
    front.upstream_port = H.port;
    mini_http_script(&front, relay, 1);
    cos_set_request_route(via->ctl, "127.0.0.1", front.port);
    cos_resumable_clt_params_t *dcpp = cos_create_resumable_clt_params_content(p, 0, 1, COS_TRUE, NULL);
    cos_string_t dst2;
    cos_str_set(&dst2, out2);
    reset_progress();
    ASSERT_STATUS(cos_resumable_download_file(via, &bucket, &key, &dst2, NULL, NULL, dcpp, on_progress), 200);
    int gets = 0;
    for (int i = 0; i < front.nreqs; i++) {
        gets += strcmp(front.reqs[i].method, "GET") == 0;
    }
    mini_http_stop(&front);
    assert_int_equal(gets, 2);
    assert_int_equal(prog.first, 8 * MIB);
    assert_int_equal(prog.calls, 2);
    assert_int_equal(access(dcp, F_OK), -1);
    file_sha256(out2, b);
    assert_memory_equal(a, b, 32);
    unlink(out2);

    /* Killed again, then the source changes (same size): the rerun starts over and the old upload is
     * aborted. */
    assert_int_equal(run_child(in, cpf), 128 + SIGKILL);
    assert_int_equal(count_uploads(o, &bucket), 1);
    write_random_file(in, n);
    struct timespec ts[2] = {{0, UTIME_NOW}, {1, 0}};
    assert_int_equal(utimensat(AT_FDCWD, in, ts, 0), 0); /* a different mtime for sure */
    reset_progress();
    ASSERT_STATUS(cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, on_progress, NULL, NULL), 200);
    assert_int_equal(prog.first, MIB);
    assert_int_equal(prog.calls, 9);
    assert_int_equal(count_uploads(o, &bucket), 0);
    ASSERT_STATUS(cos_resumable_download_file(o, &bucket, &key, &dst, NULL, NULL, dp, NULL), 200);
    file_sha256(in, a);
    file_sha256(out, b);
    assert_memory_equal(a, b, 32);
    unlink(in);
    unlink(out);
    cos_pool_destroy(p);
}

/* Whether the recorded request's target carries the query parameter name=value. */
static bool target_has(const mini_req_t *r, const char *name_value)
{
    const char *q = strchr(r->target, '?');
    size_t n = strlen(name_value);
    for (const char *at = q; at != NULL; at = strchr(at + 1, '&')) {
        if (strncmp(at + 1, name_value, n) == 0 && (at[1 + n] == '&' || at[1 + n] == '\0')) {
            return true;
        }
    }
    return false;
}

static void test_headers_and_params(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, src, dst;
    cos_str_set(&bucket, "rs-meta");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "meta/file.bin");
    char *in = cos_psprintf(p, "%s/meta_src", H.data_dir);
    char *out = cos_psprintf(p, "%s/meta_out", H.data_dir);
    size_t n = 3 * MIB + 10;
    write_random_file(in, n);
    cos_str_set(&src, in);
    cos_str_set(&dst, out);
    mini_http_t front;
    assert_int_equal(mini_http_start(&front), 0);
    front.upstream_port = H.port;
    mini_reply_t relay[] = {{0, NULL, NULL}};
    mini_http_script(&front, relay, 1);
    cos_request_options_t *via = opts(p);
    cos_set_request_route(via->ctl, "127.0.0.1", front.port);

    /* Upload: object headers on the Initiate, the per-request ones on every part as well, the query
     * parameters on every request; the caller's tables are left as they were. */
    cos_table_t *headers = cos_table_make(p, 4);
    cos_table_add(headers, "Content-Type", "text/x-resumable");
    cos_table_add(headers, "x-cos-meta-origin", "resumable-test");
    cos_table_add(headers, "x-cos-traffic-limit", "838860800");
    cos_table_t *params = cos_table_make(p, 1);
    cos_table_add(params, "x-test-tag", "run-1");
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, MIB, 2, COS_FALSE, NULL);
    ASSERT_STATUS(cos_resumable_upload_file(via, &bucket, &key, &src, headers, params, cp, NULL, NULL, NULL), 200);
    int inits = 0, parts = 0, completes = 0;
    char v[128];
    for (int i = 0; i < front.nreqs; i++) {
        const mini_req_t *r = &front.reqs[i];
        assert_true(target_has(r, "x-test-tag=run-1"));
        if (strcmp(r->method, "POST") == 0 && target_has(r, "uploads")) {
            inits++;
            assert_string_equal(mini_req_header(r, "x-cos-meta-origin", v, sizeof(v)), "resumable-test");
            assert_string_equal(mini_req_header(r, "Content-Type", v, sizeof(v)), "text/x-resumable");
        } else if (strcmp(r->method, "PUT") == 0) {
            parts++;
            assert_string_equal(mini_req_header(r, "x-cos-traffic-limit", v, sizeof(v)), "838860800");
            assert_null(mini_req_header(r, "x-cos-meta-origin", v, sizeof(v)));
        } else {
            completes += strcmp(r->method, "POST") == 0;
        }
    }
    assert_int_equal(inits, 1);
    assert_int_equal(parts, 4);
    assert_int_equal(completes, 1);
    assert_int_equal(cos_table_elts(headers)->nelts, 3);
    assert_int_equal(cos_table_elts(params)->nelts, 1);
    cos_table_t *rh = NULL;
    ASSERT_STATUS(cos_head_object(o, &bucket, &key, NULL, &rh), 200);
    assert_string_equal(cos_table_get(rh, "Content-Type"), "text/x-resumable");
    assert_string_equal(cos_table_get(rh, "x-cos-meta-origin"), "resumable-test");

    /* Download: headers and query parameters on the HEAD and on every ranged GET. */
    mini_http_script(&front, relay, 1);
    cos_table_t *dh = cos_table_make(p, 1);
    cos_table_add(dh, "x-cos-traffic-limit", "838860800");
    cos_table_t *dq = cos_table_make(p, 1);
    cos_table_add(dq, "response-content-type", "application/x-test");
    ASSERT_STATUS(cos_resumable_download_file(via, &bucket, &key, &dst, dh, dq, cp, NULL), 200);
    int gets = 0;
    for (int i = 0; i < front.nreqs; i++) {
        const mini_req_t *r = &front.reqs[i];
        gets += strcmp(r->method, "GET") == 0;
        assert_true(target_has(r, "response-content-type=application%2Fx-test"));
        assert_string_equal(mini_req_header(r, "x-cos-traffic-limit", v, sizeof(v)), "838860800");
    }
    assert_int_equal(gets, 1); /* 4 MiB download parts at least: one range */
    assert_int_equal(front.nreqs, 2);
    mini_http_stop(&front);
    unsigned char a[32], b[32];
    file_sha256(in, a);
    file_sha256(out, b);
    assert_memory_equal(a, b, 32);
    unlink(in);
    unlink(out);
    cos_pool_destroy(p);
}

static void test_failures(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, src, dst;
    cos_str_set(&bucket, "rs-missing");
    cos_str_set(&key, "x.bin");
    char *in = cos_psprintf(p, "%s/fail_src", H.data_dir);
    write_random_file(in, 2 * MIB);
    cos_str_set(&src, in);
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, MIB, 2, COS_FALSE, NULL);
    cos_status_t *s = cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, NULL, NULL, NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchBucket");
    s = cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, NULL, NULL, NULL, NULL);
    ASSERT_STATUS(s, COSE_INVALID_ARGUMENT);
    cos_str_set(&src, "/nonexistent/file");
    s = cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, NULL, NULL, NULL);
    assert_true(s->code < 0);
    assert_string_equal(s->error_code, "OpenFileFail");

    /* Download of a missing object: error, no file and no temporary file. */
    cos_str_set(&bucket, "rs-dl");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    char *out = cos_psprintf(p, "%s/fail_out", H.data_dir);
    cos_str_set(&dst, out);
    s = cos_resumable_download_file(o, &bucket, &key, &dst, NULL, NULL, cp, NULL);
    ASSERT_STATUS(s, 404);
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(access(cos_psprintf(p, "%s.tmp", out), F_OK), -1);

    /* Empty file both ways. */
    char *empty = cos_psprintf(p, "%s/empty_src", H.data_dir);
    write_random_file(empty, 0);
    cos_str_set(&src, empty);
    cos_str_set(&key, "empty.bin");
    ASSERT_STATUS(cos_resumable_upload_file(o, &bucket, &key, &src, NULL, NULL, cp, NULL, NULL, NULL), 200);
    ASSERT_STATUS(cos_resumable_download_file(o, &bucket, &key, &dst, NULL, NULL, cp, NULL), 200);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_size, 0);
    unlink(in);
    unlink(out);
    unlink(empty);
    cos_pool_destroy(p);
}

int main(int argc, char **argv)
{
    if (argc == 8 && strcmp(argv[1], "--child") == 0) {
        return child_main(argv);
    }
    self_exe = argv[0];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_1_thread),
        cmocka_unit_test(test_round_trip_8_threads),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_headers_and_params),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
