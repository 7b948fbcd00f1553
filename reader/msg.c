/*
 * msg.c - the reader's interface text table and the choice of language.
 */
#include "msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct msg_entry {
    const char *name;
    const char *text[RMSG_LANGS];
} msg_entry;

static const msg_entry table[RMSG_COUNT] = {
#define MSG(id, en, ko) [id] = {#id, {en, ko}},
#include "msg_tui.def"
#include "msg_html.def"
#undef MSG
};

static rmsg_lang current = RMSG_EN;

/* Korean when the locale name s starts with "ko" followed by nothing, '_', '.', '@',
 * '-' or ':' (the end of a LANGUAGE item); English otherwise. */
static rmsg_lang lang_of_locale(const char *s)
{
    if ((s[0] == 'k' || s[0] == 'K') && (s[1] == 'o' || s[1] == 'O') &&
        (s[2] == '\0' || s[2] == '_' || s[2] == '.' || s[2] == '@' || s[2] == '-' || s[2] == ':'))
        return RMSG_KO;
    return RMSG_EN;
}

rmsg_lang rmsg_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *v = getenv("LANGUAGE");
    size_t i;

    /* GNU gettext lets LANGUAGE (a colon-separated list) override the others, but
     * only when a locale is set at all; its first item decides here. */
    if (v != NULL && v[0] != '\0' && v[0] != ':')
        return lang_of_locale(v);
    for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0')
            return lang_of_locale(v);
    }
    return RMSG_EN;
}

int rmsg_lang_parse(const char *s, rmsg_lang *out)
{
    static const char *const ko[] = {"ko", "kor", "korean", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"};
    static const char *const en[] = {"en", "eng", "english"};
    size_t i;

    if (s == NULL)
        return -1;
    for (i = 0; i < sizeof ko / sizeof ko[0]; i++)
        if (strcasecmp(s, ko[i]) == 0 || (i == 0 && strncasecmp(s, "ko_", 3) == 0)) {
            *out = RMSG_KO;
            return 0;
        }
    for (i = 0; i < sizeof en / sizeof en[0]; i++)
        if (strcasecmp(s, en[i]) == 0 || (i == 0 && strncasecmp(s, "en_", 3) == 0)) {
            *out = RMSG_EN;
            return 0;
        }
    return -1;
}

void rmsg_set_lang(rmsg_lang lang)
{
    current = lang == RMSG_KO ? RMSG_KO : RMSG_EN;
}

rmsg_lang rmsg_get_lang(void)
{
    return current;
}

const char *rmsg_in(rmsg_id id, rmsg_lang lang)
{
    if ((unsigned)id >= RMSG_COUNT || (unsigned)lang >= RMSG_LANGS)
        return "";
    return table[id].text[lang];
}

const char *rmsg(rmsg_id id)
{
    return rmsg_in(id, current);
}

const char *rmsg_name(rmsg_id id)
{
    if ((unsigned)id >= RMSG_COUNT)
        return "";
    return table[id].name;
}

const char *rmsg_lang_code(rmsg_lang lang)
{
    return lang == RMSG_KO ? "ko" : "en";
}

/* The table's texts are formats the compiler cannot see; tests/test_msg.c checks them,
 * so the warning about a format that is not a literal is off in this one place. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int rmsg_appendf(sat_buf *out, rmsg_id id, ...)
{
    char small[512], *p = small;
    va_list ap;
    int n, rc;

    va_start(ap, id);
    n = vsnprintf(small, sizeof small, rmsg(id), ap);
    va_end(ap);
    if (n < 0)
        return SAT_E_ARG;
    if ((size_t)n >= sizeof small) {
        p = malloc((size_t)n + 1);
        if (p == NULL)
            return SAT_E_NOMEM;
        va_start(ap, id);
        n = vsnprintf(p, (size_t)n + 1, rmsg(id), ap);
        va_end(ap);
    }
    rc = n < 0 ? SAT_E_ARG : sat_buf_append(out, p, (size_t)n);
    if (p != small)
        free(p);
    return rc;
}
#pragma GCC diagnostic pop
