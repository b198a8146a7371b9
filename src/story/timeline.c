/*
 * timeline.c -- dated timelines of a topic (dl_timeline_build), following
 * news-tls DATEWISE (Ghalandari & Ifrim 2020), unsupervised:
 *
 *  1. the topic: the articles published in [from, to] (copies left out)
 *     that hold a word of the query, from the search index (dl_search_docs
 *     with the query's words joined by OR); they are split into sentences, each
 *     sentence a TF-IDF vector (IDF over the topic's sentences, sublinear
 *     TF, L2-normalised), the day its first resolved time expression points
 *     at (its "mention"), and whether it holds a query word;
 *  2. date ranking: a day in [from, to] scores the topic's articles
 *     published on it plus the sentences that mention it (published on or
 *     after it); the best days are taken in rank order;
 *  3. per day d, candidate sentences (news-tls PM-Mean collector): P = the
 *     first LEAD_SENTENCES sentences of articles published on d (unless
 *     they point at another day), M = the
 *     sentences mentioning d published within MENTION_LAG days after it.
 *     When both exist, a day vector keeps the terms present in both
 *     centroids (the mean of the two weights); the sentences whose cosine
 *     to it lies above the knee of the sorted similarities are kept;
 *  4. per day, the summary (news-tls CentroidOpt): greedily add the
 *     candidate that brings the summary's vector closest (cosine) to the
 *     candidates' centroid, among sentences that hold a query word, have a
 *     readable length (MIN_WORDS..MAX_WORDS words) and no quotation marks
 *     (a line says what happened; quotes comment on it) -- when a day has
 *     no such sentence, quotes and up to twice the length are allowed: a
 *     top-ranked day is never dropped for its sentences' form -- and are
 *     not near-repeats (cosine > REPEAT_COSINE) of
 *     a sentence already in the timeline.  A day without such a sentence
 *     is skipped and the next ranked day taken.
 * Every step is linear in the topic's text, except sorts (n log n) and the
 * per-day greedy pick (candidates x per_date).  Ownership: everything built
 * here is freed before return except *out (dl_timeline_free).
 */
#include "timeline.h"
#include "../analyze/analyze.h"
#include "../store/store.h"
#include "../text/buf.h"
#include "../text/token.h"

#include <math.h>
#include <stdio.h>

#define LEAD_SENTENCES 5
#define MENTION_LAG 7        /* days a mention may be published after its day */
#define REPEAT_COSINE 0.5
#define MIN_WORDS 6
#define MAX_WORDS 30         /* longer lines only when a day has no other */
#define MAX_SENT_BYTES 400
#define TOPIC_MAX_ARTICLES 20000 /* the index's best; a topic rarely has more */

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

/* ------------------------------------------------------- vocabulary */

/* Stems -> dense ids, open addressing (FNV-1a).  Owns its strings. */
typedef struct vocab {
    char **key;
    uint32_t *id;
    uint32_t *hv;   /* each key's hash, compared before the key */
    size_t cap, n;
} vocab;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void vocab_free(vocab *v)
{
    for (size_t i = 0; i < v->cap; i++) free(v->key[i]);
    free(v->key);
    free(v->id);
    free(v->hv);
    memset(v, 0, sizeof *v);
}

static int vocab_grow(vocab *v)
{
    size_t nc = v->cap ? v->cap * 2 : 4096;
    char **nk = dl_calloc(nc, sizeof *nk);
    uint32_t *ni = dl_calloc(nc, sizeof *ni);
    uint32_t *nh = dl_calloc(nc, sizeof *nh);
    if (!nk || !ni || !nh) {
        free(nk);
        free(ni);
        free(nh);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < v->cap; i++) {
        if (!v->key[i]) continue;
        size_t h = (size_t)fnv(v->key[i]) & (nc - 1);
        while (nk[h]) h = (h + 1) & (nc - 1);
        nk[h] = v->key[i];
        ni[h] = v->id[i];
        nh[h] = v->hv[i];
    }
    free(v->key);
    free(v->id);
    free(v->hv);
    v->key = nk;
    v->id = ni;
    v->hv = nh;
    v->cap = nc;
    return DL_OK;
}

/* The id of stem s (added when absent and add != 0); UINT32_MAX when
 * absent, or on OOM (*rc set). */
static uint32_t vocab_get(vocab *v, const char *s, int add, int *rc)
{
    if (add && (v->n + 1) * 2 > v->cap && vocab_grow(v)) {
        *rc = DL_ENOMEM;
        return UINT32_MAX;
    }
    if (!v->cap) return UINT32_MAX;
    uint64_t full = fnv(s);
    uint32_t hv = (uint32_t)(full >> 32);
    size_t h = (size_t)full & (v->cap - 1);
    while (v->key[h]) {
        if (v->hv[h] == hv && strcmp(v->key[h], s) == 0) return v->id[h];
        h = (h + 1) & (v->cap - 1);
    }
    if (!add) return UINT32_MAX;
    v->key[h] = dl_strdup(s);
    if (!v->key[h]) {
        *rc = DL_ENOMEM;
        return UINT32_MAX;
    }
    v->hv[h] = hv;
    v->id[h] = (uint32_t)v->n++;
    return v->id[h];
}

