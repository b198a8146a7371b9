/*
 * cache.c -- the answer cache of `dateline serve`: recent 200 answers of the
 * query endpoints (search, timeline, stories, quotes, entities, mentions),
 * keyed by path and parameters and stamped with the archive's generation.
 *
 * The generation is read from the archive's files (size and modification
 * time of archive.db and archive.db-wal): every commit, by this server's
 * POST or by a `dateline ingest` running beside it, changes the WAL, and a
 * checkpoint changes the database file; everything else the archive keeps
 * is referenced from the database inside the commit.  An entry of another
 * generation is never served.  The generation is read before the handler
 * runs, so an answer computed while a commit landed is stored under the
 * older generation and dropped at the next lookup.
 *
 * The table is direct-mapped (a key has one slot, a newer key evicts the
 * older): O(1), no lists, bounded memory (SV_CACHE_SLOTS answers of at most
 * SV_CACHE_MAX_BODY bytes).  One mutex guards it; lookups copy the body out.
 */
#include "serve.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <xxhash.h>

#define SV_CACHE_SLOTS 1024
#define SV_CACHE_MAX_BODY ((size_t)512 << 10)

typedef struct slot {
    uint64_t hash, gen;
    char *key;   /* owned */
    size_t klen;
    char *body;  /* owned */
    size_t len;
} slot;

struct sv_cache {
    pthread_mutex_t mu;
    char *db_path, *wal_path;
    slot slots[SV_CACHE_SLOTS];
};

sv_cache *sv_cache_new(const char *archive_dir)
{
    sv_cache *c = dl_calloc(1, sizeof *c);
    if (!c) return NULL;
    if (asprintf(&c->db_path, "%s/archive.db", archive_dir) < 0) c->db_path = NULL;
    if (asprintf(&c->wal_path, "%s/archive.db-wal", archive_dir) < 0) c->wal_path = NULL;
    if (!c->db_path || !c->wal_path) {
        free(c->db_path);
        free(c->wal_path);
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

void sv_cache_free(sv_cache *c)
{
    if (!c) return;
    for (size_t i = 0; i < SV_CACHE_SLOTS; i++) {
        free(c->slots[i].key);
        free(c->slots[i].body);
    }
    pthread_mutex_destroy(&c->mu);
    free(c->db_path);
    free(c->wal_path);
    free(c);
}

static uint64_t file_stamp(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) return 0x9e3779b97f4a7c15ull;
    uint64_t v[3] = {(uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                     (uint64_t)st.st_mtim.tv_nsec};
    return XXH3_64bits(v, sizeof v);
}

uint64_t sv_cache_generation(const sv_cache *c)
{
    return file_stamp(c->db_path) * 31 + file_stamp(c->wal_path);
}

char *sv_cache_get(sv_cache *c, const char *key, size_t klen, uint64_t gen, size_t *len)
{
    uint64_t h = XXH3_64bits(key, klen);
    slot *s = &c->slots[h % SV_CACHE_SLOTS];
    char *out = NULL;
    pthread_mutex_lock(&c->mu);
    if (s->key && s->hash == h && s->gen == gen && s->klen == klen &&
        memcmp(s->key, key, klen) == 0) {
        out = dl_malloc(s->len ? s->len : 1);
        if (out) {
            memcpy(out, s->body, s->len);
            *len = s->len;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return out;
}

void sv_cache_put(sv_cache *c, const char *key, size_t klen, uint64_t gen, const char *body,
                  size_t len)
{
    if (len > SV_CACHE_MAX_BODY) return;
    char *k = dl_malloc(klen ? klen : 1), *b = dl_malloc(len ? len : 1);
    if (!k || !b) {
        free(k);
        free(b);
        return;
    }
    memcpy(k, key, klen);
    memcpy(b, body, len);
    uint64_t h = XXH3_64bits(key, klen);
    slot *s = &c->slots[h % SV_CACHE_SLOTS];
    pthread_mutex_lock(&c->mu);
    char *old_k = s->key, *old_b = s->body;
    *s = (slot){.hash = h, .gen = gen, .key = k, .klen = klen, .body = b, .len = len};
    pthread_mutex_unlock(&c->mu);
    free(old_k);
    free(old_b);
}
