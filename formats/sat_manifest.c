/*
 * sat_manifest.c - render and strictly parse the canonical manifest text.
 */
#include "sat_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_cursor.h"

#define E_FIELDS 15 /* "E" + 14 fields */
#define MIN_C_LINE 72
#define MIN_P_LINE 76
#define MIN_M_LINE 72
#define MIN_T_LINE 76
#define BLOCK 512u

static uint64_t roundup_block(uint64_t n)
{
    return (n + BLOCK - 1) / BLOCK * BLOCK;
}

/* ------------------------------------------------------------------------
 * Rendering
 * ------------------------------------------------------------------------ */

void sat_hex(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int put_opt(sat_buf *out, const char *s)
{
    if (sat_buf_puts(out, "\t") != 0)
        return -1;
    return sat_buf_puts(out, (s != NULL && s[0] != '\0') ? s : "-");
}

int sat_manifest_render(sat_buf *out, const sat_manifest_head *head, const sat_cluster *clusters,
                        size_t n_clusters, const sat_cluster *media, size_t n_media,
                        const sat_page *pages, size_t n_pages, uint64_t n_entries, sat_err *err)
{
    char hex[2 * SAT_HASH_BYTES + 1];
    size_t i;
    int rc = 0, crc;

    sat_hex(head->bundle_id, SAT_BUNDLE_ID_BYTES, hex);
    rc |= sat_buf_printf(out, "satchel-manifest\t%d\nbundle\t%s\n", SAT_FORMAT_VERSION, hex);
    rc |= sat_buf_puts(out, "title");
    rc |= put_opt(out, head->title);
    rc |= sat_buf_puts(out, "\npublisher");
    rc |= put_opt(out, head->publisher);
    rc |= sat_buf_printf(out, "\ncreated\t%s\nseq\t%llu\n", head->created,
                         (unsigned long long)head->seq);
    if (rc == 0 && (crc = sat_collection_render(out, &head->collection)) != 0) {
        if (crc == SAT_E_ARG)
            return sat_err_set(err, SAT_E_ARG,
                               "manifest: volume %u of %u is out of range (1..%u)",
                               (unsigned)head->collection.volume,
                               (unsigned)head->collection.volumes, SAT_VOLUMES_MAX);
        rc = -1;
    }
    rc |= sat_buf_printf(out, "data\t%llu\n", (unsigned long long)head->data_size);
    if (head->has_dict) {
        sat_hex(head->dict_hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(out, "dict\t%llu\t%llu\t%s\n", (unsigned long long)head->dict_offset,
                             (unsigned long long)head->dict_size, hex);
    } else {
        rc |= sat_buf_puts(out, "dict\t-\n");
    }
    rc |= sat_buf_printf(out, "clusters\t%zu\nmedia\t%zu\npages\t%zu\nentries\t%llu\n", n_clusters,
                         n_media, n_pages, (unsigned long long)n_entries);
    if (head->has_search) {
        sat_hex(head->search_hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(out, "search\t%llu\t%llu\t%llu\t%llu\t%zu\t%s\n",
                             (unsigned long long)head->search_offset,
                             (unsigned long long)head->search_size,
                             (unsigned long long)head->search_usize,
                             (unsigned long long)head->search_docs, head->n_search_blocks, hex);
    } else {
        rc |= sat_buf_puts(out, "search\t-\n");
    }
    for (i = 0; i < n_clusters && rc == 0; i++) {
        sat_hex(clusters[i].hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(
            out, "C\t%llu\t%llu\t%llu\t%s\n", (unsigned long long)clusters[i].offset,
            (unsigned long long)clusters[i].size, (unsigned long long)clusters[i].usize, hex);
    }
    for (i = 0; i < n_media && rc == 0; i++) {
        sat_hex(media[i].hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(out, "M\t%llu\t%llu\t%s\t%s\n", (unsigned long long)media[i].offset,
                             (unsigned long long)media[i].size, hex,
                             media[i].id != NULL ? media[i].id : "-");
    }
    for (i = 0; i < n_pages && rc == 0; i++) {
        sat_hex(pages[i].hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(out, "P\t%llu\t%llu\t%llu\t%u\t%s\t%s\n",
                             (unsigned long long)pages[i].offset, (unsigned long long)pages[i].size,
                             (unsigned long long)pages[i].usize, (unsigned)pages[i].count,
                             pages[i].first_id, hex);
    }
    for (i = 0; head->has_search && i < head->n_search_blocks && rc == 0; i++) {
        const sat_page *t = &head->search_blocks[i];
        sat_hex(t->hash, SAT_HASH_BYTES, hex);
        rc |= sat_buf_printf(out, "T\t%llu\t%llu\t%llu\t%u\t%s\t%s\n", (unsigned long long)t->offset,
                             (unsigned long long)t->size, (unsigned long long)t->usize,
                             (unsigned)t->count, t->first_id, hex);
    }
    rc |= sat_buf_puts(out, "end\n");
    if (rc != 0)
        return sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
    return 0;
}

int sat_manifest_render_page(sat_buf *out, const sat_meta *metas, const sat_mentry *locs, size_t n,
                             sat_err *err)
{
    char hex[2 * SAT_HASH_BYTES + 1];
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++) {
        const sat_meta *m = &metas[i];
        const sat_mentry *l = &locs[i];
        if (i > 0 && strcmp(metas[i - 1].id, m->id) >= 0)
            return sat_err_set(err, SAT_E_ARG, "manifest: entries not sorted at \"%s\"", m->id);
        if (sat_meta_check(m, err) != 0)
            return SAT_E_FORMAT;
        rc |= sat_buf_printf(out, "E\t%s\t%s", m->id, sat_kind_name(m->kind));
        rc |= put_opt(out, m->parent);
        rc |= put_opt(out, m->date);
        rc |= put_opt(out, m->lang);
        rc |= put_opt(out, m->section);
        rc |= put_opt(out, m->source);
        rc |= put_opt(out, m->author);
        rc |= put_opt(out, m->tags);
        rc |= put_opt(out, m->title);
        sat_hex(l->hash, SAT_HASH_BYTES, hex);
        if (l->unit == SAT_UNIT_MEDIA)
            rc |= sat_buf_puts(out, "\tm");
        else
            rc |= sat_buf_printf(out, "\t%u", (unsigned)l->unit);
        rc |= sat_buf_printf(out, "\t%llu\t%llu\t%s\n", (unsigned long long)l->offset,
                             (unsigned long long)l->size, hex);
    }
    if (rc != 0)
        return sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
    return 0;
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

typedef struct parser {
    sat_cursor c;
    size_t lineno;
    sat_span line;
    uint64_t limit; /* bound of every offset: the data region */
    char what[32];  /* "manifest" or "index page N", for messages */
    int again;      /* these exact bytes passed every check before (sat_mpage_parse_again) */
    sat_err *err;
} parser;

static int bad(parser *p, const char *what)
{
    return sat_err_set(p->err, SAT_E_FORMAT, "%s line %zu: %s", p->what, p->lineno, what);
}

static int next_line(parser *p)
{
    if (sat_cursor_line(&p->c, &p->line) != 0)
        return bad(p, "unexpected end (a line is missing, or does not end with LF)");
    p->lineno++;
    if (p->line.len > SAT_LINE_MAX)
        return sat_err_set(p->err, SAT_E_LIMIT, "%s line %zu: longer than %d bytes", p->what,
                           p->lineno, SAT_LINE_MAX);
    return 0;
}

/* Splits the current line into exactly n TAB-separated fields. */
static int split(parser *p, sat_span *f, size_t n)
{
    sat_cursor lc = sat_cursor_make(p->line.p, p->line.len);
    size_t i;

    for (i = 0; i < n; i++) {
        if (sat_cursor_field(&lc, '\t', &f[i]) != 0)
            return bad(p, "too few fields");
        if (f[i].len == 0)
            return bad(p, "empty field (absent values are written \"-\")");
    }
    if (sat_cursor_left(&lc) != 0 || p->line.p[p->line.len - 1] == '\t')
        return bad(p, "too many fields");
    return 0;
}

/* Terminates a span in place (the byte after it is a TAB or LF in our copy). */
static const char *cstr(parser *p, sat_span s)
{
    char *q = (char *)s.p;

    q[s.len] = '\0';
    return q;
}

/* Free-text fields: the whole text was checked once for UTF-8 and control
 * characters (text_clean), and fields end at ASCII separators, so each field is
 * valid UTF-8 without controls; only its length is left to check. */
static int opt_field(parser *p, sat_span s, size_t max, const char *name, const char **out)
{
    if (sat_span_eq(s, "-")) {
        *out = NULL;
        return 0;
    }
    if (s.len > max)
        return sat_err_set(p->err, SAT_E_FORMAT, "%s line %zu: %s longer than %zu bytes", p->what,
                           p->lineno, name, max);
    *out = cstr(p, s);
    return 0;
}

static int key_line(parser *p, const char *key, sat_span *f, size_t n)
{
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if ((rc = split(p, f, n)) != 0)
        return rc;
    if (!sat_span_eq(f[0], key)) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected the \"%s\" line", key);
        return bad(p, msg);
    }
    return 0;
}

/* "search OFF SIZE USIZE NDOCS NBLOCKS HASH" or "search -" (SPEC 12). */
static int parse_search_line(parser *p, sat_manifest *m, uint64_t ne)
{
    sat_manifest_head *h = &m->head;
    sat_span f[7];
    uint64_t nb;
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if (p->line.len == 8 && memcmp(p->line.p, "search\t-", 8) == 0) {
        h->has_search = 0;
        return 0;
    }
    if ((rc = split(p, f, 7)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "search"))
        return bad(p, "expected the \"search\" line");
    if (sat_span_u64(f[1], p->limit, &h->search_offset) != 0 ||
        sat_span_u64(f[2], p->limit, &h->search_size) != 0 || h->search_size == 0 ||
        h->search_offset + h->search_size > p->limit)
        return bad(p, "search index offset or size outside the bundle");
    if (sat_span_u64(f[3], SAT_DOCTABLE_MAX, &h->search_usize) != 0 || h->search_usize == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: document table size invalid or above %llu bytes",
                           p->lineno, (unsigned long long)SAT_DOCTABLE_MAX);
    /* every document takes at least 2 bytes of the table */
    if (sat_span_u64(f[4], ne, &h->search_docs) != 0 || h->search_docs == 0 ||
        h->search_docs > h->search_usize / 2)
        return bad(p, "search document count is 0, above the entry count, or more than the "
                      "document table can hold");
    if (sat_span_u64(f[5], SAT_TBLOCKS_MAX, &nb) != 0 || nb == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: term block count invalid or above %u", p->lineno,
                           SAT_TBLOCKS_MAX);
    h->n_search_blocks = (size_t)nb;
    if (sat_span_hex(f[6], h->search_hash, SAT_HASH_BYTES) != 0)
        return bad(p, "search index hash must be 64 lowercase hex digits");
    h->has_search = 1;
    return 0;
}

/* A term as the index stores it: 1..SAT_TERM_MAX bytes (the manifest text is already
 * valid UTF-8 without control characters). */
static int term_valid(sat_span t)
{
    return t.len >= 1 && t.len <= SAT_TERM_MAX;
}

static int parse_head(parser *p, sat_manifest *m, uint64_t *nc, uint64_t *nm, uint64_t *np,
                      uint64_t *ne)
{
    sat_manifest_head *h = &m->head;
    sat_span f[4];
    const char *why = NULL;
    int rc;

    if ((rc = key_line(p, "satchel-manifest", f, 2)) != 0)
        return rc;
    if (!sat_span_eq(f[1], SAT_STR(SAT_FORMAT_VERSION)))
        return sat_err_set(p->err, SAT_E_FORMAT,
                           "manifest: format version %.*s is not supported by this reader "
                           "(it reads version %d)",
                           (int)(f[1].len > 16 ? 16 : f[1].len), f[1].p, SAT_FORMAT_VERSION);
    m->version = SAT_FORMAT_VERSION;
    if ((rc = key_line(p, "bundle", f, 2)) != 0)
        return rc;
    if (sat_span_hex(f[1], h->bundle_id, SAT_BUNDLE_ID_BYTES) != 0)
        return bad(p, "bundle id must be 32 lowercase hex digits");
    if ((rc = key_line(p, "title", f, 2)) != 0)
        return rc;
    if ((rc = opt_field(p, f[1], SAT_TITLE_MAX, "title", &h->title)) != 0)
        return rc;
    if ((rc = key_line(p, "publisher", f, 2)) != 0)
        return rc;
    if ((rc = opt_field(p, f[1], SAT_FIELD_MAX, "publisher", &h->publisher)) != 0)
        return rc;
    if ((rc = key_line(p, "created", f, 2)) != 0)
        return rc;
    if (f[1].len != 20 || !sat_date_valid(f[1].p, f[1].len))
        return bad(p, "created must be YYYY-MM-DDThh:mm:ssZ");
    memcpy(h->created, f[1].p, 20);
    h->created[20] = '\0';
    if ((rc = key_line(p, "seq", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], UINT64_MAX, &h->seq) != 0)
        return bad(p, "seq must be a canonical decimal number");
    if ((rc = next_line(p)) != 0)
        return rc;
    if (sat_collection_parse(p->line.p, p->line.len, &h->collection, &why) != 0)
        return bad(p, why);
    if ((rc = key_line(p, "data", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], p->limit, &h->data_size) != 0)
        return sat_err_set(p->err, SAT_E_LIMIT, "manifest line %zu: data size invalid or too large",
                           p->lineno);
    p->limit = h->data_size; /* every offset lies inside the data region */
    if ((rc = next_line(p)) != 0)
        return rc;
    if (p->line.len == 6 && memcmp(p->line.p, "dict\t-", 6) == 0) {
        h->has_dict = 0;
    } else {
        if ((rc = split(p, f, 4)) != 0)
            return rc;
        if (!sat_span_eq(f[0], "dict"))
            return bad(p, "expected the \"dict\" line");
        if (sat_span_u64(f[1], p->limit, &h->dict_offset) != 0 ||
            sat_span_u64(f[2], SAT_DICT_MAX, &h->dict_size) != 0 || h->dict_size < 8 ||
            h->dict_offset + h->dict_size > p->limit)
            return bad(p, "dictionary offset or size out of range");
        if (sat_span_hex(f[3], h->dict_hash, SAT_HASH_BYTES) != 0)
            return bad(p, "dictionary hash must be 64 lowercase hex digits");
        h->has_dict = 1;
    }
    if ((rc = key_line(p, "clusters", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], SAT_CLUSTERS_MAX, nc) != 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: cluster count invalid or above %u", p->lineno,
                           SAT_CLUSTERS_MAX);
    if ((rc = key_line(p, "media", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], SAT_MEDIA_COUNT_MAX, nm) != 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: media count invalid or above %u", p->lineno,
                           SAT_MEDIA_COUNT_MAX);
    if ((rc = key_line(p, "pages", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], SAT_PAGES_MAX, np) != 0)
        return sat_err_set(p->err, SAT_E_LIMIT, "manifest line %zu: page count invalid or above %u",
                           p->lineno, SAT_PAGES_MAX);
    if ((rc = key_line(p, "entries", f, 2)) != 0)
        return rc;
    if (sat_span_u64(f[1], SAT_ENTRIES_MAX, ne) != 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: entry count invalid or above %u", p->lineno,
                           SAT_ENTRIES_MAX);
    if ((rc = parse_search_line(p, m, *ne)) != 0)
        return rc;
    /* Counts are claims: each record needs a line of some minimum length, so a
     * small manifest cannot make us allocate for millions of records. */
    if (*nc > sat_cursor_left(&p->c) / MIN_C_LINE || *np > sat_cursor_left(&p->c) / MIN_P_LINE ||
        *nm > sat_cursor_left(&p->c) / MIN_M_LINE ||
        h->n_search_blocks > sat_cursor_left(&p->c) / MIN_T_LINE)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: counts larger than the manifest can hold",
                           p->lineno);
    return 0;
}

static int parse_cluster(parser *p, sat_manifest *m, size_t i)
{
    sat_cluster *c = &m->clusters[i];
    sat_span f[5];
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if ((rc = split(p, f, 5)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "C"))
        return bad(p, "expected a cluster line (C)");
    if (sat_span_u64(f[1], p->limit, &c->offset) != 0 ||
        sat_span_u64(f[2], p->limit, &c->size) != 0 || c->size == 0 ||
        c->offset + c->size > p->limit)
        return bad(p, "cluster offset or size outside the bundle");
    if (sat_span_u64(f[3], SAT_CLUSTER_MAX, &c->usize) != 0 || c->usize == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: cluster size invalid or above %llu bytes", p->lineno,
                           (unsigned long long)SAT_CLUSTER_MAX);
    if (sat_span_hex(f[4], c->hash, SAT_HASH_BYTES) != 0)
        return bad(p, "cluster hash must be 64 lowercase hex digits");
    return 0;
}

static int parse_media_line(parser *p, sat_manifest *m, size_t i)
{
    sat_cluster *c = &m->media[i];
    sat_span f[5];
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if ((rc = split(p, f, 5)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "M"))
        return bad(p, "expected a media line (M)");
    if (sat_span_u64(f[1], p->limit, &c->offset) != 0 ||
        sat_span_u64(f[2], SAT_MEDIA_MAX, &c->size) != 0 || c->offset + c->size > p->limit)
        return bad(p, "media offset or size outside the bundle");
    c->usize = c->size;
    if (sat_span_hex(f[3], c->hash, SAT_HASH_BYTES) != 0)
        return bad(p, "media hash must be 64 lowercase hex digits");
    if (!sat_id_valid(f[4].p, f[4].len))
        return bad(p, "media id is not a valid id");
    c->id = cstr(p, f[4]);
    if (i > 0 && strcmp(m->media[i - 1].id, c->id) >= 0)
        return bad(p, "media lines are not in strictly increasing id order");
    return 0;
}

static int parse_page_line(parser *p, sat_manifest *m, size_t i)
{
    sat_page *pg = &m->pages[i];
    sat_span f[7];
    uint64_t count;
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if ((rc = split(p, f, 7)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "P"))
        return bad(p, "expected an index page line (P)");
    if (sat_span_u64(f[1], p->limit, &pg->offset) != 0 ||
        sat_span_u64(f[2], p->limit, &pg->size) != 0 || pg->size == 0 ||
        pg->offset + pg->size > p->limit)
        return bad(p, "index page offset or size outside the bundle");
    if (sat_span_u64(f[3], SAT_PAGE_MAX, &pg->usize) != 0 || pg->usize == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: index page size invalid or above %llu bytes",
                           p->lineno, (unsigned long long)SAT_PAGE_MAX);
    if (sat_span_u64(f[4], SAT_PAGE_ENTRIES_MAX, &count) != 0 || count == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: index page entry count invalid or above %u",
                           p->lineno, SAT_PAGE_ENTRIES_MAX);
    pg->count = (uint32_t)count;
    if (!sat_id_valid(f[5].p, f[5].len))
        return bad(p, "index page first id is not a valid id");
    pg->first_id = cstr(p, f[5]);
    if (sat_span_hex(f[6], pg->hash, SAT_HASH_BYTES) != 0)
        return bad(p, "index page hash must be 64 lowercase hex digits");
    if (i > 0) {
        const sat_page *prev = &m->pages[i - 1];
        if (strcmp(prev->first_id, pg->first_id) >= 0)
            return bad(p, "index pages are not in increasing id order");
        pg->first = prev->first + prev->count;
    }
    return 0;
}

static int parse_entry(parser *p, const sat_manifest *m, sat_mentry *entries, size_t i)
{
    sat_mentry *e = &entries[i];
    sat_span f[E_FIELDS];
    uint64_t v;
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if ((rc = split(p, f, E_FIELDS)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "E"))
        return bad(p, "expected an entry line (E)");
    if (!p->again && !sat_id_valid(f[1].p, f[1].len))
        return bad(p, "entry id is not valid ([A-Za-z0-9._-], at most 80 bytes)");
    e->id = cstr(p, f[1]);
    if (!p->again && i > 0 && strcmp(entries[i - 1].id, e->id) >= 0)
        return bad(p, "entry ids are not in strictly increasing order (duplicate id?)");
    if (sat_kind_parse(f[2].p, f[2].len, &e->kind) != 0)
        return bad(p, "unknown entry kind");
    if (sat_span_eq(f[3], "-")) {
        e->parent = NULL;
    } else {
        if (!p->again && !sat_id_valid(f[3].p, f[3].len))
            return bad(p, "parent id is not valid");
        e->parent = cstr(p, f[3]);
        if (strcmp(e->parent, e->id) == 0)
            return bad(p, "an entry cannot be its own parent");
    }
    if (sat_span_eq(f[4], "-")) {
        e->date = NULL;
    } else {
        if (!p->again && !sat_date_valid(f[4].p, f[4].len))
            return bad(p, "date must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ");
        e->date = cstr(p, f[4]);
    }
    if (sat_span_eq(f[5], "-")) {
        e->lang = NULL;
    } else {
        if (!p->again && !sat_lang_valid(f[5].p, f[5].len))
            return bad(p, "lang is not a valid language tag");
        e->lang = cstr(p, f[5]);
    }
    if ((rc = opt_field(p, f[6], SAT_FIELD_MAX, "section", &e->section)) != 0 ||
        (rc = opt_field(p, f[7], SAT_FIELD_MAX, "source", &e->source)) != 0 ||
        (rc = opt_field(p, f[8], SAT_FIELD_MAX, "author", &e->author)) != 0 ||
        (rc = opt_field(p, f[9], SAT_FIELD_MAX, "tags", &e->tags)) != 0 ||
        (rc = opt_field(p, f[10], SAT_TITLE_MAX, "title", &e->title)) != 0)
        return rc;
    if (e->title == NULL)
        return bad(p, "entry has no title");
    if (sat_span_eq(f[11], "m")) {
        if (sat_kind_is_text(e->kind))
            return bad(p, "text entries must be stored in a cluster");
        e->unit = SAT_UNIT_MEDIA;
        if (m->n_media == 0 || sat_span_u64(f[12], m->n_media - 1, &v) != 0)
            return bad(p, "media entry refers to a media line that does not exist");
        if (sat_span_u64(f[13], SAT_MEDIA_MAX, &e->size) != 0)
            return bad(p, "media entry size invalid");
        e->offset = m->media[v].offset;
    } else {
        if (!sat_kind_is_text(e->kind))
            return bad(p, "media entries must be stored as their own member (unit m)");
        if (sat_span_u64(f[11], m->n_clusters ? m->n_clusters - 1 : 0, &v) != 0 ||
            m->n_clusters == 0)
            return bad(p, "entry refers to a cluster that does not exist");
        e->unit = (uint32_t)v;
        if (sat_span_u64(f[12], SAT_CLUSTER_MAX, &e->offset) != 0 ||
            sat_span_u64(f[13], SAT_CLUSTER_MAX, &e->size) != 0 ||
            e->offset + e->size > m->clusters[e->unit].usize)
            return bad(p, "entry range lies outside its cluster");
    }
    if (sat_span_hex(f[14], e->hash, SAT_HASH_BYTES) != 0)
        return bad(p, "entry hash must be 64 lowercase hex digits");
    /* Every field rule the writer applies (tags list form, spaces at the ends, ...): a page
     * the packer could not have written is refused, whoever signed it. */
    if (!p->again) {
        sat_meta mm = sat_mentry_meta(e);
        sat_err merr = {0};
        char msg[SAT_ERR_MSG_MAX];
        if (sat_meta_check(&mm, &merr) != 0) {
            snprintf(msg, sizeof msg, "%.400s", merr.msg);
            return bad(p, msg);
        }
    }
    if (e->unit == SAT_UNIT_MEDIA) {
        const sat_cluster *mm = &m->media[v];
        if (strcmp(mm->id, e->id) != 0 || mm->size != e->size ||
            memcmp(mm->hash, e->hash, SAT_HASH_BYTES) != 0)
            return bad(p, "media entry does not match its media line in the root manifest");
    }
    return 0;
}

sat_meta sat_mentry_meta(const sat_mentry *e)
{
    sat_meta m;

    memset(&m, 0, sizeof m);
    m.id = (char *)e->id;
    m.kind = e->kind;
    m.parent = (char *)e->parent;
    m.title = (char *)e->title;
    m.date = (char *)e->date;
    m.lang = (char *)e->lang;
    m.section = (char *)e->section;
    m.source = (char *)e->source;
    m.author = (char *)e->author;
    m.tags = (char *)e->tags;
    return m;
}

/* One pass over the whole text: valid UTF-8 (no overlongs, surrogates or code
 * points past U+10FFFF), and no control character but TAB and LF (no C0, DEL, or
 * C1 U+0080..U+009F). ASCII, most of any manifest, takes the short path. */
static int text_clean(const char *what, const char *text, size_t len, sat_err *err)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;

    while (i < len) {
        unsigned char c;
        size_t n, k;
        uint32_t cp;

        /* printable ASCII, TAB and LF: most of any manifest, skipped in a tight loop */
        while (i < len && ((u[i] >= 0x20 && u[i] < 0x7f) || u[i] == '\t' || u[i] == '\n'))
            i++;
        if (i == len)
            break;
        c = u[i];
        if (c < 0x80)
            goto control;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
        } else {
            goto invalid;
        }
        if (len - i < n)
            goto invalid;
        for (k = 1; k < n; k++) {
            if ((u[i + k] & 0xc0) != 0x80)
                goto invalid;
            cp = cp << 6 | (u[i + k] & 0x3f);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
            goto invalid;
        if (cp >= 0x80 && cp <= 0x9f)
            goto control;
        i += n;
    }
    return 0;
invalid:
    return sat_err_set(err, SAT_E_FORMAT, "%s: invalid UTF-8 at byte %zu", what, i);
control:
    return sat_err_set(err, SAT_E_FORMAT,
                       "%s: control character at byte %zu (CR, NUL and escape sequences "
                       "are not allowed)",
                       what, i);
}

static int copy_text(const char *text, size_t len, char **out, sat_err *err)
{
    *out = malloc(len + 1);
    if (*out == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
    memcpy(*out, text, len);
    (*out)[len] = '\0';
    return 0;
}

static int parse_tblock_line(parser *p, sat_manifest *m, size_t i)
{
    sat_page *tb = &m->head.search_blocks[i];
    sat_span f[7];
    uint64_t count;
    int rc;

    if ((rc = next_line(p)) != 0)
        return rc;
    if (sat_span_eq(p->line, "end"))
        return bad(p, "fewer term block lines (T) than the search line's count");
    if ((rc = split(p, f, 7)) != 0)
        return rc;
    if (!sat_span_eq(f[0], "T"))
        return bad(p, "expected a term block line (T)");
    if (sat_span_u64(f[1], p->limit, &tb->offset) != 0 ||
        sat_span_u64(f[2], p->limit, &tb->size) != 0 || tb->size == 0 ||
        tb->offset + tb->size > p->limit)
        return bad(p, "term block offset or size outside the bundle");
    if (sat_span_u64(f[3], SAT_TBLOCK_MAX, &tb->usize) != 0 || tb->usize == 0)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: term block size invalid or above %llu bytes",
                           p->lineno, (unsigned long long)SAT_TBLOCK_MAX);
    /* every term takes at least 4 bytes of its block */
    if (sat_span_u64(f[4], SAT_TBLOCK_TERMS_MAX, &count) != 0 || count == 0 ||
        count > tb->usize / 4)
        return sat_err_set(p->err, SAT_E_LIMIT,
                           "manifest line %zu: term count invalid, above %u or more than the "
                           "block can hold",
                           p->lineno, SAT_TBLOCK_TERMS_MAX);
    tb->count = (uint32_t)count;
    if (!term_valid(f[5]))
        return bad(p, "a term block's first term must be 1 to 64 bytes");
    tb->first_id = cstr(p, f[5]);
    if (sat_span_hex(f[6], tb->hash, SAT_HASH_BYTES) != 0)
        return bad(p, "term block hash must be 64 lowercase hex digits");
    if (i > 0 && strcmp(m->head.search_blocks[i - 1].first_id, tb->first_id) >= 0)
        return bad(p, "term blocks are not in increasing term order");
    return 0;
}

/* The canonical layout's next unit: behind one header, padded to a block. */
static uint64_t place(uint64_t *pos, uint64_t size)
{
    uint64_t off = *pos + BLOCK;

    *pos = off + roundup_block(size);
    return off;
}

uint64_t sat_manifest_layout(uint64_t dict_size, uint64_t *dict_off, sat_page *pages,
                             size_t n_pages, sat_manifest_head *search, sat_cluster *clusters,
                             size_t n_clusters, sat_cluster *media, size_t n_media)
{
    uint64_t pos = 0;
    size_t i;

    if (dict_size > 0)
        *dict_off = place(&pos, dict_size);
    for (i = 0; i < n_pages; i++)
        pages[i].offset = place(&pos, pages[i].size);
    if (search != NULL && search->has_search) {
        search->search_offset = place(&pos, search->search_size);
        for (i = 0; i < search->n_search_blocks; i++)
            search->search_blocks[i].offset = place(&pos, search->search_blocks[i].size);
    }
    for (i = 0; i < n_clusters; i++)
        clusters[i].offset = place(&pos, clusters[i].size);
    for (i = 0; i < n_media; i++)
        media[i].offset = place(&pos, media[i].size);
    return pos;
}

/* A unit the root puts at `off` must be where the canonical layout puts it. */
static int at(uint64_t *pos, uint64_t off, uint64_t size, const char *what, size_t idx,
              sat_err *err)
{
    uint64_t want = place(pos, size);

    if (off != want)
        return sat_err_set(err, SAT_E_FORMAT,
                           "manifest: %s %zu lies at %llu, the layout puts it at %llu", what, idx,
                           (unsigned long long)off, (unsigned long long)want);
    return 0;
}

/* The offsets the root gives must be exactly the canonical layout's. */
static int check_layout(const sat_manifest *m, sat_err *err)
{
    uint64_t pos = 0;
    size_t i;
    int rc = 0;

    if (m->head.has_dict)
        rc = at(&pos, m->head.dict_offset, m->head.dict_size, "dictionary", 0, err);
    for (i = 0; rc == 0 && i < m->n_pages; i++)
        rc = at(&pos, m->pages[i].offset, m->pages[i].size, "index page", i, err);
    if (rc == 0 && m->head.has_search)
        rc = at(&pos, m->head.search_offset, m->head.search_size, "document table", 0, err);
    for (i = 0; rc == 0 && m->head.has_search && i < m->head.n_search_blocks; i++)
        rc = at(&pos, m->head.search_blocks[i].offset, m->head.search_blocks[i].size,
                "term block", i, err);
    for (i = 0; rc == 0 && i < m->n_clusters; i++)
        rc = at(&pos, m->clusters[i].offset, m->clusters[i].size, "cluster", i, err);
    for (i = 0; rc == 0 && i < m->n_media; i++)
        rc = at(&pos, m->media[i].offset, m->media[i].size, "media member", i, err);
    if (rc == 0 && pos != m->head.data_size)
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "manifest: data size %llu differs from the layout's %llu",
                         (unsigned long long)m->head.data_size, (unsigned long long)pos);
    return rc;
}

int sat_manifest_parse(const char *text, size_t len, uint64_t max_data, sat_manifest **out,
                       sat_err *err)
{
    sat_manifest *m = NULL;
    parser p;
    uint64_t nc = 0, nm = 0, np = 0, ne = 0, sum = 0;
    size_t i;
    int rc;

    *out = NULL;
    if (len > SAT_MANIFEST_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "manifest: larger than %llu bytes",
                           (unsigned long long)SAT_MANIFEST_MAX);
    if ((rc = text_clean("manifest", text, len, err)) != 0)
        return rc;
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
    if ((rc = copy_text(text, len, &m->text, err)) != 0)
        goto fail;
    m->text_len = len;
    memset(&p, 0, sizeof p);
    p.c = sat_cursor_make(m->text, len);
    p.limit = max_data < SAT_BUNDLE_MAX ? max_data : SAT_BUNDLE_MAX;
    snprintf(p.what, sizeof p.what, "manifest");
    p.err = err;

    if ((rc = parse_head(&p, m, &nc, &nm, &np, &ne)) != 0)
        goto fail;
    m->n_clusters = (size_t)nc;
    m->n_media = (size_t)nm;
    m->n_pages = (size_t)np;
    m->n_entries = ne;
    if (nc > 0 && (m->clusters = calloc((size_t)nc, sizeof *m->clusters)) == NULL)
        goto nomem;
    if (np > 0 && (m->pages = calloc((size_t)np, sizeof *m->pages)) == NULL)
        goto nomem;
    if (nm > 0 && (m->media = calloc((size_t)nm, sizeof *m->media)) == NULL)
        goto nomem;
    if (m->head.has_search && (m->head.search_blocks = calloc(m->head.n_search_blocks,
                                                              sizeof *m->head.search_blocks)) == NULL)
        goto nomem;
    for (i = 0; i < m->n_clusters; i++)
        if ((rc = parse_cluster(&p, m, i)) != 0)
            goto fail;
    for (i = 0; i < m->n_media; i++)
        if ((rc = parse_media_line(&p, m, i)) != 0)
            goto fail;
    for (i = 0; i < m->n_pages; i++) {
        if ((rc = parse_page_line(&p, m, i)) != 0)
            goto fail;
        sum += m->pages[i].count;
    }
    if (sum != ne) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "manifest: the index pages hold %llu entries, the header says %llu",
                         (unsigned long long)sum, (unsigned long long)ne);
        goto fail;
    }
    for (i = 0; m->head.has_search && i < m->head.n_search_blocks; i++)
        if ((rc = parse_tblock_line(&p, m, i)) != 0)
            goto fail;
    if ((rc = next_line(&p)) != 0)
        goto fail;
    if (!sat_span_eq(p.line, "end")) {
        rc = bad(&p, "expected \"end\" after the last index page or term block line (count "
                     "wrong?)");
        goto fail;
    }
    if (sat_cursor_left(&p.c) != 0) {
        rc = bad(&p, "bytes after \"end\"");
        goto fail;
    }
    if ((rc = check_layout(m, err)) != 0)
        goto fail;
    *out = m;
    return 0;

nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
fail:
    sat_manifest_free(m);
    return rc;
}

size_t sat_manifest_media_at(const sat_manifest *m, uint64_t off)
{
    size_t lo = 0, hi = m->n_media;

    /* media lines are in id order, which the canonical layout makes offset order too */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->media[mid].offset == off)
            return mid;
        if (m->media[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

size_t sat_manifest_page_for(const sat_manifest *m, const char *id)
{
    size_t lo = 0, hi = m->n_pages;

    /* last page with first_id <= id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->pages[mid].first_id, id) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

size_t sat_manifest_page_of_index(const sat_manifest *m, uint64_t i)
{
    size_t lo = 0, hi = m->n_pages;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->pages[mid].first <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : lo - 1;
}

static int mpage_parse(const sat_manifest *m, size_t pi, const char *text, size_t len, int again,
                       sat_mpage **out, sat_err *err)
{
    char label[32];
    const sat_page *pg = &m->pages[pi];
    sat_mpage *g = NULL;
    parser p;
    size_t i;
    int rc;

    *out = NULL;
    snprintf(label, sizeof label, "index page %zu", pi);
    if (!again && (rc = text_clean(label, text, len, err)) != 0)
        return rc;
    g = calloc(1, sizeof *g);
    if (g == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
    if ((rc = copy_text(text, len, &g->text, err)) != 0)
        goto fail;
    g->entries = calloc(pg->count, sizeof *g->entries);
    if (g->entries == NULL)
        goto nomem;
    g->n = pg->count;
    memset(&p, 0, sizeof p);
    p.c = sat_cursor_make(g->text, len);
    p.limit = m->head.data_size;
    snprintf(p.what, sizeof p.what, "index page %zu", pi);
    p.again = again;
    p.err = err;
    for (i = 0; i < g->n; i++) {
        if (sat_cursor_left(&p.c) == 0) {
            rc =
                sat_err_set(err, SAT_E_FORMAT, "index page %zu holds %zu entries, the root says %u",
                            pi, i, (unsigned)pg->count);
            goto fail;
        }
        if ((rc = parse_entry(&p, m, g->entries, i)) != 0)
            goto fail;
    }
    if (sat_cursor_left(&p.c) != 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "index page %zu: more entries than its count %u", pi,
                         (unsigned)pg->count);
        goto fail;
    }
    if (strcmp(g->entries[0].id, pg->first_id) != 0 ||
        (pi + 1 < m->n_pages && strcmp(g->entries[g->n - 1].id, m->pages[pi + 1].first_id) >= 0)) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "index page %zu: its ids do not match the range the root gives it", pi);
        goto fail;
    }
    *out = g;
    return 0;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "manifest: out of memory");
fail:
    sat_mpage_free(g);
    return rc;
}

int sat_mpage_parse(const sat_manifest *m, size_t pi, const char *text, size_t len, sat_mpage **out,
                    sat_err *err)
{
    return mpage_parse(m, pi, text, len, 0, out, err);
}

int sat_mpage_parse_again(const sat_manifest *m, size_t pi, const char *text, size_t len,
                          sat_mpage **out, sat_err *err)
{
    return mpage_parse(m, pi, text, len, 1, out, err);
}

const sat_mentry *sat_mpage_find(const sat_mpage *g, const char *id)
{
    size_t lo = 0, hi = g->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->entries[mid].id, id);
        if (c == 0)
            return &g->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void sat_mpage_free(sat_mpage *g)
{
    if (g == NULL)
        return;
    free(g->entries);
    free(g->text);
    free(g);
}

void sat_manifest_free(sat_manifest *m)
{
    if (m == NULL)
        return;
    free(m->clusters);
    free(m->media);
    free(m->pages);
    free(m->head.search_blocks);
    free(m->text);
    free(m);
}
