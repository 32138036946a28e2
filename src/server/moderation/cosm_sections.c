/* cosm_sections: splits 16 kHz PCM into Sections at pauses. An energy detector on 10 ms frames
 * (threshold relative to the file's noise floor) finds speech; stretches of speech separated by
 * pauses are grouped greedily into sections of at most max_ms; longer speech is cut at its quietest
 * frame. Long silences between sections are left out. */
#include "cosm_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FRAME             160 /* 10 ms */
#define MIN_SPEECH_FRAMES 8
#define FLOOR_MARGIN_DB   12.0
#define ABS_MIN_DB        -55.0

typedef struct run {
    size_t s, e; /* frames, e exclusive */
} run_t;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double *frame_energies(const int16_t *pcm, size_t n, size_t nf)
{
    double *db = malloc(nf * sizeof(*db));
    if (!db)
        return NULL;
    for (size_t f = 0; f < nf; f++) {
        size_t a = f * FRAME, b = a + FRAME < n ? a + FRAME : n;
        double acc = 0;
        for (size_t i = a; i < b; i++)
            acc += (double)pcm[i] * pcm[i];
        acc /= (double)(b - a) * 32768.0 * 32768.0;
        db[f] = 10.0 * log10(acc + 1e-12);
    }
    return db;
}

static double speech_threshold(const double *db, size_t nf)
{
    double *sorted = malloc(nf * sizeof(*sorted));
    if (!sorted)
        return ABS_MIN_DB;
    memcpy(sorted, db, nf * sizeof(*sorted));
    qsort(sorted, nf, sizeof(*sorted), cmp_double);
    double floor_db = sorted[nf / 10];
    free(sorted);
    double thr = floor_db + FLOOR_MARGIN_DB;
    return thr > ABS_MIN_DB ? thr : ABS_MIN_DB;
}

/* Quietest frame in [a, b). */
static size_t quietest(const double *db, size_t a, size_t b)
{
    size_t best = a;
    for (size_t f = a; f < b; f++)
        if (db[f] < db[best])
            best = f;
    return best;
}

static int push(cosm_span_t **out, size_t *cnt, size_t *cap, size_t s, size_t e)
{
    if (*cnt == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        cosm_span_t *p = realloc(*out, nc * sizeof(*p));
        if (!p)
            return -1;
        *out = p;
        *cap = nc;
    }
    (*out)[(*cnt)++] = (cosm_span_t){s, e};
    return 0;
}

/* Emits frames [s, e) as one or more sections no longer than max frames. */
static int emit(const double *db, size_t s, size_t e, size_t max, size_t n, cosm_span_t **out,
                size_t *cnt, size_t *cap)
{
    while (e - s > max) {
        size_t cut = quietest(db, s + max * 7 / 10, s + max);
        if (cut <= s)
            cut = s + max;
        if (push(out, cnt, cap, s * FRAME, cut * FRAME) < 0)
            return -1;
        s = cut;
    }
    size_t end = e * FRAME < n ? e * FRAME : n;
    return push(out, cnt, cap, s * FRAME, end);
}

long cosm_split_sections(const int16_t *pcm, size_t n, const cosm_section_conf_t *c,
                         cosm_span_t **out)
{
    *out = NULL;
    size_t nf = (n + FRAME - 1) / FRAME;
    if (nf == 0)
        return 0;
    size_t max = (size_t)(c->max_ms > 100 ? c->max_ms : 100) / 10;
    size_t pause = (size_t)(c->min_pause_ms > 10 ? c->min_pause_ms : 10) / 10;
    size_t pad = (size_t)(c->pad_ms > 0 ? c->pad_ms : 0) / 10;
    double *db = frame_energies(pcm, n, nf);
    if (!db)
        return -1;
    double thr = speech_threshold(db, nf);

    /* Speech runs, merging gaps shorter than a pause. */
    run_t *runs = NULL;
    size_t nr = 0, rcap = 0;
    long result = -1;
    for (size_t f = 0; f < nf;) {
        if (db[f] <= thr) {
            f++;
            continue;
        }
        size_t s = f, e = f, quiet = 0;
        for (; f < nf; f++) {
            if (db[f] > thr) {
                e = f + 1;
                quiet = 0;
            } else if (++quiet >= pause) {
                break;
            }
        }
        if (e - s < MIN_SPEECH_FRAMES)
            continue;
        if (nr == rcap) {
            size_t nc = rcap ? rcap * 2 : 32;
            run_t *p = realloc(runs, nc * sizeof(*p));
            if (!p)
                goto done;
            runs = p;
            rcap = nc;
        }
        runs[nr++] = (run_t){s, e};
    }
    /* Pad each run into its neighbouring silence (never past half the gap). */
    for (size_t i = 0; i < nr; i++) {
        size_t before = i == 0 ? runs[i].s : (runs[i].s - runs[i - 1].e) / 2;
        size_t after = i + 1 == nr ? nf - runs[i].e : (runs[i + 1].s - runs[i].e) / 2;
        runs[i].s -= before < pad ? before : pad;
        runs[i].e += after < pad ? after : pad;
    }
    /* Greedy grouping into sections. */
    size_t cnt = 0, cap = 0;
    for (size_t i = 0; i < nr;) {
        size_t s = runs[i].s, e = runs[i].e;
        size_t j = i + 1;
        while (j < nr && runs[j].e - s <= max)
            e = runs[j++].e;
        if (emit(db, s, e, max, n, out, &cnt, &cap) < 0) {
            free(*out);
            *out = NULL;
            goto done;
        }
        i = j;
    }
    result = (long)cnt;
done:
    free(runs);
    free(db);
    return result;
}
