/*
 * prep.c -- dedup shingles and story term counts computed on the analysis
 * workers (prep.h).  Pure: reads the job, writes only job->prep and the
 * thread's own context.
 *
 * One pass over the tokens makes both: each distinct WORD token (its raw
 * bytes) is looked up once per article in the thread's token cache, which
 * remembers what the token gives to the shingler (the hashes of its
 * normalised word pieces, dedup/shingle.h) and to the term counts (its stem
 * as an interned stem id, or none).  The cache only memoises pure functions
 * of the token's bytes (dl_dup_token_words, dl_stem_word), so the arrays
 * are exactly those of dl_shingles_pair_toks and dl_text_rawterms on the
 * same text (bench/stories/prep_compare.sh checks it on real input).  Term
 * counts are gathered per stem id (a slot per id, stamped by article), so a
 * repeated word costs one cache probe and no string work.  Scratch vectors
 * live in the thread context; an article allocates only its outputs.
 *
 * The same probe gives the index its term of the word (dl_term_word_id: an
 * entry of the stem cache shared with the index thread), so that with
 * these stages on the ingest looks each word up once, not once here and
 * once more on the index thread (dl_termer_term).
 */
#include "prep.h"
#include "../dedup/shingle.h"
#include "../index/index.h"
#include "../text/stemcache.h"
#include "../text/token.h"

#include <libstemmer.h>


#define XXH_INLINE_ALL
#include <xxhash.h>

/* Tokens longer than this are not cached (long URLs and junk): their words
 * go straight to the shingler and they are never terms (> TERM_MAX). */
#define KEY_MAX DL_DUP_WORD_MAX
/* The longest WORD that is a term (dl_text_rawterms) */
#define TERM_MAX 40
/* The cache is emptied (at an article's start) past this many tokens.
 * DATELINE_PREP_CACHE_MAX=N sets another number, for tests: emptied often,
 * the stem ids start again often (dl_rawterms.lspace). */
#define CACHE_MAX 200000
/* Scratch vectors bigger than this many entries are freed after use */
#define SCRATCH_KEEP (1u << 20)

/* The token table's first size: one huge page (a worker soon sees tens of
 * thousands of distinct tokens; fewer rebuilds on the way there). */
#define TAB_FIRST ((2u << 20) / 32) /* entries of 32 bytes */

/* A cached token, 32 bytes (half a cache line: the table is 64-aligned, so
 * a probe touches one line).  len == 0: a free slot. */
typedef struct tok_entry {
    uint64_t word;    /* nw == 1: the word's hash; nw > 1: offset in whs */
    uint64_t key;     /* len <= 8: the bytes as one number (key_of);
                       * longer: offset of the bytes in keys */
    uint32_t tagix;   /* high TAG_BITS: the top of the token's key_hash;
                       * low IX_BITS: its index term (IX_SELF or as
                       * dl_term_word_id gives it) */
    uint32_t stem;    /* stem id (1-based), 0: no term */
    uint32_t stamp;   /* the article (c->article) that last counted it */
    uint16_t slot;    /* then: its term's index in c->agg, or SLOT_NONE */
    uint8_t len;      /* bytes of the token */
    uint8_t nw;       /* words it gives the shingler */
} tok_entry;
#define SLOT_NONE UINT16_MAX
#define IX_BITS 20
#define TAG_BITS (32 - IX_BITS)
#define IX_MASK ((1u << IX_BITS) - 1)
#define IX_SELF IX_MASK  /* DL_TERM_SELF */
_Static_assert(DL_STEMCACHE_IDS < IX_SELF, "a stem cache id fits in IX_BITS");
_Static_assert(sizeof(tok_entry) == 32, "a token entry is half a cache line");

/* The n bytes w[0, n) (1 <= n <= 8) as one number, the key of a short
 * token: distinct strings of the same length get distinct keys (the loads
 * cover every byte), and only w[0, n) is read. */
