/*
 * test_record.c -- the record parsers (SPEC 1): plain form, JSONL form,
 * dates, ids, trimming, and every kind of bad record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "text/record.h"
#include "text/date.h"
#include "text/utf8.h"

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
        cmocka_unit_test(test_dates),       cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
