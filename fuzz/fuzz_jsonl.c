/*
 * fuzz_jsonl.c -- libFuzzer target for one JSONL record line.
 */
#include "dateline.h"
#include "text/utf8.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_record r;
    const char *why = NULL;
    char *scratch = NULL;
    int rc = dl_parse_jsonl((const char *)data, size, &r, &scratch, &why);
    if (rc == DL_OK) {
        if (!r.text_len || dl_utf8_check(r.text, r.text_len) != r.text_len) abort();
        if (!r.id[0] || strlen(r.date) != 10) abort();
        int32_t day;
        if (dl_date_parse(r.date, 10, &day) != DL_OK || day != r.day) abort();
    } else if (!why) {
        abort();
    }
    dl_free(scratch);
    return 0;
}
