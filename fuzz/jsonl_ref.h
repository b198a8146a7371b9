/*
 * jsonl_ref.h -- the reference JSONL record parser: the jansson version that
 * src/text/jsonl.c replaced (jansson 2.14, JSON_REJECT_DUPLICATES).  The fuzz
 * target and the unit tests run both on the same bytes and require the same
 * verdict, the same reason and the same record (one deliberate difference:
 * NUL bytes, see below).  Test code only.
 */
#ifndef DL_FUZZ_JSONL_REF_H
#define DL_FUZZ_JSONL_REF_H

#include "dateline.h"
#include "dl_int.h"
#include "text/record.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Optional string member: NULL when absent or null; error when another type. */
static int ref_opt_str(json_t *o, const char *key, const char **out, size_t *outlen)
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

static int ref_parse_jsonl(const char *line, size_t len, dl_record *rec, char **scratch,
                   const char **reason)
{
    memset(rec, 0, sizeof *rec);
    *scratch = NULL;
    if (len > DL_MAX_RECORD + 65536) {
        *reason = "record over the size limit (16 MiB)";
        return DL_EBADREC;
    }
    /* the one deliberate difference: jansson 2.14 lets a single NUL byte
     * pass right after a number or a literal ({"n": 5\0}); JSON has no
     * place for a raw NUL, and jsonl.c rejects it anywhere */
    if (memchr(line, 0, len)) {
        *reason = "malformed JSON";
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
    if (ref_opt_str(o, "date", &date, &date_len) || !date) {
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
    if (ref_opt_str(o, "text", &text, &text_len) || !text) {
        *reason = "no text: the record needs a \"text\" string";
        goto out;
    }
    json_t *jid = json_object_get(o, "id");
    if (jid && json_is_integer(jid)) {
        snprintf(idnum, sizeof idnum, "%lld", (long long)json_integer_value(jid));
        id = idnum;
        id_len = strlen(idnum);
    } else if (ref_opt_str(o, "id", &id, &id_len)) {
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
    if (ref_opt_str(o, "url", &url, NULL) || ref_opt_str(o, "title", &title, NULL) ||
        ref_opt_str(o, "source", &source, NULL)) {
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

#endif
