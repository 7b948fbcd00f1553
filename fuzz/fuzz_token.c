/*
 * fuzz_token.c - the search tokeniser (sat_token_text, sat_token_gemtext) on fuzzer bytes,
 * with and without SAT_TOKEN_UNIGRAMS.
 * Oracles: it succeeds exactly on valid UTF-8 and calls back nothing otherwise; every
 * term is 1..SAT_TOKEN_MAX bytes of valid UTF-8, NUL-terminated, marked cut when it
 * was cut; every source range lies inside the input and is valid UTF-8; positions never
 * decrease; the tokens other than unigrams are the same, at the same positions, with
 * the flag as without it.
 */
#include <string.h>

#include "fuzz.h"
#include "sat_text.h"
#include "sat_token.h"

typedef struct tok_check {
    const uint8_t *data;
    size_t size;
    size_t count; /* tokens other than SAT_TOKEN_UNIGRAM */
    size_t last_pos;
    uint64_t digest; /* of those tokens' terms, positions and offsets */
} tok_check;

static int tok_check_fn(const sat_token *t, void *ctx)
{
    tok_check *c = ctx;
    size_t i;

    if (t->term == NULL || t->term_len == 0 || t->term_len > SAT_TOKEN_MAX ||
        t->term[t->term_len] != '\0' || !sat_utf8_valid(t->term, t->term_len, NULL))
        fuzz_fail("bad term (%zu bytes)", t->term_len);
    if (t->len == 0 || t->off >= c->size || t->len > c->size - t->off ||
        !sat_utf8_valid((const char *)c->data + t->off, t->len, NULL))
        fuzz_fail("bad source range %zu+%zu of %zu", t->off, t->len, c->size);
    if (t->pos < c->last_pos)
        fuzz_fail("position %zu after %zu", t->pos, c->last_pos);
    if (t->kind < SAT_TOKEN_WORD || t->kind > SAT_TOKEN_UNIGRAM)
        fuzz_fail("bad kind %d", t->kind);
    c->last_pos = t->pos;
    if (t->kind == SAT_TOKEN_UNIGRAM)
        return 0;
    c->count++;
    for (i = 0; i < t->term_len; i++)
        c->digest = (c->digest ^ (uint8_t)t->term[i]) * 0x100000001B3ull;
    c->digest = (c->digest ^ t->pos ^ (t->off << 20)) * 0x100000001B3ull;
    return 0;
}

static void tok_run(int gem, const uint8_t *data, size_t size, int valid)
{
    tok_check a, b;
    sat_err err;
    int ra, rb;

    memset(&a, 0, sizeof a);
    a.data = data;
    a.size = size;
    b = a;
    sat_err_clear(&err);
    ra = gem ? sat_token_gemtext((const char *)data, size, 0, tok_check_fn, &a, &err)
             : sat_token_text((const char *)data, size, 0, tok_check_fn, &a, &err);
    rb = gem ? sat_token_gemtext((const char *)data, size, SAT_TOKEN_UNIGRAMS, tok_check_fn, &b,
                                 NULL)
             : sat_token_text((const char *)data, size, SAT_TOKEN_UNIGRAMS, tok_check_fn, &b, NULL);
    if (ra != rb || (ra == 0) != valid)
        fuzz_fail("result %d / %d on %s UTF-8", ra, rb, valid ? "valid" : "invalid");
    if (ra != 0 && (ra != SAT_E_FORMAT || a.count != 0 || err.msg[0] == '\0'))
        fuzz_fail("an error after %zu tokens or without a message", a.count);
    if (a.count != b.count || a.digest != b.digest)
        fuzz_fail("tokens differ with unigrams (%zu / %zu)", a.count, b.count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int valid = sat_utf8_valid((const char *)data, size, NULL);

    tok_run(0, data, size, valid);
    tok_run(1, data, size, valid);
    return 0;
}
