/* test_msg.c - tests for reader/msg.c: the interface text table and the language choice */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "sat_text.h"

/* Writes the printf conversions of s into out ("%s%lu" for "a %s b %lu"), skipping
 * "%%". Fails the test on a conversion it cannot read. */
static void conversions(const char *name, const char *s, char *out, size_t cap)
{
    size_t o = 0;

    for (; *s != '\0'; s++) {
        const char *start;

        if (*s != '%')
            continue;
        if (s[1] == '%') {
            s++;
            continue;
        }
        start = s++;
        while (*s != '\0' && strchr("-+ #0123456789.*", *s) != NULL)
            s++;
        while (*s != '\0' && strchr("hlzjt", *s) != NULL)
            s++;
        if (*s == '\0' || strchr("sdiuxXcp", *s) == NULL)
            fail_msg("%s: unreadable conversion in \"%s\"", name, start);
        if (o + (size_t)(s - start) + 2 > cap)
            fail_msg("%s: too many conversions", name);
        memcpy(out + o, start, (size_t)(s - start) + 1);
        o += (size_t)(s - start) + 1;
    }
    out[o] = '\0';
}

/* Every entry: present in both languages, valid UTF-8, no control character but a line
 * feed, no dangerous code point, Korean text holding Hangul, same conversions. */
static void t_table_complete(void **state)
{
    unsigned id;

    (void)state;
    assert_true(RMSG_COUNT > 0);
    for (id = 0; id < RMSG_COUNT; id++) {
        const char *name = rmsg_name((rmsg_id)id);
        char conv[RMSG_LANGS][128];
        int lang, hangul = 0;

        assert_true(strncmp(name, "MSG_", 4) == 0);
        for (lang = 0; lang < RMSG_LANGS; lang++) {
            const char *s = rmsg_in((rmsg_id)id, (rmsg_lang)lang);
            size_t len = strlen(s), i = 0, off = 0;

            if (len == 0)
                fail_msg("%s has no %s text", name, lang == RMSG_KO ? "Korean" : "English");
            if (!sat_utf8_valid(s, len, &off))
                fail_msg("%s (%d): invalid UTF-8 at byte %zu", name, lang, off);
            while (i < len) {
                uint32_t cp;
                size_t n = sat_utf8_decode(s + i, len - i, &cp);

                assert_true(n > 0);
                if (cp != '\n' && (cp < 0x20 || cp == 0x7f || sat_cp_is_dangerous(cp)))
                    fail_msg("%s (%d): control or dangerous character U+%04X", name, lang,
                             (unsigned)cp);
                if (cp >= 0xAC00 && cp <= 0xD7A3)
                    hangul++;
                i += n;
            }
            if (lang == RMSG_EN && hangul > 0)
                fail_msg("%s: the English text holds Hangul", name);
            conversions(name, s, conv[lang], sizeof conv[lang]);
        }
        if (hangul == 0)
            fail_msg("%s: the Korean text holds no Hangul (untranslated?)", name);
        if (strcmp(conv[RMSG_EN], conv[RMSG_KO]) != 0)
            fail_msg("%s: conversions differ: English \"%s\", Korean \"%s\"", name,
                     conv[RMSG_EN], conv[RMSG_KO]);
    }
}

static void t_lookup(void **state)
{
    (void)state;
    rmsg_set_lang(RMSG_EN);
    assert_int_equal(rmsg_get_lang(), RMSG_EN);
    assert_string_equal(rmsg(MSG_HTML_VERIFIED), "Verified");
    rmsg_set_lang(RMSG_KO);
    assert_int_equal(rmsg_get_lang(), RMSG_KO);
    assert_string_equal(rmsg(MSG_HTML_VERIFIED), "확인됨");
    assert_string_equal(rmsg_in(MSG_HTML_VERIFIED, RMSG_EN), "Verified");
    assert_string_equal(rmsg((rmsg_id)RMSG_COUNT), "");
    assert_string_equal(rmsg_in(MSG_HTML_VERIFIED, (rmsg_lang)7), "");
    assert_string_equal(rmsg_name(MSG_HTML_VERIFIED), "MSG_HTML_VERIFIED");
    assert_string_equal(rmsg_name((rmsg_id)-1), "");
    assert_string_equal(rmsg_lang_code(RMSG_KO), "ko");
    assert_string_equal(rmsg_lang_code(RMSG_EN), "en");
    rmsg_set_lang(RMSG_EN);
}

