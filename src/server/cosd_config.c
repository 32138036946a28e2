/* cosd_config: defaults, the JSON config file and command-line flags of cosd (flags win over the
 * file). See docs/server.md for the file format. */
#include "cosd_config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

bool cosd_account_parse(const char *s, cosd_account_t *out)
{
    const char *c1 = strchr(s, ':');
    if (!c1)
        return false;
    const char *c2 = strchr(c1 + 1, ':');
    if (!c2)
        return false;
    size_t la = (size_t)(c1 - s), li = (size_t)(c2 - c1 - 1), lk = strlen(c2 + 1);
    if (la == 0 || la >= sizeof out->appid || li == 0 || li >= sizeof out->secret_id || lk == 0 ||
        lk >= sizeof out->secret_key)
        return false;
    for (size_t i = 0; i < la; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    memcpy(out->appid, s, la);
    out->appid[la] = 0;
    memcpy(out->secret_id, c1 + 1, li);
    out->secret_id[li] = 0;
    memcpy(out->secret_key, c2 + 1, lk + 1);
    return true;
}

bool cosd_listen_parse(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon;
    const char *h = s;
    size_t hl;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':')
            return false;
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return false;
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl >= hostlen)
        return false;
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno || end == colon + 1 || *end || p < 0 || p > 65535)
        return false;
    memcpy(host, h, hl);
    host[hl] = 0;
    *port = (int)p;
    return true;
}

static int add_domain(cosd_config_t *cfg, const char *d, char *err, size_t errlen)
{
    if (!*d || strchr(d, '/') || strchr(d, ':')) {
        set_err(err, errlen,
                "invalid domain suffix '%s' (expected a host name such as example.test)", d);
        return -1;
    }
    for (size_t i = 0; i < cfg->n_domains; i++)
        if (strcasecmp(cfg->domains[i], d) == 0)
            return 0;
    if (cfg->n_domains >= COSD_MAX_DOMAINS) {
        set_err(err, errlen, "too many domains (at most %d)", COSD_MAX_DOMAINS);
        return -1;
    }
    char *c = strdup(d);
    if (!c) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    for (char *p = c; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    cfg->domains[cfg->n_domains++] = c;
    return 0;
}

static int add_account(cosd_config_t *cfg, const cosd_account_t *a, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->n_accounts; i++) {
        if (strcmp(cfg->accounts[i].secret_id, a->secret_id) == 0) {
            cfg->accounts[i] = *a; /* a later definition of the same SecretId wins */
            return 0;
        }
    }
    if (cfg->n_accounts >= COSD_MAX_ACCOUNTS) {
        set_err(err, errlen, "too many accounts (at most %d)", COSD_MAX_ACCOUNTS);
        return -1;
    }
    cfg->accounts[cfg->n_accounts++] = *a;
    return 0;
}

static int set_listen(cosd_config_t *cfg, const char *v, char *err, size_t errlen)
{
    if (!cosd_listen_parse(v, cfg->listen_host, sizeof cfg->listen_host, &cfg->listen_port)) {
        set_err(err, errlen,
                "invalid listen address '%s' (expected HOST:PORT, e.g. 127.0.0.1:9000)", v);
        return -1;
    }
    return 0;
}

