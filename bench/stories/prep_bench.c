/*
 * prep_bench.c -- the analysis workers' per-article dedup/story step
 * (dl_artprep_run, src/story/prep.h) alone, over JSONL inputs: a dump to
 * prove that two builds compute the same thing, and a CPU-time micro-bench.
 *
 *   prep_bench dump FILE...     one line per article: id, the number and an
 *                               XXH64 of the sig and bi arrays and of the raw
 *                               terms (term, surface, weight bits, in order);
 *                               a final "all" line digests everything
 *   prep_bench full FILE...     the same with every value written out
 *   prep_bench time N FILE...   N passes over the records (the texts are
 *                               read and tokenized first), CPU seconds per
 *                               pass of dl_artprep_run, of dl_tokenize
 *                               alone, and the median of the passes.  As in
 *                               the ingest: each pass starts with a fresh
 *                               worker context and stem cache (the first
 *                               sight of each word is part of the cost), the
 *                               tokens come with the job and the index terms
 *                               are worked out too
 *
 * Not part of `make`: build against a library with bench/stories/prep.mk
 * (make -f bench/stories/prep.mk [OUT=path]).  Comparing with another
 * revision (dumps compared, then timed): sh bench/stories/prep_compare.sh.
 * The annotation handed to the step holds only the text, which is all that
 * dl_artprep_run reads of it.
 */
#include "dateline.h"
#include "analyze/pool.h"
#include "story/prep.h"
#include "text/stemcache.h"
#include "text/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

typedef struct {
    char id[DL_ID_MAX];
    char *text;
    size_t len;
} art;

typedef struct {
    art *v;
    size_t n, cap;
} arts;

static int on_rec(void *ctx, const dl_record *rec)
{
    arts *a = ctx;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) return 1;
    }
    art *x = &a->v[a->n++];
    memcpy(x->id, rec->id, sizeof x->id);
    x->text = malloc(rec->text_len + 1);
    if (!x->text) return 1;
    memcpy(x->text, rec->text, rec->text_len);
    x->text[rec->text_len] = 0;
    x->len = rec->text_len;
    return 0;
}

