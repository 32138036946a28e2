/* test_cosm_speech: the engine end to end on speech generated at test time (Festival voices
 * cmu_us_slt_arctic_hts and kal_diphone, espeak-ng): each scene flagged with its keywords, clean
 * speech normal, a mixed file flagged only in its second section with the right OffsetTime, the
 * same verdict from mp3/ogg/flac/m4a/mp4, silence, white noise, job failures, lists, custom
 * libraries, section clips, and one engine shared by two worker threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosm_corpus.h"
#include "cosm_internal.h"
#include "cosm_testaudio.h"

#include <libavutil/log.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static cosm_engine_t *engine;
static cosm_worker_t *worker;

static const char *conf_json =
    "{\"section\":{\"max_ms\":8000},"
    "\"libraries\":[{\"name\":\"zoo-words\",\"scene\":\"Ads\",\"entries\":["
    "{\"keyword\":\"purple elephant\",\"sub_label\":\"Brand\",\"weight\":95}]}],"
    "\"lists\":[{\"name\":\"banned-users\",\"type\":\"block\",\"entities\":[\"user-666\"]},"
    "{\"name\":\"trusted\",\"type\":\"allow\",\"entities\":[\"user-1\"]}],"
    "\"policies\":[{\"biz_type\":\"zoo\",\"scenes\":[\"Ads\"],\"system_libraries\":false,"
    "\"libraries\":[\"zoo-words\"]},{\"biz_type\":\"nothing\",\"scenes\":[]}]}";

static int setup(void **state)
{
    (void)state;
    av_log_set_level(AV_LOG_QUIET);
    dir = ta_tempdir();
    cJSON *c = cJSON_Parse(conf_json);
    cosm_error_t err = {0};
    engine = cosm_engine_new(c, COSM_TEST_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    if (!engine || !dir) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    worker = cosm_worker_new(engine, &err);
    if (!worker)
        fprintf(stderr, "setup: %s\n", err.message);
    return worker ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    cosm_worker_free(worker);
    cosm_engine_free(engine);
    ta_rmtree(dir);
    free(dir);
    return 0;
}

/* Speaks text with a voice into dir/name (any extension ffmpeg can write). */
static void say(const char *voice, const char *text, const char *name, char *out, size_t len)
{
    char wav[700];
    snprintf(wav, sizeof(wav), "%s/%s.src.wav", dir, name);
    assert_true(ta_say(dir, voice, text, wav));
    snprintf(out, len, "%s/%s", dir, name);
    if (strstr(name, ".wav"))
        assert_int_equal(ta_run("sox '%s' -r 16000 -c 1 '%s'", wav, out), 0);
    else
        assert_true(ta_ffmpeg(wav, "", out));
}

static cosm_result_t *moderate(const char *path, const char *biz)
{
    cosm_request_t req = {.biz_type = biz};
    cosm_result_t *r = NULL;
    cosm_error_t err = {0};
    int rc = cosm_moderate_file(worker, path, &req, &r, &err);
    if (rc != COSM_OK)
        print_error("%s: %s\n", path, err.message);
    assert_int_equal(rc, COSM_OK);
    return r;
}

static const cosm_sentence_t *first_of(int scene, int nth)
{
    for (size_t i = 0; i < cosm_corpus_len; i++)
        if (cosm_corpus[i].scene == scene && nth-- == 0)
            return &cosm_corpus[i];
    return NULL;
}

static void check_flagged(const cosm_result_t *r, int scene, const char *what)
{
    if (r->info[scene].hit_flag == 0 || strcmp(r->label, cosm_scene_name((cosm_scene_t)scene)) != 0)
        print_error("%s: expected %s, got %s (\"%s\")\n", what,
                    cosm_scene_name((cosm_scene_t)scene), r->label, r->audio_text);
    assert_string_equal(r->label, cosm_scene_name((cosm_scene_t)scene));
    assert_int_not_equal(r->result, COSM_RESULT_NORMAL);
    assert_int_not_equal(r->info[scene].hit_flag, COSM_RESULT_NORMAL);
    assert_true(r->info[scene].score >= 61);
    assert_true(r->info[scene].n_keywords >= 1);
    /* The section that carries the verdict lists the keyword found in its own text. */
    bool found = false;
    for (size_t s = 0; s < r->n_sections && !found; s++) {
        const cosm_scene_info_t *i = &r->sections[s].info[scene];
        found = i->hit_flag != 0 && i->n_keywords > 0 && i->n_libs == 1 && i->libs[0].lib_type == 1;
    }
    assert_true(found);
}

