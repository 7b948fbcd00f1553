/*
 * export_pages.h - the pages of the static web export (export_html.c walks the bundle
 * and writes files; this part builds the HTML of each page into a sat_buf).
 *
 * Every page is a complete HTML document with <meta charset="utf-8">, a lang
 * attribute, the Content-Security-Policy EP_CSP, referrer policy no-referrer and one
 * link to the export's style sheet. Every bundle string goes through rh_escape.
 */
#ifndef EXPORT_PAGES_H
#define EXPORT_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "render_html.h"
#include "sat_bundle.h"

/* Nothing loads but images, audio and the style sheet of the export itself; no script,
 * no frame, no form, no base URL change. */
#define EP_CSP                                                                             \
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; "            \
    "base-uri 'none'; form-action 'none'"

typedef enum ep_status { EP_PENDING = 0, EP_WRITTEN, EP_DAMAGED } ep_status;

/* One entry of the bundle as the export sees it. */
typedef struct ep_item {
    const sat_mentry *e;
    uint64_t num;          /* position in id order: the file name */
    ep_status status;
    rh_target_kind mkind;  /* media: RH_T_IMAGE, RH_T_AUDIO or RH_T_FILE */
    char ext[8];           /* media: file extension (from a fixed list) */
    size_t parent;         /* index of the parent item, or SIZE_MAX */
    size_t child, sibling; /* first attachment, next attachment of the parent; SIZE_MAX */
    uint64_t shown_on;     /* 1 + the item whose page last embedded this one; 0 none */
    char *why;             /* damaged: the reason (malloc'd, untrusted text) */
} ep_item;

/* What the pages need to know about the whole export. */
typedef struct ep_site {
    sat_bundle *b;
    ep_item *items; /* sorted by id (entries of lost index pages are missing) */
    size_t n;
    uint64_t n_damaged;  /* items that failed their hash */
    uint64_t n_lost;     /* entries lost with damaged index pages */
    sat_buf lost_html;   /* <li> lines for the lost pages (escaped) */
    int forged;          /* signed content broke the format */
    size_t cur;          /* item whose page is being built */
} ep_site;


/* The item with id[0..len), or SIZE_MAX. */
size_t ep_find(const ep_site *s, const char *id, size_t len);

/* Files per folder of the export's trees e/, m/ and s/ (see ep_shard_path). */
#define EP_PER_FOLDER 1000
/* Section pages: at most EP_PAGE_ROWS entries and about EP_PAGE_BYTES of list markup
 * each (no contents page is larger than about 300 KB, whatever the titles hold). */
#define EP_PAGE_ROWS 1000
#define EP_PAGE_BYTES ((size_t)280 * 1024)
/* index.html of a bundle too big to list whole: the newest entries of each section. */
#define EP_INDEX_NEWEST 50

/* The path of file number num in tree ('e' pages, 'm' media, 's' section pages)
 * relative to the export's root: "e/012/012345.html" - the folder is num / EP_PER_FOLDER
 * (at least 3 digits), the name num (at least 6 digits) and ext (ASCII, from the
 * export's own short list). Sharding, not 8.3 names: FAT32 gives a folder 65,536
 * directory slots and a long name such as "012345.html" takes two, so one flat folder
 * stops near 32,000 files; 1,000 per folder keeps every folder far below that limit
 * (and below exFAT's and ISO 9660's) and keeps look-ups in FAT's unsorted folders quick.
 * 8.3 names would save a slot but force ".htm" and cut the media extensions (".jpeg",
 * ".opus", ".webm", ".flac") that browsers use to choose a file's type under file://.
 * ISO 9660 needs its Joliet or Rock Ridge extension for these names (as for any name
 * longer than 8.3 or in lower case); the depth is 3, far below its limit of 8. */
void ep_shard_path(char tree, uint64_t num, const char *ext, char out[RH_HREF_MAX]);

/* File name of an item relative to the export's root ("e/000/000012.html",
 * "m/001/001031.png"): ep_shard_path of its number. */
void ep_item_path(const ep_item *it, char out[RH_HREF_MAX]);

/* Splits n rows of byte lengths len[0..n) into pages of at most max_rows rows and at most
 * max_bytes bytes (a single longer row gets a page of its own), in order. first[p] is the
 * first row of page p (first holds n entries; n == 0 gives one empty page, first[0] = 0).
 * Returns the number of pages, at least 1. */
size_t ep_pages_plan(const size_t *len, size_t n, size_t max_rows, size_t max_bytes,
                     size_t *first);

/* Escaped text of a section name (NULL: "Other" in the interface language). */
int ep_section_name(sat_buf *out, const char *section);

/* Appends the document head (charset, lang, the CSP csp, referrer policy, title, style
 * sheet) and the top navigation. root is "" (a page at the root) or "../../" (e/, s/); lang is untrusted (a manifest lang
 * tag, escaped) or NULL for the interface language. ep_foot closes the document. */
int ep_head(sat_buf *out, const char *root, const char *lang, const char *title, const char *csp);
int ep_foot(sat_buf *out);

/* Appends the page of text item s->items[s->cur] with its verified body. */
int ep_entry_page(sat_buf *out, ep_site *s, const char *body, size_t len, sat_err *err);

/* Appends a contents row of item it: <li> with the title (a link when written, the href
 * prefixed with root, "" or "../../"), date, kind, a mark when damaged. */
int ep_index_row(sat_buf *out, const ep_item *it, const char *root);

/* Appends the banner that links to verify.html (root as for ep_head). */
int ep_banner(sat_buf *out, const ep_site *s, const char *root);

/* Appends verify.html / style.css. The contents (index.html, s/) are export_toc.h's. */
int ep_verify_page(sat_buf *out, const ep_site *s, sat_err *err);
const char *ep_style_css(void);

#endif
