/* cos_api.h: the operations of libcos on the service, buckets and objects, presigned and plain object
 * URLs. Every operation allocates its results from options->pool and returns a non-NULL status. */
#ifndef LIBCOS_API_H
#define LIBCOS_API_H

#include "cos_sys_define.h"
#include "cos_string.h"
#include "cos_status.h"
#include "cos_define.h"
#include "cos_utility.h"
#include "ci_audit.h"
#include "cos_sys_util.h"

COS_CPP_START

/* ---- service ---- */
COS_EXPORT cos_status_t *cos_get_service(const cos_request_options_t *options, cos_get_service_params_t *params,
                                         cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_get_service(const cos_request_options_t *options, cos_get_service_params_t *params,
                                            cos_table_t *header, cos_table_t **resp_headers);

/* ---- bucket ---- */
COS_EXPORT cos_status_t *cos_create_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                           cos_acl_e cos_acl, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_create_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                              cos_acl_e cos_acl, cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_delete_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                           cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_delete_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                              cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_head_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                         cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_head_bucket(const cos_request_options_t *options, const cos_string_t *bucket,
                                            cos_table_t *header, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_check_bucket_exist(const cos_request_options_t *options, const cos_string_t *bucket,
                                                cos_bucket_exist_status_e *bucket_exist, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_list_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                         cos_list_object_params_t *params, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_list_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                            cos_table_t *headers, cos_list_object_params_t *params,
                                            cos_table_t **resp_headers);

/* ---- object ---- */
COS_EXPORT cos_status_t *cos_put_object_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                                    const cos_string_t *object, cos_list_t *buffer,
                                                    cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_put_object_from_buffer(const cos_request_options_t *options,
                                                       const cos_string_t *bucket, const cos_string_t *object,
                                                       cos_list_t *buffer, cos_table_t *headers, cos_table_t *params,
                                                       cos_progress_callback progress_callback,
                                                       cos_table_t **resp_headers, cos_list_t *resp_body);
COS_EXPORT cos_status_t *cos_put_object_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                                  const cos_string_t *object, const cos_string_t *filename,
                                                  cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_put_object_from_file(const cos_request_options_t *options,
                                                     const cos_string_t *bucket, const cos_string_t *object,
                                                     const cos_string_t *filename, cos_table_t *headers,
                                                     cos_table_t *params, cos_progress_callback progress_callback,
                                                     cos_table_t **resp_headers, cos_list_t *resp_body);
COS_EXPORT cos_status_t *cos_get_object_to_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                                  const cos_string_t *object, cos_table_t *headers,
                                                  cos_table_t *params, cos_list_t *buffer,
                                                  cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_get_object_to_buffer(const cos_request_options_t *options,
                                                     const cos_string_t *bucket, const cos_string_t *object,
                                                     cos_table_t *headers, cos_table_t *params, cos_list_t *buffer,
                                                     cos_progress_callback progress_callback,
                                                     cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_get_object_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                                const cos_string_t *object, cos_table_t *headers,
                                                cos_table_t *params, cos_string_t *filename,
                                                cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_get_object_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                                   const cos_string_t *object, cos_table_t *headers,
                                                   cos_table_t *params, cos_string_t *filename,
                                                   cos_progress_callback progress_callback,
                                                   cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_head_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                         const cos_string_t *object, cos_table_t *headers,
                                         cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_check_object_exist(const cos_request_options_t *options, const cos_string_t *bucket,
                                                const cos_string_t *object, cos_table_t *headers,
                                                cos_object_exist_status_e *object_exist,
                                                cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_delete_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                           const cos_string_t *object, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_delete_object(const cos_request_options_t *options, const cos_string_t *bucket,
                                              const cos_string_t *object, cos_table_t *headers,
                                              cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_delete_objects(const cos_request_options_t *options, const cos_string_t *bucket,
                                            cos_list_t *object_list, int is_quiet, cos_table_t **resp_headers,
                                            cos_list_t *deleted_object_list);
COS_EXPORT cos_status_t *cos_do_delete_objects(const cos_request_options_t *options, const cos_string_t *bucket,
                                               cos_list_t *object_list, int is_quiet, cos_table_t *headers,
                                               cos_table_t **resp_headers, cos_list_t *deleted_object_list);
COS_EXPORT cos_status_t *cos_delete_objects_by_prefix(cos_request_options_t *options, const cos_string_t *bucket,
                                                      const cos_string_t *prefix);
COS_EXPORT cos_status_t *cos_copy_object(const cos_request_options_t *options, const cos_string_t *src_bucket,
                                         const cos_string_t *src_object, const cos_string_t *src_endpoint,
                                         const cos_string_t *dest_bucket, const cos_string_t *dest_object,
                                         cos_table_t *headers, cos_copy_object_params_t *copy_object_param,
                                         cos_table_t **resp_headers);

/* ---- URLs ---- */
COS_EXPORT int cos_gen_presigned_url(const cos_request_options_t *options, const cos_string_t *bucket,
                                     const cos_string_t *object, const int64_t expire, http_method_e method,
                                     cos_string_t *presigned_url);
COS_EXPORT int cos_gen_presigned_url_safe(const cos_request_options_t *options, const cos_string_t *bucket,
                                          const cos_string_t *object, const int64_t expire, http_method_e method,
                                          cos_table_t *headers, cos_table_t *params, int sign_host,
                                          cos_string_t *presigned_url);
COS_EXPORT const char *cos_gen_object_url(const cos_request_options_t *options, const cos_string_t *bucket,
                                          const cos_string_t *object);

COS_CPP_END

#endif
