/* libcos against cosd's CI API: ci_create_audio_auditing_job with every request field,
 * ci_get_audio_auditing_job until Success with every response field, the Detail and Simple
 * callbacks cosd POSTs parsed by ci_audio_auditing_callback_parse, and documented errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ci_audit.h"
#include "ci_receiver.h"
#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosd_harness.h"
#include "cosm_testaudio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUCKET "sdkci-1250000000"
#define BIZ    "b81d45f94b91a683255e9a9506f45a11"

typedef struct fixture {
    cosd_harness_t h;
    ci_receiver_t rcv;
    char *dir;
    char mixed[1024];
    char ads[1024];
    char cos_endpoint[64];
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    cos_log_set_level(COS_LOG_OFF);
    fx->dir = ta_tempdir();
    char clean[1024];
    snprintf(fx->ads, sizeof fx->ads, "%s/ads.wav", fx->dir);
    snprintf(clean, sizeof clean, "%s/clean.wav", fx->dir);
    snprintf(fx->mixed, sizeof fx->mixed, "%s/mixed.wav", fx->dir);
    if (!ta_say(fx->dir, "slt", "Use this promo code for free shipping on every order.", fx->ads) ||
        !ta_say(fx->dir, "slt", "The library opens at nine and closes at six on weekdays.",
                clean) ||
        ta_run("sox '%s' '%s/pad.wav' pad 0 1.0 && sox '%s/pad.wav' '%s' '%s'", clean, fx->dir,
               fx->dir, fx->ads, fx->mixed) != 0)
        return -1;
    char conf[1100];
    snprintf(conf, sizeof conf, "%s/cosd.json", fx->dir);
    FILE *f = fopen(conf, "w");
    fputs("{\"moderation\": {\"workers\": 2, \"section\": {\"max_ms\": 5000},"
          " \"libraries\": [{\"name\": \"my-lib\", \"scene\": \"Ads\", \"entries\":"
          "   [{\"keyword\": \"free shipping\", \"weight\": 95}]}],"
          " \"lists\": [{\"name\": \"banned-users\", \"type\": \"block\", \"entities\": "
          "[\"user-666\"]}],"
          " \"policies\": [{\"biz_type\": \"" BIZ "\", \"scenes\": [\"Porn\", \"Ads\"],"
          "   \"libraries\": [\"my-lib\"]}]}}\n",
          f);
    fclose(f);
    const char *args[] = {"--config", conf, NULL}; /* workers from the configuration file */
    if (cos_http_io_initialize("ci-sdk", 0) != COSE_OK || ci_receiver_start(&fx->rcv) ||
        cosd_harness_start(&fx->h, args))
        return -1;
    snprintf(fx->cos_endpoint, sizeof fx->cos_endpoint, "localhost:%d", fx->h.port);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    cosd_harness_stop(&fx->h);
    ci_receiver_stop(&fx->rcv);
    cos_http_io_deinitialize();
    ta_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

static cos_request_options_t *opts(fixture_t *fx, cos_pool_t *p, bool ci)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint,
                ci ? "http://ci.ap-guangzhou.myqcloud.com" : fx->cos_endpoint);
    cos_str_set(&o->config->access_key_id, fx->h.secret_id);
    cos_str_set(&o->config->access_key_secret, fx->h.secret_key);
    cos_str_set(&o->config->appid, fx->h.appid);
    o->ctl = cos_http_controller_create(o->pool, 0);
    if (ci)
        cos_set_request_route(o->ctl, "127.0.0.1", fx->h.port);
    return o;
}

#define ASSERT_STATUS(s, want)                                                                     \
    do {                                                                                           \
        cos_status_t *s_ = (s);                                                                    \
        if (s_->code != (want))                                                                    \
            fail_msg("status %d (%s: %s), wanted %d", s_->code,                                    \
                     s_->error_code ? s_->error_code : "-", s_->error_msg ? s_->error_msg : "-",   \
                     (want));                                                                      \
    } while (0)

static bool str_is(const cos_string_t *s, const char *want)
{
    return s->data && (size_t)s->len == strlen(want) && memcmp(s->data, want, (size_t)s->len) == 0;
}

static void assert_str(const cos_string_t *s, const char *want)
{
    if (!str_is(s, want))
        fail_msg("got '%.*s', wanted '%s'", s->data ? s->len : 0, s->data ? s->data : "", want);
}

static bool has_keyword(const cos_list_t *l, const char *kw)
{
    ci_auditing_keyword_t *k;
    cos_list_for_each_entry(ci_auditing_keyword_t, k, l,
                            node) if (str_is(&k->keyword, kw)) return true;
    return false;
}

static void put_file(fixture_t *fx, cos_pool_t *p, const char *key, const char *path)
{
    cos_request_options_t *o = opts(fx, p, false);
    cos_string_t b, k, f;
    cos_str_set(&b, BUCKET);
    cos_str_set(&k, key);
    cos_str_set(&f, path);
    cos_table_t *h = cos_table_make(p, 1);
    cos_table_add(h, "x-cos-meta-id", "42");
    ASSERT_STATUS(cos_put_object_from_file(o, &b, &k, &f, h, NULL), 200);
}

