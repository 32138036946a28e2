/* cosd_config: the settings of a cosd run (listen address, data dir, region, domains, accounts),
 * read from a JSON config file (--config) and overridden by command-line flags. */
#ifndef COSD_CONFIG_H
#define COSD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define COSD_MAX_DOMAINS  32
#define COSD_MAX_ACCOUNTS 64

typedef struct cosd_account {
    char appid[32];
    char secret_id[128];
    char secret_key[128];
} cosd_account_t;

typedef struct cosd_config {
    char listen_host[256]; /* "127.0.0.1" */
    int listen_port;       /* 0: any free port */
    char data_dir[1024];
    char region[64]; /* region reported for buckets created by path-style requests */
    char *domains[COSD_MAX_DOMAINS]; /* suffixes; defaults first, then --domain / "domains" */
    size_t n_domains;
    size_t n_cos_domains; /* domains[0..n_cos_domains) only take <bucket>.cos.<region>.<suffix> */
    cosd_account_t accounts[COSD_MAX_ACCOUNTS];
    size_t n_accounts;
    int threads; /* HTTP worker threads */
    int conn_memory_kib; /* libmicrohttpd memory pool per connection (--conn-memory) */
    int workers; /* moderation job threads (--workers), 0: one per core */
    bool print_credentials;
    bool help;
    /* The "moderation" object of the config file, unparsed (NULL if absent). */
    char *moderation_json;
} cosd_config_t;

/* Fills defaults, reads --config FILE (if any) and then applies the other flags over it.
 * Returns 0, or -1 with a message in err. */
int cosd_config_load(cosd_config_t *cfg, int argc, char **argv, char *err, size_t errlen);
void cosd_config_free(cosd_config_t *cfg);
/* Parses "APPID:SECRET_ID:SECRET_KEY". */
bool cosd_account_parse(const char *s, cosd_account_t *out);
/* Parses "HOST:PORT" (also "[v6]:PORT"). */
bool cosd_listen_parse(const char *s, char *host, size_t hostlen, int *port);
void cosd_config_usage(FILE *out);

#endif
