/* test_prep.c -- the analysis workers' dedup/story step (story/prep.c):
 * through its token cache it must give exactly what the plain functions
 * give (dl_shingles_pair for sig/bi, dl_text_rawterms for the terms), on
 * news-like text, on junk (invalid UTF-8, binary, long tokens, numbers,
 * joiners), on texts that repeat a few words (the sort's worst case), over
 * many articles in a row on one thread (the cache, its growth and the
 * per-article stamps), and past the shingler's word limit.  With a shared
 * stem cache it also hands the index each token's term (an entry id of the
 * cache, or "look it up"): resolved by the index's termer, they must be the
 * terms a termer of its own gives. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "story/prep.h"
#include "dedup/shingle.h"
#include "index/index.h"
#include "text/stemcache.h"

#include <stdio.h>
#include <stdlib.h>

/* When set (the contexts were made with it): the job carries the text's
 * tokens, as the ingest's do, and the index terms handed over are checked
 * through SHARED (a termer stemming through SC) against PLAIN (one of its
 * own).  IDS counts the tokens that came as an id. */
static dl_stemcache *SC;
static dl_termer *SHARED, *PLAIN;
static size_t IDS;

static void check_ix(const char *text, const dl_tokvec *toks, const dl_u32vec *ix)
{
    assert_int_equal(ix->n, toks->n);
    /* the term ids as the index thread gets them */
    uint32_t *gids = malloc((ix->n + 1) * sizeof *gids);
    assert_non_null(gids);
    dl_termer_term_ids(SHARED, ix->v, ix->n, gids);
    for (size_t i = 0; i < ix->n; i++) {
        uint32_t v = ix->v[i];
        if (v == DL_TERM_SELF) assert_int_equal(gids[i], DL_TERM_SELF);
        else if (!v) assert_int_equal(gids[i], DL_TERM_NONE);
        else assert_true(gids[i] < dl_termer_count(SHARED));
    }
    for (size_t i = 0; i < toks->n; i++) {
        const dl_token *t = &toks->v[i];
        const char *w = text + t->start, *want = NULL, *got = NULL;
        size_t n = t->end - t->start, wl, gl;
        wl = dl_termer_term(PLAIN, w, n, t->kind, &want, NULL);
        uint32_t v = ix->v[i];
        if (v == DL_TERM_SELF) {
            gl = dl_termer_term(SHARED, w, n, t->kind, &got, NULL);
        } else {
            if (v) assert_int_equal(t->kind, DL_TOK_WORD);
            gl = 0;
            if (v) got = dl_termer_str(SHARED, gids[i], &gl);
            IDS += v != 0;
        }
        assert_int_equal(gl, wl);
        if (wl) assert_memory_equal(got, want, wl);
    }
    free(gids);
}

/* Runs the step on text and checks it against the plain functions. */
static void check_same(void *tctx, dl_stemmer *sm, const char *text, size_t len)
{
    dl_annotation ann = {0};
    ann.text = (char *)text;
    ann.text_len = len;
    dl_ajob j = {0};
    j.rec.text = text;
    j.rec.text_len = len;
    j.ann = &ann;
    if (SC) assert_int_equal(dl_tokenize(text, len, &j.toks), DL_OK);
    dl_artprep_run(tctx, &j);
    dl_artprep *p = j.prep;
    assert_non_null(p);
    assert_true(p->sig_ok);
    assert_true(p->terms_ok);
    if (SC && j.toks.n) {
        assert_true(p->ix_ok);
        check_ix(text, &j.toks, &p->ix);
    } else {
        assert_false(p->ix_ok);
    }
    dl_vec_free(&j.toks);

    dl_u32vec sig = {0}, bi = {0};
    assert_int_equal(dl_shingles_pair(text, len, &sig, &bi), DL_OK);
    assert_int_equal(p->sig.n, sig.n);
    /* the 2-shingles come unsorted, one per pair of words: sorted and
     * without repeats they are the plain function's */
    size_t words_bi = p->bi.n;
    dl_dup_sort_unique(&p->bi, NULL);
    assert_true(words_bi >= p->bi.n);
    assert_int_equal(p->bi.n, bi.n);
    if (sig.n) assert_memory_equal(p->sig.v, sig.v, sig.n * sizeof *sig.v);
    if (bi.n) assert_memory_equal(p->bi.v, bi.v, bi.n * sizeof *bi.v);
    for (size_t i = 1; i < p->sig.n; i++) assert_true(p->sig.v[i - 1] < p->sig.v[i]);
    for (size_t i = 1; i < p->bi.n; i++) assert_true(p->bi.v[i - 1] < p->bi.v[i]);

    dl_rawterms rt = {0};
    assert_int_equal(dl_text_rawterms(sm, text, len, NULL, &rt), DL_OK);
    assert_int_equal(p->terms.v.n, rt.v.n);
    for (size_t i = 0; i < rt.v.n; i++) {
        assert_string_equal(p->terms.buf + p->terms.v.v[i].term, rt.buf + rt.v.v[i].term);
        assert_string_equal(p->terms.buf + p->terms.v.v[i].surface,
                            rt.buf + rt.v.v[i].surface);
        assert_true(p->terms.v.v[i].w == rt.v.v[i].w);
    }
    dl_rawterms_free(&rt);
    dl_vec_free(&sig);
    dl_vec_free(&bi);
    j.prep_free(j.prep);
}

