/* ci_audit_xml.c: the XML of CI audio moderation jobs: validation and writing of the submit request
 * body (COS_PROTOCOL 9.1), and parsing of the submit and query responses (9.2) into pool-allocated
 * results. The JobsDetail reader is shared with the callback parser. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ci_audit.h"
#include "ci_audit_int.h"
#include "cosi.h"
#include "cosx_xml.h"

#define CI_DATA_ID_MAX   512
#define CI_USER_INFO_MAX 128

ci_audio_auditing_job_options_t *ci_audio_auditing_job_options_create(cos_pool_t *p)
{
    return cos_pcalloc(p, sizeof(ci_audio_auditing_job_options_t));
}

/* ---------------------------------------------------------------- request body */

const cii_field_t CII_USER_FIELDS[] = {
    {"TokenId", offsetof(ci_auditing_user_info_t, token_id)},
    {"Nickname", offsetof(ci_auditing_user_info_t, nickname)},
    {"DeviceId", offsetof(ci_auditing_user_info_t, device_id)},
    {"AppId", offsetof(ci_auditing_user_info_t, app_id)},
    {"Room", offsetof(ci_auditing_user_info_t, room)},
    {"IP", offsetof(ci_auditing_user_info_t, ip)},
    {"Type", offsetof(ci_auditing_user_info_t, type)},
    {"ReceiveTokenId", offsetof(ci_auditing_user_info_t, receive_token_id)},
    {"Gender", offsetof(ci_auditing_user_info_t, gender)},
    {"Level", offsetof(ci_auditing_user_info_t, level)},
    {"Role", offsetof(ci_auditing_user_info_t, role)},
};

const size_t CII_N_USER_FIELDS = sizeof(CII_USER_FIELDS) / sizeof(CII_USER_FIELDS[0]);

static const cii_field_t FREEZE_FIELDS[] = {
    {"PornScore", offsetof(ci_auditing_freeze_conf_t, porn_score)},
    {"AdsScore", offsetof(ci_auditing_freeze_conf_t, ads_score)},
    {"TerrorismScore", offsetof(ci_auditing_freeze_conf_t, terrorism_score)},
    {"PoliticsScore", offsetof(ci_auditing_freeze_conf_t, politics_score)},
    {"IllegalScore", offsetof(ci_auditing_freeze_conf_t, illegal_score)},
    {"AbuseScore", offsetof(ci_auditing_freeze_conf_t, abuse_score)},
    {"TeenagerScore", offsetof(ci_auditing_freeze_conf_t, teenager_score)},
};

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static const cos_string_t *field(const void *base, size_t off)
{
    return (const cos_string_t *)((const char *)base + off);
}

static int has(const cos_string_t *s)
{
    return s->data != NULL && s->len > 0;
}

static void put_elem(cosx_buf_t *b, const char *tag, const cos_string_t *s)
{
    cosx_xml_open(b, tag);
    cosx_xml_escape(b, s->data, (size_t)s->len);
    cosx_xml_close(b, tag);
}

/* A score is 1 to 3 decimal digits with a value of 0..100. */
static int valid_score(const cos_string_t *s)
{
    if (s->len < 1 || s->len > 3) {
        return 0;
    }
    int v = 0;
    for (int i = 0; i < s->len; i++) {
        if (!isdigit((unsigned char)s->data[i])) {
            return 0;
        }
        v = v * 10 + (s->data[i] - '0');
    }
    return v <= 100;
}

static int has_prefix_ci(const cos_string_t *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)s->len >= n && strncasecmp(s->data, prefix, n) == 0;
}

static int fail(const char **why, const char *msg)
{
    if (why) {
        *why = msg;
    }
    return COSE_INVALID_ARGUMENT;
}

