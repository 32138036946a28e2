/* cos_pool.c: the libcos memory pool, a hierarchical arena replacing APR pools: bump allocation from
 * blocks, child pools destroyed with their parent, cleanups (e.g. closing files) run at destroy. */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "cosi.h"

#define COSI_POOL_BLOCK 8192
#define COSI_ALIGN 16

typedef struct cosi_block {
    struct cosi_block *next;
    size_t size;
    size_t used;
    alignas(COSI_ALIGN) unsigned char data[];
} cosi_block_t;

typedef struct cosi_cleanup {
    struct cosi_cleanup *next;
    void *data;
    void (*fn)(void *data);
} cosi_cleanup_t;

struct cos_pool_s {
    cos_pool_t *parent;
    cos_pool_t *child;
    cos_pool_t *next;
    cos_pool_t *prev;
    cosi_block_t *blocks;
    cosi_cleanup_t *cleanups;
};

int cos_pool_create(cos_pool_t **newpool, cos_pool_t *parent)
{
    cos_pool_t *p = calloc(1, sizeof(*p));
    if (newpool == NULL) {
        free(p);
        return COSE_INVALID_ARGUMENT;
    }
    *newpool = p;
    if (p == NULL) {
        return COSE_OUT_MEMORY;
    }
    if (parent != NULL) {
        p->parent = parent;
        p->next = parent->child;
        if (parent->child != NULL) {
            parent->child->prev = p;
        }
        parent->child = p;
    }
    return COSE_OK;
}

void cos_pool_destroy(cos_pool_t *p)
{
    if (p == NULL) {
        return;
    }
    while (p->child != NULL) {
        cos_pool_destroy(p->child);
    }
    while (p->cleanups != NULL) {
        cosi_cleanup_t *c = p->cleanups;
        p->cleanups = c->next;
        c->fn(c->data);
    }
    cosi_block_t *b = p->blocks;
    while (b != NULL) {
        cosi_block_t *n = b->next;
        free(b);
        b = n;
    }
    if (p->parent != NULL) {
        if (p->prev != NULL) {
            p->prev->next = p->next;
        } else {
            p->parent->child = p->next;
        }
        if (p->next != NULL) {
            p->next->prev = p->prev;
        }
    }
    free(p);
}

void *cos_palloc(cos_pool_t *p, size_t size)
{
    if (p == NULL) {
        return NULL;
    }
    size_t need = (size + COSI_ALIGN - 1) & ~(size_t)(COSI_ALIGN - 1);
    if (need == 0) {
        need = COSI_ALIGN;
    }
    cosi_block_t *b = p->blocks;
    if (b != NULL && b->size - b->used >= need) {
        void *r = b->data + b->used;
        b->used += need;
        return r;
    }
    if (need > COSI_POOL_BLOCK / 4) {
        /* A large allocation gets its own block, kept behind the current one. */
        cosi_block_t *nb = malloc(sizeof(*nb) + need);
        if (nb == NULL) {
            return NULL;
        }
        nb->size = need;
        nb->used = need;
        if (b != NULL) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = NULL;
            p->blocks = nb;
        }
        return nb->data;
    }
    cosi_block_t *nb = malloc(sizeof(*nb) + COSI_POOL_BLOCK);
    if (nb == NULL) {
        return NULL;
    }
    nb->size = COSI_POOL_BLOCK;
    nb->used = need;
    nb->next = b;
    p->blocks = nb;
    return nb->data;
}

void *cos_pcalloc(cos_pool_t *p, size_t size)
{
    void *r = cos_palloc(p, size);
    if (r != NULL) {
        memset(r, 0, size);
    }
    return r;
}

char *cos_pstrndup(cos_pool_t *p, const char *s, size_t n)
{
    if (s == NULL) {
        return NULL;
    }
    const char *end = memchr(s, '\0', n);
    if (end != NULL) {
        n = (size_t)(end - s);
    }
    char *r = cos_palloc(p, n + 1);
    if (r != NULL) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

char *cos_pstrdup_cstr(cos_pool_t *p, const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    return cos_pstrndup(p, s, strlen(s));
}

char *cos_pvsprintf(cos_pool_t *p, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return NULL;
    }
    char *r = cos_palloc(p, (size_t)n + 1);
    if (r != NULL) {
        vsnprintf(r, (size_t)n + 1, fmt, ap);
    }
    return r;
}

char *cos_psprintf(cos_pool_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = cos_pvsprintf(p, fmt, ap);
    va_end(ap);
    return r;
}

int cos_pool_cleanup_register(cos_pool_t *p, void *data, void (*fn)(void *data))
{
    cosi_cleanup_t *c = cos_palloc(p, sizeof(*c));
    if (c == NULL) {
        return COSE_OUT_MEMORY;
    }
    c->data = data;
    c->fn = fn;
    c->next = p->cleanups;
    p->cleanups = c;
    return COSE_OK;
}
