/*
 * input_feed.c - RSS 2.0 (also 0.9x and RSS 1.0 / RDF) and Atom feed files saved to
 * disk: every item becomes an article. The XML is parsed with libxml2 without network
 * access, without entity substitution and without loading any DTD (no XXE, no billion
 * laughs); item HTML goes through pack_html_fragment. Rules in docs/INPUT.md, "Feeds".
 */
#include "input_feed.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sodium.h>

#include "sat_meta.h"

/* Most items read from one feed; later items are left out with one skip record. */
#define FEED_ITEMS_MAX 10000
/* Longest title made from the start of the text when an item has none (bytes). */
#define FEED_TITLE_FROM_TEXT 80
/* Longest date text looked at. */
#define FEED_DATE_MAX 64

/* The feed being read. */
typedef struct feed {
    const char *relpath;
    xmlDoc *xml;
    pack_media_fn fn;
    void *fn_ctx;
    char *id_base;      /* pack_id_from_path(relpath, 0), cut to leave room for "-xxxxxxxx" */
    char *title;        /* channel / feed title (source of items without a link) */
    char *lang;         /* RSS channel language (normalised), NULL when none */
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

static int nomem(feed *f)
{
    return sat_err_set(f->err, SAT_E_NOMEM, "%s: out of memory", f->relpath);
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
            if (memcmp(sl->key, h, sizeof h) == 0) { /* also when that one was salted */
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
static int body_to_gem(feed *f, const xmlNode *n, feed_body t, const char *link, pack_gem *g,
                       sat_err *err)
{
    sat_buf src = {0};
    int rc = 0;
    const xmlNode *from = n;

    if (t == FEED_XHTML) {
        /* Atom: the content is one xhtml:div, which is the container, not the text */
        const xmlNode *c, *div = NULL;
        int others = 0;
        for (c = n->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && div == NULL && feed_is_el(c, NS_XHTML, "div"))
                div = c;
            else if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE ||
                     ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
                      c->content != NULL && !feed_is_ws((const char *)c->content)))
                others = 1;
        }
        if (div != NULL && !others)
            from = div;
    }
    if (t == FEED_TEXT ? feed_node_text(from, &src) != 0 : feed_node_html(f->xml, from, &src) != 0)
        goto oom;
    if (sat_buf_append(&src, "", 0) != 0)
        goto oom;
    if (feed_is_ws(src.data))
        goto done;
    if (t == FEED_TEXT) {
        if (text_to_gem(src.data, src.len, g) != 0)
            goto oom;
        goto done;
    }
    {
        sat_buf w = {0};
        if (sat_buf_printf(&w, "%s:%ld", f->relpath, xmlGetLineNo(n)) != 0)
            goto oom;
        rc = pack_html_fragment(w.data, f->relpath, link, src.data, src.len, f->fn, f->fn_ctx, g,
                                err);
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
                feed_cut_utf8(t, FEED_TITLE_FROM_TEXT);
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
static int skip_item(feed *f, const feed_item *it, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int skip_item(feed *f, const feed_item *it, const char *fmt, ...)
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

/* Replaces the malloc'd tag *lang by its normalised form (pack_in_lang_norm: ko_kr ->
 * ko-KR). Returns 0, -1 when it is not a tag (*lang unchanged, for the message), or
 * SAT_E_NOMEM. */
static int lang_norm(char **lang)
{
    char out[SAT_LANG_MAX + 1];
    char *v;

    if (pack_in_lang_norm(*lang, strlen(*lang), out) != 0)
        return -1;
    v = strdup(out);
    if (v == NULL)
        return SAT_E_NOMEM;
    free(*lang);
    *lang = v;
    return 0;
}

/* A message from the converter ("relpath:LINE: ...") or pack_in_doc_finish
 * ("relpath#N: ...") without that prefix, for skip_item to name the item its way. */
static const char *msg_rest(const char *msg, const char *relpath)
{
    size_t n = strlen(relpath), i;

    if (strncmp(msg, relpath, n) != 0 || (msg[n] != ':' && msg[n] != '#'))
        return msg;
    for (i = n + 1; msg[i] >= '0' && msg[i] <= '9'; i++)
        ;
    if (i == n + 1 && msg[n] == '#')
        return msg;
    if (msg[i] == ':' && msg[i + 1] == ' ')
        return msg + i + 2;
    if (msg[n] == ':' && msg[n + 1] == ' ')
        return msg + n + 2;
    return msg;
}

/* Reads one item into f->docs, or records why it is left out. Returns 0, or a fatal
 * SAT_E_NOMEM / SAT_E_CRYPTO with f->err set. */
static int read_item(feed *f, feed_item *it, const xmlNode *feed_el)
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
    if ((it->atom ? feed_scan_atom(it, feed_el) : feed_scan_rss(it)) != 0)
        goto oom;
    /* metadata */
    if (it->title != NULL &&
        feed_field(it->title, it->title_type != FEED_TEXT, SAT_TITLE_MAX, &doc.meta.title) != 0)
        goto oom;
    link = feed_item_link(f->xml, it, &oom);
    if (oom)
        goto oom;
    if (it->guid != NULL && feed_field(it->guid, 0, SIZE_MAX, &guid) != 0)
        goto oom;
    dnode = it->date != NULL ? it->date : it->date2;
    if (dnode != NULL) {
        if (feed_field(dnode, 0, FEED_DATE_MAX + 1, &datetext) != 0)
            goto oom;
        if (datetext != NULL && pack_in_date_norm(datetext, strlen(datetext), date) != 0) {
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
        if (feed_field(it->lang, 0, SAT_LANG_MAX + 1, &doc.meta.lang) != 0)
            goto oom;
    } else if (f->lang != NULL && (doc.meta.lang = strdup(f->lang)) == NULL) {
        goto oom;
    }
    if (doc.meta.lang != NULL && doc.meta.lang[0] == '\0') {
        free(doc.meta.lang);
        doc.meta.lang = NULL;
    }
    if (doc.meta.lang != NULL && (rc = lang_norm(&doc.meta.lang)) != 0) {
        if (rc == SAT_E_NOMEM)
            goto oom;
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
        rc = body_to_gem(f, it->body, it->body_type1, link, &gem, &e);
        if (rc == 0 && gem.out.len == 0 && it->body2 != NULL)
            rc = body_to_gem(f, it->body2, it->body_type2, link, &gem, &e);
    } else if (it->body2 != NULL) {
        rc = body_to_gem(f, it->body2, it->body_type2, link, &gem, &e);
    }
    if (rc == SAT_E_NOMEM)
        goto oom;
    if (rc != 0) {
        rc = skip_item(f, it, "%s", msg_rest(e.msg, f->relpath));
        goto done;
    }
    if (gem.out.len == 0) {
        rc = skip_item(f, it, "%s%s",
                       doc.meta.title != NULL ? "no text besides the title" : "no title and no text",
                       link != NULL ? " (the feed has only the link: save the page itself as "
                                      "an HTML file)"
                                    : "");
        goto done;
    }
    if (doc.meta.title == NULL) {
        doc.meta.title = title_from_body(&gem, &oom);
        if (oom)
            goto oom;
        if (doc.meta.title == NULL) {
            rc = skip_item(f, it, "no title, and no line of text to make one from");
            goto done;
        }
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
        rc = skip_item(f, it, "%s", msg_rest(e.msg, f->relpath));
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
    int rc = 0;

    *atom = 0;
    if (feed_is_el(root, NS_ATOM, "feed")) {
        *atom = 1;
        *holder = root;
        chan = root;
    } else if (feed_is_el(root, NULL, "rss") || feed_is_el(root, NS_RDF, "RDF")) {
        for (c = root->children; c != NULL && chan == NULL; c = c->next)
            if (feed_is_el(c, NULL, "channel") || feed_is_el(c, NS_RSS1, "channel"))
                chan = c;
        if (chan == NULL)
            return sat_err_set(f->err, SAT_E_FORMAT, "%s:%ld: <%s> has no <channel>",
                               f->relpath, xmlGetLineNo(root), (const char *)root->name);
        /* RSS 2.0: items inside <channel>; RSS 1.0: beside it */
        *holder = feed_is_el(root, NULL, "rss") ? chan : root;
    } else {
        return sat_err_set(f->err, SAT_E_FORMAT,
                           "%s:%ld: not an RSS or Atom feed (the root element is <%s>, expected "
                           "<rss> or Atom <feed>)",
                           f->relpath, xmlGetLineNo(root), (const char *)root->name);
    }
    for (c = chan->children; c != NULL; c = c->next) {
        if (f->title == NULL && (feed_is_el(c, NULL, "title") || feed_is_el(c, NS_RSS1, "title") ||
                                 feed_is_el(c, NS_ATOM, "title"))) {
            if (feed_field(c, !*atom, SAT_FIELD_MAX, &f->title) != 0)
                return nomem(f);
        } else if (f->lang == NULL && !*atom &&
                   (feed_is_el(c, NULL, "language") || feed_is_el(c, NS_DC, "language"))) {
            if (feed_field(c, 0, SAT_LANG_MAX + 1, &f->lang) != 0)
                return nomem(f);
            if (f->lang != NULL && (rc = lang_norm(&f->lang)) == SAT_E_NOMEM)
                return nomem(f);
            if (rc != 0)
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
    return atom ? feed_is_el(n, NS_ATOM, "entry") : (feed_is_el(n, NULL, "item") || feed_is_el(n, NS_RSS1, "item"));
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
        feed_item it;
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

int pack_feed_sniff(const char *s, size_t n)
{
    size_t i = 0, lim = n < 65536 ? n : 65536;

    while (i < lim) {
        const char *lt = memchr(s + i, '<', lim - i);
        size_t k;
        if (lt == NULL)
            return 0;
        i = (size_t)(lt - s) + 1;
        if (i < lim && (s[i] == '?' || s[i] == '!'))
            continue; /* declaration, comment, doctype */
        k = i;
        while (k < lim && s[k] != ' ' && s[k] != '>' && s[k] != '\t' && s[k] != '\n' &&
               s[k] != '\r' && s[k] != '/')
            k++;
        if (k - i == 3 && memcmp(s + i, "rss", 3) == 0)
            return 1;
        return (k - i >= 4 && memcmp(s + k - 4, "feed", 4) == 0 &&
                (k - i == 4 || s[k - 5] == ':'));
    }
    return 0;
}
