/* cosm_library: keyword libraries. System libraries are readable text files, one per scene
 * (data/moderation/<scene>.txt, installed to share/cos/moderation), one entry per line:
 * "phrase, SubLabel, weight" ('#' starts a comment). Custom libraries come from the configuration.
 */
#include "cosm_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cosm_normalize_phrase(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '\'') {
            if (space && o > 0)
                out[o++] = ' ';
            space = false;
            out[o++] = (char)tolower(c);
        } else {
            space = true;
        }
    }
    out[o] = '\0';
    return out;
}

int cosm_library_add(cosm_library_t *lib, const char *phrase, const char *sub_label, int weight,
                     int scene, cosm_error_t *err)
{
    char *norm = cosm_normalize_phrase(phrase);
    if (!norm)
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    if (!*norm) {
        free(norm);
        return cosm_fail(err, COSM_ERR_CONFIG,
                         "library '%s': keyword '%s' has no letters or digits", lib->name, phrase);
    }
    if (scene < 0 || scene >= COSM_SCENE_COUNT) {
        free(norm);
        return cosm_fail(err, COSM_ERR_CONFIG, "library '%s': keyword '%s' has no valid scene",
                         lib->name, phrase);
    }
    cosm_entry_t *p = realloc(lib->entries, (lib->n_entries + 1) * sizeof(*p));
    char *sub = cosm_strdup(sub_label);
    if (!p || !sub) {
        if (p)
            lib->entries = p;
        free(norm);
        free(sub);
        return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
    }
    lib->entries = p;
    weight = weight < 1 ? 1 : weight > 100 ? 100 : weight;
    lib->entries[lib->n_entries++] = (cosm_entry_t){norm, sub, weight, scene};
    return COSM_OK;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Parses one line "phrase, SubLabel, weight"; returns 0, 1 for blank/comment, or an error code. */
static int parse_line(cosm_library_t *lib, char *line, int scene, const char *path, int lineno,
                      cosm_error_t *err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *t = trim(line);
    if (!*t)
        return 1;
    char *c1 = strchr(t, ',');
    char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ','))
        return cosm_fail(err, COSM_ERR_CONFIG, "%s:%d: expected 'phrase, SubLabel, weight'", path,
                         lineno);
    *c1 = *c2 = '\0';
    char *phrase = trim(t), *sub = trim(c1 + 1), *w = trim(c2 + 1), *end = NULL;
    errno = 0;
    long weight = strtol(w, &end, 10);
    if (errno || end == w || *end || weight < 1 || weight > 100)
        return cosm_fail(err, COSM_ERR_CONFIG,
                         "%s:%d: weight '%s' is not a whole number from 1 to 100", path, lineno, w);
    int rc = cosm_library_add(lib, phrase, sub, (int)weight, scene, err);
    if (rc != COSM_OK && err) {
        char detail[sizeof(err->message)];
        memcpy(detail, err->message, sizeof(detail));
        cosm_fail(err, rc, "%s:%d: %s", path, lineno, detail);
    }
    return rc;
}

int cosm_library_load_file(cosm_library_t *lib, const char *path, int scene, cosm_error_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cosm_fail(err, COSM_ERR_CONFIG, "cannot read keyword library '%s': %s", path,
                         strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = COSM_OK;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        int r = parse_line(lib, line, scene, path, lineno, err);
        if (r < 0) {
            rc = r;
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

void cosm_library_clear(cosm_library_t *lib)
{
    for (size_t i = 0; i < lib->n_entries; i++) {
        free(lib->entries[i].phrase);
        free(lib->entries[i].sub_label);
    }
    free(lib->entries);
    free(lib->name);
    memset(lib, 0, sizeof(*lib));
}

void cosm_list_clear(cosm_list_t *l)
{
    for (size_t i = 0; i < l->n_entities; i++)
        free(l->entities[i]);
    free(l->entities);
    free(l->name);
    memset(l, 0, sizeof(*l));
}

void cosm_policy_clear(cosm_policy_t *p)
{
    free(p->biz_type);
    free(p->libs);
    free(p->lists);
    memset(p, 0, sizeof(*p));
}

int cosm_load_system_libraries(cosm_engine_t *e, const char *dir, cosm_error_t *err)
{
    for (int s = 0; s < COSM_SCENE_COUNT; s++) {
        char lower[32], path[4096], name[64];
        const char *sn = cosm_scene_name((cosm_scene_t)s);
        size_t i = 0;
        for (; sn[i] && i + 1 < sizeof(lower); i++)
            lower[i] = (char)tolower((unsigned char)sn[i]);
        lower[i] = '\0';
        snprintf(path, sizeof(path), "%s/%s.txt", dir, lower);
        snprintf(name, sizeof(name), "system-%s", lower);
        cosm_library_t *p = realloc(e->libs, (e->n_libs + 1) * sizeof(*p));
        if (!p)
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        e->libs = p;
        cosm_library_t *lib = &e->libs[e->n_libs++];
        *lib = (cosm_library_t){.name = cosm_strdup(name), .lib_type = 1};
        if (!lib->name)
            return cosm_fail(err, COSM_ERR_INTERNAL, "out of memory");
        int rc = cosm_library_load_file(lib, path, s, err);
        if (rc != COSM_OK)
            return rc;
    }
    return COSM_OK;
}
