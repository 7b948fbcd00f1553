/* export_pages.c - the HTML pages of the static web export. */
#include "export_pages.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* ------------------------------------------------------------------------
 * lookup and names
 * ------------------------------------------------------------------------ */

size_t ep_find(const ep_site *s, const char *id, size_t len)
{
    size_t lo = 0, hi = s->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = s->items[mid].e->id;
        size_t ml = strlen(m);
        int c = memcmp(m, id, ml < len ? ml : len);
        if (c == 0)
            c = ml < len ? -1 : ml > len;
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

void ep_shard_path(char tree, uint64_t num, const char *ext, char out[RH_HREF_MAX])
{
    /* at most 1 + 1 + 17 + 1 + 20 + 1 + 7 bytes: always fits RH_HREF_MAX */
    snprintf(out, RH_HREF_MAX, "%c/%03" PRIu64 "/%06" PRIu64 ".%.7s", tree,
             num / EP_PER_FOLDER, num, ext);
}

void ep_item_path(const ep_item *it, char out[RH_HREF_MAX])
{
    if (sat_kind_is_text(it->e->kind))
        ep_shard_path('e', it->num, "html", out);
    else
        ep_shard_path('m', it->num, it->ext, out);
}

size_t ep_pages_plan(const size_t *len, size_t n, size_t max_rows, size_t max_bytes,
                     size_t *first)
{
    size_t pages = 1, rows = 0, bytes = 0, k;

    first[0] = 0;
    for (k = 0; k < n; k++) {
        if (rows > 0 && (rows >= max_rows || len[k] > max_bytes - bytes)) {
            first[pages++] = k;
            rows = bytes = 0;
        }
        rows++;
        bytes = len[k] > max_bytes - bytes ? max_bytes : bytes + len[k];
    }
    return pages;
}

int ep_section_name(sat_buf *out, const char *section)
{
    return section != NULL ? rh_escape_str(out, section)
                           : sat_buf_puts(out, rmsg(MSG_HTML_NO_SECTION));
}

/* ------------------------------------------------------------------------
 * shared parts
 * ------------------------------------------------------------------------ */

static const char *ep_kind_label(sat_kind k)
{
    switch (k) {
    case SAT_KIND_TRANSCRIPT:
        return rmsg(MSG_HTML_KIND_TRANSCRIPT);
    case SAT_KIND_IMAGE:
        return rmsg(MSG_HTML_KIND_IMAGE);
    case SAT_KIND_AUDIO:
        return rmsg(MSG_HTML_KIND_AUDIO);
    default:
        return rmsg(MSG_HTML_KIND_ARTICLE);
    }
}

int ep_head(sat_buf *out, const char *root, const char *lang, const char *title, const char *csp)
{
    const char *ui = rmsg_lang_code(rmsg_get_lang());
    int rc = sat_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"");

    if (rc == 0)
        rc = rh_escape_str(out, lang != NULL ? lang : ui);
    if (rc == 0)
        rc = sat_buf_printf(out,
                            "\">\n<head>\n<meta charset=\"utf-8\">\n"
                            "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n"
                            "<meta name=\"referrer\" content=\"no-referrer\">\n"
                            "<meta name=\"viewport\" content=\"width=device-width, "
                            "initial-scale=1\">\n<title>",
                            csp);
    if (rc == 0)
        rc = rh_escape_str(out, title);
    if (rc == 0)
        rc = sat_buf_printf(out,
                            "</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n</head>\n"
                            "<body>\n<nav lang=\"%s\"><a href=\"%sindex.html\">%s</a> "
                            "<a href=\"%sverify.html\">%s</a> <a href=\"%ssearch.html\">%s</a>"
                            "</nav>\n<main>\n",
                            root, ui, root, rmsg(MSG_HTML_CONTENTS), root,
                            rmsg(MSG_HTML_VERIFY_TITLE), root, rmsg(MSG_HTML_SEARCH));
    return rc;
}

