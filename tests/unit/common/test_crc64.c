/* Unit tests of src/common/cosx_crc64.c: the CRC-64/XZ check values of COS_PROTOCOL 8, chaining,
 * and crc64_combine against direct computation for 1000 random splits of random data. */
#include "../test_util.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"

/* Bit-at-a-time reference CRC-64/XZ, independent of ISA-L. */
static uint64_t crc64_ref(const unsigned char *p, size_t n)
{
    uint64_t crc = ~0ULL;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xC96C5795D7870F42ULL & (0 - (crc & 1)));
        }
    }
    return ~crc;
}

static void test_check_values(void **state)
{
    assert_true(cosx_crc64(0, "123456789", 9) == 0x995DC9BBDF1939FAULL);
    assert_true(cosx_crc64(0, "", 0) == 0);
    assert_true(cosx_crc64(0, "hello world", 11) == 5981764153023615706ULL);
}

static void test_against_reference(void **state)
{
    unsigned char buf[4099];
    assert_true(cosx_random_bytes(buf, sizeof(buf)));
    for (size_t n = 0; n < sizeof(buf); n += 97) {
        assert_true(cosx_crc64(0, buf, n) == crc64_ref(buf, n));
    }
}

static void test_chaining(void **state)
{
    unsigned char buf[10000];
    assert_true(cosx_random_bytes(buf, sizeof(buf)));
    uint64_t whole = cosx_crc64(0, buf, sizeof(buf));
    uint64_t part = cosx_crc64(0, buf, 3333);
    part = cosx_crc64(part, buf + 3333, 1);
    part = cosx_crc64(part, buf + 3334, sizeof(buf) - 3334);
    assert_true(part == whole);
}

static void test_combine_spec_example(void **state)
{
    size_t n1 = 1048576;
    unsigned char *a = malloc(n1);
    assert_non_null(a);
    memset(a, 'a', n1);
    uint64_t c1 = cosx_crc64(0, a, n1);
    uint64_t c2 = cosx_crc64(0, "bbbbbbbbbb", 10);
    assert_true(c1 == 6701094182323390671ULL);
    assert_true(c2 == 16332867268285949405ULL);
    assert_true(cosx_crc64_combine(c1, c2, 10) == 7220253992730643760ULL);
    assert_true(cosx_crc64_combine(c1, 0, 0) == c1);
    free(a);
}

static void test_combine_random_splits(void **state)
{
    size_t n = 1 << 16;
    unsigned char *data = malloc(n);
    assert_non_null(data);
    assert_true(cosx_random_bytes(data, n));
    for (int i = 0; i < 1000; i++) {
        uint32_t r[2];
        assert_true(cosx_random_bytes(r, sizeof(r)));
        size_t len = 1 + r[0] % n;
        size_t split = r[1] % (len + 1);
        uint64_t direct = cosx_crc64(0, data, len);
        uint64_t left = cosx_crc64(0, data, split);
        uint64_t right = cosx_crc64(0, data + split, len - split);
        assert_true(cosx_crc64_combine(left, right, len - split) == direct);
    }
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_chaining),
        cmocka_unit_test(test_combine_spec_example),
        cmocka_unit_test(test_combine_random_splits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
