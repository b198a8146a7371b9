/*
 * quote.c -- direct quotes and their speakers (contract in quote.h).
 *
 * Four passes, each linear in the text:
 *
 *  1. Quote candidates, line by line (a line break ends an open quote):
 *     curly and straight double marks, NYT-style '' ... '', guillemets, and
 *     single quotes (‘...’ and '...' when an apostrophe cannot explain the
 *     mark).  Single marks inside a double quote are part of it.  A double
 *     quote left open runs to the end of its line (the writer's unclosed
 *     quote, or one paragraph of a multi-paragraph quote).
 *  2. Capitalised runs: a light name finder (titles, initials, particles,
 *     possessives) whose runs are clustered into people by full name,
 *     surname, "Sir Kim" forms and first names.  They give the subjects of
 *     speech verbs, the antecedents of "he"/"she" and of "the minister",
 *     and speakers the entity tagger missed.
 *  3. Attribution per candidate: a cue after the quote (", he said", "said
 *     X", "X added"), else the nearest speech verb before it in its sentence
 *     with its subject (skipping auxiliaries, adverbs and appositions), else
 *     the cue of an earlier quote of the same sentence, else a paragraph
 *     introduced by a colon or continuing a quoted paragraph.
 *  4. Acceptance (quotes with a cue, quote paragraphs, long or
 *     sentence-like stretches; not scare quotes, titles or nicknames) and
 *     speaker resolution to entities of d->ents (appended when missing).
 */
#include "quote.h"
#include "quote_lex.h"
#include "analyze.h"
#include "../text/utf8.h"

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define NONE_U32 UINT32_MAX

/* ------------------------------------------------------------ candidates */

typedef struct qcand {
    uint32_t ms;          /* start of the opening mark */
    uint32_t me;          /* end of the opening mark */
    uint32_t s, e;        /* the quoted words, trimmed */
    uint32_t cs;          /* start of the closing mark (== end of line if open) */
    uint32_t ce;          /* end of the closing mark */
    uint32_t line;        /* line number */
    uint8_t closed, single, para_start;
} qcand;
typedef DL_VEC(qcand) qcandvec;

static int is_space_c(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x2009 || c == 0x202F ||
           c == 0x2002 || c == 0x2003;
}

static int is_alnum_c(int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == 0xFFFD) return 0;
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

static int is_letter_c(int32_t c)
{
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c == 0xFFFD) return 0;
    utf8proc_category_t cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Appends the quote [ms..) with content [cs0, cs1) and closing mark
 * [cs1, ce) if its trimmed content is not empty. */
static int push_cand(const dl_doc *d, qcandvec *out, uint32_t ms, uint32_t me, uint32_t cs1,
                     uint32_t ce, int closed, int single, uint32_t line, uint32_t line_start,
                     uint32_t *first_ink)
{
    const char *t = d->text;
    uint32_t s = me, e = cs1;
    while (s < e) { /* trim white space (ASCII and no-break) */
        size_t k = s;
        int32_t c = dl_utf8_next(t, e, &k);
        if (!is_space_c(c) && c != '\n') break;
        s = (uint32_t)k;
    }
    while (e > s) {
        size_t k;
        int32_t c = dl_utf8_prev(t, e, &k);
        if (!is_space_c(c) && c != '\n' && c != ',') break;
        e = (uint32_t)k;
    }
    if (e <= s) return DL_OK;
    /* only blanks between the line start and the mark */
    if (*first_ink == NONE_U32) {
        uint32_t i = line_start;
        while (i < ms && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\f' ||
                          t[i] == '\v'))
            i++;
        /* i < ms: the line's first ink; else none before ms (look again
         * from here for a later mark) */
        if (i < ms) *first_ink = i;
    }
    int para_start = *first_ink == NONE_U32 || *first_ink >= ms;
    qcand q = {ms, me, s, e, cs1, ce, line, (uint8_t)closed, (uint8_t)single,
               (uint8_t)para_start};
    return dl_vec_push(out, q);
}

/* Words that begin with an apostrophe and are not quotes: 'em, 'til... */
static int elision_at(const char *t, size_t i, size_t n)
{
    static const char *const W[] = {"em", "til", "cause", "n", "tis", "twas", "bout", "round",
                                    "nuff", "s"};
    for (size_t k = 0; k < DL_ARRAY_LEN(W); k++) {
        size_t l = strlen(W[k]);
        if (i + l <= n && strncasecmp(t + i, W[k], l) == 0 &&
            (i + l == n || !is_alnum_c((unsigned char)t[i + l])))
            return 1;
    }
    return 0;
}

/* Bytes the candidate scan must look at: the ASCII marks " ' ` and every
 * non-ASCII byte (curly quotes, guillemets).  Any other character does
 * nothing but become the scan's previous character. */
static const uint8_t QMARK_BYTE[256] = {
    ['"'] = 1, ['\''] = 1, ['`'] = 1,
#define R16(a) [a] = 1, [a + 1] = 1, [a + 2] = 1, [a + 3] = 1, [a + 4] = 1, [a + 5] = 1, \
    [a + 6] = 1, [a + 7] = 1, [a + 8] = 1, [a + 9] = 1, [a + 10] = 1, [a + 11] = 1,     \
    [a + 12] = 1, [a + 13] = 1, [a + 14] = 1, [a + 15] = 1
    R16(0x80), R16(0x90), R16(0xA0), R16(0xB0), R16(0xC0), R16(0xD0), R16(0xE0), R16(0xF0),
#undef R16
};

/* The first byte of t[i, le) that QMARK_BYTE marks, or le. */
static inline size_t skip_plain(const char *t, size_t i, size_t le)
{
#ifdef __SSE2__
    const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\''), bq = _mm_set1_epi8('`');
    while (i + 16 <= le) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i q = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, sq)),
                                 _mm_cmpeq_epi8(v, bq));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(q, v)); /* high bit: >= 0x80 */
        if (m) return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < le && !QMARK_BYTE[(unsigned char)t[i]]) i++;
    return i;
}

static int find_candidates(const dl_doc *d, qcandvec *out)
{
    const char *t = d->text;
    size_t n = d->len;
    uint32_t line = 0;
    size_t ls = 0;
    while (ls <= n) {
        const char *nl = ls < n ? memchr(t + ls, '\n', n - ls) : NULL;
        size_t le = nl ? (size_t)(nl - t) : n;
        /* one line [ls, le) */
        int open = 0;            /* 0 none, 1 double, 2 single curly, 3 single straight */
        uint32_t oms = 0, ome = 0;
        size_t i = ls;
        int32_t prev = ' ';
        uint32_t first_ink = NONE_U32; /* first non-blank byte of the line (push_cand) */
        while (i < le) {
            /* fast path: a character that is no mark only becomes prev */
            if (!QMARK_BYTE[(unsigned char)t[i]]) {
                i = skip_plain(t, i + 1, le);
                prev = (unsigned char)t[i - 1];
                if (i >= le) break;
            }
            size_t at = i;
            int32_t c = dl_utf8_next(t, le, &i);
            if (c >= 0x80 && c != 0x201C && c != 0xAB && c != 0x201E && c != 0x201D &&
                c != 0xBB && c != 0x2018 && c != 0x2019) {
                prev = c;
                continue;
            }
            size_t nx = i;
            int32_t next = i < le ? dl_utf8_next(t, le, &nx) : ' ';
            int dbl = 0, mark_len = (int)(i - at);
            int is_open_mark = 0, is_close_mark = 0, straight = 0;
            if (c == 0x201C || c == 0xAB || c == 0x201E) {
                dbl = 1, is_open_mark = 1;
                /* “ used as a closing mark: “It's unusual,“ said X */
                if (open == 1 && !is_space_c(prev) && !is_alnum_c(next)) is_open_mark = 0;
            } else if (c == 0x201D || c == 0xBB) dbl = 1, is_close_mark = 1;
            else if (c == '"') dbl = 1, straight = 1;
            else if ((c == '\'' && next == '\'') || (c == '`' && next == '`')) {
                dbl = 1, straight = 1;
                mark_len = 2;
                i = nx;
                next = i < le ? dl_utf8_next(t, le, &(size_t){i}) : ' ';
            }
            if (dbl) {
                if (open == 1) {
                    if (is_open_mark) {
                        /* a new opening mark: the last quote was left open */
                        if (push_cand(d, out, oms, ome, (uint32_t)at, (uint32_t)at, 0, 0, line,
                                      (uint32_t)ls, &first_ink))
                            return DL_ENOMEM;
                        oms = (uint32_t)at, ome = (uint32_t)(at + mark_len);
                    } else {
                        if (push_cand(d, out, oms, ome, (uint32_t)at, (uint32_t)(at + mark_len),
                                      1, 0, line, (uint32_t)ls, &first_ink))
                            return DL_ENOMEM;
                        open = 0;
                    }
                } else {
                    /* single quotes opened before a double mark: drop them */
                    int opens = is_open_mark ||
                                (straight && !is_space_c(next) && next != ',' && next != '.') ||
                                (is_close_mark && is_space_c(prev) && is_alnum_c(next));
                    if (opens) {
                        open = 1;
                        oms = (uint32_t)at, ome = (uint32_t)(at + mark_len);
                    }
                }
                prev = c;
                continue;
            }
            if (open == 1) {
                prev = c;
                continue;
            }
            if (c == 0x2018 || (c == '\'' && !is_alnum_c(prev) && prev != '\'' &&
                                is_letter_c(next) && !elision_at(t, i, le))) {
                if (!open && (is_alnum_c(next) || next == '\'' || next == 0x201C)) {
                    open = c == 0x2018 ? 2 : 3;
                    oms = (uint32_t)at, ome = (uint32_t)i;
                }
            } else if ((c == 0x2019 || c == '\'') && open >= 2 && !is_space_c(prev) &&
                       !is_alnum_c(next)) {
                if (push_cand(d, out, oms, ome, (uint32_t)at, (uint32_t)i, 1, 1, line,
                              (uint32_t)ls, &first_ink))
                    return DL_ENOMEM;
                open = 0;
            }
            prev = c;
        }
        if (open == 1 || open == 2) {
            if (push_cand(d, out, oms, ome, (uint32_t)le, (uint32_t)le, 0, open == 2, line,
                          (uint32_t)ls, &first_ink))
                return DL_ENOMEM;
        }
        line++;
        ls = le + 1;
    }
    return DL_OK;
}

