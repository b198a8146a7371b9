/*
 * fuzz_sentence.c -- libFuzzer target for dl_sentence_split
 * (analyze/sentence.c) after dl_tokenize: any bytes must split without a
 * crash, and the sentences must keep the contract of analyze.h: in order,
 * non-overlapping, non-empty, starting and ending on token edges (so
 * trimmed of white space), every token in exactly one sentence.
 */
#include "analyze/analyze.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 24)) return 0;
    dl_doc d;
    dl_doc_init(&d, (const char *)data, size, 0);
    if (dl_tokenize(d.text, d.len, &d.toks) != DL_OK) abort();
    if (dl_sentence_split(&d) != DL_OK) abort();
    size_t k = 0; /* next token */
    for (size_t i = 0; i < d.sents.n; i++) {
        dl_span s = d.sents.v[i];
        if (s.end <= s.start || s.end > size) abort();
        if (k >= d.toks.n || d.toks.v[k].start != s.start) abort();
        while (k < d.toks.n && d.toks.v[k].end < s.end) k++;
        if (k >= d.toks.n || d.toks.v[k].end != s.end) abort();
        k++;
    }
    if (k != d.toks.n) abort();
    dl_doc_free(&d);
    return 0;
}
