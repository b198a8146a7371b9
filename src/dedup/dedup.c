/*
 * dedup.c -- near-duplicates in the archive: the ingest-time check
 * (dl_dedup_article) and the public listing (dl_dups).  Method and tables:
 * dedup.h.
 */
#include "dedup.h"
#include "../store/store.h"
#include "../story/story.h"
#include "../text/buf.h"

#include <stdio.h>

/* The dup_keys rows in memory, for as long as they are all there: when the
 * table was empty at the start of the session and no other connection has
 * written to the archive since (PRAGMA data_version unchanged), a lookup
 * reads the map instead of the table.  The table is still written. */
typedef struct keyent {
    uint32_t key;
    uint32_t used;          /* 0: free slot */
    DL_VEC(int64_t) docnos; /* ascending (docnos only grow) */
} keyent;

/* The signatures (5- and 2-shingles) of the last RECENT articles written,
 * by docno modulo RECENT: a copy's original is most often recent, and its
 * verification then reads no table and shingles no text again. */
#define RECENT 2048

#define FLUSH_ROWS 64

typedef struct keyrow {
    uint32_t key;
    int64_t docno;
} keyrow;

struct dl_dedup {
    dl_archive *ar;
    sqlite3_stmt *st_sig_put, *st_sig_get, *st_key_put, *st_key_get, *st_pair_put,
        *st_link, *st_root, *st_text, *st_version;
    dl_u32vec sig, bi, tmp;  /* this article's 5- and 2-shingles; scratch */
    /* docno 0: empty slot */
    struct {
        int64_t docno;
        dl_u32vec v;
    } rsig[RECENT], rbi[RECENT];
    /* dup_keys rows not yet written (mem mode: lookups read the map), in
     * arrival order; written sorted by dl_dedup_flush */
    DL_VEC(keyrow) pending;
    sqlite3_stmt *st_key_many;  /* FLUSH_ROWS rows at once; made on first use */
    int mem;                 /* 1: lookups read keys below */
    int64_t version;         /* data_version when mem was last confirmed */
    keyent *keys;
    size_t kcap, kn;
};

static void keys_free(dl_dedup *dd)
{
    for (size_t i = 0; i < dd->kcap; i++) dl_vec_free(&dd->keys[i].docnos);
    free(dd->keys);
    dd->keys = NULL;
    dd->kcap = dd->kn = 0;
    dd->mem = 0;
}

static size_t key_slot(const keyent *t, size_t cap, uint32_t key)
{
    size_t h = (size_t)((key * 0x9E3779B1u) ^ (key >> 15)) & (cap - 1);
    while (t[h].used && t[h].key != key) h = (h + 1) & (cap - 1);
    return h;
}

/* Adds docno under key in the map; on OOM the map is dropped (lookups go
 * to the table again). */
static void keys_add(dl_dedup *dd, uint32_t key, int64_t docno)
{
    if (!dd->mem) return;
    if ((dd->kn + 1) * 2 > dd->kcap) {
        size_t nc = dd->kcap ? dd->kcap * 2 : 16384;
        keyent *nt = dl_calloc(nc, sizeof *nt);
        if (!nt) {
            keys_free(dd);
            return;
        }
        for (size_t i = 0; i < dd->kcap; i++)
            if (dd->keys[i].used) nt[key_slot(nt, nc, dd->keys[i].key)] = dd->keys[i];
        free(dd->keys);
        dd->keys = nt;
        dd->kcap = nc;
    }
    keyent *e = &dd->keys[key_slot(dd->keys, dd->kcap, key)];
    if (!e->used) {
        e->used = 1;
        e->key = key;
        dd->kn++;
    }
    if (e->docnos.n && e->docnos.v[e->docnos.n - 1] == docno) return;
    if (dl_vec_push(&e->docnos, docno)) keys_free(dd);
}

static int64_t data_version(dl_dedup *dd)
{
    int64_t v = -1;
    if (sqlite3_step(dd->st_version) == SQLITE_ROW) v = sqlite3_column_int64(dd->st_version, 0);
    sqlite3_reset(dd->st_version);
    return v;
}