/* ------------------------------------------------------- the topic */

typedef struct tsent {
    uint32_t art;
    uint32_t start, end;   /* the line's bytes in the article's text */
    uint32_t t0, nt;       /* its terms: pool[t0, t0 + nt), id-sorted */
    int32_t pub, ment;     /* publication day; mentioned day or INT32_MIN */
    uint16_t pos;          /* index among the article's clean sentences */
    uint16_t words;
    uint8_t query, clean;
    uint8_t quoted;        /* holds a quotation mark, or reads like a caption */
} tsent;

typedef struct tterm {
    uint32_t id;
    float w;
} tterm;

typedef struct tlctx {
    dl_stemmer *sm;
    vocab voc;
    vocab words;                   /* token bytes -> term id, or NO_TERM */
    DL_VEC(uint32_t) qids;         /* query term ids */
    DL_VEC(dl_annotation *) arts;  /* owned */
    DL_VEC(tsent) sents;
    DL_VEC(tterm) pool;
    DL_VEC(uint32_t) df;           /* sentence frequency per term id */
    double *dense;                 /* scratch, one slot per term id */
    double *dense2;
} tlctx;

static void free_ctx(tlctx *c)
{
    for (size_t i = 0; i < c->arts.n; i++) dl_annotation_free(c->arts.v[i]);
    dl_vec_free(&c->arts);
    dl_vec_free(&c->sents);
    dl_vec_free(&c->pool);
    dl_vec_free(&c->df);
    dl_vec_free(&c->qids);
    vocab_free(&c->voc);
    vocab_free(&c->words);
    free(c->dense);
    free(c->dense2);
    dl_stemmer_free(c->sm);
}

