/*
 * test_drive_plan.c - the drive plan container (packer/drive_plan.c): path rules, clashes
 * ignoring case (files and implied folders), path order, sizes and hashes, dp_add_file and
 * dp_add_tree on real files (symlinks, devices refused). Trees are made in a mkdtemp folder.
 */
#include <fcntl.h>
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

#include "test_fixture.h"
#include <sodium.h>

#include "drive_plan.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static int setup_tmp(void **state)
{
    char *dir = strdup("/tmp/satchel-dplan-XXXXXX");

    if (dir == NULL || mkdtemp(dir) == NULL)
        return -1;
    *state = dir;
    return 0;
}

static int teardown_tmp(void **state)
{
    test_rmtree(*state);
    free(*state);
    return 0;
}

static void put_file(const char *dir, const char *rel, const char *text)
{
    char path[4096];
    FILE *f;

    assert_true(snprintf(path, sizeof path, "%s/%s", dir, rel) < (int)sizeof path);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *dir, const char *rel)
{
    char path[4096];

    assert_true(snprintf(path, sizeof path, "%s/%s", dir, rel) < (int)sizeof path);
    assert_int_equal(mkdir(path, 0755), 0);
}

/* out (4096 bytes) = a/b */
static void join(char *out, const char *a, const char *b)
{
    assert_true(snprintf(out, 4096, "%s/%s", a, b) < 4096);
}

static int check(const char *path)
{
    sat_err err = {0};
    return dp_check_path(path, &err);
}

/* ------------------------------------------------------------------------
 * Path rules
 * ------------------------------------------------------------------------ */

static void test_rules_accept(void **state)
{
    (void)state;
    assert_int_equal(check("README.txt"), 0);
    assert_int_equal(check("satchel/news-2026_11.satchel"), 0);
    assert_int_equal(check("reader/linux-x86_64/satchel-read"), 0);
    assert_int_equal(check("a/b/c/d/e/f/g/h"), 0); /* depth 8 */
    assert_int_equal(check("CONSOLE.txt"), 0);     /* only exact device names are reserved */
}

static void test_rules_refuse(void **state)
{
    char name[80], path[300];
    sat_err err = {0};
    size_t i;

    (void)state;
    assert_int_equal(check(""), SAT_E_ARG);
    assert_int_equal(check("a b"), SAT_E_ARG);
    assert_int_equal(check("a:b"), SAT_E_ARG);
    assert_int_equal(check("a\\b"), SAT_E_ARG);
    assert_int_equal(check("caf\xc3\xa9"), SAT_E_ARG);
    assert_int_equal(check("a*"), SAT_E_ARG);
    assert_int_equal(check(".."), SAT_E_ARG);
    assert_int_equal(check("a/../b"), SAT_E_ARG);
    assert_int_equal(check(".hidden"), SAT_E_ARG);
    assert_int_equal(check("-rf"), SAT_E_ARG);
    assert_int_equal(check("name."), SAT_E_ARG);
    assert_int_equal(check("/abs"), SAT_E_ARG);
    assert_int_equal(check("a//b"), SAT_E_ARG);
    assert_int_equal(check("a/"), SAT_E_ARG);
    assert_int_equal(check("CON"), SAT_E_ARG);
    assert_int_equal(check("web/nul.html"), SAT_E_ARG);
    assert_int_equal(check("com1"), SAT_E_ARG);
    assert_int_equal(check("a/b/c/d/e/f/g/h/i"), SAT_E_ARG); /* depth 9 */
    assert_non_null(strstr((dp_check_path("a/b/c/d/e/f/g/h/i", &err), err.msg), "levels"));

    memset(name, 'n', 64);
    name[64] = '\0';
    assert_int_equal(check(name), 0); /* 64 bytes */
    name[64] = 'n';
    name[65] = '\0';
    assert_int_equal(check(name), SAT_E_ARG); /* 65 bytes */
    assert_int_equal(dp_check_path(name, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "65 bytes"));

    /* 239 bytes pass, 240 do not (Joliet): names of 63 bytes joined by '/' */
    for (i = 0; i < 239; i++)
        path[i] = (i % 64 == 63) ? '/' : 'p';
    path[239] = '\0';
    assert_int_equal(check(path), 0);
    path[239] = 'p';
    path[240] = '\0';
    assert_int_equal(dp_check_path(path, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "240 bytes"));
}

/* ------------------------------------------------------------------------
 * Clashes, order, sizes
 * ------------------------------------------------------------------------ */

