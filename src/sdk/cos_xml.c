/* cos_xml.c: XML bodies of the service, bucket and object operations: parsing ListAllMyBucketsResult,
 * ListBucketResult, DeleteResult and CopyObjectResult into pool structures, and writing the Delete
 * request body. Parsing goes through the shared safe parser (no DTD, no network, size limits). */
#include "cosi.h"
#include "cosx_encode.h"
#include "cosx_xml.h"

#define COSI_XML_MAX_BYTES (64 * 1024 * 1024)

int cosi_parse_xml_body(cos_pool_t *p, cos_list_t *body, void **doc_out)
{
    *doc_out = NULL;
    char *text = cos_buf_list_content(p, body);
    if (text == NULL) {
        return COSE_OUT_MEMORY;
    }
    cosx_xml_limits_t lim = {COSI_XML_MAX_BYTES, 0};
    cosx_xml_error_t err;
    xmlDocPtr doc = cosx_xml_parse(text, strlen(text), &lim, &err, NULL, 0);
    if (doc == NULL) {
        return err == COSX_XML_NOMEM ? COSE_OUT_MEMORY : COSE_XML_PARSE_ERROR;
    }
    *doc_out = doc;
    return COSE_OK;
}

/* Sets dst to a pool copy of the text of parent's child name ("" when absent). */
static void cosi_xml_str(cos_pool_t *p, xmlNodePtr parent, const char *name, cos_string_t *dst)
{
    const char *t = parent != NULL ? cosx_xml_child_text(parent, name) : NULL;
    char *c = cos_pstrdup_cstr(p, t != NULL ? t : "");
    if (c != NULL) {
        cos_str_set(dst, c);
    }
}

