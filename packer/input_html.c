/*
 * input_html.c - HTML to gemtext (docs/INPUT.md, "HTML pages"), and fragments.
 *
 * input_html_tree.c reads the bytes into a libxml2 tree (tolerant of broken markup, no
 * network, the page's own charset declaration ignored: the caller decoded it). This file
 * turns a tree into gemtext: one iterative walk (html_walk) with enter/leave events and
 * a depth cap, block elements ending lines, inline text collapsed like a browser does,
 * links numbered ("text[1]" plus a links block at the end), local images looked up as
 * attachments. input_html_page.c finds a page's metadata and main text and calls it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/uri.h>

#include "input_common.h"
#include "input_html.h"
#include "pack_input.h"
#include "sat_text.h"

/* Longest URL kept (longer links and images are dropped). */
#define HTML_URL_MAX 4096
/* Longest link text repeated in the links block (cut at a character boundary). */
#define HTML_LABEL_MAX 200

/* ------------------------------------------------------------------------
 * The converter
 * ------------------------------------------------------------------------ */

enum {
    ACT_NONE = 0, /* inline or text: nothing to undo */
    ACT_SKIP,     /* dropped subtree */
    ACT_BLOCK,    /* ends the line on enter and leave */
    ACT_TYPE,     /* block that sets the line type (heading, item, quote) */
    ACT_LIST,     /* ul / ol */
    ACT_PRE,
    ACT_LINK,
    ACT_CELL,
    ACT_ROW,
    ACT_ARTICLE /* block inside which header/footer are kept */
};

typedef struct html_frame {
    unsigned char act;
    unsigned char saved_type;
    int saved_list;      /* index of the enclosing list frame */
    unsigned long count; /* ol item counter */
    int ordered;
    size_t link_start; /* offset of the link text in the line */
    char *href;        /* resolved link target */
} html_frame;

typedef struct html_link {
    char *url;
    char *label;
} html_link;

struct html_conv {
    const char *where;
    int with_line; /* errors as "where:LINE" */
    char *dir;     /* folder of the document, "" or ending with '/' */
    pack_media_fn fn;
    void *ctx;
    sat_err *err;
    pack_gem *g;
    const char *title; /* an h1 with this text is not repeated */
    char *base;        /* absolute base URL, or NULL */
    int in_article;
    const xmlNode *root;          /* the walk's root (a layout cell is a block there) */
    const xmlNode *filter_parent; /* children of this node pass keep() first */
    html_keep_fn keep;
    void *keep_ctx;

    sat_buf line;    /* text of the current line */
    int type;        /* pack_gem_type of the current line */
    char prefix[24]; /* "3. " waiting for the current item's text */
    sat_buf pending; /* attachment lines: url NUL label NUL */
    int list;        /* depth of the innermost list frame, -1 none */
    int pre;         /* inside <pre> */
    sat_buf pretext;
    int cell; /* inside td/th */
    int row_cells;
    int link;       /* depth of the open link frame, -1 none */
    int heading_h1; /* the current line comes from an h1 */

    html_link *links;
    size_t n_links, cap_links;
    uint32_t *slots; /* hash of URLs: link index + 1, 0 empty */
    size_t n_slots;

    html_frame frames[HTML_DEPTH_MAX + 1];
};

static int conv_oom(html_conv *c)
{
    return sat_err_set(c->err, SAT_E_NOMEM, "%s: out of memory", c->where);
}

