/*
 * timeline.c -- dated timelines of a topic (dl_timeline_build), the
 * "date-wise" way of news-tls (Ghalandari & Ifrim 2020), unsupervised:
 *
 *  1. the topic's articles: those in [from, to] (copies left out) that hold
 *     a word of the query;
 *  2. date ranking: a day scores the articles published on it plus the
 *     sentences whose time expressions point at it; the best `dates` days;
 *  3. per day, candidate sentences: those pointing at the day, and the lead
 *     sentences (first five, no other date) of articles published that day
 *     or the next; clutter is dropped (sent.c);
 *  4. the candidates' TF-IDF centroid; sentences are picked by cosine to it
 *     (salience) with a bonus for holding query words, skipping any close to
 *     a sentence already picked (no repeats).
 * Work is linear in the topic's text plus a sort of its sentences.
 */
#include "timeline.h"
#include "../analyze/analyze.h"
#include "../store/store.h"
#include "../text/buf.h"

#include <math.h>
#include <stdio.h>

#define LEAD_SENTENCES 5
#define REPEAT_COSINE 0.5

typedef struct art {
    dl_annotation *a;
    dl_spanvec sents;
    dl_tldatevec dates;
} art;

typedef struct cand {
    uint32_t art, sent;
    double score;
} cand;

typedef DL_VEC(dl_termvec) vecvec;

void dl_timeline_free(dl_timeline *tl)
{
    if (!tl) return;
    for (size_t i = 0; i < tl->n_dates; i++) {
        for (size_t j = 0; j < tl->dates[i].n_lines; j++) free(tl->dates[i].lines[j].text);
        free(tl->dates[i].lines);
    }
    free(tl->dates);
    free(tl->query);
    free(tl);
}

/* ---- sparse vectors over term ids (term-sorted dl_termvec reused) ---- */

static double vnorm(const dl_termvec *v)
{
    double s = 0;
    for (size_t i = 0; i < v->n; i++) s += v->v[i].w * v->v[i].w;
    return sqrt(s);
}

static double vdot(const dl_termvec *a, const dl_termvec *b)
{
    size_t i = 0, j = 0;
    double s = 0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->v[i].term, b->v[j].term);
        if (c < 0) i++;
        else if (c > 0) j++;
        else s += a->v[i++].w * b->v[j++].w;
    }
    return s;
}

/* df table: a sorted vector of (term, count) built from article term sets */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t df_of(char **terms, size_t n, const char *t)
{
    /* terms is sorted with repeats: count = upper - lower */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (strcmp(terms[m], t) < 0) lo = m + 1;
        else hi = m;
    }
    size_t first = lo;
    hi = n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (strcmp(terms[m], t) <= 0) lo = m + 1;
        else hi = m;
    }
    return lo - first;
}

typedef struct tlctx {
    dl_stemmer *sm;
    art *arts;
    size_t n_arts;
    char **dfterms;   /* every article's distinct terms, sorted (owned strings) */
    size_t n_dfterms;
    dl_termvec q;     /* query stems */
} tlctx;

/* TF-IDF vector of one sentence (term-sorted). */
static int sent_vec(tlctx *c, const char *s, size_t n, dl_termvec *v)
{
    int rc = dl_text_terms(c->sm, s, n, NULL, v);
    if (rc) return rc;
    double N = (double)c->n_arts;
    for (size_t i = 0; i < v->n; i++) {
        double df = (double)df_of(c->dfterms, c->n_dfterms, v->v[i].term);
        v->v[i].w = (1.0 + log(v->v[i].w)) * log((N + 1.0) / (df + 1.0));
        if (v->v[i].w < 0) v->v[i].w = 0;
    }
    return DL_OK;
}

static int query_hits(const tlctx *c, const dl_termvec *v)
{
    int h = 0;
    for (size_t i = 0; i < c->q.n; i++)
        for (size_t j = 0; j < v->n; j++)
            if (strcmp(c->q.v[i].term, v->v[j].term) == 0) {
                h++;
                break;
            }
    return h;
}

typedef struct dayscore {
    int32_t day;
    double score;
} dayscore;

static int cmp_dayscore(const void *a, const void *b)
{
    const dayscore *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day;
}

