/* cosd_ci_int: internals shared by the CI modules of cosd: the CI context (job database, engine,
 * worker and callback threads), rendering of a stored job as JobsDetail (XML for queries, JSON for
 * callbacks), presigned section URLs, URL fetching. */
#ifndef COSD_CI_INT_H
#define COSD_CI_INT_H

#include <cjson/cJSON.h>
#include <pthread.h>

#include "cosd_ci.h"
#include "cosd_jobs.h"
#include "cosm_engine.h"
#include "cosx_buf.h"

#define COSD_CI_CLIP_URL_SECONDS 7200 /* Section.Url validity */
#define COSD_CI_CB_MAX_ATTEMPTS  5    /* callback deliveries before giving up */
#define COSD_CI_CB_TIMEOUT_S     10
#define COSD_CI_ERR_DOWNLOAD     -65010 /* job code: the Url could not be downloaded */

/* Limits of Url downloads ("moderation": {"url_fetch": {...}} in the configuration). */
typedef struct cosd_ci_fetch_limits {
    uint64_t max_bytes;     /* default 600 MB; larger files fail with -65011 */
    long timeout_s;         /* whole download, default 120 */
    long connect_timeout_s; /* default 10 */
    long max_redirects;     /* default 5 */
} cosd_ci_fetch_limits_t;

struct cosd_ci {
    cosd_ci_fetch_limits_t fetch;
    cosd_server_t *srv;
    cosd_jobs_db_t *db;
    cosm_engine_t *engine; /* NULL when the engine could not be built (engine_err says why) */
    cosm_error_t engine_err;
    char tmp_dir[1100];
    int n_workers;
    pthread_t *workers;
    bool cb_started;
    pthread_t cb_thread;
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a job was submitted */
    pthread_cond_t cb_cv;   /* a callback was queued */
    bool stopping;
};

/* Worker pool and callback thread (cosd_jobs_run.c, cosd_jobs_callback.c). */
int cosd_ci_workers_start(cosd_ci_t *ci, int n, char *err, size_t errlen);
void cosd_ci_workers_stop(cosd_ci_t *ci);
int cosd_ci_callbacks_start(cosd_ci_t *ci, char *err, size_t errlen);
void cosd_ci_callbacks_stop(cosd_ci_t *ci);
void cosd_ci_wake_workers(cosd_ci_t *ci);
void cosd_ci_wake_callbacks(cosd_ci_t *ci);

/* The full JobsDetail of a job as JSON (PascalCase, query field order): Code/Message, DataId,
 * JobId, State, CreationTime, Object/Url, the engine's fields with Section[].Url presigned,
 * UserInfo, ForbidState. only_violating drops sections with Result 0. detail_extras adds BucketId,
 * Region and CosHeaders (Detail callback). NULL when out of memory. */
cJSON *cosd_ci_job_json(const cosd_ci_t *ci, const cosd_job_t *j, bool only_violating,
                        bool detail_extras);
/* Appends the JSON object as XML elements (arrays as repeated elements, numbers as integers). */
bool cosd_ci_json_to_xml(cosx_buf_t *out, const cJSON *obj);
/* Presigned http URL of section idx of a job, valid COSD_CI_CLIP_URL_SECONDS. */
bool cosd_ci_clip_url(const cosd_ci_t *ci, const cosd_job_t *j, int idx, cosx_buf_t *out);

/* Downloads url (http/https only) into a new file under dir within the limits; path receives its
 * name. Returns 0, or a job code (-65010 download failed, -65011 too large) with a message. */
int cosd_ci_fetch(const char *url, const char *dir, const cosd_ci_fetch_limits_t *lim, char *path,
                  size_t pathlen, char *msg, size_t msglen);
/* Reads "url_fetch" of the moderation configuration (conf may be NULL) over the defaults; false
 * with a message naming the key when a value is invalid. */
bool cosd_ci_fetch_limits(const cJSON *conf, cosd_ci_fetch_limits_t *lim, char *err, size_t errlen);

#endif
