/* ci_audit.h: CI audio moderation for libcos: submit an audio auditing job for an object or URL,
 * query its result, and parse the callback CI (or cosd) posts when a job ends. Not in the official
 * C SDK; it follows the conventions of its video auditing calls (pool allocation, cos_string_t,
 * cos_list_t). */
#ifndef LIBCOS_CI_AUDIT_H
#define LIBCOS_CI_AUDIT_H

#include "cos_buf.h"
#include "cos_define.h"
#include "cos_list.h"
#include "cos_status.h"
#include "cos_string.h"
#include "cos_sys_define.h"

COS_CPP_START

/* Input.UserInfo (request) and JobsDetail.UserInfo (response); each field at most 128 bytes. */
typedef struct {
    cos_string_t token_id;
    cos_string_t nickname;
    cos_string_t device_id;
    cos_string_t app_id;
    cos_string_t room;
    cos_string_t ip;
    cos_string_t type;
    cos_string_t receive_token_id;
    cos_string_t gender;
    cos_string_t level;
    cos_string_t role;
} ci_auditing_user_info_t;

/* Conf.Freeze: decimal text 0..100; an empty string leaves the element out. Freezing applies only
 * when the input is an object: it is frozen when the scene's score reaches the value. */
typedef struct {
    cos_string_t porn_score;
    cos_string_t ads_score;
    cos_string_t terrorism_score;
    cos_string_t politics_score;
    cos_string_t illegal_score;
    cos_string_t abuse_score;
    cos_string_t teenager_score;
} ci_auditing_freeze_conf_t;

/* One <Keywords> element. */
typedef struct {
    cos_list_t node;
    cos_string_t keyword;
} ci_auditing_keyword_t;

/* One LibResults entry: LibType 1 system library, 2 custom library. */
typedef struct {
    cos_list_t node;
    int lib_type;
    cos_string_t lib_name;
    cos_list_t keywords; /* ci_auditing_keyword_t */
} ci_auditing_lib_result_t;

/* One ListInfo.ListResults entry: ListType 0 allow list, 1 block list. */
typedef struct {
    cos_list_t node;
    int list_type;
    cos_string_t list_name;
    cos_string_t entity;
} ci_auditing_list_result_t;

typedef struct {
    cos_list_t list_results; /* ci_auditing_list_result_t */
} ci_auditing_list_info_t;

/* PornInfo, AdsInfo, ... of a job or a section. present is 0 when the scene was not audited. */
typedef struct {
    int present;
    int hit_flag; /* 0 normal, 1 violating, 2 suspected */
    int score;    /* 0..100 */
    cos_string_t label;
    cos_string_t category;
    cos_string_t sub_label;
    cos_list_t keywords;    /* ci_auditing_keyword_t */
    cos_list_t lib_results; /* ci_auditing_lib_result_t */
} ci_audio_auditing_scene_info_t;

/* ---- submit ---- */
typedef struct {
    cos_string_t biz_type;         /* policy id; empty: the default policy */
    cos_string_t detect_type;      /* legacy scene list "Porn,Ads"; omitted when empty */
    cos_string_t callback;         /* http(s) URL receiving the result */
    cos_string_t callback_version; /* "Simple" (default) or "Detail" */
    int callback_type;             /* 1 all sections, 2 violating sections only; 0 omits it */
    ci_auditing_freeze_conf_t freeze;
} ci_audio_auditing_job_conf_t;

typedef struct {
    cos_string_t input_object; /* exactly one of input_object / input_url */
    cos_string_t input_url;
    cos_string_t input_data_id; /* at most 512 bytes, echoed back */
    ci_auditing_user_info_t input_user_info;
    ci_audio_auditing_job_conf_t job_conf;
} ci_audio_auditing_job_options_t;

typedef struct {
    cos_string_t job_id;
    cos_string_t state;
    cos_string_t creation_time;
    cos_string_t object;
    cos_string_t url;
    cos_string_t data_id;
} ci_audio_auditing_jobs_detail_t;

typedef struct {
    ci_audio_auditing_jobs_detail_t jobs_detail;
    cos_string_t request_id;
} ci_audio_auditing_job_result_t;

/* ---- query ---- */
typedef struct {
    cos_list_t node;
    cos_string_t url; /* the section's audio, a link valid about 2 hours */
    cos_string_t text;
    int offset_time; /* ms from the start */
    int duration;    /* ms */
    cos_string_t label;
    cos_string_t sub_label;
    int result;
    ci_audio_auditing_scene_info_t porn_info, terrorism_info, politics_info, ads_info, illegal_info,
        abuse_info, teenager_info;
} ci_audio_auditing_section_t;

