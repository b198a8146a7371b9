/*
 * test_search_prune.c -- top-k pruning never changes a result.  An index
 * of 4,000 invented documents (Zipf-distributed words from a small
 * vocabulary, so that many documents share the common words, as news
 * text does) is built in several batches (several segments); every query
 * (one to three words, OR of common words, phrases, exclusions, date
 * ranges) is run with k = 10, where block-max, MaxScore and the phrase
 * bound prune, and with k larger than any match count, where the heap
 * never fills and nothing is pruned.  The first must equal the first ten
 * of the second: same documents, same order, bit-equal scores.  Then the
 * same after merging everything into one segment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "index/index.h"

#include <stdio.h>
#include <unistd.h>

#define NDOCS 4000
#define VOCAB 300
#define BIG 5000

static char dir[64];
static dl_archive *ar;

#define RNG_SEED 0x2545F4914F6CDD1Dull
#include "rng.h"

/* Word w of the vocabulary: invented, letters only ("ba", "be"...). */
static void word(uint32_t w, char *out)
{
    static const char *syl[] = {"ba", "ke", "lo", "mi", "nu", "po", "ra", "si", "tu", "ve"};
    int n = 0;
    out[n++] = 'x'; /* no stem changes: all words start with x and end in a vowel */
    do {
        memcpy(out + n, syl[w % 10], 2);
        n += 2;
        w /= 10;
    } while (w);
    out[n] = 0;
}

/* Zipf-like: word index with probability ~ 1/(rank+1). */
static uint32_t zipf(void)
{
    static double cum[VOCAB];
    static int ready;
    if (!ready) {
        double s = 0;
        for (int i = 0; i < VOCAB; i++) cum[i] = (s += 1.0 / (i + 1));
        for (int i = 0; i < VOCAB; i++) cum[i] /= s;
        ready = 1;
    }
    double u = rnd(1000000) / 1e6;
    uint32_t lo = 0, hi = VOCAB - 1;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (cum[mid] < u) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/dl-prune-%d", (int)getpid());
    if (dl_archive_open(dir, DL_OPEN_WRITE, &ar)) return -1;
    dl_index *ix;
    if (dl_index_get(ar, &ix)) return -1;
    dl_ibatch *b;
    if (dl_ibatch_new(ix, &b)) return -1;
    static char text[8192];
    for (int i = 0; i < NDOCS;) {
        if (dl_archive_exec(ar, "BEGIN IMMEDIATE")) return -1;
        int end = i + 700 < NDOCS ? i + 700 : NDOCS;
        for (; i < end; i++) {
            size_t n = 0;
            uint32_t len = 10 + rnd(rnd(4) ? 120 : 600);
            for (uint32_t j = 0; j < len; j++) {
                char w[32];
                word(zipf(), w);
                n += (size_t)snprintf(text + n, sizeof text - n, "%s ", w);
            }
            char title[32];
            word(zipf(), title);
            /* days: 2015-01-01 on, several documents a day, batches overlap
             * in dates (segments are not date-disjoint) */
            int32_t day = 16436 + (int32_t)rnd(3000);
            if (dl_ibatch_add(b, i + 1, day, title, strlen(title), text, n)) return -1;
        }
        if (dl_ibatch_flush(b)) return -1;
        if (dl_archive_exec(ar, "COMMIT")) return -1;
        dl_ibatch_done(b, 1);
    }
    dl_ibatch_free(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dl_archive_close(ar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Runs q both ways; returns the match count seen by the unpruned run. */
static size_t check(dl_index *ix, dl_termer *tm, const char *q, int32_t from, int32_t to)
{
    dl_query *pq;
    const char *err;
    assert_int_equal(dl_query_parse(tm, q, strlen(q), &pq, &err), DL_OK);
    static dl_scored all[BIG];
    dl_scored top[10];
    size_t nall, ntop;
    assert_int_equal(dl_index_search(ix, pq, from, to, BIG, all, &nall, NULL), DL_OK);
    assert_true(nall < BIG); /* the heap never filled: nothing pruned */
    assert_int_equal(dl_index_search(ix, pq, from, to, 10, top, &ntop, NULL), DL_OK);
    assert_int_equal(ntop, nall < 10 ? nall : 10);
    for (size_t i = 0; i < ntop; i++) {
        if (top[i].docno != all[i].docno || top[i].score != all[i].score)
            fail_msg("query %s: hit %zu is %lld (%.17g), unpruned %lld (%.17g)", q, i,
                     (long long)top[i].docno, top[i].score, (long long)all[i].docno,
                     all[i].score);
    }
    dl_query_free(pq);
    return nall;
}

static void run_queries(dl_index *ix)
{
    dl_termer *tm;
    assert_int_equal(dl_termer_new(&tm), DL_OK);
    size_t big = 0;
    for (int i = 0; i < 300; i++) {
        char q[256], a[32], b[32], c[32];
        word(zipf(), a);
        word(zipf(), b);
        word(rnd(3) ? rnd(8) : zipf(), c);
        switch (i % 7) {
        case 0: snprintf(q, sizeof q, "%s", a); break;
        case 1: snprintf(q, sizeof q, "%s %s", a, b); break;
        case 2: snprintf(q, sizeof q, "%s %s %s", a, b, c); break;
        case 3: snprintf(q, sizeof q, "%s OR %s", c, b); break;
        case 4: snprintf(q, sizeof q, "\"%s %s\"", c, a); break;
        case 5: snprintf(q, sizeof q, "%s OR %s OR %s", a, b, c); break;
        default: snprintf(q, sizeof q, "%s %s -%s", c, b, a); break;
        }
        int32_t from = INT32_MIN, to = INT32_MAX;
        if (i % 3 == 2) {
            from = 16436 + (int32_t)rnd(2500);
            to = from + (int32_t)rnd(400);
        }
        if (check(ix, tm, q, from, to) > 200) big++;
    }
    assert_true(big > 50); /* many queries had enough matches to prune */
    dl_termer_free(tm);
}

static void test_pruning_exact(void **state)
{
    (void)state;
    dl_index *ix;
    assert_int_equal(dl_index_get(ar, &ix), DL_OK);
    size_t nseg;
    uint64_t ndocs;
    dl_index_counts(ix, &nseg, &ndocs);
    assert_true(nseg > 1);
    assert_int_equal(ndocs, NDOCS);
    g_rng = 42;
    run_queries(ix);
    assert_int_equal(dl_index_merge(ix, 1), DL_OK);
    assert_int_equal(dl_index_refresh(ix), DL_OK);
    dl_index_counts(ix, &nseg, &ndocs);
    assert_int_equal(nseg, 1);
    g_rng = 42;
    run_queries(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pruning_exact, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
