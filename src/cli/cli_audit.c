/* cli_audit.c: `cos audit`: submits a CI audio moderation job for an object, a local file (uploaded
 * first) or a URL, and with --wait polls until it ends and prints a readable verdict: Result,
 * Label, per-scene scores, and each section's time range, text and hits (or the whole result as
 * JSON). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *result_name(int r)
{
    return r == 1 ? "violating" : r == 2 ? "suspected" : "normal";
}

typedef struct scene_ref {
    const char *name;
    size_t offset; /* of the ci_audio_auditing_scene_info_t in a jobs detail / section */
} scene_ref_t;

#define SCENE(n, f)                                                                                \
    {                                                                                              \
        n, offsetof(ci_get_audio_auditing_jobs_detail_t, f)                                        \
    }
static const scene_ref_t JOB_SCENES[] = {
    SCENE("Porn", porn_info),         SCENE("Terrorism", terrorism_info),
    SCENE("Politics", politics_info), SCENE("Ads", ads_info),
    SCENE("Illegal", illegal_info),   SCENE("Abuse", abuse_info),
    SCENE("Teenager", teenager_info),
};
#undef SCENE
#define SCENE(n, f)                                                                                \
    {                                                                                              \
        n, offsetof(ci_audio_auditing_section_t, f)                                                \
    }
static const scene_ref_t SECTION_SCENES[] = {
    SCENE("Porn", porn_info),         SCENE("Terrorism", terrorism_info),
    SCENE("Politics", politics_info), SCENE("Ads", ads_info),
    SCENE("Illegal", illegal_info),   SCENE("Abuse", abuse_info),
    SCENE("Teenager", teenager_info),
};
#undef SCENE
#define NSCENES (sizeof(JOB_SCENES) / sizeof(JOB_SCENES[0]))

static const ci_audio_auditing_scene_info_t *scene_at(const void *base, size_t off)
{
    return (const ci_audio_auditing_scene_info_t *)((const char *)base + off);
}

static const char *s_or(const cos_string_t *s, const char *dflt)
{
    return s->data ? s->data : dflt;
}

/* ---------------------------------------------------------------- JSON */

static cJSON *keywords_json(const cos_list_t *list)
{
    cJSON *a = cJSON_CreateArray();
    ci_auditing_keyword_t *k;
    cos_list_for_each_entry(ci_auditing_keyword_t, k, list, node)
    {
        cJSON_AddItemToArray(a, cJSON_CreateString(s_or(&k->keyword, "")));
    }
    return a;
}

static void scene_json(cJSON *parent, const char *name, const ci_audio_auditing_scene_info_t *si)
{
    if (!si->present) {
        return;
    }
    char key[32];
    snprintf(key, sizeof(key), "%sInfo", name);
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    cJSON_AddNumberToObject(o, "HitFlag", si->hit_flag);
    cJSON_AddNumberToObject(o, "Score", si->score);
    cJSON_AddStringToObject(o, "Label", s_or(&si->label, ""));
    cJSON_AddStringToObject(o, "SubLabel", s_or(&si->sub_label, ""));
    cJSON_AddItemToObject(o, "Keywords", keywords_json(&si->keywords));
    cJSON *libs = cJSON_AddArrayToObject(o, "LibResults");
    ci_auditing_lib_result_t *l;
    cos_list_for_each_entry(ci_auditing_lib_result_t, l, &si->lib_results, node)
    {
        cJSON *lj = cJSON_CreateObject();
        cJSON_AddNumberToObject(lj, "LibType", l->lib_type);
        cJSON_AddStringToObject(lj, "LibName", s_or(&l->lib_name, ""));
        cJSON_AddItemToObject(lj, "Keywords", keywords_json(&l->keywords));
        cJSON_AddItemToArray(libs, lj);
    }
}

