/*
 * ner.c -- named entities: the tagger (model loading, features, greedy
 * left-to-right decoding with an averaged-perceptron model) and the alias
 * linker that groups the tagged mentions into one entity per real-world
 * referent of the article.  See ner.h for the model file and analyze.h for
 * the stage contract.
 *
 * Ownership: dl_ner_load returns a model the caller frees with dl_ner_free;
 * dl_ner_tag appends dl_entity values whose name and mentions are malloc'd
 * and owned by the doc (dl_doc_free releases them).
 *
 * Cost: every step is linear in the number of tokens: a fixed number of
 * hashed features per scored token, lower-case words and punctuation after
 * an O are tagged O without scoring, and the alias linker works through
 * hash maps.  Speed (bench/analyze.sh, tools/bench_stages.c): the weight
 * rows are read at random from an 8 MB table, so cache misses, not
 * instructions, dominate scoring.  The features that do not depend on the
 * decoding (FM_STATIC: words, shapes, affixes, context, gazetteer...) are
 * summed once per token before decoding, in batches whose rows are
 * prefetched a batch ahead; a decision adds only the ~10 FM_DYN features
 * (previous tags, document history).  The sums are exact (int32), so the
 * tags are the same as scoring every feature at each decision, which the
 * trainer does through dl_ner_feats.  Features whose value has a small
 * fixed range (bias, previous tags, history, gazetteer marks, run shape)
 * take their rows from a table made at load (pre_init) instead of being
 * hashed each time, and short tokens' descriptions (flags, hashes) come
 * from a per-thread memo.  (A packed weight table behind a rank index,
 * 1.6 MB instead of 8 MB, was tried: its extra instructions cost more than
 * the cache misses it saved.)  Also tried and not kept: int8 weights with
 * one scale per model (even with the fixed-range rows kept in int16: conll
 * dev F1 0.71-0.83, the weights span four orders of magnitude), fewer
 * buckets (2^18 / 2^17 rows: F1 0.900-0.904, 2^16: 0.899).  Kept: features
 * hashed with one multiplication (feat) and seven templates dropped (see
 * the template list): per MB of news 194 M -> 166 M instructions and about
 * 30% fewer row reads missing a 1 MB cache (callgrind / cachegrind).
 * Then the per-document set-up: each thread keeps its tagger buffers from
 * one document to the next (ner_ws: tokens, the word table, cleared
 * through the list of its used slots instead of calloc'd, tags, static
 * sums, the linker's maps), the description memo takes tokens of up to 16
 * bytes with one masked load, and the affixes of ASCII words with capitals
 * are lowered by table: per MB 165.5 M -> 153.9 M instructions in
 * dl_ner_tag (callgrind --toggle-collect=dl_ner_tag, 1 MB of the bench
 * JSONL), the same output.  The linker was already linear (hash maps by
 * exact name, surname, first name, acronym, role).
 */
#include "ner.h"
#include "../text/utf8.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utf8proc.h>
#define XXH_INLINE_ALL /* short keys: the call costs more than the hash */
#include <xxhash.h>
#include <zstd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------ hashing */

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Feature of template t with value v: one multiplication, whose top bits
 * (the bucket, dl_ner_bucket) depend on every bit of its operand.  The
 * values are hashes already (xxh3 of words, shapes, affixes) or small
 * numbers mixed with them, so a full finaliser (mix64) would add
 * instructions, not spread; changing this changes every bucket, hence the
 * model format (MAGIC). */
static inline uint64_t feat(uint64_t t, uint64_t v)
{
    return (v ^ (t * 0x9e3779b97f4a7c15ULL)) * 0xbf58476d1ce4e5b9ULL;
}

/* Makes a feature value asymmetric in its two parts: mul1(a) ^ b. */
static inline uint64_t mul1(uint64_t x)
{
    return x * 0x94d049bb133111ebULL;
}

static inline uint64_t hash_bytes(const char *s, size_t n)
{
    return XXH3_64bits(s, n);
}

static inline unsigned popcount64(uint64_t x)
{
    /* SWAR: the build targets plain x86-64, where the builtin is a call */
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* ------------------------------------------------------------ tokens */

#define LOWMAX 64 /* a power of two (tok_describe) */

/* Lower-cases s[0,n) into out (at most LOWMAX bytes, truncated at a code
 * point boundary); returns the length. */
static size_t lower_copy(const char *s, size_t n, char *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (o + 1 > LOWMAX) break;
            out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            i++;
            continue;
        }
        size_t j = i;
        int32_t cp = dl_utf8_next(s, n, &j);
        cp = utf8proc_tolower(cp);
        uint8_t tmp[4];
        utf8proc_ssize_t k = utf8proc_encode_char(cp, tmp);
        if (k <= 0 || o + (size_t)k > LOWMAX) break;
        memcpy(out + o, tmp, (size_t)k);
        o += (size_t)k;
        i = j;
    }
    return o;
}

/* Shape class of an ASCII byte: X upper, x lower, d digit, else itself. */
static const char ASCII_CLS[128] = {
#define C4(a) a, a + 1, a + 2, a + 3
#define C16(a) C4(a), C4(a + 4), C4(a + 8), C4(a + 12)
    C16(0), C16(16), C16(32),
    'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', 'd', ':', ';', '<', '=', '>', '?',
    '@', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X',
    'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', '[', '\\', ']', '^', '_',
    '`', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
    'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', '{', '|', '}', '~', 127,
#undef C16
#undef C4
};

/* 1 for an upper-case ASCII letter, 2 for a lower-case one */
static const uint8_t ASCII_CASE[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
};

/* Fills the class flags and hashes of t from text. */
static void tok_describe(const char *text, dl_ner_tok *t)
{
    const char *s = text + t->start;
    size_t n = t->end - t->start;
    /* "US", "UK", "UN" as today's news writes them read as the "U.S.",
     * "U.K.", "U.N." of the training text */
    if (n == 2 && s[0] == 'U' && (s[1] == 'S' || s[1] == 'K' || s[1] == 'N')) {
        static const char *const dotted[] = {"U.S.", "U.K.", "U.N."};
        s = dotted[s[1] == 'S' ? 0 : s[1] == 'K' ? 1 : 2];
        n = 4;
    }
    /* a lone typographic apostrophe reads as the training text's ASCII one:
     * "Workers’ Union" like "Workers' Union".  ("’s" keeps its own
     * features: read as "'s" it makes the tagger take "Sir" into "Sir
     * Kim's", measured on the seed article.) */
    if (n == 3 && memcmp(s, "\xe2\x80\x99", 3) == 0) {
        s = "'";
        n = 1;
    }
    char low[LOWMAX], shape[16];
    size_t nl = 0, ns = 0;
    int has_up = 0, has_low = 0, first = 1;
    char last = 0;
    t->flags = 0;
    /* ASCII prefix, the usual whole word: classes by table, and the
     * lower-case copy on the way */
    size_t i = 0;
    unsigned seen = 0;
    if (n && (unsigned char)s[0] < 0x80) {
        char c0 = ASCII_CLS[(unsigned char)s[0]];
        t->flags |= c0 == 'X' ? DL_NT_CAP : c0 == 'x' ? DL_NT_LOWER : c0 == 'd' ? DL_NT_DIGIT
                                                                            : DL_NT_PUNCT;
        first = 0;
    }
    for (; i < n && (unsigned char)s[i] < 0x80; i++) {
        unsigned char c = (unsigned char)s[i];
        char cls = ASCII_CLS[c];
        unsigned cs = ASCII_CASE[c];
        seen |= cs;
        /* past LOWMAX the copy wraps, harmlessly: lower_copy redoes it */
        low[i & (LOWMAX - 1)] = (char)(c | ((cs & 1) << 5));
        if (cls != last) {
            if (ns < sizeof shape) shape[ns++] = cls;
            last = cls;
        }
    }
    int ascii = i == n;
    has_up = (seen & 1) != 0, has_low = (seen & 2) != 0;
    /* the rest, from the first non-ASCII byte */
    while (i < n) {
        size_t j = i;
        char cls;
        if ((unsigned char)s[i] < 0x80) {
            cls = ASCII_CLS[(unsigned char)s[j++]];
        } else {
            int32_t cp = dl_utf8_next(s, n, &j);
            utf8proc_category_t cat = utf8proc_category(cp);
            cls = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ? 'X'
                  : cat >= UTF8PROC_CATEGORY_LL && cat <= UTF8PROC_CATEGORY_LO ? 'x'
                  : cat == UTF8PROC_CATEGORY_ND                                ? 'd'
                                                                               : '*';
        }
        if (cls == 'X') has_up = 1;
        if (cls == 'x') has_low = 1;
        if (first) {
            if (cls == 'X') t->flags |= DL_NT_CAP;
            else if (cls == 'x') t->flags |= DL_NT_LOWER;
            else if (cls == 'd') t->flags |= DL_NT_DIGIT;
            else t->flags |= DL_NT_PUNCT;
            first = 0;
        }
        if (cls != last && ns < sizeof shape) shape[ns++] = cls;
        last = cls;
        i = j;
    }
    if (has_up && !has_low) t->flags |= DL_NT_ALLCAP;
    if (ascii && !has_up && n <= LOWMAX) t->flags |= DL_NT_PLAIN;
    if (ascii && n <= LOWMAX) t->flags |= DL_NT_ASCII;
    t->h_word = hash_bytes(s, n);
    /* a word with no capital (and short) is its own lower-case form; an
     * ASCII word's lower-case copy is made above */
    if (!has_up && n <= LOWMAX) {
        t->h_lower = t->h_word;
    } else {
        nl = ascii && n <= LOWMAX ? n : lower_copy(s, n, low);
        t->h_lower = hash_bytes(low, nl);
    }
    t->h_shape = ns == 1 ? (uint64_t)(unsigned char)shape[0] * 0x100000001b3ULL
                         : hash_bytes(shape, ns);
}

/* tok_describe is a pure function of the token's bytes, and news repeats
 * its words ("the", ",", "said", "Mr", "government"...): a direct-mapped
 * memo per thread keeps its results for tokens of up to 16 bytes (key: the
 * bytes, zero-padded, and the length), so most tokens cost one lookup.
 * Nothing to free: the table is static thread storage, and an entry is
 * only ever replaced whole. */
enum { DESC_BITS = 11, DESC_MAX = 16 };
typedef struct desc_memo {
    uint64_t k0, k1;
    uint64_t h_word, h_lower, h_shape;
    uint16_t flags;
    uint8_t len; /* 0: empty */
} desc_memo;
static __thread desc_memo g_desc[1u << DESC_BITS];

/* The first n <= 8 bytes of s as a zero-padded word (memcpy order); room:
 * bytes readable from s (8 or more: one load and a mask). */
static inline uint64_t load_part(const char *s, size_t n, size_t room)
{
    uint64_t k = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (room >= 8) {
        memcpy(&k, s, 8);
        return n >= 8 ? k : k & ((1ULL << (8 * n)) - 1);
    }
#else
    (void)room;
#endif
    memcpy(&k, s, n < 8 ? n : 8);
    return k;
}

/* text[0, len) holds the token */
static inline __attribute__((always_inline)) void
tok_describe_memo(const char *text, size_t len, dl_ner_tok *t)
{
    size_t n = t->end - t->start;
    if (n == 0 || n > DESC_MAX) {
        tok_describe(text, t);
        return;
    }
    const char *s = text + t->start;
    size_t room = len - t->start;
    uint64_t k0 = load_part(s, n, room);
    uint64_t k1 = n > 8 ? load_part(s + 8, n - 8, room - 8) : 0;
    desc_memo *e = &g_desc[((k0 + n + mul1(k1)) * 0x9e3779b97f4a7c15ULL) >> (64 - DESC_BITS)];
    if (e->len == n && e->k0 == k0 && e->k1 == k1) {
        t->flags = e->flags;
        t->h_word = e->h_word, t->h_lower = e->h_lower, t->h_shape = e->h_shape;
        return;
    }
    tok_describe(text, t);
    e->k0 = k0, e->k1 = k1, e->len = (uint8_t)n, e->flags = t->flags;
    e->h_word = t->h_word, e->h_lower = t->h_lower, e->h_shape = t->h_shape;
}

