/*
 * test_source_scan.c - walking a source folder: order, ids, attachments (images of
 * Markdown articles, audio beside transcripts), bad files, --skip-bad.
 * The committed fixture is $SATCHEL_TEST_DATA/input/scan; folders with symlinks and
 * bad files are made in a mkdtemp directory by each test.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pack_input.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup_tmp(void **state)
{
    char *dir = strdup("/tmp/satchel-scan-XXXXXX");

    if (dir == NULL || mkdtemp(dir) == NULL)
        return -1;
    *state = dir;
    return 0;
}

static int teardown_tmp(void **state)
{
    char *dir = *state;

    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    return 0;
}

/* Writes dir/rel (making parent folders) with n bytes of data. */
static void put(const char *dir, const char *rel, const char *data, size_t n)
{
    char path[4096];
    char *p;
    FILE *f;

    assert_true(snprintf(path, sizeof path, "%s/%s", dir, rel) < (int)sizeof path);
    for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
        *p = '/';
    }
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void puts_file(const char *dir, const char *rel, const char *text)
{
    put(dir, rel, text, strlen(text));
}

static void assert_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle) == NULL)
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

static int scan_fail(const char *dir, int skip_bad, sat_err *err)
{
    pack_scan_opts opts = {skip_bad, 0};
    pack_source *src = (pack_source *)1;
    int rc = pack_source_scan(dir, &opts, &src, err);

    assert_true(rc < 0);
    assert_int_equal(err->code, rc);
    assert_null(src);
    return rc;
}

