/* cosd_store: SQLite (WAL) metadata with a small pool of connections shared by the HTTP threads,
 * and the accounts and buckets tables. Objects and blob files are in cosd_store_obj.c. */
#include "cosd_fault.h"
#include "cosx_encode.h"
#include "cosd_store_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS accounts(secret_id TEXT PRIMARY KEY, appid TEXT NOT NULL,"
    " secret_key TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS buckets(name TEXT PRIMARY KEY, appid TEXT NOT NULL, region TEXT "
    "NOT NULL,"
    " acl TEXT NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS objects(bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT "
    "NULL,"
    " etag TEXT NOT NULL, crc64 INTEGER NOT NULL, mtime INTEGER NOT NULL, content_type TEXT NOT "
    "NULL,"
    " headers TEXT NOT NULL, storage_class TEXT NOT NULL, acl TEXT NOT NULL, blob TEXT NOT NULL,"
    " PRIMARY KEY(bucket, key)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS objects_blob ON objects(blob);"
    /* Multipart: uploads in progress, their parts, and the part lists (manifests) of completed
     * multipart objects, whose objects.blob is the manifest id ('m' + 32 hex, never a file). */
    "CREATE TABLE IF NOT EXISTS uploads(id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT "
    "NULL, initiated INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL,"
    " storage_class TEXT NOT NULL, acl TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS uploads_bk ON uploads(bucket, key, id);"
    "CREATE TABLE IF NOT EXISTS upload_parts(upload_id TEXT NOT NULL, number INTEGER NOT NULL,"
    " size INTEGER NOT NULL, etag TEXT NOT NULL, crc64 INTEGER NOT NULL, mtime INTEGER NOT NULL,"
    " blob TEXT NOT NULL, PRIMARY KEY(upload_id, number)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS upload_parts_blob ON upload_parts(blob);"
    "CREATE TABLE IF NOT EXISTS manifests(id TEXT NOT NULL, seq INTEGER NOT NULL, blob TEXT NOT "
    "NULL, size INTEGER NOT NULL, PRIMARY KEY(id, seq)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS manifests_blob ON manifests(blob);"
    /* One row rewritten after a failed commit (cosd_conn_rollback). */
    "CREATE TABLE IF NOT EXISTS wal_seal(id INTEGER PRIMARY KEY, at INTEGER NOT NULL);";