int cii_audio_job_validate(const ci_audio_auditing_job_options_t *o, const char **why)
{
    if (!o) {
        return fail(why, "the audio auditing job options are missing");
    }
    if (has(&o->input_object) == has(&o->input_url)) {
        return fail(why, "set exactly one of input_object and input_url");
    }
    if (has(&o->input_object) &&
        (o->input_object.data[0] == '/' || o->input_object.data[0] == '\\')) {
        return fail(why, "input_object is an object key and must not begin with '/'");
    }
    if (has(&o->input_url) && !has_prefix_ci(&o->input_url, "http://") &&
        !has_prefix_ci(&o->input_url, "https://")) {
        return fail(why, "input_url must be an http:// or https:// URL");
    }
    if (o->input_data_id.len > CI_DATA_ID_MAX) {
        return fail(why, "input_data_id is longer than 512 bytes");
    }
    for (size_t i = 0; i < CII_N_USER_FIELDS; i++) {
        if (field(&o->input_user_info, CII_USER_FIELDS[i].offset)->len > CI_USER_INFO_MAX) {
            return fail(why, "a user info field is longer than 128 bytes");
        }
    }
    const ci_audio_auditing_job_conf_t *c = &o->job_conf;
    if (has(&c->callback) && !has_prefix_ci(&c->callback, "http://") &&
        !has_prefix_ci(&c->callback, "https://")) {
        return fail(why, "callback must be an http:// or https:// URL");
    }
    if (has(&c->callback_version) && strcmp(c->callback_version.data, "Simple") != 0 &&
        strcmp(c->callback_version.data, "Detail") != 0) {
        return fail(why, "callback_version must be Simple or Detail");
    }
    if (c->callback_type != 0 && c->callback_type != 1 && c->callback_type != 2) {
        return fail(why, "callback_type must be 1 (all sections) or 2 (violating sections only)");
    }
    for (size_t i = 0; i < NFIELDS(FREEZE_FIELDS); i++) {
        const cos_string_t *s = field(&c->freeze, FREEZE_FIELDS[i].offset);
        if (has(s) && !valid_score(s)) {
            return fail(why, "a freeze score must be a whole number from 0 to 100");
        }
    }
    return COSE_OK;
}

int cii_audio_job_body_xml(const ci_audio_auditing_job_options_t *o, cosx_buf_t *b)
{
    cosx_xml_open(b, "Request");
    cosx_xml_open(b, "Input");
    if (has(&o->input_object)) {
        put_elem(b, "Object", &o->input_object);
    } else {
        put_elem(b, "Url", &o->input_url);
    }
    if (has(&o->input_data_id)) {
        put_elem(b, "DataId", &o->input_data_id);
    }
    int any_user = 0;
    for (size_t i = 0; i < CII_N_USER_FIELDS; i++) {
        any_user |= has(field(&o->input_user_info, CII_USER_FIELDS[i].offset));
    }
    if (any_user) {
        cosx_xml_open(b, "UserInfo");
        for (size_t i = 0; i < CII_N_USER_FIELDS; i++) {
            const cos_string_t *s = field(&o->input_user_info, CII_USER_FIELDS[i].offset);
            if (has(s)) {
                put_elem(b, CII_USER_FIELDS[i].tag, s);
            }
        }
        cosx_xml_close(b, "UserInfo");
    }
    cosx_xml_close(b, "Input");
    const ci_audio_auditing_job_conf_t *c = &o->job_conf;
    cosx_xml_open(b, "Conf");
    if (has(&c->biz_type)) {
        put_elem(b, "BizType", &c->biz_type);
    }
    if (has(&c->detect_type)) {
        put_elem(b, "DetectType", &c->detect_type);
    }
    if (has(&c->callback)) {
        put_elem(b, "Callback", &c->callback);
    }
    if (has(&c->callback_version)) {
        put_elem(b, "CallbackVersion", &c->callback_version);
    }
    if (c->callback_type != 0) {
        cosx_xml_elemf(b, "CallbackType", "%d", c->callback_type);
    }
    int any_freeze = 0;
    for (size_t i = 0; i < NFIELDS(FREEZE_FIELDS); i++) {
        any_freeze |= has(field(&c->freeze, FREEZE_FIELDS[i].offset));
    }
    if (any_freeze) {
        cosx_xml_open(b, "Freeze");
        for (size_t i = 0; i < NFIELDS(FREEZE_FIELDS); i++) {
            const cos_string_t *s = field(&c->freeze, FREEZE_FIELDS[i].offset);
            if (has(s)) {
                put_elem(b, FREEZE_FIELDS[i].tag, s);
            }
        }
        cosx_xml_close(b, "Freeze");
    }
    cosx_xml_close(b, "Conf");
    cosx_xml_close(b, "Request");
    return cosx_buf_ok(b) ? COSE_OK : COSE_OUT_MEMORY;
}

