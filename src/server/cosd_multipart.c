/* cosd_multipart: multipart upload on an object (COS_PROTOCOL 7): Initiate (POST ?uploads), Upload
 * Part (PUT ?partNumber&uploadId, streamed into its own blob), Complete (POST ?uploadId: the object
 * becomes a manifest of the part blobs, no data copied), Abort (DELETE ?uploadId), List Parts.
 * Upload Part - Copy is in cosd_multipart_copy.c, List Multipart Uploads in cosd_multipart_list.c.
 */
#include "cosd_api.h"
#include "cosd_body.h"
#include "cosd_sink.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_time.h"
#include "cosx_xml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_PART_NUMBER 10000
#define MIN_PART_SIZE   (1024 * 1024)

static void no_such_upload(cosd_req_t *r)
{
    cosd_reply_error(r, 404, "NoSuchUpload",
                     "The specified upload does not exist: the upload ID is unknown, or the upload "
                     "was aborted or completed.");
}

/* ---- Initiate ---- */
static void initiate(cosd_req_t *r, const cosd_bucket_t *b)
{
    cosd_upload_t u = {0};
    const char *acl = cosd_req_header(r, "x-cos-acl");
    if (!cosd_check_acl(r, acl, true) || !cosd_storage_class(r, NULL, u.storage_class))
        return;
    snprintf(u.acl, sizeof u.acl, "%s", acl ? acl : "default");
    const char *ct = cosd_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    u.key = strdup(r->route.key);
    u.content_type = strdup(ct && *ct ? ct : "application/octet-stream");
    u.headers = cosd_meta_from_request(r);
    if (!u.headers)
        goto out;
    if (!u.key || !u.content_type) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        goto out;
    }
    u.initiated = (int64_t)time(NULL);
    cosd_store_rc_t rc = cosd_store_upload_create(r->srv->store, b->name, &u);
    if (rc == COSD_ST_NOBUCKET) {
        cosd_reply_error(r, 404, "NoSuchBucket", "The specified bucket does not exist.");
        goto out;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The upload could not be recorded.%s",
                         cosd_store_rc_hint(rc));
        goto out;
    }
    cosx_buf_t x = COSX_BUF_INIT;
    cosx_xml_decl(&x);
    cosx_xml_open(&x, "InitiateMultipartUploadResult");
    cosx_xml_elem(&x, "Bucket", b->name);
    cosx_xml_elem(&x, "Key", r->route.key);
    cosx_xml_elem(&x, "UploadId", u.id);
    cosx_xml_close(&x, "InitiateMultipartUploadResult");
    cosd_reply_xml(r, 200, &x);
out:
    cosd_upload_clear(&u);
}

/* ---- Upload Part ---- */
typedef struct part_state {
    cosd_sink_t up;
    char bucket[256];
    char upload_id[128];
    int number;
} part_state_t;

static void part_cleanup(cosd_req_t *r)
{
    part_state_t *s = r->h;
    if (!s)
        return;
    cosd_sink_release(&s->up);
    free(s);
    r->h = NULL;
}

static bool part_body(cosd_req_t *r, const char *data, size_t n)
{
    part_state_t *s = r->h;
    return cosd_sink_write(r, &s->up, data, n);
}

