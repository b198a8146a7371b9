/*
 * segment.c -- writing and reading one immutable index segment
 * (segment.h; byte layout in docs/internals/index.md).
 *
 * File:  header (128 B) | doc table | per term: positions, block data,
 *        skip entries | term bytes | term dictionary | SEG_PAD zero bytes.
 *
 * Reading never trusts the file: the header's sections are checked against
 * the file size at open, each compressed stream's length is computed from
 * its control bytes and checked before decoding, and decoded doc numbers
 * are checked (ascending, < ndocs) before use.  A bad block ends its cursor
 * (pcur.corrupt) instead of reading out of bounds.
 */
#include "segment.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <fcntl.h>
#include "../text/svb.h"
#include <streamvbyte.h>
#include <streamvbytedelta.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SVB_X86 1
#endif

/* ------------------------------------------------------------- streams */

/* Data bytes per control byte (four 2-bit lengths of 1..4 bytes). */
static uint8_t g_keylen[256];
#ifdef SVB_X86
static void shuf_init(void);
#endif
static void tables_init(void)
{
    for (int k = 0; k < 256; k++)
        g_keylen[k] = (uint8_t)(((k & 3) + 1) + ((k >> 2 & 3) + 1) + ((k >> 4 & 3) + 1) +
                                ((k >> 6 & 3) + 1));
#ifdef SVB_X86
    shuf_init();
#endif
}
/* Fills the tables once per process (any thread may open a segment). */
static void keylen_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, tables_init);
}

/* The value of len (1..4) little-endian bytes at p: one 4-byte load and a
 * mask (p + 4 stays inside the map: SEG_PAD zero bytes follow the data). */
static inline uint32_t svb_value(const uint8_t *p, uint32_t len)
{
    uint32_t x;
    memcpy(&x, p, 4); /* little-endian host (header check) */
    return len == 4 ? x : x & ((1u << (8 * len)) - 1u);
}

/*
 * Decoding.  Debian's libstreamvbyte is built for the baseline x86-64 ISA
 * and decodes with scalar code; the format's point is its SIMD decoder, so
 * the reader has its own: per control byte, one 16-byte load, one pshufb
 * with the key's shuffle mask (and, for the delta form, a 4-lane prefix
 * sum).  Chosen at run time when the CPU has SSSE3, else the library's.
 * Both give the same output for the same bytes.  The caller has checked
 * the stream's exact length (svb_size) against the file; the 16-byte loads
 * may read up to 15 bytes past the stream's end, which stay inside the map
 * (SEG_PAD zero bytes follow the data).
 */
#ifdef SVB_X86
static uint8_t g_shuf[256][16];
static int g_simd = -1;

static void shuf_init(void)
{
    for (int k = 0; k < 256; k++) {
        int at = 0;
        for (int j = 0; j < 4; j++) {
            int len = ((k >> (2 * j)) & 3) + 1;
            for (int b = 0; b < 4; b++)
                g_shuf[k][4 * j + b] = b < len ? (uint8_t)(at + b) : 0xFF;
            at += len;
        }
    }
    __builtin_cpu_init();
    g_simd = __builtin_cpu_supports("ssse3") ? 1 : 0;
}

__attribute__((target("ssse3"))) static size_t svb_decode_ssse3(const uint8_t *in, uint32_t *out,
                                                              uint32_t n, int delta,
                                                              uint32_t prev)
{
    const uint8_t *keys = in, *data = in + (n + 3u) / 4u;
    uint32_t full = n / 4u;
    __m128i p = _mm_set1_epi32((int)prev);
    for (uint32_t i = 0; i < full; i++) {
        uint8_t k = keys[i];
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)data);
        v = _mm_shuffle_epi8(v, _mm_loadu_si128((const __m128i *)(const void *)g_shuf[k]));
        data += g_keylen[k];
        if (delta) {
            v = _mm_add_epi32(v, _mm_slli_si128(v, 4));
            v = _mm_add_epi32(v, _mm_slli_si128(v, 8));
            v = _mm_add_epi32(v, p);
            p = _mm_shuffle_epi32(v, 0xFF);
        }
        _mm_storeu_si128((__m128i *)(void *)(out + 4 * i), v);
    }
    uint32_t pv = full ? out[4 * full - 1] : prev;
    for (uint32_t j = 4 * full; j < n; j++) {
        uint32_t len = ((keys[full] >> (2 * (j & 3))) & 3) + 1, x = svb_value(data, len);
        data += len;
        out[j] = delta ? (pv += x) : x;
    }
    return (size_t)(data - in);
}
#endif

