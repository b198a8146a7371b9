/*
 * terms.c -- words to index terms (index.h, dl_termer): fold, normalise,
 * stem, with a cache so that each distinct word is stemmed once.
 *
 * The cache is an open-addressing hash table keyed by the word's exact
 * bytes ("The" and "the" are two keys with one term).  Keys and terms live
 * in a pool of fixed chunks that are never moved or freed before the
 * termer, so a term pointer handed out stays valid for the termer's life
 * (a parsed query keeps them while snippets add more words).  Work per word: one hash and one probe
 * sequence; a miss costs one fold and one stem.
 */
#include "index.h"
#include "../text/token.h"
#include "../text/stemcache.h"

#include <libstemmer.h>
#include <utf8proc.h>
#include <xxhash.h>

typedef struct word_ent {
    uint64_t hash;    /* 0 = empty slot */
    const char *key;  /* in the pool */
    uint32_t key_len;
    uint32_t term_id; /* UINT32_MAX: the word yields no term */
} word_ent;

typedef struct term_ent {
    uint64_t hash;
    const char *s;    /* in the pool */
    uint32_t len;
} term_ent;

#define POOL_CHUNK 65536

/* A pool chunk: the bytes follow the header. */
typedef struct pool_chunk {
    struct pool_chunk *next;
    size_t n, cap;
    char b[];
} pool_chunk;

struct dl_termer {
    struct sb_stemmer *stem;
    dl_stemcache *shared;  /* stems shared with other threads (NULL: none) */
    uint32_t *by_id;       /* shared's entry id -> term id + 1 (0: not yet) */
    size_t by_cap;         /* entries in by_id (ids are dense: it grows) */
    uint64_t by_uid;       /* the cache by_id is for (dl_stemcache_uid) */
    pool_chunk *pool;      /* current chunk first; never moved */
    word_ent *words;       /* word -> term id */
    size_t words_n, words_cap;
    uint32_t *terms_tab;   /* hash table of term ids by term bytes (+1; 0 empty) */
    size_t terms_cap;
    term_ent *terms;       /* term id -> bytes */
    size_t terms_n, terms_alloc;
};

int dl_termer_new(dl_termer **out)
{
    dl_termer *t = dl_calloc(1, sizeof *t);
    *out = NULL;
    if (!t) return DL_ENOMEM;
    t->stem = sb_stemmer_new("english", NULL);
    t->words_cap = 1024;
    t->words = dl_calloc(t->words_cap, sizeof *t->words);
    t->terms_cap = 1024;
    t->terms_tab = dl_calloc(t->terms_cap, sizeof *t->terms_tab);
    if (!t->stem || !t->words || !t->terms_tab) {
        dl_termer_free(t);
        return DL_ENOMEM;
    }
    *out = t;
    return DL_OK;
}

void dl_termer_free(dl_termer *t)
{
    if (!t) return;
    sb_stemmer_delete(t->stem);
    while (t->pool) {
        pool_chunk *nx = t->pool->next;
        free(t->pool);
        t->pool = nx;
    }
    free(t->words);
    free(t->by_id);
    free(t->terms_tab);
    free(t->terms);
    free(t);
}

void dl_termer_share(dl_termer *t, dl_stemcache *c)
{
    if (c != t->shared) {
        free(t->by_id);  /* its ids were of the other cache */
        t->by_id = NULL;
        t->by_cap = 0;
    }
    t->shared = c;
}

uint32_t dl_termer_count(const dl_termer *t) { return (uint32_t)t->terms_n; }

const char *dl_termer_str(const dl_termer *t, uint32_t id, size_t *len)
{
    *len = t->terms[id].len;
    return t->terms[id].s;
}

/* Copies bytes into the pool; returns the stable copy, NULL on OOM. */
static const char *pool_add(dl_termer *t, const void *p, size_t n)
{
    if (!t->pool || t->pool->cap - t->pool->n < n) {
        size_t cap = n > POOL_CHUNK ? n : POOL_CHUNK;
        pool_chunk *c = dl_malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = t->pool;
        c->n = 0;
        c->cap = cap;
        t->pool = c;
    }
    char *dst = t->pool->b + t->pool->n;
    memcpy(dst, p, n);
    t->pool->n += n;
    return dst;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
    uint64_t h = XXH3_64bits(p, n);
    return h ? h : 1;
}

