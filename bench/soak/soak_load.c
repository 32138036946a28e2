/* soak_load: load soak of cosd (loopback only): many concurrent keep-alive clients (libcurl multi)
 * run a mix of PUT / GET / HEAD / list / DELETE on small and medium objects for a bounded time;
 * prints requests/s, p50 / p99 latency and errors per operation, and cosd's RSS sampled from /proc.
 */
#include "cosx_buf.h"
#include "cosx_encode.h"
#include "cosx_sign.h"

#include <curl/curl.h>
#include <dirent.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS_PER_CONN 16

enum { L_PUT, L_GET, L_HEAD, L_LIST, L_DELETE, L_COUNT };
static const char *const op_names[L_COUNT] = {"PUT", "GET", "HEAD", "LIST", "DELETE"};

typedef struct lat {
    uint32_t *us;
    size_t n, cap;
    long errors;
} lat_t;

typedef struct soak_opts {
    const char *endpoint, *bucket, *secret_id, *secret_key;
    int conns;
    double seconds, sample_s;
    long pid; /* cosd's pid, 0: no RSS sampling */
    bool create_bucket;
} soak_opts_t;

typedef struct client {
    CURL *easy;
    int id;
    unsigned seed;
    long size[KEYS_PER_CONN]; /* size of each own key, -1: absent */
    int op, key;
    long expect_status, expect_len;
    char *body;
    size_t body_len;
    long long got;
    struct curl_slist *hdrs;
    char *url;
    double started;
} client_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void lat_add(lat_t *l, double seconds)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4096;
        l->us = realloc(l->us, l->cap * sizeof *l->us);
    }
    l->us[l->n++] = (uint32_t)(seconds * 1e6);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(const lat_t *l, double p)
{
    if (!l->n)
        return 0;
    size_t i = (size_t)(p * (double)(l->n - 1));
    return l->us[i] / 1000.0;
}

/* RSS and open descriptors of a process (kB, count); false when it is gone. */
static bool proc_sample(long pid, long *rss_kb, int *fds)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    *rss_kb = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            *rss_kb = atol(line + 6);
    fclose(f);
    snprintf(path, sizeof path, "/proc/%ld/fd", pid);
    *fds = 0;
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));)
        *fds += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return true;
}

