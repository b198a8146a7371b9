/*
 * ner.h -- the named-entity stage: an averaged-perceptron BIO tagger over
 * the tokens of a document (PERSON / ORG / PLACE, plus MISC which is tagged
 * so it does not pollute the others but is never output), followed by alias
 * linking inside the article (surnames, titled forms, first-name forms,
 * acronyms, "the ambassador").
 *
 * The public stage functions (dl_ner_load, dl_ner_free, dl_ner_tag) are
 * declared in analyze.h.  What follows here is shared with the trainer
 * (tools/train_ner.c), which must extract exactly the features the tagger
 * uses at run time.
 *
 * Model file (models/ner.model): one zstd frame holding
 *   "DLNER004"  magic (003: the same layout, features hashed with mix64)
 *   u32 nbits   log2 of the number of weight rows
 *   u32 ntags   DL_NER_NT
 *   f32 scale   stored weight = round(real weight * scale)
 *   u32 ngaz    gazetteer entries
 *   u8 pad[8]   (32-byte header)
 *   ngaz x (u64 key, u8 kinds, 7 pad)
 *   u8 bitmap[(1 << nbits) / 8]   rows with a non-zero weight
 *   i16 rows[popcount(bitmap)][ntags]   those rows, in bucket order
 * all little-endian.  Loading decompresses once and scatters the rows into
 * a dense table (hashed feature weights, one 16-byte row of DL_NER_NT per
 * bucket: 8 MB for nbits 19) on fresh mmap'd pages, transparent huge pages
 * where the system allows (the tagger reads rows at random: fewer TLB
 * misses); nothing is trained or fetched at run time.  Load: ~10 ms.
 */
#ifndef DL_ANALYZE_NER_H
#define DL_ANALYZE_NER_H

#include "analyze.h"

/* BIO tags; MISC is learnt (one tag, no B/I: adjacent MISC names are rare)
 * but dropped from the output.  Eight tags make a weight row 16 bytes, so a
 * row never straddles a cache line. */
enum {
    DL_NER_O = 0,
    DL_NER_B_PER, DL_NER_I_PER,
    DL_NER_B_ORG, DL_NER_I_ORG,
    DL_NER_B_LOC, DL_NER_I_LOC,
    DL_NER_MISC,
    DL_NER_NT /* number of tags */
};
#define DL_NER_BOS DL_NER_NT /* "previous tag" at a sentence start */
#define DL_NER_MAXF 48       /* most features one token can have */
#define DL_NER_LEXCAP 512    /* slots of the word-list table (a power of two) */

/* gazetteer kinds (bits) */
enum { DL_GAZ_COUNTRY = 1, DL_GAZ_SUBDIV = 2, DL_GAZ_CITY = 4 };

/* word lists of the alias linker (dl_ner_tok.lex) */
enum {
    DL_LEX_TITLE = 1, DL_LEX_STOP = 2, DL_LEX_ROLE = 4, DL_LEX_SIR = 8, DL_LEX_PTITLE = 16,
    DL_LEX_TIME = 32,   /* weekday or month name ("Monday", "Sept."): never ends a name */
    DL_LEX_TIMENM = 64, /* month that is also a name ("May", "June"): ends a name only
                         * when a day number follows */
    DL_LEX_FUNC = 128,  /* function word ("Until", "Since"): no name starts with it */
};

/* token flags */
enum {
    DL_NT_CAP = 1,       /* first character is an upper-case letter */
    DL_NT_LOWER = 2,     /* first character is a lower-case letter */
    DL_NT_ALLCAP = 4,    /* has letters, none lower-case */
    DL_NT_SENT = 8,      /* first token of a sentence (own heuristic) */
    DL_NT_CAPLINE = 16,  /* on a line written in capitals (headline) */
    DL_NT_PUNCT = 32,    /* punctuation */
    DL_NT_DIGIT = 64,    /* starts with a digit */
    DL_NT_PLAIN = 128,   /* ASCII, no upper case, <= 64 bytes: its own lower-case form */
    DL_NT_NLGAP = 256,   /* the white space before it has a line break (DL_TF_NEWLINE) */
    DL_NT_ASCII = 512,   /* ASCII, <= 64 bytes (its affixes need no lower_copy) */
};

/* A token as the tagger sees it: the shared tokens with "'s" split off and
 * single-letter abbreviations ("U.S.", "J.") joined. */
typedef struct dl_ner_tok {
    uint32_t start, end;
    uint16_t flags; /* DL_NT_* */
    uint8_t gaz;    /* bits 0-2: starts a gazetteer name of that kind; 3-5: inside one */
    uint8_t lex;    /* DL_LEX_* word lists it belongs to (alias linker) */
    uint64_t h_word, h_lower, h_shape; /* affixes are hashed when scored */
} dl_ner_tok;

