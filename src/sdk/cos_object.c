/* cos_object.c: single-object operations: PUT from buffer or file, GET to buffer or file (via a
 * ".tmp" file renamed on success), HEAD, existence check and DELETE. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "cosi.h"

static void cosi_move_body(cos_http_response_t *resp, cos_list_t *dst)
{
    if (dst != NULL) {
        cos_list_movelist(&resp->body, dst);
    }
}

static cos_status_t *cosi_put_object(const cos_request_options_t *o, const cos_string_t *bucket,
                                     const cos_string_t *object, cos_list_t *buffer, const cos_string_t *filename,
                                     cos_table_t *headers, cos_table_t *params, cos_progress_callback cb,
                                     cos_table_t **resp_headers, cos_list_t *resp_body)
{
    COSI_CHECK_OPTIONS(o);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(o, bucket, object, HTTP_PUT, false, headers, params, &req, &resp);
    if (s != NULL) {
        return s;
    }
    if (filename != NULL) {
        if (cos_is_null_string(filename)) {
            return cosi_status_client(o->pool, "file name is null or empty, please check it");
        }
        char *path = cos_pstrdup(o->pool, filename);
        if (cosi_set_body_file(req, path, -1, -1, &s) != COSE_OK) {
            return s;
        }
        cosi_set_content_type(req->headers, path);
    } else {
        cosi_set_body_list(req, buffer);
        cosi_set_content_type(req->headers, req->uri);
    }
    if (cosi_add_content_md5(o, req, false, &s) != COSE_OK) {
        return s;
    }
    req->progress_callback = cb;
    s = cosi_send(o, req, resp, COSI_CRC_UPLOAD);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    cosi_move_body(resp, resp_body);
    return s;
}

cos_status_t *cos_do_put_object_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                            const cos_string_t *object, cos_list_t *buffer, cos_table_t *headers,
                                            cos_table_t *params, cos_progress_callback progress_callback,
                                            cos_table_t **resp_headers, cos_list_t *resp_body)
{
    return cosi_put_object(options, bucket, object, buffer, NULL, headers, params, progress_callback,
                           resp_headers, resp_body);
}

cos_status_t *cos_put_object_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                         const cos_string_t *object, cos_list_t *buffer, cos_table_t *headers,
                                         cos_table_t **resp_headers)
{
    return cosi_put_object(options, bucket, object, buffer, NULL, headers, NULL, NULL, resp_headers, NULL);
}

cos_status_t *cos_do_put_object_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                          const cos_string_t *object, const cos_string_t *filename,
                                          cos_table_t *headers, cos_table_t *params,
                                          cos_progress_callback progress_callback, cos_table_t **resp_headers,
                                          cos_list_t *resp_body)
{
    return cosi_put_object(options, bucket, object, NULL, filename, headers, params, progress_callback,
                           resp_headers, resp_body);
}

cos_status_t *cos_put_object_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                       const cos_string_t *object, const cos_string_t *filename,
                                       cos_table_t *headers, cos_table_t **resp_headers)
{
    return cosi_put_object(options, bucket, object, NULL, filename, headers, NULL, NULL, resp_headers, NULL);
}

cos_status_t *cos_do_get_object_to_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                          const cos_string_t *object, cos_table_t *headers, cos_table_t *params,
                                          cos_list_t *buffer, cos_progress_callback progress_callback,
                                          cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, object, HTTP_GET, true, headers, params, &req, &resp);
    if (s != NULL) {
        return s;
    }
    resp->progress_callback = progress_callback;
    s = cosi_send(options, req, resp, COSI_CRC_DOWNLOAD);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    cosi_move_body(resp, buffer);
    return s;
}

cos_status_t *cos_get_object_to_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                       const cos_string_t *object, cos_table_t *headers, cos_table_t *params,
                                       cos_list_t *buffer, cos_table_t **resp_headers)
{
    return cos_do_get_object_to_buffer(options, bucket, object, headers, params, buffer, NULL, resp_headers);
}

cos_status_t *cos_do_get_object_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                        const cos_string_t *object, cos_table_t *headers, cos_table_t *params,
                                        cos_string_t *filename, cos_progress_callback progress_callback,
                                        cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, object, HTTP_GET, true, headers, params, &req, &resp);
    if (s != NULL) {
        return s;
    }
    if (cos_is_null_string(filename)) {
        return cosi_status_client(p, "file name is null or empty, please check it");
    }
    char *path = cos_pstrdup(p, filename);
    char *tmp = cos_psprintf(p, "%s%s", path, COS_TEMP_FILE_SUFFIX);
    cos_file_buf_t *fb = cos_create_file_buf(p);
    if (tmp == NULL || fb == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    int r = cos_open_file_for_write(p, tmp, fb);
    if (r != COSE_OK) {
        return cosi_status_error(p, r, COS_OPEN_FILE_ERROR_CODE,
                                 cos_psprintf(p, "cannot open %s: %s", tmp, strerror(errno)));
    }
    resp->type = BODY_IN_FILE;
    resp->file_buf = fb;
    resp->file_path = tmp;
    resp->progress_callback = progress_callback;
    s = cosi_send(options, req, resp, COSI_CRC_DOWNLOAD);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    int fd = cos_file_fd(fb->file);
    int close_err = (fsync(fd) != 0 && errno != EINVAL) ? errno : 0;
    cos_file_close(fb->file);
    if (cos_status_is_ok(s)) {
        if (close_err != 0) {
            cos_status_set(s, COSE_FILE_WRITE_ERROR, COS_WRITE_FILE_ERROR_CODE,
                           cos_psprintf(p, "cannot write %s: %s", tmp, strerror(close_err)));
            unlink(tmp);
        } else if (rename(tmp, path) != 0) {
            int e = errno;
            cos_status_set(s, COSE_FILE_WRITE_ERROR, COS_RENAME_FILE_ERROR_CODE,
                           cos_psprintf(p, "cannot rename %s to %s: %s", tmp, path, strerror(e)));
            unlink(tmp);
        }
    } else {
        unlink(tmp);
    }
    return s;
}

cos_status_t *cos_get_object_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                     const cos_string_t *object, cos_table_t *headers, cos_table_t *params,
                                     cos_string_t *filename, cos_table_t **resp_headers)
{
    return cos_do_get_object_to_file(options, bucket, object, headers, params, filename, NULL, resp_headers);
}

cos_status_t *cos_head_object(const cos_request_options_t *options, const cos_string_t *bucket,
                              const cos_string_t *object, cos_table_t *headers, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, object, HTTP_HEAD, false, headers, NULL, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    if (s->code == 404 && s->error_code != NULL && strcmp(s->error_code, COS_UNKNOWN_ERROR_CODE) == 0) {
        s->error_code = (char *)"NosuchKey";
    }
    return s;
}

cos_status_t *cos_check_object_exist(const cos_request_options_t *options, const cos_string_t *bucket,
                                     const cos_string_t *object, cos_table_t *headers,
                                     cos_object_exist_status_e *object_exist, cos_table_t **resp_headers)
{
    cos_status_t *s = cos_head_object(options, bucket, object, headers, resp_headers);
    if (object_exist != NULL) {
        *object_exist = (s->code == 200 || s->code == 304 || s->code == 412) ? COS_OBJECT_EXIST
                        : s->code == 404                                     ? COS_OBJECT_NON_EXIST
                                                                             : COS_OBJECT_UNKNOWN_EXIST;
    }
    return s;
}

cos_status_t *cos_do_delete_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                   const cos_string_t *object, cos_table_t *headers, cos_table_t **resp_headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, object, HTTP_DELETE, false, headers, NULL, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    return s;
}

cos_status_t *cos_delete_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                const cos_string_t *object, cos_table_t **resp_headers)
{
    return cos_do_delete_object(options, bucket, object, NULL, resp_headers);
}
