/* test_render_html.c - tests for reader/render_html.c (HTML of the static web export) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "render_html.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static char *esc(const char *s, size_t len)
{
    sat_buf b = {0};

    assert_int_equal(rh_escape(&b, s, len), 0);
    if (b.data == NULL)
        return strdup("");
    return b.data;
}

/* Renders body with the test resolver below; returns the malloc'd HTML. */
static void resolve_fixture(void *ctx, const char *id, size_t len, rh_target *t);

static char *body(const char *s)
{
    sat_buf b = {0};
    rh_body_opts o = {resolve_fixture, NULL};
    sat_err err = {0};

    assert_int_equal(rh_body(&b, s, strlen(s), &o, &err), 0);
    assert_non_null(b.data);
    return b.data;
}

/* Every output byte: valid UTF-8, no C0 but LF, no DEL, no C1, no bidi controls. */
static void assert_inert_bytes(const char *h)
{
    size_t i = 0, n, off = 0, len = strlen(h);
    uint32_t cp;

    if (!sat_utf8_valid(h, len, &off))
        fail_msg("output not valid UTF-8 at byte %zu", off);
    while (i < len) {
        n = sat_utf8_decode(h + i, len - i, &cp);
        if (cp != '\n' && sat_cp_is_dangerous(cp))
            fail_msg("dangerous code point U+%04X raw in output at byte %zu", (unsigned)cp, i);
        i += n;
    }
}

/* Outside the markup the renderer itself writes, no '<', '>', '"' or '\'' from input can
 * appear: checks that every tag in h is one of the renderer's own. */
static void assert_only_own_tags(const char *h)
{
    static const char *const own[] = {
        "<p>", "</p>", "<p class=\"link\">", "<p class=\"link ext\">",
        "<p class=\"link missing\">", "<p class=\"cue\">", "<span class=\"ts\">",
        "<span class=\"mark\">", "<span class=\"url\">", "</span>", "<h2>", "</h2>", "<h3>",
        "</h3>", "<h4>", "</h4>", "<ul>", "</ul>", "<li>", "</li>", "<blockquote>",
        "</blockquote>", "<pre>", "</pre>", "<figure>", "</figure>", "<figcaption>",
        "</figcaption>", "</a>", "</audio>", NULL};
    const char *p = h;

    while ((p = strchr(p, '<')) != NULL) {
        size_t k, tl;
        const char *end = strchr(p, '>');
        int ok = 0;
        assert_non_null(end);
        tl = (size_t)(end - p) + 1;
        for (k = 0; own[k] != NULL; k++)
            if (strlen(own[k]) == tl && memcmp(own[k], p, tl) == 0)
                ok = 1;
        /* generated attributes: only our own relative hrefs */
        if (!ok && (strncmp(p, "<a href=\"", 9) == 0 || strncmp(p, "<img src=\"", 10) == 0 ||
                    strncmp(p, "<figure><audio", 14) == 0 || strncmp(p, "<audio controls", 15) == 0))
            ok = 1;
        if (!ok)
            fail_msg("unexpected tag %.*s in %s", (int)tl, p, h);
        p = end + 1;
    }
}

/* Every href="..." / src="..." in h is one the resolver generated. */
static void assert_links_own(const char *h)
{
    const char *p = h;

    while ((p = strstr(p, "=\"")) != NULL) {
        const char *q = strchr(p + 2, '"');
        char v[128];
        size_t n;
        assert_non_null(q);
        n = (size_t)(q - p - 2);
        if (p >= h + 4 && (strncmp(p - 4, "href", 4) == 0 || strncmp(p - 3, "src", 3) == 0)) {
            assert_true(n < sizeof v);
            memcpy(v, p + 2, n);
            v[n] = '\0';
            if (!rh_href_safe(v))
                fail_msg("unsafe link value '%s' in %s", v, h);
        }
        p = q + 1;
    }
}