static uint32_t url_hash(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s != '\0')
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Number of url in the links list (added with label when new), or 0 on OOM. */
static size_t link_number(html_conv *c, const char *url, const char *label, size_t label_n)
{
    size_t i, mask;
    html_link *l;

    if (c->n_links * 2 >= c->n_slots) {
        size_t ns = c->n_slots ? c->n_slots * 2 : 64;
        uint32_t *s;
        if (ns > SIZE_MAX / sizeof *s || c->n_links >= UINT32_MAX - 1)
            return 0;
        s = calloc(ns, sizeof *s);
        if (s == NULL)
            return 0;
        for (i = 0; i < c->n_links; i++) {
            size_t j = url_hash(c->links[i].url) & (ns - 1);
            while (s[j] != 0)
                j = (j + 1) & (ns - 1);
            s[j] = (uint32_t)(i + 1);
        }
        free(c->slots);
        c->slots = s;
        c->n_slots = ns;
    }
    mask = c->n_slots - 1;
    for (i = url_hash(url) & mask; c->slots[i] != 0; i = (i + 1) & mask)
        if (strcmp(c->links[c->slots[i] - 1].url, url) == 0)
            return c->slots[i];
    if (c->n_links == c->cap_links) {
        size_t nc = c->cap_links ? c->cap_links * 2 : 16;
        if (nc > SIZE_MAX / sizeof *l)
            return 0;
        l = realloc(c->links, nc * sizeof *l);
        if (l == NULL)
            return 0;
        c->links = l;
        c->cap_links = nc;
    }
    l = &c->links[c->n_links];
    if (label_n > HTML_LABEL_MAX) {
        label_n = HTML_LABEL_MAX;
        while (label_n > 0 && ((unsigned char)label[label_n] & 0xC0) == 0x80)
            label_n--;
    }
    l->url = strdup(url);
    l->label = pack_in_field(label, label_n);
    if (l->url == NULL || l->label == NULL) {
        free(l->url);
        free(l->label);
        return 0;
    }
    c->slots[i] = (uint32_t)(++c->n_links);
    return c->n_links;
}

/* 1 if the scheme of u (before ':') is one a reader must never follow or cannot use. */
static int bad_scheme(const char *u)
{
    static const char *const bad[] = {"javascript", "vbscript", "data", "blob",
                                      "about",      "file",     NULL};
    const char *colon = strchr(u, ':');
    const char *slash = strpbrk(u, "/?#");

    if (colon == NULL || (slash != NULL && slash < colon))
        return 0;
    return html_name_in(u, (size_t)(colon - u), bad);
}

/* Cleans an href/src: trimmed, TAB/LF/CR and controls removed. malloc'd, NULL when
 * empty, too long or out of memory (*oom set). */
static char *clean_url(const char *v, int *oom)
{
    sat_buf b = {0};
    size_t i;

    *oom = 0;
    if (v == NULL)
        return NULL;
    for (i = 0; v[i] != '\0'; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch == 0xC2 && (unsigned char)v[i + 1] >= 0x80 && (unsigned char)v[i + 1] <= 0x9F) {
            i++; /* C1 control */
            continue;
        }
        if (ch <= 0x20 || ch == 0x7F) {
            if (ch == ' ' && b.len > 0 && sat_buf_append(&b, " ", 1) != 0)
                goto nomem;
            continue;
        }
        if (sat_buf_append(&b, v + i, 1) != 0)
            goto nomem;
        if (b.len > HTML_URL_MAX) {
            sat_buf_free(&b);
            return NULL;
        }
    }
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    if (b.len == 0) {
        sat_buf_free(&b);
        return NULL;
    }
    return b.data;
nomem:
    sat_buf_free(&b);
    *oom = 1;
    return NULL;
}

/* The target of a link (href): resolved against the base URL when there is one.
 * NULL for links that are dropped (fragment-only, javascript:, ...) or on OOM. */
static char *link_target(html_conv *c, const char *href, int *oom)
{
    char *u = clean_url(href, oom);
    xmlChar *abs;

    if (u == NULL)
        return NULL;
    if (u[0] == '#' || bad_scheme(u)) {
        free(u);
        return NULL;
    }
    if (c->base != NULL && !pack_in_is_url(u, strlen(u))) {
        abs = xmlBuildURI((const xmlChar *)u, (const xmlChar *)c->base);
        if (abs != NULL) {
            free(u);
            u = strdup((const char *)abs);
            xmlFree(abs);
            if (u == NULL)
                *oom = 1;
        }
    } else if (strncmp(u, "//", 2) == 0) {
        char *https = malloc(strlen(u) + 7);
        if (https == NULL) {
            *oom = 1;
        } else {
            memcpy(https, "https:", 6);
            strcpy(https + 6, u);
        }
        free(u);
        u = https;
    }
    if (u != NULL && (strlen(u) > HTML_URL_MAX || bad_scheme(u))) {
        free(u);
        u = NULL;
    }
    return u;
}

