/*
 * jsonl.c -- dl_parse_jsonl: one JSONL line (SPEC 1) into a dl_record.
 *
 * A strict RFC 8259 parser written for this one job, in a single pass and
 * without a DOM: it validates the whole line (every nested value included)
 * and decodes only the top-level members a record uses ("date", "text",
 * "id", "url", "title", "source") straight into the caller's scratch block.
 * It replaces jansson here (a hash-table DOM and copies of every string cost
 * a third of `analyze` on small news articles) and accepts exactly what
 * jansson 2.14 accepted with JSON_REJECT_DUPLICATES, so records are taken or
 * rejected as before, with the same reasons:
 *
 *   - top level: an object or an array (an array is "not a JSON object");
 *     white space is space, tab, CR, LF only; nothing may follow the value;
 *   - strings: no raw control byte (< 0x20), valid UTF-8 only (RFC 3629: no
 *     overlongs, no surrogates, nothing past U+10FFFF), the escapes
 *     \" \\ \/ \b \f \n \r \t \uXXXX, surrogate pairs joined, lone
 *     surrogates and \u0000 rejected;
 *   - numbers: the JSON grammar; an integer outside int64 or a real that
 *     overflows a double is an error (jansson's limits);
 *   - objects: a key repeated in the same object (after decoding escapes)
 *     is an error, at any depth; nesting deeper than 2048 is an error.
 *
 * fuzz/jsonl_ref.h keeps the jansson version; fuzz/fuzz_jsonl.c and
 * tests/unit/test_record.c compare the two on every input they try.
 *
 * Cost: linear in the line (the duplicate check of an object with more
 * than 16 keys sorts them: n log n); no allocation but the scratch block,
 * except for objects with very many keys or keys with escapes.
 */
#include "record.h"

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define JP_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */

/* Byte classes inside a string: 0 plain, 1 stops the fast scan ('"', '\\',
 * control bytes, non-ASCII). */
static const unsigned char STOP[256] = {
    [0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* A key of an open object: its bytes are line[off, off+len) when esc is 0,
 * else kb[off, off+len) (the decoded form of a key with escapes). */
typedef struct jkey {
    uint32_t off;
    uint32_t len : 31;
    uint32_t esc : 1;
} jkey;

/* What a captured top-level member held. */
enum { V_ABSENT, V_NULL, V_STRING, V_INT, V_OTHER };
typedef struct jval {
    int type;
    const char *s; /* V_STRING: decoded, NUL-terminated, in the scratch block */
    size_t len;
    long long i; /* V_INT */
} jval;

enum { M_DATE, M_TEXT, M_ID, M_URL, M_TITLE, M_SOURCE, M_N };

typedef struct jp {
    const unsigned char *base, *p, *end;
    char *out;   /* next free byte of the scratch block */
    jkey *keys;  /* keys of all open objects, innermost last */
    size_t nkeys, capkeys;
    char *kb;    /* decoded keys with escapes */
    size_t nkb, capkb;
    jval m[M_N];
    uint32_t kbase[JP_MAX_DEPTH + 1];  /* per open container: first key */
    uint32_t kbbase[JP_MAX_DEPTH + 1]; /* ... and kb length at its start */
    unsigned char is_obj[JP_MAX_DEPTH + 1];
    jkey kinl[32];
} jp;

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* Length (2-4) of the valid multi-byte UTF-8 sequence at p, 0 if invalid. */
static inline size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t left = (size_t)(end - p);
    if (c < 0xC2) return 0;
    if (c < 0xE0) return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (left < 3) return 0;
        unsigned c1 = p[1];
        if (c == 0xE0 ? (c1 < 0xA0 || c1 > 0xBF)
            : c == 0xED ? (c1 < 0x80 || c1 > 0x9F)
                        : (c1 & 0xC0) != 0x80)
            return 0;
        return (p[2] & 0xC0) == 0x80 ? 3 : 0;
    }
    if (c < 0xF5) {
        if (left < 4) return 0;
        unsigned c1 = p[1];
        if (c == 0xF0 ? (c1 < 0x90 || c1 > 0xBF)
            : c == 0xF4 ? (c1 < 0x80 || c1 > 0x8F)
                        : (c1 & 0xC0) != 0x80)
            return 0;
        return (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
    }
    return 0;
}

static inline int hex4(const unsigned char *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned c = p[k], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
        else return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Skips plain string bytes (STOP[] == 0) from p. */
static inline const unsigned char *scan_plain(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'),
                  lim = _mm_set1_epi8(0x1f);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* control bytes: v <= 0x1f unsigned, i.e. max(v, 0x1f) == 0x1f;
         * non-ASCII bytes have the top bit set (movemask sees them) */
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bs)),
                                   _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, lim), lim), v));
        int mask = _mm_movemask_epi8(hit);
        if (mask) return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (p < end && !STOP[*p]) p++;
    return p;
}

