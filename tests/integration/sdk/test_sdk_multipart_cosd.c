/* Integration tests of the libcos multipart calls against a real cosd: a file uploaded with
 * cos_upload_file reads back byte for byte (also by ranged part downloads), parts and uploads are
 * listed, an interrupted upload is resumed sending only the missing parts, documented failures
 * (InvalidPart, NoSuchUpload, EntityTooSmall) surface in the status and abort leaves nothing behind;
 * cos_upload_object_by_part_copy_mt copies an object with parallel part copies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cos_resumable.h"
#include "cosd_harness.h"

#define MIB (1024 * 1024)

static cosd_harness_t H;
static char endpoint[128];

static int setup(void **state)
{
    (void)state;
    cos_log_set_level(COS_LOG_OFF);
    if (cos_http_io_initialize("integration", 0) != COSE_OK || cosd_harness_start(&H, NULL) != 0) {
        return -1;
    }
    snprintf(endpoint, sizeof(endpoint), "localhost:%d", H.port);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cosd_harness_stop(&H);
    cos_http_io_deinitialize();
    return 0;
}

static cos_request_options_t *opts(cos_pool_t *p)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, endpoint);
    cos_str_set(&o->config->access_key_id, H.secret_id);
    cos_str_set(&o->config->access_key_secret, H.secret_key);
    cos_str_set(&o->config->appid, H.appid);
    o->ctl = cos_http_controller_create(o->pool, 0);
    return o;
}

#define ASSERT_STATUS(s, want)                                                                          \
    do {                                                                                                \
        cos_status_t *s_ = (s);                                                                         \
        if (s_->code != (want)) {                                                                       \
            fail_msg("status %d (%s: %s), wanted %d", s_->code, s_->error_code ? s_->error_code : "-",  \
                     s_->error_msg ? s_->error_msg : "-", (want));                                      \
        }                                                                                               \
    } while (0)

static unsigned char *make_data(size_t n, uint32_t seed)
{
    unsigned char *d = malloc(n);
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        d[i] = (unsigned char)(x >> 16);
    }
    return d;
}

static char *temp_file(cos_pool_t *p, const void *data, size_t n)
{
    char *path = cos_psprintf(p, "%s/mp_src_XXXXXX", H.data_dir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

static void assert_object_equals(cos_request_options_t *o, const cos_string_t *bucket, const cos_string_t *key,
                                 const unsigned char *d, size_t n)
{
    cos_list_t body;
    cos_list_init(&body);
    o->ctl->options->max_memory_size = 64 * MIB;
    ASSERT_STATUS(cos_get_object_to_buffer(o, bucket, key, NULL, NULL, &body, NULL), 200);
    assert_int_equal(cos_buf_list_len(&body), (int64_t)n);
    char *got = cos_buf_list_content(o->pool, &body);
    assert_memory_equal(got, d, n);
}

static int count_uploads(cos_request_options_t *o, const cos_string_t *bucket, const char *prefix)
{
    cos_list_multipart_upload_params_t *lp = cos_create_list_multipart_upload_params(o->pool);
    cos_str_set(&lp->prefix, prefix);
    ASSERT_STATUS(cos_list_multipart_upload(o, bucket, lp, NULL), 200);
    int n = 0;
    cos_list_multipart_upload_content_t *c;
    cos_list_for_each_entry(cos_list_multipart_upload_content_t, c, &lp->upload_list, node) {
        n++;
    }
    return n;
}

static void test_upload_file_round_trip(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, fn;
    cos_str_set(&bucket, "mpbucket");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "big/file.bin");
    size_t n = 5 * MIB + 12345;
    unsigned char *d = make_data(n, 7);
    char *path = temp_file(p, d, n);
    cos_str_set(&fn, path);
    cos_string_t id = {0, NULL};
    ASSERT_STATUS(cos_upload_file(o, &bucket, &key, &id, &fn, MIB, NULL), 200);
    assert_non_null(id.data);
    assert_object_equals(o, &bucket, &key, d, n);
    cos_table_t *rh = NULL;
    ASSERT_STATUS(cos_head_object(o, &bucket, &key, NULL, &rh), 200);
    assert_non_null(strchr(cos_table_get(rh, "ETag"), '-'));
    assert_int_equal(count_uploads(o, &bucket, "big/"), 0);

    /* Ranged part downloads assemble the same bytes in place. */
    char *out = cos_psprintf(p, "%s/mp_out", H.data_dir);
    unlink(out);
    int64_t step = 2 * MIB;
    for (int64_t pos = (int64_t)n; pos > 0;) {
        int64_t start = pos > step ? pos - step : 0;
        cos_upload_file_t *df = cos_create_upload_file(p);
        cos_str_set(&df->filename, out);
        df->file_pos = start;
        df->file_last = pos;
        ASSERT_STATUS(cos_download_part_to_file(o, &bucket, &key, df, NULL), 206);
        pos = start;
    }
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    unsigned char *back = malloc(n + 1);
    assert_int_equal(fread(back, 1, n + 1, f), n);
    fclose(f);
    assert_memory_equal(back, d, n);
    free(back);
    unlink(out);

    /* Part copy of the object into another key (3 ranges of 2 MiB), then a single part copy call. */
    cos_string_t src, copy;
    cos_str_set(&src, cos_psprintf(p, "mpbucket-%s.%s/big/file.bin", H.appid, endpoint));
    cos_str_set(&copy, "copies/file.bin");
    ASSERT_STATUS(cos_upload_object_by_part_copy(o, &src, &bucket, &copy, 2 * MIB), 200);
    assert_object_equals(o, &bucket, &copy, d, n);
    assert_int_equal(count_uploads(o, &bucket, ""), 0);
    cos_string_t bad;
    cos_str_set(&bad, "no-dot-or-slash");
    ASSERT_STATUS(cos_upload_object_by_part_copy(o, &bad, &bucket, &copy, MIB), COSE_INVALID_ARGUMENT);
    cos_str_set(&bad, cos_psprintf(p, "mpbucket-%s.%s/missing", H.appid, endpoint));
    ASSERT_STATUS(cos_upload_object_by_part_copy(o, &bad, &bucket, &copy, MIB), 404);

    cos_upload_part_copy_params_t *pc = cos_create_upload_part_copy_params(p);
    pc->copy_source = src;
    pc->dest_bucket = bucket;
    cos_str_set(&pc->dest_object, "copies/one.bin");
    ASSERT_STATUS(cos_init_multipart_upload(o, &bucket, &pc->dest_object, &pc->upload_id, NULL, NULL), 200);
    pc->part_num = 1;
    pc->range_start = 100;
    pc->range_end = 199;
    ASSERT_STATUS(cos_upload_part_copy(o, pc, NULL, NULL), 200);
    assert_true(pc->rsp_content->etag.len > 0);
    cos_list_t one;
    cos_list_init(&one);
    cos_complete_part_content_t *c1 = cos_create_complete_part_content(p);
    cos_str_set(&c1->part_number, "1");
    c1->etag = pc->rsp_content->etag;
    cos_list_add_tail(&c1->node, &one);
    ASSERT_STATUS(cos_complete_multipart_upload(o, &bucket, &pc->dest_object, &pc->upload_id, &one, NULL, NULL),
                  200);
    assert_object_equals(o, &bucket, &pc->dest_object, d + 100, 100);
    unlink(path);
    free(d);
    cos_pool_destroy(p);
}

