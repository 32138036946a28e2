/* cosx_buf.c: the growable byte buffer of cosx_buf.h. Capacity grows geometrically; an allocation
 * failure marks the buffer failed and turns later appends into no-ops. */
#include "cosx_buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cosx_buf_init(cosx_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void cosx_buf_free(cosx_buf_t *b)
{
    free(b->data);
    cosx_buf_init(b);
}

void cosx_buf_reset(cosx_buf_t *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = '\0';
    }
}

bool cosx_buf_reserve(cosx_buf_t *b, size_t extra)
{
    if (b->failed) {
        return false;
    }
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return true;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool cosx_buf_append(cosx_buf_t *b, const void *p, size_t n)
{
    if (!cosx_buf_reserve(b, n)) {
        return false;
    }
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool cosx_buf_puts(cosx_buf_t *b, const char *s)
{
    return cosx_buf_append(b, s, strlen(s));
}

bool cosx_buf_putc(cosx_buf_t *b, char c)
{
    return cosx_buf_append(b, &c, 1);
}

bool cosx_buf_vprintf(cosx_buf_t *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !cosx_buf_reserve(b, (size_t)n)) {
        b->failed = true;
        return false;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool cosx_buf_printf(cosx_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = cosx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

char *cosx_buf_detach(cosx_buf_t *b)
{
    if (b->failed) {
        cosx_buf_free(b);
        return NULL;
    }
    if (!b->data && !cosx_buf_reserve(b, 0)) {
        return NULL;
    }
    b->data[b->len] = '\0';
    char *s = b->data;
    cosx_buf_init(b);
    return s;
}

const char *cosx_buf_str(const cosx_buf_t *b)
{
    return b->data ? b->data : "";
}
