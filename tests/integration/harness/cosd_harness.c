/* cosd_harness: runs cosd as a child process for integration tests. The child's stdout is read
 * until the "cosd listening on http://HOST:PORT" line; its stderr goes to the test's stderr. */
#include "cosd_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef COSD_PATH
#error "COSD_PATH must be defined (path of the cosd binary)"
#endif

#define HARNESS_SECRET_ID  "AKIDcosdHarnessTestSecretId0000000001"
#define HARNESS_SECRET_KEY "cosdHarnessTestSecretKey000000001"
#define HARNESS_MAX_EXTRA  32

/* The extra arguments are kept in DATA_DIR/.harness-args (NUL-separated) so that a restart can
 * repeat them; cosd ignores files it does not know in its data dir. */
#define ARGS_FILE ".harness-args"

static int save_extra(const cosd_harness_t *h, const char *const *extra)
{
    char path[600];
    snprintf(path, sizeof path, "%s/" ARGS_FILE, h->data_dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    for (int i = 0; extra && extra[i]; i++)
        fwrite(extra[i], 1, strlen(extra[i]) + 1, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Reads the saved arguments into buf (size cap) and pointers to them into extra (room for
 * HARNESS_MAX_EXTRA + 1). */
static int load_extra(const cosd_harness_t *h, char *buf, size_t cap, const char **extra)
{
    char path[600];
    snprintf(path, sizeof path, "%s/" ARGS_FILE, h->data_dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = 0;
    int k = 0;
    for (size_t i = 0; i < n && k < HARNESS_MAX_EXTRA; i += strlen(buf + i) + 1)
        extra[k++] = buf + i;
    extra[k] = NULL;
    return 0;
}

/* Spawns cosd on listen with the extra arguments and waits up to 20 s for the listening line. */
static int spawn(cosd_harness_t *h, const char *listen, const char *const *extra)
{
    char account[400];
    const char *argv[HARNESS_MAX_EXTRA + 16];
    int n = 0;
    snprintf(account, sizeof account, "%s:%s:%s", h->appid, h->secret_id, h->secret_key);
    const char *base[] = {"cosd",      "--listen",  listen,  "--data",
                          h->data_dir, "--account", account, NULL};
    for (int i = 0; base[i]; i++)
        argv[n++] = base[i];
    for (int i = 0; extra && extra[i] && i < HARNESS_MAX_EXTRA; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int out[2];
    if (pipe(out) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (pid == 0) {
        /* cosd must not outlive a test that crashes or fails an assertion. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execv(COSD_PATH, (char *const *)argv);
        fprintf(stderr, "cosd_harness: cannot run %s: %s\n", COSD_PATH, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    char line[512];
    size_t len = 0;
    int port = -1;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (port < 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left =
            20000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0)
            break;
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        char c;
        ssize_t r = read(out[0], &c, 1);
        if (r <= 0)
            break; /* cosd exited */
        if (c != '\n') {
            if (len < sizeof line - 1)
                line[len++] = c;
            continue;
        }
        line[len] = 0;
        len = 0;
        const char *tag = "cosd listening on http://";
        char *at = strstr(line, tag);
        if (at) {
            char *colon = strrchr(at, ':');
            if (colon)
                port = atoi(colon + 1);
        }
    }
    if (port <= 0) {
        fprintf(stderr, "cosd_harness: cosd did not report that it is listening\n");
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(out[0]);
        return -1;
    }
    /* Keep draining stdout in the background is not needed: cosd prints nothing more to stdout.
     * Redirect the read end to nothing by closing it; cosd ignores SIGPIPE. */
    close(out[0]);
    h->pid = pid;
    h->port = port;
    snprintf(h->endpoint, sizeof h->endpoint, "127.0.0.1:%d", port);
    return 0;
}

int cosd_harness_start(cosd_harness_t *h, const char *const *extra_args)
{
    memset(h, 0, sizeof *h);
    h->pid = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(h->data_dir, sizeof h->data_dir, "%s/cosd-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(h->data_dir))
        return -1;
    strcpy(h->appid, "1250000000");
    strcpy(h->secret_id, HARNESS_SECRET_ID);
    strcpy(h->secret_key, HARNESS_SECRET_KEY);
    if (save_extra(h, extra_args) || spawn(h, "127.0.0.1:0", extra_args)) {
        cosd_harness_stop(h);
        return -1;
    }
    return 0;
}

static void stop_child(cosd_harness_t *h, int sig)
{
    if (h->pid <= 0)
        return;
    kill(h->pid, sig);
    for (int i = 0; i < 200; i++) { /* up to 10 s, then SIGKILL */
        if (waitpid(h->pid, NULL, WNOHANG) == h->pid) {
            h->pid = -1;
            return;
        }
        usleep(50000);
    }
    kill(h->pid, SIGKILL);
    waitpid(h->pid, NULL, 0);
    h->pid = -1;
}

int cosd_harness_restart(cosd_harness_t *h, bool kill9)
{
    char buf[8192], listen[64];
    const char *extra[HARNESS_MAX_EXTRA + 1];
    if (load_extra(h, buf, sizeof buf, extra))
        return -1;
    stop_child(h, kill9 ? SIGKILL : SIGTERM);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", h->port);
    /* The port may take a moment to be free again; retry for a few seconds. */
    for (int i = 0; i < 20; i++) {
        if (spawn(h, listen, extra) == 0)
            return 0;
        usleep(250000);
    }
    return -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : 0;
}

void cosd_harness_stop(cosd_harness_t *h)
{
    stop_child(h, SIGTERM);
    if (h->data_dir[0])
        nftw(h->data_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    h->data_dir[0] = 0;
}
