/*
 * buf.c -- growable buffers, vectors, allocation wrappers and the JSON
 * writer shared by every stage.
 */
#include "buf.h"
#include "utf8.h"

#include <math.h>
#include <stdint.h>
#include <sys/mman.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>

void *dl_malloc(size_t n) { return malloc(n ? n : 1); }
void *dl_calloc(size_t n, size_t size) { return calloc(n ? n : 1, size ? size : 1); }

#define HUGE_PAGE ((size_t)2 << 20)

/* Its pages written to at once: left to the kernel's zero pages, a hash
 * table read before it is written maps the shared zero page first, and
 * each later write fault then replaces it and flushes every core's TLB (an
 * interrupt to each core the process's threads run on).  A write faults a
 * page in directly.  (A zero written through a volatile pointer: the
 * compiler would turn the allocation and a memset back into calloc.)  From
 * 2 MiB up, a mapping of its own on huge pages where the kernel grants
 * them: a probe is a random access, which with 4 KiB pages would mostly
 * miss the TLB too, and the table faults in 2 MiB at a time, not 4 KiB. */
void *dl_table_alloc(size_t n)
{
    if (!n) n = 1;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (n >= HUGE_PAGE) {
        size_t bytes = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        /* one huge page more, trimmed to an aligned run */
        char *m = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) return NULL;
        size_t head = (HUGE_PAGE - (uintptr_t)m % HUGE_PAGE) % HUGE_PAGE;
        if (head) munmap(m, head);
        munmap(m + head + bytes, HUGE_PAGE - head);
        (void)madvise(m + head, bytes, MADV_HUGEPAGE);
        for (size_t i = 0; i < bytes; i += 4096) ((volatile char *)m)[head + i] = 0;
        return m + head;
    }
#endif
    char *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
    if (p) memset(p, 0, n);  /* writes every page */
    return p;
}

void dl_table_free(void *p, size_t n)
{
    if (!p) return;
#if defined(MAP_ANONYMOUS) && defined(MADV_HUGEPAGE)
    if (n >= HUGE_PAGE) {
        munmap(p, (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
        return;
    }
#endif
    (void)n;
    free(p);
}

int dl_u32_cover(uint32_t **v, size_t *cap, size_t top, size_t first)
{
    if (top < *cap) return DL_OK;
    size_t nc = *cap ? *cap : first;
    while (nc <= top) {
        if (nc > SIZE_MAX / 2 / sizeof **v) return DL_ENOMEM;
        nc *= 2;
    }
    uint32_t *nv = realloc(*v, nc * sizeof *nv);
    if (!nv) return DL_ENOMEM;
    memset(nv + *cap, 0, (nc - *cap) * sizeof *nv);
    *v = nv;
    *cap = nc;
    return DL_OK;
}
void *dl_realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void dl_free(void *p) { free(p); }

char *dl_strndup(const char *s, size_t n)
{
    char *d = dl_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *dl_strdup(const char *s) { return s ? dl_strndup(s, strlen(s)) : NULL; }

const char *dl_strerror(int rc)
{
    switch (rc) {
#define DL_MSG_(name, value, msg) case value: return msg;
        DL_ERRORS(DL_MSG_)
#undef DL_MSG_
    }
    return "unknown error";
}

int dl_vec_grow_(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return DL_OK;
    size_t nc = *cap ? *cap : 8;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem) return DL_ENOMEM;
        nc *= 2;
    }
    void *nv = realloc(*v, nc * elem);
    if (!nv) return DL_ENOMEM;
    *v = nv;
    *cap = nc;
    return DL_OK;
}

void dl_buf_free(dl_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->err = DL_OK;
}

void dl_buf_reset(dl_buf *b)
{
    b->n = 0;
    if (b->p) b->p[0] = 0;
}

static int buf_need(dl_buf *b, size_t extra)
{
    if (b->err) return 0;
    size_t max = b->max ? b->max : ((size_t)1 << 30);
    if (extra > max || b->n + extra > max) {
        b->err = DL_ETOOBIG;
        return 0;
    }
    size_t need = b->n + extra + 1;
    if (need <= b->cap) return 1;
    size_t nc = b->cap ? b->cap : 64;
    while (nc < need) nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np) {
        b->err = DL_ENOMEM;
        return 0;
    }
    b->p = np;
    b->cap = nc;
    return 1;
}

