/*
 * writer.c -- the index handle (segment list), batch segments written at
 * each ingest commit, and segment merging (index.h).
 *
 * Crash safety: a segment file is written completely and fsynced (and the
 * directory fsynced) before its row enters index_segments, inside the same
 * transaction as the batch's articles.  Segment ids come from the counter
 * meta('index_next_seg'), advanced under SQLite's write lock, so two writers
 * never pick one name.  Files that no row names are garbage from a crash;
 * a writer deletes them at open, but only when it holds index.lock
 * exclusively (no other writer alive, since every writer holds it shared).
 */
#include "segment.h"
#include "../text/token.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

static const char INDEX_SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS index_segments("
    "  seg INTEGER PRIMARY KEY,"     /* file seg-%08d.dlx in the archive dir */
    "  ndocs INTEGER NOT NULL, bytes INTEGER NOT NULL,"
    "  first_day INTEGER, last_day INTEGER);";

static char *seg_path(const dl_index *ix, int64_t id)
{
    char *p = NULL;
    if (asprintf(&p, "%s/seg-%08lld.dlx", ix->ar->dir, (long long)id) < 0) return NULL;
    return p;
}

static int64_t db_version(dl_index *ix)
{
    int64_t v = -1;
    if (ix->st_version && sqlite3_step(ix->st_version) == SQLITE_ROW)
        v = sqlite3_column_int64(ix->st_version, 0);
    sqlite3_reset(ix->st_version);
    return v;
}

static void drop_segs(dl_index *ix)
{
    for (size_t i = 0; i < ix->nsegs; i++) seg_close(ix->segs[i]);
    free(ix->segs);
    ix->segs = NULL;
    ix->nsegs = 0;
    ix->ndocs = ix->total_len = 0;
}

/* (Re)loads the segment list; keeps segments already mapped. */
static int load_segments(dl_index *ix)
{
    for (int attempt = 0;; attempt++) {
        sqlite3_stmt *st = NULL;
        int src = sqlite3_prepare_v2(ix->ar->db, "SELECT seg FROM index_segments ORDER BY seg",
                                     -1, &st, NULL);
        if (src != SQLITE_OK) {
            sqlite3_finalize(st);
            /* an archive that never indexed anything (read-only open) */
            if (strstr(sqlite3_errmsg(ix->ar->db), "no such table")) {
                drop_segs(ix);
                return DL_OK;
            }
            return dl_archive_fail(ix->ar, DL_ESTORE, "index: %s", sqlite3_errmsg(ix->ar->db));
        }
        DL_VEC(dl_seg *) nv = {0};
        int rc = DL_OK;
        while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(st, 0);
            dl_seg *s = NULL;
            for (size_t i = 0; i < ix->nsegs; i++)
                if (ix->segs[i] && ix->segs[i]->id == id) {
                    s = ix->segs[i];
                    ix->segs[i] = NULL;
                    break;
                }
            if (!s) {
                char *path = seg_path(ix, id);
                const char *why = "";
                rc = path ? seg_open(path, id, &s, &why) : DL_ENOMEM;
                if (rc && rc != DL_ENOTFOUND)
                    dl_archive_fail(ix->ar, rc == DL_ECORRUPT ? DL_ECORRUPT : DL_ESTORE,
                                    "index segment %s: %s", path ? path : "?", why);
                free(path);
            }
            if (!rc && dl_vec_push(&nv, s)) {
                seg_close(s);
                rc = DL_ENOMEM;
            }
        }
        if (!rc && src != SQLITE_DONE) rc = dl_archive_fail(ix->ar, DL_ESTORE, "index: %s",
                                                            sqlite3_errmsg(ix->ar->db));
        sqlite3_finalize(st);
        if (rc) {
            /* put back what we took so a later refresh can reuse it */
            for (size_t i = 0; i < nv.n; i++) seg_close(nv.v[i]);
            dl_vec_free(&nv);
            if (rc == DL_ENOTFOUND && attempt < 5) continue; /* merged away meanwhile */
            if (rc == DL_ENOTFOUND) rc = dl_archive_fail(ix->ar, DL_ECORRUPT,
                                                         "index segment file missing");
            return rc == DL_ECORRUPT ? DL_ECORRUPT : rc == DL_ENOMEM ? rc : DL_ESTORE;
        }
        drop_segs(ix);
        ix->segs = nv.v;
        ix->nsegs = nv.n;
        for (size_t i = 0; i < ix->nsegs; i++) {
            ix->ndocs += ix->segs[i]->ndocs;
            ix->total_len += ix->segs[i]->total_len;
        }
        return DL_OK;
    }
}

