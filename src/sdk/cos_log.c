/* cos_log.c: libcos logging: level filter, the default line format
 * "[YYYY-MM-DD HH:MM:SS.mmm] <thread> file:line message" and the default printer (stderr or a file). */
#include <pthread.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cosi.h"

cos_log_level_e cos_log_level = COS_LOG_WARN;
cos_log_format_pt cos_log_format = cos_log_format_default;
static cos_log_print_pt cosi_log_print = cos_log_print_default;
static apr_file_t *cosi_log_output = NULL;

void cos_log_set_print(cos_log_print_pt p)
{
    cosi_log_print = p != NULL ? p : cos_log_print_default;
}

void cos_log_set_format(cos_log_format_pt p)
{
    cos_log_format = p != NULL ? p : cos_log_format_default;
}

void cos_log_set_level(cos_log_level_e level)
{
    cos_log_level = level;
}

void cos_log_set_output(apr_file_t *output)
{
    cosi_log_output = output;
}

void cos_log_print_default(const char *message, int len)
{
    int fd = cosi_log_output != NULL ? cos_file_fd(cosi_log_output) : STDERR_FILENO;
    if (fd < 0) {
        fd = STDERR_FILENO;
    }
    while (len > 0) {
        ssize_t n = write(fd, message, (size_t)len);
        if (n <= 0) {
            break;
        }
        message += n;
        len -= (int)n;
    }
}

void cos_log_format_default(int level, const char *file, int line, const char *function, const char *fmt, ...)
{
    (void)level;
    (void)function;
    char buf[4096];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    localtime_r(&t, &tm);
    const char *base = strrchr(file, '/');
    base = base != NULL ? base + 1 : file;
    int n = snprintf(buf, sizeof(buf), "[%04d-%02d-%02d %02d:%02d:%02d.%03d] %lu %s:%d ", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000),
                     (unsigned long)pthread_self(), base, line);
    if (n < 0) {
        return;
    }
    if ((size_t)n < sizeof(buf)) {
        va_list ap;
        va_start(ap, fmt);
        int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
        va_end(ap);
        if (m > 0) {
            n += m;
        }
    }
    if ((size_t)n >= sizeof(buf) - 1) {
        n = (int)sizeof(buf) - 2;
    }
    if (n > 0 && buf[n - 1] != '\n') {
        buf[n++] = '\n';
    }
    buf[n] = '\0';
    cosi_log_print(buf, n);
}
