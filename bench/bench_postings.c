/*
 * bench_postings.c - size and speed of the posting-list codec (formats/sat_postings.h)
 * on a synthetic corpus: N docs of L tokens drawn from a Zipf(1) vocabulary of V terms,
 * the first 8 tokens of each doc counted as its title (an occurrence there weighs 3 in
 * the frequency, as the packer does).
 *
 *   make bench-postings            (or: build/bench/bench_postings [N [L [V]]])
 *
 * Prints bytes per posting, the zstd -3 size of all lists together, how many lists use
 * each frequency code, decode speed, and the time of AND over two 10,000-doc lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zstd.h>

#include "sat_postings.h"

static uint64_t rng_state = 1;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL) {
        fprintf(stderr, "bench_postings: out of memory\n");
        exit(1);
    }
    return p;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Lists per frequency code (the byte after the count), counted by encode_corpus. */
static size_t fcode_lists[SAT_POSTINGS_FCODES];

/* Encodes every term's list of the sorted (term, token index) keys into `all` (lists
 * one after the other; offsets in off[0..V]). Returns the number of postings. */
static size_t encode_corpus(const uint64_t *key, size_t ntok, uint32_t L, uint32_t V, sat_buf *all,
                            size_t *off)
{
    sat_posting *p = xmalloc(ntok * sizeof *p);
    size_t i = 0, total = 0;
    uint32_t t;
    sat_err err;

    for (t = 0; t < V; t++) {
        size_t n = 0;
        off[t] = all->len;
        for (; i < ntok && key[i] >> 32 == t; i++) {
            uint32_t tok = (uint32_t)key[i], doc = tok / L, at = tok % L;
            if (n == 0 || p[n - 1].doc != doc)
                p[n++] = (sat_posting){doc, 0};
            p[n - 1].freq += at < 8 ? 3 : 1;
        }
        if (n > 0 && sat_postings_encode(all, p, n, &err) != 0) {
            fprintf(stderr, "bench_postings: %s\n", err.msg);
            exit(1);
        }
        if (n > 0) {
            size_t at = off[t];
            while ((unsigned char)all->data[at] & 0x80) /* the count's varint */
                at++;
            fcode_lists[(unsigned char)all->data[at + 1]]++;
        }
        total += n;
    }
    off[V] = all->len;
    free(p);
    return total;
}

/* Decodes every list; returns the postings seen. */
static size_t decode_corpus(const sat_buf *all, const size_t *off, uint32_t V)
{
    size_t total = 0;
    uint32_t t;
    sat_err err;

    for (t = 0; t < V; t++) {
        sat_postings_dec d;
        int rc;
        if (off[t + 1] == off[t])
            continue;
        if (sat_postings_open(&d, all->data + off[t], off[t + 1] - off[t], &err) != 0)
            goto bad;
        while ((rc = sat_postings_next(&d, &err)) == 1)
            total++;
        if (rc != 0)
            goto bad;
    }
    return total;
bad:
    fprintf(stderr, "bench_postings: %s\n", err.msg);
    exit(1);
}

static size_t zstd_size(const sat_buf *b)
{
    size_t cap = ZSTD_compressBound(b->len), n;
    void *z = xmalloc(cap);

    n = ZSTD_compress(z, cap, b->data, b->len, 3);
    free(z);
    return ZSTD_isError(n) ? 0 : n;
}

/* AND of two random lists of 10,000 docs among 100,000: microseconds per full
 * intersection. */
static void bench_and(void)
{
    enum { N = 10000, RANGE = 100000, REPS = 2000 };
    sat_posting *p = xmalloc(N * sizeof *p);
    sat_buf enc[2] = {{0}, {0}};
    size_t common = 0;
    double t0, dt;
    sat_err err;
    int l, r;

    for (l = 0; l < 2; l++) {
        /* N distinct docs in increasing order: selection sampling */
        uint32_t doc, n = 0;
        for (doc = 0; doc < RANGE && n < N; doc++)
            if (rng() % (RANGE - doc) < N - n)
                p[n++] = (sat_posting){doc, 1 + (uint32_t)(rng() % 3)};
        if (sat_postings_encode(&enc[l], p, n, &err) != 0) {
            fprintf(stderr, "bench_postings: %s\n", err.msg);
            exit(1);
        }
    }
    t0 = now();
    for (r = 0; r < REPS; r++) {
        sat_postings_dec a, b, *both[] = {&a, &b};
        sat_postings_open(&a, enc[0].data, enc[0].len, &err);
        sat_postings_open(&b, enc[1].data, enc[1].len, &err);
        common = 0;
        while (sat_postings_and_next(both, 2, &err) == 1)
            common++;
    }
    dt = (now() - t0) / REPS;
    printf("AND of two %d-doc lists (%zu + %zu bytes, %zu in common): %.1f us\n", N, enc[0].len,
           enc[1].len, common, dt * 1e6);
    sat_buf_free(&enc[0]);
    sat_buf_free(&enc[1]);
    free(p);
}

int main(int argc, char **argv)
{
    uint32_t N = argc > 1 ? (uint32_t)atol(argv[1]) : 20000;
    uint32_t L = argc > 2 ? (uint32_t)atol(argv[2]) : 300;
    uint32_t V = argc > 3 ? (uint32_t)atol(argv[3]) : 100000;
    size_t ntok = (size_t)N * L, i, npost = 0, seen = 0, zsize;
    size_t *off = xmalloc(((size_t)V + 1) * sizeof(size_t));
    double *cdf = xmalloc(V * sizeof *cdf), sum = 0, t0, dt;
    uint64_t *key = xmalloc(ntok * sizeof *key);
    sat_buf docs = {0};

    if (N == 0 || L == 0 || V == 0 || (uint64_t)N * L > UINT32_MAX) {
        fprintf(stderr, "usage: bench_postings [DOCS [TOKENS_PER_DOC [VOCABULARY]]]\n");
        return 2;
    }
    for (i = 0; i < V; i++)
        cdf[i] = (sum += 1.0 / (double)(i + 1));
    for (i = 0; i < ntok; i++) {
        double u = (double)(rng() >> 11) / 9007199254740992.0 * sum;
        size_t lo = 0, hi = V - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        key[i] = (uint64_t)lo << 32 | i;
    }
    qsort(key, ntok, sizeof *key, cmp_u64);

    t0 = now();
    npost = encode_corpus(key, ntok, L, V, &docs, off);
    dt = now() - t0;
    zsize = zstd_size(&docs);
    printf("corpus: %u docs x %u tokens, Zipf(1) over %u terms: %zu postings\n", N, L, V, npost);
    printf("lists: %zu bytes, %.3f bytes/posting; zstd -3 %zu bytes, %.3f bytes/posting\n",
           docs.len, (double)docs.len / (double)npost, zsize, (double)zsize / (double)npost);
    printf("encode: %.1f M postings/s\n", (double)npost / dt / 1e6);
    printf("lists per frequency code (0 gamma, 1..6 Rice 0..5, 7..9 exp-Golomb 1..3):");
    for (i = 0; i < SAT_POSTINGS_FCODES; i++)
        printf(" %zu", fcode_lists[i]);
    printf("\n");
    t0 = now();
    do {
        seen += decode_corpus(&docs, off, V);
    } while ((dt = now() - t0) < 1.0);
    printf("decode: %.1f M postings/s\n", (double)seen / dt / 1e6);
    bench_and();
    sat_buf_free(&docs);
    free(off);
    free(cdf);
    free(key);
    return 0;
}
