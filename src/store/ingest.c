/*
 * ingest.c -- adding articles to the archive in batches.
 *
 * Each batch is one SQLite transaction (BEGIN IMMEDIATE ... COMMIT): an
 * article is acknowledged only once its batch committed, and a crash rolls
 * back the batch in flight and nothing else.
 *
 * The flow: dl_ingest_add looks the id up (already stored: counted as
 * present, nothing else done) and copies the record into a chunk.  Full
 * chunks go to the analysis pool (analyze/pool.h) and are written, in input
 * order, on this thread while the pool analyzes the next chunk (the workers
 * also make the stored annotation JSON, keep the text's tokens, and run the
 * dedup/story preparation of src/story/prep.h).  Writing a chunk stores its
 * articles and annotations, hands it to the dedup thread (near-duplicates,
 * below) and meanwhile finishes the chunk before it: stories, and unless
 * an article is a near-duplicate copy, the rows of its quotes, its entity
 * counts (entity_days, written at the commit) and its index entry, added
 * by the index thread (below).  A batch commits at the end of the chunk
 * that fills it, once both chunks are finished.  After each commit a
 * checkpoint thread copies the WAL into archive.db.
 *
 * A dedup thread handed one article at a time (rather than a chunk) was
 * measured first: on two cores its wake-ups ate the gain (the wall time
 * stayed, the CPU grew by 4 s in 50,000 articles).  Per chunk it takes
 * the wall time of that ingest from 27.2 s to 24.5 s (medians of 3).
 */
#include "store.h"
#include "../text/utf8.h"
#include "../analyze/analyze.h"
#include "../analyze/pool.h"
#include "../index/index.h"
#include "../text/buf.h"
#include "../dedup/dedup.h"
#include "../story/prep.h"
#include "../text/stemcache.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <utf8proc.h>

/* A batch: one transaction.  5,000 rather than 2,000 articles: each commit
 * rewrites the B-tree pages the batch touched (random keys: entity_days,
 * stories, indexes) and runs the story merge pass; on 50,000 articles the
 * commits took 9.6 s at 2,000 and 8.0 s at 5,000, of an ingest of ~28 s. */
#define BATCH_ARTICLES 5000
#define BATCH_BYTES (32u << 20)
#define CHUNK_ARTICLES 64
#define CHUNK_BYTES (4u << 20)

/* What the ingest's helper threads (below) share: a mutex, the condition
 * the thread waits on (go) and the one the writer waits on (done), and the
 * stop flag that ht_stop raises before joining it. */
typedef struct hthread {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    int stop;
} hthread;

static int ht_start(hthread *h, void *(*fn)(void *), void *arg)
{
    if (pthread_mutex_init(&h->mu, NULL)) return DL_ENOMEM;
    if (pthread_cond_init(&h->go, NULL)) goto no_go;
    if (pthread_cond_init(&h->done, NULL)) goto no_done;
    if (pthread_create(&h->th, NULL, fn, arg) == 0) return DL_OK;
    pthread_cond_destroy(&h->done);
no_done:
    pthread_cond_destroy(&h->go);
no_go:
    pthread_mutex_destroy(&h->mu);
    return DL_ENOMEM;
}

static void ht_stop(hthread *h)
{
    pthread_mutex_lock(&h->mu);
    h->stop = 1;
    pthread_cond_signal(&h->go);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->go);
    pthread_cond_destroy(&h->done);
    pthread_mutex_destroy(&h->mu);
}

/*
 * The index thread: the search index's part of each article (its terms
 * and positions into the batch, dl_ibatch_add_toks) runs beside the
 * writer, which hands it the articles of the chunk being written, in
 * order, and waits for it before the chunk is cleared (the articles'
 * tokens live in the chunk) and before a batch's commit (the batch is then
 * whole).  Only the index thread touches the batch between those waits.
 */
