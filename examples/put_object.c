/* put_object: the quick-start "upload an object from a file" flow. Bucket from COS_BUCKET, key from
 * COS_OBJECT, local file from COS_FILE. */
#include "example_env.h"

int main(void)
{
    if (cos_http_io_initialize(NULL, 0) != COSE_OK) {
        exit(1);
    }
    cos_pool_t *p = NULL;
    int is_cname = example_is_cname();
    cos_status_t *s = NULL;
    cos_request_options_t *options = NULL;
    cos_string_t bucket;
    cos_string_t object;
    cos_string_t file;
    cos_table_t *resp_headers = NULL;
    int rc = 0;

    cos_pool_create(&p, NULL);
    options = cos_request_options_create(p);
    options->config = cos_config_create(options->pool);
    init_test_config(options->config, is_cname);
    options->ctl = cos_http_controller_create(options->pool, 0);
    cos_str_set(&bucket, example_env("COS_BUCKET"));

    cos_str_set(&file, example_env("COS_FILE"));
    cos_str_set(&object, example_env("COS_OBJECT"));
    s = cos_put_object_from_file(options, &bucket, &object, &file, NULL, &resp_headers);
    if (cos_status_is_ok(s)) {
        printf("put object succeeded, ETag %s\n", apr_table_get(resp_headers, "ETag"));
    } else {
        printf("put object failed\n");
        example_print_status("put object", s);
        rc = 1;
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
