/* cos_buf.h: in-memory body chunks (cos_buf_t, chained in a cos_list_t) and file body ranges
 * (cos_file_buf_t), with the helpers that create, fill and open them. */
#ifndef LIBCOS_BUF_H
#define LIBCOS_BUF_H

#include "cos_sys_define.h"
#include "cos_list.h"

COS_CPP_START

typedef struct {
    cos_list_t node;
    uint8_t *pos;
    uint8_t *last;
    uint8_t *start;
    uint8_t *end;
} cos_buf_t;

typedef struct {
    cos_list_t node;
    int64_t file_pos;
    int64_t file_last;
    apr_file_t *file;
    uint32_t owner : 1;
} cos_file_buf_t;

#define cos_buf_size(b) (b->last - b->pos)

COS_EXPORT cos_buf_t *cos_create_buf(cos_pool_t *p, int size);
/* Wraps caller memory without copying; data must outlive the request. */
COS_EXPORT cos_buf_t *cos_buf_pack(cos_pool_t *p, const void *data, int size);
COS_EXPORT int64_t cos_buf_list_len(cos_list_t *list);
COS_EXPORT char *cos_buf_list_content(cos_pool_t *p, cos_list_t *list);
COS_EXPORT void cos_buf_append_string(cos_pool_t *p, cos_buf_t *b, const char *str, int len);

COS_EXPORT cos_file_buf_t *cos_create_file_buf(cos_pool_t *p);
/* Open a file into fb (closed when p is destroyed). Return COSE_OK, COSE_OPEN_FILE_ERROR or
 * COSE_FILE_INFO_ERROR (errno is kept for the caller's message). */
COS_EXPORT int cos_open_file_for_read(cos_pool_t *p, const char *path, cos_file_buf_t *fb);
COS_EXPORT int cos_open_file_for_all_read(cos_pool_t *p, const char *path, cos_file_buf_t *fb);
COS_EXPORT int cos_open_file_for_range_read(cos_pool_t *p, const char *path, int64_t file_pos,
                                            int64_t file_last, cos_file_buf_t *fb);
COS_EXPORT int cos_open_file_for_write(cos_pool_t *p, const char *path, cos_file_buf_t *fb);
COS_EXPORT int cos_open_file_for_write_notrunc(cos_pool_t *p, const char *path, cos_file_buf_t *fb);
COS_EXPORT int cos_open_file_for_range_write(cos_pool_t *p, const char *path, int64_t file_pos,
                                             int64_t file_last, cos_file_buf_t *fb);

/* Our file handle: descriptor access and explicit close (also done by the pool). */
COS_EXPORT int cos_file_fd(const cos_file_t *f);
COS_EXPORT void cos_file_close(cos_file_t *f);
#define apr_file_close(f) (cos_file_close(f), 0)

COS_CPP_END

#endif
