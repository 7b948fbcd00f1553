/*
 * sat_index.c - building and parsing the search index's document table and term blocks
 * (layouts in sat_index.h and formats/SPEC.md section 12).
 */
#include "sat_index.h"

#include <stdlib.h>
#include <string.h>

#include "sat_cursor.h"
#include "sat_manifest.h"
#include "sat_postings.h"

_Static_assert(SAT_TERM_MAX == SAT_TOKEN_MAX, "the manifest's term limit is the tokeniser's");

/* ------------------------------------------------------------------------ */
/* Building                                                                 */
/* ------------------------------------------------------------------------ */

/* One term while building: its documents so far as varint pairs (gap, freq), plus the
 * document being added, whose frequency still grows. */
typedef struct bterm {
    uint32_t off, len; /* the term's bytes in the arena */
    uint32_t cur_doc;  /* the document of `cur_freq` */
    uint32_t cur_freq; /* 0: none pending */
    uint32_t prev_doc; /* last document written to `enc` */
    uint32_t n;        /* documents written to `enc` */
    sat_buf enc;
} bterm;

struct sat_ixbuild {
    bterm *terms;
    size_t n_terms, cap_terms;
    uint32_t *slots; /* open addressing: term index + 1, 0 = empty */
    size_t n_slots;
    sat_buf arena;
    sat_buf docs;    /* the document table, encoded as documents arrive */
    uint32_t n_docs; /* documents added */
    uint32_t weight; /* weight of the tokens being added */
    uint64_t dlen;   /* weighted length of the document being added */
    uint64_t postings, tokens;
    int failed;
};

static int put_varint(sat_buf *b, uint32_t v)
{
    unsigned char t[SAT_VARINT_MAX];

    return sat_buf_append(b, t, sat_varint_put(t, v));
}

