/*
 * fuzz_annotation.c -- libFuzzer target for the reader of stored
 * annotations (dl_annotation_from_json), which `show`, the server and the
 * timeline use on what the archive holds: a damaged archive row must give
 * an error or spans inside the text, never a crash.
 */
#include "analyze/analyze.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char text[] = "Sir Kim said on Monday: \xe2\x80\x9cIt is over.\xe2\x80\x9d";
    dl_annotation *a = dl_calloc(1, sizeof *a);
    if (!a) return 0;
    a->text = dl_strdup(text);
    a->text_len = sizeof text - 1;
    if (a->text && dl_annotation_from_json(a, (const char *)data, size) == DL_OK) {
        for (size_t i = 0; i < a->n_sentences; i++)
            if (a->sentences[i].end > a->text_len) abort();
        for (size_t i = 0; i < a->n_quotes; i++)
            if (a->quotes[i].span.end > a->text_len ||
                (a->quotes[i].speaker >= 0 && (size_t)a->quotes[i].speaker >= a->n_entities))
                abort();
        for (size_t i = 0; i < a->n_times; i++)
            if (a->times[i].span.end > a->text_len) abort();
        /* and it prints back as JSON */
        size_t len;
        char *js = dl_annotation_json(a, &len);
        dl_free(js);
    }
    dl_annotation_free(a);
    return 0;
}
