/* cosd_jobs_db: SQLite storage of CI moderation jobs: schema, requeue at open, insert / get / claim
 * / finish, section clips, the callback queue and the frozen-object table (see cosd_jobs.h). */
#include "cosd_jobs.h"

#include "cosx_digest.h"
#include "cosx_encode.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cosd_jobs_db {
    sqlite3 *db;
    pthread_mutex_t mu;
    /* The freeze check runs on every object GET: its statement is prepared once, and it is skipped
     * without taking the lock while no object has ever been frozen (rows are never deleted). */
    sqlite3_stmt *frozen_st;
    atomic_long n_frozen;
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS jobs("
    " job_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, bucket TEXT NOT NULL, region TEXT NOT NULL,"
    " host TEXT NOT NULL, state TEXT NOT NULL, created TEXT NOT NULL, object TEXT, url TEXT,"
    " data_id TEXT, user_info TEXT, biz_type TEXT, callback TEXT, cb_version TEXT NOT NULL,"
    " cb_type INTEGER NOT NULL, freeze TEXT, code TEXT, message TEXT, result TEXT,"
    " cos_headers TEXT, forbid INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);"
    "CREATE TABLE IF NOT EXISTS clips(job_id TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT "
    "NULL,"
    " PRIMARY KEY(job_id, idx));"
    "CREATE TABLE IF NOT EXISTS callbacks(id INTEGER PRIMARY KEY, job_id TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS freezes(bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT "
    "NULL,"
    " job_id TEXT NOT NULL, PRIMARY KEY(bucket, key, blob));";

#define JOB_COLS                                                                                   \
    "job_id, bucket, region, host, state, created, object, url, data_id, user_info, biz_type, "    \
    "callback, cb_version, cb_type, freeze, code, message, result, cos_headers, forbid"

void cosd_job_clear(cosd_job_t *j)
{
    char **s[] = {&j->bucket,   &j->region,     &j->host,    &j->state,     &j->created,
                  &j->object,   &j->url,        &j->data_id, &j->user_info, &j->biz_type,
                  &j->callback, &j->cb_version, &j->freeze,  &j->code,      &j->message,
                  &j->result,   &j->cos_headers};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        free(*s[i]);
        *s[i] = NULL;
    }
    j->job_id[0] = 0;
    j->cb_type = 1;
    j->forbid = 0;
}

static void db_log(sqlite3 *db, const char *what)
{
    fprintf(stderr, "cosd: jobs database: %s: %s\n", what, sqlite3_errmsg(db));
}

