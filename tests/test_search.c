/* test_search.c - full-text search over a real bundle: Korean inside longer words,
 * one-syllable words, phrases, exclusions, prefixes, filters, ranking, snippets, and what
 * damage does (a damaged text is never a hit; a damaged term block stops the search). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sat_bundle.h"
#include "sat_index.h"
#include "sat_search.h"
#include "sat_text.h"

static char dir[] = "/tmp/satchel-test-search-XXXXXX";
static char bundle[300], plain[300];
static sat_seckey *sk;
static sat_pubkey pk;

typedef struct doc {
    char *id;
    const char *kind;
    char *lang, *section, *date, *title;
    const char *body;
} doc;

static doc docs[] = {
    {"k1", "article", "ko", "국내", "2026-11-01", "평양에서 온 소식",
     "오늘 평양에서 쌀값이 올랐다.\n문서를 찾는 사람들이 늘었다.\n"},
    {"k2", "article", "ko", "경제", "2026-11-02", "신의주 장마당",
     "신의주 장마당의 쌀 가격이 내렸다.\n공문서 보관 방법.\n장마당 소식.\n"},
    {"k3", "article", "ko", "국내", "2026-11-03", "날씨",
     "평양 날씨는 맑음. 물을 끓여 드십시오.\n"},
    {"e1", "article", "en", "world", "2026-10-01", "Elections in the north",
     "The election was held. Electricity was cut for hours.\n"},
    {"e2", "article", "en", "world", "2026-10-02", "Market day",
     "Rice prices at the market rose. People's market opened early.\n"},
    {"t1", "transcript", "ko", "라디오", "2026-11-04", "아침 소식",
     "[00:00:05] 김철수: 평양과 함흥은 맑고 춥습니다.\n"},
    {"d1", "article", "ko", "국내", "2026-01-01", "같은 제목", "같은 글입니다.\n"},
    {"d2", "article", "ko", "국내", "2026-02-01", "같은 제목", "같은 글입니다.\n"},
    /* body made by setup: 65 words ending in 랑, more than SAT_IXLINKS_MAX bigrams, so
     * the index keeps 랑's run-final list instead of link terms */
    {"f1", "article", "ko", "문화", "2025-06-01", "노래 목록", NULL},
};
static char f1_body[1024];
#define NDOCS (sizeof docs / sizeof docs[0])

static void write_bundle(const char *out, int no_index)
{
    sat_writer_opts o;
    sat_writer *w = NULL;
    sat_err err = {0};
    sat_meta m;
    size_t i;
    static const char png[] = "\x89PNG\r\n\x1a\nnot really an image";

    memset(&o, 0, sizeof o);
    o.title = "Search test";
    o.created = "2026-11-20T00:00:00Z";
    o.level = 3;
    o.cluster_size = 4096; /* several clusters */
    o.no_index = no_index;
    assert_int_equal(sat_writer_create(&o, &w, &err), 0);
    for (i = 0; i < NDOCS; i++) {
        memset(&m, 0, sizeof m);
        m.id = docs[i].id;
        assert_int_equal(sat_kind_parse(docs[i].kind, strlen(docs[i].kind), &m.kind), 0);
        m.lang = docs[i].lang;
        m.section = docs[i].section;
        m.date = docs[i].date;
        m.title = docs[i].title;
        assert_int_equal(sat_writer_add_text(w, &m, docs[i].body, strlen(docs[i].body), &err), 0);
    }
    /* a media entry sorts between the texts: document numbers must still find their entries */
    memset(&m, 0, sizeof m);
    m.id = (char *)"img.png";
    m.kind = SAT_KIND_IMAGE;
    m.title = (char *)"평양 사진";
    m.parent = (char *)"k1";
    assert_int_equal(sat_writer_add_media_buf(w, &m, png, sizeof png - 1, &err), 0);
    if (sat_writer_finish(w, out, sk, &err) != 0)
        fail_msg("finish: %s", err.msg);
    sat_writer_free(w);
}