void dl_dedup_free(dl_dedup *dd)
{
    if (!dd) return;
    sqlite3_finalize(dd->st_sig_put);
    sqlite3_finalize(dd->st_sig_get);
    sqlite3_finalize(dd->st_key_put);
    sqlite3_finalize(dd->st_key_get);
    sqlite3_finalize(dd->st_pair_put);
    sqlite3_finalize(dd->st_link);
    sqlite3_finalize(dd->st_root);
    sqlite3_finalize(dd->st_text);
    sqlite3_finalize(dd->st_version);
    keys_free(dd);
    dl_vec_free(&dd->sig);
    dl_vec_free(&dd->bi);
    dl_vec_free(&dd->tmp);
    for (size_t i = 0; i < RECENT; i++) {
        dl_vec_free(&dd->rsig[i].v);
        dl_vec_free(&dd->rbi[i].v);
    }
    dl_vec_free(&dd->pending);
    sqlite3_finalize(dd->st_key_many);
    free(dd);
}

int dl_dedup_new(dl_archive *ar, dl_dedup **out)
{
    *out = NULL;
    dl_dedup *dd = dl_calloc(1, sizeof *dd);
    if (!dd) return DL_ENOMEM;
    dd->ar = ar;
    dd->st_sig_put = dl_archive_prepare(ar, "INSERT OR REPLACE INTO dup_sigs(docno, sig) VALUES(?,?)");
    dd->st_sig_get = dl_archive_prepare(ar, "SELECT sig FROM dup_sigs WHERE docno = ?");
    dd->st_key_put = dl_archive_prepare(ar, "INSERT OR IGNORE INTO dup_keys(key, docno) VALUES(?,?)");
    dd->st_key_get = dl_archive_prepare(
        ar, "SELECT docno FROM dup_keys WHERE key = ? ORDER BY docno DESC LIMIT " 
            "200");
    dd->st_pair_put = dl_archive_prepare(
        ar, "INSERT OR REPLACE INTO dup_pairs(a, b, sim) VALUES(?,?,?)");
    dd->st_link = dl_archive_prepare(ar, "UPDATE articles SET dup_of = ?, dup_sim = ? WHERE docno = ?");
    dd->st_root = dl_archive_prepare(ar, "SELECT dup_of FROM articles WHERE docno = ?");
    dd->st_text = dl_archive_prepare(ar, "SELECT text FROM articles WHERE docno = ?");
    dd->st_version = dl_archive_prepare(ar, "PRAGMA data_version");
    if (!dd->st_sig_put || !dd->st_sig_get || !dd->st_key_put || !dd->st_key_get ||
        !dd->st_pair_put || !dd->st_link || !dd->st_root || !dd->st_text || !dd->st_version) {
        dl_dedup_free(dd);
        return DL_ESTORE;
    }
    sqlite3_stmt *st = dl_archive_prepare(ar, "SELECT 1 FROM dup_keys LIMIT 1");
    if (st) {
        dd->mem = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    dd->version = data_version(dd);
    *out = dd;
    return DL_OK;
}

static int step_done(dl_dedup *dd, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc == SQLITE_DONE) return DL_OK;
    return dl_archive_fail(dd->ar, DL_ESTORE, "near-duplicate store: %s",
                           sqlite3_errmsg(dd->ar->db));
}

typedef struct cand {
    int64_t docno;
    uint32_t hits;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
    return x->docno > y->docno ? -1 : x->docno < y->docno;
}

static int cmp_docno(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/* Encodes sig as little-endian uint32s into a fresh buffer. */
static unsigned char *encode_sig(const dl_u32vec *sig)
{
    unsigned char *p = dl_malloc(sig->n * 4);
    if (!p) return NULL;
    for (size_t i = 0; i < sig->n; i++) {
        uint32_t v = sig->v[i];
        p[4 * i] = (unsigned char)v;
        p[4 * i + 1] = (unsigned char)(v >> 8);
        p[4 * i + 2] = (unsigned char)(v >> 16);
        p[4 * i + 3] = (unsigned char)(v >> 24);
    }
    return p;
}

/* Containment of the stored signature of docno against sig; -1 when it has
 * none or it is unreadable. */
static double verify(dl_dedup *dd, int64_t docno, dl_u32vec *tmp)
{
    size_t slot = (size_t)((uint64_t)docno % RECENT);
    if (dd->rsig[slot].docno == docno)
        return dl_containment(dd->sig.v, dd->sig.n, dd->rsig[slot].v.v, dd->rsig[slot].v.n);
    sqlite3_stmt *st = dd->st_sig_get;
    sqlite3_bind_int64(st, 1, docno);
    double c = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0) / 4;
        tmp->n = 0;
        if (p && !dl_vec_reserve(tmp, n)) {
            uint32_t prev = 0;
            int sorted = 1;
            for (size_t i = 0; i < n; i++) {
                uint32_t v = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                             (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
                if (i && v <= prev) sorted = 0;
                tmp->v[tmp->n++] = prev = v;
            }
            /* a damaged signature is skipped, never trusted */
            if (sorted) c = dl_containment(dd->sig.v, dd->sig.n, tmp->v, tmp->n);
        }
    }
    sqlite3_reset(st);
    return c;
}

