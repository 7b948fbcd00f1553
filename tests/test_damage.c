/* test_damage.c - bit flips and truncation anywhere in a bundle (issue 3, "damaged media").
 *
 * One small bundle with several clusters, a dictionary, two index pages and media. Single
 * bytes are flipped (XOR with several masks) at every byte of the signature and root
 * manifest members (head and tail copies), at every byte of every tar header,
 * and at a few thousand pseudo-random positions everywhere else; the file is also cut at
 * every block boundary. After each change the bundle is opened, verified (deep) and every
 * entry is read. Each change must be DETECTED (open fails, verify reports a problem, or an
 * entry cannot be read) or HARMLESS (everything opens, verifies and reads exactly as the
 * original); and harmless flips may only fall where the format allows (the signature's
 * untrusted comment line). An entry that reads successfully must always be byte-identical,
 * metadata included, to the original. And the damage must stay local: a single flip hits at
 * most one of the two copies of signature + root (head, tail), so the bundle must still open;
 * a cut must still open while the head copy is complete; and every entry none of whose bytes
 * (its cluster or media member, its index page, the dictionary) was hit must still read.
 * Deep verify must name exactly the entries that cannot be read (those of a lost index page
 * only through the page's problem) and count all of them.
 * The SAN=1 pass runs all of this under ASan+UBSan. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sat_bundle.h"

#define BLK 512u
#define N_TEXT 270 /* > 256: two index pages */
#define N_RANDOM 3000

static char dir[] = "/tmp/satchel-test-damage-XXXXXX";
static char bundle_path[256];
static sat_seckey *sk;
static sat_pubkey pk;

/* ------------------------------------------------------------------------
 * The original: bytes, tar layout, entries
 * ------------------------------------------------------------------------ */

typedef struct member {
    char name[101];
    size_t hdr, data, size, end; /* end = next header (data + padding) */
} member;

typedef struct rec {
    sat_mentry m; /* strings strdup'd */
    char *body;
    size_t len;
    /* the bytes it needs, as file ranges: stored unit and index page (and the dictionary,
     * which every page uses when the bundle has one) */
    size_t unit_lo, unit_hi, page_lo, page_hi;
} rec;

static char *orig;
static size_t orig_len;
static member mem[128];
static size_t n_mem;
static size_t end_blocks; /* offset of the two zero blocks */
static rec *recs;
static size_t n_recs;
static size_t dict_lo, dict_hi;   /* dictionary data, or 0, 0 */
static size_t head_end, root_end; /* D, and the end of the head root's data */
static size_t tail_start;         /* header of the tail copy */

enum { R_SIG, R_ROOT, R_TAIL, R_HEADER, R_DATA, R_PAD, R_END, R_COUNT };
static const char *region_name[R_COUNT] = {"signature",   "root manifest", "tail copies",
                                           "tar headers", "member data",   "padding",
                                           "end blocks"};

typedef struct tally {
    size_t tried, detected, harmless;
    size_t by_region[R_COUNT][2]; /* detected, harmless */
} tally;

static const member *member_named(const char *name)
{
    size_t i;
    for (i = 0; i < n_mem; i++)
        if (strcmp(mem[i].name, name) == 0)
            return &mem[i];
    return NULL;
}

