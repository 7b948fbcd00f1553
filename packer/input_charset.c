/*
 * input_charset.c - a text file's bytes to UTF-8 (pack_charset_decode) and Unicode NFC
 * (pack_nfc).
 *
 * Which charset a file is read in, first rule that applies:
 *   1. a byte order mark: UTF-8, UTF-16LE or UTF-16BE (UTF-32 is refused);
 *   2. the file's own declaration: HTML <meta charset> / <meta http-equiv
 *      content="...; charset=..."> in the first 1024 bytes (a simpler form of the HTML
 *      standard's prescan), or the XML declaration's encoding="...";
 *   3. the fallback the caller passes (the config file's "charset");
 *   4. detection: valid UTF-8, else CP949 when the bytes decode cleanly and look Korean.
 * A declaration (or fallback) the bytes contradict is overruled where that is safe to
 * tell: text declared in a legacy charset that is valid UTF-8 with multi-byte
 * sequences is UTF-8; text declared UTF-8 (or Latin-1) that is not valid UTF-8 but
 * clean CP949, mostly Hangul, is CP949. Every guess and overruling leaves a note.
 *
 * EUC-KR is read as CP949 (Microsoft's superset, "Unified Hangul Code"): every valid
 * EUC-KR text reads the same, and pages labelled EUC-KR often hold the 8,822 extra
 * syllables only CP949 has (like "똠"). Latin-1 and US-ASCII are read as windows-1252,
 * as browsers do. Conversion is strict (no //IGNORE, no //TRANSLIT): a byte sequence
 * that does not fit the charset is an error naming its line and byte offset.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "input_common.h"
#include "pack_input.h"
#include "sat_text.h"

/* ------------------------------------------------------------------------
 * Charset names
 * ------------------------------------------------------------------------ */

typedef enum cs_id {
    CS_UTF8 = 0,
    CS_CP949,
    CS_WIN1252,
    CS_SJIS,
    CS_EUCJP,
    CS_GBK,
    CS_GB18030,
    CS_BIG5,
    CS_BIG5HKSCS,
    CS_ISO2022KR,
    CS_UTF16, /* only with a byte order mark */
    CS_UTF32  /* refused */
} cs_id;

/* iconv name and the name shown in messages, by cs_id. */
static const struct {
    const char *iconv;
    const char *label;
} cs_info[] = {
    {"UTF-8", "UTF-8"},        {"CP949", "CP949"},   {"WINDOWS-1252", "windows-1252"},
    {"CP932", "Shift_JIS"},    {"EUC-JP", "EUC-JP"}, {"GBK", "GBK"},
    {"GB18030", "GB18030"},    {"BIG5", "Big5"},     {"BIG5-HKSCS", "Big5-HKSCS"},
    {"ISO-2022-KR", "ISO-2022-KR"}, {"UTF-16", "UTF-16"}, {"UTF-32", "UTF-32"},
};

