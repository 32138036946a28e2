/* cli_bucket.c: the bucket commands of the cos tool: mb, rb, and ls (buckets of the account, or the
 * objects and directories of a bucket, following markers across pages); rb --force empties the
 * bucket first, and rb says what keeps a bucket that is not empty. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses "CMD [--help] cos://BUCKET" for mb / rb. */
static bool one_bucket(cli_t *c, int argc, char **argv, const char *help, cli_uri_t *u)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("%s", help);
        return false;
    }
    if (argc != 2) {
        cli_usage_error(c, "%s needs exactly one cos://BUCKET", argv[0]);
        return false;
    }
    if (!cli_uri_parse(c, argv[1], u)) {
        return false;
    }
    if (*u->key) {
        cli_usage_error(c, "%s takes a bucket, not an object ('%s')", argv[0], argv[1]);
        return false;
    }
    return true;
}

static int bucket_done(cli_t *c, const char *bucket, bool create)
{
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "bucket", bucket);
        cJSON_AddBoolToObject(j, create ? "created" : "removed", true);
        cli_json_print(j);
    } else {
        cli_info(c, "%s cos://%s\n", create ? "created" : "removed", bucket);
    }
    return CLI_OK;
}

int cli_cmd_mb(cli_t *c, int argc, char **argv)
{
    cli_uri_t u;
    if (!one_bucket(c, argc, argv, "usage: cos mb cos://BUCKET\nCreates a private bucket.\n", &u)) {
        return argc == 2 && argv[1][0] == '-' && strstr(argv[1], "h") ? CLI_OK : CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    cos_string_t bucket = cli_str(u.bucket);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report(c, "create bucket", s);
    }
    return bucket_done(c, u.bucket, true);
}

/* "1 object", "3 objects", "1000+ objects" (more: a first page of 1000 with further pages). */
static const char *counted(cli_t *c, int64_t n, bool more, const char *one, const char *many)
{
    char *out = cos_palloc(c->pool, 64);
    snprintf(out, 64, "%lld%s %s", (long long)n, more ? "+" : "", n == 1 && !more ? one : many);
    return out;
}

static int count_object(cli_t *c, const char *bucket, const cos_list_object_content_t *obj,
                        void *arg)
{
    (*(int64_t *)arg)++;
    return CLI_OK;
}

/* Counts the bucket's objects from the first listing page; *more when there are further pages. */
static bool first_page_objects(cli_t *c, const char *bucket, int64_t *n, bool *more)
{
    cos_string_t b = cli_str(bucket);
    cos_list_object_params_t *p = cos_create_list_object_params(c->pool);
    cos_str_set(&p->prefix, "");
    cos_str_set(&p->marker, "");
    p->max_ret = 1000;
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_list_object(cli_options(c), &b, p, &resp);
    if (!cos_status_is_ok(s)) {
        return false;
    }
    *n = 0;
    cos_list_object_content_t *e;
    cos_list_for_each_entry(cos_list_object_content_t, e, &p->object_list, node)
    {
        (*n)++;
    }
    *more = p->truncated != 0;
    return true;
}

/* BucketNotEmpty: says what is in the bucket and how to remove it; falls back on the server's
 * answer when the contents cannot be counted or look empty. */
