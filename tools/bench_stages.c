/*
 * bench_stages.c -- where `dateline analyze` spends its time, stage by
 * stage, measured inside one process on one core (bench/analyze.sh runs it).
 *
 *   build/tools/bench_stages FILE.jsonl [RUNS]
 *
 * Reads the whole JSONL file into memory once, then RUNS times (default 3)
 * goes through every line exactly as `analyze` does -- parse the record
 * (dl_parse_jsonl), tokenize, split sentences, tag entities, tag
 * times, find quotes, write the annotation's JSON -- and charges each step's
 * thread CPU time (CLOCK_THREAD_CPUTIME_ID, so time slices lost to other
 * processes on this shared machine do not count) to its stage.  Each stage
 * runs over a batch of 256 articles between two clock reads (the clock is
 * a system call: read per article, it used to add ~0.4 s to the stages;
 * BENCH_BATCH=N sets another batch size, to check that batching does not
 * flatter the cache-hungry stages: 4 and 256 give the same figures).  Prints, per
 * stage, the median over the runs in ms and as MB/s of JSONL input, and the
 * two sums the issues ask about: parse + tokens + sentences + times + output,
 * and the full analysis.  Reading the file and the model load are not
 * counted (the model load is printed apart).
 *
 * The output JSON is built and dropped (not written), and times run after
 * the entities as in analyze.c, so the sums match the pipeline's work.
 */
#include "analyze/analyze.h"
#include "analyze/quote.h"
#include "text/buf.h"
#include "text/record.h"

#include <stdio.h>
#include <time.h>