/* Deletes seg-*.dlx files that no row names (crash leftovers). */
static void remove_orphans(dl_index *ix)
{
    DIR *d = opendir(ix->ar->dir);
    if (!d) return;
    sqlite3_stmt *st = dl_archive_prepare(ix->ar, "SELECT 1 FROM index_segments WHERE seg = ?");
    struct dirent *e;
    while (st && (e = readdir(d))) {
        long long id;
        char tail[8];
        if (sscanf(e->d_name, "seg-%lld.%7s", &id, tail) != 2 || strcmp(tail, "dlx")) continue;
        sqlite3_bind_int64(st, 1, id);
        int found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!found) {
            char *p = NULL;
            if (asprintf(&p, "%s/%s", ix->ar->dir, e->d_name) >= 0) unlink(p);
            free(p);
        }
    }
    sqlite3_finalize(st);
    closedir(d);
}

int dl_index_get(dl_archive *ar, dl_index **out)
{
    if (ar->index) {
        *out = ar->index;
        return DL_OK;
    }
    *out = NULL;
    dl_index *ix = dl_calloc(1, sizeof *ix);
    if (!ix) return DL_ENOMEM;
    ix->ar = ar;
    ix->lockfd = -1;
    int rc = dl_termer_new(&ix->termer);
    if (rc) goto fail;
    if (ar->writable) {
        rc = dl_archive_exec(ar, INDEX_SCHEMA);
        if (rc) goto fail;
        char *lp = NULL;
        if (asprintf(&lp, "%s/index.lock", ar->dir) < 0) {
            rc = DL_ENOMEM;
            goto fail;
        }
        ix->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        free(lp);
        if (ix->lockfd >= 0) {
            if (flock(ix->lockfd, LOCK_EX | LOCK_NB) == 0) remove_orphans(ix);
            flock(ix->lockfd, LOCK_SH);
        }
    }
    ix->st_version = dl_archive_prepare(ar, "PRAGMA data_version");
    ix->data_version = db_version(ix);
    rc = load_segments(ix);
    if (rc) goto fail;
    ar->index = ix;
    *out = ix;
    return DL_OK;
fail:
    dl_index_close(ix);
    return rc;
}

void dl_index_close(dl_index *ix)
{
    if (!ix) return;
    drop_segs(ix);
    sqlite3_finalize(ix->st_version);
    sqlite3_finalize(ix->st_doc);
    dl_termer_free(ix->termer);
    if (ix->lockfd >= 0) close(ix->lockfd);
    free(ix);
}

int dl_index_refresh(dl_index *ix)
{
    int64_t v = db_version(ix);
    if (v == ix->data_version) return DL_OK;
    ix->data_version = v;
    return load_segments(ix);
}

void dl_index_counts(const dl_index *ix, size_t *segments, uint64_t *docs)
{
    if (segments) *segments = ix->nsegs;
    if (docs) *docs = ix->ndocs;
}


/* Takes the next segment id from the counter; call inside a write txn. */
static int next_seg_id(dl_index *ix, int64_t *id)
{
    sqlite3_stmt *st = dl_archive_prepare(
        ix->ar, "SELECT max(coalesce((SELECT value FROM meta WHERE key='index_next_seg'), 1),"
                " coalesce((SELECT max(seg) + 1 FROM index_segments), 1))");
    if (!st) return DL_ESTORE;
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (*id <= 0) return DL_ESTORE;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta VALUES('index_next_seg', %lld)",
             (long long)*id + 1);
    return dl_archive_exec(ix->ar, sql);
}

