/*
 * record.c -- the two record forms of SPEC 1: the plain article file
 * ("date YYYY-MM-DD text...") and one JSONL line.  Pure functions over
 * bytes: no I/O, no allocation except the JSONL scratch copy.
 */
#include "record.h"
#include "utf8.h"

#include <jansson.h>
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

/* Optional string member: NULL when absent or null; error when another type. */
static int opt_str(json_t *o, const char *key, const char **out, size_t *outlen)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (outlen) *outlen = 0;
    if (!v || json_is_null(v)) return 0;
    if (!json_is_string(v)) return -1;
    *out = json_string_value(v);
    if (outlen) *outlen = json_string_length(v);
    return 0;
}

int dl_parse_jsonl(const char *line, size_t len, dl_record *rec, char **scratch,
                   const char **reason)
{
    rec_clear(rec);
    *scratch = NULL;
    if (len > DL_MAX_RECORD + 65536) {
        *reason = "record over the size limit (16 MiB)";
        return DL_EBADREC;
    }
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        *reason = "malformed JSON";
        return DL_EBADREC;
    }
    int rc = DL_EBADREC;
    const char *date, *text, *id = NULL, *url, *title, *source;
    size_t date_len, text_len, id_len = 0;
    char idnum[32];
    if (!json_is_object(o)) {
        *reason = "malformed record: not a JSON object";
        goto out;
    }
    if (opt_str(o, "date", &date, &date_len) || !date) {
        *reason = "no date: the record needs a \"date\" string";
        goto out;
    }
    if (date_len < 10 || (date_len > 10 && date[10] != 'T' && date[10] != ' ') ||
        dl_date_parse(date, 10, &rec->day) != DL_OK) {
        *reason = (date_len >= 10 && date[4] == '-' && date[7] == '-')
                      ? "impossible date"
                      : "bad date: expected YYYY-MM-DD or an ISO 8601 date-time";
        goto out;
    }
    if (opt_str(o, "text", &text, &text_len) || !text) {
        *reason = "no text: the record needs a \"text\" string";
        goto out;
    }
    json_t *jid = json_object_get(o, "id");
    if (jid && json_is_integer(jid)) {
        snprintf(idnum, sizeof idnum, "%lld", (long long)json_integer_value(jid));
        id = idnum;
        id_len = strlen(idnum);
    } else if (opt_str(o, "id", &id, &id_len)) {
        *reason = "bad id: must be a string";
        goto out;
    }
    if (id && (id_len == 0 || id_len >= DL_ID_MAX)) {
        *reason = "bad id: empty or longer than 127 bytes";
        goto out;
    }
    for (size_t k = 0; id && k < id_len; k++)
        if ((unsigned char)id[k] < 0x20) {
            *reason = "bad id: control character";
            goto out;
        }
    if (opt_str(o, "url", &url, NULL) || opt_str(o, "title", &title, NULL) ||
        opt_str(o, "source", &source, NULL)) {
        *reason = "bad record: url, title and source must be strings";
        goto out;
    }
    size_t lead = dl_ws_prefix(text, text_len);
    size_t n = text_len - lead;
    n -= dl_ws_suffix(text + lead, n);
    size_t bad;
    const char *p = dl_text_problem(text + lead, n, &bad);
    if (p) {
        *reason = p;
        goto out;
    }
    /* copy the strings out of the JSON tree into one scratch block */
    size_t lu = url ? strlen(url) + 1 : 0, lt = title ? strlen(title) + 1 : 0,
           ls = source ? strlen(source) + 1 : 0;
    char *s = dl_malloc(n + 1 + lu + lt + ls);
    if (!s) {
        *reason = "out of memory";
        rc = DL_ENOMEM;
        goto out;
    }
    *scratch = s;
    memcpy(s, text + lead, n);
    s[n] = 0;
    rec->text = s;
    rec->text_len = n;
    s += n + 1;
    if (url) memcpy(s, url, lu), rec->url = s, s += lu;
    if (title) memcpy(s, title, lt), rec->title = s, s += lt;
    if (source) memcpy(s, source, ls), rec->source = s, s += ls;
    memcpy(rec->date, date, 10);
    rec->date[10] = 0;
    if (id) {
        memcpy(rec->id, id, id_len);
        rec->id[id_len] = 0;
    } else {
        dl_record_id(rec->date, rec->text, n, rec->id);
    }
    rc = DL_OK;
out:
    json_decref(o);
    return rc;
}
