/* test_timeline.c -- timelines over an invented topic: the day most
 * published on and most pointed at comes first; lines hold a query word,
 * carry their article id, never repeat, lose the wire dateline, prefer
 * reported events to quoted speech; the date
 * range, the date count and the per-date count are honoured; an empty or
 * off-topic archive gives an empty timeline, a bad date DL_EINVAL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dateline.h"
#include "fixture.h"
#include "story/timeline.h"


static const fx_art ARTS[] = {
    {"a1", "2024-03-05",
     "KELMAR (Wire) - Dockworkers at the port of Kelmar went on strike on Tuesday over pay, "
     "closing the container terminal. About forty ships are waiting outside the breakwater. "
     "The union wants a seven percent raise over two years."},
    {"a2", "2024-03-05",
     "A strike by the Kelmar dockworkers shut the container terminal on Tuesday. The port "
     "operators called the strike unlawful and said it cost the region millions every day."},
    {"a3", "2024-03-07",
     "The Kelmar port strike entered its third day as the union rejected a new offer. Since "
     "the strike began on March 5, fifty ships have gathered outside the breakwater."},
    {"a4", "2024-03-12",
     "The Kelmar strike ended on Monday when the union accepted a six percent raise. The "
     "terminal reopened and the first ships entered the harbour after the strike of March 5."},
    {"a5", "2024-03-09",
     "The Ostrava volcano erupted on Saturday, sending a column of ash over the Velden "
     "valley and closing the regional airport for the weekend."},
    {"a6", "2024-03-12",
     "PORT CITY, Kelmar \xe2\x80\x94 Shipping lines said the week-long strike at Kelmar had "
     "delayed cargo across the coast. "
     "Economists said the strike that started on March 5 cost the region dearly."},
    {"a7", "2024-03-05",
     "\"We will stay out on strike as long as it takes,\" the Kelmar union leader told the "
     "dockworkers at the port gates on Tuesday. The strike closed the Kelmar terminal."},
};

static void ingest_all(void)
{
    fx_ingest(ARTS, sizeof ARTS / sizeof *ARTS, NULL);
}

static void check_lines(const dl_timeline *tl, int per_date)
{
    for (size_t i = 0; i < tl->n_dates; i++) {
        if (i) assert_true(strcmp(tl->dates[i - 1].date, tl->dates[i].date) < 0);
        assert_true(tl->dates[i].n_lines >= 1 && (int)tl->dates[i].n_lines <= per_date);
        for (size_t j = 0; j < tl->dates[i].n_lines; j++) {
            const dl_timeline_line *ln = &tl->dates[i].lines[j];
            assert_non_null(strcasestr(ln->text, "strike"));
            assert_null(strstr(ln->text, "(Wire)"));
            assert_null(strstr(ln->text, "PORT CITY"));
            assert_null(strchr(ln->text, '"'));  /* events, not quotes */
            assert_true(ln->id[0] == 'a' && ln->id[1] != '5');
            /* no line twice in the timeline */
            for (size_t i2 = 0; i2 <= i; i2++)
                for (size_t j2 = 0; j2 < (i2 == i ? j : tl->dates[i2].n_lines); j2++)
                    assert_string_not_equal(tl->dates[i2].lines[j2].text, ln->text);
        }
    }
}

static void test_timeline(void **state)
{
    (void)state;
    ingest_all();
    dl_archive *ar = NULL;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_READ, &ar), DL_OK);
    dl_timeline *tl = NULL;
    assert_int_equal(dl_timeline_build(ar, "strike", NULL, NULL, 2, 2, &tl), DL_OK);
    assert_int_equal(tl->n_dates, 2);
    /* March 5: two reports and three later sentences pointing at it */
    assert_string_equal(tl->dates[0].date, "2024-03-05");
    assert_string_equal(tl->dates[1].date, "2024-03-12");
    assert_true(strncmp(tl->dates[0].lines[0].text, "Dockworkers", 11) == 0 ||
                strncmp(tl->dates[0].lines[0].text, "A strike", 8) == 0);
    check_lines(tl, 2);
    size_t len;
    char *js = dl_timeline_json(tl, &len);
    assert_non_null(js);
    assert_true(strncmp(js, "{\"query\": \"strike\", \"timeline\": [{\"date\": \"2024-03-05\"", 54) == 0);
    assert_int_equal(strlen(js), len);
    dl_free(js);
    dl_timeline_free(tl);

    /* more dates than days: every day of the topic, one line each */
    assert_int_equal(dl_timeline_build(ar, "Kelmar strike", NULL, NULL, 50, 1, &tl), DL_OK);
    assert_true(tl->n_dates >= 3 && tl->n_dates <= 5);
    check_lines(tl, 1);
    dl_timeline_free(tl);

    /* the range: nothing before March 6 */
    assert_int_equal(dl_timeline_build(ar, "strike", "2024-03-06", "2024-03-31", 10, 3, &tl),
                     DL_OK);
    assert_true(tl->n_dates >= 1);
    for (size_t i = 0; i < tl->n_dates; i++) assert_true(strcmp(tl->dates[i].date, "2024-03-06") >= 0);
    check_lines(tl, 3);
    dl_timeline_free(tl);

    /* off-topic query, and a bad date */
    assert_int_equal(dl_timeline_build(ar, "zeppelin", NULL, NULL, 5, 2, &tl), DL_OK);
    assert_int_equal(tl->n_dates, 0);
    dl_timeline_free(tl);
    assert_int_equal(dl_timeline_build(ar, "strike", "March", NULL, 5, 2, &tl), DL_EINVAL);
    assert_null(tl);
    dl_archive_close(ar);
}

static void test_caption(void **state)
{
    (void)state;
    static const char *const yes[] = {
        "Dockworkers march past the terminal gates in Kelmar, Norland, March 5, 2024.",
        "A crane stands idle at the port on Tuesday, Mar. 5, 2024."};
    static const char *const no[] = {
        "The strike began on March 5, 2024, when talks collapsed.",
        "The union said the strike would go on.", "Ships waited until 2024."};
    for (size_t i = 0; i < 2; i++) assert_true(dl_tl_is_caption(yes[i], strlen(yes[i])));
    for (size_t i = 0; i < 3; i++) assert_false(dl_tl_is_caption(no[i], strlen(no[i])));
    assert_false(dl_tl_is_caption("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caption),
        cmocka_unit_test_setup_teardown(test_timeline, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
