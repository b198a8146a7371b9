/*
 * search.c -- query evaluation over the segments (index.h), BM25 ranking,
 * snippets, and the public search calls of dateline.h.
 *
 * Evaluation, per segment, document at a time over local doc numbers:
 *  - a clause is a term (one cursor) or a phrase (cursors that must meet at
 *    consecutive positions);
 *  - a group is an OR of clauses; the query is an AND of groups minus the
 *    excluded clauses;
 *  - the date range is a contiguous run [lo, hi) of local docs (documents
 *    are stored in date order), so ranges cost two binary searches;
 *  - top-k uses block-max pruning: for the region up to the nearest block
 *    end among the query's cursors, the sum of the blocks' maximal scores
 *    (from each block's max tf and min length) bounds every score; when it
 *    is below the k-th best score so far the whole region is skipped
 *    without decoding it;
 *  - a leading term (MaxScore's single essential term, the rarest term of
 *    an AND, a phrase's rarest term) has its postings filtered against the
 *    k-th best score minus the others' block bounds before any other
 *    cursor moves (driver_next, phrase_advance); see docs/internals/index.md
 *    "Evaluation".
 * Scores are BM25 with global statistics (N, avgdl and df summed over all
 * segments), so a document scores the same whichever segment holds it:
 * merging never changes results.
 */
#include "query.h"
#include "segment.h"
#include "../text/buf.h"
#include "../text/token.h"

#include <math.h>
#include <time.h>

/* ------------------------------------------------------------------ BM25 */

double dl_bm25_idf(uint64_t N, uint64_t n)
{
    double idf = log(((double)N - (double)n + 0.5) / ((double)n + 0.5));
    return idf <= 0.0 ? 1e-6 : idf; /* FTS5's floor */
}

double dl_bm25_tf(double tf, double dl, double avgdl)
{
    return tf * (DL_BM25_K1 + 1.0) /
           (tf + DL_BM25_K1 * (1.0 - DL_BM25_B + DL_BM25_B * dl / avgdl));
}

/* ------------------------------------------------------------ evaluation */

typedef struct clause {
    pcur **cur;      /* nt cursors (phrase terms in order) */
    uint32_t nt;
    uint32_t drv;    /* phrase: its term with the smallest df leads */
    double idf;      /* term idf, or sum of the terms' idfs for a phrase */
    uint32_t doc;    /* current match, SEG_END when done */
    uint32_t freq;   /* tf or phrase frequency at doc */
    double prune_below; /* phrase: skip docs whose bound is below (0: off) */
    double maxub;    /* bound of the clause's score over the whole segment */
    const dl_seg *seg;
    double avgdl;
} clause;

typedef struct group {
    clause *c;
    uint32_t nc;
    uint32_t doc;    /* min of the clauses' docs */
    double cost;     /* sum of df, to order the AND */
} group;

typedef struct evalctx {
    const dl_seg *seg;
    group *g;
    uint32_t ng;
    clause *x;       /* excluded */
    uint32_t nx;
    double avgdl;
    clause **all;    /* positive clauses in query order (summation order) */
    uint32_t nall;
    uint32_t ne;     /* MaxScore: non-essential clauses of the single group */
    clause **ms;     /* the single group's clauses by ascending maxub */
    int ms_ok;       /* MaxScore set up (one OR group of single terms) */
    double theta;    /* the k-th best score once k are found, else 0 */
    int and1;        /* AND whose first group is one term: driver_next */
    uint32_t nand;   /* and1: the other groups' clauses, in ms[0..nand) */
    int ms_have;     /* group_advance_ms1's region cache: the non-essential */
    uint32_t ms_ne, ms_end; /* bound ms_ub over [.., ms_end] for ms_ne of them */
    double ms_ub;
} evalctx;

/* Phrase frequency at the cursors' common doc: count of p in P0 with
 * p + i in Pi for all i. */