static int is_ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Abbreviations written with a period that belongs to the word. */
static int is_abbrev(const char *s, size_t n)
{
    static const char *const AB[] = {
        "Inc", "Corp", "Co", "Ltd", "Bros", "Jr", "Sr", "St", "Mr", "Mrs", "Ms", "Dr",
        "Gen", "Lt", "Col", "Sgt", "Capt", "Gov", "Sen", "Rep", "Prof", "Rev", "Mt", "Ft",
        "Ave", "Cpl", "Maj", "Adm", "Cmdr", "Supt", "Messrs", "Pty", "Bhd", "Cie", "Jan",
        "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
        "Dept", "Univ", "Assn", "Nos", "No", "vs", "Mass", "Calif", "Fla", "Ill", "Wash",
        "Penn", "Conn", "Tenn", "Ariz", "Colo", "Okla", "Mich", "Minn", "Wis", "Ky", "Va",
        "Ga", "La", "Md", "Mo", "Ala", "Ark", "Kan", "Neb", "Nev", "Ore", "Del", NULL};
    /* every entry is 2-6 bytes and starts with a capital or 'v' */
    if (n < 2 || n > 6 || !((s[0] >= 'A' && s[0] <= 'Z') || s[0] == 'v')) return 0;
    for (size_t i = 0; AB[i]; i++)
        if (AB[i][0] == s[0] && strlen(AB[i]) == n && memcmp(AB[i], s, n) == 0) return 1;
    return 0;
}

/* Splits and joins the shared tokens into the tagger's tokens. */
static int ner_tokens(const char *text, size_t len, const dl_token *toks, size_t n,
                      dl_ner_doc *doc)
{
    /* a shared token gives at most two (a split "'s"): room for all at once,
     * so the loop writes without capacity checks */
    if (dl_vec_reserve(&doc->t, doc->t.n + 2 * n + 8)) return DL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        dl_ner_tok t;
        memset(&t, 0, sizeof t);
        size_t first = i; /* the shared token this one starts with */
        t.start = toks[i].start;
        t.end = toks[i].end;
        int kind = toks[i].kind;
        /* single-letter abbreviations: U.S.  J.  U.N. */
        if (toks[i].kind == DL_TOK_WORD && t.end - t.start == 1 &&
            is_ascii_letter(text[t.start]) && i + 1 < n && toks[i + 1].start == t.end &&
            text[t.end] == '.') {
            size_t j = i + 1;
            t.end = toks[j].end;
            while (j + 2 < n && toks[j + 1].start == toks[j].end &&
                   toks[j + 1].end - toks[j + 1].start == 1 &&
                   is_ascii_letter(text[toks[j + 1].start]) &&
                   toks[j + 2].start == toks[j + 1].end && text[toks[j + 2].start] == '.') {
                j += 2;
                t.end = toks[j].end;
            }
            i = j;
        } else if (kind == DL_TOK_WORD && i + 1 < n && toks[i + 1].start == t.end &&
                   text[t.end] == '.' && toks[i + 1].end == t.end + 1 &&
                   is_abbrev(text + t.start, t.end - t.start)) {
            t.end = toks[++i].end; /* Inc.  Corp.  Mr.  St. */
        } else if (kind == DL_TOK_WORD) {
            /* hyphenated words are one token, as in the training text's own
             * tokens: "Ocasio-Cortez", "Baden-Baden", "Jean-Claude" */
            while (i + 2 < n && toks[i + 1].start == t.end && (toks[i + 1].flags & DL_TF_INFIX) &&
                   toks[i + 1].end == t.end + 1 && text[t.end] == '-' &&
                   toks[i + 2].kind == DL_TOK_WORD && toks[i + 2].start == toks[i + 1].end) {
                i += 2;
                t.end = toks[i].end;
            }
            /* possessive 's / ’s split off */
            size_t wl = t.end - t.start;
            const char *e = text + t.end;
            size_t cut = 0;
            if (wl > 2 && (e[-1] == 's' || e[-1] == 'S') && e[-2] == '\'') cut = 2;
            else if (wl > 4 && (e[-1] == 's' || e[-1] == 'S') &&
                     memcmp(e - 4, "\xe2\x80\x99", 3) == 0)
                cut = 4;
            if (cut) {
                dl_ner_tok a = t;
                a.end = t.end - (uint32_t)cut;
                tok_describe_memo(text, len, &a);
                if (toks[i].flags & DL_TF_NEWLINE) a.flags |= DL_NT_NLGAP;
                doc->t.v[doc->t.n++] = a;
                t.start = a.end;
                first = n; /* "'s": no gap before it */
            }
        }
        tok_describe_memo(text, len, &t);
        if (first < n && (toks[first].flags & DL_TF_NEWLINE)) t.flags |= DL_NT_NLGAP;
        if (kind == DL_TOK_PUNCT) t.flags = (uint16_t)((t.flags & ~(DL_NT_CAP | DL_NT_LOWER | DL_NT_DIGIT)) | DL_NT_PUNCT);
        doc->t.v[doc->t.n++] = t;
    }
    return DL_OK;
}

/* 1 when a '\n' separates tokens p and q = p + 1.  Only white space lies
 * between tokens, so the tokenizer's line-break flag rules most gaps out
 * without a look (it also counts \r, \f... as breaks: those are looked at). */
static int newline_before(const char *text, const dl_ner_tok *p, const dl_ner_tok *q)
{
    if (!(q->flags & DL_NT_NLGAP)) return 0;
    return memchr(text + p->end, '\n', q->start - p->end) != NULL;
}

/* ------------------------------------------------------------ gazetteer */

static uint64_t gaz_chain(uint64_t k, uint64_t h)
{
    k = mix64(k ^ h) + 0x51ed27a4c3b1ULL;
    return k ? k : 1;
}

static uint8_t gaz_get(const dl_ner_model *m, uint64_t k)
{
    if (!m || !m->gaz_key) return 0;
    for (size_t i = k & m->gaz_mask;; i = (i + 1) & m->gaz_mask) {
        if (m->gaz_key[i] == k) return m->gaz_val[i];
        if (m->gaz_key[i] == 0) return 0;
    }
}

static int gaz_put(dl_ner_model *m, uint64_t k, uint8_t v)
{
    if ((m->gaz_n + 1) * 2 > m->gaz_mask + 1 || !m->gaz_key) {
        size_t cap = m->gaz_key ? (m->gaz_mask + 1) * 2 : 1024;
        uint64_t *nk = dl_calloc(cap, sizeof *nk);
        uint8_t *nv = dl_calloc(cap, 1);
        if (!nk || !nv) {
            free(nk), free(nv);
            return DL_ENOMEM;
        }
        for (size_t i = 0; m->gaz_key && i <= m->gaz_mask; i++) {
            if (!m->gaz_key[i]) continue;
            size_t j = m->gaz_key[i] & (cap - 1);
            while (nk[j]) j = (j + 1) & (cap - 1);
            nk[j] = m->gaz_key[i], nv[j] = m->gaz_val[i];
        }
        free(m->gaz_key), free(m->gaz_val);
        m->gaz_key = nk, m->gaz_val = nv, m->gaz_mask = cap - 1;
    }
    size_t i = k & m->gaz_mask;
    while (m->gaz_key[i] && m->gaz_key[i] != k) i = (i + 1) & m->gaz_mask;
    if (!m->gaz_key[i]) m->gaz_n++;
    m->gaz_key[i] = k;
    m->gaz_val[i] |= v;
    return DL_OK;
}

#define GAZ_MAXLEN 5

int dl_ner_gaz_add(dl_ner_model *m, int kinds, const char *name, size_t len)
{
    dl_tokvec tv = {0};
    dl_ner_doc d;
    memset(&d, 0, sizeof d);
    int rc = dl_tokenize(name, len, &tv);
    if (!rc) rc = ner_tokens(name, len, tv.v, tv.n, &d);
    if (!rc && d.t.n > 0 && d.t.n <= GAZ_MAXLEN) {
        uint64_t k = 0;
        for (size_t i = 0; i < d.t.n && !rc; i++) {
            k = gaz_chain(k, d.t.v[i].h_lower);
            /* prefixes are marked (0x80) so that matching stops early */
            rc = gaz_put(m, k, i + 1 < d.t.n ? 0x80 : (uint8_t)kinds);
        }
    }
    dl_vec_free(&tv);
    dl_vec_free(&d.t);
    return rc;
}

static const char *const TITLES[] = {
    "mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.", "ms.", "dr.", "president", "senator",
    "sen", "rep", "gov", "gen", "judge", "justice", "prince", "princess", "king", "queen",
    "pope", "rev", "reverend", "prof", "professor", "chancellor", "minister", "secretary",
    "mayor", "governor", "lord", "lady", "sir", "dame", "general", "colonel", "captain",
    "sheikh", "cardinal", "archbishop", "bishop", "ambassador", "premier", "commissioner",
    "coach", "chairman", "inspector", "detective", "sergeant", "officer", "speaker", NULL};

