/*
 * test_input_feed.c - RSS and Atom feeds (pack_feed_parse): every item's metadata, id,
 * URL and gemtext body, items left out with their reasons, malformed XML, external
 * entities, entity expansion bombs and the item cap. Fixtures: $SATCHEL_TEST_DATA/
 * input/feed/. Expected ids: the feed's id, '-', the first 8 hex digits of
 * BLAKE2b-256 of the guid (checked with `printf %s GUID | b2sum -l 256`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "test_fixture.h"

#include "pack_input.h"
#include "sat_text.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static char *load_feed(const char *name, size_t *len)
{
    return test_fixture("input/feed", name, len);
}

/* The result of one parse. */
typedef struct parsed {
    pack_doc *docs;
    size_t n;
    pack_skip *skips;
    size_t n_skips;
} parsed;

static void parsed_free(parsed *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        pack_doc_free(&p->docs[i]);
    free(p->docs);
    for (i = 0; i < p->n_skips; i++) {
        free(p->skips[i].relpath);
        free(p->skips[i].reason);
    }
    free(p->skips);
    memset(p, 0, sizeof *p);
}

static void parse_ok(const char *relpath, const char *data, size_t len, parsed *p)
{
    sat_err err = {0};
    int rc;

    memset(p, 0, sizeof *p);
    rc = pack_feed_parse(relpath, data, len, NULL, NULL, &p->docs, &p->n, &p->skips,
                         &p->n_skips, &err);
    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_true(p->n > 0);
}

static void parse_file(const char *name, parsed *p)
{
    size_t len;
    char *data = load_feed(name, &len);

    parse_ok(name, data, len, p);
    free(data);
}

/* Parses expecting failure with exactly the message want; nothing is returned. */
static void parse_fails(const char *relpath, const char *data, size_t len, int code,
                        const char *want)
{
    pack_doc *docs = (pack_doc *)(uintptr_t)1;
    pack_skip *skips = (pack_skip *)(uintptr_t)1;
    size_t n = 7, ns = 7;
    sat_err err = {0};
    int rc = pack_feed_parse(relpath, data, len, NULL, NULL, &docs, &n, &skips, &ns, &err);

    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, want);
    assert_null(docs);
    assert_null(skips);
    assert_int_equal(n, 0);
    assert_int_equal(ns, 0);
}

static void str_eq_or_null(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

/* Checks one doc completely. */
static void check_doc(const pack_doc *d, const char *id, const char *relpath, const char *title,
                      const char *date, const char *lang, const char *author, const char *tags,
                      const char *source, const char *url, const char *body)
{
    assert_int_equal(d->meta.kind, SAT_KIND_ARTICLE);
    assert_string_equal(d->meta.id, id);
    assert_string_equal(d->relpath, relpath);
    assert_string_equal(d->meta.title, title);
    str_eq_or_null(d->meta.date, date);
    str_eq_or_null(d->meta.lang, lang);
    str_eq_or_null(d->meta.author, author);
    str_eq_or_null(d->meta.tags, tags);
    str_eq_or_null(d->meta.source, source);
    assert_null(d->meta.section);
    assert_null(d->meta.parent);
    str_eq_or_null(d->url, url);
    assert_string_equal(d->body, body);
    assert_int_equal(d->body_len, strlen(body));
}

/* ------------------------------------------------------------------------
 * RSS 2.0
 * ------------------------------------------------------------------------ */

static void test_rss_korean_cdata(void **state)
{
    parsed p;

    (void)state;
    parse_file("saebyeol-rss.xml", &p);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.n_skips, 0);
    /* content:encoded (CDATA HTML) wins over description; categories deduplicated, the
     * comma inside one replaced; channel language ko-kr normalised; RFC 822 date in UTC */
    check_doc(&p.docs[0], "saebyeol-rss-88482493", "saebyeol-rss.xml#1", "쌀값 석 달째 올라",
              "2026-11-03T06:30:00Z", "ko-KR", "한서윤", "경제,쌀값 장마당",
              "https://saebyeol.example/news/2026/11/rice-prices",
              "https://saebyeol.example/news/2026/11/rice-prices",
              "혜산 장마당에서 쌀 1킬로그램 값이 석 달째 올랐다.\n"
              "\n"
              "## 상인들의 말\n"
              "\n"
              "* 옥수수 값은 그대로다.\n"
              "* 밀가루는 조금 내렸다.\n"
              "\n"
              "자세한 표는 여기[1]에 있다.\n"
              "\n"
              "=> https://saebyeol.example/data/rice [1] 여기\n");
    /* escaped HTML in description; no guid: the id hashes the link; "mail (Name)" author;
     * the item's dc:language overrides the channel's; &amp; in the title decoded once */
    check_doc(&p.docs[1], "saebyeol-rss-7d8a2c78", "saebyeol-rss.xml#2",
              "Seed exchange & market day", "2026-11-04T08:00:00Z", "en", "Park Jiho", "farming",
              "https://saebyeol.example/news/2026/11/seed-exchange",
              "https://saebyeol.example/news/2026/11/seed-exchange",
              "Farmers swapped winter wheat seed on Sunday.\n"
              "\n"
              "The next exchange is in March.\n");
    parsed_free(&p);
}

