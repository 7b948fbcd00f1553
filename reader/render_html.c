/* render_html.c - gemtext to HTML and HTML escaping for the static web export. */
#include "render_html.h"

#include <string.h>

#include "msg.h"

#define RH_ATTACH_SCHEME "attachment:"

/* ------------------------------------------------------------------------
 * escaping
 * ------------------------------------------------------------------------ */

/* Appends already sanitised text, escaping the five HTML specials. */
static int rh_put_escaped(sat_buf *out, const char *s, size_t len)
{
    size_t i, run = 0;
    int rc = 0;

    for (i = 0; i < len && rc == 0; i++) {
        const char *ent = NULL;
        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        case '"':
            ent = "&quot;";
            break;
        case '\'':
            ent = "&#39;";
            break;
        default:
            continue;
        }
        rc = sat_buf_append(out, s + run, i - run);
        if (rc == 0)
            rc = sat_buf_puts(out, ent);
        run = i + 1;
    }
    if (rc == 0)
        rc = sat_buf_append(out, s + run, len - run);
    return rc;
}

int rh_escape(sat_buf *out, const char *s, size_t len)
{
    sat_buf clean = {0};
    int rc;

    if (len == 0)
        return sat_buf_append(out, "", 0);
    rc = sat_text_sanitize(&clean, s, len, 1);
    if (rc == 0)
        rc = rh_put_escaped(out, clean.data ? clean.data : "", clean.len);
    sat_buf_free(&clean);
    return rc;
}

int rh_escape_str(sat_buf *out, const char *s)
{
    return s == NULL ? 0 : rh_escape(out, s, strlen(s));
}

