/*
 * parity_common.c - geometry, blocks, check values and sector reading shared by the
 * parity writer and the repair (parity_internal.h; SPEC.md "Recovery data").
 */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parity_internal.h"

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

int sat_parity_geom(uint64_t size, unsigned percent, par_geom *g)
{
    memset(g, 0, sizeof *g);
    if (size == 0 || size > SAT_PARITY_PROTECT_MAX || percent < SAT_PARITY_PERCENT_MIN ||
        percent > SAT_PARITY_PERCENT_MAX)
        return -1;
    g->size = size;
    g->percent = percent;
    g->n = ceil_div(size, PAR_SECTOR);
    g->s = ceil_div(g->n, SAT_PARITY_STRIPE_MAX);
    g->kmax = ceil_div(g->n, g->s);
    g->m = ceil_div(g->kmax * percent, 100);
    g->mtot = g->m * g->s;
    g->t = ceil_div(g->n + g->mtot, PAR_CV_PER_BLOCK);
    g->h = 1 + g->t;
    g->sectors = PAR_COPIES * g->h + g->mtot;
    return 0;
}

uint64_t sat_parity_size(uint64_t bundle_size, unsigned percent)
{
    par_geom g;

    if (sat_parity_geom(bundle_size, percent, &g) != 0)
        return 0;
    return g.sectors * PAR_SECTOR;
}

/* Copy 0 first, the first half of the parity sectors, copy 1, the second half, copy 2:
 * the copies far apart on the medium, a cut short file still holding copy 0. */
uint64_t sat_parity_block_pos(const par_geom *g, unsigned c, uint64_t b)
{
    uint64_t half = g->mtot / 2;

    if (c == 0)
        return b;
    if (c == 1)
        return g->h + half + b;
    return 2 * g->h + g->mtot + b;
}

uint64_t sat_parity_psector_pos(const par_geom *g, uint64_t p)
{
    return p < g->mtot / 2 ? g->h + p : 2 * g->h + p;
}

uint64_t sat_parity_stripe_k(const par_geom *g, uint64_t j)
{
    return j < g->n ? (g->n - 1 - j) / g->s + 1 : 0;
}

void sat_parity_put32(uint8_t *p, uint32_t v)
{
    int i;

    for (i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void sat_parity_put64(uint8_t *p, uint64_t v)
{
    int i;

    for (i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t sat_parity_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t sat_parity_get64(const uint8_t *p)
{
    return (uint64_t)sat_parity_get32(p) | (uint64_t)sat_parity_get32(p + 4) << 32;
}

void sat_parity_cv(const uint8_t key[32], uint64_t idx, const uint8_t *sec,
                   uint8_t out[PAR_CV_BYTES])
{
    crypto_generichash_state st;
    uint8_t le[8], h[16];

    sat_parity_put64(le, idx);
    crypto_generichash_init(&st, key, 32, sizeof h);
    crypto_generichash_update(&st, le, sizeof le);
    crypto_generichash_update(&st, sec, PAR_SECTOR);
    crypto_generichash_final(&st, h, sizeof h);
    memcpy(out, h, PAR_CV_BYTES);
}

void sat_parity_block_seal(uint8_t *blk, uint64_t b, unsigned c, const uint8_t *id)
{
    memcpy(blk, PAR_MAGIC, 8);
    sat_parity_put32(blk + 8, PAR_VERSION);
    sat_parity_put32(blk + 12, (uint32_t)b);
    sat_parity_put32(blk + 16, c);
    sat_parity_put32(blk + 20, 0);
    memcpy(blk + 24, id, PAR_ID_BYTES);
    crypto_generichash(blk + PAR_CHECK_OFF, 32, blk, PAR_CHECK_OFF, NULL, 0);
}

int sat_parity_block_ok(const uint8_t *blk, uint32_t *b, uint32_t *c)
{
    uint8_t h[32];

    if (memcmp(blk, PAR_MAGIC, 8) != 0 || sat_parity_get32(blk + 8) != PAR_VERSION ||
        sat_parity_get32(blk + 20) != 0 || sat_parity_get32(blk + 16) >= PAR_COPIES)
        return 0;
    crypto_generichash(h, sizeof h, blk, PAR_CHECK_OFF, NULL, 0);
    if (sodium_memcmp(h, blk + PAR_CHECK_OFF, sizeof h) != 0)
        return 0;
    *b = sat_parity_get32(blk + 12);
    *c = sat_parity_get32(blk + 16);
    return 1;
}

int sat_parity_pwrite(int fd, const void *buf, size_t n, uint64_t off)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r = pwrite(fd, (const uint8_t *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

int sat_parity_reader_init(par_reader *r, int fd, const char *path, sat_err *err)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->path = path;
    r->buf = malloc(PAR_CHUNK);
    if (r->buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory reading %s", path);
    return 0;
}

void sat_parity_reader_free(par_reader *r)
{
    free(r->buf);
    r->buf = NULL;
}

int sat_parity_reader_sector(par_reader *r, uint64_t s, uint8_t *sec, size_t *got,
                             sat_err *err)
{
    uint64_t off = s * PAR_SECTOR;
    size_t have;

    if (off < r->base || off + PAR_SECTOR > r->base + r->len) {
        /* the chunk ends inside this sector only at the end of the file: read again to be
         * sure, from this sector on */
        r->base = off;
        if (sat_pread_full(r->fd, r->buf, PAR_CHUNK, off, &r->len) != 0)
            return sat_err_set(err, SAT_E_IO, "%s: read error at byte %llu: %s", r->path,
                               (unsigned long long)off, strerror(errno));
    }
    have = r->base + r->len > off ? (size_t)(r->base + r->len - off) : 0;
    if (have > PAR_SECTOR)
        have = PAR_SECTOR;
    memset(sec, 0, PAR_SECTOR);
    memcpy(sec, r->buf + (off - r->base), have);
    *got = have;
    return 0;
}
