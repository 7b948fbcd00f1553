/*
 * fuzz_manifest.c - the manifest parsers (formats/sat_manifest.h) on fuzzer bytes.
 *
 * Input: the root manifest text, then for each index page a NUL byte, one byte that
 * selects the page (its value modulo the root's page count) and the page text:
 *   root "\0" sel0 page0 "\0" sel1 page1 ...
 * (Neither text may hold NUL, so the split loses nothing.) fuzz/seeds.sh builds such
 * inputs from freshly packed bundles.
 *
 * Oracles, both texts being canonical (one byte form only): a root that parses renders
 * back to exactly its input, with a title and publisher the writer accepts, and so
 * does a page; every entry of a parsed page passes
 * sat_meta_check (the writer could have written it), is found by id (sat_mpage_find),
 * lies in the page sat_manifest_page_for names, and its bundle-wide index maps back to
 * that page. sat_mpage_parse_again on the bytes of every page sat_mpage_parse accepted
 * (what the reader does when it loads a page a second time) succeeds and gives the same
 * entries, field by field.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_bundle.h"
#include "sat_manifest.h"
#include "sat_text.h"

static void fuzz_root_roundtrip(const sat_manifest *m, const char *text, size_t len)
{
    sat_buf out = {0};
    sat_err err;

    if (sat_manifest_render(&out, &m->head, m->clusters, m->n_clusters, m->media, m->n_media,
                            m->pages, m->n_pages, m->n_entries, &err) != 0)
        fuzz_fail("a parsed root manifest does not render: %s", err.msg);
    if (out.len != len || memcmp(out.data, text, len) != 0)
        fuzz_fail("root manifest is not canonical: %zu bytes parsed, %zu rendered", len,
                  out.len);
    /* what sat_writer_create demands of them */
    if ((m->head.title != NULL &&
         !sat_field_valid(m->head.title, strlen(m->head.title), SAT_TITLE_MAX)) ||
        (m->head.publisher != NULL &&
         !sat_field_valid(m->head.publisher, strlen(m->head.publisher), SAT_FIELD_MAX)))
        fuzz_fail("root manifest parsed with a title or publisher the writer refuses");
    sat_buf_free(&out);
}

/* sat_meta view of an entry (fields shared, not copied). */
static void fuzz_meta_of(const sat_mentry *e, sat_meta *m)
{
    memset(m, 0, sizeof *m);
    m->id = (char *)e->id;
    m->kind = e->kind;
    m->parent = (char *)e->parent;
    m->title = (char *)e->title;
    m->date = (char *)e->date;
    m->lang = (char *)e->lang;
    m->section = (char *)e->section;
    m->source = (char *)e->source;
    m->author = (char *)e->author;
    m->tags = (char *)e->tags;
}

/* Index of the root's media line for a media entry (the E line stores it). */
static uint64_t fuzz_media_line(const sat_manifest *m, const sat_mentry *e)
{
    size_t v;

    for (v = 0; v < m->n_media; v++)
        if (m->media[v].offset == e->offset && strcmp(m->media[v].id, e->id) == 0)
            return v;
    fuzz_fail("media entry %s matches no media line of the root", e->id);
}

static void fuzz_page_checks(const sat_manifest *m, size_t pi, const sat_mpage *pg,
                             const char *text, size_t len)
{
    sat_meta *metas = calloc(pg->n ? pg->n : 1, sizeof *metas);
    sat_mentry *locs = calloc(pg->n ? pg->n : 1, sizeof *locs);
    sat_buf out = {0};
    sat_err err;
    size_t i;

    if (metas == NULL || locs == NULL) {
        free(metas);
        free(locs);
        return;
    }
    if (pg->n != m->pages[pi].count)
        fuzz_fail("page %zu: %zu entries parsed, the root says %u", pi, pg->n,
                  (unsigned)m->pages[pi].count);
    for (i = 0; i < pg->n; i++) {
        const sat_mentry *e = &pg->entries[i];
        if (sat_mpage_find(pg, e->id) != e)
            fuzz_fail("page %zu: entry %s not found by id", pi, e->id);
        if (sat_manifest_page_for(m, e->id) != pi)
            fuzz_fail("page %zu: entry %s is listed under page %zu", pi, e->id,
                      sat_manifest_page_for(m, e->id));
        if (sat_manifest_page_of_index(m, m->pages[pi].first + i) != pi)
            fuzz_fail("page %zu: entry index %llu maps to another page", pi,
                      (unsigned long long)(m->pages[pi].first + i));
        fuzz_meta_of(e, &metas[i]);
        if (sat_meta_check(&metas[i], &err) != 0)
            fuzz_fail("page %zu: entry %s parsed, but the writer refuses its metadata: %s", pi,
                      e->id, err.msg);
        locs[i] = *e;
        if (e->unit == SAT_UNIT_MEDIA)
            locs[i].offset = fuzz_media_line(m, e);
    }
    if (sat_manifest_render_page(&out, metas, locs, pg->n, &err) != 0)
        fuzz_fail("page %zu: a parsed page does not render: %s", pi, err.msg);
    if (out.len != len || memcmp(out.data, text, len) != 0)
        fuzz_fail("page %zu is not canonical: %zu bytes parsed, %zu rendered", pi, len, out.len);
    sat_buf_free(&out);
    free(metas);
    free(locs);
}

