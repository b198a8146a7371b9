/*
 * terms.c -- the content terms of a text (story.h): stemmed, stop words
 * dropped, proper nouns and entity names weighted double.  Shared by story
 * clustering, timelines and summaries.  Linear in the text.
 */
#include "story.h"
#include "../text/token.h"
#include "../text/utf8.h"
#include "../text/stemcache.h"

#include <stdatomic.h>

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>

/* The stemmer with a cache of the words it stemmed (raw token bytes ->
 * stem, NULL for "no term"), so that dl_text_terms stems each distinct word
 * once; the cache is emptied when it exceeds WCACHE_MAX words. */
#define WCACHE_MAX 200000
struct dl_stemmer {
    struct sb_stemmer *sb;
    dl_stemcache *shared;   /* NULL: none */
    char **wkey, **wstem;
    uint64_t *whash;
    size_t wcap, wn;
};

static uint64_t hash_bytes(const char *w, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ull;
    return h;
}

static void wcache_clear(dl_stemmer *s)
{
    for (size_t i = 0; i < s->wcap; i++) {
        free(s->wkey[i]);
        free(s->wstem[i]);
    }
    free(s->wkey);
    free(s->wstem);
    free(s->whash);
    s->wkey = s->wstem = NULL;
    s->whash = NULL;
    s->wcap = s->wn = 0;
}

static int wcache_grow(dl_stemmer *s)
{
    size_t nc = s->wcap ? s->wcap * 2 : 4096;
    char **nk = dl_calloc(nc, sizeof *nk), **ns = dl_calloc(nc, sizeof *ns);
    uint64_t *nh = dl_calloc(nc, sizeof *nh);
    if (!nk || !ns || !nh) {
        free(nk);
        free(ns);
        free(nh);
        return DL_ENOMEM;
    }
    for (size_t i = 0; i < s->wcap; i++) {
        if (!s->wkey[i]) continue;
        size_t h = (size_t)s->whash[i] & (nc - 1);
        while (nk[h]) h = (h + 1) & (nc - 1);
        nk[h] = s->wkey[i];
        ns[h] = s->wstem[i];
        nh[h] = s->whash[i];
    }
    free(s->wkey);
    free(s->wstem);
    free(s->whash);
    s->wkey = nk;
    s->wstem = ns;
    s->whash = nh;
    s->wcap = nc;
    return DL_OK;
}

/* The stem of the word token w[0, n) through the cache: NULL when the word
 * gives no term; *rc = DL_ENOMEM on OOM.  The stem is borrowed until the
 * cache is next emptied (only at the start of dl_text_terms). */
static const char *cached_stem(dl_stemmer *s, const char *w, size_t n, int *rc)
{
    uint64_t hv = hash_bytes(w, n);
    if (s->wcap) {
        for (size_t h = (size_t)hv & (s->wcap - 1); s->wkey[h]; h = (h + 1) & (s->wcap - 1))
            if (s->whash[h] == hv && strlen(s->wkey[h]) == n && memcmp(s->wkey[h], w, n) == 0)
                return s->wstem[h];
    }
    if ((s->wn + 1) * 2 > s->wcap && wcache_grow(s)) {
        *rc = DL_ENOMEM;
        return NULL;
    }
    char stem[256];
    char *st = NULL;
    if (dl_stem_word(s, w, n, stem, sizeof stem) >= 2 && !(st = dl_strdup(stem))) {
        *rc = DL_ENOMEM;
        return NULL;
    }
    char *key = dl_strndup(w, n);
    if (!key) {
        free(st);
        *rc = DL_ENOMEM;
        return NULL;
    }
    size_t h = (size_t)hv & (s->wcap - 1);
    while (s->wkey[h]) h = (h + 1) & (s->wcap - 1);
    s->wkey[h] = key;
    s->wstem[h] = st;
    s->whash[h] = hv;
    s->wn++;
    return st;
}

dl_stemmer *dl_stemmer_new(void)
{
    dl_stemmer *s = dl_calloc(1, sizeof *s);
    if (!s) return NULL;
    s->sb = sb_stemmer_new("english", NULL);
    if (!s->sb) {
        free(s);
        return NULL;
    }
    return s;
}

void dl_stemmer_share(dl_stemmer *s, dl_stemcache *c)
{
    s->shared = c;
}

void dl_stemmer_free(dl_stemmer *s)
{
    if (!s) return;
    wcache_clear(s);
    sb_stemmer_delete(s->sb);
    free(s);
}

/* English function words and news boiler words: never story terms. */
static const char *const STOP[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down",
    "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no",
    "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
    "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
    "your", "yours", "said", "says", "say", "told", "tell", "according", "mr", "mrs", "ms",
    "dr", "one", "two", "three", "new", "year", "years", "last", "first", "time", "may",
    "might", "must", "us", "like", "get", "got", "since", "still", "many", "much", "well",
    "back", "way", "even", "made", "make", "around", "yet", "another", "people", "week",
    "day", "days", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "today", "yesterday", "tomorrow", "share", "facebook", "twitter", "email",
    "whatsapp", "linkedin", "pinterest", "reddit", "print", "comments", "comment", "photo",
    "image", "images", "caption", "copyright", "reuters", "ap", "afp", "advertisement",
    "read", "click", "subscribe", "news", "via", "getty", "pm", "am", "edt", "est", "gmt",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "don't", "it's", "s", "t", "re", "ve", "ll", "d"};

