/* cosd_store_mp: multipart uploads in the store: uploads and their parts (each part one blob), and
 * the manifests that make a completed multipart object out of its part blobs without copying data.
 * Also the reference counting shared with plain objects (a blob or manifest is removed with its
 * last reference). */
#include "cosd_store_int.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool cosd_blob_is_manifest(const char *id)
{
    return id[0] == 'm';
}

void cosd_upload_clear(cosd_upload_t *u)
{
    free(u->key);
    free(u->content_type);
    free(u->headers);
    u->key = u->content_type = u->headers = NULL;
}

static void discard_add(cosd_discard_t *d, const char *id)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        char(*ids)[40] = realloc(d->ids, cap * sizeof *ids);
        if (!ids) {
            d->oom = true; /* the blob stays as an orphan until the next start */
            return;
        }
        d->ids = ids;
        d->cap = cap;
    }
    snprintf(d->ids[d->n++], 40, "%s", id);
}

void cosd_discard_run(cosd_store_t *st, cosd_discard_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        cosd_blob_discard(st, d->ids[i]);
    free(d->ids);
    memset(d, 0, sizeof *d);
}

cosd_store_rc_t cosd_txn_end(cosd_store_t *st, cosd_conn_t *c, cosd_discard_t *d, bool ok,
                             cosd_store_rc_t rc)
{
    if (ok && cosd_conn_exec(c, COSD_STMT_COMMIT)) {
        cosd_discard_run(st, d);
        rc = COSD_ST_OK;
    } else {
        rc = cosd_conn_rollback(c, rc);
        free(d->ids);
    }
    cosd_conn_release(st, c);
    return rc;
}

static bool step_done(cosd_conn_t *c, sqlite3_stmt *s)
{
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        cosd_store_log("statement failed: %s", sqlite3_errmsg(c->db));
    return r == SQLITE_DONE;
}

bool cosd_release_blob(cosd_conn_t *c, const char *id, cosd_discard_t *d)
{
    int used = cosd_blob_used(c, id);
    if (used != 0)
        return used > 0;
    if (!cosd_blob_is_manifest(id)) {
        discard_add(d, id);
        return true;
    }
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_MAN_LIST);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    cosd_discard_t parts = {0};
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW)
        discard_add(&parts, (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    bool ok = r == SQLITE_DONE;
    if (ok && (s = cosd_conn_stmt(c, COSD_STMT_MAN_DELETE))) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        ok = step_done(c, s);
    }
    for (size_t i = 0; ok && i < parts.n; i++) {
        used = cosd_blob_used(c, parts.ids[i]);
        if (used < 0)
            ok = false;
        else if (used == 0)
            discard_add(d, parts.ids[i]);
    }
    free(parts.ids);
    return ok;
}

static char *dup_text(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    return strdup(t ? (const char *)t : "");
}

static void text_into(char *dst, size_t cap, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

/* Columns: id, key, initiated, content_type, headers, storage_class, acl. */
static bool read_upload(sqlite3_stmt *s, cosd_upload_t *u)
{
    memset(u, 0, sizeof *u);
    text_into(u->id, sizeof u->id, s, 0);
    u->key = dup_text(s, 1);
    u->initiated = sqlite3_column_int64(s, 2);
    u->content_type = dup_text(s, 3);
    u->headers = dup_text(s, 4);
    text_into(u->storage_class, sizeof u->storage_class, s, 5);
    text_into(u->acl, sizeof u->acl, s, 6);
    if (!u->key || !u->content_type || !u->headers) {
        cosd_upload_clear(u);
        return false;
    }
    return true;
}

static int bucket_present(cosd_conn_t *c, const char *bucket)
{
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_BUCKET_GET);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* 1 when upload id of (bucket, key) exists, 0 when not, -1 on error. */
static int upload_present(cosd_conn_t *c, const char *bucket, const char *key, const char *id,
                          cosd_upload_t *out)
{
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_UP_GET);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    int rc = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
    if (rc == 1 && out && !read_upload(s, out))
        rc = -1;
    sqlite3_reset(s);
    return rc;
}

cosd_store_rc_t cosd_store_upload_create(cosd_store_t *st, const char *bucket, cosd_upload_t *u)
{
    unsigned char rnd[12];
    if (!cosx_random_bytes(rnd, sizeof rnd))
        return COSD_ST_ERROR;
    /* Like COS: a time prefix (so ids sort roughly by age) and random hex. */
    char hex[25];
    cosx_hex_encode(rnd, sizeof rnd, hex);
    snprintf(u->id, sizeof u->id, "%010lld%s", (long long)time(NULL), hex);
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    int be = bucket_present(c, bucket);
    if (be <= 0) {
        rc = be == 0 ? COSD_ST_NOBUCKET : COSD_ST_ERROR;
        goto rollback;
    }
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_UP_INSERT);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, u->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, u->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, u->initiated);
    sqlite3_bind_text(s, 5, u->content_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, u->headers, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, u->storage_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, u->acl, -1, SQLITE_STATIC);
    if (!step_done(c, s) || !cosd_conn_exec(c, COSD_STMT_COMMIT))
        goto rollback;
    rc = COSD_ST_OK;
    goto out;
