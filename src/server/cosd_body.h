/* cosd_body: the XML request bodies cosd accepts, parsed and checked as pure functions of the
 * bytes: Delete (POST ?delete), CompleteMultipartUpload (POST ?uploadId) and the audio moderation
 * Request (POST /audio/auditing). Handlers, tests and fuzzing share them. */
#ifndef COSD_BODY_H
#define COSD_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "cosd_jobs.h"

#define COSD_MAX_DELETE_KEYS 1000
#define COSD_MAX_PART_NUMBER 10000

/* Why a body was refused: the HTTP status, the COS / CI error code and a message for a person. */
typedef struct cosd_body_err {
    int status;
    const char *code;
    char message[512];
} cosd_body_err_t;

/* A Delete document: the keys in document order (not yet checked as object keys) and Quiet. */
typedef struct cosd_delete_body {
    char **keys;
    size_t nkeys;
    bool quiet;
} cosd_delete_body_t;

/* Parses a Delete body: 1 to COSD_MAX_DELETE_KEYS <Object>s, each with a <Key>. False with err
 * (MalformedXML) otherwise; out is then empty. */
bool cosd_body_delete(const char *xml, size_t len, cosd_delete_body_t *out, cosd_body_err_t *err);
void cosd_delete_body_clear(cosd_delete_body_t *d);

typedef struct cosd_complete_part {
    int number; /* 1..COSD_MAX_PART_NUMBER */
    char *etag; /* as sent (quotes and all) */
} cosd_complete_part_t;

/* A CompleteMultipartUpload document: its parts, numbers ascending and contiguous. */
typedef struct cosd_complete_body {
    cosd_complete_part_t *parts;
    size_t nparts;
} cosd_complete_body_t;

/* Parses a CompleteMultipartUpload body: 1 to COSD_MAX_PART_NUMBER <Part>s, each with a numeric
 * <PartNumber> and an <ETag>, numbers ascending (else InvalidPartOrder) and contiguous (else
 * InvalidPart). False with err otherwise (MalformedXML for the shape); out is then empty. */
bool cosd_body_complete(const char *xml, size_t len, cosd_complete_body_t *out,
                        cosd_body_err_t *err);
void cosd_complete_body_clear(cosd_complete_body_t *c);

/* Parses an audio moderation Request body into the request fields of j (object or url, data_id,
 * user_info, biz_type, callback, cb_version, cb_type, freeze; strings malloc'd, free with
 * cosd_job_clear). False with err (400 InvalidContent or InvalidArgument) otherwise; j may then
 * hold fields already read and must still be cleared. */
bool cosd_body_ci_request(const char *xml, size_t len, cosd_job_t *j, cosd_body_err_t *err);

#endif
