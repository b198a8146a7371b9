/*
 * story.c -- online story assignment during ingest (dl_story_assign).  The
 * method, constants and the state format are described in story.h.
 *
 * Representation.  Every string the storyer meets (term stems, surface
 * forms, "@" entity keys) is interned once per session into a dictionary
 * (struct dent, ids in first-seen order; the strings live in one arena).
 * Vectors are arrays of (term id, surface id, weight) sorted by term id, so
 * a cosine is an integer merge and a centroid update moves no strings.  The
 * dictionary entry also carries the term's document frequency; in mem
 * mode the story_keys rows of each term are kept beside it (struct krows).
 * Strings come back only where they are persisted (stories.state,
 * story_df, story_keys) or where their order decides a tie (equal weights:
 * the term that sorts first by string wins, as before interning).  Scratch
 * vectors live in the storyer: the writer thread allocates nothing per
 * article once they have grown.
 *
 * Cost (the writer thread runs all of this, one article after another).
 * The results are exactly those of the plain method -- same ids, same
 * sums in the same order, same rounding -- and the work is shaped around
 * memory: an article's terms are interned in passes that prefetch the
 * dictionary (intern_many); a key's newest rows are kept sorted, so a
 * lookup is a search, not a scan and a sort (krows); cosines read the
 * candidate's centroid once against a branch-free probe table of the fixed
 * side (ptab_*); a story parked between batches is rounded to its written
 * precision by arithmetic, not through text, and only when it changed
 * (as_written, storyrow.rounded); the flush sorts terms by integer
 * prefixes and packed keys, not by string comparisons alone.  The
 * logarithms of the TF-IDF weights are memoised exactly (the same log()
 * values: per whole term count, and per df for the current article
 * count); a term's surface is found again by a compare with the one it had
 * last time (dent.surf); the top terms are picked among those at or above
 * a selected k-th weight; a cosine skips the terms a bitmap of the probe
 * table rules out.  None of this changes a value: outputs stay
 * byte-identical.
 */
#include "story.h"
#include "../store/store.h"
#include "../text/buf.h"

#include <math.h>
#include <stdio.h>

/* One vector component: interned term and surface, weight. */
typedef struct sterm {
    uint32_t id, surf;
    double w;
} sterm;
typedef DL_VEC(sterm) stermvec;

/* A story as assignment reads it; cn caches |c|.  dirty: changed in this
 * batch and not yet written (write_row, at eviction or dl_storyer_flush):
 * an article joining a story costs no SQL until the batch ends.  An empty
 * slot (id 0) keeps its vector's array for the next story read into it. */
typedef struct storyrow {
    int64_t id;     /* 0: empty cache slot */
    int32_t first, last;
    int64_t articles;
    int dirty;
    /* rounded: every weight is as written (as_written(w) == w), as after
     * park; cleared when the centroid changes.  park then has nothing to
     * round and cn (always |c|) stays valid. */
    int rounded;
    stermvec c;
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
/* Stories put aside between batches (struct dl_storyer, parked). */
#define STORY_PARKED 8192
/* Distinct stories gathered per article (and per merge check) before the
 * ranking by shared keys. */
#define STORY_GATHER 256
/* story_keys rows of one key read per lookup in mem mode: the newest ones
 * (rows arrive in ingest order), so that a frequent key costs a bounded
 * scan however large the archive grows. */
#define STORY_KEY_SCAN 1024

/* A story_keys row of one key, in memory (mem mode), packed in 64 bits:
 * the day (offset by 2^31, so that unsigned order is day order) above the
 * story id (below 2^32; a larger id drops the rows from memory, kmap_add).
 * Integer order is (day, story) order, the order of the table's index. */
#define KROW(day, story) ((uint64_t)((uint32_t)(day) ^ 0x80000000u) << 32 | (uint64_t)(story))
#define KROW_STORY(r) ((int64_t)(uint32_t)(r))
typedef DL_VEC(int64_t) i64vec;

/* The story_keys rows of one key in memory: all of them in arrival
 * order, and the newest STORY_KEY_SCAN of them kept sorted (win), so that
 * a lookup is a binary search for the day window's slice instead of a
 * scan and a sort (kmap_add keeps win in step with rows).  While the rows
 * arrive sorted and are no more than STORY_KEY_SCAN, they are the window
 * themselves and win stays unmade (NULL; kwin): most keys never need a
 * second array. */
typedef struct krows {
    DL_VEC(uint64_t) rows, win;
} krows;

/* The sorted window of a key's rows (into *n). */
static inline const uint64_t *kwin(const krows *e, size_t *n)
{
    if (e->win.v) {
        *n = e->win.n;
        return e->win.v;
    }
    *n = e->rows.n;
    return e->rows.v;
}

/* An interned string.  df: the document frequency as this session sees it
 * (read through from story_df on first use when df_known is 0), delta the
 * increments not yet written: dl_storyer_flush writes them inside the
 * batch's transaction, one upsert per distinct term instead of one per
 * article and term.  Another writer between batches only makes the cached
 * counts a little stale; the table stays exact (n = n + delta). */
typedef struct dent {
    uint32_t off;        /* string at strs + off */
    uint8_t df_known, df_dirty;
    uint16_t len;        /* strlen, or UINT16_MAX: longer (see str_len) */
    /* a term's surface the last time an article kept it (id + 1; 0:
     * none): most articles give a term the same one, found again by a
     * string compare instead of a dictionary lookup (doc_vector) */
    uint32_t surf;
    int64_t n, delta;
} dent;

/* A story_keys row not yet written. */
typedef struct pkey {
    uint32_t term;
    int32_t day;
    int64_t story;
} pkey;

/* A small int64 -> int32 map cleared in O(1) (generation stamps): the
 * distinct stories of one lookup.  Each clear chooses how many slots the
 * lookup uses (cap, a power of two up to IDMAP_CAP, at least 4 times the
 * entries it will hold), so that a small lookup touches few cache lines;
 * a slot holds key, stamp and value together.  At most a quarter used. */
#define IDMAP_CAP 8192
typedef struct idslot {
    int64_t key;
    uint32_t gen;
    int32_t val;
} idslot;
typedef struct idmap {
    idslot s[IDMAP_CAP];
    size_t cap;
    uint32_t cur;
    size_t n;
} idmap;

/* Memoised logarithms (struct dl_storyer, ltf, idf): term counts below
 * LTF_N, document frequencies below IDF_MEMO. */
#define LTF_N 64
#define IDF_MEMO 1024

/* Probe table slots (struct dl_storyer, pt_*): for vectors of up to
 * PT_CAP / 4 terms.  Beside it a bitmap of the ids it holds (a bit per
 * id, PT_BM): most terms of the other vector are not in the table, and
 * the bitmap tells so for nearly all of them without the probe. */
#define PT_CAP 1024
#define PT_BM_BITS 2048
#define PT_BM(id) ((uint32_t)((id) * 0x85EBCA6Bu) >> 21)

/* A candidate story: id, keys shared, order of discovery. */
typedef struct scand {
    int64_t id;
    int hits, order;
} scand;
typedef DL_VEC(scand) scandvec;

/* What the assigner made of the term numbers of one space (dl_rawterms
 * .lspace): v[number] = term id + 1, 0 not yet. */
typedef struct lmap {
    uint64_t space;  /* 0: a free map */
    uint64_t used;   /* the tick of its last use (the oldest goes first) */
    uint32_t *v;
    size_t cap;
} lmap;
#define LMAPS 8  /* spaces remembered: the ingest's workers each have one */

struct dl_storyer {
    dl_archive *ar;
    /* mem = 1: the story_keys rows are all in memory (kr): the table was
     * empty when the session began, the rows live in the key log (below),
     * read at the start and caught up after another connection's commit.
     * dfmem = 1: story_df was empty when the session began and no other
     * connection has written since (PRAGMA data_version): a df miss is 0
     * without a query.  story_df is still written. */
    int mem, dfmem;
    int64_t version;
    dl_applog klog;  /* the key log, while mem */
    int klog_on;
    DL_VEC(unsigned char) logbuf;  /* a batch's log records */
    /* the dictionary */
    char *strs;
    size_t strs_n, strs_cap;
    DL_VEC(dent) dict;
    uint64_t *dh;        /* hash slots: hash << 32 | (id + 1), 0 free */
    size_t dh_cap;
    i64vec ids;          /* scratch: one key's stories */
    idmap *seen;         /* scratch: distinct ids */
    scandvec cands, ecands, csort;
    stermvec v, tmpv;    /* scratch: the article's vector; merge output */
    DL_VEC(double) wbuf; /* scratch weights */
    DL_VEC(size_t) ties; /* scratch */
    DL_VEC(uint32_t) offs, tids; /* scratch of doc_vector: string offsets, their ids */
    DL_VEC(uint32_t) ihash;      /* scratch of intern_many: hashes, lengths */
    DL_VEC(uint32_t) islot;      /* scratch of intern_many: first slots' ids + 1 */
    DL_VEC(uint32_t) smiss;      /* scratch of doc_vector: surfaces to intern */
    DL_VEC(uint32_t) lpos;       /* scratch of doc_vector: terms to intern */
    lmap lm[LMAPS];
    uint64_t lm_tick;
    dl_buf label, state;         /* scratch of write_row and new stories */
    DL_VEC(uint64_t) k64, k64t, k64u;  /* scratch of the flush's sorts */
    DL_VEC(uint32_t) u32a, u32b;
    /* mem mode: the story_keys rows of each key, by term id (entries past
     * kr.n: none yet) */
    DL_VEC(krows) kr;
    /* probe table of one vector (ptab_build): the article's while its
     * candidates are scored, a story's centroid in merge_one */
    uint32_t pt_id[PT_CAP];
    double pt_w[PT_CAP];
    uint64_t pt_bm[PT_BM_BITS / 64];  /* a bit per id of the table's vector (PT_BM) */
    uint32_t pt_shift;
    const stermvec *pt_of;  /* the vector in the table (NULL: none) */
    sqlite3_stmt *st_version;
    dl_stemmer *sm;
    int64_t ndocs;  /* articles seen, for IDF */
    DL_VEC(uint32_t) dirty;  /* ids with delta != 0 */
    storyrow cache[STORY_CACHE];
    /* second level: stories put aside (at eviction and at the batch's end,
     * all written) with their weights rounded as their state text holds
     * them, so that reading one back from here gives exactly what
     * parse_state would give, without the query and the parse.  By id
     * modulo STORY_PARKED; emptied when another connection wrote between
     * batches (park_check). */
    storyrow *parked;
    int park_check;
    int vfresh;  /* 1: data_version checked inside the open transaction, in
                  * which no other connection writes (dl_storyer_flush,
                  * before each COMMIT, resets it) */
    int64_t park_version;
    DL_VEC(int64_t) touched;  /* stories made dirty this batch (merge pass) */
    alias *al;
    size_t al_cap, al_n;
    /* a bit per story id below gone_n (a multiple of 64) set when the id
     * has an alias: resolve answers for most ids without probing al.
     * gone_off: an id could not be marked (too large, OOM): always probe */
    uint64_t *gone;
    size_t gone_n;
    int gone_off;
    sqlite3_stmt *st_merge_art, *st_tomb;
    sqlite3_stmt *st_df_many;  /* DF_ROWS upserts at once; made on first use */
    sqlite3_stmt *st_df_big;   /* DF_BIG of them */
    /* story_keys rows not yet written (mem mode: lookups read the rows in
     * memory); written by flush_keys, in key order, DF_ROWS at once */
    DL_VEC(pkey) pkeys;
    sqlite3_stmt *st_keys_many;
    sqlite3_stmt *st_df_get, *st_df_put, *st_keys_get, *st_keys_put, *st_story_get,
        *st_story_new, *st_story_upd, *st_art_set, *st_art_story;
    /* doc_vector's logarithms, memoised exactly (the same log() calls,
     * made once): ltf[k] = log(k) for the small whole term counts, and
     * idf[df] the idf of a document frequency below IDF_MEMO for the
     * article counted in idf_at[df] (s->ndocs then) */
    double ltf[LTF_N];
    double idf[IDF_MEMO];
    int64_t idf_at[IDF_MEMO];
};

#define STR(s, id) ((s)->strs + (s)->dict.v[id].off)

static size_t str_len(const dl_storyer *s, uint32_t id)
{
    const dent *e = &s->dict.v[id];
    return e->len < UINT16_MAX ? e->len : strlen(s->strs + e->off);
}
#define NO_ID UINT32_MAX

static int dh_grow(dl_storyer *s)
{
    size_t nc = s->dh_cap ? s->dh_cap * 2 : 16384;
    uint64_t *nt = dl_table_alloc(nc * sizeof *nt);  /* probed before written */
    if (!nt) return DL_ENOMEM;
    for (size_t i = 0; i < s->dh_cap; i++) {
        if (!s->dh[i]) continue;
        size_t h = (size_t)(s->dh[i] >> 32) & (nc - 1);
        while (nt[h]) h = (h + 1) & (nc - 1);
        nt[h] = s->dh[i];
    }
    dl_table_free(s->dh, s->dh_cap * sizeof *s->dh);
    s->dh = nt;
    s->dh_cap = nc;
    return DL_OK;
}

/* Are u[0, len) and t[0, len) the same bytes?  Short strings (most terms)
 * are compared by two overlapping word loads inside both ranges. */
static inline int same_bytes(const char *u, const char *t, size_t len)
{
    if (len >= 8) {
        if (len > 16) return memcmp(u, t, len) == 0;
        return dl_load64(u) == dl_load64(t) && dl_load64(u + len - 8) == dl_load64(t + len - 8);
    }
    if (len >= 4) return dl_load32(u) == dl_load32(t) && dl_load32(u + len - 4) == dl_load32(t + len - 4);
    for (size_t i = 0; i < len; i++)
        if (u[i] != t[i]) return 0;
    return 1;
}

/* Interns t[0, len) (hash hv) at the free slot h of the hash table
 * (which has room); NO_ID on OOM. */
static __attribute__((noinline)) uint32_t intern_add(dl_storyer *s, const char *t, size_t len,
                                                     uint32_t hv, size_t h)
{
    if (s->dict.n >= NO_ID - 1 || s->strs_n + len + 1 > UINT32_MAX) return NO_ID;
    if (s->strs_n + len + 1 > s->strs_cap) {
        size_t nc = s->strs_cap ? s->strs_cap * 2 : 1 << 20;
        while (nc < s->strs_n + len + 1) nc *= 2;
        char *np = dl_realloc(s->strs, nc);
        if (!np) return NO_ID;
        s->strs = np;
        s->strs_cap = nc;
    }
    dent e;
    memset(&e, 0, sizeof e);
    e.off = (uint32_t)s->strs_n;
    e.len = len < UINT16_MAX ? (uint16_t)len : UINT16_MAX;
    if (dl_vec_push(&s->dict, e)) return NO_ID;
    memcpy(s->strs + s->strs_n, t, len);
    s->strs[s->strs_n + len] = 0;
    s->strs_n += len + 1;
    s->dh[h] = (uint64_t)hv << 32 | (uint64_t)s->dict.n;
    return (uint32_t)s->dict.n - 1;
}

/* The id of t[0, len) (NUL-free) whose hash is hv, interned on first
 * sight; NO_ID on OOM.  A slot holds the hash beside the id, so a probe
 * touches an entry only when the hashes agree, and its string only when
 * the lengths do too. */
static inline __attribute__((always_inline)) uint32_t intern_h(dl_storyer *s, const char *t,
                                                               size_t len, uint32_t hv)
{
    if ((s->dict.n + 1) * 2 > s->dh_cap && dh_grow(s)) return NO_ID;
    size_t mask = s->dh_cap - 1;
    size_t h = hv & mask;
    uint16_t l16 = len < UINT16_MAX ? (uint16_t)len : UINT16_MAX;
    for (uint64_t sl; (sl = s->dh[h]) != 0; h = (h + 1) & mask) {
        if ((uint32_t)(sl >> 32) != hv) continue;
        const dent *e = &s->dict.v[(uint32_t)sl - 1];
        if (e->len != l16) continue;
        const char *u = s->strs + e->off;
        if (l16 < UINT16_MAX ? same_bytes(u, t, len) : memcmp(u, t, len) == 0 && u[len] == 0)
            return (uint32_t)sl - 1;
    }
    return intern_add(s, t, len, hv, h);
}

/* The hash of a string: the slot and the check value of the dictionary
 * (only this session's table depends on it: ids are given in first-seen
 * order).  Words loaded from inside t[0, len) only -- two overlapping ones
 * for the short strings most terms are -- folded by 64x64->128-bit
 * multiplications (wyhash's mixing). */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    __uint128_t m = (__uint128_t)a * b;
    return (uint64_t)m ^ (uint64_t)(m >> 64);
}
#define SH_K0 0xa0761d6478bd642full
#define SH_K1 0xe7037ed1a0b428dbull
#define SH_K2 0x8ebc6af09c88c6e3ull
static inline uint32_t hash_fold(uint64_t h, size_t len)
{
    h = mum(h ^ SH_K2, len ^ SH_K1);
    return (uint32_t)(h ^ (h >> 32));
}

