/* sat_zstd.c - bounded zstd compression and decompression. */
#define ZSTD_STATIC_LINKING_ONLY
#include "sat_zstd.h"

#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd_errors.h>
#include <zstd.h>

struct sat_zstd {
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    ZSTD_CDict *cdict;
    ZSTD_DDict *ddict;
    unsigned dict_id;
};

int sat_zstd_create(const void *dict, size_t dict_len, int level, sat_zstd **out, sat_err *err)
{
    sat_zstd *z = calloc(1, sizeof *z);
    size_t r;

    *out = NULL;
    if (z == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "zstd: out of memory");
    if (level > 0) {
        z->cctx = ZSTD_createCCtx();
        if (z->cctx == NULL)
            goto nomem;
        r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel, level);
        if (!ZSTD_isError(r))
            r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1);
        if (!ZSTD_isError(r))
            r = ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_contentSizeFlag, 1);
        if (ZSTD_isError(r)) {
            sat_zstd_free(z);
            return sat_err_set(err, SAT_E_ARG, "zstd: %s", ZSTD_getErrorName(r));
        }
        if (dict != NULL) {
            z->cdict = ZSTD_createCDict(dict, dict_len, level);
            if (z->cdict == NULL)
                goto nomem;
            r = ZSTD_CCtx_refCDict(z->cctx, z->cdict);
            if (ZSTD_isError(r)) {
                sat_zstd_free(z);
                return sat_err_set(err, SAT_E_FORMAT, "zstd dictionary: %s", ZSTD_getErrorName(r));
            }
        }
    }
    z->dctx = ZSTD_createDCtx();
    if (z->dctx == NULL)
        goto nomem;
    if (dict != NULL) {
        z->dict_id = ZSTD_getDictID_fromDict(dict, dict_len);
        if (z->dict_id == 0) {
            sat_zstd_free(z);
            return sat_err_set(err, SAT_E_FORMAT,
                               "zstd dictionary: not a zstd dictionary (no dictionary id)");
        }
        z->ddict = ZSTD_createDDict(dict, dict_len);
        if (z->ddict == NULL)
            goto nomem;
    }
    *out = z;
    return 0;
nomem:
    sat_zstd_free(z);
    return sat_err_set(err, SAT_E_NOMEM, "zstd: out of memory");
}

void sat_zstd_free(sat_zstd *z)
{
    if (z == NULL)
        return;
    ZSTD_freeCCtx(z->cctx);
    ZSTD_freeDCtx(z->dctx);
    ZSTD_freeCDict(z->cdict);
    ZSTD_freeDDict(z->ddict);
    free(z);
}

int sat_zstd_compress(sat_zstd *z, const void *src, size_t n, uint8_t **out, size_t *out_len,
                      sat_err *err)
{
    size_t cap = ZSTD_compressBound(n);
    uint8_t *buf;
    size_t r;

    *out = NULL;
    *out_len = 0;
    if (z->cctx == NULL)
        return sat_err_set(err, SAT_E_ARG, "zstd: codec was created for decompression only");
    if (ZSTD_isError(cap) || cap == 0)
        return sat_err_set(err, SAT_E_LIMIT, "zstd: input too large to compress");
    buf = malloc(cap);
    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "zstd: out of memory");
    r = ZSTD_compress2(z->cctx, buf, cap, src, n);
    if (ZSTD_isError(r)) {
        free(buf);
        return sat_err_set(err, SAT_E_FORMAT, "zstd: compression failed: %s", ZSTD_getErrorName(r));
    }
    *out = buf;
    *out_len = r;
    return 0;
}

/* The checks every frame passes before zstd decodes a byte of it. */
static int frame_check(sat_zstd *z, const void *src, size_t n, size_t expect, sat_err *err)
{
    ZSTD_frameHeader fh;
    size_t r, fsize;
    unsigned did;

    if (n < 6)
        return sat_err_set(err, SAT_E_FORMAT, "zstd: frame too short (%zu bytes)", n);
    r = ZSTD_getFrameHeader(&fh, src, n);
    if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
        return sat_err_set(err, SAT_E_FORMAT,
                           "zstd: frame declares a window larger than any decoder accepts");
    if (ZSTD_isError(r) || fh.frameType != ZSTD_frame)
        return sat_err_set(err, SAT_E_FORMAT, "zstd: not a zstd frame");
    if (r > 0)
        return sat_err_set(err, SAT_E_FORMAT, "zstd: frame header cut short");
    if (fh.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN)
        return sat_err_set(err, SAT_E_FORMAT, "zstd: frame does not declare its content size");
    if (fh.frameContentSize != (unsigned long long)expect)
        return sat_err_set(err, SAT_E_FORMAT,
                           "zstd: frame claims %llu bytes but the manifest says %zu",
                           fh.frameContentSize, expect);
    if (fh.windowSize > SAT_ZSTD_WINDOW_MAX)
        return sat_err_set(
            err, SAT_E_FORMAT, "zstd: frame declares a %llu-byte window (at most %llu allowed)",
            (unsigned long long)fh.windowSize, (unsigned long long)SAT_ZSTD_WINDOW_MAX);
    fsize = ZSTD_findFrameCompressedSize(src, n);
    if (ZSTD_isError(fsize))
        return sat_err_set(err, SAT_E_FORMAT, "zstd: damaged frame: %s", ZSTD_getErrorName(fsize));
    if (fsize != n)
        return sat_err_set(err, SAT_E_FORMAT,
                           "zstd: %zu bytes after the frame (exactly one frame expected)",
                           n - fsize);
    did = ZSTD_getDictID_fromFrame(src, n);
    if (did != z->dict_id)
        return sat_err_set(err, SAT_E_FORMAT,
                           "zstd: frame needs dictionary id %u but the bundle's is %u", did,
                           z->dict_id);
    return 0;
}