/* CPU ticks (user + system) used by a process so far, -1 when it is gone. */
static long long proc_ticks(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = strrchr(buf, ')'); /* fields after "(comm)": state is field 3 */
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

/* Waits (at most 30 s) until cosd's start-up work (the moderation workers load their models) is
 * over: its CPU time stops growing for a second. */
static void wait_idle(long pid)
{
    long long last = -2;
    for (int i = 0; i < 30; i++) {
        long long now = proc_ticks(pid);
        if (now == last || now < 0)
            return;
        last = now;
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    ((client_t *)ud)->got += (long long)(sz * n);
    return sz * n;
}

/* URL and Authorization header (method + path signed, valid for an hour) of a request. */
static void sign_request(const soak_opts_t *o, client_t *c, const char *method, const char *key,
                         const char *query)
{
    cosx_buf_t path = COSX_BUF_INIT, url = COSX_BUF_INIT, auth = COSX_BUF_INIT;
    cosx_buf_printf(&path, "/%s%s%s", o->bucket, key ? "/" : "", key ? key : "");
    cosx_pair_t prm[2] = {{"prefix", NULL}, {"max-keys", "100"}};
    char prefix[64];
    snprintf(prefix, sizeof prefix, "soak/c%d/", c->id);
    prm[0].value = prefix;
    int64_t now = (int64_t)time(NULL);
    cosx_sign_input_t in = {.secret_id = o->secret_id,
                            .secret_key = o->secret_key,
                            .method = method,
                            .path = cosx_buf_str(&path),
                            .params = query ? prm : NULL,
                            .n_params = query ? 2 : 0,
                            .start = now - 60,
                            .end = now + 3600};
    cosx_signature_t sig;
    if (cosx_sign(&in, &sig) != 0) {
        fprintf(stderr, "soak_load: signing failed\n");
        exit(2);
    }
    cosx_buf_printf(&url, "http://%s", o->endpoint);
    cosx_enc_path(&url, cosx_buf_str(&path), path.len);
    if (query) {
        cosx_buf_printf(&url, "?max-keys=100&prefix=");
        cosx_enc(&url, prefix, strlen(prefix));
    }
    cosx_buf_printf(&auth, "Authorization: %s", sig.authorization);
    cosx_signature_free(&sig);
    free(c->url);
    c->url = cosx_buf_detach(&url);
    curl_slist_free_all(c->hdrs);
    c->hdrs = curl_slist_append(NULL, cosx_buf_str(&auth));
    c->hdrs = curl_slist_append(c->hdrs, "Expect:");
    cosx_buf_free(&auth);
    cosx_buf_free(&path);
}

/* Chooses and prepares the next request of c. */
static void next_request(const soak_opts_t *o, client_t *c)
{
    int r = rand_r(&c->seed) % 100;
    c->key = rand_r(&c->seed) % KEYS_PER_CONN;
    c->op = r < 25 ? L_PUT : r < 60 ? L_GET : r < 75 ? L_HEAD : r < 85 ? L_LIST : L_DELETE;
    char key[64];
    snprintf(key, sizeof key, "soak/c%d/o%02d", c->id, c->key);
    CURL *e = c->easy;
    curl_easy_reset(e);
    c->got = 0;
    c->expect_len = -1;
    switch (c->op) {
    case L_PUT: {
        bool medium = rand_r(&c->seed) % 100 < 30;
        c->body_len = medium ? 64 * 1024 + (size_t)(rand_r(&c->seed) % (192 * 1024))
                             : 1024 + (size_t)(rand_r(&c->seed) % (3 * 1024));
        sign_request(o, c, "PUT", key, NULL);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->body_len);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
        c->expect_status = 200;
        break;
    }
    case L_GET:
    case L_HEAD:
        sign_request(o, c, c->op == L_GET ? "GET" : "HEAD", key, NULL);
        if (c->op == L_HEAD)
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        c->expect_status = c->size[c->key] >= 0 ? 200 : 404;
        if (c->op == L_GET && c->size[c->key] >= 0)
            c->expect_len = c->size[c->key];
        break;
    case L_LIST:
        sign_request(o, c, "GET", NULL, "list");
        c->expect_status = 200;
        break;
    default:
        sign_request(o, c, "DELETE", key, NULL);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
        c->expect_status = 204;
        break;
    }
    curl_easy_setopt(e, CURLOPT_URL, c->url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->hdrs);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    c->started = now_s();
}

/* Records the end of c's request; false (and a message for the first few) when it failed. */
static bool finish_request(client_t *c, CURLcode res, lat_t *lats, long *printed)
{
    long status = 0;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
    bool ok = res == CURLE_OK && status == c->expect_status &&
              (c->expect_len < 0 || c->got == c->expect_len);
    lat_add(&lats[c->op], now_s() - c->started);
    if (!ok) {
        lats[c->op].errors++;
        if ((*printed)++ < 10)
            fprintf(stderr, "soak_load: %s %s: %s, status %ld (expected %ld), %lld bytes\n",
                    op_names[c->op], c->url, curl_easy_strerror(res), status, c->expect_status,
                    c->got);
    }
    if (ok && c->op == L_PUT)
        c->size[c->key] = (long)c->body_len;
    else if (ok && c->op == L_DELETE)
        c->size[c->key] = -1;
    return ok;
}

/* PUT Bucket; true when created. */
static bool create_bucket(const soak_opts_t *o)
{
    client_t c = {.easy = curl_easy_init()};
    sign_request(o, &c, "PUT", NULL, NULL);
    curl_easy_setopt(c.easy, CURLOPT_URL, c.url);
    curl_easy_setopt(c.easy, CURLOPT_HTTPHEADER, c.hdrs);
    curl_easy_setopt(c.easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c.easy, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(c.easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c.easy, CURLOPT_WRITEDATA, &c);
    long status = 0;
    CURLcode rc = curl_easy_perform(c.easy);
    curl_easy_getinfo(c.easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200)
        fprintf(stderr, "soak_load: PUT Bucket %s: %s, status %ld\n", o->bucket,
                curl_easy_strerror(rc), status);
    curl_easy_cleanup(c.easy);
    curl_slist_free_all(c.hdrs);
    free(c.url);
    return rc == CURLE_OK && status == 200;
}

static void usage(void)
{
    fprintf(stderr, "usage: soak_load --endpoint HOST:PORT --bucket B --secret-id ID --secret-key K"
                    " [--conns N] [--seconds S] [--sample S] [--pid COSD_PID] [--create-bucket]\n");
    exit(2);
}

static void parse(int argc, char **argv, soak_opts_t *o)
{
    static const struct option lo[] = {
        {"endpoint", 1, NULL, 'e'},      {"bucket", 1, NULL, 'b'},
        {"secret-id", 1, NULL, 'i'},     {"secret-key", 1, NULL, 'k'},
        {"conns", 1, NULL, 'c'},         {"seconds", 1, NULL, 's'},
        {"sample", 1, NULL, 'S'},        {"pid", 1, NULL, 'p'},
        {"create-bucket", 0, NULL, 'B'}, {NULL, 0, NULL, 0}};
    const char *env = getenv("SOAK_SECONDS");
    *o = (soak_opts_t){.conns = 64, .seconds = env && *env ? atof(env) : 60, .sample_s = 5};
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'e':
            o->endpoint = optarg;
            break;
        case 'b':
            o->bucket = optarg;
            break;
        case 'i':
            o->secret_id = optarg;
            break;
        case 'k':
            o->secret_key = optarg;
            break;
        case 'c':
            o->conns = atoi(optarg);
            break;
        case 's':
            o->seconds = atof(optarg);
            break;
        case 'S':
            o->sample_s = atof(optarg);
            break;
        case 'p':
            o->pid = atol(optarg);
            break;
        case 'B':
            o->create_bucket = true;
            break;
        default:
            usage();
        }
    }
    if (!o->endpoint || !o->bucket || !o->secret_id || !o->secret_key || o->conns < 1 ||
        o->conns > 4096 || o->seconds <= 0 || o->sample_s <= 0)
        usage();
}