/*
 * Scans the string whose opening quote is at p[-1].  Returns the byte after
 * the closing quote, or NULL when the string is bad.  With dst non-NULL the
 * decoded bytes are written there (never more than the encoded length) and
 * *dlen gets their count.  *esc is set when the string had an escape.
 */
static const unsigned char *scan_string(const unsigned char *p, const unsigned char *end,
                                        char *dst, size_t *dlen, int *esc)
{
    char *d = dst;
    *esc = 0;
    for (;;) {
        const unsigned char *q = scan_plain(p, end);
        if (d) {
            memcpy(d, p, (size_t)(q - p));
            d += q - p;
        }
        p = q;
        if (p >= end) return NULL;
        unsigned c = *p;
        if (c == '"') {
            if (d) *dlen = (size_t)(d - dst);
            return p + 1;
        }
        if (c >= 0x80) {
            size_t k = utf8_seq(p, end);
            if (!k) return NULL;
            if (d) {
                memcpy(d, p, k);
                d += k;
            }
            p += k;
            continue;
        }
        if (c < 0x20) return NULL;
        /* a backslash */
        *esc = 1;
        if (end - p < 2) return NULL;
        unsigned e = p[1], cp;
        p += 2;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (end - p < 4 || hex4(p, &cp)) return NULL;
            p += 4;
            if (cp == 0) return NULL; /* no NUL in a record's strings */
            if (cp >= 0xDC00 && cp <= 0xDFFF) return NULL; /* lone low surrogate */
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return NULL;
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            break;
        default:
            return NULL;
        }
        if (!d) continue;
        if (cp < 0x80) {
            *d++ = (char)cp;
        } else if (cp < 0x800) {
            *d++ = (char)(0xC0 | cp >> 6);
            *d++ = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            *d++ = (char)(0xE0 | cp >> 12);
            *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *d++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *d++ = (char)(0xF0 | cp >> 18);
            *d++ = (char)(0x80 | (cp >> 12 & 0x3F));
            *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *d++ = (char)(0x80 | (cp & 0x3F));
        }
    }
}

/* A real number's token [s, e) overflows a double (jansson rejects it). */
static int real_overflows(const unsigned char *s, const unsigned char *e)
{
    const unsigned char *p = s;
    if (*p == '-') p++;
    /* decimal exponent of the first significant digit */
    long long lead = 0, exp = 0;
    int found = 0;
    long long pos = 0; /* digits seen before the point */
    for (; p < e && *p >= '0' && *p <= '9'; p++, pos++)
        if (!found && *p != '0') found = 1, lead = pos;
    long long intdigits = pos;
    if (found) lead = intdigits - 1 - lead;
    if (p < e && *p == '.') {
        long long j = 0;
        for (p++; p < e && *p >= '0' && *p <= '9'; p++, j++)
            if (!found && *p != '0') found = 1, lead = -(j + 1);
    }
    if (!found) return 0; /* zero */
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int neg = 0;
        if (*p == '+' || *p == '-') neg = *p++ == '-';
        for (; p < e; p++)
            if (exp < 100000000) exp = exp * 10 + (*p - '0');
        if (neg) exp = -exp;
    }
    long long mag = lead + exp;
    if (mag < 308) return 0;
    if (mag > 308) return 1;
    /* at the edge of DBL_MAX: let strtod round it */
    size_t n = (size_t)(e - s);
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf) return 1;
    memcpy(buf, s, n);
    buf[n] = 0;
    double v = strtod(buf, NULL);
    if (buf != small) free(buf);
    return v == HUGE_VAL || v == -HUGE_VAL;
}

