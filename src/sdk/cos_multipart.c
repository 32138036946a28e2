/* cos_multipart.c: multipart upload requests: initiate, upload a part from a buffer or a file range
 * (part CRC64 checked against x-cos-hash-crc64ecma), complete (a 200 with an <Error> body fails),
 * abort, list parts, list uploads and upload part - copy. */
#include <inttypes.h>

#include "cosi.h"
#include "cosi_resumable.h"
#include "cosx_buf.h"
#include "cosx_encode.h"

static cos_table_t *cosi_upload_query(cos_pool_t *p, cos_table_t *params, const cos_string_t *upload_id)
{
    cos_table_t *q = params != NULL ? params : cos_table_make(p, 2);
    char *id = cos_pstrdup(p, upload_id);
    cos_table_set(q, COS_UPLOAD_ID, id != NULL ? id : "");
    return q;
}

static cos_status_t *cosi_check_upload_id(cos_pool_t *p, const cos_string_t *upload_id)
{
    if (upload_id == NULL || cos_is_null_string((cos_string_t *)upload_id)) {
        return cosi_status_client(p, "upload id is null or empty: start the upload with cos_init_multipart_upload");
    }
    return NULL;
}

cos_status_t *cosi_init_multipart_upload_params(const cos_request_options_t *o, const cos_string_t *bucket,
                                                const cos_string_t *object, cos_string_t *upload_id,
                                                cos_table_t *headers, cos_table_t *params,
                                                cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(o);
    cos_table_t *q = params != NULL ? params : cos_table_make(o->pool, 1);
    cos_table_set(q, COS_UPLOADS, "");
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(o, bucket, object, HTTP_POST, false, headers, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    cosi_set_content_type(req->headers, req->uri);
    cosi_set_body_list(req, NULL);
    s = cosi_send(o, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        cos_string_t id = {0, NULL};
        int r = cosi_init_multipart_parse(o->pool, &resp->body, &id);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        } else if (upload_id != NULL) {
            *upload_id = id;
        }
    }
    return s;
}

cos_status_t *cos_init_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                        const cos_string_t *object, cos_string_t *upload_id, cos_table_t *headers,
                                        cos_table_t **resp_headers)
{
    return cosi_init_multipart_upload_params(options, bucket, object, upload_id, headers, NULL, resp_headers);
}

cos_status_t *cos_init_multipart_upload_no_retry(const cos_request_options_t *options, const cos_string_t *bucket,
                                                 const cos_string_t *object, cos_string_t *upload_id,
                                                 cos_table_t *headers, cos_table_t **resp_headers)
{
    /* Retries of every call are governed by config->retry_times (as in the official SDK). */
    return cosi_init_multipart_upload_params(options, bucket, object, upload_id, headers, NULL, resp_headers);
}

static cos_status_t *cosi_upload_part(const cos_request_options_t *o, const cos_string_t *bucket,
                                      const cos_string_t *object, const cos_string_t *upload_id, int part_num,
                                      cos_list_t *buffer, cos_upload_file_t *upload_file, cos_progress_callback cb,
                                      cos_table_t *headers, cos_table_t *params, cos_table_t **resp_headers,
                                      cos_list_t *resp_body)
{
    COSI_CHECK_OPTIONS(o);
    cos_pool_t *p = o->pool;
    cos_status_t *s = cosi_check_upload_id(p, upload_id);
    if (s != NULL) {
        return s;
    }
    if (part_num < 1 || part_num > COS_MAX_PART_NUM) {
        return cosi_status_client(p, cos_psprintf(p, "part number %d is out of range 1..%d", part_num,
                                                  COS_MAX_PART_NUM));
    }
    if (upload_file != NULL && (cos_is_null_string(&upload_file->filename) || upload_file->file_pos < 0 ||
                                upload_file->file_last < upload_file->file_pos)) {
        return cosi_status_client(p, "upload_file needs a file name and a range file_pos <= file_last");
    }
    cos_table_t *q = cosi_upload_query(p, params, upload_id);
    cos_table_set(q, "partNumber", cos_psprintf(p, "%d", part_num));
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(o, bucket, object, HTTP_PUT, false, headers, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    if (upload_file != NULL) {
        char *path = cos_pstrdup(p, &upload_file->filename);
        if (cosi_set_body_file(req, path, upload_file->file_pos, upload_file->file_last, &s) != COSE_OK) {
            return s;
        }
    } else {
        cosi_set_body_list(req, buffer);
    }
    if (cosi_add_content_md5(o, req, false, &s) != COSE_OK) {
        return s;
    }
    req->progress_callback = cb;
    s = cosi_send(o, req, resp, COSI_CRC_UPLOAD);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (resp_body != NULL) {
        cos_list_movelist(&resp->body, resp_body);
    }
    return s;
}

cos_status_t *cos_upload_part_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                          const cos_string_t *object, const cos_string_t *upload_id, int part_num,
                                          cos_list_t *buffer, cos_table_t **resp_headers)
{
    return cosi_upload_part(options, bucket, object, upload_id, part_num, buffer, NULL, NULL, NULL, NULL,
                            resp_headers, NULL);
}

