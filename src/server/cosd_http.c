/* cosd_http: the libmicrohttpd front of cosd: listening socket, per-request context (raw target,
 * query parameters), the body streaming state machine and server start/stop. */
#include "cosd_server.h"

#include "cosx_digest.h"
#include "cosx_encode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

const char *cosd_req_header(const cosd_req_t *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *cosd_req_param(const cosd_req_t *r, const char *name, bool *present)
{
    for (size_t i = 0; i < r->n_params; i++) {
        if (strcmp(r->params[i].name, name) == 0) {
            if (present)
                *present = true;
            return r->params[i].value;
        }
    }
    if (present)
        *present = false;
    return NULL;
}

bool cosd_req_has_param(const cosd_req_t *r, const char *name)
{
    bool p;
    cosd_req_param(r, name, &p);
    return p;
}

int64_t cosd_req_content_length(const cosd_req_t *r)
{
    const char *v = cosd_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!v)
        return -1;
    if (!*v)
        return -2;
    int64_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
            return -2;
        n = n * 10 + (*p - '0');
    }
    return n;
}

bool cosd_req_chunked(const cosd_req_t *r)
{
    const char *te = cosd_req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    return te && strcasestr(te, "chunked") != NULL;
}

static bool collect_body(cosd_req_t *r, const char *data, size_t n)
{
    if (!cosx_buf_append(&r->body, data, n)) {
        cosd_req_fail(r, 500, "InternalError", "Out of memory while reading the request body.");
        return false;
    }
    return true;
}

void cosd_req_collect(cosd_req_t *r, size_t limit, const char *code, cosd_done_fn done)
{
    int64_t cl = cosd_req_content_length(r);
    if (cl >= 0 && (uint64_t)cl > limit) {
        cosd_reply_error(r, 400, code,
                         "The request body is %lld bytes; this request accepts at most %zu bytes.",
                         (long long)cl, limit);
        return;
    }
    r->body_limit = limit;
    r->limit_code = code;
    r->on_body = collect_body;
    r->on_done = done;
}

/* ---- libmicrohttpd callbacks ---- */

static bool parse_query(cosd_req_t *r)
{
    const char *q = r->raw_query;
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        if (len > 0) {
            const char *eq = memchr(q, '=', len);
            size_t nl = eq ? (size_t)(eq - q) : len;
            cosx_buf_t nb = COSX_BUF_INIT, vb = COSX_BUF_INIT;
            bool ok = cosx_pct_decode(&nb, q, nl, true) && cosx_buf_ok(&nb);
            if (ok && eq)
                ok = cosx_pct_decode(&vb, eq + 1, len - nl - 1, true) && cosx_buf_ok(&vb);
            if (!ok) {
                cosx_buf_free(&nb);
                cosx_buf_free(&vb);
                return false;
            }
            cosd_param_t *np = realloc(r->params, (r->n_params + 1) * sizeof *np);
            if (!np) {
                cosx_buf_free(&nb);
                cosx_buf_free(&vb);
                return false;
            }
            r->params = np;
            cosd_param_t *p = &r->params[r->n_params++];
            p->name = nb.data ? cosx_buf_detach(&nb) : strdup("");
            p->value = eq ? (vb.data ? cosx_buf_detach(&vb) : strdup("")) : NULL;
            if (!p->name || (eq && !p->value))
                return false;
        }
        if (!amp)
            break;
        q = amp + 1;
    }
    return true;
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn)
{
    cosd_server_t *srv = cls;
    cosd_req_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->srv = srv;
    r->conn = conn;
    cosx_buf_init(&r->body);
    uint64_t n = atomic_fetch_add(&srv->id_counter, 1);
    unsigned char raw[12];
    memcpy(raw, srv->id_prefix, 4);
    for (int i = 0; i < 8; i++)
        raw[4 + i] = (unsigned char)(n >> (56 - 8 * i));
    cosx_base64_encode(raw, sizeof raw, r->request_id);
    /* raw_uri holds "target\0query" so that raw_path and raw_query can point into it. */
    size_t ul = strlen(uri);
    r->raw_uri = malloc(ul + 2);
    if (!r->raw_uri) {
        free(r);
        return NULL;
    }
    memcpy(r->raw_uri, uri, ul + 1);
    r->raw_uri[ul + 1] = 0;
    return r;
}

