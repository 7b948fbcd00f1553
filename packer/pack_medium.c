/*
 * pack_medium.c - sizes, media and the budget of one volume (pack_medium.h).
 */
#include "pack_medium.h"
#include "sat_parity.h"
#include "sat_rs.h"

#include <string.h>

#define SIZE_MAX_ACCEPTED ((uint64_t)1 << 50)

int pv_size_parse(const char *s, uint64_t *out)
{
    static const struct {
        const char *suffix;
        uint64_t mult;
    } units[] = {{"", 1},
                 {"K", 1000},
                 {"M", 1000000},
                 {"G", 1000000000},
                 {"T", 1000000000000},
                 {"KiB", (uint64_t)1 << 10},
                 {"MiB", (uint64_t)1 << 20},
                 {"GiB", (uint64_t)1 << 30},
                 {"TiB", (uint64_t)1 << 40}};
    uint64_t whole = 0, frac = 0, scale = 1, mult = 0, v;
    size_t i, nd = 0, nf = 0;
    const char *p = s;

    for (; *p >= '0' && *p <= '9'; p++, nd++) {
        if (whole > SIZE_MAX_ACCEPTED)
            return -1;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, nf++) {
            if (nf >= 6)
                return -1;
            frac = frac * 10 + (uint64_t)(*p - '0');
            scale *= 10;
        }
        if (nf == 0)
            return -1;
    }
    if (nd == 0)
        return -1;
    for (i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(p, units[i].suffix) == 0)
            mult = units[i].mult;
    if (mult == 0 || whole > SIZE_MAX_ACCEPTED / mult)
        return -1;
    /* frac < 10^6 and mult <= 2^40: the product stays below 2^60 */
    v = whole * mult + frac * mult / scale;
    if (v == 0 || v > SIZE_MAX_ACCEPTED)
        return -1;
    *out = v;
    return 0;
}

int pv_medium_named(const char *name, pv_medium *out)
{
    static const pv_medium media[] = {
        {"cd", 737280000u, PV_FS_ISO9660, PV_RESERVE},      /* 360,000 sectors of 2048 */
        {"dvd", 4700372992u, PV_FS_ISO9660, PV_RESERVE},    /* 2,295,104 sectors */
        {"dvd-dl", 8547991552u, PV_FS_ISO9660, PV_RESERVE}, /* 4,173,824 sectors */
        {"usb-4g", 3800000000u, PV_FS_FAT32, PV_RESERVE},   /* a "4 GB" stick: man page */
    };
    size_t i;

    for (i = 0; i < sizeof media / sizeof media[0]; i++)
        if (strcmp(name, media[i].name) == 0) {
            *out = media[i];
            return 0;
        }
    return -1;
}

uint64_t pv_parity_size(uint64_t bundle_size, unsigned percent)
{
    return percent == 0 ? 0 : sat_parity_size(bundle_size, percent);
}

static uint64_t round_up(uint64_t n, uint64_t unit)
{
    return (n + unit - 1) / unit * unit;
}

static uint64_t iso_footprint(uint64_t bundle, uint64_t parity, unsigned files)
{
    return PV_ISO_META + files * PV_ISO_PER_FILE + round_up(bundle, PV_ISO_SECTOR) +
           round_up(parity, PV_ISO_SECTOR);
}

static uint64_t fat_footprint(uint64_t capacity, uint64_t bundle, uint64_t parity,
                              unsigned files)
{
    uint64_t fats = 2 * 4 * (capacity / PV_FAT_TABLE_CLUSTER + 1);

    if (bundle > PV_FAT_FILE_MAX || parity > PV_FAT_FILE_MAX)
        return UINT64_MAX;
    return PV_FAT_FIXED + round_up(fats, PV_FAT_CLUSTER) +
           (files + 2) * PV_FAT_CLUSTER + round_up(bundle, PV_FAT_CLUSTER) +
           round_up(parity, PV_FAT_CLUSTER);
}

uint64_t pv_footprint(const pv_medium *m, uint64_t bundle_size, unsigned percent)
{
    uint64_t parity = pv_parity_size(bundle_size, percent), iso, fat;
    unsigned files = percent > 0 ? 2 : 1;

    if (bundle_size > SIZE_MAX_ACCEPTED)
        return UINT64_MAX;
    iso = iso_footprint(bundle_size, parity, files);
    fat = fat_footprint(m->capacity, bundle_size, parity, files);
    if (m->fs == PV_FS_ISO9660)
        fat = iso;
    else if (m->fs == PV_FS_FAT32)
        iso = fat;
    if (iso == UINT64_MAX || fat == UINT64_MAX || m->reserve > SIZE_MAX_ACCEPTED)
        return UINT64_MAX;
    return m->reserve + (iso > fat ? iso : fat);
}

/* The first size in lo..hi whose footprint is over the capacity (hi + 1: none), for a range
 * on which the footprint does not shrink. */
static uint64_t first_over(const pv_medium *m, unsigned percent, uint64_t lo, uint64_t hi)
{
    uint64_t a = lo, b = hi + 1;

    while (a < b) {
        uint64_t mid = a + (b - a) / 2;
        if (pv_footprint(m, mid, percent) > m->capacity)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

/* The footprint is not monotone in the size: the parity file shrinks right after each
 * stripe boundary, where one stripe more makes every stripe shorter (sat_parity_geom). It
 * does not shrink within a run of sizes with the same stripe count, sizes in
 * ((r - 1) * PV_RUN, r * PV_RUN], so the largest footprint of a run is at its end, and the
 * ends grow with r (full stripes: the parity grows with the count). The budget is the
 * largest size below which everything fits: the run whose end is the first over the
 * capacity (found by bisection over the ends), then the first size over it in that run. */
#define PV_RUN ((uint64_t)SAT_PARITY_STRIPE_MAX * SAT_RS_SECTOR)

uint64_t pv_budget(const pv_medium *m, unsigned percent)
{
    uint64_t top = m->capacity, lo = 1, hi, runs;

    if (percent == 0) /* the footprint grows with the size */
        return first_over(m, percent, 1, top) - 1;
    if (top > SAT_PARITY_PROTECT_MAX) /* no parity for larger files */
        top = SAT_PARITY_PROTECT_MAX;
    runs = top / PV_RUN;
    hi = runs + 1; /* the first run (1..runs) whose end is over the capacity; runs + 1: none */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (pv_footprint(m, mid * PV_RUN, percent) > m->capacity)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo <= runs)
        return first_over(m, percent, (lo - 1) * PV_RUN + 1, lo * PV_RUN) - 1;
    /* every full run fits; the rest up to top is part of a single run */
    return runs * PV_RUN == top ? top : first_over(m, percent, runs * PV_RUN + 1, top) - 1;
}
