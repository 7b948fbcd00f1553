/*
 * input_text.c - plain text (.txt) to gemtext.
 *
 * The first non-empty line is the title. The rest are paragraphs separated by blank
 * lines; consecutive lines of a paragraph are joined with a space. A line that starts
 * with a time stamp "[hh:mm:ss] " (e.g. "[00:01:05] KIM: ...") starts its own line in
 * the output; lines after it (up to a blank line or the next time stamp) are joined to it.
 */
#include <string.h>

#include "input_common.h"
#include "pack_input.h"
#include "sat_text.h"

/* 1 if s starts with "[h:mm:ss]" (1 to 3 hour digits) followed by a space or the end. */
static int is_stamp_line(const char *s, size_t n)
{
    size_t i = 1, h = 0;

    if (n < 8 || s[0] != '[')
        return 0;
    while (i < n && h < 3 && s[i] >= '0' && s[i] <= '9') {
        i++;
        h++;
    }
    if (h == 0 || i + 7 > n)
        return 0;
    if (s[i] != ':' || s[i + 1] < '0' || s[i + 1] > '5' || s[i + 2] < '0' || s[i + 2] > '9' ||
        s[i + 3] != ':' || s[i + 4] < '0' || s[i + 4] > '5' || s[i + 5] < '0' || s[i + 5] > '9' ||
        s[i + 6] != ']')
        return 0;
    i += 7;
    return i == n || pack_in_is_space(s[i]);
}

static int flush(pack_gem *g, sat_buf *block, pack_gem_type t)
{
    int rc = 0;

    if (block->len > 0)
        rc = pack_gem_add(g, t, block->data, block->len);
    block->len = 0;
    return rc;
}

int pack_parse_text(const char *relpath, const char *data, size_t len, pack_doc *doc,
                    sat_err *err)
{
    sat_buf text = {0};
    sat_buf block = {0};
    pack_gem gem;
    pack_gem_type type = PACK_GEM_PARA;
    pack_in_lines it;
    const char *line;
    size_t n;
    int rc;

    memset(doc, 0, sizeof *doc);
    memset(&gem, 0, sizeof gem);
    rc = pack_in_prepare(relpath, data, len, &text, err);
    if (rc != 0)
        goto fail;
    pack_in_lines_init(&it, text.data, text.len);
    while (doc->meta.title == NULL && pack_in_lines_next(&it, &line, &n)) {
        if (pack_in_is_blank(line, n))
            continue;
        doc->meta.title = pack_in_field(line, n);
        if (doc->meta.title == NULL)
            goto nomem;
    }
    if (doc->meta.title == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: missing title (the file is empty)", relpath);
        goto fail;
    }
    while (pack_in_lines_next(&it, &line, &n)) {
        pack_in_trim(&line, &n);
        if (n == 0) {
            if (flush(&gem, &block, type) != 0)
                goto nomem;
            continue;
        }
        if (is_stamp_line(line, n)) {
            if (flush(&gem, &block, type) != 0)
                goto nomem;
            type = PACK_GEM_CUE;
        } else if (block.len == 0) {
            type = PACK_GEM_PARA;
        }
        if (block.len > 0 && sat_buf_append(&block, " ", 1) != 0)
            goto nomem;
        if (sat_buf_append(&block, line, n) != 0)
            goto nomem;
    }
    if (flush(&gem, &block, type) != 0)
        goto nomem;
    rc = pack_in_doc_finish(doc, relpath, SAT_KIND_ARTICLE, &gem, err);
    goto cleanup;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
fail:
    pack_doc_free(doc);
cleanup:
    pack_gem_free(&gem);
    sat_buf_free(&block);
    sat_buf_free(&text);
    return rc;
}