/* 2-shingle containment of this article (text) and the stored docno; the
 * article's own bigrams are computed once per article (dd->bi, n = 0 until
 * then). */
static double bigram_containment(dl_dedup *dd, int64_t docno, const char *text, size_t len)
{
    if (!dd->bi.n && dl_shingles_k(text, len, 2, &dd->bi)) return 0;
    size_t slot = (size_t)((uint64_t)docno % RECENT);
    dl_u32vec *cb = &dd->rbi[slot].v;
    if (dd->rbi[slot].docno != docno) {
        dd->rbi[slot].docno = 0;
        sqlite3_stmt *st = dd->st_text;
        sqlite3_bind_int64(st, 1, docno);
        int ok = sqlite3_step(st) == SQLITE_ROW &&
                 !dl_shingles_k((const char *)sqlite3_column_text(st, 0),
                                (size_t)sqlite3_column_bytes(st, 0), 2, cb);
        sqlite3_reset(st);
        if (!ok) return 0;
        dd->rbi[slot].docno = docno;
    }
    return dl_containment(dd->bi.v, dd->bi.n, cb->v, cb->n);
}

/* Keeps a copy of v as docno's entry of a recent cache slot (on OOM the
 * slot is left empty). */
static void remember(int64_t *slot_docno, dl_u32vec *slot, int64_t docno, const dl_u32vec *v)
{
    *slot_docno = 0;
    slot->n = 0;
    if (!v->n || dl_vec_reserve(slot, v->n)) return;
    memcpy(slot->v, v->v, v->n * sizeof *v->v);
    slot->n = v->n;
    *slot_docno = docno;
}