/* Accepted names (compared case-insensitively) and what they are read as. */
static const struct {
    const char *name;
    cs_id id;
} cs_alias[] = {
    {"utf-8", CS_UTF8},
    {"utf8", CS_UTF8},
    {"unicode-1-1-utf-8", CS_UTF8},
    {"euc-kr", CS_CP949},
    {"euckr", CS_CP949},
    {"ks_c_5601-1987", CS_CP949},
    {"ks_c_5601-1989", CS_CP949},
    {"ksc5601", CS_CP949},
    {"ksc_5601", CS_CP949},
    {"korean", CS_CP949},
    {"csksc56011987", CS_CP949},
    {"iso-ir-149", CS_CP949},
    {"cp949", CS_CP949},
    {"ms949", CS_CP949},
    {"uhc", CS_CP949},
    {"windows-949", CS_CP949},
    {"x-windows-949", CS_CP949},
    {"iso-8859-1", CS_WIN1252},
    {"iso8859-1", CS_WIN1252},
    {"iso_8859-1", CS_WIN1252},
    {"latin1", CS_WIN1252},
    {"l1", CS_WIN1252},
    {"us-ascii", CS_WIN1252},
    {"ascii", CS_WIN1252},
    {"windows-1252", CS_WIN1252},
    {"cp1252", CS_WIN1252},
    {"x-cp1252", CS_WIN1252},
    {"shift_jis", CS_SJIS},
    {"shift-jis", CS_SJIS},
    {"sjis", CS_SJIS},
    {"x-sjis", CS_SJIS},
    {"ms_kanji", CS_SJIS},
    {"windows-31j", CS_SJIS},
    {"cp932", CS_SJIS},
    {"euc-jp", CS_EUCJP},
    {"x-euc-jp", CS_EUCJP},
    {"gb2312", CS_GBK},
    {"gbk", CS_GBK},
    {"x-gbk", CS_GBK},
    {"cp936", CS_GBK},
    {"euc-cn", CS_GBK},
    {"gb_2312-80", CS_GBK},
    {"gb18030", CS_GB18030},
    {"big5", CS_BIG5},
    {"cn-big5", CS_BIG5},
    {"x-x-big5", CS_BIG5},
    {"big5-hkscs", CS_BIG5HKSCS},
    {"iso-2022-kr", CS_ISO2022KR},
    {"csiso2022kr", CS_ISO2022KR},
    {"utf-16", CS_UTF16},
    {"utf-16le", CS_UTF16},
    {"utf-16be", CS_UTF16},
    {"unicode", CS_UTF16},
    {"ucs-2", CS_UTF16},
    {"utf-32", CS_UTF32},
    {"utf-32le", CS_UTF32},
    {"utf-32be", CS_UTF32},
};

#define CS_NAMES_HELP                                                                   \
    "utf-8, euc-kr, cp949, iso-2022-kr, windows-1252 (iso-8859-1), shift_jis, euc-jp, " \
    "gbk (gb2312), gb18030, big5"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* The charset named s[0..n) (spaces around it ignored), or -1 when unknown. */
static int cs_lookup(const char *s, size_t n)
{
    size_t i;

    while (n > 0 && is_ws(s[0])) {
        s++;
        n--;
    }
    while (n > 0 && is_ws(s[n - 1]))
        n--;
    for (i = 0; i < sizeof cs_alias / sizeof cs_alias[0]; i++)
        if (strlen(cs_alias[i].name) == n && strncasecmp(cs_alias[i].name, s, n) == 0)
            return (int)cs_alias[i].id;
    return -1;
}

int pack_charset_known(const char *name)
{
    int id = name != NULL ? cs_lookup(name, strlen(name)) : -1;

    return id >= 0 && id != CS_UTF16 && id != CS_UTF32;
}

/* ------------------------------------------------------------------------
 * Finding a declaration
 * ------------------------------------------------------------------------ */

#define PRESCAN_MAX 1024

/* Case-insensitive: does s[0..n) start with the lower-case word w? */
static int starts_ci(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);

    return n >= k && strncasecmp(s, w, k) == 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One attribute of a tag, as the HTML prescan reads it: p[*i] onwards, up to n. Returns
 * 1 with name and value set (value empty when there is no '='), 0 at '>' or the end. */
static int html_attr(const char *p, size_t n, size_t *i, const char **name, size_t *nlen,
                     const char **val, size_t *vlen)
{
    size_t k = *i;

    while (k < n && (is_ws(p[k]) || p[k] == '/'))
        k++;
    if (k >= n || p[k] == '>') {
        *i = k;
        return 0;
    }
    *name = p + k;
    k++; /* the first character may be '=' */
    while (k < n && !is_ws(p[k]) && p[k] != '=' && p[k] != '/' && p[k] != '>')
        k++;
    *nlen = (size_t)(p + k - *name);
    *val = p + k;
    *vlen = 0;
    while (k < n && is_ws(p[k]))
        k++;
    if (k < n && p[k] == '=') {
        k++;
        while (k < n && is_ws(p[k]))
            k++;
        if (k < n && (p[k] == '"' || p[k] == '\'')) {
            char q = p[k++];
            *val = p + k;
            while (k < n && p[k] != q)
                k++;
            *vlen = (size_t)(p + k - *val);
            if (k < n)
                k++;
        } else {
            *val = p + k;
            while (k < n && !is_ws(p[k]) && p[k] != '>')
                k++;
            *vlen = (size_t)(p + k - *val);
        }
    }
    *i = k;
    return 1;
}

