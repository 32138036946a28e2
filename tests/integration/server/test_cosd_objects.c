/* Integration tests of cosd object features: GET Bucket listing, Range, conditional requests,
 * response-* overrides, chunked and 100-continue uploads, Content-MD5, copy, multi-delete, ACLs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_client.h"
#include "cosd_fixture.h"
#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKET "objects-1250000000"

static int setup(void **state)
{
    return tc_fixture_start(state, BUCKET, NULL);
}

static int teardown(void **state)
{
    return tc_fixture_stop(state);
}

static tc_resp_t get(cosd_harness_t *h, const char *bucket, const char *query)
{
    tc_req_t rq = {.method = "GET", .bucket = bucket, .query = query};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    return rs;
}

static void test_list_objects(void **state)
{
    cosd_harness_t *h = *state;
    const char *b = "list-1250000000";
    assert_int_equal(tc_put_bucket(h, b), 200);
    const char *keys[] = {"a.txt", "b/1.txt",       "b/2.txt", "b/c/3.txt", "c d.txt",
                          "dir/",  "z\xc3\xa9.txt", "Z.txt",   NULL};
    for (int i = 0; keys[i]; i++)
        assert_int_equal(tc_put_object(h, b, keys[i], "x", 1), 200);
    /* All keys in UTF-8 byte order ("Z" < "a", "z\xc3\xa9" last). */
    tc_resp_t rs = get(h, b, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(tc_count(&rs, "Contents"), 8);
    const char *body = cosx_buf_str(&rs.body);
    assert_true(strstr(body, "<Key>Z.txt</Key>") < strstr(body, "<Key>a.txt</Key>"));
    assert_true(strstr(body, "<Key>dir/</Key>") < strstr(body, "<Key>z\xc3\xa9.txt</Key>"));
    char v[256];
    assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), "false");
    assert_null(strstr(body, "<NextMarker>"));
    tc_resp_free(&rs);

    /* Delimiter: CommonPrefixes. */
    rs = get(h, b, "delimiter=%2F");
    assert_int_equal(tc_count(&rs, "Contents"), 4);       /* a.txt, c d.txt, z..., Z.txt */
    assert_int_equal(tc_count(&rs, "CommonPrefixes"), 2); /* b/, dir/ */
    assert_non_null(
        strstr(cosx_buf_str(&rs.body), "<CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes>"));
    tc_resp_free(&rs);

    rs = get(h, b, "prefix=b%2F&delimiter=%2F");
    assert_int_equal(tc_count(&rs, "Contents"), 2);
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Prefix>b/c/</Prefix>"));
    assert_string_equal(tc_xml(&rs, "Prefix", v, sizeof v), "b/");
    tc_resp_free(&rs);

    /* Paging with max-keys: every key exactly once, NextMarker when truncated. */
    char marker[256] = "";
    int seen = 0, pages = 0;
    for (;;) {
        char q[400];
        cosx_buf_t em = COSX_BUF_INIT;
        cosx_enc(&em, marker, strlen(marker));
        snprintf(q, sizeof q, "max-keys=3&marker=%s", cosx_buf_str(&em));
        cosx_buf_free(&em);
        rs = get(h, b, q);
        assert_int_equal(rs.status, 200);
        seen += tc_count(&rs, "Contents");
        pages++;
        bool trunc = strcmp(tc_xml(&rs, "IsTruncated", v, sizeof v), "true") == 0;
        if (trunc)
            tc_xml(&rs, "NextMarker", marker, sizeof marker);
        tc_resp_free(&rs);
        if (!trunc)
            break;
        assert_true(pages < 10);
    }
    assert_int_equal(seen, 8);
    assert_int_equal(pages, 3);

    /* Paging with a delimiter: a common prefix counts once and is skipped after its marker. */
    rs = get(h, b, "delimiter=%2F&max-keys=3"); /* Z.txt, a.txt, b/ */
    assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), "true");
    assert_string_equal(tc_xml(&rs, "NextMarker", v, sizeof v), "b/");
    tc_resp_free(&rs);
    rs = get(h, b, "delimiter=%2F&max-keys=2&marker=b%2F"); /* c d.txt, dir/ */
    assert_null(strstr(cosx_buf_str(&rs.body), "b/1.txt"));
    assert_null(strstr(cosx_buf_str(&rs.body), "<Prefix>b/</Prefix>"));
    assert_null(strstr(cosx_buf_str(&rs.body), "<Key>a.txt</Key>"));
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Key>c d.txt</Key>"));
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Prefix>dir/</Prefix>"));
    tc_resp_free(&rs);

    /* encoding-type=url */
    rs = get(h, b, "encoding-type=url&prefix=c");
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<Key>c%20d.txt</Key>"));
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<EncodingType>url</EncodingType>"));
    tc_resp_free(&rs);

    /* Bad parameters. */
    const char *badq[] = {"max-keys=0", "max-keys=1001", "max-keys=abc", "encoding-type=base64",
                          NULL};
    for (int i = 0; badq[i]; i++) {
        rs = get(h, b, badq[i]);
        tc_expect_code(&rs, 400, "InvalidArgument");
        tc_resp_free(&rs);
    }
}

