/*
 * parity_repair.c - reads a parity file (untrusted, maybe damaged) and repairs a bundle
 * with it (sat_parity.h; SPEC.md "Recovery data (parity files)").
 *
 * Open: the first good header copy found gives the geometry, which must equal what its
 * size and percent imply; the tables are taken block by block from any good copy; every
 * parity sector is checked. Repair: one pass marks the bad sectors of the damaged copy (a
 * missing sector is bad), the damage is compared with what each stripe's parity covers
 * before anything is written, then the copy is written out and, for groups of damaged
 * stripes that fit the memory budget, one pass over the copy accumulates the syndromes and
 * the lost sectors are solved and written in place. Last, the output is read back and its
 * BLAKE2b-256 compared with the parity file's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parity_internal.h"

/* Largest parity file read: one for the largest protected file at the highest percent. */
#define PAR_FILE_MAX (2 * SAT_PARITY_PROTECT_MAX)

struct sat_parity {
    int fd;
    char *path;
    par_geom g;
    uint8_t hash[32];
    uint8_t *cv;    /* (n + mtot) check values */
    uint8_t *known; /* (n + mtot) flags: the check value's table block was found */
    uint8_t *pbad;  /* mtot flags: parity sector unusable */
    sat_parity_info info;
};

void sat_parity_close(sat_parity *p)
{
    if (p == NULL)
        return;
    if (p->fd >= 0)
        close(p->fd);
    free(p->path);
    free(p->cv);
    free(p->known);
    free(p->pbad);
    free(p);
}

void sat_parity_get_info(const sat_parity *p, sat_parity_info *info)
{
    *info = p->info;
}

/* 1 when blk is a good header block at sector pos: geometry as its size and percent imply,
 * at the position that geometry gives it, the id the hash prefix, unused bytes zero. */
static int pr_header_ok(const uint8_t *blk, uint64_t pos, par_geom *g, uint8_t hash[32])
{
    const uint8_t *pl = blk + PAR_PAYLOAD_OFF;
    uint32_t b, c;
    size_t i;

    if (!sat_parity_block_ok(blk, &b, &c) || b != 0)
        return 0;
    if (sat_parity_get32(pl) != PAR_SECTOR ||
        sat_parity_geom(sat_parity_get64(pl + 8), sat_parity_get32(pl + 4), g) != 0)
        return 0;
    if (sat_parity_get64(pl + 16) != g->n || sat_parity_get64(pl + 24) != g->mtot ||
        sat_parity_get32(pl + 32) != g->s || sat_parity_get32(pl + 36) != g->kmax ||
        sat_parity_get32(pl + 40) != g->m || sat_parity_get32(pl + 44) != g->t ||
        sat_parity_get64(pl + 48) != g->sectors * PAR_SECTOR ||
        memcmp(pl + 56, blk + 24, PAR_ID_BYTES) != 0 || sat_parity_block_pos(g, c, 0) != pos)
        return 0;
    for (i = 88; i < PAR_PAYLOAD_LEN; i++)
        if (pl[i] != 0)
            return 0;
    memcpy(hash, pl + 56, 32);
    return 1;
}

/* Scans the file in order for the first good header copy. */
static int pr_find_header(sat_parity *p, uint64_t fsize, sat_err *err)
{
    uint8_t blk[PAR_SECTOR], hdr[PAR_SECTOR];
    par_reader rd;
    uint64_t s;
    size_t got;
    unsigned c;
    int rc, found = 0;

    if ((rc = sat_parity_reader_init(&rd, p->fd, p->path, err)) != 0)
        return rc;
    for (s = 0; s < fsize / PAR_SECTOR && !found; s++) {
        if ((rc = sat_parity_reader_sector(&rd, s, blk, &got, err)) != 0)
            goto cleanup;
        if (memcmp(blk, PAR_MAGIC, 8) == 0 && pr_header_ok(blk, s, &p->g, p->hash)) {
            memcpy(hdr, blk, sizeof hdr);
            found = 1;
        }
    }
    if (!found) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: not a Satchel parity file, or every copy of "
                         "its header is damaged", p->path);
        goto cleanup;
    }
    for (c = 0; c < PAR_COPIES; c++) {
        uint64_t pos = sat_parity_block_pos(&p->g, c, 0);
        if (sat_pread_full(p->fd, blk, PAR_SECTOR, pos * PAR_SECTOR, &got) != 0 ||
            got != PAR_SECTOR || memcmp(blk + 24, hdr + 24, PAR_CHECK_OFF - 24) != 0 ||
            !pr_header_ok(blk, pos, &p->g, p->hash))
            p->info.header_copies_bad++;
    }
    rc = 0;
