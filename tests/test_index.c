/* test_index.c - the search index's stored parts: the builder's document table and term
 * blocks (weights, lengths, block splitting) and their strict parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_index.h"
#include "sat_text.h"
#include "sat_postings.h"

typedef struct built {
    sat_buf docs;
    sat_ixblock_out *blocks;
    size_t n;
} built;

/* Three documents (entries 5, 2, 9; the second in group 1, the others in group 0), blocks
 * of at most `target` bytes. */
static built build3(size_t target)
{
    sat_ixbuild *ix = NULL;
    sat_err err = {0};
    built b;

    memset(&b, 0, sizeof b);
    assert_int_equal(sat_ixbuild_create(&ix, &err), 0);
    assert_int_equal(sat_ixbuild_add(ix, 5, 0, "평양 소식", NULL, "평양에서 쌀값\n", 20, &err),
                     0);
    assert_int_equal(
        sat_ixbuild_add(ix, 2, 1, "Market", "경제", "market market rice\n", 19, &err), 0);
    assert_int_equal(sat_ixbuild_add(ix, 9, 0, "x", NULL, "평양\n", 7, &err), 0);
    assert_int_equal(sat_ixbuild_finish(ix, target, &b.docs, &b.blocks, &b.n, &err), 0);
    sat_ixbuild_free(ix);
    return b;
}

static void built_free(built *b)
{
    sat_buf_free(&b->docs);
    sat_ixblock_out_free(b->blocks, b->n);
}

/* Parses block i of b (a copy of its bytes). */
static int parse_block(const built *b, size_t i, int deep, sat_ixblock **out, sat_err *err)
{
    uint8_t *buf = malloc(b->blocks[i].data.len + 1);

    memcpy(buf, b->blocks[i].data.data, b->blocks[i].data.len);
    return sat_ixblock_parse(buf, b->blocks[i].data.len, b->blocks[i].count, b->blocks[i].first,
                             i + 1 < b->n ? b->blocks[i + 1].first : NULL, 3, deep, out, err);
}

/* Term t of b, in *blk (parsed deep; the caller frees it), or NULL when b lacks it. */
static const sat_ixterm *lookup(const built *b, const char *t, sat_ixblock **blk)
{
    size_t i, k;
    sat_err err = {0};

    for (i = 0; i < b->n; i++) {
        assert_int_equal(parse_block(b, i, 1, blk, &err), 0);
        k = sat_ixblock_lower(*blk, t, strlen(t));
        if (k < (*blk)->n && strcmp((*blk)->terms[k].term, t) == 0)
            return &(*blk)->terms[k];
        sat_ixblock_free(*blk);
    }
    *blk = NULL;
    return NULL;
}

/* The documents and frequencies of term t, as "doc:freq doc:freq". */
static void list_of(const built *b, const char *t, char *out, size_t cap)
{
    sat_ixblock *blk = NULL;
    const sat_ixterm *x = lookup(b, t, &blk);
    sat_err err = {0};
    sat_postings_dec d;

    out[0] = '\0';
    if (x == NULL)
        return;
    assert_int_equal(sat_postings_open(&d, x->list, x->list_len, &err), 0);
    while (sat_postings_next(&d, &err) == 1) {
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%u:%u", l ? " " : "", (unsigned)d.doc, (unsigned)d.freq);
    }
    sat_ixblock_free(blk);
}

/* The link offset of term t (0: an ordinary term; -1: no such term), asserting that a link
 * has the one-byte empty list. */
static long link_of(const built *b, const char *t)
{
    sat_ixblock *blk = NULL;
    const sat_ixterm *x = lookup(b, t, &blk);
    long r;

    if (x == NULL)
        return -1;
    r = (long)x->link;
    if (r > 0) {
        assert_int_equal(x->list_len, 1);
        assert_int_equal(x->list[0], 0);
    }
    sat_ixblock_free(blk);
    return r;
}

