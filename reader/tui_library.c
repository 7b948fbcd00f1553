/*
 * tui_library.c - the library: one row per entry (section, date, kind, language,
 * title), scrolling over every entry, filters by kind, language and section.
 *
 * Without a filter, row i is entry i: only the rows on screen are read (through
 * sat_bundle_entry, which loads just their index pages), so a bundle of any size
 * opens at once. A filter walks the entries once and keeps the indexes that pass.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui_screen.h"
#include "tui_text.h"

/* While walking every entry, keep at most this many index pages loaded. */
#define LIB_WALK_PAGES 8
#define LIB_WALK_TRIM 4096
/* Index pages kept after drawing a screen. */
#define LIB_KEEP_PAGES 16

typedef struct library {
    tui_filter f;
    uint64_t *idx; /* the entries passing the filter (when one is set) */
    uint64_t nidx;
    uint64_t sel, top;
    tui_strs langs, sections;
    int values_loaded;
} library;

static uint64_t lib_count(const tui_app *app, const library *l)
{
    return tui_filter_active(&l->f) ? l->nidx : app->n;
}

static uint64_t lib_entry(const library *l, uint64_t row)
{
    return tui_filter_active(&l->f) ? l->idx[row] : row;
}

const char *tui_kind_label(sat_kind k)
{
    switch (k) {
    case SAT_KIND_ARTICLE:
        return rmsg(MSG_TUI_KIND_ARTICLE);
    case SAT_KIND_TRANSCRIPT:
        return rmsg(MSG_TUI_KIND_TRANSCRIPT);
    case SAT_KIND_IMAGE:
        return rmsg(MSG_TUI_KIND_IMAGE);
    case SAT_KIND_AUDIO:
        return rmsg(MSG_TUI_KIND_AUDIO);
    default:
        return sat_kind_name(k);
    }
}

void tui_entry_row(tui_app *app, int y, uint64_t idx, int selected)
{
    const sat_mentry *e = NULL;
    sat_buf row = {0};
    tui_row r;

    memset(&r, 0, sizeof r);
    if (sat_bundle_entry(app->b, idx, &e, NULL) != 0) {
        app->state[idx] = TUI_ST_DAMAGED; /* its index page is damaged: nothing to show */
        r.damaged = rmsg(MSG_TUI_DAMAGED_MARK);
        r.title = "?";
    } else {
        /* text entries are checked when first shown (their cluster is read once for the
         * rows next to them); media when opened or saved */
        if (app->state[idx] == TUI_ST_UNKNOWN && sat_kind_is_text(e->kind))
            app->state[idx] =
                sat_bundle_check(app->b, e, NULL) == 0 ? TUI_ST_OK : TUI_ST_DAMAGED;
        r.section = e->section;
        r.date = e->date;
        r.kind = tui_kind_label(e->kind);
        r.lang = e->lang;
        r.title = e->title != NULL ? e->title : e->id;
        r.damaged = app->state[idx] == TUI_ST_DAMAGED ? rmsg(MSG_TUI_DAMAGED_MARK) : NULL;
    }
    if (tui_row_format(&row, &r, (size_t)COLS, NULL) == 0) {
        if (selected)
            attron(A_REVERSE);
        tui_line(y, row.data ? row.data : "", row.len, 0);
        if (selected) {
            /* a row as wide as the window left the cursor on the next line */
            int cx = getcury(stdscr) == y ? getcurx(stdscr) : COLS;
            while (cx < COLS)
                mvaddch(y, cx++, ' ');
            attroff(A_REVERSE);
        }
    }
    sat_buf_free(&row);
}

/* Collects the languages and sections present, once (for the filter keys). */
static void lib_values(tui_app *app, library *l)
{
    uint64_t i;

    if (l->values_loaded)
        return;
    for (i = 0; i < app->n; i++) {
        const sat_mentry *e;
        if (i % LIB_WALK_TRIM == 0)
            sat_bundle_trim_pages(app->b, LIB_WALK_PAGES);
        if (sat_bundle_entry(app->b, i, &e, NULL) != 0)
            continue;
        if (e->lang != NULL)
            tui_strs_add(&l->langs, e->lang, strlen(e->lang));
        if (e->section != NULL)
            tui_strs_add(&l->sections, e->section, strlen(e->section));
    }
    l->values_loaded = 1;
}

/* Rebuilds the list of entries passing the filter. */
static void lib_refilter(tui_app *app, library *l)
{
    uint64_t i;

    l->nidx = 0;
    l->sel = l->top = 0;
    if (!tui_filter_active(&l->f))
        return;
    if (l->idx == NULL && (l->idx = malloc(((size_t)app->n + 1) * sizeof *l->idx)) == NULL) {
        l->f.kind = -1;
        l->f.lang = l->f.section = NULL;
        return;
    }
    for (i = 0; i < app->n; i++) {
        const sat_mentry *e;
        if (i % LIB_WALK_TRIM == 0)
            sat_bundle_trim_pages(app->b, LIB_WALK_PAGES);
        if (sat_bundle_entry(app->b, i, &e, NULL) == 0 && tui_filter_match(&l->f, e))
            l->idx[l->nidx++] = i;
    }
}

