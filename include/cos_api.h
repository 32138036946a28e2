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

/* ---- multipart upload ---- */
/* POST ?uploads; *upload_id receives the id (pool memory). Content-Type from the key unless given. */
COS_EXPORT cos_status_t *cos_init_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                                   const cos_string_t *object, cos_string_t *upload_id,
                                                   cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_init_multipart_upload_no_retry(const cos_request_options_t *options,
                                                            const cos_string_t *bucket, const cos_string_t *object,
                                                            cos_string_t *upload_id, cos_table_t *headers,
                                                            cos_table_t **resp_headers);
/* PUT ?partNumber&uploadId; the part ETag is in resp_headers["ETag"]; CRC-64 checked. */
COS_EXPORT cos_status_t *cos_upload_part_from_buffer(const cos_request_options_t *options, const cos_string_t *bucket,
                                                     const cos_string_t *object, const cos_string_t *upload_id,
                                                     int part_num, cos_list_t *buffer, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_upload_part_from_buffer(const cos_request_options_t *options,
                                                        const cos_string_t *bucket, const cos_string_t *object,
                                                        const cos_string_t *upload_id, int part_num,
                                                        cos_list_t *buffer, cos_progress_callback progress_callback,
                                                        cos_table_t *headers, cos_table_t *params,
                                                        cos_table_t **resp_headers, cos_list_t *resp_body);
/* Body = bytes [file_pos, file_last) of upload_file->filename. */
COS_EXPORT cos_status_t *cos_upload_part_from_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                                   const cos_string_t *object, const cos_string_t *upload_id,
                                                   int part_num, cos_upload_file_t *upload_file,
                                                   cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_upload_part_from_file(const cos_request_options_t *options,
                                                      const cos_string_t *bucket, const cos_string_t *object,
                                                      const cos_string_t *upload_id, int part_num,
                                                      cos_upload_file_t *upload_file,
                                                      cos_progress_callback progress_callback, cos_table_t *headers,
                                                      cos_table_t *params, cos_table_t **resp_headers,
                                                      cos_list_t *resp_body);
COS_EXPORT cos_status_t *cos_do_upload_part_from_file_no_retry(const cos_request_options_t *options,
                                                               const cos_string_t *bucket,
                                                               const cos_string_t *object,
                                                               const cos_string_t *upload_id, int part_num,
                                                               cos_upload_file_t *upload_file,
                                                               cos_progress_callback progress_callback,
                                                               cos_table_t *headers, cos_table_t *params,
                                                               cos_table_t **resp_headers, cos_list_t *resp_body);
/* POST ?uploadId with part_list (cos_complete_part_content_t, in the caller's order). A 200 whose body is
 * an <Error> or has no ETag fails with COSE_SERVICE_ERROR. */
COS_EXPORT cos_status_t *cos_complete_multipart_upload(const cos_request_options_t *options,
                                                       const cos_string_t *bucket, const cos_string_t *object,
                                                       const cos_string_t *upload_id, cos_list_t *part_list,
                                                       cos_table_t *headers, cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_complete_multipart_upload(const cos_request_options_t *options,
                                                          const cos_string_t *bucket, const cos_string_t *object,
                                                          const cos_string_t *upload_id, cos_list_t *part_list,
                                                          cos_table_t *headers, cos_table_t *params,
                                                          cos_table_t **resp_headers, cos_list_t *resp_body);
/* DELETE ?uploadId. */
COS_EXPORT cos_status_t *cos_abort_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                                    const cos_string_t *object, cos_string_t *upload_id,
                                                    cos_table_t **resp_headers);
/* GET ?uploadId; appends cos_list_part_content_t to params->part_list. */
COS_EXPORT cos_status_t *cos_list_upload_part(const cos_request_options_t *options, const cos_string_t *bucket,
                                              const cos_string_t *object, const cos_string_t *upload_id,
                                              cos_list_upload_part_params_t *params, cos_table_t **resp_headers);
/* GET /?uploads; appends cos_list_multipart_upload_content_t to params->upload_list. */
COS_EXPORT cos_status_t *cos_list_multipart_upload(const cos_request_options_t *options, const cos_string_t *bucket,
                                                   cos_list_multipart_upload_params_t *params,
                                                   cos_table_t **resp_headers);
/* PUT part with x-cos-copy-source (+ x-cos-copy-source-range when range_start and range_end != -1). */
COS_EXPORT cos_status_t *cos_upload_part_copy(const cos_request_options_t *options,
                                              cos_upload_part_copy_params_t *params, cos_table_t *headers,
                                              cos_table_t **resp_headers);
/* Sequential multipart upload of a file (parts >= max(part_size, 1 MiB), at most 10000); upload_id->data
 * NULL starts a new upload, else parts already stored with the same size and MD5 are kept. Completes. */
COS_EXPORT cos_status_t *cos_upload_file(cos_request_options_t *options, const cos_string_t *bucket,
                                         const cos_string_t *object, cos_string_t *upload_id,
                                         cos_string_t *filename, int64_t part_size, cos_table_t *headers);
/* Ranged GET of [file_pos, file_last) written at that offset of filename (created if missing, never
 * truncated). */
COS_EXPORT cos_status_t *cos_download_part_to_file(const cos_request_options_t *options, const cos_string_t *bucket,
                                                   const cos_string_t *object, cos_upload_file_t *download_file,
                                                   cos_table_t **resp_headers);
COS_EXPORT cos_status_t *cos_do_download_part_to_file(const cos_request_options_t *options,
                                                      const cos_string_t *bucket, const cos_string_t *object,
                                                      cos_upload_file_t *download_file,
                                                      cos_progress_callback progress_callback, cos_table_t *headers,
                                                      cos_table_t *params, cos_table_t **resp_headers);
/* Sequential part copy of copy_source ("<bucket>-<appid>.<endpoint host>/<key>", sized with HEAD) into
 * dest (parts >= max(part_size, 1 MiB), at most 10000); the upload is aborted on failure. */
COS_EXPORT cos_status_t *cos_upload_object_by_part_copy(cos_request_options_t *options, const cos_string_t *copy_source,
                                                        const cos_string_t *dest_bucket,
                                                        const cos_string_t *dest_object, int64_t part_size);

/* ---- resumable (parallel) transfers ---- */
/* Multipart upload of filepath with clt_params->thread_num parts in flight (part size at least 1 MiB,
 * grown to fit 10000 parts); with enable_checkpoint a killed upload resumes only the missing parts
 * (journal at checkpoint_path or "<filepath>.cp"); without it a failed upload is aborted. Progress is
 * reported on the caller's thread once per finished part. resp_headers: the Complete (or Initiate)
 * headers. clt_params must not be NULL. */
COS_EXPORT cos_status_t *cos_resumable_upload_file(cos_request_options_t *options, cos_string_t *bucket,
                                                   cos_string_t *object, cos_string_t *filepath,
                                                   cos_table_t *headers, cos_table_t *params,
                                                   cos_resumable_clt_params_t *clt_params,
                                                   cos_progress_callback progress_callback,
                                                   cos_table_t **resp_headers, cos_list_t *resp_body);
/* Parallel ranged download into "<filepath>.tmp" (parts of at least 4 MiB written in place), CRC-64 of
 * the whole object checked, then renamed to filepath. */
COS_EXPORT cos_status_t *cos_resumable_download_file(cos_request_options_t *options, cos_string_t *bucket,
                                                     cos_string_t *object, cos_string_t *filepath,
                                                     cos_table_t *headers, cos_table_t *params,
                                                     cos_resumable_clt_params_t *clt_params,
                                                     cos_progress_callback progress_callback);
/* The same with a progress callback that also receives user_data (not in the official SDK). */
typedef void (*cos_progress_callback_ex)(int64_t consumed_bytes, int64_t total_bytes, void *user_data);
COS_EXPORT cos_status_t *cos_resumable_upload_file_with_data(cos_request_options_t *options, cos_string_t *bucket,
                                                             cos_string_t *object, cos_string_t *filepath,
                                                             cos_table_t *headers, cos_table_t *params,
                                                             cos_resumable_clt_params_t *clt_params,
                                                             cos_progress_callback_ex progress_callback,
                                                             void *user_data, cos_table_t **resp_headers,
                                                             cos_list_t *resp_body);
COS_EXPORT cos_status_t *cos_resumable_download_file_with_data(cos_request_options_t *options, cos_string_t *bucket,
                                                               cos_string_t *object, cos_string_t *filepath,
                                                               cos_table_t *headers, cos_table_t *params,
                                                               cos_resumable_clt_params_t *clt_params,
                                                               cos_progress_callback_ex progress_callback,
                                                               void *user_data);

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
