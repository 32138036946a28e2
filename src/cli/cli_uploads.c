/* cli_uploads.c: unfinished (multipart) uploads of the cos tool: `lsparts` lists them across pages,
 * `abort` removes one by its upload id or every one under a prefix; rb uses the counting and
 * aborting helpers to say what keeps a bucket from being removed and to empty it with --force. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef int (*upload_fn)(cli_t *c, const char *bucket, const cos_list_multipart_upload_content_t *u,
                         void *arg);

/* Calls fn for every unfinished upload under prefix, following key and upload-id markers across
 * pages; with one_page only the first page, *more telling whether there are further ones. */
static int uploads_each(cli_t *c, const char *bucket, const char *prefix, bool one_page,
                        upload_fn fn, void *arg, bool *more)
{
    cos_request_options_t *o = cli_options(c);
    if (!o) {
        return CLI_USAGE;
    }
    cos_string_t b = cli_str(bucket);
    const char *key_marker = "", *id_marker = "";
    if (more) {
        *more = false;
    }
    for (;;) {
        cos_list_multipart_upload_params_t *p = cos_create_list_multipart_upload_params(c->pool);
        cos_str_set(&p->prefix, prefix);
        cos_str_set(&p->key_marker, key_marker);
        cos_str_set(&p->upload_id_marker, id_marker);
        p->max_ret = 1000;
        cos_table_t *resp = NULL;
        cos_status_t *s = cos_list_multipart_upload(o, &b, p, &resp);
        if (!cos_status_is_ok(s)) {
            return cli_report(c, "list unfinished uploads", s);
        }
        cos_list_multipart_upload_content_t *u;
        cos_list_for_each_entry(cos_list_multipart_upload_content_t, u, &p->upload_list, node)
        {
            int rc = fn(c, bucket, u, arg);
            if (rc != CLI_OK) {
                return rc;
            }
        }
        bool next = p->truncated && p->next_key_marker.data && *p->next_key_marker.data;
        if (one_page || !next) {
            if (more) {
                *more = next;
            }
            return CLI_OK;
        }
        key_marker = cos_pstrdup_cstr(c->pool, p->next_key_marker.data);
        id_marker = cos_pstrdup_cstr(
            c->pool, p->next_upload_id_marker.data ? p->next_upload_id_marker.data : "");
    }
}

static const char *str_or_empty(const cos_string_t *s)
{
    return s->data ? s->data : "";
}

/* ---------------------------------------------------------------- counting and aborting */

static int count_one(cli_t *c, const char *bucket, const cos_list_multipart_upload_content_t *u,
                     void *arg)
{
    (*(int64_t *)arg)++;
    return CLI_OK;
}

int cli_uploads_count(cli_t *c, const char *bucket, bool one_page, int64_t *n, bool *more)
{
    *n = 0;
    return uploads_each(c, bucket, "", one_page, count_one, n, more);
}

typedef struct upload_ref {
    const char *key;
    const char *id;
} upload_ref_t;

typedef struct collected {
    upload_ref_t *items;
    size_t n, cap;
} collected_t;

static int collect_one(cli_t *c, const char *bucket, const cos_list_multipart_upload_content_t *u,
                       void *arg)
{
    collected_t *all = arg;
    if (all->n == all->cap) {
        size_t cap = all->cap ? all->cap * 2 : 64;
        upload_ref_t *grown = cos_palloc(c->pool, cap * sizeof(*grown));
        if (all->n) {
            memcpy(grown, all->items, all->n * sizeof(*grown));
        }
        all->items = grown;
        all->cap = cap;
    }
    all->items[all->n].key = cos_pstrdup_cstr(c->pool, str_or_empty(&u->key));
    all->items[all->n].id = cos_pstrdup_cstr(c->pool, str_or_empty(&u->upload_id));
    all->n++;
    return CLI_OK;
}

static int abort_one(cli_t *c, const char *bucket, const char *key, const char *id)
{
    cos_string_t b = cli_str(bucket), k = cli_str(key), i = cli_str(id);
    cos_table_t *resp = NULL;
    cos_status_t *s = cos_abort_multipart_upload(cli_options(c), &b, &k, &i, &resp);
    return cos_status_is_ok(s) ? CLI_OK : cli_report(c, "abort upload", s);
}

static cJSON *upload_json(const char *key, const char *id)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "key", key);
    cJSON_AddStringToObject(j, "upload_id", id);
    return j;
}

