/* test_tui.c - tests for reader/tui_text.c: library rows by display width, line
 * splitting, the line editor, filters, string lists and attachment links */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui_text.h"

/* The row as a string (owned by the caller's buffer). */
static const char *row(sat_buf *b, const tui_row *r, size_t width)
{
    b->len = 0;
    assert_int_equal(tui_row_format(b, r, width, NULL), 0);
    return b->data != NULL ? b->data : "";
}

static size_t width_of(const char *s)
{
    return sat_text_width(s, strlen(s));
}

static void test_row_english(void **state)
{
    sat_buf b = {0};
    tui_row r = {"economy", "2026-11-03", "article", "en", "World grain prices", NULL};

    (void)state;
    assert_string_equal(row(&b, &r, 80),
                        "economy    2026-11-03 article    en    World grain prices");
    /* missing fields show as "-"; a date-time shows its day */
    r.section = NULL;
    r.lang = "";
    r.date = "2026-11-03T10:00:00Z";
    assert_string_equal(row(&b, &r, 80),
                        "-          2026-11-03 article    -     World grain prices");
    /* narrow: the date and the title only */
    assert_string_equal(row(&b, &r, 40), "2026-11-03 World grain prices");
    r.title = "A title that is far too long for a window of thirty columns";
    assert_string_equal(row(&b, &r, 30), "2026-11-03 A title that is fa…");
    assert_int_equal(width_of(b.data), 30);
    sat_buf_free(&b);
}

static void test_row_korean_width(void **state)
{
    sat_buf b = {0};
    /* 30 syllables = 60 columns: the title column at 80 is 80 - 39 = 41 columns, so 20
     * syllables (40 columns) and "…" */
    const char *title = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노";
    tui_row r = {"world", "2026-11-01", "기사", "ko", title, NULL};
    const char *s;
    size_t w;

    (void)state;
    s = row(&b, &r, 80);
    assert_int_equal(width_of(s), 80);
    assert_non_null(strstr(s, "가나다라마바사아자차카타파하거너더러머버…"));
    assert_null(strstr(s, "서"));
    /* the kind column holds a 2-column word padded by width, not by bytes */
    assert_non_null(strstr(s, "2026-11-01 기사       ko    가"));
    /* every width from 12 to 120: never wider than the window */
    for (w = 12; w <= 120; w++) {
        s = row(&b, &r, w);
        assert_true(width_of(s) <= w);
    }
    /* a short Korean title is not cut */
    r.title = "쌀값 석 달째 올라";
    assert_non_null(strstr(row(&b, &r, 80), "ko    쌀값 석 달째 올라"));
    sat_buf_free(&b);
}

static void test_row_hostile_and_damaged(void **state)
{
    sat_buf b = {0};
    tui_row r = {"sec\x1b[2J", "2026-11-03", "article", "en\x07",
                 "Red \x1b[31mALERT\x1b]0;pwned\x07 \xe2\x80\xae" "gnp.exe \xc2\x9b", NULL};
    const char *s;
    size_t i;

    (void)state;
    s = row(&b, &r, 200);
    for (i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)s[i];
        assert_true(c >= 0x20 && c != 0x7f);
    }
    assert_null(strstr(s, "\xe2\x80\xae"));
    assert_null(strstr(s, "\xc2\x9b"));
    assert_non_null(strstr(s, "Red \\x1b[31mALERT\\x1b]0;pwned\\x07 <U+202E>gnp.exe"));
    /* damaged: the mark before the title, inside the title column */
    r.title = "World grain prices";
    r.damaged = "\xe2\x9c\x97 damaged";
    s = row(&b, &r, 80);
    assert_non_null(strstr(s, "\xe2\x9c\x97 damaged World grain prices"));
    assert_true(width_of(s) <= 80);
    /* bad arguments */
    assert_int_equal(tui_row_format(&b, &r, 11, NULL), SAT_E_ARG);
    sat_buf_free(&b);
}

static void test_lines(void **state)
{
    tui_lines l = {0};
    const char *s = "first\n\nthird\nLinks:\n[1] x\n";

    (void)state;
    assert_int_equal(tui_lines_split(&l, s, strlen(s)), 0);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.len[0], 5);
    assert_int_equal(l.len[1], 0);
    assert_memory_equal(s + l.off[2], "third", 5);
    assert_int_equal(tui_lines_find(&l, s, "Links:", 0), 3);
    assert_int_equal(tui_lines_find(&l, s, "Links:", 4), SIZE_MAX);
    /* no final newline; empty text is one empty line */
    assert_int_equal(tui_lines_split(&l, "a\nb", 3), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.len[1], 1);
    assert_int_equal(tui_lines_split(&l, "", 0), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.len[0], 0);
    tui_lines_free(&l);
    tui_lines_free(&l); /* twice is fine */
}

