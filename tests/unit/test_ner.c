/*
 * test_ner.c -- the entity stage (src/analyze/ner.c): the committed model
 * loads (and how fast), bad model files are refused, invented articles come
 * out with the right entities, canonical names and alias links, and bad
 * input never crashes it.  All texts here are written for this test.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "analyze/ner.h"

static void *model;

static int setup(void **state)
{
    (void)state;
    char path[4200];
    if (dl_ner_find_model(path, sizeof path)) return -1;
    return dl_ner_load(path, &model) == DL_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    dl_ner_free(model);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_model_loads_fast(void **state)
{
    (void)state;
    char path[4200];
    assert_int_equal(dl_ner_find_model(path, sizeof path), DL_OK);
    double best = 1e9;
    for (int i = 0; i < 3; i++) {
        void *m = NULL;
        double t0 = now_ms();
        assert_int_equal(dl_ner_load(path, &m), DL_OK);
        double dt = now_ms() - t0;
        if (dt < best) best = dt;
        assert_non_null(m);
        dl_ner_free(m);
    }
    printf("MEASURE ner model load %.1f ms (target < 50)\n", best);
    /* loose bound: sanitizer builds and a busy machine are slower */
    assert_true(best < 1000);
}

static void test_bad_model_files(void **state)
{
    (void)state;
    void *m = (void *)1;
    assert_int_equal(dl_ner_load("/nonexistent/ner.model", &m), DL_ENOTFOUND);
    assert_null(m);
    char tmp[] = "/tmp/test_ner_XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fputs("this is not a model", f);
    fclose(f);
    assert_int_equal(dl_ner_load(tmp, &m), DL_ECORRUPT);
    assert_null(m);
    remove(tmp);
}

/* Runs the stage over text; returns the doc (free with dl_doc_free). */
static void tag(dl_doc *d, const char *text)
{
    dl_doc_init(d, text, strlen(text), 0);
    assert_int_equal(dl_tokenize(text, strlen(text), &d->toks), DL_OK);
    assert_int_equal(dl_ner_tag(model, d), DL_OK);
}

static const dl_entity *find(const dl_doc *d, const char *name, int type)
{
    for (size_t i = 0; i < d->ents.n; i++)
        if (!strcmp(d->ents.v[i].name, name) && d->ents.v[i].type == type) return &d->ents.v[i];
    return NULL;
}

static int has_mention(const dl_doc *d, const dl_entity *e, const char *surface, int nth)
{
    for (size_t j = 0; j < e->n_mentions; j++) {
        dl_span s = e->mentions[j];
        if (s.end - s.start == strlen(surface) && !memcmp(d->text + s.start, surface, s.end - s.start) &&
            nth-- == 0)
            return 1;
    }
    return 0;
}

static void check_invariants(const dl_doc *d)
{
    for (size_t i = 0; i < d->ents.n; i++) {
        const dl_entity *e = &d->ents.v[i];
        assert_non_null(e->name);
        assert_true(strlen(e->name) > 0);
        assert_true(e->type >= DL_PERSON && e->type <= DL_PLACE);
        assert_true(e->n_mentions > 0);
        for (size_t j = 0; j < e->n_mentions; j++) {
            assert_true(e->mentions[j].start < e->mentions[j].end);
            assert_true(e->mentions[j].end <= d->len);
            if (j) assert_true(e->mentions[j - 1].start <= e->mentions[j].start);
        }
    }
}

