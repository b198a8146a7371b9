/*
 * svb.c -- the streamvbyte encoder (svb.h).
 */
#include "svb.h"

#include <endian.h>
#include <string.h>

size_t dl_svb_encode(const uint32_t *in, size_t n, uint8_t *out, int delta, uint32_t prev)
{
    uint8_t *keys = out, *data = out + (n + 3) / 4;
    for (size_t i = 0; i < n; i += 4) {
        size_t m = n - i < 4 ? n - i : 4;
        unsigned key = 0;
        for (size_t j = 0; j < m; j++) {
            uint32_t v = in[i + j], x = delta ? v - prev : v;
            prev = v;
            unsigned code = (unsigned)(x > 0xFFu) + (x > 0xFFFFu) + (x > 0xFFFFFFu);
            key |= code << (2 * j);
            /* four bytes stored, code + 1 kept: the data never passes 4 n
             * bytes, so the last store stays inside the buffer */
            uint32_t le = htole32(x);
            memcpy(data, &le, 4);
            data += code + 1;
        }
        keys[i / 4] = (uint8_t)key;
    }
    return (size_t)(data - out);
}
