/*
 * dedup.c -- near-duplicates in the archive: the ingest-time check
 * (dl_dedup_article) and the public listing (dl_dups).  Method and tables:
 * dedup.h.
 *
 * Cost model (the writer thread runs this once per article, in order): the
 * candidates come from the key postings (in memory, keyent, when the
 * session started on an empty dup_keys), up to DL_DUP_CANDIDATES of them
 * are verified, and the signatures a verification reads come from an
 * in-memory store (the signature store below) rather than from dup_sigs,
 * which is only written (in multi-row INSERTs at dl_dedup_flush) and read
 * back for articles the store does not hold.  Most candidates share too
 * little to pass DL_DUP_PREFILTER: an upper bound of what they share, from
 * a bitmap of the article's shingles (bm_bound16), rejects them without
 * intersecting the sorted arrays.  The work is bound by memory latency
 * (scattered postings and store entries): the lines a step will read are
 * prefetched a step or a few candidates ahead.  The output (pairs, links,
 * rows) is the same as a plain merge of every candidate would give.
 */
#include "dedup.h"
#include "../store/store.h"
#include "../story/story.h"
#include "../text/buf.h"
#include "../text/svb.h"
#include "shingle.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <endian.h>
#include <sys/mman.h>
#include <streamvbyte.h>
#include <streamvbytedelta.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

/* The dup_keys rows in memory, for as long as they are all there: when the
 * table was empty at the start of the session and no other connection has
 * written to the archive since (PRAGMA data_version unchanged), a lookup
 * reads the map instead of the table.  The table is still written. */
typedef struct keyent {
    uint32_t key;
    uint32_t used;          /* 0: free slot */
    uint32_t n, cap;        /* its postings: docnos, ascending (docnos only grow) */
    size_t off;             /* at dd->post.v + off, cap of them */
} keyent;
/* The postings of all keys live in one array (dd->post, freed at once): a
 * key's run that fills up moves to the end with twice the room, leaving
 * its old room unused (at most as much as is used).  Docnos are held in 32
 * bits; a larger one drops the map. */

/*
 * The signature store: the 5- and 2-shingles of the articles written in
 * this session (and of older ones once read from dup_sigs), so that a
 * verification reads no table and decodes no blob.  Two arenas of uint32
 * words, each at most mem_max / 2 bytes; an entry is [the top 16 bits of the
 * 5-shingles (uint16, FP_WORDS words: what bm_bound16 reads), n5
 * 5-shingles, n2 2-shingles], n5 and n2 in its dslot (n2 = 0: a blob from
 * before the 2-shingles were stored, whose bigrams come from the text).  Entries go to the current arena
 * (generation agen, arena agen & 1); when it is full the generation
 * advances and the older arena is emptied and reused, so the store keeps at
 * least the last mem_max / 2 bytes of signatures and never more than
 * mem_max.  A docno's entry is found through its dslot.  Articles are never
 * deleted nor their docnos reused, so an entry never goes stale.
 *
 * Signatures of this session are written to dup_sigs at dl_dedup_flush
 * (pending_sigs); they stay in the store until then: before an arena holding
 * one is reused, the pending rows are written.
 */
#define DUP_MEM_DEFAULT ((size_t)256 << 20)

/* Per-docno state, in an array indexed by docno, for docnos below
 * DSLOT_MAX (others take the slow paths: dup_sigs reads, the hashed
 * candidate map). */
typedef struct dslot {
    uint32_t sgen;  /* store generation holding its signature; 0: none */
    uint32_t soff;  /* offset (words) of the entry in that arena */
    uint32_t n5, n2;  /* its counts of 5- and 2-shingles (n2 | N2_RAW: not yet
                       * sorted, repeats kept: see bigrams_ready) */
} dslot;
#define N2_RAW 0x80000000u
#define DSLOT_MAX ((size_t)1 << 23)

/* A signature read from the store (pointers valid until the next store
 * insertion) or from dup_sigs (into dd->tmp, dd->tmp2). */
typedef struct sigref {
    const uint32_t *s5, *s2;
    const uint16_t *fp;  /* the 5-shingles' top 16 bits (NULL: not stored) */
    size_t n5, n2;
    int s2_raw;          /* s2 not yet sorted (store entries only) */
} sigref;

#define BM_SHIFT 16  /* the bitmap of bm_build: 2^16 bits */
#define BM_BITS ((size_t)1 << BM_SHIFT)
#define FP_WORDS(n5) (((size_t)(n5) + 1) / 2)  /* uint32 words of n5 top bits */

/* A hint to load the cache line at p.  Inline assembly on x86: gcc drops
 * some __builtin_prefetch calls whose loops do nothing else. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define PREFETCH(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)(p)))
#else
#define PREFETCH(p) __builtin_prefetch(p)
#endif

#define FLUSH_ROWS 64  /* dup_keys rows per INSERT at dl_dedup_flush */
#define SIG_ROWS 16    /* dup_sigs rows per INSERT */

/* A candidate original: docno and sampled keys shared. */
typedef struct cand {
    int64_t docno;
    uint32_t hits;
} cand;

struct dl_dedup {
    dl_archive *ar;
    sqlite3_stmt *st_sig_put, *st_sig_get, *st_key_put, *st_key_get, *st_pair_put,
        *st_link, *st_root, *st_text, *st_version;
    dl_u32vec sig, bi, tmp, tmp2;  /* this article's 5- and 2-shingles; scratch */
    int bi_sorted;                 /* bi is sorted and distinct */
    dl_u32vec sortbuf;             /* scratch of bigrams_ready's sorts */
    /* scratch of dl_dedup_article: the candidates, and docno -> index in
     * them: cmark[docno] - cbase when below cs.n (the article's candidates
     * take marks from cbase on: a new article moves cbase past them, which
     * empties the map in O(1)), else (docnos past the slots) a hash map,
     * generation-stamped (cm_cur) */
    DL_VEC(struct cand) cs;
    DL_VEC(size_t) kq;      /* the article's keys, then their slots */
    DL_VEC(size_t) hist;    /* candidates per hits value (top_cands) */
    uint32_t *cmark, cbase;
    DL_VEC(unsigned char) blob;
    dl_bytevec dec;  /* a padded copy of a blob being decoded */
    uint64_t bm[BM_BITS / 64];  /* this article's 5-shingles (bm_build) */
    uint64_t bm2[BM_BITS / 64]; /* its 2-shingles, once needed (bm2_ok) */
    int bm2_ok;
    int64_t *cm_key;
    uint32_t *cm_val, *cm_gen, cm_cur;
    size_t cm_cap, cm_n;
    /* the signature store */
    dslot *ds;
    size_t dsn;             /* slots for docnos [0, dsn) */
    dl_u32vec arena[2];
    uint32_t agen;          /* current generation, >= 1 */
    size_t arena_max;       /* words per arena */
    DL_VEC(int64_t) pending_sigs;  /* docnos whose dup_sigs row is not written */
    sqlite3_stmt *st_sig_many;     /* SIG_ROWS rows at once; made on first use */
    /* dup_keys rows not yet written (mem mode: lookups read the map), in
     * arrival order; written sorted by dl_dedup_flush */
    DL_VEC(uint64_t) pending; /* dup_keys rows to write: key << 32 | docno */
    DL_VEC(uint64_t) ktmp;    /* scratch of their sort */
    sqlite3_stmt *st_key_many;  /* FLUSH_ROWS rows at once; made on first use */
    int mem;                 /* 1: lookups read keys below */
    /* the key log (below), open when the map is backed by it */
    dl_applog klog;
    int klog_on;
    int64_t version;         /* data_version when mem was last confirmed */
    int vfresh;              /* 1: confirmed inside the open transaction, in
                              * which no other connection can write (reset
                              * by dl_dedup_flush, which the ingest calls
                              * before each COMMIT) */
    keyent *keys;
    size_t kcap, kn;
    dl_u32vec post;          /* the keys' postings (keyent.off) */
};

