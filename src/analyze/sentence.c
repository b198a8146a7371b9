/*
 * sentence.c -- dl_sentence_split: cuts a tokenized doc into sentences
 * (d->sents, [start, end) byte spans, trimmed, in order, non-overlapping,
 * covering every token).  English news rules, no model:
 *
 *   - A blank line always ends a sentence.  A single line break ends one too
 *     (headlines, bylines, datelines, table rows and list items are lines of
 *     their own), unless the line looks like prose cut by a stray line break:
 *     at least three words, no final punctuation, and the next line starts
 *     in lower case.
 *   - . ! ? (with any closing quotes and brackets glued to them) end a
 *     sentence when what follows does not continue it: a lower-case word
 *     continues ("Yahoo! in the", "great.' she said"), a capital, a digit or
 *     an opening quote starts a new one.
 *   - After an abbreviation the period is ambiguous.  Titles (Mr. Dr. Gen.)
 *     and e.g./i.e. never end a sentence; other abbreviations (Co. Inc. U.S.
 *     a.m. Jan. single initials) end one only when the next word is one that
 *     starts sentences (a capitalised function word such as The, He, But, or
 *     a title such as Mr.), and never at the end of a fronted time phrase
 *     ("At 5 a.m. Mr. Smith went ..." is one sentence: "At 5 a.m." is no
 *     clause), nor in a Title Case headline (no lower-case word so far but
 *     of/the/in...: "3 Firefighters From U.S. Are Killed").
 *   - Ellipses: three dots continue the sentence unless a capitalised word
 *     other than "I" follows; four dots (an ellipsis and a period) end it
 *     before any capital; "word. . . . Next" is a period, then an ellipsis
 *     opening the next sentence; an ellipsis that opens a sentence ends
 *     none.
 *   - Lists: a bullet starts an item; "1." "a)" "2.)" markers at a
 *     sentence's start are not ends, and the next marker in sequence ("2."
 *     after "1.") starts a new item even without final punctuation.
 *
 * Linear: every token is visited a bounded number of times (a cluster of
 * punctuation is consumed once; look-ahead past it is bounded).
 */
#include "analyze.h"

/* ---------------------------------------------------------- lexicons */

/* Capitalised, these words almost always start a sentence: they are
 * function words, not names.  Sorted (strcmp); test_sentence.c checks. */
static const char *const starters[] = {
    "a",        "about",     "according", "after",    "all",       "also",
    "although", "among",     "an",        "and",      "another",   "any",
    "are",      "as",        "at",        "because",  "before",    "besides",
    "both",     "but",       "by",        "can",      "could",     "despite",
    "did",      "do",        "does",      "during",   "each",      "earlier",
    "either",   "even",      "every",     "few",      "for",       "from",
    "furthermore", "had",    "has",       "have",     "he",        "her",
    "here",     "hers",      "him",       "his",      "how",       "however",
    "if",       "in",        "indeed",    "instead",  "into",      "is",
    "it",       "its",       "just",      "later",    "let",       "many",
    "meanwhile", "might",    "more",      "moreover", "most",      "much",
    "must",     "my",        "neither",   "nevertheless", "no",    "nonetheless",
    "nor",      "not",       "now",       "of",       "on",        "once",
    "only",     "or",        "other",     "our",      "perhaps",   "she",
    "should",   "since",     "so",        "some",     "still",     "such",
    "that",     "the",       "their",     "then",     "there",     "therefore",
    "these",    "they",      "this",      "those",    "though",    "thus",
    "to",       "under",     "unless",    "until",    "was",       "we",
    "were",     "what",      "whatever",  "when",     "where",     "whether",
    "which",    "while",     "who",       "whom",     "whose",     "why",
    "with",     "without",   "would",     "yes",      "yet",       "you",
    "your",
};

/* Prepositions that open a fronted time phrase ("At 5 a.m."). */
static const char *const fronting[] = {
    "about", "after", "around", "at", "before", "by", "from", "on", "since", "till",
    "until",
};

/* The small words that Title Case leaves in lower case. */
static const char *const title_small[] = {
    "a", "an", "and", "as", "at", "but", "by", "for", "in", "nor", "of", "off", "on", "or",
    "out", "per", "the", "to", "up", "via", "vs",
};

