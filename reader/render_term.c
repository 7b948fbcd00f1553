/* render_term.c - lays out gemtext bodies and entry metadata for a terminal. */
#include "render_term.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RT_ELLIPSIS "\xE2\x80\xA6"     /* U+2026, one column */
#define RT_BULLET "  \xE2\x80\xA2 "    /* "  • " */
#define RT_QUOTE "  \xE2\x94\x82 "     /* "  │ " */
#define RT_INDENT4 "    "
#define RT_LABEL_INDENT "         "    /* width of "Section: " */
#define RT_ATTACH_SCHEME "attachment:"

size_t rt_width_clamp(size_t width)
{
    if (width == 0)
        return RT_WIDTH_DEFAULT;
    if (width < RT_WIDTH_MIN)
        return RT_WIDTH_MIN;
    if (width > RT_WIDTH_MAX)
        return RT_WIDTH_MAX;
    return width;
}

static int rt_fail(sat_err *err, int rc, const char *what)
{
    if (rc == SAT_E_NOMEM)
        return sat_err_set(err, rc, "out of memory rendering %s", what);
    return sat_err_set(err, rc, "cannot render %s (internal layout error %d)", what, rc);
}

static int rt_starts(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);

    return len >= n && memcmp(s, lit, n) == 0;
}

/* ------------------------------------------------------------------------ */
/* layout helpers (all take text that is already sanitised)                 */
/* ------------------------------------------------------------------------ */

/* Appends s cut to maxw columns (maxw >= 1), "…" marking a cut. Sets *used to the
 * columns written. */
static int rt_fit(sat_buf *out, const char *s, size_t len, size_t maxw, size_t *used)
{
    size_t i = 0;
    size_t col = 0;
    size_t n;
    size_t cw;
    uint32_t cp;
    int rc;

    if (sat_text_width(s, len) <= maxw) {
        *used = sat_text_width(s, len);
        return sat_buf_append(out, s, len);
    }
    while (i < len) {
        n = sat_utf8_decode(s + i, len - i, &cp);
        cw = (size_t)sat_cp_width(cp);
        if (col + cw > maxw - 1)
            break;
        col += cw;
        i += n;
    }
    rc = sat_buf_append(out, s, i);
    if (rc == 0)
        rc = sat_buf_puts(out, RT_ELLIPSIS);
    *used = col + 1;
    return rc;
}

/* The words written around bundle text (rt_set_labels); English by default. */
static const rt_labels labels_en = {"Date:", "Author:",    "Source:", "Lang:",     "Section:",
                                    "Tags:", "(untitled)", "Links:",  "attachment"};
static const rt_labels *labels = &labels_en;

void rt_set_labels(const rt_labels *l)
{
    labels = l != NULL ? l : &labels_en;
}

const rt_labels *rt_get_labels(void)
{
    return labels;
}

/* Wraps s with `first` before the first line and `cont` before the others; both
 * prefixes must have the same display width. */
static int rt_wrap_hanging(sat_buf *out, sat_buf *scratch, const char *s, size_t len,
                           size_t width, const char *first, const char *cont)
{
    size_t cl = strlen(cont);
    int rc;

    scratch->len = 0;
    rc = sat_text_wrap(scratch, s, len, width, cont);
    if (rc != 0)
        return rc;
    if (scratch->len < cl)
        return SAT_E_ARG;
    rc = sat_buf_puts(out, first);
    if (rc == 0)
        rc = sat_buf_append(out, scratch->data + cl, scratch->len - cl);
    return rc;
}