/* The HTML standard's "extracting a character encoding from a meta element": the value
 * after "charset=" in a content attribute. Returns 1 and sets *cs / *cn, or 0. */
static int content_charset(const char *s, size_t n, const char **cs, size_t *cn)
{
    size_t i = 0;

    for (;;) {
        size_t k;

        while (i + 7 <= n && !starts_ci(s + i, n - i, "charset"))
            i++;
        if (i + 7 > n)
            return 0;
        k = i + 7;
        while (k < n && is_ws(s[k]))
            k++;
        if (k >= n || s[k] != '=') {
            i = k; /* "charset" not followed by '=': look further */
            continue;
        }
        k++;
        while (k < n && is_ws(s[k]))
            k++;
        if (k < n && (s[k] == '"' || s[k] == '\'')) {
            const char *end = memchr(s + k + 1, s[k], n - k - 1);
            if (end == NULL)
                return 0;
            *cs = s + k + 1;
            *cn = (size_t)(end - *cs);
            return 1;
        }
        *cs = s + k;
        while (k < n && !is_ws(s[k]) && s[k] != ';')
            k++;
        *cn = (size_t)(s + k - *cs);
        return *cn > 0;
    }
}

/* <meta ...> at p[*i] (just after "<meta"): the charset it declares, if any. */
static int html_meta(const char *p, size_t n, size_t *i, const char **cs, size_t *cn)
{
    const char *name, *val;
    size_t nlen, vlen;
    int got_pragma = 0, need_pragma = 0, found = 0;
    int seen_charset = 0, seen_content = 0, seen_equiv = 0;

    while (html_attr(p, n, i, &name, &nlen, &val, &vlen)) {
        if (nlen == 10 && strncasecmp(name, "http-equiv", 10) == 0 && !seen_equiv) {
            seen_equiv = 1;
            got_pragma = vlen == 12 && strncasecmp(val, "content-type", 12) == 0;
        } else if (nlen == 7 && strncasecmp(name, "content", 7) == 0 && !seen_content) {
            seen_content = 1;
            if (!found && content_charset(val, vlen, cs, cn)) {
                found = 1;
                need_pragma = 1;
            }
        } else if (nlen == 7 && strncasecmp(name, "charset", 7) == 0 && !seen_charset) {
            seen_charset = 1;
            *cs = val;
            *cn = vlen;
            found = 1;
            need_pragma = 0;
        }
    }
    return found && (!need_pragma || got_pragma);
}

