/*
 * token.c -- the shared tokenizer (contract in token.h): words, numbers,
 * punctuation, dotted abbreviations, URLs and e-mail addresses, with exact
 * byte offsets and flags that later stages read (case, quotes, line breaks,
 * abbreviations).
 *
 * Speed: ASCII goes through a 128-entry class table; other code points are
 * classified by Unicode category (utf8proc), so any script tokenizes.  Every
 * byte is looked at a bounded number of times: URLs and e-mail addresses
 * are recognised when a word ends at their anchor (see url_end), the
 * dotted-acronym and word scans never back up past the token being built.
 */
#include "token.h"
#include "utf8.h"

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---------------------------------------------------------- classes */

enum { C_SPACE = 1, C_UPPER, C_LOWER, C_DIGIT, C_OTHERL, C_MARK, C_PUNCT };

/* ASCII classes: white space, letters, digits, everything else PUNCT. */
static const unsigned char ascii_class[128] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
    ['\r'] = C_SPACE, [' '] = C_SPACE,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT,
    ['4'] = C_DIGIT, ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT,
    ['8'] = C_DIGIT, ['9'] = C_DIGIT,
#define U_(c) [c] = C_UPPER
#define L_(c) [c] = C_LOWER
    U_('A'), U_('B'), U_('C'), U_('D'), U_('E'), U_('F'), U_('G'), U_('H'), U_('I'),
    U_('J'), U_('K'), U_('L'), U_('M'), U_('N'), U_('O'), U_('P'), U_('Q'), U_('R'),
    U_('S'), U_('T'), U_('U'), U_('V'), U_('W'), U_('X'), U_('Y'), U_('Z'),
    L_('a'), L_('b'), L_('c'), L_('d'), L_('e'), L_('f'), L_('g'), L_('h'), L_('i'),
    L_('j'), L_('k'), L_('l'), L_('m'), L_('n'), L_('o'), L_('p'), L_('q'), L_('r'),
    L_('s'), L_('t'), L_('u'), L_('v'), L_('w'), L_('x'), L_('y'), L_('z'),
#undef U_
#undef L_
};

/* The word loop's table: bit 1 for an ASCII letter or digit, bit 2 for an
 * ASCII letter; 0 for everything else, non-ASCII bytes included (they take
 * the slow path). */
enum { W_ALNUM = 1, W_LETTER = 2 };
static const unsigned char word_ascii[256] = {
    ['0' ... '9'] = W_ALNUM,
    ['A' ... 'Z'] = W_ALNUM | W_LETTER,
    ['a' ... 'z'] = W_ALNUM | W_LETTER,
};

static int class_of(int32_t c)
{
    if (c < 0x80) {
        int k = c >= 0 ? ascii_class[c] : 0;
        return k ? k : C_PUNCT;
    }
    if (c == 0x200B || c == 0xFEFF || c == 0x85) return C_SPACE; /* ZWSP, BOM, NEL */
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: return C_UPPER;
    case UTF8PROC_CATEGORY_LL: return C_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return C_OTHERL;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return C_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return C_SPACE;
    default: return C_PUNCT;
    }
}

static int is_alnum_class(int k) { return k >= C_UPPER && k <= C_MARK; }
static int is_letter_class(int k)
{
    return k == C_UPPER || k == C_LOWER || k == C_OTHERL || k == C_MARK;
}

/* Decodes the code point at i (i < len) with an ASCII fast path; *next gets
 * the offset after it. */
static inline int32_t cp_at(const char *s, size_t len, size_t i, size_t *next)
{
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
        *next = i + 1;
        return b;
    }
    *next = i;
    return dl_utf8_next(s, len, next);
}

static inline int ascii_alpha(unsigned char b)
{
    return b < 0x80 && (ascii_class[b] == C_UPPER || ascii_class[b] == C_LOWER);
}

/* ---------------------------------------------------------- abbreviations */

/* Flags of a lexicon entry: which class, and whether the word must start
 * with a capital to count (it is also an ordinary word: "no", "mass"). */
#define CAP 0x10
typedef struct {
    const char *w;
    unsigned char cls;
} abbr_entry;