rollback:
    rc = cosd_conn_rollback(c, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_upload_get(cosd_store_t *st, const char *bucket, const char *key,
                                      const char *id, cosd_upload_t *out)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    int r = upload_present(c, bucket, key, id, out);
    cosd_conn_release(st, c);
    return r == 1 ? COSD_ST_OK : r == 0 ? COSD_ST_NOTFOUND : COSD_ST_ERROR;
}

cosd_store_rc_t cosd_store_part_put(cosd_store_t *st, const char *bucket, const char *key,
                                    const char *id, const cosd_part_t *p)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    cosd_discard_t d = {0};
    char old[40] = "";
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    int up = upload_present(c, bucket, key, id, NULL);
    if (up <= 0) {
        rc = up == 0 ? COSD_ST_NOTFOUND : COSD_ST_ERROR;
        goto rollback;
    }
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_PART_BLOB);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, p->number);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        text_into(old, sizeof old, s, 0);
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto rollback;
    if (!(s = cosd_conn_stmt(c, COSD_STMT_PART_PUT)))
        goto rollback;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, p->number);
    sqlite3_bind_int64(s, 3, p->size);
    sqlite3_bind_text(s, 4, p->etag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)p->crc64);
    sqlite3_bind_int64(s, 6, p->mtime);
    sqlite3_bind_text(s, 7, p->blob, -1, SQLITE_STATIC);
    if (!step_done(c, s))
        goto rollback;
    if (old[0] && !cosd_release_blob(c, old, &d))
        goto rollback;
    return cosd_txn_end(st, c, &d, true, rc);
rollback:
    return cosd_txn_end(st, c, &d, false, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

static bool list_parts(cosd_conn_t *c, const char *id, int after, int limit, cosd_part_t **out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_PART_LIST);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, after);
    sqlite3_bind_int(s, 3, limit);
    size_t cap = 0;
    int r;
    bool ok = true;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            cosd_part_t *np = realloc(*out, cap * sizeof *np);
            if (!np) {
                ok = false;
                break;
            }
            *out = np;
        }
        cosd_part_t *p = &(*out)[(*n)++];
        p->number = sqlite3_column_int(s, 0);
        p->size = sqlite3_column_int64(s, 1);
        text_into(p->etag, sizeof p->etag, s, 2);
        p->crc64 = (uint64_t)sqlite3_column_int64(s, 3);
        p->mtime = sqlite3_column_int64(s, 4);
        text_into(p->blob, sizeof p->blob, s, 5);
    }
    sqlite3_reset(s);
    if (!ok || (r != SQLITE_ROW && r != SQLITE_DONE)) {
        free(*out);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

cosd_store_rc_t cosd_store_parts(cosd_store_t *st, const char *id, int after, int limit,
                                 cosd_part_t **out, size_t *n)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    bool ok = list_parts(c, id, after, limit, out, n);
    cosd_conn_release(st, c);
    return ok ? COSD_ST_OK : COSD_ST_ERROR;
}

/* Within a transaction: forgets the upload; the blobs of its parts not in keep (ascending part
 * numbers; NULL: none) are queued for removal. */
static bool drop_upload(cosd_conn_t *c, const char *id, const cosd_part_t *keep, size_t nkeep,
                        cosd_discard_t *d)
{
    cosd_part_t *parts;
    size_t n;
    if (!list_parts(c, id, 0, 10000, &parts, &n))
        return false;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_PART_DELETE_ALL);
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        ok = step_done(c, s);
    }
    if (ok && (s = cosd_conn_stmt(c, COSD_STMT_UP_DELETE))) {
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        ok = step_done(c, s);
    }
    for (size_t i = 0; ok && i < n; i++) {
        /* keep is in ascending part number order: binary search. */
        bool kept = false;
        size_t lo = 0, hi = nkeep;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (keep[mid].number == parts[i].number) {
                kept = strcmp(keep[mid].blob, parts[i].blob) == 0;
                break;
            }
            if (keep[mid].number < parts[i].number)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (!kept)
            ok = cosd_release_blob(c, parts[i].blob, d);
    }
    free(parts);
    return ok;
}

cosd_store_rc_t cosd_store_upload_abort(cosd_store_t *st, const char *bucket, const char *key,
                                        const char *id)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    cosd_discard_t d = {0};
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    int up = upload_present(c, bucket, key, id, NULL);
    if (up <= 0) {
        rc = up == 0 ? COSD_ST_NOTFOUND : COSD_ST_ERROR;
        goto rollback;
    }
    if (!drop_upload(c, id, NULL, 0, &d) || !cosd_conn_exec(c, COSD_STMT_COMMIT))
        goto rollback;
    rc = COSD_ST_OK;
    cosd_discard_run(st, &d);
    goto out;
