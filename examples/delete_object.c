/* delete_object: the quick-start "delete an object" flow. Bucket from COS_BUCKET, key from
 * COS_OBJECT. */
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
    cos_table_t *resp_headers = NULL;
    int rc = 0;

    cos_pool_create(&p, NULL);
    options = cos_request_options_create(p);
    options->config = cos_config_create(options->pool);
    init_test_config(options->config, is_cname);
    options->ctl = cos_http_controller_create(options->pool, 0);
    cos_str_set(&bucket, example_env("COS_BUCKET"));

    cos_str_set(&object, example_env("COS_OBJECT"));
    s = cos_delete_object(options, &bucket, &object, &resp_headers);
    if (cos_status_is_ok(s)) {
        printf("delete object succeeded\n");
    } else {
        printf("delete object failed\n");
        example_print_status("delete object", s);
        rc = 1;
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