cos_status_t *cos_do_upload_part_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                             const cos_string_t *object, const cos_string_t *upload_id,
                                             int part_num, cos_list_t *buffer,
                                             cos_progress_callback progress_callback, cos_table_t *headers,
                                             cos_table_t *params, cos_table_t **resp_headers,
                                             cos_list_t *resp_body)
{
    return cosi_upload_part(options, bucket, object, upload_id, part_num, buffer, NULL, progress_callback,
                            headers, params, resp_headers, resp_body);
}

cos_status_t *cos_upload_part_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                        const cos_string_t *object, const cos_string_t *upload_id, int part_num,
                                        cos_upload_file_t *upload_file, cos_table_t **resp_headers)
{
    if (upload_file == NULL) {
        COSI_CHECK_OPTIONS(options);
        return cosi_status_client(options->pool, "upload_file is NULL: create it with cos_create_upload_file");
    }
    return cosi_upload_part(options, bucket, object, upload_id, part_num, NULL, upload_file, NULL, NULL, NULL,
                            resp_headers, NULL);
}

cos_status_t *cos_do_upload_part_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                           const cos_string_t *object, const cos_string_t *upload_id, int part_num,
                                           cos_upload_file_t *upload_file, cos_progress_callback progress_callback,
                                           cos_table_t *headers, cos_table_t *params, cos_table_t **resp_headers,
                                           cos_list_t *resp_body)
{
    if (upload_file == NULL) {
        COSI_CHECK_OPTIONS(options);
        return cosi_status_client(options->pool, "upload_file is NULL: create it with cos_create_upload_file");
    }
    return cosi_upload_part(options, bucket, object, upload_id, part_num, NULL, upload_file, progress_callback,
                            headers, params, resp_headers, resp_body);
}

cos_status_t *cos_do_upload_part_from_file_no_retry(const cos_request_options_t *options,
                                                    const cos_string_t *bucket, const cos_string_t *object,
                                                    const cos_string_t *upload_id, int part_num,
                                                    cos_upload_file_t *upload_file,
                                                    cos_progress_callback progress_callback, cos_table_t *headers,
                                                    cos_table_t *params, cos_table_t **resp_headers,
                                                    cos_list_t *resp_body)
{
    return cos_do_upload_part_from_file(options, bucket, object, upload_id, part_num, upload_file,
                                        progress_callback, headers, params, resp_headers, resp_body);
}

cos_status_t *cos_do_complete_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                               const cos_string_t *object, const cos_string_t *upload_id,
                                               cos_list_t *part_list, cos_table_t *headers, cos_table_t *params,
                                               cos_table_t **resp_headers, cos_list_t *resp_body)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_status_t *s = cosi_check_upload_id(p, upload_id);
    if (s != NULL) {
        return s;
    }
    if (part_list == NULL || cos_list_empty(part_list)) {
        return cosi_status_client(p, "part list is empty: add one cos_complete_part_content_t per uploaded part");
    }
    cos_table_t *q = cosi_upload_query(p, params, upload_id);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(options, bucket, object, HTTP_POST, false, headers, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    cos_list_t body;
    cos_list_init(&body);
    if (cosi_build_complete_body(p, part_list, &body) != COSE_OK) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    cosi_set_body_list(req, &body);
    cosi_set_content_type(req->headers, req->uri);
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_complete_multipart_parse(p, &resp->body, s);
        if (r == COSE_OUT_MEMORY) {
            cos_status_set(s, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        }
    }
    if (resp_body != NULL) {
        cos_list_movelist(&resp->body, resp_body);
    }
    return s;
}

cos_status_t *cos_complete_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                            const cos_string_t *object, const cos_string_t *upload_id,
                                            cos_list_t *part_list, cos_table_t *headers,
                                            cos_table_t **resp_headers)
{
    return cos_do_complete_multipart_upload(options, bucket, object, upload_id, part_list, headers, NULL,
                                            resp_headers, NULL);
}

cos_status_t *cos_abort_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                         const cos_string_t *object, cos_string_t *upload_id,
                                         cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_status_t *s = cosi_check_upload_id(p, upload_id);
    if (s != NULL) {
        return s;
    }
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(options, bucket, object, HTTP_DELETE, false, NULL, cosi_upload_query(p, NULL, upload_id),
                          &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    return s;
}

