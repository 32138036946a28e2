/* bench_corpus: the labelled corpus (data/moderation/corpus) through the moderation engine.
 *   text   SPLIT FILES...  judges each sentence as text: trained classifier vs keyword libraries
 *   speech SPLIT FILES...  speaks each sentence (--voices), moderates the audio with both engines
 *   hear   SPLIT FILES...  speaks and recognises each sentence, appends "Scene SubLabel voice
 *                          sentence transcript" rows to --out (skips rows already there)
 * Options: --voices slt,kal,espeak  --rotate (one voice per sentence, chosen by its hash)
 *          --jobs N  --out FILE  --limit N (spread evenly)  --model FILE. SPLIT is train, dev,
 *          test or a,b list. */
#include "cosm_classifier.h"
#include "cosm_dataset.h"
#include "cosm_internal.h"
#include "cosm_testaudio.h"

#include <getopt.h>
#include <libavutil/log.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define N_LABELS (COSM_SCENE_COUNT + 1)

typedef struct opts {
    const char *voices, *out, *model;
    bool rotate;
    int jobs;
    size_t limit;
    bool split[3];
} opts_t;

/* ---- tallies ---------------------------------------------------------------------------------
 */
typedef struct tally {
    size_t pos[COSM_SCENE_COUNT],
        hit[COSM_SCENE_COUNT];            /* violating rows, flagged as their scene */
    size_t flagged_as[COSM_SCENE_COUNT];  /* rows flagged with Label == scene */
    size_t right_label[COSM_SCENE_COUNT]; /* ... of which are of that scene */
    size_t clean, clean_fp, near, near_fp;
} tally_t;

static void count(tally_t *t, const cosm_sample_t *s, int result, const char *label,
                  const int *hit_flags)
{
    int lab = cosm_scene_from_name(label);
    if (result != COSM_RESULT_NORMAL && lab >= 0) {
        t->flagged_as[lab]++;
        t->right_label[lab] += s->label == lab;
    }
    if (s->label == COSM_LABEL_NORMAL) {
        bool near = strncmp(s->sub_label, "Near", 4) == 0;
        t->clean++;
        t->clean_fp += result != COSM_RESULT_NORMAL;
        t->near += near;
        t->near_fp += near && result != COSM_RESULT_NORMAL;
    } else {
        t->pos[s->label]++;
        t->hit[s->label] += hit_flags[s->label] != COSM_RESULT_NORMAL;
    }
}

static double pct(size_t a, size_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0;
}

/* The two judges every mode compares: [0] with the classifier, [1] keyword libraries only. */
static const char *const judge_names[2] = {"classifier + libraries", "keyword libraries only"};

/* Violating rows over all scenes, and those flagged as their own scene. */
static void totals(const tally_t *t, size_t *pos, size_t *hit)
{
    *pos = *hit = 0;
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        *pos += t->pos[s];
        *hit += t->hit[s];
    }
}

static void print_tally(const char *what, const tally_t *t)
{
    size_t pos, hit;
    totals(t, &pos, &hit);
    printf("\n### %s\n\n| scene | recall | precision (Label) |\n|---|---|---|\n", what);
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        printf("| %s | %zu/%zu = %.0f%% | %zu/%zu = %.0f%% |\n", cosm_scene_name(s), t->hit[s],
               t->pos[s], pct(t->hit[s], t->pos[s]), t->right_label[s], t->flagged_as[s],
               pct(t->right_label[s], t->flagged_as[s]));
    }
    printf("| **all** | **%zu/%zu = %.1f%%** | |\n\n", hit, pos, pct(hit, pos));
    printf("clean flagged: %zu/%zu = %.1f%%; near misses flagged: %zu/%zu = %.1f%%\n", t->clean_fp,
           t->clean, pct(t->clean_fp, t->clean), t->near_fp, t->near, pct(t->near_fp, t->near));
    fflush(stdout);
}

/* ---- engines ---------------------------------------------------------------------------------
 */
static cosm_engine_t *engine(const opts_t *o, bool classifier)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddBoolToObject(c, "clips", false);
    if (!classifier)
        cJSON_AddBoolToObject(c, "classifier", false);
    else if (o->model)
        cJSON_AddStringToObject(c, "classifier", o->model);
    cosm_error_t err = {0};
    cosm_engine_t *e = cosm_engine_new(c, COSM_BENCH_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    if (!e)
        fprintf(stderr, "bench_corpus: %s\n", err.message);
    return e;
}

