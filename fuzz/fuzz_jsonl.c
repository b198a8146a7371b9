/*
 * fuzz_jsonl.c -- libFuzzer target for one JSONL record line.
 *
 * Differential: src/text/jsonl.c (the hand-written strict parser) and the
 * jansson version it replaced (fuzz/jsonl_ref.h) must agree on every input:
 * the same verdict, the same reason, and a good record's fields byte for
 * byte.  Any disagreement aborts.
 */
#include "dateline.h"
#include "text/utf8.h"
#include "jsonl_ref.h"

#include <stdlib.h>
#include <string.h>

static int same_str(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_record r, w;
    const char *why = NULL, *rwhy = NULL;
    char *scratch = NULL, *rscratch = NULL;
    int rc = dl_parse_jsonl((const char *)data, size, &r, &scratch, &why);
    int ref = ref_parse_jsonl((const char *)data, size, &w, &rscratch, &rwhy);
    if (rc != ref) abort();
    if (rc == DL_OK) {
        if (!r.text_len || dl_utf8_check(r.text, r.text_len) != r.text_len) abort();
        if (!r.id[0] || strlen(r.date) != 10) abort();
        int32_t day;
        if (dl_date_parse(r.date, 10, &day) != DL_OK || day != r.day) abort();
        if (r.text_len != w.text_len || memcmp(r.text, w.text, r.text_len) != 0) abort();
        if (r.text[r.text_len] != 0) abort(); /* NUL-terminated, as before */
        if (strcmp(r.id, w.id) || strcmp(r.date, w.date) || !same_str(r.url, w.url) ||
            !same_str(r.title, w.title) || !same_str(r.source, w.source))
            abort();
    } else if (!why || !rwhy || strcmp(why, rwhy) != 0) {
        abort();
    }
    dl_free(scratch);
    dl_free(rscratch);
    return 0;
}
