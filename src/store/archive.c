/*
 * archive.c -- opening, checking and reading the archive (store.h).
 */
#include "store.h"
#include "../analyze/analyze.h"
#include "../index/index.h"
#include "../text/buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The schema.  Every table that later stages fill exists from the start, so
 * an archive never needs a migration to gain a stage. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    /* one row per article; docno is the internal document number */
    "CREATE TABLE IF NOT EXISTS articles("
    "  docno INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  day INTEGER NOT NULL,"          /* days since 1970-01-01 */
    "  date TEXT NOT NULL,"            /* YYYY-MM-DD */
    "  source TEXT, url TEXT, title TEXT,"
    "  text TEXT NOT NULL,"            /* the stored text, byte for byte */
    "  dup_of INTEGER,"                /* docno of the earlier copy */
    "  dup_sim REAL,"
    "  story INTEGER);"
    "CREATE INDEX IF NOT EXISTS articles_day ON articles(day);"
    "CREATE INDEX IF NOT EXISTS articles_story ON articles(story) WHERE story IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS articles_dup ON articles(dup_of) WHERE dup_of IS NOT NULL;"
    /* the analysis of each article: JSON arrays of SPEC 4 without the text */
    "CREATE TABLE IF NOT EXISTS annotations(docno INTEGER PRIMARY KEY, json TEXT NOT NULL);"
    /* quotes and entity mentions, indexed for `quotes` and `entities` */
    "CREATE TABLE IF NOT EXISTS quotes("
    "  docno INTEGER NOT NULL, day INTEGER NOT NULL,"
    "  start INTEGER NOT NULL, end INTEGER NOT NULL,"
    "  speaker TEXT, speaker_key TEXT);"  /* speaker_key: case-folded */
    "CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_key, day);"
    "CREATE INDEX IF NOT EXISTS quotes_day ON quotes(day);"
    /* entity mentions counted per name, day and type (entdays.c): the
     * mentions, and the articles (near-duplicate copies not counted) */
    "CREATE TABLE IF NOT EXISTS entity_days("
    "  name TEXT NOT NULL, type TEXT NOT NULL, day INTEGER NOT NULL,"
    "  mentions INTEGER NOT NULL, articles INTEGER NOT NULL,"
    "  PRIMARY KEY(name, day, type)) WITHOUT ROWID;"
    /* stories (story issue): one row per story */
    "CREATE TABLE IF NOT EXISTS stories("
    "  story INTEGER PRIMARY KEY, label TEXT, first INTEGER, last INTEGER,"
    "  articles INTEGER NOT NULL DEFAULT 0, state BLOB);"
    /* near-duplicates (src/dedup/dedup.h): shingle signatures, the sampled
     * keys that find candidates, and every pair found (a < b, docnos) */
    "CREATE TABLE IF NOT EXISTS dup_sigs(docno INTEGER PRIMARY KEY, sig BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS dup_keys(key INTEGER NOT NULL, docno INTEGER NOT NULL,"
    "  PRIMARY KEY(key, docno)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS dup_pairs(a INTEGER NOT NULL, b INTEGER NOT NULL,"
    "  sim REAL NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;"
    /* stories (src/story/story.h): document frequencies of story terms, and
     * the top terms of recent articles that find candidate stories */
    "CREATE TABLE IF NOT EXISTS story_df(term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS story_keys(term TEXT NOT NULL, day INTEGER NOT NULL,"
    "  story INTEGER NOT NULL, PRIMARY KEY(term, day, story)) WITHOUT ROWID;";

int dl_archive_fail(dl_archive *ar, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ar->errmsg, sizeof ar->errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

sqlite3_stmt *dl_archive_prepare(dl_archive *ar, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ar->db, sql, -1, &st, NULL) != SQLITE_OK) {
        dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
        return NULL;
    }
    return st;
}

sqlite3_stmt *dl_archive_prepare_rows(dl_archive *ar, const char *head, const char *row,
                                     int rows, const char *tail)
{
    dl_buf q = {0};
    dl_buf_adds(&q, head);
    for (int k = 0; k < rows; k++) {
        if (k) dl_buf_addc(&q, ',');
        dl_buf_adds(&q, row);
    }
    if (tail) dl_buf_adds(&q, tail);
    sqlite3_stmt *st = q.err ? NULL : dl_archive_prepare(ar, q.p);
    dl_buf_free(&q);
    return st;
}

int dl_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return DL_EIO;
    int rc = fsync(fd) == 0 ? DL_OK : DL_EIO;
    close(fd);
    return rc;
}

