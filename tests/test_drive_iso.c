/*
 * test_drive_iso.c - `satchel-pack iso` below the command (packer/drive_iso.c): the volume
 * label rules, an image written from a plan and read back equal, and the read-back's
 * comparison catching a changed byte, a missing file, a file the plan lacks and a changed
 * mode; a read-back that differs removes the image; it is never written over without force.
 * Images go to a mkdtemp folder.
 */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "drive_iso.h"
#include "test_fixture.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup_tmp(void **state)
{
    char *dir = strdup("/tmp/satchel-diso-XXXXXX");

    if (sodium_init() < 0 || dir == NULL || mkdtemp(dir) == NULL)
        return -1;
    *state = dir;
    return 0;
}

static int teardown_tmp(void **state)
{
    nftw(*state, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(*state);
    return 0;
}

/* ------------------------------------------------------------------------
 * Label
 * ------------------------------------------------------------------------ */

static void label_is(const char *in, const char *want, int changed)
{
    char out[DI_LABEL_MAX + 1];

    assert_int_equal(di_label(in, out), changed);
    assert_string_equal(out, want);
}

static void test_label(void **state)
{
    (void)state;
    label_is("SATCHEL_2026", "SATCHEL_2026", 0);
    label_is("Satchel demo", "SATCHEL_DEMO", 1);
    label_is("  news -- 11/20  ", "NEWS_11_20", 1);
    /* a Korean syllable is one character: one '_', folded with the space after it */
    label_is("새벽별 통신 2026", "2026", 1);
    label_is("소식 A", "A", 1);
    label_is("새벽별 통신", DI_LABEL_DEFAULT, 1);
    label_is("", DI_LABEL_DEFAULT, 0);
    label_is(NULL, DI_LABEL_DEFAULT, 0);
    /* cut at 32 d-characters */
    label_is("abcdefghijklmnopqrstuvwxyz0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", 1);
    label_is("A\xff\x80" "B", "A_B", 1);
}

/* ------------------------------------------------------------------------
 * Images
 * ------------------------------------------------------------------------ */

static const char bundle_text[] = "BUNDLE-BYTES-0123456789-unique-marker-for-the-test";
static const char reader_text[] = "\177ELF pretend reader";

/* A plan like a drive's: a README, a bundle from a file, a reader (0755) in memory. */
static dp_plan *small_plan(const char *dir, unsigned reader_mode, int with_key)
{
    char src[4096];
    sat_err err = {0};
    dp_plan *p = NULL;
    FILE *f;

    snprintf(src, sizeof src, "%s/src.satchel", dir);
    f = fopen(src, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bundle_text, 1, sizeof bundle_text, f), sizeof bundle_text);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_mem(p, "README.txt", "hello\r\n", 7, 0644, &err), 0);
    assert_int_equal(dp_add_file(p, "satchel/news.satchel", src, 0644, DP_BUNDLE, &err), 0);
    assert_int_equal(dp_add_mem(p, "reader/linux-x86_64/satchel-read", reader_text,
                                sizeof reader_text, reader_mode, &err),
                     0);
    if (with_key)
        assert_int_equal(dp_add_mem(p, "key/publisher.pub", "key\n", 4, 0644, &err), 0);
    return p;
}

/* Hashes the items planned from files (di_write does it for the plan it writes). */
static void hash_all(dp_plan *p)
{
    size_t i, len;

    for (i = 0; i < dp_count(p); i++) {
        dp_item *it = dp_item_mut(p, i);
        char *data;
        if (it->hashed)
            continue;
        data = test_slurp(it->src, &len);
        crypto_generichash(it->hash, sizeof it->hash, (unsigned char *)data, len, NULL, 0);
        it->hashed = 1;
        free(data);
    }
}

