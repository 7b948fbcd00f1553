/*
 * tui_read.c - the pager (a scrolling view of text laid out anew at each width), the
 * reading view of one entry, and the attachments list with saving to a folder.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entry_save.h"
#include "render_term.h"
#include "tui_screen.h"
#include "tui_text.h"

/* ------------------------------------------------------------------------
 * The pager
 * ------------------------------------------------------------------------ */

/* The bar at the bottom: the keys, then the position when it fits. */
static void pager_status(const char *keys, size_t top, size_t h, size_t n)
{
    sat_buf s = {0}, pos = {0};
    size_t last = top + h < n ? top + h : n;

    rmsg_appendf(&pos, MSG_TUI_LINE_POS, (unsigned long)last, (unsigned long)n);
    sat_buf_puts(&s, keys);
    if (pos.data != NULL && sat_text_width(keys, strlen(keys)) + pos.len + 4 < (size_t)COLS) {
        size_t pad = (size_t)COLS - 1 - sat_text_width(keys, strlen(keys)) -
                     sat_text_width(pos.data, pos.len);
        while (pad-- > 0)
            sat_buf_puts(&s, " ");
        sat_buf_puts(&s, pos.data);
    }
    tui_line_text(LINES - 1, s.data ? s.data : "", 1);
    sat_buf_free(&s);
    sat_buf_free(&pos);
}

int tui_pager(const char *title, const char *keys, tui_render_fn render, void *ctx,
              tui_pager_key_fn on_key, int any_key)
{
    sat_buf text = {0};
    tui_lines lines = {0};
    size_t top = 0, width = 0, h = 1, i;
    int rc = TUI_BACK, relayout = 1;

    for (;;) {
        tui_key k;
        int ev;

        if (tui_too_small()) {
            relayout = 1;
        } else {
            if (relayout || width != (size_t)COLS) {
                /* keep the same part of the text in view after a new layout */
                size_t old_n = lines.n;
                width = (size_t)COLS;
                text.len = 0;
                if (render(ctx, rt_width_clamp(width), &text) != 0 && text.len == 0)
                    sat_buf_puts(&text, "?");
                if (tui_lines_split(&lines, text.data ? text.data : "", text.len) != 0)
                    break;
                if (old_n > 0 && lines.n != old_n)
                    top = (size_t)((double)top * (double)lines.n / (double)old_n);
                relayout = 0;
            }
            h = (size_t)LINES - 2;
            if (top + h > lines.n)
                top = lines.n > h ? lines.n - h : 0;
            erase();
            tui_line_text(0, title, 1);
            for (i = 0; i < h && top + i < lines.n; i++)
                tui_line((int)i + 1, text.data + lines.off[top + i], lines.len[top + i], 0);
            pager_status(keys, top, h, lines.n);
            refresh();
        }
        ev = tui_key_read(&k);
        if (ev == TUI_EV_QUIT) {
            rc = TUI_QUIT;
            break;
        }
        if (ev == TUI_EV_RESIZE) {
            relayout = 1;
            continue;
        }
        if (any_key || tui_key_is(&k, 'q') || tui_key_esc(&k) || k.fn == KEY_LEFT)
            break;
        if (k.fn == KEY_DOWN || tui_key_is(&k, 'j') || tui_key_enter(&k))
            top++;
        else if ((k.fn == KEY_UP || tui_key_is(&k, 'k')) && top > 0)
            top--;
        else if (k.fn == KEY_NPAGE || tui_key_is(&k, ' ') || tui_key_is(&k, 'f'))
            top += h > 1 ? h - 1 : 1;
        else if (k.fn == KEY_PPAGE || tui_key_is(&k, 'b'))
            top = top > h - 1 ? top - (h > 1 ? h - 1 : 1) : 0;
        else if (k.fn == KEY_HOME || tui_key_is(&k, 'g'))
            top = 0;
        else if (k.fn == KEY_END || tui_key_is(&k, 'G'))
            top = lines.n;
        else if (k.fn == KEY_F(1) || tui_key_is(&k, '?')) {
            if (tui_help() == TUI_QUIT) {
                rc = TUI_QUIT;
                break;
            }
        } else if (on_key != NULL) {
            int r = on_key(ctx, &k, &text, &lines, &top);
            if (r == TUI_BACK || r == TUI_QUIT) {
                rc = r;
                break;
            }
        }
    }
    tui_lines_free(&lines);
    sat_buf_free(&text);
    return rc;
}