static ci_get_audio_auditing_job_result_t *wait_job(fixture_t *fx, cos_pool_t *p,
                                                    const cos_string_t *job)
{
    cos_request_options_t *o = opts(fx, p, true);
    cos_string_t b;
    cos_str_set(&b, BUCKET);
    for (int i = 0; i < 300; i++) {
        ci_get_audio_auditing_job_result_t *r = NULL;
        ASSERT_STATUS(ci_get_audio_auditing_job(o, &b, job, NULL, NULL, &r), 200);
        assert_non_null(r);
        if (str_is(&r->jobs_detail.state, "Success") || str_is(&r->jobs_detail.state, "Failed"))
            return r;
        usleep(200 * 1000);
    }
    fail_msg("job did not finish");
    return NULL;
}

static void test_sdk_round_trip(void **state)
{
    fixture_t *fx = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *co = opts(fx, p, false);
    cos_string_t b;
    cos_str_set(&b, BUCKET);
    ASSERT_STATUS(cos_create_bucket(co, &b, COS_ACL_PRIVATE, NULL), 200);
    put_file(fx, p, "sdk/mixed.wav", fx->mixed);

    cos_request_options_t *o = opts(fx, p, true);
    ci_audio_auditing_job_options_t *jo = ci_audio_auditing_job_options_create(p);
    cos_str_set(&jo->input_object, "sdk/mixed.wav");
    cos_str_set(&jo->input_data_id, "sdk-data-1");
    cos_str_set(&jo->input_user_info.token_id, "user-666");
    cos_str_set(&jo->input_user_info.nickname, "nick");
    cos_str_set(&jo->input_user_info.device_id, "dev");
    cos_str_set(&jo->input_user_info.ip, "10.0.0.7");
    cos_str_set(&jo->input_user_info.role, "guest");
    cos_str_set(&jo->job_conf.biz_type, BIZ);
    char cb[128];
    snprintf(cb, sizeof cb, "http://127.0.0.1:%d/sdk-detail", fx->rcv.port);
    cos_str_set(&jo->job_conf.callback, cb);
    cos_str_set(&jo->job_conf.callback_version, "Detail");
    jo->job_conf.callback_type = 2;
    cos_str_set(&jo->job_conf.freeze.porn_score, "95");
    cos_table_t *rh = NULL;
    ci_audio_auditing_job_result_t *res = NULL;
    ASSERT_STATUS(ci_create_audio_auditing_job(o, &b, jo, NULL, &rh, &res), 200);
    assert_non_null(res);
    assert_int_equal(res->jobs_detail.job_id.len, 34);
    assert_str(&res->jobs_detail.state, "Submitted");
    assert_str(&res->jobs_detail.data_id, "sdk-data-1");
    assert_str(&res->jobs_detail.object, "sdk/mixed.wav");
    assert_true(res->request_id.len > 0);
    assert_non_null(cos_table_get(rh, "x-ci-request-id"));

    ci_get_audio_auditing_job_result_t *g = wait_job(fx, p, &res->jobs_detail.job_id);
    ci_get_audio_auditing_jobs_detail_t *d = &g->jobs_detail;
    assert_str(&d->state, "Success");
    assert_str(&d->code, "Success");
    assert_str(&d->job_id, res->jobs_detail.job_id.data);
    assert_str(&d->data_id, "sdk-data-1");
    assert_str(&d->object, "sdk/mixed.wav");
    assert_str(&d->label, "Ads");
    assert_int_equal(d->result, 1);
    assert_int_equal(d->forbid_state, 0);
    assert_true(d->audio_text.len > 20);
    assert_true(d->ads_info.present);
    assert_int_equal(d->ads_info.hit_flag, 1);
    assert_true(d->ads_info.score >= 91);
    assert_true(d->porn_info.present);
    assert_false(d->terrorism_info.present);
    assert_str(&d->user_info.token_id, "user-666");
    assert_str(&d->user_info.role, "guest");
    assert_str(&d->user_info.ip, "10.0.0.7");
    ci_auditing_list_result_t *lr =
        cos_list_get_first(&d->list_info.list_results, ci_auditing_list_result_t, node);
    assert_non_null(lr);
    assert_int_equal(lr->list_type, 1);
    assert_str(&lr->list_name, "banned-users");
    assert_str(&lr->entity, "user-666");
    int n = 0, violating = 0;
    ci_audio_auditing_section_t *s;
    cos_list_for_each_entry(ci_audio_auditing_section_t, s, &d->section_list, node)
    {
        n++;
        assert_true(s->url.len > 0);
        assert_true(s->duration > 1000);
        if (s->result == 1) {
            violating++;
            assert_true(has_keyword(&s->ads_info.keywords, "promo code"));
            bool custom = false;
            ci_auditing_lib_result_t *l;
            cos_list_for_each_entry(ci_auditing_lib_result_t, l, &s->ads_info.lib_results, node)
            {
                if (str_is(&l->lib_name, "my-lib")) {
                    custom = true;
                    assert_int_equal(l->lib_type, 2);
                    assert_true(has_keyword(&l->keywords, "free shipping"));
                }
            }
            assert_true(custom);
        }
    }
    assert_int_equal(n, 2);
    assert_int_equal(violating, 1);

    /* the Detail callback, parsed by libcos */
    assert_int_equal(ci_receiver_wait(&fx->rcv, res->jobs_detail.job_id.data, 1, 20), 1);
    char *body = ci_receiver_body(&fx->rcv, res->jobs_detail.job_id.data, NULL);
    ci_audio_auditing_callback_t cbr;
    memset(&cbr, 0, sizeof cbr);
    assert_int_equal(ci_audio_auditing_callback_parse(p, body, (int64_t)strlen(body), &cbr),
                     COSE_OK);
    assert_int_equal(cbr.is_detail, 1);
    assert_str(&cbr.event, "ReviewAudio");
    assert_str(&cbr.jobs_detail.job_id, res->jobs_detail.job_id.data);
    assert_str(&cbr.jobs_detail.bucket_id, BUCKET);
    assert_str(&cbr.jobs_detail.region, "ap-guangzhou");
    assert_str(&cbr.jobs_detail.data_id, "sdk-data-1");
    assert_str(&cbr.jobs_detail.user_info.nickname, "nick");
    n = 0;
    cos_list_for_each_entry(ci_audio_auditing_section_t, s, &cbr.jobs_detail.section_list, node)
    {
        n++;
        assert_int_equal(s->result, 1);
    }
    assert_int_equal(n, 1);
    assert_non_null(cbr.cos_headers);
    assert_string_equal(cos_table_get(cbr.cos_headers, "x-cos-meta-id"), "42");
    free(body);
    cos_pool_destroy(p);
}

