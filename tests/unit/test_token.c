/*
 * test_token.c -- the shared tokenizer (src/text/token.c): token kinds and
 * exact byte offsets for words, numbers, abbreviations, URLs, e-mail,
 * hyphens, apostrophes and quotes; the flags later stages read; invalid
 * UTF-8; the abbreviation lexicon.  All texts are invented for the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "text/token.h"

int dl_abbrev_table_sorted_(void);

/* Tokenizes s and renders the tokens as "text|text|..." into out. */
static dl_tokvec toks;
static const char *render(const char *s)
{
    static char out[4096];
    size_t o = 0;
    dl_vec_free(&toks);
    assert_int_equal(dl_tokenize(s, strlen(s), &toks), DL_OK);
    out[0] = 0;
    for (size_t i = 0; i < toks.n; i++) {
        size_t n = toks.v[i].end - toks.v[i].start;
        assert_true(o + n + 2 < sizeof out);
        if (i) out[o++] = '|';
        memcpy(out + o, s + toks.v[i].start, n);
        o += n;
    }
    out[o] = 0;
    return out;
}

/* The token whose text is w (first one), or fails. */
static const dl_token *find(const char *s, const char *w)
{
    for (size_t i = 0; i < toks.n; i++)
        if (toks.v[i].end - toks.v[i].start == strlen(w) &&
            memcmp(s + toks.v[i].start, w, strlen(w)) == 0)
            return &toks.v[i];
    fail_msg("no token '%s'", w);
    return NULL;
}

static void test_words_numbers(void **state)
{
    (void)state;
    assert_string_equal(render("The 53-year-old paid $1,000.50 for 3.5m shares in 1990s."),
                        "The|53|-|year|-|old|paid|$|1,000.50|for|3.5m|shares|in|1990s|.");
    const char *s = "The 53-year-old paid $1,000.50 for 3.5m shares in 1990s.";
    render(s);
    assert_int_equal(find(s, "1,000.50")->kind, DL_TOK_NUMBER);
    assert_int_equal(find(s, "53")->kind, DL_TOK_NUMBER);
    assert_int_equal(find(s, "1990s")->kind, DL_TOK_WORD);
    assert_int_equal(find(s, "$")->kind, DL_TOK_PUNCT);
    assert_true(find(s, "-")->flags & DL_TF_INFIX);
    assert_true(find(s, "The")->flags & DL_TF_CAP);
    assert_true(find(s, "paid")->flags & DL_TF_LOWER);
    assert_true(find(s, ".")->flags & DL_TF_TERM);
    /* a number's trailing period is no decimal point; .45 is a number */
    assert_string_equal(render("bought 1,000.That .45 caliber"),
                        "bought|1,000|.|That|.45|caliber");
    assert_string_equal(render("x 1026.253.553. y"), "x|1026.253.553|.|y");
}

static void test_apostrophes_quotes(void **state)
{
    (void)state;
    const char *s = "\"Don't,\" said O'Neill. \xE2\x80\x9CKim\xE2\x80\x99s\xE2\x80\x9D 'ok' "
                    "the players' rock";
    assert_string_equal(render(s), "\"|Don't|,|\"|said|O'Neill|.|\xE2\x80\x9C|Kim\xE2\x80\x99s|"
                                   "\xE2\x80\x9D|'|ok|'|the|players|'|rock");
    assert_true(toks.v[0].flags & DL_TF_QUOTE);
    assert_true(toks.v[0].flags & DL_TF_OPEN);
    assert_true(toks.v[3].flags & DL_TF_CLOSE);
    assert_true(toks.v[7].flags & DL_TF_OPEN);  /* “ */
    assert_true(toks.v[9].flags & DL_TF_CLOSE); /* ” */
    assert_true(toks.v[10].flags & DL_TF_OPEN); /* 'ok */
    assert_true(toks.v[12].flags & DL_TF_CLOSE);
    /* offsets are byte offsets: “ is 3 bytes */
    assert_int_equal(toks.v[8].start, toks.v[7].start + 3);
}

static void test_abbreviations(void **state)
{
    (void)state;
    const char *s = "Mr. Smith of the U.S.A. met Dr. Roe at 5 a.m. on Jan. 5, e.g. here.";
    assert_string_equal(render(s),
                        "Mr|.|Smith|of|the|U.S.A.|met|Dr|.|Roe|at|5|a.m.|on|Jan|.|5|,|e.g.|here|.");
    assert_true(find(s, "Mr")->flags & DL_TF_ABBR);
    assert_true(toks.v[1].flags & DL_TF_ABBR_DOT);
    assert_true(find(s, "U.S.A.")->flags & DL_TF_ABBR);
    assert_true(find(s, "a.m.")->flags & DL_TF_ABBR);
    assert_true(find(s, "Jan")->flags & DL_TF_ABBR);
    assert_false(find(s, "here")->flags & DL_TF_ABBR);
    assert_false(toks.v[toks.n - 1].flags & DL_TF_ABBR_DOT);

    assert_int_equal(dl_abbrev_class("Mr", 2), DL_ABBR_TITLE);
    assert_int_equal(dl_abbrev_class("Gen", 3), DL_ABBR_TITLE);
    assert_int_equal(dl_abbrev_class("Co", 2), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("co", 2), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("No", 2), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("no", 2), DL_ABBR_NONE);
    assert_int_equal(dl_abbrev_class("Mass", 4), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("mass", 4), DL_ABBR_NONE);
    assert_int_equal(dl_abbrev_class("U.S.", 4), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("U.S", 3), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("e.g.", 4), DL_ABBR_INNER);
    assert_int_equal(dl_abbrev_class("E", 1), DL_ABBR_ANY);
    assert_int_equal(dl_abbrev_class("house", 5), DL_ABBR_NONE);
    assert_int_equal(dl_abbrev_class("", 0), DL_ABBR_NONE);
    assert_int_equal(dl_abbrev_class("caf\xC3\xA9", 5), DL_ABBR_NONE);
    assert_true(dl_abbrev_table_sorted_());
}

