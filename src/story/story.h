/*
 * story.h -- stories: online clustering of articles as they arrive, and the
 * text features (terms) that clustering, timelines and summaries share.
 *
 * Terms.  An article's terms are its content words, lower-cased and stemmed
 * (Snowball English), stop words and numbers dropped.  Capitalised words
 * inside a sentence (names of people, places, organisations) weigh double:
 * they are what tells two similar events apart (two rehab check-ins, two
 * royal deaths).  dl_text_terms can add an annotation's entity names as
 * whole terms (summaries); story clustering does not (see doc_vector).
 *
 * Clustering (Miranda et al. 2018 style, single pass).  Each article is a
 * TF-IDF vector (document frequencies kept in the archive, story_df) cut to
 * its STORY_DOC_TERMS best terms.  Candidate stories are those that share a
 * top term with the article (story_keys) and whose last article lies within
 * STORY_WINDOW days of it (bounded work: the newest rows of each key are
 * read, and only the 32 candidates sharing most keys are scored, story.c);
 * the article joins the most similar candidate
 * (cosine with the story's centroid, minus a penalty per day of distance)
 * when that reaches STORY_THRESHOLD.  Failing that, a slower signal: the
 * stories that share STORY_ENT_MIN of the article's people and
 * organisations (canonical names from the analysis, "@" keys in story_keys,
 * too frequent ones left out) within STORY_ENT_WINDOW days, with no day
 * penalty and the lower STORY_ENT_THRESHOLD (a story resumed after a gap,
 * or drifted in vocabulary); else the article opens a new story.  A copy found
 * by dedup joins the story of its original.  Story ids are SQLite rowids:
 * given once, never reused.  The centroid (sum of member vectors, cut to
 * STORY_CENTROID_TERMS terms) is kept in stories.state as text lines
 * "term TAB surface TAB weight"; the label is the centroid's best surface
 * forms.  An ingest into an archive with no story rows yet keeps the
 * df and key rows it writes in memory and reads them there for as long as
 * no other connection writes (story.c, mem).
 *
 * Merges (long stories whose phases drift in vocabulary: an emergency,
 * then the inquiry).  At each batch's end (dl_storyer_flush) every story
 * the batch touched is compared with the stories sharing STORY_MERGE_MIN_HITS
 * of its best centroid terms within STORY_MERGE_WINDOW days, by centroid
 * cosine; it merges with the one that clears the threshold by most, and the
 * survivor is compared again.  The threshold depends on time only:
 * STORY_MERGE_NEAR when one story lies within the other's active period
 * (first..last, padded by its span up to STORY_MERGE_PAD days; a story seen
 * on one day has none), else STORY_MERGE_FAR plus STORY_MERGE_DAY per day
 * apart: phases of one story overlap in time, while neighbouring events of
 * one kind (two Boeing incidents, two royal deaths) lie months or years
 * apart, and same-day events of one kind need the high bar.  The older
 * (smaller) id survives: the articles move to it, the centroids add up, and
 * the merged row stays as a tombstone (articles 0, label NULL, state
 * "=ID" naming the survivor) so the id is never given again and old
 * story_keys rows still lead to the survivor.  Readers list stories through
 * their articles, so tombstones never show.
 *
 * Writes.  Story rows changed by an article are written once per batch
 * (or when evicted from the cache); df increments, story_keys rows (in
 * mem mode) likewise, in key order, many rows per statement.
 */
#ifndef DL_STORY_H
#define DL_STORY_H

#include "../dl_int.h"
#include "../text/token.h"

#define STORY_DOC_TERMS 60
#define STORY_KEY_TERMS 12
#define STORY_CENTROID_TERMS 150
#define STORY_WINDOW 180         /* days */
#define STORY_THRESHOLD 0.20
#define STORY_DAY_PENALTY 0.0005
/* the entity signal (story.c, entity_keys): the people (named by more than
 * one word) and organisations an article mentions most */
#define STORY_ENT_KEYS 8
#define STORY_ENT_MENTIONS 1
#define STORY_ENT_MIN 2
#define STORY_ENT_WINDOW 400     /* days */
#define STORY_ENT_MIN_DOCS 200
#define STORY_ENT_MAX_DF 0.05
/* the merge pass at each batch's end (story.c, merge_one) */
#define STORY_MERGE_WINDOW 400   /* days around a story searched */
#define STORY_MERGE_MIN_HITS 2   /* best centroid terms shared */
#define STORY_MERGE_NEAR 0.25    /* cosine, within the other's active period */
#define STORY_MERGE_FAR 0.45     /* cosine, otherwise ... */
#define STORY_MERGE_DAY 0.0002   /* ... plus this per day apart */
#define STORY_MERGE_PAD 60       /* days: most an active period is padded */
#ifndef STORY_ENT_THRESHOLD
#define STORY_ENT_THRESHOLD 0.10
#endif

