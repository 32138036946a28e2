/* test_cosm_rules: keyword libraries (file format, system libraries), the "moderation"
 * configuration (policies, custom libraries, lists, errors), keyword matching by words and by
 * pronunciation, scores and bands, section and job verdicts, and the JobsDetail JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cosm_engine_t *engine_from(const char *json, cosm_error_t *err)
{
    cJSON *c = json ? cJSON_Parse(json) : NULL;
    if (json)
        assert_non_null(c);
    cosm_engine_t *e = cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, err);
    cJSON_Delete(c);
    return e;
}

static void test_normalize(void **s)
{
    (void)s;
    char *p = cosm_normalize_phrase("  Buy NOW!!  ");
    assert_string_equal(p, "buy now");
    free(p);
    p = cosm_normalize_phrase("You're\tUGLY, friend");
    assert_string_equal(p, "you're ugly friend");
    free(p);
}

static void test_library_file(void **s)
{
    (void)s;
    char path[] = "/tmp/cosm-lib-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# comment line\n\nBuy Now, Promotion, 80  # trailing comment\n  free gift ,Gift,100\n",
          f);
    fclose(f);
    cosm_library_t lib = {.name = strdup("t"), .lib_type = 2};
    cosm_error_t err = {0};
    assert_int_equal(cosm_library_load_file(&lib, path, COSM_SCENE_ADS, &err), COSM_OK);
    assert_int_equal(lib.n_entries, 2);
    assert_string_equal(lib.entries[0].phrase, "buy now");
    assert_string_equal(lib.entries[0].sub_label, "Promotion");
    assert_int_equal(lib.entries[0].weight, 80);
    assert_int_equal(lib.entries[1].weight, 100);
    assert_int_equal(lib.entries[1].scene, COSM_SCENE_ADS);
    cosm_library_clear(&lib);

    static const char *const bad[] = {"ok, A, 50\nbad line without commas\n",
                                      "a, B, 0\n",
                                      "a, B, 101\n",
                                      "a, B, 9x\n",
                                      "a, B, 5, 6\n",
                                      "!!!, B, 50\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        f = fopen(path, "w");
        fputs(bad[i], f);
        fclose(f);
        lib = (cosm_library_t){.name = strdup("t"), .lib_type = 2};
        assert_int_equal(cosm_library_load_file(&lib, path, COSM_SCENE_ADS, &err), COSM_ERR_CONFIG);
        assert_non_null(strstr(err.message, path));
        assert_non_null(strstr(err.message, i == 0 ? ":2:" : ":1:"));
        cosm_library_clear(&lib);
    }
    remove(path);
    lib = (cosm_library_t){.name = strdup("t"), .lib_type = 2};
    assert_int_equal(cosm_library_load_file(&lib, path, COSM_SCENE_ADS, &err), COSM_ERR_CONFIG);
    assert_non_null(strstr(err.message, "cannot read"));
    cosm_library_clear(&lib);
}

static void test_system_libraries(void **s)
{
    (void)s;
    cosm_error_t err = {0};
    cosm_engine_t *e = engine_from(NULL, &err);
    assert_non_null(e);
    assert_int_equal(e->n_libs, COSM_SCENE_COUNT);
    for (size_t i = 0; i < e->n_libs; i++) {
        assert_int_equal(e->libs[i].lib_type, 1);
        assert_true(e->libs[i].n_entries >= 10);
        for (size_t k = 0; k < e->libs[i].n_entries; k++)
            assert_int_equal(e->libs[i].entries[k].scene, (int)i);
    }
    assert_string_equal(e->libs[COSM_SCENE_ADS].name, "system-ads");
    const cosm_policy_t *p = cosm_find_policy(e, NULL);
    assert_non_null(p);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        assert_true(p->scenes[k]);
    assert_int_equal(p->n_libs, COSM_SCENE_COUNT);
    assert_int_equal(p->suspect_from, 61);
    assert_int_equal(p->violate_from, 91);
    assert_null(cosm_find_policy(e, "nope"));
    cosm_engine_free(e);

    e = cosm_engine_new(NULL, "/nonexistent/dir", &err);
    assert_null(e);
    assert_int_equal(err.code, COSM_ERR_CONFIG);
    assert_non_null(strstr(err.message, "/nonexistent/dir/"));
}

static const char *conf_full =
    "{\"section\":{\"max_ms\":8000,\"min_pause_ms\":200},\"match\":\"text\",\"clips\":false,"
    "\"limits\":{\"max_bytes\":1000000,\"max_duration_s\":60},\"thresholds\":{\"suspected\":50,"
    "\"violating\":80},"
    "\"libraries\":[{\"name\":\"shop\",\"scene\":\"Ads\",\"entries\":[{\"keyword\":\"Acme "
    "Deals\",\"weight\":90},"
    "{\"keyword\":\"acme\",\"sub_label\":\"Brand\",\"weight\":40},{\"keyword\":\"gun\",\"scene\":"
    "\"Terrorism\"}]}],"
    "\"lists\":[{\"name\":\"vip\",\"type\":\"allow\",\"entities\":[\"user-1\"]},"
    "{\"name\":\"banned\",\"type\":1,\"entities\":[\"10.0.0.9\",\"user-2\"]}],"
    "\"default_policy\":{\"scenes\":[\"Porn\",\"Ads\"]},"
    "\"policies\":[{\"biz_type\":\"shop-only\",\"scenes\":[\"Ads\",\"Terrorism\"],\"system_"
    "libraries\":false,"
    "\"libraries\":[\"shop\"],\"lists\":[\"banned\"],\"thresholds\":{\"suspected\":30,"
    "\"violating\":60}}]}";

static void test_config(void **s)
{
    (void)s;
    cosm_error_t err = {0};
    cosm_engine_t *e = engine_from(conf_full, &err);
    if (!e)
        print_error("%s\n", err.message);
    assert_non_null(e);
    assert_int_equal(e->sections.max_ms, 8000);
    assert_int_equal(e->sections.min_pause_ms, 200);
    assert_int_equal(e->asr.match, COSM_MATCH_TEXT);
    assert_false(e->clips);
    assert_int_equal(e->limits.max_bytes, 1000000);
    assert_int_equal(e->limits.max_duration_ms, 60000);
    const cosm_policy_t *d = cosm_find_policy(e, "");
    assert_true(d->scenes[COSM_SCENE_PORN] && d->scenes[COSM_SCENE_ADS] &&
                !d->scenes[COSM_SCENE_ABUSE]);
    assert_int_equal(d->suspect_from, 50);
    assert_int_equal(d->n_libs, COSM_SCENE_COUNT); /* system only */
    assert_int_equal(d->n_lists, 2);
    const cosm_policy_t *p = cosm_find_policy(e, "shop-only");
    assert_non_null(p);
    assert_int_equal(p->n_libs, 1);
    assert_string_equal(e->libs[p->libs[0]].name, "shop");
    assert_int_equal(e->libs[p->libs[0]].lib_type, 2);
    assert_int_equal(e->libs[p->libs[0]].entries[0].weight, 90);
    assert_int_equal(e->libs[p->libs[0]].entries[2].scene, COSM_SCENE_TERRORISM);
    assert_int_equal(e->libs[p->libs[0]].entries[2].weight, 95);
    assert_int_equal(p->n_lists, 1);
    assert_int_equal(p->violate_from, 60);
    assert_null(cosm_find_policy(e, "other"));
    cosm_engine_free(e);

    static const char *const bad[][2] = {
        {"{\"section\":5}", "\"section\""},
        {"{\"section\":{\"max_ms\":10}}", "max_ms"},
        {"{\"match\":\"guess\"}", "\"match\""},
        {"{\"clips\":1}", "clips"},
        {"{\"libraries\":[{\"name\":\"x\",\"entries\":[{\"keyword\":\"a\"}]}]}", "scene"},
        {"{\"libraries\":[{\"name\":\"x\",\"scene\":\"Gossip\",\"entries\":[{\"keyword\":\"a\"}]}]"
         "}",
         "unknown scene"},
        {"{\"libraries\":[{\"name\":\"x\",\"scene\":\"Ads\"}]}", "no entries"},
        {"{\"policies\":[{\"biz_type\":\"b\",\"libraries\":[\"missing\"]}]}", "missing"},
        {"{\"policies\":[{\"biz_type\":\"b\"},{\"biz_type\":\"b\"}]}", "twice"},
        {"{\"policies\":[{\"scenes\":[\"Ads\"]}]}", "biz_type"},
        {"{\"policies\":[{\"biz_type\":\"b\",\"scenes\":[\"Gossip\"]}]}", "unknown scene"},
        {"{\"thresholds\":{\"suspected\":95,\"violating\":90}}", "above"},
        {"{\"lists\":[{\"name\":\"l\",\"type\":\"maybe\",\"entities\":[]}]}",
         "\"allow\" or \"block\""},
        {"{\"models\":{\"lm\":3}}", "\"lm\""},
        {"{\"models\":{\"decoder_options\":{\"beam\":[1]}}}", "decoder_options.beam"},
        {"[1,2]", "JSON object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = (cosm_error_t){0};
        e = engine_from(bad[i][0], &err);
        if (e || !strstr(err.message, bad[i][1]))
            print_error("config %s -> %s\n", bad[i][0], err.message);
        assert_null(e);
        assert_int_equal(err.code, COSM_ERR_CONFIG);
        assert_non_null(strstr(err.message, bad[i][1]));
    }
}

