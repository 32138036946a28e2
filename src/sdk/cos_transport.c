/* cos_transport.c: one HTTP exchange through libcurl: request body streaming (buffer chain or file
 * range, rewindable, CRC64 on the fly, upload progress), response headers and body (memory or file,
 * size cap, CRC64, download progress), timeouts, TLS verification, proxy and request route. */
#include <errno.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cosi.h"
#include "cosx_crc64.h"

#define COSI_MAX_ERROR_BODY (1024 * 1024)
#define COSI_RESP_CHUNK 16384

typedef struct cosi_xfer {
    const cos_request_options_t *o;
    const cos_http_request_options_t *ro;
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_list_t *cur;    /* request body cursor: current buffer node */
    size_t cur_off;
    int64_t file_off;
    int local_code;     /* failure detected by a callback */
    char *local_msg;
} cosi_xfer_t;

static const cos_http_request_options_t cosi_fallback_options = {
    COS_MIN_SPEED_LIMIT, COS_MIN_SPEED_TIME, COS_DNS_CACHE_TIMOUT, COS_CONNECT_TIMEOUT,
    COS_MAX_MEMORY_SIZE, COS_TRUE, COS_TRUE, NULL, NULL, NULL, 0,
};

void cosi_request_rewind(cos_http_request_t *req)
{
    req->consumed_bytes = 0;
    req->crc64 = 0;
}

int cosi_response_reset(cos_http_response_t *resp)
{
    resp->status = 0;
    resp->headers = cos_table_make(resp->pool, 16);
    cos_list_init(&resp->body);
    resp->body_len = 0;
    resp->content_length = -1;
    resp->crc64 = 0;
    if (resp->type == BODY_IN_FILE && resp->file_buf != NULL && resp->file_buf->file != NULL) {
        int fd = cos_file_fd(resp->file_buf->file);
        cos_file_buf_t *fb = resp->file_buf;
        if (fb->file_last > fb->file_pos) {
            /* Ranged download into a shared file: rewrite the range in place, never truncate. */
            if (lseek(fd, (off_t)fb->file_pos, SEEK_SET) < 0) {
                return COSE_FILE_SEEK_ERROR;
            }
        } else if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) < 0) {
            return COSE_FILE_TRUNC_ERROR;
        }
    }
    return resp->headers != NULL ? COSE_OK : COSE_OUT_MEMORY;
}

static void cosi_xfer_fail(cosi_xfer_t *x, int code, char *msg)
{
    if (x->local_code == 0) {
        x->local_code = code;
        x->local_msg = msg;
    }
}

static size_t cosi_read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    cosi_xfer_t *x = ud;
    cos_http_request_t *req = x->req;
    size_t want = size * nitems;
    size_t n = 0;
    if (req->type == BODY_IN_FILE) {
        cos_file_buf_t *fb = req->file_buf;
        int64_t left = fb->file_last - x->file_off;
        if (left > 0) {
            if ((int64_t)want > left) {
                want = (size_t)left;
            }
            ssize_t r = pread(cos_file_fd(fb->file), buf, want, (off_t)x->file_off);
            if (r < 0 || (r == 0 && want > 0)) {
                cosi_xfer_fail(x, COSE_READ_BODY_ERROR,
                               cos_psprintf(req->pool, "cannot read %s: %s", req->file_path,
                                            r < 0 ? strerror(errno) : "file shrank while uploading"));
                return CURL_READFUNC_ABORT;
            }
            n = (size_t)r;
            x->file_off += r;
        }
    } else {
        while (n < want && x->cur != &req->body) {
            cos_buf_t *b = cos_list_entry(x->cur, cos_buf_t, node);
            size_t avail = (size_t)cos_buf_size(b) - x->cur_off;
            size_t k = avail < want - n ? avail : want - n;
            if (k > 0) {
                memcpy(buf + n, b->pos + x->cur_off, k);
                n += k;
                x->cur_off += k;
            }
            if (x->cur_off >= (size_t)cos_buf_size(b)) {
                x->cur = x->cur->next;
                x->cur_off = 0;
            }
        }
    }
    if (n > 0) {
        req->crc64 = cosx_crc64(req->crc64, buf, n);
        req->consumed_bytes += (int64_t)n;
        if (req->progress_callback != NULL) {
            req->progress_callback(req->consumed_bytes, req->body_len);
        }
    }
    return n;
}

static void cosi_body_rewind(cosi_xfer_t *x)
{
    x->cur = x->req->body.next;
    x->cur_off = 0;
    x->file_off = x->req->file_buf != NULL ? x->req->file_buf->file_pos : 0;
    cosi_request_rewind(x->req);
}