/* The hash of a string of at most 8 bytes whose bytes, zero-extended
 * little-endian, make the integer a. */
static inline uint32_t str_hash_small(uint64_t a, size_t len)
{
    return hash_fold(mum(a ^ SH_K1, SH_K0 ^ len), len);
}

static inline uint32_t str_hash(const char *t, size_t len)
{
    if (len <= 8) {
        uint64_t a;
        if (len == 8) a = dl_load64(t);
        else if (len >= 4) a = dl_load32(t) | (uint64_t)dl_load32(t + len - 4) << (8 * (len - 4));
        else if (len) a = (uint64_t)(unsigned char)t[0] | (uint64_t)(unsigned char)t[len >> 1] << (8 * (len >> 1)) |
                         (uint64_t)(unsigned char)t[len - 1] << (8 * (len - 1));
        else a = 0;
        return str_hash_small(a, len);
    }
    uint64_t a, b, h = SH_K0 ^ len;
    if (len > 16) {
        size_t i = 0;
        for (; i + 16 < len; i += 16)
            h = mum(dl_load64(t + i) ^ SH_K1, dl_load64(t + i + 8) ^ h);
        a = dl_load64(t + len - 16);
        b = dl_load64(t + len - 8);
    } else {
        a = dl_load64(t);
        b = dl_load64(t + len - 8);
    }
    return hash_fold(mum(a ^ SH_K1, b ^ h), len);
}

static uint32_t intern(dl_storyer *s, const char *t, size_t len)
{
    return intern_h(s, t, len, str_hash(t, len));
}

/* Interns the n NUL-terminated strings buf + off[i] (inside buf[0,
 * buf_n)) in order (the ids
 * come out as n intern calls would give them) into ids (which may be off
 * itself).  The lookups of an article's few hundred terms are cache misses
 * (hash slot, dictionary entry, string: the dictionary outgrows the
 * caches).  Done in passes over all n -- hashes (prefetching the slots),
 * then the entries the slots name, then their strings, then the lookups
 * proper -- each miss is asked for a whole pass before it is needed, so
 * the misses overlap instead of queueing one after another.  DL_OK or
 * DL_ENOMEM. */
static int intern_many(dl_storyer *s, const char *buf, size_t buf_n, const uint32_t *off,
                       size_t n, uint32_t *ids)
{
    if (dl_vec_reserve(&s->ihash, 2 * n) || dl_vec_reserve(&s->islot, n)) return DL_ENOMEM;
    uint32_t *hv = s->ihash.v, *len = s->ihash.v + n;
    uint32_t *sl = s->islot.v;
    size_t mask = s->dh_cap - 1;
    for (size_t j = 0; j < n; j++) {
        const char *t = buf + off[j];
        size_t l;
        if ((size_t)off[j] + 8 <= buf_n) {
            /* a word from inside buf: its first NUL byte (the lowest flag
             * of the zero-byte test is exact) ends a short string */
            uint64_t x = dl_load64(t);
            uint64_t z = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
            if (z) {
                l = (size_t)__builtin_ctzll(z) >> 3;
                hv[j] = str_hash_small(l ? x & (~0ull >> (64 - 8 * l)) : 0, l);
            } else {
                l = 8 + strlen(t + 8);
                hv[j] = str_hash(t, l);
            }
        } else {
            l = strlen(t);
            hv[j] = str_hash(t, l);
        }
        len[j] = (uint32_t)l;
        if (s->dh_cap) __builtin_prefetch(&s->dh[hv[j] & mask]);
    }
    if (s->dh_cap) {
        /* the first slot of each: its entry when the hash agrees */
        for (size_t j = 0; j < n; j++) {
            uint64_t x = s->dh[hv[j] & mask];
            sl[j] = x && (uint32_t)(x >> 32) == hv[j] ? (uint32_t)x : 0;
            if (sl[j]) __builtin_prefetch(&s->dict.v[sl[j] - 1]);
        }
        for (size_t j = 0; j < n; j++)
            if (sl[j]) __builtin_prefetch(s->strs + s->dict.v[sl[j] - 1].off);
    }
    for (size_t j = 0; j < n; j++) {
        uint32_t id = intern_h(s, buf + off[j], len[j], hv[j]);
        if (id == NO_ID) return DL_ENOMEM;
        ids[j] = id;
    }
    return DL_OK;
}

/* ---- distinct-id scratch map */

/* Empties m for a lookup of at most `most` entries. */
static void idmap_clear(idmap *m, size_t most)
{
    m->n = 0;
    size_t cap = 64;
    while (cap < 4 * most && cap < IDMAP_CAP) cap *= 2;
    m->cap = cap;
    if (++m->cur == 0) {  /* stamps wrapped: reset them */
        for (size_t i = 0; i < IDMAP_CAP; i++) m->s[i].gen = 0;
        m->cur = 1;
    }
}

/* The slot of key: *found = 1 when present (val valid); else the slot is
 * claimed for it when there is room (returns -1 when full). */
static long idmap_get(idmap *m, int64_t key, int *found)
{
    size_t mask = m->cap - 1;
    size_t h = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ull >> 40) & mask;
    while (m->s[h].gen == m->cur) {
        if (m->s[h].key == key) {
            *found = 1;
            return (long)h;
        }
        h = (h + 1) & mask;
    }
    *found = 0;
    if (m->n * 4 >= m->cap) return -1;
    m->s[h].gen = m->cur;
    m->s[h].key = key;
    m->n++;
    return (long)h;
}

/* ---- mem-mode key rows */

static void kmap_free(dl_storyer *s)
{
    for (size_t i = 0; i < s->kr.n; i++) {
        dl_vec_free(&s->kr.v[i].rows);
        dl_vec_free(&s->kr.v[i].win);
    }
    dl_vec_free(&s->kr);
    s->mem = 0;
}

/* Records the row (term, day, story) in memory; on OOM the rows are
 * dropped (lookups go to the table again).  0 when the row was there
 * already (the table then holds it too), else 1. */
