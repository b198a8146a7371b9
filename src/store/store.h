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

/* An append-only record log beside archive.db whose committed length is
 * meta(meta_key), set inside the batch's transaction (applog.c).  Records
 * are the caller's; the log only appends bytes and reads them back. */
typedef struct dl_applog {
    dl_archive *ar;
    const char *file, *meta_key;  /* static strings */
    int fd;                       /* -1: closed (or given up) */
    uint64_t end;                 /* committed bytes this handle knows of */
    sqlite3_stmt *get, *put;
} dl_applog;
/* Opens (creates) the file; end starts at 0 (the caller reads the records
 * up to dl_applog_committed and sets end).  DL_OK or a DL_E*. */
int dl_applog_open(dl_archive *ar, const char *file, const char *meta_key, dl_applog *lg);
void dl_applog_close(dl_applog *lg);
/* The committed length, or a negative DL_E* (message recorded). */
int64_t dl_applog_committed(dl_applog *lg);
/* Hands the bytes [from, to) to fn in buffers of whole records: fn returns
 * how many leading bytes it took (the rest comes again, with more), and
 * sets *rc to stop with an error.  A record cut at `to` is corruption. */
int dl_applog_read(dl_applog *lg, uint64_t from, uint64_t to,
                   size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx);
/* Writes n bytes at the committed end, syncs them, and sets the committed
 * length to end + n (inside the caller's transaction).  DL_OK or DL_E*. */
int dl_applog_append(dl_applog *lg, const void *p, size_t n);
/* Sets the committed length to 0 (the records moved elsewhere) and closes
 * the file.  Inside the caller's transaction. */
int dl_applog_give_up(dl_applog *lg);
/* Opens the log and hands its committed records to fn (dl_applog_read);
 * rec > 1: the committed length must be a multiple of it.  end is set. */
int dl_applog_load(dl_archive *ar, const char *file, const char *meta_key, size_t rec,
                   dl_applog *lg, size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx);
/* Hands the committed records to fn (which stores them elsewhere), then
 * gives the log up: inside the caller's transaction, or (own_txn) in one
 * of its own. */
int dl_applog_move(dl_applog *lg, size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx, int own_txn);

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