static void part_done(cosd_req_t *r)
{
    part_state_t *s = r->h;
    unsigned char md5[COSX_MD5_LEN];
    if (!cosd_sink_check(r, &s->up, md5))
        return;
    cosd_part_t p = {0};
    p.number = s->number;
    p.size = (int64_t)s->up.size;
    p.crc64 = s->up.crc;
    p.mtime = (int64_t)time(NULL);
    cosx_hex_encode(md5, COSX_MD5_LEN, p.etag);
    s->up.writing = false;
    cosd_store_rc_t frc = cosd_blob_finish(r->srv->store, &s->up.w);
    if (frc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The part data could not be made durable.%s",
                         cosd_store_rc_hint(frc));
        return;
    }
    snprintf(p.blob, sizeof p.blob, "%s", s->up.w.id);
    cosd_store_rc_t rc =
        cosd_store_part_put(r->srv->store, s->bucket, r->route.key, s->upload_id, &p);
    if (rc != COSD_ST_OK) {
        cosd_blob_discard(r->srv->store, s->up.w.id);
        if (rc == COSD_ST_NOTFOUND)
            no_such_upload(r);
        else
            cosd_reply_error(r, 500, "InternalError", "The part could not be recorded.%s",
                             cosd_store_rc_hint(rc));
        return;
    }
    char etag[48], crc[24];
    cosd_quote_etag(p.etag, etag);
    snprintf(crc, sizeof crc, "%" PRIu64, p.crc64);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
        MHD_add_response_header(resp, "x-cos-hash-crc64ecma", crc);
    }
    cosd_reply(r, 200, resp);
}

/* partNumber as 1..10000, else replies InvalidArgument and returns 0. */
static int part_number(cosd_req_t *r)
{
    const char *v = cosd_req_param(r, "partNumber", NULL);
    char *end = NULL;
    long n = v && *v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || n < 1 || n > MAX_PART_NUMBER) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "partNumber '%.32s' is not valid: it must be an integer from 1 to 10000.",
                         v ? v : "");
        return 0;
    }
    return (int)n;
}

static void upload_part(cosd_req_t *r, const cosd_bucket_t *b, const char *id)
{
    int number = part_number(r);
    if (!number)
        return;
    if (cosd_req_header(r, "x-cos-copy-source")) {
        cosd_upload_part_copy(r, b, id, number);
        return;
    }
    cosd_store_rc_t rc = cosd_store_upload_get(r->srv->store, b->name, r->route.key, id, NULL);
    if (rc == COSD_ST_NOTFOUND) {
        no_such_upload(r);
        return;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The upload could not be read.");
        return;
    }
    part_state_t *s = calloc(1, sizeof *s);
    if (!s) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    r->h = s;
    r->on_cleanup = part_cleanup;
    s->number = number;
    snprintf(s->bucket, sizeof s->bucket, "%s", b->name);
    snprintf(s->upload_id, sizeof s->upload_id, "%s", id);
    if (!cosd_sink_begin(r, &s->up, "Upload Part", "part", NULL))
        return;
    r->on_body = part_body;
    r->on_done = part_done;
}

/* ---- Complete ---- */
typedef struct complete_state {
    cosd_bucket_t bucket;
    char upload_id[128];
} complete_state_t;

static bool etag_equal(const char *given, const char *stored)
{
    size_t l = strlen(given);
    if (l >= 2 && given[0] == '"' && given[l - 1] == '"') {
        given++;
        l -= 2;
    }
    return l == strlen(stored) && strncasecmp(given, stored, l) == 0;
}

