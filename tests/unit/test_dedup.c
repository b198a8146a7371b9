/* test_dedup.c -- near-duplicate signatures: normalisation, a syndicated
 * copy (other lede, clutter, British spelling, curly quotes, truncation)
 * scores above the threshold, an independent report of the event below. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dedup/dedup.h"
#include "dedup/shingle.h"
#include "text/svb.h"

#include <streamvbyte.h>
#include <streamvbytedelta.h>

#include <stdlib.h>
#include <string.h>

static const char ORIG[] =
    "The harbour authority said on Tuesday that the container terminal would stay closed "
    "until the dockworkers' union and the port operators agree on a new contract. "
    "Negotiations broke down late on Monday after the operators rejected a demand for a "
    "seven percent raise over two years. About forty ships are waiting outside the "
    "breakwater, and shipping lines have begun to divert cargo to other ports along the "
    "coast. The union's spokesman said members were prepared to stay out for as long as it "
    "takes, while the operators called the walkout an unlawful action that was costing the "
    "region millions of dollars every day. The regional governor has offered to mediate.";

static const char COPY[] =
    "Share Facebook Share Twitter\n\nPORT CITY (Wire) \xe2\x80\x94 A strike has shut the port.\n\n"
    "The harbor authority said on Tuesday that the container terminal would stay closed "
    "until the dockworkers\xe2\x80\x99 union and the port operators agree on a new contract. "
    "Negotiations broke down late on Monday after the operators rejected a demand for a "
    "seven percent raise over two years. About forty ships are waiting outside the "
    "breakwater, and shipping lines have begun to divert cargo to other ports along the "
    "coast. The union\xe2\x80\x99s spokesman said members were prepared to stay out for as long";

static const char OTHER[] =
    "Dockworkers walked off the job this week, and the port has been idle since. Ship "
    "captains anchored offshore told reporters they had no idea when they would unload. "
    "The union wants a seven percent raise; operators say they cannot afford it. Local "
    "businesses that depend on imports are worried about empty shelves, and the governor "
    "is expected to step in to mediate between the two sides before the weekend.";

static void test_norm(void **state)
{
    (void)state;
    char a[64], b[64];
    size_t na = dl_dup_norm_word("Colour", 6, a, sizeof a);
    size_t nb = dl_dup_norm_word("color", 5, b, sizeof b);
    assert_int_equal(na, nb);
    assert_string_equal(a, b);
    dl_dup_norm_word("organised", 9, a, sizeof a);
    dl_dup_norm_word("organized", 9, b, sizeof b);
    assert_string_equal(a, b);
    dl_dup_norm_word("travelled", 9, a, sizeof a);
    dl_dup_norm_word("traveled", 8, b, sizeof b);
    assert_string_equal(a, b);
    dl_dup_norm_word("centre", 6, a, sizeof a);
    dl_dup_norm_word("center", 6, b, sizeof b);
    assert_string_equal(a, b);
    dl_dup_norm_word("Defence", 7, a, sizeof a);
    dl_dup_norm_word("defense", 7, b, sizeof b);
    assert_string_equal(a, b);
}

static void test_copy_vs_report(void **state)
{
    (void)state;
    double c = dl_near_dup_similarity(ORIG, sizeof ORIG - 1, COPY, sizeof COPY - 1);
    assert_true(c >= DL_DUP_THRESHOLD);
    double o = dl_near_dup_similarity(ORIG, sizeof ORIG - 1, OTHER, sizeof OTHER - 1);
    assert_true(o >= 0 && o < DL_DUP_THRESHOLD / 2);
    /* the same text is 1 */
    double s = dl_near_dup_similarity(ORIG, sizeof ORIG - 1, ORIG, sizeof ORIG - 1);
    assert_true(s > 0.999);
}

