/*
 * test_sentence.c -- the sentence splitter (src/analyze/sentence.c) on
 * invented English news text: abbreviations and titles, numbers, quotes
 * that close a sentence, ellipses, headlines and datelines, lists, lines
 * cut by stray breaks, paragraphs, trimming; the span invariants on random
 * text; and linear time on pathological input (1x against 4x input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"

int dl_sentence_tables_sorted_(void);

/* Splits s and renders the sentences as "one|two|...". */
static const char *split(const char *s)
{
    static char out[8192];
    size_t o = 0;
    dl_doc d;
    dl_doc_init(&d, s, strlen(s), 0);
    assert_int_equal(dl_tokenize(s, d.len, &d.toks), DL_OK);
    assert_int_equal(dl_sentence_split(&d), DL_OK);
    out[0] = 0;
    for (size_t i = 0; i < d.sents.n; i++) {
        size_t n = d.sents.v[i].end - d.sents.v[i].start;
        assert_true(o + n + 2 < sizeof out);
        if (i) out[o++] = '|';
        memcpy(out + o, s + d.sents.v[i].start, n);
        o += n;
    }
    out[o] = 0;
    dl_doc_free(&d);
    return out;
}

static void test_basic_and_abbreviations(void **state)
{
    (void)state;
    assert_true(dl_sentence_tables_sorted_());
    assert_string_equal(split("The vote failed. Lawmakers left! Why? Nobody knows."),
                        "The vote failed.|Lawmakers left!|Why?|Nobody knows.");
    assert_string_equal(split("Dr. Ann Lee met Gen. R. J. Moss and Sen. Kay in St. Paul, Minn., "
                              "on Jan. 4 at 10 a.m. local time."),
                        "Dr. Ann Lee met Gen. R. J. Moss and Sen. Kay in St. Paul, Minn., "
                        "on Jan. 4 at 10 a.m. local time.");
    assert_string_equal(split("The firm moved to the U.S. The move cost $4.5 million. "
                              "It hired U.S. Army veterans."),
                        "The firm moved to the U.S.|The move cost $4.5 million.|"
                        "It hired U.S. Army veterans.");
    assert_string_equal(split("Shares of Acme Inc. rose 2.5 percent. She sold Acme Inc. He "
                              "bought it."),
                        "Shares of Acme Inc. rose 2.5 percent.|She sold Acme Inc.|He bought it.");
    assert_string_equal(split("By 9 p.m. Mr. Diaz had gone. The talks ended at 11 p.m. Mr. Diaz "
                              "then flew home."),
                        "By 9 p.m. Mr. Diaz had gone.|The talks ended at 11 p.m.|"
                        "Mr. Diaz then flew home.");
    assert_string_equal(split("He sold No. 10 for 3,000.Then he left, i.e. he quit."),
                        "He sold No. 10 for 3,000.|Then he left, i.e. he quit.");
    assert_string_equal(split("Write to news@example.org. Or see www.example.org/a.b. Thanks."),
                        "Write to news@example.org.|Or see www.example.org/a.b.|Thanks.");
}

static void test_quotes(void **state)
{
    (void)state;
    assert_string_equal(
        split("\xE2\x80\x9CWe will not resign,\xE2\x80\x9D she said. \xE2\x80\x9CNever.\xE2\x80\x9D "
              "He left."),
        "\xE2\x80\x9CWe will not resign,\xE2\x80\x9D she said.|\xE2\x80\x9CNever.\xE2\x80\x9D|He left.");
    assert_string_equal(split("\"Is it over?\" he asked. 'Yes!' she said. \"Fine.\" They went."),
                        "\"Is it over?\" he asked.|'Yes!' she said.|\"Fine.\"|They went.");
    assert_string_equal(split("``We are back.'' ``Yes!'' he said. ``Good.''"),
                        "``We are back.''|``Yes!'' he said.|``Good.''");
    /* a quoted question, then its speaker and a verb of saying */
    assert_string_equal(split("\"Why now?\" Sen. Ann Lee asked. \"Who knows!\" Roe said on "
                              "Friday. \"Why?\" Roe said the plan was bad."),
                        "\"Why now?\" Sen. Ann Lee asked.|\"Who knows!\" Roe said on Friday.|"
                        "\"Why?\"|Roe said the plan was bad.");
    assert_string_equal(split("He called it \xE2\x80\x98" "a disgrace.\xE2\x80\x99 Then he left."),
                        "He called it \xE2\x80\x98" "a disgrace.\xE2\x80\x99|Then he left.");
    /* a quote never closed runs to the end of its paragraph */
    assert_string_equal(split("She wrote: \xE2\x80\x9CIt is impossible for me to stay.\n\n"
                              "The minister resigned."),
                        "She wrote: \xE2\x80\x9CIt is impossible for me to stay.|"
                        "The minister resigned.");
    assert_string_equal(split("The talks (held in secret.) failed. Both sides left."),
                        "The talks (held in secret.) failed.|Both sides left.");
}

