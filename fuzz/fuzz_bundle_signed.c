/*
 * fuzz_bundle_signed.c - a hostile or broken signer: like fuzz_bundle, but before the
 * bundle is opened the harness signs again, with the fixed test secret key, the
 * manifest bytes that each signature's trusted comment points at, so that mutations
 * of the root manifest and of the trusted comment get past the signature check and
 * reach everything after it (zstd, the manifest parser, the cross-checks, the walk).
 *
 * Re-signed: the head signature (member 1, header at byte 0) over the bytes that its
 * "manifest=OFF+ZLEN:LEN" names, when they lie inside the input; and the tail copy
 * (format v2: "satchel-manifest-copy.zst.minisig" right before the two end blocks)
 * over the manifest copy just before it. The new signature keeps both comments, so it
 * has the old length and replaces the old one in place. A signature that does not
 * parse is left as it is.
 *
 * Plain roots: a compressed root hides its text from the mutator (every change breaks
 * the frame's checksum). So when the manifest member at OFF holds text rather than a
 * zstd frame, the harness compresses it, splices the frame in (moving what follows
 * by whole blocks; offsets in the root are relative to the data start, so they still
 * hold), fixes the member's header, puts the new sizes in the trusted comment and
 * signs that, and rebuilds the tail copy from the new head. fuzz/seeds.sh makes such
 * "plain-root" bundles from packed ones, so the mutator edits the manifest text itself:
 * the hostile signer's full reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_zstd.h"

#define BLOCK 512u
#define MEMBER_SIG_COPY "satchel-manifest-copy.zst.minisig"
/* Largest plain root the harness compresses. */
#define PLAIN_MAX ((size_t)1 << 20)

typedef struct fbuf {
    uint8_t *p;
    size_t len;
} fbuf;

static size_t round_block(size_t n)
{
    return (n + BLOCK - 1) / BLOCK * BLOCK;
}

/* Size field of the ustar header at h (octal digits, space/NUL padded), or -1. */
static long long tar_size(const uint8_t *h)
{
    long long v = 0;
    size_t i = 0, digits = 0;

    while (i < 12 && h[124 + i] == ' ')
        i++;
    for (; i < 12 && h[124 + i] >= '0' && h[124 + i] <= '7' && digits < 11; i++, digits++)
        v = v * 8 + (h[124 + i] - '0');
    return digits == 0 ? -1 : v;
}

/* Writes a canonical size field and checksum into the ustar header at h. */
static void tar_set_size(uint8_t *h, size_t n)
{
    char f[16];
    unsigned sum = 0;
    size_t i;

    snprintf(f, sizeof f, "%011llo ", (unsigned long long)n);
    memcpy(h + 124, f, 12);
    memset(h + 148, ' ', 8);
    for (i = 0; i < BLOCK; i++)
        sum += h[i];
    snprintf(f, sizeof f, "%06o", sum);
    memcpy(h + 148, f, 6);
    h[154] = '\0';
    h[155] = ' ';
}

/* The signature member whose header is at hdr: parsed signature, its untrusted comment
 * (malloc'd) and its length. 0 when it parses. */
static int sig_read(const fbuf *b, size_t hdr, sat_sig *sig, char **uc, size_t *sig_len)
{
    const char *prefix = "untrusted comment: ";
    long long field;
    char *text, *nl;
    int rc = -1;

    *uc = NULL;
    if (hdr > b->len || b->len - hdr < 2 * BLOCK)
        return -1;
    field = tar_size(b->p + hdr);
    if (field <= 0 || field > SAT_SIGFILE_MAX || (size_t)field > b->len - hdr - BLOCK)
        return -1;
    *sig_len = (size_t)field;
    text = strndup((const char *)b->p + hdr + BLOCK, *sig_len);
    if (text == NULL || strlen(text) != *sig_len || sat_sig_parse(sig, text, *sig_len, NULL) != 0)
        goto out;
    nl = strchr(text, '\n');
    if (nl == NULL || strncmp(text, prefix, strlen(prefix)) != 0)
        goto out;
    *uc = strndup(text + strlen(prefix), (size_t)(nl - text) - strlen(prefix));
    rc = *uc != NULL ? 0 : -1;
out:
    free(text);
    return rc;
}

