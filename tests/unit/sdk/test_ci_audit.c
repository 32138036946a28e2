/* Unit tests of libcos audio moderation XML and callbacks (src/sdk/ci_audit_xml.c,
 * ci_audit_callback.c): request bodies and their validation, submit/query response parsing, and the
 * Simple, Detail and XML callback bodies. */
#include "../test_util.h"

#include <limits.h>

#include "ci_audit.h"

static cos_pool_t *pool;

static int setup(void **state)
{
    return cos_pool_create(&pool, NULL) == COSE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    cos_pool_destroy(pool);
    return 0;
}

static const char *body_of(ci_audio_auditing_job_options_t *o, int *rc, const char **why)
{
    cos_list_t body;
    cos_list_init(&body);
    *rc = build_audio_auditing_job_body(pool, o, &body, why);
    return *rc == COSE_OK ? cos_buf_list_content(pool, &body) : NULL;
}

static void test_request_body_object(void **state)
{
    ci_audio_auditing_job_options_t *o = ci_audio_auditing_job_options_create(pool);
    assert_non_null(o);
    cos_str_set(&o->input_object, "music/a&b <1>.mp3");
    cos_str_set(&o->input_data_id, "123-fdrsg-123");
    cos_str_set(&o->input_user_info.token_id, "tok");
    cos_str_set(&o->input_user_info.ip, "127.0.0.1");
    cos_str_set(&o->job_conf.biz_type, "b81d45f94b91a683255e9a9506f45a11");
    cos_str_set(&o->job_conf.callback, "http://127.0.0.1:9000/cb");
    cos_str_set(&o->job_conf.callback_version, "Detail");
    o->job_conf.callback_type = 2;
    cos_str_set(&o->job_conf.freeze.porn_score, "90");
    cos_str_set(&o->job_conf.freeze.ads_score, "100");
    int rc;
    const char *why = NULL;
    const char *xml = body_of(o, &rc, &why);
    assert_int_equal(rc, COSE_OK);
    assert_string_equal(xml,
                        "<Request><Input><Object>music/a&amp;b &lt;1&gt;.mp3</Object>"
                        "<DataId>123-fdrsg-123</DataId><UserInfo><TokenId>tok</TokenId>"
                        "<IP>127.0.0.1</IP></UserInfo></Input><Conf>"
                        "<BizType>b81d45f94b91a683255e9a9506f45a11</BizType>"
                        "<Callback>http://127.0.0.1:9000/cb</Callback>"
                        "<CallbackVersion>Detail</CallbackVersion><CallbackType>2</CallbackType>"
                        "<Freeze><PornScore>90</PornScore><AdsScore>100</AdsScore></Freeze>"
                        "</Conf></Request>");
}

static void test_request_body_url_minimal(void **state)
{
    ci_audio_auditing_job_options_t *o = ci_audio_auditing_job_options_create(pool);
    cos_str_set(&o->input_url, "https://example.com/a.wav");
    int rc;
    const char *why = NULL;
    const char *xml = body_of(o, &rc, &why);
    assert_int_equal(rc, COSE_OK);
    assert_string_equal(
        xml, "<Request><Input><Url>https://example.com/a.wav</Url></Input><Conf></Conf></Request>");
}

static void expect_invalid(ci_audio_auditing_job_options_t *o, const char *fragment)
{
    int rc;
    const char *why = NULL;
    assert_null(body_of(o, &rc, &why));
    assert_int_equal(rc, COSE_INVALID_ARGUMENT);
    assert_non_null(why);
    if (!strstr(why, fragment)) {
        fail_msg("reason '%s' does not mention '%s'", why, fragment);
    }
}

