/* ci_audit_api.c: the audio moderation calls of libcos: submit a job (POST /audio/auditing) and
 * query it (GET /audio/auditing/<JobId>) on the CI host of a bucket. The CI endpoint is the
 * config's endpoint (https://ci.<region>.myqcloud.com), so the host is
 * <bucket>-<appid>.ci.<region>.myqcloud.com. */
#include <string.h>

#include "ci_audit.h"
#include "ci_audit_int.h"
#include "cosi.h"

/* The request id from the body when the response carried no request id header. */
static void req_id_fallback(cos_pool_t *p, cos_status_t *s, const cos_string_t *body_id)
{
    if (s && (!s->req_id || !*s->req_id) && body_id->data) {
        s->req_id = cos_pstrdup_cstr(p, body_id->data);
    }
}

cos_status_t *ci_create_audio_auditing_job(const cos_request_options_t *options,
                                           const cos_string_t *bucket,
                                           const ci_audio_auditing_job_options_t *job_options,
                                           cos_table_t *headers, cos_table_t **resp_headers,
                                           ci_audio_auditing_job_result_t **job_result)
{
    COSI_CHECK_OPTIONS(options);
    if (job_result) {
        *job_result = NULL;
    }
    cos_pool_t *p = options->pool;
    const char *why = NULL;
    if (cii_audio_job_validate(job_options, &why) != COSE_OK) {
        return cosi_status_client(p, why);
    }
    cos_list_t body;
    cos_list_init(&body);
    if (build_audio_auditing_job_body(p, job_options, &body, &why) != COSE_OK) {
        return cosi_status_error(p, COSE_OUT_MEMORY, "ClientError",
                                 "out of memory building the request body");
    }
    cos_string_t path = cos_string("audio/auditing");
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s =
        cosi_init_request(options, bucket, &path, HTTP_POST, false, headers, NULL, &req, &resp);
    if (s) {
        return s;
    }
    cos_table_set(req->headers, "Content-Type", "application/xml");
    cosi_set_body_list(req, &body);
    if (cosi_add_content_md5(options, req, false, &s) != COSE_OK) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers) {
        *resp_headers = resp->headers;
    }
    if (!cos_status_is_ok(s)) {
        return s;
    }
    ci_audio_auditing_job_result_t *r = cos_pcalloc(p, sizeof(*r));
    int rc = r ? ci_audio_auditing_result_parse_from_body(p, &resp->body, r) : COSE_OUT_MEMORY;
    if (rc != COSE_OK) {
        cos_xml_error_status_set(s, rc);
        return s;
    }
    req_id_fallback(p, s, &r->request_id);
    if (job_result) {
        *job_result = r;
    }
    return s;
}

cos_status_t *ci_get_audio_auditing_job(const cos_request_options_t *options,
                                        const cos_string_t *bucket, const cos_string_t *job_id,
                                        cos_table_t *headers, cos_table_t **resp_headers,
                                        ci_get_audio_auditing_job_result_t **job_result)
{
    COSI_CHECK_OPTIONS(options);
    if (job_result) {
        *job_result = NULL;
    }
    cos_pool_t *p = options->pool;
    if (!job_id || !job_id->data || job_id->len <= 0) {
        return cosi_status_client(
            p, "job_id is empty; pass the JobId returned by ci_create_audio_auditing_job");
    }
    for (int i = 0; i < job_id->len; i++) {
        char ch = job_id->data[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_')) {
            return cosi_status_client(p, "job_id may contain only letters, digits, '-' and '_'");
        }
    }
    char *path_text = cos_palloc(p, (size_t)job_id->len + 16);
    memcpy(path_text, "audio/auditing/", 15);
    memcpy(path_text + 15, job_id->data, (size_t)job_id->len);
    path_text[15 + job_id->len] = '\0';
    cos_string_t path;
    cos_str_set(&path, path_text);
    cos_http_request_t *req;
    cos_http_response_t *resp;
    cos_status_t *s =
        cosi_init_request(options, bucket, &path, HTTP_GET, true, headers, NULL, &req, &resp);
    if (s) {
        return s;
    }
    s = cosi_send(options, req, resp, COSI_CRC_NONE);
    if (resp_headers) {
        *resp_headers = resp->headers;
    }
    if (!cos_status_is_ok(s)) {
        return s;
    }
    ci_get_audio_auditing_job_result_t *r = cos_pcalloc(p, sizeof(*r));
    int rc = r ? ci_get_audio_auditing_result_parse_from_body(p, &resp->body, r) : COSE_OUT_MEMORY;
    if (rc != COSE_OK) {
        cos_xml_error_status_set(s, rc);
        return s;
    }
    req_id_fallback(p, s, &r->request_id);
    if (job_result) {
        *job_result = r;
    }
    return s;
}
