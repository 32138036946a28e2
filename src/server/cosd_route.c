/* cosd_route: host and path parsing for cosd (COS_PROTOCOL 1.2-1.4). Decides between GET Service,
 * bucket and object addressing (virtual-host, path-style, <bucket>-<appid>.<domain>) and CI hosts.
 */
#include "cosd_route.h"

#include "cosx_buf.h"
#include "cosx_encode.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cosd_bucket_name_valid(const char *name)
{
    size_t n = strlen(name);
    const char *dash = strrchr(name, '-');
    if (!dash || dash == name || !dash[1] || n >= 128)
        return false;
    for (const char *p = dash + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    size_t bl = (size_t)(dash - name);
    for (size_t i = 0; i < bl; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return name[0] != '-' && name[bl - 1] != '-';
}

const char *cosd_bucket_appid(const char *name)
{
    const char *dash = strrchr(name, '-');
    return dash ? dash + 1 : "";
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned int cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

const char *cosd_key_check(const char *key, size_t len, char *msg, size_t msglen)
{
    if (len == 0) {
        snprintf(msg, msglen, "The object key is empty.");
        return "InvalidObjectName";
    }
    if (len > COSD_MAX_KEY_BYTES) {
        snprintf(msg, msglen, "The object key is %zu bytes long; the limit is %d bytes.", len,
                 COSD_MAX_KEY_BYTES);
        return "KeyTooLong";
    }
    if (key[0] == '/' || key[0] == '\\') {
        snprintf(msg, msglen, "An object key must not begin with '%c'.", key[0]);
        return "InvalidObjectName";
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c == 0 || (c >= 24 && c <= 27)) {
            snprintf(msg, msglen,
                     "The object key contains the control character 0x%02x, which is not allowed.",
                     c);
            return "InvalidObjectName";
        }
    }
    if (!utf8_valid((const unsigned char *)key, len)) {
        snprintf(msg, msglen, "The object key is not valid UTF-8.");
        return "InvalidObjectName";
    }
    return NULL;
}

static void set_error(cosd_route_t *r, int status, const char *code, const char *fmt,
                      const char *arg)
{
    r->kind = COSD_ROUTE_ERROR;
    r->err_status = status;
    r->err_code = code;
    snprintf(r->err_msg, sizeof r->err_msg, fmt, arg);
}

/* Sets the bucket (validated) and, from the decoded path rest (after the bucket part), the key. */
static bool set_target(cosd_route_t *r, const char *bucket, size_t blen, const char *rest)
{
    char name[128];
    if (blen >= sizeof name) {
        set_error(r, 400, "InvalidBucketName", "The bucket name is too long.%s", "");
        return true;
    }
    memcpy(name, bucket, blen);
    name[blen] = 0;
    if (!cosd_bucket_name_valid(name)) {
        char shown[64];
        snprintf(shown, sizeof shown, "%.48s", name);
        set_error(r, 400, "InvalidBucketName",
                  "The bucket name '%s' is not valid: expected <name>-<appid>, name of lowercase "
                  "letters, digits and "
                  "'-' (not at either end), e.g. examplebucket-1250000000.",
                  shown);
        return true;
    }
    memcpy(r->bucket, name, blen + 1);
    if (!*rest) {
        r->kind = COSD_ROUTE_BUCKET;
        return true;
    }
    size_t klen = strlen(rest);
    char msg[160];
    const char *code = cosd_key_check(rest, klen, msg, sizeof msg);
    if (code) {
        set_error(r, 400, code, "%s", msg);
        return true;
    }
    r->key = strdup(rest);
    if (!r->key)
        return false;
    r->kind = COSD_ROUTE_OBJECT;
    return true;
}

static bool path_style(cosd_route_t *r)
{
    const char *p = r->path + 1; /* after '/' */
    if (!*p) {
        r->kind = COSD_ROUTE_SERVICE;
        return true;
    }
    const char *slash = strchr(p, '/');
    size_t blen = slash ? (size_t)(slash - p) : strlen(p);
    return set_target(r, p, blen, slash ? slash + 1 : "");
}

static bool label_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

bool cosd_route_parse(const char *host, const char *raw_path, char *const *domains, size_t n_cos,
                      size_t n, cosd_route_t *out)
{
    memset(out, 0, sizeof *out);
    if (!raw_path || raw_path[0] != '/') {
        set_error(out, 400, "InvalidURI", "The request path must begin with '/'.%s", "");
        return true;
    }
    cosx_buf_t dec = COSX_BUF_INIT;
    if (!cosx_pct_decode(&dec, raw_path, strlen(raw_path), false)) {
        bool oom = !cosx_buf_ok(&dec);
        cosx_buf_free(&dec);
        if (oom)
            return false;
        set_error(out, 400, "InvalidURI",
                  "The request path could not be decoded (a malformed %%XX escape or an encoded "
                  "NUL byte).%s",
                  "");
        return true;
    }
    if (!cosx_buf_ok(&dec)) {
        cosx_buf_free(&dec);
        return false;
    }
    out->path = cosx_buf_detach(&dec);
    if (!out->path)
        return false;
    if (!out->path[0]) { /* cosx_buf_detach of an empty buffer */
        free(out->path);
        out->path = strdup("/");
        if (!out->path)
            return false;
    }

    /* Host without port, lowercased. */
    char h[256];
    size_t hl = 0;
    if (host) {
        const char *end;
        if (host[0] == '[') {
            end = strchr(host, ']');
            end = end ? end + 1 : host + strlen(host);
        } else {
            end = strchr(host, ':');
            if (!end)
                end = host + strlen(host);
        }
        hl = (size_t)(end - host);
        if (hl >= sizeof h)
            hl = 0;
        for (size_t i = 0; i < hl; i++)
            h[i] = (char)tolower((unsigned char)host[i]);
        while (hl > 0 && h[hl - 1] == '.')
            hl--;
    }
    h[hl] = 0;

    for (size_t i = 0; i < n && hl; i++) {
        const char *d = domains[i];
        size_t dl = strlen(d);
        if (hl == dl && memcmp(h, d, dl) == 0)
            return path_style(out);
        if (hl <= dl + 1 || h[hl - dl - 1] != '.' || memcmp(h + hl - dl, d, dl) != 0)
            continue;
        /* left = labels before ".<suffix>" */
        size_t ll = hl - dl - 1;
        const char *lab[4];
        size_t len[4];
        size_t nl = 0;
        const char *s = h;
        while (s < h + ll && nl < 4) {
            const char *dot = memchr(s, '.', (size_t)(h + ll - s));
            size_t l = dot ? (size_t)(dot - s) : (size_t)(h + ll - s);
            lab[nl] = s;
            len[nl++] = l;
            s += l + 1;
        }
        if (s < h + ll)
            nl = 5; /* too many labels */
        if (nl == 3 &&
            (label_is(lab[1], len[1], "cos") || label_is(lab[1], len[1], "cos-internal") ||
             label_is(lab[1], len[1], "cos-website"))) {
            cosx_copy_str(out->region, sizeof out->region, lab[2], len[2]);
            out->host_addressed = true;
            return set_target(out, lab[0], len[0], out->path + 1);
        }
        if (nl == 3 && label_is(lab[1], len[1], "ci")) {
            cosx_copy_str(out->region, sizeof out->region, lab[2], len[2]);
            char name[128];
            cosx_copy_str(name, sizeof name, lab[0], len[0]);
            if (!cosd_bucket_name_valid(name)) {
                set_error(out, 400, "InvalidArgument",
                          "The bucket name '%s' in the CI host is not valid.", name);
                return true;
            }
            strcpy(out->bucket, name);
            out->host_addressed = true;
            out->kind = COSD_ROUTE_CI;
            return true;
        }
        if (nl == 2 && label_is(lab[0], len[0], "ci")) {
            cosx_copy_str(out->region, sizeof out->region, lab[1], len[1]);
            out->kind = COSD_ROUTE_CI;
            return true;
        }
        if (nl == 2 && label_is(lab[0], len[0], "cos")) {
            cosx_copy_str(out->region, sizeof out->region, lab[1], len[1]);
            return path_style(out);
        }
        if (nl == 2 && label_is(lab[0], len[0], "service") && label_is(lab[1], len[1], "cos"))
            return path_style(out);
        if (nl == 1 && i >= n_cos) {
            out->host_addressed = true;
            return set_target(out, lab[0], len[0], out->path + 1);
        }
    }
    return path_style(out);
}

void cosd_route_free(cosd_route_t *r)
{
    free(r->key);
    free(r->path);
    r->key = r->path = NULL;
}
