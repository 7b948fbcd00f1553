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
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "render_term.h"

static const size_t fuzz_widths[] = {0, 20, 41, 80};

/* The input's NUL-separated fields, in the order of sat_meta's text fields. */
static void fuzz_meta_from(sat_meta *m, char *text, size_t len, char **first, size_t *first_len)
{
    char **fields[] = {&m->title,   &m->date, &m->author, &m->source, &m->lang,
                       &m->section, &m->tags, &m->id,     &m->parent};
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
    sat_buf out = {0};
    sat_meta m;
    sat_err err;
    char *text, *first = NULL;
    size_t width, cell, first_len = 0;

    text = fuzz_terminal_text(data, size);
    if (text == NULL)
        return 0;
    width = size > 0 ? fuzz_widths[data[0] % 4] : 0;
    if (rt_body(&out, text, size, width, &err) == 0)
        fuzz_check_terminal(&out, rt_width_clamp(width), "rt_body");
    fuzz_meta_from(&m, text, size, &first, &first_len);
    out.len = 0;
    if (rt_meta_header(&out, &m, width, &err) == 0)
        fuzz_check_terminal(&out, rt_width_clamp(width), "rt_meta_header");
    cell = size > 0 ? 1 + (size_t)(data[0] >> 2) % 16 : 1;
    out.len = 0;
    if (rt_field(&out, first, first_len, cell, 1, &err) == 0) {
        fuzz_check_terminal(&out, cell, "rt_field");
        if (sat_text_width(out.data, out.len) != cell)
            fuzz_fail("rt_field: padded to %zu columns, %zu asked",
                      sat_text_width(out.data, out.len), cell);
    }
    sat_buf_free(&out);
    free(text);
    return 0;
}
