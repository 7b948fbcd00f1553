/*
 * tui_text.h - the terminal interface's logic that needs no terminal: library rows
 * laid out by display width, rendered text split into lines, the one-line editor of
 * the search box and folder prompt, the filters, and small lists of strings.
 * Everything here is pure (no curses, no I/O), so tests/test_tui.c covers it.
 *
 *   sat_buf row = {0};
 *   tui_row r = {section, date, kind_name, lang, title, damaged_mark};
 *   tui_row_format(&row, &r, COLS, &err);           at most COLS columns, sanitised
 */
#ifndef TUI_TEXT_H
#define TUI_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"
#include "sat_manifest.h"
#include "sat_text.h"

/* Column widths of a library row (display columns); below TUI_ROW_WIDE only the date
 * and the title are shown. */
#define TUI_COL_SECTION 10
#define TUI_COL_DATE 10
#define TUI_COL_KIND 10
#define TUI_COL_LANG 5
#define TUI_ROW_WIDE 60
/* Longest text the line editor keeps (bytes): a query is at most SAT_QUERY_MAX_BYTES. */
#define TUI_EDIT_MAX 1000
/* Most distinct values a filter cycles through; most attachments listed. */
#define TUI_STRS_MAX 256

/* One library row. Every field is untrusted text (NULL shows as "-"); damaged is NULL
 * or the mark put before the title (the interface's "✗ damaged"). */
typedef struct tui_row {
    const char *section, *date, *kind, *lang, *title, *damaged;
} tui_row;

/* Appends the row laid out for width columns (no "\n"): section, date, kind,
 * language padded to their columns, then the title cut with "…" to what is left;
 * below TUI_ROW_WIDE columns only the date and the title. Every field is sanitised
 * (no control character or escape reaches the terminal) and measured by display
 * width (a Hangul syllable is two columns). The result is never wider than width
 * (width >= 12). Returns 0, or SAT_E_NOMEM / SAT_E_ARG with a message in err. */
int tui_row_format(sat_buf *out, const tui_row *r, size_t width, sat_err *err);

/* A text split into lines at "\n" (the "\n" not included); a final "\n" does not
 * start an empty last line. Offsets point into the text, which the caller keeps. */
typedef struct tui_lines {
    size_t *off, *len;
    size_t n;
} tui_lines;

/* Splits s[0..len) into l (freed first). Returns 0 or SAT_E_NOMEM. */
int tui_lines_split(tui_lines *l, const char *s, size_t len);
void tui_lines_free(tui_lines *l);
/* The first line at or after `from` that starts with prefix, or SIZE_MAX. */
size_t tui_lines_find(const tui_lines *l, const char *s, const char *prefix, size_t from);

/* The line editor. Appends code point cp as UTF-8 unless it is a control or dangerous
 * character (sat_cp_is_dangerous) or the line would pass TUI_EDIT_MAX bytes. Returns
 * 1 if the line changed, else 0 (-1 when out of memory). */
int tui_edit_insert(sat_buf *line, uint32_t cp);
/* Removes the last code point. Returns 1 if the line changed, else 0. */
int tui_edit_backspace(sat_buf *line);

/* What the library shows: kind < 0 any kind; lang / section NULL any. */
typedef struct tui_filter {
    int kind;
    const char *lang, *section;
} tui_filter;

/* 1 if e passes f (language compared ignoring ASCII case, section exactly). An entry
 * without a language or section fails a filter on it. */
int tui_filter_match(const tui_filter *f, const sat_mentry *e);
/* 1 if any filter is set. */
int tui_filter_active(const tui_filter *f);
/* The kind after k in the cycle any(-1) -> article -> transcript -> image -> audio -> any. */
int tui_filter_next_kind(int k);

/* A small list of distinct strings, in the order added (at most TUI_STRS_MAX). */
typedef struct tui_strs {
    char **v;
    size_t n;
} tui_strs;

/* Adds a copy of s[0..len) unless it is already there, holds a NUL byte or the list is
 * full. Returns 0 (also when not added) or SAT_E_NOMEM. */
int tui_strs_add(tui_strs *l, const char *s, size_t len);
/* The value after cur in the cycle NULL -> v[0] -> ... -> v[n-1] -> NULL (cur not in
 * the list gives NULL). The pointer is owned by l. */
const char *tui_strs_next(const tui_strs *l, const char *cur);
void tui_strs_free(tui_strs *l);

/* Adds to l the ids of the attachments a gemtext body links ("=> attachment:ID ..."
 * lines, outside preformatted blocks), each once, in order. Returns 0 or SAT_E_NOMEM. */
int tui_attach_ids(tui_strs *l, const char *body, size_t len);

#endif
