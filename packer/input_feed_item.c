/*
 * input_feed_item.c - the elements of one RSS item or Atom entry (title, link, guid or
 * id, dates, authors, categories, content) and the text held in XML nodes, read
 * without ever following an entity reference. Used by input_feed.c.
 */
#include "input_feed.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>

#include "sat_meta.h"

/* 1 if node is an element named name in namespace ns (NULL: no namespace). */
int feed_is_el(const xmlNode *n, const char *ns, const char *name)
{
    const char *href;

    if (n == NULL || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
        return 0;
    href = (n->ns != NULL && n->ns->href != NULL) ? (const char *)n->ns->href : NULL;
    if (ns == NULL)
        return href == NULL;
    return href != NULL && strcmp(href, ns) == 0;
}

/* An attribute value without namespace, or NULL; owned by the tree. */
static const char *attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next)
        if (a->ns == NULL && strcmp((const char *)a->name, name) == 0 && a->children != NULL &&
            a->children->type == XML_TEXT_NODE && a->children->next == NULL)
            return (const char *)a->children->content;
    return NULL;
}

static int ascii_ieq(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Appends the text inside node: text and CDATA of all descendants; an entity reference
 * stays as written ("&name;"), its declaration is never followed (an entity's children
 * are the declaration's, shared by every reference: walking them is the billion
 * laughs). Iterative, so deep nesting costs no stack. Returns 0 or -1 (OOM). */
int feed_node_text(const xmlNode *node, sat_buf *b)
{
    const xmlNode *n = node->children;

    while (n != NULL) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content != NULL && sat_buf_puts(b, (const char *)n->content) != 0)
                return -1;
        } else if (n->type == XML_ENTITY_REF_NODE) {
            if (sat_buf_printf(b, "&%s;", (const char *)n->name) != 0)
                return -1;
        } else if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n->next == NULL) {
            n = n->parent;
            if (n == NULL || n == node)
                return 0;
        }
        n = n->next;
    }
    return 0;
}

/* 1 if the NUL-terminated s is empty or only XML white space. */
int feed_is_ws(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* Appends s[0..n) with &, < and > escaped for HTML. */
static int append_escaped(sat_buf *b, const char *s, size_t n)
{
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        const char *e = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
        if (e == NULL)
            continue;
        if (sat_buf_append(b, s + run, i - run) != 0 || sat_buf_puts(b, e) != 0)
            return -1;
        run = i + 1;
    }
    return sat_buf_append(b, s + run, n - run);
}

/* Appends the HTML an element holds. Only text (escaped HTML or CDATA): the text is
 * the HTML. With element children (inline XHTML): elements are serialised and text
 * between them is escaped. Returns 0 or -1 (OOM). */
int feed_node_html(xmlDoc *doc, const xmlNode *node, sat_buf *b)
{
    const xmlNode *c;
    int elements = 0;

    for (c = node->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            elements = 1;
    for (c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            const char *t = c->content != NULL ? (const char *)c->content : "";
            if ((elements ? append_escaped(b, t, strlen(t)) : sat_buf_puts(b, t)) != 0)
                return -1;
        } else if (c->type == XML_ENTITY_REF_NODE) {
            if (sat_buf_printf(b, "&%s;", (const char *)c->name) != 0)
                return -1;
        } else if (c->type == XML_ELEMENT_NODE) {
            xmlBuffer *xb = xmlBufferCreate();
            int r;
            if (xb == NULL)
                return -1;
            /* entity references are written as "&name;", never expanded */
            r = xmlNodeDump(xb, doc, (xmlNode *)c, 0, 0);
            if (r < 0 || sat_buf_append(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) != 0) {
                xmlBufferFree(xb);
                return -1;
            }
            xmlBufferFree(xb);
        }
    }
    return 0;
}

/* Appends s[0..n) with tags removed and entities decoded (HTML titles). A '<' that does
 * not start a tag ("a < b") stays. Linear: once no '>' is left, no tag is looked for. */
