/*
 * fuzz_sig.c - the key and signature parsers on fuzzer bytes: the same input as a
 * signature file (sat_sig_parse, then sat_sig_verify against the fixed test key), as
 * a public key file (sat_pubkey_parse) and as a keyring (sat_keyring_load, through a
 * real file since it refuses symbolic links).
 *
 * Oracles: a parsed public key formats (sat_pubkey_format) to text that parses back
 * to the same key; a keyring that loads holds at most SAT_KEYRING_MAX keys, no two
 * with the same key id, and loading it twice into the same array adds nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void fuzz_pubkey_roundtrip(const sat_pubkey *pk)
{
    char text[256], fp[SAT_FINGERPRINT_LEN + 1], id[17];
    sat_pubkey again;
    sat_err err;
    int n = sat_pubkey_format(pk, text, sizeof text);

    if (n <= 0)
        fuzz_fail("sat_pubkey_format failed on a parsed key");
    if (sat_pubkey_parse(&again, text, (size_t)n, &err) != 0)
        fuzz_fail("formatted public key does not parse: %s", err.msg);
    if (memcmp(&again, pk, sizeof again) != 0)
        fuzz_fail("public key changed through format and parse");
    sat_pubkey_fingerprint(pk, fp);
    sat_pubkey_keyid(pk, id);
    if (strlen(fp) != SAT_FINGERPRINT_LEN || strlen(id) != 16)
        fuzz_fail("fingerprint or key id of the wrong length");
}

static void fuzz_keyring(const uint8_t *data, size_t size)
{
    static sat_pubkey keys[SAT_KEYRING_MAX];
    const char *path = fuzz_tmpfile_path(data, size);
    size_t n = 0, n2, i, j;
    sat_err err;

    if (sat_keyring_load(keys, SAT_KEYRING_MAX, &n, path, &err) != 0) {
        if (n != 0)
            fuzz_fail("keyring load failed but added %zu keys", n);
        return;
    }
    if (n > SAT_KEYRING_MAX)
        fuzz_fail("keyring gave %zu keys", n);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (memcmp(keys[i].keynum, keys[j].keynum, SAT_KEYNUM_BYTES) == 0)
                fuzz_fail("keyring holds key id twice (keys %zu and %zu)", i, j);
    n2 = n;
    if (sat_keyring_load(keys, SAT_KEYRING_MAX, &n2, path, &err) != 0 || n2 != n)
        fuzz_fail("loading a keyring twice changed it (%zu keys, then %zu)", n, n2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t msg[] = "satchel fuzz message";
    sat_sig sig;
    sat_pubkey pk;
    sat_err err;

    if (sat_sig_parse(&sig, (const char *)data, size, &err) == 0) {
        if (memchr(sig.trusted_comment, '\0', sizeof sig.trusted_comment) == NULL)
            fuzz_fail("trusted comment not NUL-terminated");
        (void)sat_sig_verify(&sig, fuzz_pubkey(), 1, msg, sizeof msg - 1, 1, NULL, &err);
        /* the same keynum as the test key, so verification runs the Ed25519 checks */
        memcpy(sig.keynum, fuzz_pubkey()->keynum, SAT_KEYNUM_BYTES);
        if (sat_sig_verify(&sig, fuzz_pubkey(), 1, msg, sizeof msg - 1, 1, NULL, &err) == 0)
            fuzz_fail("a fuzzed signature verified over a fixed message");
    }
    if (sat_pubkey_parse(&pk, (const char *)data, size, &err) == 0)
        fuzz_pubkey_roundtrip(&pk);
    fuzz_keyring(data, size);
    return 0;
}
