/*
 * sat_query.h - the search query parser: turns what the user typed into groups of
 * normalised terms (made by sat_token_text, the same tokeniser as the index) and filters.
 *
 * Call sequence:
 *   sat_query *q = NULL;
 *   if (sat_query_parse(text, len, &q, &err) < 0) ... show err.msg to the user
 *   for (i = 0; i < sat_query_group_count(q); i++) g = sat_query_group_at(q, i); ...
 *   f = sat_query_filters_of(q); terms = sat_query_terms(q, 0, &n); ...
 *   sat_query_free(q);
 *
 * Syntax (for the reader's man page). Parts are separated by spaces (also tabs, line
 * breaks, the no-break space U+00A0 and the ideographic space U+3000).
 *
 *   word          Every word must be found (AND). A word is tokenised like the index:
 *                 "Elections" looks for "elections"; a Korean, Chinese or Japanese word
 *                 looks for its overlapping pairs of syllables, all in a row, so 평양
 *                 finds 평양에서 and 문서 finds 문서를. A word that tokenises into
 *                 several terms ("people's", "3.5", 평양에서) is one group whose terms
 *                 must appear at consecutive positions. A part with no letters or
 *                 digits ("&", "--") is ignored.
 *   "a phrase"    The words inside the quotes, in this order, next to each other. A
 *                 quote opens a phrase only at the start of a part (after an optional
 *                 '-'); it must be closed: an unclosed quote is an error.
 *   -word         Documents containing the word are left out; also -"a phrase" and
 *                 -elect*. A search made only of exclusions is an error. A lone '-'
 *                 is ignored.
 *   elect*        Any word starting with "elect". Only for one Latin (or other
 *                 alphabetic) word or number, with at least 2 letters before the '*';
 *                 a '*' after a Korean, Chinese or Japanese word is an error, since
 *                 those already match inside longer words. Inside quotes '*' is
 *                 punctuation.
 *   kind:K        K is article, transcript, image or audio.
 *   lang:L        A BCP 47 tag, compared case-insensitively; "ko" matches "ko" and
 *                 "ko-KR", "ko-KR" only "ko-KR" (and "ko-KR-..."), not "ko".
 *   section:S     The entry's section, compared exactly; quotes allowed:
 *                 section:"국내 소식".
 *   since:D       D is YYYY-MM-DD: entries dated on or after that day.
 *   until:D       Entries dated on or before that day (inclusive).
 *                 Filter names are matched case-insensitively; each filter may be given
 *                 once; a filter cannot be excluded (-kind:audio is an error). Any other
 *                 "name:value" ("COVID:19", "http://x") is plain words.
 *
 * Limits: the query at most SAT_QUERY_MAX_BYTES bytes of valid UTF-8 without NUL;
 * at most SAT_QUERY_MAX_GROUPS groups and SAT_QUERY_MAX_TERMS terms in all (a Korean
 * word of n syllables is n-1 terms); terms longer than SAT_TOKEN_MAX are cut as in the
 * index. Parsing is linear in the length and allocates one block.
 */
#ifndef SAT_QUERY_H
#define SAT_QUERY_H

#include <stddef.h>

#include "sat_err.h"

#define SAT_QUERY_MAX_BYTES 1024
#define SAT_QUERY_MAX_GROUPS 32
#define SAT_QUERY_MAX_TERMS 32

typedef struct sat_query sat_query;

/* One term of a group. */
typedef struct sat_query_term {
    const char *term; /* normalised, NUL-terminated, len bytes (1..SAT_TOKEN_MAX) */
    size_t len;
    size_t rel_pos; /* position relative to the group's first term (0 for the first) */
    int kind;       /* SAT_TOKEN_* of sat_token.h */
    int is_prefix;  /* 1 for the term of a prefix group: any term starting with it */
} sat_query_term;

/* One group: a word, a quoted phrase or a prefix word. Its terms must all appear at
 * positions that differ as their rel_pos do. */
typedef struct sat_query_group {
    int excluded;  /* 1: documents matching the group are left out */
    int is_prefix; /* 1: a single term, matched as a prefix */
    int quoted;    /* 1: written as "a phrase" */
    size_t nterms; /* 1..SAT_QUERY_MAX_TERMS */
    const sat_query_term *terms;
} sat_query_group;

/* The filters; an unset filter is 0 / NULL. */
typedef struct sat_query_filters {
    unsigned kind_mask;  /* bit (1u << sat_kind) for the kind asked; 0: any kind */
    const char *lang;    /* lower-cased BCP 47 tag, or NULL */
    const char *section; /* as typed (without quotes), or NULL */
    const char *since;   /* "YYYY-MM-DD", or NULL */
    const char *until;   /* "YYYY-MM-DD", or NULL */
} sat_query_filters;

/* Parses text[0..len). On success returns 0 and *out owns a query (free it with
 * sat_query_free); it has at least one group that is not excluded. On error returns
 * SAT_E_FORMAT (syntax, invalid UTF-8, nothing to look for), SAT_E_LIMIT (too long, too
 * many words), SAT_E_NOMEM or SAT_E_ARG, sets *out to NULL and leaves in err a message
 * for the user that names the offending part. */
int sat_query_parse(const char *text, size_t len, sat_query **out, sat_err *err);

/* Frees q; NULL is allowed. */
void sat_query_free(sat_query *q);

/* Number of groups, in the order typed. */
size_t sat_query_group_count(const sat_query *q);

/* Group i (< sat_query_group_count), owned by q. */
const sat_query_group *sat_query_group_at(const sat_query *q, size_t i);

/* The filters, owned by q. */
const sat_query_filters *sat_query_filters_of(const sat_query *q);

/* The distinct terms of the groups that are (excluded = 0) not excluded, or (excluded =
 * 1) excluded, in first-seen order; *n receives their number. The positive list is
 * what the reader looks up in the index (a term with is_prefix set stands for every
 * indexed term starting with it) and also what a snippet highlights. Owned by q. */
const sat_query_term *const *sat_query_terms(const sat_query *q, int excluded, size_t *n);

/* 1 if a document's language tag doc_lang (may be NULL) passes the lang filter: no
 * filter, or equal to it ignoring ASCII case, or starting with it followed by '-'. */
int sat_query_lang_match(const sat_query *q, const char *doc_lang);

/* 1 if a document's date ("YYYY-MM-DD..." or NULL) passes since/until (by day). A
 * document without a date passes only when neither is set. */
int sat_query_date_match(const sat_query *q, const char *doc_date);

#endif
