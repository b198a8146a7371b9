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

uint64_t dl_qlex_hash(const char *s, size_t n); /* never 0 */
/* dl_qlex_hash(s, n), and through *hp dl_qlex_hash(s, p) (p <= n), in one
 * pass over s. */
uint64_t dl_qlex_hash2(const char *s, size_t n, size_t p, uint64_t *hp);
unsigned dl_qlex_bits_h(uint64_t h);
unsigned dl_qlex_bits(const char *s, size_t n);
/* Builds the table (done by dl_qlex_bits_h on first use); afterwards
 * dl_qlex_bits_ready(h) == dl_qlex_bits_h(h) without the once check. */
void dl_qlex_init(void);
unsigned dl_qlex_bits_ready(uint64_t h);

#endif