typedef struct ixthread {
    hthread h;          /* go: more to do; done: idle */
    const dl_ajob *item[CHUNK_ARTICLES];
    int64_t docno[CHUNK_ARTICLES];
    size_t n, taken;    /* handed over, taken by the thread */
    int busy;
    int write;          /* write the batch's segment (dl_ibatch_write) */
    int rc;             /* the first failure */
    dl_ibatch *ib;
} ixthread;

static void *ix_main(void *arg)
{
    ixthread *t = arg;
    pthread_mutex_lock(&t->h.mu);
    for (;;) {
        while (t->taken == t->n && !t->write && !t->h.stop) {
            t->busy = 0;
            pthread_cond_signal(&t->h.done);
            pthread_cond_wait(&t->h.go, &t->h.mu);
        }
        if (t->taken == t->n && t->write) {
            t->write = 0;
            t->busy = 1;
            pthread_mutex_unlock(&t->h.mu);
            int rc = t->rc ? DL_OK : dl_ibatch_write(t->ib);
            pthread_mutex_lock(&t->h.mu);
            if (rc && !t->rc) t->rc = rc;
            continue;
        }
        if (t->taken == t->n) break;  /* stop, all done */
        size_t i = t->taken++;
        t->busy = 1;
        const dl_ajob *j = t->item[i];
        int64_t docno = t->docno[i];
        pthread_mutex_unlock(&t->h.mu);
        const dl_record *rec = &j->rec;
        const dl_artprep *prep = j->prep;
        /* the words' terms, when the analysis worker worked them out */
        const uint32_t *ix =
            prep && prep->ix_ok && prep->ix.n == j->toks.n ? prep->ix.v : NULL;
        int rc = t->rc ? DL_OK
                       : dl_ibatch_add_toks(t->ib, docno, rec->day, rec->title,
                                            rec->title ? strlen(rec->title) : 0, rec->text,
                                            rec->text_len, &j->toks, ix);
        pthread_mutex_lock(&t->h.mu);
        if (rc && !t->rc) t->rc = rc;
    }
    t->busy = 0;
    pthread_cond_signal(&t->h.done);
    pthread_mutex_unlock(&t->h.mu);
    return NULL;
}

/* An idle index thread is woken when this many articles wait for it (or
 * by ix_wait): woken for each, it went back to sleep after each (its part
 * of an article is quicker than the writer's), two context switches an
 * article. */
#define IX_KICK 8

/* Hands one article to the index thread (at most CHUNK_ARTICLES between
 * two ix_wait calls). */
static void ix_add(ixthread *t, const dl_ajob *j, int64_t docno)
{
    pthread_mutex_lock(&t->h.mu);
    t->item[t->n] = j;
    t->docno[t->n] = docno;
    t->n++;
    if (!t->busy && t->n - t->taken >= IX_KICK) pthread_cond_signal(&t->h.go);
    pthread_mutex_unlock(&t->h.mu);
}

/* Has the index thread write the batch's segment (dl_ibatch_write) after
 * the articles handed to it; ix_wait waits for it too. */
static void ix_write(ixthread *t)
{
    pthread_mutex_lock(&t->h.mu);
    t->write = 1;
    pthread_cond_signal(&t->h.go);
    pthread_mutex_unlock(&t->h.mu);
}

/* Waits until the index thread has added every article handed to it (and
 * written the segment asked for); returns the first failure (sticky). */
static int ix_wait(ixthread *t)
{
    pthread_mutex_lock(&t->h.mu);
    if (t->taken < t->n) pthread_cond_signal(&t->h.go);  /* fewer than IX_KICK */
    while (t->taken < t->n || t->busy || t->write) pthread_cond_wait(&t->h.done, &t->h.mu);
    t->n = t->taken = 0;
    int rc = t->rc;
    pthread_mutex_unlock(&t->h.mu);
    return rc;
}

static int ix_start(ixthread *t, dl_ibatch *ib)
{
    memset(t, 0, sizeof *t);
    t->ib = ib;
    return ht_start(&t->h, ix_main, t);
}

