/* cosd_jobs_run: the moderation worker pool of cosd: each thread owns a cosm_worker_t, claims
 * Submitted jobs, moderates the object's stored bytes (or a downloaded Url), applies Freeze and
 * records the result, its section clips and the callback in one transaction. */
#include "cosd_ci_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

void cosd_ci_wake_workers(cosd_ci_t *ci)
{
    pthread_mutex_lock(&ci->mu);
    pthread_cond_broadcast(&ci->work_cv);
    pthread_mutex_unlock(&ci->mu);
}

/* {"x-cos-meta-a": "v", ...} from the stored [[name, value], ...] headers; NULL when none. */
static char *meta_headers(const char *headers_json)
{
    cJSON *arr = headers_json ? cJSON_Parse(headers_json) : NULL;
    cJSON *out = cJSON_CreateObject();
    const cJSON *h;
    cJSON_ArrayForEach(h, arr)
    {
        const cJSON *n = cJSON_GetArrayItem(h, 0), *v = cJSON_GetArrayItem(h, 1);
        if (cJSON_IsString(n) && cJSON_IsString(v) &&
            strncasecmp(n->valuestring, "x-cos-meta-", 11) == 0)
            cJSON_AddStringToObject(out, n->valuestring, v->valuestring);
    }
    char *s = out && cJSON_GetArraySize(out) > 0 ? cJSON_PrintUnformatted(out) : NULL;
    cJSON_Delete(out);
    cJSON_Delete(arr);
    return s;
}

/* Does any Freeze threshold ({"PornScore": n}) reach the job-level score of its scene? */
static bool freeze_hit(const char *freeze_json, const cosm_result_t *res)
{
    cJSON *f = freeze_json ? cJSON_Parse(freeze_json) : NULL;
    bool hit = false;
    const cJSON *t;
    cJSON_ArrayForEach(t, f)
    {
        size_t l = strlen(t->string);
        if (l <= 5 || !cJSON_IsNumber(t))
            continue;
        char scene[32];
        snprintf(scene, sizeof scene, "%.*s", (int)(l - 5), t->string);
        int s = cosm_scene_from_name(scene);
        if (s >= 0 && res->info[s].audited && res->info[s].score >= t->valueint)
            hit = true;
    }
    cJSON_Delete(f);
    return hit;
}

/* UserInfo JSON object -> engine fields (pointing into the parsed JSON). */
static size_t user_fields(const cJSON *ui, cosm_user_field_t *out, size_t cap)
{
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, ui)
    {
        if (n < cap && cJSON_IsString(it))
            out[n++] = (cosm_user_field_t){it->string, it->valuestring};
    }
    return n;
}
/* An object's bytes as an open file: its blob, or for a multipart object (a manifest) its parts joined
 * into a temporary file under tmp_dir, whose path is written to tmp_path for removal. -1 on failure. */
static int open_object_bytes(cosd_ci_t *ci, const char *blob, char *tmp_path, size_t tmp_len)
{
    if (!cosd_blob_is_manifest(blob))
        return cosd_blob_open(ci->srv->store, blob);
    cosd_manifest_part_t *parts = NULL;
    size_t n = 0;
    if (cosd_store_manifest(ci->srv->store, blob, &parts, &n) != COSD_ST_OK)
        return -1;
    snprintf(tmp_path, tmp_len, "%s/object-XXXXXX", ci->tmp_dir);
    int out = mkstemp(tmp_path);
    bool ok = out >= 0;
    char buf[1 << 16];
    for (size_t i = 0; ok && i < n; i++) {
        int in = cosd_blob_open(ci->srv->store, parts[i].blob);
        ok = in >= 0;
        ssize_t r;
        while (ok && (r = read(in, buf, sizeof buf)) > 0)
            ok = write(out, buf, (size_t)r) == r;
        if (in >= 0)
            close(in);
    }
    free(parts);
    if (ok && lseek(out, 0, SEEK_SET) == 0)
        return out;
    if (out >= 0)
        close(out);
    if (tmp_path[0])
        unlink(tmp_path);
    tmp_path[0] = 0;
    return -1;
}


/* Runs one claimed job; w NULL (the recogniser could not be loaded) fails it with werr. */

/* The moderation library names the file it read, which is cosd's own (/proc/self/fd/N, a temporary
 * download): a job's message names what the user submitted instead. */
static void shown_message(char *out, size_t len, const char *msg, const char *internal,
                          const char *shown)
{
    size_t il = strlen(internal), o = 0;
    out[0] = '\0';
    for (const char *p = msg; *p && o + 1 < len;) {
        if (il > 0 && strncmp(p, internal, il) == 0) {
            int n = snprintf(out + o, len - o, "%s", shown ? shown : "the input");
            o = n < 0 ? o : (o + (size_t)n < len ? o + (size_t)n : len - 1);
            p += il;
        } else {
            out[o++] = *p++;
            out[o] = '\0';
        }
    }
}