/* ids the fixture knows: "pic.png" image, "talk.ogg" audio, "other" a page, "gone" damaged;
 * a resolver that tries to emit a hostile href for "evil" (must be refused). */
static void resolve_fixture(void *ctx, const char *id, size_t len, rh_target *t)
{
    (void)ctx;
#define IS(s) (len == strlen(s) && memcmp(id, s, len) == 0)
    if (IS("pic.png")) {
        t->kind = RH_T_IMAGE;
        snprintf(t->href, sizeof t->href, "../m/000003.png");
    } else if (IS("talk.ogg")) {
        t->kind = RH_T_AUDIO;
        snprintf(t->href, sizeof t->href, "../m/000004.ogg");
    } else if (IS("other")) {
        t->kind = RH_T_PAGE;
        snprintf(t->href, sizeof t->href, "000007.html");
    } else if (IS("gone")) {
        t->kind = RH_T_DAMAGED;
    } else if (IS("evil")) {
        t->kind = RH_T_PAGE;
        snprintf(t->href, sizeof t->href, "javascript:alert(1)");
    }
#undef IS
}

static void assert_contains(const char *h, const char *needle)
{
    if (strstr(h, needle) == NULL)
        fail_msg("'%s' not in:\n%s", needle, h);
}

static void assert_lacks(const char *h, const char *needle)
{
    if (strstr(h, needle) != NULL)
        fail_msg("'%s' found in:\n%s", needle, h);
}

/* ------------------------------------------------------------------------ */
/* escaping                                                                 */
/* ------------------------------------------------------------------------ */

