/* cosd_main: the cosd program: reads the configuration, opens the data directory, makes sure an
 * account exists, serves until SIGTERM / SIGINT and shuts down cleanly. */
#include "cosd_ci.h"
#include "cosd_server.h"
#include "cosx_xml.h"

#include "cosx_digest.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool random_token(char *out, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char rnd[64];
    if (len > sizeof rnd || !cosx_random_bytes(rnd, len))
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[rnd[i] % (sizeof alphabet - 1)];
    out[len] = 0;
    return true;
}

static void print_account(const char *lead, const cosd_account_t *a)
{
    printf("%sAPPID=%s SecretId=%s SecretKey=%s\n", lead, a->appid, a->secret_id, a->secret_key);
}

/* Configured accounts first, then the stored ones; creates one when there is none at all. */
static int load_accounts(cosd_server_t *srv, const cosd_config_t *cfg)
{
    for (size_t i = 0; i < cfg->n_accounts; i++)
        srv->accounts[srv->n_accounts++] = cfg->accounts[i];
    cosd_account_t stored[COSD_MAX_ACCOUNTS];
    size_t n = 0;
    if (cosd_store_accounts(srv->store, stored, COSD_MAX_ACCOUNTS, &n) != COSD_ST_OK) {
        fprintf(stderr, "cosd: cannot read the stored accounts\n");
        return -1;
    }
    for (size_t i = 0; i < n && srv->n_accounts < COSD_MAX_ACCOUNTS; i++)
        if (!cosd_find_account(srv, stored[i].secret_id))
            srv->accounts[srv->n_accounts++] = stored[i];
    if (srv->n_accounts > 0)
        return 0;
    cosd_account_t a;
    strcpy(a.appid, "1250000000");
    memcpy(a.secret_id, "AKID", 4);
    if (!random_token(a.secret_id + 4, 32) || !random_token(a.secret_key, 32)) {
        fprintf(stderr, "cosd: the random generator failed\n");
        return -1;
    }
    if (cosd_store_account_add(srv->store, &a) != COSD_ST_OK) {
        fprintf(stderr, "cosd: cannot store the new account\n");
        return -1;
    }
    srv->accounts[srv->n_accounts++] = a;
    print_account("cosd: created account (shown once; `cosd --data DIR --print-credentials` shows "
                  "it again): ",
                  &a);
    return 0;
}

static int print_credentials(const cosd_config_t *cfg)
{
    cosd_store_t *st;
    char err[512];
    if (cosd_store_open(cfg->data_dir, 1, false, &st, err, sizeof err) != COSD_ST_OK) {
        fprintf(stderr, "cosd: %s\n", err);
        return 1;
    }
    cosd_account_t acc[COSD_MAX_ACCOUNTS];
    size_t n = 0;
    int rc = cosd_store_accounts(st, acc, COSD_MAX_ACCOUNTS, &n) == COSD_ST_OK ? 0 : 1;
    cosd_store_close(st);
    if (rc) {
        fprintf(stderr, "cosd: cannot read the stored accounts of %s\n", cfg->data_dir);
        return 1;
    }
    if (n == 0) {
        fprintf(stderr,
                "cosd: no account is stored in %s (one is created at the first start without "
                "--account)\n",
                cfg->data_dir);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        print_account("", &acc[i]);
    return 0;
}

int main(int argc, char **argv)
{
    cosx_xml_init(); /* libxml2's global state, before any HTTP or moderation thread parses */
    /* SQLite's memory statistics put one process-wide mutex around every allocation it makes;
     * with eight request threads that lock was contended on every object lookup. cosd never reads
     * the statistics. Must come before SQLite initialises. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    cosd_config_t cfg;
    char err[1024];
    if (cosd_config_load(&cfg, argc, argv, err, sizeof err)) {
        fprintf(stderr, "cosd: %s\n", err);
        return 2;
    }
    if (cfg.help) {
        cosd_config_usage(stdout);
        cosd_config_free(&cfg);
        return 0;
    }
    if (cfg.print_credentials) {
        int rc = print_credentials(&cfg);
        cosd_config_free(&cfg);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the HTTP threads inherit the mask */

    cosd_server_t *srv = calloc(1, sizeof *srv);
    int rc = 1;
    cosd_ci_t *ci = NULL;
    if (!srv) {
        fprintf(stderr, "cosd: out of memory\n");
        goto out;
    }
    if (cosd_store_open(cfg.data_dir, cfg.threads + 1, true, &srv->store, err, sizeof err) !=
        COSD_ST_OK) {
        fprintf(stderr, "cosd: %s\n", err);
        goto out;
    }
    if (cosd_store_orphans_removed(srv->store))
        fprintf(stderr, "cosd: removed %zu unfinished upload file(s) left by an earlier run\n",
                cosd_store_orphans_removed(srv->store));
    if (load_accounts(srv, &cfg))
        goto out;
    ci = cosd_ci_open(srv, &cfg, cfg.workers, err, sizeof err);
    if (!ci) {
        fprintf(stderr, "cosd: %s\n", err);
        goto out;
    }
    if (cosd_server_start(srv, &cfg, err, sizeof err)) {
        fprintf(stderr, "cosd: %s\n", err);
        goto out;
    }
    printf("cosd listening on http://%s:%d\n", srv->listen_host, srv->port);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "cosd: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    cosd_server_stop(srv);
    rc = 0;
out:
    cosd_ci_close(ci);
    if (srv) {
        cosd_store_close(srv->store);
        free(srv);
    }
    cosd_config_free(&cfg);
    return rc;
}
