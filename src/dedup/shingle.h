/*
 * shingle.h -- the parts of the shingler (shingle.c) for a caller that
 * brings its own word hashes: the analysis workers' per-article step
 * (story/prep.c) memoises the hashes of each distinct token in a per-thread
 * cache and feeds them here, and gets exactly the arrays that
 * dl_shingles_pair computes from the same text.
 *
 * A "word" is one piece of a WORD or NUMBER token cut at the joiners ' . ,
 * U+2019 U+2018 (kong's = kong s, 7.4 = 7 4), at most DL_DUP_WORD_MAX
 * bytes, normalised by dl_dup_norm_word and hashed with XXH3-64; pieces that
 * normalise to nothing are no word.  Only the first DL_DUP_MAX_WORDS words
 * (counted at token starts) are shingled.
 */
#ifndef DL_DEDUP_SHINGLE_H
#define DL_DEDUP_SHINGLE_H

#include "dedup.h"

#define DL_DUP_MAX_WORDS 20000
#define DL_DUP_WORD_MAX 64

/* The hashes of the words of the token w[0, len) (the bytes of one WORD or
 * NUMBER token): writes the first cap of them to out and returns how many
 * there are (more than cap: out holds a prefix). */
size_t dl_dup_token_words(const char *w, size_t len, uint64_t *out, size_t cap);

/* The sliding window over the words of a text: its k-shingles into sig and,
 * when bi is non-NULL, its k2-shingles into bi (1 <= k, k2 <= DL_DUP_K;
 * dl_shingles_pair: k = DL_DUP_K, k2 = 2), unsorted and with repeats
 * (dl_dup_sort_unique).  Zero it, then set the four fields. */
typedef struct dl_dup_shingler {
    uint64_t h[DL_DUP_K];
    size_t words;
    dl_u32vec *sig, *bi;
    int k, k2;
    int rc;  /* DL_ENOMEM once a push failed */
} dl_dup_shingler;

static inline uint64_t dl_dup_fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

/* The k-shingle of the k word hashes w[0, k): they are mixed in as the
 * last k of a window of DL_DUP_K, word i with its place there (DL_DUP_K -
 * k + i + 1). */
static inline uint32_t dl_dup_shingle_at(const uint64_t *w, int k)
{
    uint64_t s = 0;
    for (int i = 0; i < k; i++)
        s = dl_dup_fmix64(s ^ (w[i] + 0x9E3779B97F4A7C15ULL * (uint64_t)(DL_DUP_K - k + i + 1)));
    return (uint32_t)(s >> 32);
}

/* The k-shingles of the n word hashes wh (all the words of a text, in
 * order) into out: n - k + 1 of them (none when n < k), unsorted.  The
 * same as feeding the words to a dl_dup_shingler one by one; a tight loop
 * of independent hash chains, which the CPU overlaps. */
static inline size_t dl_dup_shingles_words(const uint64_t *wh, size_t n, int k, uint32_t *out)
{
    if (n < (size_t)k) return 0;
    size_t m = n - k + 1, i = 0;
    /* four windows side by side: four independent chains per step */
    for (; i + 4 <= m; i += 4) {
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int j = 0; j < k; j++) {
            uint64_t add = 0x9E3779B97F4A7C15ULL * (uint64_t)(DL_DUP_K - k + j + 1);
            s0 = dl_dup_fmix64(s0 ^ (wh[i + j] + add));
            s1 = dl_dup_fmix64(s1 ^ (wh[i + 1 + j] + add));
            s2 = dl_dup_fmix64(s2 ^ (wh[i + 2 + j] + add));
            s3 = dl_dup_fmix64(s3 ^ (wh[i + 3 + j] + add));
        }
        out[i] = (uint32_t)(s0 >> 32);
        out[i + 1] = (uint32_t)(s1 >> 32);
        out[i + 2] = (uint32_t)(s2 >> 32);
        out[i + 3] = (uint32_t)(s3 >> 32);
    }
    for (; i < m; i++) out[i] = dl_dup_shingle_at(wh + i, k);
    return m;
}

/* dl_dup_shingles_words with the CPU's vector unit where it has AVX2 (eight
 * windows at once, the 64-bit multiplies made of 32-bit ones): the same
 * values, in about half the instructions.  shingle.c. */
size_t dl_dup_shingles_words_vec(const uint64_t *wh, size_t n, int k, uint32_t *out);

typedef DL_VEC(uint64_t) dl_dup_u64vec;

static inline void dl_dup_push_u32(dl_u32vec *o, uint32_t x, int *rc)
{
    if (o->n < o->cap) o->v[o->n++] = x;
    else if (dl_vec_push(o, x)) *rc = DL_ENOMEM;
}

/* Adds one word (its hash) to the window and its shingles to sig and bi. */
static inline __attribute__((always_inline)) void dl_dup_shingler_add(dl_dup_shingler *s,
                                                                      uint64_t wh)
{
    for (int j = 0; j + 1 < DL_DUP_K; j++) s->h[j] = s->h[j + 1];
    s->h[DL_DUP_K - 1] = wh;
    s->words++;
    if (s->words >= (size_t)s->k) dl_dup_push_u32(s->sig, dl_dup_shingle_at(s->h + DL_DUP_K - s->k, s->k), &s->rc);
    if (s->bi && s->words >= (size_t)s->k2)
        dl_dup_push_u32(s->bi, dl_dup_shingle_at(s->h + DL_DUP_K - s->k2, s->k2), &s->rc);
}

/* Appends the hashes of the words of the token w[0, len) to out (no cap).
 * DL_OK or DL_ENOMEM. */
int dl_dup_token_words_vec(const char *w, size_t len, dl_dup_u64vec *out);

/* Adds the words of the token w[0, len) (dl_dup_token_words without a
 * cap); stops once s->rc is set. */
void dl_dup_shingler_token(dl_dup_shingler *s, const char *w, size_t len);

/* Sorts v ascending and drops repeats; scratch (NULL or at least v->n
 * entries) spares an allocation. */
void dl_dup_sort_unique(dl_u32vec *v, uint32_t *scratch);

#endif
