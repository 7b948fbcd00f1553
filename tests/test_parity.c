/* test_parity.c - parity files and repair (formats/sat_parity.h): exact sizes, repair of
 * random damage, bursts and truncation in one or several passes, damaged and forged parity
 * files, damage beyond the parity, and a parity file of another file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parity_internal.h"
#include "sat_parity.h"

#include "test_fixture.h"

static char dir[64];
static char bpath[128], ppath[128], dpath[128], opath[128];
static uint8_t *orig;
static size_t orig_len;

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void put_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static uint8_t *make_data(size_t len)
{
    uint8_t *d = malloc(len);
    size_t i;

    assert_non_null(d);
    for (i = 0; i < len; i++)
        d[i] = (uint8_t)(i % 251 == 0 ? rng() : i * 31); /* mostly regular, some noise */
    return d;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/test_parity.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(bpath, sizeof bpath, "%s/b.satchel", dir);
    snprintf(ppath, sizeof ppath, "%s/b.satchel.parity", dir);
    snprintf(dpath, sizeof dpath, "%s/damaged", dir);
    snprintf(opath, sizeof opath, "%s/out", dir);
    orig_len = 3 * 1000 * 1000 + 777; /* 1465 sectors, the last one short: 2 stripes */
    orig = make_data(orig_len);
    put_file(bpath, orig, orig_len);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    free(orig);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* Damages `rate` of the sectors of a copy of src at random (seeded), plus a burst of
 * `burst` sectors at sector `at`, and cuts it to `cut` bytes (0: keep). */
static void damage(const uint8_t *src, size_t len, const char *out, double rate, size_t at,
                   size_t burst, size_t cut)
{
    uint8_t *d = malloc(len);
    size_t n = (len + PAR_SECTOR - 1) / PAR_SECTOR, hits = (size_t)(rate * (double)n + 0.5), i;

    memcpy(d, src, len);
    for (i = 0; i < hits; i++) {
        size_t s = (size_t)(rng() % n);
        d[s * PAR_SECTOR + (size_t)(rng() % PAR_SECTOR) % (len - s * PAR_SECTOR)] ^= 0x5a;
    }
    for (i = at; i < at + burst && i < n; i++)
        d[i * PAR_SECTOR] ^= 0xff;
    put_file(out, d, cut ? cut : len);
    free(d);
}

/* Repairs dpath with the parity file pp into opath; returns the code, checks the output
 * against orig when it succeeded and that it is empty when it failed. */
