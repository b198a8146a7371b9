/*
 * entdays.c -- the entity_days table: how often each entity is named, per
 * day (store.h, dl_entdays).
 *
 * `dateline entities` and the server's mentions-by-day ask, for a name or
 * for all names, what was said over a date range: sums over days.  So the
 * archive keeps one row per (name, day, type) with the day's mentions and
 * articles, not one row per article and entity: a batch of 5,000 articles
 * names some 75,000 entities, which fold into fewer rows (a name named
 * again the same day is the same row), written once at the batch's commit
 * in key order into one WITHOUT ROWID B-tree, instead of 75,000 inserts
 * into a table and two indexes.  The counts are added to the rows already there (an UPSERT),
 * inside the batch's transaction, so they are exactly as durable as the
 * articles they count.
 *
 * An article counts once per (name, type) however many of its entities
 * carry that name and type; a name the tagger typed two ways in one article
 * counts once under each type.
 */
#include "store.h"
#include "../analyze/analyze.h"
#include "../text/buf.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Rows per INSERT statement at flush */
#define FLUSH_ROWS 32

typedef struct edent {
    uint64_t hash;    /* 0: free slot (hashes are made non-zero) */
    uint64_t prefix;  /* the name's first 8 bytes, big-endian: the sort key */
    uint32_t off, len;  /* the name in ed->names */
    int32_t day;
    int32_t type;
    uint32_t stamp;   /* the article that last counted it */
    int64_t mentions, articles;
} edent;

struct dl_entdays {
    dl_archive *ar;
    edent *tab;
    size_t cap, n;    /* slots (a power of two), used */
    dl_buf names;     /* the names' bytes, back to back */
    uint32_t stamp;   /* articles added (per-article de-duplication) */
    DL_VEC(uint32_t) order;
    sqlite3_stmt *st_one, *st_many;
};

#define UPSERT_HEAD "INSERT INTO entity_days(name, type, day, mentions, articles) VALUES "
#define UPSERT_ROW "(?,?,?,?,?)"
#define UPSERT_TAIL                                                                   \
    " ON CONFLICT(name, day, type) DO UPDATE SET mentions = mentions + excluded.mentions," \
    " articles = articles + excluded.articles"

int dl_entdays_new(dl_archive *ar, dl_entdays **out)
{
    dl_entdays *ed = dl_calloc(1, sizeof *ed);
    *out = ed;
    if (!ed) return DL_ENOMEM;
    ed->ar = ar;
    return DL_OK;
}

void dl_entdays_free(dl_entdays *ed)
{
    if (!ed) return;
    sqlite3_finalize(ed->st_one);
    sqlite3_finalize(ed->st_many);
    free(ed->tab);
    dl_buf_free(&ed->names);
    dl_vec_free(&ed->order);
    free(ed);
}

void dl_entdays_clear(dl_entdays *ed)
{
    if (!ed) return;
    if (ed->tab) memset(ed->tab, 0, ed->cap * sizeof *ed->tab);
    ed->n = 0;
    dl_buf_reset(&ed->names);
}

static const char *type_name(int t)
{
    return t == DL_PERSON ? "PERSON" : t == DL_PLACE ? "PLACE" : "ORG";
}

static uint64_t key_hash(const char *name, size_t len, int32_t day, int type)
{
    uint64_t h = XXH3_64bits_withSeed(name, len, (uint64_t)(uint32_t)day << 8 | (unsigned)type);
    return h ? h : 1;
}

static uint64_t name_prefix(const char *name, size_t len)
{
    uint64_t p = 0;
    for (size_t i = 0; i < 8; i++) p = p << 8 | (i < len ? (unsigned char)name[i] : 0);
    return p;
}

/* Doubles the table (or makes the first one). */
static int grow(dl_entdays *ed)
{
    size_t cap = ed->cap ? ed->cap * 2 : 1024;
    edent *t = dl_calloc(cap, sizeof *t);
    if (!t) return DL_ENOMEM;
    for (size_t i = 0; i < ed->cap; i++) {
        if (!ed->tab[i].hash) continue;
        size_t s = ed->tab[i].hash & (cap - 1);
        while (t[s].hash) s = (s + 1) & (cap - 1);
        t[s] = ed->tab[i];
    }
    free(ed->tab);
    ed->tab = t;
    ed->cap = cap;
    return DL_OK;
}

