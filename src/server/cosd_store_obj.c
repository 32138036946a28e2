/* cosd_store_obj: object metadata rows and their blob files. A blob is written to DIR/tmp, fsynced,
 * renamed into DIR/blobs/xx/ID and only then referenced by a committed row; recovery removes the
 * rest. */
#include "cosd_fault.h"
#include "cosd_store_int.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cosd_object_clear(cosd_object_t *o)
{
    free(o->key);
    free(o->content_type);
    free(o->headers);
    o->key = o->content_type = o->headers = NULL;
}

static void blob_path(const cosd_store_t *st, const char *id, char *out, size_t cap)
{
    snprintf(out, cap, "%s/blobs/%.2s/%s", st->dir, id, id);
}

static bool fsync_dir(const char *path)
{
    int fd = cosd_f_open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = cosd_f_fsync(fd, path) == 0;
    int e = errno;
    close(fd);
    errno = e;
    return ok;
}

/* Logs the failure of what on path and records errno in w: FULL for a full disk. */
static cosd_store_rc_t blob_fail(cosd_blob_writer_t *w, const char *what, const char *path)
{
    w->error = errno;
    cosd_store_log("%s %s failed: %s", what, path, strerror(w->error));
    return w->error == ENOSPC || w->error == EDQUOT ? COSD_ST_FULL : COSD_ST_ERROR;
}

cosd_store_rc_t cosd_blob_begin(cosd_store_t *st, cosd_blob_writer_t *w)
{
    unsigned char rnd[16];
    w->fd = -1;
    w->written = w->flushed = 0;
    w->error = 0;
    if (!cosx_random_bytes(rnd, sizeof rnd)) {
        cosd_store_log("random generator failed");
        w->error = EIO;
        return COSD_ST_ERROR;
    }
    cosx_hex_encode(rnd, sizeof rnd, w->id);
    snprintf(w->tmp_path, sizeof w->tmp_path, "%s/tmp/%s", st->dir, w->id);
    w->fd = cosd_f_open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0)
        return blob_fail(w, "create", w->tmp_path);
    return COSD_ST_OK;
}

cosd_store_rc_t cosd_blob_write(cosd_blob_writer_t *w, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t r = cosd_f_write(w->fd, p, n, w->tmp_path);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return blob_fail(w, "write to", w->tmp_path);
        }
        if (r == 0) { /* write(2) of a regular file makes no progress only when the disk is full */
            errno = ENOSPC;
            return blob_fail(w, "write to", w->tmp_path);
        }
        p += r;
        n -= (size_t)r;
        w->written += (uint64_t)r;
    }
    /* Start writeback of every full window so that the fsync at the end has little left to do. */
    const uint64_t window = 8u << 20;
    if (w->written - w->flushed >= window) {
        sync_file_range(w->fd, (off64_t)w->flushed, (off64_t)(w->written - w->flushed),
                        SYNC_FILE_RANGE_WRITE);
        w->flushed = w->written;
    }
    return COSD_ST_OK;
}

cosd_store_rc_t cosd_blob_finish(cosd_store_t *st, cosd_blob_writer_t *w)
{
    char dst[1200], dir[1200];
    cosd_store_rc_t rc;
    if (cosd_f_fsync(w->fd, w->tmp_path) != 0) {
        rc = blob_fail(w, "fsync", w->tmp_path);
        cosd_blob_abort(w);
        return rc;
    }
    close(w->fd);
    w->fd = -1;
    blob_path(st, w->id, dst, sizeof dst);
    if (cosd_f_rename(w->tmp_path, dst) != 0) {
        rc = blob_fail(w, "rename", w->tmp_path);
        unlink(w->tmp_path);
        return rc;
    }
    snprintf(dir, sizeof dir, "%s/blobs/%.2s", st->dir, w->id);
    if (!fsync_dir(dir)) {
        rc = blob_fail(w, "fsync", dir);
        unlink(dst);
        return rc;
    }
    return COSD_ST_OK;
}

void cosd_blob_abort(cosd_blob_writer_t *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
        unlink(w->tmp_path);
    }
}

void cosd_blob_discard(cosd_store_t *st, const char *id)
{
    if (atomic_load(&st->unsealed)) /* a crash could still revive a failed commit using it */
        return;
    char p[1200];
    blob_path(st, id, p, sizeof p);
    unlink(p);
}

int cosd_blob_open(cosd_store_t *st, const char *id)
{
    char p[1200];
    blob_path(st, id, p, sizeof p);
    return open(p, O_RDONLY | O_CLOEXEC);
}

static char *dup_col(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    int n = sqlite3_column_bytes(s, col);
    char *r = malloc((size_t)n + 1);
    if (r) {
        if (n)
            memcpy(r, t, (size_t)n);
        r[n] = 0;
    }
    return r;
}

