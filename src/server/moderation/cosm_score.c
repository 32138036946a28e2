/* cosm_score: turns keyword hits into per-scene scores (0..100), HitFlag/Result with the policy's
 * bands (default 0-60 normal, 61-90 suspected, 91-100 violating), keyword and library lists, and
 * the worst-scene Label of a section and of the whole job. */
#include "cosm_classifier.h"
#include "cosm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The model sets system-library evidence aside only with a sentence's worth of context. */
#define CLEAR_MIN_WORDS 6

static size_t words_of(const char *t)
{
    size_t n = 0;
    for (const char *p = t; *p; p++)
        n += *p != ' ' && (p == t || p[-1] == ' ');
    return n;
}

/* Whether a hit counts: custom-library hits always; system-library hits unless the classifier
 * judged the section innocent in context. */
static bool counts(const cosm_hit_t *h, bool innocent)
{
    return !innocent || h->lib->lib_type != 1; /* LibType 1: system library, 2: custom */
}

static int score_of(const cosm_hits_t *hits, int scene, bool innocent)
{
    double keep = 1.0; /* probability that no hit is a real violation */
    for (size_t i = 0; i < hits->n; i++)
        if (hits->h[i].entry->scene == scene && counts(&hits->h[i], innocent))
            keep *= 1.0 - (hits->h[i].entry->weight / 100.0) * hits->h[i].confidence;
    int s = (int)lround(100.0 * (1.0 - keep));
    return s < 0 ? 0 : s > 100 ? 100 : s;
}

int cosm_scene_score(const cosm_hits_t *hits, int scene)
{
    return score_of(hits, scene, false);
}

int cosm_band(const cosm_policy_t *pol, int score)
{
    if (score >= pol->violate_from)
        return COSM_RESULT_VIOLATING;
    if (score >= pol->suspect_from)
        return COSM_RESULT_SUSPECTED;
    return COSM_RESULT_NORMAL;
}

/* Badness order: violating > suspected > normal. */
static int severity(int result)
{
    return result == COSM_RESULT_VIOLATING ? 2 : result == COSM_RESULT_SUSPECTED ? 1 : 0;
}

static int add_unique(char ***arr, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i], s) == 0)
            return 0;
    char **p = realloc(*arr, (*n + 1) * sizeof(*p));
    if (!p)
        return -1;
    *arr = p;
    if (!(p[*n] = cosm_strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static int add_lib_keyword(cosm_scene_info_t *info, int lib_type, const char *lib_name,
                           const char *kw)
{
    size_t i = 0;
    while (i < info->n_libs &&
           !(info->libs[i].lib_type == lib_type && strcmp(info->libs[i].lib_name, lib_name) == 0))
        i++;
    if (i == info->n_libs) {
        cosm_lib_result_t *p = realloc(info->libs, (info->n_libs + 1) * sizeof(*p));
        if (!p)
            return -1;
        info->libs = p;
        p[i] = (cosm_lib_result_t){.lib_type = lib_type, .lib_name = cosm_strdup(lib_name)};
        info->n_libs++;
        if (!p[i].lib_name)
            return -1;
    }
    return add_unique(&info->libs[i].keywords, &info->libs[i].n_keywords, kw);
}

static int set_str(char **dst, const char *s)
{
    char *c = cosm_strdup(s);
    if (!c)
        return -1;
    free(*dst);
    *dst = c;
    return 0;
}

/* Picks the worst audited scene of infos; -1 when every scene is normal. */
static int worst_scene(const cosm_scene_info_t *info)
{
    int best = -1;
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        if (!info[s].audited || info[s].hit_flag == COSM_RESULT_NORMAL)
            continue;
        if (best < 0 || severity(info[s].hit_flag) > severity(info[best].hit_flag) ||
            (severity(info[s].hit_flag) == severity(info[best].hit_flag) &&
             info[s].score > info[best].score))
            best = s;
    }
    return best;
}

#define EXPLAIN_WORDS 3

/* The classifier's verdict on a scene replaces the keyword one: label, sub-label, keywords. */
static int classifier_decides(const struct cosm_classifier *clf, int scene, const char *text,
                              cosm_scene_info_t *info)
{
    char *words[EXPLAIN_WORDS];
    size_t n = cosm_classifier_explain(clf, scene, text, words, EXPLAIN_WORDS);
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        if (rc == 0 && add_unique(&info->keywords, &info->n_keywords, words[i]) < 0)
            rc = -1;
    if (rc == 0 && (set_str(&info->label, n ? words[0] : "") < 0 ||
                    set_str(&info->sub_label, cosm_classifier_sub_label(clf, scene, text)) < 0))
        rc = -1;
    for (size_t i = 0; i < n; i++)
        free(words[i]);
    return rc;
}

int cosm_score_section(const cosm_policy_t *pol, const struct cosm_classifier *clf,
                       const cosm_hits_t *hits, cosm_section_t *sec)
{
    double p[COSM_SCENE_COUNT + 1] = {0};
    const char *text = sec->text ? sec->text : "";
    if (clf && cosm_classifier_probs(clf, text, p) < 0)
        return -1;
    bool innocent = clf && words_of(text) >= CLEAR_MIN_WORDS && cosm_innocence(p) >= clf->clear_p;
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        cosm_scene_info_t *info = &sec->info[s];
        info->audited = pol->scenes[s];
        if (!info->audited)
            continue;
        /* Innocent context sets a scene's system hits aside only when the model does not also
         * suspect that scene on its own. */
        bool aside = innocent && p[s] < clf->suspect_p[s];
        int kscore = score_of(hits, s, aside), all = score_of(hits, s, false);
        int mscore = clf ? cosm_calibrated_score(p[s], clf->suspect_p[s], clf->violate_p[s]) : 0;
        /* The model decides when it scores higher, or when it set system hits aside. */
        bool model = clf && (mscore > kscore || (kscore < all && mscore >= kscore));
        info->score = mscore > kscore ? mscore : kscore;
        info->stage = model ? "Classifier" : "Library";
        info->hit_flag = cosm_band(pol, info->score);
        const cosm_hit_t *top = NULL;
        for (size_t i = 0; i < hits->n; i++) {
            const cosm_hit_t *h = &hits->h[i];
            if (h->entry->scene != s || !counts(h, aside))
                continue;
            if (!top || h->entry->weight * h->confidence > top->entry->weight * top->confidence)
                top = h;
            if (add_unique(&info->keywords, &info->n_keywords, h->entry->phrase) < 0 ||
                add_lib_keyword(info, h->lib->lib_type, h->lib->name, h->entry->phrase) < 0)
                return -1;
        }
        if (set_str(&info->label, top ? top->entry->phrase : "") < 0 ||
            set_str(&info->sub_label, top ? top->entry->sub_label : "") < 0)
            return -1;
        /* Library hits stay the evidence when there are any; otherwise the model's own words. */
        if (model && !top && info->hit_flag != COSM_RESULT_NORMAL &&
            classifier_decides(clf, s, text, info) < 0)
            return -1;
    }
    int w = worst_scene(sec->info);
    sec->result = w < 0 ? COSM_RESULT_NORMAL : sec->info[w].hit_flag;
    sec->label = w < 0 ? "Normal" : cosm_scene_name((cosm_scene_t)w);
    return set_str(&sec->sub_label, w < 0 ? "" : sec->info[w].sub_label);
}