static int set_region(cosd_config_t *cfg, const char *v, char *err, size_t errlen)
{
    bool ok = *v && strlen(v) < sizeof cfg->region;
    for (const char *p = v; ok && *p; p++)
        ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-';
    if (!ok) {
        set_err(
            err, errlen,
            "invalid region '%s' (expected lowercase letters, digits and '-', e.g. ap-guangzhou)",
            v);
        return -1;
    }
    strcpy(cfg->region, v);
    return 0;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "cannot open config file %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    while (data) {
        if (len + 1 >= cap) {
            if (cap > (16u << 20)) {
                set_err(err, errlen, "config file %s is larger than 16 MiB", path);
                free(data);
                fclose(f);
                return NULL;
            }
            char *nd = realloc(data, cap * 2);
            if (!nd) {
                free(data);
                data = NULL;
                break;
            }
            data = nd;
            cap *= 2;
        }
        size_t r = fread(data + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (!data) {
        set_err(err, errlen, "out of memory reading %s", path);
        return NULL;
    }
    data[len] = 0;
    return data;
}

static const char *json_str(const cJSON *o, const char *name, char *err, size_t errlen, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        return NULL;
    if (!cJSON_IsString(v)) {
        set_err(err, errlen, "config: \"%s\" must be a string", name);
        *bad = true;
        return NULL;
    }
    return v->valuestring;
}

static int load_file(cosd_config_t *cfg, const char *path, char *err, size_t errlen)
{
    char *text = read_file(path, err, errlen);
    if (!text)
        return -1;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root || !cJSON_IsObject(root)) {
        set_err(err, errlen, "config file %s is not a JSON object%s", path,
                root ? "" : " (syntax error)");
        cJSON_Delete(root);
        return -1;
    }
    int rc = -1;
    bool bad = false;
    const char *s;
    char where[64];
    if ((s = json_str(root, "listen", err, errlen, &bad)) && set_listen(cfg, s, err, errlen))
        goto out;
    if ((s = json_str(root, "data", err, errlen, &bad)) &&
        !copy_str(cfg->data_dir, sizeof cfg->data_dir, s)) {
        set_err(err, errlen, "config: \"data\" path is too long");
        goto out;
    }
    if ((s = json_str(root, "region", err, errlen, &bad)) && set_region(cfg, s, err, errlen))
        goto out;
    if (bad)
        goto out;
    const cJSON *doms = cJSON_GetObjectItemCaseSensitive(root, "domains");
    if (doms) {
        if (!cJSON_IsArray(doms)) {
            set_err(err, errlen, "config: \"domains\" must be an array of strings");
            goto out;
        }
        const cJSON *d;
        cJSON_ArrayForEach(d, doms)
        {
            if (!cJSON_IsString(d)) {
                set_err(err, errlen, "config: \"domains\" must be an array of strings");
                goto out;
            }
            if (add_domain(cfg, d->valuestring, err, errlen))
                goto out;
        }
    }
    const cJSON *accs = cJSON_GetObjectItemCaseSensitive(root, "accounts");
    if (accs) {
        if (!cJSON_IsArray(accs)) {
            set_err(err, errlen, "config: \"accounts\" must be an array of objects");
            goto out;
        }
        const cJSON *a;
        int idx = 0;
        cJSON_ArrayForEach(a, accs)
        {
            snprintf(where, sizeof where, "config: accounts[%d]", idx++);
            cosd_account_t acc;
            const char *ap = cJSON_IsObject(a) ? json_str(a, "appid", err, errlen, &bad) : NULL;
            const char *id = cJSON_IsObject(a) ? json_str(a, "secret_id", err, errlen, &bad) : NULL;
            const char *key =
                cJSON_IsObject(a) ? json_str(a, "secret_key", err, errlen, &bad) : NULL;
            char line[400];
            if (!ap || !id || !key || bad ||
                snprintf(line, sizeof line, "%s:%s:%s", ap, id, key) >= (int)sizeof line ||
                !cosd_account_parse(line, &acc)) {
                set_err(
                    err, errlen,
                    "%s needs string fields \"appid\" (digits), \"secret_id\" and \"secret_key\"",
                    where);
                goto out;
            }
            if (add_account(cfg, &acc, err, errlen))
                goto out;
        }
    }
    const cJSON *mod = cJSON_GetObjectItemCaseSensitive(root, "moderation");
    if (mod) {
        cfg->moderation_json = cJSON_PrintUnformatted(mod);
        if (!cfg->moderation_json) {
            set_err(err, errlen, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

void cosd_config_usage(FILE *out)
{
    fputs("Usage: cosd --listen HOST:PORT --data DIR [options]\n"
          "A local server speaking the Tencent Cloud COS XML API.\n\n"
          "  --listen HOST:PORT      address to listen on (port 0 picks a free port)\n"
          "  --data DIR              data directory (created if missing)\n"
          "  --account APPID:SECRET_ID:SECRET_KEY\n"
          "                          an account allowed to sign requests (repeatable)\n"
          "  --region REGION         region of buckets created with path-style requests\n"
          "                          (default ap-guangzhou)\n"
          "  --domain SUFFIX         extra host suffix for virtual-host addressing (repeatable;\n"
          "                          myqcloud.com, tencentcos.cn, tencentci.cn and localhost are "
          "built in)\n"
          "  --config FILE           JSON config file; flags override it\n"
          "  --threads N             HTTP worker threads (default: two per core, at least 4)\n"
          "  --conn-memory KIB       buffer memory per connection, 16..4096 KiB (default 128;\n"
          "                          more speeds large uploads, less speeds small requests)\n"
          "  --workers N             moderation job threads (default: one per core)\n"
          "  --print-credentials     print the stored account of --data DIR and exit\n"
          "  --help                  this text\n\n"
          "When ready, cosd prints \"cosd listening on http://HOST:PORT\". SIGTERM or SIGINT stop "
          "it.\n",
          out);
}

int cosd_config_load(cosd_config_t *cfg, int argc, char **argv, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->listen_host, "127.0.0.1");
    cfg->listen_port = 9000;
    strcpy(cfg->region, "ap-guangzhou");
    /* Two per core: enough that a thread waiting on fsync does not stall the others, few enough
     * that small requests are not spent switching between threads (bench/RESULTS.md). */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = cores >= 2 && cores <= 128 ? (int)(2 * cores) : 4;
    if (cfg->threads < 4)
        cfg->threads = 4;
    cfg->conn_memory_kib = 128;
    /* COS suffixes first; localhost and --domain also take <bucket>-<appid>.<domain>. */
    static const char *const defaults[] = {"myqcloud.com", "tencentcos.cn", "tencentci.cn",
                                           "localhost"};
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (add_domain(cfg, defaults[i], err, errlen))
            return -1;
    cfg->n_cos_domains = 3;

    enum {
        O_LISTEN = 1,
        O_DATA,
        O_ACCOUNT,
        O_REGION,
        O_DOMAIN,
        O_CONFIG,
        O_PRINT,
        O_HELP,
        O_THREADS,
        O_WORKERS,
        O_CONN_MEMORY
    };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"data", required_argument, NULL, O_DATA},
        {"account", required_argument, NULL, O_ACCOUNT},
        {"region", required_argument, NULL, O_REGION},
        {"domain", required_argument, NULL, O_DOMAIN},
        {"config", required_argument, NULL, O_CONFIG},
        {"print-credentials", no_argument, NULL, O_PRINT},
        {"help", no_argument, NULL, O_HELP},
        {"threads", required_argument, NULL, O_THREADS},
        {"workers", required_argument, NULL, O_WORKERS},
        {"conn-memory", required_argument, NULL, O_CONN_MEMORY},
        {NULL, 0, NULL, 0},
    };
    /* First pass: only --config, so that the other flags can override the file. */
    const char *config_path = NULL;
    opterr = 0;
    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == O_CONFIG)
            config_path = optarg;
    }
    if (config_path && load_file(cfg, config_path, err, errlen))
        goto fail;
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN:
            if (set_listen(cfg, optarg, err, errlen))
                goto fail;
            break;
        case O_DATA:
            if (!copy_str(cfg->data_dir, sizeof cfg->data_dir, optarg)) {
                set_err(err, errlen, "--data path is too long");
                goto fail;
            }
            break;
        case O_ACCOUNT: {
            cosd_account_t a;
            if (!cosd_account_parse(optarg, &a)) {
                set_err(
                    err, errlen,
                    "invalid --account '%s' (expected APPID:SECRET_ID:SECRET_KEY, APPID in digits)",
                    optarg);
                goto fail;
            }
            if (add_account(cfg, &a, err, errlen))
                goto fail;
            break;
        }
        case O_REGION:
            if (set_region(cfg, optarg, err, errlen))
                goto fail;
            break;
        case O_DOMAIN:
            if (add_domain(cfg, optarg, err, errlen))
                goto fail;
            break;
        case O_CONFIG:
            break;
        case O_PRINT:
            cfg->print_credentials = true;
            break;
        case O_HELP:
            cfg->help = true;
            break;
        case O_THREADS: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256) {
                set_err(err, errlen, "invalid --threads '%s' (expected 1..256)", optarg);
                goto fail;
            }
            cfg->threads = (int)n;
            break;
        }
        case O_CONN_MEMORY: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 16 || n > 4096) {
                set_err(err, errlen, "invalid --conn-memory '%s' (expected 16..4096 KiB)", optarg);
                goto fail;
            }
            cfg->conn_memory_kib = (int)n;
            break;
        }
        case O_WORKERS: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256) {
                set_err(err, errlen, "invalid --workers '%s' (expected 1..256)", optarg);
                goto fail;
            }
            cfg->workers = (int)n;
            break;
        }
        default:
            set_err(err, errlen, "unknown or incomplete option '%s' (see cosd --help)",
                    argv[optind - 1]);
            goto fail;
        }
    }
    if (optind < argc) {
        set_err(err, errlen, "unexpected argument '%s' (see cosd --help)", argv[optind]);
        goto fail;
    }
    if (!cfg->help && !cfg->data_dir[0]) {
        set_err(err, errlen, "--data DIR is required (see cosd --help)");
        goto fail;
    }
    return 0;
fail:
    cosd_config_free(cfg);
    return -1;
}

void cosd_config_free(cosd_config_t *cfg)
{
    for (size_t i = 0; i < cfg->n_domains; i++)
        free(cfg->domains[i]);
    cfg->n_domains = 0;
    free(cfg->moderation_json);
    cfg->moderation_json = NULL;
}
