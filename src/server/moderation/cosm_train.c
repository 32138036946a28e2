/* cosm-train: trains the moderation classifier from the labelled corpus: liblinear logistic
 * regression (one class per scene plus Normal) on the train split, C chosen and per-scene
 * thresholds calibrated on the dev split, sub-label word tables; writes the model file.
 * Usage: cosm-train -o FILE [--bits N] [--report] CORPUS_FILE... (same input -> same bytes) */
#include "cosm_classifier.h"
#include "cosm_dataset.h"
#include "cosm_internal.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CLASSES     (COSM_SCENE_COUNT + 1)
#define SUSPECT_FP    0.006 /* share of clean dev rows a scene may mark suspected */
#define VIOLATE_FP    0.002 /* ... or violating */
#define MIN_SUB_COUNT 2
#define POS_WEIGHT    4.0 /* weight of a scene's own sentences in its one-vs-rest problem */

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

static int build_rows(const cosm_dataset_t *d, cosm_split_t split, int bits, rows_t *r)
{
    r->x = calloc(d->n ? d->n : 1, sizeof(*r->x));
    r->y = calloc(d->n ? d->n : 1, sizeof(*r->y));
    r->s = calloc(d->n ? d->n : 1, sizeof(*r->s));
    if (!r->x || !r->y || !r->s)
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        if (d->s[i].split != split)
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

/* probs[i * COSM_SCENE_COUNT + s] for every row. */
static double *row_probs(const struct model *m, const rows_t *r, const int *cls)
{
    double *p = malloc((r->n ? r->n : 1) * COSM_SCENE_COUNT * sizeof(*p));
    double dec[N_CLASSES];
    for (size_t i = 0; p && i < r->n; i++) {
        predict_values(m, r->x[i], dec);
        for (int s = 0; s < COSM_SCENE_COUNT; s++)
            p[i * COSM_SCENE_COUNT + s] = sigmoid(dec[cls[s]]);
    }
    return p;
}

static void class_index(const struct model *m, int *cls)
{
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        cls[s] = 0;
        for (int k = 0; k < m->nr_class; k++)
            if (m->label[k] == s)
                cls[s] = k;
    }
}