/* ------------------------------------------------------------- tokens */

enum { TF_CAP = 1, TF_WORD = 2, TF_INQ = 4, TF_LOWER = 8 };

typedef struct tinfo {
    uint64_t h;     /* lower-case hash of the token */
    unsigned bits;  /* QL_* classes */
    unsigned flags; /* TF_* */
    int run;        /* capitalised run holding this token, -1 */
    uint32_t sent;  /* sentence index */
} tinfo;

typedef struct nrun {
    uint32_t t0, t1;  /* name tokens [t0, t1) (a kept title like Sir included) */
    uint32_t tm;      /* first token of the mention (title included) */
    uint32_t ms, s, e; /* bytes: mention start, name start, name end */
    int cluster, next; /* cluster and the next run of the same cluster */
    uint64_t title_h; /* the title's normalised hash, 0 if none */
    unsigned gender;  /* QL_MALE / QL_FEMALE / 0 */
    uint8_t possessive, in_quote, personish;
} nrun;

typedef struct cluster {
    int best, head, tail; /* run of the fullest form; list of runs */
    int nwords;
    uint64_t first_h;     /* hash of the first name word */
    unsigned gender;
    int personish;
    int ent;              /* materialised entity index, -1 */
} cluster;

/* A hash map uint64 -> int (open addressing, never shrinks). */
typedef struct hmap {
    uint64_t *k;
    int *v;
    size_t cap;
} hmap;

static int hmap_init(hmap *m, size_t want)
{
    size_t cap = 64;
    while (cap < want * 2) cap <<= 1;
    m->k = dl_calloc(cap, sizeof *m->k);
    m->v = dl_calloc(cap, sizeof *m->v);
    m->cap = cap;
    return m->k && m->v ? DL_OK : DL_ENOMEM;
}

static void hmap_free(hmap *m)
{
    free(m->k);
    free(m->v);
}

static int hmap_get(const hmap *m, uint64_t key)
{
    size_t i = (size_t)key & (m->cap - 1);
    while (m->k[i]) {
        if (m->k[i] == key) return m->v[i];
        i = (i + 1) & (m->cap - 1);
    }
    return -1;
}

static void hmap_put(hmap *m, uint64_t key, int v)
{
    size_t i = (size_t)key & (m->cap - 1);
    while (m->k[i] && m->k[i] != key) i = (i + 1) & (m->cap - 1);
    m->k[i] = key;
    m->v[i] = v;
}

static uint64_t mix(uint64_t h, uint64_t kind)
{
    h ^= kind * 0x9E3779B97F4A7C15ull;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    return h ? h : 1;
}

enum { K_FULL = 1, K_LAST, K_SINGLE, K_KEEPFIRST, K_FIRST };

struct emention {
    uint32_t s, e;
    int ent;
};

typedef struct qctx {
    dl_doc *d;
    const dl_token *tk;
    size_t nt;
    tinfo *ti;
    dl_span *sents;
    size_t ns;
    uint32_t *sent_tok0; /* first token of each sentence (nt when none) */
    DL_VEC(nrun) runs;
    DL_VEC(cluster) cl;
    int *topic_c;        /* per sentence: the cluster the sentence is about, -1 */
    int *topic_r;        /* per sentence: the run that gave topic_c, -1 */
    size_t cur_open;     /* token of the opening mark of the quote in hand */
    int *topic_e;        /* per sentence: the entity speaking in it, -1 */
    qcandvec q;
    /* entity mentions of the tagger, sorted by start, for overlap lookups */
    DL_VEC(struct emention) em;
    size_t n_ents_orig;
    DL_VEC(uint32_t) speech; /* tokens with QL_SPEECH, in order */
} qctx;

static const char *tok_text(const qctx *x, size_t i, size_t *len)
{
    *len = x->tk[i].end - x->tk[i].start;
    return x->d->text + x->tk[i].start;
}

/* Is token i the word w (ASCII case folded on the token's side; every w
 * is lower case or non-ASCII bytes)?  Inline, so strlen(w) folds to a
 * constant and most calls end at the length test. */
static inline __attribute__((always_inline)) int tok_is(const qctx *x, size_t i, const char *w)
{
    size_t l;
    const char *s = tok_text(x, i, &l);
    if (l != strlen(w)) return 0;
    for (size_t k = 0; k < l; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
        if (c != (unsigned char)w[k]) return 0;
    }
    return 1;
}

static int tok_is_dash(const qctx *x, size_t i)
{
    size_t l;
    const char *s = tok_text(x, i, &l);
    return (l == 1 && s[0] == '-') ||
           (l == 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
            (unsigned char)s[2] >= 0x93 && (unsigned char)s[2] <= 0x95);
}

static int tok_is_punct(const qctx *x, size_t i, char c)
{
    return x->tk[i].end - x->tk[i].start == 1 && x->d->text[x->tk[i].start] == c;
}

/* Is the word capitalised (first letter upper case)? */
static int word_cap(const char *s, size_t l)
{
    size_t k = 0;
    int32_t c = dl_utf8_next(s, l, &k);
    if (c < 0x80) return c >= 'A' && c <= 'Z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LU ||
           utf8proc_category(c) == UTF8PROC_CATEGORY_LT;
}

static int word_lower(const char *s, size_t l)
{
    size_t k = 0;
    int32_t c = dl_utf8_next(s, l, &k);
    if (c < 0x80) return c >= 'a' && c <= 'z';
    return utf8proc_category(c) == UTF8PROC_CATEGORY_LL;
}

/* The length of a word with a possessive 's / ’s cut off (l if none). */
static inline size_t np_len(const char *s, size_t l)
{
    if (l > 2 && (s[l - 1] == 's' || s[l - 1] == 'S') && s[l - 2] == '\'') return l - 2;
    if (l > 4 && (s[l - 1] == 's') && (unsigned char)s[l - 2] == 0x99 &&
        (unsigned char)s[l - 3] == 0x80 && (unsigned char)s[l - 4] == 0xE2)
        return l - 4;
    return l;
}

/* The hash of a word with a possessive 's / ’s cut off. */
static uint64_t word_hash_np(const char *s, size_t l, int *poss)
{
    size_t lp = np_len(s, l);
    *poss = lp != l;
    return dl_qlex_hash(s, lp);
}

/* Normalised title hash: Sen. and Senator are one title. */
static uint64_t title_norm(uint64_t h)
{
    static struct { const char *a, *b; } const AL[] = {
        {"sen", "senator"}, {"gov", "governor"}, {"rep", "representative"},
        {"pres", "president"}, {"gen", "general"}, {"prof", "professor"},
        {"rev", "reverend"}, {"capt", "captain"}, {"col", "colonel"},
        {"congressman", "representative"}, {"congresswoman", "representative"},
    };
    for (size_t i = 0; i < DL_ARRAY_LEN(AL); i++)
        if (h == dl_qlex_hash(AL[i].a, strlen(AL[i].a))) return dl_qlex_hash(AL[i].b, strlen(AL[i].b));
    return h;
}

/* Token classes, hashes and sentences (after fill_sentences), in one pass;
 * notes the speech verbs (QL_SPEECH) in x->speech. */
static int fill_tokens(qctx *x)
{
    x->ti = dl_malloc((x->nt + 1) * sizeof *x->ti);
    if (!x->ti) return DL_ENOMEM;
    memset(&x->ti[x->nt], 0, sizeof *x->ti);
    dl_qlex_init();
    size_t qi = 0, sn = 0;
    for (size_t i = 0; i < x->nt; i++) {
        tinfo *t = &x->ti[i];
        size_t l;
        const char *s = tok_text(x, i, &l);
        t->run = -1;
        t->flags = 0;
        while (sn + 1 < x->ns && x->tk[i].start >= x->sents[sn + 1].start) sn++;
        t->sent = (uint32_t)sn;
        if (x->sent_tok0[sn] == x->nt) x->sent_tok0[sn] = (uint32_t)i;
        if (x->tk[i].kind == DL_TOK_WORD) {
            /* the word's hash and, in the same pass, that of the word
             * without a possessive 's / ’s (word_hash_np) */
            size_t lp = np_len(s, l);
            uint64_t hp;
            t->h = dl_qlex_hash2(s, l, lp, &hp, x->d->len - x->tk[i].start);
            t->flags |= TF_WORD;
            if (word_cap(s, l)) t->flags |= TF_CAP;
            else if (word_lower(s, l)) t->flags |= TF_LOWER;
            t->bits = dl_qlex_bits_ready(hp);
        } else {
            t->h = dl_qlex_hash_in(s, l, x->d->len - x->tk[i].start);
            t->bits = dl_qlex_bits_ready(t->h);
        }
        while (qi < x->q.n && x->q.v[qi].e <= x->tk[i].start) qi++;
        if (qi < x->q.n && x->tk[i].start >= x->q.v[qi].s && x->tk[i].start < x->q.v[qi].e)
            t->flags |= TF_INQ;
        if ((t->bits & QL_SPEECH) && dl_vec_push(&x->speech, (uint32_t)i)) return DL_ENOMEM;
    }
    return DL_OK;
}

/* ------------------------------------------------------------ sentences */

static int abbrev_before(const char *t, size_t dot)
{
    size_t b = dot;
    while (b > 0 && (is_alnum_c((unsigned char)t[b - 1]) || t[b - 1] == '.')) b--;
    size_t l = dot - b;
    if (l == 0) return 0;
    if (l == 1) return t[b] >= 'A' && t[b] <= 'Z'; /* an initial */
    if (memchr(t + b, '.', l)) return 1;            /* U.S. */
    static const char *const A[] = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "st",
                                    "jr", "sr", "gen", "col", "lt", "capt", "prof", "rev",
                                    "mt", "no", "vs", "sgt", "adm", "pres", "ft", "inc",
                                    "co", "corp", "jan", "feb", "aug", "sept", "oct",
                                    "nov", "dec", "ave", "gens", "reps", "sens", "messrs"};
    for (size_t i = 0; i < DL_ARRAY_LEN(A); i++)
        if (strlen(A[i]) == l && strncasecmp(t + b, A[i], l) == 0) return 1;
    return 0;
}

