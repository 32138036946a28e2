/* Unit tests of the libcos core types: memory pool (children, cleanups), cos_string_t helpers,
 * tables (order, case-insensitive keys, set/unset), lists, body buffers, file buffers and statuses. */
#include "../test_util.h"

#include <errno.h>
#include <unistd.h>

#include "cos_api.h"
#include "cos_http_io.h"
#include "cos_log.h"

static int cleanup_calls;
static void count_cleanup(void *data)
{
    cleanup_calls += *(int *)data;
}

static void test_pool(void **state)
{
    cos_pool_t *root = NULL, *child = NULL, *grand = NULL;
    assert_int_equal(cos_pool_create(&root, NULL), COSE_OK);
    assert_int_equal(cos_pool_create(&child, root), COSE_OK);
    assert_int_equal(cos_pool_create(&grand, child), COSE_OK);
    /* Alignment and size: small and large allocations are usable and aligned. */
    for (size_t n = 1; n < 70000; n = n * 3 + 1) {
        unsigned char *m = cos_palloc(child, n);
        assert_non_null(m);
        assert_int_equal((uintptr_t)m % 8, 0);
        memset(m, 0xab, n);
    }
    unsigned char *z = cos_pcalloc(grand, 5000);
    for (int i = 0; i < 5000; i++) {
        assert_int_equal(z[i], 0);
    }
    static int one = 1, ten = 10;
    cleanup_calls = 0;
    assert_int_equal(cos_pool_cleanup_register(grand, &one, count_cleanup), COSE_OK);
    assert_int_equal(cos_pool_cleanup_register(child, &ten, count_cleanup), COSE_OK);
    cos_pool_destroy(child); /* destroys grand too */
    assert_int_equal(cleanup_calls, 11);
    char *s = cos_psprintf(root, "%s-%d-%.*s", "a", 42, 2, "xyz");
    assert_string_equal(s, "a-42-xy");
    assert_string_equal(cos_pstrndup(root, "hello", 3), "hel");
    assert_string_equal(apr_psprintf(root, "%" APR_INT64_T_FMT, (int64_t)-5), "-5");
    cos_pool_destroy(root);
    cos_pool_destroy(NULL);
}

static void test_string(void **state)
{
    cos_string_t lit = cos_string("abc");
    assert_int_equal(lit.len, 3);
    cos_string_t nul = cos_null_string;
    assert_true(cos_is_null_string(&nul));
    assert_true(cos_is_null_string(NULL));
    cos_string_t s;
    if (1)
        cos_str_set(&s, "  padded\t ");
    assert_int_equal(s.len, 10);
    cos_strip_space(&s);
    assert_int_equal(s.len, 6);
    assert_memory_equal(s.data, "padded", 6);
    cos_string_t q;
    cos_str_set(&q, "\"etag\"");
    cos_unquote_str(&q);
    assert_int_equal(q.len, 4);
    assert_memory_equal(q.data, "etag", 4);
    cos_string_t name, suffix;
    cos_str_set(&name, "photo.jpg");
    cos_str_set(&suffix, ".jpg");
    assert_true(cos_ends_with(&name, &suffix));
    cos_str_set(&suffix, ".png");
    assert_false(cos_ends_with(&name, &suffix));
    assert_true(starts_with(&name, "photo"));
    assert_false(starts_with(&name, "photos"));
    cos_str_null(&s);
    assert_null(s.data);
    char enc[64], dec[64];
    assert_int_equal(cos_url_encode(enc, "a b/c~", -1), COSE_OK);
    assert_string_equal(enc, "a%20b%2Fc~");
    assert_int_equal(cos_url_decode("a%20b+c", dec), COSE_OK);
    assert_string_equal(dec, "a b c");
    assert_true(cos_atoi64("-9000000000") == -9000000000LL);
    assert_true(cos_atoui64("18446744073709551615") == UINT64_MAX);
}

