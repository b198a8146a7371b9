/*
 * prep.c -- dedup shingles and story term counts computed on the analysis
 * workers (prep.h).  Pure: reads the job, writes only job->prep and the
 * thread's own stemmer.
 */
#include "prep.h"

static void artprep_free(void *v)
{
    dl_artprep *p = v;
    if (!p) return;
    dl_vec_free(&p->sig);
    dl_vec_free(&p->bi);
    dl_rawterms_free(&p->terms);
    free(p);
}

void *dl_artprep_tnew(void)
{
    return dl_stemmer_new();
}

void dl_artprep_tfree(void *tctx)
{
    dl_stemmer_free(tctx);
}

void dl_artprep_run(void *tctx, dl_ajob *j)
{
    dl_artprep *p = dl_calloc(1, sizeof *p);
    if (!p) return; /* the writer computes everything */
    /* one tokenisation for both (the annotation's text is the record's) */
    dl_tokvec toks = {0};
    int have = dl_tokenize(j->rec.text, j->rec.text_len, &toks) == DL_OK;
    p->sig_ok = dl_shingles_pair_toks(j->rec.text, j->rec.text_len, have ? &toks : NULL, &p->sig,
                                      &p->bi) == DL_OK;
    if (tctx && j->ann) {
        int same = have && j->ann->text_len == j->rec.text_len &&
                   memcmp(j->ann->text, j->rec.text, j->rec.text_len) == 0;
        p->terms_ok = dl_text_rawterms(tctx, j->ann->text, j->ann->text_len,
                                       same ? &toks : NULL, &p->terms) == DL_OK;
    }
    dl_vec_free(&toks);
    if (!p->terms_ok) dl_rawterms_free(&p->terms);
    j->prep = p;
    j->prep_free = artprep_free;
}
