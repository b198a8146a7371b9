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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_stems),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