typedef struct {
    cos_string_t code; /* when State is Failed: the failure code, e.g. "-65007" */
    cos_string_t message;
    cos_string_t job_id;
    cos_string_t state; /* Submitted, Auditing, Success, Failed */
    cos_string_t creation_time;
    cos_string_t object;
    cos_string_t url;
    cos_string_t data_id;
    cos_string_t audio_text;
    cos_string_t label;
    cos_string_t sub_label;
    int result;       /* 0 normal, 1 violating, 2 suspected */
    int forbid_state; /* 0 not frozen, 1 frozen, 2 moved */
    ci_audio_auditing_scene_info_t porn_info, terrorism_info, politics_info, ads_info, illegal_info,
        abuse_info, teenager_info;
    cos_list_t section_list; /* ci_audio_auditing_section_t */
    ci_auditing_user_info_t user_info;
    ci_auditing_list_info_t list_info;
    cos_string_t bucket_id; /* Detail callback only */
    cos_string_t region;    /* Detail callback only */
} ci_get_audio_auditing_jobs_detail_t;

typedef struct {
    ci_get_audio_auditing_jobs_detail_t jobs_detail;
    cos_string_t nonexist_job_ids;
    cos_string_t request_id;
} ci_get_audio_auditing_job_result_t;

/* ---- callback ---- */
typedef struct {
    int is_detail; /* 1: Detail body (JSON or XML), 0: Simple JSON body */
    int code;      /* Simple: "code" (0 success); Detail: 0 */
    cos_string_t message;
    cos_string_t event;                              /* "ReviewAudio" */
    ci_get_audio_auditing_jobs_detail_t jobs_detail; /* both formats mapped here */
    cos_table_t *cos_headers; /* the object's x-cos-meta-* headers, or NULL */
} ci_audio_auditing_callback_t;

/* Submits an audio moderation job for an object of bucket or a URL (exactly one of
 * job_options->input_object / input_url). options->config->endpoint is the CI endpoint
 * (https://ci.<region>.myqcloud.com; for a local cosd, a ci.<region>.myqcloud.com endpoint routed to
 * it with cos_set_request_route). Invalid options fail before any I/O with COSE_INVALID_ARGUMENT /
 * "ClientError". On success *job_result holds the JobId and State; on failure it is NULL. */
COS_EXPORT cos_status_t *ci_create_audio_auditing_job(const cos_request_options_t *options,
                                                      const cos_string_t *bucket,
                                                      const ci_audio_auditing_job_options_t *job_options,
                                                      cos_table_t *headers, cos_table_t **resp_headers,
                                                      ci_audio_auditing_job_result_t **job_result);

/* Queries a job: its State and, once Success, the verdict with every section. *job_result is NULL on
 * failure. */
COS_EXPORT cos_status_t *ci_get_audio_auditing_job(const cos_request_options_t *options,
                                                   const cos_string_t *bucket, const cos_string_t *job_id,
                                                   cos_table_t *headers, cos_table_t **resp_headers,
                                                   ci_get_audio_auditing_job_result_t **job_result);

/* Zeroed options allocated from p. */
COS_EXPORT ci_audio_auditing_job_options_t *ci_audio_auditing_job_options_create(cos_pool_t *p);

/* Parses a callback body (Simple or Detail JSON, or XML shaped like the query response); the body
 * need not be NUL-terminated. Returns COSE_OK, COSE_INVALID_ARGUMENT (NULL or empty body) or
 * COSE_XML_PARSE_ERROR (malformed or unrecognised body). Everything is allocated from p. */
COS_EXPORT int ci_audio_auditing_callback_parse(cos_pool_t *p, const char *body, int64_t body_len,
                                                ci_audio_auditing_callback_t *result);

/* Request body and response parsing, used by the calls and by tests. The builders return COSE_OK or
 * COSE_INVALID_ARGUMENT (with a reason in *why when why is not NULL). */
COS_EXPORT int build_audio_auditing_job_body(cos_pool_t *p,
                                             const ci_audio_auditing_job_options_t *params,
                                             cos_list_t *body, const char **why);
COS_EXPORT int ci_audio_auditing_result_parse_from_body(cos_pool_t *p, cos_list_t *bc,
                                                        ci_audio_auditing_job_result_t *res);
COS_EXPORT int
ci_get_audio_auditing_result_parse_from_body(cos_pool_t *p, cos_list_t *bc,
                                             ci_get_audio_auditing_job_result_t *res);

COS_CPP_END

#endif
