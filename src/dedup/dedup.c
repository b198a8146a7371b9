/*
 * dedup.c -- near-duplicates in the archive: the ingest-time check
 * (dl_dedup_article) and the public listing (dl_dups).  Method and tables:
 * dedup.h.
 */
#include "dedup.h"
#include "../store/store.h"
#include "../story/story.h"
#include "../text/buf.h"

#include <limits.h>
#include <math.h>
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

/* A candidate original: docno and sampled keys shared. */
typedef struct cand {
    int64_t docno;
    uint32_t hits;
} cand;

typedef struct keyrow {
    uint32_t key;
    int64_t docno;
} keyrow;

struct dl_dedup {
    dl_archive *ar;
    sqlite3_stmt *st_sig_put, *st_sig_get, *st_key_put, *st_key_get, *st_pair_put,
        *st_link, *st_root, *st_text, *st_version;
    dl_u32vec sig, bi, tmp;  /* this article's 5- and 2-shingles; scratch */
    /* scratch of dl_dedup_article: the candidates, and docno -> index in
     * them (generation-stamped open addressing, cleared in O(1)) */
    DL_VEC(struct cand) cs;
    DL_VEC(unsigned char) blob;
    int64_t *cm_key;
    uint32_t *cm_val, *cm_gen, cm_cur;
    size_t cm_cap;
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
    dl_vec_free(&dd->cs);
    dl_vec_free(&dd->blob);
    free(dd->cm_key);
    free(dd->cm_val);
    free(dd->cm_gen);
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


static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
    return x->docno > y->docno ? -1 : x->docno < y->docno;
}


/* The dup_sigs blob: the 5-shingles as little-endian uint32s, then the
 * 2-shingles, then the trailer (count of 5-shingles, SIG_MAGIC), so that a
 * candidate's bigrams are read, not shingled again from its text.  A blob
 * without the trailer (archives written before it) holds the 5-shingles
 * alone. */
#define SIG_MAGIC 0x32424C44u  /* "DLB2" */

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Encodes sig and bi into dd->blob (*n bytes); NULL on OOM. */
static unsigned char *encode_sig(dl_dedup *dd, const dl_u32vec *sig, const dl_u32vec *bi,
                                 size_t *n)
{
    *n = 4 * (sig->n + bi->n) + 8;
    if (sig->n > UINT32_MAX || dl_vec_reserve(&dd->blob, *n)) return NULL;
    unsigned char *p = dd->blob.v;
    for (size_t i = 0; i < sig->n; i++) put_u32(p + 4 * i, sig->v[i]);
    for (size_t i = 0; i < bi->n; i++) put_u32(p + 4 * (sig->n + i), bi->v[i]);
    put_u32(p + *n - 8, (uint32_t)sig->n);
    put_u32(p + *n - 4, SIG_MAGIC);
    return p;
}

/* Splits a dup_sigs blob of n bytes: *n5 5-shingles at its start, *n2
 * 2-shingles after them (0 for an old blob without the trailer). */
static void blob_parts(const unsigned char *p, size_t n, size_t *n5, size_t *n2)
{
    size_t words = n / 4;
    *n5 = words;
    *n2 = 0;
    if (words >= 2 && get_u32(p + 4 * (words - 1)) == SIG_MAGIC) {
        size_t k = get_u32(p + 4 * (words - 2));
        if (k <= words - 2) {
            *n5 = k;
            *n2 = words - 2 - k;
        }
    }
}

/* Decodes m uint32s at p into v (cleared); 0 unless strictly ascending (a
 * damaged signature is skipped, never trusted) or on OOM. */
static int decode_sorted(const unsigned char *p, size_t m, dl_u32vec *v)
{
    v->n = 0;
    if (dl_vec_reserve(v, m)) return 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < m; i++) {
        uint32_t x = get_u32(p + 4 * i);
        if (i && x <= prev) return 0;
        v->v[v->n++] = prev = x;
    }
    return 1;
}

/* |A n B| / min(|A|, |B|) as dl_containment when it reaches at_least;
 * otherwise some value below at_least, found as soon as the rest of the
 * arrays cannot lift the count that far.  When one side is much shorter,
 * its elements are searched in the other (galloping). */