static void test_phone_distance(void **s)
{
    (void)s;
    assert_int_equal(cosm_phone_distance("B AY", "B AY"), 0);
    assert_int_equal(cosm_phone_distance("P AO R N", "B AO R N"), 1);
    assert_int_equal(cosm_phone_distance("K AA K EY N", "K OW K EY N"), 1);
    assert_int_equal(cosm_phone_distance("", "AH B"), 2);
    assert_int_equal(cosm_phone_distance("AH B K", "AH K"), 1);
}

/* A recognised section built by hand: words with pronunciations. */
static cosm_hyp_t hyp_of(const char *const *wp, size_t n)
{
    cosm_hyp_t h = {0};
    h.w = calloc(n, sizeof(*h.w));
    for (size_t i = 0; i < n; i++) {
        h.w[i].word = strdup(wp[2 * i]);
        h.w[i].phones = strdup(wp[2 * i + 1]);
        h.w[i].start_ms = (int64_t)i * 300;
        h.w[i].end_ms = (int64_t)i * 300 + 280;
    }
    h.n = n;
    return h;
}

static const char *conf_match =
    "{\"libraries\":[{\"name\":\"m\",\"scene\":\"Ads\",\"entries\":["
    "{\"keyword\":\"buy "
    "now\",\"weight\":80},{\"keyword\":\"porn\",\"scene\":\"Porn\",\"weight\":95},"
    "{\"keyword\":\"cocaine dealer\",\"scene\":\"Illegal\",\"weight\":95}]}],"
    "\"default_policy\":{\"system_libraries\":false,\"libraries\":[\"m\"]}}";

