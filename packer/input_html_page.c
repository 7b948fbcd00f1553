/*
 * input_html_page.c - one HTML page to an article (pack_html_parse): metadata from the
 * head (<title>, Open Graph, <meta>, <link rel=canonical>, <html lang>) and the page,
 * and the main text found as docs/INPUT.md ("HTML pages") describes: a single
 * <article>, else [itemprop=articleBody], else <main>, else the block container with the
 * best readability-style score. The text itself is converted by input_html.c.
 *
 * One iterative pass over the tree (page_visit) collects metadata, the candidates and,
 * for every element outside dropped furniture, counts of text and link characters; the
 * scores follow from those counts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/uri.h>

#include "input_common.h"
#include "input_html.h"
#include "pack_input.h"
#include "sat_meta.h"
#include "sat_text.h"

/* Shortest paragraph (in characters) that counts for the score, and the most link
 * text a counted paragraph may have. */
#define PAGE_PARA_MIN 25
#define PAGE_PARA_LINKS 0.5
/* Longest text taken from an element for a metadata field. */
#define PAGE_FIELD_TEXT_MAX 4096

/* Per-element counts (non-space characters), linked from xmlNode._private. */
typedef struct page_stat {
    xmlNode *node;
    uint32_t text; /* in the subtree, outside dropped elements */
    uint32_t link; /* of those, inside links */
    uint32_t own;  /* in direct child text nodes */
    uint32_t commas;
    double score; /* points from paragraphs below */
} page_stat;

/* Metadata values found in <meta> and <link> (owned by the tree). */
typedef struct page_meta {
    const char *og_title, *og_site, *og_url, *og_locale;
    const char *canonical, *base, *published, *date, *author, *article_author, *content_lang;
} page_meta;

typedef struct page_scan {
    page_meta m;
    xmlNode *title_el, *h1, *html, *rel_author, *itemprop_author, *article_body, *main_el;
    xmlNode *article; /* the <article> with most text */
    uint32_t article_text;
    int noise; /* depth where the dropped subtree began, -1 outside */
    int in_article;
    int link; /* depth of the open <a>, -1 none */
    page_stat *st;
    size_t n, cap;
    sat_err *err;
    const char *relpath;
} page_scan;

static page_stat *stat_of(const xmlNode *n)
{
    return n != NULL ? (page_stat *)n->_private : NULL;
}

static const char *meta_key(const xmlNode *n)
{
    const char *k = html_attr(n, "property");

    if (k == NULL || k[0] == '\0')
        k = html_attr(n, "name");
    if (k == NULL || k[0] == '\0')
        k = html_attr(n, "itemprop");
    if (k == NULL || k[0] == '\0')
        k = html_attr(n, "http-equiv");
    return k;
}

/* Remembers the first value of each <meta> we use. */
static void scan_meta(page_meta *m, const xmlNode *n)
{
    static const char *const date_names[] = {
        "date", "pubdate", "dc.date", "dc.date.issued", "dcterms.date", "datePublished", NULL};
    const char *k = meta_key(n);
    const char *v = html_attr(n, "content");
    const char **slot = NULL;
    size_t i;

    if (k == NULL || v == NULL || v[0] == '\0')
        return;
    if (strcasecmp(k, "og:title") == 0)
        slot = &m->og_title;
    else if (strcasecmp(k, "og:site_name") == 0)
        slot = &m->og_site;
    else if (strcasecmp(k, "og:url") == 0)
        slot = &m->og_url;
    else if (strcasecmp(k, "og:locale") == 0)
        slot = &m->og_locale;
    else if (strcasecmp(k, "article:published_time") == 0)
        slot = &m->published;
    else if (strcasecmp(k, "author") == 0)
        slot = &m->author;
    else if (strcasecmp(k, "article:author") == 0)
        slot = &m->article_author;
    else if (strcasecmp(k, "content-language") == 0)
        slot = &m->content_lang;
    for (i = 0; slot == NULL && date_names[i] != NULL; i++)
        if (strcasecmp(k, date_names[i]) == 0)
            slot = &m->date;
    if (slot != NULL && *slot == NULL)
        *slot = v;
}

