/* cosd_client: a small signing HTTP client for the cosd integration tests: builds virtual-host or
 * path-style requests, signs them with src/common (header or presigned query), sends them with
 * libcurl. */
#ifndef COSD_CLIENT_H
#define COSD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosd_harness.h"
#include "cosx_buf.h"

typedef enum { TC_VHOST, TC_PATH, TC_ABSOLUTE, TC_LOCALHOST } tc_style_t;

typedef struct tc_req {
    const char *method;
    const char *bucket;         /* NULL: service */
    const char *key;            /* decoded; NULL: bucket level */
    const char *query;          /* raw (already encoded) query without '?', all signed */
    const char *const *headers; /* "Name: value", NULL-terminated */
    const void *body;
    size_t body_len;
    bool chunked; /* send the body with Transfer-Encoding: chunked */
    tc_style_t style;
    bool anonymous;
    bool presign; /* signature in the query instead of Authorization */
    bool no_sign_host;
    int64_t start, end;                 /* key time; 0: now-1 .. now+900 */
    const char *secret_id, *secret_key; /* override the harness account */
    const char *host_override; /* Host header to send (and sign) instead of the computed one */
    const char *path_override; /* raw path to send (signature still over the computed key) */
} tc_req_t;

typedef struct tc_resp {
    long status;
    cosx_buf_t body;
    cosx_buf_t headers;
} tc_resp_t;

/* Sends the request; 0 when an HTTP response was received. */
int tc_do(const cosd_harness_t *h, const tc_req_t *rq, tc_resp_t *out);
void tc_resp_free(tc_resp_t *r);
/* A response header value (case-insensitive name) copied into out; false when absent. */
bool tc_header(const tc_resp_t *r, const char *name, char *out, size_t cap);
/* The text of the first <tag> in the body, copied into out ("" when absent). */
const char *tc_xml(const tc_resp_t *r, const char *tag, char *out, size_t cap);
/* Counts occurrences of <tag> in the body. */
int tc_count(const tc_resp_t *r, const char *tag);

/* Shortcuts (header-signed, virtual-host). */
long tc_put_bucket(const cosd_harness_t *h, const char *bucket);
long tc_put_object(const cosd_harness_t *h, const char *bucket, const char *key, const void *data,
                   size_t n);
/* Base64 of the MD5 of data into out (25 bytes). */
void tc_content_md5(const void *data, size_t n, char out[32]);

/* Authorization value for method + decoded path, signing only the given host. Free with free(). */
char *tc_authorization(const cosd_harness_t *h, const char *method, const char *path,
                       const char *host);
/* Sends raw bytes on a new connection and reads the answer until the server closes or wait_ms of
 * silence pass. 0 when something was received. */
int tc_raw(const cosd_harness_t *h, const void *req, size_t n, int wait_ms, cosx_buf_t *answer);
#endif