static const char *const stmt_sql[COSD_STMT_COUNT] = {
    [COSD_STMT_BEGIN] = "BEGIN IMMEDIATE",
    [COSD_STMT_COMMIT] = "COMMIT",
    [COSD_STMT_ROLLBACK] = "ROLLBACK",
    [COSD_STMT_ACCOUNTS] =
        "SELECT appid, secret_id, secret_key FROM accounts ORDER BY created, secret_id",
    [COSD_STMT_ACCOUNT_ADD] =
        "INSERT OR REPLACE INTO accounts(secret_id, appid, secret_key, created) VALUES(?,?,?,?)",
    [COSD_STMT_BUCKET_INSERT] =
        "INSERT INTO buckets(name, appid, region, acl, created) VALUES(?,?,?,?,?)",
    [COSD_STMT_BUCKET_GET] = "SELECT name, appid, region, acl, created FROM buckets WHERE name=?",
    [COSD_STMT_BUCKET_HAS_OBJECTS] = "SELECT 1 FROM objects WHERE bucket=?1 UNION ALL"
                                     " SELECT 1 FROM uploads WHERE bucket=?1 LIMIT 1",
    [COSD_STMT_BUCKET_DELETE] = "DELETE FROM buckets WHERE name=?",
    [COSD_STMT_BUCKET_LIST] =
        "SELECT name, appid, region, acl, created FROM buckets WHERE appid=? ORDER BY name",
    [COSD_STMT_OBJ_GET] =
        "SELECT key, size, etag, crc64, mtime, content_type, headers, storage_class, acl, blob"
        " FROM objects WHERE bucket=? AND key=?",
    [COSD_STMT_OBJ_BLOB] = "SELECT blob FROM objects WHERE bucket=? AND key=?",
    [COSD_STMT_OBJ_PUT] =
        "INSERT OR REPLACE INTO objects(bucket, key, size, etag, crc64, mtime, content_type,"
        " headers, storage_class, acl, blob) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    [COSD_STMT_OBJ_DELETE] = "DELETE FROM objects WHERE bucket=? AND key=?",
    [COSD_STMT_BLOB_USED] = "SELECT 1 FROM objects WHERE blob=?1 UNION ALL SELECT 1 FROM"
                            " upload_parts WHERE blob=?1 UNION ALL SELECT 1 FROM manifests"
                            " WHERE blob=?1 LIMIT 1",
    [COSD_STMT_OBJ_REFS] = "SELECT 1 FROM objects WHERE blob=? LIMIT 1",
    [COSD_STMT_UP_INSERT] = "INSERT INTO uploads(id, bucket, key, initiated, content_type, headers,"
                            " storage_class, acl) VALUES(?,?,?,?,?,?,?,?)",
    [COSD_STMT_UP_GET] = "SELECT id, key, initiated, content_type, headers, storage_class, acl"
                         " FROM uploads WHERE id=?1 AND bucket=?2 AND key=?3",
    [COSD_STMT_UP_DELETE] = "DELETE FROM uploads WHERE id=?",
    [COSD_STMT_UP_SCAN] =
        "SELECT id, key, initiated, content_type, headers, storage_class, acl FROM uploads"
        " WHERE bucket=?1 AND (key > ?2 OR (key = ?2 AND id > ?3)) AND key >= ?4"
        " ORDER BY key, id",
    [COSD_STMT_PART_BLOB] = "SELECT blob FROM upload_parts WHERE upload_id=? AND number=?",
    [COSD_STMT_PART_PUT] = "INSERT OR REPLACE INTO upload_parts(upload_id, number, size, etag,"
                           " crc64, mtime, blob) VALUES(?,?,?,?,?,?,?)",
    [COSD_STMT_PART_LIST] = "SELECT number, size, etag, crc64, mtime, blob FROM upload_parts"
                            " WHERE upload_id=?1 AND number > ?2 ORDER BY number LIMIT ?3",
    [COSD_STMT_PART_DELETE_ALL] = "DELETE FROM upload_parts WHERE upload_id=?",
    [COSD_STMT_MAN_INSERT] = "INSERT INTO manifests(id, seq, blob, size) VALUES(?,?,?,?)",
    [COSD_STMT_MAN_LIST] = "SELECT blob, size FROM manifests WHERE id=? ORDER BY seq",
    [COSD_STMT_MAN_DELETE] = "DELETE FROM manifests WHERE id=?",
    [COSD_STMT_SEAL] = "INSERT OR REPLACE INTO wal_seal(id, at) VALUES(1, ?)",
    [COSD_STMT_OBJ_SCAN] =
        "SELECT key, size, etag, crc64, mtime, content_type, headers, storage_class, acl, blob"
        " FROM objects WHERE bucket=?1 AND key > ?2 AND key >= ?3 ORDER BY key LIMIT ?4",
    [COSD_STMT_OBJ_LOOKUP] =
        "SELECT b.name, b.appid, b.region, b.acl, b.created, o.key, o.size, o.etag, o.crc64, "
        "o.mtime,"
        " o.content_type, o.headers, o.storage_class, o.acl, o.blob FROM buckets b"
        " LEFT JOIN objects o ON o.bucket = b.name AND o.key = ?2 WHERE b.name = ?1",
};

void cosd_store_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cosd: store: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