int ep_foot(sat_buf *out)
{
    return sat_buf_printf(out, "</main>\n<footer lang=\"%s\">%s</footer>\n</body>\n</html>\n",
                          rmsg_lang_code(rmsg_get_lang()), rmsg(MSG_HTML_FOOTER));
}

/* <dt>label</dt><dd>value</dd> when value is set. */
static int ep_meta_row(sat_buf *out, rmsg_id label, const char *value)
{
    int rc;

    if (value == NULL || value[0] == '\0')
        return 0;
    rc = sat_buf_printf(out, "<dt>%s</dt><dd>", rmsg(label));
    if (rc == 0)
        rc = rh_escape_str(out, value);
    if (rc == 0)
        rc = sat_buf_puts(out, "</dd>\n");
    return rc;
}

/* ------------------------------------------------------------------------
 * entry pages
 * ------------------------------------------------------------------------ */

/* rh_body's resolve(): what attachment:<id> is in the export, href relative to e/. */
static void ep_resolve(void *ctx, const char *id, size_t len, rh_target *t)
{
    ep_site *s = ctx;
    size_t k = ep_find(s, id, len);
    ep_item *it;
    char path[RH_HREF_MAX];

    t->kind = RH_T_MISSING;
    if (k == SIZE_MAX)
        return;
    it = &s->items[k];
    if (it->status != EP_WRITTEN && !(sat_kind_is_text(it->e->kind) &&
                                      it->status == EP_PENDING)) {
        t->kind = it->status == EP_DAMAGED ? RH_T_DAMAGED : RH_T_MISSING;
        return;
    }
    ep_item_path(it, path);
    /* entry pages are two folders below the root (e/NNN/) */
    if (snprintf(t->href, sizeof t->href, "../../%.50s", path) >= (int)sizeof t->href)
        return; /* cannot happen: paths are at most about 30 bytes */
    if (sat_kind_is_text(it->e->kind)) {
        t->kind = RH_T_PAGE;
        return;
    }
    t->kind = it->mkind;
    /* a player or picture the page already shows becomes a plain link the second time */
    if (it->shown_on == s->cur + 1)
        t->kind = RH_T_FILE;
    it->shown_on = s->cur + 1;
}

/* Media of the entry not shown yet: transcripts show their audio above the text
 * (audio_only), every page the rest below it. */
static int ep_children(sat_buf *out, ep_site *s, int audio_only)
{
    size_t k = s->items[s->cur].child;
    int rc = 0, heading = 0;

    for (; k != SIZE_MAX && rc == 0; k = s->items[k].sibling) {
        ep_item *c = &s->items[k];
        rh_target t;
        const char *id = c->e->id;
        if (c->shown_on == s->cur + 1 || (audio_only && c->e->kind != SAT_KIND_AUDIO))
            continue;
        if (!audio_only && !heading) {
            rc = sat_buf_printf(out, "<h2 lang=\"%s\">%s</h2>\n",
                                rmsg_lang_code(rmsg_get_lang()), rmsg(MSG_HTML_ATTACHMENTS));
            heading = 1;
        }
        memset(&t, 0, sizeof t);
        ep_resolve(s, id, strlen(id), &t);
        if (rc == 0)
            rc = rh_attachment(out, &t, c->e->title, strlen(c->e->title));
    }
    return rc;
}

