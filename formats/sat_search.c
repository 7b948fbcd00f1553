/*
 * sat_search.c - queries over the signed search index (sat_search.h, SPEC 12).
 *
 * A query runs in steps: each group that is not excluded becomes a sorted list of
 * documents with its BM25 share (one term: its posting list; a prefix: the union of the
 * lists of every term starting with it; several terms: the intersection of their lists,
 * marked for a check on the text); the groups are intersected, excluded groups removed,
 * filters applied on the entries' signed metadata, candidates needing it checked on
 * their verified text, and the rest ranked. Only the term blocks of the query's terms are
 * read; each is hash-checked before it is parsed.
 */
#include "sat_search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_index.h"
#include "sat_postings.h"
#include "sat_text.h"
#include "sat_token.h"

#define BM25_K1 1.2
#define BM25_B 0.75
/* Parsed term blocks kept between queries, in bytes of their decompressed size. */
#define BLOCK_CACHE_MAX ((size_t)8 << 20)
/* Most indexed terms one prefix may stand for. */
#define PREFIX_TERMS_MAX 50000
/* Hits whose verified text is kept for their snippets. */
#define TEXT_CACHE_HITS 100
/* Hits read at a time (their index pages are loaded together). */
#define READ_BATCH 64
/* Index pages left loaded after reading hits (about 150 KB each). */
#define PAGES_KEPT 64

struct sat_search {
    sat_bundle *b;
    const sat_manifest *m;
    uint64_t ndocs;
    uint32_t *entry; /* document -> entry index */
    uint32_t *dlen;  /* document -> weighted length */
    double avgdl;
    sat_ixblock **blocks; /* parsed term blocks, NULL until needed */
    size_t cached;        /* their bytes */
    /* verified texts of the last run's first hits, for snippets */
    uint64_t *text_e; /* their entry indexes */
    char **text;
    size_t *text_len;
    size_t n_text;
};

/* A group's (or the query's) documents: sorted, each with a score share. */
typedef struct dset {
    uint32_t *doc;
    double *score;
    uint8_t *check; /* 1: must be checked on the text (NULL: none) */
    size_t n;
} dset;

static void dset_free(dset *d)
{
    free(d->doc);
    free(d->score);
    free(d->check);
    memset(d, 0, sizeof *d);
}

static int dset_alloc(dset *d, size_t n)
{
    d->doc = malloc((n + 1) * sizeof *d->doc);
    d->score = malloc((n + 1) * sizeof *d->score);
    d->check = calloc(n + 1, 1);
    d->n = 0;
    return d->doc == NULL || d->score == NULL || d->check == NULL ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Opening                                                                  */
/* ------------------------------------------------------------------------ */

int sat_search_open(sat_bundle *b, sat_search **out, sat_err *err)
{
    const sat_manifest *m = sat_bundle_manifest(b);
    const sat_manifest_head *h = &m->head;
    sat_search *s = NULL;
    uint8_t *buf = NULL;
    uint64_t total = 0;
    int rc;

    *out = NULL;
    if (!h->has_search)
        return sat_err_set(err, SAT_E_NOTFOUND,
                           "this bundle has no search index (packed with --no-index, or it has "
                           "no text)");
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    s->b = b;
    s->m = m;
    s->ndocs = h->search_docs;
    s->entry = malloc((size_t)s->ndocs * sizeof *s->entry);
    s->dlen = malloc((size_t)s->ndocs * sizeof *s->dlen);
    s->blocks = calloc(h->n_search_blocks, sizeof *s->blocks);
    if (s->entry == NULL || s->dlen == NULL || s->blocks == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto fail;
    }
    if ((rc = sat_bundle_load_unit(b, h->search_offset, h->search_size, h->search_usize,
                                   h->search_hash, "the search index's document table", &buf,
                                   err)) != 0)
        goto fail;
    rc = sat_ixdocs_parse(buf, (size_t)h->search_usize, s->ndocs, m->n_entries, s->entry, s->dlen,
                          &total, err);
    free(buf);
    if (rc != 0)
        goto fail;
    s->avgdl = (double)total / (double)s->ndocs;
    if (s->avgdl < 1)
        s->avgdl = 1;
    *out = s;
    return 0;
fail:
    sat_search_free(s);
    return rc;
}

static void forget_texts(sat_search *s)
{
    size_t i;

    for (i = 0; i < s->n_text; i++)
        free(s->text[i]);
    free(s->text);
    free(s->text_e);
    free(s->text_len);
    s->text = NULL;
    s->text_e = NULL;
    s->text_len = NULL;
    s->n_text = 0;
}

void sat_search_free(sat_search *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; s->blocks != NULL && i < s->m->head.n_search_blocks; i++)
        sat_ixblock_free(s->blocks[i]);
    forget_texts(s);
    free(s->blocks);
    free(s->entry);
    free(s->dlen);
    free(s);
}

uint64_t sat_search_doc_count(const sat_search *s)
{
    return s->ndocs;
}

/* ------------------------------------------------------------------------ */
/* Terms                                                                    */
/* ------------------------------------------------------------------------ */

