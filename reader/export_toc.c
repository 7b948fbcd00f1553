/* export_toc.c - index.html and the section pages of the static web export
 * (export_toc.h). */
#include "export_toc.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* One list of the contents: a section of the bundle, or the media of no page. */
typedef struct et_section {
    const char *name;     /* untrusted; NULL: no section */
    int media;            /* the "Attachments" list */
    size_t first, n;      /* its rows: order[first .. first + n) */
    size_t page0, npages; /* its pages: page0 .. page0 + npages - 1 */
} et_section;

struct et_toc {
    const ep_site *s;
    size_t *order; /* item of each row */
    size_t *len;   /* bytes of each row as a section page writes it */
    size_t nrows;
    size_t bytes; /* all rows */
    et_section *secs;
    size_t nsec;
    size_t *pfirst; /* first row of each page */
    size_t *psec;   /* section of each page */
    size_t npages;
};

/* ------------------------------------------------------------------------
 * order and pages
 * ------------------------------------------------------------------------ */

static const ep_item *sort_items; /* qsort has no context argument */

static int et_strcmp_null_last(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

/* By section (none last), then newest first (undated last), then title. */
static int et_cmp_rows(const void *pa, const void *pb)
{
    const sat_mentry *a = sort_items[*(const size_t *)pa].e;
    const sat_mentry *b = sort_items[*(const size_t *)pb].e;
    int c = et_strcmp_null_last(a->section, b->section);

    if (c != 0)
        return c;
    if (a->date == NULL || b->date == NULL)
        c = (a->date == NULL) - (b->date == NULL);
    else
        c = -strcmp(a->date, b->date);
    return c != 0 ? c : strcmp(a->title, b->title);
}

/* Sections as runs of rows; the media of no page (after ntext rows) are the last. */
static int et_sections(et_toc *t, size_t ntext)
{
    size_t k;

    t->secs = calloc(t->nrows + 1, sizeof *t->secs);
    if (t->secs == NULL)
        return SAT_E_NOMEM;
    for (k = 0; k < t->nrows; k++) {
        const sat_mentry *e = t->s->items[t->order[k]].e;
        et_section *cur = t->nsec > 0 ? &t->secs[t->nsec - 1] : NULL;
        int media = k >= ntext;
        if (cur == NULL || cur->media != media ||
            (!media && et_strcmp_null_last(cur->name, e->section) != 0)) {
            cur = &t->secs[t->nsec++];
            cur->name = media ? NULL : e->section;
            cur->media = media;
            cur->first = k;
        }
        cur->n++;
    }
    return 0;
}

/* Measures every row and splits each section into pages. */
static int et_plan(et_toc *t)
{
    sat_buf row = {0};
    size_t k, i;
    int rc = 0;

    t->len = calloc(t->nrows + 1, sizeof *t->len);
    t->pfirst = calloc(t->nrows + 1, sizeof *t->pfirst);
    t->psec = calloc(t->nrows + 1, sizeof *t->psec);
    if (t->len == NULL || t->pfirst == NULL || t->psec == NULL)
        return SAT_E_NOMEM;
    for (k = 0; k < t->nrows && rc == 0; k++) {
        row.len = 0;
        rc = ep_index_row(&row, &t->s->items[t->order[k]], "../../");
        t->len[k] = row.len;
        t->bytes += row.len;
    }
    sat_buf_free(&row);
    for (i = 0; i < t->nsec && rc == 0; i++) {
        et_section *sec = &t->secs[i];
        size_t p;
        sec->page0 = t->npages;
        /* pages <= rows: each holds at least one row of a non-empty section */
        sec->npages = ep_pages_plan(t->len + sec->first, sec->n, EP_PAGE_ROWS, EP_PAGE_BYTES,
                                    t->pfirst + t->npages);
        for (p = 0; p < sec->npages; p++) {
            t->pfirst[t->npages + p] += sec->first;
            t->psec[t->npages + p] = i;
        }
        t->npages += sec->npages;
    }
    return rc;
}

int et_toc_create(et_toc **out, const ep_site *s, sat_err *err)
{
    et_toc *t = calloc(1, sizeof *t);
    size_t k, ntext = 0;

    *out = NULL;
    if (t == NULL || (t->order = calloc(s->n + 1, sizeof *t->order)) == NULL)
        goto nomem;
    t->s = s;
    for (k = 0; k < s->n; k++)
        if (sat_kind_is_text(s->items[k].e->kind))
            t->order[ntext++] = k;
    sort_items = s->items;
    qsort(t->order, ntext, sizeof *t->order, et_cmp_rows);
    t->nrows = ntext;
    for (k = 0; k < s->n; k++)
        if (!sat_kind_is_text(s->items[k].e->kind) && s->items[k].parent == SIZE_MAX)
            t->order[t->nrows++] = k;
    if (et_sections(t, ntext) != 0 || et_plan(t) != 0)
        goto nomem;
    *out = t;
    return 0;
nomem:
    et_toc_free(t);
    return sat_err_set(err, SAT_E_NOMEM, "out of memory building the contents");
}

void et_toc_free(et_toc *t)
{
    if (t == NULL)
        return;
    free(t->order);
    free(t->len);
    free(t->secs);
    free(t->pfirst);
    free(t->psec);
    free(t);
}

size_t et_page_count(const et_toc *t)
{
    return t->npages;
}

int et_index_complete(const et_toc *t)
{
    return t->nrows <= EP_PAGE_ROWS && t->bytes <= EP_PAGE_BYTES;
}

/* ------------------------------------------------------------------------
 * shared parts
 * ------------------------------------------------------------------------ */

static int et_name(sat_buf *out, const et_section *sec)
{
    return sec->media ? sat_buf_puts(out, rmsg(MSG_HTML_ATTACHMENTS))
                      : ep_section_name(out, sec->name);
}

/* <a href="ROOTs/NNN/NNNNNN.html"> for page p. */
static int et_page_link(sat_buf *out, const char *root, size_t p)
{
    char path[RH_HREF_MAX];

    ep_shard_path('s', p, "html", path);
    return sat_buf_printf(out, "<a href=\"%s%s\">", root, path);
}

/* ------------------------------------------------------------------------
 * index.html
 * ------------------------------------------------------------------------ */

/* "All N entries of this section" and a link to each of its pages. */
static int et_more(sat_buf *out, const et_section *sec)
{
    size_t p;
    int rc = sat_buf_puts(out, "<p class=\"more\">");

    if (rc == 0)
        rc = et_page_link(out, "", sec->page0);
    if (rc == 0)
        rc = rmsg_appendf(out, MSG_HTML_SECTION_ALL, (unsigned long)sec->n);
    if (rc == 0)
        rc = sat_buf_puts(out, "</a>");
    if (rc == 0 && sec->npages > 1)
        rc = sat_buf_printf(out, "<br>%s", rmsg(MSG_HTML_PAGES));
    for (p = 0; p < sec->npages && sec->npages > 1 && rc == 0; p++) {
        rc = sat_buf_puts(out, " ");
        if (rc == 0)
            rc = et_page_link(out, "", sec->page0 + p);
        if (rc == 0)
            rc = sat_buf_printf(out, "%zu</a>", p + 1);
    }
    if (rc == 0)
        rc = sat_buf_puts(out, "</p>\n");
    return rc;
}

/* Room kept in index.html for the sections' headings and links once its rows are cut. */
#define ET_INDEX_TAIL ((size_t)16 * 1024)

/* The sections with their rows (all of them, or the newest while the index stays within
 * EP_PAGE_BYTES), and a link to each section into nav. With more sections than the index
 * holds, the rest are reached from the last one listed: each section's last page links
 * the next section's first. */
static int et_index_sections(sat_buf *body, sat_buf *nav, const et_toc *t, int complete,
                             size_t used)
{
    size_t i, k;
    int rc = 0, full = 0;

    for (i = 0; i < t->nsec && rc == 0; i++) {
        const et_section *sec = &t->secs[i];
        size_t shown = 0, want = complete ? sec->n : EP_INDEX_NEWEST;
        if (!complete && used + body->len + 2 * nav->len + ET_INDEX_TAIL > EP_PAGE_BYTES) {
            rc = sat_buf_puts(body, "<p class=\"more\">");
            if (rc == 0)
                rc = et_page_link(body, "", sec->page0);
            if (rc == 0)
                rc = rmsg_appendf(body, MSG_HTML_MORE_SECTIONS, (unsigned long)(t->nsec - i));
            if (rc == 0)
                rc = sat_buf_puts(body, "</a></p>\n");
            break;
        }
        rc = sat_buf_printf(nav, "<a href=\"#s%zu\">", i + 1);
        if (rc == 0)
            rc = et_name(nav, sec);
        if (rc == 0)
            rc = sat_buf_puts(nav, "</a>\n");
        if (rc == 0)
            rc = sat_buf_printf(body, "<section id=\"s%zu\">\n<h2>", i + 1);
        if (rc == 0)
            rc = et_name(body, sec);
        if (rc == 0)
            rc = sat_buf_puts(body, " <span class=\"count\">");
        if (rc == 0)
            rc = rmsg_appendf(body, MSG_HTML_N_ENTRIES, (unsigned long)sec->n);
        if (rc == 0)
            rc = sat_buf_puts(body, "</span></h2>\n<ul class=\"toc\">\n");
        for (k = 0; k < sec->n && shown < want && rc == 0; k++) {
            size_t r = sec->first + k;
            if (!complete && (full || used + body->len + 2 * nav->len + ET_INDEX_TAIL +
                                              t->len[r] > EP_PAGE_BYTES)) {
                full = 1;
                break;
            }
            rc = ep_index_row(body, &t->s->items[t->order[r]], "");
            shown++;
        }
        if (rc == 0)
            rc = sat_buf_puts(body, "</ul>\n");
        if (rc == 0 && shown < sec->n)
            rc = et_more(body, sec);
        if (rc == 0)
            rc = sat_buf_puts(body, "</section>\n");
    }
    return rc;
}

int et_index_page(sat_buf *out, const et_toc *t, sat_err *err)
{
    const sat_manifest *m = sat_bundle_manifest(t->s->b);
    sat_buf body = {0}, nav = {0};
    int complete = et_index_complete(t);
    int rc = ep_head(out, "", NULL, m->head.title, EP_CSP);

    if (rc == 0)
        rc = sat_buf_puts(out, "<h1>");
    if (rc == 0)
        rc = rh_escape_str(out, m->head.title);
    if (rc == 0)
        rc = sat_buf_puts(out, "</h1>\n<p class=\"sub\">");
    if (rc == 0 && m->head.publisher != NULL) {
        rc = rh_escape_str(out, m->head.publisher);
        if (rc == 0)
            rc = sat_buf_puts(out, " &middot; ");
    }
    if (rc == 0)
        rc = rh_escape(out, m->head.created, 10);
    if (rc == 0)
        rc = sat_buf_puts(out, "</p>\n");
    if (rc == 0)
        rc = ep_banner(out, t->s, "");
    if (rc == 0 && !complete)
        rc = sat_buf_printf(out, "<p class=\"sub\">%s</p>\n", rmsg(MSG_HTML_NEWEST_NOTE));
    if (rc == 0)
        rc = et_index_sections(&body, &nav, t, complete, out->len);
    if (rc == 0 && nav.len > 0)
        rc = sat_buf_printf(out, "<nav class=\"sections\">\n%s</nav>\n", nav.data);
    if (rc == 0 && body.len > 0)
        rc = sat_buf_append(out, body.data, body.len);
    if (rc == 0)
        rc = ep_foot(out);
    sat_buf_free(&body);
    sat_buf_free(&nav);
    if (rc != 0)
        return sat_err_set(err, rc, "out of memory building the index");
    return 0;
}

/* ------------------------------------------------------------------------
 * section pages
 * ------------------------------------------------------------------------ */

/* A link to page p labelled label, or on a section's first (last) page to the previous
 * (next) section's page p labelled with that section's name. */
static int et_step(sat_buf *out, const et_toc *t, size_t p, int same, rmsg_id label,
                   rmsg_id other)
{
    int rc = et_page_link(out, "../../", p);

    if (rc == 0 && same)
        rc = sat_buf_puts(out, rmsg(label));
    if (rc == 0 && !same) {
        rc = sat_buf_printf(out, "%s ", rmsg(other));
        if (rc == 0)
            rc = et_name(out, &t->secs[t->psec[p]]);
    }
    return rc == 0 ? sat_buf_puts(out, "</a>") : rc;
}

/* Previous (newer) / next (older) page of the same section, or the previous / next
 * section across its edges (so every page is reachable from any one), and where this one
 * stands. */
static int et_pager(sat_buf *out, const et_toc *t, size_t p)
{
    const et_section *sec = &t->secs[t->psec[p]];
    size_t k = p - sec->page0;
    int rc = sat_buf_printf(out, "<nav class=\"pager\" lang=\"%s\">",
                            rmsg_lang_code(rmsg_get_lang()));

    if (rc == 0 && p > 0) {
        rc = et_step(out, t, p - 1, k > 0, MSG_HTML_PAGE_PREV, MSG_HTML_SECTION_PREV);
        if (rc == 0)
            rc = sat_buf_puts(out, " ");
    }
    if (rc == 0)
        rc = rmsg_appendf(out, MSG_HTML_PAGE_OF, (unsigned long)(k + 1), (unsigned long)sec->npages);
    if (rc == 0 && p + 1 < t->npages) {
        rc = sat_buf_puts(out, " ");
        if (rc == 0)
            rc = et_step(out, t, p + 1, k + 1 < sec->npages, MSG_HTML_PAGE_NEXT,
                         MSG_HTML_SECTION_NEXT);
    }
    if (rc == 0)
        rc = sat_buf_puts(out, "</nav>\n");
    return rc;
}

int et_section_page(sat_buf *out, const et_toc *t, size_t p, sat_err *err)
{
    const et_section *sec;
    sat_buf name = {0};
    size_t r, end;
    int rc;

    if (p >= t->npages)
        return sat_err_set(err, SAT_E_ARG, "no section page %zu", p);
    sec = &t->secs[t->psec[p]];
    end = p + 1 < t->npages && t->psec[p + 1] == t->psec[p] ? t->pfirst[p + 1]
                                                            : sec->first + sec->n;
    /* the title is escaped by ep_head: give it the plain (sanitised there) name */
    rc = sec->media ? sat_buf_puts(&name, rmsg(MSG_HTML_ATTACHMENTS))
                    : sat_buf_puts(&name, sec->name != NULL ? sec->name
                                                            : rmsg(MSG_HTML_NO_SECTION));
    if (rc == 0)
        rc = ep_head(out, "../../", NULL, name.data, EP_CSP);
    if (rc == 0)
        rc = sat_buf_puts(out, "<h1>");
    if (rc == 0)
        rc = et_name(out, sec);
    if (rc == 0)
        rc = sat_buf_puts(out, "</h1>\n<p class=\"sub\">");
    if (rc == 0)
        rc = rmsg_appendf(out, MSG_HTML_N_ENTRIES, (unsigned long)sec->n);
    if (rc == 0)
        rc = sat_buf_puts(out, "</p>\n");
    if (rc == 0)
        rc = ep_banner(out, t->s, "../../");
    if (rc == 0)
        rc = et_pager(out, t, p);
    if (rc == 0)
        rc = sat_buf_puts(out, "<ul class=\"toc\">\n");
    for (r = t->pfirst[p]; r < end && rc == 0; r++)
        rc = ep_index_row(out, &t->s->items[t->order[r]], "../../");
    if (rc == 0)
        rc = sat_buf_puts(out, "</ul>\n");
    if (rc == 0)
        rc = et_pager(out, t, p);
    if (rc == 0)
        rc = ep_foot(out);
    sat_buf_free(&name);
    if (rc != 0)
        return sat_err_set(err, rc, "out of memory building a section page");
    return 0;
}
