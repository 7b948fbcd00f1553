/*
 * input_html_tree.c - reading HTML with libxml2 and the tree helpers shared by the
 * converter (input_html.c) and the page reader (input_html_page.c): the bounded
 * iterative walk, attributes, what is dropped as page furniture, and text collection.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "input_common.h"
#include "input_html.h"
#include "sat_text.h"

/* ------------------------------------------------------------------------
 * Parsing and walking
 * ------------------------------------------------------------------------ */

/* 1 if s[0..n) holds only ASCII whitespace. */
static int all_space(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\f')
            return 0;
    return 1;
}

/* Number of '<' in s[0..n), counting no further than HTML_TAGS_MAX + 1. */
static size_t count_tags(const char *s, size_t n)
{
    size_t count = 0;
    const char *p = s, *end = s + n;

    while (p < end && count <= HTML_TAGS_MAX) {
        p = memchr(p, '<', (size_t)(end - p));
        if (p == NULL)
            break;
        count++;
        p++;
    }
    return count;
}

int html_read(const char *where, const char *utf8, size_t len, xmlDoc **out, sat_err *err)
{
    htmlParserCtxtPtr ctxt = NULL;
    sat_buf text = {0};
    xmlErrorPtr e;
    char why[160];
    int rc;

    *out = NULL;
    rc = pack_in_prepare(where, utf8, len, &text, err);
    if (rc != 0 || all_space(text.data, text.len))
        goto cleanup; /* libxml2 makes no tree of empty input: the caller says "no text" */
    if (text.len > INT32_MAX || count_tags(text.data, text.len) > HTML_TAGS_MAX) {
        /* libxml2 builds the whole tree first: bound its memory (about 300 bytes a node) */
        rc = sat_err_set(err, SAT_E_LIMIT,
                         "%s: more than %d tags ('<'); no article needs that many: split the "
                         "page or remove what is not the article",
                         where, HTML_TAGS_MAX);
        goto cleanup;
    }
    xmlInitParser();
    ctxt = htmlNewParserCtxt();
    if (ctxt == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", where);
        goto cleanup;
    }
    /* the bytes are UTF-8 already: a <meta charset> left in the page must not make
     * libxml2 decode them again (HTML_PARSE_IGNORE_ENC); no network, no huge mode */
    *out =
        htmlCtxtReadMemory(ctxt, text.data, (int)text.len, NULL, "UTF-8",
                           HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                               HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
    e = xmlCtxtGetLastError(ctxt);
    if (*out != NULL && e != NULL && e->level == XML_ERR_FATAL) {
        /* libxml2 stopped part way (elements nested too deep): text would be lost */
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s:%d: libxml2 stopped reading the HTML here (elements nested more "
                         "than %d deep?); close the open tags or save the page again",
                         where, e->line > 0 ? e->line : 1, HTML_DEPTH_MAX);
        xmlFreeDoc(*out);
        *out = NULL;
    } else if (*out == NULL || xmlDocGetRootElement(*out) == NULL) {
        size_t k;
        snprintf(why, sizeof why, "%s",
                 e != NULL && e->message != NULL ? e->message : "no element found");
        k = strlen(why);
        while (k > 0 && (why[k - 1] == '\n' || why[k - 1] == ' '))
            why[--k] = '\0';
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s:%d: cannot read this as HTML (%s); open it in a browser and save "
                         "it again",
                         where, e != NULL && e->line > 0 ? e->line : 1, why);
        xmlFreeDoc(*out);
        *out = NULL;
    }
cleanup:
    if (ctxt != NULL)
        htmlFreeParserCtxt(ctxt);
    sat_buf_free(&text);
    return rc;
}

int html_walk(xmlNode *root, int depth0, html_visit_fn visit, void *ctx)
{
    xmlNode *n = root;
    int depth = depth0;
    int rc;

    for (;;) {
        rc = visit(ctx, n, 0, depth);
        if (rc < 0 || rc == HTML_STOP)
            return rc < 0 ? rc : 0;
        if (rc == HTML_DESCEND && n->children != NULL && depth < HTML_DEPTH_MAX) {
            n = n->children;
            depth++;
            continue;
        }
        for (;;) {
            rc = visit(ctx, n, 1, depth);
            if (rc < 0 || rc == HTML_STOP)
                return rc < 0 ? rc : 0;
            if (n == root)
                return 0;
            if (n->next != NULL) {
                n = n->next;
                break;
            }
            n = n->parent;
            depth--;
            if (n == NULL)
                return 0;
        }
    }
}

int html_is(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
           strcmp((const char *)n->name, name) == 0;
}

const char *html_attr(const xmlNode *n, const char *name)
{
    const xmlAttr *a;

    for (a = n->properties; a != NULL; a = a->next) {
        if (a->name != NULL && strcasecmp((const char *)a->name, name) == 0) {
            const xmlNode *t = a->children;
            if (t != NULL && t->type == XML_TEXT_NODE && t->next == NULL && t->content != NULL)
                return (const char *)t->content;
            return "";
        }
    }
    return NULL;
}