/* ------------------------------------------------------------------------
 * Saving attachments
 * ------------------------------------------------------------------------ */

/* Saves e into a folder the user types (which must exist): nothing is overwritten. */
static int save_entry(tui_app *app, const sat_mentry *e, sat_buf *folder)
{
    sat_buf path = {0}, msg = {0};
    sat_err err = {0};
    char name[SAT_ID_MAX + 8];
    int r, dirfd = -1, rc;

    r = tui_prompt(rmsg(MSG_TUI_SAVE_PROMPT), folder);
    if (r != 1 || folder->len == 0)
        return r == TUI_QUIT ? TUI_QUIT : TUI_BACK;
    /* "~/..." is the home folder, as in a shell */
    if (folder->data[0] == '~' && (folder->data[1] == '/' || folder->data[1] == '\0') &&
        getenv("HOME") != NULL) {
        sat_buf_puts(&path, getenv("HOME"));
        sat_buf_puts(&path, folder->data + 1);
    } else {
        sat_buf_puts(&path, folder->data);
    }
    es_file_name(e, name, sizeof name);
    if (path.data == NULL ||
        (dirfd = open(path.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        tui_msgf_safe(&msg, MSG_TUI_SAVE_NO_DIR, folder->data);
    } else {
        rc = es_write_entry(app->b, dirfd, e, 0, &err);
        if (rc == 0) {
            sat_buf tmp = {0};
            sat_text_sanitize(&tmp, name, strlen(name), 0);
            path.len = 0;
            sat_text_sanitize(&path, folder->data, folder->len, 0);
            rmsg_appendf(&msg, MSG_TUI_SAVED, tmp.data ? tmp.data : "", path.data ? path.data : "");
            sat_buf_free(&tmp);
        } else if (rc == SAT_E_EXISTS) {
            tui_msgf_safe(&msg, MSG_TUI_SAVE_EXISTS, name);
        } else {
            tui_msgf_safe(&msg, MSG_TUI_SAVE_FAIL, err.msg);
        }
        close(dirfd);
    }
    r = tui_notice(msg.data ? msg.data : "");
    sat_buf_free(&msg);
    sat_buf_free(&path);
    return r;
}

/* The attachments of an entry: one per line, Enter saves the chosen one. */
static int attachments(tui_app *app, const tui_strs *ids, sat_buf *folder)
{
    size_t sel = 0, i;
    sat_buf row = {0};
    int rc = TUI_BACK;

    if (ids->n == 0)
        return tui_notice(rmsg(MSG_TUI_ATTACH_NONE));
    for (;;) {
        tui_key k;
        int ev;
        if (!tui_too_small()) {
            erase();
            tui_line_text(0, rmsg(MSG_TUI_ATTACH_TITLE), 1);
            for (i = 0; i < ids->n && (int)i < LINES - 2; i++) {
                const sat_mentry *e = NULL;
                tui_row r;
                memset(&r, 0, sizeof r);
                r.title = ids->v[i];
                if (sat_bundle_find(app->b, ids->v[i], &e, NULL) == 0) {
                    r.kind = tui_kind_label(e->kind);
                    r.date = e->date;
                    r.lang = e->lang;
                    r.section = e->section;
                } else {
                    r.damaged = rmsg(MSG_TUI_ATTACH_MISSING);
                }
                row.len = 0;
                if (tui_row_format(&row, &r, (size_t)COLS, NULL) == 0) {
                    if (i == sel)
                        attron(A_REVERSE);
                    tui_line((int)i + 1, row.data, row.len, 0);
                    attroff(A_REVERSE);
                }
            }
            tui_line_text(LINES - 1, rmsg(MSG_TUI_ATTACH_KEYS), 1);
            refresh();
        }
        ev = tui_key_read(&k);
        if (ev == TUI_EV_QUIT) {
            rc = TUI_QUIT;
            break;
        }
        if (ev == TUI_EV_RESIZE)
            continue;
        if (tui_key_is(&k, 'q') || tui_key_esc(&k) || k.fn == KEY_LEFT)
            break;
        if ((k.fn == KEY_DOWN || tui_key_is(&k, 'j')) && sel + 1 < ids->n)
            sel++;
        else if ((k.fn == KEY_UP || tui_key_is(&k, 'k')) && sel > 0)
            sel--;
        else if (tui_key_enter(&k) || tui_key_is(&k, 's')) {
            const sat_mentry *e = NULL;
            if (sat_bundle_find(app->b, ids->v[sel], &e, NULL) != 0)
                rc = tui_notice(rmsg(MSG_TUI_ATTACH_MISSING));
            else
                rc = save_entry(app, e, folder);
            if (rc == TUI_QUIT)
                break;
            rc = TUI_BACK;
        }
    }
    sat_buf_free(&row);
    return rc;
}

/* ------------------------------------------------------------------------
 * The reading view
 * ------------------------------------------------------------------------ */

typedef struct reading {
    tui_app *app;
    const sat_mentry *e;
    const char *body; /* verified text; NULL for media */
    size_t len;
    tui_strs attach;
    sat_buf folder; /* the last folder typed, offered again */
} reading;

static int read_render(void *ctx, size_t width, sat_buf *out)
{
    reading *r = ctx;
    sat_meta m = sat_mentry_meta(r->e);
    int rc = rt_meta_header(out, &m, width, NULL);

    if (rc == 0 && sat_buf_puts(out, "\n") != 0)
        rc = SAT_E_NOMEM;
    if (rc == 0 && r->body != NULL) {
        rc = rt_body(out, r->body, r->len, width, NULL);
    } else if (rc == 0) {
        sat_buf t = {0};
        rmsg_appendf(&t, MSG_TUI_MEDIA_BODY, tui_kind_label(r->e->kind), (unsigned long)r->e->size);
        rc = t.data != NULL ? rt_body(out, t.data, t.len, width, NULL) : SAT_E_NOMEM;
        sat_buf_free(&t);
    }
    return rc;
}

static int read_key(void *ctx, const tui_key *k, const sat_buf *text, const tui_lines *lines,
                    size_t *top)
{
    reading *r = ctx;

    if (tui_key_is(k, 'a'))
        return attachments(r->app, &r->attach, &r->folder) == TUI_QUIT ? TUI_QUIT : 2;
    if (tui_key_is(k, 'L') || tui_key_is(k, 'l')) {
        /* render_term ends the text with a "Links:" section (in the interface language) */
        const char *head = rt_get_labels()->links;
        size_t at = tui_lines_find(lines, text->data, head, 0), next = at;
        while (next != SIZE_MAX) {
            at = next;
            next = tui_lines_find(lines, text->data, head, at + 1);
        }
        if (at == SIZE_MAX)
            return tui_notice(rmsg(MSG_TUI_NO_LINKS)) == TUI_QUIT ? TUI_QUIT : 2;
        *top = at;
        return 2;
    }
    return -1;
}

int tui_read_entry(tui_app *app, uint64_t idx)
{
    reading r;
    sat_err err = {0};
    sat_buf msg = {0}, title = {0};
    char *body = NULL;
    size_t len = 0;
    int rc;

    memset(&r, 0, sizeof r);
    r.app = app;
    if (sat_bundle_entry(app->b, idx, &r.e, &err) != 0) {
        rc = err.code;
    } else if (sat_kind_is_text(r.e->kind)) {
        rc = sat_bundle_read(app->b, r.e, &body, &len, &err);
    } else {
        rc = sat_bundle_check(app->b, r.e, &err);
    }
    if (rc != 0) {
        app->state[idx] = TUI_ST_DAMAGED;
        tui_msgf_safe(&msg, MSG_TUI_DAMAGED_OPEN, err.msg);
        rc = tui_notice(msg.data ? msg.data : "");
        sat_buf_free(&msg);
        return rc;
    }
    app->state[idx] = TUI_ST_OK;
    r.body = body;
    r.len = len;
    if (body != NULL)
        rc = tui_attach_ids(&r.attach, body, len);
    else
        rc = tui_strs_add(&r.attach, r.e->id, strlen(r.e->id));
    if (rc == 0) {
        const char *t = r.e->title != NULL ? r.e->title : r.e->id;
        sat_text_sanitize(&title, t, strlen(t), 0);
        rc = tui_pager(title.data ? title.data : "", rmsg(MSG_TUI_READ_KEYS), read_render, &r,
                       read_key, 0);
    } else {
        rc = TUI_BACK;
    }
    tui_strs_free(&r.attach);
    sat_buf_free(&r.folder);
    sat_buf_free(&title);
    free(body);
    return rc;
}