/* Own sentence split when the sentence stage left none: at line breaks and
 * at . ! ? (plus closing marks) before white space and a capital, a digit or
 * an opening mark, abbreviations aside. */
static int split_sentences(const dl_doc *d, dl_spanvec *out)
{
    const char *t = d->text;
    size_t n = d->len, s = 0;
    for (size_t i = 0; i <= n; i++) {
        int cut = 0;
        size_t end = i;
        if (i == n || t[i] == '\n') cut = 1;
        else if (t[i] == '.' || t[i] == '!' || t[i] == '?') {
            size_t j = i + 1;
            while (j < n && (t[j] == '"' || t[j] == '\'' || t[j] == ')' ||
                             ((unsigned char)t[j] == 0xE2 && j + 2 < n &&
                              (unsigned char)t[j + 1] == 0x80 &&
                              ((unsigned char)t[j + 2] == 0x9D || (unsigned char)t[j + 2] == 0x99))))
                j += (unsigned char)t[j] == 0xE2 ? 3 : 1;
            if (j < n && (t[j] == ' ' || t[j] == '\t')) {
                size_t k = j;
                while (k < n && (t[k] == ' ' || t[k] == '\t')) k++;
                unsigned char c = k < n ? (unsigned char)t[k] : 0;
                int starts = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '"' ||
                             c == '\'' || c == 0xE2 || c == '(' || c >= 0xC3;
                if (starts && !(t[i] == '.' && abbrev_before(t, i))) {
                    cut = 1;
                    end = j;
                }
            }
        }
        if (!cut) continue;
        size_t a = s, b = end;
        while (a < b && (t[a] == ' ' || t[a] == '\t' || t[a] == '\r' || t[a] == '\n')) a++;
        while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\r')) b--;
        if (b > a && dl_vec_push(out, ((dl_span){(uint32_t)a, (uint32_t)b})))
            return DL_ENOMEM;
        s = end;
        if (end > i) i = end - 1;
    }
    return DL_OK;
}

static int fill_sentences(qctx *x, dl_spanvec *own)
{
    if (x->d->sents.n) {
        x->sents = x->d->sents.v;
        x->ns = x->d->sents.n;
    } else {
        if (split_sentences(x->d, own)) return DL_ENOMEM;
        x->sents = own->v;
        x->ns = own->n;
    }
    x->sent_tok0 = dl_malloc((x->ns + 1) * sizeof *x->sent_tok0);
    x->topic_c = dl_malloc((x->ns + 1) * sizeof *x->topic_c);
    x->topic_r = dl_malloc((x->ns + 1) * sizeof *x->topic_r);
    x->topic_e = dl_malloc((x->ns + 1) * sizeof *x->topic_e);
    if (!x->sent_tok0 || !x->topic_c || !x->topic_r || !x->topic_e) return DL_ENOMEM;
    for (size_t s = 0; s <= x->ns; s++) {
        x->sent_tok0[s] = (uint32_t)x->nt;
        x->topic_c[s] = x->topic_e[s] = x->topic_r[s] = -1;
    }
    return DL_OK; /* fill_tokens gives each token its sentence */
}

/* ------------------------------------------------------------- names */

static int is_title_tok(const qctx *x, size_t i)
{
    return (x->ti[i].bits & QL_TITLE) && (x->ti[i].flags & TF_CAP);
}

/* Builds the capitalised runs and clusters them. */
static int find_runs(qctx *x)
{
    hmap m;
    if (hmap_init(&m, x->nt / 2 + 16)) return DL_ENOMEM;
    int rc = DL_OK;
    size_t i = 0;
    while (i < x->nt) {
        if (!(x->ti[i].flags & TF_CAP)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < x->nt) {
            const dl_token *p = &x->tk[j - 1], *c = &x->tk[j];
            int attached = c->start == p->end;
            if (x->ti[j].flags & TF_CAP) {
                /* a capital after a comma or other punct is not in the run */
                j++;
                continue;
            }
            if (attached && tok_is_punct(x, j, '.') && j + 1 <= x->nt &&
                (x->tk[j - 1].end - x->tk[j - 1].start <= 2 || is_title_tok(x, j - 1)) &&
                (x->ti[j - 1].flags & TF_CAP)) {
                if (j + 1 < x->nt && (x->ti[j + 1].flags & TF_CAP)) {
                    j++;
                    continue;
                }
                break;
            }
            if (attached && tok_is_punct(x, j, '-') && j + 1 < x->nt &&
                x->tk[j + 1].start == c->end && (x->ti[j + 1].flags & TF_CAP)) {
                j += 2;
                continue;
            }
            if ((x->ti[j].bits & QL_PARTICLE) && (x->ti[j].flags & TF_LOWER) && j + 1 < x->nt &&
                (x->ti[j + 1].flags & TF_CAP) && !(x->ti[j + 1].bits & QL_STOP)) {
                j += 2;
                continue;
            }
            break;
        }
        /* run [i, j): drop leading function words and time words */
        size_t a = i;
        while (a < j && ((x->ti[a].bits & (QL_STOP | QL_TIME)) || !(x->ti[a].flags & TF_WORD)) &&
               !is_title_tok(x, a))
            a++;
        /* the name starts after the last title */
        size_t tt = NONE_U32;
        for (size_t k = a; k < j; k++)
            if (is_title_tok(x, k) && k + 1 < j) tt = k;
        size_t n0 = tt == NONE_U32 ? a : tt + 1;
        while (n0 < j && !(x->ti[n0].flags & TF_WORD)) n0++;
        if (tt != NONE_U32 && (x->ti[tt].bits & QL_TITLE_KEEP)) n0 = tt;
        /* cut a trailing "." or "-" */
        size_t n1 = j;
        while (n1 > n0 && !(x->ti[n1 - 1].flags & TF_WORD)) n1--;
        if (n1 > n0 && n1 - n0 <= 8) {
            nrun r = {0};
            r.t0 = (uint32_t)n0, r.t1 = (uint32_t)n1;
            r.tm = (uint32_t)(tt != NONE_U32 ? tt : n0);
            r.ms = x->tk[r.tm].start;
            r.s = x->tk[n0].start;
            r.e = x->tk[n1 - 1].end;
            r.next = -1;
            size_t l;
            const char *ls = tok_text(x, n1 - 1, &l);
            int poss = 0;
            word_hash_np(ls, l, &poss);
            if (poss) {
                r.possessive = 1;
                r.e -= ls[l - 2] == '\'' ? 2 : 4;
            }
            r.in_quote = (x->ti[n0].flags & TF_INQ) != 0;
            if (tt != NONE_U32) {
                r.title_h = title_norm(x->ti[tt].h);
                r.gender = x->ti[tt].bits & (QL_MALE | QL_FEMALE);
                r.personish = 1;
            }
            /* the words of the name: kept titles and punctuation aside */
            uint64_t full = 1469598103934665603ull, first = 0, last = 0;
            int nw = 0;
            for (size_t k = n0; k < n1; k++) {
                if (!(x->ti[k].flags & TF_WORD) || (x->ti[k].bits & QL_TITLE_KEEP && k == tt))
                    continue;
                size_t wl;
                const char *ws = tok_text(x, k, &wl);
                int p2;
                uint64_t h = word_hash_np(ws, wl, &p2);
                if (!nw) first = h;
                last = h;
                full = mix(full ^ h, 7);
                nw++;
            }
            if (nw && (x->ti[n0 + (x->ti[n0].bits & QL_TITLE_KEEP && n0 == tt)].bits & QL_FIRST) &&
                !r.gender) {
                unsigned b = dl_qlex_bits_h(first);
                unsigned g = b & (QL_MALE | QL_FEMALE);
                if (g != (QL_MALE | QL_FEMALE)) r.gender = g;
            }
            if (nw && (dl_qlex_bits_h(first) & QL_FIRST) && nw >= 2) r.personish = 1;
            if (nw == 0) goto next;
            /* cluster */
            int c = -1;
            uint64_t keepfirst = tt != NONE_U32 && (x->ti[tt].bits & QL_TITLE_KEEP)
                                     ? mix(first ^ x->ti[tt].h, K_KEEPFIRST) : 0;
            if (nw >= 2) {
                c = hmap_get(&m, mix(full, K_FULL));
                if (c < 0) {
                    int c2 = hmap_get(&m, mix(last, K_LAST));
                    if (c2 >= 0 && x->cl.v[c2].first_h == first) c = c2;
                }
                if (c < 0) c = hmap_get(&m, mix(last, K_SINGLE));
            } else {
                if (keepfirst) c = hmap_get(&m, keepfirst);
                if (c < 0) c = hmap_get(&m, mix(last, K_LAST));
                if (c < 0) c = hmap_get(&m, mix(last, K_SINGLE));
                if (c < 0 && (dl_qlex_bits_h(first) & QL_FIRST)) c = hmap_get(&m, mix(first, K_FIRST));
            }
            if (c >= 0 && r.gender && x->cl.v[c].gender && r.gender != x->cl.v[c].gender &&
                nw == 1)
                c = -1; /* Mrs Clinton is not Bill Clinton */
            if (c < 0) {
                cluster nc = {(int)x->runs.n, (int)x->runs.n, (int)x->runs.n, nw, first, 0, 0, -1};
                if ((rc = dl_vec_push(&x->cl, nc))) goto out;
                c = (int)x->cl.n - 1;
            } else {
                cluster *cc = &x->cl.v[c];
                x->runs.v[cc->tail].next = (int)x->runs.n;
                cc->tail = (int)x->runs.n;
                if (nw > cc->nwords) {
                    cc->nwords = nw;
                    cc->best = (int)x->runs.n;
                    cc->first_h = first;
                }
            }
            r.cluster = c;
            cluster *cc = &x->cl.v[c];
            if (r.gender && !cc->gender) cc->gender = r.gender;
            cc->personish |= r.personish;
            hmap_put(&m, mix(full, K_FULL), c);
            if (nw >= 2) {
                hmap_put(&m, mix(last, K_LAST), c);
                hmap_put(&m, mix(first, K_FIRST), c);
            } else if (hmap_get(&m, mix(last, K_SINGLE)) < 0) {
                hmap_put(&m, mix(last, K_SINGLE), c);
            }
            if (keepfirst) hmap_put(&m, keepfirst, c);
            if ((rc = dl_vec_push(&x->runs, r))) goto out;
            for (size_t k = r.tm; k < n1; k++) x->ti[k].run = (int)x->runs.n - 1;
        }
    next:
        i = j;
    }
out:
    hmap_free(&m);
    return rc;
}

