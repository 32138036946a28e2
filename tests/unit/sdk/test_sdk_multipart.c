/* Unit tests of the libcos multipart calls against a scripted loopback HTTP server (mini_http): request
 * shapes (method, query, headers, XML body), result parsing, Complete answered 200 with whitespace or an
 * <Error> body, per-part CRC64 mismatch, part copy, cos_upload_file (new and resumed uploads) and
 * ranged downloads written in place. */
#include "../test_util.h"

#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_crc64.h"
#include "cos_http_io.h"
#include "cos_log.h"
#include "cosx_digest.h"
#include "cosx_encode.h"
#include "mini_http.h"

static mini_http_t srv;

static int setup(void **state)
{
    (void)state;
    cos_log_set_level(COS_LOG_OFF);
    return mini_http_start(&srv);
}

static int teardown(void **state)
{
    (void)state;
    mini_http_stop(&srv);
    return 0;
}

static cos_request_options_t *make_options(cos_pool_t *p)
{
    cos_request_options_t *o = cos_request_options_create(p);
    o->config = cos_config_create(o->pool);
    cos_str_set(&o->config->endpoint, "cos.ap-test.myqcloud.com");
    cos_str_set(&o->config->access_key_id, "AKIDtest");
    cos_str_set(&o->config->access_key_secret, "secretkey");
    cos_str_set(&o->config->appid, "1250000000");
    o->config->retry_interval_us = 1000;
    o->ctl = cos_http_controller_create(o->pool, 0);
    cos_set_request_route(o->ctl, "127.0.0.1", srv.port);
    return o;
}

static const char *hdr(int i, const char *name)
{
    static char v[4096];
    return mini_req_header(&srv.reqs[i], name, v, sizeof(v));
}

static char *crc_hdr(cos_pool_t *p, const void *data, size_t n)
{
    return cos_psprintf(p, "x-cos-hash-crc64ecma: %" PRIu64 "\r\n", cos_crc64(0, (void *)data, n));
}

static cos_list_t *body_of(cos_pool_t *p, const char *s)
{
    cos_list_t *l = cos_palloc(p, sizeof(*l));
    cos_list_init(l);
    cos_buf_t *b = cos_buf_pack(p, s, (int)strlen(s));
    cos_list_add_tail(&b->node, l);
    return l;
}

static void md5_hex(const void *data, size_t n, char out[33])
{
    cosx_digest_t *d = cosx_digest_new(COSX_DIGEST_MD5);
    cosx_digest_update(d, data, n);
    unsigned char md[16];
    cosx_digest_final(d, md);
    cosx_digest_free(d);
    cosx_hex_encode(md, 16, out);
}

static cos_string_t bucket, key, uid;

static void names(void)
{
    cos_str_set(&bucket, "examplebucket");
    cos_str_set(&key, "video/big.mp4");
    cos_str_set(&uid, "1585130821cbb7df");
}

