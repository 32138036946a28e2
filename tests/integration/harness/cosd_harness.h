/* cosd_harness: starts and stops a real cosd for integration tests: a free loopback port, a fresh
 * temporary data dir and a fixed test account (APPID 1250000000). cosd gets SIGTERM when the thread
 * that started it exits, so a crashed test leaves no server behind. */
#ifndef COSD_HARNESS_H
#define COSD_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct cosd_harness {
    pid_t pid;
    int port;
    char data_dir[512];
    char endpoint[64]; /* "127.0.0.1:PORT" */
    char appid[32];    /* "1250000000" */
    char secret_id[128];
    char secret_key[128];
} cosd_harness_t;

/* Starts cosd with --listen 127.0.0.1:0, a fresh temporary data dir and a fixed test account (APPID
 * 1250000000); waits for its "cosd listening on http://HOST:PORT" line. extra_args is
 * NULL-terminated or NULL. 0 on success. */
int cosd_harness_start(cosd_harness_t *h, const char *const *extra_args);
/* Stops (SIGKILL when kill9, else SIGTERM) and starts again on the same data dir and port. 0 on
 * success. */
int cosd_harness_restart(cosd_harness_t *h, bool kill9);
/* SIGTERM, wait, remove the data dir. */
void cosd_harness_stop(cosd_harness_t *h);

#endif