static cJSON *detail_json(const ci_get_audio_auditing_jobs_detail_t *d)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "JobId", s_or(&d->job_id, ""));
    cJSON_AddStringToObject(j, "State", s_or(&d->state, ""));
    if (d->code.data && strcmp(s_or(&d->state, ""), "Failed") == 0) {
        cJSON_AddStringToObject(j, "Code", d->code.data);
        cJSON_AddStringToObject(j, "Message", s_or(&d->message, ""));
    }
    cJSON_AddStringToObject(j, "CreationTime", s_or(&d->creation_time, ""));
    if (d->object.data) {
        cJSON_AddStringToObject(j, "Object", d->object.data);
    }
    if (d->url.data) {
        cJSON_AddStringToObject(j, "Url", d->url.data);
    }
    if (d->data_id.data) {
        cJSON_AddStringToObject(j, "DataId", d->data_id.data);
    }
    cJSON_AddNumberToObject(j, "Result", d->result);
    cJSON_AddStringToObject(j, "Label", s_or(&d->label, ""));
    cJSON_AddStringToObject(j, "SubLabel", s_or(&d->sub_label, ""));
    cJSON_AddStringToObject(j, "AudioText", s_or(&d->audio_text, ""));
    cJSON_AddNumberToObject(j, "ForbidState", d->forbid_state);
    for (size_t i = 0; i < NSCENES; i++) {
        scene_json(j, JOB_SCENES[i].name, scene_at(d, JOB_SCENES[i].offset));
    }
    cJSON *secs = cJSON_AddArrayToObject(j, "Section");
    ci_audio_auditing_section_t *s;
    cos_list_for_each_entry(ci_audio_auditing_section_t, s, &d->section_list, node)
    {
        cJSON *sj = cJSON_CreateObject();
        cJSON_AddStringToObject(sj, "Url", s_or(&s->url, ""));
        cJSON_AddStringToObject(sj, "Text", s_or(&s->text, ""));
        cJSON_AddNumberToObject(sj, "OffsetTime", s->offset_time);
        cJSON_AddNumberToObject(sj, "Duration", s->duration);
        cJSON_AddStringToObject(sj, "Label", s_or(&s->label, ""));
        cJSON_AddNumberToObject(sj, "Result", s->result);
        for (size_t i = 0; i < NSCENES; i++) {
            scene_json(sj, SECTION_SCENES[i].name, scene_at(s, SECTION_SCENES[i].offset));
        }
        cJSON_AddItemToArray(secs, sj);
    }
    return j;
}

/* ---------------------------------------------------------------- human output */

static void print_time(int ms, char *out, size_t n)
{
    snprintf(out, n, "%d:%02d.%d", ms / 60000, (ms / 1000) % 60, (ms / 100) % 10);
}

static void print_verdict(const ci_get_audio_auditing_jobs_detail_t *d)
{
    printf("Job:      %s  %s\n", s_or(&d->job_id, ""), s_or(&d->state, ""));
    if (strcmp(s_or(&d->state, ""), "Failed") == 0) {
        printf("Failure:  %s %s\n", s_or(&d->code, ""), s_or(&d->message, ""));
        return;
    }
    const char *sub = s_or(&d->sub_label, "");
    printf("Result:   %d (%s)   Label: %s%s%s%s\n", d->result, result_name(d->result),
           s_or(&d->label, "Normal"), *sub ? " (" : "", sub, *sub ? ")" : "");
    printf("Scenes:  ");
    for (size_t i = 0; i < NSCENES; i++) {
        const ci_audio_auditing_scene_info_t *si = scene_at(d, JOB_SCENES[i].offset);
        if (si->present) {
            printf(" %s %d%s%s", JOB_SCENES[i].name, si->score, si->hit_flag ? " " : "",
                   si->hit_flag ? result_name(si->hit_flag) : "");
            printf(i + 1 < NSCENES ? " |" : "");
        }
    }
    printf("\n");
    if (d->forbid_state == 1) {
        printf("Frozen:   the object is frozen (ForbidState 1)\n");
    }
    printf("Text:     %s\n", s_or(&d->audio_text, ""));
    printf("Sections:\n");
    ci_audio_auditing_section_t *s;
    cos_list_for_each_entry(ci_audio_auditing_section_t, s, &d->section_list, node)
    {
        char a[16], b[16];
        print_time(s->offset_time, a, sizeof(a));
        print_time(s->offset_time + s->duration, b, sizeof(b));
        int worst = 0;
        char hits[512] = "";
        size_t hl = 0;
        for (size_t i = 0; i < NSCENES; i++) {
            const ci_audio_auditing_scene_info_t *si = scene_at(s, SECTION_SCENES[i].offset);
            worst = si->score > worst ? si->score : worst;
            ci_auditing_keyword_t *k;
            cos_list_for_each_entry(ci_auditing_keyword_t, k, &si->keywords, node)
            {
                int w = snprintf(hits + hl, sizeof(hits) - hl, "%s%s", hl ? ", " : "",
                                 s_or(&k->keyword, ""));
                if (w > 0 && (size_t)w < sizeof(hits) - hl) {
                    hl += (size_t)w;
                }
            }
        }
        printf("  %s-%s  %-9s %3d %-9s \"%s\"%s%s\n", a, b, s_or(&s->label, "Normal"), worst,
               result_name(s->result), s_or(&s->text, ""), hl ? "  hits: " : "", hits);
    }
}

