/* cli_object.c: the object commands of the cos tool: cp (local->cos, cos->local, cos->cos, files or
 * directory trees), stat and presign. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cosx_digest.h"
#include "cosx_encode.h"

/* ---------------------------------------------------------------- helpers */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static bool ends_with_slash(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '/';
}

static char *join(cli_t *c, const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *r = cos_palloc(c->pool, n);
    snprintf(r, n, "%s%s%s", a, (*a && !ends_with_slash(a)) ? "/" : "", b);
    return r;
}

/* mkdir -p of the directory part of path. */
static bool make_parents(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                return false;
            }
            *p = '/';
        }
    }
    return true;
}

typedef struct cp_stats {
    int64_t files;
    int64_t bytes;
    cJSON *items; /* --json */
    int64_t skipped;
    cJSON *skips; /* --json: [{"path":..,"reason":..}] */
} cp_stats_t;

/* cp -r passes over what it cannot copy, saying so: stderr, or the "skipped" list with --json. */
static void skip(cli_t *c, cp_stats_t *st, const char *what, const char *reason)
{
    st->skipped++;
    if (st->skips) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "path", what);
        cJSON_AddStringToObject(j, "reason", reason);
        cJSON_AddItemToArray(st->skips, j);
    } else if (!c->quiet) {
        fprintf(stderr, "%s: skipped %s: %s\n", c->prog, what, reason);
    }
}

static void record(cli_t *c, cp_stats_t *st, const char *from, const char *to, int64_t size)
{
    st->files++;
    st->bytes += size;
    if (st->items) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "from", from);
        cJSON_AddStringToObject(j, "to", to);
        cJSON_AddNumberToObject(j, "size", (double)size);
        cJSON_AddItemToArray(st->items, j);
    } else if (!c->progress) {
        cli_info(c, "%s -> %s\n", from, to);
    }
}

/* ---------------------------------------------------------------- transfers */

/* Files from c->part_threshold on go in parallel parts with a checkpoint, so a killed copy resumes.
 */
#define CLI_MIB ((int64_t)1024 * 1024)

/* The checkpoint file of a transfer: ~/.cache/cos/<sha1 of direction, bucket, key, local path>.cp.
 */
static char *checkpoint_path(cli_t *c, const char *dir, const char *bucket, const char *key,
                             const char *path)
{
    char base[PATH_MAX], abs[PATH_MAX];
    if (!cli_cache_dir(base, sizeof(base))) {
        return NULL;
    }
    cli_abs_path(path, abs, sizeof(abs));
    char id[PATH_MAX * 2 + 1200];
    int n = snprintf(id, sizeof(id), "%s\n%s\n%s\n%s", dir, bucket, key, abs);
    unsigned char sha[COSX_SHA1_LEN];
    cosx_sha1(id, (size_t)(n > 0 ? n : 0), sha);
    char hex[2 * COSX_SHA1_LEN + 1];
    cosx_hex_encode(sha, sizeof(sha), hex);
    size_t len = strlen(base) + sizeof(hex) + 4;
    char *cp = cos_palloc(c->pool, len);
    snprintf(cp, len, "%s%s.cp", base, hex);
    return cp;
}

static void record_upload(cli_t *c, cp_stats_t *st, const char *from, const char *bucket,
                          const char *key, int64_t size)
{
    char to[PATH_MAX + 600];
    snprintf(to, sizeof(to), "cos://%s/%s", bucket, key);
    record(c, st, from, to, size);
}

/* Uploads what can be read but not sized: standard input ("-"), a pipe, a FIFO, a device. */
static int upload_stream(cli_t *c, const char *path, const char *bucket, const char *key,
                         cp_stats_t *st)
{
    bool dash = strcmp(path, "-") == 0;
    int fd = dash ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_error(c, "cannot read %s: %s", path, strerror(errno));
        return CLI_FAILED;
    }
    int64_t n = 0;
    int rc = cli_stream_upload(c, fd, dash ? "standard input" : path, bucket, key, &n);
    if (!dash) {
        close(fd);
    }
    if (rc == CLI_OK) {
        record_upload(c, st, path, bucket, key, n);
    }
    return rc;
}

