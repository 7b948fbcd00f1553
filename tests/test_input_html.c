/*
 * test_input_html.c - HTML pages (pack_html_parse) and fragments (pack_html_fragment):
 * main text found in a news-site layout and by scoring, metadata sources, numbered
 * links, local images, dropped furniture, broken markup, charset declarations that
 * must not make libxml2 decode UTF-8 again, and the errors. Fixtures:
 * $SATCHEL_TEST_DATA/input/html/ (written for these tests).
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

#include "input_common.h"
#include "pack_input.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static char *load_fixture(const char *name, size_t *len)
{
    return test_fixture("input/html", name, len);
}

/* The media files the tests' source folder holds, and the ids the lookup gives. */
typedef struct media_ctx {
    int calls;
    char last[256];
} media_ctx;

static int media_lookup(void *ctx, const char *relpath, const char **id, sat_err *err)
{
    static const char *const known[][2] = {{"news/images/pump.png", "img-pump"},
                                           {"feeds/img/stall.jpg", "stall-photo"},
                                           {"news/map.png", "map"}};
    media_ctx *m = ctx;
    size_t i;

    (void)err;
    m->calls++;
    snprintf(m->last, sizeof m->last, "%s", relpath);
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(relpath, known[i][0]) == 0) {
            *id = known[i][1];
            return 0;
        }
    }
    return SAT_E_NOTFOUND;
}

static void parse_file(const char *name, const char *relpath, media_ctx *m, pack_doc *doc)
{
    size_t len;
    char *data = load_fixture(name, &len);
    sat_err err = {0};
    int rc = pack_html_parse(relpath, data, len, media_lookup, m, doc, &err);

    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    free(data);
}

static void parse_str(const char *relpath, const char *html, pack_doc *doc)
{
    media_ctx m = {0};
    sat_err err = {0};
    int rc = pack_html_parse(relpath, html, strlen(html), media_lookup, &m, doc, &err);

    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
}

/* Parses html expecting failure; returns the code and leaves the message in err. */
static int parse_bad(const char *relpath, const char *html, size_t len, sat_err *err)
{
    media_ctx m = {0};
    pack_doc doc;
    int rc;

    memset(&doc, 0x5a, sizeof doc); /* the parser must not rely on a zeroed doc */
    rc = pack_html_parse(relpath, html, len, media_lookup, &m, &doc, err);
    assert_true(rc < 0);
    assert_int_equal(rc, err->code);
    assert_null(doc.body);
    assert_null(doc.meta.id);
    assert_null(doc.url);
    return rc;
}

/* ------------------------------------------------------------------------
 * Whole pages
 * ------------------------------------------------------------------------ */

