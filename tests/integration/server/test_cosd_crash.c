/* Crash and concurrency tests of cosd's storage: kill -9 during a stream of PUTs, restart, and
 * check that every acknowledged object reads back with its MD5, listings show no missing blob and
 * no blob file leaked; concurrent PUTs of one key leave one intact winner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_client.h"
#include "cosd_mp_util.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CRASH_BUCKET   "crash-1250000000"
#define WRITERS  4
#define KEYS_PER 16

typedef struct key_state {
    char acked[33];    /* MD5 hex of the last acknowledged PUT, "" if none */
    char inflight[33]; /* MD5 hex of an unacknowledged PUT, "" if none */
} key_state_t;

typedef struct writer {
    cosd_harness_t *h;
    int id;
    unsigned seed;
    key_state_t keys[KEYS_PER];
    atomic_bool *stop;
    int acked;
} writer_t;

static void key_name(int writer, int k, char *out, size_t cap)
{
    snprintf(out, cap, "w%d/key-%02d", writer, k);
}

static size_t make_body(unsigned *seed, char **out)
{
    size_t n = 1 + (size_t)(rand_r(seed) % (384 * 1024));
    char *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (char)rand_r(seed);
    *out = b;
    return n;
}

static void md5_hex(const void *p, size_t n, char out[33])
{
    unsigned char m[16];
    cosx_md5(p, n, m);
    cosx_hex_encode(m, 16, out);
}

static void *writer_main(void *arg)
{
    writer_t *w = arg;
    while (!atomic_load(w->stop)) {
        int k = rand_r(&w->seed) % KEYS_PER;
        char key[64];
        key_name(w->id, k, key, sizeof key);
        char *body;
        size_t n = make_body(&w->seed, &body);
        md5_hex(body, n, w->keys[k].inflight);
        tc_req_t rq = {.method = "PUT", .bucket = CRASH_BUCKET, .key = key, .body = body, .body_len = n};
        tc_resp_t rs;
        int rc = tc_do(w->h, &rq, &rs);
        long st = rs.status;
        tc_resp_free(&rs);
        free(body);
        if (rc != 0 || st != 200)
            break; /* the server died under us: the PUT stays "in flight" */
        memcpy(w->keys[k].acked, w->keys[k].inflight, 33);
        w->keys[k].inflight[0] = 0;
        w->acked++;
    }
    return NULL;
}

/* Every listed key of bucket can be read and matches its listed size; returns how many are listed.
 */
static int check_listing_bucket(cosd_harness_t *h, const char *bucket)
{
    tc_req_t rq = {.method = "GET", .bucket = bucket};
    tc_resp_t rs;
    assert_int_equal(tc_do(h, &rq, &rs), 0);
    assert_int_equal(rs.status, 200);
    int n = 0;
    const char *p = cosx_buf_str(&rs.body);
    while ((p = strstr(p, "<Key>"))) {
        p += 5;
        const char *e = strstr(p, "</Key>");
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(e - p), p);
        const char *sz = strstr(e, "<Size>") + 6;
        long size = atol(sz);
        tc_req_t g = {.method = "GET", .bucket = bucket, .key = key};
        tc_resp_t gr;
        tc_do(h, &g, &gr);
        assert_int_equal(gr.status, 200);
        assert_int_equal((long)gr.body.len, size);
        tc_resp_free(&gr);
        n++;
    }
    tc_resp_free(&rs);
    return n;
}

static int check_listing(cosd_harness_t *h)
{
    return check_listing_bucket(h, CRASH_BUCKET);
}

static void check_blob_count(cosd_harness_t *h, int objects)
{
    assert_int_equal(data_file_count(h, "blobs"), objects);
    assert_int_equal(data_file_count(h, "tmp"), 0);
}

