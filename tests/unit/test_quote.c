/*
 * test_quote.c -- the quote stage (src/analyze/quote.c) on invented news
 * text: quote spans, cues, speakers (names, "he said", "the minister"),
 * continuation paragraphs, what is not a quote, entities handed in by a
 * tagger, and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "analyze/analyze.h"
#include "analyze/quote.h"
#include "analyze/quote_lex.h"

#include <stdio.h>
#include <string.h>

static dl_doc doc;

static void run(const char *text)
{
    dl_doc_init(&doc, text, strlen(text), 0);
    assert_int_equal(dl_quote_find(&doc), DL_OK);
}

static int teardown(void **state)
{
    (void)state;
    dl_doc_free(&doc);
    return 0;
}

/* The quote whose words start with `prefix`, or NULL. */
static const dl_quote *quote_of(const char *prefix)
{
    size_t l = strlen(prefix);
    for (size_t i = 0; i < doc.quotes.n; i++) {
        const dl_quote *q = &doc.quotes.v[i];
        if (q->span.end - q->span.start >= l && !memcmp(doc.text + q->span.start, prefix, l))
            return q;
    }
    return NULL;
}

static const char *speaker_of(const char *prefix)
{
    const dl_quote *q = quote_of(prefix);
    assert_non_null(q);
    return q->speaker >= 0 ? doc.ents.v[q->speaker].name : "(none)";
}

static void expect_text(const dl_quote *q, const char *want)
{
    assert_non_null(q);
    size_t l = q->span.end - q->span.start;
    char got[256];
    snprintf(got, sizeof got, "%.*s", (int)l, doc.text + q->span.start);
    assert_string_equal(got, want);
}

static const char ARTICLE[] =
    "Dame Olivia Brandt has stepped down as UK envoy to Norway after a row over a "
    "leaked memo.\n\n"
    "Prime Minister Harold Pike said her departure was “" "a real loss” "
    "after the envoy said it was “untenable” for her to stay.\n\n"
    "“We owe her a great deal,” Mr Pike told reporters. "
    "“She served with honour.”\n\n"
    "Asked about the memo, he said it was “a private matter”.\n\n"
    "“It is,” said the opposition leader Nora Quist, "
    "“a disgrace for the whole service.”\n\n"
    "Fishing minister Tom Eld – who backs Mr Pike – said the leak was "
    "“careless”.\n\n"
    "In a letter to the ministry, Dame Olivia wrote: “The situation makes it "
    "impossible for me to carry on\n\n"
    "The film “Cold Harbour” opens on Friday, and the so-called "
    "“experts” were wrong.";

static void test_article(void **state)
{
    (void)state;
    run(ARTICLE);
    expect_text(quote_of("a real loss"), "a real loss");
    assert_string_equal(speaker_of("a real loss"), "Harold Pike");
    /* "the envoy" is the person introduced as envoy */
    assert_string_equal(speaker_of("untenable"), "Dame Olivia Brandt");
    /* the comma before the closing mark is not part of the quote */
    expect_text(quote_of("We owe"), "We owe her a great deal");
    assert_string_equal(speaker_of("We owe"), "Harold Pike");
    const dl_quote *q = quote_of("We owe");
    assert_true(q->cue.end > q->cue.start);
    assert_memory_equal(doc.text + q->cue.start, "told", 4);
    /* the second sentence continues the first quote's speaker */
    assert_string_equal(speaker_of("She served"), "Harold Pike");
    /* he said: the previous sentence's speaker */
    assert_string_equal(speaker_of("a private matter"), "Harold Pike");
    /* a quote split by its cue, with a nominal and a name in apposition */
    assert_string_equal(speaker_of("It is"), "Nora Quist");
    assert_string_equal(speaker_of("a disgrace"), "Nora Quist");
    /* a dash apposition between subject and verb */
    assert_string_equal(speaker_of("careless"), "Tom Eld");
    /* an unclosed quote runs to the end of its paragraph; "Dame Olivia" is
     * the fullest form's person */
    expect_text(quote_of("The situation"),
                "The situation makes it impossible for me to carry on");
    assert_string_equal(speaker_of("The situation"), "Dame Olivia Brandt");
    /* titles of works and scare quotes are not quotes */
    assert_null(quote_of("Cold Harbour"));
    assert_null(quote_of("experts"));
    assert_int_equal(doc.quotes.n, 9);
    /* text order */
    for (size_t i = 1; i < doc.quotes.n; i++)
        assert_true(doc.quotes.v[i].span.start > doc.quotes.v[i - 1].span.start);
}