static int not_empty(cli_t *c, const char *bucket, const cos_status_t *s)
{
    int64_t objs = 0, ups = 0;
    bool objs_more = false, ups_more = false;
    if (!first_page_objects(c, bucket, &objs, &objs_more) ||
        cli_uploads_count(c, bucket, true, &ups, &ups_more) != CLI_OK || (objs == 0 && ups == 0)) {
        return cli_report(c, "remove bucket", s);
    }
    const char *o = counted(c, objs, objs_more, "object", "objects");
    const char *u = counted(c, ups, ups_more, "unfinished upload", "unfinished uploads");
    char hint[512];
    if (objs == 0) {
        snprintf(hint, sizeof(hint), "`cos abort -r cos://%s` or `cos rb --force cos://%s`", bucket,
                 bucket);
    } else if (ups == 0) {
        snprintf(hint, sizeof(hint), "`cos rm -r cos://%s/` or `cos rb --force cos://%s`", bucket,
                 bucket);
    } else {
        snprintf(hint, sizeof(hint), "`cos rb --force cos://%s`", bucket);
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON *e = cJSON_AddObjectToObject(j, "error");
        cJSON_AddStringToObject(e, "operation", "remove bucket");
        cJSON_AddNumberToObject(e, "status", s->code);
        cJSON_AddStringToObject(e, "code", s->error_code ? s->error_code : "BucketNotEmpty");
        cJSON_AddStringToObject(e, "message", s->error_msg ? s->error_msg : "");
        cJSON_AddStringToObject(e, "request_id", s->req_id ? s->req_id : "");
        cJSON_AddNumberToObject(e, "objects", (double)objs);
        cJSON_AddNumberToObject(e, "uploads", (double)ups);
        cJSON_AddBoolToObject(e, "more", objs_more || ups_more);
        char *text = cJSON_PrintUnformatted(j);
        fprintf(stderr, "%s\n", text);
        cJSON_free(text);
        cJSON_Delete(j);
    } else {
        cli_error(c, "cannot remove cos://%s: it holds %s and %s: %s", bucket, o, u, hint);
    }
    return CLI_FAILED;
}

/* rb --force: aborts the unfinished uploads and deletes the objects, after saying how many. */
static int empty_bucket(cli_t *c, const char *bucket)
{
    int64_t objs = 0, ups = 0;
    int rc = cli_list_each(c, bucket, "", NULL, count_object, NULL, &objs);
    if (rc == CLI_OK) {
        rc = cli_uploads_count(c, bucket, false, &ups, NULL);
    }
    if (rc != CLI_OK) {
        return rc;
    }
    if (objs || ups) {
        cli_info(c, "removing %s and %s from cos://%s\n",
                 counted(c, objs, false, "object", "objects"),
                 counted(c, ups, false, "unfinished upload", "unfinished uploads"), bucket);
    }
    int64_t aborted = 0;
    if (ups && (rc = cli_uploads_abort_all(c, bucket, "", NULL, &aborted)) != CLI_OK) {
        return rc;
    }
    if (objs) {
        cos_string_t b = cli_str(bucket), none = cli_str("");
        cos_status_t *s = cos_delete_objects_by_prefix(cli_options(c), &b, &none);
        if (!cos_status_is_ok(s)) {
            return cli_report(c, "remove objects", s);
        }
    }
    return CLI_OK;
}

int cli_cmd_rb(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
        if (ch == 'f') {
            force = true;
        } else if (ch == 'h') {
            printf("usage: cos rb cos://BUCKET [--force]\n"
                   "Removes a bucket, which must be empty: no objects and no unfinished uploads.\n"
                   "--force (-f) first aborts its unfinished uploads and deletes all its objects,\n"
                   "saying how many of each.\n");
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_usage_error(c, "rb needs exactly one cos://BUCKET");
        return CLI_USAGE;
    }
    cli_uri_t u;
    if (!cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    if (*u.key) {
        cli_usage_error(c, "rb takes a bucket, not an object ('%s')", argv[optind]);
        return CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    if (force) {
        int rc = empty_bucket(c, u.bucket);
        if (rc != CLI_OK) {
            return rc;
        }
    }
    cos_string_t bucket = cli_str(u.bucket);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_delete_bucket(o, &bucket, &resp);
    if (!cos_status_is_ok(s)) {
        if (s->code == 409 && s->error_code && strcmp(s->error_code, "BucketNotEmpty") == 0) {
            return not_empty(c, u.bucket, s);
        }
        return cli_report(c, "remove bucket", s);
    }
    return bucket_done(c, u.bucket, false);
}

static int list_buckets(cli_t *c, cos_request_options_t *o)
{
    cos_get_service_params_t *params = cos_create_get_service_params(c->pool);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_get_service(o, params, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report(c, "list buckets", s);
    }
    cJSON *arr = c->json ? cJSON_CreateArray() : NULL;
    cos_get_service_content_t *b;
    cos_list_for_each_entry(cos_get_service_content_t, b, &params->bucket_list, node)
    {
        if (arr) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "name", b->bucket_name.data ? b->bucket_name.data : "");
            cJSON_AddStringToObject(j, "region", b->location.data ? b->location.data : "");
            cJSON_AddStringToObject(j, "created",
                                    b->creation_date.data ? b->creation_date.data : "");
            cJSON_AddItemToArray(arr, j);
        } else {
            printf("%-24s %-16s cos://%s\n", b->creation_date.data ? b->creation_date.data : "",
                   b->location.data ? b->location.data : "",
                   b->bucket_name.data ? b->bucket_name.data : "");
        }
    }
    if (arr) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "buckets", arr);
        cli_json_print(j);
    }
    return CLI_OK;
}