cleanup:
    sat_parity_reader_free(&rd);
    return rc;
}

/* Takes each table block from its first good copy. */
static int pr_tables(sat_parity *p)
{
    const par_geom *g = &p->g;
    uint64_t b, ncv = g->n + g->mtot;
    uint8_t blk[PAR_SECTOR];
    size_t got, i;
    uint32_t bb, cc;
    unsigned c;

    for (b = 1; b <= g->t; b++) {
        uint64_t first = (b - 1) * PAR_CV_PER_BLOCK;
        uint64_t cnt = ncv - first < PAR_CV_PER_BLOCK ? ncv - first : PAR_CV_PER_BLOCK;
        int ok = 0;

        for (c = 0; c < PAR_COPIES && !ok; c++) {
            if (sat_pread_full(p->fd, blk, PAR_SECTOR,
                                 sat_parity_block_pos(g, c, b) * PAR_SECTOR, &got) != 0 ||
                got != PAR_SECTOR || !sat_parity_block_ok(blk, &bb, &cc) || bb != b ||
                cc != c || memcmp(blk + 24, p->hash, PAR_ID_BYTES) != 0)
                continue;
            ok = 1;
            for (i = PAR_PAYLOAD_OFF + cnt * PAR_CV_BYTES; i < PAR_CHECK_OFF; i++)
                if (blk[i] != 0)
                    ok = 0;
        }
        if (!ok) {
            p->info.table_blocks_lost++;
            continue;
        }
        memcpy(p->cv + first * PAR_CV_BYTES, blk + PAR_PAYLOAD_OFF, cnt * PAR_CV_BYTES);
        memset(p->known + first, 1, cnt);
    }
    return 0;
}

/* Checks every parity sector against its check value. */
static int pr_check_parity(sat_parity *p, sat_err *err)
{
    const par_geom *g = &p->g;
    uint8_t sec[PAR_SECTOR], cv[PAR_CV_BYTES];
    par_reader rd;
    uint64_t q;
    size_t got;
    int rc;

    if ((rc = sat_parity_reader_init(&rd, p->fd, p->path, err)) != 0)
        return rc;
    for (q = 0; q < g->mtot; q++) {
        if ((rc = sat_parity_reader_sector(&rd, sat_parity_psector_pos(g, q), sec, &got, err)) !=
            0)
            break;
        if (got == PAR_SECTOR && p->known[g->n + q]) {
            sat_parity_cv(p->hash, g->n + q, sec, cv);
            if (memcmp(cv, p->cv + (g->n + q) * PAR_CV_BYTES, sizeof cv) == 0)
                continue;
        }
        p->pbad[q] = 1;
        p->info.parity_bad++;
    }
    sat_parity_reader_free(&rd);
    return rc;
}

