/* cosd_jobs_callback: delivers moderation callbacks (COS_PROTOCOL 9.3) from the durable queue of
 * the jobs database: Simple or Detail JSON POSTed with libcurl, retried with exponential backoff
 * (1, 2, 4, 8 s) for at most COSD_CI_CB_MAX_ATTEMPTS attempts; the queue survives restarts. */
#include "cosd_ci_int.h"

#include "cosx_encode.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cosd_ci_wake_callbacks(cosd_ci_t *ci)
{
    pthread_mutex_lock(&ci->mu);
    pthread_cond_broadcast(&ci->cb_cv);
    pthread_mutex_unlock(&ci->mu);
}

/* "PornInfo" -> "porn_info" */
static void snake(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p && n + 2 < cap; p++) {
        if (isupper((unsigned char)*p) && p != in)
            out[n++] = '_';
        out[n++] = (char)tolower((unsigned char)*p);
    }
    out[n] = 0;
}

static cJSON *simple_body(const cosd_job_t *j)
{
    cJSON *root = cJSON_CreateObject();
    bool success = strcmp(j->state, "Success") == 0;
    cJSON_AddNumberToObject(root, "code", success ? 0 : atoi(j->code ? j->code : "-1"));
    cJSON_AddStringToObject(root, "message", success ? "success" : (j->message ? j->message : ""));
    cJSON *d = cJSON_AddObjectToObject(root, "data");
    cJSON_AddStringToObject(d, "event", "ReviewAudio");
    cJSON_AddStringToObject(d, "trace_id", j->job_id);
    if (j->object) {
        cosx_buf_t u = COSX_BUF_INIT;
        cosx_buf_printf(&u, "http://%s.cos.%s.myqcloud.com/", j->bucket, j->region);
        cosx_enc_path(&u, j->object, strlen(j->object));
        cJSON_AddStringToObject(d, "url", cosx_buf_str(&u));
        cosx_buf_free(&u);
    } else {
        cJSON_AddStringToObject(d, "url", j->url ? j->url : "");
    }
    cJSON *res = success && j->result ? cJSON_Parse(j->result) : NULL;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(res, "Result");
    cJSON_AddNumberToObject(d, "result", cJSON_IsNumber(r) ? r->valueint : 0);
    cJSON_AddNumberToObject(d, "forbidden_status", j->forbid);
    if (j->data_id)
        cJSON_AddStringToObject(d, "data_id", j->data_id);
    const cJSON *it;
    cJSON_ArrayForEach(it, res)
    {
        size_t l = strlen(it->string);
        if (l <= 4 || strcmp(it->string + l - 4, "Info") != 0 || !strcmp(it->string, "ListInfo") ||
            !cJSON_IsObject(it))
            continue;
        char key[64];
        snake(it->string, key, sizeof key);
        cJSON *s = cJSON_AddObjectToObject(d, key);
        const cJSON *hf = cJSON_GetObjectItemCaseSensitive(it, "HitFlag");
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(it, "Score");
        const cJSON *lb = cJSON_GetObjectItemCaseSensitive(it, "Label");
        cJSON_AddNumberToObject(s, "hit_flag", cJSON_IsNumber(hf) ? hf->valueint : 0);
        cJSON_AddNumberToObject(s, "score", cJSON_IsNumber(sc) ? sc->valueint : 0);
        cJSON_AddStringToObject(s, "label", cJSON_IsString(lb) ? lb->valuestring : "");
    }
    cJSON_Delete(res);
    cJSON *ch = j->cos_headers ? cJSON_Parse(j->cos_headers) : NULL;
    if (ch)
        cJSON_AddItemToObject(d, "cos_headers", ch);
    return root;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return sz * n;
}

/* POSTs the job's callback: true when the receiver answered 2xx. */
static bool deliver(const cosd_ci_t *ci, const cosd_job_t *j)
{
    bool detail = j->cb_version && strcmp(j->cb_version, "Detail") == 0;
    cJSON *body;
    if (detail) {
        body = cJSON_CreateObject();
        cJSON *jd = cosd_ci_job_json(ci, j, j->cb_type == 2, true);
        if (body && jd) {
            cJSON_AddStringToObject(body, "EventName", "ReviewAudio");
            cJSON_AddItemToObject(body, "JobsDetail", jd);
        } else {
            cJSON_Delete(jd);
        }
    } else {
        body = simple_body(j);
    }
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    if (!text)
        return false;
    CURL *c = curl_easy_init();
    bool ok = false;
    if (c) {
        struct curl_slist *h = NULL;
        h = curl_slist_append(h, "Content-Type: application/json");
        h = curl_slist_append(h, detail ? "X-Ci-Content-Version: Detail"
                                        : "X-Ci-Content-Version: Simple");
        curl_easy_setopt(c, CURLOPT_URL, j->callback);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
        curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)COSD_CI_CB_TIMEOUT_S);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "cosd-ci-callback");
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK &&
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK)
            ok = status >= 200 && status <= 299;
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
    }
    free(text);
    return ok;
}

static void *callback_main(void *arg)
{
    cosd_ci_t *ci = arg;
    pthread_mutex_lock(&ci->mu);
    while (!ci->stopping) {
        pthread_mutex_unlock(&ci->mu);
        int64_t now = (int64_t)time(NULL), id = 0, next_due = 0;
        char job_id[COSD_JOB_ID_LEN + 1];
        int attempts = 0;
        int rc = cosd_jobs_cb_next(ci->db, now, &id, job_id, &attempts, &next_due);
        if (rc == 1) {
            cosd_job_t j = {0};
            int g = cosd_jobs_get(ci->db, job_id, &j);
            if (g == 0 || (g == 1 && !j.callback)) {
                cosd_jobs_cb_done(ci->db, id);
            } else if (g == 1 && deliver(ci, &j)) {
                cosd_jobs_cb_done(ci->db, id);
            } else if (g == 1 && attempts + 1 >= COSD_CI_CB_MAX_ATTEMPTS) {
                fprintf(stderr, "cosd: callback of job %s to %s failed %d times; giving up\n",
                        job_id, j.callback, attempts + 1);
                cosd_jobs_cb_done(ci->db, id);
            } else if (g == 1) {
                cosd_jobs_cb_retry(ci->db, id, (int64_t)time(NULL) + ((int64_t)1 << attempts));
            }
            cosd_job_clear(&j);
        }
        pthread_mutex_lock(&ci->mu);
        if (rc != 1 && !ci->stopping) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t wait = 5;
            if (rc == 0 && next_due > 0 && next_due - now < wait)
                wait = next_due - now > 0 ? next_due - now : 1;
            ts.tv_sec += wait;
            pthread_cond_timedwait(&ci->cb_cv, &ci->mu, &ts);
        }
    }
    pthread_mutex_unlock(&ci->mu);
    return NULL;
}

int cosd_ci_callbacks_start(cosd_ci_t *ci, char *err, size_t errlen)
{
    if (pthread_create(&ci->cb_thread, NULL, callback_main, ci) != 0) {
        snprintf(err, errlen, "cannot start the callback thread: %s", strerror(errno));
        return -1;
    }
    ci->cb_started = true;
    return 0;
}

void cosd_ci_callbacks_stop(cosd_ci_t *ci)
{
    pthread_mutex_lock(&ci->mu);
    ci->stopping = true;
    pthread_cond_broadcast(&ci->cb_cv);
    pthread_mutex_unlock(&ci->mu);
    if (ci->cb_started)
        pthread_join(ci->cb_thread, NULL);
    ci->cb_started = false;
}
