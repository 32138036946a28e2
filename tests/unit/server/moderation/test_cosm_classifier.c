/* Tests of the trained judging stage: the build's model is what cosm-train makes again (same
 * bytes), calibration is monotonic on the documented bands, any text gets a verdict, a library hit
 * still forces its scene, an allow list still clears, and model-file errors refuse the engine. */
#include "cosm_classifier.h"
#include "cosm_internal.h"
#include "cosm_testaudio.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define MODEL COSM_TEST_LIBRARY_DIR "/classifier.model"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    *len = (size_t)n;
    return b;
}

static void spit(const char *path, const char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void test_trainer_deterministic(void **st)
{
    (void)st;
    char *dir = ta_tempdir();
    char out[600];
    snprintf(out, sizeof(out), "%s/again.model", dir);
    assert_int_equal(ta_run("'%s' -o '%s' --libraries '%s' %s", COSM_TRAIN_BIN, out,
                            COSM_TEST_LIBRARY_DIR, COSM_TEST_CORPUS_FILES),
                     0);
    size_t a, b;
    char *x = slurp(MODEL, &a), *y = slurp(out, &b);
    assert_int_equal(a, b);
    assert_memory_equal(x, y, a);
    free(x);
    free(y);
    ta_rmtree(dir);
    free(dir);
}

static void test_calibration_monotonic(void **st)
{
    (void)st;
    cosm_error_t err = {0};
    cosm_classifier_t *c = cosm_classifier_load(MODEL, &err);
    assert_non_null(c);
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        double sp = c->suspect_p[s], vp = c->violate_p[s];
        assert_true(sp > 0 && sp <= vp && vp < 1);
        int prev = -1;
        for (int i = 0; i <= 10000; i++) {
            int sc = cosm_calibrated_score(i / 10000.0, sp, vp);
            assert_true(sc >= prev);
            assert_in_range(sc, 0, 100);
            prev = sc;
        }
        assert_true(cosm_calibrated_score(nextafter(sp, 0), sp, vp) <= 60);
        assert_in_range(cosm_calibrated_score(sp, sp, vp), 61, 90);
        assert_true(cosm_calibrated_score(vp, sp, vp) >= 91);
        assert_int_equal(cosm_calibrated_score(1.0, sp, vp), 100);
    }
    assert_int_equal(cosm_calibrated_score(-1, 0.5, 0.8), 0);
    assert_int_equal(cosm_calibrated_score(0.0 / 0.0, 0.5, 0.8), 0);
    cosm_classifier_free(c);
}

static void test_any_text(void **st)
{
    (void)st;
    cosm_error_t err = {0};
    cosm_classifier_t *c = cosm_classifier_load(MODEL, &err);
    assert_non_null(c);
    double p[COSM_SCENE_COUNT + 1];
    /* Empty, one word, 10,000 words, non-ASCII bytes, a 5,000-letter token. */
    size_t big = 10000 * 7;
    char *longtext = malloc(big + 1), *token = malloc(5001);
    for (size_t i = 0; i < 10000; i++)
        memcpy(longtext + i * 7, i % 2 ? "money " : "words ", 6), longtext[i * 7 + 6] = 'x';
    longtext[big] = '\0';
    memset(token, 'q', 5000);
    token[5000] = '\0';
    const char *texts[] = {"", "hello", longtext, "caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xff\xfe",
                           token};
    for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
        assert_int_equal(cosm_classifier_probs(c, texts[t], p), 0);
        for (int s = 0; s <= COSM_SCENE_COUNT; s++)
            assert_true(p[s] >= 0 && p[s] <= 1);
        char *w[3];
        size_t n = cosm_classifier_explain(c, COSM_SCENE_ADS, texts[t], w, 3);
        assert_true(n <= 3);
        for (size_t i = 0; i < n; i++)
            free(w[i]);
        (void)cosm_classifier_sub_label(c, COSM_SCENE_ADS, texts[t]);
    }
    free(longtext);
    free(token);
    cosm_classifier_free(c);
}

/* Scores a text as a section recognised as exactly those words. */
static void judge(cosm_engine_t *e, const char *text, cosm_section_t *sec)
{
    cosm_kwtable_t kw = {0};
    assert_int_equal(cosm_kwtable_build(NULL, e, &e->policies[0], &kw), 0);
    assert_int_equal(cosm_judge_text(e, &e->policies[0], &kw, text, sec), 0);
    cosm_kwtable_clear(&kw);
}

