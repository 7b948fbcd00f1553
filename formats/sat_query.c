/*
 * sat_query.c - the search query parser (syntax in sat_query.h).
 *
 * One pass over the bytes: split into parts at spaces, recognise '-', quotes, filters
 * and a trailing '*', and hand every word or phrase to sat_token_text. The query lives
 * in one fixed-size block: terms, groups and filter values have named maximums.
 */
#include "sat_query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sat_meta.h"
#include "sat_text.h"
#include "sat_token.h"

/* How much of an offending part an error message quotes. */
#define QUERY_PART_SHOW 40
#define QUERY_DATE_LEN 10

enum { F_KIND = 1, F_LANG = 2, F_SECTION = 4, F_SINCE = 8, F_UNTIL = 16 };

struct sat_query {
    sat_query_term terms[SAT_QUERY_MAX_TERMS];
    char store[SAT_QUERY_MAX_TERMS][SAT_TOKEN_MAX + 1];
    size_t nterms;
    sat_query_group groups[SAT_QUERY_MAX_GROUPS];
    size_t ngroups;
    const sat_query_term *list[2][SAT_QUERY_MAX_TERMS]; /* [0] positive, [1] excluded */
    size_t nlist[2];
    sat_query_filters f;
    unsigned seen; /* F_* bits of the filters given */
    char lang[SAT_LANG_MAX + 1];
    char section[SAT_FIELD_MAX + 1];
    char since[QUERY_DATE_LEN + 1];
    char until[QUERY_DATE_LEN + 1];
};

/* The parser's state while one query is read. */
typedef struct query_parse {
    sat_query *q;
    const char *s;
    size_t len;
    size_t part_off; /* the part being read, for messages */
    size_t part_end;
    size_t first_pos; /* token position of the current group's first term */
    size_t group_first;
    sat_err *err;
} query_parse;

/* ------------------------------------------------------------------------ */
/* bytes and messages                                                       */
/* ------------------------------------------------------------------------ */

/* Bytes of the separator at s[i] (space, tab, CR, LF, U+00A0, U+3000), or 0. */
static size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];

    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return 1;
    if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0)
        return 2;
    if (c == 0xe3 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x80)
        return 3;
    return 0;
}

/* Copies the current part into buf (at most QUERY_PART_SHOW bytes, cut at a character
 * boundary, "..." when cut, control bytes as '?') for an error message. */
static const char *part_text(const query_parse *p, char *buf)
{
    size_t n = p->part_end - p->part_off, i, o = 0;
    const char *s = p->s + p->part_off;
    int cut = 0;

    if (n > QUERY_PART_SHOW) {
        n = QUERY_PART_SHOW;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        cut = 1;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (cut) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* 1 if s[0..n) equals the lower-case ASCII word w, ignoring ASCII case. */
static int ascii_ieq(const char *s, size_t n, const char *w)
{
    size_t i;

    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (ascii_lower((unsigned char)s[i]) != w[i])
            return 0;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* groups                                                                   */
/* ------------------------------------------------------------------------ */

static int term_fn(const sat_token *t, void *ctx)
{
    query_parse *p = ctx;
    sat_query *q = p->q;
    sat_query_term *qt;
    char buf[QUERY_PART_SHOW + 4];

    if (q->nterms == SAT_QUERY_MAX_TERMS)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "The search is too long: at most %d words in all (a Korean word "
                           "of n syllables counts as n-1). Remove \"%s\" or some words "
                           "before it.",
                           SAT_QUERY_MAX_TERMS, part_text(p, buf));
    if (q->nterms == p->group_first)
        p->first_pos = t->pos;
    qt = &q->terms[q->nterms];
    memcpy(q->store[q->nterms], t->term, t->term_len + 1);
    qt->term = q->store[q->nterms];
    qt->len = t->term_len;
    qt->rel_pos = t->pos - p->first_pos;
    qt->kind = t->kind;
    qt->is_prefix = 0;
    q->nterms++;
    return 0;
}

/* Number of characters (code points) in s[0..n) of valid UTF-8. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t i, c = 0;

    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

/* Checks a prefix group (one WORD/NUMBER term of 2+ characters) and marks its term. */
static int prefix_check(query_parse *p, sat_query_group *g)
{
    char buf[QUERY_PART_SHOW + 4];
    sat_query_term *t;

    t = &p->q->terms[p->group_first];
    if (t->kind != SAT_TOKEN_WORD && t->kind != SAT_TOKEN_NUMBER)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "* works only on words in Latin and other alphabets; Korean, "
                           "Chinese and Japanese words already match inside longer words: "
                           "remove the * from \"%s\".",
                           part_text(p, buf));
    if (g->nterms > 1)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "Put * after one single word, as in elect*: \"%s\" holds several "
                           "words.",
                           part_text(p, buf));
    if (utf8_chars(t->term, t->len) < 2)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "Put at least 2 letters before *, as in el*: \"%s\" is too short.",
                           part_text(p, buf));
    t->is_prefix = 1;
    g->is_prefix = 1;
    return 0;
}