static int register_seg(dl_index *ix, int64_t id, uint32_t ndocs, uint64_t bytes, int32_t first,
                        int32_t last)
{
    sqlite3_stmt *st = dl_archive_prepare(
        ix->ar, "INSERT INTO index_segments(seg, ndocs, bytes, first_day, last_day)"
                " VALUES(?,?,?,?,?)");
    if (!st) return DL_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, ndocs);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)bytes);
    sqlite3_bind_int64(st, 4, first);
    sqlite3_bind_int64(st, 5, last);
    int rc = sqlite3_step(st) == SQLITE_DONE ? DL_OK
                                             : dl_archive_fail(ix->ar, DL_ESTORE, "index: %s",
                                                               sqlite3_errmsg(ix->ar->db));
    sqlite3_finalize(st);
    return rc;
}

/* Opens a segment writer on the file of segment id (reserved by
 * next_seg_id); no SQL. */
static int open_seg(dl_index *ix, int64_t id, uint32_t ndocs, const int32_t *days,
                    const uint32_t *lens, const int64_t *docnos, seg_writer **w)
{
    char *path = seg_path(ix, id);
    if (!path) return DL_ENOMEM;
    int rc = seg_writer_open(path, ndocs, days, lens, docnos, w);
    if (rc == DL_EIO && errno == EEXIST) { /* leftover of a crashed batch */
        unlink(path);
        rc = seg_writer_open(path, ndocs, days, lens, docnos, w);
    }
    if (rc) dl_archive_fail(ix->ar, DL_ESTORE, "index: cannot write %s: %s", path,
                            strerror(errno));
    free(path);
    return rc ? DL_ESTORE : DL_OK;
}

/* Opens a new segment writer on a fresh file name (inside a write txn). */
static int open_new_seg(dl_index *ix, uint32_t ndocs, const int32_t *days, const uint32_t *lens,
                        const int64_t *docnos, int64_t *id, seg_writer **w)
{
    int rc = next_seg_id(ix, id);
    return rc ? rc : open_seg(ix, *id, ndocs, days, lens, docnos, w);
}

/* ---------------------------------------------------------------- batch */

typedef struct bdoc {
    int64_t docno;
    int32_t day;
    uint32_t len;       /* tokens */
    size_t pair_off;    /* into pairs: (local term << 32 | position), in position order */
} bdoc;

struct dl_ibatch {
    dl_index *ix;
    dl_tokvec toks;
    DL_VEC(bdoc) docs;
    DL_VEC(uint64_t) pairs;
    DL_VEC(uint32_t) local_of;  /* termer id -> local id + 1 for this batch (0: none) */
    DL_VEC(uint32_t) global_of; /* local id -> termer id */
    DL_VEC(uint32_t) gids;      /* scratch: the term ids of a field's tokens */
    int64_t seg_id;             /* written (and registered) by flush, 0 if none */
    int64_t reserved;           /* id from dl_ibatch_reserve, 0 if none */
    uint64_t seg_bytes;         /* the written segment's */
    int32_t seg_first, seg_last;
};

int dl_ibatch_new(dl_index *ix, dl_ibatch **out)
{
    dl_ibatch *b = dl_calloc(1, sizeof *b);
    *out = b;
    if (!b) return DL_ENOMEM;
    b->ix = ix;
    return DL_OK;
}

void dl_ibatch_share_stems(dl_ibatch *b, struct dl_stemcache *c)
{
    dl_termer_share(b->ix->termer, c);
}

void dl_ibatch_free(dl_ibatch *b)
{
    if (!b) return;
    dl_vec_free(&b->toks);
    dl_vec_free(&b->docs);
    dl_vec_free(&b->pairs);
    dl_vec_free(&b->local_of);
    dl_vec_free(&b->global_of);
    dl_vec_free(&b->gids);
    free(b);
}

size_t dl_ibatch_docs(const dl_ibatch *b) { return b->docs.n; }

/* Position gap between the title and the text, so phrases never span them. */
#define FIELD_GAP 8

/* Adds the terms of s[0, n); given: its tokens (dl_tokenize(s, n)) when
 * the caller has them, else NULL; ix: with given, their terms when the
 * caller has them (dl_ibatch_add_toks), else NULL. */
