/* cos_status.c: cos_status_t creation, copying, filling from a COS <Error> body, the retry decision,
 * and the official error-code strings. */
#include "cosi.h"
#include "cosx_xml.h"

const char COS_XML_PARSE_ERROR_CODE[] = "ParseXmlError";
const char COS_OPEN_FILE_ERROR_CODE[] = "OpenFileFail";
const char COS_WRITE_FILE_ERROR_CODE[] = "WriteFileFail";
const char COS_RENAME_FILE_ERROR_CODE[] = "RenameFileFail";
const char COS_HTTP_IO_ERROR_CODE[] = "HttpIoError";
const char COS_UNKNOWN_ERROR_CODE[] = "UnknownError";
const char COS_CLIENT_ERROR_CODE[] = "ClientError";
const char COS_UTF8_ENCODE_ERROR_CODE[] = "Utf8EncodeFail";
const char COS_URL_ENCODE_ERROR_CODE[] = "UrlEncodeFail";
const char COS_INCONSISTENT_ERROR_CODE[] = "InconsistentError";
const char COS_CREATE_QUEUE_ERROR_CODE[] = "CreateQueueFail";
const char COS_CREATE_THREAD_POOL_ERROR_CODE[] = "CreateThreadPoolFail";
const char COS_LACK_OF_CONTENT_LEN_ERROR_CODE[] = "LackOfContentLength";
const char COS_SERVER_ERROR_CODE[] = "ServerError";
const char COS_INTERNAL_ERROR_CODE[] = "InternalError";
const char COS_SLOW_DOWN_ERROR_CODE[] = "SlowDown";
const char COS_SERVICE_UNAVAILABLE_ERROR_CODE[] = "ServiceUnavailable";

/* Returned when even the status cannot be allocated: read-only, never written by the SDK. */
static cos_status_t cosi_oom_status = { COSE_OUT_MEMORY, (char *)"OutOfMemory", (char *)"out of memory", (char *)"" };

static cos_status_t cosi_bad_options_status = { COSE_INVALID_ARGUMENT, (char *)"ClientError",
    (char *)"options is NULL or has no pool: create it with cos_request_options_create", NULL };

cos_status_t *cosi_status_bad_options(void)
{
    return &cosi_bad_options_status;
}

cos_status_t *cos_status_create(cos_pool_t *p)
{
    cos_status_t *s = cos_pcalloc(p, sizeof(*s));
    return s != NULL ? s : &cosi_oom_status;
}

cos_status_t *cos_status_dup(cos_pool_t *p, cos_status_t *src)
{
    cos_status_t *s = cos_status_create(p);
    if (s == &cosi_oom_status || src == NULL) {
        return s;
    }
    s->code = src->code;
    s->error_code = cos_pstrdup_cstr(p, src->error_code);
    s->error_msg = cos_pstrdup_cstr(p, src->error_msg);
    s->req_id = cos_pstrdup_cstr(p, src->req_id);
    return s;
}

cos_status_t *cosi_status_error(cos_pool_t *p, int code, const char *error_code, const char *msg)
{
    cos_status_t *s = cos_status_create(p);
    if (s != &cosi_oom_status) {
        s->code = code;
        s->error_code = (char *)error_code;
        s->error_msg = msg != NULL ? cos_pstrdup_cstr(p, msg) : NULL;
    }
    return s;
}

cos_status_t *cosi_status_client(cos_pool_t *p, const char *msg)
{
    return cosi_status_error(p, COSE_INVALID_ARGUMENT, COS_CLIENT_ERROR_CODE, msg);
}

void cosi_status_set_req_id(cos_status_t *s, const cos_table_t *headers)
{
    if (s == &cosi_oom_status) {
        return;
    }
    const char *id = cos_table_get(headers, "x-cos-request-id");
    if (id == NULL) {
        id = cos_table_get(headers, "x-img-request-id");
    }
    if (id == NULL) {
        id = cos_table_get(headers, "x-ci-request-id");
    }
    s->req_id = (char *)(id != NULL ? id : "");
}

/* "HTTP <code> answer without a COS error body: <its first bytes, control characters as spaces>". */
static char *cosi_foreign_error_msg(cos_pool_t *p, int code, const char *body)
{
    char start[121];
    size_t n = 0;
    for (; body[n] != '\0' && n < sizeof(start) - 1; n++) {
        unsigned char ch = (unsigned char)body[n];
        start[n] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
    }
    start[n] = '\0';
    return cos_psprintf(p, "HTTP %d answer without a COS error body: %s%s", code, start,
                        body[n] != '\0' ? "..." : "");
}

cos_status_t *cos_status_parse_from_body(cos_pool_t *p, cos_list_t *bc, int code, cos_status_t *s)
{
    if (s == NULL) {
        s = cos_status_create(p);
    }
    if (s == &cosi_oom_status) {
        return s;
    }
    s->code = code;
    if (cos_http_is_ok(code)) {
        return s;
    }
    s->error_code = (char *)COS_UNKNOWN_ERROR_CODE;
    if (bc == NULL || cos_list_empty(bc) || cos_buf_list_len(bc) == 0) {
        return s;
    }
    char *body = cos_buf_list_content(p, bc);
    if (body == NULL) {
        return s;
    }
    cosx_xml_error_t err;
    xmlDocPtr doc = cosx_xml_parse(body, strlen(body), NULL, &err, NULL, 0);
    xmlNodePtr root = doc != NULL ? cosx_xml_root(doc) : NULL;
    if (root == NULL || !cosx_xml_is(root, "Error")) {
        /* Not a COS answer (a proxy or load balancer page, say): show its start. */
        s->error_msg = cosi_foreign_error_msg(p, code, body);
    }
    if (doc == NULL) {
        return s;
    }
    if (root != NULL && cosx_xml_is(root, "Error")) {
        const char *c = cosx_xml_child_text(root, "Code");
        const char *m = cosx_xml_child_text(root, "Message");
        const char *r = cosx_xml_child_text(root, "RequestId");
        if (c != NULL) {
            s->error_code = cos_pstrdup_cstr(p, c);
        }
        if (m != NULL) {
            s->error_msg = cos_pstrdup_cstr(p, m);
        }
        if (r != NULL && (s->req_id == NULL || s->req_id[0] == '\0')) {
            s->req_id = cos_pstrdup_cstr(p, r);
        }
    }
    xmlFreeDoc(doc);
    return s;
}

int cos_should_retry(cos_status_t *s)
{
    if (s == NULL || s->code / 100 == 2) {
        return COS_FALSE;
    }
    if (s->code / 100 == 5) {
        return COS_TRUE;
    }
    if (s->error_code != NULL) {
        int c = atoi(s->error_code);
        if (c == COSE_CONNECTION_FAILED || c == COSE_REQUEST_TIMEOUT || c == COSE_FAILED_CONNECT ||
            c == COSE_SERVICE_ERROR) {
            return COS_TRUE;
        }
    }
    return COS_FALSE;
}