/* Scans a number at p; fills *v (V_INT with its value, or V_OTHER for a
 * real).  Returns the byte after it or NULL. */
static const unsigned char *scan_number(const unsigned char *p, const unsigned char *end, jval *v)
{
    const unsigned char *s = p;
    int neg = 0;
    if (*p == '-') neg = 1, p++;
    if (p >= end) return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9') p++;
    } else {
        return NULL;
    }
    int real = 0;
    if (p < end && *p == '.') {
        real = 1;
        p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || *p < '0' || *p > '9') return NULL;
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (real) {
        if (real_overflows(s, p)) return NULL;
        v->type = V_OTHER;
        return p;
    }
    /* an integer: within int64 */
    unsigned long long u = 0, lim = neg ? 9223372036854775808ull : 9223372036854775807ull;
    for (const unsigned char *q = s + neg; q < p; q++) {
        unsigned dg = *q - '0';
        if (u > (lim - dg) / 10) return NULL;
        u = u * 10 + dg;
    }
    v->type = V_INT;
    v->i = neg ? (long long)(0 - u) : (long long)u;
    return p;
}

static const char *key_ptr(const jp *j, jkey k)
{
    return k.esc ? j->kb + k.off : (const char *)j->base + k.off;
}

/* qsort has no context argument: the parse whose keys are being sorted */
static _Thread_local const jp *tl_sort_ctx;

static int cmp_key(const void *a, const void *b)
{
    const jp *j = tl_sort_ctx;
    const jkey *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return memcmp(key_ptr(j, *x), key_ptr(j, *y), x->len);
}

/* Does the object whose keys are keys[from, nkeys) repeat one? */
static int has_duplicate(jp *j, size_t from)
{
    size_t n = j->nkeys - from;
    jkey *k = j->keys + from;
    if (n < 2) return 0;
    if (n <= 16) {
        for (size_t a = 1; a < n; a++)
            for (size_t b = 0; b < a; b++)
                if (k[a].len == k[b].len &&
                    memcmp(key_ptr(j, k[a]), key_ptr(j, k[b]), k[a].len) == 0)
                    return 1;
        return 0;
    }
    /* the keys are popped right after: sorting them in place is fine */
    tl_sort_ctx = j;
    qsort(k, n, sizeof *k, cmp_key);
    for (size_t a = 1; a < n; a++)
        if (cmp_key(&k[a - 1], &k[a]) == 0) return 1;
    return 0;
}

/* Records the key whose opening quote is at p[-1]; returns the byte after
 * its closing quote or NULL.  *member gets the record field it names at the
 * top level, else -1. */
static const unsigned char *read_key(jp *j, const unsigned char *p, int top, int *member)
{
    int esc;
    const unsigned char *q = scan_string(p, j->end, NULL, NULL, &esc);
    if (!q) return NULL;
    size_t raw = (size_t)(q - 1 - p);
    jkey k = {(uint32_t)(p - j->base), (uint32_t)raw, 0};
    if (esc) {
        if (j->nkb + raw > j->capkb) {
            size_t cap = j->capkb ? j->capkb : 256;
            while (cap < j->nkb + raw) cap *= 2;
            char *nb = realloc(j->kb, cap);
            if (!nb) return NULL;
            j->kb = nb, j->capkb = cap;
        }
        size_t dl;
        scan_string(p, j->end, j->kb + j->nkb, &dl, &esc);
        k.off = (uint32_t)j->nkb, k.len = (uint32_t)dl, k.esc = 1;
        j->nkb += dl;
    }
    if (j->nkeys == j->capkeys) {
        size_t cap = j->capkeys * 2;
        jkey *nk = j->keys == j->kinl ? malloc(cap * sizeof *nk) : realloc(j->keys, cap * sizeof *nk);
        if (!nk) return NULL;
        if (j->keys == j->kinl) memcpy(nk, j->kinl, sizeof j->kinl);
        j->keys = nk, j->capkeys = cap;
    }
    j->keys[j->nkeys++] = k;
    *member = -1;
    if (top) {
        static const char *const NAMES[M_N] = {"date", "text", "id", "url", "title", "source"};
        const char *kp = key_ptr(j, k);
        for (int m = 0; m < M_N; m++)
            if (strlen(NAMES[m]) == k.len && memcmp(NAMES[m], kp, k.len) == 0) *member = m;
    }
    return q;
}