static double containment_min(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                              double at_least)
{
    if (!na || !nb) return 0;
    if (na > nb) {
        const uint32_t *t = a;
        a = b;
        b = t;
        size_t tn = na;
        na = nb;
        nb = tn;
    }
    /* a is the shorter: both <= na, and min(|A|, |B|) = na */
    size_t need = (size_t)ceil(at_least * (double)na - 1e-9), both = 0;
    if (need > na) return 0;
    size_t i = 0, j = 0;
    if (nb / na >= 16) {
        for (; i < na && j < nb; i++) {
            if (both + (na - i) < need) return 0;
            /* gallop to the first b[j'] >= a[i] */
            size_t step = 1, lo = j, hi = j;
            while (hi < nb && b[hi] < a[i]) lo = hi + 1, hi += step, step *= 2;
            if (hi > nb) hi = nb;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (b[mid] < a[i]) lo = mid + 1;
                else hi = mid;
            }
            j = lo;
            if (j < nb && b[j] == a[i]) both++, j++;
        }
        return (double)both / (double)na;
    }
    while (i < na && j < nb) {
        /* at most min(rest of a, rest of b) more in common */
        size_t ra = na - i, rb = nb - j;
        if (both + (ra < rb ? ra : rb) < need) return 0;
        size_t stop_i = i + 64 < na ? i + 64 : na;  /* check the bound every 64 steps of a */
        while (i < stop_i && j < nb) {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else both++, i++, j++;
        }
    }
    return (double)both / (double)na;
}

/* Containment of the stored signature of docno against sig when it
 * reaches DL_DUP_PREFILTER (else a value below it); -1 when it has none or
 * it is unreadable. */