static uint32_t phrase_freq(clause *c)
{
    const uint32_t *P[DL_QUERY_MAX_TERMS];
    uint32_t n[DL_QUERY_MAX_TERMS], j[DL_QUERY_MAX_TERMS];
    uint64_t off[DL_QUERY_MAX_TERMS]; /* P_i value = P_0 value + off_i (mod 2^64) */
    uint32_t base0 = 0;
    for (uint32_t i = 0; i < c->nt; i++) {
        uint32_t base;
        P[i] = pcur_doc_positions(c->cur[i], &n[i], &base);
        if (!P[i]) {
            c->cur[i]->corrupt = 1;
            return 0;
        }
        if (i == 0) base0 = base;
        off[i] = (uint64_t)base - base0 + i;
        j[i] = 0;
    }
    uint32_t f = 0;
    if (c->nt == 2) { /* the common case: one merge of two sorted lists */
        const uint32_t *p0 = P[0], *p1 = P[1], *e1 = P[1] + n[1];
        uint64_t o = off[1];
        for (uint32_t a = 0; a < n[0]; a++) {
            uint64_t want = p0[a] + o;
            while (p1 < e1 && *p1 < want) p1++;
            if (p1 == e1) break;
            f += *p1 == want;
        }
        return f;
    }
    for (uint32_t a = 0; a < n[0]; a++) {
        uint64_t base = P[0][a];
        uint32_t i;
        for (i = 1; i < c->nt; i++) {
            uint64_t want = base + off[i];
            while (j[i] < n[i] && P[i][j[i]] < want) j[i]++;
            if (j[i] >= n[i]) return f;
            if (P[i][j[i]] != want) break;
        }
        if (i == c->nt) f++;
    }
    return f;
}

/* Moves phrase clause c to its first match >= target.  The phrase's
 * rarest term (cur[drv]) leads; the others are moved to its documents.
 * With prune_below set (top-k pass of a query that is this one phrase),
 * the leader's postings are filtered first: the phrase occurs at most tf
 * times in a document, so one whose idf * tf_part(tf, len) cannot reach
 * prune_below is passed over before any other cursor moves (the test is
 * division-free, as in driver_next); then the bound with the smallest tf
 * of all terms is checked before positions are decoded. */
static uint32_t phrase_advance(clause *c, uint32_t target)
{
    uint32_t d = target;
    pcur *lead = c->cur[c->drv];
    const uint32_t *lens = c->seg->lens;
    const double k1p = DL_BM25_K1 + 1.0, a = DL_BM25_K1 * (1.0 - DL_BM25_B),
                 lc = DL_BM25_K1 * DL_BM25_B / c->avgdl;
    for (;;) {
        pcur_advance(lead, d);
        if (lead->doc == SEG_END) return c->doc = SEG_END;
        if (c->prune_below > 0) {
            double r = c->prune_below / (1.0 + 1e-9) / c->idf * (1.0 - 1e-9);
            if (r >= k1p) return c->doc = SEG_END; /* no document can reach it */
            (void)pcur_tf(lead);
            uint32_t k = lead->i, n = lead->n;
            for (; k < n; k++) {
                double tf = lead->tfs[k];
                if (tf * k1p >= r * (tf + a + lc * lens[lead->docs[k]])) break;
            }
            if (k == n) {
                d = lead->docs[n - 1] + 1;
                continue;
            }
            pcur_seek_index(lead, k);
        }
        d = lead->doc;
        uint32_t i;
        for (i = 0; i < c->nt; i++) {
            if (i == c->drv) continue;
            pcur_advance(c->cur[i], d);
            uint32_t x = c->cur[i]->doc;
            if (x == SEG_END) return c->doc = SEG_END;
            if (x > d) {
                d = x;
                break;
            }
        }
        if (i < c->nt) continue;
        if (c->prune_below > 0) { /* phrase freq <= min tf: bound before positions */
            uint32_t mt = UINT32_MAX;
            for (i = 0; i < c->nt; i++)
                if (pcur_tf(c->cur[i]) < mt) mt = pcur_tf(c->cur[i]);
            if (c->idf * dl_bm25_tf(mt, c->seg->lens[d], c->avgdl) * (1.0 + 1e-9) <
                c->prune_below) {
                d++;
                continue;
            }
        }
        uint32_t f = phrase_freq(c);
        if (f) {
            c->freq = f;
            return c->doc = d;
        }
        d++;
    }
}

/* Moves clause c to its first match >= target.  A term's freq is read
 * when scoring (clause_freq), so non-matching candidates decode no tfs. */
static inline uint32_t clause_advance(clause *c, uint32_t target)
{
    if (c->doc != SEG_END && c->doc >= target) return c->doc;
    if (c->nt == 1) {
        pcur_advance(c->cur[0], target);
        return c->doc = c->cur[0]->doc;
    }
    return phrase_advance(c, target);
}

