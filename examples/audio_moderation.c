/* audio_moderation: the audio moderation flow of the documentation: submit a CI audio auditing job
 * for an object (COS_BUCKET, COS_OBJECT), poll until it ends, print the verdict and each section.
 * The CI endpoint is COS_CI_ENDPOINT (e.g. ci.ap-guangzhou.myqcloud.com); for a local cosd also set
 * COS_CI_ROUTE=127.0.0.1:PORT so the request reaches it under the CI host name. */
#include <string.h>
#include <unistd.h>

#include "example_env.h"

static const char *str(const cos_string_t *s)
{
    return s->data ? s->data : "";
}

int main(void)
{
    if (cos_http_io_initialize(NULL, 0) != COSE_OK) {
        exit(1);
    }
    cos_pool_t *p = NULL;
    cos_pool_create(&p, NULL);
    cos_request_options_t *options = cos_request_options_create(p);
    options->config = cos_config_create(options->pool);
    init_test_config(options->config, 0);
    cos_str_set(&options->config->endpoint, example_env("COS_CI_ENDPOINT"));
    options->ctl = cos_http_controller_create(options->pool, 0);
    const char *route = getenv("COS_CI_ROUTE");
    if (route && strchr(route, ':')) {
        char *ip = apr_pstrdup(p, route);
        char *colon = strrchr(ip, ':');
        *colon = '\0';
        cos_set_request_route(options->ctl, ip, atoi(colon + 1));
    }
    cos_string_t bucket;
    cos_str_set(&bucket, example_env("COS_BUCKET"));

    /* Submit the job. */
    ci_audio_auditing_job_options_t *job = ci_audio_auditing_job_options_create(p);
    cos_str_set(&job->input_object, example_env("COS_OBJECT"));
    cos_str_set(&job->input_data_id, "example-data-id");
    cos_str_set(&job->job_conf.callback_version, "Detail");
    cos_table_t *resp_headers = NULL;
    ci_audio_auditing_job_result_t *created = NULL;
    cos_status_t *s =
        ci_create_audio_auditing_job(options, &bucket, job, NULL, &resp_headers, &created);
    if (!cos_status_is_ok(s)) {
        printf("create audio auditing job failed: %s\n", s->error_code ? s->error_code : "");
        example_print_status("create audio auditing job", s);
        cos_pool_destroy(p);
        cos_http_io_deinitialize();
        return 1;
    }
    printf("job %s %s\n", str(&created->jobs_detail.job_id), str(&created->jobs_detail.state));

    /* Poll until it ends (at most about two minutes). */
    int rc = 1;
    for (int i = 0; i < 400; i++) {
        ci_get_audio_auditing_job_result_t *r = NULL;
        s = ci_get_audio_auditing_job(options, &bucket, &created->jobs_detail.job_id, NULL,
                                      &resp_headers, &r);
        if (!cos_status_is_ok(s)) {
            example_print_status("get audio auditing job", s);
            break;
        }
        ci_get_audio_auditing_jobs_detail_t *d = &r->jobs_detail;
        if (strcmp(str(&d->state), "Failed") == 0) {
            printf("job failed: %s %s\n", str(&d->code), str(&d->message));
            break;
        }
        if (strcmp(str(&d->state), "Success") == 0) {
            printf("result %d label %s sublabel %s\n", d->result, str(&d->label),
                   str(&d->sub_label));
            printf("text: %s\n", str(&d->audio_text));
            ci_audio_auditing_section_t *sec;
            cos_list_for_each_entry(ci_audio_auditing_section_t, sec, &d->section_list, node)
            {
                printf("section at %d ms for %d ms: %s (result %d) \"%s\"\n", sec->offset_time,
                       sec->duration, str(&sec->label), sec->result, str(&sec->text));
            }
            rc = 0;
            break;
        }
        usleep(300 * 1000);
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