static void test_people_and_aliases(void **state)
{
    (void)state;
    const char *text =
        "LONDON - Sir Edward Pilkington has resigned as British ambassador to Brazil after "
        "a row with the government in London. Prime Minister Gordon Brown said on Monday that "
        "Sir Edward had served the country well. Mr Brown told reporters in London that the "
        "decision was his own. The ambassador said he was sorry to leave. Pilkington joined "
        "the Foreign Office in 1980 and worked in Paris and Washington.";
    dl_doc d;
    tag(&d, text);
    check_invariants(&d);
    const dl_entity *pil = find(&d, "Sir Edward Pilkington", DL_PERSON);
    assert_non_null(pil);
    assert_true(has_mention(&d, pil, "Edward Pilkington", 0) ||
                has_mention(&d, pil, "Sir Edward Pilkington", 0));
    assert_true(has_mention(&d, pil, "Pilkington", 0));
    assert_true(has_mention(&d, pil, "The ambassador", 0));
    const dl_entity *brown = find(&d, "Gordon Brown", DL_PERSON);
    assert_non_null(brown);
    assert_true(has_mention(&d, brown, "Brown", 0));
    const dl_entity *london = find(&d, "LONDON", DL_PLACE) ? find(&d, "LONDON", DL_PLACE)
                                                            : find(&d, "London", DL_PLACE);
    assert_non_null(london);
    assert_non_null(find(&d, "Brazil", DL_PLACE));
    assert_non_null(find(&d, "Paris", DL_PLACE));
    assert_non_null(find(&d, "Foreign Office", DL_ORG));
    /* no entity is only a title */
    assert_null(find(&d, "Mr", DL_PERSON));
    assert_null(find(&d, "Sir", DL_PERSON));
    dl_doc_free(&d);
}

static void test_acronyms(void **state)
{
    (void)state;
    const char *text =
        "The International Monetary Fund cut its forecast for Germany on Tuesday. The IMF said "
        "growth in the euro zone would slow. Officials at the European Central Bank (ECB) in "
        "Frankfurt declined to comment, but the ECB has said it will act if needed.";
    dl_doc d;
    tag(&d, text);
    check_invariants(&d);
    const dl_entity *imf = find(&d, "International Monetary Fund", DL_ORG);
    assert_non_null(imf);
    assert_true(has_mention(&d, imf, "IMF", 0));
    const dl_entity *ecb = find(&d, "European Central Bank", DL_ORG);
    assert_non_null(ecb);
    assert_true(has_mention(&d, ecb, "ECB", 1));
    assert_non_null(find(&d, "Germany", DL_PLACE));
    dl_doc_free(&d);
}

/* Builds the tagger's doc over text, with every token tagged O. */
static uint8_t *hand_doc(dl_ner_doc *doc, dl_tokvec *tv, const char *text)
{
    memset(tv, 0, sizeof *tv);
    assert_int_equal(dl_tokenize(text, strlen(text), tv), DL_OK);
    assert_int_equal(dl_ner_doc_build(model, doc, text, strlen(text), tv->v, tv->n), DL_OK);
    uint8_t *tags = calloc(doc->t.n + 1, 1);
    assert_non_null(tags);
    return tags;
}

/* index of the n-th tagger token whose text is w (-1: none) */
static long tok_at(const dl_ner_doc *doc, const char *w, int nth)
{
    for (size_t i = 0; i < doc->t.n; i++) {
        const dl_ner_tok *t = &doc->t.v[i];
        if (t->end - t->start == strlen(w) && !memcmp(doc->text + t->start, w, strlen(w)) &&
            nth-- == 0)
            return (long)i;
    }
    return -1;
}

static void set_tag(const dl_ner_doc *doc, uint8_t *tags, const char *w, int nth, int tag)
{
    long i = tok_at(doc, w, nth);
    assert_true(i >= 0);
    tags[i] = (uint8_t)tag;
}

static int get_tag(const dl_ner_doc *doc, const uint8_t *tags, const char *w, int nth)
{
    long i = tok_at(doc, w, nth);
    assert_true(i >= 0);
    return tags[i];
}

/* A first name whose surname the tagger cut off ("Bernie" + MISC/O/B-PER
 * "Sanders") gets it back; titles, weekdays, full names and common words
 * do not join. */
