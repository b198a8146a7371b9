/*
 * input.c -- dl_input_walk: turns the paths a user names into a stream of
 * records.  Folders are walked recursively in name order (hidden entries
 * skipped); .gz and .zst are decompressed as a stream; files named *.jsonl
 * (before compression suffixes) are JSONL, others plain; "-" is standard
 * input, JSONL (or one plain article when it starts with "date").
 *
 * Memory is bounded: a plain article is read up to the record limit, a JSONL
 * file line by line; a longer line is skipped, not buffered.
 */
#include "record.h"
#include "buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum { SRC_RAW, SRC_GZ, SRC_ZST };

typedef struct src {
    int kind;
    FILE *f;
    gzFile gz;
    ZSTD_DCtx *zd;
    char *zin;        /* compressed input buffer (zstd) */
    ZSTD_inBuffer in;
    int eof;
    int err;
    dl_input_stats *stats;
} src;

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int src_open(src *s, const char *path, dl_input_stats *stats)
{
    memset(s, 0, sizeof *s);
    s->stats = stats;
    if (strcmp(path, "-") == 0) {
        s->f = stdin;
    } else {
        s->f = fopen(path, "rb");
        if (!s->f) return -1;
    }
    if (ends_with(path, ".gz")) {
        int fd = dup(fileno(s->f));
        if (fd < 0 || !(s->gz = gzdopen(fd, "rb"))) {
            if (fd >= 0) close(fd);
            return -1;
        }
        gzbuffer(s->gz, 1 << 17);
        s->kind = SRC_GZ;
    } else if (ends_with(path, ".zst")) {
        s->zd = ZSTD_createDCtx();
        s->zin = dl_malloc(ZSTD_DStreamInSize());
        if (!s->zd || !s->zin) return -1;
        s->in.src = s->zin;
        s->kind = SRC_ZST;
    }
    return 0;
}

static void src_close(src *s)
{
    if (s->gz) gzclose(s->gz);
    if (s->zd) ZSTD_freeDCtx(s->zd);
    free(s->zin);
    if (s->f && s->f != stdin) fclose(s->f);
}

/* Reads up to n bytes; 0 at the end; -1 on error (s->err set). */
static long src_read(src *s, char *buf, size_t n)
{
    if (s->eof) return 0;
    if (s->kind == SRC_RAW) {
        size_t k = fread(buf, 1, n, s->f);
        if (s->stats) s->stats->bytes_read += k;
        if (k == 0) {
            if (ferror(s->f)) return s->err = 1, -1;
            s->eof = 1;
        }
        return (long)k;
    }
    if (s->kind == SRC_GZ) {
        z_off_t before = gzoffset(s->gz);
        int k = gzread(s->gz, buf, (unsigned)DL_MIN(n, (size_t)1 << 30));
        if (s->stats && gzoffset(s->gz) >= before) s->stats->bytes_read += (uint64_t)(gzoffset(s->gz) - before);
        if (k < 0) return s->err = 1, -1;
        if (k == 0) s->eof = 1;
        return k;
    }
    /* zstd */
    ZSTD_outBuffer out = {buf, n, 0};
    while (out.pos == 0) {
        if (s->in.pos == s->in.size) {
            size_t k = fread(s->zin, 1, ZSTD_DStreamInSize(), s->f);
            if (s->stats) s->stats->bytes_read += k;
            if (k == 0) {
                if (ferror(s->f)) return s->err = 1, -1;
                s->eof = 1;
                return 0;
            }
            s->in.size = k;
            s->in.pos = 0;
        }
        size_t r = ZSTD_decompressStream(s->zd, &out, &s->in);
        if (ZSTD_isError(r)) return s->err = 1, -1;
    }
    return (long)out.pos;
}

typedef struct walk {
    dl_record_fn on_record;
    dl_reject_fn on_reject;
    void *ctx;
    dl_input_stats *stats;
    int stop; /* a callback's non-zero return */
    char *buf; /* read buffer, reused */
    size_t cap;
} walk;

static int reject(walk *w, const char *file, long line, const char *reason)
{
    w->stats->rejected++;
    if (w->on_reject) {
        int r = w->on_reject(w->ctx, file, line, reason);
        if (r) w->stop = r;
    }
    return w->stop;
}

