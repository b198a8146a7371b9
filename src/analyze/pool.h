/*
 * pool.h -- analysis on worker threads, for ingest.
 *
 * Analysis is pure (a dl_analyzer is read-only and shared), so ingest hands
 * chunks of records to a pool of threads and writes the finished chunks in
 * input order on its own thread, while the workers analyze the next chunk.
 *
 * Ownership: a chunk owns copies of its records and the annotations made
 * for them; dl_achunk_clear frees both and keeps the chunk for reuse.  A
 * chunk that was submitted must be waited for before it is read, cleared or
 * freed.
 */
#ifndef DL_ANALYZE_POOL_H
#define DL_ANALYZE_POOL_H

#include "../dl_int.h"

typedef struct dl_ajob {
    dl_record rec;      /* a copy; its strings live in mem */
    char *mem;
    dl_annotation *ann; /* set by the pool */
    int rc;             /* dl_analyze's return code */
} dl_ajob;

typedef struct dl_achunk {
    dl_ajob *jobs;
    size_t n, cap;
    size_t bytes;       /* text bytes in the chunk */
    /* the pool's bookkeeping */
    size_t next, done;
    struct dl_achunk *qnext;
} dl_achunk;

typedef struct dl_apool dl_apool;

/* threads <= 0: the number of online processors (at most 8), or
 * $DATELINE_THREADS when set.  threads == 1 analyzes on the caller's thread
 * in dl_apool_wait.  DL_OK or DL_ENOMEM. */
int dl_apool_new(const dl_analyzer *az, int threads, dl_apool **out);
void dl_apool_free(dl_apool *p);

dl_achunk *dl_achunk_new(size_t cap);
void dl_achunk_free(dl_achunk *c);
void dl_achunk_clear(dl_achunk *c);
/* Copies rec into the chunk.  DL_OK, DL_ENOMEM, or DL_ETOOBIG when full. */
int dl_achunk_add(dl_achunk *c, const dl_record *rec);

void dl_apool_submit(dl_apool *p, dl_achunk *c);
void dl_apool_wait(dl_apool *p, dl_achunk *c);

#endif
