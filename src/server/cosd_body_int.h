/* cosd_body_int: helpers shared by the request body parsers (cosd_body.c, cosd_ci_request.c): an
 * error with a formatted message, and parsing the bytes with a size limit. */
#ifndef COSD_BODY_INT_H
#define COSD_BODY_INT_H

#include <libxml/tree.h>

#include "cosd_body.h"

/* Fills err; always returns false. */
bool cosd_body_fail(cosd_body_err_t *err, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The document, or NULL with err = 400 code "The <what> body is not valid XML: <why>".
 * max_bytes 0 means the XML parser's default limit. */
xmlDocPtr cosd_body_doc(const char *xml, size_t len, size_t max_bytes, const char *code,
                        const char *what, cosd_body_err_t *err);

#endif