static void test_junk(void **state)
{
    (void)state;
    char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (char)(i * 131 + 7);
    dl_u32vec v = {0};
    assert_int_equal(dl_shingles(junk, sizeof junk, &v), DL_OK);
    for (size_t i = 1; i < v.n; i++) assert_true(v.v[i - 1] < v.v[i]);
    dl_vec_free(&v);
    assert_true(dl_near_dup_similarity("", 0, "a b", 3) == 0);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* The dup_sigs blob: written compactly and read back exactly; blobs of the
 * two older layouts are still read; damaged blobs are refused. */
static void test_sig_blob(void **state)
{
    (void)state;
    dl_u32vec sig = {0}, s5 = {0}, s2 = {0};
    dl_bytevec buf = {0};
    assert_int_equal(dl_shingles(ORIG, sizeof ORIG - 1, &sig), DL_OK);
    assert_true(sig.n > 50);
    unsigned char *p = malloc(dl_dup_sig_bytes(sig.n));
    assert_non_null(p);
    size_t n = dl_dup_sig_encode(p, sig.v, sig.n);
    assert_true(n <= dl_dup_sig_bytes(sig.n));
    /* a long article's 2,000 shingles (gaps of about 2^21): 3 bytes a
     * shingle and a quarter for the control bits, where the older blobs
     * took 4 (or 8 with the bigrams) */
    static uint32_t many[2000];
    for (uint32_t i = 0; i < 2000; i++) many[i] = i * 2000003u + (i * 7919u) % 1000u;
    unsigned char *m = malloc(dl_dup_sig_bytes(2000));
    assert_non_null(m);
    size_t mn = dl_dup_sig_encode(m, many, 2000);
    assert_int_equal(mn, 500 + 1 + 1999 * 3 + 8); /* the first value is 0: one byte */
    assert_int_equal(dl_dup_sig_decode(&buf, m, mn, &s5, &s2), 1);
    assert_int_equal(s5.n, 2000);
    assert_memory_equal(s5.v, many, sizeof many);
    free(m);
    assert_int_equal(dl_dup_sig_decode(&buf, p, n, &s5, &s2), 1);
    assert_int_equal(s5.n, sig.n);
    assert_int_equal(s2.n, 0);
    assert_memory_equal(s5.v, sig.v, sig.n * sizeof *sig.v);
    /* a stream cut short, or one byte too long, is not trusted */
    assert_int_equal(dl_dup_sig_decode(&buf, p + 1, n - 1, &s5, &s2), 0);
    unsigned char *q = malloc(n + 1);
    assert_non_null(q);
    memcpy(q + 1, p, n);
    q[0] = 0;
    assert_int_equal(dl_dup_sig_decode(&buf, q, n + 1, &s5, &s2), 0);
    free(q);
    /* the older layouts: 5-shingles, 2-shingles, count, "DLB2"; and
     * 5-shingles alone */
    uint32_t five[] = {3, 90, 4000, 70000, 1u << 30}, two[] = {8, 9, 1u << 31};
    unsigned char old[4 * 10];
    for (int i = 0; i < 5; i++) put32(old + 4 * i, five[i]);
    for (int i = 0; i < 3; i++) put32(old + 20 + 4 * i, two[i]);
    put32(old + 32, 5);
    put32(old + 36, 0x32424C44u);
    assert_int_equal(dl_dup_sig_decode(&buf, old, sizeof old, &s5, &s2), 1);
    assert_int_equal(s5.n, 5);
    assert_int_equal(s2.n, 3);
    assert_memory_equal(s5.v, five, sizeof five);
    assert_memory_equal(s2.v, two, sizeof two);
    assert_int_equal(dl_dup_sig_decode(&buf, old, 20, &s5, &s2), 1);
    assert_int_equal(s5.n, 5);
    assert_int_equal(s2.n, 0);
    /* out of order: refused */
    put32(old + 4, 2);
    assert_int_equal(dl_dup_sig_decode(&buf, old, 20, &s5, &s2), 0);
    free(p);
    dl_vec_free(&sig);
    dl_vec_free(&s5);
    dl_vec_free(&s2);
    dl_vec_free(&buf);
}

/* The vector shingler gives the scalar one's values, whatever the length
 * (full blocks of eight windows and the rest). */
static void test_shingles_vec(void **state)
{
    (void)state;
    uint64_t wh[64];
    uint64_t x = 0x243F6A8885A308D3ull;
    for (int i = 0; i < 64; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        wh[i] = x;
    }
    for (int k = 1; k <= DL_DUP_K; k++)
        for (size_t n = 0; n <= 64; n++) {
            uint32_t a[64], b[64];
            size_t na = dl_dup_shingles_words(wh, n, k, a);
            size_t nb = dl_dup_shingles_words_vec(wh, n, k, b);
            assert_int_equal(na, nb);
            if (na) assert_memory_equal(a, b, na * sizeof *a);
        }
}

/* The streamvbyte encoder writes the library's bytes (plain and delta, any
 * length, values of every byte count). */
static void test_svb(void **state)
{
    (void)state;
    static uint32_t v[300];
    static uint8_t a[2000], b[2000];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t n = 0; n <= 300; n += (n < 20 ? 1 : 37)) {
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            v[i] = (uint32_t)x >> (8 * (x >> 40 & 3));  /* 1 to 4 bytes */
        }
        size_t na = dl_svb_encode(v, n, a, 0, 0);
        size_t nb = streamvbyte_encode(v, (uint32_t)n, b);
        assert_int_equal(na, nb);
        if (na) assert_memory_equal(a, b, na);
        na = dl_svb_encode(v, n, a, 1, 7);
        nb = streamvbyte_delta_encode(v, (uint32_t)n, b, 7);
        assert_int_equal(na, nb);
        if (na) assert_memory_equal(a, b, na);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm),
        cmocka_unit_test(test_copy_vs_report),
        cmocka_unit_test(test_junk),
        cmocka_unit_test(test_sig_blob),
        cmocka_unit_test(test_shingles_vec),
        cmocka_unit_test(test_svb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