/* Sorted by w (strcmp order); test_token.c checks the order. */
static const abbr_entry abbrevs[] = {
    {"adm", DL_ABBR_TITLE | CAP},  {"al", DL_ABBR_ANY},
    {"ala", DL_ABBR_ANY | CAP},    {"am", DL_ABBR_ANY},
    {"amb", DL_ABBR_TITLE | CAP},  {"approx", DL_ABBR_INNER},
    {"apr", DL_ABBR_ANY | CAP},    {"ariz", DL_ABBR_ANY | CAP},
    {"ark", DL_ABBR_ANY | CAP},    {"assn", DL_ABBR_ANY},
    {"asst", DL_ABBR_TITLE | CAP}, {"atty", DL_ABBR_TITLE | CAP},
    {"aug", DL_ABBR_ANY | CAP},    {"ave", DL_ABBR_ANY},
    {"blvd", DL_ABBR_ANY},         {"brig", DL_ABBR_TITLE | CAP},
    {"bros", DL_ABBR_ANY},         {"ca", DL_ABBR_INNER},
    {"calif", DL_ABBR_ANY | CAP},  {"capt", DL_ABBR_TITLE | CAP},
    {"cdr", DL_ABBR_TITLE | CAP},  {"cf", DL_ABBR_INNER},
    {"cmdr", DL_ABBR_TITLE | CAP}, {"co", DL_ABBR_ANY},
    {"col", DL_ABBR_TITLE | CAP},  {"colo", DL_ABBR_ANY | CAP},
    {"conn", DL_ABBR_ANY | CAP},   {"corp", DL_ABBR_ANY},
    {"cpl", DL_ABBR_TITLE | CAP},  {"dec", DL_ABBR_ANY | CAP},
    {"del", DL_ABBR_ANY | CAP},    {"dept", DL_ABBR_ANY},
    {"det", DL_ABBR_TITLE | CAP},  {"dr", DL_ABBR_TITLE | CAP},
    {"eds", DL_ABBR_ANY},          {"eg", DL_ABBR_INNER},
    {"esp", DL_ABBR_INNER},        {"esq", DL_ABBR_ANY},
    {"est", DL_ABBR_ANY},          {"etc", DL_ABBR_ANY},
    {"feb", DL_ABBR_ANY | CAP},    {"fig", DL_ABBR_ANY},
    {"figs", DL_ABBR_ANY},         {"fla", DL_ABBR_ANY | CAP},
    {"fr", DL_ABBR_TITLE | CAP},   {"fri", DL_ABBR_ANY | CAP},
    {"ft", DL_ABBR_ANY},           {"ga", DL_ABBR_ANY | CAP},
    {"gen", DL_ABBR_TITLE | CAP},  {"gov", DL_ABBR_TITLE | CAP},
    {"govt", DL_ABBR_ANY},         {"hon", DL_ABBR_TITLE | CAP},
    {"hrs", DL_ABBR_ANY},          {"hwy", DL_ABBR_ANY},
    {"ie", DL_ABBR_INNER},         {"ill", DL_ABBR_ANY | CAP},
    {"inc", DL_ABBR_ANY},          {"incl", DL_ABBR_INNER},
    {"ind", DL_ABBR_ANY | CAP},    {"insp", DL_ABBR_TITLE | CAP},
    {"intl", DL_ABBR_ANY},         {"jan", DL_ABBR_ANY | CAP},
    {"jr", DL_ABBR_ANY},           {"jul", DL_ABBR_ANY | CAP},
    {"jun", DL_ABBR_ANY | CAP},    {"kan", DL_ABBR_ANY | CAP},
    {"kans", DL_ABBR_ANY | CAP},   {"ky", DL_ABBR_ANY | CAP},
    {"la", DL_ABBR_ANY | CAP},     {"lbs", DL_ABBR_ANY},
    {"llc", DL_ABBR_ANY},          {"lt", DL_ABBR_TITLE | CAP},
    {"ltd", DL_ABBR_ANY},          {"maj", DL_ABBR_TITLE | CAP},
    {"mar", DL_ABBR_ANY | CAP},    {"mass", DL_ABBR_ANY | CAP},
    {"md", DL_ABBR_ANY | CAP},     {"messrs", DL_ABBR_TITLE | CAP},
    {"mfg", DL_ABBR_ANY},          {"mich", DL_ABBR_ANY | CAP},
    {"minn", DL_ABBR_ANY | CAP},   {"miss", DL_ABBR_ANY | CAP},
    {"mlle", DL_ABBR_TITLE | CAP}, {"mme", DL_ABBR_TITLE | CAP},
    {"mo", DL_ABBR_ANY | CAP},     {"mon", DL_ABBR_ANY | CAP},
    {"mont", DL_ABBR_ANY | CAP},   {"mr", DL_ABBR_TITLE | CAP},
    {"mrs", DL_ABBR_TITLE | CAP},  {"ms", DL_ABBR_TITLE | CAP},
    {"msgr", DL_ABBR_TITLE | CAP}, {"mt", DL_ABBR_ANY},
    {"neb", DL_ABBR_ANY | CAP},    {"nev", DL_ABBR_ANY | CAP},
    {"no", DL_ABBR_ANY | CAP},     {"nos", DL_ABBR_ANY | CAP},
    {"nov", DL_ABBR_ANY | CAP},    {"oct", DL_ABBR_ANY | CAP},
    {"okla", DL_ABBR_ANY | CAP},   {"ore", DL_ABBR_ANY | CAP},
    {"pa", DL_ABBR_ANY | CAP},     {"ph", DL_ABBR_ANY | CAP},
    {"phd", DL_ABBR_ANY},          {"plc", DL_ABBR_ANY},
    {"pm", DL_ABBR_ANY},           {"pp", DL_ABBR_ANY},
    {"pres", DL_ABBR_TITLE | CAP}, {"prof", DL_ABBR_TITLE | CAP},
    {"pt", DL_ABBR_ANY},           {"pvt", DL_ABBR_TITLE | CAP},
    {"rd", DL_ABBR_ANY},           {"rep", DL_ABBR_TITLE | CAP},
    {"reps", DL_ABBR_TITLE | CAP}, {"rev", DL_ABBR_TITLE | CAP},
    {"sat", DL_ABBR_ANY | CAP},    {"sen", DL_ABBR_TITLE | CAP},
    {"sens", DL_ABBR_TITLE | CAP}, {"sep", DL_ABBR_ANY | CAP},
    {"sept", DL_ABBR_ANY | CAP},   {"sgt", DL_ABBR_TITLE | CAP},
    {"sq", DL_ABBR_ANY},           {"sr", DL_ABBR_ANY},
    {"st", DL_ABBR_ANY},           {"sun", DL_ABBR_ANY | CAP},
    {"supt", DL_ABBR_TITLE | CAP}, {"tenn", DL_ABBR_ANY | CAP},
    {"tex", DL_ABBR_ANY | CAP},    {"thu", DL_ABBR_ANY | CAP},
    {"thur", DL_ABBR_ANY | CAP},   {"thurs", DL_ABBR_ANY | CAP},
    {"tue", DL_ABBR_ANY | CAP},    {"tues", DL_ABBR_ANY | CAP},
    {"univ", DL_ABBR_ANY},         {"va", DL_ABBR_ANY | CAP},
    {"viz", DL_ABBR_INNER},        {"vol", DL_ABBR_ANY},
    {"vols", DL_ABBR_ANY},         {"vs", DL_ABBR_INNER},
    {"vt", DL_ABBR_ANY | CAP},     {"wash", DL_ABBR_ANY | CAP},
    {"wed", DL_ABBR_ANY | CAP},    {"wis", DL_ABBR_ANY | CAP},
    {"wisc", DL_ABBR_ANY | CAP},   {"wyo", DL_ABBR_ANY | CAP},
    {"yrs", DL_ABBR_ANY},
};

