/* cosm_config: builds the engine's read-only state from the "moderation" object of cosd's JSON
 * configuration (model paths, section length, limits, match mode, custom libraries, allow/block
 * lists, policies by BizType) and finds the policy of a request. Schema: docs/moderation.md. */
#include "cosm_classifier.h"
#include "cosm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_FAIL(...) cosm_fail(err, COSM_ERR_CONFIG, __VA_ARGS__)

static int get_int(const cJSON *o, const char *key, double lo, double hi, int64_t *v,
                   cosm_error_t *err)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!x)
        return COSM_OK;
    if (!cJSON_IsNumber(x) || x->valuedouble < lo || x->valuedouble > hi)
        return CONF_FAIL("moderation: \"%s\" must be a number from %.0f to %.0f", key, lo, hi);
    *v = (int64_t)x->valuedouble;
    return COSM_OK;
}

static int get_str(const cJSON *o, const char *key, char **v, cosm_error_t *err)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!x)
        return COSM_OK;
    if (!cJSON_IsString(x) || !*x->valuestring)
        return CONF_FAIL("moderation: \"%s\" must be a non-empty string", key);
    char *s = cosm_strdup(x->valuestring);
    if (!s)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    free(*v);
    *v = s;
    return COSM_OK;
}

static int check_object(const cJSON *o, const char *what, cosm_error_t *err)
{
    if (o && !cJSON_IsObject(o))
        return CONF_FAIL("moderation: \"%s\" must be an object", what);
    return COSM_OK;
}

static int check_array(const cJSON *o, const char *what, cosm_error_t *err)
{
    if (o && !cJSON_IsArray(o))
        return CONF_FAIL("moderation: \"%s\" must be an array", what);
    return COSM_OK;
}

static int parse_models(cosm_engine_t *e, const cJSON *m, cosm_error_t *err)
{
    int rc;
    int64_t v = e->asr.max_hmm_per_frame;
    if ((rc = check_object(m, "models", err)) || !m)
        return rc;
    if ((rc = get_str(m, "hmm", &e->asr.hmm, err)) || (rc = get_str(m, "lm", &e->asr.lm, err)) ||
        (rc = get_str(m, "dict", &e->asr.dict, err)) ||
        (rc = get_int(m, "max_hmm_per_frame", 100, 1e6, &v, err)))
        return rc;
    e->asr.max_hmm_per_frame = (int)v;
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(m, "decoder_options"), *x;
    if ((rc = check_object(o, "models.decoder_options", err)))
        return rc;
    cJSON_ArrayForEach(x, o)
    {
        char num[64];
        const char *val = cJSON_IsString(x) ? x->valuestring : NULL;
        if (cJSON_IsNumber(x)) {
            snprintf(num, sizeof(num), "%.17g", x->valuedouble);
            val = num;
        } else if (cJSON_IsBool(x)) {
            val = cJSON_IsTrue(x) ? "yes" : "no";
        }
        if (!val || !*x->string)
            return CONF_FAIL(
                "moderation: \"models.decoder_options.%s\" must be a string, number or boolean",
                x->string);
        char **p = realloc(e->asr.options, (e->asr.n_options + 2) * sizeof(*p));
        if (!p)
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        e->asr.options = p;
        size_t nl = strlen(x->string) + 2;
        char *name = malloc(nl);
        if (name)
            snprintf(name, nl, "-%s", x->string[0] == '-' ? x->string + 1 : x->string);
        p[e->asr.n_options] = name;
        p[e->asr.n_options + 1] = cosm_strdup(val);
        e->asr.n_options += 2;
        if (!name || !p[e->asr.n_options - 1])
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "kws_threshold");
    if (t) {
        if (!cJSON_IsNumber(t) || t->valuedouble <= 0 || t->valuedouble >= 1)
            return CONF_FAIL("moderation: \"models.kws_threshold\" must be a number between 0 and "
                             "1, e.g. 1e-20");
        e->asr.kws_threshold = t->valuedouble;
    }
    return COSM_OK;
}

