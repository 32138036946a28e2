/* cli_stream.c: transfers between COS and files that cannot be sized or renamed: standard input and
 * output, pipes, FIFOs, character devices. Uploads read one part at a time (a single PUT when the
 * stream ends within the first part, a multipart upload otherwise); downloads write ranged GETs in
 * order, pinned to the object's ETag and checked against its CRC-64 at the end. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cos_crc64.h"

/* COS takes at most this many parts in one upload. */
#define CLI_MAX_PARTS 10000

/* Reads until buf is full or the stream ends; -1 on a read error (errno set). */
static ssize_t read_full(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static bool write_full(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Request options like base's but allocating in p, so each part's memory is freed with p. */
static cos_request_options_t scoped(const cos_request_options_t *base, cos_pool_t *p)
{
    cos_request_options_t o = *base;
    o.pool = p;
    return o;
}

static cos_list_t *body_of(cos_pool_t *p, cos_list_t *list, const char *data, size_t len)
{
    cos_list_init(list);
    cos_buf_t *b = cos_buf_pack(p, data, (int)len);
    cos_list_add_tail(&b->node, list);
    return list;
}

static int abort_upload(cli_t *c, cos_string_t *b, cos_string_t *k, cos_string_t *id)
{
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_abort_multipart_upload(cli_options(c), b, k, id, &resp);
    if (!cos_status_is_ok(s)) {
        cli_error(c,
                  "the unfinished upload %s of cos://%s/%s could not be aborted either; "
                  "`cos abort` removes it later",
                  id->data, b->data, k->data);
    }
    return CLI_FAILED;
}

int cli_stream_upload(cli_t *c, int fd, const char *name, const char *bucket, const char *key,
                      int64_t *bytes)
{
    cos_request_options_t *o = cli_options(c);
    size_t psize = (size_t)c->part_size;
    char *buf = malloc(psize);
    if (!buf) {
        cli_error(c, "out of memory for a %zu-byte part", psize);
        return CLI_FAILED;
    }
    cos_string_t b = cli_str(bucket), k = cli_str(key), id = {0, NULL};
    cos_list_t parts;
    cos_list_init(&parts);
    int64_t total = 0;
    int rc = CLI_OK;
    cli_progress_begin(c, name, -1);
    for (int num = 1;; num++) {
        ssize_t n = read_full(fd, buf, psize);
        if (n < 0) {
            cli_error(c, "cannot read %s: %s", name, strerror(errno));
            rc = id.data ? abort_upload(c, &b, &k, &id) : CLI_FAILED;
            break;
        }
        if (num == 1 && (size_t)n < psize) { /* the whole stream fits in one request */
            cos_list_t body;
            cos_table_t *resp = NULL;
            cos_status_t *s = cos_do_put_object_from_buffer(
                o, &b, &k, body_of(c->pool, &body, buf, (size_t)n), NULL, NULL, NULL, &resp, NULL);
            rc = cos_status_is_ok(s) ? CLI_OK : cli_report_object(c, "upload to", s, bucket, key);
            total = n;
            break;
        }
        if (num == 1) {
            cos_table_t *resp = NULL;
            cos_status_t *s = cos_init_multipart_upload(o, &b, &k, &id, NULL, &resp);
            if (!cos_status_is_ok(s)) {
                rc = cli_report_object(c, "upload to", s, bucket, key);
                break;
            }
        }
        if (n == 0) { /* the stream ended on a part boundary */
            cos_table_t *resp = NULL;
            cos_status_t *s = cos_complete_multipart_upload(o, &b, &k, &id, &parts, NULL, &resp);
            rc = cos_status_is_ok(s) ? CLI_OK : cli_report_object(c, "upload to", s, bucket, key);
            if (rc != CLI_OK) {
                abort_upload(c, &b, &k, &id);
            }
            break;
        }
        if (num > CLI_MAX_PARTS) {
            char hs[32];
            cli_human_size((int64_t)psize * CLI_MAX_PARTS, hs, sizeof(hs));
            cli_error(c,
                      "%s is longer than %d parts of --part-size (%s in all): give a larger "
                      "--part-size",
                      name, CLI_MAX_PARTS, hs);
            rc = abort_upload(c, &b, &k, &id);
            break;
        }
        cos_pool_t *p = NULL;
        cos_pool_create(&p, c->pool);
        cos_request_options_t po = scoped(o, p);
        cos_list_t body;
        cos_table_t *resp = NULL;
        cos_status_t *s = cos_upload_part_from_buffer(&po, &b, &k, &id, num,
                                                      body_of(p, &body, buf, (size_t)n), &resp);
        const char *etag = cos_status_is_ok(s) ? cli_header(resp, "ETag") : NULL;
        if (!etag) {
            rc = cos_status_is_ok(s) ? CLI_FAILED
                                     : cli_report_object(c, "upload a part of", s, bucket, key);
            cos_pool_destroy(p);
            abort_upload(c, &b, &k, &id);
            break;
        }
        cos_complete_part_content_t *part = cos_create_complete_part_content(c->pool);
        char numtxt[16];
        snprintf(numtxt, sizeof(numtxt), "%d", num);
        cos_str_set(&part->part_number, cos_pstrdup_cstr(c->pool, numtxt));
        cos_str_set(&part->etag, cos_pstrdup_cstr(c->pool, etag));
        cos_list_add_tail(&part->node, &parts);
        cos_pool_destroy(p);
        total += n;
        cli_progress_callback()(total, -1);
    }
    free(buf);
    cli_progress_end(rc == CLI_OK);
    *bytes = total;
    return rc;
}

int cli_stream_download(cli_t *c, const char *bucket, const char *key, int fd, const char *name,
                        int64_t *bytes)
{
    cos_request_options_t *o = cli_options(c);
    cos_string_t b = cli_str(bucket), k = cli_str(key);
    cos_table_t *head = NULL;
    int64_t size = 0;
    int hrc = cli_head_size(c, "download", bucket, key, &size, &head);
    if (hrc != CLI_OK) {
        return hrc;
    }
    const char *etag = cli_header(head, "ETag");
    const char *crc = cli_header(head, "x-cos-hash-crc64ecma");
    uint64_t sum = 0;
    int64_t done = 0;
    int rc = CLI_OK;
    cli_progress_begin(c, name, size);
    while (done < size) {
        int64_t last = done + c->part_size - 1 < size - 1 ? done + c->part_size - 1 : size - 1;
        cos_pool_t *p = NULL;
        cos_pool_create(&p, c->pool);
        cos_request_options_t po = scoped(o, p);
        cos_table_t *h = cos_table_make(p, 2);
        char range[64];
        snprintf(range, sizeof(range), "bytes=%" PRId64 "-%" PRId64, done, last);
        cos_table_add(h, "Range", range);
        if (etag) {
            cos_table_add(h, "If-Match", etag); /* a change mid-way fails instead of mixing */
        }
        cos_list_t body;
        cos_list_init(&body);
        cos_table_t *resp = NULL;
        cos_status_t *s = cos_do_get_object_to_buffer(&po, &b, &k, h, NULL, &body, NULL, &resp);
        if (!cos_status_is_ok(s)) {
            rc = s->code == 412
                     ? (cli_error(c, "cos://%s/%s changed during the download", bucket, key),
                        CLI_FAILED)
                     : cli_report_object(c, "download", s, bucket, key);
            cos_pool_destroy(p);
            break;
        }
        int64_t got = 0;
        cos_buf_t *e;
        cos_list_for_each_entry(cos_buf_t, e, &body, node)
        {
            size_t len = (size_t)(e->last - e->pos);
            if (!write_full(fd, (const char *)e->pos, len)) {
                cli_error(c, "cannot write %s: %s", name, strerror(errno));
                rc = CLI_FAILED;
                break;
            }
            sum = cos_crc64(sum, e->pos, len);
            got += (int64_t)len;
        }
        cos_pool_destroy(p);
        if (rc == CLI_OK && got != last - done + 1) {
            cli_error(c, "cos://%s/%s: received %" PRId64 " bytes of a %" PRId64 "-byte range",
                      bucket, key, got, last - done + 1);
            rc = CLI_FAILED;
        }
        if (rc != CLI_OK) {
            break;
        }
        done += got;
        cli_progress_callback()(done, size);
    }
    cli_progress_end(rc == CLI_OK);
    if (rc == CLI_OK && crc && strtoull(crc, NULL, 10) != sum) {
        cli_error(c,
                  "CRC-64 mismatch after downloading cos://%s/%s to %s: the data written is "
                  "not the object",
                  bucket, key, name);
        rc = CLI_FAILED;
    }
    *bytes = done;
    return rc;
}
