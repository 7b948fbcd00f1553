/* test_manifest.c - render/parse round trip and the strictness of the parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_manifest.h"


/* A root with 2 clusters and 1 index page, and the page's text. */
static char *good_page(size_t *len);

static char *good(size_t *len)
{
    sat_manifest_head h;
    sat_cluster c[2], md;
    sat_page pg, tb[2];
    sat_buf b = {0};
    sat_err err = {0};
    size_t plen;
    char *page = good_page(&plen);

    memset(&h, 0, sizeof h);
    memset(c, 0, sizeof c);
    memset(&pg, 0, sizeof pg);
    memset(h.bundle_id, 0xab, sizeof h.bundle_id);
    h.title = "주간 뉴스 48";
    h.publisher = NULL;
    strcpy(h.created, "2026-11-20T00:00:00Z");
    h.seq = 48;
    h.collection.present = 1;
    memset(h.collection.id, 0xcd, sizeof h.collection.id);
    h.collection.volume = 2;
    h.collection.volumes = 3;
    c[0].size = 1000;
    c[0].usize = 5000;
    c[1].size = 900;
    c[1].usize = 4000;
    pg.size = 200;
    pg.usize = plen;
    pg.count = 3;
    pg.first_id = "a-first";
    memset(pg.hash, 0x11, sizeof pg.hash);
    memset(&md, 0, sizeof md);
    md.size = md.usize = 300;
    md.id = "b-img.png";
    /* a search index: the document table and two term blocks */
    memset(tb, 0, sizeof tb);
    h.has_search = 1;
    h.search_size = 40;
    h.search_usize = 6;
    h.search_docs = 2;
    memset(h.search_hash, 0x22, sizeof h.search_hash);
    tb[0].size = 600;
    tb[0].usize = 2000;
    tb[0].count = 30;
    tb[0].first_id = "2026";
    tb[1].size = 100;
    tb[1].usize = 300;
    tb[1].count = 7;
    tb[1].first_id = "평양";
    memset(tb[1].hash, 0x33, sizeof tb[1].hash);
    h.search_blocks = tb;
    h.n_search_blocks = 2;
    /* canonical layout: page at 512, document table at 1536, term blocks at 2560 and 4096,
     * clusters at 5120 and 6656, media at 8192 */
    h.data_size = sat_manifest_layout(0, NULL, &pg, 1, &h, c, 2, &md, 1);
    assert_int_equal(h.data_size, 8704);
    assert_int_equal(h.search_offset, 1536);
    assert_int_equal(tb[1].offset, 4096);
    assert_int_equal(md.offset, 8192);
    assert_int_equal(sat_manifest_render(&b, &h, c, 2, &md, 1, &pg, 1, 3, &err), 0);
    free(page);
    *len = b.len;
    return b.data;
}

static char *good_page(size_t *len)
{
    sat_meta m[3];
    sat_mentry l[3];
    sat_buf b = {0};
    sat_err err = {0};

    memset(m, 0, sizeof m);
    memset(l, 0, sizeof l);
    m[0].id = "a-first";
    m[0].kind = SAT_KIND_ARTICLE;
    m[0].title = "평양에서 온 소식";
    m[0].date = "2026-11-01";
    m[0].lang = "ko";
    m[0].tags = "a,b";
    l[0].unit = 0;
    l[0].offset = 0;
    l[0].size = 5000;
    m[1].id = "b-img.png";
    m[1].kind = SAT_KIND_IMAGE;
    m[1].title = "map";
    m[1].parent = "a-first";
    l[1].unit = SAT_UNIT_MEDIA;
    l[1].offset = 0; /* the root's M line 0 */
    l[1].size = 300;
    m[2].id = "c-radio";
    m[2].kind = SAT_KIND_TRANSCRIPT;
    m[2].title = "Radio";
    l[2].unit = 1;
    l[2].offset = 10;
    l[2].size = 3990;
    assert_int_equal(sat_manifest_render_page(&b, m, l, 3, &err), 0);
    *len = b.len;
    return b.data;
}

static int parse(const char *t, size_t n, sat_manifest **m)
{
    sat_err err = {0};
    return sat_manifest_parse(t, n, SAT_BUNDLE_MAX, m, &err);
}

static int parse_page(const char *t, size_t n, sat_mpage **pg)
{
    size_t rn;
    char *r = good(&rn);
    sat_manifest *m = NULL;
    sat_err err = {0};
    int rc;

    assert_int_equal(parse(r, rn, &m), 0);
    rc = sat_mpage_parse(m, 0, t, n, pg, &err);
    sat_manifest_free(m);
    free(r);
    return rc;
}

