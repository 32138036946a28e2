/* cosd_mp_util: helpers shared by the multipart integration tests of cosd (cmocka assertions on
 * failure). Requests go to the bucket BUCKET of the harness account. */
#ifndef COSD_MP_UTIL_H
#define COSD_MP_UTIL_H

#include <stddef.h>

#include "cosd_client.h"
#include "cosd_fixture.h"

#define BUCKET "multi-1250000000"
#define MIB    (1024 * 1024)

/* tc_xml with &quot; turned back into '"' (cosd escapes the quotes of ETags). */
const char *xml_text(const tc_resp_t *rs, const char *tag, char *out, size_t cap);
/* n pseudo-random bytes (malloc'ed). */
char *random_data(size_t n, unsigned seed);
/* Number of files under DATA/sub (recursively). */
int data_file_count(const cosd_harness_t *h, const char *sub);
/* Number of blob files in the data dir. */
int blob_count(const cosd_harness_t *h);
/* A signed request on BUCKET. */
tc_resp_t req(const cosd_harness_t *h, const char *method, const char *key, const char *query,
              const void *body, size_t n, const char *const *headers);
/* Initiates an upload of key; the upload id into id. */
void mp_init(const cosd_harness_t *h, const char *key, const char *const *headers, char id[128]);
/* Uploads part n (checking its ETag and CRC64 when 200); returns the status, the quoted ETag in
 * etag. */
long mp_part(const cosd_harness_t *h, const char *key, const char *id, int n, const void *data,
             size_t len, char etag[64]);
tc_resp_t mp_complete(const cosd_harness_t *h, const char *key, const char *id, const char *xml);
/* <CompleteMultipartUpload> listing parts nums[i] with etags[i]. */
void complete_xml(char *out, size_t cap, const int *nums, char (*etags)[64], size_t n);
/* The expected multipart ETag: MD5 of the binary part MD5s, "-N". */
void multipart_etag(const char *const *datas, const size_t *lens, size_t n, char out[64]);
/* List Parts status (200, or 404 NoSuchUpload asserted). */
long list_parts_status(const cosd_harness_t *h, const char *key, const char *id);
/* Completes a two-part object (1 MiB + tail) at key; returns its data (free it). */
char *make_object(const cosd_harness_t *h, const char *key, size_t tail, unsigned seed,
                  size_t *len);
/* Asserts that GET key answers 200 with exactly d. */
void expect_body(const cosd_harness_t *h, const char *key, const char *d, size_t n);

#endif
