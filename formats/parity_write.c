/*
 * parity_write.c - writes the parity file of a bundle (sat_parity.h; SPEC.md "Recovery
 * data (parity files)").
 *
 * Passes over the bundle: one to hash it (the hash keys the check values), then one per
 * group of stripes whose parity sectors fit the memory budget (one group up to ~1.3 GB of
 * bundle at 5%). The first encoding pass also computes the data sectors' check values.
 * The parity file is written to a temporary name, fsynced and renamed into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parity_internal.h"

typedef struct pw_state {
    const char *path;
    int fd;      /* the bundle */
    int out;     /* the temporary parity file */
    const char *tmp;
    par_geom g;
    uint8_t hash[32];
    uint8_t *cv; /* check values, (n + mtot) x 8 */
    sat_progress_fn fn;
    void *ctx;
    uint64_t done, total;
} pw_state;

static void pw_progress(pw_state *w, uint64_t add)
{
    w->done += add;
    if (w->fn != NULL)
        w->fn(w->ctx, "parity", w->done, w->total);
}

/* Pass 1: the BLAKE2b-256 of the whole bundle; the size must not change under us. */
static int pw_hash(pw_state *w, sat_err *err)
{
    crypto_generichash_state st;
    uint8_t *buf = malloc(PAR_CHUNK);
    uint64_t off = 0;
    size_t got;
    int rc = 0;

    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory hashing %s", w->path);
    crypto_generichash_init(&st, NULL, 0, sizeof w->hash);
    while (off < w->g.size) {
        if (sat_pread_full(w->fd, buf, PAR_CHUNK, off, &got) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: read error at byte %llu: %s", w->path,
                             (unsigned long long)off, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        crypto_generichash_update(&st, buf, got);
        off += got;
        pw_progress(w, got);
    }
    if (off != w->g.size) {
        rc = sat_err_set(err, SAT_E_IO, "%s: the file changed size while being read", w->path);
        goto cleanup;
    }
    crypto_generichash_final(&st, w->hash, sizeof w->hash);
cleanup:
    free(buf);
    return rc;
}

/* Encodes stripes [j0, j1): one pass over the bundle, then their parity sectors written
 * to the temporary file. acc holds (j1 - j0) x m sectors. */
static int pw_group(pw_state *w, uint64_t j0, uint64_t j1, uint8_t *acc, sat_err *err)
{
    const par_geom *g = &w->g;
    uint8_t sec[PAR_SECTOR];
    uint32_t logs[SAT_RS_SYMBOLS];
    par_reader rd;
    uint64_t s, r, j;
    size_t got;
    int rc;

    if ((rc = sat_parity_reader_init(&rd, w->fd, w->path, err)) != 0)
        return rc;
    memset(acc, 0, (size_t)((j1 - j0) * g->m * PAR_SECTOR));
    for (s = 0; s < g->n; s++) {
        j = s % g->s;
        if (j0 != 0 && (j < j0 || j >= j1))
            continue; /* later passes read only their own stripes' sectors */
        if ((rc = sat_parity_reader_sector(&rd, s, sec, &got, err)) != 0)
            goto cleanup;
        if (got != PAR_SECTOR && got != g->size - s * PAR_SECTOR) {
            rc = sat_err_set(err, SAT_E_IO, "%s: the file changed size while being read",
                             w->path);
            goto cleanup;
        }
        if (j0 == 0)
            sat_parity_cv(w->hash, s, sec, w->cv + s * PAR_CV_BYTES);
        if (s % 512 == 511)
            pw_progress(w, 512 * PAR_SECTOR);
        if (j >= j1)
            continue;
        sat_rs_logs(sec, logs);
        for (r = 0; r < g->m; r++)
            sat_rs_mac_logs(acc + ((j - j0) * g->m + r) * PAR_SECTOR,
                            sat_rs_coef((unsigned)g->m, (unsigned)r, (unsigned)(s / g->s)), logs);
    }
    for (j = j0; j < j1; j++)
        for (r = 0; r < g->m; r++) {
            uint64_t p = r * g->s + j;
            const uint8_t *ps = acc + ((j - j0) * g->m + r) * PAR_SECTOR;

            sat_parity_cv(w->hash, g->n + p, ps, w->cv + (g->n + p) * PAR_CV_BYTES);
            if (sat_parity_pwrite(w->out, ps, PAR_SECTOR,
                                  sat_parity_psector_pos(g, p) * PAR_SECTOR) != 0) {
                rc = sat_err_set(err, SAT_E_IO, "%s: write error: %s", w->tmp, strerror(errno));
                goto cleanup;
            }
        }
cleanup:
    sat_parity_reader_free(&rd);
    return rc;
}

/* The header block's payload (SPEC: "Header block"). */
static void pw_header(const pw_state *w, uint8_t *pl)
{
    const par_geom *g = &w->g;

    sat_parity_put32(pl + 0, PAR_SECTOR);
    sat_parity_put32(pl + 4, g->percent);
    sat_parity_put64(pl + 8, g->size);
    sat_parity_put64(pl + 16, g->n);
    sat_parity_put64(pl + 24, g->mtot);
    sat_parity_put32(pl + 32, (uint32_t)g->s);
    sat_parity_put32(pl + 36, (uint32_t)g->kmax);
    sat_parity_put32(pl + 40, (uint32_t)g->m);
    sat_parity_put32(pl + 44, (uint32_t)g->t);
    sat_parity_put64(pl + 48, g->sectors * PAR_SECTOR);
    memcpy(pl + 56, w->hash, 32);
}

/* The header and the check-value tables, three copies each. */
static int pw_tables(pw_state *w, sat_err *err)
{
    const par_geom *g = &w->g;
    uint64_t b, ncv = g->n + g->mtot;
    uint8_t blk[PAR_SECTOR];
    unsigned c;

    for (b = 0; b < g->h; b++) {
        memset(blk, 0, sizeof blk);
        if (b == 0) {
            pw_header(w, blk + PAR_PAYLOAD_OFF);
        } else {
            uint64_t first = (b - 1) * PAR_CV_PER_BLOCK;
            uint64_t cnt = ncv - first < PAR_CV_PER_BLOCK ? ncv - first : PAR_CV_PER_BLOCK;
            memcpy(blk + PAR_PAYLOAD_OFF, w->cv + first * PAR_CV_BYTES, cnt * PAR_CV_BYTES);
        }
        for (c = 0; c < PAR_COPIES; c++) {
            sat_parity_block_seal(blk, b, c, w->hash);
            if (sat_parity_pwrite(w->out, blk, PAR_SECTOR,
                                  sat_parity_block_pos(g, c, b) * PAR_SECTOR) != 0)
                return sat_err_set(err, SAT_E_IO, "%s: write error: %s", w->tmp,
                                   strerror(errno));
        }
    }
    return 0;
}

int sat_parity_write_mem(const char *bundle_path, unsigned percent, const char *out_path,
                         uint64_t mem, sat_progress_fn fn, void *ctx, sat_err *err)
{
    pw_state w;
    struct stat st;
    char tmp[PATH_MAX];
    uint8_t *acc = NULL;
    uint64_t per, j0, j1, groups;
    int rc = SAT_E_IO, made = 0, n;

    memset(&w, 0, sizeof w);
    w.fd = w.out = -1;
    w.path = bundle_path;
    w.tmp = tmp;
    w.fn = fn;
    w.ctx = ctx;
    if (percent < SAT_PARITY_PERCENT_MIN || percent > SAT_PARITY_PERCENT_MAX)
        return sat_err_set(err, SAT_E_ARG, "parity percent %u is out of range (%u..%u)",
                           percent, SAT_PARITY_PERCENT_MIN, SAT_PARITY_PERCENT_MAX);
    n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", out_path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return sat_err_set(err, SAT_E_ARG, "%s: path too long", out_path);
    w.fd = open(bundle_path, O_RDONLY | O_CLOEXEC);
    if (w.fd < 0 || fstat(w.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot read: %s", bundle_path,
                         w.fd < 0 ? strerror(errno) : "not a regular file");
        goto cleanup;
    }
    /* the parity file never replaces the file it protects (-o BUNDLE, or a link to it) */
    {
        struct stat os;
        if (stat(out_path, &os) == 0 && os.st_dev == st.st_dev && os.st_ino == st.st_ino) {
            rc = sat_err_set(err, SAT_E_ARG, "%s is the file to protect: give the recovery "
                             "data another name (default: %s%s)", out_path, bundle_path,
                             SAT_PARITY_SUFFIX);
            goto cleanup;
        }
    }
    if (sat_parity_geom((uint64_t)st.st_size, percent, &w.g) != 0) {
        rc = sat_err_set(err, SAT_E_LIMIT, "%s: %llu bytes: recovery data covers files of 1 "
                         "byte to 1 TiB", bundle_path, (unsigned long long)st.st_size);
        goto cleanup;
    }
    per = w.g.m * PAR_SECTOR; /* bytes of parity per stripe */
    j1 = mem / per > 0 ? mem / per : 1;
    groups = (w.g.s + j1 - 1) / j1;
    w.total = w.g.size * (1 + groups);
    w.cv = malloc((size_t)((w.g.n + w.g.mtot) * PAR_CV_BYTES));
    acc = malloc((size_t)((j1 < w.g.s ? j1 : w.g.s) * per));
    if (w.cv == NULL || acc == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the recovery data of %s",
                         bundle_path);
        goto cleanup;
    }
    w.out = mkostemp(tmp, O_CLOEXEC);
    if (w.out < 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot create a temporary file: %s", out_path,
                         strerror(errno));
        goto cleanup;
    }
    made = 1;
    if (fchmod(w.out, 0644) != 0 || ftruncate(w.out, (off_t)(w.g.sectors * PAR_SECTOR)) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if ((rc = pw_hash(&w, err)) != 0)
        goto cleanup;
    for (j0 = 0; j0 < w.g.s; j0 += j1)
        if ((rc = pw_group(&w, j0, j0 + j1 < w.g.s ? j0 + j1 : w.g.s, acc, err)) != 0)
            goto cleanup;
    if ((rc = pw_tables(&w, err)) != 0)
        goto cleanup;
    if (fsync(w.out) != 0 || close(w.out) != 0) {
        w.out = -1;
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
        goto cleanup;
    }
    w.out = -1;
    if (rename(tmp, out_path) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot rename into place: %s", out_path,
                         strerror(errno));
        goto cleanup;
    }
    made = 0;
    (void)sat_fsync_dir_of(out_path);
    if (fn != NULL)
        fn(ctx, "parity", w.total, w.total);
    rc = 0;
cleanup:
    if (w.out >= 0)
        close(w.out);
    if (made)
        unlink(tmp);
    if (w.fd >= 0)
        close(w.fd);
    free(w.cv);
    free(acc);
    return rc;
}

int sat_parity_write(const char *bundle_path, unsigned percent, const char *out_path,
                     sat_progress_fn fn, void *ctx, sat_err *err)
{
    return sat_parity_write_mem(bundle_path, percent, out_path, SAT_PARITY_MEM_DEFAULT, fn, ctx,
                                err);
}