/* An item with a bad date, one with only a link, a repeated guid, and one without a
 * title: the good ones come through, the others are listed with their line. */
static void test_rss_bad_items_skipped(void **state)
{
    parsed p;

    (void)state;
    parse_file("mixed-items.xml", &p);
    assert_int_equal(p.n, 3);
    check_doc(&p.docs[0], "mixed-items-08666404", "mixed-items.xml#1", "Bridge reopened",
              "2026-11-09T07:00:00Z", "en", NULL, NULL, "Morning desk", NULL,
              "The river bridge is open to carts again.\n");
    /* no title: the start of the text, cut at a space; no guid or link: the id hashes
     * "title\ndate" */
    check_doc(&p.docs[1], "mixed-items-ec8a0c41", "mixed-items.xml#5",
              "No title here: the first words of the text become one, cut at a space after...",
              NULL, "en", NULL, NULL, "Morning desk", NULL,
              "No title here: the first words of the text become one, cut at a space after "
              "eighty bytes or so when the text is long.\n");
    check_doc(&p.docs[2], "mixed-items-d9dc5f45", "mixed-items.xml#6", "Market prices",
              "2026-11-09T00:30:00Z", "en", NULL, NULL, "Morning desk", NULL,
              "Maize is cheaper this week.\n");
    assert_int_equal(p.n_skips, 3);
    assert_string_equal(p.skips[0].relpath, "mixed-items.xml#2");
    assert_string_equal(p.skips[0].reason,
                        "mixed-items.xml:12: item 2: no text besides the title (the feed has only "
                        "the link: save the page itself as an HTML file)");
    assert_string_equal(p.skips[1].relpath, "mixed-items.xml#3");
    assert_string_equal(p.skips[1].reason,
                        "mixed-items.xml:17: item 3: date 'sometime last week' is not an RFC 822 "
                        "date (Tue, 03 Nov 2026 15:30:00 +0900) or YYYY-MM-DDThh:mm:ssZ");
    assert_string_equal(p.skips[2].relpath, "mixed-items.xml#4");
    assert_string_equal(p.skips[2].reason,
                        "mixed-items.xml:23: item 4: same guid as item 1, left out");
    parsed_free(&p);
}

/* Items without a title: one with nothing but a web image (dropped by the converter),
 * one with only preformatted text (no line to make a title from): both left out. */
static void test_no_title_no_text(void **state)
{
    static const char feed[] = "<rss><channel>\n"
                               "<item><guid>a</guid><description>Fine.</description></item>\n"
                               "<item><description>&lt;img src='https://i.example/a.png'&gt;"
                               "</description></item>\n"
                               "<item><description>&lt;pre&gt;x = 1&lt;/pre&gt;"
                               "</description></item></channel></rss>";
    parsed p;

    (void)state;
    parse_ok("t.xml", feed, sizeof feed - 1, &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.docs[0].meta.title, "Fine.");
    assert_int_equal(p.n_skips, 2);
    assert_string_equal(p.skips[0].reason, "t.xml:3: item 2: no title and no text");
    assert_string_equal(p.skips[1].reason,
                        "t.xml:4: item 3: no title, and no line of text to make one from");
    parsed_free(&p);
}

/* ------------------------------------------------------------------------
 * Atom
 * ------------------------------------------------------------------------ */

