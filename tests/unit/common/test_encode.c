/* Unit tests of src/common/cosx_encode.c: the signature encoder enc() and its edge cases, path
 * encoding, percent/form decoding, hex and base64. */
#include "../test_util.h"

#include "cosx_encode.h"

static void check_enc(const char *in, const char *want)
{
    cosx_buf_t b = COSX_BUF_INIT;
    assert_true(cosx_enc(&b, in, strlen(in)));
    assert_string_equal(cosx_buf_str(&b), want);
    cosx_buf_free(&b);
}

static void test_enc_edge_cases(void **state)
{
    check_enc("", "");
    check_enc("abcXYZ019-_.~", "abcXYZ019-_.~");
    check_enc(" ", "%20");
    check_enc("+", "%2B");
    check_enc("/", "%2F");
    check_enc("=&;:,?#", "%3D%26%3B%3A%2C%3F%23");
    check_enc("!'()*", "%21%27%28%29%2A");
    check_enc("\xc3\xa9", "%C3%A9");                             /* é */
    check_enc("\xe8\x85\xbe\xe8\xae\xaf", "%E8%85%BE%E8%AE%AF"); /* 腾讯 */
    check_enc("a b+c&d=\xc3\xa9.txt", "a%20b%2Bc%26d%3D%C3%A9.txt");
    check_enc("%", "%25");
    check_enc("\x7f\x01", "%7F%01");
}

static void test_enc_lower_and_path(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    const char *meta = "x-cos-meta-\xe4\xb8\xad"; /* x-cos-meta-中 */
    assert_true(cosx_enc_lower(&b, meta, strlen(meta)));
    assert_string_equal(cosx_buf_str(&b), "x-cos-meta-%e4%b8%ad");
    cosx_buf_reset(&b);
    assert_true(cosx_enc_lower(&b, "Content-MD5", 11));
    assert_string_equal(cosx_buf_str(&b), "content-md5");
    cosx_buf_reset(&b);
    assert_true(cosx_enc_path(&b, "/dir/a b+c.txt", 14));
    assert_string_equal(cosx_buf_str(&b), "/dir/a%20b%2Bc.txt");
    cosx_buf_free(&b);
}

static void test_pct_decode(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    assert_true(cosx_pct_decode(&b, "a%20b+c%2Fd%c3%A9", 17, true));
    assert_string_equal(cosx_buf_str(&b), "a b c/d\xc3\xa9");
    cosx_buf_reset(&b);
    /* In a path '+' is a plus. */
    assert_true(cosx_pct_decode(&b, "/a+b%2Bc", 8, false));
    assert_string_equal(cosx_buf_str(&b), "/a+b+c");
    cosx_buf_reset(&b);
    assert_false(cosx_pct_decode(&b, "%4", 2, false));
    cosx_buf_reset(&b);
    assert_false(cosx_pct_decode(&b, "%G1", 3, false));
    cosx_buf_reset(&b);
    assert_false(cosx_pct_decode(&b, "a%00b", 5, false)); /* a NUL would cut C strings */
    cosx_buf_reset(&b);
    assert_true(cosx_pct_decode(&b, "", 0, true));
    assert_string_equal(cosx_buf_str(&b), "");
    cosx_buf_free(&b);
}

static void test_enc_decode_roundtrip(void **state)
{
    unsigned char raw[256];
    for (int i = 0; i < 255; i++) {
        raw[i] = (unsigned char)(i + 1); /* every byte but NUL */
    }
    cosx_buf_t e = COSX_BUF_INIT, d = COSX_BUF_INIT;
    assert_true(cosx_enc(&e, (const char *)raw, 255));
    assert_true(cosx_pct_decode(&d, e.data, e.len, false));
    assert_int_equal(d.len, 255);
    assert_memory_equal(d.data, raw, 255);
    cosx_buf_free(&e);
    cosx_buf_free(&d);
}

