/*
 * analyze.c -- dl_analyze: runs the stages of analyze.h over one record and
 * hands the result out as a dl_annotation; and the annotation's JSON form
 * (SPEC 4).
 */
#include "analyze.h"
#include "quote.h"
#include "../text/buf.h"

#include <jansson.h>
#include <stdio.h>

void dl_doc_init(dl_doc *d, const char *text, size_t len, int32_t day)
{
    memset(d, 0, sizeof *d);
    d->text = text;
    d->len = len;
    d->day = day;
}

void dl_doc_free(dl_doc *d)
{
    for (size_t i = 0; i < d->ents.n; i++) {
        free(d->ents.v[i].name);
        free(d->ents.v[i].mentions);
    }
    dl_vec_free(&d->toks);
    dl_vec_free(&d->sents);
    dl_vec_free(&d->times);
    dl_vec_free(&d->ents);
    dl_vec_free(&d->quotes);
}

/* DATELINE_STAGES (benchmarking only, see analyze.h): the stage bits. */
static unsigned stages_from_env(void)
{
    const char *s = getenv("DATELINE_STAGES");
    if (!s || !*s) return DL_STAGE_ALL;
    static const struct { const char *name; unsigned bit; } NAMES[] = {
        {"tok", 0}, {"sent", DL_STAGE_SENT}, {"ents", DL_STAGE_ENTS},
        {"times", DL_STAGE_TIMES}, {"quotes", DL_STAGE_QUOTES | DL_STAGE_ENTS}};
    unsigned bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        int known = 0;
        for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
            if (strlen(NAMES[i].name) == n && memcmp(NAMES[i].name, s, n) == 0)
                bits |= NAMES[i].bit, known = 1;
        if (!known) fprintf(stderr, "dateline: DATELINE_STAGES: unknown stage '%.*s'\n", (int)n, s);
        s += n;
        if (*s == ',') s++;
    }
    return bits;
}

int dl_analyzer_new(dl_analyzer **out)
{
    *out = NULL;
    dl_analyzer *az = dl_calloc(1, sizeof *az);
    if (!az) return DL_ENOMEM;
    az->stages = stages_from_env();
    if (!(az->stages & DL_STAGE_ENTS)) {
        *out = az;
        return DL_OK;
    }
    /* the entity model: $DATELINE_MODELS, models/ beside the binary (or up
     * to three folders above it: build/, build/tests/), ./models */
    char path[4200];
    int rc = dl_ner_find_model(path, sizeof path);
    if (rc == DL_OK) rc = dl_ner_load(path, &az->ner);
    if (rc) {
        fprintf(stderr, "dateline: cannot load the entity model %s: %s "
                "(set DATELINE_MODELS to the folder holding ner.model)\n",
                rc == DL_ENOTFOUND ? "models/ner.model" : path, dl_strerror(rc));
        free(az);
        return rc;
    }
    *out = az;
    return DL_OK;
}

void dl_analyzer_free(dl_analyzer *az)
{
    if (!az) return;
    dl_ner_free(az->ner);
    free(az);
}

void dl_annotation_free(dl_annotation *a)
{
    if (!a) return;
    for (size_t i = 0; i < a->n_entities; i++) {
        free(a->entities[i].name);
        free(a->entities[i].mentions);
    }
    free(a->entities);
    free(a->sentences);
    free(a->quotes);
    free(a->times);
    free(a->source);
    free(a->text);
    free(a);
}

/* Runs the stages over an initialised doc. */
static int run_stages(const dl_analyzer *az, dl_doc *d)
{
    unsigned st = az->stages;
    int rc = dl_tokenize(d->text, d->len, &d->toks);
    if (!rc && (st & DL_STAGE_SENT)) rc = dl_sentence_split(d);
    if (!rc && (st & DL_STAGE_ENTS)) rc = dl_ner_tag(az->ner, d);
    /* times may look at the entities ("Theresa May" is no date) */
    if (!rc && (st & DL_STAGE_TIMES)) rc = dl_timex_tag(d);
    /* quotes come last: they read the sentences and entities */
    if (!rc && (st & DL_STAGE_QUOTES)) rc = dl_quote_find(d);
    return rc;
}

