/* Unit tests of cosd_store: buckets, object rows and their blobs (replace, delete, copy sharing a
 * blob), ordered scans, accounts, and recovery of orphan files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cosd_store.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture {
    char dir[64];
    cosd_store_t *st;
} fixture_t;

static int rm_entry(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
    (void)sb;
    (void)f;
    (void)ftw;
    remove(p);
    return 0;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/cosd-store-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    char err[256];
    if (cosd_store_open(f->dir, 2, true, &f->st, err, sizeof err) != COSD_ST_OK)
        return -1;
    cosd_bucket_t b = {.name = "b-1250000000",
                       .appid = "1250000000",
                       .region = "ap-guangzhou",
                       .acl = "private",
                       .created = 1};
    if (cosd_store_bucket_create(f->st, &b) != COSD_ST_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cosd_store_close(f->st);
    nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int count_blobs(const char *dir)
{
    int n = 0;
    for (int i = 0; i < 256; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/blobs/%02x", dir, i);
        DIR *d = opendir(p);
        struct dirent *e;
        while (d && (e = readdir(d)))
            n += e->d_name[0] != '.';
        if (d)
            closedir(d);
    }
    return n;
}

/* Writes a blob with data and commits it as key. */
static void put(fixture_t *f, const char *key, const char *data)
{
    cosd_blob_writer_t w;
    assert_int_equal(cosd_blob_begin(f->st, &w), COSD_ST_OK);
    assert_int_equal(cosd_blob_write(&w, data, strlen(data)), COSD_ST_OK);
    assert_int_equal(cosd_blob_finish(f->st, &w), COSD_ST_OK);
    cosd_object_t o = {.key = (char *)key, .size = (int64_t)strlen(data), .mtime = 5};
    strcpy(o.etag, "00");
    strcpy(o.blob, w.id);
    assert_int_equal(cosd_store_object_put(f->st, "b-1250000000", &o), COSD_ST_OK);
}

static void read_back(fixture_t *f, const char *key, const char *want)
{
    cosd_object_t o;
    assert_int_equal(cosd_store_object_get(f->st, "b-1250000000", key, &o), COSD_ST_OK);
    int fd = cosd_blob_open(f->st, o.blob);
    assert_true(fd >= 0);
    char buf[256] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    assert_int_equal(n, (ssize_t)strlen(want));
    assert_string_equal(buf, want);
    assert_string_equal(o.content_type, "application/octet-stream");
    assert_string_equal(o.storage_class, "STANDARD");
    cosd_object_clear(&o);
}

static void test_buckets(void **state)
{
    fixture_t *f = *state;
    cosd_bucket_t b = {
        .name = "b-1250000000", .appid = "1250000000", .region = "r", .acl = "private"};
    assert_int_equal(cosd_store_bucket_create(f->st, &b), COSD_ST_EXISTS);
    cosd_bucket_t got;
    assert_int_equal(cosd_store_bucket_get(f->st, "b-1250000000", &got), COSD_ST_OK);
    assert_string_equal(got.region, "ap-guangzhou");
    assert_int_equal(cosd_store_bucket_get(f->st, "nope-1", &got), COSD_ST_NOTFOUND);
    put(f, "k", "v");
    assert_int_equal(cosd_store_bucket_delete(f->st, "b-1250000000"), COSD_ST_NOTEMPTY);
    assert_int_equal(cosd_store_bucket_delete(f->st, "nope-1"), COSD_ST_NOTFOUND);
    bool existed;
    assert_int_equal(cosd_store_object_delete(f->st, "b-1250000000", "k", &existed), COSD_ST_OK);
    assert_true(existed);
    assert_int_equal(cosd_store_object_delete(f->st, "b-1250000000", "k", &existed), COSD_ST_OK);
    assert_false(existed);
    assert_int_equal(cosd_store_object_delete(f->st, "nope-1", "k", &existed), COSD_ST_NOBUCKET);
    assert_int_equal(count_blobs(f->dir), 0);
}

static void test_replace_unlinks_old_blob(void **state)
{
    fixture_t *f = *state;
    put(f, "a", "first");
    put(f, "a", "second");
    read_back(f, "a", "second");
    assert_int_equal(count_blobs(f->dir), 1);
}

