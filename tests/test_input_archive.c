/*
 * test_input_archive.c - pack_archive_read (packer/input_archive.c): zip, tar, tar.gz and
 * 7z archives written here with libarchive's write API into a temporary folder, then read
 * back: files, sorted names, contents, name sanitising, refused entries, limits, a
 * zip-bomb-like entry, damaged and non-archive input, --skip-bad.
 */
#include <setjmp.h>
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_fixture.h"

#include <archive.h>
#include <archive_entry.h>

#include "pack_archive.h"

static char tmpdir[] = "/tmp/satchel-test-archive-XXXXXX";

/* ------------------------------------------------------------------------
 * Writing test archives
 * ------------------------------------------------------------------------ */

enum { T_FILE = 0, T_DIR, T_SYMLINK, T_HARDLINK, T_FIFO, T_ZEROS, T_XATTR };

typedef struct tent {
    const char *name;
    const char *data; /* file contents (T_FILE), link target (links); NULL: "" */
    int type;
    size_t zeros; /* T_ZEROS: a regular file of this many zero bytes */
} tent;

/* Writes entries into tmpdir/<file> in the given kind ("zip", "tar", "tar.gz", "tar.bz2",
 * "tar.xz", "tar.zst", "7z"), with extra libarchive options (may be NULL). Returns the
 * path (static buffer reused per call). */
static const char *make_archive_opt(const char *file, const char *kind, const tent *ents,
                                    size_t n, const char *options, const char *passphrase)
{
    static char path[512];
    static const char zero[65536];
    struct archive *a = archive_write_new();
    /* names are UTF-8: the writer converts them through the locale */
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old;
    int r;

    assert_non_null(a);
    assert_true(utf8 != (locale_t)0);
    old = uselocale(utf8);
    assert_true(snprintf(path, sizeof path, "%s/%s", tmpdir, file) < (int)sizeof path);
    if (strcmp(kind, "zip") == 0)
        r = archive_write_set_format_zip(a);
    else if (strcmp(kind, "7z") == 0)
        r = archive_write_set_format_7zip(a);
    else
        r = archive_write_set_format_pax_restricted(a);
    assert_int_equal(r, ARCHIVE_OK);
    if (strcmp(kind, "tar.gz") == 0)
        assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
    if (strcmp(kind, "tar.bz2") == 0)
        assert_int_equal(archive_write_add_filter_bzip2(a), ARCHIVE_OK);
    if (strcmp(kind, "tar.xz") == 0)
        assert_int_equal(archive_write_add_filter_xz(a), ARCHIVE_OK);
    if (strcmp(kind, "tar.zst") == 0)
        assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
    if (options != NULL)
        assert_int_equal(archive_write_set_options(a, options), ARCHIVE_OK);
    if (passphrase != NULL)
        assert_int_equal(archive_write_set_passphrase(a, passphrase), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        const char *d = ents[i].data != NULL ? ents[i].data : "";

        archive_entry_copy_pathname(e, ents[i].name);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1790000000, 0);
        switch (ents[i].type) {
        case T_DIR:
            archive_entry_set_filetype(e, AE_IFDIR);
            archive_entry_set_perm(e, 0755);
            break;
        case T_SYMLINK:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_copy_symlink(e, d);
            break;
        case T_HARDLINK:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_copy_hardlink(e, d);
            break;
        case T_FIFO:
            archive_entry_set_filetype(e, AE_IFIFO);
            break;
        case T_XATTR: /* a file with an extended attribute (a pax record in tar) */
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)strlen(d));
            archive_entry_xattr_add_entry(e, "user.note", "v", 1);
            break;
        case T_ZEROS:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)ents[i].zeros);
            break;
        default:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)strlen(d));
        }
        r = archive_write_header(a, e);
        assert_true(r == ARCHIVE_OK || r == ARCHIVE_WARN);
        if ((ents[i].type == T_FILE || ents[i].type == T_XATTR) && d[0] != '\0')
            assert_int_equal(archive_write_data(a, d, strlen(d)), (la_ssize_t)strlen(d));
        for (size_t left = ents[i].type == T_ZEROS ? ents[i].zeros : 0; left > 0;) {
            size_t k = left < sizeof zero ? left : sizeof zero;
            assert_int_equal(archive_write_data(a, zero, k), (la_ssize_t)k);
            left -= k;
        }
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    uselocale(old);
    freelocale(utf8);
    return path;
}

