/*
 * api.c -- the routes of `dateline serve` (SPEC 5): the JSON API under /api/
 * and the embedded web page.  Each handler validates its parameters (400 with
 * a message naming the parameter), borrows an archive handle, calls the
 * library and answers the JSON of SPEC 4.  Errors of the store are 500;
 * nothing a client sends leads to 500.
 */
#include "serve.h"
#include "../text/record.h"
#include "../text/utf8.h"
#include "../store/store.h"

#include <stdio.h>

#define SV_MAX_QUERY 1024 /* bytes of a query or a name parameter */
#define SV_MAX_ERRORS 100 /* rejected records listed in a POST answer */

/* ------------------------------------------------------------------ stats */

static void h_stats(sv_req *req)
{
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    dl_stats st;
    if (dl_archive_stats(ar, &st) != DL_OK) {
        sv_error(req, 500, "%s", dl_archive_errmsg(ar));
        sv_reader_put(req, ar);
        return;
    }
    sv_reader_put(req, ar);
    dl_buf b = {0};
    dl_buf_printf(&b, "{\"articles\": %llu, ", (unsigned long long)st.articles);
    if (st.articles) dl_buf_printf(&b, "\"first\": \"%s\", \"last\": \"%s\", ", st.first, st.last);
    else dl_buf_adds(&b, "\"first\": null, \"last\": null, ");
    dl_buf_printf(&b,
                  "\"stories\": %llu, \"near_duplicates\": %llu, \"bytes\": %llu, "
                  "\"text_bytes\": %llu}\n",
                  (unsigned long long)st.stories, (unsigned long long)st.near_duplicates,
                  (unsigned long long)st.bytes, (unsigned long long)st.text_bytes);
    sv_json_reply(req, 200, &b);
}

/* Hands a library-made JSON string (dl_free) to the reply, with a newline. */
static void json_string_reply(sv_req *req, char *json, size_t len)
{
    if (!json) {
        sv_error(req, 500, "out of memory");
        return;
    }
    dl_buf b = {.p = json, .n = len, .cap = len + 1};
    dl_buf_addc(&b, '\n');
    sv_json_reply(req, 200, &b);
}

/* --------------------------------------------------------------- articles */

static void h_article(sv_req *req, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= DL_ID_MAX || strchr(id, '/')) {
        sv_error(req, 404, "no such article");
        return;
    }
    /* the id came through the path; the same UTF-8 rule as parameters */
    if (dl_utf8_check(id, n) != n) {
        sv_error(req, 404, "no such article (the id is not valid UTF-8)");
        return;
    }
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    dl_annotation *a = NULL;
    char *url = NULL, *title = NULL;
    int rc = dl_archive_get(ar, id, &a, &url, &title);
    if (rc == DL_ENOTFOUND) {
        sv_error(req, 404, "no article with id %s", id);
    } else if (rc != DL_OK) {
        sv_error(req, 500, "%s", dl_archive_errmsg(ar));
    } else {
        size_t len = 0;
        char *json = dl_article_json(a, url, title, &len);
        json_string_reply(req, json, len);
    }
    dl_annotation_free(a);
    dl_free(url);
    dl_free(title);
    sv_reader_put(req, ar);
}

/* POST /api/articles: the body is JSONL, taken with the rules of
 * `dateline ingest -` (blank lines skipped, one bad line rejected alone).
 * Answers the counts of ingest and the first rejected lines with reasons:
 * 200 when at least one record was good (or none was bad), 400 when the
 * body holds no record or only bad ones. */