static void text_col(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    cosx_copy_str(dst, cap, t ? (const char *)t : "", SIZE_MAX);
}

/* Columns from c: key, size, etag, crc64, mtime, content_type, headers, storage_class, acl, blob.
 */
static bool read_object_at(sqlite3_stmt *s, int c, cosd_object_t *o)
{
    memset(o, 0, sizeof *o);
    o->key = dup_col(s, c + 0);
    o->size = sqlite3_column_int64(s, c + 1);
    text_col(o->etag, sizeof o->etag, s, c + 2);
    o->crc64 = (uint64_t)sqlite3_column_int64(s, c + 3);
    o->mtime = sqlite3_column_int64(s, c + 4);
    o->content_type = dup_col(s, c + 5);
    o->headers = dup_col(s, c + 6);
    text_col(o->storage_class, sizeof o->storage_class, s, c + 7);
    text_col(o->acl, sizeof o->acl, s, c + 8);
    text_col(o->blob, sizeof o->blob, s, c + 9);
    if (!o->key || !o->content_type || !o->headers) {
        cosd_object_clear(o);
        return false;
    }
    return true;
}

static bool read_object(sqlite3_stmt *s, cosd_object_t *o)
{
    return read_object_at(s, 0, o);
}

cosd_store_rc_t cosd_store_object_lookup(cosd_store_t *st, const char *bucket, const char *key,
                                         cosd_bucket_t *b, cosd_object_t *out)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_LOOKUP);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    memset(out, 0, sizeof *out);
    if (s) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW) {
            cosd_read_bucket(s, b);
            if (sqlite3_column_type(s, 5) == SQLITE_NULL)
                rc = COSD_ST_NOTFOUND;
            else
                rc = read_object_at(s, 5, out) ? COSD_ST_OK : COSD_ST_ERROR;
        } else if (r == SQLITE_DONE) {
            rc = COSD_ST_NOBUCKET;
        } else {
            cosd_store_log("object lookup failed: %s", sqlite3_errmsg(c->db));
        }
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

int cosd_blob_used(cosd_conn_t *c, const char *id)
{
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BLOB_USED);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

static int bucket_exists(cosd_conn_t *c, const char *bucket)
{
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_GET);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* Within a transaction: the blob id of (bucket, key) into out (empty when absent). */
static bool current_blob(cosd_conn_t *c, const char *bucket, const char *key, char out[40])
{
    out[0] = 0;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_BLOB);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        text_col(out, 40, s, 0);
    sqlite3_reset(s);
    return r == SQLITE_ROW || r == SQLITE_DONE;
}

static bool insert_row(cosd_conn_t *c, const char *bucket, const cosd_object_t *o)
{
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_PUT);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, o->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, o->size);
    sqlite3_bind_text(s, 4, o->etag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)o->crc64);
    sqlite3_bind_int64(s, 6, o->mtime);
    sqlite3_bind_text(s, 7, o->content_type ? o->content_type : "application/octet-stream", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(s, 8, o->headers ? o->headers : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, o->storage_class[0] ? o->storage_class : "STANDARD", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, o->acl[0] ? o->acl : "default", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 11, o->blob, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        cosd_store_log("object insert failed: %s", sqlite3_errmsg(c->db));
    return r == SQLITE_DONE;
}

/* Replaces or removes the row of (bucket, key), then commits; unlinks the blob it referenced when
 * no other row uses it. o NULL means delete. */
static cosd_store_rc_t write_row(cosd_store_t *st, const char *bucket, const char *key,
                                 const cosd_object_t *o, bool *existed)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    char old[40];
    cosd_discard_t d = {0};
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    int be = bucket_exists(c, bucket);
    if (be <= 0) {
        rc = be == 0 ? COSD_ST_NOBUCKET : COSD_ST_ERROR;
        goto rollback;
    }
    if (!current_blob(c, bucket, key, old))
        goto rollback;
    if (existed)
        *existed = old[0] != 0;
    if (o) {
        if (!insert_row(c, bucket, o))
            goto rollback;
    } else if (old[0]) {
        sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_DELETE);
        if (!s)
            goto rollback;
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        int r = sqlite3_step(s);
        sqlite3_reset(s);
        if (r != SQLITE_DONE)
            goto rollback;
    }
    if (old[0] && (!o || strcmp(old, o->blob) != 0) && !cosd_release_blob(c, old, &d))
        goto rollback;
    return cosd_txn_end(st, c, &d, true, rc);
