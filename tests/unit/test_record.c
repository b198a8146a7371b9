/*
 * test_record.c -- the record parsers (SPEC 1): plain form, JSONL form,
 * dates, ids, trimming, and every kind of bad record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <time.h>

#include "text/record.h"
#include "text/buf.h"
#include "text/date.h"
#include "text/utf8.h"
#include "../../fuzz/jsonl_ref.h"

static void plain_ok(const char *in, const char *date, const char *text)
{
    dl_record r;
    const char *why = NULL;
    int rc = dl_parse_plain(in, strlen(in), &r, &why);
    if (rc) fail_msg("'%s' rejected: %s", in, why);
    assert_string_equal(r.date, date);
    assert_int_equal(r.text_len, strlen(text));
    assert_memory_equal(r.text, text, r.text_len);
    assert_int_equal(strlen(r.id), 16);
}

static void plain_bad(const char *in, size_t len, const char *reason_part)
{
    dl_record r;
    const char *why = NULL;
    assert_int_equal(dl_parse_plain(in, len, &r, &why), DL_EBADREC);
    assert_non_null(why);
    if (!strstr(why, reason_part)) fail_msg("reason '%s' lacks '%s'", why, reason_part);
}

static void test_plain_forms(void **state)
{
    (void)state;
    /* as real files come: leading space, header and first paragraph on one line */
    plain_ok(" date 2019-07-10 Sir Kim resigned.\n\nHe said so.", "2019-07-10",
             "Sir Kim resigned.\n\nHe said so.");
    /* header on its own line, trailing newline */
    plain_ok("date 2024-03-06\nTalks collapsed.\n", "2024-03-06", "Talks collapsed.");
    /* tabs, CRLF, a BOM-free UTF-8 body kept byte for byte */
    plain_ok("\tdate\t2020-02-29\r\n  “Leap,” she said. \r\n", "2020-02-29",
             "“Leap,” she said.");
    /* Unicode white space around the body is trimmed as str.strip() does */
    plain_ok("date 2021-01-01 \xc2\xa0" "Body\xe2\x80\x83", "2021-01-01", "Body");
}

static void test_plain_bad(void **state)
{
    (void)state;
    plain_bad("no header here", 14, "no header");
    plain_bad("dated 2019-07-10 text", 21, "no header");
    plain_bad("date 2019-02-30 text", 20, "impossible date");
    plain_bad("date 2019-13-01 text", 20, "impossible date");
    plain_bad("date 19-07-10 text", 18, "no date");
    plain_bad("date 2019-07-10", 15, "empty text");
    plain_bad("date 2019-07-10   \n\n ", 21, "empty text");
    plain_bad("date 2019-07-10x text", 21, "white space");
    plain_bad("date 2019-07-10 bad \xff" " byte", 24, "invalid UTF-8");
    plain_bad("date 2019-07-10 over\xed\xa0\x80" "long", 27, "invalid UTF-8"); /* surrogate */
    plain_bad("date 2019-07-10 nul \0 byte", 26, "NUL");
    plain_bad("", 0, "no header");
}

static void test_ids_stable(void **state)
{
    (void)state;
    char a[17], b[17], c[17];
    dl_record_id("2019-07-10", "text", 4, a);
    dl_record_id("2019-07-10", "text", 4, b);
    dl_record_id("2019-07-11", "text", 4, c);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    for (int i = 0; i < 16; i++) assert_true(strchr("0123456789abcdef", a[i]));
    /* the same body in either form gets the same id */
    dl_record r1, r2;
    const char *why;
    char *scratch = NULL;
    assert_int_equal(dl_parse_plain(" date 2019-07-10 Hello there.", 29, &r1, &why), DL_OK);
    const char *j = "{\"date\": \"2019-07-10\", \"text\": \"  Hello there.\\n\"}";
    assert_int_equal(dl_parse_jsonl(j, strlen(j), &r2, &scratch, &why), DL_OK);
    assert_string_equal(r1.id, r2.id);
    free(scratch);
}

