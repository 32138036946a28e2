/* crash_receiver: records moderation callbacks POSTed by cosd (Simple JSON body, parsed with
 * cJSON); every POST is answered 200 (after hold_ms when set) so that a missing or repeated
 * callback is cosd's doing. */
#include "crash_receiver.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cosx_buf.h"

static void record(crash_receiver_t *r, const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(root, "code");
    const cJSON *trace = cJSON_GetObjectItemCaseSensitive(data, "trace_id");
    const cJSON *did = cJSON_GetObjectItemCaseSensitive(data, "data_id");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(data, "result");
    pthread_mutex_lock(&r->mu);
    if (!cJSON_IsNumber(code) || !cJSON_IsString(trace)) {
        r->n_bad++;
    } else {
        if (r->n_hits == r->cap_hits) {
            size_t cap = r->cap_hits ? 2 * r->cap_hits : 64;
            crash_callback_t *n = realloc(r->hits, cap * sizeof *n);
            if (n) {
                r->hits = n;
                r->cap_hits = cap;
            }
        }
        if (r->n_hits < r->cap_hits) {
            crash_callback_t *h = &r->hits[r->n_hits++];
            memset(h, 0, sizeof *h);
            snprintf(h->job_id, sizeof h->job_id, "%s", trace->valuestring);
            if (cJSON_IsString(did))
                snprintf(h->data_id, sizeof h->data_id, "%s", did->valuestring);
            h->code = code->valueint;
            h->result = cJSON_IsNumber(res) ? res->valueint : -1;
        }
    }
    pthread_mutex_unlock(&r->mu);
    cJSON_Delete(root);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)url;
    (void)version;
    crash_receiver_t *r = cls;
    cosx_buf_t *body = *con_cls;
    if (!body) {
        body = calloc(1, sizeof *body);
        if (!body)
            return MHD_NO;
        *con_cls = body;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        cosx_buf_append(body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (!strcmp(method, "POST")) {
        record(r, body->data ? body->data : "", body->len);
        int hold = atomic_load(&r->hold_ms);
        if (hold > 0)
            usleep((useconds_t)hold * 1000);
    }
    struct MHD_Response *rs =
        MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, rs);
    MHD_destroy_response(rs);
    return ok;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    cosx_buf_t *body = *con_cls;
    if (body) {
        cosx_buf_free(body);
        free(body);
    }
    *con_cls = NULL;
}

int crash_receiver_start(crash_receiver_t *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    r->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                 on_request, r, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
                                 MHD_OPTION_NOTIFY_COMPLETED, on_done, r, MHD_OPTION_END);
    if (!r->daemon)
        return -1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
    r->port = info ? info->port : 0;
    return r->port > 0 ? 0 : -1;
}

void crash_receiver_stop(crash_receiver_t *r)
{
    if (r->daemon)
        MHD_stop_daemon(r->daemon);
    r->daemon = NULL;
    free(r->hits);
    r->hits = NULL;
    pthread_mutex_destroy(&r->mu);
}

crash_callback_t *crash_receiver_snapshot(crash_receiver_t *r, size_t *n, size_t *bad)
{
    pthread_mutex_lock(&r->mu);
    crash_callback_t *copy = malloc((r->n_hits ? r->n_hits : 1) * sizeof *copy);
    if (copy && r->n_hits)
        memcpy(copy, r->hits, r->n_hits * sizeof *copy);
    *n = copy ? r->n_hits : 0;
    if (bad)
        *bad = r->n_bad;
    pthread_mutex_unlock(&r->mu);
    return copy;
}

size_t crash_receiver_count(crash_receiver_t *r)
{
    pthread_mutex_lock(&r->mu);
    size_t n = r->n_hits;
    pthread_mutex_unlock(&r->mu);
    return n;
}