/* Tokenises s[0..n) into a new group. A text without terms adds nothing (except
 * for a prefix, which needs its word). */
static int group_add(query_parse *p, const char *s, size_t n, int excluded, int quoted, int prefix)
{
    sat_query *q = p->q;
    sat_query_group *g;
    char buf[QUERY_PART_SHOW + 4];
    int rc;

    p->group_first = q->nterms;
    rc = sat_token_text(s, n, 0, term_fn, p, p->err);
    if (rc < 0)
        return rc;
    if (q->nterms == p->group_first) {
        if (prefix)
            return sat_err_set(p->err, SAT_E_FORMAT,
                               "Put at least 2 letters before *, as in el*: \"%s\" has "
                               "none.",
                               part_text(p, buf));
        return 0;
    }
    if (q->ngroups == SAT_QUERY_MAX_GROUPS)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "The search has too many parts: at most %d words or phrases. "
                           "Remove \"%s\" or some words before it.",
                           SAT_QUERY_MAX_GROUPS, part_text(p, buf));
    g = &q->groups[q->ngroups];
    g->excluded = excluded;
    g->is_prefix = 0;
    g->quoted = quoted;
    g->nterms = q->nterms - p->group_first;
    g->terms = &q->terms[p->group_first];
    if (prefix && (rc = prefix_check(p, g)) < 0)
        return rc;
    q->ngroups++;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* filters                                                                  */
/* ------------------------------------------------------------------------ */

static const char *const filter_names[] = {"kind", "lang", "section", "since", "until"};

/* Index of the filter named s[0..n) in filter_names, or -1. */
static int filter_find(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof filter_names / sizeof filter_names[0]; i++)
        if (ascii_ieq(s, n, filter_names[i]))
            return (int)i;
    return -1;
}

/* 1 if v[0..n) looks like a BCP 47 tag: letters, digits and single inner hyphens,
 * starting with a letter, at most SAT_LANG_MAX bytes. */
static int lang_ok(const char *v, size_t n)
{
    size_t i;

    if (n == 0 || n > SAT_LANG_MAX || !((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z'))
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '-') {
            if (i + 1 == n || v[i + 1] == '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) {
            return 0;
        }
    }
    return 1;
}

static int filter_date(query_parse *p, const char *v, size_t n, char *dst, const char *name)
{
    char buf[QUERY_PART_SHOW + 4];

    if (n != QUERY_DATE_LEN || !sat_date_valid(v, n))
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "\"%s\" is not a date: write %s:YYYY-MM-DD, for example "
                           "%s:2026-11-01.",
                           part_text(p, buf), name, name);
    memcpy(dst, v, n);
    dst[n] = '\0';
    return 0;
}

/* Applies filter number which with value v[0..n). */
static int filter_set(query_parse *p, int which, const char *v, size_t n)
{
    sat_query *q = p->q;
    char buf[QUERY_PART_SHOW + 4];
    const char *name = filter_names[which];
    char kbuf[16];
    sat_kind k;
    size_t i;

    if (q->seen & (1u << which))
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "The filter %s: is given twice (again in \"%s\"): keep only one.", name,
                           part_text(p, buf));
    q->seen |= 1u << which;
    if (n == 0)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "\"%s\" needs a value after the colon, as in kind:article, "
                           "lang:ko, section:news or since:2026-11-01.",
                           part_text(p, buf));
    switch (1 << which) {
    case F_KIND:
        for (i = 0; i < n && i < sizeof kbuf; i++)
            kbuf[i] = (char)ascii_lower((unsigned char)v[i]);
        if (n > sizeof kbuf || sat_kind_parse(kbuf, n, &k) < 0)
            return sat_err_set(p->err, SAT_E_FORMAT,
                               "Unknown kind in \"%s\": use kind:article, kind:transcript, "
                               "kind:image or kind:audio.",
                               part_text(p, buf));
        q->f.kind_mask = 1u << k;
        return 0;
    case F_LANG:
        if (!lang_ok(v, n))
            return sat_err_set(p->err, SAT_E_FORMAT,
                               "\"%s\" is not a language code: use one such as lang:ko or "
                               "lang:en.",
                               part_text(p, buf));
        for (i = 0; i < n; i++)
            q->lang[i] = (char)ascii_lower((unsigned char)v[i]);
        q->lang[n] = '\0';
        q->f.lang = q->lang;
        return 0;
    case F_SECTION:
        if (n > SAT_FIELD_MAX)
            return sat_err_set(p->err, SAT_E_LIMIT,
                               "The section name in \"%s\" is too long (at most %d bytes).",
                               part_text(p, buf), SAT_FIELD_MAX);
        for (i = 0; i < n; i++)
            if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
                return sat_err_set(p->err, SAT_E_FORMAT,
                                   "The section name in \"%s\" holds a control character: "
                                   "retype it.",
                                   part_text(p, buf));
        memcpy(q->section, v, n);
        q->section[n] = '\0';
        q->f.section = q->section;
        return 0;
    case F_SINCE:
        q->f.since = q->since;
        return filter_date(p, v, n, q->since, name);
    default:
        q->f.until = q->until;
        return filter_date(p, v, n, q->until, name);
    }
}