static int deliver(walk *w, dl_record *rec, const char *file, long line)
{
    rec->file = file;
    rec->line = line;
    if (!rec->source) rec->source = file;
    w->stats->records++;
    int r = w->on_record(w->ctx, rec);
    if (r) w->stop = r;
    return w->stop;
}

static long count_lines(const char *s, size_t n)
{
    long k = 1;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++) k++;
    return k;
}

/* One plain article: the whole (decompressed) file. */
static void walk_plain_src(walk *w, src *s, const char *name)
{
    size_t limit = DL_MAX_RECORD + 4096, n = 0;
    if (w->cap < 1 << 16) {
        free(w->buf);
        w->cap = 1 << 16;
        w->buf = dl_malloc(w->cap);
        if (!w->buf) {
            w->cap = 0;
            reject(w, name, 0, "out of memory");
            return;
        }
    }
    for (;;) {
        if (n == w->cap) {
            if (w->cap > limit) break;
            char *nb = realloc(w->buf, w->cap * 2);
            if (!nb) {
                reject(w, name, 0, "out of memory");
                return;
            }
            w->buf = nb;
            w->cap *= 2;
        }
        long k = src_read(s, w->buf + n, w->cap - n);
        if (k < 0) {
            reject(w, name, 0, s->kind == SRC_RAW ? strerror(errno) : "cannot decompress");
            return;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    if (n > limit) {
        reject(w, name, 1, "record over the size limit (16 MiB)");
        return;
    }
    dl_record rec;
    const char *reason;
    if (dl_parse_plain(w->buf, n, &rec, &reason) != DL_OK) {
        /* name the line of the offending byte where there is one */
        long line = 1;
        size_t lead = dl_ws_prefix(w->buf, n);
        if (strcmp(reason, "invalid UTF-8") == 0 || strcmp(reason, "NUL byte in text") == 0) {
            size_t bad;
            dl_text_problem(w->buf + lead, n - lead, &bad);
            line = count_lines(w->buf, lead + bad);
        } else {
            line = count_lines(w->buf, lead);
        }
        reject(w, name, line, reason);
        return;
    }
    deliver(w, &rec, name, count_lines(w->buf, dl_ws_prefix(w->buf, n)));
}

/* JSONL: line by line; over-long lines are skipped without buffering. */
static void walk_jsonl_src(walk *w, src *s, const char *name, const char *pre, size_t npre)
{
    dl_buf line = {0};
    line.max = DL_MAX_RECORD + 65536;
    char chunk[1 << 16];
    long lineno = 1;
    int skipping = 0;
    size_t ci = 0, cn = 0;
    if (npre) {
        memcpy(chunk, pre, npre);
        cn = npre;
    }
    for (;;) {
        if (ci == cn) {
            long k = src_read(s, chunk, sizeof chunk);
            if (k < 0) {
                reject(w, name, lineno, s->kind == SRC_RAW ? "read error" : "cannot decompress");
                break;
            }
            if (k == 0) {
                if (line.n && !skipping) goto one_line; /* last line, no newline */
                break;
            }
            ci = 0;
            cn = (size_t)k;
        }
        {
            char *nl = memchr(chunk + ci, '\n', cn - ci);
            size_t take = nl ? (size_t)(nl - (chunk + ci)) : cn - ci;
            if (!skipping) {
                dl_buf_add(&line, chunk + ci, take);
                if (line.err) skipping = 1;
            }
            ci += take;
            if (!nl) continue;
            ci++; /* the newline */
        }
        if (skipping) {
            reject(w, name, lineno, "record over the size limit (16 MiB)");
            skipping = 0;
            dl_buf_free(&line);
            line.max = DL_MAX_RECORD + 65536;
            lineno++;
            if (w->stop) break;
            continue;
        }
    one_line:;
        size_t lead = dl_ws_prefix(line.p ? line.p : "", line.n);
        if (line.n > lead) {
            dl_record rec;
            const char *reason;
            char *scratch = NULL;
            if (dl_parse_jsonl(line.p, line.n, &rec, &scratch, &reason) == DL_OK)
                deliver(w, &rec, name, lineno);
            else
                reject(w, name, lineno, reason);
            free(scratch);
        }
        dl_buf_reset(&line);
        lineno++;
        if (w->stop || (ci == cn && s->eof)) break;
    }
    dl_buf_free(&line);
}

static int is_jsonl_name(const char *path)
{
    size_t n = strlen(path);
    char tmp[16];
    const char *end = path + n;
    if (ends_with(path, ".gz")) end -= 3;
    else if (ends_with(path, ".zst")) end -= 4;
    size_t k = (size_t)(end - path);
    if (k < 6) return 0;
    memcpy(tmp, end - 6, 6);
    tmp[6] = 0;
    return strcmp(tmp, ".jsonl") == 0;
}

static void walk_file(walk *w, const char *path)
{
    src s;
    if (src_open(&s, path, w->stats) != 0) {
        reject(w, path, 0, errno ? strerror(errno) : "cannot open");
        src_close(&s);
        return;
    }
    if (strcmp(path, "-") == 0) {
        /* stdin: JSONL, or one plain article when it starts with "date" */
        char pre[64];
        long k = src_read(&s, pre, sizeof pre);
        if (k < 0) k = 0;
        size_t lead = dl_ws_prefix(pre, (size_t)k);
        if ((size_t)k - lead >= 4 && memcmp(pre + lead, "date", 4) == 0) {
            /* a plain article: re-assemble pre + the rest */
            dl_buf all = {0};
            all.max = DL_MAX_RECORD + 4096;
            dl_buf_add(&all, pre, (size_t)k);
            char chunk[1 << 16];
            long r;
            while (!all.err && (r = src_read(&s, chunk, sizeof chunk)) > 0)
                dl_buf_add(&all, chunk, (size_t)r);
            if (all.err) {
                reject(w, "-", 1, "record over the size limit (16 MiB)");
            } else {
                dl_record rec;
                const char *reason;
                if (dl_parse_plain(all.p, all.n, &rec, &reason) == DL_OK)
                    deliver(w, &rec, "-", 1);
                else
                    reject(w, "-", 1, reason);
            }
            dl_buf_free(&all);
        } else {
            walk_jsonl_src(w, &s, "-", pre, (size_t)k);
        }
    } else if (is_jsonl_name(path)) {
        walk_jsonl_src(w, &s, path, NULL, 0);
    } else {
        walk_plain_src(w, &s, path);
    }
    src_close(&s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_path(walk *w, const char *path, int depth)
{
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) != 0) {
        reject(w, path, 0, strerror(errno));
        return;
    }
    if (strcmp(path, "-") == 0 || !S_ISDIR(st.st_mode)) {
        walk_file(w, path);
        return;
    }
    if (depth > 64) {
        reject(w, path, 0, "folders nested too deep");
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        reject(w, path, 0, strerror(errno));
        return;
    }
    DL_VEC(char *) names = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* hidden, . and .. */
        char *full = NULL;
        if (asprintf(&full, "%s/%s", path, e->d_name) < 0) continue;
        if (dl_vec_push(&names, full)) free(full);
    }
    closedir(d);
    dl_qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        struct stat cs;
        if (!w->stop && stat(names.v[i], &cs) == 0 &&
            (S_ISDIR(cs.st_mode) || S_ISREG(cs.st_mode)))
            walk_path(w, names.v[i], depth + 1);
        free(names.v[i]);
    }
    dl_vec_free(&names);
}

static uint64_t size_of(const char *path, int depth)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0) return 0;
    if (!S_ISDIR(st.st_mode)) return (uint64_t)st.st_size;
    if (depth > 64) return 0;
    DIR *d = opendir(path);
    if (!d) return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *full = NULL;
        if (asprintf(&full, "%s/%s", path, e->d_name) < 0) continue;
        total += size_of(full, depth + 1);
        free(full);
    }
    closedir(d);
    return total;
}

int dl_input_walk(const char *const *paths, int npaths, dl_record_fn on_record,
                  dl_reject_fn on_reject, void *ctx, dl_input_stats *stats)
{
    dl_input_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    for (int i = 0; i < npaths; i++) stats->bytes_total += size_of(paths[i], 0);
    walk w = {on_record, on_reject, ctx, stats, 0, NULL, 0};
    for (int i = 0; i < npaths && !w.stop; i++) walk_path(&w, paths[i], 0);
    free(w.buf);
    return w.stop;
}