static pack_source *scan_ok(const char *dir, int skip_bad)
{
    pack_scan_opts opts = {skip_bad, 0};
    pack_source *src = NULL;
    sat_err err = {0};
    int rc = pack_source_scan(dir, &opts, &src, &err);

    if (rc != 0)
        print_error("unexpected error: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_non_null(src);
    return src;
}

static const pack_media *find_media(const pack_source *src, const char *id)
{
    size_t i;

    for (i = 0; i < src->n_media; i++)
        if (strcmp(src->media[i].meta.id, id) == 0)
            return &src->media[i];
    fail_msg("no media with id %s", id);
    return NULL;
}

static const char good_md[] = "---\ntitle: Good\n---\nFine text.\n";

/* ------------------------------------------------------------------------
 * The committed fixture
 * ------------------------------------------------------------------------ */

static void test_scan_fixture(void **state)
{
    char dir[4096];
    char path[4200];
    const char *data = getenv("SATCHEL_TEST_DATA");
    pack_source *src;
    const pack_media *m;

    (void)state;
    assert_non_null(data);
    assert_true(snprintf(dir, sizeof dir, "%s/input/scan", data) < (int)sizeof dir);
    src = scan_ok(dir, 0);

    assert_int_equal(src->n_docs, 3);
    assert_int_equal(src->n_media, 3);
    assert_int_equal(src->n_skipped, 0);

    /* documents in bytewise order of their relative paths */
    assert_string_equal(src->docs[0].relpath, "news/2026-11-01-korea.md");
    assert_string_equal(src->docs[1].relpath, "news/2026-11-02-follow-up.md");
    assert_string_equal(src->docs[2].relpath, "radio/2026-11-01-news.vtt");
    assert_string_equal(src->docs[0].meta.id, "news-2026-11-01-korea");
    assert_string_equal(src->docs[0].meta.date, "2026-11-01");
    assert_string_equal(src->docs[0].body,
                        "Frost came early this year.\n\n=> attachment:img-photo.png The frozen "
                        "field\n");
    /* a second article linking the same image gets the link too */
    assert_string_equal(src->docs[1].body,
                        "The same field a day later.\n\n=> attachment:img-photo.png Same field\n");

    /* the transcript and its audio */
    assert_int_equal(src->docs[2].meta.kind, SAT_KIND_TRANSCRIPT);
    assert_string_equal(src->docs[2].meta.id, "radio-2026-11-01-news");
    assert_string_equal(src->docs[2].meta.title, "Morning news");
    assert_string_equal(src->docs[2].meta.date, "2026-11-01");
    assert_string_equal(src->docs[2].body,
                        "[00:00:00] Kim: Good morning.\n\n"
                        "=> attachment:radio-2026-11-01-news.ogg Audio recording\n");
    assert_int_equal(src->docs[2].body_len, strlen(src->docs[2].body));

    /* media sorted too; parents: first article in order, the transcript, none */
    assert_string_equal(src->media[0].relpath, "img/lonely.jpg");
    assert_string_equal(src->media[1].relpath, "img/photo.png");
    assert_string_equal(src->media[2].relpath, "radio/2026-11-01-news.ogg");
    m = find_media(src, "img-photo.png");
    assert_int_equal(m->meta.kind, SAT_KIND_IMAGE);
    assert_string_equal(m->meta.parent, "news-2026-11-01-korea");
    assert_string_equal(m->meta.title, "photo.png");
    snprintf(path, sizeof path, "%s/img/photo.png", dir);
    assert_string_equal(m->path, path);
    m = find_media(src, "radio-2026-11-01-news.ogg");
    assert_int_equal(m->meta.kind, SAT_KIND_AUDIO);
    assert_string_equal(m->meta.parent, "radio-2026-11-01-news");
    m = find_media(src, "img-lonely.jpg");
    assert_null(m->meta.parent);
    pack_source_free(src);
    pack_source_free(NULL);
}

/* ------------------------------------------------------------------------
 * Bad folders
 * ------------------------------------------------------------------------ */

static void test_symlink_refused(void **state)
{
    const char *dir = *state;
    char path[4200];
    sat_err err = {0};

    puts_file(dir, "a.md", good_md);
    snprintf(path, sizeof path, "%s/link.md", dir);
    assert_int_equal(symlink("a.md", path), 0);
    scan_fail(dir, 0, &err);
    assert_int_equal(err.code, SAT_E_FORMAT);
    assert_string_equal(err.msg, "link.md: is a symbolic link");
}

static void test_symlinked_folder_refused(void **state)
{
    const char *dir = *state;
    char path[4200];
    sat_err err = {0};

    puts_file(dir, "real/a.md", good_md);
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(symlink("real", path), 0);
    scan_fail(dir, 0, &err);
    assert_string_equal(err.msg, "sub: is a symbolic link");
}

static void test_unknown_type(void **state)
{
    const char *dir = *state;
    sat_err err = {0};

    puts_file(dir, "a.md", good_md);
    puts_file(dir, "docs/report.docx", "PK");
    scan_fail(dir, 0, &err);
    assert_string_equal(err.msg, "docs/report.docx: unknown file type (expected .md, .txt, "
                                 ".vtt, .srt, .html, .rss, .atom, .xml, or an image/audio "
                                 "file)");
}

static void test_not_regular(void **state)
{
    const char *dir = *state;
    char path[4200];
    sat_err err = {0};

    puts_file(dir, "a.md", good_md);
    snprintf(path, sizeof path, "%s/pipe.md", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    scan_fail(dir, 0, &err);
    assert_contains(err.msg, "pipe.md: not a regular file");
}

static void test_duplicate_ids(void **state)
{
    const char *dir = *state;
    sat_err err = {0};

    puts_file(dir, "news/a.md", good_md);
    puts_file(dir, "news/a.txt", "Title\n\nText.\n");
    scan_fail(dir, 0, &err);
    assert_int_equal(err.code, SAT_E_FORMAT);
    assert_contains(err.msg, "news/a.txt: id 'news-a' is already used by news/a.md");
}

static void test_duplicate_front_matter_id(void **state)
{
    const char *dir = *state;
    sat_err err = {0};

    puts_file(dir, "one.md", "---\ntitle: One\nid: same\n---\nx\n");
    puts_file(dir, "two.md", "---\ntitle: Two\nid: same\n---\ny\n");
    scan_fail(dir, 0, &err);
    assert_contains(err.msg, "two.md: id 'same' is already used by one.md");
}

static void test_empty_folder(void **state)
{
    const char *dir = *state;
    sat_err err = {0};
    char want[4200];

    puts_file(dir, ".hidden.md", good_md); /* hidden files are ignored */
    puts_file(dir, ".git/config", "[core]\n");
    scan_fail(dir, 0, &err);
    snprintf(want, sizeof want, "no articles found in %s", dir);
    assert_string_equal(err.msg, want);
}

static void test_missing_folder(void **state)
{
    const char *dir = *state;
    char path[4200];
    sat_err err = {0};

    snprintf(path, sizeof path, "%s/nope", dir);
    scan_fail(path, 0, &err);
    assert_int_equal(err.code, SAT_E_IO);
    assert_contains(err.msg, "nope: cannot open folder");
}

static void test_missing_image(void **state)
{
    const char *dir = *state;
    sat_err err = {0};

    puts_file(dir, "news/a.md", "# T\n\nText.\n\n![map](../img/map.png)\n");
    scan_fail(dir, 0, &err);
    assert_contains(err.msg, "news/a.md:5: image '../img/map.png' is not an image or audio file "
                             "in the source folder");
}

static void test_text_too_large(void **state)
{
    const char *dir = *state;
    char path[4200];
    sat_err err = {0};
    int fd;

    puts_file(dir, "a.md", good_md);
    snprintf(path, sizeof path, "%s/big.txt", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)PACK_TEXT_MAX + 1), 0); /* sparse */
    close(fd);
    scan_fail(dir, 0, &err);
    assert_int_equal(err.code, SAT_E_LIMIT);
    assert_contains(err.msg, "big.txt: file is too large");
}

