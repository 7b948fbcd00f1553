/* test_render_term.c - tests for reader/render_term.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render_term.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static int has_bytes(const sat_buf *b, const char *needle, size_t n)
{
    size_t i;

    for (i = 0; i + n <= b->len; i++)
        if (memcmp(b->data + i, needle, n) == 0)
            return 1;
    return 0;
}

/* Scans every output byte: valid UTF-8, no C0 but LF, no DEL, no C1 (as UTF-8), no
 * bidi controls; and every line at most `width` columns. */
static void assert_safe_output(const sat_buf *b, size_t width)
{
    size_t i = 0;
    size_t off = 0;
    uint32_t cp;
    size_t n;
    size_t ls = 0;

    assert_non_null(b->data);
    if (!sat_utf8_valid(b->data, b->len, &off))
        fail_msg("output not valid UTF-8 at byte %zu", off);
    while (i < b->len) {
        n = sat_utf8_decode(b->data + i, b->len - i, &cp);
        if (cp == '\n') {
            size_t w = sat_text_width(b->data + ls, i - ls);
            if (w > width)
                fail_msg("line at byte %zu is %zu columns wide (max %zu): %.*s", ls, w, width,
                         (int)(i - ls), b->data + ls);
            ls = i + 1;
        } else if (sat_cp_is_dangerous(cp)) {
            fail_msg("dangerous code point U+%04X raw in output at byte %zu", (unsigned)cp, i);
        }
        i += n;
    }
    /* belt and braces: byte patterns a terminal acts on */
    assert_false(has_bytes(b, "\x1b", 1));
    assert_false(has_bytes(b, "\x9b", 1));
    assert_false(has_bytes(b, "\xC2\x9B", 2));
    assert_false(has_bytes(b, "\xC2\x9D", 2));
    assert_false(has_bytes(b, "\xE2\x80\xAE", 3));
    assert_false(has_bytes(b, "\x07", 1));
    assert_false(has_bytes(b, "\r", 1));
}

static void render(sat_buf *out, const char *body, size_t len, size_t width)
{
    sat_err err;

    out->len = 0;
    sat_err_clear(&err);
    if (rt_body(out, body, len, width, &err) != 0)
        fail_msg("rt_body failed: %s", err.msg);
    assert_safe_output(out, rt_width_clamp(width));
}

/* ------------------------------------------------------------------------ */
/* body                                                                     */
/* ------------------------------------------------------------------------ */

static const char hostile_body[] =
    "# Title \x1b[2J\x1b[H cleared\n"
    "## Sub \xE2\x80\xAE" "gnp.exe\n"
    "### Third \xC2\x9B" "31m red\n"
    "Paragraph with OSC \x1b]0;owned\x07 and OSC 8 \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ "
    "and raw C1 \x9B" "31m and NUL \0 and DEL \x7f and bell \x07 and CR\rover.\n"
    "* item \x1b[5m blink \xE2\x81\xA6 isolate \xE2\x81\xA9\n"
    "> quote \xC0\xAF overlong \xED\xA0\x80 surrogate \xF5\x80 high \xE4\xB8 cut\n"
    "=> http://x.example/\x1b[31m label \xE2\x80\xAE" "evil\n"
    "=> attachment:photo-1\x1b]2;t\x07\n"
    "```\n"
    "pre \x1b[31m\t\xC2\x9D" "0;x\x07 \xE2\x80\xAE\n"
    "```\n"
    "trailing \xE2\x80\x8F rlm \xE2\x80\x8E lrm \xD8\x9C alm \xEF\xBF\xB9 anchor\r\n"
    "last line without newline \x1b";

static void test_body_hostile(void **state)
{
    sat_buf out = {0};
    size_t w;

    (void)state;
    for (w = 20; w <= 100; w += 7)
        render(&out, hostile_body, sizeof hostile_body - 1, w);
    render(&out, hostile_body, sizeof hostile_body - 1, 80);
    /* the escapes are visible, not swallowed */
    assert_non_null(strstr(out.data, "\\x1b[2J"));
    assert_non_null(strstr(out.data, "<U+202E>gnp.exe"));
    assert_non_null(strstr(out.data, "\\x9b31m"));
    assert_non_null(strstr(out.data, "\xEF\xBF\xBD" "31m"));
    assert_non_null(strstr(out.data, "\\x00"));
    assert_non_null(strstr(out.data, "CR\\x0dover."));
    assert_non_null(strstr(out.data, "<U+200F>"));
    assert_non_null(strstr(out.data, "without newline \\x1b\n"));
    sat_buf_free(&out);
}