/* Finds the charset an HTML page declares in its first PRESCAN_MAX bytes. */
static int decl_html(const char *p, size_t len, const char **cs, size_t *cn)
{
    size_t n = len < PRESCAN_MAX ? len : PRESCAN_MAX;
    size_t i = 0;

    while (i < n) {
        const char *name, *val;
        size_t nlen, vlen;

        if (p[i] != '<') {
            const char *lt = memchr(p + i, '<', n - i);
            if (lt == NULL)
                break;
            i = (size_t)(lt - p);
            continue;
        }
        if (starts_ci(p + i, n - i, "<!--")) {
            size_t k = i + 2; /* "<!-->" ends at once, as in the standard */
            while (k + 3 <= n && memcmp(p + k, "-->", 3) != 0)
                k++;
            if (k + 3 > n)
                break;
            i = k + 3;
        } else if (starts_ci(p + i, n - i, "<meta") && i + 5 < n &&
                   (is_ws(p[i + 5]) || p[i + 5] == '/')) {
            i += 5;
            if (html_meta(p, n, &i, cs, cn))
                return 1;
        } else if (i + 1 < n && (is_alpha(p[i + 1]) ||
                                 (p[i + 1] == '/' && i + 2 < n && is_alpha(p[i + 2])))) {
            /* another tag: skip its name and attributes (a '>' inside a quoted value
             * does not end it) */
            i++;
            while (i < n && !is_ws(p[i]) && p[i] != '>')
                i++;
            while (html_attr(p, n, &i, &name, &nlen, &val, &vlen))
                ;
        } else if (starts_ci(p + i, n - i, "<!") || starts_ci(p + i, n - i, "</") ||
                   starts_ci(p + i, n - i, "<?")) {
            const char *gt = memchr(p + i, '>', n - i);
            if (gt == NULL)
                break;
            i = (size_t)(gt - p);
        }
        i++;
    }
    return 0;
}