static const char *make_archive(const char *file, const char *kind, const tent *ents, size_t n)
{
    return make_archive_opt(file, kind, ents, n, NULL, NULL);
}

/* Writes raw bytes into tmpdir/<file>. */
static const char *make_file(const char *file, const void *data, size_t len)
{
    static char path[512];
    FILE *f;

    assert_true(snprintf(path, sizeof path, "%s/%s", tmpdir, file) < (int)sizeof path);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* ------------------------------------------------------------------------
 * Reading helpers
 * ------------------------------------------------------------------------ */

static pack_archive *read_ok(const char *path, const pack_archive_limits *lim, int skip_bad)
{
    pack_archive *a = (pack_archive *)1;
    sat_err err = {0};
    int rc = pack_archive_read(path, lim, skip_bad, &a, &err);

    if (rc != 0)
        fail_msg("unexpected error: %s", err.msg);
    assert_non_null(a);
    return a;
}

/* Reads expecting failure with code; the message must be exactly msg (with the archive
 * path "P" in it replaced by the real path). */
static void read_bad(const char *path, const pack_archive_limits *lim, int skip_bad, int code,
                     const char *msg)
{
    pack_archive *a = (pack_archive *)1;
    sat_err err = {0};
    char want[1024];
    int rc = pack_archive_read(path, lim, skip_bad, &a, &err);

    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_null(a);
    assert_true(snprintf(want, sizeof want, "%s: %s", path, msg) < (int)sizeof want);
    assert_string_equal(err.msg, want);
}

/* The strict read fails with msg (as read_bad); the skip_bad read keeps n_files files and
 * lists n_skipped entries. Returns the skip_bad result. */
static pack_archive *strict_then_skip(const char *path, const char *msg, size_t n_files,
                                      size_t n_skipped)
{
    pack_archive *a;

    read_bad(path, NULL, 0, SAT_E_FORMAT, msg);
    a = read_ok(path, NULL, 1);
    assert_int_equal(a->n_files, n_files);
    assert_int_equal(a->n_skipped, n_skipped);
    return a;
}

static void assert_starts_with(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        fail_msg("'%s' does not start with '%s'", s, prefix);
}

static void assert_file(const pack_archive *a, size_t i, const char *relpath, const char *data)
{
    assert_true(i < a->n_files);
    assert_string_equal(a->files[i].relpath, relpath);
    assert_int_equal(a->files[i].len, strlen(data));
    assert_memory_equal(a->files[i].data, data, strlen(data) + 1); /* NUL-terminated */
}

/* ------------------------------------------------------------------------
 * Formats
 * ------------------------------------------------------------------------ */

static const char HTML_B[] = "<html><body><p>Second story: the bridge reopened.</p></body></html>\n";
static const char HTML_A[] = "<html><body><p>강물이 불어 다리가 닫혔다.</p></body></html>\n";
static const char MD_I[] = "---\ntitle: Index\n---\nThe news of the week.\n";

static void check_formats(const char *kind)
{
    const tent ents[] = {
        {"news/", NULL, T_DIR, 0},
        {"news/b.html", HTML_B, T_FILE, 0},
        {"news/a.html", HTML_A, T_FILE, 0},
        {"index.md", MD_I, T_FILE, 0},
        {"news/empty.txt", "", T_FILE, 0},
        {"소식/첫눈.html", HTML_A, T_FILE, 0},
    };
    char file[64];
    const char *path;
    pack_archive *a;
    char *bytes;
    size_t len;

    snprintf(file, sizeof file, "formats.%s", kind);
    path = make_archive(file, kind, ents, sizeof ents / sizeof ents[0]);
    a = read_ok(path, NULL, 0);
    assert_int_equal(a->n_files, 5);
    assert_file(a, 0, "index.md", MD_I);
    assert_file(a, 1, "news/a.html", HTML_A);
    assert_file(a, 2, "news/b.html", HTML_B);
    assert_file(a, 3, "news/empty.txt", "");
    assert_file(a, 4, "소식/첫눈.html", HTML_A);
    assert_int_equal(a->n_skipped, 0);
    assert_int_equal(a->n_notes, 0);
    pack_archive_free(a);

    /* the same bytes from memory */
    bytes = test_slurp(path, &len);
    {
        sat_err err = {0};
        pack_archive *m = NULL;
        assert_int_equal(pack_archive_read_memory("mem", bytes, len, NULL, 0, &m, &err), 0);
        assert_int_equal(m->n_files, 5);
        assert_file(m, 1, "news/a.html", HTML_A);
        assert_file(m, 4, "소식/첫눈.html", HTML_A);
        pack_archive_free(m);
    }
    free(bytes);
}

static void test_zip(void **state)
{
    (void)state;
    check_formats("zip");
}

static void test_tar(void **state)
{
    (void)state;
    check_formats("tar");
}

static void test_tar_gz(void **state)
{
    (void)state;
    check_formats("tar.gz");
}

static void test_tar_other_filters(void **state)
{
    (void)state;
    check_formats("tar.bz2");
    check_formats("tar.xz");
    check_formats("tar.zst");
}

static void test_7z(void **state)
{
    (void)state;
    check_formats("7z");
}

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------ */

static void test_names_sanitised(void **state)
{
    const tent ents[] = {
        {"./a//b/", NULL, T_DIR, 0},
        {"./a//b/c.html", "c", T_FILE, 0},
        {"win\\folder\\d.html", "d", T_FILE, 0},
        {"./top.md", "t", T_FILE, 0},
        {"x/./y.txt", "y", T_FILE, 0},
    };
    const tent tar_ents[] = {{"win\\folder\\d.html", "d", T_FILE, 0},
                             {".\\w\\\\e.html\\", "e", T_FILE, 0}};
    pack_archive *a;

    (void)state;
    a = read_ok(make_archive("names.zip", "zip", ents, 5), NULL, 0);
    assert_int_equal(a->n_files, 4);
    assert_file(a, 0, "a/b/c.html", "c");
    assert_file(a, 1, "top.md", "t");
    assert_file(a, 2, "win/folder/d.html", "d");
    assert_file(a, 3, "x/y.txt", "y");
    pack_archive_free(a);
    /* tar keeps backslashes as they are: they are folder separators all the same */
    a = read_ok(make_archive("names.tar", "tar", tar_ents, 2), NULL, 0);
    assert_int_equal(a->n_files, 2);
    assert_file(a, 0, "w/e.html", "e");
    assert_file(a, 1, "win/folder/d.html", "d");
    pack_archive_free(a);
}

static void test_traversal(void **state)
{
    static const struct {
        const char *name;
        const char *why;
    } bad[] = {
        {"../x.html", "entry '../x.html': '..' in the path (path traversal): refused"},
        {"/etc/x.html", "entry '/etc/x.html': absolute path (path traversal): refused"},
        {"a/../../b.html", "entry 'a/../../b.html': '..' in the path (path traversal): refused"},
        {"ok/..\\..\\c.html",
         "entry 'ok/..\\..\\c.html': '..' in the path (path traversal): refused"},
        {"e\033[31m.html",
         "entry 'e\\x1b[31m.html': name contains a control or bidi character; rename the file"},
        {"C:\\Windows\\d.html",
         "entry 'C:\\Windows\\d.html': absolute path (path traversal): refused"},
    };
    pack_archive *a;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const tent ents[] = {{"good.html", "g", T_FILE, 0}, {bad[i].name, "x", T_FILE, 0}};
        const char *kind = i % 2 ? "tar" : "zip";
        char file[32];
        const char *path;

        snprintf(file, sizeof file, "trav%zu.%s", i, kind);
        path = make_archive(file, kind, ents, 2);
        a = strict_then_skip(path, bad[i].why, 1, 1);
        assert_file(a, 0, "good.html", "g");
        assert_starts_with(a->skipped[0].reason, path);
        assert_string_equal(a->skipped[0].reason + strlen(path) + 2, bad[i].why);
        pack_archive_free(a);
    }
}

