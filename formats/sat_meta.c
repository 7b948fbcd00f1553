/* sat_meta.c - entry kinds and metadata field validation. */
#include "sat_meta.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sat_text.h"

/* Longest part of a bad value quoted in an error message (bytes, before "…"). */
#define META_QUOTE_MAX 60
/* Longest subtag of a lang tag (BCP 47). */
#define META_SUBTAG_MAX 8

static const char *const meta_kind_names[SAT_KIND_COUNT] = {
    "article", "transcript", "image", "audio",
};

/* ------------------------------------------------------------------------ */
/* kinds                                                                    */
/* ------------------------------------------------------------------------ */

const char *sat_kind_name(sat_kind k)
{
    if ((unsigned)k >= SAT_KIND_COUNT)
        return NULL;
    return meta_kind_names[k];
}

int sat_kind_parse(const char *s, size_t len, sat_kind *out)
{
    unsigned k;

    if (s == NULL || out == NULL)
        return SAT_E_FORMAT;
    for (k = 0; k < SAT_KIND_COUNT; k++) {
        if (strlen(meta_kind_names[k]) == len && memcmp(meta_kind_names[k], s, len) == 0) {
            *out = (sat_kind)k;
            return 0;
        }
    }
    return SAT_E_FORMAT;
}

int sat_kind_is_text(sat_kind k)
{
    return k == SAT_KIND_ARTICLE || k == SAT_KIND_TRANSCRIPT;
}

/* ------------------------------------------------------------------------ */
/* single fields                                                            */
/* ------------------------------------------------------------------------ */

static int meta_is_alnum(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int meta_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int sat_id_valid(const char *id, size_t len)
{
    size_t i;

    if (id == NULL || len == 0 || len > SAT_ID_MAX)
        return 0;
    if (id[0] == '.' || id[0] == '-')
        return 0;
    for (i = 0; i < len; i++) {
        char c = id[i];
        if (!meta_is_alnum(c) && c != '.' && c != '_' && c != '-')
            return 0;
        if (c == '.' && i > 0 && id[i - 1] == '.')
            return 0; /* ".." anywhere */
    }
    return 1;
}

/* Parses n digits at s into *v. Returns 1 or 0. */
static int meta_digits(const char *s, size_t n, unsigned *v)
{
    size_t i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (!meta_is_digit(s[i]))
            return 0;
        *v = *v * 10 + (unsigned)(s[i] - '0');
    }
    return 1;
}

static unsigned meta_days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

int sat_date_valid(const char *s, size_t len)
{
    unsigned y, mo, d, h, mi, se;

    if (s == NULL || (len != 10 && len != 20))
        return 0;
    if (!meta_digits(s, 4, &y) || s[4] != '-' || !meta_digits(s + 5, 2, &mo) ||
        s[7] != '-' || !meta_digits(s + 8, 2, &d))
        return 0;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > meta_days_in_month(y, mo))
        return 0;
    if (len == 10)
        return 1;
    if (s[10] != 'T' || !meta_digits(s + 11, 2, &h) || s[13] != ':' ||
        !meta_digits(s + 14, 2, &mi) || s[16] != ':' || !meta_digits(s + 17, 2, &se) ||
        s[19] != 'Z')
        return 0;
    return h <= 23 && mi <= 59 && se <= 59;
}

int sat_lang_valid(const char *s, size_t len)
{
    size_t i;
    size_t sub = 0; /* length of the current subtag */

    if (s == NULL || len == 0 || len > SAT_LANG_MAX)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] == '-') {
            if (sub == 0)
                return 0; /* leading or doubled hyphen */
            sub = 0;
        } else if (meta_is_alnum(s[i])) {
            if (++sub > META_SUBTAG_MAX)
                return 0;
        } else {
            return 0;
        }
    }
    return sub > 0; /* no trailing hyphen */
}

/* Finds what is wrong with a free-text field. Returns 1 when the field is fine,
 * else 0 with a reason in why[]. */
