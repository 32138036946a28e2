/* cli_rm.c: the rm command of the cos tool: one object, or with -r everything under a prefix read
 * as a directory ("pre" means pre/... and pre itself, never prefix.txt), counted first, shown with
 * --dry-run, confirmed on a terminal unless --force, then deleted in batches of 1000. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* COS deletes at most this many keys in one request. */
#define RM_BATCH 1000

typedef struct rm_keys {
    char **v;
    size_t n;
    size_t cap;
} rm_keys_t;

static int collect(cli_t *c, const char *bucket, const char *key, const char *rel, int64_t size,
                   void *arg)
{
    (void)bucket;
    (void)rel;
    (void)size;
    rm_keys_t *k = arg;
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 256;
        char **v = realloc(k->v, cap * sizeof(*v));
        if (!v) {
            cli_error(c, "out of memory listing %zu keys", k->n);
            return CLI_FAILED;
        }
        k->v = v;
        k->cap = cap;
    }
    k->v[k->n++] = cos_pstrdup_cstr(c->pool, key);
    return CLI_OK;
}

static int delete_batch(cli_t *c, const char *bucket, char **keys, size_t n)
{
    cos_list_t list, deleted;
    cos_list_init(&list);
    cos_list_init(&deleted);
    for (size_t i = 0; i < n; i++) {
        cos_object_key_t *k = cos_create_cos_object_key(c->pool);
        cos_str_set(&k->key, keys[i]);
        cos_list_add_tail(&k->node, &list);
    }
    cos_string_t bk = cli_str(bucket);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_delete_objects(cli_options(c), &bk, &list, 1, &resp, &deleted);
    return cos_status_is_ok(s) ? CLI_OK : cli_report(c, "remove objects", s);
}

/* Asks on the terminal; true for y or yes. */
static bool confirm(const char *question)
{
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[16];
    if (!fgets(line, sizeof(line), stdin)) {
        return false;
    }
    return strcmp(line, "y\n") == 0 || strcmp(line, "yes\n") == 0 || strcmp(line, "Y\n") == 0;
}

static void print_result(cli_t *c, char **keys, size_t n, bool dry_run)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(j, "removed");
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(arr, cJSON_CreateString(keys[i]));
    }
    cJSON_AddNumberToObject(j, "count", (double)n);
    cJSON_AddBoolToObject(j, "dry_run", dry_run);
    cli_json_print(j);
}

static int rm_tree(cli_t *c, const char *bucket, const char *key, bool dry_run, bool force)
{
    rm_keys_t k = {NULL, 0, 0};
    int rc = cli_tree_each(c, bucket, key, collect, &k);
    if (rc != CLI_OK) {
        free(k.v);
        return rc;
    }
    char scope[2200];
    size_t kl = strlen(key);
    if (kl == 0) {
        snprintf(scope, sizeof(scope), "in cos://%s", bucket);
    } else if (key[kl - 1] == '/') {
        snprintf(scope, sizeof(scope), "under cos://%s/%s", bucket, key);
    } else {
        snprintf(scope, sizeof(scope), "at cos://%s/%s and under cos://%s/%s/", bucket, key, bucket,
                 key);
    }
    if (!c->json) {
        cli_info(c, "%zu object(s) %s%s\n", k.n, scope, dry_run ? " would be removed" : "");
    }
    if (dry_run || k.n == 0) {
        for (size_t i = 0; dry_run && !c->json && i < k.n; i++) {
            cli_info(c, "would remove cos://%s/%s\n", bucket, k.v[i]);
        }
        if (c->json) {
            print_result(c, k.v, dry_run ? k.n : 0, dry_run);
        }
        free(k.v);
        return CLI_OK;
    }
    if (!force && isatty(STDIN_FILENO)) {
        char q[2300];
        snprintf(q, sizeof(q), "remove %zu object(s) %s?", k.n, scope);
        if (!confirm(q)) {
            cli_error(c, "nothing removed");
            free(k.v);
            return CLI_FAILED;
        }
    }
    size_t done = 0;
    while (rc == CLI_OK && done < k.n) {
        size_t n = k.n - done < RM_BATCH ? k.n - done : RM_BATCH;
        rc = delete_batch(c, bucket, k.v + done, n);
        for (size_t i = done; rc == CLI_OK && i < done + n; i++) {
            cli_info(c, "removed cos://%s/%s\n", bucket, k.v[i]);
        }
        if (rc == CLI_OK) {
            done += n;
        }
    }
    if (rc != CLI_OK && done > 0) {
        cli_error(c, "%zu of %zu object(s) were removed before the failure", done, k.n);
    }
    if (rc == CLI_OK && c->json) {
        print_result(c, k.v, k.n, false);
    } else if (rc == CLI_OK) {
        cli_info(c, "removed %zu object(s)\n", k.n);
    }
    free(k.v);
    return rc;
}

static const char RM_HELP[] =
    "usage: cos rm cos://BUCKET/KEY [-r [--dry-run] [--force]]\n"
    "Removes an object. With -r: KEY and every object under KEY/ (a prefix is a directory:\n"
    "cos://b/pre is pre and pre/..., never prefix.txt); cos://BUCKET/ is every object.\n"
    "-r prints how many objects it will remove first; --dry-run (-n) lists them and removes\n"
    "nothing; on a terminal it asks before removing unless --force (-f).\n";

int cli_cmd_rm(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"recursive", no_argument, NULL, 'r'},
                                             {"dry-run", no_argument, NULL, 'n'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    bool recursive = false, dry_run = false, force = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "rnfh", longopts, NULL)) != -1) {
        if (ch == 'r') {
            recursive = true;
        } else if (ch == 'n') {
            dry_run = true;
        } else if (ch == 'f') {
            force = true;
        } else if (ch == 'h') {
            fputs(RM_HELP, stdout);
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    cli_uri_t u;
    if (argc - optind != 1) {
        cli_usage_error(c, "rm needs one cos://BUCKET/KEY");
        return CLI_USAGE;
    }
    if (!cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    if (!*u.key && !recursive) {
        cli_usage_error(c, "rm needs a key; to empty a bucket use rm -r cos://%s/", u.bucket);
        return CLI_USAGE;
    }
    if (dry_run && !recursive) {
        cli_usage_error(c, "--dry-run goes with -r");
        return CLI_USAGE;
    }
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    if (recursive) {
        return rm_tree(c, u.bucket, u.key, dry_run, force);
    }
    cos_string_t bk = cli_str(u.bucket), k = cli_str(u.key);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_delete_object(o, &bk, &k, &resp);
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, "remove", s, u.bucket, u.key);
    }
    if (c->json) {
        print_result(c, &u.key, 1, false);
    } else {
        cli_info(c, "removed cos://%s/%s\n", u.bucket, u.key);
    }
    return CLI_OK;
}
