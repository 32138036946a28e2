/* cos_utility.c: constructors of the configuration, the request options and the parameter/result
 * structures, and the Content-Type table used for uploads (by key or file name suffix). */
#include <strings.h>

#include "cosi.h"

cos_request_options_t *cos_request_options_create(cos_pool_t *p)
{
    if (p == NULL && cos_pool_create(&p, NULL) != COSE_OK) {
        return NULL;
    }
    cos_request_options_t *o = cos_pcalloc(p, sizeof(*o));
    if (o != NULL) {
        o->pool = p;
    }
    return o;
}

cos_config_t *cos_config_create(cos_pool_t *p)
{
    if (p == NULL && cos_pool_create(&p, NULL) != COSE_OK) {
        return NULL;
    }
    cos_config_t *c = cos_pcalloc(p, sizeof(*c));
    if (c != NULL) {
        c->retry_change_domain = COS_FALSE;
        c->retry_times = COS_RETRY_TIME;
        c->retry_interval_us = COS_RETRY_INTERVAL_US;
    }
    return c;
}

void *cos_create_api_result_content(cos_pool_t *p, size_t size)
{
    if (size < sizeof(cos_list_t)) {
        size = sizeof(cos_list_t);
    }
    cos_list_t *n = cos_pcalloc(p, size);
    if (n != NULL) {
        cos_list_init(n);
    }
    return n;
}

cos_get_service_params_t *cos_create_get_service_params(cos_pool_t *p)
{
    cos_get_service_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        r->all_region = 1;
        cos_str_set(&r->owner_id, "");
        cos_str_set(&r->owner_display_name, "");
        cos_list_init(&r->bucket_list);
    }
    return r;
}

cos_get_service_content_t *cos_create_get_service_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_get_service_content_t));
}

cos_list_object_params_t *cos_create_list_object_params(cos_pool_t *p)
{
    cos_list_object_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        cos_str_set(&r->encoding_type, "");
        cos_str_set(&r->prefix, "");
        cos_str_set(&r->marker, "");
        cos_str_set(&r->delimiter, "");
        cos_str_set(&r->next_marker, "");
        r->max_ret = COS_PER_RET_NUM;
        r->truncated = 1;
        cos_list_init(&r->object_list);
        cos_list_init(&r->common_prefix_list);
    }
    return r;
}

cos_list_object_content_t *cos_create_list_object_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_list_object_content_t));
}

cos_list_object_common_prefix_t *cos_create_list_object_common_prefix(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_list_object_common_prefix_t));
}

cos_list_multipart_upload_params_t *cos_create_list_multipart_upload_params(cos_pool_t *p)
{
    cos_list_multipart_upload_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        cos_str_set(&r->encoding_type, "");
        cos_str_set(&r->prefix, "");
        cos_str_set(&r->key_marker, "");
        cos_str_set(&r->upload_id_marker, "");
        cos_str_set(&r->delimiter, "");
        cos_str_set(&r->next_key_marker, "");
        cos_str_set(&r->next_upload_id_marker, "");
        r->max_ret = COS_PER_RET_NUM;
        r->truncated = 1;
        cos_list_init(&r->upload_list);
    }
    return r;
}

cos_list_multipart_upload_content_t *cos_create_list_multipart_upload_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_list_multipart_upload_content_t));
}

cos_list_upload_part_params_t *cos_create_list_upload_part_params(cos_pool_t *p)
{
    cos_list_upload_part_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        cos_str_set(&r->encoding_type, "");
        cos_str_set(&r->part_number_marker, "");
        cos_str_set(&r->next_part_number_marker, "");
        r->max_ret = COS_PER_RET_NUM;
        r->truncated = 1;
        cos_list_init(&r->part_list);
    }
    return r;
}

cos_list_part_content_t *cos_create_list_part_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_list_part_content_t));
}

cos_complete_part_content_t *cos_create_complete_part_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_complete_part_content_t));
}

cos_acl_grantee_content_t *cos_create_acl_list_content(cos_pool_t *p)
{
    return cos_create_api_result_content(p, sizeof(cos_acl_grantee_content_t));
}

cos_object_key_t *cos_create_cos_object_key(cos_pool_t *p)
{
    return cos_pcalloc(p, sizeof(cos_object_key_t));
}

cos_copy_object_params_t *cos_create_copy_object_params(cos_pool_t *p)
{
    cos_copy_object_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        cos_str_set(&r->etag, "");
        cos_str_set(&r->last_modify, "");
    }
    return r;
}

cos_upload_part_copy_params_t *cos_create_upload_part_copy_params(cos_pool_t *p)
{
    cos_upload_part_copy_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        cos_str_set(&r->copy_source, "");
        cos_str_set(&r->dest_bucket, "");
        cos_str_set(&r->dest_object, "");
        cos_str_set(&r->upload_id, "");
        r->range_start = -1;
        r->range_end = -1;
        r->rsp_content = cos_create_copy_object_params(p);
    }
    return r;
}

