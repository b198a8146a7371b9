/*
 * server.c -- the HTTP layer of `dateline serve` (dl_serve in dateline.h).
 *
 * libmicrohttpd runs a pool of worker threads (internal polling thread with
 * MHD_OPTION_THREAD_POOL_SIZE); each connection lives on one of them and the
 * request handler (sv_route in api.c) runs there.  This file owns:
 *
 *  - limits: open connections, idle timeout, header memory per connection
 *    (a longer request line or header answers 431/414 inside MHD), and the
 *    POST body limit (413: from Content-Length before reading, or after
 *    discarding a chunked body that grows past it);
 *  - archive handles: a pool of read-only handles, one per request in flight
 *    (handles are never used by two threads at once), and one writer behind
 *    a mutex, opened on the first POST;
 *  - the access log: one line per request on stderr,
 *    ADDR [TIME] "METHOD PATH?QUERY" STATUS BYTES MSms, control bytes escaped;
 *  - shutdown: SIGINT/SIGTERM are blocked in every thread and taken with
 *    sigwait by the caller of dl_serve; the daemon then stops accepting,
 *    waits for the requests in flight (a second signal or 60 s cut it
 *    short) and stops.  Writes happen inside ingest transactions, so the
 *    archive is consistent whatever moment the signal comes.
 */
#include "serve.h"
#include "../text/utf8.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SV_DEFAULT_BODY ((size_t)64 << 20)
#define SV_HEADER_MEMORY (64u << 10)
#define SV_DRAIN_SECONDS 60

struct sv_server {
    char *dir;
    dl_serve_opts o;
    struct MHD_Daemon *d;

    pthread_mutex_t pool_mu;       /* guards pool */
    DL_VEC(dl_archive *) pool;     /* idle read-only handles */

    pthread_mutex_t writer_mu;     /* held for a whole POST */
    dl_archive *writer;            /* opened on first use */
    dl_analyzer *az;

    sv_cache *cache;               /* NULL when opts.no_cache */

    atomic_int inflight;           /* requests between first call and completion */
    atomic_int draining;           /* shutdown started: answer Connection: close */
    int loopback;                  /* bound to a loopback address: check Host */
};

/* Per-request state, *con_cls of MHD. */
typedef struct sv_conn {
    struct timespec t0;
    int method;
    int too_big;                   /* POST body over the limit: 413 at the end */
    size_t discarded;
    dl_buf body;
} sv_conn;

/* --------------------------------------------------------------- replies */

void sv_json_reply(sv_req *req, int status, dl_buf *b)
{
    if (b->err) {
        dl_buf_free(b);
        sv_error(req, 500, "out of memory building the answer");
        return;
    }
    if (req->reply.body && !req->reply.is_static) dl_free(req->reply.body);
    size_t len = 0;
    char *p = dl_buf_detach(b, &len);
    if (!p) { /* an empty buffer: never happens for JSON, but stay valid */
        p = dl_strdup("{}");
        len = p ? 2 : 0;
    }
    req->reply = (sv_reply){.status = status, .body = p, .len = len,
                            .type = "application/json; charset=utf-8",
                            .cache = "no-store"};
}

void sv_error(sv_req *req, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dl_buf b = {0};
    dl_buf_adds(&b, "{\"error\": ");
    dl_json_strz(&b, msg);
    dl_buf_adds(&b, "}\n");
    if (req->reply.body && !req->reply.is_static) dl_free(req->reply.body);
    size_t len = 0;
    char *p = b.err ? NULL : dl_buf_detach(&b, &len);
    dl_buf_free(&b);
    if (p)
        req->reply = (sv_reply){.status = status, .body = p, .len = len,
                                .type = "application/json; charset=utf-8",
                                .cache = "no-store"};
    else
        req->reply = (sv_reply){.status = 500, .body = (char *)"{\"error\": \"out of memory\"}\n",
                                .len = 27, .type = "application/json; charset=utf-8",
                                .is_static = 1};
}

void sv_static_reply(sv_req *req, const char *type, const void *data, size_t len,
                     const char *cache)
{
    if (req->reply.body && !req->reply.is_static) dl_free(req->reply.body);
    req->reply = (sv_reply){.status = 200, .body = (char *)data, .len = len, .type = type,
                            .cache = cache, .is_static = 1};
}

