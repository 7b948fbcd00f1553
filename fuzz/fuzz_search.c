/*
 * fuzz_search.c - whole searches: fuzzer bytes are a query (the first byte picks the
 * limit) run over a small bundle built once, at start, from fixed Korean and English texts
 * (several clusters, a media entry among them).
 * Oracles: the query parses or is refused with a message; a search returns at most
 * `limit` hits, only text entries, scores never increasing; with limit 0 the total is
 * exact and equals the hits; the hits of a limited run are the first hits of the full
 * run, in the same order; every snippet is valid UTF-8 without control characters, its
 * marks in order, inside it, not overlapping, on character boundaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "sat_query.h"
#include "sat_search.h"
#include "sat_text.h"

static const char *const texts[][4] = {
    /* id, lang, title, body */
    {"a1", "ko", "평양에서 온 소식", "오늘 평양에서 쌀값이 올랐다.\n## 시장\n문서를 찾는 사람들.\n"},
    {"a2", "ko", "신의주 장마당", "신의주 장마당의 쌀 가격.\n* 공문서 보관\n=> https://x.example/ 링크\n"},
    {"a3", "en", "Elections", "The election was held.\nElectricity was cut. People's market.\n"},
    {"a4", "en", "Market day", "Rice prices at the market rose. \"Quoted\" words, 3.5 percent.\n"},
    {"a5", "ko", "아침 소식", "[00:00:05] 김철수: 평양과 함흥은 맑고 춥습니다.\n> 인용문 평양\n"},
    {"a6", "ja", "東京のニュース", "東京で雨が降りました。漢字とカタカナ。\n"},
    {"a7", "ko", "같은 제목", "같은 글입니다. 같은 글입니다.\n```\npre 평양\n```\n"},
    {"a8", "ru", "Новости", "Выборы в городе. ВЫБОРЫ. café Ωμέγα ＧＤＰ\n"},
};

static sat_bundle *b;
static sat_search *s;

static void setup(void)
{
    char path[] = "/tmp/satchel-fuzz-search-XXXXXX";
    sat_writer_opts o;
    sat_writer *w = NULL;
    sat_err err = {0};
    sat_meta m;
    size_t i;
    int fd = mkstemp(path);

    if (fd < 0)
        fuzz_fail("mkstemp");
    close(fd);
    memset(&o, 0, sizeof o);
    o.title = "fuzz";
    o.created = "2026-11-20T00:00:00Z";
    o.level = 1;
    o.cluster_size = 4096;
    if (sat_writer_create(&o, &w, &err) != 0)
        fuzz_fail("writer: %s", err.msg);
    for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        memset(&m, 0, sizeof m);
        m.id = (char *)texts[i][0];
        m.kind = i == 4 ? SAT_KIND_TRANSCRIPT : SAT_KIND_ARTICLE;
        m.lang = (char *)texts[i][1];
        m.title = (char *)texts[i][2];
        m.date = i % 2 ? (char *)"2026-11-01" : (char *)"2026-10-01";
        m.section = i % 3 ? (char *)"국내" : NULL;
        if (sat_writer_add_text(w, &m, texts[i][3], strlen(texts[i][3]), &err) != 0)
            fuzz_fail("add: %s", err.msg);
    }
    memset(&m, 0, sizeof m);
    m.id = (char *)"a2.png";
    m.kind = SAT_KIND_IMAGE;
    m.title = (char *)"평양 사진";
    if (sat_writer_add_media_buf(w, &m, "img", 3, &err) != 0 ||
        sat_writer_finish(w, path, fuzz_seckey(), &err) != 0)
        fuzz_fail("finish: %s", err.msg);
    sat_writer_free(w);
    if (sat_bundle_open(path, fuzz_pubkey(), 1, &b, &err) != 0 ||
        sat_search_open(b, &s, &err) != 0)
        fuzz_fail("open: %s", err.msg);
    unlink(path); /* the descriptor stays open */
}

static void check_snippet(const sat_snippet *sn)
{
    size_t i, prev = 0;

    if (sn->text == NULL || strlen(sn->text) != sn->len || !sat_utf8_valid(sn->text, sn->len, NULL))
        fuzz_fail("snippet not a valid string");
    for (i = 0; i < sn->len; i++)
        if ((unsigned char)sn->text[i] < 0x20 || sn->text[i] == 0x7f)
            fuzz_fail("control byte in snippet at %zu", i);
    for (i = 0; i < sn->n_marks; i++) {
        size_t a = sn->marks[i][0], e = sn->marks[i][1];
        if (a < prev || a > e || e > sn->len)
            fuzz_fail("mark %zu [%zu, %zu) out of order or range (len %zu)", i, a, e, sn->len);
        if ((a < sn->len && ((unsigned char)sn->text[a] & 0xc0) == 0x80) ||
            (e < sn->len && ((unsigned char)sn->text[e] & 0xc0) == 0x80))
            fuzz_fail("mark %zu splits a character", i);
        prev = e;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t limits[] = {1, 2, 5, 20};
    sat_query *q = NULL;
    sat_search_result *all = NULL, *lim = NULL;
    sat_err err = {0};
    size_t i, limit;
    int rc;

    if (s == NULL)
        setup();
    if (size < 1)
        return 0;
    limit = limits[data[0] & 3];
    if (sat_query_parse((const char *)data + 1, size - 1, &q, &err) != 0) {
        if (err.msg[0] == '\0')
            fuzz_fail("refused query without a message");
        return 0;
    }
    if ((rc = sat_search_run(s, q, 0, &all, &err)) != 0)
        fuzz_fail("search failed on an intact bundle: %s", err.msg);
    if (!all->total_exact || all->n != all->total || all->n_damaged != 0)
        fuzz_fail("limit 0: %zu hits, total %zu (exact %d)", all->n, all->total,
                  all->total_exact);
    if ((rc = sat_search_run(s, q, limit, &lim, &err)) != 0)
        fuzz_fail("limited search failed: %s", err.msg);
    if (lim->n > limit || lim->n != (all->n < limit ? all->n : limit) || lim->total < all->total)
        fuzz_fail("limit %zu: %zu hits (of %zu), total %zu", limit, lim->n, all->n, lim->total);
    for (i = 0; i < all->n; i++) {
        sat_snippet sn;
        const sat_mentry *e = NULL;
        if (sat_bundle_entry(b, all->hits[i].entry, &e, &err) != 0)
            fuzz_fail("hit %zu: %s", i, err.msg);
        if (e->unit == SAT_UNIT_MEDIA)
            fuzz_fail("hit %zu is a media entry", i);
        if (i > 0 && all->hits[i].score > all->hits[i - 1].score)
            fuzz_fail("scores increase at hit %zu", i);
        if (i < lim->n && lim->hits[i].entry != all->hits[i].entry)
            fuzz_fail("limited hit %zu differs", i);
        if (sat_search_snippet(s, q, &all->hits[i], 20 + (size_t)(data[0] >> 2) * 4, &sn, &err) !=
            0)
            fuzz_fail("snippet: %s", err.msg);
        check_snippet(&sn);
        sat_snippet_free(&sn);
    }
    sat_search_result_free(all);
    sat_search_result_free(lim);
    sat_query_free(q);
    return 0;
}
