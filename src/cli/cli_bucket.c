/* cli_bucket.c: the bucket commands of the cos tool: mb, rb, and ls (buckets of the account, or the
 * objects and directories of a bucket, following markers across pages). */
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

static int bucket_op(cli_t *c, int argc, char **argv, bool create)
{
    cli_uri_t u;
    const char *help = create
                           ? "usage: cos mb cos://BUCKET\nCreates a private bucket.\n"
                           : "usage: cos rb cos://BUCKET\nRemoves a bucket, which must be empty.\n";
    if (!one_bucket(c, argc, argv, help, &u)) {
        return argc == 2 && argv[1][0] == '-' && strstr(argv[1], "h") ? CLI_OK : CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    cos_string_t bucket = cli_str(u.bucket);
    cos_table_t *resp = NULL;
    cos_status_t *s = create ? cos_create_bucket(o, &bucket, COS_ACL_PRIVATE, &resp)
                             : cos_delete_bucket(o, &bucket, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report(c, create ? "create bucket" : "remove bucket", s);
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, create ? "created" : "removed", u.bucket);
        cli_json_print(j);
    } else {
        cli_info(c, "%s cos://%s\n", create ? "created" : "removed", u.bucket);
    }
    return CLI_OK;
}

int cli_cmd_mb(cli_t *c, int argc, char **argv)
{
    return bucket_op(c, argc, argv, true);
}

int cli_cmd_rb(cli_t *c, int argc, char **argv)
{
    return bucket_op(c, argc, argv, false);
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
    long long size = e->size.data ? atoll(e->size.data) : 0;
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
