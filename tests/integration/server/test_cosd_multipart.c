/* Integration tests of cosd multipart upload: Initiate / Upload Part / List Parts / Complete /
 * Abort / List Multipart Uploads / Upload Part - Copy, the rules and errors of Complete, reading
 * (GET, Range, HEAD) a multipart object across its parts, parallel parts and blob clean-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_fixture.h"
#include "cosd_mp_util.h"
#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
    return tc_fixture_start(state, BUCKET, NULL);
}

static int teardown(void **state)
{
    return tc_fixture_stop(state);
}

static void test_roundtrip(void **state)
{
    cosd_harness_t *h = *state;
    const char *key = "video/big.bin";
    int blobs0 = blob_count(h);
    static const char *const hdrs[] = {"Content-Type: video/mp4", "x-cos-meta-origin: camera",
                                       "Cache-Control: max-age=60", NULL};
    char id[128];
    mp_init(h, key, hdrs, id);
    size_t lens[3] = {MIB + 4321, MIB, 100000};
    char *data[3] = {random_data(lens[0], 1), random_data(lens[1], 2), random_data(lens[2], 3)};
    char etags[3][64];
    /* Out of order; part 2 first with other data, then re-uploaded (the second one wins). */
    char *stale = random_data(lens[1], 99);
    assert_int_equal(mp_part(h, key, id, 2, stale, lens[1], etags[1]), 200);
    assert_int_equal(mp_part(h, key, id, 3, data[2], lens[2], etags[2]), 200);
    assert_int_equal(mp_part(h, key, id, 1, data[0], lens[0], etags[0]), 200);
    assert_int_equal(mp_part(h, key, id, 2, data[1], lens[1], etags[1]), 200);
    assert_int_equal(blob_count(h), blobs0 + 3); /* the replaced part's blob is gone */

    /* List Parts, also paged. */
    char q[256];
    snprintf(q, sizeof q, "uploadId=%s", id);
    tc_resp_t rs = req(h, "GET", key, q, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(tc_count(&rs, "Part"), 3);
    char v[256];
    assert_string_equal(tc_xml(&rs, "UploadId", v, sizeof v), id);
    assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), "false");
    const char *p2 = strstr(cosx_buf_str(&rs.body), "<PartNumber>2</PartNumber>");
    assert_non_null(p2);
    char hex[33];
    snprintf(hex, sizeof hex, "%.32s", etags[1] + 1);
    assert_non_null(strstr(p2, hex));
    tc_resp_free(&rs);
    snprintf(q, sizeof q, "uploadId=%s&max-parts=2", id);
    rs = req(h, "GET", key, q, NULL, 0, NULL);
    assert_int_equal(tc_count(&rs, "Part"), 2);
    assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), "true");
    assert_string_equal(tc_xml(&rs, "NextPartNumberMarker", v, sizeof v), "2");
    tc_resp_free(&rs);
    snprintf(q, sizeof q, "uploadId=%s&max-parts=2&part-number-marker=2", id);
    rs = req(h, "GET", key, q, NULL, 0, NULL);
    assert_int_equal(tc_count(&rs, "Part"), 1);
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<PartNumber>3</PartNumber>"));
    tc_resp_free(&rs);

    /* Complete (ETags given without quotes for part 3: quotes are optional). */
    char xml[1024];
    char unq[3][64];
    memcpy(unq, etags, sizeof unq);
    snprintf(unq[2], 64, "%.32s", etags[2] + 1);
    complete_xml(xml, sizeof xml, (int[]){1, 2, 3}, unq, 3);
    rs = mp_complete(h, key, id, xml);
    assert_int_equal(rs.status, 200);
    char want_etag[64], crc[32], want_crc[32];
    multipart_etag((const char *const *)data, lens, 3, want_etag);
    assert_string_equal(xml_text(&rs, "ETag", v, sizeof v), want_etag);
    assert_string_equal(tc_xml(&rs, "Key", v, sizeof v), key);
    uint64_t whole =
        cosx_crc64(cosx_crc64(cosx_crc64(0, data[0], lens[0]), data[1], lens[1]), data[2], lens[2]);
    snprintf(want_crc, sizeof want_crc, "%" PRIu64, whole);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", crc, sizeof crc));
    assert_string_equal(crc, want_crc);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0 + 3); /* no data copied */

    /* GET the whole object. */
    size_t total = lens[0] + lens[1] + lens[2];
    char *all = malloc(total);
    memcpy(all, data[0], lens[0]);
    memcpy(all + lens[0], data[1], lens[1]);
    memcpy(all + lens[0] + lens[1], data[2], lens[2]);
    rs = req(h, "GET", key, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, total);
    assert_memory_equal(rs.body.data, all, total);
    assert_true(tc_header(&rs, "ETag", v, sizeof v));
    assert_string_equal(v, want_etag);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", crc, sizeof crc));
    assert_string_equal(crc, want_crc);
    assert_true(tc_header(&rs, "Content-Type", v, sizeof v));
    assert_string_equal(v, "video/mp4");
    assert_true(tc_header(&rs, "x-cos-meta-origin", v, sizeof v));
    assert_string_equal(v, "camera");
    tc_resp_free(&rs);

    /* Ranges inside one part, across all three parts, and a suffix. */
    const size_t ranges[][2] = {
        {5, 100}, {lens[0] - 10, lens[0] + lens[1] + 9}, {0, total - 1}, {lens[0], lens[0]}};
    for (size_t i = 0; i < 4; i++) {
        char rh[96];
        snprintf(rh, sizeof rh, "Range: bytes=%zu-%zu", ranges[i][0], ranges[i][1]);
        const char *const rhs[] = {rh, NULL};
        rs = req(h, "GET", key, NULL, NULL, 0, rhs);
        assert_int_equal(rs.status, 206);
        size_t n = ranges[i][1] - ranges[i][0] + 1;
        assert_int_equal(rs.body.len, n);
        assert_memory_equal(rs.body.data, all + ranges[i][0], n);
        tc_resp_free(&rs);
    }
    const char *const suffix[] = {"Range: bytes=-150000", NULL};
    rs = req(h, "GET", key, NULL, NULL, 0, suffix);
    assert_int_equal(rs.status, 206);
    assert_int_equal(rs.body.len, 150000);
    assert_memory_equal(rs.body.data, all + total - 150000, 150000);
    tc_resp_free(&rs);

    /* HEAD */
    rs = req(h, "HEAD", key, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    assert_true(tc_header(&rs, "Content-Length", v, sizeof v));
    assert_int_equal(strtoull(v, NULL, 10), total);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", crc, sizeof crc));
    assert_string_equal(crc, want_crc);
    tc_resp_free(&rs);

    /* The upload is over: every call on it is NoSuchUpload. */
    assert_int_equal(list_parts_status(h, key, id), 404);
    char e[64];
    assert_int_equal(mp_part(h, key, id, 1, "x", 1, e), 404);
    rs = mp_complete(h, key, id, xml);
    tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);
    snprintf(q, sizeof q, "uploadId=%s", id);
    rs = req(h, "DELETE", key, q, NULL, 0, NULL);
    tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);

    /* DELETE removes the part blobs. */
    rs = req(h, "DELETE", key, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0);
    free(all);
    free(stale);
    for (int i = 0; i < 3; i++)
        free(data[i]);
}

