/*
 * input_common.c - shared pieces of the input parsers: preparing raw text, iterating
 * lines, building gemtext, and metadata values (fields, dates, tags, entities).
 */
#include "input_common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sat_meta.h"

/* ------------------------------------------------------------------------
 * Preparing raw file bytes
 * ------------------------------------------------------------------------ */

size_t pack_in_line_of(const char *data, size_t start, size_t off)
{
    size_t line = 1;
    size_t i;

    for (i = start; i < off; i++) {
        if (data[i] == '\n')
            line++;
        else if (data[i] == '\r' && (i + 1 >= off || data[i + 1] != '\n'))
            line++;
    }
    return line;
}

int pack_in_prepare(const char *relpath, const char *data, size_t len, sat_buf *out,
                    sat_err *err)
{
    size_t start = 0;
    size_t bad = len;
    size_t off = 0;
    const char *nul;
    size_t i;
    size_t run;

    if (len > PACK_TEXT_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "%s: text file is larger than the %zu MiB limit",
                           relpath, PACK_TEXT_MAX >> 20);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    nul = len > start ? memchr(data + start, '\0', len - start) : NULL;
    if (nul != NULL)
        bad = (size_t)(nul - data);
    if (!sat_utf8_valid(data + start, bad - start, &off))
        bad = start + off;
    if (bad < len)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: invalid UTF-8 (byte offset %zu)", relpath,
                           pack_in_line_of(data, start, bad), bad);

    if (sat_buf_append(out, "", 0) != 0)
        goto nomem;
    i = start;
    run = start;
    while (i < len) {
        unsigned char c = (unsigned char)data[i];
        size_t skip = 0;
        const char *repl = NULL;

        if (c == '\r') {
            repl = "\n";
            skip = (i + 1 < len && data[i + 1] == '\n') ? 2 : 1;
        } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
            skip = 1;
        } else if (c == 0xC2 && i + 1 < len && (unsigned char)data[i + 1] >= 0x80 &&
                   (unsigned char)data[i + 1] <= 0x9F) {
            skip = 2; /* C1 control U+0080..U+009F */
        }
        if (skip == 0) {
            i++;
            continue;
        }
        if (sat_buf_append(out, data + run, i - run) != 0)
            goto nomem;
        if (repl != NULL && sat_buf_append(out, repl, 1) != 0)
            goto nomem;
        i += skip;
        run = i;
    }
    if (sat_buf_append(out, data + run, len - run) != 0)
        goto nomem;
    return 0;
nomem:
    return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
}

void pack_in_lines_init(pack_in_lines *it, const char *p, size_t len)
{
    it->p = p;
    it->len = p != NULL ? len : 0;
    it->pos = 0;
    it->lineno = 0;
}

int pack_in_lines_next(pack_in_lines *it, const char **line, size_t *n)
{
    const char *nl;

    if (it->pos >= it->len)
        return 0;
    *line = it->p + it->pos;
    nl = memchr(*line, '\n', it->len - it->pos);
    if (nl != NULL) {
        *n = (size_t)(nl - *line);
        it->pos += *n + 1;
    } else {
        *n = it->len - it->pos;
        it->pos = it->len;
    }
    it->lineno++;
    return 1;
}

int pack_in_is_space(char c)
{
    return c == ' ' || c == '\t';
}

int pack_in_is_blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!pack_in_is_space(s[i]))
            return 0;
    return 1;
}

void pack_in_trim(const char **s, size_t *n)
{
    while (*n > 0 && pack_in_is_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && pack_in_is_space((*s)[*n - 1]))
        (*n)--;
}