static page_stat *stat_new(page_scan *s, xmlNode *n)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        page_stat *p;
        if (nc > SIZE_MAX / sizeof *p)
            return NULL;
        p = realloc(s->st, nc * sizeof *p);
        if (p == NULL)
            return NULL;
        /* the array moved: relink the nodes */
        s->st = p;
        s->cap = nc;
        for (nc = 0; nc < s->n; nc++)
            s->st[nc].node->_private = &s->st[nc];
    }
    memset(&s->st[s->n], 0, sizeof s->st[s->n]);
    s->st[s->n].node = n;
    n->_private = &s->st[s->n];
    return &s->st[s->n++];
}

static uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

/* Counts the non-space characters and commas of a text node into its element. */
static void scan_text(page_scan *s, const xmlNode *n)
{
    page_stat *p = stat_of(n->parent);
    const char *t = (const char *)n->content;
    size_t i = 0, len;
    uint32_t chars = 0, commas = 0;

    if (p == NULL || t == NULL)
        return;
    len = strlen(t);
    while (i < len) {
        uint32_t cp;
        i += sat_utf8_decode(t + i, len - i, &cp);
        if (cp <= ' ' || cp == 0xA0)
            continue;
        chars++;
        if (cp == ',' || cp == 0xFF0C || cp == 0x3001)
            commas++;
    }
    p->own = sat_add(p->own, chars);
    p->text = sat_add(p->text, chars);
    p->commas = sat_add(p->commas, commas);
    if (s->link >= 0)
        p->link = sat_add(p->link, chars);
}

static void scan_element(page_scan *s, xmlNode *n)
{
    const char *name = (const char *)n->name;
    const char *v;
    int useful = s->noise < 0;

    if (strcmp(name, "meta") == 0) {
        scan_meta(&s->m, n);
    } else if (strcmp(name, "link") == 0) {
        v = html_attr(n, "rel");
        if (v != NULL && html_has_word(v, "canonical") && s->m.canonical == NULL)
            s->m.canonical = html_attr(n, "href");
    } else if (strcmp(name, "base") == 0) {
        if (s->m.base == NULL)
            s->m.base = html_attr(n, "href");
    } else if (strcmp(name, "title") == 0) {
        if (s->title_el == NULL && html_is(n->parent, "head"))
            s->title_el = n;
    } else if (strcmp(name, "html") == 0) {
        if (s->html == NULL)
            s->html = n;
    } else if (useful && strcmp(name, "h1") == 0 && s->h1 == NULL) {
        s->h1 = n;
    } else if (useful && strcmp(name, "main") == 0 && s->main_el == NULL) {
        s->main_el = n;
    }
    v = html_attr(n, "rel");
    if (s->rel_author == NULL && v != NULL && html_has_word(v, "author"))
        s->rel_author = n;
    v = html_attr(n, "itemprop");
    if (v != NULL && html_has_word(v, "author") && s->itemprop_author == NULL)
        s->itemprop_author = n;
    if (useful && v != NULL && html_has_word(v, "articleBody") && s->article_body == NULL)
        s->article_body = n;
}

static int page_visit(void *ctx, xmlNode *n, int leave, int depth)
{
    page_scan *s = ctx;
    page_stat *p;

    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (!leave && s->noise < 0)
            scan_text(s, n);
        return HTML_SKIP;
    }
    if (n->type != XML_ELEMENT_NODE || n->name == NULL)
        return HTML_SKIP;
    if (!leave) {
        scan_element(s, n);
        if (s->noise < 0 && html_is_noise(n, s->in_article > 0))
            s->noise = depth;
        if (s->noise >= 0)
            return HTML_DESCEND; /* metadata may sit in a dropped header */
        if (stat_new(s, n) == NULL)
            return sat_err_set(s->err, SAT_E_NOMEM, "%s: out of memory", s->relpath);
        if (html_is(n, "article"))
            s->in_article++;
        if (html_is(n, "a") && s->link < 0)
            s->link = depth;
        return HTML_DESCEND;
    }
    if (s->noise >= 0) {
        if (s->noise == depth)
            s->noise = -1;
        return HTML_DESCEND;
    }
    if (s->link == depth)
        s->link = -1;
    p = stat_of(n);
    if (p == NULL)
        return HTML_DESCEND;
    if (html_is(n, "article")) {
        s->in_article--;
        if (s->in_article == 0) {
            if (s->article == NULL || p->text - p->link > s->article_text) {
                s->article = n;
                s->article_text = p->text - p->link;
            }
        }
    }
    {
        /* a paragraph (or a div holding text itself) gives points to its parent and
         * half as many to its grandparent */
        int para = html_is(n, "p") || html_is(n, "pre") || html_is(n, "blockquote");
        uint32_t chars = para ? p->text : p->own;
        page_stat *up = stat_of(n->parent);

        if ((para || html_is(n, "div") || html_is(n, "section") || html_is(n, "td")) &&
            chars >= PAGE_PARA_MIN && p->link <= PAGE_PARA_LINKS * p->text) {
            double pts = 1.0 + p->commas + (chars / 100 < 3 ? chars / 100 : 3);
            if (!para)
                p->score += pts; /* the div is itself the container of its text */
            if (up != NULL) {
                up->score += para ? pts : pts / 2;
                if (para && stat_of(n->parent->parent) != NULL)
                    stat_of(n->parent->parent)->score += pts / 2;
            }
        }
        if (up != NULL) {
            up->text = sat_add(up->text, p->text);
            up->link = sat_add(up->link, p->link);
            up->commas = sat_add(up->commas, p->commas);
        }
    }
    return HTML_DESCEND;
}

