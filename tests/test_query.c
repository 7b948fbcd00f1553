/* test_query.c - tests for formats/sat_query.c: exact parse results and every error */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sat_query.h"
#include "sat_text.h"
#include "sat_token.h"

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static const char kind_letter[] = "?WNBSU";

/* Renders q as text: one "[...]" per group ('-' before when excluded, '"' inside when
 * quoted, '*' after a prefix term), each term "term@rel/K" (K: W N B S U), then the
 * set filters as " name=value". The caller frees the result. */
static char *dump(const sat_query *q)
{
    sat_buf b = {0};
    const sat_query_filters *f = sat_query_filters_of(q);
    size_t g, t;

    for (g = 0; g < sat_query_group_count(q); g++) {
        const sat_query_group *gr = sat_query_group_at(q, g);
        assert_non_null(gr);
        assert_true(gr->nterms >= 1);
        assert_int_equal(sat_buf_printf(&b, "%s%s[%s", g ? " " : "", gr->excluded ? "-" : "",
                                        gr->quoted ? "\"" : ""),
                         0);
        for (t = 0; t < gr->nterms; t++) {
            const sat_query_term *qt = &gr->terms[t];
            assert_int_equal(strlen(qt->term), qt->len);
            assert_true(qt->len >= 1 && qt->len <= SAT_TOKEN_MAX);
            assert_true(sat_utf8_valid(qt->term, qt->len, NULL));
            assert_int_equal(qt->is_prefix, gr->is_prefix);
            assert_int_equal(sat_buf_printf(&b, "%s%s%s@%zu/%c", t ? " " : "", qt->term,
                                            qt->is_prefix ? "*" : "", qt->rel_pos,
                                            kind_letter[qt->kind]),
                             0);
        }
        assert_int_equal(sat_buf_puts(&b, "]"), 0);
    }
    if (f->kind_mask)
        assert_int_equal(sat_buf_printf(&b, " kind=%u", f->kind_mask), 0);
    if (f->lang)
        assert_int_equal(sat_buf_printf(&b, " lang=%s", f->lang), 0);
    if (f->section)
        assert_int_equal(sat_buf_printf(&b, " section=%s", f->section), 0);
    if (f->since)
        assert_int_equal(sat_buf_printf(&b, " since=%s", f->since), 0);
    if (f->until)
        assert_int_equal(sat_buf_printf(&b, " until=%s", f->until), 0);
    assert_int_equal(sat_buf_append(&b, "", 1), 0);
    return (char *)b.data;
}

/* Parses s and checks the dump equals want. */
static void ok(const char *s, const char *want)
{
    sat_query *q = NULL;
    sat_err err;
    char *got;
    int rc = sat_query_parse(s, strlen(s), &q, &err);

    if (rc != 0)
        fail_msg("parse of \"%s\" failed: %s", s, err.msg);
    got = dump(q);
    if (strcmp(got, want) != 0)
        fail_msg("parse of \"%s\"\n  got:  %s\n  want: %s", s, got, want);
    free(got);
    sat_query_free(q);
}

/* Parses s[0..len) and checks it fails with code and exactly the message want. */
static void bad_n(const char *s, size_t len, int code, const char *want)
{
    sat_query *q = (sat_query *)1;
    sat_err err;
    int rc = sat_query_parse(s, len, &q, &err);

    assert_null(q);
    if (rc != code || strcmp(err.msg, want) != 0)
        fail_msg("parse of \"%.*s\"\n  got:  %d %s\n  want: %d %s", (int)len, s, rc, err.msg, code,
                 want);
}

static void bad(const char *s, int code, const char *want)
{
    bad_n(s, strlen(s), code, want);
}

/* The distinct positive (or excluded) terms, space-separated, in a static buffer. */
static const char *terms_of(const char *s, int excluded)
{
    static char out[1024];
    sat_query *q = NULL;
    sat_err err;
    const sat_query_term *const *t;
    size_t n, i, o = 0;

    assert_int_equal(sat_query_parse(s, strlen(s), &q, &err), 0);
    t = sat_query_terms(q, excluded, &n);
    out[0] = '\0';
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%s%s", i ? " " : "", t[i]->term,
                              t[i]->is_prefix ? "*" : "");
    sat_query_free(q);
    return out;
}

/* ------------------------------------------------------------------------ */
/* what parses                                                              */
/* ------------------------------------------------------------------------ */