static int upload_file(cli_t *c, const char *path, const char *bucket, const char *key,
                       cp_stats_t *st)
{
    struct stat sb;
    if (strcmp(path, "-") == 0) {
        return upload_stream(c, path, bucket, key, st);
    }
    if (stat(path, &sb) != 0) {
        cli_error(c, "cannot read %s: %s", path, strerror(errno));
        return CLI_FAILED;
    }
    if (!S_ISREG(sb.st_mode)) { /* its size says nothing about what it holds */
        return upload_stream(c, path, bucket, key, st);
    }
    cos_request_options_t *o = cli_options(c);
    cos_string_t b = cli_str(bucket), k = cli_str(key), f = cli_str(path);
    cos_table_t *resp = NULL;
    cli_progress_begin(c, base_name(path), (int64_t)sb.st_size);
    cos_status_t *s;
    char *cp = (int64_t)sb.st_size >= c->part_threshold
                   ? checkpoint_path(c, "up", bucket, key, path)
                   : NULL;
    if (cp) {
        cos_resumable_clt_params_t *rp = cos_create_resumable_clt_params_content(
            c->pool, c->part_size, c->threads, COS_TRUE, cp);
        s = cos_resumable_upload_file(o, &b, &k, &f, NULL, NULL, rp, cli_progress_callback(), &resp,
                                      NULL);
    } else {
        s = cos_do_put_object_from_file(o, &b, &k, &f, NULL, NULL, cli_progress_callback(), &resp,
                                        NULL);
    }
    cli_progress_end(cos_status_is_ok(s));
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, "upload to", s, bucket, key);
    }
    record_upload(c, st, path, bucket, key, (int64_t)sb.st_size);
    return CLI_OK;
}

/* Where a download goes. A regular file is written beside its path and renamed into place, so a
 * failed download never leaves half a file; through a symlink, the file it points at is replaced
 * and the link kept. What is not a regular file (standard output, a FIFO, a device, the /proc links
 * of open files) is opened and written into, never replaced. */
typedef struct dl_target {
    const char *path; /* the file to rename into place, or the stream's name */
    int fd;           /* >= 0: write into this stream */
    bool close_fd;
} dl_target_t;

static bool is_own_stdout(const char *path)
{
    return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0 ||
           strcmp(path, "/dev/fd/1") == 0 || strcmp(path, "/proc/self/fd/1") == 0;
}

static int download_target(cli_t *c, const char *path, dl_target_t *t)
{
    t->path = path;
    t->fd = -1;
    t->close_fd = false;
    if (is_own_stdout(path)) {
        t->path = "standard output";
        t->fd = STDOUT_FILENO;
        c->stdout_is_data = true;
        return CLI_OK;
    }
    struct stat lsb, sb;
    if (lstat(path, &lsb) != 0) {
        return CLI_OK; /* a new file */
    }
    bool follows = stat(path, &sb) == 0;
    char link[PATH_MAX] = "";
    if (S_ISLNK(lsb.st_mode)) {
        ssize_t n = readlink(path, link, sizeof(link) - 1);
        link[n > 0 ? n : 0] = '\0';
    }
    bool fd_link = strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/dev/fd/", 8) == 0 ||
                   strncmp(link, "/proc/", 6) == 0;
    if (follows && (!S_ISREG(sb.st_mode) || fd_link)) {
        t->fd = open(path, O_WRONLY | O_CLOEXEC | (S_ISREG(sb.st_mode) ? O_TRUNC : 0));
        if (t->fd < 0) {
            cli_error(c, "cannot write %s: %s", path, strerror(errno));
            return CLI_FAILED;
        }
        t->close_fd = true;
        return CLI_OK;
    }
    if (S_ISLNK(lsb.st_mode)) {
        char *real = follows ? realpath(path, NULL) : NULL;
        if (!real) {
            cli_error(c, "%s is a symbolic link to %s, which %s", path, link,
                      follows ? "cannot be resolved" : "does not exist");
            return CLI_FAILED;
        }
        t->path = cos_pstrdup_cstr(c->pool, real);
        free(real);
    }
    return CLI_OK;
}

