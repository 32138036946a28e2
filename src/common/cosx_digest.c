/* cosx_digest.c: digests, HMAC-SHA1, random bytes and constant-time comparison on OpenSSL libcrypto
 * (EVP interfaces, so the same code works with any OpenSSL 1.1 / 3.x provider). */
#include "cosx_digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct cosx_digest {
    EVP_MD_CTX *ctx;
    const EVP_MD *md;
};

/* OpenSSL 3 looks an algorithm up in its provider tables on every EVP_DigestInit_ex given a legacy
 * EVP_md5()/EVP_sha1() handle (about a third of the cost of signing a request); fetched handles
 * skip that. They are fetched once, on first use, and never change afterwards. */
static const EVP_MD *fetched[3];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    fetched[COSX_DIGEST_MD5] = EVP_MD_fetch(NULL, "MD5", NULL);
    fetched[COSX_DIGEST_SHA1] = EVP_MD_fetch(NULL, "SHA1", NULL);
    fetched[COSX_DIGEST_SHA256] = EVP_MD_fetch(NULL, "SHA256", NULL);
#endif
}

static const EVP_MD *md_of(cosx_digest_alg_t alg)
{
    pthread_once(&fetch_once, fetch_all);
    switch (alg) {
    case COSX_DIGEST_MD5:
        return fetched[COSX_DIGEST_MD5] ? fetched[COSX_DIGEST_MD5] : EVP_md5();
    case COSX_DIGEST_SHA1:
        return fetched[COSX_DIGEST_SHA1] ? fetched[COSX_DIGEST_SHA1] : EVP_sha1();
    case COSX_DIGEST_SHA256:
    default:
        return fetched[COSX_DIGEST_SHA256] ? fetched[COSX_DIGEST_SHA256] : EVP_sha256();
    }
}

static void oneshot(const EVP_MD *md, const void *data, size_t n, unsigned char *out)
{
    unsigned int len = 0;
    EVP_Digest(data, n, out, &len, md, NULL);
}

void cosx_md5(const void *data, size_t n, unsigned char out[COSX_MD5_LEN])
{
    oneshot(md_of(COSX_DIGEST_MD5), data, n, out);
}

void cosx_sha1(const void *data, size_t n, unsigned char out[COSX_SHA1_LEN])
{
    oneshot(md_of(COSX_DIGEST_SHA1), data, n, out);
}

void cosx_sha256(const void *data, size_t n, unsigned char out[COSX_SHA256_LEN])
{
    oneshot(md_of(COSX_DIGEST_SHA256), data, n, out);
}

/* HMAC (RFC 2104) over EVP digests: OpenSSL 3's HMAC() fetches its algorithm on every call, which
 * made it twice as slow as this for the short messages of request signing (bench/RESULTS.md). */
void cosx_hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
                    unsigned char out[COSX_SHA1_LEN])
{
    enum { BLOCK = 64 };
    unsigned char k[BLOCK] = {0}, pad[BLOCK], inner[COSX_SHA1_LEN];
    if (keylen > BLOCK) {
        cosx_sha1(key, keylen, k);
    } else if (keylen > 0) {
        memcpy(k, key, keylen);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const EVP_MD *md = md_of(COSX_DIGEST_SHA1);
    unsigned int len = 0;
    if (!ctx) {
        memset(out, 0, COSX_SHA1_LEN);
        return;
    }
    for (int i = 0; i < BLOCK; i++) {
        pad[i] = k[i] ^ 0x36;
    }
    EVP_DigestInit_ex(ctx, md, NULL);
    EVP_DigestUpdate(ctx, pad, BLOCK);
    EVP_DigestUpdate(ctx, msg, msglen);
    EVP_DigestFinal_ex(ctx, inner, &len);
    for (int i = 0; i < BLOCK; i++) {
        pad[i] = k[i] ^ 0x5c;
    }
    EVP_DigestInit_ex(ctx, md, NULL);
    EVP_DigestUpdate(ctx, pad, BLOCK);
    EVP_DigestUpdate(ctx, inner, sizeof(inner));
    EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(k, sizeof(k));
    OPENSSL_cleanse(pad, sizeof(pad));
}

cosx_digest_t *cosx_digest_new(cosx_digest_alg_t alg)
{
    cosx_digest_t *d = calloc(1, sizeof(*d));
    if (!d) {
        return NULL;
    }
    d->md = md_of(alg);
    d->ctx = EVP_MD_CTX_new();
    if (!d->ctx || EVP_DigestInit_ex(d->ctx, d->md, NULL) != 1) {
        cosx_digest_free(d);
        return NULL;
    }
    return d;
}

void cosx_digest_update(cosx_digest_t *d, const void *data, size_t n)
{
    EVP_DigestUpdate(d->ctx, data, n);
}

size_t cosx_digest_final(cosx_digest_t *d, unsigned char *out)
{
    unsigned int len = 0;
    EVP_DigestFinal_ex(d->ctx, out, &len);
    EVP_DigestInit_ex(d->ctx, d->md, NULL);
    return len;
}

void cosx_digest_free(cosx_digest_t *d)
{
    if (d) {
        EVP_MD_CTX_free(d->ctx);
        free(d);
    }
}

bool cosx_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        int take = n > 1 << 20 ? 1 << 20 : (int)n;
        if (RAND_bytes(p, take) != 1) {
            return false;
        }
        p += take;
        n -= (size_t)take;
    }
    return true;
}

bool cosx_ct_equal(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
