/* export_search.c - the search page of the static web export: the precomputed index
 * (search-data.js), the page and its script (export_search.h). */
#include "export_search.h"

#include <string.h>

#include "export_pages.h"
#include "msg.h"
#include "render_html.h"

int es_data_begin(sat_buf *data)
{
    return sat_buf_puts(data, "/* satchel-read export-html: the search index (data only) */\n"
                              "window.SATCHEL_SEARCH = [\n");
}

int es_data_end(sat_buf *data)
{
    return sat_buf_puts(data, "];\n");
}

/* Appends the body's words without gemtext markers and link addresses, one space
 * between lines, at most max bytes (cut at a character boundary). */
static int es_plain(sat_buf *out, const char *body, size_t len, size_t max)
{
    size_t i = 0, start = out->len;
    int rc = 0, pre = 0;

    while (rc == 0 && i < len && out->len - start < max) {
        const char *nl = memchr(body + i, '\n', len - i);
        size_t end = nl != NULL ? (size_t)(nl - body) : len, s = i;
        size_t next = nl != NULL ? end + 1 : len;
        if (end - s >= 3 && memcmp(body + s, "```", 3) == 0) {
            pre = !pre;
            i = next;
            continue;
        }
        if (!pre && end - s >= 2 && memcmp(body + s, "=>", 2) == 0) {
            s += 2; /* the label only */
            while (s < end && (body[s] == ' ' || body[s] == '\t'))
                s++;
            while (s < end && body[s] != ' ' && body[s] != '\t')
                s++;
        }
        while (!pre && s < end && (body[s] == '#' || body[s] == '*' || body[s] == '>'))
            s++;
        while (s < end && (body[s] == ' ' || body[s] == '\t' || body[s] == '\r'))
            s++;
        if (end > s)
            rc = sat_buf_append(out, body + s, end - s);
        if (rc == 0 && end > s)
            rc = sat_buf_puts(out, " ");
        i = next;
    }
    if (rc == 0 && out->len - start > max) {
        size_t cut = start + max;
        while (cut > start && ((unsigned char)out->data[cut] & 0xC0) == 0x80)
            cut--;
        out->len = cut;
        out->data[cut] = '\0';
    }
    return rc;
}

/* ", " then s as a JSON string ("" for NULL). */
static int es_field(sat_buf *data, const char *s, size_t len)
{
    int rc = sat_buf_puts(data, ", ");

    return rc == 0 ? sat_json_string(data, s != NULL ? s : "", s != NULL ? len : 0) : rc;
}

int es_data_add(sat_buf *data, const char *href, const sat_mentry *e, const char *body,
                size_t len)
{
    sat_buf text = {0};
    int rc = sat_buf_puts(data, "[");

    if (rc == 0)
        rc = sat_json_string(data, href, strlen(href));
    if (rc == 0)
        rc = es_field(data, e->title, strlen(e->title));
    if (rc == 0)
        rc = es_field(data, e->date, e->date != NULL ? strlen(e->date) : 0);
    if (rc == 0)
        rc = es_field(data, e->section, e->section != NULL ? strlen(e->section) : 0);
    if (rc == 0)
        rc = es_field(data, e->tags, e->tags != NULL ? strlen(e->tags) : 0);
    if (rc == 0)
        rc = es_field(data, e->lang, e->lang != NULL ? strlen(e->lang) : 0);
    if (rc == 0 && data->len < ES_TEXT_TOTAL)
        rc = es_plain(&text, body, len, ES_TEXT_PER_ENTRY);
    if (rc == 0)
        rc = es_field(data, text.data != NULL ? text.data : "", text.len);
    if (rc == 0)
        rc = sat_buf_puts(data, "],\n");
    sat_buf_free(&text);
    return rc;
}

