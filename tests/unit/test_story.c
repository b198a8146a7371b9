/* test_story.c -- story terms and online story clustering through the
 * public API, over invented articles: the reports of one event share a
 * story; a different event the same week, and a look-alike event years
 * later (same kind of news, same place), get stories of their own; queries
 * and date ranges filter the listing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dateline.h"
#include "fixture.h"
#include "story/story.h"
#include "store/store.h"


/* Three strike reports (Kelmar, March 2024), a volcano (same week), and a
 * Kelmar strike three years later. */
static const fx_art ARTS[] = {
    {"k1", "2024-03-05",
     "Dockworkers at the port of Kelmar walked out on Tuesday over pay, and the Kelmar "
     "harbour authority closed the container terminal. The Kelmar Dockers Union wants a "
     "seven percent raise. About forty ships wait outside the breakwater."},
    {"v1", "2024-03-06",
     "The Ostrava volcano erupted on Wednesday, sending an ash cloud eight kilometres high "
     "over the Velden valley. Villages below the crater were evacuated and flights to "
     "Velden airport were cancelled as ash fell on the runway."},
    {"k2", "2024-03-07",
     "The strike at the port of Kelmar entered its third day as the Kelmar Dockers Union "
     "rejected the operators' offer. Ships waiting outside the Kelmar breakwater now number "
     "fifty, and the harbour authority warned of shortages."},
    {"v2", "2024-03-08",
     "Ash from the Ostrava volcano kept Velden airport closed for a third day. Scientists "
     "said the eruption of the Ostrava crater was weakening, and evacuated villagers of the "
     "Velden valley may return next week."},
    {"k3", "2024-03-12",
     "The Kelmar port strike ended after the Kelmar Dockers Union accepted a six percent "
     "raise. The harbour authority reopened the container terminal and the first ships "
     "entered past the breakwater."},
    {"k9", "2027-06-01",
     "Dockworkers at the port of Kelmar walked out again on Tuesday over pay, and the "
     "harbour authority closed the container terminal. The union wants a raise; ships are "
     "waiting outside the breakwater."},
};

static void ingest_all(void)
{
    dl_ingest_counts c;
    fx_ingest(ARTS, sizeof ARTS / sizeof *ARTS, &c);
    assert_int_equal(c.added, 6);
    assert_int_equal(c.near_duplicates, 0);
}

/* The story id of article id in s[0, n), or "" */
static const char *story_of(const dl_story *s, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < s[i].n_articles; j++)
            if (strcmp(s[i].articles[j], id) == 0) return s[i].id;
    return "";
}

/* The three stories of ARTS: the Kelmar strike of 2024, the volcano, and
 * the strike of 2027 apart. */
static void check_clusters(const dl_story *s, size_t n)
{
    assert_int_equal(n, 3);
    const char *k = story_of(s, n, "k1");
    assert_string_equal(story_of(s, n, "k2"), k);
    assert_string_equal(story_of(s, n, "k3"), k);
    assert_string_equal(story_of(s, n, "v2"), story_of(s, n, "v1"));
    assert_string_not_equal(story_of(s, n, "v1"), k);
    assert_string_not_equal(story_of(s, n, "k9"), k);
}

static void test_clusters(void **state)
{
    (void)state;
    ingest_all();
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &ar), DL_OK);
    dl_story *s = NULL;
    size_t n = 0;
    assert_int_equal(dl_stories(ar, NULL, NULL, NULL, &s, &n), DL_OK);
    check_clusters(s, n);
    /* the biggest story first, with its span and a label naming it */
    assert_int_equal(s[0].n_articles, 3);
    assert_string_equal(s[0].first, "2024-03-05");
    assert_string_equal(s[0].last, "2024-03-12");
    assert_non_null(strstr(s[0].label, "Kelmar"));
    size_t len;
    char *js = dl_stories_json(s, n, &len);
    assert_non_null(js);
    assert_true(strncmp(js, "{\"stories\": [{\"id\": ", 20) == 0);
    dl_free(js);
    dl_stories_free(s, n);

    /* a query keeps the stories about it; a range keeps their articles in it */
    assert_int_equal(dl_stories(ar, "volcano", NULL, NULL, &s, &n), DL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s[0].n_articles, 2);
    dl_stories_free(s, n);
    assert_int_equal(dl_stories(ar, "Kelmar harbour", "2027-01-01", NULL, &s, &n), DL_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].articles[0], "k9");
    dl_stories_free(s, n);
    assert_int_equal(dl_stories(ar, NULL, "2024-13-45", NULL, &s, &n), DL_EINVAL);
    dl_archive_close(ar);
}

