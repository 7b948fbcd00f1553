/*
 * test_input.c - the packer's input parsers (Markdown, plain text, WebVTT, SRT) and
 * pack_id_from_path. Fixtures: $SATCHEL_TEST_DATA/input/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_fixture.h"

#include "pack_input.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static char *load_fixture(const char *name, size_t *len)
{
    return test_fixture("input", name, len);
}

typedef int (*parse_fn)(const char *, const char *, size_t, pack_doc *, sat_err *);

/* Parses a fixture and checks the body is exactly `body`. */
static void parse_fixture(parse_fn fn, const char *name, const char *relpath, pack_doc *doc)
{
    size_t len;
    char *data = load_fixture(name, &len);
    sat_err err = {0};
    int rc = fn(relpath, data, len, doc, &err);

    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    free(data);
}

/* Parses an in-memory text expecting failure; returns the message in err. */
static int parse_bad(parse_fn fn, const char *relpath, const char *data, size_t len,
                     sat_err *err)
{
    pack_doc doc;
    int rc;

    memset(&doc, 0x5a, sizeof doc); /* the parser must not rely on a zeroed doc */
    rc = fn(relpath, data, len, &doc, err);
    assert_true(rc < 0);
    assert_int_equal(rc, err->code);
    /* a failed parse leaves nothing to free */
    assert_null(doc.body);
    assert_null(doc.meta.id);
    return rc;
}

