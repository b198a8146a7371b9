/*
 * utf8.c -- strict UTF-8 validation and decoding.
 */
#include "utf8.h"

#include <utf8proc.h>

size_t dl_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) {
        if (n < 2 || (u[1] & 0xC0) != 0x80) return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && u[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && u[1] >= 0xA0) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 ||
            (u[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && u[1] < 0x90) return 0;  /* overlong */
        if (c == 0xF4 && u[1] >= 0x90) return 0; /* > U+10FFFF */
        return 4;
    }
    return 0;
}

size_t dl_utf8_check(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path, 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= n) break;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = dl_utf8_valid_prefix(s + i, n - i);
        if (!k) return i;
        i += k;
    }
    return n;
}

int32_t dl_utf8_next_multi(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t k = dl_utf8_valid_prefix(s + *i, n - *i);
    int32_t c;
    switch (k) {
    case 1: c = u[0]; break;
    case 2: c = ((u[0] & 0x1F) << 6) | (u[1] & 0x3F); break;
    case 3: c = ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F); break;
    case 4:
        c = ((u[0] & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) |
            (u[3] & 0x3F);
        break;
    default: c = 0xFFFD; k = 1;
    }
    *i += k;
    return c;
}

int32_t dl_utf8_prev(const char *s, size_t i, size_t *start)
{
    size_t j = i - 1;
    size_t lim = i >= 4 ? i - 4 : 0;
    while (j > lim && ((unsigned char)s[j] & 0xC0) == 0x80) j--;
    size_t k = j;
    int32_t c = dl_utf8_next(s, i, &k);
    if (k != i) { /* invalid: treat the last byte alone */
        *start = i - 1;
        return 0xFFFD;
    }
    *start = j;
    return c;
}

char *dl_utf8_fold(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                          UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                          UTF8PROC_CASEFOLD);
    if (n < 0) return NULL;
    return (char *)out;
}
