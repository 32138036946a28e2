/* cosd_fault: I/O fault injection for cosd's storage layer, compiled in only for the test binary
 * cosd-faults (COSD_FAULTS defined). In the normal build every hook is a constant and the wrappers
 * below are the plain system calls. Rules come from $COSD_FAULTS / $COSD_FAULTS_FILE
 * (docs/server.md). */
#ifndef COSD_FAULT_H
#define COSD_FAULT_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

/* Operations a rule can name; COSD_FOP_LOCK (SQLite locks) is not part of "io". */
typedef enum cosd_fop {
    COSD_FOP_OPEN,
    COSD_FOP_READ,
    COSD_FOP_WRITE,
    COSD_FOP_FSYNC,
    COSD_FOP_RENAME,
    COSD_FOP_LOCK,
    COSD_FOP_COUNT
} cosd_fop_t;

typedef enum cosd_fault_kind {
    COSD_FAULT_NONE = 0,
    COSD_FAULT_EIO,    /* I/O error (SQLite: SQLITE_IOERR_*) */
    COSD_FAULT_ENOSPC, /* disk full (SQLite: SQLITE_FULL) */
    COSD_FAULT_SHORT,  /* write: only part of the data is written */
    COSD_FAULT_BUSY    /* lock: SQLITE_BUSY */
} cosd_fault_kind_t;

/* cosd.db is opened through SQLite's "unix-excl" VFS: it holds the database's file lock for the
 * whole process (one cosd per data directory is already enforced by the lock file) and keeps the
 * WAL index in process memory. Each read transaction then costs no fcntl() lock calls and no
 * shared-memory mutex between request threads; with the default VFS those were two system calls
 * per GET and the most contended lock in cosd. Crash recovery is unchanged: the index is rebuilt
 * from the WAL file on open. */
#define COSD_SQLITE_VFS_REAL "unix-excl"

#ifdef COSD_FAULTS
/* Reads the rules and registers the fault-injecting SQLite VFS as the default (once; before the
 * first database is opened). false with a message in err when the rules are malformed. */
bool cosd_fault_setup(char *err, size_t errlen);
/* Counts one operation on path and tells which fault, if any, to inject into it. */
cosd_fault_kind_t cosd_fault_hit(cosd_fop_t op, const char *path);
#define COSD_FAULT_SETUP(err, errlen) cosd_fault_setup(err, errlen)
#define COSD_FAULT(op, path)          cosd_fault_hit(op, path)
/* The fault VFS is the default and wraps COSD_SQLITE_VFS_REAL. */
#define COSD_SQLITE_VFS NULL
#else
#define COSD_FAULT_SETUP(err, errlen) ((void)(err), (void)(errlen), true)
#define COSD_FAULT(op, path)          ((void)(path), COSD_FAULT_NONE)
#define COSD_SQLITE_VFS               COSD_SQLITE_VFS_REAL
#endif

static inline int cosd_fault_errno(cosd_fault_kind_t k)
{
    return k == COSD_FAULT_ENOSPC ? ENOSPC : EIO;
}

/* The system calls of the blob store, each with its hook. */
static inline int cosd_f_open(const char *path, int flags, mode_t mode)
{
    cosd_fault_kind_t k = COSD_FAULT(COSD_FOP_OPEN, path);
    if (k != COSD_FAULT_NONE) {
        errno = cosd_fault_errno(k);
        return -1;
    }
    return open(path, flags, mode);
}

static inline ssize_t cosd_f_write(int fd, const void *p, size_t n, const char *path)
{
    cosd_fault_kind_t k = COSD_FAULT(COSD_FOP_WRITE, path);
    if (k == COSD_FAULT_SHORT && n > 1)
        n /= 2;
    else if (k != COSD_FAULT_NONE && k != COSD_FAULT_SHORT) {
        errno = cosd_fault_errno(k);
        return -1;
    }
    return write(fd, p, n);
}

static inline int cosd_f_fsync(int fd, const char *path)
{
    cosd_fault_kind_t k = COSD_FAULT(COSD_FOP_FSYNC, path);
    if (k != COSD_FAULT_NONE) {
        errno = cosd_fault_errno(k);
        return -1;
    }
    return fsync(fd);
}

static inline int cosd_f_rename(const char *from, const char *to)
{
    cosd_fault_kind_t k = COSD_FAULT(COSD_FOP_RENAME, from);
    if (k != COSD_FAULT_NONE) {
        errno = cosd_fault_errno(k);
        return -1;
    }
    return rename(from, to);
}

#endif
