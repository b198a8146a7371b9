/*
 * stemcache.c -- the stems shared between threads (stemcache.h).
 *
 * An open-addressing table of DL_STEMCACHE_MAX * 2 atomic pointers to
 * immutable entries (hash, word, stem).  A reader loads slots with acquire
 * order and compares; a writer, under the mutex, fills the entry first and
 * publishes it with a release store into an empty slot, so a reader sees
 * either nothing (and stems the word itself: harmless, the writer then
 * finds it there) or a whole entry.  Slots are never emptied, so probe
 * sequences only grow.  Entries live in chunks freed with the cache.
 */
#include "stemcache.h"
#include "../dl_int.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdatomic.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#define SLOTS ((size_t)DL_STEMCACHE_MAX * 2)
#define CHUNK ((size_t)1 << 20)

typedef struct sc_entry {
    uint64_t hash;
    uint32_t wlen, slen;
    char b[];  /* the word, then the stem */
} sc_entry;

typedef struct sc_chunk {
    struct sc_chunk *next;
    size_t used;
    char b[];
} sc_chunk;

struct dl_stemcache {
    _Atomic(sc_entry *) *slot;
    pthread_mutex_t mu;
    size_t n;           /* entries, under mu */
    sc_chunk *chunks;   /* under mu; the first is being filled */
};

dl_stemcache *dl_stemcache_new(void)
{
    dl_stemcache *c = dl_calloc(1, sizeof *c);
    if (!c) return NULL;
    /* zeroed pages come as they are touched: the table costs what is used */
    c->slot = dl_calloc(SLOTS, sizeof *c->slot);
    if (!c->slot || pthread_mutex_init(&c->mu, NULL)) {
        free(c->slot);
        free(c);
        return NULL;
    }
    return c;
}

void dl_stemcache_free(dl_stemcache *c)
{
    if (!c) return;
    while (c->chunks) {
        sc_chunk *nx = c->chunks->next;
        free(c->chunks);
        c->chunks = nx;
    }
    pthread_mutex_destroy(&c->mu);
    free(c->slot);
    free(c);
}

static int same(const sc_entry *e, uint64_t h, const char *w, size_t n)
{
    return e->hash == h && e->wlen == n && memcmp(e->b, w, n) == 0;
}

/* Room for an entry of size bytes (under mu); NULL on OOM. */
static sc_entry *entry_alloc(dl_stemcache *c, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (!c->chunks || CHUNK - c->chunks->used < size) {
        size_t cap = size > CHUNK ? size : CHUNK;
        sc_chunk *k = malloc(sizeof *k + cap);
        if (!k) return NULL;
        k->next = c->chunks;
        k->used = 0;
        c->chunks = k;
    }
    sc_entry *e = (sc_entry *)(void *)(c->chunks->b + c->chunks->used);
    c->chunks->used += size;
    return e;
}

/* Adds w -> stem unless it is there or the cache is full (under mu). */
static void put(dl_stemcache *c, uint64_t h, const char *w, size_t n, const char *st, size_t sl)
{
    pthread_mutex_lock(&c->mu);
    size_t i = (size_t)h & (SLOTS - 1);
    for (;;) {
        sc_entry *e = atomic_load_explicit(&c->slot[i], memory_order_relaxed);
        if (!e) break;
        if (same(e, h, w, n)) goto done;
        i = (i + 1) & (SLOTS - 1);
    }
    if (c->n >= DL_STEMCACHE_MAX) goto done;
    sc_entry *e = entry_alloc(c, sizeof *e + n + sl);
    if (!e) goto done;
    e->hash = h;
    e->wlen = (uint32_t)n;
    e->slen = (uint32_t)sl;
    memcpy(e->b, w, n);
    memcpy(e->b + n, st, sl);
    atomic_store_explicit(&c->slot[i], e, memory_order_release);
    c->n++;
done:
    pthread_mutex_unlock(&c->mu);
}

const char *dl_stemcache_stem(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n,
                              size_t *len)
{
    uint64_t h = 0;
    if (c && n < UINT32_MAX) {
        h = XXH3_64bits(w, n);
        for (size_t i = (size_t)h & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1)) {
            const sc_entry *e = atomic_load_explicit(&c->slot[i], memory_order_acquire);
            if (!e) break;
            if (same(e, h, w, n)) {
                *len = e->slen;
                return e->b + e->wlen;
            }
        }
    }
    const sb_symbol *st = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n);
    if (!st) return NULL;
    *len = (size_t)sb_stemmer_length(sb);
    if (c && n < UINT32_MAX) put(c, h, w, n, (const char *)st, *len);
    return (const char *)st;
}
