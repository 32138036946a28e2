/* cosi_resumable.h: internal interface between the resumable transfers (cos_resumable.c) and their
 * checkpoint journal (cos_resumable_cp.c). Not installed. */
#ifndef LIBCOS_RESUMABLE_INTERNAL_H
#define LIBCOS_RESUMABLE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cosi.h"

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
/* CRC-64 of file bytes [pos, last) of fd. */
int cosi_file_crc64(int fd, int64_t pos, int64_t last, uint64_t *crc);

#endif
