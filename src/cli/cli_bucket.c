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

int cli_cmd_ls(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"recursive", no_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool recursive = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "rh", longopts, NULL)) != -1) {
        if (ch == 'r') {
            recursive = true;
        } else if (ch == 'h') {
            printf(
                "usage: cos ls [cos://BUCKET[/PREFIX]] [-r]\n"
                "Without an address: the account's buckets. With one: the objects and directories\n"
                "directly under PREFIX, or with -r every object under it.\n");
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
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
    cos_string_t bucket = cli_str(u.bucket);
    cJSON *objs = c->json ? cJSON_CreateArray() : NULL,
          *dirs = c->json ? cJSON_CreateArray() : NULL;
    char *marker = "";
    int64_t count = 0, bytes = 0;
    for (;;) {
        cos_list_object_params_t *p = cos_create_list_object_params(c->pool);
        cos_str_set(&p->prefix, u.key);
        cos_str_set(&p->marker, marker);
        if (!recursive) {
            cos_str_set(&p->delimiter, "/");
        }
        p->max_ret = 1000;
        cos_table_t *resp = NULL;
        cos_status_t *s = cos_list_object(o, &bucket, p, &resp);
        if (!cos_status_is_ok(s)) {
            cJSON_Delete(objs);
            cJSON_Delete(dirs);
            return cli_report(c, "list objects", s);
        }
        cos_list_object_common_prefix_t *cp;
        cos_list_for_each_entry(cos_list_object_common_prefix_t, cp, &p->common_prefix_list, node)
        {
            if (dirs) {
                cJSON_AddItemToArray(dirs, cJSON_CreateString(cp->prefix.data));
            } else {
                printf("%-24s %12s cos://%s/%s\n", "", "DIR", u.bucket, cp->prefix.data);
            }
        }
        cos_list_object_content_t *e;
        cos_list_for_each_entry(cos_list_object_content_t, e, &p->object_list, node)
        {
            long long size = e->size.data ? atoll(e->size.data) : 0;
            count++;
            bytes += size;
            if (objs) {
                cJSON *j = cJSON_CreateObject();
                cJSON_AddStringToObject(j, "key", e->key.data);
                cJSON_AddNumberToObject(j, "size", (double)size);
                cJSON_AddStringToObject(j, "last_modified",
                                        e->last_modified.data ? e->last_modified.data : "");
                cJSON_AddStringToObject(j, "etag", e->etag.data ? e->etag.data : "");
                cJSON_AddItemToArray(objs, j);
            } else {
                printf("%-24s %12lld cos://%s/%s\n",
                       e->last_modified.data ? e->last_modified.data : "", size, u.bucket,
                       e->key.data);
            }
        }
        if (!p->truncated || !p->next_marker.data || !*p->next_marker.data) {
            break;
        }
        marker = cos_pstrdup_cstr(c->pool, p->next_marker.data);
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "objects", objs);
        cJSON_AddItemToObject(j, "prefixes", dirs);
        cli_json_print(j);
    } else if (!c->quiet) {
        char hs[32];
        cli_human_size(bytes, hs, sizeof(hs));
        printf("%lld object(s), %s\n", (long long)count, hs);
    }
    return CLI_OK;
}
