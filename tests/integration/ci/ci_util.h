/* ci_util: the shared fixture of the CI integration tests (a cosd with moderation workers, a
 * callback receiver, Festival-spoken audio) and helpers to submit, poll and fetch. */
#ifndef CI_UTIL_H
#define CI_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "ci_receiver.h"
#include "cosd_client.h"
#include "cosx_xml.h"

#define BUCKET "audit-1250000000"
#define CIHOST BUCKET ".ci.ap-guangzhou.myqcloud.com"
#define BIZ    "b81d45f94b91a683255e9a9506f45a11"

typedef struct fixture {
    cosd_harness_t h;
    ci_receiver_t rcv;
    char *dir;
    char *ads; /* "promo code ... free shipping" (Ads, violating) */
    size_t ads_len;
    char *mixed; /* a clean sentence, a pause, then the ads sentence: two sections */
    size_t mixed_len;
    char *clean;
    size_t clean_len;
    char *shortc; /* "Use this promo code." (1.6 s, Ads) for the load test */
    size_t shortc_len;
    char round_trip_job[40]; /* a finished job, queried again after the restart */
} fixture_t;

/* cmocka group setup / teardown: audio, configuration, receiver, cosd (--workers 2), bucket. */
int ci_setup(void **state);
int ci_teardown(void **state);
void ci_post(fixture_t *fx, const char *xml, tc_resp_t *rs);
void ci_get(fixture_t *fx, const char *job, tc_resp_t *rs);
void put_object(fixture_t *fx, const char *key, const void *data, size_t n, const char *meta);
long get_object(fixture_t *fx, const char *key, char *code, size_t cap);
void submit(fixture_t *fx, const char *xml, char job[40]);
void wait_job(fixture_t *fx, const char *job, int timeout_s, tc_resp_t *rs);
void expect_error(fixture_t *fx, const char *xml, long status, const char *code);
xmlNodePtr jobs_detail(xmlDocPtr doc);
const char *child(xmlNodePtr n, const char *name);
long fetch_url(fixture_t *fx, const char *url, cosx_buf_t *body, char *ctype, size_t cap);

#endif
