/* cosd_multipart_get: the body of a multipart object, read across its part blobs in order (the
 * object is a manifest, never a copy of the parts). Serves whole objects and Range requests. */
#include "cosd_api.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define READ_BLOCK (256 * 1024)

typedef struct parts_reader {
    cosd_store_t *st;
    cosd_manifest_part_t *parts;
    size_t n;
    size_t cur;      /* part being read */
    int64_t cur_off; /* offset within it */
    int fd;          /* open blob of parts[cur], or -1 */
    uint64_t start;  /* object offset of response byte 0 */
    uint64_t next;   /* next response position expected */
} parts_reader_t;

/* Positions the reader at object offset off (parts are opened lazily, one at a time). */
static void seek_to(parts_reader_t *pr, uint64_t off)
{
    if (pr->fd >= 0)
        close(pr->fd);
    pr->fd = -1;
    pr->cur = 0;
    while (pr->cur < pr->n && off >= (uint64_t)pr->parts[pr->cur].size) {
        off -= (uint64_t)pr->parts[pr->cur].size;
        pr->cur++;
    }
    pr->cur_off = (int64_t)off;
}

static ssize_t parts_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    parts_reader_t *pr = cls;
    if (pos != pr->next) {
        seek_to(pr, pr->start + pos);
        pr->next = pos;
    }
    while (pr->cur < pr->n && pr->cur_off >= pr->parts[pr->cur].size) {
        if (pr->fd >= 0)
            close(pr->fd);
        pr->fd = -1;
        pr->cur++;
        pr->cur_off = 0;
    }
    if (pr->cur >= pr->n)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (pr->fd < 0 && (pr->fd = cosd_blob_open(pr->st, pr->parts[pr->cur].blob)) < 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    int64_t left = pr->parts[pr->cur].size - pr->cur_off;
    size_t want = (uint64_t)left < max ? (size_t)left : max;
    ssize_t got;
    do
        got = pread(pr->fd, buf, want, (off_t)pr->cur_off);
    while (got < 0 && errno == EINTR);
    if (got <= 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    pr->cur_off += got;
    pr->next += (uint64_t)got;
    return got;
}

static void parts_free(void *cls)
{
    parts_reader_t *pr = cls;
    if (pr->fd >= 0)
        close(pr->fd);
    free(pr->parts);
    free(pr);
}

struct MHD_Response *cosd_parts_response(cosd_store_t *st, cosd_manifest_part_t *parts, size_t n,
                                         int64_t first, int64_t len)
{
    parts_reader_t *pr = calloc(1, sizeof *pr);
    if (!pr) {
        free(parts);
        return NULL;
    }
    pr->st = st;
    pr->parts = parts;
    pr->n = n;
    pr->fd = -1;
    pr->start = (uint64_t)first;
    seek_to(pr, (uint64_t)first);
    struct MHD_Response *resp =
        MHD_create_response_from_callback((uint64_t)len, READ_BLOCK, parts_read, pr, parts_free);
    if (!resp)
        parts_free(pr);
    return resp;
}
