/* cosm-train: trains the moderation classifier from the labelled corpus: liblinear logistic
 * regression (one class per scene plus Normal) on the train and dev splits, C chosen and per-scene
 * thresholds calibrated on 5-fold out-of-fold predictions, sub-label word tables; writes the model.
 * Usage: cosm-train -o FILE [--bits N] [--libraries DIR] [--holdout] [--suspect-fp X]
 * [--clear-miss X] [--report] CORPUS_FILE... (same input -> same bytes). With --libraries, the
 * innocence that sets system-library hits aside is calibrated on the violating rows those
 * libraries hit. --holdout fits on train only and reports the dev split as unseen text. */
#include "cosm_classifier.h"
#include "cosm_dataset.h"
#include "cosm_internal.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CLASSES     (COSM_SCENE_COUNT + 1)
#define SUSPECT_FP    0.006 /* share of clean rows a scene may mark suspected (--suspect-fp) */
#define CLEAR_MISS    0.1   /* share of library-hit violating rows judged innocent (--clear-miss) */
#define VIOLATE_FP    0.002 /* share of clean rows a scene may mark violating */
#define MIN_SUB_COUNT 2
#define POS_WEIGHT    4.0 /* weight of a scene's own sentences in its one-vs-rest problem */
#define FOLDS         5   /* C is chosen and thresholds calibrated on out-of-fold predictions */

static void silent(const char *s)
{
    (void)s;
}

typedef struct rows {
    struct feature_node **x;
    double *y;
    const cosm_sample_t **s;
    size_t n;
} rows_t;

/* Whether a heard transcript kept at least half of its sentence's words (in any order): rows the
 * recogniser lost are noise, not recognition errors a model can learn. Sentence rows pass. */
static bool heard_enough(const cosm_sample_t *s)
{
    if (!s->voice[0])
        return true;
    size_t words = 0, kept = 0;
    for (const char *w = s->source; *w;) {
        size_t n = strcspn(w, " ");
        if (n) {
            words++;
            for (const char *t = s->text; *t;) {
                size_t m = strcspn(t, " ");
                if (m == n && memcmp(t, w, n) == 0) {
                    kept++;
                    break;
                }
                t += m + (t[m] == ' ');
            }
        }
        w += n + (w[n] == ' ');
    }
    return 2 * kept >= words;
}

/* The rows of the splits in mask (bit 1 << split); heard rows only when heard_enough. */
static int build_rows(const cosm_dataset_t *d, unsigned mask, int bits, rows_t *r)
{
    r->x = calloc(d->n ? d->n : 1, sizeof(*r->x));
    r->y = calloc(d->n ? d->n : 1, sizeof(*r->y));
    r->s = calloc(d->n ? d->n : 1, sizeof(*r->s));
    if (!r->x || !r->y || !r->s)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        if (!(mask & (1u << d->s[i].split)) || !heard_enough(&d->s[i]))
            continue;
        cosm_fvec_t v = {0};
        if (cosm_features(d->s[i].text, bits, 1.0, &v) < 0)
            return -1;
        r->x[r->n] = v.x;
        r->y[r->n] = d->s[i].label;
        r->s[r->n++] = &d->s[i];
    }
    return 0;
}

static void free_rows(rows_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->x[i]);
    free(r->x);
    free(r->y);
    free(r->s);
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* probs[i * N_CLASSES + k] for every row: the scenes, then Normal. */
static double *row_probs(const struct model *m, const rows_t *r, const int *cls)
{
    double *p = malloc((r->n ? r->n : 1) * N_CLASSES * sizeof(*p));
    double dec[N_CLASSES];
    for (size_t i = 0; p && i < r->n; i++) {
        predict_values(m, r->x[i], dec);
        for (int k = 0; k < N_CLASSES; k++)
            p[i * N_CLASSES + k] = sigmoid(dec[cls[k]]);
    }
    return p;
}

static void class_index(const struct model *m, int *cls)
{
    for (int s = 0; s < N_CLASSES; s++) {
        cls[s] = 0;
        for (int k = 0; k < m->nr_class; k++)
            if (m->label[k] == s)
                cls[s] = k;
    }
}

