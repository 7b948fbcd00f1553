/*
 * input_config.c - the bundle config file "satchel.conf" (see pack_config.h and
 * docs/INPUT.md, "The config file"): bundle-wide settings, then [section FOLDER] and
 * [file PATH] blocks. Strict: every unknown key, repeated key or block, bad value or
 * malformed line is an error naming the line.
 */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_common.h"
#include "pack_archive.h"
#include "pack_config.h"

/* Bytes of a charset name. */
#define CONF_CHARSET_MAX 40

typedef enum conf_kind { CONF_SECTION = 0, CONF_FILE = 1 } conf_kind;

typedef struct conf_block {
    char *path;     /* cleaned relative path */
    size_t line;    /* line of the [...] header */
    int used;       /* matched a path in pack_config_apply */
    char *name;     /* [section]: the section name */
    sat_meta meta;  /* [file]: the fields it sets */
} conf_block;

typedef struct conf_list {
    conf_block *v;
    size_t n, cap;
} conf_list;

struct pack_config {
    char *relpath; /* the config file's name, for messages */
    char *title, *publisher, *lang, *charset;
    pack_config_bundle bundle;
    conf_list sections, files; /* sorted by path after parsing */
};

static const char *const FILE_KEYS[] = {"title", "date",    "author", "source",
                                        "lang",  "section", "tags",   "id"};
#define N_FILE_KEYS (sizeof FILE_KEYS / sizeof FILE_KEYS[0])

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

/* 1 if s[0..n) equals the lower-case word w, ignoring ASCII case. */
static int word_is(const char *s, size_t n, const char *w)
{
    if (strlen(w) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

/* Removes one pair of matching outer quotes ("..." or '...'). */
static void unquote(const char **s, size_t *n)
{
    if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') && (*s)[*n - 1] == (*s)[0]) {
        (*s)++;
        *n -= 2;
    }
}

static conf_block *list_add(conf_list *l)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        conf_block *nv = realloc(l->v, ncap * sizeof *nv);
        if (nv == NULL)
            return NULL;
        l->v = nv;
        l->cap = ncap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[l->n]);
    return &l->v[l->n++];
}

static int block_cmp(const void *x, const void *y)
{
    const conf_block *a = x, *b = y;
    int c = strcmp(a->path, b->path);

    return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

/* The block for exactly path[0..n) in a sorted list, or NULL. */
static conf_block *list_find(const conf_list *l, const char *path, size_t n)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *p = l->v[mid].path;
        int c = strncmp(p, path, n);
        if (c == 0)
            c = p[n] != '\0'; /* p longer: p sorts after path */
        if (c == 0)
            return &l->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Sorts a list and fails on the first (in file order) path given twice. */
static int list_sort(pack_config *c, conf_list *l, const char *what, sat_err *err)
{
    const conf_block *dup = NULL, *first = NULL;

    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, block_cmp);
    for (size_t i = 1; i < l->n; i++)
        if (strcmp(l->v[i - 1].path, l->v[i].path) == 0 && (dup == NULL || l->v[i].line < dup->line)) {
            dup = &l->v[i];
            first = &l->v[i - 1];
        }
    if (dup == NULL)
        return 0;
    return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: [%s %s] is given twice (first on line %zu)",
                       c->relpath, dup->line, what, dup->path, first->line);
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