/* Macro F1 over the eight classes of the arg-max prediction on dev. */
static double macro_f1(const struct model *m, const rows_t *dev)
{
    int tp[N_CLASSES] = {0}, fp[N_CLASSES] = {0}, fn[N_CLASSES] = {0};
    for (size_t i = 0; i < dev->n; i++) {
        int pred = (int)predict(m, dev->x[i]), gold = (int)dev->y[i];
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

static void calibrate(const rows_t *dev, const double *p, double *sp, double *vp)
{
    double *neg = malloc((dev->n ? dev->n : 1) * sizeof(*neg));
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        size_t n = 0;
        for (size_t i = 0; neg && i < dev->n; i++)
            if ((int)dev->y[i] == COSM_LABEL_NORMAL)
                neg[n++] = p[i * COSM_SCENE_COUNT + s];
        qsort(neg, n, sizeof(*neg), cmp_desc);
        sp[s] = threshold(neg, n, SUSPECT_FP, 0.05, 0.9);
        vp[s] = threshold(neg, n, VIOLATE_FP, sp[s] > 0.5 ? sp[s] : 0.5, 0.98);
    }
    free(neg);
}

static void report(FILE *o, const char *what, const rows_t *r, const double *p, const double *sp,
                   const double *vp)
{
    fprintf(o, "%s (%zu rows):\n", what, r->n);
    size_t clean = 0, clean_fp = 0;
    for (size_t i = 0; i < r->n; i++) {
        if ((int)r->y[i] != COSM_LABEL_NORMAL)
            continue;
        clean++;
        bool flagged = false;
        for (int s = 0; s < COSM_SCENE_COUNT; s++)
            flagged = flagged || p[i * COSM_SCENE_COUNT + s] >= sp[s];
        clean_fp += flagged;
    }
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        size_t pos = 0, hit = 0;
        for (size_t i = 0; i < r->n; i++)
            if ((int)r->y[i] == s) {
                pos++;
                hit += p[i * COSM_SCENE_COUNT + s] >= sp[s];
            }
        fprintf(o, "  %-9s recall %3zu/%3zu  suspect_p %.4f violate_p %.4f\n", cosm_scene_name(s),
                hit, pos, sp[s], vp[s]);
    }
    fprintf(o, "  clean flagged %zu/%zu\n", clean_fp, clean);
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

static void sub_tables(FILE *o, const cosm_dataset_t *d)
{
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        /* distinct sub-labels of the scene, in order of first appearance */
        const char *subs[64];
        size_t ns = 0, total = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (d->s[i].label != s || d->s[i].split != COSM_SPLIT_TRAIN)
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
                if (r->label != s || r->split != COSM_SPLIT_TRAIN)
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
                       const double *vp, const cosm_dataset_t *d)
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
    fprintf(f, "#cosm-classifier 1\nbits %d\n", bits);
    for (int s = 0; s < COSM_SCENE_COUNT; s++)
        fprintf(f, "scene %s %.6f %.6f\n", cosm_scene_name(s), sp[s], vp[s]);
    sub_tables(f, d);
    fprintf(f, "checksum %016" PRIx64 "\n", h);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, out);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"bits", required_argument, NULL, 'b'},
                                         {"report", no_argument, NULL, 'r'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int bits = COSM_FEATURE_BITS_DEFAULT, c;
    bool want_report = false;
    while ((c = getopt_long(argc, argv, "o:b:r", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'b')
            bits = (int)strtol(optarg, NULL, 10);
        else if (c == 'r')
            want_report = true;
        else
            return 2;
    }
    if (!out || optind >= argc || bits < 10 || bits > 24) {
        fprintf(stderr, "usage: cosm-train -o FILE [--bits 10..24] [--report] CORPUS_FILE...\n");
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
    rows_t tr = {0}, dev = {0};
    if (build_rows(&d, COSM_SPLIT_TRAIN, bits, &tr) < 0 ||
        build_rows(&d, COSM_SPLIT_DEV, bits, &dev) < 0) {
        fprintf(stderr, "cosm-train: out of memory\n");
        return 1;
    }
    struct problem prob = {.l = (int)tr.n, .n = (1 << bits) + 1, .y = tr.y, .x = tr.x, .bias = 1};
    static const double cs[] = {4, 16, 64, 256, 1024};
    /* Each scene's sentences weigh POS_WEIGHT times a negative in its one-vs-rest problem. */
    int wl[COSM_SCENE_COUNT];
    double wv[COSM_SCENE_COUNT];
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        size_t pos = 0;
        for (size_t i = 0; i < tr.n; i++)
            pos += (int)tr.y[i] == s;
        wl[s] = s;
        wv[s] = pos ? POS_WEIGHT : 1;
    }
    struct model *best = NULL;
    double best_f1 = -1, best_c = 0;
    for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
        struct parameter par = {.solver_type = L2R_LR,
                                .eps = 0.01,
                                .C = cs[i],
                                .p = 0.1,
                                .nr_weight = COSM_SCENE_COUNT,
                                .weight_label = wl,
                                .weight = wv};
        const char *bad = check_parameter(&prob, &par);
        if (bad) {
            fprintf(stderr, "cosm-train: %s\n", bad);
            return 1;
        }
        struct model *m = train(&prob, &par);
        double f1 = macro_f1(m, &dev);
        if (want_report)
            fprintf(stderr, "C %-3g dev macro-F1 %.4f\n", cs[i], f1);
        if (f1 > best_f1) {
            if (best)
                free_and_destroy_model(&best);
            best = m;
            best_f1 = f1;
            best_c = cs[i];
        } else {
            free_and_destroy_model(&m);
        }
    }
    int cls[COSM_SCENE_COUNT];
    class_index(best, cls);
    if (best->nr_class != N_CLASSES) {
        fprintf(stderr,
                "cosm-train: the train split holds %d classes, not %d (every scene and "
                "Normal need sentences)\n",
                best->nr_class, N_CLASSES);
        return 1;
    }
    double *pd = row_probs(best, &dev, cls);
    double sp[COSM_SCENE_COUNT], vp[COSM_SCENE_COUNT];
    calibrate(&dev, pd, sp, vp);
    if (want_report) {
        fprintf(stderr, "chosen C %g (dev macro-F1 %.4f); %zu train rows, %zu dev rows\n", best_c,
                best_f1, tr.n, dev.n);
        report(stderr, "dev", &dev, pd, sp, vp);
    }
    int rc = write_model(out, best, bits, sp, vp, &d);
    if (rc != 0)
        fprintf(stderr, "cosm-train: cannot write '%s'\n", out);
    free(pd);
    free_and_destroy_model(&best);
    free_rows(&tr);
    free_rows(&dev);
    cosm_dataset_clear(&d);
    return rc ? 1 : 0;
}
