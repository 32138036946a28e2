/* cosd_server: the server object and the per-request context shared by the HTTP front, the router,
 * authentication and the API handlers (including a pluggable handler for the CI host). */
#ifndef COSD_SERVER_H
#define COSD_SERVER_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cosd_config.h"
#include "cosd_route.h"
#include "cosd_store.h"
#include "cosx_buf.h"

#define COSD_MAX_PUT_BYTES  (5ULL * 1024 * 1024 * 1024) /* simple upload limit */
#define COSD_MAX_XML_BYTES  (2u * 1024 * 1024)          /* request XML bodies */
#define COSD_MAX_META_BYTES 2048                        /* x-cos-meta-* names + values */
#define COSD_MAX_SKEW       900 /* seconds a signature may start in the future */

typedef struct cosd_server cosd_server_t;
typedef struct cosd_req cosd_req_t;

/* A body chunk for the handler; return false after cosd_req_fail() to refuse the rest. */
typedef bool (*cosd_body_fn)(cosd_req_t *r, const char *data, size_t n);
/* The body is complete (or there was none): queue the response. */
typedef void (*cosd_done_fn)(cosd_req_t *r);
/* The request is over (answered, failed or connection lost): release handler state. */
typedef void (*cosd_cleanup_fn)(cosd_req_t *r);

/* A handler for the CI host (<bucket>.ci.<region>.<suffix>, ci.<region>.<suffix>). start() runs
 * once the request is routed and authenticated (r->appid set, or r->anonymous); like every handler
 * it either replies at once or sets r->on_body / r->on_done / r->on_cleanup. */
typedef struct cosd_ci_handler {
    void (*start)(void *ctx, cosd_req_t *r);
    void *ctx;
} cosd_ci_handler_t;

struct cosd_server {
    const cosd_config_t *cfg;
    cosd_store_t *store;
    struct MHD_Daemon *mhd;
    cosd_account_t accounts[COSD_MAX_ACCOUNTS]; /* configured first, then stored ones */
    size_t n_accounts;
    int listen_fd;
    char listen_host[256];
    int port;
    char id_prefix[8]; /* random per start, keeps request ids unique across restarts */
    atomic_uint_fast64_t id_counter;
    cosd_ci_handler_t ci;
};

typedef struct cosd_param {
    char *name;  /* decoded */
    char *value; /* decoded; NULL for a bare name (?uploads) */
} cosd_param_t;

struct cosd_req {
    cosd_server_t *srv;
    struct MHD_Connection *conn;
    const char *method;    /* as received ("GET") */
    char *raw_uri;         /* request target as received */
    const char *raw_path;  /* points into raw_uri storage: encoded path without query */
    const char *raw_query; /* encoded query without '?', "" when none */
    char host[256];        /* from the absolute-form target, else the Host header */
    cosd_param_t *params;
    size_t n_params;
    cosd_route_t route;
    char request_id[40];
    bool is_ci; /* errors use the CI form and x-ci-request-id */
    bool is_head;
    bool anonymous;   /* no signature */
    char appid[32];   /* the signer's APPID when authenticated */
    bool signed_host; /* the signature covers Host */
    /* lifecycle */
    int phase;
    bool responded;
    bool failed;
    unsigned status; /* status queued */
    cosd_body_fn on_body;
    cosd_done_fn on_done;
    cosd_cleanup_fn on_cleanup;
    void *h; /* handler state */
    uint64_t body_bytes;
    uint64_t body_limit;
    const char *limit_code; /* error when body_limit is exceeded */
    cosx_buf_t body;        /* collected body (cosd_req_collect) */
    /* deferred error, answered once the body has been consumed */
    unsigned err_status;
    const char *err_code;
    char err_msg[512];
};

/* ---- request accessors ---- */
/* A request header (case-insensitive), or NULL. */
const char *cosd_req_header(const cosd_req_t *r, const char *name);
/* A decoded query parameter; *present tells a bare "?name" (value NULL) from absence. */
const char *cosd_req_param(const cosd_req_t *r, const char *name, bool *present);
bool cosd_req_has_param(const cosd_req_t *r, const char *name);

/* ---- responses (each queues exactly one response; later calls are ignored) ---- */
/* Adds x-cos-request-id (x-ci-request-id), Server and queues resp; destroys resp. */
void cosd_reply(cosd_req_t *r, unsigned status, struct MHD_Response *resp);
void cosd_reply_empty(cosd_req_t *r, unsigned status);
/* Sends the XML in xml (taking its memory) with Content-Type application/xml. */
void cosd_reply_xml(cosd_req_t *r, unsigned status, cosx_buf_t *xml);
/* The same with one more response header (hname NULL: none). */
void cosd_reply_xml_h(cosd_req_t *r, unsigned status, cosx_buf_t *xml, const char *hname,
                      const char *hvalue);
/* COS error document (CI form on CI hosts): Code, Message, Resource, RequestId. No body for HEAD.
 */
void cosd_reply_error(cosd_req_t *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same with one extra response header (e.g. Content-Range on 416). */
void cosd_reply_error_h(cosd_req_t *r, unsigned status, const char *code, const char *hname,
                        const char *hvalue, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Records an error to answer once the request body has been consumed (from body callbacks). */
void cosd_req_fail(cosd_req_t *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Collects the body (at most limit bytes, else code/400) into r->body, then calls done. Answers at
 * once when Content-Length already exceeds the limit. */
void cosd_req_collect(cosd_req_t *r, size_t limit, const char *code, cosd_done_fn done);
/* Content-Length as a number: -1 when absent (e.g. chunked), -2 when malformed. */
int64_t cosd_req_content_length(const cosd_req_t *r);
/* Is the body chunked (Transfer-Encoding: chunked)? */
bool cosd_req_chunked(const cosd_req_t *r);

/* ---- server ---- */
/* Binds, opens the store and starts serving. Returns 0 or -1 with a message in err. */
int cosd_server_start(cosd_server_t *srv, const cosd_config_t *cfg, char *err, size_t errlen);
void cosd_server_stop(cosd_server_t *srv);

/* ---- internal steps (cosd_dispatch.c, cosd_auth.c) ---- */
void cosd_dispatch(cosd_req_t *r);
/* Authenticates r; false when an error response was queued. */
bool cosd_authenticate(cosd_req_t *r);
const cosd_account_t *cosd_find_account(const cosd_server_t *srv, const char *secret_id);

#endif