static void test_hex(void **state)
{
    const unsigned char in[] = {0x00, 0x9f, 0xab, 0xff};
    char hex[9];
    cosx_hex_encode(in, 4, hex);
    assert_string_equal(hex, "009fabff");
    unsigned char out[4];
    size_t n = 0;
    assert_true(cosx_hex_decode("009FabFF", 8, out, sizeof(out), &n));
    assert_int_equal(n, 4);
    assert_memory_equal(out, in, 4);
    assert_false(cosx_hex_decode("abc", 3, out, sizeof(out), &n));
    assert_false(cosx_hex_decode("zz", 2, out, sizeof(out), &n));
    assert_false(cosx_hex_decode("0011223344", 10, out, sizeof(out), &n));
}

static void test_base64(void **state)
{
    const char *cases[][2] = {{"", ""},
                              {"f", "Zg=="},
                              {"fo", "Zm8="},
                              {"foo", "Zm9v"},
                              {"foob", "Zm9vYg=="},
                              {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char enc[32];
        size_t n = cosx_base64_encode((const unsigned char *)cases[i][0], strlen(cases[i][0]), enc);
        assert_int_equal(n, strlen(cases[i][1]));
        assert_string_equal(enc, cases[i][1]);
        unsigned char dec[32];
        size_t m = 99;
        assert_true(cosx_base64_decode(enc, n, dec, sizeof(dec), &m));
        assert_int_equal(m, strlen(cases[i][0]));
        assert_memory_equal(dec, cases[i][0], m);
        /* An output buffer of exactly the decoded size is enough. */
        if (m > 0) {
            unsigned char exact[8];
            assert_true(cosx_base64_decode(enc, n, exact, m, &m));
            assert_memory_equal(exact, cases[i][0], m);
        }
    }
    /* Content-MD5 of the empty body. */
    unsigned char md5[16];
    size_t m = 0;
    assert_true(cosx_base64_decode("1B2M2Y8AsgTpgAmY7PhCfg==", 24, md5, sizeof(md5), &m));
    assert_int_equal(m, 16);
    assert_int_equal(md5[0], 0xd4);
    assert_int_equal(md5[15], 0x7e);
    unsigned char out[16];
    assert_false(cosx_base64_decode("Zm9", 3, out, sizeof(out), &m));      /* not a multiple of 4 */
    assert_false(cosx_base64_decode("Zm9v!A==", 8, out, sizeof(out), &m)); /* bad character */
    assert_false(cosx_base64_decode("Zm 9", 4, out, sizeof(out), &m));     /* whitespace */
    assert_false(cosx_base64_decode("Zm9vYmFy", 8, out, 5, &m));           /* too small */
}

static void test_copy_str_and_dec(void **state)
{
    (void)state;
    char d[8];
    assert_int_equal(cosx_copy_str(d, sizeof d, "abc", 3), 3);
    assert_string_equal(d, "abc");
    assert_int_equal(cosx_copy_str(d, sizeof d, "abcdefghij", 10), 7); /* truncated to cap - 1 */
    assert_string_equal(d, "abcdefg");
    assert_int_equal(cosx_copy_str(d, sizeof d, "ab\0cd", 5), 2); /* stops at a NUL */
    assert_string_equal(d, "ab");
    assert_int_equal(cosx_copy_str(d, sizeof d, "xyz", 1), 1);
    assert_string_equal(d, "x");
    assert_int_equal(cosx_copy_str(d, 1, "xyz", 3), 0);
    assert_string_equal(d, "");
    char n[21], ref[32];
    const uint64_t vals[] = {0, 9, 10, 4096, 1234567890123ULL, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        snprintf(ref, sizeof ref, "%llu", (unsigned long long)vals[i]);
        assert_int_equal(cosx_u64_dec(vals[i], n), strlen(ref));
        assert_string_equal(n, ref);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enc_edge_cases),
        cmocka_unit_test(test_enc_lower_and_path),
        cmocka_unit_test(test_pct_decode),
        cmocka_unit_test(test_enc_decode_roundtrip),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_copy_str_and_dec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