/* Room for n more bytes and the terminator, under the ceiling, without
 * growing: the appends' fast path (the JSON writer makes many small ones). */
static inline int room(const dl_buf *b, size_t n)
{
    return !b->err && b->cap - b->n > n && b->n + n <= (b->max ? b->max : ((size_t)1 << 30));
}

void dl_buf_add(dl_buf *b, const void *p, size_t n)
{
    if (room(b, n)) {
        memcpy(b->p + b->n, p, n);
        b->n += n;
        b->p[b->n] = 0;
        return;
    }
    if (!buf_need(b, n)) return;
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
}

void dl_buf_adds(dl_buf *b, const char *s) { dl_buf_add(b, s, strlen(s)); }

void dl_buf_addc(dl_buf *b, char c)
{
    if (!room(b, 1) && !buf_need(b, 1)) return;
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

void dl_buf_printf(dl_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if ((size_t)k < sizeof small) {
        dl_buf_add(b, small, (size_t)k);
        return;
    }
    if (!buf_need(b, (size_t)k)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

char *dl_buf_detach(dl_buf *b, size_t *len)
{
    if (!b->p) buf_need(b, 0);
    char *p = b->err ? NULL : b->p;
    if (len) *len = p ? b->n : 0;
    if (!p) free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->err = DL_OK;
    return p;
}

/* The careful path of dl_json_str, from s[i] to the closing quote: every
 * append checks the ceiling.  The common case, printable ASCII with nothing to escape,
 * is found eight bytes at a time (SWAR) and copied in runs.  A byte of x
 * needs a look when its high bit is set (UTF-8), or it is below 0x20, '"'
 * or '\\': (v - 0x01..) & ~v has the high bit of a byte set where v's byte
 * is zero or the first zero (exact for the first hit, enough here since any
 * hit sends the whole word to the byte loop), and x - 0x20.. likewise for
 * bytes below 0x20. */
static void json_str_tail(dl_buf *b, const char *s, size_t n, size_t i)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            const uint64_t ONES = 0x0101010101010101ULL, HIGH = 0x8080808080808080ULL;
            uint64_t q = x ^ (ONES * '"'), bs = x ^ (ONES * '\\');
            uint64_t hit = (x | ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((bs - ONES) & ~bs)) & HIGH;
            if (!hit) {
                i += 8;
                run += 8;
                continue;
            }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* the lowest flagged byte is a true one (borrows only go up) */
            size_t skip = (size_t)__builtin_ctzll(hit) / 8;
            i += skip;
            run += skip;
#endif
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            run++;
            continue;
        }
        if (run) dl_buf_add(b, s + i - run, run);
        run = 0;
        if (c >= 0x80) {
            size_t k = dl_utf8_valid_prefix(s + i, n - i);
            if (k) {
                /* valid sequences join the run: copied with it */
                i += k;
                run = k;
            } else {
                dl_buf_add(b, "\xef\xbf\xbd", 3);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': dl_buf_add(b, "\\\"", 2); break;
        case '\\': dl_buf_add(b, "\\\\", 2); break;
        case '\n': dl_buf_add(b, "\\n", 2); break;
        case '\r': dl_buf_add(b, "\\r", 2); break;
        case '\t': dl_buf_add(b, "\\t", 2); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            dl_buf_add(b, e, 6);
        }
        }
        i++;
    }
    if (run) dl_buf_add(b, s + i - run, run);
    dl_buf_addc(b, '"');
}


/* The fast path of dl_json_str: writes straight into the buffer, 16 bytes
 * at a time (SSE2) where nothing needs escaping, keeping at least 33 bytes
 * of room ahead (a 16-byte store, or one escape).  Returns where it
 * stopped: n, or earlier when room cannot be had without nearing the
 * ceiling (the careful path then goes on from there) or on OOM (b->err). */
