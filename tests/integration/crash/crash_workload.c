/* crash_workload: the client threads of the crash-consistency driver. Each thread owns its keys and
 * runs a seeded random mix of PUT (random sizes, overwrites), DELETE, multi-delete, PUT Copy,
 * multipart upload + Complete, moderation job submission and read-back, recording in the model
 * what cosd acknowledged; the first request without an answer (cosd was killed) ends the thread. */
#include "crash_model.h"

#include "cosx_digest.h"
#include "cosx_encode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cr_key_name(int t, int k, char *out, size_t cap)
{
    snprintf(out, cap, "t%d/k%02d", t, k);
}

void cr_md5_hex(const void *p, size_t n, char out[33])
{
    unsigned char m[16];
    cosx_md5(p, n, m);
    cosx_hex_encode(m, 16, out);
}

static void note(cr_key_t *k, const char *op, const char *md5, bool ok)
{
    char line[sizeof k->history[0]];
    snprintf(line, sizeof line, "%s%s %.8s", op, ok ? "" : "(no answer)", md5);
    memcpy(k->history[k->n_history++ % 4], line, sizeof line);
}

static void set_only(cr_key_t *k, const char *md5)
{
    k->n = 1;
    memmove(k->cand[0], md5, strnlen(md5, 32) + 1);
    k->cand[0][32] = 0;
}

static void add_cand(cr_key_t *k, const char *md5)
{
    for (int i = 0; i < k->n; i++)
        if (!strcmp(k->cand[i], md5))
            return;
    if (k->n < CR_CAND)
        snprintf(k->cand[k->n++], sizeof k->cand[0], "%s", md5);
}

static void fill_random(unsigned *seed, char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)(rand_r(seed) >> 7);
}

/* Sizes: mostly small, some medium, a few past 1 MiB; now and then empty. */
static size_t random_size(unsigned *seed)
{
    int r = rand_r(seed) % 100;
    if (r < 3)
        return 0;
    if (r < 70)
        return 1 + (size_t)(rand_r(seed) % (16 * 1024));
    if (r < 96)
        return 16 * 1024 + (size_t)(rand_r(seed) % (240 * 1024));
    return 256 * 1024 + (size_t)(rand_r(seed) % (1280 * 1024));
}

