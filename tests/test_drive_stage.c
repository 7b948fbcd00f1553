/*
 * test_drive_stage.c - ds_stage (packer/drive_stage.c) through a TEST-ONLY I/O layer that
 * simulates a fake-capacity USB stick: a device of N bytes on which every file is laid out
 * one after the other, where a write past N silently lands at (address mod N), overwriting
 * earlier files, and every call reports success. Reading back returns what the device
 * holds. The real files are written as well (folders, renames and sizes stay real), so only
 * the layer's device knows the truth: exactly what a read-back must catch.
 * Also: the free-space and FAT32 checks, existing files and --force, a source that changed.
 */
#include <errno.h>
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

#include "drive_stage.h"

/* ------------------------------------------------------------------------
 * The fake-capacity device
 * ------------------------------------------------------------------------ */

#define FAKE_FILES 64
#define FAKE_FDS 1024

typedef struct fake_dev {
    unsigned char *dev; /* the device's bytes */
    uint64_t cap;       /* N */
    uint64_t next;      /* where the next file starts (addresses grow past N) */
    struct {
        dev_t st_dev;
        ino_t ino;
        uint64_t base;
    } ext[FAKE_FILES];
    size_t n;
    int fd_ext[FAKE_FDS]; /* fd -> extent, -1 */
    int64_t flip_at;      /* device address whose byte reads back flipped; -1: none */
} fake_dev;

static int fake_track(fake_dev *d, int fd, int create)
{
    struct stat st;
    size_t i;

    if (fd < 0 || fd >= FAKE_FDS || fstat(fd, &st) != 0)
        return -1;
    for (i = 0; !create && i < d->n; i++)
        if (d->ext[i].ino == st.st_ino && d->ext[i].st_dev == st.st_dev) {
            d->fd_ext[fd] = (int)i;
            return 0;
        }
    if (!create || d->n == FAKE_FILES)
        return -1;
    d->ext[d->n].st_dev = st.st_dev;
    d->ext[d->n].ino = st.st_ino;
    d->ext[d->n].base = d->next;
    d->fd_ext[fd] = (int)d->n++;
    return 0;
}

static int fake_open_write(void *ctx, int dirfd, const char *name, unsigned mode)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, (mode_t)mode);

    if (fd >= 0 && fake_track(ctx, fd, 1) != 0) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    return fd;
}

static int fake_open_read(void *ctx, int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW);

    if (fd >= 0 && fake_track(ctx, fd, 0) != 0) {
        close(fd);
        errno = EIO;
        return -1;
    }
    return fd;
}

static ssize_t fake_pwrite(void *ctx, int fd, const void *buf, size_t n, uint64_t off)
{
    fake_dev *d = ctx;
    uint64_t a = d->ext[d->fd_ext[fd]].base + off, k;
    ssize_t w = pwrite(fd, buf, n, (off_t)off);

    if (w < 0)
        return w;
    for (k = 0; k < (uint64_t)w; k++)
        d->dev[(a + k) % d->cap] = ((const unsigned char *)buf)[k];
    if (a + (uint64_t)w > d->next)
        d->next = a + (uint64_t)w;
    return w; /* success, wherever the bytes went */
}

static ssize_t fake_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off)
{
    fake_dev *d = ctx;
    uint64_t a = d->ext[d->fd_ext[fd]].base + off, k;
    ssize_t r = pread(fd, buf, n, (off_t)off); /* how many bytes the file has there */
    unsigned char *b = buf;

    for (k = 0; r > 0 && k < (uint64_t)r; k++) {
        b[k] = d->dev[(a + k) % d->cap];
        if ((int64_t)(a + k) == d->flip_at)
            b[k] ^= 0x01;
    }
    return r;
}

static int fake_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

static int fake_close(void *ctx, int fd)
{
    fake_dev *d = ctx;

    if (fd >= 0 && fd < FAKE_FDS)
        d->fd_ext[fd] = -1;
    return close(fd);
}

static void fake_init(fake_dev *d, ds_io *io, uint64_t cap)
{
    size_t i;

    memset(d, 0, sizeof *d);
    d->cap = cap;
    d->dev = calloc(1, (size_t)cap);
    assert_non_null(d->dev);
    d->flip_at = -1;
    for (i = 0; i < FAKE_FDS; i++)
        d->fd_ext[i] = -1;
    io->ctx = d;
    io->open_write = fake_open_write;
    io->open_read = fake_open_read;
    io->pwrite = fake_pwrite;
    io->pread = fake_pread;
    io->fsync = fake_fsync;
    io->close = fake_close;
}