static void h_ingest(sv_req *req)
{
    const char *p = req->body ? req->body : "";
    size_t n = req->body_len;
    dl_buf errs = {0};
    size_t n_errs = 0;
    dl_ingest_counts counts = {0};
    uint64_t good = 0;
    int rc = DL_OK;

    dl_archive *ar;
    const dl_analyzer *az;
    if (sv_writer_lock(req, &ar, &az)) return;
    dl_ingest *ing = NULL;
    rc = dl_ingest_begin(ar, az, &ing);
    if (rc != DL_OK) {
        sv_error(req, 500, "cannot write the archive: %s", dl_archive_errmsg(ar));
        sv_writer_unlock(req);
        return;
    }
    long lineno = 0;
    for (size_t i = 0; i < n && rc == DL_OK;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        const char *line = p + i;
        size_t len = end - i;
        i = nl ? end + 1 : n;
        lineno++;
        if (dl_ws_prefix(line, len) == len) continue;
        const char *reason = NULL;
        char *scratch = NULL;
        dl_record rec;
        int prc = len > DL_MAX_RECORD + 65536
                      ? (reason = "record over the size limit (16 MiB)", DL_EBADREC)
                      : dl_parse_jsonl(line, len, &rec, &scratch, &reason);
        if (prc == DL_OK) {
            rec.file = "POST /api/articles";
            rec.line = lineno;
            int status;
            rc = dl_ingest_add(ing, &rec, &status);
            good++;
        } else {
            counts.rejected++;
            if (n_errs < SV_MAX_ERRORS) {
                dl_buf_adds(&errs, n_errs ? ", " : "");
                dl_buf_printf(&errs, "{\"line\": %ld, \"reason\": ", lineno);
                dl_json_strz(&errs, reason ? reason : "bad record");
                dl_buf_addc(&errs, '}');
                n_errs++;
            }
        }
        dl_free(scratch);
    }
    uint64_t rejected = counts.rejected;
    if (rc != DL_OK) {
        sv_error(req, 500, "ingest stopped: %s (%s); nothing of this body was kept",
                 dl_strerror(rc), dl_archive_errmsg(ar));
        dl_ingest_abort(ing);
        sv_writer_unlock(req);
        dl_buf_free(&errs);
        return;
    }
    rc = dl_ingest_finish(ing, &counts);
    counts.rejected = rejected;
    if (rc != DL_OK) {
        sv_error(req, 500, "commit failed: %s", dl_archive_errmsg(ar));
        sv_writer_unlock(req);
        dl_buf_free(&errs);
        return;
    }
    sv_writer_unlock(req);
    dl_buf b = {0};
    dl_buf_printf(&b,
                  "{\"added\": %llu, \"present\": %llu, \"near_duplicates\": %llu, "
                  "\"rejected\": %llu",
                  (unsigned long long)counts.added, (unsigned long long)counts.present,
                  (unsigned long long)counts.near_duplicates,
                  (unsigned long long)counts.rejected);
    if (good == 0 && rejected == 0) dl_buf_adds(&b, ", \"error\": \"the body holds no records\"");
    else if (good == 0) dl_buf_adds(&b, ", \"error\": \"every record was rejected\"");
    dl_buf_adds(&b, ", \"errors\": [");
    if (errs.p) dl_buf_add(&b, errs.p, errs.n);
    dl_buf_adds(&b, "]}\n");
    if (errs.err) b.err = errs.err;
    dl_buf_free(&errs);
    sv_json_reply(req, good ? 200 : 400, &b);
}

/* ----------------------------------------------- endpoints built elsewhere */

/* The common parameters of the query endpoints, validated. */
typedef struct q_args {
    const char *q, *speaker;
    size_t q_len, speaker_len;
    int32_t from, to;
    int has_from, has_to;
    long n, dates, per_date;
} q_args;

static int common_args(sv_req *req, q_args *a, int need_q)
{
    memset(a, 0, sizeof *a);
    if (sv_arg_text(req, "q", SV_MAX_QUERY, &a->q, &a->q_len)) return -1;
    if (need_q && (!a->q || dl_ws_prefix(a->q, a->q_len) == a->q_len)) {
        sv_error(req, 400, "parameter 'q' (the query) is required");
        return -1;
    }
    if (sv_arg_date(req, "from", &a->from, &a->has_from)) return -1;
    if (sv_arg_date(req, "to", &a->to, &a->has_to)) return -1;
    if (a->has_from && a->has_to && a->from > a->to) {
        sv_error(req, 400, "'from' is after 'to'");
        return -1;
    }
    return 0;
}


/* from/to of q_args back as "YYYY-MM-DD" strings, or NULL when absent */
typedef struct q_dates {
    char from[11], to[11];
} q_dates;
static const char *from_str(const q_args *a, q_dates *d)
{
    if (!a->has_from) return NULL;
    dl_date_format(a->from, d->from);
    return d->from;
}
static const char *to_str(const q_args *a, q_dates *d)
{
    if (!a->has_to) return NULL;
    dl_date_format(a->to, d->to);
    return d->to;
}

/* A library call's failure: 400 for what the query said, 500 for the store. */
static void lib_error(sv_req *req, int rc, dl_archive *ar, const char *what)
{
    if (rc == DL_ESYNTAX || rc == DL_EINVAL)
        sv_error(req, 400, "%s: %s", what, dl_archive_errmsg(ar)[0] ? dl_archive_errmsg(ar)
                                                                     : dl_strerror(rc));
    else if (rc == DL_ETOOBIG)
        sv_error(req, 400, "%s: the query is too large", what);
    else
        sv_error(req, 500, "%s failed: %s (%s)", what, dl_strerror(rc), dl_archive_errmsg(ar));
}


