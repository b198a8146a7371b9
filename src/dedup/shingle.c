/*
 * shingle.c -- the near-duplicate signature of a text (dedup.h): normalised
 * word k-shingles (DL_DUP_K and 2) hashed to 32 bits, sorted and distinct,
 * and the containment of two signatures.  Pure functions, no archive.  Its
 * parts (the words of a token, the window, the sort) are also exposed
 * through shingle.h to story/prep.c, which memoises the words per token.
 */
#include "shingle.h"
#include "../text/token.h"
#include "../text/utf8.h"

#include <utf8proc.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define SHINGLE_X86 1
#endif

static int ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* British to one spelling: rewrites the end of w (n bytes) in place and
 * returns the new length.  Applied to both sides of every comparison, so a
 * rule that also hits a word that is no spelling variant does no harm. */
static size_t respell(char *w, size_t n)
{
    /* every rule below ends in one of these letters */
    if (n < 4) return n;
    char last = w[n - 1];
    if (last != 'r' && last != 's' && last != 'd' && last != 'g' && last != 'e') return n;
    static const char *const our_tails[] = {"our", "ours", "oured", "ouring", "ourite",
                                            "ourites", "ourable", "ourer", "ourers"};
    /* the -our- rules need "our" among the last 7 letters */
    int has_our = 0;
    for (size_t i = n > 7 ? n - 7 : 0; i + 3 <= n && !has_our; i++)
        has_our = w[i] == 'o' && w[i + 1] == 'u' && w[i + 2] == 'r';
    if (n > 5 && has_our) {
        for (size_t i = 0; i < DL_ARRAY_LEN(our_tails); i++) {
            if (ends_with(w, n, our_tails[i])) {
                size_t at = n - strlen(our_tails[i]) + 1; /* the 'u' */
                memmove(w + at, w + at + 1, n - at - 1);
                return n - 1;
            }
        }
    }
    if (n > 4 && ends_with(w, n, "tre")) { w[n - 2] = 'e', w[n - 1] = 'r'; return n; }
    if (n > 5 && ends_with(w, n, "tres")) { w[n - 3] = 'e', w[n - 2] = 'r'; return n; }
    if (n > 5 && ends_with(w, n, "ence")) { w[n - 2] = 's'; return n; }
    if (n > 5 && ends_with(w, n, "ogue")) return n - 2;
    if (n > 6 && ends_with(w, n, "amme")) return n - 2;
    return n;
}