static int emit_pending(html_conv *c)
{
    if (c->pending.len == 0)
        return 0;
    if (pack_gem_links_emit(c->g, &c->pending) != 0)
        return conv_oom(c);
    c->pending.len = 0;
    return 0;
}

/* 1 if s[0..n) is the title, apart from link numbers ("[2]") the heading's links got. */
static int same_as_title(const char *title, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        if (s[i] == '[' && *title != '[') {
            size_t k = i + 1;
            while (k < n && s[k] >= '0' && s[k] <= '9')
                k++;
            if (k > i + 1 && k < n && s[k] == ']') {
                i = k + 1;
                continue;
            }
        }
        if (*title == '\0' || *title != s[i])
            return 0;
        title++;
        i++;
    }
    return *title == '\0';
}

/* Ends the current line: writes it as a block of the current type, then any images
 * met in it. */
static int flush(html_conv *c)
{
    const char *s = c->line.data;
    size_t n = c->line.len;
    sat_buf tmp = {0};
    int rc = 0;

    if (c->link >= 0)
        c->frames[c->link].link_start = 0;
    if (n > 0)
        pack_in_trim(&s, &n);
    if (n > 0 && c->title != NULL && c->heading_h1 && same_as_title(c->title, s, n))
        n = 0; /* the title is not repeated as a heading */
    if (n > 0 && c->prefix[0] != '\0') {
        if (sat_buf_puts(&tmp, c->prefix) != 0 || sat_buf_append(&tmp, s, n) != 0)
            rc = SAT_E_NOMEM;
        s = tmp.data;
        n = tmp.len;
        c->prefix[0] = '\0';
    }
    if (rc == 0 && n > 0 && pack_gem_add(c->g, (pack_gem_type)c->type, s, n) != 0)
        rc = SAT_E_NOMEM;
    sat_buf_free(&tmp);
    c->line.len = 0;
    if (rc != 0)
        return conv_oom(c);
    return emit_pending(c);
}

/* Appends a space to the line (table cells, breaks inside headings). */
static int line_space(html_conv *c)
{
    return html_text_add(&c->line, " ", 1, 1) != 0 ? conv_oom(c) : 0;
}

static int image(html_conv *c, const xmlNode *n)
{
    const char *src = html_attr(n, "src");
    const char *alt = html_attr(n, "alt");
    sat_buf url = {0};
    sat_buf label = {0};
    size_t k;
    int rc, oom;
    char *u;

    if (src == NULL || src[0] == '\0' || strncasecmp(src, "data:", 5) == 0)
        src = html_attr(n, "data-src"); /* lazy-loading pages keep the picture here */
    u = clean_url(src, &oom);
    if (u == NULL)
        return oom ? conv_oom(c) : 0;
    /* only a relative path is a picture saved beside the page; web addresses,
     * site paths ("/img/x.png") and data: URIs are dropped */
    if (pack_in_is_url(u, strlen(u)) || u[0] == '/') {
        free(u);
        return 0;
    }
    k = strcspn(u, "?#");
    rc = k == 0 ? 1
                : pack_in_media_ref(c->dir, u, k, 0, c->fn, c->ctx, c->where,
                                    c->with_line ? (size_t)xmlGetLineNo(n) : 0, &url, c->err);
    if (rc == 0 &&
        html_text_add(&label, alt != NULL ? alt : "", alt != NULL ? strlen(alt) : 0, 1) != 0)
        rc = conv_oom(c);
    if (rc == 0 && pack_gem_links_add(&c->pending, url.data, url.len,
                                      label.len > 0 ? label.data : "", label.len) != 0)
        rc = conv_oom(c);
    if (rc == 1)
        rc = 0; /* leaves the source folder: not a local picture */
    free(u);
    sat_buf_free(&url);
    sat_buf_free(&label);
    return rc;
}