static void test_round_trip(void **state)
{
    size_t n, pn;
    char *t = good(&n), *pt = good_page(&pn);
    sat_manifest *m = NULL;
    sat_mpage *pg = NULL;
    const sat_mentry *e;
    sat_err err = {0};
    (void)state;

    assert_int_equal(parse(t, n, &m), 0);
    assert_int_equal(m->n_entries, 3);
    assert_int_equal(m->n_clusters, 2);
    assert_int_equal(m->n_pages, 1);
    assert_int_equal(m->n_media, 1);
    assert_int_equal(m->media[0].offset, 8192);
    assert_string_equal(m->media[0].id, "b-img.png");
    assert_int_equal(m->clusters[1].offset, 6656);
    assert_int_equal(m->pages[0].offset, 512);
    assert_int_equal(m->head.data_size, 8704);
    assert_true(m->head.has_search);
    assert_int_equal(m->head.search_offset, 1536);
    assert_int_equal(m->head.search_docs, 2);
    assert_int_equal(m->head.n_search_blocks, 2);
    assert_string_equal(m->head.search_blocks[1].first_id, "평양");
    assert_int_equal(m->head.search_blocks[1].count, 7);
    assert_int_equal(m->head.search_blocks[0].offset, 2560);
    assert_string_equal(m->pages[0].first_id, "a-first");
    assert_string_equal(m->head.title, "주간 뉴스 48");
    assert_null(m->head.publisher);
    assert_int_equal(m->head.seq, 48);
    assert_true(m->head.collection.present);
    assert_int_equal(m->head.collection.volume, 2);
    assert_int_equal(m->head.collection.volumes, 3);
    assert_int_equal(m->head.collection.id[0], 0xcd);
    assert_int_equal(m->head.collection.id[SAT_COLLECTION_ID_BYTES - 1], 0xcd);
    assert_int_equal(sat_manifest_page_for(m, "b"), 0);
    assert_int_equal(sat_manifest_page_for(m, "A"), SIZE_MAX);
    assert_int_equal(sat_mpage_parse(m, 0, pt, pn, &pg, &err), 0);
    e = sat_mpage_find(pg, "b-img.png");
    assert_non_null(e);
    assert_int_equal(e->unit, SAT_UNIT_MEDIA);
    assert_int_equal(e->offset, 8192); /* resolved through the M line */
    assert_string_equal(e->parent, "a-first");
    e = sat_mpage_find(pg, "c-radio");
    assert_int_equal(e->unit, 1);
    assert_int_equal(e->offset, 10);
    assert_null(sat_mpage_find(pg, "nope"));
    assert_string_equal(sat_mpage_find(pg, "a-first")->tags, "a,b");
    sat_mpage_free(pg);
    sat_manifest_free(m);
    free(t);
    free(pt);
}

/* Replaces the first occurrence of `from` by `to` in the root (page = 0) or the
 * page (page = 1) and expects parsing to fail. */
static void expect_reject_in(int page, const char *from, const char *to)
{
    size_t n;
    char *t = page ? good_page(&n) : good(&n);
    char *p = strstr(t, from);
    char *u;
    sat_manifest *m = NULL;
    sat_mpage *pg = NULL;
    size_t fl = strlen(from), tl = strlen(to);
    int rc;

    if (p == NULL)
        fail_msg("\"%s\" not found in the %s", from, page ? "page" : "root");
    u = malloc(n - fl + tl + 1);
    memcpy(u, t, (size_t)(p - t));
    memcpy(u + (p - t), to, tl);
    memcpy(u + (p - t) + tl, p + fl, n - (size_t)(p - t) - fl);
    rc = page ? parse_page(u, n - fl + tl, &pg) : parse(u, n - fl + tl, &m);
    if (rc == 0)
        fail_msg("accepted a %s with \"%s\" replaced by \"%s\"", page ? "page" : "root", from, to);
    assert_null(m);
    assert_null(pg);
    free(u);
    free(t);
}

#define expect_reject(f, t) expect_reject_in(0, f, t)
#define expect_reject_page(f, t) expect_reject_in(1, f, t)