/*
 * The key log, dupkeys.log in the archive's folder: the dup_keys postings
 * of archives whose keys were all held in memory, kept in a file rather
 * than the table.  A B-tree insert per key row cost more than the rest of
 * near-duplicate detection (a row lands on a random page), while a
 * session only ever needs the whole map, which reading the log rebuilds.
 * Records: uint64 key << 32 | docno, little-endian, each batch's sorted,
 * batches appended in commit order (so a key's docnos ascend through the
 * file, as keys_add wants).  meta('dupkeys_bytes') holds the committed
 * length: a batch writes its records at that offset, fdatasyncs, and sets
 * the new length inside its transaction, so bytes past it (a batch that
 * crashed) are ignored and overwritten.  Should the map be dropped (out of
 * memory, a docno past 32 bits), the log's records move into dup_keys
 * (klog_to_table) and the table serves lookups from then on.  The file
 * handling is store/applog.c's (dl_applog).
 */
#define KLOG_NAME "dupkeys.log"
#define KLOG_META "dupkeys_bytes"
static int klog_open(dl_dedup *dd);
static int keys_table_used(dl_dedup *dd);

static void keys_free(dl_dedup *dd)
{
    dl_table_free(dd->keys, dd->kcap * sizeof *dd->keys);
    dl_vec_free(&dd->post);
    dd->keys = NULL;
    dd->kcap = dd->kn = 0;
    dd->mem = 0;
}

/* The first slot of key in a table of cap slots (a power of 2).  Keys have
 * their low bits zero (dl_dup_key_mask): the slot comes from the high bits
 * of a 64-bit product. */
static size_t key_hash(uint32_t key, size_t cap)
{
    return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static size_t key_slot(const keyent *t, size_t cap, uint32_t key)
{
    size_t h = key_hash(key, cap);
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
        keyent *nt = dl_table_alloc(nc * sizeof *nt);  /* probed before written */
        if (!nt) {
            keys_free(dd);
            return;
        }
        for (size_t i = 0; i < dd->kcap; i++)
            if (dd->keys[i].used) nt[key_slot(nt, nc, dd->keys[i].key)] = dd->keys[i];
        dl_table_free(dd->keys, dd->kcap * sizeof *dd->keys);
        dd->keys = nt;
        dd->kcap = nc;
    }
    keyent *e = &dd->keys[key_slot(dd->keys, dd->kcap, key)];
    if (!e->used) {
        e->used = 1;
        e->key = key;
        dd->kn++;
    }
    uint32_t *run = dd->post.v + e->off;
    if (e->n && run[e->n - 1] == docno) return;
    if (docno <= 0 || (uint64_t)docno > UINT32_MAX) {
        keys_free(dd);
        return;
    }
    if (e->n == e->cap) {
        size_t nc = e->cap ? 2 * (size_t)e->cap : 2;
        if (nc > UINT32_MAX || dl_vec_reserve(&dd->post, dd->post.n + nc)) {
            keys_free(dd);
            return;
        }
        if (e->n) memcpy(dd->post.v + dd->post.n, dd->post.v + e->off, e->n * sizeof *dd->post.v);
        e->off = dd->post.n;
        e->cap = (uint32_t)nc;
        dd->post.n += nc;
    }
    dd->post.v[e->off + e->n++] = (uint32_t)docno;
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
    sqlite3_finalize(dd->st_sig_many);
    sqlite3_finalize(dd->st_key_many);
    dl_applog_close(&dd->klog);
    keys_free(dd);
    dl_vec_free(&dd->sig);
    dl_vec_free(&dd->bi);
    dl_vec_free(&dd->sortbuf);
    dl_vec_free(&dd->tmp);
    dl_vec_free(&dd->tmp2);
    dl_vec_free(&dd->cs);
    dl_vec_free(&dd->kq);
    dl_vec_free(&dd->hist);
    dl_vec_free(&dd->blob);
    dl_vec_free(&dd->dec);
    free(dd->cm_key);
    free(dd->cm_val);
    free(dd->cm_gen);
    free(dd->ds);
    free(dd->cmark);
    for (int k = 0; k < 2; k++)
        if (dd->arena[k].v) munmap(dd->arena[k].v, dd->arena[k].cap * sizeof *dd->arena[k].v);
    dl_vec_free(&dd->pending_sigs);
    dl_vec_free(&dd->pending);
    dl_vec_free(&dd->ktmp);
    free(dd);
}

void dl_dedup_set_memory(dl_dedup *dd, size_t bytes)
{
    if (dd->arena[0].v || dd->arena[1].v) return;  /* too late: arenas are mapped */
    size_t words = bytes / 2 / sizeof(uint32_t);
    if (words > UINT32_MAX) words = UINT32_MAX;
    dd->arena_max = words;
}

