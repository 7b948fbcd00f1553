/*
 * input_markdown.c - Markdown (.md, .markdown) with optional front matter to gemtext.
 *
 * Blocks are read line by line (ATX and setext headings, paragraphs, lists, quotes,
 * fenced code, horizontal rules); inline markup is handled when a block is complete:
 * code spans, emphasis markers, links and images, HTML tags and entities. Links and
 * images become "=> url label" lines after their block.
 */
#include <stdlib.h>
#include <string.h>

#include "input_common.h"
#include "pack_input.h"
#include "sat_meta.h"
#include "sat_text.h"

enum { BLK_NONE = 0, BLK_PARA, BLK_ITEM, BLK_QUOTE };

/* Longest link text, code span or HTML tag looked for: keeps the inline pass linear
 * on hostile input such as a long run of unmatched '[' or '`'. */
#define MD_SPAN_MAX 16384
/* How many earlier emphasis delimiters a closing one is matched against. */
#define MD_DELIM_LOOKBACK 512

typedef struct md_state {
    const char *relpath;
    pack_md_media_fn fn;
    void *ctx;
    sat_meta *meta;
    sat_err *err;
    pack_gem gem;
    sat_buf block;     /* raw text of the open block, lines joined by spaces */
    int block_type;
    size_t block_line; /* line where the open block started */
    char *dir;         /* directory part of relpath, "" or ending with '/' */
    size_t budget;     /* bytes the inline pass may still scan ahead (see md_emit) */
} md_state;

/* A pending link line: url '\0' label '\0' pairs in a buffer. */
typedef struct md_links {
    sat_buf b;
} md_links;

static int oom(md_state *st)
{
    return sat_err_set(st->err, SAT_E_NOMEM, "%s: out of memory", st->relpath);
}

static int is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static int add_link(md_links *l, const char *url, size_t un, const char *label, size_t ln)
{
    return pack_gem_links_add(&l->b, url, un, label, ln);
}

static int emit_links(md_state *st, md_links *l)
{
    /* links of the next block form their own block */
    return pack_gem_links_emit(&st->gem, &l->b) != 0 ? oom(st) : 0;
}

/* ------------------------------------------------------------------------
 * Inline markup
 * ------------------------------------------------------------------------ */

typedef struct md_delim {
    size_t pos;   /* offset of the run in the output text */
    size_t count; /* run length left */
    char c;
    int can_open, can_close;
    int dead; /* cannot match any more (inside a matched pair) */
    size_t cut_start, cut_end; /* bytes removed at the start / end of the run */
} md_delim;

typedef struct md_inline {
    sat_buf text;
    md_delim *d;
    size_t nd, capd;
} md_inline;

static int push_delim(md_inline *in, md_delim dl)
{
    if (in->nd == in->capd) {
        size_t nc = in->capd ? in->capd * 2 : 16;
        md_delim *p;
        if (nc > ((size_t)-1) / sizeof *p)
            return SAT_E_NOMEM;
        p = realloc(in->d, nc * sizeof *p);
        if (p == NULL)
            return SAT_E_NOMEM;
        in->d = p;
        in->capd = nc;
    }
    in->d[in->nd++] = dl;
    return 0;
}

/* How far ahead of i a search may look: at most MD_SPAN_MAX and the remaining budget. */
static size_t md_window(const md_state *st, size_t n, size_t i)
{
    size_t w = n - i;

    if (w > MD_SPAN_MAX)
        w = MD_SPAN_MAX;
    if (w > st->budget)
        w = st->budget;
    return i + w;
}

/* Charges the budget for bytes scanned ahead. */
static void md_charge(md_state *st, size_t bytes)
{
    st->budget -= bytes < st->budget ? bytes : st->budget;
}

/* Finds the ']' closing the '[' at s[i] before lim; returns its offset or n. */
static size_t match_bracket(const char *s, size_t n, size_t i, size_t lim)
{
    int depth = 0;

    for (; i < lim; i++) {
        if (s[i] == '\\' && i + 1 < lim) {
            i++;
        } else if (s[i] == '[') {
            depth++;
        } else if (s[i] == ']' && --depth == 0) {
            return i;
        }
    }
    return n;
}

/* Parses "(dest "title")" at s[i] (looking no further than n); sets the destination span and returns the offset
 * after ')' or 0 when it is not a link destination. */
