/* fuzz_cosd_xml: fuzz target for the XML bodies cosd accepts (cosd_body.h): Delete,
 * CompleteMultipartUpload and the audio moderation Request, through the parsers the handlers use.
 * A body naming one of the three roots goes to its parser, anything else to all three. Invariants:
 * an accepted body has what its handler relies on, a refused one a known code and a message. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cosd_body.h"
#include "fuzz_roots.h"
#include "cosd_route.h"
#include "cosx_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(const cosd_body_err_t *e, const char *const *codes)
{
    if (!e->code || !e->message[0] || (e->status != 400 && e->status != 500))
        abort();
    for (; *codes; codes++)
        if (strcmp(*codes, e->code) == 0)
            return;
    abort();
}

static void fuzz_delete(const char *s, size_t n)
{
    static const char *const codes[] = {"MalformedXML", "InternalError", NULL};
    cosd_delete_body_t d;
    cosd_body_err_t e;
    if (!cosd_body_delete(s, n, &d, &e)) {
        check_refusal(&e, codes);
        if (d.keys || d.nkeys)
            abort();
        return;
    }
    if (d.nkeys < 1 || d.nkeys > COSD_MAX_DELETE_KEYS)
        abort();
    for (size_t i = 0; i < d.nkeys; i++) {
        char msg[200];
        if (!d.keys[i])
            abort();
        cosd_key_check(d.keys[i], strlen(d.keys[i]), msg, sizeof msg); /* the handler's next step */
    }
    cosd_delete_body_clear(&d);
}

static void fuzz_complete(const char *s, size_t n)
{
    static const char *const codes[] = {"MalformedXML", "InvalidPartOrder", "InvalidPart",
                                        "InternalError", NULL};
    cosd_complete_body_t c;
    cosd_body_err_t e;
    if (!cosd_body_complete(s, n, &c, &e)) {
        check_refusal(&e, codes);
        if (c.parts || c.nparts)
            abort();
        return;
    }
    if (c.nparts < 1 || c.nparts > COSD_MAX_PART_NUMBER || c.parts[0].number < 1 ||
        c.parts[c.nparts - 1].number > COSD_MAX_PART_NUMBER)
        abort();
    for (size_t i = 0; i < c.nparts; i++)
        if (!c.parts[i].etag || c.parts[i].number != c.parts[0].number + (int)i)
            abort();
    cosd_complete_body_clear(&c);
}

static void check_json_object(const char *s)
{
    if (!s)
        return;
    cJSON *o = cJSON_Parse(s);
    if (!cJSON_IsObject(o))
        abort();
    cJSON_Delete(o);
}

/* What the job runner and the callback sender accept: http(s) with a host part, at most 4 KB. */
static bool http_url(const char *u)
{
    size_t n = strlen(u);
    return n <= 4096 && ((strncasecmp(u, "http://", 7) == 0 && n > 7) ||
                         (strncasecmp(u, "https://", 8) == 0 && n > 8));
}

static void fuzz_ci_request(const char *s, size_t n)
{
    static const char *const codes[] = {"MissingContent", "InvalidContent", "InvalidArgument",
                                        NULL};
    cosd_job_t j = {0};
    j.cb_type = 1;
    cosd_body_err_t e;
    if (!cosd_body_ci_request(s, n, &j, &e)) {
        check_refusal(&e, codes);
        cosd_job_clear(&j);
        return;
    }
    char msg[256];
    if (!j.object == !j.url || !j.cb_version ||
        (strcmp(j.cb_version, "Simple") != 0 && strcmp(j.cb_version, "Detail") != 0) ||
        (j.cb_type != 1 && j.cb_type != 2))
        abort();
    if (j.object && (!*j.object || cosd_key_check(j.object, strlen(j.object), msg, sizeof msg)))
        abort();
    if ((j.url && !http_url(j.url)) || (j.callback && !http_url(j.callback)))
        abort();
    if (j.data_id && strlen(j.data_id) > 512)
        abort();
    check_json_object(j.user_info);
    check_json_object(j.freeze);
    cosd_job_clear(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 20))
        return 0;
    cosx_xml_init();
    const char *s = (const char *)data;
    bool del = fuzz_names(s, size, "<Delete"),
         cmp = fuzz_names(s, size, "<CompleteMultipartUpload"),
         req = fuzz_names(s, size, "<Request");
    bool all = !del && !cmp && !req;
    if (del || all)
        fuzz_delete(s, size);
    if (cmp || all)
        fuzz_complete(s, size);
    if (req || all)
        fuzz_ci_request(s, size);
    return 0;
}
