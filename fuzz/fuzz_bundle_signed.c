/*
 * fuzz_bundle_signed.c - a hostile or broken signer: like fuzz_bundle, but before the
 * bundle is opened the harness signs again, with the fixed test secret key, the
 * manifest bytes that each signature's trusted comment points at, so that mutations
 * of the root manifest and of the trusted comment get past the signature check and
 * reach everything after it (zstd, the manifest parser, the cross-checks, the walk).
 *
 * Re-signed: the head signature (member 1, data at byte 512) over the bytes that its
 * "manifest=OFF+ZLEN:LEN" names, when they lie inside the input; and the tail copy
 * (format v2: "satchel-manifest-copy.zst.minisig" right before the two end blocks)
 * over the manifest copy just before it. The new signature keeps the untrusted and
 * trusted comments, so it has exactly the old length and replaces it in place; a
 * signature that does not parse is left as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define BLOCK 512u
#define MEMBER_SIG_COPY "satchel-manifest-copy.zst.minisig"

/* Size field of the ustar header at h, or -1. Lenient: only finds the data. */
static long long fuzz_tar_size(const uint8_t *h)
{
    long long v = 0;
    size_t i = 0;

    while (i < 12 && h[124 + i] == ' ')
        i++;
    for (; i < 12 && h[124 + i] >= '0' && h[124 + i] <= '7'; i++)
        v = v * 8 + (h[124 + i] - '0');
    return i == 0 ? -1 : v;
}

/* Parses "manifest=OFF+ZLEN:" out of a trusted comment. */
static int fuzz_tc_manifest(const char *tc, uint64_t *off, uint64_t *zlen)
{
    const char *p = strstr(tc, "manifest=");
    char *end;

    if (p == NULL)
        return -1;
    *off = strtoull(p + 9, &end, 10);
    if (*end != '+')
        return -1;
    *zlen = strtoull(end + 1, &end, 10);
    return *end == ':' ? 0 : -1;
}

/* Re-signs the signature member whose header is at hdr, for the manifest bytes its
 * trusted comment names; tail selects the v2 tail copy, whose manifest copy lies right
 * before the header. Leaves the input as it is when anything does not fit. */
static void fuzz_resign_member(uint8_t *buf, size_t size, size_t hdr, int tail)
{
    const char *prefix = "untrusted comment: ";
    char *text = NULL, *uc = NULL, *nl, *out = NULL;
    size_t out_len = 0, sig_len;
    long long field;
    uint64_t off = 0, zlen = 0, span;
    sat_sig sig;
    sat_err err;

    if (hdr > size || size - hdr < 2 * BLOCK)
        return;
    field = fuzz_tar_size(buf + hdr);
    if (field <= 0 || field > SAT_SIGFILE_MAX || (size_t)field > size - hdr - BLOCK)
        return;
    sig_len = (size_t)field;
    text = strndup((const char *)buf + hdr + BLOCK, sig_len);
    if (text == NULL || strlen(text) != sig_len || sat_sig_parse(&sig, text, sig_len, &err) != 0)
        goto out;
    if (fuzz_tc_manifest(sig.trusted_comment, &off, &zlen) != 0 || zlen > SAT_MANIFEST_ZMAX)
        goto out;
    if (tail) {
        span = (zlen + BLOCK - 1) / BLOCK * BLOCK;
        if (span > hdr)
            goto out;
        off = hdr - span;
    }
    if (off > size || zlen > size - off)
        goto out;
    nl = strchr(text, '\n');
    if (nl == NULL || strncmp(text, prefix, strlen(prefix)) != 0)
        goto out;
    uc = strndup(text + strlen(prefix), (size_t)(nl - text) - strlen(prefix));
    if (uc == NULL || sat_sign(fuzz_seckey(), buf + off, (size_t)zlen, uc, sig.trusted_comment,
                               &out, &out_len, &err) != 0)
        goto out;
    if (out_len == sig_len)
        memcpy(buf + hdr + BLOCK, out, out_len);
out:
    free(out);
    free(uc);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    size_t tail_hdr;

    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    fuzz_resign_member(buf, size, 0, 0);
    /* v2 tail: ... manifest copy | sig copy header | sig data block | 2 zero blocks */
    if (size >= 4 * BLOCK) {
        tail_hdr = size - 4 * BLOCK;
        if (memcmp(buf + tail_hdr, MEMBER_SIG_COPY, sizeof MEMBER_SIG_COPY) == 0)
            fuzz_resign_member(buf, size, tail_hdr, 1);
    }
    fuzz_bundle_walk(buf, size);
    free(buf);
    return 0;
}