static void test_news_layout(void **state)
{
    static const char body[] =
        "By Mira Han[1] \xC2\xB7 1 November 2026\n"
        "\n"
        "Six villages along the Riverside road have clean water again after volunteers "
        "repaired their hand pumps, the district water office[2] said on Sunday.\n"
        "\n"
        "=> attachment:img-pump A repaired hand pump\n"
        "\n"
        "The pump at Lower Ford, repaired in October.\n"
        "\n"
        "## What was repaired\n"
        "\n"
        "The teams replaced worn seals and cleaned the wells:\n"
        "\n"
        "* 1. New leather seals in all six pumps\n"
        "* 2. Wells cleaned and disinfected\n"
        "* 3. Spare parts left with each village\n"
        "\n"
        "> \xE2\x80\x9CWe carried water from the river for three months.\xE2\x80\x9D\n"
        "> \xE2\x80\x94 Kim Sun-hee, Lower Ford\n"
        "\n"
        "### How to check a pump\n"
        "\n"
        "```\n"
        "Pump 5 strokes.\n"
        "  If no water: check the seal.\n"
        "```\n"
        "\n"
        "Read the full report[2] or the earlier story[3]. Boil water if it smells.\n"
        "\n"
        "=> https://news.example.org/staff/mira-han [1] Mira Han\n"
        "=> https://water.example.org/report?id=7&lang=en [2] district water office\n"
        "=> https://news.example.org/2026/10/wells#map [3] earlier story\n";
    media_ctx m = {0};
    pack_doc doc;

    (void)state;
    parse_file("news-layout.html", "news/2026-11-02-pumps.html", &m, &doc);
    assert_string_equal(doc.body, body);
    assert_int_equal(doc.body_len, strlen(body));
    /* nothing from the header, menu, breadcrumbs, ads, share buttons, related links,
     * comments, "most read" sidebar, newsletter box, footer or hidden text */
    assert_null(strstr(doc.body, "Farming"));
    assert_null(strstr(doc.body, "Flood warning"));
    assert_null(strstr(doc.body, "Great news"));
    assert_null(strstr(doc.body, "Hidden helper"));
    assert_int_equal(m.calls, 1);
    assert_string_equal(m.last, "news/images/pump.png");
    assert_string_equal(doc.meta.id, "news-2026-11-02-pumps");
    assert_int_equal(doc.meta.kind, SAT_KIND_ARTICLE);
    assert_string_equal(doc.relpath, "news/2026-11-02-pumps.html");
    /* <title> without " | Dawn Valley Post" (the og:site_name) */
    assert_string_equal(doc.meta.title, "Hand pumps return to Riverside villages");
    /* article:published_time with fractional seconds and +09:00, to UTC */
    assert_string_equal(doc.meta.date, "2026-11-01T23:30:00Z");
    assert_string_equal(doc.meta.author, "Mira Han");
    assert_string_equal(doc.meta.lang, "en-GB");
    /* rel=canonical wins over og:url */
    assert_string_equal(doc.meta.source, "https://news.example.org/2026/11/riverside-pumps");
    assert_string_equal(doc.url, "https://news.example.org/2026/11/riverside-pumps");
    assert_null(doc.meta.section);
    assert_null(doc.meta.tags);
    pack_doc_free(&doc);
}

static void test_scoring_without_article(void **state)
{
    static const char body[] =
        "The night market will move to the square in front of the old railway station from "
        "next month, the town council decided on Tuesday.\n"
        "\n"
        "Traders had asked for more space, light and shelter from the rain. The station square "
        "has all three, and a roof over the old platform.\n"
        "\n"
        "Stalls will open at six in the evening, as before. Read the council notice[1] for the "
        "map.\n"
        "\n"
        "Reported by Park Ji-ho\n"
        "\n"
        "=> https://town.example.net/stories/council-notice.html [1] council notice\n";
    media_ctx m = {0};
    pack_doc doc;

    (void)state;
    parse_file("no-article.html", "town/night-market.html", &m, &doc);
    assert_string_equal(doc.body, body);
    assert_string_equal(doc.meta.title, "Night market moves to the old station");
    assert_string_equal(doc.meta.date, "2026-11-04");   /* <meta name=pubdate> */
    assert_string_equal(doc.meta.author, "Park Ji-ho"); /* itemprop=author */
    assert_null(doc.meta.lang);
    assert_null(doc.meta.source); /* a <base href> is not a canonical URL */
    assert_null(doc.url);
    pack_doc_free(&doc);
}

static void test_layout_table(void **state)
{
    /* an old table layout: menu column, text column with <br><br> paragraphs, "most
     * read" column; the text cell is taken alone and is not a table row */
    static const char html[] =
        "<title>Old paper</title><table><tr><td><a href=a>Menu one</a><br><a href=b>Menu two"
        "</a></td>\n<td><b>Bridge under water</b><br><br>\nThe river rose overnight and "
        "covered the bridge, villagers said.<br><br>The county will build a temporary one, "
        "it said on Monday.</td>\n<td><a href=x>Most read story one</a><br><a href=y>Most "
        "read story two</a></td></tr></table>";
    pack_doc doc;

    (void)state;
    parse_str("old.html", html, &doc);
    assert_string_equal(doc.body, "Bridge under water\n"
                                  "\n"
                                  "The river rose overnight and covered the bridge, villagers "
                                  "said.\n"
                                  "\n"
                                  "The county will build a temporary one, it said on Monday.\n");
    pack_doc_free(&doc);
}