static int cosi_seek_cb(void *ud, curl_off_t offset, int origin)
{
    if (offset != 0 || origin != SEEK_SET) {
        return CURL_SEEKFUNC_CANTSEEK;
    }
    cosi_body_rewind(ud);
    return CURL_SEEKFUNC_OK;
}

static size_t cosi_header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    cosi_xfer_t *x = ud;
    cos_http_response_t *resp = x->resp;
    size_t len = size * nitems;
    if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A new status line (after 100 Continue or a redirect): start the header set again. */
        const char *sp = memchr(buf, ' ', len);
        resp->status = sp != NULL ? atoi(sp + 1) : 0;
        cos_table_clear(resp->headers);
        resp->content_length = -1;
        return len;
    }
    const char *colon = memchr(buf, ':', len);
    if (colon == NULL) {
        return len;
    }
    size_t klen = (size_t)(colon - buf);
    const char *v = colon + 1;
    const char *end = buf + len;
    while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
    }
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    char *key = cos_pstrndup(resp->pool, buf, klen);
    char *val = cos_pstrndup(resp->pool, v, (size_t)(end - v));
    if (key == NULL || val == NULL) {
        cosi_xfer_fail(x, COSE_OUT_MEMORY, (char *)"out of memory");
        return 0;
    }
    cos_table_addn(resp->headers, key, val);
    if (strcasecmp(key, "Content-Length") == 0) {
        resp->content_length = cos_atoi64(val);
    }
    return len;
}

static int cosi_append_memory(cos_http_response_t *resp, const char *data, size_t n)
{
    cos_buf_t *last = cos_list_empty(&resp->body) ? NULL : cos_list_entry(resp->body.prev, cos_buf_t, node);
    while (n > 0) {
        if (last == NULL || last->last == last->end) {
            int sz = n > COSI_RESP_CHUNK ? (int)n : COSI_RESP_CHUNK;
            last = cos_create_buf(resp->pool, sz);
            if (last == NULL) {
                return COSE_OUT_MEMORY;
            }
            cos_list_add_tail(&last->node, &resp->body);
        }
        size_t room = (size_t)(last->end - last->last);
        size_t k = room < n ? room : n;
        memcpy(last->last, data, k);
        last->last += k;
        data += k;
        n -= k;
    }
    return COSE_OK;
}

static size_t cosi_write_cb(char *buf, size_t size, size_t nitems, void *ud)
{
    cosi_xfer_t *x = ud;
    cos_http_response_t *resp = x->resp;
    size_t n = size * nitems;
    bool ok = resp->status / 100 == 2;
    if (ok) {
        resp->crc64 = cosx_crc64(resp->crc64, buf, n);
    }
    if (ok && resp->type == BODY_IN_FILE && resp->file_buf != NULL) {
        int fd = cos_file_fd(resp->file_buf->file);
        size_t done = 0;
        while (done < n) {
            ssize_t w = write(fd, buf + done, n - done);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                cosi_xfer_fail(x, COSE_WRITE_BODY_ERROR,
                               cos_psprintf(resp->pool, "cannot write %s: %s", resp->file_path,
                                            w < 0 ? strerror(errno) : "short write"));
                return 0;
            }
            done += (size_t)w;
        }
    } else {
        int64_t cap = ok ? x->ro->max_memory_size : COSI_MAX_ERROR_BODY;
        if (resp->body_len + (int64_t)n > cap) {
            if (!ok) {
                return n; /* keep the start of an oversized error body */
            }
            cosi_xfer_fail(x, COSE_OVER_MEMORY,
                           cos_psprintf(resp->pool, "response body exceeds max_memory_size (%" PRId64
                                        " bytes); download to a file instead", cap));
            return 0;
        }
        if (cosi_append_memory(resp, buf, n) != COSE_OK) {
            cosi_xfer_fail(x, COSE_OUT_MEMORY, (char *)"out of memory");
            return 0;
        }
    }
    resp->body_len += (int64_t)n;
    if (ok && resp->progress_callback != NULL) {
        resp->progress_callback(resp->body_len, resp->content_length > 0 ? resp->content_length : 0);
    }
    return n;
}

int cosi_curl_code_to_status(int code)
{
    switch ((CURLcode)code) {
    case CURLE_OK: return COSE_OK;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST: return COSE_NAME_LOOKUP_ERROR;
    case CURLE_COULDNT_CONNECT: return COSE_FAILED_CONNECT;
    case CURLE_WRITE_ERROR:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return COSE_CONNECTION_FAILED;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR: return COSE_FAILED_VERIFICATION;
    case CURLE_OUT_OF_MEMORY: return COSE_OUT_MEMORY;
    case CURLE_FAILED_INIT: return COSE_FAILED_INITIALIZE;
    case CURLE_URL_MALFORMAT: return COSE_INVALID_ARGUMENT;
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK: return COSE_READ_BODY_ERROR;
    default: return COSE_INTERNAL_ERROR;
    }
}

