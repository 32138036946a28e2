/* cosx_encode.c: enc() of the COS signature (unreserved A-Z a-z 0-9 - _ . ~, everything else %XX
 * with uppercase hex), path encoding, percent/form decoding, hex, and base64 through OpenSSL's EVP
 * block codec. */
#include "cosx_encode.h"

#include <openssl/evp.h>
#include <string.h>

static const char HEX_UPPER[] = "0123456789ABCDEF";
static const char HEX_LOWER[] = "0123456789abcdef";

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

static bool encode(cosx_buf_t *out, const char *s, size_t n, bool keep_slash, bool lower)
{
    if (!cosx_buf_reserve(out, n * 3)) {
        return false;
    }
    const char *hex = lower ? HEX_LOWER : HEX_UPPER;
    char *w = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            *w++ = (lower && c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
        } else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return true;
}

bool cosx_enc(cosx_buf_t *out, const char *s, size_t n)
{
    return encode(out, s, n, false, false);
}

bool cosx_enc_lower(cosx_buf_t *out, const char *s, size_t n)
{
    return encode(out, s, n, false, true);
}

bool cosx_enc_path(cosx_buf_t *out, const char *s, size_t n)
{
    return encode(out, s, n, true, false);
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool cosx_pct_decode(cosx_buf_t *out, const char *s, size_t n, bool form)
{
    if (!cosx_buf_reserve(out, n)) {
        return false;
    }
    char *w = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (n - i < 3) { /* fewer than two characters follow */
                out->data[out->len] = '\0';
                return false;
            }
            int h = hexval((unsigned char)s[i + 1]);
            int l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                out->data[out->len] = '\0';
                return false;
            }
            *w++ = (char)(h * 16 + l);
            i += 2;
        } else if (c == '+' && form) {
            *w++ = ' ';
        } else if (c == '\0') {
            out->data[out->len] = '\0';
            return false;
        } else {
            *w++ = (char)c;
        }
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = '\0';
    return true;
}

void cosx_hex_encode(const unsigned char *src, size_t n, char *dst)
{
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = HEX_LOWER[src[i] >> 4];
        dst[2 * i + 1] = HEX_LOWER[src[i] & 15];
    }
    dst[2 * n] = '\0';
}

bool cosx_hex_decode(const char *src, size_t srclen, unsigned char *dst, size_t dstcap,
                     size_t *outlen)
{
    if (srclen % 2 != 0 || srclen / 2 > dstcap) {
        return false;
    }
    for (size_t i = 0; i < srclen / 2; i++) {
        int h = hexval((unsigned char)src[2 * i]);
        int l = hexval((unsigned char)src[2 * i + 1]);
        if (h < 0 || l < 0) {
            return false;
        }
        dst[i] = (unsigned char)(h * 16 + l);
    }
    if (outlen) {
        *outlen = srclen / 2;
    }
    return true;
}

size_t cosx_base64_encode(const unsigned char *src, size_t n, char *dst)
{
    size_t total = 0;
    /* EVP_EncodeBlock takes an int length: feed large inputs in chunks that are multiples of 3. */
    const size_t chunk = (size_t)3 * 1024 * 1024;
    while (n > 0) {
        size_t take = n > chunk ? chunk : n;
        int w = EVP_EncodeBlock((unsigned char *)dst + total, src, (int)take);
        total += (size_t)w;
        src += take;
        n -= take;
    }
    dst[total] = '\0';
    return total;
}

static bool is_b64(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

bool cosx_base64_decode(const char *src, size_t n, unsigned char *dst, size_t dstcap,
                        size_t *outlen)
{
    if (n % 4 != 0 || n > (size_t)1 << 30) { /* EVP_DecodeBlock takes an int length */
        return false;
    }
    size_t pad = 0;
    if (n >= 1 && src[n - 1] == '=') {
        pad++;
    }
    if (n >= 2 && src[n - 2] == '=') {
        pad++;
    }
    for (size_t i = 0; i < n - pad; i++) {
        if (!is_b64((unsigned char)src[i])) {
            return false;
        }
    }
    size_t len = n / 4 * 3 - pad;
    if (len > dstcap) {
        return false;
    }
    if (n == 0) {
        if (outlen) {
            *outlen = 0;
        }
        return true;
    }
    /* EVP_DecodeBlock writes whole 3-byte groups: decode into a scratch tail when dst is exact. */
    size_t whole = n / 4 * 3;
    if (whole <= dstcap) {
        if (EVP_DecodeBlock(dst, (const unsigned char *)src, (int)n) < 0) {
            return false;
        }
    } else {
        size_t head = n - 4;
        if (head && EVP_DecodeBlock(dst, (const unsigned char *)src, (int)head) < 0) {
            return false;
        }
        unsigned char tail[3];
        if (EVP_DecodeBlock(tail, (const unsigned char *)src + head, 4) < 0) {
            return false;
        }
        memcpy(dst + head / 4 * 3, tail, 3 - pad);
    }
    if (outlen) {
        *outlen = len;
    }
    return true;
}

size_t cosx_copy_str(char *dst, size_t cap, const char *src, size_t n)
{
    const char *end = memchr(src, 0, n);
    size_t l = end ? (size_t)(end - src) : n;
    if (l >= cap)
        l = cap - 1;
    memcpy(dst, src, l);
    dst[l] = 0;
    return l;
}

size_t cosx_u64_dec(uint64_t v, char out[21])
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}
