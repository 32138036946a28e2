/* bench_sdk: requests per second of HEAD and 4 KiB GET through libcos against a local cosd, side by
 * side with raw libcurl on one keep-alive handle (presigned URL) against the same cosd. Prints the
 * figures, the libcos/libcurl ratio and client CPU per request. Usage: bench_sdk [requests per case]. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosd_harness.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Client CPU microseconds per request of the last measured loop, per case. */
static double cpu_us[4];

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    *(size_t *)ud += s * n;
    return s * n;
}

/* Raw libcurl: one handle (keep-alive), presigned URL. Returns requests/s, or -1 on a failure. */
static double raw_curl(const char *url, int head, int n, size_t want)
{
    CURL *h = curl_easy_init();
    size_t got = 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(h, CURLOPT_NOBODY, head ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    double c0 = cpu_s();
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        got = 0;
        long code = 0;
        if (curl_easy_perform(h) != CURLE_OK || (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), code != 200) ||
            got != want) {
            curl_easy_cleanup(h);
            return -1;
        }
    }
    double r = n / (now_s() - t0);
    cpu_us[head ? 1 : 3] = (cpu_s() - c0) * 1e6 / n;
    curl_easy_cleanup(h);
    return r;
}

/* libcos: one pool per request (as a long-running program would do), documented calls only. */
static double via_libcos(cos_request_options_t *base, const cos_string_t *bucket, const cos_string_t *key, int head,
                         int n, int64_t want)
{
    double c0 = cpu_s();
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        cos_pool_t *p;
        cos_pool_create(&p, base->pool);
        cos_request_options_t o = *base;
        o.pool = p;
        cos_status_t *s;
        if (head) {
            s = cos_head_object(&o, bucket, key, NULL, NULL);
        } else {
            cos_list_t out;
            cos_list_init(&out);
            s = cos_get_object_to_buffer(&o, bucket, key, NULL, NULL, &out, NULL);
            if (cos_status_is_ok(s) && cos_buf_list_len(&out) != want) {
                s->code = -1;
            }
        }
        int ok = cos_status_is_ok(s);
        cos_pool_destroy(p);
        if (!ok) {
            return -1;
        }
    }
    double r = n / (now_s() - t0);
    cpu_us[head ? 0 : 2] = (cpu_s() - c0) * 1e6 / n;
    return r;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_sdk [requests per case]\n");
        return 2;
    }
    cos_log_set_level(COS_LOG_ERROR);
    cos_http_io_initialize("bench", 0);
    cosd_harness_t h;
    if (cosd_harness_start(&h, NULL) != 0) {
        fprintf(stderr, "cannot start cosd\n");
        return 1;
    }
    cos_pool_t *pool;
    cos_pool_create(&pool, NULL);
    cos_request_options_t *o = cos_request_options_create(pool);
    o->config = cos_config_create(pool);
    char endpoint[64];
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", h.port);
    cos_str_set(&o->config->endpoint, endpoint);
    cos_str_set(&o->config->access_key_id, h.secret_id);
    cos_str_set(&o->config->access_key_secret, h.secret_key);
    cos_str_set(&o->config->appid, h.appid);
    o->ctl = cos_http_controller_create(pool, 0);
    cos_string_t bucket, key, url;
    cos_str_set(&bucket, "bench");
    cos_str_set(&key, "4k.bin");
    static char data[4096];
    memset(data, 'b', sizeof(data));
    cos_list_t body;
    cos_list_init(&body);
    cos_list_add_tail(&cos_buf_pack(pool, data, sizeof(data))->node, &body);
    if (!cos_status_is_ok(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL)) ||
        !cos_status_is_ok(cos_put_object_from_buffer(o, &bucket, &key, &body, NULL, NULL)) ||
        cos_gen_presigned_url(o, &bucket, &key, 3600, HTTP_GET, &url) != COSE_OK) {
        fprintf(stderr, "cannot prepare the object\n");
        cosd_harness_stop(&h);
        return 1;
    }
    char *head_url = NULL;
    cos_string_t hurl;
    cos_gen_presigned_url(o, &bucket, &key, 3600, HTTP_HEAD, &hurl);
    head_url = hurl.data;

    /* Warm-up, then many short alternating chunks so that both clients see the same machine noise;
     * rate = requests / summed wall time per case. */
    raw_curl(url.data, 0, 200, sizeof(data));
    via_libcos(o, &bucket, &key, 0, 200, sizeof(data));
    const int chunk = 100;
    double secs[4] = {0, 0, 0, 0}, cpu[4] = {0, 0, 0, 0};
    int done = 0;
    for (; done < n; done += chunk) {
        double v[4] = {
            via_libcos(o, &bucket, &key, 1, chunk, 0),
            raw_curl(head_url, 1, chunk, 0),
            via_libcos(o, &bucket, &key, 0, chunk, sizeof(data)),
            raw_curl(url.data, 0, chunk, sizeof(data)),
        };
        for (int i = 0; i < 4; i++) {
            if (v[i] < 0) {
                fprintf(stderr, "a request failed during the benchmark\n");
                cosd_harness_stop(&h);
                return 1;
            }
            secs[i] += chunk / v[i];
            cpu[i] += cpu_us[i] * chunk;
        }
    }
    double rate[4];
    for (int i = 0; i < 4; i++) {
        rate[i] = done / secs[i];
        cpu[i] /= done;
    }
    printf("bench_sdk: %d requests per case in alternating chunks of %d, one connection, cosd on loopback\n",
           done, chunk);
    printf("| request | libcos req/s | raw libcurl req/s | libcos / libcurl | client CPU us/req libcos | raw |\n"
           "|---|---|---|---|---|---|\n");
    printf("| HEAD object | %.0f | %.0f | %.0f%% | %.1f | %.1f |\n", rate[0], rate[1], 100 * rate[0] / rate[1],
           cpu[0], cpu[1]);
    printf("| GET 4 KiB object | %.0f | %.0f | %.0f%% | %.1f | %.1f |\n", rate[2], rate[3],
           100 * rate[2] / rate[3], cpu[2], cpu[3]);
    cos_pool_destroy(pool);
    cosd_harness_stop(&h);
    cos_http_io_deinitialize();
    return 0;
}
