/*
 * token.c -- the shared tokenizer: words, numbers and punctuation, with
 * exact byte offsets.  Letters and digits are told apart by Unicode
 * category (utf8proc), so any script tokenizes.
 */
#include "token.h"
#include "utf8.h"

#include <utf8proc.h>

static int is_alnum_cp(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9');
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

static int is_space_cp(int32_t c)
{
    if (c < 0x80) return c == ' ' || (c >= 9 && c <= 13);
    utf8proc_category_t cat = utf8proc_category(c);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP || c == 0x200B || c == 0xFEFF;
}

int dl_tokenize(const char *text, size_t len, dl_tokvec *out)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        int32_t c = dl_utf8_next(text, len, &i);
        if (is_space_cp(c)) continue;
        dl_token t = {(uint32_t)start, 0, DL_TOK_PUNCT, 0};
        if (is_alnum_cp(c)) {
            int digits_only = c >= '0' && c <= '9';
            for (;;) {
                size_t j = i;
                if (j >= len) break;
                int32_t d = dl_utf8_next(text, len, &j);
                if (is_alnum_cp(d)) {
                    if (!(d >= '0' && d <= '9')) digits_only = 0;
                    i = j;
                    continue;
                }
                /* joiners inside a word or number: ' ’ (word), . , (number) */
                int joiner = (d == '\'' || d == 0x2019) ? 1
                             : (digits_only && (d == '.' || d == ',')) ? 2
                                                                     : 0;
                if (!joiner || j >= len) break;
                size_t k = j;
                int32_t e = dl_utf8_next(text, len, &k);
                if (joiner == 1 && is_alnum_cp(e) && !(e >= '0' && e <= '9')) {
                    i = j;
                    continue;
                }
                if (joiner == 2 && e >= '0' && e <= '9') {
                    i = j;
                    continue;
                }
                break;
            }
            t.kind = digits_only ? DL_TOK_NUMBER : DL_TOK_WORD;
        }
        t.end = (uint32_t)i;
        if (dl_vec_push(out, t)) return DL_ENOMEM;
    }
    return DL_OK;
}