static void test_hidden_ignored(void **state)
{
    const tent ents[] = {
        {".DS_Store", "x", T_FILE, 0},
        {"__MACOSX/", NULL, T_DIR, 0},
        {"__MACOSX/news/._a.html", "x", T_FILE, 0},
        {"news/.draft.md", "x", T_FILE, 0},
        {".git/config", "x", T_FILE, 0},
        {"news/a.html", HTML_A, T_FILE, 0},
        {".hidden-link", "/etc/passwd", T_SYMLINK, 0},
    };
    pack_archive *a;

    (void)state;
    a = read_ok(make_archive("hidden.tar", "tar", ents, 7), NULL, 0);
    assert_int_equal(a->n_files, 1);
    assert_file(a, 0, "news/a.html", HTML_A);
    assert_int_equal(a->n_skipped, 0);
    pack_archive_free(a);
}

static void test_links_refused(void **state)
{
    const tent sym[] = {{"a.html", "a", T_FILE, 0}, {"link.html", "/etc/passwd", T_SYMLINK, 0}};
    const tent hard[] = {{"a.html", "a", T_FILE, 0}, {"b.html", "a.html", T_HARDLINK, 0}};
    const tent fifo[] = {{"a.html", "a", T_FILE, 0}, {"pipe", NULL, T_FIFO, 0}};
    const char *path;
    pack_archive *a;

    (void)state;
    path = make_archive("sym.tar", "tar", sym, 2);
    read_bad(path, NULL, 0, SAT_E_FORMAT,
             "entry 'link.html': is a symbolic link: refused (store the file itself)");
    path = make_archive("sym.zip", "zip", sym, 2);
    a = strict_then_skip(path, "entry 'link.html': is a symbolic link: refused (store the file "
                               "itself)", 1, 1);
    assert_file(a, 0, "a.html", "a");
    assert_string_equal(a->skipped[0].relpath, "link.html");
    pack_archive_free(a);
    path = make_archive("hard.tar", "tar", hard, 2);
    read_bad(path, NULL, 0, SAT_E_FORMAT,
             "entry 'b.html': is a hard link: refused (store the file itself)");
    path = make_archive("fifo.tar", "tar", fifo, 2);
    read_bad(path, NULL, 0, SAT_E_FORMAT, "entry 'pipe': is a device, pipe or socket: refused");
}

