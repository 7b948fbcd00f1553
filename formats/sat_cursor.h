/*
 * sat_cursor.h - the one bounded reader every parser of bundle bytes uses.
 *
 * A cursor is a view [p, end) over bytes the caller owns. Every take refuses
 * to read past `end` and reports failure instead; nothing here allocates.
 *
 *   sat_cursor c = sat_cursor_make(buf, len);
 *   sat_span line;
 *   while (sat_cursor_line(&c, &line) == 0) {
 *       sat_cursor f = sat_cursor_make(line.p, line.len);
 *       sat_span field;
 *       if (sat_cursor_field(&f, '\t', &field) != 0) ...
 *   }
 */
#ifndef SAT_CURSOR_H
#define SAT_CURSOR_H

#include <stddef.h>
#include <stdint.h>

typedef struct sat_span {
    const char *p;
    size_t len;
} sat_span;

typedef struct sat_cursor {
    const char *p;
    const char *end;
} sat_cursor;

/* A cursor over buf[0..len). */
sat_cursor sat_cursor_make(const void *buf, size_t len);

/* Bytes left. */
size_t sat_cursor_left(const sat_cursor *c);

/* Takes the bytes up to (not including) the next '\n' and consumes the '\n'.
 * Returns 0, or -1 when the cursor is empty or no '\n' is left (a final line
 * without '\n' is refused: canonical text always ends with one). */
int sat_cursor_line(sat_cursor *c, sat_span *out);

/* Takes bytes up to the next `sep` (consumed) or to the end. Returns 0, or -1
 * when the cursor is empty. An empty field between two separators is returned
 * with len 0; a trailing separator leaves nothing to take (callers that need a
 * fixed field count see one field too few, which canonical forms reject). */
int sat_cursor_field(sat_cursor *c, char sep, sat_span *out);

/* Takes exactly n bytes. Returns 0 or -1 (fewer left). */
int sat_cursor_take(sat_cursor *c, size_t n, sat_span *out);

/* Results of sat_cursor_varint other than 0. */
enum {
    SAT_VARINT_TRUNCATED = -1,   /* the bytes end inside the varint */
    SAT_VARINT_TOO_LONG = -2,    /* a 5th byte with its continuation bit set */
    SAT_VARINT_OVERFLOW = -3,    /* a 5th byte above 0x0f: the value exceeds UINT32_MAX */
    SAT_VARINT_NOT_SHORTEST = -4 /* a last byte of 0 after others: not the shortest form */
};

/* Takes one unsigned LEB128 varint holding a uint32 in its shortest form: 7 bits per
 * byte, least significant first, bit 7 set on every byte but the last; at most 5 bytes.
 * Returns 0, or one of the SAT_VARINT_* codes with nothing consumed. */
int sat_cursor_varint(sat_cursor *c, uint32_t *out);

/* Longest varint of a uint32. */
#define SAT_VARINT_MAX 5

/* Writes v as a shortest-form varint (the form sat_cursor_varint reads) at out; returns its
 * length, 1 to SAT_VARINT_MAX. */
size_t sat_varint_put(unsigned char out[SAT_VARINT_MAX], uint32_t v);

/* What a nonzero sat_cursor_varint result means, for messages ("truncated", ...). */
const char *sat_varint_problem(int rc);

/* Parses a canonical unsigned decimal (no sign, no leading zeros except "0",
 * at most 20 digits, no overflow past max). Returns 0 or -1. */
int sat_span_u64(sat_span s, uint64_t max, uint64_t *out);

/* 1 if the span equals the NUL-terminated string. */
int sat_span_eq(sat_span s, const char *lit);

/* Decodes exactly 2*n lowercase hex digits into out[n]. Returns 0 or -1
 * (wrong length, uppercase or non-hex digit). */
int sat_span_hex(sat_span s, uint8_t *out, size_t n);

#endif
