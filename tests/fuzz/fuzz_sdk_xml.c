/* fuzz_sdk_xml: fuzz target for every XML body libcos parses: error bodies, GET Service, GET
 * Bucket, Delete Multiple Objects and copy results, the multipart results (initiate, complete, list
 * parts, list uploads, part copy), and the audio moderation submit / query responses. A body goes
 * to the parsers of the root elements it names, or to every parser when it names none. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ci_audit.h"
#include "cosi.h"
#include "fuzz_roots.h"

enum {
    R_ERROR,
    R_SERVICE,
    R_LIST,
    R_DELETE,
    R_COPY,
    R_COPY_PART,
    R_INIT,
    R_COMPLETE,
    R_PARTS,
    R_UPLOADS,
    R_RESPONSE,
    NROOTS
};
static const char *const roots[NROOTS] = {"<Error",
                                          "<ListAllMyBucketsResult",
                                          "<ListBucketResult",
                                          "<DeleteResult",
                                          "<CopyObjectResult",
                                          "<CopyPartResult",
                                          "<InitiateMultipartUploadResult",
                                          "<CompleteMultipartUploadResult",
                                          "<ListPartsResult",
                                          "<ListMultipartUploadsResult",
                                          "<Response"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20)) {
        return 0;
    }
    cos_pool_t *p = NULL;
    if (cos_pool_create(&p, NULL) != COSE_OK) {
        return 0;
    }
    cos_list_t body;
    cos_list_init(&body);
    cos_buf_t *b = cos_buf_pack(p, data, (int)size);
    cos_list_add_tail(&b->node, &body);

    /* Each parser checks the root element right after parsing: a body goes to the parsers of the
     * roots it names (all of them when it names none), which saves parses that stop at the root. */
    bool all = true;
    bool is[NROOTS];
    for (int i = 0; i < NROOTS; i++) {
        is[i] = fuzz_names((const char *)data, size, roots[i]);
        all = all && !is[i];
    }
    if (all || is[R_ERROR]) {
        cos_status_t *s = cos_status_create(p);
        cos_status_parse_from_body(p, &body, 400, s);
    }
    if (all || is[R_SERVICE])
        cosi_get_service_parse(p, &body, cos_create_get_service_params(p));
    if (all || is[R_LIST])
        cosi_list_objects_parse(p, &body, cos_create_list_object_params(p));
    if (all || is[R_DELETE]) {
        cos_list_t deleted;
        cos_list_init(&deleted);
        cosi_delete_objects_parse(p, &body, &deleted);
    }
    if (all || is[R_COPY])
        cosi_copy_object_parse(p, &body, cos_create_copy_object_params(p));
    if (all || is[R_INIT]) {
        cos_string_t upload_id = {0, NULL};
        cosi_init_multipart_parse(p, &body, &upload_id);
    }
    if (all || is[R_COMPLETE] || is[R_ERROR])
        cosi_complete_multipart_parse(p, &body, cos_status_create(p));
    if (all || is[R_PARTS])
        cosi_list_parts_parse(p, &body, cos_create_list_upload_part_params(p));
    if (all || is[R_UPLOADS])
        cosi_list_uploads_parse(p, &body, cos_create_list_multipart_upload_params(p));
    if (all || is[R_COPY] || is[R_COPY_PART])
        cosi_copy_part_parse(p, &body, cos_create_copy_object_params(p));
    if (all || is[R_RESPONSE]) {
        ci_audio_auditing_job_result_t cr;
        memset(&cr, 0, sizeof(cr));
        ci_audio_auditing_result_parse_from_body(p, &body, &cr);
        ci_get_audio_auditing_job_result_t gr;
        memset(&gr, 0, sizeof(gr));
        ci_get_audio_auditing_result_parse_from_body(p, &body, &gr);
    }
    cos_pool_destroy(p);
    return 0;
}
