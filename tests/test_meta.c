/* test_meta.c - tests for formats/sat_meta.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sat_meta.h"
#include "sat_text.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* A valid entry whose strings point at static text (never freed). */
static sat_meta good_meta(void)
{
    sat_meta m;

    memset(&m, 0, sizeof m);
    m.id = (char *)"2024-03-01_kcna-001";
    m.kind = SAT_KIND_ARTICLE;
    m.title = (char *)"평양에서 농업 회의 열려";
    m.date = (char *)"2024-03-01";
    m.lang = (char *)"ko";
    m.section = (char *)"경제";
    m.source = (char *)"KCNA";
    m.author = (char *)"김철수";
    m.tags = (char *)"농업,평양,economy";
    return m;
}

static void test_kinds(void **state)
{
    sat_kind k = SAT_KIND_COUNT;

    (void)state;
    assert_string_equal(sat_kind_name(SAT_KIND_ARTICLE), "article");
    assert_string_equal(sat_kind_name(SAT_KIND_TRANSCRIPT), "transcript");
    assert_string_equal(sat_kind_name(SAT_KIND_IMAGE), "image");
    assert_string_equal(sat_kind_name(SAT_KIND_AUDIO), "audio");
    assert_null(sat_kind_name(SAT_KIND_COUNT));
    assert_null(sat_kind_name((sat_kind)-1));

    assert_int_equal(sat_kind_parse(S("transcript"), &k), 0);
    assert_int_equal(k, SAT_KIND_TRANSCRIPT);
    assert_int_equal(sat_kind_parse(S("audio"), &k), 0);
    assert_int_equal(k, SAT_KIND_AUDIO);
    /* only exact names, length-bounded */
    assert_int_equal(sat_kind_parse("imagex", 5, &k), 0);
    assert_int_equal(k, SAT_KIND_IMAGE);
    assert_int_equal(sat_kind_parse(S("images"), &k), SAT_E_FORMAT);
    assert_int_equal(sat_kind_parse(S("art"), &k), SAT_E_FORMAT);
    assert_int_equal(sat_kind_parse(S("Article"), &k), SAT_E_FORMAT);
    assert_int_equal(sat_kind_parse(S(""), &k), SAT_E_FORMAT);
    assert_int_equal(sat_kind_parse("article\0", 8, &k), SAT_E_FORMAT);

    assert_true(sat_kind_is_text(SAT_KIND_ARTICLE));
    assert_true(sat_kind_is_text(SAT_KIND_TRANSCRIPT));
    assert_false(sat_kind_is_text(SAT_KIND_IMAGE));
    assert_false(sat_kind_is_text(SAT_KIND_AUDIO));
    assert_false(sat_kind_is_text(SAT_KIND_COUNT));
}

static void test_id(void **state)
{
    char id[SAT_ID_MAX + 2];

    (void)state;
    assert_true(sat_id_valid(S("a")));
    assert_true(sat_id_valid(S("2024-03-01_kcna.001")));
    assert_true(sat_id_valid(S("A.b-c_D9")));
    assert_true(sat_id_valid(S("photo.jpg")));
    memset(id, 'x', sizeof id);
    assert_true(sat_id_valid(id, SAT_ID_MAX));
    assert_false(sat_id_valid(id, SAT_ID_MAX + 1));

    assert_false(sat_id_valid(S("")));
    assert_false(sat_id_valid(NULL, 0));
    assert_false(sat_id_valid(S(".hidden")));
    assert_false(sat_id_valid(S(".")));
    assert_false(sat_id_valid(S("..")));
    assert_false(sat_id_valid(S("-rf")));
    assert_false(sat_id_valid(S("a/b")));
    assert_false(sat_id_valid(S("../etc")));
    assert_false(sat_id_valid(S("a..b")));
    assert_false(sat_id_valid(S("a\\b")));
    assert_false(sat_id_valid(S("a b")));
    assert_false(sat_id_valid(S("a\0b")));
    assert_false(sat_id_valid(S("a:b")));
    assert_false(sat_id_valid(S("평양")));
    assert_false(sat_id_valid(S("a\n")));
}

static void test_date(void **state)
{
    static const char *const good[] = {
        "2024-02-29", "2000-02-29", "1900-01-01", "9999-12-31", "2023-12-31",
        "2024-04-30", "2024-03-01T00:00:00Z", "2024-02-29T23:59:59Z", "1999-01-31",
    };
    static const char *const bad[] = {
        "2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30", "2024-04-31",
        "2024-06-31", "2024-13-01", "2024-00-10", "2024-01-00", "1899-12-31",
        "0000-01-01", "2024-1-01",  "24-01-01",   "2024/01/01", "2024-01-01T24:00:00Z",
        "2024-01-01T12:60:00Z", "2024-01-01T12:00:60Z", "2024-01-01T12:00:00",
        "2024-01-01T12:00:00+09:00", "2024-01-01 12:00:00Z", "2024-01-01t12:00:00z",
        " 2024-01-01", "2024-01-01 ", "+024-01-01", "2024-0a-01", "", "2024-01-01T",
        "2024-01-01T12:00Z",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!sat_date_valid(good[i], strlen(good[i])))
            fail_msg("date %s should be valid", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sat_date_valid(bad[i], strlen(bad[i])))
            fail_msg("date %s should be invalid", bad[i]);
    /* the length bounds the read */
    assert_false(sat_date_valid("2024-01-01", 9));
    assert_false(sat_date_valid("2024-01-01\0", 11));
    assert_false(sat_date_valid(NULL, 10));
}

