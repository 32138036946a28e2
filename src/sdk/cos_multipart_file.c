/* cos_multipart_file.c: file-level multipart transfers: cos_upload_file (sequential multipart upload of
 * a file, resuming an existing upload id by skipping parts whose size and MD5 already match, whole-object
 * CRC64 checked after Complete) and cos_download_part_to_file (ranged GET written in place). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cosi.h"
#include "cosi_resumable.h"
#include "cosx_crc64.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

#define COSI_MIN_PART_SIZE (1024 * 1024)

int64_t cosi_multipart_part_size(int64_t file_size, int64_t wanted)
{
    int64_t ps = wanted > COSI_MIN_PART_SIZE ? wanted : COSI_MIN_PART_SIZE;
    int64_t need = (file_size + COS_MAX_PART_NUM - 1) / COS_MAX_PART_NUM;
    return ps > need ? ps : need;
}

/* A part already on the server: its size and ETag (without quotes, lowercase). */
typedef struct {
    int64_t size;
    char etag[64];
} cosi_known_part_t;

/* MD5 (hex) and CRC64 of file bytes [pos, last). */
static int cosi_hash_range(int fd, int64_t pos, int64_t last, char md5hex[33], uint64_t *crc)
{
    cosx_digest_t *d = cosx_digest_new(COSX_DIGEST_MD5);
    if (d == NULL) {
        return COSE_OUT_MEMORY;
    }
    unsigned char buf[65536];
    uint64_t c = 0;
    while (pos < last) {
        size_t want = (int64_t)sizeof(buf) < last - pos ? sizeof(buf) : (size_t)(last - pos);
        ssize_t n = pread(fd, buf, want, (off_t)pos);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            cosx_digest_free(d);
            return COSE_FILE_READ_ERROR;
        }
        cosx_digest_update(d, buf, (size_t)n);
        c = cosx_crc64(c, buf, (size_t)n);
        pos += n;
    }
    unsigned char md[16];
    cosx_digest_final(d, md);
    cosx_digest_free(d);
    cosx_hex_encode(md, sizeof(md), md5hex);
    *crc = c;
    return COSE_OK;
}

static void cosi_etag_norm(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in != '\0' && n + 1 < cap; in++) {
        if (*in != '"') {
            out[n++] = (char)((*in >= 'A' && *in <= 'Z') ? *in - 'A' + 'a' : *in);
        }
    }
    out[n] = '\0';
}

