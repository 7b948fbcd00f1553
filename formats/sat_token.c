/* sat_token.c - words, numbers and CJK bigrams for full-text search (see sat_token.h). */
#include "sat_token.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "sat_text.h"

/* utf8proc options of a term: NFKC, full case folding, default ignorables removed. */
#define TOK_NORM_OPTS                                                                              \
    ((utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |                    \
                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE))
/* Code points of a term given to utf8proc (enough for SAT_TOKEN_MAX bytes out), and
 * room for their decomposition (NFKC expands a code point to at most 18). */
#define TOK_SLOW_IN (SAT_TOKEN_MAX * 2)
#define TOK_SLOW_BUF (TOK_SLOW_IN * 18)

/* Classes of code points. */
enum {
    CL_SEP = 0, /* ends the token */
    CL_WORD,    /* letter or digit of an alphabetic script */
    CL_CJK,     /* starts a CJK/Hangul character */
    CL_MARK,    /* extends the current character (combining mark, vowel/final jamo) */
    CL_IGN      /* default-ignorable format character: extends, never starts */
};

typedef struct tok_state {
    const char *s;
    unsigned flags;
    sat_token_fn fn;
    void *ctx;
    size_t pos;
    size_t split; /* for the next bigram emitted: its first character's bytes (0: none) */
    char term[SAT_TOKEN_MAX + 1];
} tok_state;

/* ------------------------------------------------------------------------ */
/* Classes                                                                  */
/* ------------------------------------------------------------------------ */

/* 1 for the blocks of Hangul, Han, Hiragana and Katakana (letters in them are CJK). */
static int cjk_block(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3005 && cp <= 0x3007) ||
           (cp >= 0x3021 && cp <= 0x3029) || (cp >= 0x3038 && cp <= 0x303B) ||
           (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3131 && cp <= 0x318F) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA960 && cp <= 0xA97F) ||
           (cp >= 0xAC00 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF66 && cp <= 0xFFDC) || (cp >= 0x1B000 && cp <= 0x1B16F) ||
           (cp >= 0x20000 && cp <= 0x3134F);
}

static int tok_class(uint32_t cp)
{
    const utf8proc_property_t *p;

    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
            return CL_WORD;
        return CL_SEP;
    }
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return CL_CJK; /* Hangul syllables, the common case */
    /* Hangul vowel and final jamo, halfwidth (semi-)voiced sound marks */
    if ((cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF) || cp == 0xFF9E ||
        cp == 0xFF9F)
        return CL_MARK;
    p = utf8proc_get_property((utf8proc_int32_t)cp);
    switch (p->category) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return CL_MARK;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
        return cjk_block(cp) ? CL_CJK : CL_WORD;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NO:
        return CL_WORD;
    case UTF8PROC_CATEGORY_CF:
        return p->ignorable ? CL_IGN : CL_SEP;
    default:
        return CL_SEP;
    }
}

/* 1 for a decimal digit or other number (of any script). */
static int tok_digit(uint32_t cp)
{
    utf8proc_category_t c;

    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    c = utf8proc_category((utf8proc_int32_t)cp);
    return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NO;
}

/* 1 if every code point of a term of this class is its own NFKC case fold, as is:
 * Hangul syllables, CJK unified ideographs (and extension A), Hiragana and Katakana
 * letters without the sound marks. (ASCII is folded by hand.) */
