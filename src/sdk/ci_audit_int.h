/* ci_audit_int.h: internal helpers shared by the audio moderation sources of libcos (prefix cii_):
 * request validation and XML writing, the JobsDetail reader, and small pool string helpers. */
#ifndef LIBCOS_CI_AUDIT_INT_H
#define LIBCOS_CI_AUDIT_INT_H

#include <libxml/tree.h>

#include "ci_audit.h"
#include "cosx_buf.h"

/* X(tag, &obj->scene_info) for each scene container of a jobs detail or a section. */
#define CII_SCENES(X, obj)                                                                         \
    X("PornInfo", &(obj)->porn_info)                                                               \
    X("TerrorismInfo", &(obj)->terrorism_info)                                                     \
    X("PoliticsInfo", &(obj)->politics_info)                                                       \
    X("AdsInfo", &(obj)->ads_info)                                                                 \
    X("IllegalInfo", &(obj)->illegal_info)                                                         \
    X("AbuseInfo", &(obj)->abuse_info)                                                             \
    X("TeenagerInfo", &(obj)->teenager_info)

/* A string field of a struct by element name: the UserInfo children (TokenId, Nickname, ...). */
typedef struct cii_field {
    const char *tag;
    size_t offset;
} cii_field_t;
extern const cii_field_t CII_USER_FIELDS[];
extern const size_t CII_N_USER_FIELDS;

int cii_audio_job_validate(const ci_audio_auditing_job_options_t *o, const char **why);
int cii_audio_job_body_xml(const ci_audio_auditing_job_options_t *o, cosx_buf_t *b);
void cii_set_str(cos_pool_t *p, cos_string_t *dst, const char *s);
int cii_atoi(const char *s);
void cii_scene_init(ci_audio_auditing_scene_info_t *s);
void cii_detail_init(ci_get_audio_auditing_jobs_detail_t *d);
void cii_jobs_detail_xml(cos_pool_t *p, xmlNodePtr jd, ci_get_audio_auditing_jobs_detail_t *d);
/* The body list as a parsed document (free with xmlFreeDoc), or NULL when empty or not XML. */
xmlDocPtr cii_parse_body(cos_pool_t *p, cos_list_t *bc);

#endif