static void test_table(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_table_t *t = cos_table_make(p, 1);
    assert_true(cos_is_empty_table(t));
    char key[16] = "X-Cos-Meta-A";
    cos_table_add(t, key, "1");
    strcpy(key, "changed");             /* add copies */
    cos_table_add(t, "x-cos-meta-a", "2"); /* duplicates kept */
    cos_table_add(t, "Content-Type", "text/plain");
    cos_table_add_int(t, "n", 7);
    cos_table_add_int64(t, "big", 5000000000LL);
    assert_false(cos_is_empty_table(t));
    assert_string_equal(cos_table_get(t, "X-COS-META-A"), "1");
    assert_string_equal(apr_table_get(t, "content-type"), "text/plain");
    assert_string_equal(cos_table_get(t, "big"), "5000000000");
    const cos_array_header_t *a = cos_table_elts(t);
    assert_int_equal(a->nelts, 5);
    assert_int_equal(a->elt_size, (int)sizeof(cos_table_entry_t));
    assert_string_equal(((cos_table_entry_t *)a->elts)[1].val, "2");
    assert_string_equal(((cos_table_entry_t *)(a->elts + 2 * a->elt_size))->key, "Content-Type");
    /* set replaces every entry of the key, in place of the first. */
    apr_table_set(t, "X-COS-META-A", "3");
    a = cos_table_elts(t);
    assert_int_equal(a->nelts, 4);
    assert_string_equal(((cos_table_entry_t *)a->elts)[0].val, "3");
    cos_table_unset(t, "n");
    assert_null(cos_table_get(t, "n"));
    cos_table_set_int64(t, "big", -1);
    assert_string_equal(cos_table_get(t, "big"), "-1");
    for (int i = 0; i < 100; i++) {
        cos_table_add_int(t, "grow", i);
    }
    assert_int_equal(cos_table_elts(t)->nelts, 103);
    apr_table_clear(t);
    assert_true(apr_is_empty_table(t));
    assert_null(cos_table_get(t, "big"));
    cos_pool_destroy(p);
}

typedef struct {
    cos_list_t node;
    int v;
} item_t;

static void test_list(void **state)
{
    cos_list_t head = cos_list_head_init(head);
    assert_true(cos_list_empty(&head));
    assert_null(cos_list_get_first(&head, item_t, node));
    item_t items[4];
    for (int i = 0; i < 4; i++) {
        items[i].v = i;
        cos_list_add_tail(&items[i].node, &head);
    }
    int sum = 0, order = 0;
    item_t *it, *n;
    cos_list_for_each_entry(item_t, it, &head, node) {
        assert_int_equal(it->v, order++);
        sum += it->v;
    }
    assert_int_equal(sum, 6);
    order = 3;
    cos_list_for_each_entry_reverse(item_t, it, &head, node) {
        assert_int_equal(it->v, order--);
    }
    cos_list_for_each_entry_safe(item_t, it, n, &head, node) {
        if (it->v % 2 == 0) {
            cos_list_del(&it->node);
        }
    }
    assert_int_equal(cos_list_get_first(&head, item_t, node)->v, 1);
    assert_int_equal(cos_list_get_last(&head, item_t, node)->v, 3);
    cos_list_t other;
    cos_list_init(&other);
    cos_list_movelist(&head, &other);
    assert_true(cos_list_empty(&head));
    assert_int_equal(cos_list_get_first(&other, item_t, node)->v, 1);
    cos_list_movelist(&head, &other); /* moving an empty list empties the target */
    assert_true(cos_list_empty(&other));
}

static void test_buf(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_list_t body;
    cos_list_init(&body);
    const char *hello = "hello ";
    cos_buf_t *b1 = cos_buf_pack(p, hello, 6);
    assert_ptr_equal(b1->pos, hello); /* no copy */
    cos_list_add_tail(&b1->node, &body);
    cos_buf_t *b2 = cos_create_buf(p, 2);
    assert_int_equal(cos_buf_size(b2), 0);
    cos_buf_append_string(p, b2, "world", 5);
    cos_buf_append_string(p, b2, "!", 1);
    assert_int_equal(cos_buf_size(b2), 6);
    cos_list_add_tail(&b2->node, &body);
    assert_int_equal(cos_buf_list_len(&body), 12);
    assert_string_equal(cos_buf_list_content(p, &body), "hello world!");
    cos_pool_destroy(p);
}

static void test_file_buf(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    char path[] = "/tmp/test_sdk_core_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    cos_file_buf_t *fb = cos_create_file_buf(p);
    assert_int_equal(cos_open_file_for_all_read(p, path, fb), COSE_OK);
    assert_true(fb->file_pos == 0 && fb->file_last == 10);
    cos_file_buf_t *rb = cos_create_file_buf(p);
    assert_int_equal(cos_open_file_for_range_read(p, path, 2, 5, rb), COSE_OK);
    assert_true(rb->file_pos == 2 && rb->file_last == 5);
    cos_file_buf_t *missing = cos_create_file_buf(p);
    assert_int_equal(cos_open_file_for_read(p, "/nonexistent/dir/file", missing), COSE_OPEN_FILE_ERROR);
    assert_int_equal(errno, ENOENT);
    cos_pool_destroy(p); /* closes the files */
    unlink(path);
}