static uint32_t hash_term(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

int sat_ixbuild_create(sat_ixbuild **out, sat_err *err)
{
    sat_ixbuild *ix = calloc(1, sizeof *ix);

    *out = NULL;
    if (ix == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
    ix->n_slots = 1u << 16;
    ix->slots = calloc(ix->n_slots, sizeof *ix->slots);
    if (ix->slots == NULL) {
        free(ix);
        return sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
    }
    *out = ix;
    return 0;
}

static int grow_slots(sat_ixbuild *ix)
{
    size_t n = ix->n_slots * 2, i;
    uint32_t *s = calloc(n, sizeof *s);

    if (s == NULL)
        return -1;
    for (i = 0; i < ix->n_terms; i++) {
        const bterm *t = &ix->terms[i];
        size_t h = hash_term(ix->arena.data + t->off, t->len) & (n - 1);
        while (s[h] != 0)
            h = (h + 1) & (n - 1);
        s[h] = (uint32_t)i + 1;
    }
    free(ix->slots);
    ix->slots = s;
    ix->n_slots = n;
    return 0;
}

/* Writes t's pending document to its list. */
static int flush_term(bterm *t)
{
    int rc = 0;

    if (t->cur_freq == 0)
        return 0;
    rc |= put_varint(&t->enc, t->n == 0 ? t->cur_doc : t->cur_doc - t->prev_doc);
    rc |= put_varint(&t->enc, t->cur_freq);
    t->prev_doc = t->cur_doc;
    t->n++;
    t->cur_freq = 0;
    return rc;
}

static int add_token(const sat_token *tok, void *ctx)
{
    sat_ixbuild *ix = ctx;
    uint32_t h = hash_term(tok->term, tok->term_len);
    size_t s = h & (ix->n_slots - 1);
    bterm *t;

    while (ix->slots[s] != 0) {
        t = &ix->terms[ix->slots[s] - 1];
        if (t->len == tok->term_len &&
            memcmp(ix->arena.data + t->off, tok->term, tok->term_len) == 0)
            goto found;
        s = (s + 1) & (ix->n_slots - 1);
    }
    /* a new term (control characters cannot occur: tokens are letters, marks, digits) */
    if (ix->n_terms == ix->cap_terms) {
        size_t cap = ix->cap_terms ? ix->cap_terms * 2 : 4096;
        bterm *nt = realloc(ix->terms, cap * sizeof *nt);
        if (nt == NULL)
            return SAT_E_NOMEM;
        ix->terms = nt;
        ix->cap_terms = cap;
    }
    if (ix->arena.len > UINT32_MAX - 128 || ix->n_terms >= UINT32_MAX - 1)
        return SAT_E_LIMIT;
    t = &ix->terms[ix->n_terms];
    memset(t, 0, sizeof *t);
    t->off = (uint32_t)ix->arena.len;
    t->len = (uint32_t)tok->term_len;
    if (sat_buf_append(&ix->arena, tok->term, tok->term_len + 1) != 0)
        return SAT_E_NOMEM;
    ix->slots[s] = (uint32_t)ix->n_terms + 1;
    ix->n_terms++;
    if (ix->n_terms * 2 > ix->n_slots && grow_slots(ix) != 0)
        return SAT_E_NOMEM;
found:
    if (t->cur_freq != 0 && t->cur_doc != ix->n_docs) {
        if (flush_term(t) != 0)
            return SAT_E_NOMEM;
    }
    if (t->cur_freq == 0) {
        t->cur_doc = ix->n_docs;
        ix->postings++;
    }
    if (t->cur_freq > UINT32_MAX - ix->weight)
        return SAT_E_LIMIT;
    t->cur_freq += ix->weight;
    ix->dlen += ix->weight;
    ix->tokens++;
    return 0;
}

int sat_ixbuild_add(sat_ixbuild *ix, uint32_t entry, const char *title, const char *section,
                    const char *body, size_t len, sat_err *err)
{
    int rc = 0;

    if (ix->failed)
        return sat_err_set(err, SAT_E_ARG, "search index: an earlier document failed");
    if (ix->n_docs == UINT32_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "search index: too many documents");
    ix->dlen = 0;
    ix->weight = SAT_SEARCH_HEAD_WEIGHT;
    if (title != NULL)
        rc = sat_token_text(title, strlen(title), SAT_INDEX_TOKEN_FLAGS, add_token, ix, err);
    if (rc == 0 && section != NULL)
        rc = sat_token_text(section, strlen(section), SAT_INDEX_TOKEN_FLAGS, add_token, ix, err);
    ix->weight = 1;
    if (rc == 0)
        rc = sat_token_gemtext(body, len, SAT_INDEX_TOKEN_FLAGS, add_token, ix, err);
    if (rc == 0 && ix->dlen > UINT32_MAX)
        rc = SAT_E_LIMIT;
    if (rc == 0 && (put_varint(&ix->docs, entry) != 0 ||
                    put_varint(&ix->docs, (uint32_t)ix->dlen) != 0))
        rc = SAT_E_NOMEM;
    if (rc != 0) {
        ix->failed = 1;
        if (rc == SAT_E_NOMEM)
            return sat_err_set(err, rc, "search index: out of memory");
        if (rc == SAT_E_LIMIT)
            return sat_err_set(err, rc, "search index: a document has too many words");
        return rc; /* the tokeniser's message (invalid UTF-8) */
    }
    ix->n_docs++;
    return 0;
}

static const char *cmp_arena; /* qsort has no context argument; finish is not reentrant */

static int cmp_bterm(const void *a, const void *b)
{
    const bterm *x = a, *y = b;

    return sat_ixterm_cmp(cmp_arena + x->off, x->len, cmp_arena + y->off, y->len);
}

int sat_ixterm_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);

    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen;
}

/* Decodes t's build list (varint pairs) into p[0..t->n). */
static void decode_build_list(const bterm *t, sat_posting *p)
{
    sat_cursor c = sat_cursor_make(t->enc.data, t->enc.len);
    uint32_t i, gap, freq, doc = 0;

    for (i = 0; i < t->n; i++) {
        sat_cursor_varint(&c, &gap); /* our own bytes: always well formed */
        sat_cursor_varint(&c, &freq);
        doc = i == 0 ? gap : doc + gap;
        p[i].doc = doc;
        p[i].freq = freq;
    }
}

