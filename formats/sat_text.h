/*
 * sat_text.h - UTF-8 handling shared by packer and reader.
 *
 * Validation (strict UTF-8: no overlongs, no surrogates, nothing past U+10FFFF),
 * sanitising untrusted text for a terminal (no C0/C1 controls, no ESC, no bidi
 * overrides/isolates reach the output; they become visible escapes like "\x1b"
 * or "<U+202E>", invalid bytes become U+FFFD), display width measured with
 * wcwidth(3) (requires setlocale(LC_CTYPE, "") with a UTF-8 locale in main;
 * falls back to a built-in East Asian Wide table when the locale is not UTF-8),
 * word wrapping to a column count, and JSON string escaping.
 *
 * Buffers: functions writing into a sat_buf grow it; the caller frees buf->data.
 */
#ifndef SAT_TEXT_H
#define SAT_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"

/* A growable byte buffer. Zero-initialise (`sat_buf b = {0};`), free with sat_buf_free. */
typedef struct sat_buf {
    char *data; /* always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
} sat_buf;

/* Appends n bytes. Returns 0 or SAT_E_NOMEM (overflow-checked). */
int sat_buf_append(sat_buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string. */
int sat_buf_puts(sat_buf *b, const char *s);
/* printf-style append. */
int sat_buf_printf(sat_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees the data and zeroes the struct. */
void sat_buf_free(sat_buf *b);

/* Returns 1 if s[0..len) is valid UTF-8, else 0. If bad_off is not NULL it receives the
 * offset of the first byte of the first invalid sequence (the lead byte of an overlong,
 * surrogate or truncated sequence; a stray continuation byte or 0xF5..0xFF itself). */
int sat_utf8_valid(const char *s, size_t len, size_t *bad_off);

/* Decodes one code point at s (len bytes available). Returns bytes consumed (1..4)
 * and sets *cp; on invalid input returns 1 and sets *cp = 0xFFFD. len must be > 0. */
size_t sat_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (4 bytes). Returns length (1..4). A surrogate or a value past
 * U+10FFFF is encoded as U+FFFD. */
size_t sat_utf8_encode(uint32_t cp, char out[4]);

/* 1 if cp must never be written raw to a terminal: C0 (except none: TAB and LF too are
 * escaped here), DEL, C1 (U+0080..U+009F), bidi controls U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069, and U+FFF9..U+FFFB. */
int sat_cp_is_dangerous(uint32_t cp);

/* Appends a terminal-safe copy of s: dangerous code points become "\xNN" (for < 0x100)
 * or "<U+XXXX>", invalid bytes become U+FFFD. If keep_tabs, TAB becomes spaces to the
 * next multiple of 8 columns instead of "\x09". */
int sat_text_sanitize(sat_buf *out, const char *s, size_t len, int keep_tabs);

/* Display width of one code point (0, 1 or 2). Combining marks and zero-width
 * characters are 0; Hangul syllables, CJK, fullwidth forms are 2; controls are 0
 * (never negative, even where wcwidth(3) returns -1). */
int sat_cp_width(uint32_t cp);

/* Display width of a (sanitised, valid) UTF-8 string. */
size_t sat_text_width(const char *s, size_t len);

/* Appends s word-wrapped to `width` columns (width >= 10), each output line prefixed
 * by `prefix` (may be NULL; its width counts) and ended with "\n". Breaks at spaces
 * (the space at a break is dropped; leading spaces are kept on the first line only);
 * a word wider than the line is broken at a character boundary (never inside a UTF-8
 * sequence, combining marks stay with their base), which is also how Hangul/CJK text
 * breaks between two wide characters when a line has no space to break at. An LF in s
 * starts a new line; empty input gives one line holding only the prefix.
 * Input must already be sanitised (no controls). Returns 0, SAT_E_NOMEM, or SAT_E_ARG
 * when width < 10 or the prefix leaves fewer than 2 columns. */
int sat_text_wrap(sat_buf *out, const char *s, size_t len, size_t width, const char *prefix);

/* Appends s as a JSON string literal with quotes; invalid UTF-8 becomes U+FFFD, control
 * characters (C0, DEL, C1), the bidi controls of sat_cp_is_dangerous and U+2028/U+2029
 * become \uXXXX, '"' and '\\' escaped, and '<', '>', '&' as \u003c etc. The result is
 * pure, terminal-safe JSON. */
int sat_json_string(sat_buf *out, const char *s, size_t len);

#endif
