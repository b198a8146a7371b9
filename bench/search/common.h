/*
 * common.h -- what the three search-benchmark harnesses share: reading the
 * generated corpus and query set (gen.py), the clock, and the result file
 * every harness writes (read by report.py):
 *   build SECONDS                     (wall clock)
 *   buildcpu SECONDS                  (CPU time of the process, user + system)
 *   bytes N
 *   lat RUN QUERY WALL_US CPU_US      (one line per query per run)
 *   top QUERY DOCNO,DOCNO,...         (top 10 of the last run; docno = line + 1)
 */
#ifndef BENCH_SEARCH_COMMON_H
#define BENCH_SEARCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the calling thread (user + system), seconds: latency on a
 * shared machine without the time spent waiting for a core. */
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (user + system), seconds. */
static inline double bench_pcpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct bench_query {
    char cls[32];
    char *dl, *fts, *xap; /* the query in each engine's syntax */
    char from[11], to[11];  /* "" when open */
} bench_query;

/* Reads queries.tsv; returns the count, *out malloc'd (never freed: bench). */
static inline size_t bench_read_queries(const char *path, bench_query **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t n = 0, cap = 0;
    bench_query *q = NULL;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *field[6] = {0};
        char *p = line;
        for (int i = 0; i < 6; i++) {
            field[i] = p;
            char *t = p ? strchr(p, '\t') : NULL;
            if (t) *t = 0;
            p = t ? t + 1 : NULL;
        }
        if (!field[3]) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            q = (bench_query *)realloc(q, cap * sizeof *q);
        }
        memset(&q[n], 0, sizeof q[n]);
        snprintf(q[n].cls, sizeof q[n].cls, "%s", field[0]);
        q[n].dl = strdup(field[1]);
        q[n].fts = strdup(field[2]);
        q[n].xap = strdup(field[3]);
        if (field[4]) snprintf(q[n].from, 11, "%s", field[4]);
        if (field[5]) snprintf(q[n].to, 11, "%s", field[5]);
        n++;
    }
    free(line);
    fclose(f);
    *out = q;
    return n;
}

/* Day number of "YYYY-MM-DD" (days since 1970-01-01), or def when "". */
static inline long bench_day(const char *s, long def)
{
    if (!s || !*s) return def;
    int y, m, d;
    if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3) return def;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The harnesses' command line, one for all three:
 *   NAME build CORPUS STORE RESULT         (RESULT written anew)
 *   NAME query STORE QUERIES RUNS RESULT   (RESULT appended to)
 * build and query return 0 on success. */
typedef int (*bench_build_fn)(const char *corpus, const char *store, FILE *res);
typedef int (*bench_query_fn)(const char *store, const char *queries, int runs, FILE *res);

static inline int bench_main(int argc, char **argv, const char *name, bench_build_fn build,
                             bench_query_fn query)
{
    int is_build = argc == 5 && !strcmp(argv[1], "build");
    int is_query = argc == 6 && !strcmp(argv[1], "query");
    if (!is_build && !is_query) {
        fprintf(stderr, "usage: %s build CORPUS STORE RESULT | query STORE QUERIES RUNS RESULT\n",
                name);
        return 2;
    }
    const char *out = argv[argc - 1];
    FILE *res = fopen(out, is_build ? "w" : "a");
    if (!res) {
        fprintf(stderr, "%s: cannot open %s\n", name, out);
        return 1;
    }
    int rc = is_build ? build(argv[2], argv[3], res) : query(argv[2], argv[3], atoi(argv[4]), res);
    return fclose(res) || rc;
}

#endif
