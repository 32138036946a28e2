/* ci_audit_callback.c: parses the body CI (or cosd) posts to a job's Callback URL when an audio
 * moderation job ends: Simple JSON, Detail JSON (PascalCase, as the query response) or XML,
 * detected from the first non-blank byte, into ci_audio_auditing_callback_t (COS_PROTOCOL 9.3). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ci_audit.h"
#include "ci_audit_int.h"
#include "cosx_xml.h"

/* String value of a member; numbers are rendered as decimal text. NULL when absent or another type.
 */
static const char *jstr(const cJSON *o, const char *name, char *num, size_t numlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsString(v)) {
        return v->valuestring;
    }
    if (cJSON_IsNumber(v) && num) {
        snprintf(num, numlen, "%.0f", v->valuedouble);
        return num;
    }
    return NULL;
}

static void jset(cos_pool_t *p, cos_string_t *dst, const cJSON *o, const char *name)
{
    char num[32];
    cii_set_str(p, dst, jstr(o, name, num, sizeof(num)));
}

/* A JSON number as an int, clamped to the int range (NaN: 0). */
static int clamp_int(double d)
{
    if (d != d) {
        return 0;
    }
    if (d >= (double)INT_MAX) {
        return INT_MAX;
    }
    if (d <= (double)INT_MIN) {
        return INT_MIN;
    }
    return (int)d;
}

/* Integer value of a member given as a number or a decimal string; 0 when absent. */
static int jint(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsNumber(v)) {
        return clamp_int(v->valuedouble);
    }
    return cJSON_IsString(v) ? cii_atoi(v->valuestring) : 0;
}

/* Keywords as an array of strings, or one string. */
static void jkeywords(cos_pool_t *p, const cJSON *o, cos_list_t *list)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "Keywords");
    const cJSON *it;
    if (cJSON_IsString(k)) {
        k = NULL;
        ci_auditing_keyword_t *kw = cos_pcalloc(p, sizeof(*kw));
        if (kw) {
            jset(p, &kw->keyword, o, "Keywords");
            cos_list_add_tail(&kw->node, list);
        }
    }
    cJSON_ArrayForEach(it, k)
    {
        if (!cJSON_IsString(it)) {
            continue;
        }
        ci_auditing_keyword_t *kw = cos_pcalloc(p, sizeof(*kw));
        if (!kw) {
            return;
        }
        cii_set_str(p, &kw->keyword, it->valuestring);
        cos_list_add_tail(&kw->node, list);
    }
}

static void jscene(cos_pool_t *p, const cJSON *parent, const char *tag,
                   ci_audio_auditing_scene_info_t *s)
{
    cii_scene_init(s);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, tag);
    if (!cJSON_IsObject(o)) {
        return;
    }
    s->present = 1;
    s->hit_flag = jint(o, "HitFlag");
    s->score = jint(o, "Score");
    jset(p, &s->label, o, "Label");
    jset(p, &s->category, o, "Category");
    jset(p, &s->sub_label, o, "SubLabel");
    jkeywords(p, o, &s->keywords);
    const cJSON *libs = cJSON_GetObjectItemCaseSensitive(o, "LibResults");
    if (cJSON_IsObject(libs)) { /* a single entry may come unwrapped */
        libs = NULL;
    }
    const cJSON *l;
    cJSON_ArrayForEach(l, libs)
    {
        ci_auditing_lib_result_t *lr = cos_pcalloc(p, sizeof(*lr));
        if (!lr) {
            return;
        }
        cos_list_init(&lr->keywords);
        lr->lib_type = jint(l, "LibType");
        jset(p, &lr->lib_name, l, "LibName");
        jkeywords(p, l, &lr->keywords);
        cos_list_add_tail(&lr->node, &s->lib_results);
    }
}

static cos_table_t *jheaders(cos_pool_t *p, const cJSON *o)
{
    if (!cJSON_IsObject(o)) {
        return NULL;
    }
    cos_table_t *t = cos_table_make(p, cJSON_GetArraySize(o));
    const cJSON *it;
    cJSON_ArrayForEach(it, o)
    {
        if (t && cJSON_IsString(it)) {
            cos_table_add(t, it->string, it->valuestring);
        }
    }
    return t;
}

