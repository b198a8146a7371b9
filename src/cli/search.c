/*
 * search.c -- `dateline search` and `dateline optimize`.
 *
 * search QUERY...: the words of QUERY may be one argument or several (they
 * are joined by spaces).  Default output is for people: one block a hit
 * (date, id, score, title, snippet); --json prints the SPEC 4 object.
 * --queries FILE: one query a line, optionally TAB FROM TAB TO (either may
 * be empty), one JSON object a line out, each with its own took_ms.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_N 10

static void print_human(const dl_results *r)
{
    printf("%llu match%s (%.2f ms)\n", (unsigned long long)r->total, r->total == 1 ? "" : "es",
           r->took_ms);
    for (size_t i = 0; i < r->n_hits; i++) {
        const dl_hit *h = &r->hits[i];
        printf("\n%s  %s  %.3f\n", h->date, h->id, h->score);
        if (h->title) printf("  %s\n", h->title);
        printf("  %s\n", h->snippet);
    }
}

static int print_json(const dl_results *r)
{
    size_t len;
    char *js = dl_results_json(r, &len);
    if (!js) return -1;
    fwrite(js, 1, len, stdout);
    fputc('\n', stdout);
    dl_free(js);
    return 0;
}

/* One line of --queries: "QUERY[\tFROM[\tTO]]".  Returns 0 or -1 (usage). */
static int parse_line(char *line, const char **query, int32_t *from, int32_t *to,
                      int32_t dfrom, int32_t dto)
{
    *from = dfrom;
    *to = dto;
    char *tab = strchr(line, '\t');
    *query = line;
    if (!tab) return 0;
    *tab = 0;
    char *f = tab + 1, *t = strchr(f, '\t');
    if (t) *t++ = 0;
    if (*f && dl_date_parse(f, strlen(f), from) != DL_OK) return -1;
    if (t && *t && dl_date_parse(t, strlen(t), to) != DL_OK) return -1;
    return 0;
}

static int run_queries(dl_archive *ar, const cli_opts *o, size_t n, int32_t from, int32_t to)
{
    FILE *f = strcmp(o->queries, "-") ? fopen(o->queries, "r") : stdin;
    if (!f) {
        cli_error("cannot read %s", o->queries);
        return EXIT_USAGE;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int status = EXIT_DONE;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        const char *q;
        int32_t a, b;
        if (parse_line(line, &q, &a, &b, from, to)) {
            cli_error("%s:%ld: dates must be YYYY-MM-DD", o->queries, lineno);
            status = EXIT_PARTIAL;
            continue;
        }
        dl_results *r = NULL;
        int rc = dl_search(ar, q, a, b, n, &r);
        if (rc == DL_ESYNTAX) {
            cli_error("%s:%ld: %s", o->queries, lineno, dl_archive_errmsg(ar));
            /* keep one output line per query, in input order */
            dl_results empty = {(char *)q, 0, 0.0, NULL, 0};
            print_json(&empty);
            status = EXIT_PARTIAL;
            continue;
        }
        if (rc) {
            cli_error("search failed: %s", dl_archive_errmsg(ar));
            status = EXIT_ARCHIVE;
            break;
        }
        print_json(r);
        dl_results_free(r);
    }
    free(line);
    if (f != stdin) fclose(f);
    return status;
}

int cmd_search(cli_opts *o)
{
    if (!o->queries && o->argc < 1) {
        cli_error("search: give a query (dateline search --help)");
        return EXIT_USAGE;
    }
    size_t n = o->n >= 0 ? (size_t)o->n : DEFAULT_N;
    int32_t from = o->from ? o->from_day : DL_DAY_MIN;
    int32_t to = o->to ? o->to_day : DL_DAY_MAX;
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    if (o->queries) {
        status = run_queries(ar, o, n, from, to);
        dl_archive_close(ar);
        return status;
    }
    size_t qlen = 0;
    for (int i = 0; i < o->argc; i++) qlen += strlen(o->argv[i]) + 1;
    char *query = malloc(qlen + 1);
    if (!query) {
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    query[0] = 0;
    for (int i = 0; i < o->argc; i++) {
        if (i) strcat(query, " ");
        strcat(query, o->argv[i]);
    }
    dl_results *r = NULL;
    int rc = dl_search(ar, query, from, to, n, &r);
    free(query);
    if (rc == DL_ESYNTAX) {
        cli_error("search: %s", dl_archive_errmsg(ar));
        status = EXIT_USAGE;
    } else if (rc) {
        cli_error("search failed: %s", dl_archive_errmsg(ar));
        status = EXIT_ARCHIVE;
    } else {
        if (o->json) print_json(r);
        else print_human(r);
        dl_results_free(r);
    }
    dl_archive_close(ar);
    return status;
}

int cmd_optimize(cli_opts *o)
{
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_WRITE, &status);
    if (!ar) return status;
    int rc = dl_index_optimize(ar);
    if (rc) {
        cli_error("optimize failed: %s", dl_archive_errmsg(ar));
        status = EXIT_ARCHIVE;
    } else if (o->json) {
        printf("{\"optimized\": true}\n");
    } else {
        printf("index optimized\n");
    }
    dl_archive_close(ar);
    return status;
}
