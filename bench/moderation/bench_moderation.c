/* bench_moderation: figures of the audio moderation engine on speech generated at run time:
 * accuracy per voice and match mode (recall = violating clips flagged with the right scene, false
 * positives = clean clips flagged), real-time factor on one core for a 60 s file, and throughput
 * with several workers. Usage: bench_moderation [--voices slt,kal,espeak] [--modes text,phones,kws]
 *        [--workers N] [--conf JSON] [--skip-accuracy] [--skip-speed]
 * --conf gives a "moderation" configuration object to start from (e.g. other model settings). */
#include "cosm_corpus.h"
#include "cosm_engine.h"
#include "cosm_testaudio.h"

#include <getopt.h>
#include <libavutil/log.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *base_conf = "{}";

static cosm_engine_t *engine_for(const char *mode)
{
    cJSON *c = cJSON_Parse(base_conf);
    if (!cJSON_IsObject(c)) {
        fprintf(stderr, "--conf is not a JSON object\n");
        cJSON_Delete(c);
        return NULL;
    }
    cJSON_DeleteItemFromObject(c, "match");
    cJSON_AddStringToObject(c, "match", mode);
    cosm_error_t err = {0};
    cosm_engine_t *e = cosm_engine_new(c, COSM_BENCH_LIBRARY_DIR, &err);
    cJSON_Delete(c);
    if (!e)
        fprintf(stderr, "engine: %s\n", err.message);
    return e;
}

static void accuracy(const char *dir, const char *voices, const char *modes)
{
    char vbuf[128], mbuf[128];
    snprintf(vbuf, sizeof(vbuf), "%s", voices);
    printf("\n## Accuracy (%zu sentences per voice: %d violating, %d clean)\n\n", cosm_corpus_len,
           28, 12);
    printf("| voice | match | recall (right scene) | false positives | audio s | RTF wall | RTF "
           "CPU |\n"
           "|---|---|---|---|---|---|---|\n");
    char *vs = NULL;
    for (char *v = strtok_r(vbuf, ",", &vs); v; v = strtok_r(NULL, ",", &vs)) {
        /* Synthesize once per voice. */
        for (size_t i = 0; i < cosm_corpus_len; i++) {
            char out[600];
            snprintf(out, sizeof(out), "%s/%s-%02zu.wav", dir, v, i);
            if (!ta_say(dir, v, cosm_corpus[i].text, out)) {
                fprintf(stderr, "cannot synthesize with voice %s\n", v);
                return;
            }
        }
        snprintf(mbuf, sizeof(mbuf), "%s", modes);
        char *ms = NULL;
        for (char *m = strtok_r(mbuf, ",", &ms); m; m = strtok_r(NULL, ",", &ms)) {
            cosm_engine_t *e = engine_for(m);
            cosm_error_t err = {0};
            cosm_worker_t *w = e ? cosm_worker_new(e, &err) : NULL;
            if (!w) {
                cosm_engine_free(e);
                return;
            }
            int viol = 0, hit = 0, clean = 0, fp = 0;
            double audio = 0, proc = 0, cpu = 0;
            for (size_t i = 0; i < cosm_corpus_len; i++) {
                char in[600];
                snprintf(in, sizeof(in), "%s/%s-%02zu.wav", dir, v, i);
                cosm_result_t *r = NULL;
                double c0 = cpu_s();
                if (cosm_moderate_file(w, in, NULL, &r, &err) != COSM_OK) {
                    fprintf(stderr, "%s: %s\n", in, err.message);
                    continue;
                }
                cpu += cpu_s() - c0;
                audio += r->duration_ms / 1000.0;
                proc += r->total_seconds;
                int sc = cosm_corpus[i].scene;
                bool ok;
                if (sc >= 0) {
                    viol++;
                    ok = r->info[sc].hit_flag != 0;
                    hit += ok;
                } else {
                    clean++;
                    ok = r->result == 0;
                    fp += !ok;
                }
                if (!ok && getenv("BENCH_VERBOSE"))
                    fprintf(stderr, "  miss %s/%s [%s]: \"%s\" -> %s \"%s\"\n", v, m,
                            sc >= 0 ? cosm_scene_name((cosm_scene_t)sc) : "clean",
                            cosm_corpus[i].text, r->label, r->audio_text);
                cosm_result_free(r);
            }
            printf("| %s | %s | %d/%d = %.0f%% | %d/%d = %.0f%% | %.1f | %.3f | %.3f |\n", v, m,
                   hit, viol, 100.0 * hit / (viol ? viol : 1), fp, clean,
                   100.0 * fp / (clean ? clean : 1), audio, proc / (audio > 0 ? audio : 1),
                   cpu / (audio > 0 ? audio : 1));
            fflush(stdout);
            cosm_worker_free(w);
            cosm_engine_free(e);
        }
    }
}