size_t dl_dup_norm_word(const char *w, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    if (cap < 2) return 0;
    /* ASCII words (nearly all): folded byte by byte */
    while (i < len && n + 4 < cap && (unsigned char)w[i] < 0x80) {
        char c = w[i++];
        if (c == '\'' || c == ',' || c == '.') continue;
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    while (i < len && n + 4 < cap) {
        int32_t c = dl_utf8_next(w, len, &i);
        if (c == '\'' || c == 0x2019 || c == 0x2018 || c == ',' || c == '.') continue;
        if (c < 0x80) {
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        utf8proc_int32_t dec[8];
        int last = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(
            c, dec, 8, UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_COMPAT | UTF8PROC_COMPOSE,
            &last);
        for (utf8proc_ssize_t j = 0; j < k && j < 8 && n + 4 < cap; j++)
            n += (size_t)utf8proc_encode_char(dec[j], (utf8proc_uint8_t *)out + n);
    }
    n = respell(out, n);
    /* doubled letters once (travelled / traveled), z as s (-ize / -ise) */
    size_t m = 0;
    for (size_t j = 0; j < n; j++) {
        char ch = out[j] == 'z' ? 's' : out[j];
        if (m && out[m - 1] == ch && ch >= 'a' && ch <= 'z') continue;
        out[m++] = ch;
    }
    out[m] = 0;
    return m;
}

/* ' . , and U+2019 / U+2018 inside a token */
static int is_joiner(const char *s, size_t n)
{
    if (*s == '\'' || *s == '.' || *s == ',') return 1;
    return n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
           ((unsigned char)s[2] == 0x99 || (unsigned char)s[2] == 0x98);
}

static size_t joiner_len(const char *s)
{
    return (*s == '\'' || *s == '.' || *s == ',') ? 1 : 3;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* LSD radix sort of v[0, n) ascending through tmp (n entries): 4 passes
 * of 8 bits, the sorted data ends in v. */
static void lsd_u32(uint32_t *v, size_t n, uint32_t *tmp)
{
    uint32_t *src = v, *dst = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((src[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++) count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    /* four passes: the sorted data is back in v */
}

static inline void insertion_u32(uint32_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j && v[j - 1] > x) v[j] = v[j - 1], j--;
        v[j] = x;
    }
}

/* Sorts of arrays this small are plain insertion sorts */
#define SORT_SMALL 32
#define MSD_BITS_MAX 12
/* element moves allowed per element in the finishing insertion sort */
#define MOVES_PER 8

/* Insertion sort of v[0, n) that gives up after budget element moves:
 * 1 when sorted, 0 when it gave up (v is then still a permutation). */
static int insertion_budget(uint32_t *v, size_t n, size_t budget)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        while (j && v[j - 1] > x) v[j] = v[j - 1], j--;
        v[j] = x;
        size_t moved = i - j;
        if (moved > budget) return 0;
        budget -= moved;
    }
    return 1;
}

/* Sorts v[0, n) ascending through tmp (n entries).  The hashes are
 * uniform, so one counting pass on their top bits (about one value per
 * bucket) leaves them nearly sorted, and an insertion sort finishes: its
 * work is n plus the inversions left, which are within buckets (repeats
 * cost nothing).  Should the inversions exceed MOVES_PER per element (a
 * junk text whose few distinct shingles share top bits), a radix sort
 * finishes instead, so the work stays linear whatever the values.  qsort
 * without tmp. */
static void sort_u32(uint32_t *v, size_t n, uint32_t *tmp)
{
    if (n <= SORT_SMALL) {
        insertion_u32(v, n);
        return;
    }
    if (!tmp) {
        dl_qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    int bits = 1;
    while (bits < MSD_BITS_MAX && ((size_t)1 << bits) < n) bits++;
    int shift = 32 - bits;
    size_t nb = (size_t)1 << bits;
    uint32_t count[(1 << MSD_BITS_MAX) + 1];
    memset(count, 0, (nb + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++) count[(v[i] >> shift) + 1]++;
    for (size_t b = 0; b < nb; b++) count[b + 1] += count[b];
    /* count[b] is now bucket b's start; scattering moves it to the end */
    for (size_t i = 0; i < n; i++) tmp[count[v[i] >> shift]++] = v[i];
    if (insertion_budget(tmp, n, MOVES_PER * n)) memcpy(v, tmp, n * sizeof *v);
    else lsd_u32(v, n, tmp);  /* v's order does not matter: any permutation */
}

void dl_dup_sort_unique(dl_u32vec *v, uint32_t *scratch)
{
    if (v->n <= 1) return;
    uint32_t *own = !scratch && v->n > SORT_SMALL ? dl_malloc(v->n * sizeof *own) : NULL;
    sort_u32(v->v, v->n, scratch ? scratch : own);
    free(own);
    size_t m = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[m - 1]) v->v[m++] = v->v[i];
    v->n = m;
}

int dl_shingles(const char *text, size_t len, dl_u32vec *out)
{
    return dl_shingles_k(text, len, DL_DUP_K, out);
}

/* The next word piece of the token w[*pp, end): normalised into buf (cap
 * bytes); returns its length (0: an empty piece, no word) and moves *pp
 * past the piece and the joiner that ends it. */
static size_t next_piece(const char *w, size_t *pp, size_t end, char *buf, size_t cap)
{
    size_t p = *pp, q = p;
    while (q < end) {
        unsigned char c = (unsigned char)w[q];
        /* only these bytes can start a joiner */
        if ((c == '\'' || c == '.' || c == ',' || c == 0xE2) && is_joiner(w + q, end - q)) break;
        q++;
    }
    size_t tl = q - p;
    if (tl > DL_DUP_WORD_MAX) tl = DL_DUP_WORD_MAX;
    size_t n = tl ? dl_dup_norm_word(w + p, tl, buf, cap) : 0;
    *pp = q < end ? q + joiner_len(w + q) : q;
    return n;
}

#define PIECE_BUF (DL_DUP_WORD_MAX * 4 + 8)

size_t dl_dup_token_words(const char *w, size_t len, uint64_t *out, size_t cap)
{
    char buf[PIECE_BUF];
    size_t p = 0, k = 0;
    while (p < len) {
        size_t n = next_piece(w, &p, len, buf, sizeof buf);
        if (!n) continue;
        if (k < cap) out[k] = XXH3_64bits(buf, n);
        k++;
    }
    return k;
}

int dl_dup_token_words_vec(const char *w, size_t len, dl_dup_u64vec *out)
{
    char buf[PIECE_BUF];
    size_t p = 0;
    while (p < len) {
        size_t n = next_piece(w, &p, len, buf, sizeof buf);
        if (n && dl_vec_push(out, XXH3_64bits(buf, n))) return DL_ENOMEM;
    }
    return DL_OK;
}

void dl_dup_shingler_token(dl_dup_shingler *s, const char *w, size_t len)
{
    char buf[PIECE_BUF];
    size_t p = 0;
    while (p < len && !s->rc) {
        size_t n = next_piece(w, &p, len, buf, sizeof buf);
        if (n) dl_dup_shingler_add(s, XXH3_64bits(buf, n));
    }
}

/* The k-shingles of text into out and, when out2 is non-NULL, its
 * k2-shingles into out2, from one pass over the words. */
static int shingles2(const char *text, size_t len, const dl_tokvec *given, int k, dl_u32vec *out,
                     int k2, dl_u32vec *out2)
{
    if (k < 1) k = 1;
    if (k > DL_DUP_K) k = DL_DUP_K;
    if (k2 < 1) k2 = 1;
    if (k2 > DL_DUP_K) k2 = DL_DUP_K;
    out->n = 0;
    if (out2) out2->n = 0;
    dl_tokvec own = {0};
    if (!given && dl_tokenize(text, len, &own)) return DL_ENOMEM;
    const dl_tokvec *toks = given ? given : &own;
    /* at most one shingle per word piece; pieces are at most the bytes */
    size_t most = 0;
    for (size_t i = 0; i < toks->n; i++) most += toks->v[i].end - toks->v[i].start;
    if (most > DL_DUP_MAX_WORDS) most = DL_DUP_MAX_WORDS;
    if (dl_vec_reserve(out, most) || (out2 && dl_vec_reserve(out2, most))) {
        dl_vec_free(&own);
        return DL_ENOMEM;
    }
    dl_dup_shingler s = {.sig = out, .bi = out2, .k = k, .k2 = k2};
    for (size_t i = 0; i < toks->n && s.words < DL_DUP_MAX_WORDS && !s.rc; i++) {
        const dl_token *t = &toks->v[i];
        if (t->kind != DL_TOK_WORD && t->kind != DL_TOK_NUMBER) continue;
        dl_dup_shingler_token(&s, text + t->start, t->end - t->start);
    }
    dl_vec_free(&own);
    if (s.rc) return s.rc;
    dl_dup_sort_unique(out, NULL);
    if (out2) dl_dup_sort_unique(out2, NULL);
    return DL_OK;
}

int dl_shingles_k(const char *text, size_t len, int k, dl_u32vec *out)
{
    return shingles2(text, len, NULL, k, out, 0, NULL);
}

int dl_shingles_pair(const char *text, size_t len, dl_u32vec *sig, dl_u32vec *bi)
{
    return shingles2(text, len, NULL, DL_DUP_K, sig, 2, bi);
}

int dl_shingles_pair_toks(const char *text, size_t len, const dl_tokvec *toks, dl_u32vec *sig,
                          dl_u32vec *bi)
{
    return shingles2(text, len, toks, DL_DUP_K, sig, 2, bi);
}

double dl_containment(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (!na || !nb) return 0;
    size_t i = 0, j = 0, both = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else both++, i++, j++;
    }
    return (double)both / (double)(na < nb ? na : nb);
}

#ifdef SHINGLE_X86
/* a * c mod 2^64 in each lane, c given as its 32-bit halves */
__attribute__((target("avx2"))) static inline __m256i mul64(__m256i a, __m256i clo, __m256i chi)
{
    __m256i lo = _mm256_mul_epu32(a, clo);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), clo),
                                     _mm256_mul_epu32(a, chi));
    return _mm256_add_epi64(lo, _mm256_slli_epi64(cross, 32));
}

