/* fuzz_roots: shared by the XML fuzz targets, which send a body only to the parsers of the root
 * elements it names (a parser stops at a foreign root right after parsing). */
#ifndef FUZZ_ROOTS_H
#define FUZZ_ROOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Does s[0..n) contain the text tag (such as "<Delete")? */
static inline bool fuzz_names(const char *s, size_t n, const char *tag)
{
    size_t l = strlen(tag);
    for (size_t i = 0; i + l <= n; i++)
        if (s[i] == tag[0] && memcmp(s + i, tag, l) == 0)
            return true;
    return false;
}

#endif