int ep_entry_page(sat_buf *out, ep_site *s, const char *body, size_t len, sat_err *err)
{
    const sat_mentry *e = s->items[s->cur].e;
    rh_body_opts bo = {ep_resolve, s};
    const char *ui = rmsg_lang_code(rmsg_get_lang());
    int rc = ep_head(out, "../../", e->lang, e->title, EP_CSP);

    if (rc == 0)
        rc = sat_buf_puts(out, "<article>\n<h1>");
    if (rc == 0)
        rc = rh_escape_str(out, e->title);
    if (rc == 0)
        rc = sat_buf_printf(out, "</h1>\n<dl class=\"meta\" lang=\"%s\">\n<dt>%s</dt><dd>%s</dd>\n",
                            ui, rmsg(MSG_HTML_KIND), ep_kind_label(e->kind));
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_DATE, e->date);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_AUTHOR, e->author);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_SOURCE, e->source);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_SECTION, e->section);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_TAGS, e->tags);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_LANGUAGE, e->lang);
    if (rc == 0)
        rc = sat_buf_puts(out, "</dl>\n");
    if (rc == 0 && e->kind == SAT_KIND_TRANSCRIPT)
        rc = ep_children(out, s, 1);
    if (rc == 0)
        rc = sat_buf_puts(out, "<div class=\"body\">\n");
    if (rc == 0)
        rc = rh_body(out, body, len, &bo, err);
    if (rc == 0)
        rc = sat_buf_puts(out, "</div>\n");
    if (rc == 0)
        rc = ep_children(out, s, 0);
    if (rc == 0)
        rc = sat_buf_puts(out, "</article>\n");
    if (rc == 0)
        rc = ep_foot(out);
    if (rc != 0 && err != NULL && err->code == 0)
        sat_err_set(err, rc, "out of memory building a page");
    return rc;
}

/* ------------------------------------------------------------------------
 * contents rows (export_toc.c builds index.html and the section pages from them)
 * ------------------------------------------------------------------------ */

/* One list item: the title (a link when written), date, kind, a mark when damaged. */
int ep_index_row(sat_buf *out, const ep_item *it, const char *root)
{
    char path[RH_HREF_MAX];
    const sat_mentry *e = it->e;
    int rc;

    ep_item_path(it, path);
    if (it->status == EP_WRITTEN)
        rc = sat_buf_printf(out, "<li><a href=\"%s%s\"", root, path);
    else
        rc = sat_buf_puts(out, "<li class=\"damaged\"><span");
    if (rc == 0 && e->lang != NULL) {
        rc = sat_buf_puts(out, " lang=\"");
        if (rc == 0)
            rc = rh_escape_str(out, e->lang);
        if (rc == 0)
            rc = sat_buf_puts(out, "\"");
    }
    if (rc == 0)
        rc = sat_buf_puts(out, ">");
    if (rc == 0)
        rc = rh_escape_str(out, e->title);
    if (rc == 0)
        rc = sat_buf_printf(out, "</%s> <span class=\"date\">", it->status == EP_WRITTEN ? "a"
                                                                                       : "span");
    if (rc == 0)
        rc = e->date != NULL ? rh_escape(out, e->date, strlen(e->date) < 10 ? strlen(e->date) : 10)
                             : sat_buf_puts(out, rmsg(MSG_HTML_UNDATED));
    if (rc == 0)
        rc = sat_buf_printf(out, "</span> <span class=\"kind\">%s</span>",
                            ep_kind_label(e->kind));
    if (rc == 0 && it->status != EP_WRITTEN)
        rc = sat_buf_printf(out, " <span class=\"mark\">%s</span>", rmsg(MSG_HTML_DAMAGED_MARK));
    if (rc == 0)
        rc = sat_buf_puts(out, "</li>\n");
    return rc;
}

int ep_banner(sat_buf *out, const ep_site *s, const char *root)
{
    uint64_t bad = s->n_damaged + s->n_lost;

    if (bad == 0 && !s->forged)
        return sat_buf_printf(out,
                              "<p class=\"banner ok\"><a href=\"%sverify.html\">%s</a></p>\n",
                              root, rmsg(MSG_HTML_BANNER_OK));
    if (sat_buf_printf(out, "<p class=\"banner bad\"><a href=\"%sverify.html\">", root) != 0 ||
        rmsg_appendf(out, MSG_HTML_BANNER_DAMAGED, (unsigned long)bad) != 0)
        return SAT_E_NOMEM;
    return sat_buf_puts(out, "</a></p>\n");
}

/* ------------------------------------------------------------------------
 * verification
 * ------------------------------------------------------------------------ */