static void h_quotes(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 0)) return;
    if (sv_arg_text(req, "speaker", SV_MAX_QUERY, &a.speaker, &a.speaker_len)) return;
    if (sv_arg_long(req, "n", 0, 1000, 50, &a.n)) return;
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    dl_quote_query qq = {0};
    qq.speaker = a.speaker && a.speaker_len ? a.speaker : NULL;
    qq.text = a.q && a.q_len ? a.q : NULL;
    qq.has_from = a.has_from;
    qq.from_day = a.from;
    qq.has_to = a.has_to;
    qq.to_day = a.to;
    qq.limit = a.n ? (size_t)a.n : 1;
    dl_quote_hit *v = NULL;
    size_t n = 0;
    int rc = dl_archive_quotes(ar, &qq, &v, &n);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "quotes");
    } else {
        size_t len = 0;
        char *json = dl_quote_hits_json(v, a.n ? n : 0, &len);
        json_string_reply(req, json, len);
    }
    dl_quote_hits_free(v, n);
    sv_reader_put(req, ar);
}

static void h_entities(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 0)) return;
    if (sv_arg_long(req, "n", 0, 1000, 50, &a.n)) return;
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    dl_entity_query eq = {0};
    eq.text = a.q && a.q_len ? a.q : NULL;
    eq.has_from = a.has_from;
    eq.from_day = a.from;
    eq.has_to = a.has_to;
    eq.to_day = a.to;
    eq.limit = a.n ? (size_t)a.n : 1;
    dl_entity_hit *v = NULL;
    size_t n = 0;
    int rc = dl_archive_entities(ar, &eq, &v, &n);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "entities");
    } else {
        size_t len = 0;
        char *json = dl_entity_hits_json(v, a.n ? n : 0, &len);
        json_string_reply(req, json, len);
    }
    dl_entity_hits_free(v, n);
    sv_reader_put(req, ar);
}

static void h_stories(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 0)) return;
    if (sv_arg_long(req, "n", 0, 10000, 50, &a.n)) return;
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    q_dates d;
    dl_story *st = NULL;
    size_t n = 0;
    int rc = dl_stories(ar, a.q && a.q_len ? a.q : NULL, from_str(&a, &d), to_str(&a, &d), &st, &n);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "stories");
    } else {
        size_t len = 0;
        char *json = dl_stories_json(st, n < (size_t)a.n ? n : (size_t)a.n, &len);
        json_string_reply(req, json, len);
    }
    dl_stories_free(st, n);
    sv_reader_put(req, ar);
}

static void h_timeline(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 1)) return;
    if (sv_arg_long(req, "dates", 1, 10000, 10, &a.dates)) return;
    if (sv_arg_long(req, "per_date", 1, 100, 2, &a.per_date)) return;
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    q_dates d;
    dl_timeline *tl = NULL;
    int rc = dl_timeline_build(ar, a.q, from_str(&a, &d), to_str(&a, &d), (int)a.dates,
                               (int)a.per_date, &tl);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "timeline");
    } else {
        size_t len = 0;
        char *json = dl_timeline_json(tl, &len);
        json_string_reply(req, json, len);
    }
    dl_timeline_free(tl);
    sv_reader_put(req, ar);
}

/*
 * GET /api/mentions?entity=NAME or ?q=QUERY (&from=&to=): how many articles
 * per date name the entity (its canonical name, exactly) or match the query,
 * for the page's chart: {"dates": [{"date": D, "count": N}], "total": N}.
 * Not in SPEC 5: an addition for the page, documented in docs/serve.md.
 */
static void append_date_counts(dl_buf *b, const int32_t *days, const uint64_t *counts, size_t n)
{
    dl_buf_adds(b, "\"dates\": [");
    for (size_t i = 0; i < n; i++) {
        char d[11];
        dl_date_format(days[i], d);
        dl_buf_printf(b, "%s{\"date\": \"%s\", \"count\": %llu}", i ? ", " : "", d,
                      (unsigned long long)counts[i]);
    }
    dl_buf_addc(b, ']');
}