static size_t oct(const char *f, size_t n)
{
    size_t v = 0, i;
    for (i = 0; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (size_t)(f[i] - '0');
    return v;
}

/* Walks the original tar (trusted: we wrote it) into mem[]. */
static void walk_tar(void)
{
    size_t off = 0;
    static const char zero[BLK];

    n_mem = 0;
    while (off + BLK <= orig_len && memcmp(orig + off, zero, BLK) != 0) {
        member *m = &mem[n_mem++];
        assert_true(n_mem < sizeof mem / sizeof mem[0]);
        memcpy(m->name, orig + off, 100);
        m->name[100] = '\0';
        m->hdr = off;
        m->data = off + BLK;
        m->size = oct(orig + off + 124, 12);
        m->end = m->data + (m->size + BLK - 1) / BLK * BLK;
        off = m->end;
    }
    end_blocks = off;
    assert_int_equal(end_blocks + 2 * BLK, orig_len);
}

static char *dup_or_null(const char *s)
{
    char *d;
    if (s == NULL)
        return NULL;
    d = strdup(s);
    assert_non_null(d);
    return d;
}

static void record_entries(void)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    size_t i, nbad = 1, d;
    const sat_manifest *m;
    const sat_page *pg;

    if (sat_bundle_open(bundle_path, &pk, 1, &b, &err) != 0)
        fail_msg("open original: %s", err.msg);
    assert_int_equal(sat_bundle_verify(b, 1, NULL, NULL, &nbad, NULL, NULL, &err), 0);
    assert_int_equal(nbad, 0);
    assert_int_equal(strncmp(sat_bundle_trusted_comment(b), SAT_TC_PREFIX, strlen(SAT_TC_PREFIX)),
                     0);
    m = sat_bundle_manifest(b);
    d = (size_t)sat_bundle_data_start(b);
    if (m->head.has_dict) {
        dict_lo = d + (size_t)m->head.dict_offset;
        dict_hi = dict_lo + (size_t)m->head.dict_size;
    }
    head_end = d;
    root_end = member_named(SAT_MEMBER_MANIFEST)->data + member_named(SAT_MEMBER_MANIFEST)->size;
    tail_start = member_named(SAT_MEMBER_MANIFEST_COPY)->hdr;
    n_recs = (size_t)sat_bundle_count(b);
    recs = calloc(n_recs, sizeof *recs);
    assert_non_null(recs);
    for (i = 0; i < n_recs; i++) {
        const sat_mentry *e;
        rec *r = &recs[i];
        assert_int_equal(sat_bundle_entry(b, i, &e, &err), 0);
        r->m = *e;
        r->m.id = dup_or_null(e->id);
        r->m.parent = dup_or_null(e->parent);
        r->m.date = dup_or_null(e->date);
        r->m.lang = dup_or_null(e->lang);
        r->m.section = dup_or_null(e->section);
        r->m.source = dup_or_null(e->source);
        r->m.author = dup_or_null(e->author);
        r->m.tags = dup_or_null(e->tags);
        r->m.title = dup_or_null(e->title);
        assert_int_equal(sat_bundle_read(b, e, &r->body, &r->len, &err), 0);
        pg = &m->pages[sat_manifest_page_of_index(m, i)];
        r->page_lo = d + (size_t)pg->offset;
        r->page_hi = r->page_lo + (size_t)pg->size;
        if (e->unit == SAT_UNIT_MEDIA) {
            r->unit_lo = d + (size_t)e->offset;
            r->unit_hi = r->unit_lo + (size_t)e->size;
        } else {
            r->unit_lo = d + (size_t)m->clusters[e->unit].offset;
            r->unit_hi = r->unit_lo + (size_t)m->clusters[e->unit].size;
        }
    }
    sat_bundle_close(b);
}

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_entry(const sat_mentry *a, const sat_mentry *b)
{
    return same_str(a->id, b->id) && a->kind == b->kind && same_str(a->parent, b->parent) &&
           same_str(a->date, b->date) && same_str(a->lang, b->lang) &&
           same_str(a->section, b->section) && same_str(a->source, b->source) &&
           same_str(a->author, b->author) && same_str(a->tags, b->tags) &&
           same_str(a->title, b->title) && a->unit == b->unit && a->offset == b->offset &&
           a->size == b->size && memcmp(a->hash, b->hash, SAT_HASH_BYTES) == 0;
}

/* ------------------------------------------------------------------------
 * Building the bundle
 * ------------------------------------------------------------------------ */