static int link_end(html_conv *c, html_frame *f)
{
    const char *s = c->line.data != NULL ? c->line.data + f->link_start : "";
    size_t n = c->line.len - f->link_start;
    size_t num;
    char mark[32];
    int trailing = 0;

    c->link = -1;
    if (f->href == NULL)
        return 0;
    pack_in_trim(&s, &n);
    if (n == 0) { /* a link without text (a picture, an icon) is dropped */
        free(f->href);
        f->href = NULL;
        return 0;
    }
    num = link_number(c, f->href, s, n);
    free(f->href);
    f->href = NULL;
    if (num == 0)
        return conv_oom(c);
    while (c->line.len > 0 && c->line.data[c->line.len - 1] == ' ') {
        c->line.len--;
        trailing = 1;
    }
    snprintf(mark, sizeof mark, "[%zu]%s", num, trailing ? " " : "");
    return sat_buf_puts(&c->line, mark) != 0 ? conv_oom(c) : 0;
}

/* Starts a block that sets the line type t. */
static int type_begin(html_conv *c, html_frame *f, int t)
{
    int rc = flush(c);

    f->act = ACT_TYPE;
    f->saved_type = (unsigned char)c->type;
    c->type = t;
    return rc;
}

static int heading_level(const char *name)
{
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
        return name[1] - '0';
    return 0;
}

static int is_block(const char *name)
{
    /* sorted for html_tag_in */
    static const char *const blocks[] = {
        "address", "article", "body",     "caption",    "center", "dd",      "details", "div",
        "dl",      "dt",      "fieldset", "figcaption", "figure", "footer",  "header",  "hgroup",
        "hr",      "html",    "legend",   "main",       "p",      "picture", "search",  "section",
        "summary", "table",   "tbody",    "tfoot",      "thead",
    };

    return html_tag_in(name, blocks, sizeof blocks / sizeof blocks[0]);
}

static int conv_enter(html_conv *c, xmlNode *n, html_frame *f)
{
    const char *name = (const char *)n->name;
    int level;

    f->act = ACT_NONE;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *t = (const char *)n->content;
        if (t == NULL)
            return HTML_SKIP;
        if (c->pre)
            return html_text_add(&c->pretext, t, strlen(t), 0) != 0 ? conv_oom(c) : HTML_SKIP;
        return html_text_add(&c->line, t, strlen(t), 1) != 0 ? conv_oom(c) : HTML_SKIP;
    }
    if (n->type != XML_ELEMENT_NODE || name == NULL)
        return HTML_SKIP;
    if (html_is_noise(n, c->in_article > 0) ||
        (c->keep != NULL && n->parent == c->filter_parent && !c->keep(c->keep_ctx, n))) {
        f->act = ACT_SKIP;
        return HTML_SKIP;
    }
    if (strcmp(name, "br") == 0) {
        if (c->pre)
            return sat_buf_append(&c->pretext, "\n", 1) != 0 ? conv_oom(c) : HTML_SKIP;
        if (c->cell || c->type == PACK_GEM_H1 || c->type == PACK_GEM_H2 || c->type == PACK_GEM_H3)
            return line_space(c) != 0 ? SAT_E_NOMEM : HTML_SKIP;
        return flush(c) != 0 ? SAT_E_NOMEM : HTML_SKIP;
    }
    if (strcmp(name, "img") == 0) {
        int rc = c->pre ? 0 : image(c, n);
        return rc != 0 ? rc : HTML_SKIP;
    }
    if (c->pre)
        return HTML_DESCEND; /* inside <pre> everything is text */
    if (strcmp(name, "a") == 0) {
        const char *href = html_attr(n, "href");
        int oom = 0;
        if (c->link >= 0 || href == NULL)
            return HTML_DESCEND;
        f->act = ACT_LINK;
        c->link = (int)(f - c->frames);
        f->href = link_target(c, href, &oom);
        if (oom)
            return conv_oom(c);
        f->link_start = c->line.len;
        return HTML_DESCEND;
    }
    if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) && n != c->root) {
        if (c->row_cells > 0 && sat_buf_puts(&c->line, " | ") != 0)
            return conv_oom(c);
        c->row_cells++;
        c->cell++;
        f->act = ACT_CELL;
        return HTML_DESCEND;
    }
    if (c->cell) { /* blocks inside a cell stay on the row's line */
        if (is_block(name) || heading_level(name) || strcmp(name, "li") == 0 ||
            strcmp(name, "p") == 0 || strcmp(name, "blockquote") == 0 || strcmp(name, "tr") == 0)
            return line_space(c) != 0 ? SAT_E_NOMEM : HTML_DESCEND;
        return HTML_DESCEND;
    }
    if (strcmp(name, "tr") == 0) {
        f->act = ACT_ROW;
        c->row_cells = 0;
        return flush(c) != 0 ? SAT_E_NOMEM : HTML_DESCEND;
    }
    if (strcmp(name, "pre") == 0) {
        if (flush(c) != 0)
            return SAT_E_NOMEM;
        f->act = ACT_PRE;
        c->pre = 1;
        c->pretext.len = 0;
        return HTML_DESCEND;
    }
    level = heading_level(name);
    if (level > 0) {
        if (type_begin(c, f, level == 1 ? PACK_GEM_H1 : level == 2 ? PACK_GEM_H2 : PACK_GEM_H3))
            return SAT_E_NOMEM;
        c->heading_h1 = level == 1;
        return HTML_DESCEND;
    }
    if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
        if (flush(c) != 0)
            return SAT_E_NOMEM;
        f->act = ACT_LIST;
        f->saved_list = c->list;
        f->ordered = name[0] == 'o';
        f->count = 0;
        if (f->ordered) {
            const char *start = html_attr(n, "start");
            if (start != NULL) {
                unsigned long v = strtoul(start, NULL, 10);
                f->count = v > 0 && v < 1000000 ? v - 1 : 0;
            }
        }
        c->list = (int)(f - c->frames);
        return HTML_DESCEND;
    }
    if (strcmp(name, "li") == 0) {
        if (type_begin(c, f, PACK_GEM_ITEM) != 0)
            return SAT_E_NOMEM;
        c->prefix[0] = '\0';
        if (c->list >= 0 && c->frames[c->list].ordered)
            snprintf(c->prefix, sizeof c->prefix, "%lu. ", ++c->frames[c->list].count);
        return HTML_DESCEND;
    }
    if (strcmp(name, "blockquote") == 0)
        return type_begin(c, f, PACK_GEM_QUOTE) != 0 ? SAT_E_NOMEM : HTML_DESCEND;
    if (is_block(name)) {
        if (flush(c) != 0)
            return SAT_E_NOMEM;
        f->act = ACT_BLOCK;
        if (strcmp(name, "article") == 0) {
            f->act = ACT_ARTICLE;
            c->in_article++;
        }
        return HTML_DESCEND;
    }
    return HTML_DESCEND;
}