int dl_archive_exec(dl_archive *ar, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(ar->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        dl_archive_fail(ar, DL_ESTORE, "%s", err ? err : sqlite3_errmsg(ar->db));
        sqlite3_free(err);
        return DL_ESTORE;
    }
    return DL_OK;
}

const char *dl_archive_errmsg(const dl_archive *ar)
{
    return ar ? ar->errmsg : "out of memory";
}

/* Schema 1 to 2 (store.h): entity rows fold into entity_days, as ingest
 * now counts them (copies' rows, which schema-1 ingests wrote, left out). */
static const char UPGRADE_1_2[] =
    "INSERT INTO entity_days(name, type, day, mentions, articles)"
    "  SELECT name, type, day, SUM(mentions), COUNT(DISTINCT docno) FROM entities"
    "  WHERE docno NOT IN (SELECT docno FROM articles WHERE dup_of IS NOT NULL)"
    "  GROUP BY name, day, type;"
    "DROP TABLE entities;"
    "DROP INDEX IF EXISTS quotes_doc;"
    "UPDATE meta SET value = 2 WHERE key = 'schema';";

/* Checks the schema record; a writable archive of schema 1 is upgraded
 * (inside the caller's transaction). */
static int check_version(dl_archive *ar)
{
    sqlite3_stmt *st = dl_archive_prepare(ar, "SELECT value FROM meta WHERE key='schema'");
    if (!st) return DL_ECORRUPT;
    int rc = DL_OK, v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (v == 1 && ar->writable) {
        if (dl_archive_exec(ar, UPGRADE_1_2)) return DL_ESTORE;
        v = DL_SCHEMA_VERSION;
    }
    if (v >= 0 && v != DL_SCHEMA_VERSION)
        rc = dl_archive_fail(ar, DL_EVERSION,
                             "archive schema %d, this dateline reads schema %d%s", v,
                             DL_SCHEMA_VERSION,
                             v == 1 ? " (an ingest or `dateline optimize` upgrades it)" : "");
    else if (v < 0 && !ar->writable)
        rc = dl_archive_fail(ar, DL_ECORRUPT, "not a dateline archive (no schema record)");
    return rc;
}

int dl_archive_open(const char *dir, int flags, dl_archive **out)
{
    dl_archive *ar = dl_calloc(1, sizeof *ar);
    *out = ar;
    if (!ar) return DL_ENOMEM;
    ar->writable = (flags & DL_OPEN_WRITE) != 0;
    ar->dir = dl_strdup(dir);
    if (!ar->dir) return DL_ENOMEM;
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (!ar->writable)
            return dl_archive_fail(ar, DL_ENOTFOUND, "no archive at %s (ingest creates one)", dir);
        if (mkdir(dir, 0777) != 0)
            return dl_archive_fail(ar, DL_ESTORE, "cannot create %s: %s", dir, strerror(errno));
    } else if (!S_ISDIR(st.st_mode)) {
        return dl_archive_fail(ar, DL_ESTORE, "%s is not a directory", dir);
    }
    char *path = NULL;
    if (asprintf(&path, "%s/archive.db", dir) < 0) return DL_ENOMEM;
    if (!ar->writable && stat(path, &st) != 0) {
        free(path);
        return dl_archive_fail(ar, DL_ENOTFOUND, "no archive at %s (ingest creates one)", dir);
    }
    int oflags = ar->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                              : SQLITE_OPEN_READONLY;
    /* a writer's connection is serialized: an ingest's dedup thread writes
     * on it beside the writer (store/ingest.c) */
    int src = sqlite3_open_v2(path, &ar->db,
                              oflags | (ar->writable ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX),
                              NULL);
    free(path);
    if (src != SQLITE_OK)
        return dl_archive_fail(ar, DL_ESTORE, "cannot open archive %s: %s", dir,
                               ar->db ? sqlite3_errmsg(ar->db) : "out of memory");
    sqlite3_busy_timeout(ar->db, 30000);
    sqlite3_extended_result_codes(ar->db, 1);
    int rc;
    if (ar->writable) {
        if (dl_archive_exec(ar, "PRAGMA journal_mode=WAL") ||
            dl_archive_exec(ar, "PRAGMA synchronous=FULL") ||
            dl_archive_exec(ar, "PRAGMA foreign_keys=OFF") ||
            dl_archive_exec(ar, "PRAGMA cache_size=-65536"))
            return DL_ESTORE;
        if (dl_archive_exec(ar, "BEGIN IMMEDIATE")) return DL_ESTORE;
        rc = dl_archive_exec(ar, SCHEMA);
        if (!rc) rc = check_version(ar);
        if (!rc) {
            char sql[128];
            snprintf(sql, sizeof sql,
                     "INSERT OR IGNORE INTO meta VALUES('schema', %d);"
                     "INSERT OR IGNORE INTO meta VALUES('created_by', 'dateline " DL_VERSION "')",
                     DL_SCHEMA_VERSION);
            rc = dl_archive_exec(ar, sql);
        }
        if (rc) {
            dl_archive_exec(ar, "ROLLBACK");
            return rc == DL_EVERSION ? rc : DL_ESTORE;
        }
        if (dl_archive_exec(ar, "COMMIT")) return DL_ESTORE;
    } else {
        rc = check_version(ar);
        if (rc) return rc;
    }
    return DL_OK;
}

