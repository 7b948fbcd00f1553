/*
 * input_subtitle.c - WebVTT (.vtt) and SubRip (.srt) transcripts to gemtext.
 *
 * Every cue becomes one line "[hh:mm:ss] Speaker: text" (start time, seconds
 * truncated). WebVTT voice tags <v Name> give the speaker; a cue whose payload
 * switches voice gives one line per voice, and so does a dialogue turn inside a cue
 * (a line "- text" or "NAME: text" after other text). Ruby text <rt> goes in
 * parentheses; other tags are dropped, entities decoded. WebVTT NOTE blocks made only
 * of "key: value" lines set metadata; STYLE and REGION blocks are skipped. Cue numbers
 * and the blank line between cues may be missing (a timing line, or a number line
 * followed by one, inside a cue starts the next cue).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_common.h"
#include "pack_input.h"
#include "sat_meta.h"
#include "sat_text.h"

#define TS_HOURS_MAX 999999UL

/* ------------------------------------------------------------------------
 * Timing lines
 * ------------------------------------------------------------------------ */

static int take_digits(const char *s, size_t n, size_t *i, size_t min, size_t max,
                       unsigned long *v)
{
    size_t k = 0;

    *v = 0;
    while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
        *v = *v * 10 + (unsigned long)(s[*i] - '0');
        (*i)++;
        k++;
    }
    return k >= min && !(*i < n && s[*i] >= '0' && s[*i] <= '9') ? 0 : -1;
}

/* Parses a time stamp at s[*i]: WebVTT "[hh:]mm:ss.ttt" (srt == 0) or SRT
 * "hh:mm:ss,ttt" (srt == 1; '.' also accepted). Sets *secs (whole seconds). */
static int parse_ts(const char *s, size_t n, size_t *i, int srt, unsigned long *secs)
{
    unsigned long a, b, c = 0, ms;
    int has_hours = 0;

    if (take_digits(s, n, i, srt ? 1 : 2, 8, &a) != 0 || *i >= n || s[*i] != ':')
        return -1;
    (*i)++;
    if (take_digits(s, n, i, 2, 2, &b) != 0)
        return -1;
    if (*i < n && s[*i] == ':') {
        (*i)++;
        has_hours = 1;
        if (take_digits(s, n, i, 2, 2, &c) != 0)
            return -1;
    }
    if (srt && !has_hours)
        return -1;
    if (*i >= n || !(s[*i] == '.' || (srt && s[*i] == ',')))
        return -1;
    (*i)++;
    if (take_digits(s, n, i, srt ? 1 : 3, 3, &ms) != 0) /* SRT tools write ",5" too */
        return -1;
    if (has_hours) {
        if (a > TS_HOURS_MAX || b > 59 || c > 59)
            return -1;
        *secs = a * 3600 + b * 60 + c;
    } else {
        if (a > 59 || b > 59)
            return -1;
        *secs = a * 60 + b;
    }
    return 0;
}

/* Parses "start --> end [settings]". Returns 0 and the start in *start, or -1. */
static int parse_timing(const char *s, size_t n, int srt, unsigned long *start)
{
    size_t i = 0;
    unsigned long end;

    pack_in_trim(&s, &n);
    if (parse_ts(s, n, &i, srt, start) != 0)
        return -1;
    while (i < n && pack_in_is_space(s[i])) /* "00:01.000-->00:02.000" occurs too */
        i++;
    if (n - i < 3 || memcmp(s + i, "-->", 3) != 0)
        return -1;
    i += 3;
    while (i < n && pack_in_is_space(s[i]))
        i++;
    if (parse_ts(s, n, &i, srt, &end) != 0)
        return -1;
    return (i == n || pack_in_is_space(s[i])) ? 0 : -1;
}

static int has_arrow(const char *s, size_t n)
{
    return n >= 3 && memmem(s, n, "-->", 3) != NULL;
}