int es_page(sat_buf *out)
{
    int rc = ep_head(out, "", NULL, rmsg(MSG_HTML_SEARCH), ES_CSP);

    if (rc == 0)
        rc = sat_buf_printf(out,
                            "<h1>%s</h1>\n<noscript><p class=\"banner bad\">%s</p></noscript>\n"
                            "<p><label for=\"q\">%s</label><br>\n"
                            "<input type=\"search\" id=\"q\" autocomplete=\"off\" "
                            "spellcheck=\"false\"></p>\n<p class=\"sub\">%s</p>\n"
                            "<p id=\"count\" data-label=\"",
                            rmsg(MSG_HTML_SEARCH), rmsg(MSG_HTML_SEARCH_NOSCRIPT),
                            rmsg(MSG_HTML_SEARCH_HINT), rmsg(MSG_HTML_SEARCH_PARTIAL));
    if (rc == 0)
        rc = rh_escape_str(out, rmsg(MSG_HTML_SEARCH_FOUND));
    if (rc == 0)
        rc = sat_buf_puts(out, "\"></p>\n<ol class=\"hits\" id=\"hits\"></ol>\n"
                               "<script src=\"search-data.js\"></script>\n"
                               "<script src=\"search.js\"></script>\n");
    if (rc == 0)
        rc = ep_foot(out);
    return rc;
}

const char *es_script(void)
{
    return "/* satchel-read export-html: search over search-data.js. Nothing is loaded;\n"
           "   results are built with textContent only. */\n"
           "(function () {\n"
           "  \"use strict\";\n"
           "  var data = window.SATCHEL_SEARCH || [];\n"
           "  var q = document.getElementById(\"q\");\n"
           "  var hits = document.getElementById(\"hits\");\n"
           "  var count = document.getElementById(\"count\");\n"
           "  var SHOW = 200;\n"
           "  var own = /^e\\/[0-9]{3,5}\\/[0-9]{6,8}\\.html$/;\n"
           "  var docs = data.filter(function (d) { return own.test(d[0]); }).map(function (d) {\n"
           "    var t = d[1].toLowerCase();\n"
           "    return {d: d, t: t, all: t + \" \" + (d[3] + \" \" + d[4] + \" \" + d[6])"
           ".toLowerCase()};\n"
           "  });\n"
           "  function snippet(text, word) {\n"
           "    var i = text.toLowerCase().indexOf(word), s = Math.max(0, i - 60);\n"
           "    if (i < 0) { s = 0; }\n"
           "    return (s > 0 ? \"\\u2026\" : \"\") + text.slice(s, s + 180) +\n"
           "      (s + 180 < text.length ? \"\\u2026\" : \"\");\n"
           "  }\n"
           "  function run() {\n"
           "    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), found = [];\n"
           "    while (hits.firstChild) { hits.removeChild(hits.firstChild); }\n"
           "    if (!words.length) { count.textContent = \"\"; return; }\n"
           "    docs.forEach(function (x) {\n"
           "      var inTitle = 1;\n"
           "      for (var i = 0; i < words.length; i++) {\n"
           "        if (x.all.indexOf(words[i]) < 0) { return; }\n"
           "        if (x.t.indexOf(words[i]) < 0) { inTitle = 0; }\n"
           "      }\n"
           "      found.push({x: x, s: inTitle});\n"
           "    });\n"
           "    found.sort(function (a, b) {\n"
           "      var da = a.x.d[2], db = b.x.d[2];\n"
           "      return b.s - a.s || (da < db ? 1 : da > db ? -1 : 0);\n"
           "    });\n"
           "    count.textContent = count.getAttribute(\"data-label\") + \" \" + found.length;\n"
           "    found.slice(0, SHOW).forEach(function (h) {\n"
           "      var d = h.x.d, li = document.createElement(\"li\");\n"
           "      var a = document.createElement(\"a\"), meta = document.createElement(\"span\");\n"
           "      var snip = document.createElement(\"span\");\n"
           "      a.setAttribute(\"href\", d[0]);\n"
           "      a.textContent = d[1];\n"
           "      if (/^[A-Za-z0-9-]{1,35}$/.test(d[5])) { a.setAttribute(\"lang\", d[5]); }\n"
           "      meta.className = \"date\";\n"
           "      meta.textContent = d[2].slice(0, 10);\n"
           "      snip.className = \"snip\";\n"
           "      snip.textContent = snippet(d[6], words[0]);\n"
           "      li.appendChild(a);\n"
           "      li.appendChild(meta);\n"
           "      li.appendChild(snip);\n"
           "      hits.appendChild(li);\n"
           "    });\n"
           "  }\n"
           "  var start = new URLSearchParams(window.location.search).get(\"q\");\n"
           "  if (start) { q.value = start; }\n"
           "  q.addEventListener(\"input\", run);\n"
           "  run();\n"
           "})();\n";
}