/* The current language's text with its arguments, also past the first buffer's size. */
static void t_appendf(void **state)
{
    sat_buf out = {0};
    char longarg[2000];

    (void)state;
    rmsg_set_lang(RMSG_KO);
    assert_int_equal(rmsg_appendf(&out, MSG_TUI_ENTRIES_N, 35UL), 0);
    assert_string_equal(out.data, "항목 35개");
    rmsg_set_lang(RMSG_EN);
    memset(longarg, 'x', sizeof longarg - 1);
    longarg[sizeof longarg - 1] = '\0';
    out.len = 0;
    assert_int_equal(rmsg_appendf(&out, MSG_TUI_NOT_GENUINE, longarg), 0);
    assert_int_equal(out.len, strlen(rmsg(MSG_TUI_NOT_GENUINE)) - 2 + sizeof longarg - 1);
    assert_non_null(strstr(out.data, longarg));
    sat_buf_free(&out);
}

static void t_parse(void **state)
{
    static const char *const ko[] = {"ko", "KO", "kor", "Korean", "한국어", "ko_KR.UTF-8"};
    static const char *const en[] = {"en", "EN", "eng", "english", "en_US.UTF-8"};
    static const char *const bad[] = {"", "k", "kok", "fr", "korea", "en-", "영어"};
    rmsg_lang l;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof ko / sizeof ko[0]; i++) {
        l = RMSG_EN;
        assert_int_equal(rmsg_lang_parse(ko[i], &l), 0);
        assert_int_equal(l, RMSG_KO);
    }
    for (i = 0; i < sizeof en / sizeof en[0]; i++) {
        l = RMSG_KO;
        assert_int_equal(rmsg_lang_parse(en[i], &l), 0);
        assert_int_equal(l, RMSG_EN);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        l = RMSG_KO;
        if (rmsg_lang_parse(bad[i], &l) != -1)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_int_equal(l, RMSG_KO);
    }
    assert_int_equal(rmsg_lang_parse(NULL, &l), -1);
}

static void env(const char *language, const char *all, const char *messages, const char *lang)
{
    const char *const names[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    const char *const vals[] = {language, all, messages, lang};
    size_t i;

    for (i = 0; i < 4; i++) {
        if (vals[i] == NULL)
            unsetenv(names[i]);
        else
            setenv(names[i], vals[i], 1);
    }
}

static void t_from_env(void **state)
{
    (void)state;
    env(NULL, NULL, NULL, NULL);
    assert_int_equal(rmsg_lang_from_env(), RMSG_EN);
    env(NULL, NULL, NULL, "ko_KR.UTF-8");
    assert_int_equal(rmsg_lang_from_env(), RMSG_KO);
    env(NULL, NULL, NULL, "ko");
    assert_int_equal(rmsg_lang_from_env(), RMSG_KO);
    env(NULL, NULL, NULL, "kok_IN");
    assert_int_equal(rmsg_lang_from_env(), RMSG_EN);
    env(NULL, NULL, "C", "ko_KR.UTF-8"); /* LC_MESSAGES before LANG */
    assert_int_equal(rmsg_lang_from_env(), RMSG_EN);
    env(NULL, "ko_KR.UTF-8", "C", "C"); /* LC_ALL before both */
    assert_int_equal(rmsg_lang_from_env(), RMSG_KO);
    env(NULL, "", "", "ko_KR.UTF-8"); /* empty means unset */
    assert_int_equal(rmsg_lang_from_env(), RMSG_KO);
    env("en:ko", "ko_KR.UTF-8", NULL, NULL); /* LANGUAGE first */
    assert_int_equal(rmsg_lang_from_env(), RMSG_EN);
    env("ko:en", "C", NULL, NULL);
    assert_int_equal(rmsg_lang_from_env(), RMSG_KO);
    env(NULL, NULL, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_table_complete),
        cmocka_unit_test(t_lookup),
        cmocka_unit_test(t_appendf),
        cmocka_unit_test(t_parse),
        cmocka_unit_test(t_from_env),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
