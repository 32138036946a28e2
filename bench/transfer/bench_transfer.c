/* bench_transfer: the libcos side of bench/transfer/run.sh. Creates the bench bucket, prints presigned URLs
 * for the curl runs, and times one cos_resumable_upload_file or cos_resumable_download_file of a large file
 * against a running cosd, printing MB/s and the peak RSS of this process (getrusage). */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"

typedef struct {
    const char *endpoint;
    const char *bucket;
    const char *appid;
    const char *secret_id;
    const char *secret_key;
    int threads;
    int64_t part_mib;
} bench_opts_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static cos_request_options_t *make_options(cos_pool_t *p, const bench_opts_t *b)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, b->endpoint);
    cos_str_set(&o->config->access_key_id, b->secret_id);
    cos_str_set(&o->config->access_key_secret, b->secret_key);
    cos_str_set(&o->config->appid, b->appid);
    o->ctl = cos_http_controller_create(o->pool, 0);
    return o;
}

static int report_failure(const char *what, const cos_status_t *s)
{
    fprintf(stderr, "bench_transfer: %s failed: %d %s %s\n", what, s->code,
            s->error_code != NULL ? s->error_code : "", s->error_msg != NULL ? s->error_msg : "");
    return 1;
}

/* upload FILE KEY or download KEY FILE: one resumable transfer, timed. */
static int run_transfer(cos_request_options_t *o, const bench_opts_t *b, bool upload, const char *file,
                        const char *key)
{
    cos_string_t bucket, object, path;
    cos_str_set(&bucket, b->bucket);
    cos_str_set(&object, key);
    cos_str_set(&path, file);
    cos_resumable_clt_params_t *cp =
        cos_create_resumable_clt_params_content(o->pool, b->part_mib * 1024 * 1024, b->threads, COS_FALSE, NULL);
    double t0 = now_s();
    cos_status_t *s;
    if (upload) {
        s = cos_resumable_upload_file(o, &bucket, &object, &path, NULL, NULL, cp, NULL, NULL, NULL);
    } else {
        s = cos_resumable_download_file(o, &bucket, &object, &path, NULL, NULL, cp, NULL);
    }
    double el = now_s() - t0;
    if (!cos_status_is_ok(s)) {
        return report_failure(upload ? "upload" : "download", s);
    }
    cos_table_t *rh = NULL;
    s = cos_head_object(o, &bucket, &object, NULL, &rh);
    if (!cos_status_is_ok(s)) {
        return report_failure("head", s);
    }
    double bytes = (double)cos_atoi64(cos_table_get(rh, COS_CONTENT_LENGTH));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s %s threads=%d part=%" PRId64 "MiB: %.0f bytes in %.2f s = %.1f MB/s, peak RSS %ld KiB\n",
           upload ? "upload" : "download", key, b->threads, b->part_mib, bytes, el, bytes / el / 1e6,
           ru.ru_maxrss);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_transfer --endpoint HOST:PORT --bucket NAME --appid N --secret-id ID --secret-key KEY\n"
            "                      [--threads N] [--part-mib N] COMMAND\n"
            "commands: mkbucket | presign GET|PUT|HEAD KEY | upload FILE KEY | download KEY FILE\n");
}

int main(int argc, char **argv)
{
    bench_opts_t b = {NULL, NULL, "1250000000", NULL, NULL, 4, 8};
    static const struct option longopts[] = {
        {"endpoint", 1, 0, 'e'}, {"bucket", 1, 0, 'b'},  {"appid", 1, 0, 'a'},    {"secret-id", 1, 0, 'i'},
        {"secret-key", 1, 0, 'k'}, {"threads", 1, 0, 't'}, {"part-mib", 1, 0, 'p'}, {0, 0, 0, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'e': b.endpoint = optarg; break;
        case 'b': b.bucket = optarg; break;
        case 'a': b.appid = optarg; break;
        case 'i': b.secret_id = optarg; break;
        case 'k': b.secret_key = optarg; break;
        case 't': b.threads = atoi(optarg); break;
        case 'p': b.part_mib = atoll(optarg); break;
        default: usage(); return 2;
        }
    }
    if (b.endpoint == NULL || b.bucket == NULL || b.secret_id == NULL || b.secret_key == NULL || optind >= argc ||
        b.part_mib <= 0) {
        usage();
        return 2;
    }
    const char *cmd = argv[optind];
    int nargs = argc - optind - 1;
    cos_log_set_level(COS_LOG_WARN);
    if (cos_http_io_initialize("bench_transfer", 0) != COSE_OK) {
        fprintf(stderr, "bench_transfer: cannot initialise libcos\n");
        return 1;
    }
    cos_pool_t *p = NULL;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = make_options(p, &b);
    cos_string_t bucket;
    cos_str_set(&bucket, b.bucket);
    int rc = 0;
    if (strcmp(cmd, "mkbucket") == 0 && nargs == 0) {
        cos_status_t *s = cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL);
        rc = cos_status_is_ok(s) ? 0 : report_failure("create bucket", s);
    } else if (strcmp(cmd, "presign") == 0 && nargs == 2) {
        const char *m = argv[optind + 1];
        http_method_e method = strcmp(m, "PUT") == 0 ? HTTP_PUT : strcmp(m, "HEAD") == 0 ? HTTP_HEAD : HTTP_GET;
        cos_string_t object, url;
        cos_str_set(&object, argv[optind + 2]);
        if (cos_gen_presigned_url(o, &bucket, &object, 3600, method, &url) != COSE_OK) {
            fprintf(stderr, "bench_transfer: cannot presign: %.*s\n", url.len, url.data);
            rc = 1;
        } else {
            printf("%.*s\n", url.len, url.data);
        }
    } else if (strcmp(cmd, "upload") == 0 && nargs == 2) {
        rc = run_transfer(o, &b, true, argv[optind + 1], argv[optind + 2]);
    } else if (strcmp(cmd, "download") == 0 && nargs == 2) {
        rc = run_transfer(o, &b, false, argv[optind + 2], argv[optind + 1]);
    } else {
        usage();
        rc = 2;
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