static int strip_tags(const char *s, size_t n, sat_buf *out)
{
    size_t i = 0;
    int gt_left = 1;

    while (i < n) {
        char c = s[i];
        if (c == '<' && gt_left && i + 1 < n &&
            ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
             s[i + 1] == '/' || s[i + 1] == '!')) {
            const char *gt = memchr(s + i, '>', n - i);
            if (gt != NULL) {
                i = (size_t)(gt - s) + 1;
                continue;
            }
            gt_left = 0;
        } else if (c == '&') {
            int k = pack_in_entity(s + i, n - i, out);
            size_t j = i + 1;
            if (k < 0)
                return -1;
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
            /* named HTML entities beyond the few pack_in_entity knows (&hellip; &ldquo;) */
            while (j < n && j - i <= 32 && ((s[j] >= 'a' && s[j] <= 'z') ||
                                           (s[j] >= 'A' && s[j] <= 'Z') ||
                                           (s[j] >= '0' && s[j] <= '9')))
                j++;
            if (j < n && s[j] == ';' && j > i + 1 && j - i <= 32) {
                char name[40];
                const htmlEntityDesc *e;
                memcpy(name, s + i + 1, j - i - 1);
                name[j - i - 1] = '\0';
                e = htmlEntityLookup((const xmlChar *)name);
                if (e != NULL && e->value >= 0x20 && !(e->value >= 0x7F && e->value <= 0x9F)) {
                    char enc[4];
                    if (sat_buf_append(out, enc, sat_utf8_encode(e->value, enc)) != 0)
                        return -1;
                    i = j + 1;
                    continue;
                }
            }
        }
        if (sat_buf_append(out, &c, 1) != 0)
            return -1;
        i++;
    }
    return 0;
}

/* Cuts the NUL-terminated s to at most max bytes at a UTF-8 character boundary. */
void feed_cut_utf8(char *s, size_t max)
{
    size_t n = strlen(s);

    if (n <= max)
        return;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    s[n] = '\0';
}

/* The text of node as a one-line field (whitespace collapsed, trimmed), tags stripped
 * and entities decoded when html, cut to max bytes. *out NULL when empty. Returns 0 or
 * -1 (OOM). */
int feed_field(const xmlNode *node, int html, size_t max, char **out)
{
    sat_buf raw = {0}, txt = {0};
    char *v = NULL;
    int rc = -1;

    *out = NULL;
    if (feed_node_text(node, &raw) != 0 || sat_buf_append(&raw, "", 0) != 0)
        goto done;
    if (html) {
        if (sat_buf_append(&txt, "", 0) != 0 || strip_tags(raw.data, raw.len, &txt) != 0)
            goto done;
    } else {
        txt = raw;
        memset(&raw, 0, sizeof raw);
    }
    v = pack_in_field(txt.data, txt.len);
    if (v == NULL)
        goto done;
    feed_cut_utf8(v, max);
    if (v[0] == '\0')
        free(v);
    else
        *out = v;
    rc = 0;
done:
    sat_buf_free(&raw);
    sat_buf_free(&txt);
    return rc;
}

static feed_body atom_type(const xmlNode *n, int *usable)
{
    const char *t = attr(n, "type");

    *usable = 1;
    if (t == NULL || ascii_ieq(t, "text") || ascii_ieq(t, "text/plain"))
        return FEED_TEXT;
    if (ascii_ieq(t, "html") || ascii_ieq(t, "text/html"))
        return FEED_HTML;
    if (ascii_ieq(t, "xhtml") || ascii_ieq(t, "application/xhtml+xml"))
        return FEED_XHTML;
    *usable = 0; /* another media type (an image, base64 data): not text */
    return FEED_TEXT;
}

