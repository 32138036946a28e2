/* cosd_copy: PUT Object - Copy (COS_PROTOCOL 6.6): parses x-cos-copy-source, checks access and the
 * x-cos-copy-source-If-* conditions, applies the metadata directive and records the copy in one
 * transaction. Blobs are immutable, so the copy shares the source's blob instead of duplicating it.
 */
#include "cosd_api.h"

#include "cosx_time.h"
#include "cosx_xml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool cosd_copy_parse_source(cosd_req_t *r, const char *v, cosd_route_t *src)
{
    const cosd_config_t *cfg = r->srv->cfg;
    const char *p = v;
    if (strncasecmp(p, "http://", 7) == 0)
        p += 7;
    else if (strncasecmp(p, "https://", 8) == 0)
        p += 8;
    const char *slash = strchr(p, '/');
    char host[256];
    size_t hl = slash ? (size_t)(slash - p) : strlen(p);
    if (!slash || hl >= sizeof host) {
        cosd_reply_error(
            r, 400, "InvalidCopySource",
            "x-cos-copy-source must look like <bucket>-<appid>.cos.<region>.myqcloud.com/<key>.");
        return false;
    }
    memcpy(host, p, hl);
    host[hl] = 0;
    size_t pl = strcspn(slash, "?");
    char *path = strndup(slash, pl);
    if (!path) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return false;
    }
    bool ok = cosd_route_parse(host, path, cfg->domains, cfg->n_cos_domains, cfg->n_domains, src);
    free(path);
    if (!ok) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return false;
    }
    if (src->kind == COSD_ROUTE_ERROR) {
        cosd_reply_error(r, 400, "InvalidCopySource", "x-cos-copy-source is not valid: %s",
                         src->err_msg);
        return false;
    }
    if (src->kind != COSD_ROUTE_OBJECT) {
        cosd_reply_error(r, 400, "InvalidCopySource",
                         "x-cos-copy-source must name an object: "
                         "<bucket>-<appid>.cos.<region>.myqcloud.com/<key> "
                         "(the key is missing or empty).");
        return false;
    }
    return true;
}

bool cosd_copy_source_conditions(cosd_req_t *r, const cosd_object_t *o)
{
    const char *im = cosd_req_header(r, "x-cos-copy-source-If-Match");
    const char *inm = cosd_req_header(r, "x-cos-copy-source-If-None-Match");
    const char *ims = cosd_req_header(r, "x-cos-copy-source-If-Modified-Since");
    const char *ius = cosd_req_header(r, "x-cos-copy-source-If-Unmodified-Since");
    time_t t;
    const char *failed = NULL;
    if (im && !cosd_etag_matches(im, o->etag))
        failed = "x-cos-copy-source-If-Match";
    else if (inm && cosd_etag_matches(inm, o->etag))
        failed = "x-cos-copy-source-If-None-Match";
    else if (ims && cosx_time_parse_http(ims, &t) && o->mtime <= (int64_t)t)
        failed = "x-cos-copy-source-If-Modified-Since";
    else if (ius && cosx_time_parse_http(ius, &t) && o->mtime > (int64_t)t)
        failed = "x-cos-copy-source-If-Unmodified-Since";
    if (failed) {
        cosd_reply_error(r, 412, "PreconditionFailed", "The copy source does not satisfy %s.",
                         failed);
        return false;
    }
    return true;
}

void cosd_object_copy_start(cosd_req_t *r)
{
    cosd_bucket_t dstb, srcb;
    cosd_route_t src;
    cosd_object_t so = {0}, d = {0};
    memset(&src, 0, sizeof src);
    if (!cosd_bucket_access(r, &dstb, false, false))
        return;
    if (!cosd_copy_parse_source(r, cosd_req_header(r, "x-cos-copy-source"), &src))
        goto out;
    const char *dir = cosd_req_header(r, "x-cos-metadata-directive");
    bool replace = false;
    if (dir && strcasecmp(dir, "Replaced") == 0)
        replace = true;
    else if (dir && strcasecmp(dir, "Copy") != 0) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "x-cos-metadata-directive must be Copy or Replaced.");
        goto out;
    }
    const char *acl = cosd_req_header(r, "x-cos-acl");
    if (!cosd_check_acl(r, acl, true))
        goto out;
    cosd_store_rc_t rc = cosd_store_bucket_get(r->srv->store, src.bucket, &srcb);
    if (rc == COSD_ST_OK)
        rc = cosd_store_object_get(r->srv->store, src.bucket, src.key, &so);
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
    if (!replace && strcmp(src.bucket, dstb.name) == 0 && strcmp(src.key, r->route.key) == 0) {
        cosd_reply_error(
            r, 400, "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself without "
            "changing the object's metadata (use x-cos-metadata-directive: Replaced).");
        goto out;
    }
    if (!cosd_storage_class(r, so.storage_class, d.storage_class))
        goto out;
    snprintf(d.acl, sizeof d.acl, "%s", acl ? acl : "default");
    d.key = strdup(r->route.key);
    if (replace) {
        const char *ct = cosd_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
        d.content_type = strdup(ct && *ct ? ct : "application/octet-stream");
        d.headers = cosd_meta_from_request(r);
        if (!d.headers)
            goto out;
    } else {
        d.content_type = strdup(so.content_type);
        d.headers = strdup(so.headers);
    }
    if (!d.key || !d.content_type || !d.headers) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        goto out;
    }
    d.mtime = (int64_t)time(NULL);
    rc = cosd_store_object_copy(r->srv->store, src.bucket, src.key, dstb.name, &d);
    if (rc == COSD_ST_NOTFOUND) {
        cosd_reply_error(r, 404, "NoSuchKey", "The copy source was deleted during the copy.");
        goto out;
    }
    if (rc == COSD_ST_NOBUCKET) {
        cosd_reply_error(r, 404, "NoSuchBucket",
                         "The destination bucket was deleted during the copy.");
        goto out;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The copy could not be committed.%s",
                         cosd_store_rc_hint(rc));
        goto out;
    }
    char etag[48], when[COSX_ISO8601_LEN], crc[24];
    cosd_quote_etag(d.etag, etag);
    cosx_time_iso8601((time_t)d.mtime, false, when);
    snprintf(crc, sizeof crc, "%" PRIu64, d.crc64);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "CopyObjectResult");
    cosx_xml_elem(&b, "ETag", etag);
    cosx_xml_elem(&b, "CRC64", crc);
    cosx_xml_elem(&b, "LastModified", when);
    cosx_xml_close(&b, "CopyObjectResult");
    cosd_reply_xml_h(r, 200, &b, "x-cos-hash-crc64ecma", crc);
out:
    cosd_route_free(&src);
    cosd_object_clear(&so);
    cosd_object_clear(&d);
}
