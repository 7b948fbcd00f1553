/*
 * render_term.h - the terminal renderer of satchel-read (show, list).
 *
 * Everything rendered is untrusted bundle text, even after its hash matched:
 * every line and field goes through sat_text_sanitize before layout, so no ESC,
 * CSI/OSC, C0/C1 control, bidi override or invalid UTF-8 reaches the terminal.
 * Output is UTF-8 with "\n" line ends, appended to a sat_buf the caller owns.
 *
 *   sat_buf out = {0};
 *   size_t w = rt_width_clamp(columns_from_tty_or_80);
 *   rc = rt_meta_header(&out, &meta, w, &err);
 *   if (rc == 0) rc = rt_body(&out, body, body_len, w, &err);
 *   if (rc == 0) fwrite(out.data, 1, out.len, stdout);
 *   sat_buf_free(&out);
 *
 * Widths are terminal columns as measured by sat_text_width (set LC_CTYPE from
 * the environment in main so wcwidth(3) is used). Every function clamps the
 * width it is given with rt_width_clamp, so no output line is wider than that.
 */
#ifndef RENDER_TERM_H
#define RENDER_TERM_H

#include <stddef.h>

#include "sat_err.h"
#include "sat_meta.h"
#include "sat_text.h"

/* Narrowest and widest layouts; RT_WIDTH_DEFAULT when the width is unknown. */
#define RT_WIDTH_MIN 20
#define RT_WIDTH_MAX 1000
#define RT_WIDTH_DEFAULT 80

/* Returns width raised to RT_WIDTH_MIN / lowered to RT_WIDTH_MAX (0 gives
 * RT_WIDTH_DEFAULT). */
size_t rt_width_clamp(size_t width);

/* The words the renderer writes around bundle text (labels of the header, the title of an
 * untitled entry, the heading of the links section, the word shown for an attachment link).
 * Each label is at most RT_LABEL_COLS - 1 columns wide. */
#define RT_LABEL_COLS 9
typedef struct rt_labels {
    const char *date, *author, *source, *lang, *section, *tags; /* "Date:", ... */
    const char *untitled;   /* "(untitled)" */
    const char *links;      /* "Links:" */
    const char *attachment; /* "attachment" */
} rt_labels;

/* Sets the words of every later call (NULL: English, what show and search print). The
 * strings must stay valid while they are in use. */
void rt_set_labels(const rt_labels *labels);

/* The words in use now. */
const rt_labels *rt_get_labels(void);

/* Appends a gemtext body (text/gemini, untrusted bytes, any line ends) laid out for
 * `width` columns:
 *   "# ", "## ", "### " headings: the text, level 1 underlined with '=', level 2
 *                      with '-', level 3 plain;
 *   "* item"          "  • item", continuation lines indented "    ";
 *   "> quote"         every line "  │ quote";
 *   "=> URL label"    "[n] label" (the URL when there is no label), and a final
 *                     "Links:" section listing "[n] URL"; "attachment:<id>" URLs
 *                     are shown as "attachment <id>" (the words: rt_set_labels);
 *   "```"             toggles preformatted mode (toggle lines are not shown);
 *                     preformatted lines are not wrapped but cut to the width,
 *                     ending in "…" when cut;
 *   other lines       paragraphs, word-wrapped; blank lines are kept.
 * Returns 0, or SAT_E_NOMEM / SAT_E_ARG with a message in err. On error `out` may
 * hold part of the rendering. */
int rt_body(sat_buf *out, const char *body, size_t len, size_t width, sat_err *err);

/* Appends the header of an entry: the title (wrapped, underlined with '='), then
 * "Date:", "Author:", "Source:", "Lang:", "Section:", "Tags:" lines for the fields
 * that are set (tags shown as "a, b"), then a blank line. A NULL title shows as
 * "(untitled)". (The words: rt_set_labels; values start at column RT_LABEL_COLS.) Returns 0, or SAT_E_NOMEM / SAT_E_ARG with a message in err. */
int rt_meta_header(sat_buf *out, const sat_meta *m, size_t width, sat_err *err);

/* Appends s[0..len) as one sanitised line fragment (no "\n") of at most max_width
 * columns (max_width >= 1, not clamped): text wider than that is cut and ends in
 * "…". If pad, spaces are added up to exactly max_width columns (for table columns
 * in `list`). Returns 0, or SAT_E_NOMEM / SAT_E_ARG with a message in err. */
int rt_field(sat_buf *out, const char *s, size_t len, size_t max_width, int pad, sat_err *err);

#endif
