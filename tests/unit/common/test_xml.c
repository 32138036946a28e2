/* Unit tests of src/common/cosx_xml.c: parsing of request bodies, refusal of billion-laughs,
 * external entities, DOCTYPEs, over-deep and over-large documents, and the escaping writer round
 * trip. */
#include "../test_util.h"

#include "cosx_xml.h"

static xmlDocPtr parse(const char *s, const cosx_xml_limits_t *lim, cosx_xml_error_t *err,
                       char *why)
{
    return cosx_xml_parse(s, strlen(s), lim, err, why, 256);
}

static void test_parse_delete_body(void **state)
{
    const char *body = "<Delete><Quiet>true</Quiet><Object><Key>a&amp;b.txt</Key></Object>"
                       "<Object><Key><![CDATA[x<y]]></Key><VersionId/></Object></Delete>";
    cosx_xml_error_t err;
    char why[256];
    xmlDocPtr doc = parse(body, NULL, &err, why);
    assert_non_null(doc);
    assert_int_equal(err, COSX_XML_OK);
    xmlNodePtr root = cosx_xml_root(doc);
    assert_true(cosx_xml_is(root, "Delete"));
    assert_string_equal(cosx_xml_child_text(root, "Quiet"), "true");
    xmlNodePtr o = cosx_xml_child(root, "Object");
    assert_string_equal(cosx_xml_child_text(o, "Key"), "a&b.txt");
    o = cosx_xml_next(o, "Object");
    assert_non_null(o);
    assert_string_equal(cosx_xml_child_text(o, "Key"), "x<y");
    assert_string_equal(cosx_xml_child_text(o, "VersionId"), "");
    assert_null(cosx_xml_child_text(o, "Missing"));
    assert_null(cosx_xml_next(o, "Object"));
    xmlFreeDoc(doc);
    /* With a declaration, as COS itself sends. */
    doc = parse("<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>NoSuchKey</Code></Error>",
                NULL, &err, why);
    assert_non_null(doc);
    assert_string_equal(cosx_xml_child_text(cosx_xml_root(doc), "Code"), "NoSuchKey");
    xmlFreeDoc(doc);
}

static void test_refuses_billion_laughs(void **state)
{
    const char *bomb =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        "]>\n<Delete><Object><Key>&lol4;</Key></Object></Delete>";
    cosx_xml_error_t err;
    char why[256] = "";
    assert_null(parse(bomb, NULL, &err, why));
    assert_int_equal(err, COSX_XML_DTD);
    assert_non_null(strstr(why, "DOCTYPE"));
}

static void test_refuses_external_entities(void **state)
{
    const char *xxe =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<Delete><Object><Key>&x;</Key></Object></Delete>";
    cosx_xml_error_t err;
    char why[256];
    assert_null(parse(xxe, NULL, &err, why));
    assert_int_equal(err, COSX_XML_DTD);
    const char *ext =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://127.0.0.1:9/x.dtd\"><d/>";
    assert_null(parse(ext, NULL, &err, why));
    assert_int_equal(err, COSX_XML_DTD);
    /* An undeclared entity is simply not well-formed. */
    assert_null(parse("<d>&x;</d>", NULL, &err, why));
    assert_int_equal(err, COSX_XML_MALFORMED);
}

static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 7 + 1);
    size_t n = 0;
    for (int i = 0; i < depth; i++) {
        memcpy(s + n, "<a>", 3);
        n += 3;
    }
    for (int i = 0; i < depth; i++) {
        memcpy(s + n, "</a>", 4);
        n += 4;
    }
    s[n] = '\0';
    return s;
}

static void test_depth_limit(void **state)
{
    cosx_xml_error_t err;
    char why[256];
    char *ok = nested(COSX_XML_DEFAULT_MAX_DEPTH);
    xmlDocPtr doc = parse(ok, NULL, &err, why);
    assert_non_null(doc);
    xmlFreeDoc(doc);
    free(ok);
    char *deep = nested(COSX_XML_DEFAULT_MAX_DEPTH + 1);
    assert_null(parse(deep, NULL, &err, why));
    assert_int_equal(err, COSX_XML_TOO_DEEP);
    free(deep);
    char *very = nested(100000);
    assert_null(parse(very, NULL, &err, why));
    assert_int_equal(err, COSX_XML_TOO_DEEP);
    free(very);
    cosx_xml_limits_t lim = {0, 3};
    assert_null(parse("<a><b><c><d/></c></b></a>", &lim, &err, why));
    assert_int_equal(err, COSX_XML_TOO_DEEP);
}

static void test_size_limit_and_malformed(void **state)
{
    cosx_xml_error_t err;
    char why[256];
    cosx_xml_limits_t lim = {64, 0};
    char big[200];
    memset(big, 'x', sizeof(big));
    memcpy(big, "<a>", 3);
    memcpy(big + sizeof(big) - 5, "</a>", 5);
    assert_null(parse(big, &lim, &err, why));
    assert_int_equal(err, COSX_XML_TOO_LARGE);
    assert_non_null(strstr(why, "64"));
    assert_null(cosx_xml_parse("", 0, NULL, &err, why, sizeof(why)));
    assert_int_equal(err, COSX_XML_MALFORMED);
    const char *bad[] = {"<a>", "<a></b>", "not xml", "<a>x</a><b/>", "<a x='1' x='2'/>"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(parse(bad[i], NULL, &err, why));
        assert_int_equal(err, COSX_XML_MALFORMED);
        assert_non_null(strstr(why, "not well-formed"));
    }
}

static void test_writer_roundtrip(void **state)
{
    const char *nasty = "a&b<c>d\"e'f \xe8\x85\xbe\xe8\xae\xaf/\t";
    cosx_buf_t b = COSX_BUF_INIT;
    cosx_xml_decl(&b);
    cosx_xml_open(&b, "ListBucketResult");
    cosx_xml_elem(&b, "Name", nasty);
    cosx_xml_elemf(&b, "MaxKeys", "%d", 1000);
    cosx_xml_elem(&b, "Marker", NULL);
    cosx_xml_close(&b, "ListBucketResult");
    assert_true(cosx_buf_ok(&b));
    assert_non_null(strstr(cosx_buf_str(&b), "a&amp;b&lt;c&gt;d&quot;e&apos;f"));
    cosx_xml_error_t err;
    char why[256];
    xmlDocPtr doc = cosx_xml_parse(b.data, b.len, NULL, &err, why, sizeof(why));
    assert_non_null(doc);
    xmlNodePtr root = cosx_xml_root(doc);
    assert_string_equal(cosx_xml_child_text(root, "Name"), nasty);
    assert_string_equal(cosx_xml_child_text(root, "MaxKeys"), "1000");
    assert_string_equal(cosx_xml_child_text(root, "Marker"), "");
    xmlFreeDoc(doc);
    /* Control characters are written as character references, never raw. */
    cosx_buf_reset(&b);
    cosx_xml_escape(&b, "a\x01z", 3);
    assert_string_equal(cosx_buf_str(&b), "a&#x1;z");
    cosx_buf_free(&b);
}

int main(void)
{
    cosx_xml_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_delete_body),
        cmocka_unit_test(test_refuses_billion_laughs),
        cmocka_unit_test(test_refuses_external_entities),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_size_limit_and_malformed),
        cmocka_unit_test(test_writer_roundtrip),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