static int pre_end(html_conv *c)
{
    const char *s = c->pretext.data;
    size_t n = c->pretext.len;
    pack_in_lines it;
    const char *line;
    size_t ln;
    int started = 0;

    c->pre = 0;
    if (n > 0 && s[0] == '\n') { /* a newline right after <pre> is not content */
        s++;
        n--;
    }
    if (pack_gem_pre_open(c->g, "", 0) != 0)
        return conv_oom(c);
    pack_in_lines_init(&it, s, n);
    while (pack_in_lines_next(&it, &line, &ln)) {
        if (!started && pack_in_is_blank(line, ln))
            continue; /* leading blank lines */
        started = 1;
        if (pack_gem_pre_line(c->g, line, ln) != 0)
            return conv_oom(c);
    }
    c->pretext.len = 0;
    if (pack_gem_pre_close(c->g) != 0)
        return conv_oom(c);
    return emit_pending(c);
}

static int conv_leave(html_conv *c, html_frame *f)
{
    int rc = 0;

    switch (f->act) {
    case ACT_LINK:
        rc = link_end(c, f);
        break;
    case ACT_CELL:
        c->cell--;
        break;
    case ACT_ROW:
        rc = flush(c);
        c->row_cells = 0;
        break;
    case ACT_PRE:
        rc = pre_end(c);
        break;
    case ACT_TYPE:
        rc = flush(c);
        c->type = f->saved_type;
        c->heading_h1 = 0;
        c->prefix[0] = '\0';
        break;
    case ACT_LIST:
        rc = flush(c);
        c->list = f->saved_list;
        break;
    case ACT_ARTICLE:
        c->in_article--;
        rc = flush(c);
        break;
    case ACT_BLOCK:
        rc = flush(c);
        break;
    default:
        break;
    }
    f->act = ACT_NONE;
    return rc;
}

