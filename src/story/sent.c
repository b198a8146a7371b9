/*
 * sent.c -- the sentences and dates that summaries and timelines read, and
 * the test that keeps page clutter and photo captions out of them.
 *
 * Sentences come from the analysis (annotation.sentences) when it has them;
 * otherwise a plain splitter cuts at . ! ? before white space and a capital,
 * digit or quote (not after a one-letter initial or a short title such as
 * "Mr." or "Dr."), and at line breaks.  Dates come from the analysis's
 * resolved time expressions (TIMEX3 values YYYY-MM-DD) when it has them;
 * otherwise an explicit-date reader finds "June 25", "25 June", "June 25,
 * 2009" and resolves them against the article's date.  Both are linear.
 */
#include "timeline.h"
#include "../text/date.h"

#include <stdio.h>

static int is_upper_start(const char *s, size_t n)
{
    if (!n) return 0;
    unsigned char c = (unsigned char)s[0];
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '"' || c == '\'' ||
        c == '(' || c >= 0xC0)
        return 1;
    return 0;
}

static int is_title_abbrev(const char *text, size_t dot)
{
    /* the word before the dot */
    size_t b = dot;
    while (b > 0 && ((text[b - 1] >= 'A' && text[b - 1] <= 'Z') ||
                     (text[b - 1] >= 'a' && text[b - 1] <= 'z')))
        b--;
    size_t wl = dot - b;
    if (wl == 1 && text[b] >= 'A' && text[b] <= 'Z') return 1; /* initial */
    static const char *const ab[] = {"Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gov",
                                     "Gen", "Col", "Lt", "Sgt", "Capt", "Prof", "Rev",
                                     "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "No", "vs",
                                     "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec", "Mt"};
    for (size_t i = 0; i < DL_ARRAY_LEN(ab); i++)
        if (strlen(ab[i]) == wl && memcmp(ab[i], text + b, wl) == 0) return 1;
    return 0;
}

static int push_trimmed(const char *text, size_t s, size_t e, dl_spanvec *out)
{
    while (s < e && (text[s] == ' ' || text[s] == '\n' || text[s] == '\t' || text[s] == '\r'))
        s++;
    while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\n' || text[e - 1] == '\t' ||
                     text[e - 1] == '\r'))
        e--;
    if (e <= s) return DL_OK;
    dl_span sp = {(uint32_t)s, (uint32_t)e};
    return dl_vec_push(out, sp);
}

int dl_tl_sentences(const dl_annotation *a, dl_spanvec *out)
{
    out->n = 0;
    if (a->n_sentences) {
        if (dl_vec_reserve(out, a->n_sentences)) return DL_ENOMEM;
        memcpy(out->v, a->sentences, a->n_sentences * sizeof *a->sentences);
        out->n = a->n_sentences;
        return DL_OK;
    }
    const char *t = a->text;
    size_t n = a->text_len, start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '\n') {
            if (push_trimmed(t, start, i, out)) return DL_ENOMEM;
            start = i + 1;
            continue;
        }
        if (c != '.' && c != '!' && c != '?') continue;
        size_t j = i + 1;
        /* closing quotes and brackets stay with the sentence */
        while (j < n && (t[j] == '"' || t[j] == '\'' || t[j] == ')')) j++;
        if (j + 2 < n && (unsigned char)t[j] == 0xE2 && (unsigned char)t[j + 1] == 0x80 &&
            ((unsigned char)t[j + 2] == 0x9D || (unsigned char)t[j + 2] == 0x99))
            j += 3;
        if (j >= n || t[j] != ' ') continue;
        size_t k = j;
        while (k < n && t[k] == ' ') k++;
        if (!is_upper_start(t + k, n - k)) continue;
        if (c == '.' && is_title_abbrev(t, i)) continue;
        if (push_trimmed(t, start, j, out)) return DL_ENOMEM;
        start = k;
        i = k - 1;
    }
    return push_trimmed(t, start, n, out);
}

