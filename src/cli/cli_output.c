/* cli_output.c: how the cos tool talks to people and programs: errors with the COS error code,
 * message and request id; usage errors; informational lines (suppressed by --quiet and --json);
 * JSON output. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* With --json every error is one JSON object on stderr: {"error":{"kind":..,"message":..}} plus,
 * for a request, operation, status, code, request_id and endpoint. kind is "usage" (nothing was
 * sent), "local" (a file, the terminal, memory) or "request". */
static void json_error(const char *kind, const char *message, cJSON **out)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddStringToObject(e, "kind", kind);
    cJSON_AddStringToObject(e, "message", message);
    *out = o;
}

static void print_json_error(cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    if (text) {
        fprintf(stderr, "%s\n", text);
        cJSON_free(text);
    }
    cJSON_Delete(o);
}

static void verror(cli_t *c, const char *kind, const char *fmt, va_list ap)
{
    if (c->json) {
        char msg[4096];
        vsnprintf(msg, sizeof(msg), fmt, ap);
        cJSON *o;
        json_error(kind, msg, &o);
        print_json_error(o);
        return;
    }
    fprintf(stderr, "%s: ", c->prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
}

void cli_usage_error(cli_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(c, "usage", fmt, ap);
    va_end(ap);
}

void cli_error(cli_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(c, "local", fmt, ap);
    va_end(ap);
}

void cli_info(cli_t *c, const char *fmt, ...)
{
    if (c->quiet || c->json) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->stdout_is_data ? stderr : stdout, fmt, ap);
    va_end(ap);
}

/* The endpoint requests go to, as the user gave it (flag, environment or config file), else the one
 * derived from the region; NULL before any was set up. */
static const char *used_endpoint(const cli_t *c)
{
    if (c->set.endpoint) {
        return c->set.endpoint;
    }
    if (c->opts && c->opts->config && c->opts->config->endpoint.data) {
        return c->opts->config->endpoint.data;
    }
    return NULL;
}

int cli_report(cli_t *c, const char *what, const cos_status_t *s)
{
    const char *code = s && s->error_code ? s->error_code : "UnknownError";
    const char *msg = s && s->error_msg ? s->error_msg : "";
    const char *rid = s && s->req_id ? s->req_id : "";
    int http = s ? s->code : 0;
    /* A transport failure (no answer at all) names the endpoint, since libcos's message names the
     * bucket's host or the address connected to, which the user may not recognise. */
    const char *ep = used_endpoint(c);
    bool transport = http < 0 && strcmp(code, COS_HTTP_IO_ERROR_CODE) == 0 && ep;
    /* Refused by libcos before anything was sent (a bad bucket name, key or setting). */
    bool unsent = http == COSE_INVALID_ARGUMENT && strcmp(code, COS_CLIENT_ERROR_CODE) == 0;
    if (c->json) {
        cJSON *o;
        json_error(unsent ? "usage" : "request", msg, &o);
        cJSON *e = cJSON_GetObjectItem(o, "error");
        cJSON_AddStringToObject(e, "operation", what);
        cJSON_AddNumberToObject(e, "status", http);
        cJSON_AddStringToObject(e, "code", code);
        cJSON_AddStringToObject(e, "request_id", rid);
        if (ep) {
            cJSON_AddStringToObject(e, "endpoint", ep);
        }
        print_json_error(o);
    } else if (transport) {
        fprintf(stderr, "%s: %s failed: cannot reach endpoint %s: %s%s%s\n", c->prog, what, ep,
                code, *msg ? ": " : "", msg);
    } else if (http < 0) {
        fprintf(stderr, "%s: %s failed: %s%s%s\n", c->prog, what, code, *msg ? ": " : "", msg);
    } else {
        fprintf(stderr, "%s: %s failed: HTTP %d %s%s%s%s%s%s\n", c->prog, what, http, code,
                *msg ? ": " : "", msg, *rid ? " (request id " : "", rid, *rid ? ")" : "");
    }
    return unsent ? CLI_USAGE : CLI_FAILED;
}

int cli_report_object(cli_t *c, const char *what, cos_status_t *s, const char *bucket,
                      const char *key)
{
    char op[2400];
    snprintf(op, sizeof(op), "%s cos://%s/%s", what, bucket, key);
    if (s->code == 404 && (!s->error_msg || !*s->error_msg)) {
        /* A HEAD answer has no body: find out which of the two is missing. */
        cos_string_t b = cli_str(bucket);
        cos_table_t *resp = NULL;
        cos_status_t *bs = cos_head_bucket(cli_options(c), &b, &resp);
        bool no_bucket = bs->code == 404;
        s->error_code = (char *)(no_bucket ? "NoSuchBucket" : "NoSuchKey");
        s->error_msg = cos_psprintf(c->pool,
                                    no_bucket ? "the bucket %s does not exist"
                                              : "there is no object %s in bucket %s",
                                    no_bucket ? bucket : key, bucket);
    }
    return cli_report(c, op, s);
}

void cli_json_print(cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);
    if (text) {
        printf("%s\n", text);
        cJSON_free(text);
    }
    cJSON_Delete(v);
}

void cli_json_print_to(cli_t *c, cJSON *v)
{
    if (!c->stdout_is_data) {
        cli_json_print(v);
        return;
    }
    char *text = cJSON_PrintUnformatted(v);
    if (text) {
        fprintf(stderr, "%s\n", text);
        cJSON_free(text);
    }
    cJSON_Delete(v);
}

void cli_human_size(int64_t n, char *out, size_t outlen)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0) {
        snprintf(out, outlen, "%lld B", (long long)n);
    } else {
        snprintf(out, outlen, "%.1f %s", v, units[u]);
    }
}

const char *cli_header(cos_table_t *headers, const char *name)
{
    return headers ? cos_table_get(headers, name) : NULL;
}

cos_string_t cli_str(const char *s)
{
    cos_string_t r;
    cos_str_set(&r, s ? s : "");
    return r;
}