static int download_stream(cli_t *c, const char *bucket, const char *key, dl_target_t *t,
                           cp_stats_t *st)
{
    int64_t n = 0;
    int rc = cli_stream_download(c, bucket, key, t->fd, t->path, &n);
    if (t->close_fd && close(t->fd) != 0 && rc == CLI_OK) {
        cli_error(c, "cannot write %s: %s", t->path, strerror(errno));
        rc = CLI_FAILED;
    }
    if (rc == CLI_OK) {
        char from[PATH_MAX + 600];
        snprintf(from, sizeof(from), "cos://%s/%s", bucket, key);
        record(c, st, from, t->fd == STDOUT_FILENO ? "-" : t->path, n);
    }
    return rc;
}

static int download_regular(cli_t *c, const char *bucket, const char *key, const char *path,
                            int64_t size_hint, cp_stats_t *st);

/* size: the object's size when known from a listing, or -1 (then a HEAD asks for it). */
static int download_file(cli_t *c, const char *bucket, const char *key, const char *target,
                         int64_t size_hint, cp_stats_t *st)
{
    dl_target_t t;
    if (download_target(c, target, &t) != CLI_OK) {
        return CLI_FAILED;
    }
    if (t.fd >= 0) {
        return download_stream(c, bucket, key, &t, st);
    }
    const char *path = t.path;
    cli_lock_t lock;
    if (cli_lock_target(c, path, &lock) != CLI_OK) {
        return CLI_FAILED;
    }
    int rc = download_regular(c, bucket, key, path, size_hint, st);
    cli_unlock_target(&lock);
    return rc;
}

static int download_regular(cli_t *c, const char *bucket, const char *key, const char *path,
                            int64_t size_hint, cp_stats_t *st)
{
    if (!make_parents(path)) {
        cli_error(c, "cannot create the directories of %s: %s", path, strerror(errno));
        return CLI_FAILED;
    }
    cos_request_options_t *o = cli_options(c);
    cos_string_t b = cli_str(bucket), k = cli_str(key), f = cli_str(path);
    cos_table_t *resp = NULL;
    int hrc = size_hint < 0 ? cli_head_size(c, "download", bucket, key, &size_hint, NULL) : CLI_OK;
    if (hrc != CLI_OK) {
        return hrc;
    }
    cli_progress_begin(c, base_name(key), size_hint);
    cos_status_t *s;
    char *cp =
        size_hint >= c->part_threshold ? checkpoint_path(c, "down", bucket, key, path) : NULL;
    if (cp) {
        cos_resumable_clt_params_t *rp = cos_create_resumable_clt_params_content(
            c->pool, c->part_size, c->threads, COS_TRUE, cp);
        s = cos_resumable_download_file(o, &b, &k, &f, NULL, NULL, rp, cli_progress_callback());
    } else {
        s = cos_do_get_object_to_file(o, &b, &k, NULL, NULL, &f, cli_progress_callback(), &resp);
    }
    cli_progress_end(cos_status_is_ok(s));
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, "download", s, bucket, key);
    }
    struct stat sb;
    int64_t size = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    char from[PATH_MAX + 600];
    snprintf(from, sizeof(from), "cos://%s/%s", bucket, key);
    record(c, st, from, path, size);
    return CLI_OK;
}

/* size: the source's size when known from a listing, or -1 (then a HEAD asks for it, which also
 * names a missing source). */
static int copy_object(cli_t *c, const char *sb, const char *sk, const char *db, const char *dk,
                       int64_t size, cp_stats_t *st)
{
    cos_request_options_t *o = cli_options(c);
    cos_string_t src_b = cli_str(sb), src_k = cli_str(sk), dst_b = cli_str(db), dst_k = cli_str(dk);
    int hrc = size < 0 ? cli_head_size(c, "copy", sb, sk, &size, NULL) : CLI_OK;
    if (hrc != CLI_OK) {
        return hrc;
    }
    /* The source endpoint is the configured one without its scheme. */
    const char *ep = o->config->endpoint.data;
    const char *hostpart = strstr(ep, "://") ? strstr(ep, "://") + 3 : ep;
    cos_string_t src_ep = cli_str(hostpart);
    cos_copy_object_params_t *params = cos_create_copy_object_params(c->pool);
    cos_table_t *resp = NULL;
    cos_status_t *s =
        cos_copy_object(o, &src_b, &src_k, &src_ep, &dst_b, &dst_k, NULL, params, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, "copy", s, sb, sk);
    }
    char from[1200], to[1200];
    snprintf(from, sizeof(from), "cos://%s/%s", sb, sk);
    snprintf(to, sizeof(to), "cos://%s/%s", db, dk);
    record(c, st, from, to, size);
    return CLI_OK;
}

