/* cosd_client: request building, signing (cosx_sign) and transport (libcurl) for the cosd
 * integration tests. */
#include "cosd_client.h"

#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_sign.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
    cosx_buf_append(ud, p, sz * n);
    return sz * n;
}

typedef struct reader {
    const char *p;
    size_t left;
} reader_t;

static size_t on_read(char *buf, size_t sz, size_t n, void *ud)
{
    reader_t *r = ud;
    size_t want = sz * n;
    if (want > 7000)
        want = 7000; /* several chunks */
    if (want > r->left)
        want = r->left;
    memcpy(buf, r->p, want);
    r->p += want;
    r->left -= want;
    return want;
}

void tc_content_md5(const void *data, size_t n, char out[32])
{
    unsigned char md5[COSX_MD5_LEN];
    cosx_md5(data, n, md5);
    cosx_base64_encode(md5, sizeof md5, out);
}

/* Splits a raw query into decoded pairs (stored in storage). */
static size_t query_pairs(const char *q, cosx_pair_t *pairs, size_t cap, char **storage)
{
    size_t n = 0;
    if (!q || !*q)
        return 0;
    char *s = strdup(q);
    *storage = s;
    for (char *tok = strtok(s, "&"); tok && n < cap; tok = strtok(NULL, "&")) {
        char *eq = strchr(tok, '=');
        cosx_buf_t nb = COSX_BUF_INIT, vb = COSX_BUF_INIT;
        cosx_pct_decode(&nb, tok, eq ? (size_t)(eq - tok) : strlen(tok), true);
        if (eq)
            cosx_pct_decode(&vb, eq + 1, strlen(eq + 1), true);
        pairs[n].name = nb.data ? cosx_buf_detach(&nb) : strdup("");
        pairs[n].value = eq ? (vb.data ? cosx_buf_detach(&vb) : strdup("")) : NULL;
        n++;
    }
    return n;
}

int tc_do(const cosd_harness_t *h, const tc_req_t *rq, tc_resp_t *out)
{
    memset(out, 0, sizeof *out);
    cosx_buf_t path = COSX_BUF_INIT, url = COSX_BUF_INIT, host = COSX_BUF_INIT,
               signed_path = COSX_BUF_INIT;
    /* Path and Host per addressing style. */
    if (rq->bucket && rq->style == TC_PATH) {
        cosx_buf_printf(&path, "/%s/", rq->bucket);
        cosx_buf_printf(&host, "%s", h->endpoint);
    } else if (rq->bucket && rq->style == TC_LOCALHOST) {
        cosx_buf_puts(&path, "/");
        cosx_buf_printf(&host, "%s.localhost:%d", rq->bucket, h->port);
    } else if (rq->bucket) {
        cosx_buf_puts(&path, "/");
        cosx_buf_printf(&host, "%s.cos.ap-guangzhou.myqcloud.com", rq->bucket);
    } else {
        cosx_buf_puts(&path, "/");
        cosx_buf_printf(&host, "%s",
                        rq->style == TC_VHOST ? "service.cos.myqcloud.com" : h->endpoint);
    }
    if (rq->key) {
        cosx_enc_path(&path, rq->key, strlen(rq->key));
        cosx_buf_puts(&signed_path, cosx_buf_str(&path));
    } else {
        cosx_buf_puts(&signed_path, cosx_buf_str(&path));
    }
    if (rq->bucket && rq->style == TC_PATH && !rq->key) /* "/bucket/" -> "/bucket" */
        path.data[--path.len] = 0;
    const char *hosthdr = rq->host_override ? rq->host_override : cosx_buf_str(&host);

    /* Decoded path for signing. */
    cosx_buf_t dpath = COSX_BUF_INIT;
    const char *sendpath = rq->path_override ? rq->path_override : cosx_buf_str(&path);
    cosx_pct_decode(&dpath, cosx_buf_str(&path), path.len, false);

    cosx_pair_t hdrs[40], params[40];
    size_t nh = 0, np = 0;
    char *qstore = NULL;
    np = query_pairs(rq->query, params, 40, &qstore);
    if (!rq->no_sign_host)
        hdrs[nh++] = (cosx_pair_t){"host", hosthdr};
    char *hcopies[40] = {0};
    for (size_t i = 0; rq->headers && rq->headers[i] && nh < 39; i++) {
        char *c = strdup(rq->headers[i]);
        hcopies[i] = c;
        char *colon = strchr(c, ':');
        if (!colon)
            continue;
        *colon = 0;
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (*v && cosx_sign_header_wanted(c))
            hdrs[nh++] = (cosx_pair_t){c, v};
    }
    struct curl_slist *sl = NULL;
    char line[2048];
    snprintf(line, sizeof line, "Host: %s", hosthdr);
    sl = curl_slist_append(sl, line);
    for (size_t i = 0; rq->headers && rq->headers[i]; i++)
        sl = curl_slist_append(sl, rq->headers[i]);
    bool has_ct = false;
    for (size_t i = 0; rq->headers && rq->headers[i]; i++)
        has_ct |= strncasecmp(rq->headers[i], "Content-Type:", 13) == 0;
    if (!has_ct)
        sl = curl_slist_append(sl, "Content-Type:");
    if (rq->chunked)
        sl = curl_slist_append(sl, "Transfer-Encoding: chunked");

    cosx_buf_t query = COSX_BUF_INIT;
    if (rq->query && *rq->query)
        cosx_buf_puts(&query, rq->query);
    if (!rq->anonymous) {
        int64_t now = (int64_t)time(NULL);
        cosx_sign_input_t in = {
            .secret_id = rq->secret_id ? rq->secret_id : h->secret_id,
            .secret_key = rq->secret_key ? rq->secret_key : h->secret_key,
            .method = rq->method,
            .path = cosx_buf_str(&dpath),
            .params = params,
            .n_params = np,
            .headers = hdrs,
            .n_headers = nh,
            .start = rq->start ? rq->start : now - 1,
            .end = rq->end ? rq->end : now + 900,
        };
        cosx_signature_t sig;
        if (cosx_sign(&in, &sig) == 0) {
            if (rq->presign) {
                if (query.len)
                    cosx_buf_putc(&query, '&');
                cosx_sign_presign_query(&sig, in.secret_id, &query);
            } else {
                snprintf(line, sizeof line, "Authorization: %s", sig.authorization);
                sl = curl_slist_append(sl, line);
            }
            cosx_signature_free(&sig);
        }
    }
    cosx_buf_printf(&url, "http://%s%s%s%s", h->endpoint, sendpath, query.len ? "?" : "",
                    cosx_buf_str(&query));

    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_URL, cosx_buf_str(&url));
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (rq->style == TC_ABSOLUTE && rq->bucket) {
        /* Talk to cosd as an HTTP proxy: absolute-form request target. */
        char proxy[96];
        snprintf(proxy, sizeof proxy, "http://%s", h->endpoint);
        cosx_buf_reset(&url);
        cosx_buf_printf(&url, "http://%s%s%s%s", hosthdr, sendpath, query.len ? "?" : "",
                        cosx_buf_str(&query));
        curl_easy_setopt(c, CURLOPT_URL, cosx_buf_str(&url));
        curl_easy_setopt(c, CURLOPT_PROXY, proxy);
        curl_easy_setopt(c, CURLOPT_NOPROXY, "");
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);
    reader_t rd = {rq->body, rq->body_len};
    if (!strcmp(rq->method, "HEAD")) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (rq->chunked) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &rd);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    } else if (rq->body || !strcmp(rq->method, "PUT") || !strcmp(rq->method, "POST")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_cleanup(c);
    curl_slist_free_all(sl);
    for (size_t i = 0; i < np; i++) {
        free((char *)params[i].name);
        free((char *)params[i].value);
    }
    for (size_t i = 0; i < 40; i++)
        free(hcopies[i]);
    free(qstore);
    cosx_buf_free(&path);
    cosx_buf_free(&url);
    cosx_buf_free(&host);
    cosx_buf_free(&signed_path);
    cosx_buf_free(&dpath);
    cosx_buf_free(&query);
    if (cc != CURLE_OK)
        fprintf(stderr, "tc_do: %s %s: %s\n", rq->method, rq->key ? rq->key : "/",
                curl_easy_strerror(cc));
    return cc == CURLE_OK || out->status > 0 ? 0 : -1;
}