/* ------------------------------------------------------------------------
 * --skip-bad
 * ------------------------------------------------------------------------ */

static void test_skip_bad(void **state)
{
    const char *dir = *state;
    char path[4200];
    pack_source *src;
    const pack_media *m;

    puts_file(dir, "good.md", good_md);
    put(dir, "bad-utf8.md", "# T\n\nab\xff\n", 9);
    puts_file(dir, "notes.docx", "PK");
    puts_file(dir, "untitled.md", "Text with a picture.\n\n![p](pic.png)\n");
    put(dir, "pic.png", "\x89PNG", 4);
    puts_file(dir, "radio/show.vtt", "WEBVTT\n\n00:00.000 -> 00:01.000\nhi\n");
    put(dir, "radio/show.mp3", "ID3", 3);
    snprintf(path, sizeof path, "%s/link.txt", dir);
    assert_int_equal(symlink("good.md", path), 0);

    src = scan_ok(dir, 1);
    assert_int_equal(src->n_docs, 1);
    assert_string_equal(src->docs[0].relpath, "good.md");
    assert_int_equal(src->n_skipped, 5);
    /* every skipped file with its reason, sorted by path */
    assert_string_equal(src->skipped[0].relpath, "bad-utf8.md");
    assert_string_equal(
        src->skipped[0].reason,
        "bad-utf8.md:3: text is not UTF-8 and no charset is declared (byte offset 7); "
        "add `charset = NAME` to satchel.conf, or re-save the file as UTF-8");
    assert_string_equal(src->skipped[1].relpath, "link.txt");
    assert_string_equal(src->skipped[1].reason, "link.txt: is a symbolic link");
    assert_string_equal(src->skipped[2].relpath, "notes.docx");
    assert_contains(src->skipped[2].reason, "notes.docx: unknown file type");
    assert_string_equal(src->skipped[3].relpath, "radio/show.vtt");
    assert_contains(src->skipped[3].reason, "radio/show.vtt:4: expected a cue timing line");
    assert_string_equal(src->skipped[4].relpath, "untitled.md");
    assert_contains(src->skipped[4].reason, "untitled.md: missing title");
    /* attachments of skipped documents stand alone */
    assert_int_equal(src->n_media, 2);
    m = find_media(src, "pic.png");
    assert_null(m->meta.parent);
    m = find_media(src, "radio-show.mp3");
    assert_null(m->meta.parent);
    pack_source_free(src);
}

static void test_skip_bad_all_bad(void **state)
{
    const char *dir = *state;
    sat_err err = {0};

    puts_file(dir, "x.docx", "PK");
    scan_fail(dir, 1, &err);
    assert_contains(err.msg, "no articles found in");
}

/* .xml files are feeds when their root says so; feed items are entries of their own,
 * the config file sets sections and overrides, a bad feed item is its own skip, and a
 * feed item repeating a page is dropped with a note. */