static void jsonl_bad(const char *line, const char *reason_part)
{
    dl_record r;
    const char *why = NULL;
    char *scratch = NULL;
    assert_int_equal(dl_parse_jsonl(line, strlen(line), &r, &scratch, &why), DL_EBADREC);
    free(scratch);
    if (!strstr(why, reason_part)) fail_msg("'%s': reason '%s' lacks '%s'", line, why, reason_part);
}

static void test_jsonl(void **state)
{
    (void)state;
    const char *j = "{\"id\": \"a1\", \"date\": \"2019-07-10T15:04:05+01:00\", \"text\": "
                    "\"Caf\\u00e9 \\u201cquote\\u201d\", \"url\": \"https://x.test/a\", "
                    "\"title\": \"T\", \"source\": \"Wire\", \"extra\": [1, 2]}";
    dl_record r;
    const char *why = NULL;
    char *scratch = NULL;
    assert_int_equal(dl_parse_jsonl(j, strlen(j), &r, &scratch, &why), DL_OK);
    assert_string_equal(r.id, "a1");
    assert_string_equal(r.date, "2019-07-10");
    assert_string_equal(r.text, "Café “quote”");
    assert_string_equal(r.url, "https://x.test/a");
    assert_string_equal(r.title, "T");
    assert_string_equal(r.source, "Wire");
    assert_int_equal(r.day, dl_days_from_civil(2019, 7, 10));
    free(scratch);

    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": ", "malformed JSON");
    jsonl_bad("[1, 2]", "not a JSON object");
    jsonl_bad("{\"text\": \"x\"}", "no date");
    jsonl_bad("{\"date\": \"2019-02-29\", \"text\": \"x\"}", "impossible date");
    jsonl_bad("{\"date\": \"10 July 2019\", \"text\": \"x\"}", "bad date");
    jsonl_bad("{\"date\": \"2019-07-10\"}", "no text");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": 5}", "no text");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"  \"}", "empty text");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"a\\u0000b\"}", "malformed JSON");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"\xc3\x28\"}", "malformed JSON");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"x\", \"id\": \"\"}", "bad id");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"x\", \"id\": [1]}", "bad id");
    jsonl_bad("{\"date\": \"2019-07-10\", \"text\": \"x\", \"url\": 3}", "must be strings");
    jsonl_bad("{\"date\": \"2019-07-10\", \"date\": \"2019-07-11\", \"text\": \"x\"}", "malformed");
}

/* The parser (jsonl.c) and the jansson version it replaced agree on one
 * input: verdict, reason, fields.  Returns 0 when they do. */
static int differs(const char *in, size_t len, char *msg, size_t cap)
{
    dl_record r, w;
    const char *why = NULL, *rwhy = NULL;
    char *s1 = NULL, *s2 = NULL;
    int a = dl_parse_jsonl(in, len, &r, &s1, &why);
    int b = ref_parse_jsonl(in, len, &w, &s2, &rwhy);
    int bad = 0;
    if (a != b) {
        snprintf(msg, cap, "verdicts %d / %d (%s / %s)", a, b, a ? why : "-", b ? rwhy : "-");
        bad = 1;
    } else if (a && strcmp(why, rwhy)) {
        snprintf(msg, cap, "reasons '%s' / '%s'", why, rwhy);
        bad = 1;
    } else if (!a && (r.text_len != w.text_len || memcmp(r.text, w.text, r.text_len) ||
                      strcmp(r.id, w.id) || strcmp(r.date, w.date) ||
                      !r.url != !w.url || (r.url && strcmp(r.url, w.url)) ||
                      !r.title != !w.title || (r.title && strcmp(r.title, w.title)) ||
                      !r.source != !w.source || (r.source && strcmp(r.source, w.source)))) {
        snprintf(msg, cap, "fields differ");
        bad = 1;
    }
    free(s1);
    free(s2);
    return bad;
}