static void scenes_for_voice(const char *voice)
{
    for (int sc = 0; sc < COSM_SCENE_COUNT; sc++) {
        const cosm_sentence_t *s = first_of(sc, 0);
        char path[800], name[64];
        snprintf(name, sizeof(name), "%s-scene%d.wav", voice, sc);
        say(voice, s->text, name, path, sizeof(path));
        cosm_result_t *r = moderate(path, NULL);
        check_flagged(r, sc, s->text);
        cosm_result_free(r);
    }
}

static void test_scenes_slt(void **st)
{
    (void)st;
    scenes_for_voice("slt");
}
static void test_scenes_kal(void **st)
{
    (void)st;
    scenes_for_voice("kal");
}

static void test_clean_speech(void **st)
{
    (void)st;
    static const char *const voices[] = {"slt", "kal"};
    for (int v = 0; v < 2; v++)
        for (int k = 0; k < 3; k++) {
            const cosm_sentence_t *s = first_of(-1, k);
            char path[800], name[64];
            snprintf(name, sizeof(name), "%s-clean%d.wav", voices[v], k);
            say(voices[v], s->text, name, path, sizeof(path));
            cosm_result_t *r = moderate(path, NULL);
            if (r->result != 0)
                print_error("clean \"%s\" flagged %s (\"%s\")\n", s->text, r->label, r->audio_text);
            assert_int_equal(r->result, COSM_RESULT_NORMAL);
            assert_string_equal(r->label, "Normal");
            assert_true(r->n_sections >= 1);
            assert_true(strlen(r->audio_text) > 10);
            for (int sc = 0; sc < COSM_SCENE_COUNT; sc++) {
                assert_true(r->info[sc].audited);
                assert_int_equal(r->info[sc].n_keywords, 0);
            }
            cosm_result_free(r);
        }
}

/* Clean speech, a 1.5 s pause, then a violating sentence: with 8 s sections only the last
 * section is flagged, and it starts where the violating speech starts. */
static void test_mixed_file(void **st)
{
    (void)st;
    char a[800], b[800], c[800], mixed[800];
    say("slt", first_of(-1, 0)->text, "mix-a.wav", a, sizeof(a));
    say("slt", first_of(-1, 1)->text, "mix-b.wav", b, sizeof(b));
    say("slt", first_of(COSM_SCENE_TERRORISM, 0)->text, "mix-c.wav", c, sizeof(c));
    snprintf(mixed, sizeof(mixed), "%s/mixed.mp3", dir);
    char joined[820];
    snprintf(joined, sizeof(joined), "%s.joined.wav", mixed);
    assert_int_equal(ta_run("cd '%s' && sox -n -r 16000 -c 1 -b 16 gap04.wav trim 0 0.4 && "
                            "sox -n -r 16000 -c 1 -b 16 gap15.wav trim 0 1.5 && "
                            "sox '%s' gap04.wav '%s' gap15.wav '%s' '%s' && "
                            "ffmpeg -nostdin -loglevel error -y -i '%s' '%s'",
                            dir, a, b, c, joined, joined, mixed),
                     0);
    long clean_ms = ta_duration_ms(a) + 400 + ta_duration_ms(b) + 1500;
    cosm_result_t *r = moderate(mixed, NULL);
    assert_string_equal(r->label, "Terrorism");
    assert_true(r->n_sections >= 2);
    cosm_section_t *last = &r->sections[r->n_sections - 1];
    assert_string_equal(last->label, "Terrorism");
    assert_int_not_equal(last->result, COSM_RESULT_NORMAL);
    /* Festival leaves some silence at both ends of its output: the section starts in the pause
     * before the violating sentence, no later than its first word. */
    assert_in_range(last->offset_ms, clean_ms - 1500, clean_ms + 400);
    assert_true(last->n_words > 0);
    assert_true(last->words[0].start_ms >= last->offset_ms);
    assert_true(last->words[last->n_words - 1].end_ms <= last->offset_ms + last->duration_ms);
    for (size_t s = 0; s + 1 < r->n_sections; s++) {
        assert_int_equal(r->sections[s].result, COSM_RESULT_NORMAL);
        assert_true(r->sections[s].offset_ms + r->sections[s].duration_ms <= last->offset_ms);
        assert_true(r->sections[s].duration_ms <= 8000);
    }
    /* The keyword's word time lies in the flagged section. */
    bool word_found = false;
    for (size_t k = 0; k < last->n_words; k++)
        word_found = word_found || strcmp(last->words[k].word, "bomb") == 0 ||
                     strcmp(last->words[k].word, "terrorist") == 0;
    assert_true(word_found);
    cosm_result_free(r);
}