static void test_edit(void **state)
{
    sat_buf b = {0};
    size_t i;

    (void)state;
    assert_int_equal(tui_edit_insert(&b, 0xD3C9), 1); /* 평 */
    assert_int_equal(tui_edit_insert(&b, 0xC591), 1); /* 양 */
    assert_int_equal(tui_edit_insert(&b, ' '), 1);
    assert_int_equal(tui_edit_insert(&b, 'x'), 1);
    assert_string_equal(b.data, "평양 x");
    /* controls, escapes and bidi controls never enter the line */
    assert_int_equal(tui_edit_insert(&b, 0x1b), 0);
    assert_int_equal(tui_edit_insert(&b, '\n'), 0);
    assert_int_equal(tui_edit_insert(&b, 0x9b), 0);
    assert_int_equal(tui_edit_insert(&b, 0x202E), 0);
    assert_int_equal(tui_edit_insert(&b, 0xD800), 0);
    assert_int_equal(tui_edit_insert(&b, 0x110000), 0);
    assert_string_equal(b.data, "평양 x");
    /* backspace removes whole characters */
    assert_int_equal(tui_edit_backspace(&b), 1);
    assert_int_equal(tui_edit_backspace(&b), 1);
    assert_string_equal(b.data, "평양");
    assert_int_equal(tui_edit_backspace(&b), 1);
    assert_string_equal(b.data, "평");
    assert_int_equal(tui_edit_backspace(&b), 1);
    assert_int_equal(b.len, 0);
    assert_int_equal(tui_edit_backspace(&b), 0);
    /* bounded */
    for (i = 0; i < TUI_EDIT_MAX + 10; i++)
        tui_edit_insert(&b, 0xAC00);
    assert_true(b.len <= TUI_EDIT_MAX);
    assert_true(b.len > TUI_EDIT_MAX - 3);
    sat_buf_free(&b);
}

static void test_filter(void **state)
{
    sat_mentry e;
    tui_filter f = {-1, NULL, NULL};
    int k, seen = 0;

    (void)state;
    memset(&e, 0, sizeof e);
    e.id = "a";
    e.kind = SAT_KIND_TRANSCRIPT;
    e.lang = "ko-KR";
    e.section = "world";
    assert_false(tui_filter_active(&f));
    assert_true(tui_filter_match(&f, &e));
    f.kind = SAT_KIND_ARTICLE;
    assert_true(tui_filter_active(&f));
    assert_false(tui_filter_match(&f, &e));
    f.kind = SAT_KIND_TRANSCRIPT;
    assert_true(tui_filter_match(&f, &e));
    f.lang = "KO-kr";
    assert_true(tui_filter_match(&f, &e));
    f.lang = "ko";
    assert_false(tui_filter_match(&f, &e));
    f.lang = NULL;
    f.section = "World";
    assert_false(tui_filter_match(&f, &e));
    f.section = "world";
    assert_true(tui_filter_match(&f, &e));
    e.section = NULL;
    assert_false(tui_filter_match(&f, &e));
    /* the kind cycle visits every kind once and comes back to "any" */
    for (k = tui_filter_next_kind(-1); k != -1; k = tui_filter_next_kind(k))
        seen++;
    assert_int_equal(seen, SAT_KIND_COUNT);
}

static void test_strs(void **state)
{
    tui_strs l = {0};
    char v[16];
    int i;

    (void)state;
    assert_null(tui_strs_next(&l, NULL));
    assert_int_equal(tui_strs_add(&l, "ko", 2), 0);
    assert_int_equal(tui_strs_add(&l, "en-GB", 5), 0);
    assert_int_equal(tui_strs_add(&l, "ko", 2), 0);
    assert_int_equal(l.n, 2);
    /* a NUL inside is refused: its copy would read as "ko" (fuzz_tui's finding) */
    assert_int_equal(tui_strs_add(&l, "ko\0x", 4), 0);
    assert_int_equal(tui_strs_add(&l, "en\0", 3), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(tui_strs_next(&l, NULL), "ko");
    assert_string_equal(tui_strs_next(&l, "ko"), "en-GB");
    assert_null(tui_strs_next(&l, "en-GB"));
    assert_null(tui_strs_next(&l, "fr"));
    for (i = 0; i < TUI_STRS_MAX + 20; i++) {
        snprintf(v, sizeof v, "v%d", i);
        assert_int_equal(tui_strs_add(&l, v, strlen(v)), 0);
    }
    assert_int_equal(l.n, TUI_STRS_MAX);
    tui_strs_free(&l);
    tui_strs_free(&l);
}

static void test_attach_ids(void **state)
{
    tui_strs l = {0};
    const char *body = "Text\n"
                       "=> attachment:images-rice.png Rice prices\n"
                       "=>\tattachment:radio-1.ogg\n"
                       "=> https://example.org/ a web link\n"
                       "```\n"
                       "=> attachment:inside-pre.png not a link\n"
                       "```\n"
                       "=> attachment:images-rice.png again\n"
                       "=> attachment: empty\n"
                       "=>attachment:last.png";

    (void)state;
    assert_int_equal(tui_attach_ids(&l, body, strlen(body)), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "images-rice.png");
    assert_string_equal(l.v[1], "radio-1.ogg");
    assert_string_equal(l.v[2], "last.png");
    tui_strs_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_row_english),
        cmocka_unit_test(test_row_korean_width),
        cmocka_unit_test(test_row_hostile_and_damaged),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_edit),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_strs),
        cmocka_unit_test(test_attach_ids),
    };

    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