/* Sets the pronunciations the dictionary would give. */
static void give_phones(cosm_kwtable_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        const char *p = t->k[i].entry->phrase;
        t->k[i].phones = strdup(strcmp(p, "buy now") == 0 ? "B AY N AW"
                                : strcmp(p, "porn") == 0  ? "P AO R N"
                                                          : "K OW K EY N D IY L ER");
    }
}

static void test_match(void **s)
{
    (void)s;
    cosm_error_t err = {0};
    cosm_engine_t *e = engine_from(conf_match, &err);
    assert_non_null(e);
    const cosm_policy_t *pol = cosm_find_policy(e, NULL);
    cosm_kwtable_t t;
    assert_int_equal(cosm_kwtable_build(NULL, e, pol, &t), 0);
    assert_int_equal(t.n, 3);
    give_phones(&t);
    static const char *const w1[] = {"by",   "B AY",     "now", "N AW", "and", "AH N D",
                                     "born", "B AO R N", "buy", "B AY", "now", "N AW"};
    cosm_hyp_t h = hyp_of(w1, 6);
    cosm_hits_t hits = {0};
    /* Words only: the exact "buy now" at the end. */
    assert_int_equal(cosm_match_section(&t, &h, COSM_MATCH_TEXT, &hits), 0);
    assert_int_equal(hits.n, 1);
    assert_string_equal(hits.h[0].entry->phrase, "buy now");
    assert_true(hits.h[0].confidence == 1.0);
    cosm_hits_clear(&hits);
    /* Pronunciations: "by now" sounds like "buy now" (twice); "born" is not "porn". */
    assert_int_equal(cosm_match_section(&t, &h, COSM_MATCH_PHONES, &hits), 0);
    assert_int_equal(hits.n, 2);
    assert_string_equal(hits.h[0].entry->phrase, "buy now");
    assert_string_equal(hits.h[1].entry->phrase, "buy now");
    cosm_hits_clear(&hits);
    cosm_hyp_clear(&h);
    /* A long keyword with one phone wrong still counts, with less confidence. */
    static const char *const w2[] = {"the",         "DH AH",   "cocaine",
                                     "K OW K EY N", "dealers", "D IY L ER Z"};
    h = hyp_of(w2, 3);
    assert_int_equal(cosm_match_section(&t, &h, COSM_MATCH_PHONES, &hits), 0);
    assert_int_equal(hits.n, 1);
    assert_string_equal(hits.h[0].entry->phrase, "cocaine dealer");
    assert_true(hits.h[0].confidence > 0.8 && hits.h[0].confidence < 0.9);
    cosm_hits_clear(&hits);
    cosm_hyp_clear(&h);
    cosm_kwtable_clear(&t);
    cosm_engine_free(e);
}

