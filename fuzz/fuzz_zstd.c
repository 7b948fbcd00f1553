/*
 * fuzz_zstd.c - bounded zstd decompression (formats/sat_zstd.h) on fuzzer bytes,
 * with and without a small trained dictionary (fuzz/zstd.dict).
 *
 * Input: byte 0 holds flags (bit 0: use the dictionary; bit 1: round trip; bits 2-3:
 * compression level - 1). Without bit 1, bytes 1-3 are the expected size (u24 little
 * endian), bytes 4-5 the prefix size `need` (u16) and the rest is the frame, fed to
 * sat_zstd_decompress and sat_zstd_decompress_prefix. With bit 1, the rest is
 * compressed with sat_zstd_compress and decompressed again.
 *
 * Oracles: when the whole frame decodes, the prefix decode succeeds too and gives the
 * same bytes; a round trip gives the input back, and the frame is refused by the
 * codec with the other dictionary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sat_zstd.h"

#include <zstd.h>

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name the fuzz folder (set by the Makefile)"
#endif

#define FUZZ_ZSTD_HEAD 6
/* Above this expected size the buffers are only allocated when the frame claims exactly
 * that size (a mismatch is refused before the buffer is touched; smaller sizes test
 * that): keeps the target fast. */
#define FUZZ_ZSTD_BIG ((size_t)1 << 18)

/* Codecs: [dict?][level], level 0 = decompression only. */
static sat_zstd *codec[2][5];

static void fuzz_zstd_free_all(void)
{
    size_t d, l;

    for (d = 0; d < 2; d++)
        for (l = 0; l < 5; l++)
            sat_zstd_free(codec[d][l]);
}

static void fuzz_zstd_init(void)
{
    uint8_t dict[1 << 16];
    size_t dlen, d;
    int l;
    sat_err err;
    FILE *f = fopen(FUZZ_DIR "/zstd.dict", "rb");

    if (f == NULL)
        fuzz_fail("cannot open %s", FUZZ_DIR "/zstd.dict");
    dlen = fread(dict, 1, sizeof dict, f);
    fclose(f);
    for (d = 0; d < 2; d++)
        for (l = 0; l < 5; l++)
            if (sat_zstd_create(d ? dict : NULL, d ? dlen : 0, l, &codec[d][l], &err) != 0)
                fuzz_fail("zstd codec: %s", err.msg);
    atexit(fuzz_zstd_free_all);
}

static void fuzz_decompress(sat_zstd *z, const uint8_t *src, size_t n, size_t expect,
                            size_t need)
{
    uint8_t *full = malloc(expect ? expect : 1), *part = malloc(expect ? expect : 1);
    sat_err err;
    int rc_full, rc_part;

    if (full == NULL || part == NULL)
        goto out;
    rc_full = sat_zstd_decompress(z, src, n, full, expect, &err);
    rc_part = sat_zstd_decompress_prefix(z, src, n, part, expect, need, &err);
    if (rc_full == 0 && rc_part != 0)
        fuzz_fail("frame decodes whole (%zu bytes) but not its first %zu bytes: %s", expect,
                  need, err.msg);
    if (rc_full == 0 && memcmp(full, part, need < expect ? need : expect) != 0)
        fuzz_fail("prefix decode of %zu bytes differs from the whole decode", need);
out:
    free(full);
    free(part);
}

static void fuzz_roundtrip(int use_dict, int level, const uint8_t *src, size_t n)
{
    uint8_t *z = NULL, *back = malloc(n ? n : 1);
    size_t zlen = 0;
    sat_err err;

    if (back == NULL)
        return;
    if (sat_zstd_compress(codec[use_dict][level], src, n, &z, &zlen, &err) != 0)
        fuzz_fail("compression of %zu bytes failed: %s", n, err.msg);
    if (sat_zstd_decompress(codec[use_dict][0], z, zlen, back, n, &err) != 0)
        fuzz_fail("round trip of %zu bytes does not decode: %s", n, err.msg);
    if (n > 0 && memcmp(back, src, n) != 0)
        fuzz_fail("round trip of %zu bytes changed them", n);
    if (sat_zstd_decompress_prefix(codec[use_dict][0], z, zlen, back, n, n / 2, &err) != 0 ||
        (n > 0 && memcmp(back, src, n / 2) != 0))
        fuzz_fail("round trip of %zu bytes: prefix decode failed", n);
    if (sat_zstd_decompress(codec[!use_dict][0], z, zlen, back, n, &err) == 0)
        fuzz_fail("a frame made %s the dictionary decodes %s it", use_dict ? "with" : "without",
                  use_dict ? "without" : "with");
    free(z);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int use_dict, level;
    size_t expect, need;

    if (codec[0][0] == NULL)
        fuzz_zstd_init();
    if (size < 1)
        return 0;
    use_dict = data[0] & 1;
    level = 1 + ((data[0] >> 2) & 3);
    if (data[0] & 2) {
        fuzz_roundtrip(use_dict, level, data + 1, size - 1);
        return 0;
    }
    if (size < FUZZ_ZSTD_HEAD)
        return 0;
    expect = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16;
    need = (size_t)data[4] | (size_t)data[5] << 8;
    if (expect > FUZZ_ZSTD_BIG &&
        ZSTD_getFrameContentSize(data + FUZZ_ZSTD_HEAD, size - FUZZ_ZSTD_HEAD) != expect)
        return 0;
    fuzz_decompress(codec[use_dict][0], data + FUZZ_ZSTD_HEAD, size - FUZZ_ZSTD_HEAD, expect,
                    need);
    return 0;
}
