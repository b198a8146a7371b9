/*
 * test_archive.c -- the archive through the public API: create, ingest in
 * batches, read back byte for byte, the same article twice, read-only opens
 * while a writer holds a batch open, stats and integrity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dateline.h"
#include "fixture.h"

static dl_record mkrec(const char *date, const char *text)
{
    return fx_record(date, NULL, text);
}

static void test_open_missing_readonly(void **state)
{
    (void)state;
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open("/nonexistent/dl/archive", DL_OPEN_READ, &ar), DL_ENOTFOUND);
    assert_non_null(strstr(dl_archive_errmsg(ar), "no archive"));
    dl_archive_close(ar);
    dl_archive_close(NULL); /* a no-op */
}

static void test_ingest_and_read_back(void **state)
{
    (void)state;
    dl_archive *ar = NULL, *rd = NULL;
    dl_analyzer *az = NULL;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_WRITE, &ar), DL_OK);
    assert_int_equal(dl_analyzer_new(&az), DL_OK);
    dl_ingest *ing = NULL;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);

    /* more than one batch (ingest.c: 5,000 articles) */
    enum { N = 6000 };
    static char texts[N][64];
    int status;
    for (int i = 0; i < N; i++) {
        snprintf(texts[i], sizeof texts[i], "Article number %d said “hello”.", i);
        dl_record r = mkrec(i % 2 ? "2024-03-04" : "2019-07-10", texts[i]);
        assert_int_equal(dl_ingest_add(ing, &r, &status), DL_OK);
        assert_int_equal(status, DL_ADDED);
    }
    /* the same article again while its chunk is still in flight: accepted,
     * then found present when written (counted below) */
    dl_record again = mkrec("2019-07-10", texts[N - 2]);
    assert_int_equal(dl_ingest_add(ing, &again, &status), DL_OK);
    assert_int_equal(status, DL_ADDED);

    /* a reader sees only committed batches while the writer holds one open */
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &rd), DL_OK);
    dl_stats st;
    assert_int_equal(dl_archive_stats(rd, &st), DL_OK);
    assert_true(st.articles > 0 && st.articles < N);

    dl_ingest_counts c;
    assert_int_equal(dl_ingest_finish(ing, &c), DL_OK);
    assert_int_equal(c.added, N);
    assert_int_equal(c.present, 1);
    assert_int_equal(dl_archive_stats(rd, &st), DL_OK);
    assert_int_equal(st.articles, N);
    assert_string_equal(st.first, "2019-07-10");
    assert_string_equal(st.last, "2024-03-04");
    assert_true(st.bytes > 0);

    dl_record r = mkrec("2024-03-04", texts[7]);
    dl_annotation *a = NULL;
    char *url = NULL, *title = NULL;
    assert_int_equal(dl_archive_get(rd, r.id, &a, &url, &title), DL_OK);
    assert_string_equal(a->text, texts[7]);
    assert_string_equal(a->date, "2024-03-04");
    assert_string_equal(a->source, "unit");
    assert_null(url);
    dl_annotation_free(a);
    assert_int_equal(dl_archive_get(rd, "0000000000000000", &a, NULL, NULL), DL_ENOTFOUND);
    assert_null(a);
    assert_int_equal(dl_archive_check(rd), DL_OK);
    dl_archive_close(rd);

    /* a second session: everything already present */
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    for (int i = 0; i < 10; i++) {
        dl_record rr = mkrec(i % 2 ? "2024-03-04" : "2019-07-10", texts[i]);
        assert_int_equal(dl_ingest_add(ing, &rr, &status), DL_OK);
        assert_int_equal(status, DL_PRESENT);
    }
    /* abort rolls back what was not committed */
    dl_record fresh = mkrec("2020-01-01", "Never committed.");
    assert_int_equal(dl_ingest_add(ing, &fresh, &status), DL_OK);
    dl_ingest_abort(ing);
    assert_int_equal(dl_archive_get(ar, fresh.id, &a, NULL, NULL), DL_ENOTFOUND);
    dl_analyzer_free(az);
    dl_archive_close(ar);
}

static void test_json_roundtrip(void **state)
{
    (void)state;
    dl_record r = mkrec("2019-07-10", "Tab\there, “quotes”, back\\slash and \"straight\".");
    dl_analyzer *az = NULL;
    assert_int_equal(dl_analyzer_new(&az), DL_OK);
    dl_annotation *a = NULL;
    assert_int_equal(dl_analyze(az, &r, &a), DL_OK);
    size_t len;
    char *json = dl_annotation_json(a, &len);
    assert_non_null(json);
    assert_int_equal(strlen(json), len);
    assert_non_null(strstr(json, "\"text\":\"Tab\\there, “quotes”, back\\\\slash and \\\"straight\\\".\""));
    assert_non_null(strstr(json, "\"date\":\"2019-07-10\""));
    dl_free(json);
    dl_annotation_free(a);
    dl_analyzer_free(az);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_missing_readonly),
        cmocka_unit_test_setup_teardown(test_ingest_and_read_back, fx_setup, fx_teardown),
        cmocka_unit_test(test_json_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
