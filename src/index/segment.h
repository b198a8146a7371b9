/*
 * segment.h -- one immutable index segment: the on-disk format (spec in
 * docs/internals/index.md), its writer, its mmap reader and posting
 * cursors.  Private to src/index.
 */
#ifndef DL_INDEX_SEGMENT_H
#define DL_INDEX_SEGMENT_H

#include "index.h"

#include <stdio.h>

#define SEG_MAGIC "DLSEG1\r\n"
#define SEG_VERSION 1
#define SEG_ENDIAN 0x01020304u
#define SEG_BLOCK 128          /* documents per posting block */
#define SEG_PAD 64             /* zero bytes after the data (decoder overrun) */
#define SEG_END UINT32_MAX     /* cursor past its last document */

/* File header, at offset 0 (128 bytes, host little-endian). */
typedef struct seg_header {
    char magic[8];
    uint32_t version;
    uint32_t ndocs;
    uint64_t total_len;   /* sum of document lengths (tokens) */
    uint32_t nterms;
    uint32_t endian;      /* SEG_ENDIAN */
    uint64_t off_docs;    /* int32 day[ndocs], uint32 len[ndocs], int64 docno[ndocs] */
    uint64_t off_terms;   /* seg_term[nterms], sorted by term bytes */
    uint64_t off_strings; /* the term bytes */
    uint64_t strings_len;
    uint64_t data_end;    /* file size without the SEG_PAD zero bytes */
    uint8_t reserved[128 - 72];
} seg_header;

/* One term of the dictionary (40 bytes). */
typedef struct seg_term {
    uint32_t str_off, str_len; /* bytes at off_strings + str_off */
    uint32_t df;               /* documents containing the term */
    uint32_t nblocks;          /* ceil(df / SEG_BLOCK) */
    uint64_t skip_off;         /* seg_block[nblocks] */
    uint64_t post_base;        /* block data offsets are relative to this */
    uint64_t pos_base;         /* position stream offsets are relative to this */
} seg_term;

/* Skip entry of one block of up to SEG_BLOCK postings (24 bytes). */
typedef struct seg_block {
    uint32_t last_doc; /* local doc number of the block's last posting */
    uint32_t data_off; /* streamvbyte delta docs, then streamvbyte tfs */
    uint32_t pos_off;  /* streamvbyte delta stream of the block's virtual positions */
    uint32_t max_tf;   /* largest tf in the block */
    uint32_t min_len;  /* smallest document length in the block */
    float max_impact;  /* max of dl_bm25_tf(tf, len, segment avgdl), rounded up */
} seg_block;

/* ------------------------------------------------------------- reader */

typedef struct dl_seg {
    int64_t id;            /* row id in index_segments; file seg-%08lld.dlx */
    int refs;
    const uint8_t *map;
    size_t size;
    uint32_t ndocs, nterms;
    uint64_t total_len;
    double avgdl;          /* total_len / ndocs: what max_impact was computed with */
    const int32_t *days;
    const uint32_t *lens;
    const int64_t *docnos;
    const seg_term *terms;
    const char *strings;
    uint64_t strings_len;
} dl_seg;

/* Maps and validates the segment file at path.  DL_OK, DL_EIO, DL_ECORRUPT,
 * DL_ENOMEM; *why gets a static reason on failure. */
int seg_open(const char *path, int64_t id, dl_seg **out, const char **why);
void seg_close(dl_seg *s);
/* The dictionary index of term bytes, or -1. */
int64_t seg_find(const dl_seg *s, const char *term, size_t len);
/* First local doc with day >= day (ndocs if none). */
uint32_t seg_lower_day(const dl_seg *s, int32_t day);

/* A cursor over one term's postings in one segment. */
typedef struct pcur {
    const dl_seg *seg;
    const seg_term *t;
    const seg_block *blocks;
    uint32_t bi;        /* loaded block, nblocks when exhausted */
    uint32_t n, i;      /* postings in the loaded block, index of current */
    uint32_t doc;       /* current local doc, SEG_END when done */
    uint32_t sbi;       /* shallow block index (block max) */
    int pos_ready;      /* positions of the loaded block decoded */
    int tf_ready;       /* tfs of the loaded block decoded */
    const uint8_t *tf_stream; /* the loaded block's tf stream */
    size_t tf_avail;    /* bytes from tf_stream to the data end */
    int corrupt;        /* a bad block was met; the cursor ended early */
    uint32_t docs[SEG_BLOCK], tfs[SEG_BLOCK];
    uint32_t pstart[SEG_BLOCK + 1];
    int pk_ready;       /* pstart and the key scan below set up for the block */
    uint32_t pk_elem;   /* pcur_doc_positions: element reached in the stream */
    uint32_t pk_calls;  /* documents of the block decoded by the walk */
    const uint8_t *pk_keys, *pk_data; /* its control bytes; data of pk_elem */
    const uint8_t *pk_end; /* the data must end before this */
    uint32_t *pos;      /* positions of the loaded block (owned) */
    size_t pos_cap;
} pcur;

