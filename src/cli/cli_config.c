/* cli_config.c: where the cos tool's settings come from (flags > environment > config file), the
 * `cos config` command that writes ~/.cos.conf with mode 0600, and the libcos request options built
 * from the settings, including how an endpoint on loopback (a local cosd) is addressed. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct setting {
    const char *file_key;
    const char *env;
    size_t offset;
} setting_t;

static const setting_t SETTINGS[] = {
    {"secret_id", "COS_SECRET_ID", offsetof(cli_settings_t, secret_id)},
    {"secret_key", "COS_SECRET_KEY", offsetof(cli_settings_t, secret_key)},
    {"token", "COS_SESSION_TOKEN", offsetof(cli_settings_t, token)},
    {"region", "COS_REGION", offsetof(cli_settings_t, region)},
    {"endpoint", "COS_ENDPOINT", offsetof(cli_settings_t, endpoint)},
    {"appid", "COS_APPID", offsetof(cli_settings_t, appid)},
    {"ca_path", "COS_CA_PATH", offsetof(cli_settings_t, ca_path)},
    {"timeout", "COS_TIMEOUT", offsetof(cli_settings_t, timeout)},
};
#define NSETTINGS (sizeof(SETTINGS) / sizeof(SETTINGS[0]))

static const char **slot(cli_settings_t *s, size_t i)
{
    return (const char **)((char *)s + SETTINGS[i].offset);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    return s;
}

/* Reads "key = value" lines ('#' comments) into file (pool strings). Missing file: nothing. */
static void read_file(cli_t *c, cli_settings_t *file)
{
    FILE *f = fopen(c->config_path, "r");
    if (!f) {
        return;
    }
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        char *s = trim(line);
        if (*s == '#' || *s == '[' || *s == '\0') {
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            continue;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        for (size_t i = 0; i < NSETTINGS; i++) {
            if (strcmp(k, SETTINGS[i].file_key) == 0 && *v) {
                *slot(file, i) = cos_pstrdup_cstr(c->pool, v);
            }
        }
    }
    fclose(f);
}

void cli_config_load(cli_t *c)
{
    if (c->config_path[0] == '\0') {
        const char *home = getenv("HOME");
        snprintf(c->config_path, sizeof(c->config_path), "%s/.cos.conf", home ? home : ".");
    }
    cli_settings_t file;
    memset(&file, 0, sizeof(file));
    read_file(c, &file);
    for (size_t i = 0; i < NSETTINGS; i++) {
        const char **dst = slot(&c->set, i);
        const char *env = getenv(SETTINGS[i].env);
        if (!*dst && env && *env) {
            *dst = env;
        }
        if (!*dst) {
            *dst = *slot(&file, i);
        }
    }
}

/* Request limits: --timeout seconds without data moving abandon an attempt (CURLOPT_LOW_SPEED_*:
 * below 1 byte/s for that long), connecting is abandoned after at most CLI_CONNECT_TIMEOUT, and a
 * failed attempt is retried CLI_RETRIES times, so a server that never answers is given up on after
 * about (1 + CLI_RETRIES) * timeout: 30 s by default. A transfer that keeps moving is never cut. */
#define CLI_DEFAULT_TIMEOUT 10
#define CLI_MAX_TIMEOUT     86400
#define CLI_CONNECT_TIMEOUT 10
#define CLI_RETRIES         2

int cli_timeout(cli_t *c)
{
    const char *v = c->set.timeout;
    if (!v) {
        return CLI_DEFAULT_TIMEOUT;
    }
    char *end = NULL;
    errno = 0;
    long n = isdigit((unsigned char)v[0]) ? strtol(v, &end, 10) : -1;
    if (!end || *end || errno || n < 1 || n > CLI_MAX_TIMEOUT) {
        cli_usage_error(
            c,
            "invalid timeout '%s' (--timeout, COS_TIMEOUT or timeout in %s): give whole "
            "seconds from 1 to %d",
            v, c->config_path, CLI_MAX_TIMEOUT);
        return -1;
    }
    return (int)n;
}

