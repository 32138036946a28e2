/* cos_bucket.c: service and bucket operations: GET Service, PUT/DELETE/HEAD Bucket, the bucket
 * existence check and GET Bucket (list objects). */
#include "cosi.h"

static const char *const cosi_acl_names[] = {"private", "public-read", "public-read-write", "default"};

cos_status_t *cos_do_get_service(const cos_request_options_t *options, cos_get_service_params_t *params,
                                 cos_table_t *header, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    int all = params != NULL ? params->all_region : 1;
    cos_status_t *s = cosi_init_service_request(options, all, header, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s) && params != NULL) {
        int r = cosi_get_service_parse(options->pool, &resp->body, params);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        }
    }
    return s;
}

cos_status_t *cos_get_service(const cos_request_options_t *options, cos_get_service_params_t *params,
                              cos_table_t **resp_headers)
{
    return cos_do_get_service(options, params, NULL, resp_headers);
}

/* A body-less bucket request (PUT/DELETE/HEAD Bucket). */
static cos_status_t *cosi_bucket_simple(const cos_request_options_t *o, const cos_string_t *bucket,
                                        http_method_e method, cos_table_t *headers, cos_table_t **resp_headers,
                                        int acl)
{
    COSI_CHECK_OPTIONS(o);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(o, bucket, NULL, method, false, headers, NULL, &req, &resp);
    if (s != NULL) {
        return s;
    }
    if (acl >= COS_ACL_PRIVATE && acl <= COS_ACL_DEFAULT) {
        cos_table_set(req->headers, COS_CANNONICALIZED_HEADER_ACL, cosi_acl_names[acl]);
    }
    s = cosi_send(o, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    return s;
}

cos_status_t *cos_do_create_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                   cos_acl_e cos_acl, cos_table_t *headers, cos_table_t **resp_headers)
{
    return cosi_bucket_simple(options, bucket, HTTP_PUT, headers, resp_headers, (int)cos_acl);
}

cos_status_t *cos_create_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                cos_acl_e cos_acl, cos_table_t **resp_headers)
{
    return cos_do_create_bucket(options, bucket, cos_acl, NULL, resp_headers);
}

cos_status_t *cos_do_delete_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                   cos_table_t *headers, cos_table_t **resp_headers)
{
    return cosi_bucket_simple(options, bucket, HTTP_DELETE, headers, resp_headers, -1);
}

cos_status_t *cos_delete_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                cos_table_t **resp_headers)
{
    return cos_do_delete_bucket(options, bucket, NULL, resp_headers);
}

cos_status_t *cos_do_head_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                 cos_table_t *header, cos_table_t **resp_headers)
{
    return cosi_bucket_simple(options, bucket, HTTP_HEAD, header, resp_headers, -1);
}

cos_status_t *cos_head_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                              cos_table_t **resp_headers)
{
    return cos_do_head_bucket(options, bucket, NULL, resp_headers);
}

cos_status_t *cos_check_bucket_exist(const cos_request_options_t *options, const cos_string_t *bucket,
                                     cos_bucket_exist_status_e *bucket_exist, cos_table_t **resp_headers)
{
    cos_status_t *s = cos_do_head_bucket(options, bucket, NULL, resp_headers);
    if (bucket_exist != NULL) {
        *bucket_exist = s->code == 200   ? COS_BUCKET_EXIST
                        : s->code == 404 ? COS_BUCKET_NON_EXIST
                                         : COS_BUCKET_UNKNOWN_EXIST;
    }
    return s;
}

cos_status_t *cos_do_list_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                 cos_table_t *headers, cos_list_object_params_t *params,
                                 cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (params == NULL) {
        return cosi_status_client(p, "list parameters are NULL: create them with cos_create_list_object_params");
    }
    cos_table_t *q = cos_table_make(p, 6);
    if (!cos_is_null_string(&params->encoding_type)) {
        cos_table_add(q, "encoding-type", cos_pstrdup(p, &params->encoding_type));
    }
    if (!cos_is_null_string(&params->prefix)) {
        cos_table_add(q, COS_PREFIX, cos_pstrdup(p, &params->prefix));
    }
    if (!cos_is_null_string(&params->marker)) {
        cos_table_add(q, COS_MARKER, cos_pstrdup(p, &params->marker));
    }
    if (!cos_is_null_string(&params->delimiter)) {
        cos_table_add(q, COS_DELIMITER, cos_pstrdup(p, &params->delimiter));
    }
    cos_table_add_int(q, COS_MAX_KEYS, params->max_ret);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, NULL, HTTP_GET, false, headers, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_list_objects_parse(p, &resp->body, params);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        }
    }
    return s;
}

cos_status_t *cos_list_object(const cos_request_options_t *options, const cos_string_t *bucket,
                              cos_list_object_params_t *params, cos_table_t **resp_headers)
{
    return cos_do_list_object(options, bucket, NULL, params, resp_headers);
}
