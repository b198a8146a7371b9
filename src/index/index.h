/*
 * index.h -- the search index: its contract to the rest of the library
 * (ingest adds documents, search and the timeline/server read it).
 *
 * The index is a set of immutable segment files in the archive directory
 * (seg-NNNNNNNN.dlx), each listed in the SQLite table index_segments.  A
 * segment is written per ingest batch, fsynced, and registered inside the
 * batch's transaction, so a crash never exposes half a segment; files that
 * no row references are deleted when a writer opens the index.  The file
 * format, the ranking and the query language are specified in
 * docs/internals/index.md.
 *
 * Threads: a dl_index (and the dl_archive it belongs to) is used by one
 * thread at a time, like the archive itself.
 */
#ifndef DL_INDEX_H
#define DL_INDEX_H

#include "../dl_int.h"
#include "../store/store.h"
#include "../text/token.h"

/* ------------------------------------------------------------------ terms */

/* Terms longer than this many bytes (after folding) are not indexed. */
#define DL_TERM_MAX 64

/*
 * Turns words into index terms: NFKC + case fold (utf8proc), U+2019 as ',
 * then the Snowball English stemmer.  Numbers are kept as written.  A termer
 * caches the term of every distinct word it has seen, so repeated words cost
 * one hash lookup.  Not thread-safe (the stemmer is not).
 */
typedef struct dl_termer dl_termer;
int dl_termer_new(dl_termer **out);
void dl_termer_free(dl_termer *t);
/* The term of word w[0,n) of token kind (DL_TOK_*).  Returns its length and
 * sets *term to bytes owned by the termer (never moved: valid until
 * dl_termer_free, however many words come after), or
 * returns 0 when the word yields no term (too long, punctuation).  The
 * returned id is a dense number of the distinct term (0, 1, 2...) within
 * this termer, through *id when non-NULL. */
size_t dl_termer_term(dl_termer *t, const char *w, size_t n, int kind,
                      const char **term, uint32_t *id);
/* The bytes of term id (as returned above); length in *len. */
const char *dl_termer_str(const dl_termer *t, uint32_t id, size_t *len);
uint32_t dl_termer_count(const dl_termer *t);
/* Stems through c (text/stemcache.h, shared with other threads; NULL:
 * none) from now on; c must outlive the termer's use of it. */
struct dl_stemcache;
void dl_termer_share(dl_termer *t, struct dl_stemcache *c);

/* Index terms worked out on other threads.  A thread that goes over the
 * words anyway (the ingest's analysis workers, story/prep.c) can hand the
 * index thread each word's term as an entry id of the stem cache c that
 * both share, so the index thread skips its own lookup of the word:
 * dl_term_word_id gives the term of the WORD token w[0, n) (with the
 * thread's own stemmer sb) as such an id, 0 when it yields no term, or
 * DL_TERM_SELF when it has no id (the word goes to dl_termer_term then).
 * dl_termer_term_ids turns n such ids (an article's, from the termer's
 * shared cache, dl_termer_share) into term ids (as dl_termer_term's *id):
 * out[i] is the term id of ix[i], DL_TERM_SELF where ix[i] is, and
 * DL_TERM_NONE for no term (0, or out of memory). */
#define DL_TERM_SELF UINT32_MAX
#define DL_TERM_NONE (UINT32_MAX - 1)
struct sb_stemmer;
uint32_t dl_term_word_id(struct dl_stemcache *c, struct sb_stemmer *sb, const char *w, size_t n);
void dl_termer_term_ids(dl_termer *t, const uint32_t *ix, size_t n, uint32_t *out);

/* ------------------------------------------------------------------ index */

typedef struct dl_index dl_index;

/* The index of archive ar; ar->index keeps it (dl_archive_close closes it).
 * Opens it on first use.  DL_OK, DL_ECORRUPT, DL_ESTORE, DL_ENOMEM. */
int dl_index_get(dl_archive *ar, dl_index **out);
void dl_index_close(dl_index *ix);

/* Re-reads the segment list if another connection committed meanwhile. */
int dl_index_refresh(dl_index *ix);

/* Number of segments and documents currently visible. */
void dl_index_counts(const dl_index *ix, size_t *segments, uint64_t *docs);

