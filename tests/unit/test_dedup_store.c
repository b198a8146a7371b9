/* test_dedup_store.c -- the ingest-time near-duplicate check on an archive
 * (dl_dedup_article): invented originals and edited copies of them are
 * linked to their original, and the results are the same whatever the
 * signature store holds: the default store, a store so small that its
 * arenas turn over every few articles (and some signatures never fit),
 * and two sessions, the second reading the first one's keys and
 * signatures from the tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup/dedup.h"
#include "store/store.h"

#define N_ART 90

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/dl-test-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* An invented word from a number: syllables, so that texts tokenise as
 * words. */
static void word(unsigned n, char *out)
{
    static const char *syl[] = {"ka", "lo", "mir", "te", "sun", "va", "dor", "pe",
                                "ri", "gan", "tho", "ble", "us", "zen", "fa", "qui"};
    out[0] = 0;
    for (int k = 0; k < 3; k++, n /= 16) strcat(out, syl[n % 16]);
}

static unsigned lcg(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* Article i: every third one from 30 on is a copy of an original (i - 29)
 * with its first and last sentences cut, a few words changed and a
 * different lede; the others are original text. *orig gets the original's
 * number or -1. */
static void make_text(int i, char *buf, size_t cap, int *orig)
{
    unsigned s = 77u + (unsigned)i * 7919u;
    int src = i >= 30 && i % 3 == 0 ? i - 29 : i;
    *orig = src == i ? -1 : src;
    unsigned t = 77u + (unsigned)src * 7919u;
    size_t n = 0;
    char w[32];
    buf[0] = 0;
    if (src != i) {
        /* a lede of its own */
        for (int k = 0; k < 12; k++) {
            word(lcg(&s) % 4096, w);
            n += (size_t)snprintf(buf + n, cap - n, "%s ", w);
        }
        n += (size_t)snprintf(buf + n, cap - n, ". ");
    }
    int len = 120 + (int)(lcg(&t) % 200);
    for (int k = 0; k < len && n + 40 < cap; k++) {
        word(lcg(&t) % 4096, w);
        if (src != i && (k < 10 || k > len - 15)) continue;         /* cut */
        if (src != i && k % 37 == 5) word(lcg(&s) % 4096, w);     /* changed */
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", w, k % 11 == 10 ? ". " : " ");
    }
}

/* Runs articles [from, to) through a new checker on the archive in
 * dir/name (mem: the store's bound, 0 for the default), filling dup[],
 * sim[]. */
static void run(const char *name, int from, int to, size_t mem, int64_t *dup, double *sim)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open(path, DL_OPEN_WRITE, &ar), DL_OK);
    dl_dedup *dd = NULL;
    assert_int_equal(dl_dedup_new(ar, &dd), DL_OK);
    if (mem) dl_dedup_set_memory(dd, mem);
    assert_int_equal(dl_archive_exec(ar, "BEGIN"), DL_OK);
    static char text[8192];
    for (int i = from; i < to; i++) {
        int orig;
        make_text(i, text, sizeof text, &orig);
        assert_int_equal(dl_dedup_article(dd, i + 1, text, strlen(text), NULL, NULL, &dup[i],
                                          &sim[i]),
                         DL_OK);
        if (i % 16 == 15) assert_int_equal(dl_dedup_flush(dd), DL_OK);
    }
    assert_int_equal(dl_dedup_flush(dd), DL_OK);
    assert_int_equal(dl_archive_exec(ar, "COMMIT"), DL_OK);
    dl_dedup_free(dd);
    /* every signature was written */
    sqlite3_stmt *st = dl_archive_prepare(ar, "SELECT count(*) FROM dup_sigs");
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), to);
    sqlite3_finalize(st);
    dl_archive_close(ar);
}

static void test_store_sizes(void **state)
{
    (void)state;
    static int64_t d0[N_ART], d1[N_ART], d2[N_ART];
    static double s0[N_ART], s1[N_ART], s2[N_ART];
    run("big", 0, N_ART, 0, d0, s0);
    /* two 2 KB arenas: an entry or two each, the longer texts never fit */
    run("small", 0, N_ART, 4096, d1, s1);
    run("two", 0, N_ART / 2, 0, d2, s2);
    run("two", N_ART / 2, N_ART, 0, d2, s2);  /* keys and signatures from the tables */
    int copies = 0;
    for (int i = 0; i < N_ART; i++) {
        char text[8192];
        int orig;
        make_text(i, text, sizeof text, &orig);
        if (orig >= 0) {
            copies++;
            assert_int_equal(d0[i], orig + 1);
            assert_true(s0[i] >= DL_DUP_THRESHOLD);
        } else {
            assert_int_equal(d0[i], 0);
        }
        assert_int_equal(d1[i], d0[i]);
        assert_int_equal(d2[i], d0[i]);
        assert_true(s1[i] == s0[i]);
        assert_true(s2[i] == s0[i]);
    }
    assert_int_equal(copies, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_sizes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
