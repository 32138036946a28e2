/* cosd_fault: the fault injector of the test binary cosd-faults (never linked into cosd): parses
 * the rules of $COSD_FAULTS / $COSD_FAULTS_FILE, decides which storage operation fails, and wraps
 * the default SQLite VFS so that the metadata and jobs databases see the same faults. */
#include "cosd_fault.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define FOP_IO    COSD_FOP_COUNT /* a rule on every operation but locks */
#define MAX_RULES 16

typedef struct fault_rule {
    int op; /* cosd_fop_t or FOP_IO */
    cosd_fault_kind_t kind;
    unsigned long nth, every, count; /* count 0: no limit */
    double prob;
    uint64_t rng;
    char path[256], not_path[256]; /* the file name must contain path and must not contain not */
    unsigned long seen, fired;
} fault_rule_t;

/* The only process-wide mutable state of cosd-faults: the rules and their counters, under mu. */
static struct fault_state {
    pthread_mutex_t mu;
    bool ready;
    fault_rule_t rules[MAX_RULES];
    int n;
    char file[1024];
    bool have_file;
    struct stat file_st;
    sqlite3_vfs vfs;
} g_fault = {.mu = PTHREAD_MUTEX_INITIALIZER};

static const char *const op_names[] = {"open", "read", "write", "fsync", "rename", "lock", "io"};
static const char *const kind_names[] = {"none", "EIO", "ENOSPC", "short", "busy"};

static int find_name(const char *const *names, int n, const char *v)
{
    for (int i = 0; i < n; i++)
        if (strcasecmp(names[i], v) == 0)
            return i;
    return -1;
}

static bool parse_ulong(const char *v, unsigned long *out)
{
    char *end;
    *out = strtoul(v, &end, 10);
    return *v && !*end;
}