static uint64_t rng = 0x5eed5a7c4e1ULL;
static uint64_t next_rand(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t make_body(char *buf, size_t cap, int ko)
{
    static const char *ko_w[] = {"평양에서", "문서를", "쌀값이", "오늘",  "장마당", "라디오",
                                 "선거",     "가격이", "올랐다", "했다.", "함흥"};
    static const char *en_w[] = {"market",  "rice", "price",   "election", "the",     "radio",
                                 "harvest", "of",   "weather", "rose.",    "document"};
    size_t len = 0, target = 60 + (size_t)(next_rand() % 180);
    const char **w = ko ? ko_w : en_w;

    len += (size_t)snprintf(buf, cap, "# %s %s\n", w[next_rand() % 11], w[next_rand() % 11]);
    while (len < target && len + 32 < cap) {
        const char *s = w[next_rand() % 11];
        size_t n = strlen(s);
        memcpy(buf + len, s, n);
        len += n;
        buf[len++] = next_rand() % 9 ? ' ' : '\n';
    }
    buf[len++] = '\n';
    buf[len] = '\0';
    return len;
}

static void build_bundle(void)
{
    sat_writer_opts o;
    sat_writer *w = NULL;
    sat_err err = {0};
    char body[1024], id[32], title[64], path[300];
    size_t i, sizes[2] = {1024, 1499}; /* without and with padding */
    sat_writer_stats st;

    memset(&o, 0, sizeof o);
    o.title = "Damage test 손상";
    o.publisher = "Satchel tests";
    o.created = "2026-11-20T00:00:00Z";
    o.seq = 3;
    o.level = 3;
    o.cluster_size = 8192; /* several clusters */
    o.dict_size = 2048;    /* text >= 8x: a dictionary */
    assert_int_equal(sat_writer_create(&o, &w, &err), 0);
    for (i = 0; i < N_TEXT; i++) {
        sat_meta m;
        int ko = i < N_TEXT / 2;
        memset(&m, 0, sizeof m);
        /* ids sort like the clusters (language first): reading in id order is sequential */
        snprintf(id, sizeof id, "%s-%04zu", ko ? "ko" : "en", i);
        snprintf(title, sizeof title, "%s %zu", ko ? "기사" : "Article", i);
        m.id = id;
        m.kind = SAT_KIND_ARTICLE;
        m.title = title;
        m.date = "2026-11-01";
        m.lang = ko ? "ko" : "en";
        m.section = "world";
        m.author = i % 3 ? "Reporter" : NULL;
        if (sat_writer_add_text(w, &m, body, make_body(body, sizeof body, ko), &err) != 0)
            fail_msg("add text: %s", err.msg);
    }
    for (i = 0; i < 2; i++) {
        sat_meta m;
        FILE *f;
        size_t k;
        snprintf(id, sizeof id, "img-%zu.png", i);
        snprintf(path, sizeof path, "%s/%s", dir, id);
        f = fopen(path, "wb");
        assert_non_null(f);
        for (k = 0; k < sizes[i]; k++)
            fputc((int)(next_rand() & 0xff), f);
        assert_int_equal(fclose(f), 0);
        memset(&m, 0, sizeof m);
        m.id = id;
        m.kind = SAT_KIND_IMAGE;
        m.title = id;
        m.parent = "en-0200";
        if (sat_writer_add_media(w, &m, path, &err) != 0)
            fail_msg("add media: %s", err.msg);
    }
    if (sat_writer_finish(w, bundle_path, sk, &err) != 0)
        fail_msg("finish: %s", err.msg);
    sat_writer_get_stats(w, &st);
    sat_writer_free(w);
    assert_true(st.n_clusters >= 4);
    assert_true(st.n_pages >= 2);
    assert_true(st.dict_bytes > 0);
}

/* ------------------------------------------------------------------------
 * One damaged copy: open, verify deep, read every entry
 * ------------------------------------------------------------------------ */

/* What verify reported: problems, and which entries it named (index in recs, id order). */
typedef struct vcount {
    size_t n;
    unsigned char *named;
} vcount;

static int cmp_rec_id(const void *key, const void *r)
{
    return strcmp(key, ((const rec *)r)->m.id);
}

static void count_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    vcount *vc = ctx;
    const rec *r;

    assert_non_null(msg);
    assert_true(msg[0] != '\0');
    vc->n++;
    if (e == NULL)
        return;
    r = bsearch(e->id, recs, n_recs, sizeof *recs, cmp_rec_id);
    if (r == NULL)
        fail_msg("verify named an entry the bundle does not have: %s", e->id);
    if (vc->named[r - recs]++ != 0)
        fail_msg("verify named %s twice", e->id);
}

static int overlaps(size_t lo, size_t hi, size_t a, size_t b)
{
    return lo < b && a < hi;
}

/* Whether entry i must still read with bytes [lo, hi) damaged or missing. */
static int must_survive(size_t i, size_t lo, size_t hi)
{
    const rec *r = &recs[i];
    return !overlaps(lo, hi, r->unit_lo, r->unit_hi) && !overlaps(lo, hi, r->page_lo, r->page_hi) &&
           !overlaps(lo, hi, dict_lo, dict_hi);
}

