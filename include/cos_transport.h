/* cos_transport.h: the HTTP controller (timeouts, limits, CRC/MD5 switches, route, retry count), the
 * progress callback type and the request/response structures the transport works on. */
#ifndef LIBCOS_TRANSPORT_H
#define LIBCOS_TRANSPORT_H

#include "cos_sys_define.h"
#include "cos_buf.h"
#include "cos_list.h"

COS_CPP_START

typedef void (*cos_progress_callback)(int64_t consumed_bytes, int64_t total_bytes);

typedef enum {
    BODY_IN_MEMORY = 0,
    BODY_IN_FILE,
    BODY_IN_CALLBACK
} cos_http_body_type_e;

typedef struct cos_http_request_options_s cos_http_request_options_t;
typedef struct cos_http_transport_options_s cos_http_transport_options_t;
typedef struct cos_http_controller_s cos_http_controller_t;
typedef struct cos_http_controller_ex_s cos_http_controller_ex_t;
typedef struct cos_http_request_s cos_http_request_t;
typedef struct cos_http_response_s cos_http_response_t;

struct cos_http_request_options_s {
    int speed_limit;
    int speed_time;
    int dns_cache_timeout;
    int connect_timeout;
    int64_t max_memory_size;
    int enable_crc;
    int enable_md5;
    char *proxy_host;
    char *proxy_auth;
    char *host_ip;
    int host_port;
};

/* Process defaults read when a controller is created (set them before cos_http_io_initialize). */
struct cos_http_transport_options_s {
    char *user_agent;
    char *cacerts_path;
    uint32_t ssl_verification_disabled : 1;
};

#define COS_HTTP_BASE_CONTROLLER_DEFINE         \
    cos_http_request_options_t *options;        \
    cos_pool_t *pool;                           \
    int64_t start_time;                         \
    int64_t first_byte_time;                    \
    int64_t finish_time;                        \
    uint32_t owner : 1;                         \
    uint16_t retry_count;                       \
    void *user_data;

struct cos_http_controller_s {
    COS_HTTP_BASE_CONTROLLER_DEFINE
};

struct cos_http_controller_ex_s {
    COS_HTTP_BASE_CONTROLLER_DEFINE
    int error_code;
    char *reason;
};

static inline char *cos_http_controller_get_reason(cos_http_controller_t *ctl)
{
    return ((cos_http_controller_ex_t *)ctl)->reason;
}

/* A request as built by the operations: logical host, scheme, path (decoded key), query, headers and
 * body (a buffer chain or a file range). */
struct cos_http_request_s {
    char *host;         /* logical host, sent as Host and signed */
    char *proto;        /* "http://" or "https://" */
    char *signed_url;   /* URL actually requested (set by the transport) */
    http_method_e method;
    char *uri;          /* decoded path below '/', e.g. "dir/a b.txt" ("" for bucket level) */
    char *resource;
    cos_table_t *headers;
    cos_table_t *query_params;
    cos_list_t body;
    int64_t body_len;
    char *file_path;
    cos_file_buf_t *file_buf;
    cos_pool_t *pool;
    void *user_data;
    cos_http_body_type_e type;
    cos_progress_callback progress_callback;
    uint64_t crc64;
    int64_t consumed_bytes;
};

struct cos_http_response_s {
    int status;
    cos_table_t *headers;
    cos_list_t body;
    int64_t body_len;
    char *file_path;
    cos_file_buf_t *file_buf;
    int64_t content_length;
    cos_pool_t *pool;
    void *user_data;
    cos_http_body_type_e type;
    cos_progress_callback progress_callback;
    uint64_t crc64;
};

COS_EXPORT cos_http_request_t *cos_http_request_create(cos_pool_t *p);
COS_EXPORT cos_http_response_t *cos_http_response_create(cos_pool_t *p);

COS_CPP_END

#endif