static int tok_fast_cp(uint32_t cp)
{
    return (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x3041 && cp <= 0x3096) ||
           (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC;
}

/* ------------------------------------------------------------------------ */
/* Terms                                                                    */
/* ------------------------------------------------------------------------ */

/* Appends cp's UTF-8 to st->term unless that would pass SAT_TOKEN_MAX. Returns 0, or 1
 * when it did not fit. */
static int term_put(tok_state *st, size_t *n, uint32_t cp)
{
    char enc[4];
    size_t k = sat_utf8_encode(cp, enc);

    if (*n + k > SAT_TOKEN_MAX)
        return 1;
    memcpy(st->term + *n, enc, k);
    *n += k;
    return 0;
}

/* Normalises s[a..b) through utf8proc into st->term. Feeds at most TOK_SLOW_IN code
 * points (halving them while the decomposition does not fit). Sets *n, *cut. */
static void term_slow(tok_state *st, size_t a, size_t b, size_t *n, int *cut)
{
    utf8proc_int32_t buf[TOK_SLOW_BUF];
    utf8proc_ssize_t r;
    size_t end = a;
    size_t cps = 0;
    size_t i;
    uint32_t cp;

    while (end < b && cps < TOK_SLOW_IN) {
        end += sat_utf8_decode(st->s + end, b - end, &cp);
        cps++;
    }
    if (end < b)
        *cut = 1;
    for (;;) {
        r = utf8proc_decompose((const utf8proc_uint8_t *)st->s + a, (utf8proc_ssize_t)(end - a),
                               buf, TOK_SLOW_BUF, TOK_NORM_OPTS);
        if (r >= 0 && r <= TOK_SLOW_BUF)
            break;
        /* too long to decompose here (or refused): keep the first half */
        cps /= 2;
        *cut = 1;
        for (end = a, i = 0; i < cps; i++)
            end += sat_utf8_decode(st->s + end, b - end, &cp);
        if (cps == 0) {
            r = 0;
            break;
        }
    }
    if (r > 0)
        r = utf8proc_normalize_utf32(buf, r, TOK_NORM_OPTS);
    *n = 0;
    for (i = 0; r > 0 && i < (size_t)r; i++)
        if (term_put(st, n, (uint32_t)buf[i]) != 0) {
            *cut = 1;
            break;
        }
}

/* Makes the term of s[a..b) in st->term. Returns its length (0 when nothing is left,
 * e.g. only ignorables) and sets *cut. */
static size_t term_make(tok_state *st, size_t a, size_t b, int *cut)
{
    const unsigned char *u = (const unsigned char *)st->s;
    size_t i = a;
    size_t n = 0;
    size_t k;
    uint32_t cp;

    *cut = 0;
    while (i < b) { /* fast path: ASCII folded by hand, the rest copied as is */
        if (u[i] < 0x80) {
            if (n == SAT_TOKEN_MAX)
                break;
            st->term[n++] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
            i++;
            continue;
        }
        k = sat_utf8_decode(st->s + i, b - i, &cp);
        if (!tok_fast_cp(cp))
            break;
        if (n + k > SAT_TOKEN_MAX)
            break;
        memcpy(st->term + n, st->s + i, k);
        n += k;
        i += k;
    }
    if (i < b) {
        /* cut, or a code point needing utf8proc: decide over the rest of the term */
        for (; i < b; i += k) {
            k = sat_utf8_decode(st->s + i, b - i, &cp);
            if (cp >= 0x80 && !tok_fast_cp(cp)) {
                term_slow(st, a, b, &n, cut);
                st->term[n] = '\0';
                return n;
            }
        }
        *cut = 1;
    }
    st->term[n] = '\0';
    return n;
}

/* Emits the token of source bytes s[a..b). Returns 0 or what the callback returned. */
static int tok_emit(tok_state *st, size_t a, size_t b, size_t pos, int kind)
{
    sat_token t;

    t.term_len = term_make(st, a, b, &t.cut);
    if (t.term_len == 0)
        return 0;
    t.term = st->term;
    t.pos = pos;
    t.off = a;
    t.len = b - a;
    t.kind = kind;
    t.split = 0;
    if (kind == SAT_TOKEN_BIGRAM && st->split > 0 && st->split < t.term_len && !t.cut)
        t.split = st->split;
    return st->fn(&t, st->ctx);
}

/* ------------------------------------------------------------------------ */
/* Runs                                                                     */
/* ------------------------------------------------------------------------ */

/* 1 if every code point of s[a..b) is its own term as is (tok_fast_cp). */
static int fast_span(const char *s, size_t a, size_t b)
{
    uint32_t cp;

    while (a < b) {
        a += sat_utf8_decode(s + a, b - a, &cp);
        if (!tok_fast_cp(cp))
            return 0;
    }
    return 1;
}

/* Ends a CJK character [cs, ce), the i-th of its run (run positions from st->pos):
 * emits the bigram with the previous character [ps, ...) and the unigram. `more` says
 * whether another character of the run follows. */
static int cjk_unit(tok_state *st, size_t ps, size_t cs, size_t ce, size_t i, int more)
{
    int rc = 0;

    if (i == 0 && !more)
        return tok_emit(st, cs, ce, st->pos, SAT_TOKEN_SINGLE);
    if (i > 0) {
        st->split = 0;
        if ((st->flags & SAT_TOKEN_SPLITS) && fast_span(st->s, ps, ce)) {
            st->split = cs - ps; /* both characters are their own terms, byte for byte */
        } else if (st->flags & SAT_TOKEN_SPLITS) {
            /* the bigram's term is its characters' terms one after the other (NFKC does
             * not join across a character: marks and jamo belong to theirs); check it */
            char first[SAT_TOKEN_MAX + 1], second[SAT_TOKEN_MAX + 1];
            size_t n1, n2, nb;
            int cut1, cut2, cutb;
            n1 = term_make(st, ps, cs, &cut1);
            memcpy(first, st->term, n1);
            n2 = term_make(st, cs, ce, &cut2);
            memcpy(second, st->term, n2);
            nb = term_make(st, ps, ce, &cutb);
            if (!cut1 && !cut2 && !cutb && n1 > 0 && n2 > 0 && nb == n1 + n2 &&
                memcmp(st->term, first, n1) == 0 && memcmp(st->term + n1, second, n2) == 0)
                st->split = n1;
        }
        rc = tok_emit(st, ps, ce, st->pos + i - 1, SAT_TOKEN_BIGRAM);
        st->split = 0;
    }
    if (rc == 0 && ((st->flags & SAT_TOKEN_UNIGRAMS) || (!more && (st->flags & SAT_TOKEN_FINALS))))
        rc = tok_emit(st, cs, ce, st->pos + i, SAT_TOKEN_UNIGRAM);
    return rc;
}

/* Tokenises s[a..b) of st->s (a whole line or text, valid UTF-8). */
static int tok_span(tok_state *st, size_t a, size_t b)
{
    size_t i = a;
    size_t k;
    size_t ts = 0, te = 0; /* current word, or current CJK character */
    size_t ps = 0;         /* previous CJK character's start */
    size_t units = 0;      /* CJK characters so far in the run */
    int cur = CL_SEP;      /* CL_WORD, CL_CJK or CL_SEP (none) */
    int digits = 1;        /* the current word has digits only */
    int cl;
    int rc = 0;
    uint32_t cp;

    while (rc == 0 && i <= b) {
        if (i < b) {
            k = sat_utf8_decode(st->s + i, b - i, &cp);
            cl = tok_class(cp);
        } else {
            k = 1;
            cl = CL_SEP;
            cp = 0;
        }
        if ((cl == CL_MARK || cl == CL_IGN) && cur != CL_SEP) {
            te = i + k; /* extends the word or the CJK character */
            if (cl == CL_MARK && cur == CL_WORD)
                digits = 0;
            i += k;
            continue;
        }
        if (cl == CL_MARK)
            cl = CL_WORD; /* a mark with nothing before it starts a word */
        if (cur == CL_WORD && cl != CL_WORD) {
            rc = tok_emit(st, ts, te, st->pos, digits ? SAT_TOKEN_NUMBER : SAT_TOKEN_WORD);
            st->pos++;
            cur = CL_SEP;
        } else if (cur == CL_CJK) {
            rc = cjk_unit(st, ps, ts, te, units, cl == CL_CJK);
            units++;
            if (cl == CL_CJK) {
                ps = ts;
            } else {
                st->pos += units;
                units = 0;
                cur = CL_SEP;
            }
        }
        if (rc != 0 || i == b)
            break;
        if (cl == CL_CJK) {
            cur = CL_CJK;
            ts = i;
        } else if (cl == CL_WORD) {
            if (cur != CL_WORD) {
                cur = CL_WORD;
                ts = i;
                digits = 1;
            }
            if (!tok_digit(cp))
                digits = 0;
        }
        i += k;
        te = i;
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

static int tok_start(tok_state *st, const char *s, size_t len, unsigned flags, sat_token_fn fn,
                     void *ctx, sat_err *err)
{
    size_t bad = 0;

    if ((s == NULL && len > 0) || fn == NULL)
        return sat_err_set(err, SAT_E_ARG, "tokeniser: no text or no callback");
    if (!sat_utf8_valid(s, len, &bad))
        return sat_err_set(err, SAT_E_FORMAT, "invalid UTF-8 at byte offset %zu", bad);
    st->s = s;
    st->flags = flags;
    st->fn = fn;
    st->ctx = ctx;
    st->pos = 0;
    return 0;
}

int sat_token_text(const char *s, size_t len, unsigned flags, sat_token_fn fn, void *ctx,
                   sat_err *err)
{
    tok_state st;
    int rc = tok_start(&st, s, len, flags, fn, ctx, err);

    if (rc != 0)
        return rc;
    return tok_span(&st, 0, len);
}

/* 1 if s[a..b) starts with the n bytes of p. */
static int starts(const char *s, size_t a, size_t b, const char *p, size_t n)
{
    return b - a >= n && memcmp(s + a, p, n) == 0;
}

int sat_token_gemtext(const char *s, size_t len, unsigned flags, sat_token_fn fn, void *ctx,
                      sat_err *err)
{
    tok_state st;
    const char *nl;
    size_t a = 0;
    size_t b;
    int pre = 0;
    int rc = tok_start(&st, s, len, flags, fn, ctx, err);

    while (rc == 0 && a < len) {
        nl = memchr(s + a, '\n', len - a);
        b = nl != NULL ? (size_t)(nl - s) : len;
        if (starts(s, a, b, "```", 3)) {
            pre = !pre;
        } else if (!pre && starts(s, a, b, "=>", 2)) {
            a += 2;
            while (a < b && (s[a] == ' ' || s[a] == '\t'))
                a++;
            if (!starts(s, a, b, "attachment:", 11)) {
                while (a < b && s[a] != ' ' && s[a] != '\t')
                    a++; /* the URL */
                rc = tok_span(&st, a, b);
            }
        } else {
            rc = tok_span(&st, a, b);
        }
        a = b + 1;
    }
    return rc;
}