static void test_duplicates(void **state)
{
    const tent dup[] = {
        {"news/a.html", "first", T_FILE, 0},
        {"news/b.html", "b", T_FILE, 0},
        {"./news//a.html", "second", T_FILE, 0},
    };
    const tent dir_file[] = {
        {"news", "a file", T_FILE, 0},
        {"news/a.html", "a", T_FILE, 0},
        {"x/y/z.html", "z", T_FILE, 0},
        {"x/y", "file over a folder", T_FILE, 0},
    };
    const char *path;
    pack_archive *a;

    (void)state;
    path = make_archive("dup.tar", "tar", dup, 3);
    a = strict_then_skip(path, "entry './news//a.html': the archive holds this name twice (the "
                               "first one is taken)", 2, 1);
    assert_file(a, 0, "news/a.html", "first");
    assert_file(a, 1, "news/b.html", "b");
    pack_archive_free(a);

    path = make_archive("dirfile.tar", "tar", dir_file, 4);
    a = strict_then_skip(path, "entry 'news/a.html': its folder 'news' is a file in the archive",
                         2, 2);
    assert_file(a, 0, "news", "a file");
    assert_file(a, 1, "x/y/z.html", "z");
    assert_string_equal(a->skipped[1].reason + strlen(path) + 2,
                        "entry 'x/y': is also a folder of other files in the archive");
    pack_archive_free(a);
}

