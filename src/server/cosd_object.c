/* cosd_object: dispatch of object operations (PUT / copy / GET / HEAD / DELETE) and the helpers
 * they share: stored content headers and x-cos-meta-*, storage classes, ETag quoting and matching.
 */
#include "cosd_api.h"
#include "cosx_encode.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const content_headers[] = {"Cache-Control",    "Content-Disposition",
                                              "Content-Encoding", "Content-Language",
                                              "Expires",          NULL};

typedef struct meta_ctx {
    cJSON *arr;
    size_t meta_bytes;
    bool oom;
} meta_ctx_t;

static bool add_pair(cJSON *arr, const char *name, const char *value)
{
    cJSON *pair = cJSON_CreateArray();
    if (!pair)
        return false;
    cJSON_AddItemToArray(arr, pair);
    cJSON *n = cJSON_CreateString(name), *v = cJSON_CreateString(value);
    if (!n || !v) {
        cJSON_Delete(n);
        cJSON_Delete(v);
        return false;
    }
    cJSON_AddItemToArray(pair, n);
    cJSON_AddItemToArray(pair, v);
    return true;
}

static enum MHD_Result meta_iter(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    meta_ctx_t *m = cls;
    if (strncasecmp(key, "x-cos-meta-", 11) != 0 || !key[11])
        return MHD_YES;
    char name[256];
    size_t kl = strlen(key);
    if (kl >= sizeof name) {
        m->meta_bytes += kl;
        return MHD_YES;
    }
    for (size_t i = 0; i <= kl; i++)
        name[i] = (char)tolower((unsigned char)key[i]);
    m->meta_bytes += kl - 11 + strlen(value ? value : "");
    if (!add_pair(m->arr, name, value ? value : ""))
        m->oom = true;
    return MHD_YES;
}

char *cosd_meta_from_request(cosd_req_t *r)
{
    meta_ctx_t m = {cJSON_CreateArray(), 0, false};
    if (!m.arr) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return NULL;
    }
    for (const char *const *h = content_headers; *h; h++) {
        const char *v = cosd_req_header(r, *h);
        if (v && !add_pair(m.arr, *h, v))
            m.oom = true;
    }
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, meta_iter, &m);
    char *out = NULL;
    if (m.meta_bytes > COSD_MAX_META_BYTES)
        cosd_reply_error(r, 400, "MetadataTooLarge",
                         "The x-cos-meta-* headers total %zu bytes; the limit is %d bytes.",
                         m.meta_bytes, COSD_MAX_META_BYTES);
    else if (m.oom || !(out = cJSON_PrintUnformatted(m.arr)))
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
    cJSON_Delete(m.arr);
    return out;
}

void cosd_meta_to_response(struct MHD_Response *resp, const char *headers_json,
                           const char *const *skip)
{
    cJSON *arr = cJSON_Parse(headers_json ? headers_json : "[]");
    const cJSON *pair;
    cJSON_ArrayForEach(pair, arr)
    {
        const cJSON *n = cJSON_GetArrayItem(pair, 0), *v = cJSON_GetArrayItem(pair, 1);
        if (!cJSON_IsString(n) || !cJSON_IsString(v))
            continue;
        bool skipped = false;
        for (const char *const *k = skip; k && *k && !skipped; k++)
            skipped = strcasecmp(*k, n->valuestring) == 0;
        if (!skipped)
            MHD_add_response_header(resp, n->valuestring, v->valuestring);
    }
    cJSON_Delete(arr);
}

bool cosd_storage_class(cosd_req_t *r, const char *fallback, char out[32])
{
    static const char *const classes[] = {"STANDARD",
                                          "STANDARD_IA",
                                          "ARCHIVE",
                                          "DEEP_ARCHIVE",
                                          "INTELLIGENT_TIERING",
                                          "MAZ_STANDARD",
                                          "MAZ_STANDARD_IA",
                                          "MAZ_INTELLIGENT_TIERING",
                                          NULL};
    const char *v = cosd_req_header(r, "x-cos-storage-class");
    if (!v) {
        snprintf(out, 32, "%s", fallback ? fallback : "STANDARD");
        return true;
    }
    for (const char *const *c = classes; *c; c++) {
        if (strcasecmp(*c, v) == 0) {
            snprintf(out, 32, "%s", *c);
            return true;
        }
    }
    cosd_reply_error(r, 400, "InvalidArgument",
                     "x-cos-storage-class '%.64s' is not valid: use STANDARD, STANDARD_IA, "
                     "ARCHIVE, DEEP_ARCHIVE, "
                     "INTELLIGENT_TIERING or a MAZ_ class.",
                     v);
    return false;
}

void cosd_quote_etag(const char *etag, char out[48])
{
    out[0] = '"';
    size_t n = cosx_copy_str(out + 1, 41, etag, 40);
    out[n + 1] = '"';
    out[n + 2] = 0;
}

bool cosd_etag_matches(const char *header, const char *etag)
{
    size_t el = strlen(etag);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        while (l > 0 && (p[l - 1] == ' ' || p[l - 1] == '\t'))
            l--;
        const char *v = p;
        if (l >= 2 && v[0] == 'W' && v[1] == '/') {
            v += 2;
            l -= 2;
        }
        if (l >= 2 && v[0] == '"' && v[l - 1] == '"') {
            v++;
            l -= 2;
        }
        if ((l == 1 && v[0] == '*') || (l == el && strncasecmp(v, etag, el) == 0))
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

static void delete_object(cosd_req_t *r)
{
    cosd_bucket_t b;
    if (!cosd_bucket_access(r, &b, false, false))
        return;
    bool existed;
    cosd_store_rc_t rc = cosd_store_object_delete(r->srv->store, b.name, r->route.key, &existed);
    if (rc == COSD_ST_NOBUCKET)
        cosd_reply_error(r, 404, "NoSuchBucket", "The specified bucket does not exist.");
    else if (rc != COSD_ST_OK)
        cosd_reply_error(r, 500, "InternalError", "The object could not be deleted.%s",
                         cosd_store_rc_hint(rc));
    else
        cosd_reply_empty(r, 204);
}

void cosd_object_start(cosd_req_t *r)
{
    const char *m = r->method;
    if (cosd_multipart_start(r))
        return;
    if (!cosd_check_subresources(r, NULL))
        return;
    if (!strcmp(m, "GET") || r->is_head)
        cosd_object_get(r);
    else if (!strcmp(m, "PUT"))
        cosd_req_header(r, "x-cos-copy-source") ? cosd_object_copy_start(r)
                                                : cosd_object_put_start(r);
    else if (!strcmp(m, "DELETE"))
        delete_object(r);
    else
        cosd_reply_error(r, 405, "MethodNotAllowed", "The method %s is not allowed on an object.",
                         m);
}
