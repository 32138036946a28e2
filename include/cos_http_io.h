/* cos_http_io.h: process set-up and tear-down of libcos (cos_http_io_initialize/deinitialize), the
 * controller constructor and its per-controller setters, and the process defaults. */
#ifndef LIBCOS_HTTP_IO_H
#define LIBCOS_HTTP_IO_H

#include "cos_sys_define.h"
#include "cos_transport.h"

COS_CPP_START

/* Once per process before any thread or request. user_agent_info NULL/"" gives "Unknown".
 * Returns COSE_OK or COSE_INTERNAL_ERROR. */
COS_EXPORT int cos_http_io_initialize(const char *user_agent_info, int flag);
/* Last call, after every SDK pool is destroyed. */
COS_EXPORT void cos_http_io_deinitialize(void);

/* A controller with its own copy of the request options (defaults of cos_default_http_request_options);
 * p NULL creates a root pool. Setting ctl->options->x changes only this controller. */
COS_EXPORT cos_http_controller_t *cos_http_controller_create(cos_pool_t *p, int owner);

/* Toggle the automatic Content-MD5 of uploads for this controller. */
COS_EXPORT void cos_set_content_md5_enable(cos_http_controller_t *ctl, int enable);
/* Connect to host_ip:host_port instead of resolving the host (Host header and signature unchanged).
 * host_ip is an IPv4 or IPv6 address ("::1" or "[::1]"). */
COS_EXPORT void cos_set_request_route(cos_http_controller_t *ctl, char *host_ip, int host_port);
/* Our extensions: TLS CA bundle (file or directory) and peer verification of this controller (on by
 * default); verification can only be turned off explicitly. */
COS_EXPORT void cos_set_ca_path(cos_http_controller_t *ctl, const char *ca_path);
COS_EXPORT void cos_set_ssl_verify(cos_http_controller_t *ctl, int enable);

/* Process defaults, read-only after cos_http_io_initialize. */
extern COS_EXPORT cos_pool_t *cos_global_pool;
extern COS_EXPORT apr_file_t *cos_stderr_file;
extern COS_EXPORT cos_http_request_options_t *cos_default_http_request_options;
extern COS_EXPORT cos_http_transport_options_t *cos_default_http_transport_options;

COS_CPP_END

#endif