int dl_analyze(const dl_analyzer *az, const dl_record *rec, dl_annotation **out)
{
    return dl_analyze_toks(az, rec, out, NULL);
}

int dl_analyze_toks(const dl_analyzer *az, const dl_record *rec, dl_annotation **out,
                    dl_tokvec *toks)
{
    *out = NULL;
    dl_annotation *a = dl_calloc(1, sizeof *a);
    if (!a) return DL_ENOMEM;
    memcpy(a->id, rec->id, sizeof a->id);
    memcpy(a->date, rec->date, sizeof a->date);
    a->day = rec->day;
    a->text = dl_strndup(rec->text, rec->text_len);
    a->text_len = rec->text_len;
    a->source = rec->source ? dl_strdup(rec->source) : NULL;
    if (!a->text || (rec->source && !a->source)) {
        dl_annotation_free(a);
        return DL_ENOMEM;
    }
    dl_doc d;
    dl_doc_init(&d, a->text, a->text_len, a->day);
    int rc = run_stages(az, &d);
    if (rc) {
        dl_doc_free(&d);
        dl_annotation_free(a);
        return rc;
    }
    /* hand the vectors over to the annotation */
    a->sentences = d.sents.v, a->n_sentences = d.sents.n, d.sents.v = NULL;
    a->times = d.times.v, a->n_times = d.times.n, d.times.v = NULL;
    a->entities = d.ents.v, a->n_entities = d.ents.n, d.ents.v = NULL;
    d.ents.n = 0;
    a->quotes = d.quotes.v, a->n_quotes = d.quotes.n, d.quotes.v = NULL;
    if (toks) {
        dl_vec_free(toks);
        *toks = d.toks;
        memset(&d.toks, 0, sizeof d.toks);
    }
    dl_doc_free(&d);
    *out = a;
    return DL_OK;
}

static const char *timex_type_name(int t)
{
    switch (t) {
    case DL_TIMEX_DATE: return "DATE";
    case DL_TIMEX_TIME: return "TIME";
    case DL_TIMEX_DURATION: return "DURATION";
    case DL_TIMEX_SET: return "SET";
    }
    return "DATE";
}

static const char *entity_type_name(int t)
{
    switch (t) {
    case DL_PERSON: return "PERSON";
    case DL_ORG: return "ORG";
    case DL_PLACE: return "PLACE";
    }
    return "ORG";
}

/* A type name (plain ASCII capitals: nothing to escape) as a JSON string. */
static void json_name(dl_buf *b, const char *name)
{
    char t[16];
    size_t n = strlen(name);
    t[0] = '"';
    memcpy(t + 1, name, n);
    t[n + 1] = '"';
    dl_buf_add(b, t, n + 2);
}

/* literal bytes and "key": without strlen or escaping (the keys are plain) */
#define LIT(b, s) dl_buf_add((b), s, sizeof s - 1)
#define KEY(b, k) LIT(b, "\"" k "\":")

