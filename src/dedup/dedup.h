/*
 * dedup.h -- near-duplicate detection (one wire story on many sites).
 *
 * Method.  Each article becomes the set of its word 5-shingles, hashed to 32
 * bits, after a normalisation that erases what syndication changes: case,
 * quote and apostrophe style, accents, British/American spelling (doubled
 * consonants, -ise/-ize, -our/-or, -tre/-ter, -ence/-ense, -ogue/-og) and
 * punctuation.  Two articles are near-duplicates when the containment
 * |A n B| / min(|A|, |B|) reaches DL_DUP_THRESHOLD: containment rather than
 * Jaccard, because copies are truncated, lose paragraphs, gain captions,
 * clutter and other ledes, which shrink one side but not what it shares.
 * Independent reports of one event share quotes and names but few runs of
 * three words of prose, and stay well below the threshold.
 *
 * Candidates come from an inverted index over a fixed sample of the shingle
 * hashes (those whose low 2 to 4 bits are zero, the rate chosen by the
 * text's length, dl_dup_key_mask: the same shingle is sampled in every
 * article that has it at that rate), kept in the archive (dup_keys);
 * each candidate is verified on its full signature (dup_sigs; the
 * signatures of the session and those already read are kept in memory, at
 * most 256 MB, dedup.c, the signature store).  An ingest into an archive with no keys
 * yet reads the keys it wrote from memory for as long as no other
 * connection writes (dedup.c, keyent).  Work per article is bounded: at
 * most DL_DUP_POSTINGS postings per key and DL_DUP_CANDIDATES candidates
 * are read.
 *
 * Tables (schema in store/archive.c): dup_sigs(docno, sig BLOB: sorted
 * little-endian uint32 5-shingles, then the 2-shingles, then a trailer
 * with the 5-shingle count; older blobs hold the 5-shingles alone, see
 * dedup.c), dup_keys(key, docno), dup_pairs(a, b, sim) with
 * a < b (docnos), and articles.dup_of / dup_sim on the later copy.
 */
#ifndef DL_DEDUP_H
#define DL_DEDUP_H

#include "../dl_int.h"
#include "../text/token.h"

#define DL_DUP_THRESHOLD 0.465   /* on DL_DUP_SCORE */
#define DL_DUP_PREFILTER 0.25    /* c5 below this is never a copy */
#define DL_DUP_K 5              /* words per shingle */
#define DL_DUP_KEY_BITS 2       /* short texts: 1 shingle in 4 is an index key */
#define DL_DUP_KEY_BITS_MAX 4   /* long texts: down to 1 in 16 */
#define DL_DUP_KEY_TARGET 32    /* keys wanted per text */

/* The key mask of a text of n shingles: the sparsest rate (fewest index
 * rows) that still gives about DL_DUP_KEY_TARGET keys.  Rates are nested
 * (a 1-in-16 key is also a 1-in-4 key), so two texts of different lengths
 * meet on the keys of the sparser rate: a short copy of a long article
 * shares about its shingles / 16 keys with it. */
static inline uint32_t dl_dup_key_mask(size_t n)
{
    unsigned bits = DL_DUP_KEY_BITS;
    while (bits < DL_DUP_KEY_BITS_MAX && (n >> (bits + 1)) >= DL_DUP_KEY_TARGET) bits++;
    return (1u << bits) - 1;
}
#define DL_DUP_POSTINGS 200
#define DL_DUP_CANDIDATES 64
#define DL_DUP_MIN_SHINGLES 8   /* shorter texts are never near-duplicates */

typedef DL_VEC(uint32_t) dl_u32vec;

/* Appends the sorted, distinct shingle hashes of text[0, len) to out
 * (cleared first).  Linear in len.  DL_OK or DL_ENOMEM. */
int dl_shingles(const char *text, size_t len, dl_u32vec *out);

/* The same with k-word shingles (1 <= k <= DL_DUP_K). */
int dl_shingles_k(const char *text, size_t len, int k, dl_u32vec *out);

