/* cosd_ci_render: a stored moderation job as JobsDetail: the JSON document (query field order,
 * Section[].Url presigned for 2 hours, CallbackType 2 filtering, Detail callback extras) and its
 * XML form for the query response (COS_PROTOCOL 9.2, 9.3). */
#include "cosd_ci_int.h"

#include "cosx_encode.h"
#include "cosx_sign.h"
#include "cosx_xml.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const cosd_account_t *bucket_owner(const cosd_server_t *srv, const char *bucket)
{
    const char *appid = cosd_bucket_appid(bucket);
    for (size_t i = 0; appid && i < srv->n_accounts; i++)
        if (strcmp(srv->accounts[i].appid, appid) == 0)
            return &srv->accounts[i];
    return NULL;
}

bool cosd_ci_clip_url(const cosd_ci_t *ci, const cosd_job_t *j, int idx, cosx_buf_t *out)
{
    const cosd_account_t *acc = bucket_owner(ci->srv, j->bucket);
    if (!acc)
        return false;
    char path[96];
    snprintf(path, sizeof path, "/audio/auditing/%s/sections/%d.wav", j->job_id, idx);
    int64_t now = (int64_t)time(NULL);
    cosx_pair_t hdr = {"host", j->host};
    cosx_sign_input_t in = {
        .secret_id = acc->secret_id,
        .secret_key = acc->secret_key,
        .method = "GET",
        .path = path,
        .headers = &hdr,
        .n_headers = 1,
        .start = now - 60,
        .end = now + COSD_CI_CLIP_URL_SECONDS,
    };
    cosx_signature_t sig;
    if (cosx_sign(&in, &sig) != 0)
        return false;
    cosx_buf_printf(out, "http://%s%s?", j->host, path);
    bool ok = cosx_sign_presign_query(&sig, acc->secret_id, out) && cosx_buf_ok(out);
    cosx_signature_free(&sig);
    return ok;
}

static bool add_str(cJSON *o, const char *k, const char *v)
{
    return cJSON_AddStringToObject(o, k, v ? v : "") != NULL;
}

cJSON *cosd_ci_job_json(const cosd_ci_t *ci, const cosd_job_t *j, bool only_violating,
                        bool detail_extras)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    bool ok = true;
    bool success = strcmp(j->state, "Success") == 0, failed = strcmp(j->state, "Failed") == 0;
    if (success) {
        ok = add_str(o, "Code", "Success") && add_str(o, "Message", "Success");
    } else if (failed) {
        ok = add_str(o, "Code", j->code) && add_str(o, "Message", j->message);
    }
    if (ok && j->data_id)
        ok = add_str(o, "DataId", j->data_id);
    ok = ok && add_str(o, "JobId", j->job_id) && add_str(o, "State", j->state) &&
         add_str(o, "CreationTime", j->created);
    if (ok)
        ok = j->object ? add_str(o, "Object", j->object) : add_str(o, "Url", j->url);
    cJSON *res = success && j->result ? cJSON_Parse(j->result) : NULL;
    cJSON *ui = j->user_info ? cJSON_Parse(j->user_info) : NULL;
    cJSON *it = res ? res->child : NULL;
    while (ok && it) {
        cJSON *next = it->next;
        if (strcmp(it->string, "State") == 0) {
            it = next;
            continue;
        }
        cJSON_DetachItemViaPointer(res, it);
        if (strcmp(it->string, "Section") == 0 && cJSON_IsArray(it)) {
            int idx = 0;
            cJSON *sec = it->child;
            while (sec) {
                cJSON *snext = sec->next;
                const cJSON *r = cJSON_GetObjectItemCaseSensitive(sec, "Result");
                if (only_violating && cJSON_IsNumber(r) && r->valueint == 0) {
                    cJSON_Delete(cJSON_DetachItemViaPointer(it, sec));
                } else {
                    cosx_buf_t url = COSX_BUF_INIT;
                    if (cosd_ci_clip_url(ci, j, idx, &url)) {
                        cJSON *u = cJSON_CreateString(cosx_buf_str(&url));
                        /* Url first, as in the documented samples */
                        if (!u || !cJSON_AddItemToObject(sec, "Url", u))
                            ok = false;
                        else
                            cJSON_InsertItemInArray(sec, 0, cJSON_DetachItemViaPointer(sec, u));
                    }
                    cosx_buf_free(&url);
                }
                idx++;
                sec = snext;
            }
        }
        if (strcmp(it->string, "ListInfo") == 0 && ui) {
            cJSON_AddItemToObject(o, "UserInfo", ui);
            ui = NULL;
        }
        cJSON_AddItemToObject(o, it->string, it);
        it = next;
    }
    if (ui) {
        cJSON_AddItemToObject(o, "UserInfo", ui);
        ui = NULL;
    }
    cJSON_Delete(res);
    if (ok && detail_extras) {
        ok = add_str(o, "BucketId", j->bucket) && add_str(o, "Region", j->region);
        cJSON *ch = j->cos_headers ? cJSON_Parse(j->cos_headers) : NULL;
        if (ch)
            cJSON_AddItemToObject(o, "CosHeaders", ch);
    }
    ok = ok && cJSON_AddNumberToObject(o, "ForbidState", j->forbid);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static bool value_to_xml(cosx_buf_t *out, const char *name, const cJSON *v)
{
    if (cJSON_IsArray(v)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, v)
        {
            if (!value_to_xml(out, name, e))
                return false;
        }
        return true;
    }
    if (cJSON_IsObject(v)) {
        return cosx_xml_open(out, name) && cosd_ci_json_to_xml(out, v) && cosx_xml_close(out, name);
    }
    if (cJSON_IsNumber(v))
        return cosx_xml_elemf(out, name, "%lld", (long long)llround(v->valuedouble));
    if (cJSON_IsString(v))
        return cosx_xml_elem(out, name, v->valuestring);
    if (cJSON_IsBool(v))
        return cosx_xml_elem(out, name, cJSON_IsTrue(v) ? "1" : "0");
    return cosx_xml_elem(out, name, "");
}

bool cosd_ci_json_to_xml(cosx_buf_t *out, const cJSON *obj)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (!it->string || !value_to_xml(out, it->string, it))
            return false;
    }
    return true;
}
