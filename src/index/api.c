/*
 * api.c -- the public search calls (dateline.h): dl_search_docs,
 * dl_search with snippets, the SPEC 4 JSON, and dl_index_optimize.
 *
 * Snippets: the stored text is tokenized again; words whose term is one of
 * the query's positive terms are matches.  The snippet is the window of
 * SNIPPET_WORDS words holding the most matches (first such window), white
 * space runs collapsed to one space, matches wrapped in [ ], and "..." at
 * a cut end.  Linear in the article's length.
 */
#include "query.h"
#include "segment.h"
#include "../text/buf.h"
#include "../text/token.h"

#include <time.h>

#define SNIPPET_WORDS 30

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Parses query on the archive's index; DL_ESYNTAX with the message set. */
static int prepare(dl_archive *ar, const char *query, dl_index **ix, dl_query **q)
{
    *q = NULL;
    int rc = dl_index_get(ar, ix);
    if (rc) return rc;
    rc = dl_index_refresh(*ix);
    if (rc) return rc;
    const char *err;
    rc = dl_query_parse((*ix)->termer, query, strlen(query), q, &err);
    if (rc == DL_ESYNTAX) return dl_archive_fail(ar, rc, "%s", err);
    return rc;
}

int dl_search_docs(dl_archive *ar, const char *query, int32_t from_day, int32_t to_day,
                   size_t n, dl_scored **out, size_t *n_out, uint64_t *total)
{
    *out = NULL;
    *n_out = 0;
    if (total) *total = 0;
    if (!query) return DL_EINVAL;
    dl_index *ix;
    dl_query *q;
    int rc = prepare(ar, query, &ix, &q);
    if (rc) return rc;
    dl_scored *res = n ? dl_malloc(n * sizeof *res) : NULL;
    if (n && !res) {
        dl_query_free(q);
        return DL_ENOMEM;
    }
    rc = dl_index_search(ix, q, from_day, to_day, n, res, n_out, total);
    dl_query_free(q);
    if (rc || !*n_out) {
        free(res);
        *n_out = rc ? 0 : *n_out;
        return rc;
    }
    *out = res;
    return DL_OK;
}

/* Appends text[a,b) with white space runs as one space. */
static void add_collapsed(dl_buf *b, const char *s, size_t a, size_t e)
{
    int sp = 0;
    for (size_t i = a; i < e; i++) {
        char c = s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            sp = 1;
            continue;
        }
        if (sp) dl_buf_addc(b, ' ');
        sp = 0;
        dl_buf_addc(b, c);
    }
    if (sp) dl_buf_addc(b, ' ');
}

static char *make_snippet(dl_termer *t, const dl_query *q, const char *text, size_t len,
                          dl_tokvec *toks)
{
    toks->n = 0;
    if (dl_tokenize(text, len, toks)) return NULL;
    /* keep only word tokens, flag matches (flags bit 0x8000) */
    size_t nw = 0;
    for (size_t i = 0; i < toks->n; i++) {
        dl_token tk = toks->v[i];
        const char *term;
        size_t tl = dl_termer_term(t, text + tk.start, tk.end - tk.start, tk.kind, &term, NULL);
        if (!tl) continue;
        tk.flags = dl_query_has_term(q, term, tl) ? 1 : 0;
        toks->v[nw++] = tk;
    }
    size_t best = 0, best_n = 0, cur = 0;
    for (size_t i = 0; i < nw; i++) {
        cur += toks->v[i].flags;
        if (i >= SNIPPET_WORDS) cur -= toks->v[i - SNIPPET_WORDS].flags;
        size_t start = i + 1 >= SNIPPET_WORDS ? i + 1 - SNIPPET_WORDS : 0;
        if (cur > best_n) {
            best_n = cur;
            best = start;
        }
    }
    /* centre a lone early match a little: start a few words before it */
    size_t endw = DL_MIN(best + SNIPPET_WORDS, nw);
    dl_buf b = {0};
    if (nw == 0) {
        add_collapsed(&b, text, 0, DL_MIN(len, (size_t)200));
    } else {
        size_t a = best == 0 ? 0 : toks->v[best].start;
        if (best > 0) dl_buf_adds(&b, "...");
        size_t at = a;
        for (size_t i = best; i < endw; i++) {
            dl_token tk = toks->v[i];
            if (!tk.flags) continue;
            add_collapsed(&b, text, at, tk.start);
            dl_buf_addc(&b, '[');
            dl_buf_add(&b, text + tk.start, tk.end - tk.start);
            dl_buf_addc(&b, ']');
            at = tk.end;
        }
        size_t e = endw >= nw ? len : toks->v[endw - 1].end;
        add_collapsed(&b, text, at, e);
        if (endw < nw) dl_buf_adds(&b, "...");
    }
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    char *s = dl_buf_detach(&b, NULL);
    return s ? s : dl_strdup("");
}

