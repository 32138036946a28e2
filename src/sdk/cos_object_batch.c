/* cos_object_batch.c: operations over several objects or two locations: Delete Multiple Objects,
 * deleting every object under a prefix (list + quiet multi-delete per page), and PUT Object - Copy. */
#include "cosi.h"
#include "cosx_encode.h"

cos_status_t *cos_do_delete_objects(const cos_request_options_t *options, const cos_string_t *bucket,
                                    cos_list_t *object_list, int is_quiet, cos_table_t *headers,
                                    cos_table_t **resp_headers, cos_list_t *deleted_object_list)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (object_list == NULL || cos_list_empty(object_list)) {
        return cosi_status_client(p, "object list is empty: add cos_object_key_t entries to delete");
    }
    cos_table_t *q = cos_table_make(p, 1);
    cos_table_add(q, COS_DELETE, "");
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, NULL, HTTP_POST, false, headers, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    cos_list_t body;
    cos_list_init(&body);
    if (cosi_build_delete_objects_body(p, object_list, is_quiet, &body) != COSE_OK) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    cosi_set_body_list(req, &body);
    cos_table_set(req->headers, COS_CONTENT_TYPE, "application/xml");
    /* The service requires Content-MD5 on this request, whatever enable_md5 says. */
    cos_table_unset(req->headers, COS_CONTENT_MD5);
    if (cosi_add_content_md5(options, req, true, &s) != COSE_OK) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s) && !is_quiet && deleted_object_list != NULL) {
        int r = cosi_delete_objects_parse(p, &resp->body, deleted_object_list);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        }
    }
    return s;
}

cos_status_t *cos_delete_objects(const cos_request_options_t *options, const cos_string_t *bucket,
                                 cos_list_t *object_list, int is_quiet, cos_table_t **resp_headers,
                                 cos_list_t *deleted_object_list)
{
    return cos_do_delete_objects(options, bucket, object_list, is_quiet, NULL, resp_headers,
                                 deleted_object_list);
}

cos_status_t *cos_delete_objects_by_prefix(cos_request_options_t *options, const cos_string_t *bucket,
                                           const cos_string_t *prefix)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *parent = options->pool;
    char *marker = (char *)"";
    char *pfx = cos_pstrdup(parent, prefix);
    cos_status_t *result = NULL;
    for (;;) {
        cos_pool_t *sub;
        if (cos_pool_create(&sub, parent) != COSE_OK) {
            return cosi_status_error(parent, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        }
        cos_request_options_t o = *options;
        o.pool = sub;
        cos_list_object_params_t *lp = cos_create_list_object_params(sub);
        cos_str_set(&lp->prefix, pfx != NULL ? pfx : "");
        cos_str_set(&lp->marker, marker);
        lp->max_ret = COS_PER_RET_NUM;
        cos_status_t *s = cos_list_object(&o, bucket, lp, NULL);
        if (!cos_status_is_ok(s) || cos_list_empty(&lp->object_list)) {
            result = cos_status_dup(parent, s);
            cos_pool_destroy(sub);
            break;
        }
        cos_list_t keys;
        cos_list_init(&keys);
        cos_list_object_content_t *c;
        cos_list_for_each_entry(cos_list_object_content_t, c, &lp->object_list, node) {
            cos_object_key_t *k = cos_create_cos_object_key(sub);
            if (k == NULL) {
                cos_pool_destroy(sub);
                return cosi_status_error(parent, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
            }
            k->key = c->key;
            cos_list_add_tail(&k->node, &keys);
        }
        s = cos_delete_objects(&o, bucket, &keys, COS_TRUE, NULL, NULL);
        result = cos_status_dup(parent, s);
        int more = cos_status_is_ok(s) && lp->truncated;
        if (more) {
            /* Without a NextMarker (no delimiter) continue after the last listed key. */
            cos_list_object_content_t *last = cos_list_get_last(&lp->object_list, cos_list_object_content_t, node);
            marker = !cos_is_null_string(&lp->next_marker) ? cos_pstrdup(parent, &lp->next_marker)
                                                           : cos_pstrdup(parent, &last->key);
        }
        cos_pool_destroy(sub);
        if (!more) {
            break;
        }
    }
    return result;
}

cos_status_t *cos_copy_object(const cos_request_options_t *options, const cos_string_t *src_bucket,
                              const cos_string_t *src_object, const cos_string_t *src_endpoint,
                              const cos_string_t *dest_bucket, const cos_string_t *dest_object,
                              cos_table_t *headers, cos_copy_object_params_t *copy_object_param,
                              cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_status_t *s;
    if ((s = cosi_check_bucket(p, src_bucket)) != NULL) {
        return s;
    }
    if (cos_is_null_string(src_object)) {
        return cosi_status_client(p, "source object key is null or empty, please check it");
    }
    if (cos_is_null_string(src_endpoint)) {
        return cosi_status_client(p, "source endpoint is null or empty, please check it");
    }
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(options, dest_bucket, dest_object, HTTP_PUT, false, headers, NULL, &req, &resp);
    if (s != NULL) {
        return s;
    }
    /* Source: "<bucket>.<endpoint host>/<key>", with the same appid rule as request hosts. */
    cos_config_t srccfg = *options->config;
    srccfg.endpoint = *src_endpoint;
    srccfg.is_cname = 0;
    char *src_host = cosi_bucket_host(p, &srccfg, src_bucket);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, src_host);
    cosx_buf_putc(&b, '/');
    cosx_enc_path(&b, src_object->data, (size_t)src_object->len);
    char *source = cosx_buf_ok(&b) ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    if (source == NULL || src_host == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    cos_table_set(req->headers, COS_COPY_SOURCE, source);
    cosi_set_body_list(req, NULL);
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_copy_object_parse(p, &resp->body, copy_object_param);
        if (r != COSE_OK) {
            /* 200 whose body is an <Error> (or lacks the ETag): the copy failed. */
            cos_status_t tmp = {0, NULL, NULL, NULL};
            cos_status_parse_from_body(p, &resp->body, 500, &tmp);
            bool has_err = tmp.error_code != NULL && strcmp(tmp.error_code, COS_UNKNOWN_ERROR_CODE) != 0;
            cos_status_set(s, COSE_SERVICE_ERROR, has_err ? tmp.error_code : COS_SERVER_ERROR_CODE,
                           has_err && tmp.error_msg != NULL ? tmp.error_msg : "Server Error");
        }
    }
    return s;
}
