/*
 * show.c -- `dateline stats` and `dateline show`.
 */
#include "cli.h"

#include <string.h>

int cmd_stats(cli_opts *o)
{
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    dl_stats s;
    if (dl_archive_stats(ar, &s) != DL_OK) {
        cli_error("%s", dl_archive_errmsg(ar));
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    if (o->json) {
        printf("{\"articles\": %llu, ", (unsigned long long)s.articles);
        if (s.articles) printf("\"first\": \"%s\", \"last\": \"%s\", ", s.first, s.last);
        else printf("\"first\": null, \"last\": null, ");
        printf("\"stories\": %llu, \"near_duplicates\": %llu, \"bytes\": %llu, "
               "\"text_bytes\": %llu}\n",
               (unsigned long long)s.stories, (unsigned long long)s.near_duplicates,
               (unsigned long long)s.bytes, (unsigned long long)s.text_bytes);
    } else {
        printf("archive      %s\n", o->archive);
        printf("articles     %llu\n", (unsigned long long)s.articles);
        if (s.articles) printf("dates        %s to %s\n", s.first, s.last);
        printf("stories      %llu\n", (unsigned long long)s.stories);
        printf("near-dups    %llu\n", (unsigned long long)s.near_duplicates);
        printf("text         %.2f MB\n", (double)s.text_bytes / 1e6);
        printf("on disk      %.2f MB\n", (double)s.bytes / 1e6);
    }
    dl_archive_close(ar);
    return EXIT_DONE;
}

static const char *ent_type(int t)
{
    return t == DL_PERSON ? "person" : t == DL_PLACE ? "place" : "organisation";
}

static void print_span_text(const dl_annotation *a, dl_span s)
{
    printf("%.*s", (int)(s.end - s.start), a->text + s.start);
}

static void print_article(const dl_annotation *a, const char *url, const char *title)
{
    printf("%s  %s\n", a->date, a->id);
    if (title) printf("title   %s\n", title);
    if (a->source) printf("source  %s\n", a->source);
    if (url) printf("url     %s\n", url);
    printf("\n%s\n", a->text);
    if (a->n_entities) {
        printf("\nentities (%zu)\n", a->n_entities);
        for (size_t i = 0; i < a->n_entities; i++)
            printf("  %-40s %-12s %zu mention%s\n", a->entities[i].name,
                   ent_type(a->entities[i].type), a->entities[i].n_mentions,
                   a->entities[i].n_mentions == 1 ? "" : "s");
    }
    if (a->n_quotes) {
        printf("\nquotes (%zu)\n", a->n_quotes);
        for (size_t i = 0; i < a->n_quotes; i++) {
            const dl_quote *q = &a->quotes[i];
            printf("  %s: \"", q->speaker >= 0 ? a->entities[q->speaker].name : "(unattributed)");
            print_span_text(a, q->span);
            printf("\"\n");
        }
    }
    if (a->n_times) {
        printf("\ntimes (%zu)\n", a->n_times);
        for (size_t i = 0; i < a->n_times; i++) {
            printf("  %-28.*s -> %s\n", (int)(a->times[i].span.end - a->times[i].span.start),
                   a->text + a->times[i].span.start, a->times[i].value);
        }
    }
    printf("\n%zu sentences, %zu bytes\n", a->n_sentences, a->text_len);
}

int cmd_show(cli_opts *o)
{
    if (o->argc != 1) {
        cli_error("show: name one article id (dateline search finds them)");
        return EXIT_USAGE;
    }
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    dl_annotation *a = NULL;
    char *url = NULL, *title = NULL;
    int rc = dl_archive_get(ar, o->argv[0], &a, &url, &title);
    if (rc == DL_ENOTFOUND) {
        cli_error("no article with id %s in %s", o->argv[0], o->archive);
        status = EXIT_PARTIAL;
    } else if (rc) {
        cli_error("%s", dl_archive_errmsg(ar));
        status = EXIT_ARCHIVE;
    } else if (o->json) {
        size_t len;
        char *json = dl_article_json(a, url, title, &len);
        if (!json) {
            cli_error("out of memory");
            status = EXIT_ARCHIVE;
        } else {
            fwrite(json, 1, len, stdout);
            fputc('\n', stdout);
            dl_free(json);
        }
    } else {
        print_article(a, url, title);
    }
    dl_annotation_free(a);
    dl_free(url);
    dl_free(title);
    dl_archive_close(ar);
    return status;
}

int cmd_check(cli_opts *o)
{
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_READ, &status);
    if (!ar) return status;
    int rc = dl_archive_check(ar);
    if (rc) {
        cli_error("%s", dl_archive_errmsg(ar));
        status = EXIT_ARCHIVE;
    } else {
        dl_stats s;
        if (dl_archive_stats(ar, &s) == DL_OK && !o->json)
            printf("ok: %llu articles, integrity check passed\n", (unsigned long long)s.articles);
        else if (o->json)
            printf("{\"ok\": true, \"articles\": %llu}\n", (unsigned long long)s.articles);
    }
    dl_archive_close(ar);
    return status;
}
