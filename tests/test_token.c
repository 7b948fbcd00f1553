/* test_token.c - tests for formats/sat_token.c */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sat_text.h"
#include "sat_token.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct collect {
    sat_buf terms;     /* "term term term" */
    sat_buf detail;    /* "term@pos:off+len " */
    const char *input; /* for the offset check */
    size_t last_pos;
    size_t count;
    int kinds[64];
    size_t splits[64];
} collect;

static int collect_fn(const sat_token *t, void *ctx)
{
    collect *c = ctx;

    assert_true(t->term_len >= 1 && t->term_len <= SAT_TOKEN_MAX);
    assert_int_equal(strlen(t->term), t->term_len);
    assert_true(sat_utf8_valid(t->term, t->term_len, NULL));
    if (c->count > 0)
        assert_true(t->pos >= c->last_pos);
    c->last_pos = t->pos;
    if (c->count < 64) {
        c->kinds[c->count] = t->kind;
        c->splits[c->count] = t->split;
    }
    if (t->split != 0) /* a bigram's first character's term is a prefix of it */
        assert_true(t->kind == SAT_TOKEN_BIGRAM && t->split < t->term_len);
    c->count++;
    assert_int_equal(sat_buf_printf(&c->terms, "%s%s", c->terms.len ? " " : "", t->term), 0);
    assert_int_equal(sat_buf_printf(&c->detail, "%s%s@%zu:%.*s", c->detail.len ? " " : "", t->term,
                                    t->pos, (int)t->len, c->input + t->off),
                     0);
    return 0;
}

/* Tokenises s (gemtext when gem) and returns the terms, space-separated (static). */
static collect run(const char *s, int gem, unsigned flags)
{
    collect c;
    sat_err err;
    int rc;

    memset(&c, 0, sizeof c);
    c.input = s;
    assert_int_equal(sat_buf_append(&c.terms, "", 0), 0);
    assert_int_equal(sat_buf_append(&c.detail, "", 0), 0);
    rc = gem ? sat_token_gemtext(s, strlen(s), flags, collect_fn, &c, &err)
             : sat_token_text(s, strlen(s), flags, collect_fn, &c, &err);
    assert_int_equal(rc, 0);
    return c;
}

static void collect_free(collect *c)
{
    sat_buf_free(&c->terms);
    sat_buf_free(&c->detail);
}

static void expect_terms(const char *s, int gem, unsigned flags, const char *want)
{
    collect c = run(s, gem, flags);

    assert_string_equal(c.terms.data, want);
    collect_free(&c);
}

static void expect_detail(const char *s, int gem, unsigned flags, const char *want)
{
    collect c = run(s, gem, flags);

    assert_string_equal(c.detail.data, want);
    collect_free(&c);
}

