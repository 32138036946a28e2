/* cosm_match: finds a policy's keywords in a recognised section. Exact word sequences count with
 * full confidence; in phone mode a keyword whose CMU pronunciation matches the pronunciation of a
 * run of recognised words (so homophones such as "by"/"buy" and small recognition slips in long
 * keywords still count) counts with a confidence lowered by each phone edit. */
#include "cosm_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PHONES           96
#define EDIT_CONFIDENCE_STEP 0.15

static int tokenize(const char *s, const char *tok[], size_t len[], int max)
{
    int n = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        size_t l = strcspn(s, " ");
        if (n == max)
            return -1;
        tok[n] = s;
        len[n++] = l;
        s += l;
    }
    return n;
}

int cosm_phone_distance(const char *a, const char *b)
{
    const char *ta[MAX_PHONES], *tb[MAX_PHONES];
    size_t la[MAX_PHONES], lb[MAX_PHONES];
    int na = tokenize(a, ta, la, MAX_PHONES), nb = tokenize(b, tb, lb, MAX_PHONES);
    if (na < 0 || nb < 0)
        return MAX_PHONES;
    int row[MAX_PHONES + 1];
    for (int j = 0; j <= nb; j++)
        row[j] = j;
    for (int i = 1; i <= na; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= nb; j++) {
            int up = row[j];
            int same = la[i - 1] == lb[j - 1] && memcmp(ta[i - 1], tb[j - 1], la[i - 1]) == 0;
            int best = diag + !same;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

static int count_tokens(const char *s)
{
    const char *t[MAX_PHONES];
    size_t l[MAX_PHONES];
    int n = tokenize(s, t, l, MAX_PHONES);
    return n < 0 ? MAX_PHONES : n;
}

/* Phone edits tolerated for a keyword of n phones: none for short words (a single edit turns
 * "porn" into "born"), one from 6 phones, two from 10. */
static int tolerance(int n)
{
    return n >= 10 ? 2 : n >= 6 ? 1 : 0;
}

int cosm_kwtable_build(cosm_worker_t *w, const cosm_engine_t *e, const cosm_policy_t *pol,
                       cosm_kwtable_t *t)
{
    memset(t, 0, sizeof(*t));
    size_t total = 0;
    for (size_t i = 0; i < pol->n_libs; i++)
        total += e->libs[pol->libs[i]].n_entries;
    t->k = calloc(total ? total : 1, sizeof(*t->k));
    if (!t->k)
        return -1;
    for (size_t i = 0; i < pol->n_libs; i++) {
        const cosm_library_t *lib = &e->libs[pol->libs[i]];
        for (size_t j = 0; j < lib->n_entries; j++) {
            if (!pol->scenes[lib->entries[j].scene])
                continue;
            cosm_kw_t *k = &t->k[t->n++];
            k->entry = &lib->entries[j];
            k->lib = lib;
            k->phones = w ? cosm_asr_phrase_phones(w, k->entry->phrase) : NULL;
        }
    }
    return 0;
}

void cosm_kwtable_clear(cosm_kwtable_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->k[i].phones);
    free(t->k);
    memset(t, 0, sizeof(*t));
}

int cosm_hits_add(cosm_hits_t *h, const cosm_entry_t *e, const cosm_library_t *lib, double conf)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 16;
        cosm_hit_t *p = realloc(h->h, nc * sizeof(*p));
        if (!p)
            return -1;
        h->h = p;
        h->cap = nc;
    }
    h->h[h->n++] = (cosm_hit_t){e, lib, conf};
    return 0;
}

void cosm_hits_clear(cosm_hits_t *h)
{
    free(h->h);
    memset(h, 0, sizeof(*h));
}

/* Number of words of the keyword matched exactly at hyp position i (0 if none). */
static size_t text_match(const char *phrase, const cosm_hyp_t *hyp, size_t i)
{
    const char *p = phrase;
    size_t k = i;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (k >= hyp->n || strlen(hyp->w[k].word) != n || memcmp(hyp->w[k].word, p, n) != 0)
            return 0;
        k++;
        p += n;
        while (*p == ' ')
            p++;
    }
    return k - i;
}

/* Best phone match of a keyword starting at word i: returns the words used (0 if none), *dist. */
static size_t phone_match(const cosm_kw_t *k, const cosm_hyp_t *hyp, size_t i, int *dist)
{
    int kn = count_tokens(k->phones), tol = tolerance(kn), best = tol + 1;
    size_t used = 0;
    cosm_str_t b = {0};
    for (size_t j = i; j < hyp->n && j < i + 6; j++) {
        if (!hyp->w[j].phones[0])
            break;
        if (b.len)
            cosm_str_puts(&b, " ");
        cosm_str_puts(&b, hyp->w[j].phones);
        if (b.failed)
            break;
        int have = count_tokens(b.s);
        if (have > kn + tol)
            break;
        if (have < kn - tol)
            continue;
        int d = cosm_phone_distance(b.s, k->phones);
        if (d < best) {
            best = d;
            used = j - i + 1;
        }
    }
    free(b.s);
    *dist = best;
    return best <= tol ? used : 0;
}

int cosm_match_section(const cosm_kwtable_t *t, const cosm_hyp_t *hyp, cosm_match_mode_t mode,
                       cosm_hits_t *out)
{
    for (size_t q = 0; q < t->n; q++) {
        const cosm_kw_t *k = &t->k[q];
        for (size_t i = 0; i < hyp->n;) {
            size_t used = text_match(k->entry->phrase, hyp, i);
            double conf = 1.0;
            if (!used && mode != COSM_MATCH_TEXT && k->phones && hyp->w[i].phones[0]) {
                int d = 0;
                used = phone_match(k, hyp, i, &d);
                conf = 1.0 - EDIT_CONFIDENCE_STEP * d;
            }
            if (used) {
                if (cosm_hits_add(out, k->entry, k->lib, conf) < 0)
                    return -1;
                i += used;
            } else {
                i++;
            }
        }
        if (mode != COSM_MATCH_KWS)
            continue;
        /* A keyword spotted by the keyword-spotting pass but absent from the transcript. */
        bool found = false;
        for (size_t h = 0; h < out->n && !found; h++)
            found = out->h[h].entry == k->entry;
        for (size_t s = 0; s < hyp->n_spotted && !found; s++)
            if (strcmp(hyp->spotted[s], k->entry->phrase) == 0) {
                if (cosm_hits_add(out, k->entry, k->lib, 0.85) < 0)
                    return -1;
                found = true;
            }
    }
    return 0;
}
