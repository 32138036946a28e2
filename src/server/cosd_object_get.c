/* cosd_object_get: GET and HEAD Object (COS_PROTOCOL 6.2, 6.3): public-read access, conditional
 * requests (304 / 412), single Range (206 / 416), response-* overrides, CRC64 and stored headers.
 * Bodies are sent from the blob file (sendfile). */
#include "cosd_api.h"
#include "cosd_ci.h"
#include "cosd_cond.h"
#include "cosx_encode.h"

#include "cosx_time.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SMALL_BODY (64 * 1024)

static bool object_readable(cosd_req_t *r, const cosd_bucket_t *b, const cosd_object_t *o)
{
    if (!r->anonymous && strcmp(b->appid, r->appid) == 0)
        return true;
    const char *acl = strcmp(o->acl, "default") == 0 ? b->acl : o->acl;
    return strncmp(acl, "public-read", 11) == 0;
}

static void add_validators(struct MHD_Response *resp, const cosd_object_t *o)
{
    char etag[48], lm[COSX_RFC1123_LEN];
    cosd_quote_etag(o->etag, etag);
    cosx_time_rfc1123((time_t)o->mtime, lm);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
}

/* Returns true when a conditional header decided the response (queued). */
static bool conditional(cosd_req_t *r, const cosd_object_t *o)
{
    cosd_cond_headers_t h = {
        .if_match = cosd_req_header(r, MHD_HTTP_HEADER_IF_MATCH),
        .if_unmodified_since = cosd_req_header(r, MHD_HTTP_HEADER_IF_UNMODIFIED_SINCE),
        .if_none_match = cosd_req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH),
        .if_modified_since = cosd_req_header(r, MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
    };
    cosd_cond_rc_t c = cosd_cond_eval(&h, o->etag, o->mtime);
    if (c == COSD_COND_FAIL_MATCH) {
        cosd_reply_error(r, 412, "PreconditionFailed",
                         "If-Match did not match the object's ETag.");
        return true;
    }
    if (c == COSD_COND_FAIL_UNMODIFIED) {
        cosd_reply_error(r, 412, "PreconditionFailed",
                         "The object was modified after If-Unmodified-Since.");
        return true;
    }
    if (c == COSD_COND_NOT_MODIFIED) {
        struct MHD_Response *resp =
            MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (resp)
            add_validators(resp, o);
        cosd_reply(r, 304, resp);
        return true;
    }
    return false;
}

static const struct {
    const char *param;
    const char *header;
} overrides[] = {
    {"response-content-type", MHD_HTTP_HEADER_CONTENT_TYPE},
    {"response-content-language", MHD_HTTP_HEADER_CONTENT_LANGUAGE},
    {"response-expires", MHD_HTTP_HEADER_EXPIRES},
    {"response-cache-control", MHD_HTTP_HEADER_CACHE_CONTROL},
    {"response-content-disposition", MHD_HTTP_HEADER_CONTENT_DISPOSITION},
    {"response-content-encoding", MHD_HTTP_HEADER_CONTENT_ENCODING},
};

