/*
 * analyze.h -- the analysis pipeline's contract between its stages.
 *
 * dl_analyze() (analyze.c) fills a dl_doc stage by stage:
 *
 *   tokens     text/token.c       dl_tokenize
 *   sentences  analyze/sentence.c dl_sentence_split
 *   times      analyze/timex.c    dl_timex_tag
 *   entities   analyze/ner.c      dl_ner_tag        (needs az->ner)
 *   quotes     analyze/quote.c    dl_quote_find     (needs entities)
 *
 * Each stage reads what the earlier ones left in the doc and appends to its
 * own vectors.  A stage returns DL_OK or DL_ENOMEM; bad text is never an
 * error (a stage finds less, it does not fail).  Every stage is linear in the
 * length of the text.
 */
#ifndef DL_ANALYZE_H
#define DL_ANALYZE_H

#include "../dl_int.h"
#include "../text/token.h"

typedef struct dl_doc {
    const char *text;  /* the stored text (borrowed), NUL-terminated */
    size_t len;
    int32_t day;       /* the article's date as a day number */
    dl_tokvec toks;    /* tokens, in text order */
    dl_spanvec sents;  /* sentences, in text order, non-overlapping */
    DL_VEC(dl_timex) times;
    DL_VEC(dl_entity) ents;  /* names owned by the doc until handed over */
    DL_VEC(dl_quote) quotes;
} dl_doc;

/* Stages (bits of dl_analyzer.stages).  All run by default; the environment
 * variable DATELINE_STAGES, read once by dl_analyzer_new and meant ONLY for
 * benchmarking (bench/analyze.sh), names a comma-separated subset of
 * tok,sent,ents,times,quotes: the tokenizer always runs, quotes bring the
 * entities they need, and without ents the entity model is not loaded.  The
 * output of a subset lacks the other arrays (and times may differ where the
 * entities would have vetoed one): it is for measuring speed, not for use. */
enum { DL_STAGE_SENT = 1, DL_STAGE_ENTS = 2, DL_STAGE_TIMES = 4, DL_STAGE_QUOTES = 8,
       DL_STAGE_ALL = 15 };

struct dl_analyzer {
    void *ner;       /* the entity tagger's model (analyze/ner.c), NULL if absent */
    unsigned stages; /* DL_STAGE_* to run (DL_STAGE_ALL unless benchmarking) */
};

void dl_doc_init(dl_doc *d, const char *text, size_t len, int32_t day);
void dl_doc_free(dl_doc *d);

int dl_sentence_split(dl_doc *d);
int dl_timex_tag(dl_doc *d); /* analyze/timex.c */
int dl_quote_find(dl_doc *d); /* quote.h */

/* Entities (analyze/ner.c).  dl_ner_load reads a model file (models/
 * ner.model) into *model: DL_OK, DL_ENOTFOUND (no file), DL_EIO,
 * DL_ECORRUPT or DL_ENOMEM; free with dl_ner_free.  dl_ner_tag appends one
 * dl_entity per referent of the article to d->ents (name and mentions
 * malloc'd, owned by the doc; mentions in text order); it uses d->toks when
 * the tokenizer has run.  DL_OK or DL_ENOMEM. */
int dl_ner_load(const char *path, void **model);
void dl_ner_free(void *model);
int dl_ner_tag(const void *model, dl_doc *d);
/* The model's path: $DATELINE_MODELS, beside the binary, ./models. */
int dl_ner_find_model(char *buf, size_t cap);

/* dl_analyze, also handing the text's tokens (dl_tokenize of rec->text)
 * over to *toks (freed first; the caller frees it with dl_vec_free) when
 * toks is not NULL: later per-article steps need not tokenize again. */
int dl_analyze_toks(const dl_analyzer *az, const dl_record *rec, dl_annotation **out,
                    dl_tokvec *toks);

/* Appends the annotation's JSON object (SPEC 4) to b; with_text = 0 leaves
 * out the id, date, source and text (the archive keeps those in columns). */
struct dl_buf;
void dl_annotation_json_buf(const dl_annotation *a, struct dl_buf *b, int with_text);
/* Reads the arrays of an annotation JSON object (as written above) into a,
 * whose text must already be set; spans outside the text are dropped.
 * DL_OK, DL_ECORRUPT or DL_ENOMEM. */
int dl_annotation_from_json(dl_annotation *a, const char *json, size_t len);

#endif