static int words_grow(dl_termer *t)
{
    size_t cap = t->words_cap * 2;
    word_ent *nw = dl_calloc(cap, sizeof *nw);
    if (!nw) return DL_ENOMEM;
    for (size_t i = 0; i < t->words_cap; i++) {
        if (!t->words[i].hash) continue;
        size_t j = t->words[i].hash & (cap - 1);
        while (nw[j].hash) j = (j + 1) & (cap - 1);
        nw[j] = t->words[i];
    }
    free(t->words);
    t->words = nw;
    t->words_cap = cap;
    return DL_OK;
}

static int terms_grow(dl_termer *t)
{
    size_t cap = t->terms_cap * 2;
    uint32_t *nt = dl_calloc(cap, sizeof *nt);
    if (!nt) return DL_ENOMEM;
    for (size_t i = 0; i < t->terms_cap; i++) {
        uint32_t v = t->terms_tab[i];
        if (!v) continue;
        size_t j = t->terms[v - 1].hash & (cap - 1);
        while (nt[j]) j = (j + 1) & (cap - 1);
        nt[j] = v;
    }
    free(t->terms_tab);
    t->terms_tab = nt;
    t->terms_cap = cap;
    return DL_OK;
}

/* The id of term bytes s[0,n), interned on first sight; UINT32_MAX on OOM. */
static uint32_t intern_term(dl_termer *t, const char *s, size_t n)
{
    uint64_t h = hash_bytes(s, n);
    size_t j = h & (t->terms_cap - 1);
    for (;;) {
        uint32_t v = t->terms_tab[j];
        if (!v) break;
        term_ent *e = &t->terms[v - 1];
        if (e->hash == h && e->len == n && memcmp(e->s, s, n) == 0) return v - 1;
        j = (j + 1) & (t->terms_cap - 1);
    }
    if (t->terms_n == t->terms_alloc) {
        size_t na = t->terms_alloc ? t->terms_alloc * 2 : 1024;
        term_ent *ne = dl_realloc(t->terms, na * sizeof *ne);
        if (!ne) return UINT32_MAX;
        t->terms = ne;
        t->terms_alloc = na;
    }
    const char *copy = pool_add(t, s, n);
    if (!copy) return UINT32_MAX;
    t->terms[t->terms_n] = (term_ent){h, copy, (uint32_t)n};
    t->terms_tab[j] = (uint32_t)(t->terms_n + 1);
    t->terms_n++;
    if (t->terms_n * 2 > t->terms_cap && terms_grow(t)) return UINT32_MAX;
    return (uint32_t)(t->terms_n - 1);
}

/* Folds w into out (cap bytes): NFKC + case fold, U+2019 -> '.  Returns the
 * length, 0 if nothing is left or it does not fit. */
static size_t fold_word(const char *w, size_t n, char *out, size_t cap)
{
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (ascii) {
        if (n > cap) return 0;
        for (size_t i = 0; i < n; i++) {
            char c = w[i];
            out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        return n;
    }
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &m,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                          UTF8PROC_CASEFOLD);
    size_t k = 0;
    if (r > 0) {
        for (utf8proc_ssize_t i = 0; i < r;) {
            /* U+2019 RIGHT SINGLE QUOTATION MARK (E2 80 99) -> ' */
            if (i + 2 < r && m[i] == 0xE2 && m[i + 1] == 0x80 && m[i + 2] == 0x99) {
                if (k + 1 > cap) { k = 0; break; }
                out[k++] = '\'';
                i += 3;
                continue;
            }
            if (k + 1 > cap) { k = 0; break; }
            out[k++] = (char)m[i++];
        }
    }
    free(m);
    return k;
}