static int parse_match(cosm_engine_t *e, const cJSON *conf, cosm_error_t *err)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(conf, "match");
    if (!m)
        return COSM_OK;
    static const char *const names[] = {"text", "phones", "kws"};
    for (int i = 0; i < 3; i++)
        if (cJSON_IsString(m) && strcmp(m->valuestring, names[i]) == 0) {
            e->asr.match = (cosm_match_mode_t)i;
            return COSM_OK;
        }
    return CONF_FAIL("moderation: \"match\" must be \"text\", \"phones\" or \"kws\"");
}

static int parse_scalars(cosm_engine_t *e, const cJSON *conf, cosm_error_t *err)
{
    int rc;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(conf, "section");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(conf, "limits");
    if ((rc = check_object(s, "section", err)) || (rc = check_object(l, "limits", err)))
        return rc;
    int64_t max_ms = e->sections.max_ms, pause = e->sections.min_pause_ms, pad = e->sections.pad_ms;
    if (s && ((rc = get_int(s, "max_ms", 1000, 600000, &max_ms, err)) ||
              (rc = get_int(s, "min_pause_ms", 50, 10000, &pause, err)) ||
              (rc = get_int(s, "pad_ms", 0, 2000, &pad, err))))
        return rc;
    e->sections = (cosm_section_conf_t){(int)max_ms, (int)pause, (int)pad};
    int64_t dur_s = e->limits.max_duration_ms / 1000;
    if (l && ((rc = get_int(l, "max_bytes", 1, 1e15, &e->limits.max_bytes, err)) ||
              (rc = get_int(l, "max_duration_s", 1, 1e9, &dur_s, err))))
        return rc;
    e->limits.max_duration_ms = dur_s * 1000;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(conf, "clips");
    if (c) {
        if (!cJSON_IsBool(c))
            return CONF_FAIL("moderation: \"clips\" must be true or false");
        e->clips = cJSON_IsTrue(c);
    }
    if ((rc = parse_models(e, cJSON_GetObjectItemCaseSensitive(conf, "models"), err)))
        return rc;
    return parse_match(e, conf, err);
}

static int scene_of(const cJSON *o, int dflt, const char *where, int *scene, cosm_error_t *err)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "scene");
    if (!s) {
        if (dflt < 0)
            return CONF_FAIL(
                "moderation: %s needs a \"scene\" (Porn, Ads, Illegal, Abuse, Terrorism, Politics, "
                "Teenager)",
                where);
        *scene = dflt;
        return COSM_OK;
    }
    *scene = cJSON_IsString(s) ? cosm_scene_from_name(s->valuestring) : -1;
    if (*scene < 0)
        return CONF_FAIL(
            "moderation: %s: unknown scene (use Porn, Ads, Illegal, Abuse, Terrorism, Politics, "
            "Teenager)",
            where);
    return COSM_OK;
}

