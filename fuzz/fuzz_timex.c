/*
 * fuzz_timex.c -- libFuzzer target for the time-expression tagger: any bytes
 * as an article's text (first two bytes pick the article date), tokenized
 * and tagged, once without sentences (the full pass) and once after the
 * sentence splitter (the pre-filtered pass).  Checks the tagger's contract:
 * spans inside the text, in order, non-overlapping, values NUL-terminated
 * and non-empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/timex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t day = 18000;
    if (size >= 2) {
        day = (int32_t)((data[0] << 8 | data[1]) % 40000) - 5000; /* 1956..2080 */
        data += 2, size -= 2;
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    text[size] = 0;
    for (int pass = 0; pass < 2; pass++) {
        dl_doc d;
        dl_doc_init(&d, text, size, day);
        if (dl_tokenize(text, size, &d.toks) == DL_OK &&
            (pass == 0 || dl_sentence_split(&d) == DL_OK) && dl_timex_tag(&d) == DL_OK) {
            uint32_t prev = 0;
            for (size_t i = 0; i < d.times.n; i++) {
                const dl_timex *t = &d.times.v[i];
                if (t->span.start < prev || t->span.end <= t->span.start || t->span.end > size)
                    abort();
                if (!memchr(t->value, 0, sizeof t->value) || !t->value[0]) abort();
                if (t->type < DL_TIMEX_DATE || t->type > DL_TIMEX_SET) abort();
                prev = t->span.end;
            }
        }
        dl_doc_free(&d);
    }
    free(text);
    return 0;
}