static void test_formats_same_verdict(void **st)
{
    (void)st;
    static const char *const names[] = {"f.mp3", "f.ogg", "f.flac", "f.m4a"};
    const char *text = first_of(COSM_SCENE_ADS, 0)->text;
    for (size_t i = 0; i < 4; i++) {
        char path[800];
        say("kal", text, names[i], path, sizeof(path));
        cosm_result_t *r = moderate(path, NULL);
        check_flagged(r, COSM_SCENE_ADS, names[i]);
        cosm_result_free(r);
    }
    /* The audio track of a video. */
    char src[800], mp4[800];
    say("kal", text, "v.wav", src, sizeof(src));
    snprintf(mp4, sizeof(mp4), "%s/v.mp4", dir);
    assert_int_equal(
        ta_run("ffmpeg -nostdin -loglevel error -y -f lavfi -i color=c=black:s=64x64:d=6 -i '%s' "
               "-c:v mpeg4 -c:a aac -shortest '%s'",
               src, mp4),
        0);
    cosm_result_t *r = moderate(mp4, NULL);
    check_flagged(r, COSM_SCENE_ADS, "mp4");
    cosm_result_free(r);
}

static void test_espeak_runs(void **st)
{
    (void)st;
    /* espeak-ng is much harder for the recogniser: only assert a complete, well-formed run. */
    char path[800];
    say("espeak", first_of(-1, 2)->text, "esp.wav", path, sizeof(path));
    cosm_result_t *r = moderate(path, NULL);
    assert_true(r->n_sections >= 1);
    assert_in_range(r->duration_ms, 2000, 8000);
    assert_true(r->result == 0 || r->result == 1 || r->result == 2);
    cosm_result_free(r);
}

static void test_silence_and_noise(void **st)
{
    (void)st;
    char p[800];
    snprintf(p, sizeof(p), "%s/silence.wav", dir);
    assert_int_equal(ta_run("sox -n -r 16000 -c 1 '%s' trim 0 4", p), 0);
    cosm_result_t *r = moderate(p, NULL);
    assert_int_equal(r->result, COSM_RESULT_NORMAL);
    assert_string_equal(r->label, "Normal");
    assert_int_equal(r->n_sections, 0);
    assert_string_equal(r->audio_text, "");
    assert_in_range(r->duration_ms, 3990, 4010);
    cosm_result_free(r);
    snprintf(p, sizeof(p), "%s/noise.mp3", dir);
    assert_int_equal(ta_run("sox -n -r 44100 -c 2 '%s.wav' synth 5 whitenoise vol 0.5 && "
                            "ffmpeg -nostdin -loglevel error -y -i '%s.wav' '%s'",
                            p, p, p),
                     0);
    r = moderate(p, NULL);
    assert_int_equal(r->result, COSM_RESULT_NORMAL);
    assert_string_equal(r->label, "Normal");
    cosm_result_free(r);
}

static void test_job_failures(void **st)
{
    (void)st;
    char p[800];
    cosm_result_t *r = NULL;
    cosm_error_t err = {0};
    snprintf(p, sizeof(p), "%s/zero.mp3", dir);
    FILE *f = fopen(p, "w");
    fclose(f);
    assert_int_equal(cosm_moderate_file(worker, p, NULL, &r, &err), COSM_ERR_DECODE);
    assert_null(r);
    snprintf(p, sizeof(p), "%s/notes.mp3", dir);
    f = fopen(p, "w");
    fputs("shopping list: eggs, milk, bread\n", f);
    fclose(f);
    assert_int_equal(cosm_moderate_file(worker, p, NULL, &r, &err), COSM_ERR_DECODE);
    assert_null(r);
    cJSON *j = cosm_error_to_json(&err);
    assert_string_equal(cJSON_GetObjectItem(j, "Code")->valuestring, "-65007");
    cJSON_Delete(j);
    cosm_request_t req = {.biz_type = "no-such-policy"};
    assert_int_equal(cosm_moderate_file(worker, p, &req, &r, &err), COSM_ERR_BIZTYPE);
    assert_non_null(strstr(err.message, "no-such-policy"));
    snprintf(p, sizeof(p), "%s/tone.wav", dir);
    assert_int_equal(ta_run("sox -n -r 16000 -c 1 '%s' synth 1 sine 300", p), 0);
    req.biz_type = "nothing";
    assert_int_equal(cosm_moderate_file(worker, p, &req, &r, &err), COSM_ERR_NO_SCENE);
    assert_null(r);
}