/* 1 when the damage to bytes [lo, hi) was detected, 0 when everything behaved exactly as the
 * original. Fails the test when an entry reads successfully with other content or metadata,
 * when the bundle does not open although one copy of the signature and root is intact (or
 * opens although neither is), or when an entry is lost although none of its bytes is hit. */
static int check_bundle(const char *what, size_t lo, size_t hi)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    vcount vc = {0, NULL};
    size_t i, nbad = 0, n_lost = 0;
    int detected = 0, vrc;

    if (sat_bundle_open(bundle_path, &pk, 1, &b, &err) != 0) {
        assert_null(b);
        if (err.msg[0] == '\0')
            fail_msg("%s: open failed without a message", what);
        /* one copy intact: the head (before D), or the tail when only head bytes are hit */
        if ((!overlaps(lo, hi, 0, head_end) || !overlaps(lo, hi, tail_start, orig_len)))
            fail_msg("%s: open failed although a copy of signature and root is intact: %s", what,
                     err.msg);
        return 1;
    }
    if (lo < root_end && hi >= orig_len)
        fail_msg("%s: opened although no copy of the signed root is complete", what);
    if (sat_bundle_count(b) != n_recs)
        fail_msg("%s: %llu entries, the original has %zu", what,
                 (unsigned long long)sat_bundle_count(b), n_recs);
    vc.named = calloc(n_recs, 1);
    assert_non_null(vc.named);
    vrc = sat_bundle_verify(b, 1, count_problem, &vc, &nbad, NULL, NULL, &err);
    if (vrc != 0 || vc.n > 0 || nbad > 0)
        detected = 1;
    /* verify names exactly the entries that cannot be read (those of a lost index page
     * through the page's problem), and counts every one of them */
    for (i = 0; i < n_recs; i++) {
        const sat_mentry *e;
        char *body = NULL;
        size_t len = 0;
        sat_err_clear(&err);
        if (sat_bundle_entry(b, i, &e, &err) != 0) {
            if (must_survive(i, lo, hi))
                fail_msg("%s: entry %s lost although its page is intact: %s", what, recs[i].m.id,
                         err.msg);
            if (vc.named[i])
                fail_msg("%s: verify named %s, whose index page is lost", what, recs[i].m.id);
            detected = 1;
            n_lost++;
            continue;
        }
        if (!same_entry(e, &recs[i].m))
            fail_msg("%s: entry %zu (%s) has other metadata than the original", what, i,
                     recs[i].m.id);
        if (sat_bundle_read(b, e, &body, &len, &err) != 0) {
            assert_null(body);
            if (must_survive(i, lo, hi))
                fail_msg("%s: entry %s lost although its bytes are intact: %s", what, e->id,
                         err.msg);
            if (vrc == 0 && !vc.named[i])
                fail_msg("%s: %s cannot be read (%s) but verify did not name it", what, e->id,
                         err.msg);
            detected = 1;
            n_lost++;
            continue;
        }
        if (len != recs[i].len || memcmp(body, recs[i].body, len) != 0)
            fail_msg("%s: entry %s read successfully with other content", what, e->id);
        if (vc.named[i])
            fail_msg("%s: verify named %s, which reads intact", what, e->id);
        free(body);
    }
    if (vrc == 0 && nbad != n_lost)
        fail_msg("%s: verify counted %zu damaged entries, %zu cannot be read", what, nbad, n_lost);
    free(vc.named);
    sat_bundle_close(b);
    return detected;
}

/* ------------------------------------------------------------------------
 * Where is a byte, and may a flip there go unnoticed?
 * ------------------------------------------------------------------------ */

static int in_member(const member *m, size_t pos)
{
    return m != NULL && pos >= m->hdr && pos < m->end;
}

static int region_of(size_t pos)
{
    size_t i;

    if (pos >= end_blocks)
        return R_END;
    if (in_member(member_named(SAT_MEMBER_SIG), pos))
        return R_SIG;
    if (in_member(member_named(SAT_MEMBER_MANIFEST), pos))
        return R_ROOT;
    if (in_member(member_named(SAT_MEMBER_MANIFEST_COPY), pos) ||
        in_member(member_named(SAT_MEMBER_SIG_COPY), pos))
        return R_TAIL;
    for (i = 0; i < n_mem; i++) {
        if (pos >= mem[i].hdr && pos < mem[i].data)
            return R_HEADER;
        if (pos >= mem[i].data && pos < mem[i].data + mem[i].size)
            return R_DATA;
        if (pos >= mem[i].data + mem[i].size && pos < mem[i].end)
            return R_PAD;
    }
    fail_msg("byte %zu is in no region", pos);
    return R_END;
}

