/* cos_request.c: building a request: validation of configuration, bucket and key, host and URL
 * construction (endpoint scheme, is_cname, appid suffix, IP endpoints), query encoding, request bodies,
 * Content-MD5, and COS v5 signing through the shared signer. */
#include <arpa/inet.h>
#include <ctype.h>
#include <strings.h>
#include <errno.h>
#include <unistd.h>

#include "cosi.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_sign.h"
#include "cosx_time.h"

#define COSI_MAX_KEY_LEN 2046

cos_http_request_t *cos_http_request_create(cos_pool_t *p)
{
    cos_http_request_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        r->pool = p;
        cos_list_init(&r->body);
        r->type = BODY_IN_MEMORY;
    }
    return r;
}

cos_http_response_t *cos_http_response_create(cos_pool_t *p)
{
    cos_http_response_t *r = cos_pcalloc(p, sizeof(*r));
    if (r != NULL) {
        r->pool = p;
        cos_list_init(&r->body);
        r->type = BODY_IN_MEMORY;
        r->headers = cos_table_make(p, 16);
        r->content_length = -1;
    }
    return r;
}

void cosi_endpoint_split(cos_pool_t *p, const cos_string_t *endpoint, const char **proto, const char **host)
{
    const char *ep = endpoint->data != NULL ? endpoint->data : "";
    size_t len = endpoint->data != NULL ? (size_t)endpoint->len : 0;
    *proto = COS_HTTP_PREFIX;
    if (len >= 7 && strncasecmp(ep, COS_HTTP_PREFIX, 7) == 0) {
        ep += 7;
        len -= 7;
    } else if (len >= 8 && strncasecmp(ep, COS_HTTPS_PREFIX, 8) == 0) {
        *proto = COS_HTTPS_PREFIX;
        ep += 8;
        len -= 8;
    }
    while (len > 0 && ep[len - 1] == '/') {
        len--;
    }
    *host = cos_pstrndup(p, ep, len);
}

bool cosi_is_ip_host(const char *host)
{
    char buf[64];
    int family = AF_INET;
    const char *start = host;
    size_t n;
    if (host[0] == '[') {
        /* "[v6]" or "[v6]:port" */
        const char *rb = strchr(host, ']');
        if (rb == NULL || (rb[1] != '\0' && rb[1] != ':')) {
            return false;
        }
        family = AF_INET6;
        start = host + 1;
        n = (size_t)(rb - start);
    } else {
        n = strcspn(host, ":");
    }
    if (n == 0 || n >= sizeof(buf)) {
        return false;
    }
    memcpy(buf, start, n);
    buf[n] = '\0';
    unsigned char a[16];
    return inet_pton(family, buf, a) == 1;
}

bool cosi_is_cos_public_host(const char *host)
{
    static const char *const suffixes[] = {".myqcloud.com", ".tencentcos.cn"};
    size_t n = strcspn(host, ":");
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);
        if (n > sl && strncasecmp(host + n - sl, suffixes[i], sl) == 0) {
            return true;
        }
    }
    return false;
}

char *cosi_bucket_host(cos_pool_t *p, const cos_config_t *c, const cos_string_t *bucket)
{
    const char *proto, *ep;
    cosi_endpoint_split(p, &c->endpoint, &proto, &ep);
    if (c->is_cname || cosi_is_ip_host(ep)) {
        return (char *)ep;
    }
    if (cos_is_null_string(&c->appid)) {
        return cos_psprintf(p, "%.*s.%s", bucket->len, bucket->data, ep);
    }
    int alen = c->appid.len;
    if (bucket->len > alen + 1 && bucket->data[bucket->len - alen - 1] == '-' &&
        memcmp(bucket->data + bucket->len - alen, c->appid.data, (size_t)alen) == 0) {
        return cos_psprintf(p, "%.*s.%s", bucket->len, bucket->data, ep);
    }
    return cos_psprintf(p, "%.*s-%.*s.%s", bucket->len, bucket->data, alen, c->appid.data, ep);
}