static int cmp_day(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

static void h_search(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 1)) return;
    if (sv_arg_long(req, "n", 0, 1000, 10, &a.n)) return;
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    dl_results *r = NULL;
    int rc = dl_search(ar, a.q, a.has_from ? a.from : DL_DAY_MIN, a.has_to ? a.to : DL_DAY_MAX,
                       (size_t)a.n, &r);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "search");
    } else {
        size_t len = 0;
        char *json = dl_results_json(r, &len);
        json_string_reply(req, json, len);
    }
    dl_results_free(r);
    sv_reader_put(req, ar);
}

/* articles per day matching the query: every match (up to SV_MAX_MENTIONS,
 * the best first), counted by day */
#define SV_MAX_MENTIONS 200000
static void mentions_of_query(sv_req *req, dl_archive *ar, const q_args *a)
{
    dl_scored *docs = NULL;
    size_t n = 0;
    uint64_t total = 0;
    int rc = dl_search_docs(ar, a->q, a->has_from ? a->from : DL_DAY_MIN,
                            a->has_to ? a->to : DL_DAY_MAX, SV_MAX_MENTIONS, &docs, &n, &total);
    if (rc != DL_OK) {
        lib_error(req, rc, ar, "mentions");
        return;
    }
    /* sort the days, then count runs: O(n log n) in the matches */
    int32_t *days = dl_malloc((n ? n : 1) * sizeof *days);
    uint64_t *counts = dl_malloc((n ? n : 1) * sizeof *counts);
    if (!days || !counts) {
        free(days);
        free(counts);
        dl_free(docs);
        sv_error(req, 500, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) days[i] = docs[i].day;
    dl_free(docs);
    dl_qsort(days, n, sizeof *days, cmp_day);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && days[m - 1] == days[i]) {
            counts[m - 1]++;
        } else {
            days[m] = days[i];
            counts[m++] = 1;
        }
    }
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"query\": ");
    dl_json_strz(&b, a->q);
    dl_buf_printf(&b, ", \"total\": %llu, \"counted\": %zu, ", (unsigned long long)total, n);
    append_date_counts(&b, days, counts, m);
    dl_buf_adds(&b, "}\n");
    free(days);
    free(counts);
    sv_json_reply(req, 200, &b);
}

static void mentions_of_entity(sv_req *req, dl_archive *ar, const char *name, const q_args *a)
{
    sqlite3_stmt *st = dl_archive_prepare(
        ar, "SELECT day, SUM(articles) FROM entity_days WHERE name = ?1 "
            "AND day >= ?2 AND day <= ?3 GROUP BY day ORDER BY day");
    if (!st) {
        sv_error(req, 500, "%s", dl_archive_errmsg(ar));
        return;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->has_from ? a->from : INT32_MIN);
    sqlite3_bind_int64(st, 3, a->has_to ? a->to : INT32_MAX);
    DL_VEC(int32_t) days = {0};
    DL_VEC(uint64_t) counts = {0};
    uint64_t total = 0;
    int rc, oom = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t c = (uint64_t)sqlite3_column_int64(st, 1);
        oom |= dl_vec_push(&days, (int32_t)sqlite3_column_int64(st, 0)) != DL_OK;
        oom |= dl_vec_push(&counts, c) != DL_OK;
        total += c;
    }
    if (rc != SQLITE_DONE) {
        sv_error(req, 500, "%s", sqlite3_errmsg(ar->db));
    } else if (oom || days.n != counts.n) {
        sv_error(req, 500, "out of memory");
    } else {
        dl_buf b = {0};
        dl_buf_adds(&b, "{\"entity\": ");
        dl_json_strz(&b, name);
        dl_buf_printf(&b, ", \"total\": %llu, ", (unsigned long long)total);
        append_date_counts(&b, days.v, counts.v, days.n);
        dl_buf_adds(&b, "}\n");
        sv_json_reply(req, 200, &b);
    }
    sqlite3_finalize(st);
    dl_vec_free(&days);
    dl_vec_free(&counts);
}

static void h_mentions(sv_req *req)
{
    q_args a;
    if (common_args(req, &a, 0)) return;
    const char *entity;
    size_t elen;
    if (sv_arg_text(req, "entity", SV_MAX_QUERY, &entity, &elen)) return;
    if (!(entity && elen) && !(a.q && a.q_len)) {
        sv_error(req, 400, "parameter 'q' (a query) or 'entity' (a name) is required");
        return;
    }
    dl_archive *ar = sv_reader_get(req);
    if (!ar) return;
    if (entity && elen) mentions_of_entity(req, ar, entity, &a);
    else mentions_of_query(req, ar, &a);
    sv_reader_put(req, ar);
}

/* ------------------------------------------------------------------ routes */

