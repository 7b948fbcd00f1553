/*
 * test_input_config.c - the bundle config file satchel.conf (packer/input_config.c):
 * parse results, every error message with its line, and how pack_config_apply fills
 * and overrides entry metadata (sections by folder, default language, [file] blocks,
 * feed items), and pack_config_unused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pack_config.h"

static pack_config *parse_ok(const char *text)
{
    pack_config *c = (pack_config *)1;
    sat_err err = {0};
    int rc = pack_config_parse("satchel.conf", text, strlen(text), &c, &err);

    if (rc != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_non_null(c);
    return c;
}

static void parse_bad(const char *text, const char *msg)
{
    pack_config *c = (pack_config *)1;
    sat_err err = {0};
    int rc = pack_config_parse("satchel.conf", text, strlen(text), &c, &err);

    if (rc != SAT_E_FORMAT)
        fail_msg("want an error for '%s', got %d (%s)", text, rc, err.msg);
    assert_null(c);
    assert_string_equal(err.msg, msg);
}

/* Applies c to a meta starting with the given fields (NULL = unset). */
static void apply(pack_config *c, const char *relpath, sat_meta *m, const char *title,
                  const char *section, const char *lang)
{
    sat_err err = {0};

    memset(m, 0, sizeof *m);
    m->id = strdup("x");
    m->title = title != NULL ? strdup(title) : NULL;
    m->section = section != NULL ? strdup(section) : NULL;
    m->lang = lang != NULL ? strdup(lang) : NULL;
    assert_int_equal(pack_config_apply(c, relpath, m, &err), 0);
}

static const char FULL[] =
    "\xef\xbb\xbf# Satchel config for the weekly bundle\r\n"
    "title = 자유 소식\r\n"
    "Publisher = \"Example NGO\"\r\n"
    "lang = ko\r\n"
    "charset = cp949\r\n"
    "\r\n"
    "[section news]\n"
    "name = 소식\n"
    "\n"
    "[section news/ko]\n"
    "  name   =   국내   소식  \n"
    "[section \"radio/\"]\n"
    "name = 'Radio # 1'\n"
    "\n"
    "[file news/ko/flood.html]\n"
    "title = 홍수 피해 커져\n"
    "date = 2026-11-02T15:30:00+09:00\n"
    "author = 한서윤\n"
    "source = 새벽별 통신\n"
    "lang = ko-KR\n"
    "section = 재난\n"
    "tags = 홍수, 장마\n"
    "id = flood-2026\n"
    "\n"
    "[FILE feeds/world.xml]\n"
    "author = World desk\n"
    "section = World\n"
    "[file feeds/world.xml#2]\n"
    "title = Second item, renamed\n"
    "[file ./media//map.png]\n"
    "title = Map of the flooded area\n";

static void test_parse_full(void **state)
{
    pack_config *c;
    const pack_config_bundle *b;

    (void)state;
    c = parse_ok(FULL);
    b = pack_config_get(c);
    assert_string_equal(b->title, "자유 소식");
    assert_string_equal(b->publisher, "Example NGO");
    assert_string_equal(b->lang, "ko");
    assert_string_equal(b->charset, "cp949");
    pack_config_free(c);

    c = parse_ok("# nothing but a comment\n\n");
    b = pack_config_get(c);
    assert_null(b->title);
    assert_null(b->publisher);
    assert_null(b->lang);
    assert_null(b->charset);
    pack_config_free(c);
    c = parse_ok("");
    pack_config_free(c);
    assert_null(pack_config_get(NULL));
    pack_config_free(NULL);
}

