/*
 * serve.c -- `dateline serve [--port P] [--bind ADDR]`: checks the options
 * and hands over to dl_serve (src/serve/), which runs until SIGINT/SIGTERM.
 * $DATELINE_SERVE_THREADS sets the worker threads (default: 2 per CPU);
 * DATELINE_SERVE_CACHE=0 turns the answer cache off (for measuring).
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_serve(cli_opts *o)
{
    if (o->argc > 0) {
        cli_error("serve takes no arguments ('%s'); see dateline serve --help", o->argv[0]);
        return EXIT_USAGE;
    }
    long port = 8080;
    if (o->port) {
        char *end;
        errno = 0;
        port = strtol(o->port, &end, 10);
        if (errno || *end || end == o->port || port < 0 || port > 65535) {
            cli_error("--port wants a number from 0 to 65535 (0: any free port), not '%s'",
                      o->port);
            return EXIT_USAGE;
        }
    }
    dl_serve_opts so = {0};
    const char *t = getenv("DATELINE_SERVE_THREADS");
    if (t && *t) {
        char *end;
        long n = strtol(t, &end, 10);
        if (*end || n < 1 || n > 256) {
            cli_error("DATELINE_SERVE_THREADS wants a number from 1 to 256, not '%s'", t);
            return EXIT_USAGE;
        }
        so.threads = (unsigned)n;
    }
    so.quiet = o->quiet;
    const char *c = getenv("DATELINE_SERVE_CACHE");
    if (c && !strcmp(c, "0")) so.no_cache = 1;
    int rc = dl_serve(o->archive, o->bind, (int)port, &so);
    if (rc == DL_OK) return EXIT_DONE;
    if (rc == DL_EINVAL) return EXIT_USAGE;
    if (rc == DL_EIO) return EXIT_PARTIAL;
    return EXIT_ARCHIVE;
}