/* ------------------------------------------------------------- dates */

static const char *const MONTHS[] = {"january", "february", "march", "april", "may", "june",
                                     "july", "august", "september", "october", "november",
                                     "december"};

static int month_of(const char *w, size_t n)
{
    char low[16];
    if (n < 3 || n >= sizeof low) return 0;
    for (size_t i = 0; i < n; i++) low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
    int dot = 0;
    for (int m = 0; m < 12; m++) {
        size_t ml = strlen(MONTHS[m]);
        if (n == ml && memcmp(low, MONTHS[m], n) == 0) return m + 1;
        /* Jan Feb ... Sept, not "may"-like ambiguity: abbreviations need >= 3 */
        if (m != 4 && n >= 3 && n < ml && memcmp(low, MONTHS[m], n) == 0 && (n == 3 || n == 4))
            return m + 1;
    }
    DL_UNUSED(dot);
    return 0;
}

static int num_at(const char *s, size_t n, size_t *used)
{
    int v = 0;
    size_t i = 0;
    while (i < n && i < 4 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i < n && s[i] >= '0' && s[i] <= '9') return -1;
    /* 1st 2nd 3rd 4th */
    if (i && i + 1 < n && ((s[i] == 's' && s[i + 1] == 't') || (s[i] == 'n' && s[i + 1] == 'd') ||
                           (s[i] == 'r' && s[i + 1] == 'd') || (s[i] == 't' && s[i + 1] == 'h')))
        i += 2;
    *used = i;
    return i ? v : -1;
}

/* Resolves month/day (year optional: 0) against the article's day: the
 * nearest such date, at most ~6 months after the article. */
static int32_t resolve(int y, int m, int d, int32_t ref)
{
    int ry, rm, rd;
    dl_civil_from_days(ref, &ry, &rm, &rd);
    if (d < 1 || d > 31) return INT32_MIN;
    if (y) {
        if (d > dl_days_in_month(y, m)) return INT32_MIN;
        return dl_days_from_civil(y, m, d);
    }
    int32_t best = INT32_MIN;
    for (int yy = ry - 1; yy <= ry + 1; yy++) {
        if (d > dl_days_in_month(yy, m)) continue;
        int32_t x = dl_days_from_civil(yy, m, d);
        if (x - ref > 183 || ref - x > 183) continue;
        best = x;
    }
    return best;
}

int dl_tl_dates(const dl_annotation *a, dl_tldatevec *out)
{
    out->n = 0;
    if (a->n_times) {
        for (size_t i = 0; i < a->n_times; i++) {
            const char *v = a->times[i].value;
            int32_t day;
            if (strlen(v) < 10 || dl_date_parse(v, 10, &day)) continue;
            if (v[10] && v[10] != 'T') continue;
            dl_tldate x = {a->times[i].span.start, day};
            if (dl_vec_push(out, x)) return DL_ENOMEM;
        }
        return DL_OK;
    }
    const char *t = a->text;
    size_t n = a->text_len;
    for (size_t i = 0; i < n; i++) {
        if (i && ((t[i - 1] >= 'A' && t[i - 1] <= 'Z') || (t[i - 1] >= 'a' && t[i - 1] <= 'z') ||
                  (t[i - 1] >= '0' && t[i - 1] <= '9')))
            continue;
        size_t j = i;
        while (j < n && ((t[j] >= 'A' && t[j] <= 'Z') || (t[j] >= 'a' && t[j] <= 'z'))) j++;
        int m = 0, d = -1, y = 0;
        size_t used = 0;
        if (j > i && t[i] >= 'A' && t[i] <= 'Z' && (m = month_of(t + i, j - i))) {
            size_t k = j;
            if (k < n && t[k] == '.') k++;
            if (k < n && t[k] == ' ') k++;
            d = num_at(t + k, n - k, &used);
            if (d > 0 && d <= 31) {
                k += used;
                if (k + 6 <= n && t[k] == ',' && t[k + 1] == ' ') {
                    size_t u2;
                    int yy = num_at(t + k + 2, n - k - 2, &u2);
                    if (u2 == 4 && yy >= 1900 && yy < 2100) y = yy;
                }
            } else {
                d = -1;
            }
        } else if (j == i && t[i] >= '0' && t[i] <= '9') {
            d = num_at(t + i, n - i, &used);
            size_t k = i + used;
            if (d > 0 && d <= 31 && k < n && t[k] == ' ') {
                size_t s = k + 1, e = s;
                while (e < n && ((t[e] >= 'A' && t[e] <= 'Z') || (t[e] >= 'a' && t[e] <= 'z'))) e++;
                m = e > s && t[s] >= 'A' && t[s] <= 'Z' ? month_of(t + s, e - s) : 0;
                if (m && e + 5 < n && t[e] == ' ') {
                    size_t u2;
                    int yy = num_at(t + e + 1, n - e - 1, &u2);
                    if (u2 == 4 && yy >= 1900 && yy < 2100) y = yy;
                }
            }
            if (!m) d = -1;
        }
        if (m && d > 0) {
            int32_t day = resolve(y, m, d, a->day);
            if (day != INT32_MIN) {
                dl_tldate x = {(uint32_t)i, day};
                if (dl_vec_push(out, x)) return DL_ENOMEM;
            }
        }
        if (j > i) i = j - 1;
    }
    return DL_OK;
}

