/* cosx_digest: MD5, SHA-1, SHA-256, HMAC-SHA1, random bytes and constant-time comparison, all
 * through OpenSSL libcrypto. One-shot functions plus a streaming context for hashing bodies as they
 * flow. */
#ifndef COSX_DIGEST_H
#define COSX_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define COSX_MD5_LEN    16
#define COSX_SHA1_LEN   20
#define COSX_SHA256_LEN 32

void cosx_md5(const void *data, size_t n, unsigned char out[COSX_MD5_LEN]);
void cosx_sha1(const void *data, size_t n, unsigned char out[COSX_SHA1_LEN]);
void cosx_sha256(const void *data, size_t n, unsigned char out[COSX_SHA256_LEN]);
void cosx_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
                    unsigned char out[COSX_SHA1_LEN]);

typedef enum { COSX_DIGEST_MD5, COSX_DIGEST_SHA1, COSX_DIGEST_SHA256 } cosx_digest_alg_t;

/* Streaming digest. cosx_digest_new returns NULL when out of memory. */
typedef struct cosx_digest cosx_digest_t;
cosx_digest_t *cosx_digest_new(cosx_digest_alg_t alg);
void cosx_digest_update(cosx_digest_t *d, const void *data, size_t n);
/* Writes the digest (16, 20 or 32 bytes) and returns its length; the context can be reused after.
 */
size_t cosx_digest_final(cosx_digest_t *d, unsigned char *out);
void cosx_digest_free(cosx_digest_t *d);

/* Cryptographically strong random bytes; false if the generator failed. */
bool cosx_random_bytes(void *buf, size_t n);
/* Constant-time equality of two n-byte regions. */
bool cosx_ct_equal(const void *a, const void *b, size_t n);

#endif
