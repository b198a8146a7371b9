/*
 * test_index.c -- search semantics on small invented archives: phrases,
 * exclusion, OR, date-range edges, tie order, results identical before and
 * after a merge, new batches visible to an open reader, and a corrupt
 * segment reported as DL_ECORRUPT rather than read out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "index/index.h"
#include "fixture.h"

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

static dl_archive *ar;
static dl_analyzer *az;

static int setup(void **state)
{
    (void)state;
    static int k;
    snprintf(dir, sizeof dir, "/tmp/dl-index-%d-%d", (int)getpid(), k++);
    if (dl_archive_open(dir, DL_OPEN_WRITE, &ar)) return -1;
    return dl_analyzer_new(&az);
}

static int teardown(void **state)
{
    (void)state;
    dl_analyzer_free(az);
    dl_archive_close(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void add(dl_ingest *ing, const char *date, const char *title, const char *text)
{
    dl_record r = fx_record(date, title, text);
    int st;
    assert_int_equal(dl_ingest_add(ing, &r, &st), DL_OK);
}

static int32_t day(const char *d)
{
    int32_t x;
    assert_int_equal(dl_date_parse(d, 10, &x), DL_OK);
    return x;
}

/* The dates of the hits of q in [from, to], joined by spaces, in rank order. */
static char *dates(const char *q, const char *from, const char *to)
{
    static char out[1024];
    dl_scored *h;
    size_t n;
    uint64_t total;
    int rc = dl_search_docs(ar, q, from ? day(from) : DL_DAY_MIN, to ? day(to) : DL_DAY_MAX, 50,
                            &h, &n, &total);
    assert_int_equal(rc, DL_OK);
    assert_int_equal(total, n); /* small archives: every match fits */
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        char d[11];
        dl_date_format(h[i].day, d);
        if (i) strcat(out, " ");
        strcat(out, d);
    }
    dl_free(h);
    return out;
}

static void fill_small(void)
{
    dl_ingest *ing;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    add(ing, "2021-03-01", NULL, "The harbour strike closed the night ferry.");
    add(ing, "2021-03-02", NULL, "A ferry at night: the harbour was quiet.");
    add(ing, "2021-03-03", "Night ferry returns", "Workers ended the strike.");
    add(ing, "2021-03-04", NULL, "Buses replaced the ferry during the strike.");
    add(ing, "2021-03-05", NULL, "Tram drivers voted on a strike.");
    assert_int_equal(dl_ingest_finish(ing, NULL), DL_OK);
}

static void test_phrase(void **s)
{
    (void)s;
    fill_small();
    /* "night ferry" as a phrase: 03-01 (text) and 03-03 (title), not 03-02 */
    char *d = dates("\"night ferry\"", NULL, NULL);
    assert_true(strstr(d, "2021-03-01") && strstr(d, "2021-03-03"));
    assert_null(strstr(d, "2021-03-02"));
    /* as words, 03-02 matches too */
    assert_non_null(strstr(dates("night ferry", NULL, NULL), "2021-03-02"));
    /* a phrase never spans the title and the text: "returns workers" */
    assert_string_equal(dates("\"returns workers\"", NULL, NULL), "");
    /* punctuation between words does not break a phrase (as FTS5) */
    assert_string_equal(dates("\"night the harbour\"", NULL, NULL), "2021-03-02");
    /* stemmed: "strikes closing" matches "strike closed" */
    assert_string_equal(dates("\"strikes closing\"", NULL, NULL), "2021-03-01");
}

static void test_exclusion_or(void **s)
{
    (void)s;
    fill_small();
    char *d = dates("strike -ferry", NULL, NULL);
    assert_string_equal(d, "2021-03-05");
    d = dates("strike -\"night ferry\"", NULL, NULL);
    assert_null(strstr(d, "2021-03-01"));
    assert_null(strstr(d, "2021-03-03"));
    assert_non_null(strstr(d, "2021-03-04"));
    d = dates("tram OR buses", NULL, NULL);
    assert_true(strlen(d) == 21 && strstr(d, "2021-03-04") && strstr(d, "2021-03-05"));
    d = dates("strike tram OR buses", NULL, NULL);
    assert_true(strstr(d, "2021-03-04") && strstr(d, "2021-03-05") && !strstr(d, "03-01"));
    assert_string_equal(dates("zeppelin", NULL, NULL), "");
    assert_string_equal(dates("strike zeppelin", NULL, NULL), "");
    assert_string_equal(dates("zeppelin OR tram", NULL, NULL), "2021-03-05");
}

static void test_ranges(void **s)
{
    (void)s;
    fill_small();
    /* inclusive at both ends */
    assert_string_equal(dates("strike", "2021-03-03", "2021-03-03"), "2021-03-03");
    char *d = dates("strike", "2021-03-04", "2021-03-05");
    assert_true(strlen(d) == 21 && strstr(d, "03-04") && strstr(d, "03-05"));
    assert_string_equal(dates("strike", "2021-03-06", NULL), "");
    assert_string_equal(dates("strike", NULL, "2021-02-28"), "");
    d = dates("strike", NULL, "2021-03-01");
    assert_string_equal(d, "2021-03-01");
    d = dates("ferry", "2021-03-02", NULL);
    assert_null(strstr(d, "03-01"));
    /* from > to: nothing, not an error */
    assert_string_equal(dates("strike", "2021-03-05", "2021-03-01"), "");
}