typedef struct route {
    const char *path;    /* exact path, or a prefix when it ends in '/' */
    int cached;          /* GET answers go through the answer cache */
    int methods;         /* SV_* allowed (HEAD goes with GET) */
    const char *allow;   /* the Allow header of a 405 */
    void (*get)(sv_req *req);
    void (*get_rest)(sv_req *req, const char *rest); /* prefix routes */
    void (*post)(sv_req *req);
} route;

static const route ROUTES[] = {
    {"/api/stats", 0, SV_GET, "GET, HEAD", h_stats, NULL, NULL},
    {"/api/search", 1, SV_GET, "GET, HEAD", h_search, NULL, NULL},
    {"/api/quotes", 1, SV_GET, "GET, HEAD", h_quotes, NULL, NULL},
    {"/api/entities", 1, SV_GET, "GET, HEAD", h_entities, NULL, NULL},
    {"/api/stories", 1, SV_GET, "GET, HEAD", h_stories, NULL, NULL},
    {"/api/timeline", 1, SV_GET, "GET, HEAD", h_timeline, NULL, NULL},
    {"/api/mentions", 1, SV_GET, "GET, HEAD", h_mentions, NULL, NULL},
    {"/api/articles", 0, SV_POST, "POST", NULL, NULL, h_ingest},
    {"/api/articles/", 0, SV_GET, "GET, HEAD", NULL, h_article, NULL},
};

/* The cache key of a GET: the path, then every parameter as received. */
static enum MHD_Result key_arg(void *cls, enum MHD_ValueKind kind, const char *k, size_t klen,
                               const char *v, size_t vlen)
{
    (void)kind;
    dl_buf *b = cls;
    dl_buf_addc(b, 0);
    dl_buf_add(b, k, klen);
    dl_buf_addc(b, '=');
    if (v) dl_buf_add(b, v, vlen);
    return MHD_YES;
}

/* Runs the handler through the answer cache: a stored answer of the same
 * generation is served as is; a new 200 answer is stored. */
static void cached_get(sv_req *req, void (*get)(sv_req *req))
{
    sv_cache *c = sv_server_cache(req);
    if (!c) {
        get(req);
        return;
    }
    dl_buf key = {0};
    key.max = 8192;
    dl_buf_adds(&key, req->path);
    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, key_arg, &key);
    if (key.err) { /* an odd request: answer it uncached */
        dl_buf_free(&key);
        get(req);
        return;
    }
    uint64_t gen = sv_cache_generation(c);
    size_t len = 0;
    char *body = sv_cache_get(c, key.p, key.n, gen, &len);
    if (body) {
        dl_buf b = {.p = body, .n = len, .cap = len};
        sv_json_reply(req, 200, &b);
        req->reply.from_cache = 1;
    } else {
        get(req);
        if (req->reply.status == 200 && !req->reply.is_static)
            sv_cache_put(c, key.p, key.n, gen, req->reply.body, req->reply.len);
    }
    dl_buf_free(&key);
}

void sv_route(sv_req *req)
{
    const char *path = req->path ? req->path : "";
    int m = req->method == SV_HEAD ? SV_GET : req->method;
    for (size_t i = 0; i < DL_ARRAY_LEN(ROUTES); i++) {
        const route *r = &ROUTES[i];
        size_t n = strlen(r->path);
        int prefix = r->path[n - 1] == '/';
        if (prefix ? strncmp(path, r->path, n) != 0 : strcmp(path, r->path) != 0) continue;
        if (!(m & r->methods)) {
            sv_error(req, 405, "%.32s is not allowed on %s (allowed: %s)",
                     req->method_name ? req->method_name : "this method", r->path, r->allow);
            req->reply.allow = r->allow;
            return;
        }
        if (m == SV_POST) r->post(req);
        else if (prefix) r->get_rest(req, path + n);
        else if (r->cached) cached_get(req, r->get);
        else r->get(req);
        return;
    }
    if (!strncmp(path, "/api/", 5) || !strcmp(path, "/api")) {
        sv_error(req, 404, "no API endpoint %s (see SPEC section 5)", path);
        return;
    }
    sv_asset asset, *a = &asset;
    if (!sv_asset_find(path, a)) {
        sv_error(req, 404, "not found");
        return;
    }
    if (m != SV_GET) {
        sv_error(req, 405, "only GET and HEAD are allowed on %s", path);
        req->reply.allow = "GET, HEAD";
        return;
    }
    sv_static_reply(req, a->type, a->data, a->len,
                    !strcmp(a->path, "/") ? "no-cache" : "public, max-age=300");
}