typedef struct dl_ner_model {
    uint32_t nbits;
    float scale;
    const int16_t *w;   /* (1 << nbits) * DL_NER_NT; NULL in a trainer's model */
    const uint32_t *pre; /* rows of the fixed-range features (ner.c, PRE_*); tagger only */
    uint64_t *gaz_key;  /* open addressing, key 0 = empty */
    uint8_t *gaz_val;
    size_t gaz_mask, gaz_n;
    void *blob;         /* mmap'd region holding the weight table (w) */
    size_t blob_len;
    uint64_t lex_key[DL_NER_LEXCAP]; /* word lists by lower-case hash (open addressing,
                                     * under half full: misses end fast) */
    uint8_t lex_val[DL_NER_LEXCAP];
} dl_ner_model;

/* Per-document state: tokens plus document-level memory. */
typedef struct dl_ner_doc {
    const char *text;
    size_t len;
    DL_VEC(dl_ner_tok) t;
    uint64_t *hk;  /* lower-case word hash -> doc flags (open addressing) */
    uint8_t *hv;
    uint8_t *hv2;  /* classes the word got in the first pass (bits 0-3: PER ORG
                    * LOC MISC, bit 4: O while capitalised mid-sentence) */
    size_t hmask;
    uint32_t *hused; /* slots of hk in use, nused of them: the only non-zero
                      * ones, cleared when the doc is reused (ner.c) */
    size_t nused;
    size_t hcap;   /* slots allocated (>= hmask + 1) */
    int pass;      /* 0: first pass; 1: second pass, which sees hv2 */
    int caplines;  /* some token has DL_NT_CAPLINE */
} dl_ner_doc;

/* Builds the tagger's view of text (tokens from dl_tokenize) with the
 * gazetteer marks of model m (may have no gazetteer).  DL_OK/DL_ENOMEM;
 * free with dl_ner_doc_free even on failure. */
int dl_ner_doc_build(const dl_ner_model *m, dl_ner_doc *doc, const char *text, size_t len,
                     const dl_token *toks, size_t n);
void dl_ner_doc_free(dl_ner_doc *doc);
/* 1 when token i is tagged O without scoring (lower-case word, number or
 * punctuation after an O). */
int dl_ner_skip(const dl_ner_doc *doc, size_t i, int prev);
/* Writes the feature hashes of token i given the two previous tags (or
 * DL_NER_BOS) into f[DL_NER_MAXF]; returns how many. */
size_t dl_ner_feats(const dl_ner_doc *doc, size_t i, int p1, int p2, uint64_t *f);
/* Starts decoding pass 0 or 1 over the doc: the history of the previous
 * pass is forgotten; pass 1 sees, for each word, the classes pass 0 gave it
 * anywhere in the document. */
void dl_ner_pass(dl_ner_doc *doc, int pass);
/* Two-pass greedy decoding of the whole doc into tags[doc->t.n]; choose
 * scores token i given the two previous tags (its features: dl_ner_feats)
 * and returns the tag (the trainer's choose also learns). */
typedef int (*dl_ner_choose_fn)(void *ctx, const dl_ner_doc *doc, size_t i, int p1, int p2);
void dl_ner_decode(dl_ner_doc *doc, uint8_t *tags, dl_ner_choose_fn choose, void *ctx);
/* Records the tag chosen for token i (document-level history feature). */
void dl_ner_note(dl_ner_doc *doc, size_t i, int tag);
/* 1 if tag may follow prev (I-X only after B-X or I-X). */
int dl_ner_valid(int prev, int tag);

/* Repairs decoded tags[doc->t.n] in place before linking (tagger only;
 * the trainer learns raw decisions): a one-word PERSON takes in the
 * capitalised word after it that the tagger made MISC, O or a second B-PER
 * when that word is a person's word elsewhere in the doc or an unknown
 * word ("Bernie" + "Sanders"); an ORG ending in a plural possessive goes
 * on to the organisation noun after it ("Harbour Workers' Union").
 * Overwrites doc->hv2 (decoding is over). */
void dl_ner_fix_tags(dl_ner_doc *doc, uint8_t *tags);

/* Trainer side: an empty model with a gazetteer only; add entries; write a
 * model file with the given real-valued weights ((1 << nbits) * NT). */
dl_ner_model *dl_ner_model_new(uint32_t nbits);
int dl_ner_gaz_add(dl_ner_model *m, int kinds, const char *name, size_t len);
int dl_ner_model_save(const dl_ner_model *m, const float *w, const char *path);
/* Bucket of a feature hash. */
static inline size_t dl_ner_bucket(const dl_ner_model *m, uint64_t f)
{
    return (size_t)(f >> (64 - m->nbits));
}

/* Finds the model file: $DATELINE_MODELS/ner.model, then models/ner.model
 * beside the running binary or up to three folders above it, then
 * ./models/ner.model.  Writes the path into buf; DL_OK or DL_ENOTFOUND. */
int dl_ner_find_model(char *buf, size_t cap);

#endif