/* ------------------------------------------------------------- arguments */

int sv_arg_text(sv_req *req, const char *name, size_t max, const char **out, size_t *len)
{
    const char *v = NULL;
    size_t n = 0;
    *out = NULL;
    if (len) *len = 0;
    if (MHD_lookup_connection_value_n(req->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name),
                                      &v, &n) != MHD_YES || !v)
        return 0;
    if (memchr(v, 0, n)) {
        sv_error(req, 400, "parameter '%s' holds a NUL byte", name);
        return -1;
    }
    if (n > max) {
        sv_error(req, 400, "parameter '%s' is longer than %zu bytes", name, max);
        return -1;
    }
    if (dl_utf8_check(v, n) != n) {
        sv_error(req, 400, "parameter '%s' is not valid UTF-8", name);
        return -1;
    }
    *out = v;
    if (len) *len = n;
    return 0;
}

int sv_arg_date(sv_req *req, const char *name, int32_t *day, int *present)
{
    const char *v;
    size_t n;
    *present = 0;
    if (sv_arg_text(req, name, 64, &v, &n)) return -1;
    if (!v || n == 0) return 0; /* ?from= is the same as no from */
    if (dl_date_parse(v, n, day) != DL_OK) {
        sv_error(req, 400, "parameter '%s' wants a date YYYY-MM-DD, not '%.*s'", name, (int)n, v);
        return -1;
    }
    *present = 1;
    return 0;
}

int sv_arg_long(sv_req *req, const char *name, long lo, long hi, long dflt, long *out)
{
    const char *v;
    size_t n;
    *out = dflt;
    if (sv_arg_text(req, name, 64, &v, &n)) return -1;
    if (!v || n == 0) return 0;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end != v + n || x < lo || x > hi) {
        sv_error(req, 400, "parameter '%s' wants a whole number from %ld to %ld, not '%.*s'",
                 name, lo, hi, (int)n, v);
        return -1;
    }
    *out = x;
    return 0;
}

size_t sv_max_body(const sv_req *req) { return req->srv->o.max_body; }

sv_cache *sv_server_cache(const sv_req *req) { return req->srv->cache; }

/* --------------------------------------------------------------- handles */

dl_archive *sv_reader_get(sv_req *req)
{
    sv_server *s = req->srv;
    dl_archive *ar = NULL;
    pthread_mutex_lock(&s->pool_mu);
    if (s->pool.n) ar = s->pool.v[--s->pool.n];
    pthread_mutex_unlock(&s->pool_mu);
    if (ar) return ar;
    int rc = dl_archive_open(s->dir, DL_OPEN_READ, &ar);
    if (rc != DL_OK) {
        sv_error(req, 500, "cannot open the archive: %s",
                 ar ? dl_archive_errmsg(ar) : dl_strerror(rc));
        dl_archive_close(ar);
        return NULL;
    }
    return ar;
}

void sv_reader_put(sv_req *req, dl_archive *ar)
{
    if (!ar) return;
    sv_server *s = req->srv;
    pthread_mutex_lock(&s->pool_mu);
    /* keep at most one idle handle per worker thread and a few spare */
    int kept = s->pool.n < (size_t)s->o.threads * 2 && dl_vec_push(&s->pool, ar) == DL_OK;
    pthread_mutex_unlock(&s->pool_mu);
    if (!kept) dl_archive_close(ar);
}

int sv_writer_lock(sv_req *req, dl_archive **ar, const dl_analyzer **az)
{
    sv_server *s = req->srv;
    pthread_mutex_lock(&s->writer_mu);
    if (!s->writer) {
        dl_archive *w = NULL;
        int rc = dl_archive_open(s->dir, DL_OPEN_WRITE, &w);
        if (rc != DL_OK) {
            sv_error(req, 500, "cannot open the archive for writing: %s",
                     w ? dl_archive_errmsg(w) : dl_strerror(rc));
            dl_archive_close(w);
            pthread_mutex_unlock(&s->writer_mu);
            return -1;
        }
        s->writer = w;
    }
    if (!s->az) {
        int rc = dl_analyzer_new(&s->az);
        if (rc != DL_OK) {
            s->az = NULL;
            sv_error(req, 500, "cannot load the analyzer: %s", dl_strerror(rc));
            pthread_mutex_unlock(&s->writer_mu);
            return -1;
        }
    }
    *ar = s->writer;
    *az = s->az;
    return 0;
}

