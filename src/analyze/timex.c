/*
 * timex.c -- the time-expression tagger (see timex.h for the contract).
 *
 * How it works
 *   1. The shared tokens (d->toks) are cut into finer "units": runs of ASCII
 *      letters, runs of ASCII digits, and single punctuation characters
 *      (’ counts as ').  So "third-quarter", "10:30", "a.m." and "Friday's"
 *      are seen part by part whatever the tokenizer's granularity.  Each
 *      letter unit is looked up (lower-cased) in a small lexicon of the
 *      words that time expressions are made of.
 *   2. At every unit that can start an expression, a set of rules (r_*)
 *      try to match; the longest match wins and the scan resumes after it.
 *      Generic prefixes (early/late/mid/the end of, earlier/later,
 *      more than/at least/nearly...) wrap the rules.
 *   3. Values are resolved against the document creation time (d->day),
 *      with TimeBank's conventions: a bare weekday is the one of the current
 *      week, before or after the article's date by the tense of its clause
 *      (nearest cue word: will/scheduled/... future, said/-ed past; a
 *      planned object is ahead, "had been due" and "since"/"ended" behind,
 *      "agreed to" a future seen from the past; see tense_cue); a bare
 *      month likewise, a firm cue deciding; quarter talk in earnings news
 *      refers to the last reported quarter (the first complete quarter the
 *      article names); "a year ago" there means the same quarter a year
 *      before, or the year before in a sentence about nine months.
 *   4. Anaphoric expressions ("that day", "the following year", "the next
 *      morning", "the previous Friday") and clock times without a day read a
 *      reference time: the last dated expression tagged (ctx.ref_*), which
 *      starts at the creation date and moves as the text names dates.
 *   5. The entity stage runs first: a match that lies in a name it found
 *      is dropped (in_name: "Sunday in the Park", a person's "May", a
 *      club "Sheffield Wednesday" named twice), but not a weekday the
 *      entity tagger glued to a name once ("Bill Clinton Saturday").
 *
 * Speed: with sentences, only those that hold a "core" token (a month,
 * weekday, time unit, year-like number...) are cut into units, and rules
 * are tried only a few units before a core unit and only those that can
 * start with the unit's word class (see "pre-filter", core_word and
 * RULE_STARTS); the matches are those of a full pass.
 *
 * Every rule reads at most a fixed number of units around its start, and
 * the tense scan is bounded, so the tagger is linear in the text.
 */
#include "analyze.h"
#include "timex.h"
#include "../text/date.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ------------------------------------------------------------ units */

enum { U_ALPHA = 1, U_DIGIT, U_PUNCT, U_OTHER };

typedef struct unit {
    uint32_t s, e;
    uint8_t kind;
    uint8_t gap;  /* white space before the unit */
    uint8_t brk;  /* a sentence or line starts at this unit */
    uint8_t cap;  /* letters: the first is upper case */
    uint8_t upper; /* letters: all upper case */
    uint8_t ch;   /* punctuation: the ASCII character ('\'' for ’), else 0 */
    uint8_t ndig; /* digits: how many (capped at 255) */
    uint8_t core; /* every expression holds a core unit (see can_hold) */
    uint16_t lex; /* letters: lexicon word class (W_*), 0 if none */
    int32_t val;  /* digits: the value (capped); lexicon: the word's value */
} unit;

typedef DL_VEC(unit) unitvec;

/* ------------------------------------------------------------ lexicon */

enum {
    W_NONE = 0,
    W_MONTH, W_MONABBR, W_WDAY, W_WDAYS, W_NUM, W_ORD, W_UNIT, W_UNITS,
    W_SEASON, W_POD, W_SETADV,
    W_THE, W_A, W_AN, W_LAST, W_NEXT, W_THIS, W_PAST, W_PREVIOUS, W_COMING,
    W_FOLLOWING, W_EARLY, W_LATE, W_MID, W_EARLIER, W_LATER, W_AGO, W_BEFORE,
    W_AFTER, W_EVERY, W_EACH, W_PER, W_TODAY, W_YESTERDAY, W_TOMORROW,
    W_TONIGHT, W_NOW, W_CURRENTLY, W_CURRENT, W_RECENTLY, W_RECENT,
    W_PREVIOUSLY, W_FORMERLY, W_SOON, W_FUTURE, W_NEAR, W_TERM, W_SHORT,
    W_FISCAL, W_HALF, W_MORE, W_LESS, W_THAN, W_AT, W_LEAST, W_MOST,
    W_APPROX, W_UP, W_TO, W_WITHIN, W_SEVERAL, W_FEW, W_COUPLE, W_MANY,
    W_OF, W_NOON, W_MIDNIGHT, W_LATEST, W_ENDED, W_END, W_BEGIN, W_HOLIDAY,
    W_NEW, W_EVE, W_PRESENT, W_THESE, W_NOWADAYS, W_RIGHT, W_OVERNIGHT,
    W_AMPM, W_OCLOCK, W_TZ, W_SAME, W_THAT, W_FUT, W_PASTV, W_IN, W_ON,
    W_SINCE, W_PREP, W_AND, W_OR, W_NO, W_YEAR_WORD, W_CENTURY_ORD,
    W_TIMES, W_MONEY, W_AS, W_POSSIBLE, W_WEEKEND, W_OLD, W_LONG, W_IS,
    W_AGE, W_COUNT, W_SOME, W_HOLWORD,
    W_XWORD, /* core words the rules read by their letters (period, sixties) */
    W_NCLASS
};

enum { U_SEC = 1, U_MIN, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR,
       U_DECADE, U_CENTURY };
enum { POD_MO = 1, POD_AF, POD_EV, POD_NI };
enum { H_CHRISTMAS = 1, H_THANKSGIVING, H_EASTER, H_INDEPENDENCE, H_HALLOWEEN,
       H_LABOR, H_MEMORIAL, H_ELECTION, H_VALENTINE, H_NEWYEAR };

typedef struct lexent {
    const char *w;
    uint16_t id;
    int16_t val;
} lexent;

static const lexent LEX[] = {
    {"january", W_MONTH, 1}, {"february", W_MONTH, 2}, {"march", W_MONTH, 3},
    {"april", W_MONTH, 4}, {"may", W_MONTH, 5}, {"june", W_MONTH, 6},
    {"july", W_MONTH, 7}, {"august", W_MONTH, 8}, {"september", W_MONTH, 9},
    {"october", W_MONTH, 10}, {"november", W_MONTH, 11}, {"december", W_MONTH, 12},
    {"jan", W_MONABBR, 1}, {"feb", W_MONABBR, 2}, {"mar", W_MONABBR, 3},
    {"apr", W_MONABBR, 4}, {"jun", W_MONABBR, 6}, {"jul", W_MONABBR, 7},
    {"aug", W_MONABBR, 8}, {"sep", W_MONABBR, 9}, {"sept", W_MONABBR, 9},
    {"oct", W_MONABBR, 10}, {"nov", W_MONABBR, 11}, {"dec", W_MONABBR, 12},
    {"monday", W_WDAY, 1}, {"tuesday", W_WDAY, 2}, {"wednesday", W_WDAY, 3},
    {"thursday", W_WDAY, 4}, {"friday", W_WDAY, 5}, {"saturday", W_WDAY, 6},
    {"sunday", W_WDAY, 7},
    {"mondays", W_WDAYS, 1}, {"tuesdays", W_WDAYS, 2}, {"wednesdays", W_WDAYS, 3},
    {"thursdays", W_WDAYS, 4}, {"fridays", W_WDAYS, 5}, {"saturdays", W_WDAYS, 6},
    {"sundays", W_WDAYS, 7},
    {"one", W_NUM, 1}, {"two", W_NUM, 2}, {"three", W_NUM, 3}, {"four", W_NUM, 4},
    {"five", W_NUM, 5}, {"six", W_NUM, 6}, {"seven", W_NUM, 7}, {"eight", W_NUM, 8},
    {"nine", W_NUM, 9}, {"ten", W_NUM, 10}, {"eleven", W_NUM, 11},
    {"twelve", W_NUM, 12}, {"thirteen", W_NUM, 13}, {"fourteen", W_NUM, 14},
    {"fifteen", W_NUM, 15}, {"sixteen", W_NUM, 16}, {"seventeen", W_NUM, 17},
    {"eighteen", W_NUM, 18}, {"nineteen", W_NUM, 19}, {"twenty", W_NUM, 20},
    {"thirty", W_NUM, 30}, {"forty", W_NUM, 40}, {"fifty", W_NUM, 50},
    {"sixty", W_NUM, 60}, {"seventy", W_NUM, 70}, {"eighty", W_NUM, 80},
    {"ninety", W_NUM, 90}, {"hundred", W_NUM, 100}, {"dozen", W_NUM, 12},
    {"first", W_ORD, 1}, {"second", W_ORD, 2}, {"third", W_ORD, 3},
    {"fourth", W_ORD, 4}, {"fifth", W_ORD, 5}, {"sixth", W_ORD, 6},
    {"seventh", W_ORD, 7}, {"eighth", W_ORD, 8}, {"ninth", W_ORD, 9},
    {"tenth", W_ORD, 10}, {"eleventh", W_ORD, 11}, {"twelfth", W_ORD, 12},
    {"thirteenth", W_ORD, 13}, {"fourteenth", W_ORD, 14}, {"fifteenth", W_ORD, 15},
    {"sixteenth", W_ORD, 16}, {"seventeenth", W_ORD, 17}, {"eighteenth", W_ORD, 18},
    {"nineteenth", W_ORD, 19}, {"twentieth", W_ORD, 20}, {"thirtieth", W_ORD, 30},
    {"twenty-first", W_ORD, 21},
    {"minute", W_UNIT, U_MIN}, {"hour", W_UNIT, U_HOUR}, {"day", W_UNIT, U_DAY},
    {"week", W_UNIT, U_WEEK}, {"month", W_UNIT, U_MONTH},
    {"quarter", W_UNIT, U_QUARTER}, {"year", W_UNIT, U_YEAR},
    {"decade", W_UNIT, U_DECADE}, {"century", W_UNIT, U_CENTURY},
    {"seconds", W_UNITS, U_SEC}, {"minutes", W_UNITS, U_MIN},
    {"hours", W_UNITS, U_HOUR}, {"days", W_UNITS, U_DAY}, {"weeks", W_UNITS, U_WEEK},
    {"months", W_UNITS, U_MONTH}, {"quarters", W_UNITS, U_QUARTER},
    {"years", W_UNITS, U_YEAR}, {"decades", W_UNITS, U_DECADE},
    {"centuries", W_UNITS, U_CENTURY},
    {"spring", W_SEASON, 0}, {"summer", W_SEASON, 1}, {"fall", W_SEASON, 2},
    {"autumn", W_SEASON, 2}, {"winter", W_SEASON, 3},
    {"morning", W_POD, POD_MO}, {"afternoon", W_POD, POD_AF},
    {"evening", W_POD, POD_EV}, {"night", W_POD, POD_NI},
    {"daily", W_SETADV, U_DAY}, {"weekly", W_SETADV, U_WEEK},
    {"monthly", W_SETADV, U_MONTH}, {"annually", W_SETADV, U_YEAR},
    {"yearly", W_SETADV, U_YEAR}, {"hourly", W_SETADV, U_HOUR},
    {"quarterly", W_SETADV, U_QUARTER}, {"nightly", W_SETADV, U_DAY},
    {"the", W_THE, 0}, {"a", W_A, 0}, {"an", W_AN, 0}, {"last", W_LAST, 0},
    {"next", W_NEXT, 0}, {"this", W_THIS, 0}, {"past", W_PAST, 0},
    {"previous", W_PREVIOUS, 0}, {"prior", W_PREVIOUS, 0}, {"coming", W_COMING, 0},
    {"upcoming", W_COMING, 0},
    {"following", W_FOLLOWING, 0}, {"early", W_EARLY, 0}, {"late", W_LATE, 0},
    {"mid", W_MID, 0}, {"earlier", W_EARLIER, 0}, {"later", W_LATER, 0},
    {"ago", W_AGO, 0}, {"before", W_BEFORE, 0}, {"after", W_AFTER, 0},
    {"every", W_EVERY, 0}, {"each", W_EACH, 0}, {"per", W_PER, 0},
    {"today", W_TODAY, 0}, {"yesterday", W_YESTERDAY, 0},
    {"tomorrow", W_TOMORROW, 0}, {"tonight", W_TONIGHT, 0}, {"now", W_NOW, 0},
    {"currently", W_CURRENTLY, 0}, {"current", W_CURRENT, 0},
    {"recently", W_RECENTLY, 0}, {"recent", W_RECENT, 0},
    {"previously", W_PREVIOUSLY, 0}, {"formerly", W_FORMERLY, 0},
    {"soon", W_SOON, 0}, {"future", W_FUTURE, 0}, {"near", W_NEAR, 0},
    {"term", W_TERM, 0}, {"short", W_SHORT, 0}, {"fiscal", W_FISCAL, 0},
    {"half", W_HALF, 0}, {"more", W_MORE, 0}, {"less", W_LESS, 0},
    {"fewer", W_LESS, 0}, {"than", W_THAN, 0}, {"at", W_AT, 0},
    {"least", W_LEAST, 0}, {"most", W_MOST, 0},
    {"nearly", W_APPROX, 0}, {"approximately", W_APPROX, 0},
    {"roughly", W_APPROX, 0}, {"around", W_APPROX, 0}, {"some", W_SOME, 0},
    {"within", W_WITHIN, 0}, {"up", W_UP, 0}, {"to", W_TO, 0},
    {"several", W_SEVERAL, 0}, {"few", W_FEW, 0}, {"couple", W_COUPLE, 0},
    {"many", W_MANY, 0}, {"of", W_OF, 0}, {"noon", W_NOON, 0},
    {"midday", W_NOON, 0}, {"midnight", W_MIDNIGHT, 0}, {"latest", W_LATEST, 0},
    {"ended", W_ENDED, 0}, {"ending", W_ENDED, 0}, {"end", W_END, 0},
    {"beginning", W_BEGIN, 0}, {"start", W_BEGIN, 0}, {"middle", W_BEGIN, 0},
    {"christmas", W_HOLIDAY, H_CHRISTMAS}, {"thanksgiving", W_HOLIDAY, H_THANKSGIVING},
    {"easter", W_HOLIDAY, H_EASTER}, {"halloween", W_HOLIDAY, H_HALLOWEEN},
    {"election", W_HOLWORD, H_ELECTION}, {"labor", W_HOLWORD, H_LABOR},
    {"memorial", W_HOLWORD, H_MEMORIAL}, {"independence", W_HOLWORD, H_INDEPENDENCE},
    {"new", W_NEW, 0}, {"eve", W_EVE, 0}, {"present", W_PRESENT, 0},
    {"these", W_THESE, 0}, {"nowadays", W_NOWADAYS, 0}, {"right", W_RIGHT, 0},
    {"overnight", W_OVERNIGHT, 0},
    {"am", W_AMPM, 0}, {"pm", W_AMPM, 12},
    {"o", W_OCLOCK, 0},
    {"est", W_TZ, 0}, {"edt", W_TZ, 0}, {"cst", W_TZ, 0}, {"cdt", W_TZ, 0},
    {"pst", W_TZ, 0}, {"pdt", W_TZ, 0}, {"mst", W_TZ, 0}, {"mdt", W_TZ, 0},
    {"gmt", W_TZ, 0}, {"utc", W_TZ, 0}, {"bst", W_TZ, 0}, {"cet", W_TZ, 0},
    {"same", W_SAME, 0}, {"that", W_THAT, 0},
    {"will", W_FUT, 0}, {"shall", W_FUT, 0}, {"ll", W_FUT, 0},
    {"scheduled", W_FUT, 1}, {"planned", W_FUT, 2}, {"plans", W_FUT, 0},
    {"plan", W_FUT, 0}, {"planning", W_FUT, 0}, {"expected", W_FUT, 0},
    {"expects", W_FUT, 0}, {"expect", W_FUT, 0}, {"due", W_FUT, 0},
    {"would", W_FUT, 1}, {"set", W_FUT, 2}, {"slated", W_FUT, 0},
    {"going", W_FUT, 0}, {"intends", W_FUT, 0},
    /* present tense of verbs that news uses for scheduled events:
     * "Arafat meets Albright Monday" */
    {"meet", W_FUT, 0}, {"meets", W_FUT, 0}, {"begins", W_FUT, 0},
    {"opens", W_FUT, 0}, {"starts", W_FUT, 0}, {"resumes", W_FUT, 0},
    {"visits", W_FUT, 0}, {"arrives", W_FUT, 0}, {"leaves", W_FUT, 0},
    {"travels", W_FUT, 0}, {"returns", W_FUT, 0}, {"hosts", W_FUT, 0},
    {"until", W_FUT, 3}, {"till", W_FUT, 3},
    {"said", W_PASTV, 0}, {"told", W_PASTV, 0}, {"was", W_PASTV, 0},
    {"were", W_PASTV, 0}, {"had", W_PASTV, 0}, {"did", W_PASTV, 0},
    {"met", W_PASTV, 0}, {"made", W_PASTV, 0}, {"took", W_PASTV, 0},
    {"came", W_PASTV, 0}, {"went", W_PASTV, 0}, {"gave", W_PASTV, 0},
    {"began", W_PASTV, 0}, {"left", W_PASTV, 0}, {"won", W_PASTV, 0},
    {"lost", W_PASTV, 0}, {"fell", W_PASTV, 0}, {"rose", W_PASTV, 0},
    {"saw", W_PASTV, 0}, {"found", W_PASTV, 0}, {"held", W_PASTV, 0},
    {"got", W_PASTV, 0}, {"hit", W_PASTV, 0}, {"sent", W_PASTV, 0},
    {"spoke", W_PASTV, 0}, {"wrote", W_PASTV, 0}, {"ran", W_PASTV, 0},
    /* irregular past forms (the -ed ones are found by their ending) */
    {"bought", W_PASTV, 0}, {"brought", W_PASTV, 0}, {"sold", W_PASTV, 0},
    {"paid", W_PASTV, 0}, {"built", W_PASTV, 0}, {"became", W_PASTV, 0},
    {"kept", W_PASTV, 0}, {"led", W_PASTV, 0}, {"thought", W_PASTV, 0},
    {"felt", W_PASTV, 0}, {"struck", W_PASTV, 0}, {"fought", W_PASTV, 0},
    {"caught", W_PASTV, 0}, {"drew", W_PASTV, 0}, {"grew", W_PASTV, 0},
    {"knew", W_PASTV, 0}, {"threw", W_PASTV, 0}, {"flew", W_PASTV, 0},
    {"chose", W_PASTV, 0}, {"drove", W_PASTV, 0}, {"shot", W_PASTV, 0},
    {"fled", W_PASTV, 0}, {"meant", W_PASTV, 0}, {"spent", W_PASTV, 0},
    {"sought", W_PASTV, 0}, {"heard", W_PASTV, 0}, {"stood", W_PASTV, 0},
    {"sank", W_PASTV, 0}, {"broke", W_PASTV, 0}, {"woke", W_PASTV, 0},
    {"withdrew", W_PASTV, 0}, {"overtook", W_PASTV, 0}, {"undertook", W_PASTV, 0},
    {"swore", W_PASTV, 0}, {"tore", W_PASTV, 0}, {"hung", W_PASTV, 0},
    {"shook", W_PASTV, 0}, {"forgot", W_PASTV, 0}, {"lent", W_PASTV, 0},
    {"dealt", W_PASTV, 0}, {"taught", W_PASTV, 0}, {"arose", W_PASTV, 0},
    {"rode", W_PASTV, 0}, {"wore", W_PASTV, 0}, {"stole", W_PASTV, 0},
    {"froze", W_PASTV, 0}, {"bore", W_PASTV, 0}, {"slid", W_PASTV, 0},
    {"sang", W_PASTV, 0}, {"rang", W_PASTV, 0}, {"swept", W_PASTV, 0},
    {"slept", W_PASTV, 0}, {"oversaw", W_PASTV, 0}, {"forbade", W_PASTV, 0},
    {"in", W_IN, 0}, {"on", W_ON, 0}, {"since", W_SINCE, 0},
    {"during", W_PREP, 0}, {"from", W_PREP, 0}, {"by", W_PREP, 0},
    {"through", W_PREP, 0}, {"between", W_PREP, 0},
    {"throughout", W_PREP, 0}, {"for", W_PREP, 0}, {"into", W_PREP, 0},
    {"and", W_AND, 0}, {"or", W_OR, 0}, {"no", W_NO, 0},
    {"times", W_TIMES, 0}, {"once", W_TIMES, 1}, {"twice", W_TIMES, 2},
    {"million", W_MONEY, 0}, {"billion", W_MONEY, 0}, {"cents", W_MONEY, 0},
    {"dollars", W_MONEY, 0}, {"percent", W_MONEY, 0}, {"trillion", W_MONEY, 0},
    {"as", W_AS, 0}, {"possible", W_POSSIBLE, 0},
    {"weekend", W_WEEKEND, 0}, {"weekends", W_WEEKEND, 1},
    {"old", W_OLD, 0}, {"long", W_LONG, 0},
    {"is", W_IS, 0}, {"are", W_IS, 0},
    {"period", W_XWORD, 0}, {"date", W_XWORD, 0}, {"thousand", W_XWORD, 0},
    {"twenties", W_XWORD, 0}, {"thirties", W_XWORD, 0}, {"forties", W_XWORD, 0},
    {"fifties", W_XWORD, 0}, {"sixties", W_XWORD, 0}, {"seventies", W_XWORD, 0},
    {"eighties", W_XWORD, 0}, {"nineties", W_XWORD, 0},
};