static int all_digits(const char *s, size_t n)
{
    size_t i;

    pack_in_trim(&s, &n);
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* 1 if the line starts with a digit and has "-->": a timing line where a cue's text
 * could also be (a blank line before it is missing). */
static int timing_line(const char *s, size_t n)
{
    pack_in_trim(&s, &n);
    return n > 0 && s[0] >= '0' && s[0] <= '9' && has_arrow(s, n);
}

/* 1 if the line after the one last returned by it has "-->". */
static int next_has_arrow(const pack_in_lines *it)
{
    pack_in_lines look = *it;
    const char *s;
    size_t n;

    return pack_in_lines_next(&look, &s, &n) && has_arrow(s, n);
}

/* ------------------------------------------------------------------------
 * Cue payloads
 * ------------------------------------------------------------------------ */

typedef struct cue {
    unsigned long start;
    size_t line;       /* line of the timing line */
    sat_buf text;      /* text of the current segment (one voice or dialogue turn) */
    char *speaker;     /* current voice, or NULL */
    int active;
    int voice_closed;  /* "</v>" seen: text after it has no speaker */
    int in_rt;         /* inside <rt>: the ruby text goes in parentheses */
    size_t rt_mark;    /* text length right after the "(" */
    unsigned long emits; /* segments written so far */
} cue;

/* Ends an open "(ruby text": ")" appended, or the "(" removed when nothing followed. */
static int rt_close(cue *c)
{
    if (!c->in_rt)
        return 0;
    c->in_rt = 0;
    if (c->text.len == c->rt_mark) {
        c->text.len--;
        return 0;
    }
    return sat_buf_append(&c->text, ")", 1);
}

/* Writes the current segment as "[hh:mm:ss] Speaker: text". */
static int cue_emit(pack_gem *g, cue *c)
{
    sat_buf line = {0};
    const char *t;
    size_t tn;
    int rc = SAT_E_NOMEM;

    if (rt_close(c) != 0)
        goto cleanup;
    t = c->text.data;
    tn = c->text.len;
    pack_in_trim(&t, &tn);
    if (tn == 0) {
        rc = 0;
        goto cleanup;
    }
    if (sat_buf_printf(&line, "[%02lu:%02lu:%02lu] ", c->start / 3600, c->start / 60 % 60,
                       c->start % 60) != 0)
        goto cleanup;
    if (c->speaker != NULL && c->speaker[0] != '\0' &&
        (sat_buf_puts(&line, c->speaker) != 0 || sat_buf_puts(&line, ": ") != 0))
        goto cleanup;
    if (sat_buf_append(&line, t, tn) != 0)
        goto cleanup;
    rc = pack_gem_add(g, PACK_GEM_CUE, line.data, line.len);
    c->emits++;
cleanup:
    c->text.len = 0;
    sat_buf_free(&line);
    return rc;
}

static int cue_end(pack_gem *g, cue *c)
{
    int rc = 0;

    if (c->active)
        rc = cue_emit(g, c);
    free(c->speaker);
    c->speaker = NULL;
    c->active = 0;
    c->voice_closed = 0;
    c->in_rt = 0;
    c->text.len = 0;
    return rc;
}

/* Length of the speaker label "NAME:" at the start of s (NAME in capital Latin letters
 * or Hangul syllables, with spaces, digits and . ' - inside, at most 40 bytes, at least
 * one letter), followed by a space or the end of the text; 0 if there is none. s is
 * valid UTF-8. */
static size_t speaker_label(const char *s, size_t n)
{
    size_t i = 0;
    int letter = 0;

    while (i < n && i < 40) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 'A' && b <= 'Z') {
            letter = 1;
            i++;
        } else if (b >= 0xEA && b <= 0xED && i + 2 < n) {
            unsigned long cp = ((unsigned long)(b & 0x0F) << 12) |
                               ((unsigned long)((unsigned char)s[i + 1] & 0x3F) << 6) |
                               ((unsigned char)s[i + 2] & 0x3F);
            if (cp < 0xAC00 || cp > 0xD7A3)
                return 0;
            letter = 1;
            i += 3;
        } else if (b == ' ' || b == '.' || b == '\'' || b == '-' || (b >= '0' && b <= '9')) {
            i++;
        } else {
            break;
        }
    }
    if (!letter || i >= n || s[i] != ':')
        return 0;
    return (i + 1 == n || pack_in_is_space(s[i + 1])) ? i + 1 : 0;
}

