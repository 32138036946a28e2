/* Integration tests of cosd's CI audio moderation API (COS_PROTOCOL 9): request validation and CI
 * errors, a full round trip of every request and response field, presigned section clips, Simple
 * and Detail callbacks with CallbackType 2 and retries, Url inputs and Freeze. Audio is spoken by
 * Festival at test time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ci_util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- tests ---- */

static void test_errors(void **state)
{
    fixture_t *fx = *state;
    put_object(fx, "e/ads.wav", fx->ads, fx->ads_len, NULL);
    /* anonymous */
    tc_req_t rq = {.method = "POST",
                   .key = "audio/auditing",
                   .host_override = CIHOST,
                   .anonymous = true,
                   .body = "<Request/>",
                   .body_len = 10};
    tc_resp_t rs;
    assert_int_equal(tc_do(&fx->h, &rq, &rs), 0);
    char v[256];
    assert_int_equal(rs.status, 401);
    assert_string_equal(tc_xml(&rs, "Code", v, sizeof v), "MissingAuthorization");
    assert_true(tc_header(&rs, "Server", v, sizeof v));
    assert_string_equal(v, "tencent-ci");
    assert_true(tc_header(&rs, "x-ci-request-id", v, sizeof v));
    assert_false(tc_header(&rs, "x-cos-request-id", v, sizeof v));
    tc_resp_free(&rs);

    expect_error(fx, "", 400, "MissingContent");
    expect_error(fx, "<Request><Input>", 400, "InvalidContent");
    expect_error(fx, "<Other/>", 400, "InvalidContent");
    expect_error(fx, "<Request><Conf/></Request>", 400, "InvalidArgument");
    expect_error(fx, "<Request><Input><DataId>x</DataId></Input><Conf/></Request>", 400,
                 "InvalidArgument");
    expect_error(fx,
                 "<Request><Input><Object>e/ads.wav</Object><Url>http://a/b</Url></Input><Conf/>"
                 "</Request>",
                 400, "InvalidArgument");
    expect_error(fx, "<Request><Input><Object>e/none.wav</Object></Input><Conf/></Request>", 400,
                 "ResourceNotFound");
    expect_error(fx, "<Request><Input><Object>/e/ads.wav</Object></Input><Conf/></Request>", 400,
                 "InvalidArgument");
    expect_error(fx, "<Request><Input><Url>ftp://x/a.mp3</Url></Input><Conf/></Request>", 400,
                 "InvalidArgument");
    /* DataId 513 bytes, UserInfo field 129 bytes (512 and 128 are fine) */
    char big[2048];
    snprintf(big, sizeof big,
             "<Request><Input><Object>e/ads.wav</Object><DataId>%0513d</DataId></Input><Conf/>"
             "</Request>",
             0);
    expect_error(fx, big, 400, "InvalidArgument");
    snprintf(big, sizeof big,
             "<Request><Input><Object>e/ads.wav</Object><UserInfo><Nickname>%0129d</Nickname>"
             "</UserInfo></Input><Conf/></Request>",
             0);
    expect_error(fx, big, 400, "InvalidArgument");
    const char *confs[] = {
        "<CallbackVersion>Full</CallbackVersion>",
        "<CallbackType>3</CallbackType>",
        "<CallbackType>x</CallbackType>",
        "<Callback>ftp://cb/</Callback>",
        "<Freeze><PornScore>101</PornScore></Freeze>",
        "<Freeze><PornScore>-1</PornScore></Freeze>",
        "<Freeze><SpamScore>50</SpamScore></Freeze>",
    };
    for (size_t i = 0; i < sizeof confs / sizeof confs[0]; i++) {
        snprintf(big, sizeof big,
                 "<Request><Input><Object>e/ads.wav</Object></Input><Conf>%s</Conf></Request>",
                 confs[i]);
        expect_error(fx, big, 400, "InvalidArgument");
    }
    /* the limits themselves are accepted */
    snprintf(big, sizeof big,
             "<Request><Input><Object>e/ads.wav</Object><DataId>%0512d</DataId><UserInfo>"
             "<Nickname>%0128d</Nickname></UserInfo></Input><Conf><Freeze><PornScore>100"
             "</PornScore></Freeze></Conf></Request>",
             0, 0);
    char job[40];
    submit(fx, big, job);

    /* unknown and malformed JobIds, wrong methods, other paths */
    ci_get(fx, "sa00000000000000000000000000000000", &rs);
    assert_int_equal(rs.status, 400);
    assert_string_equal(tc_xml(&rs, "Code", v, sizeof v), "InvalidArgument");
    tc_resp_free(&rs);
    ci_get(fx, "not-a-job", &rs);
    assert_int_equal(rs.status, 400);
    tc_resp_free(&rs);
    tc_req_t g = {.method = "GET", .key = "audio/auditing", .host_override = CIHOST};
    assert_int_equal(tc_do(&fx->h, &g, &rs), 0);
    assert_int_equal(rs.status, 405);
    tc_resp_free(&rs);
    tc_req_t o = {.method = "GET", .key = "video/auditing", .host_override = CIHOST};
    assert_int_equal(tc_do(&fx->h, &o, &rs), 0);
    assert_int_equal(rs.status, 400);
    tc_resp_free(&rs);
    /* a bucket that does not exist */
    tc_req_t nb = {.method = "POST",
                   .key = "audio/auditing",
                   .host_override = "nobucket-1250000000.ci.ap-guangzhou.myqcloud.com",
                   .body = "<Request/>",
                   .body_len = 10};
    assert_int_equal(tc_do(&fx->h, &nb, &rs), 0);
    assert_int_equal(rs.status, 404);
    assert_string_equal(tc_xml(&rs, "Code", v, sizeof v), "NoSuchBucket");
    tc_resp_free(&rs);
}

