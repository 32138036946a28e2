/* cli_lock.c: the cos tool's cache directory (~/.cache/cos or $XDG_CACHE_HOME/cos: checkpoints and
 * locks) and per-target locks, so two cos runs never write one local file (and its .tmp and
 * checkpoint) at the same time: the second is told which file is busy instead of colliding. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

bool cli_cache_dir(char *out, size_t len)
{
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (cache && *cache) {
        snprintf(out, len, "%s/cos/", cache);
    } else {
        snprintf(out, len, "%s/.cache/cos/", home && *home ? home : "/tmp");
    }
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", out);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
                return false;
            }
            *p = '/';
        }
    }
    return true;
}

void cli_abs_path(const char *path, char *out, size_t len)
{
    char dir[PATH_MAX], base[PATH_MAX], real[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    snprintf(base, sizeof(base), "%s", path);
    if (realpath(path, real)) {
        snprintf(out, len, "%s", real);
    } else if (realpath(dirname(dir), real)) { /* a file not made yet */
        snprintf(out, len, "%s/%s", real, basename(base));
    } else {
        snprintf(out, len, "%s", path);
    }
}

int cli_lock_target(cli_t *c, const char *path, cli_lock_t *lock)
{
    lock->fd = -1;
    char base[PATH_MAX], abs[PATH_MAX];
    if (!cli_cache_dir(base, sizeof(base))) {
        return CLI_OK; /* no cache directory: no lock, as before */
    }
    cli_abs_path(path, abs, sizeof(abs));
    unsigned char sha[COSX_SHA1_LEN];
    cosx_sha1(abs, strlen(abs), sha);
    char hex[2 * COSX_SHA1_LEN + 1];
    cosx_hex_encode(sha, sizeof(sha), hex);
    snprintf(lock->path, sizeof(lock->path), "%s%s.lock", base, hex);
    for (int attempt = 0; attempt < 10; attempt++) {
        int fd = open(lock->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            return CLI_OK;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            if (errno == EWOULDBLOCK) {
                cli_error(c, "%s is being written by another cos run; wait for it to finish", path);
                return CLI_FAILED;
            }
            return CLI_OK;
        }
        /* The holder before us may have removed the file after we opened it: lock the current one.
         */
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(lock->path, &now) == 0 && held.st_ino == now.st_ino &&
            held.st_dev == now.st_dev) {
            lock->fd = fd;
            return CLI_OK;
        }
        close(fd);
    }
    return CLI_OK;
}

void cli_unlock_target(cli_lock_t *lock)
{
    if (lock->fd >= 0) {
        unlink(lock->path);
        close(lock->fd);
        lock->fd = -1;
    }
}
