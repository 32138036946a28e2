/* cosm_corpus: English sentences for the moderation tests and benchmarks, each labelled with the
 * scene it violates (or clean). Spoken at run time by Festival / espeak-ng. */
#ifndef COSM_CORPUS_H
#define COSM_CORPUS_H

#include <stddef.h>

typedef struct cosm_sentence {
    int scene; /* cosm_scene_t, or -1 for a clean sentence */
    const char *text;
} cosm_sentence_t;

extern const cosm_sentence_t cosm_corpus[];
extern const size_t cosm_corpus_len;

#endif