static void parse_ok(parse_fn fn, const char *relpath, const char *data, pack_doc *doc)
{
    sat_err err = {0};
    int rc = fn(relpath, data, strlen(data), doc, &err);

    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* ------------------------------------------------------------------------
 * Markdown
 * ------------------------------------------------------------------------ */

static void test_md_full(void **state)
{
    pack_doc doc;
    static const char body[] =
        "# Rain delays the rice harvest\n"
        "\n"
        "Heavy rain in September kept fields under water for two weeks, and farmers say the "
        "harvest is late.\n"
        "\n"
        "### A deeper heading\n"
        "\n"
        "Main points:\n"
        "\n"
        "* Yields are down by a tenth.\n"
        "* Prices rose:\n"
        "* rice by 8%\n"
        "* maize by 5%\n"
        "* Transport costs went up.\n"
        "\n"
        "> Rain is good until it is not.\n"
        "\n"
        "Read the full report or see the chart below. Updated daily.\n"
        "\n"
        "=> https://example.org/report full report\n"
        "\n"
        "=> attachment:input-chart.png Rainfall by week\n"
        "\n"
        "```text\n"
        "week  mm\n"
        "36    120\n"
        "```\n"
        "\n"
        "Final line with an image from the web here.\n"
        "\n"
        "=> https://example.org/logo.png logo\n";

    (void)state;
    parse_fixture(pack_parse_markdown, "article-full.md", "input/article-full.md", &doc);
    assert_string_equal(doc.body, body);
    assert_int_equal(doc.body_len, strlen(body));
    assert_string_equal(doc.meta.id, "rain-harvest");
    assert_int_equal(doc.meta.kind, SAT_KIND_ARTICLE);
    assert_string_equal(doc.meta.title, "Rain delays the rice harvest");
    assert_string_equal(doc.meta.date, "2026-11-01T00:30:00Z");
    assert_string_equal(doc.meta.author, "Mina Park");
    assert_string_equal(doc.meta.lang, "en");
    assert_string_equal(doc.meta.section, "economy");
    assert_string_equal(doc.meta.tags, "farming,rice,weather");
    assert_null(doc.meta.source);
    assert_null(doc.meta.parent);
    assert_string_equal(doc.relpath, "input/article-full.md");
    pack_doc_free(&doc);
    pack_doc_free(&doc); /* idempotent */
    pack_doc_free(NULL);
}

static void test_md_korean_heading_title(void **state)
{
    pack_doc doc;
    static const char body[] =
        "평양에 올해 첫눈이 내렸다. 시장에는 솜옷과 털모자가 많이 나왔다.\n"
        "\n"
        "## 상인들의 이야기\n"
        "\n"
        "* 한 상인은 \"올해는 추위가 빠르다\"고 말했다.\n";

    (void)state;
    parse_fixture(pack_parse_markdown, "ko-heading.md", "ko/2026-11-20-첫눈.md", &doc);
    assert_string_equal(doc.meta.title, "첫눈이 내린 평양, 시장에 두꺼운 옷이 늘었다");
    assert_string_equal(doc.body, body);
    assert_string_equal(doc.meta.id, "ko-2026-11-20-_");
    assert_null(doc.meta.date);
    pack_doc_free(&doc);
}

static void test_md_inline_and_blocks(void **state)
{
    pack_doc doc;

    (void)state;
    parse_ok(pack_parse_markdown, "a.md",
             "Setext title\n"
             "============\n"
             "\n"
             "A *b* **c** ***d*** 2 * 3 snake_case_name \\*lit\\* <!-- hidden --> and "
             "<https://x.org/a> &amp; `a*b*c`.\n"
             "\n"
             "Sub heading\n"
             "-----------\n"
             "#hashtag line\n"
             "\n"
             "~~~\n"
             "```not a toggle\n"
             "\ttabbed   \n"
             "\n"
             "~~~\n"
             "\n"
             "## Heading with [link](http://l.org) ##\n",
             &doc);
    assert_string_equal(doc.meta.title, "Setext title");
    assert_string_equal(doc.body,
                        "A b c d 2 * 3 snake_case_name *lit* and https://x.org/a & a*b*c.\n"
                        "\n"
                        "=> https://x.org/a\n"
                        "\n"
                        "## Sub heading\n"
                        "\n"
                        " #hashtag line\n"
                        "\n"
                        "```\n"
                        " ```not a toggle\n"
                        " tabbed\n"
                        "```\n"
                        "\n"
                        "## Heading with link\n"
                        "\n"
                        "=> http://l.org link\n");
    pack_doc_free(&doc);
}

static void test_md_front_matter_values(void **state)
{
    pack_doc doc;

    (void)state;
    parse_ok(pack_parse_markdown, "dir/x.md",
             "---\n"
             "Title: 'Quoted: with colon'\n"
             "# a comment\n"
             "date: 2026-01-01T01:00:00+02:00\n"
             "tags: a,  b c , ,d\n"
             "kind: transcript\n"
             "source:\n"
             "---\n"
             "# Heading stays\n",
             &doc);
    assert_string_equal(doc.meta.title, "Quoted: with colon");
    assert_string_equal(doc.meta.date, "2025-12-31T23:00:00Z");
    assert_string_equal(doc.meta.tags, "a,b c,d");
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    assert_null(doc.meta.source);
    assert_string_equal(doc.meta.id, "dir-x");
    assert_string_equal(doc.body, "# Heading stays\n");
    pack_doc_free(&doc);

    parse_ok(pack_parse_markdown, "y.md", "---\ndate: 2026-02-28T23:30:00-01:00\n---\n# T\n\nx\n",
             &doc);
    assert_string_equal(doc.meta.date, "2026-03-01T00:30:00Z");
    assert_string_equal(doc.meta.title, "T");
    assert_string_equal(doc.body, "x\n");
    pack_doc_free(&doc);
}

static void test_md_errors(void **state)
{
    sat_err err = {0};
    static const char unknown[] = "---\ntitle: x\ncolour: red\n---\nbody\n";
    static const char unterminated[] = "---\ntitle: x\n\nbody\n";
    static const char nokv[] = "---\ntitle x\n---\nbody\n";
    static const char baddate[] = "---\ntitle: x\ndate: 2026-02-30\n---\nbody\n";
    static const char badkind[] = "---\nkind: poem\ntitle: x\n---\nbody\n";
    static const char badid[] = "---\nid: ../etc\ntitle: x\n---\nbody\n";
    static const char twice[] = "---\ntitle: x\ntitle: y\n---\nbody\n";
    static const char notitle[] = "Just a paragraph.\n\n## Not a title\n";
    static const char nobody[] = "---\ntitle: x\n---\n";
    static const char outside[] = "# T\n\n![x](../../secret.png)\n";

    (void)state;
    parse_bad(pack_parse_markdown, "news/a.md", unknown, strlen(unknown), &err);
    assert_int_equal(err.code, SAT_E_FORMAT);
    assert_contains(err.msg, "news/a.md:3: unknown key 'colour'");

    parse_bad(pack_parse_markdown, "news/a.md", unterminated, strlen(unterminated), &err);
    assert_contains(err.msg, "news/a.md:1: front matter is not closed");

    parse_bad(pack_parse_markdown, "a.md", nokv, strlen(nokv), &err);
    assert_contains(err.msg, "a.md:2: expected 'key: value'");

    parse_bad(pack_parse_markdown, "a.md", baddate, strlen(baddate), &err);
    assert_contains(err.msg, "a.md:3: date '2026-02-30' is not");

    parse_bad(pack_parse_markdown, "a.md", badkind, strlen(badkind), &err);
    assert_contains(err.msg, "a.md:2: kind must be");

    parse_bad(pack_parse_markdown, "a.md", badid, strlen(badid), &err);
    assert_contains(err.msg, "a.md:2: id '../etc'");

    parse_bad(pack_parse_markdown, "a.md", twice, strlen(twice), &err);
    assert_contains(err.msg, "a.md:3: 'title' is given twice");

    parse_bad(pack_parse_markdown, "news/b.md", notitle, strlen(notitle), &err);
    assert_contains(err.msg, "news/b.md: missing title");

    parse_bad(pack_parse_markdown, "c.md", nobody, strlen(nobody), &err);
    assert_contains(err.msg, "c.md: no text");

    parse_bad(pack_parse_markdown, "d/c.md", outside, strlen(outside), &err);
    assert_contains(err.msg, "d/c.md:3: image '../../secret.png' points outside");
}

/* ------------------------------------------------------------------------
 * Text preparation: UTF-8, BOM, line ends, control characters
 * ------------------------------------------------------------------------ */

static void test_invalid_utf8(void **state)
{
    sat_err err = {0};
    static const char bad[] = "---\ntitle: x\n---\nok\nbad \xff here\n";
    static const char nul[] = "\xEF\xBB\xBFWEBVTT\r\n\r\nab\0cd\n";
    static const char cr[] = "title\rline two\r\xC3\x28\r";
    static const char overlong[] = "T\n\n\xC0\xAF\n";

    (void)state;
    parse_bad(pack_parse_markdown, "news/bad.md", bad, sizeof bad - 1, &err);
    assert_int_equal(err.code, SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/bad.md:5: invalid UTF-8 (byte offset 24)");

    parse_bad(pack_parse_vtt, "r/n.vtt", nul, sizeof nul - 1, &err);
    assert_string_equal(err.msg, "r/n.vtt:3: invalid UTF-8 (byte offset 15)");

    parse_bad(pack_parse_text, "t.txt", cr, sizeof cr - 1, &err);
    assert_string_equal(err.msg, "t.txt:3: invalid UTF-8 (byte offset 15)");

    parse_bad(pack_parse_srt, "s.srt", overlong, sizeof overlong - 1, &err);
    assert_string_equal(err.msg, "s.srt:3: invalid UTF-8 (byte offset 3)");
}

static void test_controls_and_line_ends(void **state)
{
    pack_doc doc;
    sat_err err = {0};
    static const char txt[] = "\xEF\xBB\xBFTi\x01tle\r\n\r\nA\tB\x7f C\xC2\x85" "D\r"
                              "#tag \x1b[31mred\r\n";

    (void)state;
    assert_int_equal(pack_parse_text("c.txt", txt, sizeof txt - 1, &doc, &err), 0);
    assert_string_equal(doc.meta.title, "Title");
    assert_string_equal(doc.body, "A B CD #tag [31mred\n");
    pack_doc_free(&doc);
}

/* ------------------------------------------------------------------------
 * Plain text
 * ------------------------------------------------------------------------ */

static void test_text(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_text, "notes.txt", "input/notes.txt", &doc);
    assert_string_equal(doc.meta.title, "Village meeting notes");
    assert_int_equal(doc.meta.kind, SAT_KIND_ARTICLE);
    assert_string_equal(doc.meta.id, "input-notes");
    assert_string_equal(doc.body, "The meeting started late because of the rain.\n"
                                  "\n"
                                  "[00:01:05] KIM: We need more seed.\n"
                                  "[00:01:12] LEE: The school roof still leaks.\n"
                                  "\n"
                                  "Everyone agreed to meet again.\n");
    pack_doc_free(&doc);

    parse_ok(pack_parse_text, "k.txt", "제목\n\n=> not a link\n* not a list\n", &doc);
    assert_string_equal(doc.meta.title, "제목");
    assert_string_equal(doc.body, " => not a link * not a list\n");
    pack_doc_free(&doc);
}

/* A plain-text transcript: most lines start with "[h:mm:ss]", so it is a transcript. */
static void test_text_transcript(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_text, "transcript/2026-11-23-call-in.txt",
                  "radio/2026-11-23-call-in.txt", &doc);
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    assert_string_equal(doc.meta.title, "Village radio call-in, 23 November");
    assert_string_equal(doc.meta.date, "2026-11-23");
    assert_string_equal(doc.meta.id, "radio-2026-11-23-call-in");
    assert_string_equal(doc.body, "[00:00:05] HOST: Good morning, this is the call-in hour.\n"
                                  "[00:01:05] KIM: We need more seed before the spring.\n"
                                  "[00:02:10] 이영희: 학교 지붕이 아직 샙니다. Our school "
                                  "roof still leaks.\n"
                                  "[01:02:03] HOST: Thank you all. Call again next week.\n");
    pack_doc_free(&doc);

    /* no title line: the title comes from the file name */
    parse_ok(pack_parse_text, "r/2026-01-02_night-call.txt",
             "[00:00:01] A: hi\n[00:00:02] B: yo\nnot stamped\n", &doc);
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    assert_string_equal(doc.meta.title, "2026 01 02 night call");
    assert_string_equal(doc.meta.date, "2026-01-02");
    assert_string_equal(doc.body, "[00:00:01] A: hi\n[00:00:02] B: yo not stamped\n");
    pack_doc_free(&doc);

    /* half the lines stamped: an article, undated */
    parse_ok(pack_parse_text, "2026-01-02.txt", "T\n\n[00:00:01] A: hi\n\npara\n", &doc);
    assert_int_equal(doc.meta.kind, SAT_KIND_ARTICLE);
    assert_null(doc.meta.date);
    assert_string_equal(doc.body, "[00:00:01] A: hi\n\npara\n");
    pack_doc_free(&doc);
}

