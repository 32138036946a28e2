/* cosm_features: hashed features of a transcript for the moderation classifier: each word, each
 * pair of neighbouring words, letter n-grams (3 to 5) inside "<word>", the words after a negation
 * marked as negated, and cues of reported or negated speech. Recognition errors change a word but
 * often keep most of its letter n-grams, so those carry the meaning across misrecognitions. */
#include "cosm_classifier.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define W_WORD  1.0
#define W_PAIR  0.8
#define W_GRAM  0.35
#define W_CUE   0.5
#define NEG_WIN 3

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int slot(uint64_t h, int bits)
{
    return (int)(h & ((1ULL << bits) - 1)) + 1;
}

static uint64_t tagged(char tag)
{
    return fnv(14695981039346656037ULL, &tag, 1);
}

static int push(cosm_fvec_t *v, int idx, double val)
{
    if (v->n + 2 >= v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 256;
        struct feature_node *p = realloc(v->x, cap * sizeof(*p));
        if (!p)
            return -1;
        v->x = p;
        v->cap = cap;
    }
    v->x[v->n++] = (struct feature_node){idx, val};
    return 0;
}

size_t cosm_word_features(const char *word, size_t len, int bits, int *idx, size_t max)
{
    size_t k = 0;
    if (k < max)
        idx[k++] = slot(fnv(tagged('w'), word, len), bits);
    char buf[66];
    if (len > 62) /* letter n-grams of very long tokens: only of their first 62 letters */
        len = 62;
    buf[0] = '<';
    memcpy(buf + 1, word, len);
    buf[len + 1] = '>';
    size_t blen = len + 2;
    for (size_t g = 3; g <= 5; g++)
        for (size_t i = 0; i + g <= blen && k < max; i++)
            idx[k++] = slot(fnv(tagged('c'), buf + i, g), bits);
    return k;
}

static bool is_negation(const char *w, size_t n)
{
    static const char *const neg[] = {"not",    "no",      "never",     "don't",   "dont",
                                      "won't",  "can't",   "cannot",    "didn't",  "isn't",
                                      "aren't", "wasn't",  "nobody",    "nothing", "without",
                                      "stop",   "against", "shouldn't", "doesn't", "never"};
    for (size_t i = 0; i < sizeof(neg) / sizeof(neg[0]); i++)
        if (strlen(neg[i]) == n && memcmp(neg[i], w, n) == 0)
            return true;
    return false;
}

static bool is_report(const char *w, size_t n)
{
    static const char *const rep[] = {"said",   "says",   "told",    "reported", "according",
                                      "warned", "claims", "claimed", "news",     "police"};
    for (size_t i = 0; i < sizeof(rep) / sizeof(rep[0]); i++)
        if (strlen(rep[i]) == n && memcmp(rep[i], w, n) == 0)
            return true;
    return false;
}

static int cmp_node(const void *a, const void *b)
{
    const struct feature_node *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

int cosm_features(const char *text, int bits, double bias, cosm_fvec_t *v)
{
    v->n = 0;
    const char *prev = NULL;
    size_t prev_len = 0;
    int neg_left = 0;
    bool neg_cue = false, rep_cue = false;
    int idx[200];
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t n = (size_t)(p - w);
        size_t k = cosm_word_features(w, n, bits, idx, sizeof(idx) / sizeof(idx[0]));
        if (push(v, idx[0], W_WORD) < 0)
            return -1;
        for (size_t i = 1; i < k; i++)
            if (push(v, idx[i], W_GRAM) < 0)
                return -1;
        if (prev) {
            uint64_t h = fnv(fnv(tagged('b'), prev, prev_len), " ", 1);
            if (push(v, slot(fnv(h, w, n), bits), W_PAIR) < 0)
                return -1;
        }
        if (neg_left > 0) {
            neg_left--;
            if (push(v, slot(fnv(tagged('n'), w, n), bits), W_WORD) < 0)
                return -1;
        }
        if (is_negation(w, n)) {
            neg_left = NEG_WIN;
            neg_cue = true;
        }
        rep_cue = rep_cue || is_report(w, n);
        prev = w;
        prev_len = n;
    }
    if (neg_cue && push(v, slot(fnv(tagged('q'), "neg", 3), bits), W_CUE) < 0)
        return -1;
    if (rep_cue && push(v, slot(fnv(tagged('q'), "report", 6), bits), W_CUE) < 0)
        return -1;
    /* Same slot twice: add the values; then scale to unit length. */
    if (v->n > 1)
        qsort(v->x, v->n, sizeof(*v->x), cmp_node);
    size_t o = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (o && v->x[o - 1].index == v->x[i].index)
            v->x[o - 1].value += v->x[i].value;
        else
            v->x[o++] = v->x[i];
    }
    v->n = o;
    double ss = 0;
    for (size_t i = 0; i < v->n; i++)
        ss += v->x[i].value * v->x[i].value;
    double scale = ss > 0 ? 1.0 / sqrt(ss) : 0;
    for (size_t i = 0; i < v->n; i++)
        v->x[i].value *= scale;
    if ((bias >= 0 && push(v, (1 << bits) + 1, bias) < 0) || push(v, -1, 0) < 0)
        return -1;
    v->n -= 1; /* the terminator is not counted */
    return 0;
}

void cosm_fvec_clear(cosm_fvec_t *v)
{
    free(v->x);
    *v = (cosm_fvec_t){0};
}
