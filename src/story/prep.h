/*
 * prep.h -- the pure per-article part of dedup and story assignment, run on
 * the analysis workers (pool.h's prep hook) so that the ingest's writer
 * thread keeps only the order-dependent lookups and inserts.
 *
 * The arrays are exactly dl_shingles_pair(rec.text) (the 2-shingles in
 * text order, repeats kept) and dl_text_rawterms(ann.text)
 * (tests/unit/test_prep.c, fuzz/fuzz_prep.c, and against an older
 * build bench/stories/prep_compare.sh), computed in one pass over the tokens
 * through a per-thread cache of what each distinct token gives (prep.c).
 *
 * Ownership: a dl_artprep belongs to its dl_ajob (job->prep) and is freed by
 * dl_achunk_clear through job->prep_free; the writer may take its vectors
 * (dl_dedup_article copies sig and bi, dl_story_assign reads terms).  The
 * per-thread context (tnew/tfree) holds a stemmer, the token cache (a few
 * MiB, emptied past 200,000 tokens) and scratch vectors: not shareable.
 */
#ifndef DL_STORY_PREP_H
#define DL_STORY_PREP_H

#include "../analyze/pool.h"
#include "../dedup/dedup.h"
#include "story.h"

typedef struct dl_artprep {
    int sig_ok, terms_ok;   /* 0: not computed (OOM): the writer computes it */
    dl_u32vec sig, bi;      /* dl_shingles_pair of rec.text; bi unsorted, with
                             * its repeats (dl_dedup_article sorts it when
                             * needed): the same values sorted and distinct */
    dl_rawterms terms;      /* dl_text_rawterms of the annotation's text */
    int ix_ok;              /* 0: no ix (the index looks every word up) */
    dl_u32vec ix;           /* the index terms of job->toks, one per token,
                             * for dl_ibatch_add_toks: ids of the stem cache
                             * given to tnew */
} dl_artprep;

/* The pool hook's three functions (dl_aprep).  tnew's arg: a
 * dl_stemcache shared by the threads (text/stemcache.h), or NULL. */
void *dl_artprep_tnew(void *arg);
void dl_artprep_tfree(void *tctx);
void dl_artprep_run(void *tctx, dl_ajob *j);

#endif