int sat_parity_open(const char *path, sat_parity **out, sat_err *err)
{
    sat_parity *p = calloc(1, sizeof *p);
    struct stat st;
    uint64_t ncv;
    int rc = SAT_E_NOMEM;

    *out = NULL;
    if (p == NULL || (p->path = strdup(path)) == NULL) {
        free(p);
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    }
    p->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (p->fd < 0 || fstat(p->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot read: %s", path,
                         p->fd < 0 ? strerror(errno) : "not a regular file");
        goto cleanup;
    }
    if ((uint64_t)st.st_size > PAR_FILE_MAX) {
        rc = sat_err_set(err, SAT_E_LIMIT, "%s: %llu bytes, larger than any parity file",
                         path, (unsigned long long)st.st_size);
        goto cleanup;
    }
    p->info.file_size = (uint64_t)st.st_size;
    if ((rc = pr_find_header(p, (uint64_t)st.st_size, err)) != 0)
        goto cleanup;
    ncv = p->g.n + p->g.mtot;
    /* the tables are stored three times in a whole file: one that cannot hold even one copy
     * is cut short beyond use (and its claim is not allocated) */
    if (ncv * PAR_CV_BYTES > (uint64_t)st.st_size) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: %llu bytes, too short for the %llu check "
                         "values its header announces", path, (unsigned long long)st.st_size,
                         (unsigned long long)ncv);
        goto cleanup;
    }
    p->cv = malloc((size_t)(ncv * PAR_CV_BYTES));
    p->known = calloc((size_t)ncv, 1);
    p->pbad = calloc((size_t)p->g.mtot, 1);
    if (p->cv == NULL || p->known == NULL || p->pbad == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory for %llu check values", path,
                         (unsigned long long)ncv);
        goto cleanup;
    }
    pr_tables(p);
    if ((rc = pr_check_parity(p, err)) != 0)
        goto cleanup;
    p->info.size = p->g.size;
    memcpy(p->info.hash, p->hash, 32);
    p->info.percent = p->g.percent;
    p->info.data_sectors = p->g.n;
    p->info.parity_sectors = p->g.mtot;
    p->info.stripes = (uint32_t)p->g.s;
    p->info.stripe_data = (uint32_t)p->g.kmax;
    p->info.stripe_parity = (uint32_t)p->g.m;
    p->info.table_blocks = (uint32_t)p->g.t;
    *out = p;
    return 0;
cleanup:
    sat_parity_close(p);
    return rc;
}

/* ------------------------------------------------------------------------
 * repair
 * ------------------------------------------------------------------------ */

typedef struct rp_state {
    sat_parity *p;
    const char *path; /* the damaged copy */
    int fd;
    int out;
    uint8_t *dbad;    /* n flags */
    uint32_t *lost_d; /* per stripe: data sectors lost */
    uint32_t *lost_p; /* per stripe: parity sectors lost */
    sat_parity_report *rep;
    sat_progress_fn fn;
    void *ctx;
    uint64_t done, total;
} rp_state;

static void rp_progress(rp_state *r, uint64_t add)
{
    r->done += add;
    if (r->fn != NULL && r->done <= r->total)
        r->fn(r->ctx, "repair", r->done, r->total);
}

/* Reads data sector s of the copy into sec (zero padded past the protected size). Returns
 * 0 and sets *good when it is whole and matches its check value. */
static int rp_sector(rp_state *r, par_reader *rd, uint64_t s, uint8_t *sec, int *good,
                     sat_err *err)
{
    const par_geom *g = &r->p->g;
    uint64_t want = g->size - s * PAR_SECTOR;
    uint8_t cv[PAR_CV_BYTES];
    size_t got;
    int rc = sat_parity_reader_sector(rd, s, sec, &got, err);

    if (rc != 0)
        return rc;
    if (want > PAR_SECTOR)
        want = PAR_SECTOR;
    memset(sec + want, 0, PAR_SECTOR - want); /* a longer copy: bytes past the end */
    *good = 0;
    if (got < want || !r->p->known[s])
        return 0;
    sat_parity_cv(r->p->hash, s, sec, cv);
    *good = memcmp(cv, r->p->cv + s * PAR_CV_BYTES, sizeof cv) == 0;
    return 0;
}

