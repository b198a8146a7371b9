/* test_stemcache.c -- the stem cache shared by the ingest's threads
 * (text/stemcache.h): it gives exactly the stemmer's stems, first time and
 * cached, from several threads at once, and a NULL cache just stems. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "text/stemcache.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *const WORDS[] = {
    "resigned", "resignation", "ambassador", "ambassadors", "running", "ran", "governments",
    "negotiations", "negotiated", "harbour", "flooding", "floods", "caf\xc3\xa9s", "na\xc3\xafve",
    "generously", "organisation", "organization", "x", "it's", "dockworkers", "elections"};
#define NW (sizeof WORDS / sizeof *WORDS)
#define ROUNDS 200

/* the stems of WORDS by a plain stemmer, to compare with */
static char want[NW][64];

typedef struct {
    dl_stemcache *c;
    int bad;
} job;

static void *stem_all(void *arg)
{
    job *j = arg;
    struct sb_stemmer *sb = sb_stemmer_new("english", NULL);
    if (!sb) {
        j->bad = 1;
        return NULL;
    }
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < NW; i++) {
            /* each thread starts at its own place, so that they race */
            size_t k = (i + (size_t)r * 7) % NW;
            size_t len;
            const char *s = dl_stemcache_stem(j->c, sb, WORDS[k], strlen(WORDS[k]), &len);
            if (!s || len != strlen(want[k]) || memcmp(s, want[k], len) != 0) j->bad = 1;
        }
    sb_stemmer_delete(sb);
    return NULL;
}

static void test_same_stems(void **state)
{
    (void)state;
    struct sb_stemmer *sb = sb_stemmer_new("english", NULL);
    assert_non_null(sb);
    for (size_t i = 0; i < NW; i++) {
        const sb_symbol *s =
            sb_stemmer_stem(sb, (const sb_symbol *)WORDS[i], (int)strlen(WORDS[i]));
        assert_non_null(s);
        snprintf(want[i], sizeof want[i], "%.*s", sb_stemmer_length(sb), (const char *)s);
    }
    /* a stem differs from its word somewhere: the check can fail */
    assert_string_equal(want[0], "resign");
    sb_stemmer_delete(sb);

    dl_stemcache *c = dl_stemcache_new();
    assert_non_null(c);
    job jobs[4] = {{c, 0}, {c, 0}, {c, 0}, {NULL, 0}};
    pthread_t th[4];
    for (int t = 0; t < 4; t++) assert_int_equal(pthread_create(&th[t], NULL, stem_all, &jobs[t]), 0);
    for (int t = 0; t < 4; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < 4; t++) assert_int_equal(jobs[t].bad, 0);
    dl_stemcache_free(c);
}

/* Entry ids: one per cached word, the same every time, naming the word's
 * stem; 0 for what the cache does not hold; caches tell themselves apart. */
static void test_ids(void **state)
{
    (void)state;
    struct sb_stemmer *sb = sb_stemmer_new("english", NULL);
    dl_stemcache *c = dl_stemcache_new(), *d = dl_stemcache_new();
    assert_non_null(sb);
    assert_non_null(c);
    assert_non_null(d);
    assert_true(dl_stemcache_uid(c) != dl_stemcache_uid(d));
    uint32_t ids[NW];
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < NW; i++) {
            size_t len, el;
            uint32_t id;
            const char *s = dl_stemcache_stem_id(c, sb, WORDS[i], strlen(WORDS[i]), &len, &id);
            assert_non_null(s);
            assert_true(id >= 1 && id <= DL_STEMCACHE_IDS);
            if (round) assert_int_equal(id, ids[i]);
            ids[i] = id;
            const char *e = dl_stemcache_entry(c, id, &el);
            assert_int_equal(el, len);
            assert_memory_equal(e, s, len);
            for (size_t k = 0; k < i; k++) assert_true(ids[k] != id);
        }
    size_t len, el;
    uint32_t id = 7;
    /* a word and its stem past a slot: stemmed, not cached */
    const char *w = "internationalisationalists";
    const char *s = dl_stemcache_stem_id(c, sb, w, strlen(w), &len, &id);
    assert_non_null(s);
    assert_int_equal(id, 0);
    id = 7;
    assert_non_null(dl_stemcache_stem_id(NULL, sb, "floods", 6, &len, &id));
    assert_int_equal(id, 0);
    /* the other cache has its own ids */
    assert_non_null(dl_stemcache_stem_id(d, sb, "floods", 6, &len, &id));
    const char *e = dl_stemcache_entry(d, id, &el);
    assert_int_equal(el, 5);
    assert_memory_equal(e, "flood", 5);
    dl_stemcache_free(c);
    dl_stemcache_free(d);
    sb_stemmer_delete(sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_stems),
        cmocka_unit_test(test_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
