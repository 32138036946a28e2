/* cosd_ci: the CI host of cosd: opening/closing the moderation job machinery, routing CI requests
 * (submit, query, section clips) with CI errors (COS_PROTOCOL 9.5), and the freeze check. */
#include "cosd_ci_int.h"

#include "cosd_api.h"
#include "cosx_xml.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef COSD_SOURCE_LIBRARY_DIR
#define COSD_SOURCE_LIBRARY_DIR ""
#endif

void cosd_ci_submit(cosd_ci_t *ci, cosd_req_t *r);

static bool make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0700) == 0 || errno == EEXIST)
        return true;
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    return false;
}

/* Downloads interrupted by a crash leave files in the temporary directory. */
static void clean_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[1400];
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "fetch-", 6) != 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
}

cosd_ci_t *cosd_ci_open(cosd_server_t *srv, const cosd_config_t *cfg, int workers, char *err,
                        size_t errlen)
{
    cosd_ci_t *ci = calloc(1, sizeof *ci);
    if (!ci) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    ci->srv = srv;
    pthread_mutex_init(&ci->mu, NULL);
    pthread_cond_init(&ci->work_cv, NULL);
    pthread_cond_init(&ci->cb_cv, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    char dir[1100], dbpath[1200];
    snprintf(dir, sizeof dir, "%s/ci", cfg->data_dir);
    snprintf(ci->tmp_dir, sizeof ci->tmp_dir, "%s/ci/tmp", cfg->data_dir);
    snprintf(dbpath, sizeof dbpath, "%s/jobs.db", dir);
    if (!make_dir(dir, err, errlen) || !make_dir(ci->tmp_dir, err, errlen))
        goto fail;
    clean_tmp(ci->tmp_dir);
    int requeued = 0;
    ci->db = cosd_jobs_db_open(dbpath, &requeued, err, errlen);
    if (!ci->db)
        goto fail;
    if (requeued)
        fprintf(stderr, "cosd: %d moderation job(s) interrupted by the last stop run again\n",
                requeued);

    cJSON *conf = NULL;
    if (cfg->moderation_json) {
        conf = cJSON_Parse(cfg->moderation_json);
        if (!conf) {
            snprintf(err, errlen, "the \"moderation\" configuration is not valid JSON");
            goto fail;
        }
    }
    /* --workers wins over "moderation": {"workers": N}; default one per core. */
    const cJSON *cw = cJSON_GetObjectItemCaseSensitive(conf, "workers");
    if (workers <= 0 && cw) {
        if (!cJSON_IsNumber(cw) || cw->valuedouble < 1 || cw->valuedouble > 256) {
            snprintf(err, errlen, "moderation.workers must be a number from 1 to 256");
            cJSON_Delete(conf);
            goto fail;
        }
        workers = cw->valueint;
    }
    if (!cosd_ci_fetch_limits(conf, &ci->fetch, err, errlen)) {
        cJSON_Delete(conf);
        goto fail;
    }
    const char *libdir = NULL;
    static const char source_dir[] = COSD_SOURCE_LIBRARY_DIR; /* "" when not built from a tree */
    if (!cJSON_GetObjectItemCaseSensitive(conf, "library_dir") &&
        access(cosm_default_library_dir(), R_OK) != 0 && source_dir[0] &&
        access(source_dir, R_OK) == 0)
        libdir = source_dir;
    ci->engine = cosm_engine_new(conf, libdir, &ci->engine_err);
    cJSON_Delete(conf);
    if (!ci->engine) {
        if (ci->engine_err.code == COSM_ERR_CONFIG) {
            snprintf(err, errlen, "moderation configuration: %s", ci->engine_err.message);
            goto fail;
        }
        fprintf(stderr, "cosd: the moderation engine is unavailable (%s); CI jobs are refused\n",
                ci->engine_err.message);
    }
    long n = workers > 0 ? workers : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (ci->engine && cosd_ci_workers_start(ci, (int)n, err, errlen))
        goto fail;
    if (cosd_ci_callbacks_start(ci, err, errlen))
        goto fail;
    srv->ci.start = cosd_ci_handle;
    srv->ci.ctx = ci;
    return ci;
fail:
    cosd_ci_close(ci);
    return NULL;
}

void cosd_ci_close(cosd_ci_t *ci)
{
    if (!ci)
        return;
    if (ci->srv && ci->srv->ci.ctx == ci) {
        ci->srv->ci.start = NULL;
        ci->srv->ci.ctx = NULL;
    }
    cosd_ci_workers_stop(ci);
    cosd_ci_callbacks_stop(ci);
    cosm_engine_free(ci->engine);
    cosd_jobs_db_close(ci->db);
    pthread_cond_destroy(&ci->work_cv);
    pthread_cond_destroy(&ci->cb_cv);
    pthread_mutex_destroy(&ci->mu);
    curl_global_cleanup();
    free(ci);
}

bool cosd_ci_frozen(void *ctx, const char *bucket, const char *key, const char *blob)
{
    cosd_ci_t *ci = ctx;
    return ci && cosd_jobs_is_frozen(ci->db, bucket, key, blob);
}

/* Loads the job named by the request, replying with an error when it is unknown here. */
static bool load_job(cosd_req_t *r, cosd_ci_t *ci, const char *id, cosd_job_t *j)
{
    int rc = cosd_jobs_id_valid(id) ? cosd_jobs_get(ci->db, id, j) : 0;
    if (rc < 0) {
        cosd_reply_error(r, 500, "InternalError", "The jobs database could not be read.");
        return false;
    }
    if (rc == 0 || strcmp(j->bucket, r->route.bucket) != 0) {
        cosd_job_clear(j);
        cosd_reply_error(r, 400, "InvalidArgument",
                         "The JobId '%.64s' does not exist in bucket %s (job ids look like sa "
                         "followed by 32 lowercase hex digits).",
                         id, r->route.bucket);
        return false;
    }
    return true;
}

static void query_job(cosd_req_t *r, cosd_ci_t *ci, const char *id)
{
    cosd_job_t j = {0};
    if (!load_job(r, ci, id, &j))
        return;
    cJSON *jd = cosd_ci_job_json(ci, &j, false, false);
    cosx_buf_t b = COSX_BUF_INIT;
    bool ok = jd && cosx_xml_decl(&b) && cosx_xml_open(&b, "Response") &&
              cosx_xml_open(&b, "JobsDetail") && cosd_ci_json_to_xml(&b, jd) &&
              cosx_xml_close(&b, "JobsDetail") && cosx_xml_elem(&b, "RequestId", r->request_id) &&
              cosx_xml_close(&b, "Response");
    cJSON_Delete(jd);
    cosd_job_clear(&j);
    if (!ok) {
        cosx_buf_free(&b);
        cosd_reply_error(r, 500, "InternalError", "Out of memory while building the job result.");
        return;
    }
    cosd_reply_xml(r, 200, &b);
}

static void get_clip(cosd_req_t *r, cosd_ci_t *ci, const char *id, const char *rest)
{
    char *end = NULL;
    long idx = strtol(rest, &end, 10);
    if (end == rest || idx < 0 || idx > 1000000 || strcmp(end, ".wav") != 0) {
        cosd_reply_error(
            r, 400, "InvalidArgument",
            "A section clip is addressed as /audio/auditing/<JobId>/sections/<n>.wav.");
        return;
    }
    cosd_job_t j = {0};
    if (!load_job(r, ci, id, &j))
        return;
    cosd_job_clear(&j);
    uint8_t *data = NULL;
    size_t len = 0;
    int rc = cosd_jobs_clip(ci->db, id, (int)idx, &data, &len);
    if (rc <= 0) {
        if (rc < 0)
            cosd_reply_error(r, 500, "InternalError", "The section clip could not be read.");
        else
            cosd_reply_error(r, 400, "ResourceNotFound",
                             "Job %s has no section %ld (or its clips were not kept).", id, idx);
        return;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(data);
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "audio/wav");
    cosd_reply(r, 200, resp);
}

void cosd_ci_handle(void *ctx, cosd_req_t *r)
{
    cosd_ci_t *ci = ctx;
    if (!r->route.bucket[0]) {
        cosd_reply_error(r, 400, "InvalidHost",
                         "Audio moderation jobs are addressed on the bucket's CI host "
                         "<bucket>-<appid>.ci.<region>.<suffix>.");
        return;
    }
    if (r->anonymous) {
        cosd_reply_error(r, 401, "MissingAuthorization",
                         "CI requests must be signed (Authorization header or signed URL).");
        return;
    }
    cosd_bucket_t b;
    if (!cosd_bucket_access(r, &b, false, false))
        return;
    const char *p = r->route.path ? r->route.path : "/";
    static const char base[] = "/audio/auditing";
    size_t bl = sizeof base - 1;
    if (strncmp(p, base, bl) != 0 || (p[bl] && p[bl] != '/')) {
        cosd_reply_error(
            r, 400, "InvalidArgument",
            "cosd's CI API serves POST /audio/auditing and GET /audio/auditing/<JobId> "
            "only; '%.200s' is not one of them.",
            p);
        return;
    }
    const char *rest = p[bl] == '/' ? p + bl + 1 : "";
    if (!*rest) {
        if (strcmp(r->method, "POST") != 0) {
            cosd_reply_error(r, 405, "MethodNotAllowed",
                             "%s is not allowed on /audio/auditing; submit jobs with POST.",
                             r->method);
            return;
        }
        if (!ci->engine) {
            cosd_reply_error(r, 500, "InternalError",
                             "The moderation engine of this cosd is unavailable: %s",
                             ci->engine_err.message);
            return;
        }
        cosd_ci_submit(ci, r);
        return;
    }
    if (strcmp(r->method, "GET") != 0 && !r->is_head) {
        cosd_reply_error(r, 405, "MethodNotAllowed",
                         "%s is not allowed on a job; query it with GET.", r->method);
        return;
    }
    char id[COSD_JOB_ID_LEN + 8];
    size_t il = strcspn(rest, "/");
    snprintf(id, sizeof id, "%.*s", (int)(il < sizeof id - 1 ? il : sizeof id - 1), rest);
    if (!rest[il]) {
        query_job(r, ci, id);
        return;
    }
    static const char secs[] = "/sections/";
    if (strncmp(rest + il, secs, sizeof secs - 1) == 0) {
        get_clip(r, ci, id, rest + il + sizeof secs - 1);
        return;
    }
    cosd_reply_error(r, 400, "InvalidArgument", "Unknown job resource '%.200s'.", p);
}