int dl_dedup_new(dl_archive *ar, dl_dedup **out)
{
    *out = NULL;
    dl_dedup *dd = dl_calloc(1, sizeof *dd);
    if (!dd) return DL_ENOMEM;
    dd->ar = ar;
    dd->agen = 1;
    dl_dedup_set_memory(dd, DUP_MEM_DEFAULT);
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
    dd->klog.fd = -1;
    if (!dd->st_sig_put || !dd->st_sig_get || !dd->st_key_put || !dd->st_key_get ||
        !dd->st_pair_put || !dd->st_link || !dd->st_root || !dd->st_text || !dd->st_version) {
        dl_dedup_free(dd);
        return DL_ESTORE;
    }
    /* keys in memory, backed by the key log, unless the table has them */
    int rc = DL_OK, table = keys_table_used(dd);
    if (table < 0) rc = DL_ESTORE;
    dd->mem = table == 0;
    if (dd->mem) rc = klog_open(dd);
    if (rc) {
        dl_dedup_free(dd);
        return rc;
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

/* ---------------------------------------------------------- the key log */

/* dl_applog_read's fn: whole records into the map (none once it is
 * dropped). */
static size_t klog_to_map(void *ctx, const unsigned char *p, size_t n, int *rc)
{
    dl_dedup *dd = ctx;
    size_t whole = n - n % 8;
    for (size_t i = 0; i < whole && dd->mem; i += 8) {
        uint64_t r;
        memcpy(&r, p + i, 8);
        r = le64toh(r);
        if (!(uint32_t)r) {
            *rc = dl_archive_fail(dd->ar, DL_ECORRUPT, KLOG_NAME ": a record with docno 0");
            return 0;
        }
        keys_add(dd, (uint32_t)(r >> 32), (uint32_t)r);
    }
    return whole;
}

/* dl_applog_read's fn: whole records into dup_keys. */
static size_t klog_to_rows(void *ctx, const unsigned char *p, size_t n, int *rc)
{
    dl_dedup *dd = ctx;
    size_t whole = n - n % 8;
    for (size_t i = 0; i < whole && !*rc; i += 8) {
        uint64_t r;
        memcpy(&r, p + i, 8);
        r = le64toh(r);
        sqlite3_bind_int64(dd->st_key_put, 1, (sqlite3_int64)(r >> 32));
        sqlite3_bind_int64(dd->st_key_put, 2, (sqlite3_int64)(uint32_t)r);
        *rc = step_done(dd, dd->st_key_put);
    }
    return whole;
}

/* The map was dropped: the log's committed records become dup_keys rows
 * and the log is given up (inside the caller's transaction, or own_txn). */
static int klog_to_table(dl_dedup *dd, int own_txn)
{
    if (!dd->klog_on) return DL_OK;
    int rc = dl_applog_move(&dd->klog, klog_to_rows, dd, own_txn);
    if (!rc) dd->klog_on = 0;
    return rc;
}

/* Opens the log (made if missing) and reads its committed records into
 * the map.  Called when dup_keys is empty, outside a batch. */
static int klog_open(dl_dedup *dd)
{
    int rc = dl_applog_load(dd->ar, KLOG_NAME, KLOG_META, 8, &dd->klog, klog_to_map, dd);
    dd->klog_on = dd->klog.fd >= 0;
    if (rc || dd->mem) return rc;
    return klog_to_table(dd, 1);  /* the map did not fit: the table takes the keys */
}

/* 1 when dup_keys has rows, 0 when empty, -1 on error. */
static int keys_table_used(dl_dedup *dd)
{
    sqlite3_stmt *st = dl_archive_prepare(dd->ar, "SELECT 1 FROM dup_keys LIMIT 1");
    if (!st) return -1;
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_ROW ? 1 : s == SQLITE_DONE ? 0 : -1;
}

/* Another connection committed since the map was read: add what it
 * appended to the log; or, when it moved the keys into dup_keys, drop the
 * log and the map (lookups read the table from then on). */
static int klog_catch_up(dl_dedup *dd)
{
    int64_t len = dl_applog_committed(&dd->klog);
    if (len < 0) return (int)len;
    int table = keys_table_used(dd);
    if (table < 0) return dl_archive_fail(dd->ar, DL_ESTORE, "%s", sqlite3_errmsg(dd->ar->db));
    if (table) {
        dl_applog_close(&dd->klog);  /* given up by the other writer */
        dd->klog_on = 0;
        keys_free(dd);
        return DL_OK;
    }
    if ((uint64_t)len < dd->klog.end || len % 8)
        return dl_archive_fail(dd->ar, DL_ECORRUPT, KLOG_NAME ": shorter than before");
    int rc = dl_applog_read(&dd->klog, dd->klog.end, (uint64_t)len, klog_to_map, dd);
    if (!rc) dd->klog.end = (uint64_t)len;
    return rc;
}

/* Appends the batch's sorted records (inside the batch's transaction). */
static int klog_append(dl_dedup *dd, uint64_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++) r[i] = htole64(r[i]);
    return dl_applog_append(&dd->klog, r, n * sizeof *r);
}


static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
    return x->docno > y->docno ? -1 : x->docno < y->docno;
}


/* The dup_sigs blob.  Written now (SIG_MAGIC3): the 5-shingles, sorted,
 * as a streamvbyte delta stream (about 3.2 bytes a shingle instead of 4),
 * then the trailer (their count, SIG_MAGIC3).  The 2-shingles are not
 * stored: they matter only for the few candidates whose 5-shingles pass
 * DL_DUP_PREFILTER, and those (in a later session) are shingled again from
 * their text (bigram_containment); within a session they are in the
 * signature store.  (The blobs had been the archive's largest table, 7 KB
 * an article; now 2.8 KB.)  Read too: blobs
 * of 5-shingles then 2-shingles as little-endian uint32s with the trailer
 * (count, SIG_MAGIC), and before that the 5-shingles alone. */
#define SIG_MAGIC 0x32424C44u  /* "DLB2" */
#define SIG_MAGIC3 0x33424C44u /* "DLB3" */

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

size_t dl_dup_sig_bytes(size_t n5)
{
    return streamvbyte_max_compressedbytes((uint32_t)n5) + 8;
}

size_t dl_dup_sig_encode(unsigned char *p, const uint32_t *s5, size_t n5)
{
    size_t n = dl_svb_encode(s5, n5, p, 1, 0);
    put_u32(p + n, (uint32_t)n5);
    put_u32(p + n + 4, SIG_MAGIC3);
    return n + 8;
}

/* Splits an older dup_sigs blob of n bytes: *n5 5-shingles at its start,
 * *n2 2-shingles after them (0 for a blob without the trailer). */
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

/* 1 when v[0, n) is strictly ascending. */
static int ascending(const uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i] <= v[i - 1]) return 0;
    return 1;
}

/* Decodes m uint32s at p into v (cleared); 0 unless strictly ascending (a
 * damaged signature is skipped, never trusted) or on OOM. */
static int decode_sorted(const unsigned char *p, size_t m, dl_u32vec *v)
{
    v->n = 0;
    if (dl_vec_reserve(v, m)) return 0;
    for (size_t i = 0; i < m; i++) v->v[i] = get_u32(p + 4 * i);
    v->n = m;
    return ascending(v->v, m);
}

/* The exact size of the streamvbyte stream of n values at p when it fits
 * in avail bytes, else SIZE_MAX (its control bytes give its length). */
static size_t svb_stream_size(const unsigned char *p, size_t avail, size_t n)
{
    size_t keys = (n + 3) / 4;
    if (keys > avail) return SIZE_MAX;
    size_t data = 0;
    for (size_t i = 0; i < n; i++) data += ((p[i / 4] >> (2 * (i % 4))) & 3u) + 1;
    return keys + data <= avail ? keys + data : SIZE_MAX;
}

/* Decodes a SIG_MAGIC3 blob of n bytes (its trailer checked) into s5
 * (through the scratch buf).  0 when damaged or on OOM. */
static int decode_v3(dl_bytevec *buf, const unsigned char *p, size_t n, dl_u32vec *s5)
{
    size_t k = get_u32(p + n - 8), len = n - 8;
    if (svb_stream_size(p, len, k) != len) return 0;
    /* the library's decoder may read up to 16 bytes past the stream: it
     * decodes a padded copy */
    if (dl_vec_reserve(buf, len + 16) || dl_vec_reserve(s5, k)) return 0;
    memcpy(buf->v, p, len);
    memset(buf->v + len, 0, 16);
    if (k) streamvbyte_delta_decode(buf->v, s5->v, (uint32_t)k, 0);
    s5->n = k;
    return ascending(s5->v, k);
}

