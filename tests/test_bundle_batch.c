/* test_bundle_batch.c - batch reads on threads (sat_bundle_read_batch,
 * sat_bundle_load_entries): the same texts, codes and messages as reading one entry after
 * the other, with one thread or several, on intact, damaged and hostile-signed bundles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "sat_bundle.h"

#define N_ARTICLES 600 /* three index pages */
#define REQ_MAX 128
#define BODY_MAX 16384

static char dir[] = "/tmp/satchel-test-batch-XXXXXX";
static sat_seckey *sk;
static sat_pubkey pk;

/* Article i's body: a few hundred bytes (times mult) that differ from one article to the
 * next. */
static size_t body_of(size_t i, size_t mult, char *buf, size_t cap)
{
    static const char *words[] = {"평양에서", "문서를", "market", "rice", "라디오", "weather",
                                  "선거",     "곡물",   "the",    "price"};
    size_t len = 0, k;
    unsigned seed = (unsigned)i * 2654435761u + 17u;

    len += (size_t)snprintf(buf, cap, "# 기사 %zu\n", i);
    for (k = 0; k < (40 + i % 50) * mult; k++) {
        const char *w = words[(seed = seed * 1103515245u + 12345u) >> 16 & 7];
        len += (size_t)snprintf(buf + len, cap - len, "%s%c", w, (seed >> 9) % 9 ? ' ' : '\n');
    }
    len += (size_t)snprintf(buf + len, cap - len, "\n");
    return len;
}

static char *id_of(size_t i)
{
    static char ids[4][16];
    static int k;
    k = (k + 1) % 4;
    snprintf(ids[k], sizeof ids[k], "a%04zu", i);
    return ids[k];
}

/* 600 articles in clusters of about `cluster` bytes (with 4 KB, some 80 clusters of one zstd
 * block each; with 1 MiB and mult 16, 3 clusters of 8 blocks), a trained dictionary, three
 * index pages, and one image. */
static void build(const char *out, size_t cluster, size_t mult)
{
    sat_writer_opts o;
    sat_writer *w = NULL;
    sat_err err = {0};
    char body[BODY_MAX];
    sat_meta m;
    size_t i;
    static const char png[] = "\x89PNG not really an image";

    memset(&o, 0, sizeof o);
    o.title = "Batch test";
    o.created = "2026-11-20T00:00:00Z";
    o.seq = 1;
    o.level = 3;
    o.cluster_size = cluster;
    assert_int_equal(sat_writer_create(&o, &w, &err), 0);
    for (i = 0; i < N_ARTICLES; i++) {
        memset(&m, 0, sizeof m);
        m.id = id_of(i);
        m.kind = SAT_KIND_ARTICLE;
        m.title = "기사";
        m.date = "2026-11-01";
        m.lang = "ko";
        body_of(i, mult, body, sizeof body);
        assert_int_equal(sat_writer_add_text(w, &m, body, strlen(body), &err), 0);
    }
    memset(&m, 0, sizeof m);
    m.id = "img.png";
    m.kind = SAT_KIND_IMAGE;
    m.title = "img.png";
    assert_int_equal(sat_writer_add_media_buf(w, &m, png, sizeof png - 1, &err), 0);
    if (sat_writer_finish(w, out, sk, &err) != 0)
        fail_msg("finish: %s", err.msg);
    sat_writer_free(w);
}

