/* cosd_store: durable storage of cosd. Metadata (accounts, buckets, objects) lives in SQLite (WAL);
 * object bodies live in immutable blob files named by random ids under DIR/blobs, never by key. */
#ifndef COSD_STORE_H
#define COSD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosd_config.h"

typedef enum cosd_store_rc {
    COSD_ST_OK = 0,
    COSD_ST_NOTFOUND,
    COSD_ST_EXISTS,
    COSD_ST_NOTEMPTY,
    COSD_ST_NOBUCKET,
    COSD_ST_ERROR, /* an I/O or database failure (logged to stderr) */
    COSD_ST_FULL,  /* like COSD_ST_ERROR, because the disk of the data dir is full */
} cosd_store_rc_t;

/* A sentence for a client about a failure (COSD_ST_ERROR, COSD_ST_FULL), to follow the message
 * that names what failed: what happened and what to do. "" for other codes. */
const char *cosd_store_rc_hint(cosd_store_rc_t rc);

typedef struct cosd_store cosd_store_t;

/* Opens (creating if needed) DIR/cosd.db, DIR/blobs and DIR/tmp; nconn database connections are
 * shared by the HTTP threads. With serve = true it takes an exclusive lock on DIR (one cosd per
 * data dir) and removes orphans (temp files, unreferenced blobs) before returning; without, it only
 * reads. */
cosd_store_rc_t cosd_store_open(const char *dir, int nconn, bool serve, cosd_store_t **out,
                                char *err, size_t errlen);
void cosd_store_close(cosd_store_t *st);
/* Number of orphan files removed by the last recovery (at open). */
size_t cosd_store_orphans_removed(const cosd_store_t *st);

/* Accounts stored in the data dir (the generated one). */
cosd_store_rc_t cosd_store_accounts(cosd_store_t *st, cosd_account_t *out, size_t cap, size_t *n);
cosd_store_rc_t cosd_store_account_add(cosd_store_t *st, const cosd_account_t *a);

typedef struct cosd_bucket {
    char name[256];
    char appid[32];
    char region[64];
    char acl[32]; /* "private" | "public-read" | "public-read-write" */
    int64_t created;
} cosd_bucket_t;

cosd_store_rc_t cosd_store_bucket_create(cosd_store_t *st, const cosd_bucket_t *b); /* EXISTS */
cosd_store_rc_t cosd_store_bucket_get(cosd_store_t *st, const char *name, cosd_bucket_t *out);
cosd_store_rc_t cosd_store_bucket_delete(cosd_store_t *st,
                                         const char *name); /* NOTFOUND, NOTEMPTY */
typedef void (*cosd_bucket_cb)(void *ctx, const cosd_bucket_t *b);
cosd_store_rc_t cosd_store_bucket_list(cosd_store_t *st, const char *appid, cosd_bucket_cb cb,
                                       void *ctx);

typedef struct cosd_object {
    char *key;
    int64_t size;
    char etag[40]; /* hex MD5, no quotes */
    uint64_t crc64;
    int64_t mtime;
    char *content_type;
    char *headers; /* JSON array of [name, value]: content headers and x-cos-meta-* */
    char storage_class[32];
    char acl[32]; /* "default" | "private" | "public-read" | "public-read-write" */
    char blob[40];
} cosd_object_t;

void cosd_object_clear(cosd_object_t *o); /* frees the strings */

/* A blob being written: a temp file in DIR/tmp until cosd_blob_finish moves it into DIR/blobs. */
typedef struct cosd_blob_writer {
    int fd;
    uint64_t written; /* bytes written so far */
    uint64_t flushed; /* bytes handed to writeback (sync_file_range) */
    int error;        /* errno of the last failure, 0 if none */
    char id[40];
    char tmp_path[1200];
} cosd_blob_writer_t;

/* Each returns COSD_ST_FULL when the disk is full, COSD_ST_ERROR on other failures (w->error
 * holds the errno). */
cosd_store_rc_t cosd_blob_begin(cosd_store_t *st, cosd_blob_writer_t *w);
cosd_store_rc_t cosd_blob_write(cosd_blob_writer_t *w, const void *data, size_t n);
/* fsync, rename into DIR/blobs, fsync the directory. The blob is an orphan until an object
 * references it (cosd_store_object_put). On failure nothing is left behind. */
cosd_store_rc_t cosd_blob_finish(cosd_store_t *st, cosd_blob_writer_t *w);
void cosd_blob_abort(cosd_blob_writer_t *w);
/* Removes a finished blob that no object references (used when a commit fails). While a failed
 * commit that may reference it could still be revived by a crash, the blob is left for the
 * recovery at the next start instead. */
void cosd_blob_discard(cosd_store_t *st, const char *id);
/* Opens a blob for reading; -1 with errno on failure. */
int cosd_blob_open(cosd_store_t *st, const char *id);

/* Inserts or replaces (bucket, o->key) in one transaction; unlinks the replaced blob when nothing
 * else references it. NOBUCKET when the bucket is gone. */
