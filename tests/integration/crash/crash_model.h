/* crash_model: what the crash-consistency driver's clients sent to cosd and what cosd acknowledged:
 * per key the contents it may hold (one when the last write was acknowledged, the old and the new
 * one when the server died during it), the multipart uploads and the moderation jobs. */
#ifndef CRASH_MODEL_H
#define CRASH_MODEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "cosd_mp_util.h"
#include "crash_receiver.h"

#define CR_CIHOST   BUCKET ".ci.ap-guangzhou.myqcloud.com"
#define CR_CLIP_KEY "clip/promo.wav"
#define CR_THREADS  3
#define CR_KEYS     8  /* keys per client thread ("t<thread>/k<n>"), written by that thread only */
#define CR_CAND     4  /* candidate contents per key */
#define CR_UPLOADS  64 /* multipart uploads tracked per thread */

/* Operations, also the index of the acknowledged-operation counters. */
enum { OP_PUT, OP_DELETE, OP_MULTI_DELETE, OP_COPY, OP_MULTIPART, OP_JOB, OP_READ, OP_COUNT };

/* The contents a key may hold: MD5 hex, "" for no object. */
typedef struct cr_key {
    int n;
    char cand[CR_CAND][33];
    char history[4][64]; /* the last operations on the key, for failure messages */
    int n_history;
} cr_key_t;

typedef enum { UP_OPEN, UP_COMPLETE_SENT, UP_COMPLETED } cr_up_state_t;

typedef struct cr_upload {
    int key;
    char id[128];
    char md5[33]; /* MD5 of the content it completes to */
    cr_up_state_t st;
} cr_upload_t;

typedef struct cr_job {
    char id[40];
    char data_id[64];
    char final[1024]; /* fingerprint of the final answer, "" until it is seen */
    bool success;     /* final State is Success */
    int result;       /* final Result */
} cr_job_t;

struct cr_run;

typedef struct cr_thread {
    struct cr_run *run;
    int id;
    unsigned seed;
    cr_key_t keys[CR_KEYS];
    cr_upload_t ups[CR_UPLOADS];
    int n_ups;
    int pending_init; /* key of an unacknowledged Initiate, -1 when none */
    long ops[OP_COUNT];
    char failure[512]; /* an answer the model does not allow, "" when none */
} cr_thread_t;

typedef struct cr_run {
    cosd_harness_t h;    /* owned by the main thread */
    cosd_harness_t snap; /* the copy the client threads use during a cycle */
    atomic_bool stop;
    atomic_bool killed; /* set just before the SIGKILL: later connection errors are expected */
    cr_thread_t th[CR_THREADS];
    crash_receiver_t rcv;
    char *clip; /* spoken "promo code" WAV moderated by the jobs */
    size_t clip_len;
    unsigned seed;
    int cycles;
    int kills;
    int held_kills;                      /* kills while cosd waited for the answer to a callback */
    int jobs_per_cycle, jobs_this_cycle; /* written by thread 0 only during a cycle */
    cr_job_t *jobs;
    size_t n_jobs, cap_jobs;
    char (*lost)[64]; /* DataIds of submissions whose answer was lost */
    size_t n_lost, cap_lost;
} cr_run_t;

/* The client thread of one cycle: runs operations until run->stop or a request fails. */
void *cr_client_main(void *arg);
/* The checks after a restart (cmocka assertions): every key holds one of its candidate contents,
 * listing == readable objects, uploads in progress xor completed, jobs in a valid state with a
 * stable final answer, callbacks only for submitted jobs. Then the model is narrowed to what cosd
 * holds and the uploads in progress are aborted (a few are kept for later cycles). */
void cr_check_restart(cr_run_t *run);
/* The end of the run: waits for every job and its callback, restarts once more and checks that
 * nothing changed, that each job has one final answer and at least one callback, and that extra
 * callbacks stay within the number of kills (at-least-once delivery). */
void cr_check_final(cr_run_t *run);
/* Key name of thread t, key k. */
void cr_key_name(int t, int k, char *out, size_t cap);
/* MD5 hex of data. */
void cr_md5_hex(const void *p, size_t n, char out[33]);

#endif