static void test_status(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_status_t *s = cos_status_create(p);
    assert_int_equal(s->code, 0);
    assert_false(cos_status_is_ok(s));
    cos_status_set(s, 204, NULL, NULL);
    assert_true(cos_status_is_ok(s));
    cos_status_set(s, COSE_INVALID_ARGUMENT, COS_CLIENT_ERROR_CODE, "bad");
    assert_false(cos_status_is_ok(s));
    cos_status_t *d = cos_status_dup(p, s);
    assert_int_equal(d->code, COSE_INVALID_ARGUMENT);
    assert_string_equal(d->error_code, "ClientError");
    assert_ptr_not_equal(d->error_msg, s->error_msg);

    const char *xml = "<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>NoSuchKey</Code>"
                      "<Message>The specified key does not exist.</Message><RequestId>req-1</RequestId></Error>";
    cos_list_t body;
    cos_list_init(&body);
    cos_buf_t *b = cos_buf_pack(p, xml, (int)strlen(xml));
    cos_list_add_tail(&b->node, &body);
    s = cos_status_parse_from_body(p, &body, 404, NULL);
    assert_int_equal(s->code, 404);
    assert_string_equal(s->error_code, "NoSuchKey");
    assert_string_equal(s->error_msg, "The specified key does not exist.");
    assert_string_equal(s->req_id, "req-1");

    cos_list_t junk;
    cos_list_init(&junk);
    b = cos_buf_pack(p, "<html>oops", 10);
    cos_list_add_tail(&b->node, &junk);
    s = cos_status_parse_from_body(p, &junk, 502, NULL);
    assert_string_equal(s->error_code, "UnknownError");
    cos_list_t empty;
    cos_list_init(&empty);
    s = cos_status_parse_from_body(p, &empty, 403, NULL);
    assert_string_equal(s->error_code, "UnknownError");
    s = cos_status_parse_from_body(p, &body, 200, NULL);
    assert_int_equal(s->code, 200);
    assert_null(s->error_code);

    cos_status_t r = {503, NULL, NULL, NULL};
    assert_true(cos_should_retry(&r));
    r.code = 404;
    assert_false(cos_should_retry(&r));
    r.error_code = (char *)"-998"; /* COSE_FAILED_CONNECT */
    assert_true(cos_should_retry(&r));
    r.code = 200;
    assert_false(cos_should_retry(&r));
    assert_false(cos_should_retry(NULL));
    cos_pool_destroy(p);
}

static void test_constructors(void **state)
{
    cos_pool_t *p;
    cos_pool_create(&p, NULL);
    cos_request_options_t *o = cos_request_options_create(p);
    assert_ptr_equal(o->pool, p);
    assert_null(o->config);
    o->config = cos_config_create(o->pool);
    assert_int_equal(o->config->retry_times, 3);
    assert_int_equal(o->config->retry_interval_us, 100000);
    o->ctl = cos_http_controller_create(o->pool, 0);
    assert_int_equal(o->ctl->options->enable_md5, COS_TRUE);
    assert_int_equal(o->ctl->options->enable_crc, COS_TRUE);
    assert_int_equal(o->ctl->options->connect_timeout, 10);
    cos_http_controller_t *other = cos_http_controller_create(p, 0);
    cos_set_content_md5_enable(o->ctl, COS_FALSE);
    cos_set_request_route(o->ctl, "192.168.1.2", 8080);
    /* Settings live in the controller they were set on. */
    assert_int_equal(o->ctl->options->enable_md5, COS_FALSE);
    assert_int_equal(other->options->enable_md5, COS_TRUE);
    assert_null(other->options->host_ip);
    assert_string_equal(o->ctl->options->host_ip, "192.168.1.2");
    assert_int_equal(cos_default_http_request_options->enable_md5, COS_TRUE);

    cos_list_object_params_t *lp = cos_create_list_object_params(p);
    assert_int_equal(lp->max_ret, 1000);
    assert_int_equal(lp->truncated, 1);
    assert_true(cos_list_empty(&lp->object_list));
    assert_int_equal(lp->prefix.len, 0);
    assert_non_null(lp->prefix.data);
    cos_get_service_params_t *sp = cos_create_get_service_params(p);
    assert_int_equal(sp->all_region, 1);
    cos_upload_part_copy_params_t *pc = cos_create_upload_part_copy_params(p);
    assert_true(pc->range_start == -1 && pc->range_end == -1);
    assert_non_null(pc->rsp_content);
    cos_list_object_content_t *c = cos_create_list_object_content(p);
    assert_null(c->key.data);
    assert_true(cos_list_empty(&c->node));
    cos_resumable_clt_params_t *rp = cos_create_resumable_clt_params_content(p, 1 << 20, 0, 0, "/x.cp");
    assert_int_equal(rp->thread_num, 1);
    assert_null(rp->checkpoint_path.data);
    assert_string_equal(cos_get_content_type_by_suffix("a/b.JPG"), "image/jpeg");
    assert_string_equal(cos_get_content_type_by_suffix("dir.d/noext"), "application/octet-stream");
    cos_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool),   cmocka_unit_test(test_string),   cmocka_unit_test(test_table),
        cmocka_unit_test(test_list),   cmocka_unit_test(test_buf),      cmocka_unit_test(test_file_buf),
        cmocka_unit_test(test_status), cmocka_unit_test(test_constructors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
