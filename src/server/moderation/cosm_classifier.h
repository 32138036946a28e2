/* cosm_classifier: the trained judging stage of the moderation engine: hashed features of a
 * transcript (words, word pairs, letter n-grams inside words, negation and quoting cues), the
 * liblinear model with its per-scene calibration, and the per-scene scores of a section. */
#ifndef COSM_CLASSIFIER_H
#define COSM_CLASSIFIER_H

#include "cosm_engine.h"

#include <linear.h>

#define COSM_FEATURE_BITS_DEFAULT 18 /* 2^18 hashed feature slots */
#define COSM_SUB_WORDS            64 /* words kept per sub-label for SubLabel choice */

/* ---- features (cosm_features.c) ---------------------------------------------------------------
 */
typedef struct cosm_fvec {
    struct feature_node *x; /* sorted by index, -1 terminated (plus bias node when bias >= 0) */
    size_t n, cap;          /* n counts the nodes before the terminator */
} cosm_fvec_t;

/* Features of a normalised text (lower-case words separated by single spaces), L2-normalised,
 * indexes 1 .. 2^bits; bias >= 0 adds the bias node at index 2^bits + 1. Any text, including ""
 * and very long ones, gives a vector. Returns -1 on allocation failure. */
int cosm_features(const char *text, int bits, double bias, cosm_fvec_t *v);
/* The feature indexes that come from one word (the word itself and its letter n-grams); returns
 * how many were written (at most max). Used to say which words weighed most. */
size_t cosm_word_features(const char *word, size_t len, int bits, int *idx, size_t max);
void cosm_fvec_clear(cosm_fvec_t *v);

/* ---- the model file (cosm_classifier.c) -------------------------------------------------------
 * A liblinear model text (one class per scene plus Normal) followed by a trailer:
 *   #cosm-classifier 2
 *   bits 18
 *   scene <Name> <suspect_p> <violate_p>       (7 lines, calibrated out of fold)
 *   clear <p>     innocence (cosm_innocence) from which system-library hits do not count
 *   sub <Scene> <SubLabel> <prior> <word>:<weight> ...
 *   checksum <16 hex digits: FNV-1a 64 of every byte before "#cosm-classifier">
 */
typedef struct cosm_sub {
    int scene;
    char *name;
    double prior;
    char **words;
    double *weights;
    size_t n_words;
} cosm_sub_t;

typedef struct cosm_classifier {
    struct model *m;
    int bits;
    int cls[COSM_SCENE_COUNT + 1]; /* index of each scene, then of Normal, in the model's classes */
    double suspect_p[COSM_SCENE_COUNT], violate_p[COSM_SCENE_COUNT];
    double clear_p; /* innocence at or above which system-library hits do not count */
    cosm_sub_t *subs;
    size_t n_subs;
} cosm_classifier_t;

/* Loads and checks a model file; a missing, truncated or altered file fails with COSM_ERR_CONFIG
 * and a message naming the file and how to rebuild it. */
cosm_classifier_t *cosm_classifier_load(const char *path, cosm_error_t *err);
void cosm_classifier_free(cosm_classifier_t *c);

/* Per-scene probabilities (independent one-vs-rest logistic outputs) of a normalised text, then
 * in p[COSM_SCENE_COUNT] the probability of the Normal class. */
int cosm_classifier_probs(const cosm_classifier_t *c, const char *text,
                          double p[COSM_SCENE_COUNT + 1]);
/* How sure the model is that a text is innocent: the Normal class's share of the probabilities
 * p (as cosm_classifier_probs gives them), 0..1. A text that one scene's output also claims gets
 * about half, however high its own Normal output. */
double cosm_innocence(const double p[COSM_SCENE_COUNT + 1]);
/* Calibrated score 0..100 of a probability: [0, suspect) -> 0..60, [suspect, violate) -> 61..90,
 * [violate, 1] -> 91..100; non-decreasing in p. */
int cosm_calibrated_score(double p, double suspect_p, double violate_p);
/* The sub-label of a scene that best fits the text ("" when the scene has none). */
const char *cosm_classifier_sub_label(const cosm_classifier_t *c, int scene, const char *text);
/* Up to max distinct words of text that pushed the scene's decision up the most, strongest first
 * (pointers into a copy owned by the caller: words[i] are strdup'ed, free them). */
size_t cosm_classifier_explain(const cosm_classifier_t *c, int scene, const char *text,
                               char **words, size_t max);

#endif