void cosd_object_get(cosd_req_t *r)
{
    cosd_bucket_t b = {0};
    cosd_object_t o = {0};
    cosd_store_rc_t rc = COSD_ST_ERROR;
    int fd = -1;
    cosd_manifest_part_t *parts = NULL; /* a multipart object: its part blobs */
    size_t nparts = 0;
    /* A concurrent overwrite may unlink the blob between the lookup and the open: look up again. */
    for (int attempt = 0; attempt < 5 && fd < 0; attempt++) {
        cosd_object_clear(&o);
        free(parts);
        parts = NULL;
        rc = cosd_store_object_lookup(r->srv->store, r->route.bucket, r->route.key, &b, &o);
        if (rc != COSD_ST_OK)
            break;
        if (cosd_blob_is_manifest(o.blob)) {
            rc = cosd_store_manifest(r->srv->store, o.blob, &parts, &nparts);
            if (rc != COSD_ST_OK || nparts > 0)
                break;
            errno = ENOENT; /* the manifest went away with an overwrite: look up again */
            continue;
        }
        fd = cosd_blob_open(r->srv->store, o.blob);
        if (fd < 0 && errno != ENOENT) {
            rc = COSD_ST_ERROR;
            break;
        }
    }
    if (rc == COSD_ST_NOBUCKET) {
        cosd_reply_error(r, 404, "NoSuchBucket", "The specified bucket does not exist.");
        goto out;
    }
    if (rc == COSD_ST_OK && fd < 0 && !parts)
        rc = COSD_ST_ERROR;
    if (rc != COSD_ST_OK || !object_readable(r, &b, &o)) {
        if (rc == COSD_ST_NOTFOUND && (r->anonymous || strcmp(b.appid, r->appid) != 0) &&
            strncmp(b.acl, "public-read", 11) != 0)
            cosd_reply_error(r, 403, "AccessDenied", "Access denied: the bucket is private.");
        else if (rc == COSD_ST_NOTFOUND)
            cosd_reply_error(r, 404, "NoSuchKey", "The specified key does not exist.");
        else if (rc == COSD_ST_OK)
            cosd_reply_error(
                r, 403, "AccessDenied",
                r->anonymous ? "Access denied: anonymous reads need a public-read object or bucket."
                             : "Access denied: the object belongs to another account.");
        else
            cosd_reply_error(r, 500, "InternalError", "The object could not be read.");
        goto out;
    }
    if (cosd_ci_frozen(r->srv->ci.ctx, r->route.bucket, r->route.key, o.blob)) {
        cosd_reply_error(r, 403, "AccessDenied",
                         "The object is frozen by audio moderation (ForbidState 1); overwrite or "
                         "delete it to lift the freeze.");
        goto out;
    }
    if (conditional(r, &o))
        goto out;
    int64_t first = 0, last = o.size - 1;
    cosd_range_rc_t rg =
        cosd_range_parse(cosd_req_header(r, MHD_HTTP_HEADER_RANGE), o.size, &first, &last);
    if (rg == COSD_RANGE_BAD) {
        cosd_reply_error(
            r, 400, "InvalidArgument",
            "The Range header is not valid: use one range, bytes=first-last, bytes=first- or "
            "bytes=-suffix.");
        goto out;
    }
    if (rg == COSD_RANGE_UNSATISFIABLE) {
        char cr[64];
        snprintf(cr, sizeof cr, "bytes */%" PRId64, o.size);
        cosd_reply_error_h(r, 416, "InvalidRange", MHD_HTTP_HEADER_CONTENT_RANGE, cr,
                           "The requested range is not satisfiable (object size %" PRId64 ").",
                           o.size);
        goto out;
    }
    int64_t len = o.size == 0 ? 0 : last - first + 1;
    struct MHD_Response *resp;
    if (len == 0) {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (parts) {
        resp = cosd_parts_response(r->srv->store, parts, nparts, first, len);
        parts = NULL; /* owned by the response (or freed on failure) */
    } else if (len <= SMALL_BODY && !r->is_head) {
        /* Small bodies go out with the headers in one write instead of a send plus a sendfile. */
        char *buf = malloc((size_t)len);
        ssize_t got = buf ? pread(fd, buf, (size_t)len, (off_t)first) : -1;
        if (got != (ssize_t)len) {
            free(buf);
            cosd_reply_error(r, 500, "InternalError", "The object data could not be read.");
            goto out;
        }
        resp = MHD_create_response_from_buffer((size_t)len, buf, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            free(buf);
    } else {
        resp = MHD_create_response_from_fd_at_offset64((uint64_t)len, fd, (uint64_t)first);
        if (resp)
            fd = -1; /* owned by the response */
    }
    if (!resp) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        goto out;
    }
    add_validators(resp, &o);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    char crc[24];
    cosx_u64_dec(o.crc64, crc);
    MHD_add_response_header(resp, "x-cos-hash-crc64ecma", crc);
    MHD_add_response_header(resp, "x-cos-storage-class", o.storage_class);
    const char *skip[8];
    size_t ns = 0;
    const char *ct = o.content_type;
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
        const char *v = cosd_req_param(r, overrides[i].param, NULL);
        if (!v)
            continue;
        if (i == 0)
            ct = v;
        else
            MHD_add_response_header(resp, overrides[i].header, v);
        skip[ns++] = overrides[i].header;
    }
    skip[ns] = NULL;
    cosd_meta_to_response(resp, o.headers, skip);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
    if (rg == COSD_RANGE_OK) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, first, last, o.size);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
        cosd_reply(r, 206, resp);
    } else {
        cosd_reply(r, 200, resp);
    }
out:
    if (fd >= 0)
        close(fd);
    free(parts);
    cosd_object_clear(&o);
}