static void test_text_errors(void **state)
{
    sat_err err = {0};

    (void)state;
    parse_bad(pack_parse_text, "e.txt", " \n\t\n", 4, &err);
    assert_contains(err.msg, "e.txt: missing title");
    parse_bad(pack_parse_text, "e.txt", "Only a title\n", 13, &err);
    assert_contains(err.msg, "e.txt: no text");
}

/* ------------------------------------------------------------------------
 * WebVTT and SRT
 * ------------------------------------------------------------------------ */

static void test_vtt(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_vtt, "evening-news.vtt", "radio/evening-news.vtt", &doc);
    assert_string_equal(doc.body, "[00:00:01] 김철수: 안녕하십니까, 저녁 뉴스입니다.\n"
                                  "[00:00:05] 김철수: 오늘 함흥은 맑겠습니다 & 춥겠습니다.\n"
                                  "[01:02:03] 이영희: 감사합니다 <끝>\n"
                                  "[00:00:10] 김철수: 네.\n"
                                  "[00:00:10] 이영희: 안녕히 계세요.\n");
    assert_string_equal(doc.meta.title, "저녁 뉴스");
    assert_string_equal(doc.meta.date, "2026-11-01T11:00:00Z");
    assert_string_equal(doc.meta.lang, "ko");
    assert_string_equal(doc.meta.tags, "뉴스,날씨");
    assert_string_equal(doc.meta.id, "radio-evening-news");
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    pack_doc_free(&doc);
}

