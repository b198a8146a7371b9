/*
 * sort.c -- integer sorts shared by the stages (dl_int.h).
 */
#include "../dl_int.h"

/* Sorts the n keys of a by their bits from `from` up, stably (keys equal
 * there keep their order): LSD radix over 8-bit digits, only through the
 * highest bit in which the keys differ, a digit all keys share skipped;
 * tmp has room for n.  Already sorted input (chronological ingest) costs
 * one scan. */
void dl_sort_u64_from(uint64_t *a, size_t n, uint64_t *tmp, int from)
{
    if (n < 2) return;
    uint64_t lo = a[0] >> from, hi = lo;
    int sorted = 1;
    for (size_t i = 1; i < n; i++) {
        uint64_t x = a[i] >> from;
        if (x < a[i - 1] >> from) sorted = 0;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
    }
    if (sorted) return;
    if (n <= 24) {
        for (size_t k = 1; k < n; k++) {
            uint64_t x = a[k];
            size_t m = k;
            while (m > 0 && a[m - 1] >> from > x >> from) a[m] = a[m - 1], m--;
            a[m] = x;
        }
        return;
    }
    int bits = from + 64 - __builtin_clzll(lo ^ hi);
    uint64_t *src = a, *dst = tmp;
    for (int sh = from; sh < bits; sh += 8) {
        size_t cnt[256] = {0};
        for (size_t i = 0; i < n; i++) cnt[(src[i] >> sh) & 255]++;
        if (cnt[(src[0] >> sh) & 255] == n) continue;
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = cnt[d];
            cnt[d] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) dst[cnt[(src[i] >> sh) & 255]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
}

void dl_sort_u64(uint64_t *a, size_t n, uint64_t *tmp)
{
    dl_sort_u64_from(a, n, tmp, 0);
}
