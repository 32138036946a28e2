/* cos_table.c: cos_table_t, the ordered case-insensitive multimap of C strings used for request
 * headers, query parameters and response headers; memory comes from the table's pool. */
#include <strings.h>

#include "cosi.h"

struct cos_table_s {
    cos_array_header_t a;
};

static cos_table_entry_t *cosi_table_entries(const cos_table_t *t)
{
    return (cos_table_entry_t *)t->a.elts;
}

static uint32_t cosi_key_checksum(const char *key)
{
    uint32_t c = 0;
    for (int i = 0; i < 4 && key[i] != '\0'; i++) {
        c = (c << 8) | (unsigned char)cos_tolower(key[i]);
    }
    return c;
}

cos_table_t *cos_table_make(cos_pool_t *p, int nelts)
{
    cos_table_t *t = cos_palloc(p, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    if (nelts < 4) {
        nelts = 4;
    }
    t->a.pool = p;
    t->a.elt_size = (int)sizeof(cos_table_entry_t);
    t->a.nelts = 0;
    t->a.nalloc = nelts;
    t->a.elts = cos_palloc(p, sizeof(cos_table_entry_t) * (size_t)nelts);
    if (t->a.elts == NULL) {
        t->a.nalloc = 0;
    }
    return t;
}

static cos_table_entry_t *cosi_table_push(cos_table_t *t)
{
    if (t->a.nelts >= t->a.nalloc) {
        int n = t->a.nalloc > 0 ? t->a.nalloc * 2 : 8;
        char *e = cos_palloc(t->a.pool, sizeof(cos_table_entry_t) * (size_t)n);
        if (e == NULL) {
            return NULL;
        }
        if (t->a.nelts > 0) {
            memcpy(e, t->a.elts, sizeof(cos_table_entry_t) * (size_t)t->a.nelts);
        }
        t->a.elts = e;
        t->a.nalloc = n;
    }
    return &cosi_table_entries(t)[t->a.nelts++];
}

void cos_table_addn(cos_table_t *t, const char *key, const char *val)
{
    if (t == NULL || key == NULL) {
        return;
    }
    cos_table_entry_t *e = cosi_table_push(t);
    if (e == NULL) {
        return;
    }
    e->key = (char *)key;
    e->val = (char *)(val != NULL ? val : "");
    e->key_checksum = cosi_key_checksum(key);
}

void cos_table_add(cos_table_t *t, const char *key, const char *val)
{
    if (t == NULL || key == NULL) {
        return;
    }
    char *k = cos_pstrdup_cstr(t->a.pool, key);
    char *v = cos_pstrdup_cstr(t->a.pool, val != NULL ? val : "");
    if (k == NULL || v == NULL) {
        return;
    }
    cos_table_addn(t, k, v);
}

void cos_table_unset(cos_table_t *t, const char *key)
{
    if (t == NULL || key == NULL) {
        return;
    }
    cos_table_entry_t *e = cosi_table_entries(t);
    int j = 0;
    for (int i = 0; i < t->a.nelts; i++) {
        if (strcasecmp(e[i].key, key) != 0) {
            e[j++] = e[i];
        }
    }
    t->a.nelts = j;
}

void cos_table_setn(cos_table_t *t, const char *key, const char *val)
{
    if (t == NULL || key == NULL) {
        return;
    }
    cos_table_entry_t *e = cosi_table_entries(t);
    int i;
    for (i = 0; i < t->a.nelts; i++) {
        if (strcasecmp(e[i].key, key) == 0) {
            break;
        }
    }
    if (i == t->a.nelts) {
        cos_table_addn(t, key, val);
        return;
    }
    /* Replace the first match in place (keeps its position), drop the others. */
    e[i].val = (char *)(val != NULL ? val : "");
    int j = i + 1;
    for (int k = i + 1; k < t->a.nelts; k++) {
        if (strcasecmp(e[k].key, key) != 0) {
            e[j++] = e[k];
        }
    }
    t->a.nelts = j;
}

void cos_table_set(cos_table_t *t, const char *key, const char *val)
{
    if (t == NULL || key == NULL) {
        return;
    }
    const char *v = cos_pstrdup_cstr(t->a.pool, val != NULL ? val : "");
    cos_table_entry_t *e = cosi_table_entries(t);
    for (int i = 0; i < t->a.nelts; i++) {
        if (strcasecmp(e[i].key, key) == 0) {
            cos_table_setn(t, e[i].key, v);
            return;
        }
    }
    cos_table_setn(t, cos_pstrdup_cstr(t->a.pool, key), v);
}

const char *cos_table_get(const cos_table_t *t, const char *key)
{
    if (t == NULL || key == NULL) {
        return NULL;
    }
    const cos_table_entry_t *e = cosi_table_entries(t);
    for (int i = 0; i < t->a.nelts; i++) {
        if (strcasecmp(e[i].key, key) == 0) {
            return e[i].val;
        }
    }
    return NULL;
}

void cos_table_clear(cos_table_t *t)
{
    if (t != NULL) {
        t->a.nelts = 0;
    }
}

const cos_array_header_t *cos_table_elts_get(const cos_table_t *t)
{
    return t != NULL ? &t->a : NULL;
}

int cos_table_nelts(const cos_table_t *t)
{
    return t != NULL ? t->a.nelts : 0;
}

void cos_table_add_int(cos_table_t *t, const char *key, int value)
{
    char s[32];
    snprintf(s, sizeof(s), "%d", value);
    cos_table_add(t, key, s);
}

void cos_table_add_int64(cos_table_t *t, const char *key, int64_t value)
{
    char s[32];
    snprintf(s, sizeof(s), "%" PRId64, value);
    cos_table_add(t, key, s);
}

void cos_table_add_float(cos_table_t *t, const char *key, float value)
{
    char s[64];
    snprintf(s, sizeof(s), "%f", (double)value);
    cos_table_add(t, key, s);
}

void cos_table_set_int64(cos_table_t *t, const char *key, int64_t value)
{
    char s[32];
    snprintf(s, sizeof(s), "%" PRId64, value);
    cos_table_set(t, key, s);
}
