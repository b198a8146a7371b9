/*
 * pool.c -- a small pool of analysis threads (pool.h).  Workers take jobs
 * one at a time from the oldest submitted chunk; the submitter waits for a
 * chunk's last job.
 */
#include "pool.h"
#include "analyze.h"
#include "../text/buf.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct dl_apool {
    const dl_analyzer *az;
    int nthreads;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t work;   /* a chunk was submitted, or stop */
    pthread_cond_t done;   /* a chunk finished */
    dl_achunk *head, *tail; /* submitted chunks with jobs not yet taken */
    int stop;
    dl_aprep prep;          /* run == NULL: no hook */
    int json;               /* dl_apool_set_json */
    void **tctx;            /* per worker; tctx[nthreads]: the caller's */
    int nctx;               /* slots in tctx */
    struct wstart *ws;      /* the workers' start arguments */
};

static void run_job(dl_apool *p, int t, dl_ajob *j)
{
    j->rc = dl_analyze_toks(p->az, &j->rec, &j->ann, &j->toks);
    if (j->rc) return;
    if (p->json) {
        dl_buf b = {0};
        dl_annotation_json_buf(j->ann, &b, 0);
        if (b.err) dl_buf_free(&b);
        else j->json = dl_buf_detach(&b, &j->json_n);
    }
    if (!p->prep.run) return;
    if (!p->tctx[t] && p->prep.tnew) p->tctx[t] = p->prep.tnew(p->prep.arg);
    p->prep.run(p->tctx[t], j);
}

typedef struct wstart {
    dl_apool *p;
    int t;
} wstart;

static void *worker(void *arg)
{
    wstart *ws = arg;
    dl_apool *p = ws->p;
    int t = ws->t;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->head) pthread_cond_wait(&p->work, &p->mu);
        if (p->stop) break;
        dl_achunk *c = p->head;
        dl_ajob *j = &c->jobs[c->next++];
        if (c->next == c->n) { /* all taken: unlink */
            p->head = c->qnext;
            if (!p->head) p->tail = NULL;
        }
        pthread_mutex_unlock(&p->mu);
        run_job(p, t, j);
        pthread_mutex_lock(&p->mu);
        if (++c->done == c->n) pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int dl_apool_new(const dl_analyzer *az, int threads, dl_apool **out)
{
    *out = NULL;
    if (threads <= 0) {
        const char *env = getenv("DATELINE_THREADS");
        threads = env && atoi(env) > 0 ? atoi(env) : (int)sysconf(_SC_NPROCESSORS_ONLN);
        if (threads < 1) threads = 1;
        if (threads > 8) threads = 8;
    }
    dl_apool *p = dl_calloc(1, sizeof *p);
    if (!p) return DL_ENOMEM;
    p->az = az;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->nctx = threads + 1;
    p->tctx = dl_calloc((size_t)p->nctx, sizeof *p->tctx);
    p->ws = dl_calloc((size_t)threads, sizeof *p->ws);
    if (!p->tctx || !p->ws) {
        dl_apool_free(p);
        return DL_ENOMEM;
    }
    if (threads > 1) {
        p->threads = dl_calloc((size_t)threads, sizeof *p->threads);
        if (!p->threads) {
            dl_apool_free(p);
            return DL_ENOMEM;
        }
        for (int i = 0; i < threads; i++) {
            p->ws[i].p = p;
            p->ws[i].t = i;
            if (pthread_create(&p->threads[i], NULL, worker, &p->ws[i]) != 0) break;
            p->nthreads++;
        }
    }
    *out = p;
    return DL_OK;
}

void dl_apool_free(dl_apool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    free(p->threads);
    for (int i = 0; p->tctx && i < p->nctx; i++)
        if (p->tctx[i] && p->prep.tfree) p->prep.tfree(p->tctx[i]);
    free(p->tctx);
    free(p->ws);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    free(p);
}

dl_achunk *dl_achunk_new(size_t cap)
{
    dl_achunk *c = dl_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->jobs = dl_calloc(cap, sizeof *c->jobs);
    if (!c->jobs) {
        free(c);
        return NULL;
    }
    c->cap = cap;
    return c;
}

void dl_achunk_clear(dl_achunk *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->jobs[i].mem);
        dl_annotation_free(c->jobs[i].ann);
        free(c->jobs[i].json);
        dl_vec_free(&c->jobs[i].toks);
        if (c->jobs[i].prep && c->jobs[i].prep_free) c->jobs[i].prep_free(c->jobs[i].prep);
        memset(&c->jobs[i], 0, sizeof c->jobs[i]);
    }
    c->n = c->bytes = c->next = c->done = 0;
    c->qnext = NULL;
}

void dl_achunk_free(dl_achunk *c)
{
    if (!c) return;
    dl_achunk_clear(c);
    free(c->jobs);
    free(c);
}

int dl_achunk_add(dl_achunk *c, const dl_record *rec)
{
    if (c->n == c->cap) return DL_ETOOBIG;
    size_t ls = rec->source ? strlen(rec->source) + 1 : 0;
    size_t lu = rec->url ? strlen(rec->url) + 1 : 0;
    size_t lt = rec->title ? strlen(rec->title) + 1 : 0;
    size_t lf = rec->file ? strlen(rec->file) + 1 : 0;
    char *m = dl_malloc(rec->text_len + 1 + ls + lu + lt + lf);
    if (!m) return DL_ENOMEM;
    dl_ajob *j = &c->jobs[c->n];
    memset(j, 0, sizeof *j);
    j->rec = *rec;
    j->mem = m;
    memcpy(m, rec->text, rec->text_len);
    m[rec->text_len] = 0;
    j->rec.text = m;
    m += rec->text_len + 1;
#define COPY_(field, len)                  \
    if (rec->field) {                      \
        memcpy(m, rec->field, len);        \
        j->rec.field = m;                  \
        m += len;                          \
    }
    COPY_(source, ls)
    COPY_(url, lu)
    COPY_(title, lt)
    COPY_(file, lf)
#undef COPY_
    c->n++;
    c->bytes += rec->text_len;
    return DL_OK;
}

void dl_apool_set_json(dl_apool *p, int on)
{
    p->json = on;
}

void dl_apool_set_prep(dl_apool *p, const dl_aprep *prep)
{
    p->prep = *prep;
}

void dl_apool_submit(dl_apool *p, dl_achunk *c)
{
    c->next = c->done = 0;
    c->qnext = NULL;
    if (!p->nthreads || c->n == 0) return; /* analyzed in dl_apool_wait */
    pthread_mutex_lock(&p->mu);
    if (p->tail) p->tail->qnext = c;
    else p->head = c;
    p->tail = c;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void dl_apool_wait(dl_apool *p, dl_achunk *c)
{
    if (!p->nthreads || c->n == 0) {
        for (size_t i = c->done; i < c->n; i++) run_job(p, p->nctx - 1, &c->jobs[i]);
        c->next = c->done = c->n;
        return;
    }
    pthread_mutex_lock(&p->mu);
    while (c->done < c->n) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
