/* cosi_resumable.h: internal interface between the resumable transfers (cos_resumable.c) and their
 * checkpoint journal (cos_resumable_cp.c). Not installed. */
#ifndef LIBCOS_RESUMABLE_INTERNAL_H
#define LIBCOS_RESUMABLE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cosi.h"

/* What the parts of a transfer are. */
typedef enum {
    COSI_RS_UPLOAD,   /* Upload Part from a file range */
    COSI_RS_DOWNLOAD, /* ranged GET written in place */
    COSI_RS_COPY,     /* Upload Part - Copy of a source range */
} cosi_rs_mode_e;

/* One part of a transfer: bytes [pos, last) of the file. */
typedef struct {
    int64_t pos;
    int64_t last;
    uint64_t crc;     /* CRC-64 of the part */
    char etag[80];    /* upload: ETag as returned (with quotes) */
    int done;
} cosi_cp_part_t;

/* What a checkpoint belongs to; a journal is reused only when all of it matches. */
typedef struct {
    bool upload;
    int64_t size;          /* source file (upload) or object (download) size */
    int64_t mtime_ns;      /* upload: source file mtime */
    int64_t part_size;
    char *bucket;
    char *key;
    char *upload_id;       /* upload */
    char *etag;            /* download: object ETag */
    char *last_modified;   /* download: object Last-Modified */
    int64_t valid_len;     /* set by cosi_cp_load: bytes of complete lines */
} cosi_cp_header_t;

/* A transfer in progress: its parts and the workers' shared state (under mu). */
typedef struct cosi_rs {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const cos_request_options_t *o;
    const cos_string_t *bucket;
    const cos_string_t *object;
    cos_string_t upload_id;      /* upload and copy */
    const char *path;            /* source file (upload) or temporary file (download) */
    const char *copy_source;     /* copy: "<bucket>.<endpoint>/<key>" */
    cosi_rs_mode_e mode;
    bool upload;                 /* mode != COSI_RS_DOWNLOAD: parts have ETags for Complete */
    cos_table_t *part_headers;   /* copied for every part request (may be NULL) */
    cos_table_t *part_params;    /* copied for every part request (may be NULL) */
    cosi_cp_part_t *parts;       /* [0, nparts) */
    int nparts;
    int next;                    /* next part index to hand out */
    int running;                 /* workers still running */
    int64_t done_bytes;
    int *order;                  /* part indexes in the order they finished in this run */
    int nfinished;
    int cp_fd;                   /* checkpoint journal or -1 */
    cos_pool_t *fail_pool;       /* holds fail (root pool, used under mu) */
    cos_status_t *fail;
} cosi_rs_t;

/* Progress callback of a transfer: cb, or cb_ex with user_data. */
typedef struct {
    cos_progress_callback cb;
    cos_progress_callback_ex cb_ex;
    void *user_data;
} cosi_progress_t;

/* Sets up rs for a transfer of mode (parts, pools and the rest are filled by the caller). */
void cosi_rs_init(cosi_rs_t *rs, const cos_request_options_t *o, const cos_string_t *bucket,
                  const cos_string_t *object, cosi_rs_mode_e mode);
/* Splits size bytes into parts of ps bytes (one empty part for an empty file). */
int cosi_rs_parts(cosi_rs_t *rs, int64_t size, int64_t ps);
/* Runs threads workers until every part is done or one failed, reporting progress on this thread. NULL or
 * the first failure (in rs->fail_pool). */
cos_status_t *cosi_rs_run(cosi_rs_t *rs, int threads, int64_t total, const cosi_progress_t *cb);
void cosi_rs_free(cosi_rs_t *rs);
/* thread_num of clt_params, 1 when <= 0 or > 1024. */
int cosi_clt_threads(const cos_resumable_clt_params_t *c);

/* Loads the journal at cp_path: COSE_OK when it matches want (want->valid_len set) and every recorded part
 * has the recorded CRC-64 in data_path (parts marked done, crc/etag filled). Otherwise an error; for an
 * upload journal of the same bucket/key *old_upload_id (when not NULL) receives its upload id. */
int cosi_cp_load(cos_pool_t *p, const char *cp_path, cosi_cp_header_t *want, const char *data_path,
                 cosi_cp_part_t *parts, int nparts, char **old_upload_id);
/* New journal with its header line; fd or -1. */
int cosi_cp_create(const char *cp_path, const cosi_cp_header_t *h);
/* Opens a loaded journal for appending, dropping a partial last line; fd or -1. */
int cosi_cp_open_append(const char *cp_path, int64_t valid_len);
/* Appends the line of finished part number n (1-based). */
void cosi_cp_append_part(int fd, int n, const cosi_cp_part_t *part);
/* cos_init_multipart_upload with query parameters added to the request (cos_multipart.c). */
cos_status_t *cosi_init_multipart_upload_params(const cos_request_options_t *options, const cos_string_t *bucket,
                                                const cos_string_t *object, cos_string_t *upload_id,
                                                cos_table_t *headers, cos_table_t *params,
                                                cos_table_t **resp_headers);
/* cos_do_download_part_to_file that also gives the CRC-64 of the bytes received (*crc, may be NULL)
 * (cos_multipart_file.c). */
cos_status_t *cosi_download_part(const cos_request_options_t *options, const cos_string_t *bucket,
                                 const cos_string_t *object, cos_upload_file_t *download_file,
                                 cos_progress_callback progress_callback, cos_table_t *headers, cos_table_t *params,
                                 cos_table_t **resp_headers, uint64_t *crc);
/* CRC-64 of file bytes [pos, last) of fd. */
int cosi_file_crc64(int fd, int64_t pos, int64_t last, uint64_t *crc);

#endif