static void test_range(void **state)
{
    cosd_harness_t *h = *state;
    const char *data = "0123456789";
    assert_int_equal(tc_put_object(h, BUCKET, "range", data, 10), 200);
    struct {
        const char *range;
        long status;
        const char *body;
        const char *cr;
    } cases[] = {
        {"Range: bytes=2-5", 206, "2345", "bytes 2-5/10"},
        {"Range: bytes=7-", 206, "789", "bytes 7-9/10"},
        {"Range: bytes=-3", 206, "789", "bytes 7-9/10"},
        {"Range: bytes=5-100", 206, "56789", "bytes 5-9/10"},
        {"Range: bytes=-100", 206, "0123456789", "bytes 0-9/10"},
        {"Range: bytes=10-", 416, NULL, "bytes */10"},
        {"Range: bytes=abc", 400, NULL, NULL},
        {"Range: bytes=5-2", 400, NULL, NULL},
        {"Range: bytes=0-1,3-4", 400, NULL, NULL},
        {"Range: items=0-1", 400, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *hdr[] = {cases[i].range, NULL};
        tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "range", .headers = hdr};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_int_equal(rs.status, cases[i].status);
        char v[128];
        if (cases[i].body) {
            assert_int_equal(rs.body.len, strlen(cases[i].body));
            assert_memory_equal(rs.body.data, cases[i].body, rs.body.len);
            /* CRC64 of the whole object also on 206. */
            assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", v, sizeof v));
            char want[32];
            snprintf(want, sizeof want, "%" PRIu64, cosx_crc64(0, data, 10));
            assert_string_equal(v, want);
        }
        if (cases[i].cr) {
            assert_true(tc_header(&rs, "Content-Range", v, sizeof v));
            assert_string_equal(v, cases[i].cr);
        }
        if (cases[i].status == 416)
            tc_expect_code(&rs, 416, "InvalidRange");
        if (cases[i].status == 400)
            tc_expect_code(&rs, 400, "InvalidArgument");
        tc_resp_free(&rs);
    }
}

static void test_conditional(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "cond", "abc", 3), 200);
    unsigned char md5[16];
    cosx_md5("abc", 3, md5);
    char hex[33], im[80], inm[80], past[80], future[80], d[COSX_RFC1123_LEN];
    cosx_hex_encode(md5, 16, hex);
    snprintf(im, sizeof im, "If-Match: \"%s\"", hex);
    snprintf(inm, sizeof inm, "If-None-Match: %s", hex); /* unquoted also matches */
    cosx_time_rfc1123(time(NULL) - 86400, d);
    snprintf(past, sizeof past, "%s", d);
    cosx_time_rfc1123(time(NULL) + 86400, d);
    snprintf(future, sizeof future, "%s", d);
    char ims_future[120], ims_past[120], ius_past[120], ius_future[120];
    snprintf(ims_future, sizeof ims_future, "If-Modified-Since: %s", future);
    snprintf(ims_past, sizeof ims_past, "If-Modified-Since: %s", past);
    snprintf(ius_past, sizeof ius_past, "If-Unmodified-Since: %s", past);
    snprintf(ius_future, sizeof ius_future, "If-Unmodified-Since: %s", future);
    struct {
        const char *hdr;
        long status;
    } cases[] = {
        {im, 200},
        {"If-Match: \"0000\"", 412},
        {inm, 304},
        {"If-None-Match: \"0000\"", 200},
        {ims_future, 304},
        {ims_past, 200},
        {ius_past, 412},
        {ius_future, 200},
        {"If-Match: *", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *hdr[] = {cases[i].hdr, NULL};
        tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "cond", .headers = hdr};
        tc_resp_t rs;
        tc_do(h, &rq, &rs);
        assert_int_equal(rs.status, cases[i].status);
        if (rs.status == 412)
            tc_expect_code(&rs, 412, "PreconditionFailed");
        if (rs.status == 304)
            assert_int_equal(rs.body.len, 0);
        tc_resp_free(&rs);
    }
}