/* One rule: comma-separated key=value. */
static bool parse_rule(char *text, fault_rule_t *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->op = -1;
    bool has_count = false;
    uint64_t seed = 1;
    for (char *save = NULL, *kv = strtok_r(text, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        while (*kv == ' ' || *kv == '\t')
            kv++;
        char *eq = strchr(kv, '=');
        if (!eq) {
            snprintf(err, errlen, "'%s' is not key=value", kv);
            return false;
        }
        *eq = 0;
        const char *k = kv, *v = eq + 1;
        bool ok = true;
        if (strcmp(k, "op") == 0)
            ok = (r->op = find_name(op_names, 7, v)) >= 0;
        else if (strcmp(k, "err") == 0) {
            int kind = find_name(kind_names, 5, v);
            ok = kind > 0;
            r->kind = ok ? (cosd_fault_kind_t)kind : COSD_FAULT_NONE;
        } else if (strcmp(k, "nth") == 0)
            ok = parse_ulong(v, &r->nth) && r->nth > 0;
        else if (strcmp(k, "every") == 0)
            ok = parse_ulong(v, &r->every) && r->every > 0;
        else if (strcmp(k, "count") == 0)
            ok = has_count = parse_ulong(v, &r->count);
        else if (strcmp(k, "prob") == 0) {
            char *end;
            r->prob = strtod(v, &end);
            ok = *v && !*end && r->prob > 0 && r->prob <= 1;
        } else if (strcmp(k, "seed") == 0) {
            unsigned long s;
            ok = parse_ulong(v, &s);
            seed = s ? s : 1;
        } else if (strcmp(k, "path") == 0)
            ok = snprintf(r->path, sizeof r->path, "%s", v) < (int)sizeof r->path;
        else if (strcmp(k, "not") == 0)
            ok = snprintf(r->not_path, sizeof r->not_path, "%s", v) < (int)sizeof r->not_path;
        else {
            snprintf(err, errlen,
                     "unknown key '%s' (op, err, nth, every, count, prob, seed, path, not)", k);
            return false;
        }
        if (!ok) {
            snprintf(err, errlen, "bad value '%s' for %s", v, k);
            return false;
        }
    }
    if (r->op < 0) {
        snprintf(err, errlen, "a rule needs op=open|read|write|fsync|rename|lock|io");
        return false;
    }
    if (r->kind == COSD_FAULT_NONE)
        r->kind = r->op == COSD_FOP_LOCK ? COSD_FAULT_BUSY : COSD_FAULT_EIO;
    if ((r->kind == COSD_FAULT_BUSY) != (r->op == COSD_FOP_LOCK) ||
        (r->kind == COSD_FAULT_SHORT && r->op != COSD_FOP_WRITE)) {
        snprintf(err, errlen, "err=%s does not apply to op=%s", kind_names[r->kind],
                 op_names[r->op]);
        return false;
    }
    if (!r->nth && !r->every && r->prob == 0)
        r->nth = 1;
    if (!has_count)
        r->count = r->nth ? 1 : 0;
    r->rng = seed;
    return true;
}

/* Rules separated by ';' or new lines; '#' starts a comment line. Replaces the current rules. */
static bool parse_rules(const char *text, char *err, size_t errlen)
{
    char *copy = strdup(text);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    int n = 0;
    bool ok = true;
    for (char *save = NULL, *t = strtok_r(copy, ";\n", &save); ok && t;
         t = strtok_r(NULL, ";\n", &save)) {
        while (*t == ' ' || *t == '\t')
            t++;
        if (!*t || *t == '#')
            continue;
        if (n == MAX_RULES) {
            snprintf(err, errlen, "more than %d rules", MAX_RULES);
            ok = false;
        } else {
            ok = parse_rule(t, &g_fault.rules[n++], err, errlen);
        }
    }
    free(copy);
    g_fault.n = ok ? n : 0;
    return ok;
}

/* Under mu: re-reads the rules file when it appeared, changed or went away. */
static void reload_file(void)
{
    struct stat st;
    if (stat(g_fault.file, &st) != 0) {
        if (g_fault.have_file)
            g_fault.n = 0;
        g_fault.have_file = false;
        return;
    }
    if (g_fault.have_file && st.st_ino == g_fault.file_st.st_ino &&
        st.st_size == g_fault.file_st.st_size &&
        st.st_mtim.tv_sec == g_fault.file_st.st_mtim.tv_sec &&
        st.st_mtim.tv_nsec == g_fault.file_st.st_mtim.tv_nsec)
        return;
    g_fault.have_file = true;
    g_fault.file_st = st;
    g_fault.n = 0;
    FILE *f = fopen(g_fault.file, "r");
    if (!f)
        return;
    char text[4096];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    char err[256];
    if (!parse_rules(text, err, sizeof err))
        fprintf(stderr, "cosd: fault: %s: %s (no faults until it is fixed)\n", g_fault.file, err);
}

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static bool rule_fires(fault_rule_t *r)
{
    r->seen++;
    if (r->count && r->fired >= r->count)
        return false;
    if (r->nth)
        return r->seen >= r->nth;
    if (r->every)
        return r->seen % r->every == 0;
    return (double)(next_rand(&r->rng) >> 11) / 9007199254740992.0 < r->prob;
}

static void record_hit(const fault_rule_t *r, cosd_fop_t op, const char *path)
{
    fprintf(stderr, "cosd: fault: injected %s into %s of %s (occurrence %lu)\n",
            kind_names[r->kind], op_names[op], path, r->seen);
    if (!g_fault.file[0])
        return;
    char hits[1100];
    snprintf(hits, sizeof hits, "%s.hits", g_fault.file);
    FILE *f = fopen(hits, "a");
    if (f) {
        fprintf(f, "%s %s %lu %s\n", op_names[op], kind_names[r->kind], r->seen, path);
        fclose(f);
    }
}

cosd_fault_kind_t cosd_fault_hit(cosd_fop_t op, const char *path)
{
    cosd_fault_kind_t k = COSD_FAULT_NONE;
    if (!path)
        path = "";
    pthread_mutex_lock(&g_fault.mu);
    if (g_fault.file[0])
        reload_file();
    for (int i = 0; i < g_fault.n && k == COSD_FAULT_NONE; i++) {
        fault_rule_t *r = &g_fault.rules[i];
        if (r->op != (int)op && !(r->op == FOP_IO && op != COSD_FOP_LOCK))
            continue;
        if ((r->path[0] && !strstr(path, r->path)) || (r->not_path[0] && strstr(path, r->not_path)))
            continue;
        if (rule_fires(r)) {
            r->fired++;
            k = r->kind;
            record_hit(r, op, path);
        }
    }
    pthread_mutex_unlock(&g_fault.mu);
    return k;
}

/* ---- the SQLite VFS: the default one, with a hook in front of each I/O method ---- */

typedef struct fault_file {
    sqlite3_file base;
    const char *path;
    sqlite3_file *real;
} fault_file_t;

#define REAL(f) (((fault_file_t *)(f))->real)
#define PATH(f) (((fault_file_t *)(f))->path)

static int f_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    if (cosd_fault_hit(COSD_FOP_READ, PATH(f)) != COSD_FAULT_NONE)
        return SQLITE_IOERR_READ;
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    switch (cosd_fault_hit(COSD_FOP_WRITE, PATH(f))) {
    case COSD_FAULT_NONE:
        return REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
    case COSD_FAULT_SHORT: /* part of the data reaches the file, then the disk is full */
        if (amt > 1)
            REAL(f)->pMethods->xWrite(REAL(f), buf, amt / 2, off);
        return SQLITE_FULL;
    case COSD_FAULT_ENOSPC:
        return SQLITE_FULL;
    default:
        return SQLITE_IOERR_WRITE;
    }
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (cosd_fault_hit(COSD_FOP_WRITE, PATH(f)) != COSD_FAULT_NONE)
        return SQLITE_IOERR_TRUNCATE;
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
    if (cosd_fault_hit(COSD_FOP_FSYNC, PATH(f)) != COSD_FAULT_NONE)
        return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int level)
{
    if (cosd_fault_hit(COSD_FOP_LOCK, PATH(f)) != COSD_FAULT_NONE)
        return SQLITE_BUSY;
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int f_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int f_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_device_chars(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    /* Only taking a lock can be refused; releasing one always goes through. */
    if (!(flags & SQLITE_SHM_UNLOCK) && cosd_fault_hit(COSD_FOP_LOCK, PATH(f)) != COSD_FAULT_NONE)
        return SQLITE_BUSY;
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, amt, pp);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_methods = {
    .iVersion = 3,
    .xClose = f_close,
    .xRead = f_read,
    .xWrite = f_write,
    .xTruncate = f_truncate,
    .xSync = f_sync,
    .xFileSize = f_file_size,
    .xLock = f_lock,
    .xUnlock = f_unlock,
    .xCheckReservedLock = f_check_reserved,
    .xFileControl = f_file_control,
    .xSectorSize = f_sector_size,
    .xDeviceCharacteristics = f_device_chars,
    .xShmMap = f_shm_map,
    .xShmLock = f_shm_lock,
    .xShmBarrier = f_shm_barrier,
    .xShmUnmap = f_shm_unmap,
    .xFetch = f_fetch,
    .xUnfetch = f_unfetch,
};

#define RVFS(v) ((sqlite3_vfs *)(v)->pAppData)

static int v_open(sqlite3_vfs *v, sqlite3_filename name, sqlite3_file *file, int flags, int *oflags)
{
    fault_file_t *p = (fault_file_t *)file;
    p->base.pMethods = NULL;
    p->real = (sqlite3_file *)(p + 1);
    p->path = name ? name : "";
    if (cosd_fault_hit(COSD_FOP_OPEN, p->path) != COSD_FAULT_NONE)
        return SQLITE_CANTOPEN;
    int rc = RVFS(v)->xOpen(RVFS(v), name, p->real, flags, oflags);
    if (p->real->pMethods) {
        if (p->real->pMethods->iVersion < 3) { /* the hooks above assume a complete VFS */
            p->real->pMethods->xClose(p->real);
            return SQLITE_CANTOPEN;
        }
        p->base.pMethods = &fault_methods;
    }
    return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    return RVFS(v)->xDelete(RVFS(v), name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    return RVFS(v)->xAccess(RVFS(v), name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    return RVFS(v)->xFullPathname(RVFS(v), name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
    return RVFS(v)->xDlOpen(RVFS(v), name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
    RVFS(v)->xDlError(RVFS(v), n, msg);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    return RVFS(v)->xDlSym(RVFS(v), h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
    RVFS(v)->xDlClose(RVFS(v), h);
}

static int v_randomness(sqlite3_vfs *v, int n, char *out)
{
    return RVFS(v)->xRandomness(RVFS(v), n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
    return RVFS(v)->xSleep(RVFS(v), us);
}

static int v_current_time(sqlite3_vfs *v, double *out)
{
    return RVFS(v)->xCurrentTime(RVFS(v), out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
    return RVFS(v)->xGetLastError(RVFS(v), n, out);
}

static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    return RVFS(v)->xCurrentTimeInt64(RVFS(v), out);
}

bool cosd_fault_setup(char *err, size_t errlen)
{
    bool ok = true;
    pthread_mutex_lock(&g_fault.mu);
    if (g_fault.ready)
        goto out;
    const char *env = getenv("COSD_FAULTS");
    char why[256];
    if (env && !parse_rules(env, why, sizeof why)) {
        snprintf(err, errlen, "COSD_FAULTS: %s", why);
        ok = false;
        goto out;
    }
    const char *file = getenv("COSD_FAULTS_FILE");
    if (file &&
        snprintf(g_fault.file, sizeof g_fault.file, "%s", file) >= (int)sizeof g_fault.file) {
        snprintf(err, errlen, "COSD_FAULTS_FILE is too long");
        ok = false;
        goto out;
    }
    sqlite3_vfs *real = sqlite3_vfs_find(COSD_SQLITE_VFS_REAL);
    if (!real || real->iVersion < 2) {
        snprintf(err, errlen, "no usable SQLite VFS " COSD_SQLITE_VFS_REAL " to wrap");
        ok = false;
        goto out;
    }
    sqlite3_vfs *v = &g_fault.vfs;
    v->iVersion = 2;
    v->szOsFile = (int)sizeof(fault_file_t) + real->szOsFile;
    v->mxPathname = real->mxPathname;
    v->zName = "cosd-faults";
    v->pAppData = real;
    v->xOpen = v_open;
    v->xDelete = v_delete;
    v->xAccess = v_access;
    v->xFullPathname = v_full_pathname;
    v->xDlOpen = v_dlopen;
    v->xDlError = v_dlerror;
    v->xDlSym = v_dlsym;
    v->xDlClose = v_dlclose;
    v->xRandomness = v_randomness;
    v->xSleep = v_sleep;
    v->xCurrentTime = v_current_time;
    v->xGetLastError = v_last_error;
    v->xCurrentTimeInt64 = v_current_time64;
    if (sqlite3_vfs_register(v, 1) != SQLITE_OK) {
        snprintf(err, errlen, "cannot register the fault-injecting SQLite VFS");
        ok = false;
        goto out;
    }
    g_fault.ready = true;
    fprintf(stderr, "cosd: fault injection build: %d rule(s) from COSD_FAULTS%s%s\n", g_fault.n,
            g_fault.file[0] ? ", rules file " : "", g_fault.file);
out:
    pthread_mutex_unlock(&g_fault.mu);
    return ok;
}