static void test_request_validation(void **state)
{
    char long_id[600];
    memset(long_id, 'd', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    ci_audio_auditing_job_options_t *o = ci_audio_auditing_job_options_create(pool);
    expect_invalid(o, "exactly one");
    cos_str_set(&o->input_object, "a.mp3");
    cos_str_set(&o->input_url, "http://x/a.mp3");
    expect_invalid(o, "exactly one");
    cos_str_null(&o->input_url);
    cos_str_set(&o->job_conf.callback, "ftp://x/cb");
    expect_invalid(o, "callback");
    cos_str_null(&o->job_conf.callback);
    cos_str_set(&o->job_conf.callback_version, "Full");
    expect_invalid(o, "Simple or Detail");
    cos_str_null(&o->job_conf.callback_version);
    o->job_conf.callback_type = 3;
    expect_invalid(o, "callback_type");
    o->job_conf.callback_type = 1;
    cos_str_set(&o->job_conf.freeze.porn_score, "101");
    expect_invalid(o, "freeze");
    cos_str_set(&o->job_conf.freeze.porn_score, "9x");
    expect_invalid(o, "freeze");
    cos_str_null(&o->job_conf.freeze.porn_score);
    long_id[512] = '\0'; /* exactly 512 bytes is allowed */
    cos_str_set(&o->input_data_id, long_id);
    int rc;
    const char *why;
    assert_non_null(body_of(o, &rc, &why));
    long_id[512] = 'd';
    long_id[513] = '\0';
    cos_str_set(&o->input_data_id, long_id);
    expect_invalid(o, "512");
    cos_str_null(&o->input_data_id);
    long_id[129] = '\0';
    cos_str_set(&o->input_user_info.nickname, long_id);
    expect_invalid(o, "128");
    cos_str_null(&o->input_user_info.nickname);
    cos_str_set(&o->input_object, "/a.mp3");
    expect_invalid(o, "'/'");
    cos_str_null(&o->input_object);
    cos_str_set(&o->input_url, "file:///etc/passwd");
    expect_invalid(o, "http");
    cos_list_t body;
    cos_list_init(&body);
    assert_int_equal(build_audio_auditing_job_body(pool, NULL, &body, NULL), COSE_INVALID_ARGUMENT);
}

static cos_list_t *list_of(const char *xml)
{
    cos_list_t *l = cos_palloc(pool, sizeof(*l));
    cos_list_init(l);
    cos_buf_t *b = cos_buf_pack(pool, xml, (int)strlen(xml));
    cos_list_add_tail(&b->node, l);
    return l;
}

static void test_submit_response(void **state)
{
    ci_audio_auditing_job_result_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(
        ci_audio_auditing_result_parse_from_body(
            pool,
            list_of("<Response><JobsDetail><DataId>123-fdrsg-123</DataId>"
                    "<JobId>sa1ca9fc8a3ed11ea834c525400863904</JobId><State>Submitted</State>"
                    "<CreationTime>2019-07-07T12:12:12+0800</CreationTime>"
                    "<Object>test.mp3</Object></JobsDetail><RequestId>NTk0</RequestId></Response>"),
            &r),
        COSE_OK);
    assert_string_equal(r.jobs_detail.job_id.data, "sa1ca9fc8a3ed11ea834c525400863904");
    assert_int_equal(r.jobs_detail.job_id.len, (int)strlen(r.jobs_detail.job_id.data));
    assert_string_equal(r.jobs_detail.state.data, "Submitted");
    assert_string_equal(r.jobs_detail.creation_time.data, "2019-07-07T12:12:12+0800");
    assert_string_equal(r.jobs_detail.object.data, "test.mp3");
    assert_string_equal(r.jobs_detail.data_id.data, "123-fdrsg-123");
    assert_string_equal(r.request_id.data, "NTk0");
    assert_null(r.jobs_detail.url.data);
    memset(&r, 0, sizeof(r));
    assert_int_equal(ci_audio_auditing_result_parse_from_body(
                         pool, list_of("<Error><Code>x</Code></Error>"), &r),
                     COSE_XML_PARSE_ERROR);
    assert_int_equal(ci_audio_auditing_result_parse_from_body(pool, list_of("not xml"), &r),
                     COSE_XML_PARSE_ERROR);
}

static const char *GET_SAMPLE =
    "<Response><JobsDetail><Code>Success</Code><Message>Success</Message><DataId>d1</DataId>"
    "<JobId>sa00000000000000000000000000000001</JobId><State>Success</State>"
    "<CreationTime>2021-08-10T21:01:08+08:00</CreationTime><Object>test.mp3</Object>"
    "<Label>Porn</Label><SubLabel>sexy</SubLabel><Result>1</Result><AudioText>hello "
    "world</AudioText>"
    "<PornInfo><HitFlag>1</HitFlag><Score>93</Score><Label>kw1</Label><Category>c</Category></"
    "PornInfo>"
    "<AdsInfo><HitFlag>0</HitFlag><Score>0</Score><Label/></AdsInfo>"
    "<Section><Url>http://x/0.mp3</Url><Text>hello</Text><OffsetTime>0</"
    "OffsetTime><Duration>30000</Duration>"
    "<Label>Normal</Label><Result>0</Result><PornInfo><HitFlag>0</HitFlag><Score>3</Score></"
    "PornInfo></Section>"
    "<Section><Url>http://x/1.mp3</Url><Text>world</Text><OffsetTime>30000</"
    "OffsetTime><Duration>12000</Duration>"
    "<Label>Porn</Label><SubLabel>sexy</SubLabel><Result>1</Result>"
    "<PornInfo><HitFlag>1</HitFlag><Score>93</Score><Keywords>kw1</Keywords><Keywords>kw2</"
    "Keywords>"
    "<LibResults><LibType>2</LibType><LibName>my-lib</LibName><Keywords>kw1</Keywords></LibResults>"
    "<LibResults><LibType>1</LibType><LibName>system</LibName><Keywords>kw2</Keywords></LibResults>"
    "</PornInfo></Section>"
    "<UserInfo><TokenId>t1</TokenId><Role>admin</Role></UserInfo>"
    "<ListInfo><ListResults><ListType>1</ListType><ListName>block</ListName><Entity>kw2</Entity></"
    "ListResults>"
    "</ListInfo><ForbidState>1</ForbidState></JobsDetail><RequestId>R1</RequestId></Response>";

static int list_len(cos_list_t *l)
{
    int n = 0;
    for (cos_list_t *it = l->next; it != l; it = it->next) {
        n++;
    }
    return n;
}

static void check_full_detail(ci_get_audio_auditing_jobs_detail_t *d)
{
    assert_string_equal(d->state.data, "Success");
    assert_string_equal(d->job_id.data, "sa00000000000000000000000000000001");
    assert_string_equal(d->label.data, "Porn");
    assert_string_equal(d->sub_label.data, "sexy");
    assert_int_equal(d->result, 1);
    assert_int_equal(d->forbid_state, 1);
    assert_string_equal(d->audio_text.data, "hello world");
    assert_true(d->porn_info.present);
    assert_int_equal(d->porn_info.hit_flag, 1);
    assert_int_equal(d->porn_info.score, 93);
    assert_string_equal(d->porn_info.label.data, "kw1");
    assert_true(d->ads_info.present);
    assert_int_equal(d->ads_info.score, 0);
    assert_false(d->politics_info.present);
    assert_true(cos_list_empty(&d->politics_info.keywords));
    assert_int_equal(list_len(&d->section_list), 2);
    ci_audio_auditing_section_t *s0 =
        cos_list_entry(d->section_list.next, ci_audio_auditing_section_t, node);
    ci_audio_auditing_section_t *s1 =
        cos_list_entry(d->section_list.next->next, ci_audio_auditing_section_t, node);
    assert_string_equal(s0->text.data, "hello");
    assert_int_equal(s0->offset_time, 0);
    assert_int_equal(s0->duration, 30000);
    assert_int_equal(s0->porn_info.score, 3);
    assert_int_equal(s1->offset_time, 30000);
    assert_int_equal(s1->duration, 12000);
    assert_int_equal(s1->result, 1);
    assert_int_equal(list_len(&s1->porn_info.keywords), 2);
    ci_auditing_keyword_t *k2 =
        cos_list_entry(s1->porn_info.keywords.prev, ci_auditing_keyword_t, node);
    assert_string_equal(k2->keyword.data, "kw2");
    assert_int_equal(list_len(&s1->porn_info.lib_results), 2);
    ci_auditing_lib_result_t *lr =
        cos_list_entry(s1->porn_info.lib_results.next, ci_auditing_lib_result_t, node);
    assert_int_equal(lr->lib_type, 2);
    assert_string_equal(lr->lib_name.data, "my-lib");
    assert_int_equal(list_len(&lr->keywords), 1);
    assert_string_equal(d->user_info.token_id.data, "t1");
    assert_string_equal(d->user_info.role.data, "admin");
    assert_null(d->user_info.nickname.data);
    assert_int_equal(list_len(&d->list_info.list_results), 1);
    ci_auditing_list_result_t *li =
        cos_list_entry(d->list_info.list_results.next, ci_auditing_list_result_t, node);
    assert_int_equal(li->list_type, 1);
    assert_string_equal(li->entity.data, "kw2");
}

static void test_query_response(void **state)
{
    ci_get_audio_auditing_job_result_t r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(ci_get_audio_auditing_result_parse_from_body(pool, list_of(GET_SAMPLE), &r),
                     COSE_OK);
    check_full_detail(&r.jobs_detail);
    assert_string_equal(r.request_id.data, "R1");
    /* Job-level fields come from direct children only: a section's Label never fills the job's. */
    memset(&r, 0, sizeof(r));
    assert_int_equal(
        ci_get_audio_auditing_result_parse_from_body(
            pool,
            list_of("<Response><JobsDetail><JobId>j</JobId><State>Auditing</State>"
                    "<Section><Label>Porn</Label><Result>1</Result></Section></JobsDetail>"
                    "<NonExistJobIds>x1</NonExistJobIds></Response>"),
            &r),
        COSE_OK);
    assert_null(r.jobs_detail.label.data);
    assert_int_equal(r.jobs_detail.result, 0);
    assert_false(r.jobs_detail.porn_info.present);
    assert_true(cos_list_empty(&r.jobs_detail.list_info.list_results));
    assert_int_equal(list_len(&r.jobs_detail.section_list), 1);
    assert_string_equal(r.nonexist_job_ids.data, "x1");
}

static void test_callback_simple(void **state)
{
    const char *body =
        "{\"code\":0,\"message\":\"success\",\"data\":{\"event\":\"ReviewAudio\","
        "\"trace_id\":\"sa01\",\"url\":\"https://b-1.cos.ap-shanghai.myqcloud.com/music.mp3\","
        "\"result\":2,\"forbidden_status\":1,\"data_id\":\"123\","
        "\"porn_info\":{\"hit_flag\":2,\"score\":75,\"label\":\"kw\"},"
        "\"ads_info\":{\"hit_flag\":0,\"score\":0,\"label\":\"\"},"
        "\"cos_headers\":{\"x-cos-meta-id\":\"666666\"}}}";
    ci_audio_auditing_callback_t cb;
    assert_int_equal(ci_audio_auditing_callback_parse(pool, body, (int64_t)strlen(body), &cb),
                     COSE_OK);
    assert_int_equal(cb.is_detail, 0);
    assert_int_equal(cb.code, 0);
    assert_string_equal(cb.message.data, "success");
    assert_string_equal(cb.event.data, "ReviewAudio");
    assert_string_equal(cb.jobs_detail.job_id.data, "sa01");
    assert_int_equal(cb.jobs_detail.result, 2);
    assert_int_equal(cb.jobs_detail.forbid_state, 1);
    assert_string_equal(cb.jobs_detail.data_id.data, "123");
    assert_int_equal(cb.jobs_detail.porn_info.hit_flag, 2);
    assert_int_equal(cb.jobs_detail.porn_info.score, 75);
    assert_string_equal(cb.jobs_detail.porn_info.label.data, "kw");
    assert_false(cb.jobs_detail.abuse_info.present);
    assert_non_null(cb.cos_headers);
    assert_string_equal(cos_table_get(cb.cos_headers, "x-cos-meta-id"), "666666");
    /* The body need not be NUL-terminated: parse a prefix that is itself a complete document. */
    char copy[64] = "{\"code\":-65007,\"message\":\"decode failed\",\"data\":{}}XXXX";
    assert_int_equal(ci_audio_auditing_callback_parse(pool, copy, (int64_t)strlen(copy) - 4, &cb),
                     COSE_OK);
    assert_int_equal(cb.code, -65007);
    assert_string_equal(cb.message.data, "decode failed");
    /* Out-of-range numbers are clamped, never undefined behaviour (found by fuzz_callback). */
    const char *huge = "{\"code\":1e300,\"data\":{\"result\":-1e300,\"porn_info\":{\"score\":"
                       "\"99999999999999\"}}}";
    assert_int_equal(ci_audio_auditing_callback_parse(pool, huge, (int64_t)strlen(huge), &cb),
                     COSE_OK);
    assert_int_equal(cb.code, INT_MAX);
    assert_int_equal(cb.jobs_detail.result, INT_MIN);
    assert_int_equal(cb.jobs_detail.porn_info.score, INT_MAX);
}

static void test_callback_detail_json(void **state)
{
    const char *body =
        "{\"EventName\":\"ReviewAudio\",\"JobsDetail\":{\"JobId\":"
        "\"sa00000000000000000000000000000001\","
        "\"DataId\":\"d1\",\"State\":\"Success\",\"CreationTime\":\"2021-08-10T21:01:08+08:00\","
        "\"Object\":\"test.mp3\",\"Label\":\"Porn\",\"SubLabel\":\"sexy\",\"Result\":1,"
        "\"AudioText\":\"hello world\","
        "\"PornInfo\":{\"HitFlag\":1,\"Score\":93,\"Label\":\"kw1\"},\"AdsInfo\":{\"HitFlag\":0,"
        "\"Score\":0,\"Label\":\"\"},"
        "\"Section\":[{\"Url\":\"http://x/"
        "0.mp3\",\"Text\":\"hello\",\"OffsetTime\":0,\"Duration\":30000,"
        "\"Label\":\"Normal\",\"Result\":0,\"PornInfo\":{\"HitFlag\":0,\"Score\":3}},"
        "{\"Url\":\"http://x/"
        "1.mp3\",\"Text\":\"world\",\"OffsetTime\":30000,\"Duration\":12000,\"Label\":\"Porn\","
        "\"Result\":1,\"PornInfo\":{\"HitFlag\":1,\"Score\":93,\"Keywords\":[\"kw1\",\"kw2\"],"
        "\"LibResults\":[{\"LibType\":2,\"LibName\":\"my-lib\",\"Keywords\":[\"kw1\"]},"
        "{\"LibType\":1,\"LibName\":\"system\",\"Keywords\":[\"kw2\"]}]}}],"
        "\"BucketId\":\"examplebucket-1250000000\",\"Region\":\"ap-chongqing\",\"ForbidState\":1,"
        "\"CosHeaders\":{\"x-cos-meta-id\":\"xxxx\"},\"UserInfo\":{\"TokenId\":\"t1\",\"Role\":"
        "\"admin\"},"
        "\"ListInfo\":{\"ListResults\":[{\"ListType\":1,\"ListName\":\"block\",\"Entity\":\"kw2\"}]"
        "}}}";
    ci_audio_auditing_callback_t cb;
    assert_int_equal(ci_audio_auditing_callback_parse(pool, body, (int64_t)strlen(body), &cb),
                     COSE_OK);
    assert_int_equal(cb.is_detail, 1);
    assert_string_equal(cb.event.data, "ReviewAudio");
    check_full_detail(&cb.jobs_detail);
    assert_string_equal(cb.jobs_detail.bucket_id.data, "examplebucket-1250000000");
    assert_string_equal(cb.jobs_detail.region.data, "ap-chongqing");
    assert_string_equal(cos_table_get(cb.cos_headers, "x-cos-meta-id"), "xxxx");
}

static void test_callback_xml_and_errors(void **state)
{
    ci_audio_auditing_callback_t cb;
    assert_int_equal(
        ci_audio_auditing_callback_parse(pool, GET_SAMPLE, (int64_t)strlen(GET_SAMPLE), &cb),
        COSE_OK);
    assert_int_equal(cb.is_detail, 1);
    check_full_detail(&cb.jobs_detail);
    assert_int_equal(ci_audio_auditing_callback_parse(pool, "", 0, &cb), COSE_INVALID_ARGUMENT);
    assert_int_equal(ci_audio_auditing_callback_parse(pool, "   \n", 4, &cb),
                     COSE_INVALID_ARGUMENT);
    assert_int_equal(ci_audio_auditing_callback_parse(pool, NULL, 5, &cb), COSE_INVALID_ARGUMENT);
    const char *bad[] = {"{\"code\":0,", "[1,2]", "{\"unrelated\":true}",
                         "<Other/>",     "hello", "{\"data\":{}}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(
            ci_audio_auditing_callback_parse(pool, bad[i], (int64_t)strlen(bad[i]), &cb),
            COSE_XML_PARSE_ERROR);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_body_object),
        cmocka_unit_test(test_request_body_url_minimal),
        cmocka_unit_test(test_request_validation),
        cmocka_unit_test(test_submit_response),
        cmocka_unit_test(test_query_response),
        cmocka_unit_test(test_callback_simple),
        cmocka_unit_test(test_callback_detail_json),
        cmocka_unit_test(test_callback_xml_and_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
