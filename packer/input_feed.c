/*
 * input_feed.c - RSS 2.0 (also 0.9x and RSS 1.0 / RDF) and Atom feed files saved to
 * disk: every item becomes an article. The XML is parsed with libxml2 without network
 * access, without entity substitution and without loading any DTD (no XXE, no billion
 * laughs); item HTML goes through pack_html_fragment. Rules in docs/INPUT.md, "Feeds".
 */
#include "input_common.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <sodium.h>

#include "sat_meta.h"

/* Most items read from one feed; later items are left out with one skip record. */
#define FEED_ITEMS_MAX 10000
/* Longest title made from the start of the text when an item has none (bytes). */
#define FEED_TITLE_FROM_TEXT 80
/* Longest date text looked at. */
#define FEED_DATE_MAX 64

#define NS_ATOM "http://www.w3.org/2005/Atom"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_RSS1 "http://purl.org/rss/1.0/"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_XHTML "http://www.w3.org/1999/xhtml"

/* How an item's text is written. */
typedef enum body_type {
    BODY_HTML = 0, /* escaped or CDATA HTML (RSS, Atom type="html") */
    BODY_TEXT,     /* plain text (Atom type="text" or absent) */
    BODY_XHTML     /* inline XHTML elements (Atom type="xhtml") */
} body_type;

/* The feed being read. */
typedef struct feed {
    const char *relpath;
    xmlDoc *xml;
    pack_media_fn fn;
    void *fn_ctx;
    char *id_base;      /* pack_id_from_path(relpath, 0), cut to leave room for "-xxxxxxxx" */
    char *title;        /* channel / feed title (source of items without a link) */
    char *lang;         /* RSS channel language (normalised), NULL when none */
    const xmlNode *feed_authors; /* Atom: the <feed> element, whose authors are the default */
    pack_doc *docs;
    size_t n_docs, cap_docs;
    pack_skip *skips;
    size_t n_skips, cap_skips;
    /* ids taken so far: open addressing on the 32-bit hash prefix */
    struct feed_slot {
        uint32_t used;    /* 0 = empty, else item number */
        uint32_t prefix;
        unsigned char key[crypto_generichash_BYTES]; /* hash of the item's key */
    } *slots;
    size_t n_slots; /* power of two */
    sat_err *err;
} feed;

/* What one item holds, found in one pass over its children. */
typedef struct item {
    size_t no;   /* 1-based item number */
    long line;   /* line of the <item> / <entry> */
    const xmlNode *node;
    const xmlNode *title, *link, *guid, *date, *date2, *lang, *body, *body2;
    body_type title_type, body_type1, body_type2;
    sat_buf authors; /* "a, b" */
    sat_buf tags;    /* "a,b" */
    int atom;
} item;

/* ------------------------------------------------------------------------
 * Small helpers: names, text of nodes, fields
 * ------------------------------------------------------------------------ */

static int nomem(feed *f)
{
    return sat_err_set(f->err, SAT_E_NOMEM, "%s: out of memory", f->relpath);
}