static int repair(const char *pp, uint64_t mem, sat_parity_report *rep, sat_err *err)
{
    sat_parity *p = NULL;
    size_t len;
    char *got;
    int fd, rc;

    rc = sat_parity_open(pp, &p, err);
    if (rc != 0)
        return rc;
    fd = open(opath, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    rc = sat_parity_repair_mem(p, dpath, fd, mem, rep, NULL, NULL, err);
    close(fd);
    sat_parity_close(p);
    got = test_slurp(opath, &len);
    if (rc == 0) {
        assert_int_equal(len, orig_len);
        assert_memory_equal(got, orig, orig_len);
    } else if (rc == SAT_E_LIMIT) {
        assert_int_equal(len, 0); /* refused before writing */
    }
    free(got);
    return rc;
}

static void test_size_exact(void **state)
{
    static const uint64_t sizes[] = {1, 2048, 2049, 1000000, 2097152, 2097153, 4200000};
    static const unsigned pct[] = {1, 5, 50};
    char path[160];
    struct stat st;
    size_t i, j;
    par_geom g;
    (void)state;

    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (j = 0; j < sizeof pct / sizeof pct[0]; j++) {
            uint8_t *d = make_data((size_t)sizes[i]);
            snprintf(path, sizeof path, "%s/size", dir);
            put_file(path, d, (size_t)sizes[i]);
            free(d);
            assert_int_equal(sat_parity_write(path, pct[j], ppath, NULL, NULL, NULL), 0);
            assert_int_equal(stat(ppath, &st), 0);
            assert_int_equal((uint64_t)st.st_size, sat_parity_size(sizes[i], pct[j]));
        }
    /* 2097153 bytes = 1025 sectors: 2 stripes of 513 and 512, 26 parity sectors each at 5% */
    assert_int_equal(sat_parity_geom(2097153, 5, &g), 0);
    assert_int_equal(g.s, 2);
    assert_int_equal(g.kmax, 513);
    assert_int_equal(g.m, 26);
    assert_int_equal(sat_parity_stripe_k(&g, 1), 512);
    assert_int_equal(sat_parity_size(0, 5), 0);
    assert_int_equal(sat_parity_size(100, 0), 0);
    assert_int_equal(sat_parity_size(100, 51), 0);
    assert_int_equal(sat_parity_size(SAT_PARITY_PROTECT_MAX + 1, 5), 0);
    assert_int_equal(sat_parity_write(bpath, 51, ppath, NULL, NULL, NULL), SAT_E_ARG);
    /* about 5% + three copies of the tables for a 3 MB file */
    assert_true(sat_parity_size(orig_len, 5) < orig_len * 7 / 100);
}

static void test_repair_random(void **state)
{
    sat_parity_report rep;
    sat_err err = {0};
    uint8_t *par;
    size_t plen;
    int seed;
    (void)state;

    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    par = (uint8_t *)test_slurp(ppath, &plen);
    for (seed = 0; seed < 4; seed++) {
        char pd[160];

        rng_state = 1000 + (uint64_t)seed;
        damage(orig, orig_len, dpath, 0.02, 0, 0, 0);
        snprintf(pd, sizeof pd, "%s/pdamaged", dir);
        damage(par, plen, pd, 0.02, 0, 0, 0);
        assert_int_equal(repair(pd, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
        assert_true(rep.data_bad > 20);
        assert_int_equal(rep.rebuilt, rep.data_bad);
        /* several passes (one stripe each) give the same result */
        assert_int_equal(repair(pd, 1, &rep, &err), 0);
    }
    /* an undamaged copy: nothing to rebuild, the same bytes */
    put_file(dpath, orig, orig_len);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
    assert_int_equal(rep.data_bad, 0);
    free(par);
}

static void test_multi_pass_write(void **state)
{
    char p2[160];
    size_t a, b;
    char *x, *y;
    (void)state;

    snprintf(p2, sizeof p2, "%s/p2", dir);
    assert_int_equal(sat_parity_write(bpath, 7, ppath, NULL, NULL, NULL), 0);
    assert_int_equal(sat_parity_write_mem(bpath, 7, p2, 1, NULL, NULL, NULL), 0);
    x = test_slurp(ppath, &a);
    y = test_slurp(p2, &b);
    assert_int_equal(a, b);
    assert_memory_equal(x, y, a);
    free(x);
    free(y);
}

static void test_burst_and_truncation(void **state)
{
    sat_parity_report rep;
    sat_err err = {0};
    par_geom g;
    (void)state;

    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    assert_int_equal(sat_parity_geom(orig_len, 5, &g), 0);
    /* a burst of 2 x m consecutive sectors: m per stripe after the interleaving */
    damage(orig, orig_len, dpath, 0, 300, 2 * g.m, 0);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
    assert_int_equal(rep.data_bad, 2 * g.m);
    /* one more sector is too many */
    damage(orig, orig_len, dpath, 0, 300, 2 * g.m + 2, 0);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "cannot repair"));
    /* cut short by 2 x m - 1 sectors and a half */
    damage(orig, orig_len, dpath, 0, 0, 0, orig_len - (2 * g.m - 2) * PAR_SECTOR - 700);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
    /* cut to a third: beyond the parity, and said so (not "another bundle") */
    damage(orig, orig_len, dpath, 0, 0, 0, orig_len / 3);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "cut short"));
    assert_null(strstr(err.msg, "another bundle"));
    /* longer than the original: the extra bytes are dropped */
    {
        uint8_t *l = malloc(orig_len + 5000);
        memcpy(l, orig, orig_len);
        memset(l + orig_len, 'x', 5000);
        put_file(dpath, l, orig_len + 5000);
        free(l);
        assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
    }
}

static void test_too_much_damage(void **state)
{
    sat_parity_report rep;
    sat_err err = {0};
    (void)state;

    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    rng_state = 77;
    damage(orig, orig_len, dpath, 0.20, 0, 0, 0);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_LIMIT);
    assert_true(rep.stripes_lost > 0);
    assert_non_null(strstr(err.msg, "parity covers"));
}

static void test_other_file(void **state)
{
    sat_parity_report rep;
    sat_err err = {0};
    uint8_t *other = make_data(orig_len);
    (void)state;

    other[0] ^= 1; /* make_data's noise differs anyway */
    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    put_file(dpath, other, orig_len);
    free(other);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_LIMIT);
    assert_non_null(strstr(err.msg, "another bundle"));
}

/* Overwrites sector s of the parity file with f(sector) */
static void poke(const char *path, uint64_t s, int garble)
{
    int fd = open(path, O_RDWR);
    uint8_t b[PAR_SECTOR];

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, b, sizeof b, (off_t)(s * PAR_SECTOR)), (ssize_t)sizeof b);
    b[garble ? 100 : 2040] ^= 1;
    assert_int_equal(pwrite(fd, b, sizeof b, (off_t)(s * PAR_SECTOR)), (ssize_t)sizeof b);
    close(fd);
}