static inline uint64_t key_of(const char *w, size_t n)
{
    if (n >= 4) return dl_load32(w) | (uint64_t)dl_load32(w + n - 4) << 32;
    return (unsigned char)w[0] | (uint64_t)(unsigned char)w[n / 2] << 8 |
           (uint64_t)(unsigned char)w[n - 1] << 16;
}

/* The cache's hash of the token w[0, n) (1 <= n <= KEY_MAX): any good mix
 * will do (keys are compared in full), this one is inlined and cheap. */
static inline uint64_t key_hash(const char *w, size_t n)
{
    uint64_t h;
    if (n <= 8) {
        h = key_of(w, n);  /* entry_hash relies on this */
    } else {
        h = 0;
        for (size_t i = 0; i + 8 < n; i += 8) {
            h = (h ^ dl_load64(w + i)) * 0x9E3779B97F4A7C15ULL;
            h = h << 31 | h >> 33;
        }
        h ^= dl_load64(w + n - 8);
    }
    return dl_dup_fmix64(h ^ (uint64_t)n * 0xc2b2ae3d27d4eb4fULL);
}

/* The key_hash of an entry's token, from the entry (table growth). */
static inline uint64_t entry_hash(const char *keys, const struct tok_entry *e)
{
    if (e->len <= 8) return dl_dup_fmix64(e->key ^ (uint64_t)e->len * 0xc2b2ae3d27d4eb4fULL);
    return key_hash(keys + e->key, e->len);
}

/* a[0, n) == b[0, n) for n >= 8, in 8-byte loads (the last one overlaps) */
static inline int same_long(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i + 8 < n; i += 8)
        if (dl_load64(a + i) != dl_load64(b + i)) return 0;
    return dl_load64(a + n - 8) == dl_load64(b + n - 8);
}

/* A distinct stem of the cache, with its place in the current article's
 * term counts (one record, so a counted word touches one line). */
typedef struct stem_entry {
    uint32_t off, len;  /* in sbuf, NUL-terminated */
    uint32_t stamp;     /* the article (c->article) that last counted it */
    uint32_t slot;      /* then: its index in c->agg */
} stem_entry;

/* A term of the current article. */
typedef struct tagg {
    const char *surf;  /* the smallest surface form (capitals sort first) */
    double w;
    uint32_t off, len; /* the stem in sbuf */
    uint32_t slen;
    uint32_t stem;     /* its id */
} tagg;

typedef struct prep_ctx {
    dl_stemmer *sm;
    /* index terms (dl_term_word_id) as ids of this cache, shared with the
     * index thread; NULL: none worked out */
    dl_stemcache *shared;
    struct sb_stemmer *isb;
    /* the token cache */
    tok_entry *tab;
    size_t tcap, tn;
    DL_VEC(char) keys;
    dl_dup_u64vec whs;
    /* interned stems: ids index st and shash (id - 1); stab holds ids */
    DL_VEC(stem_entry) st;
    DL_VEC(uint64_t) shash;
    DL_VEC(char) sbuf;
    uint32_t *stab;
    size_t scap;
    uint32_t article;  /* stamps the stems counted by the current article */
    size_t cache_max;  /* CACHE_MAX, or the test's number */
    uint64_t space;    /* names the stem ids (dl_rawterms.lspace) until the
                        * stems are emptied */
    /* per-article scratch */
    dl_tokvec toks;
    dl_dup_u64vec wh;  /* the article's word hashes */
    dl_u32vec sig, bi;
    dl_u32vec ix;      /* the article's index terms, one per token */
    DL_VEC(uint32_t) sorttmp;
    DL_VEC(tagg) agg;
} prep_ctx;

/* The token table: dl_table_alloc's (64-aligned, so that a probe touches
 * one line; huge pages). */
static tok_entry *tab_alloc(size_t n) { return dl_table_alloc(n * sizeof(tok_entry)); }

static void tab_free(tok_entry *t, size_t n)
{
    dl_table_free(t, n * sizeof(tok_entry));
}