/* For the unit test: the lexicon must stay sorted for the binary search,
 * its words at most 6 letters long. */
int dl_abbrev_table_sorted_(void);
int dl_abbrev_table_sorted_(void)
{
    for (size_t i = 1; i < DL_ARRAY_LEN(abbrevs); i++)
        if (strcmp(abbrevs[i - 1].w, abbrevs[i].w) >= 0) return 0;
    /* dl_abbrev_class relies on no word being longer than 6 letters */
    for (size_t i = 0; i < DL_ARRAY_LEN(abbrevs); i++)
        if (strlen(abbrevs[i].w) > 6) return 0;
    return 1;
}

int dl_abbrev_class(const char *s, size_t n)
{
    char key[16];
    size_t k = 0, letters = 0;
    int dotted = 0;
    if (n && s[n - 1] == '.') n--;
    if (n == 0) return DL_ABBR_NONE;
    /* the lexicon's longest word has 6 letters: a longer word without
     * periods is no abbreviation (most words before a period) */
    if (n > 6 && !memchr(s, '.', n)) return DL_ABBR_NONE;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == '.') {
            dotted = 1;
            continue;
        }
        if (!ascii_alpha(b) || k + 1 >= sizeof key) return DL_ABBR_NONE;
        key[k++] = (char)(b | 0x20);
        letters++;
    }
    key[k] = 0;
    /* a single letter is an initial (E. Smith) or a list letter: "any" */
    if (letters == 1 && !dotted) return DL_ABBR_ANY;
    size_t lo = 0, hi = DL_ARRAY_LEN(abbrevs);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(key, abbrevs[mid].w);
        if (c == 0) {
            unsigned cls = abbrevs[mid].cls;
            if ((cls & CAP) && !dotted && ascii_class[(unsigned char)s[0]] != C_UPPER)
                return DL_ABBR_NONE;
            return (int)(cls & 0x0F);
        }
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    /* any other dotted form (U.S., N.Y., a.m. spelled A.M.) may end a sentence */
    return dotted ? DL_ABBR_ANY : DL_ABBR_NONE;
}