static double link_density(const page_stat *p)
{
    return p->text > 0 ? (double)p->link / p->text : 0;
}

/* Score times (1 - link density). */
static double final_score(const page_stat *p)
{
    return p != NULL && p->text > 0 ? p->score * (1.0 - link_density(p)) : 0;
}

/* The element with the best final score, or NULL. */
static xmlNode *best_container(const page_scan *s)
{
    xmlNode *best = NULL;
    double top = 0;
    size_t i;

    for (i = 0; i < s->n; i++) {
        double f = final_score(&s->st[i]);
        if (f > top) {
            top = f;
            best = s->st[i].node;
        }
    }
    return best;
}

/* Siblings of the best container kept with it: other scoring containers with a fifth
 * of its score, and text blocks (paragraphs, lists, tables, headings, quotes, figures)
 * that are at most half links. */
typedef struct sibling_keep {
    const xmlNode *best;
    double top;
} sibling_keep;

static int keep_sibling(void *ctx, const xmlNode *n)
{
    static const char *const text_blocks[] = {"p",          "ul", "ol",     "table", "pre",
                                              "blockquote", "h1", "h2",     "h3",    "h4",
                                              "h5",         "h6", "figure", "dl",    NULL};
    const sibling_keep *k = ctx;
    const page_stat *p = stat_of(n);
    size_t i;

    if (n == k->best)
        return 1;
    if (p == NULL || p->text == 0)
        return html_is(n, "figure") || html_is(n, "img");
    if (final_score(p) >= 0.2 * k->top)
        return 1;
    for (i = 0; text_blocks[i] != NULL; i++)
        if (html_is(n, text_blocks[i]))
            return link_density(p) < PAGE_PARA_LINKS;
    return 0;
}

/* ------------------------------------------------------------------------
 * Metadata values
 * ------------------------------------------------------------------------ */

typedef struct text_walk {
    sat_buf *b;
    size_t max;
} text_walk;

static int text_visit(void *ctx, xmlNode *n, int leave, int depth)
{
    text_walk *t = ctx;
    const char *s = (const char *)n->content;

    if (leave)
        return HTML_DESCEND;
    if (t->b->len >= t->max)
        return HTML_STOP;
    if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && s != NULL)
        return html_text_add(t->b, s, strlen(s) < t->max ? strlen(s) : t->max, 1) != 0 ? SAT_E_NOMEM
                                                                                       : HTML_SKIP;
    if (n->type == XML_ELEMENT_NODE && html_is_noise(n, 1) && !html_is(n, "title"))
        return HTML_SKIP;
    return HTML_DESCEND;
}

/* Cuts s (malloc'd, single line) to at most max bytes at a character boundary and
 * trims it. Returns s, or NULL (freed) when nothing is left. */
static char *fit_field(char *s, size_t max)
{
    size_t n;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        s[n] = '\0';
    }
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    if (n == 0 || !sat_field_valid(s, n, max)) {
        free(s);
        return NULL;
    }
    return s;
}

/* A field from a string (whitespace collapsed, controls dropped); NULL if empty. */
static char *field_from(const char *v, size_t max, int *oom)
{
    sat_buf b = {0};
    char *r;

    if (v == NULL)
        return NULL;
    if (html_text_add(&b, v, strlen(v) < PAGE_FIELD_TEXT_MAX ? strlen(v) : PAGE_FIELD_TEXT_MAX,
                      1) != 0 ||
        sat_buf_append(&b, "", 0) != 0) {
        sat_buf_free(&b);
        *oom = 1;
        return NULL;
    }
    r = pack_in_field(b.data, b.len);
    sat_buf_free(&b);
    if (r == NULL)
        *oom = 1;
    return fit_field(r, max);
}

