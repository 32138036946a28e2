/* mini_http.h: a scripted HTTP/1.1 server on a loopback port for libcos tests that need no cosd: it
 * records each request (method, target, headers, body) and answers with the next scripted reply, which
 * can also be relayed from a real server and can misbehave on purpose (resets, short or slow bodies). */
#ifndef MINI_HTTP_H
#define MINI_HTTP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define MINI_MAX 32

/* How a reply goes wrong. "Body" is the scripted body, or the relayed answer's body when status is 0
 * (MINI_WRONG_LENGTH: scripted answers only). After any fault but MINI_TRICKLE_BODY the connection is
 * closed. A request cut by MINI_RESET_MID_REQUEST or MINI_STALL_READING is recorded with the body bytes
 * that were read. */
typedef enum mini_fault {
    MINI_FAULT_NONE = 0,
    MINI_RESET_BEFORE_REPLY,   /* read the request, then reset the connection (TCP RST), no answer */
    MINI_RESET_MID_HEADERS,    /* send the first half of the header block, then reset */
    MINI_RESET_MID_BODY,       /* send the headers and fault_bytes of the body (default half), then reset */
    MINI_TRUNCATED_BODY,       /* full Content-Length, only fault_bytes of the body (default half), then close */
    MINI_TRICKLE_BODY,         /* the body fault_bytes at a time (default 1), one chunk every fault_ms */
    MINI_STALL_BODY,           /* headers and fault_bytes of the body, then silence for fault_ms (default 60 s) */
    MINI_STALL_BEFORE_REPLY,   /* read the request, then silence for fault_ms (default 60 s) */
    MINI_WRONG_LENGTH,         /* Content-Length says fault_bytes, the whole body follows, then close */
    MINI_GARBAGE_STATUS,       /* a status line that is not HTTP, then the headers and body, then close */
    MINI_CLOSE_BEFORE_REPLY,   /* read the request, then close the connection (FIN), no answer */
    MINI_RESET_MID_REQUEST,    /* read the headers and fault_bytes of the request body, then reset */
    MINI_CLOSE_AFTER_REPLY,    /* a good answer (keep-alive), then close the connection (FIN) */
    MINI_STALL_READING,        /* read the headers and fault_bytes of the request body, then stop reading
                                  for fault_ms (default 60 s), then reset */
} mini_fault_e;

typedef struct mini_reply {
    int status;          /* 0: forward the request to upstream_port and relay the answer */
    const char *headers; /* extra header lines, each ending in "\r\n" (may be NULL) */
    const char *body;    /* may be NULL */
} mini_reply_t;

/* One scripted answer that may misbehave (use designated initializers). */
typedef struct mini_step {
    mini_reply_t reply;
    mini_fault_e fault;  /* MINI_FAULT_NONE: a well-formed answer */
    int fault_bytes;
    int fault_ms;
    const char *method; /* if set, the step waits for a request with this method; others are relayed
                           (upstream_port set) or answered 200 without using it */
} mini_step_t;

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
    mini_step_t replies[MINI_MAX];
    int nreplies; /* after the last one, the last reply repeats */
    int next;
    mini_req_t reqs[MINI_MAX];
    int nreqs;
    int connections;
    int upstream_port;   /* for forwarded replies (127.0.0.1) */
    bool close_each;     /* answer "Connection: close" and close after every reply (no keep-alive) */
    int client_gone;     /* stalled or trickled replies cut short because the client closed the connection */
    int faults_done;     /* faulty replies that ran to their end (the client waited them out) */
    atomic_bool stop; /* set by mini_http_stop, read by the server thread */
    atomic_bool release; /* set by mini_http_release, cleared by the stall it ends */
} mini_http_t;

/* Starts the server on 127.0.0.1 (free port in m->port). Returns 0 or -1. */
int mini_http_start(mini_http_t *m);
void mini_http_stop(mini_http_t *m);
/* Replaces the script and clears the recorded requests and counters. */
void mini_http_script(mini_http_t *m, const mini_reply_t *replies, int n);
/* The same with answers that may misbehave. */
void mini_http_script_steps(mini_http_t *m, const mini_step_t *steps, int n);
/* Waits up to ms for *counter (&m->client_gone or &m->faults_done) to reach n (the server notices a
 * closed connection within 50 ms); returns its value. */
int mini_http_wait(mini_http_t *m, const int *counter, int n, int ms);
/* Ends the stall in progress now (it counts in faults_done). A client that stopped sending cannot be
 * seen leaving while its unsent data blocks the way (MINI_STALL_READING): release that stall. */
void mini_http_release(mini_http_t *m);
/* Value of header name in a recorded request (case-insensitive), or NULL; static storage per call. */
const char *mini_req_header(const mini_req_t *r, const char *name, char *out, size_t outlen);

#endif
