/* cosd_sink: a request body streamed into a new blob (PUT Object, Upload Part): Content-Length /
 * chunked and Content-MD5 checks before, MD5 + CRC64 + length while the body flows, and the length
 * and digest checks at the end, each failure answered with its COS error. */
#ifndef COSD_SINK_H
#define COSD_SINK_H

#include "cosd_server.h"
#include "cosd_store.h"
#include "cosx_digest.h"

typedef struct cosd_sink {
    cosd_blob_writer_t w;
    bool writing; /* the temporary blob exists and must be finished or aborted */
    cosx_digest_t *md5;
    uint64_t crc;
    uint64_t size;
    int64_t declared; /* Content-Length or -1 */
    bool has_md5;
    unsigned char want_md5[COSX_MD5_LEN];
    const char *entity; /* "object" or "part", for messages */
} cosd_sink_t;

/* Checks Content-Length (or chunked), its 5 GB limit and Content-MD5, then opens the temporary blob
 * and sets r's body limit. what names the operation in messages ("PUT Object"). Replies and returns
 * false on failure. */
bool cosd_sink_begin(cosd_req_t *r, cosd_sink_t *u, const char *what, const char *entity,
                     const char *too_large_hint);
/* Appends a piece of the body; fails the request (false) when it passes Content-Length or the disk
 * refuses it. */
bool cosd_sink_write(cosd_req_t *r, cosd_sink_t *u, const char *data, size_t n);
/* At the end of the body: checks the length against Content-Length and the MD5 against Content-MD5,
 * writes the MD5 to md5. Replies and returns false on failure. */
bool cosd_sink_check(cosd_req_t *r, cosd_sink_t *u, unsigned char md5[COSX_MD5_LEN]);
/* Removes the temporary blob if still open and frees the digest. */
void cosd_sink_release(cosd_sink_t *u);

#endif