static const char *const NEWS[] = {
    "The harbour authority said on Tuesday that the container terminal would stay closed. "
    "Harbour workers, the Harbour Authority and the city's mayor met again on Wednesday.\n"
    "Talks resume at 9.30 a.m. on 1,200 contracts; U.S. buyers wait.",
    "HARBOUR STRIKE: Dockworkers\xe2\x80\x99 union rejects the offer\n\nThe union's spokesman "
    "said members would stay out. \"We are organised,\" she said. Organized labour, "
    "colour, color, centre, center, travelled, traveled, catalogue, programme.",
    "Kim's team won 7.4 to 3,5 on 1990s-style turf; the Kims' coach (Dr Lee) said: won't "
    "stop. Kim\xe2\x80\x98s fans - and Kim\xe2\x80\x99s rivals - cheered. e.g. https://example.org/"
    "a-b.html and jane.doe@example.com were cited.",
    "Caf\xc3\xa9 owners in Z\xc3\xbcrich and \xc3\x85lesund said na\xc3\xafve cr\xc3\xa8me "
    "br\xc3\xbbl\xc3\xa9" "e sales fell. \xef\xbc\xa6\xef\xbd\x95\xef\xbd\x8c\xef\xbd\x8c width "
    "letters, \xe2\x85\xa0\xe2\x85\xa1 numerals and \xef\xac\x81" "ne ligatures too.",
};

static void test_news(void **state)
{
    (void)state;
    void *tctx = dl_artprep_tnew(SC);
    dl_stemmer *sm = dl_stemmer_new();
    assert_non_null(tctx);
    assert_non_null(sm);
    /* twice: the second time every token is a cache hit */
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof NEWS / sizeof *NEWS; i++)
            check_same(tctx, sm, NEWS[i], strlen(NEWS[i]));
    check_same(tctx, sm, "", 0);
    check_same(tctx, sm, "a", 1);
    check_same(tctx, sm, "one two", 7);
    dl_artprep_tfree(tctx);
    dl_stemmer_free(sm);
}

/* Invented words from a counter: many distinct tokens, so the cache grows
 * several times while articles keep coming. */
static size_t make_article(char *buf, size_t cap, unsigned seed, size_t words)
{
    static const char *const CAPS[] = {"", "", "", "Cap", "ALL"};
    static const char *const PUNCT[] = {" ", " ", ", ", ". ", "\n", " - ", "'s ", ": "};
    size_t n = 0;
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < words && n + 64 < cap; i++) {
        x = x * 1103515245u + 12345u;
        unsigned w = (x >> 8) % 30000;
        if (w < 20000) w %= 300; /* a Zipf-ish head */
        n += (size_t)snprintf(buf + n, cap - n, "%s%c%cw%u%s", CAPS[(x >> 3) % 5],
                              'a' + (int)(w % 26), 'a' + (int)((w / 26) % 26), w,
                              PUNCT[(x >> 20) % 8]);
    }
    return n;
}

static void test_many_articles(void **state)
{
    (void)state;
    void *tctx = dl_artprep_tnew(SC);
    dl_stemmer *sm = dl_stemmer_new();
    size_t cap = 1 << 16;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (unsigned a = 0; a < 60; a++) {
        size_t n = make_article(buf, cap, a, 200 + 40 * a);
        check_same(tctx, sm, buf, n);
    }
    free(buf);
    /* more distinct terms in one article than a cache entry's term slot
     * can hold (65,535): the rest go through the stems' records */
    cap = 1 << 20;
    buf = malloc(cap);
    assert_non_null(buf);
    size_t n = 0;
    for (unsigned w = 0; w < 70000 && n + 32 < cap; w++)
        n += (size_t)snprintf(buf + n, cap - n, "q%cx%u%s", 'a' + (int)(w % 26), w,
                              w % 7 ? " " : ". The ");
    check_same(tctx, sm, buf, n);
    check_same(tctx, sm, buf, n);
    free(buf);
    dl_artprep_tfree(tctx);
    dl_stemmer_free(sm);
}

