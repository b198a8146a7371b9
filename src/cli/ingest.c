/*
 * ingest.c -- `dateline ingest` and `dateline analyze`: walk the inputs,
 * report bad records as FILE:LINE: REASON, and either store (ingest) or
 * print (analyze) each good one.
 */
#include "cli.h"
#include "analyze/analyze.h"
#include "text/buf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define CLI_MIN(a, b) ((a) < (b) ? (a) : (b))

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

typedef struct ingest_ctx {
    dl_ingest *ing;
    dl_input_stats *stats;
    int rc;            /* the first library error, stops the walk */
    int progress;      /* draw a progress line on stderr */
    double t0, last;
    uint64_t bytes;    /* text bytes taken */
    int line_drawn;
} ingest_ctx;

static void draw_progress(ingest_ctx *c, int final)
{
    double t = now_s();
    if (!final && t - c->last < 0.2) return;
    c->last = t;
    double el = t - c->t0 > 1e-6 ? t - c->t0 : 1e-6;
    double mb = (double)c->stats->bytes_read / 1e6;
    char eta[32] = "";
    if (c->stats->bytes_total && c->stats->bytes_read && !final) {
        double left = (double)(c->stats->bytes_total - CLI_MIN(c->stats->bytes_read, c->stats->bytes_total));
        double rate = (double)c->stats->bytes_read / el;
        snprintf(eta, sizeof eta, ", ETA %.0fs", left / rate);
    }
    char pct[16] = "";
    if (c->stats->bytes_total)
        snprintf(pct, sizeof pct, " %3.0f%%",
                 100.0 * (double)CLI_MIN(c->stats->bytes_read, c->stats->bytes_total) /
                     (double)c->stats->bytes_total);
    fprintf(stderr, "\r\033[K%s %llu articles, %.1f MB, %.0f articles/s, %.1f MB/s%s",
            pct, (unsigned long long)c->stats->records, mb,
            (double)c->stats->records / el, mb / el, eta);
    if (final) fputc('\n', stderr);
    c->line_drawn = 1;
}

static int on_reject(void *ctx, const char *file, long line, const char *reason)
{
    ingest_ctx *c = ctx;
    if (c->progress && c->line_drawn) fputs("\r\033[K", stderr);
    if (line > 0) fprintf(stderr, "%s:%ld: %s\n", file, line, reason);
    else fprintf(stderr, "%s: %s\n", file, reason);
    return 0;
}

static int on_record(void *ctx, const dl_record *rec)
{
    ingest_ctx *c = ctx;
    int status;
    int rc = dl_ingest_add(c->ing, rec, &status);
    if (rc) {
        c->rc = rc;
        return 1;
    }
    c->bytes += rec->text_len;
    if (c->progress) draw_progress(c, 0);
    return 0;
}

int cmd_ingest(cli_opts *o)
{
    if (o->argc < 1) {
        cli_error("ingest: name at least one file or folder (or - for standard input)");
        return EXIT_USAGE;
    }
    int status = EXIT_DONE;
    dl_archive *ar = cli_open_archive(o, DL_OPEN_WRITE, &status);
    if (!ar) return status;
    dl_analyzer *az = NULL;
    int rc = dl_analyzer_new(&az);
    if (rc) {
        cli_error("cannot load the analyzer: %s", dl_strerror(rc));
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    dl_input_stats stats;
    ingest_ctx c = {0};
    c.stats = &stats;
    c.progress = !o->quiet && isatty(2) && isatty(1);
    c.t0 = c.last = now_s();
    rc = dl_ingest_begin(ar, az, &c.ing);
    if (rc) {
        cli_error("%s", dl_archive_errmsg(ar));
        dl_analyzer_free(az);
        dl_archive_close(ar);
        return EXIT_ARCHIVE;
    }
    dl_input_walk((const char *const *)o->argv, o->argc, on_record, on_reject, &c, &stats);
    dl_ingest_counts counts;
    if (c.rc) {
        cli_error("ingest stopped: %s (%s); the batch in flight was rolled back",
                  dl_strerror(c.rc), dl_archive_errmsg(ar));
        dl_ingest_abort(c.ing);
        rc = c.rc;
        memset(&counts, 0, sizeof counts);
    } else {
        rc = dl_ingest_finish(c.ing, &counts);
        if (rc) cli_error("commit failed: %s", dl_archive_errmsg(ar));
    }
    if (c.progress && c.line_drawn) draw_progress(&c, 1);
    counts.rejected = stats.rejected;
    if (rc) {
        status = EXIT_ARCHIVE;
    } else {
        if (o->json)
            printf("{\"added\": %llu, \"present\": %llu, \"near_duplicates\": %llu, "
                   "\"rejected\": %llu}\n",
                   (unsigned long long)counts.added, (unsigned long long)counts.present,
                   (unsigned long long)counts.near_duplicates,
                   (unsigned long long)counts.rejected);
        else
            printf("added %llu, already present %llu, near-duplicates %llu, rejected %llu\n",
                   (unsigned long long)counts.added, (unsigned long long)counts.present,
                   (unsigned long long)counts.near_duplicates,
                   (unsigned long long)counts.rejected);
        if (stats.rejected) status = EXIT_PARTIAL;
    }
    dl_analyzer_free(az);
    dl_archive_close(ar);
    return status;
}

/* ---------------------------------------------------------------- analyze */

typedef struct analyze_ctx {
    dl_analyzer *az;
    int rc;
    dl_buf out; /* one output line, reused from article to article */
} analyze_ctx;

static int on_analyze(void *ctx, const dl_record *rec)
{
    analyze_ctx *c = ctx;
    dl_annotation *a = NULL;
    int rc = dl_analyze(c->az, rec, &a);
    if (rc) {
        c->rc = rc;
        return 1;
    }
    dl_buf_reset(&c->out);
    dl_annotation_json_buf(a, &c->out, 1);
    dl_buf_addc(&c->out, '\n');
    dl_annotation_free(a);
    if (c->out.err) {
        c->rc = c->out.err;
        dl_buf_free(&c->out);
        return 1;
    }
    fwrite(c->out.p, 1, c->out.n, stdout);
    return 0;
}

static int on_analyze_reject(void *ctx, const char *file, long line, const char *reason)
{
    (void)ctx;
    if (line > 0) fprintf(stderr, "%s:%ld: %s\n", file, line, reason);
    else fprintf(stderr, "%s: %s\n", file, reason);
    return 0;
}

int cmd_analyze(cli_opts *o)
{
    if (o->argc < 1) {
        cli_error("analyze: name at least one file or folder (or - for standard input)");
        return EXIT_USAGE;
    }
    analyze_ctx c = {0};
    int rc = dl_analyzer_new(&c.az);
    if (rc) {
        cli_error("cannot load the analyzer: %s", dl_strerror(rc));
        return EXIT_ARCHIVE;
    }
    /* a file or a pipe gets big writes; a terminal keeps its line buffering */
    static char obuf[1 << 18];
    if (!isatty(STDOUT_FILENO)) setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    dl_input_stats stats;
    dl_input_walk((const char *const *)o->argv, o->argc, on_analyze, on_analyze_reject, &c,
                  &stats);
    dl_buf_free(&c.out);
    dl_analyzer_free(c.az);
    if (fflush(stdout) != 0) {
        cli_error("cannot write the output");
        return EXIT_PARTIAL;
    }
    if (c.rc) {
        cli_error("analyze stopped: %s", dl_strerror(c.rc));
        return EXIT_ARCHIVE;
    }
    return stats.rejected ? EXIT_PARTIAL : EXIT_DONE;
}
