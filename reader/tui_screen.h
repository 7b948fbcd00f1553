/*
 * tui_screen.h - what the views of the terminal interface share: the open bundle with
 * what is known about its entries, and the screen helpers of tui.c (keys, bars, lines,
 * prompts). Internal to tui*.c.
 *
 * Screen layout of every view: line 0 a title bar, lines 1..LINES-2 the content, line
 * LINES-1 a bar with the keys or a message. Views return TUI_BACK or TUI_QUIT.
 */
#ifndef TUI_SCREEN_H
#define TUI_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "msg.h"
#include "sat_bundle.h"
#include "sat_search.h"
#include "sat_text.h"
#include "tui_text.h"

#define TUI_BACK 0
#define TUI_QUIT 1

/* What is known about an entry's content (tui_app.state). */
#define TUI_ST_UNKNOWN 0
#define TUI_ST_OK 1
#define TUI_ST_DAMAGED 2

typedef struct tui_app {
    sat_bundle *b;
    uint64_t n;
    unsigned char *state; /* n bytes, TUI_ST_* */
    sat_search *search;   /* opened on the first search */
    int search_rc;        /* 0 not tried yet or open; else why it cannot be opened */
    char search_err[SAT_ERR_MSG_MAX];
} tui_app;

/* rmsg_appendf for a table string taking one %s, arg sanitised first (untrusted text). */
int tui_msgf_safe(sat_buf *out, rmsg_id id, const char *arg);

/* One key: fn set for a function key (KEY_* of curses), else ch is a character. */
typedef struct tui_key {
    int fn;
    wint_t ch;
} tui_key;

#define TUI_EV_KEY 0
#define TUI_EV_RESIZE 1
#define TUI_EV_QUIT 2

/* Waits for a key. TUI_EV_QUIT when a signal asked to stop (the caller unwinds);
 * TUI_EV_RESIZE after the window changed size. The panic keys never return: they
 * clear the screen and end the process (status 0). */
int tui_key_read(tui_key *k);
/* 1 if the key is ch (a character) */
int tui_key_is(const tui_key *k, wint_t ch);
/* 1 for Esc. */
int tui_key_esc(const tui_key *k);
/* 1 for Enter (also keypad Enter). */
int tui_key_enter(const tui_key *k);

/* 1 if the window is too small to draw on (then a message is shown instead). */
int tui_too_small(void);
/* Draws s[0..len) (already sanitised and at most COLS columns) on line y, rest cleared;
 * reverse video if bar. */
void tui_line(int y, const char *s, size_t len, int bar);
/* Draws untrusted or interface text on line y, sanitised and cut to COLS with "…". */
void tui_line_text(int y, const char *s, int bar);
/* Shows msg on the bottom line until a key is pressed. TUI_QUIT when a signal came. */
int tui_notice(const char *msg);
/* Edits one line on the bottom row after label: *line holds the text (kept between
 * calls). Returns 1 on Enter, 0 on Esc, TUI_QUIT on a signal. */
int tui_prompt(const char *label, sat_buf *line);

/* The kind's name in the interface language. */
const char *tui_kind_label(sat_kind k);
/* Draws the library row of entry idx on line y (marked damaged when known so). The
 * entry's index page stays loaded. */
void tui_entry_row(tui_app *app, int y, uint64_t idx, int selected);
/* Opens entry idx in the reading view (or says why it cannot). */
int tui_read_entry(tui_app *app, uint64_t idx);
/* The help screen. */
int tui_help(void);
/* The search box, until Esc. */
int tui_search(tui_app *app);
/* The library, until q. */
int tui_library(tui_app *app);

/* A scrolling view of text laid out anew for each width by render (which appends to
 * out). keys is the bottom bar. on_key, if set, is offered every key the pager does not
 * use; it returns -1 to say "not mine", TUI_BACK/TUI_QUIT to leave, 2 to redraw (and
 * may move *top). With any_key, any key leaves. */
typedef int (*tui_render_fn)(void *ctx, size_t width, sat_buf *out);
typedef int (*tui_pager_key_fn)(void *ctx, const tui_key *k, const sat_buf *text,
                                const tui_lines *tl, size_t *top);
int tui_pager(const char *title, const char *keys, tui_render_fn render, void *ctx,
              tui_pager_key_fn on_key, int any_key);

#endif