int dl_dup_sig_decode(dl_bytevec *buf, const unsigned char *p, size_t n, dl_u32vec *s5,
                      dl_u32vec *s2)
{
    s2->n = 0;
    if (n >= 8 && get_u32(p + n - 4) == SIG_MAGIC3 && decode_v3(buf, p, n, s5)) return 1;
    size_t n5, n2;
    blob_parts(p, n, &n5, &n2);
    if (!decode_sorted(p, n5, s5)) return 0;
    /* bigrams unreadable: as if none were stored (then from the text) */
    if (n2 && !decode_sorted(p + 4 * n5, n2, s2)) s2->n = 0;
    return 1;
}

/* |A n B| / min(|A|, |B|) as dl_containment when it reaches at_least
 * (exactly the same double: the same count over the same divisor);
 * otherwise some value below at_least, found as soon as the rest of the
 * arrays cannot lift the count that far.  When one side is much shorter,
 * its elements are searched in the other (galloping); else the merge is
 * branch-free (a compare decides both advances), which costs a fraction of
 * a mispredicted branch per element. */
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
    size_t need = at_least > 0 ? (size_t)ceil(at_least * (double)na - 1e-9) : 0, both = 0;
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
        size_t ra = na - i, rb = nb - j, k = ra < rb ? ra : rb;
        if (both + k < need) return 0;
        /* k steps cannot run past either end: each advances i or j or both
         * by one, and there are k <= ra, rb of them; the bound is checked
         * again every 64 */
        if (k > 64) k = 64;
        for (; k; k--) {
            uint32_t x = a[i], y = b[j];
            both += x == y;
            i += x <= y;
            j += y <= x;
        }
    }
    return (double)both / (double)na;
}

/*
 * The article's own 5-shingles as a bitmap of BM_BITS bits (indexed by the
 * hash's top bits): for a candidate, the count of its shingles whose bit is
 * set is an upper bound of the shingles it shares with the article (every
 * shared one has its bit set), computed with independent loads from a
 * table that stays in L1, where a merge is a chain of dependent ones.  Most
 * candidates fall short of DL_DUP_PREFILTER on that bound alone; the others
 * are merged.  Set bits are |A| / BM_BITS of the table, so the bound
 * exceeds the count by about |B| |A| / BM_BITS.
 */

static void bm_build(uint64_t *bm, const uint32_t *a, size_t na)
{
    memset(bm, 0, BM_BITS / 8);
    for (size_t i = 0; i < na; i++) {
        uint32_t h = a[i] >> (32 - BM_SHIFT);
        bm[h >> 6] |= (uint64_t)1 << (h & 63);
    }
}

/* An upper bound of |A n B|, A the bitmap's set. */
static size_t bm_bound_scalar(const uint64_t *bm, const uint32_t *b, size_t nb)
{
    size_t n = 0;
    for (size_t i = 0; i < nb; i++) {
        uint32_t h = b[i] >> (32 - BM_SHIFT);
        n += (bm[h >> 6] >> (h & 63)) & 1;
    }
    return n;
}

/* The same from the shingles' top bits (uint16_t: half the bytes to read). */
static size_t bm_bound16_scalar(const uint64_t *bm, const uint16_t *b, size_t nb)
{
    size_t n = 0;
    for (size_t i = 0; i < nb; i++) n += (bm[b[i] >> 6] >> (b[i] & 63)) & 1;
    return n;
}

#if defined(__GNUC__) && defined(__x86_64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The bounds eight elements at a time with AVX2: the bitmap read as 32-bit
 * words (bit h in word h >> 5 on a little-endian host), gathered, shifted
 * and summed per lane.  The bitmap (8 KB) stays in the L1 cache, so the
 * gathers hit it; the counts are exactly the scalar ones. */
__attribute__((target("avx2"))) static inline __m256i bm_lanes(const int *w, __m256i h,
                                                              __m256i acc)
{
    __m256i word = _mm256_i32gather_epi32(w, _mm256_srli_epi32(h, 5), 4);
    __m256i bit = _mm256_srlv_epi32(word, _mm256_and_si256(h, _mm256_set1_epi32(31)));
    return _mm256_add_epi32(acc, _mm256_and_si256(bit, _mm256_set1_epi32(1)));
}

__attribute__((target("avx2"))) static inline size_t bm_sum(__m256i acc)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) static size_t bm_bound16_avx2(const uint64_t *bm,
                                                             const uint16_t *b, size_t nb)
{
    const int *w = (const int *)(const void *)bm;
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 8 <= nb; i += 8)
        acc = bm_lanes(w, _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(b + i))),
                       acc);
    return bm_sum(acc) + bm_bound16_scalar(bm, b + i, nb - i);
}

__attribute__((target("avx2"))) static size_t bm_bound_avx2(const uint64_t *bm, const uint32_t *b,
                                                           size_t nb)
{
    const int *w = (const int *)(const void *)bm;
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 8 <= nb; i += 8) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + i));
        acc = bm_lanes(w, _mm256_srli_epi32(v, 32 - BM_SHIFT), acc);
    }
    return bm_sum(acc) + bm_bound_scalar(bm, b + i, nb - i);
}
#define BM_AVX2 1
#endif

static size_t bm_bound16(const uint64_t *bm, const uint16_t *b, size_t nb)
{
#ifdef BM_AVX2
    if (__builtin_cpu_supports("avx2")) return bm_bound16_avx2(bm, b, nb);
#endif
    return bm_bound16_scalar(bm, b, nb);
}

static size_t bm_bound(const uint64_t *bm, const uint32_t *b, size_t nb)
{
#ifdef BM_AVX2
    if (__builtin_cpu_supports("avx2")) return bm_bound_avx2(bm, b, nb);
#endif
    return bm_bound_scalar(bm, b, nb);
}

/* ------------------------------------------------------- signature store */

/* Makes sure docno has a slot; 0 when it cannot (past DSLOT_MAX, OOM). */
static int ds_cover(dl_dedup *dd, int64_t docno)
{
    if (docno <= 0 || (uint64_t)docno >= DSLOT_MAX) return 0;
    if ((size_t)docno < dd->dsn) return 1;
    size_t nc = dd->dsn ? dd->dsn : 4096;
    while (nc <= (size_t)docno) nc *= 2;
    if (nc > DSLOT_MAX) nc = DSLOT_MAX;
    dslot *n = realloc(dd->ds, nc * sizeof *n);
    if (!n) return 0;
    memset(n + dd->dsn, 0, (nc - dd->dsn) * sizeof *n);
    dd->ds = n;
    uint32_t *m = realloc(dd->cmark, nc * sizeof *m);
    if (!m) return 0;  /* dsn unchanged: the new slots are not used */
    /* a mark of UINT32_MAX is never below cbase + cs.n (see cand_clear) */
    memset(m + dd->dsn, 0xff, (nc - dd->dsn) * sizeof *m);
    dd->cmark = m;
    dd->dsn = nc;
    return 1;
}

