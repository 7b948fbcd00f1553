/*
 * tui_env.c - a UTF-8 character type for the terminal interface, and the messages that
 * say what is missing when the machine cannot give one (tui_env.h).
 */
#include "tui_env.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "tui_screen.h"

/* Tried in this order when the user's locale is not UTF-8: C.UTF-8 first (no language
 * rules attached; glibc 2.35+, Debian and Fedora ship it), then Korean and English ones.
 * glibc also accepts the normalised "utf8" spelling; other libraries only one of them. */
static const char *const utf8_locales[] = {
    "C.UTF-8",     "C.utf8",      "ko_KP.UTF-8", "ko_KP.utf8", "ko_KR.UTF-8",
    "ko_KR.utf8",  "en_US.UTF-8", "en_US.utf8",  "en_GB.UTF-8", "en_GB.utf8",
};

static int ctype_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

const char *tui_env_utf8(void)
{
    char before[256];
    const char *cur = setlocale(LC_CTYPE, NULL);
    size_t i;

    if (ctype_is_utf8())
        return cur;
    /* a name too long to keep cannot be restored exactly: "C" then, as with no locale */
    if (cur == NULL || snprintf(before, sizeof before, "%s", cur) >= (int)sizeof before)
        snprintf(before, sizeof before, "C");
    for (i = 0; i < sizeof utf8_locales / sizeof utf8_locales[0]; i++) {
        /* a locale that loads but is not UTF-8 (a broken alias) is not kept */
        if (setlocale(LC_CTYPE, utf8_locales[i]) != NULL) {
            if (ctype_is_utf8())
                return utf8_locales[i];
        }
    }
    setlocale(LC_CTYPE, before);
    return NULL;
}

void tui_env_say(rmsg_id id, const char *arg)
{
    rmsg_lang first = rmsg_get_lang();
    rmsg_lang second = first == RMSG_KO ? RMSG_EN : RMSG_KO;
    rmsg_lang order[2];
    size_t i;

    order[0] = first;
    order[1] = second;
    for (i = 0; i < 2; i++) {
        sat_buf line = {0};
        rmsg_set_lang(order[i]);
        if (tui_msgf_safe(&line, id, arg) == 0 && line.data != NULL)
            fprintf(stderr, "satchel-read: %s\n", line.data);
        sat_buf_free(&line);
    }
    rmsg_set_lang(first);
}