static int kmap_add(dl_storyer *s, uint32_t term, int32_t day, int64_t story)
{
    if (!s->mem) return 1;
    if (story < 0 || story > (int64_t)UINT32_MAX) {  /* beyond the packing */
        kmap_free(s);
        return 1;
    }
    if (term >= s->kr.n) {
        size_t n = s->dict.n > term ? s->dict.n : term + 1;
        if (dl_vec_reserve(&s->kr, n)) {
            kmap_free(s);
            return 1;
        }
        memset(s->kr.v + s->kr.n, 0, (n - s->kr.n) * sizeof *s->kr.v);
        s->kr.n = n;
    }
    krows *e = &s->kr.v[term];
    /* INSERT OR IGNORE: a row is there once */
    uint64_t r = KROW(day, story);
    for (size_t i = e->rows.n; i > 0 && e->rows.v[i - 1] >> 32 == r >> 32; i--)
        if (e->rows.v[i - 1] == r) return 0;
    /* rows in (day, story) order and no more than the window: they are
     * the window (win unmade, no second array for most keys) */
    if (!e->win.v && e->rows.n < STORY_KEY_SCAN && (!e->rows.n || e->rows.v[e->rows.n - 1] <= r)) {
        if (dl_vec_push(&e->rows, r)) {
            kmap_free(s);
            return 1;
        }
        return 1;
    }
    if (!e->win.v) {  /* the window made from the rows so far */
        if (dl_vec_reserve(&e->win, e->rows.n + 1)) {
            kmap_free(s);
            return 1;
        }
        if (e->rows.n) memcpy(e->win.v, e->rows.v, e->rows.n * sizeof *e->rows.v);
        e->win.n = e->rows.n;
    }
    if (dl_vec_push(&e->rows, r) || dl_vec_reserve(&e->win, e->win.n + 1)) {
        kmap_free(s);
        return 1;
    }
    /* the window: the row leaving it out, the new one in, sorted */
    uint64_t *w = e->win.v;
    size_t n = e->win.n;
    if (e->rows.n > STORY_KEY_SCAN) {
        uint64_t old = e->rows.v[e->rows.n - 1 - STORY_KEY_SCAN];
        size_t a = 0, b = n;
        while (a < b) {
            size_t m = a + (b - a) / 2;
            if (w[m] < old) a = m + 1;
            else b = m;
        }
        if (a == n || w[a] != old) {  /* cannot be: it entered when added */
            kmap_free(s);
            return 1;
        }
        memmove(w + a, w + a + 1, (n - a - 1) * sizeof *w);
        n--;
    }
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (w[m] <= r) a = m + 1;
        else b = m;
    }
    memmove(w + a + 1, w + a, (n - a) * sizeof *w);
    w[a] = r;
    e->win.n = n + 1;
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
    sqlite3_finalize(s->st_df_big);
    sqlite3_finalize(s->st_keys_many);
    dl_applog_close(&s->klog);
    dl_vec_free(&s->logbuf);
    dl_vec_free(&s->pkeys);
    sqlite3_finalize(s->st_tomb);
    free(s->al);
    free(s->gone);
    dl_vec_free(&s->touched);
    kmap_free(s);
    for (size_t i = 0; i < LMAPS; i++) free(s->lm[i].v);
    dl_vec_free(&s->lpos);
    dl_vec_free(&s->dict);
    dl_table_free(s->dh, s->dh_cap * sizeof *s->dh);
    free(s->strs);
    free(s->seen);
    dl_vec_free(&s->cands);
    dl_vec_free(&s->ecands);
    dl_vec_free(&s->csort);
    dl_vec_free(&s->v);
    dl_vec_free(&s->tmpv);
    dl_vec_free(&s->wbuf);
    dl_vec_free(&s->ties);
    dl_vec_free(&s->offs);
    dl_vec_free(&s->ihash);
    dl_vec_free(&s->islot);
    dl_vec_free(&s->smiss);
    dl_vec_free(&s->k64);
    dl_vec_free(&s->k64t);
    dl_vec_free(&s->k64u);
    dl_vec_free(&s->u32a);
    dl_vec_free(&s->u32b);
    dl_buf_free(&s->label);
    dl_buf_free(&s->state);
    dl_vec_free(&s->tids);
    dl_vec_free(&s->ids);
    dl_stemmer_free(s->sm);
    for (size_t i = 0; i < STORY_CACHE; i++) dl_vec_free(&s->cache[i].c);
    for (size_t i = 0; s->parked && i < STORY_PARKED; i++) dl_vec_free(&s->parked[i].c);
    free(s->parked);
    dl_vec_free(&s->dirty);
    free(s);
}

/* Reads term id's document frequency into its entry (on first use). */
static __attribute__((noinline)) void df_load(dl_storyer *s, uint32_t id)
{
    dent *e = &s->dict.v[id];
    int64_t n = 0;
    if (!s->dfmem) {
        sqlite3_stmt *st = s->st_df_get;
        sqlite3_bind_text(st, 1, STR(s, id), -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    e->n = n;
    e->delta = 0;
    e->df_known = 1;
}

/* Counts one more article holding term id; returns its df before this one
 * through *df. */
static inline int df_bump(dl_storyer *s, uint32_t id, int64_t *df)
{
    dent *e = &s->dict.v[id];
    if (!e->df_known) df_load(s, id);
    *df = e->n;
    if (!e->df_dirty) {
        if (dl_vec_push(&s->dirty, id)) return DL_ENOMEM;
        e->df_dirty = 1;
    }
    e->n++;
    e->delta++;
    return DL_OK;
}

static int story_batch_end(dl_storyer *s);
static int step_done(dl_storyer *s, sqlite3_stmt *st);
static void park(dl_storyer *s, storyrow *r);

/* Sort contexts of the flush (the writer thread only). */
static const dl_storyer *sort_s;
static int cmp_dirty(const void *a, const void *b)
{
    return strcmp(STR(sort_s, *(const uint32_t *)a), STR(sort_s, *(const uint32_t *)b));
}

#define DF_ROWS 64  /* rows per multi-row upsert */
#define DF_BIG 256  /* rows per statement of the flush's story_df upsert */

/* Sorts the term ids ids[0, n) by their strings (strcmp order; ids
 * distinct): by the first 5 bytes as an integer (radix), then each run
 * sharing them by strcmp -- few strings are compared, and those in runs
 * of neighbours.  DL_OK or DL_ENOMEM. */
static int sort_ids_by_string(dl_storyer *s, uint32_t *ids, size_t n)
{
    if (n < 2) return DL_OK;
    if (n >= (1u << 24)) {  /* beyond the packing */
        sort_s = s;
        dl_qsort(ids, n, sizeof *ids, cmp_dirty);
        sort_s = NULL;
        return DL_OK;
    }
    if (dl_vec_reserve(&s->k64, n) || dl_vec_reserve(&s->k64t, n) || dl_vec_reserve(&s->u32b, n))
        return DL_ENOMEM;
    uint64_t *k = s->k64.v;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)STR(s, ids[i]);
        uint64_t pre = 0;
        int j = 0;
        for (; j < 5 && p[j]; j++) pre = pre << 8 | p[j];
        pre <<= 8 * (5 - j);  /* a shorter string: NULs, first as in strcmp */
        k[i] = pre << 24 | i;
    }
    /* by prefix, ties in index order: the order of the whole keys */
    dl_sort_u64_from(k, n, s->k64t.v, 24);
    uint32_t *o = s->u32b.v;
    for (size_t i = 0; i < n; i++) o[i] = ids[k[i] & 0xFFFFFF];
    sort_s = s;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && k[j] >> 24 == k[i] >> 24) j++;
        if (j - i > 1) dl_qsort(o + i, j - i, sizeof *o, cmp_dirty);
        i = j;
    }
    sort_s = NULL;
    memcpy(ids, o, n * sizeof *ids);
    return DL_OK;
}

/* Sorts the held-back story_keys rows by (term string, day, story): the
 * distinct terms are ranked by string once, then each row is packed as
 * (rank, day - first day, story) in 64 bits and sorted as an integer.
 * Returns 1 (nothing done) when a row does not fit the packing, DL_OK, or
 * DL_ENOMEM. */
static int sort_pkeys(dl_storyer *s)
{
    size_t n = s->pkeys.n;
    const pkey *pk = s->pkeys.v;
    if (dl_vec_reserve(&s->k64u, n) || dl_vec_reserve(&s->k64t, n) || dl_vec_reserve(&s->u32a, n))
        return DL_ENOMEM;
    int32_t dmin = pk[0].day, dmax = pk[0].day;
    int64_t smax = 0;
    for (size_t i = 0; i < n; i++) {
        if (pk[i].story < 0) return 1;
        if (pk[i].day < dmin) dmin = pk[i].day;
        if (pk[i].day > dmax) dmax = pk[i].day;
        if (pk[i].story > smax) smax = pk[i].story;
    }
    /* the distinct terms, in id order (u) */
    uint64_t *u = s->k64u.v;
    for (size_t i = 0; i < n; i++) u[i] = pk[i].term;
    dl_sort_u64(u, n, s->k64t.v);
    size_t nu = 0;
    for (size_t i = 0; i < n; i++)
        if (!nu || u[nu - 1] != u[i]) u[nu++] = u[i];
    uint32_t *byname = s->u32a.v;
    for (size_t i = 0; i < nu; i++) byname[i] = (uint32_t)u[i];
    int rc = sort_ids_by_string(s, byname, nu);
    if (rc) return rc;
    /* u[i] becomes id << 32 | rank */
    for (size_t i = 0; i < nu; i++) u[i] <<= 32;
    for (uint32_t r = 0; r < nu; r++) {
        size_t a = 0, b = nu;
        while (a < b) {
            size_t m = a + (b - a) / 2;
            if ((uint32_t)(u[m] >> 32) < byname[r]) a = m + 1;
            else b = m;
        }
        u[a] |= r;
    }
    int rb = nu > 1 ? 64 - __builtin_clzll((uint64_t)(nu - 1)) : 1;
    uint64_t dspan = (uint64_t)((int64_t)dmax - dmin);
    int db = dspan ? 64 - __builtin_clzll(dspan) : 1;
    int sb = smax ? 64 - __builtin_clzll((uint64_t)smax) : 1;
    if (rb + db + sb > 64) return 1;
    if (dl_vec_reserve(&s->k64, n)) return DL_ENOMEM;
    uint64_t *k = s->k64.v;
    for (size_t i = 0; i < n; i++) {
        size_t a = 0, b = nu;
        while (a < b) {
            size_t m = a + (b - a) / 2;
            if ((uint32_t)(u[m] >> 32) < pk[i].term) a = m + 1;
            else b = m;
        }
        uint64_t rank = (uint32_t)u[a];
        k[i] = rank << (db + sb) | (uint64_t)((int64_t)pk[i].day - dmin) << sb |
               (uint64_t)pk[i].story;
    }
    dl_sort_u64(k, n, s->k64t.v);
    uint64_t dmask = db == 64 ? ~0ull : ((uint64_t)1 << db) - 1;
    uint64_t smask = ((uint64_t)1 << sb) - 1;
    for (size_t i = 0; i < n; i++) {
        pkey *p = &s->pkeys.v[i];
        p->term = byname[k[i] >> (db + sb)];
        p->day = (int32_t)((int64_t)dmin + (int64_t)((k[i] >> sb) & dmask));
        p->story = (int64_t)(k[i] & smask);
    }
    return DL_OK;
}

static int cmp_pkey(const void *a, const void *b)
{
    const pkey *x = a, *y = b;
    int c = x->term == y->term ? 0 : strcmp(STR(sort_s, x->term), STR(sort_s, y->term));
    if (c) return c;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->story < y->story ? -1 : x->story > y->story;
}

/*
 * The key log, storykeys.log in the archive's folder (a dl_applog, store.h):
 * the story_keys rows of an archive whose rows a session holds in memory
 * (mem), appended in arrival order at each batch's commit instead of a
 * text-keyed B-tree insert per row.  A record: uint32 term length, the
 * term's bytes, int32 day, uint32 story, little-endian; reading the log in
 * order rebuilds the map exactly as the sessions that wrote it held it.
 * meta('storykeys_bytes') is the committed length.  Should the rows in
 * memory be dropped (out of memory, a story id past 32 bits), the log's
 * rows move into story_keys (skl_to_table), which lookups read from then on.
 */
#define SKL_NAME "storykeys.log"
#define SKL_META "storykeys_bytes"

static uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

/* The whole records at p[0, n): each one's term, day and story to fn;
 * returns the bytes they take. */
static size_t skl_records(dl_storyer *s, const unsigned char *p, size_t n, int *rc,
                          int (*fn)(dl_storyer *, const char *, size_t, int32_t, uint32_t))
{
    size_t i = 0;
    while (!*rc && n - i >= 4) {
        uint32_t len = get_le32(p + i);
        if (len == 0 || len > (1u << 20)) {
            *rc = dl_archive_fail(s->ar, DL_ECORRUPT, SKL_NAME ": a broken record");
            break;
        }
        if (n - i - 4 < (size_t)len + 8) break;  /* cut: comes again */
        const unsigned char *r = p + i + 4;
        *rc = fn(s, (const char *)r, len, (int32_t)get_le32(r + len), get_le32(r + len + 4));
        i += 4 + (size_t)len + 8;
    }
    return i;
}

static int skl_row_to_map(dl_storyer *s, const char *t, size_t len, int32_t day, uint32_t story)
{
    if (!s->mem) return DL_OK;
    uint32_t id = intern(s, t, len);
    if (id == NO_ID) {
        kmap_free(s);
        return DL_OK;
    }
    kmap_add(s, id, day, story);
    return DL_OK;
}