static void test_ellipses(void **state)
{
    (void)state;
    assert_string_equal(split("He paused... then spoke. We wait \xE2\x80\xA6 and wait."),
                        "He paused... then spoke.|We wait \xE2\x80\xA6 and wait.");
    assert_string_equal(split("It was over.... Nobody came. I think . . . I know."),
                        "It was over....|Nobody came.|I think . . . I know.");
    assert_string_equal(split("We stayed home. ... We were tired."),
                        "We stayed home.|... We were tired.");
    assert_string_equal(split("\"The plan [...] failed\" (Roe 12)."),
                        "\"The plan [...] failed\" (Roe 12).");
}

static void test_lines_and_paragraphs(void **state)
{
    (void)state;
    assert_string_equal(split("Storm batters coast\nJane Roe\nMIAMI 2021-03-04\n\n"
                              "A storm hit the coast on Monday. Thousands fled."),
                        "Storm batters coast|Jane Roe|MIAMI 2021-03-04|"
                        "A storm hit the coast on Monday.|Thousands fled.");
    /* a line cut by a stray break joins the next when that is lower case */
    assert_string_equal(split("The council voted on\nthe budget late at night."),
                        "The council voted on\nthe budget late at night.");
    assert_string_equal(split("results\nwinners list\nteams, scores"),
                        "results|winners list|teams, scores");
    /* a blank line always ends a sentence */
    assert_string_equal(split("The report was cut\n\nshort by the editor"),
                        "The report was cut|short by the editor");
    /* a Title Case headline: "Are" after "U.S." is no sentence start */
    assert_string_equal(split("Two Pilots From U.S. Are Hurt in Crash\nThe crash was in Peru."),
                        "Two Pilots From U.S. Are Hurt in Crash|The crash was in Peru.");
    /* table rows */
    assert_string_equal(split("TEAM W L PCT\nBOSTON 70 62 .530\nTORONTO 63 71 .470"),
                        "TEAM W L PCT|BOSTON 70 62 .530|TORONTO 63 71 .470");
    /* spans are trimmed */
    assert_string_equal(split("  \n Hello there.  \n\n  Bye.  \n"), "Hello there.|Bye.");
    assert_string_equal(split(""), "");
    assert_string_equal(split("The minister said that the"), "The minister said that the");
}

static void test_lists(void **state)
{
    (void)state;
    assert_string_equal(split("Key points: 1. Taxes rise 2. Pensions fall 3. Debt grows"),
                        "Key points: 1. Taxes rise|2. Pensions fall|3. Debt grows");
    assert_string_equal(split("1) Taxes rise. 2) Pensions fall."),
                        "1) Taxes rise.|2) Pensions fall.");
    assert_string_equal(split("\xE2\x80\xA2 Taxes rise \xE2\x80\xA2 Pensions fall"),
                        "\xE2\x80\xA2 Taxes rise|\xE2\x80\xA2 Pensions fall");
    assert_string_equal(split("a. Taxes b. Pensions c. Debt"), "a. Taxes|b. Pensions|c. Debt");
    /* numbers that are no list */
    assert_string_equal(split("He scored 2. Then 3 more came in 2019. 2020 was worse."),
                        "He scored 2.|Then 3 more came in 2019.|2020 was worse.");
}

