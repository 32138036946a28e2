/* cosd_multipart_list: GET Bucket ?uploads (List Multipart Uploads, COS_PROTOCOL 7): uploads in
 * progress in (key, upload id) order with prefix, delimiter (CommonPrefixes), key-marker /
 * upload-id-marker paging, max-uploads and encoding-type=url. */
#include "cosd_api.h"

#include "cosx_encode.h"
#include "cosx_time.h"
#include "cosx_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct lu_state {
    const char *prefix, *delim, *key_marker;
    size_t plen, dlen;
    bool url;
    long max;
    long count;
    bool truncated;
    cosx_buf_t items;
    cosx_buf_t last_cp;
    cosx_buf_t next_key, next_id;
    const char *appid;
} lu_state_t;

static void put_text(cosx_buf_t *b, const char *tag, const char *v, size_t n, bool url)
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

static void owner(cosx_buf_t *x, const char *tag, const char *appid)
{
    cosx_xml_open(x, tag);
    cosx_xml_elemf(x, "ID", "qcs::cam::uin/%s:uin/%s", appid, appid);
    cosx_xml_elem(x, "DisplayName", appid);
    cosx_xml_close(x, tag);
}

static bool on_upload(void *ctx, const cosd_upload_t *u)
{
    lu_state_t *s = ctx;
    size_t klen = strlen(u->key);
    if (klen < s->plen || memcmp(u->key, s->prefix, s->plen) != 0)
        return false; /* sorted: nothing further has the prefix */
    /* A key-marker that is a common prefix skips its whole group. */
    size_t kml = s->key_marker ? strlen(s->key_marker) : 0;
    if (s->dlen && kml >= s->dlen && klen > kml && memcmp(u->key, s->key_marker, kml) == 0 &&
        memcmp(s->key_marker + kml - s->dlen, s->delim, s->dlen) == 0)
        return true;
    const char *d = s->dlen ? strstr(u->key + s->plen, s->delim) : NULL;
    size_t cplen = d ? (size_t)(d - u->key) + s->dlen : 0;
    if (d && s->last_cp.len == cplen && memcmp(s->last_cp.data, u->key, cplen) == 0)
        return true; /* same common prefix as the previous upload */
    if (s->count == s->max) {
        s->truncated = true;
        return false;
    }
    s->count++;
    cosx_buf_reset(&s->next_key);
    cosx_buf_reset(&s->next_id);
    if (d) {
        cosx_buf_reset(&s->last_cp);
        cosx_buf_append(&s->last_cp, u->key, cplen);
        cosx_buf_append(&s->next_key, u->key, cplen);
        cosx_xml_open(&s->items, "CommonPrefixes");
        put_text(&s->items, "Prefix", u->key, cplen, s->url);
        cosx_xml_close(&s->items, "CommonPrefixes");
        return true;
    }
    cosx_buf_puts(&s->next_key, u->key);
    cosx_buf_puts(&s->next_id, u->id);
    char when[COSX_ISO8601_LEN];
    cosx_time_iso8601((time_t)u->initiated, true, when);
    cosx_xml_open(&s->items, "Upload");
    put_text(&s->items, "Key", u->key, klen, s->url);
    cosx_xml_elem(&s->items, "UploadId", u->id);
    cosx_xml_elem(&s->items, "StorageClass", u->storage_class);
    owner(&s->items, "Initiator", s->appid);
    owner(&s->items, "Owner", s->appid);
    cosx_xml_elem(&s->items, "Initiated", when);
    cosx_xml_close(&s->items, "Upload");
    return true;
}

void cosd_list_uploads(cosd_req_t *r, const cosd_bucket_t *bk)
{
    const char *enc = cosd_req_param(r, "encoding-type", NULL);
    if (enc && strcmp(enc, "url") != 0) {
        cosd_reply_error(r, 400, "InvalidArgument", "encoding-type must be 'url'.");
        return;
    }
    const char *mu = cosd_req_param(r, "max-uploads", NULL);
    char *end = NULL;
    long max = mu ? strtol(mu, &end, 10) : 1000;
    if (mu && (!*mu || *end || max < 1 || max > 1000)) {
        cosd_reply_error(r, 400, "InvalidArgument",
                         "max-uploads must be an integer from 1 to 1000.");
        return;
    }
    const char *pf = cosd_req_param(r, "prefix", NULL), *dl = cosd_req_param(r, "delimiter", NULL);
    const char *km = cosd_req_param(r, "key-marker", NULL),
               *um = cosd_req_param(r, "upload-id-marker", NULL);
    lu_state_t s = {.prefix = pf ? pf : "",
                    .delim = dl ? dl : "",
                    .key_marker = km,
                    .url = enc != NULL,
                    .max = max,
                    .items = COSX_BUF_INIT,
                    .last_cp = COSX_BUF_INIT,
                    .next_key = COSX_BUF_INIT,
                    .next_id = COSX_BUF_INIT,
                    .appid = bk->appid};
    s.plen = strlen(s.prefix);
    s.dlen = strlen(s.delim);
    /* Without upload-id-marker every upload of key-marker itself is skipped ("~" sorts after
     * every upload id). */
    const char *idm = km && *km ? (um && *um ? um : "~") : "";
    cosd_store_rc_t rc =
        cosd_store_upload_scan(r->srv->store, bk->name, km ? km : "", idm, s.prefix, on_upload, &s);
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError", "The uploads could not be listed.");
        goto out;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "ListMultipartUploadsResult");
    cosx_xml_elem(&b, "Bucket", bk->name);
    cosx_xml_elem(&b, "Encoding-Type", enc ? enc : "");
    put_text(&b, "KeyMarker", km ? km : "", km ? strlen(km) : 0, s.url);
    cosx_xml_elem(&b, "UploadIdMarker", um ? um : "");
    if (s.truncated) {
        put_text(&b, "NextKeyMarker", cosx_buf_str(&s.next_key), s.next_key.len, s.url);
        cosx_xml_elem(&b, "NextUploadIdMarker", cosx_buf_str(&s.next_id));
    } else {
        cosx_xml_elem(&b, "NextKeyMarker", "");
        cosx_xml_elem(&b, "NextUploadIdMarker", "");
    }
    cosx_xml_elemf(&b, "MaxUploads", "%ld", max);
    put_text(&b, "Prefix", s.prefix, s.plen, s.url);
    if (dl)
        put_text(&b, "Delimiter", s.delim, s.dlen, s.url);
    cosx_xml_elem(&b, "IsTruncated", s.truncated ? "true" : "false");
    cosx_buf_append(&b, s.items.data ? s.items.data : "", s.items.len);
    cosx_xml_close(&b, "ListMultipartUploadsResult");
    cosd_reply_xml(r, 200, &b);
out:
    cosx_buf_free(&s.items);
    cosx_buf_free(&s.last_cp);
    cosx_buf_free(&s.next_key);
    cosx_buf_free(&s.next_id);
}