static void cache_clear(prep_ctx *c)
{
    tab_free(c->tab, c->tcap);
    dl_table_free(c->stab, c->scap * sizeof *c->stab);
    c->tab = NULL;
    c->stab = NULL;
    c->tcap = c->tn = c->scap = 0;
    c->keys.n = c->whs.n = c->st.n = c->shash.n = c->sbuf.n = 0;
    c->article = 0;
    c->space = dl_rawterms_space();  /* stem ids start again */
}

void *dl_artprep_tnew(void *arg)
{
    prep_ctx *c = dl_calloc(1, sizeof *c);
    if (!c) return NULL;
    if (!(c->sm = dl_stemmer_new())) {
        free(c);
        return NULL;
    }
    dl_stemmer_share(c->sm, arg);
    c->space = dl_rawterms_space();
    const char *env = getenv("DATELINE_PREP_CACHE_MAX");
    c->cache_max = env && atol(env) > 0 ? (size_t)atol(env) : CACHE_MAX;
    if (arg && (c->isb = sb_stemmer_new("english", NULL))) c->shared = arg;
    return c;
}

void dl_artprep_tfree(void *tctx)
{
    prep_ctx *c = tctx;
    if (!c) return;
    cache_clear(c);
    dl_stemmer_free(c->sm);
    if (c->isb) sb_stemmer_delete(c->isb);
    dl_vec_free(&c->keys);
    dl_vec_free(&c->whs);
    dl_vec_free(&c->st);
    dl_vec_free(&c->shash);
    dl_vec_free(&c->sbuf);
    dl_vec_free(&c->toks);
    dl_vec_free(&c->wh);
    dl_vec_free(&c->sig);
    dl_vec_free(&c->bi);
    dl_vec_free(&c->ix);
    dl_vec_free(&c->sorttmp);
    dl_vec_free(&c->agg);
    free(c);
}

static void artprep_free(void *v)
{
    dl_artprep *p = v;
    if (!p) return;
    dl_vec_free(&p->sig);
    dl_vec_free(&p->bi);
    dl_vec_free(&p->ix);
    dl_rawterms_free(&p->terms);
    free(p);
}

/* Doubles the token table (or makes it).  DL_OK or DL_ENOMEM. */
static int tab_grow(prep_ctx *c)
{
    size_t nc = c->tcap ? c->tcap * 2 : TAB_FIRST;
    tok_entry *nt = tab_alloc(nc);
    if (!nt) return DL_ENOMEM;
    for (size_t i = 0; i < c->tcap; i++) {
        if (!c->tab[i].len) continue;
        size_t h = (size_t)entry_hash(c->keys.v, &c->tab[i]) & (nc - 1);
        while (nt[h].len) h = (h + 1) & (nc - 1);
        nt[h] = c->tab[i];
    }
    tab_free(c->tab, c->tcap);
    c->tab = nt;
    c->tcap = nc;
    return DL_OK;
}

/* The id of the stem s[0, n), interned.  0 on OOM. */
static uint32_t stem_intern(prep_ctx *c, const char *s, size_t n)
{
    uint64_t hv = XXH3_64bits(s, n);
    if ((c->st.n + 1) * 2 > c->scap) {
        size_t nc = c->scap ? c->scap * 2 : 4096;
        uint32_t *nt = dl_table_alloc(nc * sizeof *nt);  /* probed before written */
        if (!nt) return 0;
        for (size_t i = 0; i < c->scap; i++) {
            if (!c->stab[i]) continue;
            size_t h = (size_t)c->shash.v[c->stab[i] - 1] & (nc - 1);
            while (nt[h]) h = (h + 1) & (nc - 1);
            nt[h] = c->stab[i];
        }
        dl_table_free(c->stab, c->scap * sizeof *c->stab);
        c->stab = nt;
        c->scap = nc;
    }
    size_t h = (size_t)hv & (c->scap - 1);
    for (; c->stab[h]; h = (h + 1) & (c->scap - 1)) {
        const stem_entry *e = &c->st.v[c->stab[h] - 1];
        if (c->shash.v[c->stab[h] - 1] == hv && e->len == n &&
            memcmp(c->sbuf.v + e->off, s, n) == 0)
            return c->stab[h];
    }
    if (c->sbuf.n + n + 1 > UINT32_MAX || dl_vec_reserve(&c->sbuf, c->sbuf.n + n + 1) ||
        dl_vec_reserve(&c->st, c->st.n + 1) || dl_vec_reserve(&c->shash, c->st.n + 1))
        return 0;
    stem_entry e = {(uint32_t)c->sbuf.n, (uint32_t)n, 0, 0};
    memcpy(c->sbuf.v + c->sbuf.n, s, n);
    c->sbuf.v[c->sbuf.n + n] = 0;
    c->sbuf.n += n + 1;
    c->shash.v[c->shash.n++] = hv;
    c->st.v[c->st.n++] = e;
    c->stab[h] = (uint32_t)c->st.n;
    return (uint32_t)c->st.n;
}

