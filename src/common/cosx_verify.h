/* cosx_verify: server-side verification of COS v5 signatures (COS_PROTOCOL 2.8): parses the
 * Authorization header or any presigned-query form (2.7), rebuilds the canonical request from
 * q-header-list / q-url-param-list, recomputes the signature and compares it in constant time. */
#ifndef COSX_VERIFY_H
#define COSX_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cosx_auth_status {
    COSX_AUTH_OK = 0,
    COSX_AUTH_NONE,          /* no signature at all: an anonymous request */
    COSX_AUTH_MALFORMED,     /* an item is missing, repeated or unparsable */
    COSX_AUTH_BAD_ALGORITHM, /* q-sign-algorithm is not sha1 */
    COSX_AUTH_EXPIRED,       /* now is past the end of q-sign-time / q-key-time */
    COSX_AUTH_NOT_YET_VALID, /* the start lies further in the future than the allowed skew */
    COSX_AUTH_MISMATCH,      /* the recomputed signature differs */
} cosx_auth_status_t;

/* A parsed auth string. Every string points into storage owned by the struct. */
typedef struct cosx_auth {
    char *storage;
    const char *algorithm;
    const char *ak;        /* SecretId */
    const char *sign_time; /* "start;end" */
    const char *key_time;
    const char *header_list; /* ';'-separated lower(enc(name)) */
    const char *param_list;
    const char *signature;
    const char *token; /* x-cos-security-token / x-ci-security-token from the query, or NULL */
    int64_t start;     /* from q-sign-time */
    int64_t end;
    bool presigned; /* taken from the query string */
} cosx_auth_t;

/* Reads the request's headers for the verifier: name is lowercase and decoded ("content-md5");
 * return the value (without surrounding whitespace) or NULL when absent. */
typedef const char *(*cosx_header_lookup_fn)(void *ctx, const char *name);

typedef struct cosx_verify_request {
    const char *method;
    const char *raw_path;  /* request-target path as received (still percent-encoded), no query */
    const char *raw_query; /* as received, without '?'; NULL or "" when none */
    cosx_header_lookup_fn header;
    void *header_ctx;
} cosx_verify_request_t;

/* Finds and parses the auth string: the Authorization header if given (non-NULL, non-empty), else
 * the q-* items or "sign=" in raw_query. Checks the algorithm and the shape of the times. On
 * COSX_AUTH_OK, out must be freed with cosx_auth_free; why (if non-NULL) explains any failure. */
cosx_auth_status_t cosx_auth_parse(const char *authorization, const char *raw_query,
                                   cosx_auth_t *out, char *why, size_t whylen);

/* Checks the time window (now > end: expired; start > now + max_skew: not yet valid), then
 * recomputes the signature with secret_key and compares it in constant time. */
cosx_auth_status_t cosx_auth_verify(const cosx_auth_t *auth, const cosx_verify_request_t *req,
                                    const char *secret_key, int64_t now, int64_t max_skew,
                                    char *why, size_t whylen);

void cosx_auth_free(cosx_auth_t *auth);
/* A short fixed name for a status: "ok", "expired", ... */
const char *cosx_auth_status_name(cosx_auth_status_t st);

#endif