static const char *const STOPS[] = {"of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "in", "on", "to", "at", NULL};

/* single-token role nouns and the first word of two-word ones */
static const char *const ROLES[] = {
    "ambassador", "president", "minister", "secretary", "chancellor", "senator", "governor",
    "mayor", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair",
    "commissioner", "director", "coach", "manager", "captain", "premier", "envoy", "judge",
    "general", "pope", "king", "queen", "prince", "princess", "leader", "candidate",
    "nominee", "founder", "ceo", "executive", "prosecutor", "lawyer", "attorney", "senator",
    "congressman", "congresswoman", "sheriff", "diplomat", "official", NULL};

static void lex_add(dl_ner_model *m, const char *const *list, uint8_t bit)
{
    for (; *list; list++) {
        uint64_t k = hash_bytes(*list, strlen(*list)) | 1;
        size_t i = k & (DL_NER_LEXCAP - 1);
        while (m->lex_key[i] && m->lex_key[i] != k) i = (i + 1) & (DL_NER_LEXCAP - 1);
        m->lex_key[i] = k;
        m->lex_val[i] |= bit;
    }
}

static void lex_init(dl_ner_model *m)
{
    static const char *const SIRS[] = {"sir", "dame", NULL};
    static const char *const PTITLES[] = {"mr", "mrs", "ms", "miss", "dr", "mr.", "mrs.",
                                          "ms.", "dr.", "sir", "dame", "mister", NULL};
    lex_add(m, PTITLES, DL_LEX_PTITLE);
    lex_add(m, TITLES, DL_LEX_TITLE);
    lex_add(m, STOPS, DL_LEX_STOP);
    lex_add(m, ROLES, DL_LEX_ROLE);
    lex_add(m, SIRS, DL_LEX_SIR);
    static const char *const TIMES[] = {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "july", "september", "october", "november",
        "december", "jan.", "feb.", "mar.", "apr.", "jul.", "aug.", "sep.", "sept.", "oct.",
        "nov.", "dec.", NULL};
    static const char *const TIMENMS[] = {"april", "may", "june", "august", NULL};
    lex_add(m, TIMES, DL_LEX_TIME);
    lex_add(m, TIMENMS, DL_LEX_TIMENM);
    static const char *const FUNCS[] = {
        "until", "since", "because", "after", "before", "when", "while", "during", "through",
        "if", "although", "though", "unless", "whether", "once", "as", "by", "from", "last",
        "next", "every", "each", "even", "but", "so", "then", NULL};
    lex_add(m, FUNCS, DL_LEX_FUNC);
}

static uint8_t lex_get(const dl_ner_model *m, uint64_t k)
{
    k |= 1;
    for (size_t i = k & (DL_NER_LEXCAP - 1);; i = (i + 1) & (DL_NER_LEXCAP - 1)) {
        if (m->lex_key[i] == k) return m->lex_val[i];
        if (!m->lex_key[i]) return 0;
    }
}

/* ------------------------------------------------------------ doc */

enum { DOC_SEEN_LOWER = 1, DOC_SEEN_CAP = 2 }; /* bits 4-6: last tag class + 1 */

static inline __attribute__((always_inline)) size_t doc_slot(const dl_ner_doc *doc, uint64_t k)
{
    size_t i = k & doc->hmask;
    while (doc->hk[i] && doc->hk[i] != k) i = (i + 1) & doc->hmask;
    return i;
}

static uint8_t doc_get(const dl_ner_doc *doc, uint64_t k)
{
    k |= 1;
    size_t i = doc_slot(doc, k);
    return doc->hk[i] ? doc->hv[i] : 0;
}

static inline __attribute__((always_inline)) void doc_or(dl_ner_doc *doc, uint64_t k, uint8_t v, uint8_t clear)
{
    k |= 1;
    size_t i = doc_slot(doc, k);
    if (!doc->hk[i]) doc->hused[doc->nused++] = (uint32_t)i;
    doc->hk[i] = k;
    doc->hv[i] = (uint8_t)((doc->hv[i] & ~clear) | v);
}

/* Sizes the hash tables of doc for nt tokens (under half full), reusing
 * what it holds: the slots the previous document used, the only non-zero
 * ones, are cleared, so that a document costs in proportion to its own
 * words, not to a calloc of its table. */
static int doc_tables(dl_ner_doc *doc, size_t nt)
{
    size_t cap = 16;
    while (cap < nt * 2 + 2) cap *= 2;
    for (size_t u = 0; u < doc->nused; u++) {
        size_t s = doc->hused[u];
        doc->hk[s] = 0, doc->hv[s] = 0, doc->hv2[s] = 0;
    }
    doc->nused = 0;
    if (cap > doc->hcap) {
        free(doc->hk), free(doc->hv), free(doc->hv2), free(doc->hused);
        doc->hk = dl_calloc(cap, sizeof *doc->hk);
        doc->hv = dl_calloc(cap, 1);
        doc->hv2 = dl_calloc(cap, 1);
        doc->hused = dl_malloc(cap * sizeof *doc->hused);
        if (!doc->hk || !doc->hv || !doc->hv2 || !doc->hused) {
            free(doc->hk), free(doc->hv), free(doc->hv2), free(doc->hused);
            doc->hk = NULL, doc->hv = doc->hv2 = NULL, doc->hused = NULL;
            doc->hcap = 0, doc->hmask = 0;
            return DL_ENOMEM;
        }
        doc->hcap = cap;
    }
    doc->hmask = cap - 1;
    return DL_OK;
}

/* dl_ner_doc_build on a doc that may hold the buffers of a previous
 * document (or be all zero). */
static int doc_rebuild(const dl_ner_model *m, dl_ner_doc *doc, const char *text, size_t len,
                       const dl_token *toks, size_t n)
{
    doc->text = text;
    doc->len = len;
    doc->t.n = 0;
    doc->pass = 0;
    doc->caplines = 0;
    int rc = ner_tokens(text, len, toks, n, doc);
    if (rc) return rc;
    dl_ner_tok *t = doc->t.v;
    size_t nt = doc->t.n;
    if ((rc = doc_tables(doc, nt))) return rc;

    /* sentence starts (own heuristic: the sentence stage may not have run)
     * and lines written in capitals */
    size_t line0 = 0;
    int line_low = 0, line_up = 0;
    for (size_t i = 0; i <= nt; i++) {
        int nl = i == nt || (i > 0 && newline_before(text, &t[i - 1], &t[i]));
        if (nl && i > 0) {
            if (!line_low && line_up) {
                for (size_t j = line0; j < i; j++) t[j].flags |= DL_NT_CAPLINE;
                doc->caplines = 1;
            }
            line0 = i, line_low = line_up = 0;
        }
        if (i == nt) break;
        if (t[i].flags & (DL_NT_CAP | DL_NT_LOWER)) {
            if (t[i].flags & DL_NT_ALLCAP) line_up++;
            else line_low++;
        }
        int start = i == 0 || nl;
        if (!start) {
            const char *p = text + t[i - 1].start;
            size_t pl = t[i - 1].end - t[i - 1].start;
            if (pl == 1 && (*p == '.' || *p == '!' || *p == '?' || *p == ':' || *p == ';'))
                start = 1;
            else if ((t[i - 1].flags & DL_NT_PUNCT) && (t[i - 1].flags & DL_NT_SENT))
                start = 1; /* after an opening quote or dash that starts one */
            else if (pl == 1 && (*p == '"' || *p == '(') && i >= 2) {
                const char *q = text + t[i - 2].start;
                if (t[i - 2].end - t[i - 2].start == 1 && (*q == '.' || *q == '!' || *q == '?'))
                    start = 1;
            }
        }
        if (start) t[i].flags |= DL_NT_SENT;
    }
    /* document memory: words seen in lower case; capitalised mid-sentence */
    for (size_t i = 0; i < nt; i++) {
        if (m) t[i].lex = lex_get(m, t[i].h_lower);
        if (t[i].flags & DL_NT_LOWER) doc_or(doc, t[i].h_lower, DOC_SEEN_LOWER, 0);
        else if ((t[i].flags & DL_NT_CAP) && !(t[i].flags & (DL_NT_SENT | DL_NT_CAPLINE)))
            doc_or(doc, t[i].h_lower, DOC_SEEN_CAP, 0);
    }
    /* gazetteer marks: every match of up to GAZ_MAXLEN tokens from a
     * capitalised token */
    if (m && m->gaz_n) {
        for (size_t i = 0; i < nt; i++) {
            if (!(t[i].flags & DL_NT_CAP)) continue;
            uint64_t k = 0;
            for (size_t l = 0; l < GAZ_MAXLEN && i + l < nt; l++) {
                if (l && newline_before(text, &t[i + l - 1], &t[i + l])) break;
                k = gaz_chain(k, t[i + l].h_lower);
                uint8_t v = gaz_get(m, k);
                if (!v) break;       /* no longer name starts so */
                if (!(v & 7)) continue; /* only a prefix */
                t[i].gaz |= (uint8_t)(v & 7);
                for (size_t j = i + 1; j <= i + l; j++) t[j].gaz |= (uint8_t)((v & 7) << 3);
            }
        }
    }
    return DL_OK;
}

int dl_ner_doc_build(const dl_ner_model *m, dl_ner_doc *doc, const char *text, size_t len,
                     const dl_token *toks, size_t n)
{
    memset(doc, 0, sizeof *doc);
    return doc_rebuild(m, doc, text, len, toks, n);
}

void dl_ner_doc_free(dl_ner_doc *doc)
{
    dl_vec_free(&doc->t);
    free(doc->hk);
    free(doc->hv);
    free(doc->hv2);
    free(doc->hused);
    memset(doc, 0, sizeof *doc);
}

int dl_ner_skip(const dl_ner_doc *doc, size_t i, int prev)
{
    if (prev != DL_NER_O && prev != DL_NER_BOS) return 0;
    return (doc->t.v[i].flags & (DL_NT_LOWER | DL_NT_PUNCT | DL_NT_DIGIT)) != 0;
}

int dl_ner_valid(int prev, int tag)
{
    if (tag == DL_NER_O || (tag & 1)) return 1; /* O, B-X and MISC always */
    return prev == tag || prev == tag - 1;
}

static int tag_class(int tag)
{
    return tag == DL_NER_O ? 0 : (tag + 1) / 2; /* 1 PER 2 ORG 3 LOC 4 MISC */
}

void dl_ner_pass(dl_ner_doc *doc, int pass)
{
    doc->pass = pass;
    /* forget the tag history (bits 4-6) in the slots in use (the others
     * are zero) */
    for (size_t u = 0; u < doc->nused; u++) {
        size_t s = doc->hused[u];
        doc->hv[s] &= 0x0f;
        if (pass == 0) doc->hv2[s] = 0;
    }
}

void dl_ner_note(dl_ner_doc *doc, size_t i, int tag)
{
    const dl_ner_tok *t = &doc->t.v[i];
    if (!(t->flags & (DL_NT_CAP | DL_NT_DIGIT))) return;
    int cls = tag_class(tag);
    doc_or(doc, t->h_lower, (uint8_t)((cls + 1) << 4), 0x70);
    if (doc->pass == 0) {
        size_t s = doc_slot(doc, t->h_lower | 1);
        if (cls) doc->hv2[s] |= (uint8_t)(1 << (cls - 1));
        else if (!(t->flags & (DL_NT_SENT | DL_NT_CAPLINE))) doc->hv2[s] |= 16;
    }
}

/* Templates.  The numbers are part of the feature hashes (model format):
 * a template no longer used keeps its number.  SUF2, LM2, P1SH, BIM1,
 * HISTSH, WM1 and WP1 are no longer extracted: each was found useless by
 * ablation (conll dev F1 as high or higher without it), and every feature
 * is one more row read at random from the weight table, the tagger's
 * main cost. */
enum {
    F_BIAS = 1, F_WORD, F_LOWER, F_SHAPE, F_SUF2, F_SUF3, F_SUF4, F_PRE3,
    F_LM1, F_LP1, F_LM2, F_LP2, F_SH3, F_SHM1, F_SHP1, F_P1, F_P12, F_P1W, F_P1SH,
    F_SENTSH, F_SENTW, F_GAZ, F_GAZM1, F_GAZP1, F_HIST, F_DOCLOW, F_DOCCAP, F_CAPLINE,
    F_BIM1, F_BIP1, F_WM1SH, F_CAPLINE_DOC, F_P1LM1, F_HISTSH, F_SHP1P2,
    F_WM1, F_WP1, F_SHWP1, F_RUN, F_RUNLAST, F_RUNFIRST, F_PASS1, F_PASS1X,
};

/* The features of token i: FM_STATIC ones depend only on the tokens and on
 * what dl_ner_doc_build found (the tagger sums their weights once per token,
 * ahead of decoding), FM_DYN ones on the previous tags and the decoding
 * history.  With FM_ALL the order is the trainer's (dl_ner_feats). */
enum { FM_STATIC = 1, FM_DYN = 2, FM_ALL = 3 };

/* Templates whose value has a small fixed range: the tagger's model holds
 * their row numbers for every value (m->pre, pre_init), so feats_mode gives
 * it those rows instead of hashes to look up (the same rows: the sums are
 * the same). */
enum {
    PRE_BIAS = 0,                 /* 1 */
    PRE_GAZ = PRE_BIAS + 1,       /* b: 0..5 */
    PRE_GAZM1 = PRE_GAZ + 8,      /* gaz bits: 0..63 */
    PRE_GAZP1 = PRE_GAZM1 + 64,   /* 0..63 */
    PRE_DOCLOW = PRE_GAZP1 + 64,  /* 0..7 */
    PRE_DOCCAP = PRE_DOCLOW + 8,  /* 0..3 */
    PRE_RUN = PRE_DOCCAP + 4,     /* (i - a) * 8 + (b - i) + 64 caps: 0..127 */
    PRE_P1 = PRE_RUN + 128,       /* p1: 0..8 */
    PRE_P12 = PRE_P1 + 16,        /* p1 * 16 + p2: 0..143 */
    PRE_HIST = PRE_P12 + 144,     /* 0..7 */
    PRE_CAPDOC = PRE_HIST + 8,    /* 0..7 */
    PRE_PASS1 = PRE_CAPDOC + 8,   /* hv2: 0..31 */
    PRE_PASS1X = PRE_PASS1 + 32,  /* 0..255 */
    PRE_N = PRE_PASS1X + 256
};

/* Feature (template T, value v): its row number from pre when the caller
 * has the table (r[kr++]), else its hash (f[k++]); v < size of the range. */
#define EMIT(T, OFF, SIZE, v)                                                                  \
    do {                                                                                       \
        uint64_t v_ = (uint64_t)(v);                                                           \
        if (pre) {                                                                             \
            DL_ASSERT(v_ < (SIZE));                                                            \
            r[nr++] = pre[(OFF) + v_];                                                         \
        } else {                                                                               \
            f[k++] = feat((T), v_);                                                            \
        }                                                                                      \
    } while (0)

static inline __attribute__((always_inline)) size_t
feats_mode(const dl_ner_doc *doc, size_t i, int p1, int p2, uint64_t *f, int mode,
           const uint32_t *pre, uint32_t *r, size_t *kr)
{
    const dl_ner_tok *t = doc->t.v;
    size_t nt = doc->t.n, k = 0, nr = 0; /* hashes in f, rows in r */
    const dl_ner_tok *c = &t[i];
    /* neighbours; beyond a sentence start / the ends: fixed markers */
    const uint64_t NONE = 0x1234567ULL;
    int sent = (c->flags & DL_NT_SENT) != 0;
    int hasm1 = i > 0 && !sent;
    int hasp1 = i + 1 < nt && !(t[i + 1].flags & DL_NT_SENT);
    int hasp2 = hasp1 && i + 2 < nt && !(t[i + 2].flags & DL_NT_SENT);
    uint64_t lm1 = hasm1 ? t[i - 1].h_lower : NONE;
    uint64_t lp1 = hasp1 ? t[i + 1].h_lower : NONE, lp2 = hasp2 ? t[i + 2].h_lower : NONE;
    uint64_t sm1 = hasm1 ? t[i - 1].h_shape : NONE, sp1 = hasp1 ? t[i + 1].h_shape : NONE;
    uint64_t sp2 = hasp2 ? t[i + 2].h_shape : NONE;
    uint8_t caps = (c->flags & DL_NT_CAPLINE) ? 1 : 0;

    if (mode & FM_STATIC) EMIT(F_BIAS, PRE_BIAS, 1, 0);
    if (mode & FM_STATIC) f[k++] = feat(F_WORD, c->h_word);
    if (mode & FM_STATIC) f[k++] = feat(F_LOWER, c->h_lower);
    if (mode & FM_STATIC) f[k++] = feat(F_SHAPE, c->h_shape + caps);
    if (mode & FM_STATIC) {
        /* affixes of the lower-case form, in bytes (enough for English) */
        char buf[LOWMAX];
        const char *low = doc->text + c->start, *suf = NULL;
        size_t nl = c->end - c->start;
        if ((c->flags & (DL_NT_PLAIN | DL_NT_ASCII)) == DL_NT_ASCII && nl <= 8) {
            /* a short ASCII word with capitals: lowered by table */
            const unsigned char *u = (const unsigned char *)low;
            for (size_t j = 0; j < nl; j++)
                buf[j] = (char)(u[j] | ((ASCII_CASE[u[j]] & 1) << 5));
            low = buf;
        } else if ((c->flags & (DL_NT_PLAIN | DL_NT_ASCII)) == DL_NT_ASCII) {
            /* a longer one: only its first three and last four bytes
             * matter */
            const unsigned char *u = (const unsigned char *)low;
            for (size_t j = 0; j < 3; j++)
                buf[j] = (char)(u[j] | ((ASCII_CASE[u[j]] & 1) << 5));
            for (size_t j = 0; j < 4; j++)
                buf[4 + j] = (char)(u[nl - 4 + j] | ((ASCII_CASE[u[nl - 4 + j]] & 1) << 5));
            low = buf, suf = buf + 8;
        } else if (!(c->flags & DL_NT_PLAIN)) {
            nl = lower_copy(low, nl, buf), low = buf;
        }
        if (!suf) suf = low + nl;
        f[k++] = feat(F_SUF3, nl >= 3 ? hash_bytes(suf - 3, 3) : c->h_lower);
        f[k++] = feat(F_SUF4, nl >= 4 ? hash_bytes(suf - 4, 4) : c->h_lower);
        f[k++] = feat(F_PRE3, nl >= 3 ? hash_bytes(low, 3) : c->h_lower);
    }
    if (mode & FM_STATIC) f[k++] = feat(F_LM1, lm1);
    if (mode & FM_STATIC) f[k++] = feat(F_LP1, lp1);
    if (mode & FM_STATIC) f[k++] = feat(F_LP2, lp2);
    if (mode & FM_STATIC) f[k++] = feat(F_SH3, mul1(sm1 * 31 + c->h_shape) ^ sp1);
    if (mode & FM_STATIC) f[k++] = feat(F_SHM1, sm1);
    if (mode & FM_STATIC) f[k++] = feat(F_SHP1, sp1);
    if (mode & FM_STATIC) f[k++] = feat(F_SHP1P2, mul1(sp1) ^ sp2);
    if (mode & FM_DYN) EMIT(F_P1, PRE_P1, 16, p1);
    if (mode & FM_DYN) EMIT(F_P12, PRE_P12, 144, p1 * 16 + p2);
    if (mode & FM_DYN) f[k++] = feat(F_P1W, c->h_lower + (uint64_t)p1);
    if (mode & FM_DYN) f[k++] = feat(F_P1LM1, lm1 * 13 + (uint64_t)p1);
    if (mode & FM_STATIC) f[k++] = feat(F_BIP1, mul1(c->h_lower) ^ lp1);
    if (mode & FM_STATIC) f[k++] = feat(F_WM1SH, mul1(lm1) ^ c->h_shape);
    if (mode & FM_STATIC) f[k++] = feat(F_SHWP1, mul1(c->h_shape) ^ lp1);
    {
        /* the run of capitalised tokens this one is in: length, position */
        size_t a = i, b = i + 1;
        const uint16_t CAPF = DL_NT_CAP;
        if ((c->flags & CAPF) && (mode & FM_STATIC)) {
            while (a > 0 && i - a < 6 && (t[a - 1].flags & CAPF) && !(t[a].flags & DL_NT_SENT)) a--;
            while (b < nt && b - i < 6 && (t[b].flags & CAPF) && !(t[b].flags & DL_NT_SENT)) b++;
            EMIT(F_RUN, PRE_RUN, 128, (uint64_t)((i - a) * 8 + (b - i)) + 64u * caps);
            if (b - a > 1 && !caps) {
                /* "... Bank", "... Inc.", "... United" name the whole run */
                if (b - 1 != i) f[k++] = feat(F_RUNLAST, t[b - 1].h_lower);
                if (a != i) f[k++] = feat(F_RUNFIRST, t[a].h_lower);
            }
        }
    }
    if (sent && (mode & FM_STATIC)) {
        f[k++] = feat(F_SENTSH, c->h_shape);
        f[k++] = feat(F_SENTW, c->h_lower);
    }
    if (caps && (mode & FM_STATIC)) f[k++] = feat(F_CAPLINE, c->h_lower);
    for (int b = 0; b < 6; b++)
        if ((c->gaz & (1 << b)) && (mode & FM_STATIC)) EMIT(F_GAZ, PRE_GAZ, 8, b);
    if (hasm1 && t[i - 1].gaz && (mode & FM_STATIC))
        EMIT(F_GAZM1, PRE_GAZM1, 64, t[i - 1].gaz);
    if (hasp1 && t[i + 1].gaz && (mode & FM_STATIC))
        EMIT(F_GAZP1, PRE_GAZP1, 64, t[i + 1].gaz);
    uint8_t dv = doc_get(doc, c->h_lower);
    if (c->flags & (DL_NT_CAP | DL_NT_DIGIT)) {
        int hist = (dv >> 4) & 7;
        if (mode & FM_DYN) EMIT(F_HIST, PRE_HIST, 8, hist);
        if (mode & FM_STATIC) EMIT(F_DOCLOW, PRE_DOCLOW, 8, (uint64_t)((dv & DOC_SEEN_LOWER) ? 1 : 0) + 2u * sent + 4u * caps);
        if ((caps || sent) && (mode & FM_STATIC))
            EMIT(F_DOCCAP, PRE_DOCCAP, 4, (uint64_t)((dv & DOC_SEEN_CAP) ? 1 : 0) + 2u * caps);
        if (caps && hist && (mode & FM_DYN))
            EMIT(F_CAPLINE_DOC, PRE_CAPDOC, 8, hist);
    }
    if (doc->pass == 1 && (c->flags & (DL_NT_CAP | DL_NT_DIGIT)) && (mode & FM_DYN)) {
        size_t s = doc_slot(doc, c->h_lower | 1);
        uint64_t v = doc->hk[s] ? doc->hv2[s] : 0;
        EMIT(F_PASS1, PRE_PASS1, 32, v);
        EMIT(F_PASS1X, PRE_PASS1X, 256, v * 8 + 4u * caps + 2u * sent + (uint64_t)(p1 == DL_NER_O || p1 == DL_NER_BOS));
    }
    DL_ASSERT(k + nr <= DL_NER_MAXF);
    if (pre) *kr = nr;
    return k;
}
#undef EMIT

size_t dl_ner_feats(const dl_ner_doc *doc, size_t i, int p1, int p2, uint64_t *f)
{
    return feats_mode(doc, i, p1, p2, f, FM_ALL, NULL, NULL, NULL);
}

/* ------------------------------------------------------------ model I/O */

static const char MAGIC[8] = {'D', 'L', 'N', 'E', 'R', '0', '0', '4'};
#define HDR 32

dl_ner_model *dl_ner_model_new(uint32_t nbits)
{
    dl_ner_model *m = dl_calloc(1, sizeof *m);
    if (m) m->nbits = nbits, m->scale = 1, lex_init(m);
    return m;
}

void dl_ner_free(void *model)
{
    dl_ner_model *m = model;
    if (!m) return;
    free(m->gaz_key);
    free(m->gaz_val);
    if (m->blob) munmap(m->blob, m->blob_len);
    free((void *)m->pre);
    free(m);
}

int dl_ner_model_save(const dl_ner_model *m, const float *w, const char *path)
{
    size_t rows = (size_t)1 << m->nbits, nw = rows * DL_NER_NT;
    float mx = 0;
    for (size_t i = 0; i < nw; i++) mx = DL_MAX(mx, w[i] < 0 ? -w[i] : w[i]);
    float scale = mx > 0 ? 32000.0f / mx : 1.0f;
    size_t raw = HDR + m->gaz_n * 16 + rows / 8 + nw * 2;
    unsigned char *b = dl_calloc(raw, 1);
    if (!b) return DL_ENOMEM;
    size_t o = 0;
    uint32_t u;
    memcpy(b, MAGIC, 8), o = 8;
    u = m->nbits, memcpy(b + o, &u, 4), o += 4;
    u = DL_NER_NT, memcpy(b + o, &u, 4), o += 4;
    memcpy(b + o, &scale, 4), o += 4;
    u = (uint32_t)m->gaz_n, memcpy(b + o, &u, 4), o += 4;
    o = HDR;
    for (size_t i = 0; m->gaz_key && i <= m->gaz_mask; i++) {
        if (!m->gaz_key[i]) continue;
        memcpy(b + o, &m->gaz_key[i], 8);
        memset(b + o + 8, 0, 8);
        b[o + 8] = m->gaz_val[i];
        o += 16;
    }
    /* sparse weights: a bitmap of the rows that have a non-zero weight,
     * then those rows packed */
    unsigned char *bitmap = b + o;
    o += rows / 8;
    for (size_t r = 0; r < rows; r++) {
        int16_t q[DL_NER_NT];
        int any = 0;
        for (int y = 0; y < DL_NER_NT; y++) {
            float x = w[r * DL_NER_NT + (size_t)y] * scale;
            q[y] = (int16_t)(x < 0 ? x - 0.5f : x + 0.5f);
            any |= q[y] != 0;
        }
        if (!any) continue;
        bitmap[r / 8] |= (unsigned char)(1u << (r % 8));
        memcpy(b + o, q, sizeof q);
        o += sizeof q;
    }
    size_t zcap = ZSTD_compressBound(o);
    void *z = dl_malloc(zcap);
    if (!z) {
        free(b);
        return DL_ENOMEM;
    }
    size_t zn = ZSTD_compress(z, zcap, b, o, 19);
    free(b);
    int rc = DL_OK;
    FILE *fp = ZSTD_isError(zn) ? NULL : fopen(path, "wb");
    if (!fp || fwrite(z, 1, zn, fp) != zn) rc = DL_EIO;
    if (fp && fclose(fp)) rc = DL_EIO;
    free(z);
    return rc;
}

static uint32_t row_index(const dl_ner_model *m, uint64_t f);

/* The rows of the fixed-range templates for every value (see PRE_*). */
static int pre_init(dl_ner_model *m)
{
    static const struct { uint16_t tmpl, off, size; } T[] = {
        {F_BIAS, PRE_BIAS, 1},       {F_GAZ, PRE_GAZ, 8},       {F_GAZM1, PRE_GAZM1, 64},
        {F_GAZP1, PRE_GAZP1, 64},    {F_DOCLOW, PRE_DOCLOW, 8}, {F_DOCCAP, PRE_DOCCAP, 4},
        {F_RUN, PRE_RUN, 128},       {F_P1, PRE_P1, 16},        {F_P12, PRE_P12, 144},
        {F_HIST, PRE_HIST, 8},       {F_CAPLINE_DOC, PRE_CAPDOC, 8},
        {F_PASS1, PRE_PASS1, 32},    {F_PASS1X, PRE_PASS1X, 256},
    };
    uint32_t *pre = dl_malloc(PRE_N * sizeof *pre);
    if (!pre) return DL_ENOMEM;
    for (size_t k = 0; k < DL_ARRAY_LEN(T); k++)
        for (uint64_t v = 0; v < T[k].size; v++)
            pre[T[k].off + v] = row_index(m, feat(T[k].tmpl, v));
    m->pre = pre;
    return DL_OK;
}

int dl_ner_load(const char *path, void **model)
{
    *model = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) return DL_ENOTFOUND;
    int rc = DL_ECORRUPT;
    void *z = NULL, *raw = NULL;
    dl_ner_model *m = NULL;
    long zl = -1;
    if (fseek(fp, 0, SEEK_END) == 0) zl = ftell(fp);
    if (zl <= 0 || fseek(fp, 0, SEEK_SET) != 0) goto out;
    z = dl_malloc((size_t)zl);
    if (!z) {
        rc = DL_ENOMEM;
        goto out;
    }
    if (fread(z, 1, (size_t)zl, fp) != (size_t)zl) {
        rc = DL_EIO;
        goto out;
    }
    unsigned long long rl = ZSTD_getFrameContentSize(z, (size_t)zl);
    if (rl == ZSTD_CONTENTSIZE_ERROR || rl == ZSTD_CONTENTSIZE_UNKNOWN || rl < HDR ||
        rl > ((size_t)1 << 31))
        goto out;
    raw = dl_malloc((size_t)rl);
    if (!raw) {
        rc = DL_ENOMEM;
        goto out;
    }
    size_t got = ZSTD_decompress(raw, (size_t)rl, z, (size_t)zl);
    if (ZSTD_isError(got) || got != rl) goto out;
    const unsigned char *b = raw;
    uint32_t nbits, ntags, ngaz;
    float scale;
    if (memcmp(b, MAGIC, 8)) goto out;
    memcpy(&nbits, b + 8, 4), memcpy(&ntags, b + 12, 4), memcpy(&scale, b + 16, 4);
    memcpy(&ngaz, b + 20, 4);
    if (nbits < 9 || nbits > 26 || ntags != DL_NER_NT || !(scale > 0)) goto out;
    size_t rows = (size_t)1 << nbits, hdr = HDR + (size_t)ngaz * 16 + rows / 8;
    if (hdr > got) goto out;
    size_t nrows = 0;
    for (size_t i = 0; i + 8 <= rows / 8; i += 8) {
        uint64_t x;
        memcpy(&x, b + hdr - rows / 8 + i, 8);
        nrows += popcount64(x);
    }
    if (hdr + nrows * DL_NER_NT * 2 != got) goto out;
    m = dl_ner_model_new(nbits);
    if (!m) {
        rc = DL_ENOMEM;
        goto out;
    }
    m->scale = scale;
    for (size_t i = 0; i < ngaz; i++) {
        uint64_t k;
        memcpy(&k, b + HDR + i * 16, 8);
        if (k && gaz_put(m, k, b[HDR + i * 16 + 8])) {
            rc = DL_ENOMEM;
            goto out;
        }
    }
    /* the dense table: fresh zero pages from mmap (no memset), aligned to
     * 2 MB; rows never written stay zero */
    size_t tbytes = rows * DL_NER_NT * 2, huge = (size_t)2 << 20;
    size_t maplen = tbytes + huge;
    void *map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        rc = DL_ENOMEM;
        goto out;
    }
    int16_t *w = (int16_t *)(((uintptr_t)map + huge - 1) & ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
    /* transparent huge pages where the system allows them: 4 TLB entries
     * instead of 2048 for the rows the tagger reads at random (a failure
     * only costs speed) */
    madvise(w, tbytes, MADV_HUGEPAGE);
#endif
    const unsigned char *bitmap = b + hdr - rows / 8, *src = b + hdr;
    for (size_t byte = 0; byte < rows / 8; byte++) {
        unsigned bits = bitmap[byte];
        while (bits) {
            size_t r = byte * 8 + (size_t)__builtin_ctz(bits);
            bits &= bits - 1;
            memcpy(w + r * DL_NER_NT, src, DL_NER_NT * 2);
            src += DL_NER_NT * 2;
        }
    }
    m->w = w;
    m->blob = map;
    m->blob_len = maplen;
    if (pre_init(m)) {
        rc = DL_ENOMEM;
        goto out;
    }
    *model = m;
    m = NULL;
    rc = DL_OK;
out:
    fclose(fp);
    free(z);
    free(raw);
    dl_ner_free(m);
    return rc;
}

