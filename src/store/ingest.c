/*
 * ingest.c -- adding articles to the archive in batches.
 *
 * Each batch is one SQLite transaction (BEGIN IMMEDIATE ... COMMIT): an
 * article is acknowledged only once its batch committed, and a crash rolls
 * back the batch in flight and nothing else.  Per article: look up the id
 * (present?), analyze, then write the article, its annotation and the
 * indexed rows of its quotes and entities.  Later stages (search index,
 * near-duplicates, stories) plug in at the marked places.
 */
#include "store.h"
#include "../analyze/analyze.h"
#include "../index/index.h"
#include "../text/buf.h"

#include <utf8proc.h>

#define BATCH_ARTICLES 2000
#define BATCH_BYTES (32u << 20)

struct dl_ingest {
    dl_archive *ar;
    const dl_analyzer *az;
    int in_txn;
    int failed;          /* sticky: a failed ingest takes no more records */
    size_t batch_n, batch_bytes;
    dl_ingest_counts counts;   /* committed */
    dl_ingest_counts pending;  /* in the open batch */
    sqlite3_stmt *st_exists, *st_article, *st_annot, *st_quote, *st_entity;
    dl_buf json;
    dl_ibatch *ib;       /* the search index's part of the batch */
};

static void finalize_all(dl_ingest *ing)
{
    sqlite3_finalize(ing->st_exists);
    sqlite3_finalize(ing->st_article);
    sqlite3_finalize(ing->st_annot);
    sqlite3_finalize(ing->st_quote);
    sqlite3_finalize(ing->st_entity);
    dl_buf_free(&ing->json);
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
    ing->st_exists = dl_archive_prepare(ar, "SELECT 1 FROM articles WHERE id = ?");
    ing->st_article = dl_archive_prepare(
        ar, "INSERT INTO articles(id, day, date, source, url, title, text)"
            " VALUES(?,?,?,?,?,?,?)");
    ing->st_annot = dl_archive_prepare(ar, "INSERT INTO annotations(docno, json) VALUES(?,?)");
    ing->st_quote = dl_archive_prepare(
        ar, "INSERT INTO quotes(docno, day, start, end, speaker, speaker_key)"
            " VALUES(?,?,?,?,?,?)");
    ing->st_entity = dl_archive_prepare(
        ar, "INSERT INTO entities(docno, day, name, type, mentions) VALUES(?,?,?,?,?)");
    dl_index *ix = NULL;
    if (ing->st_exists && dl_index_get(ar, &ix) == DL_OK) dl_ibatch_new(ix, &ing->ib);
    if (!ing->st_exists || !ing->st_article || !ing->st_annot || !ing->st_quote ||
        !ing->st_entity || !ing->ib) {
        finalize_all(ing);
        free(ing);
        return DL_ESTORE;
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

/* Case-folded, NFKC form of a speaker's name, for lookups. */
static char *fold_key(const char *s)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE |
                                          UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                          UTF8PROC_CASEFOLD);
    if (n < 0) return NULL;
    return (char *)out;
}

static const char *ent_type(int t)
{
    return t == DL_PERSON ? "PERSON" : t == DL_PLACE ? "PLACE" : "ORG";
}