/* dl_shingles into sig and the 2-shingles into bi, in one pass. */
int dl_shingles_pair(const char *text, size_t len, dl_u32vec *sig, dl_u32vec *bi);
/* The same from the text's tokens (dl_tokenize(text, len)), borrowed. */
int dl_shingles_pair_toks(const char *text, size_t len, const dl_tokvec *toks, dl_u32vec *sig,
                          dl_u32vec *bi);

/* The near-duplicate score of two texts from their 5-shingle containment c5
 * and 2-shingle containment c2: (c5 + c2 / 2) / 1.5.  The bigram term
 * keeps copies whose wording was lightly changed (synonyms swapped, spelling
 * changed) above the threshold, where 5-word runs break. */
#define DL_DUP_SCORE(c5, c2) (((c5) + 0.5 * (c2)) / 1.5)

/* |A n B| / min(|A|, |B|) of two sorted distinct hash arrays; 0 when either
 * is empty. */
double dl_containment(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* The dup_sigs blob of a signature (dedup.c): dl_dup_sig_bytes(n5) bounds
 * the size of the blob of n5 sorted distinct 5-shingles, which
 * dl_dup_sig_encode writes to p, returning its size.  dl_dup_sig_decode
 * reads a blob of n bytes of any version into s5 and s2 (the 2-shingles of
 * older blobs; none now: s2->n = 0), through the scratch buf; 1, or 0 when
 * the blob is damaged (then never trusted) or on OOM.  Exposed for the
 * unit tests and the fuzz target. */
typedef DL_VEC(unsigned char) dl_bytevec;
size_t dl_dup_sig_bytes(size_t n5);
size_t dl_dup_sig_encode(unsigned char *p, const uint32_t *s5, size_t n5);
int dl_dup_sig_decode(dl_bytevec *buf, const unsigned char *p, size_t n, dl_u32vec *s5,
                      dl_u32vec *s2);

/* Normalises one word (UTF-8, len bytes) for shingling into out (cap bytes,
 * NUL-terminated); returns its length, 0 when nothing is left.  Exposed for
 * the unit tests. */
size_t dl_dup_norm_word(const char *w, size_t len, char *out, size_t cap);

struct dl_archive;
typedef struct dl_dedup dl_dedup;

/* The ingest-time checker: prepared statements on an archive opened for
 * writing.  Free with dl_dedup_free. */
int dl_dedup_new(struct dl_archive *ar, dl_dedup **out);
void dl_dedup_free(dl_dedup *dd);

/* Bounds the memory of the signatures kept for verification (default 256
 * MB; at least the last half of it stays); call before the first article.
 * Exposed so that tests can exercise a full store. */
void dl_dedup_set_memory(dl_dedup *dd, size_t bytes);

/* Drops the in-memory key map, as running out of memory does: the key
 * log's records (dupkeys.log) move into dup_keys, which lookups read from
 * then on.  Inside a transaction.  DL_OK or a DL_E* (message recorded).
 * Exposed so that tests can exercise that path. */
int dl_dedup_drop_keys(dl_dedup *dd);

/*
 * Checks the article just inserted as docno against the archive, stores its
 * signature and keys, records every near-duplicate pair found, and when it
 * is a copy sets articles.dup_of (the earliest copy of the best match) and
 * dup_sim.  sig and bi, when non-NULL, are the 5- and 2-shingles of text
 * (dl_shingles_pair) computed beforehand (on an analysis worker,
 * story/prep.h); bi may be unsorted and hold repeats.  *dup_of gets that docno or 0, *sim the similarity.  Must
 * run in the ingest's transaction; key rows may be held until
 * dl_dedup_flush.  DL_OK, DL_ENOMEM or DL_ESTORE.
 */
int dl_dedup_article(dl_dedup *dd, int64_t docno, const char *text, size_t len,
                     const dl_u32vec *sig, const dl_u32vec *bi, int64_t *dup_of, double *sim);

/* Writes the key rows held back (dup_keys); the ingest calls it inside each
 * batch's transaction, before COMMIT. */
int dl_dedup_flush(dl_dedup *dd);

#endif
