/*
 * tui.c - `satchel-read browse`: opening and verifying, the terminal (start, restore,
 * signals, panic key), the screen helpers every view uses, the verification banner and
 * the help screen. The library is in tui_library.c, the search box in tui_search.c, the
 * reading view in tui_read.c.
 *
 * The terminal is restored on every way out: normal return, a signal (SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT only set a flag; the key loop sees it within TUI_TICK_MS and unwinds),
 * exit() from anywhere (atexit), and the panic key (F12 or Ctrl-X), which clears the
 * screen, leaves curses, clears the normal screen too (and the terminal's scrollback
 * where its terminfo entry says how: the E3 capability) and ends the process at once.
 */
#include "tui.h"

#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "render_term.h"
#include "tui_screen.h"
#include "tui_env.h"
#include "tui_text.h"

/* How often the key loop looks at the signal flag. */
#define TUI_TICK_MS 150
/* Ctrl-X: the panic key that every keyboard has. */
#define TUI_CTRL_X 0x18
/* Bundles older than this many days get a warning on the banner. */
#define TUI_OLD_DAYS 90

static volatile sig_atomic_t got_signal;
static int term_started;

/* ------------------------------------------------------------------------
 * Formatted interface text
 * ------------------------------------------------------------------------ */

int tui_msgf_safe(sat_buf *out, rmsg_id id, const char *arg)
{
    sat_buf clean = {0};
    int rc = sat_text_sanitize(&clean, arg, strlen(arg), 0);

    if (rc == 0)
        rc = rmsg_appendf(out, id, clean.data ? clean.data : "");
    sat_buf_free(&clean);
    return rc;
}

/* ------------------------------------------------------------------------
 * The terminal
 * ------------------------------------------------------------------------ */

static void on_signal(int sig)
{
    got_signal = sig;
}

/* Leaves curses if it is on; safe to call twice. */
static void term_restore(void)
{
    if (term_started && !isendwin()) {
        curs_set(1);
        endwin();
    }
}

static int term_start(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa;
    size_t i;
    SCREEN *scr;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a pending read returns and the flag is seen */
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    atexit(term_restore);
    /* newterm, unlike initscr, returns NULL instead of exiting on an unknown TERM */
    scr = newterm(NULL, stdout, stdin);
    if (scr == NULL)
        return -1;
    term_started = 1;
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    wtimeout(stdscr, TUI_TICK_MS);
    return 0;
}

/* The panic key: nothing of the session may stay visible. */
static void term_panic(void)
{
    const char *cl, *e3;

    erase();
    refresh();
    endwin();
    cl = tigetstr("clear");
    e3 = tigetstr("E3"); /* clears the scrollback; only sent when terminfo has it */
    if (cl != NULL && cl != (char *)-1)
        putp(cl);
    if (e3 != NULL && e3 != (char *)-1)
        putp(e3);
    fflush(stdout);
    _exit(0);
}

int tui_key_read(tui_key *k)
{
    wint_t ch = 0;
    int r;

    for (;;) {
        if (got_signal)
            return TUI_EV_QUIT;
        r = get_wch(&ch);
        if (r == ERR)
            continue;
        if (got_signal)
            return TUI_EV_QUIT;
        k->fn = r == KEY_CODE_YES ? (int)ch : 0;
        k->ch = r == KEY_CODE_YES ? 0 : ch;
        if (k->fn == KEY_F(12) || (!k->fn && k->ch == TUI_CTRL_X))
            term_panic();
        if (k->fn == KEY_RESIZE)
            return TUI_EV_RESIZE;
        return TUI_EV_KEY;
    }
}

int tui_key_is(const tui_key *k, wint_t ch)
{
    return !k->fn && k->ch == ch;
}

int tui_key_esc(const tui_key *k)
{
    return tui_key_is(k, 27);
}

int tui_key_enter(const tui_key *k)
{
    return tui_key_is(k, '\r') || tui_key_is(k, '\n') || k->fn == KEY_ENTER;
}

int tui_too_small(void)
{
    if (LINES >= 5 && COLS >= 20)
        return 0;
    erase();
    mvaddnstr(0, 0, rmsg(MSG_TUI_TOO_SMALL), -1);
    refresh();
    return 1;
}