static void test_body_layout(void **state)
{
    static const char body[] =
        "# 평양 소식\n"
        "\n"
        "First paragraph here.\n"
        "* one\n"
        "* a list item that wraps onto another line\n"
        "> quoted text that wraps as well\n"
        "## Second\n"
        "### Third\n"
        "[00:01:02] 김철수: 안녕하세요 여러분\n";
    static const char expect[] =
        "평양 소식\n"
        "=========\n"
        "\n"
        "First paragraph here.\n"
        "  \xE2\x80\xA2 one\n"
        "  \xE2\x80\xA2 a list item that wraps\n"
        "    onto another line\n"
        "  \xE2\x94\x82 quoted text that wraps\n"
        "  \xE2\x94\x82 as well\n"
        "Second\n"
        "------\n"
        "Third\n"
        "[00:01:02] 김철수:\n"
        "안녕하세요 여러분\n";
    sat_buf out = {0};

    (void)state;
    render(&out, body, sizeof body - 1, 26);
    assert_string_equal(out.data, expect);
    sat_buf_free(&out);
}

static void test_body_links(void **state)
{
    static const char body[] =
        "See these:\n"
        "=> https://example.org/news/1 Example news\n"
        "=>https://example.org/bare\n"
        "=>\tattachment:2024-03-01_photo-1\tPhoto of the meeting\n"
        "=> attachment:clip.ogg\n"
        "=>\n";
    static const char expect[] =
        "See these:\n"
        "[1] Example news\n"
        "[2] https://example.org/bare\n"
        "[3] Photo of the meeting\n"
        "[4] attachment clip.ogg\n"
        "=>\n"
        "\n"
        "Links:\n"
        "[1] https://example.org/news/1\n"
        "[2] https://example.org/bare\n"
        "[3] attachment\n"
        "    2024-03-01_photo-1\n"
        "[4] attachment clip.ogg\n";
    sat_buf out = {0};
    char big[8192];
    size_t i;
    size_t k = 0;

    (void)state;
    render(&out, body, sizeof body - 1, 30);
    assert_string_equal(out.data, expect);

    /* many links, long URLs: numbers grow, lines still fit */
    for (i = 0; i < 120 && k + 80 < sizeof big; i++)
        k += (size_t)snprintf(big + k, sizeof big - k,
                              "=> https://example.org/a/very/long/path/%zu\n", i);
    render(&out, big, k, 20);
    assert_non_null(strstr(out.data, "[120] https://"));
    assert_null(strstr(out.data, "[121]"));
    sat_buf_free(&out);
}

static void test_body_pre(void **state)
{
    static const char body[] =
        "```ascii art\n"
        "* not a list\n"
        "=> not a link\n"
        "0123456789012345678901234567890123456789\n"
        "평양평양평양평양평양평양평양평양평양평양평양\n"
        "a\tb\n"
        "```\n"
        "* a list again\n";
    static const char expect[] =
        "* not a list\n"
        "=> not a link\n"
        "0123456789012345678\xE2\x80\xA6\n"
        "평양평양평양평양평\xE2\x80\xA6\n"
        "a       b\n"
        "  \xE2\x80\xA2 a list again\n";
    sat_buf out = {0};

    (void)state;
    render(&out, body, sizeof body - 1, 20);
    assert_string_equal(out.data, expect);
    sat_buf_free(&out);
}

static void test_body_edges(void **state)
{
    sat_buf out = {0};
    sat_err err;

    (void)state;
    render(&out, "", 0, 80);
    assert_string_equal(out.data, "");
    render(&out, "\n\n", 2, 80);
    assert_string_equal(out.data, "\n\n");
    render(&out, "a\r\nb\r\n", 6, 80);
    assert_string_equal(out.data, "a\nb\n");
    render(&out, "no newline", 10, 80);
    assert_string_equal(out.data, "no newline\n");
    render(&out, "#\n", 2, 80);
    assert_string_equal(out.data, "\n");
    /* a width below the minimum is raised, not refused */
    render(&out, "x", 1, 3);
    assert_string_equal(out.data, "x\n");
    assert_int_equal(rt_body(NULL, "x", 1, 80, &err), SAT_E_ARG);
    assert_int_equal(rt_body(&out, NULL, 1, 80, &err), SAT_E_ARG);
    sat_buf_free(&out);
}

