/* cosm_classifier: loads the trained moderation model (liblinear text plus the calibration
 * trailer written by cosm-train, checked by its checksum), and turns a transcript into per-scene
 * probabilities, calibrated scores, a sub-label and the words that weighed most. */
#include "cosm_classifier.h"
#include "cosm_dataset.h"
#include "cosm_internal.h"

#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MODEL_BYTES (256L * 1024 * 1024)
#define TRAILER         "#cosm-classifier 2\n"

static const char rebuild[] = "rebuild it with `make` (cosm-train makes it from "
                              "data/moderation/corpus) and install it with `make install`, or "
                              "point moderation.classifier at a model file";

static void silent(const char *s)
{
    (void)s;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && n <= MAX_MODEL_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
            (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            *len = n;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

static int add_sub(cosm_classifier_t *c, char *line)
{
    /* sub <Scene> <SubLabel> <prior> word:weight ... */
    char *save = NULL;
    strtok_r(line, " ", &save);
    char *scene = strtok_r(NULL, " ", &save), *name = strtok_r(NULL, " ", &save),
         *prior = strtok_r(NULL, " ", &save);
    int s = scene ? cosm_scene_from_name(scene) : -1;
    if (s < 0 || !name || !prior)
        return -1;
    cosm_sub_t *p = realloc(c->subs, (c->n_subs + 1) * sizeof(*p));
    if (!p)
        return -1;
    c->subs = p;
    cosm_sub_t *u = &p[c->n_subs++];
    *u = (cosm_sub_t){.scene = s, .name = cosm_strdup(name), .prior = strtod(prior, NULL)};
    u->words = calloc(COSM_SUB_WORDS, sizeof(*u->words));
    u->weights = calloc(COSM_SUB_WORDS, sizeof(*u->weights));
    if (!u->name || !u->words || !u->weights)
        return -1;
    for (char *t; (t = strtok_r(NULL, " ", &save)) && u->n_words < COSM_SUB_WORDS;) {
        char *colon = strrchr(t, ':');
        if (!colon)
            return -1;
        *colon = '\0';
        if (!(u->words[u->n_words] = cosm_strdup(t)))
            return -1;
        u->weights[u->n_words++] = strtod(colon + 1, NULL);
    }
    return 0;
}

/* Parses the trailer; returns the number of scene lines read, -1 on a malformed line. */
static int parse_trailer(cosm_classifier_t *c, char *t, uint64_t *sum, bool *have_sum)
{
    int scenes = 0;
    char *save = NULL;
    for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[32];
        double a, b;
        if (strncmp(line, "bits ", 5) == 0) {
            c->bits = (int)strtol(line + 5, NULL, 10);
        } else if (sscanf(line, "scene %31s %lf %lf", name, &a, &b) == 3) {
            int s = cosm_scene_from_name(name);
            if (s < 0 || !(a > 0 && a <= b && b < 1))
                return -1;
            c->suspect_p[s] = a;
            c->violate_p[s] = b;
            scenes++;
        } else if (sscanf(line, "clear %lf", &a) == 1) {
            if (!(a > 0 && a < 1))
                return -1;
            c->clear_p = a;
        } else if (strncmp(line, "sub ", 4) == 0) {
            if (add_sub(c, line) < 0)
                return -1;
        } else if (strncmp(line, "checksum ", 9) == 0) {
            *sum = strtoull(line + 9, NULL, 16);
            *have_sum = true;
        } else if (line[0] != '#') {
            return -1;
        }
    }
    return scenes;
}

static cosm_classifier_t *bad(cosm_classifier_t *c, cosm_error_t *err, const char *path,
                              const char *why)
{
    cosm_fail(err, COSM_ERR_CONFIG, "the moderation classifier model '%s' %s; %s", path, why,
              rebuild);
    cosm_classifier_free(c);
    return NULL;
}

cosm_classifier_t *cosm_classifier_load(const char *path, cosm_error_t *err)
{
    long len = 0;
    char *buf = slurp(path, &len);
    if (!buf)
        return bad(NULL, err, path, "is missing or unreadable");
    cosm_classifier_t *c = calloc(1, sizeof(*c));
    char *tr = strstr(buf, "\n" TRAILER);
    if (!c || !tr) {
        free(buf);
        return bad(c, err, path,
                   c ? "is not a complete model (no calibration trailer)"
                     : "cannot be loaded (out of memory)");
    }
    tr[1] = '\0'; /* the body: everything before the trailer */
    uint64_t body = cosm_hash64(buf), sum = 0;
    tr[1] = '#';
    bool have_sum = false;
    int scenes = parse_trailer(c, tr + 1, &sum, &have_sum);
    free(buf);
    if (scenes != COSM_SCENE_COUNT || !have_sum || !(c->clear_p > 0))
        return bad(c, err, path, "has a malformed calibration trailer");
    if (sum != body)
        return bad(c, err, path, "is corrupt (checksum mismatch)");
    if (c->bits < 10 || c->bits > 24)
        return bad(c, err, path, "names an unsupported feature size");
    set_print_string_function(silent);
    c->m = load_model(path);
    if (!c->m)
        return bad(c, err, path, "could not be read by liblinear");
    if (c->m->nr_class != COSM_SCENE_COUNT + 1 || c->m->nr_feature != (1 << c->bits) ||
        c->m->bias < 0 || !check_probability_model(c->m))
        return bad(c, err, path, "is not a moderation model (classes, features or solver differ)");
    for (int s = 0; s <= COSM_SCENE_COUNT; s++) {
        c->cls[s] = -1;
        for (int k = 0; k < c->m->nr_class; k++)
            if (c->m->label[k] == s)
                c->cls[s] = k;
        if (c->cls[s] < 0)
            return bad(c, err, path, "lacks a scene class");
    }
    return c;
}

void cosm_classifier_free(cosm_classifier_t *c)
{
    if (!c)
        return;
    if (c->m)
        free_and_destroy_model(&c->m);
    for (size_t i = 0; i < c->n_subs; i++) {
        free(c->subs[i].name);
        for (size_t k = 0; k < c->subs[i].n_words; k++)
            free(c->subs[i].words[k]);
        free(c->subs[i].words);
        free(c->subs[i].weights);
    }
    free(c->subs);
    free(c);
}

int cosm_classifier_probs(const cosm_classifier_t *c, const char *text,
                          double p[COSM_SCENE_COUNT + 1])
{
    cosm_fvec_t v = {0};
    if (cosm_features(text, c->bits, c->m->bias, &v) < 0) {
        cosm_fvec_clear(&v);
        return -1;
    }
    double dec[COSM_SCENE_COUNT + 1];
    predict_values(c->m, v.x, dec);
    for (int s = 0; s <= COSM_SCENE_COUNT; s++)
        p[s] = 1.0 / (1.0 + exp(-dec[c->cls[s]]));
    cosm_fvec_clear(&v);
    return 0;
}

int cosm_calibrated_score(double p, double sp, double vp)
{
    double s;
    if (!(p >= 0)) /* NaN or negative */
        p = 0;
    if (p > 1)
        p = 1;
    if (p < sp)
        s = 60.0 * p / sp;
    else if (p < vp)
        s = 61.0 + 29.0 * (p - sp) / (vp - sp);
    else
        s = 91.0 + 9.0 * (vp < 1 ? (p - vp) / (1 - vp) : 1);
    int r = (int)floor(s);
    return r < 0 ? 0 : r > 100 ? 100 : r;
}

const char *cosm_classifier_sub_label(const cosm_classifier_t *c, int scene, const char *text)
{
    const cosm_sub_t *best = NULL;
    double best_s = 0;
    for (size_t i = 0; i < c->n_subs; i++) {
        const cosm_sub_t *u = &c->subs[i];
        if (u->scene != scene)
            continue;
        double s = u->prior;
        for (const char *w = text, *e; *w; w = *e ? e + 1 : e) {
            e = strchr(w, ' ');
            if (!e)
                e = w + strlen(w);
            size_t n = (size_t)(e - w);
            for (size_t k = 0; k < u->n_words; k++)
                if (strlen(u->words[k]) == n && memcmp(u->words[k], w, n) == 0)
                    s += u->weights[k];
        }
        if (!best || s > best_s) {
            best = u;
            best_s = s;
        }
    }
    return best ? best->name : "";
}

static double value_at(const cosm_fvec_t *v, int idx)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->x[mid].index < idx)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n && v->x[lo].index == idx ? v->x[lo].value : 0;
}