/* The story keys of the first articles move from the key log into
 * story_keys between two sessions (as when memory runs out): the second
 * session reads the table and clusters exactly as one session does. */
static void test_keys_dropped(void **state)
{
    (void)state;
    dl_ingest_counts c;
    fx_ingest(ARTS, 3, &c);
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_WRITE, &ar), DL_OK);
    dl_storyer *st = NULL;
    assert_int_equal(dl_storyer_new(ar, &st), DL_OK);
    assert_int_equal(dl_archive_exec(ar, "BEGIN IMMEDIATE"), DL_OK);
    assert_int_equal(dl_storyer_drop_keys(st), DL_OK);
    assert_int_equal(dl_archive_exec(ar, "COMMIT"), DL_OK);
    dl_storyer_free(st);
    sqlite3_stmt *q = dl_archive_prepare(
        ar, "SELECT (SELECT count(*) FROM story_keys),"
            " (SELECT value FROM meta WHERE key = 'storykeys_bytes')");
    assert_non_null(q);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_true(sqlite3_column_int64(q, 0) > 0);
    assert_int_equal(sqlite3_column_int64(q, 1), 0);
    sqlite3_finalize(q);
    dl_archive_close(ar);
    fx_ingest(ARTS + 3, sizeof ARTS / sizeof *ARTS - 3, &c);
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &ar), DL_OK);
    dl_story *s = NULL;
    size_t n = 0;
    assert_int_equal(dl_stories(ar, NULL, NULL, NULL, &s, &n), DL_OK);
    check_clusters(s, n);
    dl_stories_free(s, n);
    dl_archive_close(ar);
}

static void test_terms(void **state)
{
    (void)state;
    dl_stemmer *sm = dl_stemmer_new();
    assert_non_null(sm);
    static const char t[] = "The dockworkers of Kelmar walked out. Dockworker pay: the Kelmar talks.";
    dl_termvec v = {0};
    assert_int_equal(dl_text_terms(sm, t, sizeof t - 1, NULL, &v), DL_OK);
    double kel = 0, dock = 0;
    for (size_t i = 0; i < v.n; i++) {
        assert_false(strcmp(v.v[i].term, "the") == 0); /* stop word */
        if (i) assert_true(strcmp(v.v[i - 1].term, v.v[i].term) < 0);  /* sorted, distinct */
        if (strcmp(v.v[i].term, "kelmar") == 0) kel = v.v[i].w;
        if (strcmp(v.v[i].term, "dockwork") == 0) dock = v.v[i].w;
    }
    assert_true(kel == 4.0);  /* a capitalised name inside a sentence weighs double */
    assert_true(dock == 2.0); /* plural and singular stem alike */
    dl_terms_free(&v);
    char out[64];
    assert_int_equal(dl_stem_word(sm, "the", 3, out, sizeof out), 0);
    assert_true(dl_stem_word(sm, "Strikes", 7, out, sizeof out) > 0);
    assert_string_equal(out, "strike");
    /* junk never crashes and gives no terms */
    static const char junk[] = "\xff\xfe\x00\x01 \xc3";
    assert_int_equal(dl_text_terms(sm, junk, sizeof junk - 1, NULL, &v), DL_OK);
    assert_int_equal(v.n, 0);
    dl_terms_free(&v);
    dl_stemmer_free(sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),
        cmocka_unit_test_setup_teardown(test_clusters, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_keys_dropped, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