static void section_free(cosm_section_t *s)
{
    free(s->text);
    free(s->sub_label);
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        cosm_scene_info_clear(&s->info[k]);
}

static int run_text(const opts_t *o, const cosm_dataset_t *d)
{
    /* Memory: peak RSS before and after loading the engine with the classifier. */
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    cosm_engine_t *e[2] = {NULL, engine(o, false)};
    e[0] = engine(o, true);
    getrusage(RUSAGE_SELF, &ru1);
    if (!e[0] || !e[1])
        return 1;
    printf("classifier engine: peak RSS +%.1f MB when loaded\n",
           (double)(ru1.ru_maxrss - ru0.ru_maxrss) / 1024.0);
    for (int k = 0; k < 2; k++) {
        cosm_kwtable_t kw = {0};
        cosm_kwtable_build(NULL, e[k], &e[k]->policies[0], &kw);
        tally_t t = {0};
        size_t judged = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        for (size_t i = 0; i < d->n; i++) {
            const cosm_sample_t *s = &d->s[i];
            if (!o->split[s->split] || s->voice[0])
                continue;
            cosm_section_t sec;
            if (cosm_judge_text(e[k], &e[k]->policies[0], &kw, s->text, &sec) < 0)
                return 1;
            int flags[COSM_SCENE_COUNT];
            for (int c = 0; c < COSM_SCENE_COUNT; c++)
                flags[c] = sec.info[c].hit_flag;
            count(&t, s, sec.result, sec.label, flags);
            judged++;
            if (getenv("BENCH_VERBOSE") && k == 0 &&
                ((s->label == COSM_LABEL_NORMAL) != (sec.result == COSM_RESULT_NORMAL) ||
                 (s->label != COSM_LABEL_NORMAL && !flags[s->label])))
                fprintf(stderr, "  %s/%s -> %s: %s\n", cosm_label_name(s->label), s->sub_label,
                        sec.label, s->text);
            section_free(&sec);
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        cosm_kwtable_clear(&kw);
        print_tally(judge_names[k], &t);
        double cpu = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("CPU per sentence: %.3f ms\n", judged ? 1000.0 * cpu / (double)judged : 0);
    }
    cosm_engine_free(e[0]);
    cosm_engine_free(e[1]);
    return 0;
}

/* ---- speech (hear and speech modes) ------------------------------------------------------------
 */
typedef struct item {
    const cosm_sample_t *s;
    const char *voice;
    size_t v; /* index of voice in --voices */
} item_t;

typedef struct shared {
    const opts_t *o;
    cosm_engine_t *e[2]; /* [0] classifier (speech mode only), [1] keywords only */
    item_t *items;
    size_t n, next;
    pthread_mutex_t mu;
    FILE *out;
    tally_t t[2], tv[8][2]; /* all clips, and per voice; [k]: the engine */
    double audio_s, proc_s[2];
    size_t failed;
} shared_t;

static void *speech_worker(void *arg)
{
    shared_t *sh = arg;
    bool hear = sh->out != NULL;
    cosm_error_t err = {0};
    cosm_worker_t *w[2] = {NULL, NULL};
    for (int k = hear ? 1 : 0; k < 2; k++)
        if (!(w[k] = cosm_worker_new(sh->e[k], &err)))
            fprintf(stderr, "bench_corpus: %s\n", err.message);
    char *dir = ta_tempdir();
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        size_t i = sh->next++;
        pthread_mutex_unlock(&sh->mu);
        if (i >= sh->n || !dir || !w[1])
            break;
        const item_t *it = &sh->items[i];
        char wav[600];
        snprintf(wav, sizeof(wav), "%s/say.wav", dir);
        cosm_result_t *r[2] = {NULL, NULL};
        bool ok = ta_say(dir, it->voice, it->s->source, wav);
        for (int k = hear ? 1 : 0; ok && k < 2; k++)
            ok = cosm_moderate_file(w[k], wav, NULL, &r[k], &err) == COSM_OK;
        pthread_mutex_lock(&sh->mu);
        if (!ok) {
            sh->failed++;
        } else if (hear) {
            fprintf(sh->out, "%s\t%s\t%s\t%s\t%s\n", cosm_label_name(it->s->label),
                    it->s->sub_label, it->voice, it->s->source, r[1]->audio_text);
            fflush(sh->out);
        } else {
            sh->audio_s += r[0]->duration_ms / 1000.0;
            for (int k = 0; k < 2; k++) {
                int flags[COSM_SCENE_COUNT];
                for (int c = 0; c < COSM_SCENE_COUNT; c++)
                    flags[c] = r[k]->info[c].hit_flag;
                count(&sh->t[k], it->s, r[k]->result, r[k]->label, flags);
                count(&sh->tv[it->v][k], it->s, r[k]->result, r[k]->label, flags);
                sh->proc_s[k] += r[k]->total_seconds;
            }
            if (getenv("BENCH_VERBOSE"))
                fprintf(stderr, "  %s %s/%s -> %s | %s: \"%s\" heard \"%s\"\n", it->voice,
                        cosm_label_name(it->s->label), it->s->sub_label, r[0]->label, r[1]->label,
                        it->s->source, r[0]->audio_text);
        }
        pthread_mutex_unlock(&sh->mu);
        cosm_result_free(r[0]);
        cosm_result_free(r[1]);
    }
    if (dir) {
        ta_rmtree(dir);
        free(dir);
    }
    cosm_worker_free(w[0]);
    cosm_worker_free(w[1]);
    return NULL;
}