static void test_complete_rules(void **state)
{
    cosd_harness_t *h = *state;
    const char *key = "rules";
    char id[128];
    mp_init(h, key, NULL, id);
    size_t big = MIB, small = 1000;
    char *a = random_data(big, 4), *b = random_data(small, 5), *c = random_data(small, 6);
    char etags[3][64], xml[1024];
    assert_int_equal(mp_part(h, key, id, 1, a, big, etags[0]), 200);
    assert_int_equal(mp_part(h, key, id, 2, b, small, etags[1]), 200);
    assert_int_equal(mp_part(h, key, id, 3, c, small, etags[2]), 200);

    /* Part numbers out of 1..10000 or not numbers. */
    const char *bad[] = {"0", "10001", "abc", "-1", ""};
    for (size_t i = 0; i < 5; i++) {
        char q[256];
        snprintf(q, sizeof q, "partNumber=%s&uploadId=%s", bad[i], id);
        tc_resp_t rs = req(h, "PUT", key, q, "x", 1, NULL);
        tc_expect_code(&rs, 400, "InvalidArgument");
        tc_resp_free(&rs);
    }
    char e[64];
    assert_int_equal(mp_part(h, key, id, 10000, "x", 1, e), 200);

    struct {
        int nums[3];
        int which[3]; /* index into etags, -1: a wrong ETag */
        size_t n;
        long status;
        const char *code;
    } cases[] = {
        {{2, 1}, {1, 0}, 2, 400, "InvalidPartOrder"},
        {{1, 1}, {0, 0}, 2, 400, "InvalidPartOrder"},
        {{1, 2}, {0, -1}, 2, 400, "InvalidPart"},
        {{1, 4}, {0, 1}, 2, 400, "InvalidPart"},          /* not contiguous */
        {{3, 4}, {2, 1}, 2, 400, "InvalidPart"},          /* part 4 was never uploaded */
        {{1, 2, 3}, {0, 1, 2}, 3, 400, "EntityTooSmall"}, /* part 2 < 1 MB and not last */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char list[3][64];
        for (size_t j = 0; j < cases[i].n; j++)
            snprintf(list[j], 64, "%s",
                     cases[i].which[j] < 0 ? "\"00000000000000000000000000000000\""
                                           : etags[cases[i].which[j]]);
        complete_xml(xml, sizeof xml, cases[i].nums, list, cases[i].n);
        tc_resp_t rs = mp_complete(h, key, id, xml);
        tc_expect_code(&rs, cases[i].status, cases[i].code);
        tc_resp_free(&rs);
    }
    const char *malformed[] = {"<CompleteMultipartUpload><Part>", "<Other/>",
                               "<CompleteMultipartUpload></CompleteMultipartUpload>",
                               "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber>"
                               "<ETag>a</ETag></Part></CompleteMultipartUpload>"};
    for (size_t i = 0; i < 4; i++) {
        tc_resp_t rs = mp_complete(h, key, id, malformed[i]);
        tc_expect_code(&rs, 400, "MalformedXML");
        tc_resp_free(&rs);
    }
    /* Failed Completes leave the upload in progress and no object. */
    assert_int_equal(list_parts_status(h, key, id), 200);
    tc_resp_t rs = req(h, "GET", key, NULL, NULL, 0, NULL);
    tc_expect_code(&rs, 404, "NoSuchKey");
    tc_resp_free(&rs);

    /* A valid list (1, 2): parts 3 and 10000 are not in the object and their blobs go. */
    int blobs_before = blob_count(h);
    complete_xml(xml, sizeof xml, (int[]){1, 2}, etags, 2);
    rs = mp_complete(h, key, id, xml);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs_before - 2);
    rs = req(h, "GET", key, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, big + small);
    assert_memory_equal(rs.body.data, a, big);
    assert_memory_equal(rs.body.data + big, b, small);
    tc_resp_free(&rs);

    /* Unknown upload ids. */
    const char *unknown = "1700000000ffffffffffffffffffffffff";
    assert_int_equal(mp_part(h, key, unknown, 1, "x", 1, e), 404);
    assert_int_equal(list_parts_status(h, key, unknown), 404);
    rs = mp_complete(h, key, unknown, xml);
    tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);
    /* An upload id is bound to its key. */
    mp_init(h, key, NULL, id);
    assert_int_equal(mp_part(h, "other-key", id, 1, "x", 1, e), 404);
    free(a);
    free(b);
    free(c);
}