/* ---------------------------------------------------------- URLs, e-mail */

/*
 * URLs and e-mail addresses are found lazily, when a word ends at their
 * anchor: a scheme word followed by "://", the word "www" followed by ".",
 * or a word followed by "@" and a domain.  An e-mail's local part may span
 * tokens already emitted ("jane.doe@"): those are taken back from the
 * output (at most 64 bytes of them, the RFC 5321 limit), so every byte is
 * still read a bounded number of times.
 */
static inline int urlish(unsigned char b)
{
    return b > 0x20 && b < 0x7F && b != '"' && b != '<' && b != '>' && b != '`';
}

static inline int email_local(unsigned char b)
{
    if (b >= 0x80) return 0;
    int k = ascii_class[b];
    return (k >= C_UPPER && k <= C_DIGIT) || b == '.' || b == '_' || b == '%' || b == '+' ||
           b == '-';
}

/* End of the URL that starts at lo, whose anchor ends at a ("://" or
 * "www."), or 0 if nothing follows the anchor. */
static size_t url_end(const unsigned char *u, size_t len, size_t lo, size_t a)
{
    size_t e = a;
    long depth = 0; /* ( minus ) */
    while (e < len && urlish(u[e])) {
        depth += (u[e] == '(') - (u[e] == ')');
        e++;
    }
    /* trim trailing punctuation; keep a ) that closes a ( of the URL */
    while (e > a) {
        unsigned char b = u[e - 1];
        if (b == ')' && depth >= 0) break;
        if (!strchr(".,;:!?')]}*", b)) break;
        if (b == ')') depth++;
        e--;
    }
    DL_UNUSED(lo);
    return e > a ? e : 0;
}

/* End of the e-mail domain that starts at d (after the @), or 0: labels of
 * letters, digits and hyphens, at least one dot between labels. */
static size_t domain_end(const unsigned char *u, size_t len, size_t d)
{
    size_t i = d, hi = 0;
    int seen_dot = 0, has_dot = 0;
    while (i < len && i - d < 255 &&
           (email_local(u[i]) && u[i] != '_' && u[i] != '%' && u[i] != '+')) {
        if (u[i] == '.') {
            if (hi) seen_dot = 1;
        } else if (u[i] != '-') {
            hi = i + 1;
            has_dot |= seen_dot;
        }
        i++;
    }
    return has_dot ? hi : 0;
}