typedef struct ls_state {
    cJSON *objs; /* --json */
    cJSON *dirs;
    int64_t count;
    int64_t bytes;
} ls_state_t;

static int ls_prefix(cli_t *c, const char *bucket, const char *prefix, void *arg)
{
    ls_state_t *st = arg;
    if (st->dirs) {
        cJSON_AddItemToArray(st->dirs, cJSON_CreateString(prefix));
    } else {
        printf("%-24s %12s cos://%s/%s\n", "", "DIR", bucket, prefix);
    }
    return CLI_OK;
}

static int ls_object(cli_t *c, const char *bucket, const cos_list_object_content_t *e, void *arg)
{
    ls_state_t *st = arg;
    long long size = e->size.data ? strtoll(e->size.data, NULL, 10) : 0;
    st->count++;
    st->bytes += size;
    if (st->objs) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "key", e->key.data);
        cJSON_AddNumberToObject(j, "size", (double)size);
        cJSON_AddStringToObject(j, "last_modified",
                                e->last_modified.data ? e->last_modified.data : "");
        cJSON_AddStringToObject(j, "etag", e->etag.data ? e->etag.data : "");
        cJSON_AddItemToArray(st->objs, j);
    } else {
        printf("%-24s %12lld cos://%s/%s\n", e->last_modified.data ? e->last_modified.data : "",
               size, bucket, e->key.data);
    }
    return CLI_OK;
}

int cli_cmd_ls(cli_t *c, int argc, char **argv)
{
    bool recursive;
    int frc = cli_recursive_flags(
        c, argc, argv,
        "usage: cos ls [cos://BUCKET[/PREFIX]] [-r]\n"
        "Without an address: the account's buckets. With one: the objects and directories\n"
        "directly under PREFIX, or with -r every object under it.\n",
        &recursive);
    if (frc != -1) {
        return frc;
    }
    if (argc - optind > 1) {
        cli_usage_error(c, "ls takes at most one cos:// address");
        return CLI_USAGE;
    }
    cli_uri_t u;
    if (argc - optind == 1 && !cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    if (argc - optind == 0) {
        return list_buckets(c, o);
    }
    ls_state_t st = {c->json ? cJSON_CreateArray() : NULL, c->json ? cJSON_CreateArray() : NULL, 0,
                     0};
    int rc = cli_list_each(c, u.bucket, u.key, recursive ? NULL : "/", ls_object, ls_prefix, &st);
    if (rc != CLI_OK) {
        cJSON_Delete(st.objs);
        cJSON_Delete(st.dirs);
        return rc;
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "objects", st.objs);
        cJSON_AddItemToObject(j, "prefixes", st.dirs);
        cli_json_print(j);
    } else if (!c->quiet) {
        char hs[32];
        cli_human_size(st.bytes, hs, sizeof(hs));
        printf("%lld object(s), %s\n", (long long)st.count, hs);
    }
    return CLI_OK;
}
