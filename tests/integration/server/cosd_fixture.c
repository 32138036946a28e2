/* cosd_fixture: group set-up and error checks shared by cosd's integration tests (see
 * cosd_fixture.h). */
#include "cosd_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

int tc_fixture_start(void **state, const char *bucket, const char *const *extra)
{
    cosd_harness_t *h = calloc(1, sizeof *h);
    if (!h || cosd_harness_start(h, extra) != 0) {
        free(h);
        return -1;
    }
    *state = h;
    return tc_put_bucket(h, bucket) == 200 ? 0 : -1;
}

int tc_fixture_stop(void **state)
{
    cosd_harness_stop(*state);
    free(*state);
    return 0;
}

void tc_expect_code(const tc_resp_t *rs, long status, const char *code)
{
    char v[256];
    if (rs->status != status)
        fprintf(stderr, "unexpected answer %ld: %s\n", rs->status, cosx_buf_str(&rs->body));
    assert_int_equal(rs->status, status);
    assert_string_equal(tc_xml(rs, "Code", v, sizeof v), code);
}