/* ---------------------------------------------------------------- command */

static void spin(cli_t *c, const char *state, double elapsed)
{
    static const char frames[] = "|/-\\";
    if (!c->progress) {
        return;
    }
    fprintf(stderr, "\r%c moderating (%s, %.0f s)\033[K", frames[(int)(elapsed * 4) % 4], state,
            elapsed);
    fflush(stderr);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_cmd_audit(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"bucket", required_argument, NULL, 'b'},
                                             {"url", required_argument, NULL, 'u'},
                                             {"biz-type", required_argument, NULL, 't'},
                                             {"callback", required_argument, NULL, 'c'},
                                             {"data-id", required_argument, NULL, 'd'},
                                             {"wait", no_argument, NULL, 'w'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *bucket_arg = NULL, *url = NULL, *biz = NULL, *callback = NULL, *data_id = NULL;
    bool wait = false;
    long timeout = 600;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "b:u:t:c:d:wT:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            bucket_arg = optarg;
            break;
        case 'u':
            url = optarg;
            break;
        case 't':
            biz = optarg;
            break;
        case 'c':
            callback = optarg;
            break;
        case 'd':
            data_id = optarg;
            break;
        case 'w':
            wait = true;
            break;
        case 'T':
            timeout = strtol(optarg, NULL, 10);
            if (timeout <= 0) {
                cli_usage_error(c, "--timeout must be a positive number of seconds");
                return CLI_USAGE;
            }
            break;
        case 'h':
            printf("usage: cos audit cos://BUCKET/KEY [--biz-type ID] [--wait]\n"
                   "       cos audit LOCAL_FILE --bucket cos://BUCKET [--biz-type ID] [--wait]\n"
                   "       cos audit --url URL --bucket cos://BUCKET [--biz-type ID] [--wait]\n"
                   "Submits a CI audio moderation job. A local file is uploaded to audit/<name> "
                   "first.\n"
                   "--wait polls until the job ends (at most --timeout seconds, default 600) and "
                   "prints\n"
                   "the verdict; --callback URL and --data-id ID are passed to the job.\n");
            return CLI_OK;
        default:
            return CLI_USAGE;
        }
    }
    int npos = argc - optind;
    const char *src = npos == 1 ? argv[optind] : NULL;
    if ((url && npos != 0) || (!url && npos != 1)) {
        cli_usage_error(c, "audit needs one input: cos://BUCKET/KEY, a local file, or --url URL "
                           "(see cos audit --help)");
        return CLI_USAGE;
    }
    cli_uri_t u = {0}, b = {0};
    if (bucket_arg && !cli_uri_parse(c, bucket_arg, &b)) {
        return CLI_USAGE;
    }
    if (src && cli_is_cos_uri(src)) {
        if (!cli_uri_parse(c, src, &u)) {
            return CLI_USAGE;
        }
        if (!*u.key) {
            cli_usage_error(c, "audit needs an object, not only a bucket ('%s')", src);
            return CLI_USAGE;
        }
    } else {
        if (!bucket_arg) {
            cli_usage_error(
                c,
                "a local file or --url needs --bucket cos://BUCKET (the job runs in that bucket)");
            return CLI_USAGE;
        }
        u.bucket = b.bucket;
        u.key = NULL;
    }
    if (!cli_options(c) || !cli_ci_options(c)) {
        return CLI_USAGE;
    }
    if (src && !cli_is_cos_uri(src)) {
        if (access(src, R_OK) != 0) {
            cli_error(c, "cannot read %s", src);
            return CLI_FAILED;
        }
        const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
        size_t n = strlen(base) + 8;
        u.key = cos_palloc(c->pool, n);
        snprintf(u.key, n, "audit/%s", base);
        int rc = cli_upload(c, src, u.bucket, u.key);
        if (rc != CLI_OK) {
            return rc;
        }
    }
    ci_audio_auditing_job_options_t *jo = ci_audio_auditing_job_options_create(c->pool);
    if (url) {
        cos_str_set(&jo->input_url, url);
    } else {
        cos_str_set(&jo->input_object, u.key);
    }
    if (biz) {
        cos_str_set(&jo->job_conf.biz_type, biz);
    }
    if (callback) {
        cos_str_set(&jo->job_conf.callback, callback);
    }
    if (data_id) {
        cos_str_set(&jo->input_data_id, data_id);
    }
    cos_request_options_t *o = cli_ci_options(c);
    cos_string_t bucket = cli_str(u.bucket);
    cos_table_t *resp = NULL;
    ci_audio_auditing_job_result_t *created = NULL;
    cos_status_t *s = ci_create_audio_auditing_job(o, &bucket, jo, NULL, &resp, &created);
    if (!cos_status_is_ok(s) || !created) {
        return cli_report(c, "submit audio moderation job", s);
    }
    const char *job_id = created->jobs_detail.job_id.data;
    if (!wait) {
        if (c->json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "JobId", job_id);
            cJSON_AddStringToObject(j, "State", s_or(&created->jobs_detail.state, ""));
            cli_json_print(j);
        } else {
            printf("%s %s\n", job_id, s_or(&created->jobs_detail.state, ""));
        }
        return CLI_OK;
    }
    cos_string_t jid = cli_str(job_id);
    double start = now_s();
    for (;;) {
        cos_pool_t *sub = NULL;
        cos_pool_create(&sub, c->pool);
        cos_request_options_t poll = *o;
        poll.pool = sub;
        ci_get_audio_auditing_job_result_t *r = NULL;
        s = ci_get_audio_auditing_job(&poll, &bucket, &jid, NULL, &resp, &r);
        if (!cos_status_is_ok(s) || !r) {
            if (c->progress) {
                fprintf(stderr, "\n");
            }
            int rc = cli_report(c, "query audio moderation job", s);
            cos_pool_destroy(sub);
            return rc;
        }
        const char *state = s_or(&r->jobs_detail.state, "");
        if (strcmp(state, "Success") == 0 || strcmp(state, "Failed") == 0) {
            if (c->progress) {
                fprintf(stderr, "\r\033[K");
            }
            if (c->json) {
                cli_json_print(detail_json(&r->jobs_detail));
            } else {
                print_verdict(&r->jobs_detail);
            }
            bool ok = strcmp(state, "Success") == 0;
            if (!ok && !c->json) {
                cli_error(c, "the job failed: %s %s", s_or(&r->jobs_detail.code, ""),
                          s_or(&r->jobs_detail.message, ""));
            }
            cos_pool_destroy(sub);
            return ok ? CLI_OK : CLI_FAILED;
        }
        double el = now_s() - start;
        spin(c, state, el);
        cos_pool_destroy(sub);
        if (el > (double)timeout) {
            if (c->progress) {
                fprintf(stderr, "\n");
            }
            cli_error(c, "job %s is still %s after %ld s; query it again later", job_id, state,
                      timeout);
            return CLI_FAILED;
        }
        usleep(300 * 1000);
    }
}
