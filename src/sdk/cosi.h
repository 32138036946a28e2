/* cosi.h: internal declarations shared by the libcos source files (prefix cosi_): pool helpers,
 * request building and sending, XML result parsing. Not installed. */
#ifndef LIBCOS_INTERNAL_H
#define LIBCOS_INTERNAL_H

#include <stdbool.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cos_transport.h"
#include "cosx_buf.h"

/* ---- controller: the public controller plus its own request options and TLS settings ---- */
#define COSI_CTL_MAGIC 0x636f7363u

typedef struct cosi_controller {
    cos_http_controller_ex_t ex;       /* must be first */
    cos_http_request_options_t opts;   /* ex.options points here */
    uint32_t magic;
    char *ca_path;
    int ssl_verify;                    /* 1 unless turned off explicitly */
} cosi_controller_t;

/* TLS settings of a controller (defaults when ctl was not made by cos_http_controller_create). */
const char *cosi_ctl_ca_path(const cos_http_controller_t *ctl);
int cosi_ctl_ssl_verify(const cos_http_controller_t *ctl);
const char *cosi_user_agent(void);

/* ---- curl easy-handle cache (keep-alive reuse across calls and threads) ---- */
typedef struct cosi_handle {
    void *curl;          /* CURL easy handle: keeps its connections alive between requests */
    char profile[1024];  /* TLS and proxy settings it was configured with */
    bool fresh;          /* never used yet */
} cosi_handle_t;
cosi_handle_t *cosi_handle_get(void);
void cosi_handle_put(cosi_handle_t *h);

/* ---- status helpers ---- */
cos_status_t *cosi_status_error(cos_pool_t *p, int code, const char *error_code, const char *msg);
/* Shared read-only status for calls whose options (and so pool) are missing. */
cos_status_t *cosi_status_bad_options(void);
#define COSI_CHECK_OPTIONS(o) do { if ((o) == NULL || (o)->pool == NULL) return cosi_status_bad_options(); } while (0)
/* Client-side argument error: COSE_INVALID_ARGUMENT / "ClientError" with msg. */
cos_status_t *cosi_status_client(cos_pool_t *p, const char *msg);
/* Fills req_id from x-cos-request-id / x-img-request-id / x-ci-request-id ("" when absent). */
void cosi_status_set_req_id(cos_status_t *s, const cos_table_t *headers);

/* ---- files ---- */
int cosi_file_open(cos_pool_t *p, const char *path, int flags, int mode, cos_file_t **out);
const char *cosi_file_path(const cos_file_t *f);

/* ---- request building ---- */
/* Validates config + bucket (+ key when key != NULL) and creates req/resp for a bucket/object
 * request. get_type: reject keys that normalise to "/". Returns NULL on success or an error status. */
cos_status_t *cosi_init_request(const cos_request_options_t *o, const cos_string_t *bucket,
                                const cos_string_t *key, http_method_e method, bool get_type,
                                cos_table_t *headers, cos_table_t *params,
                                cos_http_request_t **req, cos_http_response_t **resp);
/* Service request (GET Service): host service.cos.myqcloud.com when all_region and the endpoint is
 * empty or a COS one (cosi_is_cos_public_host), else the endpoint. */
cos_status_t *cosi_init_service_request(const cos_request_options_t *o, int all_region, cos_table_t *headers,
                                        cos_http_request_t **req, cos_http_response_t **resp);
/* "http://" or "https://" and the endpoint without scheme. */
void cosi_endpoint_split(cos_pool_t *p, const cos_string_t *endpoint, const char **proto, const char **host);
/* True when host (scheme stripped, optionally with :port) is an IPv4 literal or a bracketed IPv6
 * literal ("[::1]", "[::1]:9000"). */
bool cosi_is_ip_host(const char *host);
/* True when host (optionally with :port) ends in .myqcloud.com or .tencentcos.cn. */
bool cosi_is_cos_public_host(const char *host);
/* NULL when the endpoint can be used: an optional http:// or https:// scheme, then a host with an
 * optional port, no space, userinfo, path, query or fragment; else a client error naming it. */
cos_status_t *cosi_check_endpoint(cos_pool_t *p, const cos_string_t *endpoint);
/* Host of a bucket per the endpoint, is_cname and appid rules. */
char *cosi_bucket_host(cos_pool_t *p, const cos_config_t *c, const cos_string_t *bucket);
/* Checks config and bucket; NULL or an error status. */
cos_status_t *cosi_check_config(cos_pool_t *p, const cos_config_t *c);
cos_status_t *cosi_check_bucket(cos_pool_t *p, const cos_string_t *bucket);
/* Builds "<proto><host or ip:port>/<encoded path>?<query>". */
char *cosi_build_url(cos_pool_t *p, const cos_http_request_t *req, const char *route_host);
/* Builds the encoded query string ("" when no params). */
char *cosi_build_query(cos_pool_t *p, const cos_table_t *params);
/* Signs req (adds Host, Date, security token and Authorization to req->headers). now is Unix time. */
int cosi_sign_request(const cos_config_t *c, cos_http_request_t *req, int64_t now, int64_t expire);