static void test_round_trip_detail(void **state)
{
    fixture_t *fx = *state;
    put_object(fx, "rt/mixed.wav", fx->mixed, fx->mixed_len, "x-cos-meta-id: 666666");
    char xml[2048], job[40];
    snprintf(xml, sizeof xml,
             "<Request><Input><Object>rt/mixed.wav</Object><DataId>123-fdrsg-123</DataId>"
             "<UserInfo><TokenId>user-666</TokenId><Nickname>nick &amp; co</Nickname>"
             "<DeviceId>dev-1</DeviceId><AppId>app-9</AppId><Room>r1</Room><IP>10.1.2.3</IP>"
             "<Type>t</Type><ReceiveTokenId>rcv-2</ReceiveTokenId><Gender>f</Gender>"
             "<Level>3</Level><Role>admin</Role></UserInfo></Input>"
             "<Conf><BizType>" BIZ "</BizType><Callback>http://127.0.0.1:%d/cb-detail</Callback>"
             "<CallbackVersion>Detail</CallbackVersion><CallbackType>2</CallbackType></Conf>"
             "</Request>",
             fx->rcv.port);
    submit(fx, xml, job);
    tc_resp_t rs;
    wait_job(fx, job, 60, &rs);
    char rid[128];
    assert_true(tc_header(&rs, "x-ci-request-id", rid, sizeof rid));
    cosx_xml_error_t xe;
    xmlDocPtr doc = cosx_xml_parse(rs.body.data, rs.body.len, NULL, &xe, NULL, 0);
    assert_non_null(doc);
    assert_string_equal(cosx_xml_child_text(cosx_xml_root(doc), "RequestId"), rid);
    xmlNodePtr jd = jobs_detail(doc);
    assert_string_equal(child(jd, "Code"), "Success");
    assert_string_equal(child(jd, "State"), "Success");
    assert_string_equal(child(jd, "JobId"), job);
    assert_string_equal(child(jd, "DataId"), "123-fdrsg-123");
    assert_string_equal(child(jd, "Object"), "rt/mixed.wav");
    assert_string_equal(child(jd, "Label"), "Ads");
    assert_string_equal(child(jd, "Result"), "1");
    assert_string_equal(child(jd, "ForbidState"), "0");
    assert_non_null(strstr(child(jd, "AudioText"), "promo code"));
    assert_non_null(strstr(child(jd, "AudioText"), "library"));
    /* policy scenes only: Porn and Ads */
    assert_non_null(cosx_xml_child(jd, "PornInfo"));
    assert_null(cosx_xml_child(jd, "TerrorismInfo"));
    xmlNodePtr ads = cosx_xml_child(jd, "AdsInfo");
    assert_non_null(ads);
    assert_string_equal(child(ads, "HitFlag"), "1");
    assert_true(atoi(child(ads, "Score")) >= 91);
    /* user info echoed, list hit reported */
    xmlNodePtr ui = cosx_xml_child(jd, "UserInfo");
    assert_non_null(ui);
    assert_string_equal(child(ui, "TokenId"), "user-666");
    assert_string_equal(child(ui, "Nickname"), "nick & co");
    assert_string_equal(child(ui, "Role"), "admin");
    assert_string_equal(child(ui, "ReceiveTokenId"), "rcv-2");
    xmlNodePtr lr = cosx_xml_child(cosx_xml_child(jd, "ListInfo"), "ListResults");
    assert_non_null(lr);
    assert_string_equal(child(lr, "ListType"), "1");
    assert_string_equal(child(lr, "ListName"), "banned-users");
    assert_string_equal(child(lr, "Entity"), "user-666");
    /* two sections: clean then violating, with keywords and library results */
    int n = 0;
    xmlNodePtr bad = NULL;
    for (xmlNodePtr s = cosx_xml_child(jd, "Section"); s; s = cosx_xml_next(s, "Section")) {
        n++;
        const char *url = child(s, "Url");
        assert_non_null(strstr(url, "q-signature="));
        assert_true(atoi(child(s, "Duration")) > 1000);
        child(s, "OffsetTime");
        child(s, "Text");
        if (!strcmp(child(s, "Result"), "1"))
            bad = s;
        else
            assert_string_equal(child(s, "Label"), "Normal");
    }
    assert_int_equal(n, 2);
    assert_non_null(bad);
    assert_string_equal(child(bad, "Label"), "Ads");
    xmlNodePtr sads = cosx_xml_child(bad, "AdsInfo");
    bool kw_promo = false, lib_custom = false, lib_system = false;
    for (xmlNodePtr k = cosx_xml_child(sads, "Keywords"); k; k = cosx_xml_next(k, "Keywords"))
        kw_promo |= !strcmp(cosx_xml_text(k), "promo code");
    for (xmlNodePtr l = cosx_xml_child(sads, "LibResults"); l; l = cosx_xml_next(l, "LibResults")) {
        if (!strcmp(child(l, "LibName"), "my-lib")) {
            lib_custom = true;
            assert_string_equal(child(l, "LibType"), "2");
            assert_string_equal(child(l, "Keywords"), "free shipping");
        } else if (!strcmp(child(l, "LibType"), "1")) {
            lib_system = true;
        }
    }
    assert_true(kw_promo);
    assert_true(lib_custom);
    assert_true(lib_system);

    /* the clip of the violating section is a WAV served by cosd; a tampered URL is refused */
    cosx_buf_t clip = COSX_BUF_INIT;
    char ctype[64];
    const char *url = child(bad, "Url");
    assert_non_null(strstr(url, CIHOST));
    assert_int_equal(fetch_url(fx, url, &clip, ctype, sizeof ctype), 200);
    assert_string_equal(ctype, "audio/wav");
    assert_true(clip.len > 44 + 16000);
    assert_memory_equal(clip.data, "RIFF", 4);
    cosx_buf_free(&clip);
    char *bad_url = strdup(url);
    char *sig = strstr(bad_url, "q-signature=") + 12;
    sig[0] = sig[0] == 'a' ? 'b' : 'a';
    assert_int_equal(fetch_url(fx, bad_url, &clip, ctype, sizeof ctype), 403);
    free(bad_url);
    cosx_buf_free(&clip);
    xmlFreeDoc(doc);
    tc_resp_free(&rs);

    /* the same query as an absolute-form target (cosd used as an HTTP proxy) */
    char path[96], raw[2048];
    snprintf(path, sizeof path, "/audio/auditing/%s", job);
    char *authz = tc_authorization(&fx->h, "GET", path, CIHOST);
    snprintf(raw, sizeof raw,
             "GET http://" CIHOST "%s HTTP/1.1\r\nHost: " CIHOST "\r\nAuthorization: %s\r\n"
             "Connection: close\r\n\r\n",
             path, authz);
    free(authz);
    cosx_buf_t ans = COSX_BUF_INIT;
    assert_int_equal(tc_raw(&fx->h, raw, strlen(raw), 2000, &ans), 0);
    assert_memory_equal(ans.data, "HTTP/1.1 200", 12);
    assert_non_null(strstr(cosx_buf_str(&ans), "<DataId>123-fdrsg-123</DataId>"));
    assert_non_null(strstr(cosx_buf_str(&ans), "Server: tencent-ci"));
    cosx_buf_free(&ans);

    /* Detail callback, violating sections only */
    assert_int_equal(ci_receiver_wait(&fx->rcv, job, 1, 20), 1);
    char *hdrs = NULL;
    char *body = ci_receiver_body(&fx->rcv, job, &hdrs);
    assert_non_null(strcasestr(hdrs, "X-Ci-Content-Version: Detail"));
    assert_non_null(strstr(hdrs, "POST /cb-detail"));
    cJSON *cb = cJSON_Parse(body);
    assert_non_null(cb);
    assert_string_equal(cJSON_GetObjectItem(cb, "EventName")->valuestring, "ReviewAudio");
    cJSON *d = cJSON_GetObjectItem(cb, "JobsDetail");
    assert_string_equal(cJSON_GetObjectItem(d, "JobId")->valuestring, job);
    assert_string_equal(cJSON_GetObjectItem(d, "DataId")->valuestring, "123-fdrsg-123");
    assert_string_equal(cJSON_GetObjectItem(d, "State")->valuestring, "Success");
    assert_string_equal(cJSON_GetObjectItem(d, "Object")->valuestring, "rt/mixed.wav");
    assert_string_equal(cJSON_GetObjectItem(d, "BucketId")->valuestring, BUCKET);
    assert_string_equal(cJSON_GetObjectItem(d, "Region")->valuestring, "ap-guangzhou");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(d, "CosHeaders"), "x-cos-meta-id")->valuestring,
        "666666");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(d, "UserInfo"), "TokenId")->valuestring,
        "user-666");
    cJSON *secs = cJSON_GetObjectItem(d, "Section");
    assert_int_equal(cJSON_GetArraySize(secs), 1);
    cJSON *s0 = cJSON_GetArrayItem(secs, 0);
    assert_int_equal(cJSON_GetObjectItem(s0, "Result")->valueint, 1);
    assert_non_null(strstr(cJSON_GetObjectItem(s0, "Url")->valuestring, "/sections/1.wav"));
    assert_int_equal(cJSON_GetObjectItem(d, "ForbidState")->valueint, 0);
    cJSON_Delete(cb);
    free(body);
    free(hdrs);
}

