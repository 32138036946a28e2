/* cos_sys_define.h: basic definitions of libcos: the memory pool, the header/parameter table, error
 * codes (COSE_*), HTTP methods, limits and defaults, plus the small APR-compatible names that programs
 * written for the official C SDK call directly (apr_table_get, apr_psprintf, ...). */
#ifndef LIBCOS_SYS_DEFINE_H
#define LIBCOS_SYS_DEFINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "cos_export.h"

#ifdef __cplusplus
#define COS_CPP_START extern "C" {
#define COS_CPP_END }
#else
#define COS_CPP_START
#define COS_CPP_END
#endif

COS_CPP_START

#define COS_TRUE 1
#define COS_FALSE 0

typedef enum {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_PUT,
    HTTP_POST,
    HTTP_DELETE
} http_method_e;

typedef enum {
    COSE_OK = 0,
    COSE_OUT_MEMORY = -1000,
    COSE_OVER_MEMORY = -999,
    COSE_FAILED_CONNECT = -998,
    COSE_ABORT_CALLBACK = -997,
    COSE_INTERNAL_ERROR = -996,
    COSE_REQUEST_TIMEOUT = -995,
    COSE_INVALID_ARGUMENT = -994,
    COSE_INVALID_OPERATION = -993,
    COSE_CONNECTION_FAILED = -992,
    COSE_FAILED_INITIALIZE = -991,
    COSE_NAME_LOOKUP_ERROR = -990,
    COSE_FAILED_VERIFICATION = -989,
    COSE_WRITE_BODY_ERROR = -988,
    COSE_READ_BODY_ERROR = -987,
    COSE_SERVICE_ERROR = -986,
    COSE_OPEN_FILE_ERROR = -985,
    COSE_FILE_SEEK_ERROR = -984,
    COSE_FILE_INFO_ERROR = -983,
    COSE_FILE_READ_ERROR = -982,
    COSE_FILE_WRITE_ERROR = -981,
    COSE_XML_PARSE_ERROR = -980,
    COSE_UTF8_ENCODE_ERROR = -979,
    COSE_CRC_INCONSISTENT_ERROR = -978,
    COSE_FILE_FLUSH_ERROR = -977,
    COSE_FILE_TRUNC_ERROR = -976,
    COSE_UNKNOWN_ERROR = -100
} cos_error_code_e;

/* ---- memory pool: hierarchical arena; children and registered cleanups die with their parent ---- */
typedef struct cos_pool_s cos_pool_t;