static void test_feeds_config_duplicates(void **state)
{
    const char *dir = *state;
    pack_source *src;
    sat_err err = {0};

    puts_file(dir, "satchel.conf",
              "title = 묶음\nlang = ko\n[section news]\nname = 소식\n"
              "[file news/page.html]\nauthor = 편집부\n[file nowhere.md]\ntitle = x\n");
    puts_file(dir, "news/a.xml",
              "<?xml version=\"1.0\"?>\n<!-- exported -->\n<rss version=\"2.0\"><channel>"
              "<title>C</title><item><title>One</title><link>https://x.example/1</link>"
              "<description>First item text.</description></item>"
              "<item><title>Page again</title><link>https://x.example/page?utm_source=rss</link>"
              "<description>Short.</description></item>"
              "<item><title>No text</title></item></channel></rss>\n");
    puts_file(dir, "news/b.xml", "<?xml version=\"1.0\"?>\n<catalog/>\n");
    puts_file(dir, "news/page.html",
              "<html><head><title>Page</title><link rel=\"canonical\" "
              "href=\"https://x.example/page\"></head><body><article><p>The whole page "
              "text, longer than the feed's summary.</p></article></body></html>\n");
    puts_file(dir, "news/satchel.conf", "title = lost\n");
    scan_fail(dir, 0, &err);
    assert_contains(err.msg, "news/");
    src = scan_ok(dir, 1);
    assert_string_equal(src->title, "묶음");
    assert_int_equal(src->n_docs, 2);
    assert_string_equal(src->docs[0].relpath, "news/a.xml#1");
    assert_string_equal(src->docs[0].meta.title, "One");
    assert_string_equal(src->docs[0].meta.section, "소식");
    assert_string_equal(src->docs[0].meta.lang, "ko");
    assert_string_equal(src->docs[1].relpath, "news/page.html");
    assert_string_equal(src->docs[1].meta.author, "편집부");
    assert_int_equal(src->n_skipped, 3);
    assert_string_equal(src->skipped[0].relpath, "news/a.xml#3");
    assert_string_equal(src->skipped[1].relpath, "news/b.xml");
    assert_contains(src->skipped[1].reason, "not an RSS or Atom feed");
    assert_string_equal(src->skipped[2].reason, "news/satchel.conf: a config file is read only "
                                                "at the top of the source; move it there (one "
                                                "for the whole bundle)");
    assert_int_equal(src->n_notes, 2);
    assert_string_equal(src->notes[0].reason, "news/a.xml#2: duplicate of news/page.html (the "
                                              "same URL); stored once");
    assert_contains(src->notes[1].reason, "satchel.conf");
    assert_contains(src->notes[1].reason, "nowhere.md");
    pack_source_free(src);
}

static void test_media_only_and_case(void **state)
{
    const char *dir = *state;
    pack_source *src;

    put(dir, "Photos/IMG 001.JPG", "\xff\xd8", 2);
    put(dir, "audio/clip.Opus", "Ogg", 3);
    src = scan_ok(dir, 0);
    assert_int_equal(src->n_docs, 0);
    assert_int_equal(src->n_media, 2);
    assert_string_equal(src->media[0].meta.id, "Photos-IMG_001.JPG");
    assert_string_equal(src->media[0].meta.title, "IMG 001.JPG");
    assert_int_equal(src->media[0].meta.kind, SAT_KIND_IMAGE);
    assert_string_equal(src->media[1].meta.id, "audio-clip.Opus");
    assert_int_equal(src->media[1].meta.kind, SAT_KIND_AUDIO);
    pack_source_free(src);
}

static void test_order_is_bytewise(void **state)
{
    const char *dir = *state;
    pack_source *src;

    puts_file(dir, "a/b.md", "# B\n\nb\n");
    puts_file(dir, "a-c.md", "# C\n\nc\n");
    puts_file(dir, "B.md", "# Upper\n\nu\n");
    src = scan_ok(dir, 0);
    assert_int_equal(src->n_docs, 3);
    assert_string_equal(src->docs[0].relpath, "B.md");
    assert_string_equal(src->docs[1].relpath, "a-c.md");
    assert_string_equal(src->docs[2].relpath, "a/b.md");
    pack_source_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_fixture),
        cmocka_unit_test_setup_teardown(test_symlink_refused, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_symlinked_folder_refused, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_unknown_type, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_not_regular, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_duplicate_ids, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_duplicate_front_matter_id, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_empty_folder, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_missing_image, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_text_too_large, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_skip_bad, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_skip_bad_all_bad, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_media_only_and_case, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_feeds_config_duplicates, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_order_is_bytewise, setup_tmp, teardown_tmp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