static size_t parse_dest(const char *s, size_t n, size_t i, const char **dest, size_t *dlen)
{
    size_t j;
    int paren = 0;

    if (i >= n || s[i] != '(')
        return 0;
    i++;
    while (i < n && is_ws(s[i]))
        i++;
    if (i < n && s[i] == '<') {
        j = i + 1;
        while (j < n && s[j] != '>' && s[j] != '<')
            j++;
        if (j >= n || s[j] != '>')
            return 0;
        *dest = s + i + 1;
        *dlen = j - i - 1;
        i = j + 1;
    } else {
        j = i;
        while (j < n && !is_ws(s[j])) {
            if (s[j] == '\\' && j + 1 < n)
                j++;
            else if (s[j] == '(')
                paren++;
            else if (s[j] == ')' && paren-- == 0)
                break;
            j++;
        }
        *dest = s + i;
        *dlen = j - i;
        i = j;
    }
    while (i < n && is_ws(s[i]))
        i++;
    if (i < n && (s[i] == '"' || s[i] == '\'' || s[i] == '(')) {
        char close = s[i] == '(' ? ')' : s[i];
        j = i + 1;
        while (j < n && s[j] != close)
            j++;
        if (j >= n)
            return 0;
        i = j + 1;
        while (i < n && is_ws(s[i]))
            i++;
    }
    if (i >= n || s[i] != ')')
        return 0;
    return i + 1;
}

static int md_inline_run(md_state *st, const char *s, size_t n, size_t line, sat_buf *plain,
                         md_links *links);

/* Handles an image: adds its link line. */
static int md_image(md_state *st, const char *dest, size_t dlen, const char *alt, size_t alen,
                    size_t line, md_links *links)
{
    sat_buf url = {0};
    int rc;

    pack_in_trim(&dest, &dlen);
    if (dlen == 0)
        return 0;
    if (pack_in_is_url(dest, dlen))
        return add_link(links, dest, dlen, alt, alen) != 0 ? oom(st) : 0;
    rc = pack_in_media_ref(st->dir, dest, dlen, 1, st->fn, st->ctx, st->relpath, line, &url,
                           st->err);
    if (rc == 1)
        rc = sat_err_set(st->err, SAT_E_FORMAT,
                         "%s:%zu: image '%.*s' points outside the source folder", st->relpath,
                         line, (int)dlen, dest);
    if (rc == 0 && add_link(links, url.data, url.len, alt, alen) != 0)
        rc = oom(st);
    sat_buf_free(&url);
    return rc;
}

/* Handles "[text](dest)" or "![alt](dest)" at s[i] (s[i] == '[' or '!'). Returns the
 * offset after it, or 0 if it is not a link; *rc receives an error. */
static size_t md_link(md_state *st, const char *s, size_t n, size_t i, size_t line,
                      md_inline *in, md_links *links, int *rc)
{
    int image = s[i] == '!';
    size_t open = image ? i + 1 : i;
    size_t lim = md_window(st, n, open);
    size_t close = match_bracket(s, n, open, lim);
    const char *dest = NULL;
    size_t dlen = 0;
    size_t after;
    sat_buf label = {0};

    *rc = 0;
    md_charge(st, (close < n ? close : lim) - open);
    if (close >= n)
        return 0;
    lim = md_window(st, n, close + 1);
    after = parse_dest(s, lim, close + 1, &dest, &dlen);
    md_charge(st, (after != 0 ? after : lim) - close - 1);
    if (after == 0)
        return 0;
    *rc = md_inline_run(st, s + open + 1, close - open - 1, line, &label, links);
    if (*rc != 0)
        goto cleanup;
    if (image) {
        *rc = md_image(st, dest, dlen, label.data != NULL ? label.data : "", label.len, line,
                       links);
    } else {
        if (label.len > 0 && sat_buf_append(&in->text, label.data, label.len) != 0)
            *rc = oom(st);
        else if (add_link(links, dest, dlen, label.data != NULL ? label.data : "", label.len))
            *rc = oom(st);
    }
cleanup:
    sat_buf_free(&label);
    return after;
}