/* Does s[0, n) end with a full date and a full stop, "..., November 25,
 * 2019." / "Nov. 19, 2019."?  Photo captions do; news sentences rarely. */
static int ends_with_full_date(const char *s, size_t n)
{
    if (n < 12 || s[n - 1] != '.') return 0;
    size_t e = n - 1, i = e;
    while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') i--;
    if (e - i != 4 || i < 4 || s[i - 1] != ' ' || s[i - 2] != ',') return 0;
    size_t d = i - 2, j = d;
    while (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9') j--;
    if (d - j < 1 || d - j > 2 || j < 4 || s[j - 1] != ' ') return 0;
    size_t m = j - 1, k = m;
    if (k > 0 && s[k - 1] == '.') k--;
    size_t w = k;
    while (w > 0 && ((s[w - 1] >= 'a' && s[w - 1] <= 'z') || (s[w - 1] >= 'A' && s[w - 1] <= 'Z'))) w--;
    return k > w && month_of(s + w, k - w) != 0;
}

/* Captions, bylines, share bars and other page furniture. */
int dl_tl_is_clutter(const char *s, size_t n)
{
    static const char *const bad[] = {"Share", "Facebook", "Twitter", "Photo:", "(AP Photo",
                                      "Getty Images", "REUTERS/", "Image ", "Caption",
                                      "Click", "Subscribe", "Sign up", "Copyright",
                                      "All rights reserved", "Read more", "Advertisement",
                                      "First Published", "Last updated", "Updated:",
                                      "Pictured", "pictured", "File photo", "Image copyright",
                                      "newsletter", "Posted", "Published"};
    if (n < 25) return 1;
    for (size_t i = 0; i < DL_ARRAY_LEN(bad); i++)
        if (memmem(s, n, bad[i], strlen(bad[i]))) return 1;
    /* a line without a sentence end is a headline or a caption fragment */
    char last = s[n - 1];
    if (last != '.' && last != '!' && last != '?' && last != '"' && last != '\'' &&
        (unsigned char)last != 0x9D && (unsigned char)last != 0x99)
        return 1;
    if (memmem(s, n, "By ", 3) == s) return 1;
    return 0;
}

int dl_tl_is_caption(const char *s, size_t n)
{
    return ends_with_full_date(s, n);
}

/* ------------------------------------------- annotations, read fast */

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')) p++;
    return p;
}