/* ------------------------------------------------------------- subjects */

enum { S_NONE = 0, S_RUN, S_PRON, S_NOMINAL, S_OTHER };

typedef struct subj {
    int kind;
    int run;          /* S_RUN */
    unsigned gender;  /* S_PRON: QL_MALE / QL_FEMALE, 0 for they/we/I */
    uint32_t head;    /* S_NOMINAL: the role noun token */
    uint32_t start;   /* first token of the subject phrase */
} subj;

static int is_pron(const qctx *x, size_t i, unsigned *g)
{
    if (tok_is(x, i, "he")) return *g = QL_MALE, 1;
    if (tok_is(x, i, "she")) return *g = QL_FEMALE, 1;
    if (tok_is(x, i, "they") || tok_is(x, i, "we") || tok_is(x, i, "i") || tok_is(x, i, "it") ||
        tok_is(x, i, "you"))
        return *g = 0, 1;
    return 0;
}

static int is_det(const qctx *x, size_t i)
{
    static const char *const D[] = {"the", "a", "an", "this", "that", "his", "her", "their",
                                    "its", "our", "one", "another", "whose"};
    for (size_t k = 0; k < DL_ARRAY_LEN(D); k++)
        if (tok_is(x, i, D[k])) return 1;
    return 0;
}

/* A word that starts a clause: the words after it are not a subject's
 * modifiers. */
static int is_conj(const qctx *x, size_t i)
{
    static const char *const C[] = {"and", "but", "or", "that", "which", "who", "when",
                                    "while", "if", "because", "although", "though", "where",
                                    "until", "so", "then", "as", "he", "she", "they", "we",
                                    "i", "it", "you", "this", "there"};
    for (size_t k = 0; k < DL_ARRAY_LEN(C); k++)
        if (tok_is(x, i, C[k])) return 1;
    return 0;
}

static int is_adverb(const qctx *x, size_t i)
{
    size_t l;
    const char *w = tok_text(x, i, &l);
    return (x->ti[i].flags & TF_LOWER) && l > 3 && w[l - 2] == 'l' && w[l - 1] == 'y';
}

/* A preposition proper (not a conjunction, "as" or a verb of the list). */
static int is_true_prep(const qctx *x, size_t i)
{
    static const char *const P[] = {"to", "with", "by", "from", "for", "about", "against",
                                    "in", "on", "at", "into", "via", "including", "than",
                                    "like", "unlike", "over",
                                    "under", "between", "among", "toward", "towards", "of"};
    if (!(x->ti[i].bits & QL_PREP)) return 0;
    for (size_t k = 0; k < DL_ARRAY_LEN(P); k++)
        if (tok_is(x, i, P[k])) return 1;
    return 0;
}

/* The subject of the verb at v, read backwards, not before token lo. */
static subj subject_before(const qctx *x, size_t v, size_t lo)
{
    subj s = {0};
    if (v <= lo) return s;
    size_t j = v - 1;
    int skips = 0;
    for (;;) {
        const tinfo *t = &x->ti[j];
        size_t l;
        const char *w = tok_text(x, j, &l);
        int adv = (t->flags & TF_LOWER) && l > 3 && w[l - 2] == 'l' && w[l - 1] == 'y';
        int skippable = ((t->bits & (QL_AUX | QL_TIME)) && !(t->bits & QL_TITLE) &&
                         t->run < 0) || adv || x->tk[j].kind == DL_TOK_NUMBER;
        /* "X was prompted to say", "X went on to say" */
        if (!skippable && j + 1 == v && tok_is(x, j, "to") && j > lo + 1 &&
            (x->ti[j - 1].flags & TF_LOWER) && !(x->ti[j - 1].bits & QL_SPEECH)) {
            size_t k = j - 1;
            if ((x->ti[k].bits & QL_PREP) && k > lo + 1) k--; /* went on to */
            if (x->ti[k].flags & TF_LOWER) {
                j = k;
                skips++;
                skippable = 1;
            }
        }
        if (skippable && j > lo && skips < 6) {
            j--, skips++;
            continue;
        }
        /* "(D-Md.)" after a name */
        if (tok_is_punct(x, j, ')') && j > lo + 1 && skips < 8) {
            size_t k = j - 1, lim = j > lo + 12 ? j - 12 : lo;
            while (k > lim && !tok_is_punct(x, k, '(')) k--;
            if (!tok_is_punct(x, k, '(') || k <= lo) return s;
            j = k - 1;
            skips += 2;
            continue;
        }
        /* an apposition: ", a pollster," or "– who backs X –" */
        int comma = tok_is_punct(x, j, ','), dash = tok_is_dash(x, j);
        if ((comma || dash) && j > lo + 1 && skips < 8) {
            size_t k = j - 1, lim = j > lo + 45 ? j - 45 : lo;
            int found = 0;
            while (k > lim) {
                if ((comma && tok_is_punct(x, k, ',')) || (dash && tok_is_dash(x, k))) {
                    found = 1;
                    break;
                }
                if (tok_is_punct(x, k, '.') && !(x->ti[k - 1].flags & TF_CAP)) break;
                k--;
            }
            if (!found || k <= lo) return s;
            /* "his wife, Gabriela Lazar, wrote": the name in the apposition */
            int r = x->ti[k + 1].run;
            if (r >= 0 && x->runs.v[r].tm == k + 1 && x->runs.v[r].t1 == j &&
                !x->runs.v[r].possessive && k > lo && (x->ti[k - 1].flags & TF_LOWER)) {
                size_t np = k; /* "the Vatican spokesman, Federico Lombardi," */
                while (np > lo && k - np < 6 && (x->ti[np - 1].flags & TF_WORD) &&
                       !(x->ti[np - 1].bits & (QL_PREP | QL_SPEECH)))
                    np--;
                s.kind = S_RUN, s.run = r, s.start = (uint32_t)np;
                return s;
            }
            j = k - 1;
            skips += 2;
            continue;
        }
        break;
    }
    unsigned g;
    if (x->ti[j].run >= 0) {
        const nrun *r = &x->runs.v[x->ti[j].run];
        /* "a source speaking to Fox News said": not the subject */
        if (r->tm > lo && is_true_prep(x, r->tm - 1) && !tok_is(x, r->tm - 1, "of")) {
            s.kind = S_OTHER, s.start = r->tm - 1; /* someone the text does not name */
            return s;
        }
        if (r->t1 - 1 == j && !r->possessive) {
            s.kind = S_RUN;
            s.run = x->ti[j].run;
            s.start = r->tm;
            /* "Jeb Bush of Florida said": the person, not the place */
            if (r->tm >= lo + 2 && tok_is(x, r->tm - 1, "of") && x->ti[r->tm - 2].run >= 0) {
                const nrun *p = &x->runs.v[x->ti[r->tm - 2].run];
                if (p->t1 == r->tm - 1 && !p->possessive && x->cl.v[p->cluster].personish &&
                    p->tm >= lo) {
                    s.run = x->ti[r->tm - 2].run;
                    s.start = p->tm;
                }
            }
        }
        return s;
    }
    if (is_pron(x, j, &g)) {
        s.kind = S_PRON;
        s.gender = g;
        s.start = (uint32_t)j;
        return s;
    }
    if (x->ti[j].flags & TF_LOWER) {
        /* a noun phrase: "the US president", "a White House spokesman" */
        size_t k = j;
        for (int n = 0; n < 6 && k > lo; n++) {
            if (is_det(x, k - 1) ||
                (x->ti[k - 1].run >= 0 && x->runs.v[x->ti[k - 1].run].possessive)) {
                s.kind = (x->ti[j].bits & QL_ROLE) ? S_NOMINAL : S_OTHER;
                s.head = (uint32_t)j;
                s.start = (uint32_t)(k - 1);
                return s;
            }
            if (!(x->ti[k - 1].flags & TF_WORD) && !tok_is_dash(x, k - 1)) break;
            k--;
        }
        if (x->ti[j].bits & QL_ROLE) { /* "Republican strategist said" */
            s.kind = S_NOMINAL;
            s.head = (uint32_t)j;
            s.start = (uint32_t)k;
        }
    }
    return s;
}

static int opens_with_person(const qctx *x, size_t i);

/* The subject after the verb at v ("said Geoff Garin", "said the ambassador"),
 * not reaching token hi. */
