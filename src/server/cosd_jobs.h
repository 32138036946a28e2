/* cosd_jobs: the durable store of CI moderation jobs (DIR/ci/jobs.db, SQLite WAL): job rows and
 * their states (Submitted -> Auditing -> Success | Failed), stored results, section clips, the
 * callback queue and frozen objects. One connection, serialised by a mutex. */
#ifndef COSD_JOBS_H
#define COSD_JOBS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COSD_JOB_ID_LEN 34 /* "sa" + 32 lowercase hex */

typedef struct cosd_jobs_db cosd_jobs_db_t;

typedef struct cosd_job {
    char job_id[COSD_JOB_ID_LEN + 1];
    char *bucket;
    char *region;
    char *host;    /* CI host the job was submitted on (Section.Url and callbacks use it) */
    char *state;   /* Submitted | Auditing | Success | Failed */
    char *created; /* CreationTime */
    char *object;  /* exactly one of object / url */
    char *url;
    char *data_id;     /* NULL when not sent */
    char *user_info;   /* JSON object {Name: value} in request order, NULL when not sent */
    char *biz_type;    /* NULL when not sent */
    char *callback;    /* NULL when not sent */
    char *cb_version;  /* "Simple" | "Detail" */
    int cb_type;       /* 1 | 2 */
    char *freeze;      /* JSON object {"PornScore": n, ...}, NULL when not sent */
    char *code;        /* Failed: job code ("-65010") */
    char *message;     /* Failed: description */
    char *result;      /* Success: JobsDetail JSON from the engine (Section[] without Url) */
    char *cos_headers; /* JSON object of the object's x-cos-meta-* headers, NULL when none */
    int forbid;        /* ForbidState */
} cosd_job_t;

void cosd_job_clear(cosd_job_t *j);

/* Opens (creating) path; moves jobs left Auditing back to Submitted (*requeued tells how many). */
cosd_jobs_db_t *cosd_jobs_db_open(const char *path, int *requeued, char *err, size_t errlen);
void cosd_jobs_db_close(cosd_jobs_db_t *db);

/* 0 ok, -1 database error. */
int cosd_jobs_insert(cosd_jobs_db_t *db, const cosd_job_t *j);
/* 1 found, 0 not found, -1 error. */
int cosd_jobs_get(cosd_jobs_db_t *db, const char *job_id, cosd_job_t *out);
/* Claims the oldest Submitted job (sets Auditing): 1 claimed, 0 none, -1 error. */
int cosd_jobs_claim(cosd_jobs_db_t *db, cosd_job_t *out);
/* Records the end of a job in one transaction: state, code/message or result, forbid, cos_headers,
 * the clips (n_clips WAV files), the freeze of (bucket, key, blob) when forbid == 1 and a queued
 * callback when the job has one. */
typedef struct cosd_job_end {
    bool success;
    const char *code;
    const char *message;
    const char *result;
    const char *cos_headers;
    int forbid;
    const char *frozen_key;  /* object key, when forbid == 1 */
    const char *frozen_blob; /* its blob id */
    const uint8_t *const *clips;
    const size_t *clip_lens;
    size_t n_clips;
} cosd_job_end_t;
int cosd_jobs_finish(cosd_jobs_db_t *db, const cosd_job_t *j, const cosd_job_end_t *end);
/* A stored clip (malloc'd) : 1 found, 0 not found, -1 error. */
int cosd_jobs_clip(cosd_jobs_db_t *db, const char *job_id, int idx, uint8_t **data, size_t *len);
bool cosd_jobs_is_frozen(cosd_jobs_db_t *db, const char *bucket, const char *key, const char *blob);

/* Callback queue: the due entry with the earliest time: 1 (id, job_id, attempts set), 0 none due
 * (*next_due = earliest time or 0 when empty), -1 error. */
int cosd_jobs_cb_next(cosd_jobs_db_t *db, int64_t now, int64_t *id,
                      char job_id[COSD_JOB_ID_LEN + 1], int *attempts, int64_t *next_due);
/* Delivered or abandoned: removes the entry. */
int cosd_jobs_cb_done(cosd_jobs_db_t *db, int64_t id);
/* Failed attempt: attempts + 1, due again at next_at. */
int cosd_jobs_cb_retry(cosd_jobs_db_t *db, int64_t id, int64_t next_at);

/* Fills 34 chars + NUL of "sa" + 32 lowercase hex from the random generator. */
bool cosd_jobs_new_id(char out[COSD_JOB_ID_LEN + 1]);
/* Does s look like a job id (sa + 32 lowercase hex)? */
bool cosd_jobs_id_valid(const char *s);

#endif