/* Appends one author name to it->authors ("a, b"), skipping repeats. */
static int add_author(feed_item *it, const xmlNode *n)
{
    char *v = NULL;
    char *name;
    size_t len;
    int rc = 0;

    if (feed_field(n, 0, SAT_FIELD_MAX, &v) != 0)
        return -1;
    if (v == NULL)
        return 0;
    name = v;
    /* RSS <author>: "kim@example.org (Kim Minji)" -> "Kim Minji" */
    len = strlen(v);
    if (feed_is_el(n, NULL, "author") && len > 2 && v[len - 1] == ')' && strchr(v, '(') != NULL) {
        char *open = strchr(v, '(');
        if (open > v && memchr(v, '@', (size_t)(open - v)) != NULL) {
            name = open + 1;
            v[len - 1] = '\0';
        }
    }
    if (it->authors.len > 0 && it->authors.len + 2 + strlen(name) <= SAT_FIELD_MAX &&
        strstr(it->authors.data, name) == NULL)
        rc = sat_buf_puts(&it->authors, ", ") != 0 || sat_buf_puts(&it->authors, name) != 0;
    else if (it->authors.len == 0)
        rc = sat_buf_puts(&it->authors, name);
    free(v);
    return rc != 0 ? -1 : 0;
}

/* Appends one tag to it->tags ("a,b"): commas inside become spaces, repeats and tags
 * that would make the field longer than SAT_FIELD_MAX are left out. */
static int add_tag(feed_item *it, const xmlNode *n, const char *term)
{
    sat_buf raw = {0};
    char *v, *p;
    int rc = -1;

    if (term != NULL ? sat_buf_puts(&raw, term) != 0 : feed_node_text(n, &raw) != 0)
        goto done;
    if (sat_buf_append(&raw, "", 0) != 0)
        goto done;
    for (p = raw.data; *p != '\0'; p++)
        if (*p == ',')
            *p = ' ';
    v = pack_in_field(raw.data, raw.len);
    if (v == NULL)
        goto done;
    rc = 0;
    if (v[0] != '\0' && it->tags.len + 1 + strlen(v) <= SAT_FIELD_MAX) {
        int seen = 0;
        const char *q = it->tags.data;
        size_t vn = strlen(v);
        while (q != NULL && *q != '\0') {
            const char *e = strchr(q, ',');
            size_t qn = e != NULL ? (size_t)(e - q) : strlen(q);
            if (qn == vn && memcmp(q, v, vn) == 0)
                seen = 1;
            q = e != NULL ? e + 1 : NULL;
        }
        if (!seen && ((it->tags.len > 0 && sat_buf_append(&it->tags, ",", 1) != 0) ||
                      sat_buf_puts(&it->tags, v) != 0))
            rc = -1;
    }
    free(v);
done:
    sat_buf_free(&raw);
    return rc;
}

/* One pass over an RSS <item>'s children. */
int feed_scan_rss(feed_item *it)
{
    const xmlNode *c;

    for (c = it->node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (feed_is_el(c, NULL, "title") || feed_is_el(c, NS_RSS1, "title")) {
            if (it->title == NULL)
                it->title = c;
        } else if (feed_is_el(c, NULL, "link") || feed_is_el(c, NS_RSS1, "link")) {
            if (it->link == NULL)
                it->link = c;
        } else if (feed_is_el(c, NULL, "guid")) {
            if (it->guid == NULL)
                it->guid = c;
        } else if (feed_is_el(c, NULL, "pubDate")) {
            if (it->date == NULL)
                it->date = c;
        } else if (feed_is_el(c, NS_DC, "date")) {
            if (it->date2 == NULL)
                it->date2 = c;
        } else if (feed_is_el(c, NS_DC, "language")) {
            if (it->lang == NULL)
                it->lang = c;
        } else if (feed_is_el(c, NS_CONTENT, "encoded")) {
            if (it->body == NULL)
                it->body = c;
        } else if (feed_is_el(c, NULL, "description") || feed_is_el(c, NS_RSS1, "description")) {
            if (it->body2 == NULL)
                it->body2 = c;
        } else if (feed_is_el(c, NS_DC, "creator")) {
            if (add_author(it, c) != 0)
                return -1;
        } else if (feed_is_el(c, NULL, "category") || feed_is_el(c, NS_DC, "subject")) {
            if (add_tag(it, c, NULL) != 0)
                return -1;
        }
    }
    /* <author> (an e-mail address) only when there is no dc:creator */
    if (it->authors.len == 0)
        for (c = it->node->children; c != NULL; c = c->next)
            if (feed_is_el(c, NULL, "author") && add_author(it, c) != 0)
                return -1;
    it->body_type1 = FEED_HTML;
    it->body_type2 = FEED_HTML;
    it->title_type = FEED_HTML;
    return 0;
}