/* Strips the matched emphasis delimiters and appends the result to plain. */
static int md_resolve_delims(md_inline *in, sat_buf *plain)
{
    size_t i, k, pos = 0;

    for (i = 0; i < in->nd; i++) {
        md_delim *c = &in->d[i];
        if (!c->can_close || c->dead)
            continue;
        for (k = i; k-- > 0 && i - k <= MD_DELIM_LOOKBACK;) {
            md_delim *o = &in->d[k];
            size_t m;
            if (o->c != c->c || !o->can_open || o->dead || o->count == 0 || c->count == 0)
                continue;
            m = o->count < c->count ? o->count : c->count;
            o->cut_end += m;
            o->count -= m;
            c->cut_start += m;
            c->count -= m;
            /* delimiters between the pair can no longer match across it */
            while (++k < i)
                in->d[k].dead = 1;
            break;
        }
    }
    for (i = 0; i < in->nd; i++) {
        md_delim *d = &in->d[i];
        size_t run = d->count + d->cut_start + d->cut_end;
        if (sat_buf_append(plain, in->text.data + pos, d->pos - pos) != 0)
            return SAT_E_NOMEM;
        /* keep the unmatched middle of the run */
        if (sat_buf_append(plain, in->text.data + d->pos + d->cut_start,
                           run - d->cut_start - d->cut_end) != 0)
            return SAT_E_NOMEM;
        pos = d->pos + run;
    }
    return sat_buf_append(plain, in->text.data + pos, in->text.len - pos) != 0 ? SAT_E_NOMEM : 0;
}

/* Converts inline Markdown in s[0..n) to plain text (appended to plain) and link lines. */
static int md_inline_run(md_state *st, const char *s, size_t n, size_t line, sat_buf *plain,
                         md_links *links)
{
    md_inline in = {{0}, NULL, 0, 0};
    size_t i = 0;
    int rc = 0;

    if (sat_buf_append(&in.text, "", 0) != 0 || sat_buf_append(plain, "", 0) != 0)
        return oom(st);
    while (i < n && rc == 0) {
        char c = s[i];

        if (c == '\\' && i + 1 < n && is_ascii_punct(s[i + 1])) {
            rc = sat_buf_append(&in.text, s + i + 1, 1);
            i += 2;
        } else if (c == '`') {
            size_t run = 0, j;
            size_t lim = md_window(st, n, i);
            while (i + run < n && s[i + run] == '`')
                run++;
            for (j = i + run; j + run <= lim; j++)
                if (memcmp(s + j, s + i, run) == 0 && (j + run == n || s[j + run] != '`') &&
                    (j == 0 || s[j - 1] != '`'))
                    break;
            md_charge(st, (j + run > lim ? lim : j + run) - i);
            if (j + run > lim) { /* no closing run: literal backticks */
                rc = sat_buf_append(&in.text, s + i, run);
                i += run;
            } else {
                const char *code = s + i + run;
                size_t clen = j - i - run;
                if (clen >= 2 && code[0] == ' ' && code[clen - 1] == ' ') {
                    code++;
                    clen -= 2;
                }
                rc = sat_buf_append(&in.text, code, clen);
                i = j + run;
            }
        } else if (c == '*' || c == '_') {
            md_delim d;
            size_t run = 0;
            char prev = i > 0 ? s[i - 1] : ' ';
            char next;
            int left, right;
            while (i + run < n && s[i + run] == c)
                run++;
            next = i + run < n ? s[i + run] : ' ';
            left = !is_ws(next) && (!is_ascii_punct(next) || is_ws(prev) || is_ascii_punct(prev));
            right = !is_ws(prev) && (!is_ascii_punct(prev) || is_ws(next) || is_ascii_punct(next));
            memset(&d, 0, sizeof d);
            d.pos = in.text.len;
            d.count = run;
            d.c = c;
            if (c == '*') {
                d.can_open = left;
                d.can_close = right;
            } else {
                d.can_open = left && (!right || is_ascii_punct(prev));
                d.can_close = right && (!left || is_ascii_punct(next));
            }
            rc = sat_buf_append(&in.text, s + i, run);
            if (rc == 0 && (d.can_open || d.can_close))
                rc = push_delim(&in, d);
            i += run;
        } else if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '['))) {
            size_t after = md_link(st, s, n, i, line, &in, links, &rc);
            if (rc != 0)
                goto cleanup;
            if (after == 0) {
                rc = sat_buf_append(&in.text, s + i, 1);
                i++;
            } else {
                i = after;
            }
        } else if (c == '<') {
            size_t lim = md_window(st, n, i);
            const char *gt = memchr(s + i, '>', lim - i);
            size_t j;
            md_charge(st, (gt != NULL ? (size_t)(gt - s) : lim) - i);
            if (i + 3 < n && memcmp(s + i, "<!--", 4) == 0) {
                const char *end = memmem(s + i + 4, n - i - 4, "-->", 3);
                i = end != NULL ? (size_t)(end - s) + 3 : n;
                continue;
            }
            if (gt != NULL && pack_in_is_url(s + i + 1, (size_t)(gt - s) - i - 1)) {
                const char *u = s + i + 1;
                size_t ulen = (size_t)(gt - u);
                for (j = 0; j < ulen && !is_ws(u[j]) && u[j] != '<'; j++)
                    ;
                if (j == ulen) { /* autolink */
                    rc = sat_buf_append(&in.text, u, ulen);
                    if (rc == 0)
                        rc = add_link(links, u, ulen, "", 0);
                    i = (size_t)(gt - s) + 1;
                    continue;
                }
            }
            if (gt != NULL && i + 1 < n &&
                ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
                 s[i + 1] == '/' || s[i + 1] == '!' || s[i + 1] == '?')) {
                i = (size_t)(gt - s) + 1; /* raw HTML tag: dropped */
                continue;
            }
            rc = sat_buf_append(&in.text, "<", 1);
            i++;
        } else if (c == '&') {
            int used = pack_in_entity(s + i, n - i, &in.text);
            if (used < 0) {
                rc = SAT_E_NOMEM;
            } else if (used == 0) {
                rc = sat_buf_append(&in.text, "&", 1);
                i++;
            } else {
                i += (size_t)used;
            }
        } else {
            size_t j = i + 1;
            while (j < n && strchr("\\`*_[!<&", s[j]) == NULL)
                j++;
            rc = sat_buf_append(&in.text, s + i, j - i);
            i = j;
        }
    }
    if (rc == 0)
        rc = md_resolve_delims(&in, plain);
    if (rc == SAT_E_NOMEM)
        rc = oom(st);