static void test_build_and_parse(void **state)
{
    built b = build3(SAT_TBLOCK_TARGET);
    uint32_t entry[3], dlen[3];
    uint64_t total = 0;
    sat_err err = {0};
    char l[128];

    (void)state;
    assert_int_equal(b.n, 1);
    assert_int_equal(sat_ixdocs_parse(b.docs.data, b.docs.len, 3, 10, entry, dlen, &total, &err),
                     0);
    /* numbered by group, then length: group 0 holds entry 9 (length 4) and entry 5 (10),
     * group 1 entry 2 */
    assert_int_equal(entry[0], 9);
    assert_int_equal(entry[1], 5);
    assert_int_equal(entry[2], 2);
    /* entry 9: title x (3), body 평양 (1) */
    assert_int_equal(dlen[0], 4);
    /* entry 5: title 평양 소식 (x3 each) = 6; body 평양 양에 에서 쌀값 = 4 */
    assert_int_equal(dlen[1], 10);
    /* entry 2: title market (3), section 경제 (3), body 3 words */
    assert_int_equal(dlen[2], 9);
    assert_int_equal(total, 23);
    list_of(&b, "평양", l, sizeof l);
    assert_string_equal(l, "0:1 1:4"); /* body only; title (3) + body (1) */
    list_of(&b, "market", l, sizeof l);
    assert_string_equal(l, "2:5");
    list_of(&b, "경제", l, sizeof l); /* the section weighs like the title */
    assert_string_equal(l, "2:3");
    /* no unigram inside or at the end of a run: the link terms stand for them */
    list_of(&b, "양", l, sizeof l);
    assert_string_equal(l, "");
    list_of(&b, "서", l, sizeof l);
    assert_string_equal(l, "");
    assert_int_equal(link_of(&b, "양"), -1);
    assert_int_equal(link_of(&b, "양" SAT_IXLINK_SEP "평"), 3);
    assert_int_equal(link_of(&b, "서" SAT_IXLINK_SEP "에"), 3);
    assert_int_equal(link_of(&b, "값" SAT_IXLINK_SEP "쌀"), 3);
    assert_int_equal(link_of(&b, "제" SAT_IXLINK_SEP "경"), 3);
    assert_int_equal(link_of(&b, "평양"), 0);
    assert_int_equal(link_of(&b, "양" SAT_IXLINK_SEP "소"), -1);
    /* a character ending more than SAT_IXLINKS_MAX bigrams: indexed where it ends a run,
     * in its one-character term, with no link terms */
    {
        built c;
        sat_ixbuild *ix = NULL;
        char body[4096];
        size_t n = 0, k;
        memset(&c, 0, sizeof c);
        for (k = 0; k <= SAT_IXLINKS_MAX; k++) { /* 가다 각다 갂다 ... (65 bigrams) */
            n += sat_utf8_encode(0xAC00 + (uint32_t)k, body + n);
            memcpy(body + n, "다 ", 4);
            n += 4;
        }
        memcpy(body + n, "다 마다\n", 12); /* one alone, one more after 마 */
        n += 12;
        assert_int_equal(sat_ixbuild_create(&ix, &err), 0);
        assert_int_equal(sat_ixbuild_add(ix, 0, 0, NULL, NULL, body, n, &err), 0);
        assert_int_equal(sat_ixbuild_add(ix, 1, 0, NULL, NULL, "마다\n", 7, &err), 0);
        assert_int_equal(sat_ixbuild_finish(ix, SAT_TBLOCK_TARGET, &c.docs, &c.blocks, &c.n, &err),
                         0);
        sat_ixbuild_free(ix);
        list_of(&c, "다", l, sizeof l); /* doc 0 (entry 1, shorter): 1; doc 1: 65 + 1 + 1 */
        assert_string_equal(l, "0:1 1:67");
        assert_int_equal(link_of(&c, "다" SAT_IXLINK_SEP "마"), -1);
        assert_int_equal(link_of(&c, "다" SAT_IXLINK_SEP "가"), -1);
        list_of(&c, "마다", l, sizeof l);
        assert_string_equal(l, "0:1 1:1");
        built_free(&c);
    }
    /* at the limit, links */
    {
        built c;
        sat_ixbuild *ix = NULL;
        char body[4096];
        size_t n = 0, k;
        memset(&c, 0, sizeof c);
        for (k = 0; k < SAT_IXLINKS_MAX; k++) {
            n += sat_utf8_encode(0xAC00 + (uint32_t)k, body + n);
            memcpy(body + n, "다 ", 4);
            n += 4;
        }
        body[n++] = '\n';
        assert_int_equal(sat_ixbuild_create(&ix, &err), 0);
        assert_int_equal(sat_ixbuild_add(ix, 0, 0, NULL, NULL, body, n, &err), 0);
        assert_int_equal(sat_ixbuild_finish(ix, SAT_TBLOCK_TARGET, &c.docs, &c.blocks, &c.n, &err),
                         0);
        sat_ixbuild_free(ix);
        list_of(&c, "다", l, sizeof l);
        assert_string_equal(l, "");
        assert_int_equal(link_of(&c, "다"), -1);
        assert_int_equal(link_of(&c, "다" SAT_IXLINK_SEP "가"), 3);
        built_free(&c);
    }
    /* bigrams without a link: cut (30 combining marks on 가), or too long for one (28
     * marks: 62 bytes, its link would take 65): the character they end keeps its
     * run-final list, and its other links (다나) go */
    {
        size_t marks[] = {30, 28}, m;
        for (m = 0; m < 2; m++) {
            built c;
            sat_ixbuild *ix = NULL;
            char body[256];
            size_t n = 0, k;
            memset(&c, 0, sizeof c);
            n += sat_utf8_encode(0xAC00, body + n);
            for (k = 0; k < marks[m]; k++)
                n += sat_utf8_encode(0x0301, body + n);
            memcpy(body + n, "나\n", 5);
            n += 4;
            assert_int_equal(sat_ixbuild_create(&ix, &err), 0);
            assert_int_equal(sat_ixbuild_add(ix, 0, 0, NULL, NULL, body, n, &err), 0);
            assert_int_equal(sat_ixbuild_add(ix, 1, 0, NULL, NULL, "다나\n", 7, &err), 0);
            assert_int_equal(
                sat_ixbuild_finish(ix, SAT_TBLOCK_TARGET, &c.docs, &c.blocks, &c.n, &err), 0);
            sat_ixbuild_free(ix);
            list_of(&c, "나", l, sizeof l); /* both documents (the same length: call order) */
            assert_string_equal(l, "0:1 1:1");
            assert_int_equal(link_of(&c, "나" SAT_IXLINK_SEP "다"), -1);
            built_free(&c);
        }
    }
    /* a one-character run keeps its unigram */
    {
        built c;
        sat_ixbuild *ix = NULL;
        memset(&c, 0, sizeof c);
        assert_int_equal(sat_ixbuild_create(&ix, &err), 0);
        assert_int_equal(sat_ixbuild_add(ix, 0, 0, NULL, NULL, "쌀 값\n", 8, &err), 0);
        assert_int_equal(sat_ixbuild_finish(ix, SAT_TBLOCK_TARGET, &c.docs, &c.blocks, &c.n, &err),
                         0);
        sat_ixbuild_free(ix);
        list_of(&c, "쌀", l, sizeof l);
        assert_string_equal(l, "0:1");
        built_free(&c);
    }
    built_free(&b);
}