void tui_line(int y, const char *s, size_t len, int bar)
{
    if (bar)
        attron(A_REVERSE);
    move(y, 0);
    clrtoeol();
    if (len > 0)
        mvaddnstr(y, 0, s, (int)len);
    if (bar) {
        int cx = getcury(stdscr) == y ? getcurx(stdscr) : COLS;
        /* the bottom right cell cannot take a character without scrolling */
        while (cx < COLS - (y == LINES - 1))
            mvaddch(y, cx++, ' ');
        attroff(A_REVERSE);
    }
}

void tui_line_text(int y, const char *s, int bar)
{
    sat_buf b = {0};

    if (rt_field(&b, s, strlen(s), (size_t)(COLS > 1 ? COLS - 1 : 1), 0, NULL) == 0)
        tui_line(y, b.data ? b.data : "", b.len, bar);
    sat_buf_free(&b);
}

int tui_notice(const char *msg)
{
    sat_buf clean = {0}, wrapped = {0};
    tui_lines l = {0};
    tui_key k;
    size_t i, first;
    int ev;

    /* over as many bottom lines as it needs (at most half the window): a message cut
     * short could lose what matters ("nothing was overwritten") */
    if (sat_text_sanitize(&clean, msg, strlen(msg), 0) == 0 && clean.len > 0 &&
        sat_text_wrap(&wrapped, clean.data, clean.len, (size_t)(COLS > 11 ? COLS - 1 : 10),
                      NULL) == 0 &&
        tui_lines_split(&l, wrapped.data, wrapped.len) == 0) {
        first = l.n < (size_t)LINES / 2 ? (size_t)LINES - l.n : (size_t)LINES - LINES / 2;
        for (i = 0; first + i < (size_t)LINES && i < l.n; i++)
            tui_line((int)(first + i), wrapped.data + l.off[i], l.len[i], 1);
    } else {
        tui_line_text(LINES - 1, msg, 1);
    }
    tui_lines_free(&l);
    sat_buf_free(&clean);
    sat_buf_free(&wrapped);
    refresh();
    do
        ev = tui_key_read(&k);
    while (ev == TUI_EV_RESIZE);
    return ev == TUI_EV_QUIT ? TUI_QUIT : TUI_BACK;
}

int tui_prompt(const char *label, sat_buf *line)
{
    tui_key k;
    sat_buf shown = {0};
    int ev, rc = 0;

    curs_set(1);
    for (;;) {
        size_t lw = sat_text_width(label, strlen(label));
        shown.len = 0;
        sat_buf_puts(&shown, label);
        /* the end of the text stays visible however long it gets */
        if (line->len > 0) {
            size_t off = 0, room = (size_t)COLS > lw + 2 ? (size_t)COLS - lw - 2 : 1;
            while (off < line->len && sat_text_width(line->data + off, line->len - off) > room)
                off++;
            while (off < line->len && ((unsigned char)line->data[off] & 0xC0) == 0x80)
                off++;
            sat_text_sanitize(&shown, line->data + off, line->len - off, 0);
        }
        tui_line(LINES - 1, shown.data, shown.len, 0);
        refresh();
        ev = tui_key_read(&k);
        if (ev == TUI_EV_QUIT) {
            rc = TUI_QUIT;
            break;
        }
        if (ev == TUI_EV_RESIZE)
            continue;
        if (tui_key_enter(&k)) {
            rc = 1;
            break;
        }
        if (tui_key_esc(&k)) {
            rc = 0;
            break;
        }
        if (k.fn == KEY_BACKSPACE || tui_key_is(&k, 127) || tui_key_is(&k, 8))
            tui_edit_backspace(line);
        else if (!k.fn)
            tui_edit_insert(line, (uint32_t)k.ch);
    }
    curs_set(0);
    sat_buf_free(&shown);
    return rc;
}

/* ------------------------------------------------------------------------
 * The banner and the help screen
 * ------------------------------------------------------------------------ */

typedef struct banner {
    tui_app *app;
    int builtin; /* the signer is a compiled-in key */
} banner;

/* Appends one paragraph: the table string id with one string argument, then a blank
 * line. The argument may be untrusted: rt_body sanitises the whole paragraph, and the
 * paragraph starts with the table's words, never with a gemtext marker. */
static void para(sat_buf *t, rmsg_id id, const char *arg)
{
    rmsg_appendf(t, id, arg);
    sat_buf_puts(t, "\n\n");
}