/* Appends s[0..n) with whitespace runs (space, TAB, LF) collapsed and ends trimmed. */
static int append_collapsed(sat_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    int need_space = 0;
    int wrote = 0;

    while (i < n) {
        size_t j = i;

        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
            need_space = wrote;
            i++;
            continue;
        }
        while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n')
            j++;
        if (need_space && sat_buf_append(b, " ", 1) != 0)
            return SAT_E_NOMEM;
        if (sat_buf_append(b, s + i, j - i) != 0)
            return SAT_E_NOMEM;
        need_space = 0;
        wrote = 1;
        i = j;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Building a gemtext body
 * ------------------------------------------------------------------------ */

enum { GRP_NONE = 0, GRP_SINGLE, GRP_ITEM, GRP_QUOTE, GRP_CUE, GRP_LINK, GRP_PRE };

/* Starts a block of group grp: a blank line unless it continues the previous group. */
static int gem_begin(pack_gem *g, int grp)
{
    if (g->out.len > 0 && (grp == GRP_SINGLE || grp != g->last))
        if (sat_buf_append(&g->out, "\n", 1) != 0)
            return SAT_E_NOMEM;
    g->last = grp;
    return 0;
}

static int looks_like_markup(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == '#' || s[0] == '>'))
        return 1;
    if (n >= 2 && ((s[0] == '*' && s[1] == ' ') || (s[0] == '=' && s[1] == '>')))
        return 1;
    return n >= 3 && memcmp(s, "```", 3) == 0;
}

