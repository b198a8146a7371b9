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
