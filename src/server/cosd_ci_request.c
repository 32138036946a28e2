/* cosd_ci_request: the audio moderation Request body of POST /audio/auditing (COS_PROTOCOL 9.1)
 * parsed and validated without a request (Input Object/Url, DataId, UserInfo, Conf
 * BizType/Callback/ CallbackVersion/CallbackType/Freeze) into the fields of a job; cosd_ci_submit.c
 * stores the job. */
#include "cosd_body.h"

#include "cosd_body_int.h"
#include "cosd_route.h"
#include "cosx_xml.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DATA_ID    512
#define MAX_USER_FIELD 128
#define MAX_URL        4096

static const char *const user_fields[] = {"TokenId", "Nickname", "DeviceId", "AppId",
                                          "Room",    "IP",       "Type",     "ReceiveTokenId",
                                          "Gender",  "Level",    "Role",     NULL};

static const char *const freeze_fields[] = {
    "PornScore",     "AdsScore",   "IllegalScore",  "TerrorismScore",
    "PoliticsScore", "AbuseScore", "TeenagerScore", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool is_http_url(const char *s)
{
    return (strncasecmp(s, "http://", 7) == 0 && s[7]) ||
           (strncasecmp(s, "https://", 8) == 0 && s[8]);
}

/* Parses a whole decimal integer; false for anything else. */
static bool parse_int(const char *s, long *out)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    char *end;
    if (!*s)
        return false;
    long v = strtol(s, &end, 10);
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

/* Reads the Request into j (strings duplicated); false with err when invalid. */
static bool parse_request(xmlNodePtr root, cosd_job_t *j, cosd_body_err_t *err)
{
    if (!cosx_xml_is(root, "Request")) {
        cosd_body_fail(err, 400, "InvalidContent",
                       "The request body must be a <Request> document with <Input> and <Conf>.");
        return false;
    }
    xmlNodePtr in = cosx_xml_child(root, "Input");
    if (!in) {
        cosd_body_fail(err, 400, "InvalidArgument", "Request.Input is required.");
        return false;
    }
    const char *obj = cosx_xml_child_text(in, "Object");
    const char *url = cosx_xml_child_text(in, "Url");
    if ((obj && url) || (!obj && !url)) {
        cosd_body_fail(err, 400, "InvalidArgument",
                       "Request.Input needs exactly one of Object (a key in this bucket) or Url.");
        return false;
    }
    if (obj) {
        char msg[256];
        if (!*obj || obj[0] == '/' || obj[0] == '\\') {
            cosd_body_fail(err, 400, "InvalidArgument",
                           "Input.Object must be an object key without a leading '/'.");
            return false;
        }
        if (cosd_key_check(obj, strlen(obj), msg, sizeof msg)) {
            cosd_body_fail(err, 400, "InvalidArgument", "Input.Object: %s", msg);
            return false;
        }
        j->object = strdup(obj);
    } else {
        if (!is_http_url(url) || strlen(url) > MAX_URL) {
            cosd_body_fail(err, 400, "InvalidArgument",
                           "Input.Url must be an http:// or https:// URL of at most %d bytes.",
                           MAX_URL);
            return false;
        }
        j->url = strdup(url);
    }
    const char *data_id = cosx_xml_child_text(in, "DataId");
    if (data_id) {
        if (strlen(data_id) > MAX_DATA_ID) {
            cosd_body_fail(err, 400, "InvalidArgument",
                           "Input.DataId is %zu bytes; at most %d are allowed.", strlen(data_id),
                           MAX_DATA_ID);
            return false;
        }
        j->data_id = strdup(data_id);
    }
    xmlNodePtr ui = cosx_xml_child(in, "UserInfo");
    if (ui) {
        cJSON *o = cJSON_CreateObject();
        for (xmlNodePtr f = cosx_xml_child(ui, NULL); f; f = cosx_xml_next(f, NULL)) {
            const char *name = (const char *)f->name;
            const char *v = cosx_xml_text(f);
            if (!in_list(user_fields, name))
                continue; /* unknown fields are ignored, as elsewhere in the XML API */
            if (strlen(v) > MAX_USER_FIELD) {
                cJSON_Delete(o);
                cosd_body_fail(err, 400, "InvalidArgument",
                               "Input.UserInfo.%s is %zu bytes; at most %d are allowed.", name,
                               strlen(v), MAX_USER_FIELD);
                return false;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(o, name);
            cJSON_AddStringToObject(o, name, v);
        }
        j->user_info = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
    }
    xmlNodePtr conf = cosx_xml_child(root, "Conf");
    const char *biz = conf ? cosx_xml_child_text(conf, "BizType") : NULL;
    if (biz && *biz)
        j->biz_type = strdup(biz);
    const char *cb = conf ? cosx_xml_child_text(conf, "Callback") : NULL;
    if (cb && *cb) {
        if (!is_http_url(cb) || strlen(cb) > MAX_URL) {
            cosd_body_fail(err, 400, "InvalidArgument",
                           "Conf.Callback must be an http:// or https:// URL.");
            return false;
        }
        j->callback = strdup(cb);
    }
    const char *ver = conf ? cosx_xml_child_text(conf, "CallbackVersion") : NULL;
    if (ver && *ver && strcmp(ver, "Simple") != 0 && strcmp(ver, "Detail") != 0) {
        cosd_body_fail(err, 400, "InvalidArgument",
                       "Conf.CallbackVersion '%.32s' is not valid: use Simple or Detail.", ver);
        return false;
    }
    j->cb_version = strdup(ver && *ver ? ver : "Simple");
    const char *ct = conf ? cosx_xml_child_text(conf, "CallbackType") : NULL;
    long ctv = 1;
    if (ct && *ct && (!parse_int(ct, &ctv) || (ctv != 1 && ctv != 2))) {
        cosd_body_fail(err, 400, "InvalidArgument",
                       "Conf.CallbackType '%.32s' is not valid: use 1 (all sections) or 2 "
                       "(violating sections only).",
                       ct);
        return false;
    }
    j->cb_type = (int)ctv;
    xmlNodePtr fz = conf ? cosx_xml_child(conf, "Freeze") : NULL;
    if (fz) {
        cJSON *o = cJSON_CreateObject();
        for (xmlNodePtr f = cosx_xml_child(fz, NULL); f; f = cosx_xml_next(f, NULL)) {
            const char *name = (const char *)f->name;
            long v;
            if (!in_list(freeze_fields, name)) {
                cJSON_Delete(o);
                cosd_body_fail(err, 400, "InvalidArgument",
                               "Conf.Freeze.%.64s is not known: use PornScore, AdsScore, "
                               "IllegalScore, TerrorismScore, PoliticsScore, AbuseScore or "
                               "TeenagerScore.",
                               name);
                return false;
            }
            if (!parse_int(cosx_xml_text(f), &v) || v < 0 || v > 100) {
                cJSON_Delete(o);
                cosd_body_fail(err, 400, "InvalidArgument",
                               "Conf.Freeze.%s must be an integer score from 0 to 100.", name);
                return false;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(o, name);
            cJSON_AddNumberToObject(o, name, (double)v);
        }
        if (cJSON_GetArraySize(o) > 0)
            j->freeze = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
    }
    return true;
}

bool cosd_body_ci_request(const char *xml, size_t len, cosd_job_t *j, cosd_body_err_t *err)
{
    if (len == 0)
        return cosd_body_fail(err, 400, "MissingContent",
                              "The request body is empty; send a <Request> document.");
    xmlDocPtr doc = cosd_body_doc(xml, len, 0, "InvalidContent", "request", err);
    if (!doc)
        return false;
    bool ok = parse_request(cosx_xml_root(doc), j, err);
    xmlFreeDoc(doc);
    return ok;
}
