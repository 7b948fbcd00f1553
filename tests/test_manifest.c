/* test_manifest.c - render/parse round trip and the strictness of the parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_manifest.h"

#define FILE_SIZE 1000000

static char *good(size_t *len)
{
    sat_manifest_head h;
    sat_cluster c[2];
    sat_meta m[3];
    sat_mentry l[3];
    sat_buf b = {0};
    sat_err err = {0};

    memset(&h, 0, sizeof h);
    memset(c, 0, sizeof c);
    memset(m, 0, sizeof m);
    memset(l, 0, sizeof l);
    memset(h.bundle_id, 0xab, sizeof h.bundle_id);
    h.title = "주간 뉴스 48";
    h.publisher = NULL;
    strcpy(h.created, "2026-11-20T00:00:00Z");
    h.seq = 48;
    c[0].offset = 1536;
    c[0].size = 1000;
    c[0].usize = 5000;
    c[1].offset = 3072;
    c[1].size = 900;
    c[1].usize = 4000;
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
    l[1].offset = 5120;
    l[1].size = 300;
    m[2].id = "c-radio";
    m[2].kind = SAT_KIND_TRANSCRIPT;
    m[2].title = "Radio";
    l[2].unit = 1;
    l[2].offset = 10;
    l[2].size = 3990;
    assert_int_equal(sat_manifest_render(&b, &h, c, 2, m, l, 3, &err), 0);
    *len = b.len;
    return b.data;
}

static int parse(const char *t, size_t n, sat_manifest **m)
{
    sat_err err = {0};
    return sat_manifest_parse(t, n, FILE_SIZE, m, &err);
}

static void test_round_trip(void **state)
{
    size_t n;
    char *t = good(&n);
    sat_manifest *m = NULL;
    const sat_mentry *e;
    (void)state;

    assert_int_equal(parse(t, n, &m), 0);
    assert_int_equal(m->n_entries, 3);
    assert_int_equal(m->n_clusters, 2);
    assert_string_equal(m->head.title, "주간 뉴스 48");
    assert_null(m->head.publisher);
    assert_int_equal(m->head.seq, 48);
    e = sat_manifest_find(m, "b-img.png");
    assert_non_null(e);
    assert_int_equal(e->unit, SAT_UNIT_MEDIA);
    assert_string_equal(e->parent, "a-first");
    e = sat_manifest_find(m, "c-radio");
    assert_int_equal(e->unit, 1);
    assert_int_equal(e->offset, 10);
    assert_null(sat_manifest_find(m, "nope"));
    assert_string_equal(sat_manifest_find(m, "a-first")->tags, "a,b");
    sat_manifest_free(m);
    free(t);
}

/* Replaces the first occurrence of `from` by `to` and expects parsing to fail. */
static void expect_reject(const char *from, const char *to)
{
    size_t n;
    char *t = good(&n);
    char *p = strstr(t, from);
    char *u;
    sat_manifest *m = NULL;
    size_t fl = strlen(from), tl = strlen(to);

    assert_non_null(p);
    u = malloc(n - fl + tl + 1);
    memcpy(u, t, (size_t)(p - t));
    memcpy(u + (p - t), to, tl);
    memcpy(u + (p - t) + tl, p + fl, n - (size_t)(p - t) - fl);
    if (parse(u, n - fl + tl, &m) == 0)
        fail_msg("accepted a manifest with \"%s\" replaced by \"%s\"", from, to);
    assert_null(m);
    free(u);
    free(t);
}

static void test_rejects(void **state)
{
    (void)state;
    expect_reject("satchel-manifest\t1", "satchel-manifest\t2"); /* unknown version */
    expect_reject("\n", "\r\n");                                 /* CRLF */
    expect_reject("seq\t48", "seq\t048");                        /* non-canonical number */
    expect_reject("seq\t48", "seq\t-48");
    expect_reject("abababab", "ABABABAB");                       /* uppercase hex */
    expect_reject("bundle\t", "bundle\t\t");                     /* extra field */
    expect_reject("entries\t3", "entries\t4");                   /* count wrong */
    expect_reject("entries\t3", "entries\t2");
    expect_reject("entries\t3", "entries\t1999999");             /* huge claimed count */
    expect_reject("clusters\t2", "clusters\t999999");
    expect_reject("E\tb-img.png", "E\ta-first");                 /* duplicate id */
    expect_reject("E\tb-img.png", "E\t../etc");                  /* bad id */
    expect_reject("\tarticle\t", "\tnovel\t");                   /* unknown kind */
    expect_reject("2026-11-01", "2026-02-30");                   /* bad date */
    expect_reject("평양에서", "\x1b[31m평양");                     /* control char in title */
    expect_reject("평양에서", "\xff\xfe");                         /* invalid UTF-8 */
    expect_reject("Radio", "-");                                 /* missing title */
    expect_reject("\t1\t10\t3990\t", "\t1\t10\t3991\t");          /* range beyond cluster */
    expect_reject("\t1\t10\t3990\t", "\t2\t10\t3990\t");          /* no such cluster */
    expect_reject("\tm\t5120\t300\t", "\tm\t999999\t300\t");     /* media beyond file */
    expect_reject("\timage\ta-first\t", "\timage\tnobody\t");   /* parent missing */
    expect_reject("C\t3072", "C\t1600");                         /* clusters overlap */
    expect_reject("end\n", "end\nX");                            /* trailing bytes */
    expect_reject("end\n", "end");                               /* no final LF */
    expect_reject("end\n", "fin\n");
    expect_reject("\ta,b\t", "\t\t");                            /* empty field */
}

static void test_long_line(void **state)
{
    size_t n;
    char *t = good(&n);
    char *u, *p = strstr(t, "Radio");
    sat_manifest *m = NULL;
    size_t pad = SAT_LINE_MAX + 10, off = (size_t)(p - t);
    sat_err err = {0};
    (void)state;

    u = malloc(n + pad + 1);
    memcpy(u, t, off);
    memset(u + off, 'x', pad);
    memcpy(u + off + pad, p, n - off);
    assert_int_equal(sat_manifest_parse(u, n + pad, FILE_SIZE, &m, &err), SAT_E_LIMIT);
    free(u);
    free(t);
}

static void test_every_truncation(void **state)
{
    size_t n, i;
    char *t = good(&n);
    sat_manifest *m = NULL;
    (void)state;

    for (i = 0; i < n; i++) {
        assert_int_not_equal(parse(t, i, &m), 0);
        assert_null(m);
    }
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