static void test_korean_words(void **state)
{
    (void)state;
    /* two Korean words: each its bigrams, found as a phrase */
    ok("평양 문서", "[평양@0/B] [문서@0/B]");
    ok("평양에서 문서를", "[평양@0/B 양에@1/B 에서@2/B] [문서@0/B 서를@1/B]");
    /* one syllable: its unigram (the index answers it with SAT_TOKEN_UNIGRAMS) */
    ok("쌀", "[쌀@0/S]");
    ok("쌀 값", "[쌀@0/S] [값@0/S]");
}

static void test_phrases(void **state)
{
    (void)state;
    ok("\"평양에서 문서를\"", "[\"평양@0/B 양에@1/B 에서@2/B 문서@4/B 서를@5/B]");
    ok("\"Rice Prices\" rose", "[\"rice@0/W prices@1/W] [rose@0/W]");
    /* the tokeniser's own phrases inside one word */
    ok("people's 3.5", "[people@0/W s@1/W] [3@0/N 5@1/N]");
    /* a quote in the middle of a word is punctuation */
    ok("a\"b", "[a@0/W b@1/W]");
    /* an empty phrase and punctuation alone add nothing */
    ok("\"\" & -- - rice", "[rice@0/W]");
    /* a phrase glued to the next word */
    ok("\"a b\"c", "[\"a@0/W b@1/W] [c@0/W]");
}

static void test_exclusions(void **state)
{
    (void)state;
    ok("election -war", "[election@0/W] -[war@0/W]");
    ok("홍수 -\"평양 문서\"", "[홍수@0/B] -[\"평양@0/B 문서@2/B]");
    ok("rice -elect*", "[rice@0/W] -[elect*@0/W]");
    assert_string_equal(terms_of("election -war -\"war crimes\"", 1), "war crimes");
}

static void test_prefix(void **state)
{
    (void)state;
    ok("elect*", "[elect*@0/W]");
    ok("ELECT*", "[elect*@0/W]");
    ok("20*", "[20*@0/N]");
    ok("Ωμ*", "[ωμ*@0/W]");
    /* inside quotes '*' is punctuation */
    ok("\"elect* now\"", "[\"elect@0/W now@1/W]");
}

static void test_filters(void **state)
{
    (void)state;
    ok("kind:article lang:ko since:2026-11-01 until:2026-11-30 쌀값",
       "[쌀값@0/B] kind=1 lang=ko since=2026-11-01 until=2026-11-30");
    ok("section:\"국내 소식\" 홍수", "[홍수@0/B] section=국내 소식");
    ok("KIND:Audio LANG:ko-KR news", "[news@0/W] kind=8 lang=ko-kr");
    ok("kind:transcript x since:2026-01-01 until:2026-01-01",
       "[x@0/W] kind=2 since=2026-01-01 until=2026-01-01");
    ok("section:news/ko x", "[x@0/W] section=news/ko");
    /* not a filter: plain words */
    ok("COVID:19", "[covid@0/W 19@1/N]");
    ok("http://example.org", "[http@0/W example@1/W org@2/W]");
}

static void test_mixed(void **state)
{
    (void)state;
    ok("  평양 \"rice prices\"\t-war elect* kind:image 문서를  ",
       "[평양@0/B] [\"rice@0/W prices@1/W] -[war@0/W] [elect*@0/W] [문서@0/B 서를@1/B] "
       "kind=4");
    /* no-break and ideographic spaces separate parts */
    ok("평양\u3000-문서\u00a0x", "[평양@0/B] -[문서@0/B] [x@0/W]");
    assert_string_equal(terms_of("평양 \"평양 문서\" elect* elect 평양", 0),
                        "평양 문서 elect* elect");
}