int pack_gem_add(pack_gem *g, pack_gem_type t, const char *text, size_t n)
{
    static const char *const prefix[] = {"", "# ", "## ", "### ", "* ", "> ", ""};
    sat_buf tmp = {0};
    int grp;
    int rc = SAT_E_NOMEM;

    if (g->in_pre && pack_gem_pre_close(g) != 0)
        return SAT_E_NOMEM;
    if (append_collapsed(&tmp, text, n) != 0)
        goto cleanup;
    if (tmp.len == 0) {
        rc = 0;
        goto cleanup;
    }
    grp = t == PACK_GEM_ITEM ? GRP_ITEM
        : t == PACK_GEM_QUOTE ? GRP_QUOTE
        : t == PACK_GEM_CUE ? GRP_CUE
        : GRP_SINGLE;
    if (gem_begin(g, grp) != 0)
        goto cleanup;
    if (sat_buf_puts(&g->out, prefix[t]) != 0)
        goto cleanup;
    if ((t == PACK_GEM_PARA || t == PACK_GEM_CUE) && looks_like_markup(tmp.data, tmp.len))
        if (sat_buf_append(&g->out, " ", 1) != 0)
            goto cleanup;
    if (sat_buf_append(&g->out, tmp.data, tmp.len) != 0 || sat_buf_append(&g->out, "\n", 1) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    sat_buf_free(&tmp);
    return rc;
}

int pack_gem_link(pack_gem *g, const char *url, size_t url_n, const char *label,
                  size_t label_n)
{
    size_t i;

    pack_in_trim(&url, &url_n);
    if (url_n == 0)
        return 0;
    if (g->in_pre && pack_gem_pre_close(g) != 0)
        return SAT_E_NOMEM;
    if (gem_begin(g, GRP_LINK) != 0 || sat_buf_puts(&g->out, "=> ") != 0)
        return SAT_E_NOMEM;
    for (i = 0; i < url_n; i++) {
        int rc = pack_in_is_space(url[i]) || url[i] == '\n' ? sat_buf_puts(&g->out, "%20")
                                                           : sat_buf_append(&g->out, url + i, 1);
        if (rc != 0)
            return SAT_E_NOMEM;
    }
    pack_in_trim(&label, &label_n);
    if (label_n > 0) {
        if (sat_buf_append(&g->out, " ", 1) != 0 || append_collapsed(&g->out, label, label_n) != 0)
            return SAT_E_NOMEM;
    }
    return sat_buf_append(&g->out, "\n", 1) != 0 ? SAT_E_NOMEM : 0;
}

int pack_gem_pre_open(pack_gem *g, const char *alt, size_t n)
{
    if (g->in_pre && pack_gem_pre_close(g) != 0)
        return SAT_E_NOMEM;
    g->pre_start = g->out.len;
    g->pre_prev = g->last;
    if (gem_begin(g, GRP_PRE) != 0 || sat_buf_puts(&g->out, "```") != 0)
        return SAT_E_NOMEM;
    pack_in_trim(&alt, &n);
    if (n > 0 && append_collapsed(&g->out, alt, n) != 0)
        return SAT_E_NOMEM;
    if (sat_buf_append(&g->out, "\n", 1) != 0)
        return SAT_E_NOMEM;
    g->in_pre = 1;
    g->pre_text = 0;
    g->pre_end = g->out.len;
    return 0;
}

int pack_gem_pre_line(pack_gem *g, const char *s, size_t n)
{
    size_t i;

    while (n > 0 && pack_in_is_space(s[n - 1]))
        n--;
    if (n >= 3 && memcmp(s, "```", 3) == 0 && sat_buf_append(&g->out, " ", 1) != 0)
        return SAT_E_NOMEM;
    for (i = 0; i < n; i++)
        if (sat_buf_append(&g->out, s[i] == '\t' ? " " : s + i, 1) != 0)
            return SAT_E_NOMEM;
    if (sat_buf_append(&g->out, "\n", 1) != 0)
        return SAT_E_NOMEM;
    if (n > 0) {
        g->pre_end = g->out.len;
        g->pre_text = 1;
    }
    return 0;
}

int pack_gem_pre_close(pack_gem *g)
{
    if (!g->in_pre)
        return 0;
    g->in_pre = 0;
    if (!g->pre_text) {
        /* nothing but the opening line: drop the whole block */
        g->out.len = g->pre_start;
        if (g->out.data != NULL)
            g->out.data[g->out.len] = '\0';
        g->last = g->pre_prev;
        return 0;
    }
    g->out.len = g->pre_end; /* drop trailing blank lines inside the block */
    return sat_buf_puts(&g->out, "```\n") != 0 ? SAT_E_NOMEM : 0;
}

int pack_gem_links_add(sat_buf *pairs, const char *url, size_t url_n, const char *label,
                       size_t label_n)
{
    if (sat_buf_append(pairs, url, url_n) != 0 || sat_buf_append(pairs, "", 1) != 0 ||
        sat_buf_append(pairs, label, label_n) != 0 || sat_buf_append(pairs, "", 1) != 0)
        return SAT_E_NOMEM;
    return 0;
}

int pack_gem_links_emit(pack_gem *g, const sat_buf *pairs)
{
    size_t i = 0;

    while (i < pairs->len) {
        const char *url = pairs->data + i;
        size_t un = strlen(url);
        const char *label = url + un + 1;
        size_t ln = strlen(label);

        if (pack_gem_link(g, url, un, label, ln) != 0)
            return SAT_E_NOMEM;
        i += un + 1 + ln + 1;
    }
    pack_gem_break_links(g);
    return 0;
}

void pack_gem_break_links(pack_gem *g)
{
    if (g->last == GRP_LINK)
        g->last = GRP_SINGLE;
}

void pack_gem_free(pack_gem *g)
{
    sat_buf_free(&g->out);
    g->last = GRP_NONE;
    g->in_pre = 0;
    g->pre_end = 0;
    g->pre_text = 0;
}

/* ------------------------------------------------------------------------
 * Metadata helpers
 * ------------------------------------------------------------------------ */

char *pack_in_field(const char *s, size_t n)
{
    sat_buf b = {0};
    char *r;

    if (sat_buf_append(&b, "", 0) != 0 || append_collapsed(&b, s, n) != 0) {
        sat_buf_free(&b);
        return NULL;
    }
    r = b.data;
    return r;
}

static const char *const known_keys[] = {"title", "date", "author", "source", "lang",
                                         "section", "tags", "id", "kind"};
#define N_NOTE_KEYS 7
#define N_FRONT_KEYS 9

static int key_is(const char *key, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(key, name, n) == 0;
}

int pack_in_key_known(const char *key, size_t n, int front)
{
    size_t i;
    size_t lim = front ? N_FRONT_KEYS : N_NOTE_KEYS;

    for (i = 0; i < lim; i++)
        if (key_is(key, n, known_keys[i]))
            return 1;
    return 0;
}

int pack_in_split_kv(const char *s, size_t n, const char **key, size_t *klen, const char **val,
                     size_t *vlen)
{
    const char *colon = memchr(s, ':', n);
    size_t i;

    if (colon == NULL)
        return -1;
    *key = s;
    *klen = (size_t)(colon - s);
    pack_in_trim(key, klen);
    if (*klen == 0)
        return -1;
    for (i = 0; i < *klen; i++) {
        char c = (*key)[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-'))
            return -1;
    }
    *val = colon + 1;
    *vlen = n - (size_t)(colon + 1 - s);
    pack_in_trim(val, vlen);
    if (*vlen >= 2 && ((*val)[0] == '"' || (*val)[0] == '\'') && (*val)[*vlen - 1] == (*val)[0]) {
        (*val)++;
        *vlen -= 2;
    }
    return 0;
}

/* Builds "a,b" from "[a, b]" or "a, b" (items trimmed, unquoted, empties dropped). */
static char *tags_norm(const char *v, size_t n)
{
    sat_buf b = {0};
    size_t i = 0;

    pack_in_trim(&v, &n);
    if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
        v++;
        n -= 2;
    }
    if (sat_buf_append(&b, "", 0) != 0)
        goto nomem;
    while (i <= n) {
        size_t j = i;
        const char *item;
        size_t ilen;

        while (j < n && v[j] != ',')
            j++;
        item = v + i;
        ilen = j - i;
        pack_in_trim(&item, &ilen);
        if (ilen >= 2 && (item[0] == '"' || item[0] == '\'') && item[ilen - 1] == item[0]) {
            item++;
            ilen -= 2;
        }
        pack_in_trim(&item, &ilen);
        if (ilen > 0) {
            if (b.len > 0 && sat_buf_append(&b, ",", 1) != 0)
                goto nomem;
            if (append_collapsed(&b, item, ilen) != 0)
                goto nomem;
        }
        i = j + 1;
    }
    return b.data;
nomem:
    sat_buf_free(&b);
    return NULL;
}

int pack_in_meta_set(sat_meta *m, sat_kind *kind_out, const char *key, size_t klen,
                     const char *val, size_t vlen, const char *relpath, size_t line,
                     sat_err *err)
{
    char **slot = NULL;
    size_t max = SAT_FIELD_MAX;
    char *v = NULL;
    char date[21];
    const char *name = NULL;
    size_t i;

    for (i = 0; i < N_FRONT_KEYS; i++)
        if (key_is(key, klen, known_keys[i]))
            name = known_keys[i];
    if (name == NULL)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: unknown key '%.*s' (expected title, date, author, source, "
                           "lang, section, tags, id or kind)",
                           relpath, line, (int)klen, key);
    if (vlen == 0)
        return 0; /* "key:" with no value leaves the field unset */
    if (strcmp(name, "kind") == 0) {
        if (vlen == 7 && memcmp(val, "article", 7) == 0)
            *kind_out = SAT_KIND_ARTICLE;
        else if (vlen == 10 && memcmp(val, "transcript", 10) == 0)
            *kind_out = SAT_KIND_TRANSCRIPT;
        else
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: kind must be 'article' or 'transcript', not '%.*s'",
                               relpath, line, (int)vlen, val);
        return 0;
    }
    slot = strcmp(name, "title") == 0     ? &m->title
         : strcmp(name, "date") == 0      ? &m->date
         : strcmp(name, "author") == 0    ? &m->author
         : strcmp(name, "source") == 0    ? &m->source
         : strcmp(name, "lang") == 0      ? &m->lang
         : strcmp(name, "section") == 0   ? &m->section
         : strcmp(name, "tags") == 0      ? &m->tags
                                          : &m->id;
    if (*slot != NULL)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: '%s' is given twice", relpath, line, name);
    if (slot == &m->date) {
        if (pack_in_date_norm(val, vlen, date) != 0 || !sat_date_valid(date, strlen(date)))
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: date '%.*s' is not a date Satchel reads (write it as "
                               "YYYY-MM-DD, YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DDThh:mm:ss+hh:mm; "
                               "docs/INPUT.md lists the other forms)",
                               relpath, line, (int)vlen, val);
        v = strdup(date);
    } else if (slot == &m->id) {
        if (!sat_id_valid(val, vlen))
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: id '%.*s' must be 1 to %d characters of A-Z a-z 0-9 . _ "
                               "- and not start with '.' or '-'",
                               relpath, line, (int)vlen, val, SAT_ID_MAX);
        v = strndup(val, vlen);
    } else if (slot == &m->lang) {
        char tag[SAT_LANG_MAX + 1];

        if (pack_in_lang_norm(val, vlen, tag) != 0)
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: lang '%.*s' is not a language tag such as 'en', 'ko' or "
                               "'ko-KR'",
                               relpath, line, (int)vlen, val);
        v = strdup(tag);
    } else {
        if (slot == &m->title)
            max = SAT_TITLE_MAX;
        v = slot == &m->tags ? tags_norm(val, vlen) : pack_in_field(val, vlen);
        if (v == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        if (v[0] == '\0') {
            free(v);
            return 0;
        }
        if (!sat_field_valid(v, strlen(v), max)) {
            free(v);
            return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: %s is too long (at most %zu bytes)",
                               relpath, line, name, max);
        }
    }
    if (v == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
    *slot = v;
    return 0;
}