/* The encoding="..." of an XML declaration at the very start. */
static int decl_xml(const char *p, size_t len, const char **cs, size_t *cn)
{
    size_t n = len < PRESCAN_MAX ? len : PRESCAN_MAX;
    size_t i = 5;
    size_t end;

    if (n < 6 || memcmp(p, "<?xml", 5) != 0 || !is_ws(p[5]))
        return 0;
    for (end = 5; end + 1 < n && !(p[end] == '?' && p[end + 1] == '>'); end++)
        ;
    if (end + 1 >= n)
        return 0;
    while (i + 8 <= end) {
        size_t k;

        if (!is_ws(p[i - 1]) || memcmp(p + i, "encoding", 8) != 0) {
            i++;
            continue;
        }
        k = i + 8;
        while (k < end && is_ws(p[k]))
            k++;
        if (k >= end || p[k] != '=')
            return 0;
        k++;
        while (k < end && is_ws(p[k]))
            k++;
        if (k >= end || (p[k] != '"' && p[k] != '\''))
            return 0;
        *cs = p + k + 1;
        for (k++; k < end && p[k] != p[*cs - p - 1]; k++)
            ;
        if (k >= end)
            return 0;
        *cn = (size_t)(p + k - *cs);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Converting
 * ------------------------------------------------------------------------ */

/* How a text is laid out in code units: 1 (ASCII-compatible), or UTF-16 LE / BE. */
typedef enum units { U_BYTES = 0, U_UTF16LE, U_UTF16BE } units;

/* 1-based line of byte offset off (LF, CRLF and CR end lines; UTF-16 counts units). */
static size_t line_at(const char *data, size_t len, size_t start, size_t off, units u)
{
    size_t line = 1;
    size_t i;
    int lo = u == U_UTF16BE; /* index of the low byte in a unit */

    if (u == U_BYTES)
        return pack_in_line_of(data, start, off);
    for (i = start; i < off && i + 1 < len; i += 2) {
        if (data[i + 1 - lo] != 0)
            continue;
        if (data[i + lo] == '\n')
            line++;
        else if (data[i + lo] == '\r' &&
                 (i + 3 >= off || data[i + 3 - lo] != 0 || data[i + 2 + lo] != '\n'))
            line++;
    }
    return line;
}

/* Converts data[0..len) from the iconv charset `from`, appending UTF-8 to out. Returns 0;
 * SAT_E_FORMAT with *bad set to the offset of the first sequence that does not fit
 * (invalid or cut short at the end); SAT_E_LIMIT when the UTF-8 passes PACK_TEXT_MAX;
 * SAT_E_NOMEM; SAT_E_ARG when iconv does not know the charset. */
static int conv_iconv(const char *from, const char *data, size_t len, sat_buf *out,
                      size_t *bad)
{
    char chunk[16384];
    iconv_t cd;
    char *in = (char *)(uintptr_t)data;
    size_t in_left = len;
    size_t base = out->len;
    int rc = 0;
    int flushing = 0;

    cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return SAT_E_ARG;
    for (;;) {
        char *o = chunk;
        size_t o_left = sizeof chunk;
        size_t r = flushing ? iconv(cd, NULL, NULL, &o, &o_left)
                            : iconv(cd, &in, &in_left, &o, &o_left);
        int e = errno;

        if (sat_buf_append(out, chunk, sizeof chunk - o_left) != 0) {
            rc = SAT_E_NOMEM;
            break;
        }
        if (out->len - base > PACK_TEXT_MAX) {
            rc = SAT_E_LIMIT;
            break;
        }
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = 1; /* input done: write any final shift sequence */
            continue;
        }
        if (e == E2BIG)
            continue;
        *bad = (size_t)(in - data);
        rc = SAT_E_FORMAT;
        break;
    }
    iconv_close(cd);
    return rc;
}

/* The next code point outside ASCII in s[*i..n) (advancing *i past it), or 0 at the end. */
static uint32_t next_non_ascii(const char *s, size_t n, size_t *i)
{
    uint32_t cp;

    while (*i < n && (unsigned char)s[*i] < 0x80)
        (*i)++;
    if (*i >= n)
        return 0;
    *i += sat_utf8_decode(s + *i, n - *i, &cp);
    return cp;
}

/* 1 when the UTF-8 text s[0..n) is mostly Hangul: syllables are more than half of the
 * code points outside ASCII. */
static int mostly_hangul(const char *s, size_t n)
{
    size_t i = 0, other = 0, hangul = 0;
    uint32_t cp;

    while ((cp = next_non_ascii(s, n, &i)) != 0) {
        if (cp >= 0xAC00 && cp <= 0xD7A3)
            hangul++;
        else
            other++;
    }
    return hangul > other;
}

/* Tries data as CP949 Korean text: appends and returns 0 when it converts cleanly and
 * is mostly Hangul, else leaves out as it was and returns SAT_E_FORMAT (or LIMIT/NOMEM). */
static int try_cp949(const char *data, size_t len, sat_buf *out)
{
    size_t base = out->len;
    size_t bad;
    int rc = conv_iconv(cs_info[CS_CP949].iconv, data, len, out, &bad);

    if (rc == SAT_E_ARG)
        rc = SAT_E_FORMAT; /* no CP949 in this iconv: not detected */
    if (rc == 0 && !mostly_hangul(out->data + base, out->len - base))
        rc = SAT_E_FORMAT;
    if (rc != 0 && out->data != NULL) {
        out->len = base;
        out->data[base] = '\0';
    }
    return rc;
}

/* 1 if s[0..n) has a byte >= 0x80. */
static int has_high(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* Sets *note to a malloc'd printf-style sentence. Returns 0 or SAT_E_NOMEM. */
static int set_note(char **note, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_note(char **note, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || (*note = malloc((size_t)n + 1)) == NULL)
        return SAT_E_NOMEM;
    va_start(ap, fmt);
    (void)vsnprintf(*note, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return 0;
}

/* The advice at the end of "no charset" errors. */
static const char *how_to_declare(pack_cs_kind kind)
{
    switch (kind) {
    case PACK_CS_HTML:
        return "add <meta charset=\"NAME\"> to the page's <head>, or `charset = NAME` to "
               "satchel.conf, or re-save the file as UTF-8";
    case PACK_CS_XML:
        return "declare it in the first line (<?xml version=\"1.0\" encoding=\"NAME\"?>), or "
               "add `charset = NAME` to satchel.conf, or re-save the file as UTF-8";
    default:
        return "add `charset = NAME` to satchel.conf, or re-save the file as UTF-8";
    }
}

/* Removes byte order marks (U+FEFF) at the start of out[base..). */
static void strip_boms(sat_buf *out, size_t base)
{
    size_t k = base;

    while (out->len - k >= 3 && memcmp(out->data + k, "\xEF\xBB\xBF", 3) == 0)
        k += 3;
    if (k > base) {
        memmove(out->data + base, out->data + k, out->len - k);
        out->len -= k - base;
        out->data[out->len] = '\0';
    }
}

/* The offset of the first NUL code unit in data[start..len), or len. */
static size_t find_nul(const char *data, size_t start, size_t len, units u)
{
    size_t i;

    if (u == U_BYTES) {
        const char *z = memchr(data + start, '\0', len - start);
        return z != NULL ? (size_t)(z - data) : len;
    }
    for (i = start; i + 1 < len; i += 2)
        if (data[i] == 0 && data[i + 1] == 0)
            return i;
    return len;
}

/* A file with a byte order mark: UTF-8 checked and copied, UTF-16 converted. */
static int decode_bom(const char *relpath, const char *data, size_t len, units u, size_t start,
                      sat_buf *out, sat_err *err)
{
    size_t bad = 0;
    size_t nul = find_nul(data, start, len, u);
    int rc;

    if (nul < len)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: NUL character at byte offset %zu; this is not a text file",
                           relpath, line_at(data, len, start, nul, u), nul);
    if (u == U_BYTES) {
        if (!sat_utf8_valid(data + start, len - start, &bad))
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: not valid UTF-8 (byte order mark) at byte offset %zu; "
                               "the file is damaged: re-save it as UTF-8",
                               relpath, line_at(data, len, start, start + bad, u), start + bad);
        return sat_buf_append(out, data + start, len - start) != 0 ? SAT_E_NOMEM : 0;
    }
    rc = conv_iconv(u == U_UTF16LE ? "UTF-16LE" : "UTF-16BE", data + start, len - start, out,
                    &bad);
    if (rc == SAT_E_FORMAT)
        return sat_err_set(err, rc,
                           "%s:%zu: not valid UTF-16%s (byte order mark) at byte offset %zu; "
                           "the file is damaged: re-save it as UTF-8",
                           relpath, line_at(data, len, start, start + bad, u),
                           u == U_UTF16LE ? "LE" : "BE", start + bad);
    return rc;
}

/* A charset name as shown in messages: at most 40 bytes, anything but printable ASCII
 * as '?' (the name comes from the file; it must not reach a terminal raw). */
static void show_name(char dst[41], const char *s, size_t n)
{
    size_t i;

    if (n > 40)
        n = 40;
    for (i = 0; i < n; i++)
        dst[i] = s[i] > 0x20 && s[i] < 0x7F ? s[i] : '?';
    dst[n] = '\0';
}

/* The charset a file declares (kind HTML or XML) or the fallback: *id and the words
 * naming it in messages ("declared 'euc-kr'"), or *id = -1 when there is neither.
 * Unknown names are errors. */
static int choose_charset(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                          const char *fallback, int *id, char *what, size_t what_sz,
                          sat_err *err)
{
    const char *name = NULL;
    size_t n = 0;
    char shown[41];

    *id = -1;
    if (!(kind == PACK_CS_HTML && decl_html(data, len, &name, &n)) &&
        !(kind == PACK_CS_XML && decl_xml(data, len, &name, &n))) {
        name = NULL; /* a failed search may have left a candidate behind */
        n = 0;
    } else {
        while (n > 0 && is_ws(name[0])) {
            name++;
            n--;
        }
        while (n > 0 && is_ws(name[n - 1]))
            n--;
    }
    if (name != NULL && n > 0) { /* an empty charset="" declares nothing */
        show_name(shown, name, n);
        *id = cs_lookup(name, n);
        if (*id < 0)
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: unknown charset '%s' declared; use one of " CS_NAMES_HELP
                               ", or re-save the file as UTF-8",
                               relpath, pack_in_line_of(data, 0, (size_t)(name - data)), shown);
        if (*id == CS_UTF16 || *id == CS_UTF32)
            *id = CS_UTF8; /* readable as ASCII, so not UTF-16/32: as browsers do */
        snprintf(what, what_sz, "declared '%s'", shown);
    } else if (fallback != NULL) {
        show_name(shown, fallback, strlen(fallback));
        *id = cs_lookup(fallback, strlen(fallback));
        if (*id < 0 || *id == CS_UTF16 || *id == CS_UTF32)
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s: charset '%s' from the config file is not one Satchel reads; "
                               "use one of " CS_NAMES_HELP,
                               relpath, shown);
        snprintf(what, what_sz, "charset '%s' from the config file", shown);
    }
    return 0;
}