static subj subject_after(const qctx *x, size_t v, size_t hi)
{
    subj s = {0};
    size_t k = v + 1;
    if (tok_is(x, v, "according")) {
        if (k >= hi || !tok_is(x, k, "to")) return s;
        k++;
    }
    if (k >= hi) return s;
    unsigned g;
    if (is_pron(x, k, &g) && !tok_is(x, k, "it") && !tok_is(x, k, "you")) {
        s.kind = S_PRON, s.gender = g, s.start = (uint32_t)k;
        return s;
    }
    {
        uint32_t head = NONE_U32;
        int det = is_det(x, k);
        for (size_t j = k + det; j < hi && j < k + 10;) {
            int r = x->ti[j].run;
            if (r >= 0 && x->runs.v[r].tm == j) {
                /* "said Acme's chief Jo Bloggs", "said Erie-based lawyer Jo
                 * Bloggs": a possessive or "-based" name modifies the next */
                const nrun *n = &x->runs.v[r];
                size_t e = n->t1;
                int based = e + 1 < hi && tok_is_dash(x, e) && x->tk[e].start == x->tk[e - 1].end &&
                            (x->ti[e + 1].flags & TF_LOWER);
                if (!n->possessive && !based) {
                    /* "said Republican strategist Jo Bloggs": a name that
                     * modifies a role noun before another name */
                    size_t m = e;
                    uint32_t role = NONE_U32;
                    while (m < hi && m < e + 4 &&
                           (((x->ti[m].flags & TF_LOWER) &&
                             !(x->ti[m].bits & (QL_PREP | QL_SPEECH | QL_AUX | QL_TIME | QL_STOP)) &&
                             !is_conj(x, m) && !is_adverb(x, m)) ||
                            (m > e && tok_is_dash(x, m) && x->tk[m].start == x->tk[m - 1].end))) {
                        if ((x->ti[m].bits & QL_ROLE) && role == NONE_U32) role = (uint32_t)m;
                        m++;
                    }
                    if (m > e) {
                        /* the name after the role: "Pentagon spokesman Navy
                         * Capt. Jo Bloggs", "a Twitter user, Jo Bloggs" */
                        size_t n2 = m < hi && tok_is_punct(x, m, ',') ? m + 1 : m;
                        while (n2 < hi && n2 < m + 4 && (x->ti[n2].flags & TF_CAP) &&
                               x->ti[n2].run < 0)
                            n2++;
                        if (n2 < hi && x->ti[n2].run >= 0 && x->runs.v[x->ti[n2].run].tm == n2 &&
                            !x->runs.v[x->ti[n2].run].possessive &&
                            (n2 == m || opens_with_person(x, n2))) {
                            s.kind = S_RUN, s.run = x->ti[n2].run, s.start = (uint32_t)k;
                            return s;
                        }
                        /* "said a Clinton aide", "said the Trump campaign": the
                         * name only qualifies a common noun */
                        if (role != NONE_U32) s.kind = S_NOMINAL, s.head = role;
                        else s.kind = S_OTHER;
                        s.start = (uint32_t)k;
                        return s;
                    }
                    s.kind = S_RUN, s.run = r, s.start = (uint32_t)k;
                    return s;
                }
                j = based ? e + 2 : e;
                continue;
            }
            /* "said Acme's campaign manager, Jo Bloggs," */
            if (head != NONE_U32 && tok_is_punct(x, j, ',') && j + 1 < hi &&
                x->ti[j + 1].run >= 0 && x->runs.v[x->ti[j + 1].run].tm == j + 1) {
                j++;
                continue;
            }
            /* "said 9/11 widow Jo Bloggs", "said UC-AFT President Jo Bloggs" */
            if (x->tk[j].kind == DL_TOK_NUMBER ||
                ((tok_is_dash(x, j) || tok_is_punct(x, j, '/')) && j > k &&
                 x->tk[j].start == x->tk[j - 1].end)) {
                j++;
                continue;
            }
            if (!(x->ti[j].flags & TF_WORD) || (x->ti[j].bits & QL_PREP) || is_conj(x, j))
                break;
            if ((x->ti[j].bits & QL_ROLE) && head == NONE_U32) head = (uint32_t)j;
            j++;
        }
        if (head != NONE_U32) {
            s.kind = S_NOMINAL, s.head = head, s.start = (uint32_t)k;
            return s;
        }
        if (det) s.kind = S_OTHER, s.start = (uint32_t)k;
    }
    return s;
}

/* ----------------------------------------------------------- resolution */

static unsigned gender_of_ent(const qctx *x, int e)
{
    const char *n = x->d->ents.v[e].name;
    size_t l = strcspn(n, " ");
    unsigned b = dl_qlex_bits(n, l);
    if ((b & QL_TITLE_KEEP) && n[l]) {
        unsigned g = b & (QL_MALE | QL_FEMALE);
        if (g) return g;
    }
    b &= QL_MALE | QL_FEMALE;
    return b == (QL_MALE | QL_FEMALE) ? 0 : b;
}

static int em_cmp(const void *a, const void *b)
{
    const struct emention *p = a, *q = b;
    return p->s < q->s ? -1 : p->s > q->s;
}

/* The tagger's entity with a mention overlapping [s, e), or -1. */
static int ent_at(const qctx *x, uint32_t s, uint32_t e)
{
    size_t lo = 0, hi = x->em.n;
    while (lo < hi) { /* first mention starting at or after e */
        size_t mid = (lo + hi) / 2;
        if (x->em.v[mid].s < e) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = lo, n = 0; k > 0 && n < 8; k--, n++)
        if (x->em.v[k - 1].e > s) return x->em.v[k - 1].ent;
    return -1;
}

/* Index of the first tagger mention starting at or after e. */
static size_t em_after(const qctx *x, uint32_t e)
{
    size_t lo = 0, hi = x->em.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->em.v[mid].s < e) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int looks_org(const qctx *x, const nrun *r)
{
    for (size_t k = r->t0; k < r->t1; k++)
        if ((x->ti[k].bits & QL_ORG) && !(x->ti[k].bits & QL_FIRST)) return 1;
    return 0;
}

/* The words of a name, as hashes (lower case, possessive and final periods
 * off, kept titles such as Sir left out). */
enum { NAME_MAXW = 12 };
typedef struct namew {
    uint64_t h[NAME_MAXW];
    uint8_t namelike[NAME_MAXW]; /* capitalised, not a title, function or org word */
    int n;
} namew;

static void namew_add(namew *w, const char *s, size_t l)
{
    while (l > 0 && s[l - 1] == '.') l--;
    if (!l || w->n >= NAME_MAXW) return;
    int poss;
    uint64_t h = word_hash_np(s, l, &poss);
    unsigned b = dl_qlex_bits_h(h);
    if (b & QL_TITLE_KEEP) return;
    w->namelike[w->n] = word_cap(s, l) && !(b & (QL_TITLE | QL_STOP | QL_ORG | QL_TIME));
    w->h[w->n++] = h;
}

/* Words of the run r's name. */
static void run_words(const qctx *x, const nrun *r, namew *w)
{
    w->n = 0;
    for (size_t k = r->t0; k < r->t1; k++) {
        if (!(x->ti[k].flags & TF_WORD)) continue;
        size_t l;
        const char *s = tok_text(x, k, &l);
        namew_add(w, s, l);
    }
}

/* Words of an entity's canonical name (split at spaces). */
static void name_words_of(const char *n, namew *w)
{
    w->n = 0;
    while (*n) {
        while (*n == ' ') n++;
        size_t l = strcspn(n, " ");
        if (l) namew_add(w, n, l);
        n += l;
    }
}

static int namew_has(const namew *w, uint64_t h)
{
    for (int i = 0; i < w->n; i++)
        if (w->h[i] == h) return 1;
    return 0;
}

/* How well an entity name e names the person whose fullest form in the
 * article is c: 3 the same words; 2 a part holding the surname ("Sanders"
 * for "Bernie Sanders") or a fuller form whose extra words are name words
 * ("Gao Junlan" for "Gao"); 0 otherwise: a first name alone ("Bernie"),
 * or a span that took in other words ("Senator Ann Bell of Ohio", "Trump
 * is"), which would name the speaker wrongly. */
static int name_agree(const namew *c, const namew *e)
{
    if (!c->n || !e->n) return 0;
    int e_in_c = 1, c_in_e = 1;
    for (int i = 0; i < e->n && e_in_c; i++) e_in_c = namew_has(c, e->h[i]);
    for (int i = 0; i < c->n && c_in_e; i++) c_in_e = namew_has(e, c->h[i]);
    if (e_in_c && c_in_e) return 3;
    if (e_in_c) return namew_has(e, c->h[c->n - 1]) ? 2 : 0;
    if (c_in_e) {
        for (int i = 0; i < e->n; i++)
            if (!namew_has(c, e->h[i]) && !e->namelike[i]) return 0;
        return 2;
    }
    return 0;
}

/* The entity of cluster c: the tagger's entity that its mentions overlap
 * and whose canonical name agrees with the cluster's fullest form (the
 * tagger may cut "Bernie" out of "Bernie Sanders", or stretch a span over
 * a title or a verb: such an entity would name the speaker wrongly), else
 * an entity of the same name, else a new entity appended to d->ents.
 * -1 never; -2 on OOM. */
static int materialise(qctx *x, int c)
{
    cluster *cl = &x->cl.v[c];
    if (cl->ent >= 0) return cl->ent;
    dl_doc *d = x->d;
    const nrun *b = &x->runs.v[cl->best];
    namew cw;
    run_words(x, b, &cw);
    /* candidates: entities of the tagger mentions the cluster's runs overlap */
    enum { NCAND = 16 };
    int ce[NCAND], cn[NCAND], nc = 0, nruns = 0;
    for (int r = cl->head; r >= 0 && nruns < 256; r = x->runs.v[r].next, nruns++) {
        const nrun *rr = &x->runs.v[r];
        size_t k = em_after(x, rr->e);
        for (size_t n = 0; k > 0 && n < 8; k--, n++) {
            const struct emention *m = &x->em.v[k - 1];
            if (m->e <= rr->s) continue;
            int j = 0;
            while (j < nc && ce[j] != m->ent) j++;
            if (j == nc) {
                if (nc == NCAND) continue;
                ce[nc] = m->ent, cn[nc++] = 0;
            }
            cn[j]++;
        }
    }
    int best = -1;
    long bscore = 0;
    for (int j = 0; j < nc; j++) {
        const dl_entity *e = &d->ents.v[ce[j]];
        namew ew;
        name_words_of(e->name, &ew);
        int ag = name_agree(&cw, &ew);
        if (ag < 2) continue;
        int typed = (e->type == DL_PERSON) == (cl->personish || !looks_org(x, b));
        long score = (long)ag * 1000000 + typed * 100000 + (long)cn[j] * 64 + ew.n;
        if (score > bscore) bscore = score, best = ce[j];
    }
    if (best >= 0) return cl->ent = best;
    /* the canonical name: the fullest form's words, single-spaced */
    char buf[256];
    size_t bl = 0;
    for (size_t k = b->t0; k < b->t1 && bl < sizeof buf - 64; k++) {
        size_t l;
        const char *w = tok_text(x, k, &l);
        if (k == b->t1 - 1 && b->possessive) l -= (w[l - 2] == '\'') ? 2 : 4;
        if (l > 60) l = 60;
        int glue = k > b->t0 && x->tk[k].start == x->tk[k - 1].end;
        if (bl && !glue) buf[bl++] = ' ';
        memcpy(buf + bl, w, l);
        bl += l;
    }
    buf[bl] = 0;
    /* an entity of the same name elsewhere in the article (bounded scan) */
    if (x->n_ents_orig < 4000) {
        for (size_t i = 0; i < x->n_ents_orig; i++) {
            const dl_entity *e = &d->ents.v[i];
            size_t el = strlen(e->name);
            if (el == bl && strncasecmp(e->name, buf, bl) == 0) return cl->ent = (int)i;
            if (e->type != DL_PERSON || !(cl->personish || !looks_org(x, b))) continue;
            namew ew;
            name_words_of(e->name, &ew);
            if (name_agree(&cw, &ew) >= 2) return cl->ent = (int)i;
        }
    }
    size_t nm = 0;
    for (int r = cl->head; r >= 0; r = x->runs.v[r].next) nm++;
    dl_entity ne = {0};
    ne.name = dl_strndup(buf, bl);
    ne.mentions = dl_calloc(nm, sizeof *ne.mentions);
    if (!ne.name || !ne.mentions) goto oom;
    for (int r = cl->head; r >= 0; r = x->runs.v[r].next)
        ne.mentions[ne.n_mentions++] = (dl_span){x->runs.v[r].ms, x->runs.v[r].e};
    ne.type = (!cl->personish && looks_org(x, b)) ? DL_ORG : DL_PERSON;
    if (dl_vec_push(&d->ents, ne)) goto oom;
    return cl->ent = (int)d->ents.n - 1;
oom:
    free(ne.name);
    free(ne.mentions);
    return -2;
}