static int setup(void **state)
{
    sat_err err = {0};

    size_t k, n = 0;

    (void)state;
    for (k = 0; k <= SAT_IXLINKS_MAX; k++) { /* 가랑 각랑 갂랑 ... */
        n += sat_utf8_encode(0xAC00 + (uint32_t)k, f1_body + n);
        memcpy(f1_body + n, "랑 ", 4);
        n += 4;
    }
    f1_body[n - 1] = '\n';
    docs[NDOCS - 1].body = f1_body;
    if (mkdtemp(dir) == NULL)
        return -1;
    if (sat_keypair_generate(&pk, &sk, &err) != 0)
        return -1;
    snprintf(bundle, sizeof bundle, "%s/s.satchel", dir);
    snprintf(plain, sizeof plain, "%s/plain.satchel", dir);
    write_bundle(bundle, 0);
    write_bundle(plain, 1);
    return 0;
}

static int teardown(void **state)
{
    char cmd[400];

    (void)state;
    sat_seckey_free(sk);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs q on path with limit; returns the hit ids joined by spaces ("" for none) and the
 * total and damaged counts. */
static int run(const char *path, const char *q, size_t limit, char *ids, size_t cap, size_t *total,
               size_t *damaged)
{
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_query *qq = NULL;
    sat_search_result *r = NULL;
    sat_err err = {0};
    size_t i;
    int rc;

    ids[0] = '\0';
    assert_int_equal(sat_bundle_open(path, &pk, 1, &b, &err), 0);
    if (sat_query_parse(q, strlen(q), &qq, &err) != 0)
        fail_msg("query %s: %s", q, err.msg);
    rc = sat_search_open(b, &s, &err);
    if (rc == 0)
        rc = sat_search_run(s, qq, limit, &r, &err);
    if (rc == 0) {
        for (i = 0; i < r->n; i++) {
            const sat_mentry *e = NULL;
            assert_int_equal(sat_bundle_entry(b, r->hits[i].entry, &e, &err), 0);
            if (i > 0)
                strncat(ids, " ", cap - strlen(ids) - 1);
            strncat(ids, e->id, cap - strlen(ids) - 1);
        }
        *total = r->total;
        *damaged = r->n_damaged;
        if (limit == 0)
            assert_true(r->total_exact); /* every candidate was read */
    }
    sat_search_result_free(r);
    sat_search_free(s);
    sat_query_free(qq);
    sat_bundle_close(b);
    return rc;
}

/* The hits of q (all of them, best first) must be exactly `want`. */
static void expect(const char *q, const char *want)
{
    char ids[512];
    size_t total = 0, damaged = 0;

    assert_int_equal(run(bundle, q, 0, ids, sizeof ids, &total, &damaged), 0);
    if (strcmp(ids, want) != 0)
        fail_msg("query [%s]: got [%s], want [%s]", q, ids, want);
    assert_int_equal(damaged, 0);
}

/* Like expect, for queries whose order is not the point: compares sorted sets. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sorted(const char *in, char *out, size_t cap)
{
    char buf[512], *words[32], *tok, *save = NULL;
    size_t n = 0, i;

    snprintf(buf, sizeof buf, "%s", in);
    for (tok = strtok_r(buf, " ", &save); tok && n < 32; tok = strtok_r(NULL, " ", &save))
        words[n++] = tok;
    qsort(words, n, sizeof *words, cmp_str);
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (i)
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, words[i], cap - strlen(out) - 1);
    }
}

static void expect_set(const char *q, const char *want)
{
    char ids[512], a[512], b[512];
    size_t total = 0, damaged = 0;

    assert_int_equal(run(bundle, q, 0, ids, sizeof ids, &total, &damaged), 0);
    sorted(ids, a, sizeof a);
    sorted(want, b, sizeof b);
    if (strcmp(a, b) != 0)
        fail_msg("query [%s]: got {%s}, want {%s}", q, a, b);
}

static void test_korean(void **state)
{
    (void)state;
    expect_set("평양", "k1 k3 t1");       /* 평양에서, 평양, 평양과: inside longer words */
    expect_set("평양에서", "k1");         /* three syllables: checked on the text */
    expect_set("문서", "k1 k2");          /* 문서를, and inside 공문서 */
    expect_set("쌀", "k1 k2");            /* one syllable: 쌀값 and 쌀 */
    expect_set("물", "k3");               /* 물을 */
    expect_set("함흥", "t1");
    expect_set("장마당 쌀", "k2");
    expect_set("평양 -날씨", "k1 t1");
    expect_set("평양에서 -문서", "");
    expect_set("맑", "k3 t1");            /* 맑음, 맑고 */
    expect_set("춥습니다", "t1");          /* the end of a line */
    expect_set("양에서", "k1");
    expect_set("서울", "");
    expect_set("평", "k1 k3 t1");
    expect_set("다", "k1 k2 t1 d1 d2"); /* only ever the last syllable of a word */
    expect_set("식", "k1 k2 t1");        /* 소식: the end of a word, through its link term */
    expect_set("음", "k3");              /* 맑음 */
    expect_set("랑", "f1");              /* 65 words: through its run-final list */
    expect_set("가", "f1 k2");           /* 가랑 begins, 가격 begins */
    expect_set("\"쌀 가격\"", "k2");     /* a one-syllable word in a phrase */
    expect_set("\"의 쌀\"", "k2");       /* 장마당의 쌀: a word's last syllable, then 쌀 */
    expect_set("\"값 쌀\"", "");
    expect_set("\"각랑 갂랑\"", "f1");
}