/* Random text: sentences in order, on token edges, covering all tokens. */
static void test_random_invariants(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a",  "The", "1",   ".",  ". ", " ",      "\n", "\n\n", "\"", "'",  "\xE2\x80\x9D",
        "?",  "!",   "Mr.", "U.S.", "...", " . ", "1.", "b)",  "(",  ")",  "\xE2\x80\xA2",
        "I",  "He",  "\xFF", "x@y.io", "p.m.", "Inc.", "-"};
    unsigned seed = 777;
    char buf[1024];
    for (int round = 0; round < 4000; round++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)((seed >> 16) % 120);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *x = pieces[(seed >> 16) % DL_ARRAY_LEN(pieces)];
            size_t l = strlen(x);
            if (n + l >= sizeof buf) break;
            memcpy(buf + n, x, l);
            n += l;
        }
        dl_doc d;
        dl_doc_init(&d, buf, n, 0);
        assert_int_equal(dl_tokenize(buf, n, &d.toks), DL_OK);
        assert_int_equal(dl_sentence_split(&d), DL_OK);
        size_t k = 0;
        for (size_t i = 0; i < d.sents.n; i++) {
            dl_span s = d.sents.v[i];
            assert_true(s.end > s.start);
            assert_true(k < d.toks.n);
            assert_int_equal(d.toks.v[k].start, s.start);
            while (d.toks.v[k].end < s.end) k++;
            assert_int_equal(d.toks.v[k].end, s.end);
            k++;
        }
        assert_int_equal(k, d.toks.n);
        dl_doc_free(&d);
    }
}

/* ---------------------------------------------------------- linear time */

/* Seconds per tokenize + split of text[0,n): the best of 3 runs, each
 * repeated until it lasts >= 20 ms so the clock's grain does not matter. */
static double time_split(const char *text, size_t n)
{
    double best = 1e9;
    for (int trial = 0; trial < 3; trial++) {
        struct timespec a, b;
        int reps = 0;
        double el;
        clock_gettime(CLOCK_MONOTONIC, &a);
        do {
            dl_doc d;
            dl_doc_init(&d, text, n, 0);
            assert_int_equal(dl_tokenize(text, n, &d.toks), DL_OK);
            assert_int_equal(dl_sentence_split(&d), DL_OK);
            dl_doc_free(&d);
            reps++;
            clock_gettime(CLOCK_MONOTONIC, &b);
            el = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        } while (el < 0.02);
        if (el / reps < best) best = el / reps;
    }
    return best;
}

/* Fills n bytes with the pattern repeated. */
static char *repeat(const char *pat, size_t n)
{
    char *s = malloc(n + 1);
    size_t l = strlen(pat);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) s[i] = pat[i % l];
    s[n] = 0;
    return s;
}

static void check_linear(const char *name, const char *pat, size_t n)
{
    char *big = repeat(pat, 4 * n);
    double ratio = 1e9;
    /* linear gives ~4, quadratic ~16; a busy machine may blur one
     * measurement, so a bad ratio is measured again (three tries) */
    for (int attempt = 0; attempt < 3 && ratio >= 8.0; attempt++) {
        double t1 = time_split(big, n), t4 = time_split(big, 4 * n);
        ratio = t4 / t1;
        printf("linear %-8s %8zu bytes %.4f s, x4 %.4f s: ratio %.1f\n", name, n, t1, t4, ratio);
    }
    assert_true(ratio < 8.0);
    free(big);
}

static void test_linear_time(void **state)
{
    (void)state;
    /* 10 MB without punctuation (2.5 MB against 10 MB) */
    check_linear("words", "lorem ipsum dolor sit amet consectetur ", 2500000);
    /* 100k quotation marks against 400k, glued and spaced */
    check_linear("quotes", "\"", 100000);
    check_linear("quotes2", "\" \xE2\x80\x9C.\xE2\x80\x9D ", 100000);
    /* a million digits against four million */
    check_linear("digits", "0123456789", 1000000);
    /* shapes that the tokenizer and splitter look ahead on */
    check_linear("dotted", "a.", 200000);
    check_linear("dots", ". ", 200000);
    check_linear("abbrevs", "Mr. U.S. Inc. a.m. ", 200000);
    check_linear("lists", "1. 2. 3) a. b. ", 200000);
    check_linear("emails", "a.b-c@", 200000);
    check_linear("urls", "http://x", 200000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_and_abbreviations),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_ellipses),
        cmocka_unit_test(test_lines_and_paragraphs),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_random_invariants),
        cmocka_unit_test(test_linear_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
