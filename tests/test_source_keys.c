/* test_source_keys.c - the scan's string table and the duplicate keys (canonical URL,
 * normalised text). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack_input.h"
#include "source_keys.h"

static void expect_url(const char *url, const char *key)
{
    int oom = 9;
    char *k = pack_url_key(url, &oom);

    assert_int_equal(oom, 0);
    if (key == NULL) {
        assert_null(k);
        return;
    }
    assert_non_null(k);
    assert_string_equal(k, key);
    free(k);
}

static void test_url_key(void **state)
{
    (void)state;
    expect_url(NULL, NULL);
    expect_url("", NULL);
    expect_url("HTTPS://News.Example.ORG/Ko/Flood-2026/?utm_source=rss&id=7&utm_medium=x#top",
               "https://news.example.org/Ko/Flood-2026?id=7");
    expect_url("https://news.example.org/ko/flood/", "https://news.example.org/ko/flood");
    expect_url("https://news.example.org/", "https://news.example.org/");
    expect_url("https://news.example.org", "https://news.example.org");
    expect_url("https://example.org/a?utm_source=rss", "https://example.org/a");
    expect_url("https://example.org/a?x=1&&y=2#frag", "https://example.org/a?x=1&y=2");
    expect_url("/local/page.html#x", "/local/page.html");
    /* the same article reached two ways has one key */
    {
        int oom;
        char *a = pack_url_key("http://EXAMPLE.org/story/42/?utm_campaign=feed", &oom);
        char *b = pack_url_key("http://example.org/story/42#comments", &oom);
        char *c = pack_url_key("http://example.org/story/43", &oom);
        assert_string_equal(a, b);
        assert_string_not_equal(a, c);
        free(a);
        free(b);
        free(c);
    }
}

static void test_text_key(void **state)
{
    const char *a = "# Flood\n\nRain fell.[1]\n\n=> https://a.example/x [1] source\n";
    const char *b = "# Flood\n\nRain fell.[1]\n\n=> https://b.example/y [1] other\n";
    const char *c = "# Flood\n\nRain fell hard.[1]\n\n=> https://a.example/x [1] source\n";
    size_t la, lb, lc;
    char *ka = pack_text_key(a, strlen(a), &la);
    char *kb = pack_text_key(b, strlen(b), &lb);
    char *kc = pack_text_key(c, strlen(c), &lc);
    (void)state;

    assert_int_equal(la, strlen("# Flood\n\nRain fell.[1]\n\n"));
    assert_int_equal(lc, la + 5);
    assert_int_equal(strlen(ka), 32);
    assert_string_equal(ka, kb); /* link lines do not count */
    assert_string_not_equal(ka, kc);
    free(ka);
    free(kb);
    free(kc);
}

static void test_keytab(void **state)
{
    static char keys[5000][16];
    pack_keytab t, owned;
    char key[32];
    size_t i;
    (void)state;

    assert_int_equal(pack_keytab_init(&t, 0, 0), 0);
    assert_int_equal(pack_keytab_init(&owned, 4, 1), 0);
    for (i = 0; i < 5000; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        assert_null(pack_keytab_find(&t, keys[i])->key);
        assert_int_equal(pack_keytab_put(&t, keys[i], "file", i), 0);
        snprintf(key, sizeof key, "o%zu", i);
        assert_int_equal(pack_keytab_put(&owned, strdup(key), "f", PACK_KEY_NONE), 0);
    }
    assert_int_equal(t.n, 5000);
    assert_true(t.cap >= 10000); /* grew, and stays at most half full */
    for (i = 0; i < 5000; i++) {
        pack_keyslot *s = pack_keytab_find(&t, keys[i]);
        assert_non_null(s->key);
        assert_int_equal(s->index, i);
    }
    assert_null(pack_keytab_find(&t, "k5000")->key);
    assert_non_null(pack_keytab_find(&owned, "o4999")->key);
    pack_keytab_free(&t);
    pack_keytab_free(&owned); /* frees the owned keys: ASan would report a leak otherwise */
}

static void make_doc(pack_doc *d, const char *relpath, const char *url, const char *body)
{
    memset(d, 0, sizeof *d);
    d->relpath = strdup(relpath);
    d->url = url != NULL ? strdup(url) : NULL;
    d->body = strdup(body);
    d->body_len = strlen(body);
    d->meta.id = strdup(relpath);
    d->meta.title = strdup("t");
}

static char notes[512];

static int on_dup(void *ctx, const char *dropped, const char *kept, const char *key)
{
    size_t n = strlen(notes);
    (void)ctx;
    snprintf(notes + n, sizeof notes - n, "%s<%s:%s;", dropped, kept, key);
    return 0;
}

static void test_dedup(void **state)
{
    pack_doc d[6];
    size_t n = 6;
    (void)state;

    /* a feed summary first, the full saved page later: the page is kept */
    make_doc(&d[0], "feeds/a.rss#2", "https://news.example/x?utm_source=rss", "Short.\n");
    make_doc(&d[1], "other.md", NULL, "Different text.\n");
    make_doc(&d[2], "web/x.html", "https://NEWS.example/x/", "Short. And the whole story.\n");
    /* the same text as the page, no URL, with other links: dropped for the page */
    make_doc(&d[3], "web/x-copy.html", NULL,
             "Short. And the whole story.\n=> https://elsewhere.example [1] link\n");
    /* same length as other.md and the same text: the first one stays */
    make_doc(&d[4], "zz/other-again.md", "https://else.example/o", "Different text.\n");
    make_doc(&d[5], "zz/new.md", "https://news.example/y", "Short.\n.\n");
    notes[0] = '\0';
    assert_int_equal(pack_docs_dedup(d, &n, on_dup, NULL), 0);
    assert_string_equal(notes, "feeds/a.rss#2<web/x.html:URL;web/x-copy.html<web/x.html:text;"
                               "zz/other-again.md<other.md:text;");
    assert_int_equal(n, 3);
    assert_string_equal(d[0].relpath, "other.md");
    assert_string_equal(d[1].relpath, "web/x.html");
    assert_string_equal(d[2].relpath, "zz/new.md");
    while (n > 0)
        pack_doc_free(&d[--n]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_key),
        cmocka_unit_test(test_text_key),
        cmocka_unit_test(test_keytab),
        cmocka_unit_test(test_dedup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