static int add_field(dl_ibatch *b, const char *s, size_t n, const dl_tokvec *given,
                     const uint32_t *ix, uint32_t *pos)
{
    const dl_tokvec *tv = given;
    if (!tv) {
        ix = NULL;
        b->toks.n = 0;
        if (dl_tokenize(s, n, &b->toks)) return DL_ENOMEM;
        tv = &b->toks;
    }
    dl_termer *t = b->ix->termer;
    if (dl_vec_reserve(&b->pairs, b->pairs.n + tv->n)) return DL_ENOMEM;
    const uint32_t *gids = NULL;
    if (ix) {
        if (dl_vec_reserve(&b->gids, tv->n)) return DL_ENOMEM;
        dl_termer_term_ids(t, ix, tv->n, b->gids.v);
        gids = b->gids.v;
    }
    for (size_t i = 0; i < tv->n; i++) {
        const dl_token *tk = &tv->v[i];
        const char *term;
        uint32_t gid = gids ? gids[i] : DL_TERM_SELF;
        if (gid == DL_TERM_SELF) {
            if (!dl_termer_term(t, s + tk->start, tk->end - tk->start, tk->kind, &term, &gid))
                continue;
        } else if (gid == DL_TERM_NONE) {
            continue;
        }
        if (gid >= b->local_of.n) {
            size_t need = (size_t)dl_termer_count(t) + 1024;
            if (dl_vec_reserve(&b->local_of, need)) return DL_ENOMEM;
            memset(b->local_of.v + b->local_of.n, 0, (need - b->local_of.n) * sizeof(uint32_t));
            b->local_of.n = need;
        }
        uint32_t lid = b->local_of.v[gid];
        if (!lid) {
            if (dl_vec_push(&b->global_of, gid)) return DL_ENOMEM;
            lid = b->local_of.v[gid] = (uint32_t)b->global_of.n;
        }
        b->pairs.v[b->pairs.n++] = (uint64_t)(lid - 1) << 32 | *pos;
        (*pos)++;
    }
    return DL_OK;
}

int dl_ibatch_add(dl_ibatch *b, int64_t docno, int32_t day, const char *title, size_t title_len,
                  const char *text, size_t text_len)
{
    return dl_ibatch_add_toks(b, docno, day, title, title_len, text, text_len, NULL, NULL);
}

int dl_ibatch_add_toks(dl_ibatch *b, int64_t docno, int32_t day, const char *title,
                       size_t title_len, const char *text, size_t text_len,
                       const dl_tokvec *text_toks, const uint32_t *text_ix)
{
    if (b->docs.n >= UINT32_MAX / 2) return DL_ETOOBIG;
    bdoc d = {docno, day, 0, b->pairs.n};
    uint32_t pos = 0;
    int rc = DL_OK;
    if (title && title_len) {
        rc = add_field(b, title, title_len, NULL, NULL, &pos);
        if (!rc && pos) pos += FIELD_GAP;
    }
    uint32_t before_text = pos;
    if (!rc) rc = add_field(b, text, text_len, text_toks && text_toks->n ? text_toks : NULL,
                            text_ix, &pos);
    if (rc) {
        b->pairs.n = d.pair_off;
        return rc;
    }
    d.len = (uint32_t)(b->pairs.n - d.pair_off);
    (void)before_text;
    if (dl_vec_push(&b->docs, d)) {
        b->pairs.n = d.pair_off;
        return DL_ENOMEM;
    }
    return DL_OK;
}

static int cmp_bdoc(const void *a, const void *b)
{
    const bdoc *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->docno < y->docno ? -1 : x->docno > y->docno;
}