/* The lexicon is an open-addressing hash table keyed by the word packed
 * into two 64-bit integers (at most 16 bytes, lower case, zero padded), so
 * a lookup is one pass over the word's letters, one multiply and, mostly,
 * one comparison of two integers: the tagger asks it for every word. */
#define LEX_BITS 10
#define LEX_SIZE (1u << LEX_BITS)
typedef struct lexslot {
    uint64_t a, b; /* the packed word */
    int16_t k;     /* index into LEX + 1, 0 = empty */
} lexslot;
static lexslot lex_table[LEX_SIZE];
/* lex_core[k]: LEX[k] is a core word (see core_word): bit 0 when it is
 * capitalised, bit 1 when it is not */
static uint8_t lex_core[DL_ARRAY_LEN(LEX)];
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

/* Packs s[0, n) (n <= 16) lower-cased into *a, *b. */
static void lex_pack(const char *s, size_t n, uint64_t *a, uint64_t *b)
{
    uint64_t x = 0, y = 0;
    size_t i = 0;
    for (; i < n && i < 8; i++) {
        unsigned char c = (unsigned char)s[i];
        c = (unsigned char)(c >= 'A' && c <= 'Z' ? c | 32 : c);
        x |= (uint64_t)c << (8 * i);
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        c = (unsigned char)(c >= 'A' && c <= 'Z' ? c | 32 : c);
        y |= (uint64_t)c << (8 * (i - 8));
    }
    *a = x, *b = y;
}

static uint32_t lex_slot(uint64_t a, uint64_t b)
{
    return (uint32_t)(((a ^ (b * 0xff51afd7ed558ccdull)) * 0x9e3779b97f4a7c15ull) >>
                      (64 - LEX_BITS));
}

static void core_mask_build(void);
static void rule_mask_build(void);
static void can_start_build(void);

static void lex_build(void)
{
    core_mask_build();
    rule_mask_build();
    can_start_build();
    for (size_t k = 0; k < DL_ARRAY_LEN(LEX); k++) {
        uint64_t a, b;
        lex_pack(LEX[k].w, strlen(LEX[k].w), &a, &b);
        uint32_t h = lex_slot(a, b);
        while (lex_table[h].k) h = (h + 1) & (LEX_SIZE - 1);
        lex_table[h].a = a, lex_table[h].b = b, lex_table[h].k = (int16_t)(k + 1);
    }
}

/* The lexicon entry of the letters s[0, n), lower-cased, or NULL. */
static const lexent *lex_find(const char *s, size_t n)
{
    if (n == 0 || n > 16) return NULL;
    uint64_t a, b;
    lex_pack(s, n, &a, &b);
    for (uint32_t h = lex_slot(a, b); lex_table[h].k; h = (h + 1) & (LEX_SIZE - 1))
        if (lex_table[h].a == a && lex_table[h].b == b) return &LEX[lex_table[h].k - 1];
    return NULL;
}

/* ------------------------------------------------------------ unit split */

/* Most of a news text holds no time expression, and trying every rule at
 * every word was most of this stage's cost.  Every expression the rules
 * match holds a "core" unit at most CORE_AHEAD units after its start: a
 * month, weekday, time unit, season, part of day, set adverb, deictic word
 * (today, now, soon, the past, the future, the present, the near term),
 * noon, midnight, a holiday, "weekend", "half" ("the first half"), "period"
 * ("the latest period"), "date" ("a later date"), a spoken year's first
 * word ("nineteen ninety"), "thousand", a decade word ("the sixties"), "second" (a unit), or a core
 * number (see push_unit).  The main loop tries the rules only where
 * a core unit lies ahead within CORE_AHEAD units; the other words are
 * context and are never the start of a match. */
enum { CORE_AHEAD = 8 };

static int core_word(int id, int val, int cap)
{
    switch (id) {
    case W_MONTH: case W_MONABBR: case W_WDAY: case W_WDAYS: case W_HOLIDAY:
        return cap; /* the rules want them capitalised: "may" is a verb */
    case W_UNIT: case W_UNITS:
    case W_SEASON: case W_POD: case W_SETADV: case W_TODAY: case W_YESTERDAY:
    case W_TOMORROW: case W_TONIGHT: case W_NOW: case W_CURRENTLY: case W_CURRENT:
    case W_RECENTLY: case W_SOON: case W_FUTURE: case W_PAST: case W_PRESENT:
    case W_NOWADAYS: case W_NOON: case W_MIDNIGHT: case W_WEEKEND:
    case W_TERM: case W_HALF: case W_OVERNIGHT: case W_XWORD:
        return 1;
    case W_NUM: /* the first word of a spoken year; "second" is also a unit */
        return val >= 10 && val <= 20;
    case W_ORD:
        return val == 2;
    }
    return 0;
}

static int is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* The lexicon entry of a word packed by lex_pack, or NULL. */
static const lexent *lex_get(uint64_t a, uint64_t b)
{
    for (uint32_t h = lex_slot(a, b); lex_table[h].k; h = (h + 1) & (LEX_SIZE - 1))
        if (lex_table[h].a == a && lex_table[h].b == b) return &LEX[lex_table[h].k - 1];
    return NULL;
}

/* Numbers that can be the core of an expression: four digits (a year, an
 * ISO date), and one or two digits with letters or ':' glued after them
 * ("5th", "10am", "'90s", "10:30"), before a word in a/p/o ("10 a.m.", "7
 * o'clock"), or after "and"/"or" (the second day of "April 24 and 25"). */
/* s[0, n) is a title or "vs", whose period ends no sentence. */
static int title_abbr(const char *s, size_t n)
{
    static const char *const T[] = {"mr", "mrs", "ms", "dr", "st", "vs", "gen", "gov",
                                    "sen", "rep", "lt", "col", "sgt", "capt", "prof",
                                    "rev", "messrs", "adm", "cmdr", "maj", "cpl"};
    if (n > 6) return 0;
    for (size_t j = 0; j < DL_ARRAY_LEN(T); j++)
        if (strlen(T[j]) == n && strncasecmp(s, T[j], n) == 0) return 1;
    return 0;
}

/* Appends the unit text[s, e) of the given kind; prev_end: where the unit
 * before it ended.  Letters come with their packed lower-case key (ka, kb;
 * both 0 when longer than 16) and whether one of them is lower case. */
static int push_unit(unitvec *uv, const char *t, uint32_t s, uint32_t e, int kind,
                     uint32_t prev_end, uint64_t ka, uint64_t kb, int lower)
{
    unit u = {.s = s, .e = e, .kind = (uint8_t)kind};
    if (s > prev_end) {
        u.gap = 1;
        for (uint32_t k = prev_end; k < s; k++)
            if (t[k] == '\n') u.brk = 1;
    }
    if (uv->n == 0) u.brk = 1;
    if (kind == U_ALPHA) {
        u.cap = t[s] >= 'A' && t[s] <= 'Z';
        u.upper = e - s <= 4 && !lower; /* only short words are asked (EST, MAY) */
        const lexent *le = ka ? lex_get(ka, kb) : NULL;
        if (le) {
            u.lex = le->id, u.val = le->val;
            u.core = (uint8_t)(lex_core[le - LEX] >> !u.cap & 1);
        }
    } else if (kind == U_DIGIT) {
        int32_t v = 0;
        for (uint32_t k = s; k < e && v < 100000000; k++) v = v * 10 + (t[k] - '0');
        u.val = v;
        u.ndig = (uint8_t)DL_MIN(e - s, 255u);
    } else if (kind == U_PUNCT) {
        unsigned char c = (unsigned char)t[s];
        if (c < 0x80) u.ch = c;
        else if (e - s == 3 && (unsigned char)t[s] == 0xE2 &&
                 (unsigned char)t[s + 1] == 0x80 &&
                 ((unsigned char)t[s + 2] == 0x99 || (unsigned char)t[s + 2] == 0x98))
            u.ch = '\'';
        else if (e - s == 3 && (unsigned char)t[s] == 0xE2 &&
                 (unsigned char)t[s + 1] == 0x80 &&
                 ((unsigned char)t[s + 2] == 0x93 || (unsigned char)t[s + 2] == 0x94))
            u.ch = '-'; /* en and em dashes */
    }
    /* a sentence starts after . ! ? followed by white space, but not
     * after the period of "a.m.", "U.S." or an initial (a single letter) */
    if (uv->n && u.gap) {
        const unit *p = &uv->v[uv->n - 1];
        if (p->ch == '!' || p->ch == '?') u.brk = 1;
        if (p->ch == '.') {
            const unit *w = uv->n > 1 ? &uv->v[uv->n - 2] : NULL;
            int abbr = w && w->kind == U_ALPHA && w->e - w->s == 1 && w->e == p->s;
            /* nor after a title ("Mr. Kopp", "Roe vs. Wade"), a month
             * before its day ("Jan. 6"), or before a lower-case word */
            if (!abbr && w && w->kind == U_ALPHA && w->e == p->s)
                abbr = title_abbr(t + w->s, w->e - w->s) ||
                       (w->lex == W_MONABBR && kind == U_DIGIT);
            if (!abbr && kind == U_ALPHA && t[s] >= 'a' && t[s] <= 'z') abbr = 1;
            if (!abbr) u.brk = 1;
        }
    }
    /* the number before it may be a core number (see push_unit) */
    if (uv->n) {
        unit *p = &uv->v[uv->n - 1];
        if (p->kind == U_DIGIT && p->ndig <= 2 && kind == U_ALPHA) {
            char f = (char)(t[s] | 32);
            if (!u.gap || f == 'a' || f == 'p' || f == 'o') p->core = 1;
        } else if (p->kind == U_DIGIT && p->ndig <= 2 && !u.gap && u.ch == ':') {
            p->core = 1;
        }
        if (kind == U_DIGIT && (p->lex == W_AND || p->lex == W_OR) && u.ndig <= 2) u.core = 1;
    }
    if (kind == U_DIGIT && u.ndig == 4) u.core = 1;
    if (uv->n < uv->cap) {
        uv->v[uv->n++] = u;
        return DL_OK;
    }
    return dl_vec_push(uv, u);
}

/* Cuts text[s, e) (one token) into units, appending to uv.  Letters are
 * packed for the lexicon as they are scanned. */
static int split_token(unitvec *uv, const char *t, uint32_t s, uint32_t e,
                       uint32_t *prev_end)
{
    uint32_t i = s;
    while (i < e) {
        unsigned char c = (unsigned char)t[i];
        uint32_t j = i + 1;
        int kind, lower = 0;
        uint64_t ka = 0, kb = 0;
        if (is_alpha(c)) {
            lower = c >= 'a';
            ka = c | 32;
            while (j < e && is_alpha((unsigned char)t[j])) {
                unsigned char x = (unsigned char)t[j];
                uint32_t k = j - i;
                lower |= x >= 'a';
                if (k < 8) ka |= (uint64_t)(x | 32) << (8 * k);
                else if (k < 16) kb |= (uint64_t)(x | 32) << (8 * (k - 8));
                j++;
            }
            if (j - i > 16) ka = kb = 0;
            kind = U_ALPHA;
        } else if (is_digit(c)) {
            while (j < e && is_digit((unsigned char)t[j])) j++;
            kind = U_DIGIT;
        } else if (c < 0x80) {
            kind = U_PUNCT;
        } else {
            while (j < e && ((unsigned char)t[j] & 0xC0) == 0x80) j++;
            kind = (j - i == 3 && c == 0xE2) ? U_PUNCT : U_OTHER;
        }
        if (push_unit(uv, t, i, j, kind, *prev_end, ka, kb, lower)) return DL_ENOMEM;
        *prev_end = j;
        i = j;
    }
    return DL_OK;
}

/* ------------------------------------------------------------ context */

typedef struct ctx {
    const char *t;
    const unit *u;
    size_t n;
    int32_t dct;
    int dy, dm, dd, dw; /* the creation date, and its ISO weekday */
    int refq_y, refq_q; /* the quarter the article reports on */
    int qctx;           /* the article talks about quarters */
    /* The reference time of anaphoric expressions ("that day", "the
     * following year"): the last calendar date the text named, at its
     * granularity (a U_* unit, 0 = none yet: the creation date). */
    int ref_gran;
    int32_t ref_day; /* the first day of the referenced period */
    int lastq_y, lastq_q; /* the last quarter the text named (0: none) */
} ctx;

typedef struct hit {
    size_t a, b; /* units [a, b) */
    int type;
    char val[40];
} hit;

static int lx(const ctx *c, size_t i, int id) { return i < c->n && c->u[i].lex == id; }
static int pc(const ctx *c, size_t i, int ch)
{
    return i < c->n && c->u[i].kind == U_PUNCT && c->u[i].ch == ch;
}
/* unit i is glued to unit i-1 (no white space between) */
static int glued(const ctx *c, size_t i) { return i < c->n && !c->u[i].gap; }
static int isdig(const ctx *c, size_t i) { return i < c->n && c->u[i].kind == U_DIGIT; }
static int isalpha_u(const ctx *c, size_t i) { return i < c->n && c->u[i].kind == U_ALPHA; }
static int word_is(const ctx *c, size_t i, const char *w)
{
    if (i >= c->n || c->u[i].kind != U_ALPHA) return 0;
    size_t n = c->u[i].e - c->u[i].s;
    if (strlen(w) != n) return 0;
    for (size_t k = 0; k < n; k++) {
        char ch = c->t[c->u[i].s + k];
        if ((ch >= 'A' && ch <= 'Z' ? ch + 32 : ch) != w[k]) return 0;
    }
    return 1;
}

/* unit i is a word in title case ("Week", not "week" nor "WEEK") */
static int titled(const ctx *c, size_t i)
{
    return isalpha_u(c, i) && c->u[i].cap && c->u[i].e - c->u[i].s >= 2 &&
           c->t[c->u[i].s + 1] >= 'a' && c->t[c->u[i].s + 1] <= 'z';
}

/* Value formatting by hand: rules format values for every candidate, and
 * snprintf was a good part of the stage's time.  put_year writes a year in
 * 0..9999 as four digits and returns the end (other years, which the
 * rules do not make, go through snprintf). */
static char *put_year(char *out, int y)
{
    if (y < 0 || y > 9999) return out + snprintf(out, 12, "%04d", y);
    out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
    return out + 4;
}
static char *put2(char *out, int v)
{
    out[0] = (char)('0' + v / 10 % 10), out[1] = (char)('0' + v % 10);
    return out + 2;
}
static void fmt_year(char *out, int y) { *put_year(out, y) = 0; }
static void fmt_ymd(char *out, int y, int m, int d)
{
    char *p = put_year(out, y);
    *p++ = '-', p = put2(p, m), *p++ = '-', p = put2(p, d), *p = 0;
}
static void fmt_day(char *out, int32_t day)
{
    int y, m, d;
    dl_civil_from_days(day, &y, &m, &d);
    char *p = put_year(out, y);
    *p++ = '-', p = put2(p, m), *p++ = '-', p = put2(p, d), *p = 0;
}
static void fmt_month(char *out, int y, int m)
{
    /* m may run outside 1..12 */
    int k = y * 12 + (m - 1);
    y = k >= 0 ? k / 12 : -((-k + 11) / 12);
    m = k - y * 12 + 1;
    char *p = put_year(out, y);
    *p++ = '-', p = put2(p, m), *p = 0;
}
static void fmt_week(char *out, int32_t day)
{
    int y, w;
    dl_iso_week(day, &y, &w);
    char *p = put_year(out, y);
    *p++ = '-', *p++ = 'W', p = put2(p, w), *p = 0;
}
static void fmt_quarter(char *out, int y, int q)
{
    while (q < 1) q += 4, y--;
    while (q > 4) q -= 4, y++;
    char *p = put_year(out, y);
    *p++ = '-', *p++ = 'Q', *p++ = (char)('0' + q), *p = 0;
}

static const char *unit_letter(int u)
{
    switch (u) {
    case U_SEC: return "S";
    case U_MIN: return "M";
    case U_HOUR: return "H";
    case U_DAY: return "D";
    case U_WEEK: return "W";
    case U_MONTH: return "M";
    case U_QUARTER: return "Q";
    case U_YEAR: return "Y";
    case U_DECADE: return "E";
    case U_CENTURY: return "C";
    }
    return "X";
}

/* A duration value: n < 0 means "some" (X). */
static void fmt_dur(char *out, long n, int u)
{
    const char *pre = (u == U_SEC || u == U_MIN || u == U_HOUR) ? "PT" : "P";
    if (n < 0) {
        /* "decades": some years, as known counts are years ("two decades":
         * P20Y) */
        snprintf(out, 40, "%sX%s", pre, unit_letter(u == U_DECADE ? U_YEAR : u));
        return;
    }
    if (u == U_DECADE) n *= 10, u = U_YEAR;
    else if (u == U_CENTURY) n *= 100, u = U_YEAR;
    snprintf(out, 40, "%s%ld%s", pre, n, unit_letter(u));
}

/* The sentence-local tense around unit i: +1 future, -1 past, 0 unknown.
 * The nearest cue word decides, looking back first, then ahead. */
/* a past-tense cue: a past form of the lexicon, or a lower-case word in
 * -ed ("United" is a name, not a verb) */
static int past_cue(const ctx *c, const unit *u)
{
    if (u->lex == W_PASTV) return 1;
    return u->kind == U_ALPHA && !u->lex && u->e - u->s >= 4 && c->t[u->e - 1] == 'd' &&
           c->t[u->e - 2] == 'e' && (!u->cap || u->brk);
}

/* The tense a future cue at unit k gives: 2 = future, 1 = a weak future
 * that a past verb after it overrides ("would", "scheduled": a future in
 * the past; "a service planned for Saturday was cancelled"), -1 = past
 * ("set" and "planned" are past forms unless "to"/"for" follow, or, for
 * "planned", an object that the date then dates: "planned a rally on
 * Saturday").  after: the cue follows the date ("On Friday, the
 * government planned to pay": the planning is what is dated, so a past
 * form is past).  A past perfect ("had been due to expire Friday", "had
 * planned") is past: the plan is over. */
static int fut_cue(const ctx *c, size_t k, int after)
{
    if (k > 0 && (word_is(c, k - 1, "had") ||
                  (word_is(c, k - 1, "been") && k > 1 && word_is(c, k - 2, "had"))))
        return -1;
    switch (c->u[k].val) {
    case 1: case 3: return 1;
    case 2:
        if (after) return -1;
        if (lx(c, k + 1, W_TO) || word_is(c, k + 1, "for")) return 1;
        if (word_is(c, k, "planned") &&
            (lx(c, k + 1, W_A) || lx(c, k + 1, W_AN) || lx(c, k + 1, W_THE) ||
             word_is(c, k + 1, "its") || word_is(c, k + 1, "their") ||
             word_is(c, k + 1, "his") || word_is(c, k + 1, "her")))
            return 1;
        return -1;
    }
    return 2;
}

/* a word that reports speech: after a weak future it does not make the
 * clause past ("the vote is planned for March, an official said") */
static int reporting_verb(const ctx *c, size_t k)
{
    return word_is(c, k, "said") || word_is(c, k, "told") || word_is(c, k, "added") ||
           word_is(c, k, "reported") || word_is(c, k, "announced");
}

/* a past form of intent whose infinitive is still ahead ("agreed to
 * buy", "decided to admit", "are supposed to conclude"); not "refused
 * to", "tried to", "failed to", whose infinitive is as past as they are */
static int intent_verb(const ctx *c, size_t k)
{
    static const char *const W[] = {"agreed", "decided", "supposed", "hoped", "promised",
                                    "pledged", "vowed", "voted", "wanted", "threatened",
                                    "offered", "prepared", "intended", "proposed",
                                    "arranged", "aimed", "wished", "asked", "urged"};
    for (size_t j = 0; j < DL_ARRAY_LEN(W); j++)
        if (word_is(c, k, W[j])) return 1;
    return 0;
}

/* an -ed word read as an adjective: after a determiner or "still"
 * ("a still unspecified date", "the proposed merger") */
static int ed_adjective(const ctx *c, size_t k)
{
    if (k == 0) return 0;
    int l = c->u[k - 1].lex;
    return l == W_THE || l == W_A || l == W_AN || word_is(c, k - 1, "still") ||
           word_is(c, k - 1, "its") || word_is(c, k - 1, "their");
}

/* The tense at unit i (see above); *weakp: a weak future; *cuep: the
 * unit of the cue word that decided (c->n if none). */
