/* Unit tests of cosd's moderation job store (cosd_jobs_db.c) and JobsDetail rendering
 * (cosd_ci_render.c): field round trip, FIFO claiming, requeue at reopen, results, clips, freezes,
 * the callback queue, job ids, section filtering, presigned clip URLs and the JSON -> XML form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_ci_int.h"
#include "cosx_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dbdir[256];
static char dbpath[300];

static int setup(void **state)
{
    (void)state;
    snprintf(dbdir, sizeof dbdir, "/tmp/test_cosd_jobs.XXXXXX");
    if (!mkdtemp(dbdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/jobs.db", dbdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dbdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void make_job(cosd_job_t *j, const char *object, const char *callback)
{
    memset(j, 0, sizeof *j);
    assert_true(cosd_jobs_new_id(j->job_id));
    j->bucket = strdup("b-1250000000");
    j->region = strdup("ap-guangzhou");
    j->host = strdup("b-1250000000.ci.ap-guangzhou.myqcloud.com");
    j->state = strdup("Submitted");
    j->created = strdup("2026-11-25T10:00:00+00:00");
    j->object = object ? strdup(object) : NULL;
    j->url = object ? NULL : strdup("http://example.com/a.mp3");
    j->data_id = strdup("data <1>");
    j->user_info = strdup("{\"TokenId\":\"t1\",\"IP\":\"10.0.0.1\"}");
    j->biz_type = strdup("b81d45f94b91a683255e9a9506f45a11");
    j->callback = callback ? strdup(callback) : NULL;
    j->cb_version = strdup("Detail");
    j->cb_type = 2;
    j->freeze = strdup("{\"PornScore\":50}");
}

static void test_ids(void **state)
{
    (void)state;
    char a[COSD_JOB_ID_LEN + 1], b[COSD_JOB_ID_LEN + 1];
    assert_true(cosd_jobs_new_id(a));
    assert_true(cosd_jobs_new_id(b));
    assert_true(cosd_jobs_id_valid(a));
    assert_string_not_equal(a, b);
    assert_int_equal(strlen(a), 34);
    assert_true(cosd_jobs_id_valid("sa1ca9fc8a3ed11ea834c5254008639040"));
    assert_false(cosd_jobs_id_valid("sa1ca9fc8a3ed11ea834c5254008639040a")); /* 35 */
    assert_false(cosd_jobs_id_valid("sa1ca9fc8a3ed11ea834c525400863904"));   /* 33 */
    assert_false(cosd_jobs_id_valid("sa1CA9FC8A3ED11EA834C5254008639040"));  /* upper case */
    assert_false(cosd_jobs_id_valid("st1ca9fc8a3ed11ea834c5254008639040"));  /* prefix */
    assert_false(cosd_jobs_id_valid("sa1ca9fc8a3ed11ea834c525400863904g"));  /* not hex */
    assert_false(cosd_jobs_id_valid(""));
}