static void same(const char *in, size_t len)
{
    char msg[256];
    if (differs(in, len, msg, sizeof msg)) fail_msg("'%.*s': %s", (int)len, in, msg);
}
#define SAME(lit) same(lit, sizeof lit - 1)

/* The edges of JSON where parsers differ, one by one. */
static void test_jsonl_matches_jansson(void **state)
{
    (void)state;
    /* top level, white space, trailing bytes */
    SAME(""), SAME("  "), SAME("{}"), SAME("[]"), SAME("\"x\""), SAME("1"), SAME("null");
    SAME(" {\"date\":\"2019-07-10\",\"text\":\"x\"} \r\n\t");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\"}\f");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\"} x");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\"}}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\"}\0junk");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":5\0}"); /* jansson let this NUL by */
    SAME("\xef\xbb\xbf{\"date\":\"2019-07-10\",\"text\":\"x\"}");
    /* strings: escapes, surrogates, control bytes, UTF-8 */
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t x\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\uD83D\\uDE00 \\u00e9\\u20AC\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\ud800\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\udc00x\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\ud800\\u0041\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\uDE00\\uD83D\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\u12\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\\x\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"tab\there\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"del \x7f ok\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\xed\xa0\x80\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\xf4\x90\x80\x80\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\xc0\xaf\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\xe2\x80\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"\xf0\x9f\x98\x80 \xe2\x80\x9cq\xe2\x80\x9d\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"k\":\"\xff\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\" \\u00a0 x \\u2003\"}");
    /* numbers */
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1e400}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":-1e400}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1e-400}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1.7976931348623157e308}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1.7976931348623159e308}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":179769313486231580000e288}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":0.000e99999999999}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":0.001e311}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":9223372036854775808}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":-9223372036854775809}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":[01]}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1.}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":-}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1.5e}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":1E+2}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"n\":[1true]}");
    /* ids */
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":-0}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":-9223372036854775808}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":12.0}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":true}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":null}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"id\":\"a\\u0001\"}");
    /* literals, structure */
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"b\":[true,false,null,tru]}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"b\":nulll}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"b\":[1,]}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",}");
    SAME("{\"date\":\"2019-07-10\" \"text\":\"x\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"o\":{\"a\":{}, \"b\":[[],{}]}}");
    SAME("{\"date\":null,\"text\":\"x\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":null}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"url\":null,\"title\":\"\",\"source\":\"S\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"title\":{}}");
    SAME("{\"date\":[\"2019-07-10\"],\"text\":\"x\"}");
    SAME("{\"d\\u0061te\":\"2019-07-10\",\"text\":\"x\"}");
    /* duplicates, at any depth and through escapes */
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"text\":\"y\"}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"a\":1,\"\\u0061\":2}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"o\":{\"b\":1,\"b\":2}}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"o\":[{\"b\":1},{\"b\":2}]}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"\\u0000\":1}");
    SAME("{\"date\":\"2019-07-10\",\"text\":\"x\",\"\":1,\"\":2}");

    /* many keys (the sorted duplicate check), with and without a repeat */
    char big[8192];
    size_t n = (size_t)snprintf(big, sizeof big, "{\"date\":\"2019-07-10\",\"text\":\"x\"");
    for (int k = 0; k < 300; k++) n += (size_t)snprintf(big + n, sizeof big - n, ",\"k%d\":%d", k, k);
    memcpy(big + n, "}", 2);
    same(big, n + 1);
    n += (size_t)snprintf(big + n, sizeof big - n, ",\"k\\u0031\\u0037\":0}");
    same(big, n);
    /* nesting at jansson's limit (2048) and past it */
    static char deep[10000];
    for (int d = 2047; d <= 2048; d++) {
        size_t m = (size_t)snprintf(deep, sizeof deep, "{\"date\":\"2019-07-10\",\"text\":\"x\",\"a\":");
        for (int k = 0; k < d; k++) deep[m++] = '[';
        for (int k = 0; k < d; k++) deep[m++] = ']';
        deep[m++] = '}';
        same(deep, m);
    }
}