cleanup:
    sat_buf_free(&in.text);
    free(in.d);
    return rc;
}

/* ------------------------------------------------------------------------
 * Blocks
 * ------------------------------------------------------------------------ */

static int md_emit(md_state *st, pack_gem_type t, const char *s, size_t n, size_t line)
{
    sat_buf plain = {0};
    md_links links = {{0}};
    int rc;

    /* look-ahead for links, code spans and tags is bounded by the block's size, so
     * hostile input (thousands of unmatched '[' or '`') stays linear */
    st->budget = n * 16 + ((size_t)1 << 20);
    rc = md_inline_run(st, s, n, line, &plain, &links);
    if (rc != 0)
        goto cleanup;
    if (t == PACK_GEM_H1 && st->meta->title == NULL) {
        /* the first "# " heading is the title when the front matter has none */
        st->meta->title = pack_in_field(plain.data, plain.len);
        if (st->meta->title == NULL) {
            rc = oom(st);
            goto cleanup;
        }
        if (st->meta->title[0] == '\0') {
            free(st->meta->title);
            st->meta->title = NULL;
        }
    } else if (pack_gem_add(&st->gem, t, plain.data, plain.len) != 0) {
        rc = oom(st);
        goto cleanup;
    }
    rc = emit_links(st, &links);
cleanup:
    sat_buf_free(&plain);
    sat_buf_free(&links.b);
    return rc;
}

static int md_flush(md_state *st)
{
    pack_gem_type t;
    int rc;

    if (st->block_type == BLK_NONE)
        return 0;
    t = st->block_type == BLK_ITEM ? PACK_GEM_ITEM
      : st->block_type == BLK_QUOTE ? PACK_GEM_QUOTE
      : PACK_GEM_PARA;
    rc = md_emit(st, t, st->block.data, st->block.len, st->block_line);
    st->block.len = 0;
    st->block_type = BLK_NONE;
    return rc;
}

/* Adds a line of text to the open block (or opens one of type type). */
static int md_append(md_state *st, int type, const char *s, size_t n, size_t line)
{
    if (st->block_type == BLK_NONE) {
        st->block_type = type;
        st->block_line = line;
        st->block.len = 0;
    } else if (sat_buf_append(&st->block, " ", 1) != 0) {
        return oom(st);
    }
    pack_in_trim(&s, &n);
    if (n > 0 && s[n - 1] == '\\') /* hard line break */
        n--;
    return sat_buf_append(&st->block, s, n) != 0 ? oom(st) : 0;
}

/* Length of a "-", "*", "+", "1." or "1)" list marker plus its space, or 0. */
static size_t list_marker(const char *s, size_t n, int in_para)
{
    size_t i = 0;

    if (n >= 1 && (s[0] == '-' || s[0] == '*' || s[0] == '+')) {
        i = 1;
    } else {
        while (i < n && i < 9 && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == 0 || i >= n || (s[i] != '.' && s[i] != ')'))
            return 0;
        if (in_para && !(i == 1 && s[0] == '1'))
            return 0; /* only "1." may interrupt a paragraph */
        i++;
    }
    if (i == n)
        return in_para ? 0 : i;
    return pack_in_is_space(s[i]) ? i + 1 : 0;
}