static inline uint32_t clause_freq(clause *c)
{
    return c->nt == 1 ? pcur_tf(c->cur[0]) : c->freq;
}
/* An upper bound of c's score over [target, *end].  A phrase occurs at most
 * as often as each of its terms, so every term's block bound (its stored
 * max impact, or max tf with min length) bounds the phrase's tf part. */
static double clause_ub(clause *c, uint32_t target, uint32_t *end, double avgdl)
{
    uint32_t max_tf = UINT32_MAX, min_len = 0, e = SEG_END;
    double im = INFINITY;
    for (uint32_t i = 0; i < c->nt; i++) {
        const seg_block *b;
        if (!c->cur[i]->t || !pcur_shallow(c->cur[i], target, &b)) {
            *end = SEG_END; /* this clause cannot match any more */
            return 0;
        }
        if (b->max_tf < max_tf) max_tf = b->max_tf;
        if (b->min_len > min_len) min_len = b->min_len;
        if (b->last_doc < e) e = b->last_doc;
        /* the stored impact, valid for any avgdl (index.md) */
        double seg_avg = c->cur[i]->seg->avgdl;
        double bi = b->max_impact * (avgdl > seg_avg ? avgdl / seg_avg : 1.0);
        if (bi < im) im = bi;
    }
    *end = e;
    double ub = dl_bm25_tf(max_tf, min_len, avgdl);
    if (im < ub) ub = im;
    return c->idf * ub;
}

/* The bound of c over the whole segment (max over its blocks). */
static double clause_maxub(clause *c, double avgdl)
{
    double best = 0;
    if (c->nt != 1 || !c->cur[0]->t) return c->nt == 1 ? 0 : INFINITY;
    const pcur *pc = c->cur[0];
    double seg_avg = pc->seg->avgdl, scale = avgdl > seg_avg ? avgdl / seg_avg : 1.0;
    for (uint32_t b = 0; b < pc->t->nblocks; b++) {
        const seg_block *blk = &pc->blocks[b];
        double ub = dl_bm25_tf(blk->max_tf, blk->min_len, avgdl);
        double im = blk->max_impact * scale;
        if (im < ub) ub = im;
        if (ub > best) best = ub;
    }
    return c->idf * best;
}

static uint32_t group_advance(group *g, uint32_t target)
{
    uint32_t m = SEG_END;
    for (uint32_t i = 0; i < g->nc; i++) {
        uint32_t d = clause_advance(&g->c[i], target);
        if (d < m) m = d;
    }
    return g->doc = m;
}

/* MaxScore for a query of one OR group: clauses are sorted by maxub; the
 * first ne of them together cannot reach the threshold, so a document must
 * match one of the others (essential) to enter the top k.  Candidates come
 * from the essential clauses; the rest are moved to the candidate only. */
static uint32_t group_advance_ms(evalctx *e, group *g, uint32_t target)
{
    clause **ms = e->ms;
    uint32_t ne = e->ne, m = SEG_END;
    for (uint32_t i = ne; i < g->nc; i++) {
        uint32_t d = clause_advance(ms[i], target);
        if (d < m) m = d;
    }
    if (m != SEG_END)
        for (uint32_t i = 0; i < ne; i++) clause_advance(ms[i], m);
    return g->doc = m;
}

/* The next posting >= target of the driver clause c (a term) that could
 * enter the top k: over the region where the block bounds of the clauses
 * oth[0..noth) hold (their sum ub), a posting is a candidate only if its
 * own score can reach theta - ub.  That test needs no division
 * (tf (k1+1) >= r (tf + K), K = k1 (1 - b + b len / avgdl)), so postings
 * that cannot enter the top k cost a multiply-add each, and the other
 * clauses' cursors never move to them.  Safe: a posting passed over scores
 * below theta by more than the 1e-9 margin the other bounds use.  The
 * driver is MaxScore's one essential term (the others are the
 * non-essential ones) or the rarest required term of an AND (the others
 * are every other required clause).  Sets c->doc; SEG_END when no
 * candidate is left. */