static void test_styles(void **state)
{
    (void)state;
    run("''We will hold the line on taxes,'' said Senator Ruth Vale, a Democrat.\n\n"
        "The deal has 'not served the country well', Lord Ashby said.\n\n"
        "\"It's the students' money,\" said Ms. Vale. \"They want it back.\"\n\n"
        "‘I never doubted it,’ she added.\n\n"
        "Rock 'n' roll fans don't care.");
    expect_text(quote_of("We will"), "We will hold the line on taxes");
    assert_string_equal(speaker_of("We will"), "Ruth Vale");
    expect_text(quote_of("not served"), "not served the country well");
    assert_string_equal(speaker_of("not served"), "Lord Ashby");
    expect_text(quote_of("It's the"), "It's the students' money");
    assert_string_equal(speaker_of("It's the"), "Ruth Vale");
    assert_string_equal(speaker_of("They want"), "Ruth Vale");
    /* she: the female speaker, not Lord Ashby */
    assert_string_equal(speaker_of("I never"), "Ruth Vale");
    assert_int_equal(doc.quotes.n, 5);
}

static void test_paragraphs(void **state)
{
    (void)state;
    run("Governor Alma Reyes spoke to the crowd on Sunday. She said:\n\n"
        "“This state will not go back to the old ways.\n\n"
        "“We are done with them.”\n\n"
        "“And we will win,” the governor added.\n\n"
        "A spokesman for the city said the figures were “under review”.");
    assert_string_equal(speaker_of("This state"), "Alma Reyes");
    assert_string_equal(speaker_of("We are done"), "Alma Reyes");
    assert_string_equal(speaker_of("And we will"), "Alma Reyes");
    /* an unnamed spokesman: the text does not say who */
    assert_string_equal(speaker_of("under review"), "(none)");
}

static void test_tagger_entities(void **state)
{
    (void)state;
    static const char text[] = "Acme Corp said on Monday that profits were \"much better than "
                               "expected this year\", according to Jane Holt.";
    dl_doc_init(&doc, text, strlen(text), 0);
    /* entities as the tagger would leave them */
    dl_entity e[2] = {{strdup("Acme Corp"), DL_ORG, malloc(sizeof(dl_span)), 1},
                      {strdup("Jane Holt"), DL_PERSON, malloc(sizeof(dl_span)), 1}};
    e[0].mentions[0] = (dl_span){0, 9};
    const char *jh = strstr(text, "Jane Holt");
    e[1].mentions[0] = (dl_span){(uint32_t)(jh - text), (uint32_t)(jh - text + 9)};
    for (int i = 0; i < 2; i++) assert_int_equal(dl_vec_push(&doc.ents, e[i]), DL_OK);
    assert_int_equal(dl_quote_find(&doc), DL_OK);
    assert_int_equal(doc.quotes.n, 1);
    /* the after-cue wins and the tagger's entity is used, not a copy */
    assert_int_equal(doc.quotes.v[0].speaker, 1);
    assert_int_equal(doc.ents.n, 2);
}

/* Entities as a tagger that cut a first name out of a full name would leave
 * them ("Mona" and "Quill" for "Mona Quill"): the speaker is the entity
 * that holds the surname, not the first name alone. */
