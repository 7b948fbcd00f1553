/*
 * fuzz_parity.c - hostile parity files (formats/sat_parity.h): header search, geometry
 * checks, check-value tables, parity sector checks, and a repair with what was parsed.
 *
 * Input: byte 0 holds flags, the rest is the parity file. Bit 0: before opening, every
 * 2048-byte sector that starts with the block magic gets its self-check recomputed (a
 * hostile writer: the mutator can then change header and table fields and still reach the
 * parser behind the check). Bit 1: the repair's "damaged copy" is the parity file itself
 * rather than an empty file (every sector missing).
 *
 * Oracles: open either fails with a message and no handle, or gives info that holds
 * together (the geometry is what its size and percent imply, lost counts within their
 * totals, the parity file's size as found); a repair of a protected file up to 256 KiB
 * either fails with a message or writes exactly the size the parity file names, with its
 * hash, and rebuilt exactly the sectors it found bad.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "parity_internal.h"
#include "sat_parity.h"

#define FUZZ_PARITY_REPAIR_MAX ((uint64_t)256 << 10)

static void fuzz_parity_info_check(const sat_parity_info *in, size_t file_size)
{
    par_geom g;

    if (sat_parity_geom(in->size, in->percent, &g) != 0)
        fuzz_fail("opened a parity file for %llu bytes at %u%%: out of range",
                  (unsigned long long)in->size, in->percent);
    if (in->data_sectors != g.n || in->parity_sectors != g.mtot || in->stripes != g.s ||
        in->stripe_data != g.kmax || in->stripe_parity != g.m || in->table_blocks != g.t)
        fuzz_fail("info differs from the geometry its size and percent imply");
    if (in->parity_sectors != (uint64_t)in->stripes * in->stripe_parity)
        fuzz_fail("parity sectors %llu != stripes x m", (unsigned long long)in->parity_sectors);
    if (in->table_blocks_lost > in->table_blocks || in->parity_bad > in->parity_sectors ||
        in->header_copies_bad > 2)
        fuzz_fail("lost counts above their totals");
    if (in->file_size != file_size)
        fuzz_fail("file size %llu, but %zu bytes given", (unsigned long long)in->file_size,
                  file_size);
    if ((in->data_sectors + in->parity_sectors) * PAR_CV_BYTES > file_size)
        fuzz_fail("tables larger than the file were accepted");
}

static void fuzz_parity_repair(sat_parity *p, const sat_parity_info *in, const char *copy)
{
    sat_parity_report rep;
    sat_err err = {0};
    uint8_t h[32];
    uint8_t *buf;
    int fd = memfd_create("fuzz-parity-out", MFD_CLOEXEC), rc;
    ssize_t got;

    if (fd < 0)
        fuzz_fail("memfd_create failed");
    rc = sat_parity_repair(p, copy, fd, &rep, NULL, NULL, &err);
    if (rc != 0) {
        if (err.msg[0] == '\0')
            fuzz_fail("repair failed (%d) without a message", rc);
        close(fd);
        return;
    }
    if (rep.rebuilt != rep.data_bad || rep.stripes_lost != 0)
        fuzz_fail("repair succeeded with %llu of %llu bad sectors rebuilt",
                  (unsigned long long)rep.rebuilt, (unsigned long long)rep.data_bad);
    buf = malloc((size_t)in->size + 1);
    if (buf == NULL)
        fuzz_fail("out of memory");
    got = pread(fd, buf, (size_t)in->size + 1, 0);
    if (got != (ssize_t)in->size)
        fuzz_fail("repair wrote %zd bytes, the parity file names %llu", got,
                  (unsigned long long)in->size);
    crypto_generichash(h, sizeof h, buf, (size_t)in->size, NULL, 0);
    if (memcmp(h, in->hash, sizeof h) != 0)
        fuzz_fail("repair succeeded but the output's hash is not the parity file's");
    free(buf);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sat_parity *p = NULL;
    sat_parity_info info;
    sat_err err = {0};
    uint8_t *file;
    const char *path;
    size_t n, s;
    int rc;

    if (size < 1)
        return 0;
    if (sodium_init() < 0)
        fuzz_fail("sodium_init failed");
    n = size - 1;
    file = malloc(n ? n : 1);
    if (file == NULL)
        return 0;
    memcpy(file, data + 1, n);
    if (data[0] & 1)
        for (s = 0; s + PAR_SECTOR <= n; s += PAR_SECTOR)
            if (memcmp(file + s, PAR_MAGIC, 8) == 0)
                sat_parity_block_seal(file + s, sat_parity_get32(file + s + 12),
                                      sat_parity_get32(file + s + 16), file + s + 24);
    path = fuzz_tmpfile_path(file, n);
    rc = sat_parity_open(path, &p, &err);
    if (rc != 0) {
        if (p != NULL || err.msg[0] == '\0')
            fuzz_fail("open failed (%d) but left a handle or no message", rc);
        goto out;
    }
    sat_parity_get_info(p, &info);
    fuzz_parity_info_check(&info, n);
    if (info.size <= FUZZ_PARITY_REPAIR_MAX)
        fuzz_parity_repair(p, &info, (data[0] & 2) ? path : fuzz_memfd_path(data, 0));
    sat_parity_close(p);
out:
    free(file);
    return 0;
}