int cli_uploads_abort_all(cli_t *c, const char *bucket, const char *prefix, cJSON *done, int64_t *n)
{
    collected_t all = {NULL, 0, 0};
    *n = 0;
    int rc = uploads_each(c, bucket, prefix, false, collect_one, &all, NULL);
    for (size_t i = 0; rc == CLI_OK && i < all.n; i++) {
        rc = abort_one(c, bucket, all.items[i].key, all.items[i].id);
        if (rc == CLI_OK) {
            (*n)++;
            if (done) {
                cJSON_AddItemToArray(done, upload_json(all.items[i].key, all.items[i].id));
            }
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- lsparts */

typedef struct lsparts_state {
    cJSON *arr; /* --json */
    int64_t count;
} lsparts_state_t;

static int print_one(cli_t *c, const char *bucket, const cos_list_multipart_upload_content_t *u,
                     void *arg)
{
    lsparts_state_t *st = arg;
    st->count++;
    if (st->arr) {
        cJSON *j = upload_json(str_or_empty(&u->key), str_or_empty(&u->upload_id));
        cJSON_AddStringToObject(j, "initiated", str_or_empty(&u->initiated));
        cJSON_AddItemToArray(st->arr, j);
    } else {
        printf("%-24s %s cos://%s/%s\n", str_or_empty(&u->initiated), str_or_empty(&u->upload_id),
               bucket, str_or_empty(&u->key));
    }
    return CLI_OK;
}

int cli_cmd_lsparts(cli_t *c, int argc, char **argv)
{
    static const char help[] =
        "usage: cos lsparts cos://BUCKET[/PREFIX]\n"
        "Lists the unfinished multipart uploads under PREFIX (uploads that were started and\n"
        "neither completed nor aborted): initiated time, upload id and key. They keep their\n"
        "parts stored (and billed) and the bucket from being removed; `cos abort` removes them.\n"
        "With --json: {\"uploads\":[{\"key\":K,\"upload_id\":ID,\"initiated\":TIME}]}.\n";
    bool recursive;
    int frc = cli_recursive_flags(c, argc, argv, help, &recursive);
    if (frc != -1) {
        return frc;
    }
    if (recursive) {
        cli_usage_error(c, "lsparts takes no -r: it always lists every upload under the prefix");
        return CLI_USAGE;
    }
    if (argc - optind != 1) {
        cli_usage_error(c, "lsparts needs one cos://BUCKET[/PREFIX]");
        return CLI_USAGE;
    }
    cli_uri_t u;
    if (!cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    if (!cli_options(c)) {
        return CLI_USAGE;
    }
    lsparts_state_t st = {c->json ? cJSON_CreateArray() : NULL, 0};
    int rc = uploads_each(c, u.bucket, u.key, false, print_one, &st, NULL);
    if (rc != CLI_OK) {
        cJSON_Delete(st.arr);
        return rc;
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "uploads", st.arr);
        cli_json_print(j);
    } else if (!c->quiet) {
        printf("%lld unfinished upload%s\n", (long long)st.count, st.count == 1 ? "" : "s");
    }
    return CLI_OK;
}

/* ---------------------------------------------------------------- abort */

int cli_cmd_abort(cli_t *c, int argc, char **argv)
{
    static const struct option longopts[] = {{"upload-id", required_argument, NULL, 'u'},
                                             {"recursive", no_argument, NULL, 'r'},
                                             {"all", no_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *id = NULL;
    bool all = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "rh", longopts, NULL)) != -1) {
        if (ch == 'u') {
            id = optarg;
        } else if (ch == 'r') {
            all = true;
        } else if (ch == 'h') {
            printf(
                "usage: cos abort cos://BUCKET/KEY --upload-id ID\n"
                "       cos abort -r|--all cos://BUCKET[/PREFIX]\n"
                "Aborts an unfinished multipart upload, deleting the parts it stored: the one\n"
                "with upload id ID of KEY, or with -r (--all) every one under PREFIX (the whole\n"
                "bucket without a prefix), saying how many. `cos lsparts` lists them.\n"
                "A `cos cp` killed mid-upload can instead be resumed by running it again.\n"
                "With --json: {\"aborted\":[{\"key\":K,\"upload_id\":ID}],\"count\":N}.\n");
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_usage_error(c, "abort needs one cos:// address (see cos abort --help)");
        return CLI_USAGE;
    }
    if (all == (id != NULL)) {
        cli_usage_error(c, all ? "abort takes either --upload-id ID or -r, not both"
                               : "abort needs --upload-id ID (`cos lsparts` lists them) or -r "
                                 "for every unfinished upload under the address");
        return CLI_USAGE;
    }
    if (id && !*id) {
        cli_usage_error(c, "--upload-id needs a non-empty value");
        return CLI_USAGE;
    }
    cli_uri_t u;
    if (!cli_uri_parse(c, argv[optind], &u)) {
        return CLI_USAGE;
    }
    if (id && !*u.key) {
        cli_usage_error(c, "abort --upload-id needs the upload's key: cos://%s/KEY", u.bucket);
        return CLI_USAGE;
    }
    if (!cli_options(c)) {
        return CLI_USAGE;
    }
    cJSON *done = c->json ? cJSON_CreateArray() : NULL;
    int64_t n = 0;
    int rc;
    if (id) {
        rc = abort_one(c, u.bucket, u.key, id);
        if (rc == CLI_OK) {
            n = 1;
            if (done) {
                cJSON_AddItemToArray(done, upload_json(u.key, id));
            }
        }
    } else {
        rc = cli_uploads_abort_all(c, u.bucket, u.key, done, &n);
    }
    if (c->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "aborted", done);
        cJSON_AddNumberToObject(j, "count", (double)n);
        cli_json_print(j);
    } else if (id && rc == CLI_OK) {
        cli_info(c, "aborted upload %s of cos://%s/%s\n", id, u.bucket, u.key);
    } else if (!id) {
        cli_info(c, "aborted %lld unfinished upload%s under cos://%s/%s\n", (long long)n,
                 n == 1 ? "" : "s", u.bucket, u.key);
    }
    return rc;
}
