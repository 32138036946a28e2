/* cosx_encode: the byte encodings of the COS protocol: the signature encoder enc()
 * (COS_PROTOCOL 2.3), URL path encoding, percent/form decoding, hex and base64. Pure functions over
 * byte strings. */
#ifndef COSX_ENCODE_H
#define COSX_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosx_buf.h"

/* enc(): keeps A-Z a-z 0-9 - _ . ~ and writes every other byte as %XX (uppercase hex). */
bool cosx_enc(cosx_buf_t *out, const char *s, size_t n);
/* enc() followed by ASCII lowercasing of the whole result (used for signed header/param names). */
bool cosx_enc_lower(cosx_buf_t *out, const char *s, size_t n);
/* Like enc() but keeps '/' (an object key in a URL path). */
bool cosx_enc_path(cosx_buf_t *out, const char *s, size_t n);

/* Percent-decodes s[0..n) into out. With form=true '+' becomes a space (query strings); in paths it
 * stays. Returns false for a malformed escape ("%G1", "%4") or a decoded NUL byte. */
bool cosx_pct_decode(cosx_buf_t *out, const char *s, size_t n, bool form);

/* Lowercase hex of n bytes into dst (2n+1 bytes, NUL-terminated). */
void cosx_hex_encode(const unsigned char *src, size_t n, char *dst);
/* Decodes 2n hex digits (either case) into n bytes; false on a bad digit or odd length. */
bool cosx_hex_decode(const char *src, size_t srclen, unsigned char *dst, size_t dstcap,
                     size_t *outlen);

/* Standard base64 with padding. cosx_base64_encode writes at most COSX_BASE64_LEN(n) + 1 bytes. */
#define COSX_BASE64_LEN(n) ((((n) + 2) / 3) * 4)
size_t cosx_base64_encode(const unsigned char *src, size_t n, char *dst);
/* Strict decoding (padding required, no whitespace); returns false on malformed input or when dst
 * (dstcap bytes) is too small. */
bool cosx_base64_decode(const char *src, size_t n, unsigned char *dst, size_t dstcap,
                        size_t *outlen);

/* Copies at most n bytes of src (stopping at a NUL) into dst of cap > 0 bytes, truncating to cap - 1,
 * and NUL-terminates; returns the length written. A cheap snprintf(dst, cap, "%.*s", n, src). */
size_t cosx_copy_str(char *dst, size_t cap, const char *src, size_t n);
/* Decimal digits of v into out (NUL-terminated); returns their count. */
size_t cosx_u64_dec(uint64_t v, char out[21]);

#endif