static uint32_t driver_next(evalctx *e, clause *c, clause **oth, uint32_t noth, uint32_t target)
{
    pcur *p = c->cur[0];
    const uint32_t *lens = e->seg->lens;
    const double k1p = DL_BM25_K1 + 1.0, a = DL_BM25_K1 * (1.0 - DL_BM25_B),
                 lc = DL_BM25_K1 * DL_BM25_B / e->avgdl;
    for (;;) {
        pcur_advance(p, target);
        c->doc = p->doc;
        if (p->doc == SEG_END || e->theta <= 0) return c->doc;
        if (!e->ms_have || p->doc > e->ms_end || noth != e->ms_ne) { /* new region */
            e->ms_end = SEG_END;
            e->ms_ub = 0;
            for (uint32_t i = 0; i < noth; i++) {
                uint32_t ce;
                e->ms_ub += clause_ub(oth[i], p->doc, &ce, e->avgdl);
                if (ce < e->ms_end) e->ms_end = ce;
            }
            e->ms_have = 1;
            e->ms_ne = noth;
        }
        uint32_t end = e->ms_end;
        double need = e->theta / (1.0 + 1e-9) - e->ms_ub;
        if (need <= 0) return c->doc;
        double r = need / c->idf * (1.0 - 1e-9);
        if (r >= k1p) { /* no tf reaches it: the whole region is out */
            if (end == SEG_END) return c->doc = SEG_END;
            target = end + 1;
            continue;
        }
        (void)pcur_tf(p); /* decodes the block's tfs */
        uint32_t k = p->i, n = p->n;
        const uint32_t *docs = p->docs, *tfs = p->tfs;
        for (; k < n && docs[k] <= end; k++) {
            double tf = tfs[k];
            if (tf * k1p >= r * (tf + a + lc * lens[docs[k]])) break;
        }
        if (k == n || docs[k] > end) { /* none in this part of the region */
            target = k < n ? docs[k] : docs[n - 1] + 1;
            continue;
        }
        pcur_seek_index(p, k);
        return c->doc = p->doc;
    }
}

/* MaxScore with one essential clause (a term): its candidates come from
 * driver_next, the non-essential clauses are moved to them. */
static uint32_t group_advance_ms1(evalctx *e, group *g, uint32_t target)
{
    uint32_t m = driver_next(e, e->ms[e->ne], e->ms, e->ne, target);
    if (m != SEG_END)
        for (uint32_t i = 0; i < e->ne; i++) clause_advance(e->ms[i], m);
    return g->doc = m;
}

/* The first doc >= target matching the whole query, or SEG_END. */
static uint32_t query_advance(evalctx *e, uint32_t target)
{
    uint32_t d = target;
    if (e->and1) { /* rarest group a single term: it drives, filtered */
    again1:
        d = e->g[0].doc = driver_next(e, e->g[0].c, e->ms, e->nand, d);
        if (d == SEG_END) return SEG_END;
        for (uint32_t i = 1; i < e->ng; i++) {
            uint32_t x = group_advance(&e->g[i], d);
            if (x == SEG_END) return SEG_END;
            if (x > d) {
                d = x;
                goto again1;
            }
        }
        for (uint32_t i = 0; i < e->nx; i++)
            if (clause_advance(&e->x[i], d) == d) {
                d++;
                goto again1;
            }
        return d;
    }
again:
    for (uint32_t i = 0; i < e->ng; i++) {
        uint32_t x = !e->ne                     ? group_advance(&e->g[i], d)
                     : e->ne + 1 == e->g[i].nc ? group_advance_ms1(e, &e->g[i], d)
                                               : group_advance_ms(e, &e->g[i], d);
        if (x == SEG_END) return SEG_END;
        if (x > d) {
            d = x;
            goto again;
        }
    }
    for (uint32_t i = 0; i < e->nx; i++)
        if (clause_advance(&e->x[i], d) == d) {
            d++;
            goto again;
        }
    return d;
}

/* The score of d: summed in query order, whatever order the evaluation
 * put groups and clauses in, so that equal inputs give bit-equal scores in
 * any segment layout (results are identical after a merge). */
static double query_score(evalctx *e, uint32_t d)
{
    double s = 0, dl = e->seg->lens[d];
    for (uint32_t i = 0; i < e->nall; i++) {
        clause *c = e->all[i];
        if (c->doc == d) s += c->idf * dl_bm25_tf(clause_freq(c), dl, e->avgdl);
    }
    return s;
}

/* ------------------------------------------------------------- the heap */

/* A heap entry refers to its document by (segment, local doc): the doc
 * table (day, docno) is read only to break a tie of scores, so scoring a
 * candidate that does not enter the top k touches no doc-table memory. */