static void cosi_add_if_set(cos_pool_t *p, cos_table_t *q, const char *name, const cos_string_t *v)
{
    if (v != NULL && !cos_is_null_string((cos_string_t *)v)) {
        char *c = cos_pstrdup(p, v);
        cos_table_add(q, name, c != NULL ? c : "");
    }
}

cos_status_t *cos_list_upload_part(const cos_request_options_t *options, const cos_string_t *bucket,
                                   const cos_string_t *object, const cos_string_t *upload_id,
                                   cos_list_upload_part_params_t *params, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_status_t *s = cosi_check_upload_id(p, upload_id);
    if (s != NULL) {
        return s;
    }
    if (params == NULL) {
        return cosi_status_client(p, "params is NULL: create it with cos_create_list_upload_part_params");
    }
    cos_table_t *q = cosi_upload_query(p, NULL, upload_id);
    cos_table_add(q, COS_MAX_PARTS, cos_psprintf(p, "%d", params->max_ret));
    cosi_add_if_set(p, q, COS_PARTNUMBER_MARKER, &params->part_number_marker);
    cosi_add_if_set(p, q, COS_ENCODING_TYPE, &params->encoding_type);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(options, bucket, object, HTTP_GET, false, NULL, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_list_parts_parse(p, &resp->body, params);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        }
    }
    return s;
}

cos_status_t *cos_list_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                        cos_list_multipart_upload_params_t *params, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (params == NULL) {
        return cosi_status_client(p, "params is NULL: create it with cos_create_list_multipart_upload_params");
    }
    cos_table_t *q = cos_table_make(p, 7);
    cos_table_add(q, COS_UPLOADS, "");
    cosi_add_if_set(p, q, COS_PREFIX, &params->prefix);
    cosi_add_if_set(p, q, COS_DELIMITER, &params->delimiter);
    cosi_add_if_set(p, q, COS_KEY_MARKER, &params->key_marker);
    cosi_add_if_set(p, q, COS_UPLOAD_ID_MARKER, &params->upload_id_marker);
    cosi_add_if_set(p, q, COS_ENCODING_TYPE, &params->encoding_type);
    cos_table_add(q, COS_MAX_UPLOADS, cos_psprintf(p, "%d", params->max_ret));
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, NULL, HTTP_GET, false, NULL, q, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_list_uploads_parse(p, &resp->body, params);
        if (r != COSE_OK) {
            cos_xml_error_status_set(s, r);
        }
    }
    return s;
}

cos_status_t *cos_upload_part_copy(const cos_request_options_t *options, cos_upload_part_copy_params_t *params,
                                   cos_table_t *headers, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (params == NULL) {
        return cosi_status_client(p, "params is NULL: create it with cos_create_upload_part_copy_params");
    }
    cos_status_t *s = cosi_check_upload_id(p, &params->upload_id);
    if (s != NULL) {
        return s;
    }
    if (cos_is_null_string(&params->copy_source)) {
        return cosi_status_client(p, "copy_source is empty: set it to \"<bucket>.<endpoint host>/<key>\"");
    }
    if (params->part_num < 1 || params->part_num > COS_MAX_PART_NUM) {
        return cosi_status_client(p, cos_psprintf(p, "part number %d is out of range 1..%d", params->part_num,
                                                  COS_MAX_PART_NUM));
    }
    cos_table_t *q = cosi_upload_query(p, NULL, &params->upload_id);
    cos_table_set(q, "partNumber", cos_psprintf(p, "%d", params->part_num));
    cos_http_request_t *req;
    cos_http_response_t *resp;
    s = cosi_init_request(options, &params->dest_bucket, &params->dest_object, HTTP_PUT, false, headers, q, &req,
                          &resp);
    if (s != NULL) {
        return s;
    }
    char *src = cos_pstrdup(p, &params->copy_source);
    cos_table_set(req->headers, COS_COPY_SOURCE, src != NULL ? src : "");
    if (params->range_start != -1 && params->range_end != -1) {
        cos_table_set(req->headers, COS_COPY_SOURCE_RANGE,
                      cos_psprintf(p, "bytes=%" PRId64 "-%" PRId64, params->range_start, params->range_end));
    }
    cosi_set_body_list(req, NULL);
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (cos_status_is_ok(s)) {
        int r = cosi_copy_part_parse(p, &resp->body, params->rsp_content);
        if (r != COSE_OK) {
            cos_status_t tmp = {0, NULL, NULL, NULL};
            cos_status_parse_from_body(p, &resp->body, 500, &tmp);
            bool has_err = tmp.error_code != NULL && strcmp(tmp.error_code, COS_UNKNOWN_ERROR_CODE) != 0;
            cos_status_set(s, COSE_SERVICE_ERROR, has_err ? tmp.error_code : COS_SERVER_ERROR_CODE,
                           has_err && tmp.error_msg != NULL ? tmp.error_msg : "Server Error");
        }
    }
    return s;
}