int cli_upload(cli_t *c, const char *path, const char *bucket, const char *key)
{
    cp_stats_t st = {0, 0, NULL, 0, NULL};
    return upload_file(c, path, bucket, key, &st);
}

/* Uploads every regular file under dir to prefix, keeping relative paths. */
static int upload_tree(cli_t *c, const char *dir, const char *bucket, const char *prefix,
                       cp_stats_t *st)
{
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(c, "cannot read directory %s: %s", dir, strerror(errno));
        return CLI_FAILED;
    }
    int rc = CLI_OK;
    struct dirent *e;
    int64_t before = st->files + st->skipped;
    while (rc == CLI_OK && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        char *path = join(c, dir, e->d_name);
        char *key = join(c, prefix, e->d_name);
        struct stat sb;
        if (lstat(path, &sb) != 0) {
            cli_error(c, "cannot read %s: %s", path, strerror(errno));
            rc = CLI_FAILED;
        } else if (S_ISDIR(sb.st_mode)) {
            rc = upload_tree(c, path, bucket, key, st);
        } else if (S_ISREG(sb.st_mode)) {
            rc = upload_file(c, path, bucket, key, st);
        } else if (S_ISLNK(sb.st_mode)) {
            skip(c, st, path, "a symbolic link (not followed; copy its target by name)");
        } else {
            skip(c, st, path, "not a regular file (copy a FIFO or device by name to stream it)");
        }
    }
    closedir(d);
    if (rc == CLI_OK && st->files + st->skipped == before && strcmp(dir, ".") != 0) {
        skip(c, st, dir, "an empty directory (COS keeps no directories, only objects)");
    }
    return rc;
}

typedef struct tree_arg {
    const char *dst_bucket; /* cos->cos */
    const char *dst;        /* local directory or destination prefix */
    cp_stats_t *st;
} tree_arg_t;

/* Whether a relative name would leave the directory it is copied into. */
static bool escapes(const char *rel)
{
    if (rel[0] == '/') {
        return true;
    }
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            return true;
        }
        p += n;
        p += *p == '/';
    }
    return false;
}

static int download_one(cli_t *c, const char *bucket, const char *key, const char *rel,
                        int64_t size, void *arg)
{
    tree_arg_t *t = arg;
    char what[2200];
    snprintf(what, sizeof(what), "cos://%s/%s", bucket, key);
    if (!*rel || ends_with_slash(key)) {
        skip(c, t->st, what, "a directory placeholder (an object whose key ends in '/')");
        return CLI_OK;
    }
    if (escapes(rel)) {
        skip(c, t->st, what, "its name would leave the destination directory");
        return CLI_OK;
    }
    return download_file(c, bucket, key, join(c, t->dst, rel), size, t->st);
}

static int copy_one(cli_t *c, const char *bucket, const char *key, const char *rel, int64_t size,
                    void *arg)
{
    tree_arg_t *t = arg;
    return copy_object(c, bucket, key, t->dst_bucket, join(c, t->dst, rel), size, t->st);
}