/* Verbs of saying that follow a quote's speaker ("... ?” Trump asked."). */
static const char *const saying[] = {
    "added",    "asked",   "asks",    "continued", "cried",    "declared", "demanded",
    "exclaimed", "explained", "insisted", "recalled", "replied", "said",     "says",
    "shouted",  "tweeted", "wondered", "wrote",    "yelled",
};

static const char *const weekdays[] = {
    "friday", "monday", "saturday", "sunday", "thursday", "tuesday", "wednesday",
};
static const char *const after_saying[] = {
    "as", "at", "during", "from", "in", "of", "on", "to", "while", "with",
};

int dl_sentence_tables_sorted_(void);
int dl_sentence_tables_sorted_(void)
{
    for (size_t i = 1; i < DL_ARRAY_LEN(starters); i++)
        if (strcmp(starters[i - 1], starters[i]) >= 0) return 0;
#define SORTED(list)                                                \
    for (size_t i = 1; i < DL_ARRAY_LEN(list); i++)                 \
        if (strcmp(list[i - 1], list[i]) >= 0) return 0;
    SORTED(saying)
    SORTED(weekdays)
    SORTED(after_saying)
#undef SORTED
    for (size_t i = 1; i < DL_ARRAY_LEN(title_small); i++)
        if (strcmp(title_small[i - 1], title_small[i]) >= 0) return 0;
    for (size_t i = 1; i < DL_ARRAY_LEN(fronting); i++)
        if (strcmp(fronting[i - 1], fronting[i]) >= 0) return 0;
    return 1;
}

/* Is the ASCII word s[0,n), lower-cased, in the sorted list? */
static int in_list(const char *const *list, size_t len, const char *s, size_t n)
{
    char key[16];
    if (n == 0 || n >= sizeof key) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x80) return 0;
        key[i] = (char)(b >= 'A' && b <= 'Z' ? b | 0x20 : b);
    }
    key[n] = 0;
    size_t lo = 0, hi = len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(key, list[mid]);
        if (c == 0) return 1;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return 0;
}

/* ---------------------------------------------------------- token helpers */

typedef struct {
    const char *text;
    const dl_token *t;
    size_t n;
} toks;

static size_t tlen(const dl_token *t) { return t->end - t->start; }

static int is_char(const toks *x, size_t k, char c)
{
    return k < x->n && tlen(&x->t[k]) == 1 && x->text[x->t[k].start] == c;
}

static int glued(const toks *x, size_t k) /* no white space before token k */
{
    return !(x->t[k].flags & (DL_TF_SPACE | DL_TF_NEWLINE));
}

static int is_starter(const toks *x, size_t k)
{
    const dl_token *t = &x->t[k];
    if (t->kind != DL_TOK_WORD || !(t->flags & DL_TF_CAP)) return 0;
    /* a title (Mr., Dr.) also starts sentences after an abbreviation */
    if (t->flags & DL_TF_ABBR)
        return dl_abbrev_class(x->text + t->start, tlen(t)) == DL_ABBR_TITLE;
    /* "Under-Secretary", "No-one": the part of a compound is no clue */
    if (k + 1 < x->n && (x->t[k + 1].flags & DL_TF_INFIX)) return 0;
    /* "HE" in a headline counts too, but not "I": it is always a capital */
    return in_list(starters, DL_ARRAY_LEN(starters), x->text + t->start, tlen(t));
}

/* A list marker at k: 1-3 digits or the letter a/A (or the letter that the
 * current list expects), then "." ")" or ".)" glued, then space.  Fills the
 * marker's kind (1 digits, 2 lower, 3 upper), separator kind and value;
 * returns the token index after the marker, or 0 if there is none. */
typedef struct {
    int kind, sep;
    long value;
} marker;

static size_t marker_at(const toks *x, size_t k, marker *m)
{
    const dl_token *t = &x->t[k];
    const char *s = x->text + t->start;
    size_t n = tlen(t);
    if (t->kind == DL_TOK_NUMBER && n <= 3) {
        m->kind = 1, m->value = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < '0' || s[i] > '9') return 0;
            m->value = m->value * 10 + (s[i] - '0');
        }
    } else if (t->kind == DL_TOK_WORD && n == 1 && s[0] >= 'a' && s[0] <= 'z') {
        m->kind = 2, m->value = s[0] - 'a';
    } else if (t->kind == DL_TOK_WORD && n == 1 && s[0] >= 'A' && s[0] <= 'Z') {
        m->kind = 3, m->value = s[0] - 'A';
    } else {
        return 0;
    }
    size_t j = k + 1;
    if (j >= x->n || !glued(x, j)) return 0;
    if (is_char(x, j, '.')) {
        m->sep = 1, j++;
        if (j < x->n && glued(x, j) && is_char(x, j, ')')) m->sep = 3, j++;
    } else if (is_char(x, j, ')')) {
        m->sep = 2, j++;
    } else {
        return 0;
    }
    if (j < x->n && glued(x, j)) return 0;
    if (j >= x->n) return 0; /* "... in 1." at the very end is no item */
    return j;
}