static void test_lifecycle(void **state)
{
    (void)state;
    char err[256];
    int requeued = -1;
    cosd_jobs_db_t *db = cosd_jobs_db_open(dbpath, &requeued, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(requeued, 0);
    cosd_job_t j1, j2, j3;
    make_job(&j1, "a/1.mp3", NULL);
    make_job(&j2, NULL, "http://cb/");
    make_job(&j3, "a/3.mp3", "http://cb/3");
    assert_int_equal(cosd_jobs_insert(db, &j1), 0);
    assert_int_equal(cosd_jobs_insert(db, &j2), 0);
    assert_int_equal(cosd_jobs_insert(db, &j3), 0);
    assert_int_equal(cosd_jobs_insert(db, &j3), -1); /* duplicate id */

    /* every field round-trips, NULLs stay NULL */
    cosd_job_t g = {0};
    assert_int_equal(cosd_jobs_get(db, j2.job_id, &g), 1);
    assert_string_equal(g.job_id, j2.job_id);
    assert_null(g.object);
    assert_string_equal(g.url, "http://example.com/a.mp3");
    assert_string_equal(g.data_id, "data <1>");
    assert_string_equal(g.user_info, j2.user_info);
    assert_string_equal(g.biz_type, j2.biz_type);
    assert_string_equal(g.callback, "http://cb/");
    assert_string_equal(g.cb_version, "Detail");
    assert_int_equal(g.cb_type, 2);
    assert_string_equal(g.freeze, "{\"PornScore\":50}");
    assert_string_equal(g.state, "Submitted");
    assert_null(g.result);
    assert_int_equal(g.forbid, 0);
    cosd_job_clear(&g);
    assert_int_equal(cosd_jobs_get(db, "sa00000000000000000000000000000000", &g), 0);

    /* claimed in submission order */
    cosd_job_t c = {0};
    assert_int_equal(cosd_jobs_claim(db, &c), 1);
    assert_string_equal(c.job_id, j1.job_id);
    assert_string_equal(c.state, "Auditing");
    cosd_job_clear(&c);
    assert_int_equal(cosd_jobs_claim(db, &c), 1);
    assert_string_equal(c.job_id, j2.job_id);

    /* j2 fails; its callback is queued */
    cosd_job_end_t fail = {.success = false, .code = "-65010", .message = "Download failed."};
    assert_int_equal(cosd_jobs_finish(db, &c, &fail), 0);
    cosd_job_clear(&c);
    assert_int_equal(cosd_jobs_get(db, j2.job_id, &g), 1);
    assert_string_equal(g.state, "Failed");
    assert_string_equal(g.code, "-65010");
    assert_string_equal(g.message, "Download failed.");
    cosd_job_clear(&g);
    int64_t id = 0, due = 0;
    char cbjob[COSD_JOB_ID_LEN + 1];
    int attempts = -1;
    assert_int_equal(cosd_jobs_cb_next(db, 100, &id, cbjob, &attempts, &due), 1);
    assert_string_equal(cbjob, j2.job_id);
    assert_int_equal(attempts, 0);
    assert_int_equal(cosd_jobs_cb_retry(db, id, 200), 0);
    assert_int_equal(cosd_jobs_cb_next(db, 100, &id, cbjob, &attempts, &due), 0);
    assert_int_equal(due, 200);
    assert_int_equal(cosd_jobs_cb_next(db, 200, &id, cbjob, &attempts, &due), 1);
    assert_int_equal(attempts, 1);
    assert_int_equal(cosd_jobs_cb_done(db, id), 0);
    assert_int_equal(cosd_jobs_cb_next(db, 1000, &id, cbjob, &attempts, &due), 0);
    assert_int_equal(due, 0);

    /* j1 left Auditing and j3 Submitted: a reopen requeues j1 only, both claimable again */
    cosd_jobs_db_close(db);
    db = cosd_jobs_db_open(dbpath, &requeued, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(requeued, 1);
    assert_int_equal(cosd_jobs_get(db, j1.job_id, &g), 1);
    assert_string_equal(g.state, "Submitted");
    cosd_job_clear(&g);
    assert_int_equal(cosd_jobs_claim(db, &c), 1);
    assert_string_equal(c.job_id, j1.job_id);
    cosd_job_clear(&c);
    assert_int_equal(cosd_jobs_claim(db, &c), 1);
    assert_string_equal(c.job_id, j3.job_id);

    /* j3 succeeds with two clips, a freeze and a callback */
    const uint8_t clip0[] = "RIFF0", clip1[] = "RIFF11";
    const uint8_t *clips[] = {clip0, clip1};
    size_t lens[] = {5, 6};
    cosd_job_end_t ok = {.success = true,
                         .result = "{\"Result\":1}",
                         .cos_headers = "{\"x-cos-meta-a\":\"1\"}",
                         .forbid = 1,
                         .frozen_key = "a/3.mp3",
                         .frozen_blob = "blob-1",
                         .clips = clips,
                         .clip_lens = lens,
                         .n_clips = 2};
    assert_int_equal(cosd_jobs_finish(db, &c, &ok), 0);
    assert_int_equal(cosd_jobs_claim(db, &g), 0);
    assert_int_equal(cosd_jobs_get(db, j3.job_id, &g), 1);
    assert_string_equal(g.state, "Success");
    assert_string_equal(g.result, "{\"Result\":1}");
    assert_string_equal(g.cos_headers, "{\"x-cos-meta-a\":\"1\"}");
    assert_int_equal(g.forbid, 1);
    cosd_job_clear(&g);
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(cosd_jobs_clip(db, j3.job_id, 1, &data, &len), 1);
    assert_int_equal(len, 6);
    assert_memory_equal(data, "RIFF11", 6);
    free(data);
    assert_int_equal(cosd_jobs_clip(db, j3.job_id, 2, &data, &len), 0);
    assert_true(cosd_jobs_is_frozen(db, "b-1250000000", "a/3.mp3", "blob-1"));
    assert_false(cosd_jobs_is_frozen(db, "b-1250000000", "a/3.mp3", "blob-2"));
    assert_false(cosd_jobs_is_frozen(db, "b-1250000000", "a/1.mp3", "blob-1"));
    assert_int_equal(cosd_jobs_cb_next(db, 0, &id, cbjob, &attempts, &due), 1);
    assert_string_equal(cbjob, j3.job_id);
    cosd_job_clear(&c);
    cosd_jobs_db_close(db);
    cosd_job_clear(&j1);
    cosd_job_clear(&j2);
    cosd_job_clear(&j3);
}

static const char result_json[] =
    "{\"State\":\"Success\",\"Label\":\"Ads\",\"SubLabel\":\"Promotion\",\"Result\":1,"
    "\"AudioText\":\"a & b\",\"AdsInfo\":{\"HitFlag\":1,\"Score\":95,\"Label\":\"promo code\"},"
    "\"Section\":[{\"Text\":\"a\",\"OffsetTime\":0,\"Duration\":1000,\"Result\":0,"
    "\"AdsInfo\":{\"HitFlag\":0,\"Score\":0}},"
    "{\"Text\":\"b\",\"OffsetTime\":1500,\"Duration\":2000,\"Result\":1,"
    "\"AdsInfo\":{\"HitFlag\":1,\"Score\":95,\"Keywords\":[\"promo code\",\"buy now\"],"
    "\"LibResults\":[{\"LibType\":2,\"LibName\":\"my-lib\",\"Keywords\":[\"buy now\"]}]}}],"
    "\"ListInfo\":{\"ListResults\":[{\"ListType\":1,\"ListName\":\"bl\",\"Entity\":\"t1\"}]}}";

static void render_fixture(cosd_server_t *srv, cosd_ci_t *ci, cosd_job_t *j)
{
    memset(srv, 0, sizeof *srv);
    srv->n_accounts = 1;
    strcpy(srv->accounts[0].appid, "1250000000");
    strcpy(srv->accounts[0].secret_id, "AKIDtest");
    strcpy(srv->accounts[0].secret_key, "secret");
    memset(ci, 0, sizeof *ci);
    ci->srv = srv;
    make_job(j, "a/3.mp3", NULL);
    free(j->state);
    j->state = strdup("Success");
    j->result = strdup(result_json);
    j->cos_headers = strdup("{\"x-cos-meta-id\":\"7\"}");
}

static void test_render_json(void **state)
{
    (void)state;
    cosd_server_t srv;
    cosd_ci_t ci;
    cosd_job_t j;
    render_fixture(&srv, &ci, &j);
    cJSON *o = cosd_ci_job_json(&ci, &j, false, false);
    assert_non_null(o);
    /* query order: Code, Message, DataId, JobId, State, CreationTime, Object, engine fields... */
    const char *order[] = {"Code",     "Message",      "DataId",    "JobId",
                           "State",    "CreationTime", "Object",    "Label",
                           "SubLabel", "Result",       "AudioText", "AdsInfo",
                           "Section",  "UserInfo",     "ListInfo",  "ForbidState"};
    cJSON *it = o->child;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++, it = it->next) {
        assert_non_null(it);
        assert_string_equal(it->string, order[i]);
    }
    assert_null(it);
    assert_string_equal(cJSON_GetObjectItem(o, "State")->valuestring, "Success");
    assert_null(cJSON_GetObjectItem(o, "BucketId"));
    cJSON *secs = cJSON_GetObjectItem(o, "Section");
    assert_int_equal(cJSON_GetArraySize(secs), 2);
    cJSON *s1 = cJSON_GetArrayItem(secs, 1);
    assert_string_equal(s1->child->string, "Url"); /* first */
    const char *url = s1->child->valuestring;
    char want[200];
    snprintf(want, sizeof want, "http://%s/audio/auditing/%s/sections/1.wav?", j.host, j.job_id);
    assert_memory_equal(url, want, strlen(want));
    assert_non_null(strstr(url, "q-ak=AKIDtest"));
    assert_non_null(strstr(url, "q-header-list=host"));
    cJSON_Delete(o);

    /* CallbackType 2 keeps the violating section (index 1 stays in its Url); Detail extras */
    o = cosd_ci_job_json(&ci, &j, true, true);
    secs = cJSON_GetObjectItem(o, "Section");
    assert_int_equal(cJSON_GetArraySize(secs), 1);
    assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(secs, 0), "Url")->valuestring,
                           "/sections/1.wav?"));
    assert_string_equal(cJSON_GetObjectItem(o, "BucketId")->valuestring, "b-1250000000");
    assert_string_equal(cJSON_GetObjectItem(o, "Region")->valuestring, "ap-guangzhou");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(o, "CosHeaders"), "x-cos-meta-id")->valuestring,
        "7");
    cJSON_Delete(o);

    /* failed and pending jobs */
    free(j.state);
    j.state = strdup("Failed");
    j.code = strdup("-65016");
    j.message = strdup("no such BizType");
    o = cosd_ci_job_json(&ci, &j, false, false);
    assert_string_equal(cJSON_GetObjectItem(o, "Code")->valuestring, "-65016");
    assert_string_equal(cJSON_GetObjectItem(o, "Message")->valuestring, "no such BizType");
    assert_null(cJSON_GetObjectItem(o, "Section"));
    assert_non_null(cJSON_GetObjectItem(o, "UserInfo"));
    cJSON_Delete(o);
    free(j.state);
    j.state = strdup("Auditing");
    o = cosd_ci_job_json(&ci, &j, false, false);
    assert_null(cJSON_GetObjectItem(o, "Code"));
    assert_string_equal(o->child->string, "DataId");
    cJSON_Delete(o);
    cosd_job_clear(&j);
}

static void test_render_xml(void **state)
{
    (void)state;
    cJSON *o = cJSON_Parse("{\"A\":\"x<&>\",\"N\":95,\"F\":2.6,\"K\":[\"k1\",\"k2\"],"
                           "\"S\":[{\"T\":1},{\"T\":2}],\"E\":{},\"B\":true}");
    cosx_buf_t b = COSX_BUF_INIT;
    assert_true(cosd_ci_json_to_xml(&b, o));
    assert_string_equal(cosx_buf_str(&b), "<A>x&lt;&amp;&gt;</A><N>95</N><F>3</F><K>k1</K><K>k2</K>"
                                          "<S><T>1</T></S><S><T>2</T></S><E></E><B>1</B>");
    cosx_buf_free(&b);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_render_json),
        cmocka_unit_test(test_render_xml),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
