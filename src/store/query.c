/*
 * query.c -- reading the archive's quotes and entities tables (filled by
 * ingest.c) for `dateline quotes`, `dateline entities` and the HTTP API.
 * Contracts in include/dateline.h ("quotes, entities").
 *
 * Quotes by speaker use the index quotes_speaker(speaker_key, day) when the
 * name is a canonical name; a partial name ("Johnson") falls back to a scan
 * of the speaker keys.  Dates use the day indexes.  The words of a text
 * query are checked on each candidate row, newest first, until the limit.
 */
#include "store.h"
#include "../text/utf8.h"
#include "../text/buf.h"

#include <ctype.h>
#include <stdio.h>
#include <utf8proc.h>

#define DEFAULT_LIMIT 20

static int is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Does hay contain word w (length wl) as a whole word, ASCII case aside? */
static int has_word(const char *hay, size_t hl, const char *w, size_t wl)
{
    if (!wl) return 1;
    for (size_t i = 0; i + wl <= hl; i++) {
        if (strncasecmp(hay + i, w, wl) != 0) continue;
        if (i > 0 && is_word_byte((unsigned char)hay[i - 1])) continue;
        if (i + wl < hl && is_word_byte((unsigned char)hay[i + wl])) continue;
        return 1;
    }
    return 0;
}

/* Every word of query q occurs in a (length al) or in b (NUL-terminated, may
 * be NULL). */
static int words_match(const char *q, const char *a, size_t al, const char *b)
{
    if (!q) return 1;
    const char *p = q;
    while (*p) {
        while (*p && !is_word_byte((unsigned char)*p)) p++;
        const char *w = p;
        while (*p && is_word_byte((unsigned char)*p)) p++;
        size_t wl = (size_t)(p - w);
        if (!wl) break;
        if (!has_word(a, al, w, wl) && !(b && has_word(b, strlen(b), w, wl))) return 0;
    }
    return 1;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? dl_strndup(s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

void dl_quote_hits_free(dl_quote_hit *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].speaker);
        free(v[i].text);
    }
    free(v);
}

typedef DL_VEC(dl_quote_hit) hitvec;

/* Runs one quotes statement: binds (from, to[, key]) and appends matching
 * rows to *hits until limit.  DL_OK, DL_ESTORE or DL_ENOMEM. */
static int quote_rows(dl_archive *ar, const char *sql, const dl_quote_query *q,
                      const char *key, size_t limit, hitvec *hits)
{
    sqlite3_stmt *st = dl_archive_prepare(ar, sql);
    if (!st) return DL_ESTORE;
    sqlite3_bind_int64(st, 1, q->has_from ? q->from_day : INT32_MIN);
    sqlite3_bind_int64(st, 2, q->has_to ? q->to_day : INT32_MAX);
    if (key) sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    int rc = DL_OK, s = SQLITE_DONE;
    while (hits->n < limit && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *txt = (const char *)sqlite3_column_blob(st, 1);
        size_t tl = (size_t)sqlite3_column_bytes(st, 1);
        const char *sp = (const char *)sqlite3_column_text(st, 0);
        if (!txt) txt = "", tl = 0;
        if (!words_match(q->text, txt, tl, sp)) continue;
        dl_quote_hit h = {0};
        h.speaker = col_dup(st, 0);
        h.text = dl_strndup(txt, tl);
        snprintf(h.date, sizeof h.date, "%s", (const char *)sqlite3_column_text(st, 2));
        snprintf(h.id, sizeof h.id, "%s", (const char *)sqlite3_column_text(st, 3));
        h.start = (uint32_t)sqlite3_column_int64(st, 4);
        h.end = (uint32_t)sqlite3_column_int64(st, 5);
        if (!h.text || (sqlite3_column_type(st, 0) != SQLITE_NULL && !h.speaker) ||
            dl_vec_push(hits, h)) {
            free(h.speaker);
            free(h.text);
            rc = DL_ENOMEM;
            break;
        }
    }
    if (rc == DL_OK && hits->n < limit && s != SQLITE_DONE)
        rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    return rc;
}

#define QUOTE_COLS                                                                   \
    "SELECT q.speaker, substr(CAST(a.text AS BLOB), q.start + 1, q.end - q.start),"  \
    " a.date, a.id, q.start, q.end FROM quotes q"                                    \
    " JOIN articles a ON a.docno = q.docno AND a.dup_of IS NULL" /* copies: once */
#define QUOTE_ORDER " ORDER BY q.day DESC, q.docno DESC, q.start"

