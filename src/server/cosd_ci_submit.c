/* cosd_ci_submit: POST /audio/auditing (COS_PROTOCOL 9.1): reads the Request XML (parsed and
 * validated by cosd_ci_request.c), checks that the Object exists, stores a Submitted job and
 * answers its JobsDetail. */
#include "cosd_ci_int.h"

#include "cosd_api.h"
#include "cosd_body.h"
#include "cosx_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cosd_ci_submit(cosd_ci_t *ci, cosd_req_t *r);

static void submit_done(cosd_req_t *r)
{
    cosd_ci_t *ci = r->srv->ci.ctx;
    cosd_job_t j = {0};
    j.cb_type = 1;
    cosd_body_err_t err;
    if (!cosd_body_ci_request(r->body.data, r->body.len, &j, &err)) {
        cosd_job_clear(&j);
        cosd_reply_error(r, (unsigned)err.status, err.code, "%s", err.message);
        return;
    }
    if (j.object) {
        cosd_object_t o = {0};
        cosd_store_rc_t rc = cosd_store_object_get(r->srv->store, r->route.bucket, j.object, &o);
        cosd_object_clear(&o);
        if (rc != COSD_ST_OK) {
            if (rc == COSD_ST_NOTFOUND || rc == COSD_ST_NOBUCKET)
                cosd_reply_error(r, 400, "ResourceNotFound",
                                 "The object '%.300s' does not exist in bucket %s.", j.object,
                                 r->route.bucket);
            else
                cosd_reply_error(r, 500, "InternalError", "The object could not be looked up.");
            cosd_job_clear(&j);
            return;
        }
    }
    char created[40];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    if (!cosd_jobs_new_id(j.job_id)) {
        cosd_job_clear(&j);
        cosd_reply_error(r, 500, "InternalError", "The random generator failed.");
        return;
    }
    j.bucket = strdup(r->route.bucket);
    j.region = strdup(r->route.region);
    j.host = strdup(r->host);
    j.state = strdup("Submitted");
    j.created = strdup(created);
    if (!j.bucket || !j.region || !j.host || !j.state || !j.created || !j.cb_version ||
        cosd_jobs_insert(ci->db, &j) != 0) {
        cosd_job_clear(&j);
        cosd_reply_error(r, 500, "InternalError", "The job could not be stored.");
        return;
    }
    cosd_ci_wake_workers(ci);
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "Response");
    cosx_xml_open(&b, "JobsDetail");
    if (j.data_id)
        cosx_xml_elem(&b, "DataId", j.data_id);
    cosx_xml_elem(&b, "JobId", j.job_id);
    cosx_xml_elem(&b, "State", "Submitted");
    cosx_xml_elem(&b, "CreationTime", j.created);
    if (j.object)
        cosx_xml_elem(&b, "Object", j.object);
    else
        cosx_xml_elem(&b, "Url", j.url);
    cosx_xml_close(&b, "JobsDetail");
    cosx_xml_elem(&b, "RequestId", r->request_id);
    cosx_xml_close(&b, "Response");
    cosd_job_clear(&j);
    cosd_reply_xml(r, 200, &b);
}

void cosd_ci_submit(cosd_ci_t *ci, cosd_req_t *r)
{
    (void)ci;
    cosd_req_collect(r, 64 * 1024, "InvalidContent", submit_done);
}
