/*
 * train_ner.c -- trains the entity tagger's model (models/ner.model) from
 * gold data: an averaged perceptron over the features of src/analyze/ner.c,
 * greedy left-to-right decoding with the predicted previous tags, exactly as
 * the tagger decodes at run time.
 *
 *   build/tools/train_ner GOLD.jsonl GAZETTEER.tsv OUT.model [EPOCHS [NBITS]]
 *
 * Trains on the records whose id starts with "train-" (CoNLL-2003's train
 * part in ../shared/gold/conll/gold.jsonl) and reports mention P/R/F1 on the
 * "dev-" records after each epoch (for information only: the model written
 * is the one of the last epoch).  `make model` runs it with the defaults.
 * Deterministic: the same data gives the same file.
 */
#include "analyze/ner.h"

#include <jansson.h>
#include <stdio.h>

typedef struct tdoc {
    char *text;
    size_t len;
    dl_ner_doc nd;
    uint8_t *gold;
    int dev;
} tdoc;

static int type_tag(const char *t)
{
    if (!t) return -1;
    if (!strcmp(t, "PERSON")) return DL_NER_B_PER;
    if (!strcmp(t, "ORG")) return DL_NER_B_ORG;
    if (!strcmp(t, "PLACE")) return DL_NER_B_LOC;
    if (!strcmp(t, "MISC")) return DL_NER_MISC;
    return -1;
}

static int load_gaz(dl_ner_model *m, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        char *name = tab + 1;
        size_t l = strcspn(name, "\r\n");
        int kind = !strcmp(line, "country") ? DL_GAZ_COUNTRY
                   : !strcmp(line, "subdivision") ? DL_GAZ_SUBDIV
                   : !strcmp(line, "city") ? DL_GAZ_CITY
                                           : 0;
        if (!kind) continue;
        if (dl_ner_gaz_add(m, kind, name, l)) return -1;
        n++;
    }
    fclose(f);
    return n;
}

static double *W, *U; /* weights and averaging sums */
static double C = 1;

static int predict(const dl_ner_model *m, const double *w, const uint64_t *f, size_t nf, int p1)
{
    double s[DL_NER_NT] = {0};
    for (size_t j = 0; j < nf; j++) {
        const double *row = w + dl_ner_bucket(m, f[j]) * DL_NER_NT;
        for (int y = 0; y < DL_NER_NT; y++) s[y] += row[y];
    }
    int best = DL_NER_O;
    double bs = -1e300;
    for (int y = 0; y < DL_NER_NT; y++)
        if (dl_ner_valid(p1, y) && s[y] > bs) bs = s[y], best = y;
    return best;
}

static void update(const dl_ner_model *m, const uint64_t *f, size_t nf, int y, double v)
{
    for (size_t j = 0; j < nf; j++) {
        size_t k = dl_ner_bucket(m, f[j]) * DL_NER_NT + (size_t)y;
        W[k] += v;
        U[k] += C * v;
    }
}

typedef struct choose_ctx {
    const dl_ner_model *m;
    const double *w;
    const uint8_t *gold;
    int learn;
} choose_ctx;

static int choose_train(void *ctx, const dl_ner_doc *doc, size_t i, int p1, int p2)
{
    choose_ctx *c = ctx;
    uint64_t f[DL_NER_MAXF];
    size_t nf = dl_ner_feats(doc, i, p1, p2, f);
    int y = predict(c->m, c->w, f, nf, p1);
    if (c->learn) {
        int g = c->gold[i];
        if (y != g) {
            update(c->m, f, nf, g, 1);
            update(c->m, f, nf, y, -1);
        }
        C++;
    }
    return y;
}

