/*
 * fuzz_text.c - the packer's plain text parser (pack_parse_text) on fuzzer bytes.
 * Oracle (fuzz_pack_parse): on success the body is valid UTF-8 ending in "\n" and
 * the metadata passes sat_meta_check.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pack_parse(pack_parse_text, "fuzz/2026-11-20-input.txt", data, size);
    return 0;
}
