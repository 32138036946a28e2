/* cos_send.c: the retry policy around one HTTP exchange: per attempt the body is rewound, the response
 * reset and the request re-signed; retries only on 5xx and network failures (with growing back-off plus
 * jitter) and once on clock skew (resynchronised from the response Date); CRC64 checks after success. */
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cosi.h"
#include "cosx_digest.h"
#include "cosx_time.h"

/* A bodyless 403 with a server Date further off than this (seconds) is taken for clock skew. */
#define COSI_SKEW_GUESS 300

static bool cosi_retryable(const cos_status_t *s)
{
    if (s->code >= 500) {
        return true;
    }
    if (s->code < 0 && s->error_code == COS_HTTP_IO_ERROR_CODE) {
        switch (s->code) {
        case COSE_FAILED_CONNECT:
        case COSE_CONNECTION_FAILED:
        case COSE_NAME_LOOKUP_ERROR:
        case COSE_REQUEST_TIMEOUT:
        case COSE_INTERNAL_ERROR:
            return true;
        default:
            return false;
        }
    }
    return false;
}

/* "<bucket>.cos.<region>.tencentcos.cn[:port]" for "<bucket>.cos.<region>.myqcloud.com[:port]", else NULL. */
static char *cosi_twin_host(cos_pool_t *p, const char *host)
{
    const char *suffix = ".myqcloud.com";
    const char *at = strstr(host, suffix);
    if (at == NULL || strstr(host, ".cos.") == NULL || strstr(host, ".cos.") > at) {
        return NULL;
    }
    const char *rest = at + strlen(suffix);
    if (*rest != '\0' && *rest != ':') {
        return NULL;
    }
    return cos_psprintf(p, "%.*s.tencentcos.cn%s", (int)(at - host), host, rest);
}

static bool cosi_clock_skewed(const cos_status_t *s)
{
    if (s->code != 403 || s->error_code == NULL) {
        return false;
    }
    if (strcmp(s->error_code, "RequestTimeTooSkewed") == 0) {
        return true;
    }
    return strcmp(s->error_code, "AccessDenied") == 0 && s->error_msg != NULL &&
           strstr(s->error_msg, "Request has expired") != NULL;
}

static void cosi_backoff(const cos_config_t *c, int attempt)
{
    int64_t base = c->retry_interval_us > 0 ? c->retry_interval_us : 0;
    int64_t us = base * attempt;
    uint32_t r = 0;
    if (base > 0 && cosx_random_bytes(&r, sizeof(r))) {
        us += (int64_t)(r % (uint32_t)(base / 2 + 1));
    }
    while (us > 0) {
        int64_t step = us > 1000000 ? 1000000 : us;
        usleep((useconds_t)step);
        us -= step;
    }
}

static void cosi_check_crc(const cos_request_options_t *o, cos_http_request_t *req, cos_http_response_t *resp,
                           int crc_mode, cos_status_t *s)
{
    const cos_http_request_options_t *ro = o->ctl != NULL ? o->ctl->options : NULL;
    if (ro == NULL || !ro->enable_crc || crc_mode == COSI_CRC_NONE) {
        return;
    }
    const char *hv = cos_table_get(resp->headers, COS_HASH_CRC64_ECMA);
    if (crc_mode == COSI_CRC_UPLOAD) {
        if (hv == NULL || req->consumed_bytes != req->body_len) {
            return;
        }
        uint64_t server = cos_atoui64(hv);
        if (server != req->crc64) {
            cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                           cos_psprintf(o->pool, "CRC64 mismatch after upload: server %" PRIu64 ", local %"
                                        PRIu64 "; the object may be corrupt", server, req->crc64));
        }
        return;
    }
    /* Download: only the whole object can be compared. */
    bool partial = cos_table_get(req->headers, COS_RANGE) != NULL ||
                   cos_table_get(req->query_params, COS_PROCESS) != NULL;
    if (partial) {
        if (resp->type == BODY_IN_MEMORY && resp->content_length >= 0 && resp->content_length != resp->body_len) {
            cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                           cos_psprintf(o->pool, "received %" PRId64 " bytes but Content-Length is %" PRId64,
                                        resp->body_len, resp->content_length));
        }
        return;
    }
    if (hv != NULL) {
        uint64_t server = cos_atoui64(hv);
        if (server != resp->crc64) {
            cos_status_set(s, COSE_CRC_INCONSISTENT_ERROR, COS_INCONSISTENT_ERROR_CODE,
                           cos_psprintf(o->pool, "CRC64 mismatch after download: server %" PRIu64 ", local %"
                                        PRIu64, server, resp->crc64));
        }
    }
}

