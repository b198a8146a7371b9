/*
 * query.c -- the query language (docs/internals/index.md, "Query
 * language"): words (all required), "phrases", -excluded words or
 * phrases, and OR between alternatives.  OR binds tighter than the
 * implicit AND: `brexit may OR johnson` means brexit AND (may OR johnson).
 *
 * Every word goes through the shared tokenizer and the index's termer, so
 * a query word matches exactly what indexing made of the same word.  A word
 * that the tokenizer splits (e-mail, U.S.) becomes a phrase of its parts.
 * Words that yield no term (punctuation) are dropped; a misplaced OR (at
 * either end, next to another OR or to an excluded item) is ignored.  The
 * only errors: nothing left to search for, or more than DL_QUERY_MAX_TERMS
 * terms.  Work is linear in the query's length.
 */
#include "query.h"
#include "../text/buf.h"
#include "../text/token.h"

void dl_query_free(dl_query *q)
{
    if (!q) return;
    dl_vec_free(&q->terms);
    dl_vec_free(&q->clauses);
    dl_vec_free(&q->groups);
    dl_vec_free(&q->excl);
    free(q);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Tokenizes s[0,n) into terms appended to q->terms; the clause covers them. */
static int add_terms(dl_termer *t, dl_query *q, dl_tokvec *toks, const char *s, size_t n,
                     qclause *cl)
{
    toks->n = 0;
    if (dl_tokenize(s, n, toks)) return DL_ENOMEM;
    cl->t0 = (uint32_t)q->terms.n;
    for (size_t i = 0; i < toks->n; i++) {
        const char *term;
        size_t len = dl_termer_term(t, s + toks->v[i].start, toks->v[i].end - toks->v[i].start,
                                    toks->v[i].kind, &term, NULL);
        if (!len) continue;
        if (q->terms.n >= DL_QUERY_MAX_TERMS) return DL_ETOOBIG;
        if (dl_vec_push(&q->terms, ((qterm){term, (uint32_t)len}))) return DL_ENOMEM;
    }
    cl->nt = (uint32_t)(q->terms.n - cl->t0);
    return DL_OK;
}

int dl_query_parse(dl_termer *t, const char *s, size_t n, dl_query **out, const char **err)
{
    *out = NULL;
    *err = NULL;
    dl_query *q = dl_calloc(1, sizeof *q);
    if (!q) return DL_ENOMEM;
    dl_tokvec toks = {0};
    int rc = DL_OK;
    int pending_or = 0;   /* an OR was read after the last positive item */
    int last_positive = 0;/* the previous item was positive (OR may follow) */
    size_t i = 0;
    while (i < n && !rc) {
        while (i < n && is_space(s[i])) i++;
        if (i >= n) break;
        int excl = 0, quoted = 0;
        if (s[i] == '-' && i + 1 < n && !is_space(s[i + 1])) {
            excl = 1;
            i++;
        }
        size_t b, e;
        if (s[i] == '"') {
            quoted = 1;
            b = ++i;
            while (i < n && s[i] != '"') i++;
            e = i;
            if (i < n) i++; /* closing quote; a missing one ends at the end */
        } else {
            b = i;
            while (i < n && !is_space(s[i]) && s[i] != '"') i++;
            e = i;
        }
        if (!excl && !quoted && e - b == 2 && s[b] == 'O' && s[b + 1] == 'R') {
            pending_or = last_positive; /* OR only joins two positive items */
            continue;
        }
        qclause cl;
        rc = add_terms(t, q, &toks, s + b, e - b, &cl);
        if (rc || cl.nt == 0) continue;
        if (excl) {
            rc = dl_vec_push(&q->excl, cl);
            pending_or = last_positive = 0;
            continue;
        }
        rc = dl_vec_push(&q->clauses, cl);
        if (rc) break;
        if (pending_or && q->groups.n) {
            q->groups.v[q->groups.n - 1].nc++;
        } else {
            rc = dl_vec_push(&q->groups, ((qgroup){(uint32_t)q->clauses.n - 1, 1}));
        }
        pending_or = 0;
        last_positive = 1;
    }
    dl_vec_free(&toks);
    if (!rc && q->groups.n == 0) {
        rc = DL_ESYNTAX;
        *err = q->excl.n ? "the query only excludes; give at least one word to find"
                         : "the query has no words to search for";
    } else if (rc == DL_ETOOBIG) {
        rc = DL_ESYNTAX;
        *err = "the query has too many words (at most 256)";
    }
    if (rc) {
        if (!*err) *err = dl_strerror(rc);
        dl_query_free(q);
        return rc;
    }
    *out = q;
    return DL_OK;
}

static void describe_clause(dl_buf *b, const dl_query *q, const qclause *c)
{
    if (c->nt > 1) dl_buf_addc(b, '"');
    for (uint32_t i = 0; i < c->nt; i++) {
        if (i) dl_buf_addc(b, ' ');
        dl_buf_add(b, q->terms.v[c->t0 + i].s, q->terms.v[c->t0 + i].len);
    }
    if (c->nt > 1) dl_buf_addc(b, '"');
}

char *dl_query_describe(const dl_query *q)
{
    dl_buf b = {0};
    for (size_t g = 0; g < q->groups.n; g++) {
        const qgroup *gr = &q->groups.v[g];
        if (g) dl_buf_addc(&b, ' ');
        if (gr->nc > 1) dl_buf_addc(&b, '(');
        for (uint32_t c = 0; c < gr->nc; c++) {
            if (c) dl_buf_addc(&b, '|');
            describe_clause(&b, q, &q->clauses.v[gr->c0 + c]);
        }
        if (gr->nc > 1) dl_buf_addc(&b, ')');
    }
    for (size_t x = 0; x < q->excl.n; x++) {
        dl_buf_adds(&b, " -");
        describe_clause(&b, q, &q->excl.v[x]);
    }
    if (b.err) {
        dl_buf_free(&b);
        return NULL;
    }
    return dl_buf_detach(&b, NULL);
}

int dl_query_has_term(const dl_query *q, const char *term, size_t len)
{
    for (size_t c = 0; c < q->clauses.n; c++) {
        const qclause *cl = &q->clauses.v[c];
        for (uint32_t i = 0; i < cl->nt; i++) {
            const qterm *t = &q->terms.v[cl->t0 + i];
            if (t->len == len && memcmp(t->s, term, len) == 0) return 1;
        }
    }
    return 0;
}