/* The untrusted comment line (without its LF) of a signature member's data. */
static int in_untrusted_comment(const member *m, size_t pos)
{
    const char *nl;
    if (m == NULL || pos < m->data || pos >= m->data + m->size)
        return 0;
    nl = memchr(orig + m->data, '\n', m->size);
    assert_non_null(nl);
    return pos < (size_t)(nl - orig);
}

/* Whether the format lets a flip at pos go unnoticed: only inside a signature's untrusted
 * comment (the reader rebuilds every header, checks every padding byte, the tail copy, the end
 * blocks and the file size). */
static int harmless_allowed(size_t pos)
{
    return in_untrusted_comment(member_named(SAT_MEMBER_SIG), pos) ||
           in_untrusted_comment(member_named(SAT_MEMBER_SIG_COPY), pos);
}

/* ------------------------------------------------------------------------
 * Flipping
 * ------------------------------------------------------------------------ */

static int fd = -1;

static void put_byte(size_t pos, unsigned char c)
{
    assert_int_equal(pwrite(fd, &c, 1, (off_t)pos), 1);
}

static void flip(tally *t, size_t pos, unsigned char mask)
{
    char what[80];
    int r = region_of(pos), det;

    put_byte(pos, (unsigned char)(orig[pos] ^ mask));
    snprintf(what, sizeof what, "flip 0x%02x at byte %zu (%s)", mask, pos, region_name[r]);
    det = check_bundle(what, pos, pos + 1);
    put_byte(pos, (unsigned char)orig[pos]);
    t->tried++;
    if (det) {
        t->detected++;
        t->by_region[r][0]++;
        return;
    }
    if (!harmless_allowed(pos))
        fail_msg("%s went unnoticed, outside any place the format allows", what);
    t->harmless++;
    t->by_region[r][1]++;
}

static const unsigned char masks[] = {0x01, 0x80, 0xff, 0x20, 0x04};
#define N_MASKS (sizeof masks / sizeof masks[0])

/* Every byte of [from, to) not done yet, each with n_masks of the masks (rotating). */
static void flip_range(tally *t, size_t from, size_t to, size_t n_masks, unsigned char *done)
{
    size_t p, k;
    for (p = from; p < to; p++) {
        if (done[p])
            continue;
        done[p] = 1;
        for (k = 0; k < n_masks; k++)
            flip(t, p, masks[(p + 2 * k) % N_MASKS]);
    }
}

static void print_tally(const char *title, const tally *t)
{
    int r;
    printf("  %s: %zu flips tried, %zu detected, %zu harmless\n", title, t->tried, t->detected,
           t->harmless);
    for (r = 0; r < R_COUNT; r++)
        if (t->by_region[r][0] + t->by_region[r][1] > 0)
            printf("    %-14s %6zu detected %4zu harmless\n", region_name[r], t->by_region[r][0],
                   t->by_region[r][1]);
}