static void test_init(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    mini_reply_t r[] = {{200, "x-cos-request-id: rid-init\r\n",
                         "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<InitiateMultipartUploadResult><Bucket>examplebucket-1250000000</Bucket>"
                         "<Key>video/big.mp4</Key><UploadId>1585130821cbb7df</UploadId>"
                         "</InitiateMultipartUploadResult>"}};
    mini_http_script(&srv, r, 1);
    cos_request_options_t *o = make_options(p);
    cos_string_t id = {0, NULL};
    cos_table_t *h = cos_table_make(p, 1);
    cos_table_add(h, "x-cos-meta-a", "1");
    cos_table_t *rh = NULL;
    cos_status_t *s = cos_init_multipart_upload(o, &bucket, &key, &id, h, &rh);
    assert_int_equal(s->code, 200);
    assert_string_equal(s->req_id, "rid-init");
    assert_non_null(rh);
    assert_int_equal(id.len, 16);
    assert_memory_equal(id.data, "1585130821cbb7df", 16);
    assert_int_equal(srv.nreqs, 1);
    assert_string_equal(srv.reqs[0].method, "POST");
    assert_string_equal(srv.reqs[0].target, "/video/big.mp4?uploads");
    assert_string_equal(hdr(0, "Content-Type"), "video/mp4");
    assert_string_equal(hdr(0, "x-cos-meta-a"), "1");

    /* 200 with something else than the result: a parse error, upload id untouched. */
    mini_reply_t bad[] = {{200, NULL, "<Other/>"}};
    mini_http_script(&srv, bad, 1);
    cos_string_t id2 = {0, NULL};
    s = cos_init_multipart_upload(o, &bucket, &key, &id2, NULL, NULL);
    assert_int_equal(s->code, COSE_XML_PARSE_ERROR);
    assert_null(id2.data);

    /* Service error. */
    mini_reply_t err[] = {{403, NULL, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>"}};
    mini_http_script(&srv, err, 1);
    s = cos_init_multipart_upload(o, &bucket, &key, &id2, NULL, NULL);
    assert_int_equal(s->code, 403);
    assert_string_equal(s->error_code, "AccessDenied");
    cos_pool_destroy(p);
}

static void test_upload_part_buffer_and_crc(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    const char *data = "part two data";
    mini_reply_t r[] = {{200, cos_psprintf(p, "ETag: \"e2\"\r\n%s", crc_hdr(p, data, strlen(data))), NULL}};
    mini_http_script(&srv, r, 1);
    cos_table_t *rh = NULL;
    cos_status_t *s = cos_upload_part_from_buffer(o, &bucket, &key, &uid, 2, body_of(p, data), &rh);
    assert_int_equal(s->code, 200);
    assert_string_equal(cos_table_get(rh, "ETag"), "\"e2\"");
    assert_string_equal(srv.reqs[0].method, "PUT");
    assert_non_null(strstr(srv.reqs[0].target, "partNumber=2"));
    assert_non_null(strstr(srv.reqs[0].target, "uploadId=1585130821cbb7df"));
    assert_int_equal(srv.reqs[0].body_len, strlen(data));
    assert_memory_equal(srv.reqs[0].body, data, strlen(data));
    assert_non_null(hdr(0, "Content-MD5"));

    /* The server stored something else: CRC64 mismatch is reported. */
    mini_reply_t bad[] = {{200, cos_psprintf(p, "ETag: \"e2\"\r\n%s", crc_hdr(p, "other", 5)), NULL}};
    mini_http_script(&srv, bad, 1);
    s = cos_upload_part_from_buffer(o, &bucket, &key, &uid, 2, body_of(p, data), NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);
    assert_string_equal(s->error_code, "InconsistentError");

    /* Bad arguments are refused before sending. */
    mini_http_script(&srv, r, 1);
    s = cos_upload_part_from_buffer(o, &bucket, &key, &uid, 0, body_of(p, data), NULL);
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    s = cos_upload_part_from_buffer(o, &bucket, &key, &uid, 10001, body_of(p, data), NULL);
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    cos_string_t empty = {0, NULL};
    s = cos_upload_part_from_buffer(o, &bucket, &key, &empty, 1, body_of(p, data), NULL);
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    assert_int_equal(srv.nreqs, 0);
    cos_pool_destroy(p);
}

static char *temp_file(cos_pool_t *p, const void *data, size_t n)
{
    char *path = cos_pstrdup_cstr(p, "/tmp/cos_mp_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_upload_part_file_range(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    const char *data = "0123456789abcdefghij";
    char *path = temp_file(p, data, strlen(data));
    mini_reply_t r[] = {{200, cos_psprintf(p, "ETag: \"e3\"\r\n%s", crc_hdr(p, data + 5, 7)), NULL}};
    mini_http_script(&srv, r, 1);
    cos_upload_file_t *uf = cos_create_upload_file(p);
    cos_str_set(&uf->filename, path);
    uf->file_pos = 5;
    uf->file_last = 12;
    cos_status_t *s = cos_upload_part_from_file(o, &bucket, &key, &uid, 3, uf, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.reqs[0].body_len, 7);
    assert_memory_equal(srv.reqs[0].body, "56789ab", 7);
    assert_string_equal(hdr(0, "Content-Length"), "7");
    unlink(path);
    cos_str_set(&uf->filename, "/nonexistent/dir/file");
    s = cos_upload_part_from_file(o, &bucket, &key, &uid, 3, uf, NULL);
    assert_int_equal(s->code, COSE_OPEN_FILE_ERROR);
    cos_pool_destroy(p);
}

static cos_list_t *two_parts(cos_pool_t *p)
{
    cos_list_t *l = cos_palloc(p, sizeof(*l));
    cos_list_init(l);
    const char *etags[] = {"\"fc392a65890e447ff4e2d256489a9773\"", "\"a3b1\""};
    for (int i = 0; i < 2; i++) {
        cos_complete_part_content_t *c = cos_create_complete_part_content(p);
        cos_str_set(&c->part_number, i == 0 ? "1" : "2");
        cos_str_set(&c->etag, etags[i]);
        cos_list_add_tail(&c->node, l);
    }
    return l;
}

static void test_complete(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    mini_reply_t ok[] = {{200, "x-cos-hash-crc64ecma: 7220253992730643760\r\n",
                          "\n  \n<CompleteMultipartUploadResult><Location>x</Location><Bucket>b</Bucket>"
                          "<Key>video/big.mp4</Key><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>"}};
    mini_http_script(&srv, ok, 1);
    cos_table_t *rh = NULL;
    cos_status_t *s = cos_complete_multipart_upload(o, &bucket, &key, &uid, two_parts(p), NULL, &rh);
    assert_int_equal(s->code, 200);
    assert_null(s->error_code);
    assert_string_equal(srv.reqs[0].method, "POST");
    assert_string_equal(srv.reqs[0].target, "/video/big.mp4?uploadId=1585130821cbb7df");
    const char *b = srv.reqs[0].body;
    const char *p1 = strstr(b, "<Part><PartNumber>1</PartNumber><ETag>");
    const char *p2 = strstr(b, "<Part><PartNumber>2</PartNumber><ETag>");
    assert_non_null(strstr(b, "<CompleteMultipartUpload>"));
    assert_non_null(p1);
    assert_non_null(p2);
    assert_true(p1 < p2);
    assert_non_null(strstr(b, "fc392a65890e447ff4e2d256489a9773"));

    /* 200 + whitespace + <Error>: failure with the body's code. */
    mini_reply_t werr[] = {{200, NULL, "   \n<?xml version=\"1.0\"?><Error><Code>InternalError</Code>"
                                       "<Message>merge failed</Message></Error>"}};
    mini_http_script(&srv, werr, 1);
    s = cos_complete_multipart_upload(o, &bucket, &key, &uid, two_parts(p), NULL, NULL);
    assert_int_equal(s->code, COSE_SERVICE_ERROR);
    assert_string_equal(s->error_code, "InternalError");
    assert_string_equal(s->error_msg, "merge failed");
    assert_false(cos_status_is_ok(s));

    /* 200 without an ETag. */
    mini_reply_t noetag[] = {
        {200, NULL, "<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>"}};
    mini_http_script(&srv, noetag, 1);
    s = cos_complete_multipart_upload(o, &bucket, &key, &uid, two_parts(p), NULL, NULL);
    assert_int_equal(s->code, COSE_SERVICE_ERROR);
    assert_string_equal(s->error_code, "ServerError");

    /* HTTP error. */
    mini_reply_t nsu[] = {{404, NULL, "<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>"}};
    mini_http_script(&srv, nsu, 1);
    s = cos_complete_multipart_upload(o, &bucket, &key, &uid, two_parts(p), NULL, NULL);
    assert_int_equal(s->code, 404);
    assert_string_equal(s->error_code, "NoSuchUpload");

    /* Empty part list: refused. */
    cos_list_t empty;
    cos_list_init(&empty);
    s = cos_complete_multipart_upload(o, &bucket, &key, &uid, &empty, NULL, NULL);
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    cos_pool_destroy(p);
}

static void test_abort_and_lists(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    mini_reply_t r[] = {{204, NULL, NULL}};
    mini_http_script(&srv, r, 1);
    cos_status_t *s = cos_abort_multipart_upload(o, &bucket, &key, &uid, NULL);
    assert_int_equal(s->code, 204);
    assert_string_equal(srv.reqs[0].method, "DELETE");
    assert_string_equal(srv.reqs[0].target, "/video/big.mp4?uploadId=1585130821cbb7df");

    mini_reply_t lp[] = {{200, NULL,
                          "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>"
                          "<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>"
                          "<MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>"
                          "<Part><PartNumber>1</PartNumber><LastModified>2017-06-20T09:45:49.000Z</LastModified>"
                          "<ETag>\"fae3\"</ETag><Size>6291456</Size></Part>"
                          "<Part><PartNumber>2</PartNumber><LastModified>t2</LastModified>"
                          "<ETag>\"b2\"</ETag><Size>10</Size></Part></ListPartsResult>"}};
    mini_http_script(&srv, lp, 1);
    cos_list_upload_part_params_t *pp = cos_create_list_upload_part_params(p);
    pp->max_ret = 2;
    cos_str_set(&pp->part_number_marker, "0");
    s = cos_list_upload_part(o, &bucket, &key, &uid, pp, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(srv.reqs[0].method, "GET");
    assert_non_null(strstr(srv.reqs[0].target, "uploadId=1585130821cbb7df"));
    assert_non_null(strstr(srv.reqs[0].target, "max-parts=2"));
    assert_non_null(strstr(srv.reqs[0].target, "part-number-marker=0"));
    assert_int_equal(pp->truncated, 1);
    assert_int_equal(pp->next_part_number_marker.len, 1);
    int n = 0;
    cos_list_part_content_t *c;
    cos_list_for_each_entry(cos_list_part_content_t, c, &pp->part_list, node) {
        n++;
        if (n == 1) {
            assert_memory_equal(c->part_number.data, "1", 1);
            assert_int_equal(c->size.len, 7);
            assert_memory_equal(c->size.data, "6291456", 7);
            assert_memory_equal(c->etag.data, "\"fae3\"", 6);
            assert_memory_equal(c->last_modified.data, "2017-06-20T09:45:49.000Z", 24);
        }
    }
    assert_int_equal(n, 2);

    mini_reply_t lu[] = {{200, NULL,
                          "<ListMultipartUploadsResult><Bucket>b</Bucket><Encoding-Type/><KeyMarker/>"
                          "<UploadIdMarker/><NextKeyMarker>k2</NextKeyMarker><NextUploadIdMarker>u2"
                          "</NextUploadIdMarker><MaxUploads>1000</MaxUploads><Prefix>dir/</Prefix>"
                          "<IsTruncated>false</IsTruncated><Upload><Key>dir/Object</Key><UploadId>u1</UploadId>"
                          "<StorageClass>STANDARD</StorageClass><Initiated>2017-01-18T08:04:17.000Z</Initiated>"
                          "</Upload><Upload><Key>dir/k2</Key><UploadId>u2</UploadId><Initiated>t</Initiated>"
                          "</Upload></ListMultipartUploadsResult>"}};
    mini_http_script(&srv, lu, 1);
    cos_list_multipart_upload_params_t *up = cos_create_list_multipart_upload_params(p);
    cos_str_set(&up->prefix, "dir/");
    s = cos_list_multipart_upload(o, &bucket, up, NULL);
    assert_int_equal(s->code, 200);
    assert_non_null(strstr(srv.reqs[0].target, "/?uploads"));
    assert_non_null(strstr(srv.reqs[0].target, "prefix=dir%2F"));
    assert_non_null(strstr(srv.reqs[0].target, "max-uploads="));
    assert_int_equal(up->truncated, 0);
    assert_memory_equal(up->next_key_marker.data, "k2", 2);
    n = 0;
    cos_list_multipart_upload_content_t *u;
    cos_list_for_each_entry(cos_list_multipart_upload_content_t, u, &up->upload_list, node) {
        n++;
        if (n == 1) {
            assert_memory_equal(u->key.data, "dir/Object", 10);
            assert_memory_equal(u->upload_id.data, "u1", 2);
            assert_memory_equal(u->initiated.data, "2017-01-18T08:04:17.000Z", 24);
        }
    }
    assert_int_equal(n, 2);

    mini_reply_t garbage[] = {{200, NULL, "<ListBucketResult/>"}};
    mini_http_script(&srv, garbage, 1);
    s = cos_list_multipart_upload(o, &bucket, up, NULL);
    assert_int_equal(s->code, COSE_XML_PARSE_ERROR);
    cos_pool_destroy(p);
}

static void test_part_copy(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    mini_reply_t r[] = {{200, NULL, "<CopyPartResult><ETag>\"cp1\"</ETag><LastModified>2020-01-01T00:00:00Z"
                                    "</LastModified></CopyPartResult>"}};
    mini_http_script(&srv, r, 1);
    cos_upload_part_copy_params_t *cp = cos_create_upload_part_copy_params(p);
    cos_str_set(&cp->copy_source, "src-1250000000.cos.ap-test.myqcloud.com/a.bin");
    cos_str_set(&cp->dest_bucket, "examplebucket");
    cos_str_set(&cp->dest_object, "video/big.mp4");
    cp->upload_id = uid;
    cp->part_num = 4;
    cp->range_start = 0;
    cp->range_end = 1048575;
    cos_status_t *s = cos_upload_part_copy(o, cp, NULL, NULL);
    assert_int_equal(s->code, 200);
    assert_string_equal(srv.reqs[0].method, "PUT");
    assert_non_null(strstr(srv.reqs[0].target, "partNumber=4"));
    assert_string_equal(hdr(0, "x-cos-copy-source"), "src-1250000000.cos.ap-test.myqcloud.com/a.bin");
    assert_string_equal(hdr(0, "x-cos-copy-source-range"), "bytes=0-1048575");
    assert_memory_equal(cp->rsp_content->etag.data, "\"cp1\"", 5);

    /* Without a range no range header; a 200 <Error> body is a failure. */
    mini_reply_t e[] = {{200, NULL, "<Error><Code>SlowDown</Code><Message>busy</Message></Error>"}};
    mini_http_script(&srv, e, 1);
    cp->range_start = cp->range_end = -1;
    s = cos_upload_part_copy(o, cp, NULL, NULL);
    assert_null(hdr(0, "x-cos-copy-source-range"));
    assert_int_equal(s->code, COSE_SERVICE_ERROR);
    assert_string_equal(s->error_code, "SlowDown");
    cos_pool_destroy(p);
}

#define MIB (1024 * 1024)

/* 2.5 MiB of pseudo-random bytes. */
static unsigned char *make_data(size_t n)
{
    unsigned char *d = malloc(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        d[i] = (unsigned char)(x >> 16);
    }
    return d;
}

static void test_upload_file(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    size_t n = 5 * MIB / 2;
    unsigned char *d = make_data(n);
    char *path = temp_file(p, d, n);
    size_t len[3] = {MIB, MIB, MIB / 2};
    uint64_t total = 0;
    mini_reply_t r[5];
    r[0] = (mini_reply_t){200, NULL, "<InitiateMultipartUploadResult><UploadId>newid</UploadId>"
                                     "</InitiateMultipartUploadResult>"};
    for (int i = 0; i < 3; i++) {
        const unsigned char *part = d + (size_t)i * MIB;
        char md5[33];
        md5_hex(part, len[i], md5);
        r[1 + i] = (mini_reply_t){200, cos_psprintf(p, "ETag: \"%s\"\r\n%s", md5, crc_hdr(p, part, len[i])), NULL};
        uint64_t c = cos_crc64(0, (void *)part, len[i]);
        total = i == 0 ? c : cos_crc64_combine(total, c, len[i]);
    }
    r[4] = (mini_reply_t){200, cos_psprintf(p, "x-cos-hash-crc64ecma: %" PRIu64 "\r\n", total),
                          "<CompleteMultipartUploadResult><ETag>\"x-3\"</ETag></CompleteMultipartUploadResult>"};
    mini_http_script(&srv, r, 5);
    cos_string_t id = {0, NULL};
    cos_string_t fn;
    cos_str_set(&fn, path);
    cos_status_t *s = cos_upload_file(o, &bucket, &key, &id, &fn, 1, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.nreqs, 5);
    assert_memory_equal(id.data, "newid", 5);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(srv.reqs[1 + i].body_len, len[i]);
        assert_memory_equal(srv.reqs[1 + i].body, d + (size_t)i * MIB, len[i]);
        assert_non_null(strstr(srv.reqs[1 + i].target, cos_psprintf(p, "partNumber=%d", i + 1)));
    }
    assert_non_null(strstr(srv.reqs[4].body, "<PartNumber>3</PartNumber>"));

    /* Whole-object CRC differs from the parts: reported. */
    r[4].headers = "x-cos-hash-crc64ecma: 1\r\n";
    mini_http_script(&srv, r, 5);
    cos_string_t id2 = {0, NULL};
    s = cos_upload_file(o, &bucket, &key, &id2, &fn, 1, NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);

    /* Resume: part 1 is on the server with the right MD5, part 2 with a wrong one: parts 2 and 3 sent. */
    char md5_1[33];
    md5_hex(d, MIB, md5_1);
    r[4].headers = cos_psprintf(p, "x-cos-hash-crc64ecma: %" PRIu64 "\r\n", total);
    mini_reply_t rr[4] = {
        {200, NULL, cos_psprintf(p, "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1"
                                    "</PartNumber><ETag>\"%s\"</ETag><Size>%d</Size></Part><Part><PartNumber>2"
                                    "</PartNumber><ETag>\"00\"</ETag><Size>%d</Size></Part></ListPartsResult>",
                                 md5_1, MIB, MIB)},
        r[2], r[3], r[4]};
    mini_http_script(&srv, rr, 4);
    cos_string_t id3;
    cos_str_set(&id3, "oldid");
    s = cos_upload_file(o, &bucket, &key, &id3, &fn, MIB, NULL);
    assert_int_equal(s->code, 200);
    assert_int_equal(srv.nreqs, 4);
    assert_string_equal(srv.reqs[0].method, "GET");
    assert_non_null(strstr(srv.reqs[1].target, "partNumber=2"));
    assert_non_null(strstr(srv.reqs[2].target, "partNumber=3"));
    assert_non_null(strstr(srv.reqs[3].body, md5_1));

    /* A failing part stops the upload and returns that part's status. */
    mini_reply_t fail[2] = {r[0], {400, NULL, "<Error><Code>InvalidArgument</Code><Message>m</Message></Error>"}};
    mini_http_script(&srv, fail, 2);
    cos_string_t id4 = {0, NULL};
    s = cos_upload_file(o, &bucket, &key, &id4, &fn, 1, NULL);
    assert_int_equal(s->code, 400);
    assert_string_equal(s->error_code, "InvalidArgument");
    assert_int_equal(srv.nreqs, 2);

    unlink(path);
    free(d);
    cos_pool_destroy(p);
}

static void test_download_part(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    char *path = temp_file(p, "xxxxxxxxxxxxxxxxxxxx", 20);
    mini_reply_t r[] = {{206, "Content-Range: bytes 4-9/100\r\n", "HELLO!"}};
    mini_http_script(&srv, r, 1);
    cos_upload_file_t *df = cos_create_upload_file(p);
    cos_str_set(&df->filename, path);
    df->file_pos = 4;
    df->file_last = 10;
    cos_status_t *s = cos_download_part_to_file(o, &bucket, &key, df, NULL);
    assert_int_equal(s->code, 206);
    assert_string_equal(hdr(0, "Range"), "bytes=4-9");
    char buf[32] = {0};
    int fd = open(path, O_RDONLY);
    assert_int_equal(read(fd, buf, sizeof(buf)), 20);
    close(fd);
    assert_string_equal(buf, "xxxxHELLO!xxxxxxxxxx");

    /* Short answer: reported. */
    mini_reply_t shortr[] = {{206, NULL, "HI"}};
    mini_http_script(&srv, shortr, 1);
    s = cos_download_part_to_file(o, &bucket, &key, df, NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);

    /* A retried range rewrites the same bytes without truncating the file. */
    mini_reply_t retry[] = {{500, NULL, "<Error><Code>InternalError</Code></Error>"}, {206, NULL, "WORLD!"}};
    mini_http_script(&srv, retry, 2);
    s = cos_download_part_to_file(o, &bucket, &key, df, NULL);
    assert_int_equal(s->code, 206);
    fd = open(path, O_RDONLY);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(read(fd, buf, sizeof(buf)), 20);
    close(fd);
    assert_string_equal(buf, "xxxxWORLD!xxxxxxxxxx");

    df->file_last = 4;
    s = cos_download_part_to_file(o, &bucket, &key, df, NULL);
    assert_int_equal(s->code, COSE_INVALID_ARGUMENT);
    unlink(path);
    cos_pool_destroy(p);
}

static void test_resumable_crc_mismatch_aborts(void **state)
{
    (void)state;
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    names();
    cos_request_options_t *o = make_options(p);
    char *path = temp_file(p, "0123456789", 10);
    mini_reply_t r[] = {
        {200, NULL, "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>"},
        {200, cos_psprintf(p, "ETag: \"e\"\r\n%s", crc_hdr(p, "corrupted!", 10)), NULL},
        {200, cos_psprintf(p, "ETag: \"e\"\r\n%s", crc_hdr(p, "corrupted!", 10)), NULL},
        {200, cos_psprintf(p, "ETag: \"e\"\r\n%s", crc_hdr(p, "corrupted!", 10)), NULL},
        {204, NULL, NULL},
    };
    mini_http_script(&srv, r, 5);
    cos_string_t fn;
    cos_str_set(&fn, path);
    cos_resumable_clt_params_t *cp = cos_create_resumable_clt_params_content(p, 0, 4, COS_FALSE, NULL);
    cos_status_t *s = cos_resumable_upload_file(o, &bucket, &key, &fn, NULL, NULL, cp, NULL, NULL, NULL);
    assert_int_equal(s->code, COSE_CRC_INCONSISTENT_ERROR);
    assert_string_equal(s->error_code, "InconsistentError");
    /* The part was retried, never completed, and the upload aborted. */
    assert_int_equal(srv.nreqs, 5);
    for (int i = 1; i <= 3; i++) {
        assert_string_equal(srv.reqs[i].method, "PUT");
        assert_int_equal(srv.reqs[i].body_len, 10);
    }
    assert_string_equal(srv.reqs[4].method, "DELETE");
    assert_non_null(strstr(srv.reqs[4].target, "uploadId=u1"));
    unlink(path);
    cos_pool_destroy(p);
}

int main(void)
{
    if (cos_http_io_initialize(NULL, 0) != COSE_OK) {
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_upload_part_buffer_and_crc),
        cmocka_unit_test(test_upload_part_file_range),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_abort_and_lists),
        cmocka_unit_test(test_part_copy),
        cmocka_unit_test(test_upload_file),
        cmocka_unit_test(test_download_part),
        cmocka_unit_test(test_resumable_crc_mismatch_aborts),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    cos_http_io_deinitialize();
    return rc;
}