static int tense_cue(const ctx *c, size_t i, int *weakp, size_t *cuep)
{
    int back = 0, weak = 0;
    size_t cue = c->n;
    *weakp = 0;
    size_t lim = i > 16 ? i - 16 : 0;
    for (size_t k = i; k > lim && !back;) {
        if (c->u[k].brk) break;
        k--;
        const unit *u = &c->u[k];
        if (u->lex == W_FUT) {
            int f = fut_cue(c, k, 0);
            if (f < 0) back = -1;
            else back = 1, weak = f == 1;
        } else if ((u->lex == W_NEXT && !lx(c, k + 1, W_TO)) || u->lex == W_COMING) back = 1;
        else if (u->lex == W_MONTH && !u->cap && u->val == 5) back = 1, weak = 1; /* may */
        else if (u->lex == W_TO && k > 0 && c->u[k - 1].lex == W_IS) back = 1;
        else if (u->lex == W_AS && k > 1 &&
                 (c->u[k - 1].lex == W_SOON || c->u[k - 1].lex == W_EARLY))
            back = 1;
        /* "since the Oct. 23 slaying", "the year ended March 31" */
        else if (u->lex == W_SINCE || (u->lex == W_ENDED && word_is(c, k, "ended")))
            back = -1;
        else if (past_cue(c, u)) {
            /* "will be held", "is heard": a passive participle, the
             * auxiliary decides; "a still unspecified date": an
             * adjective; "decided to admit ... in March", "agreed to buy
             * ... in May": the infinitive is what the date dates, a
             * future seen from the past (weak) */
            if (k > 0 && (word_is(c, k - 1, "be") || word_is(c, k - 1, "being") ||
                          c->u[k - 1].lex == W_IS))
                ;
            else if (u->lex != W_PASTV && ed_adjective(c, k))
                ;
            else if (lx(c, k + 1, W_TO) && k + 2 < i && isalpha_u(c, k + 2) &&
                     !c->u[k + 2].cap && (!c->u[k + 2].lex || word_is(c, k + 2, "be")) &&
                     intent_verb(c, k))
                back = 1, weak = 1;
            else back = -1;
        } else if (u->kind == U_PUNCT && (u->ch == ';' || u->ch == ':')) break;
        if (back) cue = k;
    }
    *cuep = cue;
    if (back && !weak) return back;
    int fwd = 0;
    /* a fronted date ("In January, a week after ..., a bomb killed"):
     * the main verb may come late in the sentence */
    size_t span = 10;
    if (i > 0 && c->u[i - 1].brk && pc(c, i + 1, ',')) span = 40;
    else if (i > 1 && c->u[i - 2].brk && isalpha_u(c, i - 1) && pc(c, i + 1, ',')) span = 40;
    for (size_t k = i + 1; k < c->n && k < i + span && !fwd; k++) {
        const unit *u = &c->u[k];
        if (u->brk) break;
        if (u->lex == W_FUT) fwd = fut_cue(c, k, 1) < 0 ? -1 : 1;
        /* "were planning to", "was expected to": a plan, not a past fact */
        else if (weak && u->lex == W_PASTV && lx(c, k + 1, W_FUT) && !word_is(c, k, "had"))
            fwd = 1;
        else if (past_cue(c, u) && !(weak && reporting_verb(c, k))) fwd = -1;
        if (fwd) *cuep = k;
    }
    /* a weak future: a past verb after it wins */
    if (weak) {
        *weakp = fwd >= 0;
        return fwd < 0 ? -1 : 1;
    }
    return fwd;
}

static int tense_ex(const ctx *c, size_t i, int *weakp)
{
    size_t cue;
    return tense_cue(c, i, weakp, &cue);
}

/* A past that a lexicon verb states ("bought", "brought", "took"), not
 * an auxiliary ("was", "had": a passive or a plan may follow), a
 * reporting verb or a guessed -ed form. */
static int firm_past_cue(const ctx *c, size_t k)
{
    return k < c->n && c->u[k].lex == W_PASTV && !word_is(c, k, "was") &&
           !word_is(c, k, "were") && !word_is(c, k, "had") && !word_is(c, k, "did") &&
           !reporting_verb(c, k);
}

static int tense_at(const ctx *c, size_t i)
{
    int weak;
    return tense_ex(c, i, &weak);
}

/* ------------------------------------------------------------ numbers */

/* A cardinal at unit i: digits (with thousands commas), number words
 * ("twenty-four", "a hundred"), "a"/"an" = 1 when allow_a, "a few",
 * "several" = -1 (unknown).  Sets *end past it. */
static int num_at(const ctx *c, size_t i, int allow_a, long *val, size_t *end)
{
    if (i >= c->n) return 0;
    const unit *u = &c->u[i];
    if (u->kind == U_DIGIT) {
        if (u->ndig > 7) return 0;
        long v = u->val;
        size_t k = i + 1;
        while (pc(c, k, ',') && glued(c, k) && isdig(c, k + 1) && glued(c, k + 1) &&
               c->u[k + 1].ndig == 3 && v < 100000) {
            v = v * 1000 + c->u[k + 1].val;
            k += 2;
        }
        if (pc(c, k, '.') && glued(c, k) && isdig(c, k + 1) && glued(c, k + 1)) return 0;
        *val = v, *end = k;
        return 1;
    }
    if (u->lex == W_NUM) {
        long v = u->val;
        size_t k = i + 1;
        if (v >= 20 && v <= 90 && v % 10 == 0 && pc(c, k, '-') && glued(c, k) &&
            lx(c, k + 1, W_NUM) && glued(c, k + 1) && c->u[k + 1].val < 10) {
            v += c->u[k + 1].val;
            k += 2;
        } else if (v >= 20 && v <= 90 && v % 10 == 0 && lx(c, k, W_NUM) &&
                   c->u[k].val < 10) {
            v += c->u[k].val;
            k += 1;
        }
        if (lx(c, k, W_NUM) && c->u[k].val == 100 && v < 100) v *= 100, k++;
        *val = v, *end = k;
        return 1;
    }
    if (u->lex == W_A || u->lex == W_AN) {
        if (lx(c, i + 1, W_FEW)) { *val = -1, *end = i + 2; return 1; }
        if (lx(c, i + 1, W_COUPLE) && lx(c, i + 2, W_OF)) { *val = 2, *end = i + 3; return 1; }
        if (lx(c, i + 1, W_NUM) && (c->u[i + 1].val == 100 || c->u[i + 1].val == 12)) {
            *val = c->u[i + 1].val, *end = i + 2;
            return 1;
        }
        if (!allow_a) return 0;
        *val = 1, *end = i + 1;
        return 1;
    }
    if (u->lex == W_SEVERAL || u->lex == W_FEW || u->lex == W_MANY) {
        *val = -1, *end = i + 1;
        return 1;
    }
    if (u->lex == W_COUPLE && lx(c, i + 1, W_OF)) {
        *val = 2, *end = i + 2;
        return 1;
    }
    return 0;
}

/* A time unit word at i: singular (*pl = 0) or plural (*pl = 1). */
static int unit_at(const ctx *c, size_t i, int *un, int *pl)
{
    if (i >= c->n) return 0;
    if (c->u[i].lex == W_UNIT || c->u[i].lex == W_UNITS) {
        *un = c->u[i].val, *pl = c->u[i].lex == W_UNITS;
        return 1;
    }
    if (c->u[i].lex == W_ORD && word_is(c, i, "second")) {
        *un = U_SEC, *pl = 0;
        return 1;
    }
    return 0;
}

/* A day of the month at i: 1-31, optionally with st/nd/rd/th, or an
 * ordinal word.  Sets *end. */
static int mday_at(const ctx *c, size_t i, int *day, size_t *end)
{
    if (isdig(c, i) && c->u[i].ndig <= 2 && c->u[i].val >= 1 && c->u[i].val <= 31) {
        size_t k = i + 1;
        if (isalpha_u(c, k) && glued(c, k) &&
            (word_is(c, k, "st") || word_is(c, k, "nd") || word_is(c, k, "rd") ||
             word_is(c, k, "th")))
            k++;
        /* not part of a larger number (3.5, 3,000, 10:30) */
        if ((pc(c, k, '.') || pc(c, k, ',') || pc(c, k, ':')) && glued(c, k) &&
            isdig(c, k + 1) && glued(c, k + 1))
            return 0;
        if (isalpha_u(c, k) && glued(c, k)) return 0;
        *day = c->u[i].val, *end = k;
        return 1;
    }
    if (lx(c, i, W_ORD) && c->u[i].val <= 31) {
        *day = c->u[i].val, *end = i + 1;
        return 1;
    }
    return 0;
}

/* A four-digit year at i (1000-2199), not part of a larger number. */
static int year_at(const ctx *c, size_t i, int *y)
{
    if (!isdig(c, i) || c->u[i].ndig != 4) return 0;
    int v = c->u[i].val;
    if (v < 1000 || v > 2199) return 0;
    if (i > 0 && glued(c, i) && (pc(c, i - 1, ',') || pc(c, i - 1, '.') || pc(c, i - 1, '$')))
        return 0;
    size_t k = i + 1;
    if ((pc(c, k, ',') || pc(c, k, '.') || pc(c, k, ':')) && glued(c, k) && isdig(c, k + 1) &&
        glued(c, k + 1))
        return 0;
    if (isalpha_u(c, k) && glued(c, k)) return 0;
    if (pc(c, k, '%')) return 0;
    *y = v;
    return 1;
}

/* A year read out in words: "nineteen ninety-six", "nineteen eighty",
 * "two thousand [and] one".  Sets *end. */
static int spoken_year_at(const ctx *c, size_t i, int *y, size_t *end)
{
    long hi, lo;
    size_t e, e2;
    if (!lx(c, i, W_NUM)) return 0;
    if (c->u[i].val >= 10 && c->u[i].val <= 20 && num_at(c, i + 1, 0, &lo, &e2) &&
        lx(c, i + 1, W_NUM) && lo >= 10 && lo <= 99) {
        *y = c->u[i].val * 100 + (int)lo, *end = e2;
        return 1;
    }
    if (num_at(c, i, 0, &hi, &e) && hi == 2 && word_is(c, e, "thousand")) {
        size_t k = e + 1;
        if (lx(c, k, W_AND)) k++;
        if (lx(c, k, W_NUM) && num_at(c, k, 0, &lo, &e2) && lo < 100) {
            *y = 2000 + (int)lo, *end = e2;
            return 1;
        }
        *y = 2000, *end = e + 1;
        return 1;
    }
    return 0;
}

/* A year after a date or season: "[,|of] 1998", "of nineteen ninety-four". */
static int year_after(const ctx *c, size_t b, int allow_of, int *y, size_t *end)
{
    size_t k = b;
    if (pc(c, k, ',') || (allow_of && lx(c, k, W_OF))) k++;
    if (year_at(c, k, y)) {
        *end = k + 1;
        return 1;
    }
    if (lx(c, k, W_NUM) && spoken_year_at(c, k, y, end)) return 1;
    return 0;
}

/* ------------------------------------------------------------ resolution */

/* A bare month "in <Month>" (unit i) whose clause is a plain past: the
 * past cue (unit cue) is the clause's verb in -ed ("the firm changed its
 * fiscal year in December"; a fronted "In January, a bomb killed two"),
 * not a reporting verb ("announced a deal to buy it in January" dates
 * the buying), with no infinitive, future word or comma between it and
 * the month.  Such a past cannot reach a month ahead of the article, so
 * the month is the latest one before it, however long ago. */
static int plain_past_in(const ctx *c, size_t i, size_t cue)
{
    if (cue >= c->n || !(i > 0 && lx(c, i - 1, W_IN))) return 0;
    if (reporting_verb(c, cue) || intent_verb(c, cue) || lx(c, cue + 1, W_TO)) return 0;
    size_t a, b;
    if (cue < i) {
        a = cue + 1, b = i - 1;
    } else {
        /* fronted: "In January, ..." or "Back in January, ..." opens
         * the sentence */
        if (!(i == 1 || c->u[i - 1].brk || (i > 1 && c->u[i - 2].brk && isalpha_u(c, i - 2))))
            return 0;
        if (!pc(c, i + 1, ',')) return 0;
        a = i + 2, b = cue;
    }
    for (size_t k = a; k < b; k++) {
        const unit *u = &c->u[k];
        if (u->lex == W_FUT || u->lex == W_IS) return 0;
        if (cue < i && u->kind == U_PUNCT && u->ch == ',') return 0;
        if (u->lex == W_TO && isalpha_u(c, k + 1) && !lx(c, k + 1, W_THE) &&
            !lx(c, k + 1, W_A) && !lx(c, k + 1, W_AN))
            return 0;
    }
    return 1;
}

/* The year of month m (day d, 0 = the month) said without a year, by
 * tense: past -> the latest not after the article date, future -> the
 * next, else the nearest. */
static int resolve_year(const ctx *c, size_t i, int m, int d)
{
    int weak;
    size_t cue;
    int tn = tense_cue(c, i, &weak, &cue);
    /* "the fiscal year ended Jan. 31", "since March": the one before; so
     * is a bare month in a clause whose verb is a past form ("In January,
     * the firm brought in a new chief") */
    size_t p = i > 0 && lx(c, i - 1, W_ON) ? i - 1 : i;
    int firm_past = p > 0 && (lx(c, p - 1, W_SINCE) || word_is(c, p - 1, "ended"));
    if (!d && tn < 0 && firm_past_cue(c, cue)) firm_past = 1;
    if (!d && tn < 0 && !weak && !firm_past && plain_past_in(c, i, cue)) firm_past = 1;
    int best = c->dy;
    long best_cost = -1;
    for (int y = c->dy - 1; y <= c->dy + 1; y++) {
        int dd = d ? DL_MIN(d, dl_days_in_month(y, m)) : 15;
        long diff = (long)dl_days_from_civil(y, m, dd) - c->dct;
        if (!d && m == c->dm && y == c->dy) diff = 0;
        long cost = diff < 0 ? -diff : diff;
        /* the tense of the clause makes the other side dearer; for a bare
         * month a firm future decides ("will be named commander for a
         * mission in December", said in March, is the December ahead);
         * a past cue (often just a word in -ed) weighs three times the
         * distance ("bought it in February", said in October); a day keeps
         * the nearest when close ("was extended to Nov. 16") */
        if (firm_past && diff > 0) cost += 1000;
        else if (tn < 0 && diff > 0) cost = d ? cost * 2 + 30 : cost * 3 + 30;
        /* no cue at all ("a high in June from $29 in March"): news tells
         * of the past more than of the future, so a month ahead counts
         * its distance twice */
        else if (tn == 0 && diff > 0 && !d) cost *= 2;
        else if (tn > 0 && diff < 0) cost = d ? cost * 2 + 30 : weak ? cost * 3 + 30 : cost + 1000;
        if (best_cost < 0 || cost < best_cost) best = y, best_cost = cost;
    }
    return best;
}

/* The date of weekday wd: mode 0 = by tense (same day if it is the
 * article's), -1 = last, +1 = next. */
static int32_t resolve_wday(const ctx *c, size_t i, int wd, int mode)
{
    int back = (c->dw - wd + 7) % 7, fwd = (wd - c->dw + 7) % 7;
    if (mode < 0) return c->dct - (back ? back : 7);
    if (mode > 0) return c->dct + (fwd ? fwd : 7);
    if (wd == c->dw) return c->dct;
    int weak, tn = tense_ex(c, i, &weak);
    /* "Wednesday's ruling": a possessive weekday names a past event
     * unless a firm future cue says otherwise */
    if (tn > 0 && weak && pc(c, i + 1, '\'') && word_is(c, i + 2, "s")) tn = -1;
    return tn > 0 ? c->dct + fwd : c->dct - back;
}

static const char *pod_code(int p)
{
    switch (p) {
    case POD_MO: return "MO";
    case POD_AF: return "AF";
    case POD_EV: return "EV";
    case POD_NI: return "NI";
    }
    return "";
}

/* part of day after a day expression: "night", "morning"... */
static int pod_at(const ctx *c, size_t i, int *p)
{
    if (lx(c, i, W_POD)) {
        *p = c->u[i].val;
        return 1;
    }
    return 0;
}

/* a plural part of day at i ("nights", "mornings"): its POD_*, else 0 */
static int pod_plural(const ctx *c, size_t i)
{
    return word_is(c, i, "mornings") ? POD_MO : word_is(c, i, "afternoons") ? POD_AF
         : word_is(c, i, "evenings") ? POD_EV : word_is(c, i, "nights") ? POD_NI : 0;
}

/* ------------------------------------------------------------ rules */

static void set_hit(hit *h, size_t a, size_t b, int type, const char *val)
{
    h->a = a, h->b = b, h->type = type;
    size_t n = strlen(val);
    if (n >= sizeof h->val) n = sizeof h->val - 1;
    memcpy(h->val, val, n);
    h->val[n] = 0;
}

/* Month at i (full name, or abbreviation with optional '.').  *end is
 * past the name and its period.  strict: the full name alone must look
 * like a date (capitalised; "May" and "March" need a date context). */
static int month_at(const ctx *c, size_t i, int *m, size_t *end)
{
    if (i >= c->n) return 0;
    const unit *u = &c->u[i];
    if (u->lex == W_MONTH && u->cap) {
        *m = u->val, *end = i + 1;
        if (pc(c, i + 1, '.') && glued(c, i + 1) && u->e - u->s <= 4) *end = i + 2;
        return 1;
    }
    if (u->lex == W_MONABBR && u->cap) {
        *m = u->val, *end = i + 1;
        if (pc(c, i + 1, '.') && glued(c, i + 1)) *end = i + 2;
        return 2;
    }
    return 0;
}

/* the word before i is one that introduces a date */
static int date_prep_before(const ctx *c, size_t i)
{
    if (i == 0) return 0;
    int l = c->u[i - 1].lex;
    return l == W_IN || l == W_ON || l == W_SINCE || l == W_PREP || l == W_LAST ||
           l == W_NEXT || l == W_THIS || l == W_EARLY || l == W_LATE || l == W_MID ||
           l == W_OF || l == W_AND || l == W_OR || l == W_EVERY || l == W_EACH ||
           l == W_TO || l == W_UNITS || l == W_BEFORE || l == W_AFTER || l == W_FUT ||
           l == W_APPROX || (l == W_PASTV) || pc(c, i - 1, '-');
}

/* Explicit calendar dates: "March 3", "Aug. 7, 1998", "3 March 2019",
 * "Monday, Oct. 26", "October 1998", "March of 1998", "2019-07-10",
 * bare month names. */
