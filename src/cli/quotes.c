/*
 * quotes.c -- `dateline quotes` and `dateline entities`: thin printers over
 * dl_archive_quotes / dl_archive_entities (include/dateline.h).
 *
 *   quotes [--speaker NAME] [QUERY...] [--from D] [--to D] [-n N] [--json]
 *   entities [QUERY...] [--from D] [--to D] [-n N] [--json]
 *
 * Several positional words form one query (all required).  --json prints
 * the objects of SPEC 4 (quotes) and {"entities": [{"name", "type",
 * "mentions", "articles"}]}; otherwise one line per hit for people.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The query words joined, and the archive opened read-only.  Returns NULL
 * with *status set when either fails (the error is printed); otherwise the
 * caller closes the archive and frees *text (NULL when no words). */
static dl_archive *open_query(cli_opts *o, char **text, int *status)
{
    *text = cli_join_args(o);
    if (o->argc > 0 && !*text) {
        cli_error("out of memory");
        *status = EXIT_ARCHIVE;
        return NULL;
    }
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, status);
    if (!ar) {
        free(*text);
        *text = NULL;
    }
    return ar;
}

int cmd_quotes(cli_opts *o)
{
    int status = EXIT_DONE;
    char *text;
    dl_archive *ar = open_query(o, &text, &status);
    if (!ar) return status;
    dl_quote_query q = {0};
    q.speaker = o->speaker;
    q.text = text;
    q.has_from = o->from != NULL, q.from_day = o->from_day;
    q.has_to = o->to != NULL, q.to_day = o->to_day;
    q.limit = o->n > 0 ? (size_t)o->n : 20;
    dl_quote_hit *h = NULL;
    size_t n = 0;
    int rc = o->n == 0 ? DL_OK : dl_archive_quotes(ar, &q, &h, &n);
    if (rc) {
        status = cli_archive_error(ar, rc);
    } else if (o->json) {
        size_t len = 0;
        char *json = dl_quote_hits_json(h, n, &len);
        status = cli_print_json(json, len);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s  %-24s \u201c%s\u201d  (%s)\n", h[i].date,
                   h[i].speaker ? h[i].speaker : "(unattributed)", h[i].text, h[i].id);
        if (!n) fprintf(stderr, "no quotes found\n");
    }
    dl_quote_hits_free(h, n);
    dl_archive_close(ar);
    free(text);
    return status;
}

int cmd_entities(cli_opts *o)
{
    int status = EXIT_DONE;
    char *text;
    dl_archive *ar = open_query(o, &text, &status);
    if (!ar) return status;
    dl_entity_query q = {0};
    q.text = text;
    q.has_from = o->from != NULL, q.from_day = o->from_day;
    q.has_to = o->to != NULL, q.to_day = o->to_day;
    q.limit = o->n > 0 ? (size_t)o->n : 20;
    dl_entity_hit *h = NULL;
    size_t n = 0;
    int rc = o->n == 0 ? DL_OK : dl_archive_entities(ar, &q, &h, &n);
    if (rc) {
        status = cli_archive_error(ar, rc);
    } else if (o->json) {
        size_t len = 0;
        char *json = dl_entity_hits_json(h, n, &len);
        status = cli_print_json(json, len);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%-40s %-7s %6llu mentions in %llu article%s\n", h[i].name,
                   h[i].type == DL_PERSON ? "person" : h[i].type == DL_PLACE ? "place" : "org",
                   (unsigned long long)h[i].mentions, (unsigned long long)h[i].articles,
                   h[i].articles == 1 ? "" : "s");
        if (!n) fprintf(stderr, "no entities found\n");
    }
    dl_entity_hits_free(h, n);
    dl_archive_close(ar);
    free(text);
    return status;
}