static void test_urls_email(void **state)
{
    (void)state;
    const char *s = "See https://www.example.50.com/new-site/awesome_content.html. "
                    "Or (www.example.org/a_(b)), mail Jane.Doe@example.co.uk, "
                    "or x@y, http://.";
    assert_string_equal(render(s), "See|https://www.example.50.com/new-site/awesome_content.html|.|"
                                   "Or|(|www.example.org/a_(b)|)|,|mail|Jane.Doe@example.co.uk|,|"
                                   "or|x|@|y|,|http|:|/|/|.");
    assert_true(find(s, "https://www.example.50.com/new-site/awesome_content.html")->flags &
                DL_TF_URL);
    assert_true(find(s, "www.example.org/a_(b)")->flags & DL_TF_URL);
    const dl_token *e = find(s, "Jane.Doe@example.co.uk");
    assert_true(e->flags & DL_TF_EMAIL);
    assert_true(e->flags & DL_TF_SPACE);
    assert_int_equal(e->kind, DL_TOK_WORD);
}

static void test_punct_runs_and_lines(void **state)
{
    (void)state;
    const char *s = "Wait... what?! \xE2\x80\xA6 . . .\n\xE2\x80\xA2 item\r\n\r\nNext";
    assert_string_equal(render(s), "Wait|...|what|?|!|\xE2\x80\xA6|.|.|.|\xE2\x80\xA2|item|Next");
    assert_true(toks.v[1].flags & DL_TF_ELLIPSIS);
    assert_true(toks.v[5].flags & DL_TF_ELLIPSIS);
    assert_false(toks.v[6].flags & DL_TF_ELLIPSIS);
    assert_true(toks.v[9].flags & DL_TF_BULLET);
    assert_true(toks.v[9].flags & DL_TF_NEWLINE);
    assert_false(toks.v[9].flags & DL_TF_PARA);
    assert_true(toks.v[11].flags & DL_TF_PARA);
    assert_true(toks.v[0].flags & DL_TF_SPACE); /* the start of text counts */
    assert_false(toks.v[3].flags & DL_TF_SPACE);
}

static void test_invalid_utf8_and_scripts(void **state)
{
    (void)state;
    /* an invalid byte is one PUNCT token; other scripts are words */
    const char *s = "a\xFF" "b \xC3\x28 caf\xC3\xA9 \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 "
                    "\xE4\xB8\xAD\xE6\x96\x87\xC2\xA0x";
    assert_string_equal(render(s), "a|\xFF|b|\xC3|(|caf\xC3\xA9|\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA"
                                   "\xD0\xB2\xD0\xB0|\xE4\xB8\xAD\xE6\x96\x87|x");
    assert_int_equal(toks.v[1].kind, DL_TOK_PUNCT);
    assert_true(toks.v[6].flags & DL_TF_CAP); /* Москва */
    assert_true(toks.v[8].flags & DL_TF_SPACE); /* after a no-break space */
    /* the empty text has no tokens */
    assert_string_equal(render(""), "");
    assert_string_equal(render(" \n\t "), "");
}

/* Random bytes: tokens stay in order, inside the text, never empty. */
static void test_random_invariants(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "Z", "1", ".", ",", "'", "\"", " ", "\n", "@",
                                         ":", "/", "-", "\xE2\x80\x9C", "\xE2\x80\x99", "\xFF",
                                         "www", "http", "U.S.", "Mr", "...", "\xC3", "(", ")"};
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        int parts = (int)(seed % 60);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *x = pieces[(seed >> 16) % DL_ARRAY_LEN(pieces)];
            size_t l = strlen(x);
            if (n + l >= sizeof buf) break;
            memcpy(buf + n, x, l);
            n += l;
        }
        seed = seed * 1103515245u + 12345u;
        dl_tokvec v = {0};
        assert_int_equal(dl_tokenize(buf, n, &v), DL_OK);
        uint32_t pos = 0;
        for (size_t i = 0; i < v.n; i++) {
            assert_true(v.v[i].start >= pos);
            assert_true(v.v[i].end > v.v[i].start);
            assert_true(v.v[i].end <= n);
            pos = v.v[i].end;
        }
        dl_vec_free(&v);
    }
}

static int teardown(void **state)
{
    (void)state;
    dl_vec_free(&toks);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_numbers),
        cmocka_unit_test(test_apostrophes_quotes),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_urls_email),
        cmocka_unit_test(test_punct_runs_and_lines),
        cmocka_unit_test(test_invalid_utf8_and_scripts),
        cmocka_unit_test(test_random_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