int dl_ner_find_model(char *buf, size_t cap)
{
    const char *env = getenv("DATELINE_MODELS");
    if (env && *env) {
        snprintf(buf, cap, "%s/ner.model", env);
        if (access(buf, R_OK) == 0) return DL_OK;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash) break;
            *slash = 0;
            snprintf(buf, cap, "%s/models/ner.model", exe);
            if (access(buf, R_OK) == 0) return DL_OK;
        }
    }
    snprintf(buf, cap, "models/ner.model");
    if (access(buf, R_OK) == 0) return DL_OK;
    return DL_ENOTFOUND;
}

/* ------------------------------------------------------------ tagging */

/* The weight row (bucket) of feature f. */
static inline uint32_t row_index(const dl_ner_model *m, uint64_t f)
{
    return (uint32_t)(f >> (64 - m->nbits));
}

/* Adds the rows idx[0, n) to s. */
static inline void add_idx(const dl_ner_model *m, const uint32_t *idx, size_t n, int32_t *s)
{
#ifdef __SSE2__
    _Static_assert(DL_NER_NT == 8, "one 16-byte row of int16 per feature");
    /* widen the 8 int16 of a row to int32 and add */
    __m128i lo = _mm_loadu_si128((const __m128i *)s), hi = _mm_loadu_si128((const __m128i *)(s + 4));
    for (size_t j = 0; j < n; j++) {
        __m128i r = _mm_load_si128((const __m128i *)(const void *)(m->w + (size_t)idx[j] * DL_NER_NT));
        lo = _mm_add_epi32(lo, _mm_srai_epi32(_mm_unpacklo_epi16(r, r), 16));
        hi = _mm_add_epi32(hi, _mm_srai_epi32(_mm_unpackhi_epi16(r, r), 16));
    }
    _mm_storeu_si128((__m128i *)s, lo);
    _mm_storeu_si128((__m128i *)(s + 4), hi);
#else
    for (size_t j = 0; j < n; j++) {
        const int16_t *row = m->w + (size_t)idx[j] * DL_NER_NT;
        for (int y = 0; y < DL_NER_NT; y++) s[y] += row[y];
    }
#endif
}


