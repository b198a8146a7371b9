/*
 * stemcache.c -- the stems shared between threads (stemcache.h).
 *
 * An open-addressing table of SLOTS slots of 32 bytes, each holding a
 * word and its stem inline (at most SLOT_BYTES together; longer pairs are
 * not cached), so that a lookup touches one cache line: a lookup is a
 * thread's first sight of a word, so the line is never in its own cache,
 * and an earlier layout (slots pointing to entries elsewhere) paid three
 * or four misses a lookup.  The table sits on huge pages where the system
 * grants them (a random access on 4 KiB pages would also miss the TLB).
 *
 * A slot's hid (the word's tag and the entry's id) is its readiness
 * flag: a writer, under the mutex, fills the slot's bytes (and slot_of)
 * first and publishes hid last with a release store; a reader loads it
 * with acquire order, so it sees either an
 * empty slot (and stems the word itself: harmless, the writer then finds it
 * there) or a whole one.  Slots are never emptied, so probe sequences only
 * grow.
 */
#include "stemcache.h"
#include "../dl_int.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdatomic.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

/* 8 MiB, written whole when made: the twice bigger table of before was
 * 16 MiB of fresh memory for the few tens of thousands of words that an
 * ingest of some thousand articles meets (RSS of the bench ingest 8 MB
 * less).  At 3/4 full, the most it gets, linear probing still probes few
 * slots of 32 bytes, mostly in one line. */
#define SLOTS ((size_t)1 << 18)
_Static_assert(DL_STEMCACHE_MAX * 4 <= SLOTS * 3, "the table is at most 3/4 full");
#define SLOT_BYTES 22

typedef struct sc_slot {
    _Atomic uint64_t hid;   /* 0: empty; else the word's tag (tag_of, high
                             * half) and the entry's id (low half) */
    uint8_t wlen, slen;
    char b[SLOT_BYTES];     /* the word, then the stem */
} sc_slot;
_Static_assert(sizeof(sc_slot) == 32, "a slot is half a cache line");

struct dl_stemcache {
    sc_slot *slot;      /* SLOTS of them (dl_table_alloc) */
    pthread_mutex_t mu;
    size_t n;           /* slots used, under mu */
    uint32_t *slot_of;  /* entry id -> its slot, written before the id is
                         * published; DL_STEMCACHE_MAX + 1 of them */
    uint64_t uid;       /* unique in the process (dl_stemcache_uid) */
};

static _Atomic uint64_t g_uid;

dl_stemcache *dl_stemcache_new(void)
{
    dl_stemcache *c = dl_calloc(1, sizeof *c);
    if (!c) return NULL;
    /* lookups read before inserts write: dl_table_alloc */
    c->slot = dl_table_alloc(SLOTS * sizeof(sc_slot));
    /* ids are handed out in order: slot_of's pages are touched in turn */
    c->slot_of = dl_calloc((size_t)DL_STEMCACHE_MAX + 1, sizeof *c->slot_of);
    if (!c->slot || !c->slot_of || pthread_mutex_init(&c->mu, NULL)) {
        dl_table_free(c->slot, SLOTS * sizeof(sc_slot));
        free(c->slot_of);
        free(c);
        return NULL;
    }
    c->uid = atomic_fetch_add(&g_uid, 1) + 1;
    return c;
}

void dl_stemcache_free(dl_stemcache *c)
{
    if (!c) return;
    pthread_mutex_destroy(&c->mu);
    dl_table_free(c->slot, SLOTS * sizeof(sc_slot));
    free(c->slot_of);
    free(c);
}

static inline uint64_t hash_of(const char *w, size_t n) { return XXH3_64bits(w, n); }

/* The slot's tag of a word of hash h: never 0 */
static inline uint64_t tag_of(uint64_t h) { return (h | 1ull << 63) >> 32 << 32; }

/* The slot of w[0, n) (hash h) in the cache, SIZE_MAX when absent. */
static size_t find(const dl_stemcache *c, uint64_t h, const char *w, size_t n)
{
    uint64_t tag = tag_of(h);
    for (size_t i = (size_t)h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
        const sc_slot *s = &c->slot[i];
        uint64_t hv = atomic_load_explicit(&s->hid, memory_order_acquire);
        if (!hv) return SIZE_MAX;
        if ((hv >> 32 << 32) == tag && s->wlen == n && memcmp(s->b, w, n) == 0) return i;
    }
}

/* Adds w -> stem unless it is there; its slot, SIZE_MAX when the pair is
 * too long or the cache is full. */
static size_t put(dl_stemcache *c, uint64_t h, const char *w, size_t n, const char *st, size_t sl)
{
    if (n + sl > SLOT_BYTES) return SIZE_MAX;
    size_t i = SIZE_MAX;
    uint64_t tag = tag_of(h);
    pthread_mutex_lock(&c->mu);
    if (c->n < DL_STEMCACHE_MAX) {
        for (i = (size_t)h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
            sc_slot *s = &c->slot[i];
            uint64_t hv = atomic_load_explicit(&s->hid, memory_order_relaxed);
            if (!hv) break;
            if ((hv >> 32 << 32) == tag && s->wlen == n && memcmp(s->b, w, n) == 0) goto done;
        }
        sc_slot *s = &c->slot[i];
        s->wlen = (uint8_t)n;
        s->slen = (uint8_t)sl;
        memcpy(s->b, w, n);
        memcpy(s->b + n, st, sl);
        c->n++;
        c->slot_of[c->n] = (uint32_t)i;
        atomic_store_explicit(&s->hid, tag | c->n, memory_order_release);
    }
done:
    pthread_mutex_unlock(&c->mu);
    return i;
}

const char *dl_stemcache_stem_id(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n,
                                 size_t *len, uint32_t *id)
{
    uint64_t h = 0;
    *id = 0;
    if (c && n <= SLOT_BYTES) {
        h = hash_of(w, n);
        size_t i = find(c, h, w, n);
        if (i != SIZE_MAX) {
            const sc_slot *s = &c->slot[i];
            *len = s->slen;
            *id = (uint32_t)atomic_load_explicit(&s->hid, memory_order_relaxed);
            return s->b + n;
        }
    }
    const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n);
    if (!st) return NULL;
    *len = (size_t)sb_stemmer_length(sb);
    if (c && n <= SLOT_BYTES) {
        size_t i = put(c, h, w, n, (const char *)st, *len);
        if (i != SIZE_MAX) *id = (uint32_t)atomic_load_explicit(&c->slot[i].hid, memory_order_relaxed);
    }
    return (const char *)st;
}

const char *dl_stemcache_stem(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n,
                              size_t *len)
{
    uint32_t id;
    return dl_stemcache_stem_id(c, sb, w, n, len, &id);
}

const char *dl_stemcache_entry(const dl_stemcache *c, uint32_t id, size_t *len)
{
    const sc_slot *s = &c->slot[c->slot_of[id]];
    *len = s->slen;
    return s->b + s->wlen;
}

uint64_t dl_stemcache_uid(const dl_stemcache *c) { return c->uid; }