static void test_abort(void **state)
{
    cosd_harness_t *h = *state;
    const char *bucket = "abort-1250000000";
    assert_int_equal(tc_put_bucket(h, bucket), 200);
    int blobs0 = blob_count(h);
    tc_req_t rq = {.method = "POST", .bucket = bucket, .key = "k", .query = "uploads"};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    char id[128], q[256];
    tc_xml(&rs, "UploadId", id, sizeof id);
    tc_resp_free(&rs);
    for (int n = 1; n <= 3; n++) {
        snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", n, id);
        tc_req_t p = {.method = "PUT",
                      .bucket = bucket,
                      .key = "k",
                      .query = q,
                      .body = "abc",
                      .body_len = 3};
        tc_do(h, &p, &rs);
        assert_int_equal(rs.status, 200);
        tc_resp_free(&rs);
    }
    assert_int_equal(blob_count(h), blobs0 + 3);
    /* The bucket is not empty while an upload is in progress. */
    tc_req_t db = {.method = "DELETE", .bucket = bucket};
    tc_do(h, &db, &rs);
    tc_expect_code(&rs, 409, "BucketNotEmpty");
    tc_resp_free(&rs);
    snprintf(q, sizeof q, "uploadId=%s", id);
    tc_req_t ab = {.method = "DELETE", .bucket = bucket, .key = "k", .query = q};
    tc_do(h, &ab, &rs);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0);
    tc_do(h, &ab, &rs);
    tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);
    tc_do(h, &db, &rs);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
}

