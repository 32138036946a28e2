/* cosm_dataset: the labelled moderation corpus (data/moderation/corpus): sentence files
 * ("Scene<TAB>SubLabel<TAB>text") and heard-transcript files ("Scene<TAB>SubLabel<TAB>voice<TAB>
 * source<TAB>transcript"), and the fixed train / dev / test split by a hash of the normalised text.
 */
#ifndef COSM_DATASET_H
#define COSM_DATASET_H

#include "cosm_engine.h"

#include <stdint.h>

#define COSM_LABEL_NORMAL COSM_SCENE_COUNT /* the label of clean sentences ("Normal") */

typedef enum cosm_split { COSM_SPLIT_TRAIN = 0, COSM_SPLIT_DEV, COSM_SPLIT_TEST } cosm_split_t;

typedef struct cosm_sample {
    int label;       /* cosm_scene_t, or COSM_LABEL_NORMAL */
    char *sub_label; /* "Drugs", ..., "Everyday", "NearIllegal" ... */
    char *text;      /* normalised: what the classifier reads (the transcript for heard rows) */
    char *source;    /* normalised written sentence (== text for sentence rows) */
    char *voice;     /* "" for sentence rows */
    cosm_split_t split;
    int line; /* 1-based line in its file */
} cosm_sample_t;

typedef struct cosm_dataset {
    cosm_sample_t *s;
    size_t n;
} cosm_dataset_t;

/* 64-bit FNV-1a of a string. */
uint64_t cosm_hash64(const char *s);
/* The split of a normalised sentence: hash % 10 in 0-5 train, 6-7 dev, 8-9 test. */
cosm_split_t cosm_split_of(const char *normalized);
const char *cosm_split_name(cosm_split_t s);
/* "Normal" or the scene name. */
const char *cosm_label_name(int label);

/* Appends the rows of one corpus file; '#' lines and blank lines are skipped. A row with a wrong
 * field count, an unknown scene or an empty text fails with COSM_ERR_CONFIG naming file and line.
 */
int cosm_dataset_load(cosm_dataset_t *d, const char *path, cosm_error_t *err);
void cosm_dataset_clear(cosm_dataset_t *d);

#endif