static const char korean_body[] =
    "# 조선중앙통신 보도\n"
    "조선중앙통신은 15일 평양에서 열린 회의에서 농업 생산을 늘리기 위한 새로운 "
    "계획이 발표되었다고 보도했다. 참석자들은 올해 가을 수확을 앞두고 비료와 "
    "농기계 공급을 늘려야 한다고 강조했다.\n"
    "* 비료 공급 확대와 농기계 수리 사업을 동시에 진행한다는 계획이다\n"
    "> 전문가들은 이번 조치가 식량 사정에 미칠 영향을 주의 깊게 지켜보고 있다\n"
    "Mixed English and 한국어 text, with a verylongwordthatcannotfitonanyline 끝.\n"
    "가나다라마바사아자차카타파하가나다라마바사아자차카타파하\n";

static void test_body_widths(void **state)
{
    sat_buf out = {0};
    size_t w;

    (void)state;
    for (w = 20; w <= 90; w++)
        render(&out, korean_body, sizeof korean_body - 1, w);
    sat_buf_free(&out);
}

/* ------------------------------------------------------------------------ */
/* header and fields                                                        */
/* ------------------------------------------------------------------------ */

static void test_meta_header(void **state)
{
    sat_meta m;
    sat_buf out = {0};
    sat_err err;
    static const char expect[] =
        "평양에서 농업 회의 열려\n"
        "=======================\n"
        "Date:    2024-03-01\n"
        "Author:  김철수\n"
        "Source:  KCNA\n"
        "Lang:    ko\n"
        "Section: 경제\n"
        "Tags:    농업, 평양, economy\n"
        "\n";

    (void)state;
    memset(&m, 0, sizeof m);
    m.id = (char *)"x1";
    m.title = (char *)"평양에서 농업 회의 열려";
    m.date = (char *)"2024-03-01";
    m.lang = (char *)"ko";
    m.section = (char *)"경제";
    m.source = (char *)"KCNA";
    m.author = (char *)"김철수";
    m.tags = (char *)"농업,평양,economy";
    assert_int_equal(rt_meta_header(&out, &m, 40, &err), 0);
    assert_safe_output(&out, 40);
    assert_string_equal(out.data, expect);

    /* only the title; NULL fields are skipped */
    memset(&m, 0, sizeof m);
    m.title = (char *)"Short";
    out.len = 0;
    assert_int_equal(rt_meta_header(&out, &m, 40, &err), 0);
    assert_string_equal(out.data, "Short\n=====\n\n");
    m.title = NULL;
    out.len = 0;
    assert_int_equal(rt_meta_header(&out, &m, 40, &err), 0);
    assert_string_equal(out.data, "(untitled)\n==========\n\n");

    /* hostile metadata straight from a manifest */
    m.title = (char *)"Invoice \xE2\x80\xAE" "fdp.exe \x1b]0;pwned\x07 \xC2\x9B" "2J \x9B" "2J";
    m.author = (char *)"\x1b[31mred\x1b[0m";
    m.tags = (char *)"a,\xE2\x81\xA6" "b";
    m.date = (char *)"2024\r\n-01-01";
    m.source = (char *)"\xC0\xAF";
    out.len = 0;
    assert_int_equal(rt_meta_header(&out, &m, 20, &err), 0);
    assert_safe_output(&out, 20);
    assert_non_null(strstr(out.data, "<U+202E>"));
    assert_non_null(strstr(out.data, "\\x1b[31mred"));

    /* long values wrap under themselves */
    memset(&m, 0, sizeof m);
    m.title = (char *)"A title that is long enough to wrap onto two lines";
    m.source = (char *)"Korean Central News Agency of the DPRK";
    out.len = 0;
    assert_int_equal(rt_meta_header(&out, &m, 30, &err), 0);
    assert_safe_output(&out, 30);
    assert_string_equal(out.data,
                        "A title that is long enough to\n"
                        "wrap onto two lines\n"
                        "==============================\n"
                        "Source:  Korean Central News\n"
                        "         Agency of the DPRK\n"
                        "\n");
    assert_int_equal(rt_meta_header(&out, NULL, 30, &err), SAT_E_ARG);
    sat_buf_free(&out);
}

static void field(sat_buf *out, const char *s, size_t w, int pad, const char *expect)
{
    sat_err err;

    out->len = 0;
    assert_int_equal(rt_field(out, s, strlen(s), w, pad, &err), 0);
    assert_safe_output(out, w);
    assert_string_equal(out->data, expect);
    assert_null(strchr(out->data, '\n'));
    if (pad)
        assert_int_equal(sat_text_width(out->data, out->len), w);
    else
        assert_true(sat_text_width(out->data, out->len) <= w);
}