/* 1 if node is an element named name in namespace ns (NULL: no namespace). */
static int is_el(const xmlNode *n, const char *ns, const char *name)
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
static int node_text(const xmlNode *node, sat_buf *b)
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
static int is_ws(const char *s)
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
static int node_html(xmlDoc *doc, const xmlNode *node, sat_buf *b)
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
static void cut_utf8(char *s, size_t max)
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
static int field_of(const xmlNode *node, int html, size_t max, char **out)
{
    sat_buf raw = {0}, txt = {0};
    char *v = NULL;
    int rc = -1;

    *out = NULL;
    if (node_text(node, &raw) != 0 || sat_buf_append(&raw, "", 0) != 0)
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
    cut_utf8(v, max);
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

/* Normalises a language tag in place: '_' to '-', the language subtag in lower case, a
 * 2-letter region in upper case, a 4-letter script in title case, others lower case.
 * Returns 0, or -1 when the result is not a valid tag. */
static int lang_norm(char *s)
{
    size_t i, start = 0, n = strlen(s);
    int first = 1;

    for (i = 0; i <= n; i++) {
        if (i < n && s[i] == '_')
            s[i] = '-';
        if (i < n && s[i] != '-')
            continue;
        {
            size_t k, len = i - start;
            for (k = start; k < i; k++) {
                char c = s[k];
                int up = !first && (len == 2 || (len == 4 && k == start));
                if (up && c >= 'a' && c <= 'z')
                    s[k] = (char)(c - 32);
                else if (!up && c >= 'A' && c <= 'Z')
                    s[k] = (char)(c + 32);
            }
        }
        first = 0;
        start = i + 1;
    }
    return sat_lang_valid(s, n) ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

/* Normalises an RSS (RFC 822) or Atom (RFC 3339) date into out. Fractions of a second
 * and lower-case 't'/'z' of RFC 3339 are accepted. Returns 0 or -1. */
static int date_of(const char *s, char out[21])
{
    char tmp[FEED_DATE_MAX + 1];
    size_t n = strlen(s), i, o = 0;

    if (n > FEED_DATE_MAX)
        return -1;
    for (i = 0; i < n; i++) {
        char c = s[i];
        /* "YYYY-MM-DDThh:mm:ss.fff...": drop the fraction */
        if (c == '.' && i == 19 && o == 19 && s[4] == '-') {
            while (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
                i++;
            continue;
        }
        if (i == 10 && s[4] == '-' && (c == 't' || c == ' '))
            c = 'T';
        if (c == 'z' && i + 1 == n && s[4] == '-')
            c = 'Z';
        tmp[o++] = c;
    }
    tmp[o] = '\0';
    return pack_in_date_norm(tmp, o, out);
}

/* ------------------------------------------------------------------------
 * Collecting results: docs, skips, ids
 * ------------------------------------------------------------------------ */

/* Records that item no (0: the feed as a whole) was left out; reason is copied. */
static int add_skip(feed *f, size_t no, const char *reason)
{
    pack_skip *s;

    if (f->n_skips == f->cap_skips) {
        size_t cap = f->cap_skips ? f->cap_skips * 2 : 8;
        pack_skip *p = realloc(f->skips, cap * sizeof *p);
        if (p == NULL)
            return nomem(f);
        f->skips = p;
        f->cap_skips = cap;
    }
    s = &f->skips[f->n_skips];
    s->relpath = no > 0 ? NULL : strdup(f->relpath);
    if (no > 0) {
        sat_buf b = {0};
        if (sat_buf_printf(&b, "%s#%zu", f->relpath, no) == 0)
            s->relpath = b.data;
        else
            sat_buf_free(&b);
    }
    s->reason = strdup(reason);
    if (s->relpath == NULL || s->reason == NULL) {
        free(s->relpath);
        free(s->reason);
        return nomem(f);
    }
    f->n_skips++;
    return 0;
}

/* Finds a free id for the item whose key hashes to h (BLAKE2b-256 of the key). The id
 * is the first 4 bytes as 8 hex digits; when another key took them, the hash is taken
 * again over the key and "#1", "#2", ... (see docs/INPUT.md). Sets *dup to the item
 * number holding the same key, else 0. Returns 0 or -1 (crypto failure). */
static int id_claim(feed *f, const char *key, size_t key_n, size_t no, char hex[9],
                    size_t *dup)
{
    unsigned char h[crypto_generichash_BYTES];
    unsigned salt = 0;

    *dup = 0;
    if (crypto_generichash(h, sizeof h, (const unsigned char *)key, key_n, NULL, 0) != 0)
        return -1;
    for (;;) {
        unsigned char h2[crypto_generichash_BYTES];
        uint32_t prefix;
        size_t i;
        const unsigned char *use = h;

        if (salt > 0) {
            crypto_generichash_state st;
            char sfx[16];
            int k = snprintf(sfx, sizeof sfx, "#%u", salt);
            if (crypto_generichash_init(&st, NULL, 0, sizeof h2) != 0 ||
                crypto_generichash_update(&st, (const unsigned char *)key, key_n) != 0 ||
                crypto_generichash_update(&st, (const unsigned char *)sfx, (size_t)k) != 0 ||
                crypto_generichash_final(&st, h2, sizeof h2) != 0)
                return -1;
            use = h2;
        }
        prefix = (uint32_t)use[0] << 24 | (uint32_t)use[1] << 16 | (uint32_t)use[2] << 8 | use[3];
        for (i = prefix & (f->n_slots - 1);; i = (i + 1) & (f->n_slots - 1)) {
            struct feed_slot *sl = &f->slots[i];
            if (sl->used == 0) {
                sl->used = (uint32_t)no;
                sl->prefix = prefix;
                memcpy(sl->key, h, sizeof h);
                snprintf(hex, 9, "%08x", (unsigned)prefix);
                return 0;
            }
            if (memcmp(sl->key, h, sizeof h) == 0 && salt == 0) {
                *dup = sl->used;
                return 0;
            }
            if (sl->prefix == prefix)
                break; /* another key has these 8 hex digits: salt and try again */
        }
        salt++;
    }
}

/* ------------------------------------------------------------------------
 * One item
 * ------------------------------------------------------------------------ */

static body_type atom_type(const xmlNode *n, int *usable)
{
    const char *t = attr(n, "type");

    *usable = 1;
    if (t == NULL || ascii_ieq(t, "text") || ascii_ieq(t, "text/plain"))
        return BODY_TEXT;
    if (ascii_ieq(t, "html") || ascii_ieq(t, "text/html"))
        return BODY_HTML;
    if (ascii_ieq(t, "xhtml") || ascii_ieq(t, "application/xhtml+xml"))
        return BODY_XHTML;
    *usable = 0; /* another media type (an image, base64 data): not text */
    return BODY_TEXT;
}

/* Appends one author name to it->authors ("a, b"), skipping repeats. */
static int add_author(item *it, const xmlNode *n)
{
    char *v = NULL;
    char *name;
    size_t len;
    int rc = 0;

    if (field_of(n, 0, SAT_FIELD_MAX, &v) != 0)
        return -1;
    if (v == NULL)
        return 0;
    name = v;
    /* RSS <author>: "kim@example.org (Kim Minji)" -> "Kim Minji" */
    len = strlen(v);
    if (is_el(n, NULL, "author") && len > 2 && v[len - 1] == ')' && strchr(v, '(') != NULL) {
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
static int add_tag(item *it, const xmlNode *n, const char *term)
{
    sat_buf raw = {0};
    char *v, *p;
    int rc = -1;

    if (term != NULL ? sat_buf_puts(&raw, term) != 0 : node_text(n, &raw) != 0)
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
static int scan_rss_item(item *it)
{
    const xmlNode *c;

    for (c = it->node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, NULL, "title") || is_el(c, NS_RSS1, "title")) {
            if (it->title == NULL)
                it->title = c;
        } else if (is_el(c, NULL, "link") || is_el(c, NS_RSS1, "link")) {
            if (it->link == NULL)
                it->link = c;
        } else if (is_el(c, NULL, "guid")) {
            if (it->guid == NULL)
                it->guid = c;
        } else if (is_el(c, NULL, "pubDate")) {
            if (it->date == NULL)
                it->date = c;
        } else if (is_el(c, NS_DC, "date")) {
            if (it->date2 == NULL)
                it->date2 = c;
        } else if (is_el(c, NS_DC, "language")) {
            if (it->lang == NULL)
                it->lang = c;
        } else if (is_el(c, NS_CONTENT, "encoded")) {
            if (it->body == NULL)
                it->body = c;
        } else if (is_el(c, NULL, "description") || is_el(c, NS_RSS1, "description")) {
            if (it->body2 == NULL)
                it->body2 = c;
        } else if (is_el(c, NS_DC, "creator")) {
            if (add_author(it, c) != 0)
                return -1;
        } else if (is_el(c, NULL, "category") || is_el(c, NS_DC, "subject")) {
            if (add_tag(it, c, NULL) != 0)
                return -1;
        }
    }
    /* <author> (an e-mail address) only when there is no dc:creator */
    if (it->authors.len == 0)
        for (c = it->node->children; c != NULL; c = c->next)
            if (is_el(c, NULL, "author") && add_author(it, c) != 0)
                return -1;
    it->body_type1 = BODY_HTML;
    it->body_type2 = BODY_HTML;
    it->title_type = BODY_HTML;
    return 0;
}

/* Adds the <name> of each Atom <author> child of n. */
static int atom_authors(item *it, const xmlNode *n)
{
    const xmlNode *c, *d;

    for (c = n->children; c != NULL; c = c->next)
        if (is_el(c, NS_ATOM, "author"))
            for (d = c->children; d != NULL; d = d->next)
                if (is_el(d, NS_ATOM, "name") && add_author(it, d) != 0)
                    return -1;
    return 0;
}

/* One pass over an Atom <entry>'s children. */
static int scan_atom_entry(item *it, const xmlNode *feed_el)
{
    const xmlNode *c;
    const xmlNode *alt = NULL, *any = NULL;
    int usable;

    for (c = it->node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(c, NS_ATOM, "title")) {
            if (it->title == NULL) {
                it->title = c;
                it->title_type = atom_type(c, &usable);
            }
        } else if (is_el(c, NS_ATOM, "link")) {
            const char *rel = attr(c, "rel");
            if (attr(c, "href") == NULL)
                continue;
            if (any == NULL)
                any = c;
            if (alt == NULL && (rel == NULL || strcmp(rel, "alternate") == 0))
                alt = c;
        } else if (is_el(c, NS_ATOM, "id")) {
            if (it->guid == NULL)
                it->guid = c;
        } else if (is_el(c, NS_ATOM, "published")) {
            if (it->date == NULL)
                it->date = c;
        } else if (is_el(c, NS_ATOM, "updated")) {
            if (it->date2 == NULL)
                it->date2 = c;
        } else if (is_el(c, NS_ATOM, "content")) {
            body_type t = atom_type(c, &usable);
            if (it->body == NULL && usable && attr(c, "src") == NULL) {
                it->body = c;
                it->body_type1 = t;
            }
        } else if (is_el(c, NS_ATOM, "summary")) {
            body_type t = atom_type(c, &usable);
            if (it->body2 == NULL && usable) {
                it->body2 = c;
                it->body_type2 = t;
            }
        } else if (is_el(c, NS_ATOM, "category")) {
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
static char *item_link(const feed *f, const item *it, int *oom)
{
    char *v = NULL;

    *oom = 0;
    if (it->link == NULL)
        return NULL;
    if (!it->atom) {
        if (field_of(it->link, 0, SIZE_MAX, &v) != 0)
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
            (base = xmlNodeGetBase(f->xml, it->link)) != NULL &&
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

/* Appends plain text as paragraphs (blank lines separate them; lines are joined). */
static int text_to_gem(const char *s, size_t n, pack_gem *g)
{
    pack_in_lines lines;
    const char *line;
    size_t len;
    sat_buf para = {0};
    int rc = 0;

    pack_in_lines_init(&lines, s, n);
    for (;;) {
        int more = pack_in_lines_next(&lines, &line, &len);
        if (!more || pack_in_is_blank(line, len)) {
            if (para.len > 0 && pack_gem_add(g, PACK_GEM_PARA, para.data, para.len) != 0)
                rc = -1;
            para.len = 0;
            if (!more || rc != 0)
                break;
            continue;
        }
        if ((para.len > 0 && sat_buf_append(&para, " ", 1) != 0) ||
            sat_buf_append(&para, line, len) != 0) {
            rc = -1;
            break;
        }
    }
    sat_buf_free(&para);
    return rc;
}

/* Converts one body element into g. Returns 0, SAT_E_NOMEM or the converter's error
 * (in err). */
static int body_to_gem(feed *f, const xmlNode *n, body_type t, pack_gem *g, sat_err *err)
{
    sat_buf src = {0};
    int rc = 0;
    const xmlNode *from = n;

    if (t == BODY_XHTML) {
        /* Atom: the content is one xhtml:div, which is the container, not the text */
        const xmlNode *c, *div = NULL;
        int others = 0;
        for (c = n->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && div == NULL && is_el(c, NS_XHTML, "div"))
                div = c;
            else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE ||
                     ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                      c->content != NULL && !is_ws((const char *)c->content)))
                others = 1;
        }
        if (div != NULL && !others)
            from = div;
    }
    if (t == BODY_TEXT ? node_text(from, &src) != 0 : node_html(f->xml, from, &src) != 0)
        goto oom;
    if (sat_buf_append(&src, "", 0) != 0)
        goto oom;
    if (is_ws(src.data))
        goto done;
    if (t == BODY_TEXT) {
        if (text_to_gem(src.data, src.len, g) != 0)
            goto oom;
        goto done;
    }
    {
        sat_buf w = {0};
        if (sat_buf_printf(&w, "%s:%ld", f->relpath, xmlGetLineNo(n)) != 0)
            goto oom;
        rc = pack_html_fragment(w.data, f->relpath, src.data, src.len, f->fn, f->fn_ctx, g, err);
        sat_buf_free(&w);
    }
    goto done;
oom:
    rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", f->relpath);
done:
    sat_buf_free(&src);
    return rc;
}

/* A title made from the first text line of the body, cut to FEED_TITLE_FROM_TEXT bytes
 * at a space when there is one (then "..."). NULL when the body has no text line. */
static char *title_from_body(const pack_gem *g, int *oom)
{
    const char *p = g->out.data, *end = g->out.data + g->out.len;
    int in_pre = 0;

    *oom = 0;
    while (p != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        const char *s = p;
        p = nl != NULL ? nl + 1 : end;
        if (n >= 3 && memcmp(s, "```", 3) == 0) {
            in_pre = !in_pre;
            continue;
        }
        if (in_pre || n == 0 || (n >= 2 && memcmp(s, "=>", 2) == 0))
            continue;
        while (n > 0 && (*s == '#' || *s == '*' || *s == '>' || *s == ' ')) {
            s++;
            n--;
        }
        if (n == 0)
            continue;
        {
            char *t = pack_in_field(s, n);
            size_t len;
            if (t == NULL) {
                *oom = 1;
                return NULL;
            }
            len = strlen(t);
            if (len > FEED_TITLE_FROM_TEXT) {
                char *sp;
                char *r;
                cut_utf8(t, FEED_TITLE_FROM_TEXT);
                sp = strrchr(t, ' ');
                if (sp != NULL && sp - t > FEED_TITLE_FROM_TEXT / 2)
                    *sp = '\0';
                r = malloc(strlen(t) + 4);
                if (r == NULL) {
                    free(t);
                    *oom = 1;
                    return NULL;
                }
                memcpy(r, t, strlen(t));
                memcpy(r + strlen(t), "...", 4);
                free(t);
                t = r;
            }
            return t;
        }
    }
    return NULL;
}

/* Records the reason an item is left out: "relpath:LINE: item N: <message>". */
static int skip_item(feed *f, const item *it, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int skip_item(feed *f, const item *it, const char *fmt, ...)
{
    char msg[SAT_ERR_MSG_MAX];
    sat_buf r = {0};
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sat_buf_printf(&r, "%s:%ld: item %zu: %s", f->relpath, it->line, it->no, msg) != 0) {
        sat_buf_free(&r);
        return nomem(f);
    }
    rc = add_skip(f, it->no, r.data);
    sat_buf_free(&r);
    return rc;
}

/* Reads one item into f->docs, or records why it is left out. Returns 0, or a fatal
 * SAT_E_NOMEM / SAT_E_CRYPTO with f->err set. */
static int read_item(feed *f, item *it, const xmlNode *feed_el)
{
    pack_doc doc;
    pack_gem gem = {0};
    sat_err e = {0};
    sat_buf key = {0};
    sat_buf rel = {0};
    char *link = NULL, *guid = NULL, *datetext = NULL;
    char date[21] = "";
    char hex[9];
    size_t dup = 0;
    int oom = 0;
    int rc = 0;
    const xmlNode *dnode;

    memset(&doc, 0, sizeof doc);
    if ((it->atom ? scan_atom_entry(it, feed_el) : scan_rss_item(it)) != 0)
        goto oom;
    /* metadata */
    if (it->title != NULL &&
        field_of(it->title, it->title_type != BODY_TEXT, SAT_TITLE_MAX, &doc.meta.title) != 0)
        goto oom;
    link = item_link(f, it, &oom);
    if (oom)
        goto oom;
    if (it->guid != NULL && field_of(it->guid, 0, SIZE_MAX, &guid) != 0)
        goto oom;
    dnode = it->date != NULL ? it->date : it->date2;
    if (dnode != NULL) {
        if (field_of(dnode, 0, FEED_DATE_MAX + 1, &datetext) != 0)
            goto oom;
        if (datetext != NULL && date_of(datetext, date) != 0) {
            rc = skip_item(f, it,
                           "date '%s' is not an RFC 822 date (Tue, 03 Nov 2026 15:30:00 +0900) "
                           "or YYYY-MM-DDThh:mm:ssZ",
                           datetext);
            goto done;
        }
    }
    if (date[0] != '\0' && (doc.meta.date = strdup(date)) == NULL)
        goto oom;
    if (it->atom) {
        xmlChar *l = xmlNodeGetLang(it->body != NULL ? it->body : it->node);
        if (l != NULL) {
            doc.meta.lang = strdup((const char *)l);
            xmlFree(l);
            if (doc.meta.lang == NULL)
                goto oom;
        }
    } else if (it->lang != NULL) {
        if (field_of(it->lang, 0, SAT_LANG_MAX + 1, &doc.meta.lang) != 0)
            goto oom;
    } else if (f->lang != NULL && (doc.meta.lang = strdup(f->lang)) == NULL) {
        goto oom;
    }
    if (doc.meta.lang != NULL && doc.meta.lang[0] == '\0') {
        free(doc.meta.lang);
        doc.meta.lang = NULL;
    }
    if (doc.meta.lang != NULL && lang_norm(doc.meta.lang) != 0) {
        rc = skip_item(f, it, "language '%s' is not a language tag such as 'en' or 'ko'",
                       doc.meta.lang);
        goto done;
    }
    if (it->authors.len > 0 && (doc.meta.author = strdup(it->authors.data)) == NULL)
        goto oom;
    if (it->tags.len > 0 && (doc.meta.tags = strdup(it->tags.data)) == NULL)
        goto oom;
    if (link != NULL && strlen(link) <= SAT_FIELD_MAX) {
        if ((doc.meta.source = strdup(link)) == NULL)
            goto oom;
    } else if (f->title != NULL && (doc.meta.source = strdup(f->title)) == NULL) {
        goto oom;
    }
    /* text: content:encoded / content, else description / summary */
    if (it->body != NULL) {
        rc = body_to_gem(f, it->body, it->body_type1, &gem, &e);
        if (rc == 0 && gem.out.len == 0 && it->body2 != NULL)
            rc = body_to_gem(f, it->body2, it->body_type2, &gem, &e);
    } else if (it->body2 != NULL) {
        rc = body_to_gem(f, it->body2, it->body_type2, &gem, &e);
    }
    if (rc == SAT_E_NOMEM)
        goto oom;
    if (rc != 0) {
        rc = skip_item(f, it, "%s", e.msg);
        goto done;
    }
    if (gem.out.len == 0) {
        rc = skip_item(f, it, "no text besides the title%s",
                       link != NULL ? " (the feed has only the link: save the page itself as "
                                      "an HTML file)"
                                    : "");
        goto done;
    }
    if (doc.meta.title == NULL) {
        doc.meta.title = title_from_body(&gem, &oom);
        if (oom)
            goto oom;
    }
    /* id: the feed's id and 8 hex digits of the hash of guid / id, link, title + date */
    if (guid != NULL)
        rc = sat_buf_puts(&key, guid);
    else if (link != NULL)
        rc = sat_buf_puts(&key, link);
    else
        rc = sat_buf_printf(&key, "%s\n%s", doc.meta.title, date);
    if (rc != 0)
        goto oom;
    if (id_claim(f, key.data, key.len, it->no, hex, &dup) != 0) {
        rc = sat_err_set(f->err, SAT_E_CRYPTO, "%s: hashing failed", f->relpath);
        goto done;
    }
    if (dup != 0) {
        rc = skip_item(f, it, "same %s as item %zu, left out",
                       guid != NULL ? "guid" : link != NULL ? "link" : "title and date", dup);
        goto done;
    }
    if (sat_buf_printf(&rel, "%s-%s", f->id_base, hex) != 0)
        goto oom;
    doc.meta.id = rel.data;
    memset(&rel, 0, sizeof rel);
    if (sat_buf_printf(&rel, "%s#%zu", f->relpath, it->no) != 0)
        goto oom;
    doc.url = link;
    link = NULL;
    if (f->n_docs == f->cap_docs) {
        size_t cap = f->cap_docs ? f->cap_docs * 2 : 8;
        pack_doc *p = realloc(f->docs, cap * sizeof *p);
        if (p == NULL)
            goto oom;
        f->docs = p;
        f->cap_docs = cap;
    }
    rc = pack_in_doc_finish(&doc, rel.data, SAT_KIND_ARTICLE, &gem, &e);
    if (rc == SAT_E_NOMEM)
        goto oom;
    if (rc != 0) {
        /* pack_in_doc_finish names "relpath#N: ..."; say it the way the others do */
        const char *msg = e.msg;
        if (strncmp(msg, rel.data, rel.len) == 0 && msg[rel.len] == ':')
            msg += rel.len + 1 + (msg[rel.len + 1] == ' ');
        rc = skip_item(f, it, "%s", msg);
        goto done;
    }
    f->docs[f->n_docs++] = doc;
    memset(&doc, 0, sizeof doc);
    goto done;
oom:
    rc = nomem(f);
done:
    pack_doc_free(&doc);
    pack_gem_free(&gem);
    sat_buf_free(&key);
    sat_buf_free(&rel);
    free(link);
    free(guid);
    free(datetext);
    return rc;
}

/* ------------------------------------------------------------------------
 * The feed
 * ------------------------------------------------------------------------ */

/* Parses the prepared text; on malformed XML sets "relpath:LINE: malformed XML: ...". */
static int parse_xml(feed *f, const char *text, size_t len)
{
    xmlParserCtxt *ctxt;
    /* NONET: no network; no NOENT: entities are not substituted; no DTDLOAD/DTDATTR:
     * no external DTD or entity is ever read; no HUGE: libxml2's size and depth limits
     * stay on; IGNORE_ENC: the text is UTF-8 already, whatever the declaration says */
    const int opts = XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR |
                     XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;

    if (len > (size_t)INT32_MAX)
        return sat_err_set(f->err, SAT_E_LIMIT, "%s: file too large", f->relpath);
    xmlInitParser();
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        return nomem(f);
    f->xml = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8", opts);
    if (f->xml == NULL) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        int rc;
        if (e != NULL && e->code == XML_ERR_NO_MEMORY) {
            rc = nomem(f);
        } else if (e != NULL && e->message != NULL) {
            size_t n = strlen(e->message);
            while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
                n--;
            rc = sat_err_set(f->err, SAT_E_FORMAT, "%s:%d: malformed XML: %.*s", f->relpath,
                             e->line > 0 ? e->line : 1, (int)n, e->message);
        } else {
            rc = sat_err_set(f->err, SAT_E_FORMAT, "%s:1: malformed XML", f->relpath);
        }
        xmlFreeParserCtxt(ctxt);
        return rc;
    }
    xmlFreeParserCtxt(ctxt);
    return 0;
}

/* Finds the element holding the items (RSS <channel>, RDF root, Atom <feed>) and the
 * feed-wide title and language. */
static int find_items(feed *f, const xmlNode *root, const xmlNode **holder, int *atom)
{
    const xmlNode *c, *chan = NULL;

    *atom = 0;
    if (is_el(root, NS_ATOM, "feed")) {
        *atom = 1;
        *holder = root;
        chan = root;
    } else if (is_el(root, NULL, "rss") || is_el(root, NS_RDF, "RDF")) {
        for (c = root->children; c != NULL && chan == NULL; c = c->next)
            if (is_el(c, NULL, "channel") || is_el(c, NS_RSS1, "channel"))
                chan = c;
        if (chan == NULL)
            return sat_err_set(f->err, SAT_E_FORMAT, "%s:%ld: <%s> has no <channel>",
                               f->relpath, xmlGetLineNo(root), (const char *)root->name);
        /* RSS 2.0: items inside <channel>; RSS 1.0: beside it */
        *holder = is_el(root, NULL, "rss") ? chan : root;
    } else {
        return sat_err_set(f->err, SAT_E_FORMAT,
                           "%s:%ld: not an RSS or Atom feed (the root element is <%s>, expected "
                           "<rss> or Atom <feed>)",
                           f->relpath, xmlGetLineNo(root), (const char *)root->name);
    }
    for (c = chan->children; c != NULL; c = c->next) {
        if (f->title == NULL && (is_el(c, NULL, "title") || is_el(c, NS_RSS1, "title") ||
                                 is_el(c, NS_ATOM, "title"))) {
            if (field_of(c, !*atom, SAT_FIELD_MAX, &f->title) != 0)
                return nomem(f);
        } else if (f->lang == NULL && !*atom &&
                   (is_el(c, NULL, "language") || is_el(c, NS_DC, "language"))) {
            if (field_of(c, 0, SAT_LANG_MAX + 1, &f->lang) != 0)
                return nomem(f);
            if (f->lang != NULL && lang_norm(f->lang) != 0)
                return sat_err_set(f->err, SAT_E_FORMAT,
                                   "%s:%ld: language '%s' is not a language tag such as 'en' "
                                   "or 'ko'",
                                   f->relpath, xmlGetLineNo(c), f->lang);
        }
    }
    return 0;
}

static int is_item(const xmlNode *n, int atom)
{
    return atom ? is_el(n, NS_ATOM, "entry") : (is_el(n, NULL, "item") || is_el(n, NS_RSS1, "item"));
}

int pack_feed_parse(const char *relpath, const char *utf8, size_t len, pack_media_fn fn,
                    void *ctx, pack_doc **docs, size_t *n_docs, pack_skip **skips,
                    size_t *n_skips, sat_err *err)
{
    feed f;
    sat_buf text = {0};
    const xmlNode *root, *holder = NULL, *c;
    size_t count = 0, no = 0, i;
    int atom = 0;
    int rc;

    memset(&f, 0, sizeof f);
    f.relpath = relpath;
    f.fn = fn;
    f.fn_ctx = ctx;
    f.err = err;
    *docs = NULL;
    *n_docs = 0;
    if (skips != NULL)
        *skips = NULL;
    if (n_skips != NULL)
        *n_skips = 0;

    /* UTF-8 check, BOM, line ends, control characters (a stray one breaks XML) */
    rc = pack_in_prepare(relpath, utf8, len, &text, err);
    if (rc != 0)
        goto done;
    f.id_base = pack_id_from_path(relpath, 0);
    if (f.id_base == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: cannot make an id from this file name; rename the file", relpath);
        goto done;
    }
    f.id_base[strlen(f.id_base) > SAT_ID_MAX - 9 ? SAT_ID_MAX - 9 : strlen(f.id_base)] = '\0';
    rc = parse_xml(&f, text.data, text.len);
    if (rc != 0)
        goto done;
    root = xmlDocGetRootElement(f.xml);
    if (root == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s:1: malformed XML: no root element", relpath);
        goto done;
    }
    rc = find_items(&f, root, &holder, &atom);
    if (rc != 0)
        goto done;
    for (c = holder->children; c != NULL; c = c->next)
        if (is_item(c, atom))
            count++;
    if (count == 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s:%ld: the feed has no %s", relpath,
                         xmlGetLineNo(holder), atom ? "<entry>" : "<item>");
        goto done;
    }
    for (f.n_slots = 16; f.n_slots < 2 * count && f.n_slots < 4 * FEED_ITEMS_MAX;)
        f.n_slots *= 2;
    f.slots = calloc(f.n_slots, sizeof *f.slots);
    if (f.slots == NULL) {
        rc = nomem(&f);
        goto done;
    }
    for (c = holder->children; c != NULL && no < FEED_ITEMS_MAX; c = c->next) {
        item it;
        if (!is_item(c, atom))
            continue;
        memset(&it, 0, sizeof it);
        it.no = ++no;
        it.node = c;
        it.line = xmlGetLineNo(c);
        it.atom = atom;
        rc = read_item(&f, &it, holder);
        sat_buf_free(&it.authors);
        sat_buf_free(&it.tags);
        if (rc != 0)
            goto done;
    }
    if (count > FEED_ITEMS_MAX) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "%s: the feed has %zu items; only the first %d are read (split the feed)",
                 relpath, count, FEED_ITEMS_MAX);
        rc = add_skip(&f, 0, msg);
        if (rc != 0)
            goto done;
    }
    if (f.n_docs == 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: no usable item in the feed (%zu left out; "
                         "first: %s)", relpath, f.n_skips, f.skips[0].reason);
        goto done;
    }
    *docs = f.docs;
    *n_docs = f.n_docs;
    f.docs = NULL;
    f.n_docs = 0;
    if (skips != NULL) {
        *skips = f.skips;
        *n_skips = f.n_skips;
        f.skips = NULL;
        f.n_skips = 0;
    }
    rc = 0;
done:
    for (i = 0; i < f.n_docs; i++)
        pack_doc_free(&f.docs[i]);
    free(f.docs);
    for (i = 0; i < f.n_skips; i++) {
        free(f.skips[i].relpath);
        free(f.skips[i].reason);
    }
    free(f.skips);
    free(f.slots);
    free(f.id_base);
    free(f.title);
    free(f.lang);
    xmlFreeDoc(f.xml);
    sat_buf_free(&text);
    return rc;
}