/* At w (a capitalised word): one to four words of a name (Trump; Sen. Ted
 * Cruz) and a verb of saying, which ends the clause (then . , ; or a word
 * such as Friday / on / in, not an object: "Trump said the plan ..."). */
static int attribution(const toks *x, size_t w)
{
    const dl_token *T = x->t;
    size_t i = w, names = 0;
    while (i < x->n && names < 5 && glued(x, i) == (i > w && is_char(x, i, '.')) &&
           ((T[i].kind == DL_TOK_WORD && (T[i].flags & DL_TF_CAP)) ||
            (T[i].flags & DL_TF_ABBR_DOT))) {
        if (is_starter(x, i) && !(T[i].flags & DL_TF_ABBR)) return 0; /* "He asked" */
        names++, i++;
    }
    if (!names || i >= x->n || T[i].kind != DL_TOK_WORD ||
        !in_list(saying, DL_ARRAY_LEN(saying), x->text + T[i].start, tlen(&T[i])))
        return 0;
    i++;
    if (i >= x->n || (T[i].flags & DL_TF_NEWLINE)) return 1;
    if (T[i].kind == DL_TOK_PUNCT) {
        char c = x->text[T[i].start];
        return c == '.' || c == ',' || c == ';' || c == ':';
    }
    /* a day or a preposition after the verb, not its object */
    const char *v = x->text + T[i].start;
    size_t vn = tlen(&T[i]);
    if (T[i].flags & DL_TF_CAP) return in_list(weekdays, DL_ARRAY_LEN(weekdays), v, vn);
    return in_list(after_saying, DL_ARRAY_LEN(after_saying), v, vn);
}

/* ---------------------------------------------------------- decisions */

enum { K_NEVER, K_STRONG, K_AMBIG, K_ELL3, K_ELL4, K_FIRST };

/*
 * The punctuation cluster that starts at token k (a TERM token, or a dotted
 * abbreviation that carries its period): decides whether a sentence ends
 * in it.  *pj gets the index after the cluster; the return value is the
 * index where the next sentence starts (<= *pj), or 0 for no cut.  s is the
 * first token of the current sentence.
 */
