/*
 * test_index_segment.c -- one segment file written and read back through
 * the posting cursors (src/index/segment.h): doc numbers, tfs and
 * positions of several multi-block terms must come back exactly, through
 * the SIMD decoder (or the library fallback), through the block-wide
 * position decoder (pcur_positions, used by merges) and through the
 * per-document walk (pcur_doc_positions, used by phrases), whether the
 * cursor visits every document or skips (pcur_advance).  Values cover
 * every streamvbyte byte length (1 to 4) and counts that are not a
 * multiple of 4 or of the block size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "index/segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NDOCS 5000u

typedef struct posting {
    uint32_t doc, tf, *pos;
} posting;

#define RNG_SEED 0x9E3779B97F4A7C15ull
#include "rng.h"

/* A term with df postings over NDOCS docs, tfs and positions of every
 * byte length.  Returns the postings (caller frees). */
static posting *make_term(uint32_t df, uint32_t maxtf, uint32_t maxgap)
{
    posting *p = calloc(df, sizeof *p);
    assert_non_null(p);
    /* df distinct docs in order (selection sampling) */
    for (uint32_t d = 0, i = 0; d < NDOCS && i < df; d++)
        if (rnd(NDOCS - d) < df - i) p[i++].doc = d;
    for (uint32_t i = 0; i < df; i++) {
        p[i].tf = 1 + rnd(maxtf);
        if (i % 97 == 5) p[i].tf = 300 + rnd(400); /* 2-byte tfs */
        p[i].pos = calloc(p[i].tf, sizeof *p[i].pos);
        uint32_t at = rnd(maxgap);
        if (i % 211 == 3) at = (1u << 24) + rnd(1000); /* a 4-byte delta */
        for (uint32_t j = 0; j < p[i].tf; j++) {
            p[i].pos[j] = at;
            at += 1 + rnd(maxgap);
        }
    }
    return p;
}

static void free_term(posting *p, uint32_t df)
{
    for (uint32_t i = 0; i < df; i++) free(p[i].pos);
    free(p);
}

static int write_term(seg_writer *w, const char *name, const posting *p, uint32_t df)
{
    uint32_t *docs = malloc(df * sizeof *docs), *tfs = malloc(df * sizeof *tfs);
    size_t npos = 0;
    for (uint32_t i = 0; i < df; i++) npos += p[i].tf;
    uint32_t *pos = malloc(npos * sizeof *pos);
    size_t k = 0;
    for (uint32_t i = 0; i < df; i++) {
        docs[i] = p[i].doc;
        tfs[i] = p[i].tf;
        memcpy(pos + k, p[i].pos, p[i].tf * sizeof *pos);
        k += p[i].tf;
    }
    int rc = seg_writer_term(w, name, strlen(name), docs, tfs, df, pos);
    free(docs);
    free(tfs);
    free(pos);
    return rc;
}

static void check_positions(const posting *p, const uint32_t *got, uint32_t n, uint32_t base)
{
    assert_int_equal(n, p->tf);
    for (uint32_t j = 0; j < n; j++) assert_int_equal(got[j] - base, p->pos[j]);
}