int dl_entdays_add(dl_entdays *ed, int32_t day, const dl_annotation *a)
{
    if (++ed->stamp == 0) {  /* wrapped: no entry may hold the new stamp */
        for (size_t i = 0; i < ed->cap; i++) ed->tab[i].stamp = 0;
        ed->stamp = 1;
    }
    for (size_t i = 0; i < a->n_entities; i++) {
        const dl_entity *e = &a->entities[i];
        if (!e->name) continue;
        size_t len = strlen(e->name);
        if (len > UINT32_MAX / 2) continue;
        if ((ed->n + 1) * 4 > ed->cap * 3 && grow(ed)) return DL_ENOMEM;
        int type = e->type == DL_PERSON || e->type == DL_PLACE ? e->type : DL_ORG;
        uint64_t h = key_hash(e->name, len, day, type);
        size_t s = h & (ed->cap - 1);
        edent *x;
        for (;;) {
            x = &ed->tab[s];
            if (!x->hash) break;
            if (x->hash == h && x->len == len && x->day == day && x->type == type &&
                memcmp(ed->names.p + x->off, e->name, len) == 0)
                break;
            s = (s + 1) & (ed->cap - 1);
        }
        if (!x->hash) {
            if (ed->names.n + len > UINT32_MAX) return DL_ETOOBIG;
            size_t off = ed->names.n;
            dl_buf_add(&ed->names, e->name, len);
            if (ed->names.err) return DL_ENOMEM;
            *x = (edent){h, name_prefix(e->name, len), (uint32_t)off, (uint32_t)len, day, type,
                         0, 0, 0};
            ed->n++;
        }
        x->mentions += (int64_t)e->n_mentions;
        if (x->stamp != ed->stamp) {
            x->stamp = ed->stamp;
            x->articles++;
        }
    }
    return DL_OK;
}

/* Key order of the rows: name (bytes), day, type. */
static const dl_entdays *g_sort_ed; /* qsort context: flush runs on one thread */
static int cmp_ent(const void *pa, const void *pb)
{
    const edent *x = &g_sort_ed->tab[*(const uint32_t *)pa];
    const edent *y = &g_sort_ed->tab[*(const uint32_t *)pb];
    if (x->prefix != y->prefix) return x->prefix < y->prefix ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n > 8 ? memcmp(g_sort_ed->names.p + x->off + 8, g_sort_ed->names.p + y->off + 8,
                           n - 8)
                  : 0;
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return (x->type > y->type) - (x->type < y->type);
}

static void bind_row(sqlite3_stmt *st, int k, const dl_entdays *ed, const edent *x)
{
    sqlite3_bind_text(st, 5 * k + 1, ed->names.p + x->off, (int)x->len, SQLITE_STATIC);
    sqlite3_bind_text(st, 5 * k + 2, type_name(x->type), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5 * k + 3, x->day);
    sqlite3_bind_int64(st, 5 * k + 4, x->mentions);
    sqlite3_bind_int64(st, 5 * k + 5, x->articles);
}

static int step(dl_entdays *ed, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return DL_OK;
    return dl_archive_fail(ed->ar, DL_ESTORE, "archive write failed: %s",
                           sqlite3_errmsg(ed->ar->db));
}

int dl_entdays_flush(dl_entdays *ed)
{
    if (!ed || !ed->n) return DL_OK;
    ed->order.n = 0;
    if (dl_vec_reserve(&ed->order, ed->n)) return DL_ENOMEM;
    for (size_t i = 0; i < ed->cap; i++)
        if (ed->tab[i].hash) ed->order.v[ed->order.n++] = (uint32_t)i;
    g_sort_ed = ed;
    dl_qsort(ed->order.v, ed->order.n, sizeof *ed->order.v, cmp_ent);
    g_sort_ed = NULL;
    if (!ed->st_one)
        ed->st_one = dl_archive_prepare_rows(ed->ar, UPSERT_HEAD, UPSERT_ROW, 1, UPSERT_TAIL);
    if (!ed->st_many)
        ed->st_many =
            dl_archive_prepare_rows(ed->ar, UPSERT_HEAD, UPSERT_ROW, FLUSH_ROWS, UPSERT_TAIL);
    if (!ed->st_one || !ed->st_many) return DL_ESTORE;
    int rc = DL_OK;
    size_t i = 0, n = ed->order.n;
    for (; i + FLUSH_ROWS <= n && !rc; i += FLUSH_ROWS) {
        for (int k = 0; k < FLUSH_ROWS; k++)
            bind_row(ed->st_many, k, ed, &ed->tab[ed->order.v[i + (size_t)k]]);
        rc = step(ed, ed->st_many);
    }
    for (; i < n && !rc; i++) {
        bind_row(ed->st_one, 0, ed, &ed->tab[ed->order.v[i]]);
        rc = step(ed, ed->st_one);
    }
    if (!rc) dl_entdays_clear(ed);
    return rc;
}