typedef struct hent {
    double score;
    uint32_t seg, local;
} hent;

typedef struct topk {
    hent *h;       /* min-heap by `hbetter` (worst at the root) */
    size_t n, k;
    dl_seg **segs;
} topk;

/* a better than b: higher score, then newer day, then larger docno */
static int hbetter(const topk *t, const hent *a, const hent *b)
{
    if (a->score != b->score) return a->score > b->score;
    if (a->seg == b->seg) return a->local > b->local; /* local order = (day, docno) */
    const dl_seg *sa = t->segs[a->seg], *sb = t->segs[b->seg];
    if (sa->days[a->local] != sb->days[b->local]) return sa->days[a->local] > sb->days[b->local];
    return sa->docnos[a->local] > sb->docnos[b->local];
}

static void heap_push(topk *t, hent s)
{
    if (t->n < t->k) {
        size_t i = t->n++;
        while (i && hbetter(t, &t->h[(i - 1) / 2], &s)) {
            t->h[i] = t->h[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        t->h[i] = s;
        return;
    }
    if (s.score < t->h[0].score || !hbetter(t, &s, &t->h[0])) return;
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const hent *cur = &s;
        if (l < t->n && hbetter(t, cur, &t->h[l])) { m = l; cur = &t->h[l]; }
        if (r < t->n && hbetter(t, cur, &t->h[r])) m = r;
        if (m == i) break;
        t->h[i] = t->h[m];
        i = m;
    }
    t->h[i] = s;
}

static int better(const dl_scored *a, const dl_scored *b)
{
    if (a->score != b->score) return a->score > b->score;
    if (a->day != b->day) return a->day > b->day;
    return a->docno > b->docno;
}

static int cmp_better(const void *a, const void *b)
{
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/* ----------------------------------------------------------- the driver */

typedef struct qrun {
    const dl_query *q;
    size_t nt;
    double *idf;       /* per query term (positive and excluded) */
    pcur *curs;        /* one per term occurrence */
    pcur **curp;
    clause *clauses;   /* positive then excluded */
    group *groups;
    clause **all, **ms;
} qrun;

static void qrun_free(qrun *r)
{
    if (r->curs)
        for (size_t i = 0; i < r->nt; i++) pcur_free(&r->curs[i]);
    free(r->idf);
    free(r->curs);
    free(r->curp);
    free(r->clauses);
    free(r->groups);
    free(r->all);
    free(r->ms);
}

static int qrun_init(qrun *r, const dl_query *q, dl_seg **segs, size_t nsegs, uint64_t N)
{
    memset(r, 0, sizeof *r);
    r->q = q;
    r->nt = q->terms.n;
    r->idf = dl_calloc(r->nt + 1, sizeof *r->idf);
    r->curs = dl_calloc(r->nt + 1, sizeof *r->curs);
    r->curp = dl_calloc(r->nt + 1, sizeof *r->curp);
    r->clauses = dl_calloc(q->clauses.n + q->excl.n + 1, sizeof *r->clauses);
    r->groups = dl_calloc(q->groups.n + 1, sizeof *r->groups);
    r->all = dl_calloc(q->clauses.n + 1, sizeof *r->all);
    r->ms = dl_calloc(q->clauses.n + 1, sizeof *r->ms);
    if (!r->idf || !r->curs || !r->curp || !r->clauses || !r->groups || !r->all || !r->ms)
        return DL_ENOMEM;
    for (size_t i = 0; i < q->clauses.n; i++) r->all[i] = &r->clauses[i];
    for (size_t i = 0; i < r->nt; i++) {
        uint64_t df = 0;
        for (size_t s = 0; s < nsegs; s++) {
            int64_t ti = seg_find(segs[s], q->terms.v[i].s, q->terms.v[i].len);
            if (ti >= 0) df += segs[s]->terms[ti].df;
        }
        r->idf[i] = dl_bm25_idf(N, df);
        r->curp[i] = &r->curs[i];
    }
    return DL_OK;
}

/* Positions every cursor of r on segment s and builds the evaluation
 * context (groups ordered cheapest first). */
static void qrun_bind(qrun *r, const dl_seg *s, evalctx *e, double avgdl)
{
    const dl_query *q = r->q;
    for (size_t i = 0; i < r->nt; i++) {
        pcur *c = &r->curs[i];
        int64_t ti = seg_find(s, q->terms.v[i].s, q->terms.v[i].len);
        if (ti >= 0) {
            uint32_t *keep = c->pos;
            size_t cap = c->pos_cap;
            pcur_init(c, s, (uint32_t)ti);
            c->pos = keep;
            c->pos_cap = cap;
        } else {
            c->seg = s;
            c->t = NULL;
            c->doc = SEG_END;
            c->n = c->i = 0;
        }
    }
    size_t nc = q->clauses.n;
    for (size_t i = 0; i < nc + q->excl.n; i++) {
        const qclause *qc = i < nc ? &q->clauses.v[i] : &q->excl.v[i - nc];
        clause *c = &r->clauses[i];
        c->cur = r->curp + qc->t0;
        c->nt = qc->nt;
        c->idf = 0;
        for (uint32_t t = 0; t < qc->nt; t++) c->idf += r->idf[qc->t0 + t];
        c->freq = 0;
        c->doc = SEG_END; /* not positioned yet: the first clause_advance runs */
        c->prune_below = 0;
        c->seg = s;
        c->avgdl = avgdl;
        c->maxub = 0;
        c->drv = 0;
        for (uint32_t t = 1; t < qc->nt; t++) {
            const seg_term *a = c->cur[t]->t, *b = c->cur[c->drv]->t;
            if ((a ? a->df : 0) < (b ? b->df : 0)) c->drv = t;
        }
    }
    for (size_t g = 0; g < q->groups.n; g++) {
        group *gr = &r->groups[g];
        gr->c = r->clauses + q->groups.v[g].c0;
        gr->nc = q->groups.v[g].nc;
        gr->doc = 0;
        gr->cost = 0;
        for (uint32_t j = 0; j < gr->nc; j++) {
            const clause *c = &gr->c[j];
            uint32_t mindf = UINT32_MAX;
            for (uint32_t t = 0; t < c->nt; t++) {
                uint32_t df = c->cur[t]->t ? c->cur[t]->t->df : 0;
                if (df < mindf) mindf = df;
            }
            gr->cost += mindf;
        }
    }
    /* cheapest group first (insertion sort: few groups) */
    for (size_t i = 1; i < q->groups.n; i++) {
        group tmp = r->groups[i];
        size_t j = i;
        while (j && r->groups[j - 1].cost > tmp.cost) {
            r->groups[j] = r->groups[j - 1];
            j--;
        }
        r->groups[j] = tmp;
    }
    e->seg = s;
    e->g = r->groups;
    e->ng = (uint32_t)q->groups.n;
    e->x = r->clauses + nc;
    e->nx = (uint32_t)q->excl.n;
    e->avgdl = avgdl;
    e->ne = 0;
    e->ms_ok = 0;
    e->ms = r->ms;
    e->ms_have = 0;
    e->theta = 0;
    e->and1 = 0;
    e->nand = 0;
    /* an AND led by one term: the rarest term drives (driver_next), the
     * bounds of all other clauses filter its postings */
    if (e->ng >= 2 && e->g[0].nc == 1 && e->g[0].c[0].nt == 1) {
        e->and1 = 1;
        for (uint32_t g = 1; g < e->ng; g++)
            for (uint32_t j = 0; j < e->g[g].nc; j++) e->ms[e->nand++] = &e->g[g].c[j];
    }
    e->all = r->all;
    e->nall = (uint32_t)nc;
}

static int cmp_maxub(const void *a, const void *b)
{
    const clause *x = *(clause *const *)a, *y = *(clause *const *)b;
    return x->maxub < y->maxub ? -1 : x->maxub > y->maxub;
}

/* Sets up MaxScore (single OR group of terms) for the top-k pass. */
static void maxscore_prepare(evalctx *e)
{
    if (e->ng != 1 || e->g[0].nc < 2) return;
    group *g = &e->g[0];
    for (uint32_t i = 0; i < g->nc; i++) {
        g->c[i].maxub = clause_maxub(&g->c[i], e->avgdl);
        if (g->c[i].maxub == INFINITY) return; /* a phrase: no MaxScore */
    }
    for (uint32_t i = 0; i < g->nc; i++) e->ms[i] = &g->c[i];
    dl_qsort(e->ms, g->nc, sizeof *e->ms, cmp_maxub);
    e->ms_ok = 1;
}

/* Non-essential prefix length for threshold th. */
static uint32_t maxscore_ne(const evalctx *e, double th)
{
    if (!e->ms_ok) return 0;
    double sum = 0;
    uint32_t ne = 0;
    while (ne + 1 < e->g[0].nc) {
        sum += e->ms[ne]->maxub;
        if (sum * (1.0 + 1e-9) >= th) break;
        ne++;
    }
    return ne;
}

static int range_of(const dl_seg *s, int32_t from, int32_t to, uint32_t *lo, uint32_t *hi)
{
    if (s->ndocs == 0 || s->days[0] > to || s->days[s->ndocs - 1] < from) return 0;
    *lo = from == INT32_MIN ? 0 : seg_lower_day(s, from);
    *hi = to == INT32_MAX ? s->ndocs : seg_lower_day(s, to + 1);
    return *lo < *hi;
}

int dl_index_search(dl_index *ix, const dl_query *q, int32_t from, int32_t to, size_t k,
                    dl_scored *out, size_t *nout, uint64_t *total)
{
    *nout = 0;
    if (total) *total = 0;
    if (ix->nsegs == 0 || from > to) return DL_OK;
    double avgdl = ix->ndocs ? (double)ix->total_len / (double)ix->ndocs : 1.0;
    if (avgdl <= 0) avgdl = 1.0;
    qrun r;
    int rc = qrun_init(&r, q, ix->segs, ix->nsegs, ix->ndocs);
    if (rc) {
        qrun_free(&r);
        return rc;
    }
    hent *heap = k ? dl_malloc(k * sizeof *heap) : NULL;
    if (k && !heap) {
        qrun_free(&r);
        return DL_ENOMEM;
    }
    topk tk = {heap, 0, k, ix->segs};
    evalctx e;
    int corrupt = 0;
    for (size_t si = 0; si < ix->nsegs; si++) {
        const dl_seg *s = ix->segs[si];
        uint32_t lo, hi;
        if (!range_of(s, from, to, &lo, &hi)) continue;
        if (total) { /* boolean pass: exact count */
            qrun_bind(&r, s, &e, avgdl);
            for (uint32_t d = lo; d < hi;) {
                uint32_t m = query_advance(&e, d);
                if (m >= hi) break;
                (*total)++;
                d = m + 1;
            }
        }
        if (k == 0) continue;
        qrun_bind(&r, s, &e, avgdl);
        maxscore_prepare(&e);
        int single = e.ng == 1 && e.g[0].nc == 1 && e.g[0].c[0].nt > 1;
        uint32_t d = lo, end = 0;
        int have_ub = 0; /* ub is the bound of [d, end] (region cache) */
        double ub = 0;
        while (d < hi) {
            if (tk.n == tk.k) {
                if (single) e.g[0].c[0].prune_below = tk.h[0].score;
                e.ne = maxscore_ne(&e, tk.h[0].score);
                e.theta = tk.h[0].score;
                if (!have_ub || d > end) {
                    ub = 0;
                    end = SEG_END;
                    for (uint32_t g = 0; g < e.ng; g++)
                        for (uint32_t j = 0; j < e.g[g].nc; j++) {
                            uint32_t ce;
                            ub += clause_ub(&e.g[g].c[j], d, &ce, avgdl);
                            if (ce < end) end = ce;
                        }
                    have_ub = 1;
                }
                if (ub * (1.0 + 1e-9) < tk.h[0].score) {
                    if (end == SEG_END) break;
                    d = end + 1;
                    continue;
                }
            }
            uint32_t m = query_advance(&e, d);
            if (m >= hi) break;
            if (tk.n == tk.k && m > end) {
                d = m; /* new region: bound it first */
                continue;
            }
            hent he = {query_score(&e, m), (uint32_t)si, m};
            heap_push(&tk, he);
            d = m + 1;
        }
        for (size_t i = 0; i < r.nt; i++) corrupt |= r.curs[i].corrupt;
    }
    qrun_free(&r);
    for (size_t i = 0; i < tk.n; i++) {
        const dl_seg *sg = ix->segs[heap[i].seg];
        out[i] = (dl_scored){sg->docnos[heap[i].local], sg->days[heap[i].local], heap[i].score};
    }
    free(heap);
    dl_qsort(out, tk.n, sizeof *out, cmp_better);
    *nout = tk.n;
    if (corrupt) return dl_archive_fail(ix->ar, DL_ECORRUPT, "index: a posting block is corrupt");
    return DL_OK;
}
