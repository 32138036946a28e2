/* cosd_ci: the Cloud Infinite (CI) audio moderation API of cosd (COS_PROTOCOL 9): submit and query
 * jobs on the CI host, section clips, and the freeze check used by GET Object. Jobs are run by a
 * worker pool (cosd_jobs_run.c) and announced by callbacks (cosd_jobs_callback.c). */
#ifndef COSD_CI_H
#define COSD_CI_H

#include <stdbool.h>
#include <stddef.h>

#include "cosd_server.h"

typedef struct cosd_ci cosd_ci_t;

/* Opens DIR/ci/jobs.db (requeueing jobs left Auditing by an earlier run), builds the moderation
 * engine from cfg->moderation_json and starts `workers` job threads (0: one per core) and the
 * callback thread. Installs the CI handler in srv->ci. NULL with a message in err on failure. */
cosd_ci_t *cosd_ci_open(cosd_server_t *srv, const cosd_config_t *cfg, int workers, char *err,
                        size_t errlen);
/* Stops the threads (a job being moderated is finished first) and closes the database. */
void cosd_ci_close(cosd_ci_t *ci);

/* The CI request handler (cosd_ci_handler_t.start). */
void cosd_ci_handle(void *ctx, cosd_req_t *r);

/* Is object (bucket, key) with body blob frozen by a moderation job (ForbidState 1)? ctx is
 * srv->ci.ctx (NULL: never). An overwrite or delete gives the key a new blob, which is not frozen.
 */
bool cosd_ci_frozen(void *ctx, const char *bucket, const char *key, const char *blob);

#endif
