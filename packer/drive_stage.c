/*
 * drive_stage.c - ds_stage: a drive plan onto a mounted drive, then proven by read-back
 * (drive_stage.h says in what order and why).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "drive_stage.h"
#include "sat_file.h"

#ifndef MSDOS_SUPER_MAGIC
#define MSDOS_SUPER_MAGIC 0x4d44
#endif
#define FUSE_MAGIC 0x65735546
/* Read-back problems named in the message (all are in ds_result.bad). */
#define DS_NAMED_MAX 5

/* ------------------------------------------------------------------------
 * The I/O layer on the real system calls
 * ------------------------------------------------------------------------ */

static int px_open_write(void *ctx, int dirfd, const char *name, unsigned mode)
{
    (void)ctx;
    return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  (mode_t)mode);
}

static int px_open_read(void *ctx, int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_DIRECT);

    (void)ctx;
    if (fd < 0 && errno == EINVAL) { /* no O_DIRECT here (FUSE, tmpfs): drop the cache */
        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    }
    return fd;
}

static ssize_t px_pwrite(void *ctx, int fd, const void *buf, size_t n, uint64_t off)
{
    (void)ctx;
    return pwrite(fd, buf, n, (off_t)off);
}

static ssize_t px_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off)
{
    ssize_t r = pread(fd, buf, n, (off_t)off);
    int fl;

    (void)ctx;
    if (r < 0 && errno == EINVAL && (fl = fcntl(fd, F_GETFL)) >= 0 && (fl & O_DIRECT)) {
        /* opened O_DIRECT but the file system refuses such reads: cache dropped instead */
        if (fcntl(fd, F_SETFL, fl & ~O_DIRECT) != 0)
            return -1;
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        r = pread(fd, buf, n, (off_t)off);
    }
    return r;
}

static int px_fsync(void *ctx, int fd)
{
    (void)ctx;
    if (fsync(fd) != 0)
        return -1;
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    return 0;
}

static int px_close(void *ctx, int fd)
{
    (void)ctx;
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    return close(fd);
}

const ds_io *ds_io_posix(void)
{
    static const ds_io io = {NULL,     px_open_write, px_open_read, px_pwrite,
                             px_pread, px_fsync,      px_close};
    return &io;
}

/* ------------------------------------------------------------------------
 * Checks before writing
 * ------------------------------------------------------------------------ */

int ds_check_fits(const dp_plan *p, uint64_t avail, uint64_t block, int fat, sat_err *err)
{
    uint64_t need = 0;
    size_t i;

    if (block == 0)
        block = 4096;
    for (i = 0; i < dp_count(p); i++) {
        const dp_item *it = dp_item_at(p, i);

        int rc = dp_check_size(it->path, it->size, fat ? DP_FAT32_MAX_FILE : 0, err);

        if (rc != 0)
            return rc;
        need += (it->size + block - 1) / block * block + block;
    }
    if (avail != UINT64_MAX && need > avail)
        return sat_err_set(err, SAT_E_LIMIT,
                           "not enough free space on the drive: %llu bytes needed, %llu free, "
                           "%llu missing (%.1f MB)",
                           (unsigned long long)need, (unsigned long long)avail,
                           (unsigned long long)(need - avail), (double)(need - avail) / 1e6);
    return 0;
}

/* The mount point in /proc/self/mountinfo that holds path, and its file system type. */
static int mount_type(const char *path, char *type, size_t cap)
{
    char real[PATH_MAX], line[4096], mnt[PATH_MAX], fs[256];
    size_t best = 0, ml;
    FILE *f;

    type[0] = '\0';
    if (realpath(path, real) == NULL || (f = fopen("/proc/self/mountinfo", "re")) == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        const char *sep = strstr(line, " - ");

        if (sep == NULL || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
            sscanf(sep + 3, "%255s", fs) != 1)
            continue;
        ml = strlen(mnt);
        if (strncmp(real, mnt, ml) == 0 && (real[ml] == '/' || real[ml] == '\0' || ml == 1) &&
            ml >= best) {
            best = ml;
            snprintf(type, cap, "%s", fs);
        }
    }
    fclose(f);
    return type[0] ? 0 : -1;
}