/*
 * The dedup thread: near-duplicate detection (dl_dedup_article) of a whole
 * stored chunk, in order, while the writer finishes the chunk before it
 * (stories, quotes, entities, index).  One handoff per chunk, not per
 * article: a per-article handoff spent its gain waiting for wake-ups.  It
 * writes on the writer's connection (serialized, SQLITE_OPEN_FULLMUTEX)
 * inside the writer's transaction, which commits only once the thread is
 * idle; the dl_dedup handle is the thread's between dd_submit and dd_wait.
 */
typedef struct ddthread {
    hthread h;            /* go: a chunk submitted; done: it is done */
    const dl_achunk *c;
    const int64_t *doc;   /* per job: its docno, 0: not stored (present) */
    int64_t *dup;         /* per job: the docno it copies, 0: none */
    int has_req, busy;
    int rc;
    dl_dedup *dd;
} ddthread;

static void *dd_main(void *arg)
{
    ddthread *t = arg;
    pthread_mutex_lock(&t->h.mu);
    for (;;) {
        while (!t->has_req && !t->h.stop) pthread_cond_wait(&t->h.go, &t->h.mu);
        if (!t->has_req) break;
        t->has_req = 0;
        const dl_achunk *c = t->c;
        pthread_mutex_unlock(&t->h.mu);
        int rc = DL_OK;
        for (size_t i = 0; i < c->n && !rc; i++) {
            const dl_ajob *j = &c->jobs[i];
            const dl_artprep *prep = j->prep;
            double sim = 0;
            t->dup[i] = 0;
            if (!t->doc[i]) continue;
            rc = dl_dedup_article(t->dd, t->doc[i], j->rec.text, j->rec.text_len,
                                  prep && prep->sig_ok ? &prep->sig : NULL,
                                  prep && prep->sig_ok ? &prep->bi : NULL, &t->dup[i], &sim);
        }
        pthread_mutex_lock(&t->h.mu);
        t->rc = rc;
        t->busy = 0;
        pthread_cond_signal(&t->h.done);
    }
    pthread_mutex_unlock(&t->h.mu);
    return NULL;
}

/* Starts near-duplicate detection of chunk c's stored jobs (doc[i] != 0);
 * the outcome goes to dup[]. */
static void dd_submit(ddthread *t, const dl_achunk *c, const int64_t *doc, int64_t *dup)
{
    pthread_mutex_lock(&t->h.mu);
    t->c = c;
    t->doc = doc;
    t->dup = dup;
    t->has_req = 1;
    t->busy = 1;
    pthread_cond_signal(&t->h.go);
    pthread_mutex_unlock(&t->h.mu);
}

/* Waits until the submitted chunk is done; its first failure, if any. */
static int dd_wait(ddthread *t)
{
    pthread_mutex_lock(&t->h.mu);
    while (t->busy) pthread_cond_wait(&t->h.done, &t->h.mu);
    int rc = t->rc;
    t->rc = DL_OK;
    pthread_mutex_unlock(&t->h.mu);
    return rc;
}

static int dd_start(ddthread *t, dl_dedup *dd)
{
    memset(t, 0, sizeof *t);
    t->dd = dd;
    return ht_start(&t->h, dd_main, t);
}

/*
 * The checkpoint thread: copies the WAL into archive.db (a PASSIVE
 * checkpoint, on a connection of its own) after each commit, so that the
 * checkpoint's writes and fsyncs -- the largest waits of an ingest -- are
 * not the writer's.  The writer's connection does no automatic checkpoint
 * while the ingest runs (wal_autocheckpoint=0).  A checkpoint that cannot
 * finish (a reader holds old pages) is simply tried again after the next
 * commit; the archive's close checkpoints whatever is left.
 */
typedef struct ckthread {
    hthread h;          /* go: a commit happened */
    int pending;
    sqlite3 *db;
} ckthread;

static void *ck_main(void *arg)
{
    ckthread *t = arg;
    pthread_mutex_lock(&t->h.mu);
    for (;;) {
        while (!t->pending && !t->h.stop) pthread_cond_wait(&t->h.go, &t->h.mu);
        if (!t->pending) break;
        t->pending = 0;
        pthread_mutex_unlock(&t->h.mu);
        sqlite3_wal_checkpoint_v2(t->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&t->h.mu);
    }
    pthread_mutex_unlock(&t->h.mu);
    return NULL;
}

