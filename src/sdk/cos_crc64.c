/* cos_crc64.c: the public CRC-64/ECMA calls of libcos (cos_crc64.h), thin wrappers over the shared
 * core's ISA-L based CRC and GF(2) combine. */
#include "cos_crc64.h"
#include "cos_export.h"

#include "cosx_crc64.h"

COS_EXPORT uint64_t cos_crc64(uint64_t crc, void *buf, size_t len)
{
    return cosx_crc64(crc, buf, len);
}

COS_EXPORT uint64_t cos_crc64_big(uint64_t crc, void *buf, size_t len)
{
    return cosx_crc64(crc, buf, len);
}

COS_EXPORT uint64_t cos_crc64_combine(uint64_t crc1, uint64_t crc2, uintmax_t len2)
{
    return cosx_crc64_combine(crc1, crc2, (uint64_t)len2);
}
