/*
 * fuzz_bundle.c - a whole bundle file from the fuzzer, opened with the fixed test
 * public key: everything a forged or damaged file can reach before and after the
 * signature check (fuzz_common.c, fuzz_bundle_walk). Mutations of the signed
 * manifest or of the signature stop at the check; for what lies after it see
 * fuzz_bundle_signed.c.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bundle_walk(data, size);
    return 0;
}