static cosm_entry_t mk(const char *phrase, int weight, int scene)
{
    return (cosm_entry_t){(char *)phrase, (char *)"Sub", weight, scene};
}

static void test_scores(void **s)
{
    (void)s;
    cosm_library_t lib = {.name = (char *)"L", .lib_type = 2};
    cosm_entry_t a = mk("alpha", 95, COSM_SCENE_PORN), b = mk("beta", 70, COSM_SCENE_ADS),
                 c = mk("gamma", 50, COSM_SCENE_ADS);
    cosm_hits_t h = {0};
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_PORN), 0);
    cosm_hits_add(&h, &b, &lib, 1.0);
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_ADS), 70);
    cosm_hits_add(&h, &b, &lib, 1.0); /* repetition raises the score: 1 - 0.3^2 */
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_ADS), 91);
    cosm_hits_add(&h, &c, &lib, 0.5); /* 1 - 0.09 * 0.75 */
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_ADS), 93);
    cosm_hits_add(&h, &a, &lib, 0.8);
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_PORN), 76);
    assert_int_equal(cosm_scene_score(&h, COSM_SCENE_ABUSE), 0);

    cosm_policy_t pol = {.suspect_from = 61, .violate_from = 91};
    assert_int_equal(cosm_band(&pol, 60), COSM_RESULT_NORMAL);
    assert_int_equal(cosm_band(&pol, 61), COSM_RESULT_SUSPECTED);
    assert_int_equal(cosm_band(&pol, 90), COSM_RESULT_SUSPECTED);
    assert_int_equal(cosm_band(&pol, 91), COSM_RESULT_VIOLATING);
    assert_int_equal(cosm_band(&pol, 100), COSM_RESULT_VIOLATING);

    /* Section: Ads 93 (violating) beats Porn 76 (suspected); Abuse audited and clean. */
    pol.scenes[COSM_SCENE_PORN] = pol.scenes[COSM_SCENE_ADS] = pol.scenes[COSM_SCENE_ABUSE] = true;
    cosm_result_t *r = calloc(1, sizeof(*r));
    r->sections = calloc(2, sizeof(*r->sections));
    r->n_sections = 2;
    assert_int_equal(cosm_score_section(&pol, NULL, &h, &r->sections[1]), 0);
    cosm_section_t *sec = &r->sections[1];
    assert_int_equal(sec->result, COSM_RESULT_VIOLATING);
    assert_string_equal(sec->label, "Ads");
    assert_int_equal(sec->info[COSM_SCENE_ADS].n_keywords, 2);
    assert_string_equal(sec->info[COSM_SCENE_ADS].label, "beta");
    assert_int_equal(sec->info[COSM_SCENE_ADS].n_libs, 1);
    assert_int_equal(sec->info[COSM_SCENE_ADS].libs[0].n_keywords, 2);
    assert_int_equal(sec->info[COSM_SCENE_PORN].hit_flag, COSM_RESULT_SUSPECTED);
    assert_true(sec->info[COSM_SCENE_ABUSE].audited);
    assert_int_equal(sec->info[COSM_SCENE_ABUSE].score, 0);
    assert_false(sec->info[COSM_SCENE_TEENAGER].audited);
    cosm_hits_t none = {0};
    assert_int_equal(cosm_score_section(&pol, NULL, &none, &r->sections[0]), 0);
    assert_string_equal(r->sections[0].label, "Normal");
    assert_int_equal(r->sections[0].result, COSM_RESULT_NORMAL);

    /* Job: worst over sections. */
    assert_int_equal(cosm_score_job(&pol, r), 0);
    assert_int_equal(r->result, COSM_RESULT_VIOLATING);
    assert_string_equal(r->label, "Ads");
    assert_string_equal(r->sub_label, "Sub");
    assert_int_equal(r->info[COSM_SCENE_ADS].score, 93);
    assert_int_equal(r->info[COSM_SCENE_PORN].hit_flag, COSM_RESULT_SUSPECTED);

    /* Stricter thresholds turn Porn 76 into a violation: worst = the higher score. */
    cosm_policy_t strict = pol;
    strict.violate_from = 70;
    cosm_result_t *r2 = calloc(1, sizeof(*r2));
    r2->sections = calloc(1, sizeof(*r2->sections));
    r2->n_sections = 1;
    cosm_score_section(&strict, NULL, &h, &r2->sections[0]);
    assert_string_equal(r2->sections[0].label, "Ads");
    cosm_hits_t porn_only = {0};
    cosm_hits_add(&porn_only, &a, &lib, 0.8);
    cosm_hits_add(&porn_only, &c, &lib, 1.0);
    cosm_section_t s2 = {0};
    cosm_score_section(&strict, NULL, &porn_only, &s2);
    assert_string_equal(s2.label, "Porn");
    assert_int_equal(s2.result, COSM_RESULT_VIOLATING);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        cosm_scene_info_clear(&s2.info[k]);
    free(s2.sub_label);
    cosm_hits_clear(&porn_only);
    cosm_result_free(r2);

    /* Lists: allow clears the job Result, block forces it. */
    r->list_hits = calloc(1, sizeof(*r->list_hits));
    r->list_hits[0] = (cosm_list_hit_t){0, strdup("vip"), strdup("user-1")};
    r->n_list_hits = 1;
    assert_int_equal(cosm_score_job(&pol, r), 0);
    assert_int_equal(r->result, COSM_RESULT_NORMAL);
    r->list_hits[0].list_type = 1;
    cosm_result_t *clean = calloc(1, sizeof(*clean));
    clean->list_hits = r->list_hits;
    clean->n_list_hits = 1;
    r->list_hits = NULL;
    r->n_list_hits = 0;
    assert_int_equal(cosm_score_job(&pol, clean), 0);
    assert_int_equal(clean->result, COSM_RESULT_VIOLATING);
    cosm_result_free(clean);

    /* JSON of the job (scored again without the list hit). */
    assert_int_equal(cosm_score_job(&pol, r), 0);
    assert_int_equal(r->result, COSM_RESULT_VIOLATING);
    r->audio_text = strdup("alpha beta");
    r->sections[1].text = strdup("alpha beta");
    r->sections[1].offset_ms = 5000;
    r->sections[1].duration_ms = 4000;
    cJSON *j = cosm_result_to_json(r, false);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "State")->valuestring, "Success");
    assert_string_equal(cJSON_GetObjectItem(j, "Label")->valuestring, "Ads");
    assert_int_equal(cJSON_GetObjectItem(j, "Result")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItem(j, "AudioText")->valuestring, "alpha beta");
    assert_non_null(cJSON_GetObjectItem(j, "PornInfo"));
    assert_non_null(cJSON_GetObjectItem(j, "AbuseInfo"));
    assert_null(cJSON_GetObjectItem(j, "TeenagerInfo")); /* not audited */
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "AdsInfo"), "Score")->valueint, 93);
    cJSON *secs = cJSON_GetObjectItem(j, "Section");
    assert_int_equal(cJSON_GetArraySize(secs), 2);
    cJSON *s1 = cJSON_GetArrayItem(secs, 1);
    assert_int_equal(cJSON_GetObjectItem(s1, "OffsetTime")->valueint, 5000);
    assert_int_equal(cJSON_GetObjectItem(s1, "Duration")->valueint, 4000);
    assert_string_equal(cJSON_GetObjectItem(s1, "Label")->valuestring, "Ads");
    cJSON *ads = cJSON_GetObjectItem(s1, "AdsInfo");
    assert_int_equal(cJSON_GetObjectItem(ads, "HitFlag")->valueint, 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ads, "Keywords")), 2);
    cJSON *lr = cJSON_GetArrayItem(cJSON_GetObjectItem(ads, "LibResults"), 0);
    assert_int_equal(cJSON_GetObjectItem(lr, "LibType")->valueint, 2);
    assert_string_equal(cJSON_GetObjectItem(lr, "LibName")->valuestring, "L");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(secs, 0), "AdsInfo"),
                                    "Keywords"));
    assert_null(cJSON_GetObjectItem(j, "ListInfo"));
    cJSON_Delete(j);
    j = cosm_result_to_json(r, true); /* CallbackType 2: violating sections only */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "Section")), 1);
    cJSON_Delete(j);

    cosm_error_t err = {COSM_ERR_DECODE, "cannot decode"};
    j = cosm_error_to_json(&err);
    assert_string_equal(cJSON_GetObjectItem(j, "State")->valuestring, "Failed");
    assert_string_equal(cJSON_GetObjectItem(j, "Code")->valuestring, "-65007");
    assert_string_equal(cJSON_GetObjectItem(j, "Message")->valuestring, "cannot decode");
    cJSON_Delete(j);
    cosm_result_free(r);
    cosm_hits_clear(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),        cmocka_unit_test(test_library_file),
        cmocka_unit_test(test_system_libraries), cmocka_unit_test(test_config),
        cmocka_unit_test(test_phone_distance),   cmocka_unit_test(test_match),
        cmocka_unit_test(test_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