static void test_english_and_syntax(void **state)
{
    (void)state;
    expect_set("election", "e1");
    expect_set("ELECTION", "e1");
    expect_set("elect*", "e1"); /* elections, election, electricity */
    expect_set("elections", "e1");
    expect_set("market", "e2");
    expect_set("market -rice", "");
    expect_set("\"rice prices\"", "e2");
    expect_set("\"prices rice\"", ""); /* both words, not in this order */
    expect_set("people's", "e2");
    expect_set("\"market opened\"", "e2");
    expect_set("rice election", "");
}

static void test_filters(void **state)
{
    (void)state;
    expect_set("평양 kind:transcript", "t1");
    expect_set("평양 lang:ko kind:article", "k1 k3");
    expect_set("평양 since:2026-11-02", "k3 t1");
    expect_set("평양 until:2026-11-01", "k1");
    expect_set("평양 section:국내", "k1 k3");
    expect_set("market lang:ko", "");
}

static void test_ranking(void **state)
{
    char ids[256];
    size_t total = 0, damaged = 0;

    (void)state;
    /* in k2's title and body twice: first; k1's title weighs more than k3's body */
    expect("장마당", "k2");
    /* titles (weight 3) above a body mention; of the two titles the shorter entry first */
    expect("소식", "t1 k1 k2");
    /* equal texts: the newer first */
    expect("같은", "d2 d1");
    /* limit: the best hits, with the total of all */
    assert_int_equal(run(bundle, "평양", 1, ids, sizeof ids, &total, &damaged), 0);
    assert_int_equal(total, 3);
    assert_int_equal(strchr(ids, ' '), NULL);
}