void sat_ixblock_out_free(sat_ixblock_out *blocks, size_t n)
{
    size_t i;

    for (i = 0; blocks != NULL && i < n; i++)
        sat_buf_free(&blocks[i].data);
    free(blocks);
}

int sat_ixbuild_finish(sat_ixbuild *ix, size_t target, sat_buf *docs, sat_ixblock_out **blocks,
                       size_t *n_blocks, sat_err *err)
{
    sat_ixblock_out *out = NULL;
    size_t n_out = 0, cap_out = 0, i, maxn = 0;
    sat_posting *p = NULL;
    sat_buf list = {0}, rec = {0};
    const char *prev = NULL;
    size_t prev_len = 0;
    int rc = 0;

    *blocks = NULL;
    *n_blocks = 0;
    if (ix->failed || ix->n_docs == 0 || ix->n_terms == 0)
        return sat_err_set(err, SAT_E_ARG, "search index: nothing to index");
    for (i = 0; i < ix->n_terms; i++) {
        if (flush_term(&ix->terms[i]) != 0)
            goto nomem;
        if (ix->terms[i].n > maxn)
            maxn = ix->terms[i].n;
    }
    free(ix->slots); /* term indices change now */
    ix->slots = NULL;
    cmp_arena = ix->arena.data;
    qsort(ix->terms, ix->n_terms, sizeof *ix->terms, cmp_bterm);
    p = malloc((maxn + 1) * sizeof *p);
    if (p == NULL)
        goto nomem;
    for (i = 0; i < ix->n_terms; i++) {
        bterm *t = &ix->terms[i];
        const char *term = ix->arena.data + t->off;
        size_t shared = 0;
        sat_ixblock_out *cur = n_out ? &out[n_out - 1] : NULL;

        decode_build_list(t, p);
        list.len = 0;
        if ((rc = sat_postings_encode(&list, p, t->n, err)) != 0)
            goto fail;
        sat_buf_free(&t->enc);
        /* the record as the first of a new block, to decide whether it still fits */
        if (cur != NULL && prev != NULL) {
            while (shared < prev_len && shared < t->len && prev[shared] == term[shared])
                shared++;
        }
        rec.len = 0;
        if (put_varint(&rec, (uint32_t)shared) != 0 ||
            put_varint(&rec, (uint32_t)(t->len - shared)) != 0 ||
            sat_buf_append(&rec, term + shared, t->len - shared) != 0 ||
            put_varint(&rec, (uint32_t)list.len) != 0 || sat_buf_append(&rec, list.data, list.len))
            goto nomem;
        if (cur == NULL || (cur->data.len > 0 && cur->data.len + rec.len > target) ||
            cur->count >= SAT_TBLOCK_TERMS_MAX) {
            if (n_out == cap_out) {
                size_t cap = cap_out ? cap_out * 2 : 64;
                sat_ixblock_out *no = realloc(out, cap * sizeof *no);
                if (no == NULL)
                    goto nomem;
                out = no;
                cap_out = cap;
            }
            cur = &out[n_out++];
            memset(cur, 0, sizeof *cur);
            memcpy(cur->first, term, t->len);
            cur->first[t->len] = '\0';
            /* the first record of a block shares nothing */
            rec.len = 0;
            if (put_varint(&rec, 0) != 0 || put_varint(&rec, t->len) != 0 ||
                sat_buf_append(&rec, term, t->len) != 0 ||
                put_varint(&rec, (uint32_t)list.len) != 0 ||
                sat_buf_append(&rec, list.data, list.len))
                goto nomem;
        }
        if (sat_buf_append(&cur->data, rec.data, rec.len) != 0)
            goto nomem;
        cur->count++;
        prev = term;
        prev_len = t->len;
    }
    if (sat_buf_append(docs, ix->docs.data, ix->docs.len) != 0)
        goto nomem;
    *blocks = out;
    *n_blocks = n_out;
    out = NULL;
    n_out = 0;
    goto done;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
fail:
    ix->failed = 1;
done:
    sat_ixblock_out_free(out, n_out);
    sat_buf_free(&list);
    sat_buf_free(&rec);
    free(p);
    return rc;
}