static void test_apply(void **state)
{
    pack_config *c;
    sat_meta m;

    (void)state;
    c = parse_ok(FULL);

    /* [file] block: every field replaced, even those already set */
    apply(c, "news/ko/flood.html", &m, "From the page", "page section", "en");
    assert_string_equal(m.title, "홍수 피해 커져");
    assert_string_equal(m.date, "2026-11-02T06:30:00Z");
    assert_string_equal(m.author, "한서윤");
    assert_string_equal(m.source, "새벽별 통신");
    assert_string_equal(m.lang, "ko-KR");
    assert_string_equal(m.section, "재난");
    assert_string_equal(m.tags, "홍수,장마");
    assert_string_equal(m.id, "flood-2026");
    sat_meta_free(&m);

    /* nearest section folder fills an empty section; the default lang an empty lang */
    apply(c, "news/ko/other.html", &m, "T", NULL, NULL);
    assert_string_equal(m.section, "국내 소식");
    assert_string_equal(m.lang, "ko");
    assert_string_equal(m.title, "T");
    assert_null(m.author);
    sat_meta_free(&m);
    apply(c, "news/ko/deep/er/a.html", &m, "T", "", "");
    assert_string_equal(m.section, "국내 소식");
    assert_string_equal(m.lang, "ko");
    sat_meta_free(&m);
    /* folder boundaries: news/kor is not news/ko, but is under news */
    apply(c, "news/kor/a.html", &m, "T", NULL, "en");
    assert_string_equal(m.section, "소식");
    assert_string_equal(m.lang, "en"); /* set: kept */
    sat_meta_free(&m);
    /* a set section is kept */
    apply(c, "news/a.html", &m, "T", "Sport", NULL);
    assert_string_equal(m.section, "Sport");
    sat_meta_free(&m);
    /* outside every section folder; a file named like a folder is not in it */
    apply(c, "newsletter.html", &m, "T", NULL, NULL);
    assert_null(m.section);
    assert_string_equal(m.lang, "ko");
    sat_meta_free(&m);
    apply(c, "news", &m, "T", NULL, NULL);
    assert_null(m.section);
    sat_meta_free(&m);
    apply(c, "radio/x.vtt", &m, "T", NULL, NULL);
    assert_string_equal(m.section, "Radio # 1");
    sat_meta_free(&m);

    /* feed items: [file feeds/world.xml] for all, [file feeds/world.xml#2] for item 2 */
    apply(c, "feeds/world.xml#1", &m, "Item one", NULL, NULL);
    assert_string_equal(m.title, "Item one");
    assert_string_equal(m.author, "World desk");
    assert_string_equal(m.section, "World");
    sat_meta_free(&m);
    apply(c, "feeds/world.xml#2", &m, "Item two", NULL, NULL);
    assert_string_equal(m.title, "Second item, renamed");
    assert_string_equal(m.author, "World desk");
    sat_meta_free(&m);
    apply(c, "feeds/world.xml#12", &m, "Item twelve", NULL, NULL);
    assert_string_equal(m.title, "Item twelve");
    assert_string_equal(m.author, "World desk");
    sat_meta_free(&m);

    /* media: the path was cleaned ("./media//map.png") */
    apply(c, "media/map.png", &m, "map.png", NULL, NULL);
    assert_string_equal(m.title, "Map of the flooded area");
    sat_meta_free(&m);

    /* NULL config: nothing changes */
    apply(NULL, "news/ko/flood.html", &m, "T", NULL, NULL);
    assert_string_equal(m.title, "T");
    assert_null(m.section);
    assert_null(m.lang);
    sat_meta_free(&m);
    pack_config_free(c);
}

typedef struct msgs {
    char text[2048];
    int n;
} msgs;

static void collect(void *ctx, const char *msg)
{
    msgs *m = ctx;

    m->n++;
    strncat(m->text, msg, sizeof m->text - strlen(m->text) - 2);
    strcat(m->text, "\n");
}