static const char *base_name(const char *relpath)
{
    const char *slash = strrchr(relpath, '/');

    return slash != NULL ? slash + 1 : relpath;
}

char *pack_in_title_from_name(const char *relpath)
{
    const char *base = base_name(relpath);
    const char *dot = strrchr(base, '.');
    size_t n = (dot != NULL && dot != base) ? (size_t)(dot - base) : strlen(base);
    char *tmp = strndup(base, n);
    char *r;
    size_t i;

    if (tmp == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if (tmp[i] == '-' || tmp[i] == '_')
            tmp[i] = ' ';
    r = pack_in_field(tmp, n);
    free(tmp);
    if (r != NULL && r[0] == '\0') {
        free(r);
        r = pack_in_field(base, strlen(base));
    }
    return r;
}

char *pack_in_date_from_name(const char *relpath)
{
    const char *base = base_name(relpath);
    size_t n = strlen(base);
    size_t i;
    char out[21];

    for (i = 0; i + 10 <= n; i++) {
        if (i > 0 && base[i - 1] >= '0' && base[i - 1] <= '9')
            continue;
        if (i + 10 < n && base[i + 10] >= '0' && base[i + 10] <= '9')
            continue;
        if (base[i + 4] == '-' && base[i + 7] == '-' && pack_in_date_norm(base + i, 10, out) == 0)
            return strdup(out);
    }
    return NULL;
}

int pack_in_entity(const char *s, size_t n, sat_buf *out)
{
    static const struct {
        const char *name;
        const char *text;
    } ents[] = {{"&amp;", "&"},   {"&lt;", "<"},    {"&gt;", ">"}, {"&quot;", "\""},
                {"&apos;", "'"},  {"&nbsp;", " "},  {"&lrm;", ""}, {"&rlm;", ""}};
    size_t i;

    for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
        size_t len = strlen(ents[i].name);
        if (n >= len && memcmp(s, ents[i].name, len) == 0)
            return sat_buf_puts(out, ents[i].text) != 0 ? -1 : (int)len;
    }
    if (n >= 4 && s[1] == '#') {
        uint32_t cp = 0;
        size_t j = 2;
        int hex = (s[2] == 'x' || s[2] == 'X');
        size_t digits = 0;
        char enc[4];

        if (hex)
            j++;
        for (; j < n && digits < 8; j++, digits++) {
            char c = s[j];
            unsigned v;
            if (c >= '0' && c <= '9')
                v = (unsigned)(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                v = (unsigned)(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                v = (unsigned)(c - 'A' + 10);
            else
                break;
            cp = cp * (hex ? 16 : 10) + v;
        }
        if (digits == 0 || j >= n || s[j] != ';')
            return 0;
        /* controls, surrogates and out-of-range values are not decoded */
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xD800 && cp <= 0xDFFF) ||
            cp > 0x10FFFF)
            return 0;
        if (sat_buf_append(out, enc, sat_utf8_encode(cp, enc)) != 0)
            return -1;
        return (int)(j + 1);
    }
    return 0;
}