static void test_lang(void **state)
{
    char big[SAT_LANG_MAX + 2];
    size_t i;

    (void)state;
    assert_true(sat_lang_valid(S("ko")));
    assert_true(sat_lang_valid(S("en-GB")));
    assert_true(sat_lang_valid(S("zh-Hant-TW")));
    assert_true(sat_lang_valid(S("ko-KP")));
    assert_true(sat_lang_valid(S("x")));
    assert_false(sat_lang_valid(S("")));
    assert_false(sat_lang_valid(S("-ko")));
    assert_false(sat_lang_valid(S("ko-")));
    assert_false(sat_lang_valid(S("ko--KR")));
    assert_false(sat_lang_valid(S("ko KR")));
    assert_false(sat_lang_valid(S("ko_KR")));
    assert_false(sat_lang_valid(S("ko\n")));
    assert_false(sat_lang_valid(S("abcdefghi")));  /* subtag of 9 */
    assert_false(sat_lang_valid(S("한국어")));
    /* 35 bytes ok, 36 not */
    for (i = 0; i < sizeof big; i++)
        big[i] = (i % 9 == 8) ? '-' : 'a';
    assert_true(sat_lang_valid(big, SAT_LANG_MAX));
    assert_false(sat_lang_valid(big, SAT_LANG_MAX + 1));
}