static void test_simple_callback_retry(void **state)
{
    fixture_t *fx = *state;
    put_object(fx, "cb/ads.wav", fx->ads, fx->ads_len, NULL);
    pthread_mutex_lock(&fx->rcv.mu);
    fx->rcv.fail_next = 1;
    pthread_mutex_unlock(&fx->rcv.mu);
    char xml[1024], job[40];
    snprintf(xml, sizeof xml,
             "<Request><Input><Object>cb/ads.wav</Object><DataId>d-simple</DataId></Input>"
             "<Conf><Callback>http://127.0.0.1:%d/cb-simple</Callback></Conf></Request>",
             fx->rcv.port);
    submit(fx, xml, job);
    /* refused once (500), delivered again after the backoff */
    assert_int_equal(ci_receiver_wait(&fx->rcv, job, 2, 30), 2);
    char *hdrs = NULL;
    char *body = ci_receiver_body(&fx->rcv, job, &hdrs);
    assert_non_null(strcasestr(hdrs, "X-Ci-Content-Version: Simple"));
    cJSON *cb = cJSON_Parse(body);
    assert_non_null(cb);
    assert_int_equal(cJSON_GetObjectItem(cb, "code")->valueint, 0);
    assert_string_equal(cJSON_GetObjectItem(cb, "message")->valuestring, "success");
    cJSON *d = cJSON_GetObjectItem(cb, "data");
    assert_string_equal(cJSON_GetObjectItem(d, "event")->valuestring, "ReviewAudio");
    assert_string_equal(cJSON_GetObjectItem(d, "trace_id")->valuestring, job);
    assert_string_equal(cJSON_GetObjectItem(d, "data_id")->valuestring, "d-simple");
    assert_non_null(strstr(cJSON_GetObjectItem(d, "url")->valuestring, BUCKET ".cos."));
    assert_non_null(strstr(cJSON_GetObjectItem(d, "url")->valuestring, "/cb/ads.wav"));
    assert_int_equal(cJSON_GetObjectItem(d, "result")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(d, "forbidden_status")->valueint, 0);
    cJSON *ai = cJSON_GetObjectItem(d, "ads_info");
    assert_int_equal(cJSON_GetObjectItem(ai, "hit_flag")->valueint, 1);
    assert_true(cJSON_GetObjectItem(ai, "score")->valueint >= 91);
    assert_non_null(cJSON_GetObjectItem(d, "porn_info"));
    assert_null(cJSON_GetObjectItem(d, "cos_headers"));
    cJSON_Delete(cb);
    free(body);
    free(hdrs);
}

