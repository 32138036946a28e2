/* cli.h: shared declarations of the cos command-line tool: the run context (settings resolved from
 * flags, environment and ~/.cos.conf, and the libcos request options), output helpers and commands.
 */
#ifndef COS_CLI_H
#define COS_CLI_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "cos_api.h"
#include "cos_http_io.h"

/* Exit codes. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Settings, each from the first source that has it: flag, environment, config file. */
typedef struct cli_settings {
    const char *secret_id;
    const char *secret_key;
    const char *token;
    const char *region;
    const char *endpoint;
    const char *appid;
    const char *ca_path;
    const char *timeout; /* seconds, as typed; checked by cli_timeout() */
} cli_settings_t;

typedef struct cli {
    cos_pool_t *pool;
    cli_settings_t set;
    bool json;
    bool quiet;
    bool progress; /* progress bars: on a terminal and not quiet/json */
    const char *prog;
    char config_path[1024];
    cos_request_options_t *opts;    /* built on first use by cli_options() */
    cos_request_options_t *ci_opts; /* built on first use by cli_ci_options() */
    int64_t part_threshold;         /* cp: files from this size on go in parallel parts */
    int64_t part_size;
    int threads;
    char *route_ip; /* set when the endpoint is a local address */
    int route_port;
    bool stdout_is_data; /* cp ... -: messages and --json go to stderr */
} cli_t;

/* A parsed cos://bucket/key. key is "" for a bucket alone. */
typedef struct cli_uri {
    char *bucket;
    char *key;
} cli_uri_t;

/* Configuration (cli_config.c). */
void cli_config_load(cli_t *c);
int cli_cmd_config(cli_t *c, int argc, char **argv);
/* Request options for the resolved settings; prints a usage error and returns NULL when a required
 * setting is missing. */
cos_request_options_t *cli_options(cli_t *c);

/* Request options for the CI host of the same account (audio moderation): https://ci.<region>...
 * for COS, or the same local address as the COS endpoint for a cosd. NULL after a usage error. */
cos_request_options_t *cli_ci_options(cli_t *c);

/* cos:// URIs (cli_uri.c). */
bool cli_is_cos_uri(const char *s);
/* Parses s into u (pool-allocated); false with a message when s is not cos://BUCKET[/KEY]. */
bool cli_uri_parse(cli_t *c, const char *s, cli_uri_t *u);

