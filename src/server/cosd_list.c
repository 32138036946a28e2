/* cosd_list: GET Bucket (List Objects, COS_PROTOCOL 5.5): prefix, delimiter with CommonPrefixes,
 * marker / NextMarker paging, max-keys (Contents and CommonPrefixes together), encoding-type=url.
 */
#include "cosd_api.h"

#include "cosx_encode.h"
#include "cosx_time.h"
#include "cosx_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct list_state {
    const char *prefix;
    size_t plen;
    const char *delim;
    size_t dlen;
    bool url;
    int max;
    int count;
    bool truncated;
    bool done;
    bool restart;      /* a common prefix was added: scan again after it */
    int seen;          /* rows seen in this scan */
    cosx_buf_t cursor; /* scan strictly after this */
    cosx_buf_t last;   /* last key or common prefix returned */
    cosx_buf_t contents;
    cosx_buf_t prefixes;
    const char *owner;
} list_state_t;

static void put_value(cosx_buf_t *b, const char *tag, const char *v, size_t n, bool url)
{
    if (!url) {
        cosx_xml_open(b, tag);
        cosx_xml_escape(b, v, n);
        cosx_xml_close(b, tag);
        return;
    }
    cosx_buf_t e = COSX_BUF_INIT;
    cosx_enc_path(&e, v, n);
    cosx_xml_elem(b, tag, cosx_buf_str(&e));
    cosx_buf_free(&e);
}

static bool on_object(void *ctx, const cosd_object_t *o)
{
    list_state_t *s = ctx;
    s->seen++;
    size_t klen = strlen(o->key);
    if (klen < s->plen || memcmp(o->key, s->prefix, s->plen) != 0) {
        s->done = true;
        return false;
    }
    const char *rest = o->key + s->plen;
    const char *d = s->dlen ? strstr(rest, s->delim) : NULL;
    if (s->count == s->max) {
        s->truncated = true;
        s->done = true;
        return false;
    }
    s->count++;
    cosx_buf_reset(&s->last);
    if (d) {
        size_t cplen = (size_t)(d - o->key) + s->dlen;
        cosx_xml_open(&s->prefixes, "CommonPrefixes");
        put_value(&s->prefixes, "Prefix", o->key, cplen, s->url);
        cosx_xml_close(&s->prefixes, "CommonPrefixes");
        cosx_buf_append(&s->last, o->key, cplen);
        cosx_buf_reset(&s->cursor);
        cosx_buf_append(&s->cursor, o->key, cplen);
        cosx_buf_putc(&s->cursor,
                      (char)0xff); /* UTF-8 never contains 0xff: skips the whole group */
        s->restart = true;
        return false;
    }
    char when[COSX_ISO8601_LEN], etag[48];
    cosx_time_iso8601((time_t)o->mtime, true, when);
    cosd_quote_etag(o->etag, etag);
    cosx_buf_t *b = &s->contents;
    cosx_xml_open(b, "Contents");
    put_value(b, "Key", o->key, klen, s->url);
    cosx_xml_elem(b, "LastModified", when);
    cosx_xml_elem(b, "ETag", etag);
    cosx_xml_elemf(b, "Size", "%lld", (long long)o->size);
    cosx_xml_open(b, "Owner");
    cosx_xml_elem(b, "ID", s->owner);
    cosx_xml_elem(b, "DisplayName", s->owner);
    cosx_xml_close(b, "Owner");
    cosx_xml_elem(b, "StorageClass", o->storage_class);
    cosx_xml_close(b, "Contents");
    cosx_buf_append(&s->last, o->key, klen);
    cosx_buf_reset(&s->cursor);
    cosx_buf_append(&s->cursor, o->key, klen);
    return true;
}

static bool parse_max_keys(const char *v, int *out)
{
    if (!v || !*v || strlen(v) > 4)
        return false;
    int n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > 1000)
        return false;
    *out = n;
    return true;
}

void cosd_bucket_list(cosd_req_t *r, const cosd_bucket_t *bk)
{
    bool has_max;
    const char *mk = cosd_req_param(r, "max-keys", &has_max);
    const char *enc = cosd_req_param(r, "encoding-type", NULL);
    const char *prefix = cosd_req_param(r, "prefix", NULL);
    const char *delim = cosd_req_param(r, "delimiter", NULL);
    const char *marker = cosd_req_param(r, "marker", NULL);
    list_state_t s = {0};
    s.max = 1000;
    if (has_max && !parse_max_keys(mk, &s.max)) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "max-keys '%.32s' is not valid: use an integer from 1 to 1000.",
                         mk ? mk : "");
        return;
    }
    if (enc && strcmp(enc, "url") != 0) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "encoding-type '%.32s' is not valid: the only value is 'url'.", enc);
        return;
    }
    s.prefix = prefix ? prefix : "";
    s.plen = strlen(s.prefix);
    s.delim = delim ? delim : "";
    s.dlen = strlen(s.delim);
    s.url = enc != NULL;
    s.owner = bk->appid;
    if (marker && *marker) {
        cosx_buf_puts(&s.cursor, marker);
        /* A marker that is a common prefix (a NextMarker we returned) skips its whole group. */
        size_t ml = strlen(marker);
        if (s.dlen && ml > s.plen && memcmp(marker, s.prefix, s.plen) == 0 && ml >= s.dlen &&
            memcmp(marker + ml - s.dlen, s.delim, s.dlen) == 0) {
            const char *first = strstr(marker + s.plen, s.delim);
            if (first && (size_t)(first - marker) + s.dlen == ml)
                cosx_buf_putc(&s.cursor, (char)0xff);
        }
    }
    const int chunk = 256;
    while (!s.done) {
        s.restart = false;
        s.seen = 0;
        bool has_cursor = s.cursor.len > 0;
        cosd_store_rc_t rc = cosd_store_object_scan(r->srv->store, bk->name, s.prefix, s.plen,
                                                    has_cursor ? s.cursor.data : NULL, s.cursor.len,
                                                    chunk, on_object, &s);
        if (rc != COSD_ST_OK) {
            cosd_reply_error(r, 500, "InternalError", "The object list could not be read.");
            goto out;
        }
        if (!s.restart && s.seen < chunk)
            s.done = true;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "ListBucketResult");
    cosx_xml_elem(&b, "Name", bk->name);
    if (s.url)
        cosx_xml_elem(&b, "EncodingType", "url");
    put_value(&b, "Prefix", s.prefix, s.plen, s.url);
    put_value(&b, "Marker", marker ? marker : "", marker ? strlen(marker) : 0, s.url);
    cosx_xml_elemf(&b, "MaxKeys", "%d", s.max);
    if (delim)
        cosx_xml_elem(&b, "Delimiter", delim);
    cosx_xml_elem(&b, "IsTruncated", s.truncated ? "true" : "false");
    if (s.truncated)
        put_value(&b, "NextMarker", cosx_buf_str(&s.last), s.last.len, s.url);
    cosx_buf_append(&b, cosx_buf_str(&s.contents), s.contents.len);
    cosx_buf_append(&b, cosx_buf_str(&s.prefixes), s.prefixes.len);
    cosx_xml_close(&b, "ListBucketResult");
    if (!cosx_buf_ok(&s.contents) || !cosx_buf_ok(&s.prefixes) || !cosx_buf_ok(&s.last))
        b.failed = true;
    cosd_reply_xml(r, 200, &b);
out:
    cosx_buf_free(&s.cursor);
    cosx_buf_free(&s.last);
    cosx_buf_free(&s.contents);
    cosx_buf_free(&s.prefixes);
}