static cosm_engine_t *engine(const char *json)
{
    cJSON *c = cJSON_Parse(json);
    assert_non_null(c);
    cosm_error_t err = {0};
    cosm_engine_t *e = cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    if (!e)
        fail_msg("%s", err.message);
    return e;
}

static void test_library_forces_and_allow_list_clears(void **st)
{
    (void)st;
    cosm_engine_t *e =
        engine("{\"libraries\":[{\"name\":\"zoo\",\"scene\":\"Ads\",\"entries\":[{\"keyword\":"
               "\"purple giraffe\",\"sub_label\":\"Brand\",\"weight\":95}]}],"
               "\"lists\":[{\"name\":\"trusted\",\"type\":\"allow\",\"entities\":[\"u-1\"]}],"
               "\"default_policy\":{\"libraries\":[\"zoo\"]}}");
    assert_non_null(e->clf);
    cosm_result_t *r = calloc(1, sizeof(*r));
    r->sections = calloc(1, sizeof(*r->sections));
    r->n_sections = 1;
    judge(e, "we saw a purple giraffe at the zoo with grandma today", &r->sections[0]);
    const cosm_section_t *s = &r->sections[0];
    assert_int_equal(s->info[COSM_SCENE_ADS].hit_flag, COSM_RESULT_VIOLATING);
    assert_string_equal(s->label, "Ads");
    assert_string_equal(s->info[COSM_SCENE_ADS].label, "purple giraffe");
    assert_string_equal(s->info[COSM_SCENE_ADS].sub_label, "Brand");
    assert_int_equal(s->info[COSM_SCENE_ADS].n_libs, 1);
    assert_int_equal(s->info[COSM_SCENE_ADS].libs[0].lib_type, 2);
    assert_non_null(s->info[COSM_SCENE_ADS].stage);
    /* An allow-list hit clears the job's Result; the scene verdict stays as measured. */
    r->list_hits = calloc(1, sizeof(*r->list_hits));
    r->list_hits[0] = (cosm_list_hit_t){0, strdup("trusted"), strdup("u-1")};
    r->n_list_hits = 1;
    assert_int_equal(cosm_score_job(&e->policies[0], r), 0);
    assert_int_equal(r->result, COSM_RESULT_NORMAL);
    assert_int_equal(r->info[COSM_SCENE_ADS].hit_flag, COSM_RESULT_VIOLATING);
    cosm_result_free(r);
    cosm_engine_free(e);
}

static void clear_section(cosm_section_t *sec)
{
    free(sec->text);
    free(sec->sub_label);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        cosm_scene_info_clear(&sec->info[k]);
}

/* A system-library hit counts unless the model judged the section innocent (P(Normal) at or above
 * the model's clear_p); a custom-library hit counts either way. The threshold is set here to
 * "never" and "always" so the rule, not the model's reading of one sentence, is what is tested. */
static void test_innocent_context_sets_system_hits_aside(void **st)
{
    (void)st;
    cosm_engine_t *e =
        engine("{\"libraries\":[{\"name\":\"zoo\",\"scene\":\"Ads\",\"entries\":[{\"keyword\":"
               "\"purple giraffe\",\"sub_label\":\"Brand\",\"weight\":95}]}],"
               "\"default_policy\":{\"libraries\":[\"zoo\"]}}");
    assert_true(e->clf->clear_p > 0.5 && e->clf->clear_p < 1);
    const char *text = "the purple giraffe poster says cocaine";
    cosm_section_t sec;
    e->clf->clear_p = 1.0; /* never innocent: the system hit forces Illegal */
    judge(e, text, &sec);
    const cosm_scene_info_t *ill = &sec.info[COSM_SCENE_ILLEGAL], *ads = &sec.info[COSM_SCENE_ADS];
    assert_int_equal(ill->hit_flag, COSM_RESULT_VIOLATING);
    assert_string_equal(ill->stage, "Library");
    assert_string_equal(ill->label, "cocaine");
    assert_int_equal(ill->n_libs, 1);
    assert_int_equal(ill->libs[0].lib_type, 1);
    assert_int_equal(ads->hit_flag, COSM_RESULT_VIOLATING);
    clear_section(&sec);
    e->clf->clear_p = 1e-9; /* always innocent: the system hit is set aside, the custom one not */
    judge(e, text, &sec);
    assert_int_equal(ill->n_libs, 0);
    assert_string_equal(ill->stage, "Classifier");
    assert_int_equal(ads->hit_flag, COSM_RESULT_VIOLATING);
    assert_string_equal(ads->stage, "Library");
    assert_string_equal(ads->label, "purple giraffe");
    assert_int_equal(ads->libs[0].lib_type, 2);
    clear_section(&sec);
    cosm_engine_free(e);
}

