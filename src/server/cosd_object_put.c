/* cosd_object_put: PUT Object (COS_PROTOCOL 6.1). The body streams into a temp blob while MD5 and
 * CRC64 are computed; then fsync, rename and one metadata transaction; only then 200 with the ETag
 * and x-cos-hash-crc64ecma. Content-MD5 is verified (InvalidDigest / BadDigest). */
#include "cosd_api.h"
#include "cosd_sink.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct put_state {
    cosd_sink_t up;
    cosd_bucket_t bucket;
    cosd_object_t obj;
} put_state_t;

static void put_cleanup(cosd_req_t *r)
{
    put_state_t *s = r->h;
    if (!s)
        return;
    cosd_sink_release(&s->up);
    cosd_object_clear(&s->obj);
    free(s);
    r->h = NULL;
}

static bool put_body(cosd_req_t *r, const char *data, size_t n)
{
    put_state_t *s = r->h;
    return cosd_sink_write(r, &s->up, data, n);
}

static void put_done(cosd_req_t *r)
{
    put_state_t *s = r->h;
    unsigned char md5[COSX_MD5_LEN];
    if (!cosd_sink_check(r, &s->up, md5))
        return;
    cosx_hex_encode(md5, COSX_MD5_LEN, s->obj.etag);
    s->up.writing = false;
    cosd_store_rc_t frc = cosd_blob_finish(r->srv->store, &s->up.w);
    if (frc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The object data could not be made durable.%s",
                         cosd_store_rc_hint(frc));
        return;
    }
    snprintf(s->obj.blob, sizeof s->obj.blob, "%s", s->up.w.id);
    s->obj.size = (int64_t)s->up.size;
    s->obj.crc64 = s->up.crc;
    s->obj.mtime = (int64_t)time(NULL);
    cosd_store_rc_t rc = cosd_store_object_put(r->srv->store, s->bucket.name, &s->obj);
    if (rc != COSD_ST_OK) {
        cosd_blob_discard(r->srv->store, s->up.w.id);
        if (rc == COSD_ST_NOBUCKET)
            cosd_reply_error(r, 404, "NoSuchBucket", "The bucket was deleted during the upload.");
        else
            cosd_reply_error(r, 500, "InternalError",
                             "The object metadata could not be committed.%s",
                             cosd_store_rc_hint(rc));
        return;
    }
    char etag[48], crc[24];
    cosd_quote_etag(s->obj.etag, etag);
    snprintf(crc, sizeof crc, "%" PRIu64, s->up.crc);
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
    const char *ct = cosd_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    s->obj.key = strdup(r->route.key);
    s->obj.content_type = strdup(ct && *ct ? ct : "application/octet-stream");
    s->obj.headers = cosd_meta_from_request(r);
    if (!s->obj.headers)
        return;
    if (!s->obj.key || !s->obj.content_type) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    if (!cosd_sink_begin(r, &s->up, "PUT Object", "object",
                           " Use multipart upload for larger objects."))
        return;
    r->on_body = put_body;
    r->on_done = put_done;
}
