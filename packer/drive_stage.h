/*
 * drive_stage.h - writing a drive plan (drive_plan.h) onto a mounted drive, proven by
 * read-back.
 *
 *   ds_opts o = {0}; o.to = "/media/usb"; o.key = &pk;
 *   ds_result r; ds_stage(plan, &o, &r, &err);   // 0: every byte read back and matched
 *   ds_result_free(&r);
 *
 * Order of work: free space (statvfs) and the FAT32 file size limit are checked, and no
 * layout file may exist unless force, before anything is written (the files force
 * replaces count as used space: they stay until the end of writing). Then every file is
 * written to a temporary name in its folder (created O_EXCL), hashed from the source as it
 * is copied, and fsynced; only when all are written are they renamed into place (README.txt
 * and CHECKSUMS.b2 last), so a failure or a stop while writing leaves the drive's files as
 * they were: the temporary files and the empty folders this run made are removed. Folders
 * are fsynced and the file system synced (syncfs). Then every file is read back with the page cache bypassed (O_DIRECT, else
 * posix_fadvise DONTNEED after fsync) and its BLAKE2b-256 compared with the source's, and
 * every bundle is opened from the drive and verified in full against the key.
 *
 * All file data goes through a ds_io (function pointers), so a test can put a simulated
 * device beneath (tests/test_drive_stage.c: a fake-capacity stick).
 */
#ifndef DRIVE_STAGE_H
#define DRIVE_STAGE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "drive_plan.h"
#include "sat_bundle.h"
#include "sat_sig.h"

/* The file I/O stage does on the drive. Every function returns what the system call
 * would (a negative value with errno set on failure). */
typedef struct ds_io {
    void *ctx;
    /* Creates name in the folder dirfd for writing (O_CREAT|O_EXCL|O_NOFOLLOW). */
    int (*open_write)(void *ctx, int dirfd, const char *name, unsigned mode);
    /* Opens name in dirfd for reading back, past the page cache where it can. */
    int (*open_read)(void *ctx, int dirfd, const char *name);
    ssize_t (*pwrite)(void *ctx, int fd, const void *buf, size_t n, uint64_t off);
    /* buf is aligned to DS_ALIGN and n a multiple of it (O_DIRECT needs both). */
    ssize_t (*pread)(void *ctx, int fd, void *buf, size_t n, uint64_t off);
    /* Flushes a written file to the device and drops it from the page cache. */
    int (*fsync)(void *ctx, int fd);
    int (*close)(void *ctx, int fd);
} ds_io;

#define DS_ALIGN 4096
/* Bytes per read or write call. */
#define DS_CHUNK ((size_t)1 << 20)

/* The layer on the real system calls. */
const ds_io *ds_io_posix(void);

typedef struct ds_opts {
    const char *to;        /* mount point (an existing folder) */
    const sat_pubkey *key; /* staged bundles are verified against it; NULL: no bundles */
    int force;             /* replace layout files that exist already */
    int progress;          /* progress lines on stderr */
    const ds_io *io;       /* NULL: ds_io_posix() */
    /* When *stop turns nonzero (a signal handler), stage stops at the next chunk and returns
     * SAT_E_IO "interrupted": while writing, with its temporary files removed and nothing
     * put in place; during the read-back, with the files in place but not verified.
     * NULL: never. */
    volatile sig_atomic_t *stop;
} ds_opts;

typedef struct ds_result {
    size_t files;           /* files put in place (0 after a failed write) */
    uint64_t bytes;         /* bytes written */
    double write_seconds;   /* writing, fsync and syncfs */
    double read_seconds;    /* read-back and bundle verification */
    size_t bundles_checked; /* bundles opened and verified from the drive */
    char **bad;             /* paths (on the drive) that did not read back as written */
    size_t nbad;
} ds_result;

/* Free-space and size checks before anything is written: need is the plan's size rounded
 * up to whole blocks of `block` bytes (plus one block per file for folder entries); avail
 * the free bytes. With fat (FAT32), a file above DP_FAT32_MAX_FILE is refused. Returns 0,
 * or SAT_E_LIMIT with a message saying how much is missing or which file is too big. */
int ds_check_fits(const dp_plan *p, uint64_t avail, uint64_t block, int fat, sat_err *err);

/* 1 when the file system holding fd is FAT (FAT12/16/32: vfat, msdos, or fusefat). */
int ds_is_fat(int fd, const char *path);

/* Stages plan p onto o->to. Returns 0 when every file was written, read back and matched
 * and every bundle verified from the drive; SAT_E_HASH when some did not (their paths in
 * r->bad: the drive is probably fake-capacity or failing); another code when the work
 * could not be done (no space, a file exists, an I/O error). r is filled in every case;
 * free it with ds_result_free. */
int ds_stage(dp_plan *p, const ds_opts *o, ds_result *r, sat_err *err);

void ds_result_free(ds_result *r);

#endif