/* Decodes n >= 1 values (delta: prefix sums from prev) of the stream at
 * in, which has avail bytes before the data end.  Returns the bytes it
 * used, or 0 when the stream does not fit (then out is unspecified).  A
 * stream that cannot run past avail even at 4 bytes a value is decoded
 * without measuring it first; near the end of the data its exact size is
 * checked before decoding.  Either way nothing past the map is read. */
static size_t svb_size(const uint8_t *p, size_t avail, uint32_t n);
static size_t svb_decode_checked(const uint8_t *in, size_t avail, uint32_t *out, uint32_t n,
                                 int delta, uint32_t prev)
{
    size_t keys = (n + 3u) / 4u;
    if (keys + 4u * (size_t)n > avail && !svb_size(in, avail, n)) return 0;
    size_t used;
#ifdef SVB_X86
    if (g_simd)
        used = svb_decode_ssse3(in, out, n, delta, prev);
    else
#endif
        used = delta ? streamvbyte_delta_decode(in, out, n, prev) : streamvbyte_decode(in, out, n);
    return used <= avail ? used : 0;
}

/* The byte size of a streamvbyte stream of n values at p (avail bytes
 * readable), or 0 if it does not fit. */
static size_t svb_size(const uint8_t *p, size_t avail, uint32_t n)
{
    size_t keys = (n + 3u) / 4u;
    if (keys > avail) return 0;
    size_t data = 0;
    size_t full = n / 4u;
    for (size_t i = 0; i < full; i++) data += g_keylen[p[i]];
    for (uint32_t j = 0; j < n % 4u; j++) data += ((p[full] >> (2 * j)) & 3u) + 1u;
    if (keys + data > avail) return 0;
    return keys + data;
}

/* ------------------------------------------------------------- reader */

int seg_open(const char *path, int64_t id, dl_seg **out, const char **why)
{
    keylen_init();
    *out = NULL;
    *why = "cannot open";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? DL_ENOTFOUND : DL_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return DL_EIO;
    }
    size_t size = (size_t)st.st_size;
    *why = "too small";
    if (size < sizeof(seg_header) + SEG_PAD) {
        close(fd);
        return DL_ECORRUPT;
    }
    void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        *why = "cannot map";
        return DL_EIO;
    }
    dl_seg *s = dl_calloc(1, sizeof *s);
    if (!s) {
        munmap(m, size);
        return DL_ENOMEM;
    }
    s->id = id;
    s->refs = 1;
    s->map = m;
    s->size = size;
    const seg_header *h = m;
    int ok = 0;
    do {
        *why = "bad magic or version";
        if (memcmp(h->magic, SEG_MAGIC, 8) || h->version != SEG_VERSION ||
            h->endian != SEG_ENDIAN)
            break;
        *why = "bad section bounds";
        if (h->data_end + SEG_PAD != size) break;
        uint64_t nd = h->ndocs, nt = h->nterms;
        if (h->off_docs < sizeof *h || h->off_docs % 8 ||
            h->off_docs + nd * 16 > h->data_end)
            break;
        if (h->off_terms % 8 || h->off_terms > h->data_end ||
            nt * sizeof(seg_term) > h->data_end - h->off_terms)
            break;
        if (h->off_strings > h->data_end || h->strings_len > h->data_end - h->off_strings)
            break;
        s->ndocs = h->ndocs;
        s->nterms = h->nterms;
        s->total_len = h->total_len;
        s->avgdl = s->ndocs && s->total_len ? (double)s->total_len / s->ndocs : 1.0;
        s->days = (const int32_t *)(s->map + h->off_docs);
        s->lens = (const uint32_t *)(s->map + h->off_docs + nd * 4);
        s->docnos = (const int64_t *)(s->map + h->off_docs + nd * 8);
        s->terms = (const seg_term *)(s->map + h->off_terms);
        s->strings = (const char *)(s->map + h->off_strings);
        s->strings_len = h->strings_len;
        *why = "documents out of date order";
        uint32_t i;
        for (i = 1; i < s->ndocs; i++)
            if (s->days[i] < s->days[i - 1]) break;
        if (i < s->ndocs) break;
        *why = "bad term entry";
        for (i = 0; i < s->nterms; i++) {
            const seg_term *t = &s->terms[i];
            if ((uint64_t)t->str_off + t->str_len > s->strings_len || t->df == 0 ||
                t->df > s->ndocs || t->nblocks != (t->df + SEG_BLOCK - 1) / SEG_BLOCK ||
                t->skip_off % 4 || t->skip_off > h->data_end ||
                (uint64_t)t->nblocks * sizeof(seg_block) > h->data_end - t->skip_off ||
                t->post_base > h->data_end || t->pos_base > h->data_end)
                break;
        }
        if (i < s->nterms) break;
        ok = 1;
    } while (0);
    if (!ok) {
        seg_close(s);
        return DL_ECORRUPT;
    }
    *out = s;
    return DL_OK;
}

