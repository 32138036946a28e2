/* crash_check: what the crash-consistency driver verifies after each restart of cosd and at the end
 * of the run (see cr_check_restart and cr_check_final in crash_model.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crash_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct listed_upload {
    char key[64];
    char id[128];
} listed_upload_t;

static bool in_cand(const cr_key_t *k, const char *md5)
{
    for (int i = 0; i < k->n; i++)
        if (!strcmp(k->cand[i], md5))
            return true;
    return false;
}

/* Every key holds one of its candidates (GET and HEAD agree); the model keeps what is there. */
static int check_keys(cr_run_t *run, char observed[CR_THREADS][CR_KEYS][33])
{
    int present = 0;
    for (int t = 0; t < CR_THREADS; t++) {
        for (int k = 0; k < CR_KEYS; k++) {
            char key[32], *md5 = observed[t][k];
            cr_key_name(t, k, key, sizeof key);
            tc_resp_t rs = req(&run->h, "GET", key, NULL, NULL, 0, NULL);
            md5[0] = 0;
            if (rs.status == 200)
                cr_md5_hex(rs.body.data ? rs.body.data : "", rs.body.len, md5);
            else
                tc_expect_code(&rs, 404, "NoSuchKey");
            cr_key_t *ks = &run->th[t].keys[k];
            if (!in_cand(ks, md5))
                fail_msg("seed %u: %s holds \"%s\", allowed: \"%s\" \"%s\" \"%s\"", run->seed, key,
                         md5, ks->cand[0], ks->n > 1 ? ks->cand[1] : "-",
                         ks->n > 2 ? ks->cand[2] : "-");
            size_t len = rs.body.len;
            long st = rs.status;
            tc_resp_free(&rs);
            rs = req(&run->h, "HEAD", key, NULL, NULL, 0, NULL);
            assert_int_equal(rs.status, st);
            if (st == 200) {
                char cl[32];
                assert_true(tc_header(&rs, "Content-Length", cl, sizeof cl));
                assert_int_equal(strtoull(cl, NULL, 10), len);
                present++;
            }
            tc_resp_free(&rs);
            ks->n = 1;
            memcpy(ks->cand[0], md5, 33);
        }
    }
    return present;
}

