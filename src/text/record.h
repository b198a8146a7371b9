/*
 * record.h -- helpers of the record parsers (record.c) that the input walker
 * and the fuzz targets share.
 */
#ifndef DL_TEXT_RECORD_H
#define DL_TEXT_RECORD_H

#include "../dl_int.h"

/* Length of the white space (ASCII, and Unicode white space as Python's
 * str.strip() sees it) at the start / end of s[0, n). */
size_t dl_ws_prefix(const char *s, size_t n);
size_t dl_ws_suffix(const char *s, size_t n);

/* Checks a record's text: not empty, no NUL byte, valid UTF-8, within
 * DL_MAX_RECORD.  Returns NULL when good, else a static reason; *bad_off gets
 * the offset of the offending byte when there is one. */
const char *dl_text_problem(const char *text, size_t len, size_t *bad_off);

#endif
