/* cosx_crc64.c: CRC-64/XZ through ISA-L's crc64_ecma_refl (which continues a finished CRC, so chaining
 * needs no extra inversion), and crc64_combine with the GF(2) operator-squaring method of zlib. */
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

/* mat * vec over GF(2): XOR of the columns selected by the bits of vec. */
static uint64_t gf2_times(const uint64_t *mat, uint64_t vec)
{
    uint64_t sum = 0;
    for (int i = 0; vec; i++, vec >>= 1) {
        if (vec & 1) {
            sum ^= mat[i];
        }
    }
    return sum;
}

static void gf2_square(uint64_t *square, const uint64_t *mat)
{
    for (int n = 0; n < 64; n++) {
        square[n] = gf2_times(mat, mat[n]);
    }
}

uint64_t cosx_crc64_combine(uint64_t crc1, uint64_t crc2, uint64_t len2)
{
    if (len2 == 0) {
        return crc1;
    }
    uint64_t even[64], odd[64];
    /* odd: the operator that feeds one zero bit into the CRC register. */
    odd[0] = POLY_REFLECTED;
    uint64_t row = 1;
    for (int n = 1; n < 64; n++) {
        odd[n] = row;
        row <<= 1;
    }
    gf2_square(even, odd); /* two zero bits */
    gf2_square(odd, even); /* four zero bits */
    /* Apply len2 zero bytes to crc1: first squaring gives one byte (8 bits), and so on. */
    do {
        gf2_square(even, odd);
        if (len2 & 1) {
            crc1 = gf2_times(even, crc1);
        }
        len2 >>= 1;
        if (len2 == 0) {
            break;
        }
        gf2_square(odd, even);
        if (len2 & 1) {
            crc1 = gf2_times(odd, crc1);
        }
        len2 >>= 1;
    } while (len2 != 0);
    return crc1 ^ crc2;
}