/* Progress of the part copy (the callback has no user data; one copy runs at a time). */
static int copy_calls;
static int64_t copy_last;
static int64_t copy_total;
static int copy_monotonic;

static void on_copy_progress(int64_t done, int64_t total)
{
    copy_monotonic = copy_monotonic && done > copy_last;
    copy_calls++;
    copy_last = done;
    copy_total = total;
}

static void test_part_copy_mt(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, dst, ep, fn;
    cos_str_set(&bucket, "mpcopy");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "src/object.bin");
    cos_str_set(&dst, "dst/copy of object.bin");
    cos_str_set(&ep, endpoint);
    size_t n = 7 * MIB + 333;
    unsigned char *d = make_data(n, 11);
    char *path = temp_file(p, d, n);
    cos_str_set(&fn, path);
    ASSERT_STATUS(cos_put_object_from_file(o, &bucket, &key, &fn, NULL, NULL), 200);

    /* 2 MiB parts: 4 parts, copied by 4 threads. */
    copy_calls = 0;
    copy_last = 0;
    copy_monotonic = 1;
    ASSERT_STATUS(cos_upload_object_by_part_copy_mt(o, &bucket, &key, &ep, &bucket, &dst, 2 * MIB, 4,
                                                    on_copy_progress),
                  200);
    assert_int_equal(copy_calls, 4);
    assert_int_equal(copy_last, (int64_t)n);
    assert_int_equal(copy_total, (int64_t)n);
    assert_true(copy_monotonic);
    assert_object_equals(o, &bucket, &dst, d, n);
    cos_table_t *src_h = NULL, *dst_h = NULL;
    ASSERT_STATUS(cos_head_object(o, &bucket, &key, NULL, &src_h), 200);
    ASSERT_STATUS(cos_head_object(o, &bucket, &dst, NULL, &dst_h), 200);
    const char *etag = cos_table_get(dst_h, "ETag");
    assert_non_null(etag);
    assert_non_null(strstr(etag, "-4\"")); /* multipart form: "<md5 of the part md5s>-4" */
    assert_string_equal(cos_table_get(dst_h, COS_HASH_CRC64_ECMA), cos_table_get(src_h, COS_HASH_CRC64_ECMA));
    assert_int_equal(count_uploads(o, &bucket, ""), 0);

    /* Failures: a missing source is reported before any upload starts; a missing destination bucket
     * fails the initiate; bad arguments are refused before sending. */
    cos_string_t missing, nobucket, empty;
    cos_str_set(&missing, "src/missing.bin");
    cos_str_set(&nobucket, "mpcopy-missing");
    cos_str_set(&empty, "");
    ASSERT_STATUS(cos_upload_object_by_part_copy_mt(o, &bucket, &missing, &ep, &bucket, &dst, MIB, 4, NULL), 404);
    cos_status_t *s = cos_upload_object_by_part_copy_mt(o, &bucket, &key, &ep, &nobucket, &dst, MIB, 4, NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchBucket");
    ASSERT_STATUS(cos_upload_object_by_part_copy_mt(o, &bucket, &key, &empty, &bucket, &dst, MIB, 4, NULL),
                  COSE_INVALID_ARGUMENT);
    ASSERT_STATUS(cos_upload_object_by_part_copy_mt(o, &bucket, &key, &ep, &bucket, &empty, MIB, 4, NULL),
                  COSE_INVALID_ARGUMENT);
    assert_int_equal(count_uploads(o, &bucket, ""), 0);
    unlink(path);
    free(d);
    cos_pool_destroy(p);
}

