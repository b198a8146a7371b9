/*
 * applog.c -- append-only record logs beside archive.db, committed with
 * the batch's transaction (store.h, dl_applog).
 *
 * Some postings (near-duplicate keys, story keys) are only ever read whole,
 * into memory, at the start of an ingest, yet cost a random B-tree insert
 * per row in a table.  A log file holds them instead: a batch writes its
 * records at the committed length (meta(key)), fdatasyncs the file, and
 * sets the new length inside its transaction.  A crash before the COMMIT
 * leaves bytes past the committed length, which readers ignore and the
 * next batch overwrites; a COMMIT covers records already on disk.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int dl_applog_open(dl_archive *ar, const char *file, const char *meta_key, dl_applog *lg)
{
    memset(lg, 0, sizeof *lg);
    lg->fd = -1;
    lg->ar = ar;
    lg->file = file;
    lg->meta_key = meta_key;
    lg->get = dl_archive_prepare(ar, "SELECT value FROM meta WHERE key = ?");
    lg->put = dl_archive_prepare(ar, "INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
    if (!lg->get || !lg->put) return DL_ESTORE;
    char *path = NULL;
    if (asprintf(&path, "%s/%s", ar->dir, file) < 0) return DL_ENOMEM;
    int existed = access(path, F_OK) == 0;
    lg->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    int err = errno;
    free(path);
    if (lg->fd < 0)
        return dl_archive_fail(ar, DL_EIO, "cannot open %s/%s: %s", ar->dir, file, strerror(err));
    if (!existed && dl_fsync_dir(ar->dir))
        return dl_archive_fail(ar, DL_EIO, "cannot sync %s", ar->dir);
    return DL_OK;
}

void dl_applog_close(dl_applog *lg)
{
    sqlite3_finalize(lg->get);
    sqlite3_finalize(lg->put);
    lg->get = lg->put = NULL;
    if (lg->fd >= 0) close(lg->fd);
    lg->fd = -1;
}

int64_t dl_applog_committed(dl_applog *lg)
{
    int64_t v = 0;
    sqlite3_bind_text(lg->get, 1, lg->meta_key, -1, SQLITE_STATIC);
    int s = sqlite3_step(lg->get);
    if (s == SQLITE_ROW) v = sqlite3_column_int64(lg->get, 0);
    sqlite3_reset(lg->get);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return dl_archive_fail(lg->ar, DL_ESTORE, "%s", sqlite3_errmsg(lg->ar->db));
    if (v < 0) return dl_archive_fail(lg->ar, DL_ECORRUPT, "%s: bad length", lg->file);
    return v;
}

static int set_committed(dl_applog *lg, uint64_t bytes)
{
    sqlite3_bind_text(lg->put, 1, lg->meta_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(lg->put, 2, (sqlite3_int64)bytes);
    int s = sqlite3_step(lg->put);
    sqlite3_reset(lg->put);
    if (s != SQLITE_DONE)
        return dl_archive_fail(lg->ar, DL_ESTORE, "%s", sqlite3_errmsg(lg->ar->db));
    return DL_OK;
}

#define READ_BYTES (64u << 10)

int dl_applog_read(dl_applog *lg, uint64_t from, uint64_t to,
                   size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx)
{
    if (to < from) return dl_archive_fail(lg->ar, DL_ECORRUPT, "%s: bad range", lg->file);
    unsigned char *buf = dl_malloc(READ_BYTES);
    if (!buf) return DL_ENOMEM;
    size_t have = 0;  /* bytes in buf not yet taken by fn */
    int rc = DL_OK;
    while (!rc && (from < to || have)) {
        size_t want = READ_BYTES - have;
        if (want > to - from) want = (size_t)(to - from);
        if (want) {
            ssize_t got = pread(lg->fd, buf + have, want, (off_t)from);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                rc = dl_archive_fail(lg->ar, DL_EIO, "cannot read %s/%s: %s", lg->ar->dir,
                                     lg->file, strerror(errno));
                break;
            }
            if (got == 0) {
                rc = dl_archive_fail(lg->ar, DL_ECORRUPT, "%s/%s is shorter than its committed"
                                     " length", lg->ar->dir, lg->file);
                break;
            }
            have += (size_t)got;
            from += (uint64_t)got;
        }
        size_t used = fn(ctx, buf, have, &rc);
        if (rc) break;
        if (used == 0 && (have == READ_BYTES || from == to)) {
            /* no whole record in a full buffer, or a cut one at the end */
            rc = dl_archive_fail(lg->ar, DL_ECORRUPT, "%s/%s: a broken record", lg->ar->dir,
                                 lg->file);
            break;
        }
        memmove(buf, buf + used, have - used);
        have -= used;
    }
    free(buf);
    return rc;
}

int dl_applog_append(dl_applog *lg, const void *p, size_t n)
{
    int64_t len = dl_applog_committed(lg);
    if (len < 0) return (int)len;
    if ((uint64_t)len != lg->end)
        return dl_archive_fail(lg->ar, DL_ECORRUPT, "%s/%s changed during a batch", lg->ar->dir,
                               lg->file);
    const char *c = p;
    off_t at = (off_t)lg->end;
    while (n) {
        ssize_t w = pwrite(lg->fd, c, n, at);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            return dl_archive_fail(lg->ar, DL_EIO, "cannot write %s/%s: %s", lg->ar->dir,
                                   lg->file, strerror(errno));
        c += w;
        n -= (size_t)w;
        at += w;
    }
    if (fdatasync(lg->fd))
        return dl_archive_fail(lg->ar, DL_EIO, "cannot sync %s/%s: %s", lg->ar->dir, lg->file,
                               strerror(errno));
    int rc = set_committed(lg, (uint64_t)at);
    if (!rc) lg->end = (uint64_t)at;
    return rc;
}

int dl_applog_load(dl_archive *ar, const char *file, const char *meta_key, size_t rec,
                   dl_applog *lg, size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx)
{
    int rc = dl_applog_open(ar, file, meta_key, lg);
    if (rc) return rc;
    int64_t len = dl_applog_committed(lg);
    if (len < 0) return (int)len;
    if (rec > 1 && len % (int64_t)rec)
        return dl_archive_fail(ar, DL_ECORRUPT, "%s/%s: bad committed length", ar->dir, file);
    if ((rc = dl_applog_read(lg, 0, (uint64_t)len, fn, ctx))) return rc;
    lg->end = (uint64_t)len;
    return DL_OK;
}

int dl_applog_move(dl_applog *lg, size_t (*fn)(void *ctx, const unsigned char *p, size_t n, int *rc),
                   void *ctx, int own_txn)
{
    if (own_txn && dl_archive_exec(lg->ar, "BEGIN IMMEDIATE")) return DL_ESTORE;
    int rc = dl_applog_read(lg, 0, lg->end, fn, ctx);
    if (!rc) rc = dl_applog_give_up(lg);
    if (own_txn) {
        if (!rc && dl_archive_exec(lg->ar, "COMMIT")) rc = DL_ESTORE;
        if (rc) dl_archive_exec(lg->ar, "ROLLBACK");
    }
    return rc;
}

int dl_applog_give_up(dl_applog *lg)
{
    int rc = set_committed(lg, 0);
    if (rc) return rc;
    if (lg->fd >= 0) close(lg->fd);
    lg->fd = -1;
    lg->end = 0;
    return DL_OK;
}
