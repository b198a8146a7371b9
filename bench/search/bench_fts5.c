/*
 * bench_fts5.c -- the SQLite FTS5 side of the search benchmark (Debian's
 * libsqlite3, tokenizer 'porter' over unicode61, bm25() ranking).
 *
 *   bench_fts5 build CORPUS.jsonl DB RESULT
 *   bench_fts5 query DB QUERIES.tsv RUNS RESULT
 *
 * Articles go into a plain table docs(id = docno, day, title, text); the
 * index is an external-content FTS5 table over title and text, built by
 * 'rebuild' and then 'optimize' (timed: the index build alone).  Its size
 * is the FTS5 shadow tables' pages (dbstat).  A date range is a join on
 * docs.day, the way an FTS5 user filters dates.  Synchronous FULL + WAL as
 * the dateline archive.
 */
#include "common.h"

#include <sqlite3.h>

static void check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "bench_fts5: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

/* minimal JSON string field extraction for the generated corpus */
static char *json_field(const char *line, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    if (!p) return NULL;
    p += strlen(pat);
    char *out = malloc(strlen(p) + 1), *o = out;
    while (*p && *p != '"') {
        if (*p == '\\') {
            p++;
            switch (*p) {
            case 'n': *o++ = '\n'; break;
            case 't': *o++ = '\t'; break;
            case 'u': { /* BMP escape to UTF-8 */
                unsigned v = 0;
                sscanf(p + 1, "%4x", &v);
                p += 4;
                if (v < 0x80) *o++ = (char)v;
                else if (v < 0x800) { *o++ = (char)(0xC0 | v >> 6); *o++ = (char)(0x80 | (v & 63)); }
                else { *o++ = (char)(0xE0 | v >> 12); *o++ = (char)(0x80 | (v >> 6 & 63)); *o++ = (char)(0x80 | (v & 63)); }
                break;
            }
            default: *o++ = *p;
            }
            p++;
        } else {
            *o++ = *p++;
        }
    }
    *o = 0;
    return out;
}

static int build(const char *corpus, const char *path, FILE *res)
{
    remove(path);
    sqlite3 *db;
    check(db, sqlite3_open(path, &db), "open");
    check(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                               "CREATE TABLE docs(id INTEGER PRIMARY KEY, day INTEGER,"
                               " title TEXT, text TEXT);"
                               "CREATE INDEX docs_day ON docs(day);"
                               "CREATE VIRTUAL TABLE fts USING fts5(title, text,"
                               " content='docs', content_rowid='id', tokenize='porter');",
                           0, 0, 0), "schema");
    FILE *f = fopen(corpus, "r");
    sqlite3_stmt *st;
    check(db, sqlite3_prepare_v2(db, "INSERT INTO docs VALUES(?,?,?,?)", -1, &st, 0), "prep");
    check(db, sqlite3_exec(db, "BEGIN", 0, 0, 0), "begin");
    char *line = NULL;
    size_t cap = 0;
    long k = 0;
    while (getline(&line, &cap, f) > 0) {
        char *date = json_field(line, "date"), *title = json_field(line, "title"),
             *text = json_field(line, "text");
        sqlite3_bind_int64(st, 1, ++k);
        sqlite3_bind_int64(st, 2, bench_day(date, 0));
        sqlite3_bind_text(st, 3, title, -1, free);
        sqlite3_bind_text(st, 4, text, -1, free);
        check(db, sqlite3_step(st), "insert");
        sqlite3_reset(st);
        free(date);
    }
    sqlite3_finalize(st);
    check(db, sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
    free(line);
    fclose(f);
    double t0 = bench_now(), c0 = bench_pcpu();
    check(db, sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('rebuild');"
                               "INSERT INTO fts(fts) VALUES('optimize');",
                           0, 0, 0), "rebuild");
    double t1 = bench_now(), c1 = bench_pcpu();
    sqlite3_int64 bytes = 0;
    if (sqlite3_prepare_v2(db, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'fts%'", -1, &st,
                           0) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        bytes = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    fprintf(res, "build %.4f\nbuildcpu %.4f\nbytes %lld\n", t1 - t0, c1 - c0, (long long)bytes);
    fprintf(stderr, "fts5: indexed %ld articles in %.2f s\n", k, t1 - t0);
    sqlite3_close(db);
    return 0;
}

static int query(const char *path, const char *qpath, int runs, FILE *res)
{
    bench_query *qs;
    size_t nq = bench_read_queries(qpath, &qs);
    sqlite3 *db;
    check(db, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, 0), "open");
    sqlite3_stmt *all, *ranged;
    check(db, sqlite3_prepare_v2(db, "SELECT rowid FROM fts WHERE fts MATCH ?"
                                     " ORDER BY rank LIMIT 10", -1, &all, 0), "prep");
    check(db, sqlite3_prepare_v2(db, "SELECT f.rowid FROM fts f JOIN docs d ON d.id = f.rowid"
                                     " WHERE fts MATCH ? AND d.day BETWEEN ? AND ?"
                                     " ORDER BY f.rank LIMIT 10", -1, &ranged, 0), "prep");
    for (int r = 0; r < runs; r++) {
        for (size_t i = 0; i < nq; i++) {
            long long top[10];
            int nh = 0;
            double t0 = bench_now(), c0 = bench_cpu();
            sqlite3_stmt *st = qs[i].from[0] ? ranged : all;
            sqlite3_bind_text(st, 1, qs[i].fts, -1, SQLITE_STATIC);
            if (st == ranged) {
                sqlite3_bind_int64(st, 2, bench_day(qs[i].from, 0));
                sqlite3_bind_int64(st, 3, bench_day(qs[i].to, 0));
            }
            while (sqlite3_step(st) == SQLITE_ROW && nh < 10) top[nh++] = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            double us = (bench_now() - t0) * 1e6, cus = (bench_cpu() - c0) * 1e6;
            fprintf(res, "lat %d %zu %.2f %.2f\n", r, i, us, cus);
            if (r == runs - 1) {
                fprintf(res, "top %zu ", i);
                for (int h = 0; h < nh; h++) fprintf(res, "%s%lld", h ? "," : "", top[h]);
                fputc('\n', res);
            }
        }
    }
    sqlite3_finalize(all);
    sqlite3_finalize(ranged);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    return bench_main(argc, argv, "bench_fts5", build, query);
}
