/* create_bucket: the quick-start "create a bucket" flow. Bucket name from COS_BUCKET
 * (BucketName-APPID); connection settings from the environment (example_env.h). */
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
    cos_acl_e cos_acl = COS_ACL_PRIVATE;
    cos_string_t bucket;
    cos_table_t *resp_headers = NULL;
    int rc = 0;

    cos_pool_create(&p, NULL);
    options = cos_request_options_create(p);
    options->config = cos_config_create(options->pool);
    init_test_config(options->config, is_cname);
    options->ctl = cos_http_controller_create(options->pool, 0);
    cos_str_set(&bucket, example_env("COS_BUCKET"));

    s = cos_create_bucket(options, &bucket, cos_acl, &resp_headers);
    if (cos_status_is_ok(s)) {
        printf("create bucket succeeded\n");
    } else {
        printf("create bucket failed\n");
        example_print_status("create bucket", s);
        rc = 1;
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
