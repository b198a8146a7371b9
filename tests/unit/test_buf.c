/*
 * test_buf.c -- the JSON writer of text/buf.c: string escaping (the
 * sixteen-bytes-at-a-time fast path must give exactly what a byte-by-byte writer
 * gives, wherever the special byte falls), invalid UTF-8, numbers and spans
 * written without printf; the radix sorts and the table allocators beside
 * them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "text/buf.h"
#include "text/utf8.h"
#include "dl_int.h"

/* The reference: one byte at a time, RFC 8259 escapes, U+FFFD for bytes
 * that start no valid UTF-8 sequence. */
static void ref_str(dl_buf *b, const char *s, size_t n)
{
    dl_buf_addc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t k = dl_utf8_valid_prefix(s + i, n - i);
            if (k) dl_buf_add(b, s + i, k), i += k;
            else dl_buf_adds(b, "\xef\xbf\xbd"), i++;
            continue;
        }
        if (c == '"') dl_buf_adds(b, "\\\"");
        else if (c == '\\') dl_buf_adds(b, "\\\\");
        else if (c == '\n') dl_buf_adds(b, "\\n");
        else if (c == '\r') dl_buf_adds(b, "\\r");
        else if (c == '\t') dl_buf_adds(b, "\\t");
        else if (c < 0x20) dl_buf_printf(b, "\\u%04x", c);
        else dl_buf_addc(b, (char)c);
        i++;
    }
    dl_buf_addc(b, '"');
}

static void same_as_ref(const char *s, size_t n)
{
    dl_buf a = {0}, r = {0};
    dl_json_str(&a, s, n);
    ref_str(&r, s, n);
    assert_int_equal(a.err, 0);
    assert_int_equal(a.n, r.n);
    assert_memory_equal(a.p, r.p, r.n);
    dl_buf_free(&a);
    dl_buf_free(&r);
}

static void test_escapes(void **state)
{
    (void)state;
    dl_buf b = {0};
    static const char in[] = "a\"b\\c\nd\te\x01 \xe2\x80\x9cq\xe2\x80\x9d";
    dl_json_str(&b, in, sizeof in - 1);
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\nd\\te\\u0001 \xe2\x80\x9cq\xe2\x80\x9d\"");
    dl_buf_reset(&b);
    /* a lone continuation byte and a cut sequence become U+FFFD */
    dl_json_str(&b, "ab\x80" "cdefghij\xe2\x80", 13);
    assert_string_equal(b.p, "\"ab\xef\xbf\xbd" "cdefghij\xef\xbf\xbd\xef\xbf\xbd\"");
    dl_buf_free(&b);
}

/* every special byte at every offset of a long ASCII run */
static void test_every_offset(void **state)
{
    (void)state;
    static const char *const specials[] = {"\"", "\\", "\n", "\x1f", "\x7f", "\xc3\xa9",
                                           "\xe2\x80\x99", "\xf0\x9f\x98\x80", "\xff", "\xc3"};
    char s[64];
    for (size_t k = 0; k < sizeof specials / sizeof *specials; k++)
        for (size_t at = 0; at < 40; at++) {
            memset(s, 'x', sizeof s);
            size_t l = strlen(specials[k]);
            memcpy(s + at, specials[k], l);
            for (size_t n = at + l; n <= at + l + 17; n++) same_as_ref(s, n);
        }
}

static void test_random(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    char s[300];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 300);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* mostly printable ASCII, some of everything else */
            unsigned v = (unsigned)(x >> 32) % 100;
            s[i] = v < 85 ? (char)(' ' + (x >> 8) % 95) : (char)(x >> 16);
        }
        same_as_ref(s, n);
    }
}

/* near a ceiling (b->max) the fast path hands over to the careful one: the
 * same bytes when the string fits, the same error when it does not */