static double verify(dl_dedup *dd, int64_t docno, dl_u32vec *tmp)
{
    size_t slot = (size_t)((uint64_t)docno % RECENT);
    if (dd->rsig[slot].docno == docno)
        return containment_min(dd->sig.v, dd->sig.n, dd->rsig[slot].v.v, dd->rsig[slot].v.n,
                               DL_DUP_PREFILTER);
    sqlite3_stmt *st = dd->st_sig_get;
    sqlite3_bind_int64(st, 1, docno);
    double c = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        size_t n5, n2;
        if (p) {
            blob_parts(p, (size_t)sqlite3_column_bytes(st, 0), &n5, &n2);
            if (decode_sorted(p, n5, tmp))
                c = containment_min(dd->sig.v, dd->sig.n, tmp->v, tmp->n, DL_DUP_PREFILTER);
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
        /* from the stored blob; else (an old blob) from the text */
        sqlite3_stmt *st = dd->st_sig_get;
        sqlite3_bind_int64(st, 1, docno);
        int got = 0;
        if (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *p = sqlite3_column_blob(st, 0);
            size_t n5, n2;
            if (p) {
                blob_parts(p, (size_t)sqlite3_column_bytes(st, 0), &n5, &n2);
                got = n2 && decode_sorted(p + 4 * n5, n2, cb);
            }
        }
        sqlite3_reset(st);
        if (got) {
            dd->rbi[slot].docno = docno;
            return dl_containment(dd->bi.v, dd->bi.n, cb->v, cb->n);
        }
        st = dd->st_text;
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

/* Empties the candidate map (O(1): a new generation); sized for the most
 * postings one article can read in mem mode. */
static int cand_clear(dl_dedup *dd)
{
    if (!dd->cm_cap) {
        size_t cap = 1;
        while (cap < 4 * (size_t)DL_DUP_POSTINGS * 64) cap *= 2;
        dd->cm_key = dl_malloc(cap * sizeof *dd->cm_key);
        dd->cm_val = dl_malloc(cap * sizeof *dd->cm_val);
        dd->cm_gen = dl_calloc(cap, sizeof *dd->cm_gen);
        if (!dd->cm_key || !dd->cm_val || !dd->cm_gen) {
            free(dd->cm_key);
            free(dd->cm_val);
            free(dd->cm_gen);
            dd->cm_key = NULL;
            dd->cm_val = dd->cm_gen = NULL;
            return DL_ENOMEM;
        }
        dd->cm_cap = cap;
    }
    if (++dd->cm_cur == 0) {
        memset(dd->cm_gen, 0, dd->cm_cap * sizeof *dd->cm_gen);
        dd->cm_cur = 1;
    }
    return DL_OK;
}

/* One posting of docno: its candidate gains a hit (added with 1).  When
 * the map is half full (only the table path can read that many postings),
 * it grows. */
static int cand_hit(dl_dedup *dd, int64_t docno)
{
    if ((dd->cs.n + 1) * 2 > dd->cm_cap) {
        size_t nc = dd->cm_cap * 2;
        int64_t *nk = dl_malloc(nc * sizeof *nk);
        uint32_t *nv = dl_malloc(nc * sizeof *nv), *ng = dl_calloc(nc, sizeof *ng);
        if (!nk || !nv || !ng) {
            free(nk);
            free(nv);
            free(ng);
            return DL_ENOMEM;
        }
        for (size_t i = 0; i < dd->cs.n; i++) {
            size_t h = (size_t)((uint64_t)dd->cs.v[i].docno * 0x9E3779B97F4A7C15ull >> 32) &
                       (nc - 1);
            while (ng[h]) h = (h + 1) & (nc - 1);
            ng[h] = 1;
            nk[h] = dd->cs.v[i].docno;
            nv[h] = (uint32_t)i;
        }
        free(dd->cm_key);
        free(dd->cm_val);
        free(dd->cm_gen);
        dd->cm_key = nk;
        dd->cm_val = nv;
        dd->cm_gen = ng;
        dd->cm_cap = nc;
        dd->cm_cur = 1;
    }
    size_t h = (size_t)((uint64_t)docno * 0x9E3779B97F4A7C15ull >> 32) & (dd->cm_cap - 1);
    while (dd->cm_gen[h] == dd->cm_cur) {
        if (dd->cm_key[h] == docno) {
            dd->cs.v[dd->cm_val[h]].hits++;
            return DL_OK;
        }
        h = (h + 1) & (dd->cm_cap - 1);
    }
    cand c = {docno, 1};
    if (dl_vec_push(&dd->cs, c)) return DL_ENOMEM;
    dd->cm_gen[h] = dd->cm_cur;
    dd->cm_key[h] = docno;
    dd->cm_val[h] = (uint32_t)(dd->cs.n - 1);
    return DL_OK;
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

    /* candidates: earlier articles sharing sampled shingles, counted in a
     * docno -> index map (no sort of the postings) */
    dd->cs.n = 0;
    size_t nkeys = 0;
    if ((rc = cand_clear(dd))) return rc;
    for (size_t i = 0; i < dd->sig.n; i++) {
        if (dd->sig.v[i] & mask) continue;
        nkeys++;
        if (dd->mem) {
            if (!dd->kcap) continue;
            keyent *e = &dd->keys[key_slot(dd->keys, dd->kcap, dd->sig.v[i])];
            /* the newest DL_DUP_POSTINGS, as the table query reads them */
            for (size_t k = e->used ? e->docnos.n : 0, m = 0; k > 0 && m < DL_DUP_POSTINGS;
                 k--, m++)
                if ((rc = cand_hit(dd, e->docnos.v[k - 1]))) return rc;
            continue;
        }
        sqlite3_stmt *st = dd->st_key_get;
        sqlite3_bind_int64(st, 1, dd->sig.v[i]);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            if ((rc = cand_hit(dd, sqlite3_column_int64(st, 0)))) {
                sqlite3_reset(st);
                return rc;
            }
        }
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            return dl_archive_fail(dd->ar, DL_ESTORE, "near-duplicate lookup: %s",
                                   sqlite3_errmsg(dd->ar->db));
    }
    /* a candidate must share enough keys to reach the threshold at all:
     * expected shared keys = containment x keys of the smaller side */
    uint32_t min_hits = nkeys >= 12 ? 2 : 1;
    /* the ones with enough hits, most hits first (then newest): at most
     * DL_DUP_CANDIDATES are verified */
    size_t nc = 0;
    for (size_t i = 0; i < dd->cs.n; i++)
        if (dd->cs.v[i].hits >= min_hits && dd->cs.v[i].docno != docno)
            dd->cs.v[nc++] = dd->cs.v[i];
    dl_qsort(dd->cs.v, nc, sizeof *dd->cs.v, cmp_cand);
    dl_u32vec *tmp = &dd->tmp;
    int64_t best = 0;
    double best_sim = 0;
    for (size_t i = 0; i < nc && i < DL_DUP_CANDIDATES && !rc; i++) {
        double c = verify(dd, dd->cs.v[i].docno, tmp);
        if (c < DL_DUP_PREFILTER) continue;
        c = DL_DUP_SCORE(c, bigram_containment(dd, dd->cs.v[i].docno, text, len));
        if (c < DL_DUP_THRESHOLD) continue;
        int64_t a = dd->cs.v[i].docno;
        sqlite3_stmt *st = dd->st_pair_put;
        sqlite3_bind_int64(st, 1, a < docno ? a : docno);
        sqlite3_bind_int64(st, 2, a < docno ? docno : a);
        sqlite3_bind_double(st, 3, c);
        rc = step_done(dd, st);
        if (c > best_sim || (c == best_sim && a < best)) best = a, best_sim = c;
    }
    if (rc) return rc;

    /* store the signature and its keys */
    if (!dd->bi.n && (rc = dl_shingles_k(text, len, 2, &dd->bi))) return rc;
    size_t blob_n = 0;
    unsigned char *blob = encode_sig(dd, &dd->sig, &dd->bi, &blob_n);
    if (!blob || blob_n > INT_MAX) return DL_ENOMEM;
    sqlite3_bind_int64(dd->st_sig_put, 1, docno);
    sqlite3_bind_blob(dd->st_sig_put, 2, blob, (int)blob_n, SQLITE_STATIC);
    rc = step_done(dd, dd->st_sig_put);
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
