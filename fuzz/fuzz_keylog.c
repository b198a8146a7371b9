/*
 * fuzz_keylog.c -- libFuzzer target for the readers of the ingest's key logs
 * (store/applog.c; dedup.c's dupkeys.log records, story.c's storykeys.log
 * records).  The input becomes both logs of a scratch archive, committed
 * whole (meta lengths set to the input's size, the near-duplicate one
 * rounded down to whole records), and a near-duplicate checker and a story
 * assigner are opened on it, which read the logs into memory: any bytes must
 * give DL_OK or a clean error (DL_ECORRUPT for a broken record), never a
 * crash, a leak or unbounded memory.
 */
#include "dedup/dedup.h"
#include "story/story.h"
#include "store/store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static dl_archive *ar;

static void put_file(const char *name, const uint8_t *data, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n)) abort();
    fclose(f);
}

static void set_len(const char *key, size_t n)
{
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta(key, value) VALUES('%s', %zu)", key, n);
    if (dl_archive_exec(ar, sql)) abort();
}

/* The scratch archive goes at exit. */
static void cleanup(void)
{
    dl_archive_close(ar);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) return;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 16)) return 0;
    if (!ar) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_keylog.%d", (int)getpid());
        if (dl_archive_open(dir, DL_OPEN_WRITE, &ar)) abort();
        atexit(cleanup);
    }
    put_file("dupkeys.log", data, size);
    put_file("storykeys.log", data, size);
    set_len("dupkeys_bytes", size - size % 8);
    set_len("storykeys_bytes", size);
    dl_dedup *dd = NULL;
    int rc = dl_dedup_new(ar, &dd);
    if (rc != DL_OK && rc != DL_ECORRUPT) abort();
    dl_dedup_free(dd);
    dl_storyer *s = NULL;
    rc = dl_storyer_new(ar, &s);
    if (rc != DL_OK && rc != DL_ECORRUPT) abort();
    dl_storyer_free(s);
    return 0;
}
