/* fuzz_xml: fuzz target for the safe XML parser of src/common (cosx_xml_parse) and the navigation
 * helpers; every accepted document is walked, and the escaping writer's output must always parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cosx_xml.h"

static void walk(xmlNodePtr n, int depth)
{
    for (xmlNodePtr c = cosx_xml_child(n, NULL); c; c = cosx_xml_next(c, NULL)) {
        (void)cosx_xml_text(c);
        if (depth < 64) {
            walk(c, depth + 1);
        }
    }
}

static int valid_utf8_no_nul(const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = s[i];
        size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (c == 0 || len == 0 || i + len > n || (c >= 0xc0 && c < 0xc2) || c > 0xf4) {
            return 0;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }
        }
        if (len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0))) {
            return 0;
        }
        if (len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90))) {
            return 0;
        }
        if (len == 3 && c == 0xef && s[i + 1] == 0xbf && (s[i + 2] == 0xbe || s[i + 2] == 0xbf)) {
            return 0; /* U+FFFE / U+FFFF are not XML characters */
        }
        i += len;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cosx_xml_error_t err;
    char why[256];
    xmlDocPtr doc = cosx_xml_parse((const char *)data, size, NULL, &err, why, sizeof(why));
    if (doc) {
        walk(cosx_xml_root(doc), 0);
        xmlFreeDoc(doc);
    }
    /* Any valid UTF-8 text without control characters survives escape + parse unchanged. */
    int plain = valid_utf8_no_nul(data, size);
    for (size_t i = 0; plain && i < size; i++) {
        plain = data[i] >= 0x20 || data[i] == '\t' || data[i] == '\n';
    }
    if (plain && size > 0 && size < 4096) {
        cosx_buf_t b = COSX_BUF_INIT;
        cosx_xml_open(&b, "K");
        cosx_xml_escape(&b, (const char *)data, size);
        cosx_xml_close(&b, "K");
        doc = cosx_xml_parse(b.data, b.len, NULL, &err, why, sizeof(why));
        if (!doc) {
            abort();
        }
        const char *t = cosx_xml_text(cosx_xml_root(doc));
        /* libxml2 normalises CR LF; the input has no CR. */
        if (strlen(t) != size || memcmp(t, data, size) != 0) {
            abort();
        }
        xmlFreeDoc(doc);
        cosx_buf_free(&b);
    }
    return 0;
}