/* Decodes (and learns when learn = 1) one document; counts mentions. */
static void run_doc(const dl_ner_model *m, const double *w, tdoc *td, int learn, long *tp,
                    long *np, long *ng)
{
    dl_ner_doc *d = &td->nd;
    uint8_t *pred = malloc(d->t.n + 1);
    choose_ctx cc = {m, w, td->gold, learn};
    dl_ner_decode(d, pred, choose_train, &cc);
    /* mention counts (PER/ORG/LOC, exact spans) */
    for (int which = 0; which < 2; which++) {
        const uint8_t *t = which ? td->gold : pred;
        for (size_t i = 0; i < d->t.n; i++) {
            int tg = t[i];
            if (!(tg & 1) || tg == DL_NER_MISC) continue;
            size_t j = i + 1;
            while (j < d->t.n && t[j] == tg + 1) j++;
            if (which) (*ng)++;
            else {
                (*np)++;
                int ok = td->gold[i] == tg;
                for (size_t k = i + 1; ok && k < j; k++) ok = td->gold[k] == tg + 1;
                if (ok && !(j < d->t.n && td->gold[j] == tg + 1)) (*tp)++;
            }
        }
    }
    free(pred);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: train_ner GOLD.jsonl GAZETTEER.tsv OUT.model [EPOCHS [NBITS]]\n");
        return 2;
    }
    int epochs = argc > 4 ? atoi(argv[4]) : 12;
    uint32_t nbits = argc > 5 ? (uint32_t)atoi(argv[5]) : 19;
    dl_ner_model *m = dl_ner_model_new(nbits);
    int ng = load_gaz(m, argv[2]);
    if (ng < 0) {
        fprintf(stderr, "train_ner: cannot read %s\n", argv[2]);
        return 1;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "train_ner: cannot read %s\n", argv[1]);
        return 1;
    }
    DL_VEC(tdoc) docs = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) > 0) {
        json_error_t err;
        json_t *o = json_loadb(line, (size_t)got, 0, &err);
        if (!o) continue;
        const char *id = json_string_value(json_object_get(o, "id"));
        const char *text = json_string_value(json_object_get(o, "text"));
        int dev = id && !strncmp(id, "dev-", 4);
        if (!id || !text || (!dev && strncmp(id, "train-", 6))) {
            json_decref(o);
            continue;
        }
        tdoc td = {0};
        td.len = json_string_length(json_object_get(o, "text"));
        td.text = dl_strndup(text, td.len);
        td.dev = dev;
        dl_tokvec tv = {0};
        dl_tokenize(td.text, td.len, &tv);
        dl_ner_doc_build(m, &td.nd, td.text, td.len, tv.v, tv.n);
        dl_vec_free(&tv);
        td.gold = calloc(td.nd.t.n + 1, 1);
        json_t *ents = json_object_get(o, "entities"), *e;
        size_t ei;
        json_array_foreach(ents, ei, e) {
            int b = type_tag(json_string_value(json_object_get(e, "type")));
            if (b < 0) continue;
            json_t *ms = json_object_get(e, "mentions"), *sp;
            size_t mi;
            json_array_foreach(ms, mi, sp) {
                uint32_t s = (uint32_t)json_integer_value(json_array_get(sp, 0));
                uint32_t en = (uint32_t)json_integer_value(json_array_get(sp, 1));
                int first = 1;
                for (size_t k = 0; k < td.nd.t.n; k++) {
                    const dl_ner_tok *t = &td.nd.t.v[k];
                    if (t->start >= s && t->end <= en) {
                        td.gold[k] = (uint8_t)(first || b == DL_NER_MISC ? b : b + 1);
                        first = 0;
                    }
                }
            }
        }
        dl_vec_push(&docs, td);
        json_decref(o);
    }
    free(line);
    fclose(f);
    size_t rows = (size_t)1 << nbits, nw = rows * DL_NER_NT;
    W = calloc(nw, sizeof *W);
    U = calloc(nw, sizeof *U);
    double *avg = calloc(nw, sizeof *avg);
    size_t *order = calloc(docs.n, sizeof *order);
    size_t ntrain = 0;
    for (size_t i = 0; i < docs.n; i++)
        if (!docs.v[i].dev) order[ntrain++] = i;
    fprintf(stderr, "train_ner: %zu train docs, %zu dev docs, %d gazetteer names, 2^%u rows\n",
            ntrain, docs.n - ntrain, ng, nbits);
    uint64_t seed = 42;
    for (int ep = 0; ep < epochs; ep++) {
        for (size_t i = ntrain; i > 1; i--) { /* deterministic shuffle */
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t j = (size_t)(seed >> 33) % i, t = order[i - 1];
            order[i - 1] = order[j], order[j] = t;
        }
        long tp = 0, np = 0, ngold = 0;
        for (size_t k = 0; k < ntrain; k++)
            run_doc(m, W, &docs.v[order[k]], 1, &tp, &np, &ngold);
        for (size_t k = 0; k < nw; k++) avg[k] = W[k] - U[k] / C;
        long dtp = 0, dnp = 0, dng = 0;
        for (size_t k = 0; k < docs.n; k++)
            if (docs.v[k].dev) run_doc(m, avg, &docs.v[k], 0, &dtp, &dnp, &dng);
        double p = dnp ? (double)dtp / dnp : 0, r = dng ? (double)dtp / dng : 0;
        fprintf(stderr, "epoch %d: train F1 %.4f  dev P %.4f R %.4f F1 %.4f\n", ep + 1,
                np + ngold ? 2.0 * tp / (np + ngold) : 0, p, r, p + r ? 2 * p * r / (p + r) : 0);
    }
    float *wf = calloc(nw, sizeof *wf);
    size_t nz = 0;
    for (size_t k = 0; k < nw; k++) {
        wf[k] = (float)avg[k];
        nz += wf[k] != 0;
    }
    int rc = dl_ner_model_save(m, wf, argv[3]);
    fprintf(stderr, "train_ner: wrote %s (%zu of %zu weights non-zero): %s\n", argv[3], nz, nw,
            dl_strerror(rc));
    for (size_t i = 0; i < docs.n; i++) {
        free(docs.v[i].text);
        free(docs.v[i].gold);
        dl_ner_doc_free(&docs.v[i].nd);
    }
    dl_vec_free(&docs);
    free(W), free(U), free(avg), free(wf), free(order);
    dl_ner_free(m);
    return rc ? 1 : 0;
}
