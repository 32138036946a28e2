/* cos_resumable.c: resumable parallel transfers: cos_resumable_upload_file (multipart upload),
 * cos_resumable_download_file (ranged GETs written in place into "<file>.tmp", renamed at the end) and the
 * part workers of cos_upload_object_by_part_copy_mt: thread_num parts in flight, per-part retries, CRC-64
 * per part and for the whole object, progress on the caller's thread, an append-only checkpoint journal. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cosi.h"
#include "cosi_resumable.h"
#include "cosx_crc64.h"

#define COSI_DOWNLOAD_MIN_PART (4 * 1024 * 1024)
#define COSI_PART_ATTEMPTS 3

/* CRC-64 of file bytes [pos, last). */
int cosi_file_crc64(int fd, int64_t pos, int64_t last, uint64_t *crc)
{
    unsigned char buf[65536];
    uint64_t c = 0;
    while (pos < last) {
        size_t want = (int64_t)sizeof(buf) < last - pos ? sizeof(buf) : (size_t)(last - pos);
        ssize_t n = pread(fd, buf, want, (off_t)pos);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return COSE_FILE_READ_ERROR;
        }
        c = cosx_crc64(c, buf, (size_t)n);
        pos += n;
    }
    *crc = c;
    return COSE_OK;
}

/* A copy of t in p (an empty table for NULL): request calls add their own entries to the tables given. */
static cos_table_t *cosi_table_dup(cos_pool_t *p, const cos_table_t *t)
{
    cos_table_t *copy = cos_table_make(p, 8);
    if (t != NULL) {
        const cos_array_header_t *arr = cos_table_elts(t);
        const cos_table_entry_t *e = (const cos_table_entry_t *)arr->elts;
        for (int i = 0; i < arr->nelts; i++) {
            cos_table_add(copy, e[i].key, e[i].val);
        }
    }
    return copy;
}

/* Headers of a resumable upload that belong on every Upload Part too (the others describe the object and
 * go on the Initiate only). */
static const char *const cosi_part_header_names[] = {
    "x-cos-traffic-limit",
    "x-cos-server-side-encryption-customer-algorithm",
    "x-cos-server-side-encryption-customer-key",
    "x-cos-server-side-encryption-customer-key-MD5",
};

static cos_table_t *cosi_upload_part_headers(cos_pool_t *p, const cos_table_t *headers)
{
    cos_table_t *t = cos_table_make(p, 4);
    size_t n = sizeof(cosi_part_header_names) / sizeof(*cosi_part_header_names);
    for (size_t i = 0; headers != NULL && i < n; i++) {
        const char *v = cos_table_get(headers, cosi_part_header_names[i]);
        if (v != NULL) {
            cos_table_add(t, cosi_part_header_names[i], v);
        }
    }
    return t;
}

/* One part copy of rs->copy_source into the upload; ETag in part->etag. */
static cos_status_t *cosi_rs_copy_part(cosi_rs_t *rs, cos_request_options_t *wo, int i, cos_table_t *h)
{
    cosi_cp_part_t *part = &rs->parts[i];
    cos_upload_part_copy_params_t *cp = cos_create_upload_part_copy_params(wo->pool);
    cos_str_set(&cp->copy_source, rs->copy_source);
    cp->dest_bucket = *rs->bucket;
    cp->dest_object = *rs->object;
    cp->upload_id = rs->upload_id;
    cp->part_num = i + 1;
    if (part->last > part->pos) {
        cp->range_start = part->pos;
        cp->range_end = part->last - 1;
    }
    cos_status_t *s = cos_upload_part_copy(wo, cp, h, NULL);
    if (cos_status_is_ok(s)) {
        snprintf(part->etag, sizeof(part->etag), "%.*s", cp->rsp_content->etag.len, cp->rsp_content->etag.data);
        if (part->etag[0] != '"') { /* Complete wants the ETag as the part answers give it, quoted */
            char q[sizeof(part->etag)];
            snprintf(q, sizeof(q), "\"%.*s\"", (int)sizeof(q) - 3, part->etag);
            memcpy(part->etag, q, sizeof(q));
        }
    }
    return s;
}

static bool cosi_part_retryable(const cos_status_t *s)
{
    return s->code == COSE_CRC_INCONSISTENT_ERROR || s->code >= 500 ||
           (s->code < 0 && s->error_code != NULL && strcmp(s->error_code, COS_HTTP_IO_ERROR_CODE) == 0);
}