/* Wraps s and, when ch is not 0, underlines it with ch as wide as its widest line. */
static int rt_heading(sat_buf *out, sat_buf *scratch, const char *s, size_t len, size_t width,
                      char ch)
{
    size_t i = 0;
    size_t w = 0;
    size_t lw;
    const char *nl;
    int rc;

    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    scratch->len = 0;
    rc = sat_text_wrap(scratch, s, len, width, NULL);
    if (rc != 0)
        return rc;
    while (i < scratch->len) {
        nl = memchr(scratch->data + i, '\n', scratch->len - i);
        if (nl == NULL)
            break;
        lw = sat_text_width(scratch->data + i, (size_t)(nl - scratch->data) - i);
        if (lw > w)
            w = lw;
        i = (size_t)(nl - scratch->data) + 1;
    }
    rc = sat_buf_append(out, scratch->data, scratch->len);
    if (rc != 0 || ch == 0 || w == 0)
        return rc;
    for (i = 0; rc == 0 && i < w; i++)
        rc = sat_buf_append(out, &ch, 1);
    if (rc == 0)
        rc = sat_buf_append(out, "\n", 1);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* gemtext body                                                             */
/* ------------------------------------------------------------------------ */

typedef struct rt_body_state {
    sat_buf *out;
    sat_buf line;    /* the current line, sanitised */
    sat_buf links;   /* the "Links:" section being built */
    sat_buf scratch; /* wrap output before prefixes are fixed */
    sat_buf tmp;     /* small strings (link URLs) */
    size_t width;
    size_t nlinks;
    int pre;
} rt_body_state;

static int rt_link(rt_body_state *st, const char *t, size_t tl)
{
    char num[32];
    char pad[32];
    size_t i = 2;
    size_t us;
    size_t ue;
    size_t nl;
    int rc;

    while (i < tl && t[i] == ' ')
        i++;
    us = i;
    while (i < tl && t[i] != ' ')
        i++;
    ue = i;
    while (i < tl && t[i] == ' ')
        i++;
    if (ue == us) /* "=>" with no URL: show the line as text */
        return sat_text_wrap(st->out, t, tl, st->width, NULL);

    st->nlinks++;
    snprintf(num, sizeof num, "[%zu] ", st->nlinks);
    nl = strlen(num);
    memset(pad, ' ', nl);
    pad[nl] = '\0';

    /* the URL as shown to the user */
    st->tmp.len = 0;
    if (rt_starts(t + us, ue - us, RT_ATTACH_SCHEME)) {
        size_t sl = strlen(RT_ATTACH_SCHEME);
        rc = sat_buf_puts(&st->tmp, labels->attachment);
        if (rc == 0)
            rc = sat_buf_puts(&st->tmp, " ");
        if (rc == 0)
            rc = sat_buf_append(&st->tmp, t + us + sl, ue - us - sl);
    } else {
        rc = sat_buf_append(&st->tmp, t + us, ue - us);
    }
    if (rc != 0)
        return rc;

    rc = rt_wrap_hanging(&st->links, &st->scratch, st->tmp.data, st->tmp.len, st->width, num,
                         pad);
    if (rc != 0)
        return rc;
    if (i < tl)
        return rt_wrap_hanging(st->out, &st->scratch, t + i, tl - i, st->width, num, pad);
    return rt_wrap_hanging(st->out, &st->scratch, st->tmp.data, st->tmp.len, st->width, num,
                           pad);
}

/* Lays out one raw body line (no line end). */
static int rt_body_line(rt_body_state *st, const char *raw, size_t len)
{
    const char *t;
    size_t tl;
    size_t used;
    size_t i;
    int rc;

    st->line.len = 0;
    rc = sat_text_sanitize(&st->line, raw, len, 1);
    if (rc != 0)
        return rc;
    t = st->line.data;
    tl = st->line.len;

    if (rt_starts(t, tl, "```")) {
        st->pre = !st->pre;
        return 0;
    }
    if (st->pre) {
        rc = rt_fit(st->out, t, tl, st->width, &used);
        if (rc == 0)
            rc = sat_buf_append(st->out, "\n", 1);
        return rc;
    }
    if (rt_starts(t, tl, "=>"))
        return rt_link(st, t, tl);
    if (rt_starts(t, tl, "###"))
        return rt_heading(st->out, &st->scratch, t + 3, tl - 3, st->width, 0);
    if (rt_starts(t, tl, "##"))
        return rt_heading(st->out, &st->scratch, t + 2, tl - 2, st->width, '-');
    if (rt_starts(t, tl, "#"))
        return rt_heading(st->out, &st->scratch, t + 1, tl - 1, st->width, '=');
    if (rt_starts(t, tl, "* "))
        return rt_wrap_hanging(st->out, &st->scratch, t + 2, tl - 2, st->width, RT_BULLET,
                               RT_INDENT4);
    if (rt_starts(t, tl, ">")) {
        for (i = 1; i < tl && t[i] == ' '; i++)
            ;
        return sat_text_wrap(st->out, t + i, tl - i, st->width, RT_QUOTE);
    }
    return sat_text_wrap(st->out, t, tl, st->width, NULL);
}

int rt_body(sat_buf *out, const char *body, size_t len, size_t width, sat_err *err)
{
    rt_body_state st;
    const char *nl;
    size_t i = 0;
    size_t end;
    size_t next;
    int rc = 0;

    if (out == NULL || (body == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "rt_body: NULL argument");
    memset(&st, 0, sizeof st);
    st.out = out;
    st.width = rt_width_clamp(width);
    rc = sat_buf_append(out, "", 0);
    while (rc == 0 && i < len) {
        nl = memchr(body + i, '\n', len - i);
        end = nl != NULL ? (size_t)(nl - body) : len;
        next = nl != NULL ? end + 1 : len;
        if (end > i && body[end - 1] == '\r')
            end--;
        rc = rt_body_line(&st, body + i, end - i);
        i = next;
    }
    if (rc == 0 && st.nlinks > 0) {
        rc = sat_buf_printf(out, "\n%s\n", labels->links);
        if (rc == 0)
            rc = sat_buf_append(out, st.links.data, st.links.len);
    }
    if (rc != 0)
        rc = rt_fail(err, rc, "the entry body");
    sat_buf_free(&st.line);
    sat_buf_free(&st.links);
    sat_buf_free(&st.scratch);
    sat_buf_free(&st.tmp);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* metadata header and fields                                               */
/* ------------------------------------------------------------------------ */

/* One "Label:   value" line, value sanitised and wrapped under itself. */
static int rt_meta_line(sat_buf *out, sat_buf *clean, sat_buf *scratch, const char *label,
                        const char *value, size_t width, int tag_list)
{
    char first[64 + sizeof RT_LABEL_INDENT];
    size_t i, n = strlen(label), w;
    int rc;

    if (value == NULL)
        return 0;
    /* the label padded with spaces to RT_LABEL_COLS columns, measured (Korean labels are
     * two columns a syllable); a label too long for that gets one space */
    if (n > 64)
        n = 64;
    w = sat_text_width(label, n);
    memcpy(first, label, n);
    do
        first[n++] = ' ';
    while (++w < RT_LABEL_COLS);
    first[n] = '\0';
    clean->len = 0;
    rc = sat_text_sanitize(clean, value, strlen(value), 1);
    if (rc != 0)
        return rc;
    if (tag_list) {
        /* "a,b" -> "a, b": rebuild in scratch, then copy back */
        scratch->len = 0;
        for (i = 0; rc == 0 && i < clean->len; i++) {
            rc = sat_buf_append(scratch, clean->data + i, 1);
            if (rc == 0 && clean->data[i] == ',')
                rc = sat_buf_append(scratch, " ", 1);
        }
        clean->len = 0;
        if (rc == 0)
            rc = sat_buf_append(clean, scratch->data, scratch->len);
        if (rc != 0)
            return rc;
    }
    return rt_wrap_hanging(out, scratch, clean->data, clean->len, width, first,
                           RT_LABEL_INDENT);
}

int rt_meta_header(sat_buf *out, const sat_meta *m, size_t width, sat_err *err)
{
    sat_buf clean = {0};
    sat_buf scratch = {0};
    const char *title;
    int rc;

    if (out == NULL || m == NULL)
        return sat_err_set(err, SAT_E_ARG, "rt_meta_header: NULL argument");
    width = rt_width_clamp(width);
    title = m->title != NULL ? m->title : labels->untitled;
    rc = sat_text_sanitize(&clean, title, strlen(title), 1);
    if (rc == 0)
        rc = rt_heading(out, &scratch, clean.data, clean.len, width, '=');
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->date, m->date, width, 0);
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->author, m->author, width, 0);
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->source, m->source, width, 0);
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->lang, m->lang, width, 0);
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->section, m->section, width, 0);
    if (rc == 0)
        rc = rt_meta_line(out, &clean, &scratch, labels->tags, m->tags, width, 1);
    if (rc == 0)
        rc = sat_buf_append(out, "\n", 1);
    if (rc != 0)
        rc = rt_fail(err, rc, "the entry header");
    sat_buf_free(&clean);
    sat_buf_free(&scratch);
    return rc;
}

int rt_field(sat_buf *out, const char *s, size_t len, size_t max_width, int pad, sat_err *err)
{
    sat_buf clean = {0};
    size_t used = 0;
    int rc;

    if (out == NULL || (s == NULL && len > 0) || max_width == 0)
        return sat_err_set(err, SAT_E_ARG, "rt_field: bad argument");
    rc = sat_text_sanitize(&clean, s, len, 0);
    if (rc == 0)
        rc = rt_fit(out, clean.data, clean.len, max_width, &used);
    while (rc == 0 && pad && used < max_width) {
        rc = sat_buf_append(out, " ", 1);
        used++;
    }
    if (rc != 0)
        rc = rt_fail(err, rc, "a field");
    sat_buf_free(&clean);
    return rc;
}