/* The tagger's scratch for one document: for each token, the sum of its
 * static features' weights (FM_STATIC, see feats_mode), computed once,
 * ahead of decoding, for both passes; a decision then scores only the
 * ~10 dynamic features, whose rows are mostly in cache. */
typedef struct tag_ctx {
    const dl_ner_model *m;
    int32_t (*st)[DL_NER_NT];
    uint8_t *have; /* st[i] computed */
} tag_ctx;

/* Static sums of the tokens that pass 0 always scores (any token that is
 * no lower-case word, number or punctuation), in batches of eight whose
 * rows (about 300, read at random from the 8 MB table) are prefetched one
 * batch ahead of their sums, so that the cache misses overlap. */
static void static_sums(tag_ctx *c, const dl_ner_doc *doc)
{
    enum { B = 8 };
    uint64_t f[DL_NER_MAXF];
    uint32_t rw[2][B * DL_NER_MAXF]; /* row numbers */
    size_t idx[2][B], off[2][B + 1], nb[2] = {0, 0};
    size_t n = doc->t.n, i = 0;
    for (int cur = 0;; cur ^= 1) {
        /* batch cur: features and prefetches */
        size_t k = 0, nf = 0;
        for (; i < n && k < B; i++) {
            if (doc->t.v[i].flags & (DL_NT_LOWER | DL_NT_PUNCT | DL_NT_DIGIT)) continue;
            idx[cur][k] = i;
            off[cur][k++] = nf;
            /* rows of the fixed-range features first, then the hashed ones */
            size_t kr = 0;
            size_t kf = feats_mode(doc, i, 0, 0, f, FM_STATIC, c->m->pre, rw[cur] + nf, &kr);
            for (size_t j = 0; j < kf; j++) {
                uint32_t row = row_index(c->m, f[j]);
                rw[cur][nf + kr + j] = row;
                __builtin_prefetch(c->m->w + (size_t)row * DL_NER_NT);
            }
            nf += kr + kf;
        }
        off[cur][k] = nf;
        nb[cur] = k;
        /* batch cur ^ 1, prefetched a batch ago: sums */
        int prev = cur ^ 1;
        for (size_t b = 0; b < nb[prev]; b++) {
            int32_t *st = c->st[idx[prev][b]];
            memset(st, 0, sizeof c->st[0]);
            add_idx(c->m, rw[prev] + off[prev][b], off[prev][b + 1] - off[prev][b], st);
            c->have[idx[prev][b]] = 1;
        }
        nb[prev] = 0;
        if (!k) break;
    }
}

/* Scores token i with the int16 model and picks the best valid tag. */
static int choose_model(void *ctx, const dl_ner_doc *doc, size_t i, int p1, int p2)
{
    tag_ctx *c = ctx;
    uint64_t f[DL_NER_MAXF];
    uint32_t rw[DL_NER_MAXF];
    size_t kr = 0, kf;
    if (!c->have[i]) { /* a token pass 0 scores only after an entity */
        memset(c->st[i], 0, sizeof c->st[0]);
        kf = feats_mode(doc, i, 0, 0, f, FM_STATIC, c->m->pre, rw, &kr);
        for (size_t j = 0; j < kf; j++) rw[kr + j] = row_index(c->m, f[j]);
        add_idx(c->m, rw, kr + kf, c->st[i]);
        c->have[i] = 1;
    }
    int32_t s[DL_NER_NT];
    memcpy(s, c->st[i], sizeof s);
    kr = 0;
    kf = feats_mode(doc, i, p1, p2, f, FM_DYN, c->m->pre, rw, &kr);
    for (size_t j = 0; j < kf; j++) rw[kr + j] = row_index(c->m, f[j]);
    add_idx(c->m, rw, kr + kf, s);
    int best = DL_NER_O;
    int32_t bs = INT32_MIN;
    for (int y = 0; y < DL_NER_NT; y++)
        if (dl_ner_valid(p1, y) && s[y] > bs) bs = s[y], best = y;
    return best;
}

