/*
 * story.c -- online story assignment during ingest (dl_story_assign).  The
 * method, constants and the state format are described in story.h.
 */
#include "story.h"
#include "../store/store.h"
#include "../text/buf.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

/* A story as assignment reads it; cn caches |c|.  dirty: changed in this
 * batch and not yet written (write_row, at eviction or dl_storyer_flush):
 * an article joining a story costs no SQL until the batch ends. */
typedef struct storyrow {
    int64_t id;     /* 0: empty cache slot */
    int32_t first, last;
    int64_t articles;
    int dirty;
    dl_termvec c;
    double cn;
} storyrow;

/* Merged-away story id -> the story that absorbed it (open addressing;
 * from = 0: free slot).  Filled by merges of this session and by the
 * tombstones load_story meets ("=ID" states, see story.h). */
typedef struct alias {
    int64_t from, to;
} alias;

/* Stories parsed this batch, by id modulo STORY_CACHE (the candidates of
 * one article are mostly those of the previous ones).  Cleared at each
 * batch's end (dl_storyer_flush), so that another writer's changes between
 * batches are read again. */
#define STORY_CACHE 1024
/* Candidates verified per article: the stories sharing most key terms. */
#define STORY_MAX_CANDIDATES 32

/* The document frequencies seen in this session (read through from
 * story_df once per term), with the increments not yet written: they are
 * written by dl_storyer_flush, inside the batch's transaction, as one
 * upsert per distinct term instead of one per article and term.  Another
 * writer between batches only makes the cached counts a little stale; the
 * table stays exact (n = n + delta). */
typedef struct dfent {
    char *term;     /* owned; NULL: free slot */
    uint64_t hash;
    int64_t n;      /* df as this session sees it */
    int64_t delta;  /* not yet in story_df */
} dfent;

/* The story_keys rows of one key, in memory (see struct dl_storyer). */
typedef struct skey {
    int32_t day;
    int64_t story;
} skey;
typedef DL_VEC(int64_t) i64vec;
typedef struct pkey {
    char *term;
    int32_t day;
    int64_t story;
} pkey;
typedef struct kent {
    char *term;             /* owned; NULL: free slot */
    uint64_t hash;
    DL_VEC(skey) rows;
} kent;

struct dl_storyer {
    dl_archive *ar;
    /* mem = 1: story_df and story_keys were empty when the session began
     * and no other connection has written since (PRAGMA data_version), so
     * every row is known here: df misses are 0 without a query and key
     * lookups read kmap.  The tables are still written. */
    int mem;
    int64_t version;
    kent *kmap;
    size_t kcap, kn;
    DL_VEC(skey) rows;  /* scratch of key_stories */
    i64vec ids;         /* scratch: one key's stories */
    sqlite3_stmt *st_version;
    dl_stemmer *sm;
    int64_t ndocs;  /* articles seen, for IDF */
    dfent *df;
    size_t df_cap, df_n;
    DL_VEC(size_t) dirty;  /* slots with delta != 0 */
    storyrow cache[STORY_CACHE];
    DL_VEC(int64_t) touched;  /* stories made dirty this batch (merge pass) */
    alias *al;
    size_t al_cap, al_n;
    sqlite3_stmt *st_merge_art, *st_tomb;
    sqlite3_stmt *st_df_many;  /* DF_ROWS upserts at once; made on first use */
    /* story_keys rows not yet written (mem mode: lookups read kmap), term
     * owned; written by flush_keys, in key order, DF_ROWS at once */
    DL_VEC(pkey) pkeys;
    sqlite3_stmt *st_keys_many;
    sqlite3_stmt *st_df_get, *st_df_put, *st_keys_get, *st_keys_put, *st_story_get,
        *st_story_new, *st_story_upd, *st_art_set, *st_art_story;
};

static uint64_t term_hash(const char *t);

static void kmap_free(dl_storyer *s)
{
    for (size_t i = 0; i < s->kcap; i++) {
        free(s->kmap[i].term);
        dl_vec_free(&s->kmap[i].rows);
    }
    free(s->kmap);
    s->kmap = NULL;
    s->kcap = s->kn = 0;
    s->mem = 0;
}

static size_t kmap_slot(const kent *t, size_t cap, const char *term, uint64_t hv)
{
    size_t h = (size_t)hv & (cap - 1);
    while (t[h].term && (t[h].hash != hv || strcmp(t[h].term, term) != 0)) h = (h + 1) & (cap - 1);
    return h;
}

/* Records the row (term, day, story) in the map; on OOM the map is dropped
 * (lookups go to the table again).  0 when the map held the row already
 * (the table then holds it too), else 1. */
static int kmap_add(dl_storyer *s, const char *term, int32_t day, int64_t story)
{
    if (!s->mem) return 1;
    if ((s->kn + 1) * 2 > s->kcap) {
        size_t nc = s->kcap ? s->kcap * 2 : 8192;
        kent *nt = dl_calloc(nc, sizeof *nt);
        if (!nt) {
            kmap_free(s);
            return 1;
        }
        for (size_t i = 0; i < s->kcap; i++)
            if (s->kmap[i].term) nt[kmap_slot(nt, nc, s->kmap[i].term, s->kmap[i].hash)] = s->kmap[i];
        free(s->kmap);
        s->kmap = nt;
        s->kcap = nc;
    }
    uint64_t hv = term_hash(term);
    kent *e = &s->kmap[kmap_slot(s->kmap, s->kcap, term, hv)];
    if (!e->term) {
        if (!(e->term = dl_strdup(term))) {
            kmap_free(s);
            return 1;
        }
        e->hash = hv;
        s->kn++;
    }
    /* INSERT OR IGNORE: a row is there once */
    for (size_t i = e->rows.n; i > 0 && e->rows.v[i - 1].day == day; i--)
        if (e->rows.v[i - 1].story == story) return 0;
    skey r = {day, story};
    if (dl_vec_push(&e->rows, r)) kmap_free(s);
    return 1;
}

static int64_t data_version(dl_storyer *s)
{
    int64_t v = -1;
    if (sqlite3_step(s->st_version) == SQLITE_ROW) v = sqlite3_column_int64(s->st_version, 0);
    sqlite3_reset(s->st_version);
    return v;
}

