/* cos_crc64.h: CRC-64/ECMA (the x-cos-hash-crc64ecma checksum of COS), with the names and shapes of
 * the official C SDK: continue a running CRC over a buffer, and combine the CRCs of two pieces. */
#ifndef LIBCOS_CRC64_H
#define LIBCOS_CRC64_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CRC of buf[0..len) continuing crc (start with 0): cos_crc64(cos_crc64(0, a), b) is the CRC of
 * a||b. */
uint64_t cos_crc64(uint64_t crc, void *buf, size_t len);
/* Same result as cos_crc64 (kept for source compatibility with big-endian builds). */
uint64_t cos_crc64_big(uint64_t crc, void *buf, size_t len);
/* CRC of A||B from crc1 = CRC(A), crc2 = CRC(B) and len2 = |B| bytes. */
uint64_t cos_crc64_combine(uint64_t crc1, uint64_t crc2, uintmax_t len2);

#ifdef __cplusplus
}
#endif

#endif