/* The block that would hold term: the last whose first term is <= term (SIZE_MAX: none). */
static size_t block_for(const sat_search *s, const char *term, size_t len)
{
    const sat_page *t = s->m->head.search_blocks;
    size_t lo = 0, hi = s->m->head.n_search_blocks;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sat_ixterm_cmp(t[mid].first_id, strlen(t[mid].first_id), term, len) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

static int load_block(sat_search *s, size_t bi, sat_err *err)
{
    const sat_manifest_head *h = &s->m->head;
    const sat_page *t = &h->search_blocks[bi];
    uint8_t *buf = NULL;
    char what[128];
    size_t i;
    int rc;

    if (s->blocks[bi] != NULL)
        return 0;
    if (s->cached + t->usize > BLOCK_CACHE_MAX) { /* simple: start over */
        for (i = 0; i < h->n_search_blocks; i++) {
            sat_ixblock_free(s->blocks[i]);
            s->blocks[i] = NULL;
        }
        s->cached = 0;
    }
    snprintf(what, sizeof what, "the search index's term block %zu", bi);
    if ((rc = sat_bundle_load_unit(s->b, t->offset, t->size, t->usize, t->hash, what, &buf,
                                   err)) != 0) {
        if (rc == SAT_E_HASH)
            sat_err_set(err, SAT_E_HASH,
                        "%s is damaged: searching needs it (the entries themselves are not "
                        "affected; run verify)",
                        what);
        return rc;
    }
    rc = sat_ixblock_parse(buf, (size_t)t->usize, t->count, t->first_id,
                           bi + 1 < h->n_search_blocks ? h->search_blocks[bi + 1].first_id : NULL,
                           s->ndocs, 0, &s->blocks[bi], err);
    if (rc != 0) {
        sat_err_prefix(err, "%s", what);
        return rc == SAT_E_NOMEM ? rc : SAT_E_FORMAT;
    }
    s->cached += t->usize;
    return 0;
}

/* BM25 share of a term of inverse document frequency idf, frequency tf in document doc. */
static double bm25(const sat_search *s, double idf, double tf, uint32_t doc)
{
    return idf * tf * (BM25_K1 + 1) /
           (tf + BM25_K1 * (1 - BM25_B + BM25_B * (double)s->dlen[doc] / s->avgdl));
}

/* BM25's inverse document frequency of a term held by df documents. */
static double bm25_idf(const sat_search *s, size_t df)
{
    return log(1.0 + ((double)s->ndocs - (double)df + 0.5) / ((double)df + 0.5));
}

/* The next document of a posting list, refused when beyond the document table: 1 with
 * dec->doc < ndocs, 0 at the end, or an error. */
static int next_doc(const sat_search *s, sat_postings_dec *dec, sat_err *err)
{
    int rc = sat_postings_next(dec, err);

    if (rc == 1 && dec->doc >= s->ndocs)
        return sat_err_set(err, SAT_E_FORMAT,
                           "search index: a posting list names document %u, the table has %llu",
                           (unsigned)dec->doc, (unsigned long long)s->ndocs);
    return rc;
}

/* Decodes one posting list into d (sorted), each document's share scored with BM25 (the
 * document frequency is the list's count). */
static int list_docs(sat_search *s, const uint8_t *list, size_t len, dset *d, sat_err *err)
{
    sat_postings_dec dec;
    size_t n, i = 0;
    double idf;
    int rc;

    if ((rc = sat_postings_open(&dec, list, len, err)) != 0)
        return rc;
    n = sat_postings_count(&dec);
    if (dset_alloc(d, n) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto fail;
    }
    idf = bm25_idf(s, n);
    /* the decoder returns exactly its count of documents, so i stays below n */
    while ((rc = next_doc(s, &dec, err)) == 1) {
        d->doc[i] = dec.doc;
        d->score[i] = bm25(s, idf, dec.freq, dec.doc);
        i++;
    }
    if (rc < 0)
        goto fail;
    d->n = i;
    return 0;
fail:
    dset_free(d); /* on error d holds nothing, as prefix_docs leaves it */
    return rc;
}

/* The documents of an exact term (empty when the index does not have it). */
static int term_docs(sat_search *s, const char *term, size_t len, dset *d, sat_err *err)
{
    size_t bi = block_for(s, term, len), k;
    const sat_ixblock *blk;
    int rc;

    memset(d, 0, sizeof *d);
    if (bi == SIZE_MAX)
        return dset_alloc(d, 0) == 0 ? 0 : sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if ((rc = load_block(s, bi, err)) != 0)
        return rc;
    blk = s->blocks[bi];
    k = sat_ixblock_lower(blk, term, len);
    if (k == blk->n || sat_ixterm_cmp(blk->terms[k].term, blk->terms[k].len, term, len) != 0)
        return dset_alloc(d, 0) == 0 ? 0 : sat_err_set(err, SAT_E_NOMEM, "out of memory");
    return list_docs(s, blk->terms[k].list, blk->terms[k].list_len, d, err);
}

/* Adds the documents of one posting list to tf (frequencies per document); counts the
 * documents new to it in *ndoc. */
static int tf_add(sat_search *s, const uint8_t *list, size_t len, uint32_t *tf, size_t *ndoc,
                  sat_err *err)
{
    sat_postings_dec dec;
    int rc;

    if ((rc = sat_postings_open(&dec, list, len, err)) != 0)
        return rc;
    while ((rc = next_doc(s, &dec, err)) == 1) {
        if (tf[dec.doc] == 0)
            (*ndoc)++;
        tf[dec.doc] = tf[dec.doc] > UINT32_MAX - dec.freq ? UINT32_MAX : tf[dec.doc] + dec.freq;
    }
    return rc < 0 ? rc : 0;
}

/* Adds the documents of the bigrams that the link terms fwd[0..n) name (each the bigram's
 * own term, made from its link). A bigram the index lacks adds nothing. */
static int links_add(sat_search *s, char (*fwd)[SAT_TOKEN_MAX + 1], size_t n, uint32_t *tf,
                     size_t *ndoc, sat_err *err)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        size_t len = strlen(fwd[i]), bi = block_for(s, fwd[i], len), k;
        const sat_ixblock *blk;
        if (bi == SIZE_MAX)
            continue;
        if ((rc = load_block(s, bi, err)) != 0)
            return rc;
        blk = s->blocks[bi];
        k = sat_ixblock_lower(blk, fwd[i], len);
        if (k == blk->n || blk->terms[k].link ||
            sat_ixterm_cmp(blk->terms[k].term, blk->terms[k].len, fwd[i], len) != 0)
            continue;
        if ((rc = tf_add(s, blk->terms[k].list, blk->terms[k].list_len, tf, ndoc, err)) != 0)
            return rc;
    }
    return 0;
}