static void test_response_overrides(void **state)
{
    cosd_harness_t *h = *state;
    const char *hdr[] = {"Content-Type: text/plain", "Cache-Control: max-age=60", NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "ovr",
                   .headers = hdr,
                   .body = "o",
                   .body_len = 1};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET",
                    .bucket = BUCKET,
                    .key = "ovr",
                    .query =
                        "response-content-type=application%2Fjson&response-cache-control=no-store&"
                        "response-content-disposition=attachment"};
    tc_do(h, &rq, &rs);
    char v[128];
    assert_int_equal(rs.status, 200);
    assert_true(tc_header(&rs, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json");
    assert_true(tc_header(&rs, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-store");
    assert_true(tc_header(&rs, "Content-Disposition", v, sizeof v));
    assert_string_equal(v, "attachment");
    tc_resp_free(&rs);
}

static void test_chunked_expect_and_md5(void **state)
{
    cosd_harness_t *h = *state;
    size_t n = 300000;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)(i * 7 + 3);
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "chunked",
                   .body = data,
                   .body_len = n,
                   .chunked = true};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "chunked"};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.body.len, n);
    assert_memory_equal(rs.body.data, data, n);
    tc_resp_free(&rs);

    char md5h[64], good[32];
    tc_content_md5(data, n, good);
    snprintf(md5h, sizeof md5h, "Content-MD5: %s", good);
    const char *hdr[] = {md5h, "Expect: 100-continue", NULL};
    rq = (tc_req_t){.method = "PUT",
                    .bucket = BUCKET,
                    .key = "md5",
                    .body = data,
                    .body_len = n,
                    .headers = hdr};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);

    tc_content_md5("other", 5, good);
    snprintf(md5h, sizeof md5h, "Content-MD5: %s", good);
    rq.key = "md5-bad";
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "BadDigest");
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "md5-bad"};
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 404, "NoSuchKey"); /* nothing stored */
    tc_resp_free(&rs);

    const char *bad[] = {"Content-MD5: not-base64!", NULL};
    rq = (tc_req_t){.method = "PUT",
                    .bucket = BUCKET,
                    .key = "md5-bad",
                    .body = "x",
                    .body_len = 1,
                    .headers = bad};
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidDigest");
    tc_resp_free(&rs);
    free(data);
}

static void test_copy(void **state)
{
    cosd_harness_t *h = *state;
    const char *hdr[] = {"Content-Type: text/x-src", "x-cos-meta-origin: source", NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "copy/src",
                   .headers = hdr,
                   .body = "copy me",
                   .body_len = 7};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    char etag[64];
    tc_header(&rs, "ETag", etag, sizeof etag);
    tc_resp_free(&rs);

    const char *c1[] = {"x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/copy/src",
                        NULL};
    rq = (tc_req_t){.method = "PUT", .bucket = BUCKET, .key = "copy/dst1", .headers = c1};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    char v[128];
    etag[strlen(etag) - 1] = 0; /* compare without the quotes */
    assert_non_null(strstr(tc_xml(&rs, "ETag", v, sizeof v), etag + 1));
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<CopyObjectResult>"));
    char crc[32];
    snprintf(crc, sizeof crc, "%" PRIu64, cosx_crc64(0, "copy me", 7));
    assert_string_equal(tc_xml(&rs, "CRC64", v, sizeof v), crc);
    assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", v, sizeof v));
    assert_string_equal(v, crc);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "copy/dst1"};
    tc_do(h, &rq, &rs);
    assert_memory_equal(rs.body.data, "copy me", 7);
    assert_true(tc_header(&rs, "x-cos-meta-origin", v, sizeof v));
    assert_string_equal(v, "source");
    assert_true(tc_header(&rs, "Content-Type", v, sizeof v));
    assert_string_equal(v, "text/x-src");
    tc_resp_free(&rs);

    const char *c2[] = {"x-cos-copy-source: /" BUCKET "/copy/src",
                        "x-cos-metadata-directive: Replaced", "Content-Type: text/x-new",
                        "x-cos-meta-fresh: yes", NULL};
    rq = (tc_req_t){.method = "PUT", .bucket = BUCKET, .key = "copy/dst2", .headers = c2};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "HEAD", .bucket = BUCKET, .key = "copy/dst2"};
    tc_do(h, &rq, &rs);
    assert_true(tc_header(&rs, "x-cos-meta-fresh", v, sizeof v));
    assert_false(tc_header(&rs, "x-cos-meta-origin", v, sizeof v));
    assert_true(tc_header(&rs, "Content-Type", v, sizeof v));
    assert_string_equal(v, "text/x-new");
    tc_resp_free(&rs);

    /* Onto itself without Replaced. */
    const char *c3[] = {"x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/copy/src",
                        NULL};
    rq = (tc_req_t){.method = "PUT", .bucket = BUCKET, .key = "copy/src", .headers = c3};
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidRequest");
    tc_resp_free(&rs);
    /* Missing source, malformed source, empty source key, failed condition. */
    const char *c4[] = {"x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/copy/none",
                        NULL};
    rq.key = "copy/x";
    rq.headers = c4;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 404, "NoSuchKey");
    tc_resp_free(&rs);
    const char *c5[] = {"x-cos-copy-source: nonsense", NULL};
    rq.headers = c5;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidCopySource");
    tc_resp_free(&rs);
    const char *c6[] = {"x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/", NULL};
    rq.headers = c6;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidCopySource");
    tc_resp_free(&rs);
    const char *c7[] = {"x-cos-copy-source: " BUCKET ".cos.ap-guangzhou.myqcloud.com/copy/src",
                        "x-cos-copy-source-If-Match: \"00\"", NULL};
    rq.headers = c7;
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 412, "PreconditionFailed");
    tc_resp_free(&rs);

    /* The copy outlives its source (shared immutable data). */
    rq = (tc_req_t){.method = "DELETE", .bucket = BUCKET, .key = "copy/src"};
    tc_do(h, &rq, &rs);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "copy/dst1"};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "copy me", 7);
    tc_resp_free(&rs);
}

