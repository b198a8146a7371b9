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

/* ------------------------------------------------------ quotes, entities */

/*
 * Who said what (`dateline quotes`, GET /api/quotes).  Every field may be
 * left 0/NULL: speaker NULL = anyone; text NULL = any quote; from_day /
 * to_day are inclusive day numbers, 0 and 0 meaning no bound (set
 * has_from / has_to to use a bound); limit 0 = 20.
 *
 * speaker matches case-insensitively the canonical name ("Boris Johnson"),
 * else, when no quote has that exact name, any speaker having it as a word
 * sequence ("Johnson", "Boris").  text: every word of it must occur in the
 * quote or in its speaker's name (case-insensitive, whole words).
 */
typedef struct dl_quote_query {
    const char *speaker;
    const char *text;
    int has_from, has_to;
    int32_t from_day, to_day;
    size_t limit;
} dl_quote_query;

/* One quote found; all strings owned by the array (dl_quote_hits_free). */
typedef struct dl_quote_hit {
    char *speaker;       /* canonical name, NULL when unattributed */
    char *text;          /* the quoted words */
    char date[11];       /* the article's date */
    char id[DL_ID_MAX];  /* the article's id */
    uint32_t start, end; /* byte offsets of the quote in the article's text */
} dl_quote_hit;

/* Quotes newest first (then in text order).  On DL_OK *out is an array of
 * *n hits that the caller frees with dl_quote_hits_free (NULL when n = 0).
 * DL_ESTORE (message in dl_archive_errmsg) or DL_ENOMEM. */
int dl_archive_quotes(dl_archive *ar, const dl_quote_query *q, dl_quote_hit **out,
                      size_t *n);
void dl_quote_hits_free(dl_quote_hit *v, size_t n);
/* {"quotes": [{"speaker", "text", "date", "id", "start", "end"}]} (SPEC 4),
 * no newline; caller frees with dl_free; NULL on OOM. */
char *dl_quote_hits_json(const dl_quote_hit *v, size_t n, size_t *len);

/*
 * The people, organisations and places (`dateline entities`), most mentioned
 * first.  text: every word of it must occur in the name (case-insensitive,
 * substring); dates and limit as for quotes.  type is DL_PERSON, DL_ORG or
 * DL_PLACE; mentions sums the mentions over the articles, articles counts
 * the articles naming it.
 */
typedef struct dl_entity_query {
    const char *text;
    int has_from, has_to;
    int32_t from_day, to_day;
    size_t limit;
} dl_entity_query;

typedef struct dl_entity_hit {
    char *name;
    int type;
    uint64_t mentions, articles;
} dl_entity_hit;

/* Same conventions as dl_archive_quotes; free with dl_entity_hits_free. */
int dl_archive_entities(dl_archive *ar, const dl_entity_query *q, dl_entity_hit **out,
                        size_t *n);
void dl_entity_hits_free(dl_entity_hit *v, size_t n);
/* {"entities": [{"name", "type", "mentions", "articles"}]}, type as in SPEC 4
 * ("PERSON", "ORG", "PLACE"); caller frees with dl_free; NULL on OOM. */
char *dl_entity_hits_json(const dl_entity_hit *v, size_t n, size_t *len);

/* ----------------------------------------------------------------- ingest */

typedef struct dl_ingest dl_ingest;

enum { DL_ADDED = 1, DL_PRESENT = 2, DL_NEAR_DUP = 3 };

