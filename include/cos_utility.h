/* cos_utility.h: constructors of the configuration, the request options and every parameter/result
 * structure of the service, bucket and object operations, plus the process-wide retry switch. */
#ifndef LIBCOS_UTILITY_H
#define LIBCOS_UTILITY_H

#include "cos_sys_define.h"
#include "cos_string.h"
#include "cos_status.h"
#include "cos_define.h"

COS_CPP_START

/* Zeroed options bound to p (p NULL: a new root pool); set ->config and ->ctl. */
COS_EXPORT cos_request_options_t *cos_request_options_create(cos_pool_t *p);
/* Zeroed configuration with the retry defaults (3 retries, 100 ms interval). */
COS_EXPORT cos_config_t *cos_config_create(cos_pool_t *p);

COS_EXPORT cos_get_service_params_t *cos_create_get_service_params(cos_pool_t *p);
COS_EXPORT cos_get_service_content_t *cos_create_get_service_content(cos_pool_t *p);
COS_EXPORT cos_list_object_params_t *cos_create_list_object_params(cos_pool_t *p);
COS_EXPORT cos_list_object_content_t *cos_create_list_object_content(cos_pool_t *p);
COS_EXPORT cos_list_object_common_prefix_t *cos_create_list_object_common_prefix(cos_pool_t *p);
COS_EXPORT cos_list_multipart_upload_params_t *cos_create_list_multipart_upload_params(cos_pool_t *p);
COS_EXPORT cos_list_multipart_upload_content_t *cos_create_list_multipart_upload_content(cos_pool_t *p);
COS_EXPORT cos_list_upload_part_params_t *cos_create_list_upload_part_params(cos_pool_t *p);
COS_EXPORT cos_list_part_content_t *cos_create_list_part_content(cos_pool_t *p);
COS_EXPORT cos_complete_part_content_t *cos_create_complete_part_content(cos_pool_t *p);
COS_EXPORT cos_acl_grantee_content_t *cos_create_acl_list_content(cos_pool_t *p);
COS_EXPORT cos_object_key_t *cos_create_cos_object_key(cos_pool_t *p);
COS_EXPORT cos_copy_object_params_t *cos_create_copy_object_params(cos_pool_t *p);
COS_EXPORT cos_upload_part_copy_params_t *cos_create_upload_part_copy_params(cos_pool_t *p);
COS_EXPORT cos_upload_file_t *cos_create_upload_file(cos_pool_t *p);
COS_EXPORT cos_resumable_clt_params_t *cos_create_resumable_clt_params_content(cos_pool_t *p, int64_t part_size,
    int32_t thread_num, int enable_checkpoint, const char *checkpoint_path);
/* Zero-filled result element of size bytes with its leading node initialised. */
COS_EXPORT void *cos_create_api_result_content(cos_pool_t *p, size_t size);

/* Content-Type for a key or file name from its suffix ("application/octet-stream" by default). */
COS_EXPORT const char *cos_get_content_type_by_suffix(const char *name);

/* Process-wide switch (default off) for the multipart/resumable endpoint-suffix fallback; set it
 * before starting threads. */
COS_EXPORT void set_retry_change_domin(int user_retry_change_domin);
COS_EXPORT int get_retry_change_domin(void);

COS_CPP_END

#endif
