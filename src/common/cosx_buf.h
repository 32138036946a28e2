/* cosx_buf: a growable byte buffer (always NUL-terminated) used to build strings, XML and
 * signatures. Shared by libcos and cosd. An allocation failure is sticky: later appends do nothing
 * and cosx_buf_ok() reports it, so callers may check once at the end. */
#ifndef COSX_BUF_H
#define COSX_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cosx_buf {
    char *data; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed */
} cosx_buf_t;

#define COSX_BUF_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void cosx_buf_init(cosx_buf_t *b);
void cosx_buf_free(cosx_buf_t *b);
/* Empties the buffer but keeps its memory. */
void cosx_buf_reset(cosx_buf_t *b);
bool cosx_buf_reserve(cosx_buf_t *b, size_t extra);
bool cosx_buf_append(cosx_buf_t *b, const void *p, size_t n);
bool cosx_buf_puts(cosx_buf_t *b, const char *s);
bool cosx_buf_putc(cosx_buf_t *b, char c);
bool cosx_buf_printf(cosx_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cosx_buf_vprintf(cosx_buf_t *b, const char *fmt, va_list ap);
/* Returns the string (never NULL unless allocation failed) and leaves the buffer empty; free() it.
 */
char *cosx_buf_detach(cosx_buf_t *b);
/* The content as a C string ("" when empty). */
const char *cosx_buf_str(const cosx_buf_t *b);
static inline bool cosx_buf_ok(const cosx_buf_t *b)
{
    return !b->failed;
}

#endif