static void test_kill9_during_puts(void **state)
{
    (void)state;
    cosd_harness_t h;
    assert_int_equal(cosd_harness_start(&h, NULL), 0);
    assert_int_equal(tc_put_bucket(&h, CRASH_BUCKET), 200);
    writer_t *ws = calloc(WRITERS, sizeof *ws);
    atomic_bool stop;
    int total_acked = 0;
    for (int cycle = 0; cycle < 3; cycle++) {
        atomic_init(&stop, false);
        pthread_t th[WRITERS];
        /* Writers use a copy: the restart rewrites h while they run (the port stays the same). */
        cosd_harness_t snapshot = h;
        for (int i = 0; i < WRITERS; i++) {
            ws[i].h = &snapshot;
            ws[i].id = i;
            ws[i].seed = (unsigned)(cycle * 100 + i + 1);
            ws[i].stop = &stop;
            assert_int_equal(pthread_create(&th[i], NULL, writer_main, &ws[i]), 0);
        }
        usleep(400000 + cycle * 150000);
        assert_int_equal(cosd_harness_restart(&h, true), 0); /* kill -9 mid-stream, start again */
        atomic_store(&stop, true);
        for (int i = 0; i < WRITERS; i++)
            pthread_join(th[i], NULL);

        int expected_objects = 0;
        for (int i = 0; i < WRITERS; i++) {
            total_acked += ws[i].acked;
            ws[i].acked = 0;
            for (int k = 0; k < KEYS_PER; k++) {
                key_state_t *ks = &ws[i].keys[k];
                char key[64];
                key_name(i, k, key, sizeof key);
                tc_req_t g = {.method = "GET", .bucket = CRASH_BUCKET, .key = key};
                tc_resp_t gr;
                assert_int_equal(tc_do(&h, &g, &gr), 0);
                if (gr.status == 404) {
                    /* Only possible if no PUT of this key was ever acknowledged. */
                    assert_string_equal(ks->acked, "");
                } else {
                    assert_int_equal(gr.status, 200);
                    char got[33];
                    md5_hex(gr.body.data ? gr.body.data : "", gr.body.len, got);
                    bool ok = strcmp(got, ks->acked) == 0 || strcmp(got, ks->inflight) == 0;
                    if (!ok)
                        fprintf(stderr, "key %s: got %s, acked %s, in flight %s\n", key, got,
                                ks->acked, ks->inflight);
                    assert_true(ok);
                    memcpy(ks->acked, got, 33); /* what is durable now */
                    expected_objects++;
                }
                ks->inflight[0] = 0;
                tc_resp_free(&gr);
            }
        }
        int listed = check_listing(&h);
        assert_int_equal(listed, expected_objects);
        check_blob_count(&h, listed);
    }
    assert_true(total_acked > 10); /* the test did exercise the server */
    free(ws);
    cosd_harness_stop(&h);
}

typedef struct same_key {
    cosd_harness_t *h;
    int id;
    char md5[33];
    long status;
} same_key_t;

static void *same_key_main(void *arg)
{
    same_key_t *s = arg;
    size_t n = 200000 + (size_t)s->id * 1000;
    char *b = malloc(n);
    memset(b, 'A' + s->id, n);
    md5_hex(b, n, s->md5);
    tc_req_t rq = {.method = "PUT", .bucket = CRASH_BUCKET, .key = "same", .body = b, .body_len = n};
    tc_resp_t rs;
    tc_do(s->h, &rq, &rs);
    s->status = rs.status;
    tc_resp_free(&rs);
    free(b);
    return NULL;
}

static void test_concurrent_puts_one_key(void **state)
{
    (void)state;
    cosd_harness_t h;
    assert_int_equal(cosd_harness_start(&h, NULL), 0);
    assert_int_equal(tc_put_bucket(&h, CRASH_BUCKET), 200);
    for (int round = 0; round < 3; round++) {
        same_key_t s[8];
        pthread_t th[8];
        for (int i = 0; i < 8; i++) {
            s[i] = (same_key_t){.h = &h, .id = i};
            pthread_create(&th[i], NULL, same_key_main, &s[i]);
        }
        for (int i = 0; i < 8; i++) {
            pthread_join(th[i], NULL);
            assert_int_equal(s[i].status, 200);
        }
        tc_req_t g = {.method = "GET", .bucket = CRASH_BUCKET, .key = "same"};
        tc_resp_t gr;
        tc_do(&h, &g, &gr);
        assert_int_equal(gr.status, 200);
        char got[33], etag[64];
        md5_hex(gr.body.data, gr.body.len, got);
        tc_header(&gr, "ETag", etag, sizeof etag);
        bool found = false;
        for (int i = 0; i < 8; i++)
            found |= strcmp(got, s[i].md5) == 0;
        assert_true(found);
        assert_non_null(strstr(etag, got));
        tc_resp_free(&gr);
        check_blob_count(&h, 1);
    }
    cosd_harness_stop(&h);
}

