/*
 * serve.h -- the insides of `dateline serve`, shared by the HTTP layer
 * (server.c: libmicrohttpd, limits, pool of archive handles, access log,
 * shutdown), the API handlers (api.c) and the embedded web page (web.c).
 *
 * A request's life: server.c collects the method, path and (for POST) the
 * body within the limits, then calls sv_route() once with a filled sv_req;
 * the handler answers by filling req->reply (status, owned body, content
 * type) through sv_json_reply/sv_error/sv_static_reply, and server.c sends
 * it.  Handlers run on the server's worker threads, several at once: they
 * borrow a read-only archive handle with sv_reader_get/sv_reader_put (a
 * handle is used by one thread at a time) and take the single writer with
 * sv_writer_lock/sv_writer_unlock.
 */
#ifndef DL_SERVE_H
#define DL_SERVE_H

#include "../dl_int.h"
#include "../text/buf.h"

#include <microhttpd.h>

typedef struct sv_server sv_server;

enum { SV_GET = 1, SV_HEAD = 2, SV_POST = 4, SV_OTHER = 8 };

/* What a handler answers.  body is owned (dl_free) unless is_static. */
typedef struct sv_reply {
    int status;
    char *body;
    size_t len;
    const char *type;   /* Content-Type, static string */
    const char *allow;  /* Allow header for 405, static string or NULL */
    const char *cache;  /* Cache-Control, static string or NULL */
    int is_static;      /* body points at static memory: do not free */
    int from_cache;     /* served from the answer cache (logged) */
} sv_reply;

typedef struct sv_req {
    sv_server *srv;
    struct MHD_Connection *conn;
    int method;           /* SV_* */
    const char *method_name; /* as sent, for messages */
    const char *path;     /* decoded path, NUL-terminated, without the query */
    const char *body;     /* POST body (not NUL-terminated), may be NULL */
    size_t body_len;
    sv_reply reply;
} sv_req;

/* Routes one complete request (api.c).  Always fills req->reply. */
void sv_route(sv_req *req);

/* Replies.  sv_json_reply takes ownership of the dl_buf's bytes (or answers
 * 500 "out of memory" when the buffer failed).  sv_error formats a message
 * and answers {"error": "..."} with status. */
void sv_json_reply(sv_req *req, int status, dl_buf *b);
void sv_error(sv_req *req, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sv_static_reply(sv_req *req, const char *type, const void *data, size_t len,
                     const char *cache);

/*
 * The value of query parameter name (decoded) in *out and its length in
 * *len; *out is NULL when absent.  Values with a NUL byte, invalid UTF-8 or
 * more than max bytes answer 400 and return -1; otherwise 0.
 */
int sv_arg_text(sv_req *req, const char *name, size_t max, const char **out, size_t *len);
/* An optional YYYY-MM-DD date: *day set and *present = 1 when given.  400
 * and -1 when malformed. */
int sv_arg_date(sv_req *req, const char *name, int32_t *day, int *present);
/* An optional whole number in [lo, hi], *out = dflt when absent.  400 and
 * -1 when malformed or out of range. */
int sv_arg_long(sv_req *req, const char *name, long lo, long hi, long dflt, long *out);

/* A read-only archive handle for this request, or NULL (500 answered).
 * Give it back with sv_reader_put before the handler returns. */
dl_archive *sv_reader_get(sv_req *req);
void sv_reader_put(sv_req *req, dl_archive *ar);

/* The single writer (archive opened for writing, analyzer), serialised by a
 * mutex.  sv_writer_lock returns 0 and sets *ar, *az, or answers 500 and
 * returns -1; then sv_writer_unlock must not be called. */
int sv_writer_lock(sv_req *req, dl_archive **ar, const dl_analyzer **az);
void sv_writer_unlock(sv_req *req);

/* The answer cache (cache.c); see there for the generation rule. */
typedef struct sv_cache sv_cache;
sv_cache *sv_cache_new(const char *archive_dir);
void sv_cache_free(sv_cache *c);
uint64_t sv_cache_generation(const sv_cache *c);
/* An owned copy (dl_free) of the answer stored under key for generation
 * gen, or NULL. */
char *sv_cache_get(sv_cache *c, const char *key, size_t klen, uint64_t gen, size_t *len);
void sv_cache_put(sv_cache *c, const char *key, size_t klen, uint64_t gen, const char *body,
                  size_t len);
/* The server's cache, or NULL when caching is off. */
sv_cache *sv_server_cache(const sv_req *req);

/* The body limit in force (bytes), for messages. */
size_t sv_max_body(const sv_req *req);

/* The embedded web page (web.c): fills *out with the file served for a
 * path such as "/" or "/app.js" and returns 1, or returns 0. */
typedef struct sv_asset {
    const char *path;
    const char *type;
    const char *data;
    size_t len;
} sv_asset;
int sv_asset_find(const char *path, sv_asset *out);

#endif