static void test_url_input(void **state)
{
    fixture_t *fx = *state;
    pthread_mutex_lock(&fx->rcv.mu);
    fx->rcv.file = fx->ads; /* 232 KB: over the configured 200000-byte limit */
    fx->rcv.file_len = fx->ads_len;
    fx->rcv.small = fx->shortc;
    fx->rcv.small_len = fx->shortc_len;
    pthread_mutex_unlock(&fx->rcv.mu);
    char xml[1024], ok_job[40], missing_job[40], loop_job[40], refused_job[40], slow_job[40],
        big_job[40], biz_job[40];
    const char *fmt = "<Request><Input><Url>http://127.0.0.1:%d/%s</Url></Input><Conf>%s</Conf>"
                      "</Request>";
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "small", "");
    submit(fx, xml, ok_job);
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "missing.mp3", "");
    submit(fx, xml, missing_job);
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "redirect", "");
    submit(fx, xml, loop_job);
    snprintf(xml, sizeof xml, fmt, 1, "a.mp3", "");
    submit(fx, xml, refused_job);
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "file", "");
    submit(fx, xml, big_job);
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "small",
             "<BizType>ffffffffffffffffffffffffffffffff</BizType>");
    submit(fx, xml, biz_job);
    tc_resp_t rs;
    char v[512];
    /* the receiver answers one connection at a time: stall it only once the others are done */
    const char *others[] = {ok_job, missing_job, loop_job, refused_job, big_job, biz_job};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        wait_job(fx, others[i], 60, &rs);
        tc_resp_free(&rs);
    }
    snprintf(xml, sizeof xml, fmt, fx->rcv.port, "slow", "");
    submit(fx, xml, slow_job);
    wait_job(fx, ok_job, 60, &rs);
    assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Success");
    snprintf(xml, sizeof xml, "http://127.0.0.1:%d/small", fx->rcv.port);
    assert_string_equal(tc_xml(&rs, "Url", v, sizeof v), xml);
    assert_string_equal(tc_xml(&rs, "Label", v, sizeof v), "Ads");
    tc_resp_free(&rs);
    const struct {
        const char *job, *code, *why;
    } failed[] = {{missing_job, "-65010", "404"},
                  {loop_job, "-65010", "redirects"},
                  {refused_job, "-65010", "Download failed"},
                  {slow_job, "-65010", "timed out"},
                  {big_job, "-65011", "200000"},
                  {biz_job, "-65016", ""}};
    for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++) {
        wait_job(fx, failed[i].job, 60, &rs);
        assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Failed");
        assert_string_equal(tc_xml(&rs, "Code", v, sizeof v), failed[i].code);
        tc_xml(&rs, "Message", v, sizeof v);
        if (strlen(v) < 10 || !strstr(v, failed[i].why))
            fail_msg("job %zu: message '%s' does not mention '%s'", i, v, failed[i].why);
        assert_int_equal(tc_count(&rs, "Section"), 0);
        tc_resp_free(&rs);
    }
}

