/*
 * test_fixture.h - reading test files, shared by the cmocka tests. Each test is one .c
 * file built on its own, so the helpers are static inline (no warning where unused).
 * Include after <cmocka.h>.
 */
#ifndef SAT_TEST_FIXTURE_H
#define SAT_TEST_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads the whole file at path into a malloc'd buffer with a NUL after the last byte;
 * its length goes to *len (len may be NULL). Fails the test when it cannot. */
static inline char *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

/* test_slurp of $SATCHEL_TEST_DATA/dir/name (the Makefile sets SATCHEL_TEST_DATA). */
static inline char *test_fixture(const char *dir, const char *name, size_t *len)
{
    const char *data = getenv("SATCHEL_TEST_DATA");
    char path[4096];

    assert_non_null(data);
    assert_true(snprintf(path, sizeof path, "%s/%s/%s", data, dir, name) < (int)sizeof path);
    return test_slurp(path, len);
}

static inline int test_rm_entry(const char *path, const struct stat *st, int flag,
                                struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes the folder dir and everything in it (symlinks themselves, never their targets). */
static inline void test_rmtree(const char *dir)
{
    nftw(dir, test_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
