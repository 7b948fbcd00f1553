/*
 * sat_search.h - full-text search over a bundle's signed search index (formats/SPEC.md,
 * section 12, "The search index").
 *
 * The packer builds the index while it writes the bundle (sat_writer does it: every text
 * entry's title, section and body go through sat_token, the same tokeniser the reader
 * runs on queries). The reader opens it lazily: opening reads the small document table;
 * a query reads, hash-checks and decompresses only the term blocks of its own terms.
 *
 *   sat_search *s = NULL;
 *   if (sat_search_open(bundle, &s, &err) < 0) ...       SAT_E_NOTFOUND: no index
 *   sat_query *q = NULL; sat_query_parse(text, len, &q, &err);
 *   sat_search_result *r = NULL;
 *   if (sat_search_run(s, q, 10, &r, &err) < 0) ...
 *   for (i = 0; i < r->n; i++) {
 *       sat_bundle_entry(bundle, r->hits[i].entry, &e, &err);  ... e->id, e->title
 *       sat_snippet sn; sat_search_snippet(s, q, &r->hits[i], 160, &sn, &err); ...
 *       sat_snippet_free(&sn);
 *   }
 *
 * Memory stays bounded however many entries match: hits are entry indexes, and index
 * pages loaded while ranking or reading are dropped again (a caller walking thousands of
 * hits calls sat_bundle_forget_pages now and then, as for a listing).
 *   sat_search_result_free(r); sat_query_free(q); sat_search_free(s);
 *
 * What a match is: every group of the query that is not excluded matches and no
 * excluded group matches; the filters pass on the entry's signed metadata; and the entry
 * is intact. A group matches when its terms occur at consecutive positions as the query
 * parser laid them out (a one-term group: the term occurs; a prefix group: any indexed
 * term starting with it occurs). The index stores no positions: groups of more than one
 * term (Korean words of three or more syllables, "quoted phrases", "people's") are first
 * found by their terms' lists and then checked on the entry's verified text, so a hit
 * always really contains what was asked.
 *
 * Ranking: BM25 (k1 = 1.2, b = 0.75) over the index's weighted term frequencies (a title
 * or section occurrence counts SAT_SEARCH_HEAD_WEIGHT times), summed over the terms of the
 * groups that are not excluded; ties broken by newer date (undated last), then by document
 * order.
 *
 * Damage: an entry whose text does not verify is never a hit (counted in n_damaged); a
 * term block or the document table that does not verify makes the search fail with
 * SAT_E_HASH and a message saying which part of the index is damaged (results would be
 * silently incomplete otherwise).
 */
#ifndef SAT_SEARCH_H
#define SAT_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "sat_bundle.h"
#include "sat_err.h"
#include "sat_index.h" /* SAT_SEARCH_HEAD_WEIGHT */
#include "sat_manifest.h"
#include "sat_query.h"

typedef struct sat_search sat_search;

/* Opens the search index of b (which must stay open until sat_search_free): reads and
 * checks the document table. Returns 0; SAT_E_NOTFOUND when the bundle has no index;
 * SAT_E_HASH when the document table is damaged; SAT_E_FORMAT when it does not parse. */
int sat_search_open(sat_bundle *b, sat_search **out, sat_err *err);
void sat_search_free(sat_search *s);

/* Number of text entries the index covers. */
uint64_t sat_search_doc_count(const sat_search *s);

typedef struct sat_hit {
    uint64_t entry; /* the entry's index in the bundle: sat_bundle_entry(b, entry, &e, ...) */
    double score;
} sat_hit;

typedef struct sat_search_result {
    size_t total;     /* matching entries (see total_exact) */
    int total_exact;  /* 1: total is exact; 0: an upper bound, because candidates below the
                         hits returned that need the text check (a word of several terms, a
                         phrase) were not read; limit 0 always gives an exact total */
    size_t n;         /* hits returned: min(total, limit), best first */
    sat_hit *hits;    /* n hits */
    size_t n_damaged; /* entries left out because their text or index page is damaged */
} sat_search_result;

/* Runs q. limit 0 returns every hit. Returns 0 with *out set (free it with
 * sat_search_result_free), or SAT_E_HASH / SAT_E_FORMAT (the index is damaged or does not
 * parse: the message says which block), SAT_E_NOMEM. */
int sat_search_run(sat_search *s, const sat_query *q, size_t limit, sat_search_result **out,
                   sat_err *err);
void sat_search_result_free(sat_search_result *r);

/* A snippet: one line of an entry's verified text around the first match. text holds
 * valid UTF-8 with no control characters (line breaks and tabs become spaces, other
 * controls U+FFFD); marks are the byte ranges in text of the matched words, in order,
 * not overlapping. */
typedef struct sat_snippet {
    char *text;
    size_t len;
    size_t (*marks)[2]; /* marks[i][0] = start, marks[i][1] = end (exclusive) */
    size_t n_marks;
} sat_snippet;

/* Builds the snippet of hit h for q: about width display columns (East Asian wide characters
 * count two) around the first match in the body, cut at character boundaries, with "…"
 * where text was cut. When the body holds no match (the title matched) it starts at the
 * beginning of the body. Uses the text the run verified, or reads and verifies it again
 * (SAT_E_HASH when damaged). */
int sat_search_snippet(sat_search *s, const sat_query *q, const sat_hit *h, size_t width,
                       sat_snippet *out, sat_err *err);
void sat_snippet_free(sat_snippet *sn);

#endif