static void test_atom(void **state)
{
    parsed p;

    (void)state;
    parse_file("clinic-atom.xml", &p);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.n_skips, 0);
    /* type="html" title and content; rel="alternate" link, not the enclosure before it;
     * published (with an offset) before updated; two authors; category terms */
    check_doc(&p.docs[0], "clinic-atom-a2f5490c", "clinic-atom.xml#1",
              "Water pumps repaired & tested", "2026-11-05T09:15:00Z", "en",
              "Dr. Lee Soo-jin, Kang Min", "health,water sanitation",
              "https://clinic.example/2026/11/pumps", "https://clinic.example/2026/11/pumps",
              "All three pumps in the east district work again.\n"
              "\n"
              "> Boil water for one more week.\n");
    /* xhtml title and content (the wrapping div is dropped), xml:lang on the entry,
     * updated with a fraction of a second, the feed's author, a link without rel */
    check_doc(&p.docs[1], "clinic-atom-23b94c37", "clinic-atom.xml#2", "예방 접종 일정",
              "2026-11-07T06:30:00Z", "ko", "Clinic desk", NULL,
              "https://clinic.example/2026/11/vaccines", "https://clinic.example/2026/11/vaccines",
              "다음 주 월요일부터 홍역 예방 접종을 한다.\n"
              "\n"
              "* 1. 월요일: 1반\n"
              "* 2. 화요일: 2반\n");
    /* type="text" content: paragraphs at blank lines, "<and>" is text; the only link
     * (rel="related") is taken; a date without time */
    check_doc(&p.docs[2], "clinic-atom-d9fd54fb", "clinic-atom.xml#3", "Opening hours",
              "2026-11-08", "en", "Clinic desk", NULL, "https://clinic.example/hours",
              "https://clinic.example/hours",
              "The clinic opens at 8 in the morning and closes at 5.\n"
              "\n"
              "Closed on Sundays <and> holidays.\n");
    parsed_free(&p);
}

/* Atom: summary when content is out of line (src) or not text; relative links against
 * xml:base; no xml:lang anywhere: no lang. */
static void test_atom_fallbacks(void **state)
{
    static const char feed[] =
        "<feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://radio.example/ko/'>\n"
        "<title>Radio</title>\n"
        "<entry>\n"
        "  <title>Out of line</title><id>e1</id>\n"
        "  <link href='shows/42'/>\n"
        "  <content src='https://radio.example/42.html' type='text/html'/>\n"
        "  <summary type='html'>&lt;p&gt;Summary one.&lt;/p&gt;</summary>\n"
        "</entry>\n"
        "<entry>\n"
        "  <title>Picture</title><id>e2</id>\n"
        "  <content type='image/png'>iVBORw0KGgo=</content>\n"
        "  <summary>Summary two.</summary>\n"
        "</entry>\n"
        "</feed>\n";
    parsed p;

    (void)state;
    parse_ok("radio.atom", feed, sizeof feed - 1, &p);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.docs[0].body, "Summary one.\n");
    assert_string_equal(p.docs[0].url, "https://radio.example/ko/shows/42");
    assert_null(p.docs[0].meta.lang);
    assert_string_equal(p.docs[1].body, "Summary two.\n");
    assert_null(p.docs[1].url);
    /* no link: the source is the feed's title */
    assert_string_equal(p.docs[1].meta.source, "Radio");
    parsed_free(&p);
}

/* Local images in item HTML are looked up relative to the feed file: found ones become
 * attachment links, a missing one leaves its item out with the reason. */
static int find_media(void *ctx, const char *relpath, const char **id, sat_err *err)
{
    (void)ctx;
    (void)err;
    if (strcmp(relpath, "images/map.png") != 0)
        return SAT_E_NOTFOUND;
    *id = "images-map.png";
    return 0;
}