/* Adds the <name> of each Atom <author> child of n. */
static int atom_authors(feed_item *it, const xmlNode *n)
{
    const xmlNode *c, *d;

    for (c = n->children; c != NULL; c = c->next)
        if (feed_is_el(c, NS_ATOM, "author"))
            for (d = c->children; d != NULL; d = d->next)
                if (feed_is_el(d, NS_ATOM, "name") && add_author(it, d) != 0)
                    return -1;
    return 0;
}

/* One pass over an Atom <entry>'s children. */
int feed_scan_atom(feed_item *it, const xmlNode *feed_el)
{
    const xmlNode *c;
    const xmlNode *alt = NULL, *any = NULL;
    int usable;

    for (c = it->node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (feed_is_el(c, NS_ATOM, "title")) {
            if (it->title == NULL) {
                it->title = c;
                it->title_type = atom_type(c, &usable);
            }
        } else if (feed_is_el(c, NS_ATOM, "link")) {
            const char *rel = attr(c, "rel");
            if (attr(c, "href") == NULL)
                continue;
            if (any == NULL)
                any = c;
            if (alt == NULL && (rel == NULL || strcmp(rel, "alternate") == 0))
                alt = c;
        } else if (feed_is_el(c, NS_ATOM, "id")) {
            if (it->guid == NULL)
                it->guid = c;
        } else if (feed_is_el(c, NS_ATOM, "published")) {
            if (it->date == NULL)
                it->date = c;
        } else if (feed_is_el(c, NS_ATOM, "updated")) {
            if (it->date2 == NULL)
                it->date2 = c;
        } else if (feed_is_el(c, NS_ATOM, "content")) {
            feed_body t = atom_type(c, &usable);
            if (it->body == NULL && usable && attr(c, "src") == NULL) {
                it->body = c;
                it->body_type1 = t;
            }
        } else if (feed_is_el(c, NS_ATOM, "summary")) {
            feed_body t = atom_type(c, &usable);
            if (it->body2 == NULL && usable) {
                it->body2 = c;
                it->body_type2 = t;
            }
        } else if (feed_is_el(c, NS_ATOM, "category")) {
            const char *term = attr(c, "term");
            if (term == NULL)
                term = attr(c, "label");
            if (term != NULL && add_tag(it, c, term) != 0)
                return -1;
        }
    }
    it->link = alt != NULL ? alt : any;
    if (atom_authors(it, it->node) != 0)
        return -1;
    if (it->authors.len == 0 && atom_authors(it, feed_el) != 0)
        return -1;
    return 0;
}

/* The item's link: RSS <link> text, Atom href resolved against xml:base. malloc'd or
 * NULL (none, or OOM: *oom set). */
char *feed_item_link(xmlDoc *xml, const feed_item *it, int *oom)
{
    char *v = NULL;

    *oom = 0;
    if (it->link == NULL)
        return NULL;
    if (!it->atom) {
        if (feed_field(it->link, 0, SIZE_MAX, &v) != 0)
            *oom = 1;
        return v;
    }
    {
        const char *href = attr(it->link, "href");
        xmlChar *base = NULL, *abs = NULL;
        v = pack_in_field(href, strlen(href));
        if (v == NULL) {
            *oom = 1;
            return NULL;
        }
        if (strstr(v, "://") == NULL && v[0] != '\0' &&
            (base = xmlNodeGetBase(xml, it->link)) != NULL &&
            (abs = xmlBuildURI((const xmlChar *)v, base)) != NULL) {
            char *r = pack_in_field((const char *)abs, strlen((const char *)abs));
            if (r == NULL)
                *oom = 1;
            free(v);
            v = r;
        }
        xmlFree(base);
        xmlFree(abs);
    }
    if (v != NULL && v[0] == '\0') {
        free(v);
        v = NULL;
    }
    return v;
}