/* The slot of the token w[0, n) with hash hv in the table, or of the free
 * slot where it goes. */
static inline size_t tok_find(const prep_ctx *c, const char *w, size_t n, uint64_t hv)
{
    size_t mask = c->tcap - 1, h = (size_t)hv & mask;
    uint32_t tag = (uint32_t)(hv >> (64 - TAG_BITS));
    if (n <= 8) {
        uint64_t k = key_of(w, n);
        for (; c->tab[h].len; h = (h + 1) & mask) {
            const tok_entry *e = &c->tab[h];
            if (e->tagix >> IX_BITS == tag && e->len == n && e->key == k) break;
        }
    } else {
        for (; c->tab[h].len; h = (h + 1) & mask) {
            const tok_entry *e = &c->tab[h];
            if (e->tagix >> IX_BITS == tag && e->len == n &&
                same_long(c->keys.v + e->key, w, n))
                break;
        }
    }
    return h;
}

/* The slot of a new cache entry for the WORD token w[0, n) (1 <= n <=
 * KEY_MAX, not in the cache) whose key_hash is hv; SIZE_MAX on OOM. */
static __attribute__((noinline)) size_t tok_make(prep_ctx *c, const char *w, size_t n,
                                                 uint64_t hv)
{
    if ((c->tn + 1) * 2 > c->tcap && tab_grow(c)) return SIZE_MAX;
    /* what the index gets */
    uint32_t ix = c->shared ? dl_term_word_id(c->shared, c->isb, w, n) : DL_TERM_SELF;
    if (ix == DL_TERM_SELF) ix = IX_SELF;
    tok_entry e = {.tagix = (uint32_t)(hv >> (64 - TAG_BITS)) << IX_BITS | ix,
                   .len = (uint8_t)n};
    /* what the shingler gets: at most n words (one per byte) */
    uint64_t words[KEY_MAX];
    size_t nw = dl_dup_token_words(w, n, words, KEY_MAX);
    e.nw = (uint8_t)nw;
    if (nw == 1) {
        e.word = words[0];
    } else if (nw > 1) {
        if (dl_vec_reserve(&c->whs, c->whs.n + nw)) return SIZE_MAX;
        e.word = c->whs.n;
        memcpy(c->whs.v + c->whs.n, words, nw * sizeof *words);
        c->whs.n += nw;
    }
    /* what the term counts get */
    if (n <= TERM_MAX) {
        char stem[256];
        size_t sl = dl_stem_word(c->sm, w, n, stem, sizeof stem);
        if (sl >= 2 && !(e.stem = stem_intern(c, stem, sl))) return SIZE_MAX;
    }
    if (n <= 8) {
        e.key = key_of(w, n);
    } else {
        if (dl_vec_reserve(&c->keys, c->keys.n + n)) return SIZE_MAX;
        e.key = c->keys.n;
        memcpy(c->keys.v + c->keys.n, w, n);
        c->keys.n += n;
    }
    size_t h = tok_find(c, w, n, hv);
    c->tab[h] = e;
    c->tn++;
    return h;
}

