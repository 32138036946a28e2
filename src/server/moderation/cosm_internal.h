/* cosm_internal: declarations shared by the files of the moderation engine (decoder, sectioner,
 * recogniser, libraries and policies, matcher, scorer, clip writer). Not used outside
 * src/server/moderation and its tests. */
#ifndef COSM_INTERNAL_H
#define COSM_INTERNAL_H

#include "cosm_engine.h"

#include <stdarg.h>

#define COSM_RATE 16000 /* samples per second of the engine's PCM */

/* ---- errors ---------------------------------------------------------------------------------- */
int cosm_fail(cosm_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- growable string ------------------------------------------------------------------------- */
typedef struct cosm_str {
    char *s;
    size_t len, cap;
    bool failed;
} cosm_str_t;
bool cosm_str_add(cosm_str_t *b, const char *s, size_t n);
bool cosm_str_puts(cosm_str_t *b, const char *s);
char *cosm_str_take(cosm_str_t *b); /* "" when empty; NULL when an allocation failed */
char *cosm_strdup(const char *s);   /* NULL-safe: NULL -> "" copy */

/* ---- decode (cosm_decode.c) --------------------------------------------------------------------
 */
typedef struct cosm_limits {
    int64_t max_bytes;       /* file size limit */
    int64_t max_duration_ms; /* audio duration limit */
} cosm_limits_t;
/* Decodes any FFmpeg-readable audio (or the audio track of a video) to 16 kHz mono s16 PCM. */
int cosm_decode_file(const char *path, const cosm_limits_t *lim, int16_t **pcm, size_t *n,
                     cosm_error_t *err);

/* ---- sections (cosm_sections.c) -------------------------------------------------------------- */
typedef struct cosm_section_conf {
    int max_ms;       /* a section is at most this long (default 15000) */
    int min_pause_ms; /* a quieter stretch at least this long is a pause (default 300) */
    int pad_ms;       /* silence kept around speech (default 150) */
} cosm_section_conf_t;
typedef struct cosm_span {
    size_t start, end; /* sample indexes, end exclusive */
} cosm_span_t;
/* Splits PCM into speech sections at pauses; sections hold speech only (long silences are dropped).
 * Returns the number of spans (0 for silence / noise without speech), -1 on allocation failure. */
long cosm_split_sections(const int16_t *pcm, size_t n, const cosm_section_conf_t *c,
                         cosm_span_t **out);

/* ---- WAV clip (cosm_clip.c) --------------------------------------------------------------------
 */
uint8_t *cosm_wav_bytes(const int16_t *pcm, size_t n, size_t *len);

/* ---- libraries, lists and policies (cosm_library.c, cosm_config.c) -----------------------------
 */
typedef struct cosm_entry {
    char *phrase; /* lower-case words separated by single spaces */
    char *sub_label;
    int weight; /* 1..100 */
    int scene;  /* cosm_scene_t */
} cosm_entry_t;

typedef struct cosm_library {
    char *name;
    int lib_type; /* 1 system, 2 custom */
    cosm_entry_t *entries;
    size_t n_entries;
} cosm_library_t;

typedef struct cosm_list {
    char *name;
    int list_type; /* 0 allow, 1 block */
    char **entities;
    size_t n_entities;
} cosm_list_t;

typedef struct cosm_policy {
    char *biz_type; /* "" for the default policy */
    bool scenes[COSM_SCENE_COUNT];
    int suspect_from; /* score from which HitFlag is 2 (default 61) */
    int violate_from; /* score from which HitFlag is 1 (default 91) */
    size_t *libs;     /* indexes into engine libraries */
    size_t n_libs;
    size_t *lists; /* indexes into engine lists */
    size_t n_lists;
} cosm_policy_t;

typedef enum cosm_match_mode {
    COSM_MATCH_TEXT = 0, /* keyword words found in the transcript */
    COSM_MATCH_PHONES,   /* keyword pronunciation found in the transcript's phones (default) */
    COSM_MATCH_KWS       /* phones plus a PocketSphinx keyword-spotting pass */
} cosm_match_mode_t;

typedef struct cosm_asr_conf {
    char *hmm, *lm, *dict;
    int max_hmm_per_frame;
    char **options; /* extra PocketSphinx arguments: "-name", "value" pairs */
    size_t n_options;
    cosm_match_mode_t match;
    double kws_threshold;
} cosm_asr_conf_t;

struct cosm_engine {
    cosm_library_t *libs;
    size_t n_libs;
    cosm_list_t *lists;
    size_t n_lists;
    cosm_policy_t *policies; /* [0] is the default policy */
    size_t n_policies;
    cosm_section_conf_t sections;
    cosm_limits_t limits;
    cosm_asr_conf_t asr;
    bool clips;
    struct cosm_classifier *clf; /* the trained judging stage; NULL when "classifier": false */
};

/* Parses one library file ("phrase, SubLabel, weight" lines) of the given scene. */
int cosm_library_load_file(cosm_library_t *lib, const char *path, int scene, cosm_error_t *err);
/* Adds one entry (phrase normalised); weight clamped to 1..100. */
int cosm_library_add(cosm_library_t *lib, const char *phrase, const char *sub_label, int weight,
                     int scene, cosm_error_t *err);
/* Lower-cases, keeps letters, digits and apostrophes, collapses the rest to single spaces. */
char *cosm_normalize_phrase(const char *s);
void cosm_library_clear(cosm_library_t *lib);
void cosm_list_clear(cosm_list_t *l);
void cosm_policy_clear(cosm_policy_t *p);
/* Loads the system libraries (one file per scene) from dir into e->libs. */
int cosm_load_system_libraries(cosm_engine_t *e, const char *dir, cosm_error_t *err);
/* Applies the "moderation" configuration object on top of the defaults. */
int cosm_config_apply(cosm_engine_t *e, const cJSON *conf, const char **library_dir,
                      cosm_error_t *err);
const cosm_policy_t *cosm_find_policy(const cosm_engine_t *e, const char *biz_type);

/* ---- recognition (cosm_asr.c) ------------------------------------------------------------------
 */
typedef struct cosm_hyp_word {
    char *word;               /* lower case, without pronunciation variant */
    char *phones;             /* space-separated CMU phones, "" when unknown */
    int64_t start_ms, end_ms; /* relative to the section */
} cosm_hyp_word_t;

typedef struct cosm_hyp {
    cosm_hyp_word_t *w;
    size_t n;
    char **spotted; /* phrases found by keyword spotting (COSM_MATCH_KWS) */
    size_t n_spotted;
} cosm_hyp_t;

struct cosm_worker {
    const cosm_engine_t *engine;
    void *ps;           /* ps_decoder_t */
    void *config;       /* cmd_ln_t */
    char kws_path[256]; /* keyphrase file of the current policy ("" until written) */
    const cosm_policy_t *kws_policy;
};

int cosm_asr_recognize(cosm_worker_t *w, const cosm_policy_t *pol, const int16_t *pcm, size_t n,
                       cosm_hyp_t *out, cosm_error_t *err);
void cosm_hyp_clear(cosm_hyp_t *h);
/* Silences PocketSphinx's log output (process-wide; called once while the engine is built). */
void cosm_asr_quiet(void);
/* Pronunciation of a phrase from the worker's dictionary ("" parts for unknown words); free(). */
char *cosm_asr_phrase_phones(cosm_worker_t *w, const char *phrase);

/* ---- matching and scoring (cosm_match.c, cosm_score.c) -----------------------------------------
 */
typedef struct cosm_hit {
    const cosm_entry_t *entry;
    const cosm_library_t *lib;
    double confidence; /* 0..1 */
} cosm_hit_t;

typedef struct cosm_hits {
    cosm_hit_t *h;
    size_t n, cap;
} cosm_hits_t;

/* Minimum edit distance between two space-separated phone strings (phone units, not chars). */
int cosm_phone_distance(const char *a, const char *b);

/* The keywords a policy audits, with their pronunciations (built once per call). */
typedef struct cosm_kw {
    const cosm_entry_t *entry;
    const cosm_library_t *lib;
    char *phones; /* NULL when a word is not in the dictionary (matched by text only) */
} cosm_kw_t;
typedef struct cosm_kwtable {
    cosm_kw_t *k;
    size_t n;
} cosm_kwtable_t;
/* w may be NULL (no pronunciations). */
int cosm_kwtable_build(cosm_worker_t *w, const cosm_engine_t *e, const cosm_policy_t *pol,
                       cosm_kwtable_t *t);
void cosm_kwtable_clear(cosm_kwtable_t *t);
/* Finds the keywords in a recognised section: exact words always; pronunciations within a small
 * phone edit distance (COSM_MATCH_PHONES, COSM_MATCH_KWS); keyword-spotting hits (COSM_MATCH_KWS).
 */
int cosm_match_section(const cosm_kwtable_t *t, const cosm_hyp_t *hyp, cosm_match_mode_t mode,
                       cosm_hits_t *out);
void cosm_hits_clear(cosm_hits_t *h);
int cosm_hits_add(cosm_hits_t *h, const cosm_entry_t *e, const cosm_library_t *lib, double conf);

/* Score of one scene from its hits: 100 * (1 - prod(1 - weight*confidence/100)), rounded. */
int cosm_scene_score(const cosm_hits_t *hits, int scene);
int cosm_band(const cosm_policy_t *pol, int score);
/* Fills a section's per-scene infos, Result, Label and SubLabel from its keyword hits and, when clf
 * is not NULL, the classifier's calibrated scores of sec->text: each scene scores the higher of the
 * two, so a library hit still forces its scene. When the classifier decides a flagged scene, its
 * Keywords are the words that weighed most and its SubLabel the best-fitting one. */
int cosm_score_section(const cosm_policy_t *pol, const struct cosm_classifier *clf,
                       const cosm_hits_t *hits, cosm_section_t *s);
/* Scores a text as a section recognised as exactly those words (keywords matched as words):
 * sec is zeroed and filled (free its text, sub_label and infos). Used by benchmarks and tests. */
int cosm_judge_text(const cosm_engine_t *e, const cosm_policy_t *pol, const cosm_kwtable_t *kw,
                    const char *text, cosm_section_t *sec);
/* Job-level infos, Result and Label: worst over sections (and list hits). */
int cosm_score_job(const cosm_policy_t *pol, cosm_result_t *r);
void cosm_scene_info_clear(cosm_scene_info_t *i);

#endif
