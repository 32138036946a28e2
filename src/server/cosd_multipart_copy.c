/* cosd_multipart_copy: Upload Part - Copy (PUT ?partNumber&uploadId with x-cos-copy-source and an
 * optional x-cos-copy-source-range): the part's bytes are read from the source object (a blob or
 * the parts of a multipart object) into a new part blob, with its MD5 and CRC64. */
#include "cosd_api.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_time.h"
#include "cosx_xml.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define COPY_BLOCK (256 * 1024)

/* x-cos-copy-source-range "bytes=first-last" within size: 1 ok, 0 absent, -1 invalid. */
static int copy_range(const char *h, int64_t size, int64_t *first, int64_t *last)
{
    if (!h)
        return 0;
    long long a, b;
    int used = 0;
    if (strncasecmp(h, "bytes=", 6) != 0 || sscanf(h + 6, "%lld-%lld%n", &a, &b, &used) != 2 ||
        h[6 + used] != 0 || a < 0 || b < a || b >= size)
        return -1;
    *first = a;
    *last = b;
    return 1;
}

/* Copies bytes [first, first + len) of the source (one blob, or the manifest parts) into w. */
static bool copy_bytes(cosd_store_t *st, const char *blob, const cosd_manifest_part_t *parts,
                       size_t nparts, int64_t first, int64_t len, cosd_blob_writer_t *w,
                       cosx_digest_t *md5, uint64_t *crc, int *err)
{
    cosd_manifest_part_t single;
    if (!parts) {
        snprintf(single.blob, sizeof single.blob, "%s", blob);
        single.size = first + len;
        parts = &single;
        nparts = 1;
    }
    char *buf = malloc(COPY_BLOCK);
    if (!buf) {
        *err = ENOMEM;
        return false;
    }
    int64_t base = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < nparts && len > 0; i++) {
        int64_t psize = parts[i].size;
        if (first >= base + psize) {
            base += psize;
            continue;
        }
        int fd = cosd_blob_open(st, parts[i].blob);
        if (fd < 0) {
            *err = errno;
            ok = false;
            break;
        }
        int64_t off = first - base;
        while (ok && off < psize && len > 0) {
            size_t want = (size_t)(psize - off < COPY_BLOCK ? psize - off : COPY_BLOCK);
            if ((int64_t)want > len)
                want = (size_t)len;
            ssize_t got = pread(fd, buf, want, (off_t)off);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0 || cosd_blob_write(w, buf, (size_t)got) != COSD_ST_OK) {
                *err = got <= 0 ? EIO : ENOSPC;
                ok = false;
                break;
            }
            cosx_digest_update(md5, buf, (size_t)got);
            *crc = cosx_crc64(*crc, buf, (size_t)got);
            off += got;
            first += got;
            len -= got;
        }
        close(fd);
        base += psize;
    }
    free(buf);
    return ok;
}

