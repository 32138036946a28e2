/* sign_request: signs a sample COS request the way libcos does, prints the Authorization header and
 * a presigned URL, then verifies both the way cosd does (and shows that a tampered request is
 * refused). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cosx_buf.h"
#include "cosx_encode.h"
#include "cosx_sign.h"
#include "cosx_verify.h"

typedef struct headers {
    const cosx_pair_t *v;
    size_t n;
} headers_t;

static const char *lookup(void *ctx, const char *name)
{
    const headers_t *h = ctx;
    for (size_t i = 0; i < h->n; i++) {
        if (strcasecmp(h->v[i].name, name) == 0) {
            return h->v[i].value;
        }
    }
    return NULL;
}

int main(void)
{
    const char *sid = "AKIDexampleSecretId0123456789", *skey = "exampleSecretKey0123456789abcdef";
    const cosx_pair_t headers[] = {
        {"Host", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"},
        {"Content-Type", "text/plain"},
        {"Content-Length", "13"},
        {"x-cos-meta-author", "Zhang San"},
    };
    const cosx_pair_t params[] = {{"versionId", "MTg0NDUxNTc1NjIzMTQ1MDAwODg"}};
    time_t now = time(NULL);
    cosx_sign_input_t in = {
        .secret_id = sid,
        .secret_key = skey,
        .method = "PUT",
        .path = "/docs/report 2026.txt",
        .params = params,
        .n_params = 1,
        .headers = headers,
        .n_headers = 4,
        .start = now,
        .end = now + 3600,
    };
    cosx_signature_t sig;
    if (cosx_sign(&in, &sig) != 0) {
        fprintf(stderr, "sign_request: signing failed (out of memory)\n");
        return 1;
    }
    printf("Request:        PUT /docs/report%%202026.txt?versionId=MTg0NDUxNTc1NjIzMTQ1MDAwODg\n");
    printf("HttpString:     %s", sig.http_string);
    printf("\nAuthorization:  %s\n", sig.authorization);

    headers_t h = {headers, 4};
    cosx_verify_request_t req = {"PUT", "/docs/report%202026.txt",
                                 "versionId=MTg0NDUxNTc1NjIzMTQ1MDAwODg", lookup, &h};
    cosx_auth_t auth;
    char why[256] = "";
    int rc = 0;
    cosx_auth_status_t st = cosx_auth_parse(sig.authorization, NULL, &auth, why, sizeof(why));
    if (st == COSX_AUTH_OK) {
        st = cosx_auth_verify(&auth, &req, skey, now, 900, why, sizeof(why));
        cosx_auth_free(&auth);
    }
    printf("Server check:   %s\n", cosx_auth_status_name(st));
    rc |= st != COSX_AUTH_OK;

    /* The same request with another object key must be refused. */
    req.raw_path = "/docs/other.txt";
    if (cosx_auth_parse(sig.authorization, NULL, &auth, why, sizeof(why)) == COSX_AUTH_OK) {
        st = cosx_auth_verify(&auth, &req, skey, now, 900, why, sizeof(why));
        cosx_auth_free(&auth);
    }
    printf("Replayed on /docs/other.txt: %s (%s)\n", cosx_auth_status_name(st), why);
    rc |= st != COSX_AUTH_MISMATCH;
    cosx_signature_free(&sig);

    /* A presigned GET URL, verified from its query string alone. */
    const cosx_pair_t host[] = {{"host", "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com"}};
    cosx_sign_input_t pin = {.secret_id = sid,
                             .secret_key = skey,
                             .method = "GET",
                             .path = "/docs/report 2026.txt",
                             .headers = host,
                             .n_headers = 1,
                             .start = now,
                             .end = now + 600};
    cosx_buf_t url = COSX_BUF_INIT;
    if (cosx_sign(&pin, &sig) == 0) {
        cosx_buf_puts(&url, "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com");
        cosx_enc_path(&url, pin.path, strlen(pin.path));
        cosx_buf_putc(&url, '?');
        size_t qstart = url.len;
        cosx_sign_presign_query(&sig, sid, &url);
        printf("Presigned URL:  %s\n", cosx_buf_str(&url));
        headers_t ph = {host, 1};
        cosx_verify_request_t preq = {"GET", "/docs/report%202026.txt", url.data + qstart, lookup,
                                      &ph};
        st = cosx_auth_parse(NULL, preq.raw_query, &auth, why, sizeof(why));
        if (st == COSX_AUTH_OK) {
            st = cosx_auth_verify(&auth, &preq, skey, now, 900, why, sizeof(why));
            cosx_auth_free(&auth);
        }
        printf("Server check:   %s\n", cosx_auth_status_name(st));
        rc |= st != COSX_AUTH_OK;
        cosx_signature_free(&sig);
    }
    cosx_buf_free(&url);
    return rc;
}