int sat_zstd_decompress(sat_zstd *z, const void *src, size_t n, void *dst, size_t expect,
                        sat_err *err)
{
    size_t r;
    int rc;

    if ((rc = frame_check(z, src, n, expect, err)) != 0)
        return rc;
    if (z->ddict != NULL)
        r = ZSTD_decompress_usingDDict(z->dctx, dst, expect, src, n, z->ddict);
    else
        r = ZSTD_decompressDCtx(z->dctx, dst, expect, src, n);
    if (ZSTD_isError(r))
        return sat_err_set(err, SAT_E_FORMAT, "zstd: decompression failed: %s",
                           ZSTD_getErrorName(r));
    if (r != expect)
        return sat_err_set(err, SAT_E_FORMAT, "zstd: produced %zu bytes, expected %zu", r, expect);
    return 0;
}

int sat_zstd_train(void *dict, size_t cap, const void *samples, const size_t *sizes, unsigned n,
                   size_t *out_len, sat_err *err)
{
    size_t r;

    *out_len = 0;
    if (n < 16)
        return 0;
    r = ZDICT_trainFromBuffer(dict, cap, samples, sizes, n);
    if (ZDICT_isError(r))
        return 0; /* too little or too uniform data: go on without a dictionary */
    *out_len = r;
    return 0;
}

int sat_zstd_decompress_prefix(sat_zstd *z, const void *src, size_t n, void *dst, size_t expect,
                               size_t need, sat_err *err)
{
    ZSTD_outBuffer out;
    ZSTD_inBuffer in;
    size_t r = 0, chunk = 16384;
    int rc = 0;

    if (need >= expect)
        return sat_zstd_decompress(z, src, n, dst, expect, err);
    if ((rc = frame_check(z, src, n, expect, err)) != 0)
        return rc;
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_and_parameters);
    r = ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_stableOutBuffer, 1);
    if (!ZSTD_isError(r))
        r = ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax, 25);
    if (!ZSTD_isError(r) && z->ddict != NULL)
        r = ZSTD_DCtx_refDDict(z->dctx, z->ddict);
    if (ZSTD_isError(r)) {
        rc = sat_err_set(err, SAT_E_FORMAT, "zstd: %s", ZSTD_getErrorName(r));
        goto out;
    }
    /* The whole frame fits dst (stable output buffer, nothing allocated for a window);
     * input is fed in small steps so decoding stops soon after `need` bytes exist. */
    out.dst = dst;
    out.size = expect;
    out.pos = 0;
    in.src = src;
    in.pos = 0;
    in.size = 0;
    while (out.pos < need) {
        if (in.size == n) {
            rc = sat_err_set(err, SAT_E_FORMAT, "zstd: frame ended after %zu of %zu bytes", out.pos,
                             expect);
            goto out;
        }
        in.size = n - in.size < chunk ? n : in.size + chunk;
        while (in.pos < in.size && out.pos < need) {
            r = ZSTD_decompressStream(z->dctx, &out, &in);
            if (ZSTD_isError(r)) {
                rc = sat_err_set(err, SAT_E_FORMAT, "zstd: decompression failed: %s",
                                 ZSTD_getErrorName(r));
                goto out;
            }
            if (r == 0)
                break;
        }
        if (r == 0 && out.pos < need) {
            rc = sat_err_set(err, SAT_E_FORMAT, "zstd: frame ended after %zu of %zu bytes", out.pos,
                             expect);
            goto out;
        }
    }
out:
    ZSTD_DCtx_reset(z->dctx, ZSTD_reset_session_and_parameters);
    return rc;
}