/* The slot of the cache entry of the WORD token w[0, n) (1 <= n <=
 * KEY_MAX) whose key_hash is hv, made on first sight; SIZE_MAX on OOM.  The
 * slot holds until the next entry is made (the table may grow). */
static inline size_t tok_get(prep_ctx *c, const char *w, size_t n, uint64_t hv)
{
    if (c->tcap) {
        size_t h = tok_find(c, w, n, hv);
        if (c->tab[h].len) return h;
    }
    return tok_make(c, w, n, hv);
}

/* Copies n bytes: short strings without a call (overlapping 8- or 4-byte
 * moves inside both ranges). */
static inline void copy_short(char *dst, const char *src, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) memcpy(dst + i, src + i, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        uint32_t a = dl_load32(src), b = dl_load32(src + n - 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else {
        for (size_t i = 0; i < n; i++) dst[i] = src[i];
    }
}

/* The term counts gathered in c->agg into out (appended, first-seen order,
 * as dl_text_rawterms writes them).  DL_OK or DL_ENOMEM. */
static int terms_out(prep_ctx *c, dl_rawterms *out)
{
    size_t bytes = out->buf_n;
    for (size_t i = 0; i < c->agg.n; i++)
        bytes += c->agg.v[i].len + 1 + c->agg.v[i].slen + 1;
    if (bytes > UINT32_MAX || dl_vec_reserve(&out->v, out->v.n + c->agg.n) ||
        (!out->v.n && dl_vec_reserve(&out->lid, c->agg.n)))
        return DL_ENOMEM;
    /* the stem ids go along when out holds only these terms */
    int ids = !out->v.n;
    if (bytes > out->buf_cap) {
        char *nb = realloc(out->buf, bytes ? bytes : 1);
        if (!nb) return DL_ENOMEM;
        out->buf = nb;
        out->buf_cap = bytes ? bytes : 1;
    }
    char *b = out->buf;
    size_t at = out->buf_n;
    for (size_t i = 0; i < c->agg.n; i++) {
        const tagg *g = &c->agg.v[i];
        dl_rawterm r = {(uint32_t)at, 0, g->w};
        copy_short(b + at, c->sbuf.v + g->off, g->len);
        b[at + g->len] = 0;
        at += g->len + 1;
        r.surface = (uint32_t)at;
        copy_short(b + at, g->surf, g->slen);
        b[at + g->slen] = 0;
        at += g->slen + 1;
        out->v.v[out->v.n++] = r;
        if (ids) out->lid.v[out->lid.n++] = g->stem;
    }
    out->buf_n = at;
    out->lspace = ids ? c->space : 0;
    return DL_OK;
}

/* Counts one occurrence of the term stem (id) with surface w[0, wl); its
 * index in c->agg into *at.  DL_OK or DL_ENOMEM. */
static int term_add(prep_ctx *c, uint32_t stem, const char *w, size_t wl, double weight,
                    size_t *at)
{
    stem_entry *se = &c->st.v[stem - 1];
    if (se->stamp != c->article) {
        if (c->agg.n == c->agg.cap && dl_vec_reserve(&c->agg, c->agg.n + 1)) return DL_ENOMEM;
        tagg x = {w, weight, se->off, se->len, (uint32_t)wl, stem};
        __builtin_prefetch(c->sbuf.v + se->off);  /* for terms_out */
        se->stamp = c->article;
        se->slot = (uint32_t)c->agg.n;
        *at = c->agg.n;
        c->agg.v[c->agg.n++] = x;
        return DL_OK;
    }
    tagg *g = &c->agg.v[se->slot];
    *at = se->slot;
    g->w += weight;
    size_t m = wl < g->slen ? wl : g->slen;
    int cmp = memcmp(w, g->surf, m);
    if (cmp < 0 || (cmp == 0 && wl < g->slen)) g->surf = w, g->slen = (uint32_t)wl;
    return DL_OK;
}

/* The loop over an article's tokens runs in blocks of BLOCK tokens: the
 * block's tokens are hashed and their table slots prefetched, then they
 * are looked up (made) and used.  The table is bigger than the CPU's
 * nearer caches; the prefetches let the probes of a block wait for memory
 * together rather than one after another. */
#define BLOCK 256

/* Shingles (into c->sig sorted and distinct, into c->bi as they come) and term counts (into
 * c->agg) of text from c->toks, in one pass.  DL_OK or DL_ENOMEM. */
static int one_pass(prep_ctx *c, const char *text, const dl_tokvec *toks)
{
    if (c->tn > c->cache_max) cache_clear(c);
    if (++c->article == 0) {  /* the stamps wrapped: start afresh */
        cache_clear(c);
        c->article = 1;
    }
    c->wh.n = c->sig.n = c->bi.n = c->agg.n = 0;
    int sent_start = 1, rc = DL_OK;
    const dl_token *tv = toks->v;
    size_t nt = toks->n;
    if (dl_vec_reserve(&c->ix, nt)) return DL_ENOMEM;
    uint32_t *ix = c->ix.v;
    c->ix.n = nt;
    uint64_t hs[BLOCK];  /* the block's cache hashes */
    for (size_t b = 0; b < nt && !rc; b += BLOCK) {
        size_t be = nt - b < BLOCK ? nt : b + BLOCK;
        for (size_t i = b; i < be; i++) {
            const dl_token *t = &tv[i];
            size_t n = t->end - t->start;
            if (t->kind != DL_TOK_WORD || n > KEY_MAX) continue;
            uint64_t hv = hs[i - b] = key_hash(text + t->start, n);
            if (c->tcap) __builtin_prefetch(&c->tab[(size_t)hv & (c->tcap - 1)]);
        }
        for (size_t i = b; i < be; i++) {
            const dl_token *t = &tv[i];
            const char *w = text + t->start;
            size_t wl = t->end - t->start;
            if (t->kind == DL_TOK_PUNCT) {
                ix[i] = 0;
                if (*w == '.' || *w == '!' || *w == '?' || *w == ':' || *w == '"') sent_start = 1;
                continue;
            }
            int shingle = c->wh.n < DL_DUP_MAX_WORDS;
            if (t->kind != DL_TOK_WORD || wl > KEY_MAX) {
                ix[i] = DL_TERM_SELF;
                /* numbers and long words: not cached, never terms */
                if (shingle && (t->kind == DL_TOK_WORD || t->kind == DL_TOK_NUMBER) &&
                    (rc = dl_dup_token_words_vec(w, wl, &c->wh)))
                    break;
                sent_start = 0;
                continue;
            }
            size_t slot = tok_get(c, w, wl, hs[i - b]);
            if (slot == SIZE_MAX) {
                rc = DL_ENOMEM;
                break;
            }
            tok_entry *e = &c->tab[slot];
            uint32_t tix = e->tagix & IX_MASK;
            ix[i] = tix == IX_SELF ? DL_TERM_SELF : tix;
            if (shingle && e->nw) {
                if (c->wh.n + e->nw > c->wh.cap && dl_vec_reserve(&c->wh, c->wh.n + e->nw)) {
                    rc = DL_ENOMEM;
                    break;
                }
                if (e->nw == 1) c->wh.v[c->wh.n++] = e->word;
                else
                    for (size_t k = 0; k < e->nw; k++) c->wh.v[c->wh.n++] = c->whs.v[e->word + k];
            }
            if (wl > TERM_MAX) {
                sent_start = 0;
                continue;
            }
            int cap = *w >= 'A' && *w <= 'Z';
            /* line starts count as sentence starts too */
            if (t->start == 0 || text[t->start - 1] == '\n') sent_start = 1;
            if (e->stem) {
                int allcaps = wl > 1 && cap && w[1] >= 'A' && w[1] <= 'Z';
                double weight = (cap && !sent_start && !allcaps) ? 2.0 : 1.0;
                if (e->stamp == c->article && e->slot != SLOT_NONE) {
                    /* the same bytes again: its surface form was weighed */
                    c->agg.v[e->slot].w += weight;
                } else {
                    size_t at = 0;
                    if ((rc = term_add(c, e->stem, w, wl, weight, &at))) break;
                    e->stamp = c->article;
                    e->slot = at < SLOT_NONE ? (uint16_t)at : SLOT_NONE;
                }
            }
            sent_start = 0;
        }
    }
    if (rc) return rc;
    size_t nw = c->wh.n;
    if (dl_vec_reserve(&c->sig, nw) || dl_vec_reserve(&c->bi, nw) ||
        dl_vec_reserve(&c->sorttmp, nw))
        return DL_ENOMEM;
    c->sig.n = dl_dup_shingles_words_vec(c->wh.v, nw, DL_DUP_K, c->sig.v);
    c->bi.n = dl_dup_shingles_words_vec(c->wh.v, nw, 2, c->bi.v);
    dl_dup_sort_unique(&c->sig, c->sorttmp.v);
    /* the 2-shingles stay unsorted: the dedup thread sorts the few it
     * needs (dedup.c, bigrams_ready) */
    return DL_OK;
}

/* dst = src, exactly sized.  DL_OK or DL_ENOMEM. */
static int copy_u32(dl_u32vec *dst, const dl_u32vec *src)
{
    dst->n = 0;
    if (!src->n) return DL_OK;
    if (dl_vec_reserve(dst, src->n)) return DL_ENOMEM;
    memcpy(dst->v, src->v, src->n * sizeof *src->v);
    dst->n = src->n;
    return DL_OK;
}

void dl_artprep_run(void *tctx, dl_ajob *j)
{
    dl_artprep *p = dl_calloc(1, sizeof *p);
    if (!p) return; /* the writer computes everything */
    j->prep = p;
    j->prep_free = artprep_free;
    prep_ctx *c = tctx;
    dl_tokvec own = {0};
    dl_tokvec *toks = c ? &c->toks : &own;
    toks->n = 0;
    /* the analysis' tokens of the text when it kept them */
    int have = j->toks.n > 0;
    if (have) toks = &j->toks;
    else have = dl_tokenize(j->rec.text, j->rec.text_len, toks) == DL_OK;
    /* the annotation's text is the record's (dl_analyze copies it) */
    int same = c && have && j->ann && j->ann->text_len == j->rec.text_len &&
               memcmp(j->ann->text, j->rec.text, j->rec.text_len) == 0;
    if (same) {
        if (one_pass(c, j->rec.text, toks) == DL_OK) {
            p->sig_ok = copy_u32(&p->sig, &c->sig) == DL_OK && copy_u32(&p->bi, &c->bi) == DL_OK;
            /* the index gets the terms of the tokens it uses (j->toks) */
            p->ix_ok = c->shared && toks == &j->toks && copy_u32(&p->ix, &c->ix) == DL_OK;
            p->terms_ok = terms_out(c, &p->terms) == DL_OK;
        }
    } else {
        p->sig_ok = dl_shingles_pair_toks(j->rec.text, j->rec.text_len, have ? toks : NULL,
                                          &p->sig, &p->bi) == DL_OK;
        if (c && j->ann)
            p->terms_ok = dl_text_rawterms(c->sm, j->ann->text, j->ann->text_len, NULL,
                                           &p->terms) == DL_OK;
    }
    dl_vec_free(&own);
    if (c) {
        /* scratch kept for the next article, unless a huge one blew it up */
        if (c->toks.cap > SCRATCH_KEEP) dl_vec_free(&c->toks);
        if (c->agg.cap > SCRATCH_KEEP / 4) dl_vec_free(&c->agg);
    }
    if (!p->sig_ok) {
        dl_vec_free(&p->sig);
        dl_vec_free(&p->bi);
    }
    if (!p->terms_ok) dl_rawterms_free(&p->terms);
    if (!p->ix_ok) dl_vec_free(&p->ix);
}