/* In the second pass, is token i (tagged old in the first) worth scoring
 * again?  Only when the document gave its word several classes, or an
 * entity class elsewhere while it got O here. */
static int unsure(const dl_ner_doc *doc, size_t i, int old)
{
    const dl_ner_tok *t = &doc->t.v[i];
    size_t s = doc_slot(doc, t->h_lower | 1);
    unsigned v = doc->hk[s] ? doc->hv2[s] : 0;
    if (t->flags & DL_NT_CAPLINE) return 1;
    if (v & (v - 1)) return 1; /* two or more classes */
    return old == DL_NER_O ? (v & 15) != 0 : 0;
}

void dl_ner_decode(dl_ner_doc *doc, uint8_t *tags, dl_ner_choose_fn choose, void *ctx)
{
    for (int pass = 0; pass < 2; pass++) {
        int p1 = DL_NER_BOS, p2 = DL_NER_BOS, changed = 0;
        dl_ner_pass(doc, pass);
        /* lines in capitals (headlines) last, so that they see what the
         * body said about their words */
        size_t n = doc->t.n, end = doc->caplines ? 2 * n : n;
        int caplines = doc->caplines;
        for (size_t r = 0; r < end; r++) {
            size_t i = r < n ? r : r - n;
            if (caplines && !(doc->t.v[i].flags & DL_NT_CAPLINE) != (r < n)) continue;
            if (doc->t.v[i].flags & DL_NT_SENT) p1 = p2 = DL_NER_BOS, changed = 0;
            int best = DL_NER_O, old = pass ? tags[i] : DL_NER_O;
            if (!dl_ner_skip(doc, i, p1)) {
                if (pass == 0 || changed || !dl_ner_valid(p1, old) || unsure(doc, i, old)) {
                    best = choose(ctx, doc, i, p1, p2);
                } else {
                    best = old;
                }
                dl_ner_note(doc, i, best);
            }
            changed = pass && best != old;
            tags[i] = (uint8_t)best;
            p2 = p1, p1 = best;
        }
    }
}

/* ------------------------------------------------------------ aliases */

typedef struct mention {
    uint32_t a, b;   /* token range [a, b) of the name, titles excluded */
    uint32_t start, end; /* byte span as output */
    int type;        /* DL_PERSON/ORG/PLACE */
    int ent;         /* entity index */
    int sir;         /* preceded by (or begins with) Sir / Dame */
    int nominal;     /* "the ambassador" */
    int ptitle;      /* after a personal title: Mr, Mrs, Ms, Dr, Sir... */
} mention;

typedef struct ent {
    int type;
    int best;        /* mention giving the canonical name */
    int nm;          /* mentions */
    int sir;
    uint32_t first;  /* first mention index */
    int votes[4];    /* mentions typed PERSON, ORG, PLACE: the majority wins */
} ent;

/* u64 -> int map, open addressing, for linear-time linking; kept from one
 * document to the next (link_ws), so that init clears, not allocates. */
typedef struct imap {
    uint64_t *k;
    int *v;
    size_t mask;
    size_t alloc; /* slots allocated */
} imap;

/* Empties m and sizes it for n keys. */
static int imap_init(imap *m, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 2) cap *= 2;
    if (cap > m->alloc) {
        free(m->k), free(m->v);
        m->k = dl_calloc(cap, sizeof *m->k);
        m->v = dl_calloc(cap, sizeof *m->v);
        m->alloc = m->k && m->v ? cap : 0;
        if (!m->alloc) {
            free(m->k), free(m->v);
            m->k = NULL, m->v = NULL, m->mask = 0;
            return DL_ENOMEM;
        }
    } else {
        memset(m->k, 0, cap * sizeof *m->k); /* v is set when its key is */
    }
    m->mask = cap - 1;
    return DL_OK;
}

static void imap_free(imap *m)
{
    free(m->k), free(m->v);
    memset(m, 0, sizeof *m);
}

static int *imap_slot(imap *m, uint64_t k, int create)
{
    k |= 1;
    size_t i = k & m->mask;
    while (m->k[i] && m->k[i] != k) i = (i + 1) & m->mask;
    if (!m->k[i]) {
        if (!create) return NULL;
        m->k[i] = k;
        m->v[i] = -1;
    }
    return &m->v[i];
}

static inline __attribute__((always_inline)) int tok_is(const dl_ner_doc *doc, size_t i, const char *w)
{
    const dl_ner_tok *t = &doc->t.v[i];
    size_t n = strlen(w);
    if (t->end - t->start != n) return 0;
    for (size_t j = 0; j < n; j++) {
        char c = doc->text[t->start + j];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != w[j]) return 0;
    }
    return 1;
}

static inline int tok_in(const dl_ner_doc *doc, size_t i, int lex)
{
    return (doc->t.v[i].lex & lex) != 0;
}

static int is_title_at(const dl_ner_doc *doc, size_t i)
{
    return tok_in(doc, i, DL_LEX_TITLE) && (doc->t.v[i].flags & DL_NT_CAP);
}

/* Hash of the mention's name tokens (lower case), [a, b). */
static uint64_t name_key(const dl_ner_doc *doc, uint32_t a, uint32_t b, int type)
{
    uint64_t k = (uint64_t)type * 0x9e3779b97f4a7c15ULL;
    for (uint32_t i = a; i < b; i++)
        if (!(doc->t.v[i].flags & DL_NT_PUNCT) || tok_is(doc, i, "&")) k = gaz_chain(k, doc->t.v[i].h_lower);
    return k;
}

static size_t name_words(const dl_ner_doc *doc, uint32_t a, uint32_t b)
{
    size_t n = 0;
    for (uint32_t i = a; i < b; i++)
        if (!(doc->t.v[i].flags & DL_NT_PUNCT)) n++;
    return n;
}

/* Initials of a multi-word ORG name ("Federal Bureau of Investigation" ->
 * "fbi"), hashed; 0 when not acronym-able. */
static uint64_t initials_key(const dl_ner_doc *doc, uint32_t a, uint32_t b)
{
    char ini[16];
    size_t n = 0;
    for (uint32_t i = a; i < b; i++) {
        const dl_ner_tok *t = &doc->t.v[i];
        if (t->flags & DL_NT_PUNCT) continue;
        if (tok_in(doc, i, DL_LEX_STOP) && !(t->flags & DL_NT_CAP)) continue;
        if (tok_is(doc, i, "of") || tok_is(doc, i, "and") || tok_is(doc, i, "the") || tok_is(doc, i, "for")) continue;
        char c = doc->text[t->start];
        if (!is_ascii_letter(c) || n >= sizeof ini) return 0;
        ini[n++] = (char)(c | 0x20);
    }
    return n >= 2 ? hash_bytes(ini, n) ^ 0xacac : 0;
}

/* The acronym of a single all-capital token ("FBI" -> "fbi"), hashed. */
static uint64_t acronym_key(const dl_ner_doc *doc, uint32_t a, uint32_t b)
{
    if (b != a + 1) return 0;
    const dl_ner_tok *t = &doc->t.v[a];
    size_t n = t->end - t->start;
    if (!(t->flags & DL_NT_ALLCAP) || n < 2 || n > 8) return 0;
    char ini[16];
    size_t o = 0;
    for (size_t j = 0; j < n; j++) {
        char c = doc->text[t->start + j];
        if (c == '.') continue;
        if (!is_ascii_letter(c)) return 0;
        ini[o++] = (char)(c | 0x20);
    }
    return o >= 2 ? hash_bytes(ini, o) ^ 0xacac : 0;
}

static int is_role(const dl_ner_doc *doc, size_t i)
{
    return tok_in(doc, i, DL_LEX_ROLE);
}

static uint64_t role_key(const dl_ner_doc *doc, size_t i)
{
    return doc->t.v[i].h_lower ^ 0x70e1e;
}

/* Role introduced right before mention m: "UK ambassador Sir Kim Darroch",
 * "Foreign Secretary Jeremy Hunt".  Returns the role token or -1. */
static long role_before(const dl_ner_doc *doc, const mention *m)
{
    long i = (long)m->a - 1;
    int n = 0;
    while (i >= 0 && n < 2 && (doc->t.v[i].flags & DL_NT_CAP) && !is_role(doc, (size_t)i) &&
           tok_in(doc, (size_t)i, DL_LEX_TITLE))
        i--, n++; /* Sir, Mr */
    if (i < 0 || (doc->t.v[m->a].flags & DL_NT_SENT)) return -1;
    if (!is_role(doc, (size_t)i)) return -1;
    return i;
}

/* Role in an apposition or predicate after the mention: "X, the US
 * ambassador, ..."; "X has resigned as UK ambassador".  -1 if none. */
static long role_after(const dl_ner_doc *doc, const mention *m)
{
    size_t nt = doc->t.n, i = m->b;
    if (i >= nt) return -1;
    size_t lim;
    if (tok_is(doc, i, ",")) {
        i++;
        lim = i + 5;
    } else {
        /* "has resigned as", "was named as", "is" */
        size_t j = i;
        while (j < nt && j < i + 4 && !tok_is(doc, j, "as") &&
               (doc->t.v[j].flags & DL_NT_LOWER))
            j++;
        if (j >= nt || !tok_is(doc, j, "as")) return -1;
        i = j + 1;
        lim = i + 4;
    }
    for (size_t j = i; j < nt && j < lim; j++) {
        const dl_ner_tok *t = &doc->t.v[j];
        if (t->flags & DL_NT_SENT) return -1;
        if (is_role(doc, j)) {
            /* the role must end the noun phrase: not "ambassador's" */
            return (long)j;
        }
        if ((t->flags & DL_NT_PUNCT) && !tok_is(doc, j, "'s") && !tok_is(doc, j, "\xe2\x80\x99s")) return -1;
    }
    return -1;
}

typedef DL_VEC(mention) mentionvec;

static int add_mention(mentionvec *ms, mention m)
{
    return dl_vec_push(ms, m);
}

/* ------------------------------------------------------------ span repairs */

/* 1 for a possessive apostrophe token, ' or ’ */
static int is_apos(const dl_ner_doc *doc, size_t i)
{
    const dl_ner_tok *t = &doc->t.v[i];
    const char *s = doc->text + t->start;
    size_t n = t->end - t->start;
    return (n == 1 && s[0] == '\'') || (n == 3 && memcmp(s, "\xe2\x80\x99", 3) == 0);
}

/* 1 when token j may continue a name begun at j - 1: a capitalised word of
 * the same sentence and line, in running text, and no weekday or month */
static int continues(const dl_ner_doc *doc, size_t j)
{
    const dl_ner_tok *t = &doc->t.v[j];
    if (!(t->flags & DL_NT_CAP) || (t->flags & (DL_NT_SENT | DL_NT_CAPLINE | DL_NT_PUNCT)))
        return 0;
    if (t->lex & (DL_LEX_TIME | DL_LEX_TIMENM | DL_LEX_STOP)) return 0;
    return !newline_before(doc->text, &doc->t.v[j - 1], t);
}

/* 1 for a noun that heads an organisation's name after a plural
 * possessive: "Farmers' Union", "Citizens' Council" */