static int ep_verify_facts(sat_buf *out, const ep_site *s)
{
    const sat_manifest *m = sat_bundle_manifest(s->b);
    char fp[SAT_FINGERPRINT_LEN + 1], keyid[17];
    unsigned long counts[SAT_KIND_COUNT] = {0};
    size_t k;
    int rc;

    sat_pubkey_fingerprint(sat_bundle_signer(s->b), fp);
    sat_pubkey_keyid(sat_bundle_signer(s->b), keyid);
    for (k = 0; k < s->n; k++)
        counts[s->items[k].e->kind]++;
    rc = sat_buf_printf(out, "<dl class=\"facts\">\n<dt>%s</dt><dd><code class=\"fp\">%s</code>"
                             "<br>%s</dd>\n<dt>%s</dt><dd><code>%s</code></dd>\n"
                             "<dt>%s</dt><dd>%s</dd>\n",
                        rmsg(MSG_HTML_FINGERPRINT), fp, rmsg(MSG_HTML_FP_ADVICE),
                        rmsg(MSG_HTML_KEY_ID), keyid, rmsg(MSG_HTML_KEY_TRUSTED),
                        rmsg(MSG_HTML_KEY_TRUSTED_YES));
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_BUNDLE, m->head.title);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_PUBLISHER, m->head.publisher);
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_CREATED, m->head.created);
    if (rc == 0)
        rc = sat_buf_printf(out, "<dt>%s</dt><dd>%" PRIu64 "</dd>\n<dt>%s</dt><dd>",
                            rmsg(MSG_HTML_SEQ), m->head.seq, rmsg(MSG_HTML_ENTRIES));
    if (rc == 0)
        rc = rmsg_appendf(out, MSG_HTML_COUNTS, counts[SAT_KIND_ARTICLE],
                            counts[SAT_KIND_TRANSCRIPT], counts[SAT_KIND_IMAGE],
                            counts[SAT_KIND_AUDIO]);
    if (rc == 0)
        rc = sat_buf_puts(out, "</dd>\n");
    if (rc == 0)
        rc = ep_meta_row(out, MSG_HTML_NOTE, sat_bundle_head_problem(s->b));
    if (rc == 0)
        rc = sat_buf_puts(out, "</dl>\n");
    return rc;
}

int ep_verify_page(sat_buf *out, const ep_site *s, sat_err *err)
{
    uint64_t bad = s->n_damaged + s->n_lost, total = s->n + s->n_lost;
    size_t k;
    int rc = ep_head(out, "", NULL, rmsg(MSG_HTML_VERIFY_TITLE), EP_CSP);

    if (rc == 0)
        rc = sat_buf_printf(out, "<h1>%s</h1>\n<p class=\"banner ok\">%s</p>\n",
                            rmsg(MSG_HTML_VERIFY_TITLE), rmsg(MSG_HTML_GENUINE));
    if (rc == 0 && s->forged)
        rc = sat_buf_printf(out, "<p class=\"banner bad\">%s</p>\n",
                            rmsg(MSG_HTML_NOT_GENUINE_PART));
    if (rc == 0)
        rc = sat_buf_printf(out, "<p class=\"banner %s\">", bad ? "bad" : "ok");
    if (rc == 0)
        rc = bad ? rmsg_appendf(out, MSG_HTML_SOME_DAMAGED, (unsigned long)bad,
                                  (unsigned long)(total - bad))
                 : rmsg_appendf(out, MSG_HTML_ALL_INTACT, (unsigned long)total);
    if (rc == 0)
        rc = sat_buf_puts(out, "</p>\n");
    if (rc == 0)
        rc = ep_verify_facts(out, s);
    if (rc == 0 && bad > 0)
        rc = sat_buf_printf(out, "<h2>%s</h2>\n<ul class=\"damaged-list\">\n%s",
                            rmsg(MSG_HTML_DAMAGED_LIST),
                            s->lost_html.data != NULL ? s->lost_html.data : "");
    for (k = 0; k < s->n && rc == 0; k++) {
        const ep_item *it = &s->items[k];
        if (it->status != EP_DAMAGED)
            continue;
        rc = sat_buf_puts(out, "<li><code>");
        if (rc == 0)
            rc = rh_escape_str(out, it->e->id);
        if (rc == 0)
            rc = sat_buf_puts(out, "</code> ");
        if (rc == 0)
            rc = rh_escape_str(out, it->e->title);
        if (rc == 0)
            rc = sat_buf_printf(out, " <span class=\"mark\">%s</span><br><small>%s: ",
                                rmsg(MSG_HTML_DAMAGED_MARK), rmsg(MSG_HTML_REASON));
        if (rc == 0)
            rc = rh_escape_str(out, it->why);
        if (rc == 0)
            rc = sat_buf_puts(out, "</small></li>\n");
    }
    if (rc == 0 && bad > 0)
        rc = sat_buf_puts(out, "</ul>\n");
    if (rc == 0)
        rc = ep_foot(out);
    if (rc != 0)
        return sat_err_set(err, rc, "out of memory building the verification page");
    return 0;
}

