/*
 * fuzz_query.c -- libFuzzer target for the query parser (src/index/query.c):
 * any bytes must parse to DL_OK or DL_ESYNTAX without a crash, leak or
 * overread, and a parsed query must describe itself.
 */
#include "index/index.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dl_termer *t;
    if (!t && dl_termer_new(&t)) return 0;
    dl_query *q = NULL;
    const char *err = NULL;
    int rc = dl_query_parse(t, (const char *)data, size, &q, &err);
    if (rc == DL_OK) {
        char *d = dl_query_describe(q);
        dl_free(d);
        dl_query_free(q);
    } else if (rc != DL_ESYNTAX && rc != DL_ENOMEM) {
        __builtin_trap();
    }
    return 0;
}