void tc_resp_free(tc_resp_t *r)
{
    cosx_buf_free(&r->body);
    cosx_buf_free(&r->headers);
}

bool tc_header(const tc_resp_t *r, const char *name, char *out, size_t cap)
{
    const char *p = cosx_buf_str(&r->headers);
    size_t nl = strlen(name);
    bool found = false;
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(out, cap, "%.*s", (int)(ll - (size_t)(v - p)), v);
            found = true; /* keep the last (after a 100 Continue) */
        }
        if (!eol)
            break;
        p = eol + 2;
    }
    return found;
}

const char *tc_xml(const tc_resp_t *r, const char *tag, char *out, size_t cap)
{
    char open[128], close[128];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    out[0] = 0;
    const char *b = strstr(cosx_buf_str(&r->body), open);
    if (!b)
        return out;
    b += strlen(open);
    const char *e = strstr(b, close);
    if (e)
        snprintf(out, cap, "%.*s", (int)(e - b), b);
    return out;
}

int tc_count(const tc_resp_t *r, const char *tag)
{
    char open[128];
    snprintf(open, sizeof open, "<%s>", tag);
    int n = 0;
    for (const char *p = strstr(cosx_buf_str(&r->body), open); p; p = strstr(p + 1, open))
        n++;
    return n;
}

long tc_put_bucket(const cosd_harness_t *h, const char *bucket)
{
    tc_req_t rq = {.method = "PUT", .bucket = bucket};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_resp_free(&rs);
    return rs.status;
}

long tc_put_object(const cosd_harness_t *h, const char *bucket, const char *key, const void *data,
                   size_t n)
{
    tc_req_t rq = {.method = "PUT", .bucket = bucket, .key = key, .body = data, .body_len = n};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    tc_resp_free(&rs);
    return rs.status;
}

char *tc_authorization(const cosd_harness_t *h, const char *method, const char *path,
                       const char *host)
{
    cosx_pair_t hdr = {"host", host};
    int64_t now = (int64_t)time(NULL);
    cosx_sign_input_t in = {.secret_id = h->secret_id,
                            .secret_key = h->secret_key,
                            .method = method,
                            .path = path,
                            .headers = &hdr,
                            .n_headers = 1,
                            .start = now - 1,
                            .end = now + 900};
    cosx_signature_t sig;
    if (cosx_sign(&in, &sig) != 0)
        return NULL;
    char *a = strdup(sig.authorization);
    cosx_signature_free(&sig);
    return a;
}

int tc_raw(const cosd_harness_t *h, const void *req, size_t n, int wait_ms, cosx_buf_t *answer)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)h->port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    const char *p = req;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        p += w;
        n -= (size_t)w;
    }
    for (;;) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, wait_ms) <= 0)
            break;
        char buf[4096];
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0)
            break;
        cosx_buf_append(answer, buf, (size_t)r);
    }
    close(fd);
    return answer->len > 0 ? 0 : -1;
}
