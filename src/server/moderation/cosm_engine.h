/* cosm_engine: the audio moderation engine of cosd (decode -> sections -> speech recognition ->
 * keyword libraries -> scores -> verdict), its result structure and the JobsDetail JSON builder.
 * Used by cosd's job workers and by the cosd-moderate command-line front end.
 *
 * Threading model
 *   - cosm_engine_t holds everything read-only: keyword libraries, policies, lists, thresholds,
 *     model paths. Build it once (cosm_engine_new), then share it between any number of threads;
 *     no function modifies it after creation. Free it after every worker is gone.
 *   - cosm_worker_t holds the per-call mutable state (one PocketSphinx decoder). Create one per
 *     worker thread (loading the models takes about half a second) and reuse it for many files;
 *     a worker must be used by one thread at a time.
 *   - cosm_result_t is owned by the caller and independent of both.
 */
#ifndef COSM_ENGINE_H
#define COSM_ENGINE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Job-level failure codes (COS_PROTOCOL 9.5; used as JobsDetail.Code when State=Failed). */
#define COSM_OK             0
#define COSM_ERR_NO_FILE    -61011 /* input file does not exist / cannot be opened */
#define COSM_ERR_DECODE     -65007 /* not decodable audio (corrupt, empty, no audio track) */
#define COSM_ERR_TOO_LARGE  -65011 /* file larger than the size limit (600 MB) */
#define COSM_ERR_UNSUITABLE -65013 /* file does not meet requirements (duration over 3 h) */
#define COSM_ERR_NO_SCENE   -65015 /* the policy audits no scene */
#define COSM_ERR_BIZTYPE    -65016 /* BizType names no configured policy */
#define COSM_ERR_CONFIG     -1     /* engine configuration invalid (not a job code) */
#define COSM_ERR_INTERNAL   -2     /* out of memory, speech model missing, ... */

/* Scenes, in the order used for tie-breaking when two scenes are equally bad. */
typedef enum cosm_scene {
    COSM_SCENE_PORN = 0,
    COSM_SCENE_TERRORISM,
    COSM_SCENE_POLITICS,
    COSM_SCENE_ILLEGAL,
    COSM_SCENE_ABUSE,
    COSM_SCENE_ADS,
    COSM_SCENE_TEENAGER,
    COSM_SCENE_COUNT
} cosm_scene_t;

/* "Porn", "Terrorism", ... (the Label value); NULL for an invalid scene. */
const char *cosm_scene_name(cosm_scene_t s);
/* Case-insensitive lookup of a scene name; -1 when unknown. */
int cosm_scene_from_name(const char *name);

/* Result values (Result / HitFlag). */
#define COSM_RESULT_NORMAL    0
#define COSM_RESULT_VIOLATING 1
#define COSM_RESULT_SUSPECTED 2

typedef struct cosm_error {
    int code;          /* COSM_ERR_* */
    char message[384]; /* a sentence a person can act on */
} cosm_error_t;

/* One library that contributed hits to a scene (Info.LibResults). */
typedef struct cosm_lib_result {
    int lib_type; /* 1 system (preset) library, 2 custom library */
    char *lib_name;
    char **keywords; /* distinct keywords hit in that library */
    size_t n_keywords;
} cosm_lib_result_t;

/* The verdict of one scene, for a section or for the whole job (Info). */
typedef struct cosm_scene_info {
    bool audited;    /* the policy audits this scene (otherwise the container is absent) */
    int hit_flag;    /* COSM_RESULT_* */
    int score;       /* 0..100 */
    char *label;     /* the strongest keyword hit, "" when none */
    char *sub_label; /* that keyword's sub-label, "" when none */
    char **keywords; /* distinct keywords hit (section level; union at job level) */
    size_t n_keywords;
    cosm_lib_result_t *libs;
    size_t n_libs;
    const char *stage; /* which stage set the score: "Library" (a keyword library hit) or
                          "Classifier" (the trained model); static string, NULL when unset */
} cosm_scene_info_t;

/* A recognised word with absolute times in the file. */
typedef struct cosm_word {
    char *word;
    int64_t start_ms;
    int64_t end_ms;
} cosm_word_t;