/* 1 if a payload line (tags removed) starts a new dialogue turn: "- text" or "NAME: text". */
static int starts_turn(const char *s, size_t n)
{
    pack_in_trim(&s, &n);
    if (n >= 2 && s[0] == '-' && pack_in_is_space(s[1]))
        return 1;
    return speaker_label(s, n) > 0;
}

/* Handles one tag "<...>" (tag[0..tn) between the brackets): <v Name> switches the
 * speaker, </v> closes it, <rt>..</rt> (ruby text) goes in parentheses, every other tag
 * (<b> <i> <u> <c.x> <lang xx> <ruby> <font ...> <00:00:07.000> and closing tags) is
 * dropped. Returns 0 or SAT_E_NOMEM. */
static int cue_tag(pack_gem *g, cue *c, const char *tag, size_t tn, int vtt)
{
    size_t k = 0;

    while (k < tn && tag[k] != '.' && !pack_in_is_space(tag[k]))
        k++;
    if (vtt && k == 1 && tag[0] == 'v') {
        char *name;
        while (k < tn && !pack_in_is_space(tag[k])) /* class chain ".loud" */
            k++;
        name = pack_in_field(tag + k, tn - k);
        if (name == NULL)
            return SAT_E_NOMEM;
        if ((c->speaker == NULL || strcmp(c->speaker, name) != 0) && cue_emit(g, c) != 0) {
            free(name);
            return SAT_E_NOMEM;
        }
        free(c->speaker);
        c->speaker = name;
        c->voice_closed = 0;
    } else if (vtt && k == 2 && memcmp(tag, "/v", 2) == 0) {
        c->voice_closed = 1;
    } else if (k == 2 && memcmp(tag, "rt", 2) == 0 && !c->in_rt) {
        if (sat_buf_append(&c->text, "(", 1) != 0)
            return SAT_E_NOMEM;
        c->in_rt = 1;
        c->rt_mark = c->text.len;
    } else if ((k == 3 && memcmp(tag, "/rt", 3) == 0) ||
               (k == 5 && memcmp(tag, "/ruby", 5) == 0)) {
        return rt_close(c);
    }
    return 0;
}

/* Called before text character ch is appended: text after a closed voice ("</v>")
 * starts a segment without speaker. */
static int cue_text_starts(pack_gem *g, cue *c, char ch)
{
    if (c->voice_closed && c->speaker != NULL && !pack_in_is_space(ch)) {
        if (cue_emit(g, c) != 0)
            return SAT_E_NOMEM;
        free(c->speaker);
        c->speaker = NULL;
        c->voice_closed = 0;
    }
    return 0;
}

/* 1 if s[i] == '<' opens a tag: a letter or '/' follows (a digit too in WebVTT, for
 * time stamp tags), and a '>' comes before any other '<'. Sets *gt. */
static int tag_at(const char *s, size_t n, size_t i, int vtt, const char **gt)
{
    const char *lt;
    char d;

    if (s[i] != '<' || i + 1 >= n)
        return 0;
    d = s[i + 1];
    if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || d == '/' ||
          (vtt && d >= '0' && d <= '9')))
        return 0;
    *gt = memchr(s + i + 1, '>', n - i - 1);
    lt = memchr(s + i + 1, '<', n - i - 1);
    return *gt != NULL && (lt == NULL || lt > *gt);
}

/* Appends one payload line: tags handled by cue_tag, entities decoded, SRT "{\...}"
 * override codes dropped. A line that starts a dialogue turn ("- ..." or "NAME: ...")
 * after other text of the same voice becomes a segment of its own. */