static void test_local_images(void **state)
{
    static const char feed[] =
        "<rss><channel><title>Desk</title>\n"
        "<item><title>Map</title><guid>m1</guid>\n"
        "<description>&lt;p&gt;The river:&lt;/p&gt;&lt;img src='../images/map.png' "
        "alt='River map'&gt;</description></item>\n"
        "<item><title>Gone</title><guid>m2</guid>\n"
        "<description>&lt;img src='missing.png'&gt;</description></item>\n"
        "</channel></rss>\n";
    parsed p;
    sat_err err = {0};

    (void)state;
    memset(&p, 0, sizeof p);
    assert_int_equal(pack_feed_parse("news/desk.xml", feed, sizeof feed - 1, find_media, NULL,
                                     &p.docs, &p.n, &p.skips, &p.n_skips, &err),
                     0);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.docs[0].body, "The river:\n\n=> attachment:images-map.png River map\n");
    assert_int_equal(p.n_skips, 1);
    assert_string_equal(p.skips[0].relpath, "news/desk.xml#2");
    assert_string_equal(p.skips[0].reason,
                        "news/desk.xml:4: item 2: image 'missing.png' is not an image or audio "
                        "file in the source folder");
    parsed_free(&p);
}

/* ------------------------------------------------------------------------
 * Other feed forms
 * ------------------------------------------------------------------------ */

/* RSS 1.0 (RDF): items beside the channel, dc:date and dc:creator. */
static void test_rss1_rdf(void **state)
{
    static const char feed[] =
        "<?xml version='1.0'?>\n"
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'\n"
        "         xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>\n"
        "<channel rdf:about='https://old.example/'><title>Old desk</title>\n"
        "  <dc:language>en-gb</dc:language></channel>\n"
        "<item rdf:about='https://old.example/1'>\n"
        "  <title>First</title><link>https://old.example/1</link>\n"
        "  <dc:date>2026-11-10T10:00:00+01:00</dc:date><dc:creator>Ann</dc:creator>\n"
        "  <dc:subject>weather</dc:subject>\n"
        "  <description>Rain on Tuesday.</description>\n"
        "</item>\n"
        "</rdf:RDF>\n";
    parsed p;

    (void)state;
    parse_ok("old.rdf", feed, sizeof feed - 1, &p);
    assert_int_equal(p.n, 1);
    check_doc(&p.docs[0], "old-e2bed649", "old.rdf#1", "First", "2026-11-10T09:00:00Z", "en-GB",
              "Ann", "weather", "https://old.example/1", "https://old.example/1",
              "Rain on Tuesday.\n");
    parsed_free(&p);
}

/* The text is UTF-8 already (the charset decoder ran first): a declaration naming
 * another charset is ignored, and raw control characters are dropped. */
static void test_declared_charset_ignored(void **state)
{
    static const char feed[] =
        "<?xml version=\"1.0\" encoding=\"EUC-KR\"?>\r\n"
        "<rss version=\"2.0\"><channel><title>\xec\x86\x8c\xec\x8b\x9d</title>\r\n"
        "<item><title>\xed\x95\x9c\xea\xb8\x80 \x01\xec\xa0\x9c\xeb\xaa\xa9</title><guid>k1</guid>"
        "<description>\xeb\xb3\xb8\xeb\xac\xb8\x1b</description></item>\r\n"
        "</channel></rss>\r\n";
    parsed p;

    (void)state;
    parse_ok("news/ko feed.xml", feed, sizeof feed - 1, &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.docs[0].meta.title, "한글 제목");
    assert_string_equal(p.docs[0].body, "본문\n");
    assert_string_equal(p.docs[0].meta.source, "소식");
    assert_string_equal(p.docs[0].meta.id, "news-ko_feed-30e612d8");
    parsed_free(&p);
}

/* A long file name: the id is cut so that "-xxxxxxxx" still fits in 80 characters. */
static void test_long_name_id(void **state)
{
    static const char feed[] = "<rss><channel><item><title>T</title><guid>k1</guid>"
                               "<description>x</description></item></channel></rss>";
    char name[128];
    parsed p;

    (void)state;
    memset(name, 'a', 100);
    memcpy(name + 100, ".xml", 5);
    parse_ok(name, feed, sizeof feed - 1, &p);
    assert_int_equal(strlen(p.docs[0].meta.id), 80);
    assert_memory_equal(p.docs[0].meta.id, name, 71);
    assert_string_equal(p.docs[0].meta.id + 71, "-30e612d8");
    parsed_free(&p);
}

/* Two different guids whose hashes share the first 8 hex digits (d8d93afe): the second
 * item's hash is taken over "guid#1" (4965c3a8), so both keep their article. */
