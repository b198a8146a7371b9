/*
 * timex.h -- the time-expression tagger: finds TIMEX3 (TimeML) expressions
 * in English news text and normalises them against the article's date.
 *
 * dl_timex_tag(d) reads d->text, d->day (the document creation date as a day
 * number) and, when present, d->toks and d->sents; it appends dl_timex
 * records (span, DL_TIMEX_* type, TIMEX3 value) to d->times, in text order,
 * never overlapping.  Without tokens it tokenizes a private copy; without
 * sentences it guesses sentence ends itself (for tense cues).
 *
 * Values follow TimeML: 2019-07-08, 2019-07, 2019-W28, 2019-Q3, 2019-SU,
 * 199 (the 1990s), 2019-07-09TNI, 2019-07-10T15:30, P3D, PT2H, PXY,
 * PRESENT_REF / PAST_REF / FUTURE_REF, XXXX-WXX-1 (SET).
 *
 * Linear in the length of the text: every rule looks at a bounded window of
 * units around the current one.  Returns DL_OK or DL_ENOMEM.
 */
#ifndef DL_ANALYZE_TIMEX_H
#define DL_ANALYZE_TIMEX_H

struct dl_doc;
int dl_timex_tag(struct dl_doc *d);

#endif