static void test_flips(void **state)
{
    tally t;
    unsigned char *done = calloc(orig_len, 1);
    size_t i, k;
    const char *exhaustive[] = {SAT_MEMBER_SIG, SAT_MEMBER_MANIFEST, SAT_MEMBER_MANIFEST_COPY,
                                SAT_MEMBER_SIG_COPY};
    (void)state;

    assert_non_null(done);
    memset(&t, 0, sizeof t);
    fd = open(bundle_path, O_RDWR);
    assert_true(fd >= 0);
    /* every byte of the signature and root members, headers and paddings too: the data of
     * the head copies with two masks, the rest with one (rotating) */
    for (k = 0; k < sizeof exhaustive / sizeof exhaustive[0]; k++) {
        const member *m = member_named(exhaustive[k]);
        assert_non_null(m);
        flip_range(&t, m->data, m->end, k < 2 ? 2 : 1, done);
        flip_range(&t, m->hdr, m->data, 1, done);
    }
    /* every byte of every other tar header, with one mask (rotating) */
    for (i = 0; i < n_mem; i++)
        flip_range(&t, mem[i].hdr, mem[i].data, 1, done);
    /* elsewhere: the first and last bytes of every data, padding and the end blocks, then a
     * deterministic pseudo-random sample, each with one mask */
    for (i = 0; i < n_mem; i++) {
        size_t edge[4] = {mem[i].data, mem[i].data + mem[i].size - 1, mem[i].data + mem[i].size,
                          mem[i].end - 1};
        for (k = 0; k < 4; k++)
            if (edge[k] < mem[i].end && !done[edge[k]]) {
                done[edge[k]] = 1;
                flip(&t, edge[k], masks[k]);
            }
    }
    for (k = 0; k < 2 * BLK; k += 97)
        flip(&t, end_blocks + k, masks[k % N_MASKS]);
    flip(&t, orig_len - 1, 0x01);
    for (k = 0; k < N_RANDOM; k++) {
        size_t p = (size_t)(next_rand() % orig_len);
        if (done[p]) {
            k--;
            continue;
        }
        done[p] = 1;
        flip(&t, p, masks[next_rand() % N_MASKS]);
    }
    assert_int_equal(close(fd), 0);
    fd = -1;
    printf("  bundle: %zu bytes, %zu members, %zu entries\n", orig_len, n_mem, n_recs);
    print_tally("flips", &t);
    assert_int_equal(t.detected + t.harmless, t.tried);
    assert_true(t.tried >= N_RANDOM + 2 * BLK + n_mem * BLK);
    /* the original is back, byte for byte */
    assert_int_equal(check_bundle("restored original", 0, 0), 0);
    free(done);
}

static void cut_at(tally *t, size_t cut)
{
    char what[64];

    if (cut >= orig_len)
        return;
    fd = open(bundle_path, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)cut), 0);
    snprintf(what, sizeof what, "cut at byte %zu", cut);
    t->tried++;
    if (!check_bundle(what, cut, orig_len))
        fail_msg("%s went unnoticed", what);
    t->detected++;
    assert_int_equal(pwrite(fd, orig, orig_len, 0), (ssize_t)orig_len);
    assert_int_equal(close(fd), 0);
}

/* Cut at every block boundary, and one byte after and before every fourth: detected, and
 * whatever still reads is the original. */
static void test_truncation(void **state)
{
    tally t;
    size_t blk;
    (void)state;

    memset(&t, 0, sizeof t);
    for (blk = 0; blk * BLK < orig_len; blk++) {
        cut_at(&t, blk * BLK);
        if (blk % 4 == 0) {
            cut_at(&t, blk * BLK + 1);
            cut_at(&t, blk * BLK + BLK - 1);
        }
    }
    cut_at(&t, orig_len - 1);
    printf("  truncations: %zu tried, %zu detected, %zu harmless\n", t.tried, t.detected,
           t.harmless);
    assert_true(t.tried > orig_len / BLK);
    assert_int_equal(check_bundle("restored original", 0, 0), 0);
}

/* ------------------------------------------------------------------------ */

static int setup(void **state)
{
    sat_err err = {0};
    FILE *f;
    long n;
    (void)state;

    if (mkdtemp(dir) == NULL || sat_keypair_generate(&pk, &sk, &err) != 0)
        return -1;
    snprintf(bundle_path, sizeof bundle_path, "%s/damage.satchel", dir);
    build_bundle();
    f = fopen(bundle_path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
        return -1;
    rewind(f);
    orig_len = (size_t)n;
    orig = malloc(orig_len);
    if (orig == NULL || fread(orig, 1, orig_len, f) != orig_len)
        return -1;
    fclose(f);
    walk_tar();
    record_entries();
    return 0;
}

static int teardown(void **state)
{
    char cmd[512];
    size_t i;
    (void)state;

    for (i = 0; i < n_recs; i++) {
        free((char *)recs[i].m.id);
        free((char *)recs[i].m.parent);
        free((char *)recs[i].m.date);
        free((char *)recs[i].m.lang);
        free((char *)recs[i].m.section);
        free((char *)recs[i].m.source);
        free((char *)recs[i].m.author);
        free((char *)recs[i].m.tags);
        free((char *)recs[i].m.title);
        free(recs[i].body);
    }
    free(recs);
    free(orig);
    sat_seckey_free(sk);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flips),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