/* docno's signature from the store: 1, or 0 when the store lacks it. */
static int store_get(const dl_dedup *dd, int64_t docno, sigref *r)
{
    if (docno <= 0 || (uint64_t)docno >= dd->dsn) return 0;
    const dslot *s = &dd->ds[docno];
    if (!s->sgen || (s->sgen != dd->agen && s->sgen + 1 != dd->agen)) return 0;
    const uint32_t *p = dd->arena[s->sgen & 1].v + s->soff;
    r->n5 = s->n5;
    r->n2 = s->n2 & ~N2_RAW;
    r->s2_raw = (s->n2 & N2_RAW) != 0;
    r->fp = (const uint16_t *)p;
    r->s5 = p + FP_WORDS(s->n5);
    r->s2 = r->s5 + s->n5;
    return 1;
}

/* Prefetches docno's slot; then (head_prefetch, once the slot is in
 * cache) the start of its store entry; then (store_prefetch) the rest of
 * the top bits, up to 2 KB. */
static void ds_prefetch(const dl_dedup *dd, int64_t docno)
{
    if (docno > 0 && (uint64_t)docno < dd->dsn) PREFETCH(&dd->ds[docno]);
}

static void head_prefetch(const dl_dedup *dd, int64_t docno)
{
    if (docno <= 0 || (uint64_t)docno >= dd->dsn) return;
    const dslot *s = &dd->ds[docno];
    if (!s->sgen || (s->sgen != dd->agen && s->sgen + 1 != dd->agen)) return;
    PREFETCH(dd->arena[s->sgen & 1].v + s->soff);
}

static void store_prefetch(const dl_dedup *dd, int64_t docno)
{
    if (docno <= 0 || (uint64_t)docno >= dd->dsn) return;
    const dslot *s = &dd->ds[docno];
    if (!s->sgen || (s->sgen != dd->agen && s->sgen + 1 != dd->agen)) return;
    const uint32_t *p = dd->arena[s->sgen & 1].v + s->soff;
    size_t n = FP_WORDS(s->n5);
    if (n > 512) n = 512;
    for (size_t k = 16; k < n; k += 16) PREFETCH(p + k);
}

#define PF_AHEAD 4  /* candidates whose entries are prefetched ahead of verification */

static int flush_sigs(dl_dedup *dd);

/* Adds docno's signature to the store (the arrays may not point into it).
 * *kept = 0 when it is not kept (no slot, too big for an arena, OOM).
 * DL_OK, or DL_ESTORE when the pending rows written before an arena is
 * reused fail. */
static int store_put(dl_dedup *dd, int64_t docno, const uint32_t *s5, size_t n5,
                     const uint32_t *s2, size_t n2, int s2_raw, int *kept)
{
    *kept = 0;
    if (n5 > UINT32_MAX || n2 >= N2_RAW) return DL_OK;
    size_t need = FP_WORDS(n5) + n5 + n2;
    if (need > dd->arena_max || !ds_cover(dd, docno)) return DL_OK;
    dl_u32vec *a = &dd->arena[dd->agen & 1];
    if (a->n + need > dd->arena_max) {
        /* the next generation reuses the older arena: what it holds is
         * forgotten, and no pending row may be among it */
        int rc = flush_sigs(dd);
        if (rc) return rc;
        dd->agen++;
        a = &dd->arena[dd->agen & 1];
        a->n = 0;
    }
    if (!a->v) {
        /* the whole arena is reserved at once (pages are committed as they
         * are touched): it never moves, and huge pages, where the system
         * grants them, spare a TLB miss per verified candidate */
        void *m = mmap(NULL, dd->arena_max * sizeof *a->v, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) return DL_OK;
#ifdef MADV_HUGEPAGE
        (void)madvise(m, dd->arena_max * sizeof *a->v, MADV_HUGEPAGE);
#endif
        a->v = m;
        a->cap = dd->arena_max;
    }
    uint32_t *p = a->v + a->n;
    uint16_t *fp = (uint16_t *)p;
    for (size_t i = 0; i < n5; i++) fp[i] = (uint16_t)(s5[i] >> (32 - BM_SHIFT));
    if (n5 & 1) fp[n5] = 0;
    if (n5) memcpy(p + FP_WORDS(n5), s5, n5 * sizeof *s5);
    if (n2) memcpy(p + FP_WORDS(n5) + n5, s2, n2 * sizeof *s2);
    dslot *sl = &dd->ds[docno];
    sl->sgen = dd->agen;
    sl->soff = (uint32_t)a->n;
    sl->n5 = (uint32_t)n5;
    sl->n2 = (uint32_t)n2 | (s2_raw ? N2_RAW : 0);
    a->n += need;
    *kept = 1;
    return DL_OK;
}

/* docno's signature: from the store, else from dup_sigs (then kept in the
 * store).  1, 0 when it has none or it is unreadable, or a negative DL_E*
 * (a failed write of pending rows). */
static int sig_get(dl_dedup *dd, int64_t docno, sigref *r)
{
    if (store_get(dd, docno, r)) return 1;
    sqlite3_stmt *st = dd->st_sig_get;
    sqlite3_bind_int64(st, 1, docno);
    int ok = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_blob(st, 0);
        if (p)
            ok = dl_dup_sig_decode(&dd->dec, p, (size_t)sqlite3_column_bytes(st, 0), &dd->tmp,
                                   &dd->tmp2);
    }
    sqlite3_reset(st);
    if (!ok) return 0;
    int kept, rc = store_put(dd, docno, dd->tmp.v, dd->tmp.n, dd->tmp2.v, dd->tmp2.n, 0, &kept);
    if (rc) return rc;
    if (kept && store_get(dd, docno, r)) return 1;
    r->fp = NULL;
    r->s5 = dd->tmp.v;
    r->n5 = dd->tmp.n;
    r->s2 = dd->tmp2.v;
    r->n2 = dd->tmp2.n;
    r->s2_raw = 0;
    return 1;
}

/* Writes the pending dup_sigs rows from the store, SIG_ROWS per
 * statement while there are that many. */
static int flush_sigs(dl_dedup *dd)
{
    if (!dd->pending_sigs.n) return DL_OK;
    if (!dd->st_sig_many)
        dd->st_sig_many = dl_archive_prepare_rows(
            dd->ar, "INSERT OR REPLACE INTO dup_sigs(docno, sig) VALUES ", "(?,?)", SIG_ROWS, NULL);
    int rc = DL_OK;
    size_t i = 0, n = dd->pending_sigs.n;
    while (i < n && !rc) {
        size_t rows = dd->st_sig_many && n - i >= SIG_ROWS ? SIG_ROWS : 1;
        sqlite3_stmt *st = rows > 1 ? dd->st_sig_many : dd->st_sig_put;
        sigref r[SIG_ROWS];
        size_t bytes = 0;
        for (size_t k = 0; k < rows; k++) {
            /* pending signatures stay in the store until written */
            if (!store_get(dd, dd->pending_sigs.v[i + k], &r[k]))
                return dl_archive_fail(dd->ar, DL_ESTORE, "near-duplicate store: lost signature");
            bytes += dl_dup_sig_bytes(r[k].n5);
        }
        if (bytes > INT_MAX || dl_vec_reserve(&dd->blob, bytes)) return DL_ENOMEM;
        unsigned char *p = dd->blob.v;
        for (size_t k = 0; k < rows; k++) {
            size_t b = dl_dup_sig_encode(p, r[k].s5, r[k].n5);
            sqlite3_bind_int64(st, 2 * (int)k + 1, dd->pending_sigs.v[i + k]);
            sqlite3_bind_blob(st, 2 * (int)k + 2, p, (int)b, SQLITE_STATIC);
            p += b;
        }
        rc = step_done(dd, st);
        i += rows;
    }
    if (!rc) dd->pending_sigs.n = 0;
    return rc;
}

