/* cosx_crc64: CRC-64/XZ (ECMA-182, reflected) as used by x-cos-hash-crc64ecma (COS_PROTOCOL 8).
 * The CRC itself comes from ISA-L; combine (for multipart objects) uses zlib-style GF(2) matrices.
 */
#ifndef COSX_CRC64_H
#define COSX_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC: cosx_crc64(cosx_crc64(0, a), b) == CRC of a followed by b. Start with 0. */
uint64_t cosx_crc64(uint64_t crc, const void *buf, size_t len);
/* CRC of A followed by B from crc1 = CRC(A), crc2 = CRC(B) and len2 = |B| in bytes. */
uint64_t cosx_crc64_combine(uint64_t crc1, uint64_t crc2, uint64_t len2);

#endif
