/* test_dedup_store.c -- the ingest-time near-duplicate check on an archive
 * (dl_dedup_article): invented originals and edited copies of them are
 * linked to their original, and the results are the same whatever the
 * signature store holds: the default store, a store so small that its
 * arenas turn over every few articles (and some signatures never fit),
 * two sessions, the second reading the first one's keys from the key
 * log (dupkeys.log) and signatures from dup_sigs, two sessions whose
 * second drops the key map (the log's keys move into dup_keys), and two
 * sessions with a torn write past the log's committed length between
 * them. */
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
enum { PLAIN, DROP_KEYS };
static void run_how(const char *name, int from, int to, size_t mem, int how, int64_t *dup,
                    double *sim);
static void run(const char *name, int from, int to, size_t mem, int64_t *dup, double *sim)
{
    run_how(name, from, to, mem, PLAIN, dup, sim);
}

/* The value of meta key in the archive dir/name. */
static int64_t meta_int(dl_archive *ar, const char *key)
{
    sqlite3_stmt *st = dl_archive_prepare(ar, "SELECT value FROM meta WHERE key = ?");
    assert_non_null(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static int64_t count_rows(dl_archive *ar, const char *sql)
{
    sqlite3_stmt *st = dl_archive_prepare(ar, sql);
    assert_non_null(st);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* how: PLAIN, or DROP_KEYS (the key map dropped at the start: the key log
 * moves into dup_keys, lookups read the table). */
static void run_how(const char *name, int from, int to, size_t mem, int how, int64_t *dup,
                    double *sim)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open(path, DL_OPEN_WRITE, &ar), DL_OK);
    dl_dedup *dd = NULL;
    assert_int_equal(dl_dedup_new(ar, &dd), DL_OK);
    if (mem) dl_dedup_set_memory(dd, mem);
    assert_int_equal(dl_archive_exec(ar, "BEGIN"), DL_OK);
    if (how == DROP_KEYS) {
        int64_t logged = meta_int(ar, "dupkeys_bytes");
        assert_true(logged > 0);
        assert_int_equal(dl_dedup_drop_keys(dd), DL_OK);
        assert_int_equal(meta_int(ar, "dupkeys_bytes"), 0);
        assert_int_equal(count_rows(ar, "SELECT count(*) FROM dup_keys"), logged / 8);
    }
    static char text[8192];
    /* the article rows too: a candidate of an earlier session (or one that
     * left the store) has its bigrams shingled again from its text */
    sqlite3_stmt *ins = dl_archive_prepare(
        ar, "INSERT INTO articles(docno, id, day, date, text) VALUES(?, ?, 0, '2020-01-01', ?)");
    assert_non_null(ins);
    for (int i = from; i < to; i++) {
        int orig;
        make_text(i, text, sizeof text, &orig);
        char id[32];
        snprintf(id, sizeof id, "a%d", i);
        sqlite3_bind_int64(ins, 1, i + 1);
        sqlite3_bind_text(ins, 2, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, text, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
        sqlite3_reset(ins);
        assert_int_equal(dl_dedup_article(dd, i + 1, text, strlen(text), NULL, NULL, &dup[i],
                                          &sim[i]),
                         DL_OK);
        if (i % 16 == 15) assert_int_equal(dl_dedup_flush(dd), DL_OK);
    }
    sqlite3_finalize(ins);
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
    run("two", N_ART / 2, N_ART, 0, d2, s2);  /* keys from the log, signatures from the table */
    static int64_t d3[N_ART], d4[N_ART];
    static double s3[N_ART], s4[N_ART];
    /* the key map dropped in the second session: keys from dup_keys */
    run("drop", 0, N_ART / 2, 0, d3, s3);
    run_how("drop", N_ART / 2, N_ART, 0, DROP_KEYS, d3, s3);
    /* a batch that crashed after writing its keys: bytes past the
     * committed length are ignored, then overwritten */
    run("torn", 0, N_ART / 2, 0, d4, s4);
    char path[160];
    snprintf(path, sizeof path, "%s/torn/dupkeys.log", dir);
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    for (int k = 0; k < 1001; k++) fputc(k & 1 ? 0xff : 0x01, f);
    fclose(f);
    run("torn", N_ART / 2, N_ART, 0, d4, s4);
    {
        snprintf(path, sizeof path, "%s/torn", dir);
        dl_archive *ar = NULL;
        assert_int_equal(dl_archive_open(path, DL_OPEN_WRITE, &ar), DL_OK);
        int64_t logged = meta_int(ar, "dupkeys_bytes");
        assert_true(logged > 0 && logged % 8 == 0);
        assert_int_equal(count_rows(ar, "SELECT count(*) FROM dup_keys"), 0);
        dl_archive_close(ar);
    }
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
        assert_int_equal(d3[i], d0[i]);
        assert_int_equal(d4[i], d0[i]);
        assert_true(s1[i] == s0[i]);
        assert_true(s2[i] == s0[i]);
        assert_true(s3[i] == s0[i]);
        assert_true(s4[i] == s0[i]);
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