static int skl_row_to_table(dl_storyer *s, const char *t, size_t len, int32_t day,
                            uint32_t story)
{
    sqlite3_bind_text(s->st_keys_put, 1, t, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(s->st_keys_put, 2, day);
    sqlite3_bind_int64(s->st_keys_put, 3, story);
    return step_done(s, s->st_keys_put);
}

static size_t skl_to_map_fn(void *ctx, const unsigned char *p, size_t n, int *rc)
{
    return skl_records(ctx, p, n, rc, skl_row_to_map);
}

static size_t skl_to_table_fn(void *ctx, const unsigned char *p, size_t n, int *rc)
{
    return skl_records(ctx, p, n, rc, skl_row_to_table);
}

/* The rows in memory were dropped: the log's committed rows become
 * story_keys rows and the log is given up (inside the caller's
 * transaction, or own_txn). */
static int skl_to_table(dl_storyer *s, int own_txn)
{
    if (!s->klog_on) return DL_OK;
    int rc = dl_applog_move(&s->klog, skl_to_table_fn, s, own_txn);
    if (!rc) s->klog_on = 0;
    return rc;
}

/* Opens the log (made if missing) and reads its rows into memory.  Called
 * when story_keys is empty, outside a batch. */
static int skl_open(dl_storyer *s)
{
    int rc = dl_applog_load(s->ar, SKL_NAME, SKL_META, 1, &s->klog, skl_to_map_fn, s);
    s->klog_on = s->klog.fd >= 0;
    if (rc || s->mem) return rc;
    return skl_to_table(s, 1);  /* the rows did not fit: the table takes them */
}

/* Another connection committed since the rows were read: add what it
 * appended to the log; or, when it moved the rows into story_keys, drop
 * the log and the rows in memory (the caller then flushes). */
static int skl_catch_up(dl_storyer *s)
{
    int64_t len = dl_applog_committed(&s->klog);
    if (len < 0) return (int)len;
    sqlite3_stmt *st = dl_archive_prepare(s->ar, "SELECT 1 FROM story_keys LIMIT 1");
    if (!st) return DL_ESTORE;
    int table = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (table) {
        dl_applog_close(&s->klog);  /* given up by the other writer */
        s->klog_on = 0;
        kmap_free(s);
        return DL_OK;
    }
    if ((uint64_t)len < s->klog.end)
        return dl_archive_fail(s->ar, DL_ECORRUPT, SKL_NAME ": shorter than before");
    int rc = dl_applog_read(&s->klog, s->klog.end, (uint64_t)len, skl_to_map_fn, s);
    if (!rc) s->klog.end = (uint64_t)len;
    return rc;
}

/* Appends the held-back rows, in arrival order (inside the batch's
 * transaction). */
static int skl_append(dl_storyer *s)
{
    size_t bytes = 0;
    for (size_t i = 0; i < s->pkeys.n; i++) bytes += 4 + str_len(s, s->pkeys.v[i].term) + 8;
    s->logbuf.n = 0;
    if (dl_vec_reserve(&s->logbuf, bytes)) return DL_ENOMEM;
    unsigned char *p = s->logbuf.v;
    for (size_t i = 0; i < s->pkeys.n; i++) {
        const pkey *k = &s->pkeys.v[i];
        size_t len = str_len(s, k->term);
        put_le32(p, (uint32_t)len);
        memcpy(p + 4, STR(s, k->term), len);
        put_le32(p + 4 + len, (uint32_t)k->day);
        put_le32(p + 8 + len, (uint32_t)k->story);
        p += 4 + len + 8;
    }
    int rc = dl_applog_append(&s->klog, s->logbuf.v, bytes);
    if (!rc) s->pkeys.n = 0;
    if (s->logbuf.cap > (16u << 20)) dl_vec_free(&s->logbuf);
    return rc;
}

/* Writes the story_keys rows held back. */
static int flush_keys(dl_storyer *s)
{
    /* the rows in memory were dropped: the log's rows go to the table */
    if (!s->mem && s->klog_on) {
        int rc = skl_to_table(s, 0);
        if (rc) return rc;
    }
    if (!s->pkeys.n) return DL_OK;
    if (s->mem) return skl_append(s);
    int src = sort_pkeys(s);
    if (src < 0) return src;
    if (src) {
        sort_s = s;
        dl_qsort(s->pkeys.v, s->pkeys.n, sizeof *s->pkeys.v, cmp_pkey);
        sort_s = NULL;
    }
    if (!s->st_keys_many && s->pkeys.n >= DF_ROWS)
        s->st_keys_many = dl_archive_prepare_rows(
            s->ar, "INSERT OR IGNORE INTO story_keys(term, day, story) VALUES ", "(?,?,?)", DF_ROWS,
            NULL);
    int rc = DL_OK;
    size_t i = 0;
    for (; s->st_keys_many && i + DF_ROWS <= s->pkeys.n && !rc; i += DF_ROWS) {
        for (int k = 0; k < DF_ROWS; k++) {
            const pkey *p = &s->pkeys.v[i + k];
            sqlite3_bind_text(s->st_keys_many, 3 * k + 1, STR(s, p->term), -1, SQLITE_STATIC);
            sqlite3_bind_int64(s->st_keys_many, 3 * k + 2, p->day);
            sqlite3_bind_int64(s->st_keys_many, 3 * k + 3, p->story);
        }
        rc = step_done(s, s->st_keys_many);
    }
    for (; i < s->pkeys.n && !rc; i++) {
        const pkey *p = &s->pkeys.v[i];
        sqlite3_bind_text(s->st_keys_put, 1, STR(s, p->term), -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->st_keys_put, 2, p->day);
        sqlite3_bind_int64(s->st_keys_put, 3, p->story);
        rc = step_done(s, s->st_keys_put);
    }
    s->pkeys.n = 0;
    return rc;
}

/* Adds the story_keys row (term, day, story): held back while lookups read
 * the rows in memory, else inserted now. */
static int put_key(dl_storyer *s, uint32_t term, int32_t day, int64_t story)
{
    if (s->mem) {
        pkey p = {term, day, story};
        return dl_vec_push(&s->pkeys, p);
    }
    int rc = flush_keys(s);  /* the rows were dropped: the table must be whole */
    if (rc) return rc;
    sqlite3_stmt *st = s->st_keys_put;
    sqlite3_bind_text(st, 1, STR(s, term), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, day);
    sqlite3_bind_int64(st, 3, story);
    return step_done(s, st);
}

int dl_storyer_drop_keys(dl_storyer *s)
{
    kmap_free(s);
    return flush_keys(s);
}

/* Upserts the story_df increments of the sorted dirty ids [i, m) by
 * `rows` at once with st while a whole statement's worth remains; returns
 * where it stopped (the rest is the caller's). */
static size_t df_rows(dl_storyer *s, sqlite3_stmt *st, int rows, size_t i, size_t m, int *rc)
{
    for (; i + (size_t)rows <= m && !*rc; i += (size_t)rows) {
        for (int k = 0; k < rows; k++) {
            uint32_t id = s->dirty.v[i + (size_t)k];
            dent *e = &s->dict.v[id];
            sqlite3_bind_text(st, 2 * k + 1, s->strs + e->off, (int)str_len(s, id), SQLITE_STATIC);
            sqlite3_bind_int64(st, 2 * k + 2, e->delta);
        }
        *rc = step_done(s, st);
        for (int k = 0; k < rows && !*rc; k++) {
            dent *e = &s->dict.v[s->dirty.v[i + (size_t)k]];
            e->delta = 0;
            e->df_dirty = 0;
        }
    }
    return i;
}

int dl_storyer_flush(dl_storyer *s)
{
    if (!s) return DL_OK;
    s->vfresh = 0;  /* the transaction ends */
    int rc = story_batch_end(s);
    if (!rc) rc = flush_keys(s);
    if (rc) return rc;
    /* drop ids with nothing to write, then sort by term */
    size_t m = 0;
    for (size_t i = 0; i < s->dirty.n; i++) {
        dent *e = &s->dict.v[s->dirty.v[i]];
        if (e->delta) s->dirty.v[m++] = s->dirty.v[i];
        else e->df_dirty = 0;
    }
    s->dirty.n = m;
    if (m > 1 && (rc = sort_ids_by_string(s, s->dirty.v, m))) return rc;
    /* DF_BIG rows a statement, then DF_ROWS, then one by one */
    size_t i = 0;
    if (!s->st_df_big && m >= DF_BIG)
        s->st_df_big = dl_archive_prepare_rows(
            s->ar, "INSERT INTO story_df(term, n) VALUES ", "(?,?)", DF_BIG,
            " ON CONFLICT(term) DO UPDATE SET n = n + excluded.n");
    if (!s->st_df_many && m % DF_BIG >= DF_ROWS)
        s->st_df_many = dl_archive_prepare_rows(
            s->ar, "INSERT INTO story_df(term, n) VALUES ", "(?,?)", DF_ROWS,
            " ON CONFLICT(term) DO UPDATE SET n = n + excluded.n");
    if (s->st_df_big) i = df_rows(s, s->st_df_big, DF_BIG, i, m, &rc);
    if (s->st_df_many) i = df_rows(s, s->st_df_many, DF_ROWS, i, m, &rc);
    for (; i < m && !rc; i++) {
        dent *e = &s->dict.v[s->dirty.v[i]];
        sqlite3_stmt *st = s->st_df_put;
        sqlite3_bind_text(st, 1, s->strs + e->off, (int)str_len(s, s->dirty.v[i]), SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, e->delta);
        rc = step_done(s, st);
        if (!rc) e->delta = 0, e->df_dirty = 0;
    }
    if (rc) return rc;
    s->dirty.n = 0;
    /* the cached stories are read again next batch (another writer may
     * have changed them; and a story's weights then come back as its state
     * text holds them, 6 digits, exactly as before interning: a cache kept
     * across batches changed the clustering of the 20k bench corpus by a
     * few merges for a 4% gain) */
    for (size_t k = 0; k < STORY_CACHE; k++) park(s, &s->cache[k]);
    s->park_check = 1;
    return rc;
}
int dl_storyer_new(dl_archive *ar, dl_storyer **out)
{
    *out = NULL;
    dl_storyer *s = dl_calloc(1, sizeof *s);
    if (!s) return DL_ENOMEM;
    s->ar = ar;
    /* log() of each count at run time (volatile: not folded by the
     * compiler, whose rounding could differ from the library's) */
    for (int k = 1; k < LTF_N; k++) {
        volatile double x = (double)k;
        s->ltf[k] = log(x);
    }
    for (size_t i = 0; i < IDF_MEMO; i++) s->idf_at[i] = -1;
    s->sm = dl_stemmer_new();
    s->seen = dl_calloc(2, sizeof *s->seen);  /* key_stories', candidates' */
    s->parked = dl_calloc(STORY_PARKED, sizeof *s->parked);
    if (!s->sm || !s->seen || !s->parked) {
        dl_stemmer_free(s->sm);
        free(s->seen);
        free(s->parked);
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
        ar, "INSERT INTO stories(label, first, last, articles, state) VALUES(?,?,?,1,?)"
            " RETURNING story");
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
    st = dl_archive_prepare(ar, "SELECT (SELECT count(*) FROM (SELECT 1 FROM story_df LIMIT 1)),"
                                " (SELECT count(*) FROM (SELECT 1 FROM story_keys LIMIT 1))");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        s->dfmem = sqlite3_column_int64(st, 0) == 0;
        s->mem = sqlite3_column_int64(st, 1) == 0;
    }
    sqlite3_finalize(st);
    s->klog.fd = -1;
    int rc = s->mem ? skl_open(s) : DL_OK;
    if (rc) {
        dl_storyer_free(s);
        return rc;
    }
    s->version = s->park_version = data_version(s);
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

/* Does x rank before y by weight (heavier first, then by term string)? */
static int ranks_before(const dl_storyer *s, const sterm *x, const sterm *y)
{
    if (x->w != y->w) return x->w > y->w;
    return x->id != y->id && strcmp(STR(s, x->id), STR(s, y->id)) < 0;
}

static double kth_largest(double *x, size_t n, size_t k);

/* The indices of v's k best terms (ranks_before order) into idx (room for
 * k); returns how many.  An insertion into the best k so far; when v is
 * longer than k, only the terms weighing at least the k-th largest weight
 * (found first by a selection on a copy) are looked at -- a lighter term
 * has k terms ranking before it, so the result is the same. */
#define TOP_SELECT_MAX 512
static size_t top_terms(const dl_storyer *s, const stermvec *v, size_t k, size_t *idx)
{
    size_t m = 0;
    double thr = -INFINITY;
    if (k && v->n > k && v->n <= TOP_SELECT_MAX) {
        double w[TOP_SELECT_MAX];
        for (size_t i = 0; i < v->n; i++) w[i] = v->v[i].w;
        thr = kth_largest(w, v->n, k);
    }
    for (size_t i = 0; i < v->n; i++) {
        if (v->v[i].w < thr) continue;
        if (m == k && !ranks_before(s, &v->v[i], &v->v[idx[m - 1]])) continue;
        size_t p = m < k ? m++ : m - 1;
        while (p > 0 && ranks_before(s, &v->v[i], &v->v[idx[p - 1]])) idx[p] = idx[p - 1], p--;
        idx[p] = i;
    }
    return m;
}

static int cmp_id(const void *a, const void *b)
{
    uint32_t x = ((const sterm *)a)->id, y = ((const sterm *)b)->id;
    return x < y ? -1 : x > y;
}

/* The k-th largest of x[0, n) (1 <= k <= n); x is reordered.  Linear on
 * average (quickselect). */
static double kth_largest(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1, want = k - 1;
    while (lo < hi) {
        /* the median of the ends and the middle: fewer rounds (only the
         * value returned matters, and it is the k-th largest whatever the
         * pivots) */
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi];
        double pivot = a > b ? (b > c ? b : a > c ? c : a) : (a > c ? a : b > c ? c : b);
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

/* Sorts the term indices idx[0, n) by term string (insertion: ties are few). */
static void sort_by_string(const dl_storyer *s, const stermvec *v, size_t *idx, size_t n)
{
    for (size_t k = 1; k < n; k++) {
        size_t x = idx[k], m = k;
        while (m > 0 && strcmp(STR(s, v->v[idx[m - 1]].id), STR(s, v->v[x].id)) > 0)
            idx[m] = idx[m - 1], m--;
        idx[m] = x;
    }
}

/* Keeps the k heaviest terms of the id-sorted v (ties at the cut go to the
 * terms first by string), still sorted by id.  Linear on average. */
static int keep_top(dl_storyer *s, stermvec *v, size_t k)
{
    if (v->n <= k) return DL_OK;
    if (dl_vec_reserve(&s->wbuf, v->n)) return DL_ENOMEM;
    double *w = s->wbuf.v;
    for (size_t i = 0; i < v->n; i++) w[i] = v->v[i].w;
    double thr = k ? kth_largest(w, v->n, k) : INFINITY;
    size_t above = 0;
    s->ties.n = 0;
    for (size_t i = 0; i < v->n; i++) {
        above += v->v[i].w > thr;
        if (v->v[i].w == thr && dl_vec_push(&s->ties, i)) return DL_ENOMEM;
    }
    size_t need = k - above;  /* terms at exactly thr that fit */
    if (s->ties.n > need) {
        sort_by_string(s, v, s->ties.v, s->ties.n);
        /* mark the tied terms left out */
        for (size_t t = need; t < s->ties.n; t++) v->v[s->ties.v[t]].w = NAN;
    }
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i].w >= thr) v->v[m++] = v->v[i];  /* NaN compares false */
    v->n = m;
    return DL_OK;
}

