/* sat_cursor.c - bounded byte cursor used by every parser of bundle bytes. */
#include "sat_cursor.h"

#include <string.h>

sat_cursor sat_cursor_make(const void *buf, size_t len)
{
    sat_cursor c;

    c.p = buf;
    c.end = c.p + len;
    return c;
}

size_t sat_cursor_left(const sat_cursor *c)
{
    return (size_t)(c->end - c->p);
}

int sat_cursor_line(sat_cursor *c, sat_span *out)
{
    const char *nl;

    if (c->p >= c->end)
        return -1;
    nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (nl == NULL)
        return -1;
    out->p = c->p;
    out->len = (size_t)(nl - c->p);
    c->p = nl + 1;
    return 0;
}

int sat_cursor_field(sat_cursor *c, char sep, sat_span *out)
{
    const char *s;

    if (c->p >= c->end)
        return -1;
    s = memchr(c->p, sep, (size_t)(c->end - c->p));
    out->p = c->p;
    if (s == NULL) {
        out->len = (size_t)(c->end - c->p);
        c->p = c->end;
    } else {
        out->len = (size_t)(s - c->p);
        c->p = s + 1;
    }
    return 0;
}

int sat_cursor_take(sat_cursor *c, size_t n, sat_span *out)
{
    if ((size_t)(c->end - c->p) < n)
        return -1;
    out->p = c->p;
    out->len = n;
    c->p += n;
    return 0;
}

int sat_cursor_varint(sat_cursor *c, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)c->p;
    size_t left = sat_cursor_left(c);
    uint32_t v = 0;
    size_t i;

    for (i = 0; i < 5; i++) {
        if (i == left)
            return SAT_VARINT_TRUNCATED;
        if (i == 4 && p[i] > 0x0f)
            return p[i] & 0x80 ? SAT_VARINT_TOO_LONG : SAT_VARINT_OVERFLOW;
        v |= (uint32_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            if (i > 0 && p[i] == 0)
                return SAT_VARINT_NOT_SHORTEST;
            *out = v;
            c->p += i + 1;
            return 0;
        }
    }
    return SAT_VARINT_TOO_LONG; /* not reached: the 5th byte returns above */
}

int sat_span_u64(sat_span s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (s.len == 0 || s.len > 20)
        return -1;
    if (s.len > 1 && s.p[0] == '0')
        return -1;
    for (i = 0; i < s.len; i++) {
        unsigned d;
        if (s.p[i] < '0' || s.p[i] > '9')
            return -1;
        d = (unsigned)(s.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

int sat_span_eq(sat_span s, const char *lit)
{
    size_t n = strlen(lit);

    return s.len == n && memcmp(s.p, lit, n) == 0;
}

/* Lowercase hex digit values; -1 for every other byte. */
static signed char hexval_tab[256];
static int hexval_ready;

static void hexval_init(void)
{
    int i;

    for (i = 0; i < 256; i++)
        hexval_tab[i] = -1;
    for (i = 0; i < 10; i++)
        hexval_tab['0' + i] = (signed char)i;
    for (i = 0; i < 6; i++)
        hexval_tab['a' + i] = (signed char)(10 + i);
    hexval_ready = 1;
}

int sat_span_hex(sat_span s, uint8_t *out, size_t n)
{
    size_t i;

    if (s.len != 2 * n)
        return -1;
    if (!hexval_ready)
        hexval_init();
    for (i = 0; i < n; i++) {
        int hi = hexval_tab[(unsigned char)s.p[2 * i]];
        int lo = hexval_tab[(unsigned char)s.p[2 * i + 1]];
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

size_t sat_varint_put(unsigned char out[SAT_VARINT_MAX], uint32_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

const char *sat_varint_problem(int rc)
{
    switch (rc) {
    case SAT_VARINT_TRUNCATED:
        return "truncated";
    case SAT_VARINT_TOO_LONG:
        return "longer than 5 bytes";
    case SAT_VARINT_OVERFLOW:
        return "overflows 32 bits";
    case SAT_VARINT_NOT_SHORTEST:
        return "not in its shortest form";
    default:
        return "";
    }
}