static void split_target(cosd_req_t *r)
{
    char *u = r->raw_uri;
    char *path = u;
    if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0) {
        char *auth = strstr(u, "//") + 2;
        size_t al = strcspn(auth, "/?#");
        cosx_copy_str(r->host, sizeof r->host, auth, al);
        path = auth + al;
    }
    char *q = strchr(path, '?');
    char *hash = strchr(path, '#');
    if (hash && (!q || hash < q))
        *hash = 0;
    if (q) {
        *q = 0;
        r->raw_query = q + 1;
        char *h2 = strchr(q + 1, '#');
        if (h2)
            *h2 = 0;
    } else {
        r->raw_query = path + strlen(path); /* "" */
    }
    r->raw_path = *path ? path : "/";
    if (!r->host[0]) {
        const char *h = cosd_req_header(r, MHD_HTTP_HEADER_HOST);
        cosx_copy_str(r->host, sizeof r->host, h ? h : "", SIZE_MAX);
    }
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
    cosd_req_t *r = *con_cls;
    if (!r)
        return MHD_NO; /* out of memory: drop the connection */
    if (r->phase == 0) {
        r->phase = 1;
        r->method = method;
        r->is_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
        split_target(r);
        if (!parse_query(r)) {
            cosd_reply_error(r, 400, "InvalidURI",
                             "The query string could not be decoded (a malformed %%XX escape or an "
                             "encoded NUL).");
            return MHD_YES;
        }
        /* A response queued while MHD is still in the header phase makes it close the connection,
         * so requests without a body are dispatched on the next call, when the (empty) body is
         * complete; requests with a body are dispatched now, to refuse them before the body. */
        if (cosd_req_content_length(r) > 0 || cosd_req_chunked(r))
            cosd_dispatch(r);
        else
            r->phase = 2;
        return MHD_YES;
    }
    if (r->phase == 2) {
        r->phase = 1;
        cosd_dispatch(r);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->responded || r->failed)
            return MHD_YES; /* drain */
        r->body_bytes += n;
        if (r->body_limit && r->body_bytes > r->body_limit) {
            cosd_req_fail(r, 400, r->limit_code ? r->limit_code : "EntityTooLarge",
                          "The request body is larger than the %llu bytes this request accepts.",
                          (unsigned long long)r->body_limit);
            return MHD_YES;
        }
        if (r->on_body && !r->on_body(r, upload_data, n) && !r->failed)
            cosd_req_fail(r, 500, "InternalError", "The request body could not be stored.");
        return MHD_YES;
    }
    if (!r->responded) {
        if (r->failed)
            cosd_reply_error(r, r->err_status, r->err_code, "%s", r->err_msg);
        else if (r->on_done)
            r->on_done(r);
        if (!r->responded)
            cosd_reply_error(r, 500, "InternalError", "The request could not be completed.");
    }
    return MHD_YES;
}

static void request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    cosd_req_t *r = *con_cls;
    if (!r)
        return;
    if (r->on_cleanup)
        r->on_cleanup(r);
    for (size_t i = 0; i < r->n_params; i++) {
        free(r->params[i].name);
        free(r->params[i].value);
    }
    free(r->params);
    cosd_route_free(&r->route);
    cosx_buf_free(&r->body);
    free(r->raw_uri);
    free(r);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    fputs("cosd: http: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static int open_listener(cosd_server_t *srv, const cosd_config_t *cfg, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char port[16];
    snprintf(port, sizeof port, "%d", cfg->listen_port);
    int gai = getaddrinfo(cfg->listen_host, port, &hints, &res);
    if (gai) {
        snprintf(err, errlen, "cannot resolve listen host %s: %s", cfg->listen_host,
                 gai_strerror(gai));
        return -1;
    }
    int fd = -1;
    int saved = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 512) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", cfg->listen_host, cfg->listen_port,
                 strerror(saved));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        snprintf(err, errlen, "getsockname failed: %s", strerror(errno));
        close(fd);
        return -1;
    }
    char host[INET6_ADDRSTRLEN];
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        snprintf(srv->listen_host, sizeof srv->listen_host, "[%s]", host);
        srv->port = ntohs(a->sin6_port);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        snprintf(srv->listen_host, sizeof srv->listen_host, "%s", host);
        srv->port = ntohs(a->sin_port);
    }
    srv->listen_fd = fd;
    return 0;
}

int cosd_server_start(cosd_server_t *srv, const cosd_config_t *cfg, char *err, size_t errlen)
{
    srv->cfg = cfg;
    srv->listen_fd = -1;
    atomic_init(&srv->id_counter, 1);
    if (!cosx_random_bytes(srv->id_prefix, 4)) {
        snprintf(err, errlen, "the random generator failed");
        return -1;
    }
    if (open_listener(srv, cfg, err, errlen))
        return -1;
    /* The connection memory pool (--conn-memory) bounds the size of upload chunks (bigger: faster
     * large PUTs) but libmicrohttpd zeroes it for every request (bigger: slower small requests). */
    unsigned int flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    srv->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->listen_fd, MHD_OPTION_URI_LOG_CALLBACK,
        uri_logger, srv, MHD_OPTION_NOTIFY_COMPLETED, request_completed, srv,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)cfg->conn_memory_kib * 1024, MHD_OPTION_CONNECTION_MEMORY_INCREMENT, (size_t)(16 * 1024),
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)600, MHD_OPTION_END);
    if (!srv->mhd) {
        snprintf(err, errlen, "cannot start the HTTP server on %s:%d", srv->listen_host, srv->port);
        close(srv->listen_fd);
        srv->listen_fd = -1;
        return -1;
    }
    return 0;
}

void cosd_server_stop(cosd_server_t *srv)
{
    if (srv->mhd) {
        MHD_stop_daemon(srv->mhd); /* also closes the listening socket */
        srv->mhd = NULL;
        srv->listen_fd = -1;
    }
    if (srv->listen_fd >= 0) {
        close(srv->listen_fd);
        srv->listen_fd = -1;
    }
}