/* Macro F1 over the eight classes of the arg-max of the rows' probabilities. */
static double macro_f1(const rows_t *r, const double *p)
{
    int tp[N_CLASSES] = {0}, fp[N_CLASSES] = {0}, fn[N_CLASSES] = {0};
    for (size_t i = 0; i < r->n; i++) {
        int pred = 0, gold = (int)r->y[i];
        for (int k = 1; k < N_CLASSES; k++)
            if (p[i * N_CLASSES + k] > p[i * N_CLASSES + pred])
                pred = k;
        if (pred == gold) {
            tp[gold]++;
        } else {
            fp[pred]++;
            fn[gold]++;
        }
    }
    double f = 0;
    for (int k = 0; k < N_CLASSES; k++)
        f += tp[k] ? 2.0 * tp[k] / (2.0 * tp[k] + fp[k] + fn[k]) : 0;
    return f / N_CLASSES;
}

/* A row's fold, by its written sentence, so that a sentence and its heard transcripts share one
 * fold (hash / 10: the split already used hash % 10). */
static int fold_of(const rows_t *r, size_t i)
{
    return (int)(cosm_hash64(r->s[i]->source) / 10 % FOLDS);
}

/* Trains on the rows whose fold is not skip (every row when skip < 0); NULL when out of memory. */
static struct model *fit(const rows_t *r, int bits, double C, int skip)
{
    struct feature_node **x = malloc((r->n ? r->n : 1) * sizeof(*x));
    double *y = malloc((r->n ? r->n : 1) * sizeof(*y));
    struct model *m = NULL;
    int n = 0, wl[COSM_SCENE_COUNT];
    double wv[COSM_SCENE_COUNT];
    for (size_t i = 0; x && y && i < r->n; i++)
        if (skip < 0 || fold_of(r, i) != skip) {
            x[n] = r->x[i];
            y[n++] = r->y[i];
        }
    /* Each scene's sentences weigh POS_WEIGHT times a negative in its one-vs-rest problem. */
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        wl[s] = s;
        wv[s] = POS_WEIGHT;
    }
    struct problem prob = {.l = n, .n = (1 << bits) + 1, .y = y, .x = x, .bias = 1};
    struct parameter par = {.solver_type = L2R_LR_DUAL,
                            .eps = 0.01,
                            .C = C,
                            .p = 0.1,
                            .nr_weight = COSM_SCENE_COUNT,
                            .weight_label = wl,
                            .weight = wv};
    if (x && y && !check_parameter(&prob, &par))
        m = train(&prob, &par);
    free(x);
    free(y);
    return m;
}

/* Out-of-fold probabilities of every row: each row judged by a model trained on the other folds.
 * NULL when out of memory or when a fold lacks a class. */
