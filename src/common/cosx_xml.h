/* cosx_xml: safe XML for request and response bodies. Parsing is libxml2 with no network, no DTD (a
 * document with a DOCTYPE is refused), no entity expansion, and limits on size and depth; writing
 * is a small escaping writer into a cosx_buf. */
#ifndef COSX_XML_H
#define COSX_XML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "cosx_buf.h"

#define COSX_XML_DEFAULT_MAX_BYTES (1024 * 1024)
#define COSX_XML_DEFAULT_MAX_DEPTH 32

typedef struct cosx_xml_limits {
    size_t max_bytes; /* 0: COSX_XML_DEFAULT_MAX_BYTES */
    int max_depth;    /* 0: COSX_XML_DEFAULT_MAX_DEPTH */
} cosx_xml_limits_t;

typedef enum cosx_xml_error {
    COSX_XML_OK = 0,
    COSX_XML_TOO_LARGE, /* more bytes than max_bytes */
    COSX_XML_TOO_DEEP,  /* elements nested deeper than max_depth */
    COSX_XML_DTD,       /* a DOCTYPE / entity declaration */
    COSX_XML_MALFORMED, /* not well-formed XML, or empty */
    COSX_XML_NOMEM,
} cosx_xml_error_t;

/* Initialises libxml2 once per process, before threads parse (libcos and cosd call it at startup).
 */
void cosx_xml_init(void);

/* Parses data[0..n). Returns the document (free with xmlFreeDoc) or NULL with *err set and a
 * message a person can act on in why (if non-NULL). lim may be NULL for the defaults. */
xmlDocPtr cosx_xml_parse(const char *data, size_t n, const cosx_xml_limits_t *lim,
                         cosx_xml_error_t *err, char *why, size_t whylen);

/* Navigation over element nodes only. */
xmlNodePtr cosx_xml_root(xmlDocPtr doc);
/* First child element of parent named name (any name when name is NULL), or NULL. */
xmlNodePtr cosx_xml_child(xmlNodePtr parent, const char *name);
/* Next sibling element after node named name (any name when NULL), or NULL. */
xmlNodePtr cosx_xml_next(xmlNodePtr node, const char *name);
/* The text of an element ("" when empty); points into the document. */
const char *cosx_xml_text(xmlNodePtr node);
/* Text of the first child element named name, or NULL when there is no such child. */
const char *cosx_xml_child_text(xmlNodePtr parent, const char *name);
bool cosx_xml_is(xmlNodePtr node, const char *name);

/* Writer. Text and attribute values are escaped (& < > " '; control characters as &#xNN;). */
bool cosx_xml_escape(cosx_buf_t *out, const char *s, size_t n);
bool cosx_xml_decl(cosx_buf_t *out); /* <?xml version="1.0" encoding="UTF-8"?>\n */
bool cosx_xml_open(cosx_buf_t *out, const char *tag);
bool cosx_xml_close(cosx_buf_t *out, const char *tag);
/* <tag>escaped text</tag>; text NULL gives <tag></tag>. */
bool cosx_xml_elem(cosx_buf_t *out, const char *tag, const char *text);
bool cosx_xml_elemf(cosx_buf_t *out, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
