/* example_env.h: shared set-up of the example programs: the request options filled from environment
 * variables (COS_ENDPOINT, COS_SECRET_ID, COS_SECRET_KEY, COS_APPID, optional COS_STS_TOKEN and
 * COS_IS_CNAME), using only the documented libcos calls, like init_test_config in the quick start. */
#ifndef EXAMPLE_ENV_H
#define EXAMPLE_ENV_H

#include <stdio.h>
#include <stdlib.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"

/* The value of an environment variable, or exits with a message naming it. */
static inline const char *example_env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0') {
        fprintf(stderr, "set %s (see examples/README.md)\n", name);
        exit(2);
    }
    return v;
}

static inline void init_test_config(cos_config_t *config, int is_cname)
{
    cos_str_set(&config->endpoint, example_env("COS_ENDPOINT"));
    cos_str_set(&config->access_key_id, example_env("COS_SECRET_ID"));
    cos_str_set(&config->access_key_secret, example_env("COS_SECRET_KEY"));
    cos_str_set(&config->appid, example_env("COS_APPID"));
    const char *token = getenv("COS_STS_TOKEN");
    if (token != NULL && token[0] != '\0') {
        cos_str_set(&config->sts_token, token);
    }
    config->is_cname = is_cname;
}

static inline int example_is_cname(void)
{
    const char *v = getenv("COS_IS_CNAME");
    return v != NULL && atoi(v) != 0;
}

/* Prints a failed status the way a person can act on it. */
static inline void example_print_status(const char *what, cos_status_t *s)
{
    fprintf(stderr, "%s failed: code %d, error_code %s, message %s, request id %s\n", what, s->code,
            s->error_code ? s->error_code : "-", s->error_msg ? s->error_msg : "-", s->req_id ? s->req_id : "-");
}

#endif