/* ------------------------------------------------------------------------
 * Fixtures
 * ------------------------------------------------------------------------ */

typedef struct fx {
    char dir[64];
    char drive[128];
    char a[128], b[128];
} fx;

static void put_bytes(const char *path, size_t n, unsigned seed)
{
    FILE *f = fopen(path, "wb");
    size_t i;

    assert_non_null(f);
    for (i = 0; i < n; i++)
        fputc((int)((i * 131 + seed * 7 + i / 251) & 0xff), f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    fx *x = calloc(1, sizeof *x);

    if (x == NULL)
        return -1;
    strcpy(x->dir, "/tmp/satchel-dstage-XXXXXX");
    if (mkdtemp(x->dir) == NULL)
        return -1;
    snprintf(x->drive, sizeof x->drive, "%s/drive", x->dir);
    snprintf(x->a, sizeof x->a, "%s/a.src", x->dir);
    snprintf(x->b, sizeof x->b, "%s/b.src", x->dir);
    if (mkdir(x->drive, 0755) != 0)
        return -1;
    put_bytes(x->a, 100000, 1);
    put_bytes(x->b, 100000, 2);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fx *x = *state;

    test_rmtree(x->dir);
    free(x);
    return 0;
}

/* satchel/a.bin (100,000 bytes at device address 0), satchel/b.bin (100,000 at 100,000),
 * z/c.txt (small, last). */
static dp_plan *make_plan(const fx *x)
{
    dp_plan *p = NULL;
    sat_err err = {0};

    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_mem(p, "z/c.txt", "hello drive\n", 12, 0644, &err), 0);
    assert_int_equal(dp_add_file(p, "satchel/b.bin", x->b, 0644, DP_FILE, &err), 0);
    assert_int_equal(dp_add_file(p, "satchel/a.bin", x->a, 0644, DP_FILE, &err), 0);
    return p;
}

static int stage_with(const fx *x, dp_plan *p, const ds_io *io, int force, ds_result *r,
                      sat_err *err)
{
    ds_opts o;

    memset(&o, 0, sizeof o);
    o.to = x->drive;
    o.io = io;
    o.force = force;
    return ds_stage(p, &o, r, err);
}

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

/* A stick that holds 150,000 bytes but takes 200,012: b.bin's second half wraps onto
 * a.bin, which no longer reads back as written. Every write call succeeded. */
static void test_fake_capacity_detected(void **state)
{
    fx *x = *state;
    fake_dev d;
    ds_io io;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);

    fake_init(&d, &io, 150000);
    assert_int_equal(stage_with(x, p, &io, 0, &r, &err), SAT_E_HASH);
    assert_int_equal(r.files, 3);
    assert_int_equal(r.bytes, 200012);
    assert_int_equal(r.nbad, 1);
    assert_string_equal(r.bad[0], "satchel/a.bin");
    assert_non_null(strstr(err.msg, "satchel/a.bin"));
    assert_non_null(strstr(err.msg, "fake-capacity"));
    ds_result_free(&r);
    dp_free(p);
    free(d.dev);
}

/* The same plan on a device with room: every byte reads back. */
static void test_enough_capacity_passes(void **state)
{
    fx *x = *state;
    fake_dev d;
    ds_io io;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);
    struct stat st;
    char path[256];

    fake_init(&d, &io, 200012);
    assert_int_equal(stage_with(x, p, &io, 0, &r, &err), 0);
    assert_int_equal(r.files, 3);
    assert_int_equal(r.nbad, 0);
    assert_int_equal(d.next, 200012);
    snprintf(path, sizeof path, "%s/satchel/a.bin", x->drive);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 100000);
    /* the plan's hashes were set from the sources while copying */
    assert_true(dp_item_at(p, 0)->hashed);
    ds_result_free(&r);
    dp_free(p);
    free(d.dev);
}

/* One flipped bit in what the device returns for b.bin is caught and only b.bin named. */
static void test_flipped_byte_detected(void **state)
{
    fx *x = *state;
    fake_dev d;
    ds_io io;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);

    fake_init(&d, &io, 1 << 20);
    d.flip_at = 100000 + 54321;
    assert_int_equal(stage_with(x, p, &io, 0, &r, &err), SAT_E_HASH);
    assert_int_equal(r.nbad, 1);
    assert_string_equal(r.bad[0], "satchel/b.bin");
    ds_result_free(&r);
    dp_free(p);
    free(d.dev);
}