static void test_id_collision(void **state)
{
    static const char feed[] =
        "<rss><channel>"
        "<item><title>A</title><guid>item-6874</guid><description>a</description></item>"
        "<item><title>B</title><guid>item-46189</guid><description>b</description></item>"
        "</channel></rss>";
    parsed p;

    (void)state;
    parse_ok("c.xml", feed, sizeof feed - 1, &p);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.n_skips, 0);
    assert_string_equal(p.docs[0].meta.id, "c-d8d93afe");
    assert_string_equal(p.docs[1].meta.id, "c-4965c3a8");
    parsed_free(&p);
}

/* 10,001 items: the first 10,000 are read, the rest is one skip record. */
static void test_item_cap(void **state)
{
    sat_buf b = {0};
    parsed p;
    size_t i;

    (void)state;
    assert_int_equal(sat_buf_puts(&b, "<rss><channel><title>Many</title>\n"), 0);
    for (i = 1; i <= 10001; i++)
        assert_int_equal(sat_buf_printf(&b, "<item><title>N%zu</title><guid>g%zu</guid>"
                                            "<description>t%zu</description></item>\n",
                                        i, i, i),
                         0);
    assert_int_equal(sat_buf_puts(&b, "</channel></rss>\n"), 0);
    parse_ok("many.xml", b.data, b.len, &p);
    assert_int_equal(p.n, 10000);
    assert_string_equal(p.docs[9999].meta.title, "N10000");
    assert_string_equal(p.docs[9999].relpath, "many.xml#10000");
    assert_int_equal(p.n_skips, 1);
    assert_string_equal(p.skips[0].relpath, "many.xml");
    assert_string_equal(p.skips[0].reason,
                        "many.xml: the feed has 10001 items; only the first 10000 are read "
                        "(split the feed)");
    parsed_free(&p);
    sat_buf_free(&b);
}

/* ------------------------------------------------------------------------
 * Hostile and broken feeds
 * ------------------------------------------------------------------------ */

static void test_malformed(void **state)
{
    static const char nbsp[] = "<rss><channel>\n<item>&nbsp;</item></channel></rss>";
    size_t len;
    char *data = load_feed("broken.xml", &len);

    (void)state;
    parse_fails("broken.xml", data, len, SAT_E_FORMAT,
                "broken.xml:8: malformed XML: Opening and ending tag mismatch: item line 5 and "
                "itm");
    free(data);
    parse_fails("a.xml", nbsp, sizeof nbsp - 1, SAT_E_FORMAT,
                "a.xml:2: malformed XML: Entity 'nbsp' not defined");
    parse_fails("a.xml", "", 0, SAT_E_FORMAT, "a.xml:1: malformed XML: Document is empty");
    parse_fails("a.xml", "<rss>\xff</rss>", 12, SAT_E_FORMAT,
                "a.xml:1: invalid UTF-8 (byte offset 5)");
}

static void test_not_a_feed(void **state)
{
    static const char html[] = "<html>\n<body>hi</body></html>";
    static const char nochan[] = "<rss version='2.0'>\n</rss>";
    static const char noitems[] = "<rss><channel>\n<title>x</title></channel></rss>";
    static const char atom0[] = "<feed xmlns='http://www.w3.org/2005/Atom'>\n</feed>";
    static const char badlang[] = "<rss><channel>\n<language>Korean (South)</language>"
                                  "<item><title>a</title><description>b</description></item>"
                                  "</channel></rss>";
    static const char nothing[] = "<rss><channel>\n<item>\n<title>Only</title></item>"
                                  "<item><title>Twice</title><pubDate>soon</pubDate>"
                                  "<description>x</description></item>\n"
                                  "<item><description>&lt;img src='https://i.example/a.png'"
                                  "&gt;</description></item></channel></rss>";

    (void)state;
    parse_fails("p.xml", html, sizeof html - 1, SAT_E_FORMAT,
                "p.xml:1: not an RSS or Atom feed (the root element is <html>, expected <rss> "
                "or Atom <feed>)");
    parse_fails("p.xml", nochan, sizeof nochan - 1, SAT_E_FORMAT, "p.xml:1: <rss> has no <channel>");
    parse_fails("p.xml", noitems, sizeof noitems - 1, SAT_E_FORMAT,
                "p.xml:1: the feed has no <item>");
    parse_fails("p.atom", atom0, sizeof atom0 - 1, SAT_E_FORMAT,
                "p.atom:1: the feed has no <entry>");
    parse_fails("p.xml", badlang, sizeof badlang - 1, SAT_E_FORMAT,
                "p.xml:2: language 'Korean (South)' is not a language tag such as 'en' or 'ko'");
    parse_fails("p.xml", nothing, sizeof nothing - 1, SAT_E_FORMAT,
                "p.xml: no usable item in the feed (3 left out; first: p.xml:2: item 1: no text "
                "besides the title)");
}