/* Finds "manifest=OFF+ZLEN:LEN" in a trusted comment: the numbers, and where the value
 * starts and ends. */
static int tc_manifest(const char *tc, uint64_t *off, uint64_t *zlen, size_t *vstart,
                       size_t *vend)
{
    const char *p = strstr(tc, "manifest=");
    char *end;

    if (p == NULL)
        return -1;
    *vstart = (size_t)(p - tc) + 9;
    *off = strtoull(p + 9, &end, 10);
    if (*end != '+')
        return -1;
    *zlen = strtoull(end + 1, &end, 10);
    if (*end != ':')
        return -1;
    (void)strtoull(end + 1, &end, 10);
    *vend = (size_t)(end - tc);
    return 0;
}

/* Signs msg with the test key and the given comments into the signature member at hdr.
 * The new text must fit the member's data blocks; the header is rewritten when its
 * length changed. */
static void sig_write(fbuf *b, size_t hdr, size_t old_len, const char *uc, const char *tc,
                      const uint8_t *msg, size_t n)
{
    char *out = NULL;
    size_t out_len = 0;

    if (sat_sign(fuzz_seckey(), msg, n, uc, tc, &out, &out_len, NULL) != 0)
        return;
    if (round_block(out_len) == round_block(old_len)) {
        memset(b->p + hdr + BLOCK, 0, round_block(old_len));
        memcpy(b->p + hdr + BLOCK, out, out_len);
        if (out_len != old_len)
            tar_set_size(b->p + hdr, out_len);
    }
    free(out);
}

/* Re-signs the signature member at hdr in place; tail: the v2 tail copy, whose
 * manifest copy lies right before its header. */
static void resign(fbuf *b, size_t hdr, int tail)
{
    uint64_t off = 0, zlen = 0;
    size_t sig_len = 0, vs, ve;
    char *uc = NULL;
    sat_sig sig;

    if (sig_read(b, hdr, &sig, &uc, &sig_len) != 0 ||
        tc_manifest(sig.trusted_comment, &off, &zlen, &vs, &ve) != 0 || zlen > SAT_MANIFEST_ZMAX)
        goto out;
    if (tail) {
        if (round_block((size_t)zlen) > hdr)
            goto out;
        off = hdr - round_block((size_t)zlen);
    }
    if (off <= b->len && zlen <= b->len - off)
        sig_write(b, hdr, sig_len, uc, sig.trusted_comment, b->p + off, (size_t)zlen);
out:
    free(uc);
}

/* After a plain root was spliced into the head: makes the v2 tail copy (if the file
 * has one, its manifest copy old_zlen bytes long) a copy of the new head again, so that
 * a seed stays a fully consistent bundle. */
static void splice_tail(fbuf *b, size_t flen, uint64_t old_zlen)
{
    static const char copy_name[] = "satchel-manifest-copy.zst";
    size_t sig_hdr, man_hdr, span = round_block(flen), new_len, sig_len;
    long long field;
    uint8_t *np;

    if (b->len < 4 * BLOCK)
        return;
    sig_hdr = b->len - 4 * BLOCK;
    if (memcmp(b->p + sig_hdr, MEMBER_SIG_COPY, sizeof MEMBER_SIG_COPY) != 0 ||
        old_zlen > sig_hdr || round_block((size_t)old_zlen) + BLOCK > sig_hdr)
        return;
    man_hdr = sig_hdr - round_block((size_t)old_zlen) - BLOCK;
    field = tar_size(b->p);
    if (memcmp(b->p + man_hdr, copy_name, sizeof copy_name) != 0 || field <= 0 ||
        (size_t)field >= BLOCK)
        return;
    sig_len = (size_t)field;
    new_len = man_hdr + BLOCK + span + 4 * BLOCK;
    np = calloc(1, new_len);
    if (np == NULL)
        return;
    memcpy(np, b->p, man_hdr + BLOCK);
    tar_set_size(np + man_hdr, flen);
    memcpy(np + man_hdr + BLOCK, b->p + 3 * BLOCK, flen); /* the head frame at 1536 */
    memcpy(np + man_hdr + BLOCK + span, b->p + sig_hdr, BLOCK);
    tar_set_size(np + man_hdr + BLOCK + span, sig_len);
    memcpy(np + man_hdr + 2 * BLOCK + span, b->p + BLOCK, sig_len);
    free(b->p);
    b->p = np;
    b->len = new_len;
}