typedef struct cosm_section {
    int64_t offset_ms;   /* OffsetTime: start in the file */
    int64_t duration_ms; /* Duration */
    char *text;          /* Text: recognised words joined by spaces */
    cosm_word_t *words;
    size_t n_words;
    int result;        /* worst over scenes */
    const char *label; /* worst scene name, or "Normal" (static string) */
    char *sub_label;   /* that scene's sub-label ("" when normal) */
    cosm_scene_info_t info[COSM_SCENE_COUNT];
    uint8_t *clip; /* the section's audio as a WAV file (16 kHz mono 16-bit), NULL if disabled */
    size_t clip_len;
} cosm_section_t;

/* An allow/block list entry matched by the request's UserInfo (ListInfo.ListResults). */
typedef struct cosm_list_hit {
    int list_type; /* 0 allow list, 1 block list */
    char *list_name;
    char *entity;
} cosm_list_hit_t;

typedef struct cosm_result {
    int result;        /* Result: 0 normal, 1 violating, 2 suspected */
    const char *label; /* Label: worst scene over sections, or "Normal" (static string) */
    char *sub_label;
    char *audio_text;    /* AudioText: section texts joined by spaces */
    int64_t duration_ms; /* decoded audio length */
    cosm_scene_info_t info[COSM_SCENE_COUNT];
    cosm_section_t *sections;
    size_t n_sections;
    cosm_list_hit_t *list_hits;
    size_t n_list_hits;
    double total_seconds; /* wall-clock time of the whole run (decode, sections, recognition,
                             scoring) */
    double asr_seconds;   /* of which speech recognition */
} cosm_result_t;

/* A UserInfo field of the request (Name as in COS_PROTOCOL 9.1: TokenId, DeviceId, IP, ...). */
typedef struct cosm_user_field {
    const char *name;
    const char *value;
} cosm_user_field_t;

typedef struct cosm_request {
    const char *biz_type;               /* NULL or "" -> default policy */
    const cosm_user_field_t *user_info; /* may be NULL */
    size_t n_user_info;
} cosm_request_t;

typedef struct cosm_engine cosm_engine_t;
typedef struct cosm_worker cosm_worker_t;

/* Builds the engine from the "moderation" object of cosd's JSON configuration (NULL = all defaults;
 * schema in docs/moderation.md). library_dir, when not NULL, overrides the configured directory of
 * the system keyword libraries (default: the installed share/cos/moderation). Returns NULL and
 * fills err (COSM_ERR_CONFIG with the offending key) on failure. */
cosm_engine_t *cosm_engine_new(const cJSON *conf, const char *library_dir, cosm_error_t *err);
void cosm_engine_free(cosm_engine_t *e);

/* The built-in installed library directory (compile-time default). */
const char *cosm_default_library_dir(void);

/* Per-thread recognition state; loads the speech models named in the engine's configuration. */
cosm_worker_t *cosm_worker_new(const cosm_engine_t *e, cosm_error_t *err);
void cosm_worker_free(cosm_worker_t *w);

/* Moderates one local file. Returns COSM_OK and sets *out (free with cosm_result_free), or a
 * COSM_ERR_* code with err filled; never crashes on bad input. */
int cosm_moderate_file(cosm_worker_t *w, const char *path, const cosm_request_t *req,
                       cosm_result_t **out, cosm_error_t *err);

/* Same on already decoded 16 kHz mono 16-bit PCM (used by tests and benchmarks). */
int cosm_moderate_pcm(cosm_worker_t *w, const int16_t *pcm, size_t n_samples,
                      const cosm_request_t *req, cosm_result_t **out, cosm_error_t *err);

void cosm_result_free(cosm_result_t *r);

/* The JobsDetail object of the Detail callback (COS_PROTOCOL 9.3) with the engine's fields: State
 * "Success", Result, Label, SubLabel, AudioText, <Scene>Info for audited scenes, Section[] (Text,
 * OffsetTime, Duration, Label, SubLabel, Result, per-scene Info with HitFlag, Score, Label,
 * SubLabel, Keywords, LibResults) and ListInfo when a list matched. The job layer adds JobId,
 * DataId, Object/Url, Section[].Url, CreationTime... When only_violating is true (CallbackType 2),
 * sections with Result 0 are left out. Returns NULL on allocation failure. */
cJSON *cosm_result_to_json(const cosm_result_t *r, bool only_violating);

/* The JobsDetail of a failed job: State "Failed", Code (the number as a string), Message. */
cJSON *cosm_error_to_json(const cosm_error_t *err);

#endif