static int meta_field_check(const char *s, size_t len, size_t max, char *why, size_t whysz)
{
    size_t i = 0;
    size_t n;
    size_t bad = 0;
    uint32_t cp;

    if (len > max) {
        snprintf(why, whysz, "is too long (%zu bytes, at most %zu)", len, max);
        return 0;
    }
    /* one pass: validity and controls together (manifests check every field of every
     * entry, so this is on the reader's verify and list paths) */
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            cp = ch;
            n = 1;
        } else {
            n = sat_utf8_decode(s + i, len - i, &cp);
            if (cp == 0xFFFD && !(n == 3 && memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)) {
                bad = i;
                snprintf(why, whysz, "is not valid UTF-8 (bad byte at offset %zu)", bad);
                return 0;
            }
        }
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            snprintf(why, whysz, "holds control character U+%04X at byte %zu", (unsigned)cp,
                     i);
            return 0;
        }
        i += n;
    }
    return 1;
}

int sat_field_valid(const char *s, size_t len, size_t max)
{
    char why[128];

    if (s == NULL)
        return 0;
    return meta_field_check(s, len, max, why, sizeof why);
}

/* ------------------------------------------------------------------------ */
/* whole entries                                                            */
/* ------------------------------------------------------------------------ */

/* Writes a quoted, terminal-safe, shortened copy of a bad value into q[qsz]. */
static void meta_quote(char *q, size_t qsz, const char *s, size_t len)
{
    sat_buf b = {0};
    size_t cut;
    uint32_t cp;

    if (sat_text_sanitize(&b, s, len, 0) != 0) {
        snprintf(q, qsz, "(value not shown: out of memory)");
        goto cleanup;
    }
    cut = 0;
    while (cut < b.len && cut < META_QUOTE_MAX)
        cut += sat_utf8_decode(b.data + cut, b.len - cut, &cp);
    if (cut < b.len)
        snprintf(q, qsz, "\"%.*s\xE2\x80\xA6\"", (int)cut, b.data);
    else
        snprintf(q, qsz, "\"%s\"", b.data);
cleanup:
    sat_buf_free(&b);
}

typedef struct meta_ctx {
    const sat_meta *m;
    sat_err *err;
} meta_ctx;

/* Reports a bad field; names the entry when its id is usable. */
static int meta_fail(const meta_ctx *c, const char *field, const char *value, const char *why)
{
    char q[META_QUOTE_MAX * 4 + 16];

    if (value != NULL)
        meta_quote(q, sizeof q, value, strlen(value));
    else
        snprintf(q, sizeof q, "(missing)");
    if (strcmp(field, "id") != 0 && c->m->id != NULL &&
        sat_id_valid(c->m->id, strlen(c->m->id)))
        return sat_err_set(c->err, SAT_E_FORMAT, "entry %s: %s %s %s", c->m->id, field, q, why);
    return sat_err_set(c->err, SAT_E_FORMAT, "entry metadata: %s %s %s", field, q, why);
}

/* Checks an optional free-text field. */
static int meta_check_text(const meta_ctx *c, const char *field, const char *v, size_t max)
{
    char why[128];

    if (v == NULL)
        return 0;
    if (!meta_field_check(v, strlen(v), max, why, sizeof why))
        return meta_fail(c, field, v, why);
    return 0;
}

static int meta_check_tags(const meta_ctx *c, const char *tags)
{
    size_t len;
    size_t i;
    int rc;

    if (tags == NULL)
        return 0;
    rc = meta_check_text(c, "tags", tags, SAT_FIELD_MAX);
    if (rc != 0)
        return rc;
    len = strlen(tags);
    for (i = 0; i < len; i++) {
        int edge = i == 0 || i + 1 == len;
        if (tags[i] == ',' && (edge || tags[i + 1] == ',' || tags[i + 1] == ' ' ||
                               tags[i - 1] == ' '))
            return meta_fail(c, "tags", tags,
                             "is not a comma-separated list (empty tag or space around a "
                             "comma; write \"a,b,c\")");
        if (tags[i] == ' ' && edge)
            return meta_fail(c, "tags", tags, "starts or ends with a space");
    }
    return 0;
}

