/* test_summary.c -- summaries keep the lead and skip clutter and captions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "dateline.h"

static void test_lead_and_clutter(void **state)
{
    (void)state;
    static const char text[] =
        "Share Facebook Share Twitter\n\n"
        "Photo: A crane stands idle at the harbour (AP Photo/Someone)\n\n"
        "The port of Kelmar was closed on Tuesday after dockworkers walked out over pay. "
        "About forty ships are waiting offshore. The union wants a seven percent raise for "
        "the dockworkers. Operators said the strike at the port was unlawful.";
    dl_record rec;
    memset(&rec, 0, sizeof rec);
    strcpy(rec.id, "t1");
    strcpy(rec.date, "2024-03-05");
    rec.text = text;
    rec.text_len = sizeof text - 1;
    dl_analyzer *az = NULL;
    assert_int_equal(dl_analyzer_new(&az), DL_OK);
    dl_summary *s = NULL;
    assert_int_equal(dl_summarize(az, &rec, 2, &s), DL_OK);
    assert_int_equal(s->n_sentences, 2);
    assert_true(strncmp(s->sentences[0], "The port of Kelmar", 18) == 0);
    for (size_t i = 0; i < s->n_sentences; i++) {
        assert_null(strstr(s->sentences[i], "Facebook"));
        assert_null(strstr(s->sentences[i], "AP Photo"));
    }
    size_t len;
    char *js = dl_summary_json(s, &len);
    assert_non_null(js);
    assert_true(strncmp(js, "{\"id\": \"t1\", \"sentences\": [\"The port", 36) == 0);
    dl_free(js);
    dl_summary_free(s);
    dl_analyzer_free(az);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_lead_and_clutter)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
