/* ci_receiver: a small HTTP server thread for the CI integration tests: records the callbacks cosd
 * POSTs (headers and body), can refuse the first N with 500, and serves files for Url inputs
 * (/file, /small; /redirect loops forever, /slow stalls 3 s in its body). */
#ifndef CI_RECEIVER_H
#define CI_RECEIVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define CI_RECV_MAX 64

typedef struct ci_hit {
    char method[8];
    char path[256];
    char *headers; /* raw header block */
    char *body;
} ci_hit_t;

typedef struct ci_receiver {
    int fd;
    int port;
    pthread_t thread;
    pthread_mutex_t mu;
    bool stop;
    int fail_next;    /* answer this many POSTs with 500 */
    const char *file; /* served at GET /file (bytes), NULL: 404 */
    size_t file_len;
    const char *small; /* served at GET /small */
    size_t small_len;
    ci_hit_t hits[CI_RECV_MAX];
    int n_hits;
} ci_receiver_t;

int ci_receiver_start(ci_receiver_t *r);
void ci_receiver_stop(ci_receiver_t *r);
/* Number of POSTs received so far whose body contains needle (NULL: all). */
int ci_receiver_count(ci_receiver_t *r, const char *needle);
/* Waits until ci_receiver_count(needle) >= n or timeout_s passes; returns the count. */
int ci_receiver_wait(ci_receiver_t *r, const char *needle, int n, int timeout_s);
/* Copy (malloc'd) of the body and headers of the last POST whose body contains needle, or NULL. */
char *ci_receiver_body(ci_receiver_t *r, const char *needle, char **headers);

#endif