static int cmp_day(const void *a, const void *b)
{
    const dayscore *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

/* Does sentence [s, e) of art hold a date expression?  Returns the first
 * day it points at through *day. */
static int sent_date(const art *ar, dl_span sp, int32_t *day)
{
    for (size_t i = 0; i < ar->dates.n; i++)
        if (ar->dates.v[i].at >= sp.start && ar->dates.v[i].at < sp.end) {
            *day = ar->dates.v[i].day;
            return 1;
        }
    return 0;
}

/* Loads the topic's articles. */
static int load_articles(dl_archive *ar, tlctx *c, int32_t lo, int32_t hi)
{
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT a.id, a.day, a.date, a.text, n.json FROM articles a"
            " LEFT JOIN annotations n ON n.docno = a.docno"
            " WHERE a.day BETWEEN ? AND ? AND a.dup_of IS NULL ORDER BY a.day, a.docno");
    if (!st) return DL_ESTORE;
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    DL_VEC(art) arts = {0};
    DL_VEC(char *) dft = {0};
    int rc = DL_OK, s;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
        dl_annotation *a = dl_calloc(1, sizeof *a);
        if (!a) {
            rc = DL_ENOMEM;
            break;
        }
        snprintf(a->id, sizeof a->id, "%s", (const char *)sqlite3_column_text(st, 0));
        a->day = (int32_t)sqlite3_column_int64(st, 1);
        snprintf(a->date, sizeof a->date, "%s", (const char *)sqlite3_column_text(st, 2));
        a->text_len = (size_t)sqlite3_column_bytes(st, 3);
        a->text = dl_strndup((const char *)sqlite3_column_text(st, 3), a->text_len);
        if (!a->text) {
            dl_annotation_free(a);
            rc = DL_ENOMEM;
            break;
        }
        dl_termvec tv = {0};
        rc = dl_text_terms(c->sm, a->text, a->text_len, NULL, &tv);
        int keep = !rc && (c->q.n == 0 || query_hits(c, &tv) > 0);
        if (keep && sqlite3_column_type(st, 4) != SQLITE_NULL) {
            int r2 = dl_annotation_from_json(a, (const char *)sqlite3_column_text(st, 4),
                                             (size_t)sqlite3_column_bytes(st, 4));
            if (r2 == DL_ENOMEM) rc = r2;
        }
        if (keep && !rc) {
            for (size_t i = 0; i < tv.n && !rc; i++) {
                rc = dl_vec_push(&dft, tv.v[i].term);
                if (!rc) tv.v[i].term = NULL;
            }
            art x = {a, {0}, {0}};
            if (!rc) rc = dl_tl_sentences(a, &x.sents);
            if (!rc) rc = dl_tl_dates(a, &x.dates);
            if (!rc) rc = dl_vec_push(&arts, x);
            if (rc) {
                dl_vec_free(&x.sents);
                dl_vec_free(&x.dates);
                dl_annotation_free(a);
            }
        } else {
            dl_annotation_free(a);
        }
        dl_terms_free(&tv);
    }
    if (!rc && s != SQLITE_DONE) rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    if (dft.n) qsort(dft.v, dft.n, sizeof *dft.v, cmp_str);
    c->arts = arts.v;
    c->n_arts = arts.n;
    c->dfterms = dft.v;
    c->n_dfterms = dft.n;
    return rc;
}

static void free_ctx(tlctx *c)
{
    for (size_t i = 0; i < c->n_arts; i++) {
        dl_annotation_free(c->arts[i].a);
        dl_vec_free(&c->arts[i].sents);
        dl_vec_free(&c->arts[i].dates);
    }
    free(c->arts);
    for (size_t i = 0; i < c->n_dfterms; i++) free(c->dfterms[i]);
    free(c->dfterms);
    dl_terms_free(&c->q);
    dl_stemmer_free(c->sm);
}

static int query_stems(dl_stemmer *sm, const char *q, dl_termvec *out)
{
    if (!q) return DL_OK;
    dl_termvec all = {0};
    int rc = dl_text_terms(sm, q, strlen(q), NULL, &all);
    for (size_t i = 0; !rc && i < all.n; i++) {
        /* "-word" excludes, OR is an operator: neither is a topic word */
        const char *t = all.v[i].term;
        const char *p = strstr(q, all.v[i].surface);
        if (!strcmp(all.v[i].surface, "OR") || (p && p > q && p[-1] == '-')) continue;
        dl_term x = {dl_strdup(t), dl_strdup(all.v[i].surface), 1};
        if (!x.term || !x.surface || dl_vec_push(out, x)) {
            free(x.term);
            free(x.surface);
            rc = DL_ENOMEM;
        }
    }
    dl_terms_free(&all);
    return rc;
}

