/*
 * quote_lex.h -- word classes for the quote stage (quote_lex.c).  Lookups
 * are case-insensitive (ASCII) on the word's bytes; the table is built once
 * on first use and is read-only after, so any thread may call these.
 */
#ifndef DL_ANALYZE_QUOTE_LEX_H
#define DL_ANALYZE_QUOTE_LEX_H

#include "../dl_int.h"

enum {
    QL_SPEECH = 1u << 0,     /* speech verb: said, told, added, according */
    QL_TITLE = 1u << 1,      /* person title: Mr, Sir, President, Sen */
    QL_TITLE_KEEP = 1u << 2, /* a title kept in the canonical name: Sir, Lady */
    QL_ROLE = 1u << 3,       /* role noun: minister, spokesman */
    QL_STOP = 1u << 4,       /* capitalised word that does not start a name */
    QL_TIME = 1u << 5,       /* weekday, month, time word */
    QL_AUX = 1u << 6,        /* may stand between subject and verb */
    QL_PREP = 1u << 7,       /* a name after it is not a subject */
    QL_ORG = 1u << 8,        /* word of an organisation's name */
    QL_PARTICLE = 1u << 9,   /* lower-case name particle: de, van, bin */
    QL_MALE = 1u << 10,      /* male first name or title */
    QL_FEMALE = 1u << 11,    /* female first name or title */
    QL_FIRST = 1u << 12,     /* a first name */
};

/* The hash of a word, ASCII case folded; never 0.  Eight bytes at a time:
 * each chunk (the last one zero-padded, never read past s + n) is lower-
 * cased in a register and mixed in; the length is mixed in first so that
 * padding cannot make two words equal. */
static inline uint64_t dl_qlex_lower8(uint64_t x)
{
    uint64_t h = x & 0x7f7f7f7f7f7f7f7fULL;
    uint64_t ge_a = h + 0x3f3f3f3f3f3f3f3fULL; /* high bit: byte >= 'A' */
    uint64_t gt_z = h + 0x2525252525252525ULL; /* high bit: byte > 'Z' */
    uint64_t up = ge_a & ~gt_z & ~x & 0x8080808080808080ULL;
    return x | (up >> 2);
}

/* dl_qlex_hash(s, n) where avail >= n bytes may be read from s: the last
 * chunk is then one load, masked. */
static inline uint64_t dl_qlex_hash_in(const char *s, size_t n, size_t avail)
{
    const unsigned char *u = (const unsigned char *)s;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)n * 0xff51afd7ed558ccdULL);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, u + i, 8);
        h = (h ^ dl_qlex_lower8(x)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    if (i < n) {
        uint64_t x = 0;
        if (i + 8 <= avail) {
            memcpy(&x, u + i, 8);
            x &= ~0ULL >> (8 * (8 - (n - i))); /* keep the n - i < 8 bytes */
        } else {
            for (size_t k = 0; i + k < n; k++) x |= (uint64_t)u[i + k] << (8 * k);
        }
        h = (h ^ dl_qlex_lower8(x)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
    }
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 32;
    return h ? h : 1;
}

static inline uint64_t dl_qlex_hash(const char *s, size_t n)
{
    return dl_qlex_hash_in(s, n, n);
}

/* dl_qlex_hash(s, n), and through *hp dl_qlex_hash(s, p) (p <= n); avail
 * as for dl_qlex_hash_in. */
static inline uint64_t dl_qlex_hash2(const char *s, size_t n, size_t p, uint64_t *hp,
                                     size_t avail)
{
    uint64_t h = dl_qlex_hash_in(s, n, avail);
    *hp = p == n ? h : dl_qlex_hash_in(s, p, avail);
    return h;
}
unsigned dl_qlex_bits_h(uint64_t h);
unsigned dl_qlex_bits(const char *s, size_t n);
/* Builds the table (done by dl_qlex_bits_h on first use); afterwards
 * dl_qlex_bits_ready(h) == dl_qlex_bits_h(h) without the once check. */
void dl_qlex_init(void);
unsigned dl_qlex_bits_ready(uint64_t h);

#endif