/* A "[section PATH]" or "[file PATH]" line (trimmed, starts with '['). */
static int parse_header(pack_config *c, const char *s, size_t n, size_t line,
                        conf_block **cur, conf_kind *kind, sat_err *err)
{
    char clean[PACK_ARCHIVE_NAME_MAX + 1];
    char raw[PACK_ARCHIVE_NAME_MAX + 1];
    const char *why = NULL, *p;
    size_t wl = 0, pn;
    conf_block *b;

    if (s[n - 1] != ']')
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: a block line is '[section FOLDER]' or '[file PATH]' and "
                           "ends with ']'",
                           c->relpath, line);
    s++;
    n -= 2;
    while (wl < n && !pack_in_is_space(s[wl]))
        wl++;
    if (word_is(s, wl, "section"))
        *kind = CONF_SECTION;
    else if (word_is(s, wl, "file"))
        *kind = CONF_FILE;
    else
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: unknown block '[%.*s' (expected [section FOLDER] or "
                           "[file PATH])",
                           c->relpath, line, (int)(wl > 40 ? 40 : wl), s);
    p = s + wl;
    pn = n - wl;
    pack_in_trim(&p, &pn);
    unquote(&p, &pn);
    if (pn == 0)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: [%s] needs a path: [%s %s]", c->relpath,
                           line, *kind == CONF_FILE ? "file" : "section",
                           *kind == CONF_FILE ? "file" : "section",
                           *kind == CONF_FILE ? "news/flood.html" : "news/ko");
    if (pn > PACK_ARCHIVE_NAME_MAX || memchr(p, '\0', pn) != NULL)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: path longer than %d bytes", c->relpath,
                           line, PACK_ARCHIVE_NAME_MAX);
    memcpy(raw, p, pn);
    raw[pn] = '\0';
    if (pack_archive_name_clean(raw, clean, &why) < 0)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: path '%s': %s (paths are relative to "
                           "the source folder, with '/' between folders)",
                           c->relpath, line, raw, why);
    b = list_add(*kind == CONF_FILE ? &c->files : &c->sections);
    if (b == NULL || (b->path = strdup(clean)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", c->relpath);
    b->line = line;
    *cur = b;
    return 0;
}

/* A bundle-wide setting (before the first block). */
static int parse_bundle_key(pack_config *c, const char *k, size_t kl, const char *v, size_t vl,
                            size_t line, sat_err *err)
{
    char **slot = word_is(k, kl, "title")       ? &c->title
                : word_is(k, kl, "publisher") ? &c->publisher
                : word_is(k, kl, "lang")      ? &c->lang
                : word_is(k, kl, "charset")   ? &c->charset
                                              : NULL;
    sat_meta m = {0};
    int rc;

    if (slot == NULL)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: unknown setting '%.*s' (expected title, publisher, lang or "
                           "charset before the first [section] or [file] block)",
                           c->relpath, line, (int)(kl > 40 ? 40 : kl), k);
    if (*slot != NULL)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: '%.*s' is given twice", c->relpath, line,
                           (int)kl, k);
    if (slot == &c->charset) {
        iconv_t cd;
        char name[CONF_CHARSET_MAX + 1];
        size_t i;

        for (i = 0; i < vl && i < CONF_CHARSET_MAX; i++) {
            char ch = v[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '-' || ch == '_' || ch == '.' || ch == ':'))
                break;
            name[i] = ch;
        }
        name[i] = '\0';
        cd = i == vl ? iconv_open("UTF-8", name) : (iconv_t)-1;
        if (cd == (iconv_t)-1)
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: unknown charset '%.*s' (for example utf-8, euc-kr, cp949, "
                               "windows-1252)",
                               c->relpath, line, (int)(vl > 40 ? 40 : vl), v);
        iconv_close(cd);
        *slot = strdup(name);
    } else if (slot == &c->publisher) {
        *slot = pack_in_field(v, vl);
        if (*slot != NULL && !sat_field_valid(*slot, strlen(*slot), SAT_FIELD_MAX)) {
            free(*slot);
            *slot = NULL;
            return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: publisher is too long (at most %d bytes)",
                               c->relpath, line, SAT_FIELD_MAX);
        }
    } else {
        /* title and lang follow the entry rules (and messages) of front matter */
        rc = pack_in_meta_set(&m, NULL, k, kl, v, vl, c->relpath, line, err);
        if (rc != 0)
            return rc;
        *slot = slot == &c->title ? m.title : m.lang;
        m.title = m.lang = NULL;
        sat_meta_free(&m);
    }
    if (*slot == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", c->relpath);
    return 0;
}