/* A field from the text of an element. */
static char *field_of(xmlNode *n, size_t max, int *oom)
{
    sat_buf b = {0};
    text_walk t;
    char *r;

    if (n == NULL)
        return NULL;
    t.b = &b;
    t.max = PAGE_FIELD_TEXT_MAX;
    if (html_walk(n, 0, text_visit, &t) != 0 || sat_buf_append(&b, "", 0) != 0) {
        sat_buf_free(&b);
        *oom = 1;
        return NULL;
    }
    r = field_from(b.data, max, oom);
    sat_buf_free(&b);
    return r;
}

/* Drops " | Site" (or " - ", " – ", " — ", " · ", " :: ") after the title, or
 * "Site | " before it, when Site is the page's og:site_name. */
static void strip_site(char *title, const char *site)
{
    static const char *const seps[] = {
        " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xB7 ", " :: ", NULL};
    size_t tn = strlen(title), sn = site != NULL ? strlen(site) : 0;
    size_t i;

    if (sn == 0 || sn >= tn)
        return;
    for (i = 0; seps[i] != NULL; i++) {
        size_t pn = strlen(seps[i]);
        if (tn > sn + pn && memcmp(title + tn - sn, site, sn) == 0 &&
            memcmp(title + tn - sn - pn, seps[i], pn) == 0) {
            title[tn - sn - pn] = '\0';
            return;
        }
        if (tn > sn + pn && memcmp(title, site, sn) == 0 && memcmp(title + sn, seps[i], pn) == 0) {
            memmove(title, title + sn + pn, tn - sn - pn + 1);
            return;
        }
    }
}

/* A date in one of the forms pack_in_date_norm takes; else the day of a longer
 * "YYYY-MM-DDT..." / "YYYY-MM-DD ..." value. NULL when none. */
static char *date_from(const char *v, int *oom)
{
    char out[21];
    size_t n;
    char *r;

    if (v == NULL)
        return NULL;
    while (*v == ' ' || *v == '\t' || *v == '\n')
        v++;
    n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
        n--;
    if (pack_in_date_norm(v, n, out) != 0 || !sat_date_valid(out, strlen(out))) {
        if (n <= 10 || (v[10] != 'T' && v[10] != ' ') || pack_in_date_norm(v, 10, out) != 0 ||
            !sat_date_valid(out, 10))
            return NULL;
    }
    r = strdup(out);
    if (r == NULL)
        *oom = 1;
    return r;
}

/* "ko_KR" -> "ko-KR", "EN-us" -> "en-US"; NULL when not a language tag. */
static char *lang_from(const char *v, int *oom)
{
    char buf[SAT_LANG_MAX + 1];
    size_t n, i, start = 0;
    char *r;

    if (v == NULL)
        return NULL;
    while (*v == ' ')
        v++;
    n = strcspn(v, " ,;");
    if (n == 0 || n > SAT_LANG_MAX)
        return NULL;
    for (i = 0; i <= n; i++) {
        char ch = i < n ? v[i] : '-';
        if (ch == '_')
            ch = '-';
        if (ch == '-') {
            size_t k, len = i - start;
            for (k = start; k < i; k++) {
                char x = buf[k];
                int up = start > 0 && (len == 2 || (len == 4 && k == start));
                buf[k] = up ? (char)(x >= 'a' && x <= 'z' ? x - 32 : x)
                            : (char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
            }
            start = i + 1;
        }
        if (i < n)
            buf[i] = ch;
    }
    if (!sat_lang_valid(buf, n))
        return NULL;
    r = strndup(buf, n);
    if (r == NULL)
        *oom = 1;
    return r;
}

/* An absolute http(s) URL from v (trimmed, at most 4096 bytes), or NULL when it is
 * none or holds a space or control character inside. */
static char *abs_url(const char *v, int *oom)
{
    size_t n, i;
    char *r;

    if (v == NULL)
        return NULL;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r' || *v == '\f')
        v++;
    n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r' ||
                     v[n - 1] == '\f'))
        n--;
    if (n > 4096 || (strncasecmp(v, "https://", 8) != 0 && strncasecmp(v, "http://", 7) != 0))
        return NULL;
    for (i = 0; i < n; i++)
        if ((unsigned char)v[i] <= ' ' || v[i] == 0x7F ||
            ((unsigned char)v[i] == 0xC2 && i + 1 < n && (unsigned char)v[i + 1] >= 0x80 &&
             (unsigned char)v[i + 1] <= 0x9F)) /* C1 controls */
            return NULL;
    if (!sat_utf8_valid(v, n, NULL))
        return NULL;
    r = strndup(v, n);
    if (r == NULL)
        *oom = 1;
    return r;
}