static int is_hr(const char *s, size_t n)
{
    size_t i, count = 0;
    char c = n > 0 ? s[0] : 0;

    if (c != '-' && c != '*' && c != '_')
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] == c)
            count++;
        else if (!pack_in_is_space(s[i]))
            return 0;
    }
    return count >= 3;
}

static int is_setext(const char *s, size_t n, char c)
{
    size_t i = 0;

    while (i < n && s[i] == c)
        i++;
    return i > 0 && pack_in_is_blank(s + i, n - i);
}

/* Column width of the leading whitespace and the offset of the first other byte. */
static size_t indent_of(const char *s, size_t n, size_t *off)
{
    size_t i = 0, col = 0;

    while (i < n && pack_in_is_space(s[i])) {
        col = s[i] == '\t' ? col + 4 - col % 4 : col + 1;
        i++;
    }
    *off = i;
    return col;
}

static int md_body(md_state *st, pack_in_lines *it)
{
    const char *line;
    size_t n;
    char fence = 0;
    size_t fence_len = 0, fence_indent = 0;
    int rc;

    while (pack_in_lines_next(it, &line, &n)) {
        size_t off, indent = indent_of(line, n, &off);
        const char *c = line + off;
        size_t cn = n - off;
        size_t k;

        if (fence != 0) {
            for (k = 0; k < cn && c[k] == fence; k++)
                ;
            if (indent <= 3 && k >= fence_len && pack_in_is_blank(c + k, cn - k)) {
                fence = 0;
                if (pack_gem_pre_close(&st->gem) != 0)
                    return oom(st);
                continue;
            }
            for (k = 0; k < fence_indent && k < n && line[k] == ' '; k++)
                ;
            if (pack_gem_pre_line(&st->gem, line + k, n - k) != 0)
                return oom(st);
            continue;
        }
        if (cn == 0) {
            if ((rc = md_flush(st)) != 0)
                return rc;
            continue;
        }
        if (indent <= 3 && cn >= 3 && (c[0] == '`' || c[0] == '~')) {
            for (k = 0; k < cn && c[k] == c[0]; k++)
                ;
            if (k >= 3 && (c[0] == '~' || memchr(c + k, '`', cn - k) == NULL)) {
                if ((rc = md_flush(st)) != 0)
                    return rc;
                fence = c[0];
                fence_len = k;
                fence_indent = off;
                if (pack_gem_pre_open(&st->gem, c + k, cn - k) != 0)
                    return oom(st);
                continue;
            }
        }
        if (indent <= 3 && c[0] == '#') {
            for (k = 0; k < cn && c[k] == '#'; k++)
                ;
            if (k <= 6 && (k == cn || pack_in_is_space(c[k]))) {
                const char *h = c + k;
                size_t hn = cn - k, e;
                pack_in_trim(&h, &hn);
                for (e = hn; e > 0 && h[e - 1] == '#'; e--)
                    ;
                if (e == 0 || pack_in_is_space(h[e - 1])) /* closing "###" sequence */
                    hn = e;
                if ((rc = md_flush(st)) != 0)
                    return rc;
                rc = md_emit(st, k == 1 ? PACK_GEM_H1 : k == 2 ? PACK_GEM_H2 : PACK_GEM_H3, h,
                             hn, it->lineno);
                if (rc != 0)
                    return rc;
                continue;
            }
        }
        if (indent <= 3 && st->block_type == BLK_PARA &&
            (is_setext(c, cn, '=') || is_setext(c, cn, '-'))) {
            rc = md_emit(st, c[0] == '=' ? PACK_GEM_H1 : PACK_GEM_H2, st->block.data,
                         st->block.len, st->block_line);
            st->block_type = BLK_NONE;
            st->block.len = 0;
            if (rc != 0)
                return rc;
            continue;
        }
        if (indent <= 3 && is_hr(c, cn)) {
            if ((rc = md_flush(st)) != 0)
                return rc;
            continue;
        }
        k = list_marker(c, cn, st->block_type == BLK_PARA);
        if (k > 0) {
            if ((rc = md_flush(st)) != 0)
                return rc;
            if ((rc = md_append(st, BLK_ITEM, c + k, cn - k, it->lineno)) != 0)
                return rc;
            continue;
        }
        if (indent <= 3 && c[0] == '>') {
            while (cn > 0 && c[0] == '>') {
                c++;
                cn--;
                pack_in_trim(&c, &cn);
            }
            if (st->block_type != BLK_QUOTE && (rc = md_flush(st)) != 0)
                return rc;
            if (cn == 0) {
                if ((rc = md_flush(st)) != 0)
                    return rc;
                continue;
            }
            if ((rc = md_append(st, BLK_QUOTE, c, cn, it->lineno)) != 0)
                return rc;
            continue;
        }
        if ((rc = md_append(st, BLK_PARA, c, cn, it->lineno)) != 0)
            return rc;
    }
    return md_flush(st);
}