/* Stores this article's signature (dd->sig, dd->bi): in the store, its
 * row written at the next flush; else at once. */
static int sig_store(dl_dedup *dd, int64_t docno)
{
    int kept, rc = store_put(dd, docno, dd->sig.v, dd->sig.n, dd->bi.v, dd->bi.n,
                             !dd->bi_sorted, &kept);
    if (rc) return rc;
    if (kept) return dl_vec_push(&dd->pending_sigs, docno);
    if (dd->sig.n > UINT32_MAX || dl_dup_sig_bytes(dd->sig.n) > INT_MAX ||
        dl_vec_reserve(&dd->blob, dl_dup_sig_bytes(dd->sig.n)))
        return DL_ENOMEM;
    size_t n = dl_dup_sig_encode(dd->blob.v, dd->sig.v, dd->sig.n);
    sqlite3_bind_int64(dd->st_sig_put, 1, docno);
    sqlite3_bind_blob(dd->st_sig_put, 2, dd->blob.v, (int)n, SQLITE_STATIC);
    return step_done(dd, dd->st_sig_put);
}

/* ------------------------------------------------------------ the check */

/* Containment of docno's signature against this article's when it reaches
 * DL_DUP_PREFILTER (else a value below it); -1 when it has none or it is
 * unreadable; *err gets a failed write's DL_E* (else stays). */
static double verify(dl_dedup *dd, int64_t docno, int *err)
{
    sigref r;
    int got = sig_get(dd, docno, &r);
    if (got < 0) *err = got;
    if (got <= 0) return -1;
    /* the bound first: below the prefilter's count, no merge */
    size_t m = dd->sig.n < r.n5 ? dd->sig.n : r.n5;
    if (!m) return 0;
    size_t need = (size_t)ceil(DL_DUP_PREFILTER * (double)m - 1e-9);
    size_t ub = r.fp ? bm_bound16(dd->bm, r.fp, r.n5) : bm_bound(dd->bm, r.s5, r.n5);
    if (ub < need) return (double)ub / (double)m;
    return containment_min(dd->sig.v, dd->sig.n, r.s5, r.n5, DL_DUP_PREFILTER);
}

/* Sorts the 2-shingles v (and drops repeats) unless *sorted says it is
 * done; 0 on OOM.  The workers hand them over unsorted: only the few
 * articles whose 5-shingles pass DL_DUP_PREFILTER against a candidate ever
 * need them sorted (the article and that candidate), and they are sorted
 * then, on the dedup thread, instead of every article's on the workers. */
static int bigrams_ready(dl_dedup *dd, dl_u32vec *v, int *sorted)
{
    if (*sorted) return 1;
    if (dl_vec_reserve(&dd->sortbuf, v->n)) return 0;
    dl_dup_sort_unique(v, dd->sortbuf.v);
    *sorted = 1;
    return 1;
}

/* 2-shingle containment of this article (text) and docno, or, when the
 * score with c5 cannot reach DL_DUP_THRESHOLD, an upper bound of it that
 * cannot either.  The article's own bigrams are computed once per article
 * (dd->bi, n = 0 until then); docno's come with its signature, or (an old
 * blob) from its text, then kept with it in the store. */
static double bigram_containment(dl_dedup *dd, int64_t docno, const char *text, size_t len,
                                 double c5, int *err)
{
    if (!dd->bi.n) {
        if (dl_shingles_k(text, len, 2, &dd->bi)) return 0;
        dd->bi_sorted = 1;
    }
    if (!bigrams_ready(dd, &dd->bi, &dd->bi_sorted)) return 0;
    sigref r;
    int got = sig_get(dd, docno, &r);
    if (got < 0) *err = got;
    if (got <= 0) return 0;
    if (r.s2_raw) {
        /* sorted where it lies, once: its slot then says so */
        dslot *sl = &dd->ds[docno];
        dl_u32vec view = {(uint32_t *)r.s2, r.n2, r.n2};
        int sorted = 0;
        if (!bigrams_ready(dd, &view, &sorted)) return 0;
        sl->n2 = (uint32_t)view.n;
        r.n2 = view.n;
        r.s2_raw = 0;
    }
    if (r.n2 && dd->bi.n) {
        /* an upper bound first (the score rises with c2): when even it
         * leaves the score below the threshold, it is returned instead */
        if (!dd->bm2_ok) {
            bm_build(dd->bm2, dd->bi.v, dd->bi.n);
            dd->bm2_ok = 1;
        }
        double ub = (double)bm_bound(dd->bm2, r.s2, r.n2) /
                    (double)(dd->bi.n < r.n2 ? dd->bi.n : r.n2);
        if (DL_DUP_SCORE(c5, ub) < DL_DUP_THRESHOLD) return ub;
    }
    if (r.n2) return containment_min(dd->bi.v, dd->bi.n, r.s2, r.n2, 0);
    /* copy the 5-shingles out of the store before it changes */
    if (r.s5 != dd->tmp.v) {
        if (dl_vec_reserve(&dd->tmp, r.n5)) return 0;
        memcpy(dd->tmp.v, r.s5, r.n5 * sizeof *r.s5);
        dd->tmp.n = r.n5;
    }
    sqlite3_stmt *st = dd->st_text;
    sqlite3_bind_int64(st, 1, docno);
    int ok = sqlite3_step(st) == SQLITE_ROW &&
             !dl_shingles_k((const char *)sqlite3_column_text(st, 0),
                            (size_t)sqlite3_column_bytes(st, 0), 2, &dd->tmp2);
    sqlite3_reset(st);
    if (!ok) return 0;
    int kept, rc = store_put(dd, docno, dd->tmp.v, dd->tmp.n, dd->tmp2.v, dd->tmp2.n, 0, &kept);
    if (rc) *err = rc;
    return containment_min(dd->bi.v, dd->bi.n, dd->tmp2.v, dd->tmp2.n, 0);
}

/* Empties the candidate map (O(1): a new generation). */
static void cand_clear(dl_dedup *dd)
{
    /* marks given from cbase on: the next article's start past them; near
     * the top of the range (a mark must stay below UINT32_MAX), all marks
     * are reset */
    if (dd->cs.n >= (size_t)(UINT32_MAX / 2) - dd->cbase) {
        if (dd->cmark) memset(dd->cmark, 0xff, dd->dsn * sizeof *dd->cmark);
        dd->cbase = 0;
    } else {
        dd->cbase += (uint32_t)dd->cs.n;
    }
    dd->cs.n = 0;
    dd->cm_n = 0;
    if (++dd->cm_cur == 0) {
        if (dd->cm_gen) memset(dd->cm_gen, 0, dd->cm_cap * sizeof *dd->cm_gen);
        dd->cm_cur = 1;
    }
}

