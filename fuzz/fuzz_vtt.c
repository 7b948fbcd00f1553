/*
 * fuzz_vtt.c - the packer's WebVTT parser (pack_parse_vtt) on fuzzer bytes.
 * Oracle (fuzz_pack_parse): on success the body is valid UTF-8 ending in "\n" and
 * the metadata passes sat_meta_check.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pack_parse(pack_parse_vtt, "fuzz/2026-11-20-input.vtt", data, size);
    return 0;
}