/* Replaces the malloc'd string *f by its NFC. Strings that are not valid UTF-8 are left
 * for sat_meta_check to report with the field's name. */
static int nfc_field(char **f, sat_err *err)
{
    char *n = NULL;
    size_t nl;
    int rc;

    if (*f == NULL || !sat_utf8_valid(*f, strlen(*f), NULL) || pack_nfc_quick(*f, strlen(*f)))
        return 0;
    rc = pack_nfc(*f, strlen(*f), &n, &nl, err);
    if (rc != 0)
        return rc;
    free(*f);
    *f = n;
    return 0;
}

/* The NFC of a gemtext body. NFC keeps the lines (it never adds or removes an LF) and
 * almost all markup, but U+1FEF GREEK VARIA becomes '`': a line that starts with "```"
 * only after normalising gets a leading space, as pack_gem_pre_line would give it. */
static int nfc_body(pack_doc *doc, sat_err *err)
{
    char *n = NULL;
    size_t nl = 0;
    sat_buf fixed = {0};
    pack_in_lines a, b;
    const char *la, *lb;
    size_t na, nb;
    int rc;

    if (sat_utf8_valid(doc->body, doc->body_len, NULL) &&
        pack_nfc_quick(doc->body, doc->body_len))
        return 0;
    rc = pack_nfc(doc->body, doc->body_len, &n, &nl, err);
    if (rc != 0)
        return rc;
    if (nl == doc->body_len && memcmp(n, doc->body, nl) == 0) {
        free(n);
        return 0;
    }
    pack_in_lines_init(&a, doc->body, doc->body_len);
    pack_in_lines_init(&b, n, nl);
    while (pack_in_lines_next(&b, &lb, &nb) && pack_in_lines_next(&a, &la, &na)) {
        int fence = nb >= 3 && memcmp(lb, "```", 3) == 0 && !(na >= 3 && memcmp(la, "```", 3) == 0);

        if ((fence && sat_buf_append(&fixed, " ", 1) != 0) ||
            sat_buf_append(&fixed, lb, nb) != 0 || sat_buf_append(&fixed, "\n", 1) != 0) {
            sat_buf_free(&fixed);
            free(n);
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        }
    }
    free(n);
    free(doc->body);
    doc->body = fixed.data;
    doc->body_len = fixed.len;
    return 0;
}