static int org_head(const dl_ner_doc *doc, size_t i)
{
    static const char *const HEADS[] = {
        "union", "unions", "association", "party", "council", "league", "cup", "federation",
        "guild", "alliance", "fund", "society", "club", "congress", "front", "movement",
        "committee", "organisation", "organization", "confederation", "coalition", "network",
        "institute", "trust", "cooperative", "co-operative", "caucus", "forum", "army",
        "co", "co.", "inc", "inc.", "ltd", "ltd.", "corp", "corp.", "company", "group", NULL};
    for (size_t k = 0; HEADS[k]; k++)
        if (tok_is(doc, i, HEADS[k])) return 1;
    return 0;
}

/* Repairs the decoded tags where greedy decoding cuts names short, in
 * place, before linking (the trainer never sees this: it learns the
 * tagger's raw decisions):
 *  - a one-word PERSON ("Bernie") followed by a capitalised word that the
 *    tagger made MISC, O or a second B-PER ("Sanders") takes that word in
 *    when the word is tagged PERSON elsewhere in the document or is itself
 *    a B-PER;
 *  - an ORG ending in a plural possessive ("Harbour Workers' Union") goes
 *    on over the apostrophe and the capitalised words after it.
 * Reuses doc->hv2 (decoding is over) for "tagged PERSON somewhere"; no
 * allocation, linear. */
void dl_ner_fix_tags(dl_ner_doc *doc, uint8_t *tags)
{
    size_t nt = doc->t.n;
    const dl_ner_tok *t = doc->t.v;
    memset(doc->hv2, 0, doc->hmask + 1);
    for (size_t i = 0; i < nt; i++)
        if (tag_class(tags[i]) == 1) {
            size_t s = doc_slot(doc, t[i].h_lower | 1);
            /* bit 1: ends a PERSON name of two words or more (a surname) */
            int last = tags[i] == DL_NER_I_PER && (i + 1 == nt || tags[i + 1] != DL_NER_I_PER);
            /* bit 2: begins one (a first name) */
            int first = tags[i] == DL_NER_B_PER && i + 1 < nt && tags[i + 1] == DL_NER_I_PER;
            if (doc->hk[s]) doc->hv2[s] |= (uint8_t)(1 | (last << 1) | (first << 2));
        }
    for (size_t i = 0; i < nt; i++) {
        if (tags[i] != DL_NER_B_PER && tags[i] != DL_NER_B_ORG) continue;
        size_t j = i + 1;
        while (j < nt && tags[j] == tags[i] + 1) j++;
        if (j >= nt) break;
        if (tags[i] == DL_NER_B_PER) {
            /* one name word, after titles at most ("Sen. Bernie") */
            size_t a = i;
            while (a + 1 < j && ((t[a].lex & (DL_LEX_TITLE | DL_LEX_ROLE | DL_LEX_PTITLE)) ||
                                 doc->text[t[a].end - 1] == '.'))
                a++;
            if (a + 1 != j || !continues(doc, j) || (t[i].flags & DL_NT_CAPLINE)) continue;
            if ((t[a].lex & (DL_LEX_TITLE | DL_LEX_ROLE | DL_LEX_PTITLE)) ||
                doc->text[t[a].end - 1] == '.')
                continue; /* "Sir" + "Kim": the title is not the first name */
            int tj = tags[j];
            if (tj != DL_NER_O && tj != DL_NER_MISC && tj != DL_NER_B_PER) continue;
            if (t[j].lex & (DL_LEX_TITLE | DL_LEX_ROLE)) continue;
            size_t s = doc_slot(doc, t[j].h_lower | 1);
            unsigned hj = doc->hk[s] ? doc->hv2[s] : 0;
            /* a second B-PER that begins a full name stays apart ("... Chris
             * Christie"); one that is a surname here joins */
            if (tj == DL_NER_B_PER && j + 1 < nt && tags[j + 1] == DL_NER_I_PER &&
                (t[j + 1].flags & DL_NT_CAP))
                continue;
            int per_elsewhere = tj == DL_NER_B_PER ? (hj & 2) != 0 : (hj & 1) != 0;
            /* or an unknown word ending a capitalised run after a word
             * that is no surname here: "Bernie Sanders (I-VT)" */
            size_t si = doc_slot(doc, t[i].h_lower | 1);
            int unknown = !(doc_get(doc, t[j].h_lower) & DOC_SEEN_LOWER) && !(hj & 4) &&
                          !(doc->hk[si] && (doc->hv2[si] & 2)) &&
                          !(j + 1 < nt && continues(doc, j + 1) &&
                            !newline_before(doc->text, &t[j], &t[j + 1]));
            if (!per_elsewhere && !unknown) continue;
            tags[j] = DL_NER_I_PER;
        } else if (j + 1 < nt && is_apos(doc, j) && t[j].start == t[j - 1].end &&
                   (doc->text[t[j - 1].end - 1] == 's' || doc->text[t[j - 1].end - 1] == 'S') &&
                   !(t[j - 1].flags & DL_NT_ALLCAP) && continues(doc, j + 1)) {
            /* the capitalised run after the apostrophe, up to its last
             * organisation noun ("Kloof Gold Mining Co") */
            size_t head = 0;
            for (size_t k = j + 1; k < nt && k < j + 6 && (k == j + 1 || continues(doc, k)) &&
                                   tags[k] != DL_NER_B_PER && tags[k] != DL_NER_B_LOC;
                 k++)
                if (org_head(doc, k)) head = k;
            if (!head) continue;
            for (size_t k = j; k <= head; k++) tags[k] = DL_NER_I_ORG;
            i = head;
        }
    }
}

/* Links the mentions into entities and appends them to d->ents. */
/* The linker's buffers, kept from one document to the next (ner_ws). */
typedef struct link_ws {
    mentionvec ms;
    DL_VEC(ent) es;
    imap exact, surname, first, acro, roles;
} link_ws;

static void link_ws_free(link_ws *w)
{
    dl_vec_free(&w->ms);
    dl_vec_free(&w->es);
    imap_free(&w->exact), imap_free(&w->surname), imap_free(&w->first);
    imap_free(&w->acro), imap_free(&w->roles);
}