int dl_dedup_article(dl_dedup *dd, int64_t docno, const char *text, size_t len,
                     const dl_u32vec *sig, const dl_u32vec *bi, int64_t *dup_of, double *sim)
{
    *dup_of = 0;
    *sim = 0;
    dd->bi.n = 0;
    int rc = DL_OK;
    if (bi && bi->n) {
        if ((rc = dl_vec_reserve(&dd->bi, bi->n))) return rc;
        memcpy(dd->bi.v, bi->v, bi->n * sizeof *bi->v);
        dd->bi.n = bi->n;
    }
    if (sig) {
        dd->sig.n = 0;
        rc = dl_vec_reserve(&dd->sig, sig->n);
        if (!rc && sig->n) {
            memcpy(dd->sig.v, sig->v, sig->n * sizeof *sig->v);
            dd->sig.n = sig->n;
        }
    } else {
        rc = dl_shingles(text, len, &dd->sig);
    }
    if (rc) return rc;
    if (dd->sig.n < DL_DUP_MIN_SHINGLES) return DL_OK;
    const uint32_t mask = dl_dup_key_mask(dd->sig.n);
    /* another connection wrote since: the map may miss rows */
    if (dd->mem && data_version(dd) != dd->version) {
        keys_free(dd);
        if ((rc = dl_dedup_flush(dd))) return rc;  /* the table must hold every row */
    }

    /* candidates: earlier articles sharing sampled shingles */
    DL_VEC(cand) cs = {0};
    size_t nkeys = 0;
    for (size_t i = 0; i < dd->sig.n; i++) {
        if (dd->sig.v[i] & mask) continue;
        nkeys++;
        if (dd->mem) {
            if (!dd->kcap) continue;
            keyent *e = &dd->keys[key_slot(dd->keys, dd->kcap, dd->sig.v[i])];
            /* the newest DL_DUP_POSTINGS, as the table query reads them */
            for (size_t k = e->used ? e->docnos.n : 0, m = 0; k > 0 && m < DL_DUP_POSTINGS;
                 k--, m++) {
                cand c = {e->docnos.v[k - 1], 1};
                if (dl_vec_push(&cs, c)) {
                    dl_vec_free(&cs);
                    return DL_ENOMEM;
                }
            }
            continue;
        }
        sqlite3_stmt *st = dd->st_key_get;
        sqlite3_bind_int64(st, 1, dd->sig.v[i]);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            cand c = {sqlite3_column_int64(st, 0), 1};
            if (dl_vec_push(&cs, c)) {
                sqlite3_reset(st);
                dl_vec_free(&cs);
                return DL_ENOMEM;
            }
        }
        sqlite3_reset(st);
        if (s != SQLITE_DONE) {
            dl_vec_free(&cs);
            return dl_archive_fail(dd->ar, DL_ESTORE, "near-duplicate lookup: %s",
                                   sqlite3_errmsg(dd->ar->db));
        }
    }
    /* count hits per docno */
    size_t nc = 0;
    if (cs.n) {
        dl_qsort(cs.v, cs.n, sizeof *cs.v, cmp_docno);
        for (size_t i = 0; i < cs.n; i++) {
            if (nc && cs.v[nc - 1].docno == cs.v[i].docno) cs.v[nc - 1].hits++;
            else cs.v[nc++] = cs.v[i];
        }
        dl_qsort(cs.v, nc, sizeof *cs.v, cmp_cand);
    }
    /* a candidate must share enough keys to reach the threshold at all:
     * expected shared keys = containment x keys of the smaller side */
    uint32_t min_hits = nkeys >= 12 ? 2 : 1;
    dl_u32vec tmp = {0};
    int64_t best = 0;
    double best_sim = 0;
    for (size_t i = 0; i < nc && i < DL_DUP_CANDIDATES && !rc; i++) {
        if (cs.v[i].hits < min_hits || cs.v[i].docno == docno) continue;
        double c = verify(dd, cs.v[i].docno, &tmp);
        if (c < DL_DUP_PREFILTER) continue;
        c = DL_DUP_SCORE(c, bigram_containment(dd, cs.v[i].docno, text, len));
        if (c < DL_DUP_THRESHOLD) continue;
        int64_t a = cs.v[i].docno;
        sqlite3_stmt *st = dd->st_pair_put;
        sqlite3_bind_int64(st, 1, a < docno ? a : docno);
        sqlite3_bind_int64(st, 2, a < docno ? docno : a);
        sqlite3_bind_double(st, 3, c);
        rc = step_done(dd, st);
        if (c > best_sim || (c == best_sim && a < best)) best = a, best_sim = c;
    }
    dl_vec_free(&tmp);
    dl_vec_free(&cs);
    if (rc) return rc;

    /* store the signature and its keys */
    unsigned char *blob = encode_sig(&dd->sig);
    if (!blob) return DL_ENOMEM;
    sqlite3_bind_int64(dd->st_sig_put, 1, docno);
    sqlite3_bind_blob(dd->st_sig_put, 2, blob, (int)(dd->sig.n * 4), SQLITE_STATIC);
    rc = step_done(dd, dd->st_sig_put);
    free(blob);
    for (size_t i = 0; i < dd->sig.n && !rc; i++) {
        if (dd->sig.v[i] & mask) continue;
        if (dd->mem) {
            /* lookups read the map: the row is written at the batch's end */
            keyrow kr = {dd->sig.v[i], docno};
            rc = dl_vec_push(&dd->pending, kr);
            if (!rc) keys_add(dd, dd->sig.v[i], docno);
            if (!rc && !dd->mem) rc = dl_dedup_flush(dd); /* map dropped (OOM) */
            continue;
        }
        sqlite3_bind_int64(dd->st_key_put, 1, dd->sig.v[i]);
        sqlite3_bind_int64(dd->st_key_put, 2, docno);
        rc = step_done(dd, dd->st_key_put);
    }
    if (!rc) {
        size_t slot = (size_t)((uint64_t)docno % RECENT);
        remember(&dd->rsig[slot].docno, &dd->rsig[slot].v, docno, &dd->sig);
        if (dd->bi.n) remember(&dd->rbi[slot].docno, &dd->rbi[slot].v, docno, &dd->bi);
        else if (dd->rbi[slot].docno) dd->rbi[slot].docno = 0;
    }
    if (rc || !best) return rc;

    /* link the copy to the earliest copy of its best match */
    int64_t root = best;
    sqlite3_bind_int64(dd->st_root, 1, best);
    if (sqlite3_step(dd->st_root) == SQLITE_ROW &&
        sqlite3_column_type(dd->st_root, 0) != SQLITE_NULL)
        root = sqlite3_column_int64(dd->st_root, 0);
    sqlite3_reset(dd->st_root);
    sqlite3_bind_int64(dd->st_link, 1, root);
    sqlite3_bind_double(dd->st_link, 2, best_sim);
    sqlite3_bind_int64(dd->st_link, 3, docno);
    rc = step_done(dd, dd->st_link);
    if (!rc) {
        *dup_of = root;
        *sim = best_sim;
    }
    return rc;
}