void dl_storyer_free(dl_storyer *s)
{
    if (!s) return;
    sqlite3_finalize(s->st_df_get);
    sqlite3_finalize(s->st_df_put);
    sqlite3_finalize(s->st_keys_get);
    sqlite3_finalize(s->st_keys_put);
    sqlite3_finalize(s->st_story_get);
    sqlite3_finalize(s->st_story_new);
    sqlite3_finalize(s->st_story_upd);
    sqlite3_finalize(s->st_art_set);
    sqlite3_finalize(s->st_art_story);
    sqlite3_finalize(s->st_version);
    sqlite3_finalize(s->st_merge_art);
    sqlite3_finalize(s->st_df_many);
    sqlite3_finalize(s->st_keys_many);
    for (size_t i = 0; i < s->pkeys.n; i++) free(s->pkeys.v[i].term);
    dl_vec_free(&s->pkeys);
    sqlite3_finalize(s->st_tomb);
    free(s->al);
    dl_vec_free(&s->touched);
    kmap_free(s);
    dl_vec_free(&s->rows);
    dl_vec_free(&s->ids);
    dl_stemmer_free(s->sm);
    for (size_t i = 0; i < STORY_CACHE; i++) dl_terms_free(&s->cache[i].c);
    for (size_t i = 0; i < s->df_cap; i++) free(s->df[i].term);
    free(s->df);
    dl_vec_free(&s->dirty);
    free(s);
}

static uint64_t term_hash(const char *t)
{
    uint64_t h = 1469598103934665603ull;
    for (; *t; t++) h = (h ^ (unsigned char)*t) * 1099511628211ull;
    return h;
}

static int df_grow(dl_storyer *s)
{
    size_t nc = s->df_cap ? s->df_cap * 2 : 8192;
    dfent *nd = dl_calloc(nc, sizeof *nd);
    if (!nd) return DL_ENOMEM;
    for (size_t i = 0; i < s->df_cap; i++) {
        if (!s->df[i].term) continue;
        size_t h = (size_t)s->df[i].hash & (nc - 1);
        while (nd[h].term) h = (h + 1) & (nc - 1);
        nd[h] = s->df[i];
    }
    /* dirty slots moved: rebuild the list */
    s->dirty.n = 0;
    for (size_t h = 0; h < nc; h++)
        if (nd[h].term && nd[h].delta && dl_vec_push(&s->dirty, h)) {
            free(nd);
            return DL_ENOMEM;
        }
    free(s->df);
    s->df = nd;
    s->df_cap = nc;
    return DL_OK;
}

/* Counts one more article holding term; returns its df before this one
 * through *df. */
static int df_bump(dl_storyer *s, const char *term, int64_t *df)
{
    if ((s->df_n + 1) * 2 > s->df_cap && df_grow(s)) return DL_ENOMEM;
    uint64_t hv = term_hash(term);
    size_t h = (size_t)hv & (s->df_cap - 1);
    while (s->df[h].term && (s->df[h].hash != hv || strcmp(s->df[h].term, term) != 0))
        h = (h + 1) & (s->df_cap - 1);
    dfent *e = &s->df[h];
    if (!e->term) {
        int64_t n = 0;
        if (!s->mem) {
            sqlite3_stmt *st = s->st_df_get;
            sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
        }
        if (!(e->term = dl_strdup(term))) return DL_ENOMEM;
        e->hash = hv;
        e->n = n;
        e->delta = 0;
        s->df_n++;
    }
    *df = e->n;
    if (!e->delta && dl_vec_push(&s->dirty, h)) return DL_ENOMEM;
    e->n++;
    e->delta++;
    return DL_OK;
}

static int story_batch_end(dl_storyer *s);
static int step_done(dl_storyer *s, sqlite3_stmt *st);

/* dl_storyer_flush's order of the dirty df slots: by term (each upsert
 * lands next to the previous one in the table). */
static const dfent *sort_df;
static int cmp_dirty(const void *a, const void *b)
{
    return strcmp(sort_df[*(const size_t *)a].term, sort_df[*(const size_t *)b].term);
}

#define DF_ROWS 64  /* rows per multi-row upsert */

static int cmp_pkey(const void *a, const void *b)
{
    const pkey *x = a, *y = b;
    int c = strcmp(x->term, y->term);
    if (c) return c;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->story < y->story ? -1 : x->story > y->story;
}

/* Writes the story_keys rows held back. */
static int flush_keys(dl_storyer *s)
{
    if (!s->pkeys.n) return DL_OK;
    dl_qsort(s->pkeys.v, s->pkeys.n, sizeof *s->pkeys.v, cmp_pkey);
    if (!s->st_keys_many && s->pkeys.n >= DF_ROWS) {
        dl_buf q = {0};
        dl_buf_adds(&q, "INSERT OR IGNORE INTO story_keys(term, day, story) VALUES ");
        for (int k = 0; k < DF_ROWS; k++) dl_buf_adds(&q, k ? ",(?,?,?)" : "(?,?,?)");
        if (!q.err) s->st_keys_many = dl_archive_prepare(s->ar, q.p);
        dl_buf_free(&q);
    }
    int rc = DL_OK;
    size_t i = 0;
    for (; s->st_keys_many && i + DF_ROWS <= s->pkeys.n && !rc; i += DF_ROWS) {
        for (int k = 0; k < DF_ROWS; k++) {
            const pkey *p = &s->pkeys.v[i + k];
            sqlite3_bind_text(s->st_keys_many, 3 * k + 1, p->term, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s->st_keys_many, 3 * k + 2, p->day);
            sqlite3_bind_int64(s->st_keys_many, 3 * k + 3, p->story);
        }
        rc = step_done(s, s->st_keys_many);
    }
    for (; i < s->pkeys.n && !rc; i++) {
        const pkey *p = &s->pkeys.v[i];
        sqlite3_bind_text(s->st_keys_put, 1, p->term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->st_keys_put, 2, p->day);
        sqlite3_bind_int64(s->st_keys_put, 3, p->story);
        rc = step_done(s, s->st_keys_put);
    }
    for (size_t k = 0; k < s->pkeys.n; k++) free(s->pkeys.v[k].term);
    s->pkeys.n = 0;
    return rc;
}

/* Adds the story_keys row (term, day, story): held back while lookups read
 * the in-memory map, else inserted now. */
static int put_key(dl_storyer *s, const char *term, int32_t day, int64_t story)
{
    if (s->mem) {
        pkey p = {dl_strdup(term), day, story};
        if (!p.term || dl_vec_push(&s->pkeys, p)) {
            free(p.term);
            return DL_ENOMEM;
        }
        return DL_OK;
    }
    int rc = flush_keys(s);  /* the map was dropped: the table must be whole */
    if (rc) return rc;
    sqlite3_stmt *st = s->st_keys_put;
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, day);
    sqlite3_bind_int64(st, 3, story);
    return step_done(s, st);
}

