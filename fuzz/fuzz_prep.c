/*
 * fuzz_prep.c -- libFuzzer target for the ingest workers' dedup/story step
 * (story/prep.c, dl_artprep_run): any bytes must go through without a crash,
 * and through its token cache (kept from input to input, as on a worker
 * thread) the step must give exactly what the plain functions give:
 * dl_shingles_pair for the shingles, dl_text_rawterms for the term counts.
 * Every other input goes through a second context that has a shared stem
 * cache and the text's tokens, as in the ingest: the index terms it hands
 * over, resolved by a termer sharing the cache, must be those of a termer
 * of its own.
 */
#include "story/prep.h"
#include "dedup/shingle.h"
#include "index/index.h"
#include "text/stemcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *tctx;        /* the worker's context, kept across inputs */
static dl_stemmer *sm;
static void *tctx_sc;     /* another, with the cache sc */
static dl_stemcache *sc;
static dl_termer *shared, *plain;

/* The index terms p->ix of toks against a termer of its own. */
static void check_ix(const char *text, const dl_tokvec *toks, const dl_artprep *p)
{
    if (!toks->n) return;
    if (!p->ix_ok || p->ix.n != toks->n) abort();
    uint32_t *gids = malloc(toks->n * sizeof *gids);
    if (!gids) abort();
    dl_termer_term_ids(shared, p->ix.v, toks->n, gids);
    for (size_t i = 0; i < toks->n; i++) {
        const dl_token *t = &toks->v[i];
        const char *w = text + t->start, *want = NULL, *got = NULL;
        size_t n = t->end - t->start, gl;
        size_t wl = dl_termer_term(plain, w, n, t->kind, &want, NULL);
        uint32_t v = p->ix.v[i];
        if (v == DL_TERM_SELF) gl = dl_termer_term(shared, w, n, t->kind, &got, NULL);
        else if (!v) gl = 0;
        else if (gids[i] >= dl_termer_count(shared)) abort();
        else got = dl_termer_str(shared, gids[i], &gl);
        if (gl != wl || (wl && memcmp(got, want, wl))) abort();
    }
    free(gids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 22)) return 0;
    if (!tctx && !(tctx = dl_artprep_tnew(NULL))) abort();
    if (!sm && !(sm = dl_stemmer_new())) abort();
    if (!sc) {
        if (!(sc = dl_stemcache_new()) || !(tctx_sc = dl_artprep_tnew(sc)) ||
            dl_termer_new(&shared) || dl_termer_new(&plain))
            abort();
        dl_termer_share(shared, sc);
    }
    int with_sc = size && (data[0] & 1);
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
    if (with_sc && dl_tokenize(text, size, &j.toks)) abort();
    dl_artprep_run(with_sc ? tctx_sc : tctx, &j);
    dl_artprep *p = j.prep;
    if (!p || !p->sig_ok || !p->terms_ok) abort();
    if (with_sc) check_ix(text, &j.toks, p);
    else if (p->ix_ok) abort();
    dl_vec_free(&j.toks);

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