void sv_writer_unlock(sv_req *req) { pthread_mutex_unlock(&req->srv->writer_mu); }

/* ------------------------------------------------------------ access log */

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Appends s to b with bytes outside printable ASCII written as \xNN, so a
 * request cannot forge log lines or send terminal escapes. */
static void log_escaped(dl_buf *b, const char *s, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; s[i] && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            dl_buf_addc(b, (char)c);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            dl_buf_add(b, e, 4);
        }
    }
}

typedef struct arg_walk {
    dl_buf *b;
    int first;
} arg_walk;

static enum MHD_Result log_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    arg_walk *w = cls;
    dl_buf_addc(w->b, w->first ? '?' : '&');
    w->first = 0;
    log_escaped(w->b, key, 256);
    if (value) {
        dl_buf_addc(w->b, '=');
        log_escaped(w->b, value, 256);
    }
    return w->b->n < 2048 ? MHD_YES : MHD_NO;
}

static void access_log(sv_server *s, struct MHD_Connection *conn, const char *method,
                       const char *url, int status, size_t bytes, int cached,
                       const struct timespec *t0)
{
    if (s->o.quiet) return;
    char addr[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      addr, sizeof addr);
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    dl_buf b = {0};
    dl_buf_printf(&b, "%s [%s] \"", addr, when);
    log_escaped(&b, method, 32);
    dl_buf_addc(&b, ' ');
    log_escaped(&b, url, 2048);
    arg_walk w = {&b, 1};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, log_arg, &w);
    dl_buf_printf(&b, "\" %d %zu %.2fms%s\n", status, bytes, ms_since(t0),
                  cached ? " cached" : "");
    if (!b.err) fwrite(b.p, 1, b.n, stderr); /* one write: lines never interleave */
    dl_buf_free(&b);
}

/* ------------------------------------------------------------------ MHD */

static int method_of(const char *m)
{
    if (!strcmp(m, "GET")) return SV_GET;
    if (!strcmp(m, "HEAD")) return SV_HEAD;
    if (!strcmp(m, "POST")) return SV_POST;
    return SV_OTHER;
}

/* The host part of a Host header or an origin's authority: "[::1]:8080" ->
 * "::1", "localhost:80" -> "localhost".  Writes into out (size n). */
static void host_part(const char *h, char *out, size_t n)
{
    size_t len;
    if (*h == '[') {
        const char *e = strchr(h, ']');
        h++;
        len = e ? (size_t)(e - h) : strlen(h);
    } else {
        const char *e = strchr(h, ':');
        len = e ? (size_t)(e - h) : strlen(h);
    }
    if (len >= n) len = n - 1;
    memcpy(out, h, len);
    out[len] = 0;
}

static int is_loopback_name(const char *host)
{
    return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "::1");
}

/*
 * Requests a browser makes on behalf of another site are refused (403):
 *  - on a loopback address, a Host that is not a loopback name (a DNS
 *    rebinding page reaching 127.0.0.1 through its own domain);
 *  - a POST whose Origin is not this server (another site's page posting
 *    articles; browsers always send Origin on cross-site POST).
 * Clients that send neither header (curl, scripts) are not affected.
 * Returns the reason, or NULL to go on.
 */
static const char *foreign_request(const sv_server *s, struct MHD_Connection *conn, int method)
{
    const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char hp[256];
    if (s->loopback && host) {
        host_part(host, hp, sizeof hp);
        if (!is_loopback_name(hp))
            return "this server answers to localhost and 127.0.0.1 only (start it with --bind "
                   "to serve other names)";
    }
    if (method == SV_POST) {
        const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
        if (origin && strcmp(origin, "null") != 0) {
            const char *auth = strstr(origin, "://");
            auth = auth ? auth + 3 : origin;
            if (!host || strcasecmp(auth, host) != 0)
                return "cross-site POST refused: the Origin is not this server";
        } else if (origin) {
            return "cross-site POST refused: opaque Origin";
        }
    }
    return NULL;
}