rollback:
    return cosd_txn_end(st, c, &d, false, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_object_put(cosd_store_t *st, const char *bucket, const cosd_object_t *o)
{
    return write_row(st, bucket, o->key, o, NULL);
}

cosd_store_rc_t cosd_store_object_delete(cosd_store_t *st, const char *bucket, const char *key,
                                         bool *existed)
{
    return write_row(st, bucket, key, NULL, existed);
}

cosd_store_rc_t cosd_store_object_get(cosd_store_t *st, const char *bucket, const char *key,
                                      cosd_object_t *out)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_GET);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW)
            rc = read_object(s, out) ? COSD_ST_OK : COSD_ST_ERROR;
        else if (r == SQLITE_DONE)
            rc = COSD_ST_NOTFOUND;
        else
            cosd_store_log("object lookup failed: %s", sqlite3_errmsg(c->db));
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_object_copy(cosd_store_t *st, const char *src_bucket,
                                       const char *src_key, const char *dst_bucket,
                                       cosd_object_t *dst)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    char old[40];
    cosd_discard_t d = {0};
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_GET);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, src_bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, src_key, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r != SQLITE_ROW) {
        sqlite3_reset(s);
        rc = r == SQLITE_DONE ? COSD_ST_NOTFOUND : COSD_ST_ERROR;
        goto rollback;
    }
    cosd_object_t src;
    bool ok = read_object(s, &src);
    sqlite3_reset(s);
    if (!ok)
        goto rollback;
    dst->size = src.size;
    memcpy(dst->etag, src.etag, sizeof dst->etag);
    dst->crc64 = src.crc64;
    memcpy(dst->blob, src.blob, sizeof dst->blob);
    cosd_object_clear(&src);
    int be = bucket_exists(c, dst_bucket);
    if (be <= 0) {
        rc = be == 0 ? COSD_ST_NOBUCKET : COSD_ST_ERROR;
        goto rollback;
    }
    if (!current_blob(c, dst_bucket, dst->key, old) || !insert_row(c, dst_bucket, dst))
        goto rollback;
    if (old[0] && strcmp(old, dst->blob) != 0 && !cosd_release_blob(c, old, &d))
        goto rollback;
    return cosd_txn_end(st, c, &d, true, rc);
rollback:
    return cosd_txn_end(st, c, &d, false, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_object_scan(cosd_store_t *st, const char *bucket, const char *from,
                                       size_t from_len, const char *after, size_t after_len,
                                       int limit, cosd_object_cb cb, void *ctx)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_SCAN);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, after ? after : "", (int)(after ? after_len : 0), SQLITE_STATIC);
        sqlite3_bind_text(s, 3, from ? from : "", (int)(from ? from_len : 0), SQLITE_STATIC);
        sqlite3_bind_int(s, 4, limit);
        int r;
        rc = COSD_ST_OK;
        /* key > '' also skips nothing: keys are never empty. */
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            cosd_object_t o;
            if (!read_object(s, &o)) {
                rc = COSD_ST_ERROR;
                break;
            }
            bool more = cb(ctx, &o);
            cosd_object_clear(&o);
            if (!more)
                break;
        }
        if (rc == COSD_ST_OK && r != SQLITE_ROW && r != SQLITE_DONE) {
            cosd_store_log("object scan failed: %s", sqlite3_errmsg(c->db));
            rc = COSD_ST_ERROR;
        }
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

static bool is_blob_name(const char *n)
{
    size_t len = strlen(n);
    if (len != 32)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return false;
    return true;
}

cosd_store_rc_t cosd_store_recover(cosd_store_t *st, char *err, size_t errlen)
{
    char path[1400];
    st->orphans = 0;
    snprintf(path, sizeof path, "%s/tmp", st->dir);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return COSD_ST_ERROR;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/tmp/%s", st->dir, e->d_name);
        if (unlink(path) == 0)
            st->orphans++;
    }
    closedir(d);
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_OK;
    for (int i = 0; i < 256 && rc == COSD_ST_OK; i++) {
        snprintf(path, sizeof path, "%s/blobs/%02x", st->dir, i);
        d = opendir(path);
        if (!d) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            rc = COSD_ST_ERROR;
            break;
        }
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            int used = is_blob_name(e->d_name) ? cosd_blob_used(c, e->d_name) : 0;
            if (used < 0) {
                snprintf(err, errlen, "cannot check blob references: %s", sqlite3_errmsg(c->db));
                rc = COSD_ST_ERROR;
                break;
            }
            if (used == 0) {
                snprintf(path, sizeof path, "%s/blobs/%02x/%s", st->dir, i, e->d_name);
                if (unlink(path) == 0)
                    st->orphans++;
            }
        }
        closedir(d);
    }
    cosd_conn_release(st, c);
    return rc;
}