cosd_conn_t *cosd_conn_acquire(cosd_store_t *st)
{
    pthread_mutex_lock(&st->mu);
    for (;;) {
        for (int i = 0; i < st->nconn; i++) {
            if (!st->conns[i].busy) {
                st->conns[i].busy = true;
                pthread_mutex_unlock(&st->mu);
                return &st->conns[i];
            }
        }
        pthread_cond_wait(&st->cv, &st->mu);
    }
}

void cosd_conn_release(cosd_store_t *st, cosd_conn_t *c)
{
    pthread_mutex_lock(&st->mu);
    c->busy = false;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
}

sqlite3_stmt *cosd_conn_stmt(cosd_conn_t *c, cosd_stmt_id_t id)
{
    sqlite3_stmt *s = c->stmts[id];
    if (!s) {
        if (sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
            SQLITE_OK) {
            cosd_store_log("prepare failed: %s", sqlite3_errmsg(c->db));
            return NULL;
        }
        c->stmts[id] = s;
    } else {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    return s;
}

bool cosd_conn_exec(cosd_conn_t *c, cosd_stmt_id_t id)
{
    /* A transaction left open by a ROLLBACK that failed (I/O error) is ended before the next. */
    if (id == COSD_STMT_BEGIN && !sqlite3_get_autocommit(c->db) &&
        !cosd_conn_exec(c, COSD_STMT_ROLLBACK))
        return false;
    sqlite3_stmt *s = cosd_conn_stmt(c, id);
    if (!s)
        return false;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (id == COSD_STMT_COMMIT) {
        c->commit_failed = rc != SQLITE_DONE;
        /* Any commit overwrites what a failed one left in the WAL. */
        if (rc == SQLITE_DONE && atomic_load_explicit(&c->st->unsealed, memory_order_relaxed))
            atomic_store(&c->st->unsealed, false);
    }
    if (rc != SQLITE_DONE) {
        cosd_store_log("%s failed: %s", stmt_sql[id], sqlite3_errmsg(c->db));
        return false;
    }
    return true;
}

cosd_store_rc_t cosd_conn_rollback(cosd_conn_t *c, cosd_store_rc_t rc)
{
    if (rc == COSD_ST_ERROR && sqlite3_errcode(c->db) == SQLITE_FULL)
        rc = COSD_ST_FULL;
    /* SQLite itself rolls back a transaction whose COMMIT failed. */
    if (!sqlite3_get_autocommit(c->db))
        cosd_conn_exec(c, COSD_STMT_ROLLBACK);
    if (c->commit_failed) {
        bool sealed = false;
        if (cosd_conn_exec(c, COSD_STMT_BEGIN)) {
            sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_SEAL);
            if (s) {
                sqlite3_bind_int64(s, 1, (sqlite3_int64)time(NULL));
                int r = sqlite3_step(s);
                sqlite3_reset(s);
                sealed = r == SQLITE_DONE && cosd_conn_exec(c, COSD_STMT_COMMIT);
            }
            if (!sealed && !sqlite3_get_autocommit(c->db))
                cosd_conn_exec(c, COSD_STMT_ROLLBACK);
        }
        c->commit_failed = false;
        if (!sealed) {
            cosd_store_log("a failed commit could not be sealed: the files of failed requests are"
                           " kept until the next successful commit and removed at restart");
            atomic_store(&c->st->unsealed, true);
        }
    }
    return rc;
}

const char *cosd_store_rc_hint(cosd_store_rc_t rc)
{
    switch (rc) {
    case COSD_ST_FULL:
        return " The disk of the cosd data directory is full: free space on it, then retry.";
    case COSD_ST_ERROR:
        return " The storage of cosd reported an I/O or database error (details in the cosd log);"
               " retry, and check the disk of the cosd data directory if it persists.";
    default:
        return "";
    }
}

bool cosd_mkdir_p(const char *path)
{
    char tmp[1200];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return false;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0700) && errno != EEXIST)
                return false;
            *p = '/';
        }
    }
    return !(mkdir(tmp, 0700) && errno != EEXIST);
}

