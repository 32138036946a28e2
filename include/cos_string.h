/* cos_string.h: cos_string_t, a non-owning (length, pointer) string, with the macros and helpers of the
 * official C SDK. Strings handed to the SDK must also be NUL-terminated; strings it returns always are. */
#ifndef LIBCOS_STRING_H
#define LIBCOS_STRING_H

#include "cos_sys_define.h"

COS_CPP_START

typedef struct {
    int len;
    char *data;
} cos_string_t;

#define cos_string(str) { sizeof(str) - 1, (char *)str }
#define cos_null_string { 0, NULL }
#define cos_str_set(str, text) ((str)->len = (int)strlen(text), (str)->data = (char *)(text), (void)0)
#define cos_str_null(str) ((str)->len = 0, (str)->data = NULL, (void)0)
#define cos_string_valid(str) ((str).data != NULL && (str).len > 0)

#define cos_tolower(c) (char)(((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))
#define cos_toupper(c) (char)(((c) >= 'a' && (c) <= 'z') ? ((c) & ~0x20) : (c))

static inline void cos_string_tolower(cos_string_t *str)
{
    int i;
    for (i = 0; i < str->len; i++) {
        str->data[i] = cos_tolower(str->data[i]);
    }
}

static inline char *cos_strlchr(char *p, char *last, char c)
{
    while (p < last) {
        if (*p == c) {
            return p;
        }
        p++;
    }
    return NULL;
}

static inline int cos_is_quote(char c)
{
    return c == '\"';
}

static inline int cos_is_space(char c)
{
    return c == ' ' || c == '\t';
}

static inline int cos_is_space_or_cntrl(char c)
{
    return c <= ' ';
}

static inline int cos_is_null_string(const cos_string_t *str)
{
    return str == NULL || str->data == NULL || str->len == 0;
}

/* Removes leading/trailing spaces and tabs (adjusts data/len, no copy). */
COS_EXPORT void cos_strip_space(cos_string_t *str);
/* Removes leading/trailing spaces and control characters. */
COS_EXPORT void cos_trip_space_and_cntrl(cos_string_t *str);
/* Removes one pair of surrounding double quotes. */
COS_EXPORT void cos_unquote_str(cos_string_t *str);
COS_EXPORT int cos_ends_with(const cos_string_t *str, const cos_string_t *suffix);
/* NUL-terminated pool copy of s (NULL data gives ""). */
COS_EXPORT char *cos_pstrdup(cos_pool_t *p, const cos_string_t *s);

COS_CPP_END

#endif