/* A Korean radio WebVTT file: BOM, header lines, STYLE/REGION blocks, metadata NOTE,
 * cue settings, optional hours, voice tags with and without </v> and classes, styling
 * tags, ruby, entities, a missing blank line, dialogue dashes. */
static void test_vtt_radio(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_vtt, "transcript/2026-11-24-morning-radio.vtt",
                  "radio/2026-11-24-morning-radio.vtt", &doc);
    assert_string_equal(doc.body,
                        "[00:00:00] 진행자: 안녕하십니까, 새벽별 라디오 아침 소식입니다.\n"
                        "[00:00:04] 진행자: 오늘은 함흥과 신의주 소식을 전해 드립니다.\n"
                        "[00:00:09] 박기자: 네, 함흥 장마당의 쌀값이 한 주 만에 10% 올랐고 & "
                        "옥수수값도 올랐습니다.\n"
                        "[00:00:14] 박기자: 상인들은 <겨울 준비> 때문이라고 말합니다.\n"
                        "[00:00:14] 진행자: 고맙습니다.\n"
                        "[00:01:05] 진행자: 北韓(북한) 당국은 \"market day\"를 줄였습니다.\n"
                        "[00:01:10] - 정말입니까?\n"
                        "[00:01:10] - 네, 사실입니다.\n"
                        "[01:00:00] 진행자: 지금까지 아침 소식이었습니다.\n"
                        "[01:00:00] (음악)\n");
    assert_string_equal(doc.meta.title, "새벽별 라디오 아침 소식");
    assert_string_equal(doc.meta.date, "2026-11-23T21:00:00Z");
    assert_string_equal(doc.meta.author, "새벽별 라디오");
    assert_string_equal(doc.meta.lang, "ko");
    assert_string_equal(doc.meta.tags, "아침 소식,날씨");
    assert_null(doc.meta.source);
    assert_string_equal(doc.meta.id, "radio-2026-11-24-morning-radio");
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    pack_doc_free(&doc);
}