typedef struct dl_ingest_counts {
    uint64_t added;           /* new articles committed, near-duplicates included */
    uint64_t present;         /* already in the archive (or twice in the input) */
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
/* Adds one record (copied: rec is free to go when the call returns).
 * *status gets DL_PRESENT when the archive holds its id already, else
 * DL_ADDED: accepted, to be analyzed (on worker threads, $DATELINE_THREADS)
 * and written in input order; whether it proved new, a repeat within the
 * same ingest, or a near-duplicate shows in the counts.  Commits by itself
 * whenever a batch is full. */
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


/* ---------------------------------------------------------------- stories */

/*
 * Near-duplicates (one wire story on several sites), found during ingest.
 * dl_dups lists every pair found, a ingested before b.  *out is owned by the
 * caller (dl_free); *n gets the count.  DL_OK, DL_ENOMEM or DL_ESTORE.
 */
typedef struct dl_dup_pair {
    char a[DL_ID_MAX], b[DL_ID_MAX]; /* article ids */
    double similarity;               /* shingle containment, 0..1 */
} dl_dup_pair;
int dl_dups(dl_archive *ar, dl_dup_pair **out, size_t *n);
/* The near-duplicate similarity of two texts (the same measure ingest uses,
 * a pair counts from 0.465); -1 on OOM. */
double dl_near_dup_similarity(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Stories: groups of articles on one event or development, assigned online
 * during ingest; a story's id never changes once given.  dl_stories selects
 * the stories that have articles in [from, to] (either NULL for open) and,
 * when query is non-NULL and not empty, whose articles match the query's
 * words; each story lists its articles of that range, oldest first.  Stories
 * come largest first.  *out is owned by the caller: dl_stories_free(*out, *n).
 */
typedef struct dl_story {
    char id[24];         /* the story's stable id (decimal) */
    char *label;         /* a few words */
    char first[11], last[11];
    char (*articles)[DL_ID_MAX];
    size_t n_articles;
} dl_story;
int dl_stories(dl_archive *ar, const char *query, const char *from, const char *to,
               dl_story **out, size_t *n);
void dl_stories_free(dl_story *s, size_t n);
/* {"stories": [...]} (SPEC 4); caller frees with dl_free; NULL on OOM. */
char *dl_stories_json(const dl_story *s, size_t n, size_t *len);

/*
 * A dated timeline of a topic (SPEC 3): the topic's articles come from the
 * search index; dates are ranked by articles published on them and by time
 * expressions pointing at them, then up to per_date sentences are picked per
 * date.  from/to may be NULL; dates <= 0 and per_date <= 0 pick defaults
 * (10 and 2).  *out is owned by the caller (dl_timeline_free).
 */
typedef struct dl_timeline_line {
    char *text;
    char id[DL_ID_MAX];  /* the article the sentence comes from */
} dl_timeline_line;
typedef struct dl_timeline_date {
    char date[11];
    dl_timeline_line *lines;
    size_t n_lines;
} dl_timeline_date;
typedef struct dl_timeline {
    char *query;
    dl_timeline_date *dates;   /* in date order */
    size_t n_dates;
} dl_timeline;
int dl_timeline_build(dl_archive *ar, const char *query, const char *from, const char *to,
                      int dates, int per_date, dl_timeline **out);
void dl_timeline_free(dl_timeline *tl);
/* {"query": ..., "timeline": [...]} (SPEC 4); caller frees with dl_free. */
char *dl_timeline_json(const dl_timeline *tl, size_t *len);

/*
 * A summary of one article: the sentences that best summarise it, in text
 * order (leads weigh most; captions, bylines and page clutter are skipped).
 * max_sentences <= 0 picks the default (3).  *out is owned by the caller
 * (dl_summary_free).
 */
typedef struct dl_summary {
    char id[DL_ID_MAX];
    char **sentences;
    size_t n_sentences;
} dl_summary;
int dl_summarize(const dl_analyzer *az, const dl_record *rec, int max_sentences,
                 dl_summary **out);
/* The same over an annotation already made (e.g. dl_archive_get). */
int dl_summarize_annotation(const dl_annotation *a, int max_sentences, dl_summary **out);
void dl_summary_free(dl_summary *s);
/* {"id": ..., "sentences": [...]} (SPEC 4), no newline; caller frees with dl_free. */
char *dl_summary_json(const dl_summary *s, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* DATELINE_H */