static int write_article(dl_ingest *ing, const dl_record *rec, const dl_annotation *a)
{
    sqlite3_stmt *st = ing->st_article;
    sqlite3_bind_text(st, 1, rec->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rec->day);
    sqlite3_bind_text(st, 3, rec->date, 10, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rec->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rec->url, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, rec->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, rec->text, (int)rec->text_len, SQLITE_STATIC);
    if (step_done(ing, st)) return DL_ESTORE;
    sqlite3_int64 docno = sqlite3_last_insert_rowid(ing->ar->db);

    dl_buf_reset(&ing->json);
    dl_annotation_json_buf(a, &ing->json, 0);
    if (ing->json.err) return DL_ENOMEM;
    st = ing->st_annot;
    sqlite3_bind_int64(st, 1, docno);
    sqlite3_bind_text(st, 2, ing->json.p, (int)ing->json.n, SQLITE_STATIC);
    if (step_done(ing, st)) return DL_ESTORE;

    for (size_t i = 0; i < a->n_quotes; i++) {
        const dl_quote *q = &a->quotes[i];
        const char *sp = q->speaker >= 0 ? a->entities[q->speaker].name : NULL;
        char *key = sp ? fold_key(sp) : NULL;
        st = ing->st_quote;
        sqlite3_bind_int64(st, 1, docno);
        sqlite3_bind_int64(st, 2, rec->day);
        sqlite3_bind_int64(st, 3, q->span.start);
        sqlite3_bind_int64(st, 4, q->span.end);
        sqlite3_bind_text(st, 5, sp, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, key, -1, SQLITE_TRANSIENT);
        free(key);
        if (step_done(ing, st)) return DL_ESTORE;
    }
    for (size_t i = 0; i < a->n_entities; i++) {
        const dl_entity *e = &a->entities[i];
        st = ing->st_entity;
        sqlite3_bind_int64(st, 1, docno);
        sqlite3_bind_int64(st, 2, rec->day);
        sqlite3_bind_text(st, 3, e->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ent_type(e->type), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)e->n_mentions);
        if (step_done(ing, st)) return DL_ESTORE;
    }
    int rc = dl_ibatch_add(ing->ib, docno, rec->day, rec->title,
                           rec->title ? strlen(rec->title) : 0, rec->text, rec->text_len);
    if (rc) return rc;
    /* later stages plug in here: near-duplicates, stories */
    return DL_OK;
}

int dl_ingest_add(dl_ingest *ing, const dl_record *rec, int *status)
{
    *status = 0;
    if (ing->failed) return DL_ESTORE;
    if (!ing->in_txn) {
        if (dl_archive_exec(ing->ar, "BEGIN IMMEDIATE")) {
            ing->failed = 1;
            return DL_ESTORE;
        }
        ing->in_txn = 1;
    }
    sqlite3_stmt *st = ing->st_exists;
    sqlite3_bind_text(st, 1, rec->id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) {
        ing->pending.present++;
        *status = DL_PRESENT;
        return DL_OK;
    }
    if (rc != SQLITE_DONE) return store_fail(ing);

    dl_annotation *a = NULL;
    rc = dl_analyze(ing->az, rec, &a);
    if (rc) return rc;
    rc = write_article(ing, rec, a);
    dl_annotation_free(a);
    if (rc) {
        ing->failed = 1;
        return rc;
    }
    ing->pending.added++;
    *status = DL_ADDED;
    ing->batch_n++;
    ing->batch_bytes += rec->text_len;
    if (ing->batch_n >= BATCH_ARTICLES || ing->batch_bytes >= BATCH_BYTES)
        return dl_ingest_commit(ing);
    return DL_OK;
}

int dl_ingest_commit(dl_ingest *ing)
{
    if (ing->failed) return DL_ESTORE;
    if (!ing->in_txn) return DL_OK;
    /* the batch's index segment: written and registered inside the txn */
    if (dl_ibatch_flush(ing->ib)) {
        ing->failed = 1;
        return DL_ESTORE;
    }
    if (dl_archive_exec(ing->ar, "COMMIT")) {
        dl_ibatch_done(ing->ib, 0);
        ing->failed = 1;
        return DL_ESTORE;
    }
    ing->in_txn = 0;
    dl_ibatch_done(ing->ib, 1);
    /* keep the segment count low; a failed merge loses nothing */
    dl_index *ix = NULL;
    if (dl_index_get(ing->ar, &ix) == DL_OK) dl_index_merge(ix, 0);
    ing->counts.added += ing->pending.added;
    ing->counts.present += ing->pending.present;
    ing->counts.near_duplicates += ing->pending.near_duplicates;
    memset(&ing->pending, 0, sizeof ing->pending);
    ing->batch_n = ing->batch_bytes = 0;
    return DL_OK;
}

int dl_ingest_finish(dl_ingest *ing, dl_ingest_counts *counts)
{
    int rc = dl_ingest_commit(ing);
    if (rc && ing->in_txn) {
        sqlite3_exec(ing->ar->db, "ROLLBACK", NULL, NULL, NULL);
        if (ing->ib) dl_ibatch_done(ing->ib, 0);
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