static tc_resp_t post_delete(cosd_harness_t *h, const char *bucket, const char *xml, bool with_md5,
                             const char *md5_override)
{
    char md5h[64], m[32];
    tc_content_md5(xml, strlen(xml), m);
    snprintf(md5h, sizeof md5h, "Content-MD5: %s", md5_override ? md5_override : m);
    const char *hdr[] = {"Content-Type: application/xml", with_md5 ? md5h : NULL, NULL};
    tc_req_t rq = {.method = "POST",
                   .bucket = bucket,
                   .query = "delete",
                   .headers = hdr,
                   .body = xml,
                   .body_len = strlen(xml)};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    return rs;
}

static void test_multi_delete(void **state)
{
    cosd_harness_t *h = *state;
    assert_int_equal(tc_put_object(h, BUCKET, "md/a", "a", 1), 200);
    assert_int_equal(tc_put_object(h, BUCKET, "md/b", "b", 1), 200);
    const char *xml = "<Delete><Quiet>false</Quiet><Object><Key>md/a</Key></Object><Object><Key>md/"
                      "b</Key></Object>"
                      "<Object><Key>md/missing</Key></Object><Object><Key></Key></Object></Delete>";
    tc_resp_t rs = post_delete(h, BUCKET, xml, true, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(tc_count(&rs, "Deleted"), 3);
    assert_int_equal(tc_count(&rs, "Error"), 1);
    char v[128];
    assert_string_equal(tc_xml(&rs, "Code", v, sizeof v), "InvalidObjectName");
    tc_resp_free(&rs);
    tc_req_t rq = {.method = "GET", .bucket = BUCKET, .key = "md/a"};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 404);
    tc_resp_free(&rs);

    assert_int_equal(tc_put_object(h, BUCKET, "md/c", "c", 1), 200);
    rs = post_delete(h, BUCKET,
                     "<Delete><Quiet>true</Quiet><Object><Key>md/c</Key></Object></Delete>", true,
                     NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(tc_count(&rs, "Deleted"), 0);
    assert_non_null(strstr(cosx_buf_str(&rs.body), "DeleteResult"));
    tc_resp_free(&rs);

    rs = post_delete(h, BUCKET, "<Delete><Object><Key>x</Key></Object></Delete>", false, NULL);
    tc_expect_code(&rs, 400, "InvalidRequest");
    tc_resp_free(&rs);
    rs = post_delete(h, BUCKET, "<Delete><Object><Key>x</Key></Object></Delete>", true,
                     "1B2M2Y8AsgTpgAmY7PhCfg==");
    tc_expect_code(&rs, 400, "InvalidDigest");
    tc_resp_free(&rs);
    rs = post_delete(h, BUCKET, "<Delete><Object><Key>x</Key></Object>", true, NULL);
    tc_expect_code(&rs, 400, "MalformedXML");
    tc_resp_free(&rs);
    rs = post_delete(
        h, BUCKET,
        "<!DOCTYPE d [<!ENTITY e \"x\">]><Delete><Object><Key>&e;</Key></Object></Delete>", true,
        NULL);
    tc_expect_code(&rs, 400, "MalformedXML");
    tc_resp_free(&rs);

    cosx_buf_t big = COSX_BUF_INIT;
    cosx_buf_puts(&big, "<Delete>");
    for (int i = 0; i < 1001; i++)
        cosx_buf_printf(&big, "<Object><Key>k%d</Key></Object>", i);
    cosx_buf_puts(&big, "</Delete>");
    rs = post_delete(h, BUCKET, cosx_buf_str(&big), true, NULL);
    tc_expect_code(&rs, 400, "MalformedXML");
    assert_string_equal(tc_xml(&rs, "Message", v, sizeof v),
                        "delete key size is greater than 1000");
    tc_resp_free(&rs);
    /* Over the XML size limit. */
    cosx_buf_reset(&big);
    cosx_buf_puts(&big, "<Delete><Object><Key>");
    for (int i = 0; i < 3 * 1024 * 1024 / 8; i++)
        cosx_buf_puts(&big, "xxxxxxxx");
    cosx_buf_puts(&big, "</Key></Object></Delete>");
    rs = post_delete(h, BUCKET, cosx_buf_str(&big), true, NULL);
    tc_expect_code(&rs, 400, "MalformedXML");
    tc_resp_free(&rs);
    cosx_buf_free(&big);
}

static void test_acl(void **state)
{
    cosd_harness_t *h = *state;
    const char *pub[] = {"x-cos-acl: public-read", NULL};
    tc_req_t rq = {.method = "PUT",
                   .bucket = BUCKET,
                   .key = "acl/public",
                   .headers = pub,
                   .body = "P",
                   .body_len = 1};
    tc_resp_t rs;
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    assert_int_equal(tc_put_object(h, BUCKET, "acl/private", "p", 1), 200);
    rq = (tc_req_t){.method = "GET", .bucket = BUCKET, .key = "acl/public", .anonymous = true};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_memory_equal(rs.body.data, "P", 1);
    tc_resp_free(&rs);
    rq.key = "acl/private";
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);
    /* Anonymous writes are never allowed. */
    rq = (tc_req_t){.method = "PUT",
                    .bucket = BUCKET,
                    .key = "acl/public",
                    .anonymous = true,
                    .body = "X",
                    .body_len = 1};
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 403, "AccessDenied");
    tc_resp_free(&rs);
    /* A public-read bucket: anonymous list and read of default-ACL objects. */
    const char *b = "pub-1250000000";
    rq = (tc_req_t){.method = "PUT", .bucket = b, .headers = pub};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    assert_int_equal(tc_put_object(h, b, "k", "K", 1), 200);
    rq = (tc_req_t){.method = "GET", .bucket = b, .anonymous = true};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    assert_int_equal(tc_count(&rs, "Contents"), 1);
    tc_resp_free(&rs);
    rq = (tc_req_t){.method = "GET", .bucket = b, .key = "k", .anonymous = true};
    tc_do(h, &rq, &rs);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    const char *bad[] = {"x-cos-acl: everyone", NULL};
    rq = (tc_req_t){.method = "PUT",
                    .bucket = BUCKET,
                    .key = "acl/bad",
                    .headers = bad,
                    .body = "x",
                    .body_len = 1};
    tc_do(h, &rq, &rs);
    tc_expect_code(&rs, 400, "InvalidArgument");
    tc_resp_free(&rs);
}

static void test_list_uploads_empty(void **state)
{
    cosd_harness_t *h = *state;
    tc_resp_t rs = get(h, BUCKET, "uploads");
    assert_int_equal(rs.status, 200);
    char v[64];
    assert_non_null(strstr(cosx_buf_str(&rs.body), "<ListMultipartUploadsResult>"));
    assert_string_equal(tc_xml(&rs, "IsTruncated", v, sizeof v), "false");
    assert_int_equal(tc_count(&rs, "Upload"), 0);
    assert_string_equal(tc_xml(&rs, "Bucket", v, sizeof v), BUCKET);
    tc_resp_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_objects),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_conditional),
        cmocka_unit_test(test_response_overrides),
        cmocka_unit_test(test_chunked_expect_and_md5),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_multi_delete),
        cmocka_unit_test(test_acl),
        cmocka_unit_test(test_list_uploads_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
