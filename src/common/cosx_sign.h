/* cosx_sign: the COS v5 request signer (q-sign-algorithm=sha1, COS_PROTOCOL 2.2-2.7), shared by
 * libcos (signing requests and presigned URLs) and cosd (recomputing signatures in the verifier).
 * Inputs are decoded strings; the signer applies enc() and the canonical ordering itself. */
#ifndef COSX_SIGN_H
#define COSX_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosx_buf.h"

/* A name/value pair. value NULL means "no value" (?uploads) and signs as the empty string. */
typedef struct cosx_pair {
    const char *name;
    const char *value;
} cosx_pair_t;

typedef struct cosx_sign_input {
    const char *secret_id;
    const char *secret_key;
    const char *method;        /* any case: "PUT", "get" */
    const char *path;          /* decoded path with leading '/': "/dir/a b.txt", "/" */
    const cosx_pair_t *params; /* query parameters to sign (decoded) */
    size_t n_params;
    const cosx_pair_t *headers; /* headers to sign (decoded), already chosen by the caller */
    size_t n_headers;
    int64_t start; /* key time: valid from start to end (Unix seconds) */
    int64_t end;
} cosx_sign_input_t;

typedef struct cosx_signature {
    char *authorization; /* "q-sign-algorithm=sha1&q-ak=...&q-signature=..." */
    char *key_time;      /* "start;end" */
    char *header_list;   /* "content-length;host" */
    char *param_list;    /* "partnumber;uploadid" */
    char *http_string;   /* intermediate values, for diagnostics and tests */
    char *string_to_sign;
    char sign_key[41];
    char signature[41];
} cosx_signature_t;

/* Signs a request. Returns 0, or -1 when out of memory or an argument is missing (out is then
 * empty). Free the result with cosx_signature_free. */
int cosx_sign(const cosx_sign_input_t *in, cosx_signature_t *out);
void cosx_signature_free(cosx_signature_t *sig);

/* Appends the seven auth items as a query string ("q-sign-algorithm=sha1&...&q-signature=..."),
 * each value enc()-encoded, ready to follow '?' or '&' in a presigned URL. */
bool cosx_sign_presign_query(const cosx_signature_t *sig, const char *secret_id, cosx_buf_t *out);

/* Whether libcos signs a request header by default: host, content-type, content-length,
 * content-md5, range, if-*, cache-control, content-disposition, content-encoding, expires, and
 * every x-cos-* and x-ci-* header (COS_PROTOCOL 2.4, client recommendation). Case-insensitive. */
bool cosx_sign_header_wanted(const char *name);

/* Canonical form of pairs (COS_PROTOCOL 2.2 steps 3-4): names lower(enc(name)), values enc(value),
 * sorted by name then value (byte order). Writes "n1;n2" to list and "n1=v1&n2=v2" to str (either
 * may be NULL). Pairs whose name is already encoded+lowercased can pass encoded=true. */
bool cosx_sign_canonical(const cosx_pair_t *pairs, size_t n, bool encoded, cosx_buf_t *list,
                         cosx_buf_t *str);

/* Steps 2, 6, 7: signature hex from the secret key, the key time and the HttpString. sign_key_hex
 * may be NULL. Both outputs are 40 lowercase hex digits + NUL. */
void cosx_sign_compute(const char *secret_key, const char *key_time, const char *http_string,
                       size_t http_len, char sig_hex[41], char sign_key_hex[41]);

#endif
