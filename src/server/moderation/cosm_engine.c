/* cosm_engine: builds the shared engine (defaults + configuration + libraries) and runs one
 * moderation: decode, split into sections, recognise each section, match the policy's keywords,
 * score, attach clips, then the job-level verdict and account list hits. */
#include "cosm_classifier.h"
#include "cosm_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef COSM_LIBRARY_DIR
#define COSM_LIBRARY_DIR "/usr/local/share/cos/moderation"
#endif
#ifndef COSM_MODEL_DIR
#define COSM_MODEL_DIR "/usr/share/pocketsphinx/model/en-us"
#endif

const char *cosm_default_library_dir(void)
{
    return COSM_LIBRARY_DIR;
}

cosm_engine_t *cosm_engine_new(const cJSON *conf, const char *library_dir, cosm_error_t *err)
{
    cosm_engine_t *e = calloc(1, sizeof(*e));
    if (!e) {
        cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    e->sections = (cosm_section_conf_t){15000, 300, 150};
    e->limits = (cosm_limits_t){600LL * 1024 * 1024, 3LL * 3600 * 1000};
    e->clips = true;
    e->asr.hmm = cosm_strdup(COSM_MODEL_DIR "/en-us");
    e->asr.lm = cosm_strdup(COSM_MODEL_DIR "/en-us.lm.bin");
    e->asr.dict = cosm_strdup(COSM_MODEL_DIR "/cmudict-en-us.dict");
    e->asr.max_hmm_per_frame = 2000;
    e->asr.match = COSM_MATCH_PHONES;
    e->asr.kws_threshold = 1e-20;
    const char *dir = library_dir ? library_dir : "";
    int rc = (!e->asr.hmm || !e->asr.lm || !e->asr.dict)
                 ? cosm_fail(err, COSM_ERR_INTERNAL, "out of memory")
                 : cosm_config_apply(e, conf, &dir, err);
    if (rc != COSM_OK) {
        cosm_engine_free(e);
        return NULL;
    }
    cosm_asr_quiet();
    return e;
}

void cosm_engine_free(cosm_engine_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_libs; i++)
        cosm_library_clear(&e->libs[i]);
    for (size_t i = 0; i < e->n_lists; i++)
        cosm_list_clear(&e->lists[i]);
    for (size_t i = 0; i < e->n_policies; i++)
        cosm_policy_clear(&e->policies[i]);
    free(e->libs);
    free(e->lists);
    free(e->policies);
    free(e->asr.hmm);
    free(e->asr.lm);
    free(e->asr.dict);
    for (size_t i = 0; i < e->asr.n_options; i++)
        free(e->asr.options[i]);
    free(e->asr.options);
    cosm_classifier_free(e->clf);
    free(e);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void section_clear(cosm_section_t *s)
{
    free(s->text);
    for (size_t i = 0; i < s->n_words; i++)
        free(s->words[i].word);
    free(s->words);
    free(s->sub_label);
    free(s->clip);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        cosm_scene_info_clear(&s->info[k]);
}

void cosm_result_free(cosm_result_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_sections; i++)
        section_clear(&r->sections[i]);
    free(r->sections);
    for (size_t i = 0; i < r->n_list_hits; i++) {
        free(r->list_hits[i].list_name);
        free(r->list_hits[i].entity);
    }
    free(r->list_hits);
    free(r->sub_label);
    free(r->audio_text);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        cosm_scene_info_clear(&r->info[k]);
    free(r);
}

/* Copies the recognised words (absolute times) and the section text. */
static int fill_words(cosm_section_t *s, const cosm_hyp_t *h)
{
    cosm_str_t text = {0};
    s->words = calloc(h->n ? h->n : 1, sizeof(*s->words));
    if (!s->words)
        return -1;
    for (size_t i = 0; i < h->n; i++) {
        if (!(s->words[i].word = cosm_strdup(h->w[i].word)))
            return -1;
        s->n_words++;
        s->words[i].start_ms = s->offset_ms + h->w[i].start_ms;
        s->words[i].end_ms = s->offset_ms + h->w[i].end_ms;
        if (text.len)
            cosm_str_puts(&text, " ");
        cosm_str_puts(&text, h->w[i].word);
    }
    s->text = cosm_str_take(&text);
    return s->text ? 0 : -1;
}

static int match_lists(const cosm_engine_t *e, const cosm_policy_t *pol, const cosm_request_t *req,
                       cosm_result_t *r)
{
    for (size_t i = 0; i < pol->n_lists; i++) {
        const cosm_list_t *l = &e->lists[pol->lists[i]];
        for (size_t k = 0; k < l->n_entities; k++) {
            bool hit = false;
            for (size_t u = 0; u < req->n_user_info && !hit; u++)
                hit =
                    req->user_info[u].value && strcmp(req->user_info[u].value, l->entities[k]) == 0;
            if (!hit)
                continue;
            cosm_list_hit_t *p = realloc(r->list_hits, (r->n_list_hits + 1) * sizeof(*p));
            if (!p)
                return -1;
            r->list_hits = p;
            p[r->n_list_hits++] =
                (cosm_list_hit_t){l->list_type, cosm_strdup(l->name), cosm_strdup(l->entities[k])};
            if (!p[r->n_list_hits - 1].list_name || !p[r->n_list_hits - 1].entity)
                return -1;
        }
    }
    return 0;
}

