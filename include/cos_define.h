/* cos_define.h: configuration (cos_config_t), the per-call handle (cos_request_options_t), enums, the
 * parameter/result structures of the service, bucket and object operations, and header-name constants. */
#ifndef LIBCOS_DEFINE_H
#define LIBCOS_DEFINE_H

#include "cos_sys_define.h"
#include "cos_string.h"
#include "cos_list.h"
#include "cos_status.h"
#include "cos_transport.h"

COS_CPP_START

#define cos_xml_error_status_set(STATUS, RES) \
    cos_status_set(STATUS, RES, COS_XML_PARSE_ERROR_CODE, NULL)
#define cos_file_error_status_set(STATUS, RES) \
    cos_status_set(STATUS, RES, COS_OPEN_FILE_ERROR_CODE, NULL)
#define cos_inconsistent_error_status_set(STATUS, RES) \
    cos_status_set(STATUS, RES, COS_INCONSISTENT_ERROR_CODE, NULL)

#define COS_AUTH_EXPIRE_DEFAULT 300

extern COS_EXPORT const char COS_CANNONICALIZED_HEADER_ACL[];
extern COS_EXPORT const char COS_CANNONICALIZED_HEADER_PREFIX[];
extern COS_EXPORT const char COS_CANNONICALIZED_HEADER_DATE[];
extern COS_EXPORT const char COS_GRANT_READ[];
extern COS_EXPORT const char COS_GRANT_WRITE[];
extern COS_EXPORT const char COS_GRANT_FULL_CONTROL[];
extern COS_EXPORT const char COS_CONTENT_MD5[];
extern COS_EXPORT const char COS_CONTENT_TYPE[];
extern COS_EXPORT const char COS_CONTENT_LENGTH[];
extern COS_EXPORT const char COS_DATE[];
extern COS_EXPORT const char COS_AUTHORIZATION[];
extern COS_EXPORT const char COS_ACCESSKEYID[];
extern COS_EXPORT const char COS_EXPECT[];
extern COS_EXPORT const char COS_EXPIRES[];
extern COS_EXPORT const char COS_SIGNATURE[];
extern COS_EXPORT const char COS_ACL[];
extern COS_EXPORT const char COS_PREFIX[];
extern COS_EXPORT const char COS_DELIMITER[];
extern COS_EXPORT const char COS_MARKER[];
extern COS_EXPORT const char COS_MAX_KEYS[];
extern COS_EXPORT const char COS_RESTORE[];
extern COS_EXPORT const char COS_UPLOADS[];
extern COS_EXPORT const char COS_UPLOAD_ID[];
extern COS_EXPORT const char COS_MAX_PARTS[];
extern COS_EXPORT const char COS_KEY_MARKER[];
extern COS_EXPORT const char COS_UPLOAD_ID_MARKER[];
extern COS_EXPORT const char COS_MAX_UPLOADS[];
extern COS_EXPORT const char COS_PARTNUMBER_MARKER[];
extern COS_EXPORT const char COS_APPEND[];
extern COS_EXPORT const char COS_POSITION[];
extern COS_EXPORT const char COS_MULTIPART_CONTENT_TYPE[];
extern COS_EXPORT const char COS_COPY_SOURCE[];
extern COS_EXPORT const char COS_COPY_SOURCE_RANGE[];
extern COS_EXPORT const char COS_SECURITY_TOKEN[];
extern COS_EXPORT const char COS_STS_SECURITY_TOKEN[];
extern COS_EXPORT const char COS_REPLACE_OBJECT_META[];
extern COS_EXPORT const char COS_OBJECT_TYPE[];
extern COS_EXPORT const char COS_NEXT_APPEND_POSITION[];
extern COS_EXPORT const char COS_HASH_CRC64_ECMA[];
extern COS_EXPORT const char COS_CALLBACK[];
extern COS_EXPORT const char COS_CALLBACK_VAR[];
extern COS_EXPORT const char COS_PROCESS[];
extern COS_EXPORT const char COS_LIFECYCLE[];
extern COS_EXPORT const char COS_DELETE[];
extern COS_EXPORT const char COS_YES[];
extern COS_EXPORT const char COS_OBJECT_TYPE_NORMAL[];
extern COS_EXPORT const char COS_OBJECT_TYPE_APPENDABLE[];
extern COS_EXPORT const char COS_RANGE[];
extern COS_EXPORT const char COS_HOST[];
extern COS_EXPORT const char COS_REQUEST_ID[];
extern COS_EXPORT const char COS_SDK_RETRY[];
extern COS_EXPORT const char COS_ENCODING_TYPE[];
extern COS_EXPORT const char X_COS_HEADER[];
extern COS_EXPORT const char X_CI_HEADER[];
extern COS_EXPORT const char *SIGN_HEADER[];
extern COS_EXPORT const int SIGN_HEADER_NUM;
extern COS_EXPORT const int COS_MAX_PART_NUM;
extern COS_EXPORT const int COS_PER_RET_NUM;
extern COS_EXPORT const int MAX_SUFFIX_LEN;