static int gender_ok(unsigned want, unsigned have)
{
    return !want || !have || want == have;
}

/* The sentence's topic: its first person-like run in subject position. */
static void fill_topics(qctx *x)
{
    for (size_t r = 0; r < x->runs.n; r++) {
        const nrun *n = &x->runs.v[r];
        uint32_t s = x->ti[n->t0].sent;
        if (x->topic_c[s] >= 0 || n->in_quote || n->possessive) continue;
        if (!x->cl.v[n->cluster].personish) continue;
        if (n->tm > 0 && (x->ti[n->tm - 1].bits & QL_PREP) &&
            x->ti[n->tm - 1].sent == s)
            continue;
        if (n->tm > 0 && is_det(x, n->tm - 1)) continue;
        x->topic_c[s] = n->cluster;
        x->topic_r[s] = (int)r;
    }
}

/* he/she at token p: the topic of the nearest earlier sentence that fits. */
static int resolve_pronoun(qctx *x, size_t p, unsigned g)
{
    if (!g) return -1;
    uint32_t S = x->ti[p].sent;
    /* "Sen. Ann Bell scolded him: “...,” she said": the same sentence's
     * subject, when it comes before the quote and the pronoun */
    int tr = x->topic_r[S];
    if (tr >= 0 && x->runs.v[tr].t1 <= p && x->runs.v[tr].t1 <= x->cur_open &&
        gender_ok(g, x->cl.v[x->topic_c[S]].gender)) {
        int e = materialise(x, x->topic_c[S]);
        return e >= -1 ? e : -2;
    }
    for (uint32_t k = 1; k <= 8 && k <= S; k++) {
        uint32_t s = S - k;
        if (x->topic_e[s] >= 0) {
            int e = x->topic_e[s];
            if (gender_ok(g, gender_of_ent(x, e))) return e;
            continue;
        }
        if (x->topic_c[s] >= 0 && gender_ok(g, x->cl.v[x->topic_c[s]].gender)) {
            int e = materialise(x, x->topic_c[s]);
            if (e >= -1) return e;
            return -2;
        }
    }
    return -1;
}

/* "the minister" at head token h: a person titled so earlier, else the
 * person nearest the word in the latest earlier sentence that has it. */
static int resolve_nominal(qctx *x, size_t h, size_t start)
{
    uint64_t hh = title_norm(word_hash_np(x->d->text + x->tk[h].start,
                                          x->tk[h].end - x->tk[h].start, &(int){0}));
    /* runs before the phrase, newest first */
    size_t lo = 0, hi = x->runs.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->runs.v[mid].tm < start) lo = mid + 1;
        else hi = mid;
    }
    for (size_t r = lo, n = 0; r > 0 && n < 400; r--, n++)
        if (x->runs.v[r - 1].title_h == hh) return materialise(x, x->runs.v[r - 1].cluster);
    uint32_t S = x->ti[h].sent;
    size_t budget = 4000;
    for (uint32_t k = 0; k <= 30 && k <= S && budget; k++) {
        uint32_t s = S - k;
        size_t t0 = x->sent_tok0[s];
        if (t0 >= x->nt) continue;
        for (size_t i = t0; i < x->nt && x->ti[i].sent == s && i < start && budget; i++, budget--) {
            if ((x->ti[i].flags & TF_INQ) || x->ti[i].h != x->ti[h].h) continue;
            /* the nearest person-like run of sentence s */
            int best = -1;
            size_t bd = SIZE_MAX;
            for (size_t j = t0; j < x->nt && x->ti[j].sent == s && budget; j++, budget--) {
                int r = x->ti[j].run;
                if (r < 0 || x->runs.v[r].tm != j || x->runs.v[r].in_quote) continue;
                if (!x->cl.v[x->runs.v[r].cluster].personish) continue;
                size_t dd = j > i ? j - i : i - j;
                if (dd < bd) bd = dd, best = r;
            }
            if (best >= 0) return materialise(x, x->runs.v[best].cluster);
            break;
        }
    }
    return -1;
}

/* The entity of a subject, -1 when the text does not say, -2 on OOM. */
static int resolve(qctx *x, const subj *s)
{
    switch (s->kind) {
    case S_RUN: return materialise(x, x->runs.v[s->run].cluster);
    case S_PRON: return resolve_pronoun(x, s->start, s->gender);
    case S_NOMINAL: return resolve_nominal(x, s->head, s->start);
    }
    return -1;
}

/* ------------------------------------------------------------ attribution */

typedef struct attr {
    int has;          /* an attribution was found */
    subj sb;
    uint32_t cue;     /* cue token, NONE_U32 */
    int speaker;      /* entity, -1 */
    int accepted;
} attr;

static size_t tok_at_or_after(const qctx *x, uint32_t off)
{
    size_t lo = 0, hi = x->nt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (x->tk[mid].start < off) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int is_speech(const qctx *x, size_t i)
{
    if (!(x->ti[i].bits & QL_SPEECH)) return 0;
    /* "According to X, “...”" opens sentences */
    if (tok_is(x, i, "according")) return i + 1 < x->nt && tok_is(x, i + 1, "to");
    if (!(x->ti[i].flags & TF_LOWER)) return 0;
    if (tok_is(x, i, "put")) return i + 1 < x->nt && tok_is(x, i + 1, "it"); /* as X put it */
    if (tok_is(x, i, "shot") || tok_is(x, i, "fired") || tok_is(x, i, "hit") ||
        tok_is(x, i, "shoots") || tok_is(x, i, "fires") || tok_is(x, i, "hits"))
        return i + 1 < x->nt && tok_is(x, i + 1, "back"); /* X shot back */
    return 1;
}

/* Are the tokens [a, b) a lead of modifiers before a name: words, names,
 * hyphens, possessives, numbers, "of", "for", "and" after a name; no verb of
 * saying, pronoun, clause word or punctuation that ends a phrase? */
static int lead_is_modifiers(const qctx *x, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        if (x->ti[k].run >= 0) continue;
        if (tok_is_dash(x, k) && k > a && x->tk[k].start == x->tk[k - 1].end) continue;
        if (x->tk[k].kind == DL_TOK_NUMBER || tok_is_punct(x, k, '$')) continue;
        if (tok_is(x, k, "'s") || tok_is(x, k, "\xE2\x80\x99s")) continue;
        if (!(x->ti[k].flags & TF_WORD)) {
            if (tok_is_punct(x, k, ',') && k + 1 < b && x->ti[k + 1].run >= 0) continue;
            return 0;
        }
        if (x->ti[k].bits & (QL_SPEECH | QL_AUX)) return 0;
        if (tok_is(x, k, "and")) {
            if (k > a && x->ti[k - 1].run >= 0) continue;
            return 0;
        }
        if (is_conj(x, k) || (is_det(x, k) && k > a)) return 0;
        if ((x->ti[k].bits & QL_PREP) && !tok_is(x, k, "of") && !tok_is(x, k, "for") &&
            !tok_is(x, k, "at"))
            return 0;
    }
    return 1;
}

/* Does a person's name (by the tagger, else by its form) start at token i? */
static int opens_with_person(const qctx *x, size_t i)
{
    int r = x->ti[i].run;
    if (r < 0 || x->runs.v[r].tm != i) return 0;
    const nrun *n = &x->runs.v[r];
    int e = ent_at(x, n->s, n->e);
    if (e >= 0) return x->d->ents.v[e].type == DL_PERSON;
    return x->cl.v[n->cluster].personish || (n->t1 - n->t0 >= 2 && !looks_org(x, n));
}

static subj clause_subject(const qctx *x, size_t lo, size_t v);

