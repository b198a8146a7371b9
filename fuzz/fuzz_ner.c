/*
 * fuzz_ner.c -- libFuzzer target for the entity stage: any bytes as an
 * article's text go through the tokenizer and dl_ner_tag with the committed
 * model (found as the analyzer finds it); the result must keep the stage's
 * invariants (spans inside the text, mentions in text order, a name and a
 * type for every entity).  A missing model is a setup error, not a pass.
 */
#include "analyze/ner.h"

#include <stdio.h>

static void *model;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model) {
        char path[4200];
        if (dl_ner_find_model(path, sizeof path) || dl_ner_load(path, &model)) {
            fprintf(stderr, "fuzz_ner: no entity model (models/ner.model)\n");
            abort();
        }
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    dl_doc d;
    dl_doc_init(&d, text, size, 0);
    if (dl_tokenize(text, size, &d.toks) == DL_OK && dl_ner_tag(model, &d) == DL_OK) {
        for (size_t i = 0; i < d.ents.n; i++) {
            const dl_entity *e = &d.ents.v[i];
            if (!e->name || e->type < DL_PERSON || e->type > DL_PLACE || !e->n_mentions) abort();
            for (size_t j = 0; j < e->n_mentions; j++) {
                if (e->mentions[j].start >= e->mentions[j].end || e->mentions[j].end > size) abort();
                if (j && e->mentions[j - 1].start > e->mentions[j].start) abort();
            }
        }
    }
    dl_doc_free(&d);
    free(text);
    return 0;
}