/* Text without a byte order mark, in charset id (-1: none declared). */
static int decode_plain(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                        int id, const char *what, sat_buf *out, char **note, sat_err *err)
{
    size_t bad = 0;
    size_t nul = find_nul(data, 0, len, U_BYTES);
    int rc;

    if (nul < len)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: NUL byte at byte offset %zu; this is not a text file (or "
                           "it is UTF-16 without a byte order mark: re-save it as UTF-8)",
                           relpath, pack_in_line_of(data, 0, nul), nul);
    if (id < 0 || id == CS_UTF8) {
        if (sat_utf8_valid(data, len, &bad))
            return sat_buf_append(out, data, len) != 0 ? SAT_E_NOMEM : 0;
        rc = try_cp949(data, len, out);
        if (rc == 0)
            return id < 0 ? set_note(note, "no charset declared; read as CP949 (Korean)")
                          : set_note(note, "%s but the text is not UTF-8; read as CP949 (Korean)",
                                     what);
        if (rc != SAT_E_FORMAT)
            return rc;
        if (id < 0)
            return sat_err_set(err, SAT_E_FORMAT,
                               "%s:%zu: text is not UTF-8 and no charset is declared (byte "
                               "offset %zu); %s",
                               relpath, pack_in_line_of(data, 0, bad), bad,
                               how_to_declare(kind));
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:%zu: not valid UTF-8 (%s) at byte offset %zu; fix the "
                           "declaration or re-save the file as UTF-8",
                           relpath, pack_in_line_of(data, 0, bad), what, bad);
    }
    /* a legacy charset: UTF-8 with multi-byte sequences overrules it */
    if (has_high(data, len) && sat_utf8_valid(data, len, NULL)) {
        if (sat_buf_append(out, data, len) != 0)
            return SAT_E_NOMEM;
        return set_note(note, "%s but the text is UTF-8; read as UTF-8", what);
    }
    /* Latin-1 is a common wrong label on Korean pages */
    if (id == CS_WIN1252 && has_high(data, len)) {
        rc = try_cp949(data, len, out);
        if (rc == 0)
            return set_note(note, "%s but the text is CP949 (Korean); read as CP949", what);
        if (rc != SAT_E_FORMAT)
            return rc;
    }
    rc = conv_iconv(cs_info[id].iconv, data, len, out, &bad);
    if (rc == SAT_E_FORMAT)
        return sat_err_set(err, rc,
                           "%s:%zu: not valid %s (%s) at byte offset %zu; fix the declaration "
                           "or re-save the file as UTF-8",
                           relpath, pack_in_line_of(data, 0, bad), cs_info[id].label, what,
                           bad);
    if (rc == SAT_E_ARG)
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s: this system's iconv cannot convert %s; re-save the file as "
                           "UTF-8",
                           relpath, cs_info[id].label);
    return rc;
}