static void test_rejects(void **state)
{
    (void)state;
    expect_reject("satchel-manifest\t5", "satchel-manifest\t2"); /* other version */
    expect_reject("satchel-manifest\t5", "satchel-manifest\t4");
    expect_reject("satchel-manifest\t5", "satchel-manifest\t6");
    /* the collection line (SPEC 4.3) */
    expect_reject("cdcd\t2\t3\n", "cdcd\t0\t3\n");                  /* N = 0 */
    expect_reject("cdcd\t2\t3\n", "cdcd\t4\t3\n");                  /* N > M */
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\t1000\n");               /* M > 999 */
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\t0\n");                  /* M = 0 */
    expect_reject("cdcd\t2\t3\n", "cdcd\t02\t3\n");                 /* non-canonical */
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\t03\n");
    expect_reject("cdcd\t2\t3\n", "cdcd\t+2\t3\n");
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\t3\t\n");                /* extra field */
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\t3\t4\n");
    expect_reject("cdcd\t2\t3\n", "cdcd\t2\n");                     /* missing field */
    expect_reject("cdcd\t2\t3\n", "cdcd\t\t3\n");                   /* empty field */
    expect_reject("collection\tcdcd", "collection\tCDcd");           /* uppercase hex */
    expect_reject("collection\tcdcd", "collection\txdcd");           /* not hex */
    expect_reject("collection\tcdcd", "collection\tcd");             /* short id */
    expect_reject("collection\tcdcd", "collection\tcdcdcd");         /* long id */
    expect_reject("collection\t", "volumes\t");                      /* wrong key */
    expect_reject("collection\t", "collection \t");
    expect_reject("seq\t48\ncollection", "seq\t48\nseq\t48\ncollection"); /* out of order */
    expect_reject("\n", "\r\n");                                 /* CRLF */
    expect_reject("seq\t48", "seq\t048");                        /* non-canonical number */
    expect_reject("seq\t48", "seq\t-48");
    expect_reject("abababab", "ABABABAB");                       /* uppercase hex */
    expect_reject("bundle\t", "bundle\t\t");                     /* extra field */
    expect_reject("entries\t3", "entries\t4");                   /* count differs from pages */
    expect_reject("entries\t3", "entries\t1999999");
    expect_reject("clusters\t2", "clusters\t999999");            /* huge claimed count */
    expect_reject("pages\t1", "pages\t99999");
    expect_reject("pages\t1", "pages\t0");
    expect_reject("C\t6656", "C\t5200");                         /* clusters overlap */
    expect_reject("P\t512\t", "P\t999999\t");                   /* page beyond the data */
    expect_reject("C\t5120", "C\t5632");                         /* not where the layout says */
    expect_reject("P\t512\t", "P\t0\t");                         /* no room for its header */
    expect_reject("data\t8704", "data\t9216");                   /* data size wrong */
    expect_reject("data\t8704", "data\t99999999999999999");
    /* the search index */
    expect_reject("search\t1536\t", "search\t2048\t");           /* not where the layout says */
    expect_reject("search\t1536\t40\t6\t2\t", "search\t1536\t40\t6\t4\t"); /* docs > entries */
    expect_reject("search\t1536\t40\t6\t2\t", "search\t1536\t40\t6\t0\t");
    expect_reject("search\t1536\t40\t6\t2\t", "search\t1536\t40\t2\t2\t"); /* table too small */
    expect_reject("search\t1536\t40\t6\t2\t2\t", "search\t1536\t40\t6\t2\t3\t"); /* block count */
    expect_reject("search\t1536\t40\t6\t2\t2\t", "search\t1536\t40\t6\t2\t0\t");
    expect_reject("search\t1536\t40\t6\t2\t2\t", "search\t1536\t40\t6\t2\t999999\t");
    expect_reject("search\t1536\t40\t6\t", "search\t1536\t40\t99999999999\t");
    expect_reject("\t2\t2222", "\t2\t2223\t2222");              /* extra field */
    expect_reject("\t평양\t", "\t2026\t");                        /* terms not increasing */
    expect_reject("\t평양\t", "\t\t");                              /* empty term */
    expect_reject("\t평양\t", "\tAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\t"); /* > 64 bytes */
    expect_reject("\t300\t7\t", "\t300\t76\t");                  /* more terms than bytes/4 */
    expect_reject("\t300\t7\t", "\t300\t0\t");
    expect_reject("T\t4096", "T\t4097");                         /* term block misplaced */
    expect_reject("T\t4096", "X\t4096");
    expect_reject("\t2000\t30\t", "\t99999999999\t30\t");      /* block too large */
    expect_reject("\tb-img.png\n", "\t../img\n");                /* bad media id */
    expect_reject("media\t1", "media\t2");                       /* media count wrong */
    expect_reject("M\t8192\t300", "M\t8192\t999999");            /* media beyond the data */
    expect_reject("\t300\t0000", "\t300\tG000");                 /* media hash not hex */
    expect_reject("\ta-first\t", "\t../x\t");                    /* bad first id */
    expect_reject("주간", "\x1b[31m");                            /* control char in title */
    expect_reject("주간", "\xc2\x9b");                            /* C1 control */
    expect_reject("주간", "\xff\xfe");                            /* invalid UTF-8 */
    expect_reject("end\n", "end\nX");                            /* trailing bytes */
    expect_reject("end\n", "end");                               /* no final LF */
    expect_reject("end\n", "fin\n");
    expect_reject("\t3\ta-first", "\t4\ta-first");               /* page count mismatch */

    expect_reject_page("E\tb-img.png", "E\ta-first");            /* duplicate id */
    expect_reject_page("E\tb-img.png", "E\t../etc");             /* bad id */
    expect_reject_page("E\ta-first", "E\ta-zero");               /* first id differs */
    expect_reject_page("\tarticle\t", "\tnovel\t");              /* unknown kind */
    expect_reject_page("2026-11-01", "2026-02-30");              /* bad date */
    expect_reject_page("평양에서", "\x1b]0;x\x07");                /* escape in title */
    expect_reject_page("Radio", "-");                            /* missing title */
    expect_reject_page("\t1\t10\t3990\t", "\t1\t10\t3991\t");     /* range beyond cluster */
    expect_reject_page("\t1\t10\t3990\t", "\t2\t10\t3990\t");     /* no such cluster */
    expect_reject_page("\tm\t0\t300\t", "\tm\t1\t300\t");         /* no such M line */
    expect_reject_page("\tm\t0\t300\t", "\tm\t00\t300\t");        /* non-canonical index */
    expect_reject_page("\tm\t0\t300\t", "\tm\t0\t299\t");         /* differs from its M line */
    expect_reject_page("\tarticle\t-", "\tarticle\ta-first");    /* its own parent */
    expect_reject_page("\ttranscript\t", "\timage\t");           /* media kind in a cluster */
    expect_reject_page("\ta,b\t", "\t\t");                       /* empty field */
    expect_reject_page("\ta,b\t", "\ta,b \t");                    /* writer's tag rules (fuzz) */
    expect_reject_page("\ta,b\t", "\t,\t");
    expect_reject_page("\ta,b\t", "\ta,,b\t");
    expect_reject_page("E\tc-radio", "X\tc-radio");
    expect_reject_page("E\tb-img.png", "E\tb-img.pnh");          /* E id differs from M id */
}

