/*
 * quote.h -- direct quotes and their speakers (analysis stage 5).
 *
 * dl_quote_find(d) reads d->text, d->toks (tokenizes itself when empty),
 * d->sents (uses its own light splitter when empty) and d->ents (may be
 * empty: it then finds names near the cues by itself), and appends to
 * d->quotes, in text order, every quoted stretch that reproduces someone's
 * words: span = the words without the marks (and without a final comma),
 * speaker = index into d->ents or -1, cue = the speech verb or attributing
 * word, start == end when there is none.
 *
 * When the speaker named at a cue is not an entity yet (the tagger missed it
 * or is absent), it is appended to d->ents as a new entity (PERSON unless it
 * looks like an organisation) with the mentions found for it; the new name
 * and mention array are owned by the doc like every other entity.
 *
 * Linear in the length of the text.  Returns DL_OK or DL_ENOMEM.
 */
#ifndef DL_ANALYZE_QUOTE_H
#define DL_ANALYZE_QUOTE_H

struct dl_doc;
int dl_quote_find(struct dl_doc *d);

#endif