enum { S_PARSE, S_TOK, S_SENT, S_ENTS, S_TIMES, S_QUOTES, S_JSON, NS };
static const char *const NAMES[NS] = {"parse JSONL", "tokens",  "sentences", "entities",
                                      "times",       "quotes", "write JSON"};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    dl_buf b = {0};
    char tmp[1 << 16];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) dl_buf_add(&b, tmp, k);
    fclose(f);
    return dl_buf_detach(&b, len);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_stages FILE.jsonl [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    if (runs < 1) runs = 1;
    size_t len;
    char *data = slurp(argv[1], &len);
    if (!data) {
        fprintf(stderr, "bench_stages: cannot read %s\n", argv[1]);
        return 1;
    }
    char path[4200];
    void *ner = NULL;
    double t0 = now();
    if (dl_ner_find_model(path, sizeof path) || dl_ner_load(path, &ner)) {
        fprintf(stderr, "bench_stages: cannot load the entity model\n");
        return 1;
    }
    double load_ms = (now() - t0) * 1e3;
    double *tm = calloc((size_t)runs * NS, sizeof *tm);
    dl_buf out = {0};
    size_t docs = 0, bad = 0;
    /* stages run over batches of BATCH articles, each stage timed once per
     * batch: reading the thread CPU clock is a system call here (about a
     * microsecond), too dear to pay seven times per article */
    size_t BATCH = getenv("BENCH_BATCH") ? (size_t)atoi(getenv("BENCH_BATCH")) : 256;
    if (BATCH < 1) BATCH = 1;
    dl_record *recs = calloc(BATCH, sizeof *recs);
    char **scr = calloc(BATCH, sizeof *scr);
    dl_doc *docv = calloc(BATCH, sizeof *docv);
    if (!recs || !scr || !docv) return 1;
    for (int r = 0; r < runs; r++) {
        double *t = tm + (size_t)r * NS;
        docs = bad = 0;
        for (size_t p = 0; p < len;) {
            /* parse up to BATCH good records */
            size_t nb = 0;
            double a = now(), b;
            while (p < len && nb < BATCH) {
                const char *nl = memchr(data + p, '\n', len - p);
                size_t e = nl ? (size_t)(nl - data) : len;
                const char *line = data + p;
                size_t n = e - p;
                p = e + 1;
                if (!n) continue;
                const char *reason;
                scr[nb] = NULL;
                if (dl_parse_jsonl(line, n, &recs[nb], &scr[nb], &reason)) {
                    bad++;
                    free(scr[nb]);
                    continue;
                }
                nb++;
            }
            b = now(), t[S_PARSE] += b - a, a = b;
            docs += nb;
            int rc = 0;
            for (size_t k = 0; k < nb; k++) {
                dl_doc_init(&docv[k], recs[k].text, recs[k].text_len, recs[k].day);
                if (!rc) rc = dl_tokenize(docv[k].text, docv[k].len, &docv[k].toks);
            }
            b = now(), t[S_TOK] += b - a, a = b;
            for (size_t k = 0; k < nb && !rc; k++) rc = dl_sentence_split(&docv[k]);
            b = now(), t[S_SENT] += b - a, a = b;
            for (size_t k = 0; k < nb && !rc; k++) rc = dl_ner_tag(ner, &docv[k]);
            b = now(), t[S_ENTS] += b - a, a = b;
            for (size_t k = 0; k < nb && !rc; k++) rc = dl_timex_tag(&docv[k]);
            b = now(), t[S_TIMES] += b - a, a = b;
            for (size_t k = 0; k < nb && !rc; k++) rc = dl_quote_find(&docv[k]);
            b = now(), t[S_QUOTES] += b - a, a = b;
            if (rc) {
                fprintf(stderr, "bench_stages: %s\n", dl_strerror(rc));
                return 1;
            }
            for (size_t k = 0; k < nb; k++) {
                /* the annotation borrows the doc's vectors: nothing to free */
                const dl_record *rec = &recs[k];
                const dl_doc *d = &docv[k];
                dl_annotation an;
                memset(&an, 0, sizeof an);
                memcpy(an.id, rec->id, sizeof an.id);
                memcpy(an.date, rec->date, sizeof an.date);
                an.source = (char *)rec->source;
                an.text = (char *)rec->text, an.text_len = rec->text_len;
                an.sentences = d->sents.v, an.n_sentences = d->sents.n;
                an.entities = d->ents.v, an.n_entities = d->ents.n;
                an.quotes = d->quotes.v, an.n_quotes = d->quotes.n;
                an.times = d->times.v, an.n_times = d->times.n;
                dl_buf_reset(&out);
                dl_annotation_json_buf(&an, &out, 1);
                dl_buf_addc(&out, '\n');
            }
            b = now(), t[S_JSON] += b - a;
            for (size_t k = 0; k < nb; k++) {
                dl_doc_free(&docv[k]);
                free(scr[k]);
            }
        }
    }
    free(recs);
    free(scr);
    free(docv);
    double med[NS], col[64];
    for (int s = 0; s < NS; s++) {
        for (int r = 0; r < runs && r < 64; r++) col[r] = tm[(size_t)r * NS + (size_t)s];
        int k = runs < 64 ? runs : 64;
        qsort(col, (size_t)k, sizeof *col, cmp_double);
        med[s] = col[k / 2];
    }
    double mb = (double)len / 1e6;
    printf("bench_stages: %zu articles, %.1f MB of JSONL, thread CPU time, median of %d runs"
           " (entity model load %.1f ms)\n", docs, mb, runs, load_ms);
    for (int s = 0; s < NS; s++)
        printf("  %-12s %8.1f ms  %8.1f MB/s\n", NAMES[s], med[s] * 1e3, mb / med[s]);
    double base = med[S_PARSE] + med[S_TOK] + med[S_SENT] + med[S_TIMES] + med[S_JSON];
    double full = base + med[S_ENTS] + med[S_QUOTES];
    printf("  tokens+sentences+times (with parse and output): %7.1f ms  %6.1f MB/s\n",
           base * 1e3, mb / base);
    printf("  full analysis (all five, with parse and output): %7.1f ms  %6.1f MB/s\n",
           full * 1e3, mb / full);
    if (bad) printf("  (%zu lines rejected)\n", bad);
    dl_buf_free(&out);
    free(tm);
    free(data);
    dl_ner_free(ner);
    return 0;
}