/* NFC of the body and of every metadata string. */
static int doc_nfc(pack_doc *doc, sat_err *err)
{
    char **fields[] = {&doc->meta.id,     &doc->meta.parent, &doc->meta.title,
                       &doc->meta.date,   &doc->meta.lang,   &doc->meta.section,
                       &doc->meta.source, &doc->meta.author, &doc->meta.tags};
    size_t i;
    int rc;

    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        rc = nfc_field(fields[i], err);
        if (rc != 0)
            return rc;
    }
    return nfc_body(doc, err);
}

int pack_in_doc_finish(pack_doc *doc, const char *relpath, sat_kind kind, pack_gem *g,
                       sat_err *err)
{
    int rc;

    doc->meta.kind = kind;
    doc->relpath = strdup(relpath);
    if (doc->relpath == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        goto fail;
    }
    if (doc->meta.id == NULL) {
        doc->meta.id = pack_id_from_path(relpath, 0);
        if (doc->meta.id == NULL) {
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "%s: cannot make an id from this file name; rename the file",
                             relpath);
            goto fail;
        }
    }
    if (doc->meta.title == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: missing title", relpath);
        goto fail;
    }
    if (pack_gem_pre_close(g) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        goto fail;
    }
    if (g->out.len == 0) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: no text besides the title", relpath);
        goto fail;
    }
    doc->body = g->out.data;
    doc->body_len = g->out.len;
    memset(&g->out, 0, sizeof g->out);
    rc = doc_nfc(doc, err);
    if (rc != 0) {
        sat_err_prefix(err, "%s", relpath);
        goto fail;
    }
    rc = sat_meta_check(&doc->meta, err);
    if (rc != 0) {
        sat_err_prefix(err, "%s", relpath);
        goto fail;
    }
    return 0;
