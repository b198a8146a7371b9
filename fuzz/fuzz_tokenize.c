/*
 * fuzz_tokenize.c -- libFuzzer target for dl_tokenize (text/token.c): any
 * bytes must tokenize without a crash, and the tokens must keep the
 * contract of token.h: in order, non-overlapping, non-empty, inside the
 * text, a known kind, and covering every ASCII byte that is not white space.
 */
#include "text/token.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 24)) return 0;
    const char *text = (const char *)data;
    dl_tokvec v = {0};
    if (dl_tokenize(text, size, &v) != DL_OK) abort();
    size_t pos = 0;
    for (size_t i = 0; i < v.n; i++) {
        const dl_token *t = &v.v[i];
        if (t->start < pos || t->end <= t->start || t->end > size) abort();
        if (t->kind < DL_TOK_WORD || t->kind > DL_TOK_PUNCT) abort();
        /* the bytes skipped before this token are not ASCII non-space */
        for (; pos < t->start; pos++) {
            unsigned char b = data[pos];
            if (b < 0x80 && b > ' ') abort();
        }
        unsigned char f = data[t->start];
        if (f == ' ' || f == '\n' || f == '\t' || f == '\r') abort();
        pos = t->end;
    }
    for (; pos < size; pos++)
        if (data[pos] < 0x80 && data[pos] > ' ') abort();
    dl_vec_free(&v);
    return 0;
}