static void test_ties_newer_first(void **s)
{
    (void)s;
    dl_ingest *ing;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    add(ing, "2019-05-01", NULL, "Lighthouse keeper retires.");
    add(ing, "2023-05-01", NULL, "Lighthouse keeper retires.");
    add(ing, "2020-05-01", NULL, "Lighthouse keeper retires.");
    add(ing, "2010-01-01", NULL, "Unrelated filler text about gardens.");
    assert_int_equal(dl_ingest_finish(ing, NULL), DL_OK);
    assert_string_equal(dates("lighthouse", NULL, NULL), "2023-05-01 2020-05-01 2019-05-01");
}

/* Articles over many batches (several segments), invented from word lists. */
static void fill_many(int batches, int per)
{
    static const char *w[] = {"river", "bridge", "council", "vote", "budget", "school",
                              "storm", "harbour", "ferry", "strike", "mayor", "police",
                              "market", "festival", "museum", "railway", "airport", "court"};
    unsigned seed = 7;
    for (int b = 0; b < batches; b++) {
        dl_ingest *ing;
        assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
        for (int i = 0; i < per; i++) {
            char text[1024] = "", date[11];
            /* 2 to 7 of the named words (so each is in a minority of the
             * articles and has a real idf), then 12 filler words */
            int nw = 2 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 6;
            for (int k = 0; k < nw + 12; k++) {
                seed = seed * 1103515245 + 12345;
                if (k < nw) {
                    strcat(text, w[(seed >> 16) % 18]);
                } else {
                    char f[8] = {'q', (char)('a' + (seed >> 16) % 26), (char)('a' + (seed >> 20) % 26), 'x', 0};
                    strcat(text, f);
                }
                strcat(text, " ");
            }
            seed = seed * 1103515245 + 12345;
            dl_date_format(day("2015-01-01") + (int32_t)((seed >> 16) % 3000), date);
            char uniq[32];
            snprintf(uniq, sizeof uniq, " Item %d.", b * per + i);
            strcat(text, uniq);
            add(ing, date, NULL, text);
        }
        assert_int_equal(dl_ingest_finish(ing, NULL), DL_OK);
    }
}

typedef struct snap {
    dl_scored *h;
    size_t n;
    uint64_t total;
} snap;

static const char *QUERIES[][3] = {
    {"storm", NULL, NULL},           {"harbour ferry", NULL, NULL},
    {"\"ferry strike\"", NULL, NULL}, {"mayor OR police", NULL, NULL},
    {"court -vote", NULL, NULL},      {"river bridge council", "2016-01-01", "2018-12-31"},
    {"budget OR museum railway", "2017-01-01", "2017-12-31"},
};

static void take(snap *out)
{
    for (size_t i = 0; i < DL_ARRAY_LEN(QUERIES); i++) {
        const char *from = QUERIES[i][1], *to = QUERIES[i][2];
        assert_int_equal(dl_search_docs(ar, QUERIES[i][0], from ? day(from) : DL_DAY_MIN,
                                        to ? day(to) : DL_DAY_MAX, 25, &out[i].h, &out[i].n,
                                        &out[i].total),
                         DL_OK);
    }
}

static size_t seg_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "seg-", 4)) n++;
    closedir(d);
    return n;
}

static void test_merge_identical(void **s)
{
    (void)s;
    fill_many(6, 300);
    dl_index *ix;
    assert_int_equal(dl_index_get(ar, &ix), DL_OK);
    size_t nseg;
    uint64_t ndocs;
    dl_index_counts(ix, &nseg, &ndocs);
    assert_int_equal(ndocs, 1800);
    assert_true(nseg >= 2);
    snap before[DL_ARRAY_LEN(QUERIES)], after[DL_ARRAY_LEN(QUERIES)];
    take(before);
    assert_int_equal(dl_index_optimize(ar), DL_OK);
    dl_index_counts(ix, &nseg, &ndocs);
    assert_int_equal(nseg, 1);
    assert_int_equal(ndocs, 1800);
    assert_int_equal(seg_files(), 1); /* merged-away files are deleted */
    take(after);
    for (size_t i = 0; i < DL_ARRAY_LEN(QUERIES); i++) {
        assert_int_equal(before[i].n, after[i].n);
        assert_int_equal(before[i].total, after[i].total);
        assert_true(before[i].total > 0);
        for (size_t j = 0; j < before[i].n; j++) {
            assert_int_equal(before[i].h[j].docno, after[i].h[j].docno);
            assert_true(before[i].h[j].score == after[i].h[j].score); /* bit for bit */
        }
        /* ranged queries: every hit inside */
        if (QUERIES[i][1])
            for (size_t j = 0; j < after[i].n; j++)
                assert_true(after[i].h[j].day >= day(QUERIES[i][1]) &&
                            after[i].h[j].day <= day(QUERIES[i][2]));
        dl_free(before[i].h);
        dl_free(after[i].h);
    }
}