/* External entities (general and parameter) are never read: the reference stays as
 * written and nothing of /etc/passwd gets in. */
static void test_xxe(void **state)
{
    parsed p;

    (void)state;
    parse_file("xxe.xml", &p);
    assert_int_equal(p.n, 1);
    assert_string_equal(p.docs[0].meta.title, "Leak &xxe; here");
    assert_string_equal(p.docs[0].body, "Before &xxe; after.\n");
    assert_null(strstr(p.docs[0].body, "root:"));
    parsed_free(&p);
}

/* Billion laughs: refused by libxml2's entity loop check, at once. A big entity used
 * many times (quadratic blow-up) is not expanded: the output stays smaller than the
 * input. */
static void test_entity_bombs(void **state)
{
    size_t len;
    char *data = load_feed("laughs.xml", &len);
    clock_t t0 = clock();
    sat_buf b = {0};
    parsed p;
    size_t i;

    (void)state;
    parse_fails("laughs.xml", data, len, SAT_E_FORMAT,
                "laughs.xml:18: malformed XML: Detected an entity reference loop");
    free(data);
    assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);

    assert_int_equal(sat_buf_puts(&b, "<!DOCTYPE rss [<!ENTITY big \""), 0);
    for (i = 0; i < 10000; i++)
        assert_int_equal(sat_buf_puts(&b, "0123456789"), 0);
    assert_int_equal(sat_buf_puts(&b, "\">]><rss><channel><item><title>Q</title><description>"),
                     0);
    for (i = 0; i < 20000; i++)
        assert_int_equal(sat_buf_puts(&b, "&big;"), 0);
    assert_int_equal(sat_buf_puts(&b, "</description></item></channel></rss>"), 0);
    t0 = clock();
    parse_ok("quad.xml", b.data, b.len, &p);
    assert_true(clock() - t0 < 5 * CLOCKS_PER_SEC);
    assert_true(p.docs[0].body_len < b.len);
    assert_null(strstr(p.docs[0].body, "0123456789"));
    parsed_free(&p);
    sat_buf_free(&b);
}

/* Elements nested deeper than libxml2's limit (256) fail; nothing recurses deeper. */
static void test_deep_nesting(void **state)
{
    sat_buf b = {0};
    size_t i;
    (void)state;
    assert_int_equal(sat_buf_puts(&b, "<rss><channel><item><title>D</title><description>"), 0);
    for (i = 0; i < 5000; i++)
        assert_int_equal(sat_buf_puts(&b, "<b>"), 0);
    for (i = 0; i < 5000; i++)
        assert_int_equal(sat_buf_puts(&b, "</b>"), 0);
    assert_int_equal(sat_buf_puts(&b, "</description></item></channel></rss>"), 0);
    parse_fails("deep.xml", b.data, b.len, SAT_E_FORMAT,
                "deep.xml:1: malformed XML: Excessive depth in document: 256 use XML_PARSE_HUGE "
                "option");
    sat_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rss_korean_cdata),
        cmocka_unit_test(test_rss_bad_items_skipped),
        cmocka_unit_test(test_no_title_no_text),
        cmocka_unit_test(test_atom),
        cmocka_unit_test(test_atom_fallbacks),
        cmocka_unit_test(test_local_images),
        cmocka_unit_test(test_rss1_rdf),
        cmocka_unit_test(test_declared_charset_ignored),
        cmocka_unit_test(test_long_name_id),
        cmocka_unit_test(test_id_collision),
        cmocka_unit_test(test_item_cap),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_not_a_feed),
        cmocka_unit_test(test_xxe),
        cmocka_unit_test(test_entity_bombs),
        cmocka_unit_test(test_deep_nesting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
