/*
 * bench_dl.c -- the dateline side of the search benchmark.
 *
 *   bench_dl build CORPUS.jsonl DIR RESULT   index build alone (no analysis,
 *                                            no article storage), then queries
 *   bench_dl query DIR QUERIES.tsv RUNS RESULT
 *
 * The build feeds every article (title + text, docno = line number) to the
 * index's batch writer in batches of 2000, each committed like ingest does
 * (segment written, fsynced, registered in one transaction; tiered merges),
 * then merges to one segment (what `dateline optimize` does).  Queries
 * run through the same path as dl_search_docs: parse, then top 10 without
 * snippets and without the exact total.
 */
#include "common.h"
#include "index/index.h"

#include <dirent.h>
#include <sys/stat.h>

#define BATCH 2000

static unsigned long long dir_bytes(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    unsigned long long total = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix))) continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) total += (unsigned long long)st.st_size;
    }
    if (d) closedir(d);
    return total;
}

static void die(const char *what, int rc, dl_archive *ar)
{
    fprintf(stderr, "bench_dl: %s: %s (%s)\n", what, dl_strerror(rc),
            ar ? dl_archive_errmsg(ar) : "");
    exit(1);
}

static int build(const char *corpus, const char *dir, FILE *res)
{
    dl_archive *ar;
    int rc = dl_archive_open(dir, DL_OPEN_WRITE, &ar);
    if (rc) die("open", rc, ar);
    FILE *f = fopen(corpus, "r");
    if (!f) die(corpus, DL_EIO, NULL);
    /* read everything first: the clock measures indexing, not JSON */
    typedef struct { int32_t day; char *title, *text; size_t tl, xl; } art;
    size_t n = 0, cap = 0;
    art *a = NULL;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        dl_record rec;
        char *scratch = NULL;
        const char *why;
        if (dl_parse_jsonl(line, (size_t)len, &rec, &scratch, &why) == DL_OK) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                a = realloc(a, cap * sizeof *a);
            }
            a[n].day = rec.day;
            a[n].title = rec.title ? strdup(rec.title) : NULL;
            a[n].tl = rec.title ? strlen(rec.title) : 0;
            a[n].text = strndup(rec.text, rec.text_len);
            a[n].xl = rec.text_len;
            n++;
        }
        dl_free(scratch);
    }
    free(line);
    fclose(f);
    double t0 = bench_now(), c0 = bench_pcpu();
    dl_index *ix;
    rc = dl_index_get(ar, &ix);
    if (rc) die("index", rc, ar);
    dl_ibatch *b;
    if (dl_ibatch_new(ix, &b)) die("batch", DL_ENOMEM, ar);
    for (size_t i = 0; i < n;) {
        if (dl_archive_exec(ar, "BEGIN IMMEDIATE")) die("begin", DL_ESTORE, ar);
        size_t end = i + BATCH < n ? i + BATCH : n;
        for (; i < end; i++)
            if ((rc = dl_ibatch_add(b, (int64_t)i + 1, a[i].day, a[i].title, a[i].tl, a[i].text,
                                    a[i].xl)))
                die("add", rc, ar);
        if ((rc = dl_ibatch_flush(b))) die("flush", rc, ar);
        if (dl_archive_exec(ar, "COMMIT")) die("commit", DL_ESTORE, ar);
        dl_ibatch_done(b, 1);
        if ((rc = dl_index_merge(ix, 0))) die("merge", rc, ar);
    }
    dl_ibatch_free(b);
    if ((rc = dl_index_merge(ix, 1))) die("optimize", rc, ar);
    double t1 = bench_now(), c1 = bench_pcpu();
    fprintf(res, "build %.4f\nbuildcpu %.4f\n", t1 - t0, c1 - c0);
    fprintf(res, "bytes %llu\n", dir_bytes(dir, "seg-"));
    fprintf(stderr, "dateline: indexed %zu articles in %.2f s\n", n, t1 - t0);
    for (size_t i = 0; i < n; i++) {
        free(a[i].title);
        free(a[i].text);
    }
    free(a);
    dl_archive_close(ar);
    return 0;
}

static int query(const char *dir, const char *qpath, int runs, FILE *res)
{
    bench_query *qs;
    size_t nq = bench_read_queries(qpath, &qs);
    dl_archive *ar;
    int rc = dl_archive_open(dir, DL_OPEN_READ, &ar);
    if (rc) die("open", rc, ar);
    dl_index *ix;
    if ((rc = dl_index_get(ar, &ix))) die("index", rc, ar);
    /* the termer lives in the index; dl_search_docs does exactly this */
    dl_termer *tm = NULL;
    dl_termer_new(&tm);
    dl_scored top[10];
    for (int r = 0; r < runs; r++) {
        for (size_t i = 0; i < nq; i++) {
            double t0 = bench_now(), c0 = bench_cpu();
            dl_query *q;
            const char *err;
            size_t nh = 0;
            if (dl_query_parse(tm, qs[i].dl, strlen(qs[i].dl), &q, &err) == DL_OK) {
                rc = dl_index_search(ix, q, (int32_t)bench_day(qs[i].from, INT32_MIN),
                                     (int32_t)bench_day(qs[i].to, INT32_MAX), 10, top, &nh,
                                     NULL);
                dl_query_free(q);
                if (rc) die("search", rc, ar);
            }
            double us = (bench_now() - t0) * 1e6, cus = (bench_cpu() - c0) * 1e6;
            fprintf(res, "lat %d %zu %.2f %.2f\n", r, i, us, cus);
            if (r == runs - 1) {
                fprintf(res, "top %zu ", i);
                for (size_t h = 0; h < nh; h++)
                    fprintf(res, "%s%lld:%d", h ? "," : "", (long long)top[h].docno, top[h].day);
                fputc('\n', res);
            }
        }
    }
    dl_termer_free(tm);
    dl_archive_close(ar);
    return 0;
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv, "bench_dl", build, query);
}