void cosd_upload_part_copy(cosd_req_t *r, const cosd_bucket_t *b, const char *id, int number)
{
    cosd_store_t *st = r->srv->store;
    cosd_route_t src;
    memset(&src, 0, sizeof src);
    cosd_bucket_t srcb;
    cosd_object_t so = {0};
    cosd_manifest_part_t *parts = NULL;
    size_t nparts = 0;
    cosx_digest_t *md5 = NULL;
    cosd_blob_writer_t w = {.fd = -1};
    bool writing = false;
    cosd_store_rc_t rc = cosd_store_upload_get(st, b->name, r->route.key, id, NULL);
    if (rc == COSD_ST_NOTFOUND) {
        cosd_reply_error(r, 404, "NoSuchUpload",
                         "The specified upload does not exist: the upload ID is unknown, or the "
                         "upload was aborted or completed.");
        goto out;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The upload could not be read.");
        goto out;
    }
    if (!cosd_copy_parse_source(r, cosd_req_header(r, "x-cos-copy-source"), &src))
        goto out;
    rc = cosd_store_bucket_get(st, src.bucket, &srcb);
    if (rc == COSD_ST_OK)
        rc = cosd_store_object_get(st, src.bucket, src.key, &so);
    if (rc == COSD_ST_NOTFOUND) {
        cosd_reply_error(r, 404, "NoSuchKey", "The copy source %s/%s does not exist.", src.bucket,
                         src.key);
        goto out;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The copy source could not be read.");
        goto out;
    }
    const char *sacl = strcmp(so.acl, "default") == 0 ? srcb.acl : so.acl;
    if (strcmp(srcb.appid, r->appid) != 0 && strncmp(sacl, "public-read", 11) != 0) {
        cosd_reply_error(r, 403, "AccessDenied", "Access denied to the copy source.");
        goto out;
    }
    if (!cosd_copy_source_conditions(r, &so))
        goto out;
    int64_t first = 0, last = so.size - 1;
    const char *rh = cosd_req_header(r, "x-cos-copy-source-range");
    if (copy_range(rh, so.size, &first, &last) < 0) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "x-cos-copy-source-range '%.64s' is not valid: use bytes=first-last "
                         "within the source's %" PRId64 " bytes.",
                         rh, so.size);
        goto out;
    }
    int64_t len = so.size == 0 ? 0 : last - first + 1;
    if (len > (int64_t)COSD_MAX_PUT_BYTES) {
        cosd_reply_error(r, 400, "EntityTooLarge",
                         "The part would be %" PRId64 " bytes; a part may have at most 5 GB: "
                         "use x-cos-copy-source-range.",
                         len);
        goto out;
    }
    if (cosd_blob_is_manifest(so.blob) &&
        cosd_store_manifest(st, so.blob, &parts, &nparts) != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The copy source could not be read.");
        goto out;
    }
    md5 = cosx_digest_new(COSX_DIGEST_MD5);
    if (!md5 || cosd_blob_begin(st, &w) != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "A file for the part could not be created.");
        goto out;
    }
    writing = true;
    uint64_t crc = 0;
    int err = 0;
    if (len > 0 && !copy_bytes(st, so.blob, parts, nparts, first, len, &w, md5, &crc, &err)) {
        if (err == ENOENT)
            cosd_reply_error(r, 404, "NoSuchKey", "The copy source was deleted during the copy.");
        else
            cosd_reply_error(r, 500, "InternalError", "The part data could not be copied.");
        goto out;
    }
    cosd_part_t p = {.number = number, .size = len, .crc64 = crc, .mtime = (int64_t)time(NULL)};
    unsigned char m[COSX_MD5_LEN];
    cosx_digest_final(md5, m);
    cosx_hex_encode(m, COSX_MD5_LEN, p.etag);
    writing = false;
    cosd_store_rc_t frc = cosd_blob_finish(st, &w);
    if (frc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The part data could not be made durable.%s",
                         cosd_store_rc_hint(frc));
        goto out;
    }
    snprintf(p.blob, sizeof p.blob, "%s", w.id);
    rc = cosd_store_part_put(st, b->name, r->route.key, id, &p);
    if (rc != COSD_ST_OK) {
        cosd_blob_discard(st, w.id);
        if (rc == COSD_ST_NOTFOUND)
            cosd_reply_error(r, 404, "NoSuchUpload", "The upload was aborted or completed.");
        else
            cosd_reply_error(r, 500, "InternalError", "The part could not be recorded.%s",
                             cosd_store_rc_hint(rc));
        goto out;
    }
    char etag[48], when[COSX_ISO8601_LEN], crcs[24];
    cosd_quote_etag(p.etag, etag);
    cosx_time_iso8601((time_t)p.mtime, true, when);
    snprintf(crcs, sizeof crcs, "%" PRIu64, crc);
    cosx_buf_t x = COSX_BUF_INIT;
    cosx_xml_decl(&x);
    cosx_xml_open(&x, "CopyPartResult");
    cosx_xml_elem(&x, "ETag", etag);
    cosx_xml_elem(&x, "CRC64", crcs);
    cosx_xml_elem(&x, "LastModified", when);
    cosx_xml_close(&x, "CopyPartResult");
    cosd_reply_xml_h(r, 200, &x, "x-cos-hash-crc64ecma", crcs);
out:
    if (writing)
        cosd_blob_abort(&w);
    cosx_digest_free(md5);
    free(parts);
    cosd_object_clear(&so);
    cosd_route_free(&src);
}