static int run_section(cosm_worker_t *w, const cosm_policy_t *pol, const cosm_kwtable_t *kw,
                       const int16_t *pcm, const cosm_span_t *span, cosm_section_t *s,
                       double *asr_s, cosm_error_t *err)
{
    const cosm_engine_t *e = w->engine;
    s->offset_ms = (int64_t)(span->start / (COSM_RATE / 1000));
    s->duration_ms = (int64_t)((span->end - span->start) / (COSM_RATE / 1000));
    cosm_hyp_t hyp;
    double t0 = now_s();
    int rc = cosm_asr_recognize(w, pol, pcm + span->start, span->end - span->start, &hyp, err);
    *asr_s += now_s() - t0;
    if (rc != COSM_OK)
        return rc;
    cosm_hits_t hits = {0};
    if (fill_words(s, &hyp) < 0 || cosm_match_section(kw, &hyp, e->asr.match, &hits) < 0 ||
        cosm_score_section(pol, e->clf, &hits, s) < 0)
        rc = cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    cosm_hits_clear(&hits);
    cosm_hyp_clear(&hyp);
    if (rc == COSM_OK && e->clips) {
        s->clip = cosm_wav_bytes(pcm + span->start, span->end - span->start, &s->clip_len);
        if (!s->clip)
            rc = cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    return rc;
}

int cosm_moderate_pcm(cosm_worker_t *w, const int16_t *pcm, size_t n, const cosm_request_t *req,
                      cosm_result_t **out, cosm_error_t *err)
{
    static const cosm_request_t none = {0};
    const cosm_engine_t *e = w->engine;
    double t0 = now_s();
    *out = NULL;
    if (!req)
        req = &none;
    const cosm_policy_t *pol = cosm_find_policy(e, req->biz_type);
    if (!pol)
        return cosm_fail(err, COSM_ERR_BIZTYPE,
                         "BizType '%s' is not configured (moderation.policies)", req->biz_type);
    bool any = false;
    for (int s = 0; s < COSM_SCENE_COUNT; s++)
        any = any || pol->scenes[s];
    if (!any)
        return cosm_fail(err, COSM_ERR_NO_SCENE, "the policy of BizType '%s' audits no scene",
                         pol->biz_type);

    cosm_result_t *r = calloc(1, sizeof(*r));
    cosm_span_t *spans = NULL;
    cosm_kwtable_t kw = {0};
    long ns = r ? cosm_split_sections(pcm, n, &e->sections, &spans) : -1;
    int rc = COSM_OK;
    if (ns < 0 || cosm_kwtable_build(w, e, pol, &kw) < 0 ||
        !(r->sections = calloc(ns > 0 ? (size_t)ns : 1, sizeof(*r->sections))))
        rc = cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    if (r)
        r->duration_ms = (int64_t)(n / (COSM_RATE / 1000));
    cosm_str_t text = {0};
    for (long i = 0; rc == COSM_OK && i < ns; i++) {
        cosm_section_t *s = &r->sections[r->n_sections++];
        rc = run_section(w, pol, &kw, pcm, &spans[i], s, &r->asr_seconds, err);
        if (rc == COSM_OK && s->text[0]) {
            if (text.len)
                cosm_str_puts(&text, " ");
            cosm_str_puts(&text, s->text);
        }
    }
    if (rc == COSM_OK && (!(r->audio_text = cosm_str_take(&text)) ||
                          match_lists(e, pol, req, r) < 0 || cosm_score_job(pol, r) < 0))
        rc = cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    free(text.s);
    free(spans);
    cosm_kwtable_clear(&kw);
    if (rc != COSM_OK) {
        cosm_result_free(r);
        return rc;
    }
    r->total_seconds = now_s() - t0;
    *out = r;
    return COSM_OK;
}

int cosm_moderate_file(cosm_worker_t *w, const char *path, const cosm_request_t *req,
                       cosm_result_t **out, cosm_error_t *err)
{
    *out = NULL;
    const cosm_policy_t *pol = cosm_find_policy(w->engine, req ? req->biz_type : NULL);
    if (!pol) /* fail before decoding a possibly long file */
        return cosm_fail(err, COSM_ERR_BIZTYPE,
                         "BizType '%s' is not configured (moderation.policies)", req->biz_type);
    double t0 = now_s();
    int16_t *pcm = NULL;
    size_t n = 0;
    int rc = cosm_decode_file(path, &w->engine->limits, &pcm, &n, err);
    if (rc != COSM_OK)
        return rc;
    rc = cosm_moderate_pcm(w, pcm, n, req, out, err);
    free(pcm);
    if (rc == COSM_OK)
        (*out)->total_seconds = now_s() - t0;
    return rc;
}