static struct curl_slist *cosi_build_headers(cos_http_request_t *req, bool *ok)
{
    struct curl_slist *list = NULL, *t;
    const cos_array_header_t *a = cos_table_elts(req->headers);
    const cos_table_entry_t *e = (const cos_table_entry_t *)a->elts;
    *ok = true;
    for (int i = 0; i < a->nelts; i++) {
        char *line = (e[i].val == NULL || e[i].val[0] == '\0')
                         ? cos_psprintf(req->pool, "%s;", e[i].key)
                         : cos_psprintf(req->pool, "%s: %s", e[i].key, e[i].val);
        if (line == NULL || (t = curl_slist_append(list, line)) == NULL) {
            *ok = false;
            return list;
        }
        list = t;
    }
    static const char *const off[] = {"Expect:", "Transfer-Encoding:"};
    for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
        if (cos_table_get(req->headers, i == 0 ? "Expect" : "Transfer-Encoding") == NULL) {
            if ((t = curl_slist_append(list, off[i])) == NULL) {
                *ok = false;
                return list;
            }
            list = t;
        }
    }
    return list;
}

/* An IPv6 address in brackets ("[::1]", as in URLs and CURLOPT_CONNECT_TO); others unchanged. */
static const char *cosi_bracket_ip(cos_pool_t *p, const char *ip)
{
    return (ip[0] != '[' && strchr(ip, ':') != NULL) ? cos_psprintf(p, "[%s]", ip) : ip;
}

static char *cosi_transport_message(cos_pool_t *p, CURL *h, CURLcode rc, const char *errbuf,
                                    const cos_http_request_t *req, const cos_http_request_options_t *ro)
{
    const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    long os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    switch (rc) {
    case CURLE_COULDNT_CONNECT: {
        char *ip = NULL;
        long port = 0;
        curl_easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
        curl_easy_getinfo(h, CURLINFO_PRIMARY_PORT, &port);
        const char *target =
            (ip != NULL && ip[0] != '\0') ? cos_psprintf(p, "%s:%ld", cosi_bracket_ip(p, ip), port)
            : (ro->host_ip != NULL && ro->host_port > 0)
                ? cos_psprintf(p, "%s:%d", cosi_bracket_ip(p, ro->host_ip), ro->host_port)
                : req->host;
        if (os_errno == ECONNREFUSED) {
            return cos_psprintf(p, "connect to %s refused (is the server running?)", target);
        }
        return cos_psprintf(p, "connect to %s failed: %s", target,
                            os_errno != 0 ? strerror((int)os_errno) : why);
    }
    case CURLE_COULDNT_RESOLVE_HOST:
        return cos_psprintf(p, "cannot resolve host %s: %s", req->host, why);
    case CURLE_COULDNT_RESOLVE_PROXY:
        return cos_psprintf(p, "cannot resolve proxy %s: %s", ro->proxy_host ? ro->proxy_host : "", why);
    case CURLE_OPERATION_TIMEDOUT:
        return cos_psprintf(p, "request to %s timed out: %s (limits: connect_timeout %d s; abort below "
                               "speed_limit %d B/s for speed_time %d s)",
                            req->host, why, ro->connect_timeout, ro->speed_limit, ro->speed_time);
    case CURLE_SEND_ERROR:
        return cos_psprintf(p, "connection to %s lost while sending the request: %s", req->host, why);
    case CURLE_RECV_ERROR:
        return cos_psprintf(p, "connection to %s lost while receiving the response: %s", req->host, why);
    case CURLE_GOT_NOTHING:
        return cos_psprintf(p, "%s closed the connection without answering: %s", req->host, why);
    case CURLE_PARTIAL_FILE:
        return cos_psprintf(p, "response from %s ended early: %s", req->host, why);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return cos_psprintf(p, "malformed response from %s: %s", req->host, why);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        return cos_psprintf(p, "TLS verification of %s failed: %s (set a CA bundle with cos_set_ca_path)",
                            req->host, why);
    default:
        return cos_psprintf(p, "request to %s failed: %s", req->host, why);
    }
}

