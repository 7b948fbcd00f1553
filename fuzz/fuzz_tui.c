/*
 * fuzz_tui.c - the terminal interface's text logic (reader/tui_text.h) on fuzzer bytes:
 * the input split at NUL bytes into a library row's fields (tui_row_format), the whole
 * input as rendered text split into lines (tui_lines_split, tui_lines_find) and as a
 * gemtext body whose attachment links are listed (tui_attach_ids), and its code points
 * typed into the line editor of the search box (tui_edit_insert, tui_edit_backspace).
 * The first byte picks the width and whether the row carries the damaged mark.
 *
 * Oracles: a row is one line of UTF-8 with no terminal control and never wider than the
 * width; the lines cover the text exactly, in order, none holding "\n"; every
 * attachment id is non-empty, distinct and found in the input after "attachment:"; the
 * edited line is valid UTF-8 of at most TUI_EDIT_MAX bytes with no control or dangerous
 * character, and backspacing empties it in at most as many steps as it has code points.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tui_text.h"

static const size_t fuzz_widths[] = {12, 20, 59, 60, 80, 133};

static void fuzz_row(char *text, size_t len, size_t width, int damaged)
{
    const char **fields[5];
    tui_row r = {NULL, NULL, NULL, NULL, NULL, damaged ? "\xe2\x9c\x97 damaged" : NULL};
    sat_buf out = {0};
    sat_err err;
    size_t k = 0, start = 0, i;

    fields[0] = &r.section;
    fields[1] = &r.date;
    fields[2] = &r.kind;
    fields[3] = &r.lang;
    fields[4] = &r.title;
    for (i = 0; i <= len && k < 5; i++)
        if (i == len || text[i] == '\0') {
            text[i] = '\0';
            *fields[k++] = text + start;
            start = i + 1;
        }
    if (tui_row_format(&out, &r, width, &err) == 0) {
        if (out.len > 0 && memchr(out.data, '\n', out.len) != NULL)
            fuzz_fail("tui_row_format: a row holds a line feed");
        fuzz_check_terminal(&out, width, "tui_row_format");
    }
    sat_buf_free(&out);
}

static void fuzz_lines(const char *s, size_t len)
{
    tui_lines l = {0};
    size_t i, at = 0;

    if (tui_lines_split(&l, s, len) != 0)
        return;
    for (i = 0; i < l.n; i++) {
        if (l.off[i] != at || l.off[i] + l.len[i] > len)
            fuzz_fail("tui_lines_split: line %zu at %zu+%zu, expected at %zu of %zu", i, l.off[i],
                      l.len[i], at, len);
        if (memchr(s + l.off[i], '\n', l.len[i]) != NULL)
            fuzz_fail("tui_lines_split: line %zu holds a line feed", i);
        at = l.off[i] + l.len[i];
        if (at < len) {
            if (s[at] != '\n')
                fuzz_fail("tui_lines_split: line %zu does not end at a line feed", i);
            at++;
        }
    }
    if (at != len)
        fuzz_fail("tui_lines_split: the lines end at %zu of %zu bytes", at, len);
    if (l.n > 0) {
        char prefix[4] = {0};
        size_t f;
        memcpy(prefix, s + l.off[l.n - 1], l.len[l.n - 1] < 3 ? l.len[l.n - 1] : 3);
        f = tui_lines_find(&l, s, prefix, 0);
        if (strlen(prefix) == (l.len[l.n - 1] < 3 ? l.len[l.n - 1] : 3) &&
            (f == SIZE_MAX || f >= l.n))
            fuzz_fail("tui_lines_find: the last line's own prefix is not found");
    }
    tui_lines_free(&l);
}

static void fuzz_attach(const char *s, size_t len)
{
    tui_strs l = {0};
    size_t i, j;

    if (tui_attach_ids(&l, s, len) != 0)
        return;
    if (l.n > TUI_STRS_MAX)
        fuzz_fail("tui_attach_ids: %zu ids, at most %d", l.n, TUI_STRS_MAX);
    for (i = 0; i < l.n; i++) {
        size_t n = strlen(l.v[i]);
        int found = 0;
        if (n == 0)
            fuzz_fail("tui_attach_ids: an empty id");
        for (j = 0; j + 11 + n <= len && !found; j++)
            found = memcmp(s + j, "attachment:", 11) == 0 && memcmp(s + j + 11, l.v[i], n) == 0;
        if (!found)
            fuzz_fail("tui_attach_ids: id %zu is not in the input after \"attachment:\"", i);
        for (j = 0; j < i; j++)
            if (strcmp(l.v[i], l.v[j]) == 0)
                fuzz_fail("tui_attach_ids: id %zu repeats id %zu", i, j);
    }
    tui_strs_free(&l);
}

static void fuzz_edit(const char *s, size_t len)
{
    sat_buf line = {0};
    size_t i = 0, cps = 0, off = 0, steps = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = sat_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            n = 1, cp = (unsigned char)s[i];
        if (tui_edit_insert(&line, cp) < 0)
            break;
        i += n;
    }
    if (line.len > TUI_EDIT_MAX)
        fuzz_fail("tui_edit_insert: %zu bytes, at most %d", line.len, TUI_EDIT_MAX);
    if (line.len > 0 && !sat_utf8_valid(line.data, line.len, &off))
        fuzz_fail("tui_edit_insert: the line is not UTF-8 at byte %zu", off);
    for (i = 0; i < line.len;) {
        uint32_t cp;
        i += sat_utf8_decode(line.data + i, line.len - i, &cp);
        if (cp < 0x20 || cp == 0x7f || sat_cp_is_dangerous(cp))
            fuzz_fail("tui_edit_insert: U+%04X was let in", (unsigned)cp);
        cps++;
    }
    while (tui_edit_backspace(&line) == 1)
        if (++steps > cps)
            fuzz_fail("tui_edit_backspace: more steps than the %zu code points", cps);
    if (line.len != 0 || steps != cps)
        fuzz_fail("tui_edit_backspace: %zu bytes left after %zu of %zu steps", line.len, steps,
                  cps);
    sat_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    text = fuzz_terminal_text(data, size);
    if (text == NULL)
        return 0;
    fuzz_lines(text, size);
    fuzz_attach(text, size);
    fuzz_edit(text, size);
    fuzz_row(text, size, size > 0 ? fuzz_widths[data[0] % 6] : 80, size > 0 && (data[0] & 8));
    free(text);
    return 0;
}