/* Random damage to good lines: both parsers must still agree. */
static void test_jsonl_mutations(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{\"id\": \"a1\", \"date\": \"2019-07-10T15:04:05+01:00\", \"text\": \"Caf\\u00e9 \\u201cquote\\u201d\\n\\ud83d\\ude00\", \"url\": \"https://x.test/a\", \"title\": \"T\", \"source\": \"Wire\", \"extra\": [1, -2.5e3, {\"k\": null, \"t\": true}]}",
        "{\"date\":\"2019-07-10\",\"text\":\"\xe2\x80\x9cIt is,\xe2\x80\x9d he said. \\\"Yes\\\" \\/ \\t\",\"id\":42}",
        "[{\"a\":[0,1e5,\"s\"]},false]",
    };
    const char alphabet[] = "{}[]:,\"\\u0aAdD89-+.eE \n\txtfn\xc3\xa9\xed\xa0\x80\xf0\x9f";
    uint64_t x = 0x9E3779B97F4A7C15ull;
    char buf[512], msg[256];
    int agreed_ok = 0;
    for (int it = 0; it < 60000; it++) {
        const char *s = seeds[it % 3];
        size_t n = strlen(s);
        memcpy(buf, s, n);
        int edits = 1 + (int)(x % 3);
        for (int e = 0; e < edits; e++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t at = (size_t)(x >> 8) % n;
            char c = alphabet[(x >> 40) % (sizeof alphabet - 1)];
            switch ((x >> 20) % 3) {
            case 0: buf[at] = c; break;                                      /* replace */
            case 1: if (n < sizeof buf - 1) { memmove(buf + at + 1, buf + at, n - at); buf[at] = c; n++; } break;
            default: if (n > 1) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } break;
            }
        }
        if (differs(buf, n, msg, sizeof msg)) fail_msg("mutant %d '%.*s': %s", it, (int)n, buf, msg);
        dl_record r;
        const char *why;
        char *sc = NULL;
        if (dl_parse_jsonl(buf, n, &r, &sc, &why) == DL_OK) agreed_ok++;
        free(sc);
    }
    /* the mutants must not all be trivially broken */
    assert_true(agreed_ok > 1000);
}

/* Builds a line of pathological form `kind` about n bytes long. */
static char *patho(int kind, size_t n, size_t *len)
{
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"date\":\"2019-07-10\",\"text\":\"");
    if (kind == 0) /* a text of escapes only */
        while (b.n < n) dl_buf_adds(&b, "\\u00e9\\ud83d\\ude00\\n");
    dl_buf_adds(&b, "x\"");
    if (kind == 1) /* one object with very many keys (the sorted duplicate check) */
        for (unsigned k = 0; b.n < n; k++) dl_buf_printf(&b, ",\"k%u\\u0041\":%u", k, k);
    if (kind == 2) { /* nesting at the limit, again and again */
        dl_buf_adds(&b, ",\"a\":[");
        for (int first = 1; b.n < n; first = 0) {
            if (!first) dl_buf_addc(&b, ',');
            for (int d = 0; d < 2000; d++) dl_buf_addc(&b, '[');
            for (int d = 0; d < 2000; d++) dl_buf_addc(&b, ']');
        }
        dl_buf_addc(&b, ']');
    }
    if (kind == 3) { /* many small objects, each with its keys */
        dl_buf_adds(&b, ",\"a\":[");
        for (int first = 1; b.n < n; first = 0)
            dl_buf_adds(&b, first ? "{\"a\":1,\"b\":[2],\"c\":{\"d\":null}}"
                                  : ",{\"a\":1,\"b\":[2],\"c\":{\"d\":null}}");
        dl_buf_addc(&b, ']');
    }
    dl_buf_addc(&b, '}');
    return dl_buf_detach(&b, len);
}