/* -------------------------------------------------------- batch writing */

/*
 * An index batch: documents added between two commits of an ingest.  Call
 * order: add* -> flush (inside the open SQLite transaction, before COMMIT:
 * writes + fsyncs the segment and inserts its row) -> done(committed) after
 * COMMIT or ROLLBACK (a rolled-back segment file is deleted).
 */
typedef struct dl_ibatch dl_ibatch;
int dl_ibatch_new(dl_index *ix, dl_ibatch **out);
void dl_ibatch_free(dl_ibatch *b);
/* The index's termer stems through c from now on (dl_termer_share). */
void dl_ibatch_share_stems(dl_ibatch *b, struct dl_stemcache *c);
/* Adds one document; title may be NULL.  DL_OK or DL_ENOMEM/DL_ETOOBIG. */
int dl_ibatch_add(dl_ibatch *b, int64_t docno, int32_t day, const char *title,
                  size_t title_len, const char *text, size_t text_len);
/* The same with the text's tokens (dl_tokenize(text, text_len), borrowed)
 * when the caller has them (NULL or empty: tokenized here), and with their
 * terms when it has those too: text_ix[i] for token i, as dl_term_word_id
 * gives it for a WORD token whose term it has worked out, DL_TERM_SELF for
 * any other token (NULL: none; only with text_toks, and ids only from the
 * cache given to dl_ibatch_share_stems). */
int dl_ibatch_add_toks(dl_ibatch *b, int64_t docno, int32_t day, const char *title,
                       size_t title_len, const char *text, size_t text_len,
                       const dl_tokvec *text_toks, const uint32_t *text_ix);
size_t dl_ibatch_docs(const dl_ibatch *b);
/* Writes the batch's segment and registers it (inside the write txn):
 * dl_ibatch_reserve, dl_ibatch_write, dl_ibatch_register in turn. */
int dl_ibatch_flush(dl_ibatch *b);
/* The same in three steps, so that the middle one, which uses no SQL and
 * takes the time (sorting, encoding, writing and syncing the file), can
 * run on another thread than the connection's: reserve takes the segment
 * id (SQL), write writes the file (no SQL), register records it (SQL). */
int dl_ibatch_reserve(dl_ibatch *b);
int dl_ibatch_write(dl_ibatch *b);
int dl_ibatch_register(dl_ibatch *b);
void dl_ibatch_done(dl_ibatch *b, int committed);

/*
 * Merges segments.  full: merge everything into one segment (optimize);
 * else merge only while some size tier holds DL_MERGE_FACTOR segments.
 * Runs its own transaction (the archive must be writable and no batch
 * open).  Results of every query are identical before and after.
 */
#define DL_MERGE_FACTOR 8
int dl_index_merge(dl_index *ix, int full);

/* ---------------------------------------------------------------- search */

typedef struct dl_query dl_query;
/* Parses a query (docs/internals/index.md, "Query language").  On
 * DL_ESYNTAX, *err gets a static message. */
int dl_query_parse(dl_termer *t, const char *q, size_t len, dl_query **out,
                   const char **err);
void dl_query_free(dl_query *q);
/* Debug form of the parsed query, e.g. AND(OR(a,b),"c d") NOT(e); the
 * caller frees it with dl_free. */
char *dl_query_describe(const dl_query *q);
/* Calls fn for every positive term of q (for snippets). */
int dl_query_has_term(const dl_query *q, const char *term, size_t len);

typedef struct dl_scored dl_scored; /* dateline.h */

/* Top k documents of q dated [from, to] (inclusive day numbers), best
 * first (score, then newer day, then larger docno).  out has room for k.
 * *nout gets the count; *total, when non-NULL, the exact number of matches
 * (costs a full boolean pass). */
int dl_index_search(dl_index *ix, const dl_query *q, int32_t from, int32_t to,
                    size_t k, dl_scored *out, size_t *nout, uint64_t *total);

/* BM25 as FTS5 computes it (k1 1.2, b 0.75). */
#define DL_BM25_K1 1.2
#define DL_BM25_B 0.75
double dl_bm25_idf(uint64_t N, uint64_t n);
double dl_bm25_tf(double tf, double dl, double avgdl);

#endif