typedef struct cos_lib_curl_initializer_s cos_lib_curl_initializer_t;

typedef struct {
    cos_string_t endpoint;
    cos_string_t access_key_id;
    cos_string_t access_key_secret;
    cos_string_t appid;
    cos_string_t sts_token;
    int is_cname;
    cos_string_t proxy_host;
    int proxy_port;
    cos_string_t proxy_user;
    cos_string_t proxy_passwd;
    int retry_change_domain;
    int retry_times;
    int retry_interval_us;
} cos_config_t;

typedef struct {
    cos_config_t *config;
    cos_http_controller_t *ctl;
    cos_pool_t *pool;
} cos_request_options_t;

typedef enum {
    COS_ACL_PRIVATE = 0,
    COS_ACL_PUBLIC_READ = 1,
    COS_ACL_PUBLIC_READ_WRITE = 2,
    COS_ACL_DEFAULT = 3
} cos_acl_e;

typedef enum {
    COS_BUCKET_NON_EXIST = 0,
    COS_BUCKET_EXIST = 1,
    COS_BUCKET_UNKNOWN_EXIST = 2
} cos_bucket_exist_status_e;

typedef enum {
    COS_OBJECT_NON_EXIST = 0,
    COS_OBJECT_EXIST = 1,
    COS_OBJECT_UNKNOWN_EXIST = 2
} cos_object_exist_status_e;

typedef struct {
    int all_region; /* 1: every region, through service.cos.myqcloud.com for an empty or COS endpoint
                     * (any other endpoint is asked itself); 0: the endpoint's region */
    cos_string_t owner_id;
    cos_string_t owner_display_name;
    cos_list_t bucket_list;
} cos_get_service_params_t;

typedef struct {
    cos_list_t node;
    cos_string_t bucket_name;
    cos_string_t location;
    cos_string_t creation_date;
} cos_get_service_content_t;

typedef struct {
    cos_string_t encoding_type;
    cos_string_t prefix;
    cos_string_t marker;
    cos_string_t delimiter;
    int max_ret;
    int truncated;
    cos_string_t next_marker;
    cos_list_t object_list;
    cos_list_t common_prefix_list;
} cos_list_object_params_t;

typedef struct {
    cos_list_t node;
    cos_string_t key;
    cos_string_t last_modified;
    cos_string_t etag;
    cos_string_t size;
    cos_string_t owner_id;
    cos_string_t owner_display_name;
    cos_string_t storage_class;
} cos_list_object_content_t;

typedef struct {
    cos_list_t node;
    cos_string_t prefix;
} cos_list_object_common_prefix_t;

typedef struct {
    cos_string_t encoding_type;
    cos_string_t prefix;
    cos_string_t key_marker;
    cos_string_t upload_id_marker;
    cos_string_t delimiter;
    int max_ret;
    int truncated;
    cos_string_t next_key_marker;
    cos_string_t next_upload_id_marker;
    cos_list_t upload_list;
} cos_list_multipart_upload_params_t;

typedef struct {
    cos_list_t node;
    cos_string_t key;
    cos_string_t upload_id;
    cos_string_t initiated;
} cos_list_multipart_upload_content_t;

typedef struct {
    cos_string_t encoding_type;
    cos_string_t part_number_marker;
    int max_ret;
    int truncated;
    cos_string_t next_part_number_marker;
    cos_list_t part_list;
} cos_list_upload_part_params_t;

typedef struct {
    cos_list_t node;
    cos_string_t part_number;
    cos_string_t size;
    cos_string_t etag;
    cos_string_t last_modified;
} cos_list_part_content_t;

typedef struct {
    cos_list_t node;
    cos_string_t part_number;
    cos_string_t etag;
} cos_complete_part_content_t;

typedef struct {
    int part_num;
    char *etag;
} cos_upload_part_t;

typedef struct {
    cos_list_t node;
    cos_string_t key;
} cos_object_key_t;

typedef struct {
    cos_string_t etag;
    cos_string_t last_modify;
} cos_copy_object_params_t;

typedef struct {
    cos_string_t copy_source;
    cos_string_t dest_bucket;
    cos_string_t dest_object;
    cos_string_t upload_id;
    int part_num;
    int64_t range_start;
    int64_t range_end;
    cos_copy_object_params_t *rsp_content;
} cos_upload_part_copy_params_t;

typedef struct {
    cos_string_t filename;
    int64_t file_pos;
    int64_t file_last;
} cos_upload_file_t;

typedef struct {
    int64_t part_size;
    int32_t thread_num;
    int enable_checkpoint;
    cos_string_t checkpoint_path;
} cos_resumable_clt_params_t;

typedef struct {
    cos_list_t node;
    cos_string_t type;
    cos_string_t id;
    cos_string_t name;
    cos_string_t permission;
} cos_acl_grantee_content_t;

typedef struct {
    cos_string_t owner_id;
    cos_string_t owner_name;
    cos_list_t grantee_list;
} cos_acl_params_t;

COS_CPP_END

#endif
