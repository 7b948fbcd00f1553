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

#include <dirent.h>

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
 * A layer on the real calls that trips at the Nth open: sets the stop flag (a signal) or
 * fails the open with EIO
 * ------------------------------------------------------------------------ */

typedef struct trip {
    const ds_io *real;
    volatile sig_atomic_t stop;
    int writes, reads;     /* opens so far */
    int write_at, read_at; /* trip at this open (1-based); 0: never */
    int fail;              /* 1: the open fails (EIO) instead of setting stop */
    const char *block;     /* set: at write_at, makes this folder (relative to the folder of
                            * the file opened) instead, so that renaming onto it fails */
} trip;

static int trip_open_write(void *ctx, int dirfd, const char *name, unsigned mode)
{
    trip *t = ctx;

    if (++t->writes == t->write_at) {
        if (t->block != NULL) {
            assert_int_equal(mkdirat(dirfd, t->block, 0755), 0);
        } else if (t->fail) {
            errno = EIO;
            return -1;
        } else {
            t->stop = 1;
        }
    }
    return t->real->open_write(t->real->ctx, dirfd, name, mode);
}

static int trip_open_read(void *ctx, int dirfd, const char *name)
{
    trip *t = ctx;

    if (++t->reads == t->read_at)
        t->stop = 1;
    return t->real->open_read(t->real->ctx, dirfd, name);
}

static void trip_init(trip *t, const trip *spec, ds_io *io)
{
    *t = *spec;
    t->writes = t->reads = 0;
    t->stop = 0;
    t->real = ds_io_posix();
    *io = *t->real;
    io->ctx = t;
    io->open_write = trip_open_write;
    io->open_read = trip_open_read;
}

/* Stages p through a trip layer set up as spec (write_at, read_at, fail, block). */
static int stage_trip(const fx *x, dp_plan *p, int force, const trip *spec, ds_result *r,
                      sat_err *err)
{
    trip t;
    ds_io io;
    ds_opts o;

    trip_init(&t, spec, &io);
    memset(&o, 0, sizeof o);
    o.to = x->drive;
    o.io = &io;
    o.force = force;
    o.stop = &t.stop;
    return ds_stage(p, &o, r, err);
}

/* Temporary files of stage under dir (any depth). */
static int count_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char sub[512];
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strncmp(e->d_name, ".satchel-stage-", 15) == 0)
            n++;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        n += count_tmp(sub);
    }
    closedir(d);
    return n;
}

static void assert_file_is(const fx *x, const char *rel, const char *want)
{
    char path[256];
    size_t len = 0;
    char *got;

    snprintf(path, sizeof path, "%s/%s", x->drive, rel);
    got = test_slurp(path, &len);
    assert_non_null(got);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(got, want, len);
    free(got);
}

static int drive_has(const fx *x, const char *rel)
{
    char path[256];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", x->drive, rel);
    return lstat(path, &st) == 0;
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
    assert_int_equal(count_tmp(x->drive), 0);
    ds_result_free(&r);
    dp_free(p);
}

/* A stop request (a signal) ends stage at the next chunk and leaves no file or folder
 * behind. */
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
    assert_int_equal(count_tmp(x->drive), 0);
    assert_false(drive_has(x, "satchel")); /* the folders it made are removed */
    assert_false(drive_has(x, "z"));
    ds_result_free(&r);
    dp_free(p);
}

/* d/a.txt (replacing an old one with --force), d/b.txt, README.txt */
static dp_plan *force_plan(const fx *x)
{
    dp_plan *p = NULL;
    sat_err err = {0};
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/d", x->drive);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/d/a.txt", x->drive);
    assert_non_null(f = fopen(path, "w"));
    fputs("old a\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_mem(p, "d/a.txt", "new a\n", 6, 0644, &err), 0);
    assert_int_equal(dp_add_mem(p, "d/b.txt", "new b\n", 6, 0644, &err), 0);
    assert_int_equal(dp_add_mem(p, "README.txt", "readme\n", 7, 0644, &err), 0);
    return p;
}

/* The drive as force_plan left it: the old d/a.txt, nothing new, no temporary file. */
static void assert_force_plan_not_placed(const fx *x)
{
    assert_file_is(x, "d/a.txt", "old a\n");
    assert_false(drive_has(x, "d/b.txt"));
    assert_false(drive_has(x, "README.txt"));
    assert_int_equal(count_tmp(x->drive), 0);
}