/* A "key = value" line inside a block. */
static int parse_block_key(pack_config *c, conf_block *b, conf_kind kind, const char *k,
                           size_t kl, const char *v, size_t vl, size_t line, sat_err *err)
{
    size_t i;

    if (kind == CONF_SECTION) {
        if (!word_is(k, kl, "name"))
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: unknown key '%.*s' in [section %s] (expected name)",
                               c->relpath, line, (int)(kl > 40 ? 40 : kl), k, b->path);
        if (b->name != NULL)
            return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: 'name' is given twice", c->relpath,
                               line);
        b->name = pack_in_field(v, vl);
        if (b->name == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", c->relpath);
        if (!sat_field_valid(b->name, strlen(b->name), SAT_FIELD_MAX))
            return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: name is too long (at most %d bytes)",
                               c->relpath, line, SAT_FIELD_MAX);
        return 0;
    }
    for (i = 0; i < N_FILE_KEYS; i++)
        if (word_is(k, kl, FILE_KEYS[i]))
            break;
    if (i == N_FILE_KEYS)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: unknown key '%.*s' in [file %s] (expected title, date, "
                           "author, source, lang, section, tags or id)",
                           c->relpath, line, (int)(kl > 40 ? 40 : kl), k, b->path);
    return pack_in_meta_set(&b->meta, NULL, k, kl, v, vl, c->relpath, line, err);
}

/* One non-blank, non-comment line (trimmed). */
static int parse_line(pack_config *c, const char *s, size_t n, size_t line, conf_block **cur,
                      conf_kind *kind, sat_err *err)
{
    const char *eq, *k, *v;
    size_t kl, vl, i;

    if (s[0] == '[')
        return parse_header(c, s, n, line, cur, kind, err);
    eq = memchr(s, '=', n);
    if (eq == NULL)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: expected 'key = value', '[section FOLDER]', '[file PATH]' "
                           "or a '#' comment",
                           c->relpath, line);
    k = s;
    kl = (size_t)(eq - s);
    pack_in_trim(&k, &kl);
    for (i = 0; i < kl; i++)
        if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') || k[i] == '_'))
            break;
    if (kl == 0 || i < kl)
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: a key is a word before '=' (such as "
                           "'title = ...')", c->relpath, line);
    v = eq + 1;
    vl = n - (size_t)(v - s);
    pack_in_trim(&v, &vl);
    unquote(&v, &vl);
    if (pack_in_is_blank(v, vl))
        return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: '%.*s' has no value", c->relpath, line,
                           (int)kl, k);
    if (*cur == NULL)
        return parse_bundle_key(c, k, kl, v, vl, line, err);
    return parse_block_key(c, *cur, *kind, k, kl, v, vl, line, err);
}