static bool open_conn(cosd_store_t *st, cosd_conn_t *c, bool first, char *err, size_t errlen)
{
    c->st = st;
    char path[1200];
    snprintf(path, sizeof path, "%s/cosd.db", st->dir);
    int rc = sqlite3_open_v2(
        path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
        COSD_SQLITE_VFS);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database %s: %s", path,
                 c->db ? sqlite3_errmsg(c->db) : "out of memory");
        return false;
    }
    sqlite3_busy_timeout(c->db, 30000);
    char *msg = NULL;
    const char *pragmas =
        first ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
              : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
        (first && sqlite3_exec(c->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK)) {
        snprintf(err, errlen, "cannot initialise database %s: %s", path,
                 msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return false;
    }
    /* Prepare every statement now: a broken one is a startup error, not a failing request. */
    for (int id = 0; id < COSD_STMT_COUNT; id++) {
        if (!stmt_sql[id] || sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                                &c->stmts[id], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot prepare statement %d: %s", id, sqlite3_errmsg(c->db));
            return false;
        }
    }
    return true;
}

cosd_store_rc_t cosd_store_open(const char *dir, int nconn, bool serve, cosd_store_t **out,
                                char *err, size_t errlen)
{
    *out = NULL;
    if (!COSD_FAULT_SETUP(err, errlen))
        return COSD_ST_ERROR;
    if (strlen(dir) > 900) {
        snprintf(err, errlen, "data directory path is too long");
        return COSD_ST_ERROR;
    }
    char path[1200];
    if (!cosd_mkdir_p(dir)) {
        snprintf(err, errlen, "cannot create data directory %s: %s", dir, strerror(errno));
        return COSD_ST_ERROR;
    }
    snprintf(path, sizeof path, "%s/tmp", dir);
    bool ok = cosd_mkdir_p(path);
    for (int i = 0; ok && i < 256; i++) {
        snprintf(path, sizeof path, "%s/blobs/%02x", dir, i);
        ok = cosd_mkdir_p(path);
    }
    if (!ok) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return COSD_ST_ERROR;
    }
    cosd_store_t *st = calloc(1, sizeof *st);
    if (!st || nconn < 1 || !(st->conns = calloc((size_t)nconn, sizeof *st->conns))) {
        free(st);
        snprintf(err, errlen, "out of memory");
        return COSD_ST_ERROR;
    }
    strcpy(st->dir, dir);
    st->lock_fd = -1;
    atomic_init(&st->unsealed, false);
    if (serve) {
        snprintf(path, sizeof path, "%s/cosd.lock", dir);
        st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (st->lock_fd < 0 || flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
            snprintf(err, errlen, "the data directory %s is in use by another cosd (%s)", dir,
                     st->lock_fd < 0 ? strerror(errno) : "locked");
            if (st->lock_fd >= 0)
                close(st->lock_fd);
            free(st->conns);
            free(st);
            return COSD_ST_ERROR;
        }
    }
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cv, NULL);
    st->nconn = nconn;
    for (int i = 0; i < nconn; i++) {
        if (!open_conn(st, &st->conns[i], i == 0, err, errlen)) {
            cosd_store_close(st);
            return COSD_ST_ERROR;
        }
    }
    if (serve && cosd_store_recover(st, err, errlen) != COSD_ST_OK) {
        cosd_store_close(st);
        return COSD_ST_ERROR;
    }
    *out = st;
    return COSD_ST_OK;
}

void cosd_store_close(cosd_store_t *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nconn; i++) {
        for (int j = 0; j < COSD_STMT_COUNT; j++)
            sqlite3_finalize(st->conns[i].stmts[j]);
        sqlite3_close(st->conns[i].db);
    }
    free(st->conns);
    if (st->lock_fd >= 0)
        close(st->lock_fd);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cv);
    free(st);
}