size_t dl_termer_term(dl_termer *t, const char *w, size_t n, int kind, const char **term,
                      uint32_t *id)
{
    if (kind != DL_TOK_WORD && kind != DL_TOK_NUMBER) return 0;
    if (n == 0 || n > 4 * DL_TERM_MAX) return 0;
    uint64_t h = hash_bytes(w, n) ^ (uint64_t)kind;
    if (!h) h = 1;
    size_t j = h & (t->words_cap - 1);
    for (;;) {
        word_ent *e = &t->words[j];
        if (!e->hash) break;
        if (e->hash == h && e->key_len == n && memcmp(e->key, w, n) == 0) {
            if (e->term_id == UINT32_MAX) return 0;
            term_ent *te = &t->terms[e->term_id];
            *term = te->s;
            if (id) *id = e->term_id;
            return te->len;
        }
        j = (j + 1) & (t->words_cap - 1);
    }
    /* miss: fold, stem, intern */
    char buf[4 * DL_TERM_MAX + 8];
    size_t fl = fold_word(w, n, buf, sizeof buf);
    const char *s = buf;
    size_t sl = fl;
    if (fl && kind == DL_TOK_WORD) {
        size_t stl;
        const char *st = dl_stemcache_stem(t->shared, t->stem, buf, fl, &stl);
        if (st) {
            s = st;
            sl = stl;
        }
    }
    uint32_t tid = UINT32_MAX;
    if (sl > 0 && sl <= DL_TERM_MAX) {
        tid = intern_term(t, s, sl);
        if (tid == UINT32_MAX) return 0; /* OOM: treated as no term */
    }
    /* cache the word unless the table could not grow (OOM): it must keep
     * empty slots for probing to end */
    if ((t->words_n + 1) * 4 < t->words_cap * 3) {
        const char *key = pool_add(t, w, n);
        if (key) {
            t->words[j] = (word_ent){h, key, (uint32_t)n, tid};
            t->words_n++;
            if (t->words_n * 2 > t->words_cap) words_grow(t);
        }
    }
    if (tid == UINT32_MAX) return 0;
    term_ent *te = &t->terms[tid];
    *term = te->s;
    if (id) *id = tid;
    return te->len;
}

uint32_t dl_term_word_id(dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n)
{
    if (n == 0 || n > 4 * DL_TERM_MAX) return 0;
    char buf[4 * DL_TERM_MAX + 8];
    size_t fl = fold_word(w, n, buf, sizeof buf);
    if (!fl) return 0;
    size_t sl;
    uint32_t id;
    const char *st = dl_stemcache_stem_id(c, sb, buf, fl, &sl, &id);
    if (!st || !id) return DL_TERM_SELF;
    return sl > 0 && sl <= DL_TERM_MAX ? id : 0;
}

/* Room in by_id for ids up to top, for the shared cache.  DL_OK or
 * DL_ENOMEM. */
static int by_id_cover(dl_termer *t, uint32_t top)
{
    if (t->by_uid != dl_stemcache_uid(t->shared)) {
        t->by_cap = 0;  /* forget another cache's ids */
        t->by_uid = dl_stemcache_uid(t->shared);
    }
    return dl_u32_cover(&t->by_id, &t->by_cap, top, 4096);
}

/* The term id of entry id (1 ... by_cap - 1), interned on first sight;
 * UINT32_MAX on OOM. */
static inline uint32_t by_id_term(dl_termer *t, uint32_t id)
{
    uint32_t g = t->by_id[id];
    if (!g) {
        size_t sl;
        const char *st = dl_stemcache_entry(t->shared, id, &sl);
        uint32_t tid = intern_term(t, st, sl);
        if (tid == UINT32_MAX) return UINT32_MAX; /* OOM: treated as no term */
        g = t->by_id[id] = tid + 1;
    }
    return g - 1;
}

void dl_termer_term_ids(dl_termer *t, const uint32_t *ix, size_t n, uint32_t *out)
{
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (ix[i] != DL_TERM_SELF && ix[i] > top) top = ix[i];
    int ok = t->shared && top <= DL_STEMCACHE_IDS && by_id_cover(t, top) == DL_OK;
    for (size_t i = 0; i < n; i++) {
        if (i + 8 < n && ok && ix[i + 8] != DL_TERM_SELF) __builtin_prefetch(&t->by_id[ix[i + 8]]);
        uint32_t v = ix[i], g;
        if (v == DL_TERM_SELF) g = DL_TERM_SELF;
        else if (!v || !ok) g = DL_TERM_NONE;
        else if ((g = by_id_term(t, v)) == UINT32_MAX) g = DL_TERM_NONE;
        out[i] = g;
    }
}
