/* list_objects: the quick-start "list objects" flow, printing every key with its size, page by page.
 * Bucket from COS_BUCKET, optional prefix from COS_PREFIX. */
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
    cos_list_object_params_t *list_params = NULL;
    cos_string_t bucket;
    cos_table_t *resp_headers = NULL;
    int rc = 0;

    cos_pool_create(&p, NULL);
    options = cos_request_options_create(p);
    options->config = cos_config_create(options->pool);
    init_test_config(options->config, is_cname);
    options->ctl = cos_http_controller_create(options->pool, 0);
    cos_str_set(&bucket, example_env("COS_BUCKET"));

    list_params = cos_create_list_object_params(p);
    const char *prefix = getenv("COS_PREFIX");
    if (prefix != NULL) {
        cos_str_set(&list_params->prefix, prefix);
    }
    int count = 0;
    while (list_params->truncated) {
        s = cos_list_object(options, &bucket, list_params, &resp_headers);
        if (!cos_status_is_ok(s)) {
            printf("list object failed\n");
            example_print_status("list object", s);
            rc = 1;
            break;
        }
        cos_list_object_content_t *content = NULL;
        cos_list_for_each_entry(cos_list_object_content_t, content, &list_params->object_list, node) {
            printf("%.*s\t%.*s\n", content->key.len, content->key.data, content->size.len, content->size.data);
            count++;
        }
        /* Next page: re-init the result list and continue from next_marker. */
        cos_list_init(&list_params->object_list);
        cos_list_init(&list_params->common_prefix_list);
        list_params->marker = list_params->next_marker;
    }
    if (rc == 0) {
        printf("list object succeeded: %d objects\n", count);
    }
    cos_pool_destroy(p);
    cos_http_io_deinitialize();
    return rc;
}