static void test_sdk_simple_callback_and_errors(void **state)
{
    fixture_t *fx = *state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    put_file(fx, p, "sdk/ads.wav", fx->ads);
    cos_request_options_t *o = opts(fx, p, true);
    cos_string_t b;
    cos_str_set(&b, BUCKET);
    ci_audio_auditing_job_options_t *jo = ci_audio_auditing_job_options_create(p);
    cos_str_set(&jo->input_object, "sdk/ads.wav");
    cos_str_set(&jo->input_data_id, "sdk-simple");
    char cb[128];
    snprintf(cb, sizeof cb, "http://127.0.0.1:%d/sdk-simple", fx->rcv.port);
    cos_str_set(&jo->job_conf.callback, cb);
    ci_audio_auditing_job_result_t *res = NULL;
    ASSERT_STATUS(ci_create_audio_auditing_job(o, &b, jo, NULL, NULL, &res), 200);
    assert_int_equal(ci_receiver_wait(&fx->rcv, res->jobs_detail.job_id.data, 1, 60), 1);
    char *body = ci_receiver_body(&fx->rcv, res->jobs_detail.job_id.data, NULL);
    ci_audio_auditing_callback_t cbr;
    memset(&cbr, 0, sizeof cbr);
    assert_int_equal(ci_audio_auditing_callback_parse(p, body, (int64_t)strlen(body), &cbr),
                     COSE_OK);
    assert_int_equal(cbr.is_detail, 0);
    assert_int_equal(cbr.code, 0);
    assert_str(&cbr.jobs_detail.job_id, res->jobs_detail.job_id.data);
    assert_str(&cbr.jobs_detail.data_id, "sdk-simple");
    assert_int_equal(cbr.jobs_detail.result, 1);
    assert_true(cbr.jobs_detail.ads_info.present);
    assert_true(cbr.jobs_detail.ads_info.score >= 91);
    assert_non_null(cbr.cos_headers);
    assert_string_equal(cos_table_get(cbr.cos_headers, "x-cos-meta-id"), "42");
    free(body);

    /* documented errors come back as statuses with the CI code */
    cos_string_t unknown;
    cos_str_set(&unknown, "sa0123456789abcdef0123456789abcdef");
    ci_get_audio_auditing_job_result_t *g = NULL;
    cos_status_t *st = ci_get_audio_auditing_job(o, &b, &unknown, NULL, NULL, &g);
    assert_int_equal(st->code, 400);
    assert_string_equal(st->error_code, "InvalidArgument");
    assert_null(g);
    cos_str_set(&jo->input_object, "sdk/missing.wav");
    res = NULL;
    st = ci_create_audio_auditing_job(o, &b, jo, NULL, NULL, &res);
    assert_int_equal(st->code, 400);
    assert_string_equal(st->error_code, "ResourceNotFound");
    assert_null(res);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdk_round_trip),
        cmocka_unit_test(test_sdk_simple_callback_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