/* Picks up to k sentences for day d into *lines. */
static int pick_for_day(tlctx *c, int32_t d, int k, vecvec *chosen,
                        dl_timeline_date *out)
{
    DL_VEC(cand) cs = {0};
    int rc = DL_OK;
    for (size_t i = 0; i < c->n_arts && !rc; i++) {
        const art *ar = &c->arts[i];
        int32_t pub = ar->a->day;
        int pub_near = pub == d || pub == d + 1;
        size_t clean = 0;
        for (size_t j = 0; j < ar->sents.n && !rc; j++) {
            dl_span sp = ar->sents.v[j];
            const char *s = ar->a->text + sp.start;
            size_t n = sp.end - sp.start;
            if (dl_tl_is_clutter(s, n) || n > 500) continue;
            clean++;
            int32_t md;
            int has = sent_date(ar, sp, &md);
            int ok = (has && md == d) || (!has && pub_near && clean <= LEAD_SENTENCES);
            if (!ok) continue;
            cand x = {(uint32_t)i, (uint32_t)j, (has && md == d) ? 1.0 : 0.0};
            /* position: leads carry the event */
            x.score += clean <= 2 ? 0.5 : 0;
            rc = dl_vec_push(&cs, x);
        }
    }
    /* centroid of the candidates */
    dl_termvec cen = {0};
    vecvec vecs = {0};
    if (!rc) rc = dl_vec_reserve(&vecs, cs.n);
    for (size_t i = 0; i < cs.n && !rc; i++) {
        const art *ar = &c->arts[cs.v[i].art];
        dl_span sp = ar->sents.v[cs.v[i].sent];
        dl_termvec v = {0};
        rc = sent_vec(c, ar->a->text + sp.start, sp.end - sp.start, &v);
        vecs.v[vecs.n++] = v;
        if (rc) break;
        double nv = vnorm(&v);
        for (size_t t = 0; nv > 0 && t < v.n; t++) v.v[t].w /= nv;
        /* merge into centroid (cheap: both sorted) */
        dl_termvec m = {0};
        size_t a = 0, b = 0;
        while (!rc && (a < cen.n || b < v.n)) {
            int cmp = a >= cen.n ? 1 : b >= v.n ? -1 : strcmp(cen.v[a].term, v.v[b].term);
            dl_term t;
            if (cmp < 0) t = cen.v[a++];
            else if (cmp > 0) { t = v.v[b]; t.term = dl_strdup(v.v[b].term); t.surface = NULL; b++; }
            else { t = cen.v[a++]; t.w += v.v[b++].w; }
            if (!t.term || dl_vec_push(&m, t)) {
                if (cmp > 0) free(t.term);
                rc = DL_ENOMEM;
            }
        }
        dl_vec_free(&cen);  /* terms moved into m */
        cen = m;
    }
    double cn = vnorm(&cen);
    for (size_t i = 0; i < cs.n && !rc; i++) {
        const dl_termvec *v = &vecs.v[i];
        double nv = vnorm(v);
        double cos = (cn > 0 && nv > 0) ? vdot(v, &cen) / (cn * nv) : 0;
        cs.v[i].score = cos + 0.15 * cs.v[i].score + 0.1 * (query_hits(c, v) > 0);
        /* very short or very long sentences read badly */
        if (v->n < 5) cs.v[i].score -= 0.3;
    }
    if (!rc && cs.n) {
        /* sort candidates with their vectors: sort an index */
        DL_VEC(size_t) order = {0};
        rc = dl_vec_reserve(&order, cs.n);
        if (!rc) {
            for (size_t i = 0; i < cs.n; i++) order.v[order.n++] = i;
            /* selection by repeated max: k is small */
            out->lines = dl_calloc((size_t)k, sizeof *out->lines);
            if (!out->lines) rc = DL_ENOMEM;
            for (int got = 0; !rc && got < k;) {
                size_t bi = SIZE_MAX;
                for (size_t i = 0; i < cs.n; i++)
                    if (cs.v[i].score > -1e8 && (bi == SIZE_MAX || cs.v[i].score > cs.v[bi].score))
                        bi = i;
                if (bi == SIZE_MAX) break;
                cs.v[bi].score = -1e9;
                const dl_termvec *v = &vecs.v[bi];
                double nv = vnorm(v);
                int dup = 0;
                for (size_t j = 0; j < chosen->n && !dup; j++) {
                    double nj = vnorm(&chosen->v[j]);
                    if (nv > 0 && nj > 0 && vdot(v, &chosen->v[j]) / (nv * nj) > REPEAT_COSINE)
                        dup = 1;
                }
                if (dup) continue;
                const art *ar = &c->arts[cs.v[bi].art];
                dl_span sp = ar->sents.v[cs.v[bi].sent];
                dl_timeline_line *ln = &out->lines[out->n_lines];
                ln->text = dl_strndup(ar->a->text + sp.start, sp.end - sp.start);
                if (!ln->text) {
                    rc = DL_ENOMEM;
                    break;
                }
                snprintf(ln->id, sizeof ln->id, "%s", ar->a->id);
                out->n_lines++;
                got++;
                /* the chosen vector moves to `chosen` */
                rc = dl_vec_push(chosen, vecs.v[bi]);
                if (!rc) memset(&vecs.v[bi], 0, sizeof vecs.v[bi]);
            }
        }
        dl_vec_free(&order);
    }
    for (size_t i = 0; i < vecs.n; i++) dl_terms_free(&vecs.v[i]);
    dl_vec_free(&vecs);
    for (size_t i = 0; i < cen.n; i++) free(cen.v[i].term);
    dl_vec_free(&cen);
    dl_vec_free(&cs);
    return rc;
}