void dl_archive_close(dl_archive *ar)
{
    if (!ar) return;
    dl_index_close(ar->index); /* before the db: it holds statements */
    if (ar->db) {
        /* statistics for the planner, from a sample of each index (a full
         * ANALYZE of a large archive took ~2% of an ingest) */
        if (ar->writable)
            sqlite3_exec(ar->db, "PRAGMA analysis_limit=400; PRAGMA optimize", NULL, NULL, NULL);
        sqlite3_close_v2(ar->db);
    }
    free(ar->dir);
    free(ar);
}

static uint64_t dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) continue;
        struct stat st;
        if (lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) total += dir_bytes(p);
            else if (S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
        }
        free(p);
    }
    closedir(d);
    return total;
}

int dl_archive_stats(dl_archive *ar, dl_stats *s)
{
    memset(s, 0, sizeof *s);
    /* stories merged into another stay as tombstones with no articles
     * (src/story/story.h): not counted */
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT count(*), min(day), max(day), total(length(CAST(text AS BLOB))),"
            " count(dup_of), (SELECT count(*) FROM stories WHERE articles > 0) FROM articles");
    if (!st) return DL_ESTORE;
    int rc = DL_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        s->articles = (uint64_t)sqlite3_column_int64(st, 0);
        if (s->articles) {
            dl_date_format((int32_t)sqlite3_column_int64(st, 1), s->first);
            dl_date_format((int32_t)sqlite3_column_int64(st, 2), s->last);
        }
        s->text_bytes = (uint64_t)sqlite3_column_double(st, 3);
        s->near_duplicates = (uint64_t)sqlite3_column_int64(st, 4);
        s->stories = (uint64_t)sqlite3_column_int64(st, 5);
    } else {
        rc = dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    }
    sqlite3_finalize(st);
    s->bytes = dir_bytes(ar->dir);
    return rc;
}

int dl_archive_check(dl_archive *ar)
{
    sqlite3_stmt *st = dl_archive_prepare(ar, "PRAGMA integrity_check");
    if (!st) return DL_ECORRUPT;
    int rc = DL_OK;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *msg = (const char *)sqlite3_column_text(st, 0);
        if (!msg || strcmp(msg, "ok") != 0) {
            rc = dl_archive_fail(ar, DL_ECORRUPT, "integrity check: %s", msg ? msg : "?");
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? dl_strndup(s, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

int dl_archive_get(dl_archive *ar, const char *id, dl_annotation **out, char **url,
                   char **title)
{
    *out = NULL;
    if (url) *url = NULL;
    if (title) *title = NULL;
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT a.id, a.date, a.day, a.source, a.text, a.url, a.title, n.json"
            " FROM articles a LEFT JOIN annotations n ON n.docno = a.docno WHERE a.id = ?");
    if (!st) return DL_ESTORE;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc == SQLITE_DONE) return dl_archive_fail(ar, DL_ENOTFOUND, "no article %s", id);
        return dl_archive_fail(ar, DL_ESTORE, "%s", sqlite3_errmsg(ar->db));
    }
    dl_annotation *a = dl_calloc(1, sizeof *a);
    rc = DL_ENOMEM;
    if (!a) goto out;
    snprintf(a->id, sizeof a->id, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(a->date, sizeof a->date, "%s", (const char *)sqlite3_column_text(st, 1));
    a->day = (int32_t)sqlite3_column_int64(st, 2);
    a->source = col_dup(st, 3);
    a->text = col_dup(st, 4);
    a->text_len = (size_t)sqlite3_column_bytes(st, 4);
    if (!a->text) goto out;
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
        rc = dl_annotation_from_json(a, (const char *)sqlite3_column_text(st, 7),
                                     (size_t)sqlite3_column_bytes(st, 7));
        if (rc == DL_ECORRUPT) dl_archive_fail(ar, rc, "bad annotation of %s", id);
        if (rc) goto out;
    }
    if (url) *url = col_dup(st, 5);
    if (title) *title = col_dup(st, 6);
    rc = DL_OK;
out:
    sqlite3_finalize(st);
    if (rc) dl_annotation_free(a);
    else *out = a;
    return rc;
}