static void test_copy_shares_blob(void **state)
{
    fixture_t *f = *state;
    put(f, "src", "shared");
    cosd_object_t d = {.key = "dst", .content_type = "text/plain", .headers = "[]", .mtime = 9};
    assert_int_equal(cosd_store_object_copy(f->st, "b-1250000000", "src", "b-1250000000", &d),
                     COSD_ST_OK);
    assert_int_equal(d.size, 6);
    assert_int_equal(count_blobs(f->dir), 1);
    bool existed;
    cosd_store_object_delete(f->st, "b-1250000000", "src", &existed);
    assert_int_equal(count_blobs(f->dir), 1); /* still used by dst */
    cosd_object_t o;
    assert_int_equal(cosd_store_object_get(f->st, "b-1250000000", "dst", &o), COSD_ST_OK);
    assert_string_equal(o.content_type, "text/plain");
    cosd_object_clear(&o);
    cosd_store_object_delete(f->st, "b-1250000000", "dst", &existed);
    assert_int_equal(count_blobs(f->dir), 0);
    cosd_object_t d2 = {.key = "x", .content_type = "t", .headers = "[]"};
    assert_int_equal(cosd_store_object_copy(f->st, "b-1250000000", "gone", "b-1250000000", &d2),
                     COSD_ST_NOTFOUND);
}

typedef struct scan_acc {
    char keys[16][32];
    int n;
} scan_acc_t;

static bool on_obj(void *ctx, const cosd_object_t *o)
{
    scan_acc_t *a = ctx;
    snprintf(a->keys[a->n++], 32, "%s", o->key);
    return a->n < 16;
}

static void test_scan_order(void **state)
{
    fixture_t *f = *state;
    const char *keys[] = {"b", "a/2", "a/1", "\xc3\xa9", "Z", "a", NULL};
    for (int i = 0; keys[i]; i++)
        put(f, keys[i], "x");
    scan_acc_t acc = {0};
    assert_int_equal(
        cosd_store_object_scan(f->st, "b-1250000000", NULL, 0, NULL, 0, 100, on_obj, &acc),
        COSD_ST_OK);
    const char *want[] = {"Z", "a", "a/1", "a/2", "b", "\xc3\xa9"};
    assert_int_equal(acc.n, 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(acc.keys[i], want[i]);
    memset(&acc, 0, sizeof acc);
    cosd_store_object_scan(f->st, "b-1250000000", "a/", 2, "a/1", 3, 100, on_obj, &acc);
    assert_string_equal(acc.keys[0], "a/2");
    memset(&acc, 0, sizeof acc);
    cosd_store_object_scan(f->st, "b-1250000000", NULL, 0, "a/\xff", 3, 2, on_obj, &acc);
    assert_int_equal(acc.n, 2);
    assert_string_equal(acc.keys[0], "b");
}

static void test_recovery_removes_orphans(void **state)
{
    fixture_t *f = *state;
    put(f, "kept", "data");
    /* A finished but never committed blob, and a temp file. */
    cosd_blob_writer_t w;
    assert_int_equal(cosd_blob_begin(f->st, &w), COSD_ST_OK);
    cosd_blob_write(&w, "orphan", 6);
    assert_int_equal(cosd_blob_finish(f->st, &w), COSD_ST_OK);
    cosd_blob_writer_t t;
    assert_int_equal(cosd_blob_begin(f->st, &t), COSD_ST_OK);
    close(t.fd); /* left behind as by a crash */
    assert_int_equal(count_blobs(f->dir), 2);
    cosd_store_close(f->st);
    char err[256];
    assert_int_equal(cosd_store_open(f->dir, 2, true, &f->st, err, sizeof err), COSD_ST_OK);
    assert_int_equal(cosd_store_orphans_removed(f->st), 2);
    assert_int_equal(count_blobs(f->dir), 1);
    read_back(f, "kept", "data");
    /* One server per data dir. */
    cosd_store_t *second;
    assert_int_equal(cosd_store_open(f->dir, 1, true, &second, err, sizeof err), COSD_ST_ERROR);
    assert_non_null(strstr(err, "in use"));
}

static void test_accounts(void **state)
{
    fixture_t *f = *state;
    cosd_account_t a = {"1250000000", "AKIDx", "secret"};
    assert_int_equal(cosd_store_account_add(f->st, &a), COSD_ST_OK);
    cosd_account_t out[4];
    size_t n;
    assert_int_equal(cosd_store_accounts(f->st, out, 4, &n), COSD_ST_OK);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].secret_key, "secret");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_buckets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replace_unlinks_old_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_shares_blob, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_removes_orphans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accounts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