/* ------------------------------------------------------------------------ */
/* the parse                                                                */
/* ------------------------------------------------------------------------ */

/* Offset of the quote closing the one at s[open], or SIZE_MAX; sets an error then. */
static size_t quote_close(query_parse *p, size_t open)
{
    const char *c = memchr(p->s + open + 1, '"', p->len - open - 1);
    char buf[QUERY_PART_SHOW + 4];

    if (c)
        return (size_t)(c - p->s);
    p->part_end = p->len;
    sat_err_set(p->err, SAT_E_FORMAT,
                "The quote \" in \"%s\" is not closed: add a \" at the end of the phrase, "
                "or remove it.",
                part_text(p, buf));
    return SIZE_MAX;
}

/* Reads one part starting at s[i] (not a separator). Returns the offset after it, or
 * SIZE_MAX on error. */
static size_t part_read(query_parse *p, size_t i)
{
    const char *s = p->s;
    size_t j, colon = SIZE_MAX, close;
    char buf[QUERY_PART_SHOW + 4];
    int excluded = 0, which;

    p->part_off = i;
    if (s[i] == '-') {
        excluded = 1;
        i++;
    }
    if (i < p->len && s[i] == '"') {
        if ((close = quote_close(p, i)) == SIZE_MAX)
            return SIZE_MAX;
        p->part_end = close + 1;
        if (group_add(p, s + i + 1, close - i - 1, excluded, 1, 0) < 0)
            return SIZE_MAX;
        return close + 1;
    }
    for (j = i; j < p->len && !space_len(s, p->len, j); j++)
        if (s[j] == ':' && colon == SIZE_MAX)
            colon = j;
    p->part_end = j;
    which = colon == SIZE_MAX ? -1 : filter_find(s + i, colon - i);
    if (which >= 0) {
        size_t v = colon + 1, vend = j;
        if (excluded) {
            sat_err_set(p->err, SAT_E_FORMAT,
                        "A filter cannot be excluded: remove the - before \"%s\".",
                        part_text(p, buf) + 1);
            return SIZE_MAX;
        }
        if (v < p->len && s[v] == '"') {
            if ((close = quote_close(p, v)) == SIZE_MAX)
                return SIZE_MAX;
            v++;
            vend = close;
            j = close + 1;
            p->part_end = j;
        }
        return filter_set(p, which, s + v, vend - v) < 0 ? SIZE_MAX : j;
    }
    if (j > i && s[j - 1] == '*')
        return group_add(p, s + i, j - i - 1, excluded, 0, 1) < 0 ? SIZE_MAX : j;
    return group_add(p, s + i, j - i, excluded, 0, 0) < 0 ? SIZE_MAX : j;
}

/* Fills q->list with the distinct terms of positive and excluded groups. */
static void lists_build(sat_query *q)
{
    size_t g, t, k;

    for (g = 0; g < q->ngroups; g++) {
        const sat_query_group *gr = &q->groups[g];
        int x = gr->excluded ? 1 : 0;
        for (t = 0; t < gr->nterms; t++) {
            const sat_query_term *a = &gr->terms[t];
            for (k = 0; k < q->nlist[x]; k++) {
                const sat_query_term *b = q->list[x][k];
                if (a->is_prefix == b->is_prefix && a->len == b->len &&
                    memcmp(a->term, b->term, a->len) == 0)
                    break;
            }
            if (k == q->nlist[x])
                q->list[x][q->nlist[x]++] = a;
        }
    }
}