void seg_close(dl_seg *s)
{
    if (!s) return;
    if (s->map) munmap((void *)s->map, s->size);
    free(s);
}

static int term_cmp(const dl_seg *s, const seg_term *t, const char *term, size_t len)
{
    size_t l = t->str_len < len ? t->str_len : len;
    int c = memcmp(s->strings + t->str_off, term, l);
    if (c) return c;
    return t->str_len < len ? -1 : t->str_len > len ? 1 : 0;
}

int64_t seg_find(const dl_seg *s, const char *term, size_t len)
{
    uint32_t lo = 0, hi = s->nterms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = term_cmp(s, &s->terms[mid], term, len);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

uint32_t seg_lower_day(const dl_seg *s, int32_t day)
{
    uint32_t lo = 0, hi = s->ndocs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->days[mid] < day) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------- cursors */

static void pcur_end(pcur *c)
{
    c->bi = c->t->nblocks;
    c->doc = SEG_END;
    c->n = c->i = 0;
}

static void pcur_bad(pcur *c)
{
    c->corrupt = 1;
    pcur_end(c);
}

/* Decodes block bi into docs/tfs and positions the cursor on its first. */
static void pcur_load(pcur *c, uint32_t bi)
{
    const seg_term *t = c->t;
    if (bi >= t->nblocks) {
        pcur_end(c);
        return;
    }
    const seg_block *b = &c->blocks[bi];
    uint32_t n = bi + 1 < t->nblocks ? SEG_BLOCK : t->df - bi * SEG_BLOCK;
    uint64_t off = t->post_base + b->data_off;
    uint64_t end = c->seg->size - SEG_PAD;
    if (off >= end) {
        pcur_bad(c);
        return;
    }
    const uint8_t *p = c->seg->map + off;
    size_t avail = (size_t)(end - off);
    uint32_t prev = bi ? c->blocks[bi - 1].last_doc : 0;
    size_t a = svb_decode_checked(p, avail, c->docs, n, 1, prev);
    if (!a) {
        pcur_bad(c);
        return;
    }
    c->tf_stream = p + a; /* checked when decoded */
    c->tf_avail = avail - a;
    c->tf_ready = 0;
    /* checks: ascending, in range, last matches the skip entry */
    if (c->docs[n - 1] != b->last_doc || b->last_doc >= c->seg->ndocs ||
        (bi && c->docs[0] <= prev)) {
        pcur_bad(c);
        return;
    }
    uint32_t bad = 0;
    for (uint32_t i = 1; i < n; i++) bad |= c->docs[i] <= c->docs[i - 1];
    if (bad) {
        pcur_bad(c);
        return;
    }
    c->bi = bi;
    c->n = n;
    c->i = 0;
    c->doc = c->docs[0];
    c->pos_ready = 0;
    c->pk_ready = 0;
}

/* Decodes the loaded block's tfs.  A tf stream that does not fit in the
 * file, or a zero tf, marks the cursor corrupt (the query then fails) and
 * reads as 1, so that no later computation divides by zero. */
void pcur_decode_tfs_(pcur *c)
{
    if (!svb_decode_checked(c->tf_stream, c->tf_avail, c->tfs, c->n, 0, 0)) {
        for (uint32_t i = 0; i < c->n; i++) c->tfs[i] = 1;
        c->corrupt = 1;
    }
    uint32_t zero = 0;
    for (uint32_t i = 0; i < c->n; i++) zero |= !c->tfs[i];
    if (zero) {
        for (uint32_t i = 0; i < c->n; i++)
            if (!c->tfs[i]) c->tfs[i] = 1;
        c->corrupt = 1;
    }
    c->tf_ready = 1;
}

void pcur_init(pcur *c, const dl_seg *s, uint32_t ti)
{
    c->seg = s;
    c->t = &s->terms[ti];
    c->blocks = (const seg_block *)(s->map + c->t->skip_off);
    c->sbi = 0;
    c->corrupt = 0;
    c->pos = NULL;
    c->pos_cap = 0;
    pcur_load(c, 0);
}

void pcur_free(pcur *c)
{
    free(c->pos);
    c->pos = NULL;
    c->pos_cap = 0;
}

void pcur_next(pcur *c)
{
    if (c->doc == SEG_END) return;
    if (++c->i < c->n) c->doc = c->docs[c->i];
    else pcur_load(c, c->bi + 1);
}

void pcur_advance_slow_(pcur *c, uint32_t target)
{
    if (c->doc >= target) return;
    if (c->blocks[c->bi].last_doc < target) {
        /* gallop then binary search over the skip entries */
        uint32_t lo = c->bi + 1, nb = c->t->nblocks, step = 1, hi = lo;
        while (hi < nb && c->blocks[hi].last_doc < target) {
            lo = hi + 1;
            hi += step;
            step *= 2;
        }
        if (hi > nb) hi = nb;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (c->blocks[mid].last_doc < target) lo = mid + 1;
            else hi = mid;
        }
        pcur_load(c, lo);
        if (c->doc == SEG_END) return;
    }
    uint32_t i = c->i;
    while (c->docs[i] < target) i++; /* last_doc >= target bounds this */
    c->i = i;
    c->doc = c->docs[i];
}