static size_t json_str_fast(dl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const size_t max = b->max ? b->max : ((size_t)1 << 30);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (b->cap - b->n < 34) {
            if (b->n + 64 > max) break;
            size_t want = n - i + 64;
            if (b->n + want > max) want = 64;
            if (!buf_need(b, want)) break;
        }
        char *d = b->p + b->n;
        unsigned c;
#ifdef __SSE2__
        if (n - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            __m128i lim = _mm_set1_epi8(0x1f);
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, lim), lim), v));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit);
            _mm_storeu_si128((__m128i *)(void *)d, v);
            if (!mask) {
                b->n += 16;
                i += 16;
                continue;
            }
            unsigned k = (unsigned)__builtin_ctz(mask);
            b->n += k;
            i += k;
            d += k;
        } else {
            /* the last 1-15 bytes (short strings: names, types, values):
             * the same test on a copy, the bytes past the end masked off */
            size_t rem = n - i;
            unsigned char tmp[16] = {0};
            memcpy(tmp, u + i, rem);
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)tmp);
            __m128i lim = _mm_set1_epi8(0x1f);
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                _mm_or_si128(_mm_cmpeq_epi8(_mm_max_epu8(v, lim), lim), v));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit) & ((1u << rem) - 1);
            _mm_storeu_si128((__m128i *)(void *)d, v);
            unsigned k = mask ? (unsigned)__builtin_ctz(mask) : (unsigned)rem;
            b->n += k;
            i += k;
            d += k;
            if (i == n) break;
        }
#endif
        c = u[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            *d = (char)c;
            b->n++;
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = dl_utf8_valid_prefix(s + i, n - i);
            if (k) {
                memcpy(d, s + i, k);
                b->n += k;
                i += k;
            } else {
                memcpy(d, "\xef\xbf\xbd", 3);
                b->n += 3;
                i++;
            }
            continue;
        }
        d[0] = '\\';
        switch (c) {
        case '"': d[1] = '"', b->n += 2; break;
        case '\\': d[1] = '\\', b->n += 2; break;
        case '\n': d[1] = 'n', b->n += 2; break;
        case '\r': d[1] = 'r', b->n += 2; break;
        case '\t': d[1] = 't', b->n += 2; break;
        default:
            d[1] = 'u', d[2] = '0', d[3] = '0', d[4] = hex[c >> 4], d[5] = hex[c & 15];
            b->n += 6;
        }
        i++;
    }
    if (b->p) b->p[b->n] = 0;
    return i;
}

/* JSON strings: a fast path for the bulk, the careful path for the end
 * (both write the same bytes: see json_str_tail for the escaping rules). */
void dl_json_str(dl_buf *b, const char *s, size_t n)
{
    if (!buf_need(b, n + 2)) return;
    b->p[b->n++] = '"';
    size_t i = json_str_fast(b, s, n);
    json_str_tail(b, s, n, i);
}

void dl_json_strz(dl_buf *b, const char *s)
{
    if (!s) dl_buf_adds(b, "null");
    else dl_json_str(b, s, strlen(s));
}

void dl_json_key(dl_buf *b, const char *key)
{
    dl_json_str(b, key, strlen(key));
    dl_buf_addc(b, ':');
}

/* Writes v in decimal at p; returns the length (at most 20).  Two digits
 * per step from a table. */
static size_t put_u64(char *p, uint64_t v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    char t[20];
    size_t k = 20;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        k -= 2;
        memcpy(t + k, pairs + 2 * r, 2);
    }
    if (v >= 10) {
        k -= 2;
        memcpy(t + k, pairs + 2 * v, 2);
    } else {
        t[--k] = (char)('0' + v);
    }
    memcpy(p, t + k, 20 - k);
    return 20 - k;
}

void dl_json_uint(dl_buf *b, uint64_t v)
{
    if (room(b, 20)) {
        b->n += put_u64(b->p + b->n, v);
        b->p[b->n] = 0;
        return;
    }
    char t[20];
    dl_buf_add(b, t, put_u64(t, v));
}

void dl_json_span(dl_buf *b, dl_span s)
{
    char t[44], *d = room(b, 44) ? b->p + b->n : t;
    size_t n = 0;
    d[n++] = '[';
    n += put_u64(d + n, s.start);
    d[n++] = ',';
    n += put_u64(d + n, s.end);
    d[n++] = ']';
    if (d == t) {
        dl_buf_add(b, t, n);
    } else {
        b->n += n;
        b->p[b->n] = 0;
    }
}

void dl_json_double(dl_buf *b, double d)
{
    if (!isfinite(d)) d = 0;
    dl_buf_printf(b, "%.6g", d);
}