rollback:
    rc = cosd_conn_rollback(c, rc);
    free(d.ids);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_upload_complete(cosd_store_t *st, const char *bucket, const char *id,
                                           const cosd_part_t *parts, size_t n, cosd_object_t *o)
{
    unsigned char rnd[16];
    if (!cosx_random_bytes(rnd, sizeof rnd))
        return COSD_ST_ERROR;
    o->blob[0] = 'm';
    cosx_hex_encode(rnd, sizeof rnd, o->blob + 1);
    cosd_conn_t *c = cosd_conn_acquire(st);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    cosd_discard_t d = {0};
    char old[40] = "";
    if (!cosd_conn_exec(c, COSD_STMT_BEGIN))
        goto out;
    int up = upload_present(c, bucket, o->key, id, NULL);
    if (up <= 0) {
        rc = up == 0 ? COSD_ST_NOTFOUND : COSD_ST_ERROR;
        goto rollback;
    }
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_PART_BLOB);
        if (!s)
            goto rollback;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, parts[i].number);
        char cur[40] = "";
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW)
            text_into(cur, sizeof cur, s, 0);
        sqlite3_reset(s);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            goto rollback;
        if (strcmp(cur, parts[i].blob) != 0) {
            rc = COSD_ST_EXISTS; /* re-uploaded (or gone) since the caller checked */
            goto rollback;
        }
        if (!(s = cosd_conn_stmt(c, COSD_STMT_MAN_INSERT)))
            goto rollback;
        sqlite3_bind_text(s, 1, o->blob, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        sqlite3_bind_text(s, 3, parts[i].blob, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, parts[i].size);
        if (!step_done(c, s))
            goto rollback;
    }
    if (!drop_upload(c, id, parts, n, &d))
        goto rollback;
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_OBJ_BLOB);
    if (!s)
        goto rollback;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, o->key, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        text_into(old, sizeof old, s, 0);
    sqlite3_reset(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        goto rollback;
    if (!(s = cosd_conn_stmt(c, COSD_STMT_OBJ_PUT)))
        goto rollback;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, o->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, o->size);
    sqlite3_bind_text(s, 4, o->etag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)o->crc64);
    sqlite3_bind_int64(s, 6, o->mtime);
    sqlite3_bind_text(s, 7, o->content_type, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, o->headers, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, o->storage_class, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, o->acl, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 11, o->blob, -1, SQLITE_STATIC);
    if (!step_done(c, s))
        goto rollback;
    if (old[0] && !cosd_release_blob(c, old, &d))
        goto rollback;
    return cosd_txn_end(st, c, &d, true, rc);
rollback:
    return cosd_txn_end(st, c, &d, false, rc);
out:
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_upload_scan(cosd_store_t *st, const char *bucket, const char *key_marker,
                                       const char *id_marker, const char *from, cosd_upload_cb cb,
                                       void *ctx)
{
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_UP_SCAN);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, bucket, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, key_marker ? key_marker : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, id_marker ? id_marker : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, from ? from : "", -1, SQLITE_STATIC);
        int r;
        rc = COSD_ST_OK;
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            cosd_upload_t u;
            if (!read_upload(s, &u)) {
                rc = COSD_ST_ERROR;
                break;
            }
            bool more = cb(ctx, &u);
            cosd_upload_clear(&u);
            if (!more)
                break;
        }
        if (rc == COSD_ST_OK && r != SQLITE_ROW && r != SQLITE_DONE)
            rc = COSD_ST_ERROR;
        sqlite3_reset(s);
    }
    cosd_conn_release(st, c);
    return rc;
}

cosd_store_rc_t cosd_store_manifest(cosd_store_t *st, const char *manifest,
                                    cosd_manifest_part_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    cosd_conn_t *c = cosd_conn_acquire(st);
    sqlite3_stmt *s = cosd_conn_stmt(c, COSD_STMT_MAN_LIST);
    cosd_store_rc_t rc = COSD_ST_ERROR;
    if (s) {
        sqlite3_bind_text(s, 1, manifest, -1, SQLITE_STATIC);
        size_t cap = 0;
        int r;
        rc = COSD_ST_OK;
        while ((r = sqlite3_step(s)) == SQLITE_ROW) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                cosd_manifest_part_t *np = realloc(*out, cap * sizeof *np);
                if (!np) {
                    rc = COSD_ST_ERROR;
                    break;
                }
                *out = np;
            }
            text_into((*out)[*n].blob, sizeof(*out)[*n].blob, s, 0);
            (*out)[*n].size = sqlite3_column_int64(s, 1);
            (*n)++;
        }
        if (rc == COSD_ST_OK && r != SQLITE_ROW && r != SQLITE_DONE)
            rc = COSD_ST_ERROR;
        sqlite3_reset(s);
        if (rc != COSD_ST_OK) {
            free(*out);
            *out = NULL;
            *n = 0;
        }
    }
    cosd_conn_release(st, c);
    return rc;
}
