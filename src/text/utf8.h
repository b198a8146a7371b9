/*
 * utf8.h -- UTF-8 validation and decoding helpers (the strict rules of
 * RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
 */
#ifndef DL_TEXT_UTF8_H
#define DL_TEXT_UTF8_H

#include "../dl_int.h"

/* Length (1-4) of the valid UTF-8 sequence at s, or 0 if it is invalid or
 * truncated.  n is the bytes available (> 0). */
size_t dl_utf8_valid_prefix(const char *s, size_t n);

/* Offset of the first invalid byte of s, or n when all of s is valid. */
size_t dl_utf8_check(const char *s, size_t n);

/* Decodes the code point at s[*i] and advances *i; an invalid byte decodes
 * as U+FFFD and advances one byte.  *i must be < n.  Inline for ASCII (the
 * tokenizer and the quote finder call it per character); other bytes go to
 * dl_utf8_next_multi. */
int32_t dl_utf8_next_multi(const char *s, size_t n, size_t *i);
static inline int32_t dl_utf8_next(const char *s, size_t n, size_t *i)
{
    unsigned char c = (unsigned char)s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    return dl_utf8_next_multi(s, n, i);
}

/* Decodes the code point ending just before s[i] (i > 0) and returns its
 * start offset through *start. */
int32_t dl_utf8_prev(const char *s, size_t i, size_t *start);

/* The NFKC, case-folded form of the NUL-terminated s, for lookups that
 * ignore case ("SIR KIM" = "Sir Kim").  The caller frees it with free();
 * NULL on invalid UTF-8 or OOM. */
char *dl_utf8_fold(const char *s);

#endif