static void test_roundtrip(void **state)
{
    (void)state;
    char dir[] = "/tmp/dl-test-seg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/seg-00000001.dlx", dir);
    static int32_t days[NDOCS];
    static uint32_t lens[NDOCS];
    static int64_t docnos[NDOCS];
    for (uint32_t i = 0; i < NDOCS; i++) {
        days[i] = 18000 + (int32_t)(i / 10);
        lens[i] = 50 + rnd(400);
        docnos[i] = (int64_t)i * 3 + 1;
    }
    /* dense (1-byte doc deltas), mid and sparse terms; df not multiples of
     * 4 or 128; position gaps of 1, 2 and 3 bytes */
    const char *names[] = {"alpha", "beta", "gamma", "single"};
    uint32_t dfs[] = {4999, 1301, 77, 1};
    uint32_t maxtf[] = {12, 40, 5, 3};
    uint32_t gaps[] = {3, 200, 70000, 9};
    posting *terms[4];
    seg_writer *w;
    assert_int_equal(seg_writer_open(path, NDOCS, days, lens, docnos, &w), DL_OK);
    for (int t = 0; t < 4; t++) {
        terms[t] = make_term(dfs[t], maxtf[t], gaps[t]);
        /* names are written in byte order */
        assert_int_equal(write_term(w, names[t], terms[t], dfs[t]), DL_OK);
    }
    uint64_t bytes;
    assert_int_equal(seg_writer_finish(w, &bytes), DL_OK);
    dl_seg *s;
    const char *why;
    assert_int_equal(seg_open(path, 1, &s, &why), DL_OK);
    assert_int_equal(s->ndocs, NDOCS);
    for (int t = 0; t < 4; t++) {
        int64_t ti = seg_find(s, names[t], strlen(names[t]));
        assert_true(ti >= 0);
        /* every document: docs, tfs, both position decoders */
        pcur c, c2;
        memset(&c, 0, sizeof c);
        memset(&c2, 0, sizeof c2);
        pcur_init(&c, s, (uint32_t)ti);
        pcur_init(&c2, s, (uint32_t)ti);
        for (uint32_t i = 0; i < dfs[t]; i++) {
            assert_int_equal(c.doc, terms[t][i].doc);
            assert_int_equal(pcur_tf(&c), terms[t][i].tf);
            uint32_t base, n;
            const uint32_t *bp = pcur_positions(&c, &base);
            assert_non_null(bp);
            for (uint32_t j = 0; j < terms[t][i].tf; j++)
                assert_int_equal(bp[j] - base, terms[t][i].pos[j]);
            assert_int_equal(c2.doc, terms[t][i].doc);
            const uint32_t *dp = pcur_doc_positions(&c2, &n, &base);
            assert_non_null(dp);
            check_positions(&terms[t][i], dp, n, base);
            pcur_next(&c);
            pcur_next(&c2);
        }
        assert_int_equal(c.doc, SEG_END);
        assert_int_equal(c.corrupt, 0);
        pcur_free(&c);
        pcur_free(&c2);
        /* skipping: positions of a few documents only, the walk resumes
         * mid-block */
        pcur_init(&c, s, (uint32_t)ti);
        for (uint32_t i = 0; i < dfs[t]; i += 1 + rnd(40)) {
            pcur_advance(&c, terms[t][i].doc);
            assert_int_equal(c.doc, terms[t][i].doc);
            uint32_t n, base;
            const uint32_t *dp = pcur_doc_positions(&c, &n, &base);
            assert_non_null(dp);
            check_positions(&terms[t][i], dp, n, base);
        }
        assert_int_equal(c.corrupt, 0);
        pcur_free(&c);
        free_term(terms[t], dfs[t]);
    }
    seg_close(s);
    /* corrupt copies: random bytes of the posting data flipped.  Opening
     * may fail; reading every cursor must end (corrupt or not) without
     * reading outside the file (the ASan pass checks that). */
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t orig[1 << 22];
    size_t size = fread(orig, 1, sizeof orig, f);
    fclose(f);
    assert_true(size > 4096 && size < sizeof orig);
    const seg_header *h = (const seg_header *)(const void *)orig;
    uint64_t lo = h->off_docs + (uint64_t)NDOCS * 16, hi = h->off_strings;
    char bad[160];
    snprintf(bad, sizeof bad, "%s/seg-00000002.dlx", dir);
    int corrupt_seen = 0;
    for (int round = 0; round < 60; round++) {
        static uint8_t copy[1 << 22];
        memcpy(copy, orig, size);
        for (int k = 0; k < 1 + round % 8; k++)
            copy[lo + rnd((uint32_t)(hi - lo))] ^= (uint8_t)(1 + rnd(255));
        f = fopen(bad, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(copy, 1, size, f), size);
        fclose(f);
        if (seg_open(bad, 2, &s, &why) != DL_OK) continue;
        for (uint32_t ti = 0; ti < s->nterms; ti++) {
            pcur c;
            memset(&c, 0, sizeof c);
            pcur_init(&c, s, ti);
            uint32_t steps = 0;
            while (c.doc != SEG_END && steps++ < NDOCS) {
                uint32_t n, base;
                (void)pcur_tf(&c);
                if (steps % 3) (void)pcur_doc_positions(&c, &n, &base);
                else (void)pcur_positions(&c, &base);
                pcur_next(&c);
            }
            corrupt_seen |= c.corrupt;
            pcur_free(&c);
        }
        seg_close(s);
    }
    assert_true(corrupt_seen); /* some flips were noticed */
    unlink(bad);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
