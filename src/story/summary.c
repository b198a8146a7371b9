/*
 * summary.c -- per-article extractive summaries (dl_summarize).
 *
 * Each sentence that is not clutter (sent.c) scores
 *     lead bonus 1 / (1 + 0.5 * rank among clean sentences)
 *   + centrality: share of the article's top terms it contains
 *   - a penalty for very short or very long sentences;
 * the best max_sentences are returned in text order.  News leads carry the
 * story, so the lead bonus dominates unless the lead is clutter.
 */
#include "timeline.h"
#include "../text/buf.h"

#include <math.h>
#include <stdio.h>

void dl_summary_free(dl_summary *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_sentences; i++) free(s->sentences[i]);
    free(s->sentences);
    free(s);
}

typedef struct scored {
    size_t idx;
    double score;
} scored;

static int cmp_score(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_idx(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int has_term(const dl_termvec *v, const char *t)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(v->v[mid].term, t);
        if (!c) return 1;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

int dl_summarize_annotation(const dl_annotation *a, int max_sentences, dl_summary **out)
{
    *out = NULL;
    if (max_sentences <= 0) max_sentences = 3;
    dl_summary *sum = dl_calloc(1, sizeof *sum);
    if (!sum) return DL_ENOMEM;
    snprintf(sum->id, sizeof sum->id, "%s", a->id);
    dl_stemmer *sm = dl_stemmer_new();
    dl_spanvec sents = {0};
    dl_termvec doc = {0};
    DL_VEC(scored) sc = {0};
    int rc = sm ? DL_OK : DL_ENOMEM;
    if (!rc) rc = dl_tl_sentences(a, &sents);
    if (!rc) rc = dl_text_terms(sm, a->text, a->text_len, NULL, &doc);
    /* the article's salient terms: those used more than once */
    dl_termvec top = {0};
    for (size_t i = 0; !rc && i < doc.n; i++) {
        if (doc.v[i].w < 2) continue;
        dl_term t = doc.v[i];
        rc = dl_vec_push(&top, t);
    }
    size_t clean = 0;
    for (size_t i = 0; !rc && i < sents.n; i++) {
        const char *s = a->text + sents.v[i].start;
        size_t n = sents.v[i].end - sents.v[i].start;
        if (dl_tl_is_clutter(s, n)) continue;
        dl_termvec st = {0};
        rc = dl_text_terms(sm, s, n, NULL, &st);
        size_t hit = 0;
        for (size_t k = 0; k < st.n; k++) hit += has_term(&top, st.v[k].term);
        double words = (double)st.n;
        dl_terms_free(&st);
        if (rc) break;
        double score = 1.0 / (1.0 + 0.5 * (double)clean);
        score += words > 0 ? 0.6 * (double)hit / (words + 4.0) : 0;
        if (words < 4) score -= 0.5;
        if (n > 400) score -= 0.3;
        scored x = {i, score};
        rc = dl_vec_push(&sc, x);
        clean++;
    }
    dl_vec_free(&top); /* entries borrowed from doc */
    if (!rc && sc.n) {
        dl_qsort(sc.v, sc.n, sizeof *sc.v, cmp_score);
        size_t k = sc.n < (size_t)max_sentences ? sc.n : (size_t)max_sentences;
        dl_qsort(sc.v, k, sizeof *sc.v, cmp_idx);
        sum->sentences = dl_calloc(k, sizeof *sum->sentences);
        if (!sum->sentences) rc = DL_ENOMEM;
        for (size_t i = 0; !rc && i < k; i++) {
            dl_span sp = sents.v[sc.v[i].idx];
            sum->sentences[i] = dl_strndup(a->text + sp.start, sp.end - sp.start);
            if (!sum->sentences[i]) rc = DL_ENOMEM;
            else sum->n_sentences++;
        }
    }
    dl_vec_free(&sc);
    dl_terms_free(&doc);
    dl_vec_free(&sents);
    dl_stemmer_free(sm);
    if (rc) {
        dl_summary_free(sum);
        return rc;
    }
    *out = sum;
    return DL_OK;
}

int dl_summarize(const dl_analyzer *az, const dl_record *rec, int max_sentences,
                 dl_summary **out)
{
    *out = NULL;
    dl_annotation *a = NULL;
    int rc = dl_analyze(az, rec, &a);
    if (rc) return rc;
    rc = dl_summarize_annotation(a, max_sentences, out);
    dl_annotation_free(a);
    return rc;
}

char *dl_summary_json(const dl_summary *s, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"id\": ");
    dl_json_strz(&b, s->id);
    dl_buf_adds(&b, ", \"sentences\": [");
    for (size_t i = 0; i < s->n_sentences; i++) {
        if (i) dl_buf_adds(&b, ", ");
        dl_json_strz(&b, s->sentences[i]);
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}