int cli_cmd_cp(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"recursive", no_argument, NULL, 'r'},
                                             {"threshold", required_argument, NULL, 'T'},
                                             {"part-size", required_argument, NULL, 'P'},
                                             {"threads", required_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool recursive = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "rT:P:j:h", longopts, NULL)) != -1) {
        char *end = NULL;
        long v = (ch == 'T' || ch == 'P' || ch == 'j') ? strtol(optarg, &end, 10) : 0;
        if (end && (*end || v < 1 || (ch == 'j' ? v > 64 : v > 5 * 1024))) {
            cli_usage_error(c, "--%s must be a whole number from 1 to %d",
                            ch == 'j'   ? "threads"
                            : ch == 'T' ? "threshold"
                                        : "part-size",
                            ch == 'j' ? 64 : 5 * 1024);
            return CLI_USAGE;
        }
        if (ch == 'r') {
            recursive = true;
        } else if (ch == 'T') {
            c->part_threshold = v * CLI_MIB;
        } else if (ch == 'P') {
            c->part_size = v * CLI_MIB;
        } else if (ch == 'j') {
            c->threads = (int)v;
        } else if (ch == 'h') {
            printf(
                "usage: cos cp SRC DST [-r] [--threshold MiB] [--part-size MiB] [--threads N]\n"
                "SRC and DST are local paths or cos://BUCKET/KEY addresses (at least one cos://).\n"
                "A DST ending in '/' (or an existing local directory) receives SRC's name.\n"
                "-r copies a directory tree or every object under a prefix.\n"
                "Files of --threshold MiB (default 32) and more go in --part-size MiB parts "
                "(default 8),\n"
                "--threads at a time (default 4), with a checkpoint: run an interrupted copy again "
                "to\n"
                "resume it.\n");
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    if (argc - optind != 2) {
        cli_usage_error(c, "cp needs a source and a destination (see cos cp --help)");
        return CLI_USAGE;
    }
    const char *src = argv[optind], *dst = argv[optind + 1];
    bool src_cos = cli_is_cos_uri(src), dst_cos = cli_is_cos_uri(dst);
    if (!src_cos && !dst_cos) {
        cli_usage_error(
            c, "cp copies to or from COS: one of '%s' and '%s' must be a cos:// address", src, dst);
        return CLI_USAGE;
    }
    cli_uri_t su = {0}, du = {0};
    if ((src_cos && !cli_uri_parse(c, src, &su)) || (dst_cos && !cli_uri_parse(c, dst, &du))) {
        return CLI_USAGE;
    }
    if (!cli_options(c)) {
        return CLI_USAGE;
    }
    cp_stats_t st = {0, 0, c->json ? cJSON_CreateArray() : NULL, 0,
                     c->json ? cJSON_CreateArray() : NULL};
    int rc;
    if (!src_cos && strcmp(src, "-") == 0) { /* standard input -> cos */
        if (recursive || !*du.key || ends_with_slash(du.key)) {
            cli_usage_error(c, "standard input has no name: give the whole key (cos://%s/KEY)%s",
                            du.bucket, recursive ? ", without -r" : "");
            cJSON_Delete(st.items);
            cJSON_Delete(st.skips);
            return CLI_USAGE;
        }
        rc = upload_file(c, src, du.bucket, du.key, &st);
    } else if (!src_cos) { /* local -> cos */
        struct stat sb;
        if (stat(src, &sb) != 0) {
            cli_error(c, "cannot read %s: %s", src, strerror(errno));
            cJSON_Delete(st.items);
            cJSON_Delete(st.skips);
            return CLI_FAILED;
        }
        if (S_ISDIR(sb.st_mode)) {
            if (!recursive) {
                cli_usage_error(c, "%s is a directory: use cp -r", src);
                cJSON_Delete(st.items);
                cJSON_Delete(st.skips);
                return CLI_USAGE;
            }
            rc = upload_tree(c, src, du.bucket, du.key, &st);
        } else {
            const char *key =
                (!*du.key || ends_with_slash(du.key)) ? join(c, du.key, base_name(src)) : du.key;
            rc = upload_file(c, src, du.bucket, key, &st);
        }
    } else if (!dst_cos) { /* cos -> local */
        if (recursive && is_own_stdout(dst)) {
            cli_usage_error(c, "cp -r writes a directory tree, not to standard output");
            cJSON_Delete(st.items);
            cJSON_Delete(st.skips);
            return CLI_USAGE;
        }
        if (recursive) {
            tree_arg_t t = {NULL, dst, &st};
            rc = cli_tree_each(c, su.bucket, su.key, download_one, &t);
        } else {
            if (!*su.key || ends_with_slash(su.key)) {
                cli_usage_error(c, "%s names no object: give a key, or use cp -r for a prefix",
                                src);
                cJSON_Delete(st.items);
                cJSON_Delete(st.skips);
                return CLI_USAGE;
            }
            struct stat sb;
            const char *path = dst;
            if (!is_own_stdout(dst) &&
                (ends_with_slash(dst) || (stat(dst, &sb) == 0 && S_ISDIR(sb.st_mode)))) {
                path = join(c, dst, base_name(su.key));
            }
            rc = download_file(c, su.bucket, su.key, path, -1, &st);
        }
    } else { /* cos -> cos */
        size_t sl = strlen(su.key);
        if (recursive && strcmp(su.bucket, du.bucket) == 0 &&
            (sl == 0 || strncmp(du.key, su.key, sl) == 0) &&
            (sl == 0 || su.key[sl - 1] == '/' || du.key[sl] == '/' || du.key[sl] == '\0')) {
            cli_usage_error(c,
                            "the destination %s is inside the source %s: it would copy its own "
                            "copies",
                            dst, src);
            cJSON_Delete(st.items);
            cJSON_Delete(st.skips);
            return CLI_USAGE;
        }
        if (recursive) {
            tree_arg_t t = {du.bucket, du.key, &st};
            rc = cli_tree_each(c, su.bucket, su.key, copy_one, &t);
        } else {
            const char *key =
                (!*du.key || ends_with_slash(du.key)) ? join(c, du.key, base_name(su.key)) : du.key;
            rc = copy_object(c, su.bucket, su.key, du.bucket, key, -1, &st);
        }
    }
    if (st.items) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "copied", st.items);
        cJSON_AddNumberToObject(j, "files", (double)st.files);
        cJSON_AddNumberToObject(j, "bytes", (double)st.bytes);
        cJSON_AddItemToObject(j, "skipped", st.skips);
        st.skips = NULL;
        if (rc == CLI_OK) {
            cli_json_print_to(c, j);
        } else {
            cJSON_Delete(j);
        }
    } else if (rc == CLI_OK && (st.files > 1 || recursive)) {
        char hs[32];
        cli_human_size(st.bytes, hs, sizeof(hs));
        if (st.skipped) {
            cli_info(c, "%lld file(s), %s; %lld skipped (see above)\n", (long long)st.files, hs,
                     (long long)st.skipped);
        } else {
            cli_info(c, "%lld file(s), %s\n", (long long)st.files, hs);
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- stat, presign */

int cli_cmd_stat(cli_t *c, int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: cos stat cos://BUCKET/KEY\nShows the object's size, type, ETag, CRC64, "
               "dates and metadata.\n");
        return CLI_OK;
    }
    cli_uri_t u;
    if (argc != 2) {
        cli_usage_error(c, "stat needs one cos://BUCKET/KEY");
        return CLI_USAGE;
    }
    if (!cli_uri_parse(c, argv[1], &u)) {
        return CLI_USAGE;
    }
    if (!*u.key) {
        cli_usage_error(c, "stat needs an object key, not only a bucket");
        return CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    cos_string_t b = cli_str(u.bucket), k = cli_str(u.key);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_head_object(o, &b, &k, NULL, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, "stat", s, u.bucket, u.key);
    }
    const cos_array_header_t *a = cos_table_elts(resp);
    const cos_table_entry_t *e = a ? (const cos_table_entry_t *)a->elts : NULL;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "bucket", u.bucket);
    cJSON_AddStringToObject(j, "key", u.key);
    /* The usual fields typed (size as a number), then every shown header as sent. */
    const char *cl = cli_header(resp, "Content-Length");
    cJSON_AddNumberToObject(j, "size", cl ? (double)strtoll(cl, NULL, 10) : 0);
    static const char *const typed[][2] = {{"etag", "ETag"},
                                           {"content_type", "Content-Type"},
                                           {"last_modified", "Last-Modified"},
                                           {"crc64", "x-cos-hash-crc64ecma"},
                                           {"storage_class", "x-cos-storage-class"}};
    for (size_t t = 0; t < sizeof(typed) / sizeof(typed[0]); t++) {
        const char *v = cli_header(resp, typed[t][1]);
        if (v) {
            cJSON_AddStringToObject(j, typed[t][0], v);
        } else {
            cJSON_AddNullToObject(j, typed[t][0]);
        }
    }
    cJSON *h = cJSON_AddObjectToObject(j, "headers");
    if (!c->json) {
        printf("%-22s cos://%s/%s\n", "Object:", u.bucket, u.key);
    }
    for (int i = 0; a && i < a->nelts; i++) {
        static const char *const shown[] = {
            "Content-Length", "Content-Type",         "ETag",
            "Last-Modified",  "x-cos-hash-crc64ecma", "x-cos-storage-class",
            "Cache-Control",  "Content-Disposition",  "Content-Encoding",
            "Expires"};
        bool show = strncasecmp(e[i].key, "x-cos-meta-", 11) == 0;
        for (size_t k2 = 0; !show && k2 < sizeof(shown) / sizeof(shown[0]); k2++) {
            show = strcasecmp(e[i].key, shown[k2]) == 0;
        }
        if (!show) {
            continue;
        }
        cJSON_AddStringToObject(h, e[i].key, e[i].val);
        if (!c->json) {
            char label[128];
            snprintf(label, sizeof(label), "%s:", e[i].key);
            printf("%-22s %s\n", label, e[i].val);
        }
    }
    if (c->json) {
        cli_json_print(j);
    } else {
        cJSON_Delete(j);
    }
    return CLI_OK;
}