int pack_charset_decode(const char *relpath, const char *data, size_t len, pack_cs_kind kind,
                        const char *fallback, sat_buf *out, char **note, sat_err *err)
{
    const unsigned char *u = (const unsigned char *)data;
    size_t base = out->len;
    char what[96];
    int id = -1;
    int rc;

    *note = NULL;
    if (len > PACK_TEXT_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "%s: text file is larger than the %zu MiB limit",
                           relpath, PACK_TEXT_MAX >> 20);
    if (sat_buf_append(out, "", 0) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "%s: out of memory", relpath);
    what[0] = '\0';
    if (len >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
                     (u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)))
        return sat_err_set(err, SAT_E_FORMAT,
                           "%s:1: the file is UTF-32 (byte order mark), which Satchel does not "
                           "read; re-save it as UTF-8",
                           relpath);
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        rc = decode_bom(relpath, data, len, U_BYTES, 3, out, err);
    else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        rc = decode_bom(relpath, data, len, U_UTF16LE, 2, out, err);
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        rc = decode_bom(relpath, data, len, U_UTF16BE, 2, out, err);
    else {
        rc = choose_charset(relpath, data, len, kind, fallback, &id, what, sizeof what, err);
        if (rc == 0)
            rc = decode_plain(relpath, data, len, kind, id, what, out, note, err);
    }
    if (rc == 0) {
        strip_boms(out, base);
        if (out->len - base > PACK_TEXT_MAX)
            rc = SAT_E_LIMIT;
    }
    if (rc == 0)
        return 0;
    free(*note);
    *note = NULL;
    if (out->data != NULL) {
        out->len = base;
        out->data[base] = '\0';
    }
    if (rc == SAT_E_LIMIT)
        return sat_err_set(err, rc,
                           "%s: text is larger than the %zu MiB limit once converted to UTF-8",
                           relpath, PACK_TEXT_MAX >> 20);
    if (rc == SAT_E_NOMEM)
        return sat_err_set(err, rc, "%s: out of memory", relpath);
    return rc; /* err already set */
}

