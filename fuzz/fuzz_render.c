/*
 * fuzz_render.c - the terminal renderer of satchel-read on fuzzer bytes: the whole
 * input as a gemtext body (rt_body), the input split at NUL bytes into metadata
 * fields (rt_meta_header) and its first field as a padded table cell (rt_field). The
 * first byte picks the width (one of a few; one width per input keeps the target fast).
 *
 * Oracles: the output is valid UTF-8 and holds no terminal control: ESC, any other C0
 * but LF, DEL, C1 (U+0080..U+009F) or a bidi control (checked here by a list of its
 * own, not by the library's sat_cp_is_dangerous); no line is wider than the width
 * asked; a padded field is exactly as wide as asked.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "render_term.h"

static const size_t fuzz_widths[] = {0, 20, 41, 80};

/* The harness's own list of what must never reach a terminal (see render_term.h). */
static int fuzz_is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Checks rendered text for control code points and overlong lines. */
static void fuzz_check_output(const sat_buf *out, size_t width, const char *what)
{
    size_t i = 0, line_start = 0, bad = 0;
    uint32_t cp;

    if (out->len == 0)
        return;
    if (!sat_utf8_valid(out->data, out->len, &bad))
        fuzz_fail("%s: output is not UTF-8 at byte %zu", what, bad);
    while (i <= out->len) {
        size_t n = 1;
        if (i == out->len || out->data[i] == '\n') {
            size_t w = sat_text_width(out->data + line_start, i - line_start);
            if (w > width)
                fuzz_fail("%s: line at byte %zu is %zu columns wide, the width is %zu", what,
                          line_start, w, width);
            line_start = i + 1;
        } else {
            n = sat_utf8_decode(out->data + i, out->len - i, &cp);
            if (fuzz_is_control(cp))
                fuzz_fail("%s: code point U+%04X reaches the terminal at byte %zu", what,
                          (unsigned)cp, i);
        }
        i += n;
    }
}

/* The input's NUL-separated fields, in the order of sat_meta's text fields. */
static void fuzz_meta_from(sat_meta *m, char *text, size_t len, char **first, size_t *first_len)
{
    char **fields[] = {&m->title, &m->date, &m->author, &m->source, &m->lang,
                       &m->section, &m->tags, &m->id, &m->parent};
    size_t k = 0, start = 0, i;

    memset(m, 0, sizeof *m);
    m->kind = SAT_KIND_ARTICLE;
    for (i = 0; i <= len && k < sizeof fields / sizeof fields[0]; i++) {
        if (i == len || text[i] == '\0') {
            text[i] = '\0';
            *fields[k] = text + start;
            if (k == 0)
                *first_len = i - start;
            k++;
            start = i + 1;
        }
    }
    *first = m->title;
    if (len > 0 && (unsigned char)text[0] == 0xFF)
        m->title = NULL; /* "(untitled)" */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int locale_set;
    sat_buf out = {0};
    sat_meta m;
    sat_err err;
    char *text, *first = NULL;
    size_t width, cell, first_len = 0;

    if (!locale_set) {
        /* as satchel-read runs: a UTF-8 locale, so wcwidth(3) measures */
        setlocale(LC_CTYPE, "C.UTF-8");
        locale_set = 1;
    }
    text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    width = size > 0 ? fuzz_widths[data[0] % 4] : 0;
    if (rt_body(&out, text, size, width, &err) == 0)
        fuzz_check_output(&out, rt_width_clamp(width), "rt_body");
    fuzz_meta_from(&m, text, size, &first, &first_len);
    out.len = 0;
    if (rt_meta_header(&out, &m, width, &err) == 0)
        fuzz_check_output(&out, rt_width_clamp(width), "rt_meta_header");
    cell = size > 0 ? 1 + (size_t)(data[0] >> 2) % 16 : 1;
    out.len = 0;
    if (rt_field(&out, first, first_len, cell, 1, &err) == 0) {
        fuzz_check_output(&out, cell, "rt_field");
        if (sat_text_width(out.data, out.len) != cell)
            fuzz_fail("rt_field: padded to %zu columns, %zu asked",
                      sat_text_width(out.data, out.len), cell);
    }
    sat_buf_free(&out);
    free(text);
    return 0;
}