/* The value of `"key":` at the top level is found by text search: a quote
 * inside a JSON string is escaped, so `"key":` cannot occur in one. */
static const char *find_key(const char *p, const char *e, const char *key)
{
    size_t kl = strlen(key);
    while (p < e) {
        const char *q = memmem(p, (size_t)(e - p), key, kl);
        if (!q) return NULL;
        if (q > p && q[-1] != '\\') return skip_ws(q + kl, e);
        if (q == p) return skip_ws(q + kl, e);
        p = q + 1;
    }
    return NULL;
}

static const char *read_uint(const char *p, const char *e, uint64_t *v)
{
    p = skip_ws(p, e);
    const char *s = p;
    *v = 0;
    while (p < e && *p >= '0' && *p <= '9' && p - s < 12) *v = *v * 10 + (uint64_t)(*p++ - '0');
    return p > s ? p : NULL;
}

/* Skips a JSON string starting at p ('"'); copies up to cap-1 raw bytes
 * into out when out != NULL.  NULL when unterminated. */
static const char *read_str(const char *p, const char *e, char *out, size_t cap)
{
    if (p >= e || *p != '"') return NULL;
    size_t n = 0;
    for (p++; p < e; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }
        if (*p == '"') {
            if (out) out[n] = 0;
            return p + 1;
        }
        if (out && n + 1 < cap) out[n++] = *p;
    }
    return NULL;
}

int dl_tl_read_annotation(const char *json, size_t len, size_t text_len, dl_spanvec *sents,
                          dl_tldatevec *dates)
{
    const char *e = json + len, *p;
    sents->n = dates->n = 0;
    if ((p = find_key(json, e, "\"sentences\":")) && p < e && *p == '[') {
        for (p = skip_ws(p + 1, e); p && p < e && *p == '[';) {
            uint64_t s, t;
            p = read_uint(p + 1, e, &s);
            if (!p || (p = skip_ws(p, e)) >= e || *p != ',') break;
            p = read_uint(p + 1, e, &t);
            if (!p || (p = skip_ws(p, e)) >= e || *p != ']') break;
            if (s <= t && t <= text_len) {
                dl_span sp = {(uint32_t)s, (uint32_t)t};
                if (dl_vec_push(sents, sp)) return DL_ENOMEM;
            }
            p = skip_ws(p + 1, e);
            if (p < e && *p == ',') p = skip_ws(p + 1, e);
        }
    }
    if ((p = find_key(json, e, "\"times\":")) && p < e && *p == '[') {
        for (p = skip_ws(p + 1, e); p && p < e && *p == '{';) {
            uint64_t start = UINT64_MAX;
            char key[16], val[48];
            val[0] = 0;
            p = skip_ws(p + 1, e);
            while (p && p < e && *p == '"') {
                p = read_str(p, e, key, sizeof key);
                if (!p || (p = skip_ws(p, e)) >= e || *p != ':') {
                    p = NULL;
                    break;
                }
                p = skip_ws(p + 1, e);
                if (p < e && *p == '"') {
                    p = read_str(p, e, strcmp(key, "value") == 0 ? val : NULL, sizeof val);
                } else {
                    uint64_t v;
                    p = read_uint(p, e, &v);
                    if (p && strcmp(key, "start") == 0) start = v;
                }
                if (!p) break;
                p = skip_ws(p, e);
                if (p < e && *p == ',') p = skip_ws(p + 1, e);
            }
            if (!p || p >= e || *p != '}') break;
            int32_t day;
            if (start < text_len && strlen(val) >= 10 && (val[10] == 0 || val[10] == 'T') &&
                dl_date_parse(val, 10, &day) == DL_OK) {
                dl_tldate x = {(uint32_t)start, day};
                if (dl_vec_push(dates, x)) return DL_ENOMEM;
            }
            p = skip_ws(p + 1, e);
            if (p < e && *p == ',') p = skip_ws(p + 1, e);
        }
    }
    return DL_OK;
}