/* Voice and tag corner cases, one cue each. */
static void test_vtt_voices(void **state)
{
    pack_doc doc;

    (void)state;
    parse_ok(pack_parse_vtt, "v.vtt",
             "WEBVTT\n\n"
             "00:01.000 --> 00:02.000\n<v A>one</v>\n<v A>two</v>\n\n"          /* same voice */
             "00:02.000 --> 00:03.000\n<v>no name <ruby>字<rt></rt></ruby>\n\n" /* empty rt */
             "00:03.000 --> 00:04.000\n<v B>a <b>b</b> <rt>c\n\n"           /* rt not closed */
             "00:04.000 --> 00:05.000\nx < y <3 &unknown; AT&T &#xAC00; &#0;\n\n"
             "00:05.000 --> 00:06.000\nKIM: hi\nLEE: yo\nTime: 10\n",
             &doc);
    assert_string_equal(doc.body, "[00:00:01] A: one two\n"
                                  "[00:00:02] no name 字\n"
                                  "[00:00:03] B: a b (c)\n"
                                  "[00:00:04] x < y <3 &unknown; AT&T 가 &#0;\n"
                                  "[00:00:05] KIM: hi\n"
                                  "[00:00:05] LEE: yo Time: 10\n");
    pack_doc_free(&doc);
}

static void test_vtt_fallbacks(void **state)
{
    pack_doc doc;

    (void)state;
    parse_ok(pack_parse_vtt, "radio/2026-11-02_farm-hour.vtt",
             "WEBVTT\n\nNOTE\ntitle: From the note\n\n00:00.000 --> 00:01.000\nhi\n", &doc);
    assert_string_equal(doc.meta.title, "From the note");
    assert_string_equal(doc.meta.date, "2026-11-02");
    assert_string_equal(doc.body, "[00:00:00] hi\n");
    pack_doc_free(&doc);

    parse_ok(pack_parse_vtt, "radio/2026-11-02_farm-hour.vtt",
             "WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n", &doc);
    assert_string_equal(doc.meta.title, "2026 11 02 farm hour");
    pack_doc_free(&doc);
}

