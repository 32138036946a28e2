/* cos_multipart_xml.c: XML bodies of multipart upload: parsing InitiateMultipartUploadResult,
 * CompleteMultipartUploadResult (leading whitespace skipped, an <Error> root is a failure),
 * ListPartsResult, ListMultipartUploadsResult and CopyPartResult, and writing CompleteMultipartUpload. */
#include <ctype.h>

#include "cosi.h"
#include "cosx_xml.h"

#define COSI_MP_XML_MAX_BYTES (64 * 1024 * 1024)

/* Parses the body after skipping leading whitespace (Complete keeps the connection alive with it). */
static int cosi_mp_parse(cos_pool_t *p, cos_list_t *body, xmlDocPtr *doc_out)
{
    *doc_out = NULL;
    char *text = cos_buf_list_content(p, body);
    if (text == NULL) {
        return COSE_OUT_MEMORY;
    }
    while (*text != '\0' && isspace((unsigned char)*text)) {
        text++;
    }
    cosx_xml_limits_t lim = {COSI_MP_XML_MAX_BYTES, 0};
    cosx_xml_error_t err;
    xmlDocPtr doc = cosx_xml_parse(text, strlen(text), &lim, &err, NULL, 0);
    if (doc == NULL) {
        return err == COSX_XML_NOMEM ? COSE_OUT_MEMORY : COSE_XML_PARSE_ERROR;
    }
    *doc_out = doc;
    return COSE_OK;
}

static int cosi_mp_str(cos_pool_t *p, xmlNodePtr parent, const char *name, cos_string_t *dst)
{
    const char *t = parent != NULL ? cosx_xml_child_text(parent, name) : NULL;
    char *c = cos_pstrdup_cstr(p, t != NULL ? t : "");
    if (c == NULL) {
        return COSE_OUT_MEMORY;
    }
    cos_str_set(dst, c);
    return COSE_OK;
}

static int cosi_mp_truncated(xmlNodePtr root)
{
    const char *tr = cosx_xml_child_text(root, "IsTruncated");
    return (tr != NULL && strcmp(tr, "true") == 0) ? COS_TRUE : COS_FALSE;
}