int dl_timeline_build(dl_archive *ar, const char *query, const char *from, const char *to,
                      int ndates, int per_date, dl_timeline **out)
{
    *out = NULL;
    if (ndates <= 0) ndates = 10;
    if (per_date <= 0) per_date = 2;
    int32_t lo = INT32_MIN / 2, hi = INT32_MAX / 2;
    if ((from && dl_date_parse(from, strlen(from), &lo)) ||
        (to && dl_date_parse(to, strlen(to), &hi)))
        return dl_archive_fail(ar, DL_EINVAL, "dates are YYYY-MM-DD");
    tlctx c;
    memset(&c, 0, sizeof c);
    c.sm = dl_stemmer_new();
    if (!c.sm) return DL_ENOMEM;
    int rc = query_stems(c.sm, query, &c.q);
    if (!rc) rc = load_articles(ar, &c, lo, hi);
    dl_timeline *tl = dl_calloc(1, sizeof *tl);
    if (!tl) rc = DL_ENOMEM;
    else tl->query = dl_strdup(query ? query : "");
    if (!rc && !tl->query) rc = DL_ENOMEM;

    /* date scores: publications plus mentions, inside [lo, hi] */
    DL_VEC(dayscore) ds = {0};
    for (size_t i = 0; i < c.n_arts && !rc; i++) {
        const art *a = &c.arts[i];
        dayscore x = {a->a->day, 1.0};
        rc = dl_vec_push(&ds, x);
        for (size_t j = 0; j < a->dates.n && !rc; j++) {
            int32_t d = a->dates.v[j].day;
            if (d < lo || d > hi || d > a->a->day) continue;
            dayscore y = {d, 2.0};
            rc = dl_vec_push(&ds, y);
        }
    }
    if (!rc && ds.n) {
        qsort(ds.v, ds.n, sizeof *ds.v, cmp_day);
        size_t m = 0;
        for (size_t i = 0; i < ds.n; i++) {
            if (m && ds.v[m - 1].day == ds.v[i].day) ds.v[m - 1].score += ds.v[i].score;
            else ds.v[m++] = ds.v[i];
        }
        ds.n = m;
        qsort(ds.v, ds.n, sizeof *ds.v, cmp_dayscore);
    }
    vecvec chosen = {0};
    if (!rc && ds.n) {
        size_t k = ds.n < (size_t)ndates ? ds.n : (size_t)ndates;
        qsort(ds.v, k, sizeof *ds.v, cmp_day);
        tl->dates = dl_calloc(k, sizeof *tl->dates);
        if (!tl->dates) rc = DL_ENOMEM;
        for (size_t i = 0; i < k && !rc; i++) {
            dl_timeline_date *td = &tl->dates[tl->n_dates];
            dl_date_format(ds.v[i].day, td->date);
            rc = pick_for_day(&c, ds.v[i].day, per_date, &chosen, td);
            if (td->n_lines || td->lines) tl->n_dates++;
            if (!td->n_lines && td->lines) {
                free(td->lines);
                td->lines = NULL;
                tl->n_dates--;
            }
        }
    }
    for (size_t i = 0; i < chosen.n; i++) dl_terms_free(&chosen.v[i]);
    dl_vec_free(&chosen);
    dl_vec_free(&ds);
    free_ctx(&c);
    if (rc) {
        dl_timeline_free(tl);
        return rc;
    }
    *out = tl;
    return DL_OK;
}

char *dl_timeline_json(const dl_timeline *tl, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"query\": ");
    dl_json_strz(&b, tl->query);
    dl_buf_adds(&b, ", \"timeline\": [");
    for (size_t i = 0; i < tl->n_dates; i++) {
        if (i) dl_buf_adds(&b, ", ");
        dl_buf_adds(&b, "{\"date\": ");
        dl_json_strz(&b, tl->dates[i].date);
        dl_buf_adds(&b, ", \"lines\": [");
        for (size_t j = 0; j < tl->dates[i].n_lines; j++) {
            if (j) dl_buf_adds(&b, ", ");
            dl_buf_adds(&b, "{\"text\": ");
            dl_json_strz(&b, tl->dates[i].lines[j].text);
            dl_buf_adds(&b, ", \"id\": ");
            dl_json_strz(&b, tl->dates[i].lines[j].id);
            dl_buf_addc(&b, '}');
        }
        dl_buf_adds(&b, "]}");
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}