/* The metadata strings of an entry (NULL when absent), for field-by-field comparison. */
static const struct {
    const char *name;
    size_t off;
} fuzz_mentry_strs[] = {
    {"id", offsetof(sat_mentry, id)},           {"parent", offsetof(sat_mentry, parent)},
    {"date", offsetof(sat_mentry, date)},       {"lang", offsetof(sat_mentry, lang)},
    {"section", offsetof(sat_mentry, section)}, {"source", offsetof(sat_mentry, source)},
    {"author", offsetof(sat_mentry, author)},   {"tags", offsetof(sat_mentry, tags)},
    {"title", offsetof(sat_mentry, title)},
};

/* The first field in which two entries differ, or NULL when they are the same. */
static const char *fuzz_mentry_diff(const sat_mentry *a, const sat_mentry *b)
{
    size_t k;

    if (a->kind != b->kind)
        return "kind";
    if (a->unit != b->unit)
        return "unit";
    if (a->offset != b->offset)
        return "offset";
    if (a->size != b->size)
        return "size";
    if (memcmp(a->hash, b->hash, SAT_HASH_BYTES) != 0)
        return "hash";
    for (k = 0; k < sizeof fuzz_mentry_strs / sizeof fuzz_mentry_strs[0]; k++) {
        const char *x = *(const char *const *)((const char *)a + fuzz_mentry_strs[k].off);
        const char *y = *(const char *const *)((const char *)b + fuzz_mentry_strs[k].off);
        if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
            return fuzz_mentry_strs[k].name;
    }
    return NULL;
}

/* Parses page pi's text again with sat_mpage_parse_again, as the reader does for a page it
 * dropped and loads again; it must give pg's entries exactly. */
static void fuzz_page_again(const sat_manifest *m, size_t pi, const sat_mpage *pg, const char *text,
                            size_t len)
{
    sat_mpage *ag = NULL;
    sat_err err;
    size_t i;
    int rc = sat_mpage_parse_again(m, pi, text, len, &ag, &err);

    if (rc == SAT_E_NOMEM)
        return;
    if (rc != 0)
        fuzz_fail("page %zu: parsed, but parse_again refuses the same bytes: %s", pi, err.msg);
    if (ag->n != pg->n)
        fuzz_fail("page %zu: %zu entries parsed, %zu parsed again", pi, pg->n, ag->n);
    for (i = 0; i < pg->n; i++) {
        const char *what = fuzz_mentry_diff(&pg->entries[i], &ag->entries[i]);
        if (what != NULL)
            fuzz_fail("page %zu: entry %zu (%s) parsed again with another %s", pi, i,
                      pg->entries[i].id, what);
        if (sat_mpage_find(ag, ag->entries[i].id) != &ag->entries[i])
            fuzz_fail("page %zu: entry %s parsed again is not found by id", pi, ag->entries[i].id);
    }
    sat_mpage_free(ag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t root_len = nul != NULL ? (size_t)(nul - text) : size;
    size_t pos = root_len + 1;
    sat_manifest *m = NULL;
    sat_err err;

    if (sat_manifest_parse(text, root_len, SAT_BUNDLE_MAX, &m, &err) != 0)
        return 0;
    fuzz_root_roundtrip(m, text, root_len);
    (void)sat_manifest_page_for(m, "");
    (void)sat_manifest_page_for(m, "~");
    while (pos + 1 <= size && m->n_pages > 0) {
        size_t pi = data[pos] % m->n_pages;
        const char *pt = text + pos + 1;
        const char *end = memchr(pt, '\0', size - pos - 1);
        size_t plen = end != NULL ? (size_t)(end - pt) : size - pos - 1;
        sat_mpage *pg = NULL;
        if (sat_mpage_parse(m, pi, pt, plen, &pg, &err) == 0) {
            fuzz_page_checks(m, pi, pg, pt, plen);
            fuzz_page_again(m, pi, pg, pt, plen);
            sat_mpage_free(pg);
        }
        pos += 1 + plen + 1;
    }
    sat_manifest_free(m);
    return 0;
}