void sat_ixbuild_stats(const sat_ixbuild *ix, sat_ixstats *st)
{
    st->docs = ix->n_docs;
    st->terms = ix->n_terms;
    st->postings = ix->postings;
    st->tokens = ix->tokens;
}

void sat_ixbuild_free(sat_ixbuild *ix)
{
    size_t i;

    if (ix == NULL)
        return;
    for (i = 0; i < ix->n_terms; i++)
        sat_buf_free(&ix->terms[i].enc);
    free(ix->terms);
    free(ix->slots);
    sat_buf_free(&ix->arena);
    sat_buf_free(&ix->docs);
    free(ix);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

int sat_ixdocs_parse(const void *buf, size_t len, uint64_t ndocs, uint64_t n_entries,
                     uint32_t *entry, uint32_t *dlen, uint64_t *total, sat_err *err)
{
    sat_cursor c = sat_cursor_make(buf, len);
    uint8_t *seen = NULL;
    uint64_t i, sum = 0;
    int rc = 0, vr;

    *total = 0;
    seen = calloc((size_t)(n_entries / 8 + 1), 1);
    if (seen == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
    for (i = 0; i < ndocs; i++) {
        size_t at = len - sat_cursor_left(&c);
        if ((vr = sat_cursor_varint(&c, &entry[i])) != 0 ||
            (vr = sat_cursor_varint(&c, &dlen[i])) != 0) {
            rc = sat_err_set(err, SAT_E_FORMAT, "search document table: document %llu at byte %zu: %s",
                             (unsigned long long)i, at, sat_varint_problem(vr));
            goto out;
        }
        if (entry[i] >= n_entries) {
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "search document table: document %llu names entry %u, the bundle "
                             "has %llu",
                             (unsigned long long)i, (unsigned)entry[i],
                             (unsigned long long)n_entries);
            goto out;
        }
        if (seen[entry[i] / 8] & (1u << (entry[i] % 8))) {
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "search document table: entry %u is listed twice (document %llu)",
                             (unsigned)entry[i], (unsigned long long)i);
            goto out;
        }
        seen[entry[i] / 8] |= (uint8_t)(1u << (entry[i] % 8));
        sum += dlen[i];
    }
    if (sat_cursor_left(&c) != 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "search document table: %zu bytes after document %llu",
                         sat_cursor_left(&c), (unsigned long long)ndocs);
        goto out;
    }
    *total = sum;
out:
    free(seen);
    return rc;
}

/* A term's bytes must be what the tokeniser can make: valid UTF-8, no control bytes. */
static int term_bytes_ok(const char *s, size_t n)
{
    size_t i, bad;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return sat_utf8_valid(s, n, &bad);
}

static int block_bad(sat_err *err, size_t rec, size_t at, const char *why)
{
    return sat_err_set(err, SAT_E_FORMAT, "search term block: term %zu at byte %zu: %s", rec, at,
                       why);
}

