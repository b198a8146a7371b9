/*
 * timeline.h -- what timelines (timeline.c) and summaries (summary.c) share:
 * sentences, dates mentioned in the text, and the clutter test (sent.c).
 */
#ifndef DL_TIMELINE_H
#define DL_TIMELINE_H

#include "story.h"

typedef struct dl_tldate {
    uint32_t at;   /* offset of the expression in the text */
    int32_t day;   /* the day it points at */
} dl_tldate;
typedef DL_VEC(dl_tldate) dl_tldatevec;

/* The sentences of a (its own, else a plain split).  DL_OK or DL_ENOMEM. */
int dl_tl_sentences(const dl_annotation *a, dl_spanvec *out);
/* The days that a's time expressions point at (its own resolved TIMEX3
 * values, else explicit month-day dates), in text order. */
int dl_tl_dates(const dl_annotation *a, dl_tldatevec *out);
/* The sentence spans and day-level dates of an annotation's stored JSON
 * (SPEC 4 arrays, as the archive keeps them), read without building the
 * whole annotation; spans beyond text_len are dropped, malformed JSON ends
 * the reading early (what was read stays).  DL_OK or DL_ENOMEM. */
int dl_tl_read_annotation(const char *json, size_t len, size_t text_len, dl_spanvec *sents,
                          dl_tldatevec *dates);
/* 1 when the sentence s[0, n) reads like a photo caption: it ends with a
 * full date ("... in Paris, France, September 20, 2019.").  Timelines take
 * such a line only when a day has nothing else. */
int dl_tl_is_caption(const char *s, size_t n);
/* 1 when the sentence s[0, n) is page furniture, a caption or a fragment. */
int dl_tl_is_clutter(const char *s, size_t n);

#endif
