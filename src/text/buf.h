/*
 * buf.h -- an owned, growable byte buffer with a ceiling, and a JSON writer
 * on top of it.
 *
 * A dl_buf owns its bytes; free with dl_buf_free.  b->p is always
 * NUL-terminated (when non-NULL) so it can be printed.  Appends past the
 * ceiling (b->max, 0 = 1 GiB) or on OOM set b->err, which is sticky: later
 * appends do nothing, and the caller checks b->err once at the end.
 */
#ifndef DL_TEXT_BUF_H
#define DL_TEXT_BUF_H

#include "../dl_int.h"

typedef struct dl_buf {
    char *p;     /* the bytes, NUL-terminated; NULL until the first append */
    size_t n;    /* bytes used, terminator not counted */
    size_t cap;  /* bytes allocated */
    size_t max;  /* ceiling; 0 means 1 GiB */
    int err;     /* DL_OK, or DL_ENOMEM / DL_ETOOBIG after a failed append */
} dl_buf;

void dl_buf_free(dl_buf *b);
void dl_buf_reset(dl_buf *b);           /* n = 0, keeps the memory */
void dl_buf_add(dl_buf *b, const void *p, size_t n);
void dl_buf_adds(dl_buf *b, const char *s);
void dl_buf_addc(dl_buf *b, char c);
void dl_buf_printf(dl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (free with dl_free) and empties b. */
char *dl_buf_detach(dl_buf *b, size_t *len);

/* JSON output.  Strings are escaped per RFC 8259; invalid UTF-8 becomes
 * U+FFFD so the output is always valid JSON. */
void dl_json_str(dl_buf *b, const char *s, size_t n);
void dl_json_strz(dl_buf *b, const char *s);   /* NULL prints null */
void dl_json_key(dl_buf *b, const char *key);  /* "key": */
void dl_json_span(dl_buf *b, dl_span s);       /* [start, end] */
void dl_json_uint(dl_buf *b, uint64_t v);      /* decimal, no printf */
void dl_json_double(dl_buf *b, double d);      /* finite shortest-ish form */

#endif