/* Pass 1: which sectors are bad; how much each stripe lost; can every stripe be rebuilt? */
static int rp_scan(rp_state *r, sat_err *err)
{
    const par_geom *g = &r->p->g;
    uint8_t sec[PAR_SECTOR];
    par_reader rd;
    uint64_t s, j, q, worst_j = 0;
    int rc, good;

    if ((rc = sat_parity_reader_init(&rd, r->fd, r->path, err)) != 0)
        return rc;
    for (s = 0; s < g->n; s++) {
        if ((rc = rp_sector(r, &rd, s, sec, &good, err)) != 0)
            goto cleanup;
        if (!good) {
            r->dbad[s] = 1;
            r->lost_d[s % g->s]++;
            r->rep->data_bad++;
        }
        if (s % 512 == 511)
            rp_progress(r, 512 * PAR_SECTOR);
    }
    for (q = 0; q < g->mtot; q++)
        if (r->p->pbad[q])
            r->lost_p[q % g->s]++;
    r->rep->parity_bad = r->p->info.parity_bad;
    for (j = 0; j < g->s; j++) {
        uint32_t lost = r->lost_d[j] + r->lost_p[j];
        if (lost > r->rep->worst_lost) {
            r->rep->worst_lost = lost;
            worst_j = j;
        }
        if (r->lost_d[j] > g->m - r->lost_p[j])
            r->rep->stripes_lost++;
    }
    if (r->rep->stripes_lost > 0) {
        rc = sat_err_set(err, SAT_E_LIMIT,
                         "%llu of %llu sectors of the bundle (%.1f%%) and %llu of %llu parity "
                         "sectors are damaged; %u of %llu stripes lost more than their parity "
                         "covers (worst: %u of %llu sectors, the parity covers %llu = %u%%): "
                         "cannot repair%s",
                         (unsigned long long)r->rep->data_bad, (unsigned long long)g->n,
                         100.0 * (double)r->rep->data_bad / (double)g->n,
                         (unsigned long long)r->rep->parity_bad, (unsigned long long)g->mtot,
                         r->rep->stripes_lost, (unsigned long long)g->s, r->rep->worst_lost,
                         (unsigned long long)(sat_parity_stripe_k(g, worst_j) + g->m),
                         (unsigned long long)g->m, g->percent,
                         r->rep->data_bad * 2 > g->n && r->rep->damaged_size * 2 >= g->size
                             ? " (most sectors differ: the parity file was probably made for "
                               "another bundle)"
                         : r->rep->damaged_size < g->size ? " (the copy is cut short)"
                                                          : "");
    }
cleanup:
    sat_parity_reader_free(&rd);
    return rc;
}

/* Pass 2: the copy's bytes (up to the protected size) to out, cut or extended to size. */
static int rp_copy(rp_state *r, sat_err *err)
{
    uint64_t off = 0, size = r->p->g.size;
    uint8_t *buf = malloc(PAR_CHUNK);
    size_t got;
    int rc = 0;

    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    while (off < size) {
        size_t n = size - off < PAR_CHUNK ? (size_t)(size - off) : PAR_CHUNK;
        if (sat_pread_full(r->fd, buf, n, off, &got) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: read error: %s", r->path, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        if (sat_parity_pwrite(r->out, buf, got, off) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "cannot write the repaired bundle: %s",
                             strerror(errno));
            goto cleanup;
        }
        off += got;
    }
    if (ftruncate(r->out, (off_t)size) != 0)
        rc = sat_err_set(err, SAT_E_IO, "cannot write the repaired bundle: %s", strerror(errno));
cleanup:
    free(buf);
    return rc;
}

/* One group of damaged stripes [j0, j1) (plans, syndromes, one pass, solve, write). */
typedef struct rp_group {
    sat_rs_plan *plan; /* per stripe of the group (e = 0 for undamaged ones) */
    uint8_t **syn;     /* per stripe: e syndrome sectors, then e output sectors */
} rp_group;