static dl_termer *g_sort_termer; /* for qsort of term ids (single-threaded flush) */
static const uint32_t *g_sort_map;
static int cmp_term(const void *a, const void *b)
{
    size_t la, lb;
    const char *sa = dl_termer_str(g_sort_termer, g_sort_map[*(const uint32_t *)a], &la);
    const char *sb = dl_termer_str(g_sort_termer, g_sort_map[*(const uint32_t *)b], &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

int dl_ibatch_reserve(dl_ibatch *b)
{
    b->reserved = 0;
    if (!b->docs.n) return DL_OK;
    return next_seg_id(b->ix, &b->reserved);
}

int dl_ibatch_register(dl_ibatch *b)
{
    if (!b->seg_id) return DL_OK;
    int rc = register_seg(b->ix, b->seg_id, (uint32_t)b->docs.n, b->seg_bytes, b->seg_first,
                          b->seg_last);
    if (rc) {
        char *path = seg_path(b->ix, b->seg_id);
        if (path) unlink(path);
        free(path);
        b->seg_id = 0;
    }
    return rc;
}

int dl_ibatch_flush(dl_ibatch *b)
{
    int rc = dl_ibatch_reserve(b);
    if (!rc) rc = dl_ibatch_write(b);
    if (!rc) rc = dl_ibatch_register(b);
    return rc;
}

int dl_ibatch_write(dl_ibatch *b)
{
    b->seg_id = 0;
    size_t nd = b->docs.n;
    if (!nd) return DL_OK;
    if (!b->reserved) return DL_EINVAL;
    dl_index *ix = b->ix;
    size_t nt = b->global_of.n;
    /* doc order: by day, then docno; pair ranges use the next doc's offset */
    for (size_t i = 0; i < nd; i++) b->docs.v[i].pair_off |= 0; /* keep */
    bdoc *docs = b->docs.v;
    dl_qsort(docs, nd, sizeof *docs, cmp_bdoc);
    int32_t *days = dl_malloc(nd * sizeof *days);
    uint32_t *lens = dl_malloc(nd * sizeof *lens);
    int64_t *docnos = dl_malloc(nd * sizeof *docnos);
    uint32_t *df = dl_calloc(nt + 1, sizeof *df);
    uint64_t *poff = dl_calloc(nt + 1, sizeof *poff);  /* positions start per term */
    uint64_t *doff = dl_calloc(nt + 1, sizeof *doff);  /* postings start per term */
    uint32_t *last = dl_malloc((nt + 1) * sizeof *last);
    uint32_t *order = dl_malloc((nt + 1) * sizeof *order);
    uint32_t *pdocs = NULL, *ptfs = NULL, *ppos = NULL;
    uint64_t *dfill = NULL, *pfill = NULL;
    seg_writer *w = NULL;
    int rc = DL_ENOMEM;
    if (!days || !lens || !docnos || !df || !poff || !doff || !last || !order) goto out;
    /* pass 1: df and position counts per term */
    memset(last, 0xff, (nt + 1) * sizeof *last);
    for (size_t d = 0; d < nd; d++) {
        days[d] = docs[d].day;
        lens[d] = docs[d].len;
        docnos[d] = docs[d].docno;
        const uint64_t *p = b->pairs.v + docs[d].pair_off;
        for (uint32_t k = 0; k < docs[d].len; k++) {
            uint32_t t = (uint32_t)(p[k] >> 32);
            poff[t + 1]++;
            if (last[t] != d) {
                last[t] = (uint32_t)d;
                df[t]++;
            }
        }
    }
    for (size_t t = 0; t < nt; t++) {
        doff[t + 1] = doff[t] + df[t];
        poff[t + 1] += poff[t];
    }
    pdocs = dl_malloc((doff[nt] + 1) * sizeof *pdocs);
    ptfs = dl_calloc(doff[nt] + 1, sizeof *ptfs);
    ppos = dl_malloc((poff[nt] + 1) * sizeof *ppos);
    dfill = dl_calloc(nt + 1, sizeof *dfill);
    pfill = dl_calloc(nt + 1, sizeof *pfill);
    if (!pdocs || !ptfs || !ppos || !dfill || !pfill) goto out;
    /* pass 2: fill postings in doc order, positions ascending within a doc */
    memset(last, 0xff, (nt + 1) * sizeof *last);
    for (size_t d = 0; d < nd; d++) {
        const uint64_t *p = b->pairs.v + docs[d].pair_off;
        for (uint32_t k = 0; k < docs[d].len; k++) {
            uint32_t t = (uint32_t)(p[k] >> 32);
            if (last[t] != d) {
                last[t] = (uint32_t)d;
                pdocs[doff[t] + dfill[t]++] = (uint32_t)d;
            }
            ptfs[doff[t] + dfill[t] - 1]++;
            ppos[poff[t] + pfill[t]++] = (uint32_t)p[k];
        }
    }
    for (uint32_t t = 0; t < nt; t++) order[t] = t;
    g_sort_termer = ix->termer;
    g_sort_map = b->global_of.v;
    dl_qsort(order, nt, sizeof *order, cmp_term);
    int64_t id = b->reserved;
    rc = open_seg(ix, id, (uint32_t)nd, days, lens, docnos, &w);
    if (rc) goto out;
    for (size_t i = 0; i < nt && !rc; i++) {
        uint32_t t = order[i];
        size_t len;
        const char *s = dl_termer_str(ix->termer, b->global_of.v[t], &len);
        rc = seg_writer_term(w, s, len, pdocs + doff[t], ptfs + doff[t], df[t], ppos + poff[t]);
    }
    uint64_t bytes = 0;
    if (rc) {
        seg_writer_abort(w);
        dl_archive_fail(ix->ar, DL_ESTORE, "index: writing a segment failed: %s",
                        dl_strerror(rc));
        rc = DL_ESTORE;
        goto out;
    }
    rc = seg_writer_finish(w, &bytes);
    if (!rc) rc = dl_fsync_dir(ix->ar->dir);
    if (rc) {
        dl_archive_fail(ix->ar, DL_ESTORE, "index: cannot write a segment: %s", strerror(errno));
        rc = DL_ESTORE;
        goto out;
    }
    b->seg_id = id;  /* written: a rollback deletes it (dl_ibatch_done) */
    b->seg_bytes = bytes;
    b->seg_first = days[0];
    b->seg_last = days[nd - 1];
out:
    free(days);
    free(lens);
    free(docnos);
    free(df);
    free(poff);
    free(doff);
    free(last);
    free(order);
    free(pdocs);
    free(ptfs);
    free(ppos);
    free(dfill);
    free(pfill);
    return rc;
}

void dl_ibatch_done(dl_ibatch *b, int committed)
{
    if (b->seg_id) {
        if (!committed) {
            char *path = seg_path(b->ix, b->seg_id);
            if (path) unlink(path);
            free(path);
        } else {
            load_segments(b->ix);
            b->ix->data_version = db_version(b->ix);
        }
    }
    /* reset for the next batch */
    for (size_t i = 0; i < b->global_of.n; i++) b->local_of.v[b->global_of.v[i]] = 0;
    b->global_of.n = 0;
    b->docs.n = 0;
    b->pairs.n = 0;
    b->seg_id = 0;
    b->reserved = 0;
}

/* ---------------------------------------------------------------- merge */

typedef struct mdoc {
    int32_t day;
    int64_t docno;
    uint32_t seg, local;
} mdoc;

static int cmp_mdoc(const void *a, const void *b)
{
    const mdoc *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->docno < y->docno ? -1 : x->docno > y->docno;
}

/* Merges segs[0..k) into one new segment; registers it and drops them in
 * one transaction. */
static int merge_segs(dl_index *ix, dl_seg **segs, size_t k)
{
    uint64_t nd64 = 0;
    for (size_t i = 0; i < k; i++) nd64 += segs[i]->ndocs;
    if (nd64 >= UINT32_MAX / 2) return DL_ETOOBIG;
    uint32_t nd = (uint32_t)nd64;
    int rc = DL_ENOMEM;
    mdoc *md = dl_malloc((nd + 1) * sizeof *md);
    uint32_t **remap = dl_calloc(k, sizeof *remap);
    int32_t *days = dl_malloc((nd + 1) * sizeof *days);
    uint32_t *lens = dl_malloc((nd + 1) * sizeof *lens);
    int64_t *docnos = dl_malloc((nd + 1) * sizeof *docnos);
    pcur *cur = dl_calloc(k, sizeof *cur);
    uint32_t *ti = dl_calloc(k, sizeof *ti);
    DL_VEC(uint32_t) odocs = {0}, otfs = {0}, opos = {0};
    seg_writer *w = NULL;
    int64_t id = 0;
    int in_txn = 0;
    if (!md || !remap || !days || !lens || !docnos || !cur || !ti) goto out;
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        remap[i] = dl_malloc((segs[i]->ndocs + 1) * sizeof **remap);
        if (!remap[i]) goto out;
        for (uint32_t d = 0; d < segs[i]->ndocs; d++)
            md[m++] = (mdoc){segs[i]->days[d], segs[i]->docnos[d], (uint32_t)i, d};
    }
    dl_qsort(md, nd, sizeof *md, cmp_mdoc);
    for (uint32_t d = 0; d < nd; d++) {
        remap[md[d].seg][md[d].local] = d;
        days[d] = md[d].day;
        lens[d] = segs[md[d].seg]->lens[md[d].local];
        docnos[d] = md[d].docno;
    }
    if (dl_archive_exec(ix->ar, "BEGIN IMMEDIATE")) {
        rc = DL_ESTORE;
        goto out;
    }
    in_txn = 1;
    /* the id is taken and the file created under the write lock, and the
     * counter committed at once so no other writer takes the same name */
    rc = open_new_seg(ix, nd, days, lens, docnos, &id, &w);
    if (!rc) rc = dl_archive_exec(ix->ar, "COMMIT");
    else sqlite3_exec(ix->ar->db, "ROLLBACK", NULL, NULL, NULL);
    in_txn = 0;
    if (rc) goto out;
    /* k-way merge of the dictionaries */
    for (;;) {
        const char *best = NULL;
        size_t bl = 0;
        for (size_t i = 0; i < k; i++) {
            if (ti[i] >= segs[i]->nterms) continue;
            const seg_term *t = &segs[i]->terms[ti[i]];
            const char *s = segs[i]->strings + t->str_off;
            if (!best) {
                best = s;
                bl = t->str_len;
                continue;
            }
            int c = memcmp(s, best, DL_MIN(bl, t->str_len));
            if (c < 0 || (c == 0 && t->str_len < bl)) {
                best = s;
                bl = t->str_len;
            }
        }
        if (!best) break;
        char term[DL_TERM_MAX + 1];
        if (bl > DL_TERM_MAX) {
            rc = DL_ECORRUPT;
            break;
        }
        memcpy(term, best, bl);
        /* cursors of the segments holding the term */
        int active[64];
        size_t na = 0;
        odocs.n = otfs.n = opos.n = 0;
        for (size_t i = 0; i < k; i++) {
            if (ti[i] >= segs[i]->nterms) continue;
            const seg_term *t = &segs[i]->terms[ti[i]];
            if (t->str_len == bl && !memcmp(segs[i]->strings + t->str_off, term, bl)) {
                pcur_init(&cur[i], segs[i], ti[i]);
                ti[i]++;
                if (na < 64) active[na++] = (int)i;
            }
        }
        for (;;) {
            int bi = -1;
            uint32_t bd = SEG_END;
            for (size_t a = 0; a < na; a++) {
                pcur *c = &cur[active[a]];
                if (c->doc == SEG_END) continue;
                uint32_t nd2 = remap[active[a]][c->doc];
                if (nd2 < bd) {
                    bd = nd2;
                    bi = active[a];
                }
            }
            if (bi < 0) break;
            pcur *c = &cur[bi];
            uint32_t base;
            const uint32_t *p = pcur_positions(c, &base);
            uint32_t tf = pcur_tf(c);
            if (!p) {
                rc = DL_ECORRUPT;
                break;
            }
            if (dl_vec_push(&odocs, bd) || dl_vec_push(&otfs, tf) ||
                dl_vec_reserve(&opos, opos.n + tf)) {
                rc = DL_ENOMEM;
                break;
            }
            for (uint32_t j = 0; j < tf; j++) opos.v[opos.n + j] = p[j] - base;
            opos.n += tf;
            pcur_next(c);
        }
        for (size_t a = 0; a < na; a++) {
            if (cur[active[a]].corrupt) rc = DL_ECORRUPT;
            pcur_free(&cur[active[a]]);
        }
        if (rc) break;
        rc = seg_writer_term(w, term, bl, odocs.v, otfs.v, (uint32_t)odocs.n, opos.v);
        if (rc) break;
    }
    if (rc) {
        seg_writer_abort(w);
        w = NULL;
        if (rc == DL_ECORRUPT) dl_archive_fail(ix->ar, rc, "index: a segment is corrupt");
        else dl_archive_fail(ix->ar, DL_ESTORE, "index: merge failed: %s", dl_strerror(rc));
        goto out;
    }
    uint64_t bytes;
    rc = seg_writer_finish(w, &bytes);
    w = NULL;
    if (!rc) rc = dl_fsync_dir(ix->ar->dir);
    if (rc) {
        dl_archive_fail(ix->ar, DL_ESTORE, "index: cannot write the merged segment");
        goto out_unlink;
    }
    /* swap in one transaction: all merged rows must still be there */
    if (dl_archive_exec(ix->ar, "BEGIN IMMEDIATE")) {
        rc = DL_ESTORE;
        goto out_unlink;
    }
    in_txn = 1;
    for (size_t i = 0; i < k && !rc; i++) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM index_segments WHERE seg = %lld",
                 (long long)segs[i]->id);
        rc = dl_archive_exec(ix->ar, sql);
        if (!rc && sqlite3_changes(ix->ar->db) != 1)
            rc = dl_archive_fail(ix->ar, DL_EBUSY, "index: merged concurrently");
    }
    if (!rc) rc = register_seg(ix, id, nd, bytes, nd ? days[0] : 0, nd ? days[nd - 1] : 0);
    if (!rc) rc = dl_archive_exec(ix->ar, "COMMIT");
    if (rc) {
        sqlite3_exec(ix->ar->db, "ROLLBACK", NULL, NULL, NULL);
        in_txn = 0;
        goto out_unlink;
    }
    in_txn = 0;
    for (size_t i = 0; i < k; i++) {
        char *p = seg_path(ix, segs[i]->id);
        if (p) unlink(p);
        free(p);
    }
    goto out;