/* ---------------------------------------------------------- quotes */

static int quote_kind(int32_t c)
{
    /* 1 opening, 2 closing, 3 either (straight) */
    switch (c) {
    case '"': case '\'': return 3;
    case '`': return 1; /* ``opening'' in AP and NYT wire copy */
    case 0x201C: case 0x2018: case 0x201E: case 0x201A: case 0x201F: case 0x00AB:
    case 0x2039: return 1;
    case 0x201D: case 0x2019: case 0x00BB: case 0x203A: return 2;
    }
    return 0;
}

static int is_bullet(int32_t c)
{
    return c == 0x2022 || c == 0x2023 || c == 0x2043 || c == 0x25E6 || c == 0x25AA ||
           c == 0x25CF || c == 0x2219 || c == 0x25A0 || c == 0x25B8 || c == 0x25BA;
}

static int is_term(int32_t c)
{
    return c == '!' || c == '?' || c == 0x203C || c == 0x2047 || c == 0x2048 ||
           c == 0x2049 || c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E;
}

static int is_dash(int32_t c)
{
    return c == '-' || c == '/' || c == 0x2010 || c == 0x2011;
}

/* ---------------------------------------------------------- the tokenizer */

/* Length of a dotted abbreviation at p ("U.S.", "a.m.", "U.S.A."): single
 * ASCII letters each followed by a period, at least two of them.  0 if
 * there is none. */
static size_t dotted_at(const unsigned char *u, size_t len, size_t p)
{
    size_t j = p;
    int segs = 0;
    while (j + 1 < len && ascii_alpha(u[j]) && u[j + 1] == '.') {
        segs++;
        j += 2;
        if (j >= len || !ascii_alpha(u[j])) break;
    }
    /* (no check of what follows: a failed match must cost O(1), or
     * "a.a.a.a...ab" would be rescanned from every letter) */
    return segs < 2 ? 0 : j - p;
}

int dl_tokenize(const char *text, size_t len, dl_tokvec *out)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;
    unsigned pending = DL_TF_SPACE; /* white-space flags for the next token */
    int newlines = 0;
    size_t abbr_dot = (size_t)-1;   /* offset of the period after an abbreviation */

    if (len > UINT32_MAX) return DL_EINVAL; /* offsets are 32-bit */
    /* news text has about one token per 5-6 bytes: reserve once */
    if (dl_vec_reserve(out, out->n + len / 6 + 16)) return DL_ENOMEM;

    while (i < len) {
        size_t start = i, next;
        /* white space: runs of ASCII blanks are the common case */
        unsigned char b = u[i];
        if (b == ' ') {
            pending |= DL_TF_SPACE;
            i++;
            continue;
        }
        int32_t c;
        int k;
        if (b < 0x80) {
            c = b, next = i + 1, k = ascii_class[b] ? ascii_class[b] : C_PUNCT;
        } else {
            size_t nx = i; /* (next itself stays in a register) */
            c = dl_utf8_next_multi(text, len, &nx);
            next = nx;
            k = class_of(c);
        }
        if (k == C_SPACE) {
            pending |= DL_TF_SPACE;
            if (c == '\n' || (c == '\r' && (next >= len || u[next] != '\n')) ||
                c == 0x2028 || c == 0x85 || c == '\f' || c == '\v') {
                newlines++;
                pending |= DL_TF_NEWLINE;
                if (newlines >= 2) pending |= DL_TF_PARA;
            } else if (c == 0x2029) {
                pending |= DL_TF_NEWLINE | DL_TF_PARA;
            }
            i = next;
            continue;
        }
        dl_token t = {(uint32_t)start, 0, DL_TOK_PUNCT, (uint16_t)pending};
        pending = 0;
        newlines = 0;

        if (is_alnum_class(k)) {
            t.flags |= k == C_UPPER ? DL_TF_CAP : k == C_LOWER ? DL_TF_LOWER : 0;
            size_t dl = b < 0x80 && start + 1 < len && u[start + 1] == '.'
                            ? dotted_at(u, len, start)
                            : 0;
            if (dl) {
                t.kind = DL_TOK_WORD, t.flags |= DL_TF_ABBR;
                i = start + dl;
                goto emit;
            }
            int digits_only = k == C_DIGIT;
            i = next;
            for (;;) {
                /* the common case first: a run of ASCII letters and digits */
                size_t q = i;
                int letters = 0;
#ifdef __SSE2__
                /* 16 bytes at a time: a mask of the letters and digits */
                while (len - q >= 16) {
                    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + q));
                    __m128i dg = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                                                _mm_set1_epi8((char)(0x80 + 10)));
                    __m128i lt = _mm_cmplt_epi8(
                        _mm_add_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
                                     _mm_set1_epi8((char)(0x80 - 'a'))),
                        _mm_set1_epi8((char)(0x80 + 26)));
                    unsigned am = (unsigned)_mm_movemask_epi8(_mm_or_si128(dg, lt));
                    unsigned lm = (unsigned)_mm_movemask_epi8(lt);
                    unsigned run = (unsigned)__builtin_ctz(~am); /* am < 0x10000: ~am has a 0 bit there */
                    if (lm & ((1u << run) - 1)) letters = 1;
                    q += run;
                    if (run < 16) break;
                }
