/* cosd_api: the COS operation handlers of cosd (service, bucket, object) and the helpers they share
 * (access checks, sub-resource checks, metadata headers). */
#ifndef COSD_API_H
#define COSD_API_H

#include "cosd_server.h"

void cosd_service_get(cosd_req_t *r);
void cosd_bucket_start(cosd_req_t *r);
void cosd_object_start(cosd_req_t *r);
void cosd_object_put_start(cosd_req_t *r);
void cosd_object_get(cosd_req_t *r);
void cosd_object_copy_start(cosd_req_t *r);
void cosd_bucket_list(cosd_req_t *r, const cosd_bucket_t *b);
void cosd_multi_delete_start(cosd_req_t *r, const cosd_bucket_t *b);

/* Multipart operations on an object (?uploads, ?uploadId): false when the request is none. */
bool cosd_multipart_start(cosd_req_t *r);
/* GET Bucket ?uploads (List Multipart Uploads). */
void cosd_list_uploads(cosd_req_t *r, const cosd_bucket_t *b);
/* A response streaming bytes [first, first + len) of a multipart object made of parts (taken over:
 * freed with the response, or at once on failure); NULL on failure. */
struct MHD_Response *cosd_parts_response(cosd_store_t *st, cosd_manifest_part_t *parts, size_t n,
                                         int64_t first, int64_t len);

/* x-cos-copy-source parsed into a route of kind OBJECT; replies InvalidCopySource and returns
 * false otherwise (cosd_copy.c). */
bool cosd_copy_parse_source(cosd_req_t *r, const char *v, cosd_route_t *src);
/* The x-cos-copy-source-If-* conditions against the source; replies 412 and returns false when one
 * fails. */
bool cosd_copy_source_conditions(cosd_req_t *r, const cosd_object_t *o);
/* Upload Part - Copy (cosd_multipart_copy.c): part number of upload id filled from a source
 * object (x-cos-copy-source, optional x-cos-copy-source-range). */
void cosd_upload_part_copy(cosd_req_t *r, const cosd_bucket_t *b, const char *id, int number);

/* Loads r->route.bucket into *b and checks that the caller may use it: the owner always; anonymous
 * or other accounts only for reads (read = true) of a public-read bucket when allow_public. Replies
 * (NoSuchBucket / AccessDenied) and returns false otherwise. */
bool cosd_bucket_access(cosd_req_t *r, cosd_bucket_t *b, bool read, bool allow_public);

/* If the request names a sub-resource (?acl, ?cors, ...) other than those in allowed
 * (NULL-terminated), replies with a 4xx error naming it and returns false. */
bool cosd_check_subresources(cosd_req_t *r, const char *const *allowed);

/* Validates an x-cos-acl value ("private", "public-read", "public-read-write", plus "default" for
 * objects when allow_default); replies InvalidArgument and returns false when invalid. NULL is
 * fine. */
bool cosd_check_acl(cosd_req_t *r, const char *acl, bool allow_default);

/* Builds the stored header list (JSON array of [name, value]) from the request: Cache-Control,
 * Content-Disposition, Content-Encoding, Content-Language, Expires and x-cos-meta-*. Replies
 * (MetadataTooLarge) and returns NULL on failure. */
char *cosd_meta_from_request(cosd_req_t *r);
/* Adds the stored headers to a response, except those named in skip (NULL-terminated, may be NULL).
 */
void cosd_meta_to_response(struct MHD_Response *resp, const char *headers_json,
                           const char *const *skip);
/* Storage class from x-cos-storage-class (default STANDARD); replies InvalidArgument and returns
 * false on an unknown class. */
bool cosd_storage_class(cosd_req_t *r, const char *fallback, char out[32]);

/* "\"<etag>\"" into out. */
void cosd_quote_etag(const char *etag, char out[48]);
/* Does an If-Match style header value match etag (comma list, quoted or not, "*")? */
bool cosd_etag_matches(const char *header, const char *etag);

#endif