/* Creates a pool (parent NULL: a root pool). Returns COSE_OK, or COSE_OUT_MEMORY with *newpool NULL. */
COS_EXPORT int cos_pool_create(cos_pool_t **newpool, cos_pool_t *parent);
/* Frees the pool, its child pools and runs its cleanups (closes files opened in it). NULL is ignored. */
COS_EXPORT void cos_pool_destroy(cos_pool_t *p);
/* Uninitialised memory aligned to 16 bytes, valid until the pool is destroyed (NULL only when out of memory). */
COS_EXPORT void *cos_palloc(cos_pool_t *p, size_t size);
COS_EXPORT void *cos_pcalloc(cos_pool_t *p, size_t size);
/* Pool copies of C strings (our extension; the official SDK used apr_pstrdup & co). */
COS_EXPORT char *cos_pstrdup_cstr(cos_pool_t *p, const char *s);
COS_EXPORT char *cos_pstrndup(cos_pool_t *p, const char *s, size_t n);
COS_EXPORT char *cos_psprintf(cos_pool_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
COS_EXPORT char *cos_pvsprintf(cos_pool_t *p, const char *fmt, va_list ap);
/* Runs fn(data) when the pool is destroyed (latest registered first). Returns COSE_OK or COSE_OUT_MEMORY. */
COS_EXPORT int cos_pool_cleanup_register(cos_pool_t *p, void *data, void (*fn)(void *data));

/* ---- table: ordered multimap of C strings, case-insensitive keys (request headers, params) ---- */
typedef struct cos_array_header_s {
    cos_pool_t *pool;
    int elt_size;
    int nelts;
    int nalloc;
    char *elts;
} cos_array_header_t;

typedef struct cos_table_entry_s {
    char *key;
    char *val;
    uint32_t key_checksum;
} cos_table_entry_t;

typedef struct cos_table_s cos_table_t;

COS_EXPORT cos_table_t *cos_table_make(cos_pool_t *p, int nelts);
/* Appends a copy of key/value. */
COS_EXPORT void cos_table_add(cos_table_t *t, const char *key, const char *val);
/* Appends without copying: key and val must outlive the table. */
COS_EXPORT void cos_table_addn(cos_table_t *t, const char *key, const char *val);
/* Replaces every entry of key by one copied entry. */
COS_EXPORT void cos_table_set(cos_table_t *t, const char *key, const char *val);
COS_EXPORT void cos_table_setn(cos_table_t *t, const char *key, const char *val);
/* First value of key (case-insensitive) or NULL. */
COS_EXPORT const char *cos_table_get(const cos_table_t *t, const char *key);
COS_EXPORT void cos_table_unset(cos_table_t *t, const char *key);
COS_EXPORT void cos_table_clear(cos_table_t *t);
COS_EXPORT const cos_array_header_t *cos_table_elts_get(const cos_table_t *t);
COS_EXPORT int cos_table_nelts(const cos_table_t *t);
COS_EXPORT void cos_table_add_int(cos_table_t *t, const char *key, int value);
COS_EXPORT void cos_table_add_int64(cos_table_t *t, const char *key, int64_t value);
COS_EXPORT void cos_table_add_float(cos_table_t *t, const char *key, float value);
COS_EXPORT void cos_table_set_int64(cos_table_t *t, const char *key, int64_t value);
#define cos_table_elts(t) cos_table_elts_get(t)
#define cos_is_empty_table(t) ((t) == NULL || cos_table_nelts(t) == 0)

/* ---- limits and defaults ---- */
#define COS_RETRY_TIME 3
#define COS_RETRY_INTERVAL_US 100000
#define COS_INIT_WINSOCK 1
#define COS_MD5_STRING_LEN 32
#define COS_MAX_URI_LEN 2048
#define COS_MAX_HEADER_LEN 8192
#define COS_MAX_QUERY_ARG_LEN 2048
#define COS_MAX_GMT_TIME_LEN 128
#define COS_MAX_XML_NODE_VALUE_LEN 1024
#define COS_MAX_INT64_STRING_LEN 64
#define COS_MAX_UINT64_STRING_LEN 64
#define COS_CONNECT_TIMEOUT 10
#define COS_DNS_CACHE_TIMOUT 60
#define COS_MIN_SPEED_LIMIT 8
#define COS_MIN_SPEED_TIME 120
#define COS_MAX_MEMORY_SIZE 1024 * 1024 * 1024L
#define COS_MAX_PART_SIZE 512 * 1024 * 1024L
#define COS_DEFAULT_PART_SIZE 1024 * 1024L
#define COS_REQUEST_STACK_SIZE 32
#define COS_VERSION "5.0.24"
#define COS_VER "cos-sdk-c/" COS_VERSION
#define COS_HTTP_PREFIX "http://"
#define COS_HTTPS_PREFIX "https://"
#define COS_RTMP_PREFIX "rtmp://"
#define COS_TEMP_FILE_SUFFIX ".tmp"

#define cos_abs(value) (((value) >= 0) ? (value) : -(value))
#define cos_max(val1, val2) (((val1) < (val2)) ? (val2) : (val1))
#define cos_min(val1, val2) (((val1) > (val2)) ? (val2) : (val1))

#define LF (char)10
#define CR (char)13
#define CRLF "\x0d\x0a"

/* ---- files: an SDK-owned file handle, closed when the pool it was opened in is destroyed ---- */
typedef struct cos_file_s cos_file_t;

/* ---- APR-compatible names used directly by programs written for the official SDK ---- */
typedef cos_pool_t apr_pool_t;
typedef cos_table_t apr_table_t;
typedef cos_table_entry_t apr_table_entry_t;
typedef cos_array_header_t apr_array_header_t;
typedef cos_file_t apr_file_t;
typedef size_t apr_size_t;
typedef int apr_status_t;
typedef int64_t apr_time_t;
#ifndef APR_SUCCESS
#define APR_SUCCESS 0
#endif
#ifndef APR_INT64_T_FMT
#define APR_INT64_T_FMT PRId64
#endif
#define apr_table_make(p, n) cos_table_make(p, n)
#define apr_table_get(t, k) cos_table_get(t, k)
#define apr_table_set(t, k, v) cos_table_set(t, k, v)
#define apr_table_setn(t, k, v) cos_table_setn(t, k, v)
#define apr_table_add(t, k, v) cos_table_add(t, k, v)
#define apr_table_addn(t, k, v) cos_table_addn(t, k, v)
#define apr_table_unset(t, k) cos_table_unset(t, k)
#define apr_table_clear(t) cos_table_clear(t)
#define apr_table_elts(t) cos_table_elts_get(t)
#define apr_is_empty_table(t) cos_is_empty_table(t)
#define apr_psprintf cos_psprintf
#define apr_pstrdup(p, s) cos_pstrdup_cstr(p, s)
#define apr_pstrndup(p, s, n) cos_pstrndup(p, s, n)
#define apr_palloc(p, n) cos_palloc(p, n)
#define apr_pcalloc(p, n) cos_pcalloc(p, n)
#define apr_pool_create(n, p) cos_pool_create(n, p)
#define apr_pool_destroy(p) cos_pool_destroy(p)
#define apr_time_from_sec(sec) ((apr_time_t)(sec) * 1000000)

COS_CPP_END

#endif
