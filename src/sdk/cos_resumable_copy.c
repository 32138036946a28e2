/* cos_resumable_copy.c: cos_upload_object_by_part_copy_mt: a multipart copy of one object into another
 * with thread_num Upload Part - Copy requests in flight (the part workers of cos_resumable.c), progress
 * per finished part, the CRC-64 of the copy compared with the source's, and abort on failure. */
#include "cos_resumable.h"
#include "cosi.h"
#include "cosi_resumable.h"
#include "cosx_buf.h"
#include "cosx_encode.h"

/* The source of a part copy: HEADs it (size, CRC-64) through options with the source endpoint and
 * fills *source with "<bucket host>/<encoded key>". */
static cos_status_t *cosi_copy_source_info(cos_request_options_t *options, const cos_string_t *src_bucket,
                                           const cos_string_t *src_object, const cos_string_t *src_endpoint,
                                           char **source, cos_table_t **head)
{
    cos_pool_t *p = options->pool;
    cos_status_t *s;
    if ((s = cosi_check_config(p, options->config)) != NULL || (s = cosi_check_bucket(p, src_bucket)) != NULL) {
        return s;
    }
    if (src_object == NULL || cos_is_null_string(src_object)) {
        return cosi_status_client(p, "source object key is null or empty, please check it");
    }
    if (src_endpoint == NULL || cos_is_null_string(src_endpoint)) {
        return cosi_status_client(p, "source endpoint is null or empty, please check it");
    }
    cos_config_t *cfg = cos_pcalloc(p, sizeof(*cfg));
    *cfg = *options->config;
    cfg->is_cname = 0;
    const char *proto, *host;
    cosi_endpoint_split(p, &options->config->endpoint, &proto, &host);
    bool has_scheme = strstr(cos_pstrdup(p, src_endpoint), "://") != NULL;
    cos_str_set(&cfg->endpoint, has_scheme ? cos_pstrdup(p, src_endpoint)
                                           : cos_psprintf(p, "%s%.*s", proto, src_endpoint->len, src_endpoint->data));
    char *src_host = cosi_bucket_host(p, cfg, src_bucket);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, src_host != NULL ? src_host : "");
    cosx_buf_putc(&b, '/');
    cosx_enc_path(&b, src_object->data, (size_t)src_object->len);
    *source = cosx_buf_ok(&b) && src_host != NULL ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    if (*source == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    cos_request_options_t so = *options;
    so.config = cfg;
    return cos_head_object(&so, src_bucket, src_object, NULL, head);
}

cos_status_t *cos_upload_object_by_part_copy_mt(cos_request_options_t *options, cos_string_t *src_bucket,
                                                cos_string_t *src_object, cos_string_t *src_endpoint,
                                                cos_string_t *dest_bucket, cos_string_t *dest_object,
                                                int64_t part_size, int32_t thread_num,
                                                cos_progress_callback progress_callback)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    cos_status_t *s;
    if ((s = cosi_check_config(p, options->config)) != NULL || (s = cosi_check_bucket(p, dest_bucket)) != NULL) {
        return s;
    }
    if (dest_object == NULL || cos_is_null_string(dest_object)) {
        return cosi_status_client(p, "destination object key is null or empty, please check it");
    }
    char *source = NULL;
    cos_table_t *head = NULL;
    s = cosi_copy_source_info(options, src_bucket, src_object, src_endpoint, &source, &head);
    if (!cos_status_is_ok(s)) {
        return s;
    }
    const char *len = cos_table_get(head, COS_CONTENT_LENGTH);
    const char *src_crc = cos_table_get(head, COS_HASH_CRC64_ECMA);
    if (len == NULL) {
        return cosi_status_error(p, COSE_SERVICE_ERROR, COS_SERVER_ERROR_CODE, "HEAD returned no Content-Length");
    }
    int64_t size = cos_atoi64(len);
    cosi_rs_t rs;
    cosi_rs_init(&rs, options, dest_bucket, dest_object, COSI_RS_COPY);
    rs.copy_source = source;
    if (cos_pool_create(&rs.fail_pool, NULL) != COSE_OK ||
        cosi_rs_parts(&rs, size, cosi_multipart_part_size(size, part_size)) != COSE_OK) {
        cosi_rs_free(&rs);
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    s = cos_init_multipart_upload(options, dest_bucket, dest_object, &rs.upload_id, cos_table_make(p, 1), NULL);
    if (!cos_status_is_ok(s)) {
        cosi_rs_free(&rs);
        return s;
    }
    cos_resumable_clt_params_t cp = {0};
    cp.thread_num = thread_num;
    cosi_progress_t pr = {progress_callback, NULL, NULL};
    cos_status_t *f = cosi_rs_run(&rs, cosi_clt_threads(&cp), size, &pr);
    if (f != NULL) {
        s = cos_status_dup(p, f);
    } else {
        cos_list_t list;
        cos_list_init(&list);
        for (int i = 0; i < rs.nparts; i++) {
            cos_complete_part_content_t *c = cos_create_complete_part_content(p);
            cos_str_set(&c->part_number, cos_psprintf(p, "%d", i + 1));
            cos_str_set(&c->etag, cos_pstrdup_cstr(p, rs.parts[i].etag));
            cos_list_add_tail(&c->node, &list);
        }
        cos_table_t *rh = NULL;
        s = cos_complete_multipart_upload(options, dest_bucket, dest_object, &rs.upload_id, &list,
                                          cos_table_make(p, 1), &rh);
        const char *crc = rh != NULL ? cos_table_get(rh, COS_HASH_CRC64_ECMA) : NULL;
        bool check = options->ctl == NULL || options->ctl->options == NULL || options->ctl->options->enable_crc;
        if (cos_status_is_ok(s) && check && crc != NULL && src_crc != NULL && strcmp(crc, src_crc) != 0) {
            cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                           cos_psprintf(p, "CRC64 mismatch after copy: source %s, copy %s", src_crc, crc));
        }
    }
    if (!cos_status_is_ok(s) && s->code != COSE_CRC_INCONSISTENT_ERROR) {
        cos_abort_multipart_upload(options, dest_bucket, dest_object, &rs.upload_id, NULL);
    }
    cosi_rs_free(&rs);
    return s;
}
