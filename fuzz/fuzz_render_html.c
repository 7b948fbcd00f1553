/*
 * fuzz_render_html.c - the HTML renderer of satchel-read export-html on fuzzer bytes:
 * the whole input as a gemtext body (rh_body) with a resolver that answers by the
 * attachment id's first byte ('i' image, 'a' audio, 'p' page, 'd' damaged, 'x' a hostile
 * href the renderer must refuse, else missing), and as a string (rh_escape).
 *
 * Oracles: the output is valid UTF-8 without C0 (but LF), DEL, C1 or bidi control; every
 * '<' opens a tag from the renderer's own short list, so no markup from the input gets
 * through; every attribute value is one the resolver generated (rh_href_safe) or
 * escaped text; rh_escape's output holds none of < > " '.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msg.h"
#include "render_html.h"

static void fuzz_resolve(void *ctx, const char *id, size_t len, rh_target *t)
{
    static const char *const href[] = {"../m/000001.png", "../m/000002.ogg", "000003.html",
                                       "javascript:alert(1)"};
    (void)ctx;
    if (len == 0)
        return;
    switch (id[0]) {
    case 'i':
        t->kind = RH_T_IMAGE;
        strcpy(t->href, href[0]);
        break;
    case 'a':
        t->kind = RH_T_AUDIO;
        strcpy(t->href, href[1]);
        break;
    case 'p':
        t->kind = RH_T_PAGE;
        strcpy(t->href, href[2]);
        break;
    case 'x':
        t->kind = RH_T_FILE;
        strcpy(t->href, href[3]);
        break;
    case 'd':
        t->kind = RH_T_DAMAGED;
        break;
    default:
        break;
    }
}

/* The harness's own list of what must never reach a page raw. */
static int fuzz_is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Tags the renderer writes; attributes are checked separately. */
static int fuzz_own_tag(const char *t, size_t n)
{
    static const char *const plain[] = {
        "p", "/p", "h2", "/h2", "h3", "/h3", "h4", "/h4", "ul", "/ul", "li", "/li",
        "blockquote", "/blockquote", "pre", "/pre", "figure", "/figure", "figcaption",
        "/figcaption", "/a", "/audio", "/span", "p class=\"link\"", "p class=\"link ext\"",
        "p class=\"link missing\"", "p class=\"cue\"", "span class=\"ts\"",
        "span class=\"mark\"", "span class=\"url\""};
    static const char *const attr[] = {"a href=\"", "img src=\"",
                                       "audio controls preload=\"none\" src=\""};
    size_t k;

    for (k = 0; k < sizeof plain / sizeof plain[0]; k++)
        if (strlen(plain[k]) == n && memcmp(plain[k], t, n) == 0)
            return 1;
    for (k = 0; k < sizeof attr / sizeof attr[0]; k++)
        if (n > strlen(attr[k]) && memcmp(attr[k], t, strlen(attr[k])) == 0)
            return 1;
    return 0;
}

/* Every value of href="..." and src="..." inside tag t[0..n) passes rh_href_safe. */
static void fuzz_check_attrs(const char *t, size_t n)
{
    static const char *const names[] = {"href=\"", "src=\""};
    size_t k;

    for (k = 0; k < 2; k++) {
        const char *p = t, *end = t + n;
        size_t nl = strlen(names[k]);
        while ((p = memmem(p, (size_t)(end - p), names[k], nl)) != NULL) {
            const char *v = p + nl, *q = memchr(v, '"', (size_t)(end - v));
            char buf[RH_HREF_MAX + 1];
            if (q == NULL || (size_t)(q - v) > RH_HREF_MAX)
                fuzz_fail("rh_body: unterminated or long attribute in <%.*s>", (int)n, t);
            memcpy(buf, v, (size_t)(q - v));
            buf[q - v] = '\0';
            if (!rh_href_safe(buf))
                fuzz_fail("rh_body: unsafe link '%s' in <%.*s>", buf, (int)n, t);
            p = q + 1;
        }
    }
}

static void fuzz_check_html(const sat_buf *out, const char *what)
{
    size_t i = 0, bad = 0;
    uint32_t cp;

    if (out->len == 0)
        return;
    if (!sat_utf8_valid(out->data, out->len, &bad))
        fuzz_fail("%s: output is not UTF-8 at byte %zu", what, bad);
    while (i < out->len) {
        size_t n = sat_utf8_decode(out->data + i, out->len - i, &cp);
        if (fuzz_is_control(cp))
            fuzz_fail("%s: code point U+%04X raw at byte %zu", what, (unsigned)cp, i);
        if (cp == '<') {
            const char *end = memchr(out->data + i, '>', out->len - i);
            size_t tl;
            if (end == NULL)
                fuzz_fail("%s: '<' without '>' at byte %zu", what, i);
            tl = (size_t)(end - (out->data + i)) - 1;
            if (!fuzz_own_tag(out->data + i + 1, tl))
                fuzz_fail("%s: foreign tag <%.*s>", what, (int)tl, out->data + i + 1);
            fuzz_check_attrs(out->data + i + 1, tl);
            n = tl + 2;
        } else if (cp == '>') {
            fuzz_fail("%s: '>' outside a tag at byte %zu", what, i);
        }
        i += n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sat_buf out = {0};
    rh_body_opts o = {fuzz_resolve, NULL};
    sat_err err;
    size_t i;

    rmsg_set_lang(size > 0 && (data[0] & 1) ? RMSG_KO : RMSG_EN);
    if (rh_body(&out, (const char *)data, size, &o, &err) == 0)
        fuzz_check_html(&out, "rh_body");
    out.len = 0;
    if (rh_escape(&out, (const char *)data, size) == 0) {
        fuzz_check_html(&out, "rh_escape");
        for (i = 0; i < out.len; i++)
            if (strchr("<>\"'", out.data[i]) != NULL)
                fuzz_fail("rh_escape: '%c' at byte %zu", out.data[i], i);
    }
    sat_buf_free(&out);
    return 0;
}