typedef struct racer {
    cosd_harness_t *h;
    int id;
    int ok, nobucket;
} racer_t;

static void *racer_main(void *arg)
{
    racer_t *r = arg;
    char body[20000];
    memset(body, 'r', sizeof body);
    for (int i = 0; i < 30; i++) {
        char key[64];
        snprintf(key, sizeof key, "race/%d-%d", r->id, i);
        tc_req_t rq = {.method = "PUT",
                       .bucket = "race-1250000000",
                       .key = key,
                       .body = body,
                       .body_len = sizeof body};
        tc_resp_t rs;
        tc_do(r->h, &rq, &rs);
        if (rs.status == 200)
            r->ok++;
        else if (rs.status == 404)
            r->nobucket++;
        else
            fprintf(stderr, "racer: unexpected status %ld\n", rs.status);
        tc_resp_free(&rs);
    }
    return NULL;
}

/* PUTs racing with DELETE Bucket: each PUT is either stored (and the delete refused with
 * BucketNotEmpty) or refused with NoSuchBucket; no blob is leaked either way. */
static void test_put_vs_bucket_delete(void **state)
{
    (void)state;
    cosd_harness_t h;
    assert_int_equal(cosd_harness_start(&h, NULL), 0);
    for (int round = 0; round < 5; round++) {
        assert_int_equal(tc_put_bucket(&h, "race-1250000000"), 200);
        racer_t rs[4];
        pthread_t th[4];
        for (int i = 0; i < 4; i++) {
            rs[i] = (racer_t){.h = &h, .id = i};
            pthread_create(&th[i], NULL, racer_main, &rs[i]);
        }
        /* Delete the bucket as soon as it is empty again, or right away. */
        int deleted = 0;
        for (int tries = 0; tries < 200 && !deleted; tries++) {
            tc_req_t rq = {.method = "DELETE", .bucket = "race-1250000000"};
            tc_resp_t r;
            tc_do(&h, &rq, &r);
            assert_true(r.status == 204 || r.status == 409);
            deleted = r.status == 204;
            tc_resp_free(&r);
            if (!deleted) {
                /* Empty it with the objects stored so far. */
                tc_req_t lr = {.method = "GET", .bucket = "race-1250000000"};
                tc_resp_t l;
                tc_do(&h, &lr, &l);
                const char *p = cosx_buf_str(&l.body);
                while ((p = strstr(p, "<Key>"))) {
                    p += 5;
                    char key[128];
                    snprintf(key, sizeof key, "%.*s", (int)(strstr(p, "</Key>") - p), p);
                    tc_req_t d = {.method = "DELETE", .bucket = "race-1250000000", .key = key};
                    tc_resp_t dr;
                    tc_do(&h, &d, &dr);
                    tc_resp_free(&dr);
                }
                tc_resp_free(&l);
            }
        }
        int ok = 0, nob = 0;
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            ok += rs[i].ok;
            nob += rs[i].nobucket;
        }
        assert_int_equal(ok + nob, 4 * 30);
        if (deleted) {
            /* Stored after the delete is impossible: the bucket is gone, so is every blob. */
            tc_req_t hr = {.method = "HEAD", .bucket = "race-1250000000"};
            tc_resp_t r;
            tc_do(&h, &hr, &r);
            assert_int_equal(r.status, 404);
            tc_resp_free(&r);
            check_blob_count(&h, 0);
        } else {
            check_blob_count(&h, check_listing_bucket(&h, "race-1250000000"));
            /* Leave an empty bucket for the next round. */
        }
    }
    cosd_harness_stop(&h);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_during_puts),
        cmocka_unit_test(test_concurrent_puts_one_key),
        cmocka_unit_test(test_put_vs_bucket_delete),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