static void test_vtt_errors(void **state)
{
    sat_err err = {0};
    static const char nohdr[] = "WEBVTTX\n\n00:00.000 --> 00:01.000\nhi\n";
    static const char badts[] = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.0\nhi\n";
    static const char noarrow[] = "WEBVTT\n\nintro\n00:01.000 - 00:02.000\nhi\n";
    static const char badmin[] = "WEBVTT\n\n00:61.000 --> 01:02.000\nhi\n";
    static const char baddate[] = "WEBVTT\n\nNOTE\ndate: soon\n\n00:00.000 --> 00:01.000\nx\n";
    static const char nocues[] = "WEBVTT Title\n\nNOTE just a note\n";
    static const char nextbad[] = "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n00:03.000 --> 00:04\n";

    (void)state;
    parse_bad(pack_parse_vtt, "v.vtt", nohdr, strlen(nohdr), &err);
    assert_contains(err.msg, "v.vtt:1: not a WebVTT file");
    parse_bad(pack_parse_vtt, "v.vtt", badts, strlen(badts), &err);
    assert_contains(err.msg, "v.vtt:4: bad cue timing");
    parse_bad(pack_parse_vtt, "v.vtt", noarrow, strlen(noarrow), &err);
    assert_contains(err.msg, "v.vtt:4: expected a cue timing line");
    parse_bad(pack_parse_vtt, "v.vtt", badmin, strlen(badmin), &err);
    assert_contains(err.msg, "v.vtt:3: bad cue timing");
    parse_bad(pack_parse_vtt, "v.vtt", baddate, strlen(baddate), &err);
    assert_contains(err.msg, "v.vtt:4: date 'soon'");
    parse_bad(pack_parse_vtt, "v.vtt", nocues, strlen(nocues), &err);
    assert_contains(err.msg, "v.vtt: no text");
    parse_bad(pack_parse_vtt, "v.vtt", nextbad, strlen(nextbad), &err);
    assert_contains(err.msg, "v.vtt:5: bad cue timing");
}

static void test_srt(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_srt, "2026-11-06-evening_bulletin.srt",
                  "radio/2026-11-06-evening_bulletin.srt", &doc);
    assert_string_equal(doc.body, "[00:00:01] KIM: Good evening.\n"
                                  "[00:00:03] Rain is expected in the north.\n"
                                  "[01:00:00] LEE: 감사합니다.\n");
    assert_string_equal(doc.meta.title, "2026 11 06 evening bulletin");
    assert_string_equal(doc.meta.date, "2026-11-06");
    assert_string_equal(doc.meta.id, "radio-2026-11-06-evening_bulletin");
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    pack_doc_free(&doc);
}

/* SRT from a studio tool: BOM, CRLF, font tags, positions after the timing, dialogue
 * dashes, speaker lines, "." and one-digit milliseconds, missing numbers and blank lines,
 * a number-only text line, a bare '<'. */
static void test_srt_studio(void **state)
{
    pack_doc doc;

    (void)state;
    parse_fixture(pack_parse_srt, "transcript/2026-11-23-evening_bulletin.srt",
                  "radio/2026-11-23-evening_bulletin.srt", &doc);
    assert_string_equal(doc.body, "[00:00:01] KIM: Good evening from Seoul.\n"
                                  "[00:00:03] Rain is expected in the north tonight.\n"
                                  "[00:00:07] - Will the roads close?\n"
                                  "[00:00:07] - Some of them, yes.\n"
                                  "[00:00:09] LEE: Prices rose 8% & fuel is short.\n"
                                  "[00:00:09] PARK: 쌀값도 올랐습니다.\n"
                                  "[00:01:00] The number of the day is 42\n"
                                  "[00:01:02] 3 < 5 and 6 > 4, says the teacher.\n"
                                  "[01:00:00] KIM: 안녕히 계세요.\n");
    assert_string_equal(doc.meta.title, "2026 11 23 evening bulletin");
    assert_string_equal(doc.meta.date, "2026-11-23");
    assert_string_equal(doc.meta.id, "radio-2026-11-23-evening_bulletin");
    assert_int_equal(doc.meta.kind, SAT_KIND_TRANSCRIPT);
    pack_doc_free(&doc);
}

