/* Unit tests of the public CRC-64 calls of libcos (include/cos_crc64.h), linked from the static
 * library exactly as users link it. */
#include "../test_util.h"

#include "cos_crc64.h"

static void test_public_crc64(void **state)
{
    char check[] = "123456789";
    assert_true(cos_crc64(0, check, 9) == 11051210869376104954ULL);
    assert_true(cos_crc64_big(0, check, 9) == 11051210869376104954ULL);
    char hello[] = "hello world";
    assert_true(cos_crc64(cos_crc64(0, hello, 5), hello + 5, 6) == 5981764153023615706ULL);
    uint64_t a = cos_crc64(0, hello, 5), b = cos_crc64(0, hello + 5, 6);
    assert_true(cos_crc64_combine(a, b, 6) == 5981764153023615706ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_public_crc64)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
