/*
 * dateline.h -- the one public header of libdateline, a news-archive engine.
 *
 * Conventions (the whole library keeps to them):
 *
 *  - Errors.  Every call that can fail returns an int: DL_OK (0) on success or
 *    one of the negative DL_E* codes below.  dl_strerror() names a code.  A
 *    handle that failed keeps a human message, read with its *_errmsg() call;
 *    the message belongs to the handle and is valid until its next call.
 *  - Handles are opaque (dl_archive, dl_analyzer, dl_ingest, ...).
 *    They come in pairs: open/close, new/free, begin/finish.  Closing NULL is a no-op.
 *  - Ownership.  Pointers passed in are borrowed for the duration of the call
 *    unless the comment says otherwise.  Pointers handed out are either owned
 *    by the caller (freed with the named *_free call, or dl_free for plain
 *    memory) or borrowed from a handle (valid until the stated event).  Each
 *    declaration below says which.
 *  - Text.  Article text is UTF-8.  Offsets are byte offsets into the stored
 *    text, half-open [start, end).
 *  - Dates are ISO "YYYY-MM-DD" strings at the boundary and day numbers
 *    (days since 1970-01-01, proleptic Gregorian) inside.
 */
#ifndef DATELINE_H
#define DATELINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DL_VERSION "0.1.0"

/* ------------------------------------------------------------------ errors */

#define DL_ERRORS(X)                                                         \
    X(DL_OK, 0, "success")                                                   \
    X(DL_EINVAL, -1, "invalid argument")                                     \
    X(DL_ENOMEM, -2, "out of memory")                                        \
    X(DL_EIO, -3, "input/output error")                                      \
    X(DL_ECORRUPT, -4, "archive is corrupt")                                 \
    X(DL_EBADREC, -5, "bad record")                                          \
    X(DL_ENOTFOUND, -6, "not found")                                         \
    X(DL_EBUSY, -7, "archive is busy")                                       \
    X(DL_ESTORE, -8, "archive could not be opened or written")               \
    X(DL_EVERSION, -9, "archive was written by an incompatible version")     \
    X(DL_ESYNTAX, -10, "query syntax error")                                 \
    X(DL_ETOOBIG, -11, "too large")

enum {
#define DL_ENUM_(name, value, msg) name = value,
    DL_ERRORS(DL_ENUM_)
#undef DL_ENUM_
};

/* The message for an error code: a static string, never NULL. */
const char *dl_strerror(int rc);

/* Frees memory that a dl_* call handed out as "caller frees with dl_free". */
void dl_free(void *p);

/* A byte range [start, end) into an article's text. */
typedef struct dl_span {
    uint32_t start, end;
} dl_span;

/* ---------------------------------------------------------------- records */

/* Limits that every reader enforces. */
#define DL_MAX_RECORD (16u << 20) /* bytes of one article's text */
#define DL_ID_MAX 128             /* bytes of an id, NUL included */

/*
 * One dated article as read from an input.  All pointers are borrowed from
 * the reader and valid only during the callback that receives the record.
 * text is not NUL-terminated; use text_len.  source/url/title may be NULL.
 */
typedef struct dl_record {
    char id[DL_ID_MAX];  /* JSONL id, else dl_record_id(date, text) */
    char date[11];       /* "YYYY-MM-DD" */
    int32_t day;         /* date as a day number */
    const char *text;    /* trimmed body, byte for byte as in the input */
    size_t text_len;
    const char *source;  /* JSONL source, else the file path ("-" for stdin) */
    const char *url;
    const char *title;
    const char *file;    /* the input path the record came from */
    long line;           /* 1-based line of the record in that input */
} dl_record;

/*
 * Parses one article in the plain form (SPEC 1): optional white space,
 * "date", white space, YYYY-MM-DD, white space, text.  buf need not be
 * NUL-terminated.  On success fills rec (text points into buf; id computed)
 * and returns DL_OK.  On failure returns DL_EBADREC and sets *reason to a
 * static message.
 */
int dl_parse_plain(const char *buf, size_t len, dl_record *rec,
                   const char **reason);

/*
 * Parses one JSONL line.  On success fills rec and returns DL_OK; the record's
 * strings live in *scratch, which the caller frees with dl_free (even on
 * failure; it may be NULL).  On failure returns DL_EBADREC and sets *reason
 * to a static message.
 */
int dl_parse_jsonl(const char *line, size_t len, dl_record *rec,
                   char **scratch, const char **reason);

/* Parses "YYYY-MM-DD" (exactly 10 bytes, a real calendar date) into a day
 * number.  Returns DL_OK or DL_EINVAL. */
int dl_date_parse(const char *s, size_t len, int32_t *day);
/* Writes the day number as "YYYY-MM-DD" into out (11 bytes). */
void dl_date_format(int32_t day, char out[11]);

/* The stable id of an article without one: 16 hex digits of a 64-bit hash of
 * the date and the text, written into out (17 bytes). */
void dl_record_id(const char date[10], const char *text, size_t len,
                  char out[17]);

