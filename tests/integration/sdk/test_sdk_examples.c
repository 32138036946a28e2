/* Integration test of the example programs (examples/): runs the five quick-start flows against a
 * real cosd, configured through the environment exactly as a user would, and checks their effects.
 * Any arguments form a wrapper command (e.g. valgrind with leak checking) placed before each
 * example. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cosd_harness.h"

extern char **environ;

static cosd_harness_t H;
static int wrapper_argc;
static char **wrapper_argv;
static char out_path[] = "/tmp/sdk_examples_out_XXXXXX";

/* Runs an example with stdout to out_path; returns its exit status. */
static int run(const char *exe)
{
    char *argv[32];
    int n = 0;
    for (int i = 0; i < wrapper_argc && n < 30; i++) {
        argv[n++] = wrapper_argv[i];
    }
    argv[n++] = (char *)exe;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        return -1;
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *output(void)
{
    static char buf[65536];
    FILE *f = fopen(out_path, "rb");
    size_t n = f != NULL ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f != NULL) {
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

static void test_quick_start_flows(void **state)
{
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", H.port);
    setenv("COS_ENDPOINT", endpoint, 1);
    setenv("COS_SECRET_ID", H.secret_id, 1);
    setenv("COS_SECRET_KEY", H.secret_key, 1);
    setenv("COS_APPID", H.appid, 1);
    setenv("COS_BUCKET", "quickstart", 1);
    setenv("COS_OBJECT", "docs/readme.txt", 1);
    char src[] = "/tmp/sdk_examples_src_XXXXXX";
    int fd = mkstemp(src);
    const char *text = "uploaded by the put_object example\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    assert_int_equal(run(EX_CREATE_BUCKET), 0);
    assert_non_null(strstr(output(), "create bucket succeeded"));
    assert_int_equal(run(EX_CREATE_BUCKET), 1); /* already exists: a failure, reported */
    assert_non_null(strstr(output(), "create bucket failed"));

    setenv("COS_FILE", src, 1);
    assert_int_equal(run(EX_PUT_OBJECT), 0);
    assert_non_null(strstr(output(), "put object succeeded"));

    assert_int_equal(run(EX_LIST_OBJECTS), 0);
    char *listing = output();
    assert_non_null(strstr(listing, "docs/readme.txt\t35"));
    assert_non_null(strstr(listing, "1 objects"));

    char dst[512];
    snprintf(dst, sizeof(dst), "%s.downloaded", src);
    setenv("COS_FILE", dst, 1);
    assert_int_equal(run(EX_GET_OBJECT), 0);
    FILE *f = fopen(dst, "rb");
    assert_non_null(f);
    char back[128] = {0};
    assert_int_equal(fread(back, 1, sizeof(back) - 1, f), strlen(text));
    fclose(f);
    assert_string_equal(back, text);

    assert_int_equal(run(EX_DELETE_OBJECT), 0);
    assert_non_null(strstr(output(), "delete object succeeded"));
    assert_int_equal(run(EX_GET_OBJECT), 1);
    assert_non_null(strstr(output(), "get object failed"));
    assert_int_equal(run(EX_LIST_OBJECTS), 0);
    assert_non_null(strstr(output(), "0 objects"));

    /* A wrong secret is reported, not crashed on. */
    setenv("COS_SECRET_KEY", "wrong", 1);
    assert_int_equal(run(EX_LIST_OBJECTS), 1);
    setenv("COS_SECRET_KEY", H.secret_key, 1);
    unlink(src);
    unlink(dst);
}

/* The audio moderation example on a spoken advertisement: the verdict comes from the sound. */
static void test_audio_moderation_flow(void **state)
{
    char wav[] = "/tmp/sdk_examples_audio_XXXXXX";
    int fd = mkstemp(wav);
    assert_true(fd >= 0);
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "echo 'Buy now and get fifty percent off, call this number today.' | "
             "text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o %s 2>/dev/null",
             wav);
    assert_int_equal(system(cmd), 0);
    char endpoint[64], route[64];
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", H.port);
    snprintf(route, sizeof(route), "127.0.0.1:%d", H.port);
    setenv("COS_ENDPOINT", endpoint, 1);
    setenv("COS_SECRET_ID", H.secret_id, 1);
    setenv("COS_SECRET_KEY", H.secret_key, 1);
    setenv("COS_APPID", H.appid, 1);
    setenv("COS_BUCKET", "audiodemo", 1);
    setenv("COS_OBJECT", "clips/advert.wav", 1);
    setenv("COS_FILE", wav, 1);
    assert_int_equal(run(EX_CREATE_BUCKET), 0);
    assert_int_equal(run(EX_PUT_OBJECT), 0);
    setenv("COS_CI_ENDPOINT", "ci.ap-guangzhou.myqcloud.com", 1);
    setenv("COS_CI_ROUTE", route, 1);
    assert_int_equal(run(EX_AUDIO_MODERATION), 0);
    char *out = output();
    assert_non_null(strstr(out, "result 1 label Ads"));
    assert_non_null(strstr(out, "section at "));
    assert_non_null(strstr(out, "(result 1)"));
    /* A missing object is a reported failure. */
    setenv("COS_OBJECT", "clips/none.wav", 1);
    assert_int_equal(run(EX_AUDIO_MODERATION), 1);
    assert_non_null(strstr(output(), "ResourceNotFound"));
    unlink(wav);
}

static int setup(void **state)
{
    int fd = mkstemp(out_path);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    return cosd_harness_start(&H, NULL);
}

static int teardown(void **state)
{
    cosd_harness_stop(&H);
    unlink(out_path);
    return 0;
}

int main(int argc, char **argv)
{
    wrapper_argc = argc - 1;
    wrapper_argv = argv + 1;
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_quick_start_flows),
                                       cmocka_unit_test(test_audio_moderation_flow)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
