/* cli_uri.c: parsing of the cos://BUCKET[/KEY] arguments of the cos tool. */
#include <string.h>

#include "cli.h"

bool cli_is_cos_uri(const char *s)
{
    return s && strncmp(s, "cos://", 6) == 0;
}

bool cli_uri_parse(cli_t *c, const char *s, cli_uri_t *u)
{
    if (!cli_is_cos_uri(s)) {
        cli_usage_error(c, "'%s' is not a cos://BUCKET[/KEY] address", s ? s : "");
        return false;
    }
    const char *b = s + 6;
    const char *slash = strchr(b, '/');
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    if (blen == 0) {
        cli_usage_error(c, "'%s' names no bucket", s);
        return false;
    }
    u->bucket = cos_palloc(c->pool, blen + 1);
    memcpy(u->bucket, b, blen);
    u->bucket[blen] = '\0';
    u->key = cos_pstrdup_cstr(c->pool, slash ? slash + 1 : "");
    return true;
}