void dl_results_free(dl_results *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_hits; i++) {
        free(r->hits[i].title);
        free(r->hits[i].snippet);
    }
    free(r->hits);
    free(r->query);
    free(r);
}

int dl_search(dl_archive *ar, const char *query, int32_t from_day, int32_t to_day, size_t n,
              dl_results **out)
{
    double t0 = now_ms();
    *out = NULL;
    if (!query) return DL_EINVAL;
    dl_results *r = dl_calloc(1, sizeof *r);
    if (!r) return DL_ENOMEM;
    r->query = dl_strdup(query);
    dl_index *ix;
    dl_query *q = NULL;
    dl_scored *sc = NULL;
    dl_tokvec toks = {0};
    int rc = r->query ? prepare(ar, query, &ix, &q) : DL_ENOMEM;
    if (rc) goto out;
    rc = DL_ENOMEM;
    if (n && !(sc = dl_malloc(n * sizeof *sc))) goto out;
    size_t nh = 0;
    rc = dl_index_search(ix, q, from_day, to_day, n, sc, &nh, &r->total);
    if (rc) goto out;
    rc = DL_ENOMEM;
    if (nh && !(r->hits = dl_calloc(nh, sizeof *r->hits))) goto out;
    if (nh && !ix->st_doc) {
        ix->st_doc = dl_archive_prepare(ar, "SELECT id, date, title, text FROM articles"
                                            " WHERE docno = ?");
        if (!ix->st_doc) {
            rc = DL_ESTORE;
            goto out;
        }
    }
    rc = DL_OK;
    for (size_t i = 0; i < nh && !rc; i++) {
        dl_hit *h = &r->hits[r->n_hits];
        sqlite3_stmt *st = ix->st_doc;
        sqlite3_bind_int64(st, 1, sc[i].docno);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            const char *date = (const char *)sqlite3_column_text(st, 1);
            snprintf(h->id, sizeof h->id, "%s", id ? id : "");
            snprintf(h->date, sizeof h->date, "%s", date ? date : "");
            h->docno = sc[i].docno;
            h->score = sc[i].score;
            const char *title = (const char *)sqlite3_column_text(st, 2);
            if (title) h->title = dl_strndup(title, (size_t)sqlite3_column_bytes(st, 2));
            const char *text = (const char *)sqlite3_column_text(st, 3);
            size_t tl = (size_t)sqlite3_column_bytes(st, 3);
            h->snippet = make_snippet(ix->termer, q, text ? text : "", text ? tl : 0, &toks);
            r->n_hits++;
            if ((title && !h->title) || !h->snippet) rc = DL_ENOMEM;
        } else if (src != SQLITE_DONE) {
            rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
        } else {
            rc = dl_archive_fail(ar, DL_ECORRUPT, "index names a missing article %lld",
                                 (long long)sc[i].docno);
        }
        sqlite3_reset(st);
    }
out:
    dl_vec_free(&toks);
    free(sc);
    dl_query_free(q);
    if (rc) {
        dl_results_free(r);
        return rc;
    }
    r->took_ms = now_ms() - t0;
    *out = r;
    return DL_OK;
}

char *dl_results_json(const dl_results *r, size_t *len)
{
    dl_buf b = {0};
    dl_buf_addc(&b, '{');
    dl_json_key(&b, "query");
    dl_json_strz(&b, r->query);
    dl_buf_printf(&b, ", \"total\": %llu, \"took_ms\": %.3f, \"hits\": [",
                  (unsigned long long)r->total, r->took_ms);
    for (size_t i = 0; i < r->n_hits; i++) {
        const dl_hit *h = &r->hits[i];
        dl_buf_adds(&b, i ? ", {" : "{");
        dl_json_key(&b, "id");
        dl_json_strz(&b, h->id);
        dl_buf_adds(&b, ", ");
        dl_json_key(&b, "date");
        dl_json_strz(&b, h->date);
        dl_buf_adds(&b, ", \"score\": ");
        dl_json_double(&b, h->score);
        dl_buf_adds(&b, ", ");
        dl_json_key(&b, "title");
        dl_json_strz(&b, h->title);
        dl_buf_adds(&b, ", ");
        dl_json_key(&b, "snippet");
        dl_json_strz(&b, h->snippet);
        dl_buf_addc(&b, '}');
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}

int dl_index_optimize(dl_archive *ar)
{
    if (!ar->writable) return dl_archive_fail(ar, DL_EINVAL, "archive opened read-only");
    dl_index *ix;
    int rc = dl_index_get(ar, &ix);
    if (rc) return rc;
    return dl_index_merge(ix, 1);
}