static size_t decide(const toks *x, size_t s, size_t k, int prose, size_t *pj)
{
    const dl_token *T = x->t;
    const dl_token *t = &T[k];
    size_t n = x->n, j = k + 1;
    int type;

    if (t->kind == DL_TOK_WORD) {
        int cls = dl_abbrev_class(x->text + t->start, tlen(t));
        type = cls == DL_ABBR_ANY ? K_AMBIG : K_NEVER;
    } else if (tlen(t) == 1 && x->text[t->start] == '.') {
        /* a chain of single periods separated by one space: ". . ." */
        size_t e = k, m = 1;
        while (e + 1 < n && is_char(x, e + 1, '.') && T[e + 1].start == T[e].end + 1 &&
               x->text[T[e].end] == ' ') {
            e++, m++;
        }
        j = e + 1;
        if (m >= 3 && k == s) {
            type = K_NEVER;
        } else if (m >= 3) {
            int attached = k > s && glued(x, k) && T[k - 1].kind != DL_TOK_PUNCT;
            type = attached && m == 4 ? K_FIRST : m >= 4 ? K_ELL4 : K_ELL3;
        } else if (m == 2) {
            type = K_STRONG;
        } else if (t->flags & DL_TF_ABBR_DOT) {
            int cls = dl_abbrev_class(x->text + T[k - 1].start, tlen(&T[k - 1]));
            type = cls == DL_ABBR_ANY ? K_AMBIG : cls == DL_ABBR_NONE ? K_STRONG : K_NEVER;
        } else {
            type = K_STRONG;
        }
    } else if (t->flags & DL_TF_ELLIPSIS) {
        type = x->text[t->start] == '.' && tlen(t) >= 4 ? K_ELL4 : K_ELL3;
        /* "stuff. ... We were": an ellipsis opening a sentence ends none */
        if (k == s) type = K_NEVER;
        /* "[...]" or "“…and": an omission right after an opening bracket
         * or quote ends nothing */
        if (k > 0 && glued(x, k) && (T[k - 1].flags & DL_TF_OPEN)) type = K_NEVER;
    } else {
        type = K_STRONG; /* ! ? and the like */
    }

    /* glued terminal punctuation and closing quotes/brackets belong to it */
    int asked = x->text[t->start] == '?' || x->text[t->start] == '!';
    int quoted = 0;
    while (j < n && glued(x, j)) {
        const dl_token *u = &T[j];
        if (u->flags & DL_TF_TERM) {
            if (type == K_ELL3 && is_char(x, j, '.')) type = K_ELL4;
            else if (!(u->flags & DL_TF_ELLIPSIS) && x->text[u->start] != '.')
                type = K_STRONG, asked = 1; /* "?!" "U.S.!" */
            j++;
        } else if (u->flags & DL_TF_CLOSE) {
            quoted |= (u->flags & DL_TF_QUOTE) != 0;
            j++;
        } else {
            break;
        }
    }
    /* a straight quote standing alone after the end (`said. " Next`) closes
     * it: opening quotes are glued to their first word */
    if (j < n && !glued(x, j) && !(T[j].flags & DL_TF_NEWLINE) &&
        (T[j].flags & DL_TF_QUOTE) && !(T[j].flags & (DL_TF_OPEN | DL_TF_CLOSE)) &&
        (j + 1 >= n || !glued(x, j + 1)))
        j++;
    *pj = j;
    if (j >= n || type == K_NEVER) return 0;
    if (T[j].flags & DL_TF_NEWLINE) return j; /* the line logic cuts there too */

    /* the first word after it, past opening quotes and brackets */
    size_t w = j;
    int opened = 0;
    while (w < n && w < j + 3 && T[w].kind == DL_TOK_PUNCT && (T[w].flags & DL_TF_OPEN)) {
        opened |= (T[w].flags & DL_TF_QUOTE) != 0;
        w++;
    }
    if (w >= n) return type == K_STRONG || type == K_ELL4 ? j : 0;
    const dl_token *nw = &T[w];
    int lower = nw->kind == DL_TOK_WORD && (nw->flags & DL_TF_LOWER);
    int cap = nw->kind == DL_TOK_WORD && (nw->flags & DL_TF_CAP);
    int digit = nw->kind == DL_TOK_NUMBER ||
                (nw->kind == DL_TOK_WORD && x->text[nw->start] >= '0' &&
                 x->text[nw->start] <= '9');
    int is_i = tlen(nw) == 1 && x->text[nw->start] == 'I';

    /* glued on both sides ("RABN.CN", "30.AUG.96", "W112.5"): only a
     * capitalised word after it starts a sentence ("world.Today") */
    if (w == j && glued(x, j) && type != K_ELL3 && type != K_ELL4) {
        if (!cap) return 0;
        if (tlen(nw) >= 2) {
            unsigned char c2 = (unsigned char)x->text[nw->start + 1];
            if (c2 >= 'A' && c2 <= 'Z') return 0;
        }
    }

    switch (type) {
    case K_STRONG:
    case K_ELL4:
        if (lower) return 0;
        if (digit) {
            /* "N°. 1026" : a period after a symbol, then a number */
            if (tlen(t) == 1 && k > 0 && glued(x, k) && T[k - 1].kind == DL_TOK_PUNCT &&
                !(T[k - 1].flags & DL_TF_CLOSE))
                return 0;
            return j;
        }
        if (!cap && !opened && nw->kind == DL_TOK_PUNCT) {
            char c = x->text[nw->start];
            if (c == ',' || c == ';' || c == ':' || (nw->flags & DL_TF_CLOSE)) return 0;
        }
        /* “Why now?” Trump asked.  A quoted question or exclamation, then
         * its speaker and a verb of saying: one sentence */
        if (cap && asked && quoted && !opened && attribution(x, w)) return 0;
        return j;
    case K_AMBIG: {
        if (!cap) return 0;
        /* in a Title Case headline every word is capitalised: no clue */
        if (!prose) return 0;
        /* a fronted time phrase is no sentence: "At 5 a.m. Mr. Smith ..." */
        if (k - s <= 4 && T[s].kind == DL_TOK_WORD &&
            in_list(fronting, DL_ARRAY_LEN(fronting), x->text + T[s].start, tlen(&T[s])))
            return 0;
        if (is_starter(x, w) || (opened && !is_i)) return j;
        return 0;
    }
    case K_ELL3:
        return cap && !is_i ? j : 0;
    case K_FIRST:
        return cap ? k + 1 : 0;
    }
    return 0;
}

