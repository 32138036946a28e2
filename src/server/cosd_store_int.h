/* cosd_store_int: internals shared by the store's source files (connection pool, cached
 * statements, recovery). Not used outside src/server/cosd_store*.c. */
#ifndef COSD_STORE_INT_H
#define COSD_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "cosd_store.h"

typedef enum cosd_stmt_id {
    COSD_STMT_BEGIN,
    COSD_STMT_COMMIT,
    COSD_STMT_ROLLBACK,
    COSD_STMT_ACCOUNTS,
    COSD_STMT_ACCOUNT_ADD,
    COSD_STMT_BUCKET_INSERT,
    COSD_STMT_BUCKET_GET,
    COSD_STMT_BUCKET_HAS_OBJECTS,
    COSD_STMT_BUCKET_DELETE,
    COSD_STMT_BUCKET_LIST,
    COSD_STMT_OBJ_GET,
    COSD_STMT_OBJ_BLOB,
    COSD_STMT_OBJ_PUT,
    COSD_STMT_OBJ_DELETE,
    COSD_STMT_BLOB_USED,
    COSD_STMT_OBJ_SCAN,
    COSD_STMT_OBJ_LOOKUP,
    COSD_STMT_OBJ_REFS,
    COSD_STMT_UP_INSERT,
    COSD_STMT_UP_GET,
    COSD_STMT_UP_DELETE,
    COSD_STMT_UP_SCAN,
    COSD_STMT_PART_BLOB,
    COSD_STMT_PART_PUT,
    COSD_STMT_PART_LIST,
    COSD_STMT_PART_DELETE_ALL,
    COSD_STMT_MAN_INSERT,
    COSD_STMT_MAN_LIST,
    COSD_STMT_MAN_DELETE,
    COSD_STMT_SEAL,
    COSD_STMT_COUNT
} cosd_stmt_id_t;

typedef struct cosd_conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[COSD_STMT_COUNT];
    bool busy;
    bool commit_failed; /* the last COMMIT failed: its frames may still be in the WAL */
    struct cosd_store *st;
} cosd_conn_t;

struct cosd_store {
    char dir[1024];
    cosd_conn_t *conns;
    int nconn;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t orphans;
    int lock_fd;
    /* A failed COMMIT could not be sealed (see cosd_conn_rollback): until a commit succeeds, a
     * crash could still revive it, so blobs of failed requests are kept (recovery removes them). */
    atomic_bool unsealed;
};

cosd_conn_t *cosd_conn_acquire(cosd_store_t *st);
void cosd_conn_release(cosd_store_t *st, cosd_conn_t *c);
/* The cached statement, reset and unbound; NULL on failure (logged). */
sqlite3_stmt *cosd_conn_stmt(cosd_conn_t *c, cosd_stmt_id_t id);
/* Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK). */
bool cosd_conn_exec(cosd_conn_t *c, cosd_stmt_id_t id);
/* At the end of a failed transaction: rolls it back (unless SQLite already did) and returns rc, or
 * COSD_ST_FULL when rc is COSD_ST_ERROR because SQLite found the disk full. After a failed COMMIT
 * it also seals the WAL: the frames of a COMMIT whose write or fsync failed stay in the WAL file
 * past its valid end, and a crash before the next commit would let recovery revive them (an object
 * acknowledged as failed, whose blob is gone). A small committed write overwrites them. */
cosd_store_rc_t cosd_conn_rollback(cosd_conn_t *c, cosd_store_rc_t rc);
void cosd_store_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool cosd_mkdir_p(const char *path);
/* Reads columns 0-4 (name, appid, region, acl, created) of a bucket row. */
void cosd_read_bucket(sqlite3_stmt *s, cosd_bucket_t *b);
/* Blob ids to unlink once the transaction that dropped their last reference has committed. */
typedef struct cosd_discard {
    char (*ids)[40];
    size_t n, cap;
    bool oom;
} cosd_discard_t;
/* Within a transaction: is the blob (or manifest id) still referenced by a row? 1, 0, -1 on error.
 */
int cosd_blob_used(cosd_conn_t *c, const char *id);
/* Within a transaction, after a row stopped referencing id (a blob or a manifest): when nothing
 * references it any more, queues its blob(s) in d; a manifest's rows are deleted. false on error.
 */
bool cosd_release_blob(cosd_conn_t *c, const char *id, cosd_discard_t *d);
/* After the commit: unlinks the queued blobs and frees d. */
void cosd_discard_run(cosd_store_t *st, cosd_discard_t *d);
/* Ends the transaction on c: commits when ok (then removes the blobs in d and answers OK), else
 * rolls back (cosd_conn_rollback; d is dropped); releases c. rc is the failure to report. */
cosd_store_rc_t cosd_txn_end(cosd_store_t *st, cosd_conn_t *c, cosd_discard_t *d, bool ok,
                             cosd_store_rc_t rc);

/* Removes temp files and unreferenced blobs (at open, before serving). */
cosd_store_rc_t cosd_store_recover(cosd_store_t *st, char *err, size_t errlen);

#endif