static void test_names_not_utf8(void **state)
{
    /* "뉴스.html" in CP949, stored as raw bytes without the zip UTF-8 flag */
    const tent ents[] = {{"뉴스.html", "x", T_FILE, 0}, {"ok.html", "o", T_FILE, 0}};
    const char *path;
    pack_archive *a;

    (void)state;
    path = make_archive_opt("cp949.zip", "zip", ents, 2, "zip:hdrcharset=CP949", NULL);
    a = read_ok(path, NULL, 1);
    assert_int_equal(a->n_files, 1);
    assert_file(a, 0, "ok.html", "o");
    assert_int_equal(a->n_skipped, 1);
    assert_string_equal(a->skipped[0].reason + strlen(path) + 2,
                        "entry '\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.html': name is "
                        "not UTF-8 (made with a legacy code page such as CP949?): make the "
                        "archive again with UTF-8 names");
    pack_archive_free(a);
}

static void test_encrypted(void **state)
{
    const tent ents[] = {{"secret.html", "<p>hidden</p>", T_FILE, 0}};
    const char *path;

    (void)state;
    path = make_archive_opt("enc.zip", "zip", ents, 1, "zip:encryption=zipcrypt", "pw");
    read_bad(path, NULL, 0, SAT_E_FORMAT,
             "entry 'secret.html': is encrypted (password-protected): make the archive again "
             "without a password");
}

/* ------------------------------------------------------------------------
 * Limits
 * ------------------------------------------------------------------------ */

static void test_limits(void **state)
{
    const tent ents[] = {
        {"d/", NULL, T_DIR, 0},
        {"d/a.html", "123456", T_FILE, 0},
        {"d/b.html", "abcdef", T_FILE, 0},
        {".hidden", "x", T_FILE, 0},
    };
    pack_archive_limits lim = {6, 13, 4};
    const char *path;
    pack_archive *a;

    (void)state;
    path = make_archive("limits.zip", "zip", ents, 4);
    a = read_ok(path, &lim, 0); /* exactly at every limit */
    assert_int_equal(a->n_files, 2);
    pack_archive_free(a);

    lim = (pack_archive_limits){5, 13, 4};
    read_bad(path, &lim, 1, SAT_E_LIMIT, "entry 'd/a.html' expands beyond 5 bytes (a zip bomb?)");
    /* an entry passed over counts with its claimed size (skipping it may decompress it) */
    lim = (pack_archive_limits){6, 12, 4};
    read_bad(path, &lim, 1, SAT_E_LIMIT,
             "the files in the archive expand beyond 12 bytes in total (at entry '.hidden'; a "
             "zip bomb?)");
    lim = (pack_archive_limits){6, 11, 4};
    read_bad(path, &lim, 1, SAT_E_LIMIT,
             "the files in the archive expand beyond 11 bytes in total (at entry 'd/b.html'; a "
             "zip bomb?)");
    lim = (pack_archive_limits){6, 13, 3}; /* directories and hidden files count */
    read_bad(path, &lim, 1, SAT_E_LIMIT,
             "more than 3 entries in the archive (split it into smaller archives)");
}

/* Large members come back byte for byte through the growing buffer: numbered lines, so
 * a chunk in the wrong place shows. 3 MiB in three formats (allocated from the header's
 * size), 17 MiB in a zip (more than the 16 MiB allocated up front: the buffer grows), and
 * exactly at the entry limit a member is still taken. */
