/* bench_common: throughput of the shared core on this machine: CRC-64 through ISA-L (against a
 * plain table-driven CRC for comparison), MD5 through OpenSSL, and complete COS request signatures
 * per second. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_sign.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Byte-at-a-time table CRC-64/XZ, the classic portable implementation, for comparison. */
static uint64_t table[256];
static void table_init(void)
{
    for (int i = 0; i < 256; i++) {
        uint64_t c = (uint64_t)i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0xC96C5795D7870F42ULL : c >> 1;
        }
        table[i] = c;
    }
}
static uint64_t crc64_table(uint64_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 256;
    size_t n = mb << 20;
    unsigned char *buf = malloc(n);
    if (!buf || !cosx_random_bytes(buf, n)) {
        fprintf(stderr, "bench_common: cannot allocate %zu MiB\n", mb);
        return 1;
    }
    table_init();
    volatile uint64_t sink = 0;
    printf("buffer: %zu MiB (in cache-cold memory), best of 5 runs\n", mb);

    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t = now_s();
        sink ^= cosx_crc64(0, buf, n);
        t = now_s() - t;
        best = t < best ? t : best;
    }
    printf("crc64 (ISA-L crc64_ecma_refl): %8.2f GB/s\n", (double)n / best / 1e9);

    best = 1e9;
    size_t tn = n / 8; /* the table code is slow: measure an eighth */
    for (int r = 0; r < 3; r++) {
        double t = now_s();
        sink ^= crc64_table(0, buf, tn);
        t = now_s() - t;
        best = t < best ? t : best;
    }
    printf("crc64 (byte-wise table, reference): %8.2f GB/s\n", (double)tn / best / 1e9);

    best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t = now_s();
        for (int i = 0; i < 10000; i++) {
            sink ^= cosx_crc64_combine(sink, (uint64_t)i, (uint64_t)1 << 20);
        }
        t = now_s() - t;
        best = t < best ? t : best;
    }
    printf("crc64_combine (1 MiB parts): %8.0f combines/s\n", 10000 / best);

    best = 1e9;
    unsigned char md[16];
    for (int r = 0; r < 5; r++) {
        double t = now_s();
        cosx_md5(buf, n, md);
        t = now_s() - t;
        best = t < best ? t : best;
    }
    sink ^= md[0];
    printf("md5 (OpenSSL): %8.2f GB/s\n", (double)n / best / 1e9);

    /* HMAC-SHA1 of a StringToSign-sized message: OpenSSL's HMAC() against ours, side by side. */
    const char *hkey = "552178a693a0d230b84a4f15c143bc3c2cb3d9c0";
    const char *hmsg = "sha1\n1700000000;1700003600\n4cdec1954fc744d89c3656666cfa0030fe4465ad\n";
    unsigned char mac[20];
    unsigned int maclen = 0;
    for (int variant = 0; variant < 2; variant++) {
        best = 1e9;
        for (int r = 0; r < 3; r++) {
            double t = now_s();
            for (int i = 0; i < 200000; i++) {
                if (variant == 0) {
                    HMAC(EVP_sha1(), hkey, 40, (const unsigned char *)hmsg, strlen(hmsg), mac,
                         &maclen);
                } else {
                    cosx_hmac_sha1(hkey, 40, hmsg, strlen(hmsg), mac);
                }
                sink ^= mac[0];
            }
            t = now_s() - t;
            best = t < best ? t : best;
        }
        printf("hmac-sha1 (%s): %8.0f /s\n",
               variant == 0 ? "OpenSSL HMAC()" : "cosx_hmac_sha1, EVP digests", 200000 / best);
    }

    const cosx_pair_t headers[] = {
        {"Host", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"},
        {"Content-Length", "1048576"},
        {"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="},
        {"x-cos-meta-author", "Zhang San"},
    };
    const cosx_pair_t params[] = {{"partNumber", "3"}, {"uploadId", "1585130821cbb7df1d11846c"}};
    cosx_sign_input_t in = {.secret_id = "AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q",
                            .secret_key = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz",
                            .method = "PUT",
                            .path = "/dir/a b+c&d=\xc3\xa9.txt",
                            .params = params,
                            .n_params = 2,
                            .headers = headers,
                            .n_headers = 4,
                            .start = 1700000000,
                            .end = 1700003600};
    best = 1e9;
    int iters = 100000;
    for (int r = 0; r < 3; r++) {
        double t = now_s();
        for (int i = 0; i < iters; i++) {
            cosx_signature_t sig;
            if (cosx_sign(&in, &sig) == 0) {
                sink ^= (uint64_t)sig.signature[0];
                cosx_signature_free(&sig);
            }
        }
        t = now_s() - t;
        best = t < best ? t : best;
    }
    printf("sign (4 headers, 2 params): %8.0f signatures/s\n", iters / best);
    free(buf);
    return sink == 42 ? 2 : 0;
}