int cosi_get_service_parse(cos_pool_t *p, cos_list_t *body, cos_get_service_params_t *params)
{
    xmlDocPtr doc;
    int r = cosi_parse_xml_body(p, body, (void **)&doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    if (root == NULL || !cosx_xml_is(root, "ListAllMyBucketsResult")) {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    xmlNodePtr owner = cosx_xml_child(root, "Owner");
    if (owner != NULL) {
        cosi_xml_str(p, owner, "ID", &params->owner_id);
        cosi_xml_str(p, owner, "DisplayName", &params->owner_display_name);
    }
    xmlNodePtr buckets = cosx_xml_child(root, "Buckets");
    for (xmlNodePtr b = buckets != NULL ? cosx_xml_child(buckets, "Bucket") : NULL; b != NULL;
         b = cosx_xml_next(b, "Bucket")) {
        cos_get_service_content_t *c = cos_create_get_service_content(p);
        if (c == NULL) {
            xmlFreeDoc(doc);
            return COSE_OUT_MEMORY;
        }
        cosi_xml_str(p, b, "Name", &c->bucket_name);
        cosi_xml_str(p, b, "Location", &c->location);
        cosi_xml_str(p, b, "CreationDate", &c->creation_date);
        cos_list_add_tail(&c->node, &params->bucket_list);
    }
    xmlFreeDoc(doc);
    return COSE_OK;
}

int cosi_list_objects_parse(cos_pool_t *p, cos_list_t *body, cos_list_object_params_t *params)
{
    xmlDocPtr doc;
    int r = cosi_parse_xml_body(p, body, (void **)&doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    if (root == NULL || !cosx_xml_is(root, "ListBucketResult")) {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    const char *tr = cosx_xml_child_text(root, "IsTruncated");
    params->truncated = (tr != NULL && strcmp(tr, "true") == 0) ? COS_TRUE : COS_FALSE;
    cosi_xml_str(p, root, "NextMarker", &params->next_marker);
    for (xmlNodePtr n = cosx_xml_child(root, "Contents"); n != NULL; n = cosx_xml_next(n, "Contents")) {
        cos_list_object_content_t *c = cos_create_list_object_content(p);
        if (c == NULL) {
            xmlFreeDoc(doc);
            return COSE_OUT_MEMORY;
        }
        cosi_xml_str(p, n, "Key", &c->key);
        cosi_xml_str(p, n, "LastModified", &c->last_modified);
        cosi_xml_str(p, n, "ETag", &c->etag);
        cosi_xml_str(p, n, "Size", &c->size);
        xmlNodePtr owner = cosx_xml_child(n, "Owner");
        cosi_xml_str(p, owner, "ID", &c->owner_id);
        cosi_xml_str(p, owner, "DisplayName", &c->owner_display_name);
        cosi_xml_str(p, n, "StorageClass", &c->storage_class);
        cos_list_add_tail(&c->node, &params->object_list);
    }
    for (xmlNodePtr n = cosx_xml_child(root, "CommonPrefixes"); n != NULL;
         n = cosx_xml_next(n, "CommonPrefixes")) {
        cos_list_object_common_prefix_t *c = cos_create_list_object_common_prefix(p);
        if (c == NULL) {
            xmlFreeDoc(doc);
            return COSE_OUT_MEMORY;
        }
        cosi_xml_str(p, n, "Prefix", &c->prefix);
        cos_list_add_tail(&c->node, &params->common_prefix_list);
    }
    xmlFreeDoc(doc);
    return COSE_OK;
}

int cosi_delete_objects_parse(cos_pool_t *p, cos_list_t *body, cos_list_t *deleted)
{
    xmlDocPtr doc;
    int r = cosi_parse_xml_body(p, body, (void **)&doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    if (root == NULL || !cosx_xml_is(root, "DeleteResult")) {
        xmlFreeDoc(doc);
        return COSE_XML_PARSE_ERROR;
    }
    for (xmlNodePtr n = cosx_xml_child(root, "Deleted"); n != NULL; n = cosx_xml_next(n, "Deleted")) {
        const char *k = cosx_xml_child_text(n, "Key");
        if (k == NULL) {
            continue;
        }
        cos_object_key_t *ok = cos_create_cos_object_key(p);
        cosx_buf_t b = COSX_BUF_INIT;
        const char *key = cosx_pct_decode(&b, k, strlen(k), true) ? cosx_buf_str(&b) : k;
        char *copy = cos_pstrdup_cstr(p, key);
        cosx_buf_free(&b);
        if (ok == NULL || copy == NULL) {
            xmlFreeDoc(doc);
            return COSE_OUT_MEMORY;
        }
        cos_str_set(&ok->key, copy);
        cos_list_add_tail(&ok->node, deleted);
    }
    xmlFreeDoc(doc);
    return COSE_OK;
}

int cosi_copy_object_parse(cos_pool_t *p, cos_list_t *body, cos_copy_object_params_t *res)
{
    xmlDocPtr doc;
    int r = cosi_parse_xml_body(p, body, (void **)&doc);
    if (r != COSE_OK) {
        return r;
    }
    xmlNodePtr root = cosx_xml_root(doc);
    const char *etag = root != NULL ? cosx_xml_child_text(root, "ETag") : NULL;
    if (root == NULL || !cosx_xml_is(root, "CopyObjectResult") || etag == NULL) {
        xmlFreeDoc(doc);
        return COSE_SERVICE_ERROR;
    }
    if (res != NULL) {
        cosi_xml_str(p, root, "ETag", &res->etag);
        cosi_xml_str(p, root, "LastModified", &res->last_modify);
    }
    xmlFreeDoc(doc);
    return COSE_OK;
}

int cosi_build_delete_objects_body(cos_pool_t *p, cos_list_t *object_list, int is_quiet, cos_list_t *body)
{
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_open(&b, "Delete");
    cosx_xml_elem(&b, "Quiet", is_quiet ? "true" : "false");
    cos_object_key_t *k;
    cos_list_for_each_entry(cos_object_key_t, k, object_list, node) {
        cosx_xml_open(&b, "Object");
        char *key = cos_pstrdup(p, &k->key);
        cosx_xml_elem(&b, "Key", key != NULL ? key : "");
        cosx_xml_close(&b, "Object");
    }
    cosx_xml_close(&b, "Delete");
    return cosi_body_from_buf(p, &b, body);
}

int cosi_body_from_buf(cos_pool_t *p, cosx_buf_t *b, cos_list_t *body)
{
    char *text = cosx_buf_ok(b) ? cos_pstrndup(p, cosx_buf_str(b), b->len) : NULL;
    int len = (int)b->len;
    cosx_buf_free(b);
    cos_buf_t *buf = text != NULL ? cos_buf_pack(p, text, len) : NULL;
    if (buf == NULL) {
        return COSE_OUT_MEMORY;
    }
    cos_list_add_tail(&buf->node, body);
    return COSE_OK;
}