cos_status_t *cosi_check_endpoint(cos_pool_t *p, const cos_string_t *endpoint)
{
    const char *ep = endpoint->data;
    int len = endpoint->len;
    const char *proto, *host;
    cosi_endpoint_split(p, endpoint, &proto, &host);
    const char *why = NULL;
    for (int i = 0; i < len && why == NULL; i++) {
        if (isspace((unsigned char)ep[i]) || iscntrl((unsigned char)ep[i])) {
            why = "it contains a space or control character";
        }
    }
    if (why == NULL && strstr(host, "://") != NULL) {
        why = "only http:// and https:// are supported";
    } else if (why == NULL && host[0] == '\0') {
        why = "it has no host";
    } else if (why == NULL && strpbrk(host, "/?#") != NULL) {
        why = "it has a path, query or fragment (give only scheme, host and port)";
    } else if (why == NULL && strchr(host, '@') != NULL) {
        why = "it has a user name (credentials go in access_key_id and access_key_secret)";
    }
    if (why == NULL) {
        return NULL;
    }
    return cosi_status_client(p, cos_psprintf(p, "endpoint \"%.*s\" is invalid: %s", len, ep, why));
}

static bool cosi_has_outer_space(const cos_string_t *s)
{
    if (s->data == NULL || s->len == 0) {
        return false;
    }
    return isspace((unsigned char)s->data[0]) || isspace((unsigned char)s->data[s->len - 1]);
}

cos_status_t *cosi_check_config(cos_pool_t *p, const cos_config_t *c)
{
    if (c == NULL) {
        return cosi_status_client(p, "options->config is not set: create it with cos_config_create");
    }
    if (cos_is_null_string(&c->endpoint)) {
        return cosi_status_client(p, "endpoint is null or empty, please check it");
    }
    cos_status_t *s = cosi_check_endpoint(p, &c->endpoint);
    if (s != NULL) {
        return s;
    }
    if (cosi_has_outer_space(&c->access_key_id)) {
        return cosi_status_client(p, "access_key_id has leading or trailing whitespace, please check it");
    }
    if (cosi_has_outer_space(&c->access_key_secret)) {
        return cosi_status_client(p, "access_key_secret has leading or trailing whitespace, please check it");
    }
    return NULL;
}

cos_status_t *cosi_check_bucket(cos_pool_t *p, const cos_string_t *bucket)
{
    if (cos_is_null_string(bucket)) {
        return cosi_status_client(p, "bucket is null or empty, please check it");
    }
    for (int i = 0; i < bucket->len; i++) {
        unsigned char ch = (unsigned char)bucket->data[i];
        bool ok = isalnum(ch) || (ch == '-' && i > 0 && i < bucket->len - 1);
        if (!ok) {
            return cosi_status_error(p, COSE_INVALID_ARGUMENT, COS_CLIENT_ERROR_CODE,
                cos_psprintf(p, "bucket name \"%.*s\" is invalid: use letters, digits and '-' "
                             "(not first or last), e.g. examplebucket-1250000000",
                             bucket->len, bucket->data));
        }
    }
    return NULL;
}

/* True when the key resolves to the bucket root ("..", "./", "a/.."). */
static bool cosi_key_is_root(const char *key)
{
    int depth = 0;
    const char *s = key;
    while (*s != '\0') {
        size_t n = strcspn(s, "/");
        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* empty or "." segment */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (depth > 0) {
                depth--;
            }
        } else {
            depth++;
        }
        s += n;
        if (*s == '/') {
            s++;
        }
    }
    return depth == 0;
}