static int on_rej(void *ctx, const char *file, long line, const char *reason)
{
    (void)ctx;
    fprintf(stderr, "rejected %s:%ld: %s\n", file, line, reason);
    return 0;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs the step on one article (toks: its tokens, or NULL); the caller
 * frees with j->prep_free. */
static void run_one(void *tctx, const art *x, const dl_tokvec *toks, dl_ajob *j,
                    dl_annotation *ann)
{
    memset(j, 0, sizeof *j);
    if (toks) j->toks = *toks;  /* borrowed: never freed by the step */
    memset(ann, 0, sizeof *ann);
    ann->text = x->text;
    ann->text_len = x->len;
    memcpy(j->rec.id, x->id, sizeof j->rec.id);
    j->rec.text = x->text;
    j->rec.text_len = x->len;
    j->ann = ann;
    dl_artprep_run(tctx, j);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: prep_bench dump|full FILE... | time N FILE...\n");
        return 2;
    }
    const char *mode = argv[1];
    int passes = 0, first = 2;
    if (!strcmp(mode, "time")) {
        passes = atoi(argv[2]);
        first = 3;
        if (passes < 1) passes = 1;
    } else if (strcmp(mode, "dump") && strcmp(mode, "full")) {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    arts a = {0};
    dl_input_stats st;
    if (dl_input_walk((const char *const *)argv + first, argc - first, on_rec, on_rej, &a, &st))
        return 1;
    if (passes) {
        size_t bytes = 0;
        for (size_t i = 0; i < a.n; i++) bytes += a.v[i].len;
        dl_tokvec *toks = calloc(a.n ? a.n : 1, sizeof *toks);
        if (!toks) return 1;
        for (size_t i = 0; i < a.n; i++)
            if (dl_tokenize(a.v[i].text, a.v[i].len, &toks[i])) return 1;
        double *tp = calloc((size_t)passes, sizeof *tp), *tt = calloc((size_t)passes, sizeof *tt);
        for (int p = 0; p < passes; p++) {
            double t0 = cpu_now();
            dl_stemcache *sc = dl_stemcache_new();
            void *tctx = dl_artprep_tnew(sc);
            if (!sc || !tctx) return 1;
            for (size_t i = 0; i < a.n; i++) {
                dl_ajob j;
                dl_annotation ann;
                run_one(tctx, &a.v[i], &toks[i], &j, &ann);
                if (j.prep_free) j.prep_free(j.prep);
            }
            dl_artprep_tfree(tctx);
            dl_stemcache_free(sc);
            double t1 = cpu_now();
            for (size_t i = 0; i < a.n; i++) {
                dl_tokvec toks = {0};
                dl_tokenize(a.v[i].text, a.v[i].len, &toks);
                dl_vec_free(&toks);
            }
            double t2 = cpu_now();
            tp[p] = t1 - t0;
            tt[p] = t2 - t1;
            printf("pass %d: dl_artprep_run %.3f s CPU, dl_tokenize %.3f s\n", p + 1, tp[p], tt[p]);
        }
        for (size_t i = 0; i < a.n; i++) dl_vec_free(&toks[i]);
        free(toks);
        qsort(tp, (size_t)passes, sizeof *tp, cmp_dbl);
        qsort(tt, (size_t)passes, sizeof *tt, cmp_dbl);
        printf("%zu articles, %.1f MB: median dl_artprep_run %.3f s CPU (%.1f us/article), "
               "dl_tokenize %.3f s\n",
               a.n, (double)bytes / 1e6, tp[passes / 2], tp[passes / 2] * 1e6 / (double)a.n,
               tt[passes / 2]);
        free(tp);
        free(tt);
    } else {
        void *tctx = dl_artprep_tnew(NULL);
        if (!tctx) return 1;
        int full = !strcmp(mode, "full");
        XXH64_state_t *all = XXH64_createState();
        XXH64_reset(all, 0);
        for (size_t i = 0; i < a.n; i++) {
            dl_ajob j;
            dl_annotation ann;
            run_one(tctx, &a.v[i], NULL, &j, &ann);
            const dl_artprep *p = j.prep;
            if (!p) {
                printf("%s no prep\n", a.v[i].id);
                continue;
            }
            uint64_t hs = XXH64(p->sig.v, p->sig.n * 4, 0), hb = XXH64(p->bi.v, p->bi.n * 4, 0);
            XXH64_state_t *ht = XXH64_createState();
            XXH64_reset(ht, 0);
            for (size_t k = 0; k < p->terms.v.n; k++) {
                const dl_rawterm *r = &p->terms.v.v[k];
                const char *t = p->terms.buf + r->term, *s = p->terms.buf + r->surface;
                XXH64_update(ht, t, strlen(t) + 1);
                XXH64_update(ht, s, strlen(s) + 1);
                XXH64_update(ht, &r->w, sizeof r->w);
            }
            uint64_t hterm = XXH64_digest(ht);
            XXH64_freeState(ht);
            char line[512];
            int n = snprintf(line, sizeof line, "%s ok %d %d sig %zu %016llx bi %zu %016llx terms %zu %016llx\n",
                             a.v[i].id, p->sig_ok, p->terms_ok, p->sig.n, (unsigned long long)hs,
                             p->bi.n, (unsigned long long)hb, p->terms.v.n,
                             (unsigned long long)hterm);
            fputs(line, stdout);
            XXH64_update(all, line, (size_t)n);
            if (full) {
                for (size_t k = 0; k < p->sig.n; k++) printf(" s%08x", p->sig.v[k]);
                putchar('\n');
                for (size_t k = 0; k < p->bi.n; k++) printf(" b%08x", p->bi.v[k]);
                putchar('\n');
                for (size_t k = 0; k < p->terms.v.n; k++) {
                    const dl_rawterm *r = &p->terms.v.v[k];
                    printf(" %s|%s|%a\n", p->terms.buf + r->term, p->terms.buf + r->surface, r->w);
                }
            }
            j.prep_free(j.prep);
        }
        printf("all %zu %016llx\n", a.n, (unsigned long long)XXH64_digest(all));
        XXH64_freeState(all);
        dl_artprep_tfree(tctx);
    }
    for (size_t i = 0; i < a.n; i++) free(a.v[i].text);
    free(a.v);
    return 0;
}