/* STOP as an open-addressing set (built once, read-only afterwards, so
 * threads may share it): a word costs one hash and a compare or two. */
#define STOP_SLOTS 1024
static const char *stop_set[STOP_SLOTS];
static unsigned char stop_len[STOP_SLOTS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static size_t stop_hash(const char *w, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h & (STOP_SLOTS - 1);
}

static void stop_build(void)
{
    for (size_t i = 0; i < DL_ARRAY_LEN(STOP); i++) {
        size_t len = strlen(STOP[i]);
        size_t h = stop_hash(STOP[i], len);
        while (stop_set[h] && strcmp(stop_set[h], STOP[i]) != 0) h = (h + 1) & (STOP_SLOTS - 1);
        stop_set[h] = STOP[i];
        stop_len[h] = (unsigned char)len;
    }
}

int dl_is_stopword(const char *w, size_t len)
{
    if (len == 0 || len > 20) return 0;
    pthread_once(&stop_once, stop_build);
    for (size_t h = stop_hash(w, len); stop_set[h]; h = (h + 1) & (STOP_SLOTS - 1))
        if (stop_len[h] == len && memcmp(stop_set[h], w, len) == 0) return 1;
    return 0;
}

/* Lower-cases an ASCII-or-UTF-8 word (ASCII letters only are folded;
 * apostrophes normalised to '); returns its length. */
static size_t lower_word(const char *w, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap;) {
        unsigned char c = (unsigned char)w[i];
        if (c == 0xE2 && i + 2 < len && (unsigned char)w[i + 1] == 0x80 &&
            (unsigned char)w[i + 2] == 0x99) {
            out[n++] = '\'';
            i += 3;
            continue;
        }
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        i++;
    }
    out[n] = 0;
    return n;
}

size_t dl_stem_word(dl_stemmer *sm, const char *w, size_t len, char *out, size_t cap)
{
    char low[256];
    if (len >= sizeof low) len = sizeof low - 1;
    size_t n = lower_word(w, len, low, sizeof low);
    /* drop a possessive 's */
    if (n > 2 && low[n - 2] == '\'' && low[n - 1] == 's') n -= 2, low[n] = 0;
    if (n < 2 || dl_is_stopword(low, n)) return 0;
    size_t sl;
    const char *st = dl_stemcache_stem(sm->shared, sm->sb, low, n, &sl);
    if (!st) return 0;
    if (sl + 1 > cap) sl = cap - 1;
    memcpy(out, st, sl);
    out[sl] = 0;
    return sl;
}

void dl_terms_free(dl_termvec *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].term);
        free(v->v[i].surface);
    }
    dl_vec_free(v);
}

static int cmp_term(const void *a, const void *b)
{
    const dl_term *x = a, *y = b;
    int c = strcmp(x->term, y->term);
    if (c) return c;
    /* prefer capitalised surface forms for labels */
    return strcmp(x->surface, y->surface);
}

static int add_term(dl_termvec *out, const char *stem, const char *surf, size_t slen, double w)
{
    dl_term t = {dl_strdup(stem), dl_strndup(surf, slen), w};
    if (!t.term || !t.surface || dl_vec_push(out, t)) {
        free(t.term);
        free(t.surface);
        return DL_ENOMEM;
    }
    return DL_OK;
}

/* One distinct term of a text while it is read. */
typedef struct tagg {
    const char *stem;  /* borrowed from the stemmer's cache */
    const char *surf;  /* the smallest surface form (capitals sort first) */
    size_t slen;
    double w;
} tagg;

int dl_text_terms(dl_stemmer *sm, const char *text, size_t len, const dl_annotation *a,
                  dl_termvec *out)
{
    return dl_text_terms_toks(sm, text, len, NULL, a, out);
}

void dl_rawterms_free(dl_rawterms *r)
{
    free(r->buf);
    dl_vec_free(&r->v);
    dl_vec_free(&r->lid);
    memset(r, 0, sizeof *r);
}

static _Atomic uint64_t g_space;
uint64_t dl_rawterms_space(void) { return atomic_fetch_add(&g_space, 1) + 1; }

/* Appends n bytes and a NUL to the arena; the offset goes to *off. */
static int arena_add(dl_rawterms *r, const char *p, size_t n, uint32_t *off)
{
    if (r->buf_n + n + 1 > r->buf_cap) {
        size_t nc = r->buf_cap ? r->buf_cap : 1024;
        while (nc < r->buf_n + n + 1) nc *= 2;
        if (nc > UINT32_MAX) return DL_ENOMEM;
        char *nb = realloc(r->buf, nc);
        if (!nb) return DL_ENOMEM;
        r->buf = nb;
        r->buf_cap = nc;
    }
    memcpy(r->buf + r->buf_n, p, n);
    r->buf[r->buf_n + n] = 0;
    *off = (uint32_t)r->buf_n;
    r->buf_n += n + 1;
    return DL_OK;
}

