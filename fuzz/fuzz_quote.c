/*
 * fuzz_quote.c -- the quote stage on arbitrary bytes: dl_quote_find must
 * never crash, leak or hand out a span outside the text or a speaker that
 * is not an entity, whatever the marks, names and encodings.
 */
#include "analyze/analyze.h"
#include "analyze/quote.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20)) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    dl_doc d;
    dl_doc_init(&d, text, size, 0);
    if (dl_quote_find(&d) == DL_OK) {
        for (size_t i = 0; i < d.quotes.n; i++) {
            const dl_quote *q = &d.quotes.v[i];
            if (q->span.start >= q->span.end || q->span.end > size) abort();
            if (q->speaker < -1 || q->speaker >= (int)d.ents.n) abort();
            if (q->cue.start > q->cue.end || q->cue.end > size) abort();
            if (i && q->span.start < d.quotes.v[i - 1].span.start) abort();
        }
        for (size_t i = 0; i < d.ents.n; i++)
            for (size_t k = 0; k < d.ents.v[i].n_mentions; k++)
                if (d.ents.v[i].mentions[k].end > size) abort();
    }
    dl_doc_free(&d);
    free(text);
    return 0;
}