static void test_junk(void **state)
{
    (void)state;
    void *tctx = dl_artprep_tnew(SC);
    dl_stemmer *sm = dl_stemmer_new();
    size_t cap = 1 << 15;
    char *buf = malloc(cap);
    assert_non_null(buf);
    /* binary bytes and invalid UTF-8 */
    for (unsigned s = 0; s < 8; s++) {
        uint32_t x = s + 1;
        for (size_t i = 0; i < cap; i++) {
            x = x * 1664525u + 1013904223u;
            buf[i] = (char)(x >> 24);
        }
        check_same(tctx, sm, buf, cap >> (s % 4));
    }
    /* long tokens (past the cache's key and the shingler's word limits),
     * joiner runs, digit runs */
    size_t n = 0;
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 70 + 30 * k; i++) buf[n++] = (char)('a' + i % 26);
        buf[n++] = ' ';
    }
    n += (size_t)snprintf(buf + n, cap - n, "x'y'z'w 1.2.3.4.5.6.7.8.9 ''' ,,, ... "
                                            "\xe2\x80\x99\xe2\x80\x99 a\xe2\x80\x99 "
                                            "\xe2\x80 \xe2 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    check_same(tctx, sm, buf, n);
    free(buf);
    dl_artprep_tfree(tctx);
    dl_stemmer_free(sm);
}

/* A few words over and over: shingles repeat thousands of times (the
 * sort's worst case), and the text passes the shingler's word limit. */
static void test_repeats(void **state)
{
    (void)state;
    void *tctx = dl_artprep_tnew(NULL);
    dl_stemmer *sm = dl_stemmer_new();
    size_t cap = 1 << 18;
    char *buf = malloc(cap);
    assert_non_null(buf);
    static const char *const W[] = {"alpha ", "beta ", "gamma ", "delta ", "Alpha. "};
    for (size_t period = 1; period <= 5; period++) {
        size_t n = 0;
        for (size_t i = 0; n + 8 < cap; i++) {
            size_t k = strlen(W[i % period]);
            memcpy(buf + n, W[i % period], k);
            n += k;
        }
        check_same(tctx, sm, buf, n);
    }
    free(buf);
    dl_artprep_tfree(tctx);
    dl_stemmer_free(sm);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* dl_dup_sort_unique against qsort on uniform values, on few distinct
 * values that share their top bits (the insertion sort's budget runs out),
 * and on short arrays. */
static void test_sort(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, 2, 31, 33, 100, 1000, 5000, 70000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        for (int kind = 0; kind < 3; kind++) {
            size_t n = sizes[s];
            dl_u32vec v = {0};
            assert_int_equal(dl_vec_reserve(&v, n + 1), DL_OK);
            uint32_t x = (uint32_t)(n + 7 * kind);
            for (size_t i = 0; i < n; i++) {
                x = x * 1664525u + 1013904223u;
                v.v[i] = kind == 0 ? x : kind == 1 ? 0xABC00000u | (x >> 28) : (uint32_t)(i % 3);
            }
            v.n = n;
            uint32_t *ref = malloc((n + 1) * sizeof *ref);
            assert_non_null(ref);
            if (n) memcpy(ref, v.v, n * sizeof *ref);
            qsort(ref, n, sizeof *ref, cmp_u32);
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (!m || ref[m - 1] != ref[i]) ref[m++] = ref[i];
            uint32_t *tmp = malloc((n + 1) * sizeof *tmp);
            assert_non_null(tmp);
            dl_dup_sort_unique(&v, s % 2 ? tmp : NULL);
            assert_int_equal(v.n, m);
            if (m) assert_memory_equal(v.v, ref, m * sizeof *ref);
            free(tmp);
            free(ref);
            dl_vec_free(&v);
        }
    }
}

/* The tests above again, with a shared stem cache: index terms too. */
static int with_cache(void **state)
{
    (void)state;
    SC = dl_stemcache_new();
    if (!SC || dl_termer_new(&SHARED) || dl_termer_new(&PLAIN)) return -1;
    dl_termer_share(SHARED, SC);
    IDS = 0;
    return 0;
}

static int without_cache(void **state)
{
    (void)state;
    /* most words came as ids: the check above compared something */
    int ok = IDS > 1000;
    if (!ok) fprintf(stderr, "only %zu words came as ids\n", IDS);
    dl_termer_share(SHARED, NULL);
    dl_termer_free(SHARED);
    dl_termer_free(PLAIN);
    dl_stemcache_free(SC);
    SC = NULL;
    return ok ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_news),
        cmocka_unit_test(test_many_articles),
        cmocka_unit_test(test_junk),
        cmocka_unit_test(test_repeats),
        cmocka_unit_test(test_sort),
    };
    const struct CMUnitTest shared[] = {
        cmocka_unit_test(test_news),
        cmocka_unit_test(test_many_articles),
        cmocka_unit_test(test_junk),
    };
    int bad = cmocka_run_group_tests(tests, NULL, NULL);
    return bad + cmocka_run_group_tests_name("with a shared stem cache", shared, with_cache,
                                             without_cache);
}