static int rp_group_run(rp_state *r, uint64_t j0, uint64_t j1, rp_group *gr, uint8_t *erased,
                        sat_err *err)
{
    const par_geom *g = &r->p->g;
    uint8_t sec[PAR_SECTOR], cv[PAR_CV_BYTES];
    uint32_t logs[SAT_RS_SYMBOLS];
    par_reader rd;
    uint64_t j, s, i, k;
    size_t got;
    unsigned t;
    int rc = 0, good;

    rd.buf = NULL;
    for (j = j0; j < j1; j++) {
        sat_rs_plan *pl = &gr->plan[j - j0];

        if (r->lost_d[j] == 0)
            continue;
        k = sat_parity_stripe_k(g, j);
        for (i = 0; i < k; i++)
            erased[i] = r->dbad[j + i * g->s];
        for (i = 0; i < g->m; i++)
            erased[k + i] = r->p->pbad[i * g->s + j];
        if ((rc = sat_rs_plan_make((unsigned)k, (unsigned)g->m, erased, pl, err)) != 0)
            goto cleanup;
        gr->syn[j - j0] = malloc((size_t)pl->e * 2 * PAR_SECTOR);
        if (gr->syn[j - j0] == NULL) {
            rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the repair");
            goto cleanup;
        }
        for (t = 0; t < pl->e; t++) {
            uint64_t q = (uint64_t)pl->rows[t] * g->s + j;
            if (sat_pread_full(r->p->fd, gr->syn[j - j0] + (size_t)t * PAR_SECTOR, PAR_SECTOR,
                                 sat_parity_psector_pos(g, q) * PAR_SECTOR, &got) != 0 ||
                got != PAR_SECTOR) {
                rc = sat_err_set(err, SAT_E_IO, "%s: cannot read parity sector %llu again",
                                 r->p->path, (unsigned long long)q);
                goto cleanup;
            }
        }
    }
    if ((rc = sat_parity_reader_init(&rd, r->fd, r->path, err)) != 0)
        goto cleanup;
    for (s = 0; s < g->n; s++) {
        sat_rs_plan *pl;

        j = s % g->s;
        if (j < j0 || j >= j1 || r->dbad[s] || r->lost_d[j] == 0)
            continue;
        pl = &gr->plan[j - j0];
        if ((rc = rp_sector(r, &rd, s, sec, &good, err)) != 0)
            goto cleanup;
        if (!good) { /* the copy changed under us */
            rc = sat_err_set(err, SAT_E_IO, "%s: sector %llu changed while being read",
                             r->path, (unsigned long long)s);
            goto cleanup;
        }
        sat_rs_logs(sec, logs);
        for (t = 0; t < pl->e; t++)
            sat_rs_mac_logs(gr->syn[j - j0] + (size_t)t * PAR_SECTOR,
                            sat_rs_coef((unsigned)g->m, pl->rows[t], (unsigned)(s / g->s)),
                            logs);
    }
    for (j = j0; j < j1; j++) {
        sat_rs_plan *pl = &gr->plan[j - j0];
        const uint8_t *synp[SAT_PARITY_STRIPE_MAX];
        uint8_t *outp[SAT_PARITY_STRIPE_MAX];

        if (pl->e == 0)
            continue;
        for (t = 0; t < pl->e; t++) {
            synp[t] = gr->syn[j - j0] + (size_t)t * PAR_SECTOR;
            outp[t] = gr->syn[j - j0] + ((size_t)pl->e + t) * PAR_SECTOR;
        }
        sat_rs_plan_solve(pl, synp, outp);
        for (t = 0; t < pl->e; t++) {
            uint64_t sidx = j + (uint64_t)pl->cols[t] * g->s;
            uint64_t len = g->size - sidx * PAR_SECTOR;

            if (r->p->known[sidx]) {
                sat_parity_cv(r->p->hash, sidx, outp[t], cv);
                if (memcmp(cv, r->p->cv + sidx * PAR_CV_BYTES, sizeof cv) != 0) {
                    rc = sat_err_set(err, SAT_E_HASH, "rebuilt sector %llu does not match its "
                                     "check value: the parity file is damaged beyond its "
                                     "checks or forged", (unsigned long long)sidx);
                    goto cleanup;
                }
            }
            if (sat_parity_pwrite(r->out, outp[t], len < PAR_SECTOR ? (size_t)len : PAR_SECTOR,
                                  sidx * PAR_SECTOR) != 0) {
                rc = sat_err_set(err, SAT_E_IO, "cannot write the repaired bundle: %s",
                                 strerror(errno));
                goto cleanup;
            }
            r->rep->rebuilt++;
        }
    }
cleanup:
    if (rd.buf != NULL)
        sat_parity_reader_free(&rd);
    for (j = j0; j < j1; j++) {
        sat_rs_plan_free(&gr->plan[j - j0]);
        free(gr->syn[j - j0]);
        gr->syn[j - j0] = NULL;
    }
    return rc;
}