static void test_field(void **state)
{
    char big[SAT_FIELD_MAX + 1];

    (void)state;
    assert_true(sat_field_valid(S("평양에서 온 소식 — “quoted” ✓"), SAT_FIELD_MAX));
    assert_true(sat_field_valid(S(""), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\tb"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\nb"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\rb"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\x1b[31mb"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\x7f"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("a\xC2\x9B" "b"), SAT_FIELD_MAX)); /* U+009B */
    assert_false(sat_field_valid(S("a\xC2\x85"), SAT_FIELD_MAX));     /* U+0085 NEL */
    assert_false(sat_field_valid(S("a\x9B" "b"), SAT_FIELD_MAX));     /* raw byte */
    assert_false(sat_field_valid(S("a\0b"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("\xC0\xAF"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("\xED\xA0\x80"), SAT_FIELD_MAX));
    assert_false(sat_field_valid(S("평"), 2));
    assert_true(sat_field_valid(S("평"), 3));
    memset(big, 'a', sizeof big);
    assert_true(sat_field_valid(big, SAT_FIELD_MAX, SAT_FIELD_MAX));
    assert_false(sat_field_valid(big, SAT_FIELD_MAX + 1, SAT_FIELD_MAX));
    assert_false(sat_field_valid(NULL, 0, SAT_FIELD_MAX));
}

/* Runs sat_meta_check on m expecting failure; checks the message names `field`,
 * contains `needle` (when not NULL), and holds no raw control byte. */
static void expect_check_fail(const sat_meta *m, const char *field, const char *needle)
{
    sat_err err;
    size_t i;

    sat_err_clear(&err);
    assert_int_equal(sat_meta_check(m, &err), SAT_E_FORMAT);
    assert_int_equal(err.code, SAT_E_FORMAT);
    if (strstr(err.msg, field) == NULL)
        fail_msg("message \"%s\" does not name field %s", err.msg, field);
    if (needle != NULL && strstr(err.msg, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
    assert_true(sat_utf8_valid(err.msg, strlen(err.msg), NULL));
    for (i = 0; err.msg[i] != '\0'; i++) {
        unsigned char c = (unsigned char)err.msg[i];
        assert_false(c < 0x20 || c == 0x7F);
    }
    assert_null(strstr(err.msg, "\xC2\x9B"));
    assert_null(strstr(err.msg, "\xE2\x80\xAE"));
}

static void test_check(void **state)
{
    sat_meta m = good_meta();
    sat_err err;
    char longtitle[3000];

    (void)state;
    sat_err_clear(&err);
    assert_int_equal(sat_meta_check(&m, &err), 0);
    assert_int_equal(sat_meta_check(&m, NULL), 0);

    /* optional fields may be NULL; parent must be an id */
    m.date = m.lang = m.section = m.source = m.author = m.tags = NULL;
    m.kind = SAT_KIND_IMAGE;
    m.parent = (char *)"2024-03-01_kcna-000";
    assert_int_equal(sat_meta_check(&m, &err), 0);
    m.date = (char *)"2024-03-01T09:30:00Z";
    assert_int_equal(sat_meta_check(&m, &err), 0);

    m = good_meta();
    m.id = (char *)"../../etc/passwd";
    expect_check_fail(&m, "id", "\"../../etc/passwd\"");
    m.id = NULL;
    expect_check_fail(&m, "id", "missing");

    m = good_meta();
    m.kind = SAT_KIND_COUNT;
    expect_check_fail(&m, "kind", NULL);

    /* a media id ending in .gmi would take a text entry's extracted file name */
    m = good_meta();
    m.id = (char *)"2024-03-01_kcna-000.gmi";
    assert_int_equal(sat_meta_check(&m, &err), 0); /* a text entry may */
    m.kind = SAT_KIND_AUDIO;
    expect_check_fail(&m, "id", ".gmi");
    m.id = (char *)"2024-03-01_kcna-000.gmi.ogg";
    assert_int_equal(sat_meta_check(&m, &err), 0);

    m = good_meta();
    m.parent = (char *)".secret";
    expect_check_fail(&m, "parent", ".secret");

    m = good_meta();
    m.title = NULL;
    expect_check_fail(&m, "title", "required");
    m.title = (char *)"";
    expect_check_fail(&m, "title", "required");
    /* the bad value is shown, sanitised: the raw ESC / CSI never reach the message */
    m.title = (char *)"evil \x1b]0;owned\x07 title";
    expect_check_fail(&m, "title", "\\x1b]0;owned\\x07");
    m.title = (char *)"C1 \xC2\x9B" "31m";
    expect_check_fail(&m, "title", "\\x9b31m");
    m.title = (char *)"bad \xC0\xAF utf8";
    expect_check_fail(&m, "title", "offset 4");
    m.title = (char *)"tab\there";
    expect_check_fail(&m, "title", "U+0009");
    /* a long bad value is shortened with an ellipsis */
    memset(longtitle, 'T', sizeof longtitle);
    longtitle[sizeof longtitle - 1] = '\0';
    m.title = longtitle;
    expect_check_fail(&m, "title", "\xE2\x80\xA6\"");
    sat_err_clear(&err);
    assert_int_equal(sat_meta_check(&m, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "too long (2999 bytes"));
    assert_true(strlen(err.msg) < 300);

    m = good_meta();
    m.date = (char *)"2023-02-29";
    expect_check_fail(&m, "date", "\"2023-02-29\"");
    /* the entry is named */
    sat_err_clear(&err);
    sat_meta_check(&m, &err);
    assert_non_null(strstr(err.msg, "2024-03-01_kcna-001"));

    m = good_meta();
    m.lang = (char *)"ko_KP";
    expect_check_fail(&m, "lang", "ko_KP");

    m = good_meta();
    m.author = (char *)"a\nb";
    expect_check_fail(&m, "author", "\\x0a");
    m = good_meta();
    m.source = (char *)"src\x7f";
    expect_check_fail(&m, "source", "\\x7f");
    m = good_meta();
    m.section = (char *)"sec\xE2\x80\xAE\x1b";
    expect_check_fail(&m, "section", "<U+202E>");

    m = good_meta();
    m.tags = (char *)"a, b";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)"a ,b";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)"a,,b";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)",a";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)"a,";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)" a";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)"a\x1b";
    expect_check_fail(&m, "tags", NULL);
    m.tags = (char *)"two words,한국";
    assert_int_equal(sat_meta_check(&m, &err), 0);

    assert_int_equal(sat_meta_check(NULL, &err), SAT_E_ARG);
}

static void test_copy_free(void **state)
{
    sat_meta src = good_meta();
    sat_meta dst;
    sat_err err;

    (void)state;
    src.parent = NULL;
    src.author = NULL;
    memset(&dst, 0xAA, sizeof dst);
    assert_int_equal(sat_meta_copy(&dst, &src, &err), 0);
    assert_int_equal(dst.kind, src.kind);
    assert_ptr_not_equal(dst.id, src.id);
    assert_string_equal(dst.id, src.id);
    assert_ptr_not_equal(dst.title, src.title);
    assert_string_equal(dst.title, src.title);
    assert_string_equal(dst.date, src.date);
    assert_string_equal(dst.lang, src.lang);
    assert_string_equal(dst.section, src.section);
    assert_string_equal(dst.source, src.source);
    assert_string_equal(dst.tags, src.tags);
    assert_null(dst.parent);
    assert_null(dst.author);
    assert_int_equal(sat_meta_check(&dst, &err), 0);
    sat_meta_free(&dst);
    assert_null(dst.id);
    assert_null(dst.title);
    assert_null(dst.tags);
    sat_meta_free(&dst); /* twice is harmless after zeroing */
    sat_meta_free(NULL);
    assert_int_equal(sat_meta_copy(NULL, &src, &err), SAT_E_ARG);
    assert_int_equal(sat_meta_copy(&dst, NULL, NULL), SAT_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_lang),
        cmocka_unit_test(test_field),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_copy_free),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