int dl_storyer_flush(dl_storyer *s)
{
    if (!s) return DL_OK;
    int rc = story_batch_end(s);
    if (!rc) rc = flush_keys(s);
    if (rc) return rc;
    /* drop slots with nothing to write, then sort by term */
    size_t m = 0;
    for (size_t i = 0; i < s->dirty.n; i++) {
        dfent *e = &s->df[s->dirty.v[i]];
        if (e->term && e->delta) s->dirty.v[m++] = s->dirty.v[i];
    }
    s->dirty.n = m;
    if (m > 1) {
        sort_df = s->df;  /* the writer thread only */
        dl_qsort(s->dirty.v, m, sizeof *s->dirty.v, cmp_dirty);
        sort_df = NULL;
    }
    if (!s->st_df_many && m >= DF_ROWS) {
        dl_buf q = {0};
        dl_buf_adds(&q, "INSERT INTO story_df(term, n) VALUES ");
        for (int k = 0; k < DF_ROWS; k++) dl_buf_adds(&q, k ? ",(?,?)" : "(?,?)");
        dl_buf_adds(&q, " ON CONFLICT(term) DO UPDATE SET n = n + excluded.n");
        if (!q.err) s->st_df_many = dl_archive_prepare(s->ar, q.p);
        dl_buf_free(&q);
    }
    size_t i = 0;
    for (; s->st_df_many && i + DF_ROWS <= m && !rc; i += DF_ROWS) {
        for (int k = 0; k < DF_ROWS; k++) {
            dfent *e = &s->df[s->dirty.v[i + k]];
            sqlite3_bind_text(s->st_df_many, 2 * k + 1, e->term, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s->st_df_many, 2 * k + 2, e->delta);
        }
        rc = step_done(s, s->st_df_many);
        for (int k = 0; k < DF_ROWS && !rc; k++) s->df[s->dirty.v[i + k]].delta = 0;
    }
    for (; i < m && !rc; i++) {
        dfent *e = &s->df[s->dirty.v[i]];
        sqlite3_stmt *st = s->st_df_put;
        sqlite3_bind_text(st, 1, e->term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->delta);
        rc = step_done(s, st);
        if (!rc) e->delta = 0;
    }
    if (rc) return rc;
    s->dirty.n = 0;
    for (size_t k = 0; k < STORY_CACHE; k++) {
        dl_terms_free(&s->cache[k].c);
        memset(&s->cache[k], 0, sizeof s->cache[k]);
    }
    return rc;
}

int dl_storyer_new(dl_archive *ar, dl_storyer **out)
{
    *out = NULL;
    dl_storyer *s = dl_calloc(1, sizeof *s);
    if (!s) return DL_ENOMEM;
    s->ar = ar;
    s->sm = dl_stemmer_new();
    if (!s->sm) {
        free(s);
        return DL_ENOMEM;
    }
    s->st_df_get = dl_archive_prepare(ar, "SELECT n FROM story_df WHERE term = ?");
    s->st_df_put = dl_archive_prepare(
        ar, "INSERT INTO story_df(term, n) VALUES(?, ?)"
            " ON CONFLICT(term) DO UPDATE SET n = n + excluded.n");
    s->st_keys_get = dl_archive_prepare(
        ar, "SELECT DISTINCT story FROM story_keys WHERE term = ? AND day BETWEEN ? AND ?");
    s->st_keys_put = dl_archive_prepare(
        ar, "INSERT OR IGNORE INTO story_keys(term, day, story) VALUES(?,?,?)");
    s->st_story_get = dl_archive_prepare(
        ar, "SELECT first, last, articles, state FROM stories WHERE story = ?");
    s->st_story_new = dl_archive_prepare(
        ar, "INSERT INTO stories(label, first, last, articles, state) VALUES(?,?,?,1,?)");
    s->st_story_upd = dl_archive_prepare(
        ar, "UPDATE stories SET label = ?, first = ?, last = ?, articles = ?, state = ?"
            " WHERE story = ?");
    s->st_art_set = dl_archive_prepare(ar, "UPDATE articles SET story = ? WHERE docno = ?");
    s->st_art_story = dl_archive_prepare(ar, "SELECT story FROM articles WHERE docno = ?");
    s->st_version = dl_archive_prepare(ar, "PRAGMA data_version");
    s->st_merge_art = dl_archive_prepare(ar, "UPDATE articles SET story = ? WHERE story = ?");
    s->st_tomb = dl_archive_prepare(
        ar, "UPDATE stories SET label = NULL, articles = 0, state = ? WHERE story = ?");
    if (!s->st_merge_art || !s->st_tomb ||!s->st_df_get || !s->st_df_put || !s->st_keys_get || !s->st_keys_put ||
        !s->st_story_get || !s->st_story_new || !s->st_story_upd || !s->st_art_set ||
        !s->st_art_story || !s->st_version) {
        dl_storyer_free(s);
        return DL_ESTORE;
    }
    sqlite3_stmt *st = dl_archive_prepare(ar, "SELECT count(*) FROM articles WHERE story IS NOT NULL");
    if (st && sqlite3_step(st) == SQLITE_ROW) s->ndocs = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = dl_archive_prepare(ar, "SELECT (SELECT count(*) FROM (SELECT 1 FROM story_df LIMIT 1))"
                                " + (SELECT count(*) FROM (SELECT 1 FROM story_keys LIMIT 1))");
    if (st && sqlite3_step(st) == SQLITE_ROW) s->mem = sqlite3_column_int64(st, 0) == 0;
    sqlite3_finalize(st);
    s->version = data_version(s);
    *out = s;
    return DL_OK;
}

static int fail(dl_storyer *s)
{
    return dl_archive_fail(s->ar, DL_ESTORE, "story store: %s", sqlite3_errmsg(s->ar->db));
}

static int step_done(dl_storyer *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? DL_OK : fail(s);
}

static int cmp_w_desc(const void *a, const void *b)
{
    const dl_term *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return strcmp(x->term, y->term);
}

static int cmp_term_asc(const void *a, const void *b)
{
    return strcmp(((const dl_term *)a)->term, ((const dl_term *)b)->term);
}

/* The k-th largest of x[0, n) (1 <= k <= n); x is reordered.  Linear on
 * average (quickselect). */