/* The block's position run: fills c->pstart (where each document's
 * positions start in it), *total (how many), *off (its file offset) and
 * *end (the end of the readable data).  -1 when the counts or the offset
 * cannot be right (a damaged segment). */
static int block_positions(pcur *c, uint64_t *total, uint64_t *off, uint64_t *end)
{
    uint64_t t = 0;
    c->pstart[0] = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        t += c->tfs[i];
        if (t > UINT32_MAX / 2) return -1;
        c->pstart[i + 1] = (uint32_t)t;
    }
    *total = t;
    *off = c->t->pos_base + c->blocks[c->bi].pos_off;
    *end = c->seg->size - SEG_PAD;
    return *off > *end ? -1 : 0;
}

/* Room for n positions in c->pos; -1 when out of memory. */
static int pos_room(pcur *c, uint64_t n)
{
    if (n <= c->pos_cap) return 0;
    size_t cap = n + 64;
    uint32_t *np = dl_realloc(c->pos, cap * sizeof *np);
    if (!np) return -1;
    c->pos = np;
    c->pos_cap = cap;
    return 0;
}

const uint32_t *pcur_positions(pcur *c, uint32_t *base)
{
    if (c->doc == SEG_END) return NULL;
    if (!c->pos_ready) {
        if (!c->tf_ready) pcur_decode_tfs_(c);
        uint64_t total, off, end;
        if (block_positions(c, &total, &off, &end)) return NULL;
        const uint8_t *p = c->seg->map + off;
        if (pos_room(c, total)) return NULL;
        /* virtual positions: one increasing run over the block's docs */
        if (!svb_decode_checked(p, (size_t)(end - off), c->pos, (uint32_t)total, 1, 0))
            return NULL;
        c->pos_ready = 1;
    }
    uint32_t k = c->pstart[c->i];
    *base = k ? c->pos[k - 1] + 1 : 0;
    return c->pos + k;
}

