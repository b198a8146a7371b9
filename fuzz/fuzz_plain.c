/*
 * fuzz_plain.c -- libFuzzer target for the plain record parser: any bytes in,
 * either a record whose text lies inside the input and is valid UTF-8, or a
 * rejection with a reason.
 */
#include "dateline.h"
#include "text/utf8.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dl_record r;
    const char *why = NULL;
    const char *in = (const char *)data;
    if (dl_parse_plain(in, size, &r, &why) == DL_OK) {
        if (r.text < in || r.text + r.text_len > in + size || r.text_len == 0) abort();
        if (dl_utf8_check(r.text, r.text_len) != r.text_len) abort();
        if (memchr(r.text, 0, r.text_len)) abort();
        if (strlen(r.id) != 16) abort();
    } else if (!why) {
        abort();
    }
    return 0;
}
