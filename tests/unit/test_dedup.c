/* test_dedup.c -- near-duplicate signatures: normalisation, a syndicated
 * copy (other lede, clutter, British spelling, curly quotes, truncation)
 * scores above the threshold, an independent report of the event below. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dedup/dedup.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm),
        cmocka_unit_test(test_copy_vs_report),
        cmocka_unit_test(test_junk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