const uint32_t *pcur_doc_positions(pcur *c, uint32_t *n, uint32_t *base)
{
    if (c->doc == SEG_END) return NULL;
    if (!c->tf_ready) pcur_decode_tfs_(c);
    *n = c->tfs[c->i];
    /* a block asked for more than SEG_WALK_MAX documents is decoded whole
     * (SIMD); the walk pays off for a few documents of a block */
    if (c->pos_ready || (c->pk_ready && c->pk_calls >= SEG_WALK_MAX))
        return pcur_positions(c, base);
    *base = 0;
    if (!c->pk_ready) {
        uint64_t total, off, end;
        if (block_positions(c, &total, &off, &end)) return NULL;
        uint64_t keys = (total + 3) / 4;
        if (keys > end - off) return NULL;
        c->pk_keys = c->seg->map + off;
        c->pk_data = c->pk_keys + keys;
        c->pk_end = c->seg->map + end;
        c->pk_elem = 0;
        c->pk_calls = 0;
        c->pk_ready = 1;
    }
    c->pk_calls++;
    uint32_t e = c->pstart[c->i], tf = c->tfs[c->i];
    if (c->pk_elem > e) { /* never happens going forward; restart the walk */
        c->pk_elem = 0;
        c->pk_data = c->pk_keys + (c->pstart[c->n] + 3) / 4;
    }
    const uint8_t *k = c->pk_keys, *d = c->pk_data;
    uint32_t j = c->pk_elem;
    while (j < e && (j & 3)) d += ((k[j >> 2] >> (2 * (j & 3))) & 3) + 1, j++;
    while (j + 4 <= e) d += g_keylen[k[j >> 2]], j += 4;
    while (j < e) d += ((k[j >> 2] >> (2 * (j & 3))) & 3) + 1, j++;
    if (pos_room(c, tf)) return NULL;
    /* the first delta of document i > 0 is its first position + 1 (its base
     * is the previous virtual position + 1); of document 0, the position */
    uint32_t v = e ? UINT32_MAX : 0; /* v + delta wraps to delta - 1 */
    for (uint32_t x = 0; x < tf; x++, j++) {
        uint32_t len = ((k[j >> 2] >> (2 * (j & 3))) & 3) + 1;
        if (d + len > c->pk_end) return NULL;
        v += svb_value(d, len);
        d += len;
        c->pos[x] = v;
    }
    c->pk_elem = j;
    c->pk_data = d;
    return c->pos;
}

int pcur_shallow(pcur *c, uint32_t target, const seg_block **blk)
{
    uint32_t nb = c->t->nblocks;
    if (c->sbi < c->bi && c->bi < nb) c->sbi = c->bi;
    while (c->sbi < nb && c->blocks[c->sbi].last_doc < target) c->sbi++;
    if (c->sbi >= nb) return 0;
    *blk = &c->blocks[c->sbi];
    return 1;
}

/* ------------------------------------------------------------- writer */

typedef DL_VEC(uint8_t) bytevec;

struct seg_writer {
    char *path;
    FILE *f;
    uint64_t off;         /* bytes written so far */
    int err;
    seg_header h;
    const uint32_t *lens; /* borrowed doc lengths (max impact per block) */
    double avgdl;         /* of this segment, for max_impact */
    DL_VEC(seg_term) terms;
    bytevec strings;
    bytevec pos, post;    /* one term's streams */
    DL_VEC(seg_block) blocks;
    DL_VEC(uint32_t) tmp;
    int64_t last_term_len;
    char last_term[DL_TERM_MAX + 1];
};