/* Applies the timeout and retry limits to a controller and its config. */
static bool apply_limits(cli_t *c, cos_request_options_t *o)
{
    int t = cli_timeout(c);
    if (t < 0) {
        return false;
    }
    o->ctl->options->connect_timeout = t < CLI_CONNECT_TIMEOUT ? t : CLI_CONNECT_TIMEOUT;
    o->ctl->options->speed_limit = 1;
    o->ctl->options->speed_time = t;
    o->config->retry_times = CLI_RETRIES;
    return true;
}

/* An endpoint as typed, taken apart by endpoint_parse. */
typedef struct endpoint {
    const char *scheme; /* "http://" or "https://" */
    char host[256];     /* without brackets for IPv6 */
    int port;           /* 0: the scheme's default */
    bool ip;            /* an IPv4 or IPv6 literal */
    bool v6;
} endpoint_t;

/* Whether s[0..n) is a DNS name: dot-separated labels of letters, digits and '-' (not at either end
 * of a label), each 1-63 characters, 253 in all. */
static bool dns_name(const char *s, size_t n)
{
    if (n == 0 || n > 253) {
        return false;
    }
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = i < n ? s[i] : '.';
        if (ch == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-') {
                return false;
            }
            label = 0;
        } else if (isalnum((unsigned char)ch) || (ch == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* Parses an endpoint: [http:// | https://] HOST [:PORT] [/], HOST a DNS name with a dot, localhost,
 * an IPv4 literal or a bracketed IPv6 literal, PORT 1-65535. Without a scheme: http://, as in
 * libcos. On failure, why says what is wrong. */
static bool endpoint_parse(const char *ep, endpoint_t *e, char *why, size_t whylen)
{
    memset(e, 0, sizeof(*e));
    e->scheme = "http://";
    const char *rest = ep;
    for (const char *q = ep; *q; q++) {
        if (isspace((unsigned char)*q) || iscntrl((unsigned char)*q)) {
            snprintf(why, whylen, "it contains a space or control character");
            return false;
        }
    }
    const char *sep = strstr(ep, "://");
    if (sep) {
        size_t sl = (size_t)(sep - ep);
        if (sl == 4 && strncasecmp(ep, "http", 4) == 0) {
            e->scheme = "http://";
        } else if (sl == 5 && strncasecmp(ep, "https", 5) == 0) {
            e->scheme = "https://";
        } else {
            snprintf(why, whylen, "the scheme '%.*s' is not supported (use http:// or https://)",
                     (int)(sl > 16 ? 16 : sl), ep);
            return false;
        }
        rest = sep + 3;
    }
    size_t n = strlen(rest);
    if (n > 0 && rest[n - 1] == '/') {
        n--;
    }
    if (memchr(rest, '@', n)) {
        snprintf(why, whylen, "it has a user name (credentials go in --secret-id/--secret-key)");
        return false;
    }
    if (strcspn(rest, "/?#") < n) {
        snprintf(why, whylen, "it has a path, query or fragment (give only scheme, host and port)");
        return false;
    }
    const char *host = rest, *port = NULL;
    size_t hl;
    if (rest[0] == '[') {
        const char *rb = memchr(rest, ']', n);
        if (!rb) {
            snprintf(why, whylen, "an IPv6 address lacks its closing ']'");
            return false;
        }
        host = rest + 1;
        hl = (size_t)(rb - host);
        if (rb + 1 < rest + n) {
            if (rb[1] != ':') {
                snprintf(why, whylen, "unexpected text after the IPv6 address");
                return false;
            }
            port = rb + 2;
        }
        e->v6 = true;
    } else {
        const char *colon = memchr(rest, ':', n);
        hl = colon ? (size_t)(colon - rest) : n;
        if (colon && memchr(colon + 1, ':', (size_t)(rest + n - colon - 1))) {
            snprintf(why, whylen, "an IPv6 address must be in brackets, e.g. http://[::1]:9000");
            return false;
        }
        port = colon ? colon + 1 : NULL;
    }
    if (hl == 0) {
        snprintf(why, whylen, "it has no host");
        return false;
    }
    if (hl >= sizeof(e->host)) {
        snprintf(why, whylen, "the host name is too long");
        return false;
    }
    memcpy(e->host, host, hl);
    e->host[hl] = '\0';
    if (port) {
        size_t pl = (size_t)(rest + n - port);
        char digits[8];
        bool ok = pl > 0 && pl < sizeof(digits) && strspn(port, "0123456789") >= pl;
        long v = 0;
        if (ok) {
            memcpy(digits, port, pl);
            digits[pl] = '\0';
            v = strtol(digits, NULL, 10);
        }
        if (!ok || v < 1 || v > 65535) {
            snprintf(why, whylen, "the port must be a number from 1 to 65535");
            return false;
        }
        e->port = (int)v;
    }
    unsigned char addr[16];
    if (e->v6) {
        if (inet_pton(AF_INET6, e->host, addr) != 1) {
            snprintf(why, whylen, "'%s' is not an IPv6 address", e->host);
            return false;
        }
        e->ip = true;
        return true;
    }
    if (strspn(e->host, "0123456789.") == hl) {
        if (inet_pton(AF_INET, e->host, addr) != 1) {
            snprintf(why, whylen, "'%s' is not an IPv4 address", e->host);
            return false;
        }
        e->ip = true;
        return true;
    }
    if (!dns_name(e->host, hl)) {
        snprintf(why, whylen,
                 "'%s' is not a host name (letters, digits, '-' and '.'), an IPv4 address or a "
                 "bracketed IPv6 address",
                 e->host);
        return false;
    }
    if (!strchr(e->host, '.') && strcasecmp(e->host, "localhost") != 0) {
        snprintf(why, whylen,
                 "'%s' is a host name without a dot, almost certainly a mistake (buckets are "
                 "addressed as <bucket>.%s); give a full host name, an IP address or localhost, "
                 "e.g. http://127.0.0.1:9000",
                 e->host, e->host);
        return false;
    }
    return true;
}

/* Checks the endpoint setting, printing a usage error naming it when it does not parse. */
static bool endpoint_check(cli_t *c, const char *ep, endpoint_t *e)
{
    char why[1024];
    if (endpoint_parse(ep, e, why, sizeof(why))) {
        return true;
    }
    cli_usage_error(c, "invalid endpoint '%s': %s", ep, why);
    return false;
}

int cli_cmd_config(cli_t *c, int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf(
            "usage: cos config [--secret-id ID] [--secret-key KEY] [--token T] [--region R]\n"
            "                  [--endpoint URL] [--appid N] [--ca-path DIR] [--timeout SECONDS]\n"
            "Writes the given settings, merged with the current ones, to %s (mode 0600).\n",
            c->config_path);
        return CLI_OK;
    }
    if (argc > 1) {
        cli_usage_error(c, "config: unexpected argument '%s'", argv[1]);
        return CLI_USAGE;
    }
    endpoint_t e;
    if (c->set.endpoint && !endpoint_check(c, c->set.endpoint, &e)) {
        return CLI_USAGE;
    }
    /* Write to a temporary file created 0600, then rename: never a moment with looser permissions.
     */
    char tmp[1100];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%d", c->config_path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
    if (fd < 0) {
        cli_error(c, "config: cannot create %s: %s", tmp, strerror(errno));
        return CLI_FAILED;
    }
    FILE *f = fdopen(fd, "w");
    fprintf(f, "# cos settings; flags and COS_* environment variables take precedence.\n");
    cJSON *j = cJSON_CreateObject();
    for (size_t i = 0; i < NSETTINGS; i++) {
        const char *v = *slot(&c->set, i);
        if (v && *v) {
            fprintf(f, "%s = %s\n", SETTINGS[i].file_key, v);
            cJSON_AddStringToObject(j, SETTINGS[i].file_key,
                                    strstr(SETTINGS[i].file_key, "key") ? "(set)" : v);
        }
    }
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, c->config_path) != 0) {
        cli_error(c, "config: cannot write %s: %s", c->config_path, strerror(errno));
        unlink(tmp);
        cJSON_Delete(j);
        return CLI_FAILED;
    }
    if (c->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", c->config_path);
        cJSON_AddItemToObject(o, "settings", j);
        cli_json_print(o);
    } else {
        cJSON_Delete(j);
        cli_info(c, "wrote %s\n", c->config_path);
    }
    return CLI_OK;
}