int cli_cmd_presign(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"expires", required_argument, NULL, 'e'},
                                             {"method", required_argument, NULL, 'm'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    long expires = 3600;
    const char *method = "GET";
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "e:m:h", longopts, NULL)) != -1) {
        if (ch == 'e') {
            char *end;
            expires = strtol(optarg, &end, 10);
            if (*end || expires <= 0 || expires > 7 * 24 * 3600) {
                cli_usage_error(c, "--expires must be a number of seconds from 1 to 604800");
                return CLI_USAGE;
            }
        } else if (ch == 'm') {
            method = optarg;
        } else if (ch == 'h') {
            printf("usage: cos presign cos://BUCKET/KEY [--expires SECONDS] [--method "
                   "GET|PUT|HEAD|DELETE]\n"
                   "Prints a URL that allows the request without credentials until it expires "
                   "(default 3600 s).\n");
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    http_method_e m;
    if (strcasecmp(method, "GET") == 0) {
        m = HTTP_GET;
    } else if (strcasecmp(method, "PUT") == 0) {
        m = HTTP_PUT;
    } else if (strcasecmp(method, "HEAD") == 0) {
        m = HTTP_HEAD;
    } else if (strcasecmp(method, "DELETE") == 0) {
        m = HTTP_DELETE;
    } else {
        cli_usage_error(c, "--method must be GET, PUT, HEAD or DELETE, not '%s'", method);
        return CLI_USAGE;
    }
    cli_uri_t u;
    if (argc - optind != 1) {
        cli_usage_error(c, "presign needs one cos://BUCKET/KEY");
        return CLI_USAGE;
    }
    if (!cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    if (!*u.key) {
        cli_usage_error(c, "presign needs an object key");
        return CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    if (!c->set.secret_id || !c->set.secret_key) {
        cli_usage_error(c, "presign needs credentials: --secret-id and --secret-key (or "
                           "COS_SECRET_ID / COS_SECRET_KEY)");
        return CLI_USAGE;
    }
    cos_string_t b = cli_str(u.bucket), k = cli_str(u.key), url = {0, NULL};
    if (cos_gen_presigned_url(o, &b, &k, expires, m, &url) != COSE_OK || !url.data) {
        cli_error(c, "cannot build a presigned URL for cos://%s/%s", u.bucket, u.key);
        return CLI_FAILED;
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "url", url.data);
        cJSON_AddStringToObject(j, "method", method);
        cJSON_AddNumberToObject(j, "expires_in", (double)expires);
        cli_json_print(j);
    } else {
        printf("%s\n", url.data);
    }
    return CLI_OK;
}
