/*
 * export_toc.h - the contents of the static web export: index.html and the section pages.
 *
 * Every written article and transcript is listed by section (no section last), newest
 * first (undated last), then by title; media that belong to no page form a last list,
 * "Attachments". Each section has its own pages, numbered across the export and stored
 * as s/NNN/NNNNNN.html (ep_shard_path: the numbers are generated, a section's name from
 * the bundle never becomes a file name): at most EP_PAGE_ROWS entries and about
 * EP_PAGE_BYTES of list each, with links to the previous (newer) and next (older) page;
 * a section's first and last pages link the previous and next section's, so every page
 * leads to every other. index.html lists every entry when all of them fit one such page
 * (small bundles); otherwise each section's name, entry count, its newest EP_INDEX_NEWEST
 * entries (fewer when the index would pass EP_PAGE_BYTES) and links to its pages, for as
 * many sections as fit EP_PAGE_BYTES, then one link to the first section not listed.
 *
 *   et_toc *t = NULL;
 *   et_toc_create(&t, site, &err);       // after every entry's status is known
 *   et_index_page(&html, t, &err);       // index.html
 *   for (p = 0; p < et_page_count(t); p++)
 *       et_section_page(&html, t, p, &err), ep_shard_path('s', p, "html", path);
 *   et_toc_free(t);
 */
#ifndef EXPORT_TOC_H
#define EXPORT_TOC_H

#include <stddef.h>

#include "export_pages.h"

typedef struct et_toc et_toc;

/* Sorts the site's items into sections and measures their rows. The site must outlive
 * the toc. Returns 0, or SAT_E_NOMEM with a message in err (*out NULL). */
int et_toc_create(et_toc **out, const ep_site *s, sat_err *err);
void et_toc_free(et_toc *t);

/* Number of section pages (s/), all sections together. */
size_t et_page_count(const et_toc *t);

/* 1 when index.html lists every entry. */
int et_index_complete(const et_toc *t);

/* Appends index.html. Returns 0 or SAT_E_NOMEM (message in err). */
int et_index_page(sat_buf *out, const et_toc *t, sat_err *err);

/* Appends section page p (0 <= p < et_page_count). Returns 0, SAT_E_ARG or SAT_E_NOMEM. */
int et_section_page(sat_buf *out, const et_toc *t, size_t p, sat_err *err);

#endif