__attribute__((format(printf, 2, 3))) static void failure(cr_thread_t *t, const char *fmt, ...)
{
    if (t->failure[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->failure, sizeof t->failure, fmt, ap);
    va_end(ap);
}

/* Whether the answer ended before its Content-Length: the connection broke in the body (tc_do still
 * reports the status it received). Such an answer is no answer. */
static bool truncated(const tc_resp_t *rs)
{
    char cl[32];
    return rs->status > 0 && tc_header(rs, "Content-Length", cl, sizeof cl) &&
           strtoull(cl, NULL, 10) != rs->body.len;
}

/* Sends rq; true when cosd acknowledged it with status want. No answer after the kill is the
 * expected end of the cycle; no answer before it, or any other status, is recorded as a failure. */
static bool send_req(cr_thread_t *t, const tc_req_t *rq, tc_resp_t *rs, long want, const char *what)
{
    int rc = tc_do(&t->run->snap, rq, rs);
    if (rc == 0 && (rs->status < 200 || truncated(rs)))
        rc = -1; /* an interim "100 Continue" or part of an answer came before the connection ended
                  */
    if (rc == 0 && rs->status == want)
        return true;
    if (rc != 0 && !atomic_load(&t->run->killed))
        failure(t, "%s: no answer from cosd while it was running", what);
    else if (rc == 0)
        failure(t, "%s: status %ld (expected %ld): %.300s", what, rs->status, want,
                cosx_buf_str(&rs->body));
    return false;
}

static bool op_put(cr_thread_t *t, int k)
{
    char key[32], md5[33];
    cr_key_name(t->id, k, key, sizeof key);
    size_t n = random_size(&t->seed);
    char *body = malloc(n ? n : 1);
    fill_random(&t->seed, body, n);
    cr_md5_hex(body, n, md5);
    tc_req_t rq = {.method = "PUT", .bucket = BUCKET, .key = key, .body = body, .body_len = n};
    tc_resp_t rs;
    bool ok = send_req(t, &rq, &rs, 200, "PUT Object");
    char etag[64];
    if (ok && (!tc_header(&rs, "ETag", etag, sizeof etag) || !strstr(etag, md5)))
        failure(t, "PUT %s: ETag %s is not the MD5 %s", key, etag, md5);
    tc_resp_free(&rs);
    free(body);
    note(&t->keys[k], "PUT", md5, ok);
    if (ok)
        set_only(&t->keys[k], md5);
    else
        add_cand(&t->keys[k], md5);
    return ok;
}

static bool op_delete(cr_thread_t *t, int k)
{
    char key[32];
    cr_key_name(t->id, k, key, sizeof key);
    tc_req_t rq = {.method = "DELETE", .bucket = BUCKET, .key = key};
    tc_resp_t rs;
    bool ok = send_req(t, &rq, &rs, 204, "DELETE Object");
    tc_resp_free(&rs);
    note(&t->keys[k], "DELETE", "", ok);
    if (ok)
        set_only(&t->keys[k], "");
    else
        add_cand(&t->keys[k], "");
    return ok;
}

static bool op_multi_delete(cr_thread_t *t)
{
    int ks[3], n = 2 + rand_r(&t->seed) % 2;
    ks[0] = rand_r(&t->seed) % CR_KEYS;
    for (int i = 1; i < n; i++)
        ks[i] = (ks[i - 1] + 1 + rand_r(&t->seed) % 2) % CR_KEYS; /* distinct, CR_KEYS > 5 */
    char xml[512], md5[32];
    size_t o = (size_t)snprintf(xml, sizeof xml, "<Delete><Quiet>false</Quiet>");
    for (int i = 0; i < n; i++) {
        char key[32];
        cr_key_name(t->id, ks[i], key, sizeof key);
        o += (size_t)snprintf(xml + o, sizeof xml - o, "<Object><Key>%s</Key></Object>", key);
    }
    snprintf(xml + o, sizeof xml - o, "</Delete>");
    tc_content_md5(xml, strlen(xml), md5);
    char hmd5[64];
    snprintf(hmd5, sizeof hmd5, "Content-MD5: %s", md5);
    const char *hdrs[] = {hmd5, "Content-Type: application/xml", NULL};
    tc_req_t rq = {.method = "POST",
                   .bucket = BUCKET,
                   .query = "delete",
                   .headers = hdrs,
                   .body = xml,
                   .body_len = strlen(xml)};
    tc_resp_t rs;
    bool ok = send_req(t, &rq, &rs, 200, "POST ?delete");
    if (ok && (tc_count(&rs, "Deleted") != n || tc_count(&rs, "Error") != 0))
        failure(t, "multi-delete of %d keys: %.300s", n, cosx_buf_str(&rs.body));
    tc_resp_free(&rs);
    for (int i = 0; i < n; i++) {
        note(&t->keys[ks[i]], "MULTIDEL", "", ok);
        if (ok)
            set_only(&t->keys[ks[i]], "");
        else
            add_cand(&t->keys[ks[i]], "");
    }
    return ok;
}

/* An own key other than dst holding an object, -1 when there is none. */
static int copy_source(cr_thread_t *t, int dst)
{
    int start = rand_r(&t->seed) % CR_KEYS;
    for (int i = 0; i < CR_KEYS; i++) {
        int s = (start + i) % CR_KEYS;
        if (s != dst && t->keys[s].n == 1 && t->keys[s].cand[0][0])
            return s;
    }
    return -1;
}

static bool op_copy(cr_thread_t *t, int src, int dst)
{
    char skey[32], dkey[32], hdr[160];
    cr_key_name(t->id, src, skey, sizeof skey);
    cr_key_name(t->id, dst, dkey, sizeof dkey);
    snprintf(hdr, sizeof hdr, "x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/%s",
             skey);
    const char *hdrs[] = {hdr, NULL};
    tc_req_t rq = {.method = "PUT", .bucket = BUCKET, .key = dkey, .headers = hdrs};
    tc_resp_t rs;
    bool ok = send_req(t, &rq, &rs, 200, "PUT Object - Copy");
    if (ok && !strstr(cosx_buf_str(&rs.body), "<CopyObjectResult>"))
        failure(t, "copy %s -> %s: %.300s", skey, dkey, cosx_buf_str(&rs.body));
    tc_resp_free(&rs);
    char md5[33];
    memcpy(md5, t->keys[src].cand[0], sizeof md5);
    char what[16];
    snprintf(what, sizeof what, "COPY<k%02d", src);
    note(&t->keys[dst], what, md5, ok);
    if (ok)
        set_only(&t->keys[dst], md5);
    else
        add_cand(&t->keys[dst], md5);
    return ok;
}

/* Initiate, two parts (1 MiB and a tail), then usually Complete (sometimes the upload is left in
 * progress for the check after the restart). */
static bool op_multipart(cr_thread_t *t, int k)
{
    if (t->n_ups == CR_UPLOADS)
        return op_put(t, k);
    char key[32];
    cr_key_name(t->id, k, key, sizeof key);
    tc_req_t rq = {.method = "POST", .bucket = BUCKET, .key = key, .query = "uploads"};
    tc_resp_t rs;
    if (!send_req(t, &rq, &rs, 200, "Initiate Multipart Upload")) {
        tc_resp_free(&rs);
        t->pending_init = k;
        return false;
    }
    cr_upload_t *u = &t->ups[t->n_ups++];
    memset(u, 0, sizeof *u);
    u->key = k;
    u->st = UP_OPEN;
    tc_xml(&rs, "UploadId", u->id, sizeof u->id);
    tc_resp_free(&rs);
    size_t tail = 1 + (size_t)(rand_r(&t->seed) % (64 * 1024));
    size_t lens[2] = {MIB, tail};
    char *data = malloc(MIB + tail);
    fill_random(&t->seed, data, MIB + tail);
    cr_md5_hex(data, MIB + tail, u->md5);
    char etags[2][64];
    bool ok = true;
    for (int p = 0; p < 2 && ok; p++) {
        char q[200];
        snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", p + 1, u->id);
        tc_req_t pr = {.method = "PUT",
                       .bucket = BUCKET,
                       .key = key,
                       .query = q,
                       .body = data + (p ? MIB : 0),
                       .body_len = lens[p]};
        ok = send_req(t, &pr, &rs, 200, "Upload Part");
        if (ok && !tc_header(&rs, "ETag", etags[p], sizeof etags[p]))
            failure(t, "Upload Part without ETag");
        tc_resp_free(&rs);
    }
    free(data);
    if (!ok || rand_r(&t->seed) % 100 < 15) {
        note(&t->keys[k], "MP-OPEN", u->md5, ok);
        return ok;
    }
    char xml[512], q[200];
    complete_xml(xml, sizeof xml, (int[]){1, 2}, etags, 2);
    snprintf(q, sizeof q, "uploadId=%s", u->id);
    u->st = UP_COMPLETE_SENT;
    add_cand(&t->keys[k], u->md5);
    tc_req_t cr = {.method = "POST",
                   .bucket = BUCKET,
                   .key = key,
                   .query = q,
                   .body = xml,
                   .body_len = strlen(xml)};
    ok = send_req(t, &cr, &rs, 200, "Complete Multipart Upload");
    if (ok && !strstr(cosx_buf_str(&rs.body), "<CompleteMultipartUploadResult>"))
        failure(t, "Complete of %s: %.300s", key, cosx_buf_str(&rs.body));
    tc_resp_free(&rs);
    note(&t->keys[k], "COMPLETE", u->md5, ok);
    if (ok) {
        u->st = UP_COMPLETED;
        set_only(&t->keys[k], u->md5);
    }
    return ok;
}

static bool op_job(cr_thread_t *t)
{
    cr_run_t *run = t->run;
    char data_id[64], xml[512];
    snprintf(data_id, sizeof data_id, "crash-%u-%zu-%zu", run->seed, run->n_jobs, run->n_lost);
    snprintf(xml, sizeof xml,
             "<Request><Input><Object>" CR_CLIP_KEY "</Object><DataId>%s</DataId></Input><Conf>"
             "<Callback>http://127.0.0.1:%d/cb</Callback></Conf></Request>",
             data_id, run->rcv.port);
    const char *hdrs[] = {"Content-Type: application/xml", NULL};
    tc_req_t rq = {.method = "POST",
                   .key = "audio/auditing",
                   .host_override = CR_CIHOST,
                   .headers = hdrs,
                   .body = xml,
                   .body_len = strlen(xml)};
    tc_resp_t rs;
    bool ok = send_req(t, &rq, &rs, 200, "POST audio/auditing");
    run->jobs_this_cycle++;
    if (ok) {
        if (run->n_jobs == run->cap_jobs) {
            run->cap_jobs = run->cap_jobs ? 2 * run->cap_jobs : 32;
            run->jobs = realloc(run->jobs, run->cap_jobs * sizeof *run->jobs);
        }
        cr_job_t *j = &run->jobs[run->n_jobs++];
        memset(j, 0, sizeof *j);
        tc_xml(&rs, "JobId", j->id, sizeof j->id);
        snprintf(j->data_id, sizeof j->data_id, "%s", data_id);
        if (strlen(j->id) != 34)
            failure(t, "job submission answered without a JobId: %.300s", cosx_buf_str(&rs.body));
    } else {
        if (run->n_lost == run->cap_lost) {
            run->cap_lost = run->cap_lost ? 2 * run->cap_lost : 16;
            run->lost = realloc(run->lost, run->cap_lost * sizeof *run->lost);
        }
        snprintf(run->lost[run->n_lost++], sizeof run->lost[0], "%s", data_id);
    }
    tc_resp_free(&rs);
    return ok;
}

/* GET of an own key while the server runs: it must hold exactly the acknowledged content. */
static bool op_read(cr_thread_t *t, int k)
{
    char key[32], md5[33] = "";
    cr_key_name(t->id, k, key, sizeof key);
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = key};
    tc_resp_t rs;
    int rc = tc_do(&t->run->snap, &rq, &rs);
    if (rc == 0 && (rs.status < 200 || truncated(&rs)))
        rc = -1;
    bool ok = rc == 0 && (rs.status == 200 || rs.status == 404);
    if (rc == 0 && rs.status == 200)
        cr_md5_hex(rs.body.data ? rs.body.data : "", rs.body.len, md5);
    if (!ok && (rc == 0 || !atomic_load(&t->run->killed)))
        failure(t, "GET %s: %s (status %ld, %zu bytes)", key,
                rc == 0 ? "unexpected status" : "no complete answer while cosd was running",
                rs.status, rs.body.len);
    else if (ok && strcmp(md5, t->keys[k].cand[0]) != 0) {
        const cr_key_t *ks = &t->keys[k];
        failure(t, "GET %s while running: content %s, acknowledged %s; last: %s, %s, %s, %s", key,
                md5, ks->cand[0], ks->history[(ks->n_history + 3) % 4],
                ks->history[(ks->n_history + 2) % 4], ks->history[(ks->n_history + 1) % 4],
                ks->history[ks->n_history % 4]);
    }
    tc_resp_free(&rs);
    return ok;
}