static void w_write(seg_writer *w, const void *p, size_t n)
{
    if (w->err || !n) return;
    if (fwrite(p, 1, n, w->f) != n) w->err = DL_EIO;
    w->off += n;
}

static void w_align(seg_writer *w, unsigned a)
{
    static const uint8_t zero[8];
    if (w->off % a) w_write(w, zero, a - w->off % a);
}

int seg_writer_open(const char *path, uint32_t ndocs, const int32_t *days, const uint32_t *lens,
                    const int64_t *docnos, seg_writer **out)
{
    keylen_init();
    *out = NULL;
    seg_writer *w = dl_calloc(1, sizeof *w);
    if (!w) return DL_ENOMEM;
    w->path = dl_strdup(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (!w->path || fd < 0) {
        free(w->path);
        free(w);
        if (fd >= 0) close(fd);
        return fd < 0 ? DL_EIO : DL_ENOMEM;
    }
    w->f = fdopen(fd, "wb");
    if (!w->f) {
        close(fd);
        unlink(path);
        free(w->path);
        free(w);
        return DL_EIO;
    }
    setvbuf(w->f, NULL, _IOFBF, 1 << 20);
    w->lens = lens;
    w->last_term_len = -1;
    memcpy(w->h.magic, SEG_MAGIC, 8);
    w->h.version = SEG_VERSION;
    w->h.endian = SEG_ENDIAN;
    w->h.ndocs = ndocs;
    for (uint32_t i = 0; i < ndocs; i++) w->h.total_len += lens[i];
    w->avgdl = ndocs && w->h.total_len ? (double)w->h.total_len / ndocs : 1.0;
    w_write(w, &w->h, sizeof w->h); /* rewritten at finish */
    w->h.off_docs = w->off;
    w_write(w, days, (size_t)ndocs * 4);
    w_write(w, lens, (size_t)ndocs * 4);
    w_write(w, docnos, (size_t)ndocs * 8);
    *out = w;
    return w->err;
}

static int bv_reserve(bytevec *v, size_t extra)
{
    return dl_vec_reserve(v, v->n + extra);
}

int seg_writer_term(seg_writer *w, const char *term, size_t len, const uint32_t *docs,
                    const uint32_t *tfs, uint32_t df, const uint32_t *pos)
{
    if (w->err) return w->err;
    if (len == 0 || len > DL_TERM_MAX || df == 0) return DL_EINVAL;
    if (w->last_term_len >= 0) { /* strictly ascending */
        size_t l = (size_t)w->last_term_len < len ? (size_t)w->last_term_len : len;
        int c = memcmp(w->last_term, term, l);
        if (c > 0 || (c == 0 && (size_t)w->last_term_len >= len)) return DL_EINVAL;
    }
    memcpy(w->last_term, term, len);
    w->last_term_len = (int64_t)len;
    w->pos.n = w->post.n = w->blocks.n = 0;
    uint32_t nb = (df + SEG_BLOCK - 1) / SEG_BLOCK;
    if (dl_vec_reserve(&w->blocks, nb)) return w->err = DL_ENOMEM;
    size_t pi = 0;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t s = b * SEG_BLOCK, n = DL_MIN(SEG_BLOCK, df - s);
        seg_block blk = {docs[s + n - 1], (uint32_t)w->post.n, (uint32_t)w->pos.n, 0,
                         UINT32_MAX, 0};
        uint64_t npos = 0;
        double maxi = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (tfs[s + i] > blk.max_tf) blk.max_tf = tfs[s + i];
            if (w->lens[docs[s + i]] < blk.min_len) blk.min_len = w->lens[docs[s + i]];
            double im = dl_bm25_tf(tfs[s + i], w->lens[docs[s + i]], w->avgdl);
            if (im > maxi) maxi = im;
            npos += tfs[s + i];
        }
        blk.max_impact = (float)maxi;
        if ((double)blk.max_impact < maxi) blk.max_impact = nextafterf(blk.max_impact, INFINITY);
        if (w->post.n > UINT32_MAX - 2048 || w->pos.n + npos * 5 + 64 > UINT32_MAX)
            return w->err = DL_ETOOBIG;
        if (bv_reserve(&w->post, streamvbyte_max_compressedbytes(n) * 2)) return w->err = DL_ENOMEM;
        /* svb.c: the library's bytes at an eighth of its cost */
        w->post.n += dl_svb_encode(docs + s, n, w->post.v + w->post.n, 1, b ? docs[s - 1] : 0);
        w->post.n += dl_svb_encode(tfs + s, n, w->post.v + w->post.n, 0, 0);
        /* virtual positions: doc k's positions + base_k, base_0 = 0 and
         * base_k = last virtual position of doc k-1, plus 1: one increasing
         * run per block, delta-encoded (decoded with SIMD prefix sums) */
        if (dl_vec_reserve(&w->tmp, npos)) return w->err = DL_ENOMEM;
        size_t k = 0;
        uint64_t base = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t tf = tfs[s + i];
            for (uint32_t j = 0; j < tf; j++, k++) {
                uint64_t v = base + pos[pi + j];
                if (v > UINT32_MAX) return w->err = DL_ETOOBIG;
                w->tmp.v[k] = (uint32_t)v;
            }
            base = (uint64_t)w->tmp.v[k - 1] + 1;
            pi += tf;
        }
        if (bv_reserve(&w->pos, streamvbyte_max_compressedbytes((uint32_t)npos)))
            return w->err = DL_ENOMEM;
        w->pos.n += dl_svb_encode(w->tmp.v, npos, w->pos.v + w->pos.n, 1, 0);
        w->blocks.v[b] = blk;
    }
    w->blocks.n = nb;
    seg_term t = {0};
    t.str_off = (uint32_t)w->strings.n;
    t.str_len = (uint32_t)len;
    t.df = df;
    t.nblocks = nb;
    if (bv_reserve(&w->strings, len)) return w->err = DL_ENOMEM;
    memcpy(w->strings.v + w->strings.n, term, len);
    w->strings.n += len;
    t.pos_base = w->off;
    w_write(w, w->pos.v, w->pos.n);
    t.post_base = w->off;
    w_write(w, w->post.v, w->post.n);
    w_align(w, 4);
    t.skip_off = w->off;
    w_write(w, w->blocks.v, nb * sizeof(seg_block));
    if (dl_vec_push(&w->terms, t)) return w->err = DL_ENOMEM;
    return w->err;
}