static void test_unused(void **state)
{
    pack_config *c;
    sat_meta m;
    msgs got = {{0}, 0};

    (void)state;
    c = parse_ok(FULL);
    apply(c, "news/ko/a.html", &m, "T", NULL, NULL); /* uses news and news/ko */
    sat_meta_free(&m);
    apply(c, "feeds/world.xml#1", &m, "T", NULL, NULL); /* uses the feed's block only */
    sat_meta_free(&m);
    pack_config_unused(c, collect, &got);
    assert_int_equal(got.n, 4);
    assert_string_equal(got.text,
                        "satchel.conf:12: [section radio] matched no file (is the folder name "
                        "right?)\n"
                        "satchel.conf:15: [file news/ko/flood.html] matched no file (is the "
                        "path right?)\n"
                        "satchel.conf:28: [file feeds/world.xml#2] matched no file (is the path "
                        "right?)\n"
                        "satchel.conf:30: [file media/map.png] matched no file (is the path "
                        "right?)\n");
    pack_config_free(c);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"title = A\ncolour = red\n",
         "satchel.conf:2: unknown setting 'colour' (expected title, publisher, lang or charset "
         "before the first [section] or [file] block)"},
        {"title = A\n# c\ntitle = B\n", "satchel.conf:3: 'title' is given twice"},
        {"lang = korean language\n",
         "satchel.conf:1: lang 'korean language' is not a language tag such as 'en', 'ko' or 'ko-KR'"},
        {"charset = klingon-8\n",
         "satchel.conf:1: unknown charset 'klingon-8' (for example utf-8, euc-kr, cp949, "
         "windows-1252)"},
        {"charset = utf 8\n",
         "satchel.conf:1: unknown charset 'utf 8' (for example utf-8, euc-kr, cp949, "
         "windows-1252)"},
        {"title =\n", "satchel.conf:1: 'title' has no value"},
        {"title = \"\"\n", "satchel.conf:1: 'title' has no value"},
        {"just some words\n",
         "satchel.conf:1: expected 'key = value', '[section FOLDER]', '[file PATH]' or a '#' "
         "comment"},
        {"the title = x\n",
         "satchel.conf:1: a key is a word before '=' (such as 'title = ...')"},
        {"= x\n", "satchel.conf:1: a key is a word before '=' (such as 'title = ...')"},
        {"\n\n[section news\n",
         "satchel.conf:3: a block line is '[section FOLDER]' or '[file PATH]' and ends with ']'"},
        {"[folder news]\nname = x\n",
         "satchel.conf:1: unknown block '[folder' (expected [section FOLDER] or [file PATH])"},
        {"[section]\n", "satchel.conf:1: [section] needs a path: [section news/ko]"},
        {"[file  ]\n", "satchel.conf:1: [file] needs a path: [file news/flood.html]"},
        {"[file ../etc/passwd]\n",
         "satchel.conf:1: path '../etc/passwd': '..' in the path (path traversal): refused "
         "(paths are relative to the source folder, with '/' between folders)"},
        {"[section /news]\nname = x\n",
         "satchel.conf:1: path '/news': absolute path (path traversal): refused (paths are "
         "relative to the source folder, with '/' between folders)"},
        {"[file ./]\n",
         "satchel.conf:1: path './': empty name (paths are relative to the source folder, with "
         "'/' between folders)"},
        {"[section news]\nname = a\nname = b\n", "satchel.conf:3: 'name' is given twice"},
        {"[section news]\ntitle = a\n",
         "satchel.conf:2: unknown key 'title' in [section news] (expected name)"},
        {"[section news]\n\n[file a.md]\ntitle = x\n",
         "satchel.conf:1: [section news] has no 'name = ...'"},
        {"[file a.md]\nkind = transcript\n",
         "satchel.conf:2: unknown key 'kind' in [file a.md] (expected title, date, author, "
         "source, lang, section, tags or id)"},
        {"[file a.md]\ndate = 2026-02-30\n",
         "satchel.conf:2: date '2026-02-30' is not a date Satchel reads (write it as "
         "YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm; docs/INPUT.md lists "
         "the other forms)"},
        {"[file a.md]\ndate = early November\n",
         "satchel.conf:2: date 'early November' is not a date Satchel reads (write it as "
         "YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm; docs/INPUT.md lists "
         "the other forms)"},
        {"[file a.md]\nid = ../x\n",
         "satchel.conf:2: id '../x' must be 1 to 80 characters of A-Z a-z 0-9 . _ - and not "
         "start with '.' or '-'"},
        {"[file a.md]\nlang = 한국어\n",
         "satchel.conf:2: lang '한국어' is not a language tag such as 'en', 'ko' or 'ko-KR'"},
        {"[file a.md]\nauthor = A\nAuthor = B\n", "satchel.conf:3: 'author' is given twice"},
        {"[file a.md]\ntitle = a\n[file b.md]\ntitle = b\n[file ./a.md]\ntitle = c\n",
         "satchel.conf:5: [file a.md] is given twice (first on line 1)"},
        {"[section news/]\nname = a\n[section news]\nname = b\n",
         "satchel.conf:3: [section news] is given twice (first on line 1)"},
        {"title = ok\nlang = en\n[file a.md]\ntitle = \xff\n",
         "satchel.conf:4: invalid UTF-8 (byte offset 41)"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        parse_bad(cases[i].text, cases[i].msg);
}

static void test_long_values(void **state)
{
    char buf[2200];
    size_t o;

    (void)state;
    o = (size_t)snprintf(buf, sizeof buf, "[file a.md]\nauthor = ");
    memset(buf + o, 'a', 600);
    strcpy(buf + o + 600, "\n");
    parse_bad(buf, "satchel.conf:2: author is too long (at most 512 bytes)");
    o = (size_t)snprintf(buf, sizeof buf, "publisher = ");
    memset(buf + o, 'p', 513);
    strcpy(buf + o + 513, "\n");
    parse_bad(buf, "satchel.conf:1: publisher is too long (at most 512 bytes)");
    o = (size_t)snprintf(buf, sizeof buf, "title = ");
    memset(buf + o, 't', 1024);
    strcpy(buf + o + 1024, "\n");
    pack_config_free(parse_ok(buf)); /* exactly the limit */
    o = (size_t)snprintf(buf, sizeof buf, "[section s]\nname = ");
    memset(buf + o, 'n', 513);
    strcpy(buf + o + 513, "\n");
    parse_bad(buf, "satchel.conf:2: name is too long (at most 512 bytes)");
}

/* Language tags in the config follow BCP 47 case conventions, as in front matter. */
static void test_lang_normalised(void **state)
{
    pack_config *c = parse_ok("lang = ko_KR\n[file a.md]\nlang = EN-us\n");
    sat_meta m;
    sat_err err = {0};
    (void)state;

    assert_string_equal(pack_config_get(c)->lang, "ko-KR");
    memset(&m, 0, sizeof m);
    assert_int_equal(pack_config_apply(c, "a.md", &m, &err), 0);
    assert_string_equal(m.lang, "en-US");
    sat_meta_free(&m);
    pack_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_full),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_unused),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_lang_normalised),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