/* The first <time datetime> inside scope (outside dropped parts), or NULL. */
typedef struct time_find {
    const char *value;
} time_find;

static int time_visit(void *ctx, xmlNode *n, int leave, int depth)
{
    time_find *t = ctx;
    const char *v;

    if (leave || n->type != XML_ELEMENT_NODE)
        return HTML_SKIP;
    if (html_is_noise(n, 1))
        return HTML_SKIP;
    if (html_is(n, "time") && (v = html_attr(n, "datetime")) != NULL && v[0] != '\0') {
        t->value = v;
        return HTML_STOP;
    }
    return HTML_DESCEND;
}

static int depth_of(const xmlNode *n, int *in_article)
{
    int d = 0;

    *in_article = 0;
    for (; n != NULL && n->parent != NULL && n->parent->type == XML_ELEMENT_NODE; n = n->parent) {
        d++;
        if (html_is(n->parent, "article"))
            *in_article = 1;
    }
    return d;
}

static int page_meta_fill(page_scan *s, xmlNode *root, pack_doc *doc, sat_err *err)
{
    sat_meta *m = &doc->meta;
    xmlNode *scope = root;
    time_find tf = {NULL};
    int oom = 0;

    /* title: og:title, <title> without the site name, the first <h1>, the file name */
    m->title = field_from(s->m.og_title, SAT_TITLE_MAX, &oom);
    if (m->title == NULL && s->title_el != NULL) {
        char *site = field_from(s->m.og_site, SAT_FIELD_MAX, &oom);
        m->title = field_of(s->title_el, SAT_TITLE_MAX * 2, &oom);
        if (m->title != NULL)
            strip_site(m->title, site);
        m->title = fit_field(m->title, SAT_TITLE_MAX);
        free(site);
    }
    if (m->title == NULL)
        m->title = field_of(s->h1, SAT_TITLE_MAX, &oom);
    if (m->title == NULL && !oom)
        m->title = fit_field(pack_in_title_from_name(doc->relpath), SAT_TITLE_MAX);

    /* date: article:published_time, <meta name=date ...>, <time datetime> in the article */
    m->date = date_from(s->m.published, &oom);
    if (m->date == NULL)
        m->date = date_from(s->m.date, &oom);
    while (scope != NULL && scope->parent != NULL && scope->parent->type == XML_ELEMENT_NODE &&
           !html_is(scope, "article"))
        scope = scope->parent;
    if (scope != NULL && !html_is(scope, "article"))
        scope = root;
    if (m->date == NULL && scope != NULL && html_walk(scope, 0, time_visit, &tf) == 0)
        m->date = date_from(tf.value, &oom);

    /* author: <meta name=author>, article:author (not a profile URL), rel=author,
     * itemprop=author (its content attribute or its text) */
    m->author = field_from(s->m.author, SAT_FIELD_MAX, &oom);
    if (m->author == NULL && s->m.article_author != NULL &&
        !pack_in_is_url(s->m.article_author, strlen(s->m.article_author)))
        m->author = field_from(s->m.article_author, SAT_FIELD_MAX, &oom);
    if (m->author == NULL)
        m->author = field_of(s->rel_author, SAT_FIELD_MAX, &oom);
    if (m->author == NULL && s->itemprop_author != NULL) {
        const char *c = html_attr(s->itemprop_author, "content");
        m->author = c != NULL ? field_from(c, SAT_FIELD_MAX, &oom)
                              : field_of(s->itemprop_author, SAT_FIELD_MAX, &oom);
    }

    /* lang: <html lang>, og:locale, Content-Language */
    m->lang = lang_from(s->html != NULL ? html_attr(s->html, "lang") : NULL, &oom);
    if (m->lang == NULL)
        m->lang = lang_from(s->m.og_locale, &oom);
    if (m->lang == NULL)
        m->lang = lang_from(s->m.content_lang, &oom);

    /* canonical URL: <link rel=canonical>, og:url (absolute http/https only) */
    doc->url = abs_url(s->m.canonical, &oom);
    if (doc->url == NULL)
        doc->url = abs_url(s->m.og_url, &oom);
    if (doc->url != NULL && sat_field_valid(doc->url, strlen(doc->url), SAT_FIELD_MAX)) {
        m->source = strdup(doc->url);
        if (m->source == NULL)
            oom = 1;
    }
    if (oom)
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", doc->relpath);
    return 0;
}