static double kth_largest(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1, want = k - 1;
    while (lo < hi) {
        double pivot = x[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] > pivot) i++;
            while (x[j] < pivot) j--;
            if (i <= j) {
                double t = x[i];
                x[i] = x[j];
                x[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (want <= j) hi = j;
        else if (want >= i) lo = i;
        else break;
    }
    return x[want];
}

/* Keeps the k heaviest terms of the term-sorted v (freeing the rest; ties
 * go to the first terms), still sorted by term.  Linear on average. */
static void keep_top(dl_termvec *v, size_t k)
{
    if (v->n <= k) return;
    double *w = dl_malloc(v->n * sizeof *w);
    if (!w) {  /* fallback: sort by weight, cut, sort back */
        dl_qsort(v->v, v->n, sizeof *v->v, cmp_w_desc);
        for (size_t i = k; i < v->n; i++) {
            free(v->v[i].term);
            free(v->v[i].surface);
        }
        v->n = k;
        dl_qsort(v->v, v->n, sizeof *v->v, cmp_term_asc);
        return;
    }
    for (size_t i = 0; i < v->n; i++) w[i] = v->v[i].w;
    double thr = k ? kth_largest(w, v->n, k) : INFINITY;
    size_t above = 0;
    for (size_t i = 0; i < v->n; i++) above += v->v[i].w > thr;
    size_t ties = k - above, m = 0;  /* terms at exactly thr that fit */
    for (size_t i = 0; i < v->n; i++) {
        int keep = v->v[i].w > thr || (v->v[i].w == thr && ties > 0 && ties--);
        if (keep) {
            v->v[m++] = v->v[i];
        } else {
            free(v->v[i].term);
            free(v->v[i].surface);
        }
    }
    v->n = m;
    free(w);
}

static double norm2(const dl_termvec *v)
{
    double s = 0;
    for (size_t i = 0; i < v->n; i++) s += v->v[i].w * v->v[i].w;
    return sqrt(s);
}

/* Dot product of two term-sorted vectors. */
static double dot(const dl_termvec *a, const dl_termvec *b)
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

/* Parses a state text into v (term-sorted).  Bad lines are skipped. */
static int parse_state(const char *p, size_t n, dl_termvec *v)
{
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        const char *t1 = memchr(p, '\t', (size_t)(nl - p));
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
        if (t1 && t2 && t1 > p) {
            char num[32];
            size_t nl2 = (size_t)(nl - t2 - 1);
            if (nl2 < sizeof num) {
                memcpy(num, t2 + 1, nl2);
                num[nl2] = 0;
                double w = strtod(num, NULL);
                dl_term t = {dl_strndup(p, (size_t)(t1 - p)),
                             dl_strndup(t1 + 1, (size_t)(t2 - t1 - 1)), isfinite(w) ? w : 0};
                if (!t.term || !t.surface || dl_vec_push(v, t)) {
                    free(t.term);
                    free(t.surface);
                    return DL_ENOMEM;
                }
            }
        }
        p = nl + 1;
    }
    dl_qsort(v->v, v->n, sizeof *v->v, cmp_term_asc);
    return DL_OK;
}

static void write_state(const dl_termvec *v, dl_buf *b)
{
    for (size_t i = 0; i < v->n; i++) {
        /* tabs and newlines cannot occur in terms or surfaces (tokens) */
        dl_buf_printf(b, "%s\t%s\t%.6g\n", v->v[i].term, v->v[i].surface, v->v[i].w);
    }
}

/* The label: the best surface forms of the centroid, up to ~40 bytes, no
 * word twice. */
static void make_label(const dl_termvec *c, dl_buf *b)
{
    dl_termvec tmp = {0};
    if (dl_vec_reserve(&tmp, c->n)) return;
    memcpy(tmp.v, c->v, c->n * sizeof *c->v);
    tmp.n = c->n;
    dl_qsort(tmp.v, tmp.n, sizeof *tmp.v, cmp_w_desc);
    int words = 0;
    for (size_t i = 0; i < tmp.n && words < 3 && b->n < 40; i++) {
        const char *s = tmp.v[i].surface;
        if (!s || !*s) continue;
        /* skip a word already in the label (e.g. "Lohan" after "Lindsay Lohan") */
        if (b->p && strcasestr(b->p, s)) continue;
        if (b->n) dl_buf_adds(b, ", ");
        dl_buf_adds(b, s);
        words++;
    }
    dl_vec_free(&tmp);
}

/* The doc's TF-IDF vector (term-sorted, L2-normalised, top terms only);
 * updates the document frequencies.  Strings are made only for the
 * STORY_DOC_TERMS kept (ties at the cut go to the first terms in term
 * order, as keep_top does). */
static int doc_vector(dl_storyer *s, const dl_annotation *a, const dl_rawterms *terms,
                      dl_termvec *v)
{
    /* the analysis's entity names are not added as terms: whole-name terms
     * weighted by mentions let a few (often mis-typed) names dominate the
     * vector, which merged different events of one kind on ECB+ (B-cubed
     * 0.859 -> 0.847) and split long stories further (corpus pairwise F1
     * 0.678 -> 0.621); capitalised words inside sentences already weigh
     * double (dl_text_terms) */
    int rc = DL_OK;
    dl_rawterms own = {0};
    if (!terms) {
        if ((rc = dl_text_rawterms(s->sm, a->text, a->text_len, NULL, &own))) {
            dl_rawterms_free(&own);
            return rc;
        }
        terms = &own;
    }
    s->ndocs++;
    size_t n = terms->v.n;
    double *w = n ? dl_malloc(2 * n * sizeof *w) : NULL;
    if (n && !w) rc = DL_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        int64_t df = 0;
        if ((rc = df_bump(s, terms->buf + terms->v.v[i].term, &df))) break;
        double idf = log((double)(s->ndocs + 1) / (double)(df + 1)) + 1.0;
        w[i] = w[n + i] = (1.0 + log(terms->v.v[i].w)) * idf;
    }
    /* the cut: weights above thr, then ties at thr by term order */
    double thr = -INFINITY;
    size_t need = n;
    if (!rc && n > STORY_DOC_TERMS) {
        thr = kth_largest(w + n, n, STORY_DOC_TERMS);
        size_t above = 0;
        for (size_t i = 0; i < n; i++) above += w[i] > thr;
        need = STORY_DOC_TERMS - above;
    }
    DL_VEC(size_t) ties = {0};
    if (!rc) rc = dl_vec_reserve(v, n < STORY_DOC_TERMS ? n : STORY_DOC_TERMS);
    for (size_t i = 0; i < n && !rc; i++) {
        if (n > STORY_DOC_TERMS && w[i] == thr) {
            rc = dl_vec_push(&ties, i);
            continue;
        }
        if (n > STORY_DOC_TERMS && w[i] < thr) continue;
        const dl_rawterm *r = &terms->v.v[i];
        dl_term t = {dl_strdup(terms->buf + r->term), dl_strdup(terms->buf + r->surface), w[i]};
        if (!t.term || !t.surface || dl_vec_push(v, t)) {
            free(t.term);
            free(t.surface);
            rc = DL_ENOMEM;
        }
    }
    if (!rc && ties.n) {
        /* the first `need` tied terms in term order */
        for (size_t k = 1; k < ties.n; k++) {
            size_t x = ties.v[k], m = k;
            while (m > 0 && strcmp(terms->buf + terms->v.v[ties.v[m - 1]].term,
                                   terms->buf + terms->v.v[x].term) > 0)
                ties.v[m] = ties.v[m - 1], m--;
            ties.v[m] = x;
        }
        for (size_t k = 0; k < ties.n && k < need && !rc; k++) {
            const dl_rawterm *r = &terms->v.v[ties.v[k]];
            dl_term t = {dl_strdup(terms->buf + r->term), dl_strdup(terms->buf + r->surface),
                         w[ties.v[k]]};
            if (!t.term || !t.surface || dl_vec_push(v, t)) {
                free(t.term);
                free(t.surface);
                rc = DL_ENOMEM;
            }
        }
    }
    dl_vec_free(&ties);
    free(w);
    dl_rawterms_free(&own);
    if (rc) return rc;
    if (v->n > 1) dl_qsort(v->v, v->n, sizeof *v->v, cmp_term_asc);
    double nn = norm2(v);
    for (size_t i = 0; nn > 0 && i < v->n; i++) v->v[i].w /= nn;
    return DL_OK;
}


