/* cosd_bench: HTTP load driver for cosd and a static-file baseline (libcurl multi, keep-alive).
 * Small requests: N concurrent connections for S seconds, requests/s. Large objects: one PUT or GET
 * of a file, MB/s. Requests to cosd are presigned with src/common (path-style URLs). */
#include "cosx_buf.h"
#include "cosx_crc64.h"
#include "cosx_encode.h"
#include "cosx_sign.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct opts {
    const char *url;      /* plain URL (baseline) */
    const char *endpoint; /* cosd HOST:PORT */
    const char *bucket;
    const char *secret_id;
    const char *secret_key;
    const char *method; /* GET | PUT */
    size_t size;        /* body size for small PUTs */
    int conns;
    double seconds;
    const char *file; /* large mode: PUT this file / GET into it */
    const char *key;  /* large mode key */
} opts_t;

typedef struct conn {
    CURL *easy;
    char *url;
    const char *body;
    size_t body_len;
    size_t sent;
    long long bytes;
} conn_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *presign(const opts_t *o, const char *method, const char *key)
{
    cosx_buf_t path = COSX_BUF_INIT, url = COSX_BUF_INIT;
    cosx_buf_printf(&path, "/%s/%s", o->bucket, key ? key : "");
    if (!key)
        path.data[--path.len] = 0;
    int64_t now = (int64_t)time(NULL);
    cosx_sign_input_t in = {.secret_id = o->secret_id,
                            .secret_key = o->secret_key,
                            .method = method,
                            .path = cosx_buf_str(&path),
                            .start = now - 60,
                            .end = now + 3600};
    cosx_signature_t sig;
    if (cosx_sign(&in, &sig) != 0) {
        fprintf(stderr, "cosd_bench: signing failed\n");
        exit(2);
    }
    cosx_buf_printf(&url, "http://%s", o->endpoint);
    cosx_enc_path(&url, cosx_buf_str(&path), path.len);
    cosx_buf_putc(&url, '?');
    cosx_sign_presign_query(&sig, o->secret_id, &url);
    cosx_signature_free(&sig);
    cosx_buf_free(&path);
    return cosx_buf_detach(&url);
}

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
    ((conn_t *)ud)->bytes += (long long)(sz * n);
    return sz * n;
}

static size_t source(char *buf, size_t sz, size_t n, void *ud)
{
    conn_t *c = ud;
    size_t want = sz * n, left = c->body_len - c->sent;
    if (want > left)
        want = left;
    memcpy(buf, c->body + c->sent, want);
    c->sent += want;
    return want;
}

static void setup_easy(conn_t *c, const opts_t *o, bool put)
{
    curl_easy_reset(c->easy);
    curl_easy_setopt(c->easy, CURLOPT_URL, c->url);
    curl_easy_setopt(c->easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_TCP_NODELAY, 1L);
    if (put) {
        c->sent = 0;
        curl_easy_setopt(c->easy, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c->easy, CURLOPT_READFUNCTION, source);
        curl_easy_setopt(c->easy, CURLOPT_READDATA, c);
        curl_easy_setopt(c->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)c->body_len);
    }
    (void)o;
}

static int run_small(const opts_t *o)
{
    bool put = strcmp(o->method, "PUT") == 0;
    char *body = NULL;
    if (put) {
        body = malloc(o->size);
        for (size_t i = 0; i < o->size; i++)
            body[i] = (char)('a' + i % 26);
    }
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o->conns);
    conn_t *cs = calloc((size_t)o->conns, sizeof *cs);
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    for (int i = 0; i < o->conns; i++) {
        cs[i].easy = curl_easy_init();
        if (o->url) {
            cs[i].url = strdup(o->url);
        } else {
            char key[64];
            snprintf(key, sizeof key, put ? "bench/put-%d" : "bench/small", i);
            cs[i].url = presign(o, o->method, key);
        }
        cs[i].body = body;
        cs[i].body_len = o->size;
        setup_easy(&cs[i], o, put);
        curl_easy_setopt(cs[i].easy, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(cs[i].easy, CURLOPT_PRIVATE, &cs[i]);
        curl_multi_add_handle(m, cs[i].easy);
    }
    long done = 0, errors = 0;
    long long bytes = 0;
    double start = now_s(), end = start + o->seconds;
    int running = 1;
    while (running) {
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int q;
        while ((msg = curl_multi_info_read(m, &q))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            conn_t *c;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            long st = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
            if (msg->data.result != CURLE_OK || st != 200)
                errors++;
            else
                done++;
            bytes += c->bytes;
            c->bytes = 0;
            curl_multi_remove_handle(m, c->easy);
            if (now_s() < end) {
                setup_easy(c, o, put);
                curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, hdrs);
                curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
                curl_multi_add_handle(m, c->easy);
                running = 1;
            }
        }
        if (running)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    double el = now_s() - start;
    printf(
        "%s %s x%d conns, %.1f s: %ld requests, %.0f requests/s, %ld errors, %.1f MB/s received\n",
        o->method, o->url ? o->url : "cosd", o->conns, el, done, (double)done / el, errors,
        (double)bytes / el / 1e6);
    for (int i = 0; i < o->conns; i++) {
        curl_easy_cleanup(cs[i].easy);
        free(cs[i].url);
    }
    curl_slist_free_all(hdrs);
    free(cs);
    free(body);
    curl_multi_cleanup(m);
    return errors ? 1 : 0;
}