void *cr_client_main(void *arg)
{
    cr_thread_t *t = arg;
    cr_run_t *run = t->run;
    t->pending_init = -1;
    while (!atomic_load(&run->stop) && !t->failure[0]) {
        int k = rand_r(&t->seed) % CR_KEYS, r = rand_r(&t->seed) % 100, op;
        if (r < 32)
            op = OP_PUT;
        else if (r < 42)
            op = OP_DELETE;
        else if (r < 49)
            op = OP_MULTI_DELETE;
        else if (r < 61)
            op = OP_COPY;
        else if (r < 71)
            op = OP_MULTIPART;
        else if ((r < 76 || run->jobs_this_cycle == 0) && t->id == 0 &&
                 run->jobs_this_cycle < run->jobs_per_cycle)
            op = OP_JOB; /* the first operation of thread 0 in every cycle */
        else
            op = OP_READ;
        int src = op == OP_COPY ? copy_source(t, k) : -1;
        if (op == OP_COPY && src < 0)
            op = OP_PUT;
        bool ok;
        switch (op) {
        case OP_PUT:
            ok = op_put(t, k);
            break;
        case OP_DELETE:
            ok = op_delete(t, k);
            break;
        case OP_MULTI_DELETE:
            ok = op_multi_delete(t);
            break;
        case OP_COPY:
            ok = op_copy(t, src, k);
            break;
        case OP_MULTIPART:
            ok = op_multipart(t, k);
            break;
        case OP_JOB:
            ok = op_job(t);
            break;
        default:
            ok = op_read(t, k);
            break;
        }
        if (!ok)
            break;
        t->ops[op]++;
    }
    return NULL;
}
