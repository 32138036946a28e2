/* cos_resumable_cp.c: the checkpoint journal of resumable transfers: a text file whose first line names
 * the transfer (type, size, source mtime, part size, bucket, key, upload id or object ETag and
 * Last-Modified) and which gains one line per finished part (number, CRC-64, ETag), appended as parts
 * finish so a killed process loses at most the parts in flight. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cosi_resumable.h"
#include "cosx_buf.h"
#include "cosx_encode.h"

#define COSI_CP_MAGIC "cos-checkpoint 1"
#define COSI_CP_MAX_BYTES (16 * 1024 * 1024)

/* "x" + lowercase hex of s (so empty strings stay one token). */
static char *cosi_cp_hex(cos_pool_t *p, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    char *out = cos_palloc(p, 2 * n + 2);
    if (out == NULL) {
        return NULL;
    }
    out[0] = 'x';
    cosx_hex_encode((const unsigned char *)(s != NULL ? s : ""), n, out + 1);
    return out;
}

static bool cosi_cp_unhex(cos_pool_t *p, const char *tok, char **out)
{
    if (tok == NULL || tok[0] != 'x') {
        return false;
    }
    size_t hl = strlen(tok + 1);
    char *b = cos_palloc(p, hl / 2 + 1);
    size_t got = 0;
    if (b == NULL || !cosx_hex_decode(tok + 1, hl, (unsigned char *)b, hl / 2 + 1, &got)) {
        return false;
    }
    b[got] = '\0';
    *out = b;
    return true;
}

static char *cosi_cp_header_line(cos_pool_t *p, const cosi_cp_header_t *h)
{
    return cos_psprintf(p, COSI_CP_MAGIC " %s %" PRId64 " %" PRId64 " %" PRId64 " %s %s %s %s %s\n",
                        h->upload ? "upload" : "download", h->size, h->mtime_ns, h->part_size,
                        cosi_cp_hex(p, h->bucket), cosi_cp_hex(p, h->key), cosi_cp_hex(p, h->upload_id),
                        cosi_cp_hex(p, h->etag), cosi_cp_hex(p, h->last_modified));
}

static bool cosi_streq(const char *a, const char *b)
{
    return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

int cosi_cp_load(cos_pool_t *p, const char *cp_path, cosi_cp_header_t *want, const char *data_path,
                 cosi_cp_part_t *parts, int nparts, char **old_upload_id)
{
    int fd = open(cp_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > COSI_CP_MAX_BYTES) {
        if (fd >= 0) {
            close(fd);
        }
        return COSE_OPEN_FILE_ERROR;
    }
    char *text = cos_palloc(p, (size_t)st.st_size + 1);
    ssize_t n = text != NULL ? pread(fd, text, (size_t)st.st_size, 0) : -1;
    close(fd);
    if (n != (ssize_t)st.st_size) {
        return COSE_FILE_READ_ERROR;
    }
    text[n] = '\0';
    char *nl = strchr(text, '\n');
    if (nl == NULL) {
        return COSE_XML_PARSE_ERROR;
    }
    *nl = '\0';
    char type[16], hb[2048], hk[8192], hid[1024], het[1024], hlm[256];
    int64_t size, mtime, ps;
    if (strncmp(text, COSI_CP_MAGIC " ", strlen(COSI_CP_MAGIC) + 1) != 0 ||
        sscanf(text + strlen(COSI_CP_MAGIC) + 1,
               "%15s %" SCNd64 " %" SCNd64 " %" SCNd64 " %2047s %8191s %1023s %1023s %255s", type, &size, &mtime,
               &ps, hb, hk, hid, het, hlm) != 9) {
        return COSE_XML_PARSE_ERROR;
    }
    char *bucket, *key, *id, *etag, *lm;
    if (!cosi_cp_unhex(p, hb, &bucket) || !cosi_cp_unhex(p, hk, &key) || !cosi_cp_unhex(p, hid, &id) ||
        !cosi_cp_unhex(p, het, &etag) || !cosi_cp_unhex(p, hlm, &lm)) {
        return COSE_XML_PARSE_ERROR;
    }
    bool same_target = strcmp(type, want->upload ? "upload" : "download") == 0 && cosi_streq(bucket, want->bucket) &&
                       cosi_streq(key, want->key);
    if (!same_target) {
        return COSE_INVALID_OPERATION;
    }
    if (want->upload && old_upload_id != NULL && *id != '\0') {
        *old_upload_id = id;
    }
    if (size != want->size || ps != want->part_size || (want->upload && mtime != want->mtime_ns) ||
        (!want->upload && (!cosi_streq(etag, want->etag) || !cosi_streq(lm, want->last_modified))) ||
        (want->upload && *id == '\0')) {
        return COSE_INVALID_OPERATION;
    }
    int dfd = open(data_path, O_RDONLY | O_CLOEXEC);
    struct stat dst;
    if (dfd < 0 || fstat(dfd, &dst) != 0 || (int64_t)dst.st_size != want->size) {
        if (dfd >= 0) {
            close(dfd);
        }
        return COSE_INVALID_OPERATION;
    }
    int r = COSE_OK;
    char *line = nl + 1;
    want->valid_len = line - text;
    for (char *end; r == COSE_OK && (end = strchr(line, '\n')) != NULL; line = end + 1) {
        *end = '\0';
        int num;
        uint64_t crc;
        char tag[256];
        if (sscanf(line, "part %d %" SCNu64 " %255s", &num, &crc, tag) != 3 || num < 1 || num > nparts) {
            r = COSE_XML_PARSE_ERROR;
            break;
        }
        char *et;
        uint64_t local;
        cosi_cp_part_t *pt = &parts[num - 1];
        if (!cosi_cp_unhex(p, tag, &et) || strlen(et) >= sizeof(pt->etag)) {
            r = COSE_XML_PARSE_ERROR;
            break;
        }
        if (cosi_file_crc64(dfd, pt->pos, pt->last, &local) != COSE_OK || local != crc) {
            r = COSE_CRC_INCONSISTENT_ERROR; /* the data changed since: start over */
            break;
        }
        pt->crc = crc;
        snprintf(pt->etag, sizeof(pt->etag), "%s", et);
        pt->done = 1;
        want->valid_len = (end + 1) - text;
    }
    close(dfd);
    if (r == COSE_OK && want->upload) {
        want->upload_id = id;
    }
    return r;
}

int cosi_cp_create(const char *cp_path, const cosi_cp_header_t *h)
{
    cos_pool_t *p;
    if (cos_pool_create(&p, NULL) != COSE_OK) {
        return -1;
    }
    char *line = cosi_cp_header_line(p, h);
    int fd = line != NULL ? open(cp_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644) : -1;
    if (fd >= 0 && write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
        close(fd);
        unlink(cp_path);
        fd = -1;
    }
    cos_pool_destroy(p);
    return fd;
}

int cosi_cp_open_append(const char *cp_path, int64_t valid_len)
{
    int fd = open(cp_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0 && ftruncate(fd, (off_t)valid_len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

void cosi_cp_append_part(int fd, int n, const cosi_cp_part_t *part)
{
    char hex[2 * sizeof(part->etag) + 2];
    hex[0] = 'x';
    cosx_hex_encode((const unsigned char *)part->etag, strlen(part->etag), hex + 1);
    char line[sizeof(hex) + 64];
    int len = snprintf(line, sizeof(line), "part %d %" PRIu64 " %s\n", n, part->crc, hex);
    if (len > 0 && write(fd, line, (size_t)len) != len) {
        cos_warn_log("cannot append to checkpoint: %s", strerror(errno));
    }
}