static int banner_render(void *ctx, size_t width, sat_buf *out)
{
    banner *bn = ctx;
    const sat_manifest *m = sat_bundle_manifest(bn->app->b);
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17];
    long long created = 0, age;
    sat_buf t = {0};
    int rc;

    sat_pubkey_fingerprint(sat_bundle_signer(bn->app->b), fp);
    sat_pubkey_keyid(sat_bundle_signer(bn->app->b), keyid);
    sat_buf_printf(&t, "# %s\n\n", rmsg(MSG_TUI_BANNER_TITLE));
    sat_buf_printf(&t, "%s\n\n", rmsg(MSG_TUI_GENUINE));
    para(&t, MSG_TUI_BUNDLE, m->head.title);
    if (m->head.publisher != NULL)
        para(&t, MSG_TUI_PUBLISHER, m->head.publisher);
    if (m->head.collection.present) { /* one line: which volume this is (SPEC 4.3) */
        char hex[2 * SAT_COLLECTION_ID_BYTES + 1];
        sat_hex(m->head.collection.id, SAT_COLLECTION_ID_BYTES, hex);
        hex[8] = '\0';
        rmsg_appendf(&t, MSG_TUI_VOLUME, (unsigned)m->head.collection.volume,
                     (unsigned)m->head.collection.volumes, hex);
        sat_buf_puts(&t, "\n\n");
    }
    para(&t, MSG_TUI_SIGNER, keyid);
    para(&t, MSG_TUI_FINGERPRINT, fp);
    para(&t, MSG_TUI_FP_HINT, NULL);
    sat_buf_printf(&t, "%s\n\n", rmsg(bn->builtin ? MSG_TUI_TRUST_BUILTIN : MSG_TUI_TRUST_GIVEN));
    sat_time_parse(m->head.created, &created);
    age = ((long long)time(NULL) - created) / 86400;
    if (created > (long long)time(NULL) + 86400) {
        rmsg_appendf(&t, MSG_TUI_CREATED_FUTURE, m->head.created);
    } else {
        rmsg_appendf(&t, MSG_TUI_CREATED, m->head.created, age < 0 ? 0 : age);
        if (age > TUI_OLD_DAYS) {
            sat_buf_puts(&t, "\n\n");
            rmsg_appendf(&t, MSG_TUI_OLD_WARN, TUI_OLD_DAYS);
        }
    }
    sat_buf_puts(&t, "\n\n");
    if (sat_bundle_head_problem(bn->app->b) != NULL)
        para(&t, MSG_TUI_HEAD_DAMAGED, sat_bundle_head_problem(bn->app->b));
    rmsg_appendf(&t, MSG_TUI_ENTRIES_N, (unsigned long)bn->app->n);
    sat_buf_puts(&t, "\n");
    rc = t.data != NULL ? rt_body(out, t.data, t.len, width, NULL) : SAT_E_NOMEM;
    sat_buf_free(&t);
    return rc;
}

/* The help lines are consecutive in msg_tui.def. */
_Static_assert(MSG_TUI_HELP_15 - MSG_TUI_HELP_01 == 14, "msg_tui.def: help lines out of order");

static int help_render(void *ctx, size_t width, sat_buf *out)
{
    sat_buf t = {0};
    int id, rc;

    (void)ctx;
    for (id = MSG_TUI_HELP_01; id <= MSG_TUI_HELP_15; id++) {
        const char *s = rmsg((rmsg_id)id);
        sat_buf_printf(&t, "%s%s\n", s[0] == '#' && id > MSG_TUI_HELP_01 ? "\n" : "", s);
    }
    rc = t.data != NULL ? rt_body(out, t.data, t.len, width, NULL) : SAT_E_NOMEM;
    sat_buf_free(&t);
    return rc;
}

int tui_help(void)
{
    return tui_pager(rmsg(MSG_TUI_HELP_TITLE), rmsg(MSG_TUI_HELP_KEYS), help_render, NULL, NULL,
                     0);
}

