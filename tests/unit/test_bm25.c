/*
 * test_bm25.c -- BM25 as SQLite FTS5 computes it (k1 1.2, b 0.75,
 * IDF = ln((N - n + 0.5) / (n + 0.5)) floored at 1e-6), pinned on
 * hand-computed values, first for the formula, then end to end through
 * ingest and dl_search_docs on a five-article archive:
 *
 *   2020-01-01  "apple banana apple"      3 tokens
 *   2020-01-02  "banana cherry"           2
 *   2020-01-03  "cherry cherry cherry kiwi" 4
 *   2020-01-04  "filler words here"       3
 *   2020-01-05  "more filler text"        3     N = 5, avgdl = 15/5 = 3
 *
 *   apple:  n=1, idf = ln(4.5/1.5) = ln 3 = 1.0986123
 *           doc1 tf=2 dl=3: 2*2.2/(2 + 1.2*(0.25+0.75)) = 4.4/3.2 = 1.375
 *           score 1.5105919
 *   cherry: n=2, idf = ln(3.5/2.5) = 0.3364722
 *           doc3 tf=3 dl=4: 6.6/(3 + 1.2*(0.25+1.0)) = 6.6/4.5 = 1.4666667 -> 0.4934926
 *           doc2 tf=1 dl=2: 2.2/(1 + 1.2*(0.25+0.5)) = 2.2/1.9 = 1.1578947 -> 0.3895994
 *   banana apple: doc1 = idf(banana)*tf + 1.5105919, idf(banana) = ln(3.5/2.5)
 *           doc1 banana tf=1 dl=3: 2.2/2.2 = 1 -> 0.3364722 + 1.5105919 = 1.8470641
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "index/index.h"
#include "fixture.h"

#include <stdio.h>
#include <unistd.h>

static void test_formula(void **s)
{
    (void)s;
    assert_float_equal(dl_bm25_idf(5, 1), 1.0986123, 1e-6);
    assert_float_equal(dl_bm25_idf(5, 2), 0.3364722, 1e-6);
    assert_float_equal(dl_bm25_idf(5, 3), 1e-6, 1e-12);   /* ln(2.5/3.5) < 0: floor */
    assert_float_equal(dl_bm25_idf(4, 2), 1e-6, 1e-12);   /* ln(1) = 0: floor */
    assert_float_equal(dl_bm25_tf(2, 3, 3), 1.375, 1e-9);
    assert_float_equal(dl_bm25_tf(3, 4, 3), 6.6 / 4.5, 1e-9);
    assert_float_equal(dl_bm25_tf(1, 2, 3), 2.2 / 1.9, 1e-9);
    /* saturation: tf -> infinity approaches k1 + 1 */
    assert_true(dl_bm25_tf(1e9, 3, 3) < 2.2 && dl_bm25_tf(1e9, 3, 3) > 2.199);
}

static void add(dl_ingest *ing, const char *date, const char *text)
{
    dl_record r = fx_record(date, NULL, text);
    int st;
    assert_int_equal(dl_ingest_add(ing, &r, &st), DL_OK);
    assert_int_equal(st, DL_ADDED);
}

static void test_scores(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "/tmp/dl-bm25-%d", (int)getpid());
    dl_archive *ar;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_WRITE, &ar), DL_OK);
    dl_analyzer *az;
    assert_int_equal(dl_analyzer_new(&az), DL_OK);
    dl_ingest *ing;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    add(ing, "2020-01-01", "apple banana apple");
    add(ing, "2020-01-02", "banana cherry");
    add(ing, "2020-01-03", "cherry cherry cherry kiwi");
    add(ing, "2020-01-04", "filler words here");
    add(ing, "2020-01-05", "more filler text");
    assert_int_equal(dl_ingest_finish(ing, NULL), DL_OK);

    dl_scored *h;
    size_t n;
    uint64_t total;
    assert_int_equal(dl_search_docs(ar, "apple", DL_DAY_MIN, DL_DAY_MAX, 10, &h, &n, &total),
                     DL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(total, 1);
    assert_float_equal(h[0].score, 1.5105919, 1e-6);
    dl_free(h);

    assert_int_equal(dl_search_docs(ar, "cherry", DL_DAY_MIN, DL_DAY_MAX, 10, &h, &n, &total),
                     DL_OK);
    assert_int_equal(n, 2);
    assert_float_equal(h[0].score, 0.4934926, 1e-6);
    assert_float_equal(h[1].score, 0.3895994, 1e-6);
    char d[11];
    dl_date_format(h[0].day, d);
    assert_string_equal(d, "2020-01-03");
    dl_free(h);

    assert_int_equal(dl_search_docs(ar, "banana apple", DL_DAY_MIN, DL_DAY_MAX, 10, &h, &n,
                                    NULL), DL_OK);
    assert_int_equal(n, 1);
    assert_float_equal(h[0].score, 1.8470641, 1e-6);
    dl_free(h);
    dl_analyzer_free(az);
    dl_archive_close(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula),
        cmocka_unit_test(test_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