/* Transfers part i on the worker's options; COSE_OK or the failing status in *err. */
static cos_status_t *cosi_rs_do_part(cosi_rs_t *rs, cos_request_options_t *wo, int i)
{
    cosi_cp_part_t *part = &rs->parts[i];
    cos_status_t *s = NULL;
    for (int attempt = 0; attempt < COSI_PART_ATTEMPTS; attempt++) {
        cos_table_t *rh = NULL;
        cos_upload_file_t uf = {{0, NULL}, 0, 0};
        if (rs->path != NULL) {
            cos_str_set(&uf.filename, rs->path);
        }
        uf.file_pos = part->pos;
        uf.file_last = part->last;
        cos_table_t *h = cosi_table_dup(wo->pool, rs->part_headers);
        cos_table_t *q = cosi_table_dup(wo->pool, rs->part_params);
        if (rs->mode == COSI_RS_COPY) {
            s = cosi_rs_copy_part(rs, wo, i, h);
            if (cos_status_is_ok(s)) {
                return NULL;
            }
        } else if (rs->upload) {
            s = cos_do_upload_part_from_file(wo, rs->bucket, rs->object, &rs->upload_id, i + 1, &uf, NULL, h, q,
                                             &rh, NULL);
        } else {
            s = cosi_download_part(wo, rs->bucket, rs->object, &uf, NULL, h, q, &rh, &part->crc);
            if (cos_status_is_ok(s)) {
                return NULL; /* part->crc: of the bytes written */
            }
        }
        if (cos_status_is_ok(s)) {
            const char *etag = rh != NULL ? cos_table_get(rh, "ETag") : NULL;
            const char *crc = rh != NULL ? cos_table_get(rh, COS_HASH_CRC64_ECMA) : NULL;
            if (rs->upload && (etag == NULL || strlen(etag) >= sizeof(part->etag) || strchr(etag, ' ') != NULL)) {
                return cosi_status_error(wo->pool, COSE_SERVICE_ERROR, COS_SERVER_ERROR_CODE,
                                         cos_psprintf(wo->pool, "part %d stored without a usable ETag", i + 1));
            }
            if (rs->upload) {
                snprintf(part->etag, sizeof(part->etag), "%s", etag);
            }
            if (rs->upload && crc != NULL) {
                part->crc = cos_atoui64(crc); /* already compared with the bytes sent */
            } else {
                int fd = open(rs->path, O_RDONLY | O_CLOEXEC);
                int r = fd < 0 ? COSE_OPEN_FILE_ERROR : cosi_file_crc64(fd, part->pos, part->last, &part->crc);
                if (fd >= 0) {
                    close(fd);
                }
                if (r != COSE_OK) {
                    return cosi_status_error(wo->pool, r, COS_OPEN_FILE_ERROR_CODE,
                                             cos_psprintf(wo->pool, "cannot read %s: %s", rs->path, strerror(errno)));
                }
            }
            return NULL;
        }
        if (!cosi_part_retryable(s)) {
            break;
        }
        cos_warn_log("part %d attempt %d failed (%d %s)", i + 1, attempt + 1, s->code,
                     s->error_code != NULL ? s->error_code : "");
    }
    return s;
}

