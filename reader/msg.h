/*
 * msg.h - the reader's interface text, in English and in Korean.
 *
 * Every string the terminal interface (browse) and the web export show comes from
 * one table, each entry in both languages side by side, so a string cannot exist in
 * one language only: the entries live in msg_tui.def and msg_html.def as
 *
 *     MSG(ID, "English", "한국어")
 *
 * and tests/test_msg.c checks that both texts are present, valid UTF-8, free of
 * control characters, that the Korean one is Korean, and that both take the same
 * printf conversions in the same order.
 *
 *   rmsg_set_lang(rmsg_lang_from_env());              or rmsg_lang_parse(arg, &l)
 *   printf(rmsg(MSG_TUI_GENUINE));
 *   printf(rmsg(MSG_TUI_ENTRIES_N), n);               conversions as in the table
 */
#ifndef MSG_H
#define MSG_H

#include "sat_text.h"

typedef enum rmsg_lang { RMSG_EN = 0, RMSG_KO = 1 } rmsg_lang;
#define RMSG_LANGS 2

typedef enum rmsg_id {
#define MSG(id, en, ko) id,
#include "msg_tui.def"
#include "msg_html.def"
#undef MSG
    RMSG_COUNT
} rmsg_id;

/* The language the environment asks for, as gettext reads it: the first of
 * LANGUAGE (its first item), LC_ALL, LC_MESSAGES, LANG that is set and not empty.
 * Korean when that names Korean ("ko", "ko_KR.UTF-8", ...), English otherwise (also
 * for "C" and "POSIX"). */
rmsg_lang rmsg_lang_from_env(void);

/* Parses a --lang argument: "ko", "kor", "korean", "한국어" or a locale name
 * starting with "ko_" give Korean; "en", "eng", "english" or "en_..." English
 * (case ignored for ASCII). Returns 0 and sets *out, or -1 for anything else. */
int rmsg_lang_parse(const char *s, rmsg_lang *out);

/* Sets / returns the language rmsg() answers in (English until set). */
void rmsg_set_lang(rmsg_lang lang);
rmsg_lang rmsg_get_lang(void);

/* The text of id in the current language / in lang. Never NULL: an id out of range
 * gives "". The strings are static. */
const char *rmsg(rmsg_id id);
const char *rmsg_in(rmsg_id id, rmsg_lang lang);

/* The identifier of id as written in the table ("MSG_TUI_GENUINE"), for tests and
 * error messages; "" when out of range. */
const char *rmsg_name(rmsg_id id);

/* Appends the text of id in the current language, used as a printf format with the
 * arguments that follow (tests/test_msg.c checks that both languages take the same
 * conversions). Returns 0, SAT_E_NOMEM, or SAT_E_ARG when formatting fails. */
int rmsg_appendf(sat_buf *out, rmsg_id id, ...);

/* The language's code for HTML's lang attribute: "en" or "ko". */
const char *rmsg_lang_code(rmsg_lang lang);

#endif
