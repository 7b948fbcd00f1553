/*
 * test_input_charset.c - pack_charset_decode (BOM, declarations, fallback, detection,
 * errors), pack_nfc and NFC in parsed documents, and the metadata value normalisers
 * pack_in_date_norm and pack_in_lang_norm. Fixtures: $SATCHEL_TEST_DATA/input/charset/
 * (the legacy-charset files were made once with iconv from the UTF-8 texts below).
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
#include <utf8proc.h>

#include "input_common.h"
#include "pack_input.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* A string literal and its length (it may hold NUL bytes). */
#define LIT(s) s, sizeof(s) - 1

static char *load_fixture(const char *name, size_t *len)
{
    return test_fixture("input/charset", name, len);
}

/* Decodes data expecting success: the output must be exactly want, and the note
 * want_note (NULL: no note). */
static void decode_ok(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                      const char *fallback, const char *want, const char *want_note)
{
    sat_buf out = {0};
    char *note = (char *)"unset";
    sat_err err = {0};
    int rc = pack_charset_decode(relpath, data, len, kind, fallback, &out, &note, &err);

    if (rc != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_non_null(out.data);
    assert_string_equal(out.data, want);
    assert_int_equal(out.len, strlen(want));
    if (want_note == NULL)
        assert_null(note);
    else
        assert_string_equal(note, want_note);
    free(note);
    sat_buf_free(&out);
}

static void decode_fixture(const char *name, pack_cs_kind kind, const char *fallback,
                           const char *want, const char *want_note)
{
    size_t len;
    char *data = load_fixture(name, &len);
    char relpath[256];

    snprintf(relpath, sizeof relpath, "charset/%s", name);
    decode_ok(relpath, data, len, kind, fallback, want, want_note);
    free(data);
}

/* Decodes data expecting failure with code rc and exactly the message want. Text
 * already in out stays as it was and no note is left. */
static void decode_bad(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                       const char *fallback, int want_rc, const char *want)
{
    sat_buf out = {0};
    char *note = (char *)"unset";
    sat_err err = {0};
    int rc;

    assert_int_equal(sat_buf_puts(&out, "before"), 0);
    rc = pack_charset_decode(relpath, data, len, kind, fallback, &out, &note, &err);
    assert_int_equal(rc, want_rc);
    assert_int_equal(err.code, want_rc);
    assert_string_equal(err.msg, want);
    assert_null(note);
    assert_string_equal(out.data, "before");
    assert_int_equal(out.len, 6);
    sat_buf_free(&out);
}

/* ------------------------------------------------------------------------
 * Declared charsets
 * ------------------------------------------------------------------------ */

static const char euckr_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"ko\">\n"
    "<head>\n"
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">\n"
    "<title>장마당 쌀값 석 달째 올라</title>\n"
    "</head>\n"
    "<body>\n"
    "<h1>장마당 쌀값 석 달째 올라</h1>\n"
    "<p>평양의 한 장마당에서 쌀 1킬로그램 값이 석 달 연속 올랐다고 주민들이 전했다.</p>\n"
    "<p>상인들은 “가을걷이가 끝나면 내릴 것”이라고 말했다.</p>\n"
    "</body>\n"
    "</html>\n";

static void test_euckr_http_equiv(void **state)
{
    (void)state;
    decode_fixture("euc-kr.html", PACK_CS_HTML, NULL, euckr_page, NULL);
    /* the declaration beats the fallback */
    decode_fixture("euc-kr.html", PACK_CS_HTML, "windows-1252", euckr_page, NULL);
}

static void test_cp949_beyond_euckr(void **state)
{
    static const char want[] =
        "<html><head><META CHARSET=\"EUC-KR\"><title>똠방각하 다시 읽기</title></head>\n"
        "<body><p>똠양꿍과 뷁, 햏 같은 글자는 EUC-KR에 없고 CP949에만 있다.</p></body></html>\n";

    (void)state;
    /* labelled EUC-KR, holding syllables only CP949 has: read as CP949 */
    decode_fixture("cp949-only.html", PACK_CS_HTML, NULL, want, NULL);
}

static void test_xml_declaration(void **state)
{
    static const char want[] =
        "<?xml version=\"1.0\" encoding=\"EUC-KR\"?>\n"
        "<rss version=\"2.0\"><channel><title>새벽별 통신</title>\n"
        "<item><title>비 소식</title><description>내일은 전국에 비가 옵니다.</description>"
        "</item>\n"
        "</channel></rss>\n";
    size_t len;
    char *data = load_fixture("feed-euckr.xml", &len);

    (void)state;
    decode_ok("feed.xml", data, len, PACK_CS_XML, NULL, want, NULL);
    /* as plain text the declaration is not read: detected as CP949 */
    decode_ok("feed.xml", data, len, PACK_CS_TEXT, NULL, want,
              "no charset declared; read as CP949 (Korean)");
    free(data);
}

static void test_wrong_declarations(void **state)
{
    static const char cp949_want[] =
        "<html><head>\n"
        "<meta name=\"viewport\" content=\"width=device-width\">\n"
        "<meta charset=utf-8>\n"
        "<title>겨울철 난방 안전</title></head>\n"
        "<body><p>연탄가스에 주의하세요. 환기를 자주 하세요.</p></body></html>\n";
    size_t len;
    char *utf8 = load_fixture("declared-euckr-but-utf8.html", &len);

    (void)state;
    /* declared EUC-KR (the meta in the comment before it does not count), bytes UTF-8 */
    decode_ok("charset/declared-euckr-but-utf8.html", utf8, len, PACK_CS_HTML, NULL, utf8,
              "declared 'euc-kr' but the text is UTF-8; read as UTF-8");
    /* the same with the config's fallback instead of a declaration */
    decode_ok("a.txt", utf8, len, PACK_CS_TEXT, "cp949", utf8,
              "charset 'cp949' from the config file but the text is UTF-8; read as UTF-8");
    free(utf8);
    /* declared UTF-8, bytes CP949 */
    decode_fixture("declared-utf8-but-cp949.html", PACK_CS_HTML, NULL, cp949_want,
                   "declared 'utf-8' but the text is not UTF-8; read as CP949 (Korean)");
    /* declared Latin-1 (a common wrong label), bytes CP949 Korean */
    {
        static const char page[] = "<meta charset=iso-8859-1><p>\xB8\xBC\xC0\xBA \xB9\xB0</p>\n";
        decode_ok("l.html", page, strlen(page), PACK_CS_HTML, NULL,
                  "<meta charset=iso-8859-1><p>맑은 물</p>\n",
                  "declared 'iso-8859-1' but the text is CP949 (Korean); read as CP949");
    }
}

static void test_undeclared(void **state)
{
    static const char want[] =
        "마을 소식\n"
        "\n"
        "이번 주 장날은 목요일입니다.\n"
        "감자와 옥수수를 가져오세요.\n";
    static const char latin1[] = "Caf\xE9 cr\xE8me\n";

    (void)state;
    decode_fixture("undeclared-cp949.txt", PACK_CS_TEXT, NULL, want,
                   "no charset declared; read as CP949 (Korean)");
    /* valid UTF-8 without a declaration: no note */
    decode_ok("u.md", "## 제목\nü\n", strlen("## 제목\nü\n"), PACK_CS_TEXT, NULL, "## 제목\nü\n",
              NULL);
    /* Latin-1 without a declaration is not guessed; with the fallback it reads */
    decode_bad("fr.txt", latin1, strlen(latin1), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "fr.txt:1: text is not UTF-8 and no charset is declared (byte offset 3); add "
               "`charset = NAME` to satchel.conf, or re-save the file as UTF-8");
    decode_ok("fr.txt", latin1, strlen(latin1), PACK_CS_TEXT, "latin1", "Café crème\n", NULL);
    decode_ok("fr.txt", latin1, strlen(latin1), PACK_CS_TEXT, " Windows-1252 ", "Café crème\n",
              NULL);
    /* windows-1252's euro sign (what browsers do for "iso-8859-1") */
    decode_ok("e.txt", LIT("5 \x80\n"), PACK_CS_TEXT, "iso-8859-1", "5 €\n", NULL);
}

static void test_undecodable(void **state)
{
    size_t len;
    char *data = load_fixture("broken-euckr.html", &len);

    (void)state;
    assert_int_equal((unsigned char)data[110], 0xFF);
    decode_bad("charset/broken-euckr.html", data, len, PACK_CS_HTML, NULL, SAT_E_FORMAT,
               "charset/broken-euckr.html:4: not valid CP949 (declared 'euc-kr') at byte "
               "offset 110; fix the declaration or re-save the file as UTF-8");
    free(data);

    data = load_fixture("junk.txt", &len);
    decode_bad("charset/junk.txt", data, len, PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "charset/junk.txt:3: text is not UTF-8 and no charset is declared (byte offset "
               "18); add `charset = NAME` to satchel.conf, or re-save the file as UTF-8");
    decode_bad("charset/junk.html", data, len, PACK_CS_HTML, NULL, SAT_E_FORMAT,
               "charset/junk.html:3: text is not UTF-8 and no charset is declared (byte offset "
               "18); add <meta charset=\"NAME\"> to the page's <head>, or `charset = NAME` to "
               "satchel.conf, or re-save the file as UTF-8");
    decode_bad("charset/junk.txt", data, len, PACK_CS_TEXT, "utf-8", SAT_E_FORMAT,
               "charset/junk.txt:3: not valid UTF-8 (charset 'utf-8' from the config file) at "
               "byte offset 18; fix the declaration or re-save the file as UTF-8");
    free(data);

    decode_bad("x.xml", LIT("<?xml version='1.0'?>\n\xFF\n"), PACK_CS_XML, NULL, SAT_E_FORMAT,
               "x.xml:2: text is not UTF-8 and no charset is declared (byte offset 22); "
               "declare it in the first line (<?xml version=\"1.0\" encoding=\"NAME\"?>), or "
               "add `charset = NAME` to satchel.conf, or re-save the file as UTF-8");
    /* a NUL byte: not text */
    decode_bad("n.txt", LIT("ab\ncd\0e"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "n.txt:2: NUL byte at byte offset 5; this is not a text file (or it is UTF-16 "
               "without a byte order mark: re-save it as UTF-8)");
}

static void test_names(void **state)
{
    static const char unknown[] = "<html>\n<head><meta charset=\"klingon-8\">\n";

    (void)state;
    decode_bad("k.html", unknown, strlen(unknown), PACK_CS_HTML, NULL, SAT_E_FORMAT,
               "k.html:2: unknown charset 'klingon-8' declared; use one of utf-8, euc-kr, "
               "cp949, iso-2022-kr, windows-1252 (iso-8859-1), shift_jis, euc-jp, gbk "
               "(gb2312), gb18030, big5, or re-save the file as UTF-8");
    decode_bad("k.txt", LIT("abc\n"), PACK_CS_TEXT, "ebcdic", SAT_E_FORMAT,
               "k.txt: charset 'ebcdic' from the config file is not one Satchel reads; use one "
               "of utf-8, euc-kr, cp949, iso-2022-kr, windows-1252 (iso-8859-1), shift_jis, "
               "euc-jp, gbk (gb2312), gb18030, big5");
    /* a name from the file reaches the message without control characters */
    decode_bad("e.html", LIT("<meta charset='\x1B[2J\xEB\x85\x84'>"), PACK_CS_HTML, NULL,
               SAT_E_FORMAT,
               "e.html:1: unknown charset '?[2J?" "?" "?' declared; use one of utf-8, euc-kr, cp949, "
               "iso-2022-kr, windows-1252 (iso-8859-1), shift_jis, euc-jp, gbk (gb2312), "
               "gb18030, big5, or re-save the file as UTF-8");
    /* an empty declaration declares nothing */
    decode_ok("e.html", LIT("<meta charset=\"  \"><p>\xB0\xA1</p>"), PACK_CS_HTML, NULL,
              "<meta charset=\"  \"><p>가</p>", "no charset declared; read as CP949 (Korean)");
    assert_true(pack_charset_known("EUC-KR"));
    assert_true(pack_charset_known("ks_c_5601-1987"));
    assert_true(pack_charset_known("uhc"));
    assert_true(pack_charset_known("utf8"));
    assert_true(pack_charset_known("latin1"));
    assert_true(pack_charset_known("gb2312"));
    assert_false(pack_charset_known("utf-16"));
    assert_false(pack_charset_known("utf-32"));
    assert_false(pack_charset_known("euc-kr2"));
    assert_false(pack_charset_known(""));
    assert_false(pack_charset_known(NULL));
    /* other charsets of the table, declared */
    decode_ok("j.html", LIT("<meta charset=\"Shift_JIS\">\x93\xFA\x96\x7B\n"), PACK_CS_HTML,
              NULL, "<meta charset=\"Shift_JIS\">日本\n", NULL);
    decode_ok("c.html", LIT("<meta charset=gb2312>\xD6\xD0\xCE\xC4\n"), PACK_CS_HTML, NULL,
              "<meta charset=gb2312>中文\n", NULL);
    decode_ok("b.html", LIT("<meta charset=big5>\xA4\xA4\xA4\xE5\n"), PACK_CS_HTML, NULL,
              "<meta charset=big5>中文\n", NULL);
    decode_ok("i.txt", LIT("\x1B$)C\x0E\x30\x21\x0F!\n"), PACK_CS_TEXT, "iso-2022-kr", "가!\n",
              NULL);
}

/* ------------------------------------------------------------------------
 * The HTML prescan and the XML declaration
 * ------------------------------------------------------------------------ */

static void test_prescan(void **state)
{
    /* "맑은" in CP949 */
    static const char ko[] = "\xB8\xBC\xC0\xBA";
    char page[2048];
    size_t n;

    (void)state;
    /* content="...charset=..." needs http-equiv="content-type" */
    n = (size_t)snprintf(page, sizeof page,
                         "<meta content=\"text/html; charset=euc-kr\" name=x><p>%s\n", ko);
    decode_ok("p.html", page, n, PACK_CS_HTML, NULL,
              "<meta content=\"text/html; charset=euc-kr\" name=x><p>맑은\n",
              "no charset declared; read as CP949 (Korean)");
    /* attributes in any order, upper case, no quotes, charset quoted inside content */
    n = (size_t)snprintf(page, sizeof page,
                         "<META CONTENT='text/html;charset=\"EUC-KR\"' HTTP-EQUIV=Content-Type>"
                         "%s\n", ko);
    decode_ok("p.html", page, n, PACK_CS_HTML, NULL,
              "<META CONTENT='text/html;charset=\"EUC-KR\"' HTTP-EQUIV=Content-Type>맑은\n",
              NULL);
    /* a quoted attribute of another tag cannot hide a '>' or a fake meta */
    n = (size_t)snprintf(page, sizeof page,
                         "<div title=\"<meta charset=utf-8>\"><meta charset=euc-kr>%s\n", ko);
    decode_ok("p.html", page, n, PACK_CS_HTML, NULL,
              "<div title=\"<meta charset=utf-8>\"><meta charset=euc-kr>맑은\n", NULL);
    /* only the first 1024 bytes are looked at */
    memset(page, ' ', 1024);
    n = 1024 + (size_t)snprintf(page + 1024, sizeof page - 1024, "<meta charset=euc-kr>%s", ko);
    {
        sat_buf out = {0};
        char *note = NULL;
        sat_err err = {0};

        assert_int_equal(pack_charset_decode("late.html", page, n, PACK_CS_HTML, NULL, &out,
                                             &note, &err),
                         0);
        assert_string_equal(note, "no charset declared; read as CP949 (Korean)");
        assert_string_equal(out.data + 1024, "<meta charset=euc-kr>맑은");
        free(note);
        sat_buf_free(&out);
    }
    /* a page readable as ASCII cannot be UTF-16, whatever it says */
    decode_ok("u16.html", LIT("<meta charset=utf-16><p>é\n"), PACK_CS_HTML, NULL,
              "<meta charset=utf-16><p>é\n", NULL);
    /* XML: single quotes; a declaration not at the start does not count */
    n = (size_t)snprintf(page, sizeof page, "<?xml version='1.0' encoding='euc-kr' ?><a>%s</a>",
                         ko);
    decode_ok("f.xml", page, n, PACK_CS_XML, NULL,
              "<?xml version='1.0' encoding='euc-kr' ?><a>맑은</a>", NULL);
    n = (size_t)snprintf(page, sizeof page, "\n<?xml version='1.0' encoding='latin1'?>%s", ko);
    decode_ok("f.xml", page, n, PACK_CS_XML, NULL,
              "\n<?xml version='1.0' encoding='latin1'?>맑은",
              "no charset declared; read as CP949 (Korean)");
}

/* ------------------------------------------------------------------------
 * Byte order marks
 * ------------------------------------------------------------------------ */

static void test_bom(void **state)
{
    static const char want16[] =
        "라디오 원고\r\n\r\n오늘 밤 9시 뉴스입니다.\r\nSecond line in English.\r\n";
    size_t len, i;
    char *le = load_fixture("utf16le-bom.txt", &len);
    char *be = malloc(len);

    (void)state;
    assert_non_null(be);
    decode_ok("charset/utf16le-bom.txt", le, len, PACK_CS_TEXT, NULL, want16, NULL);
    /* the BOM beats a declaration and the fallback */
    decode_ok("charset/utf16le-bom.txt", le, len, PACK_CS_HTML, "euc-kr", want16, NULL);
    for (i = 0; i + 1 < len; i += 2) {
        be[i] = le[i + 1];
        be[i + 1] = le[i];
    }
    decode_ok("be.txt", be, len, PACK_CS_TEXT, NULL, want16, NULL);
    free(be);
    free(le);

    /* UTF-8 BOM removed (also a second one right after it) */
    decode_ok("b.txt", LIT("\xEF\xBB\xBF\xEF\xBB\xBF한\n"), PACK_CS_TEXT, "euc-kr", "한\n", NULL);
    decode_ok("b.txt", LIT("\xEF\xBB\xBF"), PACK_CS_TEXT, NULL, "", NULL);
    decode_bad("b.txt", LIT("\xEF\xBB\xBFok\n\xB0\xA1\n"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "b.txt:2: not valid UTF-8 (byte order mark) at byte offset 6; the file is "
               "damaged: re-save it as UTF-8");
    /* UTF-16LE "a\nb\n" then a lone low surrogate: line 3, byte offset 10 */
    decode_bad("s.txt", LIT("\xFF\xFE" "a\0\n\0b\0\n\0\x00\xDC" "c\0"), PACK_CS_TEXT, NULL,
               SAT_E_FORMAT,
               "s.txt:3: not valid UTF-16LE (byte order mark) at byte offset 10; the file is "
               "damaged: re-save it as UTF-8");
    /* UTF-16BE cut in the middle of a unit; CR LF counts as one line end */
    decode_bad("s.txt", LIT("\xFE\xFF\0\r\0\n\0a\0"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "s.txt:2: not valid UTF-16BE (byte order mark) at byte offset 8; the file is "
               "damaged: re-save it as UTF-8");
    decode_bad("z.txt", LIT("\xFF\xFE" "a\0\0\0"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "z.txt:1: NUL character at byte offset 4; this is not a text file");
    decode_bad("w.txt", LIT("\xFF\xFE\0\0a\0\0\0"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "w.txt:1: the file is UTF-32 (byte order mark), which Satchel does not read; "
               "re-save it as UTF-8");
    decode_bad("w.txt", LIT("\0\0\xFE\xFF\0\0\0a"), PACK_CS_TEXT, NULL, SAT_E_FORMAT,
               "w.txt:1: the file is UTF-32 (byte order mark), which Satchel does not read; "
               "re-save it as UTF-8");
}

/* ------------------------------------------------------------------------
 * Sizes and appending
 * ------------------------------------------------------------------------ */

static void test_limits(void **state)
{
    size_t n = PACK_TEXT_MAX / 2 + 1;
    char *big = malloc(PACK_TEXT_MAX + 1);
    sat_buf out = {0};
    char *note = NULL;
    sat_err err = {0};

    (void)state;
    assert_non_null(big);
    memset(big, 'a', PACK_TEXT_MAX + 1);
    decode_bad("big.txt", big, PACK_TEXT_MAX + 1, PACK_CS_TEXT, NULL, SAT_E_LIMIT,
               "big.txt: text file is larger than the 16 MiB limit");
    /* exactly at the limit is fine */
    assert_int_equal(pack_charset_decode("max.txt", big, PACK_TEXT_MAX, PACK_CS_TEXT, NULL,
                                         &out, &note, &err),
                     0);
    assert_int_equal(out.len, PACK_TEXT_MAX);
    sat_buf_free(&out);
    /* 8 MiB of euro signs in windows-1252 grow to 24 MiB of UTF-8 */
    memset(big, '\x80', n);
    decode_bad("euro.txt", big, n, PACK_CS_TEXT, "windows-1252", SAT_E_LIMIT,
               "euro.txt: text is larger than the 16 MiB limit once converted to UTF-8");
    free(big);
}

static void test_appends(void **state)
{
    sat_buf out = {0};
    char *note = NULL;
    sat_err err = {0};

    (void)state;
    assert_int_equal(sat_buf_puts(&out, "A|"), 0);
    assert_int_equal(pack_charset_decode("a.txt", LIT("\xB0\xA1\xB3\xAA"), PACK_CS_TEXT, "euc-kr",
                                         &out, &note, &err),
                     0);
    assert_null(note);
    assert_int_equal(pack_charset_decode("b.txt", LIT("\xEF\xBB\xBF|z"), PACK_CS_TEXT, NULL, &out,
                                         &note, &err),
                     0);
    assert_string_equal(out.data, "A|가나|z");
    assert_int_equal(pack_charset_decode("c.txt", LIT(""), PACK_CS_HTML, NULL, &out, &note, &err),
                     0);
    assert_string_equal(out.data, "A|가나|z");
    sat_buf_free(&out);
}

/* ------------------------------------------------------------------------
 * NFC
 * ------------------------------------------------------------------------ */

static void nfc_is(const char *in, const char *want)
{
    char *out = NULL;
    size_t n = 0;
    sat_err err = {0};

    assert_int_equal(pack_nfc(in, strlen(in), &out, &n, &err), 0);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    free(out);
}

static void test_nfc(void **state)
{
    char *out = (char *)"unset";
    size_t n = 7;
    sat_err err = {0};

    (void)state;
    nfc_is("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", "\xEA\xB0\x81"); /* U+1100 U+1161 U+11A8 */
    nfc_is("caf" "e\xCC\x81", "caf\xC3\xA9");                      /* e + U+0301 */
    nfc_is("한국어 뉴스, café, Ångström", "한국어 뉴스, café, Ångström");
    nfc_is("plain ASCII\n", "plain ASCII\n");
    nfc_is("", "");
    nfc_is("\xE2\x84\xAB", "\xC3\x85"); /* ANGSTROM SIGN -> A with ring */
    /* embedded NUL is kept, the result still NUL-terminated after it */
    assert_int_equal(pack_nfc("a\0e\xCC\x81", 5, &out, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "a\0\xC3\xA9", 5);
    free(out);
    out = (char *)"unset";
    assert_int_equal(pack_nfc("ok \xC3\x28", 5, &out, &n, &err), SAT_E_FORMAT);
    assert_null(out);
    assert_string_equal(err.msg, "invalid UTF-8 at byte offset 3");
    assert_int_equal(pack_nfc("\xED\xA0\x80", 3, &out, &n, &err), SAT_E_FORMAT);
}

/* pack_nfc_quick's shortcut is sound: every code point it passes is its own NFC, has
 * combining class 0, and is never a later part of any canonical decomposition (so it
 * cannot compose with what comes before it). Checked over all of Unicode. */
static void test_nfc_quick_ranges(void **state)
{
    static unsigned char later[0x110000 / 8];
    uint32_t cp;
    size_t safe = 0;

    (void)state;
    for (cp = 0; cp < 0x110000; cp++) {
        utf8proc_int32_t d[16];
        int last = 0;
        utf8proc_ssize_t k, n;

        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 16, UTF8PROC_DECOMPOSE, &last);
        assert_true(n >= 1 && n <= 16);
        for (k = 1; k < n; k++)
            later[d[k] / 8] |= (unsigned char)(1u << (d[k] % 8));
    }
    for (cp = 0; cp < 0x110000; cp++) {
        char enc[4];
        size_t len;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t r;

        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        len = sat_utf8_encode(cp, enc);
        if (!pack_nfc_quick(enc, len))
            continue;
        safe++;
        if (utf8proc_get_property((utf8proc_int32_t)cp)->combining_class != 0)
            fail_msg("U+%04X passes the quick check but has a combining class", (unsigned)cp);
        if (later[cp / 8] & (1u << (cp % 8)))
            fail_msg("U+%04X passes the quick check but can compose", (unsigned)cp);
        r = utf8proc_map((const utf8proc_uint8_t *)enc, (utf8proc_ssize_t)len, &nfc,
                         (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
        if (r != (utf8proc_ssize_t)len || memcmp(nfc, enc, len) != 0)
            fail_msg("U+%04X passes the quick check but NFC changes it", (unsigned)cp);
        free(nfc);
    }
    assert_true(safe > 30000); /* the ranges are really in use */
    assert_false(pack_nfc_quick("e\xCC\x81", 3));
    assert_false(pack_nfc_quick("\xE1\x84\x80", 3)); /* U+1100 */
    assert_false(pack_nfc_quick("\xE2\x80\x80", 3)); /* U+2000 -> U+2002 */
    assert_true(pack_nfc_quick("한국어 “뉴스” 中文 café", strlen("한국어 “뉴스” 中文 café")));
}

static void test_nfc_documents(void **state)
{
    static const char body[] =
        "# 맥에서 저장한 글\n"
        "\n"
        "맥에서 저장한 파일은 글자가 자모로 풀려 있기도 하다: 각, 값, 똠.\n"
        "\n"
        "* Café au lait\n";
    size_t len;
    char *data = load_fixture("nfd-korean.md", &len);
    pack_doc doc;
    sat_err err = {0};

    (void)state;
    assert_null(strstr(data, "각")); /* the fixture really is decomposed */
    if (pack_parse_markdown("ko/nfd.md", data, len, &doc, &err) != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_string_equal(doc.meta.title, "한글 자모 풀어쓰기");
    assert_string_equal(doc.body, body);
    assert_int_equal(doc.body_len, strlen(body));
    assert_string_equal(doc.meta.lang, "ko");
    pack_doc_free(&doc);
    free(data);

    /* NFC turns U+1FEF GREEK VARIA into '`': a "```" that appears only then stays text */
    {
        static const char md[] = "---\ntitle: Varia\n---\n\xE1\xBF\xAF\xE1\xBF\xAF\xE1\xBF\xAF"
                                 " not code\n\nnext\n";
        assert_int_equal(pack_parse_markdown("v.md", md, strlen(md), &doc, &err), 0);
        assert_string_equal(doc.body, " ``` not code\n\nnext\n");
        pack_doc_free(&doc);
    }
    /* front matter in NFD, text parser body in NFD */
    {
        static const char txt[] = "Cafe\xCC\x81 news\n\nA\xCC\x8A and e\xCC\x81\n";
        assert_int_equal(pack_parse_text("t.txt", txt, strlen(txt), &doc, &err), 0);
        assert_string_equal(doc.meta.title, "Café news");
        assert_string_equal(doc.body, "Å and é\n");
        pack_doc_free(&doc);
    }
}

/* ------------------------------------------------------------------------
 * Dates and languages
 * ------------------------------------------------------------------------ */

static void date_is(const char *in, const char *want)
{
    char out[21];

    if (pack_in_date_norm(in, strlen(in), out) != 0)
        fail_msg("date '%s' refused", in);
    if (strcmp(out, want) != 0)
        fail_msg("date '%s' gave '%s', want '%s'", in, out, want);
}

static void date_bad(const char *in)
{
    char out[21];

    if (pack_in_date_norm(in, strlen(in), out) == 0)
        fail_msg("date '%s' accepted as '%s'", in, out);
}

static void test_dates(void **state)
{
    (void)state;
    /* the forms accepted before */
    date_is("2026-11-03", "2026-11-03");
    date_is("2026-11-03T06:30:00Z", "2026-11-03T06:30:00Z");
    date_is("2026-01-01T01:00:00+02:00", "2025-12-31T23:00:00Z");
    date_is("2026-02-28T23:30:00-01:00", "2026-03-01T00:30:00Z");
    date_is("2024-02-29", "2024-02-29");
    /* ISO 8601 variants */
    date_is("2026-11-03T06:30:00.123Z", "2026-11-03T06:30:00Z");
    date_is("2026-11-03T06:30:00,5+09:00", "2026-11-02T21:30:00Z");
    date_is("2026-11-03T15:30:00.123456789+0900", "2026-11-03T06:30:00Z");
    date_is("2026-11-03T06:30Z", "2026-11-03T06:30:00Z");
    date_is("2026-11-03 06:30:00+09", "2026-11-02T21:30:00Z");
    date_is("2026-11-03 06:30:00 +09:00", "2026-11-02T21:30:00Z");
    date_is("2026-11-03t06:30:00z", "2026-11-03T06:30:00Z");
    date_is("  2026-11-03T06:30:00 UTC ", "2026-11-03T06:30:00Z");
    date_is("2026-11-03T06:30:00", "2026-11-03"); /* no zone: the date only */
    date_is("2026-11-03 06:30", "2026-11-03");
    /* RFC 822 / 1123 */
    date_is("Tue, 03 Jun 2025 09:39:21 GMT", "2025-06-03T09:39:21Z");
    date_is("Tue, 03 Jun 2025 09:39:21 +0900", "2025-06-03T00:39:21Z");
    date_is("03 Jun 2025 18:39:21 KST", "2025-06-03T09:39:21Z");
    date_is("3 June 2025 09:39 EDT", "2025-06-03T13:39:00Z");
    date_is("Wed, 31 Dec 25 23:00:00 -0300", "2026-01-01T02:00:00Z");
    date_is("Mon, 01 Mar 99 00:00:00 Z", "1999-03-01T00:00:00Z");
    date_is("Thursday, 06-Nov-2025 08:49:37 GMT", "2025-11-06T08:49:37Z");
    date_is("Tue, 03 Jun 2025 09:39:21 +0000 (UTC)", "2025-06-03T09:39:21Z");
    date_is("03 Sept 2025", "2025-09-03");
    date_is("Tue, 03 Jun 2025 09:39:21", "2025-06-03");
    /* dotted and slashed, Korean */
    date_is("2026.11.02", "2026-11-02");
    date_is("2026. 11. 2.", "2026-11-02");
    date_is("2026/1/5", "2026-01-05");
    date_is("2026.11.02 14:30 KST", "2026-11-02T05:30:00Z");
    date_is("2026년 11월 2일", "2026-11-02");
    date_is("2026년11월2일", "2026-11-02");
    date_is("2026년 11월 2일 (월)", "2026-11-02");
    date_is("2026년 11월 2일 월요일 오후 3:04 KST", "2026-11-02T06:04:00Z");
    date_is("2026년 11월 2일 오전 12:30 +09:00", "2026-11-01T15:30:00Z");
    date_is("2026년 11월 2일 오후 12:30:15 KST", "2026-11-02T03:30:15Z");
    date_is("2026년 11월 2일 15:04", "2026-11-02");

    date_bad("");
    date_bad("soon");
    date_bad("2026-02-30");
    date_bad("2025-02-29");
    date_bad("2026-13-01");
    date_bad("2026-11-3");
    date_bad("2026-11-03T24:00:00Z");
    date_bad("2026-11-03T06:60:00Z");
    date_bad("2026-11-03T06:30:00+24:00");
    date_bad("2026-11-03T06:30:00 XYZ");
    date_bad("2026-11-03T06:30:00Z junk");
    date_bad("2026-11-03X");
    date_bad("2026.11/02");
    date_bad("Tue, 32 Jun 2025");
    date_bad("Tue, 03 Jux 2025");
    date_bad("Fun, 03 Jun 2025");
    date_bad("03 Jun 202");
    date_bad("2026년 13월 2일");
    date_bad("2026년 11월 2일 오후 13:00");
    date_bad("0000-01-01");
    date_bad("9999-12-31T23:00:00-02:00"); /* past year 9999 in UTC */
}

static void lang_is(const char *in, const char *want)
{
    char out[SAT_LANG_MAX + 1];

    if (pack_in_lang_norm(in, strlen(in), out) != 0)
        fail_msg("lang '%s' refused", in);
    assert_string_equal(out, want);
}

static void lang_bad(const char *in)
{
    char out[SAT_LANG_MAX + 1];

    if (pack_in_lang_norm(in, strlen(in), out) == 0)
        fail_msg("lang '%s' accepted as '%s'", in, out);
}

static void test_langs(void **state)
{
    pack_doc doc;
    sat_err err = {0};
    static const char md[] = "---\ntitle: T\nlang: ko_KR\n---\nx\n";

    (void)state;
    lang_is("ko", "ko");
    lang_is("KO", "ko");
    lang_is("ko_KR", "ko-KR");
    lang_is("en-us", "en-US");
    lang_is("zh-hant-tw", "zh-Hant-TW");
    lang_is("ZH_HANS_CN", "zh-Hans-CN");
    lang_is("es-419", "es-419");
    lang_is("sr-latn-rs-x-ABC", "sr-Latn-RS-x-abc");
    lang_is("x-KLINGON", "x-klingon");
    lang_is(" ko_KR.UTF-8 ", "ko-KR");
    lang_is("de_DE@euro", "de-DE");
    lang_is("sl-rozaj-biske", "sl-rozaj-biske");
    lang_bad("");
    lang_bad("-ko");
    lang_bad("ko-");
    lang_bad("ko--KR");
    lang_bad("ko KR");
    lang_bad("12-KR");
    lang_bad("한국어");
    lang_bad("abcdefghi");
    lang_bad("en-abcdefghi");
    lang_bad("en-US-aaaaaaaa-bbbbbbbb-cccccccc-ddd"); /* 36 bytes */
    lang_is("EN-us-AAAAAAAA-bbbbbbbb-cccccccc-12", "en-US-aaaaaaaa-bbbbbbbb-cccccccc-12");
    /* front matter goes through it */
    assert_int_equal(pack_parse_markdown("l.md", md, strlen(md), &doc, &err), 0);
    assert_string_equal(doc.meta.lang, "ko-KR");
    pack_doc_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_euckr_http_equiv),
        cmocka_unit_test(test_cp949_beyond_euckr),
        cmocka_unit_test(test_xml_declaration),
        cmocka_unit_test(test_wrong_declarations),
        cmocka_unit_test(test_undeclared),
        cmocka_unit_test(test_undecodable),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_prescan),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_nfc_quick_ranges),
        cmocka_unit_test(test_nfc_documents),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_langs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