/* Starts c on term index ti of s, positioned on its first posting. */
void pcur_init(pcur *c, const dl_seg *s, uint32_t ti);
void pcur_free(pcur *c);
void pcur_next(pcur *c);
/* Moves to the first posting >= target (never backwards).  The inline part
 * handles a target inside the loaded block; the rest searches the skip
 * entries and loads a block. */
void pcur_advance_slow_(pcur *c, uint32_t target);
static inline void pcur_advance(pcur *c, uint32_t target)
{
    if (c->doc >= target) return;
    if (c->blocks[c->bi].last_doc >= target) {
        uint32_t i = c->i + 1;
        while (c->docs[i] < target) i++; /* bounded: last_doc >= target */
        c->i = i;
        c->doc = c->docs[i];
        return;
    }
    pcur_advance_slow_(c, target);
}
/* Moves to posting k (>= the current index) of the loaded block. */
static inline void pcur_seek_index(pcur *c, uint32_t k)
{
    c->i = k;
    c->doc = c->docs[k];
}
void pcur_decode_tfs_(pcur *c);
static inline uint32_t pcur_tf(pcur *c)
{
    if (!c->tf_ready) pcur_decode_tfs_(c);
    return c->tfs[c->i];
}
/* Positions of the current document (tf of them, ascending) as virtual
 * positions: real position = virtual - *base.  NULL on a corrupt block or
 * OOM. */
const uint32_t *pcur_positions(pcur *c, uint32_t *base);
/* Positions of the current document (*n = its tf of them, ascending; real
 * position = value - *base), for a phrase test on some documents of a
 * block: the first SEG_WALK_MAX asked in a block are decoded alone, with a
 * scalar walk from where the previous one stopped (*base = 0); after that
 * the block is decoded whole as pcur_positions does.  The buffer is the
 * cursor's (valid until the next call on it).  NULL on a corrupt stream
 * or OOM. */
#define SEG_WALK_MAX 1
const uint32_t *pcur_doc_positions(pcur *c, uint32_t *n, uint32_t *base);
/* The block that would hold target (without decoding it): its max_tf,
 * min_len and last doc; returns 0 when no block remains. */
int pcur_shallow(pcur *c, uint32_t target, const seg_block **blk);

/* ------------------------------------------------------------- writer */

typedef struct seg_writer seg_writer;
/* Creates path (must not exist) and writes the document table:
 * docs in local order with their day (ascending), length and docno. */
int seg_writer_open(const char *path, uint32_t ndocs, const int32_t *days,
                    const uint32_t *lens, const int64_t *docnos, seg_writer **out);
/* Adds the next term (strictly ascending byte order) with its postings:
 * docs ascending, tfs >= 1, pos = for each doc its tf positions ascending. */
int seg_writer_term(seg_writer *w, const char *term, size_t len, const uint32_t *docs,
                    const uint32_t *tfs, uint32_t df, const uint32_t *pos);
/* Writes the dictionary and header, fsyncs, closes.  *bytes = file size. */
int seg_writer_finish(seg_writer *w, uint64_t *bytes);
/* Abandons and deletes the file. */
void seg_writer_abort(seg_writer *w);

/* ------------------------------------------------------ index internals */

struct dl_index {
    dl_archive *ar;
    dl_seg **segs;          /* visible segments, by id */
    size_t nsegs;
    uint64_t ndocs, total_len;
    int64_t data_version;   /* PRAGMA data_version when segs was read */
    sqlite3_stmt *st_version;
    sqlite3_stmt *st_doc;   /* article fields for hits (search.c) */
    dl_termer *termer;      /* words -> terms, for writing and queries */
    int lockfd;             /* index.lock, held shared by writers */
};

#endif