int build_audio_auditing_job_body(cos_pool_t *p, const ci_audio_auditing_job_options_t *params,
                                  cos_list_t *body, const char **why)
{
    int rc = cii_audio_job_validate(params, why);
    if (rc != COSE_OK) {
        return rc;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cii_audio_job_body_xml(params, &b);
    return cosi_body_from_buf(p, &b, body);
}

/* ---------------------------------------------------------------- responses */

void cii_set_str(cos_pool_t *p, cos_string_t *dst, const char *s)
{
    if (!s) {
        return;
    }
    char *copy = cos_pstrdup_cstr(p, s);
    if (copy) {
        dst->data = copy;
        dst->len = (int)strlen(copy);
    }
}

int cii_atoi(const char *s)
{
    if (!s) {
        return 0;
    }
    long v = strtol(s, NULL, 10);
    return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

static void child_str(cos_pool_t *p, xmlNodePtr n, const char *tag, cos_string_t *dst)
{
    cii_set_str(p, dst, cosx_xml_child_text(n, tag));
}

static void keywords_xml(cos_pool_t *p, xmlNodePtr n, cos_list_t *list)
{
    for (xmlNodePtr k = cosx_xml_child(n, "Keywords"); k; k = cosx_xml_next(k, "Keywords")) {
        ci_auditing_keyword_t *kw = cos_pcalloc(p, sizeof(*kw));
        if (!kw) {
            return;
        }
        cii_set_str(p, &kw->keyword, cosx_xml_text(k));
        cos_list_add_tail(&kw->node, list);
    }
}

void cii_scene_init(ci_audio_auditing_scene_info_t *s)
{
    cos_list_init(&s->keywords);
    cos_list_init(&s->lib_results);
}

static void scene_xml(cos_pool_t *p, xmlNodePtr parent, const char *tag,
                      ci_audio_auditing_scene_info_t *s)
{
    cii_scene_init(s);
    xmlNodePtr n = cosx_xml_child(parent, tag);
    if (!n) {
        return;
    }
    s->present = 1;
    s->hit_flag = cii_atoi(cosx_xml_child_text(n, "HitFlag"));
    s->score = cii_atoi(cosx_xml_child_text(n, "Score"));
    child_str(p, n, "Label", &s->label);
    child_str(p, n, "Category", &s->category);
    child_str(p, n, "SubLabel", &s->sub_label);
    keywords_xml(p, n, &s->keywords);
    for (xmlNodePtr l = cosx_xml_child(n, "LibResults"); l; l = cosx_xml_next(l, "LibResults")) {
        ci_auditing_lib_result_t *lr = cos_pcalloc(p, sizeof(*lr));
        if (!lr) {
            return;
        }
        cos_list_init(&lr->keywords);
        lr->lib_type = cii_atoi(cosx_xml_child_text(l, "LibType"));
        child_str(p, l, "LibName", &lr->lib_name);
        keywords_xml(p, l, &lr->keywords);
        cos_list_add_tail(&lr->node, &s->lib_results);
    }
}

void cii_detail_init(ci_get_audio_auditing_jobs_detail_t *d)
{
#define INIT(tag, s) cii_scene_init(s);
    CII_SCENES(INIT, d)
#undef INIT
    cos_list_init(&d->section_list);
    cos_list_init(&d->list_info.list_results);
}

void cii_jobs_detail_xml(cos_pool_t *p, xmlNodePtr jd, ci_get_audio_auditing_jobs_detail_t *d)
{
    cii_detail_init(d);
    child_str(p, jd, "Code", &d->code);
    child_str(p, jd, "Message", &d->message);
    child_str(p, jd, "JobId", &d->job_id);
    child_str(p, jd, "State", &d->state);
    child_str(p, jd, "CreationTime", &d->creation_time);
    child_str(p, jd, "Object", &d->object);
    child_str(p, jd, "Url", &d->url);
    child_str(p, jd, "DataId", &d->data_id);
    child_str(p, jd, "AudioText", &d->audio_text);
    child_str(p, jd, "Label", &d->label);
    child_str(p, jd, "SubLabel", &d->sub_label);
    child_str(p, jd, "BucketId", &d->bucket_id);
    child_str(p, jd, "Region", &d->region);
    d->result = cii_atoi(cosx_xml_child_text(jd, "Result"));
    d->forbid_state = cii_atoi(cosx_xml_child_text(jd, "ForbidState"));
#define PARSE(tag, s) scene_xml(p, parent, tag, s);
    xmlNodePtr parent = jd;
    CII_SCENES(PARSE, d)
    for (xmlNodePtr sn = cosx_xml_child(jd, "Section"); sn; sn = cosx_xml_next(sn, "Section")) {
        ci_audio_auditing_section_t *sec = cos_pcalloc(p, sizeof(*sec));
        if (!sec) {
            break;
        }
        child_str(p, sn, "Url", &sec->url);
        child_str(p, sn, "Text", &sec->text);
        sec->offset_time = cii_atoi(cosx_xml_child_text(sn, "OffsetTime"));
        sec->duration = cii_atoi(cosx_xml_child_text(sn, "Duration"));
        child_str(p, sn, "Label", &sec->label);
        child_str(p, sn, "SubLabel", &sec->sub_label);
        sec->result = cii_atoi(cosx_xml_child_text(sn, "Result"));
        parent = sn;
        CII_SCENES(PARSE, sec)
        cos_list_add_tail(&sec->node, &d->section_list);
    }
#undef PARSE
    xmlNodePtr ui = cosx_xml_child(jd, "UserInfo");
    for (size_t i = 0; ui && i < CII_N_USER_FIELDS; i++) {
        child_str(p, ui, CII_USER_FIELDS[i].tag,
                  (cos_string_t *)((char *)&d->user_info + CII_USER_FIELDS[i].offset));
    }
    xmlNodePtr li = cosx_xml_child(jd, "ListInfo");
    for (xmlNodePtr r = cosx_xml_child(li, "ListResults"); r; r = cosx_xml_next(r, "ListResults")) {
        ci_auditing_list_result_t *lr = cos_pcalloc(p, sizeof(*lr));
        if (!lr) {
            break;
        }
        lr->list_type = cii_atoi(cosx_xml_child_text(r, "ListType"));
        child_str(p, r, "ListName", &lr->list_name);
        child_str(p, r, "Entity", &lr->entity);
        cos_list_add_tail(&lr->node, &d->list_info.list_results);
    }
}

xmlDocPtr cii_parse_body(cos_pool_t *p, cos_list_t *bc)
{
    int64_t len = cos_buf_list_len(bc);
    char *text = len > 0 ? cos_buf_list_content(p, bc) : NULL;
    if (!text) {
        return NULL;
    }
    return cosx_xml_parse(text, (size_t)len, NULL, NULL, NULL, 0);
}

int ci_audio_auditing_result_parse_from_body(cos_pool_t *p, cos_list_t *bc,
                                             ci_audio_auditing_job_result_t *res)
{
    xmlDocPtr doc = cii_parse_body(p, bc);
    xmlNodePtr root = cosx_xml_root(doc);
    xmlNodePtr jd = cosx_xml_child(root, "JobsDetail");
    if (!cosx_xml_is(root, "Response") || !jd) {
        if (doc) {
            xmlFreeDoc(doc);
        }
        return COSE_XML_PARSE_ERROR;
    }
    ci_audio_auditing_jobs_detail_t *d = &res->jobs_detail;
    child_str(p, jd, "JobId", &d->job_id);
    child_str(p, jd, "State", &d->state);
    child_str(p, jd, "CreationTime", &d->creation_time);
    child_str(p, jd, "Object", &d->object);
    child_str(p, jd, "Url", &d->url);
    child_str(p, jd, "DataId", &d->data_id);
    child_str(p, root, "RequestId", &res->request_id);
    xmlFreeDoc(doc);
    return COSE_OK;
}

int ci_get_audio_auditing_result_parse_from_body(cos_pool_t *p, cos_list_t *bc,
                                                 ci_get_audio_auditing_job_result_t *res)
{
    xmlDocPtr doc = cii_parse_body(p, bc);
    xmlNodePtr root = cosx_xml_root(doc);
    if (!cosx_xml_is(root, "Response")) {
        if (doc) {
            xmlFreeDoc(doc);
        }
        return COSE_XML_PARSE_ERROR;
    }
    xmlNodePtr jd = cosx_xml_child(root, "JobsDetail");
    if (jd) {
        cii_jobs_detail_xml(p, jd, &res->jobs_detail);
    } else {
        cii_detail_init(&res->jobs_detail);
    }
    child_str(p, root, "NonExistJobIds", &res->nonexist_job_ids);
    child_str(p, root, "RequestId", &res->request_id);
    xmlFreeDoc(doc);
    return COSE_OK;
}