/* Parses t with the part [a, a+alen) moved to just before b (b after a) and expects it
 * refused: a header line out of its place. */
static void expect_reject_moved(const char *t, size_t n, const char *line, const char *before)
{
    const char *a = strstr(t, line), *b = strstr(t, before);
    size_t alen = strlen(line), pos = 0;
    char *u = malloc(n + 1);
    sat_manifest *m = NULL;

    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    memcpy(u, t, (size_t)(a - t));
    pos = (size_t)(a - t);
    memcpy(u + pos, a + alen, (size_t)(b - a) - alen);
    pos += (size_t)(b - a) - alen;
    memcpy(u + pos, line, alen);
    pos += alen;
    memcpy(u + pos, b, n - (size_t)(b - t));
    if (parse(u, n, &m) == 0)
        fail_msg("accepted \"%s\" moved before \"%s\"", line, before);
    free(u);
}

static void test_collection_line(void **state)
{
    size_t n;
    char *t = good(&n);
    const char *cl = "collection\tcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd\t2\t3\n";
    sat_manifest *m = NULL;
    sat_manifest_head h;
    sat_collection c, back;
    sat_buf b = {0};
    sat_err err = {0};
    const char *why = NULL;
    sat_pubkey pk;
    uint8_t id1[SAT_COLLECTION_ID_BYTES], id2[SAT_COLLECTION_ID_BYTES];
    char *u, *p;
    (void)state;

    /* the writer puts it right after seq; any other place is refused */
    assert_non_null(strstr(t, "seq\t48\ncollection\tcdcd"));
    expect_reject_moved(t, n, cl, "clusters\t");
    expect_reject_moved(t, n, "seq\t48\n", "data\t");
    /* missing altogether */
    p = strstr(t, cl);
    u = malloc(n);
    memcpy(u, t, (size_t)(p - t));
    memcpy(u + (p - t), p + strlen(cl), n - (size_t)(p - t) - strlen(cl));
    assert_int_not_equal(parse(u, n - strlen(cl), &m), 0);
    free(u);
    /* "collection -": a single bundle, round trip */
    u = malloc(n);
    memcpy(u, t, (size_t)(p - t));
    memcpy(u + (p - t), "collection\t-\n", 13);
    memcpy(u + (p - t) + 13, p + strlen(cl), n - (size_t)(p - t) - strlen(cl));
    assert_int_equal(parse(u, n - strlen(cl) + 13, &m), 0);
    assert_false(m->head.collection.present);
    sat_manifest_free(m);
    m = NULL;
    memcpy(u + (p - t), "collection\t--\n", 14);
    assert_int_not_equal(parse(u, n - strlen(cl) + 14, &m), 0);
    free(u);
    free(t);

    /* render and parse agree for the extremes; render refuses what parse refuses */
    memset(&c, 0, sizeof c);
    memset(c.id, 0x5a, sizeof c.id);
    c.present = 1;
    c.volume = 999;
    c.volumes = 999;
    assert_int_equal(sat_collection_render(&b, &c), 0);
    assert_string_equal(b.data, "collection\t5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\t999\t999\n");
    assert_int_equal(sat_collection_parse(b.data, b.len - 1, &back, &why), 0);
    assert_memory_equal(&back, &c, sizeof c);
    b.len = 0;
    c.volume = 1;
    c.volumes = 1;
    assert_int_equal(sat_collection_render(&b, &c), 0);
    assert_int_equal(sat_collection_parse(b.data, b.len - 1, &back, &why), 0);
    assert_int_equal(back.volume, 1);
    c.volumes = 1000;
    assert_int_equal(sat_collection_render(&b, &c), SAT_E_ARG);
    c.volumes = 2;
    c.volume = 3;
    assert_int_equal(sat_collection_render(&b, &c), SAT_E_ARG);
    c.volume = 0;
    assert_int_equal(sat_collection_render(&b, &c), SAT_E_ARG);
    memset(&h, 0, sizeof h);
    h.collection = c;
    h.title = "x";
    strcpy(h.created, "2026-11-20T00:00:00Z");
    assert_int_equal(sat_manifest_render(&b, &h, NULL, 0, NULL, 0, NULL, 0, 0, &err), SAT_E_ARG);
    sat_buf_free(&b);

    /* the id: the same for the same header, different when any part differs */
    memset(&pk, 7, sizeof pk);
    sat_collection_derive(&pk, "2026-11-20T00:00:00Z", 3, "News", NULL, id1);
    sat_collection_derive(&pk, "2026-11-20T00:00:00Z", 3, "News", NULL, id2);
    assert_memory_equal(id1, id2, sizeof id1);
    sat_collection_derive(&pk, "2026-11-20T00:00:00Z", 4, "News", NULL, id2);
    assert_memory_not_equal(id1, id2, sizeof id1);
    sat_collection_derive(&pk, "2026-11-20T00:00:00Z", 3, "News", "P", id2);
    assert_memory_not_equal(id1, id2, sizeof id1);
    pk.pk[0] = 8;
    sat_collection_derive(&pk, "2026-11-20T00:00:00Z", 3, "News", NULL, id2);
    assert_memory_not_equal(id1, id2, sizeof id1);
}

static void test_long_line(void **state)
{
    size_t n;
    char *t = good(&n);
    char *u, *p = strstr(t, "48");
    sat_manifest *m = NULL;
    size_t pad = SAT_LINE_MAX + 10, off = (size_t)(p - t);
    sat_err err = {0};
    (void)state;

    u = malloc(n + pad + 1);
    memcpy(u, t, off);
    memset(u + off, 'x', pad);
    memcpy(u + off + pad, p, n - off);
    assert_int_equal(sat_manifest_parse(u, n + pad, SAT_BUNDLE_MAX, &m, &err), SAT_E_LIMIT);
    free(u);
    free(t);
}

static void test_every_truncation(void **state)
{
    size_t n, i;
    char *t = good(&n);
    sat_manifest *m = NULL;
    sat_mpage *pg = NULL;
    (void)state;

    for (i = 0; i < n; i++) {
        assert_int_not_equal(parse(t, i, &m), 0);
        assert_null(m);
    }
    free(t);
    t = good_page(&n);
    for (i = 0; i < n; i++) {
        assert_int_not_equal(parse_page(t, i, &pg), 0);
        assert_null(pg);
    }
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_collection_line),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