/* The base URL for relative links: an absolute <base href>, a relative one resolved
 * against the canonical URL, or the canonical URL. malloc'd or NULL. */
static char *page_base(const page_scan *s, const char *canonical, int *oom)
{
    char *b = abs_url(s->m.base, oom);
    xmlChar *r;

    if (b != NULL || canonical == NULL)
        return b;
    if (s->m.base != NULL && s->m.base[0] != '\0') {
        r = xmlBuildURI((const xmlChar *)s->m.base, (const xmlChar *)canonical);
        if (r != NULL) {
            b = abs_url((const char *)r, oom);
            xmlFree(r);
            if (b != NULL)
                return b;
        }
    }
    b = strdup(canonical);
    if (b == NULL)
        *oom = 1;
    return b;
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------ */

int pack_html_parse(const char *relpath, const char *utf8, size_t len, pack_media_fn fn, void *ctx,
                    pack_doc *doc, sat_err *err)
{
    xmlDoc *x = NULL;
    xmlNode *top, *root = NULL;
    page_scan s;
    pack_gem gem;
    html_conv *c = NULL;
    char *base = NULL;
    sibling_keep sib = {NULL, 0};
    int rc, oom = 0, in_article = 0, depth = 0;

    memset(doc, 0, sizeof *doc);
    memset(&s, 0, sizeof s);
    memset(&gem, 0, sizeof gem);
    s.noise = -1;
    s.link = -1;
    s.err = err;
    s.relpath = relpath;
    doc->relpath = strdup(relpath);
    if (doc->relpath == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        goto fail;
    }
    rc = html_read(relpath, utf8, len, &x, err);
    if (rc != 0)
        goto fail;
    top = x != NULL ? xmlDocGetRootElement(x) : NULL;
    if (top != NULL) {
        rc = html_walk(top, 0, page_visit, &s);
        if (rc != 0)
            goto fail;
        /* the main text: one <article> (the longest when there are several), the
         * articleBody, <main>, else the best-scoring container, else <body> */
        root = s.article != NULL && s.article_text > 0 ? s.article
               : s.article_body != NULL                ? s.article_body
               : s.main_el != NULL                     ? s.main_el
                                                       : NULL;
        if (root == NULL) {
            xmlNode *best = best_container(&s);
            sib.best = best;
            sib.top = final_score(stat_of(best));
            /* a table cell holding the text (a layout table) is taken alone: its
             * siblings are the layout's other columns */
            root = best == NULL                                                     ? top
                   : html_is(best, "td") || html_is(best, "th")                     ? best
                   : best->parent != NULL && best->parent->type == XML_ELEMENT_NODE ? best->parent
                                                                                    : best;
        }
        depth = depth_of(root, &in_article);
    }
    rc = page_meta_fill(&s, root != NULL ? root : top, doc, err);
    if (rc != 0)
        goto fail;
    if (root != NULL) {
        base = page_base(&s, doc->url, &oom);
        c = html_conv_new(relpath, 1, relpath, fn, ctx, &gem, err);
        if (c == NULL || oom) {
            rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
            goto fail;
        }
        html_conv_set(c, doc->meta.title, base, in_article || html_is(root, "article"));
        if (sib.best != NULL && root == sib.best->parent)
            html_conv_filter(c, root, keep_sibling, &sib);
        rc = html_conv_run(c, root, depth);
        if (rc == 0)
            rc = html_conv_links(c);
        if (rc != 0)
            goto fail;
    }
    free(doc->relpath);
    doc->relpath = NULL;
    rc = pack_in_doc_finish(doc, relpath, SAT_KIND_ARTICLE, &gem, err);
    goto cleanup;
fail:
    pack_doc_free(doc);
cleanup:
    html_conv_free(c);
    pack_gem_free(&gem);
    free(base);
    free(s.st);
    xmlFreeDoc(x);
    return rc;
}
