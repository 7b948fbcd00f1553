/* sat_text.c - byte buffers, strict UTF-8, terminal sanitising, width, wrap, JSON. */
#include "sat_text.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ------------------------------------------------------------------------ */
/* sat_buf                                                                  */
/* ------------------------------------------------------------------------ */

/* Makes room for `extra` more bytes plus a NUL. Returns 0 or SAT_E_NOMEM. */
static int buf_reserve(sat_buf *b, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (extra > SIZE_MAX - 1 - b->len)
        return SAT_E_NOMEM;
    need = b->len + extra + 1;
    if (b->data != NULL && need <= b->cap)
        return 0;
    cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL)
        return SAT_E_NOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int sat_buf_append(sat_buf *b, const void *p, size_t n)
{
    int rc;

    if (b == NULL || (p == NULL && n > 0))
        return SAT_E_ARG;
    rc = buf_reserve(b, n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sat_buf_puts(sat_buf *b, const char *s)
{
    if (s == NULL)
        return SAT_E_ARG;
    return sat_buf_append(b, s, strlen(s));
}

int sat_buf_printf(sat_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    int rc;

    if (b == NULL || fmt == NULL)
        return SAT_E_ARG;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return SAT_E_ARG;
    rc = buf_reserve(b, (size_t)n);
    if (rc != 0)
        return rc;
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len) {
        b->data[b->len] = '\0';
        return SAT_E_ARG;
    }
    b->len += (size_t)n;
    return 0;
}

void sat_buf_free(sat_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* Appends k copies of byte c. */
static int buf_fill(sat_buf *b, char c, size_t k)
{
    int rc = buf_reserve(b, k);

    if (rc != 0)
        return rc;
    memset(b->data + b->len, c, k);
    b->len += k;
    b->data[b->len] = '\0';
    return 0;
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/* Length (1..4) of the valid sequence at s with its code point in *cp, or 0 when
 * the bytes at s do not start a valid, complete, shortest-form sequence. */
static size_t utf8_seq(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    uint32_t v;
    size_t n;
    size_t i;

    if (len == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xC2) /* continuation byte, or overlong 2-byte lead C0/C1 */
        return 0;
    if (s[0] < 0xE0) {
        n = 2;
        v = s[0] & 0x1Fu;
    } else if (s[0] < 0xF0) {
        n = 3;
        v = s[0] & 0x0Fu;
        if (s[0] == 0xE0)
            lo = 0xA0; /* overlong */
        else if (s[0] == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (s[0] < 0xF5) {
        n = 4;
        v = s[0] & 0x07u;
        if (s[0] == 0xF0)
            lo = 0x90; /* overlong */
        else if (s[0] == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if (s[i] < lo || s[i] > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

int sat_utf8_valid(const char *s, size_t len, size_t *bad_off)
{
    size_t i = 0;
    size_t n;
    uint32_t cp;

    if (s == NULL && len > 0) {
        if (bad_off != NULL)
            *bad_off = 0;
        return 0;
    }
    while (i < len) {
        n = utf8_seq(s + i, len - i, &cp);
        if (n == 0) {
            if (bad_off != NULL)
                *bad_off = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t sat_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    size_t n = utf8_seq(s, len, cp);

    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

size_t sat_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int sat_cp_is_dangerous(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return 1;
    if (cp >= 0x80 && cp <= 0x9F)
        return 1;
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F)
        return 1;
    if (cp >= 0x202A && cp <= 0x202E)
        return 1;
    if (cp >= 0x2066 && cp <= 0x2069)
        return 1;
    if (cp >= 0xFFF9 && cp <= 0xFFFB)
        return 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Display width                                                            */
/* ------------------------------------------------------------------------ */

typedef struct text_range {
    uint32_t lo;
    uint32_t hi;
} text_range;

static const text_range text_zero_width[] = {
    {0x0300, 0x036F}, {0x1160, 0x11FF}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF},
    {0xD7B0, 0xD7FF}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static const text_range text_wide[] = {
    {0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3040, 0xA4CF},   {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
};

static int text_in(const text_range *r, size_t n, uint32_t cp)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return 1;
    return 0;
}

/* The built-in table, used when the locale is not UTF-8 and when wcwidth()
 * has no answer. Controls take no column (they never reach a terminal raw). */
static int text_table_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return 0;
    if (cp < 0x0300)
        return 1;
    if (text_in(text_zero_width, sizeof text_zero_width / sizeof text_zero_width[0], cp))
        return 0;
    if (text_in(text_wide, sizeof text_wide / sizeof text_wide[0], cp))
        return 2;
    return 1;
}

static int text_locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int sat_cp_width(uint32_t cp)
{
    int w;

    if (cp < 0x7F)
        return cp < 0x20 ? 0 : 1;
    if (text_locale_is_utf8()) {
        w = wcwidth((wchar_t)cp);
        if (w < 0)
            return text_table_width(cp);
        return w > 2 ? 2 : w;
    }
    return text_table_width(cp);
}

size_t sat_text_width(const char *s, size_t len)
{
    size_t i = 0;
    size_t w = 0;
    uint32_t cp;

    if (s == NULL)
        return 0;
    while (i < len) {
        i += sat_utf8_decode(s + i, len - i, &cp);
        w += (size_t)sat_cp_width(cp);
    }
    return w;
}

/* ------------------------------------------------------------------------ */
/* Sanitising                                                               */
/* ------------------------------------------------------------------------ */

int sat_text_sanitize(sat_buf *out, const char *s, size_t len, int keep_tabs)
{
    char esc[16];
    size_t i = 0;
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t col = 0;
    size_t n;
    uint32_t cp;
    int rc;

    if (out == NULL || (s == NULL && len > 0))
        return SAT_E_ARG;
    rc = sat_buf_append(out, "", 0);
    while (rc == 0 && i < len) {
        n = utf8_seq(s + i, len - i, &cp);
        if (n != 0 && !sat_cp_is_dangerous(cp)) {
            col += (size_t)sat_cp_width(cp);
            i += n;
            continue;
        }
        rc = sat_buf_append(out, s + run, i - run);
        if (rc != 0)
            break;
        if (n == 0) {
            rc = sat_buf_append(out, "\xEF\xBF\xBD", 3);
            col += 1;
            n = 1;
        } else if (cp == '\t' && keep_tabs) {
            rc = buf_fill(out, ' ', 8 - col % 8);
            col += 8 - col % 8;
        } else {
            if (cp < 0x100)
                snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp);
            else
                snprintf(esc, sizeof esc, "<U+%04X>", (unsigned)cp);
            rc = sat_buf_puts(out, esc);
            col += strlen(esc);
        }
        i += n;
        run = i;
    }
    if (rc == 0)
        rc = sat_buf_append(out, s + run, i - run);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Wrapping                                                                 */
/* ------------------------------------------------------------------------ */

/* Width and byte length of the character cluster at s: one code point plus the
 * zero-width code points (combining marks, jamo vowels) that follow it. */
static size_t text_cluster(const char *s, size_t len, size_t *width)
{
    uint32_t cp;
    size_t n = sat_utf8_decode(s, len, &cp);
    size_t k;

    *width = (size_t)sat_cp_width(cp);
    while (n < len) {
        k = sat_utf8_decode(s + n, len - n, &cp);
        if (cp == ' ' || sat_cp_width(cp) != 0)
            break;
        n += k;
    }
    return n;
}

typedef struct text_wrapper {
    sat_buf *out;
    const char *prefix;
    size_t avail; /* columns after the prefix */
    size_t col;   /* columns used on the current line, after the prefix */
} text_wrapper;

static int wrap_newline(text_wrapper *w)
{
    int rc = sat_buf_append(w->out, "\n", 1);

    if (rc == 0)
        rc = sat_buf_puts(w->out, w->prefix);
    w->col = 0;
    return rc;
}

/* Writes a word wider than a whole line, one cluster at a time, starting a new
 * line whenever the next cluster would not fit. */
static int wrap_long_word(text_wrapper *w, const char *s, size_t len)
{
    size_t i = 0;
    size_t n;
    size_t cw;
    int rc = 0;

    while (rc == 0 && i < len) {
        n = text_cluster(s + i, len - i, &cw);
        if (w->col + cw > w->avail && w->col > 0)
            rc = wrap_newline(w);
        if (rc == 0)
            rc = sat_buf_append(w->out, s + i, n);
        w->col += cw;
        i += n;
    }
    return rc;
}

/* Wraps one line of text (no LF) into lines of w->avail columns. */
static int wrap_line(text_wrapper *w, const char *s, size_t len)
{
    size_t i = 0;
    size_t gap;
    size_t ws;
    size_t ww;
    int first = 1; /* still on the first output line: leading spaces are kept */
    int rc;

    rc = sat_buf_puts(w->out, w->prefix);
    w->col = 0;
    while (rc == 0 && i < len) {
        gap = i;
        while (i < len && s[i] == ' ')
            i++;
        gap = i - gap;
        if (i == len)
            break; /* trailing spaces are dropped */
        ws = i;
        while (i < len && s[i] != ' ')
            i++;
        ww = sat_text_width(s + ws, i - ws);
        if (w->col == 0 && !first)
            gap = 0;
        if (gap <= w->avail - w->col && ww <= w->avail - w->col - gap) {
            rc = buf_fill(w->out, ' ', gap);
            if (rc == 0)
                rc = sat_buf_append(w->out, s + ws, i - ws);
            w->col += gap + ww;
            continue;
        }
        /* Does not fit here: break at the space (dropping it). */
        if (w->col > 0) {
            rc = wrap_newline(w);
            first = 0;
            if (rc != 0)
                break;
        }
        if (ww <= w->avail) {
            rc = sat_buf_append(w->out, s + ws, i - ws);
            w->col = ww;
        } else {
            rc = wrap_long_word(w, s + ws, i - ws);
            first = 0;
        }
    }
    if (rc == 0)
        rc = sat_buf_append(w->out, "\n", 1);
    return rc;
}

int sat_text_wrap(sat_buf *out, const char *s, size_t len, size_t width, const char *prefix)
{
    text_wrapper w;
    size_t pw;
    size_t i = 0;
    const char *nl;
    size_t end;
    int rc = 0;

    if (out == NULL || (s == NULL && len > 0) || width < 10)
        return SAT_E_ARG;
    w.prefix = prefix != NULL ? prefix : "";
    pw = sat_text_width(w.prefix, strlen(w.prefix));
    if (pw > width || width - pw < 2)
        return SAT_E_ARG;
    w.out = out;
    w.avail = width - pw;
    w.col = 0;
    do {
        nl = len > i ? memchr(s + i, '\n', len - i) : NULL;
        end = nl != NULL ? (size_t)(nl - s) : len;
        rc = wrap_line(&w, s + i, end - i);
        i = end + 1;
    } while (rc == 0 && nl != NULL && i < len);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static int json_needs_escape(uint32_t cp)
{
    return sat_cp_is_dangerous(cp) || cp == 0x2028 || cp == 0x2029 || cp == '<' ||
           cp == '>' || cp == '&';
}

int sat_json_string(sat_buf *out, const char *s, size_t len)
{
    char esc[8];
    size_t i = 0;
    size_t run = 0;
    size_t n;
    uint32_t cp;
    int rc;

    if (out == NULL || (s == NULL && len > 0))
        return SAT_E_ARG;
    rc = sat_buf_append(out, "\"", 1);
    while (rc == 0 && i < len) {
        n = utf8_seq(s + i, len - i, &cp);
        if (n != 0 && cp != '"' && cp != '\\' && !json_needs_escape(cp)) {
            i += n;
            continue;
        }
        rc = sat_buf_append(out, s + run, i - run);
        if (rc != 0)
            break;
        if (n == 0) {
            rc = sat_buf_append(out, "\xEF\xBF\xBD", 3);
            n = 1;
        } else if (cp == '"') {
            rc = sat_buf_append(out, "\\\"", 2);
        } else if (cp == '\\') {
            rc = sat_buf_append(out, "\\\\", 2);
        } else {
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
            rc = sat_buf_puts(out, esc);
        }
        i += n;
        run = i;
    }
    if (rc == 0)
        rc = sat_buf_append(out, s + run, i - run);
    if (rc == 0)
        rc = sat_buf_append(out, "\"", 1);
    return rc;
}