static enum MHD_Result send_reply(sv_server *s, struct MHD_Connection *conn, sv_conn *c,
                                  const char *method, const char *url, sv_reply *r)
{
    struct MHD_Response *resp;
    if (r->is_static)
        resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_PERSISTENT);
    else
        resp = MHD_create_response_from_buffer_with_free_callback(r->len, r->body, dl_free);
    if (!resp) {
        if (!r->is_static) dl_free(r->body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->cache) MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->cache);
    if (r->allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (atomic_load(&s->draining))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (r->type && !strncmp(r->type, "text/html", 9))
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; "
                                "style-src 'self'; script-src 'self'; frame-ancestors 'none'");
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    access_log(s, conn, method, url, r->status, r->len, r->from_cache, &c->t0);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    sv_server *s = cls;
    sv_conn *c = *con_cls;
    if (!c) {
        /* first call: headers are in */
        c = dl_calloc(1, sizeof *c);
        if (!c) return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &c->t0);
        c->method = method_of(method);
        c->body.max = s->o.max_body;
        *con_cls = c;
        atomic_fetch_add(&s->inflight, 1);
        const char *why = foreign_request(s, conn, c->method);
        if (why) {
            sv_req req = {.srv = s, .conn = conn, .method = c->method, .path = url};
            sv_error(&req, 403, "%s", why);
            return send_reply(s, conn, c, method, url, &req.reply);
        }
        if (c->method == SV_POST) {
            const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
                sv_req req = {.srv = s, .conn = conn, .method = c->method, .path = url};
                sv_error(&req, 413, "the body is over the limit of %zu bytes", s->o.max_body);
                return send_reply(s, conn, c, method, url, &req.reply);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* a chunk of the body: keep it (POST, within the limit) or drop it */
        if (c->method == SV_POST && !c->too_big) {
            dl_buf_add(&c->body, upload_data, *upload_data_size);
            if (c->body.err) {
                c->too_big = 1;
                dl_buf_free(&c->body);
            }
        }
        if (c->method != SV_POST || c->too_big) {
            c->discarded += *upload_data_size;
            /* a client that keeps sending far past the limit loses the connection */
            if (c->discarded > s->o.max_body + ((size_t)64 << 20)) return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    /* the whole request is in */
    sv_req req = {.srv = s, .conn = conn, .method = c->method, .method_name = method,
                  .path = url};
    if (c->too_big) {
        sv_error(&req, 413, "the body is over the limit of %zu bytes", s->o.max_body);
    } else {
        req.body = c->body.p;
        req.body_len = c->body.n;
        sv_route(&req);
        if (!req.reply.body) sv_error(&req, 500, "no answer");
    }
    enum MHD_Result ok = send_reply(s, conn, c, method, url, &req.reply);
    dl_buf_free(&c->body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    (void)toe;
    sv_server *s = cls;
    sv_conn *c = *con_cls;
    if (!c) return;
    dl_buf_free(&c->body);
    free(c);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    fprintf(stderr, "dateline: http: %s\n", msg);
}

/* --------------------------------------------------------------- dl_serve */

static unsigned default_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) cpus = 1;
    long t = cpus * 2;
    return (unsigned)(t < 2 ? 2 : t > 16 ? 16 : t);
}

static void server_free(sv_server *s)
{
    for (size_t i = 0; i < s->pool.n; i++) dl_archive_close(s->pool.v[i]);
    dl_vec_free(&s->pool);
    dl_archive_close(s->writer);
    dl_analyzer_free(s->az);
    sv_cache_free(s->cache);
    pthread_mutex_destroy(&s->pool_mu);
    pthread_mutex_destroy(&s->writer_mu);
    free(s->dir);
}

/* Makes sure an archive exists at dir (creating an empty one) and that it
 * opens for reading; the first read handle goes into the pool. */
static int prepare_archive(sv_server *s)
{
    dl_archive *ar = NULL;
    int rc = dl_archive_open(s->dir, DL_OPEN_READ, &ar);
    if (rc == DL_ENOTFOUND) {
        dl_archive_close(ar);
        ar = NULL;
        rc = dl_archive_open(s->dir, DL_OPEN_WRITE, &ar);
        dl_archive_close(ar);
        ar = NULL;
        if (rc == DL_OK) rc = dl_archive_open(s->dir, DL_OPEN_READ, &ar);
    }
    if (rc != DL_OK) {
        fprintf(stderr, "dateline: %s\n", ar ? dl_archive_errmsg(ar) : dl_strerror(rc));
        dl_archive_close(ar);
        return rc;
    }
    if (dl_vec_push(&s->pool, ar)) {
        dl_archive_close(ar);
        return DL_ENOMEM;
    }
    return DL_OK;
}

