/*
 * token.h -- the tokenizer shared by the whole engine (analysis and index).
 *
 * dl_tokenize() cuts UTF-8 text into tokens with exact byte offsets: the
 * bytes text[start, end) of a token are exactly the characters it covers, and
 * white space never belongs to a token.  Tokens come in text order and never
 * overlap.  Invalid UTF-8 or binary junk is tokenized too (an invalid byte is
 * one PUNCT token), so any input gives a result; the work is linear in len.
 *
 * What a token is:
 *   WORD    letters and digits: "Kim", "5th", "1990s", "don't", "Kim’s"
 *           (' and ’ join letters), dotted abbreviations with their final
 *           period: "U.S.", "a.m.", "U.S.A.", "e.g."; a URL or e-mail address
 *           ("https://example.org/a-b.html", "www.example.org",
 *           "jane.doe@example.com") is one WORD with DL_TF_URL or DL_TF_EMAIL,
 *           trailing punctuation left out.
 *   NUMBER  digits with , or . between digits: "1,000"  "3.5"  "1026.253.553"
 *   PUNCT   any other character, one token each, except that a run of
 *           periods ("..", "...", "....") is one token; hyphens stay single
 *           tokens ("53-year-old" is 53 - year - old, the hyphens flagged
 *           DL_TF_INFIX) so that callers see the parts.
 * An abbreviation from the lexicon ("Mr", "Dr", "Jan", "Co", "Inc", "St")
 * stays a WORD without its period; the word gets DL_TF_ABBR and the period
 * that follows it DL_TF_ABBR_DOT.  dl_abbrev_class() tells what kind of
 * abbreviation a word is (the sentence splitter uses it).
 */
#ifndef DL_TEXT_TOKEN_H
#define DL_TEXT_TOKEN_H

#include "../dl_int.h"

enum {
    DL_TOK_WORD = 1,  /* letters, digits inside words, ' and ’ inside words */
    DL_TOK_NUMBER,    /* digits with , . inside: 1,000  3.5 */
    DL_TOK_PUNCT,     /* any other non-space character */
};

/* dl_token.flags: facts the tokenizer saw, for the stages after it. */
enum {
    DL_TF_CAP = 1 << 0,        /* WORD whose first letter is upper/title case */
    DL_TF_LOWER = 1 << 1,      /* WORD whose first letter is lower case */
    DL_TF_ABBR = 1 << 2,       /* WORD that is an abbreviation (see above) */
    DL_TF_URL = 1 << 3,        /* WORD that is a URL */
    DL_TF_EMAIL = 1 << 4,      /* WORD that is an e-mail address */
    DL_TF_QUOTE = 1 << 5,      /* PUNCT quotation mark: " ' ` “ ” ‘ ’ « » „ ‹ › */
    DL_TF_OPEN = 1 << 6,       /* opening quote or bracket ( [ { (guessed for " ') */
    DL_TF_CLOSE = 1 << 7,      /* closing quote or bracket ) ] } */
    DL_TF_ELLIPSIS = 1 << 8,   /* PUNCT "..." (3 or more periods) or "…" */
    DL_TF_TERM = 1 << 9,       /* PUNCT that may end a sentence: . ! ? ‼ ⁇ ⁈ ⁉ … .. */
    DL_TF_INFIX = 1 << 10,     /* PUNCT hyphen/slash joining two tokens: 53-year */
    DL_TF_SPACE = 1 << 11,     /* white space (or the start of text) precedes */
    DL_TF_NEWLINE = 1 << 12,   /* a line break precedes (within the white space) */
    DL_TF_PARA = 1 << 13,      /* a blank line precedes: a new paragraph */
    DL_TF_ABBR_DOT = 1 << 14,  /* the "." right after a DL_TF_ABBR word */
    DL_TF_BULLET = 1 << 15,    /* PUNCT list bullet: • ‣ ⁃ ◦ ▪ ● ∙ */
};

typedef struct dl_token {
    uint32_t start, end; /* byte offsets into the text */
    uint16_t kind;       /* DL_TOK_* */
    uint16_t flags;      /* DL_TF_* */
} dl_token;

typedef DL_VEC(dl_token) dl_tokvec;

/* Appends the tokens of text[0, len) to out (offsets relative to text).
 * DL_OK, DL_ENOMEM (out then holds a prefix of the tokens), or DL_EINVAL
 * when len does not fit the 32-bit offsets (records are far smaller). */
int dl_tokenize(const char *text, size_t len, dl_tokvec *out);

/* Kinds of abbreviation, for the word before a period. */
enum {
    DL_ABBR_NONE = 0,
    DL_ABBR_TITLE,  /* comes before a name, never ends a sentence: Mr Dr Gen Sen */
    DL_ABBR_INNER,  /* is always followed by more of its sentence: e.g. i.e. vs cf */
    DL_ABBR_ANY,    /* may end a sentence: Co Inc Jr Jan U.S. a.m. etc No St */
};

/* The kind of abbreviation that the word s[0, n) is when a period follows
 * it (s without the period; a dotted form such as "U.S." may come with or
 * without its final period).  Case matters where the word is also an
 * ordinary one: "No" and "Sun" are abbreviations, "no" and "sun" are not. */
int dl_abbrev_class(const char *s, size_t n);

#endif