static void test_manual_parts_resume_and_abort(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = opts(p);
    cos_string_t bucket, key, fn;
    cos_str_set(&bucket, "mpbucket2");
    ASSERT_STATUS(cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, NULL), 200);
    cos_str_set(&key, "resume.bin");
    size_t n = 3 * MIB + 10;
    unsigned char *d = make_data(n, 11);
    char *path = temp_file(p, d, n);
    cos_str_set(&fn, path);

    /* An interrupted upload: init and part 1 only. */
    cos_string_t id = {0, NULL};
    ASSERT_STATUS(cos_init_multipart_upload(o, &bucket, &key, &id, NULL, NULL), 200);
    cos_upload_file_t *uf = cos_create_upload_file(p);
    cos_str_set(&uf->filename, path);
    uf->file_pos = 0;
    uf->file_last = MIB;
    cos_table_t *rh = NULL;
    ASSERT_STATUS(cos_upload_part_from_file(o, &bucket, &key, &id, 1, uf, &rh), 200);
    assert_non_null(cos_table_get(rh, "ETag"));
    assert_non_null(cos_table_get(rh, "x-cos-hash-crc64ecma"));
    cos_list_upload_part_params_t *lp = cos_create_list_upload_part_params(p);
    ASSERT_STATUS(cos_list_upload_part(o, &bucket, &key, &id, lp, NULL), 200);
    cos_list_part_content_t *pc = cos_list_get_first(&lp->part_list, cos_list_part_content_t, node);
    assert_memory_equal(pc->part_number.data, "1", 1);
    assert_int_equal(cos_atoi64(cos_pstrdup(p, &pc->size)), MIB);
    assert_int_equal(count_uploads(o, &bucket, ""), 1);

    /* Completing with a wrong ETag: InvalidPart. */
    cos_list_t parts;
    cos_list_init(&parts);
    cos_complete_part_content_t *cp = cos_create_complete_part_content(p);
    cos_str_set(&cp->part_number, "1");
    cos_str_set(&cp->etag, "\"00000000000000000000000000000000\"");
    cos_list_add_tail(&cp->node, &parts);
    cos_status_t *s = cos_complete_multipart_upload(o, &bucket, &key, &id, &parts, NULL, NULL);
    ASSERT_STATUS(s, 400);
    assert_string_equal(s->error_code, "InvalidPart");

    /* Resume with cos_upload_file: part 1 is kept. */
    ASSERT_STATUS(cos_upload_file(o, &bucket, &key, &id, &fn, MIB, NULL), 200);
    assert_object_equals(o, &bucket, &key, d, n);
    assert_int_equal(count_uploads(o, &bucket, ""), 0);
    s = cos_list_upload_part(o, &bucket, &key, &id, cos_create_list_upload_part_params(p), NULL);
    ASSERT_STATUS(s, 404);
    assert_string_equal(s->error_code, "NoSuchUpload");

    /* Small first part: EntityTooSmall at Complete. */
    cos_string_t id2 = {0, NULL};
    ASSERT_STATUS(cos_init_multipart_upload(o, &bucket, &key, &id2, NULL, NULL), 200);
    cos_list_init(&parts);
    for (int i = 1; i <= 2; i++) {
        cos_list_t body;
        cos_list_init(&body);
        cos_list_add_tail(&cos_buf_pack(p, "tiny", 4)->node, &body);
        rh = NULL;
        ASSERT_STATUS(cos_upload_part_from_buffer(o, &bucket, &key, &id2, i, &body, &rh), 200);
        cos_complete_part_content_t *c = cos_create_complete_part_content(p);
        cos_str_set(&c->part_number, i == 1 ? "1" : "2");
        cos_str_set(&c->etag, cos_pstrdup_cstr(p, cos_table_get(rh, "ETag")));
        cos_list_add_tail(&c->node, &parts);
    }
    s = cos_complete_multipart_upload(o, &bucket, &key, &id2, &parts, NULL, NULL);
    ASSERT_STATUS(s, 400);
    assert_string_equal(s->error_code, "EntityTooSmall");

    /* Abort: the upload is gone. */
    ASSERT_STATUS(cos_abort_multipart_upload(o, &bucket, &key, &id2, NULL), 204);
    assert_int_equal(count_uploads(o, &bucket, ""), 0);
    s = cos_abort_multipart_upload(o, &bucket, &key, &id2, NULL);
    ASSERT_STATUS(s, 404);
    assert_object_equals(o, &bucket, &key, d, n);
    unlink(path);
    free(d);
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_file_round_trip),
        cmocka_unit_test(test_manual_parts_resume_and_abort),
        cmocka_unit_test(test_part_copy_mt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
