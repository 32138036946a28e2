/* cos_resumable.h: the resumable-transfer header of the official C SDK: checkpoint types and constants,
 * and the multithreaded part copy cos_upload_object_by_part_copy_mt. The resumable upload and download
 * calls themselves are declared in cos_api.h (included here). */
#ifndef LIBCOS_RESUMABLE_H
#define LIBCOS_RESUMABLE_H

#include "cos_api.h"
#include "cos_sys_define.h"
#include "cos_string.h"
#include "cos_status.h"
#include "cos_transport.h"

COS_CPP_START

#define COS_CP_UPLOAD 1
#define COS_CP_DOWNLOAD 2

/* One part of an official-SDK checkpoint. */
typedef struct {
    int32_t index;
    int64_t offset;
    int64_t size;
    int completed;
    cos_string_t etag;
    uint64_t crc64;
} cos_checkpoint_part_t;

/* The official SDK's checkpoint record (its XML checkpoint file). libcos keeps its own journal (see
 * docs/api.md); the type is provided for programs that declare or inspect one. */
typedef struct {
    cos_string_t md5;
    int cp_type;
    apr_file_t *thefile;
    cos_string_t file_path;
    int64_t file_size;
    apr_time_t file_last_modified;
    cos_string_t file_md5;
    cos_string_t object_name;
    int64_t object_size;
    cos_string_t object_last_modified;
    cos_string_t object_etag;
    cos_string_t upload_id;
    int part_num;
    int64_t part_size;
    cos_checkpoint_part_t *parts;
} cos_checkpoint_t;

/* Copies "<src_bucket>.<src_endpoint>/<src_object>" into dest_object with Upload Part - Copy requests,
 * thread_num parts in flight (1 when <= 0 or > 1024), parts of max(part_size, 1 MiB) grown to fit 10000
 * parts; progress_callback (may be NULL) runs on the caller's thread once per finished part with
 * (copied bytes, source size). The upload is aborted on failure. */
COS_EXPORT cos_status_t *cos_upload_object_by_part_copy_mt(cos_request_options_t *options, cos_string_t *src_bucket,
                                                           cos_string_t *src_object, cos_string_t *src_endpoint,
                                                           cos_string_t *dest_bucket, cos_string_t *dest_object,
                                                           int64_t part_size, int32_t thread_num,
                                                           cos_progress_callback progress_callback);

COS_CPP_END

#endif