static void slurp(const char *p, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(p, "rb");
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    *buf = malloc((size_t)n);
    assert_non_null(*buf);
    assert_int_equal(fread(*buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
}

static void spill(const char *p, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
}

static void hex(const uint8_t *h, char out[2 * SAT_HASH_BYTES + 1])
{
    size_t i;

    for (i = 0; i < SAT_HASH_BYTES; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Where a unit lies and what its signed hash is. */
typedef struct unit_at {
    uint64_t off, size, usize; /* file offset, stored and decompressed size */
    uint8_t hash[SAT_HASH_BYTES];
} unit_at;

/* Cluster k (page 0) or index page k (page 1) of the bundle at path. */
static unit_at unit_in(const char *path, int page, size_t k)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    const sat_manifest *m;
    const sat_cluster *c = NULL;
    const sat_page *pg = NULL;
    unit_at u;

    assert_int_equal(sat_bundle_open(path, &pk, 1, &b, &err), 0);
    m = sat_bundle_manifest(b);
    assert_true(k < (page ? m->n_pages : m->n_clusters));
    if (page)
        pg = &m->pages[k];
    else
        c = &m->clusters[k];
    u.off = sat_bundle_data_start(b) + (page ? pg->offset : c->offset);
    u.size = page ? pg->size : c->size;
    u.usize = page ? pg->usize : c->usize;
    memcpy(u.hash, page ? pg->hash : c->hash, SAT_HASH_BYTES);
    sat_bundle_close(b);
    return u;
}

/* Copies `in` to `out` with byte `at` of unit u xor-ed with x; with resign, the root
 * manifest gets the changed unit's new hash and is signed again with the trusted key, as a
 * hostile signer would (only the head copy: the reader opens that one). */
static void alter(const char *in, const char *out, unit_at u, uint64_t at, unsigned char x,
                  int resign)
{
    unsigned char *f, h[512], *mz, *nz;
    char *text, oldhex[2 * SAT_HASH_BYTES + 1], newhex[2 * SAT_HASH_BYTES + 1], tc[1100], *p;
    char *sig = NULL;
    size_t len, mzlen, nzlen, tlen, siglen;
    uint8_t nh[SAT_HASH_BYTES];
    long long mtime;
    sat_bundle *b = NULL;
    sat_err err = {0};

    slurp(in, &f, &len);
    assert_true(at < u.size);
    f[u.off + at] ^= x;
    if (resign) {
        assert_int_equal(sat_bundle_open(in, &pk, 1, &b, &err), 0);
        snprintf(tc, sizeof tc, "%s", sat_bundle_trusted_comment(b));
        assert_int_equal(sat_time_parse(sat_bundle_manifest(b)->head.created, &mtime), 0);
        sat_bundle_close(b);
        p = strstr(tc, "manifest=");
        assert_non_null(p);
        assert_int_equal(sscanf(p, "manifest=%*u+%zu:%zu", &mzlen, &tlen), 2);
        /* the root: decompressed, the unit's hash replaced, compressed again */
        mz = f + SAT_MANIFEST_OFFSET;
        text = malloc(tlen + 1);
        assert_non_null(text);
        assert_int_equal(ZSTD_decompress(text, tlen, mz, mzlen), tlen);
        text[tlen] = '\0';
        hex(u.hash, oldhex);
        crypto_generichash(nh, sizeof nh, f + u.off, u.size, NULL, 0);
        hex(nh, newhex);
        p = strstr(text, oldhex);
        assert_non_null(p);
        memcpy(p, newhex, 2 * SAT_HASH_BYTES);
        nz = malloc(ZSTD_compressBound(tlen));
        assert_non_null(nz);
        nzlen = ZSTD_compress(nz, ZSTD_compressBound(tlen), text, tlen, 19);
        assert_false(ZSTD_isError(nzlen));
        /* the same padded size, so nothing after the root moves */
        assert_int_equal((nzlen + 511) / 512, (mzlen + 511) / 512);
        sat_bundle_tar_header(h, SAT_MEMBER_MANIFEST, mzlen, mtime);
        assert_memory_equal(h, f + SAT_MANIFEST_OFFSET - 512, 512); /* the rebuild is right */
        sat_bundle_tar_header(h, SAT_MEMBER_MANIFEST, nzlen, mtime);
        memcpy(f + SAT_MANIFEST_OFFSET - 512, h, 512);
        memset(mz, 0, (mzlen + 511) / 512 * 512);
        memcpy(mz, nz, nzlen);
        /* the signature over it, with the new compressed size in the trusted comment */
        p = strstr(tc, "manifest=");
        snprintf(p, sizeof tc - (size_t)(p - tc), "manifest=%u+%zu:%zu", SAT_MANIFEST_OFFSET,
                 nzlen, tlen);
        assert_int_equal(sat_sign(sk, nz, nzlen, "satchel bundle manifest signature", tc, &sig,
                                  &siglen, &err),
                         0);
        assert_true(siglen < 512);
        sat_bundle_tar_header(h, SAT_MEMBER_SIG, siglen, mtime);
        memcpy(f, h, 512);
        memset(f + 512, 0, 512);
        memcpy(f + 512, sig, siglen);
        free(sig);
        free(nz);
        free(text);
    }
    spill(out, f, len);
    free(f);
}

/* ------------------------------------------------------------------------ */

/* What reading one entry gave. */
typedef struct outcome {
    int rc;
    char msg[SAT_ERR_MSG_MAX];
    char *text;
    size_t len;
} outcome;

/* A plan: entries read before (one by one), in a batch (or one by one), and after. */
typedef struct plan {
    char pre[4][16];
    char ids[REQ_MAX][16];
    size_t n;
    char post[8][16];
} plan;

static void add(char *slot, const char *id)
{
    snprintf(slot, 16, "%s", id);
}

static void one_read(sat_bundle *b, const char *id, outcome *o)
{
    const sat_mentry *e = NULL;
    sat_err err = {0};

    assert_int_equal(sat_bundle_find(b, id, &e, &err), 0);
    o->rc = sat_bundle_read(b, e, &o->text, &o->len, &err);
    snprintf(o->msg, sizeof o->msg, "%s", o->rc != 0 ? err.msg : "");
}

/* Runs plan p on a fresh open of path: threads 0 reads the batch one entry at a time with
 * sat_bundle_read, else with sat_bundle_read_batch on that many threads. out gets the
 * batch's outcomes, then the post reads'. */
static size_t run(const char *path, const plan *p, int threads, outcome *out)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    sat_bundle_req *rq = calloc(REQ_MAX, sizeof *rq);
    outcome pre;
    size_t i, n = 0;

    assert_non_null(rq);
    assert_int_equal(sat_bundle_open(path, &pk, 1, &b, &err), 0);
    if (threads > 0) {
        sat_bundle_set_threads(b, threads);
        assert_int_equal(sat_bundle_threads(b), threads);
    }
    for (i = 0; i < 4 && p->pre[i][0] != '\0'; i++) {
        one_read(b, p->pre[i], &pre);
        free(pre.text);
    }
    if (threads == 0) {
        for (i = 0; i < p->n; i++)
            one_read(b, p->ids[i], &out[n++]);
    } else {
        for (i = 0; i < p->n; i++)
            assert_int_equal(sat_bundle_find(b, p->ids[i], &rq[i].e, &err), 0);
        sat_bundle_read_batch(b, rq, p->n);
        for (i = 0; i < p->n; i++, n++) {
            out[n].rc = rq[i].rc;
            snprintf(out[n].msg, sizeof out[n].msg, "%s", rq[i].rc != 0 ? rq[i].err.msg : "");
            out[n].text = rq[i].text;
            out[n].len = rq[i].len;
            if (rq[i].rc != 0)
                assert_null(rq[i].text);
        }
    }
    for (i = 0; i < 8 && p->post[i][0] != '\0'; i++)
        one_read(b, p->post[i], &out[n++]);
    sat_bundle_close(b);
    free(rq);
    return n;
}

static void outcomes_free(outcome *o, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(o[i].text);
}

/* Runs p sequentially and as a batch on 1, 2 and 4 threads; all must agree. Leaves the
 * sequential outcomes in seq (the caller frees them). */
static size_t same_everywhere(const char *path, const plan *p, outcome *seq)
{
    static const int threads[] = {1, 2, 4};
    outcome got[REQ_MAX + 8];
    size_t n = run(path, p, 0, seq), t, i;

    for (t = 0; t < sizeof threads / sizeof *threads; t++) {
        assert_int_equal(run(path, p, threads[t], got), n);
        for (i = 0; i < n; i++) {
            if (got[i].rc != seq[i].rc || strcmp(got[i].msg, seq[i].msg) != 0)
                fail_msg("%d threads, read %zu (%s): rc %d \"%s\", sequential %d \"%s\"",
                         threads[t], i, i < p->n ? p->ids[i] : p->post[i - p->n], got[i].rc,
                         got[i].msg, seq[i].rc, seq[i].msg);
            assert_int_equal(got[i].len, seq[i].len);
            if (seq[i].rc == 0)
                assert_memory_equal(got[i].text, seq[i].text, seq[i].len + 1);
        }
        outcomes_free(got, n);
    }
    return n;
}

/* The unit of entry id, and where its content ends in the cluster. */
static uint32_t unit_of(const char *path, const char *id, uint64_t *end)
{
    sat_bundle *b = NULL;
    const sat_mentry *e = NULL;
    sat_err err = {0};
    uint32_t u;

    assert_int_equal(sat_bundle_open(path, &pk, 1, &b, &err), 0);
    assert_int_equal(sat_bundle_find(b, id, &e, &err), 0);
    u = e->unit;
    if (end != NULL)
        *end = e->offset + e->size;
    sat_bundle_close(b);
    return u;
}

/* Ids of the first entries in cluster k, in offset order (at most max). */
static size_t ids_in(const char *path, uint32_t k, char (*ids)[16], size_t max)
{
    sat_bundle *b = NULL;
    const sat_mentry *e = NULL;
    sat_err err = {0};
    size_t i, n = 0;

    assert_int_equal(sat_bundle_open(path, &pk, 1, &b, &err), 0);
    for (i = 0; i < N_ARTICLES && n < max; i++) {
        assert_int_equal(sat_bundle_find(b, id_of(i), &e, &err), 0);
        if (e->unit == k)
            add(ids[n++], e->id);
    }
    sat_bundle_close(b);
    return n;
}

/* The tests work in a fresh folder (their bundles named relative to it). */
static int setup(void **state)
{
    sat_err err = {0};
    (void)state;
    if (sodium_init() < 0 || mkdtemp(dir) == NULL || chdir(dir) != 0)
        return -1;
    if (sat_keypair_generate(&pk, &sk, &err) != 0)
        return -1;
    build("good.satchel", 4096, 1);
    build("big.satchel", 1 << 20, 16);
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    (void)state;
    sat_seckey_free(sk);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return chdir("/") == 0 && system(cmd) == 0 ? 0 : -1;
}

/* A mixed plan: entries spread over many clusters in no order, repeats, the same cluster
 * twice in a row (nearer and farther), the media entry, and a read before the batch that
 * leaves the first request's cluster kept. */
static void mixed_plan(plan *p, char (*extra)[16], size_t nextra)
{
    static const size_t pick[] = {5,   5,   17,  200, 201, 3,   599, 42,  43,  44, 300,
                                  17,  450, 451, 90,  2,   1,   0,   598, 250, 7,  7};
    size_t i;

    memset(p, 0, sizeof *p);
    add(p->pre[0], id_of(6));
    for (i = 0; i < sizeof pick / sizeof *pick; i++)
        add(p->ids[p->n++], id_of(pick[i]));
    add(p->ids[p->n++], "img.png");
    for (i = 0; i < nextra && p->n < REQ_MAX; i++)
        add(p->ids[p->n++], extra[i]);
    for (i = 0; i < 37; i++) /* a stride through the whole bundle */
        add(p->ids[p->n++], id_of(i * 16 % N_ARTICLES));
    add(p->post[0], id_of(44));
    add(p->post[1], id_of(598));
    add(p->post[2], id_of(100));
}

static void test_batch_same_texts(void **state)
{
    const char *path = "good.satchel";
    outcome seq[REQ_MAX + 8];
    char body[BODY_MAX];
    plan p;
    size_t n, i;
    (void)state;

    mixed_plan(&p, NULL, 0);
    n = same_everywhere(path, &p, seq);
    for (i = 0; i < p.n; i++) {
        assert_int_equal(seq[i].rc, 0);
        if (strcmp(p.ids[i], "img.png") == 0) {
            assert_string_equal(seq[i].text, "\x89PNG not really an image");
            continue;
        }
        body_of((size_t)atoi(p.ids[i] + 1), 1, body, sizeof body);
        assert_string_equal(seq[i].text, body);
    }
    outcomes_free(seq, n);
}

/* The order sat_search uses: grouped by cluster, the farthest entry of each first. */
static void test_batch_grouped(void **state)
{
    const char *path = "good.satchel";
    outcome seq[REQ_MAX + 8];
    char ids[8][16];
    plan p;
    size_t n, i, k, m;
    (void)state;

    memset(&p, 0, sizeof p);
    for (k = 10; k < 20; k++) {
        m = ids_in(path, (uint32_t)k, ids, 8);
        assert_true(m >= 2);
        for (i = m; i-- > 0;)
            add(p.ids[p.n++], ids[i]);
    }
    n = same_everywhere(path, &p, seq);
    for (i = 0; i < n; i++)
        assert_int_equal(seq[i].rc, 0);
    outcomes_free(seq, n);
}

/* Damage to one cluster: its entries give SAT_E_HASH with the sequential message, every
 * other entry of the batch still reads. */
static void test_batch_damaged_cluster(void **state)
{
    const char *good = "good.satchel", *bad = "damaged.satchel";
    uint32_t k = unit_of(good, id_of(201), NULL);
    outcome seq[REQ_MAX + 8];
    char in_k[8][16];
    size_t n, i, m, nbad = 0;
    unit_at u = unit_in(good, 0, k);
    plan p;
    (void)state;

    alter(good, bad, u, u.size / 2, 0x5a, 0);
    m = ids_in(good, k, in_k, 8);
    mixed_plan(&p, in_k, m);
    n = same_everywhere(bad, &p, seq);
    for (i = 0; i < p.n; i++) {
        if (strcmp(p.ids[i], "img.png") != 0 && unit_of(good, p.ids[i], NULL) == k) {
            char want[64];
            snprintf(want, sizeof want, "cluster %u (bytes", (unsigned)k);
            assert_int_equal(seq[i].rc, SAT_E_HASH);
            assert_non_null(strstr(seq[i].msg, want));
            nbad++;
        } else {
            assert_int_equal(seq[i].rc, 0);
        }
    }
    assert_true(nbad >= m);
    outcomes_free(seq, n);
}

/* A hostile signer's cluster: its stored bytes match the signed hash, but the frame is
 * broken. Whether an entry reads depends on how far its read decodes (a prefix, or all
 * of it with the checksum), so the batch must decode exactly as the sequence would. */
static void malformed_cluster(const char *good, const char *id, size_t other1, size_t other2,
                              int blocks)
{
    const char *bad = "forged.satchel";
    uint32_t k = unit_of(good, id, NULL);
    unit_at u = unit_in(good, 0, k);
    outcome seq[REQ_MAX + 8];
    char in_k[64][16];
    size_t n, i, m, nform;
    int variant;
    plan p;

    m = ids_in(good, k, in_k, 64);
    assert_true(m >= 5);
    assert_int_equal(u.usize > 128 << 10, blocks); /* one zstd block, or several */
    assert_true(unit_of(good, id_of(other1), NULL) != k);
    assert_true(unit_of(good, id_of(other2), NULL) != k);
    for (variant = 0; variant < 3; variant++) {
        /* 0: the checksum at the frame's end (only a whole decode sees it); 1: a byte in
         * the middle; 2: the frame header */
        uint64_t at = variant == 0 ? u.size - 2 : variant == 1 ? u.size / 2 : 8;
        alter(good, bad, u, at, 0x41, 1);
        memset(&p, 0, sizeof p);
        /* the same entries in orders where the decodes differ (see below) */
        add(p.ids[p.n++], in_k[0]);
        add(p.ids[p.n++], in_k[m - 1]);
        add(p.ids[p.n++], id_of(other1));
        add(p.ids[p.n++], in_k[0]);
        add(p.ids[p.n++], in_k[m / 2]);
        add(p.ids[p.n++], in_k[m - 1]);
        add(p.ids[p.n++], id_of(other2));
        add(p.ids[p.n++], in_k[m - 1]);
        add(p.ids[p.n++], in_k[0]);
        add(p.ids[p.n++], id_of(other1));
        add(p.ids[p.n++], in_k[m / 2]);
        add(p.post[0], in_k[m / 2 + 1]);
        add(p.post[1], in_k[1]);
        n = same_everywhere(bad, &p, seq);
        for (i = nform = 0; i < n; i++) {
            if (seq[i].rc != 0) {
                assert_int_equal(seq[i].rc, SAT_E_FORMAT);
                assert_non_null(strstr(seq[i].msg, "hostile"));
                nform++;
            }
        }
        assert_true(nform > 0);
        assert_int_equal(seq[2].rc, 0);
        assert_int_equal(seq[6].rc, 0);
        if (variant == 0 && blocks) {
            /* several blocks: decoding a prefix never reaches the checksum, so the first
             * entry reads; the last (decoded whole) does not; the first again, after
             * another cluster, does; the middle one right after it is a second entry
             * further into the kept cluster, so all of it is decoded: it fails; the
             * middle one after another cluster reads (a prefix); after the batch, the
             * next one is further into the cluster kept: decoded whole, it fails */
            assert_int_equal(seq[0].rc, 0);
            assert_int_equal(seq[1].rc, SAT_E_FORMAT);
            assert_non_null(strstr(seq[1].msg, "checksum"));
            assert_int_equal(seq[3].rc, 0);
            assert_int_equal(seq[4].rc, SAT_E_FORMAT);
            assert_int_equal(seq[8].rc, 0);
            assert_int_equal(seq[10].rc, 0);
            assert_int_equal(seq[11].rc, SAT_E_FORMAT);
            assert_int_equal(seq[12].rc, 0);
        }
        outcomes_free(seq, n);
        /* a batch that starts in the cluster kept by a read before it */
        memset(&p, 0, sizeof p);
        add(p.pre[0], in_k[0]);
        add(p.ids[p.n++], in_k[m / 2]);
        add(p.ids[p.n++], id_of(other1));
        add(p.ids[p.n++], in_k[m / 2]);
        n = same_everywhere(bad, &p, seq);
        if (variant == 0 && blocks) {
            assert_int_equal(seq[0].rc, SAT_E_FORMAT); /* further into the kept cluster */
            assert_int_equal(seq[1].rc, 0);
            assert_int_equal(seq[2].rc, 0);
        }
        outcomes_free(seq, n);
    }
}

static void test_batch_signed_malformed_cluster(void **state)
{
    (void)state;
    malformed_cluster("good.satchel", id_of(300), 5, 599, 0);
    malformed_cluster("big.satchel", id_of(300), 5, 599, 1);
}

/* sat_bundle_load_entries: intact pages are loaded (on threads), a damaged page and a
 * hostile-signed one keep the errors sat_bundle_entry gives when it loads them itself. */
static void test_load_entries(void **state)
{
    const char *good = "good.satchel", *bad = "page.satchel";
    uint64_t idx[6] = {3, 300, 599, 4, 100000, 301};
    int variant, threads;
    (void)state;

    for (variant = 0; variant < 2; variant++) {
        unit_at u = unit_in(good, 1, 1);
        int want_rc = variant == 0 ? SAT_E_HASH : SAT_E_FORMAT;
        char seq_msg[SAT_ERR_MSG_MAX];
        sat_bundle *b = NULL;
        const sat_mentry *e = NULL;
        sat_err err = {0};
        alter(good, bad, u, u.size / 3, 0x10, variant);
        assert_int_equal(sat_bundle_open(bad, &pk, 1, &b, &err), 0);
        assert_int_equal(sat_bundle_entry(b, 300, &e, &err), want_rc);
        snprintf(seq_msg, sizeof seq_msg, "%s", err.msg);
        sat_bundle_close(b);
        for (threads = 1; threads <= 4; threads += 3) {
            assert_int_equal(sat_bundle_open(bad, &pk, 1, &b, &err), 0);
            sat_bundle_set_threads(b, threads);
            /* the dictionary is loaded with the first page (in this thread), the others
             * on threads */
            sat_bundle_load_entries(b, idx, 6);
            assert_int_equal(sat_bundle_pages_loaded(b), 2);
            assert_int_equal(sat_bundle_entry(b, 3, &e, &err), 0);
            assert_string_equal(e->id, id_of(3));
            assert_int_equal(sat_bundle_entry(b, 599, &e, &err), 0);
            assert_string_equal(e->id, id_of(599));
            sat_err_clear(&err);
            assert_int_equal(sat_bundle_entry(b, 301, &e, &err), want_rc);
            assert_string_equal(err.msg, seq_msg);
            /* once more, now with every page tried: nothing left to load */
            sat_bundle_load_entries(b, idx, 6);
            assert_int_equal(sat_bundle_pages_loaded(b), 2);
            sat_bundle_forget_pages(b);
            sat_bundle_load_entries(b, idx, 6);
            assert_int_equal(sat_bundle_pages_loaded(b), 2);
            sat_bundle_close(b);
        }
    }
}

/* sat_bundle_trim_pages frees the pages asked for least recently, and only those. */
static void test_trim_pages(void **state)
{
    sat_bundle *b = NULL;
    const sat_mentry *e0 = NULL, *e1 = NULL, *e2 = NULL;
    sat_err err = {0};
    (void)state;

    assert_int_equal(sat_bundle_open("good.satchel", &pk, 1, &b, &err), 0);
    assert_int_equal(sat_bundle_entry(b, 0, &e0, &err), 0);   /* page 0 */
    assert_int_equal(sat_bundle_entry(b, 300, &e1, &err), 0); /* page 1 */
    assert_int_equal(sat_bundle_entry(b, 599, &e2, &err), 0); /* page 2 */
    assert_int_equal(sat_bundle_entry(b, 1, &e0, &err), 0);   /* page 0 again */
    sat_bundle_trim_pages(b, 3);
    assert_int_equal(sat_bundle_pages_loaded(b), 3);
    sat_bundle_trim_pages(b, 2);
    assert_int_equal(sat_bundle_pages_loaded(b), 2);
    /* pages 0 and 2 stay (their entries still readable, ASan would see a freed one) */
    assert_string_equal(e0->id, id_of(1));
    assert_string_equal(e2->id, id_of(599));
    assert_int_equal(sat_bundle_entry(b, 2, &e0, &err), 0);
    assert_int_equal(sat_bundle_entry(b, 598, &e2, &err), 0);
    assert_int_equal(sat_bundle_pages_loaded(b), 2);
    /* page 1 went: asking for it loads it again */
    assert_int_equal(sat_bundle_entry(b, 301, &e1, &err), 0);
    assert_string_equal(e1->id, id_of(301));
    assert_int_equal(sat_bundle_pages_loaded(b), 3);
    /* now page 0 is the least recent */
    sat_bundle_trim_pages(b, 2);
    assert_string_equal(e2->id, id_of(598));
    assert_string_equal(e1->id, id_of(301));
    assert_int_equal(sat_bundle_pages_loaded(b), 2);
    sat_bundle_trim_pages(b, 0);
    assert_int_equal(sat_bundle_pages_loaded(b), 0);
    sat_bundle_close(b);
}

static void same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* A page loaded again after it was freed (parsed without repeating its checks) holds the
 * same entries as the first parse, field by field; so does one loaded on a thread. */
static void test_pages_again(void **state)
{
    sat_bundle *b = NULL, *fresh = NULL;
    sat_err err = {0};
    uint64_t i, all[N_ARTICLES + 1];
    int round;
    (void)state;

    assert_int_equal(sat_bundle_open("good.satchel", &pk, 1, &b, &err), 0);
    assert_int_equal(sat_bundle_open("good.satchel", &pk, 1, &fresh, &err), 0);
    sat_bundle_set_threads(b, 4);
    for (i = 0; i <= N_ARTICLES; i++)
        all[i] = i;
    for (round = 0; round < 3; round++) {
        if (round == 1)
            sat_bundle_load_entries(b, all, N_ARTICLES + 1); /* on threads, again */
        for (i = 0; i <= N_ARTICLES; i++) {
            const sat_mentry *x = NULL, *y = NULL;
            assert_int_equal(sat_bundle_entry(b, i, &x, &err), 0);
            assert_int_equal(sat_bundle_entry(fresh, i, &y, &err), 0);
            same_str(x->id, y->id);
            assert_int_equal(x->kind, y->kind);
            same_str(x->parent, y->parent);
            same_str(x->date, y->date);
            same_str(x->lang, y->lang);
            same_str(x->section, y->section);
            same_str(x->source, y->source);
            same_str(x->author, y->author);
            same_str(x->tags, y->tags);
            same_str(x->title, y->title);
            assert_int_equal(x->unit, y->unit);
            assert_int_equal(x->offset, y->offset);
            assert_int_equal(x->size, y->size);
            assert_memory_equal(x->hash, y->hash, SAT_HASH_BYTES);
        }
        sat_bundle_forget_pages(b);
    }
    sat_bundle_close(b);
    sat_bundle_close(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch_same_texts),
        cmocka_unit_test(test_batch_grouped),
        cmocka_unit_test(test_batch_damaged_cluster),
        cmocka_unit_test(test_batch_signed_malformed_cluster),
        cmocka_unit_test(test_load_entries),
        cmocka_unit_test(test_trim_pages),
        cmocka_unit_test(test_pages_again),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
