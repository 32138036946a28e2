/* cosd_fixture: the cmocka group set-up shared by cosd's integration tests (a cosd started through
 * the harness with one bucket created) and the check of a COS error answer. */
#ifndef COSD_FIXTURE_H
#define COSD_FIXTURE_H

#include "cosd_client.h"

/* Starts cosd (extra arguments NULL-terminated, may be NULL), creates bucket, stores the harness in
 * *state. 0 on success, -1 otherwise (cmocka group setup). */
int tc_fixture_start(void **state, const char *bucket, const char *const *extra);
/* Stops the cosd of tc_fixture_start (cmocka group teardown). */
int tc_fixture_stop(void **state);
/* Asserts the HTTP status and the error XML's Code; prints the body when the status differs. */
void tc_expect_code(const tc_resp_t *rs, long status, const char *code);

#endif
