/* cosd_dispatch: the first step of every request: route it (cosd_route), authenticate it
 * (cosd_auth) and hand it to the service, bucket, object or CI handler. Also the shared access and
 * sub-resource checks. */
#include "cosd_api.h"

#include <stdio.h>
#include <string.h>

/* Every COS sub-resource name cosd knows of; a request naming one that its handler does not
 * implement gets a 4xx error naming it (never a 5xx, which clients retry). */
static const char *const known_subresources[] = {
    "acl",
    "cors",
    "lifecycle",
    "website",
    "policy",
    "tagging",
    "versioning",
    "referer",
    "logging",
    "inventory",
    "domain",
    "replication",
    "encryption",
    "intelligenttiering",
    "object-lock",
    "origin",
    "accelerate",
    "delete",
    "uploads",
    "uploadId",
    "partNumber",
    "versions",
    "location",
    "notification",
    "restore",
    "append",
    "select",
    "symlink",
    "retention",
    "legal-hold",
    "torrent",
    "requestPayment",
    "analytics",
    "metrics",
    "guetzli",
    "objectlock",
    "rename",
    "tier",
    "inventory-configuration",
    "list-type",
    "meta-query",
    NULL,
};

bool cosd_check_subresources(cosd_req_t *r, const char *const *allowed)
{
    for (size_t i = 0; i < r->n_params; i++) {
        const char *n = r->params[i].name;
        if (n[0] == 'q' && n[1] == '-')
            continue; /* the presigned signature's q-* parameters (most of a presigned query) */
        bool known = false;
        for (const char *const *k = known_subresources; *k && !known; k++)
            known = strcmp(*k, n) == 0;
        if (!known)
            continue;
        bool ok = false;
        for (const char *const *a = allowed; a && *a && !ok; a++)
            ok = strcmp(*a, n) == 0;
        if (!ok) {
            cosd_reply_error(
                r, 400, "InvalidRequest",
                "The sub-resource '?%s' is not supported by cosd for %s on a%s; this local server "
                "implements the bucket and object basics only.",
                n, r->method, r->route.kind == COSD_ROUTE_OBJECT ? "n object" : " bucket");
            return false;
        }
    }
    return true;
}

bool cosd_check_acl(cosd_req_t *r, const char *acl, bool allow_default)
{
    if (!acl || !strcmp(acl, "private") || !strcmp(acl, "public-read") ||
        !strcmp(acl, "public-read-write") || (allow_default && !strcmp(acl, "default")))
        return true;
    cosd_reply_error(
        r, 400, "InvalidArgument",
        "x-cos-acl '%.64s' is not valid: use private, public-read or public-read-write%s.", acl,
        allow_default ? " (or default)" : "");
    return false;
}

bool cosd_bucket_access(cosd_req_t *r, cosd_bucket_t *b, bool read, bool allow_public)
{
    cosd_store_rc_t rc = cosd_store_bucket_get(r->srv->store, r->route.bucket, b);
    if (rc == COSD_ST_NOTFOUND) {
        cosd_reply_error(r, 404, "NoSuchBucket", "The specified bucket does not exist.");
        return false;
    }
    if (rc != COSD_ST_OK) {
        cosd_reply_error(r, 500, "InternalError",
                         "The bucket could not be read from the metadata database.");
        return false;
    }
    if (!r->anonymous && strcmp(b->appid, r->appid) == 0)
        return true;
    if (read && allow_public && strncmp(b->acl, "public-read", 11) == 0)
        return true;
    cosd_reply_error(
        r, 403, "AccessDenied",
        r->anonymous ? "Access denied: this request is anonymous (not signed) and the resource is "
                       "not public-read."
                     : "Access denied: the bucket belongs to another account.");
    return false;
}

void cosd_dispatch(cosd_req_t *r)
{
    const cosd_config_t *cfg = r->srv->cfg;
    if (strcmp(r->method, "CONNECT") == 0) {
        /* An SDK using cosd as its proxy for https URLs asks for a tunnel. */
        cosd_reply_error(
            r, 405, "MethodNotAllowed",
            "cosd serves plain HTTP and does not tunnel (CONNECT): configure the client "
            "for http (e.g. Protocol: 'http:') with cosd as its HTTP proxy.");
        return;
    }
    if (!cosd_route_parse(r->host, r->raw_path, cfg->domains, cfg->n_cos_domains, cfg->n_domains,
                          &r->route)) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory while routing the request.");
        return;
    }
    if (r->route.kind == COSD_ROUTE_CI)
        r->is_ci = true;
    if (r->route.kind == COSD_ROUTE_ERROR) {
        cosd_reply_error(r, (unsigned)r->route.err_status, r->route.err_code, "%s",
                         r->route.err_msg);
        return;
    }
    if (!cosd_authenticate(r))
        return;
    switch (r->route.kind) {
    case COSD_ROUTE_SERVICE:
        if (strcmp(r->method, "GET") != 0 && !r->is_head) {
            cosd_reply_error(
                r, 405, "MethodNotAllowed",
                "%s is not allowed on the service endpoint; only GET / (list buckets) is.",
                r->method);
            return;
        }
        cosd_service_get(r);
        return;
    case COSD_ROUTE_BUCKET:
        cosd_bucket_start(r);
        return;
    case COSD_ROUTE_OBJECT:
        cosd_object_start(r);
        return;
    case COSD_ROUTE_CI:
        if (r->srv->ci.start) {
            r->srv->ci.start(r->srv->ci.ctx, r);
            return;
        }
        cosd_reply_error(
            r, 400, "InvalidArgument",
            "The Cloud Infinite (CI) API is not enabled on this cosd; address COS with "
            "<bucket>-<appid>.cos.<region>.<suffix> instead of the .ci. host.");
        return;
    default:
        cosd_reply_error(r, 500, "InternalError", "Unroutable request.");
        return;
    }
}