static int conv_visit(void *ctx, xmlNode *n, int leave, int depth)
{
    html_conv *c = ctx;
    html_frame *f = &c->frames[depth];

    if (leave)
        return conv_leave(c, f) != 0 ? SAT_E_NOMEM : HTML_DESCEND;
    memset(f, 0, sizeof *f);
    f->saved_list = -1;
    return conv_enter(c, n, f);
}

html_conv *html_conv_new(const char *where, int with_line, const char *base_relpath,
                         pack_media_fn fn, void *ctx, pack_gem *g, sat_err *err)
{
    html_conv *c = calloc(1, sizeof *c);
    const char *slash = strrchr(base_relpath, '/');

    if (c == NULL)
        return NULL;
    c->where = where;
    c->with_line = with_line;
    c->dir = strndup(base_relpath, slash != NULL ? (size_t)(slash - base_relpath) + 1 : 0);
    c->fn = fn;
    c->ctx = ctx;
    c->err = err;
    c->g = g;
    c->list = -1;
    c->link = -1;
    c->type = PACK_GEM_PARA;
    if (c->dir == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void html_conv_set(html_conv *c, const char *title, const char *base, int in_article)
{
    free(c->base);
    c->base = base != NULL ? strdup(base) : NULL;
    c->title = title;
    c->in_article = in_article;
}

void html_conv_filter(html_conv *c, const xmlNode *parent, html_keep_fn keep, void *ctx)
{
    c->filter_parent = parent;
    c->keep = keep;
    c->keep_ctx = ctx;
}

int html_conv_run(html_conv *c, xmlNode *root, int depth0)
{
    int rc, d;

    c->root = root;
    rc = html_walk(root, depth0, conv_visit, c);

    for (d = 0; d <= HTML_DEPTH_MAX; d++) { /* hrefs of frames left open by an error */
        free(c->frames[d].href);
        c->frames[d].href = NULL;
    }
    if (rc != 0)
        return rc; /* err is set where the error happened */
    return flush(c);
}

int html_conv_links(html_conv *c)
{
    sat_buf label = {0};
    size_t i;
    int rc = 0;

    if (pack_gem_pre_close(c->g) != 0)
        return conv_oom(c);
    pack_gem_break_links(c->g);
    for (i = 0; i < c->n_links && rc == 0; i++) {
        label.len = 0;
        if (sat_buf_printf(&label, "[%zu] %s", i + 1, c->links[i].label) != 0 ||
            pack_gem_link(c->g, c->links[i].url, strlen(c->links[i].url), label.data, label.len) !=
                0)
            rc = conv_oom(c);
    }
    sat_buf_free(&label);
    return rc;
}

void html_conv_free(html_conv *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n_links; i++) {
        free(c->links[i].url);
        free(c->links[i].label);
    }
    free(c->links);
    free(c->slots);
    free(c->dir);
    free(c->base);
    sat_buf_free(&c->line);
    sat_buf_free(&c->pending);
    sat_buf_free(&c->pretext);
    free(c);
}

/* ------------------------------------------------------------------------
 * Fragments (feed items)
 * ------------------------------------------------------------------------ */

int pack_html_fragment(const char *where, const char *base_relpath, const char *base_url,
                       const char *utf8, size_t len, pack_media_fn fn, void *ctx,
                       struct pack_gem *g, sat_err *err)
{
    xmlDoc *doc = NULL;
    html_conv *c = NULL;
    int rc;

    rc = html_read(where, utf8, len, &doc, err);
    if (rc != 0 || doc == NULL)
        return rc;
    c = html_conv_new(where, 0, base_relpath, fn, ctx, g, err);
    if (c == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", where);
        goto cleanup;
    }
    if (base_url != NULL && pack_in_is_url(base_url, strlen(base_url)))
        html_conv_set(c, NULL, base_url, 0); /* relative links: against the item's link */
    rc = html_conv_run(c, xmlDocGetRootElement(doc), 0);
    if (rc == 0)
        rc = html_conv_links(c);
cleanup:
    html_conv_free(c);
    xmlFreeDoc(doc);
    return rc;
}