/* 1 if the space-separated list s holds word (ASCII case-insensitive). */
int html_has_word(const char *s, const char *word)
{
    size_t wn = strlen(word);

    while (s != NULL && *s != '\0') {
        size_t k = 0;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
            s++;
        while (s[k] != '\0' && s[k] != ' ' && s[k] != '\t' && s[k] != '\n' && s[k] != '\r' &&
               s[k] != '\f')
            k++;
        if (k == wn && strncasecmp(s, word, wn) == 0)
            return 1;
        s += k;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * What is dropped
 * ------------------------------------------------------------------------ */

static int tag_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int html_tag_in(const char *name, const char *const *sorted, size_t n)
{
    return bsearch(name, sorted, n, sizeof *sorted, tag_cmp) != NULL;
}

int html_name_in(const char *s, size_t n, const char *const *list)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++)
        if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
            return 1;
    return 0;
}

/* 1 if a class or id value holds a token (split at space, '-' and '_') that names
 * page furniture: "ad-slot", "share_buttons", "comments" (not "shadow", "header-lead"). */
static int names_noise(const char *v)
{
    static const char *const noise[] = {
        "ad",         "ads",         "advert",  "advertisement", "banner",    "promo",
        "sponsor",    "sponsored",   "share",   "sharing",       "social",    "related",
        "recommend",  "recommended", "comment", "comments",      "sidebar",   "menu",
        "breadcrumb", "breadcrumbs", "cookie",  "cookies",       "subscribe", "newsletter",
        "popup",      NULL};

    while (v != NULL && *v != '\0') {
        size_t k = 0;
        while (*v == ' ' || *v == '-' || *v == '_' || *v == '\t' || *v == '\n')
            v++;
        while (v[k] != '\0' && v[k] != ' ' && v[k] != '-' && v[k] != '_' && v[k] != '\t' &&
               v[k] != '\n')
            k++;
        if (k > 0 && html_name_in(v, k, noise))
            return 1;
        v += k;
    }
    return 0;
}

static int style_hides(const char *style)
{
    const char *p = style;

    while (p != NULL && (p = strcasestr(p, "display")) != NULL) {
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncasecmp(p, "none", 4) == 0)
            return 1;
    }
    return 0;
}

int html_is_noise(const xmlNode *n, int in_article)
{
    /* sorted for html_tag_in */
    static const char *const drop[] = {
        "applet", "aside",    "audio",    "button",   "canvas", "dialog", "embed",  "form",
        "frame",  "frameset", "head",     "iframe",   "input",  "link",   "map",    "math",
        "menu",   "meta",     "nav",      "noscript", "object", "script", "select", "style",
        "svg",    "template", "textarea", "title",    "video",
    };
    const char *name = (const char *)n->name;
    const char *v;

    if (n->type != XML_ELEMENT_NODE || name == NULL)
        return 0;
    if (html_tag_in(name, drop, sizeof drop / sizeof drop[0]))
        return 1;
    if (!in_article && (strcmp(name, "header") == 0 || strcmp(name, "footer") == 0))
        return 1;
    if (n->properties == NULL)
        return 0;
    if (html_attr(n, "hidden") != NULL)
        return 1;
    v = html_attr(n, "aria-hidden");
    if (v != NULL && strcasecmp(v, "true") == 0)
        return 1;
    v = html_attr(n, "style");
    if (v != NULL && style_hides(v))
        return 1;
    /* the page's own containers are never dropped for a class name */
    if (strcmp(name, "html") == 0 || strcmp(name, "body") == 0 || strcmp(name, "main") == 0 ||
        strcmp(name, "article") == 0)
        return 0;
    v = html_attr(n, "itemprop");
    if (v != NULL && html_has_word(v, "articleBody"))
        return 0;
    return names_noise(html_attr(n, "class")) || names_noise(html_attr(n, "id"));
}

/* ------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------ */

/* Appends s[0..n) to b: invalid bytes become U+FFFD, control characters are dropped;
 * with collapse, whitespace runs (and no-break spaces) become one space and no space
 * starts b; without, LF and TAB are kept. Returns 0 or SAT_E_NOMEM. */
int html_text_add(sat_buf *b, const char *s, size_t n, int collapse)
{
    size_t i = 0, run = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t k;
        int space;

        if (c > ' ' && c < 0x7F) { /* printable ASCII: part of the run */
            i++;
            continue;
        }
        k = sat_utf8_decode(s + i, n - i, &cp);
        space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
                cp == 0xA0;
        if (cp >= 0xA0 && cp != 0xFEFF && !space && !(cp == 0xFFFD && k == 1)) {
            i += k; /* other valid characters: part of the run */
            continue;
        }
        if (i > run && sat_buf_append(b, s + run, i - run) != 0)
            return SAT_E_NOMEM;
        i += k;
        run = i;
        if (collapse && space) {
            if (b->len > 0 && b->data[b->len - 1] != ' ' && sat_buf_append(b, " ", 1) != 0)
                return SAT_E_NOMEM;
        } else if (!collapse && (cp == '\n' || cp == '\t' || cp == ' ')) {
            if (sat_buf_append(b, cp == '\n' ? "\n" : cp == '\t' ? "\t" : " ", 1) != 0)
                return SAT_E_NOMEM;
        } else if (!collapse && cp == 0xA0) {
            if (sat_buf_append(b, " ", 1) != 0)
                return SAT_E_NOMEM;
        } else if (cp == 0xFFFD) {
            if (sat_buf_append(b, "\xEF\xBF\xBD", 3) != 0) /* an invalid byte */
                return SAT_E_NOMEM;
        }
        /* else: a control character (C0, DEL, C1) or BOM, dropped */
    }
    if (i > run && sat_buf_append(b, s + run, i - run) != 0)
        return SAT_E_NOMEM;
    return 0;
}