void cosi_transport_perform(const cos_request_options_t *o, cos_http_request_t *req, cos_http_response_t *resp,
                            cos_status_t *s)
{
    cos_pool_t *p = o->pool;
    const cos_http_request_options_t *ro =
        (o->ctl != NULL && o->ctl->options != NULL) ? o->ctl->options : &cosi_fallback_options;
    cosi_xfer_t x = {.o = o, .ro = ro, .req = req, .resp = resp};
    cosi_body_rewind(&x);

    cosi_handle_t *ch = cosi_handle_get();
    CURL *h = ch != NULL ? ch->curl : NULL;
    if (h == NULL) {
        cos_status_set(s, COSE_FAILED_INITIALIZE, COS_HTTP_IO_ERROR_CODE, "cannot create a libcurl handle");
        return;
    }
    char *url = cosi_build_url(p, req, NULL);
    req->signed_url = url;
    bool hok;
    struct curl_slist *hl = cosi_build_headers(req, &hok);
    if (url == NULL || !hok) {
        curl_slist_free_all(hl);
        cosi_handle_put(ch);
        cos_status_set(s, COSE_OUT_MEMORY, COS_HTTP_IO_ERROR_CODE, "out of memory");
        return;
    }
    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    struct curl_slist *connect_to = NULL;

    /* TLS and proxy settings persist in a cached handle; reset it only when they change. */
    int verify = cosi_ctl_ssl_verify(o->ctl);
    const char *ca = cosi_ctl_ca_path(o->ctl);
    char profile[sizeof(ch->profile)];
    int pl = snprintf(profile, sizeof(profile), "%d|%s|%s|%s", verify, ca != NULL ? ca : "",
                      ro->proxy_host != NULL ? ro->proxy_host : "", ro->proxy_auth != NULL ? ro->proxy_auth : "");
    bool same = !ch->fresh && pl > 0 && (size_t)pl < sizeof(profile) && strcmp(profile, ch->profile) == 0;
    if (!same) {
        if (!ch->fresh) {
            curl_easy_reset(h);
        }
        ch->fresh = false;
        snprintf(ch->profile, sizeof(ch->profile), "%s", (pl > 0 && (size_t)pl < sizeof(profile)) ? profile : "");
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
        if (ca != NULL && ca[0] != '\0') {
            struct stat st;
            if (stat(ca, &st) == 0 && S_ISDIR(st.st_mode)) {
                curl_easy_setopt(h, CURLOPT_CAPATH, ca);
            } else {
                curl_easy_setopt(h, CURLOPT_CAINFO, ca);
            }
        }
        if (ro->proxy_host != NULL && ro->proxy_host[0] != '\0') {
            curl_easy_setopt(h, CURLOPT_PROXY, ro->proxy_host);
            if (ro->proxy_auth != NULL && ro->proxy_auth[0] != '\0') {
                curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, ro->proxy_auth);
            }
        }
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, cosi_user_agent());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cosi_header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cosi_write_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    /* Bodies going to a file arrive in 256 KiB pieces (one pwrite each) instead of 16 KiB ones: a
     * sixteenth of the system calls on large downloads. Set on every request: handles are reused. */
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE,
                     resp->type == BODY_IN_FILE ? 256L * 1024 : (long)CURL_MAX_WRITE_SIZE);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)ro->connect_timeout);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, (long)ro->speed_limit);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)ro->speed_time);
    curl_easy_setopt(h, CURLOPT_DNS_CACHE_TIMEOUT, (long)ro->dns_cache_timeout);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");

    if (ro->host_ip != NULL && ro->host_ip[0] != '\0' && ro->host_port > 0) {
        char *ct = cos_psprintf(p, "::%s:%d", cosi_bracket_ip(p, ro->host_ip), ro->host_port);
        connect_to = ct != NULL ? curl_slist_append(NULL, ct) : NULL;
    }
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);

    /* Back to a plain GET (clears NOBODY/UPLOAD/POST of a previous request), then the method. */
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, NULL);
    curl_easy_setopt(h, CURLOPT_READDATA, NULL);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, NULL);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, NULL);
    switch (req->method) {
    case HTTP_HEAD:
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        break;
    case HTTP_PUT:
        curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body_len);
        break;
    case HTTP_POST:
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        break;
    case HTTP_DELETE:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    case HTTP_GET:
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        break;
    }
    if (req->method == HTTP_PUT || req->method == HTTP_POST) {
        curl_easy_setopt(h, CURLOPT_READFUNCTION, cosi_read_cb);
        curl_easy_setopt(h, CURLOPT_READDATA, &x);
        curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, cosi_seek_cb);
        curl_easy_setopt(h, CURLOPT_SEEKDATA, &x);
    }

    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        resp->status = (int)code;
        s->code = (int)code;
    } else if (x.local_code != 0) {
        cos_status_set(s, x.local_code, COS_HTTP_IO_ERROR_CODE, x.local_msg);
    } else {
        cos_status_set(s, cosi_curl_code_to_status(rc), COS_HTTP_IO_ERROR_CODE,
                       cosi_transport_message(p, h, rc, errbuf, req, ro));
    }
    /* Drop the per-request pointers before the handle goes back to the cache. */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hl);
    curl_slist_free_all(connect_to);
    cosi_handle_put(ch);
}