/* One row per voice and engine: recall with the right scene, clean and near-miss flags. */
static void print_voices(const char *const *voices, size_t nv, tally_t (*tv)[2])
{
    printf("\n### per voice\n\n| voice | judge | recall | clean flagged | near misses flagged |\n"
           "|---|---|---|---|---|\n");
    for (size_t v = 0; v < nv; v++)
        for (int k = 0; k < 2; k++) {
            const tally_t *t = &tv[v][k];
            size_t pos, hit;
            totals(t, &pos, &hit);
            printf("| %s | %s | %zu/%zu = %.1f%% | %zu/%zu = %.1f%% | %zu/%zu = %.1f%% |\n",
                   voices[v], judge_names[k], hit, pos, pct(hit, pos), t->clean_fp, t->clean,
                   pct(t->clean_fp, t->clean), t->near_fp, t->near, pct(t->near_fp, t->near));
        }
}

/* Rows already heard (voice + sentence) in the output file, to skip them. */
static bool already(const cosm_dataset_t *done, const char *voice, const char *source)
{
    for (size_t i = 0; i < done->n; i++)
        if (strcmp(done->s[i].voice, voice) == 0 && strcmp(done->s[i].source, source) == 0)
            return true;
    return false;
}

static int run_speech(const opts_t *o, const cosm_dataset_t *d, bool hear)
{
    shared_t sh = {.o = o};
    pthread_mutex_init(&sh.mu, NULL);
    cosm_dataset_t done = {0};
    cosm_error_t err = {0};
    if (hear) {
        if (!o->out) {
            fprintf(stderr, "bench_corpus: hear needs --out FILE\n");
            return 2;
        }
        FILE *probe = fopen(o->out, "r");
        if (probe) {
            fclose(probe);
            if (cosm_dataset_load(&done, o->out, &err) != COSM_OK) {
                fprintf(stderr, "bench_corpus: %s\n", err.message);
                return 1;
            }
        }
        if (!(sh.out = fopen(o->out, "a")))
            return 1;
    }
    char vbuf[128];
    const char *voices[8];
    size_t nv = 0;
    snprintf(vbuf, sizeof(vbuf), "%s", o->voices);
    char *save = NULL;
    for (char *v = strtok_r(vbuf, ",", &save); v && nv < 8; v = strtok_r(NULL, ",", &save))
        voices[nv++] = v;
    sh.items = calloc(d->n * nv + 1, sizeof(*sh.items));
    for (size_t i = 0; i < d->n; i++) {
        const cosm_sample_t *s = &d->s[i];
        if (!o->split[s->split] || s->voice[0])
            continue;
        for (size_t v = 0; v < nv; v++) {
            if (o->rotate && v != (cosm_hash64(s->source) / 10) % nv)
                continue;
            if (hear && already(&done, voices[v], s->source))
                continue;
            sh.items[sh.n++] = (item_t){s, voices[v], v};
        }
    }
    /* --limit N: N clips spread evenly over the files (so every scene keeps its share). */
    if (o->limit && o->limit < sh.n) {
        for (size_t i = 0; i < o->limit; i++)
            sh.items[i] = sh.items[i * sh.n / o->limit];
        sh.n = o->limit;
    }
    fprintf(stderr, "bench_corpus: %zu clips to speak\n", sh.n);
    sh.e[1] = engine(o, false);
    sh.e[0] = hear ? NULL : engine(o, true);
    if (!sh.e[1] || (!hear && !sh.e[0]))
        return 1;
    pthread_t th[16];
    int nj = o->jobs < 1 ? 1 : o->jobs > 16 ? 16 : o->jobs;
    for (int j = 0; j < nj; j++)
        pthread_create(&th[j], NULL, speech_worker, &sh);
    for (int j = 0; j < nj; j++)
        pthread_join(th[j], NULL);
    if (!hear) {
        printf("\nvoices %s, %zu clips, %.1f s of audio, %zu failed\n", o->voices, sh.n, sh.audio_s,
               sh.failed);
        print_tally("classifier + libraries (spoken)", &sh.t[0]);
        printf("RTF %.3f\n", sh.proc_s[0] / (sh.audio_s > 0 ? sh.audio_s : 1));
        print_tally("keyword libraries only (spoken)", &sh.t[1]);
        printf("RTF %.3f\n", sh.proc_s[1] / (sh.audio_s > 0 ? sh.audio_s : 1));
        print_voices(voices, nv, sh.tv);
    } else {
        fclose(sh.out);
        fprintf(stderr, "bench_corpus: %zu failed\n", sh.failed);
    }
    cosm_engine_free(sh.e[0]);
    cosm_engine_free(sh.e[1]);
    cosm_dataset_clear(&done);
    free(sh.items);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lo[] = {{"voices", required_argument, NULL, 'v'},
                                       {"rotate", no_argument, NULL, 'r'},
                                       {"jobs", required_argument, NULL, 'j'},
                                       {"out", required_argument, NULL, 'o'},
                                       {"limit", required_argument, NULL, 'l'},
                                       {"model", required_argument, NULL, 'm'},
                                       {NULL, 0, NULL, 0}};
    opts_t o = {.voices = "slt,kal,espeak", .jobs = 2};
    int c;
    while ((c = getopt_long(argc, argv, "v:rj:o:l:m:", lo, NULL)) != -1) {
        switch (c) {
        case 'v':
            o.voices = optarg;
            break;
        case 'r':
            o.rotate = true;
            break;
        case 'j':
            o.jobs = (int)strtol(optarg, NULL, 10);
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'l':
            o.limit = (size_t)strtoul(optarg, NULL, 10);
            break;
        case 'm':
            o.model = optarg;
            break;
        default:
            return 2;
        }
    }
    if (argc - optind < 3) {
        fprintf(stderr, "usage: bench_corpus text|speech|hear SPLIT[,SPLIT] [options] FILE...\n");
        return 2;
    }
    const char *mode = argv[optind], *splits = argv[optind + 1];
    for (int s = 0; s < 3; s++)
        o.split[s] = strstr(splits, cosm_split_name((cosm_split_t)s)) != NULL;
    av_log_set_level(AV_LOG_QUIET);
    cosm_dataset_t d = {0};
    cosm_error_t err = {0};
    for (int i = optind + 2; i < argc; i++)
        if (cosm_dataset_load(&d, argv[i], &err) != COSM_OK) {
            fprintf(stderr, "bench_corpus: %s\n", err.message);
            return 1;
        }
    int rc = strcmp(mode, "text") == 0     ? run_text(&o, &d)
             : strcmp(mode, "speech") == 0 ? run_speech(&o, &d, false)
             : strcmp(mode, "hear") == 0   ? run_speech(&o, &d, true)
                                           : 2;
    cosm_dataset_clear(&d);
    return rc;
}
