/* cli_list.c: what several cos commands share: walking every page of a bucket listing (objects and,
 * with a delimiter, common prefixes), the objects an -r command acts on (a prefix read as a
 * directory), and the "-r / --help" flags of ls, cp and rm. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_list_each(cli_t *c, const char *bucket, const char *prefix, const char *delimiter,
                  cli_object_fn on_object, cli_prefix_fn on_prefix, void *arg)
{
    cos_request_options_t *o = cli_options(c);
    cos_string_t b = cli_str(bucket);
    char *marker = "";
    for (;;) {
        cos_list_object_params_t *p = cos_create_list_object_params(c->pool);
        cos_str_set(&p->prefix, prefix);
        cos_str_set(&p->marker, marker);
        if (delimiter) {
            cos_str_set(&p->delimiter, delimiter);
        }
        p->max_ret = 1000;
        cos_table_t *resp = NULL;
        cos_status_t *s = cos_list_object(o, &b, p, &resp);
        if (!cos_status_is_ok(s)) {
            char what[400];
            snprintf(what, sizeof(what), "list objects of cos://%s", bucket);
            return cli_report(c, what, s);
        }
        cos_list_object_common_prefix_t *cp;
        cos_list_for_each_entry(cos_list_object_common_prefix_t, cp, &p->common_prefix_list, node)
        {
            int rc = on_prefix ? on_prefix(c, bucket, cp->prefix.data, arg) : CLI_OK;
            if (rc != CLI_OK) {
                return rc;
            }
        }
        cos_list_object_content_t *e;
        cos_list_for_each_entry(cos_list_object_content_t, e, &p->object_list, node)
        {
            int rc = on_object(c, bucket, e, arg);
            if (rc != CLI_OK) {
                return rc;
            }
        }
        if (!p->truncated || !p->next_marker.data || !*p->next_marker.data) {
            return CLI_OK;
        }
        marker = cos_pstrdup_cstr(c->pool, p->next_marker.data);
    }
}

int cli_head_size(cli_t *c, const char *what, const char *bucket, const char *key, int64_t *size,
                  cos_table_t **head)
{
    cos_string_t b = cli_str(bucket), k = cli_str(key);
    cos_table_t *h = NULL;
    cos_status_t *s = cos_head_object(cli_options(c), &b, &k, NULL, &h);
    if (!cos_status_is_ok(s)) {
        return cli_report_object(c, what, s, bucket, key);
    }
    const char *cl = cli_header(h, "Content-Length");
    *size = cl ? strtoll(cl, NULL, 10) : 0;
    if (head) {
        *head = h;
    }
    return CLI_OK;
}

typedef struct tree_walk {
    size_t dir_len;
    cli_tree_fn fn;
    void *arg;
} tree_walk_t;

static int tree_object(cli_t *c, const char *bucket, const cos_list_object_content_t *obj,
                       void *arg)
{
    tree_walk_t *w = arg;
    const char *key = obj->key.data;
    int64_t size = obj->size.data ? strtoll(obj->size.data, NULL, 10) : -1;
    return w->fn(c, bucket, key, key + w->dir_len, size, w->arg);
}

int cli_tree_each(cli_t *c, const char *bucket, const char *key, cli_tree_fn fn, void *arg)
{
    size_t n = strlen(key);
    bool named = n > 0 && key[n - 1] != '/';
    if (named) { /* key itself, when it is an object */
        cos_string_t b = cli_str(bucket), k = cli_str(key);
        cos_table_t *head = NULL;
        cos_status_t *s = cos_head_object(cli_options(c), &b, &k, NULL, &head);
        if (cos_status_is_ok(s)) {
            const char *cl = cli_header(head, "Content-Length");
            const char *slash = strrchr(key, '/');
            int rc =
                fn(c, bucket, key, slash ? slash + 1 : key, cl ? strtoll(cl, NULL, 10) : -1, arg);
            if (rc != CLI_OK) {
                return rc;
            }
        } else if (s->code != 404) {
            return cli_report_object(c, "look up", s, bucket, key);
        }
    }
    char *dir = cos_palloc(c->pool, n + 2);
    snprintf(dir, n + 2, "%s%s", key, named ? "/" : "");
    tree_walk_t w = {strlen(dir), fn, arg};
    return cli_list_each(c, bucket, dir, NULL, tree_object, NULL, &w);
}

int cli_recursive_flags(cli_t *c, int argc, char **argv, const char *help, bool *recursive)
{
    static const struct option longopts[] = {{"recursive", no_argument, NULL, 'r'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    *recursive = false;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "rh", longopts, NULL)) != -1) {
        if (ch == 'r') {
            *recursive = true;
        } else if (ch == 'h') {
            fputs(help, stdout);
            return CLI_OK;
        } else {
            return CLI_USAGE;
        }
    }
    return -1;
}
