/*
 * stories.c -- `dateline dups`, `stories`, `timeline` and `summarize`: thin
 * printers over the library's story calls (include/dateline.h, "stories").
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cmd_dups(cli_opts *o)
{
    if (o->argc) {
        cli_error("dups takes no arguments (dateline dups --help)");
        return EXIT_USAGE;
    }
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    dl_dup_pair *p = NULL;
    size_t n = 0;
    if (dl_dups(ar, &p, &n)) {
        cli_error("%s", dl_archive_errmsg(ar));
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    for (size_t i = 0; i < n; i++) {
        if (o->json)
            printf("{\"a\": \"%s\", \"b\": \"%s\", \"similarity\": %.3f}\n", p[i].a, p[i].b,
                   p[i].similarity);
        else
            printf("%s  %s  %.2f\n", p[i].a, p[i].b, p[i].similarity);
    }
    if (!o->json) fprintf(stderr, "%zu near-duplicate pair%s\n", n, n == 1 ? "" : "s");
    dl_free(p);
    dl_archive_close(ar);
    return EXIT_DONE;
}

int cmd_stories(cli_opts *o)
{
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    char *q = cli_join_args(o);
    dl_story *s = NULL;
    size_t n = 0;
    int rc = q || o->argc == 0 ? dl_stories(ar, q ? q : "", o->from, o->to, &s, &n) : DL_ENOMEM;
    free(q);
    if (rc) {
        cli_archive_error(ar, rc);
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    if (o->n >= 0 && (size_t)o->n < n) n = (size_t)o->n;
    if (o->json) {
        size_t len = 0;
        char *js = dl_stories_json(s, n, &len);
        status = cli_print_json(js, len);
    } else {
        size_t shown = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i].n_articles < 2) continue; /* singletons are not stories to read */
            printf("%-6s %s to %s  %3zu articles  %s\n", s[i].id, s[i].first, s[i].last,
                   s[i].n_articles, s[i].label);
            shown++;
        }
        fprintf(stderr, "%zu stories of 2 or more articles (%zu with single articles)\n",
                shown, n);
    }
    dl_stories_free(s, n);
    dl_archive_close(ar);
    return status;
}

int cmd_timeline(cli_opts *o)
{
    if (o->argc < 1) {
        cli_error("timeline: name a topic, e.g. dateline timeline \"swine flu\"");
        return EXIT_USAGE;
    }
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    char *q = cli_join_args(o);
    dl_timeline *tl = NULL;
    int rc = q ? dl_timeline_build(ar, q, o->from, o->to, (int)o->dates, (int)o->per_date, &tl)
               : DL_ENOMEM;
    free(q);
    if (rc) {
        cli_archive_error(ar, rc);
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    if (o->json) {
        size_t len = 0;
        char *js = dl_timeline_json(tl, &len);
        status = cli_print_json(js, len);
    } else {
        for (size_t i = 0; i < tl->n_dates; i++) {
            printf("%s\n", tl->dates[i].date);
            for (size_t j = 0; j < tl->dates[i].n_lines; j++)
                printf("  - %s  [%s]\n", tl->dates[i].lines[j].text, tl->dates[i].lines[j].id);
        }
        if (!tl->n_dates) fprintf(stderr, "no articles on this topic in the range\n");
    }
    dl_timeline_free(tl);
    dl_archive_close(ar);
    return status;
}

typedef struct sum_ctx {
    dl_analyzer *az;
    int json;
    int rc;
} sum_ctx;

static int sum_record(void *ctx, const dl_record *rec)
{
    sum_ctx *c = ctx;
    dl_summary *s = NULL;
    int rc = dl_summarize(c->az, rec, 3, &s);
    if (rc) {
        c->rc = rc;
        return 1;
    }
    if (c->json) {
        size_t len = 0;
        char *js = dl_summary_json(s, &len);
        if (cli_print_json(js, len) != EXIT_DONE) {
            dl_summary_free(s);
            c->rc = DL_ENOMEM;
            return 1;
        }
    } else {
        printf("%s  %s  %s\n", rec->date, rec->id, rec->source ? rec->source : "");
        for (size_t i = 0; i < s->n_sentences; i++) printf("  %s\n", s->sentences[i]);
        printf("\n");
    }
    dl_summary_free(s);
    return 0;
}

static int sum_reject(void *ctx, const char *file, long line, const char *reason)
{
    (void)ctx;
    if (line > 0) fprintf(stderr, "%s:%ld: %s\n", file, line, reason);
    else fprintf(stderr, "%s: %s\n", file, reason);
    return 0;
}

int cmd_summarize(cli_opts *o)
{
    if (o->argc < 1) {
        cli_error("summarize: name the articles to summarise (files, folders or -)");
        return EXIT_USAGE;
    }
    sum_ctx c = {NULL, o->json, DL_OK};
    if (dl_analyzer_new(&c.az)) {
        cli_error("out of memory");
        return EXIT_ARCHIVE;
    }
    dl_input_stats st;
    memset(&st, 0, sizeof st);
    dl_input_walk((const char *const *)o->argv, o->argc, sum_record, sum_reject, &c, &st);
    dl_analyzer_free(c.az);
    if (c.rc) {
        cli_error("%s", dl_strerror(c.rc));
        return EXIT_ARCHIVE;
    }
    return st.rejected ? EXIT_PARTIAL : EXIT_DONE;
}