/* ----------------------------------------------------------------- inputs */

/*
 * Walks inputs: files (plain or .jsonl, either optionally .gz or .zst),
 * folders (recursively, sorted, hidden entries skipped) and "-" (JSONL on
 * standard input).  Calls on_record for every good record in input order and
 * on_reject for every bad one (file, line where known, reason).  A callback
 * that returns non-zero stops the walk; dl_input_walk then returns that value.
 * Unreadable inputs go to on_reject with line 0.  Returns DL_OK, or the
 * callback's value.  bytes_total, if non-NULL, is set before the first
 * callback to the total size of the named files (0 when unknown, e.g. stdin).
 */
typedef int (*dl_record_fn)(void *ctx, const dl_record *rec);
typedef int (*dl_reject_fn)(void *ctx, const char *file, long line,
                            const char *reason);
typedef struct dl_input_stats {
    uint64_t bytes_total; /* sum of input file sizes, 0 if unknown */
    uint64_t bytes_read;  /* compressed bytes consumed so far */
    uint64_t records;     /* good records so far */
    uint64_t rejected;    /* bad records and unreadable inputs so far */
} dl_input_stats;
int dl_input_walk(const char *const *paths, int npaths, dl_record_fn on_record,
                  dl_reject_fn on_reject, void *ctx, dl_input_stats *stats);

/* --------------------------------------------------------------- analysis */

enum { DL_PERSON = 1, DL_ORG = 2, DL_PLACE = 3 };
enum { DL_TIMEX_DATE = 1, DL_TIMEX_TIME, DL_TIMEX_DURATION, DL_TIMEX_SET };

typedef struct dl_entity {
    char *name;        /* canonical name */
    int type;          /* DL_PERSON, DL_ORG or DL_PLACE */
    dl_span *mentions; /* every alias and title form, in text order */
    size_t n_mentions;
} dl_entity;

typedef struct dl_quote {
    dl_span span;     /* the quoted words, marks excluded */
    int speaker;      /* index into entities, or -1 when the text does not say */
    dl_span cue;      /* the attributing word; start == end when none */
} dl_quote;

typedef struct dl_timex {
    dl_span span;
    int type;         /* DL_TIMEX_* */
    char value[40];   /* TIMEX3 value, e.g. "2019-07-08", "P3D", "PRESENT_REF" */
} dl_timex;

/*
 * The annotation of one article (SPEC 4).  Owned by the caller; free with
 * dl_annotation_free.  text is an owned NUL-terminated copy of the stored
 * text; all spans point into it.
 */
typedef struct dl_annotation {
    char id[DL_ID_MAX];
    char date[11];
    int32_t day;
    char *source;     /* may be NULL */
    char *text;
    size_t text_len;
    dl_span *sentences;
    size_t n_sentences;
    dl_entity *entities;
    size_t n_entities;
    dl_quote *quotes;
    size_t n_quotes;
    dl_timex *times;
    size_t n_times;
} dl_annotation;

/* Shared, read-only analysis resources (models, lexicons).  One analyzer may
 * be used by many threads at once.  dl_analyzer_new returns DL_OK and sets
 * *out, which the caller frees with dl_analyzer_free. */
typedef struct dl_analyzer dl_analyzer;
int dl_analyzer_new(dl_analyzer **out);
void dl_analyzer_free(dl_analyzer *az);

/* Analyzes one record.  On DL_OK, *out is a new annotation the caller frees
 * with dl_annotation_free. */
int dl_analyze(const dl_analyzer *az, const dl_record *rec,
               dl_annotation **out);
void dl_annotation_free(dl_annotation *a);

/* The annotation as one line of JSON (SPEC 4), without a newline; the caller
 * frees the string with dl_free.  *len gets its length.  NULL on OOM. */
char *dl_annotation_json(const dl_annotation *a, size_t *len);
/* The same object with the stored article's "url" and "title" added (either
 * may be NULL, printed as null); for `show --json` and the HTTP API. */
char *dl_article_json(const dl_annotation *a, const char *url, const char *title,
                      size_t *len);

/* ---------------------------------------------------------------- archive */

typedef struct dl_archive dl_archive;

enum {
    DL_OPEN_READ = 0,   /* read only; works while another process ingests */
    DL_OPEN_WRITE = 1,  /* read-write, creating the archive if missing */
};

/*
 * Opens the archive in directory dir.  Always sets *out (even on failure, so
 * that dl_archive_errmsg can say why); the caller closes it with
 * dl_archive_close.  Returns DL_OK, DL_ENOTFOUND (read mode, no archive),
 * DL_EVERSION, DL_ECORRUPT or DL_ESTORE.
 */
int dl_archive_open(const char *dir, int flags, dl_archive **out);
void dl_archive_close(dl_archive *ar);
/* The last error's message; borrowed, valid until the next call on ar. */
const char *dl_archive_errmsg(const dl_archive *ar);

