/* cos_buf.c: body buffers (cos_buf_t chains) and the SDK's own file handle (cos_file_t) with the
 * cos_open_file_for_* helpers; files are closed when the pool they were opened in is destroyed. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cosi.h"

struct cos_file_s {
    int fd;
    char *path;
};

static void cosi_file_cleanup(void *data)
{
    cos_file_t *f = data;
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
}

int cosi_file_open(cos_pool_t *p, const char *path, int flags, int mode, cos_file_t **out)
{
    *out = NULL;
    if (path == NULL) {
        errno = EINVAL;
        return COSE_OPEN_FILE_ERROR;
    }
    cos_file_t *f = cos_palloc(p, sizeof(*f));
    if (f == NULL) {
        errno = ENOMEM;
        return COSE_OUT_MEMORY;
    }
    f->path = cos_pstrdup_cstr(p, path);
    f->fd = open(path, flags | O_CLOEXEC, mode);
    if (f->fd < 0) {
        return COSE_OPEN_FILE_ERROR;
    }
    if (cos_pool_cleanup_register(p, f, cosi_file_cleanup) != COSE_OK) {
        int e = errno;
        close(f->fd);
        errno = e;
        return COSE_OUT_MEMORY;
    }
    *out = f;
    return COSE_OK;
}

const char *cosi_file_path(const cos_file_t *f)
{
    return f != NULL && f->path != NULL ? f->path : "";
}

int cos_file_fd(const cos_file_t *f)
{
    return f != NULL ? f->fd : -1;
}

void cos_file_close(cos_file_t *f)
{
    if (f != NULL) {
        cosi_file_cleanup(f);
    }
}

cos_buf_t *cos_create_buf(cos_pool_t *p, int size)
{
    cos_buf_t *b = cos_pcalloc(p, sizeof(*b));
    if (b == NULL) {
        return NULL;
    }
    if (size < 0) {
        size = 0;
    }
    b->start = cos_palloc(p, (size_t)size);
    if (b->start == NULL) {
        return NULL;
    }
    b->pos = b->last = b->start;
    b->end = b->start + size;
    cos_list_init(&b->node);
    return b;
}

cos_buf_t *cos_buf_pack(cos_pool_t *p, const void *data, int size)
{
    cos_buf_t *b = cos_pcalloc(p, sizeof(*b));
    if (b == NULL) {
        return NULL;
    }
    if (size < 0) {
        size = 0;
    }
    b->pos = (uint8_t *)data;
    b->last = b->pos + size;
    b->start = b->pos;
    b->end = b->last;
    cos_list_init(&b->node);
    return b;
}

int64_t cos_buf_list_len(cos_list_t *list)
{
    int64_t n = 0;
    cos_buf_t *b;
    cos_list_for_each_entry(cos_buf_t, b, list, node) {
        n += cos_buf_size(b);
    }
    return n;
}

char *cos_buf_list_content(cos_pool_t *p, cos_list_t *list)
{
    int64_t n = cos_buf_list_len(list);
    char *r = cos_palloc(p, (size_t)n + 1);
    if (r == NULL) {
        return NULL;
    }
    size_t off = 0;
    cos_buf_t *b;
    cos_list_for_each_entry(cos_buf_t, b, list, node) {
        size_t k = (size_t)cos_buf_size(b);
        if (k > 0) {
            memcpy(r + off, b->pos, k);
        }
        off += k;
    }
    r[off] = '\0';
    return r;
}

void cos_buf_append_string(cos_pool_t *p, cos_buf_t *b, const char *str, int len)
{
    if (b == NULL || str == NULL || len <= 0) {
        return;
    }
    if (b->end - b->last < len) {
        size_t used = (size_t)(b->last - b->pos);
        size_t cap = (size_t)(b->end - b->start) * 2;
        if (cap < used + (size_t)len + 128) {
            cap = used + (size_t)len + 128;
        }
        uint8_t *n = cos_palloc(p, cap);
        if (n == NULL) {
            return;
        }
        if (used > 0) {
            memcpy(n, b->pos, used);
        }
        b->start = b->pos = n;
        b->last = n + used;
        b->end = n + cap;
    }
    memcpy(b->last, str, (size_t)len);
    b->last += len;
}

cos_file_buf_t *cos_create_file_buf(cos_pool_t *p)
{
    return cos_pcalloc(p, sizeof(cos_file_buf_t));
}

static int cosi_open_read(cos_pool_t *p, const char *path, int64_t pos, int64_t last, int whole,
                          cos_file_buf_t *fb)
{
    cos_file_t *f;
    int r = cosi_file_open(p, path, O_RDONLY, 0, &f);
    if (r != COSE_OK) {
        return r == COSE_OUT_MEMORY ? r : COSE_OPEN_FILE_ERROR;
    }
    struct stat st;
    if (fstat(f->fd, &st) != 0) {
        return COSE_FILE_INFO_ERROR;
    }
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return COSE_OPEN_FILE_ERROR;
    }
    fb->file = f;
    fb->owner = 1;
    if (whole) {
        fb->file_pos = 0;
        fb->file_last = st.st_size;
    } else {
        fb->file_pos = pos < 0 ? 0 : pos;
        fb->file_last = (last < 0 || last > st.st_size) ? st.st_size : last;
        if (fb->file_pos > fb->file_last) {
            fb->file_pos = fb->file_last;
        }
    }
    return COSE_OK;
}

int cos_open_file_for_read(cos_pool_t *p, const char *path, cos_file_buf_t *fb)
{
    return cosi_open_read(p, path, 0, 0, 1, fb);
}

int cos_open_file_for_all_read(cos_pool_t *p, const char *path, cos_file_buf_t *fb)
{
    return cosi_open_read(p, path, 0, 0, 1, fb);
}

int cos_open_file_for_range_read(cos_pool_t *p, const char *path, int64_t file_pos, int64_t file_last,
                                 cos_file_buf_t *fb)
{
    return cosi_open_read(p, path, file_pos, file_last, 0, fb);
}

static int cosi_open_write(cos_pool_t *p, const char *path, int flags, int64_t pos, int64_t last,
                           cos_file_buf_t *fb)
{
    cos_file_t *f;
    int r = cosi_file_open(p, path, O_WRONLY | O_CREAT | flags, 0644, &f);
    if (r != COSE_OK) {
        return r == COSE_OUT_MEMORY ? r : COSE_OPEN_FILE_ERROR;
    }
    if (pos > 0 && lseek(f->fd, (off_t)pos, SEEK_SET) < 0) {
        return COSE_FILE_SEEK_ERROR;
    }
    fb->file = f;
    fb->owner = 1;
    fb->file_pos = pos;
    fb->file_last = last;
    return COSE_OK;
}

int cos_open_file_for_write(cos_pool_t *p, const char *path, cos_file_buf_t *fb)
{
    return cosi_open_write(p, path, O_TRUNC, 0, 0, fb);
}

int cos_open_file_for_write_notrunc(cos_pool_t *p, const char *path, cos_file_buf_t *fb)
{
    return cosi_open_write(p, path, 0, 0, 0, fb);
}

int cos_open_file_for_range_write(cos_pool_t *p, const char *path, int64_t file_pos, int64_t file_last,
                                  cos_file_buf_t *fb)
{
    return cosi_open_write(p, path, 0, file_pos, file_last, fb);
}