/* Body setters. */
void cosi_set_body_list(cos_http_request_t *req, cos_list_t *body);
int cosi_set_body_file(cos_http_request_t *req, const char *path, int64_t pos, int64_t last, cos_status_t **err);
/* Adds Content-MD5 of the request body unless present or disabled (force: even when disabled). */
int cosi_add_content_md5(const cos_request_options_t *o, cos_http_request_t *req, bool force, cos_status_t **err);
/* Sets Content-Type from name suffix unless present. */
void cosi_set_content_type(cos_table_t *headers, const char *name);

/* ---- sending ---- */
/* Sends req with retries and fills resp; returns the status of the last attempt (HTTP code, error body
 * parsed for non-2xx). check_crc: compare x-cos-hash-crc64ecma with the body (upload or download). */
enum { COSI_CRC_NONE = 0, COSI_CRC_UPLOAD = 1, COSI_CRC_DOWNLOAD = 2 };
cos_status_t *cosi_send(const cos_request_options_t *o, cos_http_request_t *req, cos_http_response_t *resp,
                        int crc_mode);
/* One attempt through libcurl; fills resp (status or transport failure in s). */
void cosi_transport_perform(const cos_request_options_t *o, cos_http_request_t *req, cos_http_response_t *resp,
                            cos_status_t *s);
/* Resets the body cursor of a request (rewind for a retry). */
void cosi_request_rewind(cos_http_request_t *req);
/* Clears the response for a new attempt. */
int cosi_response_reset(cos_http_response_t *resp);
/* Maps a CURLcode to a COSE_* code. */
int cosi_curl_code_to_status(int code);

/* ---- XML ---- */
int cosi_parse_xml_body(cos_pool_t *p, cos_list_t *body, void **doc_out);
/* Moves a built XML document into a pool buffer appended to body and frees b (also on failure).
 * COSE_OK or COSE_OUT_MEMORY (also when b's building ran out of memory). */
int cosi_body_from_buf(cos_pool_t *p, cosx_buf_t *b, cos_list_t *body);
int cosi_get_service_parse(cos_pool_t *p, cos_list_t *body, cos_get_service_params_t *params);
int cosi_list_objects_parse(cos_pool_t *p, cos_list_t *body, cos_list_object_params_t *params);
int cosi_delete_objects_parse(cos_pool_t *p, cos_list_t *body, cos_list_t *deleted);
int cosi_copy_object_parse(cos_pool_t *p, cos_list_t *body, cos_copy_object_params_t *res);
/* Request body of Delete Multiple Objects; returns COSE_OK or COSE_OUT_MEMORY. */
int cosi_build_delete_objects_body(cos_pool_t *p, cos_list_t *object_list, int is_quiet, cos_list_t *body);

/* Multipart XML (cos_multipart_xml.c). Complete: COSE_OK, or s set to COSE_SERVICE_ERROR (body is an
 * <Error> or lacks the ETag) / COSE_OUT_MEMORY. Bodies may start with whitespace. */
int cosi_init_multipart_parse(cos_pool_t *p, cos_list_t *body, cos_string_t *upload_id);
int cosi_complete_multipart_parse(cos_pool_t *p, cos_list_t *body, cos_status_t *s);
int cosi_list_parts_parse(cos_pool_t *p, cos_list_t *body, cos_list_upload_part_params_t *params);
int cosi_list_uploads_parse(cos_pool_t *p, cos_list_t *body, cos_list_multipart_upload_params_t *params);
/* CopyPartResult (or CopyObjectResult) with an ETag: COSE_OK; else COSE_SERVICE_ERROR. */
int cosi_copy_part_parse(cos_pool_t *p, cos_list_t *body, cos_copy_object_params_t *res);
/* Part size for a multipart upload of file_size bytes: at least wanted and 1 MiB, grown so that the
 * file fits in COS_MAX_PART_NUM parts. */
int64_t cosi_multipart_part_size(int64_t file_size, int64_t wanted);
int cosi_build_complete_body(cos_pool_t *p, cos_list_t *part_list, cos_list_t *body);

/* Microseconds since the epoch. */
int64_t cosi_now_us(void);

/* "GET", "PUT", ... */
const char *cosi_method_name(http_method_e m);

#endif