static int parse_library(cosm_engine_t *e, const cJSON *lj, cosm_error_t *err)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(lj, "name");
    if (!cJSON_IsObject(lj) || !cJSON_IsString(name) || !*name->valuestring)
        return CONF_FAIL(
            "moderation: each entry of \"libraries\" must be an object with a \"name\"");
    for (size_t i = 0; i < e->n_libs; i++)
        if (strcmp(e->libs[i].name, name->valuestring) == 0)
            return CONF_FAIL("moderation: library name '%s' is used twice", name->valuestring);
    cosm_library_t *p = realloc(e->libs, (e->n_libs + 1) * sizeof(*p));
    if (!p)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    e->libs = p;
    cosm_library_t *lib = &e->libs[e->n_libs++];
    *lib = (cosm_library_t){.name = cosm_strdup(name->valuestring), .lib_type = 2};
    if (!lib->name)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    int dflt = -1, rc;
    if (cJSON_GetObjectItemCaseSensitive(lj, "scene") &&
        (rc = scene_of(lj, -1, lib->name, &dflt, err)))
        return rc;
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(lj, "file");
    if (file) {
        if (!cJSON_IsString(file) || dflt < 0)
            return CONF_FAIL(
                "moderation: library '%s': \"file\" must be a path and needs a \"scene\"",
                lib->name);
        if ((rc = cosm_library_load_file(lib, file->valuestring, dflt, err)))
            return rc;
    }
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(lj, "entries"), *en;
    if ((rc = check_array(entries, "libraries[].entries", err)))
        return rc;
    cJSON_ArrayForEach(en, entries)
    {
        const cJSON *kw = cJSON_GetObjectItemCaseSensitive(en, "keyword");
        const cJSON *sub = cJSON_GetObjectItemCaseSensitive(en, "sub_label");
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(en, "weight");
        if (!cJSON_IsString(kw) || (sub && !cJSON_IsString(sub)) || (w && !cJSON_IsNumber(w)))
            return CONF_FAIL(
                "moderation: library '%s': each entry needs a string \"keyword\" (optional "
                "\"sub_label\" string, \"weight\" 1..100, \"scene\")",
                lib->name);
        int scene;
        if ((rc = scene_of(en, dflt, lib->name, &scene, err)))
            return rc;
        if (w && (w->valuedouble < 1 || w->valuedouble > 100))
            return CONF_FAIL("moderation: library '%s': weight of '%s' must be 1..100", lib->name,
                             kw->valuestring);
        if ((rc = cosm_library_add(lib, kw->valuestring, sub ? sub->valuestring : "",
                                   w ? (int)w->valuedouble : 95, scene, err)))
            return rc;
    }
    if (lib->n_entries == 0)
        return CONF_FAIL("moderation: library '%s' has no entries (give \"entries\" or \"file\")",
                         lib->name);
    return COSM_OK;
}

static int parse_list(cosm_engine_t *e, const cJSON *lj, cosm_error_t *err)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(lj, "name");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(lj, "type");
    const cJSON *ents = cJSON_GetObjectItemCaseSensitive(lj, "entities"), *x;
    int t = -1;
    if (cJSON_IsString(type))
        t = strcmp(type->valuestring, "allow") == 0   ? 0
            : strcmp(type->valuestring, "block") == 0 ? 1
                                                      : -1;
    else if (cJSON_IsNumber(type) && (type->valueint == 0 || type->valueint == 1))
        t = type->valueint;
    if (!cJSON_IsObject(lj) || !cJSON_IsString(name) || t < 0 || !cJSON_IsArray(ents))
        return CONF_FAIL(
            "moderation: each entry of \"lists\" needs \"name\", \"type\" (\"allow\" or \"block\") "
            "and \"entities\" (array of strings)");
    cosm_list_t *p = realloc(e->lists, (e->n_lists + 1) * sizeof(*p));
    if (!p)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    e->lists = p;
    cosm_list_t *l = &e->lists[e->n_lists++];
    *l = (cosm_list_t){.name = cosm_strdup(name->valuestring), .list_type = t};
    size_t n = (size_t)cJSON_GetArraySize(ents);
    l->entities = calloc(n ? n : 1, sizeof(char *));
    if (!l->name || !l->entities)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    cJSON_ArrayForEach(x, ents)
    {
        if (!cJSON_IsString(x))
            return CONF_FAIL("moderation: list '%s': entities must be strings", l->name);
        if (!(l->entities[l->n_entities++] = cosm_strdup(x->valuestring)))
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    return COSM_OK;
}

static int add_index(size_t **arr, size_t *n, size_t v)
{
    for (size_t i = 0; i < *n; i++)
        if ((*arr)[i] == v)
            return 0;
    size_t *p = realloc(*arr, (*n + 1) * sizeof(*p));
    if (!p)
        return -1;
    *arr = p;
    p[(*n)++] = v;
    return 0;
}

/* Fills a policy from its JSON (NULL = the built-in default: every scene, system libraries, every
 * list). */
