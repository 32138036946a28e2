/* cosm_util: small helpers of the moderation engine: error filling, a growable string, scene
 * names. */
#include "cosm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const scene_names[COSM_SCENE_COUNT] = {
    "Porn", "Terrorism", "Politics", "Illegal", "Abuse", "Ads", "Teenager",
};

const char *cosm_scene_name(cosm_scene_t s)
{
    return (int)s >= 0 && s < COSM_SCENE_COUNT ? scene_names[s] : NULL;
}

int cosm_scene_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < COSM_SCENE_COUNT; i++)
        if (strcasecmp(name, scene_names[i]) == 0)
            return i;
    return -1;
}

int cosm_fail(cosm_error_t *err, int code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return code;
}

bool cosm_str_add(cosm_str_t *b, const char *s, size_t n)
{
    if (b->failed)
        return false;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = true;
            return false;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

bool cosm_str_puts(cosm_str_t *b, const char *s)
{
    return cosm_str_add(b, s, strlen(s));
}

char *cosm_str_take(cosm_str_t *b)
{
    if (b->failed) {
        free(b->s);
        *b = (cosm_str_t){0};
        return NULL;
    }
    char *s = b->s ? b->s : cosm_strdup("");
    *b = (cosm_str_t){0};
    return s;
}

char *cosm_strdup(const char *s)
{
    return strdup(s ? s : "");
}
