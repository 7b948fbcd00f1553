/*
 * fuzz_query.c - the search query parser (sat_query_parse) on fuzzer bytes.
 * Oracles: on success at least one group is not excluded; every group has 1..
 * SAT_QUERY_MAX_TERMS terms, the first at relative position 0 and the positions never
 * decreasing; every term is 1..SAT_TOKEN_MAX bytes of valid UTF-8, NUL-terminated;
 * a prefix group has one WORD/NUMBER term; at most SAT_QUERY_MAX_GROUPS groups and
 * SAT_QUERY_MAX_TERMS terms in all; the term lists hold only terms of their side;
 * filter strings are valid UTF-8. On failure: no query, a negative code and a message.
 */
#include <string.h>

#include "fuzz.h"
#include "sat_query.h"
#include "sat_text.h"
#include "sat_token.h"

static void str_check(const char *what, const char *s)
{
    if (s && !sat_utf8_valid(s, strlen(s), NULL))
        fuzz_fail("filter %s is not valid UTF-8", what);
}

static void query_check(const sat_query *q)
{
    size_t g, t, n, all = 0, pos = 0;
    const sat_query_filters *f = sat_query_filters_of(q);
    const sat_query_term *const *list;

    if (sat_query_group_count(q) > SAT_QUERY_MAX_GROUPS)
        fuzz_fail("%zu groups", sat_query_group_count(q));
    for (g = 0; g < sat_query_group_count(q); g++) {
        const sat_query_group *gr = sat_query_group_at(q, g);
        if (!gr || gr->nterms == 0 || gr->nterms > SAT_QUERY_MAX_TERMS)
            fuzz_fail("group %zu: bad term count", g);
        pos += !gr->excluded;
        all += gr->nterms;
        if (gr->is_prefix && (gr->nterms != 1 || (gr->terms[0].kind != SAT_TOKEN_WORD &&
                                                  gr->terms[0].kind != SAT_TOKEN_NUMBER)))
            fuzz_fail("group %zu: bad prefix group", g);
        for (t = 0; t < gr->nterms; t++) {
            const sat_query_term *qt = &gr->terms[t];
            if (qt->len == 0 || qt->len > SAT_TOKEN_MAX || qt->term[qt->len] != '\0' ||
                strlen(qt->term) != qt->len || !sat_utf8_valid(qt->term, qt->len, NULL))
                fuzz_fail("group %zu term %zu: bad term", g, t);
            if ((t == 0 && qt->rel_pos != 0) || (t > 0 && qt->rel_pos < gr->terms[t - 1].rel_pos))
                fuzz_fail("group %zu term %zu: bad position %zu", g, t, qt->rel_pos);
            if (qt->kind < SAT_TOKEN_WORD || qt->kind > SAT_TOKEN_SINGLE)
                fuzz_fail("group %zu term %zu: kind %d", g, t, qt->kind);
        }
    }
    if (pos == 0)
        fuzz_fail("success without a word to look for");
    if (all > SAT_QUERY_MAX_TERMS)
        fuzz_fail("%zu terms", all);
    list = sat_query_terms(q, 0, &n);
    if (n == 0 || n > all)
        fuzz_fail("%zu positive terms", n);
    for (t = 0; t < n; t++)
        if (!list[t] || !sat_utf8_valid(list[t]->term, list[t]->len, NULL))
            fuzz_fail("positive term %zu", t);
    str_check("lang", f->lang);
    str_check("section", f->section);
    str_check("since", f->since);
    str_check("until", f->until);
    (void)sat_query_lang_match(q, "ko-KR");
    (void)sat_query_date_match(q, "2026-11-20");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sat_query *q = (sat_query *)&q;
    sat_err err;
    int rc;

    memset(&err, 0, sizeof err);
    rc = sat_query_parse((const char *)data, size, &q, &err);
    if (rc == 0) {
        if (!q)
            fuzz_fail("success without a query");
        query_check(q);
    } else if (rc > 0 || q != NULL || err.msg[0] == '\0' || err.code != rc) {
        fuzz_fail("failure %d without a message or with a query", rc);
    }
    sat_query_free(q);
    return 0;
}