typedef struct dl_stats {
    uint64_t articles;
    char first[11], last[11]; /* "" when the archive is empty */
    uint64_t stories;
    uint64_t near_duplicates;
    uint64_t bytes;           /* size on disk of the archive directory */
    uint64_t text_bytes;      /* bytes of stored article text */
} dl_stats;
int dl_archive_stats(dl_archive *ar, dl_stats *st);

/* Runs the store's integrity check.  DL_OK or DL_ECORRUPT (message in
 * dl_archive_errmsg). */
int dl_archive_check(dl_archive *ar);

/*
 * One stored article with its annotation.  *out is owned by the caller
 * (dl_annotation_free).  url and title of the article are returned through
 * *url and *title when non-NULL (caller frees with dl_free; may be NULL).
 */
int dl_archive_get(dl_archive *ar, const char *id, dl_annotation **out,
                   char **url, char **title);

/* ----------------------------------------------------------------- ingest */

typedef struct dl_ingest dl_ingest;

enum { DL_ADDED = 1, DL_PRESENT = 2, DL_NEAR_DUP = 3 };

typedef struct dl_ingest_counts {
    uint64_t added;           /* new articles, near-duplicates included */
    uint64_t present;         /* already in the archive */
    uint64_t near_duplicates; /* added, and linked to an earlier copy */
    uint64_t rejected;        /* filled by the caller: bad records */
} dl_ingest_counts;

/*
 * An ingest session on an archive opened for writing.  Records are added in
 * batches; each batch is one transaction.  Nothing is acknowledged until
 * dl_ingest_commit (or dl_ingest_finish) returns DL_OK: after that, no crash
 * loses it.
 */
int dl_ingest_begin(dl_archive *ar, const dl_analyzer *az, dl_ingest **out);
/* Adds one record; *status gets DL_ADDED, DL_PRESENT or DL_NEAR_DUP.  Commits
 * by itself when the batch is full. */
int dl_ingest_add(dl_ingest *ing, const dl_record *rec, int *status);
/* Commits the batch in flight. */
int dl_ingest_commit(dl_ingest *ing);
/* Commits what is left, fills *counts (may be NULL) and frees ing. */
int dl_ingest_finish(dl_ingest *ing, dl_ingest_counts *counts);
/* Rolls back the batch in flight and frees ing. */
void dl_ingest_abort(dl_ingest *ing);

/* ----------------------------------------------------------------- search */

/* Open ends of a date range, in day numbers. */
#define DL_DAY_MIN INT32_MIN
#define DL_DAY_MAX INT32_MAX

/* One matching document: the archive's document number (articles.docno),
 * its day and its BM25 score. */
typedef struct dl_scored {
    int64_t docno;
    int32_t day;
    double score;
} dl_scored;

/*
 * The best n documents for query dated [from_day, to_day] (inclusive; use
 * DL_DAY_MIN / DL_DAY_MAX for an open end), best first: BM25 (k1 1.2,
 * b 0.75, as SQLite FTS5 computes it), ties broken by newer date.  No
 * snippets and no article reads: this is the fast path for timelines,
 * stories and the server (n up to thousands is fine).
 *
 * On DL_OK, *out is an array of *n_out entries that the caller frees with
 * dl_free (NULL when there is no hit).  total, when non-NULL, gets the exact
 * number of matching documents in the range (a full boolean pass: leave it
 * NULL when not needed).  DL_ESYNTAX: the query has nothing to search for
 * (message in dl_archive_errmsg).  The archive may be read-only.
 */
int dl_search_docs(dl_archive *ar, const char *query, int32_t from_day, int32_t to_day,
                   size_t n, dl_scored **out, size_t *n_out, uint64_t *total);

/* One hit of dl_search, all strings owned by the dl_results. */
typedef struct dl_hit {
    char id[DL_ID_MAX];
    char date[11];
    int64_t docno;
    double score;
    char *title;   /* stored title, NULL when the article has none */
    char *snippet; /* plain text around the best match, matched words
                      marked as [word]; "..." where text was cut */
} dl_hit;

typedef struct dl_results {
    char *query;     /* the query as given */
    uint64_t total;  /* matching documents in the range */
    double took_ms;  /* time inside the engine: parse, match, rank, snippets */
    dl_hit *hits;
    size_t n_hits;
} dl_results;

/*
 * Search (SPEC 3 and 4): like dl_search_docs plus the exact total, ids,
 * titles and snippets.  On DL_OK *out is owned by the caller
 * (dl_results_free).  Errors as dl_search_docs.
 */
int dl_search(dl_archive *ar, const char *query, int32_t from_day, int32_t to_day, size_t n,
              dl_results **out);
void dl_results_free(dl_results *r);
/* The SPEC 4 search object as one line of JSON (no newline); the caller
 * frees it with dl_free; *len gets its length.  NULL on OOM. */
char *dl_results_json(const dl_results *r, size_t *len);

/* Merges the index segments into one (`dateline optimize`).  Results of
 * every query are the same before and after.  Needs a writable archive. */
int dl_index_optimize(dl_archive *ar);

#ifdef __cplusplus
}
#endif
#endif /* DATELINE_H */
