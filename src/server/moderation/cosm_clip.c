/* cosm_clip: packs a section's PCM into a self-contained WAV file (RIFF, 16 kHz mono 16-bit)
 * that the job layer stores and serves as Section.Url. */
#include "cosm_internal.h"

#include <stdlib.h>
#include <string.h>

static void put_le(uint8_t *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint8_t *cosm_wav_bytes(const int16_t *pcm, size_t n, size_t *len)
{
    if (n > (UINT32_MAX - 44) / 2)
        return NULL;
    size_t data = n * 2;
    uint8_t *b = malloc(44 + data);
    if (!b)
        return NULL;
    memcpy(b, "RIFF", 4);
    put_le(b + 4, (uint32_t)(36 + data), 4);
    memcpy(b + 8, "WAVEfmt ", 8);
    put_le(b + 16, 16, 4);            /* fmt chunk size */
    put_le(b + 20, 1, 2);             /* PCM */
    put_le(b + 22, 1, 2);             /* mono */
    put_le(b + 24, COSM_RATE, 4);     /* sample rate */
    put_le(b + 28, COSM_RATE * 2, 4); /* byte rate */
    put_le(b + 32, 2, 2);             /* block align */
    put_le(b + 34, 16, 2);            /* bits per sample */
    memcpy(b + 36, "data", 4);
    put_le(b + 40, (uint32_t)data, 4);
    for (size_t i = 0; i < n; i++)
        put_le(b + 44 + 2 * i, (uint16_t)pcm[i], 2);
    *len = 44 + data;
    return b;
}