size_t cosd_store_orphans_removed(const cosd_store_t *st)
{
    return st->orphans;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    cosx_copy_str(dst, cap, t ? (const char *)t : "", SIZE_MAX);
}

cosd_store_rc_t cosd_store_accounts(cosd_store_t *st, cosd_account_t *out, size_t cap, size_t *n)
{
    *n = 0;
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_ACCOUNTS);
    cosd_store_rc_t rc = s ? COSD_ST_OK : COSD_ST_ERROR;
    int r;
    while (s && (r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n < cap) {
            copy_col(out[*n].appid, sizeof out[*n].appid, s, 0);
            copy_col(out[*n].secret_id, sizeof out[*n].secret_id, s, 1);
            copy_col(out[*n].secret_key, sizeof out[*n].secret_key, s, 2);
            (*n)++;
        }
    }
    if (s && r != SQLITE_DONE)
        rc = COSD_ST_ERROR;
    if (s)
        sqlite3_reset(s);
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_account_add(cosd_store_t *st, const cosd_account_t *a)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_ACCOUNT_ADD);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, a->secret_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, a->appid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, a->secret_key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
        rc = sqlite3_step(s) == SQLITE_DONE ? COSD_ST_OK : COSD_ST_ERROR;
        if (rc)
            cosd_store_log("cannot store account: %s", sqlite3_errmsg(c->db));
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

void cosd_read_bucket(sqlite3_stmt *s, cosd_bucket_t *b)
{
    copy_col(b->name, sizeof b->name, s, 0);
    copy_col(b->appid, sizeof b->appid, s, 1);
    copy_col(b->region, sizeof b->region, s, 2);
    copy_col(b->acl, sizeof b->acl, s, 3);
    b->created = sqlite3_column_int64(s, 4);
}

cosd_store_rc_t cosd_store_bucket_create(cosd_store_t *st, const cosd_bucket_t *b)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_INSERT);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, b->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, b->appid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, b->region, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, b->acl, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 5, b->created);
        int r = sqlite3_step(s);
        if (r == SQLITE_DONE)
            rc = COSD_ST_OK;
        else if ((sqlite3_extended_errcode(c->db) & 0xff) == SQLITE_CONSTRAINT)
            rc = COSD_ST_EXISTS;
        else
            cosd_store_log("cannot create bucket: %s", sqlite3_errmsg(c->db));
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_bucket_get(cosd_store_t *st, const char *name, cosd_bucket_t *out)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_GET);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW) {
            cosd_read_bucket(s, out);
            rc = COSD_ST_OK;
        } else if (r == SQLITE_DONE) {
            rc = COSD_ST_NOTFOUND;
        } else {
            cosd_store_log("bucket lookup failed: %s", sqlite3_errmsg(c->db));
        }
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_bucket_delete(cosd_store_t *st, const char *name)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_HAS_OBJECTS);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r == SQLITE_ROW) {
        rc = COSD_ST_NOTEMPTY;
        goto rollback;
    }
    if (r != SQLITE_DONE)
        goto rollback;
    s = cosd_conn_stmt(c, COSD_STMT_BUCKET_DELETE);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        goto rollback;
    if (sqlite3_changes(c->db) == 0) {
        rc = COSD_ST_NOTFOUND;
        goto rollback;
    }
    if (!cosd_conn_exec(c, COSD_STMT_COMMIT))
        goto rollback;
    rc = COSD_ST_OK;
    goto out;
rollback:
    rc = cosd_conn_rollback(c, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_bucket_list(cosd_store_t *st, const char *appid, cosd_bucket_cb cb,
                                       void *ctx)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_LIST);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, appid, -1, SQLITE_STATIC);
        int r;
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            cosd_bucket_t b;
            cosd_read_bucket(s, &b);
            cb(ctx, &b);
        }
        rc = r == SQLITE_DONE ? COSD_ST_OK : COSD_ST_ERROR;
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}