static void test_blocks_split(void **state)
{
    built one = build3(SAT_TBLOCK_TARGET), many = build3(1);
    sat_ixblock *blk = NULL;
    sat_err err = {0};
    size_t i, terms = 0;

    (void)state;
    /* a target of 1 byte: every record gets its own block, in term order */
    assert_int_equal(many.n, one.blocks[0].count);
    for (i = 0; i < many.n; i++) {
        assert_int_equal(many.blocks[i].count, 1);
        if (i > 0)
            assert_true(strcmp(many.blocks[i - 1].first, many.blocks[i].first) < 0);
        assert_int_equal(parse_block(&many, i, 1, &blk, &err), 0);
        terms += blk->n;
        sat_ixblock_free(blk);
    }
    assert_int_equal(terms, one.blocks[0].count);
    /* front coding: the single block is smaller than the blocks' records together */
    {
        size_t sum = 0;
        for (i = 0; i < many.n; i++)
            sum += many.blocks[i].data.len;
        assert_true(one.blocks[0].data.len < sum);
    }
    built_free(&one);
    built_free(&many);
}

static void expect_docs_error(const char *bytes, size_t len, uint64_t ndocs, uint64_t nentries,
                              const char *needle)
{
    uint32_t entry[8], dlen[8];
    uint64_t total;
    sat_err err = {0};

    assert_int_equal(sat_ixdocs_parse(bytes, len, ndocs, nentries, entry, dlen, &total, &err),
                     SAT_E_FORMAT);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_docs_refused(void **state)
{
    (void)state;
    expect_docs_error("\x01\x03\x02\x04\x00", 5, 2, 3, "bytes after");
    expect_docs_error("\x01\x03\x01\x04", 4, 2, 3, "listed twice");
    expect_docs_error("\x05\x03", 2, 1, 3, "names entry 5");
    expect_docs_error("\x01\x83", 2, 1, 3, "truncated");
    expect_docs_error("\x01\x80\x00", 3, 1, 3, "shortest");
    expect_docs_error("\x01\x03", 2, 2, 3, "document 1");
}

/* A block from records given as (shared, suffix, list) with the list bytes of a real term. */
static int parse_crafted(const char *const *sfx, const uint32_t *shared, size_t n,
                         const uint8_t *list, size_t llen, const char *first,
                         const char *next_first, uint32_t count, sat_err *err)
{
    sat_buf b = {0};
    sat_ixblock *blk = NULL;
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        uint8_t v[2] = {(uint8_t)shared[i], (uint8_t)strlen(sfx[i])};
        sat_buf_append(&b, v, 2);
        sat_buf_append(&b, sfx[i], strlen(sfx[i]));
        v[0] = (uint8_t)llen;
        sat_buf_append(&b, v, 1);
        sat_buf_append(&b, list, llen);
    }
    rc = sat_ixblock_parse((uint8_t *)b.data, b.len, count, first, next_first, 3, 1, &blk, err);
    sat_ixblock_free(blk); /* on error the parser freed the bytes */
    return rc;
}

