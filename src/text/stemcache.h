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

#define DL_STEMCACHE_MAX (1u << 18)

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

#endif