/* Output (cli_output.c). */
void cli_usage_error(cli_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reports a failed libcos call (code, error code, message, request id); returns CLI_FAILED, or
 * CLI_USAGE when libcos refused it before sending anything. */
int cli_report(cli_t *c, const char *what, const cos_status_t *s);
/* cli_report for a request on one object, naming it; a bodiless 404 (HEAD) is told apart into
 * NoSuchBucket and NoSuchKey. Returns CLI_FAILED, or CLI_USAGE when libcos sent nothing. */
int cli_report_object(cli_t *c, const char *what, cos_status_t *s, const char *bucket,
                      const char *key);
void cli_error(cli_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_info(cli_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a JSON value on stdout and deletes it. */
void cli_json_print(cJSON *v);
/* The same, on stderr when standard output carries a download's data. */
void cli_json_print_to(cli_t *c, cJSON *v);
void cli_human_size(int64_t n, char *out, size_t outlen);
const char *cli_header(cos_table_t *headers, const char *name);
cos_string_t cli_str(const char *s);

/* Progress bars (cli_progress.c). */
void cli_progress_begin(cli_t *c, const char *label, int64_t total);
cos_progress_callback cli_progress_callback(void);
void cli_progress_end(bool ok);

/* Listings and shared flags (cli_list.c). */
typedef int (*cli_object_fn)(cli_t *c, const char *bucket, const cos_list_object_content_t *obj,
                             void *arg);
typedef int (*cli_prefix_fn)(cli_t *c, const char *bucket, const char *prefix, void *arg);
/* Calls on_object for every object under prefix across all pages, and on_prefix (may be NULL) for
 * every common prefix when delimiter is not NULL. Stops at the first non-CLI_OK return. */
int cli_list_each(cli_t *c, const char *bucket, const char *prefix, const char *delimiter,
                  cli_object_fn on_object, cli_prefix_fn on_prefix, void *arg);
/* HEAD of one object: *size from its Content-Length, *head (may be NULL) its headers; a failure is
 * reported as cli_report_object(what) and returned. */
int cli_head_size(cli_t *c, const char *what, const char *bucket, const char *key, int64_t *size,
                  cos_table_t **head);
/* What an -r command on cos://bucket/key acts on: key itself when it names an object, then every
 * object under key + "/" (under key when key is "" or ends in '/'), never keys that merely start
 * with key ("pre" is not "prefix.txt"). rel is the object's name relative to that directory (for
 * key itself, its last component), never cut inside a name; size is -1 when unknown. */
typedef int (*cli_tree_fn)(cli_t *c, const char *bucket, const char *key, const char *rel,
                           int64_t size, void *arg);
int cli_tree_each(cli_t *c, const char *bucket, const char *key, cli_tree_fn fn, void *arg);
/* Parses "-r" / "--help" of a command: returns -1 to go on (positional arguments from optind), or
 * the exit code (help printed, or a usage error). */
int cli_recursive_flags(cli_t *c, int argc, char **argv, const char *help, bool *recursive);

/* Commands. */
int cli_cmd_mb(cli_t *c, int argc, char **argv);
int cli_cmd_rb(cli_t *c, int argc, char **argv);
int cli_cmd_ls(cli_t *c, int argc, char **argv);
int cli_cmd_cp(cli_t *c, int argc, char **argv);
int cli_cmd_rm(cli_t *c, int argc, char **argv);
int cli_cmd_stat(cli_t *c, int argc, char **argv);
int cli_cmd_presign(cli_t *c, int argc, char **argv);
int cli_cmd_audit(cli_t *c, int argc, char **argv);

/* Streams (cli_stream.c): files that cannot be sized or renamed (standard input and output, pipes,
 * FIFOs, devices). name labels the stream in messages; *bytes receives the bytes moved. */
int cli_stream_upload(cli_t *c, int fd, const char *name, const char *bucket, const char *key,
                      int64_t *bytes);
int cli_stream_download(cli_t *c, const char *bucket, const char *key, int fd, const char *name,
                        int64_t *bytes);

/* The cache directory and per-target locks (cli_lock.c). */
typedef struct cli_lock {
    int fd;
    char path[4200];
} cli_lock_t;
/* Writes the cache directory (made if missing, ending in '/') to out; false when it cannot be made.
 */
bool cli_cache_dir(char *out, size_t len);
/* The absolute form of path, also for a file not made yet. */
void cli_abs_path(const char *path, char *out, size_t len);
/* Takes the lock on a local target; CLI_FAILED (with a message) when another cos run holds it. */
int cli_lock_target(cli_t *c, const char *path, cli_lock_t *lock);
void cli_unlock_target(cli_lock_t *lock);

/* Uploads a local file to bucket/key with a progress bar (cli_object.c). */
int cli_upload(cli_t *c, const char *path, const char *bucket, const char *key);

/* ---- Timeouts and unfinished uploads (cli_config.c, cli_uploads.c) ---- */
/* The --timeout / COS_TIMEOUT / `timeout =` seconds (default 10): how long one attempt of a request
 * may go without moving data (and at most how long connecting may take, capped at 10 s). -1 after
 * a usage error naming the bad value. */
int cli_timeout(cli_t *c);
int cli_cmd_lsparts(cli_t *c, int argc, char **argv);
int cli_cmd_abort(cli_t *c, int argc, char **argv);
/* Counts the bucket's unfinished uploads into *n: every page, or with one_page the first one only
 * (*more, when not NULL, then says whether there are further pages). Reports failures. */
int cli_uploads_count(cli_t *c, const char *bucket, bool one_page, int64_t *n, bool *more);
/* Aborts every unfinished upload under prefix, adding {"key","upload_id"} objects to done when it
 * is not NULL; *n receives how many were aborted. Reports failures. */
int cli_uploads_abort_all(cli_t *c, const char *bucket, const char *prefix, cJSON *done,
                          int64_t *n);

#endif