/* dl_dup_fmix64 in each lane */
__attribute__((target("avx2"))) static inline __m256i fmix4(__m256i k)
{
    const __m256i alo = _mm256_set1_epi64x(0xed558ccdLL), ahi = _mm256_set1_epi64x(0xff51afd7LL);
    const __m256i blo = _mm256_set1_epi64x(0x1a85ec53LL), bhi = _mm256_set1_epi64x(0xc4ceb9feLL);
    k = _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
    k = mul64(k, alo, ahi);
    k = _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
    k = mul64(k, blo, bhi);
    return _mm256_xor_si256(k, _mm256_srli_epi64(k, 33));
}

/* The top halves of the four lanes of s, as out[0, 4). */
__attribute__((target("avx2"))) static inline void store_tops(uint32_t *out, __m256i s)
{
    __m256i t = _mm256_permutevar8x32_epi32(s, _mm256_setr_epi32(1, 3, 5, 7, 1, 3, 5, 7));
    _mm_storeu_si128((__m128i *)(void *)out, _mm256_castsi256_si128(t));
}

__attribute__((target("avx2"))) static size_t shingles_avx2(const uint64_t *wh, size_t n, int k,
                                                           uint32_t *out)
{
    size_t m = n - (size_t)k + 1, i = 0;
    /* windows i .. i + 7: two vectors, so that two chains overlap */
    for (; i + 8 <= m; i += 8) {
        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int j = 0; j < k; j++) {
            __m256i add = _mm256_set1_epi64x(
                (long long)(0x9E3779B97F4A7C15ULL * (uint64_t)(DL_DUP_K - k + j + 1)));
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(const void *)(wh + i + j));
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(const void *)(wh + i + 4 + j));
            s0 = fmix4(_mm256_xor_si256(s0, _mm256_add_epi64(w0, add)));
            s1 = fmix4(_mm256_xor_si256(s1, _mm256_add_epi64(w1, add)));
        }
        store_tops(out + i, s0);
        store_tops(out + i + 4, s1);
    }
    for (; i < m; i++) out[i] = dl_dup_shingle_at(wh + i, k);
    return m;
}
#endif

size_t dl_dup_shingles_words_vec(const uint64_t *wh, size_t n, int k, uint32_t *out)
{
    if (n < (size_t)k) return 0;
#ifdef SHINGLE_X86
    if (__builtin_cpu_supports("avx2")) return shingles_avx2(wh, n, k, out);
#endif
    return dl_dup_shingles_words(wh, n, k, out);
}