cosd_store_rc_t cosd_store_object_put(cosd_store_t *st, const char *bucket, const cosd_object_t *o);
cosd_store_rc_t cosd_store_object_get(cosd_store_t *st, const char *bucket, const char *key,
                                      cosd_object_t *out);
/* The bucket and, in the same read, the object: NOBUCKET (nothing set), NOTFOUND (*b set) or OK. */
cosd_store_rc_t cosd_store_object_lookup(cosd_store_t *st, const char *bucket, const char *key,
                                         cosd_bucket_t *b, cosd_object_t *out);
/* OK also when it did not exist (*existed tells). */
cosd_store_rc_t cosd_store_object_delete(cosd_store_t *st, const char *bucket, const char *key,
                                         bool *existed);
/* Copies the metadata row of src to dst (sharing the immutable blob) with the given overrides, in
 * one transaction. dst fields other than key/blob/size/etag/crc64 come from *dst. NOTFOUND if src
 * is gone. */
cosd_store_rc_t cosd_store_object_copy(cosd_store_t *st, const char *src_bucket,
                                       const char *src_key, const char *dst_bucket,
                                       cosd_object_t *dst);

/* Up to limit objects of bucket in byte order with key > after (NULL: from the start) and
 * key >= from (NULL: no bound). The callback returns false to stop early; objects passed to it are
 * only valid during the call. */
typedef bool (*cosd_object_cb)(void *ctx, const cosd_object_t *o);
cosd_store_rc_t cosd_store_object_scan(cosd_store_t *st, const char *bucket, const char *from,
                                       size_t from_len, const char *after, size_t after_len,
                                       int limit, cosd_object_cb cb, void *ctx);

/* ---- multipart uploads (cosd_store_mp.c) ---- */
typedef struct cosd_upload {
    char id[40];
    char *key;
    int64_t initiated;
    char *content_type;
    char *headers; /* as cosd_object_t.headers: applied to the completed object */
    char storage_class[32];
    char acl[32];
} cosd_upload_t;

typedef struct cosd_part {
    int number;
    int64_t size;
    char etag[40]; /* hex MD5 of the part */
    uint64_t crc64;
    int64_t mtime;
    char blob[40];
} cosd_part_t;

typedef struct cosd_manifest_part {
    char blob[40];
    int64_t size;
} cosd_manifest_part_t;

void cosd_upload_clear(cosd_upload_t *u);
/* Records a new upload of (bucket, u->key); sets u->id. NOBUCKET when the bucket is gone. */
cosd_store_rc_t cosd_store_upload_create(cosd_store_t *st, const char *bucket, cosd_upload_t *u);
/* The upload id of (bucket, key): NOTFOUND when unknown, aborted or completed. out may be NULL. */
cosd_store_rc_t cosd_store_upload_get(cosd_store_t *st, const char *bucket, const char *key,
                                      const char *id, cosd_upload_t *out);
/* Records (or replaces) a part whose blob is finished; the replaced part's blob is removed.
 * NOTFOUND when the upload is gone (the caller discards the blob). */
cosd_store_rc_t cosd_store_part_put(cosd_store_t *st, const char *bucket, const char *key,
                                    const char *id, const cosd_part_t *p);
/* Up to limit parts with number > after, ascending, into a malloc'ed *out (free it). */
cosd_store_rc_t cosd_store_parts(cosd_store_t *st, const char *id, int after, int limit,
                                 cosd_part_t **out, size_t *n);
/* Removes the upload and its parts' blobs. NOTFOUND when unknown. */
cosd_store_rc_t cosd_store_upload_abort(cosd_store_t *st, const char *bucket, const char *key,
                                        const char *id);
/* In one transaction: checks that the upload still exists (NOTFOUND) and that each of the n
 * chosen parts is still the stored one (EXISTS when a part was replaced meanwhile), records the
 * manifest, inserts o (o->blob is set to the new manifest id) replacing any previous object,
 * and forgets the upload. Parts not chosen and the replaced object's blobs are removed. */
cosd_store_rc_t cosd_store_upload_complete(cosd_store_t *st, const char *bucket, const char *id,
                                           const cosd_part_t *parts, size_t n, cosd_object_t *o);
/* Uploads of bucket in (key, id) order after (key_marker, id_marker) with key >= from; the callback
 * returns false to stop. */
typedef bool (*cosd_upload_cb)(void *ctx, const cosd_upload_t *u);
cosd_store_rc_t cosd_store_upload_scan(cosd_store_t *st, const char *bucket, const char *key_marker,
                                       const char *id_marker, const char *from, cosd_upload_cb cb,
                                       void *ctx);
/* The parts of a manifest (a multipart object's blob id) in order, malloc'ed into *out. */
cosd_store_rc_t cosd_store_manifest(cosd_store_t *st, const char *manifest,
                                    cosd_manifest_part_t **out, size_t *n);
/* Is blob id a manifest rather than a blob file? */
bool cosd_blob_is_manifest(const char *id);

#endif
