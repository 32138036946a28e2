/* Load and durability tests of cosd's CI audio moderation jobs: 20 jobs submitted at once all
 * complete, and a kill -9 while jobs are Auditing loses none of them (they finish after the
 * restart, their callbacks are delivered, earlier results and clips stay queryable). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ci_util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct submitter {
    fixture_t *fx;
    int i;
    char job[40];
    long status;
} submitter_t;

static void *submit_one(void *arg)
{
    submitter_t *s = arg;
    char xml[256];
    snprintf(xml, sizeof xml,
             "<Request><Input><Object>many/ads.wav</Object><DataId>many-%d</DataId></Input>"
             "<Conf/></Request>",
             s->i);
    const char *hdrs[] = {"Content-Type: application/xml", NULL};
    tc_req_t rq = {.method = "POST",
                   .key = "audio/auditing",
                   .host_override = CIHOST,
                   .headers = hdrs,
                   .body = xml,
                   .body_len = strlen(xml)};
    tc_resp_t rs;
    if (tc_do(&s->fx->h, &rq, &rs) == 0) {
        s->status = rs.status;
        tc_xml(&rs, "JobId", s->job, sizeof s->job);
    }
    tc_resp_free(&rs);
    return NULL;
}

static void test_twenty_concurrent(void **state)
{
    fixture_t *fx = *state;
    put_object(fx, "many/ads.wav", fx->shortc, fx->shortc_len, NULL);
    submitter_t s[20];
    pthread_t t[20];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 20; i++) {
        s[i] = (submitter_t){.fx = fx, .i = i};
        pthread_create(&t[i], NULL, submit_one, &s[i]);
    }
    for (int i = 0; i < 20; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(s[i].status, 200);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(s[i].job, s[k].job);
    }
    for (int i = 0; i < 20; i++) {
        tc_resp_t rs;
        char v[64], want[32];
        wait_job(fx, s[i].job, 180, &rs);
        assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Success");
        assert_string_equal(tc_xml(&rs, "Label", v, sizeof v), "Ads");
        snprintf(want, sizeof want, "many-%d", i);
        assert_string_equal(tc_xml(&rs, "DataId", v, sizeof v), want);
        tc_resp_free(&rs);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("20 concurrent jobs (2 workers, %zu-byte WAV each): %.1f s\n", fx->shortc_len,
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
}

static void test_restart_kill9(void **state)
{
    fixture_t *fx = *state;
    /* a finished job with section clips, queried again after the restart */
    put_object(fx, "rs/mixed.wav", fx->mixed, fx->mixed_len, NULL);
    submit(fx,
           "<Request><Input><Object>rs/mixed.wav</Object><DataId>123-fdrsg-123</DataId></Input>"
           "<Conf/></Request>",
           fx->round_trip_job);
    tc_resp_t done;
    wait_job(fx, fx->round_trip_job, 60, &done);
    tc_resp_free(&done);
    put_object(fx, "rs/ads.wav", fx->ads, fx->ads_len, NULL);
    char jobs[6][40], xml[512];
    for (int i = 0; i < 6; i++) {
        snprintf(xml, sizeof xml,
                 "<Request><Input><Object>rs/ads.wav</Object><DataId>rs-%d</DataId></Input>"
                 "<Conf><Callback>http://127.0.0.1:%d/cb-restart</Callback></Conf></Request>",
                 i, fx->rcv.port);
        submit(fx, xml, jobs[i]);
    }
    /* kill -9 once a job is being moderated */
    bool auditing = false;
    for (int i = 0; i < 300 && !auditing; i++) {
        for (int k = 0; k < 6 && !auditing; k++) {
            tc_resp_t rs;
            char v[32];
            ci_get(fx, jobs[k], &rs);
            auditing = !strcmp(tc_xml(&rs, "State", v, sizeof v), "Auditing");
            tc_resp_free(&rs);
        }
        if (!auditing)
            usleep(20 * 1000);
    }
    assert_true(auditing);
    assert_int_equal(cosd_harness_restart(&fx->h, true), 0);
    for (int i = 0; i < 6; i++) {
        tc_resp_t rs;
        char v[64];
        wait_job(fx, jobs[i], 120, &rs);
        assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Success");
        tc_resp_free(&rs);
    }
    for (int i = 0; i < 6; i++)
        assert_true(ci_receiver_wait(&fx->rcv, jobs[i], 1, 30) >= 1);
    /* results of earlier runs are still there, clips included */
    {
        tc_resp_t rs;
        char v[64];
        ci_get(fx, fx->round_trip_job, &rs);
        assert_int_equal(rs.status, 200);
        assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Success");
        assert_string_equal(tc_xml(&rs, "DataId", v, sizeof v), "123-fdrsg-123");
        assert_int_equal(tc_count(&rs, "Section"), 2);
        char url[2048];
        tc_xml(&rs, "Url", url, sizeof url);
        /* the XML escapes & in the URL */
        cosx_buf_t u = COSX_BUF_INIT;
        for (const char *p = url; *p; p++) {
            if (!strncmp(p, "&amp;", 5)) {
                cosx_buf_putc(&u, '&');
                p += 4;
            } else {
                cosx_buf_putc(&u, *p);
            }
        }
        cosx_buf_t clip = COSX_BUF_INIT;
        char ctype[64];
        assert_int_equal(fetch_url(fx, cosx_buf_str(&u), &clip, ctype, sizeof ctype), 200);
        assert_memory_equal(clip.data, "RIFF", 4);
        cosx_buf_free(&clip);
        cosx_buf_free(&u);
        tc_resp_free(&rs);
    }
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_twenty_concurrent),
        cmocka_unit_test(test_restart_kill9),
    };
    int rc = cmocka_run_group_tests(tests, ci_setup, ci_teardown);
    curl_global_cleanup();
    return rc;
}