static void test_snippet(void **state)
{
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_query *q = NULL;
    sat_search_result *r = NULL;
    sat_snippet sn;
    sat_err err = {0};
    const char *qs[] = {"평양에서", "쌀", "elect*"};
    const char *want_mark[] = {"평양에서", "쌀", "Elections"};
    size_t i;

    (void)state;
    assert_int_equal(sat_bundle_open(bundle, &pk, 1, &b, &err), 0);
    assert_int_equal(sat_search_open(b, &s, &err), 0);
    for (i = 0; i < 3; i++) {
        size_t k;
        assert_int_equal(sat_query_parse(qs[i], strlen(qs[i]), &q, &err), 0);
        assert_int_equal(sat_search_run(s, q, 5, &r, &err), 0);
        assert_true(r->n >= 1);
        assert_int_equal(sat_search_snippet(s, q, &r->hits[0], 60, &sn, &err), 0);
        assert_true(sn.n_marks >= 1);
        for (k = 0; k < sn.len; k++)
            assert_true((unsigned char)sn.text[k] >= 0x20); /* one line, no controls */
        if (i < 2) {
            /* the first mark is exactly the word asked for (or the syllable) */
            size_t ml = sn.marks[0][1] - sn.marks[0][0];
            if (ml != strlen(want_mark[i]) ||
                memcmp(sn.text + sn.marks[0][0], want_mark[i], ml) != 0)
                fail_msg("query %s: first mark \"%.*s\" in \"%s\"", qs[i], (int)ml,
                         sn.text + sn.marks[0][0], sn.text);
        } else {
            /* elect* in e1: the body's words starting with elect are marked */
            assert_non_null(strstr(sn.text, "election"));
            assert_true(memcmp(sn.text + sn.marks[0][0], "election", 8) == 0);
        }
        (void)want_mark;
        sat_snippet_free(&sn);
        sat_search_result_free(r);
        sat_query_free(q);
        r = NULL;
        q = NULL;
    }
    /* a phrase is marked where it occurs whole, not its words elsewhere */
    assert_int_equal(sat_query_parse("\"market opened\"", 15, &q, &err), 0);
    assert_int_equal(sat_search_run(s, q, 5, &r, &err), 0);
    assert_int_equal(r->n, 1);
    assert_int_equal(sat_search_snippet(s, q, &r->hits[0], 200, &sn, &err), 0);
    assert_int_equal(sn.n_marks, 1);
    assert_int_equal(sn.marks[0][1] - sn.marks[0][0], 13);
    assert_memory_equal(sn.text + sn.marks[0][0], "market opened", 13);
    sat_snippet_free(&sn);
    sat_search_result_free(r);
    sat_query_free(q);
    sat_search_free(s);
    sat_bundle_close(b);
}

/* Copies the bundle and flips one byte at data offset off (relative to D) + delta. */
static void damaged_copy(const char *out, int which, size_t *unit_out)
{
    sat_bundle *b = NULL;
    sat_err err = {0};
    const sat_mentry *e;
    uint64_t at;
    FILE *f;
    char cmd[700];
    int c;

    assert_int_equal(sat_bundle_open(bundle, &pk, 1, &b, &err), 0);
    if (which == 0) { /* the cluster holding k1 */
        assert_int_equal(sat_bundle_find(b, "k1", &e, &err), 0);
        at = sat_bundle_data_start(b) + sat_bundle_manifest(b)->clusters[e->unit].offset + 20;
        *unit_out = e->unit;
    } else { /* the first term block */
        at = sat_bundle_data_start(b) + sat_bundle_manifest(b)->head.search_blocks[0].offset + 5;
    }
    sat_bundle_close(b);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", bundle, out);
    assert_int_equal(system(cmd), 0);
    f = fopen(out, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)at, SEEK_SET), 0);
    c = fgetc(f);
    assert_int_equal(fseek(f, (long)at, SEEK_SET), 0);
    fputc(c ^ 0x55, f);
    fclose(f);
}

static void test_damage(void **state)
{
    char path[320], ids[512];
    size_t total = 0, damaged = 0, unit = 0;
    sat_bundle *b = NULL;
    sat_search *s = NULL;
    sat_err err = {0};

    (void)state;
    /* a damaged cluster: its entries are never hits, and are counted */
    snprintf(path, sizeof path, "%s/dc.satchel", dir);
    damaged_copy(path, 0, &unit);
    assert_int_equal(run(path, "평양", 0, ids, sizeof ids, &total, &damaged), 0);
    assert_null(strstr(ids, "k1"));
    assert_true(damaged >= 1);
    assert_int_equal(total + damaged, 3);
    /* a damaged term block: the search refuses (results would be incomplete) */
    snprintf(path, sizeof path, "%s/dt.satchel", dir);
    damaged_copy(path, 1, &unit);
    assert_int_equal(run(path, "평양", 0, ids, sizeof ids, &total, &damaged),
                     SAT_E_HASH);
    /* no index */
    assert_int_equal(sat_bundle_open(plain, &pk, 1, &b, &err), 0);
    assert_int_equal(sat_search_open(b, &s, &err), SAT_E_NOTFOUND);
    assert_non_null(strstr(err.msg, "no search index"));
    sat_bundle_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_korean),  cmocka_unit_test(test_english_and_syntax),
        cmocka_unit_test(test_filters), cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_snippet), cmocka_unit_test(test_damage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