static cos_status_t *cosi_new_req(const cos_request_options_t *o, cos_table_t *headers, cos_table_t *params,
                                  http_method_e method, cos_http_request_t **req, cos_http_response_t **resp)
{
    cos_pool_t *p = o->pool;
    *req = cos_http_request_create(p);
    *resp = cos_http_response_create(p);
    if (*req == NULL || *resp == NULL || (*resp)->headers == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    (*req)->method = method;
    (*req)->headers = headers != NULL ? headers : cos_table_make(p, 8);
    (*req)->query_params = params != NULL ? params : cos_table_make(p, 4);
    if ((*req)->headers == NULL || (*req)->query_params == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    return NULL;
}

cos_status_t *cosi_init_request(const cos_request_options_t *o, const cos_string_t *bucket, const cos_string_t *key,
                                http_method_e method, bool get_type, cos_table_t *headers, cos_table_t *params,
                                cos_http_request_t **req, cos_http_response_t **resp)
{
    cos_status_t *s;
    cos_pool_t *p = o->pool;
    if ((s = cosi_check_config(p, o->config)) != NULL || (s = cosi_check_bucket(p, bucket)) != NULL) {
        return s;
    }
    if (key != NULL) {
        if (cos_is_null_string(key)) {
            return cosi_status_client(p, "Object is invalid");
        }
        if (key->len > COSI_MAX_KEY_LEN) {
            return cosi_status_client(p, cos_psprintf(p, "object key is too long (%d bytes, at most %d)",
                                                      key->len, COSI_MAX_KEY_LEN));
        }
        if (memchr(key->data, '\0', (size_t)key->len) != NULL) {
            return cosi_status_client(p, "object key contains a NUL byte");
        }
    }
    if ((s = cosi_new_req(o, headers, params, method, req, resp)) != NULL) {
        return s;
    }
    const char *ep;
    cosi_endpoint_split(p, &o->config->endpoint, (const char **)&(*req)->proto, &ep);
    (*req)->host = cosi_bucket_host(p, o->config, bucket);
    (*req)->uri = key != NULL ? cos_pstrdup(p, key) : (char *)"";
    if (get_type && key != NULL && cosi_key_is_root((*req)->uri)) {
        return cosi_status_client(p, "The Getobject Key is illegal");
    }
    return NULL;
}

cos_status_t *cosi_init_service_request(const cos_request_options_t *o, int all_region, cos_table_t *headers,
                                        cos_http_request_t **req, cos_http_response_t **resp)
{
    cos_status_t *s;
    cos_pool_t *p = o->pool;
    const cos_config_t *c = o->config;
    if (c == NULL) {
        return cosi_status_client(p, "options->config is not set: create it with cos_config_create");
    }
    /* All regions are listed by service.cos.myqcloud.com, but only for a COS endpoint (or none): a
     * given endpoint of another kind (a cosd, a private deployment) is asked itself, so a request
     * never leaves for the public host when the caller named another one. */
    bool given = !cos_is_null_string(&c->endpoint);
    if ((given || !all_region) && (s = cosi_check_config(p, c)) != NULL) {
        return s;
    }
    if (cosi_has_outer_space(&c->access_key_id)) {
        return cosi_status_client(p, "access_key_id has leading or trailing whitespace, please check it");
    }
    if (cosi_has_outer_space(&c->access_key_secret)) {
        return cosi_status_client(p, "access_key_secret has leading or trailing whitespace, please check it");
    }
    if ((s = cosi_new_req(o, headers, NULL, HTTP_GET, req, resp)) != NULL) {
        return s;
    }
    const char *ep;
    cosi_endpoint_split(p, &c->endpoint, (const char **)&(*req)->proto, &ep);
    bool public_service = all_region && (!given || cosi_is_cos_public_host(ep));
    (*req)->host = public_service ? (char *)"service.cos.myqcloud.com" : (char *)ep;
    if (!given) {
        (*req)->proto =
            (char *)"https://"; /* no endpoint named: the public host, never in the clear */
    }
    (*req)->uri = (char *)"";
    return NULL;
}

char *cosi_build_query(cos_pool_t *p, const cos_table_t *params)
{
    const cos_array_header_t *a = cos_table_elts(params);
    if (a == NULL || a->nelts == 0) {
        return (char *)"";
    }
    cosx_buf_t b = COSX_BUF_INIT;
    const cos_table_entry_t *e = (const cos_table_entry_t *)a->elts;
    for (int i = 0; i < a->nelts; i++) {
        if (i > 0) {
            cosx_buf_putc(&b, '&');
        }
        cosx_enc(&b, e[i].key, strlen(e[i].key));
        if (e[i].val != NULL && e[i].val[0] != '\0') {
            cosx_buf_putc(&b, '=');
            cosx_enc(&b, e[i].val, strlen(e[i].val));
        }
    }
    char *r = cosx_buf_ok(&b) ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    return r;
}

char *cosi_build_url(cos_pool_t *p, const cos_http_request_t *req, const char *route_host)
{
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, req->proto != NULL ? req->proto : COS_HTTP_PREFIX);
    cosx_buf_puts(&b, route_host != NULL ? route_host : req->host);
    cosx_buf_putc(&b, '/');
    if (req->uri != NULL) {
        cosx_enc_path(&b, req->uri, strlen(req->uri));
    }
    char *q = cosi_build_query(p, req->query_params);
    if (q == NULL) {
        cosx_buf_free(&b);
        return NULL;
    }
    if (q[0] != '\0') {
        cosx_buf_putc(&b, '?');
        cosx_buf_puts(&b, q);
    }
    char *r = cosx_buf_ok(&b) ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    return r;
}

const char *cosi_method_name(http_method_e m)
{
    switch (m) {
    case HTTP_GET: return "GET";
    case HTTP_HEAD: return "HEAD";
    case HTTP_PUT: return "PUT";
    case HTTP_POST: return "POST";
    case HTTP_DELETE: return "DELETE";
    }
    return "GET";
}

int cosi_sign_request(const cos_config_t *c, cos_http_request_t *req, int64_t now, int64_t expire)
{
    cos_pool_t *p = req->pool;
    char date[COSX_RFC1123_LEN];
    cosx_time_rfc1123((time_t)now, date);
    cos_table_set(req->headers, COS_HOST, req->host);
    cos_table_set(req->headers, COS_DATE, date);
    if (c->sts_token.data != NULL) {
        cos_table_set(req->headers, COS_STS_SECURITY_TOKEN, cos_pstrdup(p, &c->sts_token));
    }
    if (req->method == HTTP_PUT || req->method == HTTP_POST) {
        cos_table_set_int64(req->headers, COS_CONTENT_LENGTH, req->body_len);
    }
    cos_table_unset(req->headers, COS_AUTHORIZATION);
    if (cos_is_null_string(&c->access_key_id)) {
        return COSE_OK; /* anonymous request */
    }
    const cos_array_header_t *ha = cos_table_elts(req->headers);
    const cos_array_header_t *qa = cos_table_elts(req->query_params);
    cosx_pair_t *hp = cos_palloc(p, sizeof(cosx_pair_t) * (size_t)(ha->nelts + 1));
    cosx_pair_t *qp = cos_palloc(p, sizeof(cosx_pair_t) * (size_t)(qa->nelts + 1));
    if (hp == NULL || qp == NULL) {
        return COSE_OUT_MEMORY;
    }
    size_t nh = 0, nq = 0;
    const cos_table_entry_t *e = (const cos_table_entry_t *)ha->elts;
    for (int i = 0; i < ha->nelts; i++) {
        if (e[i].val != NULL && e[i].val[0] != '\0' && cosx_sign_header_wanted(e[i].key)) {
            hp[nh].name = e[i].key;
            hp[nh].value = e[i].val;
            nh++;
        }
    }
    e = (const cos_table_entry_t *)qa->elts;
    for (int i = 0; i < qa->nelts; i++) {
        qp[nq].name = e[i].key;
        qp[nq].value = e[i].val;
        nq++;
    }
    char *path = cos_psprintf(p, "/%s", req->uri != NULL ? req->uri : "");
    cosx_sign_input_t in = {
        .secret_id = cos_pstrdup(p, &c->access_key_id),
        .secret_key = cos_pstrdup(p, &c->access_key_secret),
        .method = cosi_method_name(req->method),
        .path = path,
        .params = qp,
        .n_params = nq,
        .headers = hp,
        .n_headers = nh,
        .start = now,
        .end = now + expire,
    };
    cosx_signature_t sig;
    memset(&sig, 0, sizeof(sig));
    if (path == NULL || cosx_sign(&in, &sig) != 0) {
        cosx_signature_free(&sig);
        return COSE_OUT_MEMORY;
    }
    cos_table_set(req->headers, COS_AUTHORIZATION, sig.authorization);
    cosx_signature_free(&sig);
    return COSE_OK;
}

void cosi_set_body_list(cos_http_request_t *req, cos_list_t *body)
{
    if (body != NULL) {
        cos_list_movelist(body, &req->body);
    }
    req->type = BODY_IN_MEMORY;
    req->body_len = cos_buf_list_len(&req->body);
}

int cosi_set_body_file(cos_http_request_t *req, const char *path, int64_t pos, int64_t last, cos_status_t **err)
{
    cos_file_buf_t *fb = cos_create_file_buf(req->pool);
    if (fb == NULL) {
        *err = cosi_status_error(req->pool, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        return COSE_OUT_MEMORY;
    }
    int r = (pos < 0) ? cos_open_file_for_all_read(req->pool, path, fb)
                      : cos_open_file_for_range_read(req->pool, path, pos, last, fb);
    if (r != COSE_OK) {
        int e = errno;
        *err = cosi_status_error(req->pool, r, COS_OPEN_FILE_ERROR_CODE,
                                 cos_psprintf(req->pool, "cannot open %s: %s", path, strerror(e)));
        return r;
    }
    req->type = BODY_IN_FILE;
    req->file_buf = fb;
    req->file_path = cos_pstrdup_cstr(req->pool, path);
    req->body_len = fb->file_last - fb->file_pos;
    return COSE_OK;
}

int cosi_add_content_md5(const cos_request_options_t *o, cos_http_request_t *req, bool force, cos_status_t **err)
{
    bool enabled = o->ctl == NULL || o->ctl->options == NULL || o->ctl->options->enable_md5;
    if ((!enabled && !force) || cos_table_get(req->headers, COS_CONTENT_MD5) != NULL) {
        return COSE_OK;
    }
    cosx_digest_t *d = cosx_digest_new(COSX_DIGEST_MD5);
    if (d == NULL) {
        *err = cosi_status_error(req->pool, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        return COSE_OUT_MEMORY;
    }
    if (req->type == BODY_IN_FILE) {
        unsigned char buf[65536];
        int fd = cos_file_fd(req->file_buf->file);
        int64_t off = req->file_buf->file_pos;
        while (off < req->file_buf->file_last) {
            size_t want = sizeof(buf);
            if ((int64_t)want > req->file_buf->file_last - off) {
                want = (size_t)(req->file_buf->file_last - off);
            }
            ssize_t n = pread(fd, buf, want, (off_t)off);
            if (n <= 0) {
                int e = n < 0 ? errno : EIO;
                cosx_digest_free(d);
                *err = cosi_status_error(req->pool, COSE_FILE_READ_ERROR, COS_OPEN_FILE_ERROR_CODE,
                                         cos_psprintf(req->pool, "cannot read %s: %s", req->file_path,
                                                      n < 0 ? strerror(e) : "file shrank while reading"));
                return COSE_FILE_READ_ERROR;
            }
            cosx_digest_update(d, buf, (size_t)n);
            off += n;
        }
    } else {
        cos_buf_t *b;
        cos_list_for_each_entry(cos_buf_t, b, &req->body, node) {
            cosx_digest_update(d, b->pos, (size_t)cos_buf_size(b));
        }
    }
    unsigned char md5[COSX_MD5_LEN];
    cosx_digest_final(d, md5);
    cosx_digest_free(d);
    char b64[COSX_BASE64_LEN(COSX_MD5_LEN) + 1];
    cosx_base64_encode(md5, sizeof(md5), b64);
    cos_table_set(req->headers, COS_CONTENT_MD5, b64);
    return COSE_OK;
}