static double norm2(const stermvec *v)
{
    double s = 0;
    for (size_t i = 0; i < v->n; i++) s += v->v[i].w * v->v[i].w;
    return sqrt(s);
}

/* Dot product of two id-sorted vectors: an integer merge. */
static double dot(const stermvec *a, const stermvec *b)
{
    const sterm *x = a->v, *xe = a->v + a->n, *y = b->v, *ye = b->v + b->n;
    double s = 0;
    while (x < xe && y < ye) {
        if (x->id < y->id) x++;
        else if (x->id > y->id) y++;
        else s += (x++)->w * (y++)->w;
    }
    return s;
}

/* Loads v into the probe table: id -> weight by cuckoo hashing (two
 * slots per id, h1 and h2, each slot holding one id; at most a quarter
 * full), so that a lookup reads both slots and branches on neither.  A
 * vector too long for the table, or whose insertion cycles, leaves it
 * unbuilt (dot merges). */
#define PT_H1(id, sh) ((size_t)((uint32_t)((id) * 0x9E3779B1u) >> (sh)))
#define PT_H2(id, sh) ((size_t)((uint32_t)(((id) ^ 0x5bd1e995u) * 0x85EBCA77u) >> (sh)))
static void ptab_build(dl_storyer *s, const stermvec *v)
{
    s->pt_of = NULL;
    if (!v->n || v->n > PT_CAP / 4) return;
    uint32_t bits = 6;
    while (((size_t)1 << bits) < 4 * v->n) bits++;
    size_t cap = (size_t)1 << bits;
    uint32_t sh = 32 - bits;
    s->pt_shift = sh;
    memset(s->pt_id, 0xff, cap * sizeof *s->pt_id);  /* NO_ID: free */
    memset(s->pt_bm, 0, sizeof s->pt_bm);
    for (size_t i = 0; i < v->n; i++) {
        uint32_t b = PT_BM(v->v[i].id);
        s->pt_bm[b >> 6] |= (uint64_t)1 << (b & 63);
    }
    for (size_t i = 0; i < v->n; i++) {
        uint32_t id = v->v[i].id;
        double w = v->v[i].w;
        size_t h = PT_H1(id, sh);
        int placed = 0;
        for (int kick = 0; kick < 64 && !placed; kick++) {
            if (s->pt_id[h] == NO_ID) {
                s->pt_id[h] = id;
                s->pt_w[h] = w;
                placed = 1;
                break;
            }
            /* take the slot; the id put out goes to its other slot */
            uint32_t oid = s->pt_id[h];
            double ow = s->pt_w[h];
            s->pt_id[h] = id;
            s->pt_w[h] = w;
            id = oid;
            w = ow;
            size_t h1 = PT_H1(id, sh);
            h = h == h1 ? PT_H2(id, sh) : h1;
        }
        if (!placed) return;
    }
    s->pt_of = v;
}

/* w when c, else +0.0, without a branch. */
static inline double sel_w(double w, int c)
{
    uint64_t b;
    memcpy(&b, &w, sizeof b);
    b &= -(uint64_t)(c != 0);
    memcpy(&w, &b, sizeof w);
    return w;
}

/* dot(table's vector, c): the products of the shared terms summed in c's
 * (id) order, as the merge in dot sums them.  An absent term adds
 * 0.0 * w = +0.0 (or is skipped when the bitmap says so), which leaves
 * the (non-negative) running sum as it is: the same double as dot's. */
static double ptab_dot(const dl_storyer *s, const stermvec *c)
{
    uint32_t sh = s->pt_shift;
    double sum = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint32_t id = c->v[i].id, bit = PT_BM(id);
        if (!(s->pt_bm[bit >> 6] >> (bit & 63) & 1)) continue;  /* surely absent */
        size_t a = PT_H1(id, sh), b = PT_H2(id, sh);
        double x = sel_w(s->pt_w[a], s->pt_id[a] == id) +
                   sel_w(s->pt_w[b], s->pt_id[b] == id && b != a);
        sum += x * c->v[i].w;
    }
    return sum;
}

/* dot(a, c), through the probe table when it holds a (the caller built
 * it for a and has not changed a since). */
static double dot_with(const dl_storyer *s, const stermvec *a, const stermvec *c)
{
    return s->pt_of == a ? ptab_dot(s, c) : dot(a, c);
}

/* Sorts v by term id (ids distinct: any sort gives the one order).  A
 * short vector (an article's) as 64-bit keys (id, index) by a bottom-up
 * merge without branches on the data, then moved into place. */
static void sort_by_id(stermvec *v)
{
    size_t n = v->n;
    if (n > 64) {
        dl_qsort(v->v, v->n, sizeof *v->v, cmp_id);
        return;
    }
    uint64_t ka[64], kb[64];
    sterm tmp[64];
    for (size_t k = 0; k < n; k++) ka[k] = (uint64_t)v->v[k].id << 8 | k, tmp[k] = v->v[k];
    uint64_t *a = ka, *b = kb;
    for (size_t wd = 1; wd < n; wd *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * wd) {
            size_t i = lo, ie = lo + wd < n ? lo + wd : n;
            size_t j = ie, je = lo + 2 * wd < n ? lo + 2 * wd : n;
            size_t o = lo;
            while (i < ie && j < je) {
                uint64_t x = a[i], y = a[j];
                int takey = y < x;
                b[o++] = takey ? y : x;
                j += takey;
                i += !takey;
            }
            while (i < ie) b[o++] = a[i++];
            while (j < je) b[o++] = a[j++];
        }
        uint64_t *t = a;
        a = b;
        b = t;
    }
    for (size_t k = 0; k < n; k++) v->v[k] = tmp[a[k] & 0xff];
}

/* Parses a state text into v (id-sorted, emptied first).  Bad lines are
 * skipped. */
static int parse_state(dl_storyer *s, const char *p, size_t n, stermvec *v)
{
    v->n = 0;
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        const char *t1 = memchr(p, '\t', (size_t)(nl - p));
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
        if (t1 && t2 && t1 > p && !memchr(p, 0, (size_t)(t2 - p))) {
            char num[32];
            size_t nl2 = (size_t)(nl - t2 - 1);
            if (nl2 < sizeof num) {
                memcpy(num, t2 + 1, nl2);
                num[nl2] = 0;
                double w = strtod(num, NULL);
                sterm t = {intern(s, p, (size_t)(t1 - p)),
                           intern(s, t1 + 1, (size_t)(t2 - t1 - 1)), isfinite(w) ? w : 0};
                if (t.id == NO_ID || t.surf == NO_ID || dl_vec_push(v, t)) return DL_ENOMEM;
            }
        }
        p = nl + 1;
    }
    dl_qsort(v->v, v->n, sizeof *v->v, cmp_id);
    /* a damaged state may name a term twice: keep the first */
    size_t m = 0;
    for (size_t i = 0; i < v->n; i++)
        if (!m || v->v[m - 1].id != v->v[i].id) v->v[m++] = v->v[i];
    v->n = m;
    return DL_OK;
}

/* The 6 significant digits of a (1e-4 <= a < 1e6, finite) as printf's
 * "%.6g" rounds them: a ~= m * 10^(e - 5), 10^5 <= m < 10^6, -4 <= e <= 5.
 * Returns 0 when the product a * 10^(5 - e) lies within 1e-6 of a half
 * (its own rounding could tip the last digit: the caller asks printf) or
 * when the digits do not fit.  The decade comes from comparisons with the
 * powers of ten (no log10); a first guess one off is corrected as a
 * rounding carry is. */
static const double pow10_tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
static const double dec_lo[] = {1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5};
static int digits6(double a, long long *mo, int *eo)
{
    int e = -4;
    while (e < 5 && a >= dec_lo[e + 5]) e++;
    double x = a * pow10_tab[5 - e];
    if (fabs(x - floor(x) - 0.5) < 1e-6) return 0;
    /* llround(x): x (>= 0, < 2^53) lies farther than 1e-6 from a half, so
     * x + 0.5 (off by at most an ulp of 1e7, far below 1e-6) truncates to the
     * same integer */
    long long m = (long long)(x + 0.5);
    if (m >= 1000000 || m < 100000) {
        if (m >= 1000000 ? e == 5 : e == -4) return 0;
        e += m >= 1000000 ? 1 : -1;
        x = a * pow10_tab[5 - e];
        if (fabs(x - floor(x) - 0.5) < 1e-6) return 0;
        m = (long long)(x + 0.5);
    }
    if (m < 100000 || m >= 1000000) return 0;
    *mo = m;
    *eo = e;
    return 1;
}

/* Formats w as printf's "%.6g" does for the weights met here (finite,
 * 1e-4 <= |w| < 1e6, else printf itself), into out (room for 32); returns
 * the length.  printf's own formatting was the largest cost of writing
 * states. */