/* ---- merged-away ids */

static size_t alias_slot(const alias *t, size_t cap, int64_t from)
{
    size_t h = (size_t)((uint64_t)from * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
    while (t[h].from && t[h].from != from) h = (h + 1) & (cap - 1);
    return h;
}

static int alias_add(dl_storyer *s, int64_t from, int64_t to)
{
    if ((s->al_n + 1) * 2 > s->al_cap) {
        size_t nc = s->al_cap ? s->al_cap * 2 : 64;
        alias *nt = dl_calloc(nc, sizeof *nt);
        if (!nt) return DL_ENOMEM;
        for (size_t i = 0; i < s->al_cap; i++)
            if (s->al[i].from) nt[alias_slot(nt, nc, s->al[i].from)] = s->al[i];
        free(s->al);
        s->al = nt;
        s->al_cap = nc;
    }
    alias *e = &s->al[alias_slot(s->al, s->al_cap, from)];
    if (!e->from) s->al_n++;
    e->from = from;
    e->to = to;
    return DL_OK;
}

/* The live story that id became (id itself when it was never merged). */
static int64_t resolve(const dl_storyer *s, int64_t id)
{
    for (int hop = 0; s->al_n && hop < 64; hop++) {
        const alias *e = &s->al[alias_slot(s->al, s->al_cap, id)];
        if (!e->from) break;
        id = e->to;
    }
    return id;
}

/* ---- the story cache */

/* Writes a dirty row (label, dates, count, centroid). */
static int write_row(dl_storyer *s, storyrow *r)
{
    if (!r->id || !r->dirty) return DL_OK;
    dl_buf label = {0}, state = {0};
    make_label(&r->c, &label);
    write_state(&r->c, &state);
    int rc = label.err ? label.err : state.err;
    if (!rc) {
        sqlite3_stmt *st = s->st_story_upd;
        sqlite3_bind_text(st, 1, label.p ? label.p : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, r->first);
        sqlite3_bind_int64(st, 3, r->last);
        sqlite3_bind_int64(st, 4, r->articles);
        sqlite3_bind_blob(st, 5, state.p ? state.p : "", (int)state.n, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, r->id);
        rc = step_done(s, st);
    }
    dl_buf_free(&label);
    dl_buf_free(&state);
    if (!rc) r->dirty = 0;
    return rc;
}

/* Empties a cache slot, writing it first when dirty. */
static int evict(dl_storyer *s, storyrow *r)
{
    int rc = write_row(s, r);
    if (rc) return rc;
    dl_terms_free(&r->c);
    memset(r, 0, sizeof *r);
    return DL_OK;
}

static void mark_dirty(dl_storyer *s, storyrow *r)
{
    if (r->dirty) return;
    r->dirty = 1;
    (void)dl_vec_push(&s->touched, r->id); /* OOM: only the merge pass misses it */
}

/* Reads story id into r; DL_ENOTFOUND when absent, or a tombstone whose
 * target goes to *fwd. */
static int load_story(dl_storyer *s, int64_t id, storyrow *r, int64_t *fwd)
{
    memset(r, 0, sizeof *r);
    r->id = id;
    *fwd = 0;
    sqlite3_stmt *st = s->st_story_get;
    sqlite3_bind_int64(st, 1, id);
    int rc = DL_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_blob(st, 3);
        size_t n = (size_t)sqlite3_column_bytes(st, 3);
        r->first = (int32_t)sqlite3_column_int64(st, 0);
        r->last = (int32_t)sqlite3_column_int64(st, 1);
        r->articles = sqlite3_column_int64(st, 2);
        if (p && n > 1 && p[0] == '=') {
            char num[24];
            size_t k = n - 1 < sizeof num - 1 ? n - 1 : sizeof num - 1;
            memcpy(num, p + 1, k);
            num[k] = 0;
            *fwd = strtoll(num, NULL, 10);
        } else {
            rc = parse_state(p, n, &r->c);
        }
    }
    sqlite3_reset(st);
    return rc;
}

/* The live story id (or the story it was merged into), from the cache or
 * the archive; NULL when it cannot be read.  The row is borrowed until the
 * next get_story; pin (0: none) is a story whose slot must not be reused:
 * a colliding id is then read into *spare. */
static storyrow *get_story_pin(dl_storyer *s, int64_t id, int64_t pin, storyrow *spare, int *rc)
{
    for (int hop = 0; hop < 8; hop++) {
        id = resolve(s, id);
        storyrow *r = &s->cache[(uint64_t)id % STORY_CACHE];
        if (r->id == id) return r;
        if (pin && r->id == pin) {
            dl_terms_free(&spare->c);
            r = spare;
        } else {
            int e = evict(s, r);
            if (e) {
                *rc = e;
                return NULL;
            }
        }
        int64_t fwd = 0;
        int e = load_story(s, id, r, &fwd);
        if (e || fwd) {
            dl_terms_free(&r->c);
            memset(r, 0, sizeof *r);
            if (e == DL_ENOMEM) *rc = e;
            if (fwd && fwd != id && !alias_add(s, id, fwd)) continue;
            return NULL;
        }
        r->cn = norm2(&r->c);
        return r;
    }
    return NULL;
}

static storyrow *get_story(dl_storyer *s, int64_t id, int *rc)
{
    return get_story_pin(s, id, 0, NULL, rc);
}

/* Adds v into the centroid c (both term-sorted), then keeps c's
 * STORY_CENTROID_TERMS heaviest terms.  c's strings move into the result;
 * v's are copied.  On OOM c is unchanged. */