/* ------------------------------------------------------------------------
 * Unicode NFC
 * ------------------------------------------------------------------------ */

/* 1 for code points in ranges where every character is its own NFC, has canonical
 * combining class 0 and is never the second of a canonical composition pair: Latin
 * below U+0300, general punctuation but U+2000-U+200F, CJK symbols but the tone marks,
 * Hangul compatibility jamo, CJK unified ideographs, Hangul syllables, fullwidth forms.
 * (Hangul conjoining jamo, combining marks and the compatibility ideographs are not.)
 * tests/test_input_charset.c checks every range against utf8proc. */
static int nfc_safe_cp(uint32_t cp)
{
    return cp < 0x300 || (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x3000 && cp <= 0x3029) ||
           (cp >= 0x3131 && cp <= 0x318E) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xFF01 && cp <= 0xFF60);
}

int pack_nfc_quick(const char *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while ((cp = next_non_ascii(s, n, &i)) != 0)
        if (!nfc_safe_cp(cp))
            return 0;
    return 1;
}

int pack_nfc(const char *s, size_t n, char **out, size_t *out_len, sat_err *err)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t r;
    size_t bad = 0;

    *out = NULL;
    *out_len = 0;
    if (!has_high(s, n) || (sat_utf8_valid(s, n, NULL) && pack_nfc_quick(s, n))) {
        /* ASCII, and most Korean and English text, is its own NFC */
        *out = malloc(n + 1);
        if (*out == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        memcpy(*out, s, n);
        (*out)[n] = '\0';
        *out_len = n;
        return 0;
    }
    if (!sat_utf8_valid(s, n, &bad))
        return sat_err_set(err, SAT_E_FORMAT, "invalid UTF-8 at byte offset %zu", bad);
    if (n > (size_t)(SIZE_MAX / 8) || (utf8proc_ssize_t)n < 0)
        return sat_err_set(err, SAT_E_LIMIT, "text too long to normalise");
    r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                     (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (r < 0) {
        free(dst);
        if (r == UTF8PROC_ERROR_NOMEM)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        if (r == UTF8PROC_ERROR_OVERFLOW)
            return sat_err_set(err, SAT_E_LIMIT, "text too long to normalise");
        return sat_err_set(err, SAT_E_FORMAT, "cannot normalise the text: %s",
                           utf8proc_errmsg(r));
    }
    *out = (char *)dst;
    *out_len = (size_t)r;
    return 0;
}