int dl_archive_quotes(dl_archive *ar, const dl_quote_query *q, dl_quote_hit **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t limit = q->limit ? q->limit : DEFAULT_LIMIT;
    hitvec hits = {0};
    int rc;
    if (q->speaker && *q->speaker) {
        char *key = dl_utf8_fold(q->speaker);
        if (!key) return DL_ENOMEM;
        rc = quote_rows(ar, QUOTE_COLS " WHERE q.speaker_key = ?3 AND q.day BETWEEN ?1 AND ?2"
                            QUOTE_ORDER, q, key, limit, &hits);
        if (rc == DL_OK && hits.n == 0) {
            /* a part of the name: "Johnson" finds "Boris Johnson" */
            size_t kl = strlen(key);
            char *pat = dl_malloc(kl + 3);
            if (!pat) rc = DL_ENOMEM;
            else {
                snprintf(pat, kl + 3, " %s ", key);
                rc = quote_rows(ar, QUOTE_COLS " WHERE q.speaker_key IS NOT NULL"
                                    " AND instr(' ' || q.speaker_key || ' ', ?3) > 0"
                                    " AND q.day BETWEEN ?1 AND ?2" QUOTE_ORDER,
                                q, pat, limit, &hits);
                free(pat);
            }
        }
        free(key);
    } else {
        rc = quote_rows(ar, QUOTE_COLS " WHERE q.day BETWEEN ?1 AND ?2" QUOTE_ORDER, q, NULL,
                        limit, &hits);
    }
    if (rc) {
        dl_quote_hits_free(hits.v, hits.n);
        return rc;
    }
    *out = hits.v;
    *n = hits.n;
    return DL_OK;
}

char *dl_quote_hits_json(const dl_quote_hit *v, size_t n, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"quotes\":[");
    for (size_t i = 0; i < n; i++) {
        if (i) dl_buf_addc(&b, ',');
        dl_buf_addc(&b, '{');
        dl_json_key(&b, "speaker"), dl_json_strz(&b, v[i].speaker), dl_buf_addc(&b, ',');
        dl_json_key(&b, "text"), dl_json_strz(&b, v[i].text), dl_buf_addc(&b, ',');
        dl_json_key(&b, "date"), dl_json_strz(&b, v[i].date), dl_buf_addc(&b, ',');
        dl_json_key(&b, "id"), dl_json_strz(&b, v[i].id), dl_buf_addc(&b, ',');
        dl_buf_printf(&b, "\"start\":%u,\"end\":%u}", v[i].start, v[i].end);
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}

/* ------------------------------------------------------------- entities */

void dl_entity_hits_free(dl_entity_hit *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].name);
    free(v);
}

static int type_code(const char *t)
{
    if (!t) return DL_ORG;
    if (!strcmp(t, "PERSON")) return DL_PERSON;
    if (!strcmp(t, "PLACE")) return DL_PLACE;
    return DL_ORG;
}

int dl_archive_entities(dl_archive *ar, const dl_entity_query *q, dl_entity_hit **out,
                        size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t limit = q->limit ? q->limit : DEFAULT_LIMIT;
    /* without a text query the SQL limit applies directly; with one the
     * names are filtered here, so all groups are read in order */
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT name, type, SUM(mentions) AS m, SUM(articles) AS d"
            " FROM entity_days WHERE day BETWEEN ?1 AND ?2"
            " GROUP BY name, type"
            " ORDER BY m DESC, d DESC, name LIMIT ?3");
    if (!st) return DL_ESTORE;
    sqlite3_bind_int64(st, 1, q->has_from ? q->from_day : INT32_MIN);
    sqlite3_bind_int64(st, 2, q->has_to ? q->to_day : INT32_MAX);
    sqlite3_bind_int64(st, 3, q->text && *q->text ? -1 : (sqlite3_int64)limit);
    DL_VEC(dl_entity_hit) hits = {0};
    int rc = DL_OK, s = SQLITE_DONE;
    while (hits.n < limit && (s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name) continue;
        if (q->text && !words_match(q->text, name, strlen(name), NULL)) continue;
        dl_entity_hit h = {0};
        h.name = dl_strdup(name);
        h.type = type_code((const char *)sqlite3_column_text(st, 1));
        h.mentions = (uint64_t)sqlite3_column_int64(st, 2);
        h.articles = (uint64_t)sqlite3_column_int64(st, 3);
        if (!h.name || dl_vec_push(&hits, h)) {
            free(h.name);
            rc = DL_ENOMEM;
            break;
        }
    }
    if (rc == DL_OK && hits.n < limit && s != SQLITE_DONE)
        rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    if (rc) {
        dl_entity_hits_free(hits.v, hits.n);
        return rc;
    }
    *out = hits.v;
    *n = hits.n;
    return DL_OK;
}

char *dl_entity_hits_json(const dl_entity_hit *v, size_t n, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"entities\":[");
    for (size_t i = 0; i < n; i++) {
        const char *t = v[i].type == DL_PERSON ? "PERSON" : v[i].type == DL_PLACE ? "PLACE" : "ORG";
        if (i) dl_buf_addc(&b, ',');
        dl_buf_addc(&b, '{');
        dl_json_key(&b, "name"), dl_json_strz(&b, v[i].name), dl_buf_addc(&b, ',');
        dl_json_key(&b, "type"), dl_json_strz(&b, t), dl_buf_addc(&b, ',');
        dl_buf_printf(&b, "\"mentions\":%llu,\"articles\":%llu}",
                      (unsigned long long)v[i].mentions, (unsigned long long)v[i].articles);
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}
