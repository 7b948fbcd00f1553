/*
 * input_text.c - plain text (.txt) to gemtext.
 *
 * The first non-empty line is the title. The rest are paragraphs separated by blank
 * lines; consecutive lines of a paragraph are joined with a space. A line that starts
 * with a time stamp "[h:mm:ss] " (e.g. "[00:01:05] KIM: ...") starts its own line in
 * the output, the stamp written "[hh:mm:ss]"; lines after it (up to a blank line or the
 * next time stamp) are joined to it.
 *
 * A file whose output lines are mostly stamped lines (more than half of them) is a
 * transcript: its date comes from the file name like a subtitle file's, and when its
 * first line is already a stamped line the title comes from the file name too.
 */
#include <stdlib.h>
#include <string.h>

#include "input_common.h"
#include "pack_input.h"
#include "sat_text.h"

/* Length of the stamp "[h:mm:ss]" (1 to 3 hour digits) at the start of s when a space
 * or the end follows, else 0. */
static size_t stamp_len(const char *s, size_t n)
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
    return (i == n || pack_in_is_space(s[i])) ? i : 0;
}

typedef struct text_state {
    pack_gem gem;
    sat_buf block;
    pack_gem_type type;
    size_t cues, paras; /* output lines of each kind */
} text_state;

static int flush(text_state *t)
{
    int rc = 0;

    if (t->block.len > 0) {
        rc = pack_gem_add(&t->gem, t->type, t->block.data, t->block.len);
        if (t->type == PACK_GEM_CUE)
            t->cues++;
        else
            t->paras++;
    }
    t->block.len = 0;
    return rc;
}

/* Adds one trimmed, non-empty body line. */
static int add_line(text_state *t, const char *line, size_t n)
{
    size_t sl = stamp_len(line, n);

    if (sl > 0) {
        if (flush(t) != 0)
            return SAT_E_NOMEM;
        t->type = PACK_GEM_CUE;
        if (sl == 9) { /* one hour digit: "[1:02:03]" is written "[01:02:03]" */
            if (sat_buf_append(&t->block, "[0", 2) != 0)
                return SAT_E_NOMEM;
            line++;
            n--;
        }
    } else if (t->block.len == 0) {
        t->type = PACK_GEM_PARA;
    }
    if (t->block.len > 0 && sl == 0 && sat_buf_append(&t->block, " ", 1) != 0)
        return SAT_E_NOMEM;
    return sat_buf_append(&t->block, line, n);
}

int pack_parse_text(const char *relpath, const char *data, size_t len, pack_doc *doc,
                    sat_err *err)
{
    sat_buf text = {0};
    text_state t;
    pack_in_lines it;
    const char *line;
    size_t n;
    int rc;
    sat_kind kind = SAT_KIND_ARTICLE;

    memset(doc, 0, sizeof *doc);
    memset(&t, 0, sizeof t);
    rc = pack_in_prepare(relpath, data, len, &text, err);
    if (rc != 0)
        goto fail;
    pack_in_lines_init(&it, text.data, text.len);
    while (pack_in_lines_next(&it, &line, &n)) {
        pack_in_trim(&line, &n);
        if (n == 0) {
            if (flush(&t) != 0)
                goto nomem;
            continue;
        }
        if (doc->meta.title == NULL && stamp_len(line, n) == 0) {
            doc->meta.title = pack_in_field(line, n);
            if (doc->meta.title == NULL)
                goto nomem;
            continue;
        }
        if (doc->meta.title == NULL &&
            (doc->meta.title = pack_in_title_from_name(relpath)) == NULL)
            goto nomem; /* a transcript that starts right away */
        if (add_line(&t, line, n) != 0)
            goto nomem;
    }
    if (doc->meta.title == NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: missing title (the file is empty)", relpath);
        goto fail;
    }
    if (flush(&t) != 0)
        goto nomem;
    if (t.cues > t.paras) {
        kind = SAT_KIND_TRANSCRIPT;
        doc->meta.date = pack_in_date_from_name(relpath);
    }
    rc = pack_in_doc_finish(doc, relpath, kind, &t.gem, err);
    goto cleanup;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
fail:
    pack_doc_free(doc);
cleanup:
    pack_gem_free(&t.gem);
    sat_buf_free(&t.block);
    sat_buf_free(&text);
    return rc;
}