static int cmp_keyrow(const void *a, const void *b)
{
    const keyrow *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->docno < y->docno ? -1 : x->docno > y->docno;
}

int dl_dedup_flush(dl_dedup *dd)
{
    if (!dd || !dd->pending.n) return DL_OK;
    /* in key order: each insert lands next to the previous one */
    dl_qsort(dd->pending.v, dd->pending.n, sizeof *dd->pending.v, cmp_keyrow);
    int rc = DL_OK;
    size_t i = 0;
    /* FLUSH_ROWS rows per statement while there are that many */
    if (!dd->st_key_many) {
        dl_buf q = {0};
        dl_buf_adds(&q, "INSERT OR IGNORE INTO dup_keys(key, docno) VALUES ");
        for (int k = 0; k < FLUSH_ROWS; k++) dl_buf_adds(&q, k ? ",(?,?)" : "(?,?)");
        if (!q.err) dd->st_key_many = dl_archive_prepare(dd->ar, q.p);
        dl_buf_free(&q);
    }
    for (; dd->st_key_many && i + FLUSH_ROWS <= dd->pending.n && !rc; i += FLUSH_ROWS) {
        for (int k = 0; k < FLUSH_ROWS; k++) {
            sqlite3_bind_int64(dd->st_key_many, 2 * k + 1, dd->pending.v[i + k].key);
            sqlite3_bind_int64(dd->st_key_many, 2 * k + 2, dd->pending.v[i + k].docno);
        }
        rc = step_done(dd, dd->st_key_many);
    }
    for (; i < dd->pending.n && !rc; i++) {
        sqlite3_bind_int64(dd->st_key_put, 1, dd->pending.v[i].key);
        sqlite3_bind_int64(dd->st_key_put, 2, dd->pending.v[i].docno);
        rc = step_done(dd, dd->st_key_put);
    }
    dd->pending.n = 0;
    return rc;
}

/* ------------------------------------------------------------ public API */

int dl_dups(dl_archive *ar, dl_dup_pair **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT x.id, y.id, p.sim FROM dup_pairs p"
            " JOIN articles x ON x.docno = p.a JOIN articles y ON y.docno = p.b"
            " ORDER BY p.a, p.b");
    if (!st) return dl_story_schema_missing(ar) ? DL_OK : DL_ESTORE;  /* no pairs table: none */
    DL_VEC(dl_dup_pair) v = {0};
    int s, rc = DL_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        dl_dup_pair p;
        memset(&p, 0, sizeof p);
        snprintf(p.a, sizeof p.a, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(p.b, sizeof p.b, "%s", (const char *)sqlite3_column_text(st, 1));
        p.similarity = sqlite3_column_double(st, 2);
        if (dl_vec_push(&v, p)) {
            rc = DL_ENOMEM;
            break;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    if (rc) {
        dl_vec_free(&v);
        return rc;
    }
    *out = v.v;
    *n = v.n;
    return DL_OK;
}

double dl_near_dup_similarity(const char *a, size_t alen, const char *b, size_t blen)
{
    dl_u32vec x = {0}, y = {0};
    double c = -1;
    if (!dl_shingles(a, alen, &x) && !dl_shingles(b, blen, &y)) {
        c = (x.n < DL_DUP_MIN_SHINGLES || y.n < DL_DUP_MIN_SHINGLES)
                ? 0
                : dl_containment(x.v, x.n, y.v, y.n);
        if (c > 0 && !dl_shingles_k(a, alen, 2, &x) && !dl_shingles_k(b, blen, 2, &y))
            c = DL_DUP_SCORE(c, dl_containment(x.v, x.n, y.v, y.n));
    }
    dl_vec_free(&x);
    dl_vec_free(&y);
    return c;
}
