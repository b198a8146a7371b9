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
#include "../text/token.h"

typedef struct dl_ajob {
    dl_record rec;      /* a copy; its strings live in mem */
    char *mem;
    dl_annotation *ann; /* set by the pool */
    int rc;             /* dl_analyze's return code */
    dl_tokvec toks;     /* rec.text's tokens, from the analysis, owned */
    char *json;         /* the annotation as stored (dl_annotation_json_buf
                         * without text) when the pool makes it, owned */
    size_t json_n;
    void *prep;         /* the prep hook's result (NULL without hook), owned */
    void (*prep_free)(void *prep);
} dl_ajob;

/* An optional pure per-article step that runs on the worker right after
 * dl_analyze when it succeeded (ingest: shingles and term vectors for dedup
 * and stories), so that the writer thread only does the order-dependent
 * part.  run(tctx, job) sets job->prep and job->prep_free (freed by
 * dl_achunk_clear); tctx is a per-thread context made by tnew on the
 * thread's first job (NULL from tnew: run gets NULL) and freed by tfree
 * when the pool is freed.  run must touch no shared mutable state. */
typedef struct dl_aprep {
    void *(*tnew)(void *arg);
    void (*tfree)(void *tctx);
    void (*run)(void *tctx, dl_ajob *j);
    void *arg;  /* handed to tnew (shared, read-only or thread-safe) */
} dl_aprep;

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
/* Installs the hook (copied); call before the first dl_apool_submit. */
void dl_apool_set_prep(dl_apool *p, const dl_aprep *prep);
/* on: each job's annotation is also serialised, as stored, into job->json
 * on the worker (NULL on OOM: the caller then makes it).  Call before the
 * first dl_apool_submit. */
void dl_apool_set_json(dl_apool *p, int on);

dl_achunk *dl_achunk_new(size_t cap);
void dl_achunk_free(dl_achunk *c);
void dl_achunk_clear(dl_achunk *c);
/* Copies rec into the chunk.  DL_OK, DL_ENOMEM, or DL_ETOOBIG when full. */
int dl_achunk_add(dl_achunk *c, const dl_record *rec);

void dl_apool_submit(dl_apool *p, dl_achunk *c);
void dl_apool_wait(dl_apool *p, dl_achunk *c);

#endif