/* The listing shows exactly the readable keys, each with its readable size. */
static void check_listing(cr_run_t *run, char observed[CR_THREADS][CR_KEYS][33], int present)
{
    tc_resp_t rs = req(&run->h, "GET", NULL, "max-keys=1000&prefix=t", NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    int listed = 0;
    for (const char *p = cosx_buf_str(&rs.body); (p = strstr(p, "<Contents>")); p++) {
        int t = -1, k = -1;
        const char *kp = strstr(p, "<Key>"), *sp = strstr(p, "<Size>");
        assert_non_null(kp);
        assert_non_null(sp);
        assert_int_equal(sscanf(kp, "<Key>t%d/k%d</Key>", &t, &k), 2);
        assert_true(t >= 0 && t < CR_THREADS && k >= 0 && k < CR_KEYS);
        if (!observed[t][k][0])
            fail_msg("seed %u: t%d/k%02d is listed but GET says NoSuchKey", run->seed, t, k);
        char key[32];
        cr_key_name(t, k, key, sizeof key);
        tc_resp_t g = req(&run->h, "GET", key, NULL, NULL, 0, NULL);
        assert_int_equal(g.status, 200);
        assert_int_equal(strtoull(sp + 6, NULL, 10), g.body.len);
        tc_resp_free(&g);
        listed++;
    }
    assert_string_equal(tc_xml(&rs, "IsTruncated", (char[8]){0}, 8), "false");
    tc_resp_free(&rs);
    if (listed != present)
        fail_msg("seed %u: %d keys listed, %d readable", run->seed, listed, present);
}

static size_t list_uploads(cr_run_t *run, listed_upload_t *out, size_t cap)
{
    tc_resp_t rs = req(&run->h, "GET", NULL, "uploads", NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    size_t n = 0;
    for (const char *p = cosx_buf_str(&rs.body); (p = strstr(p, "<Upload>")) && n < cap; p++) {
        const char *k = strstr(p, "<Key>") + 5, *i = strstr(p, "<UploadId>") + 10;
        snprintf(out[n].key, sizeof out[n].key, "%.*s", (int)(strcspn(k, "<")), k);
        snprintf(out[n].id, sizeof out[n].id, "%.*s", (int)(strcspn(i, "<")), i);
        n++;
    }
    assert_true(n < cap);
    tc_resp_free(&rs);
    return n;
}

static cr_upload_t *find_upload(cr_run_t *run, const char *id, int *thread)
{
    for (int t = 0; t < CR_THREADS; t++)
        for (int u = 0; u < run->th[t].n_ups; u++)
            if (!strcmp(run->th[t].ups[u].id, id)) {
                *thread = t;
                return &run->th[t].ups[u];
            }
    return NULL;
}

static void abort_upload(cr_run_t *run, const char *key, const char *id)
{
    char q[200];
    snprintf(q, sizeof q, "uploadId=%s", id);
    tc_resp_t rs = req(&run->h, "DELETE", key, q, NULL, 0, NULL);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
}

/* An upload is in progress xor its object is complete; acknowledged Completes are durable; uploads
 * left open survive. Then aborts what is listed except up to two open uploads per thread. */
static int check_uploads(cr_run_t *run, char observed[CR_THREADS][CR_KEYS][33])
{
    enum { CAP = CR_THREADS * CR_UPLOADS + 16 };
    listed_upload_t *ls = calloc(CAP, sizeof *ls);
    size_t n = list_uploads(run, ls, CAP);
    bool *seen[CR_THREADS];
    for (int t = 0; t < CR_THREADS; t++)
        seen[t] = calloc(CR_UPLOADS, sizeof(bool));
    bool *untracked = calloc(n + 1, sizeof(bool));
    for (size_t i = 0; i < n; i++) {
        int t = -1;
        cr_upload_t *u = find_upload(run, ls[i].id, &t);
        if (!u) { /* only an Initiate whose answer was lost may have made it */
            untracked[i] = true;
            int lt = -1, lk = -1;
            sscanf(ls[i].key, "t%d/k%d", &lt, &lk);
            if (lt < 0 || lt >= CR_THREADS || run->th[lt].pending_init != lk)
                fail_msg("seed %u: unknown upload %s of %s", run->seed, ls[i].id, ls[i].key);
            continue;
        }
        seen[t][u - run->th[t].ups] = true;
        if (list_parts_status(&run->h, ls[i].key, ls[i].id) != 200)
            fail_msg("seed %u: upload %s of %s (state %d) is listed but List Parts says "
                     "NoSuchUpload",
                     run->seed, u->id, ls[i].key, (int)u->st);
        if (u->st == UP_COMPLETED)
            fail_msg("seed %u: acknowledged Complete of %s, upload %s still in progress", run->seed,
                     ls[i].key, u->id);
        if (u->st == UP_COMPLETE_SENT && !strcmp(observed[t][u->key], u->md5))
            fail_msg("seed %u: upload %s of %s both completed and in progress", run->seed, u->id,
                     ls[i].key);
    }
    int kept_total = 0;
    for (int t = 0; t < CR_THREADS; t++) {
        cr_thread_t *th = &run->th[t];
        int kept = 0;
        for (int i = 0; i < th->n_ups; i++) {
            cr_upload_t *u = &th->ups[i];
            char key[32];
            cr_key_name(t, u->key, key, sizeof key);
            if (!seen[t][i]) {
                if (u->st == UP_OPEN)
                    fail_msg("seed %u: upload %s of %s in progress was lost", run->seed, u->id,
                             key);
                if (u->st == UP_COMPLETE_SENT && strcmp(observed[t][u->key], u->md5) != 0)
                    fail_msg("seed %u: upload %s of %s neither in progress nor complete", run->seed,
                             u->id, key);
                assert_int_equal(list_parts_status(&run->h, key, u->id), 404);
            } else if (kept < 2 && u->st != UP_COMPLETED) {
                u->st = UP_OPEN; /* a Complete that did not happen: the upload stays open */
                th->ups[kept++] = *u;
            } else {
                abort_upload(run, key, u->id);
            }
        }
        th->n_ups = kept;
        kept_total += kept;
        free(seen[t]);
    }
    for (size_t i = 0; i < n; i++) /* uploads of lost Initiates */
        if (untracked[i])
            abort_upload(run, ls[i].key, ls[i].id);
    free(untracked);
    for (int t = 0; t < CR_THREADS; t++)
        run->th[t].pending_init = -1;
    free(ls);
    return kept_total;
}

/* Queries a job: its State into state, its final fingerprint into fp when it is final. */
static void query_job(cr_run_t *run, cr_job_t *j, char *state, size_t cap, char *fp, size_t fcap,
                      int *result)
{
    char key[80];
    snprintf(key, sizeof key, "audio/auditing/%s", j->id);
    tc_req_t rq = {.method = "GET", .key = key, .host_override = CR_CIHOST};
    tc_resp_t rs;
    assert_int_equal(tc_do(&run->h, &rq, &rs), 0);
    if (rs.status != 200)
        fail_msg("seed %u: job %s: %ld %s", run->seed, j->id, rs.status, cosx_buf_str(&rs.body));
    tc_xml(&rs, "State", state, cap);
    fp[0] = 0;
    if (!strcmp(state, "Success") || !strcmp(state, "Failed")) {
        static const char *const tags[] = {"State",     "Code",       "Message",  "DataId",
                                           "JobId",     "Label",      "SubLabel", "Result",
                                           "AudioText", "ForbidState"};
        size_t o = 0;
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
            char v[256];
            o += (size_t)snprintf(fp + o, fcap - o, "%s=%s|", tags[i],
                                  tc_xml(&rs, tags[i], v, sizeof v));
            if (!strcmp(tags[i], "Result"))
                *result = atoi(v);
        }
        snprintf(fp + o, fcap - o, "Sections=%d", tc_count(&rs, "Section"));
    } else if (strcmp(state, "Submitted") != 0 && strcmp(state, "Auditing") != 0) {
        fail_msg("seed %u: job %s in state '%s'", run->seed, j->id, state);
    }
    tc_resp_free(&rs);
}

/* Every job in a valid state; a final answer, once seen, never changes. Returns how many are final.
 */
static size_t check_jobs(cr_run_t *run)
{
    size_t final = 0;
    for (size_t i = 0; i < run->n_jobs; i++) {
        cr_job_t *j = &run->jobs[i];
        char state[32], fp[sizeof j->final];
        int result = -1;
        query_job(run, j, state, sizeof state, fp, sizeof fp, &result);
        if (!fp[0]) {
            if (j->final[0])
                fail_msg("seed %u: job %s was final (%s), now %s", run->seed, j->id, j->final,
                         state);
            continue;
        }
        final++;
        if (!j->final[0]) {
            memcpy(j->final, fp, sizeof fp);
            j->success = !strcmp(state, "Success");
            j->result = result;
        } else if (strcmp(j->final, fp) != 0) {
            fail_msg("seed %u: job %s changed its final answer:\n  %s\n  %s", run->seed, j->id,
                     j->final, fp);
        }
    }
    return final;
}

static cr_job_t *find_job(cr_run_t *run, const char *id)
{
    for (size_t i = 0; i < run->n_jobs; i++)
        if (!strcmp(run->jobs[i].id, id))
            return &run->jobs[i];
    return NULL;
}

static bool is_lost(cr_run_t *run, const char *data_id)
{
    for (size_t i = 0; i < run->n_lost; i++)
        if (!strcmp(run->lost[i], data_id))
            return true;
    return false;
}

/* Callbacks name submitted jobs (or a submission whose answer was lost) and agree with the final
 * answer when it is known. Returns the number of callbacks. */
static size_t check_callbacks(cr_run_t *run)
{
    size_t n, bad;
    crash_callback_t *cb = crash_receiver_snapshot(&run->rcv, &n, &bad);
    assert_int_equal(bad, 0);
    for (size_t i = 0; i < n; i++) {
        cr_job_t *j = find_job(run, cb[i].job_id);
        if (!j) {
            if (!is_lost(run, cb[i].data_id))
                fail_msg("seed %u: callback for unknown job %s (DataId %s)", run->seed,
                         cb[i].job_id, cb[i].data_id);
            continue;
        }
        assert_string_equal(cb[i].data_id, j->data_id);
        if (j->final[0]) {
            if (j->success != (cb[i].code == 0))
                fail_msg("seed %u: callback code %d for job %s (%s)", run->seed, cb[i].code, j->id,
                         j->final);
            if (j->success)
                assert_int_equal(cb[i].result, j->result);
        }
    }
    free(cb);
    return n;
}

void cr_check_restart(cr_run_t *run)
{
    char observed[CR_THREADS][CR_KEYS][33];
    int present = check_keys(run, observed);
    check_listing(run, observed, present);
    int open = check_uploads(run, observed);
    size_t final = check_jobs(run);
    size_t cbs = check_callbacks(run);
    tc_resp_t rs = req(&run->h, "HEAD", CR_CLIP_KEY, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    print_message("  after restart: %d keys present (listing agrees), %d uploads kept open, jobs "
                  "%zu final / %zu submitted (%zu answers lost), %zu callbacks\n",
                  present, open, final, run->n_jobs, run->n_lost, cbs);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Callbacks per acknowledged job into counts (n_jobs entries); returns how many jobs have none. */
static size_t count_callbacks(cr_run_t *run, int *counts)
{
    size_t n, missing = 0;
    crash_callback_t *cb = crash_receiver_snapshot(&run->rcv, &n, NULL);
    memset(counts, 0, run->n_jobs * sizeof *counts);
    for (size_t i = 0; i < n; i++) {
        cr_job_t *j = find_job(run, cb[i].job_id);
        if (j)
            counts[j - run->jobs]++;
    }
    for (size_t i = 0; i < run->n_jobs; i++)
        missing += counts[i] == 0;
    free(cb);
    return missing;
}

/* Callbacks beyond the first of each JobId (also of jobs whose submission answer was lost). */
static int repeated_callbacks(cr_run_t *run)
{
    size_t n;
    int extra = 0;
    crash_callback_t *cb = crash_receiver_snapshot(&run->rcv, &n, NULL);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(cb[i].job_id, cb[k].job_id)) {
                extra++;
                break;
            }
    free(cb);
    return extra;
}

void cr_check_final(cr_run_t *run)
{
    double start = now_s();
    size_t final = 0;
    while ((final = check_jobs(run)) < run->n_jobs && now_s() - start < 300)
        usleep(300 * 1000);
    if (final < run->n_jobs)
        fail_msg("seed %u: %zu of %zu jobs did not finish", run->seed, run->n_jobs - final,
                 run->n_jobs);
    double jobs_done = now_s() - start;
    int *counts = calloc(run->n_jobs + 1, sizeof *counts);
    while (count_callbacks(run, counts) > 0 && now_s() - start < 360)
        usleep(200 * 1000);
    print_message("end of the run: every job final after %.1f s, every callback in after %.1f s\n",
                  jobs_done, now_s() - start);
    /* One more kill: nothing acknowledged may change, no job runs again. */
    assert_int_equal(cosd_harness_restart(&run->h, true), 0);
    run->kills++;
    cr_check_restart(run);
    sleep(2); /* time for a callback that would wrongly be sent again */
    cr_check_restart(run);
    size_t missing = count_callbacks(run, counts);
    int extra = repeated_callbacks(run), success = 0;
    for (size_t i = 0; i < run->n_jobs; i++) {
        success += run->jobs[i].success;
        if (counts[i] == 0)
            print_message("  job %s: no callback\n", run->jobs[i].id);
    }
    print_message("jobs: %zu submitted and acknowledged, %d Success, %zu answers lost; callbacks: "
                  "%zu jobs without one, %d repeated (kills: %d, %d of them while a callback "
                  "waited for its answer)\n",
                  run->n_jobs, success, run->n_lost, missing, extra, run->kills, run->held_kills);
    free(counts);
    assert_int_equal(missing, 0);
    /* At-least-once: one thread delivers callbacks and removes each from the durable queue after
     * the 2xx, so a kill repeats at most the one delivery it interrupts, and a kill while the
     * receiver had not answered yet always repeats it. */
    assert_true(extra <= run->kills);
    assert_true(extra >= run->held_kills);
}