cos_request_options_t *cli_options(cli_t *c)
{
    if (c->opts) {
        return c->opts;
    }
    cos_request_options_t *o = cos_request_options_create(c->pool);
    o->config = cos_config_create(c->pool);
    o->ctl = cos_http_controller_create(c->pool, 0);
    if (!apply_limits(c, o)) {
        return NULL;
    }
    const char *ep = c->set.endpoint;
    if (ep) {
        endpoint_t e;
        if (!endpoint_check(c, ep, &e)) {
            return NULL;
        }
        bool https = strcmp(e.scheme, "https://") == 0;
        char *url = cos_palloc(c->pool, 300);
        if (e.ip || strcasecmp(e.host, "localhost") == 0) {
            /* A bucket cannot be a subdomain of an IP address: address buckets as
             * <bucket>.localhost (what cosd accepts) and route the connection to the given address.
             */
            int p = e.port ? e.port : (https ? 443 : 80);
            snprintf(url, 300, "%slocalhost:%d", e.scheme, p);
            c->route_ip = cos_pstrdup_cstr(c->pool, e.ip ? e.host : "127.0.0.1");
            c->route_port = p;
            cos_set_request_route(o->ctl, c->route_ip, p);
        } else if (e.port) {
            snprintf(url, 300, "%s%s:%d", e.scheme, e.host, e.port);
        } else {
            snprintf(url, 300, "%s%s", e.scheme, e.host);
        }
        cos_str_set(&o->config->endpoint, url);
    } else if (c->set.region && *c->set.region) {
        char *e = cos_palloc(c->pool, 300);
        snprintf(e, 300, "https://cos.%s.myqcloud.com", c->set.region);
        cos_str_set(&o->config->endpoint, e);
    } else {
        cli_usage_error(c,
                        "no endpoint: pass --region R for COS, --endpoint URL for a local cosd "
                        "(e.g. --endpoint http://127.0.0.1:9000), or save one with `cos config`");
        return NULL;
    }
    if (c->set.secret_id) {
        cos_str_set(&o->config->access_key_id, c->set.secret_id);
    }
    if (c->set.secret_key) {
        cos_str_set(&o->config->access_key_secret, c->set.secret_key);
    }
    if (c->set.token) {
        cos_str_set(&o->config->sts_token, c->set.token);
    }
    if (c->set.appid) {
        cos_str_set(&o->config->appid, c->set.appid);
    }
    if (c->set.ca_path) {
        cos_set_ca_path(o->ctl, c->set.ca_path);
    }
    c->opts = o;
    return o;
}