static void test_fix_cut_names(void **state)
{
    (void)state;
    dl_ner_doc doc;
    dl_tokvec tv;
    /* surname tagged MISC here, PERSON elsewhere in the article */
    const char *t1 = "Voters cheered when Marla Quenby spoke in Salem. Later Quenby left.";
    uint8_t *tags = hand_doc(&doc, &tv, t1);
    set_tag(&doc, tags, "Marla", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Quenby", 0, DL_NER_MISC);
    set_tag(&doc, tags, "Quenby", 1, DL_NER_B_PER);
    set_tag(&doc, tags, "Salem", 0, DL_NER_B_LOC);
    dl_ner_fix_tags(&doc, tags);
    assert_int_equal(get_tag(&doc, tags, "Quenby", 0), DL_NER_I_PER);
    assert_int_equal(get_tag(&doc, tags, "Salem", 0), DL_NER_B_LOC);
    dl_ner_doc_free(&doc), dl_vec_free(&tv), free(tags);

    /* surname tagged O, an unknown word ending the run; after a title */
    const char *t2 = "The candidate Senator Marla Quenby (D-OR) said the report was wrong.";
    tags = hand_doc(&doc, &tv, t2);
    set_tag(&doc, tags, "Senator", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Marla", 0, DL_NER_I_PER);
    dl_ner_fix_tags(&doc, tags);
    assert_int_equal(get_tag(&doc, tags, "Quenby", 0), DL_NER_I_PER);
    dl_ner_doc_free(&doc), dl_vec_free(&tv), free(tags);

    /* a second B-PER that is a surname elsewhere joins */
    const char *t3 = "Aides to Dell Forsythe met Tova Brandt on Friday. Then Tova Brandt went home.";
    tags = hand_doc(&doc, &tv, t3);
    set_tag(&doc, tags, "Dell", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Forsythe", 0, DL_NER_I_PER);
    set_tag(&doc, tags, "Tova", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Brandt", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Tova", 1, DL_NER_B_PER);
    set_tag(&doc, tags, "Brandt", 1, DL_NER_I_PER);
    dl_ner_fix_tags(&doc, tags);
    assert_int_equal(get_tag(&doc, tags, "Brandt", 0), DL_NER_I_PER);
    dl_ner_doc_free(&doc), dl_vec_free(&tv), free(tags);

    /* no join: a weekday, a word the article uses in lower case, a second
     * B-PER that begins a full name, a title before a name */
    const char *t4 = "Aides said Marla Monday that Quenby Tower would open and the tower "
                     "was tall. Fans of Rhys Dell Forsythe wrote. Crowds met Sir Kim Doyle.";
    tags = hand_doc(&doc, &tv, t4);
    set_tag(&doc, tags, "Marla", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Quenby", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Rhys", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Dell", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Forsythe", 0, DL_NER_I_PER);
    set_tag(&doc, tags, "Sir", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Kim", 0, DL_NER_B_PER);
    set_tag(&doc, tags, "Doyle", 0, DL_NER_I_PER);
    dl_ner_fix_tags(&doc, tags);
    assert_int_equal(get_tag(&doc, tags, "Monday", 0), DL_NER_O);
    assert_int_equal(get_tag(&doc, tags, "Tower", 0), DL_NER_O);
    assert_int_equal(get_tag(&doc, tags, "Dell", 0), DL_NER_B_PER);
    assert_int_equal(get_tag(&doc, tags, "Kim", 0), DL_NER_B_PER);
    dl_ner_doc_free(&doc), dl_vec_free(&tv), free(tags);
}

/* Weekdays and months glued to a name, sentence-initial function words,
 * and an organisation with a curly plural possessive, end to end. */
static void test_glued_words_and_possessives(void **state)
{
    (void)state;
    const char *text =
        "Former governor Tom Werrick Saturday told supporters in Ohio that he would run again. "
        "Delegates met in Tokyo Monday and in Lima April 4. Until Thursday, nobody knew. "
        "Werrick said he was ready. Prime Minister Theresa May said she agreed.\n\n"
        "The Harbour Workers\xe2\x80\x99 Union (HWU) said the strike at the port would go on. "
        "A spokesman for the HWU said talks with the Port Authority had failed.";
    dl_doc d;
    tag(&d, text);
    check_invariants(&d);
    const dl_entity *tw = find(&d, "Tom Werrick", DL_PERSON);
    assert_non_null(tw);
    assert_true(has_mention(&d, tw, "Werrick", 0));
    assert_non_null(find(&d, "Theresa May", DL_PERSON)); /* "May" is a name here */
    const dl_entity *hwu = find(&d, "Harbour Workers\xe2\x80\x99 Union", DL_ORG);
    assert_non_null(hwu);
    assert_true(has_mention(&d, hwu, "HWU", 1));
    for (size_t i = 0; i < d.ents.n; i++) {
        const char *n = d.ents.v[i].name;
        assert_null(strstr(n, "Saturday"));
        assert_null(strstr(n, "Monday"));
        assert_null(strstr(n, "Thursday"));
        assert_null(strstr(n, "April"));
        assert_null(strstr(n, "Until"));
        assert_false(!strcmp(n, "Union") || !strcmp(n, "Harbour Workers") || !strcmp(n, "HWU"));
    }
    dl_doc_free(&d);
}

static void test_hyphenated_names(void **state)
{
    (void)state;
    const char *text =
        "Senator Maria Lopez-Harwood said on Friday that she would oppose the measure. "
        "Lopez-Harwood, a Democrat from Oregon, spoke after Jean-Pierre Dufresne and "
        "Karl-Heinz Obermann met in Baden-Baden. Lopez-Harwood's office declined to comment.";
    dl_doc d;
    tag(&d, text);
    check_invariants(&d);
    /* the surname is one word: never cut at the hyphen, and it is an alias
     * of the full name, possessive included */
    const dl_entity *lh = find(&d, "Maria Lopez-Harwood", DL_PERSON);
    assert_non_null(lh);
    assert_true(has_mention(&d, lh, "Lopez-Harwood", 0));
    assert_true(has_mention(&d, lh, "Lopez-Harwood", 1));
    assert_non_null(find(&d, "Jean-Pierre Dufresne", DL_PERSON));
    assert_non_null(find(&d, "Karl-Heinz Obermann", DL_PERSON));
    assert_non_null(find(&d, "Baden-Baden", DL_PLACE));
    for (size_t i = 0; i < d.ents.n; i++) {
        const char *n = d.ents.v[i].name;
        assert_null(strstr(n, " and ")); /* two people, not one */
        assert_false(!strcmp(n, "Lopez") || !strcmp(n, "Harwood") || !strcmp(n, "Baden"));
    }
    dl_doc_free(&d);
}

static void test_bad_input(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        "\xff\xfe\xfd Mr \xc3 Smith \xe2\x80",
        "A. B. C. D. E. F. 's 's ' ' Sir Sir Sir Mr Mr the the ambassador the ambassador",
        "((((((( ))))))) UN (UN) (( UN )) FBI (",
        "\n\n\n\nJOHN SMITH\n\nJOHN SMITH SAID\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dl_doc d;
        tag(&d, texts[i]);
        check_invariants(&d);
        dl_doc_free(&d);
    }
    /* a long run of capitalised words and one of junk bytes: linear, no crash */
    size_t n = 200000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++) big[i] = (i % 7 == 6) ? ' ' : (i % 7 == 0 ? 'A' + (char)(i % 26) : 'x');
    big[n] = 0;
    dl_doc d;
    tag(&d, big);
    check_invariants(&d);
    dl_doc_free(&d);
    for (size_t i = 0; i < n; i++) big[i] = (char)(0x80 + (i * 37) % 128);
    tag(&d, big);
    check_invariants(&d);
    dl_doc_free(&d);
    free(big);
    /* no model: nothing found, no error */
    dl_doc_init(&d, "Mr Smith went to Paris.", 23, 0);
    assert_int_equal(dl_ner_tag(NULL, &d), DL_OK);
    assert_int_equal(d.ents.n, 0);
    dl_doc_free(&d);
}

/* The entities of text as one string (types, names, mention offsets). */
static char *ents_str(const char *text)
{
    dl_doc d;
    tag(&d, text);
    check_invariants(&d);
    size_t cap = 64 + 64 * d.len, o = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = 0;
    for (size_t i = 0; i < d.ents.n && o < cap; i++) {
        const dl_entity *e = &d.ents.v[i];
        o += (size_t)snprintf(out + o, cap - o, "%d %s:", e->type, e->name);
        for (size_t j = 0; j < e->n_mentions && o < cap; j++)
            o += (size_t)snprintf(out + o, cap - o, " %u-%u", e->mentions[j].start, e->mentions[j].end);
        if (o < cap) o += (size_t)snprintf(out + o, cap - o, "\n");
    }
    dl_doc_free(&d);
    return out;
}

static const char REUSE_A[] =
    "WASHINGTON - Senator Margaret Okafor said on Tuesday that the Federal Bureau of "
    "Investigation (FBI) had opened an inquiry. Ms Okafor told reporters the FBI would "
    "report to Congress. The senator added that Okafor Holdings was not involved.";

static void *reuse_thread(void *arg)
{
    return ents_str((const char *)arg);
}

/* The tagger keeps its buffers from one document to the next (per thread):
 * a document's entities must not depend on what was tagged before it on
 * the thread, nor on the thread. */
static void test_workspace_reuse(void **state)
{
    (void)state;
    char *a1 = ents_str(REUSE_A);
    assert_non_null(strstr(a1, "Margaret Okafor"));
    /* a larger document (the tables grow), a smaller one, junk, then A */
    size_t n = 60000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++) big[i] = (i % 9 == 8) ? ' ' : (i % 9 == 0 ? 'A' + (char)(i % 26) : 'a' + (char)(i % 23));
    big[n] = 0;
    free(ents_str(big));
    free(big);
    free(ents_str("Mr Jonas Pereira met Okafor in Lisbon."));
    free(ents_str("\xff\xfe ((( UN ))) Sir Sir"));
    char *a2 = ents_str(REUSE_A);
    assert_string_equal(a1, a2);
    /* on a fresh thread (its buffers are freed when it exits) */
    pthread_t th;
    void *ret = NULL;
    assert_int_equal(pthread_create(&th, NULL, reuse_thread, (void *)REUSE_A), 0);
    assert_int_equal(pthread_join(th, &ret), 0);
    assert_non_null(ret);
    assert_string_equal(a1, (char *)ret);
    free(ret);
    free(a1);
    free(a2);
}

static void test_speed(void **state)
{
    (void)state;
    const char *para =
        "Finance ministers from the Group of Seven met in Toronto on Friday, where Canadian "
        "Finance Minister Paul Martin said the talks with Robert Rubin of the United States "
        "had gone well. \"We are making progress,\" Martin told reporters, adding that Japan "
        "and Germany had agreed to the plan drawn up by the World Bank.\n\n";
    size_t pl = strlen(para), reps = 2000;
    char *text = malloc(pl * reps + 1);
    for (size_t i = 0; i < reps; i++) memcpy(text + i * pl, para, pl);
    text[pl * reps] = 0;
    dl_doc d;
    double t0 = now_ms();
    tag(&d, text);
    double dt = now_ms() - t0;
    double mbs = (double)(pl * reps) / 1e6 / (dt / 1e3);
    printf("MEASURE ner tokenize+tag %.1f MB/s\n", mbs);
    assert_true(d.ents.n > 0);
    /* loose floor (sanitizer builds are several times slower) */
    assert_true(mbs > 0.5);
    dl_doc_free(&d);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_loads_fast),
        cmocka_unit_test(test_bad_model_files),
        cmocka_unit_test(test_people_and_aliases),
        cmocka_unit_test(test_acronyms),
        cmocka_unit_test(test_fix_cut_names),
        cmocka_unit_test(test_glued_words_and_possessives),
        cmocka_unit_test(test_hyphenated_names),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_workspace_reuse),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
