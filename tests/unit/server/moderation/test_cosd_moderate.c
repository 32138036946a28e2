/* test_cosd_moderate: the cosd-moderate command on generated speech: text and --json output
 * (JobsDetail shape), --config with its "moderation" object, --biz-type, and exit statuses with
 * clear messages for files that cannot be moderated and for usage or configuration errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_corpus.h"
#include "cosm_engine.h"
#include "cosm_testaudio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static char speech[700], conf[700], out[700], errf[700];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* Runs cosd-moderate with args; returns its exit status. */
static int run(const char *args)
{
    return ta_run("'%s' %s > '%s' 2> '%s'", COSM_MODERATE_BIN, args, out, errf);
}

static int setup(void **state)
{
    (void)state;
    dir = ta_tempdir();
    if (!dir)
        return -1;
    snprintf(out, sizeof(out), "%s/out.txt", dir);
    snprintf(errf, sizeof(errf), "%s/err.txt", dir);
    snprintf(speech, sizeof(speech), "%s/abuse.mp3", dir);
    char wav[720];
    snprintf(wav, sizeof(wav), "%s.wav", speech);
    const char *text = NULL;
    for (size_t i = 0; i < cosm_corpus_len && !text; i++)
        if (cosm_corpus[i].scene == COSM_SCENE_ABUSE)
            text = cosm_corpus[i].text;
    if (!ta_say(dir, "slt", text, wav) || !ta_ffmpeg(wav, "", speech))
        return -1;
    snprintf(conf, sizeof(conf), "%s/cosd.json", dir);
    FILE *f = fopen(conf, "w");
    fprintf(f,
            "{\"listen\":\"127.0.0.1:9000\",\"moderation\":{\"library_dir\":\"%s\",\"policies\":["
            "{\"biz_type\":\"ads-only\",\"scenes\":[\"Ads\"]}]}}\n",
            COSM_TEST_LIBRARY_DIR);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ta_rmtree(dir);
    free(dir);
    return 0;
}

static void test_json_output(void **st)
{
    (void)st;
    char args[800];
    snprintf(args, sizeof(args), "'%s' --json", speech);
    assert_int_equal(run(args), 0);
    char *o = slurp(out);
    cJSON *j = cJSON_Parse(o);
    free(o);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "State")->valuestring, "Success");
    assert_string_equal(cJSON_GetObjectItem(j, "Label")->valuestring, "Abuse");
    assert_int_not_equal(cJSON_GetObjectItem(j, "Result")->valueint, 0);
    assert_true(strlen(cJSON_GetObjectItem(j, "AudioText")->valuestring) > 5);
    static const char *const infos[] = {"PornInfo",      "AdsInfo",      "IllegalInfo", "AbuseInfo",
                                        "TerrorismInfo", "PoliticsInfo", "TeenagerInfo"};
    for (size_t i = 0; i < 7; i++)
        assert_non_null(cJSON_GetObjectItem(j, infos[i]));
    cJSON *abuse = cJSON_GetObjectItem(j, "AbuseInfo");
    assert_int_not_equal(cJSON_GetObjectItem(abuse, "HitFlag")->valueint, 0);
    assert_true(cJSON_GetObjectItem(abuse, "Score")->valueint > 60);
    cJSON *sec = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "Section"), 0);
    assert_non_null(sec);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItem(sec, "OffsetTime")));
    assert_true(cJSON_GetObjectItem(sec, "Duration")->valueint > 500);
    assert_string_equal(cJSON_GetObjectItem(sec, "Label")->valuestring, "Abuse");
    assert_true(cJSON_GetArraySize(
                    cJSON_GetObjectItem(cJSON_GetObjectItem(sec, "AbuseInfo"), "Keywords")) >= 1);
    cJSON_Delete(j);
}

static void test_text_output_and_policy(void **st)
{
    (void)st;
    char args[1600];
    snprintf(args, sizeof(args), "'%s'", speech);
    assert_int_equal(run(args), 0);
    char *o = slurp(out);
    assert_non_null(strstr(o, "Abuse (Result"));
    assert_non_null(strstr(o, "Section 0"));
    free(o);
    /* The ads-only policy of the configuration does not audit Abuse. */
    snprintf(args, sizeof(args), "'%s' --config '%s' --biz-type ads-only --json", speech, conf);
    assert_int_equal(run(args), 0);
    o = slurp(out);
    cJSON *j = cJSON_Parse(o);
    free(o);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "Label")->valuestring, "Normal");
    assert_null(cJSON_GetObjectItem(j, "AbuseInfo"));
    assert_non_null(cJSON_GetObjectItem(j, "AdsInfo"));
    cJSON_Delete(j);
}

/* cosd-moderate with a configuration file holding json exits 2; its message holds each needle. */
static void refused_config(const char *path, const char *json, const char *needle,
                           const char *needle2)
{
    char args[1600];
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    snprintf(args, sizeof(args), "'%s' --config '%s'", speech, path);
    assert_int_equal(run(args), 2);
    char *e = slurp(errf);
    if (needle)
        assert_non_null(strstr(e, needle));
    if (needle2)
        assert_non_null(strstr(e, needle2));
    free(e);
}

static void test_failures(void **st)
{
    (void)st;
    char args[1600], p[720];
    /* Unknown BizType: exit 1, Failed JobsDetail with -65016. */
    snprintf(args, sizeof(args), "'%s' --config '%s' --biz-type nope --json", speech, conf);
    assert_int_equal(run(args), 1);
    char *o = slurp(out), *e = slurp(errf);
    cJSON *j = cJSON_Parse(o);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "State")->valuestring, "Failed");
    assert_string_equal(cJSON_GetObjectItem(j, "Code")->valuestring, "-65016");
    assert_non_null(strstr(e, "BizType 'nope'"));
    cJSON_Delete(j);
    free(o);
    free(e);
    /* Empty file: exit 1 with the reason. */
    snprintf(p, sizeof(p), "%s/empty.wav", dir);
    FILE *f = fopen(p, "w");
    fclose(f);
    snprintf(args, sizeof(args), "'%s'", p);
    assert_int_equal(run(args), 1);
    e = slurp(errf);
    assert_non_null(strstr(e, "empty"));
    assert_non_null(strstr(e, "-65007"));
    free(e);
    /* Usage and configuration errors: exit 2. */
    assert_int_equal(run(""), 2);
    snprintf(args, sizeof(args), "'%s' --bogus", speech);
    assert_int_equal(run(args), 2);
    snprintf(p, sizeof(p), "%s/bad.json", dir);
    refused_config(p, "{\"moderation\": {\"section\": {\"max_ms\": \"long\"}}}", "max_ms", NULL);
    /* A missing classifier model: refuses to start, naming the file and how to rebuild it. */
    refused_config(p, "{\"moderation\": {\"classifier\": \"/nonexistent/classifier.model\"}}",
                   "/nonexistent/classifier.model", "make");
    refused_config(p,
                   "{\"moderation\": {\"models\": {\"decoder_options\": {\"no-such-option\": 1}}}}",
                   "decoder_options", NULL);
    refused_config(p, "{not json", NULL, NULL);
    snprintf(args, sizeof(args), "'%s' --config '%s/missing.json'", speech, dir);
    assert_int_equal(run(args), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_text_output_and_policy),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