int main(int argc, char **argv)
{
    soak_opts_t o;
    parse(argc, argv, &o);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (o.pid)
        wait_idle(o.pid);
    if (o.create_bucket && !create_bucket(&o))
        return 1;
    char *data = malloc(256 * 1024);
    for (size_t i = 0; i < 256 * 1024; i++)
        data[i] = (char)(i * 131 + 7);
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)o.conns);
    client_t *cs = calloc((size_t)o.conns, sizeof *cs);
    for (int i = 0; i < o.conns; i++) {
        cs[i].easy = curl_easy_init();
        cs[i].id = i;
        cs[i].seed = (unsigned)i * 7919u + 1;
        cs[i].body = data;
        for (int k = 0; k < KEYS_PER_CONN; k++)
            cs[i].size[k] = -1;
        next_request(&o, &cs[i]);
        curl_multi_add_handle(m, cs[i].easy);
    }
    lat_t lats[L_COUNT] = {{0}};
    long printed = 0, rss0 = -1, rss_max = -1, rss = -1;
    int fds = 0;
    double start = now_s(), next_sample = start;
    printf("%8s %12s %10s %8s\n", "time s", "requests", "RSS MiB", "fds");
    for (;;) {
        double t = now_s();
        if (o.pid && t >= next_sample) {
            long total = 0;
            for (int i = 0; i < L_COUNT; i++)
                total += (long)lats[i].n;
            if (!proc_sample(o.pid, &rss, &fds)) {
                fprintf(stderr, "soak_load: cosd (pid %ld) is gone\n", o.pid);
                return 1;
            }
            if (rss0 < 0)
                rss0 = rss;
            if (rss > rss_max)
                rss_max = rss;
            printf("%8.0f %12ld %10.1f %8d\n", t - start, total, rss / 1024.0, fds);
            fflush(stdout);
            next_sample += o.sample_s;
        }
        int running = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            client_t *c;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
            curl_multi_remove_handle(m, c->easy);
            finish_request(c, msg->data.result, lats, &printed);
            if (now_s() - start < o.seconds) {
                next_request(&o, c);
                curl_multi_add_handle(m, c->easy);
            }
        }
        if (!running && now_s() - start >= o.seconds)
            break;
        curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    double el = now_s() - start;
    long total = 0, errors = 0;
    printf("\n%-7s %10s %10s %9s %9s %9s %8s\n", "op", "requests", "req/s", "p50 ms", "p99 ms",
           "max ms", "errors");
    lat_t all = {0};
    for (int i = 0; i < L_COUNT; i++) {
        qsort(lats[i].us, lats[i].n, sizeof *lats[i].us, cmp_u32);
        printf("%-7s %10zu %10.0f %9.2f %9.2f %9.2f %8ld\n", op_names[i], lats[i].n,
               (double)lats[i].n / el, pct_ms(&lats[i], 0.5), pct_ms(&lats[i], 0.99),
               pct_ms(&lats[i], 1.0), lats[i].errors);
        for (size_t k = 0; k < lats[i].n; k++)
            lat_add(&all, lats[i].us[k] / 1e6);
        total += (long)lats[i].n;
        errors += lats[i].errors;
        free(lats[i].us);
    }
    qsort(all.us, all.n, sizeof *all.us, cmp_u32);
    printf("%-7s %10ld %10.0f %9.2f %9.2f %9.2f %8ld\n", "all", total, (double)total / el,
           pct_ms(&all, 0.5), pct_ms(&all, 0.99), pct_ms(&all, 1.0), errors);
    free(all.us);
    if (o.pid && proc_sample(o.pid, &rss, &fds))
        printf(
            "\ncosd RSS: first sample %.1f MiB, max %.1f MiB, at the end %.1f MiB; %d fds open\n",
            rss0 / 1024.0, (rss > rss_max ? rss : rss_max) / 1024.0, rss / 1024.0, fds);
    printf("%d connections, %.1f s\n", o.conns, el);
    for (int i = 0; i < o.conns; i++) {
        curl_easy_cleanup(cs[i].easy);
        curl_slist_free_all(cs[i].hdrs);
        free(cs[i].url);
    }
    free(cs);
    free(data);
    curl_multi_cleanup(m);
    curl_global_cleanup();
    return errors == 0 ? 0 : 1;
}