static void test_block_refused(void **state)
{
    built b = build3(SAT_TBLOCK_TARGET);
    sat_ixblock *blk = NULL;
    sat_err err = {0};
    const uint8_t *list;
    size_t llen;
    uint8_t copy[64];
    const char *ab[] = {"a", "b"}, *ba[] = {"b", "a"}, *ctl[] = {"a", "\x01"};
    const uint32_t sh0[] = {0, 0}, sh5[] = {0, 5};

    (void)state;
    assert_int_equal(parse_block(&b, 0, 1, &blk, &err), 0);
    list = blk->terms[0].list;
    llen = blk->terms[0].list_len;
    assert_true(llen < sizeof copy);
    memcpy(copy, list, llen);
    sat_ixblock_free(blk);
    /* the crafted block is accepted as it is */
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "a", NULL, 2, &err), 0);
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "a", "c", 2, &err), 0);
    /* and refused when anything is off */
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "b", NULL, 2, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "first term differs"));
    assert_int_equal(parse_crafted(ba, sh0, 2, copy, llen, "b", NULL, 2, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "increasing"));
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "a", "b", 2, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "next block"));
    assert_int_equal(parse_crafted(ctl, sh0, 2, copy, llen, "a", NULL, 2, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "control"));
    assert_int_equal(parse_crafted(ab, sh5, 2, copy, llen, "a", NULL, 2, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "length"));
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "a", NULL, 3, &err), SAT_E_FORMAT);
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, llen, "a", NULL, 1, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "after the last term"));
    assert_int_equal(parse_crafted(ab, sh0, 2, copy, 0, "a", NULL, 2, &err), SAT_E_FORMAT);
    /* link terms: the one byte 00 as their list, and only they */
    {
        static const uint8_t none[] = {0};
        const char *links[] = {"a" SAT_IXLINK_SEP "b", "c" SAT_IXLINK_SEP "d"};
        const char *lead[] = {SAT_IXLINK_SEP "b", "c" SAT_IXLINK_SEP "d"};
        const char *trail[] = {"a" SAT_IXLINK_SEP, "c" SAT_IXLINK_SEP "d"};
        const char *twice[] = {"a" SAT_IXLINK_SEP "b" SAT_IXLINK_SEP "c", "c" SAT_IXLINK_SEP "d"};
        assert_int_equal(parse_crafted(links, sh0, 2, none, 1, links[0], NULL, 2, &err), 0);
        assert_int_equal(parse_crafted(links, sh0, 2, copy, llen, links[0], NULL, 2, &err),
                         SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "link term with documents"));
        assert_int_equal(parse_crafted(lead, sh0, 2, none, 1, lead[0], NULL, 2, &err),
                         SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "link term without"));
        assert_int_equal(parse_crafted(trail, sh0, 2, none, 1, trail[0], NULL, 2, &err),
                         SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "link term without"));
        assert_int_equal(parse_crafted(twice, sh0, 2, none, 1, twice[0], NULL, 2, &err),
                         SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "link term without"));
        /* an ordinary term without documents */
        assert_int_equal(parse_crafted(ab, sh0, 2, none, 1, "a", NULL, 2, &err), SAT_E_FORMAT);
        assert_non_null(strstr(err.msg, "empty"));
        /* the parsed link says where its separator is */
        assert_int_equal(sat_ixterm_link("평" SAT_IXLINK_SEP "양", 9), 3);
        assert_int_equal(sat_ixterm_link("평양", 6), SAT_IXLINK_NONE);
    }
    /* a list naming a document beyond the table (3 documents; this one names doc 2) */
    {
        uint8_t *buf = malloc(b.blocks[0].data.len);
        memcpy(buf, b.blocks[0].data.data, b.blocks[0].data.len);
        assert_int_equal(sat_ixblock_parse(buf, b.blocks[0].data.len, b.blocks[0].count,
                                           b.blocks[0].first, NULL, 2, 1, &blk, &err),
                         SAT_E_FORMAT);
    }
    built_free(&b);
}