int ds_is_fat(int fd, const char *path)
{
    struct statfs sf;
    char type[256];

    if (fstatfs(fd, &sf) != 0)
        return 0;
    if (sf.f_type == MSDOS_SUPER_MAGIC)
        return 1;
    if ((unsigned long)sf.f_type == FUSE_MAGIC && mount_type(path, type, sizeof type) == 0)
        return strstr(type, "fat") != NULL && strstr(type, "exfat") == NULL;
    return 0;
}

/* ------------------------------------------------------------------------
 * Folders
 * ------------------------------------------------------------------------ */

/* The folders this run made on the drive, in the order made (a parent before its
 * children). */
typedef struct ds_dirs {
    char **v;
    size_t n;
} ds_dirs;

static int dirs_add(ds_dirs *d, const char *path, size_t len)
{
    char **nv = realloc(d->v, (d->n + 1) * sizeof *nv);

    if (nv == NULL)
        return SAT_E_NOMEM;
    d->v = nv;
    if ((nv[d->n] = strndup(path, len)) == NULL)
        return SAT_E_NOMEM;
    d->n++;
    return 0;
}

/* After a failed write: removes the folders this run made, deepest first, each only when
 * empty (rmdir refuses the others). */
static void dirs_unmake(int root, const ds_dirs *d)
{
    size_t i;

    for (i = d->n; i > 0; i--)
        unlinkat(root, d->v[i - 1], AT_REMOVEDIR);
}

static void dirs_free(ds_dirs *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        free(d->v[i]);
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* Opens the folder holding path (relative to root), creating missing folders when made is
 * not NULL (and recording them there). *name gets the last component. Returns the folder's
 * fd; -1 when a folder is missing (errno ENOENT, only without made); SAT_E_* on other
 * errors (message set). */
static int open_parent(int root, const char *path, ds_dirs *made, const char **name,
                       sat_err *err)
{
    int create = made != NULL;
    char comp[DP_MAX_NAME + 1];
    const char *s = path, *slash;
    int fd = dup(root), nfd;

    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s", strerror(errno));
    while ((slash = strchr(s, '/')) != NULL) {
        size_t n = (size_t)(slash - s);

        memcpy(comp, s, n); /* n <= DP_MAX_NAME: the plan checked the path */
        comp[n] = '\0';
        if (create && mkdirat(fd, comp, 0755) == 0) {
            if (dirs_add(made, path, (size_t)(slash - path)) != 0) {
                close(fd);
                return sat_err_set(err, SAT_E_NOMEM, "out of memory");
            }
        } else if (create && errno != EEXIST) {
            int e = errno;
            close(fd);
            return sat_err_set(err, SAT_E_IO, "cannot make the folder %.*s on the drive: %s",
                               (int)(slash - path), path, strerror(e));
        }
        nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        if (nfd < 0) {
            if (errno == ENOENT && !create)
                return -1;
            return sat_err_set(err, SAT_E_IO, "%.*s on the drive: %s%s", (int)(slash - path),
                               path, strerror(errno),
                               errno == ENOTDIR || errno == ELOOP ? " (not a plain folder)" : "");
        }
        fd = nfd;
        s = slash + 1;
    }
    *name = s;
    return fd;
}

/* Refuses when a layout file exists (unless force, and then it must be a regular file);
 * *replaced gets the bytes of files that will be replaced. */
static int check_existing(int root, const dp_plan *p, int force, uint64_t *replaced,
                          sat_err *err)
{
    size_t i, nexist = 0;
    char first[DP_MAX_PATH + 1] = "";
    struct stat st;
    const char *name;
    int dfd;

    *replaced = 0;
    for (i = 0; i < dp_count(p); i++) {
        const dp_item *it = dp_item_at(p, i);

        dfd = open_parent(root, it->path, NULL, &name, err);
        if (dfd == -1)
            continue; /* its folder is missing: so is the file */
        if (dfd < 0)
            return dfd;
        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            if (nexist++ == 0)
                snprintf(first, sizeof first, "%s", it->path);
            if (!S_ISREG(st.st_mode)) {
                close(dfd);
                return sat_err_set(err, SAT_E_EXISTS,
                                   "%s on the drive is not a regular file; not replacing it",
                                   it->path);
            }
            *replaced += (uint64_t)st.st_size;
        }
        close(dfd);
    }
    if (nexist > 0 && !force)
        return sat_err_set(err, SAT_E_EXISTS,
                           "%zu layout file(s) exist on the drive already (first: %s); "
                           "give --force to replace them",
                           nexist, first);
    return 0;
}

