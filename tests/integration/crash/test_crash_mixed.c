/* Crash consistency of cosd under a mixed workload: client threads PUT, overwrite, delete,
 * multi-delete, copy, upload multipart objects and submit moderation jobs while cosd is killed
 * with SIGKILL at a random (seeded) moment; after each restart on the same data dir the checks of
 * crash_check.c run. Usage: crash_mixed [CYCLES [SEED]] (CRASH_SEED in the environment also sets
 * the seed); a few cycles in the test run, many in bench/soak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_testaudio.h"
#include "crash_model.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Speaks the moderated clip (Ads: "promo code") into memory. */
static char *make_clip(size_t *len)
{
    char *dir = ta_tempdir(), path[1024], *data = NULL;
    struct stat st;
    FILE *f = NULL;
    if (!dir)
        return NULL;
    snprintf(path, sizeof path, "%s/promo.wav", dir);
    if (ta_say(dir, "slt", "Use this promo code.", path) && stat(path, &st) == 0 &&
        (f = fopen(path, "rb")) && (data = malloc((size_t)st.st_size)) &&
        fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(data);
        data = NULL;
    }
    *len = data ? (size_t)st.st_size : 0;
    if (f)
        fclose(f);
    ta_rmtree(dir);
    free(dir);
    return data;
}

static void run_cycle(cr_run_t *run, int cycle, unsigned *master)
{
    pthread_t th[CR_THREADS];
    run->snap = run->h;
    run->jobs_this_cycle = 0;
    atomic_store(&run->stop, false);
    atomic_store(&run->killed, false);
    long before = 0;
    for (int t = 0; t < CR_THREADS; t++) {
        cr_thread_t *c = &run->th[t];
        c->run = run;
        c->id = t;
        c->seed = (unsigned)rand_r(master);
        for (int o = 0; o < OP_COUNT; o++)
            before += c->ops[o];
        assert_int_equal(pthread_create(&th[t], NULL, cr_client_main, c), 0);
    }
    /* Odd cycles are short (the kill lands in object traffic); even ones last long enough for jobs
     * to finish, and every other one of those (2, 6, 10...) is cut short by the first callback that
     * arrives: the receiver holds its answer, so cosd dies after delivering the callback but before
     * it saw the 2xx. */
    int delay_ms = cycle % 2 ? 200 + rand_r(master) % 1300 : 3000 + rand_r(master) % 5000;
    size_t callbacks = crash_receiver_count(&run->rcv);
    bool on_callback = cycle % 4 == 2;
    atomic_store(&run->rcv.hold_ms, on_callback ? 2000 : 0);
    int waited = 0;
    for (; waited < delay_ms; waited += 2) {
        if (on_callback && crash_receiver_count(&run->rcv) > callbacks)
            break;
        usleep(2000);
    }
    run->held_kills += waited < delay_ms;
    atomic_store(&run->killed, true);
    assert_int_equal(kill(run->h.pid, SIGKILL), 0);
    atomic_store(&run->stop, true);
    atomic_store(&run->rcv.hold_ms, 0);
    long after = 0;
    for (int t = 0; t < CR_THREADS; t++) {
        pthread_join(th[t], NULL);
        if (run->th[t].failure[0])
            fail_msg("seed %u, cycle %d, thread %d: %s", run->seed, cycle, t, run->th[t].failure);
        for (int o = 0; o < OP_COUNT; o++)
            after += run->th[t].ops[o];
    }
    /* The harness reaps the killed process and starts cosd again on the same data dir. */
    assert_int_equal(cosd_harness_restart(&run->h, true), 0);
    run->kills++;
    print_message("cycle %d: SIGKILL after %d ms%s, %ld operations acknowledged\n", cycle, waited,
                  waited < delay_ms ? " (on a callback)" : "", after - before);
    cr_check_restart(run);
}

static void test_crash_mixed(void **state)
{
    cr_run_t *run = *state;
    unsigned master = run->seed;
    run->clip = make_clip(&run->clip_len);
    assert_non_null(run->clip);
    assert_int_equal(crash_receiver_start(&run->rcv), 0);
    const char *args[] = {"--workers", "2", NULL};
    assert_int_equal(cosd_harness_start(&run->h, args), 0);
    assert_int_equal(tc_put_bucket(&run->h, BUCKET), 200);
    assert_int_equal(tc_put_object(&run->h, BUCKET, CR_CLIP_KEY, run->clip, run->clip_len), 200);
    for (int t = 0; t < CR_THREADS; t++)
        for (int k = 0; k < CR_KEYS; k++)
            run->th[t].keys[k].n = 1; /* "": no object */
    for (int c = 1; c <= run->cycles; c++)
        run_cycle(run, c, &master);
    cr_check_final(run);
    long ops[OP_COUNT] = {0};
    for (int t = 0; t < CR_THREADS; t++)
        for (int o = 0; o < OP_COUNT; o++)
            ops[o] += run->th[t].ops[o];
    print_message("seed %u: %d kills; acknowledged: %ld PUT, %ld DELETE, %ld multi-delete, %ld "
                  "copy, %ld multipart, %ld job, %ld read-back\n",
                  run->seed, run->kills, ops[OP_PUT], ops[OP_DELETE], ops[OP_MULTI_DELETE],
                  ops[OP_COPY], ops[OP_MULTIPART], ops[OP_JOB], ops[OP_READ]);
    cosd_harness_stop(&run->h);
    crash_receiver_stop(&run->rcv);
    free(run->clip);
    free(run->jobs);
    free(run->lost);
}

int main(int argc, char **argv)
{
    cr_run_t *run = calloc(1, sizeof *run);
    run->cycles = argc > 1 ? atoi(argv[1]) : 3;
    const char *env = getenv("CRASH_SEED");
    if (argc > 2)
        run->seed = (unsigned)strtoul(argv[2], NULL, 10);
    else if (env && *env)
        run->seed = (unsigned)strtoul(env, NULL, 10);
    else
        run->seed = (unsigned)time(NULL) ^ (unsigned)getpid() << 8;
    run->jobs_per_cycle = 2;
    if (run->cycles < 1) {
        fprintf(stderr, "usage: %s [CYCLES [SEED]]\n", argv[0]);
        return 2;
    }
    printf("crash_mixed: %d kill cycles, seed %u (CRASH_SEED=%u reproduces the run)\n", run->cycles,
           run->seed, run->seed);
    fflush(stdout);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_crash_mixed, run),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    free(run);
    return rc;
}
