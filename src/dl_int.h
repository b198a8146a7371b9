/*
 * dl_int.h -- what every part of libdateline shares inside the library:
 * the public header, allocation, growable buffers and vectors, assertions.
 * Not installed; the CLI and the server use only include/dateline.h.
 */
#ifndef DL_INT_H
#define DL_INT_H

#include "dateline.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Internal symbols of the library that more than one file uses start with
 * Dl_ or dl_ and are declared in the stage header (text/buf.h, ...); file-local
 * ones are static. */

#define DL_UNUSED(x) ((void)(x))
#define DL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define DL_MAX(a, b) ((a) > (b) ? (a) : (b))
#define DL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Invariants (never input errors): checked in debug builds. */
#define DL_ASSERT(x) assert(x)

/* Allocation goes through these so tests can count and fail them. */
void *dl_malloc(size_t n);
void *dl_calloc(size_t n, size_t size);
/* A zeroed block of n bytes, 64-aligned, every page written to at once
 * (buf.c), on huge pages from 2 MiB up: for hash tables that are read
 * before they are written.  NULL on OOM.  Freed with dl_table_free(p, n),
 * the same n. */
void *dl_table_alloc(size_t n);
void dl_table_free(void *p, size_t n);
/* Grows the zero-filled map *v (*cap entries, 0 at first) so that index
 * top is in it: capacity doubled from `first`, the new entries written
 * zero (not left to calloc: a map read before it is written would map
 * the zero page first).  DL_OK or DL_ENOMEM (*v unchanged). */
int dl_u32_cover(uint32_t **v, size_t *cap, size_t top, size_t first);
void *dl_realloc(void *p, size_t n);
char *dl_strndup(const char *s, size_t n);
char *dl_strdup(const char *s);

/*
 * A growable vector of T: `DL_VEC(dl_span) v = {0};`  dl_vec_push grows it;
 * on OOM it returns DL_ENOMEM and leaves the vector as it was.  The vector
 * owns its array; free with dl_vec_free.
 */
#define DL_VEC(T) struct { T *v; size_t n, cap; }
int dl_vec_grow_(void **v, size_t *cap, size_t need, size_t elem);
#define dl_vec_reserve(vec, need) \
    dl_vec_grow_((void **)&(vec)->v, &(vec)->cap, (need), sizeof(*(vec)->v))
#define dl_vec_push(vec, item) \
    (dl_vec_reserve((vec), (vec)->n + 1) ? DL_ENOMEM \
                                         : ((vec)->v[(vec)->n++] = (item), DL_OK))
#define dl_vec_free(vec) (free((vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)

typedef DL_VEC(dl_span) dl_spanvec;

/* qsort that accepts an empty (possibly NULL) array: qsort(NULL, 0, ...) is
 * undefined behaviour, and empty vectors here have NULL arrays. */
static inline void dl_qsort(void *base, size_t n, size_t size,
                            int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(base, n, size, cmp);
}

/* Sorts a[0, n) ascending (LSD radix, linear; tmp has room for n).  Input
 * already sorted costs one scan.  sort.c */
/* Unaligned loads of 8 and 4 bytes (host order). */
static inline uint64_t dl_load64(const char *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

static inline uint32_t dl_load32(const char *p)
{
    uint32_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

void dl_sort_u64(uint64_t *a, size_t n, uint64_t *tmp);
/* The same by the keys' bits from `from` up (0 <= from < 64), stably: keys
 * equal there keep their order. */
void dl_sort_u64_from(uint64_t *a, size_t n, uint64_t *tmp, int from);

#endif /* DL_INT_H */