static void test_field(void **state)
{
    sat_buf out = {0};
    sat_err err;

    (void)state;
    field(&out, "short", 10, 0, "short");
    field(&out, "short", 10, 1, "short     ");
    field(&out, "exactly10!", 10, 0, "exactly10!");
    field(&out, "eleven char", 10, 0, "eleven ch\xE2\x80\xA6");
    field(&out, "평양에서 온 소식", 10, 0, "평양에서 \xE2\x80\xA6");
    field(&out, "평양에서 온 소식", 6, 1, "평양\xE2\x80\xA6 ");
    field(&out, "평양에서", 8, 0, "평양에서");
    field(&out, "평양", 1, 0, "\xE2\x80\xA6");
    field(&out, "a\x1b[2Jb", 20, 0, "a\\x1b[2Jb");
    field(&out, "a\xE2\x80\xAE" "b", 20, 0, "a<U+202E>b");
    field(&out, "tab\there", 20, 0, "tab\\x09here");
    field(&out, "new\nline", 20, 0, "new\\x0aline");
    field(&out, "\x9B\xC2\x9B", 20, 0, "\xEF\xBF\xBD\\x9b");
    field(&out, "\x1b\x1b\x1b\x1b", 10, 0, "\\x1b\\x1b\\\xE2\x80\xA6");
    field(&out, "", 3, 1, "   ");
    /* appends */
    out.len = 0;
    assert_int_equal(rt_field(&out, "a", 1, 5, 1, &err), 0);
    assert_int_equal(rt_field(&out, "b", 1, 5, 0, &err), 0);
    assert_string_equal(out.data, "a    b");
    assert_int_equal(rt_field(&out, "a", 1, 0, 0, &err), SAT_E_ARG);
    assert_int_equal(rt_field(NULL, "a", 1, 5, 0, &err), SAT_E_ARG);
    sat_buf_free(&out);
}

static void test_width_clamp(void **state)
{
    (void)state;
    assert_int_equal(rt_width_clamp(0), RT_WIDTH_DEFAULT);
    assert_int_equal(rt_width_clamp(1), RT_WIDTH_MIN);
    assert_int_equal(rt_width_clamp(RT_WIDTH_MIN), RT_WIDTH_MIN);
    assert_int_equal(rt_width_clamp(133), 133);
    assert_int_equal(rt_width_clamp((size_t)-1), RT_WIDTH_MAX);
}

/* Labels in another language (Korean, two columns a syllable): values start at column
 * RT_LABEL_COLS + 1 as measured, the links heading and attachment word follow, and NULL
 * brings English back. */
static void test_labels(void **state)
{
    static const rt_labels ko = {"날짜:", "글쓴이:", "출처:", "언어:", "분야:", "주제어:",
                                 "(제목 없음)", "연결:", "첨부"};
    static const char body[] = "본문\n=> attachment:images-map.png 지도\n";
    sat_buf out = {0};
    sat_err err;
    sat_meta m;

    (void)state;
    memset(&m, 0, sizeof m);
    m.date = (char *)"2026-11-03";
    m.author = (char *)"김철수";
    m.tags = (char *)"쌀,평양";
    rt_set_labels(&ko);
    assert_ptr_equal(rt_get_labels(), &ko);
    assert_int_equal(rt_meta_header(&out, &m, 40, &err), 0);
    assert_string_equal(out.data, "(제목 없음)\n===========\n"
                                  "날짜:    2026-11-03\n"
                                  "글쓴이:  김철수\n"
                                  "주제어:  쌀, 평양\n"
                                  "\n");
    out.len = 0;
    assert_int_equal(rt_body(&out, body, sizeof body - 1, 40, &err), 0);
    assert_non_null(strstr(out.data, "[1] 지도\n"));
    assert_non_null(strstr(out.data, "\n연결:\n[1] 첨부 images-map.png\n"));
    rt_set_labels(NULL);
    out.len = 0;
    assert_int_equal(rt_meta_header(&out, &m, 40, &err), 0);
    assert_non_null(strstr(out.data, "(untitled)\n"));
    assert_non_null(strstr(out.data, "\nDate:    2026-11-03\n"));
    assert_non_null(strstr(out.data, "\nAuthor:  김철수\n"));
    sat_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_hostile),
        cmocka_unit_test(test_body_layout),
        cmocka_unit_test(test_body_links),
        cmocka_unit_test(test_body_pre),
        cmocka_unit_test(test_body_edges),
        cmocka_unit_test(test_body_widths),
        cmocka_unit_test(test_meta_header),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_field),
        cmocka_unit_test(test_width_clamp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