cosd_jobs_db_t *cosd_jobs_db_open(const char *path, int *requeued, char *err, size_t errlen)
{
    cosd_jobs_db_t *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &d->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open the jobs database %s: %s", path,
                 d->db ? sqlite3_errmsg(d->db) : "out of memory");
        sqlite3_close(d->db);
        free(d);
        return NULL;
    }
    sqlite3_busy_timeout(d->db, 10000);
    char *msg = NULL;
    if (sqlite3_exec(d->db, schema, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(d->db, "UPDATE jobs SET state='Submitted' WHERE state='Auditing'", NULL, NULL,
                     &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot prepare the jobs database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(d->db);
        free(d);
        return NULL;
    }
    if (requeued)
        *requeued = sqlite3_changes(d->db);
    sqlite3_stmt *count = NULL;
    long n = 0;
    if (sqlite3_prepare_v2(d->db, "SELECT count(*) FROM freezes", -1, &count, NULL) == SQLITE_OK &&
        sqlite3_step(count) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
    atomic_init(&d->n_frozen, n);
    if (sqlite3_prepare_v3(d->db, "SELECT 1 FROM freezes WHERE bucket=?1 AND key=?2 AND blob=?3", -1,
                           SQLITE_PREPARE_PERSISTENT, &d->frozen_st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot prepare the jobs database %s: %s", path, sqlite3_errmsg(d->db));
        sqlite3_close(d->db);
        free(d);
        return NULL;
    }
    pthread_mutex_init(&d->mu, NULL);
    return d;
}

void cosd_jobs_db_close(cosd_jobs_db_t *d)
{
    if (!d)
        return;
    sqlite3_finalize(d->frozen_st);
    sqlite3_close(d->db);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

static void read_job(sqlite3_stmt *st, cosd_job_t *j)
{
    const unsigned char *id = sqlite3_column_text(st, 0);
    snprintf(j->job_id, sizeof j->job_id, "%s", id ? (const char *)id : "");
    j->bucket = col_dup(st, 1);
    j->region = col_dup(st, 2);
    j->host = col_dup(st, 3);
    j->state = col_dup(st, 4);
    j->created = col_dup(st, 5);
    j->object = col_dup(st, 6);
    j->url = col_dup(st, 7);
    j->data_id = col_dup(st, 8);
    j->user_info = col_dup(st, 9);
    j->biz_type = col_dup(st, 10);
    j->callback = col_dup(st, 11);
    j->cb_version = col_dup(st, 12);
    j->cb_type = sqlite3_column_int(st, 13);
    j->freeze = col_dup(st, 14);
    j->code = col_dup(st, 15);
    j->message = col_dup(st, 16);
    j->result = col_dup(st, 17);
    j->cos_headers = col_dup(st, 18);
    j->forbid = sqlite3_column_int(st, 19);
}

int cosd_jobs_insert(cosd_jobs_db_t *d, const cosd_job_t *j)
{
    static const char sql[] =
        "INSERT INTO jobs(" JOB_COLS ", seq) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
        "?15,?16,?17,?18,?19,?20,(SELECT IFNULL(MAX(seq),0)+1 FROM jobs))";
    int rc = -1;
    pthread_mutex_lock(&d->mu);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) == SQLITE_OK) {
        const char *t[] = {j->job_id,   j->bucket,   j->region,    j->host,    j->state,
                           j->created,  j->object,   j->url,       j->data_id, j->user_info,
                           j->biz_type, j->callback, j->cb_version};
        for (int i = 0; i < 13; i++)
            bind_text(st, i + 1, t[i]);
        sqlite3_bind_int(st, 14, j->cb_type);
        bind_text(st, 15, j->freeze);
        bind_text(st, 16, j->code);
        bind_text(st, 17, j->message);
        bind_text(st, 18, j->result);
        bind_text(st, 19, j->cos_headers);
        sqlite3_bind_int(st, 20, j->forbid);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    }
    if (rc)
        db_log(d->db, "insert job");
    sqlite3_finalize(st);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static int get_locked(cosd_jobs_db_t *d, const char *job_id, cosd_job_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(d->db, "SELECT " JOB_COLS " FROM jobs WHERE job_id=?1", -1, &st, NULL) ==
        SQLITE_OK) {
        bind_text(st, 1, job_id);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            read_job(st, out);
            rc = 1;
        } else if (s == SQLITE_DONE) {
            rc = 0;
        }
    }
    if (rc < 0)
        db_log(d->db, "read job");
    sqlite3_finalize(st);
    return rc;
}

int cosd_jobs_get(cosd_jobs_db_t *d, const char *job_id, cosd_job_t *out)
{
    pthread_mutex_lock(&d->mu);
    int rc = get_locked(d, job_id, out);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

int cosd_jobs_claim(cosd_jobs_db_t *d, cosd_job_t *out)
{
    int rc = -1;
    pthread_mutex_lock(&d->mu);
    sqlite3_stmt *st = NULL;
    char id[COSD_JOB_ID_LEN + 1] = "";
    if (sqlite3_prepare_v2(d->db,
                           "SELECT job_id FROM jobs WHERE state='Submitted' ORDER BY seq LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            snprintf(id, sizeof id, "%s", (const char *)sqlite3_column_text(st, 0));
            rc = 1;
        } else if (s == SQLITE_DONE) {
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 1) {
        rc = -1;
        if (sqlite3_prepare_v2(d->db, "UPDATE jobs SET state='Auditing' WHERE job_id=?1", -1, &st,
                               NULL) == SQLITE_OK) {
            bind_text(st, 1, id);
            if (sqlite3_step(st) == SQLITE_DONE)
                rc = get_locked(d, id, out);
        }
        sqlite3_finalize(st);
    }
    if (rc < 0)
        db_log(d->db, "claim job");
    pthread_mutex_unlock(&d->mu);
    return rc;
}

static bool exec_stmt(sqlite3 *db, const char *sql, const char *const *texts, int nt,
                      const int64_t *ints, int ni)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < nt; i++)
        bind_text(st, i + 1, texts[i]);
    for (int i = 0; ok && i < ni; i++)
        sqlite3_bind_int64(st, nt + i + 1, ints[i]);
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

int cosd_jobs_finish(cosd_jobs_db_t *d, const cosd_job_t *j, const cosd_job_end_t *e)
{
    pthread_mutex_lock(&d->mu);
    bool ok = sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (ok) {
        const char *t[] = {e->success ? "Success" : "Failed",
                           e->code,
                           e->message,
                           e->result,
                           e->cos_headers,
                           j->job_id};
        const char *sql = "UPDATE jobs SET state=?1, code=?2, message=?3, result=?4, "
                          "cos_headers=?5, forbid=?7 WHERE job_id=?6";
        int64_t forbid = e->forbid;
        ok = exec_stmt(d->db, sql, t, 6, &forbid, 1);
    }
    for (size_t i = 0; ok && i < e->n_clips; i++) {
        if (!e->clips[i])
            continue;
        sqlite3_stmt *st = NULL;
        ok = sqlite3_prepare_v2(d->db,
                                "INSERT OR REPLACE INTO clips(job_id, idx, data) VALUES(?1,?2,?3)",
                                -1, &st, NULL) == SQLITE_OK;
        if (ok) {
            bind_text(st, 1, j->job_id);
            sqlite3_bind_int(st, 2, (int)i);
            sqlite3_bind_blob64(st, 3, e->clips[i], e->clip_lens[i], SQLITE_STATIC);
            ok = sqlite3_step(st) == SQLITE_DONE;
        }
        sqlite3_finalize(st);
    }
    if (ok && e->forbid == 1 && e->frozen_key && e->frozen_blob) {
        const char *t[] = {j->bucket, e->frozen_key, e->frozen_blob, j->job_id};
        ok = exec_stmt(
            d->db, "INSERT OR REPLACE INTO freezes(bucket, key, blob, job_id) VALUES(?1,?2,?3,?4)",
            t, 4, NULL, 0);
    }
    if (ok && j->callback) {
        const char *t[] = {j->job_id};
        int64_t now = 0;
        ok = exec_stmt(d->db, "INSERT INTO callbacks(job_id, attempts, next_at) VALUES(?1, 0, ?2)",
                       t, 1, &now, 1);
    }
    if (ok)
        ok = sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (ok && e->forbid == 1 && e->frozen_key && e->frozen_blob)
        atomic_fetch_add(&d->n_frozen, 1);
    if (!ok) {
        db_log(d->db, "finish job");
        sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&d->mu);
    return ok ? 0 : -1;
}

int cosd_jobs_clip(cosd_jobs_db_t *d, const char *job_id, int idx, uint8_t **data, size_t *len)
{
    int rc = -1;
    pthread_mutex_lock(&d->mu);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->db, "SELECT data FROM clips WHERE job_id=?1 AND idx=?2", -1, &st,
                           NULL) == SQLITE_OK) {
        bind_text(st, 1, job_id);
        sqlite3_bind_int(st, 2, idx);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            size_t n = (size_t)sqlite3_column_bytes(st, 0);
            const void *p = sqlite3_column_blob(st, 0);
            *data = malloc(n ? n : 1);
            if (*data) {
                if (n)
                    memcpy(*data, p, n);
                *len = n;
                rc = 1;
            }
        } else if (s == SQLITE_DONE) {
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

bool cosd_jobs_is_frozen(cosd_jobs_db_t *d, const char *bucket, const char *key, const char *blob)
{
    if (atomic_load(&d->n_frozen) == 0)
        return false;
    pthread_mutex_lock(&d->mu);
    sqlite3_stmt *st = d->frozen_st;
    bind_text(st, 1, bucket);
    bind_text(st, 2, key);
    bind_text(st, 3, blob);
    bool frozen = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    pthread_mutex_unlock(&d->mu);
    return frozen;
}

int cosd_jobs_cb_next(cosd_jobs_db_t *d, int64_t now, int64_t *id, char job_id[COSD_JOB_ID_LEN + 1],
                      int *attempts, int64_t *next_due)
{
    int rc = -1;
    *next_due = 0;
    pthread_mutex_lock(&d->mu);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            d->db,
            "SELECT id, job_id, attempts, next_at FROM callbacks ORDER BY next_at, id "
            "LIMIT 1",
            -1, &st, NULL) == SQLITE_OK) {
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            int64_t at = sqlite3_column_int64(st, 3);
            if (at <= now) {
                *id = sqlite3_column_int64(st, 0);
                snprintf(job_id, COSD_JOB_ID_LEN + 1, "%s",
                         (const char *)sqlite3_column_text(st, 1));
                *attempts = sqlite3_column_int(st, 2);
                rc = 1;
            } else {
                *next_due = at;
                rc = 0;
            }
        } else if (s == SQLITE_DONE) {
            rc = 0;
        }
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&d->mu);
    return rc;
}