/* The documents of every term starting with prefix: frequencies added up per document,
 * scored as one term. With links (a one-character CJK word), also those of the bigrams it
 * ends, which the link terms starting with it name: so every occurrence of the character
 * is found, whether it begins a bigram, ends one or stands alone (an occurrence inside a
 * longer word counts twice in the frequency). */
static int prefix_docs(sat_search *s, const char *prefix, size_t len, int links, dset *d,
                       sat_err *err)
{
    const sat_manifest_head *h = &s->m->head;
    uint32_t *tf = NULL;
    char(*fwd)[SAT_TOKEN_MAX + 1] = NULL;
    size_t n_fwd = 0, cap_fwd = 0;
    size_t bi = block_for(s, prefix, len), k, nterms = 0, ndoc = 0, i;
    double idf;
    int rc = 0, done = 0;

    memset(d, 0, sizeof *d);
    tf = calloc((size_t)s->ndocs + 1, sizeof *tf);
    if (tf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (bi == SIZE_MAX)
        bi = 0; /* the prefix sorts before every block: its terms start in block 0 */
    for (; !done && bi < h->n_search_blocks; bi++) {
        const sat_ixblock *blk;
        if ((rc = load_block(s, bi, err)) != 0)
            goto out;
        blk = s->blocks[bi];
        for (k = sat_ixblock_lower(blk, prefix, len); k < blk->n; k++) {
            const sat_ixterm *t = &blk->terms[k];
            if (t->len < len || memcmp(t->term, prefix, len) != 0) {
                done = 1;
                break;
            }
            if (++nterms > PREFIX_TERMS_MAX) {
                rc = sat_err_set(err, SAT_E_LIMIT,
                                 "more than %d indexed words start with \"%.64s\": type more of "
                                 "the word",
                                 PREFIX_TERMS_MAX, prefix);
                goto out;
            }
            if (t->link) {
                size_t a = t->link + SAT_IXLINK_SEP_LEN;
                /* its own character exactly: a longer one starting with the prefix is
                 * another word's business, as for bigrams */
                if (!links || t->link != len)
                    continue;
                if (n_fwd == SAT_IXLINKS_MAX) {
                    rc = sat_err_set(err, SAT_E_FORMAT,
                                     "search index: more than %d link terms for \"%.16s\" "
                                     "(SPEC 12.1 allows %d)",
                                     SAT_IXLINKS_MAX, prefix, SAT_IXLINKS_MAX);
                    goto out;
                }
                if (n_fwd == cap_fwd) {
                    size_t cap = cap_fwd ? cap_fwd * 2 : 64;
                    char(*nf)[SAT_TOKEN_MAX + 1] = realloc(fwd, cap * sizeof *fwd);
                    if (nf == NULL) {
                        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
                        goto out;
                    }
                    fwd = nf;
                    cap_fwd = cap;
                }
                /* the bigram: the link's part after the separator, then its part before
                 * (t->len <= SAT_TOKEN_MAX, so it fits) */
                memcpy(fwd[n_fwd], t->term + a, t->len - a);
                memcpy(fwd[n_fwd] + (t->len - a), t->term, t->link);
                fwd[n_fwd][t->len - SAT_IXLINK_SEP_LEN] = '\0';
                n_fwd++;
                continue;
            }
            if ((rc = tf_add(s, t->list, t->list_len, tf, &ndoc, err)) != 0)
                goto out;
        }
    }
    /* after the scan: reading other blocks may drop the scanned ones from the cache */
    if ((rc = links_add(s, fwd, n_fwd, tf, &ndoc, err)) != 0)
        goto out;
    if (dset_alloc(d, ndoc) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    idf = bm25_idf(s, ndoc);
    for (i = 0; i < s->ndocs; i++) {
        if (tf[i] == 0)
            continue;
        d->doc[d->n] = (uint32_t)i;
        d->score[d->n] = bm25(s, idf, tf[i], (uint32_t)i);
        d->n++;
    }
out:
    free(tf);
    free(fwd);
    if (rc != 0)
        dset_free(d);
    return rc;
}

/* a AND b into out (scores added, check flags or'ed). */
static int dset_and(const dset *a, const dset *b, dset *out)
{
    size_t i = 0, j = 0;

    if (dset_alloc(out, a->n < b->n ? a->n : b->n) != 0)
        return -1;
    while (i < a->n && j < b->n) {
        if (a->doc[i] < b->doc[j]) {
            i++;
        } else if (a->doc[i] > b->doc[j]) {
            j++;
        } else {
            out->doc[out->n] = a->doc[i];
            out->score[out->n] = a->score[i] + b->score[j];
            out->check[out->n] = (uint8_t)(a->check[i] | b->check[j]);
            out->n++;
            i++;
            j++;
        }
    }
    return 0;
}

/* Replaces *acc by *acc AND *next (next is freed). */
static int and_into(dset *acc, dset *next, int first)
{
    dset r;

    if (first) {
        *acc = *next;
        memset(next, 0, sizeof *next);
        return 0;
    }
    memset(&r, 0, sizeof r);
    if (dset_and(acc, next, &r) != 0) {
        dset_free(&r);
        return -1;
    }
    dset_free(acc);
    dset_free(next);
    *acc = r;
    return 0;
}

/* A one-syllable CJK word (SAT_TOKEN_SINGLE) alone in its group matches inside longer
 * words: every term that starts with it (the bigrams it begins, and its unigram, which the
 * index holds where it stands alone), and the bigrams it ends (through the link terms). */
static int group_is_prefix(const sat_query_group *g)
{
    return g->nterms == 1 && (g->is_prefix || g->terms[0].kind == SAT_TOKEN_SINGLE);
}

/* The documents holding every term of g (prefix semantics for a one-term prefix group);
 * documents of groups of several terms are marked for the text check. */
static int group_docs(sat_search *s, const sat_query_group *g, dset *out, sat_err *err)
{
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    if (group_is_prefix(g))
        return prefix_docs(s, g->terms[0].term, g->terms[0].len,
                           g->terms[0].kind == SAT_TOKEN_SINGLE, out, err);
    for (i = 0; i < g->nterms; i++) {
        dset d;
        const sat_query_term *t = &g->terms[i];
        /* one character among others (a phrase): wherever it occurs; the text check keeps
         * the documents where the group's terms follow each other */
        rc = t->kind == SAT_TOKEN_SINGLE ? prefix_docs(s, t->term, t->len, 1, &d, err)
                                         : term_docs(s, t->term, t->len, &d, err);
        if (rc != 0) {
            dset_free(out);
            return rc;
        }
        if (and_into(out, &d, i == 0) != 0) {
            dset_free(&d);
            dset_free(out);
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        }
    }
    if (g->nterms > 1)
        memset(out->check, 1, out->n);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The text check                                                           */
/* ------------------------------------------------------------------------ */

/* Positions of each term of the groups being checked, while tokenising one field. */
typedef struct tcheck {
    const sat_query_group *const *groups;
    size_t ng;
    uint32_t *pos[SAT_QUERY_MAX_GROUPS][SAT_QUERY_MAX_TERMS];
    size_t npos[SAT_QUERY_MAX_GROUPS][SAT_QUERY_MAX_TERMS];
    size_t cap[SAT_QUERY_MAX_GROUPS][SAT_QUERY_MAX_TERMS];
    int nomem;
} tcheck;

static int tcheck_token(const sat_token *tok, void *ctx)
{
    tcheck *c = ctx;
    size_t g, i;

    for (g = 0; g < c->ng; g++) {
        const sat_query_group *q = c->groups[g];
        for (i = 0; i < q->nterms; i++) {
            size_t *n = &c->npos[g][i], *cap = &c->cap[g][i];
            if (q->terms[i].len != tok->term_len ||
                memcmp(q->terms[i].term, tok->term, tok->term_len) != 0)
                continue;
            if (*n == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                uint32_t *np = realloc(c->pos[g][i], nc * sizeof *np);
                if (np == NULL) {
                    c->nomem = 1;
                    return SAT_E_NOMEM;
                }
                c->pos[g][i] = np;
                *cap = nc;
            }
            c->pos[g][i][(*n)++] = (uint32_t)tok->pos;
        }
    }
    return 0;
}

static int has_pos(const uint32_t *p, size_t n, uint64_t want)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid] < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && p[lo] == want;
}

/* 1 if group g's terms were seen at positions differing as their rel_pos. */
static int tcheck_group(const tcheck *c, size_t g)
{
    const sat_query_group *q = c->groups[g];
    size_t k, i;

    for (k = 0; k < c->npos[g][0]; k++) {
        uint64_t p0 = c->pos[g][0][k];
        for (i = 1; i < q->nterms; i++)
            if (!has_pos(c->pos[g][i], c->npos[g][i], p0 + q->terms[i].rel_pos))
                break;
        if (i == q->nterms)
            return 1;
    }
    return 0;
}

/* Tokenises one field (title, section: text; body: gemtext) and sets found[g] for each
 * group found in it. */
static int check_field(tcheck *c, const char *s, size_t len, int gemtext, int *found)
{
    size_t g, i;
    int rc;

    for (g = 0; g < c->ng; g++)
        for (i = 0; i < c->groups[g]->nterms; i++)
            c->npos[g][i] = 0;
    rc = gemtext ? sat_token_gemtext(s, len, SAT_TEXT_TOKEN_FLAGS, tcheck_token, c, NULL)
                 : sat_token_text(s, len, SAT_TEXT_TOKEN_FLAGS, tcheck_token, c, NULL);
    if (c->nomem)
        return SAT_E_NOMEM;
    if (rc != 0)
        return 0; /* not valid UTF-8: no match (verified bodies always are) */
    for (g = 0; g < c->ng; g++)
        if (!found[g] && tcheck_group(c, g))
            found[g] = 1;
    return 0;
}

static void tcheck_free(tcheck *c)
{
    size_t g, i;

    for (g = 0; g < SAT_QUERY_MAX_GROUPS; g++)
        for (i = 0; i < SAT_QUERY_MAX_TERMS; i++)
            free(c->pos[g][i]);
}

/* ------------------------------------------------------------------------ */
/* Running a query                                                          */
/* ------------------------------------------------------------------------ */

typedef struct cand {
    uint32_t doc;
    double score;
    const sat_mentry *e; /* loaded for the hits only (pages are dropped while ranking) */
    uint8_t check;
    uint8_t meta;  /* 1: date (and filters) looked at; 2: its index page is damaged */
    uint8_t pass;  /* the filters passed */
    char date[21]; /* the entry's date, "" when it has none */
} cand;

/* Best first: higher score, then (among equal scores, once their dates are known) the
 * newer date, undated last, then document order. */
static int cmp_score(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    int c;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if ((c = strcmp(b->date, a->date)) != 0)
        return c;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* Loads the entry of document doc: 0, 1 when its index page is damaged (left out), or a
 * format error (the index names a media entry). */
static int cand_entry(sat_search *s, cand *c, sat_err *err)
{
    sat_err e;

    if (c->e != NULL)
        return 0;
    sat_err_clear(&e);
    if (sat_bundle_entry(s->b, s->entry[c->doc], &c->e, &e) != 0) {
        c->e = NULL;
        if (e.code == SAT_E_HASH)
            return 1;
        if (err != NULL)
            *err = e;
        return e.code;
    }
    if (c->e->unit == SAT_UNIT_MEDIA)
        return sat_err_set(err, SAT_E_FORMAT,
                           "search index: document %u names the media entry \"%s\" (signed: a "
                           "broken or hostile signer)",
                           (unsigned)c->doc, c->e->id);
    return 0;
}

static int filters_pass(const sat_query *q, const sat_mentry *e)
{
    const sat_query_filters *f = sat_query_filters_of(q);

    if (f->kind_mask != 0 && !(f->kind_mask & (1u << e->kind)))
        return 0;
    if (f->section != NULL && (e->section == NULL || strcmp(f->section, e->section) != 0))
        return 0;
    return sat_query_lang_match(q, e->lang) && sat_query_date_match(q, e->date);
}

static const sat_search *cmp_s; /* for qsort below; a run is not reentrant */

static int cmp_by_entry(const void *pa, const void *pb)
{
    const cand *a = *(cand *const *)pa, *b = *(cand *const *)pb;
    uint32_t x = cmp_s->entry[a->doc], y = cmp_s->entry[b->doc];

    return x < y ? -1 : x > y;
}

/* Looks at the metadata of the candidates list[0..n): date, and whether the filters pass.
 * They are visited in entry order, so each index page is loaded once, and pages are dropped
 * whenever more than PAGES_KEPT are loaded: memory stays bounded whatever the number of
 * candidates. Returns 0 or an error. */
static int cand_meta_all(sat_search *s, const sat_query *q, cand **list, size_t n, sat_err *err)
{
    size_t i, page = SIZE_MAX;
    int rc;

    cmp_s = s;
    qsort(list, n, sizeof *list, cmp_by_entry);
    for (i = 0; i < n; i++) {
        cand *c = list[i];
        size_t pg = sat_manifest_page_of_index(s->m, s->entry[c->doc]);
        if (c->meta)
            continue;
        if (pg != page) {
            if (sat_bundle_pages_loaded(s->b) > PAGES_KEPT)
                sat_bundle_forget_pages(s->b);
            page = pg;
        }
        c->e = NULL;
        if ((rc = cand_entry(s, c, err)) < 0)
            return rc;
        if (rc == 1) {
            c->meta = 2;
            continue;
        }
        c->meta = 1;
        c->pass = (uint8_t)filters_pass(q, c->e);
        snprintf(c->date, sizeof c->date, "%s", c->e->date != NULL ? c->e->date : "");
        c->e = NULL;
    }
    return 0;
}

/* Checks c's verified text for the groups that need it: positive multi-term groups must be
 * found (in one field), excluded ones must not. Returns 1 match, 0 no match, or an error. */
static int text_check(const sat_query *q, const cand *c, const char *text, size_t tlen,
                      sat_err *err)
{
    const sat_query_group *groups[SAT_QUERY_MAX_GROUPS];
    int found[SAT_QUERY_MAX_GROUPS] = {0};
    size_t ng = 0, i;
    tcheck *tc = NULL;
    int rc;

    for (i = 0; i < sat_query_group_count(q); i++) {
        const sat_query_group *g = sat_query_group_at(q, i);
        if (g->nterms > 1)
            groups[ng++] = g;
    }
    if (ng == 0)
        return 1;
    tc = calloc(1, sizeof *tc);
    if (tc == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    tc->groups = groups;
    tc->ng = ng;
    rc = check_field(tc, c->e->title, strlen(c->e->title), 0, found);
    if (rc == 0 && c->e->section != NULL)
        rc = check_field(tc, c->e->section, strlen(c->e->section), 0, found);
    if (rc == 0)
        rc = check_field(tc, text, tlen, 1, found);
    tcheck_free(tc);
    free(tc);
    if (rc != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    for (i = 0; i < ng; i++)
        if (found[i] == groups[i]->excluded)
            return 0;
    return 1;
}

static int keep_text(sat_search *s, uint64_t entry, char *text, size_t len)
{
    if (s->n_text >= TEXT_CACHE_HITS)
        return 0;
    s->text_e[s->n_text] = entry;
    s->text[s->n_text] = text;
    s->text_len[s->n_text] = len;
    s->n_text++;
    return 1;
}

typedef struct bitem {
    size_t rank;
    uint32_t unit;
    uint64_t off;
    char *text;
    size_t len;
    int ok;
} bitem;

static int cmp_bitem_place(const void *pa, const void *pb)
{
    const bitem *a = pa, *b = pb;

    if (a->unit != b->unit)
        return a->unit < b->unit ? -1 : 1;
    return a->off > b->off ? -1 : a->off < b->off; /* the farthest first */
}

static int cmp_bitem_rank(const void *pa, const void *pb)
{
    const bitem *a = pa, *b = pb;

    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Loads the index pages of the next candidates cs[0..k) at once (on the bundle's threads);
 * cand_entry then finds them loaded. Before, the pages used least recently go until at
 * most PAGES_KEPT - k / 2 stay (no entry pointer is held here): with the batch's pages,
 * at most 1.5 * PAGES_KEPT are loaded (READ_BATCH is PAGES_KEPT), and a batch of 64 (with
 * --limit 0) still finds half the kept ones. */
static void load_pages_ahead(sat_search *s, const cand *cs, size_t k, uint64_t *idx)
{
    size_t i;

    sat_bundle_trim_pages(s->b, PAGES_KEPT - (k < PAGES_KEPT ? k : PAGES_KEPT) / 2);
    for (i = 0; i < k; i++)
        idx[i] = s->entry[cs[i].doc];
    sat_bundle_load_entries(s->b, idx, k);
}

/* Reads and verifies the best candidates cs[0..n) (in rank order) until `want` hits are
 * in r or none is left; damaged ones are counted and replaced by the next. A batch of
 * candidates is read at once (sat_bundle_read_batch: its clusters on the bundle's
 * threads), then each is checked and kept in rank order. */
static int read_hits(sat_search *s, const sat_query *q, cand *cs, size_t n, size_t want,
                     sat_search_result *r, sat_err *err)
{
    size_t cap = (want < READ_BATCH ? want : READ_BATCH) + 1, next = 0, j;
    bitem *bt = malloc(cap * sizeof *bt);
    sat_bundle_req *rq = malloc(cap * sizeof *rq);
    uint64_t *idx = malloc(cap * sizeof *idx);
    int rc = 0;

    if (bt == NULL || rq == NULL || idx == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    while (r->n < want && next < n) {
        size_t nb = 0, ahead = want - r->n < READ_BATCH ? want - r->n : READ_BATCH;
        load_pages_ahead(s, cs + next, ahead < n - next ? ahead : n - next, idx);
        while (nb < want - r->n && nb < READ_BATCH && next < n) {
            cand *c = &cs[next];
            if ((rc = cand_entry(s, c, err)) < 0)
                goto out;
            if (rc == 1) { /* its index page is damaged */
                rc = 0;
                r->n_damaged++;
                r->total--;
                next++;
                continue;
            }
            bt[nb].rank = next++;
            bt[nb].unit = c->e->unit;
            bt[nb].off = c->e->offset;
            bt[nb].text = NULL;
            bt[nb].ok = 0;
            nb++;
        }
        qsort(bt, nb, sizeof *bt, cmp_bitem_place);
        for (j = 0; j < nb; j++)
            rq[j].e = cs[bt[j].rank].e;
        sat_bundle_read_batch(s->b, rq, nb);
        for (j = 0; j < nb; j++) {
            bt[j].text = rq[j].text;
            bt[j].len = rq[j].len;
        }
        for (j = 0; j < nb; j++) {
            cand *c = &cs[bt[j].rank];
            int m = 1;
            if (rq[j].rc == SAT_E_HASH) {
                r->n_damaged++;
                r->total--;
                continue;
            }
            if (rq[j].rc != 0) {
                if (err != NULL)
                    *err = rq[j].err;
                rc = rq[j].rc;
                goto out_batch;
            }
            /* verified; checked for the groups that need it */
            if (c->check && (m = text_check(q, c, bt[j].text, bt[j].len, err)) < 0) {
                rc = m;
                goto out_batch;
            }
            if (m == 1)
                bt[j].ok = 1;
            else
                r->total--;
        }
        qsort(bt, nb, sizeof *bt, cmp_bitem_rank);
        for (j = 0; j < nb; j++) {
            cand *c = &cs[bt[j].rank];
            if (!bt[j].ok)
                continue;
            if (keep_text(s, s->entry[c->doc], bt[j].text, bt[j].len))
                bt[j].text = NULL;
            r->hits[r->n].entry = s->entry[c->doc];
            r->hits[r->n].score = c->score;
            r->n++;
        }
    out_batch:
        for (j = 0; j < nb; j++) {
            free(bt[j].text);
            cs[bt[j].rank].e = NULL; /* hits keep entry indexes, not pointers */
        }
        /* loaded pages serve the caller and the next query; past a bound, those used
         * least recently go */
        sat_bundle_trim_pages(s->b, PAGES_KEPT);
        if (rc != 0)
            goto out;
    }
    /* candidates not read: those needing the text check may not match */
    for (; next < n; next++)
        if (cs[next].check)
            r->total_exact = 0;
out:
    free(bt);
    free(rq);
    free(idx);
    return rc;
}

int sat_search_run(sat_search *s, const sat_query *q, size_t limit, sat_search_result **out,
                   sat_err *err)
{
    const sat_query_filters *f = sat_query_filters_of(q);
    int has_filters = f->kind_mask != 0 || f->lang != NULL || f->section != NULL ||
                      f->since != NULL || f->until != NULL;
    sat_search_result *r = NULL;
    dset acc, d;
    cand *cs = NULL, **ptr = NULL;
    size_t i, ng = sat_query_group_count(q), n = 0, k, first = 1;
    int rc = 0;

    *out = NULL;
    memset(&acc, 0, sizeof acc);
    memset(&d, 0, sizeof d);
    forget_texts(s);
    s->text_e = calloc(TEXT_CACHE_HITS, sizeof *s->text_e);
    s->text = calloc(TEXT_CACHE_HITS, sizeof *s->text);
    s->text_len = calloc(TEXT_CACHE_HITS, sizeof *s->text_len);
    r = calloc(1, sizeof *r);
    if (r == NULL || s->text_e == NULL || s->text == NULL || s->text_len == NULL)
        goto nomem;

    /* 1. every group that is not excluded */
    for (i = 0; i < ng; i++) {
        const sat_query_group *g = sat_query_group_at(q, i);
        if (g->excluded)
            continue;
        if ((rc = group_docs(s, g, &d, err)) != 0)
            goto out;
        if (and_into(&acc, &d, (int)first) != 0)
            goto nomem;
        first = 0;
        if (acc.n == 0)
            break;
    }
    /* 2. excluded groups: one term or a prefix removes its documents at once; several
     * terms mark the documents holding them all for the text check */
    for (i = 0; i < ng && acc.n > 0; i++) {
        const sat_query_group *g = sat_query_group_at(q, i);
        size_t a = 0, b = 0, w = 0;
        if (!g->excluded)
            continue;
        if ((rc = group_docs(s, g, &d, err)) != 0)
            goto out;
        for (a = 0; a < acc.n; a++) {
            while (b < d.n && d.doc[b] < acc.doc[a])
                b++;
            if (b < d.n && d.doc[b] == acc.doc[a]) {
                if (g->nterms == 1 || group_is_prefix(g))
                    continue; /* dropped */
                acc.check[a] = 1;
            }
            acc.doc[w] = acc.doc[a];
            acc.score[w] = acc.score[a];
            acc.check[w] = acc.check[a];
            w++;
        }
        acc.n = w;
        dset_free(&d);
    }
    /* 3. candidates; filters on the signed metadata */
    cs = malloc((acc.n + 1) * sizeof *cs);
    ptr = malloc((acc.n + 1) * sizeof *ptr);
    if (cs == NULL || ptr == NULL)
        goto nomem;
    for (i = 0; i < acc.n; i++) {
        cand *c = &cs[i];
        memset(c, 0, sizeof *c);
        c->doc = acc.doc[i];
        c->score = acc.score[i];
        c->check = acc.check[i];
        ptr[i] = c;
    }
    n = acc.n;
    if (has_filters) {
        if ((rc = cand_meta_all(s, q, ptr, n, err)) != 0)
            goto out;
        for (i = k = 0; i < n; i++) {
            if (cs[i].meta == 2)
                r->n_damaged++;
            else if (cs[i].pass)
                cs[k++] = cs[i];
        }
        n = k;
    }
    /* 5. rank: scores, then ties by newer date; the dates of tied candidates are looked up
     * only for the ties that reach into the hits asked for */
    qsort(cs, n, sizeof *cs, cmp_score);
    for (i = 0, k = 0; i < n && (limit == 0 || i < limit);) {
        size_t j = i + 1;
        while (j < n && cs[j].score == cs[i].score)
            j++;
        if (j - i > 1)
            for (; i < j; i++)
                ptr[k++] = &cs[i];
        i = j;
    }
    if (k > 0) {
        if ((rc = cand_meta_all(s, q, ptr, k, err)) != 0)
            goto out;
        qsort(cs, n, sizeof *cs, cmp_score);
    }
    /* 6. the hits shown are read and verified; a damaged one gives way to the next. They
     * are read in batches sorted by cluster, and by offset from the end within one, so a
     * cluster holding several hits is decompressed once. */
    r->hits = malloc(((limit && limit < n ? limit : n) + 1) * sizeof *r->hits);
    if (r->hits == NULL)
        goto nomem;
    r->total = n;
    r->total_exact = 1;
    if ((rc = read_hits(s, q, cs, n, limit && limit < n ? limit : n, r, err)) != 0)
        goto out;
    *out = r;
    r = NULL;
    goto out;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
out:
    dset_free(&acc);
    dset_free(&d);
    free(cs);
    free(ptr);
    sat_search_result_free(r);
    return rc;
}

void sat_search_result_free(sat_search_result *r)
{
    if (r == NULL)
        return;
    free(r->hits);
    free(r);
}

/* ------------------------------------------------------------------------ */
/* Snippets                                                                 */
/* ------------------------------------------------------------------------ */

/* Tokens of a body that match a query term, in order, for the snippet's marks. */
typedef struct srec {
    size_t pos, off, len; /* len: bytes to mark (one syllable of a bigram for a 1-syllable word) */
    size_t tlen;
    int kind;
    char term[SAT_TOKEN_MAX + 1];
} srec;

#define SNIPPET_RECS_MAX 20000

typedef struct sctx {
    const char *src; /* the body */
    const sat_query_term *const *terms;
    size_t nterms;
    srec *recs;
    size_t n, cap;
    size_t (*hits)[2]; /* byte ranges to mark, sorted, not overlapping */
    size_t nh;
    int nomem;
} sctx;

static int term_matches(const sat_query_term *t, const char *term, size_t len)
{
    if (t->is_prefix || t->kind == SAT_TOKEN_SINGLE)
        return len >= t->len && memcmp(term, t->term, t->len) == 0;
    return len == t->len && memcmp(term, t->term, len) == 0;
}

static int snippet_token(const sat_token *tok, void *ctx)
{
    sctx *c = ctx;
    srec *r;
    size_t i;

    for (i = 0; i < c->nterms; i++)
        if (term_matches(c->terms[i], tok->term, tok->term_len))
            break;
    if (i == c->nterms)
        return 0;
    if (c->n == SNIPPET_RECS_MAX)
        return 1; /* enough for a snippet: stop the tokeniser */
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 32;
        srec *nr = realloc(c->recs, nc * sizeof *nr);
        if (nr == NULL) {
            c->nomem = 1;
            return SAT_E_NOMEM;
        }
        c->recs = nr;
        c->cap = nc;
    }
    r = &c->recs[c->n++];
    r->pos = tok->pos;
    r->off = tok->off;
    r->len = tok->len;
    r->kind = tok->kind;
    r->tlen = tok->term_len;
    memcpy(r->term, tok->term, tok->term_len + 1);
    return 0;
}

static int add_hit(sctx *c, size_t a, size_t b)
{
    size_t(*nh)[2] = realloc(c->hits, (c->nh + 1) * sizeof *nh);

    if (nh == NULL)
        return -1;
    c->hits = nh;
    c->hits[c->nh][0] = a;
    c->hits[c->nh][1] = b;
    c->nh++;
    return 0;
}

static int cmp_range(const void *pa, const void *pb)
{
    const size_t *a = pa, *b = pb;

    return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* The ranges to mark: every occurrence of a one-term group, and of a group of several
 * terms only where all of them follow each other (not its pieces elsewhere). */
static int snippet_marks(sctx *c, const sat_query *q)
{
    size_t gi, k, i, j, w = 0;

    for (gi = 0; gi < sat_query_group_count(q); gi++) {
        const sat_query_group *g = sat_query_group_at(q, gi);
        if (g->excluded)
            continue;
        for (k = 0; k < c->n; k++) {
            const srec *r = &c->recs[k];
            size_t end;
            if (!term_matches(&g->terms[0], r->term, r->tlen))
                continue;
            if (g->nterms == 1 || group_is_prefix(g)) {
                size_t len = r->len;
                if (g->terms[0].kind == SAT_TOKEN_SINGLE && r->kind == SAT_TOKEN_BIGRAM) {
                    uint32_t cp;
                    len = sat_utf8_decode(c->src + r->off, r->len, &cp);
                }
                if (add_hit(c, r->off, r->off + len) != 0)
                    return -1;
                continue;
            }
            end = r->off + r->len;
            for (i = 1; i < g->nterms; i++) {
                size_t want = r->pos + g->terms[i].rel_pos;
                for (j = k + 1; j < c->n && c->recs[j].pos <= want; j++)
                    if (c->recs[j].pos == want &&
                        term_matches(&g->terms[i], c->recs[j].term, c->recs[j].tlen))
                        break;
                if (j == c->n || c->recs[j].pos != want)
                    break;
                if (c->recs[j].off + c->recs[j].len > end)
                    end = c->recs[j].off + c->recs[j].len;
            }
            if (i == g->nterms && add_hit(c, r->off, end) != 0)
                return -1;
        }
    }
    if (c->nh > 1)
        qsort(c->hits, c->nh, sizeof *c->hits, cmp_range);
    for (i = 0; i < c->nh; i++) { /* merge overlapping ranges */
        if (w > 0 && c->hits[i][0] <= c->hits[w - 1][1]) {
            if (c->hits[i][1] > c->hits[w - 1][1])
                c->hits[w - 1][1] = c->hits[i][1];
            continue;
        }
        c->hits[w][0] = c->hits[i][0];
        c->hits[w][1] = c->hits[i][1];
        w++;
    }
    c->nh = w;
    return 0;
}

static const char ELLIPSIS[] = "\xe2\x80\xa6";

/* Bytes of gemtext line markup at the start of line s[0..n): a heading's "#"s, a list
 * item's or quote's mark, a link's "=>" and URL (its label is the text), with the spaces
 * after them. */
static size_t markup_len(const char *s, size_t n)
{
    size_t i = 0;

    if (n >= 2 && s[0] == '=' && s[1] == '>') {
        i = 2;
        while (i < n && s[i] == ' ')
            i++;
        while (i < n && s[i] != ' ' && s[i] != '\n')
            i++;
    } else if (n >= 1 && s[0] == '#') {
        while (i < n && i < 3 && s[i] == '#')
            i++;
    } else if (n >= 2 && (s[0] == '*' || s[0] == '>') && s[1] == ' ') {
        i = 1;
    } else {
        return 0;
    }
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

int sat_search_snippet(sat_search *s, const sat_query *q, const sat_hit *h, size_t width,
                       sat_snippet *out, sat_err *err)
{
    const sat_mentry *e = NULL;
    char *text = NULL;
    size_t tlen = 0, i, start, end, w, first = 0, hi = 0;
    int own = 0, rc = 0;
    sctx c;
    sat_buf sb = {0};

    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (width < 20)
        width = 20;
    for (i = 0; i < s->n_text; i++)
        if (s->text_e[i] == h->entry) {
            text = s->text[i];
            tlen = s->text_len[i];
            break;
        }
    if (text == NULL) {
        if ((rc = sat_bundle_entry(s->b, h->entry, &e, err)) != 0 ||
            (rc = sat_bundle_read(s->b, e, &text, &tlen, err)) != 0)
            return rc;
        own = 1;
    }
    c.src = text;
    c.terms = sat_query_terms(q, 0, &c.nterms);
    rc = sat_token_gemtext(text, tlen, SAT_TEXT_TOKEN_FLAGS, snippet_token, &c, NULL);
    if (c.nomem || snippet_marks(&c, q) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    rc = 0;
    /* the window: from about a third of the width before the first match */
    if (c.nh > 0)
        first = c.hits[0][0];
    start = first;
    w = 0;
    while (start > 0 && w < width / 3) {
        uint32_t cp;
        size_t k = start - 1;
        while (k > 0 && ((unsigned char)text[k] & 0xc0) == 0x80)
            k--;
        sat_utf8_decode(text + k, start - k, &cp);
        if (cp == '\n' && w > 0)
            break; /* start at the match's line when it is close */
        w += cp < 0x20 ? 1 : (size_t)sat_cp_width(cp);
        start = k;
    }
    /* start at a word when one begins a little further on (not past the match) */
    if (start > 0 && text[start - 1] != ' ' && text[start - 1] != '\n') {
        size_t k;
        for (k = start; k < first && k < start + 24; k++)
            if (text[k] == ' ' || text[k] == '\n') {
                start = k + 1;
                break;
            }
    }
    if (start > 0 && sat_buf_puts(&sb, ELLIPSIS) != 0)
        goto nomem;
    w = start > 0 ? 1 : 0;
    for (end = start; end < tlen && w < width;) {
        uint32_t cp;
        size_t k;
        int cw;
        if (end == 0 || text[end - 1] == '\n')
            end += markup_len(text + end, tlen - end); /* "## ", "* ", "> ", "=> URL " */
        if (end >= tlen)
            break;
        k = sat_utf8_decode(text + end, tlen - end, &cp);
        while (hi < c.nh && c.hits[hi][1] <= end)
            hi++;
        if (hi < c.nh && c.hits[hi][0] == end) {
            /* a mark starts here: record its range in the snippet */
            size_t (*nm)[2] = realloc(out->marks, (out->n_marks + 1) * sizeof *nm);
            if (nm == NULL)
                goto nomem;
            out->marks = nm;
            out->marks[out->n_marks][0] = sb.len;
            out->marks[out->n_marks][1] = sb.len;
            out->n_marks++;
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            if (sat_buf_puts(&sb, cp == '\n' || cp == '\t' ? " " : "\xef\xbf\xbd") != 0)
                goto nomem;
            cw = 1;
        } else {
            cw = sat_cp_width(cp);
            if (w + (size_t)cw > width)
                break;
            if (sat_buf_append(&sb, text + end, k) != 0)
                goto nomem;
        }
        end += k;
        w += (size_t)cw;
        if (out->n_marks > 0 && hi < c.nh && c.hits[hi][0] < end && c.hits[hi][1] >= end)
            out->marks[out->n_marks - 1][1] = sb.len;
    }
    if (end < tlen && sat_buf_puts(&sb, ELLIPSIS) != 0)
        goto nomem;
    if (sat_buf_append(&sb, "", 1) != 0)
        goto nomem;
    out->text = sb.data;
    out->len = sb.len - 1;
    sb.data = NULL;
    goto out;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
    sat_snippet_free(out);
out:
    sat_buf_free(&sb);
    free(c.hits);
    free(c.recs);
    if (own)
        free(text);
    return rc;
}

void sat_snippet_free(sat_snippet *sn)
{
    free(sn->text);
    free(sn->marks);
    memset(sn, 0, sizeof *sn);
}
