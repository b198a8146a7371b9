/*
 * stories.c -- reading stories back (dl_stories, dl_stories_json): the
 * stories with articles in a date range, optionally about a query.
 */
#include "story.h"
#include "../store/store.h"
#include "../text/buf.h"
#include "../text/token.h"

#include <stdio.h>

int dl_story_schema_missing(dl_archive *ar)
{
    const char *m = sqlite3_errmsg(ar->db);
    return m && (strstr(m, "no such table") || strstr(m, "no such column"));
}

void dl_stories_free(dl_story *s, size_t n)
{
    if (!s) return;
    for (size_t i = 0; i < n; i++) {
        free(s[i].label);
        free(s[i].articles);
    }
    free(s);
}

/* The stems of the query's required words ("-word" and OR are ignored:
 * a story matches when its centroid holds every required stem). */
static int query_stems(dl_stemmer *sm, const char *q, dl_termvec *out)
{
    if (!q) return DL_OK;
    size_t len = strlen(q);
    dl_tokvec toks = {0};
    if (dl_tokenize(q, len, &toks)) return DL_ENOMEM;
    int rc = DL_OK;
    for (size_t i = 0; i < toks.n && !rc; i++) {
        const dl_token *t = &toks.v[i];
        if (t->kind != DL_TOK_WORD) continue;
        if (t->start > 0 && q[t->start - 1] == '-') continue;
        if (t->end - t->start == 2 && memcmp(q + t->start, "OR", 2) == 0) continue;
        char stem[256];
        if (!dl_stem_word(sm, q + t->start, t->end - t->start, stem, sizeof stem)) continue;
        dl_term x = {dl_strdup(stem), dl_strdup(""), 1};
        if (!x.term || !x.surface || dl_vec_push(out, x)) {
            free(x.term);
            free(x.surface);
            rc = DL_ENOMEM;
        }
    }
    dl_vec_free(&toks);
    return rc;
}

/* Does the state text (lines "term TAB surface TAB weight") hold every
 * stem of q? */
static int state_matches(const char *st, size_t n, const dl_termvec *q)
{
    for (size_t i = 0; i < q->n; i++) {
        size_t tl = strlen(q->v[i].term);
        int found = 0;
        const char *p = st, *end = st + n;
        while (p && p < end && !found) {
            if ((size_t)(end - p) > tl && memcmp(p, q->v[i].term, tl) == 0 && p[tl] == '\t')
                found = 1;
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : NULL;
        }
        if (!found) return 0;
    }
    return 1;
}

static int cmp_story(const void *a, const void *b)
{
    const dl_story *x = a, *y = b;
    if (x->n_articles != y->n_articles) return x->n_articles > y->n_articles ? -1 : 1;
    int c = strcmp(x->first, y->first);
    return c ? c : strcmp(x->id, y->id);
}

int dl_stories(dl_archive *ar, const char *query, const char *from, const char *to,
               dl_story **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int32_t lo = INT32_MIN, hi = INT32_MAX;
    if ((from && dl_date_parse(from, strlen(from), &lo)) ||
        (to && dl_date_parse(to, strlen(to), &hi)))
        return dl_archive_fail(ar, DL_EINVAL, "dates are YYYY-MM-DD");
    dl_stemmer *sm = dl_stemmer_new();
    if (!sm) return DL_ENOMEM;
    dl_termvec q = {0};
    int rc = query_stems(sm, query, &q);
    dl_stemmer_free(sm);
    if (rc) return rc;
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT s.story, s.label, s.state, a.id, a.day FROM articles a"
            " JOIN stories s ON s.story = a.story WHERE a.day BETWEEN ? AND ?"
            " ORDER BY s.story, a.day, a.docno");
    if (!st) {
        dl_terms_free(&q);
        return dl_story_schema_missing(ar) ? DL_OK : DL_ESTORE;
    }
    sqlite3_bind_int64(st, 1, lo);
    sqlite3_bind_int64(st, 2, hi);
    DL_VEC(dl_story) v = {0};
    int64_t cur = -1;
    int skip = 0;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && !rc) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != cur) {
            cur = id;
            skip = q.n && !state_matches((const char *)sqlite3_column_blob(st, 2),
                                         (size_t)sqlite3_column_bytes(st, 2), &q);
            if (skip) continue;
            dl_story x;
            memset(&x, 0, sizeof x);
            snprintf(x.id, sizeof x.id, "%lld", (long long)id);
            const char *label = (const char *)sqlite3_column_text(st, 1);
            x.label = dl_strdup(label ? label : "");
            if (!x.label || dl_vec_push(&v, x)) {
                free(x.label);
                rc = DL_ENOMEM;
                break;
            }
            cap = 0;
        }
        if (skip) continue;
        dl_story *x = &v.v[v.n - 1];
        if (x->n_articles == cap) {
            size_t nc = cap ? cap * 2 : 4;
            void *p = realloc(x->articles, nc * sizeof *x->articles);
            if (!p) {
                rc = DL_ENOMEM;
                break;
            }
            x->articles = p;
            cap = nc;
        }
        snprintf(x->articles[x->n_articles++], DL_ID_MAX, "%s",
                 (const char *)sqlite3_column_text(st, 3));
        int32_t day = (int32_t)sqlite3_column_int64(st, 4);
        if (x->n_articles == 1) dl_date_format(day, x->first);
        dl_date_format(day, x->last);
    }
    if (!rc && s != SQLITE_DONE && s != SQLITE_ROW)
        rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    sqlite3_finalize(st);
    dl_terms_free(&q);
    if (rc) {
        dl_stories_free(v.v, v.n);
        return rc;
    }
    if (v.n) dl_qsort(v.v, v.n, sizeof *v.v, cmp_story);
    *out = v.v;
    *n = v.n;
    return DL_OK;
}

char *dl_stories_json(const dl_story *s, size_t n, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"stories\": [");
    for (size_t i = 0; i < n; i++) {
        if (i) dl_buf_adds(&b, ", ");
        dl_buf_adds(&b, "{\"id\": ");
        dl_json_strz(&b, s[i].id);
        dl_buf_adds(&b, ", \"label\": ");
        dl_json_strz(&b, s[i].label);
        dl_buf_adds(&b, ", \"first\": ");
        dl_json_strz(&b, s[i].first);
        dl_buf_adds(&b, ", \"last\": ");
        dl_json_strz(&b, s[i].last);
        dl_buf_adds(&b, ", \"articles\": [");
        for (size_t j = 0; j < s[i].n_articles; j++) {
            if (j) dl_buf_adds(&b, ", ");
            dl_json_strz(&b, s[i].articles[j]);
        }
        dl_buf_adds(&b, "]}");
    }
    dl_buf_adds(&b, "]}");
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, len);
}