/* The plain-root case (see the top): 1 when it applied. */
static int splice_plain_root(fbuf *b)
{
    static const uint8_t zmagic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    static sat_zstd *z;
    char tc[SAT_TRUSTED_COMMENT_MAX + 64];
    uint64_t off = 0, zlen = 0;
    size_t sig_len = 0, vs, ve, plain, old_span, new_span, new_len;
    uint8_t *frame = NULL, *np = NULL;
    size_t flen = 0;
    char *uc = NULL;
    long long field;
    sat_sig sig;
    int done = 0;

    if (sig_read(b, 0, &sig, &uc, &sig_len) != 0 ||
        tc_manifest(sig.trusted_comment, &off, &zlen, &vs, &ve) != 0)
        goto out;
    if (off != SAT_MANIFEST_OFFSET || off > b->len)
        goto out;
    field = tar_size(b->p + off - BLOCK);
    if (field <= 0 || (size_t)field > PLAIN_MAX || (size_t)field > b->len - off)
        goto out;
    plain = (size_t)field;
    if (plain >= 4 && memcmp(b->p + off, zmagic, 4) == 0)
        goto out; /* a real frame: resign() handles it */
    if (z == NULL && sat_zstd_create(NULL, 0, 1, &z, NULL) != 0)
        goto out;
    if (sat_zstd_compress(z, b->p + off, plain, &frame, &flen, NULL) != 0)
        goto out;
    old_span = round_block(plain);
    if (old_span > b->len - off)
        old_span = b->len - off;
    new_span = round_block(flen);
    new_len = b->len - old_span + new_span;
    np = calloc(1, new_len ? new_len : 1);
    if (np == NULL)
        goto out;
    memcpy(np, b->p, (size_t)off);
    memcpy(np + off, frame, flen);
    memcpy(np + off + new_span, b->p + off + old_span, b->len - off - old_span);
    tar_set_size(np + off - BLOCK, flen);
    free(b->p);
    b->p = np;
    b->len = new_len;
    np = NULL;
    done = 1;
    if ((size_t)snprintf(tc, sizeof tc, "%.*s%llu+%zu:%zu%s", (int)vs, sig.trusted_comment,
                         (unsigned long long)off, flen, plain,
                         sig.trusted_comment + ve) < sizeof tc)
        sig_write(b, 0, sig_len, uc, tc, b->p + off, flen);
    splice_tail(b, flen, zlen);
out:
    free(np);
    free(frame);
    free(uc);
    return done;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fbuf b;

    b.p = malloc(size ? size : 1);
    b.len = size;
    if (b.p == NULL)
        return 0;
    memcpy(b.p, data, size);
    if (splice_plain_root(&b)) {
        fuzz_bundle_walk(b.p, b.len);
        free(b.p);
        return 0;
    }
    resign(&b, 0, 0);
    /* v2 tail: ... manifest copy | sig copy header | sig data block | 2 zero blocks */
    if (b.len >= 4 * BLOCK &&
        memcmp(b.p + b.len - 4 * BLOCK, MEMBER_SIG_COPY, sizeof MEMBER_SIG_COPY) == 0)
        resign(&b, b.len - 4 * BLOCK, 1);
    fuzz_bundle_walk(b.p, b.len);
    free(b.p);
    return 0;
}