static void ck_signal(ckthread *t)
{
    pthread_mutex_lock(&t->h.mu);
    t->pending = 1;
    pthread_cond_signal(&t->h.go);
    pthread_mutex_unlock(&t->h.mu);
}

/* Opens the thread's connection and starts it; DL_OK, or an error after
 * which the ingest goes on with the writer's own checkpoints. */
static int ck_start(ckthread *t, dl_archive *ar)
{
    memset(t, 0, sizeof *t);
    char *path = NULL;
    if (asprintf(&path, "%s/archive.db", ar->dir) < 0) return DL_ENOMEM;
    int rc = sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    free(path);
    if (rc != SQLITE_OK ||
        sqlite3_exec(t->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close_v2(t->db);
        return DL_ESTORE;
    }
    sqlite3_busy_timeout(t->db, 1000);
    if (ht_start(&t->h, ck_main, t)) {
        sqlite3_close_v2(t->db);
        return DL_ENOMEM;
    }
    return DL_OK;
}

static void ck_stop(ckthread *t)
{
    ht_stop(&t->h);
    sqlite3_close_v2(t->db);
}

struct dl_ingest {
    dl_archive *ar;
    const dl_analyzer *az;
    int in_txn;
    int failed;          /* sticky: a failed ingest takes no more records */
    size_t batch_n, batch_bytes;
    dl_ingest_counts counts;   /* committed */
    dl_ingest_counts pending;  /* in the open batch */
    sqlite3_stmt *st_exists, *st_article, *st_annot, *st_quote;
    dl_entdays *ed;      /* the batch's entity counts (entdays.c) */
    dl_buf json;
    dl_apool *pool;
    dl_achunk *cur;      /* being filled */
    dl_achunk *inflight; /* submitted to the pool, not yet written */
    dl_achunk *held;     /* stored, with the dedup thread, not yet finished */
    dl_achunk *freec[2]; /* empty chunks, for inflight when it becomes held */
    int nfree;
    int64_t doc[2][CHUNK_ARTICLES], dup[2][CHUNK_ARTICLES];  /* held's: [hs] */
    int hs;
    dl_dedup *dedup;     /* near-duplicate checker (src/dedup) */
    dl_storyer *storyer; /* online story assignment (src/story) */
    int no_stories;      /* $DATELINE_BENCH_NO_STORIES: skip dedup and stories */
    dl_stemcache *stems; /* shared by the workers and the index thread; owned */
    dl_ibatch *ib;       /* the search index's part of the batch (src/index) */
    ixthread ixt;        /* fills ib (above) */
    int ixt_on;          /* ixt is running */
    ckthread ckt;        /* checkpoints the WAL (above) */
    int ckt_on;
    ddthread ddt;        /* runs dedup (above) */
    int ddt_on;
};

static void finalize_all(dl_ingest *ing)
{
    sqlite3_finalize(ing->st_exists);
    sqlite3_finalize(ing->st_article);
    sqlite3_finalize(ing->st_annot);
    sqlite3_finalize(ing->st_quote);
    dl_entdays_free(ing->ed);
    dl_buf_free(&ing->json);
    if (ing->inflight) dl_apool_wait(ing->pool, ing->inflight);
    if (ing->ddt_on) ht_stop(&ing->ddt.h);  /* done with held before it goes */
    ing->ddt_on = 0;
    if (ing->ixt_on) ht_stop(&ing->ixt.h);
    ing->ixt_on = 0;
    if (ing->ckt_on) {
        ck_stop(&ing->ckt);
        /* the writer checkpoints again (the default) */
        sqlite3_exec(ing->ar->db, "PRAGMA wal_autocheckpoint=1000", NULL, NULL, NULL);
    }
    ing->ckt_on = 0;
    dl_apool_free(ing->pool);
    dl_achunk_free(ing->cur);
    dl_achunk_free(ing->inflight);
    dl_achunk_free(ing->held);
    for (int i = 0; i < ing->nfree; i++) dl_achunk_free(ing->freec[i]);
    ing->nfree = 0;
    dl_dedup_free(ing->dedup);
    dl_storyer_free(ing->storyer);
    /* every thread that stemmed through the cache has stopped */
    if (ing->ib) dl_ibatch_share_stems(ing->ib, NULL);
    dl_stemcache_free(ing->stems);
    ing->stems = NULL;
    dl_ibatch_free(ing->ib);
}

int dl_ingest_begin(dl_archive *ar, const dl_analyzer *az, dl_ingest **out)
{
    *out = NULL;
    if (!ar->writable) return dl_archive_fail(ar, DL_EINVAL, "archive opened read-only");
    dl_ingest *ing = dl_calloc(1, sizeof *ing);
    if (!ing) return DL_ENOMEM;
    ing->ar = ar;
    ing->az = az;
    const char *nb = getenv("DATELINE_BENCH_NO_STORIES");
    ing->no_stories = nb && *nb == '1';
    ing->st_exists = dl_archive_prepare(ar, "SELECT 1 FROM articles WHERE id = ?");
    /* OR IGNORE: an id that came twice within the chunks in flight */
    ing->st_article = dl_archive_prepare(
        ar, "INSERT OR IGNORE INTO articles(id, day, date, source, url, title, text)"
            " VALUES(?,?,?,?,?,?,?) RETURNING docno");
    ing->st_annot = dl_archive_prepare(ar, "INSERT INTO annotations(docno, json) VALUES(?,?)");
    ing->st_quote = dl_archive_prepare(
        ar, "INSERT INTO quotes(docno, day, start, end, speaker, speaker_key)"
            " VALUES(?,?,?,?,?,?)");
    dl_index *ix = NULL;
    if (!ing->st_exists || !ing->st_article || !ing->st_annot || !ing->st_quote ||
        dl_entdays_new(ar, &ing->ed) || dl_dedup_new(ar, &ing->dedup) ||
        dl_storyer_new(ar, &ing->storyer) || dl_index_get(ar, &ix) ||
        dl_ibatch_new(ix, &ing->ib)) {
        finalize_all(ing);
        free(ing);
        return DL_ESTORE;
    }
    if (dl_apool_new(az, 0, &ing->pool) || !(ing->cur = dl_achunk_new(CHUNK_ARTICLES)) ||
        !(ing->inflight = dl_achunk_new(CHUNK_ARTICLES)) ||
        !(ing->freec[ing->nfree++] = dl_achunk_new(CHUNK_ARTICLES))) {
        finalize_all(ing);
        free(ing);
        return DL_ENOMEM;
    }
    ing->inflight->n = 0;
    if (ix_start(&ing->ixt, ing->ib)) {
        finalize_all(ing);
        free(ing);
        return DL_ENOMEM;
    }
    ing->ixt_on = 1;
    if (dd_start(&ing->ddt, ing->dedup)) {
        finalize_all(ing);
        free(ing);
        return DL_ENOMEM;
    }
    ing->ddt_on = 1;
    if (ck_start(&ing->ckt, ar) == DL_OK) {
        ing->ckt_on = 1;
        sqlite3_exec(ar->db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
    }
    dl_apool_set_json(ing->pool, 1);
    /* dedup shingles and story terms are computed on the analysis workers */
    if (!ing->no_stories) {
        /* the workers stem story terms, the index thread index terms: the
         * same words, stemmed once through a shared cache (none: each
         * stems alone) */
        ing->stems = dl_stemcache_new();
        if (ing->stems) dl_ibatch_share_stems(ing->ib, ing->stems);
        dl_aprep hook = {dl_artprep_tnew, dl_artprep_tfree, dl_artprep_run, ing->stems};
        dl_apool_set_prep(ing->pool, &hook);
    }
    *out = ing;
    return DL_OK;
}

static int store_fail(dl_ingest *ing)
{
    ing->failed = 1;
    return dl_archive_fail(ing->ar, DL_ESTORE, "archive write failed: %s",
                           sqlite3_errmsg(ing->ar->db));
}

static int step_done(dl_ingest *ing, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? DL_OK : store_fail(ing);
}

/* Stores one analyzed article and its annotation; *docno is 0 when its id
 * was already there. */
static int store_article(dl_ingest *ing, const dl_ajob *j, int64_t *docno)
{
    const dl_record *rec = &j->rec;
    *docno = 0;
    /* RETURNING: no row when the id was there (OR IGNORE) */
    sqlite3_stmt *st = ing->st_article;
    sqlite3_bind_text(st, 1, rec->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rec->day);
    sqlite3_bind_text(st, 3, rec->date, 10, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rec->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rec->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, rec->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, rec->text, (int)rec->text_len, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *docno = sqlite3_column_int64(st, 0);
        s = sqlite3_step(st);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (s != SQLITE_DONE) {
        *docno = 0;
        return store_fail(ing);
    }
    if (!*docno) return DL_OK;

    /* the stored annotation, made on the worker (else here) */
    const char *json = j->json;
    size_t json_n = j->json_n;
    if (!json) {
        dl_buf_reset(&ing->json);
        dl_annotation_json_buf(j->ann, &ing->json, 0);
        if (ing->json.err) return DL_ENOMEM;
        json = ing->json.p;
        json_n = ing->json.n;
    }
    if (json_n > INT_MAX) return DL_ETOOBIG;
    st = ing->st_annot;
    sqlite3_bind_int64(st, 1, *docno);
    sqlite3_bind_text(st, 2, json, (int)json_n, SQLITE_STATIC);
    return step_done(ing, st);
}

/* The rest of a stored article, once near-duplicates decided (dup_of: the
 * docno it copies, or 0): its story, and unless it is a copy its quotes,
 * entity counts and index entry. */
static int finish_article(dl_ingest *ing, const dl_ajob *j, int64_t docno, int64_t dup_of)
{
    const dl_record *rec = &j->rec;
    const dl_annotation *a = j->ann;
    const dl_artprep *prep = j->prep;
    if (dup_of) ing->pending.near_duplicates++;
    if (!ing->no_stories) {
        /* stories: the article joins a story (a copy joins its original's) */
        int rc = dl_story_assign(ing->storyer, docno, a, dup_of,
                                 prep && prep->terms_ok ? &prep->terms : NULL);
        if (rc) return rc;
    }
    /* a near-duplicate copy is kept (article and annotation) and linked,
     * but not indexed as new content a second time: its quotes and entity
     * mentions are its original's, and a search finds the original */
    if (dup_of) return DL_OK;
    for (size_t i = 0; i < a->n_quotes; i++) {
        const dl_quote *q = &a->quotes[i];
        const char *sp = q->speaker >= 0 ? a->entities[q->speaker].name : NULL;
        char *key = sp ? dl_utf8_fold(sp) : NULL;
        sqlite3_stmt *st = ing->st_quote;
        sqlite3_bind_int64(st, 1, docno);
        sqlite3_bind_int64(st, 2, rec->day);
        sqlite3_bind_int64(st, 3, q->span.start);
        sqlite3_bind_int64(st, 4, q->span.end);
        sqlite3_bind_text(st, 5, sp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, key, -1, SQLITE_TRANSIENT);
        free(key);
        if (step_done(ing, st)) return DL_ESTORE;
    }
    /* entity counts per day: written at the commit (entdays.c) */
    int rc = dl_entdays_add(ing->ed, rec->day, a);
    if (rc) return rc;
    /* search index: on the index thread, searchable when the batch commits */
    ix_add(&ing->ixt, j, docno);
    return DL_OK;
}

/* The SQL COMMIT of the batch: what it holds is acknowledged. */
static int commit_batch(dl_ingest *ing)
{
    if (!ing->in_txn) return DL_OK;
    /* the batch's index segment: written by the index thread while this
     * one writes the other stages' rows, registered inside the txn */
    if (ix_wait(&ing->ixt) || dl_ibatch_reserve(ing->ib)) {
        ing->failed = 1;
        return DL_ESTORE;
    }
    ix_write(&ing->ixt);
    int rc = dl_entdays_flush(ing->ed);
    if (!rc) rc = dl_dedup_flush(ing->dedup);
    if (!rc) rc = dl_storyer_flush(ing->storyer);
    int xrc = ix_wait(&ing->ixt);  /* always: the thread is idle after */
    if (rc || xrc || dl_ibatch_register(ing->ib) || dl_archive_exec(ing->ar, "COMMIT")) {
        dl_ibatch_done(ing->ib, 0);
        ing->failed = 1;
        return DL_ESTORE;
    }
    ing->in_txn = 0;
    if (ing->ckt_on) ck_signal(&ing->ckt);
    dl_ibatch_done(ing->ib, 1);
    /* keep the segment count low (tiered merges); a failed merge loses
     * nothing, the segments stay as they are */
    dl_index *ix = NULL;
    if (dl_index_get(ing->ar, &ix) == DL_OK) dl_index_merge(ix, 0);
    ing->counts.added += ing->pending.added;
    ing->counts.near_duplicates += ing->pending.near_duplicates;
    memset(&ing->pending, 0, sizeof ing->pending);
    ing->batch_n = ing->batch_bytes = 0;
    return DL_OK;
}

/* Finishes every stored article of chunk c (doc[], dup[]) unless rc (a
 * failure before) is set, then waits for the index thread, which reads the
 * chunk's tokens; returns the first failure. */
static int finish_chunk(dl_ingest *ing, const dl_achunk *c, const int64_t *doc,
                        const int64_t *dup, int rc)
{
    for (size_t i = 0; i < c->n && !rc; i++)
        if (doc[i]) rc = finish_article(ing, &c->jobs[i], doc[i], dup[i]);
    int xrc = ix_wait(&ing->ixt);
    return rc ? rc : xrc;
}

/* Finishes the held chunk (the dedup thread is done with it; rc as for
 * finish_chunk) and gives it back to the free chunks. */
static int release_held(dl_ingest *ing, int rc)
{
    rc = finish_chunk(ing, ing->held, ing->doc[ing->hs], ing->dup[ing->hs], rc);
    dl_achunk_clear(ing->held);
    ing->freec[ing->nfree++] = ing->held;
    ing->held = NULL;
    return rc;
}

/* Finishes the held chunk, if any, once the dedup thread is done with it. */
static int finish_held(dl_ingest *ing)
{
    return ing->held ? release_held(ing, dd_wait(&ing->ddt)) : DL_OK;
}

/* Writes an analyzed chunk: stores its articles (in order), hands it to
 * the dedup thread, and finishes the chunk held before it meanwhile; c
 * becomes the held chunk (ing->held, taken from the caller).  A full batch
 * is finished whole and committed at the chunk's end. */
static int write_chunk(dl_ingest *ing, dl_achunk *c)
{
    int slot = ing->held ? !ing->hs : ing->hs;
    int64_t *doc = ing->doc[slot], *dup = ing->dup[slot];
    int rc = DL_OK;
    for (size_t i = 0; i < c->n; i++) doc[i] = dup[i] = 0;
    for (size_t i = 0; i < c->n && !rc; i++) {
        dl_ajob *j = &c->jobs[i];
        if (j->rc) {
            rc = dl_archive_fail(ing->ar, j->rc, "analysis of %s failed: %s", j->rec.id,
                                 dl_strerror(j->rc));
            break;
        }
        if (!ing->in_txn) {
            if (dl_archive_exec(ing->ar, "BEGIN IMMEDIATE")) {
                rc = DL_ESTORE;
                break;
            }
            ing->in_txn = 1;
        }
        if ((rc = store_article(ing, j, &doc[i]))) break;
        if (!doc[i]) {
            ing->counts.present++; /* came twice within the chunks in flight */
            continue;
        }
        ing->pending.added++;
        ing->batch_n++;
        ing->batch_bytes += j->rec.text_len;
    }
    if (ing->no_stories) {
        /* bench/stories/run.sh only (DATELINE_BENCH_NO_STORIES=1): no
         * near-duplicates, no stories */
        rc = finish_chunk(ing, c, doc, dup, rc);
        dl_achunk_clear(c);
    } else {
        /* the held chunk's dedup is done before c's starts (in order) */
        int hrc = ing->held ? dd_wait(&ing->ddt) : DL_OK;
        if (!rc) rc = hrc;
        if (!rc) dd_submit(&ing->ddt, c, doc, dup);
        if (ing->held) rc = release_held(ing, rc);
        if (rc) {
            dd_wait(&ing->ddt);  /* idle before c goes */
            dl_achunk_clear(c);
        } else {
            ing->held = c;
            ing->hs = slot;
        }
    }
    if (!rc && (ing->batch_n >= BATCH_ARTICLES || ing->batch_bytes >= BATCH_BYTES)) {
        rc = finish_held(ing);
        if (!rc) rc = commit_batch(ing);
    }
    if (rc) ing->failed = 1;
    return rc;
}

/* Waits for the chunk in flight and writes it; inflight is then an empty
 * chunk (the written one is held, or was emptied). */
static int drain_inflight(dl_ingest *ing)
{
    dl_apool_wait(ing->pool, ing->inflight);
    dl_achunk *c = ing->inflight;
    int rc = write_chunk(ing, c);
    /* c held, or finished and freed: inflight takes a free chunk (the
     * last freed, which may be c itself) */
    int moved = ing->held == c;
    for (int i = 0; i < ing->nfree; i++) moved |= ing->freec[i] == c;
    if (moved) ing->inflight = ing->freec[--ing->nfree];
    return rc;
}

/* Hands the filled chunk to the pool and writes the previous one meanwhile. */
static int rotate(dl_ingest *ing)
{
    dl_apool_submit(ing->pool, ing->cur);
    int rc = drain_inflight(ing);
    dl_achunk *t = ing->inflight;
    ing->inflight = ing->cur;
    ing->cur = t;
    return rc;
}

int dl_ingest_add(dl_ingest *ing, const dl_record *rec, int *status)
{
    *status = 0;
    if (ing->failed) return DL_ESTORE;
    sqlite3_stmt *st = ing->st_exists;
    sqlite3_bind_text(st, 1, rec->id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        ing->counts.present++;
        *status = DL_PRESENT;
        return DL_OK;
    }
    if (rc != SQLITE_DONE) return store_fail(ing);
    rc = dl_achunk_add(ing->cur, rec);
    if (rc) return rc;
    *status = DL_ADDED;
    if (ing->cur->n == ing->cur->cap || ing->cur->bytes >= CHUNK_BYTES) return rotate(ing);
    return DL_OK;
}

int dl_ingest_commit(dl_ingest *ing)
{
    if (ing->failed) return DL_ESTORE;
    int rc = rotate(ing);            /* submits cur, writes the older chunk */
    if (!rc) rc = drain_inflight(ing); /* writes what was cur */
    if (!rc) rc = finish_held(ing);
    if (!rc) rc = commit_batch(ing);
    return rc;
}

int dl_ingest_finish(dl_ingest *ing, dl_ingest_counts *counts)
{
    int rc = dl_ingest_commit(ing);
    if (rc && ing->in_txn) {
        sqlite3_exec(ing->ar->db, "ROLLBACK", NULL, NULL, NULL);
        dl_ibatch_done(ing->ib, 0);
    }
    if (counts) *counts = ing->counts;
    finalize_all(ing);
    free(ing);
    return rc;
}

void dl_ingest_abort(dl_ingest *ing)
{
    if (!ing) return;
    if (ing->in_txn) {
        sqlite3_exec(ing->ar->db, "ROLLBACK", NULL, NULL, NULL);
        if (ing->ib) dl_ibatch_done(ing->ib, 0);
    }
    finalize_all(ing);
    free(ing);
}
