/* cos_url.c: object URLs: presigned URLs (signature in the query string, optional signed headers and
 * parameters, STS token carried and signed as a query parameter) and plain unsigned object URLs. */
#include <strings.h>
#include <time.h>

#include "cosi.h"
#include "cosx_encode.h"
#include "cosx_sign.h"

static int cosi_presign_fail(cos_string_t *out, const char *msg, int code)
{
    if (out != NULL) {
        cos_str_set(out, msg);
    }
    return code;
}

int cos_gen_presigned_url_safe(const cos_request_options_t *options, const cos_string_t *bucket,
                               const cos_string_t *object, const int64_t expire, http_method_e method,
                               cos_table_t *headers, cos_table_t *params, int sign_host,
                               cos_string_t *presigned_url)
{
    if (options == NULL || options->pool == NULL || presigned_url == NULL) {
        return COSE_INVALID_ARGUMENT;
    }
    cos_pool_t *p = options->pool;
    cos_status_t *s;
    if ((s = cosi_check_config(p, options->config)) != NULL || (s = cosi_check_bucket(p, bucket)) != NULL) {
        return cosi_presign_fail(presigned_url, s->error_msg, COSE_INVALID_ARGUMENT);
    }
    if (cos_is_null_string(object)) {
        return cosi_presign_fail(presigned_url, "object key is null or empty, please check it", COSE_UNKNOWN_ERROR);
    }
    if (expire <= 0) {
        return cosi_presign_fail(presigned_url, "expire must be a positive number of seconds", COSE_INVALID_ARGUMENT);
    }
    const cos_config_t *c = options->config;
    const char *proto, *ep;
    cosi_endpoint_split(p, &c->endpoint, &proto, &ep);
    char *host = cosi_bucket_host(p, c, bucket);
    char *key = cos_pstrdup(p, object);
    cos_table_t *q = cos_table_make(p, 4);
    if (host == NULL || key == NULL || q == NULL) {
        return COSE_OUT_MEMORY;
    }
    const cos_array_header_t *pa = cos_table_elts(params);
    for (int i = 0; pa != NULL && i < pa->nelts; i++) {
        const cos_table_entry_t *e = &((const cos_table_entry_t *)pa->elts)[i];
        cos_table_add(q, e->key, e->val);
    }
    if (c->sts_token.data != NULL && c->sts_token.len > 0) {
        cos_table_add(q, COS_STS_SECURITY_TOKEN, cos_pstrdup(p, &c->sts_token));
    }
    const cos_array_header_t *ha = cos_table_elts(headers);
    int nh = ha != NULL ? ha->nelts : 0;
    const cos_array_header_t *qa = cos_table_elts(q);
    cosx_pair_t *hp = cos_palloc(p, sizeof(cosx_pair_t) * (size_t)(nh + 1));
    cosx_pair_t *qp = cos_palloc(p, sizeof(cosx_pair_t) * (size_t)(qa->nelts + 1));
    if (hp == NULL || qp == NULL) {
        return COSE_OUT_MEMORY;
    }
    size_t nhp = 0;
    for (int i = 0; i < nh; i++) {
        const cos_table_entry_t *e = &((const cos_table_entry_t *)ha->elts)[i];
        if (strcasecmp(e->key, COS_HOST) == 0) {
            continue;
        }
        hp[nhp].name = e->key;
        hp[nhp].value = e->val;
        nhp++;
    }
    if (sign_host) {
        hp[nhp].name = "host";
        hp[nhp].value = host;
        nhp++;
    }
    for (int i = 0; i < qa->nelts; i++) {
        const cos_table_entry_t *e = &((const cos_table_entry_t *)qa->elts)[i];
        qp[i].name = e->key;
        qp[i].value = e->val;
    }
    int64_t now = (int64_t)time(NULL);
    char *secret_id = cos_pstrdup(p, &c->access_key_id);
    cosx_sign_input_t in = {
        .secret_id = secret_id,
        .secret_key = cos_pstrdup(p, &c->access_key_secret),
        .method = cosi_method_name(method),
        .path = cos_psprintf(p, "/%s", key),
        .params = qp,
        .n_params = (size_t)qa->nelts,
        .headers = hp,
        .n_headers = nhp,
        .start = now,
        .end = now + expire,
    };
    cosx_signature_t sig;
    memset(&sig, 0, sizeof(sig));
    if (in.path == NULL || cosx_sign(&in, &sig) != 0) {
        cosx_signature_free(&sig);
        return COSE_OUT_MEMORY;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, proto);
    cosx_buf_puts(&b, host);
    cosx_buf_putc(&b, '/');
    cosx_enc_path(&b, key, strlen(key));
    cosx_buf_putc(&b, '?');
    char *query = cosi_build_query(p, q);
    if (query != NULL && query[0] != '\0') {
        cosx_buf_puts(&b, query);
        cosx_buf_putc(&b, '&');
    }
    cosx_sign_presign_query(&sig, secret_id, &b);
    cosx_signature_free(&sig);
    char *url = cosx_buf_ok(&b) && query != NULL ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    if (url == NULL) {
        return COSE_OUT_MEMORY;
    }
    cos_str_set(presigned_url, url);
    return COSE_OK;
}

int cos_gen_presigned_url(const cos_request_options_t *options, const cos_string_t *bucket,
                          const cos_string_t *object, const int64_t expire, http_method_e method,
                          cos_string_t *presigned_url)
{
    return cos_gen_presigned_url_safe(options, bucket, object, expire, method, NULL, NULL, 1, presigned_url);
}

const char *cos_gen_object_url(const cos_request_options_t *options, const cos_string_t *bucket,
                               const cos_string_t *object)
{
    if (options == NULL || options->pool == NULL || options->config == NULL || bucket == NULL) {
        return "";
    }
    cos_pool_t *p = options->pool;
    const char *proto, *ep;
    cosi_endpoint_split(p, &options->config->endpoint, &proto, &ep);
    char *host = cosi_bucket_host(p, options->config, bucket);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_buf_puts(&b, proto);
    cosx_buf_puts(&b, host != NULL ? host : "");
    cosx_buf_putc(&b, '/');
    if (object != NULL && object->data != NULL) {
        cosx_enc_path(&b, object->data, (size_t)object->len);
    }
    char *url = cosx_buf_ok(&b) && host != NULL ? cos_pstrdup_cstr(p, cosx_buf_str(&b)) : NULL;
    cosx_buf_free(&b);
    return url != NULL ? url : "";
}