static double *oof_probs(const rows_t *r, int bits, double C)
{
    double *p = calloc((r->n ? r->n : 1) * N_CLASSES, sizeof(*p)), dec[N_CLASSES];
    for (int f = 0; p && f < FOLDS; f++) {
        struct model *m = fit(r, bits, C, f);
        int cls[N_CLASSES];
        if (!m || m->nr_class != N_CLASSES) {
            if (m)
                free_and_destroy_model(&m);
            free(p);
            return NULL;
        }
        class_index(m, cls);
        for (size_t i = 0; i < r->n; i++) {
            if (fold_of(r, i) != f)
                continue;
            predict_values(m, r->x[i], dec);
            for (int k = 0; k < N_CLASSES; k++)
                p[i * N_CLASSES + k] = sigmoid(dec[cls[k]]);
        }
        free_and_destroy_model(&m);
    }
    return p;
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Smallest threshold above all but a share of the clean rows' probabilities, within [lo, hi]. */
static double threshold(const double *neg, size_t n, double share, double lo, double hi)
{
    size_t k = (size_t)floor(share * (double)n);
    double t = k < n ? nextafter(neg[k], 1.0) : lo;
    return t < lo ? lo : t > hi ? hi : t;
}

/* Marks the rows a system keyword library hits (keyword-only engine on the library directory). */
static int library_hits(const char *dir, const rows_t *r, bool *hit)
{
    cJSON *conf = cJSON_Parse("{\"classifier\": false}");
    cosm_error_t err = {0};
    cosm_engine_t *e = conf ? cosm_engine_new(conf, dir, &err) : NULL;
    cJSON_Delete(conf);
    cosm_kwtable_t kw = {0};
    if (!e || cosm_kwtable_build(NULL, e, &e->policies[0], &kw) < 0) {
        fprintf(stderr, "cosm-train: %s\n", e ? "out of memory" : err.message);
        cosm_engine_free(e);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->n; i++) {
        cosm_section_t sec;
        rc = cosm_judge_text(e, &e->policies[0], &kw, r->s[i]->text, &sec);
        hit[i] = false;
        for (int s = 0; s < COSM_SCENE_COUNT; s++) {
            hit[i] = hit[i] || (rc == 0 && sec.info[s].n_libs > 0);
            cosm_scene_info_clear(&sec.info[s]);
        }
        free(sec.text);
        free(sec.sub_label);
    }
    cosm_kwtable_clear(&kw);
    cosm_engine_free(e);
    return rc;
}

/* Per scene: suspect/violate thresholds that only suspect_fp / VIOLATE_FP of the clean rows
 * reach (out-of-fold p). Then the innocence (cosm_innocence) from which the model overrides
 * system-library hits: one that only clear_miss of the violating rows (those with a library hit,
 * when known) reach. */
static double calibrate(const rows_t *dev, const double *p, const bool *hit, double suspect_fp,
                        double clear_miss, double *sp, double *vp)
{
    double *neg = malloc((dev->n ? dev->n : 1) * sizeof(*neg)), clear = 0.99;
    for (int s = 0; neg && s < COSM_SCENE_COUNT; s++) {
        size_t n = 0;
        for (size_t i = 0; i < dev->n; i++)
            if ((int)dev->y[i] == COSM_LABEL_NORMAL)
                neg[n++] = p[i * N_CLASSES + s];
        qsort(neg, n, sizeof(*neg), cmp_desc);
        sp[s] = threshold(neg, n, suspect_fp, 0.05, 0.9);
        vp[s] = threshold(neg, n, VIOLATE_FP, sp[s] > 0.5 ? sp[s] : 0.5, 0.98);
    }
    if (neg) {
        size_t n = 0;
        for (size_t i = 0; i < dev->n; i++)
            if ((int)dev->y[i] != COSM_LABEL_NORMAL && (!hit || hit[i]))
                /* A row whose own scene the model suspects keeps its hits whatever its innocence.
                 */
                neg[n++] = p[i * N_CLASSES + (int)dev->y[i]] >= sp[(int)dev->y[i]]
                               ? 0
                               : cosm_innocence(&p[i * N_CLASSES]);
        qsort(neg, n, sizeof(*neg), cmp_desc);
        clear = threshold(neg, n, clear_miss, 0.5, 0.99);
    }
    free(neg);
    return clear;
}

static void report(FILE *o, const char *what, const rows_t *r, const double *p, const double *sp,
                   const double *vp, double clear, const bool *hit)
{
    fprintf(o, "%s (%zu rows):\n", what, r->n);
    size_t clean = 0, clean_fp = 0;
    for (size_t i = 0; i < r->n; i++) {
        if ((int)r->y[i] != COSM_LABEL_NORMAL)
            continue;
        clean++;
        bool flagged = false;
        for (int s = 0; s < COSM_SCENE_COUNT; s++)
            flagged = flagged || p[i * N_CLASSES + s] >= sp[s];
        clean_fp += flagged;
    }
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        size_t pos = 0, found = 0;
        for (size_t i = 0; i < r->n; i++)
            if ((int)r->y[i] == s) {
                pos++;
                found += p[i * N_CLASSES + s] >= sp[s];
            }
        fprintf(o, "  %-9s recall %3zu/%3zu  suspect_p %.4f violate_p %.4f\n", cosm_scene_name(s),
                found, pos, sp[s], vp[s]);
    }
    size_t cleared[2] = {0}, rows[2] = {0};
    for (size_t i = 0; i < r->n; i++) {
        if (hit && !hit[i])
            continue;
        int k = (int)r->y[i] == COSM_LABEL_NORMAL;
        rows[k]++;
        cleared[k] += cosm_innocence(&p[i * N_CLASSES]) >= clear;
    }
    fprintf(o, "  clean flagged %zu/%zu\n", clean_fp, clean);
    fprintf(o, "  clear_p %.4f: judged innocent %zu/%zu clean, %zu/%zu violating rows%s\n", clear,
            cleared[1], rows[1], cleared[0], rows[0], hit ? " with a library hit" : "");
}

/* ---- sub-label word tables ------------------------------------------------------------------- */
typedef struct wc {
    char *w;
    int n_sub, n_other; /* rows of the sub-label / of the scene's other sub-labels containing w */
    double weight;
} wc_t;

static int cmp_weight(const void *a, const void *b)
{
    const wc_t *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight < y->weight ? 1 : -1;
    return strcmp(x->w, y->w);
}

