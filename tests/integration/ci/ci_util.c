/* ci_util: fixture and helpers of the CI integration tests: audio spoken at test time, cosd
 * with a moderation configuration, signed CI requests, polling, presigned clip fetching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ci_util.h"
#include "cosd_client.h"
#include "cosm_testaudio.h"
#include "cosx_xml.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

int ci_setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    fx->dir = ta_tempdir();
    char p[1024], q[1024], r[1024];
    snprintf(p, sizeof p, "%s/ads.wav", fx->dir);
    if (!fx->dir ||
        !ta_say(fx->dir, "slt", "Use this promo code for free shipping on every order.", p))
        return -1;
    fx->ads = slurp(p, &fx->ads_len);
    snprintf(q, sizeof q, "%s/clean.wav", fx->dir);
    if (!ta_say(fx->dir, "slt", "The library opens at nine and closes at six on weekdays.", q))
        return -1;
    fx->clean = slurp(q, &fx->clean_len);
    char sp[1024];
    snprintf(sp, sizeof sp, "%s/short.wav", fx->dir);
    if (!ta_say(fx->dir, "slt", "Use this promo code.", sp))
        return -1;
    fx->shortc = slurp(sp, &fx->shortc_len);
    snprintf(r, sizeof r, "%s/mixed.wav", fx->dir);
    if (ta_run("sox '%s' '%s/pad.wav' pad 0 1.0 && sox '%s/pad.wav' '%s' '%s'", q, fx->dir, fx->dir,
               p, r) != 0)
        return -1;
    fx->mixed = slurp(r, &fx->mixed_len);
    char conf[1024];
    snprintf(conf, sizeof conf, "%s/cosd.json", fx->dir);
    FILE *f = fopen(conf, "w");
    fputs("{\"moderation\": {\"section\": {\"max_ms\": 5000},"
          " \"url_fetch\": {\"max_bytes\": 200000, \"timeout_s\": 2, \"max_redirects\": 3},"
          " \"libraries\": [{\"name\": \"my-lib\", \"scene\": \"Ads\", \"entries\":"
          "   [{\"keyword\": \"free shipping\", \"sub_label\": \"Brand\", \"weight\": 95}]}],"
          " \"lists\": [{\"name\": \"banned-users\", \"type\": \"block\", \"entities\": "
          "[\"user-666\"]}],"
          " \"policies\": [{\"biz_type\": \"" BIZ "\", \"scenes\": [\"Porn\", \"Ads\"],"
          "   \"libraries\": [\"my-lib\"]}]}}\n",
          f);
    fclose(f);
    const char *args[] = {"--config", conf, "--workers", "2", NULL};
    if (ci_receiver_start(&fx->rcv) || cosd_harness_start(&fx->h, args))
        return -1;
    if (tc_put_bucket(&fx->h, BUCKET) != 200)
        return -1;
    *state = fx;
    return 0;
}

int ci_teardown(void **state)
{
    fixture_t *fx = *state;
    cosd_harness_stop(&fx->h);
    ci_receiver_stop(&fx->rcv);
    ta_rmtree(fx->dir);
    free(fx->dir);
    free(fx->ads);
    free(fx->mixed);
    free(fx->clean);
    free(fx->shortc);
    free(fx);
    return 0;
}

void ci_post(fixture_t *fx, const char *xml, tc_resp_t *rs)
{
    const char *hdrs[] = {"Content-Type: application/xml", NULL};
    tc_req_t rq = {.method = "POST",
                   .key = "audio/auditing",
                   .host_override = CIHOST,
                   .headers = hdrs,
                   .body = xml,
                   .body_len = strlen(xml)};
    assert_int_equal(tc_do(&fx->h, &rq, rs), 0);
}

void ci_get(fixture_t *fx, const char *job, tc_resp_t *rs)
{
    char key[128];
    snprintf(key, sizeof key, "audio/auditing/%s", job);
    tc_req_t rq = {.method = "GET", .key = key, .host_override = CIHOST};
    assert_int_equal(tc_do(&fx->h, &rq, rs), 0);
}

void put_object(fixture_t *fx, const char *key, const void *data, size_t n, const char *meta)
{
    const char *hdrs[] = {meta, NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = key,
                   .body = data,
                   .body_len = n,
                   .headers = meta ? hdrs : NULL};
    tc_resp_t rs;
    assert_int_equal(tc_do(&fx->h, &rq, &rs), 0);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
}

long get_object(fixture_t *fx, const char *key, char *code, size_t cap)
{
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = key};
    tc_resp_t rs;
    assert_int_equal(tc_do(&fx->h, &rq, &rs), 0);
    if (code)
        tc_xml(&rs, "Code", code, cap);
    long st = rs.status;
    tc_resp_free(&rs);
    return st;
}

/* Submits and returns the JobId (asserting the Submitted answer). */
void submit(fixture_t *fx, const char *xml, char job[40])
{
    tc_resp_t rs;
    ci_post(fx, xml, &rs);
    if (rs.status != 200)
        fprintf(stderr, "submit: %ld %s\n", rs.status, cosx_buf_str(&rs.body));
    assert_int_equal(rs.status, 200);
    char v[256];
    assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Submitted");
    assert_true(strlen(tc_xml(&rs, "CreationTime", v, sizeof v)) >= 19);
    tc_xml(&rs, "JobId", job, 40);
    assert_int_equal(strlen(job), 34);
    assert_memory_equal(job, "sa", 2);
    assert_int_equal(strspn(job + 2, "0123456789abcdef"), 32);
    tc_resp_free(&rs);
}