/* ------------------------------------------------------------------------
 * style
 * ------------------------------------------------------------------------ */

const char *ep_style_css(void)
{
    return "/* satchel-read export-html: no fonts, nothing external */\n"
           "html { font-family: \"Noto Sans CJK KR\", \"Noto Sans KR\", \"Malgun Gothic\", "
           "\"Apple SD Gothic Neo\", sans-serif; line-height: 1.6; color: #111; "
           "background: #fdfdf8; }\n"
           "body { max-width: 44em; margin: 0 auto; padding: 0.5em 1em 2em; "
           "word-break: keep-all; overflow-wrap: break-word; }\n"
           "nav { padding: 0.4em 0; border-bottom: 1px solid #ccc; }\n"
           "nav a { margin-right: 1.2em; }\n"
           "nav.sections { border: none; line-height: 2; }\n"
           "h1 { font-size: 1.6em; line-height: 1.3; }\n"
           "h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }\n"
           ".sub, .date, .kind, dl.meta, footer { color: #555; }\n"
           ".date, .kind { font-size: 0.85em; margin-left: 0.5em; }\n"
           "ul.toc { padding-left: 1.2em; }\n"
           "ul.toc li { margin: 0.35em 0; }\n"
           "dl.meta, dl.facts { display: grid; grid-template-columns: max-content auto; "
           "gap: 0.1em 1em; }\n"
           "dl.meta dd, dl.facts dd { margin: 0; }\n"
           "dl.meta dt, dl.facts dt { font-weight: bold; }\n"
           "code.fp { font-size: 1.1em; letter-spacing: 0.05em; }\n"
           "blockquote { border-left: 3px solid #bbb; margin-left: 0; padding-left: 1em; "
           "color: #333; }\n"
           "pre { background: #f0f0ea; padding: 0.6em; overflow-x: auto; }\n"
           "figure { margin: 1em 0; }\n"
           "figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }\n"
           "figure audio { width: 100%; }\n"
           "figcaption { font-size: 0.9em; color: #444; }\n"
           ".cue .ts { font-family: monospace; color: #666; margin-right: 0.5em; }\n"
           ".ext .url { font-family: monospace; font-size: 0.85em; word-break: break-all; }\n"
           ".mark { font-size: 0.85em; color: #7a2d00; }\n"
           ".banner { padding: 0.5em 0.8em; border-radius: 4px; }\n"
           ".banner.ok { background: #e3f2e1; }\n"
           ".banner.bad { background: #fbe3d6; }\n"
           ".damaged { color: #777; }\n"
           "input#q { font-size: 1.2em; width: 100%; box-sizing: border-box; padding: 0.3em; }\n"
           "ol.hits li { margin: 0.6em 0; }\n"
           ".hits .snip { display: block; color: #444; font-size: 0.9em; }\n"
           "footer { margin-top: 3em; font-size: 0.85em; border-top: 1px solid #ccc; "
           "padding-top: 0.5em; }\n";
}
