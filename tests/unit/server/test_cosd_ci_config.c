/* Unit tests of the moderation job settings of cosd: the --workers flag (range checked), and the
 * "moderation" keys "workers" and "url_fetch", refused by cosd_ci_open when invalid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_ci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(cosd_config_t *cfg, const char *flag, char *err, size_t errlen)
{
    char *argv[] = {"cosd", "--data", "/tmp/x", (char *)flag, NULL};
    return cosd_config_load(cfg, flag ? 4 : 3, argv, err, errlen);
}

static void test_workers_flag(void **state)
{
    (void)state;
    cosd_config_t cfg;
    char err[256];
    assert_int_equal(load(&cfg, NULL, err, sizeof err), 0);
    assert_int_equal(cfg.workers, 0); /* one per core, decided at start */
    cosd_config_free(&cfg);
    assert_int_equal(load(&cfg, "--workers=3", err, sizeof err), 0);
    assert_int_equal(cfg.workers, 3);
    cosd_config_free(&cfg);
    const char *bad[] = {"--workers=0", "--workers=257", "--workers=x", "--workers=2x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(load(&cfg, bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "--workers"));
    }
}

static void test_workers_config_key(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_cosd_ci_config.XXXXXX";
    assert_non_null(mkdtemp(dir));
    cosd_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);
    cosd_server_t srv;
    memset(&srv, 0, sizeof srv);
    const char *bad[] = {"{\"workers\": 0}", "{\"workers\": 300}", "{\"workers\": \"2\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        cfg.moderation_json = (char *)bad[i];
        assert_null(cosd_ci_open(&srv, &cfg, 0, err, sizeof err));
        assert_non_null(strstr(err, "moderation.workers"));
        assert_null(srv.ci.start);
    }
    const char *bad_fetch[][2] = {
        {"{\"url_fetch\": 5}", "moderation.url_fetch"},
        {"{\"url_fetch\": {\"timeout_s\": 0}}", "url_fetch.timeout_s"},
        {"{\"url_fetch\": {\"max_bytes\": \"1\"}}", "url_fetch.max_bytes"},
        {"{\"url_fetch\": {\"max_redirects\": 51}}", "url_fetch.max_redirects"},
        {"{\"url_fetch\": {\"connect_timeout_s\": -1}}", "url_fetch.connect_timeout_s"},
    };
    for (size_t i = 0; i < sizeof bad_fetch / sizeof bad_fetch[0]; i++) {
        char e[256] = "";
        cfg.moderation_json = (char *)bad_fetch[i][0];
        assert_null(cosd_ci_open(&srv, &cfg, 1, e, sizeof e));
        if (!strstr(e, bad_fetch[i][1]))
            fail_msg("%s: error '%s' does not name %s", bad_fetch[i][0], e, bad_fetch[i][1]);
    }
    cfg.moderation_json = (char *)"{\"workers\": ";
    char err[256] = "";
    assert_null(cosd_ci_open(&srv, &cfg, 0, err, sizeof err));
    assert_non_null(strstr(err, "not valid JSON"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workers_flag),
        cmocka_unit_test(test_workers_config_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
