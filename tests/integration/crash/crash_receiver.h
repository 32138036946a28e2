/* crash_receiver: a loopback HTTP endpoint (libmicrohttpd) for the crash-consistency driver that
 * records every moderation callback cosd POSTs: its JobId (trace_id), DataId, code and result. */
#ifndef CRASH_RECEIVER_H
#define CRASH_RECEIVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

typedef struct crash_callback {
    char job_id[40];
    char data_id[64];
    int code;   /* 0: Success */
    int result; /* data.result */
} crash_callback_t;

typedef struct crash_receiver {
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t mu;
    crash_callback_t *hits;
    size_t n_hits, cap_hits;
    size_t n_bad;       /* POSTs whose body was not a Simple callback */
    atomic_int hold_ms; /* answer each POST only this long after recording it */
} crash_receiver_t;

/* Starts listening on 127.0.0.1 (a free port into r->port). 0 on success. */
int crash_receiver_start(crash_receiver_t *r);
void crash_receiver_stop(crash_receiver_t *r);
/* Number of callbacks received so far. */
size_t crash_receiver_count(crash_receiver_t *r);
/* A copy of the callbacks received so far (free() it); their number into *n. */
crash_callback_t *crash_receiver_snapshot(crash_receiver_t *r, size_t *n, size_t *bad);

#endif