static void test_freeze(void **state)
{
    fixture_t *fx = *state;
    put_object(fx, "fz/ads.wav", fx->ads, fx->ads_len, NULL);
    put_object(fx, "fz/clean.wav", fx->clean, fx->clean_len, NULL);
    char job[40], clean_job[40], code[64], v[64];
    submit(fx,
           "<Request><Input><Object>fz/ads.wav</Object></Input><Conf><Freeze><AdsScore>90"
           "</AdsScore></Freeze></Conf></Request>",
           job);
    submit(fx,
           "<Request><Input><Object>fz/clean.wav</Object></Input><Conf><Freeze><AdsScore>90"
           "</AdsScore><PornScore>50</PornScore></Freeze></Conf></Request>",
           clean_job);
    tc_resp_t rs;
    wait_job(fx, job, 60, &rs);
    assert_string_equal(tc_xml(&rs, "ForbidState", v, sizeof v), "1");
    tc_resp_free(&rs);
    wait_job(fx, clean_job, 60, &rs);
    assert_string_equal(tc_xml(&rs, "State", v, sizeof v), "Success");
    assert_string_equal(tc_xml(&rs, "ForbidState", v, sizeof v), "0");
    tc_resp_free(&rs);
    assert_int_equal(get_object(fx, "fz/clean.wav", NULL, 0), 200);
    /* frozen: signed (owner) and anonymous GETs are refused */
    assert_int_equal(get_object(fx, "fz/ads.wav", code, sizeof code), 403);
    assert_string_equal(code, "AccessDenied");
    tc_req_t anon = {.method = "GET", .bucket = BUCKET, .key = "fz/ads.wav", .anonymous = true};
    assert_int_equal(tc_do(&fx->h, &anon, &rs), 0);
    assert_int_equal(rs.status, 403);
    tc_resp_free(&rs);
    /* overwriting lifts the freeze */
    put_object(fx, "fz/ads.wav", fx->ads, fx->ads_len, NULL);
    assert_int_equal(get_object(fx, "fz/ads.wav", NULL, 0), 200);
    /* so does deleting (then writing the key again) */
    submit(fx,
           "<Request><Input><Object>fz/ads.wav</Object></Input><Conf><Freeze><AdsScore>50"
           "</AdsScore></Freeze></Conf></Request>",
           job);
    wait_job(fx, job, 60, &rs);
    assert_string_equal(tc_xml(&rs, "ForbidState", v, sizeof v), "1");
    tc_resp_free(&rs);
    assert_int_equal(get_object(fx, "fz/ads.wav", NULL, 0), 403);
    tc_req_t del = {.method = "DELETE", .bucket = BUCKET, .key = "fz/ads.wav"};
    assert_int_equal(tc_do(&fx->h, &del, &rs), 0);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    assert_int_equal(get_object(fx, "fz/ads.wav", NULL, 0), 404);
    put_object(fx, "fz/ads.wav", fx->ads, fx->ads_len, NULL);
    assert_int_equal(get_object(fx, "fz/ads.wav", NULL, 0), 200);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_round_trip_detail),
        cmocka_unit_test(test_simple_callback_retry),
        cmocka_unit_test(test_url_input),
        cmocka_unit_test(test_freeze),
    };
    int rc = cmocka_run_group_tests(tests, ci_setup, ci_teardown);
    curl_global_cleanup();
    return rc;
}
