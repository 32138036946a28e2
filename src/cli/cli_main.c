/* cli_main.c: entry point of the cos command-line tool: global flags (accepted anywhere on the
 * line), help texts, and dispatch to the commands. Exit status: 0 ok, 1 operation failed, 2 usage
 * error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cos_log.h"

static const char USAGE[] =
    "usage: cos [global flags] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  config [--secret-id ID] [--secret-key KEY] [--region R] [--endpoint URL] [--appid N]\n"
    "                                 write ~/.cos.conf (mode 0600)\n"
    "  mb cos://BUCKET                create a bucket\n"
    "  rb cos://BUCKET [--force]      remove an empty bucket (--force: its objects and unfinished\n"
    "                                 uploads first)\n"
    "  ls [cos://BUCKET[/PREFIX]] [-r]\n"
    "                                 list buckets, or objects and directories (-r: every object)\n"
    "  cp SRC DST [-r]                copy local->cos, cos->local or cos->cos (-r: a directory "
    "tree;\n"
    "                                 '-' is standard input or output)\n"
    "  rm cos://BUCKET/KEY [-r [--dry-run] [--force]]\n"
    "                                 remove an object (-r: KEY and everything under KEY/)\n"
    "  stat cos://BUCKET/KEY          show an object's metadata\n"
    "  lsparts cos://BUCKET[/PREFIX]  list unfinished multipart uploads\n"
    "  abort cos://BUCKET/KEY --upload-id ID | abort -r cos://BUCKET[/PREFIX]\n"
    "                                 abort an unfinished upload (-r: every one under the prefix)\n"
    "  presign cos://BUCKET/KEY [--expires SECONDS] [--method GET|PUT|HEAD|DELETE]\n"
    "                                 print a presigned URL\n"
    "  audit cos://BUCKET/KEY | LOCAL_FILE --bucket cos://BUCKET | --url URL --bucket "
    "cos://BUCKET\n"
    "        [--biz-type ID] [--wait]   audio moderation: submit a job (--wait: and show the "
    "verdict)\n"
    "\n"
    "Global flags (flags > environment > ~/.cos.conf):\n"
    "  --endpoint URL      e.g. http://127.0.0.1:9000 for a local cosd   (COS_ENDPOINT)\n"
    "  --region R          e.g. ap-guangzhou                             (COS_REGION)\n"
    "  --secret-id ID      (COS_SECRET_ID)      --secret-key KEY (COS_SECRET_KEY)\n"
    "  --token T           STS session token    (COS_SESSION_TOKEN)\n"
    "  --appid N           account APPID, appended to bucket names      (COS_APPID)\n"
    "  --ca-path DIR       CA certificates for TLS (verification is always on)\n"
    "  --timeout SECONDS   abandon a request attempt after SECONDS without data moving (default\n"
    "                      10; connecting: at most 10); 3 attempts in all   (COS_TIMEOUT)\n"
    "  --config FILE       another config file\n"
    "  --json              machine-readable output\n"
    "  --quiet, -q         no progress bars or messages\n"
    "  --verbose, -v       log the SDK's retries and requests on stderr\n"
    "  --help, -h          this help; `cos COMMAND --help` for one command\n"
    "  --version           the version\n";

typedef struct command {
    const char *name;
    int (*fn)(cli_t *c, int argc, char **argv);
    bool needs_options;
} command_t;

static const command_t COMMANDS[] = {
    {"config", cli_cmd_config, false}, {"mb", cli_cmd_mb, true},
    {"rb", cli_cmd_rb, true},          {"ls", cli_cmd_ls, true},
    {"cp", cli_cmd_cp, true},          {"rm", cli_cmd_rm, true},
    {"stat", cli_cmd_stat, true},      {"presign", cli_cmd_presign, true},
    {"audit", cli_cmd_audit, true},    {"lsparts", cli_cmd_lsparts, true},
    {"abort", cli_cmd_abort, true},
};

/* Global flags that take a value, and where their value goes. */
static const char **value_flag(cli_t *c, const char *name, const char **config_path)
{
    if (strcmp(name, "--endpoint") == 0) {
        return &c->set.endpoint;
    }
    if (strcmp(name, "--region") == 0) {
        return &c->set.region;
    }
    if (strcmp(name, "--secret-id") == 0) {
        return &c->set.secret_id;
    }
    if (strcmp(name, "--secret-key") == 0) {
        return &c->set.secret_key;
    }
    if (strcmp(name, "--token") == 0) {
        return &c->set.token;
    }
    if (strcmp(name, "--appid") == 0) {
        return &c->set.appid;
    }
    if (strcmp(name, "--ca-path") == 0) {
        return &c->set.ca_path;
    }
    if (strcmp(name, "--timeout") == 0) {
        return &c->set.timeout;
    }
    if (strcmp(name, "--config") == 0) {
        return config_path;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    cli_t c;
    memset(&c, 0, sizeof(c));
    c.prog = "cos";
    c.part_threshold = (int64_t)32 * 1024 * 1024; /* cp --threshold / --part-size / --threads */
    c.part_size = (int64_t)8 * 1024 * 1024;
    c.threads = 4;
    if (cos_http_io_initialize(NULL, 0) != COSE_OK) {
        fprintf(stderr, "cos: cannot initialise the HTTP library\n");
        return CLI_FAILED;
    }
    if (cos_pool_create(&c.pool, NULL) != COSE_OK) {
        fprintf(stderr, "cos: out of memory\n");
        return CLI_FAILED;
    }
    /* Pull the global flags out of argv, wherever they are; "--" ends flag processing. */
    char **rest = calloc((size_t)argc + 1, sizeof(char *));
    int nrest = 0;
    const char *config_path = NULL;
    bool help = false, version = false, dashdash = false, verbose = false;
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *eq = dashdash ? NULL : strchr(a, '=');
        char name[64];
        snprintf(name, sizeof(name), "%.*s", eq && a[0] == '-' ? (int)(eq - a) : (int)strlen(a), a);
        const char **slot = dashdash ? NULL : value_flag(&c, name, &config_path);
        /* `audit ... --timeout S` (after the command) is audit's own limit on --wait. */
        if (slot == &c.set.timeout && nrest > 0 && strcmp(rest[0], "audit") == 0) {
            slot = NULL;
        }
        if (slot) {
            if (eq) {
                *slot = eq + 1;
            } else if (i + 1 < argc) {
                *slot = argv[++i];
            } else {
                cli_usage_error(&c, "%s needs a value", name);
                rc = CLI_USAGE;
                goto out;
            }
        } else if (!dashdash && strcmp(a, "--json") == 0) {
            c.json = true;
        } else if (!dashdash && (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)) {
            c.quiet = true;
        } else if (!dashdash && (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0)) {
            verbose = true;
        } else if (!dashdash && strcmp(a, "--version") == 0) {
            version = true;
        } else if (!dashdash && nrest == 0 && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            help = true;
        } else {
            if (strcmp(a, "--") == 0) {
                dashdash = true;
            }
            rest[nrest++] = argv[i];
        }
    }
    /* The tool reports failures itself; the SDK's own log (retries, requests) only with --verbose.
     */
    cos_log_set_level(verbose ? COS_LOG_INFO : COS_LOG_OFF);
    if (version) {
        printf("cos 0.1.0\n");
        goto out;
    }
    if (help || nrest == 0) {
        fputs(USAGE, help ? stdout : stderr);
        rc = help ? CLI_OK : CLI_USAGE;
        goto out;
    }
    if (config_path) {
        snprintf(c.config_path, sizeof(c.config_path), "%s", config_path);
    }
    c.progress = !c.quiet && !c.json && isatty(STDERR_FILENO);
    cli_config_load(&c);
    if (cli_timeout(&c) < 0) {
        rc = CLI_USAGE;
        goto out;
    }
    const command_t *cmd = NULL;
    for (size_t k = 0; k < sizeof(COMMANDS) / sizeof(COMMANDS[0]); k++) {
        if (strcmp(rest[0], COMMANDS[k].name) == 0) {
            cmd = &COMMANDS[k];
        }
    }
    if (!cmd) {
        cli_usage_error(&c, "unknown command '%s' (see cos --help)", rest[0]);
        rc = CLI_USAGE;
        goto out;
    }
    rc = cmd->fn(&c, nrest, rest);
out:
    free(rest);
    cos_pool_destroy(c.pool);
    cos_http_io_deinitialize();
    return rc;
}
