/*
 * test_query.c -- the query parser (src/index/query.c): words, phrases,
 * exclusion, OR precedence, tokenizer-split words, and the error cases.
 * Checks go through dl_query_describe, whose form is
 *   group group ... -excluded   with (a|b) for OR and "a b" for phrases,
 * terms shown stemmed (Snowball English), as the index stores them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "index/index.h"

#include <stdio.h>

static dl_termer *T;

static int setup(void **state)
{
    (void)state;
    return dl_termer_new(&T);
}

static int teardown(void **state)
{
    (void)state;
    dl_termer_free(T);
    return 0;
}

/* Parses q and checks the description (or the error when want is NULL). */
static void check(const char *q, const char *want)
{
    dl_query *pq = NULL;
    const char *err = NULL;
    int rc = dl_query_parse(T, q, strlen(q), &pq, &err);
    if (!want) {
        assert_int_equal(rc, DL_ESYNTAX);
        assert_non_null(err);
        assert_null(pq);
        return;
    }
    assert_int_equal(rc, DL_OK);
    char *d = dl_query_describe(pq);
    assert_non_null(d);
    if (strcmp(d, want)) fail_msg("query '%s': got '%s', want '%s'", q, d, want);
    dl_free(d);
    dl_query_free(pq);
}

static void test_words(void **s)
{
    (void)s;
    check("harbour", "harbour");
    check("Harbour STRIKES", "harbour strike");
    check("  ferries\tresumed  ", "ferri resum");
    check("1,000 workers", "1,000 worker");
}

static void test_phrases(void **s)
{
    (void)s;
    check("\"prime minister\"", "\"prime minist\"");
    check("\"prime minister\" resigned", "\"prime minist\" resign");
    check("\"lonely\"", "lone");                 /* a one-word phrase is a word */
    check("\"open ended", "\"open end\"");      /* missing closing quote: to the end */
    check("e-mail", "\"e mail\"");             /* split by the tokenizer: a phrase */
    check("Mayor’s office", "mayor offic");    /* curly apostrophe, possessive */
}

static void test_exclusion(void **s)
{
    (void)s;
    check("storm -flood", "storm -flood");
    check("storm -\"flash flood\"", "storm -\"flash flood\"");
    check("well-known", "\"well known\"");     /* a hyphen inside a word is not NOT */
    check("storm - flood", "storm flood");      /* a lone dash is punctuation */
}

static void test_or(void **s)
{
    (void)s;
    check("ferry OR bus", "(ferri|bus)");
    check("strike ferry OR bus OR tram", "strike (ferri|bus|tram)");
    check("strike ferry or bus", "strike ferri or bus");   /* lowercase or is a word */
    check("OR ferry", "ferri");                  /* misplaced OR ignored */
    check("ferry OR", "ferri");
    check("ferry OR OR bus", "(ferri|bus)");
    check("ferry OR -bus tram", "ferri tram -bus");
    check("\"night ferry\" OR bus", "(\"night ferri\"|bus)");
}

static void test_errors(void **s)
{
    (void)s;
    check("", NULL);
    check("   ", NULL);
    check("-storm", NULL);
    check("... !!! ---", NULL);
    check("OR", NULL);
    /* too many terms */
    char big[4096] = "";
    for (int i = 0; i < 300; i++) strcat(big, "word ");
    check(big, NULL);
}

static void test_junk(void **s)
{
    (void)s;
    /* invalid UTF-8 and NUL bytes never crash; whatever remains is parsed */
    const char junk[] = "\xff\xfe storm \xc3\x28 \"\x80\x80 rain";
    dl_query *q = NULL;
    const char *err;
    int rc = dl_query_parse(T, junk, sizeof junk - 1, &q, &err);
    assert_true(rc == DL_OK || rc == DL_ESYNTAX);
    dl_query_free(q);
    const char nul[] = "storm\0rain";
    rc = dl_query_parse(T, nul, sizeof nul - 1, &q, &err);
    assert_int_equal(rc, DL_OK);
    dl_query_free(q);
}

/* Term bytes stay valid while the termer grows (a parsed query keeps its
 * term pointers while snippets feed the termer more words). */
static void test_terms_stable(void **s)
{
    (void)s;
    dl_query *q = NULL;
    const char *err;
    assert_int_equal(dl_query_parse(T, "lighthouse keeper", 17, &q, &err), DL_OK);
    char word[32];
    for (int i = 0; i < 200000; i++) { /* several pool chunks of new words */
        int n = snprintf(word, sizeof word, "zq%dxw%d", i, i * 7);
        const char *term;
        dl_termer_term(T, word, (size_t)n, 1 /* DL_TOK_WORD */, &term, NULL);
    }
    char *d = dl_query_describe(q);
    assert_string_equal(d, "lighthous keeper");
    assert_true(dl_query_has_term(q, "keeper", 6));
    dl_free(d);
    dl_query_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),     cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_exclusion), cmocka_unit_test(test_or),
        cmocka_unit_test(test_errors),    cmocka_unit_test(test_junk),
        cmocka_unit_test(test_terms_stable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