/* A single line break before token k: does the line continue a sentence?
 * Prose cut by a stray break: >= 3 words on the line, no final
 * punctuation, the next line starts in lower case. */
static int joins_line(const toks *x, size_t k, size_t line_words)
{
    const dl_token *t = &x->t[k], *p = &x->t[k - 1];
    if (t->kind != DL_TOK_WORD || !(t->flags & DL_TF_LOWER)) return 0;
    if (line_words < 3) return 0;
    if (p->kind == DL_TOK_PUNCT) {
        char c = x->text[p->start];
        return tlen(p) == 1 && (c == ',' || c == ';' || c == '-');
    }
    return 1;
}

static int emit(dl_doc *d, const dl_token *T, size_t s, size_t e)
{
    if (e <= s) return DL_OK;
    dl_span sp = {T[s].start, T[e - 1].end};
    return dl_vec_push(&d->sents, sp);
}

int dl_sentence_split(dl_doc *d)
{
    toks x = {d->text, d->toks.v, d->toks.n};
    const dl_token *T = x.t;
    size_t n = x.n, s = 0, k = 0, line_words = 0;
    size_t prose_words = 0; /* lower-case words in the sentence, but the
                             * small ones of Title Case (of, the, in) */
    marker list = {0, 0, 0}; /* the list being read (kind 0: none) */
    int rc;

    while (k < n) {
        const dl_token *t = &T[k];
        marker m;
        size_t after;
        if (t->flags & DL_TF_PARA) list.kind = 0;
        if (k > s) {
            int cut = 0;
            if (t->flags & DL_TF_PARA) cut = 1;
            else if (t->flags & DL_TF_NEWLINE) cut = !joins_line(&x, k, line_words);
            else if ((t->flags & DL_TF_BULLET) && (t->flags & DL_TF_SPACE)) cut = 1;
            else if (list.kind && (t->flags & DL_TF_SPACE) &&
                     !(k == s + 1 && (T[s].flags & DL_TF_BULLET)) && marker_at(&x, k, &m) &&
                     m.kind == list.kind && m.sep == list.sep && m.value == list.value + 1)
                cut = 1;
            if (cut) {
                if ((rc = emit(d, T, s, k))) return rc;
                s = k;
                prose_words = 0;
            }
        }
        if (t->flags & DL_TF_NEWLINE) line_words = 0;
        /* a list marker opening the sentence (perhaps after a bullet), or
         * the first marker after a colon ("Key points: 1. Taxes ...") */
        if ((k == s || (k == s + 1 && (T[s].flags & DL_TF_BULLET)) ||
             (k > s && is_char(&x, k - 1, ':'))) &&
            (after = marker_at(&x, k, &m)) &&
            (k == s || T[k - 1].flags & DL_TF_BULLET ? (m.kind == 1 || m.value == 0 ||
                                                        (m.kind == list.kind &&
                                                         m.value == list.value + 1))
                                                     : m.value == (m.kind == 1))) {
            list = m;
            k = after;
            continue;
        }
        if (t->kind != DL_TOK_PUNCT) line_words++;
        if (!prose_words && (t->flags & DL_TF_LOWER) && t->kind == DL_TOK_WORD &&
            (tlen(t) >= 4 || !in_list(title_small, DL_ARRAY_LEN(title_small),
                                      d->text + t->start, tlen(t))))
            prose_words++;
        if ((t->flags & DL_TF_TERM) ||
            (t->kind == DL_TOK_WORD && (t->flags & DL_TF_ABBR) && d->text[t->end - 1] == '.')) {
            size_t j, b = decide(&x, s, k, prose_words > 0, &j);
            if (b) {
                if ((rc = emit(d, T, s, b))) return rc;
                s = b;
                prose_words = 0;
            }
            k = j;
            continue;
        }
        k++;
    }
    return emit(d, T, s, n);
}
