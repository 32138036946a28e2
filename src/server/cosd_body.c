/* cosd_body: the Delete and CompleteMultipartUpload request bodies parsed and checked without a
 * request (see cosd_body.h); cosd_multidel.c and cosd_multipart.c answer with their results. */
#include "cosd_body.h"

#include "cosd_body_int.h"
#include "cosd_server.h"
#include "cosx_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cosd_body_fail(cosd_body_err_t *err, int status, const char *code, const char *fmt, ...)
{
    err->status = status;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return false;
}

xmlDocPtr cosd_body_doc(const char *xml, size_t len, size_t max_bytes, const char *code,
                        const char *what, cosd_body_err_t *err)
{
    cosx_xml_error_t xe;
    char why[256] = "";
    cosx_xml_limits_t lim = {max_bytes, 0};
    xmlDocPtr doc = cosx_xml_parse(xml, len, &lim, &xe, why, sizeof why);
    if (!doc)
        cosd_body_fail(err, 400, code, "The %s body is not valid XML: %s", what, why);
    return doc;
}

void cosd_delete_body_clear(cosd_delete_body_t *d)
{
    for (size_t i = 0; i < d->nkeys; i++)
        free(d->keys[i]);
    free(d->keys);
    memset(d, 0, sizeof *d);
}

bool cosd_body_delete(const char *xml, size_t len, cosd_delete_body_t *out, cosd_body_err_t *err)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = cosd_body_doc(xml, len, COSD_MAX_XML_BYTES, "MalformedXML", "Delete", err);
    if (!doc)
        return false;
    bool ok = false;
    xmlNodePtr root = cosx_xml_root(doc);
    size_t count = 0;
    if (!cosx_xml_is(root, "Delete")) {
        cosd_body_fail(err, 400, "MalformedXML",
                       "The body of POST ?delete must be a <Delete> document.");
        goto out;
    }
    for (xmlNodePtr o = cosx_xml_child(root, "Object"); o; o = cosx_xml_next(o, "Object")) {
        if (!cosx_xml_child_text(o, "Key")) {
            cosd_body_fail(err, 400, "MalformedXML", "Every <Object> of a <Delete> needs a <Key>.");
            goto out;
        }
        count++;
    }
    if (count > COSD_MAX_DELETE_KEYS) {
        cosd_body_fail(err, 400, "MalformedXML", "delete key size is greater than 1000");
        goto out;
    }
    if (count == 0) {
        cosd_body_fail(err, 400, "MalformedXML", "The <Delete> document names no <Object>.");
        goto out;
    }
    out->keys = calloc(count, sizeof *out->keys);
    if (!out->keys) {
        cosd_body_fail(err, 500, "InternalError", "Out of memory.");
        goto out;
    }
    for (xmlNodePtr o = cosx_xml_child(root, "Object"); o; o = cosx_xml_next(o, "Object")) {
        out->keys[out->nkeys] = strdup(cosx_xml_child_text(o, "Key"));
        if (!out->keys[out->nkeys]) {
            cosd_body_fail(err, 500, "InternalError", "Out of memory.");
            goto out;
        }
        out->nkeys++;
    }
    const char *q = cosx_xml_child_text(root, "Quiet");
    out->quiet = q && strcmp(q, "true") == 0;
    ok = true;
out:
    xmlFreeDoc(doc);
    if (!ok)
        cosd_delete_body_clear(out);
    return ok;
}

void cosd_complete_body_clear(cosd_complete_body_t *c)
{
    for (size_t i = 0; i < c->nparts; i++)
        free(c->parts[i].etag);
    free(c->parts);
    memset(c, 0, sizeof *c);
}

/* Checks one <Part> following part prev (0 for the first) and appends it to out. */
static bool complete_part(xmlNodePtr p, int prev, cosd_complete_body_t *out, cosd_body_err_t *err)
{
    const char *pn = cosx_xml_child_text(p, "PartNumber");
    const char *et = cosx_xml_child_text(p, "ETag");
    char *end = NULL;
    long num = pn && *pn ? strtol(pn, &end, 10) : 0;
    if (!pn || !*pn || *end || !et)
        return cosd_body_fail(err, 400, "MalformedXML",
                              "Every <Part> needs a numeric <PartNumber> and an <ETag>.");
    if (num <= prev)
        return cosd_body_fail(err, 400, "InvalidPartOrder",
                              "The list of parts was not in ascending order: part %ld follows "
                              "part %d. Parts must be listed by increasing PartNumber.",
                              num, prev);
    if (prev && num != prev + 1)
        return cosd_body_fail(err, 400, "InvalidPart",
                              "Part %d is missing from the list (part %ld follows part %d): the "
                              "part numbers of a Complete must be contiguous.",
                              prev + 1, num, prev);
    if (num > COSD_MAX_PART_NUMBER)
        return cosd_body_fail(err, 400, "InvalidPart",
                              "Part %ld was not uploaded: part numbers go from 1 to %d.", num,
                              COSD_MAX_PART_NUMBER);
    cosd_complete_part_t *cp = &out->parts[out->nparts];
    cp->etag = strdup(et);
    if (!cp->etag)
        return cosd_body_fail(err, 500, "InternalError", "Out of memory.");
    cp->number = (int)num;
    out->nparts++;
    return true;
}

bool cosd_body_complete(const char *xml, size_t len, cosd_complete_body_t *out,
                        cosd_body_err_t *err)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc =
        cosd_body_doc(xml, len, COSD_MAX_XML_BYTES, "MalformedXML", "CompleteMultipartUpload", err);
    if (!doc)
        return false;
    bool ok = false;
    xmlNodePtr root = cosx_xml_root(doc);
    size_t count = 0;
    if (!cosx_xml_is(root, "CompleteMultipartUpload")) {
        cosd_body_fail(err, 400, "MalformedXML",
                       "The body must be a <CompleteMultipartUpload> document.");
        goto out;
    }
    for (xmlNodePtr p = cosx_xml_child(root, "Part"); p; p = cosx_xml_next(p, "Part"))
        count++;
    if (count == 0 || count > COSD_MAX_PART_NUMBER) {
        cosd_body_fail(err, 400, "MalformedXML",
                       "The <CompleteMultipartUpload> document must list 1 to 10000 <Part>s.");
        goto out;
    }
    out->parts = calloc(count, sizeof *out->parts);
    if (!out->parts) {
        cosd_body_fail(err, 500, "InternalError", "Out of memory.");
        goto out;
    }
    int prev = 0;
    for (xmlNodePtr p = cosx_xml_child(root, "Part"); p; p = cosx_xml_next(p, "Part")) {
        if (!complete_part(p, prev, out, err))
            goto out;
        prev = out->parts[out->nparts - 1].number;
    }
    ok = true;
out:
    xmlFreeDoc(doc);
    if (!ok)
        cosd_complete_body_clear(out);
    return ok;
}