fail:
    pack_doc_free(doc);
    return rc;
}

/* ------------------------------------------------------------------------
 * Local media references (Markdown and HTML images)
 * ------------------------------------------------------------------------ */

int pack_in_is_url(const char *s, size_t n)
{
    size_t i = 1;

    if (n >= 2 && s[0] == '/' && s[1] == '/')
        return 1;
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return 0;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '.' || s[i] == '-'))
        i++;
    return i >= 2 && i < n && s[i] == ':';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int is_md_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

int pack_in_local_path(const char *dir, const char *p, size_t n, int md_escapes, sat_buf *out)
{
    sat_buf raw = {0};
    size_t i;
    int rc = SAT_E_NOMEM;

    if (n > 0 && p[0] == '/') {
        p++;
        n--;
    } else if (sat_buf_puts(&raw, dir) != 0) {
        goto cleanup;
    }
    for (i = 0; i < n; i++) {
        char c = p[i];
        if (c == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            c = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            i += 2;
        } else if (md_escapes && c == '\\' && i + 1 < n && is_md_punct(p[i + 1])) {
            c = p[++i];
        }
        if (sat_buf_append(&raw, &c, 1) != 0)
            goto cleanup;
    }
    if (sat_buf_append(out, "", 0) != 0)
        goto cleanup;
    i = 0;
    while (i < raw.len) {
        size_t j = i;
        while (j < raw.len && raw.data[j] != '/')
            j++;
        if (j - i == 0 || (j - i == 1 && raw.data[i] == '.')) {
            /* skip empty and "." segments */
        } else if (j - i == 2 && raw.data[i] == '.' && raw.data[i + 1] == '.') {
            char *slash;
            if (out->len == 0) {
                rc = 1;
                goto cleanup;
            }
            out->data[out->len] = '\0';
            slash = strrchr(out->data, '/');
            out->len = slash != NULL ? (size_t)(slash - out->data) : 0;
            out->data[out->len] = '\0';
        } else {
            if (out->len > 0 && sat_buf_append(out, "/", 1) != 0)
                goto cleanup;
            if (sat_buf_append(out, raw.data + i, j - i) != 0)
                goto cleanup;
        }
        i = j + 1;
    }
    rc = out->len == 0 ? 1 : 0;
cleanup:
    sat_buf_free(&raw);
    return rc;
}

int pack_in_media_ref(const char *dir, const char *p, size_t n, int md_escapes,
                      pack_media_fn fn, void *ctx, const char *where, size_t line, sat_buf *url,
                      sat_err *err)
{
    sat_buf path = {0};
    char *own_id = NULL;
    const char *id = NULL;
    char at[32] = "";
    int rc;

    if (line > 0)
        snprintf(at, sizeof at, ":%zu", line);
    rc = pack_in_local_path(dir, p, n, md_escapes, &path);
    if (rc != 0)
        goto cleanup;
    if (fn != NULL) {
        rc = fn(ctx, path.data, &id, err);
        if (rc == SAT_E_NOTFOUND)
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "%s%s: image '%.*s' is not an image or audio file in the source "
                             "folder",
                             where, at, (int)n, p);
        if (rc != 0)
            goto cleanup;
    } else {
        own_id = pack_id_from_path(path.data, 1);
        if (own_id == NULL) {
            rc = sat_err_set(err, SAT_E_FORMAT, "%s%s: image '%.*s' has no usable name", where,
                             at, (int)n, p);
            goto cleanup;
        }
        id = own_id;
    }
    rc = 0;
    if (sat_buf_puts(url, "attachment:") != 0 || sat_buf_puts(url, id) != 0)
        rc = SAT_E_NOMEM;
cleanup:
    if (rc == SAT_E_NOMEM)
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", where);
    free(own_id);
    sat_buf_free(&path);
    return rc;
}