/* Folders of the plan (and the root ""), each once, into *out (malloc'd strings). */
static int plan_folders(const dp_plan *p, char ***out, size_t *n)
{
    char **l = calloc(dp_count(p) + 1, sizeof *l);
    size_t i, k = 0;

    if (l == NULL)
        return SAT_E_NOMEM;
    l[k++] = strdup("");
    for (i = 0; i < dp_count(p); i++) {
        const char *path = dp_item_at(p, i)->path, *s = strrchr(path, '/');
        size_t len = s != NULL ? (size_t)(s - path) : 0;

        if (len == 0 || (strlen(l[k - 1]) == len && strncmp(l[k - 1], path, len) == 0))
            continue;
        l[k++] = strndup(path, len);
    }
    *out = l;
    *n = k;
    for (i = 0; i < k; i++)
        if (l[i] == NULL)
            return SAT_E_NOMEM;
    return 0;
}

/* ------------------------------------------------------------------------
 * Progress
 * ------------------------------------------------------------------------ */

typedef struct ds_prog {
    int on;
    const char *what;
    struct timespec t0;
    double last;
    size_t files, nfiles;
    uint64_t bytes, total;
    int space_unknown; /* statvfs gave no size */
    volatile sig_atomic_t *stop;
} ds_prog;

/* Before anything is put in place (writing) and after (reading back). */
#define DS_STOP_WRITE                                                                       \
    "interrupted; nothing was put in place on the drive (the files it held are as they "  \
    "were)"
#define DS_STOP_READ                                                                        \
    "interrupted during the read-back: the files are in place on the drive but the drive " \
    "is NOT verified; run stage again (with --force) to verify it"

static int stopped(const ds_prog *g, const char *msg, sat_err *err)
{
    return g->stop != NULL && *g->stop ? sat_err_set(err, SAT_E_IO, "%s", msg) : 0;
}