static void test_lang_date_match(void **state)
{
    sat_query *q = NULL;
    sat_err err;
    const char *s = "x lang:KO since:2026-11-01 until:2026-11-30";

    (void)state;
    assert_int_equal(sat_query_parse(s, strlen(s), &q, &err), 0);
    assert_true(sat_query_lang_match(q, "ko"));
    assert_true(sat_query_lang_match(q, "ko-KR"));
    assert_true(sat_query_lang_match(q, "KO"));
    assert_false(sat_query_lang_match(q, "kor"));
    assert_false(sat_query_lang_match(q, "en"));
    assert_false(sat_query_lang_match(q, NULL));
    assert_true(sat_query_date_match(q, "2026-11-01"));
    assert_true(sat_query_date_match(q, "2026-11-30T23:59:59Z"));
    assert_false(sat_query_date_match(q, "2026-10-31"));
    assert_false(sat_query_date_match(q, "2026-12-01"));
    assert_false(sat_query_date_match(q, NULL));
    assert_false(sat_query_date_match(q, "2026"));
    sat_query_free(q);
    s = "x lang:ko-KR";
    assert_int_equal(sat_query_parse(s, strlen(s), &q, &err), 0);
    assert_true(sat_query_lang_match(q, "ko-kr"));
    assert_false(sat_query_lang_match(q, "ko"));
    assert_true(sat_query_date_match(q, NULL));
    sat_query_free(q);
    sat_query_free(NULL);
}

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

static void test_errors(void **state)
{
    (void)state;
    bad("", SAT_E_FORMAT, "The search is empty: type a word to look for.");
    bad(" \t\n", SAT_E_FORMAT, "The search is empty: type a word to look for.");
    bad("-war -\"big war\"", SAT_E_FORMAT,
        "The search only leaves words out (those starting with -): add at least one word to "
        "look for.");
    bad("kind:article", SAT_E_FORMAT,
        "The search has only filters: add at least one word to look for.");
    bad("& ... --", SAT_E_FORMAT,
        "The search has no letters or digits: type at least one word to look for.");
    bad("rice \"평양 문서", SAT_E_FORMAT,
        "The quote \" in \"\"평양 문서\" is not closed: add a \" at the end of the phrase, or "
        "remove it.");
    bad("x section:\"국내", SAT_E_FORMAT,
        "The quote \" in \"section:\"국내\" is not closed: add a \" at the end of the phrase, "
        "or remove it.");
    bad("e*", SAT_E_FORMAT, "Put at least 2 letters before *, as in el*: \"e*\" is too short.");
    bad("x *", SAT_E_FORMAT, "Put at least 2 letters before *, as in el*: \"*\" has none.");
    bad("평양*", SAT_E_FORMAT,
        "* works only on words in Latin and other alphabets; Korean, Chinese and Japanese "
        "words already match inside longer words: remove the * from \"평양*\".");
    bad("쌀*", SAT_E_FORMAT,
        "* works only on words in Latin and other alphabets; Korean, Chinese and Japanese "
        "words already match inside longer words: remove the * from \"쌀*\".");
    bad("foo-bar*", SAT_E_FORMAT,
        "Put * after one single word, as in elect*: \"foo-bar*\" holds several words.");
    bad("x kind:article kind:audio", SAT_E_FORMAT,
        "The filter kind: is given twice (again in \"kind:audio\"): keep only one.");
    bad("x Since:2026-01-01 since:2026-01-02", SAT_E_FORMAT,
        "The filter since: is given twice (again in \"since:2026-01-02\"): keep only one.");
    bad("x kind:", SAT_E_FORMAT,
        "\"kind:\" needs a value after the colon, as in kind:article, lang:ko, section:news or "
        "since:2026-11-01.");
    bad("x section:\"\"", SAT_E_FORMAT,
        "\"section:\"\"\" needs a value after the colon, as in kind:article, lang:ko, "
        "section:news or since:2026-11-01.");
    bad("x kind:video", SAT_E_FORMAT,
        "Unknown kind in \"kind:video\": use kind:article, kind:transcript, kind:image or "
        "kind:audio.");
    bad("x lang:한국어", SAT_E_FORMAT,
        "\"lang:한국어\" is not a language code: use one such as lang:ko or lang:en.");
    bad("x lang:ko--kr", SAT_E_FORMAT,
        "\"lang:ko--kr\" is not a language code: use one such as lang:ko or lang:en.");
    bad("x since:2026-02-30", SAT_E_FORMAT,
        "\"since:2026-02-30\" is not a date: write since:YYYY-MM-DD, for example "
        "since:2026-11-01.");
    bad("x until:yesterday", SAT_E_FORMAT,
        "\"until:yesterday\" is not a date: write until:YYYY-MM-DD, for example "
        "until:2026-11-01.");
    bad("x since:2026-11-30 until:2026-11-01", SAT_E_FORMAT,
        "since:2026-11-30 comes after until:2026-11-01, so nothing can match: swap the two "
        "dates.");
    bad("x -kind:audio", SAT_E_FORMAT,
        "A filter cannot be excluded: remove the - before \"kind:audio\".");
    bad("x section:\"a\tb\"", SAT_E_FORMAT,
        "The section name in \"section:\"a?b\"\" holds a control character: retype it.");
    bad_n("x\0y", 3, SAT_E_FORMAT, "The search holds a zero byte (at byte 1): retype it.");
    bad("ab \xed\xa0\x80 cd", SAT_E_FORMAT,
        "The search is not readable text (invalid UTF-8 at byte 3): retype it, or set the "
        "terminal to UTF-8.");
    bad("\xff", SAT_E_FORMAT,
        "The search is not readable text (invalid UTF-8 at byte 0): retype it, or set the "
        "terminal to UTF-8.");
    assert_int_equal(sat_query_parse("x", 1, NULL, NULL), SAT_E_ARG);
    /* without an error record the code still comes back */
    {
        sat_query *q = NULL;
        assert_int_equal(sat_query_parse("-x", 2, &q, NULL), SAT_E_FORMAT);
        assert_null(q);
        assert_int_equal(sat_query_parse("x y", 3, &q, NULL), 0);
        assert_int_equal(sat_query_group_count(q), 2);
        sat_query_free(q);
    }
}