static void sub_tables(FILE *o, const cosm_dataset_t *d, unsigned mask)
{
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        /* distinct sub-labels of the scene, in order of first appearance */
        const char *subs[64];
        size_t ns = 0, total = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (d->s[i].label != s || !(mask & (1u << d->s[i].split)))
                continue;
            total++;
            size_t k = 0;
            while (k < ns && strcmp(subs[k], d->s[i].sub_label) != 0)
                k++;
            if (k == ns && ns < 64)
                subs[ns++] = d->s[i].sub_label;
        }
        for (size_t k = 0; k < ns; k++) {
            wc_t *wc = NULL;
            size_t nw = 0, cap = 0, n_sub = 0;
            for (size_t i = 0; i < d->n; i++) {
                const cosm_sample_t *r = &d->s[i];
                if (r->label != s || !(mask & (1u << r->split)))
                    continue;
                bool mine = strcmp(r->sub_label, subs[k]) == 0;
                n_sub += mine;
                for (const char *w = r->text, *e; *w; w = *e ? e + 1 : e) {
                    e = strchr(w, ' ');
                    if (!e)
                        e = w + strlen(w);
                    size_t n = (size_t)(e - w);
                    /* count each word once per row: only at its first occurrence */
                    bool first = true;
                    for (const char *q = r->text; q < w && first; q++)
                        first = !((q == r->text || q[-1] == ' ') && strncmp(q, w, n) == 0 &&
                                  (q[n] == ' ' || q[n] == '\0'));
                    if (!n || !first)
                        continue;
                    size_t j = 0;
                    while (j < nw && !(strlen(wc[j].w) == n && memcmp(wc[j].w, w, n) == 0))
                        j++;
                    if (j == nw) {
                        if (nw == cap) {
                            cap = cap ? cap * 2 : 256;
                            wc = realloc(wc, cap * sizeof(*wc));
                        }
                        wc[nw++] = (wc_t){.w = strndup(w, n)};
                    }
                    if (mine)
                        wc[j].n_sub++;
                    else
                        wc[j].n_other++;
                }
            }
            size_t n_other = total - n_sub;
            for (size_t j = 0; j < nw; j++)
                wc[j].weight = wc[j].n_sub < MIN_SUB_COUNT
                                   ? -1e9
                                   : log((wc[j].n_sub + 0.5) / (n_sub + 1.0)) -
                                         log((wc[j].n_other + 0.5) / (n_other + 1.0));
            if (nw > 1)
                qsort(wc, nw, sizeof(*wc), cmp_weight);
            fprintf(o, "sub %s %s %.4f", cosm_scene_name(s), subs[k],
                    log((double)n_sub / (double)total));
            for (size_t j = 0; j < nw && j < COSM_SUB_WORDS && wc[j].weight > 0; j++)
                fprintf(o, " %s:%.4f", wc[j].w, wc[j].weight);
            fputc('\n', o);
            for (size_t j = 0; j < nw; j++)
                free(wc[j].w);
            free(wc);
        }
    }
}