static void test_damaged_parity_file(void **state)
{
    sat_parity_report rep;
    sat_parity_info info;
    sat_parity *p = NULL;
    sat_err err = {0};
    par_geom g;
    (void)state;

    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    assert_int_equal(sat_parity_geom(orig_len, 5, &g), 0);
    rng_state = 5;
    damage(orig, orig_len, dpath, 0.02, 0, 0, 0);
    /* header copies 0 and 1 and two copies of every table block lost: still repairs */
    poke(ppath, sat_parity_block_pos(&g, 0, 0), 1);
    poke(ppath, sat_parity_block_pos(&g, 1, 0), 0);
    poke(ppath, sat_parity_block_pos(&g, 0, 1), 1);
    poke(ppath, sat_parity_block_pos(&g, 2, 1), 1);
    assert_int_equal(sat_parity_open(ppath, &p, &err), 0);
    sat_parity_get_info(p, &info);
    assert_int_equal(info.header_copies_bad, 2);
    assert_int_equal(info.table_blocks_lost, 0);
    assert_int_equal(info.size, orig_len);
    sat_parity_close(p);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), 0);
    /* the third copy of table block 1 too: its sectors count as lost, which is too many */
    poke(ppath, sat_parity_block_pos(&g, 1, 1), 1);
    assert_int_equal(sat_parity_open(ppath, &p, &err), 0);
    sat_parity_get_info(p, &info);
    assert_int_equal(info.table_blocks_lost, 1);
    sat_parity_close(p);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_LIMIT);
    /* and the last header copy: no parity file left */
    poke(ppath, sat_parity_block_pos(&g, 2, 0), 1);
    assert_int_equal(sat_parity_open(ppath, &p, &err), SAT_E_FORMAT);
    assert_null(p);
    assert_non_null(strstr(err.msg, "header"));
}

static void test_garbage_and_forgery(void **state)
{
    sat_parity *p = NULL;
    sat_parity_report rep;
    sat_err err = {0};
    uint8_t blk[PAR_SECTOR];
    par_geom g;
    int fd;
    (void)state;

    /* random bytes, an empty file, a bundle given as parity file */
    put_file(ppath, orig, 100000);
    assert_int_equal(sat_parity_open(ppath, &p, &err), SAT_E_FORMAT);
    put_file(ppath, orig, 0);
    assert_int_equal(sat_parity_open(ppath, &p, &err), SAT_E_FORMAT);
    assert_int_equal(sat_parity_open(dir, &p, &err), SAT_E_IO);

    /* a header resealed with a size its geometry does not match: refused */
    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    fd = open(ppath, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, blk, sizeof blk, 0), (ssize_t)sizeof blk);
    sat_parity_put64(blk + PAR_PAYLOAD_OFF + 8, (uint64_t)1 << 39); /* a huge claim */
    sat_parity_block_seal(blk, 0, 0, blk + 24);
    assert_int_equal(pwrite(fd, blk, sizeof blk, 0), (ssize_t)sizeof blk);
    close(fd);
    assert_int_equal(sat_parity_open(ppath, &p, &err), 0); /* another copy is used */
    sat_parity_close(p);

    /* a consistent forgery: a parity sector changed and its check value resealed. The
     * rebuilt bytes are wrong, and repair says so instead of writing them as good. */
    assert_int_equal(sat_parity_write(bpath, 5, ppath, NULL, NULL, &err), 0);
    assert_int_equal(sat_parity_geom(orig_len, 5, &g), 0);
    fd = open(ppath, O_RDWR);
    {
        uint64_t q = 0, pos = sat_parity_psector_pos(&g, q), cvidx = g.n + q;
        uint64_t b = 1 + cvidx / PAR_CV_PER_BLOCK;
        uint8_t sec[PAR_SECTOR], hash[32];
        unsigned c;

        assert_int_equal(pread(fd, blk, sizeof blk, 0), (ssize_t)sizeof blk);
        memcpy(hash, blk + PAR_PAYLOAD_OFF + 56, 32);
        assert_int_equal(pread(fd, sec, sizeof sec, (off_t)(pos * PAR_SECTOR)),
                         (ssize_t)sizeof sec);
        sec[10] ^= 0x40;
        assert_int_equal(pwrite(fd, sec, sizeof sec, (off_t)(pos * PAR_SECTOR)),
                         (ssize_t)sizeof sec);
        for (c = 0; c < PAR_COPIES; c++) {
            uint64_t bp = sat_parity_block_pos(&g, c, b) * PAR_SECTOR;
            assert_int_equal(pread(fd, blk, sizeof blk, (off_t)bp), (ssize_t)sizeof blk);
            sat_parity_cv(hash, cvidx, sec,
                          blk + PAR_PAYLOAD_OFF + (cvidx % PAR_CV_PER_BLOCK) * PAR_CV_BYTES);
            sat_parity_block_seal(blk, b, c, hash);
            assert_int_equal(pwrite(fd, blk, sizeof blk, (off_t)bp), (ssize_t)sizeof blk);
        }
    }
    close(fd);
    /* lose data sector 0 (stripe 0, whose parity row 0 is the forged one) */
    damage(orig, orig_len, dpath, 0, 0, 1, 0);
    assert_int_equal(repair(ppath, SAT_PARITY_MEM_DEFAULT, &rep, &err), SAT_E_HASH);
    assert_non_null(strstr(err.msg, "forged"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_exact),
        cmocka_unit_test(test_repair_random),
        cmocka_unit_test(test_multi_pass_write),
        cmocka_unit_test(test_burst_and_truncation),
        cmocka_unit_test(test_too_much_damage),
        cmocka_unit_test(test_other_file),
        cmocka_unit_test(test_damaged_parity_file),
        cmocka_unit_test(test_garbage_and_forgery),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