static void writer_free(seg_writer *w)
{
    if (w->f) fclose(w->f);
    dl_vec_free(&w->terms);
    dl_vec_free(&w->strings);
    dl_vec_free(&w->pos);
    dl_vec_free(&w->post);
    dl_vec_free(&w->blocks);
    dl_vec_free(&w->tmp);
    free(w->path);
    free(w);
}

int seg_writer_finish(seg_writer *w, uint64_t *bytes)
{
    w->h.off_strings = w->off;
    w->h.strings_len = w->strings.n;
    w_write(w, w->strings.v, w->strings.n);
    w_align(w, 8);
    w->h.off_terms = w->off;
    w->h.nterms = (uint32_t)w->terms.n;
    w_write(w, w->terms.v, w->terms.n * sizeof(seg_term));
    w->h.data_end = w->off;
    static const uint8_t zero[SEG_PAD];
    w_write(w, zero, SEG_PAD);
    if (!w->err && (fflush(w->f) != 0 || fseek(w->f, 0, SEEK_SET) != 0)) w->err = DL_EIO;
    if (!w->err && fwrite(&w->h, sizeof w->h, 1, w->f) != 1) w->err = DL_EIO;
    if (!w->err && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0)) w->err = DL_EIO;
    if (fclose(w->f) != 0 && !w->err) w->err = DL_EIO;
    w->f = NULL;
    int rc = w->err;
    if (rc) unlink(w->path);
    if (bytes) *bytes = w->h.data_end + SEG_PAD;
    writer_free(w);
    return rc;
}

void seg_writer_abort(seg_writer *w)
{
    if (!w) return;
    if (w->f) fclose(w->f);
    w->f = NULL;
    unlink(w->path);
    writer_free(w);
}