typedef struct dl_term {
    char *term;      /* stem (owned) */
    char *surface;   /* a surface form, for labels (owned) */
    double w;
} dl_term;

typedef DL_VEC(dl_term) dl_termvec;

typedef struct dl_stemmer dl_stemmer;
dl_stemmer *dl_stemmer_new(void);
void dl_stemmer_free(dl_stemmer *s);
/* Stems through c (text/stemcache.h, shared with other threads; NULL:
 * none) from now on; c must outlive s's use. */
struct dl_stemcache;
void dl_stemmer_share(dl_stemmer *s, struct dl_stemcache *c);

/* Raw term counts of a text (weights = counts, proper nouns double), plus
 * the entity names of an annotation when a is non-NULL.  Terms sorted by
 * term, distinct.  DL_OK or DL_ENOMEM. */
int dl_text_terms(dl_stemmer *sm, const char *text, size_t len, const dl_annotation *a,
                  dl_termvec *out);
/* The raw term counts of a text as dl_text_terms finds them (no entity
 * names), in one arena: no string per term, no sort (first-seen order).
 * For the ingest's workers (prep.h): the writer makes strings only of the
 * terms it keeps.  Appends to out; DL_OK or DL_ENOMEM. */
typedef struct dl_rawterm {
    uint32_t term, surface;  /* offsets of NUL-terminated strings in buf */
    double w;
} dl_rawterm;
typedef struct dl_rawterms {
    char *buf;
    size_t buf_n, buf_cap;
    DL_VEC(dl_rawterm) v;
    /* Optional (lspace 0: none): lid.v[i] is a number of term v[i]'s
     * string in the space lspace, which its producer names (a number no
     * other space of the process has) and in which one string always has
     * one number; the story assigner remembers what it made of each number
     * so that it skips the string lookup (story/prep.c makes them). */
    uint64_t lspace;
    DL_VEC(uint32_t) lid;
} dl_rawterms;
/* A new number for dl_rawterms.lspace. */
uint64_t dl_rawterms_space(void);
int dl_text_rawterms(dl_stemmer *sm, const char *text, size_t len, const dl_tokvec *toks,
                     dl_rawterms *out);
void dl_rawterms_free(dl_rawterms *r);
/* The same from the text's tokens (dl_tokenize(text, len), borrowed; NULL:
 * tokenised here). */
int dl_text_terms_toks(dl_stemmer *sm, const char *text, size_t len, const dl_tokvec *toks,
                       const dl_annotation *a, dl_termvec *out);
/* Stems one lower-cased query word into out (cap bytes); 0 if it is a stop
 * word or empty. */
size_t dl_stem_word(dl_stemmer *sm, const char *w, size_t len, char *out, size_t cap);
int dl_is_stopword(const char *w, size_t len);
void dl_terms_free(dl_termvec *v);

struct dl_archive;
/* 1 when the archive's last failed statement named a table or column that
 * this archive lacks (an archive written before a stage existed, opened
 * read-only so the schema was not completed): readers then return empty
 * results instead of an error. */
int dl_story_schema_missing(struct dl_archive *ar);

typedef struct dl_storyer dl_storyer;
int dl_storyer_new(struct dl_archive *ar, dl_storyer **out);
void dl_storyer_free(dl_storyer *s);
/* Writes the document-frequency increments kept in memory (story_df); the
 * ingest calls it inside each batch's transaction, before COMMIT. */
int dl_storyer_flush(dl_storyer *s);
/* Drops the story_keys rows held in memory, as running out of memory
 * does: the key log's rows (storykeys.log) move into story_keys, which
 * lookups read from then on.  Inside a transaction.  Exposed so that tests
 * can exercise that path. */
int dl_storyer_drop_keys(dl_storyer *s);
/* Assigns the article just written (docno, annotation a) to a story, during
 * the ingest's transaction; dup_of != 0 names the article it copies.  terms,
 * when non-NULL, are dl_text_rawterms(a->text) computed beforehand (on an
 * analysis worker, prep.h), borrowed. */
int dl_story_assign(dl_storyer *s, int64_t docno, const dl_annotation *a, int64_t dup_of,
                    const dl_rawterms *terms);

#endif
