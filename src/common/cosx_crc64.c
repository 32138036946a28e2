/* cosx_crc64.c: CRC-64/XZ through ISA-L's crc64_ecma_refl (which continues a finished CRC, so
 * chaining needs no extra inversion), and crc64_combine by polynomial arithmetic modulo the CRC
 * polynomial (the method of current zlib's crc32_combine: O(log n) carry-less products, no
 * matrices). */
#include "cosx_crc64.h"

#include <isa-l/crc64.h>

#define POLY_REFLECTED 0xC96C5795D7870F42ULL

uint64_t cosx_crc64(uint64_t crc, const void *buf, size_t len)
{
    if (len == 0) {
        return crc;
    }
    return crc64_ecma_refl(crc, (const unsigned char *)buf, (uint64_t)len);
}

/* Multiplication of two polynomials modulo the CRC polynomial, in the reflected bit order of the
 * CRC (bit 63 is x^0). */
static uint64_t multmodp(uint64_t a, uint64_t b)
{
    uint64_t m = 1ULL << 63, p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0) {
                break;
            }
        }
        m >>= 1;
        b = (b & 1) ? (b >> 1) ^ POLY_REFLECTED : b >> 1;
    }
    return p;
}

uint64_t cosx_crc64_combine(uint64_t crc1, uint64_t crc2, uint64_t len2)
{
    if (len2 == 0) {
        return crc1;
    }
    /* Appending len2 zero bytes to A multiplies its CRC register by x^(8 * len2) mod P; compute
     * that power by square-and-multiply (O(log len2) products, no tables), then add the CRC of B.
     */
    uint64_t xp = 1ULL << 62; /* x^1 */
    for (int i = 0; i < 3; i++) {
        xp = multmodp(xp, xp); /* x^8: one byte */
    }
    uint64_t p = 1ULL << 63; /* x^0 */
    for (;;) {
        if (len2 & 1) {
            p = multmodp(xp, p);
        }
        len2 >>= 1;
        if (len2 == 0) {
            break;
        }
        xp = multmodp(xp, xp);
    }
    return multmodp(p, crc1) ^ crc2;
}