/* Lists every part of upload_id into known[1..nparts]. */
static cos_status_t *cosi_collect_parts(cos_request_options_t *o, const cos_string_t *bucket,
                                        const cos_string_t *object, const cos_string_t *upload_id,
                                        cosi_known_part_t *known, int nparts)
{
    cos_pool_t *parent = o->pool;
    char *marker = (char *)"";
    for (;;) {
        cos_pool_t *sub;
        if (cos_pool_create(&sub, parent) != COSE_OK) {
            return cosi_status_error(parent, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        }
        cos_request_options_t so = *o;
        so.pool = sub;
        cos_list_upload_part_params_t *lp = cos_create_list_upload_part_params(sub);
        cos_str_set(&lp->part_number_marker, marker);
        lp->max_ret = COS_PER_RET_NUM;
        cos_status_t *s = cos_list_upload_part(&so, bucket, object, upload_id, lp, NULL);
        if (!cos_status_is_ok(s)) {
            s = cos_status_dup(parent, s);
            cos_pool_destroy(sub);
            return s;
        }
        cos_list_part_content_t *c;
        cos_list_for_each_entry(cos_list_part_content_t, c, &lp->part_list, node) {
            char *num = cos_pstrdup(sub, &c->part_number);
            char *size = cos_pstrdup(sub, &c->size);
            char *etag = cos_pstrdup(sub, &c->etag);
            int64_t n = num != NULL ? cos_atoi64(num) : 0;
            if (n >= 1 && n <= nparts && size != NULL && etag != NULL) {
                known[n].size = cos_atoi64(size);
                cosi_etag_norm(etag, known[n].etag, sizeof(known[n].etag));
            }
        }
        int more = lp->truncated && !cos_is_null_string(&lp->next_part_number_marker);
        if (more) {
            marker = cos_pstrdup(parent, &lp->next_part_number_marker);
        }
        cos_pool_destroy(sub);
        if (!more) {
            return NULL;
        }
    }
}

cos_status_t *cos_upload_file(cos_request_options_t *options, const cos_string_t *bucket,
                              const cos_string_t *object, cos_string_t *upload_id, cos_string_t *filename,
                              int64_t part_size, cos_table_t *headers)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (upload_id == NULL) {
        return cosi_status_client(p, "upload_id is NULL: pass a cos_string_t (data NULL to start a new upload)");
    }
    if (filename == NULL || cos_is_null_string(filename)) {
        return cosi_status_client(p, "file name is null or empty, please check it");
    }
    char *path = cos_pstrdup(p, filename);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
        }
        return cosi_status_error(p, COSE_OPEN_FILE_ERROR, COS_OPEN_FILE_ERROR_CODE,
                                 cos_psprintf(p, "cannot open %s: %s", path, strerror(e)));
    }
    int64_t size = (int64_t)st.st_size;
    int64_t ps = cosi_multipart_part_size(size, part_size);
    int nparts = size == 0 ? 1 : (int)((size + ps - 1) / ps);
    cosi_known_part_t *known = calloc((size_t)nparts + 1, sizeof(*known));
    if (known == NULL) {
        close(fd);
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    for (int i = 0; i <= nparts; i++) {
        known[i].size = -1;
    }
    cos_status_t *s = NULL;
    if (upload_id->data == NULL || upload_id->len == 0) {
        cos_table_t *h = headers != NULL ? headers : cos_table_make(p, 1);
        s = cos_init_multipart_upload(options, bucket, object, upload_id, h, NULL);
    } else {
        s = cosi_collect_parts(options, bucket, object, upload_id, known, nparts);
    }
    if (s != NULL && !cos_status_is_ok(s)) {
        free(known);
        close(fd);
        return s;
    }
    cos_list_t parts;
    cos_list_init(&parts);
    uint64_t total_crc = 0;
    bool crc_known = true;
    for (int i = 1; i <= nparts && (s == NULL || cos_status_is_ok(s)); i++) {
        int64_t pos = (int64_t)(i - 1) * ps;
        int64_t last = pos + ps < size ? pos + ps : size;
        cos_complete_part_content_t *cp = cos_create_complete_part_content(p);
        if (cp == NULL) {
            s = cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
            break;
        }
        cos_str_set(&cp->part_number, cos_psprintf(p, "%d", i));
        uint64_t part_crc = 0;
        bool have_crc = false;
        if (known[i].size == last - pos) {
            char md5hex[33];
            int r = cosi_hash_range(fd, pos, last, md5hex, &part_crc);
            if (r != COSE_OK) {
                s = cosi_status_error(p, r, COS_OPEN_FILE_ERROR_CODE,
                                      cos_psprintf(p, "cannot read %s: %s", path, strerror(errno)));
                break;
            }
            if (strcmp(md5hex, known[i].etag) == 0) {
                cos_str_set(&cp->etag, cos_psprintf(p, "\"%s\"", md5hex));
                have_crc = true;
            }
        }
        if (!have_crc) {
            cos_pool_t *sub;
            if (cos_pool_create(&sub, p) != COSE_OK) {
                s = cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
                break;
            }
            cos_request_options_t so = *options;
            so.pool = sub;
            cos_upload_file_t uf;
            cos_str_set(&uf.filename, path);
            uf.file_pos = pos;
            uf.file_last = last;
            cos_table_t *rh = NULL;
            cos_status_t *ps_status = cos_upload_part_from_file(&so, bucket, object, upload_id, i, &uf, &rh);
            const char *etag = rh != NULL ? cos_table_get(rh, "ETag") : NULL;
            const char *crc = rh != NULL ? cos_table_get(rh, COS_HASH_CRC64_ECMA) : NULL;
            if (cos_status_is_ok(ps_status) && etag != NULL) {
                cos_str_set(&cp->etag, cos_pstrdup_cstr(p, etag));
                have_crc = crc != NULL;
                part_crc = crc != NULL ? cos_atoui64(crc) : 0;
            } else {
                s = cos_status_is_ok(ps_status)
                        ? cosi_status_error(p, COSE_SERVICE_ERROR, COS_SERVER_ERROR_CODE,
                                            cos_psprintf(p, "part %d was stored without an ETag", i))
                        : cos_status_dup(p, ps_status);
            }
            cos_pool_destroy(sub);
            if (s != NULL && !cos_status_is_ok(s)) {
                break;
            }
        }
        crc_known = crc_known && have_crc;
        total_crc = i == 1 ? part_crc : cosx_crc64_combine(total_crc, part_crc, (uint64_t)(last - pos));
        cos_list_add_tail(&cp->node, &parts);
    }
    free(known);
    close(fd);
    if (s != NULL && !cos_status_is_ok(s)) {
        return s;
    }
    cos_table_t *rh = NULL;
    s = cos_complete_multipart_upload(options, bucket, object, upload_id, &parts, cos_table_make(p, 1), &rh);
    const char *crc = rh != NULL ? cos_table_get(rh, COS_HASH_CRC64_ECMA) : NULL;
    bool check = options->ctl == NULL || options->ctl->options == NULL || options->ctl->options->enable_crc;
    if (cos_status_is_ok(s) && check && crc_known && crc != NULL && cos_atoui64(crc) != total_crc) {
        cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                       cos_psprintf(p, "CRC64 mismatch after complete: server %s, local %" PRIu64, crc,
                                    total_crc));
    }
    return s;
}

