/*
 * cli.h -- what the subcommands of ./dateline share.  The CLI is a thin layer
 * over include/dateline.h: it parses options, calls the library and prints.
 */
#ifndef DL_CLI_H
#define DL_CLI_H

#include "dateline.h"

#include <stdio.h>

/* Exit statuses (SPEC 3). */
enum { EXIT_DONE = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2, EXIT_ARCHIVE = 3 };

/* Options every command understands; parsed by cli_parse (main.c). */
typedef struct cli_opts {
    const char *archive;   /* --archive, else $DATELINE_ARCHIVE, else ./news.dateline */
    int json;              /* --json */
    const char *from, *to; /* --from / --to, validated YYYY-MM-DD or NULL */
    int32_t from_day, to_day;
    long n;                /* -n, default per command */
    const char *speaker;   /* --speaker */
    const char *queries;   /* --queries FILE */
    long dates, per_date;  /* --dates, --per-date */
    const char *port, *bind; /* serve */
    int quiet;             /* --quiet: no progress, no per-record errors summary */
    int argc;              /* positional arguments */
    char **argv;
} cli_opts;

typedef struct cli_cmd {
    const char *name;
    int (*run)(cli_opts *o);
    const char *usage;  /* one line */
    const char *help;   /* the rest of --help */
    unsigned opts;      /* CLI_O_* accepted beyond the common ones */
} cli_cmd;

enum {
    CLI_O_RANGE = 1, CLI_O_N = 2, CLI_O_SPEAKER = 4, CLI_O_QUERIES = 8,
    CLI_O_TIMELINE = 16, CLI_O_SERVE = 32, CLI_O_QUIET = 64,
};

/* Opens the archive named by the options or prints why not; returns NULL
 * and sets *status (EXIT_ARCHIVE) on failure. */
dl_archive *cli_open_archive(const cli_opts *o, int flags, int *status);

/* Prints why a query on the archive failed (rc: a DL_E* code) and returns
 * EXIT_ARCHIVE. */
int cli_archive_error(dl_archive *ar, int rc);

/* The positional words joined by spaces (caller frees with free()); NULL
 * when there are none, or on OOM when o->argc > 0. */
char *cli_join_args(const cli_opts *o);

/* Prints a JSON text made by the library and a newline, and frees it
 * (NULL means the library ran out of memory: says so).  Returns the exit
 * status. */
int cli_print_json(char *json, size_t len);

/* Prints "dateline: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_ingest(cli_opts *o);
int cmd_stats(cli_opts *o);
int cmd_show(cli_opts *o);
int cmd_analyze(cli_opts *o);
int cmd_search(cli_opts *o);   /* search.c */
int cmd_optimize(cli_opts *o); /* search.c */
int cmd_check(cli_opts *o);
/* stories.c */
int cmd_dups(cli_opts *o);
int cmd_stories(cli_opts *o);
int cmd_timeline(cli_opts *o);
int cmd_summarize(cli_opts *o);
int cmd_serve(cli_opts *o);
int cmd_quotes(cli_opts *o);   /* quotes.c */
int cmd_entities(cli_opts *o); /* quotes.c */

#endif
