/*
 * input_html.h - pieces shared by input_html_tree.c (reading, walking, furniture,
 * text), input_html.c (the gemtext converter, fragments) and input_html_page.c
 * (metadata and main text of a page).
 * Internal to packer/.
 *
 * Call sequence:
 *   html_read(where, utf8, len, &doc, err);          // NULL doc: empty input
 *   c = html_conv_new(where, with_line, relpath, fn, ctx, &gem, err);
 *   html_conv_set(c, title, base_url, in_article);
 *   html_conv_run(c, root, depth_of_root);            // body text into gem
 *   html_conv_links(c);                               // numbered links block
 *   html_conv_free(c); xmlFreeDoc(doc);
 */
#ifndef PACK_INPUT_HTML_H
#define PACK_INPUT_HTML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "input_common.h"
#include "sat_err.h"
#include "sat_text.h"

/* Deepest element walked (counted from the document's root element); deeper content
 * is dropped. */
#define HTML_DEPTH_MAX 256

/* Most '<' characters (tags) in one HTML input: libxml2 holds the whole tree in memory,
 * a few hundred bytes per node, so this bounds a page to a few hundred MiB. */
#define HTML_TAGS_MAX 1000000

/* What a visitor returns on enter: skip the children, walk them, or stop the walk.
 * A negative value is an error (err set) and stops the walk too. */
#define HTML_SKIP 0
#define HTML_DESCEND 1
#define HTML_STOP 2

/* Called on entering (leave 0) and leaving (leave 1) every node; leave is called for
 * every node entered, also when its children were skipped. */
typedef int (*html_visit_fn)(void *ctx, xmlNode *n, int leave, int depth);

/* Checks and prepares utf8 (pack_in_prepare: UTF-8, BOM, line ends, controls) and parses
 * it with libxml2's HTML parser (UTF-8 forced, the document's charset ignored, no
 * network). *out is NULL for empty or all-whitespace input. Returns 0, SAT_E_FORMAT
 * ("where:LINE: invalid UTF-8" or no tree at all), SAT_E_LIMIT (over PACK_TEXT_MAX or
 * HTML_TAGS_MAX) or SAT_E_NOMEM. */
int html_read(const char *where, const char *utf8, size_t len, xmlDoc **out, sat_err *err);

/* Walks the subtree of root in document order without recursion; depth0 is root's depth.
 * Children below HTML_DEPTH_MAX are not walked. Returns 0 or the visitor's error. */
int html_walk(xmlNode *root, int depth0, html_visit_fn visit, void *ctx);

/* 1 if s[0..n) equals one of the NULL-terminated list (ASCII case-insensitive). */
int html_name_in(const char *s, size_t n, const char *const *list);
/* 1 if the lower-case tag name is in sorted[0..n) (sorted by strcmp), by binary search. */
int html_tag_in(const char *name, const char *const *sorted, size_t n);
/* 1 if n is an element named name (libxml2 gives HTML names in lower case). */
int html_is(const xmlNode *n, const char *name);
/* The value of attribute name of n (case-insensitive name), "" when it has no plain
 * value, NULL when absent. Owned by the tree. */
const char *html_attr(const xmlNode *n, const char *name);
/* 1 if the whitespace-separated list s holds word (ASCII case-insensitive). */
int html_has_word(const char *s, const char *word);
/* 1 if element n is dropped with everything in it (script, nav, ads, hidden, ...: see
 * docs/INPUT.md). in_article: inside an <article>, where header and footer are kept. */
int html_is_noise(const xmlNode *n, int in_article);
/* Appends text to b: invalid bytes as U+FFFD, controls dropped; collapse: whitespace
 * runs as one space (none at the start of b); else LF and TAB kept. 0 or SAT_E_NOMEM. */
int html_text_add(sat_buf *b, const char *s, size_t n, int collapse);

typedef struct html_conv html_conv;

/* A converter writing into g. where names the input in errors, with_line adds the
 * line of the element ("where:LINE: ..."); local images are relative to base_relpath's
 * folder and looked up with fn (NULL: assumed present). NULL on OOM. */
html_conv *html_conv_new(const char *where, int with_line, const char *base_relpath,
                         pack_media_fn fn, void *ctx, pack_gem *g, sat_err *err);
/* title: an <h1> with exactly this text is not written (may be NULL; must outlive the
 * run); base: absolute URL relative links are resolved against (NULL: kept as written);
 * in_article: the root lies inside an <article> (its header and footer are kept). */
void html_conv_set(html_conv *c, const char *title, const char *base, int in_article);
/* Decides which children of parent are converted (others are dropped): used when the
 * main text is a best-scoring container plus its worthy siblings. keep returns 1 to
 * convert child n. */
typedef int (*html_keep_fn)(void *ctx, const xmlNode *n);
void html_conv_filter(html_conv *c, const xmlNode *parent, html_keep_fn keep, void *ctx);
/* Converts the subtree of root (at depth depth0) into gemtext blocks. Returns 0 or a
 * negative SAT_E_* with err set (image not found, OOM). */
int html_conv_run(html_conv *c, xmlNode *root, int depth0);
/* Writes the links block: "=> URL [N] link text", one line per distinct URL. */
int html_conv_links(html_conv *c);
void html_conv_free(html_conv *c);

#endif
