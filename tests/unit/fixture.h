/*
 * fixture.h -- what the unit tests that need an archive share: a fresh
 * temporary archive folder per test (cmocka setup/teardown) and a helper
 * that ingests a table of invented articles into it.  Include it from one
 * test file only once (it defines static functions).
 */
#ifndef DL_TEST_FIXTURE_H
#define DL_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dateline.h"

/* The archive folder of the running test: DIR/a inside a fresh mkdtemp
 * folder (ingest creates the archive folder itself). */
static char dir[64];

static inline int fx_setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/dl-test-XXXXXX");
    if (!mkdtemp(dir)) return -1;
    strcat(dir, "/a");
    return 0;
}

static inline int fx_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(dir) - 2), dir);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct fx_art {
    const char *id, *date, *text;
} fx_art;

/* A record of an invented article: date (YYYY-MM-DD), title (may be NULL)
 * and text borrowed from the caller; id the hash of date and text as ingest
 * makes it; source and file "unit". */
static inline dl_record fx_record(const char *date, const char *title, const char *text)
{
    dl_record r;
    memset(&r, 0, sizeof r);
    memcpy(r.date, date, 10);
    assert_int_equal(dl_date_parse(date, 10, &r.day), DL_OK);
    r.text = text;
    r.text_len = strlen(text);
    r.title = title;
    r.source = r.file = "unit";
    dl_record_id(r.date, r.text, r.text_len, r.id);
    return r;
}

/* Ingests arts[0, n) into the archive at dir, asserting every step; the
 * counts go to *c when c is non-NULL. */
static inline void fx_ingest(const fx_art *arts, size_t n, dl_ingest_counts *c)
{
    dl_archive *ar = NULL;
    dl_analyzer *az = NULL;
    assert_int_equal(dl_archive_open(dir, DL_OPEN_WRITE, &ar), DL_OK);
    assert_int_equal(dl_analyzer_new(&az), DL_OK);
    dl_ingest *ing = NULL;
    assert_int_equal(dl_ingest_begin(ar, az, &ing), DL_OK);
    for (size_t i = 0; i < n; i++) {
        dl_record r;
        memset(&r, 0, sizeof r);
        strcpy(r.id, arts[i].id);
        strcpy(r.date, arts[i].date);
        assert_int_equal(dl_date_parse(r.date, 10, &r.day), DL_OK);
        r.text = arts[i].text;
        r.text_len = strlen(arts[i].text);
        int status;
        assert_int_equal(dl_ingest_add(ing, &r, &status), DL_OK);
    }
    assert_int_equal(dl_ingest_finish(ing, c), DL_OK);
    dl_analyzer_free(az);
    dl_archive_close(ar);
}

#endif