/* ------------------------------------------------------------------------
 * Front matter and entry point
 * ------------------------------------------------------------------------ */

static int is_dashes(const char *s, size_t n)
{
    return n >= 3 && memcmp(s, "---", 3) == 0 && pack_in_is_blank(s + 3, n - 3);
}

static int md_front(md_state *st, pack_in_lines *it, sat_kind *kind)
{
    pack_in_lines probe = *it;
    const char *line;
    size_t n;
    int closed;
    int rc;

    if (!pack_in_lines_next(&probe, &line, &n) || !is_dashes(line, n))
        return 0; /* no front matter */
    *it = probe;
    /* find the closing line first: a missing one is the likeliest mistake */
    closed = 0;
    while (!closed && pack_in_lines_next(&probe, &line, &n))
        closed = is_dashes(line, n);
    if (!closed)
        return sat_err_set(st->err, SAT_E_FORMAT,
                           "%s:1: front matter is not closed: add a line '---' after the last "
                           "'key: value' line",
                           st->relpath);
    while (pack_in_lines_next(it, &line, &n)) {
        const char *key, *val;
        size_t klen, vlen;

        if (is_dashes(line, n))
            return 0;
        pack_in_trim(&line, &n);
        if (n == 0 || line[0] == '#')
            continue;
        if (pack_in_split_kv(line, n, &key, &klen, &val, &vlen) != 0)
            return sat_err_set(st->err, SAT_E_FORMAT,
                               "%s:%zu: expected 'key: value' in the front matter, got '%.*s'",
                               st->relpath, it->lineno, (int)(n > 60 ? 60 : n), line);
        rc = pack_in_meta_set(st->meta, kind, key, klen, val, vlen, st->relpath, it->lineno,
                              st->err);
        if (rc != 0)
            return rc;
    }
    return sat_err_set(st->err, SAT_E_FORMAT,
                       "%s:1: front matter is not closed: add a line '---' after the last "
                       "'key: value' line",
                       st->relpath);
}

int pack_md_parse(const char *relpath, const char *data, size_t len, pack_md_media_fn fn,
                  void *ctx, pack_doc *doc, sat_err *err)
{
    md_state st;
    sat_buf text = {0};
    pack_in_lines it;
    sat_kind kind = SAT_KIND_ARTICLE;
    const char *slash = strrchr(relpath, '/');
    int rc;

    memset(doc, 0, sizeof *doc);
    memset(&st, 0, sizeof st);
    st.relpath = relpath;
    st.fn = fn;
    st.ctx = ctx;
    st.meta = &doc->meta;
    st.err = err;
    st.dir = strndup(relpath, slash != NULL ? (size_t)(slash - relpath) + 1 : 0);
    if (st.dir == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
        goto fail;
    }
    rc = pack_in_prepare(relpath, data, len, &text, err);
    if (rc != 0)
        goto fail;
    pack_in_lines_init(&it, text.data, text.len);
    if ((rc = md_front(&st, &it, &kind)) != 0)
        goto fail;
    if ((rc = md_body(&st, &it)) != 0)
        goto fail;
    if (doc->meta.title == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: missing title (add 'title: ...' front matter or a '# ' heading)",
                         relpath);
        goto fail;
    }
    rc = pack_in_doc_finish(doc, relpath, kind, &st.gem, err);
    goto cleanup;
fail:
    pack_doc_free(doc);
cleanup:
    pack_gem_free(&st.gem);
    sat_buf_free(&st.block);
    sat_buf_free(&text);
    free(st.dir);
    return rc;
}

int pack_parse_markdown(const char *relpath, const char *data, size_t len, pack_doc *doc,
                        sat_err *err)
{
    return pack_md_parse(relpath, data, len, NULL, NULL, doc, err);
}