/* Top-k with pruning must equal the exhaustive ranking: compare top 5
 * against the first 5 of a top-2000 (which holds every match). */
static void test_pruning_exact(void **s)
{
    (void)s;
    fill_many(3, 400);
    const char *qs[] = {"storm", "harbour ferry", "mayor OR police OR court", "\"ferry strike\"",
                        "river OR bridge -vote"};
    for (size_t i = 0; i < DL_ARRAY_LEN(qs); i++) {
        dl_scored *a, *b;
        size_t na, nb;
        assert_int_equal(dl_search_docs(ar, qs[i], DL_DAY_MIN, DL_DAY_MAX, 5, &a, &na, NULL), 0);
        assert_int_equal(dl_search_docs(ar, qs[i], DL_DAY_MIN, DL_DAY_MAX, 2000, &b, &nb, NULL),
                         0);
        assert_true(na == 5 && nb > 5);
        assert_true(a[0].score > 0.1 && a[4].score > 0);
        for (size_t j = 0; j < na; j++) {
            assert_int_equal(a[j].docno, b[j].docno);
            assert_true(a[j].score == b[j].score);
        }
        for (size_t j = 1; j < nb; j++) /* ranked: score, then newer day */
            assert_true(b[j - 1].score > b[j].score ||
                        (b[j - 1].score == b[j].score && b[j - 1].day >= b[j].day));
        dl_free(a);
        dl_free(b);
    }
}

static void test_reader_sees_new_batches(void **s)
{
    (void)s;
    fill_small();
    dl_archive *rd;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &rd), DL_OK);
    dl_scored *h;
    size_t n;
    assert_int_equal(dl_search_docs(rd, "zeppelin", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL), 0);
    assert_int_equal(n, 0);
    dl_ingest *ing;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    add(ing, "2022-08-08", NULL, "A zeppelin landed at the harbour.");
    /* not committed yet: invisible */
    assert_int_equal(dl_search_docs(rd, "zeppelin", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(dl_ingest_commit(ing), DL_OK);
    assert_int_equal(dl_search_docs(rd, "zeppelin", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL), 0);
    assert_int_equal(n, 1);
    dl_free(h);
    assert_int_equal(dl_ingest_finish(ing, NULL), DL_OK);
    dl_archive_close(rd);
}

static void test_syntax_error(void **s)
{
    (void)s;
    fill_small();
    dl_scored *h;
    size_t n;
    assert_int_equal(dl_search_docs(ar, "-ferry", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL),
                     DL_ESYNTAX);
    assert_non_null(strstr(dl_archive_errmsg(ar), "exclude"));
    dl_results *r;
    assert_int_equal(dl_search(ar, "  ", DL_DAY_MIN, DL_DAY_MAX, 5, &r), DL_ESYNTAX);
}

static void test_results_json(void **s)
{
    (void)s;
    fill_small();
    dl_results *r;
    assert_int_equal(dl_search(ar, "night ferry", DL_DAY_MIN, DL_DAY_MAX, 2, &r), DL_OK);
    assert_int_equal(r->total, 3);
    assert_int_equal(r->n_hits, 2);
    assert_true(r->took_ms >= 0);
    /* the text's matches are marked; a title-only match still gets text */
    assert_true(strstr(r->hits[0].snippet, "[ferry]") || strstr(r->hits[1].snippet, "[ferry]"));
    assert_true(strlen(r->hits[0].snippet) > 10 && strlen(r->hits[1].snippet) > 10);
    size_t len;
    char *js = dl_results_json(r, &len);
    assert_non_null(strstr(js, "\"total\": 3"));
    assert_non_null(strstr(js, "\"hits\": [{\"id\":"));
    dl_free(js);
    dl_results_free(r);
}

static void test_corrupt_segment(void **s)
{
    (void)s;
    fill_small();
    /* damage the posting data of the only segment (keep the header valid) */
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512] = "";
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "seg-", 4)) snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    closedir(d);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    for (long off = 200; off < size - 600; off += 7) { /* garble the middle */
        fseek(f, off, SEEK_SET);
        fputc(0xff, f);
    }
    fclose(f);
    dl_archive *rd;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &rd), DL_OK);
    dl_scored *h = NULL;
    size_t n;
    int rc = dl_search_docs(rd, "strike ferry", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL);
    assert_true(rc == DL_OK || rc == DL_ECORRUPT); /* never a crash or overread */
    dl_free(h);
    dl_archive_close(rd);
    /* truncation is caught at open */
    assert_int_equal(truncate(path, 100), 0);
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &rd), DL_OK);
    rc = dl_search_docs(rd, "strike", DL_DAY_MIN, DL_DAY_MAX, 5, &h, &n, NULL);
    assert_int_equal(rc, DL_ECORRUPT);
    dl_archive_close(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_phrase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclusion_or, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ties_newer_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pruning_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_sees_new_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_results_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_segment, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