/*
 * Parses the whole line.  Returns 1 for a valid JSON object, 2 for a valid
 * array, 0 for anything that is not valid JSON (jansson's errors).
 */
static int parse(jp *j)
{
    const unsigned char *p = skip_ws(j->p, j->end), *end = j->end;
    int depth = 0, member = -1;
    if (p >= end || (*p != '{' && *p != '[')) return 0;
    int top_is_obj = *p == '{';
    goto value;

value:
    /* p at a value (white space skipped) */
    if (p >= end) return 0;
    switch (*p) {
    case '{':
    case '[':
        if (depth >= JP_MAX_DEPTH) return 0;
        if (depth == 1 && member >= 0) j->m[member].type = V_OTHER;
        depth++;
        j->is_obj[depth] = *p == '{';
        j->kbase[depth] = (uint32_t)j->nkeys;
        j->kbbase[depth] = (uint32_t)j->nkb;
        p = skip_ws(p + 1, end);
        if (p >= end) return 0;
        if (j->is_obj[depth]) {
            if (*p == '}') {
                p++;
                depth--;
                goto after;
            }
            goto key;
        }
        if (*p == ']') {
            p++;
            depth--;
            goto after;
        }
        member = -1;
        goto value;
    case '"': {
        int esc;
        if (depth == 1 && member >= 0) {
            jval *v = &j->m[member];
            size_t dl;
            const unsigned char *q = scan_string(p + 1, end, j->out, &dl, &esc);
            if (!q) return 0;
            v->type = V_STRING;
            v->s = j->out;
            v->len = dl;
            j->out[dl] = 0;
            j->out += dl + 1;
            p = q;
        } else {
            p = scan_string(p + 1, end, NULL, NULL, &esc);
            if (!p) return 0;
        }
        goto after;
    }
    case 't':
    case 'f':
    case 'n': {
        const char *lit = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
        size_t n = strlen(lit);
        if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0) return 0;
        if (depth == 1 && member >= 0) j->m[member].type = *p == 'n' ? V_NULL : V_OTHER;
        p += n;
        goto after;
    }
    default: {
        jval v;
        p = scan_number(p, end, &v);
        if (!p) return 0;
        if (depth == 1 && member >= 0) j->m[member] = v;
        goto after;
    }
    }

key:
    /* p at the first byte of a key in the object at depth */
    if (*p != '"') return 0;
    p = read_key(j, p + 1, depth == 1 && top_is_obj, &member);
    if (!p) return 0;
    p = skip_ws(p, end);
    if (p >= end || *p != ':') return 0;
    p = skip_ws(p + 1, end);
    goto value;

after:
    /* a value ended at p; depth is its container's */
    p = skip_ws(p, end);
    if (depth == 0) return p == end ? (top_is_obj ? 1 : 2) : 0;
    if (p >= end) return 0;
    if (j->is_obj[depth]) {
        if (*p == ',') {
            p = skip_ws(p + 1, end);
            if (p >= end) return 0;
            goto key;
        }
        if (*p != '}') return 0;
        if (has_duplicate(j, j->kbase[depth])) return 0;
        j->nkeys = j->kbase[depth];
        j->nkb = j->kbbase[depth];
        p++;
        depth--;
        goto after;
    }
    if (*p == ',') {
        p = skip_ws(p + 1, end);
        member = -1;
        goto value;
    }
    if (*p != ']') return 0;
    p++;
    depth--;
    goto after;
}