static int merge_into(dl_termvec *c, const dl_termvec *v)
{
    dl_termvec out = {0};
    if (dl_vec_reserve(&out, c->n + v->n)) return DL_ENOMEM;
    size_t i = 0, j = 0;
    int rc = DL_OK;
    while ((i < c->n || j < v->n) && !rc) {
        int cmp = i >= c->n ? 1 : j >= v->n ? -1 : strcmp(c->v[i].term, v->v[j].term);
        dl_term t;
        if (cmp <= 0) {
            t = c->v[i++];  /* borrowed from c until the end */
        } else {
            t.term = dl_strdup(v->v[j].term);
            t.surface = dl_strdup(v->v[j].surface);
            t.w = 0;
            if (!t.term || !t.surface) {
                free(t.term);
                free(t.surface);
                rc = DL_ENOMEM;
                break;
            }
        }
        if (cmp >= 0) t.w += v->v[j++].w;
        out.v[out.n++] = t;  /* reserved */
    }
    if (rc) {
        /* free the copies: out's terms not taken from c (both term-sorted) */
        size_t ci = 0;
        for (size_t k = 0; k < out.n; k++) {
            while (ci < c->n && strcmp(c->v[ci].term, out.v[k].term) < 0) ci++;
            if (ci < c->n && c->v[ci].term == out.v[k].term) continue;
            free(out.v[k].term);
            free(out.v[k].surface);
        }
        dl_vec_free(&out);
        return rc;
    }
    dl_vec_free(c);  /* its strings now belong to out */
    *c = out;
    keep_top(c, STORY_CENTROID_TERMS);
    return DL_OK;
}

/* The article's salient entities as story keys: people and organisations
 * named at least STORY_ENT_MENTIONS times, as "@" + type digit + the
 * lower-cased canonical name ("@1jane doe"; "@" cannot start a term).  Their
 * document frequencies are counted like terms; an entity held by more than
 * STORY_ENT_MAX_DF of the articles (once there are enough to tell) says
 * nothing about which story an article belongs to and is left out.  At
 * most STORY_ENT_KEYS keys, most mentioned first. */
static int entity_keys(dl_storyer *s, const dl_annotation *a, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char **keys = NULL;
    size_t nk = 0, *ment = NULL;
    int rc = DL_OK;
    if (!a->n_entities) return DL_OK;
    if (!(keys = dl_calloc(STORY_ENT_KEYS, sizeof *keys)) ||
        !(ment = dl_calloc(STORY_ENT_KEYS, sizeof *ment))) {
        free(keys);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < a->n_entities && !rc; i++) {
        const dl_entity *e = &a->entities[i];
        if ((e->type != DL_PERSON && e->type != DL_ORG) || !e->name ||
            e->n_mentions < STORY_ENT_MENTIONS)
            continue;
        size_t len = strlen(e->name);
        if (len < 3 || len > 120) continue;
        char key[128];
        key[0] = '@';
        key[1] = (char)('0' + e->type);
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)e->name[k];
            key[2 + k] = (char)(c < 0x80 ? tolower(c) : c);
        }
        key[2 + len] = 0;
        int dupk = 0;
        for (size_t k = 0; k < nk && !dupk; k++) dupk = strcmp(keys[k], key) == 0;
        if (dupk) continue;
        int64_t df = 0;
        if ((rc = df_bump(s, key, &df))) break;
        if (s->ndocs >= STORY_ENT_MIN_DOCS && (double)df > STORY_ENT_MAX_DF * (double)s->ndocs)
            continue;
        /* insert by mentions (descending), keeping the best STORY_ENT_KEYS */
        size_t pos = nk;
        while (pos > 0 && ment[pos - 1] < e->n_mentions) pos--;
        if (pos >= STORY_ENT_KEYS) continue;
        char *dupd = dl_strdup(key);
        if (!dupd) {
            rc = DL_ENOMEM;
            break;
        }
        if (nk == STORY_ENT_KEYS) free(keys[--nk]);
        memmove(keys + pos + 1, keys + pos, (nk - pos) * sizeof *keys);
        memmove(ment + pos + 1, ment + pos, (nk - pos) * sizeof *ment);
        keys[pos] = dupd;
        ment[pos] = e->n_mentions;
        nk++;
    }
    free(ment);
    if (rc) {
        for (size_t k = 0; k < nk; k++) free(keys[k]);
        free(keys);
        return rc;
    }
    *out = keys;
    *n = nk;
    return DL_OK;
}

static void free_keys(char **keys, size_t n)
{
    for (size_t k = 0; k < n; k++) free(keys[k]);
    free(keys);
}

static int cmp_skey(const void *a, const void *b)
{
    const skey *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->story < y->story ? -1 : x->story > y->story;
}

/* The distinct stories with a story_keys row (term, day in [lo, hi]), in
 * (day, story) order as the table's index gives them, into out (cleared). */