static size_t cm_hash(int64_t docno, size_t cap)
{
    return (size_t)((uint64_t)docno * 0x9E3779B97F4A7C15ull >> 32) & (cap - 1);
}

static int cand_hit_slow(dl_dedup *dd, int64_t docno);

/* One posting of docno: its candidate gains a hit (added with 1).  A
 * docno with a slot finds its candidate there; others in the hash map
 * (cand_hit_slow), which grows when half full. */
static inline int cand_hit(dl_dedup *dd, int64_t docno)
{
    if (docno > 0 && (uint64_t)docno < dd->dsn) {
        uint32_t k = dd->cmark[docno] - dd->cbase;  /* wraps when below cbase */
        if (k < dd->cs.n) {
            dd->cs.v[k].hits++;
            return DL_OK;
        }
    }
    return cand_hit_slow(dd, docno);
}

static int cand_hit_slow(dl_dedup *dd, int64_t docno)
{
    if (docno > 0 && (uint64_t)docno < dd->dsn) {
        cand c = {docno, 1};
        if (dd->cs.n >= UINT32_MAX / 2 || dl_vec_push(&dd->cs, c)) return DL_ENOMEM;
        dd->cmark[docno] = dd->cbase + (uint32_t)(dd->cs.n - 1);
        return DL_OK;
    }
    if ((dd->cm_n + 1) * 2 > dd->cm_cap) {
        size_t nc = dd->cm_cap ? dd->cm_cap * 2 : 1024;
        int64_t *nk = dl_malloc(nc * sizeof *nk);
        uint32_t *nv = dl_malloc(nc * sizeof *nv), *ng = dl_calloc(nc, sizeof *ng);
        if (!nk || !nv || !ng) {
            free(nk);
            free(nv);
            free(ng);
            return DL_ENOMEM;
        }
        for (size_t i = 0; i < dd->cs.n; i++) {
            int64_t d = dd->cs.v[i].docno;
            if (d > 0 && (uint64_t)d < dd->dsn) continue;  /* in its slot */
            size_t h = cm_hash(d, nc);
            while (ng[h]) h = (h + 1) & (nc - 1);
            ng[h] = dd->cm_cur;
            nk[h] = d;
            nv[h] = (uint32_t)i;
        }
        free(dd->cm_key);
        free(dd->cm_val);
        free(dd->cm_gen);
        dd->cm_key = nk;
        dd->cm_val = nv;
        dd->cm_gen = ng;
        dd->cm_cap = nc;
    }
    size_t h = cm_hash(docno, dd->cm_cap);
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
    dd->cm_n++;
    return DL_OK;
}

static int cmp_cand_docno(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->docno > y->docno ? -1 : x->docno < y->docno;
}

/* Moves the first DL_DUP_CANDIDATES of dd->cs.v[0, nc) in cmp_cand order
 * (most hits, then newest) to its start, in no particular order (the
 * verification's results do not depend on it); returns their count.  By
 * the count of candidates per hits value: those above the cut hits value
 * all go, those at it newest first. */
static size_t top_cands(dl_dedup *dd, size_t nc)
{
    if (nc <= DL_DUP_CANDIDATES) return nc;
    uint32_t maxh = 0;
    for (size_t i = 0; i < nc; i++)
        if (dd->cs.v[i].hits > maxh) maxh = dd->cs.v[i].hits;
    dd->hist.n = 0;
    if (dl_vec_reserve(&dd->hist, (size_t)maxh + 1)) {
        dl_qsort(dd->cs.v, nc, sizeof *dd->cs.v, cmp_cand);
        return DL_DUP_CANDIDATES;
    }
    memset(dd->hist.v, 0, ((size_t)maxh + 1) * sizeof *dd->hist.v);
    for (size_t i = 0; i < nc; i++) dd->hist.v[dd->cs.v[i].hits]++;
    /* cut: the hits value at which the count from the top reaches the cap */
    size_t above = 0;
    uint32_t cut = maxh;
    while (above + dd->hist.v[cut] < DL_DUP_CANDIDATES) above += dd->hist.v[cut--];
    /* those above the cut first, then those at it */
    size_t k = 0;
    for (size_t i = 0; i < nc; i++)
        if (dd->cs.v[i].hits > cut) {
            cand t = dd->cs.v[k];
            dd->cs.v[k++] = dd->cs.v[i];
            dd->cs.v[i] = t;
        }
    size_t at = k;
    for (size_t i = k; i < nc; i++)
        if (dd->cs.v[i].hits == cut) {
            cand t = dd->cs.v[at];
            dd->cs.v[at++] = dd->cs.v[i];
            dd->cs.v[i] = t;
        }
    dl_qsort(dd->cs.v + k, at - k, sizeof *dd->cs.v, cmp_cand_docno);
    return DL_DUP_CANDIDATES;
}

