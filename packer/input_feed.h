/*
 * input_feed.h - pieces shared by input_feed.c (the feed, ids, bodies, skips) and
 * input_feed_item.c (the elements of one item, text of XML nodes). Internal to packer/.
 *
 * Call sequence (per item of a parsed feed):
 *   feed_item it = {0}; it.node = item_element; it.atom = is_atom;
 *   it.atom ? feed_scan_atom(&it, feed_element) : feed_scan_rss(&it);
 *   feed_field(it.title, ...), feed_item_link(xml, &it, &oom), it.authors, it.tags
 *   feed_node_html(xml, it.body, &buf) / feed_node_text(it.body, &buf)
 *   sat_buf_free(&it.authors); sat_buf_free(&it.tags);
 */
#ifndef PACK_INPUT_FEED_H
#define PACK_INPUT_FEED_H

#include <stddef.h>

#include <libxml/tree.h>

#include "input_common.h"
#include "sat_text.h"

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

/* How an item's text is written. */
typedef enum feed_body {
    FEED_HTML = 0, /* escaped or CDATA HTML (RSS, Atom type="html") */
    FEED_TEXT,     /* plain text (Atom type="text" or absent) */
    FEED_XHTML     /* inline XHTML elements (Atom type="xhtml") */
} feed_body;

/* What one item holds, found in one pass over its children. */
typedef struct feed_item {
    size_t no;   /* 1-based item number */
    long line;   /* line of the <item> / <entry> */
    const xmlNode *node;
    const xmlNode *title, *link, *guid, *date, *date2, *lang, *body, *body2;
    feed_body title_type, body_type1, body_type2;
    sat_buf authors; /* "a, b" */
    sat_buf tags;    /* "a,b" */
    int atom;
} feed_item;

/* 1 if n is an element named name in namespace ns (NULL: no namespace). */
int feed_is_el(const xmlNode *n, const char *ns, const char *name);
/* 1 if the NUL-terminated s is empty or only XML white space. */
int feed_is_ws(const char *s);
/* Appends the text inside node: text and CDATA of all descendants; an entity reference
 * stays as written ("&name;") and is never followed. Returns 0 or -1 (OOM). */
int feed_node_text(const xmlNode *node, sat_buf *b);
/* Appends the HTML an element holds: its text when it has only text (escaped HTML or
 * CDATA); with element children (inline XHTML) the elements serialised and the text
 * between them escaped. Returns 0 or -1 (OOM). */
int feed_node_html(xmlDoc *doc, const xmlNode *node, sat_buf *b);
/* Cuts the NUL-terminated s to at most max bytes at a UTF-8 character boundary. */
void feed_cut_utf8(char *s, size_t max);
/* The text of node as a one-line field (whitespace collapsed, trimmed), tags stripped
 * and entities decoded when html, cut to max bytes; *out NULL when empty. 0 or -1. */
int feed_field(const xmlNode *node, int html, size_t max, char **out);
/* One pass over an RSS <item>'s (or RSS 1.0 item's) children, or an Atom <entry>'s
 * (feed_el: the <feed>, whose authors are the default). Returns 0 or -1 (OOM). */
int feed_scan_rss(feed_item *it);
int feed_scan_atom(feed_item *it, const xmlNode *feed_el);
/* The item's link: RSS <link> text, Atom href resolved against xml:base. malloc'd, NULL
 * when there is none or on OOM (then *oom is set). */
char *feed_item_link(xmlDoc *xml, const feed_item *it, int *oom);

#endif
