/*
 * tui_text.c - the terminal interface's logic that needs no terminal (tui_text.h).
 */
#include "tui_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render_term.h"

/* ------------------------------------------------------------------------
 * Library rows
 * ------------------------------------------------------------------------ */

/* Appends one padded column and the space after it. */
static int row_col(sat_buf *out, const char *s, size_t width, sat_err *err)
{
    int rc;

    if (s == NULL || s[0] == '\0')
        s = "-";
    rc = rt_field(out, s, strlen(s), width, 1, err);
    if (rc == 0 && sat_buf_puts(out, " ") != 0)
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    return rc;
}

int tui_row_format(sat_buf *out, const tui_row *r, size_t width, sat_err *err)
{
    sat_buf title = {0};
    const char *date = r->date != NULL && r->date[0] != '\0' ? r->date : "-";
    size_t datelen = strlen(date) < TUI_COL_DATE ? strlen(date) : TUI_COL_DATE;
    size_t fixed = TUI_COL_DATE + 1;
    int rc = 0;

    if (out == NULL || r == NULL || width < 12)
        return sat_err_set(err, SAT_E_ARG, "tui_row_format: bad argument");
    if (width >= TUI_ROW_WIDE) {
        fixed += TUI_COL_SECTION + 1 + TUI_COL_KIND + 1 + TUI_COL_LANG + 1;
        rc = row_col(out, r->section, TUI_COL_SECTION, err);
    }
    /* dates are "YYYY-MM-DD..." in signed metadata: the day is enough */
    if (rc == 0)
        rc = rt_field(out, date, datelen, TUI_COL_DATE, 1, err);
    if (rc == 0 && sat_buf_puts(out, " ") != 0)
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (rc == 0 && width >= TUI_ROW_WIDE)
        rc = row_col(out, r->kind, TUI_COL_KIND, err);
    if (rc == 0 && width >= TUI_ROW_WIDE)
        rc = row_col(out, r->lang, TUI_COL_LANG, err);
    if (rc == 0 && r->damaged != NULL &&
        (sat_buf_puts(&title, r->damaged) != 0 || sat_buf_puts(&title, " ") != 0))
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (rc == 0 && r->title != NULL && sat_buf_puts(&title, r->title) != 0)
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (rc == 0 && title.len > 0)
        rc = rt_field(out, title.data, title.len, width - fixed, 0, err);
    sat_buf_free(&title);
    return rc;
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------ */

void tui_lines_free(tui_lines *l)
{
    free(l->off);
    free(l->len);
    memset(l, 0, sizeof *l);
}

int tui_lines_split(tui_lines *l, const char *s, size_t len)
{
    size_t i, n = 0, start = 0;

    tui_lines_free(l);
    for (i = 0; i < len; i++)
        n += s[i] == '\n';
    n += 1;
    l->off = malloc(n * sizeof *l->off);
    l->len = malloc(n * sizeof *l->len);
    if (l->off == NULL || l->len == NULL) {
        tui_lines_free(l);
        return SAT_E_NOMEM;
    }
    for (i = 0; i <= len; i++) {
        if (i < len && s[i] != '\n')
            continue;
        if (i == len && start == len && l->n > 0)
            break; /* a final "\n" ends the last line */
        l->off[l->n] = start;
        l->len[l->n] = i - start;
        l->n++;
        start = i + 1;
    }
    return 0;
}

size_t tui_lines_find(const tui_lines *l, const char *s, const char *prefix, size_t from)
{
    size_t i, pl = strlen(prefix);

    for (i = from; i < l->n; i++)
        if (l->len[i] >= pl && memcmp(s + l->off[i], prefix, pl) == 0)
            return i;
    return SIZE_MAX;
}

/* ------------------------------------------------------------------------
 * The line editor
 * ------------------------------------------------------------------------ */

int tui_edit_insert(sat_buf *line, uint32_t cp)
{
    char u[4];
    size_t n;

    if (cp < 0x20 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || sat_cp_is_dangerous(cp))
        return 0;
    n = sat_utf8_encode(cp, u);
    if (line->len + n > TUI_EDIT_MAX)
        return 0;
    return sat_buf_append(line, u, n) == 0 ? 1 : -1;
}

int tui_edit_backspace(sat_buf *line)
{
    if (line->len == 0)
        return 0;
    line->len--;
    while (line->len > 0 && ((unsigned char)line->data[line->len] & 0xC0) == 0x80)
        line->len--;
    line->data[line->len] = '\0';
    return 1;
}

/* ------------------------------------------------------------------------
 * Filters and lists of strings
 * ------------------------------------------------------------------------ */

int tui_filter_match(const tui_filter *f, const sat_mentry *e)
{
    if (f->kind >= 0 && (int)e->kind != f->kind)
        return 0;
    if (f->lang != NULL && (e->lang == NULL || strcasecmp(e->lang, f->lang) != 0))
        return 0;
    if (f->section != NULL && (e->section == NULL || strcmp(e->section, f->section) != 0))
        return 0;
    return 1;
}

int tui_filter_active(const tui_filter *f)
{
    return f->kind >= 0 || f->lang != NULL || f->section != NULL;
}

int tui_filter_next_kind(int k)
{
    return k + 1 >= SAT_KIND_COUNT ? -1 : k + 1;
}

int tui_strs_add(tui_strs *l, const char *s, size_t len)
{
    char **v, *c;
    size_t i;

    /* a NUL inside would cut the copy short: two different strings could then become the
     * same entry (found by fuzz_tui); no id, language or section holds one */
    if (memchr(s, '\0', len) != NULL)
        return 0;
    for (i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return 0;
    if (l->n >= TUI_STRS_MAX)
        return 0;
    v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (v == NULL)
        return SAT_E_NOMEM;
    l->v = v;
    c = malloc(len + 1);
    if (c == NULL)
        return SAT_E_NOMEM;
    memcpy(c, s, len);
    c[len] = '\0';
    l->v[l->n++] = c;
    return 0;
}

const char *tui_strs_next(const tui_strs *l, const char *cur)
{
    size_t i;

    if (cur == NULL)
        return l->n > 0 ? l->v[0] : NULL;
    for (i = 0; i + 1 < l->n; i++)
        if (l->v[i] == cur || strcmp(l->v[i], cur) == 0)
            return l->v[i + 1];
    return NULL;
}

void tui_strs_free(tui_strs *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int tui_attach_ids(tui_strs *l, const char *body, size_t len)
{
    static const char scheme[] = "attachment:";
    size_t i = 0, sl = sizeof scheme - 1;
    int pre = 0;

    while (i < len) {
        size_t e = i, s, u;
        while (e < len && body[e] != '\n')
            e++;
        if (e - i >= 3 && memcmp(body + i, "```", 3) == 0) {
            pre = !pre;
        } else if (!pre && e - i >= 2 && memcmp(body + i, "=>", 2) == 0) {
            s = i + 2;
            while (s < e && (body[s] == ' ' || body[s] == '\t'))
                s++;
            u = s;
            while (u < e && body[u] != ' ' && body[u] != '\t' && body[u] != '\r')
                u++;
            if (u - s > sl && memcmp(body + s, scheme, sl) == 0 && u - s - sl <= SAT_ID_MAX &&
                tui_strs_add(l, body + s + sl, u - s - sl) != 0)
                return SAT_E_NOMEM;
        }
        i = e + 1;
    }
    return 0;
}
