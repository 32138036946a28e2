/* cosd_sink: a request body streamed into a new blob with MD5, CRC64 and length checks, shared by
 * PUT Object and Upload Part (see cosd_sink.h). */
#include "cosd_sink.h"

#include "cosx_crc64.h"
#include "cosx_encode.h"

#include <inttypes.h>
#include <string.h>

bool cosd_sink_begin(cosd_req_t *r, cosd_sink_t *u, const char *what, const char *entity,
                     const char *too_large_hint)
{
    u->entity = entity;
    u->declared = cosd_req_content_length(r);
    if (u->declared == -2) {
        cosd_reply_error(r, 400, "InvalidArgument", "Content-Length is not a valid number.");
        return false;
    }
    if (u->declared < 0 && !cosd_req_chunked(r)) {
        cosd_reply_error(r, 411, "MissingContentLength",
                         "%s needs Content-Length or Transfer-Encoding: chunked.", what);
        return false;
    }
    if (u->declared > (int64_t)COSD_MAX_PUT_BYTES) {
        cosd_reply_error(r, 400, "EntityTooLarge",
                         "The %s is %" PRId64 " bytes; at most 5 GB (%llu bytes) are accepted.%s",
                         entity, u->declared, (unsigned long long)COSD_MAX_PUT_BYTES,
                         too_large_hint ? too_large_hint : "");
        return false;
    }
    const char *cmd5 = cosd_req_header(r, "Content-MD5");
    if (cmd5) {
        size_t n = 0;
        if (!cosx_base64_decode(cmd5, strlen(cmd5), u->want_md5, sizeof u->want_md5, &n) ||
            n != COSX_MD5_LEN) {
            cosd_reply_error(r, 400, "InvalidDigest",
                             "The Content-MD5 you specified is not valid: expected the base64 of "
                             "the 16-byte MD5 of the body.");
            return false;
        }
        u->has_md5 = true;
    }
    u->md5 = cosx_digest_new(COSX_DIGEST_MD5);
    if (!u->md5) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return false;
    }
    cosd_store_rc_t rc = cosd_blob_begin(r->srv->store, &u->w);
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError",
                         "A temporary file for the %s could not be created (%s).%s", entity,
                         strerror(u->w.error), cosd_store_rc_hint(rc));
        return false;
    }
    u->writing = true;
    r->body_limit = COSD_MAX_PUT_BYTES;
    r->limit_code = "EntityTooLarge";
    return true;
}

bool cosd_sink_write(cosd_req_t *r, cosd_sink_t *u, const char *data, size_t n)
{
    if (u->declared >= 0 && u->size + n > (uint64_t)u->declared) {
        cosd_req_fail(r, 400, "InvalidRequest", "The body is longer than Content-Length.");
        cosd_sink_release(u);
        return false;
    }
    cosd_store_rc_t rc = cosd_blob_write(&u->w, data, n);
    if (rc != COSD_ST_OK) {
        cosd_req_fail(r, 500, "InternalError", "The %s data could not be written to disk (%s).%s",
                      u->entity, strerror(u->w.error), cosd_store_rc_hint(rc));
        cosd_sink_release(u); /* the partial file goes now, not when the connection is done */
        return false;
    }
    cosx_digest_update(u->md5, data, n);
    u->crc = cosx_crc64(u->crc, data, n);
    u->size += n;
    return true;
}

bool cosd_sink_check(cosd_req_t *r, cosd_sink_t *u, unsigned char md5[COSX_MD5_LEN])
{
    if (u->declared >= 0 && u->size != (uint64_t)u->declared) {
        cosd_reply_error(r, 400, "IncompleteBody",
                         "The body has %" PRIu64 " bytes but Content-Length announced %" PRId64 ".",
                         u->size, u->declared);
        return false;
    }
    cosx_digest_final(u->md5, md5);
    if (u->has_md5 && !cosx_ct_equal(md5, u->want_md5, COSX_MD5_LEN)) {
        cosd_reply_error(r, 400, "BadDigest",
                         "The Content-MD5 you specified did not match what we received.");
        return false;
    }
    return true;
}

void cosd_sink_release(cosd_sink_t *u)
{
    if (u->writing) {
        cosd_blob_abort(&u->w);
        u->writing = false;
    }
    cosx_digest_free(u->md5);
    u->md5 = NULL;
}