/* The cue after quote qi: ", he said", "said X", "X, an adviser, added". */
static int cue_after(const qctx *x, size_t qi, attr *a)
{
    const qcand *q = &x->q.v[qi];
    if (!q->closed) return 0;
    size_t a0 = tok_at_or_after(x, q->ce);
    uint32_t lim = qi + 1 < x->q.n ? x->q.v[qi + 1].ms : (uint32_t)x->d->len;
    int dashed = 0;
    /* a comma or dash, and stray closing marks: ''... 'a case,''' Jo said */
    while (a0 < x->nt && (tok_is_punct(x, a0, ',') || tok_is_dash(x, a0) ||
                          tok_is_punct(x, a0, '\'') || tok_is_punct(x, a0, '"') ||
                          tok_is(x, a0, "\xE2\x80\x99") || tok_is(x, a0, "\xE2\x80\x9D")))
        dashed |= tok_is_dash(x, a0), a0++;
    if (a0 >= x->nt || x->tk[a0].start >= lim) return 0;
    /* the same line */
    for (uint32_t b = q->ce; b < x->tk[a0].start; b++)
        if (x->d->text[b] == '\n') return 0;
    size_t hi = a0;
    while (hi < x->nt && hi < a0 + 45 && x->tk[hi].start < lim) {
        if (tok_is_punct(x, hi, '.') && hi > a0 && !(x->ti[hi - 1].flags & TF_CAP)) break;
        if (tok_is_punct(x, hi, '\n')) break;
        if (x->d->text[x->tk[hi].start] == '\n') break;
        hi++;
    }
    for (size_t v = a0; v < hi; v++) {
        if (!is_speech(x, v)) continue;
        subj s;
        if (v == a0) {
            s = subject_after(x, v, hi);
            /* "“...”, adding that ...": a participle continues the clause
             * before the quote, whose own cue names the speaker */
            size_t vl;
            const char *vw = tok_text(x, v, &vl);
            if (vl > 4 && !memcmp(vw + vl - 3, "ing", 3) && s.kind != S_RUN &&
                s.kind != S_NOMINAL)
                return 0;
        } else {
            s = subject_before(x, v, a0);
            /* "Texas delegate Bill Eastland said": modifiers before a name */
            int lead_ok = s.kind != S_NONE && s.start >= a0 &&
                          (s.start == a0 || (s.kind == S_RUN && s.start <= a0 + 5));
            for (size_t k = a0; lead_ok && k < s.start; k++)
                if ((!(x->ti[k].flags & TF_WORD) && x->ti[k].run < 0) ||
                    (x->ti[k].bits & (QL_SPEECH | QL_PREP | QL_AUX)) || is_conj(x, k))
                    lead_ok = 0;
            /* "...” and against the law, Clinton said.": a clause after a
             * comma that ends the sentence */
            if (!lead_ok && s.kind != S_NONE && s.kind != S_OTHER && s.start > a0 &&
                tok_is_punct(x, s.start - 1, ',') && v + 1 < x->nt &&
                (tok_is_punct(x, v + 1, '.') || v + 1 >= hi))
                lead_ok = 1;
            /* "CrowdStrike co-founder Jo Bloggs told", "Acme's chief of
             * staff, Jo Bloggs, told", "Jo Doe and Al Roe wrote": a name
             * right before the verb after a longer lead of modifiers */
            if (!lead_ok && s.kind == S_RUN && s.start >= a0 && s.start <= a0 + 12 &&
                lead_is_modifiers(x, a0, s.start))
                lead_ok = 1;
            /* "Jo Bloggs, 67, a retired nurse in Erie, Pa., said": the name
             * that opens the attribution, before its appositions */
            /* "“...” in the 2008 primary, said Jo Bloggs." */
            if (!lead_ok && (s.kind == S_NONE || s.kind == S_OTHER) && v > a0 &&
                tok_is_punct(x, v - 1, ',')) {
                subj s2 = subject_after(x, v, hi);
                if (s2.kind == S_RUN || s2.kind == S_NOMINAL) s = s2, lead_ok = 1;
            }
            if (!lead_ok && s.kind != S_PRON && s.kind != S_NOMINAL && opens_with_person(x, a0) &&
                x->runs.v[x->ti[a0].run].t1 < v &&
                (tok_is_punct(x, x->runs.v[x->ti[a0].run].t1, ',') ||
                 tok_is_punct(x, x->runs.v[x->ti[a0].run].t1, '(')) &&
                !x->runs.v[x->ti[a0].run].possessive &&
                (x->cl.v[x->runs.v[x->ti[a0].run].cluster].personish ||
                 !looks_org(x, &x->runs.v[x->ti[a0].run])) &&
                v - a0 <= 40) {
                s.kind = S_RUN, s.run = x->ti[a0].run, s.start = (uint32_t)a0;
                lead_ok = 1;
            }
            if (!lead_ok) {
                if (v - a0 > 2) return 0;
                continue;
            }
        }
        a->has = 1, a->sb = s, a->cue = (uint32_t)v;
        return 1;
    }
    /* “...” ― Carlos Ruiz: a name after a dash signs the quote */
    int r = x->ti[a0].run;
    if (dashed && r >= 0 && x->runs.v[r].tm == a0) {
        size_t e = x->runs.v[r].t1;
        if (e >= hi || tok_is_punct(x, e, '.') || tok_is_punct(x, e, ',')) {
            a->has = 1, a->sb.kind = S_RUN, a->sb.run = r, a->sb.start = (uint32_t)a0;
            return 1;
        }
    }
    return 0;
}

/* The subject of the clause [lo, v): its first person-like run not after a
 * preposition, else a he/she that opens it. */
static subj clause_subject(const qctx *x, size_t lo, size_t v)
{
    subj s = {0};
    for (size_t j = lo; j < v; j++) {
        unsigned g;
        if (is_pron(x, j, &g) && g) {
            s.kind = S_PRON, s.gender = g, s.start = (uint32_t)j;
            return s;
        }
        int r = x->ti[j].run;
        if (r < 0 || x->runs.v[r].tm != j) continue;
        const nrun *n = &x->runs.v[r];
        if (n->possessive || n->in_quote) continue;
        if (j > lo && ((x->ti[j - 1].bits & QL_PREP) || is_det(x, j - 1))) continue;
        if (!x->cl.v[n->cluster].personish && looks_org(x, n)) continue;
        if (n->t1 == n->t0 + 1 && !x->cl.v[n->cluster].personish) {
            /* "Appearing before ...", "Reluctantly, ...": a capitalised
             * participle or adverb opening the sentence is no name */
            size_t l;
            const char *w = tok_text(x, j, &l);
            if (l > 4 && (!memcmp(w + l - 3, "ing", 3) || !memcmp(w + l - 2, "ly", 2) ||
                          !memcmp(w + l - 2, "ed", 2)))
                continue;
        }
        s.kind = S_RUN, s.run = r, s.start = (uint32_t)j;
        return s;
    }
    return s;
}

/* The subject of the main clause in [lo, v) ("When asked, Jo Bloggs smiled
 * and said"): an opening subordinate clause or participle phrase up to its
 * comma is skipped. */
static subj main_clause_subject(const qctx *x, size_t lo, size_t v)
{
    static const char *const SUB[] = {"when", "as", "after", "before", "while", "if",
                                      "although", "though", "because", "since", "asked",
                                      "despite", "once", "until", "unless", "following",
                                      "pressed", "speaking", "during", "in", "at", "on"};
    size_t st = lo;
    int sub = 0;
    for (size_t k = 0; k < DL_ARRAY_LEN(SUB) && !sub; k++) sub = lo < v && tok_is(x, lo, SUB[k]);
    if (sub)
        for (size_t j = lo + 1; j < v; j++)
            if (tok_is_punct(x, j, ',')) {
                st = j + 1;
                break;
            }
    return clause_subject(x, st, v);
}

/* The nearest speech verb with a subject in [lo, hi). */
static int cue_before(const qctx *x, size_t lo, size_t hi, attr *a)
{
    if (hi > lo + 80) lo = hi - 80;
    for (size_t v = hi; v > lo; v--) {
        size_t i = v - 1;
        subj s = {0};
        if ((x->ti[i].bits & QL_SPEECH) && (x->ti[i].flags & TF_CAP) &&
            i == x->sent_tok0[x->ti[i].sent] && !(x->ti[i].flags & TF_INQ) &&
            !tok_is(x, i, "according")) {
            /* "Said Jo Bloggs, who ..., “...”" */
            s = subject_after(x, i, hi);
            if (s.kind == S_RUN) {
                a->has = 1, a->sb = s, a->cue = (uint32_t)i;
                return 1;
            }
            continue;
        }
        if (!is_speech(x, i) || (x->ti[i].flags & TF_INQ)) continue;
        size_t wl;
        const char *w = tok_text(x, i, &wl);
        int ing = wl > 4 && !memcmp(w + wl - 3, "ing", 3);
        if (tok_is(x, i, "according")) s = subject_after(x, i, hi);
        else if (ing) {
            /* "X said, adding, “...”": the subject of the verb it follows;
             * "Trump told a rally, saying ...": the clause's subject */
            for (size_t k = i; k > lo && i - k < 15; k--) {
                size_t u = k - 1;
                if (!is_speech(x, u) || (x->ti[u].flags & TF_INQ) || tok_is(x, u, "according"))
                    continue;
                size_t ul;
                const char *uw = tok_text(x, u, &ul);
                if (ul > 4 && !memcmp(uw + ul - 3, "ing", 3)) continue;
                s = subject_before(x, u, lo);
                break;
            }
            if (s.kind != S_RUN && s.kind != S_PRON) s = clause_subject(x, lo, i);
        } else {
            s = subject_before(x, i, lo);
            if (s.kind == S_NONE && i > lo && (tok_is(x, i - 1, "and") || tok_is(x, i - 1, "but")))
                s = main_clause_subject(x, lo, i - 1); /* "X smiled and said, “...”" */
            if (s.kind == S_NONE && (i == lo || !(x->ti[i - 1].flags & TF_WORD))) {
                /* ", said Trump: “...” */
                subj s2 = subject_after(x, i, hi);
                if (s2.kind == S_RUN || s2.kind == S_NOMINAL) s = s2;
            }
        }
        if (s.kind == S_NONE) continue;
        a->has = 1, a->sb = s, a->cue = (uint32_t)i;
        return 1;
    }
    return 0;
}