static int cmp_tterm(const void *a, const void *b)
{
    const tterm *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Skips a wire dateline at the start of a lead ("CITY | Mon Apr 27, 2009
 * 4:05pm EDT CITY (Reuters) - ", "CITY (CNN) -- ", "By Jane Doe, Editor
 * CITY (AP) - "): returns the offset of the first word of the news. */
static uint32_t skip_dateline(const char *t, uint32_t s, uint32_t e)
{
    uint32_t lim = e - s > 240 ? s + 240 : e;
    for (uint32_t i = s; i + 4 < lim; i++) {
        if (t[i] != ')') continue;
        /* ") - ", ") -- ", ") — " */
        uint32_t j = i + 1;
        if (t[j] != ' ') continue;
        j++;
        uint32_t k = j;
        while (k < lim && t[k] == '-') k++;
        if (k == j && k + 2 < lim && (unsigned char)t[k] == 0xE2 &&
            (unsigned char)t[k + 1] == 0x80 && ((unsigned char)t[k + 2] == 0x94 ||
                                                (unsigned char)t[k + 2] == 0x93))
            k += 3;
        if (k == j || k >= lim || t[k] != ' ') continue;
        /* the bracket must hold a short capitalised name: (Reuters), (CNN) */
        uint32_t o = i;
        while (o > s && t[o - 1] != '(' && i - o < 30) o--;
        if (o == s || t[o - 1] != '(' || !(t[o] >= 'A' && t[o] <= 'Z')) continue;
        return k + 1;
    }
    /* "ADDIS ABABA, Ethiopia — ", "LONDON - ": a run of capitals, an
     * optional ", Place", then a dash; and a dash left over at the start */
    uint32_t i = s;
    while (i < lim && ((t[i] >= 'A' && t[i] <= 'Z') || t[i] == ' ' || t[i] == '.' || t[i] == '\''))
        i++;
    if (i - s >= 4 && i < lim && t[i] == ',') {
        i++;
        while (i < lim && i - s < 60 && t[i] != '-' && (unsigned char)t[i] != 0xE2 && t[i] != '.')
            i++;
    }
    if (i - s >= 4 || i == s) {
        uint32_t k = i;
        while (k < lim && t[k] == ' ') k++;
        uint32_t d = k;
        while (d < lim && t[d] == '-') d++;
        if (d == k && d + 2 < lim && (unsigned char)t[d] == 0xE2 && (unsigned char)t[d + 1] == 0x80 &&
            ((unsigned char)t[d + 2] == 0x94 || (unsigned char)t[d + 2] == 0x93))
            d += 3;
        if (d > k && d < lim && t[d] == ' ' && (i > s || k == s)) return d + 1;
    }
    return s;
}

#define NO_TERM (UINT32_MAX - 1)

/* The term id of the word token w[0, n) (stop words: NO_TERM), through a
 * cache of the words seen, so that each distinct word is stemmed once. */
static uint32_t word_id(tlctx *c, const char *w, size_t n, int *rc)
{
    char key[48], stem[256];
    if (n >= sizeof key) return NO_TERM;
    memcpy(key, w, n);
    key[n] = 0;
    uint32_t id = vocab_get(&c->words, key, 0, rc);
    if (id != UINT32_MAX) return id;
    id = NO_TERM;
    if (dl_stem_word(c->sm, w, n, stem, sizeof stem)) id = vocab_get(&c->voc, stem, 1, rc);
    if (*rc) return NO_TERM;
    /* remember it: vocab_get numbers keys itself, so keep the id beside */
    uint32_t slot = vocab_get(&c->words, key, 1, rc);
    if (*rc) return NO_TERM;
    (void)slot;
    size_t h = (size_t)fnv(key) & (c->words.cap - 1);
    while (strcmp(c->words.key[h], key) != 0) h = (h + 1) & (c->words.cap - 1);
    c->words.id[h] = id;
    return id;
}

static int is_query(const tlctx *c, uint32_t id)
{
    for (size_t i = 0; i < c->qids.n; i++)
        if (c->qids.v[i] == id) return 1;
    return 0;
}

static int cmp_span(const void *a, const void *b)
{
    const dl_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_tldate(const void *a, const void *b)
{
    const dl_tldate *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Splits article ai into sentences with their terms, mentions, flags; the
 * annotation's JSON (may be NULL) gives sentences and dates, else they are
 * found in the text.  *hit: the article holds a query word. */
static int add_article(tlctx *c, uint32_t ai, int32_t lo, int32_t hi, const char *json,
                       size_t jlen, int *hit)
{
    const dl_annotation *a = c->arts.v[ai];
    dl_spanvec sp = {0};
    dl_tldatevec dates = {0};
    dl_tokvec toks = {0};
    int rc = json ? dl_tl_read_annotation(json, jlen, a->text_len, &sp, &dates) : DL_OK;
    if (!rc && !sp.n) rc = dl_tl_sentences(a, &sp);
    if (!rc && !dates.n) rc = dl_tl_dates(a, &dates);
    if (!rc) {
        for (size_t i = 1; i < sp.n; i++)
            if (sp.v[i].start < sp.v[i - 1].start) {
                dl_qsort(sp.v, sp.n, sizeof *sp.v, cmp_span);
                break;
            }
        for (size_t i = 1; i < dates.n; i++)
            if (dates.v[i].at < dates.v[i - 1].at) {
                dl_qsort(dates.v, dates.n, sizeof *dates.v, cmp_tldate);
                break;
            }
    }
    if (!rc && dl_tokenize(a->text, a->text_len, &toks)) rc = DL_ENOMEM;
    size_t ti = 0, di = 0;
    uint16_t clean = 0;
    *hit = !c->qids.n;
    for (size_t k = 0; k < sp.n && !rc; k++) {
        uint32_t s = sp.v[k].start, e = sp.v[k].end;
        if (k < 2) s = skip_dateline(a->text, s, e);
        /* a bullet's dash */
        if (e - s > 2 && a->text[s] == '-' && a->text[s + 1] == ' ') s += 2;
        else if (e - s > 4 && (unsigned char)a->text[s] == 0xE2 &&
                 (unsigned char)a->text[s + 1] == 0x80 &&
                 ((unsigned char)a->text[s + 2] == 0x94 || (unsigned char)a->text[s + 2] == 0x93) &&
                 a->text[s + 3] == ' ')
            s += 4;
        tsent x;
        memset(&x, 0, sizeof x);
        x.art = ai;
        x.start = s;
        x.end = e;
        x.pub = a->day;
        x.ment = INT32_MIN;
        x.t0 = (uint32_t)c->pool.n;
        while (di < dates.n && dates.v[di].at < sp.v[k].start) di++;
        if (di < dates.n && dates.v[di].at < e) {
            int32_t d = dates.v[di].day;
            if (d >= lo && d <= hi && d <= a->day) x.ment = d;
        }
        /* only leads and mentions are ever candidates: the clutter test
         * (the costly part) is for them */
        x.pos = UINT16_MAX;
        if (clean < LEAD_SENTENCES || x.ment != INT32_MIN) {
            x.clean = !dl_tl_is_clutter(a->text + s, e - s) && e - s <= MAX_SENT_BYTES;
            if (x.clean) x.pos = clean < UINT16_MAX - 1 ? clean++ : clean;
        }
        unsigned words = 0;
        while (ti < toks.n && toks.v[ti].start < sp.v[k].start) ti++;
        for (; ti < toks.n && toks.v[ti].end <= sp.v[k].end && !rc; ti++) {
            const dl_token *t = &toks.v[ti];
            if (t->kind != DL_TOK_WORD || t->end - t->start > 40) continue;
            if (t->start < s) continue;
            words++;
            uint32_t id = word_id(c, a->text + t->start, t->end - t->start, &rc);
            if (rc) break;
            if (id == NO_TERM) continue;
            tterm tt = {id, 1.0f};
            rc = dl_vec_push(&c->pool, tt);
            if (is_query(c, id)) x.query = 1, *hit = 1;
        }
        if (rc) break;
        x.words = words > UINT16_MAX ? UINT16_MAX : (uint16_t)words;
        x.quoted = dl_tl_is_caption(a->text + s, e - s) || memchr(a->text + s, '"', e - s) || memmem(a->text + s, e - s, "\xe2\x80\x9c", 3) ||
                   memmem(a->text + s, e - s, "\xe2\x80\x9d", 3);
        /* sort and merge the sentence's terms into counts */
        tterm *v = c->pool.v + x.t0;
        size_t n = c->pool.n - x.t0, m = 0;
        dl_qsort(v, n, sizeof *v, cmp_tterm);
        for (size_t i = 0; i < n; i++) {
            if (m && v[m - 1].id == v[i].id) v[m - 1].w += 1.0f;
            else v[m++] = v[i];
        }
        c->pool.n = x.t0 + m;
        x.nt = (uint32_t)m;
        if (!m) continue;
        rc = dl_vec_push(&c->sents, x);
    }
    dl_vec_free(&sp);
    dl_vec_free(&dates);
    dl_vec_free(&toks);
    return rc;
}

/* Adds the article of the current row of st (id, day, date, text, json):
 * kept when it holds a query word. */
static int add_row(tlctx *c, sqlite3_stmt *st, int32_t lo, int32_t hi)
{
    const char *text = (const char *)sqlite3_column_text(st, 3);
    size_t tl = (size_t)sqlite3_column_bytes(st, 3);
    if (!text) return DL_OK;
    dl_annotation *a = dl_calloc(1, sizeof *a);
    if (!a) return DL_ENOMEM;
    snprintf(a->id, sizeof a->id, "%s", (const char *)sqlite3_column_text(st, 0));
    a->day = (int32_t)sqlite3_column_int64(st, 1);
    snprintf(a->date, sizeof a->date, "%s", (const char *)sqlite3_column_text(st, 2));
    a->text_len = tl;
    a->text = dl_strndup(text, tl);
    if (!a->text || dl_vec_push(&c->arts, a)) {
        dl_annotation_free(a);
        return DL_ENOMEM;
    }
    size_t ns = c->sents.n, np = c->pool.n;
    int hit = 0;
    /* the analysis's sentences and dates; without them (or with a bad
     * annotation) the text is split and dated here */
    const char *json = (const char *)sqlite3_column_text(st, 4);
    int rc = add_article(c, (uint32_t)(c->arts.n - 1), lo, hi, json,
                         json ? (size_t)sqlite3_column_bytes(st, 4) : 0, &hit);
    if (!rc && !hit) {
        /* off topic: forget it */
        c->sents.n = ns;
        c->pool.n = np;
        dl_annotation_free(c->arts.v[--c->arts.n]);
    }
    return rc;
}

static int cmp_scored_day(const void *a, const void *b)
{
    const dl_scored *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/* The query for the index: the topic is the articles holding any of the
 * query's words (news-tls keyword filtering), so plain words are joined
 * with OR; a query with its own operators or phrases is taken as it is. */
static char *topic_query(const char *q)
{
    if (strchr(q, '"') || strstr(q, " OR ") || strchr(q, '-')) return dl_strdup(q);
    dl_buf b = {0};
    dl_tokvec toks = {0};
    if (dl_tokenize(q, strlen(q), &toks)) return NULL;
    for (size_t i = 0; i < toks.n; i++) {
        if (toks.v[i].kind == DL_TOK_PUNCT) continue;
        if (b.n) dl_buf_adds(&b, " OR ");
        dl_buf_add(&b, q + toks.v[i].start, toks.v[i].end - toks.v[i].start);
    }
    dl_vec_free(&toks);
    if (b.err || !b.n) {
        dl_buf_free(&b);
        return b.err ? NULL : dl_strdup(q);
    }
    return dl_buf_detach(&b, NULL);
}

/* Loads the topic's articles (published in [lo, hi], not copies, holding a
 * query word) and their sentences: through the search index (the best
 * TOPIC_MAX_ARTICLES by BM25), or, for an empty query or an archive
 * without an index, by reading every article in the range.  An archive
 * without the tables gives an empty topic, not an error. */
static int load_topic(dl_archive *ar, tlctx *c, const char *query, int32_t lo, int32_t hi)
{
    int rc = DL_ESYNTAX;
    dl_scored *docs = NULL;
    size_t nd = 0;
    if (query && *query) {
        char *tq = topic_query(query);
        if (!tq) return DL_ENOMEM;
        rc = dl_search_docs(ar, tq, lo, hi, TOPIC_MAX_ARTICLES, &docs, &nd, NULL);
        free(tq);
    }
    if (rc == DL_OK) {
        sqlite3_stmt *st = dl_archive_prepare(
            ar, "SELECT a.id, a.day, a.date, a.text, n.json FROM articles a"
                " LEFT JOIN annotations n ON n.docno = a.docno"
                " WHERE a.docno = ? AND a.dup_of IS NULL");
        if (!st) {
            dl_free(docs);
            return dl_story_schema_missing(ar) ? DL_OK : DL_ESTORE;
        }
        /* in date order, as the scan reads them */
        if (nd) dl_qsort(docs, nd, sizeof *docs, cmp_scored_day);
        for (size_t i = 0; i < nd && !rc; i++) {
            sqlite3_bind_int64(st, 1, docs[i].docno);
            int s = sqlite3_step(st);
            if (s == SQLITE_ROW) rc = add_row(c, st, lo, hi);
            else if (s != SQLITE_DONE)
                rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        dl_free(docs);
        return rc;
    }
    if (rc != DL_ESYNTAX && rc != DL_ESTORE && rc != DL_ENOTFOUND && rc != DL_ECORRUPT)
        return rc;
    /* no index (or nothing to search for): read the range */
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT a.id, a.day, a.date, a.text, n.json FROM articles a"
            " LEFT JOIN annotations n ON n.docno = a.docno"
            " WHERE a.day BETWEEN ? AND ? AND a.dup_of IS NULL ORDER BY a.day, a.docno");
    if (!st) /* e.g. an older archive opened read-only: nothing to show */
        return dl_story_schema_missing(ar) ? DL_OK : DL_ESTORE;
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    int s;
    rc = DL_OK;
    while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) rc = add_row(c, st, lo, hi);
    if (!rc && s != SQLITE_DONE) rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    return rc;
}

/* TF-IDF weights over the topic's sentences, L2-normalised per sentence. */
static int weigh(tlctx *c)
{
    size_t V = c->voc.n;
    if (dl_vec_reserve(&c->df, V ? V : 1)) return DL_ENOMEM;
    c->df.n = V;
    memset(c->df.v, 0, V * sizeof *c->df.v);
    for (size_t i = 0; i < c->pool.n; i++) c->df.v[c->pool.v[i].id]++;
    double N = (double)c->sents.n;
    for (size_t k = 0; k < c->sents.n; k++) {
        tsent *x = &c->sents.v[k];
        double nn = 0;
        for (uint32_t i = 0; i < x->nt; i++) {
            tterm *t = &c->pool.v[x->t0 + i];
            double idf = log((N + 1.0) / (c->df.v[t->id] + 1.0)) + 1.0;
            double w = (1.0 + log(t->w)) * idf;
            t->w = (float)w;
            nn += w * w;
        }
        nn = sqrt(nn);
        for (uint32_t i = 0; nn > 0 && i < x->nt; i++) c->pool.v[x->t0 + i].w /= (float)nn;
    }
    c->dense = dl_calloc(V ? V : 1, sizeof *c->dense);
    c->dense2 = dl_calloc(V ? V : 1, sizeof *c->dense2);
    return c->dense && c->dense2 ? DL_OK : DL_ENOMEM;
}

/* ------------------------------------------------------- dates */

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

/* Days ranked by publications plus mentions (best first). */
static int rank_days(const tlctx *c, int32_t lo, int32_t hi, dayscore **out, size_t *n)
{
    DL_VEC(dayscore) ds = {0};
    int rc = DL_OK;
    for (size_t i = 0; i < c->arts.n && !rc; i++) {
        dayscore x = {c->arts.v[i]->day, 1.0};
        if (x.day >= lo && x.day <= hi) rc = dl_vec_push(&ds, x);
    }
    for (size_t k = 0; k < c->sents.n && !rc; k++) {
        if (c->sents.v[k].ment == INT32_MIN) continue;
        dayscore x = {c->sents.v[k].ment, 1.0};
        rc = dl_vec_push(&ds, x);
    }
    if (!rc && ds.n) {
        dl_qsort(ds.v, ds.n, sizeof *ds.v, cmp_day);
        size_t m = 0;
        for (size_t i = 0; i < ds.n; i++) {
            if (m && ds.v[m - 1].day == ds.v[i].day) ds.v[m - 1].score += ds.v[i].score;
            else ds.v[m++] = ds.v[i];
        }
        ds.n = m;
        dl_qsort(ds.v, ds.n, sizeof *ds.v, cmp_dayscore);
    }
    if (rc) {
        dl_vec_free(&ds);
        return rc;
    }
    *out = ds.v;
    *n = ds.n;
    return DL_OK;
}

/* ------------------------------------------------------- per day */

typedef DL_VEC(uint32_t) idvec;

/* Index of sentences by a day key, for O(1) lookups per day: the sentence
 * numbers sorted by key. */
typedef struct dayidx {
    int32_t *key;
    uint32_t *sent;
    size_t n;
} dayidx;

static size_t lower_bound(const dayidx *x, int32_t d)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (x->key[m] < d) lo = m + 1;
        else hi = m;
    }
    return lo;
}

typedef struct keyed {
    int32_t key;
    uint32_t sent;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->sent < y->sent ? -1 : x->sent > y->sent;
}

static int build_idx(const tlctx *c, int ment, dayidx *out)
{
    DL_VEC(keyed) v = {0};
    for (size_t k = 0; k < c->sents.n; k++) {
        const tsent *x = &c->sents.v[k];
        if (!x->clean) continue;
        keyed e = {ment ? x->ment : x->pub, (uint32_t)k};
        if (ment && (x->ment == INT32_MIN || x->pub > x->ment + MENTION_LAG)) continue;
        if (!ment && x->pos >= LEAD_SENTENCES) continue;
        if (dl_vec_push(&v, e)) {
            dl_vec_free(&v);
            return DL_ENOMEM;
        }
    }
    if (v.n) dl_qsort(v.v, v.n, sizeof *v.v, cmp_keyed);
    out->key = dl_malloc((v.n ? v.n : 1) * sizeof *out->key);
    out->sent = dl_malloc((v.n ? v.n : 1) * sizeof *out->sent);
    if (!out->key || !out->sent) {
        dl_vec_free(&v);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < v.n; i++) out->key[i] = v.v[i].key, out->sent[i] = v.v[i].sent;
    out->n = v.n;
    dl_vec_free(&v);
    return DL_OK;
}

static void free_idx(dayidx *x)
{
    free(x->key);
    free(x->sent);
}

/* dense[] += f * sentence k */
static void dense_add(double *dense, const tlctx *c, uint32_t k, double f)
{
    const tsent *x = &c->sents.v[k];
    for (uint32_t i = 0; i < x->nt; i++) dense[c->pool.v[x->t0 + i].id] += f * c->pool.v[x->t0 + i].w;
}

static void dense_clear(double *dense, const tlctx *c, const idvec *ks)
{
    for (size_t j = 0; j < ks->n; j++) {
        const tsent *x = &c->sents.v[ks->v[j]];
        for (uint32_t i = 0; i < x->nt; i++) dense[c->pool.v[x->t0 + i].id] = 0;
    }
}

static double dense_dot(const double *dense, const tlctx *c, uint32_t k)
{
    const tsent *x = &c->sents.v[k];
    double s = 0;
    for (uint32_t i = 0; i < x->nt; i++) s += dense[c->pool.v[x->t0 + i].id] * c->pool.v[x->t0 + i].w;
    return s;
}

static double sent_cos(const tlctx *c, uint32_t a, uint32_t b)
{
    const tsent *x = &c->sents.v[a], *y = &c->sents.v[b];
    const tterm *p = c->pool.v + x->t0, *q = c->pool.v + y->t0;
    uint32_t i = 0, j = 0;
    double s = 0;
    while (i < x->nt && j < y->nt) {
        if (p[i].id < q[j].id) i++;
        else if (p[i].id > q[j].id) j++;
        else s += (double)p[i++].w * q[j++].w;
    }
    return s; /* both unit length */
}

static int cmp_double_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* The knee of a descending curve: the point farthest from the line joining
 * its ends (news-tls detect_knee_point). */
static size_t knee(const double *v, size_t n)
{
    if (n < 3) return n ? n - 1 : 0;
    double x1 = 0, y1 = v[0], x2 = (double)(n - 1), y2 = v[n - 1];
    double dx = x2 - x1, dy = y2 - y1, len = sqrt(dx * dx + dy * dy);
    size_t best = 0;
    double bd = -1;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(dy * (double)i - dx * v[i] + x2 * y1 - y2 * x1) / len;
        if (d > bd) bd = d, best = i;
    }
    return best;
}

/* The candidate sentences of day d (PM-Mean) into *cands. */
static int collect(tlctx *c, const dayidx *pub, const dayidx *ment, int32_t d, idvec *cands)
{
    idvec P = {0}, M = {0};
    int rc = DL_OK;
    for (size_t i = lower_bound(pub, d); i < pub->n && pub->key[i] == d && !rc; i++) {
        int32_t m = c->sents.v[pub->sent[i]].ment;
        /* a lead about another day tells that day's news */
        if (m != INT32_MIN && m != d) continue;
        rc = dl_vec_push(&P, pub->sent[i]);
    }
    for (size_t i = lower_bound(ment, d); i < ment->n && ment->key[i] == d && !rc; i++)
        rc = dl_vec_push(&M, ment->sent[i]);
    if (!rc && P.n && M.n) {
        double *cp = c->dense, *cm = c->dense2;
        for (size_t i = 0; i < P.n; i++) dense_add(cp, c, P.v[i], 1.0);
        for (size_t i = 0; i < M.n; i++) dense_add(cm, c, M.v[i], 1.0);
        /* the day vector: terms of both centroids, mean weight, into cp */
        for (size_t j = 0; j < P.n; j++) {
            const tsent *x = &c->sents.v[P.v[j]];
            for (uint32_t i = 0; i < x->nt; i++) {
                uint32_t id = c->pool.v[x->t0 + i].id;
                if (cm[id] > 0 && cp[id] > 0) cp[id] = -(cp[id] / P.n + cm[id] / M.n) / 2;
                else if (cp[id] > 0) cp[id] = 0;
            }
        }
        for (size_t j = 0; j < P.n; j++) {
            const tsent *x = &c->sents.v[P.v[j]];
            for (uint32_t i = 0; i < x->nt; i++) {
                uint32_t id = c->pool.v[x->t0 + i].id;
                if (cp[id] < 0) cp[id] = -cp[id];
            }
        }
        double nn = 0;
        for (size_t j = 0; j < P.n; j++) {
            const tsent *x = &c->sents.v[P.v[j]];
            for (uint32_t i = 0; i < x->nt; i++) {
                uint32_t id = c->pool.v[x->t0 + i].id;
                /* count each term once: mark with cm = -1 */
                if (cm[id] >= 0 && cp[id] > 0) nn += cp[id] * cp[id], cm[id] = -1;
            }
        }
        nn = sqrt(nn);
        DL_VEC(double) sims = {0};
        rc = dl_vec_reserve(&sims, P.n + M.n);
        if (!rc) {
            for (size_t i = 0; i < P.n; i++)
                sims.v[sims.n++] = nn > 0 ? dense_dot(cp, c, P.v[i]) / nn : 0;
            for (size_t i = 0; i < M.n; i++)
                sims.v[sims.n++] = nn > 0 ? dense_dot(cp, c, M.v[i]) / nn : 0;
            DL_VEC(double) sorted = {0};
            rc = dl_vec_reserve(&sorted, sims.n);
            if (!rc) {
                memcpy(sorted.v, sims.v, sims.n * sizeof *sims.v);
                sorted.n = sims.n;
                dl_qsort(sorted.v, sorted.n, sizeof *sorted.v, cmp_double_desc);
                double thr = sorted.v[knee(sorted.v, sorted.n)];
                for (size_t i = 0; i < P.n && !rc; i++)
                    if (sims.v[i] > 0 && sims.v[i] >= thr) rc = dl_vec_push(cands, P.v[i]);
                for (size_t i = 0; i < M.n && !rc; i++)
                    if (sims.v[P.n + i] > 0 && sims.v[P.n + i] >= thr)
                        rc = dl_vec_push(cands, M.v[i]);
            }
            dl_vec_free(&sorted);
        }
        dl_vec_free(&sims);
        dense_clear(cp, c, &P);
        dense_clear(cm, c, &P);
        dense_clear(cm, c, &M);
    }
    if (!rc && !cands->n) {
        for (size_t i = 0; i < P.n && !rc; i++) rc = dl_vec_push(cands, P.v[i]);
        for (size_t i = 0; i < M.n && !rc; i++) rc = dl_vec_push(cands, M.v[i]);
    }
    dl_vec_free(&P);
    dl_vec_free(&M);
    return rc;
}

/* Is sentence k a candidate line at relax level 0, 1 or 2 (see below)? */
static int readable(const tlctx *c, uint32_t k, int relax)
{
    const tsent *x = &c->sents.v[k];
    /* a timeline line tells what happened; quoted speech comments on it */
    if (relax < 2 && x->quoted) return 0;
    return (x->query || !c->qids.n) && x->words >= MIN_WORDS &&
           x->words <= (relax ? 2 : 1) * MAX_WORDS;
}

/* CentroidOpt over the candidates: up to k sentences into *picked. */
static int summarize_day(tlctx *c, const idvec *cands, int k, const idvec *chosen,
                         idvec *picked)
{
    double *cen = c->dense, *sum = c->dense2;
    for (size_t i = 0; i < cands->n; i++) dense_add(cen, c, cands->v[i], 1.0);
    double cn = 0;
    for (size_t i = 0; i < cands->n; i++) {
        /* |centroid|: each term once */
        const tsent *x = &c->sents.v[cands->v[i]];
        for (uint32_t j = 0; j < x->nt; j++) {
            uint32_t id = c->pool.v[x->t0 + j].id;
            if (sum[id] == 0) cn += cen[id] * cen[id], sum[id] = 1;
        }
    }
    dense_clear(sum, c, cands);
    cn = sqrt(cn);
    DL_VEC(uint8_t) used = {0};
    int rc = dl_vec_reserve(&used, cands->n ? cands->n : 1);
    if (!rc) memset(used.v, 0, cands->n);
    double sdotc = 0, snorm2 = 0;
    /* a day whose candidates are all long still gets its best long line */
    /* 0: the readable form; 1: longer lines; 2: quotes and captions too */
    int relax = 0;
    for (int found = 0; relax < 2 && !found; relax += !found)
        for (size_t i = 0; i < cands->n && !found; i++) found = readable(c, cands->v[i], relax);
    while (!rc && (int)picked->n < k && cn > 0) {
        size_t best = SIZE_MAX;
        double bs = -1;
        for (size_t i = 0; i < cands->n; i++) {
            uint32_t s = cands->v[i];
            if (used.v[i] || !readable(c, s, relax)) continue;
            double xc = dense_dot(cen, c, s), xs = dense_dot(sum, c, s);
            double n2 = snorm2 + 2 * xs + 1.0;
            double score = n2 > 0 ? (sdotc + xc) / (sqrt(n2) * cn) : 0;
            if (score > bs) bs = score, best = i;
        }
        if (best == SIZE_MAX) break;
        used.v[best] = 1;
        uint32_t s = cands->v[best];
        int dup = 0;
        for (size_t j = 0; j < chosen->n && !dup; j++)
            dup = sent_cos(c, s, chosen->v[j]) > REPEAT_COSINE;
        for (size_t j = 0; j < picked->n && !dup; j++)
            dup = sent_cos(c, s, picked->v[j]) > REPEAT_COSINE;
        if (dup) continue;
        sdotc += dense_dot(cen, c, s);
        snorm2 += 2 * dense_dot(sum, c, s) + 1.0;
        dense_add(sum, c, s, 1.0);
        rc = dl_vec_push(picked, s);
    }
    dl_vec_free(&used);
    dense_clear(cen, c, cands);
    dense_clear(sum, c, cands);
    return rc;
}

static int query_ids(tlctx *c, const char *q)
{
    if (!q) return DL_OK;
    size_t len = strlen(q);
    dl_tokvec toks = {0};
    if (dl_tokenize(q, len, &toks)) return DL_ENOMEM;
    int rc = DL_OK;
    char stem[256];
    for (size_t i = 0; i < toks.n && !rc; i++) {
        const dl_token *t = &toks.v[i];
        if (t->kind != DL_TOK_WORD) continue;
        /* "-word" excludes, OR is an operator: neither is a topic word */
        if (t->start > 0 && q[t->start - 1] == '-') continue;
        if (t->end - t->start == 2 && memcmp(q + t->start, "OR", 2) == 0) continue;
        if (!dl_stem_word(c->sm, q + t->start, t->end - t->start, stem, sizeof stem)) continue;
        uint32_t id = vocab_get(&c->voc, stem, 1, &rc);
        if (!rc && !is_query(c, id)) rc = dl_vec_push(&c->qids, id);
    }
    dl_vec_free(&toks);
    return rc;
}

static int fill_date(tlctx *c, int32_t day, const idvec *picked, dl_timeline_date *td)
{
    dl_date_format(day, td->date);
    td->lines = dl_calloc(picked->n, sizeof *td->lines);
    if (!td->lines) return DL_ENOMEM;
    for (size_t j = 0; j < picked->n; j++) {
        const tsent *x = &c->sents.v[picked->v[j]];
        const dl_annotation *a = c->arts.v[x->art];
        dl_timeline_line *ln = &td->lines[td->n_lines];
        ln->text = dl_strndup(a->text + x->start, x->end - x->start);
        if (!ln->text) return DL_ENOMEM;
        snprintf(ln->id, sizeof ln->id, "%s", a->id);
        td->n_lines++;
    }
    return DL_OK;
}

static int cmp_tldate_str(const void *a, const void *b)
{
    return strcmp(((const dl_timeline_date *)a)->date, ((const dl_timeline_date *)b)->date);
}

int dl_timeline_build(dl_archive *ar, const char *query, const char *from, const char *to,
                      int ndates, int per_date, dl_timeline **out)
{
    *out = NULL;
    if (ndates <= 0) ndates = 10;
    if (per_date <= 0) per_date = 2;
    if (ndates > 100000) ndates = 100000;
    if (per_date > 1000) per_date = 1000;
    int32_t lo = INT32_MIN / 2, hi = INT32_MAX / 2;
    if ((from && dl_date_parse(from, strlen(from), &lo)) ||
        (to && dl_date_parse(to, strlen(to), &hi)))
        return dl_archive_fail(ar, DL_EINVAL, "dates are YYYY-MM-DD");
    tlctx c;
    memset(&c, 0, sizeof c);
    c.sm = dl_stemmer_new();
    if (!c.sm) return DL_ENOMEM;
    int rc = query_ids(&c, query);
    if (!rc) rc = load_topic(ar, &c, query, lo, hi);
    if (!rc) rc = weigh(&c);
    dl_timeline *tl = dl_calloc(1, sizeof *tl);
    if (!tl) rc = DL_ENOMEM;
    else tl->query = dl_strdup(query ? query : "");
    if (!rc && !tl->query) rc = DL_ENOMEM;

    dayscore *ds = NULL;
    size_t nds = 0;
    if (!rc) rc = rank_days(&c, lo, hi, &ds, &nds);
    dayidx pub = {0}, ment = {0};
    if (!rc) rc = build_idx(&c, 0, &pub);
    if (!rc) rc = build_idx(&c, 1, &ment);
    idvec chosen = {0}, cands = {0}, picked = {0};
    if (!rc && nds) {
        size_t k = nds < (size_t)ndates ? nds : (size_t)ndates;
        tl->dates = dl_calloc(k, sizeof *tl->dates);
        if (!tl->dates) rc = DL_ENOMEM;
        for (size_t i = 0; i < nds && tl->n_dates < k && !rc; i++) {
            cands.n = picked.n = 0;
            rc = collect(&c, &pub, &ment, ds[i].day, &cands);
            if (!rc) rc = summarize_day(&c, &cands, per_date, &chosen, &picked);
            if (rc || !picked.n) continue;
            dl_timeline_date *td = &tl->dates[tl->n_dates++];
            rc = fill_date(&c, ds[i].day, &picked, td);
            for (size_t j = 0; j < picked.n && !rc; j++) rc = dl_vec_push(&chosen, picked.v[j]);
        }
        if (tl->n_dates) dl_qsort(tl->dates, tl->n_dates, sizeof *tl->dates, cmp_tldate_str);
    }
    dl_vec_free(&chosen);
    dl_vec_free(&cands);
    dl_vec_free(&picked);
    free_idx(&pub);
    free_idx(&ment);
    free(ds);
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