int rh_href_safe(const char *href)
{
    size_t i = 0, n;

    if (href == NULL)
        return 0;
    n = strlen(href);
    if (n == 0 || n >= RH_HREF_MAX || href[0] == '/')
        return 0;
    /* the export's pages are at most two folders deep (e/NNN/, s/NNN/) */
    while (strncmp(href + i, "../", 3) == 0 && i < 6)
        i += 3;
    if (strstr(href + i, "..") != NULL || strstr(href, "//") != NULL || href[i] == '\0')
        return 0;
    for (; i < n; i++) {
        char c = href[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '/' || c == '-'))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * body
 * ------------------------------------------------------------------------ */

typedef enum rh_block { RH_B_NONE, RH_B_LIST, RH_B_QUOTE, RH_B_PRE } rh_block;

typedef struct rh_state {
    sat_buf *out;
    sat_buf line; /* the sanitised current line */
    const rh_body_opts *o;
    rh_block block;
} rh_state;

static int rh_starts(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && memcmp(s, p, n) == 0;
}

/* Closes the open list or quote (not <pre>: only ``` closes it). */
static int rh_close_block(rh_state *st)
{
    int rc = 0;

    if (st->block == RH_B_LIST)
        rc = sat_buf_puts(st->out, "</ul>\n");
    else if (st->block == RH_B_QUOTE)
        rc = sat_buf_puts(st->out, "</blockquote>\n");
    if (st->block != RH_B_PRE)
        st->block = RH_B_NONE;
    return rc;
}

/* Appends <tag>text</tag>\n (text already sanitised). */
static int rh_element(sat_buf *out, const char *open, const char *close, const char *t, size_t tl)
{
    int rc = sat_buf_puts(out, open);
    if (rc == 0)
        rc = rh_put_escaped(out, t, tl);
    if (rc == 0)
        rc = sat_buf_puts(out, close);
    return rc;
}

/* A figure with img or audio, its caption escaped. */
static int rh_figure(sat_buf *out, const rh_target *t, const char *label, size_t len)
{
    int rc;

    if (t->kind == RH_T_IMAGE) {
        rc = sat_buf_printf(out, "<figure><img src=\"%s\" alt=\"", t->href);
        if (rc == 0)
            rc = rh_escape(out, label, len);
        if (rc == 0)
            rc = sat_buf_puts(out, "\">");
    } else {
        rc = sat_buf_printf(out,
                            "<figure><audio controls preload=\"none\" src=\"%s\">"
                            "<a href=\"%s\">%s</a></audio>",
                            t->href, t->href, rmsg(MSG_HTML_AUDIO_FILE));
    }
    if (rc == 0 && len > 0) {
        rc = sat_buf_puts(out, "<figcaption>");
        if (rc == 0)
            rc = rh_escape(out, label, len);
        if (rc == 0)
            rc = sat_buf_puts(out, "</figcaption>");
    }
    if (rc == 0)
        rc = sat_buf_puts(out, "</figure>\n");
    return rc;
}

int rh_attachment(sat_buf *out, const rh_target *t, const char *label, size_t len)
{
    rh_target_kind k = t->kind;
    int rc;

    /* a href the caller made wrongly is never emitted */
    if ((k == RH_T_PAGE || k == RH_T_IMAGE || k == RH_T_AUDIO || k == RH_T_FILE) &&
        !rh_href_safe(t->href))
        k = RH_T_MISSING;
    if (k == RH_T_IMAGE || k == RH_T_AUDIO)
        return rh_figure(out, t, label, len);
    if (k == RH_T_PAGE || k == RH_T_FILE) {
        rc = sat_buf_printf(out, "<p class=\"link\"><a href=\"%s\">", t->href);
        if (rc == 0)
            rc = len > 0 ? rh_escape(out, label, len) : sat_buf_puts(out, t->href);
        if (rc == 0)
            rc = sat_buf_puts(out, "</a></p>\n");
        return rc;
    }
    rc = sat_buf_puts(out, "<p class=\"link missing\">");
    if (rc == 0)
        rc = rh_escape(out, label, len);
    if (rc == 0)
        rc = sat_buf_printf(out, " <span class=\"mark\">%s</span></p>\n",
                            rmsg(k == RH_T_DAMAGED ? MSG_HTML_ATTACH_DAMAGED
                                                   : MSG_HTML_ATTACH_MISSING));
    return rc;
}

/* "=> URL label" (line sanitised). */
static int rh_link(rh_state *st, const char *t, size_t tl)
{
    size_t i = 2, us, ue, sl = strlen(RH_ATTACH_SCHEME);
    rh_target target;
    int rc;

    while (i < tl && (t[i] == ' ' || t[i] == '\t'))
        i++;
    us = i;
    while (i < tl && t[i] != ' ' && t[i] != '\t')
        i++;
    ue = i;
    while (i < tl && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (ue == us) /* "=>" with no URL: a paragraph */
        return rh_element(st->out, "<p>", "</p>\n", t, tl);
    if (rh_starts(t + us, ue - us, RH_ATTACH_SCHEME)) {
        memset(&target, 0, sizeof target);
        target.kind = RH_T_MISSING;
        if (st->o != NULL && st->o->resolve != NULL)
            st->o->resolve(st->o->ctx, t + us + sl, ue - us - sl, &target);
        target.href[RH_HREF_MAX - 1] = '\0';
        if (i < tl)
            return rh_attachment(st->out, &target, t + i, tl - i);
        return rh_attachment(st->out, &target, t + us + sl, ue - us - sl);
    }
    /* any other address: text only, never a link */
    rc = sat_buf_puts(st->out, "<p class=\"link ext\">");
    if (rc == 0 && i < tl)
        rc = rh_put_escaped(st->out, t + i, tl - i);
    if (rc == 0)
        rc = sat_buf_printf(st->out, " <span class=\"mark\">%s</span> <span class=\"url\">",
                            rmsg(MSG_HTML_EXTERNAL));
    if (rc == 0)
        rc = rh_put_escaped(st->out, t + us, ue - us);
    if (rc == 0)
        rc = sat_buf_puts(st->out, "</span></p>\n");
    return rc;
}

/* Length of a leading "[hh:mm:ss]" or "[mm:ss]" (digits, colons, '.', ','), or 0. */
static size_t rh_timestamp(const char *t, size_t tl)
{
    size_t i = 1, digits = 0;

    if (tl < 4 || t[0] != '[')
        return 0;
    while (i < tl && i < 16 && ((t[i] >= '0' && t[i] <= '9') || t[i] == ':' || t[i] == '.' ||
                                t[i] == ',')) {
        digits += t[i] >= '0' && t[i] <= '9';
        i++;
    }
    if (i < tl && t[i] == ']' && digits >= 2 && memchr(t + 1, ':', i - 1) != NULL)
        return i + 1;
    return 0;
}

static int rh_body_line(rh_state *st, const char *raw, size_t len)
{
    const char *t;
    size_t tl, i, ts;
    int rc;

    st->line.len = 0;
    rc = sat_text_sanitize(&st->line, raw, len, 1);
    if (rc != 0)
        return rc;
    t = st->line.data ? st->line.data : "";
    tl = st->line.len;

    if (rh_starts(t, tl, "```")) {
        if (st->block == RH_B_PRE) {
            st->block = RH_B_NONE;
            return sat_buf_puts(st->out, "</pre>\n");
        }
        rc = rh_close_block(st);
        st->block = RH_B_PRE;
        return rc == 0 ? sat_buf_puts(st->out, "<pre>") : rc;
    }
    if (st->block == RH_B_PRE)
        return rh_element(st->out, "", "\n", t, tl);
    if (rh_starts(t, tl, "* ")) {
        if (st->block != RH_B_LIST) {
            rc = rh_close_block(st);
            if (rc == 0)
                rc = sat_buf_puts(st->out, "<ul>\n");
            st->block = RH_B_LIST;
        }
        return rc == 0 ? rh_element(st->out, "<li>", "</li>\n", t + 2, tl - 2) : rc;
    }
    if (rh_starts(t, tl, ">")) {
        if (st->block != RH_B_QUOTE) {
            rc = rh_close_block(st);
            if (rc == 0)
                rc = sat_buf_puts(st->out, "<blockquote>\n");
            st->block = RH_B_QUOTE;
        }
        for (i = 1; i < tl && t[i] == ' '; i++)
            ;
        return rc == 0 ? rh_element(st->out, "<p>", "</p>\n", t + i, tl - i) : rc;
    }
    if ((rc = rh_close_block(st)) != 0)
        return rc;
    for (i = 0; i < tl && t[i] == ' '; i++)
        ;
    if (i == tl) /* blank */
        return 0;
    if (rh_starts(t, tl, "=>"))
        return rh_link(st, t, tl);
    if (rh_starts(t, tl, "#")) {
        static const char *const open[] = {"<h2>", "<h3>", "<h4>"};
        static const char *const close[] = {"</h2>\n", "</h3>\n", "</h4>\n"};
        size_t lv = 0;
        while (lv < tl && lv < 3 && t[lv] == '#')
            lv++;
        for (i = lv; i < tl && t[i] == ' '; i++)
            ;
        return rh_element(st->out, open[lv - 1], close[lv - 1], t + i, tl - i);
    }
    if ((ts = rh_timestamp(t, tl)) > 0) {
        rc = rh_element(st->out, "<p class=\"cue\"><span class=\"ts\">", "</span>", t, ts);
        return rc == 0 ? rh_element(st->out, "", "</p>\n", t + ts, tl - ts) : rc;
    }
    return rh_element(st->out, "<p>", "</p>\n", t, tl);
}

int rh_body(sat_buf *out, const char *body, size_t len, const rh_body_opts *o, sat_err *err)
{
    rh_state st;
    size_t i = 0;
    int rc;

    if (out == NULL || (body == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "rh_body: NULL argument");
    memset(&st, 0, sizeof st);
    st.out = out;
    st.o = o;
    rc = sat_buf_append(out, "", 0);
    while (rc == 0 && i < len) {
        const char *nl = memchr(body + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - body) : len;
        size_t next = nl != NULL ? end + 1 : len;
        if (end > i && body[end - 1] == '\r')
            end--;
        rc = rh_body_line(&st, body + i, end - i);
        i = next;
    }
    if (rc == 0 && st.block == RH_B_PRE)
        rc = sat_buf_puts(out, "</pre>\n");
    else if (rc == 0)
        rc = rh_close_block(&st);
    sat_buf_free(&st.line);
    if (rc != 0)
        return sat_err_set(err, rc, "out of memory rendering HTML");
    return 0;
}
