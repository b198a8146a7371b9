/*
 * fuzz_dupsig.c -- libFuzzer target for the reader of dup_sigs blobs
 * (dedup.c, dl_dup_sig_decode), which a later session trusts to verify
 * near-duplicate candidates: any bytes must decode cleanly or be refused,
 * never crash or read past the blob; what decodes is strictly ascending,
 * and a signature written again (dl_dup_sig_encode) reads back the same.
 */
#include "dedup/dedup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    dl_bytevec buf = {0};
    dl_u32vec s5 = {0}, s2 = {0}, t5 = {0}, t2 = {0};
    /* an exact copy: the reader must not look past the blob's end */
    unsigned char *p = malloc(size ? size : 1);
    if (!p) abort();
    if (size) memcpy(p, data, size);
    if (dl_dup_sig_decode(&buf, p, size, &s5, &s2)) {
        for (size_t i = 1; i < s5.n; i++)
            if (s5.v[i] <= s5.v[i - 1]) abort();
        for (size_t i = 1; i < s2.n; i++)
            if (s2.v[i] <= s2.v[i - 1]) abort();
        unsigned char *q = malloc(dl_dup_sig_bytes(s5.n));
        if (!q) abort();
        size_t n = dl_dup_sig_encode(q, s5.v, s5.n);
        if (n > dl_dup_sig_bytes(s5.n) || !dl_dup_sig_decode(&buf, q, n, &t5, &t2)) abort();
        if (t5.n != s5.n || t2.n || (s5.n && memcmp(t5.v, s5.v, s5.n * sizeof *s5.v))) abort();
        free(q);
    }
    free(p);
    dl_vec_free(&buf);
    dl_vec_free(&s5);
    dl_vec_free(&s2);
    dl_vec_free(&t5);
    dl_vec_free(&t2);
    return 0;
}