/* 1 if every term of `sub` (space-separated) is a term of `all`. */
static int terms_subset(const char *sub, const char *all)
{
    char word[SAT_TOKEN_MAX + 3];
    char hay[4096];
    const char *p = sub;
    size_t n;

    snprintf(hay, sizeof hay, " %s ", all);
    while (*p != '\0') {
        n = strcspn(p, " ");
        snprintf(word, sizeof word, " %.*s ", (int)n, p);
        if (strstr(hay, word) == NULL)
            return 0;
        p += n;
        p += *p == ' ';
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* tests                                                                    */
/* ------------------------------------------------------------------------ */

static void test_korean_bigrams(void **state)
{
    collect doc;
    collect q;

    (void)state;
    expect_detail("평양에서 문서를", 0, 0,
                  "평양@0:평양 양에@1:양에 에서@2:에서 문서@4:문서 서를@5:서를");
    doc = run("평양에서 문서를 읽었다.", 0, 0);
    q = run("평양", 0, 0);
    assert_string_equal(q.terms.data, "평양");
    assert_int_equal(q.kinds[0], SAT_TOKEN_BIGRAM);
    assert_true(terms_subset(q.terms.data, doc.terms.data));
    collect_free(&q);
    q = run("문서", 0, 0);
    assert_true(terms_subset(q.terms.data, doc.terms.data));
    collect_free(&q);
    q = run("평양에서 읽었다", 0, 0);
    assert_true(terms_subset(q.terms.data, doc.terms.data));
    collect_free(&q);
    q = run("평양역", 0, 0); /* 양역 is not in the document */
    assert_false(terms_subset(q.terms.data, doc.terms.data));
    collect_free(&q);
    collect_free(&doc);
}

static void test_korean_unigrams(void **state)
{
    collect c;

    (void)state;
    /* a single syllable: its unigram, whatever the flags */
    c = run("물", 0, 0);
    assert_string_equal(c.detail.data, "물@0:물");
    assert_int_equal(c.kinds[0], SAT_TOKEN_SINGLE);
    collect_free(&c);
    expect_terms("물", 0, SAT_TOKEN_UNIGRAMS, "물");
    expect_terms("물 한 잔", 0, 0, "물 한 잔");
    /* with SAT_TOKEN_UNIGRAMS: the same bigrams at the same positions, plus unigrams */
    c = run("평양에 비", 0, SAT_TOKEN_UNIGRAMS);
    assert_string_equal(c.detail.data, "평@0:평 평양@0:평양 양@1:양 양에@1:양에 에@2:에 비@3:비");
    assert_int_equal(c.kinds[0], SAT_TOKEN_UNIGRAM);
    assert_int_equal(c.kinds[1], SAT_TOKEN_BIGRAM);
    assert_int_equal(c.kinds[5], SAT_TOKEN_SINGLE);
    collect_free(&c);
    /* with SAT_TOKEN_FINALS: only the last character of a longer run adds its unigram,
     * after the run's last bigram; a run of one is its SINGLE as always */
    c = run("평양에 비 서울", 0, SAT_TOKEN_FINALS);
    assert_string_equal(c.detail.data, "평양@0:평양 양에@1:양에 에@2:에 비@3:비 서울@4:서울 울@5:울");
    assert_int_equal(c.kinds[2], SAT_TOKEN_UNIGRAM);
    assert_int_equal(c.kinds[3], SAT_TOKEN_SINGLE);
    assert_int_equal(c.splits[0], 0); /* no split without SAT_TOKEN_SPLITS */
    collect_free(&c);
    /* with SAT_TOKEN_SPLITS: each bigram says where its first character's term ends */
    c = run("평양에 비", 0, SAT_TOKEN_SPLITS);
    assert_string_equal(c.detail.data, "평양@0:평양 양에@1:양에 비@3:비");
    assert_int_equal(c.splits[0], 3);
    assert_int_equal(c.splits[1], 3);
    assert_int_equal(c.splits[2], 0); /* a one-character run is no bigram */
    collect_free(&c);
    /* halfwidth katakana with a voiced mark (part of its character): NFKC makes ガ, 3 bytes
     * where the source had 6 */
    c = run("\xef\xbd\xb6\xef\xbe\x9e\xef\xbd\xb7", 0, SAT_TOKEN_SPLITS); /* ｶﾞｷ */
    assert_string_equal(c.terms.data, "ガキ");
    assert_int_equal(c.splits[0], 3);
    collect_free(&c);
    /* a word of another script gives no split */
    c = run("e\xcc\x81", 0, SAT_TOKEN_SPLITS); /* a Latin word: no bigram */
    assert_int_equal(c.splits[0], 0);
    collect_free(&c);
}

static void test_english(void **state)
{
    collect c;

    (void)state;
    expect_detail("Election-day, ELECTIONS!", 0, 0,
                  "election@0:Election day@1:day elections@2:ELECTIONS");
    expect_terms("The people's choice: don't wait.", 0, 0, "the people s choice don t wait");
    expect_terms("mp3 players_2 (G20)", 0, 0, "mp3 players 2 g20");
    c = run("in 2026 mp3", 0, 0);
    assert_int_equal(c.kinds[0], SAT_TOKEN_WORD);
    assert_int_equal(c.kinds[1], SAT_TOKEN_NUMBER);
    assert_int_equal(c.kinds[2], SAT_TOKEN_WORD);
    collect_free(&c);
    expect_terms("", 0, 0, "");
    expect_terms(" ,.;!? -- ", 0, 0, "");
}

static void test_case_folding(void **state)
{
    (void)state;
    /* Cyrillic, Greek (final sigma folds to sigma; accents are kept, so Greek capitals
     * written without their accent differ from the lower case word), German sharp s */
    expect_terms("МОСКВА Москва", 0, 0, "москва москва");
    expect_terms("ΟΔΥΣΣΕΥΣ Οδυσσευς Οδυσσεύς", 0, 0, "οδυσσευσ οδυσσευσ οδυσσεύσ");
    expect_terms("Straße STRASSE", 0, 0, "strasse strasse");
    expect_terms("Café CAFÉ cafe", 0, 0, "café café cafe");
    /* compatibility forms: fullwidth Latin and digits, a ligature */
    expect_terms("ＧＤＰ ２０２６ ﬁnal", 0, 0, "gdp 2026 final");
    /* a soft hyphen inside a word is dropped and does not split it */
    expect_terms("elec\xC2\xADtion", 0, 0, "election");
}

static void test_mixed(void **state)
{
    collect c;

    (void)state;
    c = run("2026년 GDP 3.5%", 0, 0);
    assert_string_equal(c.detail.data, "2026@0:2026 년@1:년 gdp@2:GDP 3@3:3 5@4:5");
    assert_int_equal(c.kinds[0], SAT_TOKEN_NUMBER);
    assert_int_equal(c.kinds[1], SAT_TOKEN_SINGLE);
    assert_int_equal(c.kinds[2], SAT_TOKEN_WORD);
    assert_int_equal(c.kinds[3], SAT_TOKEN_NUMBER);
    collect_free(&c);
    expect_terms("UN안보리가", 0, 0, "un 안보 보리 리가");
}

static void test_japanese(void **state)
{
    (void)state;
    /* kanji and kana in one run; the prolonged sound mark is a letter */
    expect_terms("東京でニュースを読む。", 0, 0, "東京 京で でニ ニュ ュー ース スを を読 読む");
    /* halfwidth katakana with a voiced mark: folded to the fullwidth form */
    expect_terms("ﾃﾞｰﾀ", 0, 0, "デー ータ");
    expect_terms("データ", 0, 0, "デー ータ");
}

static void test_gemtext(void **state)
{
    const char *body = "# Flood warning\n"
                       "Rain in the east.\n"
                       "=> https://example.org/flood?id=7 Full report\n"
                       "=> gemini://example.org/x\n"
                       "=> attachment:img-1 Map of rivers\n"
                       "* river levels\n"
                       "> Stay safe\n"
                       "```python\n"
                       "=> print(x)\n"
                       "```\n"
                       "## 홍수 경보\n";

    (void)state;
    expect_terms(body, 1, 0,
                 "flood warning rain in the east full report river levels stay safe print x "
                 "홍수 경보");
    /* the same text as plain text keeps the URLs and markup words */
    expect_terms("=> https://a.b/c Label", 0, 0, "https a b c label");
    expect_terms("=> https://a.b/c Label\n", 1, 0, "label");
    expect_terms("=>\n=>   \n```\n", 1, 0, "");
    expect_detail("text\n=> u  Label 둘\n", 1, 0, "text@0:text label@1:Label 둘@2:둘");
}

typedef struct offcheck {
    const char *s;
    size_t len;
    size_t n;
} offcheck;

static int offcheck_fn(const sat_token *t, void *ctx)
{
    offcheck *o = ctx;

    assert_true(t->off < o->len && t->len > 0 && t->len <= o->len - t->off);
    /* a token's source bytes start and end on character boundaries */
    assert_true(sat_utf8_valid(o->s + t->off, t->len, NULL));
    o->n++;
    return 0;
}

static void test_offsets_and_stop(void **state)
{
    const char *s = "Ünïcode 평양에서 ΑΘΗΝΑ 12";
    offcheck o = {s, strlen(s), 0};
    sat_err err;

    (void)state;
    assert_int_equal(sat_token_text(s, o.len, SAT_TOKEN_UNIGRAMS, offcheck_fn, &o, &err), 0);
    assert_int_equal(o.n, 1 + 7 + 2);
    expect_detail(s, 0, 0,
                  "ünïcode@0:Ünïcode 평양@1:평양 양에@2:양에 에서@3:에서 αθηνα@5:ΑΘΗΝΑ "
                  "12@6:12");
    assert_int_equal(sat_token_text(s, o.len, 0, NULL, NULL, &err), SAT_E_ARG);
}

static int stop_fn(const sat_token *t, void *ctx)
{
    size_t *n = ctx;

    (void)t;
    return ++*n == 2 ? -42 : 0;
}

static void test_callback_stop(void **state)
{
    size_t n = 0;

    (void)state;
    assert_int_equal(sat_token_text("a b c d", 7, 0, stop_fn, &n, NULL), -42);
    assert_int_equal(n, 2);
}

static void test_invalid_utf8(void **state)
{
    size_t n = 0;
    sat_err err;

    (void)state;
    sat_err_clear(&err);
    assert_int_equal(sat_token_text("abc \xC3(x", 7, 0, stop_fn, &n, &err), SAT_E_FORMAT);
    assert_int_equal(n, 0); /* nothing before the error */
    assert_non_null(strstr(err.msg, "byte offset 4"));
    assert_int_equal(sat_token_gemtext("ok\n\xED\xA0\x80", 6, 0, stop_fn, &n, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "byte offset 3"));
    assert_int_equal(sat_token_text(NULL, 3, 0, stop_fn, &n, &err), SAT_E_ARG);
}

static void test_nfc_query(void **state)
{
    collect doc;
    collect q;

    (void)state;
    /* document composed; query decomposed (Hangul jamo, e + combining acute) */
    doc = run("평양에서 café", 0, 0);
    q = run("\xE1\x84\x91\xE1\x85\xA7\xE1\x86\xBC\xE1\x84\x8B\xE1\x85\xA3\xE1\x86\xBC "
            "CAFE\xCC\x81",
            0, 0);
    assert_string_equal(q.terms.data, "평양 café");
    assert_true(terms_subset(q.terms.data, doc.terms.data));
    collect_free(&q);
    collect_free(&doc);
}

static void test_long_terms(void **state)
{
    char s[400];
    collect c;

    (void)state;
    memset(s, 'A', 300);
    s[300] = '\0';
    c = run(s, 0, 0);
    assert_int_equal(c.terms.len, SAT_TOKEN_MAX);
    collect_free(&c);
    /* 30 x "é" (2 bytes) + "x": cut at a character boundary */
    s[0] = '\0';
    for (int i = 0; i < 40; i++)
        strcat(s, "\xC3\x89");
    c = run(s, 0, 0);
    assert_int_equal(c.terms.len, SAT_TOKEN_MAX);
    assert_true(sat_utf8_valid(c.terms.data, c.terms.len, NULL));
    collect_free(&c);
}

/* Recall by construction: every substring of 1..4 characters of a Hangul run, as a
 * query, gives terms that the document has (one-character queries against the
 * document's unigrams), at positions with one common difference (a phrase match). */
typedef struct phrase {
    char terms[64][SAT_TOKEN_MAX + 1];
    size_t pos[64];
    size_t n;
} phrase;

static int phrase_fn(const sat_token *t, void *ctx)
{
    phrase *p = ctx;

    assert_true(p->n < 64);
    memcpy(p->terms[p->n], t->term, t->term_len + 1);
    p->pos[p->n++] = t->pos;
    return 0;
}

/* 1 if q occurs in d as a phrase: same terms, positions shifted by one amount. */
static int phrase_in(const phrase *q, const phrase *d)
{
    size_t i, j, k;

    for (i = 0; i < d->n; i++) {
        if (q->n == 0 || strcmp(d->terms[i], q->terms[0]) != 0 || d->pos[i] < q->pos[0])
            continue;
        for (k = 1; k < q->n; k++) {
            for (j = 0; j < d->n; j++)
                if (strcmp(d->terms[j], q->terms[k]) == 0 &&
                    d->pos[j] == q->pos[k] + d->pos[i] - q->pos[0])
                    break;
            if (j == d->n)
                break;
        }
        if (k == q->n)
            return 1;
    }
    return 0;
}

static void test_korean_recall(void **state)
{
    const char *doc = "겨울에는 수도관이 얼거나 물이 끊기는 일이 잦다";
    size_t len = strlen(doc);
    phrase d;
    phrase q;
    size_t a, b, chars;
    size_t queries = 0;

    (void)state;
    memset(&d, 0, sizeof d);
    assert_int_equal(sat_token_text(doc, len, SAT_TOKEN_UNIGRAMS, phrase_fn, &d, NULL), 0);
    for (a = 0; a < len; a += 3) {
        if (doc[a] == ' ') {
            a -= 2;
            continue;
        }
        for (b = a + 3, chars = 1; chars <= 4 && b <= len && doc[b - 3] != ' '; b += 3, chars++) {
            memset(&q, 0, sizeof q);
            assert_int_equal(sat_token_text(doc + a, b - a, 0, phrase_fn, &q, NULL), 0);
            assert_int_equal(q.n, chars == 1 ? 1 : chars - 1);
            if (!phrase_in(&q, &d))
                fail_msg("query \"%.*s\" not found", (int)(b - a), doc + a);
            queries++;
        }
    }
    assert_int_equal(queries, 20 + 13 + 6 + 2); /* runs of 4, 4, 3, 2, 3, 2, 2 syllables */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_korean_bigrams), cmocka_unit_test(test_korean_unigrams),
        cmocka_unit_test(test_english),        cmocka_unit_test(test_case_folding),
        cmocka_unit_test(test_mixed),          cmocka_unit_test(test_japanese),
        cmocka_unit_test(test_gemtext),        cmocka_unit_test(test_offsets_and_stop),
        cmocka_unit_test(test_callback_stop),  cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nfc_query),      cmocka_unit_test(test_long_terms),
        cmocka_unit_test(test_korean_recall),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