static void test_srt_errors(void **state)
{
    sat_err err = {0};
    static const char badts[] = "1\n00:00:01,000 --> 00:00:02\nhi\n";
    static const char nohours[] = "1\n00:01,000 --> 00:02,000\nhi\n";
    static const char stray[] = "hello\n";
    static const char nots[] = "1\n\nhi\n";
    /* the next cue without a blank line: its timing is still checked */
    static const char nextbad[] = "1\n00:00:01,000 --> 00:00:02,000\nhi\n2\n00:00:03,000 --> 4\n";
    static const char nextbad2[] = "00:00:01,000 --> 00:00:02,000\nhi\n00:00:03,000 -> x-->\n";

    (void)state;
    parse_bad(pack_parse_srt, "s.srt", badts, strlen(badts), &err);
    assert_contains(err.msg, "s.srt:2: bad cue timing");
    parse_bad(pack_parse_srt, "s.srt", nohours, strlen(nohours), &err);
    assert_contains(err.msg, "s.srt:2: bad cue timing");
    parse_bad(pack_parse_srt, "s.srt", stray, strlen(stray), &err);
    assert_contains(err.msg, "s.srt:1: expected a cue number");
    parse_bad(pack_parse_srt, "s.srt", nots, strlen(nots), &err);
    assert_contains(err.msg, "s.srt:1: cue has no timing line");
    parse_bad(pack_parse_srt, "s.srt", nextbad, strlen(nextbad), &err);
    assert_contains(err.msg, "s.srt:5: bad cue timing '00:00:03,000 --> 4'");
    parse_bad(pack_parse_srt, "s.srt", nextbad2, strlen(nextbad2), &err);
    assert_contains(err.msg, "s.srt:3: bad cue timing");
}

/* ------------------------------------------------------------------------
 * Ids
 * ------------------------------------------------------------------------ */

static void check_id(const char *relpath, int keep_ext, const char *want)
{
    char *id = pack_id_from_path(relpath, keep_ext);

    if (want == NULL) {
        assert_null(id);
        return;
    }
    assert_non_null(id);
    assert_string_equal(id, want);
    free(id);
}

static void test_id_from_path(void **state)
{
    char longp[200];

    (void)state;
    check_id("news/2026-11-01-korea.md", 0, "news-2026-11-01-korea");
    check_id("img/photo.png", 1, "img-photo.png");
    check_id("img/photo.png", 0, "img-photo");
    check_id("2026-11-01-첫눈.md", 0, "2026-11-01-_");
    check_id("뉴스/첫눈 소식.md", 0, "_-_");
    check_id("a  b!!c.txt", 0, "a_b_c");
    check_id("a__b.md", 0, "a__b");
    check_id("a..b.md", 0, "a.b");
    check_id("-x/.y.md", 0, "x-.y");
    check_id("archive.tar.gz", 0, "archive.tar");
    check_id("", 0, NULL);
    check_id("...", 0, NULL);
    check_id(NULL, 0, NULL);
    memset(longp, 'a', 150);
    memcpy(longp + 150, ".md", 4);
    {
        char *id = pack_id_from_path(longp, 0);
        assert_non_null(id);
        assert_int_equal(strlen(id), SAT_ID_MAX);
        free(id);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md_full),
        cmocka_unit_test(test_md_korean_heading_title),
        cmocka_unit_test(test_md_inline_and_blocks),
        cmocka_unit_test(test_md_front_matter_values),
        cmocka_unit_test(test_md_errors),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_controls_and_line_ends),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_transcript),
        cmocka_unit_test(test_text_errors),
        cmocka_unit_test(test_vtt),
        cmocka_unit_test(test_vtt_radio),
        cmocka_unit_test(test_vtt_voices),
        cmocka_unit_test(test_vtt_fallbacks),
        cmocka_unit_test(test_vtt_errors),
        cmocka_unit_test(test_srt),
        cmocka_unit_test(test_srt_studio),
        cmocka_unit_test(test_srt_errors),
        cmocka_unit_test(test_id_from_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
