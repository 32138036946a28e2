/* cosd_reply: queuing responses with the headers every cosd response carries (x-cos-request-id or
 * x-ci-request-id, Server: cosd), and the COS / CI error documents (COS_PROTOCOL 4.1, 9.5). */
#include "cosd_server.h"

#include "cosx_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cosd_reply(cosd_req_t *r, unsigned status, struct MHD_Response *resp)
{
    if (r->responded || !resp) {
        if (resp)
            MHD_destroy_response(resp);
        if (!r->responded && !resp)
            fprintf(stderr, "cosd: cannot create a response (out of memory)\n");
        return;
    }
    MHD_add_response_header(resp, r->is_ci ? "x-ci-request-id" : "x-cos-request-id", r->request_id);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_SERVER, r->is_ci ? "tencent-ci" : "cosd");
    r->responded = true;
    r->status = status;
    if (MHD_queue_response(r->conn, status, resp) != MHD_YES)
        fprintf(stderr, "cosd: cannot queue a %u response for request %s\n", status, r->request_id);
    MHD_destroy_response(resp);
}

void cosd_reply_empty(cosd_req_t *r, unsigned status)
{
    cosd_reply(r, status, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
}

void cosd_reply_xml(cosd_req_t *r, unsigned status, cosx_buf_t *xml)
{
    cosd_reply_xml_h(r, status, xml, NULL, NULL);
}

void cosd_reply_xml_h(cosd_req_t *r, unsigned status, cosx_buf_t *xml, const char *hname,
                      const char *hvalue)
{
    if (!cosx_buf_ok(xml)) {
        cosx_buf_free(xml);
        cosd_reply_error(r, 500, "InternalError", "Out of memory while building the response.");
        return;
    }
    size_t len = xml->len;
    char *data = cosx_buf_detach(xml);
    struct MHD_Response *resp =
        data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp) {
        free(data);
        cosd_reply_error(r, 500, "InternalError", "Out of memory while building the response.");
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/xml");
    if (hname && hvalue)
        MHD_add_response_header(resp, hname, hvalue);
    cosd_reply(r, status, resp);
}

static void vreply_error(cosd_req_t *r, unsigned status, const char *code, const char *hname,
                         const char *hvalue, const char *fmt, va_list ap)
{
    if (r->responded)
        return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (status >= 500)
        fprintf(stderr, "cosd: %u %s: %s (request %s %s)\n", status, code, msg,
                r->method ? r->method : "?", r->request_id);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "Error");
    cosx_xml_elem(&b, "Code", code);
    cosx_xml_elem(&b, "Message", msg);
    if (!r->is_ci) {
        cosx_buf_t res = COSX_BUF_INIT;
        cosx_buf_puts(&res, r->host);
        cosx_buf_puts(&res, r->route.path ? r->route.path : (r->raw_path ? r->raw_path : "/"));
        cosx_xml_elem(&b, "Resource", cosx_buf_str(&res));
        cosx_buf_free(&res);
    }
    cosx_xml_elem(&b, "RequestId", r->request_id);
    cosx_xml_elem(&b, "TraceId", r->request_id);
    cosx_xml_close(&b, "Error");
    if (!cosx_buf_ok(&b)) {
        cosx_buf_free(&b);
        cosd_reply(r, status,
                   MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
        return;
    }
    size_t len = b.len;
    char *data = cosx_buf_detach(&b);
    struct MHD_Response *resp =
        data ? MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE) : NULL;
    if (!resp)
        free(data);
    else {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/xml");
        if (hname)
            MHD_add_response_header(resp, hname, hvalue);
    }
    cosd_reply(r, status, resp);
}

void cosd_reply_error(cosd_req_t *r, unsigned status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreply_error(r, status, code, NULL, NULL, fmt, ap);
    va_end(ap);
}

void cosd_reply_error_h(cosd_req_t *r, unsigned status, const char *code, const char *hname,
                        const char *hvalue, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreply_error(r, status, code, hname, hvalue, fmt, ap);
    va_end(ap);
}

void cosd_req_fail(cosd_req_t *r, unsigned status, const char *code, const char *fmt, ...)
{
    if (r->failed || r->responded)
        return;
    r->failed = true;
    r->err_status = status;
    r->err_code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err_msg, sizeof r->err_msg, fmt, ap);
    va_end(ap);
}