/* A block of n link terms "<ch> U+E000 <y>" (y = "a", "b", ... as two-letter names) in
 * terms[0..n), with their names in names[]. */
static void link_block(sat_ixblock *b, sat_ixterm *terms, char (*names)[16], const char *ch,
                       size_t first, size_t n)
{
    size_t i;

    memset(b, 0, sizeof *b);
    for (i = 0; i < n; i++) {
        size_t y = first + i;
        snprintf(names[i], sizeof names[i], "%s" SAT_IXLINK_SEP "%c%c", ch,
                 (char)('a' + y / 26), (char)('a' + y % 26));
        terms[i].term = names[i];
        terms[i].len = strlen(names[i]);
        terms[i].link = strlen(ch);
        terms[i].list = (const uint8_t *)"";
        terms[i].list_len = 1;
    }
    b->terms = terms;
    b->n = n;
}

/* At most SAT_IXLINKS_MAX link terms per character, counted across block boundaries;
 * another character starts a new count; ordinary terms do not count. */
static void test_link_run(void **state)
{
    sat_ixterm terms[SAT_IXLINKS_MAX + 1];
    char names[SAT_IXLINKS_MAX + 1][16];
    sat_ixterm plain = {"x", 1, 0, (const uint8_t *)"", 1};
    sat_ixblock b;
    sat_ixlink_run r;
    sat_err err;

    (void)state;
    /* 40 + 24 = 64 links of 가 over two blocks: accepted; one more: refused */
    memset(&r, 0, sizeof r);
    link_block(&b, terms, names, "가", 0, 40);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), 0);
    link_block(&b, terms, names, "가", 40, 24);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), 0);
    assert_int_equal(r.n, SAT_IXLINKS_MAX);
    link_block(&b, terms, names, "가", 64, 1);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "more than 64 link terms for \"가\""));

    /* 64 of 가, then an ordinary term, then 64 of 각 (same first byte): accepted */
    memset(&r, 0, sizeof r);
    link_block(&b, terms, names, "가", 0, SAT_IXLINKS_MAX);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), 0);
    b.terms = &plain;
    b.n = 1;
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), 0);
    link_block(&b, terms, names, "각", 0, SAT_IXLINKS_MAX);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), 0);
    assert_string_equal(r.ch, "각");

    /* 65 in one block */
    memset(&r, 0, sizeof r);
    link_block(&b, terms, names, "각", 0, SAT_IXLINKS_MAX + 1);
    assert_int_equal(sat_ixlink_run_feed(&r, &b, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "term 64"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_and_parse),
        cmocka_unit_test(test_blocks_split),
        cmocka_unit_test(test_docs_refused),
        cmocka_unit_test(test_block_refused),
        cmocka_unit_test(test_link_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
