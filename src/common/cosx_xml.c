/* cosx_xml.c: safe XML parsing on libxml2 and a small escaping writer. A DOCTYPE stops the parser
 * at once (so entity declarations are never processed), the network is off, entities are never
 * substituted, and size and nesting depth are bounded before and after parsing. */
#include "cosx_xml.h"

#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t whylen, const char *fmt, ...)
{
    if (!why || whylen == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
}

typedef struct parse_state {
    bool saw_dtd;
} parse_state_t;

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
                               const xmlChar *sys_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    ((parse_state_t *)ctxt->_private)->saw_dtd = true;
    xmlStopParser(ctxt);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                           const xmlChar *system_id, xmlChar *content)
{
    xmlParserCtxtPtr ctxt = ctx;
    ((parse_state_t *)ctxt->_private)->saw_dtd = true;
    xmlStopParser(ctxt);
}

static int depth_of(xmlNodePtr node, int depth, int max)
{
    int deepest = depth;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (depth + 1 > max) {
            return depth + 1;
        }
        int d = depth_of(c, depth + 1, max);
        if (d > deepest) {
            deepest = d;
        }
        if (deepest > max) {
            break;
        }
    }
    return deepest;
}

void cosx_xml_init(void)
{
    xmlInitParser();
}

xmlDocPtr cosx_xml_parse(const char *data, size_t n, const cosx_xml_limits_t *lim,
                         cosx_xml_error_t *err, char *why, size_t whylen)
{
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : COSX_XML_DEFAULT_MAX_BYTES;
    int max_depth = lim && lim->max_depth ? lim->max_depth : COSX_XML_DEFAULT_MAX_DEPTH;
    cosx_xml_error_t dummy;
    if (!err) {
        err = &dummy;
    }
    *err = COSX_XML_OK;
    if (n > max_bytes) {
        *err = COSX_XML_TOO_LARGE;
        say(why, whylen, "the XML body is %zu bytes; the limit is %zu bytes", n, max_bytes);
        return NULL;
    }
    if (!data || n == 0) {
        *err = COSX_XML_MALFORMED;
        say(why, whylen, "the XML body is empty");
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        *err = COSX_XML_NOMEM;
        say(why, whylen, "out of memory");
        return NULL;
    }
    parse_state_t st = {false};
    ctxt->_private = &st;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->externalSubset = NULL;
    int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
               XML_PARSE_NOBLANKS;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)n, NULL, NULL, opts);
    if (st.saw_dtd || (doc && (doc->intSubset || doc->extSubset))) {
        *err = COSX_XML_DTD;
        say(why, whylen, "XML bodies must not contain a DOCTYPE or entity declarations");
        goto fail;
    }
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        *err = COSX_XML_MALFORMED;
        if (e && e->message) {
            char msg[160];
            snprintf(msg, sizeof(msg), "%s", e->message);
            size_t l = strlen(msg);
            while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' ')) {
                msg[--l] = '\0';
            }
            if (e->code == XML_ERR_INTERNAL_ERROR && strstr(msg, "depth")) {
                *err = COSX_XML_TOO_DEEP;
            }
            say(why, whylen, "the XML body is not well-formed (line %d: %s)", e->line, msg);
        } else {
            say(why, whylen, "the XML body is not well-formed");
        }
        goto fail;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        *err = COSX_XML_MALFORMED;
        say(why, whylen, "the XML body has no root element");
        goto fail;
    }
    if (depth_of(root, 1, max_depth) > max_depth) {
        *err = COSX_XML_TOO_DEEP;
        say(why, whylen, "the XML body nests elements deeper than %d levels", max_depth);
        goto fail;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
fail:
    if (doc) {
        xmlFreeDoc(doc);
    }
    xmlFreeParserCtxt(ctxt);
    return NULL;
}

xmlNodePtr cosx_xml_root(xmlDocPtr doc)
{
    return doc ? xmlDocGetRootElement(doc) : NULL;
}

bool cosx_xml_is(xmlNodePtr node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE &&
           (!name || strcmp((const char *)node->name, name) == 0);
}

xmlNodePtr cosx_xml_next(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr n = node ? node->next : NULL; n; n = n->next) {
        if (cosx_xml_is(n, name)) {
            return n;
        }
    }
    return NULL;
}

xmlNodePtr cosx_xml_child(xmlNodePtr parent, const char *name)
{
    if (!parent) {
        return NULL;
    }
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (cosx_xml_is(n, name)) {
            return n;
        }
    }
    return NULL;
}

const char *cosx_xml_text(xmlNodePtr node)
{
    if (!node) {
        return NULL;
    }
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            return (const char *)c->content;
        }
    }
    return "";
}

const char *cosx_xml_child_text(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c = cosx_xml_child(parent, name);
    return c ? cosx_xml_text(c) : NULL;
}

bool cosx_xml_escape(cosx_buf_t *out, const char *s, size_t n)
{
    size_t run = 0; /* start of the pending run of bytes that need no escaping */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        char num[8];
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&apos;";
            break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                snprintf(num, sizeof(num), "&#x%X;", c);
                rep = num;
            }
        }
        if (rep) {
            cosx_buf_append(out, s + run, i - run);
            cosx_buf_puts(out, rep);
            run = i + 1;
        }
    }
    cosx_buf_append(out, s + run, n - run);
    return cosx_buf_ok(out);
}

bool cosx_xml_decl(cosx_buf_t *out)
{
    return cosx_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

bool cosx_xml_open(cosx_buf_t *out, const char *tag)
{
    return cosx_buf_printf(out, "<%s>", tag);
}

bool cosx_xml_close(cosx_buf_t *out, const char *tag)
{
    return cosx_buf_printf(out, "</%s>", tag);
}

bool cosx_xml_elem(cosx_buf_t *out, const char *tag, const char *text)
{
    cosx_xml_open(out, tag);
    if (text) {
        cosx_xml_escape(out, text, strlen(text));
    }
    return cosx_xml_close(out, tag);
}

bool cosx_xml_elemf(cosx_buf_t *out, const char *tag, const char *fmt, ...)
{
    cosx_buf_t tmp = COSX_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    cosx_buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    bool ok = cosx_buf_ok(&tmp) && cosx_xml_elem(out, tag, cosx_buf_str(&tmp));
    cosx_buf_free(&tmp);
    return ok;
}