static double since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void prog_show(ds_prog *g, int final)
{
    double t = since(&g->t0);

    /* on a terminal the line is redrawn in place; in a log, only the final line */
    if (!g->on || (!final && (t - g->last < 0.5 || !isatty(2))))
        return;
    g->last = t;
    fprintf(stderr, "%ssatchel-pack: %s %zu/%zu files, %.1f/%.1f MB, %.1f MB/s   %s", isatty(2) ? "\r" : "",
            g->what, g->files, g->nfiles, (double)g->bytes / 1e6, (double)g->total / 1e6,
            t > 0 ? (double)g->bytes / 1e6 / t : 0.0, final ? "\n" : "");
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

/* Reads up to n bytes of the item's content at off into buf. */
static ssize_t src_read(const dp_item *it, int sfd, unsigned char *buf, size_t n, uint64_t off)
{
    size_t got = 0;

    if (it->data != NULL) {
        got = off < it->size ? (size_t)(it->size - off < n ? it->size - off : n) : 0;
        memcpy(buf, it->data + off, got);
        return (ssize_t)got;
    }
    return sat_pread_full(sfd, buf, n, off, &got) == 0 ? (ssize_t)got : -1;
}

/* The temporary name of item i in its folder. */
static void tmp_name(char *buf, size_t cap, size_t i)
{
    snprintf(buf, cap, ".satchel-stage-%ld-%zu.tmp", (long)getpid(), i);
}

/* Writes item i through the I/O layer to its temporary name (tmp_name) and fsyncs it, and
 * sets its hash from the source bytes. Not renamed here: put_in_place does that once every
 * file is written. On failure its temporary file is removed. */
static int write_item(int root, dp_item *it, size_t i, ds_dirs *dirs, const ds_io *io,
                      unsigned char *buf, ds_prog *g, sat_err *err)
{
    char tmp[64];
    const char *name;
    int dfd = -1, sfd = -1, fd = -1, rc = 0, created = 0;
    uint64_t off = 0;
    unsigned char h[32];
    crypto_generichash_state st;

    if ((dfd = open_parent(root, it->path, dirs, &name, err)) < 0)
        return dfd == -1 ? SAT_E_IO : dfd;
    if (it->data == NULL && (sfd = open(it->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: %s", it->src, strerror(errno));
        goto out;
    }
    tmp_name(tmp, sizeof tmp, i);
    if ((fd = io->open_write(io->ctx, dfd, tmp, it->mode)) < 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot create a file beside %s on the drive: %s",
                         it->path, strerror(errno));
        goto out;
    }
    created = 1;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    for (;;) {
        ssize_t n = src_read(it, sfd, buf, DS_CHUNK, off), w;
        size_t done = 0;

        if (n < 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: %s", it->src, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        if ((rc = stopped(g, DS_STOP_WRITE, err)) != 0)
            goto out;
        crypto_generichash_update(&st, buf, (size_t)n);
        while (done < (size_t)n) {
            w = io->pwrite(io->ctx, fd, buf + done, (size_t)n - done, off + done);
            if (w < 0 && errno == ENOSPC) {
                rc = sat_err_set(err, SAT_E_LIMIT,
                                 "not enough free space on the drive: it filled up while "
                                 "writing %s, after %llu of %llu bytes; at least %llu bytes "
                                 "missing",
                                 it->path, (unsigned long long)g->bytes,
                                 (unsigned long long)g->total,
                                 (unsigned long long)(g->total - g->bytes));
                goto out;
            }
            if (w <= 0) {
                rc = sat_err_set(err, SAT_E_IO, "writing %s on the drive: %s%s", it->path,
                                 w < 0 ? strerror(errno) : "nothing written",
                                 g->space_unknown ? " (this file system does not report "
                                                    "its free space; the likely cause is "
                                                    "not enough free space on the drive)"
                                                  : "");
                goto out;
            }
            done += (size_t)w;
        }
        off += (uint64_t)n;
        g->bytes += (uint64_t)n;
        prog_show(g, 0);
        if (off > it->size)
            break; /* the source grew: refused below, without filling the drive */
    }
    crypto_generichash_final(&st, h, sizeof h);
    if (off != it->size || (it->hashed && memcmp(h, it->hash, sizeof h) != 0)) {
        rc = sat_err_set(err, SAT_E_IO, "%s changed after the drive was planned; stage again",
                         it->src != NULL ? it->src : it->path);
        goto out;
    }
    memcpy(it->hash, h, sizeof h);
    it->hashed = 1;
    if (io->fsync(io->ctx, fd) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "flushing %s to the drive: %s", it->path,
                         strerror(errno));
        goto out;
    }
    rc = io->close(io->ctx, fd);
    fd = -1;
    if (rc != 0) {
        rc = sat_err_set(err, SAT_E_IO, "writing %s on the drive: %s", it->path,
                         strerror(errno));
        goto out;
    }
    created = 0;
out:
    if (fd >= 0)
        io->close(io->ctx, fd);
    if (created)
        unlinkat(dfd, tmp, 0); /* only the temporary file this call made */
    if (sfd >= 0)
        close(sfd);
    close(dfd);
    return rc;
}

/* Removes the temporary files of items idx[0..n) (written, not yet in place), no others:
 * the files the drive held stay as they were. */
static void remove_temps(int root, const dp_plan *p, const size_t *idx, size_t n)
{
    char tmp[64];
    const char *name;
    size_t i;
    int dfd;

    for (i = 0; i < n; i++) {
        dfd = open_parent(root, dp_item_at(p, idx[i])->path, NULL, &name, NULL);
        if (dfd < 0)
            continue;
        tmp_name(tmp, sizeof tmp, idx[i]);
        unlinkat(dfd, tmp, 0);
        close(dfd);
    }
}

/* Once every file is written: renames the temporary files of items idx[0..n) into place,
 * in that order; *placed counts them. When a rename fails, the files already in place stay
 * (the ones they replaced are gone) and the other temporary files are removed. */
static int put_in_place(int root, const dp_plan *p, const size_t *idx, size_t n,
                        size_t *placed, sat_err *err)
{
    char tmp[64];
    const char *name, *path;
    size_t i;
    int dfd, ok;

    *placed = 0;
    for (i = 0; i < n; i++) {
        path = dp_item_at(p, idx[i])->path;
        tmp_name(tmp, sizeof tmp, idx[i]);
        dfd = open_parent(root, path, NULL, &name, NULL);
        ok = dfd >= 0 && renameat(dfd, tmp, dfd, name) == 0;
        if (!ok) {
            int e = errno;

            if (dfd >= 0)
                close(dfd);
            remove_temps(root, p, idx + i, n - i);
            return sat_err_set(err, SAT_E_IO,
                               "putting %s in place on the drive: %s; %zu of %zu files are in "
                               "place, the others not: the drive is incomplete, stage again "
                               "with --force",
                               path, strerror(e), *placed, n);
        }
        close(dfd);
        ++*placed;
    }
    return 0;
}

static int sync_folders(int root, const dp_plan *p, sat_err *err)
{
    char **l = NULL;
    size_t n = 0, i;
    int rc = plan_folders(p, &l, &n), fd;

    if (rc != 0)
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    for (i = 0; rc == 0 && i < n; i++) {
        fd = l[i][0] ? openat(root, l[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                     : dup(root);
        if (fd < 0 || fsync(fd) != 0)
            rc = sat_err_set(err, SAT_E_IO, "flushing the folder '%s' on the drive: %s", l[i],
                             strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (rc == 0 && syncfs(root) != 0)
        rc = sat_err_set(err, SAT_E_IO, "syncing the drive: %s", strerror(errno));
    for (i = 0; l != NULL && i < n; i++)
        free(l[i]);
    free(l);
    return rc;
}

/* ------------------------------------------------------------------------
 * Read-back
 * ------------------------------------------------------------------------ */

static int add_bad(ds_result *r, const char *path)
{
    char **n = realloc(r->bad, (r->nbad + 1) * sizeof *n);

    if (n == NULL)
        return SAT_E_NOMEM;
    r->bad = n;
    if ((n[r->nbad] = strdup(path)) == NULL)
        return SAT_E_NOMEM;
    r->nbad++;
    return 0;
}

static int is_bad(const ds_result *r, const char *path)
{
    size_t i;

    for (i = 0; i < r->nbad; i++)
        if (strcmp(r->bad[i], path) == 0)
            return 1;
    return 0;
}

/* 0 when the item reads back from the drive as written; 1 when not. */
static int read_back(int root, const dp_item *it, const ds_io *io, unsigned char *buf,
                     ds_prog *g)
{
    const char *name;
    sat_err e = {0};
    int dfd = open_parent(root, it->path, NULL, &name, &e), fd = -1, bad = 1;
    uint64_t off = 0;
    unsigned char h[32];
    crypto_generichash_state st;
    ssize_t n;

    if (dfd < 0)
        return 1;
    if ((fd = io->open_read(io->ctx, dfd, name)) < 0)
        goto out;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    while ((n = io->pread(io->ctx, fd, buf, DS_CHUNK, off)) > 0) {
        crypto_generichash_update(&st, buf, (size_t)n);
        off += (uint64_t)n;
        g->bytes += (uint64_t)n;
        prog_show(g, 0);
        if (off > it->size)
            break;
    }
    crypto_generichash_final(&st, h, sizeof h);
    bad = n < 0 || off != it->size || memcmp(h, it->hash, sizeof h) != 0;
out:
    if (fd >= 0)
        io->close(io->ctx, fd);
    close(dfd);
    return bad;
}

/* ------------------------------------------------------------------------
 * ds_stage
 * ------------------------------------------------------------------------ */

int ds_stage(dp_plan *p, const ds_opts *o, ds_result *r, sat_err *err)
{
    const ds_io *io = o->io != NULL ? o->io : ds_io_posix();
    unsigned char *buf = NULL;
    uint64_t replaced = 0, avail;
    struct statvfs vs;
    ds_prog g;
    sat_err e;
    char path[PATH_MAX];
    size_t i, nw = 0, *written = NULL;
    ds_dirs made = {0};
    int root, rc, pass;

    memset(r, 0, sizeof *r);
    memset(&g, 0, sizeof g);
    root = open(o->to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return sat_err_set(err, SAT_E_IO, "%s: %s", o->to, strerror(errno));
    if ((rc = check_existing(root, p, o->force, &replaced, err)) != 0)
        goto out;
    if (fstatvfs(root, &vs) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: %s", o->to, strerror(errno));
        goto out;
    }
    /* Some FUSE file systems (fusefat) report no size at all: then only the FAT32 file
     * limit is checked here, and running out of space shows while writing (ENOSPC). The
     * files --force replaces stay until every new file is written: their space is used. */
    avail = vs.f_blocks == 0 ? UINT64_MAX : (uint64_t)vs.f_bavail * vs.f_frsize;
    if ((rc = ds_check_fits(p, avail, vs.f_frsize, ds_is_fat(root, o->to), err)) != 0) {
        if (rc == SAT_E_LIMIT && replaced > 0 && err != NULL &&
            strstr(err->msg, "free space") != NULL) {
            char m[SAT_ERR_MSG_MAX];

            snprintf(m, sizeof m, "%s", err->msg);
            sat_err_set(err, rc,
                        "%s. The %llu bytes of the layout files on the drive count as used: "
                        "they stay until every new file is written; delete them to make room",
                        m, (unsigned long long)replaced);
        }
        goto out;
    }
    if (vs.f_blocks == 0 && o->progress)
        fprintf(stderr, "satchel-pack: %s does not report its free space; it is checked while "
                        "writing\n", o->to);
    if (posix_memalign((void **)&buf, DS_ALIGN, DS_CHUNK) != 0 ||
        (written = calloc(dp_count(p) + 1, sizeof *written)) == NULL) {
        buf = NULL;
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }

    /* write */
    g.on = o->progress;
    g.stop = o->stop;
    g.what = "writing";
    g.nfiles = dp_count(p);
    g.total = dp_total_size(p);
    clock_gettime(CLOCK_MONOTONIC, &g.t0);
    /* Every file to its temporary name first (fsynced); only when all are written are they
     * renamed into place, so a failure or a stop before then leaves the drive's files as
     * they were (also the files --force would replace). Files in folders first, top-level
     * files (README.txt, CHECKSUMS.b2) last, in writing and in renaming: a drive with
     * CHECKSUMS.b2 on it was written to the end. */
    g.space_unknown = vs.f_blocks == 0;
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < dp_count(p); i++) {
            dp_item *it = dp_item_mut(p, i);

            if ((strchr(it->path, '/') == NULL) != pass)
                continue;
            if ((rc = write_item(root, it, i, &made, io, buf, &g, err)) != 0)
                goto drop_temps;
            written[nw++] = i;
            g.files = nw;
        }
    r->bytes = g.bytes;
    if ((rc = stopped(&g, DS_STOP_WRITE, err)) != 0)
        goto drop_temps;
    rc = put_in_place(root, p, written, nw, &r->files, err);
    if (rc != 0) {
        dirs_unmake(root, &made); /* those left empty */
        goto out;
    }
    if ((rc = sync_folders(root, p, err)) != 0)
        goto out;
    r->write_seconds = since(&g.t0);
    prog_show(&g, 1);

    /* read back: every byte, then every bundle opened and verified from the drive */
    g.what = "reading back";
    g.files = 0;
    g.bytes = 0;
    g.last = 0;
    clock_gettime(CLOCK_MONOTONIC, &g.t0);
    for (i = 0; i < dp_count(p); i++) {
        const dp_item *it = dp_item_at(p, i);

        if ((rc = stopped(&g, DS_STOP_READ, err)) != 0)
            goto out;
        if (read_back(root, it, io, buf, &g) && add_bad(r, it->path) != 0) {
            rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
            goto out;
        }
        g.files++;
    }
    prog_show(&g, 1);
    for (i = 0; i < dp_count(p) && o->key != NULL; i++) {
        const dp_item *it = dp_item_at(p, i);

        if (it->kind != DP_BUNDLE)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", o->to, it->path) >= (int)sizeof path ||
            dp_verify_bundle(path, o->key, NULL, NULL, &e) != 0) {
            if (!is_bad(r, it->path) && add_bad(r, it->path) != 0) {
                rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
                goto out;
            }
        }
        r->bundles_checked++;
    }
    r->read_seconds = since(&g.t0);
    if (r->nbad > 0) {
        char list[SAT_ERR_MSG_MAX / 2] = "";
        size_t used = 0;

        for (i = 0; i < r->nbad && i < DS_NAMED_MAX && used < sizeof list; i++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", r->bad[i]);
            used += w > 0 ? (size_t)w : 0;
        }
        rc = sat_err_set(err, SAT_E_HASH,
                         "READ-BACK FAILED: %zu file(s) on the drive differ from what was "
                         "written: %s%s. The drive is probably fake-capacity (smaller than it "
                         "claims) or failing: do not use it",
                         r->nbad, list, r->nbad > DS_NAMED_MAX ? ", ..." : "");
    }
    goto out;
drop_temps:
    remove_temps(root, p, written, nw);
    dirs_unmake(root, &made);
out:
    dirs_free(&made);
    free(written);
    free(buf);
    close(root);
    return rc;
}

void ds_result_free(ds_result *r)
{
    size_t i;

    for (i = 0; i < r->nbad; i++)
        free(r->bad[i]);
    free(r->bad);
    memset(r, 0, sizeof *r);
}