static int write_model(const char *out, const struct model *m, int bits, const double *sp,
                       const double *vp, double clear, const cosm_dataset_t *d, unsigned mask)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", out);
    if (save_model(tmp, m) != 0)
        return -1;
    FILE *f = fopen(tmp, "rb");
    if (!f)
        return -1;
    uint64_t h = 14695981039346656037ULL;
    for (int c; (c = fgetc(f)) != EOF;) {
        h ^= (unsigned char)c;
        h *= 1099511628211ULL;
    }
    fclose(f);
    if (!(f = fopen(tmp, "ab")))
        return -1;
    fprintf(f, "#cosm-classifier 2\nbits %d\n", bits);
    for (int s = 0; s < COSM_SCENE_COUNT; s++)
        fprintf(f, "scene %s %.6f %.6f\n", cosm_scene_name(s), sp[s], vp[s]);
    fprintf(f, "clear %.6f\n", clear);
    sub_tables(f, d, mask);
    fprintf(f, "checksum %016" PRIx64 "\n", h);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, out);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},     {"bits", required_argument, NULL, 'b'},
        {"report", no_argument, NULL, 'r'},           {"libraries", required_argument, NULL, 'l'},
        {"holdout", no_argument, NULL, 'h'},          {"suspect-fp", required_argument, NULL, 's'},
        {"clear-miss", required_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
    const char *out = NULL, *libdir = NULL;
    int bits = COSM_FEATURE_BITS_DEFAULT, c;
    bool want_report = false, holdout = false;
    double suspect_fp = SUSPECT_FP, clear_miss = CLEAR_MISS;
    while ((c = getopt_long(argc, argv, "o:b:rl:hs:c:", opts, NULL)) != -1) {
        if (c == 's')
            suspect_fp = strtod(optarg, NULL);
        else if (c == 'c')
            clear_miss = strtod(optarg, NULL);
        else if (c == 'h')
            holdout = true;
        else if (c == 'l')
            libdir = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'b')
            bits = (int)strtol(optarg, NULL, 10);
        else if (c == 'r')
            want_report = true;
        else
            return 2;
    }
    if (!out || optind >= argc || bits < 10 || bits > 24 || !(suspect_fp >= 0 && suspect_fp < 1) ||
        !(clear_miss >= 0 && clear_miss < 1)) {
        fprintf(stderr, "usage: cosm-train -o FILE [--bits 10..24] [--libraries DIR] [--holdout] "
                        "[--suspect-fp 0..1] [--clear-miss 0..1] [--report] CORPUS_FILE...\n");
        return 2;
    }
    set_print_string_function(silent);
    cosm_dataset_t d = {0};
    cosm_error_t err = {0};
    for (int i = optind; i < argc; i++)
        if (cosm_dataset_load(&d, argv[i], &err) != COSM_OK) {
            fprintf(stderr, "cosm-train: %s\n", err.message);
            cosm_dataset_clear(&d);
            return 1;
        }
    /* The model is fitted on train and dev; with --holdout on train only, and dev is reported. */
    unsigned mask = (1u << COSM_SPLIT_TRAIN) | (holdout ? 0 : 1u << COSM_SPLIT_DEV);
    rows_t tr = {0}, dev = {0};
    if (build_rows(&d, mask, bits, &tr) < 0 ||
        (holdout && build_rows(&d, 1u << COSM_SPLIT_DEV, bits, &dev) < 0)) {
        fprintf(stderr, "cosm-train: out of memory\n");
        return 1;
    }
    static const double cs[] = {4, 16, 64, 256};
    double *po = NULL, best_f1 = -1, best_c = 0;
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        double *p = oof_probs(&tr, bits, cs[i]);
        if (!p) {
            fprintf(stderr,
                    "cosm-train: every scene and Normal need sentences in each of the %d "
                    "folds of the training rows\n",
                    FOLDS);
            return 1;
        }
        double f1 = macro_f1(&tr, p);
        if (want_report)
            fprintf(stderr, "C %-3g out-of-fold macro-F1 %.4f\n", cs[i], f1);
        if (f1 > best_f1) {
            free(po);
            po = p;
            best_f1 = f1;
            best_c = cs[i];
        } else {
            free(p);
        }
    }
    bool *hit = libdir ? calloc(tr.n ? tr.n : 1, sizeof(*hit)) : NULL;
    if (libdir && (!hit || library_hits(libdir, &tr, hit) < 0))
        return 1;
    double sp[COSM_SCENE_COUNT], vp[COSM_SCENE_COUNT];
    double clear = calibrate(&tr, po, hit, suspect_fp, clear_miss, sp, vp);
    struct model *best = fit(&tr, bits, best_c, -1);
    int cls[N_CLASSES];
    if (!best || best->nr_class != N_CLASSES) {
        fprintf(stderr,
                "cosm-train: the training rows hold fewer than %d classes (every scene and "
                "Normal need sentences)\n",
                N_CLASSES);
        return 1;
    }
    class_index(best, cls);
    if (want_report) {
        fprintf(stderr, "chosen C %g (out-of-fold macro-F1 %.4f); %zu training rows\n", best_c,
                best_f1, tr.n);
        report(stderr, "out of fold", &tr, po, sp, vp, clear, hit);
        if (holdout) {
            double *pd = row_probs(best, &dev, cls);
            bool *dhit = libdir ? calloc(dev.n ? dev.n : 1, sizeof(*dhit)) : NULL;
            if (pd && (!libdir || (dhit && library_hits(libdir, &dev, dhit) == 0)))
                report(stderr, "dev (held out)", &dev, pd, sp, vp, clear, dhit);
            free(pd);
            free(dhit);
        }
    }
    int rc = write_model(out, best, bits, sp, vp, clear, &d, mask);
    if (rc != 0)
        fprintf(stderr, "cosm-train: cannot write '%s'\n", out);
    free(po);
    free(hit);
    free_and_destroy_model(&best);
    free_rows(&tr);
    free_rows(&dev);
    cosm_dataset_clear(&d);
    return rc ? 1 : 0;
}