int pack_config_parse(const char *relpath, const char *data, size_t len, pack_config **out,
                      sat_err *err)
{
    pack_config *c = calloc(1, sizeof *c);
    sat_buf text = {0};
    pack_in_lines it;
    conf_block *cur = NULL;
    conf_kind kind = CONF_SECTION;
    const char *s;
    size_t n;
    int rc;

    *out = NULL;
    if (c == NULL || (c->relpath = strdup(relpath)) == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        goto fail;
    }
    rc = pack_in_prepare(relpath, data, len, &text, err); /* UTF-8, BOM, CRLF, controls */
    if (rc != 0) {
        if (rc == SAT_E_LIMIT)
            rc = SAT_E_FORMAT; /* over 16 MiB: not a config file */
        goto fail;
    }
    pack_in_lines_init(&it, text.data != NULL ? text.data : "", text.len);
    while (pack_in_lines_next(&it, &s, &n)) {
        pack_in_trim(&s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        rc = parse_line(c, s, n, it.lineno, &cur, &kind, err);
        if (rc != 0)
            goto fail;
    }
    for (size_t i = 0; i < c->sections.n; i++)
        if (c->sections.v[i].name == NULL) {
            rc = sat_err_set(err, SAT_E_FORMAT, "%s:%zu: [section %s] has no 'name = ...'",
                             relpath, c->sections.v[i].line, c->sections.v[i].path);
            goto fail;
        }
    if ((rc = list_sort(c, &c->sections, "section", err)) != 0 ||
        (rc = list_sort(c, &c->files, "file", err)) != 0)
        goto fail;
    c->bundle = (pack_config_bundle){c->title, c->publisher, c->lang, c->charset};
    sat_buf_free(&text);
    *out = c;
    return 0;
fail:
    sat_buf_free(&text);
    pack_config_free(c);
    return rc;
}

/* ------------------------------------------------------------------------
 * Using it
 * ------------------------------------------------------------------------ */

const pack_config_bundle *pack_config_get(const pack_config *c)
{
    return c != NULL ? &c->bundle : NULL;
}

/* Replaces *dst with a copy of src when src is set (force) or *dst is empty. */
static int field_put(char **dst, const char *src, int force)
{
    char *v;

    if (src == NULL || (!force && *dst != NULL && (*dst)[0] != '\0'))
        return 0;
    v = strdup(src);
    if (v == NULL)
        return SAT_E_NOMEM;
    free(*dst);
    *dst = v;
    return 0;
}

static int meta_override(sat_meta *m, const sat_meta *o)
{
    if (field_put(&m->title, o->title, 1) != 0 || field_put(&m->date, o->date, 1) != 0 ||
        field_put(&m->author, o->author, 1) != 0 || field_put(&m->source, o->source, 1) != 0 ||
        field_put(&m->lang, o->lang, 1) != 0 || field_put(&m->section, o->section, 1) != 0 ||
        field_put(&m->tags, o->tags, 1) != 0 || field_put(&m->id, o->id, 1) != 0)
        return SAT_E_NOMEM;
    return 0;
}

int pack_config_apply(pack_config *c, const char *relpath, sat_meta *m, sat_err *err)
{
    size_t n, base;
    conf_block *b, *nearest = NULL;

    if (c == NULL)
        return 0;
    n = strlen(relpath);
    /* a feed item "feed.xml#N": first the feed's block, then the item's own */
    base = n;
    while (base > 0 && relpath[base - 1] >= '0' && relpath[base - 1] <= '9')
        base--;
    if (base > 1 && base < n && relpath[base - 1] == '#') {
        base--;
        if ((b = list_find(&c->files, relpath, base)) != NULL) {
            b->used = 1;
            if (meta_override(m, &b->meta) != 0)
                goto nomem;
        }
    } else {
        base = n;
    }
    if ((b = list_find(&c->files, relpath, n)) != NULL) {
        b->used = 1;
        if (meta_override(m, &b->meta) != 0)
            goto nomem;
    }
    /* every folder of the path that has a section block is used; the deepest names it */
    for (size_t k = 0; k < base; k++) {
        if (relpath[k] != '/')
            continue;
        if ((b = list_find(&c->sections, relpath, k)) != NULL) {
            b->used = 1;
            nearest = b;
        }
    }
    if ((nearest != NULL && field_put(&m->section, nearest->name, 0) != 0) ||
        field_put(&m->lang, c->lang, 0) != 0)
        goto nomem;
    return 0;
nomem:
    return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
}

static int line_cmp(const void *x, const void *y)
{
    const conf_block *a = *(const conf_block *const *)x, *b = *(const conf_block *const *)y;

    return (a->line > b->line) - (a->line < b->line);
}

void pack_config_unused(const pack_config *c, void (*fn)(void *ctx, const char *msg),
                        void *ctx)
{
    const conf_block **v;
    size_t n = 0;
    char msg[SAT_ERR_MSG_MAX];

    if (c == NULL || c->sections.n + c->files.n == 0)
        return;
    v = malloc((c->sections.n + c->files.n) * sizeof *v);
    if (v == NULL)
        return; /* only warnings are lost */
    for (size_t i = 0; i < c->sections.n; i++)
        if (!c->sections.v[i].used)
            v[n++] = &c->sections.v[i];
    for (size_t i = 0; i < c->files.n; i++)
        if (!c->files.v[i].used)
            v[n++] = &c->files.v[i];
    qsort(v, n, sizeof *v, line_cmp); /* in file order */
    for (size_t i = 0; i < n; i++) {
        if (v[i]->name != NULL)
            snprintf(msg, sizeof msg, "%s:%zu: [section %s] matched no file (is the folder "
                     "name right?)", c->relpath, v[i]->line, v[i]->path);
        else
            snprintf(msg, sizeof msg, "%s:%zu: [file %s] matched no file (is the path right?)",
                     c->relpath, v[i]->line, v[i]->path);
        fn(ctx, msg);
    }
    free(v);
}

static void list_free(conf_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].name);
        sat_meta_free(&l->v[i].meta);
    }
    free(l->v);
}

void pack_config_free(pack_config *c)
{
    if (c == NULL)
        return;
    list_free(&c->sections);
    list_free(&c->files);
    free(c->relpath);
    free(c->title);
    free(c->publisher);
    free(c->lang);
    free(c->charset);
    free(c);
}
