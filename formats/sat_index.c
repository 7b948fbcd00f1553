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
    uint8_t split;     /* a CJK bigram: bytes of its first character (0: not one, or unsplit) */
    uint8_t link;      /* a link term (no documents) */
    uint8_t final;     /* a run-final character (key: the character, FINAL_MARK) */
    uint8_t unlinked;  /* final: some occurrence ends a bigram that has no link */
    uint8_t drop;      /* finish: not stored */
    uint8_t rename;    /* finish: a final stored as its character's term */
    sat_buf enc;
} bterm;

/* One document while building. */
typedef struct bdoc {
    uint32_t entry, dlen, group;
} bdoc;

struct sat_ixbuild {
    bterm *terms;
    size_t n_terms, cap_terms;
    uint32_t *slots; /* open addressing: term index + 1, 0 = empty */
    size_t n_slots;
    sat_buf arena;
    bdoc *docs;      /* the documents, numbered in call order while adding */
    size_t cap_docs;
    uint32_t n_docs; /* documents added */
    uint32_t weight; /* weight of the tokens being added */
    uint64_t dlen;   /* weighted length of the document being added */
    uint64_t postings, tokens, links;
    size_t last_split, last_len; /* the split and length of the last bigram token */
    int failed;
};

/* While building, a run-final character's occurrences are kept under the character and
 * this mark (U+E001: never in a term); see resolve_finals. */
#define FINAL_MARK "\xee\x80\x81"
#define FINAL_MARK_LEN 3

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
    char key[SAT_TOKEN_MAX + FINAL_MARK_LEN + 1];
    const char *term = tok->term;
    size_t len = tok->term_len;
    uint32_t h;
    size_t s;
    bterm *t;
    int final = tok->kind == SAT_TOKEN_UNIGRAM, unlinked = 0;

    if (final) {
        /* a run-final character: its own list until finish decides (see resolve_finals) */
        memcpy(key, term, len);
        memcpy(key + len, FINAL_MARK, FINAL_MARK_LEN);
        term = key;
        len += FINAL_MARK_LEN;
        /* the bigram it ends gets no link (see add_links) */
        unlinked = ix->last_split == 0 || ix->last_len + SAT_IXLINK_SEP_LEN > SAT_TOKEN_MAX;
    }
    if (tok->kind == SAT_TOKEN_BIGRAM) {
        ix->last_split = tok->split;
        ix->last_len = tok->term_len;
    }
    h = hash_term(term, len);
    s = h & (ix->n_slots - 1);
    while (ix->slots[s] != 0) {
        t = &ix->terms[ix->slots[s] - 1];
        if (t->len == len && memcmp(ix->arena.data + t->off, term, len) == 0)
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
    t->len = (uint32_t)len;
    t->final = (uint8_t)final;
    if (sat_buf_append(&ix->arena, term, len) != 0 || sat_buf_append(&ix->arena, "", 1) != 0)
        return SAT_E_NOMEM;
    ix->slots[s] = (uint32_t)ix->n_terms + 1;
    ix->n_terms++;
    if (ix->n_terms * 2 > ix->n_slots && grow_slots(ix) != 0)
        return SAT_E_NOMEM;
found:
    if (unlinked)
        t->unlinked = 1;
    if (tok->kind == SAT_TOKEN_BIGRAM && t->split == 0)
        t->split = (uint8_t)tok->split; /* at most SAT_TOKEN_MAX */
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
    if (!final) { /* a run-final character is already counted by the bigram it ends */
        ix->dlen += ix->weight;
        ix->tokens++;
    }
    return 0;
}