static void test_korean_declared_euckr(void **state)
{
    static const char body[] =
        "장마당의 쌀값이 석 달째 올랐다고 상인들이 말했다.\n"
        "\n"
        "한 상인은 \xE2\x80\x9C비가 많이 와서 수확이 늦었다\xE2\x80\x9D고 전했다.\n"
        "\n"
        "* 쌀 1킬로그램: 5,200원\n"
        "* 옥수수 1킬로그램: 2,100원\n";
    media_ctx m = {0};
    pack_doc doc;

    (void)state;
    /* the file is UTF-8 but says euc-kr twice: the text must come out unchanged */
    parse_file("ko-euckr.html", "ko/rice.html", &m, &doc);
    assert_string_equal(doc.body, body);
    assert_string_equal(doc.meta.title, "쌀값 석 달째 올라");   /* og:title; h1 not repeated */
    assert_string_equal(doc.meta.date, "2026-11-03T06:30:00Z"); /* dc.date */
    assert_string_equal(doc.meta.author, "한서윤");             /* article:author */
    assert_string_equal(doc.meta.lang, "ko-KR");                /* from "ko_KR" */
    pack_doc_free(&doc);
}

static void test_broken_markup(void **state)
{
    static const char body[] = "First paragraph with bold and italic text never closed properly\n"
                               "\n"
                               "Second paragraph after an unclosed one & more, 2026.\n"
                               "\n"
                               "* item one\n"
                               "* item two\n"
                               "\n"
                               "cell a | cell b\n"
                               "\n"
                               "cell c\n"
                               "\n"
                               "Stray close tags are ignored. unquoted link[1]\n"
                               "\n"
                               "Unclosed comment follows\n"
                               "\n"
                               "=> https://example.com/x [1] unquoted link\n";
    media_ctx m = {0};
    pack_doc doc;

    (void)state;
    parse_file("broken.html", "broken.html", &m, &doc);
    assert_string_equal(doc.body, body);
    assert_string_equal(doc.meta.title, "Broken markup still reads");
    pack_doc_free(&doc);
}