static int fmt_weight(double w, char *out)
{
    double a = fabs(w);
    long long m;
    int e;
    if (!(a >= 1e-4 && a < 1e6) || !digits6(a, &m, &e)) return snprintf(out, 32, "%.6g", w);
    char dig[6];
    for (int i = 5; i >= 0; i--) dig[i] = (char)('0' + m % 10), m /= 10;
    int n = 0;
    if (w < 0) out[n++] = '-';
    if (e >= 0) {
        for (int i = 0; i <= e; i++) out[n++] = dig[i];
        int last = 5;
        while (last > e && dig[last] == '0') last--;
        if (last > e) {
            out[n++] = '.';
            for (int i = e + 1; i <= last; i++) out[n++] = dig[i];
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < -e - 1; i++) out[n++] = '0';
        int last = 5;
        while (last > 0 && dig[last] == '0') last--;
        for (int i = 0; i <= last; i++) out[n++] = dig[i];
    }
    out[n] = 0;
    return n;
}

/* The weight as parse_state reads it back from write_state's text:
 * strtod(fmt_weight(w)).  The text is m * 10^(e - 5) with 10^(5 - e) <=
 * 10^9, so both m and the power are exact doubles and their IEEE quotient
 * is the correctly rounded value of the decimal -- what glibc's strtod
 * (correctly rounded) returns: no text, no parse.  Elsewhere (outside
 * [1e-4, 1e6), near a half) the text is made and parsed. */
static double as_written_slow(double w)
{
    char num[40];
    int n = fmt_weight(w, num);
    if (n < 0 || n >= (int)sizeof num) return 0;
    double x = strtod(num, NULL);
    return isfinite(x) ? x : 0;
}

static double as_written(double w)
{
    double a = fabs(w);
    long long m;
    int e;
    if (!(a >= 1e-4 && a < 1e6) || !digits6(a, &m, &e)) return as_written_slow(w);
    double x = (double)m / pow10_tab[5 - e];
    return w < 0 ? -x : x;
}

/* Appends v as state text (story.h) to b: the lines are built in place,
 * the room for all of them made once. */
static void write_state(const dl_storyer *s, const stermvec *v, dl_buf *b)
{
    size_t need = 0;
    for (size_t i = 0; i < v->n; i++)
        need += str_len(s, v->v[i].id) + str_len(s, v->v[i].surf) + 2 + 32;
    if (b->err) return;
    if (b->n + need + 1 > b->cap) {
        /* grow through the buffer's own append (it keeps its limits) */
        size_t n0 = b->n;
        char z[256] = {0};
        for (size_t k = 0; k < need + 1 && !b->err; k += sizeof z)
            dl_buf_add(b, z, need + 1 - k < sizeof z ? need + 1 - k : sizeof z);
        if (b->err) return;
        b->n = n0;
    }
    char *o = b->p + b->n;
    for (size_t i = 0; i < v->n; i++) {
        /* tabs and newlines cannot occur in terms or surfaces (tokens) */
        size_t lt = str_len(s, v->v[i].id), ls = str_len(s, v->v[i].surf);
        memcpy(o, STR(s, v->v[i].id), lt);
        o += lt;
        *o++ = '\t';
        memcpy(o, STR(s, v->v[i].surf), ls);
        o += ls;
        *o++ = '\t';
        int n = fmt_weight(v->v[i].w, o);
        if (n < 0 || n >= 32) n = 0;
        o += n;
        *o++ = '\n';
    }
    *o = 0;
    b->n = (size_t)(o - b->p);
}

#ifdef DL_STORY_FMT_SELFTEST
/* cc -DDL_STORY_FMT_SELFTEST: compares fmt_weight with printf */
int dl_story_fmt_selftest(void);
int dl_story_fmt_selftest(void)
{
    int bad = 0;
    char x[32], y[32];
    uint64_t r = 88172645463325252ull;
    for (int i = 0; i < 2000000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        double w = (double)(r >> 11) / 9007199254740992.0 * pow(10, (int)(r % 12) - 5);
        fmt_weight(w, x);
        snprintf(y, sizeof y, "%.6g", w);
        if (strcmp(x, y)) bad++;
        if (as_written(w) != as_written_slow(w)) bad++;
        if (as_written(w) != strtod(y, NULL)) bad++;
    }
    return bad;
}
#endif

/* The label: the best surface forms of the centroid, up to ~40 bytes, no
 * word twice. */
#define LABEL_LOOK 32
static void make_label(const dl_storyer *s, const stermvec *c, dl_buf *b)
{
    size_t idx[LABEL_LOOK];
    size_t m = top_terms(s, c, LABEL_LOOK, idx);
    int words = 0;
    for (size_t i = 0; i < m && words < 3 && b->n < 40; i++) {
        const char *w = STR(s, c->v[idx[i]].surf);
        if (!*w) continue;
        /* skip a word already in the label (e.g. "Lohan" after "Lindsay Lohan") */
        if (b->p && strcasestr(b->p, w)) continue;
        if (b->n) dl_buf_adds(b, ", ");
        dl_buf_adds(b, w);
        words++;
    }
}

/* The map of term numbers of space sp (a free or the oldest one when new). */
static lmap *lmap_of(dl_storyer *s, uint64_t sp)
{
    lmap *m = &s->lm[0];
    for (size_t i = 0; i < LMAPS; i++) {
        if (s->lm[i].space == sp) {
            m = &s->lm[i];
            goto found;
        }
        if (s->lm[i].used < m->used) m = &s->lm[i];
    }
    if (m->cap) memset(m->v, 0, m->cap * sizeof *m->v);
    m->space = sp;
found:
    m->used = ++s->lm_tick;
    return m;
}

/* The dictionary ids of the strings of terms into tid (interned as
 * intern_many does, in order): numbered terms (lspace) that were seen
 * before take the id remembered, the rest are interned.  Uses s->offs.
 * DL_OK or DL_ENOMEM. */
static int term_ids(dl_storyer *s, const dl_rawterms *terms, uint32_t *tid)
{
    size_t n = terms->v.n;
    uint32_t *off = s->offs.v;
    if (!terms->lspace || terms->lid.n != n) {
        for (size_t i = 0; i < n; i++) off[i] = terms->v.v[i].term;
        return intern_many(s, terms->buf, terms->buf_n, off, n, tid);
    }
    if (dl_vec_reserve(&s->lpos, n)) return DL_ENOMEM;
    lmap *m = lmap_of(s, terms->lspace);
    const uint32_t *lid = terms->lid.v;
    uint32_t *pos = s->lpos.v;
    size_t nm = 0, top = 0;
    for (size_t i = 0; i < n; i++) {
        if (i + 8 < n && lid[i + 8] < m->cap) __builtin_prefetch(&m->v[lid[i + 8]]);
        uint32_t l = lid[i], id;
        if (l < m->cap && (id = m->v[l]) != 0) {
            tid[i] = id - 1;
        } else {
            off[nm] = terms->v.v[i].term;
            pos[nm++] = (uint32_t)i;
            if (l > top) top = l;
        }
    }
    if (!nm) return DL_OK;
    if (dl_u32_cover(&m->v, &m->cap, top, 1024)) return DL_ENOMEM;
    int rc = intern_many(s, terms->buf, terms->buf_n, off, nm, off);
    for (size_t q = 0; q < nm && !rc; q++) {
        tid[pos[q]] = off[q];
        m->v[lid[pos[q]]] = off[q] + 1;
    }
    return rc;
}

/* The doc's TF-IDF vector into v (id-sorted, L2-normalised, top terms
 * only); updates the document frequencies.  Surfaces are interned only for
 * the STORY_DOC_TERMS kept (ties at the cut go to the first terms in term
 * string order). */
static int doc_vector(dl_storyer *s, const dl_annotation *a, const dl_rawterms *terms,
                      stermvec *v)
{
    /* the analysis's entity names are not added as terms: whole-name terms
     * weighted by mentions let a few (often mis-typed) names dominate the
     * vector, which merged different events of one kind on ECB+ (B-cubed
     * 0.859 -> 0.847) and split long stories further (corpus pairwise F1
     * 0.678 -> 0.621); capitalised words inside sentences already weigh
     * double (dl_text_terms) */
    int rc = DL_OK;
    v->n = 0;
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
    /* wbuf: weights [0, n), their copy for the selection [n, 2n); tids:
     * the term ids, then the surface ids of the terms kept */
    if (n && (dl_vec_reserve(&s->wbuf, 2 * n) || dl_vec_reserve(&s->offs, n) ||
              dl_vec_reserve(&s->tids, 2 * n)))
        rc = DL_ENOMEM;
    double *w = s->wbuf.v;
    uint32_t *tid = s->tids.v, *sid = s->tids.v + n;
    if (!rc && n) rc = term_ids(s, terms, tid);
    for (size_t i = 0; i < n && !rc; i++) {
        int64_t df = 0;
        if (i + 8 < n) __builtin_prefetch(&s->dict.v[tid[i + 8]]);
        if ((rc = df_bump(s, tid[i], &df))) break;
        double idf;
        if (df >= 0 && df < IDF_MEMO) {
            if (s->idf_at[df] != s->ndocs) {
                s->idf[df] = log((double)(s->ndocs + 1) / (double)(df + 1)) + 1.0;
                s->idf_at[df] = s->ndocs;
            }
            idf = s->idf[df];
        } else {
            idf = log((double)(s->ndocs + 1) / (double)(df + 1)) + 1.0;
        }
        double tf = terms->v.v[i].w, ltf;
        if (tf >= 1.0 && tf < (double)LTF_N && tf == (double)(int)tf) ltf = s->ltf[(int)tf];
        else ltf = log(tf);
        w[i] = w[n + i] = (1.0 + ltf) * idf;
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
    /* the terms kept, as indices into offs (reused): those above the cut
     * in order, then the first `need` tied ones in term order */
    s->ties.n = 0;
    size_t nk = 0;
    uint32_t *kept = s->offs.v;
    for (size_t i = 0; i < n && !rc; i++) {
        if (n > STORY_DOC_TERMS && w[i] == thr) {
            rc = dl_vec_push(&s->ties, i);
            continue;
        }
        if (n > STORY_DOC_TERMS && w[i] < thr) continue;
        kept[nk++] = (uint32_t)i;
    }
    if (!rc && s->ties.n) {
        size_t *ties = s->ties.v;
        for (size_t k = 1; k < s->ties.n; k++) {
            size_t x = ties[k], m = k;
            while (m > 0 && strcmp(terms->buf + terms->v.v[ties[m - 1]].term,
                                   terms->buf + terms->v.v[x].term) > 0)
                ties[m] = ties[m - 1], m--;
            ties[m] = x;
        }
        for (size_t k = 0; k < s->ties.n && k < need; k++) kept[nk++] = (uint32_t)ties[k];
    }
    /* surfaces interned only for the terms kept, in that order */
    if (!rc) rc = dl_vec_reserve(v, nk);
    if (!rc && nk) rc = dl_vec_reserve(&s->smiss, 2 * nk);
    if (!rc && nk) {
        /* the term's surface last time when it is the same string, else
         * interned (the misses in order: the ids come out the same) */
        uint32_t *moff = s->smiss.v, *mpos = s->smiss.v + nk;
        size_t nm = 0;
        for (size_t k = 0; k < nk; k++) {
            uint32_t off = terms->v.v[kept[k]].surface;
            uint32_t last = s->dict.v[tid[kept[k]]].surf;
            if (last && strcmp(STR(s, last - 1), terms->buf + off) == 0) {
                sid[k] = last - 1;
            } else {
                moff[nm] = off;
                mpos[nm++] = (uint32_t)k;
            }
        }
        if (nm) rc = intern_many(s, terms->buf, terms->buf_n, moff, nm, moff);
        for (size_t q = 0; q < nm && !rc; q++) sid[mpos[q]] = moff[q];
        for (size_t k = 0; k < nk && !rc; k++) s->dict.v[tid[kept[k]]].surf = sid[k] + 1;
    }
    for (size_t k = 0; k < nk && !rc; k++) {
        sterm t = {tid[kept[k]], sid[k], w[kept[k]]};
        v->v[v->n++] = t;  /* reserved */
    }
    dl_rawterms_free(&own);
    if (rc) return rc;
    sort_by_id(v);
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
    if (from <= 0 || from >= ((int64_t)1 << 28)) {
        s->gone_off = 1;
    } else if (!s->gone_off) {
        if ((size_t)from >= s->gone_n) {
            size_t nn = s->gone_n ? s->gone_n : 4096;
            while (nn <= (size_t)from) nn *= 2;
            uint64_t *ng = dl_realloc(s->gone, nn / 8);
            if (!ng) {
                s->gone_off = 1;
            } else {
                memset(ng + s->gone_n / 64, 0, (nn - s->gone_n) / 8);
                s->gone = ng;
                s->gone_n = nn;
            }
        }
        if (!s->gone_off) s->gone[from / 64] |= (uint64_t)1 << (from % 64);
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
        if (!s->gone_off && id > 0 && (size_t)id < s->gone_n &&
            !(s->gone[id / 64] >> (id % 64) & 1))
            break;  /* never merged away */
        if (!s->gone_off && id > 0 && (size_t)id >= s->gone_n) break;
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
    /* the storyer's scratch buffers: free again once the row is stepped */
    dl_buf *label = &s->label, *state = &s->state;
    dl_buf_reset(label);
    dl_buf_reset(state);
    label->err = state->err = DL_OK;
    make_label(s, &r->c, label);
    write_state(s, &r->c, state);
    int rc = label->err ? label->err : state->err;
    if (!rc) {
        sqlite3_stmt *st = s->st_story_upd;
        sqlite3_bind_text(st, 1, label->p ? label->p : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, r->first);
        sqlite3_bind_int64(st, 3, r->last);
        sqlite3_bind_int64(st, 4, r->articles);
        sqlite3_bind_blob(st, 5, state->p ? state->p : "", (int)state->n, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, r->id);
        rc = step_done(s, st);
    }
    if (!rc) r->dirty = 0;
    return rc;
}

/* Empties a cache slot (its vector's array is kept), writing it first
 * when dirty. */
static int evict(dl_storyer *s, storyrow *r)
{
    int rc = write_row(s, r);
    if (rc) return rc;
    park(s, r);
    r->id = 0;
    r->first = r->last = 0;
    r->articles = 0;
    r->dirty = 0;
    r->rounded = 0;
    r->c.n = 0;
    r->cn = 0;
    return DL_OK;
}

static void mark_dirty(dl_storyer *s, storyrow *r)
{
    if (r->dirty) return;
    r->dirty = 1;
    (void)dl_vec_push(&s->touched, r->id); /* OOM: only the merge pass misses it */
}

/* Moves the written (clean) story of cache slot r aside (its weights
 * rounded as written), leaving r empty; its vector's array goes to the
 * parked slot, whose old array comes back to r. */
static void park(dl_storyer *s, storyrow *r)
{
    if (r->id && !r->dirty) {
        storyrow *p = &s->parked[(uint64_t)r->id % STORY_PARKED];
        if (!r->rounded) {
            for (size_t i = 0; i < r->c.n; i++) r->c.v[i].w = as_written(r->c.v[i].w);
            r->cn = norm2(&r->c);
            r->rounded = 1;
        }
        stermvec t = p->c;
        *p = *r;
        r->c = t;
    }
    r->id = 0;
    r->dirty = 0;
    r->rounded = 0;
    r->c.n = 0;
}

/* Reads story id into r (its vector's array reused); DL_ENOTFOUND when
 * absent, or a tombstone whose target goes to *fwd. */
static int load_story(dl_storyer *s, int64_t id, storyrow *r, int64_t *fwd)
{
    storyrow *pk = &s->parked[(uint64_t)id % STORY_PARKED];
    if (pk->id == id) {
        /* taken back: the arrays swap, the parked slot empties */
        stermvec t = r->c;
        *r = *pk;
        r->dirty = 0;
        pk->c = t;
        pk->c.n = 0;
        pk->id = 0;
        *fwd = 0;
        return DL_OK;
    }
    r->id = id;
    r->first = r->last = 0;
    r->articles = 0;
    r->dirty = 0;
    r->rounded = 0;  /* a state text need not hold 6 digits (park rounds it) */
    r->c.n = 0;
    r->cn = 0;
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
            rc = parse_state(s, p ? p : "", p ? n : 0, &r->c);
            r->cn = norm2(&r->c);
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
            r->id = 0;
            r->c.n = 0;
            if (e == DL_ENOMEM) *rc = e;
            if (fwd && fwd != id && !alias_add(s, id, fwd)) continue;
            return NULL;
        }
        return r;  /* cn set by load_story */
    }
    return NULL;
}

