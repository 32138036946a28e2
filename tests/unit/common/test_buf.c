/* Unit tests of src/common/cosx_buf.c: appends, formatting, growth, reset and detach. */
#include "../test_util.h"

#include "cosx_buf.h"

static void test_append_and_printf(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    assert_string_equal(cosx_buf_str(&b), "");
    assert_true(cosx_buf_puts(&b, "abc"));
    assert_true(cosx_buf_putc(&b, '-'));
    assert_true(cosx_buf_printf(&b, "%d/%s", 42, "x"));
    assert_true(cosx_buf_append(&b, "\0z", 2));
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "abc-42/x\0z", 10);
    assert_int_equal(b.data[b.len], '\0');
    cosx_buf_free(&b);
}

static void test_growth(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    for (int i = 0; i < 100000; i++) {
        assert_true(cosx_buf_printf(&b, "%05d", i % 100000));
    }
    assert_int_equal(b.len, 500000);
    assert_memory_equal(b.data + 5 * 12345, "12345", 5);
    assert_true(b.cap >= b.len + 1);
    cosx_buf_free(&b);
}

static void test_reset_and_detach(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, "hello");
    cosx_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(cosx_buf_str(&b), "");
    cosx_buf_puts(&b, "world");
    char *s = cosx_buf_detach(&b);
    assert_string_equal(s, "world");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    /* Detaching an empty buffer still yields a string. */
    s = cosx_buf_detach(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
}

static void test_overflow_is_sticky_failure(void **state)
{
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, "x");
    assert_false(cosx_buf_reserve(&b, SIZE_MAX - 1));
    assert_false(cosx_buf_ok(&b));
    assert_false(cosx_buf_puts(&b, "more"));
    assert_null(cosx_buf_detach(&b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_printf),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_reset_and_detach),
        cmocka_unit_test(test_overflow_is_sticky_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