static void test_empty_pages(void **state)
{
    sat_err err = {0};
    size_t len;
    char *data = load_fixture("empty.html", &len);

    (void)state;
    /* only navigation, scripts, hidden text and a footer: no text */
    assert_int_equal(parse_bad("news/empty.html", data, len, &err), SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/empty.html: no text besides the title");
    free(data);
    assert_int_equal(parse_bad("news/zero.html", "", 0, &err), SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/zero.html: no text besides the title");
    assert_int_equal(parse_bad("news/blank.html", " \n\t\n", 4, &err), SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/blank.html: no text besides the title");
    /* no tree at all */
    assert_int_equal(parse_bad("news/lt.html", "<", 1, &err), SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/lt.html:1: cannot read this as HTML (no element found); "
                                 "open it in a browser and save it again");
    /* not UTF-8 (the caller decodes charsets first) */
    assert_int_equal(parse_bad("news/bytes.html", "<p>ok</p>\n<p>\xB0\xA1</p>", 17, &err),
                     SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/bytes.html:2: invalid UTF-8 (byte offset 13)");
}

static void test_links_numbered(void **state)
{
    static const char html[] =
        "<title>Links</title>\n"
        "<p>See <a href=\"https://a.example/x\">one</a>, <a href='https://a.example/x'>the same"
        "</a>, <a href=\"#top\">a fragment</a>, <a href=\"javascript:alert(1)\">a script</a>, "
        "<a href=\"mailto:desk@example.org\">the desk</a> and <a href=\"notes/b.html\">a relative"
        " page </a>then <a href=\"//cdn.example/c\">c</a><a href=\"https://d.example/\"><img "
        "src=\"https://d.example/logo.png\"></a>.</p>\n"
        "<ul><li><a href=\"https://a.example/x\">again</a></li><li><a href=\"notes/b.html\">"
        "relative again</a></li></ul>\n";
    static const char body[] =
        "See one[1], the same[1], a fragment, a script, the desk[2] and a relative page[3] "
        "then c[4].\n"
        "\n"
        "* again[1]\n"
        "* relative again[3]\n"
        "\n"
        "=> https://a.example/x [1] one\n"
        "=> mailto:desk@example.org [2] the desk\n"
        "=> notes/b.html [3] a relative page\n"
        "=> https://cdn.example/c [4] c\n";
    pack_doc doc;

    (void)state;
    /* no canonical URL: relative links are kept as written */
    parse_str("links.html", html, &doc);
    assert_string_equal(doc.body, body);
    pack_doc_free(&doc);
}

static void test_images(void **state)
{
    static const char html[] =
        "<title>Pictures</title>\n"
        "<p>Map: <img src=\"./sub/../map.png?v=2\" alt=\" The   district \"> "
        "<img src=\"https://cdn.example/x.png\" alt=\"remote\"> "
        "<img src=\"data:image/png;base64,AAAA\" alt=\"inline\"> "
        "<img src=\"/static/site.png\" alt=\"site path\"> "
        "<img src=\"../../outside.png\" alt=\"outside\">done</p>\n";
    static const char missing[] = "<title>Pictures</title>\n<p>Text</p>\n\n"
                                  "<p><img src=\"pics/missing.png\" alt=\"gone\"></p>\n";
    pack_doc doc;
    sat_err err = {0};

    (void)state;
    /* only the local picture is kept; "./" and "x/../" resolved, the query dropped */
    parse_str("news/pictures.html", html, &doc);
    assert_string_equal(doc.body, "Map: done\n\n=> attachment:map The district\n");
    pack_doc_free(&doc);
    assert_int_equal(parse_bad("news/p.html", missing, strlen(missing), &err), SAT_E_FORMAT);
    assert_string_equal(err.msg, "news/p.html:4: image 'pics/missing.png' is not an image or "
                                 "audio file in the source folder");
}

static void test_dropped_furniture(void **state)
{
    static const char html[] =
        "<title>Drops</title><body>\n"
        "<div class=\"shadow\">kept shadow</div>\n"
        "<div class=\"header-lead\">kept lead</div>\n"
        "<div class=\"ad\">x1</div><div class=\"share_bar\">x2</div>"
        "<div id=\"social links\">x3</div><div class=\"most-related\">x4</div>"
        "<div class=\"Sidebar\">x5</div><div hidden>x6</div><p aria-hidden=\"true\">x7</p>"
        "<p style=\"color: red; display : none\">x8</p><iframe>x9</iframe>"
        "<noscript>x10</noscript><template><p>x11</p></template><form><p>x12</p></form>"
        "<nav>x13</nav><aside>x14</aside><header>x15</header><footer>x16</footer>"
        "<svg><text>x17</text></svg><button>x18</button><select><option>x19</select>"
        "<div class=\"cookie-popup\">x20</div><div class=\"newsletter\">x21</div>\n"
        "<p>kept <span class=\"badge\">badge</span> end</p></body>";
    pack_doc doc;

    (void)state;
    parse_str("drops.html", html, &doc);
    assert_string_equal(doc.body, "kept shadow\n\nkept lead\n\nkept badge end\n");
    pack_doc_free(&doc);
}

static void test_metadata_fallbacks(void **state)
{
    pack_doc doc;

    (void)state;
    /* a site prefix is dropped too; the h1 equal to the title is not repeated */
    parse_str("a.html",
              "<html lang=\"EN-us\"><head><title>Valley Post - Bridge reopens</title>"
              "<meta property=\"og:site_name\" content=\"Valley Post\">"
              "<meta property=\"og:url\" content=\"https://v.example/bridge\"></head><body>"
              "<article><h1><a href=\"/bridge\">Bridge reopens</a></h1><p>Cars cross again.</p>"
              "<time datetime=\"2026-11-05T10:00:00Z\">today</time></article></body></html>",
              &doc);
    assert_string_equal(doc.meta.title, "Bridge reopens");
    assert_string_equal(doc.meta.lang, "en-US");
    assert_string_equal(doc.meta.date, "2026-11-05T10:00:00Z"); /* <time> in the article */
    assert_string_equal(doc.url, "https://v.example/bridge");   /* og:url */
    /* the h1 is the title even with a link in it (the link stays in the list) */
    assert_string_equal(doc.body, "Cars cross again.\n\ntoday\n\n=> https://v.example/bridge [1] "
                                  "Bridge reopens\n");
    pack_doc_free(&doc);

    /* no <title>: the first h1 (kept out of the text); a date that is not one is ignored;
     * an article:author that is a profile URL is not a name, rel=author is */
    parse_str("b.html",
              "<meta name=\"date\" content=\"last Tuesday\">"
              "<meta property=\"article:author\" content=\"https://social.example/kim\">"
              "<h1>Ferry  times</h1><p>Boats leave at nine. <a rel=\"author\" "
              "href=\"https://v.example/kim\">Kim</a></p>",
              &doc);
    assert_string_equal(doc.meta.title, "Ferry times");
    assert_null(doc.meta.date);
    assert_string_equal(doc.meta.author, "Kim");
    assert_string_equal(doc.body, "Boats leave at nine. Kim[1]\n\n=> https://v.example/kim [1] "
                                  "Kim\n");
    pack_doc_free(&doc);

    /* no title anywhere: the file name; a date with a local time and no zone keeps its day */
    parse_str("news/2026-11-06-road-works.html",
              "<meta name=\"pubdate\" content=\"2026-11-06 07:15\"><p>Road closed.</p>", &doc);
    assert_string_equal(doc.meta.title, "2026 11 06 road works");
    assert_string_equal(doc.meta.date, "2026-11-06");
    pack_doc_free(&doc);
}

static void test_relative_links_resolved(void **state)
{
    pack_doc doc;

    (void)state;
    parse_str("c.html",
              "<link rel=canonical href=\"https://v.example/news/2026/c.html\">"
              "<title>C</title><p><a href=\"../d.html\">D</a> and <a href=\"/e\">E</a></p>",
              &doc);
    assert_string_equal(doc.body, "D[1] and E[2]\n\n=> https://v.example/news/d.html [1] D\n"
                                  "=> https://v.example/e [2] E\n");
    pack_doc_free(&doc);
}

static void test_deep_nesting(void **state)
{
    size_t n = 20000, i, len = 0;
    char *html = malloc(n * 5 + 64);
    sat_err err = {0};

    (void)state;
    assert_non_null(html);
    len += (size_t)sprintf(html, "<title>Deep</title><p>Top text.</p>");
    for (i = 0; i < n; i++) {
        memcpy(html + len, "<div>", 5);
        len += 5;
    }
    /* libxml2 stops at its depth limit: an error, not half a page */
    assert_int_equal(parse_bad("deep.html", html, len, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "deep.html:1: libxml2 stopped reading"));
    free(html);
}

static void test_too_many_tags(void **state)
{
    size_t n = 1000001, i;
    char *html = malloc(n * 4 + 32);
    size_t len = (size_t)sprintf(html, "<title>Tags</title>");
    sat_err err = {0};

    (void)state;
    assert_non_null(html);
    for (i = 2; i < n; i++) { /* the title brought two */
        memcpy(html + len, "<b>", 3);
        len += 3;
    }
    assert_int_equal(parse_bad("tags.html", html, len, &err), SAT_E_LIMIT);
    assert_string_equal(err.msg, "tags.html: more than 1000000 tags ('<'); no article needs that "
                                 "many: split the page or remove what is not the article");
    free(html);
}

/* ------------------------------------------------------------------------
 * Fragments
 * ------------------------------------------------------------------------ */

static void test_fragment(void **state)
{
    static const char frag[] =
        "<p>Stalls <b>open</b> at six. See <a href=\"https://m.example/map\">the map</a>.</p>"
        "<img src=\"img/stall.jpg\" alt=\"A stall\"><h2>Prices</h2>"
        "<table><tr><th>Item</th><th>Price</th></tr><tr><td>Rice</td><td>5,200</td></tr>"
        "</table><p><a href=\"https://m.example/map\">Map</a> again.</p>";
    static const char body[] = "Intro line.\n"
                               "\n"
                               "Stalls open at six. See the map[1].\n"
                               "\n"
                               "=> attachment:stall-photo A stall\n"
                               "\n"
                               "## Prices\n"
                               "\n"
                               "Item | Price\n"
                               "\n"
                               "Rice | 5,200\n"
                               "\n"
                               "Map[1] again.\n"
                               "\n"
                               "=> https://m.example/map [1] the map\n";
    media_ctx m = {0};
    pack_gem g;
    sat_err err = {0};

    (void)state;
    memset(&g, 0, sizeof g);
    assert_int_equal(pack_gem_add(&g, PACK_GEM_PARA, "Intro line.", 11), 0);
    assert_int_equal(pack_html_fragment("feeds/feed.xml:12", "feeds/feed.xml", NULL, frag, strlen(frag),
                                        media_lookup, &m, &g, &err),
                     0);
    assert_string_equal(g.out.data, body);
    assert_string_equal(m.last, "feeds/img/stall.jpg");
    /* a second fragment numbers its links from 1 again */
    assert_int_equal(pack_html_fragment("feeds/feed.xml:30", "feeds/feed.xml", NULL,
                                        "<a href=\"https://z.example/\">zed</a>", 36, media_lookup,
                                        &m, &g, &err),
                     0);
    assert_non_null(strstr(g.out.data, "the map\n\nzed[1]\n\n=> https://z.example/ [1] zed\n"));
    /* relative links of a feed item resolve against the item's link */
    assert_int_equal(pack_html_fragment("feeds/feed.xml:35", "feeds/feed.xml",
                                        "https://news.example/2026/11/flood", "<p><a "
                                        "href=\"../prices.html\">prices</a></p>", 42,
                                        media_lookup, &m, &g, &err),
                     0);
    assert_non_null(strstr(g.out.data, "prices[1]\n\n=> https://news.example/2026/prices.html "
                                       "[1] prices\n"));
    /* an empty fragment adds nothing */
    assert_int_equal(pack_html_fragment("feeds/feed.xml:40", "feeds/feed.xml", NULL, "", 0, media_lookup,
                                        &m, &g, &err),
                     0);
    /* a missing picture names the feed item */
    assert_int_equal(pack_html_fragment("feeds/feed.xml:50", "feeds/feed.xml", NULL,
                                        "<p>x<img src=\"img/none.png\"></p>", 30, media_lookup, &m,
                                        &g, &err),
                     SAT_E_FORMAT);
    assert_string_equal(err.msg, "feeds/feed.xml:50: image 'img/none.png' is not an image or "
                                 "audio file in the source folder");
    pack_gem_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_news_layout),
        cmocka_unit_test(test_scoring_without_article),
        cmocka_unit_test(test_layout_table),
        cmocka_unit_test(test_korean_declared_euckr),
        cmocka_unit_test(test_broken_markup),
        cmocka_unit_test(test_empty_pages),
        cmocka_unit_test(test_links_numbered),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_dropped_furniture),
        cmocka_unit_test(test_metadata_fallbacks),
        cmocka_unit_test(test_relative_links_resolved),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_too_many_tags),
        cmocka_unit_test(test_fragment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