int dl_serve(const char *archive_dir, const char *bind, int port, const dl_serve_opts *opts)
{
    if (!archive_dir || port < 0 || port > 65535) return DL_EINVAL;
    if (!bind || !*bind) bind = "127.0.0.1";
    sv_server s = {0};
    if (opts) s.o = *opts;
    if (!s.o.threads) s.o.threads = default_threads();
    if (s.o.threads > 256) s.o.threads = 256;
    if (!s.o.max_connections) s.o.max_connections = 512;
    if (!s.o.timeout_s) s.o.timeout_s = 30;
    if (!s.o.max_body) s.o.max_body = SV_DEFAULT_BODY;
    pthread_mutex_init(&s.pool_mu, NULL);
    pthread_mutex_init(&s.writer_mu, NULL);
    s.dir = dl_strdup(archive_dir);
    if (!s.dir) {
        server_free(&s);
        return DL_ENOMEM;
    }
    int rc = prepare_archive(&s);
    if (rc != DL_OK) {
        server_free(&s);
        return rc;
    }
    if (!s.o.no_cache && !(s.cache = sv_cache_new(s.dir))) {
        server_free(&s);
        return DL_ENOMEM;
    }

    /* the address to listen on */
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* numeric addresses only (no DNS lookup at start), and "localhost" */
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
    if (!strcmp(bind, "localhost")) bind = "127.0.0.1";
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    int gai = getaddrinfo(bind, portstr, &hints, &ai);
    if (gai != 0 || !ai) {
        fprintf(stderr, "dateline: cannot bind to '%s': %s\n", bind, gai_strerror(gai));
        if (ai) freeaddrinfo(ai);
        server_free(&s);
        return DL_EINVAL;
    }

    /* SIGINT/SIGTERM are taken by sigwait below: block them here, before the
     * worker threads start, so every thread inherits the mask */
    sigset_t sigs, oldmask;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &oldmask);
    /* a client that hangs up must not kill the server */
    signal(SIGPIPE, SIG_IGN);

    char host[INET6_ADDRSTRLEN] = "?";
    if (ai->ai_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, host,
                  sizeof host);
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, host,
                  sizeof host);
    int v6 = ai->ai_family == AF_INET6;
    s.loopback = is_loopback_name(host);

    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    s.d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, &s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s.o.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)s.o.max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s.o.timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SV_HEADER_MEMORY,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
        MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!s.d) {
        fprintf(stderr, "dateline: cannot listen on %s port %d: %s\n", bind, port,
                strerror(errno));
        pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
        server_free(&s);
        return DL_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s.d, MHD_DAEMON_INFO_BIND_PORT);
    int real_port = di ? (int)di->port : port;
    fprintf(stderr, "dateline: serving %s on http://%s%s%s:%d/ (%u threads)\n", s.dir,
            v6 ? "[" : "", host, v6 ? "]" : "", real_port, s.o.threads);
    fflush(stderr);

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {}
    fprintf(stderr, "dateline: %s: finishing the requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    atomic_store(&s.draining, 1);
    MHD_socket lsock = MHD_quiesce_daemon(s.d);
    if (lsock != MHD_INVALID_SOCKET) close(lsock);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s.inflight) > 0 && ms_since(&t0) < SV_DRAIN_SECONDS * 1e3) {
        struct timespec tick = {0, 20 * 1000 * 1000};
        if (sigtimedwait(&sigs, NULL, &tick) > 0) {
            fprintf(stderr, "dateline: second signal: stopping now\n");
            break;
        }
    }
    MHD_stop_daemon(s.d);
    /* a pending ingest holds the writer mutex until its transaction ends;
     * MHD_stop_daemon has joined the workers, so none is left */
    server_free(&s);
    pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
    fprintf(stderr, "dateline: stopped\n");
    return DL_OK;
}