static void test_limits(void **state)
{
    char s[2 * SAT_QUERY_MAX_BYTES];
    sat_buf b = {0};
    size_t i;

    (void)state;
    /* 32 words pass, the 33rd is named */
    for (i = 0; i < SAT_QUERY_MAX_GROUPS; i++)
        assert_int_equal(sat_buf_printf(&b, "w%zu ", i), 0);
    {
        sat_query *q = NULL;
        sat_err err;
        assert_int_equal(sat_query_parse(b.data, b.len, &q, &err), 0);
        assert_int_equal(sat_query_group_count(q), SAT_QUERY_MAX_GROUPS);
        sat_query_free(q);
    }
    assert_int_equal(sat_buf_puts(&b, "last"), 0);
    bad(b.data, SAT_E_LIMIT,
        "The search is too long: at most 32 words in all (a Korean word of n syllables counts "
        "as n-1). Remove \"last\" or some words before it.");
    sat_buf_free(&b);
    /* 32 groups of punctuation-free words but 33 terms: the term limit names the word */
    memset(&b, 0, sizeof b);
    for (i = 0; i < 31; i++)
        assert_int_equal(sat_buf_printf(&b, "w%zu ", i), 0);
    assert_int_equal(sat_buf_puts(&b, "평양에서"), 0);
    bad(b.data, SAT_E_LIMIT,
        "The search is too long: at most 32 words in all (a Korean word of n syllables counts "
        "as n-1). Remove \"평양에서\" or some words before it.");
    sat_buf_free(&b);
    /* bytes: 1024 pass, 1025 do not */
    memset(s, 'a', sizeof s);
    {
        sat_query *q = NULL;
        sat_err err;
        assert_int_equal(sat_query_parse(s, SAT_QUERY_MAX_BYTES, &q, &err), 0);
        sat_query_free(q);
    }
    /* a word longer than SAT_TOKEN_MAX is cut as in the index */
    {
        char want[SAT_TOKEN_MAX + 16];
        s[100] = '\0';
        snprintf(want, sizeof want, "[%.*s@0/W]", SAT_TOKEN_MAX, s);
        ok(s, want);
        memset(s, 'a', sizeof s);
    }
    bad_n(s, SAT_QUERY_MAX_BYTES + 1, SAT_E_LIMIT,
          "The search is too long (1025 bytes, at most 1024): shorten it.");
    /* a long part is quoted cut at a character boundary */
    memset(&b, 0, sizeof b);
    for (i = 0; i < 20; i++)
        assert_int_equal(sat_buf_puts(&b, "평"), 0);
    assert_int_equal(sat_buf_puts(&b, "* x"), 0);
    bad(b.data, SAT_E_FORMAT,
        "* works only on words in Latin and other alphabets; Korean, Chinese and Japanese "
        "words already match inside longer words: remove the * from "
        "\"평평평평평평평평평평평평평...\".");
    sat_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_korean_words),    cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_exclusions),      cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_filters),         cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_lang_date_match), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