out_unlink: {
        char *p = seg_path(ix, id);
        if (p) unlink(p);
        free(p);
    }
out:
    if (in_txn) sqlite3_exec(ix->ar->db, "ROLLBACK", NULL, NULL, NULL);
    if (w) seg_writer_abort(w);
    if (remap)
        for (size_t i = 0; i < k; i++) free(remap[i]);
    free(remap);
    free(md);
    free(days);
    free(lens);
    free(docnos);
    free(cur);
    free(ti);
    dl_vec_free(&odocs);
    dl_vec_free(&otfs);
    dl_vec_free(&opos);
    return rc;
}

static int tier_of(uint32_t ndocs)
{
    int t = 0;
    while (ndocs >= DL_MERGE_FACTOR) {
        ndocs /= DL_MERGE_FACTOR;
        t++;
    }
    return t;
}

int dl_index_merge(dl_index *ix, int full)
{
    if (!ix->ar->writable) return DL_EINVAL;
    int rc = load_segments(ix);
    if (rc) return rc;
    for (;;) {
        if (ix->nsegs < 2) return DL_OK;
        size_t k = 0;
        dl_seg *pick[64];
        if (full) {
            k = DL_MIN(ix->nsegs, DL_ARRAY_LEN(pick));
            for (size_t i = 0; i < k; i++) pick[i] = ix->segs[i];
        } else {
            for (int tier = 0; tier < 12 && k < DL_MERGE_FACTOR; tier++) {
                k = 0;
                for (size_t i = 0; i < ix->nsegs && k < DL_MERGE_FACTOR; i++)
                    if (tier_of(ix->segs[i]->ndocs) == tier) pick[k++] = ix->segs[i];
            }
            if (k < DL_MERGE_FACTOR) return DL_OK;
        }
        rc = merge_segs(ix, pick, k);
        if (rc) return rc;
        rc = load_segments(ix);
        if (rc) return rc;
        ix->data_version = db_version(ix);
    }
}