static void check_large(const char *kind, size_t big_len)
{
    const tent ents_tmpl[] = {{"a/big.html", NULL, T_FILE, 0}, {"b.html", "b", T_FILE, 0}};
    tent ents[2];
    pack_archive_limits lim = {big_len, (uint64_t)big_len + 1, 10};
    char *big = malloc(big_len + 1);
    char file[32], want[128];
    const char *path;
    pack_archive *a;

    assert_non_null(big);
    for (size_t i = 0; i < big_len; i += 32)
        snprintf(big + i, big_len - i + 1, "line %09zu of the big file.\n", i / 32);
    memcpy(ents, ents_tmpl, sizeof ents);
    ents[0].data = big;
    snprintf(file, sizeof file, "large%zu.%s", big_len, kind);
    path = make_archive(file, kind, ents, 2);
    a = read_ok(path, &lim, 0);
    assert_int_equal(a->n_files, 2);
    assert_string_equal(a->files[0].relpath, "a/big.html");
    assert_int_equal(a->files[0].len, big_len);
    assert_memory_equal(a->files[0].data, big, big_len + 1);
    assert_file(a, 1, "b.html", "b");
    pack_archive_free(a);
    lim.entry_max = big_len - 1;
    snprintf(want, sizeof want, "entry 'a/big.html' expands beyond %zu bytes (a zip bomb?)",
             big_len - 1);
    read_bad(path, &lim, 0, SAT_E_LIMIT, want);
    free(big);
}

static void test_large_member(void **state)
{
    (void)state;
    check_large("zip", (size_t)3 << 20);
    check_large("tar.gz", (size_t)3 << 20);
    check_large("7z", (size_t)3 << 20);
    check_large("zip", (size_t)17 << 20);
}