static void run_job(cosd_ci_t *ci, cosm_worker_t *w, const cosm_error_t *werr, const cosd_job_t *j)
{
    cosd_job_end_t end = {0};
    cosm_error_t err = {0};
    char path[1200] = "", tmp_path[1200] = "";
    char msg[512] = "";
    int fd = -1;
    cosd_object_t o = {0};
    char blob[40] = "";
    char *cos_headers = NULL;
    int code = COSM_OK;

    if (!w) {
        code = COSM_ERR_INTERNAL;
        snprintf(msg, sizeof msg, "The moderation worker could not start: %s", werr->message);
    } else if (j->object) {
        /* An overwrite may unlink the blob between the lookup and the open: look up again. */
        cosd_store_rc_t rc = COSD_ST_OK;
        for (int attempt = 0; attempt < 5 && fd < 0 && rc == COSD_ST_OK; attempt++) {
            cosd_object_clear(&o);
            rc = cosd_store_object_get(ci->srv->store, j->bucket, j->object, &o);
            if (rc == COSD_ST_OK)
                fd = open_object_bytes(ci, o.blob, tmp_path, sizeof tmp_path);
        }
        if (fd < 0) {
            code = COSM_ERR_NO_FILE;
            snprintf(msg, sizeof msg, "The object '%.300s' does not exist in bucket %s (any more).",
                     j->object, j->bucket);
        } else {
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            snprintf(blob, sizeof blob, "%s", o.blob);
            cos_headers = meta_headers(o.headers);
        }
    } else {
        code = cosd_ci_fetch(j->url, ci->tmp_dir, &ci->fetch, tmp_path, sizeof tmp_path, msg,
                             sizeof msg);
        if (code == COSM_OK)
            snprintf(path, sizeof path, "%s", tmp_path);
    }

    cosm_result_t *res = NULL;
    if (code == COSM_OK) {
        cJSON *ui = j->user_info ? cJSON_Parse(j->user_info) : NULL;
        cosm_user_field_t fields[16];
        cosm_request_t req = {.biz_type = j->biz_type,
                              .user_info = fields,
                              .n_user_info = user_fields(ui, fields, 16)};
        code = cosm_moderate_file(w, path, &req, &res, &err);
        cJSON_Delete(ui);
        if (code != COSM_OK)
            shown_message(msg, sizeof msg, err.message, path, j->object ? j->object : j->url);
    }
    char *result_json = NULL;
    const uint8_t **clips = NULL;
    size_t *clip_lens = NULL;
    char codebuf[24];
    if (code == COSM_OK) {
        cJSON *jd = cosm_result_to_json(res, false);
        result_json = jd ? cJSON_PrintUnformatted(jd) : NULL;
        cJSON_Delete(jd);
        if (!result_json) {
            code = COSM_ERR_INTERNAL;
            snprintf(msg, sizeof msg, "Out of memory while storing the moderation result.");
        }
    }
    if (code == COSM_OK) {
        end.success = true;
        end.result = result_json;
        if (j->object && j->freeze && freeze_hit(j->freeze, res)) {
            end.forbid = 1;
            end.frozen_key = j->object;
            end.frozen_blob = blob;
        }
        clips = calloc(res->n_sections ? res->n_sections : 1, sizeof *clips);
        clip_lens = calloc(res->n_sections ? res->n_sections : 1, sizeof *clip_lens);
        if (clips && clip_lens) {
            for (size_t i = 0; i < res->n_sections; i++) {
                clips[i] = res->sections[i].clip;
                clip_lens[i] = res->sections[i].clip_len;
            }
            end.clips = clips;
            end.clip_lens = clip_lens;
            end.n_clips = res->n_sections;
        }
    } else {
        snprintf(codebuf, sizeof codebuf, "%d", code);
        end.code = codebuf;
        end.message = msg;
    }
    end.cos_headers = cos_headers;
    if (cosd_jobs_finish(ci->db, j, &end) != 0)
        fprintf(stderr,
                "cosd: job %s: the result could not be stored; it will run again at the "
                "next start\n",
                j->job_id);
    else if (j->callback)
        cosd_ci_wake_callbacks(ci);
    free(clips);
    free(clip_lens);
    free(result_json);
    free(cos_headers);
    cosm_result_free(res);
    if (fd >= 0)
        close(fd);
    if (tmp_path[0])
        unlink(tmp_path);
    cosd_object_clear(&o);
}

static void *worker_main(void *arg)
{
    cosd_ci_t *ci = arg;
    cosm_error_t err = {0};
    cosm_worker_t *w = cosm_worker_new(ci->engine, &err);
    if (!w) /* jobs claimed by this thread fail with the reason instead of waiting forever */
        fprintf(stderr, "cosd: a moderation worker could not start: %s\n", err.message);
    pthread_mutex_lock(&ci->mu);
    while (!ci->stopping) {
        pthread_mutex_unlock(&ci->mu);
        cosd_job_t j = {0};
        int rc = cosd_jobs_claim(ci->db, &j);
        if (rc == 1)
            run_job(ci, w, &err, &j);
        cosd_job_clear(&j);
        pthread_mutex_lock(&ci->mu);
        if (rc != 1 && !ci->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += rc < 0 ? 1 : 5;
            pthread_cond_timedwait(&ci->work_cv, &ci->mu, &ts);
        }
    }
    pthread_mutex_unlock(&ci->mu);
    cosm_worker_free(w);
    return NULL;
}

int cosd_ci_workers_start(cosd_ci_t *ci, int n, char *err, size_t errlen)
{
    ci->workers = calloc((size_t)n, sizeof *ci->workers);
    if (!ci->workers) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (pthread_create(&ci->workers[i], NULL, worker_main, ci) != 0) {
            snprintf(err, errlen, "cannot start moderation worker %d: %s", i, strerror(errno));
            return -1;
        }
        ci->n_workers = i + 1;
    }
    return 0;
}

void cosd_ci_workers_stop(cosd_ci_t *ci)
{
    pthread_mutex_lock(&ci->mu);
    ci->stopping = true;
    pthread_cond_broadcast(&ci->work_cv);
    pthread_cond_broadcast(&ci->cb_cv);
    pthread_mutex_unlock(&ci->mu);
    for (int i = 0; i < ci->n_workers; i++)
        pthread_join(ci->workers[i], NULL);
    free(ci->workers);
    ci->workers = NULL;
    ci->n_workers = 0;
}