static void test_ceiling(void **state)
{
    (void)state;
    char s[200];
    for (size_t i = 0; i < sizeof s; i++) s[i] = i % 37 == 5 ? '\n' : i % 53 == 7 ? '\xe2' : 'a';
    int fitted = 0, refused = 0;
    for (size_t max = 1; max < 500; max++) {
        dl_buf a = {0}, r = {0};
        a.max = r.max = max;
        dl_json_str(&a, s, sizeof s);
        ref_str(&r, s, sizeof s);
        assert_int_equal(a.err != 0, r.err != 0);
        if (!r.err) {
            assert_int_equal(a.n, r.n);
            assert_memory_equal(a.p, r.p, r.n);
            fitted++;
        } else {
            refused++;
        }
        dl_buf_free(&a);
        dl_buf_free(&r);
    }
    assert_true(fitted > 10 && refused > 10);
}

static void test_numbers(void **state)
{
    (void)state;
    dl_buf b = {0};
    dl_json_uint(&b, 0);
    dl_buf_addc(&b, ' ');
    dl_json_uint(&b, 18446744073709551615ULL);
    dl_buf_addc(&b, ' ');
    dl_json_span(&b, (dl_span){7, 4294967295u});
    dl_buf_addc(&b, ' ');
    dl_json_span(&b, (dl_span){0, 10});
    assert_string_equal(b.p, "0 18446744073709551615 [7,4294967295] [0,10]");
    dl_buf_free(&b);
}

/* The radix sorts (sort.c): dl_sort_u64 orders whole keys, for every
 * length (the small insertion-sort path and the radix path), and
 * dl_sort_u64_from orders by the bits from one up and keeps the order of
 * keys equal there (the story flush relies on it). */
static void test_sort_u64(void **state)
{
    (void)state;
    static uint64_t a[3000], b[3000], tmp[3000];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t n = 0; n <= 3000; n += n < 40 ? 1 : 997) {
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* few distinct high parts, the low 24 bits the position */
            a[i] = b[i] = (x % 23) << 40 | (x >> 50) << 24 | i;
        }
        dl_sort_u64(a, n, tmp);
        for (size_t i = 1; i < n; i++) assert_true(a[i - 1] < a[i]);
        dl_sort_u64_from(b, n, tmp, 24);
        for (size_t i = 1; i < n; i++) {
            uint64_t p = b[i - 1] >> 24, q = b[i] >> 24;
            assert_true(p < q || (p == q && (b[i - 1] & 0xFFFFFF) < (b[i] & 0xFFFFFF)));
        }
        /* positions ascend within equal high parts: the same order */
        if (n) assert_memory_equal(a, b, n * sizeof *a);
    }
}

/* dl_table_alloc: zeroed and 64-aligned whatever the size, 2 MiB-aligned
 * from 2 MiB up, every byte writable, freed by size; dl_u32_cover: the
 * index asked for is inside, old entries kept, new ones zero. */
static void test_tables(void **state)
{
    (void)state;
    size_t sizes[] = {1, 100, 4096, 70000, (size_t)2 << 20, ((size_t)5 << 20) + 12345};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t n = sizes[k];
        unsigned char *p = dl_table_alloc(n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 64, 0);
        if (n >= ((size_t)2 << 20)) assert_int_equal((uintptr_t)p % ((size_t)2 << 20), 0);
        size_t nz = 0;
        for (size_t i = 0; i < n; i++) nz += p[i] != 0;
        assert_int_equal(nz, 0);
        memset(p, 0xA5, n);
        dl_table_free(p, n);
    }
    dl_table_free(NULL, 100);

    uint32_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(dl_u32_cover(&v, &cap, 0, 16), DL_OK);
    assert_int_equal(cap, 16);
    for (size_t i = 0; i < cap; i++) assert_int_equal(v[i], 0);
    v[15] = 7;
    assert_int_equal(dl_u32_cover(&v, &cap, 15, 16), DL_OK);  /* already in */
    assert_int_equal(cap, 16);
    assert_int_equal(dl_u32_cover(&v, &cap, 1000, 16), DL_OK);
    assert_true(cap > 1000);
    assert_int_equal(cap, 1024);
    assert_int_equal(v[15], 7);
    for (size_t i = 16; i < cap; i++) assert_int_equal(v[i], 0);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_every_offset),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_ceiling),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_sort_u64),
        cmocka_unit_test(test_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