/* Checks what only the whole query shows: something to look for, dates in order. */
static int query_finish(query_parse *p)
{
    sat_query *q = p->q;
    size_t g, pos = 0;

    for (g = 0; g < q->ngroups; g++)
        pos += !q->groups[g].excluded;
    if (pos == 0 && q->ngroups > 0)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "The search only leaves words out (those starting with -): add "
                           "at least one word to look for.");
    if (pos == 0 && q->seen)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "The search has only filters: add at least one word to look "
                           "for.");
    if (pos == 0)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "The search has no letters or digits: type at least one word to "
                           "look for.");
    if (q->f.since && q->f.until && strcmp(q->since, q->until) > 0)
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "since:%s comes after until:%s, so nothing can match: swap the "
                           "two dates.",
                           q->since, q->until);
    lists_build(q);
    return 0;
}

int sat_query_parse(const char *text, size_t len, sat_query **out, sat_err *err)
{
    query_parse p;
    sat_err local;
    size_t i = 0, bad, sp;
    const char *nul;
    int rc;

    if (!err)
        err = &local;
    if (out)
        *out = NULL;
    if (!out || (!text && len > 0))
        return sat_err_set(err, SAT_E_ARG, "sat_query_parse: bad argument");
    if (len > SAT_QUERY_MAX_BYTES)
        return sat_err_set(err, SAT_E_LIMIT,
                           "The search is too long (%zu bytes, at most %d): shorten it.", len,
                           SAT_QUERY_MAX_BYTES);
    if (!sat_utf8_valid(text, len, &bad))
        return sat_err_set(err, SAT_E_FORMAT,
                           "The search is not readable text (invalid UTF-8 at byte %zu): "
                           "retype it, or set the terminal to UTF-8.",
                           bad);
    if (len > 0 && (nul = memchr(text, 0, len)) != NULL)
        return sat_err_set(err, SAT_E_FORMAT,
                           "The search holds a zero byte (at byte %zu): retype it.",
                           (size_t)(nul - text));
    while (i < len && (sp = space_len(text, len, i)) > 0)
        i += sp;
    if (i == len)
        return sat_err_set(err, SAT_E_FORMAT, "The search is empty: type a word to look for.");

    memset(&p, 0, sizeof p);
    p.s = text;
    p.len = len;
    p.err = err;
    if (!(p.q = calloc(1, sizeof *p.q)))
        return sat_err_set(err, SAT_E_NOMEM, "out of memory reading the search");
    while (i < len) {
        if ((sp = space_len(text, len, i)) > 0) {
            i += sp;
            continue;
        }
        if ((i = part_read(&p, i)) == SIZE_MAX)
            break;
    }
    rc = i == SIZE_MAX ? err->code : query_finish(&p);
    if (rc < 0) {
        sat_query_free(p.q);
        return rc;
    }
    *out = p.q;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* accessors                                                                */
/* ------------------------------------------------------------------------ */

void sat_query_free(sat_query *q)
{
    free(q);
}

size_t sat_query_group_count(const sat_query *q)
{
    return q ? q->ngroups : 0;
}

const sat_query_group *sat_query_group_at(const sat_query *q, size_t i)
{
    return q && i < q->ngroups ? &q->groups[i] : NULL;
}

const sat_query_filters *sat_query_filters_of(const sat_query *q)
{
    return q ? &q->f : NULL;
}

const sat_query_term *const *sat_query_terms(const sat_query *q, int excluded, size_t *n)
{
    int x = excluded ? 1 : 0;

    *n = q ? q->nlist[x] : 0;
    return q ? q->list[x] : NULL;
}

int sat_query_lang_match(const sat_query *q, const char *doc_lang)
{
    size_t i;

    if (!q || !q->f.lang)
        return 1;
    if (!doc_lang)
        return 0;
    for (i = 0; q->lang[i]; i++)
        if (ascii_lower((unsigned char)doc_lang[i]) != q->lang[i])
            return 0;
    return doc_lang[i] == '\0' || doc_lang[i] == '-';
}

int sat_query_date_match(const sat_query *q, const char *doc_date)
{
    if (!q || (!q->f.since && !q->f.until))
        return 1;
    if (!doc_date || memchr(doc_date, 0, QUERY_DATE_LEN))
        return 0;
    if (q->f.since && memcmp(doc_date, q->since, QUERY_DATE_LEN) < 0)
        return 0;
    if (q->f.until && memcmp(doc_date, q->until, QUERY_DATE_LEN) > 0)
        return 0;
    return 1;
}