/* Every file of force_plan in place. */
static void assert_force_plan_placed(const fx *x)
{
    assert_file_is(x, "d/a.txt", "new a\n");
    assert_file_is(x, "d/b.txt", "new b\n");
    assert_file_is(x, "README.txt", "readme\n");
}

/* --force, stopped (a signal) while the second file is written: the drive keeps the old
 * d/a.txt, no new file is put in place and no temporary file is left. */
static void test_force_stop_keeps_old(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = force_plan(x);

    assert_int_equal(stage_trip(x, p, 1, &(trip){.write_at = 2}, &r, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_int_equal(r.files, 0);
    assert_force_plan_not_placed(x);
    ds_result_free(&r);
    dp_free(p);
}

/* --force, the last file (README.txt) cannot be created: the old d/a.txt stays, nothing
 * new is in place; then a run that succeeds replaces it. */
static void test_force_failure_keeps_old(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = force_plan(x);

    assert_int_equal(stage_trip(x, p, 1, &(trip){.write_at = 3, .fail = 1}, &r, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "README.txt"));
    assert_force_plan_not_placed(x);
    ds_result_free(&r);

    assert_int_equal(stage_trip(x, p, 1, &(trip){0}, &r, &err), 0);
    assert_int_equal(r.files, 3);
    assert_force_plan_placed(x);
    assert_int_equal(count_tmp(x->drive), 0);
    ds_result_free(&r);
    dp_free(p);
}

/* A stop during read-back: the files are in place, and the message says so (not that they
 * were removed) and that the drive is not verified. */
static void test_stop_during_read_back(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = force_plan(x);

    assert_int_equal(stage_trip(x, p, 1, &(trip){.read_at = 1}, &r, &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_non_null(strstr(err.msg, "NOT verified"));
    assert_null(strstr(err.msg, "removed"));
    assert_int_equal(r.files, 3);
    assert_force_plan_placed(x);
    ds_result_free(&r);
    dp_free(p);
}

/* A rename that fails part way (d/b.txt became a folder meanwhile): the file already in
 * place stays, the other temporary files go, and the message says the drive is
 * incomplete. */
static void test_rename_fails_part_way(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = force_plan(x);

    assert_int_equal(stage_trip(x, p, 1, &(trip){.write_at = 3, .block = "d/b.txt"}, &r, &err),
                     SAT_E_IO);
    assert_non_null(strstr(err.msg, "d/b.txt"));
    assert_non_null(strstr(err.msg, "1 of 3 files are in place"));
    assert_non_null(strstr(err.msg, "incomplete"));
    assert_int_equal(r.files, 1);
    assert_file_is(x, "d/a.txt", "new a\n");
    assert_false(drive_has(x, "README.txt"));
    assert_int_equal(count_tmp(x->drive), 0);
    ds_result_free(&r);
    dp_free(p);
}

/* A failed write removes the folders this run made (deepest first), not the ones that were
 * there before, nor a folder someone else put a file in. */
static void test_failure_removes_new_folders(void **state)
{
    fx *x = *state;
    ds_result r;
    sat_err err = {0};
    dp_plan *p = NULL;
    char path[256];

    snprintf(path, sizeof path, "%s/keep", x->drive);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(dp_create(&p, &err), 0);
    assert_int_equal(dp_add_mem(p, "keep/x/y/a.txt", "a\n", 2, 0644, &err), 0);
    assert_int_equal(dp_add_mem(p, "new/b/c.txt", "c\n", 2, 0644, &err), 0);
    assert_int_equal(dp_add_mem(p, "new/d.txt", "d\n", 2, 0644, &err), 0);
    assert_int_equal(stage_trip(x, p, 0, &(trip){.write_at = 3, .fail = 1}, &r, &err), SAT_E_IO);
    assert_true(drive_has(x, "keep"));
    assert_false(drive_has(x, "keep/x"));
    assert_false(drive_has(x, "new"));
    ds_result_free(&r);

    /* keep/x there before (with a file of someone else): it stays, keep/x/y goes */
    snprintf(path, sizeof path, "%s/keep/x", x->drive);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/keep/x/mine.txt", x->drive);
    put_bytes(path, 10, 5);
    assert_int_equal(stage_trip(x, p, 0, &(trip){.write_at = 3, .fail = 1}, &r, &err), SAT_E_IO);
    assert_true(drive_has(x, "keep/x/mine.txt"));
    assert_false(drive_has(x, "keep/x/y"));
    assert_false(drive_has(x, "new"));
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
        cmocka_unit_test_setup_teardown(test_force_stop_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_force_failure_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_during_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_removes_new_folders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename_fails_part_way, setup, teardown),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