void dl_annotation_json_buf(const dl_annotation *a, dl_buf *b, int with_text)
{
    dl_buf_addc(b, '{');
    if (with_text) {
        KEY(b, "id"), dl_json_strz(b, a->id), dl_buf_addc(b, ',');
        KEY(b, "date"), dl_json_strz(b, a->date), dl_buf_addc(b, ',');
        KEY(b, "source"), dl_json_strz(b, a->source), dl_buf_addc(b, ',');
        KEY(b, "text"), dl_json_str(b, a->text, a->text_len), dl_buf_addc(b, ',');
    }
    KEY(b, "sentences");
    dl_buf_addc(b, '[');
    for (size_t i = 0; i < a->n_sentences; i++) {
        if (i) dl_buf_addc(b, ',');
        dl_json_span(b, a->sentences[i]);
    }
    LIT(b, "],");
    KEY(b, "entities");
    dl_buf_addc(b, '[');
    for (size_t i = 0; i < a->n_entities; i++) {
        const dl_entity *e = &a->entities[i];
        if (i) dl_buf_addc(b, ',');
        dl_buf_addc(b, '{');
        KEY(b, "name"), dl_json_strz(b, e->name), dl_buf_addc(b, ',');
        KEY(b, "type"), json_name(b, entity_type_name(e->type));
        dl_buf_addc(b, ',');
        KEY(b, "mentions");
        dl_buf_addc(b, '[');
        for (size_t j = 0; j < e->n_mentions; j++) {
            if (j) dl_buf_addc(b, ',');
            dl_json_span(b, e->mentions[j]);
        }
        LIT(b, "]}");
    }
    LIT(b, "],");
    KEY(b, "quotes");
    dl_buf_addc(b, '[');
    for (size_t i = 0; i < a->n_quotes; i++) {
        const dl_quote *q = &a->quotes[i];
        if (i) dl_buf_addc(b, ',');
        dl_buf_addc(b, '{');
        LIT(b, "\"start\":"), dl_json_uint(b, q->span.start);
        LIT(b, ",\"end\":"), dl_json_uint(b, q->span.end), dl_buf_addc(b, ',');
        KEY(b, "text");
        dl_json_str(b, a->text + q->span.start, q->span.end - q->span.start);
        dl_buf_addc(b, ',');
        KEY(b, "speaker");
        if (q->speaker >= 0 && (size_t)q->speaker < a->n_entities)
            dl_json_strz(b, a->entities[q->speaker].name);
        else
            LIT(b, "null");
        dl_buf_addc(b, ',');
        KEY(b, "cue");
        if (q->cue.end > q->cue.start) dl_json_span(b, q->cue);
        else LIT(b, "null");
        dl_buf_addc(b, '}');
    }
    LIT(b, "],");
    KEY(b, "times");
    dl_buf_addc(b, '[');
    for (size_t i = 0; i < a->n_times; i++) {
        const dl_timex *t = &a->times[i];
        if (i) dl_buf_addc(b, ',');
        LIT(b, "{\"start\":"), dl_json_uint(b, t->span.start);
        LIT(b, ",\"end\":"), dl_json_uint(b, t->span.end), dl_buf_addc(b, ',');
        KEY(b, "text");
        dl_json_str(b, a->text + t->span.start, t->span.end - t->span.start);
        dl_buf_addc(b, ',');
        KEY(b, "type"), json_name(b, timex_type_name(t->type));
        dl_buf_addc(b, ',');
        KEY(b, "value"), dl_json_strz(b, t->value);
        dl_buf_addc(b, '}');
    }
    LIT(b, "]}");
}

char *dl_article_json(const dl_annotation *a, const char *url, const char *title,
                      size_t *len)
{
    dl_buf b = {0};
    dl_annotation_json_buf(a, &b, 1);
    if (b.n) b.n--; /* reopen the object */
    dl_buf_addc(&b, ',');
    dl_json_key(&b, "url"), dl_json_strz(&b, url), dl_buf_addc(&b, ',');
    dl_json_key(&b, "title"), dl_json_strz(&b, title), dl_buf_addc(&b, '}');
    return dl_buf_detach(&b, len);
}

char *dl_annotation_json(const dl_annotation *a, size_t *len)
{
    dl_buf b = {0};
    dl_annotation_json_buf(a, &b, 1);
    return dl_buf_detach(&b, len);
}

/* ------------------------------------------------------------ from JSON */

