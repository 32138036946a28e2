/* Unit tests of src/common/cosx_digest.c against published test vectors (RFC 1321, FIPS 180, RFC
 * 2202), streaming against one-shot, and constant-time comparison. */
#include "../test_util.h"

#include "cosx_digest.h"
#include "cosx_encode.h"

static void hex_of(const unsigned char *d, size_t n, char *out)
{
    cosx_hex_encode(d, n, out);
}

static void test_known_vectors(void **state)
{
    unsigned char d[32];
    char hex[65];
    cosx_md5("", 0, d);
    hex_of(d, 16, hex);
    assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
    cosx_md5("abc", 3, d);
    hex_of(d, 16, hex);
    assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
    cosx_sha1("abc", 3, d);
    hex_of(d, 20, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    cosx_sha256("abc", 3, d);
    hex_of(d, 32, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_hmac_sha1_rfc2202(void **state)
{
    unsigned char key[20], mac[20];
    char hex[41];
    memset(key, 0x0b, sizeof(key));
    cosx_hmac_sha1(key, 20, "Hi There", 8, mac);
    hex_of(mac, 20, hex);
    assert_string_equal(hex, "b617318655057264e28bc0b6fb378c8ef146be00");
    cosx_hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, mac);
    hex_of(mac, 20, hex);
    assert_string_equal(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    /* A key longer than the block is hashed first (RFC 2202 case 6). */
    unsigned char big[80];
    memset(big, 0xaa, sizeof(big));
    const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
    cosx_hmac_sha1(big, sizeof(big), m, strlen(m), mac);
    hex_of(mac, 20, hex);
    assert_string_equal(hex, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    /* Empty key and message. */
    cosx_hmac_sha1("", 0, "", 0, mac);
    hex_of(mac, 20, hex);
    assert_string_equal(hex, "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

static void test_streaming_equals_oneshot(void **state)
{
    size_t n = 1000003;
    unsigned char *data = malloc(n);
    assert_non_null(data);
    assert_true(cosx_random_bytes(data, n));
    cosx_digest_alg_t algs[] = {COSX_DIGEST_MD5, COSX_DIGEST_SHA1, COSX_DIGEST_SHA256};
    for (int a = 0; a < 3; a++) {
        unsigned char one[32], streamed[32];
        if (algs[a] == COSX_DIGEST_MD5) {
            cosx_md5(data, n, one);
        } else if (algs[a] == COSX_DIGEST_SHA1) {
            cosx_sha1(data, n, one);
        } else {
            cosx_sha256(data, n, one);
        }
        cosx_digest_t *d = cosx_digest_new(algs[a]);
        assert_non_null(d);
        for (int round = 0; round < 2; round++) { /* the context is reusable after final */
            size_t off = 0, step = 1;
            while (off < n) {
                size_t take = step < n - off ? step : n - off;
                cosx_digest_update(d, data + off, take);
                off += take;
                step = step * 3 + 1;
            }
            size_t len = cosx_digest_final(d, streamed);
            assert_int_equal(len, algs[a] == COSX_DIGEST_MD5    ? 16
                                  : algs[a] == COSX_DIGEST_SHA1 ? 20
                                                                : 32);
            assert_memory_equal(one, streamed, len);
        }
        cosx_digest_free(d);
    }
    free(data);
}

static void test_random_and_ct_equal(void **state)
{
    unsigned char a[32], b[32];
    assert_true(cosx_random_bytes(a, sizeof(a)));
    assert_true(cosx_random_bytes(b, sizeof(b)));
    assert_memory_not_equal(a, b, sizeof(a));
    assert_true(cosx_ct_equal(a, a, sizeof(a)));
    memcpy(b, a, sizeof(a));
    b[31] ^= 1;
    assert_false(cosx_ct_equal(a, b, sizeof(a)));
    b[31] ^= 1;
    b[0] ^= 0x80;
    assert_false(cosx_ct_equal(a, b, sizeof(a)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_hmac_sha1_rfc2202),
        cmocka_unit_test(test_streaming_equals_oneshot),
        cmocka_unit_test(test_random_and_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
