/*
 * token.h -- the tokenizer shared by the whole engine (analysis and index).
 */
#ifndef DL_TEXT_TOKEN_H
#define DL_TEXT_TOKEN_H

#include "../dl_int.h"

enum {
    DL_TOK_WORD = 1,  /* letters, digits inside words, ' and ’ inside words */
    DL_TOK_NUMBER,    /* digits with , . inside: 1,000  3.5 */
    DL_TOK_PUNCT,     /* any other non-space character */
};

typedef struct dl_token {
    uint32_t start, end; /* byte offsets into the text */
    uint16_t kind;       /* DL_TOK_* */
    uint16_t flags;      /* reserved for the tokenizer's own use */
} dl_token;

typedef DL_VEC(dl_token) dl_tokvec;

/* Appends the tokens of text[0, len) to out.  DL_OK or DL_ENOMEM. */
int dl_tokenize(const char *text, size_t len, dl_tokvec *out);

#endif
