/*
 * svb.c -- the streamvbyte encoder (svb.h).
 */
#include "svb.h"

#include <endian.h>
#include <string.h>

/* The 2-bit code of x: its byte count - 1 (0 for 0) */
static inline unsigned code_of(uint32_t x)
{
    return (unsigned)(31 ^ __builtin_clz(x | 1)) >> 3;
}

/* Stores x's four bytes at data (only code + 1 of them count: the data
 * never passes 4 n bytes, so the store stays inside the buffer) and
 * returns the place after the ones that count. */
static inline uint8_t *put(uint8_t *data, uint32_t x, unsigned code)
{
    uint32_t le = htole32(x);
    memcpy(data, &le, 4);
    return data + code + 1;
}

size_t dl_svb_encode(const uint32_t *in, size_t n, uint8_t *out, int delta, uint32_t prev)
{
    uint8_t *keys = out, *data = out + (n + 3) / 4;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t x0 = in[i], x1 = in[i + 1], x2 = in[i + 2], x3 = in[i + 3];
        if (delta) {
            uint32_t p0 = prev, p1 = x0, p2 = x1, p3 = x2;
            prev = x3;
            x0 -= p0, x1 -= p1, x2 -= p2, x3 -= p3;
        }
        unsigned c0 = code_of(x0), c1 = code_of(x1), c2 = code_of(x2), c3 = code_of(x3);
        keys[i / 4] = (uint8_t)(c0 | c1 << 2 | c2 << 4 | c3 << 6);
        data = put(data, x0, c0);
        data = put(data, x1, c1);
        data = put(data, x2, c2);
        data = put(data, x3, c3);
    }
    if (i < n) {
        unsigned key = 0;
        for (size_t j = 0; i + j < n; j++) {
            uint32_t v = in[i + j], x = delta ? v - prev : v;
            prev = v;
            unsigned c = code_of(x);
            key |= c << (2 * j);
            data = put(data, x, c);
        }
        keys[i / 4] = (uint8_t)key;
    }
    return (size_t)(data - out);
}
