/* Unit tests of cosd_config: flags, the JSON config file, flags overriding the file, and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int load(cosd_config_t *cfg, char **argv, char *err)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return cosd_config_load(cfg, argc, argv, err, 256);
}

static void test_flags(void **state)
{
    (void)state;
    char *argv[] = {"cosd",
                    "--listen",
                    "127.0.0.1:0",
                    "--data",
                    "/tmp/x",
                    "--account",
                    "1250000000:AKID1:key1",
                    "--account",
                    "1250000001:AKID2:key2",
                    "--region",
                    "ap-beijing",
                    "--domain",
                    "Example.TEST",
                    NULL};
    cosd_config_t cfg;
    char err[256];
    assert_int_equal(load(&cfg, argv, err), 0);
    assert_string_equal(cfg.listen_host, "127.0.0.1");
    assert_int_equal(cfg.listen_port, 0);
    assert_string_equal(cfg.data_dir, "/tmp/x");
    assert_int_equal(cfg.n_accounts, 2);
    assert_string_equal(cfg.accounts[1].appid, "1250000001");
    assert_string_equal(cfg.accounts[1].secret_id, "AKID2");
    assert_string_equal(cfg.accounts[1].secret_key, "key2");
    assert_string_equal(cfg.region, "ap-beijing");
    assert_string_equal(cfg.domains[cfg.n_domains - 1], "example.test");
    assert_string_equal(cfg.domains[0], "myqcloud.com");
    /* defaults: two HTTP threads per core (at least 4), 128 KiB per connection */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(cfg.threads, cores * 2 > 4 ? cores * 2 : 4);
    assert_int_equal(cfg.conn_memory_kib, 128);
    cosd_config_free(&cfg);
}

static void test_file_and_override(void **state)
{
    (void)state;
    char path[] = "/tmp/cosd-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *json =
        "{\"listen\":\"0.0.0.0:9100\",\"data\":\"/srv/cos\",\"region\":\"ap-shanghai\","
        "\"domains\":[\"cos.lan\"],\"accounts\":[{\"appid\":\"1250000000\",\"secret_id\":\"AKIDf\","
        "\"secret_key\":\"kf\"}],\"moderation\":{\"policies\":[1,2]}}";
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    char *argv[] = {"cosd", "--config", path, "--listen", "127.0.0.1:9200", NULL};
    cosd_config_t cfg;
    char err[256];
    assert_int_equal(load(&cfg, argv, err), 0);
    assert_string_equal(cfg.listen_host, "127.0.0.1"); /* the flag wins */
    assert_int_equal(cfg.listen_port, 9200);
    assert_string_equal(cfg.data_dir, "/srv/cos");
    assert_string_equal(cfg.region, "ap-shanghai");
    assert_int_equal(cfg.n_accounts, 1);
    assert_string_equal(cfg.accounts[0].secret_id, "AKIDf");
    assert_string_equal(cfg.domains[cfg.n_domains - 1], "cos.lan");
    assert_string_equal(cfg.moderation_json, "{\"policies\":[1,2]}");
    cosd_config_free(&cfg);
    unlink(path);
}

static void test_tuning_flags(void **state)
{
    (void)state;
    char *argv[] = {"cosd", "--data", "/d", "--threads", "3", "--conn-memory", "256", NULL};
    cosd_config_t cfg;
    char err[256];
    assert_int_equal(load(&cfg, argv, err), 0);
    assert_int_equal(cfg.threads, 3);
    assert_int_equal(cfg.conn_memory_kib, 256);
    cosd_config_free(&cfg);
}

static void test_errors(void **state)
{
    (void)state;
    char *cases[][8] = {
        {"cosd", "--listen", "nope", "--data", "/d", NULL},
        {"cosd", "--listen", "127.0.0.1:99999", "--data", "/d", NULL},
        {"cosd", "--account", "abc:id:key", "--data", "/d", NULL},
        {"cosd", "--account", "125:id", "--data", "/d", NULL},
        {"cosd", "--region", "AP_X", "--data", "/d", NULL},
        {"cosd", "--listen", "127.0.0.1:1", NULL},
        {"cosd", "--bogus", "--data", "/d", NULL},
        {"cosd", "--config", "/nonexistent/cosd.json", "--data", "/d", NULL},
        {"cosd", "--data", "/d", "extra", NULL},
        {"cosd", "--conn-memory", "8", "--data", "/d", NULL},
        {"cosd", "--conn-memory", "64k", "--data", "/d", NULL},
        {"cosd", "--threads", "0", "--data", "/d", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cosd_config_t cfg;
        char err[256] = "";
        assert_int_equal(load(&cfg, cases[i], err), -1);
        assert_true(strlen(err) > 0);
    }
}

static void test_bad_config_file(void **state)
{
    (void)state;
    const char *bodies[] = {
        "{", "[]", "{\"accounts\":[{\"appid\":\"x\"}]}", "{\"domains\":\"a\"}", "{\"listen\":5}",
        NULL};
    for (int i = 0; bodies[i]; i++) {
        char path[] = "/tmp/cosd-config-XXXXXX";
        int fd = mkstemp(path);
        assert_int_equal(write(fd, bodies[i], strlen(bodies[i])), (ssize_t)strlen(bodies[i]));
        close(fd);
        char *argv[] = {"cosd", "--config", path, "--data", "/d", NULL};
        cosd_config_t cfg;
        char err[256] = "";
        assert_int_equal(load(&cfg, argv, err), -1);
        assert_true(strlen(err) > 0);
        unlink(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_file_and_override),
        cmocka_unit_test(test_tuning_flags),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bad_config_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