static const cosd_part_t *find_part(const cosd_part_t *parts, size_t n, int number)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (parts[mid].number == number)
            return &parts[mid];
        if (parts[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void complete_reply(cosd_req_t *r, const cosd_bucket_t *b, const cosd_object_t *o)
{
    char etag[48], crc[24];
    cosd_quote_etag(o->etag, etag);
    snprintf(crc, sizeof crc, "%" PRIu64, o->crc64);
    cosx_buf_t x = COSX_BUF_INIT;
    cosx_xml_decl(&x);
    cosx_xml_open(&x, "CompleteMultipartUploadResult");
    cosx_buf_t loc = COSX_BUF_INIT;
    cosx_buf_puts(&loc, r->host);
    cosx_buf_putc(&loc, '/');
    cosx_buf_puts(&loc, o->key);
    cosx_xml_elem(&x, "Location", cosx_buf_str(&loc));
    cosx_buf_free(&loc);
    cosx_xml_elem(&x, "Bucket", b->name);
    cosx_xml_elem(&x, "Key", o->key);
    cosx_xml_elem(&x, "ETag", etag);
    cosx_xml_close(&x, "CompleteMultipartUploadResult");
    size_t len = x.len;
    char *body = cosx_buf_ok(&x) ? cosx_buf_detach(&x) : NULL;
    cosx_buf_free(&x);
    struct MHD_Response *resp =
        body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) {
        free(body);
        cosd_reply_error(r, 500, "InternalError", "Out of memory while building the response.");
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/xml");
    MHD_add_response_header(resp, "x-cos-hash-crc64ecma", crc);
    cosd_reply(r, 200, resp);
}

static void complete_done(cosd_req_t *r)
{
    complete_state_t *cs = r->h;
    cosd_store_t *st = r->srv->store;
    cosd_complete_body_t req = {0};
    cosd_part_t *stored = NULL, *chosen = NULL;
    size_t nstored = 0, nchosen = 0;
    cosd_upload_t u = {0};
    cosd_object_t o = {0};
    cosx_digest_t *md5 = NULL;
    cosd_store_rc_t rc =
        cosd_store_upload_get(st, cs->bucket.name, r->route.key, cs->upload_id, &u);
    if (rc == COSD_ST_NOTFOUND) {
        no_such_upload(r);
        goto out;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The upload could not be read.");
        goto out;
    }
    if (r->body.len == 0) {
        cosd_reply_error(r, 400, "MissingRequestBodyError",
                         "Complete Multipart Upload needs a CompleteMultipartUpload XML body.");
        goto out;
    }
    cosd_body_err_t err;
    if (!cosd_body_complete(r->body.data, r->body.len, &req, &err)) {
        cosd_reply_error(r, (unsigned)err.status, err.code, "%s", err.message);
        goto out;
    }
    if (cosd_store_parts(st, cs->upload_id, 0, MAX_PART_NUMBER, &stored, &nstored) != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The parts could not be read.");
        goto out;
    }
    chosen = calloc(req.nparts, sizeof *chosen);
    md5 = cosx_digest_new(COSX_DIGEST_MD5);
    if (!chosen || !md5) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        goto out;
    }
    for (size_t i = 0; i < req.nparts; i++) {
        long num = req.parts[i].number;
        const char *et = req.parts[i].etag;
        const cosd_part_t *sp = find_part(stored, nstored, (int)num);
        if (!sp || !etag_equal(et, sp->etag)) {
            cosd_reply_error(r, 400, "InvalidPart",
                             sp ? "Part %ld's ETag %.64s does not match the uploaded part's ETag."
                                : "Part %ld%.0s was not uploaded (or was replaced): upload it "
                                  "or leave it out of the list.",
                             num, et);
            goto out;
        }
        chosen[nchosen++] = *sp;
    }
    for (size_t i = 0; i + 1 < nchosen; i++) {
        if (chosen[i].size < MIN_PART_SIZE) {
            cosd_reply_error(r, 400, "EntityTooSmall",
                             "Part %d is %" PRId64 " bytes; every part but the last must be at "
                             "least 1 MB (1048576 bytes).",
                             chosen[i].number, chosen[i].size);
            goto out;
        }
    }
    uint64_t crc = 0;
    int64_t size = 0;
    for (size_t i = 0; i < nchosen; i++) {
        unsigned char bin[COSX_MD5_LEN];
        size_t bl = 0;
        cosx_hex_decode(chosen[i].etag, strlen(chosen[i].etag), bin, sizeof bin, &bl);
        cosx_digest_update(md5, bin, COSX_MD5_LEN);
        crc = i == 0 ? chosen[i].crc64
                     : cosx_crc64_combine(crc, chosen[i].crc64, (uint64_t)chosen[i].size);
        size += chosen[i].size;
    }
    unsigned char all[COSX_MD5_LEN];
    cosx_digest_final(md5, all);
    char hex[33];
    cosx_hex_encode(all, COSX_MD5_LEN, hex);
    snprintf(o.etag, sizeof o.etag, "%.32s-%u", hex, (unsigned)(nchosen % 100000u));
    o.key = u.key;
    o.content_type = u.content_type;
    o.headers = u.headers;
    memcpy(o.storage_class, u.storage_class, sizeof o.storage_class);
    memcpy(o.acl, u.acl, sizeof o.acl);
    o.size = size;
    o.crc64 = crc;
    o.mtime = (int64_t)time(NULL);
    rc = cosd_store_upload_complete(st, cs->bucket.name, cs->upload_id, chosen, nchosen, &o);
    if (rc == COSD_ST_NOTFOUND)
        no_such_upload(r);
    else if (rc == COSD_ST_EXISTS)
        cosd_reply_error(r, 400, "InvalidPart",
                         "A listed part was uploaded again while completing; list the new ETag.");
    else if (rc != COSD_ST_OK)
        cosd_reply_error(r, 500, "InternalError", "The object could not be committed.%s",
                         cosd_store_rc_hint(rc));
    else
        complete_reply(r, &cs->bucket, &o);
out:
    cosx_digest_free(md5);
    cosd_complete_body_clear(&req);
    free(stored);
    free(chosen);
    cosd_upload_clear(&u);
}

static void free_state(cosd_req_t *r)
{
    free(r->h);
    r->h = NULL;
}

static void complete(cosd_req_t *r, const cosd_bucket_t *b, const char *id)
{
    complete_state_t *cs = calloc(1, sizeof *cs);
    if (!cs) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    cs->bucket = *b;
    snprintf(cs->upload_id, sizeof cs->upload_id, "%s", id);
    r->h = cs;
    r->on_cleanup = free_state;
    cosd_req_collect(r, COSD_MAX_XML_BYTES, "MalformedXML", complete_done);
}

/* ---- Abort ---- */
static void abort_upload(cosd_req_t *r, const cosd_bucket_t *b, const char *id)
{
    cosd_store_rc_t rc = cosd_store_upload_abort(r->srv->store, b->name, r->route.key, id);
    if (rc == COSD_ST_NOTFOUND)
        no_such_upload(r);
    else if (rc != COSD_ST_OK)
        cosd_reply_error(r, 500, "InternalError", "The upload could not be aborted.%s",
                         cosd_store_rc_hint(rc));
    else
        cosd_reply_empty(r, 204);
}

/* ---- List Parts ---- */
static void owner_elem(cosx_buf_t *x, const char *tag, const char *appid)
{
    cosx_xml_open(x, tag);
    cosx_xml_elemf(x, "ID", "qcs::cam::uin/%s:uin/%s", appid, appid);
    cosx_xml_elem(x, "DisplayName", appid);
    cosx_xml_close(x, tag);
}

static void list_parts(cosd_req_t *r, const cosd_bucket_t *b, const char *id)
{
    const char *mp = cosd_req_param(r, "max-parts", NULL);
    const char *pm = cosd_req_param(r, "part-number-marker", NULL);
    const char *enc = cosd_req_param(r, "encoding-type", NULL);
    char *end = NULL;
    long max = mp ? strtol(mp, &end, 10) : 1000;
    if (mp && (!*mp || *end || max < 1 || max > 1000)) {
        cosd_reply_error(r, 400, "InvalidArgument", "max-parts must be an integer from 1 to 1000.");
        return;
    }
    long marker = pm ? strtol(pm, &end, 10) : 0;
    if (pm && (!*pm || *end || marker < 0 || marker > MAX_PART_NUMBER)) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "part-number-marker must be an integer from 0 to 10000.");
        return;
    }
    if (enc && strcmp(enc, "url") != 0) {
        cosd_reply_error(r, 400, "InvalidArgument", "encoding-type must be 'url'.");
        return;
    }
    cosd_upload_t u = {0};
    cosd_store_rc_t rc = cosd_store_upload_get(r->srv->store, b->name, r->route.key, id, &u);
    if (rc == COSD_ST_NOTFOUND) {
        no_such_upload(r);
        return;
    }
    cosd_part_t *parts = NULL;
    size_t n = 0;
    if (rc == COSD_ST_OK)
        rc = cosd_store_parts(r->srv->store, id, (int)marker, (int)max + 1, &parts, &n);
    if (rc != COSD_ST_OK) {
        cosd_upload_clear(&u);
        cosd_reply_error(r, 500, "InternalError", "The parts could not be read.");
        return;
    }
    bool truncated = n > (size_t)max;
    if (truncated)
        n = (size_t)max;
    cosx_buf_t x = COSX_BUF_INIT;
    cosx_xml_decl(&x);
    cosx_xml_open(&x, "ListPartsResult");
    cosx_xml_elem(&x, "Bucket", b->name);
    cosx_xml_elem(&x, "Encoding-type", enc ? enc : "");
    if (enc) {
        cosx_buf_t e = COSX_BUF_INIT;
        cosx_enc_path(&e, r->route.key, strlen(r->route.key));
        cosx_xml_elem(&x, "Key", cosx_buf_str(&e));
        cosx_buf_free(&e);
    } else {
        cosx_xml_elem(&x, "Key", r->route.key);
    }
    cosx_xml_elem(&x, "UploadId", id);
    owner_elem(&x, "Initiator", b->appid);
    owner_elem(&x, "Owner", b->appid);
    cosx_xml_elem(&x, "StorageClass", u.storage_class);
    cosx_xml_elemf(&x, "PartNumberMarker", "%ld", marker);
    cosx_xml_elemf(&x, "NextPartNumberMarker", "%d", n ? parts[n - 1].number : (int)marker);
    cosx_xml_elemf(&x, "MaxParts", "%ld", max);
    cosx_xml_elem(&x, "IsTruncated", truncated ? "true" : "false");
    for (size_t i = 0; i < n; i++) {
        char etag[48], when[COSX_ISO8601_LEN];
        cosd_quote_etag(parts[i].etag, etag);
        cosx_time_iso8601((time_t)parts[i].mtime, true, when);
        cosx_xml_open(&x, "Part");
        cosx_xml_elemf(&x, "PartNumber", "%d", parts[i].number);
        cosx_xml_elem(&x, "LastModified", when);
        cosx_xml_elem(&x, "ETag", etag);
        cosx_xml_elemf(&x, "Size", "%" PRId64, parts[i].size);
        cosx_xml_close(&x, "Part");
    }
    cosx_xml_close(&x, "ListPartsResult");
    free(parts);
    cosd_upload_clear(&u);
    cosd_reply_xml(r, 200, &x);
}