int dl_parse_jsonl(const char *line, size_t len, dl_record *rec, char **scratch,
                   const char **reason)
{
    memset(rec, 0, sizeof *rec);
    *scratch = NULL;
    if (len > DL_MAX_RECORD + 65536) {
        *reason = "record over the size limit (16 MiB)";
        return DL_EBADREC;
    }
    /* decoded strings never outgrow their quoted form: len bytes hold them
     * all with their NULs */
    char *s = dl_malloc(len + 1);
    if (!s) {
        *reason = "out of memory";
        return DL_ENOMEM;
    }
    *scratch = s;
    jp jstate, *j = &jstate; /* ~19 KB: the container stack */
    j->base = j->p = (const unsigned char *)line;
    j->end = j->base + len;
    j->out = s;
    j->keys = j->kinl, j->nkeys = 0, j->capkeys = sizeof j->kinl / sizeof j->kinl[0];
    j->kb = NULL, j->nkb = j->capkb = 0;
    memset(j->m, 0, sizeof j->m);
    int kind = parse(j);
    if (j->keys != j->kinl) free(j->keys);
    free(j->kb);
    const jval *m = j->m;

    if (kind == 0) {
        *reason = "malformed JSON";
        return DL_EBADREC;
    }
    if (kind == 2) {
        *reason = "malformed record: not a JSON object";
        return DL_EBADREC;
    }
    /* the checks and their order are those of the jansson version */
    const jval *date = &m[M_DATE], *text = &m[M_TEXT], *id = &m[M_ID];
    if (date->type != V_STRING) {
        *reason = "no date: the record needs a \"date\" string";
        return DL_EBADREC;
    }
    const char *ds = date->s;
    size_t date_len = date->len;
    if (date_len < 10 || (date_len > 10 && ds[10] != 'T' && ds[10] != ' ') ||
        dl_date_parse(ds, 10, &rec->day) != DL_OK) {
        *reason = (date_len >= 10 && ds[4] == '-' && ds[7] == '-')
                      ? "impossible date"
                      : "bad date: expected YYYY-MM-DD or an ISO 8601 date-time";
        return DL_EBADREC;
    }
    if (text->type != V_STRING) {
        *reason = "no text: the record needs a \"text\" string";
        return DL_EBADREC;
    }
    char idnum[32];
    const char *ids = NULL;
    size_t id_len = 0;
    if (id->type == V_INT) {
        id_len = (size_t)snprintf(idnum, sizeof idnum, "%lld", id->i);
        ids = idnum;
    } else if (id->type == V_STRING) {
        ids = id->s, id_len = id->len;
    } else if (id->type == V_OTHER) {
        *reason = "bad id: must be a string";
        return DL_EBADREC;
    }
    if (ids && (id_len == 0 || id_len >= DL_ID_MAX)) {
        *reason = "bad id: empty or longer than 127 bytes";
        return DL_EBADREC;
    }
    for (size_t k = 0; ids && k < id_len; k++)
        if ((unsigned char)ids[k] < 0x20) {
            *reason = "bad id: control character";
            return DL_EBADREC;
        }
    for (int f = M_URL; f <= M_SOURCE; f++)
        if (m[f].type != V_ABSENT && m[f].type != V_NULL && m[f].type != V_STRING) {
            *reason = "bad record: url, title and source must be strings";
            return DL_EBADREC;
        }
    /* the text: trimmed in place; the parser proved it valid UTF-8 without
     * NUL bytes, so only emptiness and size remain to check */
    char *t = (char *)text->s;
    size_t lead = dl_ws_prefix(t, text->len);
    size_t n = text->len - lead;
    n -= dl_ws_suffix(t + lead, n);
    if (n == 0) {
        *reason = "empty text";
        return DL_EBADREC;
    }
    if (n > DL_MAX_RECORD) {
        *reason = "record over the size limit (16 MiB)";
        return DL_EBADREC;
    }
    t[lead + n] = 0;
    rec->text = t + lead;
    rec->text_len = n;
    if (m[M_URL].type == V_STRING) rec->url = m[M_URL].s;
    if (m[M_TITLE].type == V_STRING) rec->title = m[M_TITLE].s;
    if (m[M_SOURCE].type == V_STRING) rec->source = m[M_SOURCE].s;
    memcpy(rec->date, ds, 10);
    rec->date[10] = 0;
    if (ids) {
        memcpy(rec->id, ids, id_len);
        rec->id[id_len] = 0;
    } else {
        dl_record_id(rec->date, rec->text, n, rec->id);
    }
    return DL_OK;
}