static double time_parse(const char *line, size_t len)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    dl_record r;
    const char *why;
    char *sc = NULL;
    int rc = dl_parse_jsonl(line, len, &r, &sc, &why);
    clock_gettime(CLOCK_MONOTONIC, &b);
    free(sc);
    assert_int_equal(rc, DL_OK);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
}

/* Linear time on pathological lines: 4x the input costs well under 8x the
 * time (measured again on a bad ratio: the machine is shared). */
static void test_jsonl_linear(void **state)
{
    (void)state;
    for (int kind = 0; kind < 4; kind++) {
        size_t n1, n4;
        char *l1 = patho(kind, 2u << 20, &n1), *l4 = patho(kind, 8u << 20, &n4);
        double ratio = 1e9;
        for (int attempt = 0; attempt < 3 && ratio >= 8.0; attempt++) {
            double t1 = time_parse(l1, n1), t4 = time_parse(l4, n4);
            ratio = t4 / (t1 > 1e-6 ? t1 : 1e-6);
            printf("jsonl linear kind %d: %zu bytes %.4f s, %zu bytes %.4f s: ratio %.1f\n", kind,
                   n1, t1, n4, t4, ratio);
        }
        assert_true(ratio < 8.0);
        free(l1);
        free(l4);
    }
}

static void test_dates(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(dl_date_parse("1970-01-01", 10, &d), DL_OK);
    assert_int_equal(d, 0);
    assert_int_equal(dl_date_parse("2000-02-29", 10, &d), DL_OK);
    assert_int_equal(dl_date_parse("1900-02-29", 10, &d), DL_EINVAL);
    assert_int_equal(dl_date_parse("2019-07-1", 9, &d), DL_EINVAL);
    assert_int_equal(dl_date_parse("2019-00-10", 10, &d), DL_EINVAL);
    assert_int_equal(dl_date_parse("0000-01-01", 10, &d), DL_EINVAL);
    char out[11];
    for (int32_t day = -800000; day < 800000; day += 997) {
        dl_date_format(day, out);
        int32_t back;
        if (day >= dl_days_from_civil(1, 1, 1) && day <= dl_days_from_civil(9999, 12, 31)) {
            assert_int_equal(dl_date_parse(out, 10, &back), DL_OK);
            assert_int_equal(back, day);
        }
    }
    /* weekdays and ISO weeks */
    assert_int_equal(dl_weekday(dl_days_from_civil(2019, 7, 10)), 3); /* Wednesday */
    assert_int_equal(dl_weekday(dl_days_from_civil(2024, 3, 4)), 1);  /* Monday */
    int y, w;
    dl_iso_week(dl_days_from_civil(2019, 7, 10), &y, &w);
    assert_int_equal(y, 2019), assert_int_equal(w, 28);
    dl_iso_week(dl_days_from_civil(2021, 1, 1), &y, &w);
    assert_int_equal(y, 2020), assert_int_equal(w, 53);
    dl_iso_week(dl_days_from_civil(2024, 12, 30), &y, &w);
    assert_int_equal(y, 2025), assert_int_equal(w, 1);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_int_equal(dl_utf8_check("abc", 3), 3);
    assert_int_equal(dl_utf8_check("a\xc0\xaf", 3), 1);          /* overlong */
    assert_int_equal(dl_utf8_check("ab\xf4\x90\x80\x80", 6), 2); /* > U+10FFFF */
    assert_int_equal(dl_utf8_check("“ok”", strlen("“ok”")), strlen("“ok”"));
    assert_int_equal(dl_utf8_check("12345678\xe2\x80", 10), 8);  /* truncated */
    size_t i = 0;
    assert_int_equal(dl_utf8_next("\xe2\x80\x9c", 3, &i), 0x201C);
    assert_int_equal(i, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_forms), cmocka_unit_test(test_plain_bad),
        cmocka_unit_test(test_ids_stable),  cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_jsonl_matches_jansson),
        cmocka_unit_test(test_jsonl_mutations),
        cmocka_unit_test(test_jsonl_linear),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
