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

/* Appends the table text id in the current language, formatted with the arguments its
 * conversions name (at most 1023 bytes). Returns 0, SAT_E_NOMEM or SAT_E_ARG. */
int ep_msgf(sat_buf *out, rmsg_id id, ...);

/* The item with id[0..len), or SIZE_MAX. */
size_t ep_find(const ep_site *s, const char *id, size_t len);

/* File name of an item relative to the export's root ("e/000012.html", "m/000031.png"). */
void ep_item_path(const ep_item *it, char out[RH_HREF_MAX]);

/* Appends the document head (charset, lang, the CSP csp, referrer policy, title, style
 * sheet) and the top navigation. root is "" or "../"; lang is untrusted (a manifest lang
 * tag, escaped) or NULL for the interface language. ep_foot closes the document. */
int ep_head(sat_buf *out, const char *root, const char *lang, const char *title, const char *csp);
int ep_foot(sat_buf *out);

/* Appends the page of text item s->items[s->cur] with its verified body. */
int ep_entry_page(sat_buf *out, ep_site *s, const char *body, size_t len, sat_err *err);

/* Appends index.html / verify.html / style.css. */
int ep_index_page(sat_buf *out, const ep_site *s, sat_err *err);
int ep_verify_page(sat_buf *out, const ep_site *s, sat_err *err);
const char *ep_style_css(void);

#endif
