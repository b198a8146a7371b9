/*
 * stemcache.h -- stems shared between threads.  Snowball's English stemmer
 * costs about 2,500 instructions a word; the ingest's analysis workers (story
 * terms, story/terms.c) and its index thread (index terms, index/terms.c)
 * each keep a cache of their own, so without this one every thread stems
 * each word it meets once more.  The shared cache maps the exact bytes
 * handed to the stemmer to the stem it gave (a pure function of them, so
 * whoever computed an entry, it is the same): lookups take no lock,
 * insertions one mutex; entries are never changed or removed until the
 * cache is freed.  It holds at most DL_STEMCACHE_MAX words, each with its
 * stem in 22 bytes (nearly all words); past that, or longer, words are
 * stemmed without it.
 *
 * Ownership: the ingest session makes one (dl_stemcache_new) and frees it
 * after every thread that was given it has stopped.
 */
#ifndef DL_TEXT_STEMCACHE_H
#define DL_TEXT_STEMCACHE_H

#include <stddef.h>
#include <stdint.h>

#define DL_STEMCACHE_MAX (3u << 16)  /* 196,608: the table at most 3/4 full */
/* Entry ids (dl_stemcache_stem_id) are 1 ... DL_STEMCACHE_IDS, dense: in
 * the order the words came in (the commonest words mostly first). */
#define DL_STEMCACHE_IDS DL_STEMCACHE_MAX

struct sb_stemmer;
typedef struct dl_stemcache dl_stemcache;

/* NULL on OOM. */
dl_stemcache *dl_stemcache_new(void);
void dl_stemcache_free(dl_stemcache *c);

/* The stem of w[0, n) by the thread's stemmer sb (Snowball English, UTF-8):
 * from the cache c when there, else stemmed and added (c may be NULL: just
 * stemmed).  *len gets its length.  The bytes are valid until sb's next
 * call or, when they came from the cache, until it is freed: copy them.
 * NULL when the stemmer fails (out of memory). */
const char *dl_stemcache_stem(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n,
                              size_t *len);

/* As dl_stemcache_stem, and *id gets the id of the cache's entry for w
 * (1 ... DL_STEMCACHE_IDS: the same word always has the same id in c, and
 * the id stays valid until c is freed), or 0 when w is not in the cache
 * (too long, the cache full, c NULL).  An id can go to another thread
 * along with anything handed over under a lock. */
const char *dl_stemcache_stem_id(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n,
                                 size_t *len, uint32_t *id);
/* The stem held by entry id (as got above); its length in *len.  Valid
 * until c is freed. */
const char *dl_stemcache_entry(const dl_stemcache *c, uint32_t id, size_t *len);
/* A number no other cache of this process has (ids of one cache mean
 * nothing in another, even one at the same address). */
uint64_t dl_stemcache_uid(const dl_stemcache *c);

#endif