bool cosd_multipart_start(cosd_req_t *r)
{
    bool uploads = cosd_req_has_param(r, "uploads");
    const char *id = cosd_req_param(r, "uploadId", NULL);
    if (!uploads && !id)
        return false;
    static const char *const ok[] = {"uploads", "uploadId", "partNumber", NULL};
    if (!cosd_check_subresources(r, ok))
        return true;
    const char *m = r->method;
    cosd_bucket_t b;
    if (!strcmp(m, "POST") && uploads && !id) {
        if (cosd_bucket_access(r, &b, false, false))
            initiate(r, &b);
        return true;
    }
    if (!id || !*id) {
        cosd_reply_error(r, 400, "InvalidArgument", "%s needs a non-empty uploadId.", m);
        return true;
    }
    bool part = cosd_req_has_param(r, "partNumber");
    if (!cosd_bucket_access(r, &b, false, false))
        return true;
    if (!strcmp(m, "PUT") && part)
        upload_part(r, &b, id);
    else if (!strcmp(m, "POST") && !part)
        complete(r, &b, id);
    else if (!strcmp(m, "DELETE") && !part)
        abort_upload(r, &b, id);
    else if (!strcmp(m, "GET") && !part)
        list_parts(r, &b, id);
    else
        cosd_reply_error(r, 405, "MethodNotAllowed",
                         "%s with ?uploadId%s is not a multipart operation: use PUT "
                         "?partNumber&uploadId, POST ?uploadId, GET ?uploadId or DELETE ?uploadId.",
                         m, part ? "&partNumber" : "");
    return true;
}