cos_status_t *cosi_download_part(const cos_request_options_t *options, const cos_string_t *bucket,
                                 const cos_string_t *object, cos_upload_file_t *download_file,
                                 cos_progress_callback progress_callback, cos_table_t *headers, cos_table_t *params,
                                 cos_table_t **resp_headers, uint64_t *crc)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (download_file == NULL || cos_is_null_string(&download_file->filename) || download_file->file_pos < 0 ||
        download_file->file_last <= download_file->file_pos) {
        return cosi_status_client(p, "download_file needs a file name and a non-empty range file_pos < file_last");
    }
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(options, bucket, object, HTTP_GET, true, headers, params, &req, &resp);
    if (s != NULL) {
        return s;
    }
    int64_t pos = download_file->file_pos, last = download_file->file_last;
    cos_table_set(req->headers, COS_RANGE, cos_psprintf(p, "bytes=%" PRId64 "-%" PRId64, pos, last - 1));
    char *path = cos_pstrdup(p, &download_file->filename);
    cos_file_buf_t *fb = cos_create_file_buf(p);
    if (path == NULL || fb == NULL) {
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    int r = cos_open_file_for_range_write(p, path, pos, last, fb);
    if (r != COSE_OK) {
        return cosi_status_error(p, r, COS_OPEN_FILE_ERROR_CODE,
                                 cos_psprintf(p, "cannot open %s: %s", path, strerror(errno)));
    }
    resp->type = BODY_IN_FILE;
    resp->file_buf = fb;
    resp->file_path = path;
    resp->progress_callback = progress_callback;
    s = cosi_send(options, req, resp, COSI_CRC_DOWNLOAD);
    if (resp_headers != NULL) {
        *resp_headers = resp->headers;
    }
    cos_file_close(fb->file);
    if (cos_status_is_ok(s) && resp->body_len != last - pos) {
        cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                       cos_psprintf(p, "asked for bytes %" PRId64 "-%" PRId64 " but received %" PRId64
                                    " bytes (status %d)", pos, last - 1, resp->body_len, s->code));
    }
    if (crc != NULL) {
        *crc = resp->crc64;
    }
    return s;
}

cos_status_t *cos_do_download_part_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                           const cos_string_t *object, cos_upload_file_t *download_file,
                                           cos_progress_callback progress_callback, cos_table_t *headers,
                                           cos_table_t *params, cos_table_t **resp_headers)
{
    return cosi_download_part(options, bucket, object, download_file, progress_callback, headers, params,
                              resp_headers, NULL);
}

cos_status_t *cos_download_part_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                        const cos_string_t *object, cos_upload_file_t *download_file,
                                        cos_table_t **resp_headers)
{
    return cos_do_download_part_to_file(options, bucket, object, download_file, NULL, NULL, NULL, resp_headers);
}

