/* cosd_object_put: PUT Object (COS_PROTOCOL 6.1). The body streams into a temp blob while MD5 and
 * CRC64 are computed; then fsync, rename and one metadata transaction; only then 200 with the ETag
 * and x-cos-hash-crc64ecma. Content-MD5 is verified (InvalidDigest / BadDigest). */
#include "cosd_api.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct put_state {
    cosd_blob_writer_t w;
    bool writing;
    cosx_digest_t *md5;
    uint64_t crc;
    uint64_t size;
    int64_t declared; /* Content-Length or -1 */
    bool has_md5;
    unsigned char want_md5[COSX_MD5_LEN];
    cosd_bucket_t bucket;
    cosd_object_t obj;
} put_state_t;

static void put_cleanup(cosd_req_t *r)
{
    put_state_t *s = r->h;
    if (!s)
        return;
    if (s->writing)
        cosd_blob_abort(&s->w);
    cosx_digest_free(s->md5);
    cosd_object_clear(&s->obj);
    free(s);
    r->h = NULL;
}

static bool put_body(cosd_req_t *r, const char *data, size_t n)
{
    put_state_t *s = r->h;
    if (s->declared >= 0 && s->size + n > (uint64_t)s->declared) {
        cosd_req_fail(r, 400, "InvalidRequest", "The body is longer than Content-Length.");
        return false;
    }
    if (cosd_blob_write(&s->w, data, n) != COSD_ST_OK) {
        cosd_req_fail(r, 500, "InternalError", "The object data could not be written to disk.");
        return false;
    }
    cosx_digest_update(s->md5, data, n);
    s->crc = cosx_crc64(s->crc, data, n);
    s->size += n;
    return true;
}

static void put_done(cosd_req_t *r)
{
    put_state_t *s = r->h;
    if (s->declared >= 0 && s->size != (uint64_t)s->declared) {
        cosd_reply_error(r, 400, "IncompleteBody",
                         "The body has %" PRIu64 " bytes but Content-Length announced %" PRId64 ".",
                         s->size, s->declared);
        return;
    }
    unsigned char md5[COSX_MD5_LEN];
    cosx_digest_final(s->md5, md5);
    if (s->has_md5 && !cosx_ct_equal(md5, s->want_md5, COSX_MD5_LEN)) {
        cosd_reply_error(r, 400, "BadDigest",
                         "The Content-MD5 you specified did not match what we received.");
        return;
    }
    cosx_hex_encode(md5, COSX_MD5_LEN, s->obj.etag);
    s->writing = false;
    if (cosd_blob_finish(r->srv->store, &s->w) != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The object data could not be made durable.");
        return;
    }
    snprintf(s->obj.blob, sizeof s->obj.blob, "%s", s->w.id);
    s->obj.size = (int64_t)s->size;
    s->obj.crc64 = s->crc;
    s->obj.mtime = (int64_t)time(NULL);
    cosd_store_rc_t rc = cosd_store_object_put(r->srv->store, s->bucket.name, &s->obj);
    if (rc != COSD_ST_OK) {
        cosd_blob_discard(r->srv->store, s->w.id);
        if (rc == COSD_ST_NOBUCKET)
            cosd_reply_error(r, 404, "NoSuchBucket", "The bucket was deleted during the upload.");
        else
            cosd_reply_error(r, 500, "InternalError",
                             "The object metadata could not be committed.");
        return;
    }
    char etag[48], crc[24];
    cosd_quote_etag(s->obj.etag, etag);
    snprintf(crc, sizeof crc, "%" PRIu64, s->crc);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        MHD_add_response_header(resp, "x-cos-hash-crc64ecma", crc);
    }
    cosd_reply(r, 200, resp);
}

void cosd_object_put_start(cosd_req_t *r)
{
    put_state_t *s = calloc(1, sizeof *s);
    if (!s) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    r->h = s;
    r->on_cleanup = put_cleanup;
    if (!cosd_bucket_access(r, &s->bucket, false, false))
        return;
    const char *acl = cosd_req_header(r, "x-cos-acl");
    if (!cosd_check_acl(r, acl, true) || !cosd_storage_class(r, NULL, s->obj.storage_class))
        return;
    snprintf(s->obj.acl, sizeof s->obj.acl, "%s", acl ? acl : "default");
    s->declared = cosd_req_content_length(r);
    bool chunked = cosd_req_chunked(r);
    if (s->declared == -2) {
        cosd_reply_error(r, 400, "InvalidArgument", "Content-Length is not a valid number.");
        return;
    }
    if (s->declared < 0 && !chunked) {
        cosd_reply_error(r, 411, "MissingContentLength",
                         "PUT Object needs Content-Length or Transfer-Encoding: chunked.");
        return;
    }
    if (s->declared > (int64_t)COSD_MAX_PUT_BYTES) {
        cosd_reply_error(r, 400, "EntityTooLarge",
                         "The object is %" PRId64
                         " bytes; a simple upload accepts at most 5 GB (%llu bytes). "
                         "Use multipart upload for larger objects.",
                         s->declared, (unsigned long long)COSD_MAX_PUT_BYTES);
        return;
    }
    const char *cmd5 = cosd_req_header(r, "Content-MD5");
    if (cmd5) {
        size_t n = 0;
        if (!cosx_base64_decode(cmd5, strlen(cmd5), s->want_md5, sizeof s->want_md5, &n) ||
            n != COSX_MD5_LEN) {
            cosd_reply_error(r, 400, "InvalidDigest",
                             "The Content-MD5 you specified is not valid: expected the base64 of "
                             "the 16-byte MD5 "
                             "of the body.");
            return;
        }
        s->has_md5 = true;
    }
    const char *ct = cosd_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    s->obj.key = strdup(r->route.key);
    s->obj.content_type = strdup(ct && *ct ? ct : "application/octet-stream");
    s->obj.headers = cosd_meta_from_request(r);
    if (!s->obj.headers)
        return;
    s->md5 = cosx_digest_new(COSX_DIGEST_MD5);
    if (!s->obj.key || !s->obj.content_type || !s->md5) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    if (cosd_blob_begin(r->srv->store, &s->w) != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError",
                         "A temporary file for the upload could not be created.");
        return;
    }
    s->writing = true;
    r->body_limit = COSD_MAX_PUT_BYTES;
    r->limit_code = "EntityTooLarge";
    r->on_body = put_body;
    r->on_done = put_done;
}