int sat_ixbuild_add(sat_ixbuild *ix, uint32_t entry, uint32_t group, const char *title,
                    const char *section, const char *body, size_t len, sat_err *err)
{
    int rc = 0;

    if (ix->failed)
        return sat_err_set(err, SAT_E_ARG, "search index: an earlier document failed");
    if (ix->n_docs == UINT32_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "search index: too many documents");
    if (ix->n_docs == ix->cap_docs) {
        size_t cap = ix->cap_docs ? ix->cap_docs * 2 : 1024;
        bdoc *nd = realloc(ix->docs, cap * sizeof *nd);
        if (nd == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "search index: out of memory");
        ix->docs = nd;
        ix->cap_docs = cap;
    }
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
    if (rc != 0) {
        ix->failed = 1;
        if (rc == SAT_E_NOMEM)
            return sat_err_set(err, rc, "search index: out of memory");
        if (rc == SAT_E_LIMIT)
            return sat_err_set(err, rc, "search index: a document has too many words");
        return rc; /* the tokeniser's message (invalid UTF-8) */
    }
    ix->docs[ix->n_docs].entry = entry;
    ix->docs[ix->n_docs].dlen = (uint32_t)ix->dlen;
    ix->docs[ix->n_docs].group = group;
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

static const bdoc *cmp_docs; /* as cmp_arena */

/* Document order in the index: by group, then weighted length, then call order. */
static int cmp_doc_order(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const bdoc *dx = &cmp_docs[x], *dy = &cmp_docs[y];

    if (dx->group != dy->group)
        return dx->group < dy->group ? -1 : 1;
    if (dx->dlen != dy->dlen)
        return dx->dlen < dy->dlen ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int cmp_posting(const void *a, const void *b)
{
    const sat_posting *x = a, *y = b;

    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Numbers the documents in index order: perm[call order] = document number; writes the
 * document table in that order to docs. */
static int order_docs(sat_ixbuild *ix, uint32_t *perm, sat_buf *docs)
{
    uint32_t *ord = malloc((size_t)ix->n_docs * sizeof *ord), i;

    if (ord == NULL)
        return -1;
    for (i = 0; i < ix->n_docs; i++)
        ord[i] = i;
    cmp_docs = ix->docs;
    qsort(ord, ix->n_docs, sizeof *ord, cmp_doc_order);
    for (i = 0; i < ix->n_docs; i++) {
        perm[ord[i]] = i;
        if (put_varint(docs, ix->docs[ord[i]].entry) != 0 ||
            put_varint(docs, ix->docs[ord[i]].dlen) != 0) {
            free(ord);
            return -1;
        }
    }
    free(ord);
    return 0;
}

/* Adds the link term of every split bigram: its second character, SAT_IXLINK_SEP, its
 * first (when that fits in SAT_TOKEN_MAX bytes). */
static int add_links(sat_ixbuild *ix)
{
    size_t i, n = ix->n_terms;
    char tmp[SAT_TOKEN_MAX + 1];

    for (i = 0; i < n; i++) {
        bterm *t = &ix->terms[i], *l;
        size_t off, len;
        if (t->split == 0 || t->split >= t->len || t->len + SAT_IXLINK_SEP_LEN > SAT_TOKEN_MAX)
            continue;
        if (ix->n_terms == ix->cap_terms) {
            size_t cap = ix->cap_terms * 2;
            bterm *nt = realloc(ix->terms, cap * sizeof *nt);
            if (nt == NULL)
                return -1;
            ix->terms = nt;
            ix->cap_terms = cap;
            t = &ix->terms[i];
        }
        if (ix->arena.len > UINT32_MAX - 128)
            return -1;
        off = ix->arena.len;
        len = t->len + SAT_IXLINK_SEP_LEN;
        /* made aside first: appending may move the arena */
        memcpy(tmp, ix->arena.data + t->off + t->split, t->len - t->split);
        memcpy(tmp + t->len - t->split, SAT_IXLINK_SEP, SAT_IXLINK_SEP_LEN);
        memcpy(tmp + t->len - t->split + SAT_IXLINK_SEP_LEN, ix->arena.data + t->off, t->split);
        tmp[len] = '\0';
        if (sat_buf_append(&ix->arena, tmp, len + 1) != 0)
            return -1;
        l = &ix->terms[ix->n_terms++];
        memset(l, 0, sizeof *l);
        l->off = (uint32_t)off;
        l->len = (uint32_t)len;
        l->link = 1;
        ix->links++;
    }
    return 0;
}

/* Merges the build list of from into that of into (frequencies of a document in both
 * added up) and empties from. */
static int merge_lists(bterm *into, bterm *from)
{
    sat_posting *a = malloc(((size_t)into->n + 1) * sizeof *a);
    sat_posting *b = malloc(((size_t)from->n + 1) * sizeof *b);
    sat_buf out = {0};
    uint32_t i = 0, j = 0, n = 0, prev = 0;
    int rc = -1;

    if (a == NULL || b == NULL)
        goto out;
    decode_build_list(into, a);
    decode_build_list(from, b);
    while (i < into->n || j < from->n) {
        sat_posting p;
        if (j == from->n || (i < into->n && a[i].doc < b[j].doc)) {
            p = a[i++];
        } else if (i == into->n || b[j].doc < a[i].doc) {
            p = b[j++];
        } else {
            p = a[i++];
            p.freq = p.freq > UINT32_MAX - b[j].freq ? UINT32_MAX : p.freq + b[j].freq;
            j++;
        }
        if (put_varint(&out, n == 0 ? p.doc : p.doc - prev) != 0 || put_varint(&out, p.freq) != 0)
            goto out;
        prev = p.doc;
        n++;
    }
    sat_buf_free(&into->enc);
    into->enc = out;
    into->n = n;
    out.data = NULL;
    sat_buf_free(&from->enc);
    from->n = 0;
    rc = 0;
out:
    sat_buf_free(&out);
    free(a);
    free(b);
    return rc;
}

/* Decides, for each character that ends a run somewhere (terms sorted; each final sorts
 * right after its character's link terms): when 1..SAT_IXLINKS_MAX links stand for its
 * bigrams ending in it, and each of them has one, the final list is dropped (the links
 * find it); otherwise its links are dropped and its final list joins its one-character
 * term (or becomes it). Then removes what is dropped and sorts again. */
static int resolve_finals(sat_ixbuild *ix)
{
    size_t j, w;

    for (j = 0; j < ix->n_terms; j++) {
        bterm *t = &ix->terms[j];
        const char *x = ix->arena.data + t->off;
        size_t xl = t->len - FINAL_MARK_LEN, k = j, count = 0, lo, hi;
        if (!t->final)
            continue;
        while (k > 0) {
            const bterm *l = &ix->terms[k - 1];
            const char *lt = ix->arena.data + l->off;
            if (!l->link || l->len <= xl + SAT_IXLINK_SEP_LEN || memcmp(lt, x, xl) != 0 ||
                memcmp(lt + xl, SAT_IXLINK_SEP, SAT_IXLINK_SEP_LEN) != 0)
                break;
            count++;
            k--;
        }
        if (!t->unlinked && count >= 1 && count <= SAT_IXLINKS_MAX) {
            t->drop = 1;
            continue;
        }
        for (; k < j; k++)
            ix->terms[k].drop = 1;
        /* the character's own term, if any (keys are not changed during this pass) */
        lo = 0;
        hi = j;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const bterm *m = &ix->terms[mid];
            if (sat_ixterm_cmp(ix->arena.data + m->off, m->len, x, xl) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < j && ix->terms[lo].len == xl && memcmp(ix->arena.data + ix->terms[lo].off, x, xl) == 0) {
            if (merge_lists(&ix->terms[lo], t) != 0)
                return -1;
            t->drop = 1;
        } else {
            t->rename = 1;
        }
    }
    ix->links = 0;
    ix->postings = 0;
    for (j = w = 0; j < ix->n_terms; j++) {
        bterm *t = &ix->terms[j];
        if (t->drop) {
            sat_buf_free(&t->enc);
            continue;
        }
        if (t->rename) {
            t->len -= FINAL_MARK_LEN;
            t->final = 0;
            t->rename = 0;
        }
        ix->links += t->link;
        ix->postings += t->n;
        ix->terms[w++] = *t;
    }
    ix->n_terms = w;
    qsort(ix->terms, ix->n_terms, sizeof *ix->terms, cmp_bterm);
    return 0;
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
    uint32_t *perm = NULL;
    sat_buf list = {0}, rec = {0};
    const char *prev = NULL;
    size_t prev_len = 0;
    int rc = 0;

    *blocks = NULL;
    *n_blocks = 0;
    if (ix->failed || ix->n_docs == 0 || ix->n_terms == 0)
        return sat_err_set(err, SAT_E_ARG, "search index: nothing to index");
    for (i = 0; i < ix->n_terms; i++)
        if (flush_term(&ix->terms[i]) != 0)
            goto nomem;
    free(ix->slots); /* term indices change now */
    ix->slots = NULL;
    perm = malloc((size_t)ix->n_docs * sizeof *perm);
    if (perm == NULL || order_docs(ix, perm, docs) != 0 || add_links(ix) != 0)
        goto nomem;
    cmp_arena = ix->arena.data;
    qsort(ix->terms, ix->n_terms, sizeof *ix->terms, cmp_bterm);
    if (resolve_finals(ix) != 0)
        goto nomem;
    for (i = 0; i < ix->n_terms; i++)
        if (ix->terms[i].n > maxn)
            maxn = ix->terms[i].n;
    p = malloc((maxn + 1) * sizeof *p);
    if (p == NULL)
        goto nomem;
    for (i = 0; i < ix->n_terms; i++) {
        bterm *t = &ix->terms[i];
        const char *term = ix->arena.data + t->off;
        size_t shared = 0;
        sat_ixblock_out *cur = n_out ? &out[n_out - 1] : NULL;

        if (!t->link) {
            uint32_t q;
            decode_build_list(t, p);
            for (q = 0; q < t->n; q++)
                p[q].doc = perm[p[q].doc];
            qsort(p, t->n, sizeof *p, cmp_posting);
        }
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
    free(perm);
    return rc;
}

void sat_ixbuild_stats(const sat_ixbuild *ix, sat_ixstats *st)
{
    st->docs = ix->n_docs;
    st->terms = ix->n_terms;
    st->postings = ix->postings;
    st->tokens = ix->tokens;
    st->links = ix->links;
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
    free(ix->docs);
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
        size_t at = len - sat_cursor_left(&c), sep;
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
        sep = sat_ixterm_link(t, b->terms[i].len);
        if (sep == SAT_IXLINK_BAD) {
            rc = block_bad(err, i, at, "a link term without a character on each side of its "
                                       "one separator");
            goto fail;
        }
        if (sep != SAT_IXLINK_NONE) {
            if (llen != 1 || lst.p[0] != 0) {
                rc = block_bad(err, i, at, "a link term with documents");
                goto fail;
            }
            b->terms[i].link = sep;
            prev = t;
            prev_len = b->terms[i].len;
            continue;
        }
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

size_t sat_ixterm_link(const char *term, size_t len)
{
    size_t i, at = SAT_IXLINK_NONE;

    for (i = 0; i + SAT_IXLINK_SEP_LEN <= len; i++) {
        if (memcmp(term + i, SAT_IXLINK_SEP, SAT_IXLINK_SEP_LEN) != 0)
            continue;
        if (at != SAT_IXLINK_NONE || i == 0 || i + SAT_IXLINK_SEP_LEN == len)
            return SAT_IXLINK_BAD;
        at = i;
        i += SAT_IXLINK_SEP_LEN - 1;
    }
    return at;
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

int sat_ixlink_run_feed(sat_ixlink_run *r, const sat_ixblock *b, sat_err *err)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        const sat_ixterm *t = &b->terms[i];

        if (t->link == SAT_IXLINK_NONE)
            continue;
        if (t->link == r->len && memcmp(t->term, r->ch, t->link) == 0) {
            if (++r->n > SAT_IXLINKS_MAX)
                return sat_err_set(err, SAT_E_FORMAT,
                                   "search term block: term %zu: more than %d link terms for "
                                   "\"%.16s\" (SPEC 12.1 allows %d)",
                                   i, SAT_IXLINKS_MAX, r->ch, SAT_IXLINKS_MAX);
            continue;
        }
        /* t->link < t->len <= SAT_TOKEN_MAX (the parser checked both) */
        memcpy(r->ch, t->term, t->link);
        r->ch[t->link] = '\0';
        r->len = t->link;
        r->n = 1;
    }
    return 0;
}
