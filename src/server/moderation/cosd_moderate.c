/* cosd-moderate: runs the audio moderation engine on a local file and prints the verdict, as text
 * or (--json) as the JobsDetail object of the Detail callback.
 * Usage: cosd-moderate FILE [--config FILE] [--biz-type ID] [--json] */
#include "cosm_engine.h"

#include <getopt.h>
#include <libavutil/log.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef COSM_SOURCE_LIBRARY_DIR
#define COSM_SOURCE_LIBRARY_DIR ""
#endif

static void usage(FILE *f)
{
    fputs("usage: cosd-moderate FILE [--config FILE] [--biz-type ID] [--json]\n"
          "  Moderates an audio (or video) file with cosd's engine and prints the verdict.\n"
          "  --config FILE   cosd's JSON configuration; its \"moderation\" object is used\n"
          "  --biz-type ID   moderation policy (BizType) to apply; default policy otherwise\n"
          "  --json          print the JobsDetail object (Detail callback shape)\n"
          "Exit status: 0 when the file was moderated (whatever the verdict), 1 when it could not "
          "be,\n"
          "2 on a usage or configuration error.\n",
          f);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Library directory when the configuration names none: installed path, else the source tree. */
static const char *pick_library_dir(const cJSON *mod)
{
    if (cJSON_GetObjectItemCaseSensitive(mod, "library_dir"))
        return NULL;
    if (access(cosm_default_library_dir(), R_OK) == 0 || !COSM_SOURCE_LIBRARY_DIR[0])
        return NULL;
    return COSM_SOURCE_LIBRARY_DIR;
}

static void print_text(const char *path, const cosm_result_t *r)
{
    static const char *const verdict[] = {"normal", "violating", "suspected"};
    printf("%s: %s (Result %d, %s), %.1f s of audio, %zu section(s), processed in %.2f s\n", path,
           r->label, r->result, verdict[r->result], r->duration_ms / 1000.0, r->n_sections,
           r->total_seconds);
    printf("AudioText: %s\n", r->audio_text);
    for (int k = 0; k < COSM_SCENE_COUNT; k++) {
        const cosm_scene_info_t *i = &r->info[k];
        if (!i->audited)
            continue;
        printf("  %-9s HitFlag %d  Score %3d", cosm_scene_name((cosm_scene_t)k), i->hit_flag,
               i->score);
        for (size_t j = 0; j < i->n_keywords; j++)
            printf("%s%s", j ? ", " : "  keywords: ", i->keywords[j]);
        putchar('\n');
    }
    for (size_t s = 0; s < r->n_sections; s++) {
        const cosm_section_t *sec = &r->sections[s];
        printf("Section %zu  %7.2f s +%5.2f s  %-9s Result %d  \"%s\"\n", s,
               sec->offset_ms / 1000.0, sec->duration_ms / 1000.0, sec->label, sec->result,
               sec->text);
    }
    for (size_t l = 0; l < r->n_list_hits; l++)
        printf("List %s (%s): %s\n", r->list_hits[l].list_name,
               r->list_hits[l].list_type ? "block" : "allow", r->list_hits[l].entity);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"biz-type", required_argument, NULL, 'b'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *config = NULL, *biz = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:b:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'b':
            biz = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "cosd-moderate: give exactly one FILE to moderate\n");
        usage(stderr);
        return 2;
    }
    const char *path = argv[optind];
    av_log_set_level(AV_LOG_QUIET);

    cJSON *root = NULL;
    const cJSON *mod = NULL;
    if (config) {
        size_t len = 0;
        char *text = read_file(config, &len);
        if (!text) {
            fprintf(stderr, "cosd-moderate: cannot read the configuration file '%s'\n", config);
            return 2;
        }
        root = cJSON_ParseWithLength(text, len);
        free(text);
        if (!cJSON_IsObject(root)) {
            fprintf(stderr, "cosd-moderate: '%s' is not a JSON object\n", config);
            cJSON_Delete(root);
            return 2;
        }
        mod = cJSON_GetObjectItemCaseSensitive(root, "moderation");
    }
    cosm_error_t err = {0};
    cosm_engine_t *e = cosm_engine_new(mod, pick_library_dir(mod), &err);
    cJSON_Delete(root);
    if (!e) {
        fprintf(stderr, "cosd-moderate: configuration error: %s\n", err.message);
        return 2;
    }
    cosm_worker_t *w = cosm_worker_new(e, &err);
    if (!w) {
        fprintf(stderr, "cosd-moderate: %s\n", err.message);
        cosm_engine_free(e);
        return err.code == COSM_ERR_CONFIG ? 2 : 1;
    }
    cosm_request_t req = {.biz_type = biz};
    cosm_result_t *r = NULL;
    int rc = cosm_moderate_file(w, path, &req, &r, &err);
    int status = 0;
    if (rc != COSM_OK) {
        fprintf(stderr, "cosd-moderate: %s (code %d)\n", err.message, err.code);
        if (json) {
            cJSON *j = cosm_error_to_json(&err);
            char *s = j ? cJSON_Print(j) : NULL;
            if (s)
                puts(s);
            free(s);
            cJSON_Delete(j);
        }
        status = 1;
    } else if (json) {
        cJSON *j = cosm_result_to_json(r, false);
        char *s = j ? cJSON_Print(j) : NULL;
        if (s)
            puts(s);
        else
            status = 1;
        free(s);
        cJSON_Delete(j);
    } else {
        print_text(path, r);
    }
    cosm_result_free(r);
    cosm_worker_free(w);
    cosm_engine_free(e);
    return status;
}