cos_status_t *cosi_send(const cos_request_options_t *o, cos_http_request_t *req, cos_http_response_t *resp,
                        int crc_mode)
{
    cos_pool_t *p = o->pool;
    const cos_config_t *c = o->config;
    int max_attempts = 1 + (c->retry_times > 0 ? c->retry_times : 0);
    int64_t skew = 0;
    bool skew_retried = false;
    cos_status_t *s = NULL;
    if (o->ctl != NULL) {
        o->ctl->retry_count = 0;
    }
    for (int attempt = 0;; attempt++) {
        s = cos_status_create(p);
        if (attempt > 0) {
            cos_table_set(req->headers, COS_SDK_RETRY, "true");
            if (o->ctl != NULL) {
                o->ctl->retry_count++;
            }
        }
        int rr = cosi_response_reset(resp);
        if (rr != COSE_OK) {
            cos_status_set(s, rr, COS_WRITE_FILE_ERROR_CODE,
                           cos_psprintf(p, "cannot truncate %s for a new attempt", resp->file_path));
            return s;
        }
        cosi_request_rewind(req);
        if (cosi_sign_request(c, req, (int64_t)time(NULL) + skew, COS_AUTH_EXPIRE_DEFAULT) != COSE_OK) {
            cos_status_set(s, COSE_OUT_MEMORY, COS_CLIENT_ERROR_CODE, "out of memory while signing");
            return s;
        }
        if (o->ctl != NULL) {
            o->ctl->start_time = cosi_now_us();
        }
        cosi_transport_perform(o, req, resp, s);
        if (o->ctl != NULL) {
            o->ctl->finish_time = cosi_now_us();
        }
        if (s->code > 0) {
            cosi_status_set_req_id(s, resp->headers);
        }
        if (cos_log_level >= COS_LOG_INFO) {
            const char *rid = cos_table_get(resp->headers, COS_REQUEST_ID);
            cos_info_log(
                "%s %s -> %d%s%s (request id %s) %.1f ms", cosi_method_name(req->method),
                req->signed_url != NULL ? req->signed_url : req->host, s->code,
                s->code < 0 && s->error_msg != NULL ? " " : "",
                s->code < 0 && s->error_msg != NULL ? s->error_msg : "", rid != NULL ? rid : "-",
                o->ctl != NULL ? (double)(o->ctl->finish_time - o->ctl->start_time) / 1000.0 : 0.0);
        }
        if (s->code > 0) {
            if (!cos_http_is_ok(s->code)) {
                cos_status_parse_from_body(p, &resp->body, s->code, s);
            } else {
                cosi_check_crc(o, req, resp, crc_mode, s);
            }
        }
        if (!skew_retried && s->code == 403) {
            /* Clock skew: named by the error body, or (HEAD has no body) a server Date far off ours. */
            const char *d = cos_table_get(resp->headers, COS_DATE);
            time_t server;
            if (d != NULL && cosx_time_parse_http(d, &server)) {
                int64_t off = (int64_t)server - (int64_t)time(NULL);
                bool bodyless = s->error_code == NULL || strcmp(s->error_code, COS_UNKNOWN_ERROR_CODE) == 0;
                if (cosi_clock_skewed(s) || (bodyless && (off > COSI_SKEW_GUESS || off < -COSI_SKEW_GUESS))) {
                    skew = off;
                    skew_retried = true;
                    cos_warn_log("clock skew of %" PRId64 " s against %s; retrying with the server time", skew,
                                 req->host);
                    continue;
                }
            }
        }
        /* Domain switch (config->retry_change_domain): when no COS request id came back, the last
         * attempt goes to the .tencentcos.cn twin of a <bucket>.cos.<region>.myqcloud.com host. */
        bool switch_domain = false;
        if (c->retry_change_domain && attempt + 2 == max_attempts && cosi_twin_host(p, req->host) != NULL &&
            cos_table_get(resp->headers, COS_REQUEST_ID) == NULL &&
            (cosi_retryable(s) || s->code == 301 || s->code == 302 || s->code == 307)) {
            switch_domain = true;
        }
        if (attempt + 1 < max_attempts && (cosi_retryable(s) || switch_domain)) {
            if (switch_domain) {
                req->host = cosi_twin_host(p, req->host);
            }
            cos_warn_log("attempt %d to %s failed (%d %s); retrying", attempt + 1, req->host, s->code,
                         s->error_code != NULL ? s->error_code : "");
            cosi_backoff(c, attempt + 1);
            continue;
        }
        break;
    }
    return s;
}