cos_status_t *cos_upload_object_by_part_copy(cos_request_options_t *options, const cos_string_t *copy_source,
                                             const cos_string_t *dest_bucket, const cos_string_t *dest_object,
                                             int64_t part_size)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    /* copy_source: "<bucket>.<endpoint host>/<key>" (the source is sized with HEAD; the official SDK
     * HEADs the destination instead). */
    char *src = copy_source != NULL ? cos_pstrdup(p, copy_source) : NULL;
    char *slash = src != NULL ? strchr(src, '/') : NULL;
    char *dot = src != NULL ? strchr(src, '.') : NULL;
    if (src == NULL || slash == NULL || dot == NULL || dot > slash || dot == src || slash[1] == '\0') {
        return cosi_status_client(p, "copy_source must look like \"<bucket>-<appid>.<endpoint host>/<key>\"");
    }
    cos_request_options_t so = *options;
    cos_config_t scfg = *options->config;
    so.config = &scfg;
    cos_str_set(&scfg.endpoint, cos_pstrndup(p, dot + 1, (size_t)(slash - dot - 1)));
    cos_str_set(&scfg.appid, "");
    scfg.is_cname = 0;
    cos_string_t sbucket, skey;
    cos_str_set(&sbucket, cos_pstrndup(p, src, (size_t)(dot - src)));
    cosx_buf_t kb = COSX_BUF_INIT;
    const char *key = cosx_pct_decode(&kb, slash + 1, strlen(slash + 1), false) ? cosx_buf_str(&kb) : slash + 1;
    cos_str_set(&skey, cos_pstrdup_cstr(p, key));
    cosx_buf_free(&kb);
    cos_table_t *rh = NULL;
    cos_status_t *s = cos_head_object(&so, &sbucket, &skey, NULL, &rh);
    if (!cos_status_is_ok(s)) {
        return s;
    }
    const char *len = cos_table_get(rh, COS_CONTENT_LENGTH);
    int64_t size = len != NULL ? cos_atoi64(len) : 0;
    int64_t ps = cosi_multipart_part_size(size, part_size);
    int nparts = size == 0 ? 1 : (int)((size + ps - 1) / ps);
    cos_string_t upload_id = {0, NULL};
    s = cos_init_multipart_upload(options, dest_bucket, dest_object, &upload_id, cos_table_make(p, 1), NULL);
    if (!cos_status_is_ok(s)) {
        return s;
    }
    cos_list_t parts;
    cos_list_init(&parts);
    for (int i = 1; i <= nparts; i++) {
        cos_pool_t *sub;
        if (cos_pool_create(&sub, p) != COSE_OK) {
            s = cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
            break;
        }
        cos_request_options_t po = *options;
        po.pool = sub;
        cos_upload_part_copy_params_t *cp = cos_create_upload_part_copy_params(sub);
        cp->copy_source = *copy_source;
        cp->dest_bucket = *dest_bucket;
        cp->dest_object = *dest_object;
        cp->upload_id = upload_id;
        cp->part_num = i;
        if (size > 0) {
            cp->range_start = (int64_t)(i - 1) * ps;
            cp->range_end = (i * ps < size ? i * ps : size) - 1;
        }
        cos_status_t *ps_status = cos_upload_part_copy(&po, cp, NULL, NULL);
        if (cos_status_is_ok(ps_status)) {
            cos_complete_part_content_t *c = cos_create_complete_part_content(p);
            cos_str_set(&c->part_number, cos_psprintf(p, "%d", i));
            cos_str_set(&c->etag, cos_pstrdup(p, &cp->rsp_content->etag));
            cos_list_add_tail(&c->node, &parts);
        } else {
            s = cos_status_dup(p, ps_status);
        }
        cos_pool_destroy(sub);
        if (!cos_status_is_ok(s)) {
            break;
        }
    }
    if (cos_status_is_ok(s)) {
        s = cos_complete_multipart_upload(options, dest_bucket, dest_object, &upload_id, &parts,
                                          cos_table_make(p, 1), NULL);
    }
    if (!cos_status_is_ok(s)) {
        cos_abort_multipart_upload(options, dest_bucket, dest_object, &upload_id, NULL);
    }
    return s;
}