static void test_stage_and_words(void **st)
{
    (void)st;
    cosm_engine_t *e = engine("{}");
    cosm_section_t sec;
    /* Whatever the verdict, every audited scene says which stage set its score, and a scene the
     * model flags without any library hit lists words of the text as its Keywords. */
    const char *text = "dm me on insta for the cheapest followers and likes use code fifty off";
    judge(e, text, &sec);
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        const cosm_scene_info_t *i = &sec.info[s];
        assert_non_null(i->stage);
        if (strcmp(i->stage, "Classifier") == 0 && i->hit_flag != COSM_RESULT_NORMAL) {
            assert_true(i->n_keywords >= 1);
            assert_int_equal(i->n_libs, 0);
            for (size_t k = 0; k < i->n_keywords; k++)
                assert_non_null(strstr(text, i->keywords[k]));
            assert_true(i->sub_label[0] != '\0');
        }
    }
    clear_section(&sec);
    cosm_engine_free(e);
}

static void expect_refused(const char *json, const char *needle)
{
    cJSON *c = cJSON_Parse(json);
    cosm_error_t err = {0};
    cosm_engine_t *e = cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    assert_null(e);
    assert_int_equal(err.code, COSM_ERR_CONFIG);
    if (!strstr(err.message, needle) || !strstr(err.message, "make"))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

static void test_model_errors(void **st)
{
    (void)st;
    char *dir = ta_tempdir();
    char p[600], json[800];
    size_t n;
    char *m = slurp(MODEL, &n);
    snprintf(json, sizeof(json), "{\"classifier\":\"%s/nope.model\"}", dir);
    expect_refused(json, "nope.model' is missing");
    /* Truncated: the trailer is gone. */
    snprintf(p, sizeof(p), "%s/short.model", dir);
    spit(p, m, n / 2);
    snprintf(json, sizeof(json), "{\"classifier\":\"%s\"}", p);
    expect_refused(json, "short.model");
    /* One weight altered: the checksum no longer matches. */
    char *w = strstr(m, "\nw\n");
    assert_non_null(w);
    char *digit = strpbrk(w + 3, "123456789");
    *digit = *digit == '9' ? '8' : (char)(*digit + 1);
    snprintf(p, sizeof(p), "%s/altered.model", dir);
    spit(p, m, n);
    snprintf(json, sizeof(json), "{\"classifier\":\"%s\"}", p);
    expect_refused(json, "checksum");
    /* Not a model at all; a wrong type in the configuration. */
    snprintf(p, sizeof(p), "%s/junk.model", dir);
    spit(p, "hello\n", 6);
    snprintf(json, sizeof(json), "{\"classifier\":\"%s\"}", p);
    expect_refused(json, "junk.model");
    cJSON *c = cJSON_Parse("{\"classifier\": 3}");
    cosm_error_t err = {0};
    assert_null(cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, &err));
    assert_non_null(strstr(err.message, "\"classifier\""));
    cJSON_Delete(c);
    /* "classifier": false is the explicit keyword-only engine. */
    c = cJSON_Parse("{\"classifier\": false}");
    cosm_engine_t *e = cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    assert_non_null(e);
    assert_null(e->clf);
    cosm_engine_free(e);
    free(m);
    ta_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trainer_deterministic),
        cmocka_unit_test(test_calibration_monotonic),
        cmocka_unit_test(test_innocent_context_sets_system_hits_aside),
        cmocka_unit_test(test_any_text),
        cmocka_unit_test(test_library_forces_and_allow_list_clears),
        cmocka_unit_test(test_stage_and_words),
        cmocka_unit_test(test_model_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