static void test_case_clash(void **state)
{
    dp_plan *p = NULL;
    sat_err err = {0};

    (void)state;
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_mem(p, "A/x", "1", 1, 0644, &err), 0);
    /* the same file in another case */
    assert_int_equal(dp_add_mem(p, "a/x", "2", 1, 0644, &err), SAT_E_EXISTS);
    assert_non_null(strstr(err.msg, "A/x"));
    assert_int_equal(dp_add_mem(p, "A/X", "2", 1, 0644, &err), SAT_E_EXISTS);
    /* exactly the same path */
    assert_int_equal(dp_add_mem(p, "A/x", "2", 1, 0644, &err), SAT_E_EXISTS);
    /* another file in the implied folder "A", spelled "a" */
    assert_int_equal(dp_add_mem(p, "a/y", "2", 1, 0644, &err), SAT_E_EXISTS);
    assert_non_null(strstr(err.msg, "folder"));
    /* a file where the plan implies a folder, and a folder where it holds a file */
    assert_int_equal(dp_add_mem(p, "a", "2", 1, 0644, &err), SAT_E_EXISTS);
    assert_int_equal(dp_add_mem(p, "A/x/z", "2", 1, 0644, &err), SAT_E_EXISTS);
    assert_int_equal(dp_add_mem(p, "A/X/z", "2", 1, 0644, &err), SAT_E_EXISTS);
    /* the same folder, spelled alike, is fine */
    assert_int_equal(dp_add_mem(p, "A/y", "2", 1, 0644, &err), 0);
    /* nothing of the refused ones was recorded */
    assert_int_equal(dp_count(p), 2);
    assert_int_equal(dp_add_mem(p, "b/z", "2", 1, 0644, &err), 0);
    assert_int_equal(dp_count(p), 3);
    dp_free(p);
}

static void test_order_size_hash(void **state)
{
    static const char *const paths[] = {"web/b/index.html", "README.txt", "key/publisher.pub",
                                        "CHECKSUMS.b2", "satchel/a.satchel", "Z", "a"};
    dp_plan *p = NULL;
    sat_err err = {0};
    unsigned char h[32];
    size_t i;
    uint64_t total = 0;

    (void)state;
    assert_int_equal(dp_create(&p, &err), 0);
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        assert_int_equal(dp_add_mem(p, paths[i], paths[i], strlen(paths[i]), 0644, &err), 0);
        total += strlen(paths[i]);
    }
    assert_int_equal(dp_count(p), 7);
    assert_int_equal(dp_total_size(p), total);
    for (i = 1; i < dp_count(p); i++)
        assert_true(strcmp(dp_item_at(p, i - 1)->path, dp_item_at(p, i)->path) < 0);
    assert_string_equal(dp_item_at(p, 0)->path, "CHECKSUMS.b2");
    assert_string_equal(dp_item_at(p, 6)->path, "web/b/index.html");
    assert_null(dp_item_at(p, 7));
    /* memory items are hashed at once: BLAKE2b-256 of the bytes */
    crypto_generichash(h, 32, (const unsigned char *)"Z", 1, NULL, 0);
    assert_true(dp_item_at(p, 2)->hashed);
    assert_string_equal(dp_item_at(p, 2)->path, "Z");
    assert_memory_equal(dp_item_at(p, 2)->hash, h, 32);
    assert_int_equal(dp_item_at(p, 2)->size, 1);
    dp_item_mut(p, 2)->mode = 0755;
    assert_int_equal(dp_item_at(p, 2)->mode, 0755);
    /* a bad path is refused with the rule named */
    assert_int_equal(dp_add_mem(p, "x/.y", "", 0, 0644, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "x/.y"));
    dp_free(p);
    dp_free(NULL);
}

/* ------------------------------------------------------------------------
 * Files and trees
 * ------------------------------------------------------------------------ */

static void test_add_file(void **state)
{
    const char *dir = *state;
    char src[4096], link[4096];
    dp_plan *p = NULL;
    sat_err err = {0};

    put_file(dir, "news.satchel", "hello bundle");
    join(src, dir, "news.satchel");
    join(link, dir, "link.satchel");
    assert_int_equal(symlink(src, link), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_file(p, "satchel/news.satchel", src, 0644, DP_BUNDLE, &err), 0);
    assert_int_equal(dp_item_at(p, 0)->size, 12);
    assert_int_equal(dp_item_at(p, 0)->kind, DP_BUNDLE);
    assert_false(dp_item_at(p, 0)->hashed);
    assert_string_equal(dp_item_at(p, 0)->src, src);
    assert_null(dp_item_at(p, 0)->data);
    /* a symlink, a folder and a missing file are refused */
    assert_int_not_equal(dp_add_file(p, "satchel/link.satchel", link, 0644, DP_BUNDLE, &err), 0);
    assert_non_null(strstr(err.msg, "symlink"));
    assert_int_equal(dp_add_file(p, "satchel/dir", dir, 0644, DP_FILE, &err), SAT_E_ARG);
    assert_int_equal(dp_add_file(p, "satchel/none", "/nonexistent/x", 0644, DP_FILE, &err),
                     SAT_E_IO);
    assert_int_equal(dp_count(p), 1);
    dp_free(p);
}

