/*
 * fuzz_prep.c -- libFuzzer target for the ingest workers' dedup/story step
 * (story/prep.c, dl_artprep_run): any bytes must go through without a crash,
 * and through its token cache (kept from input to input, as on a worker
 * thread) the step must give exactly what the plain functions give:
 * dl_shingles_pair for the shingles, dl_text_rawterms for the term counts.
 */
#include "story/prep.h"
#include "dedup/shingle.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *tctx;        /* the worker's context, kept across inputs */
static dl_stemmer *sm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 22)) return 0;
    if (!tctx && !(tctx = dl_artprep_tnew(NULL))) abort();
    if (!sm && !(sm = dl_stemmer_new())) abort();
    const char *text = (const char *)data;
    dl_annotation ann;
    memset(&ann, 0, sizeof ann);
    ann.text = (char *)text;
    ann.text_len = size;
    dl_ajob j;
    memset(&j, 0, sizeof j);
    j.rec.text = text;
    j.rec.text_len = size;
    j.ann = &ann;
    dl_artprep_run(tctx, &j);
    dl_artprep *p = j.prep;
    if (!p || !p->sig_ok || !p->terms_ok) abort();

    dl_u32vec sig = {0}, bi = {0};
    if (dl_shingles_pair(text, size, &sig, &bi)) abort();
    dl_dup_sort_unique(&p->bi, NULL); /* handed over unsorted */
    if (sig.n != p->sig.n || bi.n != p->bi.n) abort();
    if (sig.n && memcmp(sig.v, p->sig.v, sig.n * sizeof *sig.v)) abort();
    if (bi.n && memcmp(bi.v, p->bi.v, bi.n * sizeof *bi.v)) abort();
    dl_rawterms rt = {0};
    if (dl_text_rawterms(sm, text, size, NULL, &rt)) abort();
    if (rt.v.n != p->terms.v.n) abort();
    for (size_t i = 0; i < rt.v.n; i++) {
        const dl_rawterm *a = &rt.v.v[i], *b = &p->terms.v.v[i];
        if (strcmp(rt.buf + a->term, p->terms.buf + b->term) ||
            strcmp(rt.buf + a->surface, p->terms.buf + b->surface) || a->w != b->w)
            abort();
    }
    dl_rawterms_free(&rt);
    dl_vec_free(&sig);
    dl_vec_free(&bi);
    j.prep_free(j.prep);
    return 0;
}
