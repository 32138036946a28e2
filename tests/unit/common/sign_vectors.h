/* sign_vectors.h: loads tests/data/sign_vectors.json (signatures made by the official Node.js SDK)
 * into plain arrays for the signer and verifier tests. */
#ifndef COS_TEST_SIGN_VECTORS_H
#define COS_TEST_SIGN_VECTORS_H

#include <cjson/cJSON.h>

#include "../test_util.h"
#include "cosx_sign.h"

#define SV_MAX_PAIRS 16

typedef struct sign_vector {
    const char *name;
    const char *method;
    char path[512]; /* decoded, with leading '/' */
    cosx_pair_t query[SV_MAX_PAIRS];
    size_t n_query;
    cosx_pair_t headers[SV_MAX_PAIRS]; /* every header of the request, signed or not */
    size_t n_headers;
    int64_t start, end;
    const char *expected_authorization;
    const char *http_string; /* intermediate values, when the file has them */
    const char *string_to_sign;
    const char *sign_key;
    const char *signature;
    bool sign_all_headers; /* the doc vector signs Date too */
} sign_vector_t;

typedef struct sign_vectors {
    cJSON *root;
    const char *secret_id;
    const char *secret_key;
    sign_vector_t v[16];
    size_t n;
} sign_vectors_t;

static inline void sv_pairs(cJSON *obj, cosx_pair_t *out, size_t *n)
{
    *n = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        assert_true(*n < SV_MAX_PAIRS);
        out[*n].name = it->string;
        out[*n].value = cJSON_GetStringValue(it);
        (*n)++;
    }
}

static inline void sv_one(sign_vector_t *v, cJSON *item, cJSON *intermediate)
{
    cJSON *in = cJSON_GetObjectItem(item, "input");
    v->name = cJSON_GetStringValue(cJSON_GetObjectItem(item, "name"));
    v->method = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Method"));
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Key"));
    if (!key) {
        key = cJSON_GetStringValue(cJSON_GetObjectItem(in, "Path"));
    }
    snprintf(v->path, sizeof(v->path), "%s%s", key[0] == '/' ? "" : "/", key);
    sv_pairs(cJSON_GetObjectItem(in, "Query"), v->query, &v->n_query);
    sv_pairs(cJSON_GetObjectItem(in, "Headers"), v->headers, &v->n_headers);
    long long a = 0, b = 0;
    assert_int_equal(
        sscanf(cJSON_GetStringValue(cJSON_GetObjectItem(in, "KeyTime")), "%lld;%lld", &a, &b), 2);
    v->start = a;
    v->end = b;
    v->expected_authorization =
        cJSON_GetStringValue(cJSON_GetObjectItem(item, "expected_authorization"));
    if (intermediate) {
        v->http_string = cJSON_GetStringValue(cJSON_GetObjectItem(intermediate, "HttpString"));
        v->string_to_sign = cJSON_GetStringValue(cJSON_GetObjectItem(intermediate, "StringToSign"));
        v->sign_key = cJSON_GetStringValue(cJSON_GetObjectItem(intermediate, "SignKey"));
        v->signature = cJSON_GetStringValue(cJSON_GetObjectItem(intermediate, "Signature"));
    }
}

/* The seven request vectors and the doc vector (Date signed). */
static inline void sv_load(sign_vectors_t *sv)
{
    memset(sv, 0, sizeof(*sv));
    char *text = test_read_data("sign_vectors.json", NULL);
    sv->root = cJSON_Parse(text);
    free(text);
    assert_non_null(sv->root);
    sv->secret_id = cJSON_GetStringValue(cJSON_GetObjectItem(sv->root, "SecretId"));
    sv->secret_key = cJSON_GetStringValue(cJSON_GetObjectItem(sv->root, "SecretKey"));
    cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(sv->root, "vectors"))
    {
        sv_one(&sv->v[sv->n++], item, cJSON_GetObjectItem(item, "intermediate_python_reference"));
    }
    cJSON *doc = cJSON_GetObjectItem(sv->root, "official_doc_vector_with_date_signed");
    assert_non_null(doc);
    sign_vector_t *d = &sv->v[sv->n++];
    sv_one(d, doc, cJSON_GetObjectItem(doc, "intermediate"));
    d->name = "official_doc_vector_with_date_signed";
    d->sign_all_headers = true;
    assert_int_equal(sv->n, 8);
}

/* The headers a vector signs: the doc vector signs all of them, the SDK vectors what the client
 * chooses by default. */
static inline size_t sv_signed_headers(const sign_vector_t *v, cosx_pair_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < v->n_headers; i++) {
        if (v->sign_all_headers || cosx_sign_header_wanted(v->headers[i].name)) {
            out[n++] = v->headers[i];
        }
    }
    return n;
}

static inline void sv_free(sign_vectors_t *sv)
{
    cJSON_Delete(sv->root);
}

#endif
