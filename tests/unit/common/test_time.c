/* Unit tests of src/common/cosx_time.c: RFC 1123 and ISO 8601 formatting, and lenient parsing of
 * the HTTP and ISO forms, including the rejection of malformed strings. */
#include "../test_util.h"

#include "cosx_time.h"

static void test_format(void **state)
{
    char s[COSX_RFC1123_LEN], i[COSX_ISO8601_LEN];
    cosx_time_rfc1123(1557989151, s);
    assert_string_equal(s, "Thu, 16 May 2019 06:45:51 GMT");
    cosx_time_rfc1123(0, s);
    assert_string_equal(s, "Thu, 01 Jan 1970 00:00:00 GMT");
    cosx_time_iso8601(1497026545, true, i);
    assert_string_equal(i, "2017-06-09T16:42:25.000Z");
    cosx_time_iso8601(1497026545, false, i);
    assert_string_equal(i, "2017-06-09T16:42:25Z");
}

static void test_parse_http(void **state)
{
    time_t t = 0;
    assert_true(cosx_time_parse_http("Thu, 16 May 2019 06:45:51 GMT", &t));
    assert_int_equal(t, 1557989151);
    assert_true(cosx_time_parse_http("Sunday, 06-Nov-94 08:49:37 GMT", &t));
    assert_int_equal(t, 784111777);
    assert_true(cosx_time_parse_http("Sun Nov  6 08:49:37 1994", &t));
    assert_int_equal(t, 784111777);
    assert_false(cosx_time_parse_http("", &t));
    assert_false(cosx_time_parse_http("yesterday", &t));
    assert_false(cosx_time_parse_http("Thu, 16 Foo 2019 06:45:51 GMT", &t));
    assert_false(cosx_time_parse_http("Thu, 16 May 2019 25:45:51 GMT", &t));
    assert_false(cosx_time_parse_http("Thu, 16 May 2019 06:45:51 PST", &t));
    assert_false(cosx_time_parse_http("Thu, 16 May 2019 06:45:51 GMT trailing", &t));
    assert_false(cosx_time_parse_http(NULL, &t));
}

static void test_parse_iso(void **state)
{
    time_t t = 0;
    assert_true(cosx_time_parse_iso8601("2017-06-09T16:42:25.000Z", &t));
    assert_int_equal(t, 1497026545);
    assert_true(cosx_time_parse_iso8601("2017-06-09T16:42:25Z", &t));
    assert_int_equal(t, 1497026545);
    assert_true(cosx_time_parse_iso8601("2017-06-10T00:42:25+08:00", &t));
    assert_int_equal(t, 1497026545);
    assert_true(cosx_time_parse_iso8601("2017-06-09T16:42:25.123456Z", &t));
    assert_int_equal(t, 1497026545);
    /* Older ListMultipartUploads responses use the asctime form. */
    assert_true(cosx_time_parse_iso8601("Wed Jan 18 16:04:17 2017", &t));
    assert_int_equal(t, 1484755457);
    assert_false(cosx_time_parse_iso8601("2017-13-09T16:42:25Z", &t));
    assert_false(cosx_time_parse_iso8601("2017-06-09T16:42:25.Z", &t));
    assert_false(cosx_time_parse_iso8601("2017-06-09", &t));
    assert_false(cosx_time_parse_iso8601("2017-06-09T16:42:25Zjunk", &t));
}

static void test_roundtrip(void **state)
{
    for (time_t t = 0; t < 4102444800; t += 86400 * 37 + 3671) {
        char s[COSX_RFC1123_LEN], i[COSX_ISO8601_LEN];
        time_t back = -1;
        cosx_time_rfc1123(t, s);
        assert_true(cosx_time_parse_http(s, &back));
        assert_int_equal(back, t);
        cosx_time_iso8601(t, true, i);
        assert_true(cosx_time_parse_iso8601(i, &back));
        assert_int_equal(back, t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_http),
        cmocka_unit_test(test_parse_iso),
        cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