static int r_date(const ctx *c, size_t i, hit *h)
{
    size_t k = i, e;
    int m, d, y, wd = 0;
    if (lx(c, i, W_WDAY) && c->u[i].cap) {
        wd = c->u[i].val;
        k = i + 1;
        if (pc(c, k, ',')) k++;
        if (!month_at(c, k, &m, &e)) return 0;
    }
    /* ISO 2019-07-10 */
    if (!wd && isdig(c, i) && c->u[i].ndig == 4 && pc(c, i + 1, '-') && glued(c, i + 1) &&
        isdig(c, i + 2) && c->u[i + 2].ndig == 2 && glued(c, i + 2) && pc(c, i + 3, '-') &&
        glued(c, i + 3) && isdig(c, i + 4) && c->u[i + 4].ndig == 2 && glued(c, i + 4)) {
        y = c->u[i].val, m = c->u[i + 2].val, d = c->u[i + 4].val;
        if (m >= 1 && m <= 12 && d >= 1 && d <= dl_days_in_month(y, m)) {
            char v[40];
            fmt_ymd(v, y, m, d);
            set_hit(h, i, i + 5, DL_TIMEX_DATE, v);
            return 1;
        }
        return 0;
    }
    /* "April 24 and 25": the second day of a coordinated pair */
    if (!wd && isdig(c, i) && i >= 3 && (lx(c, i - 1, W_AND) || lx(c, i - 1, W_OR)) &&
        isdig(c, i - 2) && mday_at(c, i, &d, &e) && !month_at(c, e, &m, &e) &&
        !(isalpha_u(c, e) && (lx(c, e, W_UNITS) || lx(c, e, W_UNIT) ||
                              (!c->u[e].lex && !c->u[e].cap)))) {
        size_t k3 = i - 3;
        if (pc(c, k3, '.') && k3 > 0) k3--;
        int d0;
        size_t e0;
        if (month_at(c, k3, &m, &e0) && mday_at(c, i - 2, &d0, &e0) && e0 == i - 1 &&
            d > d0) {
            /* the year of the first day, which was just tagged */
            int ry, rm, rd;
            dl_civil_from_days(c->ref_day, &ry, &rm, &rd);
            y = c->ref_gran == U_DAY && rm == m && rd == d0 ? ry : resolve_year(c, i, m, d);
            size_t ye;
            if (year_after(c, e, 0, &y, &ye)) e = ye;
            if (d > dl_days_in_month(y, m)) return 0;
            char v[40];
            fmt_ymd(v, y, m, d);
            set_hit(h, i, e, DL_TIMEX_DATE, v);
            return 1;
        }
    }
    /* DAY MONTH [YEAR] */
    if (!wd && isdig(c, i) && mday_at(c, i, &d, &e)) {
        size_t k2 = e;
        if (lx(c, k2, W_OF)) k2++;
        size_t e2;
        if (month_at(c, k2, &m, &e2) && d <= 31) {
            size_t b = e2;
            size_t ye;
            if (year_after(c, b, 0, &y, &ye)) b = ye;
            else y = resolve_year(c, i, m, d);
            if (d > dl_days_in_month(y, m)) return 0;
            char v[40];
            fmt_ymd(v, y, m, d);
            set_hit(h, i, b, DL_TIMEX_DATE, v);
            return 1;
        }
        return 0;
    }
    int mk = month_at(c, k, &m, &e);
    if (!mk) return 0;
    size_t b;
    /* MONTH DAY [, YEAR] */
    if (mday_at(c, e, &d, &b) && isdig(c, e)) {
        size_t ye, e2;
        int d2;
        if (year_after(c, b, 0, &y, &ye)) b = ye;
        /* "May 2 and 3, 2016": the year of the pair */
        else if ((lx(c, b, W_AND) || lx(c, b, W_OR)) && mday_at(c, b + 1, &d2, &e2) &&
                 isdig(c, b + 1) && year_after(c, e2, 0, &y, &ye))
            ;
        else y = resolve_year(c, i, m, d);
        if (d > dl_days_in_month(y, m)) return 0;
        char v[40];
        fmt_ymd(v, y, m, d);
        set_hit(h, i, b, DL_TIMEX_DATE, v);
        return 1;
    }
    if (wd) return 0;
    /* MONTH [,|of] YEAR */
    b = e;
    size_t ye;
    if (year_after(c, b, 1, &y, &ye)) b = ye;
    else y = 0;
    if (y) {
        char v[40];
        fmt_month(v, y, m);
        set_hit(h, i, b, DL_TIMEX_DATE, v);
        return 1;
    }
    /* a bare month name */
    if (mk == 2) return 0;
    int prep = date_prep_before(c, i);
    int risky = m == 3 || m == 4 || m == 5 || m == 6 || m == 8;
    /* "the March accession", "a June agreement", "its October meeting":
     * a determiner, the month, a common noun (not "the March of Dimes",
     * "the May Department Stores", "a June bride" aside) */
    if (!prep && i > 0 &&
        (lx(c, i - 1, W_THE) || lx(c, i - 1, W_A) || word_is(c, i - 1, "its") ||
         word_is(c, i - 1, "their")) &&
        isalpha_u(c, e) && !c->u[e].cap && !c->u[e].lex && glued(c, e) == 0 &&
        c->u[e].e - c->u[e].s >= 4)
        prep = 1;
    if (!prep) {
        if (risky) return 0;
        if (i > 0 && c->u[i - 1].cap && !c->u[i].brk) return 0; /* a name */
    }
    if (isalpha_u(c, e) && c->u[e].cap && !c->u[e].brk && !lx(c, e, W_WDAY)) return 0;
    if (c->u[i].upper && c->u[i].e - c->u[i].s > 1 && m == 5) return 0;
    if ((lx(c, e, W_LAST) || lx(c, e, W_THIS) || lx(c, e, W_NEXT)) && lx(c, e + 1, W_UNIT) &&
        c->u[e + 1].val == U_YEAR) {
        y = c->dy + (lx(c, e, W_LAST) ? -1 : lx(c, e, W_NEXT) ? 1 : 0);
        char v[40];
        fmt_month(v, y, m);
        set_hit(h, i, e + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    int mode = 0;
    if (i > 0 && c->u[i - 1].lex == W_LAST) mode = -1;
    if (i > 0 && c->u[i - 1].lex == W_NEXT) mode = 1;
    if (mode < 0) y = m < c->dm ? c->dy : c->dy - 1;
    else if (mode > 0) y = m > c->dm ? c->dy : c->dy + 1;
    else y = resolve_year(c, i, m, 0);
    char v[40];
    fmt_month(v, y, m);
    set_hit(h, i, e, DL_TIMEX_DATE, v);
    return 1;
}

/* Years and decades: "1998", "fiscal 1989", "the 1990s", "'90s",
 * "the 20th century". */
static int r_year(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int the = 0, fiscal = 0, y;
    if (lx(c, k, W_THE)) the = 1, k++;
    if (lx(c, k, W_FISCAL)) fiscal = 1, k++;
    /* decades */
    if (isdig(c, k) && c->u[k].ndig == 4 && c->u[k].val % 10 == 0 && word_is(c, k + 1, "s") &&
        glued(c, k + 1) && !(k + 2 < c->n && glued(c, k + 2) && isalpha_u(c, k + 2))) {
        char v[40];
        snprintf(v, sizeof v, "%03d", c->u[k].val / 10);
        set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    if (pc(c, k, '\'') && isdig(c, k + 1) && glued(c, k + 1) && c->u[k + 1].ndig == 2 &&
        c->u[k + 1].val % 10 == 0 && word_is(c, k + 2, "s") && glued(c, k + 2)) {
        int dec = c->u[k + 1].val;
        char v[40];
        snprintf(v, sizeof v, "%d%d", dec >= 30 ? 19 : 20, dec / 10);
        set_hit(h, i, k + 3, DL_TIMEX_DATE, v);
        return 1;
    }
    /* centuries: the 20th century, the twentieth century */
    if (the) {
        int cent = 0;
        size_t e = k;
        if (isdig(c, k) && c->u[k].ndig <= 2 && isalpha_u(c, k + 1) && glued(c, k + 1))
            cent = c->u[k].val, e = k + 2;
        else if (lx(c, k, W_ORD))
            cent = c->u[k].val, e = k + 1;
        if (cent >= 1 && cent <= 22 && (lx(c, e, W_UNIT) && c->u[e].val == U_CENTURY)) {
            char v[40];
            snprintf(v, sizeof v, "%02d", cent - 1);
            set_hit(h, i, e + 1, DL_TIMEX_DATE, v);
            return 1;
        }
    }
    if (!the && isdig(c, k) && c->u[k].ndig <= 2 && isalpha_u(c, k + 1) && glued(c, k + 1) &&
        word_is(c, k + 2, "century") && c->u[k].val >= 1 && c->u[k].val <= 22 &&
        (word_is(c, k + 1, "th") || word_is(c, k + 1, "st") || word_is(c, k + 1, "nd"))) {
        char v[40];
        snprintf(v, sizeof v, "%02d", c->u[k].val - 1);
        set_hit(h, i, k + 3, DL_TIMEX_DATE, v);
        return 1;
    }
    size_t se;
    /* "the nineties", "the eighties": decades of the 20th century */
    if ((the || (i > 0 && (lx(c, i - 1, W_EARLY) || lx(c, i - 1, W_LATE) ||
                           lx(c, i - 1, W_MID)))) &&
        !fiscal && lx(c, k, W_XWORD)) {
        static const char *const dec[] = {"twenties", "thirties", "forties", "fifties",
                                           "sixties", "seventies", "eighties", "nineties"};
        for (int j = 0; j < 8; j++)
            if (word_is(c, k, dec[j]) && !(pc(c, k + 1, '-') && glued(c, k + 1))) {
                char v[40];
                snprintf(v, sizeof v, "19%d", j + 2);
                set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
                return 1;
            }
    }
    if (the && !fiscal) {
        /* "the year 1998", "the year two thousand" */
        if (lx(c, k, W_UNIT) && c->u[k].val == U_YEAR &&
            (year_at(c, k + 1, &y) || spoken_year_at(c, k + 1, &y, &se))) {
            char v[40];
            fmt_year(v, y);
            set_hit(h, i, isdig(c, k + 1) ? k + 2 : se, DL_TIMEX_DATE, v);
            return 1;
        }
        return 0;
    }
    if (!fiscal && lx(c, k, W_NUM) && c->u[k].val >= 11 && c->u[k].val <= 20 &&
        spoken_year_at(c, k, &y, &se)) {
        char v[40];
        fmt_year(v, y);
        set_hit(h, i, se, DL_TIMEX_DATE, v);
        return 1;
    }
    if (!year_at(c, k, &y)) return 0;
    if (!fiscal) {
        /* bare years: 1900-2099 are years; others need a date context */
        if ((y < 1900 || y > 2099) && !date_prep_before(c, k)) return 0;
        /* "$1998", "1998 people" with a count word after: keep simple */
        if (k > 0 && pc(c, k - 1, '#')) return 0;
        /* "Orion 1980", "Vision 2020": a year after a capitalised word
         * inside a sentence (not a month, season or holiday) is part of
         * a name */
        if (!the && k == i && k > 0 && isalpha_u(c, k - 1) && c->u[k - 1].cap &&
            !c->u[k - 1].brk && !c->u[k - 1].upper && !c->u[k - 1].lex)
            return 0;
    }
    char v[40];
    fmt_year(v, y);
    set_hit(h, fiscal && the ? i + 1 : i, k + 1, DL_TIMEX_DATE, v);
    if (fiscal && !the) set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
    return 1;
}

/* Weekdays: "Monday", "last Friday", "Tuesday night", "Mondays". */
static int r_wday(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int mode = 0;
    /* "the previous Friday", "the following Monday": from the day the
     * narrative is at */
    if (lx(c, k, W_THE) && (lx(c, k + 1, W_PREVIOUS) || lx(c, k + 1, W_FOLLOWING)) &&
        lx(c, k + 2, W_WDAY) && c->u[k + 2].cap) {
        int32_t ref = c->ref_gran == U_DAY ? c->ref_day : c->dct;
        int wd = c->u[k + 2].val, rw = dl_weekday(ref);
        int32_t day = lx(c, k + 1, W_PREVIOUS) ? ref - ((rw - wd + 6) % 7 + 1)
                                               : ref + ((wd - rw + 6) % 7 + 1);
        char v[40];
        fmt_day(v, day);
        set_hit(h, i, k + 3, DL_TIMEX_DATE, v);
        return 1;
    }
    if (lx(c, k, W_LAST)) mode = -1, k++;
    else if (lx(c, k, W_NEXT)) mode = 1, k++;
    else if (lx(c, k, W_THIS)) mode = 0, k++;
    if (lx(c, k, W_WDAYS) && c->u[k].cap && k == i) {
        char v[40];
        int p;
        size_t b = k + 1;
        if (pod_at(c, b, &p)) {
            snprintf(v, sizeof v, "XXXX-WXX-%dT%s", c->u[k].val, pod_code(p));
            b++;
        } else {
            snprintf(v, sizeof v, "XXXX-WXX-%d", c->u[k].val);
        }
        set_hit(h, i, b, DL_TIMEX_SET, v);
        return 1;
    }
    if (!lx(c, k, W_WDAY) || !c->u[k].cap) return 0;
    /* "the Sunday Times", "Friday Night Lights": a name; but after a
     * possessive ("in his Sunday Mass", "their Friday Prayers") it is that
     * day's occasion */
    int poss = k == i && i > 0 &&
               (word_is(c, i - 1, "his") || word_is(c, i - 1, "her") ||
                word_is(c, i - 1, "their") || word_is(c, i - 1, "its") ||
                word_is(c, i - 1, "our") || word_is(c, i - 1, "my"));
    if (!poss && isalpha_u(c, k + 1) && c->u[k + 1].cap && !c->u[k + 1].brk &&
        !lx(c, k + 1, W_POD) && !lx(c, k + 1, W_MONTH) && !lx(c, k + 1, W_MONABBR))
        return 0;
    /* "the Sunday Times" is caught above; "the Friday explosions" is a date */
    if (k > 0 && lx(c, k - 1, W_THE) && k == i && !(isalpha_u(c, k + 1) && !c->u[k + 1].cap))
        return 0;
    int wd = c->u[k].val;
    size_t b = k + 1;
    int p;
    char v[40];
    /* "Tuesday nights", "on Monday and Tuesday nights": a plural part of
     * the day makes the weekday habitual, a set like "Tuesdays" */
    if (k == i && ((p = pod_plural(c, b)) ||
                   ((lx(c, b, W_AND) || lx(c, b, W_OR)) && lx(c, b + 1, W_WDAY) &&
                    c->u[b + 1].cap && (p = pod_plural(c, b + 2))))) {
        snprintf(v, sizeof v, "XXXX-WXX-%dT%s", wd, pod_code(p));
        set_hit(h, i, pod_plural(c, b) ? b + 1 : b, DL_TIMEX_SET, v);
        return 1;
    }
    int32_t day = resolve_wday(c, k, wd, mode);
    if (pod_at(c, b, &p)) {
        fmt_day(v, day);
        size_t n = strlen(v);
        snprintf(v + n, sizeof v - n, "T%s", pod_code(p));
        set_hit(h, i, b + 1, DL_TIMEX_TIME, v);
        return 1;
    }
    fmt_day(v, day);
    set_hit(h, i, b, DL_TIMEX_DATE, v);
    return 1;
}

/* Unit k (possibly after one adjective: "today's special session") is a
 * noun for a thing of one day: an edition, a broadcast, a vote, a
 * meeting.  "today's editions", "today's quiz" are the article's day;
 * "today's youth", "today's computers" are the present age. */
static int one_day_noun(const ctx *c, size_t k)
{
    static const char *const N[] = {
        "edition", "editions", "issue", "paper", "papers", "newspaper", "newspapers",
        "broadcast", "program", "programme", "show", "quiz", "vote", "voting", "meeting",
        "session", "hearing", "game", "match", "race", "election", "elections", "primary",
        "trading", "close", "talks", "summit", "ceremony", "rally", "speech", "announcement",
        "deadline", "debate", "auction", "parade", "march", "final", "headlines",
        "news", "report", "briefing", "sitting"};
    for (size_t r = 0; r < 2 && isalpha_u(c, k + r) && !c->u[k + r].cap; r++)
        for (size_t j = 0; j < DL_ARRAY_LEN(N); j++)
            if (word_is(c, k + r, N[j])) return 1;
    return 0;
}

/* today, yesterday, tomorrow, tonight, this morning, last night,
 * yesterday afternoon. */
static int r_deictic(const ctx *c, size_t i, hit *h)
{
    int p;
    char v[40];
    int32_t day;
    size_t b;
    int l = i < c->n ? c->u[i].lex : 0;
    /* "today's youth": generic, not the article's day */
    if (l == W_TODAY && pc(c, i + 1, '\'') && word_is(c, i + 2, "s") && isalpha_u(c, i + 3) &&
        !c->u[i + 3].cap && !lx(c, i + 3, W_UNIT) && !one_day_noun(c, i + 3))
        return 0;
    /* "the people of tomorrow", "the cars of tomorrow": the future at
     * large, not the day after the article */
    if (l == W_TOMORROW && i > 1 && lx(c, i - 1, W_OF) && isalpha_u(c, i - 2) &&
        !c->u[i - 2].lex && !(i + 1 < c->n && isalpha_u(c, i + 1) && !c->u[i + 1].brk))
        return 0;
    /* "USA Today", "VOA Today": a title-case "Today" after a name */
    if (l == W_TODAY && titled(c, i) && !c->u[i].brk && i > 0 && isalpha_u(c, i - 1) &&
        c->u[i - 1].cap && !c->u[i - 1].brk)
        return 0;
    if (l == W_TODAY || l == W_YESTERDAY || l == W_TOMORROW) {
        day = c->dct + (l == W_YESTERDAY ? -1 : l == W_TOMORROW ? 1 : 0);
        b = i + 1;
        fmt_day(v, day);
        if (pod_at(c, b, &p)) {
            size_t n = strlen(v);
            snprintf(v + n, sizeof v - n, "T%s", pod_code(p));
            set_hit(h, i, b + 1, DL_TIMEX_TIME, v);
            return 1;
        }
        set_hit(h, i, b, DL_TIMEX_DATE, v);
        return 1;
    }
    /* "mid-afternoon yesterday", "by mid morning" (the day the
     * narrative is at), "mid-afternoon Friday" */
    if (l == W_MID) {
        size_t k = i + 1;
        if (pc(c, k, '-') && glued(c, k)) k++;
        if (!pod_at(c, k, &p) || (p != POD_MO && p != POD_AF)) return 0;
        b = k + 1;
        int l2 = b < c->n ? c->u[b].lex : 0;
        if (l2 == W_TODAY || l2 == W_YESTERDAY || l2 == W_TOMORROW) {
            day = c->dct + (l2 == W_YESTERDAY ? -1 : l2 == W_TOMORROW ? 1 : 0);
            b++;
        } else if (l2 == W_WDAY && c->u[b].cap) {
            day = resolve_wday(c, b, c->u[b].val, 0);
            b++;
        } else {
            day = c->ref_gran == U_DAY ? c->ref_day : c->dct;
        }
        fmt_day(v, day);
        size_t n = strlen(v);
        snprintf(v + n, sizeof v - n, "T%s", pod_code(p));
        set_hit(h, i, b, DL_TIMEX_TIME, v);
        return 1;
    }
    if (l == W_TONIGHT) {
        fmt_day(v, c->dct);
        strcat(v, "TNI");
        set_hit(h, i, i + 1, DL_TIMEX_TIME, v);
        return 1;
    }
    if ((l == W_THIS || l == W_LAST) && pod_at(c, i + 1, &p)) {
        if (l == W_LAST && p != POD_NI) return 0;
        day = c->dct - (l == W_LAST);
        fmt_day(v, day);
        size_t n = strlen(v);
        snprintf(v + n, sizeof v - n, "T%s", pod_code(p));
        set_hit(h, i, i + 2, DL_TIMEX_TIME, v);
        return 1;
    }
    return 0;
}

/* Clock times: "10:30 p.m.", "10 a.m. EST Thursday", "noon", "midnight
 * Friday", "7 o'clock". */
static int r_clock(const ctx *c, size_t i, hit *h)
{
    int hh = -1, mm = 0;
    size_t k = i;
    if (lx(c, i, W_NOON) && !(i > 0 && word_is(c, i - 1, "high"))) hh = 12, k = i + 1;
    else if (lx(c, i, W_MIDNIGHT)) hh = 24, k = i + 1;
    else if (isdig(c, i) && c->u[i].ndig <= 2 && c->u[i].val <= 24) {
        hh = c->u[i].val;
        k = i + 1;
        int minutes = 0;
        if (pc(c, k, ':') && glued(c, k) && isdig(c, k + 1) && glued(c, k + 1) &&
            c->u[k + 1].ndig == 2 && c->u[k + 1].val < 60) {
            mm = c->u[k + 1].val;
            k += 2;
            minutes = 1;
            if (pc(c, k, ':') && glued(c, k) && isdig(c, k + 1)) return 0;
        }
        int ampm = -1;
        /* a.m. / p.m. / am / pm / AM */
        if ((word_is(c, k, "a") || word_is(c, k, "p")) && pc(c, k + 1, '.') &&
            glued(c, k + 1) && word_is(c, k + 2, "m") && glued(c, k + 2)) {
            ampm = word_is(c, k, "p") ? 12 : 0;
            k += 3;
            if (pc(c, k, '.') && glued(c, k)) {
                /* the last period, unless it ends the sentence */
                int ends = k + 1 >= c->n ||
                           (c->u[k + 1].gap && (c->u[k + 1].cap || c->u[k + 1].kind != U_ALPHA) &&
                            !lx(c, k + 1, W_TZ) && !lx(c, k + 1, W_WDAY) &&
                            !lx(c, k + 1, W_MONTH) && !lx(c, k + 1, W_MONABBR) &&
                            !pc(c, k + 1, '(') && !pc(c, k + 1, ','));
                if (!ends || k + 1 >= c->n) k++;
            }
        } else if (lx(c, k, W_AMPM)) {
            ampm = c->u[k].val;
            k++;
        } else if (lx(c, k, W_OCLOCK) && pc(c, k + 1, '\'') && word_is(c, k + 2, "clock")) {
            k += 3;
            ampm = -2;
        } else if (!minutes && lx(c, k, W_IN) && lx(c, k + 1, W_THE) && lx(c, k + 2, W_POD) &&
                   c->u[k + 2].val != POD_NI && i > 0 &&
                   (lx(c, i - 1, W_AT) || lx(c, i - 1, W_PREP) || word_is(c, i - 1, "about"))) {
            /* "at 4 in the morning", "by 3 in the afternoon" */
            ampm = c->u[k + 2].val == POD_MO ? 0 : 12;
            k += 3;
        }
        if (ampm == -1 && !minutes) return 0;
        if (ampm == -1) {
            /* a bare H:MM needs "at" before it or a.m. after */
            if (!(i > 0 && lx(c, i - 1, W_AT))) return 0;
            if (hh > 23) return 0;
        } else if (ampm >= 0) {
            if (hh < 1 || hh > 12) return 0;
            hh = hh % 12 + ampm;
        }
    } else {
        return 0;
    }
    if (lx(c, k, W_TZ) && c->u[k].upper) k++;
    /* the day it belongs to */
    int32_t day = c->dct;
    size_t b = k;
    hit sub;
    if (pc(c, b, ',') && isalpha_u(c, b + 1)) b++;
    if (r_wday(c, b, &sub) && sub.type == DL_TIMEX_DATE) {
        dl_date_parse(sub.val, 10, &day);
        k = sub.b;
    } else if (r_deictic(c, b, &sub) && sub.type == DL_TIMEX_DATE) {
        dl_date_parse(sub.val, 10, &day);
        k = sub.b;
    } else if (r_date(c, b, &sub) && strlen(sub.val) == 10) {
        dl_date_parse(sub.val, 10, &day);
        k = sub.b;
    } else {
        /* "10:35 a.m. (0735 GMT) Friday": the day after a short aside
         * dates the time, outside its extent */
        size_t p = b;
        if (pc(c, p, '(')) {
            size_t lim = p + 8;
            while (p < c->n && p < lim && !pc(c, p, ')')) p++;
            if (pc(c, p, ')') && r_wday(c, p + 1, &sub) && sub.type == DL_TIMEX_DATE) {
                dl_date_parse(sub.val, 10, &day);
                p = 0;
            }
        }
        /* else the day the narrative is at */
        if (p && c->ref_gran == U_DAY) day = c->ref_day;
    }
    char v[40];
    fmt_day(v, day);
    size_t n = strlen(v);
    snprintf(v + n, sizeof v - n, "T%02d:%02d", hh, mm);
    set_hit(h, i, k, DL_TIMEX_TIME, v);
    return 1;
}

/* The calendar period that is `rel` periods of unit un from the article
 * date (rel = -1 last, 0 this, +1 next). */
static int period_val(const ctx *c, int un, int rel, char *v)
{
    switch (un) {
    case U_DAY: fmt_day(v, c->dct + rel); return 1;
    case U_WEEK: fmt_week(v, c->dct + 7 * rel); return 1;
    case U_MONTH: fmt_month(v, c->dy, c->dm + rel); return 1;
    case U_QUARTER: fmt_quarter(v, c->dy, (c->dm - 1) / 3 + 1 + rel); return 1;
    case U_YEAR: fmt_year(v, c->dy + rel); return 1;
    case U_DECADE: snprintf(v, 40, "%03d", c->dy / 10 + rel); return 1;
    case U_CENTURY: snprintf(v, 40, "%02d", c->dy / 100 + rel); return 1;
    }
    return 0;
}

/* "last week", "this year", "next month", "the past year", "the
 * previous quarter", "last fall", "this summer", "the weekend". */
static int r_relative(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int the = 0;
    if (lx(c, k, W_THE)) the = 1, k++;
    int l = k < c->n ? c->u[k].lex : 0;
    int rel;
    /* "this past spring" = last spring */
    if (!the && l == W_THIS && lx(c, k + 1, W_PAST) &&
        (lx(c, k + 2, W_SEASON) || lx(c, k + 2, W_WEEKEND) ||
         (lx(c, k + 2, W_UNIT) && c->u[k + 2].val >= U_WEEK)))
        k++, l = W_LAST;
    switch (l) {
    case W_LAST: case W_PAST: case W_PREVIOUS: rel = -1; break;
    case W_THIS: case W_CURRENT: rel = 0; break;
    case W_NEXT: case W_COMING: case W_FOLLOWING: rel = 1; break;
    default: rel = 9;
    }
    char v[40];
    /* the weekend */
    if (the && lx(c, k, W_WEEKEND) && c->u[k].val == 0) {
        int tn = tense_at(c, k);
        int32_t sat = c->dct - c->dw + 6; /* this week's Saturday */
        if (c->dw < 5 && tn <= 0) sat -= 7;
        fmt_week(v, sat);
        strcat(v, "-WE");
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (rel == 9) return 0;
    /* "ABC's This Week", "Last Year in Paris": a title-case unit inside a
     * sentence names a show or a work (headlines in capitals are not
     * title case) */
    if (titled(c, k + 1) && (lx(c, k + 1, W_UNIT) || lx(c, k + 1, W_WEEKEND)) &&
        !(c->u[k].brk && !titled(c, k + 2) && !(k + 2 < c->n && c->u[k + 2].cap)))
        return 0;
    if (the && l == W_THIS) return 0;
    if (!the && (l == W_PREVIOUS || l == W_FOLLOWING || l == W_PAST || l == W_CURRENT))
        return 0;
    if (l == W_FOLLOWING) return 0;
    k++;
    /* last May, this September, next January */
    if (!the && l != W_CURRENT && isalpha_u(c, k) &&
        (c->u[k].lex == W_MONTH || c->u[k].lex == W_MONABBR) && c->u[k].cap) {
        int m = c->u[k].val, y;
        if (rel < 0) y = m < c->dm ? c->dy : c->dy - 1;
        else if (rel > 0) y = m > c->dm ? c->dy : c->dy + 1;
        else y = c->dy;
        fmt_month(v, y, m);
        size_t b = k + 1;
        if (pc(c, b, '.') && glued(c, b) && c->u[k].lex == W_MONABBR) b++;
        /* "last Oct. 23", "next March 3": the day of the latest (next) such
         * month, or of the current month when the day is on that side */
        int d;
        size_t e;
        if (!(isdig(c, b) && mday_at(c, b, &d, &e)) && rel < 0 && m == c->dm - 1) {
            /* "last February" said in March is not the month just over,
             * which news calls "last month", but the one a year before */
            fmt_month(v, c->dy - 1, m);
        } else if (isdig(c, b) && mday_at(c, b, &d, &e)) {
            if (m == c->dm && rel)
                y = (rel < 0) == (d < c->dd) ? c->dy : c->dy + rel;
            if (d > dl_days_in_month(y, m)) return 0;
            fmt_ymd(v, y, m, d);
            b = e;
        }
        set_hit(h, i, b, DL_TIMEX_DATE, v);
        return 1;
    }
    if (!the && l == W_CURRENT) return 0;
    /* "the current fiscal year": the fiscal year now running */
    size_t kf = k;
    if (the && l == W_CURRENT && lx(c, k, W_FISCAL) && lx(c, k + 1, W_UNIT) &&
        (c->u[k + 1].val == U_YEAR || c->u[k + 1].val == U_QUARTER))
        k++;
    int un, pl;
    if (lx(c, k, W_WEEKEND)) {
        int32_t sat = c->dct - c->dw + 6 + 7 * rel;
        if (rel < 0 && c->dw >= 6) sat = c->dct - c->dw + 6 - 7;
        fmt_week(v, sat);
        strcat(v, "-WE");
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (lx(c, k, W_SEASON)) {
        static const char *sc[] = {"SP", "SU", "FA", "WI"};
        int s = c->u[k].val;
        int cur = c->dm == 12 ? 3 : (c->dm - 3) / 3; /* 0 SP .. 3 WI */
        if (c->dm <= 2) cur = -1;
        int y = c->dy;
        if (rel < 0) y = s < cur ? c->dy : c->dy - 1;
        else if (rel > 0) y = s > cur ? c->dy : c->dy + 1;
        snprintf(v, sizeof v, "%04d-%s", y, sc[s]);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (!unit_at(c, k, &un, &pl) || pl) return 0;
    if (un == U_SEC || un == U_MIN || un == U_HOUR) return 0;
    /* "the current quarter" is the calendar's, not the one reported on */
    if (un == U_QUARTER && the && l == W_CURRENT && k == kf) {
        period_val(c, un, 0, v);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (un == U_QUARTER && the && rel <= 0) {
        fmt_quarter(v, c->refq_y, c->refq_q + (l == W_PREVIOUS ? -1 : 0));
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (un == U_QUARTER && rel <= 0 && !the) {
        /* "last quarter" is the last reported one */
        /* "last quarter" is the last reported one, and so is "this
         * quarter" in an earnings report ("the current quarter" is the
         * calendar's) */
        fmt_quarter(v, c->refq_y, c->refq_q);
        if (rel == 0 && l == W_CURRENT) fmt_quarter(v, c->dy, (c->dm - 1) / 3 + 1);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if ((un == U_DECADE || un == U_CENTURY) && rel != 1 && (the || l != W_THIS)) {
        fmt_dur(v, 1, un);
        set_hit(h, i, k + 1, DL_TIMEX_DURATION, v);
        return 1;
    }
    if (un == U_CENTURY && l == W_THIS) {
        set_hit(h, i, k + 1, DL_TIMEX_DATE, "P100Y");
        return 1;
    }
    if (un == U_DAY) return 0;
    period_val(c, un, rel, v);
    set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
    return 1;
}

/* Seasons with a year or "the": "summer 1998", "the summer of 1998",
 * "the summer", "in spring". */
static int r_season(const ctx *c, size_t i, hit *h)
{
    static const char *sc[] = {"SP", "SU", "FA", "WI"};
    size_t k = i;
    int the = 0, y;
    if (lx(c, k, W_THE)) the = 1, k++;
    if (!lx(c, k, W_SEASON)) return 0;
    int s = c->u[k].val;
    size_t b = k + 1;
    size_t ye;
    if (year_after(c, b, 1, &y, &ye)) b = ye;
    else {
        if (!the && !(i > 0 && (lx(c, i - 1, W_IN) || lx(c, i - 1, W_PREP) ||
                                lx(c, i - 1, W_EARLY) || lx(c, i - 1, W_LATE) ||
                                lx(c, i - 1, W_MID))))
            return 0;
        if (s == 2 && !the) return 0;
        if (isalpha_u(c, b) && (lx(c, b, W_UNIT) || lx(c, b, W_UNITS))) return 0;
        y = c->dy;
    }
    char v[40];
    snprintf(v, sizeof v, "%04d-%s", y, sc[s]);
    set_hit(h, i, b, DL_TIMEX_DATE, v);
    return 1;
}

/* The sentence before unit i talks about a period of several quarters
 * ("For the nine months, ...", "in the first half"): a year-ago
 * comparison there is with the year before, not with one quarter.
 * Reads at most 40 units back. */
static int multi_quarter_clause(const ctx *c, size_t i)
{
    size_t lim = i > 40 ? i - 40 : 0;
    for (size_t k = i; k > lim;) {
        if (c->u[k].brk) break;
        k--;
        if (lx(c, k, W_UNITS) && c->u[k].val == U_MONTH && k > 0) {
            long n;
            size_t e;
            size_t a = k - 1;
            if (num_at(c, a, 0, &n, &e) && e == k && (n == 6 || n == 9)) return 1;
        }
        if (lx(c, k, W_HALF) && k > 0 && lx(c, k - 1, W_ORD)) return 1;
    }
    return 0;
}

/* Quarters and halves: "the third quarter", "third-quarter", "the fiscal
 * first quarter", "the fourth quarter of 1997", "1998 second quarter", "the
 * first half", "the quarter", "the latest quarter", "the year-earlier
 * quarter", "year-earlier", "the first nine months". */
static int r_quarter(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int the = 0, y = 0, q;
    if (lx(c, k, W_THE)) the = 1, k++;
    char v[40];
    if (year_at(c, k, &y) && k + 1 < c->n) {
        size_t k2 = k + 1;
        if (pc(c, k2, '\'') && word_is(c, k2 + 1, "s")) k2 += 2;
        if (lx(c, k2, W_FISCAL)) k2++;
        if (lx(c, k2, W_ORD)) k = k2;
        else if (the && c->qctx && k2 == k + 1 &&
                 ((lx(c, k2, W_UNIT) && c->u[k2].val == U_QUARTER) ||
                  word_is(c, k2, "period"))) {
            /* "the 1988 quarter": the reported quarter of that year;
             * "the 1988 period" after "For the nine months": the year */
            if (word_is(c, k2, "period") && multi_quarter_clause(c, i)) fmt_year(v, y);
            else fmt_quarter(v, y, c->refq_q);
            set_hit(h, i, k2 + 1, DL_TIMEX_DATE, v);
            return 1;
        } else y = 0;
    }
    /* "last year's [third] quarter", "this year's third quarter", "next
     * year's first quarter" */
    if ((lx(c, k, W_LAST) || lx(c, k, W_THIS) || lx(c, k, W_NEXT)) && lx(c, k + 1, W_UNIT) &&
        c->u[k + 1].val == U_YEAR && pc(c, k + 2, '\'') && word_is(c, k + 3, "s")) {
        size_t k2 = k + 4;
        int yy = c->dy + (lx(c, k, W_LAST) ? -1 : lx(c, k, W_NEXT) ? 1 : 0);
        int qq = c->refq_q;
        if (lx(c, k2, W_FISCAL)) k2++;
        if (lx(c, k2, W_ORD) && c->u[k2].val <= 4) {
            qq = c->u[k2].val, k2++;
            if (pc(c, k2, '-') && glued(c, k2)) k2++;
        } else if (!c->qctx) {
            return 0;
        }
        if (lx(c, k2, W_UNIT) && c->u[k2].val == U_QUARTER) {
            fmt_quarter(v, yy, qq);
            set_hit(h, i, k2 + 1, DL_TIMEX_DATE, v);
            return 1;
        }
        return 0;
    }
    /* "the comparable year-ago quarter", "the corresponding period last
     * year" */
    int comp = 0;
    if (the && (word_is(c, k, "comparable") || word_is(c, k, "corresponding") ||
                word_is(c, k, "same")))
        comp = 1, k++;
    if (comp && c->qctx && (word_is(c, k, "period") || lx(c, k, W_UNIT)) &&
        (word_is(c, k, "period") || c->u[k].val == U_QUARTER) && lx(c, k + 1, W_LAST) &&
        lx(c, k + 2, W_UNIT) && c->u[k + 2].val == U_YEAR) {
        fmt_quarter(v, c->refq_y - 1, c->refq_q);
        set_hit(h, i, k + 3, DL_TIMEX_DATE, v);
        return 1;
    }
    /* "the quarter a year ago / earlier" */
    if (the && c->qctx && lx(c, k, W_UNIT) && c->u[k].val == U_QUARTER &&
        (lx(c, k + 1, W_A) || (lx(c, k + 1, W_NUM) && c->u[k + 1].val == 1)) &&
        lx(c, k + 2, W_UNIT) && c->u[k + 2].val == U_YEAR &&
        (lx(c, k + 3, W_AGO) || lx(c, k + 3, W_EARLIER))) {
        fmt_quarter(v, c->refq_y - 1, c->refq_q);
        set_hit(h, i, k + 4, DL_TIMEX_DATE, v);
        return 1;
    }
    if (lx(c, k, W_FISCAL)) k++;
    /* year-earlier / year-ago [quarter|period] */
    if (lx(c, k, W_UNIT) && c->u[k].val == U_YEAR && pc(c, k + 1, '-') && glued(c, k + 1) &&
        (lx(c, k + 2, W_EARLIER) || lx(c, k + 2, W_AGO)) && glued(c, k + 2)) {
        size_t b = k + 3;
        /* "the year-ago third quarter": that quarter, a year before */
        if (lx(c, b, W_ORD) && c->u[b].val <= 4) {
            size_t e = b + 1;
            if (pc(c, e, '-') && glued(c, e)) e++;
            if (lx(c, e, W_UNIT) && c->u[e].val == U_QUARTER) {
                int qq = c->u[b].val, yy = c->refq_y;
                if (qq > c->refq_q) yy--;
                fmt_quarter(v, yy - 1, qq);
                set_hit(h, i, e + 1, DL_TIMEX_DATE, v);
                return 1;
            }
        }
        /* "the year-earlier nine months": the span */
        long nm;
        size_t em;
        if (the && num_at(c, b, 0, &nm, &em) && nm > 1 && lx(c, em, W_UNITS) &&
            c->u[em].val == U_MONTH) {
            fmt_dur(v, nm, U_MONTH);
            set_hit(h, i, em + 1, DL_TIMEX_DURATION, v);
            return 1;
        }
        int quarter = 0;
        if (lx(c, b, W_UNIT) && c->u[b].val == U_QUARTER) b++, quarter = 1;
        else if (word_is(c, b, "period")) b++;
        else if (the) return 0;
        /* "the year-ago quarter, the second quarter ended Oct. 31": the
         * apposition names the quarter */
        int aq = quarter && pc(c, b, ',') && lx(c, b + 1, W_THE) && lx(c, b + 2, W_ORD) &&
                         c->u[b + 2].val <= 4 && lx(c, b + 3, W_UNIT) &&
                         c->u[b + 3].val == U_QUARTER
                     ? c->u[b + 2].val
                     : 0;
        if (aq) fmt_quarter(v, c->refq_y - 1, aq);
        else if (c->qctx && (quarter || !multi_quarter_clause(c, i)))
            fmt_quarter(v, c->refq_y - 1, c->refq_q);
        else if (c->qctx) fmt_year(v, c->refq_y - 1);
        else fmt_year(v, c->dy - 1);
        set_hit(h, i, b, DL_TIMEX_DATE, v);
        return 1;
    }
    /* "year-end": the last day of the year, this one ("by year-end") or,
     * after "since" or in a past clause, the one before */
    if (lx(c, k, W_UNIT) && c->u[k].val == U_YEAR && pc(c, k + 1, '-') && glued(c, k + 1) &&
        lx(c, k + 2, W_END) && glued(c, k + 2)) {
        int back = (i > 0 && lx(c, i - 1, W_SINCE)) ||
                   (!(i > 0 && lx(c, i - 1, W_PREP)) && tense_at(c, i) < 0);
        snprintf(v, sizeof v, "%04d-12-31", c->dy - back);
        set_hit(h, i, k + 3, DL_TIMEX_DATE, v);
        return 1;
    }
    /* "by year end", "by year's end" */
    if (!the && k == i && i > 0 && (lx(c, i - 1, W_PREP) || lx(c, i - 1, W_APPROX) ||
                                    lx(c, i - 1, W_AT) || lx(c, i - 1, W_BEFORE)) &&
        lx(c, k, W_UNIT) && c->u[k].val == U_YEAR) {
        size_t e = k + 1;
        if (pc(c, e, '\'') && word_is(c, e + 1, "s")) e += 2;
        if (lx(c, e, W_END) && !pc(c, e + 1, '-')) {
            fmt_year(v, c->dy);
            set_hit(h, i, e + 1, DL_TIMEX_DATE, v);
            return 1;
        }
    }
    if (the && c->qctx && lx(c, k, W_LATEST) && word_is(c, k + 1, "period")) {
        fmt_quarter(v, c->refq_y, c->refq_q);
        set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    if (the && word_is(c, k, "full") && lx(c, k + 1, W_UNIT) && c->u[k + 1].val == U_YEAR) {
        fmt_year(v, c->dy);
        set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    if (the && (lx(c, k, W_LATEST) || lx(c, k, W_SAME)) && lx(c, k + 1, W_UNIT) &&
        c->u[k + 1].val == U_QUARTER) {
        fmt_quarter(v, c->refq_y, c->refq_q);
        set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    if (the && k == i + 1 && lx(c, k, W_UNIT) && c->u[k].val == U_QUARTER &&
        !pc(c, k + 1, '-')) {
        /* "the quarter ended July 31": the calendar quarter that holds
         * most of the three months (May to July: the second) */
        hit h2;
        int y2, m2, d2;
        if (word_is(c, k + 1, "ended") && r_date(c, k + 2, &h2) &&
            sscanf(h2.val, "%4d-%2d-%2d", &y2, &m2, &d2) == 3 && strlen(h2.val) == 10) {
            int mid = m2 - 1;
            if (mid < 1) mid += 12, y2--;
            fmt_quarter(v, y2, (mid - 1) / 3 + 1);
        } else
            fmt_quarter(v, c->refq_y, c->refq_q);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    /* the (first) nine months */
    if (the) {
        size_t k2 = k;
        if (lx(c, k2, W_ORD) && c->u[k2].val == 1) k2++;
        long n;
        size_t e;
        if (num_at(c, k2, 0, &n, &e) && n > 1 && lx(c, e, W_UNITS) &&
            (c->u[e].val == U_MONTH || c->u[e].val == U_QUARTER || c->u[e].val == U_WEEK)) {
            int un = c->u[e].val;
            size_t b = e + 1;
            int yy;
            /* "the first two quarters of 1990": its first half */
            if (k2 > k && n == 2 && un == U_QUARTER && lx(c, b, W_OF) &&
                year_at(c, b + 1, &yy)) {
                snprintf(v, sizeof v, "%04d-H1", yy);
                set_hit(h, i, b + 2, DL_TIMEX_DATE, v);
                return 1;
            }
            /* "the first nine months of the year": TimeBank tags "the
             * year" apart, as it does "1997" in "... of 1997" */
            if (k2 > k) {
                fmt_dur(v, n, un);
                set_hit(h, i, b, DL_TIMEX_DURATION, v);
                return 1;
            }
        }
    }
    /* "the last half of 1989": the second */
    int yy2;
    if (lx(c, k, W_LAST) && lx(c, k + 1, W_HALF)) {
        if (!(lx(c, k + 2, W_OF) && year_at(c, k + 3, &yy2))) return 0;
        q = 2;
    }
    else if (!lx(c, k, W_ORD)) return 0;
    else q = c->u[k].val;
    /* "the second and fourth quarters", "in third quarters": plural
     * quarters recur every year, a SET of that quarter, tagged from the
     * ordinal ("the" is left out: the rule tries the next unit too) */
    int setq = q <= 4 && ((lx(c, k + 1, W_UNITS) && c->u[k + 1].val == U_QUARTER) ||
                          ((lx(c, k + 1, W_AND) || lx(c, k + 1, W_OR)) && lx(c, k + 2, W_ORD) &&
                           c->u[k + 2].val <= 4 && lx(c, k + 3, W_UNITS) &&
                           c->u[k + 3].val == U_QUARTER));
    if (setq) {
        if (k != i) return 0;
        snprintf(v, sizeof v, "XXXX-Q%d", q);
        set_hit(h, i, lx(c, k + 1, W_UNITS) ? k + 2 : k + 1, DL_TIMEX_SET, v);
        return 1;
    }
    size_t e = k + 1;
    if (pc(c, e, '-') && glued(c, e)) e++;
    int half = 0;
    if (lx(c, e, W_HALF)) half = 1;
    else if (!(lx(c, e, W_UNIT) && c->u[e].val == U_QUARTER)) return 0;
    if (half ? q > 2 : q > 4) return 0;
    size_t b = e + 1;
    if (!y) {
        if (lx(c, b, W_OF) && year_at(c, b + 1, &y)) b += 2;
        else if (lx(c, b, W_OF) && lx(c, b + 1, W_FISCAL) && year_at(c, b + 2, &y)) b += 3;
        else if (year_at(c, b, &y)) b++;
    }
    /* in apposition to a year-ago quarter ("In the year-ago quarter, the
     * second quarter ended Oct. 31, ..."): that quarter a year before */
    if (!y && !half && the && i > 3 && pc(c, i - 1, ',') && lx(c, i - 2, W_UNIT) &&
        c->u[i - 2].val == U_QUARTER && (lx(c, i - 3, W_AGO) || lx(c, i - 3, W_EARLIER)) &&
        pc(c, i - 4, '-') && glued(c, i - 3))
        y = c->refq_y - 1;
    if (!y) {
        int cq = (c->dm - 1) / 3 + 1;
        if (half) cq = c->dm <= 6 ? 1 : 2;
        y = c->dy;
        if (q > cq && tense_at(c, k) <= 0) y--;
    }
    if (half) snprintf(v, sizeof v, "%04d-H%d", y, q);
    else fmt_quarter(v, y, q);
    set_hit(h, i, b, DL_TIMEX_DATE, v);
    return 1;
}

/* "two years ago", "a year earlier", "three days later", "a decade ago". */
static int r_ago(const ctx *c, size_t i, hit *h)
{
    long n;
    size_t e;
    int un, pl;
    if (!num_at(c, i, 1, &n, &e) || !unit_at(c, e, &un, &pl)) return 0;
    int l = e + 1 < c->n ? c->u[e + 1].lex : 0;
    if (l != W_AGO && l != W_EARLIER && l != W_LATER && l != W_BEFORE) return 0;
    if (l == W_BEFORE && !(e + 2 < c->n && (c->u[e + 2].brk || c->u[e + 2].kind == U_PUNCT)))
        return 0;
    char v[40];
    /* "three days later", "a few weeks earlier": TimeBank tags the
     * duration, which the signal word anchors to the narrative, not to
     * the article's date */
    if ((l == W_LATER || l == W_EARLIER) &&
        (un == U_DAY || un == U_WEEK || un == U_HOUR || un == U_MIN)) {
        fmt_dur(v, n, un);
        set_hit(h, i, e + 1, DL_TIMEX_DURATION, v);
        return 1;
    }
    if (n < 0) {
        snprintf(v, sizeof v, "%s", l == W_LATER ? "FUTURE_REF" : "PAST_REF");
        set_hit(h, i, e + 2, DL_TIMEX_DATE, v);
        return 1;
    }
    long s = l == W_LATER ? n : -n;
    if (n > 5000) return 0;
    switch (un) {
    case U_SEC: case U_MIN: case U_HOUR: return 0;
    case U_DAY: fmt_day(v, c->dct + (int32_t)s); break;
    case U_WEEK: fmt_week(v, c->dct + 7 * (int32_t)s); break;
    case U_MONTH: fmt_month(v, c->dy, c->dm + (int)s); break;
    case U_QUARTER: fmt_quarter(v, c->dy, (c->dm - 1) / 3 + 1 + (int)s); break;
    case U_YEAR:
        if (n == 1 && c->qctx && l != W_LATER && !multi_quarter_clause(c, i))
            fmt_quarter(v, c->refq_y - 1, c->refq_q);
        else if (n == 1 && c->qctx && l != W_LATER) fmt_year(v, c->refq_y - 1);
        else snprintf(v, sizeof v, "%04ld", c->dy + s);
        break;
    case U_DECADE: snprintf(v, sizeof v, "%04ld", c->dy + 10 * s); break;
    case U_CENTURY: snprintf(v, sizeof v, "%04ld", c->dy + 100 * s); break;
    }
    set_hit(h, i, e + 2, DL_TIMEX_DATE, v);
    return 1;
}

/* the word before i makes "a day" a rate: "$5 a day", "twice a year" */
static int rate_before(const ctx *c, size_t i)
{
    if (i == 0) return 0;
    const unit *p = &c->u[i - 1];
    if (p->kind == U_DIGIT || p->lex == W_MONEY || p->lex == W_TIMES || p->lex == W_NUM ||
        (p->kind == U_PUNCT && (p->ch == '%')))
        return 1;
    /* "four flights a week", "700 seats a week", "24 hours a day": a
     * counted plural noun before it */
    if (i >= 2 && p->kind == U_ALPHA && !p->cap && p->e - p->s >= 3 && c->t[p->e - 1] == 's') {
        const unit *q = &c->u[i - 2];
        return q->kind == U_DIGIT || q->lex == W_NUM || q->lex == W_MONEY;
    }
    return 0;
}

/* Durations: "three days", "two-year", "the past two months", "the next
 * few years", "more than four hours" (via prefixes), "years", "a week". */
static int r_duration(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int the = 0, lead = 0;
    if (lx(c, k, W_THE)) the = 1, k++;
    int l = k < c->n ? c->u[k].lex : 0;
    /* "Islam will one day be ...", "hopes he one day follows": some day
     * ahead, not a span of a day */
    if (!the && i > 0 && word_is(c, k, "one") && lx(c, k + 1, W_UNIT) &&
        c->u[k + 1].val == U_DAY && isalpha_u(c, k + 2) && !c->u[k + 2].lex &&
        (word_is(c, i - 1, "will") || word_is(c, i - 1, "would") || word_is(c, i - 1, "could") ||
         word_is(c, i - 1, "might") || word_is(c, i - 1, "may") || word_is(c, i - 1, "can") ||
         word_is(c, i - 1, "shall") || word_is(c, i - 1, "ll"))) {
        set_hit(h, i, k + 2, DL_TIMEX_DATE, "FUTURE_REF");
        return 1;
    }
    /* "in a year or two", "in a week or so": some time ahead, a vague
     * point rather than a span (not "in a day or two of talks") */
    if (!the && i > 0 && lx(c, i - 1, W_IN) && (l == W_A || l == W_AN || word_is(c, k, "one")) &&
        lx(c, k + 1, W_UNIT) && lx(c, k + 2, W_OR) &&
        (word_is(c, k + 3, "two") || word_is(c, k + 3, "so")) && !lx(c, k + 4, W_OF) &&
        !lx(c, k + 4, W_AGO)) {
        set_hit(h, i, k + 4, DL_TIMEX_DATE, "FUTURE_REF");
        return 1;
    }
    /* "at a later date", "at an earlier date": some time after / before */
    if (!the && (l == W_A || l == W_AN) &&
        (lx(c, k + 1, W_LATER) || lx(c, k + 1, W_EARLIER)) && word_is(c, k + 2, "date")) {
        set_hit(h, i, k + 3, DL_TIMEX_DATE, lx(c, k + 1, W_LATER) ? "FUTURE_REF" : "PAST_REF");
        return 1;
    }
    /* "due to last 72 hours", "will last two weeks": the verb, not the
     * adjective; the duration starts after it (tried at the next word) */
    if (!the && l == W_LAST && i > 0 &&
        (word_is(c, i - 1, "to") || word_is(c, i - 1, "will") || word_is(c, i - 1, "would") ||
         word_is(c, i - 1, "could") || word_is(c, i - 1, "may") || word_is(c, i - 1, "might") ||
         word_is(c, i - 1, "should") || word_is(c, i - 1, "can") || word_is(c, i - 1, "not") ||
         word_is(c, i - 1, "must")))
        return 0;
    if (l == W_PAST || l == W_LAST || l == W_NEXT || l == W_COMING || l == W_FOLLOWING ||
        l == W_PREVIOUS || (the && l == W_ORD && c->u[k].val == 1) || l == W_RECENT)
        lead = l, k++;
    long n;
    size_t e;
    int un, pl;
    char v[40];
    if (num_at(c, k, !lead && !the, &n, &e)) {
        int halfs = 0;
        /* 2 1/2 years */
        if (n >= 0 && isdig(c, e) && c->u[e].val == 1 && pc(c, e + 1, '/') && glued(c, e + 1) &&
            isdig(c, e + 2) && c->u[e + 2].val == 2 && glued(c, e + 2))
            halfs = 1, e += 3;
        /* "two and a half years" */
        else if (n > 0 && lx(c, e, W_AND) && lx(c, e + 1, W_A) && lx(c, e + 2, W_HALF))
            halfs = 1, e += 3;
        int hyph = 0;
        if (pc(c, e, '-') && glued(c, e) && glued(c, e + 1)) e++, hyph = 1;
        /* "two more weeks", "an additional year", "three extra days" */
        if (!hyph && n > 0 &&
            (lx(c, e, W_MORE) || word_is(c, e, "additional") || word_is(c, e, "extra")))
            e++;
        /* "eight trading days", "ten business days" */
        if (!hyph && (word_is(c, e, "trading") || word_is(c, e, "business") ||
                      word_is(c, e, "working")) &&
            lx(c, e + 1, W_UNITS) && c->u[e + 1].val == U_DAY)
            e++;
        if (!unit_at(c, e, &un, &pl)) return 0;
        if (hyph && pl) return 0; /* "three-quarters" */
        if (c->u[e].cap && !c->u[e].brk && c->u[k].kind == U_DIGIT) return 0; /* "60 Minutes" */
        if (un == U_SEC && (lx(c, k, W_A) || lx(c, k, W_AN))) return 0; /* "a second" */
        if (n == 1 && pl && !hyph) return 0;
        if (n > 1 && !pl && !hyph && c->u[k].kind == U_DIGIT) return 0;
        size_t b = e + 1;
        if (hyph && pc(c, b, '-') && glued(c, b) && glued(c, b + 1)) {
            if (lx(c, b + 1, W_LONG)) b += 2;
            else return 0; /* "6-year-old": an age */
        }
        /* "a year-earlier loss": not a duration */
        if (!hyph && pc(c, b, '-') && glued(c, b) && isalpha_u(c, b + 1) && glued(c, b + 1))
            return 0;
        if (lx(c, b, W_AGO) || lx(c, b, W_EARLIER) || lx(c, b, W_LATER)) return 0;
        /* "a quarter of the market", "three quarters of them": a fraction
         * ("a quarter of a century" is a span) */
        if (un == U_QUARTER && !hyph && n >= 1 && n <= 3 && lx(c, b, W_OF) &&
            (lx(c, b + 1, W_THE) || word_is(c, b + 1, "its") || word_is(c, b + 1, "their") ||
             word_is(c, b + 1, "all") || word_is(c, b + 1, "our")) &&
            !lx(c, b + 2, W_UNIT))
            return 0;
        /* "52 years old": an age, which TimeBank leaves untagged */
        if (!hyph && lx(c, b, W_OLD)) return 0;
        if (lx(c, b, W_OR) && word_is(c, b + 1, "so") && lx(c, b + 2, W_AGO)) return 0;
        /* "a year" as a rate */
        /* "$5 million a year", "four flights a week": a rate, which
         * TimeBank leaves untagged */
        if (n == 1 && (lx(c, k, W_A) || lx(c, k, W_AN)) && !lead && !the && rate_before(c, k))
            return 0;
        if (lead == W_RECENT) return 0;
        /* "or so" */
        if (lx(c, b, W_OR) && word_is(c, b + 1, "so")) b += 2;
        /* "a minute and a half", "a year and a half" */
        else if (!halfs && !hyph && n > 0 && lx(c, b, W_AND) && lx(c, b + 1, W_A) &&
                 lx(c, b + 2, W_HALF))
            halfs = 1, b += 3;
        if (halfs && n >= 0) {
            if (un == U_YEAR) snprintf(v, sizeof v, "P%ldY6M", n);
            else if (un == U_HOUR) snprintf(v, sizeof v, "PT%ldH30M", n);
            else if (un == U_DAY) snprintf(v, sizeof v, "PT%ldH", n * 24 + 12);
            else if (un == U_MIN) snprintf(v, sizeof v, "PT%ldM30S", n);
            else fmt_dur(v, n, un);
        } else {
            fmt_dur(v, n, un);
        }
        /* "the 30-day period": the article belongs to the noun */
        size_t a = (the && hyph && !lead) ? k : i;
        set_hit(h, a, b, DL_TIMEX_DURATION, v);
        return 1;
    }
    /* "in the years that followed", "over the years", "the weeks ahead":
     * some years, weeks; not "the weeks before the vote" (a stretch the
     * event dates) nor "the days when" (a kind of time) */
    if (the && !lead && unit_at(c, k, &un, &pl) && pl && un != U_SEC && un != U_QUARTER &&
        !(pc(c, k + 1, '-') || pc(c, k + 1, '\''))) {
        size_t b = k + 1;
        if (word_is(c, b, "ahead")) b++;
        else if (!(b >= c->n || (i > 0 && word_is(c, i - 1, "over")) || c->u[b].brk ||
                   c->u[b].kind == U_PUNCT || lx(c, b, W_SINCE) || word_is(c, b, "that") ||
                   word_is(c, b, "which") || (lx(c, b, W_TO) && word_is(c, b + 1, "come"))))
            return 0;
        if (lx(c, b, W_TO) && word_is(c, b + 1, "come")) b += 2;
        fmt_dur(v, -1, un);
        set_hit(h, i, b, DL_TIMEX_DURATION, v);
        return 1;
    }
    if (the && !lead) return 0;
    /* "a day-long meeting", "a decades-long feud": one day, some decades */
    if (!the && !lead && unit_at(c, k, &un, &pl) && un != U_SEC && pc(c, k + 1, '-') &&
        glued(c, k + 1) && lx(c, k + 2, W_LONG) && glued(c, k + 2)) {
        fmt_dur(v, pl ? -1 : 1, un);
        set_hit(h, i, k + 3, DL_TIMEX_DURATION, v);
        return 1;
    }
    if (!unit_at(c, k, &un, &pl) || !pl) return 0;
    if (lead && !the && lead != W_RECENT && lead != W_PAST && lead != W_COMING) return 0;
    if (lead == W_RECENT && !(un == U_YEAR || un == U_MONTH || un == U_WEEK || un == U_DAY ||
                              un == U_QUARTER))
        return 0;
    if (lx(c, k + 1, W_AGO) || lx(c, k + 1, W_EARLIER) || lx(c, k + 1, W_LATER)) {
        set_hit(h, i, k + 2, DL_TIMEX_DATE, "PAST_REF");
        return 1;
    }
    if (!lead) {
        /* bare plural units: "for years", "in recent months" */
        if (un == U_SEC || un == U_QUARTER) return 0;
        if (i > 0 && (c->u[i - 1].lex == W_THE || c->u[i - 1].kind == U_DIGIT ||
                      c->u[i - 1].lex == W_NUM || c->u[i - 1].lex == W_ORD))
            return 0;
        if (pc(c, i + 1, '-') && glued(c, i + 1)) return 0;
        if (pc(c, i + 1, '\'')) return 0;
        /* no span is measured: "minutes apart" (the gap between two
         * events), "in the early hours" (a part of the day), "a matter
         * of days" (an idiom for "soon") */
        if (word_is(c, i + 1, "apart")) return 0;
        if (un == U_HOUR && i > 0 && (lx(c, i - 1, W_EARLY) || lx(c, i - 1, W_LATE) ||
                                      word_is(c, i - 1, "wee") || word_is(c, i - 1, "small")))
            return 0;
        if (i > 1 && lx(c, i - 1, W_OF) && word_is(c, i - 2, "matter")) return 0;
    }
    if (lead == W_PAST && !the) return 0;
    fmt_dur(v, -1, un == U_QUARTER ? U_MONTH : un);
    /* "weeks or months", "recent weeks and months": one span, valued by
     * its first unit */
    size_t b = k + 1;
    if ((lx(c, b, W_OR) || lx(c, b, W_AND)) && lx(c, b + 1, W_UNITS) &&
        !(pc(c, b + 2, '-') && glued(c, b + 2)))
        b += 2;
    set_hit(h, i, b, DL_TIMEX_DURATION, v);
    return 1;
}

/* PRESENT_REF, PAST_REF, FUTURE_REF words. */
static int r_ref(const ctx *c, size_t i, hit *h)
{
    int l = i < c->n ? c->u[i].lex : 0;
    switch (l) {
    case W_NOW:
        if (pc(c, i + 1, '-') && glued(c, i + 1)) return 0;
        if (i > 0 && lx(c, i - 1, W_RIGHT)) return 0;
        /* "Now, the question is ...": a sentence-initial "Now," is a
         * discourse connective more than a time */
        if (c->u[i].brk && pc(c, i + 1, ',')) return 0;
        set_hit(h, i, i + 1, DL_TIMEX_DATE, "PRESENT_REF");
        return 1;
    case W_RIGHT:
        if (!lx(c, i + 1, W_NOW)) return 0;
        set_hit(h, i, i + 2, DL_TIMEX_DATE, "PRESENT_REF");
        return 1;
    case W_CURRENTLY: case W_NOWADAYS:
        set_hit(h, i, i + 1, DL_TIMEX_DATE, "PRESENT_REF");
        return 1;
    case W_CURRENT:
        if (i > 0 && lx(c, i - 1, W_THE) && isalpha_u(c, i + 1) &&
            (lx(c, i + 1, W_UNIT))) return 0;
        if (pc(c, i + 1, '-')) return 0;
        /* "the then current price", "the then-current chairman": a past
         * present */
        if (i > 0 && word_is(c, i - 1, "then")) {
            set_hit(h, i - 1, i + 1, DL_TIMEX_DATE, "PAST_REF");
            return 1;
        }
        if (i > 1 && pc(c, i - 1, '-') && glued(c, i) && word_is(c, i - 2, "then")) {
            set_hit(h, i - 2, i + 1, DL_TIMEX_DATE, "PAST_REF");
            return 1;
        }
        set_hit(h, i, i + 1, DL_TIMEX_DATE, "PRESENT_REF");
        return 1;
    case W_THESE:
        if (lx(c, i + 1, W_UNITS) && c->u[i + 1].val == U_DAY) {
            set_hit(h, i, i + 2, DL_TIMEX_DATE, "PRESENT_REF");
            return 1;
        }
        return 0;
    case W_AT:
        if (lx(c, i + 1, W_PRESENT)) {
            set_hit(h, i + 1, i + 2, DL_TIMEX_DATE, "PRESENT_REF");
            return 1;
        }
        return 0;
    case W_RECENTLY:
        set_hit(h, i, i + 1, DL_TIMEX_DATE, "PAST_REF");
        return 1;
    case W_RECENT:
        /* "recent" alone is more often a plain adjective than a timex */
        return 0;
    case W_SOON:
        if (i > 0 && lx(c, i - 1, W_AS) && !(lx(c, i + 1, W_AS) && lx(c, i + 2, W_POSSIBLE)))
            return 0;
        if (i > 0 && lx(c, i - 1, W_AS) && lx(c, i + 1, W_AS)) {
            set_hit(h, i - 1, i + 3, DL_TIMEX_DATE, "FUTURE_REF");
            return 1;
        }
        /* "soon" alone, in a future clause: "it may soon seek a buyer";
         * not "soon after", "as soon as", nor a past "was soon released" */
        if ((i > 0 && lx(c, i - 1, W_AS)) || lx(c, i + 1, W_AS) || lx(c, i + 1, W_AFTER) ||
            lx(c, i + 1, W_THAN))
            return 0;
        if (tense_at(c, i) <= 0) return 0;
        set_hit(h, i, i + 1, DL_TIMEX_DATE, "FUTURE_REF");
        return 1;
    case W_FUTURE:
        /* "in future quarters", "future years": some time ahead; not
         * "future plans", an adjective */
        if (lx(c, i + 1, W_UNITS) && c->u[i + 1].val != U_SEC && c->u[i + 1].val != U_MIN &&
            c->u[i + 1].val != U_HOUR && !(i > 0 && lx(c, i - 1, W_THE))) {
            set_hit(h, i, i + 2, DL_TIMEX_DATE, "FUTURE_REF");
            return 1;
        }
        return 0;
    case W_THE:
        if (lx(c, i + 1, W_FUTURE) || (lx(c, i + 1, W_NEAR) && lx(c, i + 2, W_FUTURE))) {
            size_t b = lx(c, i + 1, W_FUTURE) ? i + 2 : i + 3;
            set_hit(h, i, b, DL_TIMEX_DATE, "FUTURE_REF");
            return 1;
        }
        if ((lx(c, i + 1, W_NEAR) || lx(c, i + 1, W_SHORT)) && lx(c, i + 2, W_TERM)) {
            set_hit(h, i, i + 3, DL_TIMEX_DATE, "FUTURE_REF");
            return 1;
        }
        if (lx(c, i + 1, W_PAST) && !(isalpha_u(c, i + 2) && (c->u[i + 2].lex == W_NUM ||
                                                           c->u[i + 2].lex == W_UNIT ||
                                                           c->u[i + 2].lex == W_UNITS ||
                                                           c->u[i + 2].lex == W_FEW ||
                                                           c->u[i + 2].lex == W_SEVERAL)) &&
            !isdig(c, i + 2) && !(isalpha_u(c, i + 2) && !c->u[i + 2].lex && !c->u[i + 2].cap &&
                                 !c->u[i + 2].brk && c->u[i + 2].gap && i > 0 &&
                                 !lx(c, i - 1, W_IN))) {
            set_hit(h, i, i + 2, DL_TIMEX_DATE, "PAST_REF");
            return 1;
        }
        if (lx(c, i + 1, W_PRESENT) && !isalpha_u(c, i + 2)) {
            set_hit(h, i, i + 2, DL_TIMEX_DATE, "PRESENT_REF");
            return 1;
        }
        return 0;
    }
    return 0;
}

/* Sets: "daily", "every year", "each Thursday", "every two weeks", "each
 * July", "per day". */
static int r_set(const ctx *c, size_t i, hit *h)
{
    char v[40];
    int l = i < c->n ? c->u[i].lex : 0;
    if (l == W_SETADV) {
        if (pc(c, i + 1, '-')) return 0;
        if (c->u[i].val == U_QUARTER) return 0; /* "quarterly dividend" */
        /* "the Communist Party daily Granma": a newspaper */
        if (isalpha_u(c, i + 1) && c->u[i + 1].cap && !c->u[i + 1].brk) return 0;
        if (i > 0 && isalpha_u(c, i - 1) && c->u[i - 1].cap && !c->u[i].brk) return 0;
        /* "rise 8% annually", "10,000 units annually", "$5 million yearly":
         * a rate, which TimeBank leaves untagged; so is an "average daily"
         * figure */
        if (c->u[i].val == U_YEAR)
            for (size_t k = i; k > 0 && k + 4 > i; k--) {
                const unit *p = &c->u[k - 1];
                if (p->brk && k - 1 < i) break;
                if (p->kind == U_DIGIT || p->lex == W_MONEY || p->lex == W_NUM ||
                    (p->kind == U_PUNCT && p->ch == '%'))
                    return 0;
            }
        if (i > 0 && word_is(c, i - 1, "average")) return 0;
        fmt_dur(v, 1, c->u[i].val);
        set_hit(h, i, i + 1, DL_TIMEX_SET, v);
        return 1;
    }
    if (l != W_EVERY && l != W_EACH && l != W_PER) return 0;
    /* "15 million instructions per second", "$5 per day": a rate */
    if (l == W_PER && rate_before(c, i)) return 0;
    size_t k = i + 1;
    long n = 1;
    size_t e;
    int un, pl, m;
    if (l != W_PER && lx(c, k, W_WDAY)) {
        snprintf(v, sizeof v, "XXXX-WXX-%d", c->u[k].val);
        set_hit(h, i, k + 1, DL_TIMEX_SET, v);
        return 1;
    }
    if (l != W_PER && month_at(c, k, &m, &e) == 1) {
        snprintf(v, sizeof v, "XXXX-%02d", m);
        set_hit(h, i, e, DL_TIMEX_SET, v);
        return 1;
    }
    if (l != W_PER && num_at(c, k, 0, &n, &e) && n > 1) k = e;
    else n = 1;
    if (!unit_at(c, k, &un, &pl)) return 0;
    if ((n == 1) == pl) return 0;
    if (l == W_EACH && lx(c, k + 1, W_OF)) return 0;
    fmt_dur(v, n, un);
    set_hit(h, i, k + 1, DL_TIMEX_SET, v);
    return 1;
}

/* Holidays: "Christmas", "Thanksgiving Day", "New Year's Day", "Easter". */
static int r_holiday(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int mode = 0;
    if (lx(c, k, W_LAST)) mode = -1, k++;
    else if (lx(c, k, W_NEXT)) mode = 1, k++;
    if (k >= c->n || !c->u[k].cap) return 0;
    int hol = 0;
    size_t b = k + 1;
    if (lx(c, k, W_HOLIDAY)) {
        hol = c->u[k].val;
        if (lx(c, b, W_UNIT) && c->u[b].val == U_DAY && c->u[b].cap) b++;
        else if (lx(c, b, W_EVE) && c->u[b].cap) b++, hol += 100;
        else if (isalpha_u(c, b) && c->u[b].cap && !c->u[b].brk) return 0;
    } else if (lx(c, k, W_NEW) && word_is(c, k + 1, "year") && c->u[k + 1].cap &&
               pc(c, k + 2, '\'') && word_is(c, k + 3, "s") &&
               (lx(c, k + 4, W_EVE) || lx(c, k + 4, W_UNIT)) && c->u[k + 4].cap) {
        hol = lx(c, k + 4, W_EVE) ? 100 + H_NEWYEAR : H_NEWYEAR;
        b = k + 5;
    } else if (word_is(c, k, "election") && lx(c, k + 1, W_UNIT) && c->u[k + 1].cap &&
               c->u[k + 1].val == U_DAY) {
        hol = H_ELECTION, b = k + 2;
    } else if ((word_is(c, k, "labor") || word_is(c, k, "memorial") ||
                word_is(c, k, "independence")) && lx(c, k + 1, W_UNIT) && c->u[k + 1].cap &&
               c->u[k + 1].val == U_DAY) {
        hol = word_is(c, k, "labor") ? H_LABOR : word_is(c, k, "memorial") ? H_MEMORIAL
                                                                          : H_INDEPENDENCE;
        b = k + 2;
    } else {
        return 0;
    }
    int eve = hol > 100;
    if (eve) hol -= 100;
    /* "Easter week", "Christmas week": the ISO week that holds the day
     * (compared with the article by its Monday: "as Easter week began") */
    int week = !eve && lx(c, b, W_UNIT) && c->u[b].val == U_WEEK && !c->u[b].cap &&
               !pc(c, b + 1, '-');
    if (week) b++;
    int y = c->dy + mode;
    int32_t day = 0;
    /* a bare holiday: the one before or after the article by tense, else
     * the nearest ("the boy was found on Thanksgiving Day", in January) */
    int near = 0, strict = mode != 0;
    if (mode == 0) {
        mode = tense_at(c, k);
        if (mode < 0 || mode > 0) y = c->dy;
        else near = 1;
    }
    for (int pass = 0; pass < 3; pass++) {
        int m = 1, d = 1;
        switch (hol) {
        case H_CHRISTMAS: m = 12, d = 25; break;
        case H_NEWYEAR: m = 1, d = 1; break;
        case H_HALLOWEEN: m = 10, d = 31; break;
        case H_INDEPENDENCE: m = 7, d = 4; break;
        case H_VALENTINE: m = 2, d = 14; break;
        case H_THANKSGIVING: {
            int32_t n1 = dl_days_from_civil(y, 11, 1);
            day = n1 + (4 - dl_weekday(n1) + 7) % 7 + 21;
            break;
        }
        case H_LABOR: {
            int32_t s1 = dl_days_from_civil(y, 9, 1);
            day = s1 + (1 - dl_weekday(s1) + 7) % 7;
            break;
        }
        case H_MEMORIAL: {
            int32_t m31 = dl_days_from_civil(y, 5, 31);
            day = m31 - (dl_weekday(m31) - 1);
            break;
        }
        case H_ELECTION: {
            int32_t n1 = dl_days_from_civil(y, 11, 1);
            day = n1 + (1 - dl_weekday(n1) + 7) % 7 + 1;
            break;
        }
        case H_EASTER: {
            /* anonymous Gregorian algorithm */
            int a = y % 19, bb = y / 100, cc = y % 100, dd = bb / 4, ee = bb % 4;
            int f = (bb + 8) / 25, g = (bb - f + 1) / 3;
            int hh = (19 * a + bb - dd - g + 15) % 30, ii = cc / 4, kk = cc % 4;
            int ll = (32 + 2 * ee + 2 * ii - hh - kk) % 7;
            int mm = (a + 11 * hh + 22 * ll) / 451;
            m = (hh + ll - 7 * mm + 114) / 31, d = (hh + ll - 7 * mm + 114) % 31 + 1;
            day = 0;
            break;
        }
        }
        if (hol != H_THANKSGIVING && hol != H_LABOR && hol != H_MEMORIAL && hol != H_ELECTION)
            day = dl_days_from_civil(y, m, d);
        if (eve) day--;
        if (week) day -= (dl_weekday(day) + 6) % 7;
        /* "last Christmas" is the latest one before the article */
        if (mode < 0 && day + strict > c->dct && pass == 0) { y--; continue; }
        if (mode > 0 && day - strict < c->dct && pass == 0) { y++; continue; }
        if (near && pass == 0 && day - c->dct > 183) { y--; continue; }
        if (near && pass == 0 && c->dct - day > 183) { y++; continue; }
        break;
    }
    char v[40];
    if (week) fmt_week(v, day);
    else fmt_day(v, day);
    set_hit(h, i, b, DL_TIMEX_DATE, v);
    return 1;
}

/* The period of unit un that holds the reference time, moved by rel
 * units; 0 if the reference is coarser than un. */
static int ref_period(const ctx *c, int un, int rel, char *v)
{
    int gran = c->ref_gran ? c->ref_gran : U_DAY;
    int32_t day = c->ref_gran ? c->ref_day : c->dct;
    int y, m, d;
    dl_civil_from_days(day, &y, &m, &d);
    if (un == U_DAY && gran == U_DAY) fmt_day(v, day + rel);
    else if (un == U_WEEK && (gran == U_DAY || gran == U_WEEK)) fmt_week(v, day + 7 * rel);
    else if (un == U_MONTH && (gran == U_DAY || gran == U_MONTH)) fmt_month(v, y, m + rel);
    else if (un == U_QUARTER && c->lastq_y) fmt_quarter(v, c->lastq_y, c->lastq_q + rel);
    else if (un == U_YEAR && gran != U_CENTURY && gran != U_DECADE)
        fmt_year(v, y + rel);
    else return 0;
    return 1;
}

/* Anaphoric dates, resolved against the reference time: "that day",
 * "that same year", "the same month", "the following year", "the next
 * day", "the day after" / "the day before" (not followed by a date). */
static int r_anaphor(const ctx *c, size_t i, hit *h)
{
    size_t k = i;
    int rel = 0;
    char v[40];
    if (lx(c, k, W_THAT)) {
        k++;
        if (lx(c, k, W_SAME)) k++;
        /* "said that day care ...": only a unit that ends the phrase */
    } else if (lx(c, k, W_THE)) {
        k++;
        if (lx(c, k, W_SAME)) k++;
        else if (lx(c, k, W_FOLLOWING)) rel = 1, k++;
        else if (lx(c, k, W_NEXT) && lx(c, k + 1, W_UNIT) && c->u[k + 1].val == U_DAY)
            rel = 1, k++;
        else if (lx(c, k, W_NEXT) && lx(c, k + 1, W_POD) && c->u[k + 1].val == POD_MO)
            rel = 1, k++;
        else if (lx(c, k, W_UNIT) && c->u[k].val == U_DAY &&
                 (lx(c, k + 1, W_AFTER) || lx(c, k + 1, W_BEFORE))) {
            /* "the day after the vote" yes; "the day before Christmas" is
             * a date of its own that the anchor would get wrong */
            size_t n2 = k + 2;
            if (lx(c, n2, W_THE)) n2++;
            if (isdig(c, n2) || lx(c, n2, W_MONTH) || lx(c, n2, W_MONABBR) ||
                lx(c, n2, W_WDAY) || lx(c, n2, W_HOLIDAY) || lx(c, n2, W_TODAY) ||
                lx(c, n2, W_YESTERDAY) || lx(c, n2, W_TOMORROW) || lx(c, n2, W_LAST) ||
                lx(c, n2, W_NEXT)) {
                /* "the day before last Tuesday's hearing", "the day after
                 * March 3": that day, moved by one */
                hit h2;
                int y2, m2, d2;
                if (n2 != k + 2) return 0;
                if (!(r_wday(c, n2, &h2) || r_date(c, n2, &h2) || r_deictic(c, n2, &h2)) ||
                    sscanf(h2.val, "%4d-%2d-%2d", &y2, &m2, &d2) != 3 || strlen(h2.val) != 10)
                    return 0;
                fmt_day(v, dl_days_from_civil(y2, m2, d2) + (lx(c, k + 1, W_AFTER) ? 1 : -1));
                set_hit(h, i, h2.b, DL_TIMEX_DATE, v);
                return 1;
            }
            /* "later in the day before returning home": a clause follows */
            if (isalpha_u(c, n2) && c->u[n2].e - c->u[n2].s > 4 &&
                memcmp(c->t + c->u[n2].e - 3, "ing", 3) == 0)
                return 0;
            /* "Oct. 12, the day before the crash": an apposition that
             * names the date just given by the event it preceded ("the
             * day" is the timex, "before" the signal) */
            if (i > 1 && pc(c, i - 1, ',') && isdig(c, i - 2) && c->ref_gran == U_DAY &&
                n2 < c->n && !c->u[n2].brk && c->u[n2].kind != U_PUNCT) {
                fmt_day(v, c->ref_day);
                set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
                return 1;
            }
            if (!ref_period(c, U_DAY, lx(c, k + 1, W_AFTER) ? 1 : -1, v)) return 0;
            set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
            return 1;
        } else if (lx(c, k, W_ORD) && lx(c, k + 1, W_UNIT) && c->u[k + 1].val == U_DAY &&
                   lx(c, k + 2, W_OF)) {
            /* "today is the eighth day of the strike", "it's the second
             * day of an offensive": the day the text is on */
            size_t p = i;
            if (p > 0 && lx(c, p - 1, W_IS)) p--;
            else if (p > 1 && word_is(c, p - 1, "s") && pc(c, p - 2, '\'')) p -= 2;
            else return 0;
            if (!(p > 0 && (word_is(c, p - 1, "it") || lx(c, p - 1, W_TODAY)))) return 0;
            fmt_day(v, c->dct);
            set_hit(h, i, k + 2, DL_TIMEX_DATE, v);
            return 1;
        } else if (lx(c, k, W_POD)) {
            /* "in the morning", "during the afternoon": that part of the
             * day the text is on (not the night, often the night of some
             * event, nor "the morning of ...", "the evening news") */
            if (c->u[k].val == POD_NI || i == 0 ||
                !(lx(c, i - 1, W_IN) || word_is(c, i - 1, "during")))
                return 0;
            size_t n2 = k + 1;
            if (!(n2 >= c->n || c->u[n2].brk ||
                  (c->u[n2].kind == U_PUNCT && c->u[n2].ch != '\'' && c->u[n2].ch != '-') ||
                  lx(c, n2, W_TO) || lx(c, n2, W_AND) || lx(c, n2, W_PREP) || lx(c, n2, W_IN) ||
                  lx(c, n2, W_ON) || lx(c, n2, W_AT)))
                return 0;
            if (c->ref_gran && c->ref_gran != U_DAY) return 0;
            fmt_day(v, c->ref_gran ? c->ref_day : c->dct);
            snprintf(v + 10, sizeof v - 10, "T%s", pod_code(c->u[k].val));
            set_hit(h, i, k + 1, DL_TIMEX_TIME, v);
            return 1;
        } else return 0;
    } else {
        return 0;
    }
    if (k == i + 1 && !lx(c, i, W_THAT)) return 0; /* "the day" alone */
    if (lx(c, k, W_POD) && c->u[k].val == POD_MO && rel == 1) {
        if (!ref_period(c, U_DAY, 1, v)) return 0;
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (!lx(c, k, W_UNIT)) return 0;
    int un = c->u[k].val;
    if (un != U_DAY && un != U_WEEK && un != U_MONTH && un != U_YEAR &&
        !(un == U_QUARTER && lx(c, i, W_THAT)))
        return 0;
    /* "the same day-care", "that year's": the unit is a modifier */
    if (pc(c, k + 1, '-') && glued(c, k + 1)) return 0;
    /* "that same day" when the text is on a month ("in October 1998"): a
     * day of that month */
    if (un == U_DAY && rel == 0 && lx(c, k - 1, W_SAME) && c->ref_gran == U_MONTH) {
        int ry, rm, rd;
        dl_civil_from_days(c->ref_day, &ry, &rm, &rd);
        snprintf(v, sizeof v, "%04d-%02d-XX", ry, rm);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    if (!ref_period(c, un, rel, v)) return 0;
    set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
    return 1;
}

/* "the week of March 6": the ISO week of that date; "for the week", "the
 * week's busiest session": a week the text does not pin down (TimeBank
 * writes YYYY-WXX, the year of the reference time); not "the week before
 * the vote", "the week ended Friday", "the week following ...". */
static int the_week(const ctx *c, size_t i, hit *h)
{
    size_t k = i + 1;
    if (!(lx(c, k, W_UNIT) && c->u[k].val == U_WEEK) || pc(c, k + 1, '-')) return 0;
    char v[40];
    if (lx(c, k + 1, W_OF)) {
        hit h2;
        int y, m, d;
        if (!r_date(c, k + 2, &h2) || sscanf(h2.val, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
            strlen(h2.val) != 10)
            return 0;
        fmt_week(v, dl_days_from_civil(y, m, d));
        set_hit(h, i, h2.b, DL_TIMEX_DATE, v);
        return 1;
    }
    int poss = pc(c, k + 1, '\'') && word_is(c, k + 2, "s");
    int prep = i > 0 && (word_is(c, i - 1, "for") || word_is(c, i - 1, "during") ||
                         word_is(c, i - 1, "over"));
    int ends = k + 1 >= c->n || (c->u[k + 1].kind == U_PUNCT && !pc(c, k + 1, '-'));
    if (!poss && !(prep && ends)) return 0;
    int y = c->dy, m, d;
    if (c->ref_gran) dl_civil_from_days(c->ref_day, &y, &m, &d);
    snprintf(v, sizeof v, "%04d-WXX", y);
    set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
    return 1;
}

/* "the year" with "ended/ending" is a fiscal duration; "for the year" the
 * current one; "the fiscal year"; "the week" (the_week). */
static int r_the_year(const ctx *c, size_t i, hit *h)
{
    if (!lx(c, i, W_THE)) return 0;
    if (the_week(c, i, h)) return 1;
    size_t k = i + 1;
    int fiscal = 0;
    if (lx(c, k, W_FISCAL)) fiscal = 1, k++;
    if (!(lx(c, k, W_UNIT) && c->u[k].val == U_YEAR)) return 0;
    if (pc(c, k + 1, '-') || pc(c, k + 1, '\'')) return 0;
    if (fiscal || lx(c, k + 1, W_ENDED)) {
        set_hit(h, i, k + 1, DL_TIMEX_DURATION, "P1Y");
        return 1;
    }
    if (i > 0 && (lx(c, i - 1, W_PREP) || lx(c, i - 1, W_OF) || lx(c, i - 1, W_IN))) {
        char v[40];
        fmt_year(v, c->dy);
        set_hit(h, i, k + 1, DL_TIMEX_DATE, v);
        return 1;
    }
    return 0;
}

typedef int (*rule_fn)(const ctx *, size_t, hit *);
static const rule_fn RULES[] = {r_date, r_year, r_wday, r_deictic, r_clock, r_relative,
                                r_season, r_quarter, r_ago, r_duration, r_ref, r_set,
                                r_holiday, r_the_year, r_anaphor};

/* The word classes each rule can start at (RULES order; -1 ends a list;
 * U_DIGIT_START: a number, U_APOS_START: an apostrophe, "'90s"): a rule is
 * only tried where its first unit can be.  Derived from the first tests of
 * each r_* function; keep them in step. */
enum { U_DIGIT_START = W_NCLASS, U_APOS_START, N_START };
static const int16_t RULE_STARTS[][24] = {
    /* r_date */ {W_WDAY, W_MONTH, W_MONABBR, U_DIGIT_START, -1},
    /* r_year */ {W_THE, W_FISCAL, W_NUM, W_XWORD, U_DIGIT_START, U_APOS_START, -1},
    /* r_wday */ {W_THE, W_LAST, W_NEXT, W_THIS, W_WDAY, W_WDAYS, -1},
    /* r_deictic */ {W_TODAY, W_YESTERDAY, W_TOMORROW, W_TONIGHT, W_THIS, W_LAST, W_MID, -1},
    /* r_clock */ {W_NOON, W_MIDNIGHT, U_DIGIT_START, -1},
    /* r_relative */ {W_THE, W_LAST, W_PAST, W_PREVIOUS, W_THIS, W_CURRENT, W_NEXT, W_COMING,
                      W_FOLLOWING, -1},
    /* r_season */ {W_THE, W_SEASON, -1},
    /* r_quarter */ {W_THE, W_LAST, W_THIS, W_NEXT, W_FISCAL, W_UNIT, W_ORD, U_DIGIT_START,
                     -1},
    /* r_ago */ {W_NUM, W_A, W_AN, W_SEVERAL, W_FEW, W_MANY, W_COUPLE, U_DIGIT_START, -1},
    /* r_duration */ {W_THE, W_LAST, W_PAST, W_NEXT, W_COMING, W_FOLLOWING, W_PREVIOUS,
                      W_RECENT, W_NUM, W_A, W_AN, W_SEVERAL, W_FEW, W_MANY, W_COUPLE,
                      W_UNITS, W_UNIT, W_ORD, U_DIGIT_START, -1},
    /* r_ref */ {W_NOW, W_RIGHT, W_CURRENTLY, W_NOWADAYS, W_CURRENT, W_THESE, W_AT,
                 W_RECENTLY, W_RECENT, W_SOON, W_FUTURE, W_THE, -1},
    /* r_set */ {W_SETADV, W_EVERY, W_EACH, W_PER, -1},
    /* r_holiday */ {W_LAST, W_NEXT, W_HOLIDAY, W_NEW, W_HOLWORD, -1},
    /* r_the_year */ {W_THE, -1},
    /* r_anaphor */ {W_THAT, W_THE, -1},
};
_Static_assert(DL_ARRAY_LEN(RULE_STARTS) == DL_ARRAY_LEN(RULES), "one start list per rule");
static uint16_t rule_mask[N_START]; /* start class -> bit r: RULES[r] may match */

static void rule_mask_build(void)
{
    for (size_t r = 0; r < DL_ARRAY_LEN(RULE_STARTS); r++)
        for (const int16_t *p = RULE_STARTS[r]; *p >= 0; p++)
            rule_mask[*p] |= (uint16_t)(1u << r);
}

/* The longest rule match at i. */
static int match_core(const ctx *c, size_t i, hit *best)
{
    int found = 0;
    if (i >= c->n) return 0;
    const unit *u = &c->u[i];
    unsigned m = u->kind == U_DIGIT                   ? rule_mask[U_DIGIT_START]
                 : u->kind == U_PUNCT && u->ch == '\'' ? rule_mask[U_APOS_START]
                 : u->kind == U_ALPHA                   ? rule_mask[u->lex]
                                                        : 0;
    while (m) {
        unsigned r = (unsigned)__builtin_ctz(m);
        m &= m - 1;
        hit h;
        if (RULES[r](c, i, &h) && h.b > h.a && (!found || h.b > best->b)) {
            *best = h;
            found = 1;
        }
    }
    return found;
}

static int is_point(const hit *h)
{
    return h->type == DL_TIMEX_DATE || h->type == DL_TIMEX_TIME;
}

/* Matches at i with the generic prefixes:
 *   early / late / mid[-] / the end (beginning, middle) of  + a date
 *   earlier / later + a date ("earlier this year", "later today")
 *   more than / less than / at least / nearly / up to / within / no more
 *   than ... + a number expression. */
static int match_at(const ctx *c, size_t i, hit *best)
{
    int l = i < c->n ? c->u[i].lex : 0;
    hit h;
    size_t k = 0;
    int want = 0; /* 1: a calendar point, 2: a numeric expression */
    size_t a0 = i; /* where the expression starts */
    /* "the early 1980s", "the mid-1990s", "the late summer" */
    if (l == W_THE && (lx(c, i + 1, W_EARLY) || lx(c, i + 1, W_LATE) || lx(c, i + 1, W_MID)) &&
        !lx(c, i + 2, W_THE)) {
        i++;
        l = c->u[i].lex;
    }
    if (l == W_EARLY || l == W_LATE || l == W_EARLIER || l == W_LATER) {
        k = i + 1;
        if (pc(c, k, '-') && glued(c, k)) k++;
        want = 1;
    } else if (l == W_MID) {
        k = i + 1;
        if (pc(c, k, '-')) k++;
        want = 1;
    } else if (l == W_THE && (lx(c, i + 1, W_END) || lx(c, i + 1, W_BEGIN)) &&
               lx(c, i + 2, W_OF)) {
        k = i + 3;
        want = 1;
    } else if ((l == W_MORE || l == W_LESS) && lx(c, i + 1, W_THAN)) {
        k = i + 2, want = 2;
    } else if (l == W_NO && (lx(c, i + 1, W_MORE) || lx(c, i + 1, W_LESS)) &&
               lx(c, i + 2, W_THAN)) {
        k = i + 3, want = 2;
    } else if (l == W_AT && (lx(c, i + 1, W_LEAST) || lx(c, i + 1, W_MOST))) {
        k = i + 2, want = 2;
    } else if (l == W_UP && lx(c, i + 1, W_TO)) {
        k = i + 2, want = 2;
    } else if (l == W_APPROX || l == W_SOME) {
        k = i + 1, want = 2;
    }
    if (want == 1 && l != W_MID &&
        (lx(c, k, W_WDAY) || lx(c, k, W_TODAY) ||
         (lx(c, k, W_THIS) && lx(c, k + 1, W_UNIT) && c->u[k + 1].val == U_WEEK &&
          (l == W_EARLIER || l == W_LATER))))
        want = 0;
    if (want && k < c->n && match_core(c, k, &h)) {
        int ok;
        if (want == 1) {
            ok = is_point(&h) && h.val[0] != 'P' && strstr(h.val, "_REF") == NULL;
            /* "late Friday" yes; "earlier Sunday" yes; but "later" + a
             * month name only with a year context; "early" + a duration no */
        } else {
            int l2 = c->u[k].lex;
            ok = c->u[k].kind == U_DIGIT || l2 == W_NUM || l2 == W_A || l2 == W_AN ||
                 l2 == W_COUPLE || l2 == W_SEVERAL || l2 == W_FEW;
            if (l == W_APPROX && h.type != DL_TIMEX_DURATION && h.type != DL_TIMEX_TIME &&
                strstr(h.val, "_REF") == NULL &&
                !(k + 1 < c->n && h.b >= 2 && c->u[h.b - 1].lex == W_AGO))
                ok = 0;
            if (l == W_SOME && !(l2 == W_NUM || c->u[k].kind == U_DIGIT)) ok = 0;
        }
        if (ok && h.a == k) {
            h.a = a0;
            *best = h;
            return 1;
        }
    }
    return match_core(c, a0, best);
}

/* The reference quarter: the first "third quarter" the article names,
 * else the last completed quarter. */
/* Quarter q of year y can be the one an earnings report is about: it
 * ended before the article, or the text says when it ended ("the fourth
 * quarter ended Sept. 30": a fiscal quarter), or a past clause reports
 * the current one.  a: its first unit, b: the unit after it. */
static int reportable_quarter(const ctx *c, int y, int q, size_t a, size_t b)
{
    if (lx(c, b, W_ENDED)) return 1;
    if (y < c->dy - 1 || y > c->dy) return 0;
    /* "Acme reported lower fourth-quarter profit" in November: a fiscal
     * quarter already over, since its results are in */
    if (y == c->dy && q == (c->dm - 1) / 3 + 1 && tense_at(c, a) < 0) return 1;
    return y < c->dy || q < (c->dm - 1) / 3 + 1;
}

static void find_ref_quarter(ctx *c)
{
    int cq = (c->dm - 1) / 3 + 1;
    c->refq_y = c->dy, c->refq_q = cq - 1;
    if (c->refq_q < 1) c->refq_q = 4, c->refq_y--;
    for (size_t i = 0; i < c->n; i++) {
        if (c->u[i].lex != W_UNIT || c->u[i].val != U_QUARTER) continue;
        /* "a quarter-century", "a quarter of the market": no earnings talk */
        if (pc(c, i + 1, '-') && glued(c, i + 1) && lx(c, i + 2, W_UNIT)) continue;
        if (lx(c, i + 1, W_OF) && i > 0 &&
            (lx(c, i - 1, W_A) || (lx(c, i - 1, W_NUM) && c->u[i - 1].val <= 3)))
            continue;
        c->qctx = 1;
        size_t k = i;
        if (k > 0 && pc(c, k - 1, '-')) k--;
        if (k > 0 && lx(c, k - 1, W_ORD) && c->u[k - 1].val <= 4) {
            hit h;
            if (r_quarter(c, k - 1, &h) && h.val[4] == '-' && h.val[5] == 'Q' &&
                reportable_quarter(c, atoi(h.val), h.val[6] - '0', h.a, h.b)) {
                c->refq_y = atoi(h.val);
                c->refq_q = h.val[6] - '0';
                return;
            }
        }
    }
}

/* A dated expression becomes the reference time of the anaphoric ones
 * that follow: value YYYY, YYYY-MM, YYYY-MM-DD[T...] or YYYY-Www. */
static void set_reference(ctx *c, int type, const char *v)
{
    if (type != DL_TIMEX_DATE && type != DL_TIMEX_TIME) return;
    for (int k = 0; k < 4; k++)
        if (!is_digit((unsigned char)v[k])) return;
    int y = atoi(v);
    int32_t day;
    if (v[4] == 0) {
        c->ref_gran = U_YEAR, c->ref_day = dl_days_from_civil(y, 1, 1);
    } else if (v[4] == '-' && is_digit((unsigned char)v[5]) && is_digit((unsigned char)v[6])) {
        int m = atoi(v + 5);
        if (m < 1 || m > 12) return;
        if (v[7] == 0) {
            c->ref_gran = U_MONTH, c->ref_day = dl_days_from_civil(y, m, 1);
        } else if (v[7] == '-' && dl_date_parse(v, 10, &day) == DL_OK) {
            c->ref_gran = U_DAY, c->ref_day = day;
        }
    } else if (v[4] == '-' && v[5] == 'Q' && v[6] >= '1' && v[6] <= '4' && v[7] == 0) {
        c->lastq_y = y, c->lastq_q = v[6] - '0'; /* "that quarter" */
    } else if (v[4] == '-' && v[5] == 'W' && is_digit((unsigned char)v[6]) && v[8] == 0) {
        /* the Thursday of ISO week w */
        int w = atoi(v + 6);
        int32_t j4 = dl_days_from_civil(y, 1, 4);
        c->ref_gran = U_WEEK, c->ref_day = j4 - (dl_weekday(j4) - 1) + 7 * (w - 1) + 3;
    }
}

/* ------------------------------------------------------------ entities */

/* The entity stage runs before this one; its names keep time words that
 * belong to them from being read as times ("Friday Harbor", "the Sunday
 * Times", "Sheffield Wednesday").  A mention of entity ent. */
typedef struct ment {
    uint32_t s, e;
    uint32_t ent;
} ment;
typedef DL_VEC(ment) mentvec;

static int ment_cmp(const void *a, const void *b)
{
    const ment *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s ? 1 : 0;
}

/* All mentions of d->ents, sorted by start.  DL_OK or DL_ENOMEM. */
static int collect_mentions(const dl_doc *d, mentvec *mv)
{
    for (size_t k = 0; k < d->ents.n; k++)
        for (size_t j = 0; j < d->ents.v[k].n_mentions; j++) {
            ment m = {d->ents.v[k].mentions[j].start, d->ents.v[k].mentions[j].end,
                      (uint32_t)k};
            if (m.e > m.s && m.e <= d->len && dl_vec_push(mv, m)) return DL_ENOMEM;
        }
    if (mv->n > 1) dl_qsort(mv->v, mv->n, sizeof *mv->v, ment_cmp);
    return DL_OK;
}

/* The last word of text[s, e): its start. */
static uint32_t last_word(const char *t, uint32_t s, uint32_t e)
{
    while (e > s && !is_alpha((unsigned char)t[e - 1])) e--;
    while (e > s && is_alpha((unsigned char)t[e - 1])) e--;
    return e;
}

/* The expression text[s, e) is part of a name: a mention of an entity
 * overlaps it and either goes on after it ("Friday Harbor"), or the name
 * ends with the expression's last word in at least two mentions (a name
 * that recurs, "Sheffield Wednesday", rather than the tagger gluing a
 * date to a name once: "Iraq Friday"), or it is the short form of such a
 * longer mention ("Wednesday" for "Sheffield Wednesday").  At most a few
 * mentions around s are read (they are sorted and rarely overlap), so
 * this is constant time per expression beyond a binary search. */
static int in_name(const dl_doc *d, const mentvec *mv, uint32_t s, uint32_t e)
{
    const char *t = d->text;
    size_t lo = 0, hi = mv->n;
    while (lo < hi) { /* first mention starting at or after e */
        size_t mid = (lo + hi) / 2;
        if (mv->v[mid].s < e) lo = mid + 1;
        else hi = mid;
    }
    uint32_t w = last_word(t, s, e);
    size_t wl = e - w;
    while (wl && !is_alpha((unsigned char)t[w + wl - 1])) wl--;
    for (size_t k = lo, n = 0; k > 0 && n < 4; k--, n++) {
        const ment *m = &mv->v[k - 1];
        if (m->e <= s) continue;
        if (m->e > e) return 1;
        if (!wl) continue;
        const dl_entity *en = &d->ents.v[m->ent];
        int ending = 0, longer = 0;
        for (size_t j = 0; j < en->n_mentions && j < 64; j++) {
            dl_span sp = en->mentions[j];
            if (sp.end > d->len || sp.end - sp.start <= wl) continue;
            uint32_t lw = last_word(t, sp.start, sp.end);
            if (sp.end - lw >= wl && strncasecmp(t + lw, t + w, wl) == 0 &&
                (sp.end - lw == wl || !is_alpha((unsigned char)t[lw + wl]))) {
                ending++;
                if (sp.start < s || sp.end - sp.start > e - s) longer = 1;
            }
        }
        if (m->s < s && ending >= 2) return 1;
        /* a month name that ends a person's name: "Theresa May" (a weekday
         * there is the tagger gluing "Saturday" to "Bill Clinton") */
        if (m->s < s && en->type == DL_PERSON && wl == e - s) {
            const lexent *le = lex_find(t + s, wl);
            if (le && le->id == W_MONTH) return 1;
        }
        if (m->s >= s && longer && ending >= 1) return 1;
    }
    return 0;
}

/* Word classes an expression can begin with (the others are only read
 * as context or inside an expression): skips most words at once. */
static int can_start_word(int lex)
{
    switch (lex) {
    case W_NONE: case W_IN: case W_ON: case W_SINCE: case W_PREP: case W_AND: case W_OR:
    case W_FUT: case W_PASTV: case W_IS: case W_TO: case W_OF: case W_MONEY: case W_TIMES:
    case W_AS: case W_OLD: case W_LONG: case W_ENDED: case W_POSSIBLE: case W_THAN:
    case W_LEAST: case W_MOST: case W_TZ: case W_AMPM: case W_OCLOCK: case W_EVE: case W_TERM:
    case W_SHORT: case W_NEAR: case W_PRESENT: case W_SAME: case W_AGO:
    case W_BEFORE: case W_AFTER: case W_END: case W_BEGIN: case W_HALF: case W_LATEST:
    case W_XWORD:
        return 0;
    }
    return 1;
}

static uint8_t can_start_tab[W_NCLASS];

static void can_start_build(void)
{
    for (int k = 0; k < W_NCLASS; k++) can_start_tab[k] = (uint8_t)can_start_word(k);
}

static int can_start(int lex) { return can_start_tab[lex]; }


/* ------------------------------------------------------------ pre-filter
 *
 * Cutting a whole text into units is itself most of the remaining cost,
 * and most sentences of news hold no time expression.  When the splitter
 * has run, a sentence is cut into units only if one of its tokens holds a
 * core piece (core_word, or a number as push_unit marks it), with
 * one token of context on each side; runs of skipped sentences become one
 * separator unit (U_OTHER, a break), which no rule reads as part of an
 * expression.  Rules read across a sentence end at most one unit, and the
 * tense scans stop at sentence starts, so the matches are the ones a full
 * pass finds.  A mask by word length and first two letters rejects most
 * words before the lexicon is asked. */

/* core_lens[first letter][second letter]: bit n = a core word of n letters
 * starts with these two */
static uint16_t core_lens[26][26];

static void core_mask_build(void)
{
    for (size_t k = 0; k < DL_ARRAY_LEN(LEX); k++)
        lex_core[k] = (uint8_t)(core_word(LEX[k].id, LEX[k].val, 1) |
                                core_word(LEX[k].id, LEX[k].val, 0) << 1);
    for (size_t k = 0; k < DL_ARRAY_LEN(LEX); k++) {
        const char *w = LEX[k].w;
        size_t n = strlen(w);
        if (n >= 2 && n < 16 && is_alpha((unsigned char)w[1]) &&
            core_word(LEX[k].id, LEX[k].val, 1))
            core_lens[w[0] - 'a'][w[1] - 'a'] |= (uint16_t)(1u << n);
    }
}

/* Token tk (next: the token after it, or NULL) holds a core piece.  A
 * token holds at most one run of letters before any other character
 * (hyphens are tokens of their own; "Friday's", "a.m.", "5th"), so only
 * its first run is looked up, and only when a core word of that length
 * starts with its first two letters. */
static int core_token(const char *t, const dl_token *tk, const dl_token *next)
{
    if (tk->kind == DL_TOK_PUNCT) return 0;
    uint32_t i = tk->start, e = tk->end, n = e - i;
    unsigned char ch = (unsigned char)t[i];
    if (is_alpha(ch) && is_digit((unsigned char)t[e - 1])) {
        /* letters then digits ("#Election2016"): the digits as below */
        while (i < e && !is_digit((unsigned char)t[i])) i++;
        ch = (unsigned char)t[i];
    } else if (is_alpha(ch)) {
        if (n < 2 || !is_alpha((unsigned char)t[i + 1])) return 0;
        unsigned m = core_lens[(ch | 32) - 'a'][((unsigned char)t[i + 1] | 32) - 'a'];
        if (n < 15) m &= (2u << n) - 1; /* no longer than the token */
        while (m) {
            uint32_t l = (uint32_t)__builtin_ctz(m);
            m &= m - 1;
            if (l < n && is_alpha((unsigned char)t[i + l])) continue;
            uint32_t k = 2;
            while (k < l && is_alpha((unsigned char)t[i + k])) k++;
            if (k < l) return 0; /* the first run is shorter */
            const lexent *le = lex_find(t + i, l);
            return le && (lex_core[le - LEX] >> !(ch >= 'A' && ch <= 'Z') & 1);
        }
        return 0;
    }
    if (!is_digit(ch)) return 0;
    uint32_t j = i + 1;
    while (j < e && is_digit((unsigned char)t[j])) j++;
    if (j - i == 4) return 1;
    if (j - i > 2) return 0;
    if (j < e && (is_alpha((unsigned char)t[j]) || t[j] == ':')) return 1;
    if (j == e && next) {
        unsigned char nc = (unsigned char)t[next->start];
        if (nc == ':' || (nc | 32) == 'a' || (nc | 32) == 'p' || (nc | 32) == 'o') return 1;
    }
    return 0;
}

/* Cuts tokens [a, b) into units, after a separator unless they continue
 * the units already cut (*built: the token where those end). */
static int split_range(unitvec *uv, const char *t, const dl_tokvec *toks, size_t a,
                       size_t b, size_t *built)
{
    if (uv->n && a != *built) {
        unit sep = {.s = toks->v[a].start, .e = toks->v[a].start, .kind = U_OTHER,
                    .gap = 1, .brk = 1};
        if (dl_vec_push(uv, sep)) return DL_ENOMEM;
    }
    uint32_t prev_end = a ? toks->v[a - 1].end : 0;
    for (size_t k = a; k < b; k++)
        if (split_token(uv, t, toks->v[k].start, toks->v[k].end, &prev_end)) return DL_ENOMEM;
    *built = b;
    return DL_OK;
}

/* The units of the text: of every token, or with sentences only of those
 * that hold a core token (see above). */
static int build_units(unitvec *uv, const dl_doc *d, const dl_tokvec *toks)
{
    size_t n = toks->n, built = 0;
    const dl_span *sv = d->sents.v;
    size_t ns = d->sents.n, s = 0;
    if (dl_vec_reserve(uv, n + n / 4 + 16)) return DL_ENOMEM;
    if (!ns) return split_range(uv, d->text, toks, 0, n, &built);
    for (size_t a = 0; a < n;) {
        /* the tokens [a, b) of one sentence (or of text between sentences) */
        while (s < ns && sv[s].start <= toks->v[a].start) s++;
        uint32_t lim = s < ns ? sv[s].start : UINT32_MAX;
        size_t b = a + 1;
        while (b < n && toks->v[b].start < lim) b++;
        for (size_t k = a; k < b; k++)
            if (core_token(d->text, &toks->v[k], k + 1 < n ? &toks->v[k + 1] : NULL)) {
                size_t x = a ? a - 1 : 0;
                if (x < built) x = built;
                if (split_range(uv, d->text, toks, x, DL_MIN(n, b + 1), &built))
                    return DL_ENOMEM;
                break;
            }
        a = b;
    }
    return DL_OK;
}

int dl_timex_tag(dl_doc *d)
{
    pthread_once(&lex_once, lex_build);
    if (!d->text || d->len == 0) return DL_OK;
    dl_tokvec own = {0};
    const dl_tokvec *toks = &d->toks;
    if (toks->n == 0) {
        if (dl_tokenize(d->text, d->len, &own)) {
            dl_vec_free(&own);
            return DL_ENOMEM;
        }
        toks = &own;
    }
    unitvec uv = {0};
    int rc = build_units(&uv, d, toks);
    dl_vec_free(&own);
    if (rc) {
        dl_vec_free(&uv);
        return rc;
    }
    /* sentence starts from the splitter, when it has run */
    if (d->sents.n) {
        size_t s = 0;
        for (size_t i = 0; i < uv.n; i++) {
            while (s < d->sents.n && d->sents.v[s].start < uv.v[i].s) s++;
            if (s < d->sents.n && d->sents.v[s].start == uv.v[i].s) uv.v[i].brk = 1;
        }
    }
    ctx c = {0};
    c.t = d->text, c.u = uv.v, c.n = uv.n, c.dct = d->day;
    dl_civil_from_days(d->day, &c.dy, &c.dm, &c.dd);
    c.dw = dl_weekday(d->day);
    find_ref_quarter(&c);
    /* the entity mentions, collected at the first match */
    mentvec mv = {0};
    int mv_ready = 0;
    size_t next_core = 0; /* the first core unit at or after i (c.n: none) */
    for (size_t i = 0; !rc && i < c.n;) {
        const unit *u = &c.u[i];
        hit h;
        if (next_core < i) next_core = i;
        while (next_core < c.n && !c.u[next_core].core) next_core++;
        if (next_core >= c.n) break;
        if (next_core - i > CORE_AHEAD) {
            i = next_core - CORE_AHEAD;
            continue;
        }
        /* expressions start at a word or number not glued to a number */
        int start = (u->kind == U_ALPHA && can_start(u->lex)) ||
                    (u->kind == U_DIGIT &&
                     !(i > 0 && glued(&c, i) && (pc(&c, i - 1, '.') || pc(&c, i - 1, ',') ||
                                                 pc(&c, i - 1, ':') || isdig(&c, i - 1)))) ||
                    (u->kind == U_PUNCT && u->ch == '\'');
        if (start && u->kind == U_ALPHA && i > 0 && glued(&c, i) && isalpha_u(&c, i - 1))
            start = 0;
        int found = start && match_at(&c, i, &h);
        if (found && !mv_ready) {
            mv_ready = 1;
            if ((rc = collect_mentions(d, &mv))) break;
        }
        if (found && !(mv.n && in_name(d, &mv, c.u[h.a].s, c.u[h.b - 1].e))) {
            dl_timex tx;
            memset(&tx, 0, sizeof tx);
            tx.span.start = c.u[h.a].s;
            tx.span.end = c.u[h.b - 1].e;
            tx.type = h.type;
            memcpy(tx.value, h.val, sizeof tx.value);
            tx.value[sizeof tx.value - 1] = 0;
            if (dl_vec_push(&d->times, tx)) {
                rc = DL_ENOMEM;
                break;
            }
            i = h.b;
            set_reference(&c, h.type, h.val);
            /* an explicit recent quarter becomes the one "the quarter" means */
            if (h.type == DL_TIMEX_DATE && strlen(h.val) == 7 && h.val[5] == 'Q' &&
                c.u[h.b - 1].lex == W_UNIT &&
                reportable_quarter(&c, atoi(h.val), h.val[6] - '0', h.a, h.b)) {
                size_t k = h.a;
                int back = 0; /* "the year-earlier third quarter" is a comparison */
                for (size_t j = h.a; j < h.b; j++)
                    back |= lx(&c, j, W_EARLIER) || lx(&c, j, W_AGO) || lx(&c, j, W_LAST);
                while (k < h.b && !lx(&c, k, W_ORD)) k++;
                int ny = atoi(h.val), nq = h.val[6] - '0';
                /* an earlier calendar quarter named in passing ("after a
                 * flat second quarter") is a comparison, not the report;
                 * a fiscal one ("the fiscal second quarter", "the quarter
                 * ended Sept. 30") may be another company's report */
                int fiscal = lx(&c, h.b, W_ENDED);
                for (size_t j = h.a; j < h.b; j++) fiscal |= lx(&c, j, W_FISCAL);
                if (!fiscal && ny * 4 + nq < c.refq_y * 4 + c.refq_q) back = 1;
                if (k < h.b && !back) c.refq_y = ny, c.refq_q = nq;
            }
        } else {
            i++;
        }
    }
    dl_vec_free(&mv);
    dl_vec_free(&uv);
    return rc;
}
