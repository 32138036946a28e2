/* cosd_route: turns a request's host and path into what it addresses (GET Service, a bucket, an
 * object, or the CI API) following COS_PROTOCOL 1.4: virtual-host, absolute-form, path-style and
 * <bucket>-<appid>.<domain> addressing. Pure functions, no I/O. */
#ifndef COSD_ROUTE_H
#define COSD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#define COSD_MAX_KEY_BYTES 850

typedef enum cosd_route_kind {
    COSD_ROUTE_SERVICE, /* GET Service */
    COSD_ROUTE_BUCKET,  /* bucket-level operation */
    COSD_ROUTE_OBJECT,  /* object-level operation */
    COSD_ROUTE_CI,      /* <bucket>.ci.<region>.<suffix> or ci.<region>.<suffix> */
    COSD_ROUTE_ERROR,   /* err_status / err_code / err_msg say why */
} cosd_route_kind_t;

typedef struct cosd_route {
    cosd_route_kind_t kind;
    bool host_addressed; /* the bucket came from the Host (so the signature must cover Host) */
    char bucket[128];    /* "<name>-<appid>" or "" */
    char region[64];     /* region label of the host, "" when the host has none */
    char *key;           /* decoded object key (OBJECT), else NULL */
    char *path;          /* decoded request path (CI and diagnostics) */
    int err_status;
    const char *err_code;
    char err_msg[256];
} cosd_route_t;

/* host: the Host header or the authority of an absolute-form target (may carry :port, any case).
 * raw_path: the request path as received (percent-encoded, starting with '/', no query).
 * domains[0..n_cos) are COS suffixes (<bucket>.cos.<region>.<suffix>); domains[n_cos..n) also
 * accept <bucket>-<appid>.<domain>. Returns false only when out of memory. */
bool cosd_route_parse(const char *host, const char *raw_path, char *const *domains, size_t n_cos,
                      size_t n, cosd_route_t *out);
void cosd_route_free(cosd_route_t *r);

/* ^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[0-9]+$ */
bool cosd_bucket_name_valid(const char *name);
/* NULL when key (decoded, len bytes) is a valid object key, else the COS error code
 * (KeyTooLong, InvalidObjectName) with a message in msg. */
const char *cosd_key_check(const char *key, size_t len, char *msg, size_t msglen);
/* The APPID part of a valid bucket name (points into name). */
const char *cosd_bucket_appid(const char *name);

#endif