/* Asks the memory for story id's centroid where it is already held (cache
 * or parked; aliases not followed): the cosines of an article's
 * candidates wait on these arrays, so the next ones are fetched while one
 * is scored.  A hint only. */
#define PREFETCH_AHEAD 2
static void prefetch_story(const dl_storyer *s, int64_t id)
{
    const storyrow *r = &s->cache[(uint64_t)id % STORY_CACHE];
    if (r->id != id) {
        r = &s->parked[(uint64_t)id % STORY_PARKED];
        if (r->id != id) return;
    }
    const char *p = (const char *)r->c.v, *e = p + r->c.n * sizeof *r->c.v;
    for (; p < e; p += 64) __builtin_prefetch(p);
}

static storyrow *get_story(dl_storyer *s, int64_t id, int *rc)
{
    return get_story_pin(s, id, 0, NULL, rc);
}

/* Adds v into the centroid c (both id-sorted), then keeps c's
 * STORY_CENTROID_TERMS heaviest terms.  A term new to c takes v's surface.
 * The result is built in s->tmpv and swapped with c (no allocation once
 * the arrays have grown).  On OOM c is unchanged. */
static int merge_into(dl_storyer *s, stermvec *c, const stermvec *v)
{
    stermvec *out = &s->tmpv;
    out->n = 0;
    if (dl_vec_reserve(out, c->n + v->n)) return DL_ENOMEM;
    const sterm *x = c->v, *xe = c->v + c->n, *y = v->v, *ye = v->v + v->n;
    sterm *o = out->v;
    while (x < xe && y < ye) {
        if (x->id < y->id) *o++ = *x++;
        else if (x->id > y->id) *o++ = *y++;
        else {
            *o = *x++;
            (o++)->w += (y++)->w;
        }
    }
    while (x < xe) *o++ = *x++;
    while (y < ye) *o++ = *y++;
    out->n = (size_t)(o - out->v);
    stermvec t = *c;
    *c = *out;
    *out = t;
    out->n = 0;
    return keep_top(s, c, STORY_CENTROID_TERMS);
}

/* The article's salient entities as story keys: people and organisations
 * named at least STORY_ENT_MENTIONS times, as "@" + type digit + the
 * lower-cased canonical name ("@1jane doe"; "@" cannot start a term),
 * interned into keys (room for STORY_ENT_KEYS).  Their document
 * frequencies are counted like terms; an entity held by more than
 * STORY_ENT_MAX_DF of the articles (once there are enough to tell) says
 * nothing about which story an article belongs to and is left out.  At
 * most STORY_ENT_KEYS keys, most mentioned first. */
static int entity_keys(dl_storyer *s, const dl_annotation *a, uint32_t *keys, size_t *n)
{
    *n = 0;
    size_t nk = 0, ment[STORY_ENT_KEYS];
    for (size_t i = 0; i < a->n_entities; i++) {
        const dl_entity *e = &a->entities[i];
        if ((e->type != DL_PERSON && e->type != DL_ORG) || !e->name ||
            e->n_mentions < STORY_ENT_MENTIONS)
            continue;
        size_t len = strlen(e->name);
        if (len < 3 || len > 120) continue;
        /* a person the article names by one word only ("Harry") is too
         * weak a key: many stories share a given name */
        if (e->type == DL_PERSON && !memchr(e->name, ' ', len)) continue;
        char key[128];
        key[0] = '@';
        key[1] = (char)('0' + e->type);
        for (size_t k = 0; k < len; k++) {
            unsigned char c = (unsigned char)e->name[k];
            key[2 + k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);  /* tolower, C locale */
        }
        key[2 + len] = 0;
        uint32_t id = intern(s, key, 2 + len);
        if (id == NO_ID) return DL_ENOMEM;
        int dupk = 0;
        for (size_t k = 0; k < nk && !dupk; k++) dupk = keys[k] == id;
        if (dupk) continue;
        int64_t df = 0;
        int rc = df_bump(s, id, &df);
        if (rc) return rc;
        if (s->ndocs >= STORY_ENT_MIN_DOCS && (double)df > STORY_ENT_MAX_DF * (double)s->ndocs)
            continue;
        /* insert by mentions (descending), keeping the best STORY_ENT_KEYS */
        size_t pos = nk;
        while (pos > 0 && ment[pos - 1] < e->n_mentions) pos--;
        if (pos >= STORY_ENT_KEYS) continue;
        if (nk == STORY_ENT_KEYS) nk--;
        memmove(keys + pos + 1, keys + pos, (nk - pos) * sizeof *keys);
        memmove(ment + pos + 1, ment + pos, (nk - pos) * sizeof *ment);
        keys[pos] = id;
        ment[pos] = e->n_mentions;
        nk++;
    }
    *n = nk;
    return DL_OK;
}

/* The first index of the sorted w[0, n) whose value is >= x (n: none).
 * The rows' days spread fairly evenly, so the search starts where x would
 * lie were they even, and gallops from there to bracket it: a few loads
 * near one another instead of a binary search's chain of misses across
 * the array. */
static size_t lower_bound_u64(const uint64_t *w, size_t n, uint64_t x)
{
    if (!n || w[0] >= x) return 0;
    if (w[n - 1] < x) return n;
    /* w[0] < x <= w[n - 1]: keep w[lo] < x <= w[hi] */
    double f = (double)(x - w[0]) / (double)(w[n - 1] - w[0]);
    size_t p = (size_t)(f * (double)(n - 1));
    if (p > n - 1) p = n - 1;
    size_t lo, hi;
    if (w[p] < x) {
        lo = p;
        hi = n - 1;
        for (size_t step = 1; lo + step < n - 1; step *= 2) {
            if (w[lo + step] >= x) {
                hi = lo + step;
                break;
            }
            lo += step;
        }
    } else {
        hi = p;
        lo = 0;
        for (size_t step = 1; step < hi; step *= 2) {
            if (w[hi - step] < x) {
                lo = hi - step;
                break;
            }
            hi -= step;
        }
    }
    while (hi - lo > 1) {
        size_t m = lo + (hi - lo) / 2;
        if (w[m] < x) lo = m;
        else hi = m;
    }
    return hi;
}

/* Asks the memory for the key rows of terms[0, nt) ahead of their
 * lookups (key_stories): the per-key entries first, then the ends and
 * middle of each window.  A hint only. */
static void key_prefetch(const dl_storyer *s, const uint32_t *terms, size_t nt)
{
    if (!s->mem) return;
    for (size_t i = 0; i < nt; i++)
        if (terms[i] < s->kr.n) __builtin_prefetch(&s->kr.v[terms[i]]);
    for (size_t i = 0; i < nt; i++) {
        if (terms[i] >= s->kr.n) continue;
        const krows *e = &s->kr.v[terms[i]];
        size_t wn;
        const uint64_t *w = kwin(e, &wn);
        if (!wn) continue;
        __builtin_prefetch(&w[0]);
        __builtin_prefetch(&w[wn / 2]);
        __builtin_prefetch(&w[wn - 1]);
    }
}

/* The distinct live stories with a story_keys row (term, day in [lo, hi]),
 * in (day, story) order as the table's index gives them, into out
 * (cleared).  In mem mode only the key's newest STORY_KEY_SCAN rows are
 * read. */
