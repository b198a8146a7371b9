/*
 * store.h -- the archive's insides, shared by the stages that keep data in
 * it (ingest, index, dedup, story, serve).
 *
 * The archive is a directory holding one SQLite database, archive.db, in WAL
 * mode (readers never block the writer and see only committed batches) with
 * synchronous=FULL (a batch that COMMIT acknowledged survives a crash or
 * power loss).  Later stages may keep more files in the directory; each must
 * be made crash-safe the same way: written, synced, then referenced from the
 * database inside the batch's transaction.  Schema: see SCHEMA in archive.c
 * and docs/archive.md.
 */
#ifndef DL_STORE_H
#define DL_STORE_H

#include "../dl_int.h"

#include <sqlite3.h>

/* 2: entity_days (per name, day and type) replaced the per-article table
 * entities; quotes lost an index no query used.  A schema-1 archive is
 * upgraded when opened for writing (dl_archive_open). */
#define DL_SCHEMA_VERSION 2

struct dl_archive {
    sqlite3 *db;
    char *dir;
    int writable;
    struct dl_index *index; /* search index (src/index), opened on first use */
    char errmsg[512];
};

/* Records a message (printf-style) in ar->errmsg and returns rc. */
int dl_archive_fail(dl_archive *ar, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepares sql on ar->db, or records the error and returns NULL. */
sqlite3_stmt *dl_archive_prepare(dl_archive *ar, const char *sql);

/* Prepares head, then row written rows times (comma-separated), then tail
 * (may be NULL): one statement that inserts many rows at once.  NULL on
 * failure (recorded) or OOM. */
sqlite3_stmt *dl_archive_prepare_rows(dl_archive *ar, const char *head, const char *row,
                                     int rows, const char *tail);

/* fsyncs the directory dir (a file created in it is then durable).  DL_OK
 * or DL_EIO. */
int dl_fsync_dir(const char *dir);

/* Runs SQL without results.  DL_OK or DL_ESTORE (message recorded). */
int dl_archive_exec(dl_archive *ar, const char *sql);

/* Entity counts per (name, day, type) of the batch being ingested, written
 * to entity_days at its commit (entdays.c).  Single-threaded; the caller
 * owns the handle. */
typedef struct dl_entdays dl_entdays;
struct dl_annotation;
int dl_entdays_new(dl_archive *ar, dl_entdays **out);
void dl_entdays_free(dl_entdays *ed);
/* Counts one article's entities (of day): their mentions, and the article
 * once per (name, type).  DL_OK, DL_ENOMEM or DL_ETOOBIG. */
int dl_entdays_add(dl_entdays *ed, int32_t day, const struct dl_annotation *a);
/* Adds the counts to entity_days (inside the caller's transaction) and
 * empties the batch.  DL_OK, DL_ENOMEM or DL_ESTORE (message recorded). */
int dl_entdays_flush(dl_entdays *ed);
/* Drops the batch's counts (its transaction rolled back). */
void dl_entdays_clear(dl_entdays *ed);

#endif