static long max_rss_kib(void)
{
    struct rusage ru;

    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

static void test_zip_bomb(void **state)
{
    const tent ents[] = {{"news/a.html", "a", T_FILE, 0},
                         {"zeros.html", NULL, T_ZEROS, (size_t)20 << 20}};
    pack_archive_limits lim = {(size_t)1 << 20, (uint64_t)1 << 30, 100};
    const char *path;
    char *bytes;
    size_t len;
    long before;

    (void)state;
    path = make_archive("bomb.zip", "zip", ents, 2);
    bytes = test_slurp(path, &len);
    assert_true(len < 100000); /* 20 MiB in well under 100 KB: 200:1 or better */
    before = max_rss_kib();
    read_bad(path, &lim, 1, SAT_E_LIMIT, "entry 'zeros.html' expands beyond 1 MiB (a zip bomb?)");
    {
        sat_err err = {0};
        pack_archive *a = NULL;
        assert_int_equal(pack_archive_read_memory("bomb.zip", bytes, len, &lim, 0, &a, &err),
                         SAT_E_LIMIT);
        assert_string_equal(err.msg,
                            "bomb.zip: entry 'zeros.html' expands beyond 1 MiB (a zip bomb?)");
    }
    /* memory stayed bounded: nowhere near the 20 MiB the entry claims */
    assert_true(max_rss_kib() - before < 10 * 1024);
    free(bytes);
}

/* ------------------------------------------------------------------------
 * Damaged and foreign input
 * ------------------------------------------------------------------------ */

static void test_truncated(void **state)
{
    static char big[30000];
    const tent ents[] = {{"a.html", "first file", T_FILE, 0}, {"b.html", big, T_FILE, 0}};
    static const char *kinds[] = {"zip", "tar", "tar.gz", "7z"};
    static const char *want[] = {
        ": entry 'b.html': damaged archive: ZIP decompression failed (-5)",
        ": entry 'b.html': damaged archive: Truncated tar archive",
        ": damaged archive: truncated gzip input",
        ": damaged archive (at its first entry): no details from libarchive (truncated?)",
    };
    pack_archive *a = (pack_archive *)1;
    sat_err err = {0};
    uint32_t x = 12345;

    (void)state;
    for (size_t i = 0; i < sizeof big - 1; i++) { /* letters that do not compress much */
        x = x * 1103515245u + 12345u;
        big[i] = (char)('a' + (x >> 16) % 26);
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char file[32];
        const char *path;
        char *bytes;
        size_t len;

        snprintf(file, sizeof file, "whole.%s", kinds[k]);
        bytes = test_slurp(make_archive(file, kinds[k], ents, 2), &len);
        snprintf(file, sizeof file, "cut.%s", kinds[k]);
        path = make_file(file, bytes, len * 2 / 3);
        free(bytes);
        if (pack_archive_read(path, NULL, 1, &a, &err) != SAT_E_FORMAT)
            fail_msg("%s: read %zu files", kinds[k], a != NULL ? a->n_files : 0);
        assert_null(a);
        assert_starts_with(err.msg, path);
        assert_string_equal(err.msg + strlen(path), want[k]);
    }
}

static void test_not_archive(void **state)
{
    static const char html[] = "<!doctype html><html><body><p>Just a page.</p></body></html>\n";
    static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xcb\x48\xcd\xc9\xc9"
                             "\xe7\x02\x00\x20\x30\x3a\x36\x06\x00\x00\x00"; /* "hello\n" */
    pack_archive *a = (pack_archive *)1;
    sat_err err = {0};
    const char *path;
    char want[600];

    (void)state;
    path = make_file("page.html", html, sizeof html - 1);
    read_bad(path, NULL, 0, SAT_E_FORMAT,
             "not an archive libarchive recognises (expected zip, tar, tar.gz, tar.bz2, tar.xz, "
             "tar.zst or 7z): Unrecognized archive format");
    path = make_file("empty.zip", "", 0);
    assert_int_equal(pack_archive_read(path, NULL, 0, &a, &err), SAT_E_FORMAT);
    snprintf(want, sizeof want, "%s: not an archive libarchive recognises", path);
    assert_starts_with(err.msg, want);
    path = make_file("hello.gz", gz, sizeof gz - 1); /* gzip, but no tar inside */
    assert_int_equal(pack_archive_read(path, NULL, 0, &a, &err), SAT_E_FORMAT);
    snprintf(want, sizeof want, "%s: not an archive libarchive recognises", path);
    assert_starts_with(err.msg, want);
    assert_int_equal(pack_archive_read("/nonexistent/x.zip", NULL, 0, &a, &err), SAT_E_IO);
    assert_starts_with(err.msg, "/nonexistent/x.zip: cannot read: ");
    assert_null(a);
}

static void test_skip_bad_mix(void **state)
{
    const tent ents[] = {
        {"news/b.html", "b", T_FILE, 0},
        {"../evil.html", "x", T_FILE, 0},
        {"news/a.html", "a", T_FILE, 0},
        {"news/l.html", "a.html", T_SYMLINK, 0},
        {"news/b.html", "again", T_FILE, 0},
        {"radio/n.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n", T_FILE, 0},
    };
    const char *path;
    pack_archive *a;

    (void)state;
    path = make_archive("mix.7z", "7z", ents, 6);
    a = strict_then_skip(path, "entry '../evil.html': '..' in the path (path traversal): refused",
                         3, 3);
    assert_file(a, 0, "news/a.html", "a");
    assert_file(a, 1, "news/b.html", "b");
    assert_file(a, 2, "radio/n.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n");
    assert_string_equal(a->skipped[0].relpath, "../evil.html");
    assert_string_equal(a->skipped[1].relpath, "news/l.html");
    assert_string_equal(a->skipped[2].relpath, "news/b.html");
    assert_string_equal(a->skipped[2].reason + strlen(path) + 2,
                        "entry 'news/b.html': the archive holds this name twice (the first one "
                        "is taken)");
    pack_archive_free(a);
}

/* An entry libarchive cannot decode (ARCHIVE_FAILED: here a zip compression method it
 * does not support) is a bad entry: skipped with --skip-bad, the rest is read. */
static void test_unsupported_method(void **state)
{
    const tent ents[] = {{"a.html", "<p>a</p>", T_FILE, 0}, {"b.html", "<p>b</p>", T_FILE, 0}};
    const char *path;
    pack_archive *a;
    char *bytes, *cd;
    size_t len;

    (void)state;
    bytes = test_slurp(make_archive_opt("stored.zip", "zip", ents, 2, "zip:compression=store", NULL),
                  &len);
    /* method 97 (WavPack) for the first entry, in its local and its central header */
    assert_memory_equal(bytes, "PK\3\4", 4);
    bytes[8] = 97;
    bytes[9] = 0;
    cd = memmem(bytes, len, "PK\1\2", 4);
    assert_non_null(cd);
    cd[10] = 97;
    cd[11] = 0;
    path = make_file("method97.zip", bytes, len);
    free(bytes);
    a = strict_then_skip(path, "entry 'a.html': cannot be read: Unsupported ZIP compression "
                               "method (97: wav-pack)", 1, 1);
    assert_file(a, 0, "b.html", "<p>b</p>");
    pack_archive_free(a);
}

/* A header libarchive reads with a warning: the entry is taken and the warning kept as a
 * note; after PACK_ARCHIVE_NOTES_MAX notes one more says that the rest are not shown. */
static void test_warnings(void **state)
{
    tent ents[PACK_ARCHIVE_NOTES_MAX + 5];
    char names[PACK_ARCHIVE_NOTES_MAX + 5][16];
    const size_t n = sizeof ents / sizeof ents[0];
    const char *path;
    pack_archive *a;
    char *bytes, *p, want[600];
    size_t len, patched = 0;

    (void)state;
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "n%02zu.html", i);
        ents[i] = (tent){names[i], "<p>text</p>", i < n - 1 ? T_XATTR : T_FILE, 0};
    }
    bytes = test_slurp(make_archive("xattr.tar", "tar", ents, n), &len);
    /* break every "SCHILY.xattr.user.note=v" pax record: no '=' makes it invalid */
    for (p = bytes; (p = memmem(p, len - (size_t)(p - bytes), "SCHILY.xattr.user.note=", 23));
         p += 23) {
        p[22] = ':';
        patched++;
    }
    assert_int_equal(patched, n - 1);
    path = make_file("warn.tar", bytes, len);
    free(bytes);
    a = read_ok(path, NULL, 0);
    assert_int_equal(a->n_files, n);
    assert_file(a, 0, "n00.html", "<p>text</p>");
    assert_file(a, n - 1, "n24.html", "<p>text</p>");
    assert_int_equal(a->n_notes, PACK_ARCHIVE_NOTES_MAX + 1);
    snprintf(want, sizeof want,
             "%s: entry 'n00.html': libarchive warning: Invalid pax extended attributes", path);
    assert_string_equal(a->notes[0], want);
    snprintf(want, sizeof want, "%s: more libarchive warnings (not shown)", path);
    assert_string_equal(a->notes[PACK_ARCHIVE_NOTES_MAX], want);
    pack_archive_free(a);
}

/* ------------------------------------------------------------------------
 * Setup
 * ------------------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    char cmd[600];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: it measures the peak memory, which later tests would raise */
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_zip),
        cmocka_unit_test(test_tar),
        cmocka_unit_test(test_tar_gz),
        cmocka_unit_test(test_tar_other_filters),
        cmocka_unit_test(test_7z),
        cmocka_unit_test(test_names_sanitised),
        cmocka_unit_test(test_traversal),
        cmocka_unit_test(test_hidden_ignored),
        cmocka_unit_test(test_links_refused),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_names_not_utf8),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_large_member),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_not_archive),
        cmocka_unit_test(test_skip_bad_mix),
        cmocka_unit_test(test_unsupported_method),
        cmocka_unit_test(test_warnings),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