static int key_stories(dl_storyer *s, uint32_t term, int32_t lo, int32_t hi, i64vec *out)
{
    out->n = 0;
    if (s->mem) {
        if (term >= s->kr.n) return DL_OK;
        /* the window's rows in [lo, hi]: one slice of the sorted rows, in
         * (day, story) order */
        size_t n;
        const uint64_t *w = kwin(&s->kr.v[term], &n);
        uint64_t plo = KROW(lo, 0), span = KROW(hi, UINT32_MAX) - plo;
        size_t a = lower_bound_u64(w, n, plo);
        size_t end = a;
        while (end < n && w[end] - plo <= span) end++;
        if (dl_vec_reserve(out, end - a)) return DL_ENOMEM;
        idmap_clear(s->seen, end - a);
        for (size_t i = a; i < end; i++) {
            int64_t id = resolve(s, KROW_STORY(w[i]));
            int found = 0;
            long slot = idmap_get(s->seen, id, &found);
            if (!found && slot >= 0) out->v[out->n++] = id;
        }
        return DL_OK;
    }
    int frc = flush_keys(s);  /* rows held back while the map was used */
    if (frc) return frc;
    sqlite3_stmt *st = s->st_keys_get;
    sqlite3_bind_text(st, 1, STR(s, term), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    int rc = DL_OK;
    while (sqlite3_step(st) == SQLITE_ROW && !rc) rc = dl_vec_push(out, sqlite3_column_int64(st, 0));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* Adds one key's stories (s->ids) to the candidates: a story already there
 * gains a hit; a new one is added while there are fewer than STORY_GATHER.
 * skip (0: none; else ids are resolved first) is left out.  map is
 * cleared by the caller per article. */
static int gather(dl_storyer *s, idmap *map, scandvec *c, int64_t skip)
{
    for (size_t q = 0; q < s->ids.n; q++) {
        int64_t id = s->ids.v[q];
        if (skip) {  /* the merge pass: merged-away ids name their survivor */
            id = resolve(s, id);
            if (id == skip) continue;
        }
        int found = 0;
        long slot = idmap_get(map, id, &found);
        if (found) {
            c->v[map->s[slot].val].hits++;
            continue;
        }
        if (slot < 0) continue;
        if (c->n >= STORY_GATHER) {
            map->s[slot].gen = 0;  /* not a candidate: give the slot back (the last
                                    one claimed, so no probe chain breaks) */
            map->n--;
            continue;
        }
        scand x = {id, 1, (int)c->n};
        if (dl_vec_push(c, x)) return DL_ENOMEM;
        map->s[slot].val = (int32_t)(c->n - 1);
    }
    return DL_OK;
}

/* Keeps the `keep` candidates sharing most keys, most first, ties in
 * order of discovery (c is in discovery order, as gather makes it): a
 * stable counting pass per hit count, from the highest down, stopping
 * once `keep` are taken -- the order a stable sort by hits gives. */
static int best_cands(dl_storyer *s, scandvec *c, size_t keep)
{
    int hmax = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].hits > hmax) hmax = c->v[i].hits;
    scandvec *o = &s->csort;
    o->n = 0;
    size_t want = c->n < keep ? c->n : keep;
    if (dl_vec_reserve(o, want)) return DL_ENOMEM;
    for (int h = hmax; h > 0 && o->n < want; h--)
        for (size_t i = 0; i < c->n && o->n < want; i++)
            if (c->v[i].hits == h) o->v[o->n++] = c->v[i];
    scandvec t = *c;
    *c = *o;
    *o = t;
    return DL_OK;
}

int dl_story_assign(dl_storyer *s, int64_t docno, const dl_annotation *a, int64_t dup_of,
                    const dl_rawterms *terms)
{
    const int32_t window = STORY_WINDOW;
    const double penalty = STORY_DAY_PENALTY;
    stermvec *v = &s->v;
    /* another connection wrote since: the in-memory rows may be incomplete,
     * the stories put aside stale */
    if ((s->mem || s->dfmem || s->park_check) && !s->vfresh) {
        int64_t dv = data_version(s);
        if (dv != s->version) {
            s->dfmem = 0;
            if (s->mem) {
                int crc = skl_catch_up(s);
                if (!crc && !s->mem) crc = flush_keys(s);
                if (crc) return crc;
            }
            s->version = dv;
        }
        if (s->park_check && dv != s->park_version)
            for (size_t i = 0; i < STORY_PARKED; i++) s->parked[i].id = 0;
        s->park_version = dv;
        s->park_check = 0;
        s->vfresh = !sqlite3_get_autocommit(s->ar->db);
    }
    uint32_t ekeys[STORY_ENT_KEYS];
    size_t nek = 0;
    int rc = doc_vector(s, a, terms, v);
    if (!rc) rc = entity_keys(s, a, ekeys, &nek);
    if (rc) return rc;
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
    /* the doc's best terms: candidates' keys, and its story's keys */
    size_t top[STORY_KEY_TERMS];
    size_t ntop = top_terms(s, v, STORY_KEY_TERMS, top);
    /* candidates: stories sharing one of the doc's best terms, in the window */
    scandvec *cands = &s->cands, *ecands = &s->ecands;
    cands->n = ecands->n = 0;
    idmap *cmap = s->seen + 1;
    if (!best) {
        uint32_t kt[STORY_KEY_TERMS + STORY_ENT_KEYS];
        size_t nkt = 0;
        for (size_t i = 0; i < ntop; i++) kt[nkt++] = v->v[top[i]].id;
        for (size_t i = 0; i < nek; i++) kt[nkt++] = ekeys[i];
        key_prefetch(s, kt, nkt);
        idmap_clear(cmap, STORY_GATHER + 1);
        for (size_t i = 0; i < ntop && !rc; i++) {
            rc = key_stories(s, v->v[top[i]].id, day - window, day + window, &s->ids);
            if (!rc) rc = gather(s, cmap, cands, 0);
        }
    }
    /* the slower signal: stories that share STORY_ENT_MIN salient entities
     * with the article within STORY_ENT_WINDOW days (a long story resumed
     * after a gap, or drifted in vocabulary) */
    if (!best) idmap_clear(cmap, STORY_GATHER + 1);
    for (size_t i = 0; !best && i < nek && !rc; i++) {
        rc = key_stories(s, ekeys[i], day - STORY_ENT_WINDOW, day + STORY_ENT_WINDOW, &s->ids);
        if (!rc) rc = gather(s, cmap, ecands, 0);
    }
    /* the stories sharing most key terms first (stable: older first) */
    if (!rc) rc = best_cands(s, cands, STORY_MAX_CANDIDATES);
    ptab_build(s, v);
    for (size_t k = 0; k < PREFETCH_AHEAD && k < cands->n; k++) prefetch_story(s, cands->v[k].id);
    for (size_t k = 0; k < cands->n && !rc; k++) {
        if (k + PREFETCH_AHEAD < cands->n) prefetch_story(s, cands->v[k + PREFETCH_AHEAD].id);
        const storyrow *r = get_story(s, cands->v[k].id, &rc);
        if (!r) continue;
        double sim = r->cn > 0 ? dot_with(s, v, &r->c) / r->cn : 0;
        int32_t gap = day < r->first ? r->first - day : day > r->last ? day - r->last : 0;
        sim -= penalty * gap;
        if (sim > best_sim) best_sim = sim, best = r->id;
    }
    const double thr = STORY_THRESHOLD;
    if (!dup_of && best_sim < thr) {
        best = 0;
        /* no story close enough in words: one sharing the article's people
         * and organisations needs less word overlap, and no day penalty */
        double best_e = 0;
        for (size_t k = 0; k < ecands->n && !rc; k++) {
            if (ecands->v[k].hits < STORY_ENT_MIN) continue;
            const storyrow *r = get_story(s, ecands->v[k].id, &rc);
            if (!r) continue;
            double sim = r->cn > 0 ? dot_with(s, v, &r->c) / r->cn : 0;
            if (sim >= STORY_ENT_THRESHOLD && sim > best_e) best_e = sim, best = r->id;
        }
    }
    s->pt_of = NULL;

    storyrow *r = NULL;
    if (!rc && best && (r = get_story(s, best, &rc)) != NULL) {
        /* the row is written when evicted or at the batch's end */
        best = r->id;
        rc = merge_into(s, &r->c, v);
        r->rounded = 0;
        if (!rc) {
            r->cn = norm2(&r->c);
            if (day < r->first) r->first = day;
            if (day > r->last) r->last = day;
            r->articles++;
            mark_dirty(s, r);
        }
    } else if (!rc) {
        /* the scratch buffers, done with before evict (write_row) uses them */
        dl_buf *label = &s->label, *state = &s->state;
        dl_buf_reset(label);
        dl_buf_reset(state);
        label->err = state->err = DL_OK;
        make_label(s, v, label);
        write_state(s, v, state);
        rc = label->err ? label->err : state->err;
        if (!rc) {
            sqlite3_stmt *st = s->st_story_new;
            sqlite3_bind_text(st, 1, label->p ? label->p : "", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, day);
            sqlite3_bind_int64(st, 3, day);
            sqlite3_bind_blob(st, 4, state->p ? state->p : "", (int)state->n, SQLITE_STATIC);
            /* the new story's id (RETURNING) */
            int sr = sqlite3_step(st);
            best = sr == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
            if (sr == SQLITE_ROW) sr = sqlite3_step(st);
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            rc = sr == SQLITE_DONE && best > 0 ? DL_OK : fail(s);
        }
        /* cached as written; the merge pass looks at new stories too */
        if (!rc) {
            storyrow *c = &s->cache[(uint64_t)best % STORY_CACHE];
            if (!(rc = evict(s, c))) {
                if ((rc = dl_vec_reserve(&c->c, v->n))) {
                    c->c.n = 0;
                } else {
                    c->id = best;
                    c->first = c->last = day;
                    c->articles = 1;
                    if (v->n) memcpy(c->c.v, v->v, v->n * sizeof *v->v);
                    c->c.n = v->n;
                    c->rounded = 0;
                    c->cn = norm2(&c->c);
                    rc = dl_vec_push(&s->touched, best);
                }
            }
        }
    }
    if (!rc) {
        sqlite3_bind_int64(s->st_art_set, 1, best);
        sqlite3_bind_int64(s->st_art_set, 2, docno);
        rc = step_done(s, s->st_art_set);
    }
    /* the doc's best terms become keys of its story */
    for (size_t i = 0; i < ntop && !rc; i++) {
        uint32_t id = v->v[top[i]].id;
        if (!kmap_add(s, id, day, best)) continue;  /* row there */
        rc = put_key(s, id, day, best);
    }
    for (size_t i = 0; i < nek && !rc; i++) {
        if (!kmap_add(s, ekeys[i], day, best)) continue;
        rc = put_key(s, ekeys[i], day, best);
    }
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
    stermvec gc = g->c;  /* taken from the slot, freed below */
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
    if (!rc) rc = merge_into(s, &k->c, &gc);
    if (k) k->rounded = 0;
    if (!rc) {
        k->cn = norm2(&k->c);
        if (gfirst < k->first) k->first = gfirst;
        if (glast > k->last) k->last = glast;
        k->articles += gart;
        mark_dirty(s, k);
        rc = dl_vec_push(&s->touched, keep);
    }
    dl_vec_free(&gc);
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
    /* the best terms (ids: r may move in the cache, they stay valid) */
    size_t top[STORY_KEY_TERMS];
    uint32_t terms[STORY_KEY_TERMS];
    size_t nt = top_terms(s, &r->c, STORY_KEY_TERMS, top);
    for (size_t i = 0; i < nt; i++) terms[i] = r->c.v[top[i]].id;
    key_prefetch(s, terms, nt);
    int32_t lo = r->first - STORY_MERGE_WINDOW, hi = r->last + STORY_MERGE_WINDOW;
    scandvec *cands = &s->cands;
    cands->n = 0;
    idmap *cmap = s->seen + 1;
    idmap_clear(cmap, STORY_GATHER + 1);
    for (size_t i = 0; i < nt && !rc; i++) {
        rc = key_stories(s, terms[i], lo, hi, &s->ids);
        if (!rc) rc = gather(s, cmap, cands, id);
    }
    /* most shared terms first */
    if (!rc) rc = best_cands(s, cands, STORY_MAX_CANDIDATES);
    storyrow spare;
    memset(&spare, 0, sizeof spare);
    ptab_build(s, &r->c);  /* r stays in its slot (pinned) and unchanged */
    int64_t best = 0;
    double best_margin = 0;
    for (size_t k = 0; k < cands->n && !rc; k++) {
        for (size_t j = k + 1; j < cands->n && j <= k + PREFETCH_AHEAD; j++)
            if (cands->v[j].hits >= STORY_MERGE_MIN_HITS) prefetch_story(s, cands->v[j].id);
        if (cands->v[k].hits < STORY_MERGE_MIN_HITS) continue;
        const storyrow *o = get_story_pin(s, cands->v[k].id, id, &spare, &rc);
        r = get_story(s, id, &rc);  /* still cached (pinned) */
        if (!o || !r || o->id == id) continue;
        double cos = r->cn > 0 && o->cn > 0 ? dot_with(s, &r->c, &o->c) / (r->cn * o->cn) : 0;
        double margin = cos - merge_threshold(r, o);
        if (margin > best_margin) best_margin = margin, best = o->id;
    }
    s->pt_of = NULL;
    dl_vec_free(&spare.c);
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