static void t_escape_specials(void **state)
{
    char *h;

    (void)state;
    h = esc("a&b<c>d\"e'f", 11);
    assert_string_equal(h, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    free(h);
    h = esc("&amp;", 5); /* already an entity: escaped again, shown as typed */
    assert_string_equal(h, "&amp;amp;");
    free(h);
    h = esc("", 0);
    assert_string_equal(h, "");
    free(h);
    h = esc("평양 \xe2\x80\xa6 ok", strlen("평양 \xe2\x80\xa6 ok")); /* Korean, U+2026 kept */
    assert_string_equal(h, "평양 \xe2\x80\xa6 ok");
    free(h);
}

static void t_escape_hostile(void **state)
{
    static const char *const hostile[] = {
        "\x1b[2J\x1b]0;pwned\x07 title",           /* CSI, OSC */
        "\xc2\x9b" "31m C1 and raw \x9b" "1m",      /* C1 as UTF-8 and as a raw byte */
        "Bidi \xe2\x80\xae\xe2\x80\xaa\xe2\x81\xa6 gnp.exe \xe2\x81\xa9",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "' onmouseover='alert(1)",
        "javascript:alert(1)",
        "bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xc2",  /* invalid UTF-8, overlong, surrogate */
        "del \x7f bs \x08 cr \r tab\tend",
        "\xef\xbb\xbf BOM \xe2\x80\x8b ZWSP \xef\xbf\xbe",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        char *h = esc(hostile[i], strlen(hostile[i]));
        assert_inert_bytes(h);
        assert_null(strpbrk(h, "<>\"'"));
        assert_null(strchr(h, '\x1b'));
        free(h);
    }
    {
        char *h = esc("\x1b[2J", 4);
        assert_string_equal(h, "\\x1b[2J"); /* visible, not acted on */
        free(h);
        h = esc("\xe2\x80\xae", 3);
        assert_string_equal(h, "&lt;U+202E&gt;");
        free(h);
    }
}

static void t_href_safe(void **state)
{
    static const char *const good[] = {"000007.html", "../m/000003.png", "e/000012.html",
                                       "index.html", "../style.css", "../../e/000/000012.html",
                                       "../../m/001/001031.jpeg", "s/000/000001.html"};
    static const char *const bad[] = {
        "", "javascript:alert(1)", "http://example.org/", "https://x/", "//evil/x.png",
        "/etc/passwd", "../../", "a/../../b", "../../../index.html", "../../../../x",
        "../../e/../../x", "e/..", "data:text/html,x", "E/0.HTML",
        "a b", "a\"b", "a?b", "a#b", "file:///etc/passwd", "..", "../", "x//y",
        "0123456789012345678901234567890123456789012345678901234567890123456789"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!rh_href_safe(good[i]))
            fail_msg("'%s' refused", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (rh_href_safe(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
    assert_false(rh_href_safe(NULL));
}

/* ------------------------------------------------------------------------ */
/* gemtext                                                                  */
/* ------------------------------------------------------------------------ */

static void t_gemtext_constructs(void **state)
{
    char *h;

    (void)state;
    h = body("# Title\n## Sub\n### Small\n\nPara one.\n* a\n* b\nafter\n> q1\n> q2\n\n"
             "```alt\n  <pre> & keep\n# not a heading\n```\n[00:01:05] 김철수: 안녕\n"
             "[not a time] text\n");
    assert_contains(h, "<h2>Title</h2>\n<h3>Sub</h3>\n<h4>Small</h4>\n");
    assert_contains(h, "<p>Para one.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>after</p>\n");
    assert_contains(h, "<blockquote>\n<p>q1</p>\n<p>q2</p>\n</blockquote>\n");
    assert_contains(h, "<pre>  &lt;pre&gt; &amp; keep\n# not a heading\n</pre>\n");
    assert_contains(h, "<p class=\"cue\"><span class=\"ts\">[00:01:05]</span> 김철수: 안녕</p>");
    assert_contains(h, "<p>[not a time] text</p>");
    assert_only_own_tags(h);
    free(h);
    /* CRLF line ends, an unclosed pre and list at the end are closed */
    h = body("* x\r\n```\r\nraw");
    assert_string_equal(h, "<ul>\n<li>x</li>\n</ul>\n<pre>raw\n</pre>\n");
    free(h);
}

static void t_gemtext_attachments(void **state)
{
    char *h;

    (void)state;
    h = body("=> attachment:pic.png A <b>map</b>\n=> attachment:talk.ogg\n"
             "=> attachment:other Next \"story\"\n=> attachment:gone Lost one\n"
             "=> attachment:nowhere Missing\n=> attachment:evil Trap\n");
    assert_contains(h, "<figure><img src=\"../m/000003.png\" alt=\"A &lt;b&gt;map&lt;/b&gt;\">"
                       "<figcaption>A &lt;b&gt;map&lt;/b&gt;</figcaption></figure>");
    assert_contains(h, "<audio controls preload=\"none\" src=\"../m/000004.ogg\">");
    assert_contains(h, "<figcaption>talk.ogg</figcaption>"); /* no label: the id */
    assert_contains(h, "<a href=\"000007.html\">Next &quot;story&quot;</a>");
    assert_contains(h, "Lost one <span class=\"mark\">");
    assert_contains(h, rmsg(MSG_HTML_ATTACH_DAMAGED));
    assert_contains(h, "Missing <span class=\"mark\">");
    /* a resolver's bad href is never emitted */
    assert_lacks(h, "javascript");
    assert_contains(h, "Trap <span class=\"mark\">");
    assert_links_own(h);
    assert_only_own_tags(h);
    free(h);
}

static void t_external_links_inert(void **state)
{
    char *h;

    (void)state;
    h = body("=> https://example.org/x?a=1&b=2 Read \"more\"\n=> http://evil/x.png\n"
             "=> javascript:alert(1) click\n=> //evil.example/ proto-relative\n"
             "=> data:text/html,<script>alert(1)</script> data\n"
             "=> \"><img src=x onerror=alert(1)> attr\n=>\n=> gemini://g/ g\n");
    assert_lacks(h, "href");
    assert_lacks(h, "src=\"");
    assert_lacks(h, "<img");
    assert_lacks(h, "<script");
    assert_contains(h, "Read &quot;more&quot; <span class=\"mark\">");
    assert_contains(h, "<span class=\"url\">https://example.org/x?a=1&amp;b=2</span>");
    assert_contains(h, "<span class=\"url\">javascript:alert(1)</span>");
    assert_contains(h, "<span class=\"url\">&quot;&gt;&lt;img</span>");
    assert_contains(h, "<p>=&gt;</p>"); /* "=>" alone is text */
    assert_only_own_tags(h);
    free(h);
}

static void t_hostile_body(void **state)
{
    /* tests/hostile/gen.py's ESC_BODY, and markup in every construct */
    static const char evil[] =
        "Body \x1b[2J\x1b[H cleared\n\x1b]0;pwned\x07 set the window title\n"
        "\xc2\x9b" "2J C1 CSI and raw \x9b" "31m byte\n# Head \x1b[5mblink\x1b[0m\n"
        "* item \xe2\x80\xaereversed\xe2\x80\xac and \xe2\x81\xa6isolate\xe2\x81\xa9\n"
        "> quote \x7f del \x08 back \r cr \x1bP dcs \x1b\\ st\n"
        "=> https://example.org/\x1b[31m link \x1b]8;;http://evil/\x07x\x1b]8;;\x07\n"
        "```\npre \x1b[1mbold\x1b[0m \xc2\x9d osc </pre><script>alert(1)</script>\n```\n"
        "bad utf8 \xff\xfe, a lone \xc2 byte, overlong \xc0\xaf, surrogate \xed\xa0\x80\n"
        "# <script>alert(1)</script>\n* \"><img src=x onerror=alert(1)>\n"
        "> </blockquote><iframe src=//evil>\n[00:00:01] <b onclick=x>hi</b>\n"
        "=> attachment:pic.png \"><svg onload=alert(1)>\n";
    char *h = body(evil);

    (void)state;
    assert_inert_bytes(h);
    assert_only_own_tags(h);
    assert_links_own(h);
    assert_lacks(h, "<script");
    assert_lacks(h, "<iframe");
    assert_lacks(h, "<svg");
    assert_lacks(h, "<img src=x");
    assert_contains(h, "<p>\\x1b]0;pwned\\x07 set the window title</p>");
    assert_contains(h, "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>");
    assert_contains(h, "alt=\"&quot;&gt;&lt;svg onload=alert(1)&gt;\"");
    free(h);
}

static void t_attachment_direct(void **state)
{
    sat_buf b = {0};
    rh_target t;

    (void)state;
    memset(&t, 0, sizeof t);
    t.kind = RH_T_IMAGE;
    snprintf(t.href, sizeof t.href, "https://evil/x.png"); /* refused: becomes text */
    assert_int_equal(rh_attachment(&b, &t, "cap", 3), 0);
    assert_lacks(b.data, "evil");
    assert_lacks(b.data, "<img");
    assert_contains(b.data, rmsg(MSG_HTML_ATTACH_MISSING));
    sat_buf_free(&b);
    t.kind = RH_T_FILE;
    snprintf(t.href, sizeof t.href, "../m/000001.bin");
    assert_int_equal(rh_attachment(&b, &t, "", 0), 0);
    assert_string_equal(b.data, "<p class=\"link\"><a href=\"../m/000001.bin\">../m/000001.bin</a>"
                                "</p>\n");
    sat_buf_free(&b);
}

static int setup(void **state)
{
    (void)state;
    rmsg_set_lang(RMSG_EN);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_escape_specials),   cmocka_unit_test(t_escape_hostile),
        cmocka_unit_test(t_href_safe),         cmocka_unit_test(t_gemtext_constructs),
        cmocka_unit_test(t_gemtext_attachments), cmocka_unit_test(t_external_links_inert),
        cmocka_unit_test(t_hostile_body),      cmocka_unit_test(t_attachment_direct),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