static int key_stories(dl_storyer *s, const char *term, int32_t lo, int32_t hi, i64vec *out)
{
    out->n = 0;
    if (s->mem) {
        if (!s->kcap) return DL_OK;
        const kent *e = &s->kmap[kmap_slot(s->kmap, s->kcap, term, term_hash(term))];
        if (!e->term) return DL_OK;
        s->rows.n = 0;
        for (size_t i = 0; i < e->rows.n; i++)
            if (e->rows.v[i].day >= lo && e->rows.v[i].day <= hi &&
                dl_vec_push(&s->rows, e->rows.v[i]))
                return DL_ENOMEM;
        if (s->rows.n > 1) dl_qsort(s->rows.v, s->rows.n, sizeof *s->rows.v, cmp_skey);
        for (size_t i = 0; i < s->rows.n; i++) {
            int64_t id = resolve(s, s->rows.v[i].story);
            int seen = 0;
            for (size_t k = 0; k < out->n && !seen; k++) seen = out->v[k] == id;
            if (!seen && dl_vec_push(out, id)) return DL_ENOMEM;
        }
        return DL_OK;
    }
    int frc = flush_keys(s);  /* rows held back while the map was used */
    if (frc) return frc;
    sqlite3_stmt *st = s->st_keys_get;
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    int rc = DL_OK;
    while (sqlite3_step(st) == SQLITE_ROW && !rc) rc = dl_vec_push(out, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int dl_story_assign(dl_storyer *s, int64_t docno, const dl_annotation *a, int64_t dup_of,
                    const dl_rawterms *terms)
{
    const int32_t window = STORY_WINDOW;
    const double penalty = STORY_DAY_PENALTY;
    dl_termvec v = {0};
    /* another connection wrote since: the in-memory rows may be incomplete */
    if (s->mem && data_version(s) != s->version) kmap_free(s);
    char **ekeys = NULL;
    size_t nek = 0;
    int rc = doc_vector(s, a, terms, &v);
    if (!rc) rc = entity_keys(s, a, &ekeys, &nek);
    if (rc) {
        dl_terms_free(&v);
        free_keys(ekeys, nek);
        return rc;
    }
    int32_t day = a->day;
    int64_t best = 0;
    double best_sim = 0;
    if (dup_of) {
        sqlite3_bind_int64(s->st_art_story, 1, dup_of);
        if (sqlite3_step(s->st_art_story) == SQLITE_ROW &&
            sqlite3_column_type(s->st_art_story, 0) != SQLITE_NULL)
            best = resolve(s, sqlite3_column_int64(s->st_art_story, 0));
        sqlite3_reset(s->st_art_story);
    }
    /* candidates: stories sharing one of the doc's best terms, in the window */
    typedef struct { int64_t id; int hits; } scand;
    DL_VEC(scand) cands = {0};
    if (!best) {
        dl_termvec top = {0};
        rc = dl_vec_reserve(&top, v.n);
        if (!rc) {
            memcpy(top.v, v.v, v.n * sizeof *v.v);
            top.n = v.n;
            dl_qsort(top.v, top.n, sizeof *top.v, cmp_w_desc);
            for (size_t i = 0; i < top.n && i < STORY_KEY_TERMS && !rc; i++) {
                rc = key_stories(s, top.v[i].term, day - window, day + window, &s->ids);
                for (size_t q = 0; q < s->ids.n && !rc; q++) {
                    int64_t id = s->ids.v[q];
                    int seen = 0;
                    for (size_t k = 0; k < cands.n && !seen; k++)
                        if (cands.v[k].id == id) cands.v[k].hits++, seen = 1;
                    scand x = {id, 1};
                    if (!seen && cands.n < 256) rc = dl_vec_push(&cands, x);
                }
            }
        }
        dl_vec_free(&top);
    }
    /* the slower signal: stories that share STORY_ENT_MIN salient entities
     * with the article within STORY_ENT_WINDOW days (a long story resumed
     * after a gap, or drifted in vocabulary) */
    typedef struct { int64_t id; int hits; } ecand;
    DL_VEC(ecand) ecands = {0};
    for (size_t i = 0; !best && i < nek && !rc; i++) {
        rc = key_stories(s, ekeys[i], day - STORY_ENT_WINDOW, day + STORY_ENT_WINDOW, &s->ids);
        for (size_t q = 0; q < s->ids.n && !rc; q++) {
            int64_t id = s->ids.v[q];
            int seen = 0;
            for (size_t k = 0; k < ecands.n && !seen; k++)
                if (ecands.v[k].id == id) ecands.v[k].hits++, seen = 1;
            ecand x = {id, 1};
            if (!seen && ecands.n < 256) rc = dl_vec_push(&ecands, x);
        }
    }
    /* the stories sharing most key terms first (stable: older first) */
    for (size_t k = 1; k < cands.n; k++) {
        scand x = cands.v[k];
        size_t j = k;
        while (j > 0 && cands.v[j - 1].hits < x.hits) cands.v[j] = cands.v[j - 1], j--;
        cands.v[j] = x;
    }
    if (cands.n > STORY_MAX_CANDIDATES) cands.n = STORY_MAX_CANDIDATES;
    for (size_t k = 0; k < cands.n && !rc; k++) {
        const storyrow *r = get_story(s, cands.v[k].id, &rc);
        if (!r) continue;
        double sim = r->cn > 0 ? dot(&v, &r->c) / r->cn : 0;
        int32_t gap = day < r->first ? r->first - day : day > r->last ? day - r->last : 0;
        sim -= penalty * gap;
        if (sim > best_sim) best_sim = sim, best = r->id;
    }
    dl_vec_free(&cands);
    const double thr = STORY_THRESHOLD;
    if (!dup_of && best_sim < thr) {
        best = 0;
        /* no story close enough in words: one sharing the article's people
         * and organisations needs less word overlap, and no day penalty */
        double best_e = 0;
        for (size_t k = 0; k < ecands.n && !rc; k++) {
            if (ecands.v[k].hits < STORY_ENT_MIN) continue;
            const storyrow *r = get_story(s, ecands.v[k].id, &rc);
            if (!r) continue;
            double sim = r->cn > 0 ? dot(&v, &r->c) / r->cn : 0;
            if (sim >= STORY_ENT_THRESHOLD && sim > best_e) best_e = sim, best = r->id;
        }
    }
    dl_vec_free(&ecands);

    dl_buf label = {0}, state = {0};
    storyrow *r = NULL;
    if (!rc && best && (r = get_story(s, best, &rc)) != NULL) {
        /* the row is written when evicted or at the batch's end */
        best = r->id;
        rc = merge_into(&r->c, &v);
        if (!rc) {
            r->cn = norm2(&r->c);
            if (day < r->first) r->first = day;
            if (day > r->last) r->last = day;
            r->articles++;
            mark_dirty(s, r);
        }
    } else if (!rc) {
        make_label(&v, &label);
        write_state(&v, &state);
        rc = label.err ? label.err : state.err;
        if (!rc) {
            sqlite3_stmt *st = s->st_story_new;
            sqlite3_bind_text(st, 1, label.p ? label.p : "", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, day);
            sqlite3_bind_int64(st, 3, day);
            sqlite3_bind_blob(st, 4, state.p ? state.p : "", (int)state.n, SQLITE_STATIC);
            rc = step_done(s, st);
            best = sqlite3_last_insert_rowid(s->ar->db);
        }
        /* cached as written; the merge pass looks at new stories too */
        if (!rc) {
            storyrow *c = &s->cache[(uint64_t)best % STORY_CACHE];
            if (!(rc = evict(s, c))) {
                c->id = best;
                c->first = c->last = day;
                c->articles = 1;
                rc = dl_vec_reserve(&c->c, v.n);
                for (size_t i = 0; !rc && i < v.n; i++) {
                    dl_term t = {dl_strdup(v.v[i].term), dl_strdup(v.v[i].surface), v.v[i].w};
                    if (!t.term || !t.surface) {
                        free(t.term);
                        free(t.surface);
                        rc = DL_ENOMEM;
                    } else {
                        c->c.v[c->c.n++] = t;
                    }
                }
                c->cn = norm2(&c->c);
                if (rc) {
                    dl_terms_free(&c->c);
                    memset(c, 0, sizeof *c);
                } else {
                    rc = dl_vec_push(&s->touched, best);
                }
            }
        }
    }
    dl_buf_free(&label);
    dl_buf_free(&state);
    if (!rc) {
        sqlite3_bind_int64(s->st_art_set, 1, best);
        sqlite3_bind_int64(s->st_art_set, 2, docno);
        rc = step_done(s, s->st_art_set);
    }
    /* the doc's best terms become keys of its story */
    if (!rc) {
        dl_qsort(v.v, v.n, sizeof *v.v, cmp_w_desc);
        for (size_t i = 0; i < v.n && i < STORY_KEY_TERMS && !rc; i++) {
            if (!kmap_add(s, v.v[i].term, day, best)) continue;  /* row there */
            rc = put_key(s, v.v[i].term, day, best);
        }
        for (size_t i = 0; i < nek && !rc; i++) {
            if (!kmap_add(s, ekeys[i], day, best)) continue;
            rc = put_key(s, ekeys[i], day, best);
        }
    }
    free_keys(ekeys, nek);
    dl_terms_free(&v);
    return rc;
}

/* ---- the merge pass (story.h, "Merges") */

/* Is y within x's active period (x seen over at least a day, padded by its
 * span up to STORY_MERGE_PAD days on each side)? */
static int active_overlap(const storyrow *x, const storyrow *y)
{
    int32_t span = x->last - x->first;
    if (span < 1) return 0;
    int32_t pad = span < STORY_MERGE_PAD ? span : STORY_MERGE_PAD;
    return y->last >= x->first - pad && y->first <= x->last + pad;
}

static double merge_threshold(const storyrow *a, const storyrow *b)
{
    if (active_overlap(a, b) || active_overlap(b, a)) return STORY_MERGE_NEAR;
    int32_t lo = a->last < b->last ? a->last : b->last;
    int32_t hi = a->first > b->first ? a->first : b->first;
    int32_t gap = hi > lo ? hi - lo : 0;
    return STORY_MERGE_FAR + STORY_MERGE_DAY * gap;
}

/* Folds story gone into story keep (keep < gone: the older id survives):
 * its articles move, its centroid is added, and its row becomes the
 * tombstone "=keep" (articles 0, no label) so that its id is never given
 * again and still leads to the story. */
static int merge_stories(dl_storyer *s, int64_t keep, int64_t gone)
{
    int rc = DL_OK;
    storyrow *g = get_story(s, gone, &rc);
    if (!g) return rc ? rc : fail(s);
    dl_termvec gc = g->c;
    int32_t gfirst = g->first, glast = g->last;
    int64_t gart = g->articles;
    memset(g, 0, sizeof *g);  /* folded below, never written */
    char tomb[32];
    int tl = snprintf(tomb, sizeof tomb, "=%lld", (long long)keep);
    sqlite3_bind_blob(s->st_tomb, 1, tomb, tl, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s->st_tomb, 2, gone);
    rc = step_done(s, s->st_tomb);
    if (!rc) {
        sqlite3_bind_int64(s->st_merge_art, 1, keep);
        sqlite3_bind_int64(s->st_merge_art, 2, gone);
        rc = step_done(s, s->st_merge_art);
    }
    if (!rc) rc = alias_add(s, gone, keep);
    storyrow *k = rc ? NULL : get_story(s, keep, &rc);
    if (!rc && !k) rc = fail(s);
    if (!rc) rc = merge_into(&k->c, &gc);
    if (!rc) {
        k->cn = norm2(&k->c);
        if (gfirst < k->first) k->first = gfirst;
        if (glast > k->last) k->last = glast;
        k->articles += gart;
        mark_dirty(s, k);
        rc = dl_vec_push(&s->touched, keep);
    }
    dl_terms_free(&gc);
    return rc;
}

/* One story of the batch against the stories sharing its best centroid
 * terms: merges it with the one that clears merge_threshold by most.
 * *merged = 1 when it did. */
static int merge_one(dl_storyer *s, int64_t id, int *merged)
{
    *merged = 0;
    int rc = DL_OK;
    storyrow *r = get_story(s, id, &rc);
    if (!r || r->id != id) return rc;
    /* the best terms, copied: r stays pinned, but keep the strings safe */
    dl_termvec top = {0};
    if ((rc = dl_vec_reserve(&top, r->c.n))) return rc;
    memcpy(top.v, r->c.v, r->c.n * sizeof *r->c.v);
    top.n = r->c.n;
    dl_qsort(top.v, top.n, sizeof *top.v, cmp_w_desc);
    if (top.n > STORY_KEY_TERMS) top.n = STORY_KEY_TERMS;
    char *terms[STORY_KEY_TERMS];
    size_t nt = 0;
    for (size_t i = 0; i < top.n; i++)
        if ((terms[nt] = dl_strdup(top.v[i].term)) != NULL) nt++;
    dl_vec_free(&top);
    int32_t lo = r->first - STORY_MERGE_WINDOW, hi = r->last + STORY_MERGE_WINDOW;
    typedef struct { int64_t id; int hits; } mcand;
    DL_VEC(mcand) cands = {0};
    for (size_t i = 0; i < nt && !rc; i++) {
        rc = key_stories(s, terms[i], lo, hi, &s->ids);
        for (size_t q = 0; q < s->ids.n && !rc; q++) {
            int64_t c = resolve(s, s->ids.v[q]);
            if (c == id) continue;
            int seen = 0;
            for (size_t k = 0; k < cands.n && !seen; k++)
                if (cands.v[k].id == c) cands.v[k].hits++, seen = 1;
            mcand x = {c, 1};
            if (!seen && cands.n < 256) rc = dl_vec_push(&cands, x);
        }
    }
    for (size_t i = 0; i < nt; i++) free(terms[i]);
    /* most shared terms first */
    for (size_t k = 1; k < cands.n; k++) {
        mcand x = cands.v[k];
        size_t j = k;
        while (j > 0 && cands.v[j - 1].hits < x.hits) cands.v[j] = cands.v[j - 1], j--;
        cands.v[j] = x;
    }
    if (cands.n > STORY_MAX_CANDIDATES) cands.n = STORY_MAX_CANDIDATES;
    storyrow spare;
    memset(&spare, 0, sizeof spare);
    int64_t best = 0;
    double best_margin = 0;
    for (size_t k = 0; k < cands.n && !rc; k++) {
        if (cands.v[k].hits < STORY_MERGE_MIN_HITS) continue;
        const storyrow *o = get_story_pin(s, cands.v[k].id, id, &spare, &rc);
        r = get_story(s, id, &rc);  /* still cached (pinned) */
        if (!o || !r || o->id == id) continue;
        double cos = r->cn > 0 && o->cn > 0 ? dot(&r->c, &o->c) / (r->cn * o->cn) : 0;
        double margin = cos - merge_threshold(r, o);
        if (margin > best_margin) best_margin = margin, best = o->id;
    }
    dl_terms_free(&spare.c);
    dl_vec_free(&cands);
    if (rc || !best) return rc;
    *merged = 1;
    return merge_stories(s, best < id ? best : id, best < id ? id : best);
}

/* At each batch's end: the merge pass over the stories the batch touched
 * (and the survivors of its merges), then every dirty row is written. */
static int story_batch_end(dl_storyer *s)
{
    int rc = DL_OK;
    size_t merges = 0, limit = s->touched.n;
    for (size_t w = 0; w < s->touched.n && !rc; w++) {
        int64_t id = s->touched.v[w];
        if (resolve(s, id) != id) continue;
        int merged = 0;
        rc = merge_one(s, id, &merged);
        if (merged && ++merges > limit) break;
    }
    for (size_t i = 0; i < STORY_CACHE && !rc; i++) rc = write_row(s, &s->cache[i]);
    s->touched.n = 0;
    return rc;
}