static int cue_payload(pack_gem *g, cue *c, const char *s, size_t n, int vtt)
{
    size_t i = 0, sep = c->text.len, mark;
    unsigned long emits = c->emits;

    if (sep > 0 && sat_buf_append(&c->text, " ", 1) != 0)
        return SAT_E_NOMEM;
    mark = c->text.len;
    while (i < n) {
        const char *gt;

        if (tag_at(s, n, i, vtt, &gt)) {
            if (cue_tag(g, c, s + i + 1, (size_t)(gt - s) - i - 1, vtt) != 0)
                return SAT_E_NOMEM;
            i = (size_t)(gt - s) + 1;
            continue;
        }
        if (!vtt && s[i] == '{' && i + 1 < n && s[i + 1] == '\\' &&
            (gt = memchr(s + i, '}', n - i)) != NULL) {
            i = (size_t)(gt - s) + 1;
            continue;
        }
        if (cue_text_starts(g, c, s[i]) != 0)
            return SAT_E_NOMEM;
        if (s[i] == '&') {
            int used = pack_in_entity(s + i, n - i, &c->text);
            if (used < 0)
                return SAT_E_NOMEM;
            if (used > 0) {
                i += (size_t)used;
                continue;
            }
        }
        if (sat_buf_append(&c->text, s + i, 1) != 0)
            return SAT_E_NOMEM;
        i++;
    }
    /* a new turn inside the segment (no voice change on this line) */
    if (c->emits == emits && sep > 0 && mark <= c->text.len && !c->in_rt &&
        starts_turn(c->text.data + mark, c->text.len - mark)) {
        size_t tail = c->text.len - mark;
        c->text.len = sep;
        if (cue_emit(g, c) != 0)
            return SAT_E_NOMEM;
        memmove(c->text.data, c->text.data + mark, tail);
        c->text.len = tail;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * WebVTT
 * ------------------------------------------------------------------------ */

typedef struct note_line {
    const char *s;
    size_t n;
    size_t line;
} note_line;

typedef struct note {
    note_line *l;
    size_t n, cap;
} note;

static int note_add(note *nb, const char *s, size_t n, size_t line)
{
    pack_in_trim(&s, &n);
    if (n == 0)
        return 0;
    if (nb->n == nb->cap) {
        size_t nc = nb->cap ? nb->cap * 2 : 8;
        note_line *p = realloc(nb->l, nc * sizeof *p);
        if (p == NULL)
            return SAT_E_NOMEM;
        nb->l = p;
        nb->cap = nc;
    }
    nb->l[nb->n].s = s;
    nb->l[nb->n].n = n;
    nb->l[nb->n].line = line;
    nb->n++;
    return 0;
}

/* Applies a NOTE block if every line is "key: value" with a metadata key. */
static int note_apply(note *nb, sat_meta *m, const char *relpath, sat_err *err)
{
    size_t i;
    const char *key, *val;
    size_t klen, vlen;
    sat_kind kind_unused = SAT_KIND_TRANSCRIPT;
    int rc = 0;

    for (i = 0; i < nb->n; i++)
        if (pack_in_split_kv(nb->l[i].s, nb->l[i].n, &key, &klen, &val, &vlen) != 0 ||
            !pack_in_key_known(key, klen, PACK_IN_KEYS_NOTE))
            goto done; /* an ordinary comment */
    for (i = 0; i < nb->n && rc == 0; i++) {
        pack_in_split_kv(nb->l[i].s, nb->l[i].n, &key, &klen, &val, &vlen);
        rc = pack_in_meta_set(m, &kind_unused, key, klen, val, vlen, relpath, nb->l[i].line,
                              err);
    }
done:
    nb->n = 0;
    return rc;
}

static int word_is(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);

    return n >= wl && memcmp(s, w, wl) == 0 && (n == wl || pack_in_is_space(s[wl]));
}

enum { ST_BETWEEN, ST_NOTE, ST_SKIP, ST_TIMING, ST_CUE };

/* Sets title and date fallbacks and finishes the doc. */
static int sub_finish(pack_doc *doc, const char *relpath, char *header_title, pack_gem *g,
                      sat_err *err)
{
    if (doc->meta.title == NULL && header_title != NULL && header_title[0] != '\0') {
        doc->meta.title = header_title;
        header_title = NULL;
    }
    free(header_title);
    if (doc->meta.title == NULL)
        doc->meta.title = pack_in_title_from_name(relpath);
    if (doc->meta.date == NULL)
        doc->meta.date = pack_in_date_from_name(relpath);
    if (doc->meta.title == NULL) {
        pack_doc_free(doc);
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
    }
    return pack_in_doc_finish(doc, relpath, SAT_KIND_TRANSCRIPT, g, err);
}

static int bad_timing(sat_err *err, const char *relpath, size_t line, const char *s, size_t n,
                      int srt)
{
    return sat_err_set(err, SAT_E_FORMAT, "%s:%zu: bad cue timing '%.*s' (expected %s)", relpath,
                       line, (int)(n > 80 ? 80 : n), s,
                       srt ? "hh:mm:ss,ttt --> hh:mm:ss,ttt"
                           : "hh:mm:ss.ttt --> hh:mm:ss.ttt or mm:ss.ttt --> mm:ss.ttt");
}

int pack_parse_vtt(const char *relpath, const char *data, size_t len, pack_doc *doc,
                   sat_err *err)
{
    sat_buf text = {0};
    pack_gem gem;
    pack_in_lines it;
    cue c;
    note nb = {NULL, 0, 0};
    char *header_title = NULL;
    const char *line;
    size_t n;
    int state = ST_BETWEEN;
    int rc;

    memset(doc, 0, sizeof *doc);
    memset(&gem, 0, sizeof gem);
    memset(&c, 0, sizeof c);
    rc = pack_in_prepare(relpath, data, len, &text, err);
    if (rc != 0)
        goto fail;
    pack_in_lines_init(&it, text.data, text.len);
    if (!pack_in_lines_next(&it, &line, &n) || !word_is(line, n, "WEBVTT")) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s:1: not a WebVTT file (the first line must be "
                                            "'WEBVTT')", relpath);
        goto fail;
    }
    header_title = pack_in_field(line + 6, n - 6);
    if (header_title == NULL)
        goto nomem;
    while (pack_in_lines_next(&it, &line, &n) && !pack_in_is_blank(line, n))
        ; /* header lines up to the first blank line */
    while (pack_in_lines_next(&it, &line, &n)) {
        if (pack_in_is_blank(line, n)) {
            if (state == ST_TIMING) {
                rc = sat_err_set(err, SAT_E_FORMAT, "%s:%zu: cue has no timing line", relpath,
                                 it.lineno - 1);
                goto fail;
            }
            if (state == ST_NOTE && (rc = note_apply(&nb, &doc->meta, relpath, err)) != 0)
                goto fail;
            if (state == ST_CUE && cue_end(&gem, &c) != 0)
                goto nomem;
            state = ST_BETWEEN;
            continue;
        }
        switch (state) {
        case ST_BETWEEN:
            if (word_is(line, n, "NOTE")) {
                state = ST_NOTE;
                if (note_add(&nb, line + 4, n - 4, it.lineno) != 0)
                    goto nomem;
            } else if (word_is(line, n, "STYLE") || word_is(line, n, "REGION")) {
                state = ST_SKIP;
            } else if (has_arrow(line, n)) {
                goto timing;
            } else {
                state = ST_TIMING; /* cue identifier */
            }
            break;
        case ST_TIMING:
            if (!has_arrow(line, n)) {
                rc = sat_err_set(err, SAT_E_FORMAT,
                                 "%s:%zu: expected a cue timing line like "
                                 "'00:00:01.000 --> 00:00:04.000'",
                                 relpath, it.lineno);
                goto fail;
            }
        timing:
            if (parse_timing(line, n, 0, &c.start) != 0) {
                rc = bad_timing(err, relpath, it.lineno, line, n, 0);
                goto fail;
            }
            c.line = it.lineno;
            c.active = 1;
            state = ST_CUE;
            break;
        case ST_CUE:
            /* the next cue without a blank line before it: timing, or number + timing */
            if (timing_line(line, n)) {
                if (cue_end(&gem, &c) != 0)
                    goto nomem;
                goto timing;
            }
            if (all_digits(line, n) && next_has_arrow(&it)) {
                if (cue_end(&gem, &c) != 0)
                    goto nomem;
                state = ST_TIMING;
                break;
            }
            if (cue_payload(&gem, &c, line, n, 1) != 0)
                goto nomem;
            break;
        case ST_NOTE:
            if (note_add(&nb, line, n, it.lineno) != 0)
                goto nomem;
            break;
        default:
            break;
        }
    }
    if (state == ST_TIMING) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s:%zu: cue has no timing line", relpath, it.lineno);
        goto fail;
    }
    if (state == ST_NOTE && (rc = note_apply(&nb, &doc->meta, relpath, err)) != 0)
        goto fail;
    if (cue_end(&gem, &c) != 0)
        goto nomem;
    rc = sub_finish(doc, relpath, header_title, &gem, err);
    header_title = NULL;
    goto cleanup;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
