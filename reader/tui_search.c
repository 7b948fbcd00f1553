/*
 * tui_search.c - the search box: results as you type, through the bundle's signed
 * search index (sat_search), verified hits only; Enter opens the chosen hit.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "sat_query.h"
#include "tui_screen.h"
#include "tui_text.h"

/* Hits asked for per query (the best first). */
#define SEARCH_LIMIT 200

typedef struct search_box {
    sat_buf q;
    sat_search_result *r;
    sat_buf status; /* count, hint or why the query cannot run (sanitised) */
    size_t sel, top;
} search_box;

/* Runs the query as typed so far. */
static void search_update(tui_app *app, search_box *sb)
{
    sat_query *q = NULL;
    sat_err err = {0};

    sat_search_result_free(sb->r);
    sb->r = NULL;
    sb->sel = sb->top = 0;
    sb->status.len = 0;
    if (sb->q.len == 0) {
        sat_buf_puts(&sb->status, rmsg(MSG_TUI_SEARCH_HINT));
        return;
    }
    if (sat_query_parse(sb->q.data, sb->q.len, &q, &err) != 0) {
        sat_text_sanitize(&sb->status, err.msg, strlen(err.msg), 0);
        return;
    }
    if (sat_search_run(app->search, q, SEARCH_LIMIT, &sb->r, &err) != 0) {
        sb->r = NULL;
        tui_msgf_safe(&sb->status, MSG_TUI_SEARCH_FAIL, err.msg);
    } else if (sb->r->total == 0) {
        sat_buf_puts(&sb->status, rmsg(MSG_TUI_SEARCH_NONE));
    } else {
        rmsg_appendf(&sb->status, MSG_TUI_SEARCH_FOUND, (unsigned long)sb->r->total);
    }
    if (sb->r != NULL && sb->r->n_damaged > 0) {
        sat_buf_puts(&sb->status, "; ");
        rmsg_appendf(&sb->status, MSG_TUI_SEARCH_DAMAGED, (unsigned long)sb->r->n_damaged);
    }
    sat_query_free(q);
}

static void search_draw(tui_app *app, search_box *sb)
{
    size_t h = (size_t)LINES - 2, i, n = sb->r != NULL ? sb->r->n : 0;
    sat_buf top = {0};
    int cx;

    if (sb->sel < sb->top)
        sb->top = sb->sel;
    if (sb->sel >= sb->top + h)
        sb->top = sb->sel - h + 1;
    erase();
    for (i = 0; i < h && sb->top + i < n; i++)
        tui_entry_row(app, (int)i + 1, sb->r->hits[sb->top + i].entry, sb->top + i == sb->sel);
    tui_line_text(LINES - 1, sb->status.data ? sb->status.data : "", 1);
    /* the box last, so the cursor stays at the end of the query */
    sat_buf_puts(&top, rmsg(MSG_TUI_SEARCH));
    if (sb->q.len > 0)
        sat_text_sanitize(&top, sb->q.data, sb->q.len, 0);
    tui_line_text(0, top.data, 0);
    cx = (int)sat_text_width(top.data, top.len);
    move(0, cx < COLS ? cx : COLS - 1);
    refresh();
    sat_bundle_trim_pages(app->b, 16);
    sat_buf_free(&top);
}

int tui_search(tui_app *app)
{
    search_box sb;
    sat_err err = {0};
    int rc = TUI_BACK;

    if (app->search == NULL && app->search_rc == 0) {
        app->search_rc = sat_search_open(app->b, &app->search, &err);
        if (app->search_rc != 0)
            snprintf(app->search_err, sizeof app->search_err, "%s", err.msg);
    }
    if (app->search_rc == SAT_E_NOTFOUND)
        return tui_notice(rmsg(MSG_TUI_SEARCH_NO_INDEX));
    if (app->search_rc != 0) {
        sat_buf m = {0};
        tui_msgf_safe(&m, MSG_TUI_SEARCH_FAIL, app->search_err);
        rc = tui_notice(m.data ? m.data : "");
        sat_buf_free(&m);
        return rc;
    }
    memset(&sb, 0, sizeof sb);
    search_update(app, &sb);
    curs_set(1);
    for (;;) {
        size_t n;
        tui_key k;
        int ev;

        if (!tui_too_small())
            search_draw(app, &sb);
        ev = tui_key_read(&k);
        n = sb.r != NULL ? sb.r->n : 0;
        if (ev == TUI_EV_QUIT) {
            rc = TUI_QUIT;
            break;
        }
        if (ev == TUI_EV_RESIZE)
            continue;
        if (tui_key_esc(&k) || k.fn == KEY_LEFT)
            break;
        if (k.fn == KEY_DOWN && sb.sel + 1 < n)
            sb.sel++;
        else if (k.fn == KEY_UP && sb.sel > 0)
            sb.sel--;
        else if (k.fn == KEY_NPAGE)
            sb.sel = sb.sel + (size_t)LINES - 3 < n ? sb.sel + (size_t)LINES - 3 : (n ? n - 1 : 0);
        else if (k.fn == KEY_PPAGE)
            sb.sel = sb.sel > (size_t)LINES - 3 ? sb.sel - ((size_t)LINES - 3) : 0;
        else if (k.fn == KEY_F(1))
            rc = tui_help();
        else if (tui_key_enter(&k) && n > 0) {
            curs_set(0);
            rc = tui_read_entry(app, sb.r->hits[sb.sel].entry);
            curs_set(1);
        } else if (k.fn == KEY_BACKSPACE || tui_key_is(&k, 127) || tui_key_is(&k, 8)) {
            if (tui_edit_backspace(&sb.q))
                search_update(app, &sb);
        } else if (!k.fn && tui_edit_insert(&sb.q, (uint32_t)k.ch) == 1) {
            search_update(app, &sb);
        }
        if (rc == TUI_QUIT)
            break;
    }
    curs_set(0);
    sat_search_result_free(sb.r);
    sat_buf_free(&sb.q);
    sat_buf_free(&sb.status);
    return rc;
}
