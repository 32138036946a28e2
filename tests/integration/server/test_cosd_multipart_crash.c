/* Crash tests of cosd multipart upload: uploads in progress survive restarts (also kill -9) and the
 * startup clean-up; kill -9 at various moments around Complete leaves either the upload in progress
 * or the object complete, never a mix, and no blob lost or leaked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_mp_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_restart_keeps_uploads(void **state)
{
    (void)state;
    cosd_harness_t h;
    assert_int_equal(cosd_harness_start(&h, NULL), 0);
    assert_int_equal(tc_put_bucket(&h, BUCKET), 200);
    char id[128], etags[2][64], xml[512];
    mp_init(&h, "r", NULL, id);
    char *d = random_data(MIB + 10, 11);
    assert_int_equal(mp_part(&h, "r", id, 1, d, MIB, etags[0]), 200);
    assert_int_equal(cosd_harness_restart(&h, false), 0);
    assert_int_equal(mp_part(&h, "r", id, 2, d + MIB, 10, etags[1]), 200);
    assert_int_equal(cosd_harness_restart(&h, true), 0);
    assert_int_equal(blob_count(&h), 2); /* startup clean-up kept the parts */
    complete_xml(xml, sizeof xml, (int[]){1, 2}, etags, 2);
    tc_resp_t rs = mp_complete(&h, "r", id, xml);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    assert_int_equal(cosd_harness_restart(&h, true), 0);
    expect_body(&h, "r", d, MIB + 10);
    assert_int_equal(blob_count(&h), 2);
    free(d);
    cosd_harness_stop(&h);
}

typedef struct completer {
    cosd_harness_t h;
    char key[32], id[128];
    char xml[512];
    long status;
} completer_t;

static void *complete_main(void *arg)
{
    completer_t *c = arg;
    tc_req_t rq = {.method = "POST",
                   .bucket = BUCKET,
                   .key = c->key,
                   .body = c->xml,
                   .body_len = strlen(c->xml)};
    char q[200];
    snprintf(q, sizeof q, "uploadId=%s", c->id);
    rq.query = q;
    tc_resp_t rs;
    c->status = tc_do(&c->h, &rq, &rs) == 0 ? rs.status : -1;
    tc_resp_free(&rs);
    return NULL;
}

/* kill -9 at various moments around Complete: after the restart the upload is either still in
 * progress (no object) or complete (object intact, upload gone); never half of each, and no blob
 * is lost or leaked. */
static void test_kill9_around_complete(void **state)
{
    (void)state;
    cosd_harness_t h;
    assert_int_equal(cosd_harness_start(&h, NULL), 0);
    assert_int_equal(tc_put_bucket(&h, BUCKET), 200);
    int in_progress = 0, completed = 0;
    for (int round = 0; round < 12; round++) {
        completer_t c = {.h = h};
        snprintf(c.key, sizeof c.key, "crash-%d", round);
        mp_init(&h, c.key, NULL, c.id);
        size_t n = MIB + 1000;
        char *d = random_data(n, (unsigned)(100 + round));
        char etags[2][64];
        assert_int_equal(mp_part(&h, c.key, c.id, 1, d, MIB, etags[0]), 200);
        assert_int_equal(mp_part(&h, c.key, c.id, 2, d + MIB, 1000, etags[1]), 200);
        complete_xml(c.xml, sizeof c.xml, (int[]){1, 2}, etags, 2);
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, complete_main, &c), 0);
        usleep((useconds_t)(round * 700));
        assert_int_equal(cosd_harness_restart(&h, true), 0);
        pthread_join(th, NULL);
        long lp = list_parts_status(&h, c.key, c.id);
        tc_resp_t rs = req(&h, "GET", c.key, NULL, NULL, 0, NULL);
        if (lp == 200) {
            assert_int_not_equal(c.status, 200); /* an acknowledged Complete is durable */
            tc_expect_code(&rs, 404, "NoSuchKey");
            in_progress++;
            /* The upload can still be completed. */
            tc_resp_t cr = mp_complete(&h, c.key, c.id, c.xml);
            assert_int_equal(cr.status, 200);
            tc_resp_free(&cr);
            tc_resp_free(&rs);
            rs = req(&h, "GET", c.key, NULL, NULL, 0, NULL);
        } else {
            completed++;
        }
        assert_int_equal(rs.status, 200);
        assert_int_equal(rs.body.len, n);
        assert_memory_equal(rs.body.data, d, n);
        tc_resp_free(&rs);
        assert_int_equal(blob_count(&h), 2 * (round + 1));
        free(d);
    }
    print_message("kill -9 around Complete: %d still in progress, %d complete\n", in_progress,
                  completed);
    cosd_harness_stop(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_restart_keeps_uploads),
        cmocka_unit_test(test_kill9_around_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