size_t cosm_classifier_explain(const cosm_classifier_t *c, int scene, const char *text,
                               char **words, size_t max)
{
    cosm_fvec_t v = {0};
    double best[8];
    size_t nb = 0;
    if (max > 8)
        max = 8;
    if (cosm_features(text, c->bits, c->m->bias, &v) < 0)
        max = 0;
    int idx[200];
    for (const char *w = text, *e; max && *w; w = *e ? e + 1 : e) {
        e = strchr(w, ' ');
        if (!e)
            e = w + strlen(w);
        size_t n = (size_t)(e - w);
        if (!n)
            continue;
        size_t k = cosm_word_features(w, n, c->bits, idx, sizeof(idx) / sizeof(idx[0]));
        double contrib = 0;
        for (size_t i = 0; i < k; i++)
            contrib += get_decfun_coef(c->m, idx[i], c->cls[scene]) * value_at(&v, idx[i]);
        if (contrib <= 0 || (nb == max && contrib <= best[nb - 1]))
            continue;
        bool dup = false;
        for (size_t i = 0; i < nb && !dup; i++)
            dup = strlen(words[i]) == n && memcmp(words[i], w, n) == 0;
        char *copy = dup ? NULL : strndup(w, n);
        if (!copy)
            continue;
        size_t pos;
        if (nb < max) {
            pos = nb++;
        } else {
            pos = max - 1;
            free(words[pos]);
        }
        while (pos > 0 && best[pos - 1] < contrib) {
            words[pos] = words[pos - 1];
            best[pos] = best[pos - 1];
            pos--;
        }
        words[pos] = copy;
        best[pos] = contrib;
    }
    cosm_fvec_clear(&v);
    return nb;
}

double cosm_innocence(const double p[COSM_SCENE_COUNT + 1])
{
    double sum = 0;
    for (int k = 0; k <= COSM_SCENE_COUNT; k++)
        sum += p[k];
    return sum > 0 ? p[COSM_SCENE_COUNT] / sum : 0;
}