static void test_custom_library_lists_clips(void **st)
{
    (void)st;
    char path[800];
    say("slt", "We saw a purple elephant at the zoo, buy now.", "zoo.wav", path, sizeof(path));
    /* Policy "zoo": Ads only, custom library only ("buy now" of the system library is not used). */
    cosm_user_field_t user[] = {{"TokenId", "user-666"}, {"IP", "10.1.1.1"}};
    cosm_request_t req = {.biz_type = "zoo", .user_info = user, .n_user_info = 2};
    cosm_result_t *r = NULL;
    cosm_error_t err = {0};
    assert_int_equal(cosm_moderate_file(worker, path, &req, &r, &err), COSM_OK);
    assert_string_equal(r->label, "Ads");
    assert_false(r->info[COSM_SCENE_PORN].audited);
    const cosm_scene_info_t *ads = &r->info[COSM_SCENE_ADS];
    assert_int_equal(ads->n_keywords, 1);
    assert_string_equal(ads->keywords[0], "purple elephant");
    assert_int_equal(ads->n_libs, 1);
    assert_int_equal(ads->libs[0].lib_type, 2);
    assert_string_equal(ads->libs[0].lib_name, "zoo-words");
    assert_string_equal(r->sub_label, "Brand");
    assert_int_equal(r->n_list_hits, 1);
    assert_int_equal(r->list_hits[0].list_type, 1);
    assert_string_equal(r->list_hits[0].entity, "user-666");
    cJSON *j = cosm_result_to_json(r, false);
    assert_null(cJSON_GetObjectItem(j, "PornInfo"));
    cJSON *lr = cJSON_GetArrayItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "ListInfo"), "ListResults"), 0);
    assert_string_equal(cJSON_GetObjectItem(lr, "ListName")->valuestring, "banned-users");
    cJSON_Delete(j);
    /* Each section's clip is a WAV file holding exactly that section's audio. */
    assert_true(r->n_sections >= 1);
    for (size_t s = 0; s < r->n_sections; s++) {
        const cosm_section_t *sec = &r->sections[s];
        assert_non_null(sec->clip);
        char clip[820];
        snprintf(clip, sizeof(clip), "%s/clip%zu.wav", dir, s);
        FILE *f = fopen(clip, "wb");
        fwrite(sec->clip, 1, sec->clip_len, f);
        fclose(f);
        int16_t *pcm = NULL;
        size_t n = 0;
        assert_int_equal(cosm_decode_file(clip, &engine->limits, &pcm, &n, &err), COSM_OK);
        assert_in_range((long)(n / 16), sec->duration_ms - 1, sec->duration_ms + 1);
        free(pcm);
    }
    cosm_result_free(r);
    /* The allow list clears the job's Result; the scene verdict stays visible. */
    user[0].value = "user-1";
    assert_int_equal(cosm_moderate_file(worker, path, &req, &r, &err), COSM_OK);
    assert_int_equal(r->result, COSM_RESULT_NORMAL);
    assert_int_not_equal(r->info[COSM_SCENE_ADS].hit_flag, 0);
    assert_int_equal(r->list_hits[0].list_type, 0);
    cosm_result_free(r);
}

typedef struct par {
    const char *path;
    char *text;
    const char *label;
    int rc;
} par_t;

static void *par_run(void *arg)
{
    par_t *p = arg;
    cosm_error_t err = {0};
    cosm_worker_t *w = cosm_worker_new(engine, &err);
    p->rc = w ? COSM_OK : err.code;
    for (int i = 0; w && i < 2 && p->rc == COSM_OK; i++) {
        cosm_result_t *r = NULL;
        p->rc = cosm_moderate_file(w, p->path, NULL, &r, &err);
        if (p->rc == COSM_OK) {
            free(p->text);
            p->text = strdup(r->audio_text);
            p->label = r->label;
        }
        cosm_result_free(r);
    }
    cosm_worker_free(w);
    return NULL;
}

/* One engine shared by two worker threads at once gives each the same verdict as one worker alone.
 */
static void test_shared_engine_two_threads(void **st)
{
    (void)st;
    char path[800];
    say("slt", first_of(COSM_SCENE_ILLEGAL, 0)->text, "par.wav", path, sizeof(path));
    cosm_result_t *ref = moderate(path, NULL);
    par_t p[2] = {{path, NULL, NULL, -1}, {path, NULL, NULL, -1}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, par_run, &p[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(p[i].rc, COSM_OK);
        assert_string_equal(p[i].label, ref->label);
        assert_string_equal(p[i].text, ref->audio_text);
        free(p[i].text);
    }
    assert_string_equal(ref->label, "Illegal");
    cosm_result_free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenes_slt),
        cmocka_unit_test(test_scenes_kal),
        cmocka_unit_test(test_clean_speech),
        cmocka_unit_test(test_mixed_file),
        cmocka_unit_test(test_formats_same_verdict),
        cmocka_unit_test(test_espeak_runs),
        cmocka_unit_test(test_silence_and_noise),
        cmocka_unit_test(test_job_failures),
        cmocka_unit_test(test_custom_library_lists_clips),
        cmocka_unit_test(test_shared_engine_two_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
