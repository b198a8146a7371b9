/*
 * record.c -- the two record forms of SPEC 1: the plain article file
 * ("date YYYY-MM-DD text...") and one JSONL line.  Pure functions over
 * bytes: no I/O, no allocation.  The JSONL form's parser is jsonl.c.
 */
#include "record.h"
#include "utf8.h"

#define XXH_INLINE_ALL
#include <xxhash.h>
#include <stdio.h>

static size_t ws_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f)) return 1;
    if (c < 0xC2) return 0;
    size_t k = dl_utf8_valid_prefix(s, n);
    if (!k) return 0;
    size_t i = 0;
    int32_t cp = dl_utf8_next(s, n, &i);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
        return k;
    }
    if (cp >= 0x2000 && cp <= 0x200A) return k;
    return 0;
}

size_t dl_ws_prefix(const char *s, size_t n)
{
    size_t i = 0, k;
    while (i < n && (k = ws_at(s + i, n - i))) i += k;
    return i;
}

size_t dl_ws_suffix(const char *s, size_t n)
{
    size_t end = n;
    while (end > 0) {
        size_t start = end - 1;
        /* step back over continuation bytes to the lead byte */
        while (start > 0 && end - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
            start--;
        size_t k = ws_at(s + start, end - start);
        if (k && start + k == end) {
            end = start;
            continue;
        }
        break;
    }
    return n - end;
}

const char *dl_text_problem(const char *text, size_t len, size_t *bad_off)
{
    *bad_off = 0;
    if (len == 0) return "empty text";
    if (len > DL_MAX_RECORD) return "record over the size limit (16 MiB)";
    const char *nul = memchr(text, 0, len);
    if (nul) {
        *bad_off = (size_t)(nul - text);
        return "NUL byte in text";
    }
    size_t bad = dl_utf8_check(text, len);
    if (bad < len) {
        *bad_off = bad;
        return "invalid UTF-8";
    }
    return NULL;
}

void dl_record_id(const char date[10], const char *text, size_t len, char out[17])
{
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    XXH3_64bits_update(&st, date, 10);
    XXH3_64bits_update(&st, "\n", 1);
    XXH3_64bits_update(&st, text, len);
    unsigned long long h = (unsigned long long)XXH3_64bits_digest(&st);
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4) out[i] = hex[h & 15];
    out[16] = 0;
}

static void rec_clear(dl_record *rec)
{
    memset(rec, 0, sizeof *rec);
}

int dl_parse_plain(const char *buf, size_t len, dl_record *rec, const char **reason)
{
    rec_clear(rec);
    size_t i = dl_ws_prefix(buf, len);
    if (len - i < 4 || memcmp(buf + i, "date", 4) != 0) {
        *reason = "no header: a plain article starts with 'date YYYY-MM-DD'";
        return DL_EBADREC;
    }
    i += 4;
    size_t w = 0;
    while (i + w < len && (buf[i + w] == ' ' || buf[i + w] == '\t')) w++;
    if (!w) {
        *reason = "no header: a plain article starts with 'date YYYY-MM-DD'";
        return DL_EBADREC;
    }
    i += w;
    if (len - i < 10 || dl_date_parse(buf + i, 10, &rec->day) != DL_OK) {
        *reason = (len - i >= 10 && buf[i + 4] == '-' && buf[i + 7] == '-')
                      ? "impossible date in header"
                      : "no date in header: expected YYYY-MM-DD";
        return DL_EBADREC;
    }
    memcpy(rec->date, buf + i, 10);
    rec->date[10] = 0;
    i += 10;
    if (i < len && !ws_at(buf + i, len - i)) {
        *reason = "no white space after the header's date";
        return DL_EBADREC;
    }
    size_t lead = dl_ws_prefix(buf + i, len - i);
    i += lead;
    size_t n = len - i;
    n -= dl_ws_suffix(buf + i, n);
    size_t bad;
    const char *p = dl_text_problem(buf + i, n, &bad);
    if (p) {
        *reason = p;
        return DL_EBADREC;
    }
    rec->text = buf + i;
    rec->text_len = n;
    dl_record_id(rec->date, rec->text, n, rec->id);
    return DL_OK;
}

/* dl_parse_jsonl is in jsonl.c */