#endif
                {
                    unsigned acc = 0;
                    while (q < len && word_ascii[u[q]]) acc |= word_ascii[u[q++]];
                    if (acc & W_LETTER) letters = 1;
                }
                if (letters) digits_only = 0;
                i = q;
                if (i >= len) break;
                size_t j;
                int32_t d;
                int dk;
                if (u[i] < 0x80) {
                    /* not a letter or digit (the run above took those) */
                    d = u[i], j = i + 1;
                } else {
                    size_t nx = i;
                    d = dl_utf8_next_multi(text, len, &nx);
                    j = nx;
                    dk = class_of(d);
                    if (is_alnum_class(dk)) {
                        if (dk != C_DIGIT) digits_only = 0;
                        i = j;
                        continue;
                    }
                }
                /* joiners: ' ’ between letters (word), . , between digits */
                int joiner = (d == '\'' || d == 0x2019) ? 1
                             : (digits_only && (d == '.' || d == ',')) ? 2
                                                                     : 0;
                if (!joiner || j >= len) break;
                size_t m;
                int32_t e = cp_at(text, len, j, &m);
                int ek = class_of(e);
                if (joiner == 1 && is_letter_class(ek)) {
                    i = j;
                    continue;
                }
                if (joiner == 2 && ek == C_DIGIT && e < 0x80) {
                    i = j;
                    continue;
                }
                break;
            }
            t.kind = digits_only ? DL_TOK_NUMBER : DL_TOK_WORD;
            if (i + 1 < len && (u[i] == ':' || u[i] == '@' || u[i] == '.')) {
                size_t e = 0, wl = i - start;
                if (u[i] == ':' && i + 3 < len && u[i + 1] == '/' && u[i + 2] == '/' &&
                    wl <= 10 && !digits_only && (e = url_end(u, len, start, i + 3))) {
                    t.flags |= DL_TF_URL;
                } else if (u[i] == '.' && wl == 3 && (u[start] | 0x20) == 'w' &&
                           (u[start + 1] | 0x20) == 'w' && (u[start + 2] | 0x20) == 'w' &&
                           (e = url_end(u, len, start, i + 1))) {
                    t.flags |= DL_TF_URL;
                } else if (u[i] == '@' && (e = domain_end(u, len, i + 1))) {
                    /* take back the glued local part: "jane" "." "doe" */
                    size_t lo = start;
                    while (lo > 0 && start - lo < 64 && email_local(u[lo - 1])) lo--;
                    while (lo < start && (u[lo] == '.' || u[lo] == '-')) lo++;
                    while (out->n && out->v[out->n - 1].start >= lo) out->n--;
                    if (out->n && out->v[out->n - 1].end > lo) lo = out->v[out->n - 1].end;
                    if (lo < start) {
                        /* the first token taken back carried the space flags */
                        t.flags = (uint16_t)(out->v[out->n].flags &
                                             (DL_TF_SPACE | DL_TF_NEWLINE | DL_TF_PARA));
                        t.start = (uint32_t)lo;
                    }
                    t.flags |= DL_TF_EMAIL;
                }
                if (e) {
                    t.kind = DL_TOK_WORD;
                    t.flags &= (uint16_t)~(DL_TF_CAP | DL_TF_LOWER);
                    i = e;
                    goto emit;
                }
            }
            /* an abbreviation from the lexicon, when a single period follows */
            if (t.kind == DL_TOK_WORD && i < len && u[i] == '.' &&
                (i + 1 >= len || u[i + 1] != '.') &&
                dl_abbrev_class(text + start, i - start) != DL_ABBR_NONE) {
                t.flags |= DL_TF_ABBR;
                abbr_dot = i;
            }
            goto emit;
        }

        /* punctuation */
        i = next;
        if (c == '.' && i < len && u[i] >= '0' && u[i] <= '9' &&
            (start == 0 || !(u[start - 1] < 0x80 && ascii_class[u[start - 1]] >= C_UPPER &&
                             ascii_class[u[start - 1]] <= C_DIGIT) ||
             (t.flags & DL_TF_SPACE)) &&
            (start == 0 || u[start - 1] != '.')) {
            /* a decimal without its zero: .531 .45 */
            while (i < len && u[i] >= '0' && u[i] <= '9') i++;
            t.kind = DL_TOK_NUMBER;
            goto emit;
        }
        if (c == '.') {
            while (i < len && u[i] == '.') i++;
            t.flags |= DL_TF_TERM;
            if (i - start >= 3) t.flags |= DL_TF_ELLIPSIS;
            if (start == abbr_dot && i == start + 1) t.flags |= DL_TF_ABBR_DOT;
        } else if (c == 0x2026) {
            t.flags |= DL_TF_TERM | DL_TF_ELLIPSIS;
        } else if (is_term(c)) {
            t.flags |= DL_TF_TERM;
        } else if (c == '(' || c == '[' || c == '{') {
            t.flags |= DL_TF_OPEN;
        } else if (c == ')' || c == ']' || c == '}') {
            t.flags |= DL_TF_CLOSE;
        } else if (is_bullet(c) ||
                   (c == '*' && (t.flags & DL_TF_SPACE) && i + 1 < len && u[i] == ' ' &&
                    ascii_alpha(u[i + 1]))) {
            t.flags |= DL_TF_BULLET;
        } else if (is_dash(c)) {
            /* infix when glued to a letter/digit on both sides */
            if (!(t.flags & DL_TF_SPACE) && out->n && out->v[out->n - 1].end == start &&
                out->v[out->n - 1].kind != DL_TOK_PUNCT && i < len) {
                size_t m;
                if (is_alnum_class(class_of(cp_at(text, len, i, &m))))
                    t.flags |= DL_TF_INFIX;
            }
        } else {
            int q = quote_kind(c);
            if (q) {
                t.flags |= DL_TF_QUOTE;
                if (q == 3) {
                    /* straight quote: opening after space or an opener, when
                     * something other than space follows; else closing */
                    int after_open = !(t.flags & DL_TF_SPACE) && out->n &&
                                     (out->v[out->n - 1].flags & DL_TF_OPEN);
                    int space_after = i >= len || (u[i] < 0x80 && ascii_class[u[i]] == C_SPACE);
                    if ((t.flags & DL_TF_SPACE) || after_open)
                        q = space_after ? 0 : 1;
                    else
                        q = 2;
                }
                if (q == 1) t.flags |= DL_TF_OPEN;
                else if (q == 2) t.flags |= DL_TF_CLOSE;
            }
        }
    emit:
        t.end = (uint32_t)i;
        if (out->n == out->cap && dl_vec_reserve(out, out->n + 1)) return DL_ENOMEM;
        out->v[out->n++] = t;
    }
    return DL_OK;
}