static void test_overwrite_copy_delete(void **state)
{
    cosd_harness_t *h = *state;
    int blobs0 = blob_count(h);
    size_t n1, n2;
    char *d1 = make_object(h, "ow", 777, 7, &n1);
    assert_int_equal(blob_count(h), blobs0 + 2);
    /* Complete over an existing multipart object replaces it and frees its parts. */
    char *d2 = make_object(h, "ow", 5000, 8, &n2);
    assert_int_equal(blob_count(h), blobs0 + 2);
    expect_body(h, "ow", d2, n2);
    /* A copy shares the parts; deleting the source keeps them for the copy. */
    const char *const ch[] = {"x-cos-copy-source: /" BUCKET "/ow", NULL};
    tc_resp_t rs = req(h, "PUT", "ow-copy", NULL, NULL, 0, ch);
    assert_int_equal(rs.status, 200);
    char v[64];
    assert_non_null(strstr(xml_text(&rs, "ETag", v, sizeof v), "-2\""));
    tc_resp_free(&rs);
    rs = req(h, "DELETE", "ow", NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 204);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0 + 2);
    expect_body(h, "ow-copy", d2, n2);
    /* A simple PUT over the copy frees the parts. */
    assert_int_equal(tc_put_object(h, BUCKET, "ow-copy", "small", 5), 200);
    assert_int_equal(blob_count(h), blobs0 + 1);
    expect_body(h, "ow-copy", "small", 5);
    /* And a multipart Complete over a simple object frees its blob. */
    free(d1);
    d1 = make_object(h, "ow-copy", 10, 9, &n1);
    assert_int_equal(blob_count(h), blobs0 + 2);
    expect_body(h, "ow-copy", d1, n1);
    rs = req(h, "DELETE", "ow-copy", NULL, NULL, 0, NULL);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0);
    free(d1);
    free(d2);
}

/* Upload Part - Copy: its ETag and CRC; returns the status. */
static long part_copy(const cosd_harness_t *h, const char *key, const char *id, int n,
                      const char *source, const char *range, char etag[64], tc_resp_t *keep)
{
    char q[256], srch[256], rgh[128];
    snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", n, id);
    snprintf(srch, sizeof srch, "x-cos-copy-source: /" BUCKET "/%s", source);
    snprintf(rgh, sizeof rgh, "x-cos-copy-source-range: %s", range ? range : "");
    const char *const hs[] = {srch, range ? rgh : NULL, NULL};
    tc_resp_t rs = req(h, "PUT", key, q, NULL, 0, hs);
    long st = rs.status;
    if (st == 200)
        xml_text(&rs, "ETag", etag, 64);
    if (keep)
        *keep = rs;
    else
        tc_resp_free(&rs);
    return st;
}