static void jdetail(cos_pool_t *p, const cJSON *jd, ci_audio_auditing_callback_t *r)
{
    ci_get_audio_auditing_jobs_detail_t *d = &r->jobs_detail;
    cii_detail_init(d);
    jset(p, &d->code, jd, "Code");
    jset(p, &d->message, jd, "Message");
    jset(p, &d->job_id, jd, "JobId");
    jset(p, &d->state, jd, "State");
    jset(p, &d->creation_time, jd, "CreationTime");
    jset(p, &d->object, jd, "Object");
    jset(p, &d->url, jd, "Url");
    jset(p, &d->data_id, jd, "DataId");
    jset(p, &d->audio_text, jd, "AudioText");
    jset(p, &d->label, jd, "Label");
    jset(p, &d->sub_label, jd, "SubLabel");
    jset(p, &d->bucket_id, jd, "BucketId");
    jset(p, &d->region, jd, "Region");
    d->result = jint(jd, "Result");
    d->forbid_state = jint(jd, "ForbidState");
#define PARSE(tag, s) jscene(p, parent, tag, s);
    const cJSON *parent = jd;
    CII_SCENES(PARSE, d)
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(jd, "Section");
    const cJSON *sn;
    if (!cJSON_IsArray(sections)) {
        sections = NULL;
    }
    cJSON_ArrayForEach(sn, sections)
    {
        ci_audio_auditing_section_t *sec = cos_pcalloc(p, sizeof(*sec));
        if (!sec) {
            break;
        }
        jset(p, &sec->url, sn, "Url");
        jset(p, &sec->text, sn, "Text");
        sec->offset_time = jint(sn, "OffsetTime");
        sec->duration = jint(sn, "Duration");
        jset(p, &sec->label, sn, "Label");
        jset(p, &sec->sub_label, sn, "SubLabel");
        sec->result = jint(sn, "Result");
        parent = sn;
        CII_SCENES(PARSE, sec)
        cos_list_add_tail(&sec->node, &d->section_list);
    }
#undef PARSE
    const cJSON *ui = cJSON_GetObjectItemCaseSensitive(jd, "UserInfo");
    for (size_t i = 0; cJSON_IsObject(ui) && i < CII_N_USER_FIELDS; i++) {
        jset(p, (cos_string_t *)((char *)&d->user_info + CII_USER_FIELDS[i].offset), ui,
             CII_USER_FIELDS[i].tag);
    }
    const cJSON *li = cJSON_GetObjectItemCaseSensitive(jd, "ListInfo");
    const cJSON *lr_arr = cJSON_GetObjectItemCaseSensitive(li, "ListResults");
    const cJSON *lrj;
    if (!cJSON_IsArray(lr_arr)) {
        lr_arr = NULL;
    }
    cJSON_ArrayForEach(lrj, lr_arr)
    {
        ci_auditing_list_result_t *lr = cos_pcalloc(p, sizeof(*lr));
        if (!lr) {
            break;
        }
        lr->list_type = jint(lrj, "ListType");
        jset(p, &lr->list_name, lrj, "ListName");
        jset(p, &lr->entity, lrj, "Entity");
        cos_list_add_tail(&lr->node, &d->list_info.list_results);
    }
    r->cos_headers = jheaders(p, cJSON_GetObjectItemCaseSensitive(jd, "CosHeaders"));
}

/* Simple callback: snake_case scene objects {hit_flag, score, label}. */
static void jsimple_scene(cos_pool_t *p, const cJSON *data, const char *name,
                          ci_audio_auditing_scene_info_t *s)
{
    cii_scene_init(s);
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(data, name);
    if (!cJSON_IsObject(o)) {
        return;
    }
    s->present = 1;
    s->hit_flag = jint(o, "hit_flag");
    s->score = jint(o, "score");
    jset(p, &s->label, o, "label");
}

static int jsimple(cos_pool_t *p, const cJSON *root, ci_audio_auditing_callback_t *r)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!cJSON_IsObject(data) || !cJSON_GetObjectItemCaseSensitive(root, "code")) {
        return COSE_XML_PARSE_ERROR;
    }
    ci_get_audio_auditing_jobs_detail_t *d = &r->jobs_detail;
    cii_detail_init(d);
    r->code = jint(root, "code");
    jset(p, &r->message, root, "message");
    jset(p, &r->event, data, "event");
    jset(p, &d->job_id, data, "trace_id");
    jset(p, &d->url, data, "url");
    jset(p, &d->data_id, data, "data_id");
    d->result = jint(data, "result");
    d->forbid_state = jint(data, "forbidden_status");
    jsimple_scene(p, data, "porn_info", &d->porn_info);
    jsimple_scene(p, data, "terrorism_info", &d->terrorism_info);
    jsimple_scene(p, data, "politics_info", &d->politics_info);
    jsimple_scene(p, data, "ads_info", &d->ads_info);
    jsimple_scene(p, data, "illegal_info", &d->illegal_info);
    jsimple_scene(p, data, "abuse_info", &d->abuse_info);
    jsimple_scene(p, data, "teenager_info", &d->teenager_info);
    r->cos_headers = jheaders(p, cJSON_GetObjectItemCaseSensitive(data, "cos_headers"));
    return COSE_OK;
}

int ci_audio_auditing_callback_parse(cos_pool_t *p, const char *body, int64_t body_len,
                                     ci_audio_auditing_callback_t *result)
{
    if (!p || !body || body_len <= 0 || !result) {
        return COSE_INVALID_ARGUMENT;
    }
    memset(result, 0, sizeof(*result));
    cii_detail_init(&result->jobs_detail);
    int64_t i = 0;
    while (i < body_len && isspace((unsigned char)body[i])) {
        i++;
    }
    if (i == body_len) {
        return COSE_INVALID_ARGUMENT;
    }
    if (body[i] == '<') {
        xmlDocPtr doc = cosx_xml_parse(body, (size_t)body_len, NULL, NULL, NULL, 0);
        xmlNodePtr root = cosx_xml_root(doc);
        xmlNodePtr jd = cosx_xml_is(root, "JobsDetail") ? root : cosx_xml_child(root, "JobsDetail");
        if (!jd) {
            if (doc) {
                xmlFreeDoc(doc);
            }
            return COSE_XML_PARSE_ERROR;
        }
        result->is_detail = 1;
        cii_set_str(p, &result->event, cosx_xml_child_text(root, "EventName"));
        cii_jobs_detail_xml(p, jd, &result->jobs_detail);
        xmlFreeDoc(doc);
        return COSE_OK;
    }
    if (body[i] != '{') {
        return COSE_XML_PARSE_ERROR;
    }
    cJSON *root = cJSON_ParseWithLength(body, (size_t)body_len);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return COSE_XML_PARSE_ERROR;
    }
    int rc = COSE_OK;
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(root, "JobsDetail");
    if (cJSON_IsObject(jd)) {
        result->is_detail = 1;
        jset(p, &result->event, root, "EventName");
        jdetail(p, jd, result);
    } else {
        rc = jsimple(p, root, result);
    }
    cJSON_Delete(root);
    return rc;
}