static void *cosi_rs_worker(void *arg)
{
    cosi_rs_t *rs = arg;
    cos_pool_t *wp = NULL;
    cos_http_controller_t *ctl = NULL;
    if (cos_pool_create(&wp, NULL) == COSE_OK) {
        ctl = cos_http_controller_create(wp, 0);
    }
    if (ctl != NULL && rs->o->ctl != NULL) {
        *ctl->options = *rs->o->ctl->options;
        cos_set_ca_path(ctl, cosi_ctl_ca_path(rs->o->ctl));
        cos_set_ssl_verify(ctl, cosi_ctl_ssl_verify(rs->o->ctl));
    }
    if (ctl != NULL && rs->mode == COSI_RS_UPLOAD && ctl->options->enable_crc) {
        /* Each part is checked against the CRC-64 the server computed of what it stored (and sent again on a
         * mismatch), so a Content-MD5, which costs one more pass over the file, adds nothing. */
        ctl->options->enable_md5 = COS_FALSE;
    }
    pthread_mutex_lock(&rs->mu);
    if (ctl == NULL && rs->fail == NULL) {
        rs->fail = cosi_status_error(rs->fail_pool, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    for (;;) {
        while (rs->next < rs->nparts && rs->parts[rs->next].done) {
            rs->next++;
        }
        if (rs->fail != NULL || rs->next >= rs->nparts) {
            break;
        }
        int i = rs->next++;
        pthread_mutex_unlock(&rs->mu);
        cos_pool_t *sub = NULL;
        cos_status_t *err;
        if (cos_pool_create(&sub, wp) != COSE_OK) {
            err = cosi_status_error(wp, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        } else {
            cos_request_options_t wo = *rs->o;
            wo.pool = sub;
            wo.ctl = ctl;
            err = cosi_rs_do_part(rs, &wo, i);
        }
        pthread_mutex_lock(&rs->mu);
        if (err != NULL) {
            if (rs->fail == NULL) {
                rs->fail = cos_status_dup(rs->fail_pool, err);
            }
        } else {
            rs->parts[i].done = 1;
            rs->done_bytes += rs->parts[i].last - rs->parts[i].pos;
            rs->order[rs->nfinished++] = i;
            if (rs->cp_fd >= 0) {
                cosi_cp_append_part(rs->cp_fd, i + 1, &rs->parts[i]);
            }
        }
        if (sub != NULL) {
            cos_pool_destroy(sub);
        }
        pthread_cond_broadcast(&rs->cv);
    }
    rs->running--;
    pthread_cond_broadcast(&rs->cv);
    pthread_mutex_unlock(&rs->mu);
    if (wp != NULL) {
        cos_pool_destroy(wp);
    }
    return NULL;
}

/* Runs the workers until every part is done or one failed; reports progress on this thread. Returns
 * NULL or the first failure (in rs->fail_pool). */
cos_status_t *cosi_rs_run(cosi_rs_t *rs, int threads, int64_t total, const cosi_progress_t *cb)
{
    int todo = 0;
    for (int i = 0; i < rs->nparts; i++) {
        todo += !rs->parts[i].done;
    }
    if (threads > todo) {
        threads = todo;
    }
    pthread_t *tids = calloc((size_t)(threads > 0 ? threads : 1), sizeof(*tids));
    free(rs->order);
    rs->order = calloc((size_t)rs->nparts, sizeof(*rs->order));
    rs->nfinished = 0;
    if (tids == NULL || rs->order == NULL) {
        free(tids);
        return cosi_status_error(rs->fail_pool, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    int started = 0;
    pthread_mutex_lock(&rs->mu);
    for (; started < threads; started++) {
        if (pthread_create(&tids[started], NULL, cosi_rs_worker, rs) != 0) {
            if (rs->fail == NULL) {
                rs->fail = cosi_status_error(rs->fail_pool, COSE_INTERNAL_ERROR, "CreateThreadPoolFail",
                                             "cannot start a transfer thread");
            }
            break;
        }
        rs->running++;
    }
    /* One report per finished part, starting from the bytes finished in an earlier run. */
    int64_t sum = rs->done_bytes;
    int nreported = 0;
    for (;;) {
        if ((cb->cb != NULL || cb->cb_ex != NULL) && nreported < rs->nfinished) {
            int i = rs->order[nreported++];
            sum += rs->parts[i].last - rs->parts[i].pos;
            int64_t now = sum;
            pthread_mutex_unlock(&rs->mu);
            if (cb->cb != NULL) {
                cb->cb(now, total);
            } else {
                cb->cb_ex(now, total, cb->user_data);
            }
            pthread_mutex_lock(&rs->mu);
            continue;
        }
        if (rs->running == 0) {
            break;
        }
        pthread_cond_wait(&rs->cv, &rs->mu);
    }
    pthread_mutex_unlock(&rs->mu);
    for (int i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    free(tids);
    return rs->fail;
}

int cosi_clt_threads(const cos_resumable_clt_params_t *c)
{
    return (c->thread_num <= 0 || c->thread_num > 1024) ? 1 : c->thread_num;
}

static char *cosi_cp_path(cos_pool_t *p, const cos_resumable_clt_params_t *c, const char *filepath)
{
    if (!c->enable_checkpoint) {
        return NULL;
    }
    if (!cos_is_null_string((cos_string_t *)&c->checkpoint_path)) {
        return cos_pstrdup(p, &c->checkpoint_path);
    }
    return cos_psprintf(p, "%s.cp", filepath);
}

void cosi_rs_init(cosi_rs_t *rs, const cos_request_options_t *o, const cos_string_t *bucket,
                  const cos_string_t *object, cosi_rs_mode_e mode)
{
    memset(rs, 0, sizeof(*rs));
    pthread_mutex_init(&rs->mu, NULL);
    pthread_cond_init(&rs->cv, NULL);
    rs->o = o;
    rs->bucket = bucket;
    rs->object = object;
    rs->mode = mode;
    rs->upload = mode != COSI_RS_DOWNLOAD;
    rs->cp_fd = -1;
}

void cosi_rs_free(cosi_rs_t *rs)
{
    if (rs->cp_fd >= 0) {
        close(rs->cp_fd);
    }
    free(rs->parts);
    free(rs->order);
    pthread_mutex_destroy(&rs->mu);
    pthread_cond_destroy(&rs->cv);
    if (rs->fail_pool != NULL) {
        cos_pool_destroy(rs->fail_pool);
    }
}

/* Splits size bytes into parts of ps bytes (one empty part for an empty file). */
int cosi_rs_parts(cosi_rs_t *rs, int64_t size, int64_t ps)
{
    rs->nparts = size == 0 ? 1 : (int)((size + ps - 1) / ps);
    rs->parts = calloc((size_t)rs->nparts, sizeof(*rs->parts));
    if (rs->parts == NULL) {
        return COSE_OUT_MEMORY;
    }
    for (int i = 0; i < rs->nparts; i++) {
        rs->parts[i].pos = (int64_t)i * ps;
        rs->parts[i].last = rs->parts[i].pos + ps < size ? rs->parts[i].pos + ps : size;
    }
    return COSE_OK;
}

/* HEAD with query parameters (e.g. versionId), which cos_head_object has no argument for. */
static cos_status_t *cosi_head_object_params(const cos_request_options_t *o, const cos_string_t *bucket,
                                             const cos_string_t *object, cos_table_t *headers, cos_table_t *params,
                                             cos_table_t **resp_headers)
{
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s = cosi_init_request(o, bucket, object, HTTP_HEAD, false, headers, params, &req, &resp);
    if (s != NULL) {
        return s;
    }
    s = cosi_send(o, req, resp, COSI_CRC_NONE);
    *resp_headers = resp->headers;
    if (s->code == 404 && s->error_code != NULL && strcmp(s->error_code, COS_UNKNOWN_ERROR_CODE) == 0) {
        s->error_code = (char *)"NosuchKey"; /* as cos_head_object reports it */
    }
    return s;
}

static cos_status_t *cosi_resumable_upload(cos_request_options_t *options, cos_string_t *bucket,
                                           cos_string_t *object, cos_string_t *filepath, cos_table_t *headers,
                                           cos_table_t *params, cos_resumable_clt_params_t *clt_params,
                                           const cosi_progress_t *progress, cos_table_t **resp_headers,
                                           cos_list_t *resp_body)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (clt_params == NULL) {
        return cosi_status_client(p, "clt_params is NULL: create it with cos_create_resumable_clt_params_content");
    }
    if (filepath == NULL || cos_is_null_string(filepath)) {
        return cosi_status_client(p, "file name is null or empty, please check it");
    }
    cos_status_t *s;
    if ((s = cosi_check_config(p, options->config)) != NULL || (s = cosi_check_bucket(p, bucket)) != NULL) {
        return s;
    }
    if (object == NULL || cos_is_null_string(object)) {
        return cosi_status_client(p, "object key is null or empty, please check it");
    }
    char *path = cos_pstrdup(p, filepath);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return cosi_status_error(p, COSE_FILE_INFO_ERROR, COS_OPEN_FILE_ERROR_CODE,
                                 cos_psprintf(p, "cannot read %s: %s", path,
                                              errno != 0 ? strerror(errno) : "not a regular file"));
    }
    cosi_cp_header_t want = {0};
    want.upload = true;
    want.size = (int64_t)st.st_size;
    want.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    want.part_size = cosi_multipart_part_size(want.size, clt_params->part_size);
    want.bucket = cos_pstrdup(p, bucket);
    want.key = cos_pstrdup(p, object);
    char *cp_path = cosi_cp_path(p, clt_params, path);
    bool restarted = false;
restart:;
    cosi_rs_t rs;
    cosi_rs_init(&rs, options, bucket, object, COSI_RS_UPLOAD);
    rs.path = path;
    rs.part_headers = cosi_upload_part_headers(p, headers);
    rs.part_params = params;
    if (cos_pool_create(&rs.fail_pool, NULL) != COSE_OK || cosi_rs_parts(&rs, want.size, want.part_size) != COSE_OK) {
        cosi_rs_free(&rs);
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    bool resumed = false;
    if (cp_path != NULL) {
        char *old_id = NULL;
        int r = cosi_cp_load(p, cp_path, &want, path, rs.parts, rs.nparts, &old_id);
        if (r == COSE_OK) {
            cos_str_set(&rs.upload_id, old_id);
            resumed = true;
        } else if (old_id != NULL) {
            /* The source changed since: drop the old upload so it leaves nothing behind. */
            cos_string_t oid;
            cos_str_set(&oid, old_id);
            cos_abort_multipart_upload(options, bucket, object, &oid, NULL);
        }
    }
    cos_table_t *init_headers = NULL;
    if (!resumed) {
        for (int i = 0; i < rs.nparts; i++) {
            rs.parts[i].done = 0;
        }
        s = cosi_init_multipart_upload_params(options, bucket, object, &rs.upload_id, cosi_table_dup(p, headers),
                                              cosi_table_dup(p, params), &init_headers);
        if (!cos_status_is_ok(s)) {
            cosi_rs_free(&rs);
            return s;
        }
        want.upload_id = cos_pstrdup(p, &rs.upload_id);
    }
    if (cp_path != NULL) {
        rs.cp_fd = resumed ? cosi_cp_open_append(cp_path, want.valid_len) : cosi_cp_create(cp_path, &want);
        if (rs.cp_fd < 0) {
            cos_warn_log("cannot write checkpoint %s: %s; continuing without", cp_path, strerror(errno));
        }
    }
    for (int i = 0; i < rs.nparts; i++) {
        if (rs.parts[i].done) {
            rs.done_bytes += rs.parts[i].last - rs.parts[i].pos;
        }
    }
    s = cosi_rs_run(&rs, cosi_clt_threads(clt_params), want.size, progress);
    if (s != NULL && resumed && !restarted && s->code == 404 && s->error_code != NULL &&
        strcmp(s->error_code, "NoSuchUpload") == 0) {
        /* The upload of the checkpoint no longer exists: start over once. */
        cosi_rs_free(&rs);
        unlink(cp_path);
        restarted = true;
        goto restart;
    }
    if (s != NULL) {
        s = cos_status_dup(p, s);
        if (cp_path == NULL) {
            cos_abort_multipart_upload(options, bucket, object, &rs.upload_id, NULL);
        }
        cosi_rs_free(&rs);
        return s;
    }
    cos_list_t list;
    cos_list_init(&list);
    uint64_t total_crc = 0;
    for (int i = 0; i < rs.nparts; i++) {
        cos_complete_part_content_t *c = cos_create_complete_part_content(p);
        if (c == NULL) {
            cosi_rs_free(&rs);
            return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
        }
        cos_str_set(&c->part_number, cos_psprintf(p, "%d", i + 1));
        cos_str_set(&c->etag, cos_pstrdup_cstr(p, rs.parts[i].etag));
        cos_list_add_tail(&c->node, &list);
        int64_t len = rs.parts[i].last - rs.parts[i].pos;
        total_crc = i == 0 ? rs.parts[i].crc : cosx_crc64_combine(total_crc, rs.parts[i].crc, (uint64_t)len);
    }
    cos_table_t *rh = NULL;
    s = cos_do_complete_multipart_upload(options, bucket, object, &rs.upload_id, &list,
                                         cos_table_make(p, 1), cosi_table_dup(p, params), &rh, resp_body);
    if (resp_headers != NULL) {
        *resp_headers = rh != NULL ? rh : init_headers;
    }
    const char *crc = rh != NULL ? cos_table_get(rh, COS_HASH_CRC64_ECMA) : NULL;
    bool check = options->ctl == NULL || options->ctl->options == NULL || options->ctl->options->enable_crc;
    if (cos_status_is_ok(s) && check && crc != NULL && cos_atoui64(crc) != total_crc) {
        cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                       cos_psprintf(p, "CRC64 mismatch after complete: server %s, local %" PRIu64, crc, total_crc));
    }
    if (cos_status_is_ok(s)) {
        if (cp_path != NULL) {
            unlink(cp_path);
        }
    } else if (cp_path == NULL && s->code != COSE_CRC_INCONSISTENT_ERROR) {
        cos_abort_multipart_upload(options, bucket, object, &rs.upload_id, NULL);
    }
    cosi_rs_free(&rs);
    return s;
}

static cos_status_t *cosi_resumable_download(cos_request_options_t *options, cos_string_t *bucket,
                                             cos_string_t *object, cos_string_t *filepath, cos_table_t *headers,
                                             cos_table_t *params, cos_resumable_clt_params_t *clt_params,
                                             const cosi_progress_t *progress)
{
    COSI_CHECK_OPTIONS(options);
    cos_pool_t *p = options->pool;
    if (clt_params == NULL) {
        return cosi_status_client(p, "clt_params is NULL: create it with cos_create_resumable_clt_params_content");
    }
    if (filepath == NULL || cos_is_null_string(filepath)) {
        return cosi_status_client(p, "file name is null or empty, please check it");
    }
    cos_table_t *rh = NULL;
    cos_status_t *s = cosi_head_object_params(options, bucket, object, cosi_table_dup(p, headers),
                                              cosi_table_dup(p, params), &rh);
    if (!cos_status_is_ok(s)) {
        return s;
    }
    const char *len = cos_table_get(rh, COS_CONTENT_LENGTH);
    const char *etag = cos_table_get(rh, "ETag");
    const char *lm = cos_table_get(rh, "Last-Modified");
    const char *crc = cos_table_get(rh, COS_HASH_CRC64_ECMA);
    if (len == NULL) {
        return cosi_status_error(p, COSE_SERVICE_ERROR, COS_SERVER_ERROR_CODE, "HEAD returned no Content-Length");
    }
    char *path = cos_pstrdup(p, filepath);
    char *tmp = cos_psprintf(p, "%s%s", path, COS_TEMP_FILE_SUFFIX);
    cosi_cp_header_t want = {0};
    want.upload = false;
    want.size = cos_atoi64(len);
    int64_t ps = clt_params->part_size > COSI_DOWNLOAD_MIN_PART ? clt_params->part_size : COSI_DOWNLOAD_MIN_PART;
    want.part_size = cosi_multipart_part_size(want.size, ps);
    want.bucket = cos_pstrdup(p, bucket);
    want.key = cos_pstrdup(p, object);
    want.etag = cos_pstrdup_cstr(p, etag != NULL ? etag : "");
    want.last_modified = cos_pstrdup_cstr(p, lm != NULL ? lm : "");
    char *cp_path = cosi_cp_path(p, clt_params, path);
    cosi_rs_t rs;
    cosi_rs_init(&rs, options, bucket, object, COSI_RS_DOWNLOAD);
    rs.path = tmp;
    rs.part_headers = headers;
    rs.part_params = params;
    if (cos_pool_create(&rs.fail_pool, NULL) != COSE_OK || cosi_rs_parts(&rs, want.size, want.part_size) != COSE_OK) {
        cosi_rs_free(&rs);
        return cosi_status_error(p, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory");
    }
    bool resumed = cp_path != NULL && cosi_cp_load(p, cp_path, &want, tmp, rs.parts, rs.nparts, NULL) == COSE_OK;
    if (!resumed) {
        for (int i = 0; i < rs.nparts; i++) {
            rs.parts[i].done = 0;
        }
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || ftruncate(fd, (off_t)want.size) != 0) {
            int e = errno;
            if (fd >= 0) {
                close(fd);
            }
            cosi_rs_free(&rs);
            return cosi_status_error(p, COSE_OPEN_FILE_ERROR, COS_OPEN_FILE_ERROR_CODE,
                                     cos_psprintf(p, "cannot create %s: %s", tmp, strerror(e)));
        }
        close(fd);
        if (cp_path != NULL) {
            rs.cp_fd = cosi_cp_create(cp_path, &want);
        }
    } else {
        rs.cp_fd = cosi_cp_open_append(cp_path, want.valid_len);
    }
    if (want.size == 0) {
        rs.parts[0].done = 1; /* nothing to fetch */
    }
    for (int i = 0; i < rs.nparts; i++) {
        if (rs.parts[i].done) {
            rs.done_bytes += rs.parts[i].last - rs.parts[i].pos;
        }
    }
    cos_status_t *f = cosi_rs_run(&rs, cosi_clt_threads(clt_params), want.size, progress);
    if (f != NULL) {
        s = cos_status_dup(p, f);
        if (cp_path == NULL) {
            unlink(tmp);
        }
        cosi_rs_free(&rs);
        return s;
    }
    uint64_t total_crc = 0;
    for (int i = 0; i < rs.nparts; i++) {
        int64_t plen = rs.parts[i].last - rs.parts[i].pos;
        total_crc = i == 0 ? rs.parts[i].crc : cosx_crc64_combine(total_crc, rs.parts[i].crc, (uint64_t)plen);
    }
    bool check = options->ctl == NULL || options->ctl->options == NULL || options->ctl->options->enable_crc;
    if (check && crc != NULL && cos_atoui64(crc) != total_crc) {
        cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                       cos_psprintf(p, "CRC64 mismatch after download: server %s, local %" PRIu64, crc, total_crc));
        unlink(tmp);
        if (cp_path != NULL) {
            unlink(cp_path);
        }
        cosi_rs_free(&rs);
        return s;
    }
    /* No fsync before the rename, as with curl, cp and the official SDK: a crash of the program never
     * leaves a partial file under the final name, and durability against power loss is left to the
     * file system (an fsync here capped downloads at the disk's write speed, bench/RESULTS.md). A
     * resumed download re-reads every part its journal lists and checks its CRC-64, so power lost
     * mid-transfer cannot make it keep bytes that never reached the disk. */
    if (rename(tmp, path) != 0) {
        int e = errno;
        cos_status_set(s, COSE_FILE_WRITE_ERROR, COS_RENAME_FILE_ERROR_CODE,
                       cos_psprintf(p, "cannot move %s to %s: %s", tmp, path, strerror(e)));
    } else if (cp_path != NULL) {
        unlink(cp_path);
    }
    cosi_rs_free(&rs);
    return s;
}

cos_status_t *cos_resumable_upload_file(cos_request_options_t *options, cos_string_t *bucket, cos_string_t *object,
                                        cos_string_t *filepath, cos_table_t *headers, cos_table_t *params,
                                        cos_resumable_clt_params_t *clt_params,
                                        cos_progress_callback progress_callback, cos_table_t **resp_headers,
                                        cos_list_t *resp_body)
{
    cosi_progress_t pr = {progress_callback, NULL, NULL};
    return cosi_resumable_upload(options, bucket, object, filepath, headers, params, clt_params, &pr, resp_headers,
                                 resp_body);
}

cos_status_t *cos_resumable_upload_file_with_data(cos_request_options_t *options, cos_string_t *bucket,
                                                  cos_string_t *object, cos_string_t *filepath, cos_table_t *headers,
                                                  cos_table_t *params, cos_resumable_clt_params_t *clt_params,
                                                  cos_progress_callback_ex progress_callback, void *user_data,
                                                  cos_table_t **resp_headers, cos_list_t *resp_body)
{
    cosi_progress_t pr = {NULL, progress_callback, user_data};
    return cosi_resumable_upload(options, bucket, object, filepath, headers, params, clt_params, &pr, resp_headers,
                                 resp_body);
}

cos_status_t *cos_resumable_download_file(cos_request_options_t *options, cos_string_t *bucket, cos_string_t *object,
                                          cos_string_t *filepath, cos_table_t *headers, cos_table_t *params,
                                          cos_resumable_clt_params_t *clt_params,
                                          cos_progress_callback progress_callback)
{
    cosi_progress_t pr = {progress_callback, NULL, NULL};
    return cosi_resumable_download(options, bucket, object, filepath, headers, params, clt_params, &pr);
}

cos_status_t *cos_resumable_download_file_with_data(cos_request_options_t *options, cos_string_t *bucket,
                                                    cos_string_t *object, cos_string_t *filepath,
                                                    cos_table_t *headers, cos_table_t *params,
                                                    cos_resumable_clt_params_t *clt_params,
                                                    cos_progress_callback_ex progress_callback, void *user_data)
{
    cosi_progress_t pr = {NULL, progress_callback, user_data};
    return cosi_resumable_download(options, bucket, object, filepath, headers, params, clt_params, &pr);
}