static void test_upload_part_copy(void **state)
{
    cosd_harness_t *h = *state;
    size_t nm;
    char *m = make_object(h, "pc-multi", 300000, 21, &nm); /* 1 MiB + 300000 in two parts */
    char *simple = random_data(200000, 22);
    assert_int_equal(tc_put_object(h, BUCKET, "pc-simple", simple, 200000), 200);
    char id[128], etags[3][64], xml[1024], rg[64];
    mp_init(h, "pc-dst", NULL, id);
    /* Part 1: the whole multipart source; part 2: a range across its two parts; part 3: a range
     * of the simple source. */
    assert_int_equal(part_copy(h, "pc-dst", id, 1, "pc-multi", NULL, etags[0], NULL), 200);
    snprintf(rg, sizeof rg, "bytes=%d-%d", 100000, MIB + 99999); /* 1 MiB, crossing parts */
    assert_int_equal(part_copy(h, "pc-dst", id, 2, "pc-multi", rg, etags[1], NULL), 200);
    tc_resp_t rs;
    assert_int_equal(part_copy(h, "pc-dst", id, 3, "pc-simple", "bytes=10-1009", etags[2], &rs),
                     200);
    char v[64], want[64];
    snprintf(want, sizeof want, "%" PRIu64, cosx_crc64(0, simple + 10, 1000));
    assert_string_equal(tc_xml(&rs, "CRC64", v, sizeof v), want);
    unsigned char md[16];
    cosx_md5(simple + 10, 1000, md);
    want[0] = '"';
    cosx_hex_encode(md, 16, want + 1);
    strcat(want, "\"");
    assert_string_equal(etags[2], want);
    tc_resp_free(&rs);
    complete_xml(xml, sizeof xml, (int[]){1, 2, 3}, etags, 3);
    rs = mp_complete(h, "pc-dst", id, xml);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    size_t total = nm + MIB + 1000;
    char *all = malloc(total);
    memcpy(all, m, nm);
    memcpy(all + nm, m + 100000, MIB);
    memcpy(all + nm + MIB, simple + 10, 1000);
    expect_body(h, "pc-dst", all, total);
    /* Errors. */
    mp_init(h, "pc-dst", NULL, id);
    char e[64];
    assert_int_equal(part_copy(h, "pc-dst", id, 1, "pc-simple", "bytes=5-200000", e, &rs), 400);
    tc_expect_code(&rs, 400, "InvalidArgument");
    tc_resp_free(&rs);
    assert_int_equal(part_copy(h, "pc-dst", id, 1, "pc-simple", "bytes=9-3", e, &rs), 400);
    tc_resp_free(&rs);
    assert_int_equal(part_copy(h, "pc-dst", id, 1, "no-such-source", NULL, e, &rs), 404);
    tc_expect_code(&rs, 404, "NoSuchKey");
    tc_resp_free(&rs);
    assert_int_equal(part_copy(h, "pc-dst", "1700000000abcdef", 1, "pc-simple", NULL, e, &rs), 404);
    tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);
    free(all);
    free(m);
    free(simple);
}

typedef struct part_writer {
    const cosd_harness_t *h;
    const char *id;
    int first; /* uploads parts first, first + 4, ... */
    char *data;
    char etags[16][64];
    int failures;
} part_writer_t;

#define PP_PARTS 16
#define PP_SIZE  (MIB + 512)

static void *part_writer_main(void *arg)
{
    part_writer_t *w = arg;
    for (int round = 0; round < 2; round++) /* every part twice: the re-upload replaces it */
        for (int n = w->first; n <= PP_PARTS; n += 4)
            if (mp_part(w->h, "parallel", w->id, n, w->data + (size_t)(n - 1) * PP_SIZE, PP_SIZE,
                        w->etags[n - 1]) != 200)
                w->failures++;
    return NULL;
}

/* Parts uploaded by 4 threads at once (each part twice) make one correct object. */
static void test_parallel_parts(void **state)
{
    cosd_harness_t *h = *state;
    int blobs0 = blob_count(h);
    char id[128];
    mp_init(h, "parallel", NULL, id);
    char *data = random_data((size_t)PP_PARTS * PP_SIZE, 31);
    part_writer_t ws[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        ws[i] = (part_writer_t){.h = h, .id = id, .first = i + 1, .data = data};
        assert_int_equal(pthread_create(&th[i], NULL, part_writer_main, &ws[i]), 0);
    }
    char etags[PP_PARTS][64];
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ws[i].failures, 0);
        for (int n = ws[i].first; n <= PP_PARTS; n += 4)
            memcpy(etags[n - 1], ws[i].etags[n - 1], 64);
    }
    assert_int_equal(blob_count(h), blobs0 + PP_PARTS);
    int nums[PP_PARTS];
    for (int i = 0; i < PP_PARTS; i++)
        nums[i] = i + 1;
    char *xml = malloc(8192);
    complete_xml(xml, 8192, nums, etags, PP_PARTS);
    tc_resp_t rs = mp_complete(h, "parallel", id, xml);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    expect_body(h, "parallel", data, (size_t)PP_PARTS * PP_SIZE);
    rs = req(h, "DELETE", "parallel", NULL, NULL, 0, NULL);
    tc_resp_free(&rs);
    assert_int_equal(blob_count(h), blobs0);
    free(xml);
    free(data);
}