typedef struct job {
    const cosm_engine_t *e;
    const char *path;
    int runs;
    double audio;
    double cpu;      /* CPU seconds of this thread, start-up included */
    double cpu_work; /* of which moderating (models loaded) */
} job_t;

static void *work(void *arg)
{
    job_t *j = arg;
    cosm_error_t err = {0};
    double c0 = cpu_s();
    cosm_worker_t *w = cosm_worker_new(j->e, &err);
    double c1 = cpu_s();
    for (int i = 0; w && i < j->runs; i++) {
        cosm_result_t *r = NULL;
        if (cosm_moderate_file(w, j->path, NULL, &r, &err) == COSM_OK)
            j->audio += r->duration_ms / 1000.0;
        cosm_result_free(r);
    }
    j->cpu_work = cpu_s() - c1;
    j->cpu = cpu_s() - c0;
    cosm_worker_free(w);
    return NULL;
}

static void speed(const char *dir, int workers)
{
    /* A 60 s file: the corpus spoken by slt, 0.4 s apart, cut at 60 s, as mp3. */
    char list[8192] = "", wav[600], mp3[600];
    size_t used = 0;
    for (size_t i = 0; i < cosm_corpus_len; i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s/s60-%02zu.wav", dir, i);
        if (!ta_say(dir, "slt", cosm_corpus[i].text, p))
            return;
        ta_run("sox '%s' -r 16000 -c 1 '%s.16k.wav' pad 0 0.4", p, p);
        used += (size_t)snprintf(list + used, sizeof(list) - used, " '%s.16k.wav'", p);
    }
    snprintf(wav, sizeof(wav), "%s/long.wav", dir);
    snprintf(mp3, sizeof(mp3), "%s/long.mp3", dir);
    if (ta_run("sox %s '%s' trim 0 60", list, wav) != 0 || !ta_ffmpeg(wav, "-b:a 128k", mp3))
        return;
    cosm_engine_t *e = engine_for("phones");
    if (!e)
        return;
    printf("\n## Speed (60 s mp3, default configuration, match phones)\n\n");
    double t0 = now_s();
    job_t one = {e, mp3, 1, 0, 0, 0};
    work(&one);
    double t1 = now_s() - t0;
    double a1 = one.audio > 0 ? one.audio : 1;
    printf("- one worker, one file: %.1f s audio in %.2f s wall (worker start-up included) -> RTF "
           "%.3f wall; "
           "CPU %.2f s -> RTF %.3f CPU (%.3f without the 1st-call model load)\n",
           one.audio, t1, t1 / a1, one.cpu, one.cpu / a1, one.cpu_work / a1);
    job_t js[16];
    pthread_t th[16];
    if (workers > 16)
        workers = 16;
    t0 = now_s();
    for (int i = 0; i < workers; i++) {
        js[i] = (job_t){e, mp3, 2, 0, 0, 0};
        pthread_create(&th[i], NULL, work, &js[i]);
    }
    double audio = 0;
    for (int i = 0; i < workers; i++) {
        pthread_join(th[i], NULL);
        audio += js[i].audio;
    }
    double t2 = now_s() - t0;
    printf("- %d workers, 2 files each: %.1f s audio in %.2f s -> %.2f audio seconds per second "
           "(%.2f x real time)\n",
           workers, audio, t2, audio / t2, audio / t2);
    cosm_engine_free(e);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"voices", required_argument, NULL, 'v'},
                                         {"modes", required_argument, NULL, 'm'},
                                         {"workers", required_argument, NULL, 'w'},
                                         {"conf", required_argument, NULL, 'c'},
                                         {"skip-accuracy", no_argument, NULL, 'a'},
                                         {"skip-speed", no_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    const char *voices = "slt,kal,espeak", *modes = "text,phones,kws";
    int workers = 2, c;
    bool acc = true, spd = true;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            voices = optarg;
            break;
        case 'm':
            modes = optarg;
            break;
        case 'w':
            workers = atoi(optarg);
            break;
        case 'c':
            base_conf = optarg;
            break;
        case 'a':
            acc = false;
            break;
        case 's':
            spd = false;
            break;
        default:
            return 2;
        }
    }
    av_log_set_level(AV_LOG_QUIET);
    char *dir = ta_tempdir();
    if (!dir)
        return 1;
    time_t t = time(NULL);
    char date[64];
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("# bench_moderation, %s, configuration %s\n", date, base_conf);
    if (acc)
        accuracy(dir, voices, modes);
    if (spd)
        speed(dir, workers);
    ta_rmtree(dir);
    free(dir);
    return 0;
}