int cosd_jobs_cb_done(cosd_jobs_db_t *d, int64_t id)
{
    pthread_mutex_lock(&d->mu);
    bool ok = exec_stmt(d->db, "DELETE FROM callbacks WHERE id=?1", NULL, 0, &id, 1);
    pthread_mutex_unlock(&d->mu);
    return ok ? 0 : -1;
}

int cosd_jobs_cb_retry(cosd_jobs_db_t *d, int64_t id, int64_t next_at)
{
    int64_t v[2] = {next_at, id};
    pthread_mutex_lock(&d->mu);
    bool ok = exec_stmt(d->db, "UPDATE callbacks SET attempts=attempts+1, next_at=?1 WHERE id=?2",
                        NULL, 0, v, 2);
    pthread_mutex_unlock(&d->mu);
    return ok ? 0 : -1;
}

bool cosd_jobs_new_id(char out[COSD_JOB_ID_LEN + 1])
{
    unsigned char rnd[16];
    if (!cosx_random_bytes(rnd, sizeof rnd))
        return false;
    out[0] = 's';
    out[1] = 'a';
    cosx_hex_encode(rnd, sizeof rnd, out + 2);
    out[COSD_JOB_ID_LEN] = 0;
    return true;
}

bool cosd_jobs_id_valid(const char *s)
{
    if (strncmp(s, "sa", 2) != 0 || strlen(s) != COSD_JOB_ID_LEN)
        return false;
    for (const char *p = s + 2; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}