static void test_list_uploads(void **state)
{
    cosd_harness_t *h = *state;
    const char *bucket = "lu-1250000000";
    assert_int_equal(tc_put_bucket(h, bucket), 200);
    const char *keys[] = {"a/1", "a/2", "b", "c", "c", "d/x/y", NULL};
    char ids[6][128];
    for (int i = 0; keys[i]; i++) {
        tc_req_t rq = {.method = "POST", .bucket = bucket, .key = keys[i], .query = "uploads"};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_int_equal(rs.status, 200);
        tc_xml(&rs, "UploadId", ids[i], 128);
        tc_resp_free(&rs);
    }
    struct {
        const char *query;
        int uploads, prefixes;
        const char *truncated;
    } cases[] = {
        {"uploads", 6, 0, "false"},
        {"uploads&prefix=a%2F", 2, 0, "false"},
        {"uploads&delimiter=%2F", 3, 2, "false"},
        {"uploads&max-uploads=2", 2, 0, "true"},
        {"uploads&key-marker=b", 3, 0, "false"},
        {"uploads&key-marker=a%2F&delimiter=%2F", 3, 1, "false"},
        {"uploads&prefix=zz", 0, 0, "false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tc_req_t rq = {.method = "GET", .bucket = bucket, .query = cases[i].query};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_int_equal(rs.status, 200);
        char v[64];
        if (tc_count(&rs, "Upload") != cases[i].uploads ||
            tc_count(&rs, "CommonPrefixes") != cases[i].prefixes)
            fprintf(stderr, "%s: %s\n", cases[i].query, cosx_buf_str(&rs.body));
        assert_int_equal(tc_count(&rs, "Upload"), cases[i].uploads);
        assert_int_equal(tc_count(&rs, "CommonPrefixes"), cases[i].prefixes);
        assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), cases[i].truncated);
        tc_resp_free(&rs);
    }
    /* Paging one by one with the Next markers visits every upload exactly once, in order. */
    char km[128] = "", um[128] = "";
    int seen = 0;
    for (;;) {
        char q[512];
        cosx_buf_t e = COSX_BUF_INIT;
        cosx_enc(&e, km, strlen(km));
        snprintf(q, sizeof q, "uploads&max-uploads=1&key-marker=%s&upload-id-marker=%s",
                 cosx_buf_str(&e), um);
        cosx_buf_free(&e);
        tc_req_t rq = {.method = "GET", .bucket = bucket, .query = q};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_int_equal(rs.status, 200);
        if (tc_count(&rs, "Upload") == 0) {
            tc_resp_free(&rs);
            break;
        }
        char key[128], uid[128], t[16];
        tc_xml(&rs, "Key", key, sizeof key);
        tc_xml(&rs, "UploadId", uid, sizeof uid);
        assert_true(seen < 6);
        assert_string_equal(key, keys[seen]);
        seen++;
        bool more = strcmp(tc_xml(&rs, "IsTruncated", t, sizeof t), "true") == 0;
        tc_xml(&rs, "NextKeyMarker", km, sizeof km);
        tc_xml(&rs, "NextUploadIdMarker", um, sizeof um);
        tc_resp_free(&rs);
        if (!more)
            break;
    }
    assert_int_equal(seen, 6);
    tc_req_t bad = {.method = "GET", .bucket = bucket, .query = "uploads&max-uploads=0"};
    tc_resp_t rs;
    tc_do(h, &bad, &rs);
    tc_expect_code(&rs, 400, "InvalidArgument");
    tc_resp_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_complete_rules),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_overwrite_copy_delete),
        cmocka_unit_test(test_upload_part_copy),
        cmocka_unit_test(test_parallel_parts),
        cmocka_unit_test(test_list_uploads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