static void test_tagger_split_name(void **state)
{
    (void)state;
    static const char text[] = "Her rival Mona Quill spoke first. "
                               "\"We will win,\" Quill said. \"Count on it.\"";
    dl_doc_init(&doc, text, strlen(text), 0);
    const char *mq = strstr(text, "Mona Quill"), *q2 = strstr(text, "Quill said");
    dl_entity e[2] = {{strdup("Mona"), DL_PERSON, malloc(sizeof(dl_span)), 1},
                      {strdup("Quill"), DL_PERSON, malloc(sizeof(dl_span)), 1}};
    e[0].mentions[0] = (dl_span){(uint32_t)(mq - text), (uint32_t)(mq - text + 4)};
    e[1].mentions[0] = (dl_span){(uint32_t)(q2 - text), (uint32_t)(q2 - text + 5)};
    for (int i = 0; i < 2; i++) assert_int_equal(dl_vec_push(&doc.ents, e[i]), DL_OK);
    assert_int_equal(dl_quote_find(&doc), DL_OK);
    assert_string_equal(speaker_of("We will win"), "Quill");
    assert_string_equal(speaker_of("Count on it"), "Quill");
    /* a span that took in a verb ("Quill said") is no name for the speaker */
    dl_doc_free(&doc);
    dl_doc_init(&doc, text, strlen(text), 0);
    dl_entity f = {strdup("Quill said"), DL_PERSON, malloc(sizeof(dl_span)), 1};
    f.mentions[0] = (dl_span){(uint32_t)(q2 - text), (uint32_t)(q2 - text + 10)};
    assert_int_equal(dl_vec_push(&doc.ents, f), DL_OK);
    assert_int_equal(dl_quote_find(&doc), DL_OK);
    assert_string_equal(speaker_of("We will win"), "Mona Quill");
}

/* Attribution forms: modifiers and appositions around the name, coordinated
 * verbs, colons, "According to", names that only qualify a common noun. */
static void test_attribution_forms(void **state)
{
    (void)state;
    run("\"The vote is lost,\" said Nordvik-based lawyer Petra Lund.\n\n"
        "\"Rates will rise,\" said Bellmoor's chief economist, Ivo Sand.\n\n"
        "\"It is over,\" Kara Voss, 58, a retired nurse in Elmton, Vt., said.\n\n"
        "\"Not now,\" Fenwick Party strategist Omar Dale told reporters.\n\n"
        "When asked about it, Lena Brook smiled and said, \"Wait and see.\"\n\n"
        "Pressed on the budget, Rupert Hale shot back: \"That is nonsense.\"\n\n"
        "According to Tilda Marsh, \"the plan was never costed properly.\"\n\n"
        "\"We are worried,\" said a senior Brook adviser.\n\n"
        "\"Costs are up,\" in the last quarter, said analyst Jonas Pike.\n\n"
        "Hours later, Omar Dale spoke again, telling the crowd, \"We go on.\"\n\n"
        "Its director, Nils Berg, said the offer of a 4.5% rise was \"fair and affordable\", "
        "adding that no jobs would go.\n");
    assert_string_equal(speaker_of("The vote is lost"), "Petra Lund");
    assert_string_equal(speaker_of("Rates will rise"), "Ivo Sand");
    assert_string_equal(speaker_of("It is over"), "Kara Voss");
    assert_string_equal(speaker_of("Not now"), "Omar Dale");
    assert_string_equal(speaker_of("Wait and see"), "Lena Brook");
    assert_string_equal(speaker_of("That is nonsense"), "Rupert Hale");
    assert_string_equal(speaker_of("the plan was never"), "Tilda Marsh");
    /* the adviser is not Lena Brook: the text does not name the speaker */
    assert_string_equal(speaker_of("We are worried"), "(none)");
    assert_string_equal(speaker_of("Costs are up"), "Jonas Pike");
    assert_string_equal(speaker_of("We go on"), "Omar Dale");
    /* ", adding that ..." continues the clause whose cue came first */
    assert_string_equal(speaker_of("fair and affordable"), "Nils Berg");
}