int cosm_judge_text(const cosm_engine_t *e, const cosm_policy_t *pol, const cosm_kwtable_t *kw,
                    const char *text, cosm_section_t *sec)
{
    cosm_hyp_t h = {0};
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ' ';
    memset(sec, 0, sizeof(*sec));
    char *copy = cosm_strdup(text), *save = NULL;
    h.w = calloc(n, sizeof(*h.w));
    int rc = copy && h.w && (sec->text = cosm_strdup(text)) ? 0 : -1;
    for (char *w = rc ? NULL : strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        h.w[h.n].word = cosm_strdup(w);
        h.w[h.n].phones = cosm_strdup("");
        if (!h.w[h.n++].word || !h.w[h.n - 1].phones)
            rc = -1;
    }
    free(copy);
    cosm_hits_t hits = {0};
    if (rc == 0 && (cosm_match_section(kw, &h, COSM_MATCH_TEXT, &hits) < 0 ||
                    cosm_score_section(pol, e->clf, &hits, sec) < 0))
        rc = -1;
    cosm_hits_clear(&hits);
    cosm_hyp_clear(&h);
    return rc;
}

int cosm_score_job(const cosm_policy_t *pol, cosm_result_t *r)
{
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        cosm_scene_info_t *info = &r->info[s];
        info->audited = pol->scenes[s];
        if (!info->audited)
            continue;
        const cosm_scene_info_t *top = NULL;
        for (size_t k = 0; k < r->n_sections; k++) {
            const cosm_scene_info_t *si = &r->sections[k].info[s];
            if (severity(si->hit_flag) > severity(info->hit_flag))
                info->hit_flag = si->hit_flag;
            if (!top || si->score > top->score)
                top = si;
            for (size_t i = 0; i < si->n_keywords; i++)
                if (add_unique(&info->keywords, &info->n_keywords, si->keywords[i]) < 0)
                    return -1;
            for (size_t l = 0; l < si->n_libs; l++)
                for (size_t i = 0; i < si->libs[l].n_keywords; i++)
                    if (add_lib_keyword(info, si->libs[l].lib_type, si->libs[l].lib_name,
                                        si->libs[l].keywords[i]) < 0)
                        return -1;
        }
        info->score = top ? top->score : 0;
        info->stage = top ? top->stage : NULL;
        if (set_str(&info->label, top ? top->label : "") < 0 ||
            set_str(&info->sub_label, top ? top->sub_label : "") < 0)
            return -1;
    }
    int w = worst_scene(r->info);
    r->result = w < 0 ? COSM_RESULT_NORMAL : r->info[w].hit_flag;
    r->label = w < 0 ? "Normal" : cosm_scene_name((cosm_scene_t)w);
    if (set_str(&r->sub_label, w < 0 ? "" : r->info[w].sub_label) < 0)
        return -1;
    /* Account lists decide the job-level Result: an allow list clears it, a block list forces it.
     */
    for (size_t i = 0; i < r->n_list_hits; i++)
        if (r->list_hits[i].list_type == 0)
            r->result = COSM_RESULT_NORMAL;
    for (size_t i = 0; i < r->n_list_hits; i++)
        if (r->list_hits[i].list_type == 1)
            r->result = COSM_RESULT_VIOLATING;
    return 0;
}

void cosm_scene_info_clear(cosm_scene_info_t *i)
{
    free(i->label);
    free(i->sub_label);
    for (size_t k = 0; k < i->n_keywords; k++)
        free(i->keywords[k]);
    free(i->keywords);
    for (size_t l = 0; l < i->n_libs; l++) {
        free(i->libs[l].lib_name);
        for (size_t k = 0; k < i->libs[l].n_keywords; k++)
            free(i->libs[l].keywords[k]);
        free(i->libs[l].keywords);
    }
    free(i->libs);
    memset(i, 0, sizeof(*i));
}
