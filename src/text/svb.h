/*
 * svb.h -- an encoder of Daniel Lemire's streamvbyte format (the one of
 * Debian's libstreamvbyte, which decodes it): for each group of four
 * values a control byte of four 2-bit codes (bytes - 1), then the values'
 * low bytes, little-endian.  Debian builds the library for the baseline
 * x86-64 ISA, where its encoder costs about 80 instructions a value; this
 * one costs about 10 and writes the same bytes.
 */
#ifndef DL_TEXT_SVB_H
#define DL_TEXT_SVB_H

#include <stddef.h>
#include <stdint.h>

/* Encodes in[0, n) (delta: the differences from prev, then from each value
 * before, as streamvbyte_delta_encode) into out, which has room for
 * streamvbyte_max_compressedbytes(n) = (n + 3) / 4 + 4 n bytes; returns
 * the bytes written. */
size_t dl_svb_encode(const uint32_t *in, size_t n, uint8_t *out, int delta, uint32_t prev);

#endif