static void test_bad_input(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "", "\"", "\xe2\x80\x9c", "''", "'", "\xff\xfe\"\xc3\x28\" he said \xe2\x80",
        "\"\"\"\"\"\"", "\xe2\x80\x9c\xe2\x80\x9c\xe2\x80\x9d\xe2\x80\x9d said",
        "Mr. . . said \"x\"", "\"a\" said", ", said \"b", "- \xe2\x80\x93 said,,, \"",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        run(inputs[i]);
        for (size_t k = 0; k < doc.quotes.n; k++) {
            const dl_quote *q = &doc.quotes.v[k];
            assert_true(q->span.start < q->span.end && q->span.end <= doc.len);
            assert_true(q->speaker < (int)doc.ents.n);
        }
        dl_doc_free(&doc);
    }
    memset(&doc, 0, sizeof doc);
    /* a long run of quoted paragraphs stays linear and bounded */
    size_t n = 200000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++) big[i] = "\"Ab, he said. \n"[i % 15];
    big[n] = 0;
    run(big);
    assert_true(doc.quotes.n > 1000);
    dl_doc_free(&doc);
    memset(&doc, 0, sizeof doc);
    free(big);
}

/* The lexicon hash: ASCII case folded, the same from a masked whole-chunk
 * load as from the bytes alone, and one word's hash is not its prefix's. */
static void test_lex_hash(void **state)
{
    (void)state;
    static const char text[] = "Said SAID said Saids spokeswoman SPOKESWOMAN's \xc3\x89lise "
                               "\xc3\xa9lise x";
    const char *w[] = {"said", "Said", "SAID", "spokeswoman", "SpokesWoman", "according"};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(dl_qlex_hash(w[i], strlen(w[i])) == dl_qlex_hash(w[0], 4), i < 3);
    assert_int_equal(dl_qlex_hash(w[3], 11), dl_qlex_hash(w[4], 11));
    assert_true(dl_qlex_bits("SAID", 4) & QL_SPEECH);
    assert_true(dl_qlex_bits("Spokeswoman", 11) & QL_ROLE);
    assert_int_equal(dl_qlex_bits("Saids", 5) & QL_SPEECH, 0);
    /* every substring: the masked load (room after it) == the byte path */
    size_t len = sizeof text - 1;
    for (size_t a = 0; a < len; a++)
        for (size_t n = 0; a + n <= len; n++) {
            uint64_t h = dl_qlex_hash(text + a, n);
            assert_true(h != 0);
            assert_true(dl_qlex_hash_in(text + a, n, len - a) == h);
            uint64_t hp = 0;
            size_t p = n / 2;
            assert_true(dl_qlex_hash2(text + a, n, p, &hp, len - a) == h);
            assert_true(hp == dl_qlex_hash(text + a, p));
        }
    /* non-ASCII bytes are not folded: É and é differ */
    assert_true(dl_qlex_hash("\xc3\x89lise", 6) != dl_qlex_hash("\xc3\xa9lise", 6));
    assert_true(dl_qlex_hash("said", 4) != dl_qlex_hash("sai", 3));
    assert_true(dl_qlex_hash("", 0) != dl_qlex_hash("\0", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_article, teardown),
        cmocka_unit_test_teardown(test_styles, teardown),
        cmocka_unit_test_teardown(test_paragraphs, teardown),
        cmocka_unit_test_teardown(test_tagger_entities, teardown),
        cmocka_unit_test_teardown(test_tagger_split_name, teardown),
        cmocka_unit_test_teardown(test_attribution_forms, teardown),
        cmocka_unit_test_teardown(test_bad_input, teardown),
        cmocka_unit_test(test_lex_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