/* Pass 3: the damaged stripes, in groups whose syndromes fit mem. */
static int rp_rebuild(rp_state *r, uint64_t mem, sat_err *err)
{
    const par_geom *g = &r->p->g;
    rp_group gr = {NULL, NULL};
    uint8_t *erased = malloc((size_t)(g->kmax + g->m));
    uint64_t j0 = 0, j1, used;
    int rc = 0;

    gr.plan = calloc((size_t)g->s, sizeof *gr.plan);
    gr.syn = calloc((size_t)g->s, sizeof *gr.syn);
    if (erased == NULL || gr.plan == NULL || gr.syn == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the repair");
        goto cleanup;
    }
    while (j0 < g->s && rc == 0) {
        for (j1 = j0, used = 0; j1 < g->s; j1++) {
            uint64_t need = (uint64_t)r->lost_d[j1] * 2 * PAR_SECTOR;
            if (j1 > j0 && used + need > mem)
                break;
            used += need;
        }
        if (used > 0)
            rc = rp_group_run(r, j0, j1, &gr, erased, err);
        j0 = j1;
    }
cleanup:
    free(erased);
    free(gr.plan);
    free(gr.syn);
    return rc;
}

/* Pass 4: the output read back and hashed. */
static int rp_check_out(rp_state *r, sat_err *err)
{
    crypto_generichash_state st;
    uint8_t h[32], *buf = malloc(PAR_CHUNK);
    uint64_t off = 0;
    size_t got;
    int rc = 0;

    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (fsync(r->out) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot write the repaired bundle: %s", strerror(errno));
        goto cleanup;
    }
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    for (;;) {
        if (sat_pread_full(r->out, buf, PAR_CHUNK, off, &got) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "cannot read the repaired bundle back: %s",
                             strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        crypto_generichash_update(&st, buf, got);
        off += got;
        rp_progress(r, got);
    }
    crypto_generichash_final(&st, h, sizeof h);
    if (off != r->p->g.size || sodium_memcmp(h, r->p->hash, sizeof h) != 0)
        rc = sat_err_set(err, SAT_E_HASH, "the repaired bytes do not match the bundle the "
                         "parity file was made for (a forged parity file, or damage its checks "
                         "missed)");
cleanup:
    free(buf);
    return rc;
}

int sat_parity_repair_mem(sat_parity *p, const char *bundle_path, int out_fd, uint64_t mem,
                          sat_parity_report *rep, sat_progress_fn fn, void *ctx, sat_err *err)
{
    sat_parity_report dummy;
    rp_state r;
    struct stat st;
    int rc;

    memset(&r, 0, sizeof r);
    r.rep = rep != NULL ? rep : &dummy;
    memset(r.rep, 0, sizeof *r.rep);
    r.p = p;
    r.path = bundle_path;
    r.out = out_fd;
    r.fn = fn;
    r.ctx = ctx;
    r.total = 2 * p->g.size;
    r.fd = open(bundle_path, O_RDONLY | O_CLOEXEC);
    if (r.fd < 0 || fstat(r.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot read: %s", bundle_path,
                         r.fd < 0 ? strerror(errno) : "not a regular file");
        goto cleanup;
    }
    r.rep->damaged_size = (uint64_t)st.st_size;
    r.dbad = calloc((size_t)p->g.n, 1);
    r.lost_d = calloc((size_t)p->g.s, sizeof *r.lost_d);
    r.lost_p = calloc((size_t)p->g.s, sizeof *r.lost_p);
    if (r.dbad == NULL || r.lost_d == NULL || r.lost_p == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the repair");
        goto cleanup;
    }
    if ((rc = rp_scan(&r, err)) != 0 || (rc = rp_copy(&r, err)) != 0 ||
        (rc = rp_rebuild(&r, mem, err)) != 0 || (rc = rp_check_out(&r, err)) != 0)
        goto cleanup;
    if (fn != NULL)
        fn(ctx, "repair", r.total, r.total);
cleanup:
    if (r.fd >= 0)
        close(r.fd);
    free(r.dbad);
    free(r.lost_d);
    free(r.lost_p);
    return rc;
}

int sat_parity_repair(sat_parity *p, const char *bundle_path, int out_fd,
                      sat_parity_report *rep, sat_progress_fn fn, void *ctx, sat_err *err)
{
    return sat_parity_repair_mem(p, bundle_path, out_fd, SAT_PARITY_MEM_DEFAULT, rep, fn, ctx,
                                 err);
}