int sat_meta_check(const sat_meta *m, sat_err *err)
{
    meta_ctx c;
    int rc;

    if (m == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_meta_check: no metadata given");
    c.m = m;
    c.err = err;
    if (m->id == NULL || !sat_id_valid(m->id, strlen(m->id)))
        return meta_fail(&c, "id", m->id,
                         "is not a valid id (1-80 of A-Z a-z 0-9 . _ -, not starting with "
                         "'.' or '-', no \"..\")");
    if (sat_kind_name(m->kind) == NULL)
        return sat_err_set(err, SAT_E_FORMAT, "entry %s: kind %d is not a known kind", m->id,
                           (int)m->kind);
    /* text entries are extracted as <id>.gmi: a media id "<text id>.gmi" would take the
     * same file name */
    if (!sat_kind_is_text(m->kind) && strlen(m->id) > 4 &&
        strcmp(m->id + strlen(m->id) - 4, ".gmi") == 0)
        return meta_fail(&c, "id", m->id,
                         "of an image or audio entry must not end in \".gmi\" (the file name "
                         "text entries are extracted under)");
    if (m->parent != NULL && !sat_id_valid(m->parent, strlen(m->parent)))
        return meta_fail(&c, "parent", m->parent, "is not a valid entry id");
    if (m->title == NULL || m->title[0] == '\0')
        return meta_fail(&c, "title", NULL, "is required");
    rc = meta_check_text(&c, "title", m->title, SAT_TITLE_MAX);
    if (rc != 0)
        return rc;
    if (m->date != NULL && !sat_date_valid(m->date, strlen(m->date)))
        return meta_fail(&c, "date", m->date,
                         "is not a real date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ form "
                         "(years 1900-9999)");
    if (m->lang != NULL && !sat_lang_valid(m->lang, strlen(m->lang)))
        return meta_fail(&c, "lang", m->lang,
                         "is not a language tag like \"ko\" or \"en-GB\" (letters, digits, "
                         "single hyphens; at most 35 bytes)");
    rc = meta_check_text(&c, "author", m->author, SAT_FIELD_MAX);
    if (rc == 0)
        rc = meta_check_text(&c, "source", m->source, SAT_FIELD_MAX);
    if (rc == 0)
        rc = meta_check_text(&c, "section", m->section, SAT_FIELD_MAX);
    if (rc == 0)
        rc = meta_check_tags(&c, m->tags);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* ownership                                                                */
/* ------------------------------------------------------------------------ */

/* Copies an optional string. Returns 0 or SAT_E_NOMEM. */
static int meta_dup(char **dst, const char *src)
{
    size_t n;

    *dst = NULL;
    if (src == NULL)
        return 0;
    n = strlen(src) + 1;
    *dst = malloc(n);
    if (*dst == NULL)
        return SAT_E_NOMEM;
    memcpy(*dst, src, n);
    return 0;
}

int sat_meta_copy(sat_meta *dst, const sat_meta *src, sat_err *err)
{
    sat_meta t;
    int rc;

    if (dst == NULL || src == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_meta_copy: NULL argument");
    memset(&t, 0, sizeof t);
    t.kind = src->kind;
    rc = meta_dup(&t.id, src->id);
    if (rc == 0)
        rc = meta_dup(&t.parent, src->parent);
    if (rc == 0)
        rc = meta_dup(&t.title, src->title);
    if (rc == 0)
        rc = meta_dup(&t.date, src->date);
    if (rc == 0)
        rc = meta_dup(&t.lang, src->lang);
    if (rc == 0)
        rc = meta_dup(&t.section, src->section);
    if (rc == 0)
        rc = meta_dup(&t.source, src->source);
    if (rc == 0)
        rc = meta_dup(&t.author, src->author);
    if (rc == 0)
        rc = meta_dup(&t.tags, src->tags);
    if (rc != 0)
        goto cleanup;
    *dst = t;
    return 0;
cleanup:
    sat_meta_free(&t);
    return sat_err_set(err, SAT_E_NOMEM, "out of memory copying entry metadata");
}

void sat_meta_free(sat_meta *m)
{
    if (m == NULL)
        return;
    free(m->id);
    free(m->parent);
    free(m->title);
    free(m->date);
    free(m->lang);
    free(m->section);
    free(m->source);
    free(m->author);
    free(m->tags);
    memset(m, 0, sizeof *m);
}
