/*
 * test_tui_env.c - what the terminal interface needs from the machine (reader/tui_env.c):
 * with LC_CTYPE "C" it switches to a UTF-8 locale by itself (Debian always has C.UTF-8),
 * keeps a UTF-8 one as it is, and its messages come in both languages, the interface's
 * first. The case of no UTF-8 locale at all is tests/e2e/t_static_reader.sh (an empty
 * chroot).
 */
#include <langinfo.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui_env.h"

static void test_utf8_from_c(void **state)
{
    const char *got;

    (void)state;
    assert_non_null(setlocale(LC_ALL, "C"));
    assert_string_not_equal(nl_langinfo(CODESET), "UTF-8");
    got = tui_env_utf8();
    assert_non_null(got);
    assert_string_equal(nl_langinfo(CODESET), "UTF-8");
    /* already UTF-8: kept */
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    got = tui_env_utf8();
    assert_non_null(got);
    assert_true(strstr(got, "UTF-8") != NULL || strstr(got, "utf8") != NULL);
    setlocale(LC_ALL, "C");
}

/* Runs tui_env_say with stderr going to a temporary file; returns its text (malloc'd). */
static char *said(rmsg_id id, const char *arg)
{
    FILE *tmp = tmpfile();
    int saved = dup(2);
    char *buf = calloc(1, 4096);
    size_t n;

    assert_non_null(tmp);
    assert_non_null(buf);
    assert_true(saved >= 0);
    fflush(stderr);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    tui_env_say(id, arg);
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    rewind(tmp);
    n = fread(buf, 1, 4095, tmp);
    buf[n] = '\0';
    fclose(tmp);
    return buf;
}

static void test_say_both_languages(void **state)
{
    char *s;
    const char *ko, *en;

    (void)state;
    rmsg_set_lang(RMSG_KO);
    s = said(MSG_TUI_TERM_FAIL, "vt\x1b[2Jx");
    ko = strstr(s, "단말기(TERM=");
    en = strstr(s, "no description of this terminal (TERM=");
    assert_non_null(ko);
    assert_non_null(en);
    assert_true(ko < en); /* the interface language first */
    assert_null(strchr(s, '\x1b')); /* the argument's escape is removed */
    assert_int_equal(rmsg_get_lang(), RMSG_KO); /* the language is left as it was */
    free(s);
    rmsg_set_lang(RMSG_EN);
    s = said(MSG_TUI_NO_UTF8, "");
    ko = strstr(s, "UTF-8 로케일이 없어서");
    en = strstr(s, "no UTF-8 locale");
    assert_non_null(ko);
    assert_non_null(en);
    assert_true(en < ko);
    assert_int_equal(rmsg_get_lang(), RMSG_EN);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_from_c),
        cmocka_unit_test(test_say_both_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