cos_upload_file_t *cos_create_upload_file(cos_pool_t *p)
{
    return cos_pcalloc(p, sizeof(cos_upload_file_t));
}

cos_resumable_clt_params_t *cos_create_resumable_clt_params_content(cos_pool_t *p, int64_t part_size,
    int32_t thread_num, int enable_checkpoint, const char *checkpoint_path)
{
    cos_resumable_clt_params_t *r = cos_pcalloc(p, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    r->part_size = part_size;
    r->thread_num = (thread_num <= 0 || thread_num > 1024) ? 1 : thread_num;
    r->enable_checkpoint = enable_checkpoint;
    if (enable_checkpoint && checkpoint_path != NULL) {
        char *cp = cos_pstrdup_cstr(p, checkpoint_path);
        if (cp != NULL) {
            cos_str_set(&r->checkpoint_path, cp);
        }
    }
    return r;
}

/* Suffix -> MIME type, the common subset of the official table. */
static const struct {
    const char *suffix;
    const char *type;
} cosi_mime_types[] = {
    {"html", "text/html"}, {"htm", "text/html"}, {"shtml", "text/html"}, {"css", "text/css"},
    {"xml", "text/xml"}, {"gif", "image/gif"}, {"jpeg", "image/jpeg"}, {"jpg", "image/jpeg"},
    {"js", "application/x-javascript"}, {"atom", "application/atom+xml"}, {"rss", "application/rss+xml"},
    {"mml", "text/mathml"}, {"txt", "text/plain"}, {"jad", "text/vnd.sun.j2me.app-descriptor"},
    {"wml", "text/vnd.wap.wml"}, {"htc", "text/x-component"}, {"png", "image/png"},
    {"tif", "image/tiff"}, {"tiff", "image/tiff"}, {"wbmp", "image/vnd.wap.wbmp"},
    {"ico", "image/x-icon"}, {"jng", "image/x-jng"}, {"bmp", "image/x-ms-bmp"}, {"svg", "image/svg+xml"},
    {"svgz", "image/svg+xml"}, {"webp", "image/webp"}, {"jar", "application/java-archive"},
    {"json", "application/json"}, {"doc", "application/msword"}, {"pdf", "application/pdf"},
    {"rtf", "application/rtf"}, {"xls", "application/vnd.ms-excel"}, {"ppt", "application/vnd.ms-powerpoint"},
    {"7z", "application/x-7z-compressed"}, {"rar", "application/x-rar-compressed"},
    {"swf", "application/x-shockwave-flash"}, {"xhtml", "application/xhtml+xml"},
    {"zip", "application/zip"}, {"gz", "application/x-gzip"}, {"tar", "application/x-tar"},
    {"mid", "audio/midi"}, {"midi", "audio/midi"}, {"mp3", "audio/mpeg"}, {"ogg", "audio/ogg"},
    {"m4a", "audio/x-m4a"}, {"wav", "audio/x-wav"}, {"flac", "audio/flac"}, {"aac", "audio/aac"},
    {"amr", "audio/amr"}, {"wma", "audio/x-ms-wma"}, {"3gpp", "video/3gpp"}, {"3gp", "video/3gpp"},
    {"mp4", "video/mp4"}, {"mpeg", "video/mpeg"}, {"mpg", "video/mpeg"}, {"mov", "video/quicktime"},
    {"webm", "video/webm"}, {"flv", "video/x-flv"}, {"m4v", "video/x-m4v"}, {"mng", "video/x-mng"},
    {"asx", "video/x-ms-asf"}, {"asf", "video/x-ms-asf"}, {"wmv", "video/x-ms-wmv"},
    {"avi", "video/x-msvideo"}, {"ts", "video/MP2T"}, {"m3u8", "application/x-mpegURL"},
    {"apk", "application/vnd.android.package-archive"}, {"csv", "text/csv"}, {"md", "text/markdown"},
};

const char *cos_get_content_type_by_suffix(const char *name)
{
    if (name != NULL) {
        const char *dot = strrchr(name, '.');
        const char *slash = strrchr(name, '/');
        if (dot != NULL && (slash == NULL || dot > slash) && dot[1] != '\0') {
            for (size_t i = 0; i < sizeof(cosi_mime_types) / sizeof(cosi_mime_types[0]); i++) {
                if (strcasecmp(dot + 1, cosi_mime_types[i].suffix) == 0) {
                    return cosi_mime_types[i].type;
                }
            }
        }
    }
    return "application/octet-stream";
}

void cosi_set_content_type(cos_table_t *headers, const char *name)
{
    if (cos_table_get(headers, COS_CONTENT_TYPE) == NULL) {
        cos_table_set(headers, COS_CONTENT_TYPE, cos_get_content_type_by_suffix(name));
    }
}
