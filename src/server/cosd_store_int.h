/* cosd_store_int: internals shared by the store's source files (connection pool, cached
 * statements, recovery). Not used outside src/server/cosd_store*.c. */
#ifndef COSD_STORE_INT_H
#define COSD_STORE_INT_H

#include <pthread.h>
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
    COSD_STMT_COUNT
} cosd_stmt_id_t;

typedef struct cosd_conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[COSD_STMT_COUNT];
    bool busy;
} cosd_conn_t;

struct cosd_store {
    char dir[1024];
    cosd_conn_t *conns;
    int nconn;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t orphans;
    int lock_fd;
};

cosd_conn_t *cosd_conn_acquire(cosd_store_t *st);
void cosd_conn_release(cosd_store_t *st, cosd_conn_t *c);
/* The cached statement, reset and unbound; NULL on failure (logged). */
sqlite3_stmt *cosd_conn_stmt(cosd_conn_t *c, cosd_stmt_id_t id);
/* Runs a statement without parameters or rows (BEGIN, COMMIT, ROLLBACK). */
bool cosd_conn_exec(cosd_conn_t *c, cosd_stmt_id_t id);
void cosd_store_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool cosd_mkdir_p(const char *path);
/* Reads columns 0-4 (name, appid, region, acl, created) of a bucket row. */
void cosd_read_bucket(sqlite3_stmt *s, cosd_bucket_t *b);
/* Removes temp files and unreferenced blobs (at open, before serving). */
cosd_store_rc_t cosd_store_recover(cosd_store_t *st, char *err, size_t errlen);

#endif