static int parse_policy(const cosm_engine_t *e, const cJSON *pj, const int thresholds[2],
                        cosm_policy_t *pol, cosm_error_t *err)
{
    const cJSON *x;
    int rc;
    pol->suspect_from = thresholds[0];
    pol->violate_from = thresholds[1];
    const cJSON *scenes = pj ? cJSON_GetObjectItemCaseSensitive(pj, "scenes") : NULL;
    if ((rc = check_array(scenes, "policies[].scenes", err)))
        return rc;
    for (int s = 0; s < COSM_SCENE_COUNT; s++)
        pol->scenes[s] = scenes == NULL;
    cJSON_ArrayForEach(x, scenes)
    {
        int s = cJSON_IsString(x) ? cosm_scene_from_name(x->valuestring) : -1;
        if (s < 0)
            return CONF_FAIL("moderation: policy '%s': unknown scene in \"scenes\"", pol->biz_type);
        pol->scenes[s] = true;
    }
    const cJSON *sys = pj ? cJSON_GetObjectItemCaseSensitive(pj, "system_libraries") : NULL;
    if (sys && !cJSON_IsBool(sys))
        return CONF_FAIL("moderation: policy '%s': \"system_libraries\" must be true or false",
                         pol->biz_type);
    for (size_t i = 0; i < e->n_libs; i++)
        if (e->libs[i].lib_type == 1 && (!sys || cJSON_IsTrue(sys)) &&
            add_index(&pol->libs, &pol->n_libs, i))
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    const cJSON *libs = pj ? cJSON_GetObjectItemCaseSensitive(pj, "libraries") : NULL;
    if ((rc = check_array(libs, "policies[].libraries", err)))
        return rc;
    cJSON_ArrayForEach(x, libs)
    {
        size_t i = 0;
        while (i < e->n_libs && !(e->libs[i].lib_type == 2 && cJSON_IsString(x) &&
                                  strcmp(e->libs[i].name, x->valuestring) == 0))
            i++;
        if (i == e->n_libs)
            return CONF_FAIL(
                "moderation: policy '%s' names library '%s', which is not in \"libraries\"",
                pol->biz_type, cJSON_IsString(x) ? x->valuestring : "?");
        if (add_index(&pol->libs, &pol->n_libs, i))
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    const cJSON *lists = pj ? cJSON_GetObjectItemCaseSensitive(pj, "lists") : NULL;
    if ((rc = check_array(lists, "policies[].lists", err)))
        return rc;
    for (size_t i = 0; i < e->n_lists; i++) {
        bool use = lists == NULL;
        cJSON_ArrayForEach(x, lists) use =
            use || (cJSON_IsString(x) && strcmp(x->valuestring, e->lists[i].name) == 0);
        if (use && add_index(&pol->lists, &pol->n_lists, i))
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    cJSON_ArrayForEach(x, lists)
    {
        size_t i = 0;
        while (i < e->n_lists &&
               !(cJSON_IsString(x) && strcmp(x->valuestring, e->lists[i].name) == 0))
            i++;
        if (i == e->n_lists)
            return CONF_FAIL("moderation: policy '%s' names list '%s', which is not in \"lists\"",
                             pol->biz_type, cJSON_IsString(x) ? x->valuestring : "?");
    }
    const cJSON *th = pj ? cJSON_GetObjectItemCaseSensitive(pj, "thresholds") : NULL;
    if (th) {
        int64_t a = pol->suspect_from, b = pol->violate_from;
        if ((rc = check_object(th, "thresholds", err)) ||
            (rc = get_int(th, "suspected", 1, 100, &a, err)) ||
            (rc = get_int(th, "violating", 1, 100, &b, err)))
            return rc;
        pol->suspect_from = (int)a;
        pol->violate_from = (int)b;
    }
    if (pol->suspect_from > pol->violate_from)
        return CONF_FAIL("moderation: policy '%s': \"suspected\" threshold is above \"violating\"",
                         pol->biz_type);
    return COSM_OK;
}

static int add_policy(cosm_engine_t *e, const cJSON *pj, const char *biz, const int th[2],
                      cosm_error_t *err)
{
    cosm_policy_t *p = realloc(e->policies, (e->n_policies + 1) * sizeof(*p));
    if (!p)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    e->policies = p;
    cosm_policy_t *pol = &e->policies[e->n_policies++];
    *pol = (cosm_policy_t){.biz_type = cosm_strdup(biz)};
    if (!pol->biz_type)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    return parse_policy(e, pj, th, pol, err);
}

/* "classifier": the model file (default <library_dir>/classifier.model), or false to judge by the
 * keyword libraries alone. A missing or broken model is an error, never a silent fallback. */
static int load_classifier(cosm_engine_t *e, const cJSON *conf, const char *libdir,
                           cosm_error_t *err)
{
    const cJSON *c = conf ? cJSON_GetObjectItemCaseSensitive(conf, "classifier") : NULL;
    if (c && cJSON_IsFalse(c))
        return COSM_OK;
    if (c && !(cJSON_IsString(c) && *c->valuestring))
        return CONF_FAIL("moderation: \"classifier\" must be the path of a model file or false");
    char path[4096];
    if (c)
        snprintf(path, sizeof(path), "%s", c->valuestring);
    else
        snprintf(path, sizeof(path), "%s/classifier.model", libdir);
    e->clf = cosm_classifier_load(path, err);
    return e->clf ? COSM_OK : COSM_ERR_CONFIG;
}

int cosm_config_apply(cosm_engine_t *e, const cJSON *conf, const char **library_dir,
                      cosm_error_t *err)
{
    int rc;
    if (conf && !cJSON_IsObject(conf))
        return CONF_FAIL("moderation: the \"moderation\" configuration must be a JSON object");
    if (conf) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(conf, "library_dir");
        if (d && !cJSON_IsString(d))
            return CONF_FAIL("moderation: \"library_dir\" must be a string");
        if (d && !(*library_dir && **library_dir))
            *library_dir = d->valuestring;
        if ((rc = parse_scalars(e, conf, err)))
            return rc;
    }
    const char *libdir = *library_dir && **library_dir ? *library_dir : cosm_default_library_dir();
    if ((rc = cosm_load_system_libraries(e, libdir, err)) ||
        (rc = load_classifier(e, conf, libdir, err)))
        return rc;
    int th[2] = {61, 91};
    const cJSON *x, *libs = NULL, *lists = NULL, *pols = NULL, *dp = NULL;
    if (conf) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(conf, "thresholds");
        int64_t a = th[0], b = th[1];
        if ((rc = check_object(t, "thresholds", err)) ||
            (t && ((rc = get_int(t, "suspected", 1, 100, &a, err)) ||
                   (rc = get_int(t, "violating", 1, 100, &b, err)))))
            return rc;
        th[0] = (int)a;
        th[1] = (int)b;
        libs = cJSON_GetObjectItemCaseSensitive(conf, "libraries");
        lists = cJSON_GetObjectItemCaseSensitive(conf, "lists");
        pols = cJSON_GetObjectItemCaseSensitive(conf, "policies");
        dp = cJSON_GetObjectItemCaseSensitive(conf, "default_policy");
        if ((rc = check_array(libs, "libraries", err)) || (rc = check_array(lists, "lists", err)) ||
            (rc = check_array(pols, "policies", err)) ||
            (rc = check_object(dp, "default_policy", err)))
            return rc;
    }
    cJSON_ArrayForEach(x, libs) if ((rc = parse_library(e, x, err))) return rc;
    cJSON_ArrayForEach(x, lists) if ((rc = parse_list(e, x, err))) return rc;
    if ((rc = add_policy(e, dp, "", th, err)))
        return rc;
    cJSON_ArrayForEach(x, pols)
    {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(x, "biz_type");
        if (!cJSON_IsObject(x) || !cJSON_IsString(b) || !*b->valuestring)
            return CONF_FAIL(
                "moderation: each entry of \"policies\" needs a non-empty \"biz_type\"");
        if (cosm_find_policy(e, b->valuestring) != NULL)
            return CONF_FAIL("moderation: BizType '%s' is configured twice", b->valuestring);
        if ((rc = add_policy(e, x, b->valuestring, th, err)))
            return rc;
    }
    return COSM_OK;
}

const cosm_policy_t *cosm_find_policy(const cosm_engine_t *e, const char *biz_type)
{
    if (!biz_type || !*biz_type)
        return e->n_policies ? &e->policies[0] : NULL;
    for (size_t i = 1; i < e->n_policies; i++)
        if (strcmp(e->policies[i].biz_type, biz_type) == 0)
            return &e->policies[i];
    return NULL;
}
