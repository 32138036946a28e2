/* cosd_mp_util: helpers shared by the multipart integration tests of cosd: signed requests on the
 * test bucket, Initiate / Upload Part / Complete with their checks, blob file counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_mp_util.h"

#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tc_xml with &quot; turned back into '"' (cosd escapes the quotes of ETags). */
const char *xml_text(const tc_resp_t *rs, const char *tag, char *out, size_t cap)
{
    tc_xml(rs, tag, out, cap);
    char *q;
    while ((q = strstr(out, "&quot;"))) {
        *q = '"';
        memmove(q + 1, q + 6, strlen(q + 6) + 1);
    }
    return out;
}

char *random_data(size_t n, unsigned seed)
{
    char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)(rand_r(&seed) >> 3);
    return p;
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (e->d_type == DT_DIR) {
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            n += count_files(sub);
        } else {
            n++;
        }
    }
    closedir(d);
    return n;
}

int data_file_count(const cosd_harness_t *h, const char *sub)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/%s", h->data_dir, sub);
    return count_files(dir);
}

int blob_count(const cosd_harness_t *h)
{
    return data_file_count(h, "blobs");
}

tc_resp_t req(const cosd_harness_t *h, const char *method, const char *key, const char *query,
              const void *body, size_t n, const char *const *headers)
{
    tc_req_t rq = {.method = method,
                   .bucket = BUCKET,
                   .key = key,
                   .query = query,
                   .body = body,
                   .body_len = n,
                   .headers = headers};
    tc_resp_t rs;
    assert_int_equal(tc_do(h, &rq, &rs), 0);
    return rs;
}

/* Initiates an upload of key; the upload id into id. */
void mp_init(const cosd_harness_t *h, const char *key, const char *const *headers, char id[128])
{
    tc_resp_t rs = req(h, "POST", key, "uploads", NULL, 0, headers);
    assert_int_equal(rs.status, 200);
    char v[256];
    assert_string_equal(tc_xml(&rs, "Key", v, sizeof v), key);
    assert_string_equal(tc_xml(&rs, "Bucket", v, sizeof v), BUCKET);
    tc_xml(&rs, "UploadId", id, 128);
    assert_true(strlen(id) > 8);
    tc_resp_free(&rs);
}

/* Uploads part n; returns the status and the ETag (quoted) into etag. */
long mp_part(const cosd_harness_t *h, const char *key, const char *id, int n, const void *data,
             size_t len, char etag[64])
{
    char q[256];
    snprintf(q, sizeof q, "partNumber=%d&uploadId=%s", n, id);
    tc_resp_t rs = req(h, "PUT", key, q, data, len, NULL);
    long st = rs.status;
    if (st == 200) {
        assert_true(tc_header(&rs, "ETag", etag, 64));
        char want[40], crc[32], wantcrc[32];
        unsigned char m[16];
        cosx_md5(data, len, m);
        want[0] = '"';
        cosx_hex_encode(m, 16, want + 1);
        strcat(want, "\"");
        assert_string_equal(etag, want);
        assert_true(tc_header(&rs, "x-cos-hash-crc64ecma", crc, sizeof crc));
        snprintf(wantcrc, sizeof wantcrc, "%" PRIu64, cosx_crc64(0, data, len));
        assert_string_equal(crc, wantcrc);
    }
    tc_resp_free(&rs);
    return st;
}

tc_resp_t mp_complete(const cosd_harness_t *h, const char *key, const char *id, const char *xml)
{
    char q[200];
    snprintf(q, sizeof q, "uploadId=%s", id);
    return req(h, "POST", key, q, xml, strlen(xml), NULL);
}

/* <CompleteMultipartUpload> listing parts nums[i] with etags[i]. */
void complete_xml(char *out, size_t cap, const int *nums, char (*etags)[64], size_t n)
{
    size_t o = (size_t)snprintf(out, cap, "<CompleteMultipartUpload>");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(out + o, cap - o,
                              "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", nums[i],
                              etags[i]);
    snprintf(out + o, cap - o, "</CompleteMultipartUpload>");
}

/* The expected multipart ETag: MD5 of the binary part MD5s, "-N". */
void multipart_etag(const char *const *datas, const size_t *lens, size_t n, char out[64])
{
    cosx_digest_t *d = cosx_digest_new(COSX_DIGEST_MD5);
    for (size_t i = 0; i < n; i++) {
        unsigned char m[16];
        cosx_md5(datas[i], lens[i], m);
        cosx_digest_update(d, m, 16);
    }
    unsigned char all[16];
    cosx_digest_final(d, all);
    cosx_digest_free(d);
    char hex[33];
    cosx_hex_encode(all, 16, hex);
    snprintf(out, 64, "\"%s-%zu\"", hex, n);
}

long list_parts_status(const cosd_harness_t *h, const char *key, const char *id)
{
    char q[200];
    snprintf(q, sizeof q, "uploadId=%s", id);
    tc_resp_t rs = req(h, "GET", key, q, NULL, 0, NULL);
    long st = rs.status;
    if (st != 200)
        tc_expect_code(&rs, 404, "NoSuchUpload");
    tc_resp_free(&rs);
    return st;
}

/* Completes a two-part object (1 MiB + tail) at key; returns its data (free it). */
char *make_object(const cosd_harness_t *h, const char *key, size_t tail, unsigned seed, size_t *len)
{
    char id[128], etags[2][64], xml[512];
    mp_init(h, key, NULL, id);
    char *d = random_data(MIB + tail, seed);
    assert_int_equal(mp_part(h, key, id, 1, d, MIB, etags[0]), 200);
    assert_int_equal(mp_part(h, key, id, 2, d + MIB, tail, etags[1]), 200);
    complete_xml(xml, sizeof xml, (int[]){1, 2}, etags, 2);
    tc_resp_t rs = mp_complete(h, key, id, xml);
    assert_int_equal(rs.status, 200);
    tc_resp_free(&rs);
    *len = MIB + tail;
    return d;
}

void expect_body(const cosd_harness_t *h, const char *key, const char *d, size_t n)
{
    tc_resp_t rs = req(h, "GET", key, NULL, NULL, 0, NULL);
    assert_int_equal(rs.status, 200);
    assert_int_equal(rs.body.len, n);
    assert_memory_equal(rs.body.data, d, n);
    tc_resp_free(&rs);
}
