/* cosd_auth: authenticates a request with the shared verifier (COS_PROTOCOL 2.8): header or
 * presigned query signatures, account lookup by SecretId, time window, and the COS / CI error for
 * each failure. */
#include "cosd_server.h"

#include "cosx_encode.h"
#include "cosx_verify.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const cosd_account_t *cosd_find_account(const cosd_server_t *srv, const char *secret_id)
{
    for (size_t i = 0; i < srv->n_accounts; i++)
        if (strcmp(srv->accounts[i].secret_id, secret_id) == 0)
            return &srv->accounts[i];
    return NULL;
}

static const char *lookup_header(void *ctx, const char *name)
{
    return cosd_req_header(ctx, name);
}

static bool list_has(const char *list, const char *item)
{
    size_t il = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *semi = strchr(p, ';');
        size_t l = semi ? (size_t)(semi - p) : strlen(p);
        if (l == il && strncasecmp(p, item, il) == 0)
            return true;
        if (!semi)
            break;
        p = semi + 1;
    }
    return false;
}

/* The error for each failure, in COS or CI form. */
static void auth_error(cosd_req_t *r, cosx_auth_status_t st, const char *why)
{
    if (r->is_ci) {
        switch (st) {
        case COSX_AUTH_EXPIRED:
            cosd_reply_error(r, 401, "SignatureExpired", "The signature has expired: %s", why);
            return;
        case COSX_AUTH_NOT_YET_VALID:
            cosd_reply_error(r, 401, "InvalidAuthorization",
                             "The signature start time is in the future: %s", why);
            return;
        case COSX_AUTH_MISMATCH:
            cosd_reply_error(r, 403, "AccessDenied", "The signature does not match: %s", why);
            return;
        default:
            cosd_reply_error(r, 401, "InvalidAuthorization", "The Authorization is malformed: %s",
                             why);
            return;
        }
    }
    switch (st) {
    case COSX_AUTH_EXPIRED:
        cosd_reply_error(r, 403, "AccessDenied", "Request has expired");
        return;
    case COSX_AUTH_NOT_YET_VALID:
        cosd_reply_error(
            r, 403, "RequestTimeTooSkewed",
            "The difference between the request time and the server's time is too large: %s", why);
        return;
    case COSX_AUTH_MISMATCH:
        cosd_reply_error(
            r, 403, "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check "
            "your SecretKey and signing method. %s",
            why);
        return;
    default:
        cosd_reply_error(r, 403, "AccessDenied", "The authorization is malformed: %s", why);
        return;
    }
}

bool cosd_authenticate(cosd_req_t *r)
{
    char why[256] = "";
    cosx_auth_t auth;
    const char *authz = cosd_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    cosx_auth_status_t st = cosx_auth_parse(authz, r->raw_query, &auth, why, sizeof why);
    if (st == COSX_AUTH_NONE) {
        r->anonymous = true;
        return true;
    }
    if (st != COSX_AUTH_OK) {
        auth_error(r, st, why);
        return false;
    }
    const cosd_account_t *acc = cosd_find_account(r->srv, auth.ak);
    if (!acc) {
        if (r->is_ci)
            cosd_reply_error(r, 401, "SecretidNotExist", "The SecretId '%.64s' does not exist.",
                             auth.ak);
        else
            cosd_reply_error(r, 403, "InvalidAccessKeyId",
                             "The SecretId '%.64s' does not exist in our records.", auth.ak);
        cosx_auth_free(&auth);
        return false;
    }
    cosx_verify_request_t vr = {
        .method = r->method,
        .raw_path = r->raw_path,
        .raw_query = r->raw_query,
        .header = lookup_header,
        .header_ctx = r,
    };
    st = cosx_auth_verify(&auth, &vr, acc->secret_key, (int64_t)time(NULL), COSD_MAX_SKEW, why,
                          sizeof why);
    r->signed_host = list_has(auth.header_list, "host");
    cosx_auth_free(&auth);
    if (st != COSX_AUTH_OK) {
        auth_error(r, st, why);
        return false;
    }
    /* Without Host in the signature, a request could be replayed on another bucket of the account.
     */
    if (r->route.host_addressed && !r->signed_host) {
        cosd_reply_error(
            r, 403, "AccessDenied",
            "The signature must cover the Host header when the bucket is named by the host "
            "(add host to q-header-list).");
        return false;
    }
    cosx_copy_str(r->appid, sizeof r->appid, acc->appid, SIZE_MAX);
    return true;
}
