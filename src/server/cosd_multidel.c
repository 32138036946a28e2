/* cosd_multidel: Delete Multiple Objects, POST /?delete (COS_PROTOCOL 6.5): Content-MD5 required
 * and verified, at most 1000 keys, Quiet mode, per-key errors; missing keys count as deleted. */
#include "cosd_api.h"
#include "cosd_body.h"

#include "cosx_digest.h"
#include "cosx_encode.h"
#include "cosx_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void key_error(cosx_buf_t *b, const char *key, const char *code, const char *msg)
{
    cosx_xml_open(b, "Error");
    cosx_xml_elem(b, "Key", key);
    cosx_xml_elem(b, "Code", code);
    cosx_xml_elem(b, "Message", msg);
    cosx_xml_close(b, "Error");
}

static void multi_delete_done(cosd_req_t *r)
{
    const cosd_bucket_t *bk = r->h;
    if (r->body.len == 0) {
        cosd_reply_error(r, 400, "MissingRequestBodyError",
                         "POST ?delete needs a Delete XML body.");
        return;
    }
    unsigned char want[COSX_MD5_LEN], got[COSX_MD5_LEN];
    const char *cmd5 = cosd_req_header(r, "Content-MD5");
    size_t n = 0;
    if (!cosx_base64_decode(cmd5, strlen(cmd5), want, sizeof want, &n) || n != COSX_MD5_LEN) {
        cosd_reply_error(r, 400, "InvalidDigest",
                         "The Content-MD5 you specified is not valid base64 of 16 bytes.");
        return;
    }
    cosx_md5(r->body.data, r->body.len, got);
    if (!cosx_ct_equal(want, got, COSX_MD5_LEN)) {
        cosd_reply_error(r, 400, "InvalidDigest",
                         "The Content-MD5 you specified did not match what we received.");
        return;
    }
    cosd_delete_body_t d;
    cosd_body_err_t err;
    if (!cosd_body_delete(r->body.data, r->body.len, &d, &err)) {
        cosd_reply_error(r, (unsigned)err.status, err.code, "%s", err.message);
        return;
    }
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "DeleteResult");
    for (size_t i = 0; i < d.nkeys; i++) {
        const char *key = d.keys[i];
        char msg[200];
        const char *code = cosd_key_check(key, strlen(key), msg, sizeof msg);
        if (code) {
            key_error(&b, key, code, msg);
            continue;
        }
        bool existed;
        cosd_store_rc_t rc = cosd_store_object_delete(r->srv->store, bk->name, key, &existed);
        if (rc == COSD_ST_NOBUCKET) {
            key_error(&b, key, "NoSuchBucket", "The bucket was deleted.");
        } else if (rc != COSD_ST_OK) {
            char why[256];
            snprintf(why, sizeof why, "The object could not be deleted.%s",
                     cosd_store_rc_hint(rc));
            key_error(&b, key, "InternalError", why);
        } else if (!d.quiet) {
            cosx_xml_open(&b, "Deleted");
            cosx_xml_elem(&b, "Key", key);
            cosx_xml_close(&b, "Deleted");
        }
    }
    cosx_xml_close(&b, "DeleteResult");
    cosd_delete_body_clear(&d);
    cosd_reply_xml(r, 200, &b);
}

static void free_state(cosd_req_t *r)
{
    free(r->h);
    r->h = NULL;
}

void cosd_multi_delete_start(cosd_req_t *r, const cosd_bucket_t *b)
{
    if (!cosd_req_header(r, "Content-MD5")) {
        cosd_reply_error(r, 400, "InvalidRequest",
                         "Missing required header for this request: Content-MD5");
        return;
    }
    cosd_bucket_t *copy = malloc(sizeof *copy);
    if (!copy) {
        cosd_reply_error(r, 500, "InternalError", "Out of memory.");
        return;
    }
    *copy = *b;
    r->h = copy;
    r->on_cleanup = free_state;
    cosd_req_collect(r, COSD_MAX_XML_BYTES, "MalformedXML", multi_delete_done);
}