static size_t file_sink(char *p, size_t sz, size_t n, void *ud)
{
    return fwrite(p, sz, n, ud) * sz;
}

typedef struct get_sink {
    FILE *f;
    uint64_t crc;
    char header_crc[32];
} get_sink_t;

static size_t get_body(char *p, size_t sz, size_t n, void *ud)
{
    get_sink_t *g = ud;
    g->crc = cosx_crc64(g->crc, p, sz * n);
    return fwrite(p, sz, n, g->f) * sz;
}

static size_t get_header(char *p, size_t sz, size_t n, void *ud)
{
    get_sink_t *g = ud;
    size_t len = sz * n;
    if (len > 22 && strncasecmp(p, "x-cos-hash-crc64ecma:", 21) == 0)
        snprintf(g->header_crc, sizeof g->header_crc, "%.*s", (int)strcspn(p + 22, "\r\n"), p + 22);
    return len;
}

static int run_large(const opts_t *o)
{
    bool put = strcmp(o->method, "PUT") == 0;
    char *url = o->url ? strdup(o->url) : presign(o, o->method, o->key);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    FILE *f = fopen(o->file, put ? "rb" : "wb");
    if (!f) {
        perror(o->file);
        return 2;
    }
    struct stat sb;
    fstat(fileno(f), &sb);
    get_sink_t g = {.f = f};
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024);
    if (put) {
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READDATA, f);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sb.st_size);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, file_sink);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, stderr);
    } else {
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, get_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, get_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &g);
    }
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(c);
    double el = now_s() - t0;
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    curl_off_t n = 0;
    curl_easy_getinfo(c, put ? CURLINFO_SIZE_UPLOAD_T : CURLINFO_SIZE_DOWNLOAD_T, &n);
    fclose(f);
    printf("%s %s: %lld bytes in %.2f s = %.1f MB/s (HTTP %ld%s)\n", o->method,
           o->key ? o->key : o->url, (long long)n, el, (double)n / el / 1e6, st,
           rc == CURLE_OK ? "" : ", transfer failed");
    bool crc_ok = true;
    if (!put && g.header_crc[0]) {
        char mine[32];
        snprintf(mine, sizeof mine, "%llu", (unsigned long long)g.crc);
        crc_ok = strcmp(mine, g.header_crc) == 0;
        printf("CRC64 of the received body %s x-cos-hash-crc64ecma (%s)\n",
               crc_ok ? "matches" : "DIFFERS FROM", g.header_crc);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    free(url);
    return rc == CURLE_OK && st == 200 && crc_ok ? 0 : 1;
}

static void usage(void)
{
    fputs("usage: cosd_bench [--url URL | --endpoint HOST:PORT --bucket B --secret-id ID "
          "--secret-key KEY]\n"
          "                  [--method GET|PUT] [--size BYTES] [--conns N] [--seconds S]\n"
          "                  [--file PATH --key KEY]   (one large PUT from / GET into PATH)\n"
          "       cosd_bench --presign METHOD --endpoint ... --bucket ... [--key KEY]  (print a "
          "presigned URL)\n",
          stderr);
}

int main(int argc, char **argv)
{
    opts_t o = {.method = "GET", .size = 4096, .conns = 32, .seconds = 10};
    const char *presign_method = NULL;
    static const struct option lo[] = {
        {"url", 1, 0, 'u'},
        {"endpoint", 1, 0, 'e'},
        {"bucket", 1, 0, 'b'},
        {"secret-id", 1, 0, 'i'},
        {"secret-key", 1, 0, 'k'},
        {"method", 1, 0, 'm'},
        {"size", 1, 0, 's'},
        {"conns", 1, 0, 'c'},
        {"seconds", 1, 0, 't'},
        {"file", 1, 0, 'f'},
        {"key", 1, 0, 'K'},
        {"presign", 1, 0, 'p'},
        {0, 0, 0, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'u':
            o.url = optarg;
            break;
        case 'e':
            o.endpoint = optarg;
            break;
        case 'b':
            o.bucket = optarg;
            break;
        case 'i':
            o.secret_id = optarg;
            break;
        case 'k':
            o.secret_key = optarg;
            break;
        case 'm':
            o.method = optarg;
            break;
        case 's':
            o.size = (size_t)atol(optarg);
            break;
        case 'c':
            o.conns = atoi(optarg);
            break;
        case 't':
            o.seconds = atof(optarg);
            break;
        case 'f':
            o.file = optarg;
            break;
        case 'K':
            o.key = optarg;
            break;
        case 'p':
            presign_method = optarg;
            break;
        default:
            usage();
            return 2;
        }
    }
    if (!o.url && (!o.endpoint || !o.bucket || !o.secret_id || !o.secret_key)) {
        usage();
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    if (presign_method) {
        char *u = presign(&o, presign_method, o.key);
        puts(u);
        free(u);
        rc = 0;
    } else {
        rc = o.file ? run_large(&o) : run_small(&o);
    }
    curl_global_cleanup();
    return rc;
}
