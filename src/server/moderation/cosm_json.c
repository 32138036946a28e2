/* cosm_json: the engine's result as the JobsDetail object of the Detail callback / query response
 * (COS_PROTOCOL 9.2, 9.3): PascalCase keys, Section[] array, Keywords and LibResults arrays. */
#include "cosm_internal.h"

#include <stdio.h>

static const char *const info_keys[COSM_SCENE_COUNT] = {
    "PornInfo",  "TerrorismInfo", "PoliticsInfo", "IllegalInfo",
    "AbuseInfo", "AdsInfo",       "TeenagerInfo",
};

static bool add_strings(cJSON *obj, const char *key, char *const *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(obj, key);
    if (!a)
        return false;
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);
        if (!s)
            return false;
        cJSON_AddItemToArray(a, s);
    }
    return true;
}

static bool add_info(cJSON *parent, int scene, const cosm_scene_info_t *i, bool section)
{
    cJSON *o = cJSON_AddObjectToObject(parent, info_keys[scene]);
    if (!o || !cJSON_AddNumberToObject(o, "HitFlag", i->hit_flag) ||
        !cJSON_AddNumberToObject(o, "Score", i->score) ||
        !cJSON_AddStringToObject(o, "Label", i->label ? i->label : "") ||
        !cJSON_AddStringToObject(o, "Category", i->sub_label ? i->sub_label : "") ||
        !cJSON_AddStringToObject(o, "SubLabel", i->sub_label ? i->sub_label : "") ||
        (i->stage && !cJSON_AddStringToObject(o, "Stage", i->stage)))
        return false;
    if (!section)
        return true;
    if (i->n_keywords && !add_strings(o, "Keywords", i->keywords, i->n_keywords))
        return false;
    if (!i->n_libs)
        return true;
    cJSON *libs = cJSON_AddArrayToObject(o, "LibResults");
    if (!libs)
        return false;
    for (size_t l = 0; l < i->n_libs; l++) {
        cJSON *lr = cJSON_CreateObject();
        if (!lr)
            return false;
        cJSON_AddItemToArray(libs, lr);
        if (!cJSON_AddNumberToObject(lr, "LibType", i->libs[l].lib_type) ||
            !cJSON_AddStringToObject(lr, "LibName", i->libs[l].lib_name) ||
            !add_strings(lr, "Keywords", i->libs[l].keywords, i->libs[l].n_keywords))
            return false;
    }
    return true;
}

static bool add_section(cJSON *arr, const cosm_section_t *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return false;
    cJSON_AddItemToArray(arr, o);
    if (!cJSON_AddStringToObject(o, "Text", s->text ? s->text : "") ||
        !cJSON_AddNumberToObject(o, "OffsetTime", (double)s->offset_ms) ||
        !cJSON_AddNumberToObject(o, "Duration", (double)s->duration_ms) ||
        !cJSON_AddStringToObject(o, "Label", s->label ? s->label : "Normal") ||
        !cJSON_AddStringToObject(o, "SubLabel", s->sub_label ? s->sub_label : "") ||
        !cJSON_AddNumberToObject(o, "Result", s->result))
        return false;
    for (int k = 0; k < COSM_SCENE_COUNT; k++)
        if (s->info[k].audited && !add_info(o, k, &s->info[k], true))
            return false;
    return true;
}

cJSON *cosm_result_to_json(const cosm_result_t *r, bool only_violating)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "State", "Success") &&
              cJSON_AddStringToObject(o, "Label", r->label) &&
              cJSON_AddStringToObject(o, "SubLabel", r->sub_label ? r->sub_label : "") &&
              cJSON_AddNumberToObject(o, "Result", r->result) &&
              cJSON_AddStringToObject(o, "AudioText", r->audio_text ? r->audio_text : "");
    for (int k = 0; ok && k < COSM_SCENE_COUNT; k++)
        if (r->info[k].audited)
            ok = add_info(o, k, &r->info[k], false);
    cJSON *secs = ok ? cJSON_AddArrayToObject(o, "Section") : NULL;
    ok = ok && secs;
    for (size_t i = 0; ok && i < r->n_sections; i++)
        if (!only_violating || r->sections[i].result != COSM_RESULT_NORMAL)
            ok = add_section(secs, &r->sections[i]);
    if (ok && r->n_list_hits) {
        cJSON *li = cJSON_AddObjectToObject(o, "ListInfo");
        cJSON *lr = li ? cJSON_AddArrayToObject(li, "ListResults") : NULL;
        ok = lr != NULL;
        for (size_t i = 0; ok && i < r->n_list_hits; i++) {
            cJSON *h = cJSON_CreateObject();
            ok = h != NULL;
            if (ok) {
                cJSON_AddItemToArray(lr, h);
                ok = cJSON_AddNumberToObject(h, "ListType", r->list_hits[i].list_type) &&
                     cJSON_AddStringToObject(h, "ListName", r->list_hits[i].list_name) &&
                     cJSON_AddStringToObject(h, "Entity", r->list_hits[i].entity);
            }
        }
    }
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *cosm_error_to_json(const cosm_error_t *err)
{
    char code[24];
    snprintf(code, sizeof(code), "%d", err->code);
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "State", "Failed") ||
        !cJSON_AddStringToObject(o, "Code", code) ||
        !cJSON_AddStringToObject(o, "Message", err->message)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
