/*
 * tui_env.h - what the full-screen interface needs from the machine it runs on, checked
 * before curses starts: a UTF-8 character type (ncursesw turns every character it cannot
 * encode in the locale's charset into ~M escapes) and a terminal description.
 *
 *   if (tui_env_utf8() == NULL) { tui_env_say(MSG_TUI_NO_UTF8, ""); return 2; }
 *
 * The static reader (make static-reader) meets machines with no UTF-8 locale at all, or
 * only LANG=C; text commands (list, show) print UTF-8 bytes as they are and need none.
 */
#ifndef TUI_ENV_H
#define TUI_ENV_H

#include "msg.h"

/* Makes LC_CTYPE a UTF-8 one: keeps the current one when its charset is UTF-8, else
 * tries C.UTF-8 and a few common UTF-8 locales in turn. Returns the name of the locale in
 * use (static, or owned by the C library until the next setlocale), or NULL when none
 * exists; LC_CTYPE is then left as it was. */
const char *tui_env_utf8(void);

/* Prints "satchel-read: MESSAGE" on stderr in both interface languages, the current one
 * first; `arg` fills the message's one %s (control characters removed). */
void tui_env_say(rmsg_id id, const char *arg);

#endif
