/* cli_config.c: where the cos tool's settings come from (flags > environment > config file), the
 * `cos config` command that writes ~/.cos.conf with mode 0600, and the libcos request options built
 * from the settings, including how an endpoint on loopback (a local cosd) is addressed. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int cli_cmd_config(cli_t *c, int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: cos config [--secret-id ID] [--secret-key KEY] [--token T] [--region R]\n"
               "                  [--endpoint URL] [--appid N] [--ca-path DIR]\n"
               "Writes the given settings, merged with the current ones, to %s (mode 0600).\n",
               c->config_path);
        return CLI_OK;
    }
    if (argc > 1) {
        cli_usage_error(c, "config: unexpected argument '%s'", argv[1]);
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

/* Whether host (no port) is loopback by name or an IPv4 literal. */
static bool is_local_or_ip(const char *host)
{
    if (strcmp(host, "localhost") == 0) {
        return true;
    }
    int dots = 0;
    for (const char *p = host; *p; p++) {
        if (*p == '.') {
            dots++;
        } else if (!isdigit((unsigned char)*p)) {
            return false;
        }
    }
    return dots == 3;
}

cos_request_options_t *cli_options(cli_t *c)
{
    if (c->opts) {
        return c->opts;
    }
    cos_request_options_t *o = cos_request_options_create(c->pool);
    o->config = cos_config_create(c->pool);
    o->ctl = cos_http_controller_create(c->pool, 0);
    const char *ep = c->set.endpoint;
    if (ep && *ep) {
        const char *scheme = "https://";
        const char *hostport = ep;
        if (strncmp(ep, "http://", 7) == 0) {
            scheme = "http://";
            hostport = ep + 7;
        } else if (strncmp(ep, "https://", 8) == 0) {
            hostport = ep + 8;
        }
        char host[256];
        snprintf(host, sizeof(host), "%s", hostport);
        host[strcspn(host, "/")] = '\0';
        char *colon = strrchr(host, ':');
        int port = 0;
        if (colon) {
            port = atoi(colon + 1);
            *colon = '\0';
        }
        if (is_local_or_ip(host)) {
            /* A bucket cannot be a subdomain of an IP address: address buckets as
             * <bucket>.localhost (what cosd accepts) and route the connection to the given address.
             */
            int p = port ? port : (strcmp(scheme, "https://") == 0 ? 443 : 80);
            char *e = cos_palloc(c->pool, 300);
            snprintf(e, 300, "%slocalhost:%d", scheme, p);
            cos_str_set(&o->config->endpoint, e);
            c->route_ip =
                cos_pstrdup_cstr(c->pool, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host);
            c->route_port = p;
            cos_set_request_route(o->ctl, c->route_ip, p);
        } else {
            cos_str_set(&o->config->endpoint, ep);
        }
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