int dl_text_rawterms(dl_stemmer *sm, const char *text, size_t len, const dl_tokvec *given,
                     dl_rawterms *out)
{
    if (sm->wn > WCACHE_MAX) wcache_clear(sm);
    dl_tokvec own = {0};
    if (!given && dl_tokenize(text, len, &own)) return DL_ENOMEM;
    const dl_tokvec *tv = given ? given : &own;
    const dl_tokvec toks = *tv;  /* read only */
    int rc = DL_OK;
    int sent_start = 1;
    /* distinct stems, found through a table of indexes + 1 into agg */
    DL_VEC(tagg) agg = {0};
    size_t tcap = 64;
    while (tcap < toks.n * 2) tcap *= 2;
    uint32_t *tab = dl_calloc(tcap, sizeof *tab);
    if (!tab) rc = DL_ENOMEM;
    for (size_t i = 0; i < toks.n && !rc; i++) {
        const dl_token *t = &toks.v[i];
        const char *w = text + t->start;
        size_t wl = t->end - t->start;
        if (t->kind == DL_TOK_PUNCT) {
            if (*w == '.' || *w == '!' || *w == '?' || *w == ':' || *w == '"') sent_start = 1;
            continue;
        }
        if (t->kind != DL_TOK_WORD || wl > 40) {
            sent_start = 0;
            continue;
        }
        int cap = *w >= 'A' && *w <= 'Z';
        /* line starts count as sentence starts too */
        if (t->start == 0 || text[t->start - 1] == '\n') sent_start = 1;
        const char *stem = cached_stem(sm, w, wl, &rc);
        if (stem) {
            int allcaps = wl > 1 && cap && w[1] >= 'A' && w[1] <= 'Z';
            double weight = (cap && !sent_start && !allcaps) ? 2.0 : 1.0;
            size_t h = (size_t)hash_bytes(stem, strlen(stem)) & (tcap - 1);
            while (tab[h] && strcmp(agg.v[tab[h] - 1].stem, stem) != 0) h = (h + 1) & (tcap - 1);
            if (!tab[h]) {
                tagg x = {stem, w, wl, 0};
                rc = dl_vec_push(&agg, x);
                tab[h] = (uint32_t)agg.n;
            }
            if (!rc) {
                tagg *g = &agg.v[tab[h] - 1];
                g->w += weight;
                size_t m = wl < g->slen ? wl : g->slen;
                int c = memcmp(w, g->surf, m);
                if (c < 0 || (c == 0 && wl < g->slen)) g->surf = w, g->slen = wl;
            }
        }
        sent_start = 0;
    }
    free(tab);
    dl_vec_free(&own);
    /* into the arena: the stems are borrowed from the stemmer's cache */
    if (!rc) rc = dl_vec_reserve(&out->v, out->v.n + agg.n);
    for (size_t i = 0; i < agg.n && !rc; i++) {
        dl_rawterm r = {0, 0, agg.v[i].w};
        rc = arena_add(out, agg.v[i].stem, strlen(agg.v[i].stem), &r.term);
        if (!rc) rc = arena_add(out, agg.v[i].surf, agg.v[i].slen, &r.surface);
        if (!rc) out->v.v[out->v.n++] = r;
    }
    dl_vec_free(&agg);
    return rc;
}

int dl_text_terms_toks(dl_stemmer *sm, const char *text, size_t len, const dl_tokvec *given,
                       const dl_annotation *a, dl_termvec *out)
{
    dl_rawterms raw = {0};
    int rc = dl_text_rawterms(sm, text, len, given, &raw);
    for (size_t i = 0; i < raw.v.n && !rc; i++) {
        const char *surf = raw.buf + raw.v.v[i].surface;
        rc = add_term(out, raw.buf + raw.v.v[i].term, surf, strlen(surf), raw.v.v[i].w);
    }
    dl_rawterms_free(&raw);
    /* entity names as whole terms */
    for (size_t i = 0; a && i < a->n_entities && !rc; i++) {
        const dl_entity *e = &a->entities[i];
        if (!e->name || !*e->name) continue;
        char key[200];
        size_t kl = lower_word(e->name, strlen(e->name), key + 2, sizeof key - 2);
        if (kl < 2) continue;
        key[0] = 'e', key[1] = ':';
        double w = 2.0 * (double)(e->n_mentions ? e->n_mentions : 1);
        rc = add_term(out, key, e->name, strlen(e->name), w);
    }
    if (rc) return rc;
    /* sort and merge */
    if (out->n) {
        dl_qsort(out->v, out->n, sizeof *out->v, cmp_term);
        size_t m = 0;
        for (size_t i = 0; i < out->n; i++) {
            if (m && strcmp(out->v[m - 1].term, out->v[i].term) == 0) {
                out->v[m - 1].w += out->v[i].w;
                free(out->v[i].term);
                free(out->v[i].surface);
            } else {
                out->v[m++] = out->v[i];
            }
        }
        out->n = m;
    }
    return DL_OK;
}