static int span_of(json_t *v, size_t len, dl_span *out)
{
    if (!json_is_array(v) || json_array_size(v) != 2) return -1;
    json_int_t s = json_integer_value(json_array_get(v, 0));
    json_int_t e = json_integer_value(json_array_get(v, 1));
    if (s < 0 || e < s || (size_t)e > len) return -1;
    out->start = (uint32_t)s;
    out->end = (uint32_t)e;
    return 0;
}

static int type_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0) return i + 1;
    return 0;
}

int dl_annotation_from_json(dl_annotation *a, const char *json, size_t len)
{
    static const char *const ent_names[] = {"PERSON", "ORG", "PLACE"};
    static const char *const tx_names[] = {"DATE", "TIME", "DURATION", "SET"};
    json_error_t jerr;
    json_t *o = json_loadb(json, len, 0, &jerr);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return DL_ECORRUPT;
    }
    int rc = DL_ENOMEM;
    json_t *arr, *v;
    size_t i;
    arr = json_object_get(o, "sentences");
    a->sentences = dl_calloc(json_array_size(arr), sizeof *a->sentences);
    if (!a->sentences) goto out;
    json_array_foreach(arr, i, v)
        if (!span_of(v, a->text_len, &a->sentences[a->n_sentences])) a->n_sentences++;
    arr = json_object_get(o, "entities");
    a->entities = dl_calloc(json_array_size(arr), sizeof *a->entities);
    if (!a->entities) goto out;
    json_array_foreach(arr, i, v) {
        dl_entity *e = &a->entities[a->n_entities];
        const char *name = json_string_value(json_object_get(v, "name"));
        json_t *ms = json_object_get(v, "mentions"), *m;
        size_t j;
        if (!name) continue;
        e->type = type_of(json_string_value(json_object_get(v, "type")), ent_names, 3);
        e->name = dl_strdup(name);
        e->mentions = dl_calloc(json_array_size(ms), sizeof *e->mentions);
        a->n_entities++;
        if (!e->name || !e->mentions) goto out;
        json_array_foreach(ms, j, m)
            if (!span_of(m, a->text_len, &e->mentions[e->n_mentions])) e->n_mentions++;
    }
    arr = json_object_get(o, "quotes");
    a->quotes = dl_calloc(json_array_size(arr), sizeof *a->quotes);
    if (!a->quotes) goto out;
    json_array_foreach(arr, i, v) {
        dl_quote *q = &a->quotes[a->n_quotes];
        json_t *pair = json_pack("[II]", json_integer_value(json_object_get(v, "start")),
                                 json_integer_value(json_object_get(v, "end")));
        int bad = span_of(pair, a->text_len, &q->span);
        json_decref(pair);
        if (bad) continue;
        q->speaker = -1;
        const char *sp = json_string_value(json_object_get(v, "speaker"));
        for (size_t k = 0; sp && k < a->n_entities; k++)
            if (strcmp(a->entities[k].name, sp) == 0) {
                q->speaker = (int)k;
                break;
            }
        json_t *cue = json_object_get(v, "cue");
        if (cue && !json_is_null(cue) && span_of(cue, a->text_len, &q->cue))
            q->cue.start = q->cue.end = 0;
        a->n_quotes++;
    }
    arr = json_object_get(o, "times");
    a->times = dl_calloc(json_array_size(arr), sizeof *a->times);
    if (!a->times) goto out;
    json_array_foreach(arr, i, v) {
        dl_timex *t = &a->times[a->n_times];
        json_t *pair = json_pack("[II]", json_integer_value(json_object_get(v, "start")),
                                 json_integer_value(json_object_get(v, "end")));
        int bad = span_of(pair, a->text_len, &t->span);
        json_decref(pair);
        if (bad) continue;
        t->type = type_of(json_string_value(json_object_get(v, "type")), tx_names, 4);
        const char *val = json_string_value(json_object_get(v, "value"));
        snprintf(t->value, sizeof t->value, "%s", val ? val : "");
        a->n_times++;
    }
    rc = DL_OK;
out:
    json_decref(o);
    return rc;
}
