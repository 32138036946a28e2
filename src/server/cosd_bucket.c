/* cosd_bucket: GET Service and the bucket operations: PUT / HEAD / DELETE Bucket, and dispatch of
 * GET Bucket (cosd_list.c), GET ?uploads (cosd_multipart_list.c) and POST ?delete
 * (cosd_multidel.c). */
#include "cosd_api.h"

#include "cosx_time.h"
#include "cosx_xml.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void owner_xml(cosx_buf_t *b, const char *tag, const char *appid)
{
    cosx_xml_open(b, tag);
    cosx_xml_elemf(b, "ID", "qcs::cam::uin/%s:uin/%s", appid, appid);
    cosx_xml_elem(b, "DisplayName", appid);
    cosx_xml_close(b, tag);
}

static void service_bucket(void *ctx, const cosd_bucket_t *bk)
{
    cosx_buf_t *b = ctx;
    char when[COSX_ISO8601_LEN];
    cosx_time_iso8601((time_t)bk->created, false, when);
    cosx_xml_open(b, "Bucket");
    cosx_xml_elem(b, "Name", bk->name);
    cosx_xml_elem(b, "Location", bk->region);
    cosx_xml_elem(b, "CreationDate", when);
    cosx_xml_elem(b, "BucketType", "cos");
    cosx_xml_close(b, "Bucket");
}

void cosd_service_get(cosd_req_t *r)
{
    if (r->anonymous) {
        cosd_reply_error(r, 403, "AccessDenied", "Listing buckets requires a signed request.");
        return;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "ListAllMyBucketsResult");
    owner_xml(&b, "Owner", r->appid);
    cosx_xml_open(&b, "Buckets");
    if (cosd_store_bucket_list(r->srv->store, r->appid, service_bucket, &b) != COSD_ST_OK) {
        cosx_buf_free(&b);
        cosd_reply_error(r, 500, "InternalError", "The bucket list could not be read.");
        return;
    }
    cosx_xml_close(&b, "Buckets");
    cosx_xml_elem(&b, "Marker", "");
    cosx_xml_elem(&b, "NextMarker", "");
    cosx_xml_elem(&b, "IsTruncated", "false");
    cosx_xml_close(&b, "ListAllMyBucketsResult");
    cosd_reply_xml(r, 200, &b);
}

static void put_bucket_done(cosd_req_t *r)
{
    if (r->body.len > 0) {
        cosx_xml_error_t xe;
        char why[256];
        cosx_xml_limits_t lim = {COSD_MAX_XML_BYTES, 0};
        xmlDocPtr doc = cosx_xml_parse(r->body.data, r->body.len, &lim, &xe, why, sizeof why);
        if (!doc) {
            cosd_reply_error(r, 400, "MalformedXML",
                             "The CreateBucketConfiguration body is not valid XML: %s", why);
            return;
        }
        bool ok = cosx_xml_is(cosx_xml_root(doc), "CreateBucketConfiguration");
        xmlFreeDoc(doc);
        if (!ok) {
            cosd_reply_error(r, 400, "MalformedXML",
                             "The PUT Bucket body must be a CreateBucketConfiguration document.");
            return;
        }
    }
    const char *acl = cosd_req_header(r, "x-cos-acl");
    cosd_bucket_t bk = {0};
    snprintf(bk.name, sizeof bk.name, "%s", r->route.bucket);
    snprintf(bk.appid, sizeof bk.appid, "%s", r->appid);
    snprintf(bk.region, sizeof bk.region, "%s",
             r->route.region[0] ? r->route.region : r->srv->cfg->region);
    snprintf(bk.acl, sizeof bk.acl, "%s", acl ? acl : "private");
    bk.created = (int64_t)time(NULL);
    cosd_store_rc_t rc = cosd_store_bucket_create(r->srv->store, &bk);
    if (rc == COSD_ST_EXISTS) {
        cosd_bucket_t cur;
        if (cosd_store_bucket_get(r->srv->store, bk.name, &cur) == COSD_ST_OK &&
            strcmp(cur.appid, r->appid) != 0)
            cosd_reply_error(r, 409, "BucketAlreadyExists",
                             "The requested bucket name is not available.");
        else
            cosd_reply_error(r, 409, "BucketAlreadyOwnedByYou",
                             "The bucket %s already exists and is yours.", bk.name);
        return;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The bucket could not be created.");
        return;
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp)
        MHD_add_response_header(resp, "Location", "/");
    cosd_reply(r, 200, resp);
}

static void put_bucket(cosd_req_t *r)
{
    if (r->anonymous) {
        cosd_reply_error(r, 403, "AccessDenied", "Creating a bucket requires a signed request.");
        return;
    }
    if (strcmp(cosd_bucket_appid(r->route.bucket), r->appid) != 0) {
        cosd_reply_error(
            r, 403, "AccessDenied",
            "The bucket name must end with your APPID (-%s); '%s' names another account.", r->appid,
            r->route.bucket);
        return;
    }
    if (!cosd_check_acl(r, cosd_req_header(r, "x-cos-acl"), false))
        return;
    cosd_req_collect(r, 64 * 1024, "MalformedXML", put_bucket_done);
}

static void head_bucket(cosd_req_t *r)
{
    cosd_bucket_t b;
    if (!cosd_bucket_access(r, &b, true, true))
        return;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (resp)
        MHD_add_response_header(resp, "x-cos-bucket-region", b.region);
    cosd_reply(r, 200, resp);
}

static void delete_bucket(cosd_req_t *r)
{
    cosd_bucket_t b;
    if (!cosd_bucket_access(r, &b, false, false))
        return;
    cosd_store_rc_t rc = cosd_store_bucket_delete(r->srv->store, b.name);
    if (rc == COSD_ST_NOTEMPTY)
        cosd_reply_error(r, 409, "BucketNotEmpty",
                         "The bucket you tried to delete is not empty (it has objects or "
                         "multipart uploads in progress).");
    else if (rc == COSD_ST_NOTFOUND)
        cosd_reply_error(r, 404, "NoSuchBucket", "The specified bucket does not exist.");
    else if (rc != COSD_ST_OK)
        cosd_reply_error(r, 500, "InternalError", "The bucket could not be deleted.");
    else
        cosd_reply_empty(r, 204);
}

void cosd_bucket_start(cosd_req_t *r)
{
    const char *m = r->method;
    cosd_bucket_t b;
    if (!strcmp(m, "GET") && cosd_req_has_param(r, "uploads")) {
        static const char *const ok[] = {"uploads", NULL};
        if (cosd_check_subresources(r, ok) && cosd_bucket_access(r, &b, true, true))
            cosd_list_uploads(r, &b);
        return;
    }
    if (!strcmp(m, "POST") && cosd_req_has_param(r, "delete")) {
        static const char *const ok[] = {"delete", NULL};
        if (cosd_check_subresources(r, ok) && cosd_bucket_access(r, &b, false, false))
            cosd_multi_delete_start(r, &b);
        return;
    }
    if (!cosd_check_subresources(r, NULL))
        return;
    if (!strcmp(m, "PUT"))
        put_bucket(r);
    else if (r->is_head)
        head_bucket(r);
    else if (!strcmp(m, "DELETE"))
        delete_bucket(r);
    else if (!strcmp(m, "GET")) {
        if (cosd_bucket_access(r, &b, true, true))
            cosd_bucket_list(r, &b);
    } else
        cosd_reply_error(r, 405, "MethodNotAllowed", "The method %s is not allowed on a bucket.",
                         m);
}