cos_request_options_t *cli_ci_options(cli_t *c)
{
    if (c->ci_opts) {
        return c->ci_opts;
    }
    cos_request_options_t *cos = cli_options(c);
    if (!cos) {
        return NULL;
    }
    const char *region = c->set.region && *c->set.region ? c->set.region : NULL;
    if (!region && !c->route_ip) {
        cli_usage_error(
            c, "audio moderation needs the bucket's region: pass --region R (or COS_REGION)");
        return NULL;
    }
    cos_request_options_t *o = cos_request_options_create(c->pool);
    o->config = cos_config_create(c->pool);
    o->ctl = cos_http_controller_create(c->pool, 0);
    *o->config = *cos->config;
    if (!apply_limits(c, o)) {
        return NULL;
    }
    char *e = cos_palloc(c->pool, 300);
    if (c->route_ip) {
        /* A local cosd serves CI on the CI host name, reached at the same address as COS. */
        snprintf(e, 300, "http://ci.%s.myqcloud.com", region ? region : "ap-guangzhou");
        cos_set_request_route(o->ctl, c->route_ip, c->route_port);
    } else {
        snprintf(e, 300, "https://ci.%s.myqcloud.com", region);
    }
    cos_str_set(&o->config->endpoint, e);
    if (c->set.ca_path) {
        cos_set_ca_path(o->ctl, c->set.ca_path);
    }
    c->ci_opts = o;
    return o;
}