int cosi_init_multipart_parse(cos_pool_t *p, cos_list_t *body, cos_string_t *upload_id)
{
    xmlDocPtr doc;
    int r = cosi_mp_parse(p, body, &doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    const char *id = root != NULL ? cosx_xml_child_text(root, "UploadId") : NULL;
    if (root == NULL || !cosx_xml_is(root, "InitiateMultipartUploadResult") || id == NULL || *id == '\0') {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    r = cosi_mp_str(p, root, "UploadId", upload_id);
    xmlFreeDoc(doc);
    return r;
}

int cosi_complete_multipart_parse(cos_pool_t *p, cos_list_t *body, cos_status_t *s)
{
    xmlDocPtr doc;
    int r = cosi_mp_parse(p, body, &doc);
    if (r == COSE_OUT_MEMORY) {
        return r;
    }
    xmlNodePtr root = doc != NULL ? cosx_xml_root(doc) : NULL;
    const char *etag = root != NULL && cosx_xml_is(root, "CompleteMultipartUploadResult")
                           ? cosx_xml_child_text(root, "ETag") : NULL;
    if (etag != NULL && *etag != '\0') {
        xmlFreeDoc(doc);
        return COSE_OK;
    }
    /* 200 whose body is an <Error> (or has no ETag): the upload was not completed. */
    const char *code = root != NULL && cosx_xml_is(root, "Error") ? cosx_xml_child_text(root, "Code") : NULL;
    const char *msg = root != NULL && cosx_xml_is(root, "Error") ? cosx_xml_child_text(root, "Message") : NULL;
    const char *rid = root != NULL && cosx_xml_is(root, "Error") ? cosx_xml_child_text(root, "RequestId") : NULL;
    char *c = cos_pstrdup_cstr(p, code != NULL && *code != '\0' ? code : COS_SERVER_ERROR_CODE);
    char *m = cos_pstrdup_cstr(p, msg != NULL && *msg != '\0' ? msg : "Server Error");
    if (rid != NULL && *rid != '\0' && (s->req_id == NULL || *s->req_id == '\0')) {
        s->req_id = cos_pstrdup_cstr(p, rid);
    }
    if (doc != NULL) {
        xmlFreeDoc(doc);
    }
    cos_status_set(s, COSE_SERVICE_ERROR, c != NULL ? c : (char *)COS_SERVER_ERROR_CODE,
                   m != NULL ? m : (char *)"Server Error");
    return COSE_SERVICE_ERROR;
}

int cosi_list_parts_parse(cos_pool_t *p, cos_list_t *body, cos_list_upload_part_params_t *params)
{
    xmlDocPtr doc;
    int r = cosi_mp_parse(p, body, &doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    if (root == NULL || !cosx_xml_is(root, "ListPartsResult")) {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    params->truncated = cosi_mp_truncated(root);
    r = cosi_mp_str(p, root, "NextPartNumberMarker", &params->next_part_number_marker);
    for (xmlNodePtr n = cosx_xml_child(root, "Part"); r == COSE_OK && n != NULL; n = cosx_xml_next(n, "Part")) {
        cos_list_part_content_t *c = cos_create_list_part_content(p);
        if (c == NULL) {
            r = COSE_OUT_MEMORY;
            break;
        }
        r |= cosi_mp_str(p, n, "PartNumber", &c->part_number);
        r |= cosi_mp_str(p, n, "Size", &c->size);
        r |= cosi_mp_str(p, n, "ETag", &c->etag);
        r |= cosi_mp_str(p, n, "LastModified", &c->last_modified);
        cos_list_add_tail(&c->node, &params->part_list);
    }
    xmlFreeDoc(doc);
    return r == COSE_OK ? COSE_OK : COSE_OUT_MEMORY;
}

int cosi_list_uploads_parse(cos_pool_t *p, cos_list_t *body, cos_list_multipart_upload_params_t *params)
{
    xmlDocPtr doc;
    int r = cosi_mp_parse(p, body, &doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    if (root == NULL || !cosx_xml_is(root, "ListMultipartUploadsResult")) {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    params->truncated = cosi_mp_truncated(root);
    r = cosi_mp_str(p, root, "NextKeyMarker", &params->next_key_marker);
    r |= cosi_mp_str(p, root, "NextUploadIdMarker", &params->next_upload_id_marker);
    for (xmlNodePtr n = cosx_xml_child(root, "Upload"); r == COSE_OK && n != NULL; n = cosx_xml_next(n, "Upload")) {
        cos_list_multipart_upload_content_t *c = cos_create_list_multipart_upload_content(p);
        if (c == NULL) {
            r = COSE_OUT_MEMORY;
            break;
        }
        r |= cosi_mp_str(p, n, "Key", &c->key);
        r |= cosi_mp_str(p, n, "UploadId", &c->upload_id);
        r |= cosi_mp_str(p, n, "Initiated", &c->initiated);
        cos_list_add_tail(&c->node, &params->upload_list);
    }
    xmlFreeDoc(doc);
    return r == COSE_OK ? COSE_OK : COSE_OUT_MEMORY;
}

int cosi_copy_part_parse(cos_pool_t *p, cos_list_t *body, cos_copy_object_params_t *res)
{
    xmlDocPtr doc;
    int r = cosi_mp_parse(p, body, &doc);
    if (r != COSE_OK) {
        return r == COSE_OUT_MEMORY ? r : COSE_SERVICE_ERROR;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    const char *etag = root != NULL ? cosx_xml_child_text(root, "ETag") : NULL;
    if (root == NULL || !(cosx_xml_is(root, "CopyPartResult") || cosx_xml_is(root, "CopyObjectResult")) ||
        etag == NULL || *etag == '\0') {
        xmlFreeDoc(doc);
        return COSE_SERVICE_ERROR;
    }
    if (res != NULL) {
        r = cosi_mp_str(p, root, "ETag", &res->etag);
        r |= cosi_mp_str(p, root, "LastModified", &res->last_modify);
    }
    xmlFreeDoc(doc);
    return r == COSE_OK ? COSE_OK : COSE_OUT_MEMORY;
}

int cosi_build_complete_body(cos_pool_t *p, cos_list_t *part_list, cos_list_t *body)
{
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_open(&b, "CompleteMultipartUpload");
    cos_complete_part_content_t *c;
    cos_list_for_each_entry(cos_complete_part_content_t, c, part_list, node) {
        char *num = cos_pstrdup(p, &c->part_number);
        char *etag = cos_pstrdup(p, &c->etag);
        cosx_xml_open(&b, "Part");
        cosx_xml_elem(&b, "PartNumber", num != NULL ? num : "");
        cosx_xml_elem(&b, "ETag", etag != NULL ? etag : "");
        cosx_xml_close(&b, "Part");
    }
    cosx_xml_close(&b, "CompleteMultipartUpload");
    return cosi_body_from_buf(p, &b, body);
}