int dl_dedup_article(dl_dedup *dd, int64_t docno, const char *text, size_t len,
                     const dl_u32vec *sig, const dl_u32vec *bi, int64_t *dup_of, double *sim)
{
    *dup_of = 0;
    *sim = 0;
    dd->bi.n = 0;
    dd->bi_sorted = 0;
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
    /* another connection wrote since: the map may miss rows (asked once a
     * transaction: a query on the connection the writer thread shares) */
    if (dd->mem && !dd->vfresh) {
        int64_t v = data_version(dd);
        if (v != dd->version) {
            if ((rc = klog_catch_up(dd))) return rc;
            dd->version = v;
            if (!dd->mem && (rc = dl_dedup_flush(dd))) return rc; /* table: every row */
        }
        dd->vfresh = !sqlite3_get_autocommit(dd->ar->db);
    }
    /* slots for every docno up to this one: candidates are counted there */
    (void)ds_cover(dd, docno);

    /* candidates: earlier articles sharing sampled shingles, counted by
     * docno (no sort of the postings) */
    size_t nkeys = 0;
    cand_clear(dd);
    if (dd->mem) {
        /* from the map, in three passes so that the cache misses of the
         * article's keys overlap: the keys (their slots prefetched), the
         * slots (the newest postings prefetched), the postings */
        dd->kq.n = 0;
        for (size_t i = 0; i < dd->sig.n; i++) {
            if (dd->sig.v[i] & mask) continue;
            nkeys++;
            if (!dd->kcap) continue;
            if ((rc = dl_vec_push(&dd->kq, dd->sig.v[i]))) return rc;
            PREFETCH(&dd->keys[key_hash(dd->sig.v[i], dd->kcap)]);
        }
        for (size_t q = 0; q < dd->kq.n; q++) {
            size_t h = key_slot(dd->keys, dd->kcap, (uint32_t)dd->kq.v[q]);
            dd->kq.v[q] = h;
            const keyent *e = &dd->keys[h];
            if (e->used && e->n) {
                const uint32_t *last = dd->post.v + e->off + e->n - 1;
                PREFETCH(last);
                if (e->n > 16) PREFETCH(last - 16);
            }
        }
        for (size_t q = 0; q < dd->kq.n; q++) {
            if (q + 2 < dd->kq.n) {
                /* the window read two keys ahead, whole */
                const keyent *f = &dd->keys[dd->kq.v[q + 2]];
                size_t w = f->used ? f->n : 0;
                if (w > DL_DUP_POSTINGS) w = DL_DUP_POSTINGS;
                for (size_t k = 32; k < w; k += 16) PREFETCH(dd->post.v + f->off + f->n - k);
            }
            const keyent *e = &dd->keys[dd->kq.v[q]];
            /* the newest DL_DUP_POSTINGS, as the table query reads them */
            const uint32_t *run = dd->post.v + e->off;
            for (size_t k = e->used ? e->n : 0, m = 0; k > 0 && m < DL_DUP_POSTINGS; k--, m++)
                if ((rc = cand_hit(dd, run[k - 1]))) return rc;
        }
    }
    for (size_t i = 0; i < dd->sig.n && !dd->mem; i++) {
        if (dd->sig.v[i] & mask) continue;
        nkeys++;
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
    /* the ones with enough hits: the first DL_DUP_CANDIDATES by most hits
     * then newest are verified */
    size_t nc = 0;
    for (size_t i = 0; i < dd->cs.n; i++)
        if (dd->cs.v[i].hits >= min_hits && dd->cs.v[i].docno != docno)
            dd->cs.v[nc++] = dd->cs.v[i];
    nc = top_cands(dd, nc);
    int64_t best = 0;
    double best_sim = 0;
    if (nc) bm_build(dd->bm, dd->sig.v, dd->sig.n);
    dd->bm2_ok = 0;
    for (size_t i = 0; i < nc && !rc; i++) {
        /* the store's entries are scattered: ask for the next ones early */
        if (i == 0) {
            /* all slots, then all entry heads (their misses overlap), then
             * the first entries whole */
            for (size_t k = 0; k < nc; k++) ds_prefetch(dd, dd->cs.v[k].docno);
            for (size_t k = 0; k < nc; k++) head_prefetch(dd, dd->cs.v[k].docno);
            for (size_t k = 0; k < PF_AHEAD && k < nc; k++)
                store_prefetch(dd, dd->cs.v[k].docno);
        }
        if (i + PF_AHEAD < nc) store_prefetch(dd, dd->cs.v[i + PF_AHEAD].docno);
        int64_t a = dd->cs.v[i].docno;
        double c = verify(dd, a, &rc);
        if (rc) break;
        if (c < DL_DUP_PREFILTER) continue;
        c = DL_DUP_SCORE(c, bigram_containment(dd, a, text, len, c, &rc));
        if (rc) break;
        if (c < DL_DUP_THRESHOLD) continue;
        sqlite3_stmt *st = dd->st_pair_put;
        sqlite3_bind_int64(st, 1, a < docno ? a : docno);
        sqlite3_bind_int64(st, 2, a < docno ? docno : a);
        sqlite3_bind_double(st, 3, c);
        rc = step_done(dd, st);
        if (c > best_sim || (c == best_sim && a < best)) best = a, best_sim = c;
    }
    if (rc) return rc;

    /* store the signature and its keys */
    if (!dd->bi.n) {
        if ((rc = dl_shingles_k(text, len, 2, &dd->bi))) return rc;
        dd->bi_sorted = 1;
    }
    rc = sig_store(dd, docno);
    for (size_t i = 0; i < dd->sig.n && !rc; i++) {
        if (dd->sig.v[i] & mask) continue;
        if (dd->mem && (docno <= 0 || (uint64_t)docno > UINT32_MAX)) {
            keys_free(dd);  /* the map and the pending rows hold 32-bit docnos */
            if ((rc = dl_dedup_flush(dd))) break;
        }
        if (dd->mem) {
            /* lookups read the map: the row is written at the batch's end */
            rc = dl_vec_push(&dd->pending, (uint64_t)dd->sig.v[i] << 32 | (uint64_t)docno);
            if (!rc) keys_add(dd, dd->sig.v[i], docno);
            if (!rc && !dd->mem) rc = dl_dedup_flush(dd); /* map dropped (OOM) */
            continue;
        }
        sqlite3_bind_int64(dd->st_key_put, 1, dd->sig.v[i]);
        sqlite3_bind_int64(dd->st_key_put, 2, docno);
        rc = step_done(dd, dd->st_key_put);
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

/* Writes the pending dup_keys rows in key order (each insert lands next to
 * the previous one), FLUSH_ROWS per statement while there are that many. */
static int flush_keys(dl_dedup *dd)
{
    /* the map was dropped: the log's keys go to the table first */
    if (!dd->mem && dd->klog_on) {
        int rc = klog_to_table(dd, 0);
        if (rc) return rc;
    }
    if (!dd->pending.n) return DL_OK;
    dd->ktmp.n = 0;
    if (dl_vec_reserve(&dd->ktmp, dd->pending.n)) return DL_ENOMEM;
    dl_sort_u64(dd->pending.v, dd->pending.n, dd->ktmp.v);
    if (dd->mem) {
        int rc = klog_append(dd, dd->pending.v, dd->pending.n);
        if (!rc) dd->pending.n = 0;
        return rc;
    }
    int rc = DL_OK;
    size_t i = 0;
    if (!dd->st_key_many)
        dd->st_key_many = dl_archive_prepare_rows(
            dd->ar, "INSERT OR IGNORE INTO dup_keys(key, docno) VALUES ", "(?,?)", FLUSH_ROWS, NULL);
    for (; dd->st_key_many && i + FLUSH_ROWS <= dd->pending.n && !rc; i += FLUSH_ROWS) {
        for (int k = 0; k < FLUSH_ROWS; k++) {
            sqlite3_bind_int64(dd->st_key_many, 2 * k + 1, dd->pending.v[i + k] >> 32);
            sqlite3_bind_int64(dd->st_key_many, 2 * k + 2, dd->pending.v[i + k] & UINT32_MAX);
        }
        rc = step_done(dd, dd->st_key_many);
    }
    for (; i < dd->pending.n && !rc; i++) {
        sqlite3_bind_int64(dd->st_key_put, 1, dd->pending.v[i] >> 32);
        sqlite3_bind_int64(dd->st_key_put, 2, dd->pending.v[i] & UINT32_MAX);
        rc = step_done(dd, dd->st_key_put);
    }
    dd->pending.n = 0;
    return rc;
}

int dl_dedup_drop_keys(dl_dedup *dd)
{
    keys_free(dd);
    return flush_keys(dd);
}

int dl_dedup_flush(dl_dedup *dd)
{
    if (!dd) return DL_OK;
    dd->vfresh = 0;  /* the transaction ends */
    int rc = flush_sigs(dd);
    return rc ? rc : flush_keys(dd);
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