/* The title bar: the bundle's title, the filters set, the position. */
static void lib_title(tui_app *app, const library *l)
{
    sat_buf t = {0}, clean = {0};
    const char *bt = sat_bundle_manifest(app->b)->head.title;

    sat_buf_printf(&t, "%s: ", rmsg(MSG_TUI_LIBRARY));
    sat_text_sanitize(&t, bt, strlen(bt), 0);
    if (l->f.kind >= 0) {
        sat_buf_puts(&t, "  [");
        rmsg_appendf(&t, MSG_TUI_FILTER_KIND, tui_kind_label((sat_kind)l->f.kind));
        sat_buf_puts(&t, "]");
    }
    if (l->f.lang != NULL) {
        sat_buf_puts(&t, "  [");
        tui_msgf_safe(&t, MSG_TUI_FILTER_LANG, l->f.lang);
        sat_buf_puts(&t, "]");
    }
    if (l->f.section != NULL) {
        sat_buf_puts(&t, "  [");
        tui_msgf_safe(&t, MSG_TUI_FILTER_SECTION, l->f.section);
        sat_buf_puts(&t, "]");
    }
    sat_buf_puts(&t, "  ");
    rmsg_appendf(&t, MSG_TUI_ROWS, (unsigned long)(lib_count(app, l) ? l->sel + 1 : 0),
             (unsigned long)lib_count(app, l));
    tui_line_text(0, t.data ? t.data : "", 1);
    sat_buf_free(&t);
    sat_buf_free(&clean);
}

static void lib_draw(tui_app *app, library *l)
{
    uint64_t n = lib_count(app, l), i, h = (uint64_t)(LINES - 3);
    sat_buf head = {0};
    tui_row r;

    if (l->sel >= n)
        l->sel = n ? n - 1 : 0;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + h)
        l->top = l->sel - h + 1;
    erase();
    lib_title(app, l);
    memset(&r, 0, sizeof r);
    r.section = rmsg(MSG_TUI_COL_SECTION);
    r.date = rmsg(MSG_TUI_COL_DATE);
    r.kind = rmsg(MSG_TUI_COL_KIND);
    r.lang = rmsg(MSG_TUI_COL_LANG);
    r.title = rmsg(MSG_TUI_COL_TITLE);
    if (tui_row_format(&head, &r, (size_t)COLS, NULL) == 0) {
        attron(A_BOLD | A_UNDERLINE);
        tui_line(1, head.data, head.len, 0);
        attroff(A_BOLD | A_UNDERLINE);
    }
    sat_buf_free(&head);
    if (n == 0)
        tui_line_text(3, rmsg(MSG_TUI_NO_ROWS), 0);
    for (i = 0; i < h && l->top + i < n; i++)
        tui_entry_row(app, (int)i + 2, lib_entry(l, l->top + i), l->top + i == l->sel);
    tui_line_text(LINES - 1, rmsg(MSG_TUI_LIB_KEYS), 1);
    refresh();
    sat_bundle_trim_pages(app->b, LIB_KEEP_PAGES);
}

int tui_library(tui_app *app)
{
    library l;
    int rc = TUI_QUIT;

    memset(&l, 0, sizeof l);
    l.f.kind = -1;
    for (;;) {
        uint64_t n = lib_count(app, &l), page = LINES > 4 ? (uint64_t)LINES - 4 : 1;
        tui_key k;
        int ev, r = TUI_BACK;

        if (!tui_too_small())
            lib_draw(app, &l);
        ev = tui_key_read(&k);
        if (ev == TUI_EV_QUIT)
            break;
        if (ev == TUI_EV_RESIZE)
            continue;
        if (tui_key_is(&k, 'q'))
            break;
        if ((k.fn == KEY_DOWN || tui_key_is(&k, 'j')) && l.sel + 1 < n)
            l.sel++;
        else if ((k.fn == KEY_UP || tui_key_is(&k, 'k')) && l.sel > 0)
            l.sel--;
        else if (k.fn == KEY_NPAGE || tui_key_is(&k, ' '))
            l.sel = l.sel + page < n ? l.sel + page : (n ? n - 1 : 0);
        else if (k.fn == KEY_PPAGE || tui_key_is(&k, 'b'))
            l.sel = l.sel > page ? l.sel - page : 0;
        else if (k.fn == KEY_HOME || tui_key_is(&k, 'g'))
            l.sel = 0;
        else if (k.fn == KEY_END || tui_key_is(&k, 'G'))
            l.sel = n ? n - 1 : 0;
        else if ((tui_key_enter(&k) || k.fn == KEY_RIGHT) && n > 0)
            r = tui_read_entry(app, lib_entry(&l, l.sel));
        else if (tui_key_is(&k, '/'))
            r = tui_search(app);
        else if (k.fn == KEY_F(1) || tui_key_is(&k, '?'))
            r = tui_help();
        else if (tui_key_is(&k, 't')) {
            l.f.kind = tui_filter_next_kind(l.f.kind);
            lib_refilter(app, &l);
        } else if (tui_key_is(&k, 'l')) {
            lib_values(app, &l);
            l.f.lang = tui_strs_next(&l.langs, l.f.lang);
            lib_refilter(app, &l);
        } else if (tui_key_is(&k, 's')) {
            lib_values(app, &l);
            l.f.section = tui_strs_next(&l.sections, l.f.section);
            lib_refilter(app, &l);
        } else if (tui_key_is(&k, 'c')) {
            l.f.kind = -1;
            l.f.lang = l.f.section = NULL;
            lib_refilter(app, &l);
        }
        if (r == TUI_QUIT)
            break;
    }
    free(l.idx);
    tui_strs_free(&l.langs);
    tui_strs_free(&l.sections);
    return rc;
}