static int link_entities(const dl_ner_doc *doc, const uint8_t *tags, dl_doc *d, link_ws *lw)
{
    lw->ms.n = 0;
    lw->es.n = 0;
    int rc = DL_OK;
    size_t nt = doc->t.n;

    /* 1. mentions from the tags */
    for (size_t i = 0; i < nt;) {
        int tg = tags[i];
        if (tg == DL_NER_O || !(tg & 1)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < nt && tags[j] == tg + 1) j++;
        int cls = tag_class(tg);
        if (cls <= 3) {
            mention m = {(uint32_t)i, (uint32_t)j, doc->t.v[i].start, doc->t.v[j - 1].end,
                         cls == 1 ? DL_PERSON : cls == 2 ? DL_ORG : DL_PLACE, -1, 0, 0, 0};
            /* drop a trailing "'s" or punctuation the tagger took in, and
             * a weekday or month glued on ("Bill Clinton Saturday", "United
             * States April 5"; "May" only before a day number: "Theresa
             * May"), with the lower-case words before it ("... in July") */
            int timed = 0;
            while (m.b > m.a + 1) {
                const dl_ner_tok *l = &doc->t.v[m.b - 1];
                int tw = (l->flags & DL_NT_CAP) &&
                         ((l->lex & DL_LEX_TIME) ||
                          ((l->lex & DL_LEX_TIMENM) && m.b < nt &&
                           (doc->t.v[m.b].flags & DL_NT_DIGIT)));
                if (tw && tok_is(doc, m.b - 2, "super")) break; /* Super Tuesday */
                if (!tw && !(l->flags & DL_NT_PUNCT) && !(timed && (l->flags & DL_NT_LOWER)))
                    break;
                timed |= tw;
                m.b--;
            }
            m.end = doc->t.v[m.b - 1].end;
            /* a function word that only has its capital from the sentence
             * start is no part of the name: "Until Mr Smith", "Since Paris" */
            if (m.b > m.a + 1 && (doc->t.v[m.a].lex & DL_LEX_FUNC) &&
                (doc->t.v[m.a].flags & DL_NT_SENT)) {
                m.a++;
                m.start = doc->t.v[m.a].start;
            }
            /* what is left of "Until Thursday", "Since December": a
             * sentence's first word, seen in lower case elsewhere */
            const dl_ner_tok *t1 = &doc->t.v[m.a];
            if (m.b == m.a + 1 && ((timed && (t1->flags & DL_NT_SENT) &&
                                    (doc_get(doc, t1->h_lower) & DOC_SEEN_LOWER)) ||
                                   (t1->lex & (DL_LEX_TIME | DL_LEX_FUNC)))) {
                i = j;
                continue;
            }
            /* personal titles inside the span: out of the name (and of the
             * span, except Sir/Dame which may stay) */
            while (m.b > m.a + 1 && (m.type == DL_PERSON ? is_title_at(doc, m.a)
                                                         : tok_in(doc, m.a, DL_LEX_PTITLE))) {
                if (tok_in(doc, m.a, DL_LEX_SIR)) m.sir = 1;
                else m.start = doc->t.v[m.a + 1].start;
                if (tok_in(doc, m.a, DL_LEX_PTITLE)) m.ptitle = 1;
                m.a++;
            }
            if (m.a > 0 && (doc->t.v[m.a - 1].flags & DL_NT_CAP)) {
                if (tok_in(doc, m.a - 1, DL_LEX_SIR)) m.sir = 1;
                if (tok_in(doc, m.a - 1, DL_LEX_PTITLE)) m.ptitle = 1;
            }
            /* a title alone ("Mr") is no name; a plural acronym ("MPs",
             * "CEOs") is a common noun */
            const dl_ner_tok *t0 = &doc->t.v[m.a];
            int plural = m.b == m.a + 1 && t0->end - t0->start >= 3 &&
                         doc->text[t0->end - 1] == 's' && (t0->flags & DL_NT_CAP) &&
                         doc->text[t0->end - 2] >= 'A' && doc->text[t0->end - 2] <= 'Z';
            int title_only = m.b == m.a + 1 && is_title_at(doc, m.a);
            if (m.ptitle) m.type = DL_PERSON; /* "Mr Brown" is a person */
            if (!title_only && !plural && (rc = add_mention(&lw->ms, m))) goto out;
        }
        i = j;
    }
    size_t nm = lw->ms.n;
    if (!nm) goto out;
    if ((rc = imap_init(&lw->exact, nm)) || (rc = imap_init(&lw->surname, nm)) ||
        (rc = imap_init(&lw->first, nm)) || (rc = imap_init(&lw->acro, nm)) ||
        (rc = imap_init(&lw->roles, nm)))
        goto out;

    /* 2. multi-word PERSON names first, so that surnames mentioned before
     * the full name still find it; then everything in text order */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nm; i++) {
            mention *m = &lw->ms.v[i];
            if (m->ent >= 0) continue;
            size_t w = name_words(doc, m->a, m->b);
            if (pass == 0 && !(m->type == DL_PERSON && w >= 2)) continue;
            uint64_t key = name_key(doc, m->a, m->b, m->type);
            int *slot = imap_slot(&lw->exact, key, 1);
            int e = *slot;
            if (e < 0 && m->type == DL_PERSON && w == 1) {
                int *s = imap_slot(&lw->surname, doc->t.v[m->a].h_lower, 0);
                if (s && *s >= 0) e = *s;
                else {
                    s = imap_slot(&lw->first, doc->t.v[m->a].h_lower, 0);
                    if (s && *s >= 0 && (m->sir || lw->es.v[*s].sir == 0)) e = *s;
                }
            }
            if (e < 0 && m->type == DL_PERSON && w >= 2) {
                /* "Kim Darroch" after "Sir Kim Darroch" is the same key; a
                 * longer form ("Boris Johnson" vs "Johnson") links by surname */
                int *s = imap_slot(&lw->surname, doc->t.v[m->b - 1].h_lower, 0);
                if (s && *s >= 0) {
                    const mention *bm = &lw->ms.v[lw->es.v[*s].best];
                    if (name_words(doc, bm->a, bm->b) == 1) e = *s;
                    else if (doc->t.v[bm->a].h_lower == doc->t.v[m->a].h_lower) e = *s;
                }
            }
            if (e < 0 && m->type == DL_ORG) {
                uint64_t ak = acronym_key(doc, m->a, m->b);
                int *s = ak ? imap_slot(&lw->acro, ak, 0) : NULL;
                if (s && *s >= 0) e = *s;
            }
            if (e < 0) {
                ent ne = {m->type, (int)i, 0, 0, (uint32_t)i, {0, 0, 0, 0}};
                if ((rc = dl_vec_push(&lw->es, ne))) goto out;
                e = (int)lw->es.n - 1;
            }
            *slot = e;
            m->ent = e;
            ent *E = &lw->es.v[e];
            E->nm++;
            E->votes[m->type]++;
            if (m->sir) E->sir = 1;
            const mention *bm = &lw->ms.v[E->best];
            size_t bw = name_words(doc, bm->a, bm->b);
            int better = w > bw || (w == bw && m->end - m->start > bm->end - bm->start);
            if (m->type == DL_ORG && acronym_key(doc, bm->a, bm->b) && !acronym_key(doc, m->a, m->b))
                better = 1; /* the expansion names an ORG better than its acronym */
            if (m->type == DL_ORG && acronym_key(doc, m->a, m->b) && !acronym_key(doc, bm->a, bm->b))
                better = 0;
            if (better) E->best = (int)i;
            if (m->type == DL_PERSON && w >= 2) {
                *imap_slot(&lw->surname, doc->t.v[m->b - 1].h_lower, 1) = e;
                int *f = imap_slot(&lw->first, doc->t.v[m->a].h_lower, 1);
                *f = (*f == -1 || *f == e) ? e : -2; /* -2: ambiguous first name */
            }
            if (m->type == DL_ORG && w >= 2) {
                uint64_t ik = initials_key(doc, m->a, m->b);
                if (ik) *imap_slot(&lw->acro, ik, 1) = e;
                /* "Foreign Office (FCO)" */
                if (m->b + 2 < nt && tok_is(doc, m->b, "(") && tok_is(doc, m->b + 2, ")")) {
                    uint64_t ak = acronym_key(doc, m->b + 1, m->b + 2);
                    if (ak) *imap_slot(&lw->acro, ak, 1) = e;
                }
            }
        }
    }
    /* the tagger may type one name differently in two places: the
     * majority of the entity's mentions decides (ties: the first) */
    for (size_t e = 0; e < lw->es.n; e++) {
        ent *E = &lw->es.v[e];
        for (int ty = DL_PERSON; ty <= DL_PLACE; ty++)
            if (E->votes[ty] > E->votes[E->type]) E->type = ty;
    }
    /* 3. a one-word ORG/PLACE entity that is a person's surname is that
     * person (the tagger is less sure of types than of spans) */
    for (size_t e = 0; e < lw->es.n; e++) {
        ent *E = &lw->es.v[e];
        const mention *bm = &lw->ms.v[E->best];
        if (E->type == DL_PERSON || E->nm == 0 || bm->b != bm->a + 1) continue;
        int *s = imap_slot(&lw->surname, doc->t.v[bm->a].h_lower, 0);
        if (!s || *s < 0) continue;
        for (size_t i = 0; i < nm; i++)
            if (lw->ms.v[i].ent == (int)e) {
                lw->ms.v[i].ent = *s;
                lw->ms.v[i].type = DL_PERSON;
                lw->es.v[*s].nm++;
            }
        E->nm = 0;
    }
    /* 4. nominal mentions: "the ambassador" for the person the article
     * introduced as ambassador (only when one person holds the role) */
    for (size_t i = 0; i < nm; i++) {
        mention *m = &lw->ms.v[i];
        if (m->type != DL_PERSON || m->ent < 0) continue;
        long r = role_before(doc, m);
        if (r < 0) r = role_after(doc, m);
        if (r < 0) continue;
        int *s = imap_slot(&lw->roles, role_key(doc, (size_t)r), 1);
        *s = (*s == -1 || *s == m->ent) ? m->ent : -2;
    }
    for (size_t i = 1; i + 1 < nt + 1 && i < nt; i++) {
        if (!is_role(doc, i) || !(doc->t.v[i].flags & DL_NT_LOWER)) continue;
        if (!tok_is(doc, i - 1, "the")) continue;
        if (i + 1 < nt && (doc->t.v[i + 1].flags & DL_NT_CAP) &&
            !(doc->t.v[i + 1].flags & DL_NT_SENT))
            continue; /* "the ambassador Kim Darroch": the name is the mention */
        if (i + 1 < nt && (tok_is(doc, i + 1, "'s") || tok_is(doc, i + 1, "of"))) continue;
        int *s = imap_slot(&lw->roles, role_key(doc, i), 0);
        if (!s || *s < 0) continue;
        mention nmn = {(uint32_t)(i - 1), (uint32_t)i + 1, doc->t.v[i - 1].start,
                       doc->t.v[i].end, DL_PERSON, *s, 0, 1, 0};
        if ((rc = add_mention(&lw->ms, nmn))) goto out;
        lw->es.v[*s].nm++;
    }

    /* 5. output: entities in order of first mention, mentions in text order */
    {
        size_t ne = lw->es.n, total = lw->ms.n;
        size_t *cnt = dl_calloc(ne + 1, sizeof *cnt);
        if (!cnt) {
            rc = DL_ENOMEM;
            goto out;
        }
        size_t base = d->ents.n;
        int *map = dl_calloc(ne + 1, sizeof *map);
        if (!map) {
            free(cnt);
            rc = DL_ENOMEM;
            goto out;
        }
        for (size_t e = 0; e < ne; e++) map[e] = -1;
        for (size_t i = 0; i < total; i++) cnt[lw->ms.v[i].ent]++;
        for (size_t i = 0; i < nm && !rc; i++) {
            int e = lw->ms.v[i].ent;
            if (map[e] >= 0 || lw->es.v[e].nm == 0) continue;
            dl_entity de = {0};
            de.type = lw->es.v[e].type;
            const mention *bm = &lw->ms.v[lw->es.v[e].best];
            uint32_t ns = doc->t.v[bm->a].start, nend = bm->end;
            if (bm->b > bm->a) nend = doc->t.v[bm->b - 1].end;
            size_t L = nend - ns;
            int sir = de.type == DL_PERSON && lw->es.v[e].sir && !is_title_at(doc, bm->a);
            const char *pre = "";
            if (sir) {
                /* the title as the article writes it, from a mention that has it */
                pre = "Sir ";
                for (size_t k = 0; k < nm; k++)
                    if (lw->ms.v[k].ent == e && lw->ms.v[k].a > 0 && tok_is(doc, lw->ms.v[k].a - 1, "dame"))
                        pre = "Dame ";
            }
            size_t pl = strlen(pre);
            de.name = dl_malloc(pl + L + 1);
            /* every one of its cnt[e] mentions is written below */
            de.mentions = dl_malloc((cnt[e] ? cnt[e] : 1) * sizeof *de.mentions);
            if (!de.name || !de.mentions || dl_vec_push(&d->ents, de)) {
                free(de.name), free(de.mentions);
                rc = DL_ENOMEM;
                break;
            }
            memcpy(de.name, pre, pl);
            /* white space runs (line breaks) inside a name become one space */
            size_t o = pl;
            for (size_t k = 0; k < L; k++) {
                char c = doc->text[ns + k];
                if (c == '\n' || c == '\r' || c == '\t') c = ' ';
                if (c == ' ' && o > 0 && d->ents.v[d->ents.n - 1].name[o - 1] == ' ') continue;
                d->ents.v[d->ents.n - 1].name[o++] = c;
            }
            d->ents.v[d->ents.n - 1].name[o] = 0;
            map[e] = (int)(d->ents.n - 1 - base);
        }
        if (!rc) {
            /* mentions: tagged ones are already in text order; nominal ones
             * come after them in ms, so insert each in place */
            for (size_t i = 0; i < total; i++) {
                int e = lw->ms.v[i].ent;
                if (map[e] < 0) continue;
                dl_entity *de = &d->ents.v[base + (size_t)map[e]];
                dl_span sp = {lw->ms.v[i].start, lw->ms.v[i].end};
                size_t k = de->n_mentions;
                while (k > 0 && de->mentions[k - 1].start > sp.start) {
                    de->mentions[k] = de->mentions[k - 1];
                    k--;
                }
                de->mentions[k] = sp;
                de->n_mentions++;
            }
        }
        free(cnt), free(map);
    }
out:
    return rc;
}

/* The tagger's buffers for one thread, kept from one document to the next
 * (a document then costs no calloc of its tables nor malloc of its
 * tokens): made on a thread's first document, freed when the thread exits
 * (key destructor) or after a document too large to keep its buffers. */
typedef struct ner_ws {
    dl_ner_doc doc;
    uint8_t *tags;
    int32_t (*st)[DL_NER_NT];
    uint8_t *have;
    size_t cap; /* tokens tags, st and have hold */
    link_ws link;
} ner_ws;

enum { WS_KEEP = 1 << 18 }; /* tokens above which the buffers are released */

static __thread ner_ws *g_ws;
static pthread_key_t g_ws_key;
static pthread_once_t g_ws_once = PTHREAD_ONCE_INIT;
static int g_ws_keyok;

static void ws_release(ner_ws *w)
{
    dl_ner_doc_free(&w->doc);
    link_ws_free(&w->link);
    free(w->tags), free(w->st), free(w->have);
    w->tags = NULL, w->st = NULL, w->have = NULL, w->cap = 0;
}

static void ws_destroy(void *p)
{
    ner_ws *w = p;
    ws_release(w);
    free(w);
    g_ws = NULL;
}

static void ws_key_make(void)
{
    g_ws_keyok = pthread_key_create(&g_ws_key, ws_destroy) == 0;
}

/* This thread's workspace; NULL when out of memory. */
static ner_ws *ws_get(void)
{
    if (g_ws) return g_ws;
    pthread_once(&g_ws_once, ws_key_make);
    if (!g_ws_keyok) return NULL;
    ner_ws *w = dl_calloc(1, sizeof *w);
    if (!w) return NULL;
    if (pthread_setspecific(g_ws_key, w)) {
        free(w);
        return NULL;
    }
    return g_ws = w;
}

int dl_ner_tag(const void *model, dl_doc *d)
{
    const dl_ner_model *m = model;
    if (!m || !m->w) return DL_OK;
    dl_tokvec own = {0};
    const dl_tokvec *tv = &d->toks;
    int rc = DL_OK;
    ner_ws *w = ws_get();
    if (!w) return DL_ENOMEM;
    if (d->toks.n == 0 && d->len) {
        if ((rc = dl_tokenize(d->text, d->len, &own))) goto done;
        tv = &own;
    }
    dl_ner_doc *doc = &w->doc;
    rc = doc_rebuild(m, doc, d->text, d->len, tv->v, tv->n);
    size_t nt = doc->t.n;
    if (!rc && nt > w->cap) {
        free(w->tags), free(w->st), free(w->have);
        w->tags = dl_malloc(nt);
        w->st = dl_malloc(nt * sizeof *w->st);
        w->have = dl_malloc(nt);
        w->cap = w->tags && w->st && w->have ? nt : 0;
        if (!w->cap) rc = DL_ENOMEM;
    }
    if (!rc && nt) {
        tag_ctx c = {m, w->st, w->have};
        memset(w->have, 0, nt);
        static_sums(&c, doc);
        dl_ner_decode(doc, w->tags, choose_model, &c);
        dl_ner_fix_tags(doc, w->tags);
        rc = link_entities(doc, w->tags, d, &w->link);
    }
    if (rc || nt > WS_KEEP) ws_release(w);
done:
    dl_vec_free(&own);
    return rc;
}
