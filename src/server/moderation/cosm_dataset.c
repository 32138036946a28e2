/* cosm_dataset: reads the labelled corpus files of data/moderation/corpus and assigns each sentence
 * its fixed split (train / dev / test) from a hash of its normalised text, so a sentence and every
 * transcript of it always fall in the same split. */
#include "cosm_dataset.h"
#include "cosm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t cosm_hash64(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

cosm_split_t cosm_split_of(const char *normalized)
{
    unsigned b = (unsigned)(cosm_hash64(normalized) % 10);
    return b < 6 ? COSM_SPLIT_TRAIN : b < 8 ? COSM_SPLIT_DEV : COSM_SPLIT_TEST;
}

const char *cosm_split_name(cosm_split_t s)
{
    return s == COSM_SPLIT_TRAIN ? "train" : s == COSM_SPLIT_DEV ? "dev" : "test";
}

const char *cosm_label_name(int label)
{
    return label == COSM_LABEL_NORMAL ? "Normal" : cosm_scene_name((cosm_scene_t)label);
}

/* Splits line at tabs in place; returns the number of fields (at most max). */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == '\t') {
            *p = '\0';
            if (n == max)
                return max + 1;
            f[n++] = p + 1;
        }
    return n;
}

static int add_row(cosm_dataset_t *d, const char *path, int line, char **f, int nf,
                   cosm_error_t *err)
{
    int label = strcmp(f[0], "Normal") == 0 ? COSM_LABEL_NORMAL : cosm_scene_from_name(f[0]);
    if (label < 0 || (label != COSM_LABEL_NORMAL && strcmp(f[0], cosm_scene_name(label)) != 0))
        return cosm_fail(err, COSM_ERR_CONFIG,
                         "%s:%d: unknown scene '%s' (Porn, Terrorism, Politics, Illegal, Abuse, "
                         "Ads, Teenager or Normal)",
                         path, line, f[0]);
    if (!f[1][0])
        return cosm_fail(err, COSM_ERR_CONFIG, "%s:%d: empty SubLabel", path, line);
    cosm_sample_t s = {.label = label, .line = line};
    s.sub_label = cosm_strdup(f[1]);
    s.voice = cosm_strdup(nf == 5 ? f[2] : "");
    s.source = cosm_normalize_phrase(nf == 5 ? f[3] : f[2]);
    s.text = cosm_normalize_phrase(nf == 5 ? f[4] : f[2]);
    cosm_sample_t *p = s.sub_label && s.voice && s.source && s.text
                           ? realloc(d->s, (d->n + 1) * sizeof(*p))
                           : NULL;
    if (!p) {
        free(s.sub_label);
        free(s.voice);
        free(s.source);
        free(s.text);
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    d->s = p;
    if (!s.source[0] || (nf == 3 && !s.text[0])) {
        p[d->n] = s; /* kept so that clear() frees it */
        d->n++;
        return cosm_fail(err, COSM_ERR_CONFIG, "%s:%d: the sentence has no words", path, line);
    }
    s.split = cosm_split_of(s.source);
    p[d->n++] = s;
    return COSM_OK;
}

int cosm_dataset_load(cosm_dataset_t *d, const char *path, cosm_error_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cosm_fail(err, COSM_ERR_CONFIG, "cannot open the corpus file '%s'", path);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    int line = 0, rc = COSM_OK;
    while (rc == COSM_OK && (got = getline(&buf, &cap, f)) >= 0) {
        line++;
        while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
            buf[--got] = '\0';
        if (got == 0 || buf[0] == '#')
            continue;
        char *fields[6];
        int nf = split_tabs(buf, fields, 5);
        if (nf != 3 && nf != 5)
            rc = cosm_fail(err, COSM_ERR_CONFIG,
                           "%s:%d: expected 3 tab-separated fields (Scene, SubLabel, sentence) or "
                           "5 (Scene, SubLabel, voice, sentence, transcript), found %d",
                           path, line, nf);
        else
            rc = add_row(d, path, line, fields, nf, err);
    }
    free(buf);
    fclose(f);
    return rc;
}

void cosm_dataset_clear(cosm_dataset_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->s[i].sub_label);
        free(d->s[i].text);
        free(d->s[i].source);
        free(d->s[i].voice);
    }
    free(d->s);
    *d = (cosm_dataset_t){0};
}
