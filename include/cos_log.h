/* cos_log.h: libcos logging: levels, the printf-style log macros and the setters for level, output,
 * line format and printer. Set them before starting threads. */
#ifndef LIBCOS_LOG_H
#define LIBCOS_LOG_H

#include "cos_sys_define.h"

COS_CPP_START

typedef void (*cos_log_print_pt)(const char *message, int len);
typedef void (*cos_log_format_pt)(int level, const char *file, int line, const char *function,
                                  const char *fmt, ...);

typedef enum {
    COS_LOG_OFF = 1,
    COS_LOG_FATAL,
    COS_LOG_ERROR,
    COS_LOG_WARN,
    COS_LOG_INFO,
    COS_LOG_DEBUG,
    COS_LOG_TRACE,
    COS_LOG_ALL
} cos_log_level_e;

COS_EXPORT void cos_log_set_print(cos_log_print_pt p);
COS_EXPORT void cos_log_set_format(cos_log_format_pt p);
COS_EXPORT void cos_log_set_level(cos_log_level_e level);
/* NULL: standard error. */
COS_EXPORT void cos_log_set_output(apr_file_t *output);
COS_EXPORT void cos_log_print_default(const char *message, int len);
COS_EXPORT void cos_log_format_default(int level, const char *file, int line, const char *function,
                                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

extern COS_EXPORT cos_log_level_e cos_log_level;
extern COS_EXPORT cos_log_format_pt cos_log_format;

#define cos_fatal_log(format, ...) do { if (cos_log_level >= COS_LOG_FATAL) \
    cos_log_format(COS_LOG_FATAL, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)
#define cos_error_log(format, ...) do { if (cos_log_level >= COS_LOG_ERROR) \
    cos_log_format(COS_LOG_ERROR, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)
#define cos_warn_log(format, ...) do { if (cos_log_level >= COS_LOG_WARN) \
    cos_log_format(COS_LOG_WARN, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)
#define cos_info_log(format, ...) do { if (cos_log_level >= COS_LOG_INFO) \
    cos_log_format(COS_LOG_INFO, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)
#define cos_debug_log(format, ...) do { if (cos_log_level >= COS_LOG_DEBUG) \
    cos_log_format(COS_LOG_DEBUG, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)
#define cos_trace_log(format, ...) do { if (cos_log_level >= COS_LOG_TRACE) \
    cos_log_format(COS_LOG_TRACE, __FILE__, __LINE__, __func__, format, ##__VA_ARGS__); } while (0)

COS_CPP_END

#endif