int sat_ixblock_parse(uint8_t *buf, size_t len, uint32_t count, const char *first,
                      const char *next_first, uint64_t ndocs, int deep, sat_ixblock **out,
                      sat_err *err)
{
    sat_ixblock *b = NULL;
    sat_cursor c = sat_cursor_make(buf, len);
    char *prev = NULL;
    size_t prev_len = 0, i, used = 0;
    int rc = 0, vr;

    *out = NULL;
    b = calloc(1, sizeof *b);
    if (b == NULL) {
        free(buf);
        return sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
    }
    b->buf = buf;
    /* count is bounded by the root (SAT_TBLOCK_TERMS_MAX), so the arena (every term with
     * its NUL) is at most 4.3 MB */
    b->terms = calloc(count, sizeof *b->terms);
    b->arena = malloc((size_t)count * (SAT_TOKEN_MAX + 1));
    if (b->terms == NULL || b->arena == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
        goto fail;
    }
    for (i = 0; i < count; i++) {
        uint32_t shared, slen, llen;
        size_t at = len - sat_cursor_left(&c);
        sat_span sfx, lst;
        char *t;
        sat_postings_dec d;

        if ((vr = sat_cursor_varint(&c, &shared)) != 0 || (vr = sat_cursor_varint(&c, &slen)) != 0) {
            rc = block_bad(err, i, at, sat_varint_problem(vr));
            goto fail;
        }
        if (shared > prev_len || (i == 0 && shared != 0) || slen == 0 ||
            (uint64_t)shared + slen > SAT_TOKEN_MAX) {
            rc = block_bad(err, i, at, "term length out of range");
            goto fail;
        }
        if (sat_cursor_take(&c, slen, &sfx) != 0) {
            rc = block_bad(err, i, at, "truncated");
            goto fail;
        }
        t = b->arena + used; /* shared + slen <= SAT_TOKEN_MAX: fits its share */
        used += shared + slen + 1;
        if (shared > 0)
            memcpy(t, prev, shared);
        memcpy(t + shared, sfx.p, slen);
        t[shared + slen] = '\0';
        b->terms[i].term = t;
        b->terms[i].len = shared + slen;
        if (!term_bytes_ok(t, b->terms[i].len)) {
            rc = block_bad(err, i, at, "the term is not valid UTF-8 or holds a control character");
            goto fail;
        }
        if (i == 0 ? strcmp(t, first) != 0
                   : sat_ixterm_cmp(prev, prev_len, t, b->terms[i].len) >= 0) {
            rc = block_bad(err, i, at,
                           i == 0 ? "the first term differs from the root's T line"
                                  : "terms are not in strictly increasing order");
            goto fail;
        }
        if ((vr = sat_cursor_varint(&c, &llen)) != 0) {
            rc = block_bad(err, i, at, sat_varint_problem(vr));
            goto fail;
        }
        if (llen == 0 || sat_cursor_take(&c, llen, &lst) != 0) {
            rc = block_bad(err, i, at, "posting list empty or truncated");
            goto fail;
        }
        b->terms[i].list = (const uint8_t *)lst.p;
        b->terms[i].list_len = llen;
        if (deep) {
            uint32_t n = 0;
            if ((rc = sat_postings_check(lst.p, llen, &n, err)) != 0) {
                sat_err_prefix(err, "search term block: term %zu", i);
                goto fail;
            }
        }
        if ((rc = sat_postings_open(&d, lst.p, llen, err)) != 0) {
            sat_err_prefix(err, "search term block: term %zu", i);
            goto fail;
        }
        if (sat_postings_count(&d) == 0 || sat_postings_count(&d) > ndocs) {
            rc = block_bad(err, i, at, "posting list empty or longer than the document count");
            goto fail;
        }
        if (deep) {
            uint32_t last = 0;
            while ((vr = sat_postings_next(&d, err)) == 1)
                last = d.doc;
            if (vr < 0) {
                rc = vr;
                goto fail;
            }
            if (last >= ndocs) {
                rc = block_bad(err, i, at, "a document number beyond the document table");
                goto fail;
            }
        }
        prev = t;
        prev_len = b->terms[i].len;
    }
    if (sat_cursor_left(&c) != 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "search term block: %zu bytes after the last term",
                         sat_cursor_left(&c));
        goto fail;
    }
    if (next_first != NULL && sat_ixterm_cmp(prev, prev_len, next_first, strlen(next_first)) >= 0) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "search term block: its last term does not sort below the next block's "
                         "first");
        goto fail;
    }
    b->n = count;
    *out = b;
    return 0;
fail:
    sat_ixblock_free(b);
    return rc;
}

size_t sat_ixblock_lower(const sat_ixblock *b, const char *term, size_t len)
{
    size_t lo = 0, hi = b->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sat_ixterm_cmp(b->terms[mid].term, b->terms[mid].len, term, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void sat_ixblock_free(sat_ixblock *b)
{
    if (b == NULL)
        return;
    free(b->terms);
    free(b->arena);
    free(b->buf);
    free(b);
}