/* 1 if the signer is one of the keys compiled into this reader. */
static int signer_builtin(const sat_bundle *b)
{
    rk_set builtin;
    const sat_pubkey *s = sat_bundle_signer(b);
    size_t i;

    memset(&builtin, 0, sizeof builtin);
    if (rk_add_builtin(&builtin, NULL) != 0)
        return 0;
    for (i = 0; i < builtin.n; i++)
        if (memcmp(&builtin.keys[i], s, sizeof *s) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------------------
 * browse
 * ------------------------------------------------------------------------ */

/* What a refusal to open says first, by the library's error code (its message, in
 * English, follows as the detail). */
static rmsg_id why_of(int rc)
{
    switch (rc) {
    case SAT_E_SIG:
        return MSG_TUI_WHY_SIG;
    case SAT_E_UNTRUSTED:
        return MSG_TUI_WHY_UNTRUSTED;
    case SAT_E_FORMAT:
        return MSG_TUI_WHY_FORMAT;
    case SAT_E_LIMIT:
        return MSG_TUI_WHY_LIMIT;
    case SAT_E_IO:
        return MSG_TUI_WHY_IO;
    default:
        return MSG_TUI_WHY_OTHER;
    }
}

/* The reading view's header labels and link words in the interface language. */
static void set_render_words(void)
{
    static rt_labels words;

    words.date = rmsg(MSG_TUI_META_DATE);
    words.author = rmsg(MSG_TUI_META_AUTHOR);
    words.source = rmsg(MSG_TUI_META_SOURCE);
    words.lang = rmsg(MSG_TUI_META_LANG);
    words.section = rmsg(MSG_TUI_META_SECTION);
    words.tags = rmsg(MSG_TUI_META_TAGS);
    words.untitled = rmsg(MSG_TUI_META_UNTITLED);
    words.links = rmsg(MSG_TUI_META_LINKS);
    words.attachment = rmsg(MSG_TUI_META_ATTACHMENT);
    rt_set_labels(&words);
}

int tui_browse(const char *path, const rk_set *keys)
{
    static const struct rlimit nocore = {0, 0};
    tui_app app;
    banner bn;
    sat_err err = {0};
    sat_buf why = {0};
    int rc, status = 0;

    memset(&app, 0, sizeof app);
    if (!isatty(0) || !isatty(1)) {
        rmsg_appendf(&why, MSG_TUI_NEED_TTY, "satchel-read", "satchel-read");
        fprintf(stderr, "satchel-read: %s\n", why.data ? why.data : "");
        sat_buf_free(&why);
        return 2;
    }
    /* wide characters need a UTF-8 locale (everything shown is UTF-8): checked before the
     * bundle is verified, which can take minutes on a DVD */
    if (tui_env_utf8() == NULL) {
        tui_env_say(MSG_TUI_NO_UTF8, "");
        return 2;
    }
    /* a crash must not leave a core file behind either */
    setrlimit(RLIMIT_CORE, &nocore);
    set_render_words();
    rc = sat_bundle_open(path, keys->keys, keys->n, &app.b, &err);
    if (rc != 0) {
        int forged = rc == SAT_E_SIG || rc == SAT_E_UNTRUSTED || rc == SAT_E_FORMAT ||
                     rc == SAT_E_LIMIT;
        sat_buf reason = {0};
        /* the reason in the interface language, the library's (English) detail after it */
        if (tui_msgf_safe(&reason, why_of(rc), err.msg) != 0 || reason.data == NULL)
            sat_buf_puts(&reason, "?");
        rmsg_appendf(&why, forged ? MSG_TUI_NOT_GENUINE : MSG_TUI_CANNOT_OPEN,
                 reason.data ? reason.data : "?");
        sat_buf_free(&reason);
        fprintf(stderr, "satchel-read: %s\n", why.data ? why.data : "");
        sat_buf_free(&why);
        return forged ? 3 : 1;
    }
    app.n = sat_bundle_count(app.b);
    app.state = calloc((size_t)app.n + 1, 1);
    if (app.state == NULL) {
        fprintf(stderr, "satchel-read: out of memory\n");
        status = 1;
        goto cleanup;
    }
    if (term_start() != 0) {
        const char *t = getenv("TERM");
        /* in both languages: LANG may not say which one the reader reads */
        tui_env_say(t == NULL || t[0] == '\0' ? MSG_TUI_NO_TERM : MSG_TUI_TERM_FAIL, t ? t : "");
        status = 2;
        goto cleanup;
    }
    bn.app = &app;
    bn.builtin = signer_builtin(app.b);
    if (tui_pager(rmsg(MSG_TUI_BANNER_TITLE), rmsg(MSG_TUI_ANY_KEY), banner_render, &bn, NULL,
                  1) != TUI_QUIT)
        tui_library(&app);
    status = got_signal ? 128 + got_signal : 0;
cleanup:
    term_restore();
    sat_buf_free(&why);
    sat_search_free(app.search);
    free(app.state);
    sat_bundle_close(app.b);
    return status;
}