static size_t count_words(const qctx *x, const qcand *q, int *titlecase, int *ends)
{
    size_t n = 0, caps = 0;
    size_t i = tok_at_or_after(x, q->s);
    for (; i < x->nt && x->tk[i].start < q->e; i++) {
        if (!(x->ti[i].flags & TF_WORD)) continue;
        n++;
        if (x->ti[i].flags & TF_CAP) caps++;
        else if (n > 1 && (tok_is(x, i, "a") || tok_is(x, i, "an") || tok_is(x, i, "the") ||
                           tok_is(x, i, "of") || tok_is(x, i, "and") || tok_is(x, i, "or") ||
                           tok_is(x, i, "in") || tok_is(x, i, "on") || tok_is(x, i, "at") ||
                           tok_is(x, i, "to") || tok_is(x, i, "for") || tok_is(x, i, "with") ||
                           tok_is(x, i, "by") || tok_is(x, i, "from") ||
                           (x->ti[i].bits & QL_PARTICLE)))
            caps++; /* small words stay lower case in titles */
    }
    *titlecase = n > 0 && caps == n;
    char c = q->e > q->s ? x->d->text[q->e - 1] : 0;
    *ends = c == '.' || c == '!' || c == '?';
    return n;
}

/* Is the candidate a quote?  With a cue, yes (unless it is a short title-case
 * stretch with no speech verb: a name or a title); without one, when it
 * opens a paragraph or reads like speech (long, or a sentence). */
static int acceptable(const qctx *x, const qcand *q, const attr *a)
{
    int titlecase, ends;
    size_t nw = count_words(x, q, &titlecase, &ends);
    if (nw == 0) return 0;
    if (a->has && !(titlecase && nw <= 4 && a->cue == NONE_U32)) return 1;
    if (q->para_start && !(titlecase && nw <= 6)) return 1;
    if (nw >= 6 && !titlecase) return 1;
    if (nw >= 3 && ends && !titlecase) return 1;
    return 0;
}

/* ---------------------------------------------------------------- main */

static void qctx_free(qctx *x)
{
    free(x->ti);
    free(x->sent_tok0);
    free(x->topic_c);
    free(x->topic_r);
    free(x->topic_e);
    dl_vec_free(&x->runs);
    dl_vec_free(&x->cl);
    dl_vec_free(&x->q);
    dl_vec_free(&x->em);
    dl_vec_free(&x->speech);
}

int dl_quote_find(dl_doc *d)
{
    if (!d->len) return DL_OK;
    if (!d->toks.n && dl_tokenize(d->text, d->len, &d->toks)) return DL_ENOMEM;
    qctx x = {0};
    dl_spanvec own = {0};
    attr *at = NULL;
    int rc = DL_ENOMEM;
    x.d = d;
    x.tk = d->toks.v;
    x.nt = d->toks.n;
    x.n_ents_orig = d->ents.n;
    if (find_candidates(d, &x.q)) goto out;
    if (!x.q.n) {
        rc = DL_OK;
        goto out;
    }
    if (fill_sentences(&x, &own) || fill_tokens(&x) || find_runs(&x)) goto out;
    for (size_t i = 0; i < d->ents.n; i++)
        for (size_t k = 0; k < d->ents.v[i].n_mentions; k++) {
            struct emention m = {d->ents.v[i].mentions[k].start, d->ents.v[i].mentions[k].end,
                                 (int)i};
            if (dl_vec_push(&x.em, m)) goto out;
        }
    if (x.em.n) dl_qsort(x.em.v, x.em.n, sizeof *x.em.v, em_cmp);
    /* a run that is the subject of a speech verb is a speaker */
    for (size_t si = 0; si < x.speech.n; si++) {
        size_t i = x.speech.v[si];
        if (!is_speech(&x, i)) continue;
        subj s = subject_before(&x, i, i > 12 ? i - 12 : 0);
        if (s.kind == S_RUN && !looks_org(&x, &x.runs.v[s.run]))
            x.cl.v[x.runs.v[s.run].cluster].personish = 1;
    }
    fill_topics(&x);

    at = dl_calloc(x.q.n, sizeof *at);
    if (!at) goto out;
    for (size_t qi = 0; qi < x.q.n; qi++) {
        const qcand *q = &x.q.v[qi];
        attr *a = &at[qi];
        a->cue = NONE_U32;
        a->speaker = -1;
        size_t to = tok_at_or_after(&x, q->ms);
        x.cur_open = to;
        uint32_t S = to < x.nt ? x.ti[to].sent : (uint32_t)(x.ns ? x.ns - 1 : 0);
        size_t b0 = to < x.nt ? x.sent_tok0[S] : x.nt;
        if (b0 > to) b0 = to;
        /* an earlier quote of the same sentence bounds the context */
        int prev_same = -1;
        uint32_t sstart = b0 < x.nt ? x.tk[b0].start : q->ms;
        if (qi > 0 && x.q.v[qi - 1].line == q->line && x.q.v[qi - 1].ce > sstart) {
            size_t pe = tok_at_or_after(&x, x.q.v[qi - 1].ce);
            prev_same = (int)qi - 1;
            if (pe > b0) b0 = pe;
            if (b0 > to) b0 = to;
        }
        int found = cue_after(&x, qi, a);
        if (!found) found = cue_before(&x, b0, to, a);
        if (!found && to > b0 + 1 && tok_is_punct(&x, to - 1, ':')) {
            /* "Asked about it, Jo Bloggs shot back: “...”": the subject of
             * the clause the colon ends */
            subj s = clause_subject(&x, b0, to - 1);
            if (s.kind == S_RUN && opens_with_person(&x, s.start)) {
                a->has = 1, a->sb = s;
                found = 1;
            }
        }
        if (!found && prev_same >= 0 && at[prev_same].has) {
            *a = at[prev_same];
            a->accepted = 0;
            found = 2;
        }
        /* “A,” X said. “B.”: B continues the quote of its paragraph */
        if (!found && qi > 0 && x.q.v[qi - 1].line == q->line && at[qi - 1].has &&
            at[qi - 1].accepted) {
            *a = at[qi - 1];
            a->accepted = 0;
            found = 2;
        }
        if (!found && to >= b0 + 1 && to >= 2 && tok_is_punct(&x, to - 1, ':') &&
            x.ti[to - 2].run >= 0) {
            /* X: "..." */
            const nrun *r = &x.runs.v[x.ti[to - 2].run];
            if (r->t1 - 1 == to - 2 && r->tm <= b0 + 1) {
                a->has = 1, a->sb.kind = S_RUN, a->sb.run = x.ti[to - 2].run;
                found = 1;
            }
        }
        if (found == 1) {
            if (a->sb.kind != S_NONE) {
                a->speaker = resolve(&x, &a->sb);
                if (a->speaker < -1) goto out;
            }
        } else if (q->para_start) {
            /* a paragraph that opens with a quote continues the previous
             * speaker, or the one a colon introduced */
            const qcand *p = qi > 0 ? &x.q.v[qi - 1] : NULL;
            uint32_t ls = q->ms;
            while (ls > 0 && d->text[ls - 1] != '\n') ls--;
            size_t pe = ls;
            while (pe > 0 && (d->text[pe - 1] == '\n' || d->text[pe - 1] == ' ' ||
                              d->text[pe - 1] == '\r'))
                pe--;
            int colon = pe > 0 && d->text[pe - 1] == ':';
            if (colon) {
                size_t ct = tok_at_or_after(&x, (uint32_t)pe);
                if (ct > 0) {
                    uint32_t cs = x.ti[ct - 1].sent;
                    attr t = {0};
                    if (cue_before(&x, x.sent_tok0[cs], ct, &t) && t.sb.kind != S_NONE) {
                        t.speaker = resolve(&x, &t.sb);
                        if (t.speaker < -1) goto out;
                        a->has = 1, a->speaker = t.speaker, a->cue = t.cue, a->sb = t.sb;
                    } else if (x.topic_c[cs] >= 0) {
                        /* "X released the following statement:" */
                        a->has = 1, a->cue = NONE_U32, a->sb.kind = S_RUN;
                        a->speaker = materialise(&x, x.topic_c[cs]);
                        if (a->speaker < -1) goto out;
                    }
                }
            }
            if (!a->has && p && at[qi - 1].accepted && p->line + 2 >= q->line) {
                a->has = 1;
                a->speaker = at[qi - 1].speaker;
                a->cue = NONE_U32;
                a->sb.kind = S_NONE;
            }
        }
        a->accepted = acceptable(&x, q, a);
        if (a->accepted && a->speaker >= 0) {
            size_t ct = a->cue != NONE_U32 ? a->cue : to;
            if (ct < x.nt) x.topic_e[x.ti[ct].sent] = a->speaker;
        }
    }
    /* “A” and “B,” he said: A takes the cue of a later quote of its sentence */
    for (size_t qi = x.q.n; qi-- > 1;) {
        attr *a = &at[qi - 1];
        const qcand *p = &x.q.v[qi - 1], *q = &x.q.v[qi];
        if (a->has || !at[qi].has || p->line != q->line) continue;
        size_t t1 = tok_at_or_after(&x, p->ce), t2 = tok_at_or_after(&x, q->ms);
        if (t1 >= x.nt || t2 >= x.nt || x.ti[t1].sent != x.ti[t2].sent) continue;
        *a = at[qi];
        a->accepted = acceptable(&x, p, a);
    }
    /* a paragraph of a multi-paragraph quote takes the speaker of the next */
    for (size_t qi = x.q.n; qi-- > 1;) {
        attr *a = &at[qi - 1];
        const qcand *p = &x.q.v[qi - 1], *q = &x.q.v[qi];
        if (!p->closed && q->para_start && at[qi].accepted && a->speaker < 0 &&
            a->sb.kind == S_NONE && q->line <= p->line + 2) {
            a->speaker = at[qi].speaker;
            if (!a->accepted && p->para_start) a->accepted = 1;
        }
    }
    for (size_t qi = 0; qi < x.q.n; qi++) {
        if (!at[qi].accepted) continue;
        dl_quote out = {{x.q.v[qi].s, x.q.v[qi].e}, at[qi].speaker, {0, 0}};
        if (at[qi].cue != NONE_U32)
            out.cue = (dl_span){x.tk[at[qi].cue].start, x.tk[at[qi].cue].end};
        if (dl_vec_push(&d->quotes, out)) goto out;
    }
    rc = DL_OK;
out:
    free(at);
    dl_vec_free(&own);
    qctx_free(&x);
    return rc;
}