/* Polls until State is Success or Failed (timeout_s), leaving the last answer in rs. */
void wait_job(fixture_t *fx, const char *job, int timeout_s, tc_resp_t *rs)
{
    char st[32] = "";
    for (int i = 0; i < timeout_s * 5; i++) {
        ci_get(fx, job, rs);
        assert_int_equal(rs->status, 200);
        tc_xml(rs, "State", st, sizeof st);
        if (!strcmp(st, "Success") || !strcmp(st, "Failed"))
            return;
        assert_true(!strcmp(st, "Submitted") || !strcmp(st, "Auditing"));
        tc_resp_free(rs);
        usleep(200 * 1000);
    }
    fail_msg("job %s did not finish in %d s (state %s)", job, timeout_s, st);
}

void expect_error(fixture_t *fx, const char *xml, long status, const char *code)
{
    tc_resp_t rs;
    ci_post(fx, xml, &rs);
    char v[128], rid[128];
    if (rs.status != status || strcmp(tc_xml(&rs, "Code", v, sizeof v), code) != 0)
        fail_msg("%s: expected %ld %s, got %ld %s", xml, status, code, rs.status,
                 cosx_buf_str(&rs.body));
    assert_true(tc_header(&rs, "x-ci-request-id", rid, sizeof rid));
    assert_string_equal(tc_xml(&rs, "RequestId", v, sizeof v), rid);
    assert_true(strlen(tc_xml(&rs, "Message", v, sizeof v)) > 10);
    assert_null(strstr(cosx_buf_str(&rs.body), "<Resource>")); /* CI error form */
    tc_resp_free(&rs);
}

xmlNodePtr jobs_detail(xmlDocPtr doc)
{
    xmlNodePtr root = cosx_xml_root(doc);
    assert_true(cosx_xml_is(root, "Response"));
    xmlNodePtr jd = cosx_xml_child(root, "JobsDetail");
    assert_non_null(jd);
    return jd;
}

const char *child(xmlNodePtr n, const char *name)
{
    const char *t = cosx_xml_child_text(n, name);
    if (!t)
        fail_msg("element %s missing under %s", name, (const char *)n->name);
    return t;
}

/* Fetches a presigned clip URL (its host is the CI host) through cosd. */
long fetch_url(fixture_t *fx, const char *url, cosx_buf_t *body, char *ctype, size_t cap)
{
    CURL *c = curl_easy_init();
    char connect_to[64];
    snprintf(connect_to, sizeof connect_to, "::127.0.0.1:%d", fx->h.port);
    struct curl_slist *ct = curl_slist_append(NULL, connect_to);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, ct);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, (curl_write_callback)NULL);
    FILE *mem = NULL;
    char *mbuf = NULL;
    size_t mlen = 0;
    mem = open_memstream(&mbuf, &mlen);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
    long status = 0;
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    char *t = NULL;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &t);
    snprintf(ctype, cap, "%s", t ? t : "");
    curl_easy_cleanup(c);
    curl_slist_free_all(ct);
    fclose(mem);
    cosx_buf_append(body, mbuf, mlen);
    free(mbuf);
    return status;
}