fail:
    pack_doc_free(doc);
cleanup:
    free(header_title);
    free(nb.l);
    free(c.speaker);
    sat_buf_free(&c.text);
    pack_gem_free(&gem);
    sat_buf_free(&text);
    return rc;
}

/* ------------------------------------------------------------------------
 * SubRip
 * ------------------------------------------------------------------------ */

int pack_parse_srt(const char *relpath, const char *data, size_t len, pack_doc *doc,
                   sat_err *err)
{
    sat_buf text = {0};
    pack_gem gem;
    pack_in_lines it;
    cue c;
    const char *line;
    size_t n;
    int state = ST_BETWEEN;
    int rc;

    memset(doc, 0, sizeof *doc);
    memset(&gem, 0, sizeof gem);
    memset(&c, 0, sizeof c);
    rc = pack_in_prepare(relpath, data, len, &text, err);
    if (rc != 0)
        goto fail;
    pack_in_lines_init(&it, text.data, text.len);
    while (pack_in_lines_next(&it, &line, &n)) {
        if (pack_in_is_blank(line, n)) {
            if (state == ST_TIMING) {
                rc = sat_err_set(err, SAT_E_FORMAT, "%s:%zu: cue has no timing line", relpath,
                                 it.lineno - 1);
                goto fail;
            }
            continue; /* a cue stays open across a stray blank line */
        }
        /* cue numbers are optional, and so is the blank line between cues */
        if (state == ST_TIMING || (has_arrow(line, n) && (!c.active || timing_line(line, n)))) {
            if (cue_end(&gem, &c) != 0)
                goto nomem;
            if (parse_timing(line, n, 1, &c.start) != 0) {
                rc = bad_timing(err, relpath, it.lineno, line, n, 1);
                goto fail;
            }
            c.line = it.lineno;
            c.active = 1;
            state = ST_CUE;
            continue;
        }
        if (all_digits(line, n) && (!c.active || next_has_arrow(&it))) {
            state = ST_TIMING;
            continue;
        }
        if (!c.active) {
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "%s:%zu: expected a cue number or a timing line like "
                             "'00:00:01,000 --> 00:00:04,000'",
                             relpath, it.lineno);
            goto fail;
        }
        if (cue_payload(&gem, &c, line, n, 0) != 0)
            goto nomem;
    }
    if (state == ST_TIMING) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s:%zu: cue has no timing line", relpath, it.lineno);
        goto fail;
    }
    if (cue_end(&gem, &c) != 0)
        goto nomem;
    rc = sub_finish(doc, relpath, NULL, &gem, err);
    goto cleanup;
nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
fail:
    pack_doc_free(doc);
cleanup:
    free(c.speaker);
    sat_buf_free(&c.text);
    pack_gem_free(&gem);
    sat_buf_free(&text);
    return rc;
}