static void test_add_tree(void **state)
{
    const char *dir = *state;
    char root[4096], path[4096];
    dp_plan *p = NULL;
    sat_err err = {0};
    size_t i;

    join(root, dir, "site");
    make_dir(dir, "site");
    make_dir(dir, "site/e");
    make_dir(dir, "site/e/000");
    put_file(dir, "site/index.html", "<p>index</p>");
    put_file(dir, "site/e/000/000001.html", "<p>one</p>");
    put_file(dir, "site/style.css", "p{}");
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web/news", root, &err), 0);
    assert_int_equal(dp_count(p), 3);
    assert_string_equal(dp_item_at(p, 0)->path, "web/news/e/000/000001.html");
    assert_string_equal(dp_item_at(p, 1)->path, "web/news/index.html");
    assert_string_equal(dp_item_at(p, 2)->path, "web/news/style.css");
    for (i = 0; i < 3; i++)
        assert_int_equal(dp_item_at(p, i)->mode, 0644);
    join(path, root, "index.html");
    assert_string_equal(dp_item_at(p, 1)->src, path);
    assert_int_equal(dp_total_size(p), 12 + 10 + 3);
    /* the same tree again clashes */
    assert_int_equal(dp_add_tree(p, "WEB/news", root, &err), SAT_E_EXISTS);
    dp_free(p);

    /* a symlink anywhere in the tree is refused */
    join(path, dir, "site/e/000/link.html");
    assert_int_equal(symlink("000001.html", path), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web/news", root, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "link.html"));
    assert_non_null(strstr(err.msg, "symlink"));
    dp_free(p);
    assert_int_equal(unlink(path), 0);

    /* a symlinked folder too, and a name the rules refuse */
    join(path, dir, "site/m");
    assert_int_equal(symlink("/etc", path), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web/news", root, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "symlink"));
    dp_free(p);
    assert_int_equal(unlink(path), 0);
    put_file(dir, "site/bad name.html", "x");
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web/news", root, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "bad name.html"));
    /* the root itself may not be a symlink */
    join(path, dir, "site-link");
    assert_int_equal(symlink(root, path), 0);
    assert_int_equal(dp_add_tree(p, "web/other", path, &err), SAT_E_IO);
    dp_free(p);
}

static void test_add_tree_fifo_and_depth(void **state)
{
    const char *dir = *state;
    char root[4096], path[4096];
    dp_plan *p = NULL;
    sat_err err = {0};

    join(root, dir, "t");
    make_dir(dir, "t");
    join(path, dir, "t/pipe");
    assert_int_equal(mkfifo(path, 0644), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web", root, &err), SAT_E_ARG);
    assert_non_null(strstr(err.msg, "not a regular file"));
    dp_free(p);
    assert_int_equal(unlink(path), 0);

    /* web/1/2/3/4/5/6/f is 8 levels; one more folder makes 9 */
    make_dir(dir, "t/1");
    make_dir(dir, "t/1/2");
    make_dir(dir, "t/1/2/3");
    make_dir(dir, "t/1/2/3/4");
    make_dir(dir, "t/1/2/3/4/5");
    make_dir(dir, "t/1/2/3/4/5/6");
    put_file(dir, "t/1/2/3/4/5/6/f", "x");
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web", root, &err), 0);
    assert_int_equal(dp_count(p), 1);
    dp_free(p);
    make_dir(dir, "t/1/2/3/4/5/6/7");
    put_file(dir, "t/1/2/3/4/5/6/7/f", "x");
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_tree(p, "web", root, &err), SAT_E_ARG);
    dp_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules_accept),
        cmocka_unit_test(test_rules_refuse),
        cmocka_unit_test(test_case_clash),
        cmocka_unit_test(test_order_size_hash),
        cmocka_unit_test_setup_teardown(test_add_file, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_add_tree, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_add_tree_fifo_and_depth, setup_tmp, teardown_tmp),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
