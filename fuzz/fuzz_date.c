/*
 * fuzz_date.c -- libFuzzer target for the ISO date parser: whatever parses
 * formats back to the same ten bytes.
 */
#include "dateline.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int32_t day;
    if (dl_date_parse((const char *)data, size, &day) == DL_OK) {
        char out[11];
        dl_date_format(day, out);
        if (size != 10 || memcmp(out, data, 10) != 0) abort();
    }
    return 0;
}