/* Layout files that exist are refused before anything is written; --force replaces them
 * and leaves every other file alone. */
static void test_existing_and_force(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);
    char path[256], other[256];
    struct stat st;

    snprintf(path, sizeof path, "%s/z", x->drive);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/z/c.txt", x->drive);
    put_bytes(path, 10, 3);
    snprintf(other, sizeof other, "%s/z/mine.txt", x->drive);
    put_bytes(other, 10, 4);
    assert_int_equal(stage_with(x, p, NULL, 0, &r, &err), SAT_E_EXISTS);
    assert_non_null(strstr(err.msg, "z/c.txt"));
    assert_non_null(strstr(err.msg, "--force"));
    assert_int_equal(r.files, 0);
    snprintf(path, sizeof path, "%s/satchel", x->drive);
    assert_int_not_equal(stat(path, &st), 0); /* nothing written */
    ds_result_free(&r);

    assert_int_equal(stage_with(x, p, NULL, 1, &r, &err), 0);
    assert_int_equal(r.nbad, 0);
    snprintf(path, sizeof path, "%s/z/c.txt", x->drive);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 12);
    assert_int_equal(stat(other, &st), 0); /* not ours: untouched */
    ds_result_free(&r);
    dp_free(p);
}

/* A source that changed between planning and writing is refused, and its temporary file
 * removed. */
static void test_source_changed(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);
    dp_item *it = dp_item_mut(p, 0);
    char path[256];
    struct stat st;

    assert_string_equal(it->path, "satchel/a.bin");
    memset(it->hash, 0xab, sizeof it->hash);
    it->hashed = 1;
    assert_int_equal(stage_with(x, p, NULL, 0, &r, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "changed"));
    snprintf(path, sizeof path, "%s/satchel/a.bin", x->drive);
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/satchel/.satchel-stage-%ld.tmp", x->drive, (long)getpid());
    assert_int_not_equal(stat(path, &st), 0);
    ds_result_free(&r);
    dp_free(p);
}

/* A stop request (a signal) ends stage at the next chunk and leaves no file behind. */
static void test_stop(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = make_plan(x);
    volatile sig_atomic_t stop = 1;
    ds_opts o;
    char path[256];
    struct stat st;

    memset(&o, 0, sizeof o);
    o.to = x->drive;
    o.stop = &stop;
    assert_int_equal(ds_stage(p, &o, &r, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_int_equal(r.files, 0);
    snprintf(path, sizeof path, "%s/satchel/a.bin", x->drive);
    assert_int_not_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/satchel/.satchel-stage-%ld.tmp", x->drive, (long)getpid());
    assert_int_not_equal(stat(path, &st), 0);
    ds_result_free(&r);
    dp_free(p);
}

/* Free space and the FAT32 limit, on a sparse file of 4 GiB. */
static void test_fits(void **state)
{
    fx *x = *state;
    dp_plan *p = NULL;
    sat_err err = {0};
    char big[256];
    int fd;

    snprintf(big, sizeof big, "%s/big.satchel", x->dir);
    fd = open(big, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)DP_FAT32_MAX_FILE + 1), 0);
    close(fd);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_file(p, "satchel/big.satchel", big, 0644, DP_BUNDLE, &err), 0);
    assert_int_equal(ds_check_fits(p, (uint64_t)1 << 40, 32768, 1, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "satchel/big.satchel"));
    assert_non_null(strstr(err.msg, "FAT32"));
    assert_int_equal(ds_check_fits(p, (uint64_t)1 << 40, 32768, 0, &err), 0);
    /* 4 GiB (whole blocks) + one block for its folder entry: 1 GiB is short */
    assert_int_equal(ds_check_fits(p, (uint64_t)1 << 30, 32768, 0, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "missing"));
    assert_non_null(strstr(err.msg, "3221258240")); /* 4 GiB + 32 KiB - 1 GiB */
    dp_free(p);
    p = make_plan(x);
    /* 100,000 rounds to 4 blocks of 32 KiB, + 1 each; 12 bytes to 1 + 1: 12 blocks */
    assert_int_equal(ds_check_fits(p, 12 * 32768, 32768, 1, &err), 0);
    assert_int_equal(ds_check_fits(p, 12 * 32768 - 1, 32768, 1, &err), SAT_E_LIMIT);
    dp_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fake_capacity_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enough_capacity_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flipped_byte_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_and_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fits, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