/* How many names in dir contain word (ls -A | grep -c). */
static int ls_count(const char *dir, const char *word)
{
    char cmd[4200], line[32] = "";
    FILE *f;

    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c %s", dir, word);
    f = popen(cmd, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    pclose(f);
    return atoi(line);
}

static void write_ok(dp_plan *p, const char *iso, int force)
{
    di_opts o;
    sat_err err = {0};

    memset(&o, 0, sizeof o);
    o.label = "TEST";
    o.mtime = 1763596800;
    o.force = force;
    if (di_write(p, iso, &o, &err) != 0)
        fail_msg("di_write: %s", err.msg);
}

static void test_write_and_read_back(void **state)
{
    const char *dir = *state;
    char iso[4096];
    sat_err err = {0};
    dp_plan *p = small_plan(dir, 0755, 1);
    struct stat st;
    size_t i;

    snprintf(iso, sizeof iso, "%s/disc.iso", dir);
    write_ok(p, iso, 0);
    assert_int_equal(stat(iso, &st), 0);
    assert_true(st.st_size > 32768);
    /* every item hashed now, and the image matches */
    for (i = 0; i < dp_count(p); i++)
        assert_true(dp_item_at(p, i)->hashed);
    assert_int_equal(di_readback(iso, p, NULL, NULL, &err), 0);
    /* no temporary file is left beside it */
    assert_int_equal(ls_count(dir, "partial"), 0);
    /* not written over without force; with force it is */
    {
        di_opts o;
        memset(&o, 0, sizeof o);
        o.label = "TEST";
        assert_int_equal(di_write(p, iso, &o, &err), SAT_E_EXISTS);
        assert_non_null(strstr(err.msg, "--force"));
    }
    write_ok(p, iso, 1);
    assert_int_equal(di_readback(iso, p, NULL, NULL, &err), 0);
    dp_free(p);
}

/* The longest path the plan accepts (DP_MAX_PATH) goes into the image and reads back: the
 * plan's rule is what the Joliet writer accepts. */
static void test_longest_path(void **state)
{
    const char *dir = *state;
    char iso[4096], path[DP_MAX_PATH + 1];
    sat_err err = {0};
    dp_plan *p = small_plan(dir, 0755, 0);
    size_t i;

    for (i = 0; i < DP_MAX_PATH; i++)
        path[i] = (i % 64 == 63) ? '/' : 'w';
    path[DP_MAX_PATH] = '\0';
    assert_int_equal(dp_add_mem(p, path, "deep\n", 5, 0644, &err), 0);
    snprintf(iso, sizeof iso, "%s/long.iso", dir);
    write_ok(p, iso, 0);
    assert_int_equal(di_readback(iso, p, NULL, NULL, &err), 0);
    dp_free(p);
}

static void test_read_back_catches(void **state)
{
    const char *dir = *state;
    char iso[4096];
    sat_err err = {0};
    dp_plan *p = small_plan(dir, 0755, 1);
    dp_plan *more = small_plan(dir, 0755, 1);
    dp_plan *fewer = small_plan(dir, 0755, 0);
    dp_plan *mode = small_plan(dir, 0644, 1);
    size_t len;
    char *img, *at;
    FILE *f;

    snprintf(iso, sizeof iso, "%s/disc.iso", dir);
    write_ok(p, iso, 0);
    hash_all(more);
    hash_all(fewer);
    hash_all(mode);

    /* a file the image lacks */
    assert_int_equal(dp_add_mem(more, "key/fingerprint.txt", "fp\n", 3, 0644, &err), 0);
    assert_int_equal(di_readback(iso, more, NULL, NULL, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "1 missing"));
    assert_non_null(strstr(err.msg, "key/fingerprint.txt: missing"));
    /* a file the plan lacks */
    assert_int_equal(di_readback(iso, fewer, NULL, NULL, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "2 not in the plan")); /* key/ and its file */
    assert_non_null(strstr(err.msg, "key: a folder not in the plan"));
    assert_non_null(strstr(err.msg, "key/publisher.pub: not in the plan"));
    /* the reader planned 0644 but 0755 in the image (Rock Ridge keeps modes) */
    assert_int_equal(di_readback(iso, mode, NULL, NULL, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "reader/linux-x86_64/satchel-read: mode differs"));

    /* one byte of the bundle changed in the image */
    img = test_slurp(iso, &len);
    at = memmem(img, len, bundle_text, sizeof bundle_text);
    assert_non_null(at);
    at[7] ^= 0x20;
    f = fopen(iso, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(img, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(img);
    assert_int_equal(di_readback(iso, p, NULL, NULL, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "1 file(s) differ"));
    assert_non_null(strstr(err.msg, "satchel/news.satchel: content differs"));

    /* not an image at all */
    f = fopen(iso, "wb");
    assert_non_null(f);
    assert_int_equal(fputs("not an image\n", f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_true(di_readback(iso, p, NULL, NULL, &err) < 0);
    dp_free(p);
    dp_free(more);
    dp_free(fewer);
    dp_free(mode);
}

/* A source that changed between planning and writing fails the write; nothing is left. */
static void test_source_changed(void **state)
{
    const char *dir = *state;
    char iso[4096], src[4096];
    di_opts o;
    sat_err err = {0};
    dp_plan *p = small_plan(dir, 0755, 1);
    FILE *f;

    snprintf(iso, sizeof iso, "%s/changed.iso", dir);
    snprintf(src, sizeof src, "%s/src.satchel", dir);
    f = fopen(src, "ab");
    assert_non_null(f);
    assert_int_equal(fputs("more", f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    memset(&o, 0, sizeof o);
    assert_int_equal(di_write(p, iso, &o, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "changed since it was planned"));
    assert_int_equal(access(iso, F_OK), -1);
    dp_free(p);
}

/* The read-back differing from the plan (simulated: every planned hash is changed once the
 * read-back starts, through the progress hook) fails the write and leaves no image, not
 * even the temporary one; an image already there (with --force) stays as it was. */
static void spoil_on_read_back(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    static const dp_plan *spoilt;
    dp_plan *p = ctx;
    size_t i;

    (void)done;
    (void)total;
    if (strcmp(stage, "reading back") != 0 || spoilt == p)
        return;
    spoilt = p;
    for (i = 0; i < dp_count(p); i++)
        memset(dp_item_mut(p, i)->hash, 0x5a, 32);
}

static void test_read_back_failure_removes(void **state)
{
    const char *dir = *state;
    char iso[4096];
    di_opts o;
    sat_err err = {0};
    dp_plan *p = small_plan(dir, 0755, 1);

    snprintf(iso, sizeof iso, "%s/spoilt.iso", dir);
    memset(&o, 0, sizeof o);
    o.progress = spoil_on_read_back;
    o.progress_ctx = p;
    assert_int_equal(di_write(p, iso, &o, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "so it was removed"));
    assert_non_null(strstr(err.msg, "content differs"));
    assert_int_equal(access(iso, F_OK), -1);
    assert_int_equal(ls_count(dir, "iso"), 0);
    dp_free(p);
}

/* A signal while the image is written (raised from the progress hook, in a child) ends the
 * program as the signal says, and the half-written image is removed. */
static void term_while_writing(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    (void)ctx;
    (void)done;
    (void)total;
    if (strcmp(stage, "writing") == 0)
        raise(SIGTERM);
}

static void test_signal_removes_partial(void **state)
{
    const char *dir = *state;
    char iso[4096];
    dp_plan *p = small_plan(dir, 0755, 1);
    int status = 0;
    pid_t pid;

    snprintf(iso, sizeof iso, "%s/killed.iso", dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        di_opts o;
        sat_err err = {0};
        memset(&o, 0, sizeof o);
        o.progress = term_while_writing;
        di_write(p, iso, &o, &err);
        _exit(0); /* not reached when the signal came */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    assert_int_equal(access(iso, F_OK), -1);
    assert_int_equal(ls_count(dir, "partial"), 0);
    dp_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label),
        cmocka_unit_test_setup_teardown(test_write_and_read_back, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_longest_path, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_back_catches, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_source_changed, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_read_back_failure_removes, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_signal_removes_partial, setup_tmp, teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
