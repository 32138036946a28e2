/* mini_http.h: a scripted HTTP/1.1 server on a loopback port for libcos tests that need no cosd: it
 * records each request (method, target, headers, body) and answers with the next scripted reply. */
#ifndef MINI_HTTP_H
#define MINI_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define MINI_MAX 32

typedef struct mini_reply {
    int status;          /* 0: forward the request to upstream_port and relay the answer */
    const char *headers; /* extra header lines, each ending in "\r\n" (may be NULL) */
    const char *body;    /* may be NULL */
} mini_reply_t;

typedef struct mini_req {
    char method[16];
    char target[4096];
    char *head;   /* raw header block (malloc'd) */
    char *body;   /* malloc'd, NUL-terminated */
    size_t body_len;
} mini_req_t;

typedef struct mini_http {
    int listen_fd;
    int port;
    pthread_t thread;
    pthread_mutex_t lock;
    mini_reply_t replies[MINI_MAX];
    int nreplies; /* after the last one, the last reply repeats */
    int next;
    mini_req_t reqs[MINI_MAX];
    int nreqs;
    int connections;
    int upstream_port;   /* for forwarded replies (127.0.0.1) */
    atomic_bool stop; /* set by mini_http_stop, read by the server thread */
} mini_http_t;

/* Starts the server on 127.0.0.1 (free port in m->port). Returns 0 or -1. */
int mini_http_start(mini_http_t *m);
void mini_http_stop(mini_http_t *m);
/* Replaces the script and clears the recorded requests. */
void mini_http_script(mini_http_t *m, const mini_reply_t *replies, int n);
/* Value of header name in a recorded request (case-insensitive), or NULL; static storage per call. */
const char *mini_req_header(const mini_req_t *r, const char *name, char *out, size_t outlen);

#endif
