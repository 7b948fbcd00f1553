/* test_sig.c - unit tests for sat_sig (keys, signatures, keyrings, minisign interop). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "sat_sig.h"

/* ------------------------------------------------------------- helpers */

static char tmpdir[256];

static const char *data_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("SATCHEL_TEST_DATA");

    if (dir == NULL)
        dir = "tests/data";
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

static const char *tmp_path(const char *name)
{
    static char buf[2][512];
    static int which;

    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", tmpdir, name);
    return buf[which];
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int count_dir_entries(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void empty_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char p[1024];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
}

static int setup(void **state)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof tmpdir, "%s/test_sig.XXXXXX", base ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    return sodium_init() < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    empty_tmpdir();
    rmdir(tmpdir);
    return 0;
}

static int per_test_clean(void **state)
{
    empty_tmpdir();
    return 0;
}

struct pass_ctx {
    const char *pass;
    int calls;
};

static int pass_cb(void *ctx, char *buf, size_t cap, int confirm)
{
    struct pass_ctx *pc = ctx;

    pc->calls++;
    if (pc->pass == NULL)
        return -1;
    snprintf(buf, cap, "%s", pc->pass);
    return 0;
}

static const char message[] = "The quick brown fox jumps over the lazy dog.\n";

/* Signs message with sk and parses the result back. */
static char *sign_text(const sat_seckey *sk, const char *tc, size_t *len)
{
    char *text = NULL;
    sat_err err;

    assert_int_equal(
        sat_sign(sk, (const uint8_t *)message, strlen(message), NULL, tc, &text, len, &err), 0);
    assert_non_null(text);
    return text;
}

/* ------------------------------------------------------------- keys */

static void test_generate_roundtrip_unencrypted(void **state)
{
    sat_pubkey pk, pk2, pk3;
    sat_seckey *sk = NULL, *sk2 = NULL;
    struct pass_ctx pc = {"unused", 0};
    sat_err err;
    struct stat st;
    char *text;
    size_t len;
    sat_sig sig;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    sat_seckey_pubkey(sk, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    assert_int_equal(sat_pubkey_save(&pk, tmp_path("k.pub"), 0, &err), 0);
    assert_int_equal(sat_seckey_save(sk, tmp_path("k.key"), NULL, 0, 0, 0, &err), 0);
    assert_int_equal(stat(tmp_path("k.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(count_dir_entries(), 2); /* no temporary files left */

    assert_int_equal(sat_pubkey_load(&pk3, tmp_path("k.pub"), &err), 0);
    assert_memory_equal(&pk, &pk3, sizeof pk);
    assert_int_equal(sat_seckey_load(&sk2, tmp_path("k.key"), pass_cb, &pc, &err), 0);
    assert_int_equal(pc.calls, 0); /* unencrypted: never asks */
    sat_seckey_pubkey(sk2, &pk3);
    assert_memory_equal(&pk, &pk3, sizeof pk);

    /* The loaded key signs for the generated public key. */
    text = sign_text(sk2, "round trip", &len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)message, strlen(message), 0, NULL, &err), 0);
    free(text);
    sat_seckey_free(sk);
    sat_seckey_free(sk2);
    sat_seckey_free(NULL);
}

/* Decodes the 158-byte record of a secret key file. */
static void seckey_record(const char *path, uint8_t rec[158])
{
    char *text = test_slurp(path, NULL);
    char *nl = strchr(text, '\n');
    size_t got = 0;

    assert_non_null(nl);
    assert_int_equal(strlen(nl + 1), 213); /* 212 base64 characters + LF */
    assert_int_equal(
        sodium_base642bin(rec, 158, nl + 1, 212, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL),
        0);
    assert_int_equal(got, 158);
    free(text);
}

static void test_encrypted_roundtrip_and_wrong_passphrase(void **state)
{
    sat_pubkey pk, pk2;
    sat_seckey *sk = NULL, *sk2 = NULL;
    struct pass_ctx good = {"correct horse", 0}, bad = {"correct hors", 0}, none = {NULL, 0};
    uint8_t rec[158];
    uint64_t ops = 0, mem = 0;
    sat_err err;
    struct stat st;
    int i;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    assert_int_equal(sat_seckey_save(sk, tmp_path("e.key"), "correct horse",
                                     crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE,
                                     crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE, 0,
                                     &err),
                     0);
    assert_int_equal(stat(tmp_path("e.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* File layout: Ed, Sc, B2, stored limits, keynum not in the clear. */
    seckey_record(tmp_path("e.key"), rec);
    assert_memory_equal(rec, "EdScB2", 6);
    for (i = 7; i >= 0; i--) {
        ops = ops << 8 | rec[38 + i];
        mem = mem << 8 | rec[46 + i];
    }
    assert_int_equal(ops, crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE);
    assert_int_equal(mem, crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE);
    assert_memory_not_equal(rec + 54, pk.keynum, 8);
    assert_memory_not_equal(rec + 62 + 32, pk.pk, 32);

    assert_int_equal(sat_seckey_load(&sk2, tmp_path("e.key"), pass_cb, &good, &err), 0);
    assert_int_equal(good.calls, 1);
    sat_seckey_pubkey(sk2, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);
    sat_seckey_free(sk2);
    sk2 = NULL;

    assert_int_equal(sat_seckey_load(&sk2, tmp_path("e.key"), pass_cb, &bad, &err), SAT_E_CRYPTO);
    assert_null(sk2);
    assert_non_null(strstr(err.msg, "wrong passphrase"));
    assert_non_null(strstr(err.msg, "e.key"));

    assert_int_equal(sat_seckey_load(&sk2, tmp_path("e.key"), pass_cb, &none, &err), SAT_E_ARG);
    assert_null(sk2);
    assert_int_equal(sat_seckey_load(&sk2, tmp_path("e.key"), NULL, NULL, &err), SAT_E_ARG);
    assert_null(sk2);
    sat_seckey_free(sk);
}

static void test_refuse_overwrite_without_force(void **state)
{
    sat_pubkey pk1, pk2, got;
    sat_seckey *sk1 = NULL, *sk2 = NULL, *sk3 = NULL;
    sat_err err;
    struct stat st;

    assert_int_equal(sat_keypair_generate(&pk1, &sk1, &err), 0);
    assert_int_equal(sat_keypair_generate(&pk2, &sk2, &err), 0);
    assert_int_equal(sat_pubkey_save(&pk1, tmp_path("o.pub"), 0, &err), 0);
    assert_int_equal(sat_seckey_save(sk1, tmp_path("o.key"), NULL, 0, 0, 0, &err), 0);

    assert_int_equal(sat_pubkey_save(&pk2, tmp_path("o.pub"), 0, &err), SAT_E_EXISTS);
    assert_non_null(strstr(err.msg, "o.pub"));
    assert_int_equal(sat_seckey_save(sk2, tmp_path("o.key"), NULL, 0, 0, 0, &err), SAT_E_EXISTS);
    assert_int_equal(count_dir_entries(), 2);
    assert_int_equal(sat_pubkey_load(&got, tmp_path("o.pub"), &err), 0);
    assert_memory_equal(&got, &pk1, sizeof got);
    assert_int_equal(sat_seckey_load(&sk3, tmp_path("o.key"), NULL, NULL, &err), 0);
    sat_seckey_pubkey(sk3, &got);
    assert_memory_equal(&got, &pk1, sizeof got);
    sat_seckey_free(sk3);
    sk3 = NULL;

    /* A symlink or other name in the way also blocks a save without force. */
    assert_int_equal(symlink("nowhere", tmp_path("dangling.pub")), 0);
    assert_int_equal(sat_pubkey_save(&pk2, tmp_path("dangling.pub"), 0, &err), SAT_E_EXISTS);

    assert_int_equal(sat_pubkey_save(&pk2, tmp_path("o.pub"), 1, &err), 0);
    assert_int_equal(sat_seckey_save(sk2, tmp_path("o.key"), NULL, 0, 0, 1, &err), 0);
    assert_int_equal(count_dir_entries(), 3);
    assert_int_equal(stat(tmp_path("o.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(sat_pubkey_load(&got, tmp_path("o.pub"), &err), 0);
    assert_memory_equal(&got, &pk2, sizeof got);
    assert_int_equal(sat_seckey_load(&sk3, tmp_path("o.key"), NULL, NULL, &err), 0);
    sat_seckey_pubkey(sk3, &got);
    assert_memory_equal(&got, &pk2, sizeof got);

    /* A directory that does not exist: an I/O error, nothing created. */
    assert_int_equal(sat_pubkey_save(&pk2, tmp_path("no/such.pub"), 0, &err), SAT_E_IO);
    sat_seckey_free(sk1);
    sat_seckey_free(sk2);
    sat_seckey_free(sk3);
}

static void test_pubkey_parse_forms(void **state)
{
    sat_pubkey pk, ref;
    sat_err err;
    char *file;
    size_t len;
    char buf[256];
    const char *line;
    char *nl;
    char crlf[256];

    file = test_slurp(data_path("sig-minisign.pub"), &len);
    assert_int_equal(sat_pubkey_parse(&ref, file, len, &err), 0);
    line = strchr(file, '\n') + 1;

    /* Bare key line, with and without LF. */
    assert_int_equal(sat_pubkey_parse(&pk, line, strlen(line), &err), 0);
    assert_memory_equal(&pk, &ref, sizeof pk);
    assert_int_equal(sat_pubkey_parse(&pk, line, strlen(line) - 1, &err), 0);
    assert_memory_equal(&pk, &ref, sizeof pk);

    /* CRLF line ends are tolerated in key files. */
    nl = strchr(file, '\n');
    snprintf(crlf, sizeof crlf, "%.*s\r\n%.*s\r\n", (int)(nl - file), file, (int)strlen(line) - 1,
             line);
    assert_int_equal(sat_pubkey_parse(&pk, crlf, strlen(crlf), &err), 0);
    assert_memory_equal(&pk, &ref, sizeof pk);

    /* Our formatter writes exactly what minisign wrote. */
    assert_int_equal(sat_pubkey_format(&ref, buf, sizeof buf), (int)len);
    assert_string_equal(buf, file);
    assert_int_equal(sat_pubkey_format(&ref, buf, 20), SAT_E_ARG);

    /* Refusals: trailing junk, truncated base64, wrong algorithm, empty, NUL. */
    snprintf(buf, sizeof buf, "%sextra\n", file);
    assert_int_equal(sat_pubkey_parse(&pk, buf, strlen(buf), &err), SAT_E_FORMAT);
    assert_int_equal(sat_pubkey_parse(&pk, line, strlen(line) - 2, &err), SAT_E_FORMAT);
    /* "RWQ" decodes to "Ed"; "RUQ" to "ED" (a signature algorithm, not a key). */
    snprintf(buf, sizeof buf, "%s", line);
    buf[1] = 'U';
    assert_int_equal(sat_pubkey_parse(&pk, buf, strlen(buf), &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "algorithm"));
    /* Non-ASCII bytes in base64 are refused at every position (libsodium 1.0.18
     * alone would decode some of them to the very same key). */
    {
        size_t i, n = strlen(line) - 1;
        snprintf(buf, sizeof buf, "%s", line);
        for (i = 0; i < n; i++) {
            buf[i] ^= (char)0x80;
            assert_int_equal(sat_pubkey_parse(&pk, buf, n, &err), SAT_E_FORMAT);
            buf[i] ^= (char)0x80;
        }
        assert_int_equal(sat_pubkey_parse(&pk, buf, n, &err), 0);
    }
    assert_int_equal(sat_pubkey_parse(&pk, "", 0, &err), SAT_E_FORMAT);
    assert_int_equal(sat_pubkey_parse(&pk, "untrusted comment: x\n", 21, &err), SAT_E_FORMAT);
    snprintf(buf, sizeof buf, "%s", line);
    assert_int_equal(sat_pubkey_parse(&pk, buf, strlen(buf) + 1, &err), SAT_E_FORMAT);
    free(file);
}

static void test_keyid_and_fingerprint_vector(void **state)
{
    sat_pubkey pk;
    sat_err err;
    char id[17];
    char fp[SAT_FINGERPRINT_LEN + 1];
    int i;

    assert_int_equal(sat_pubkey_load(&pk, data_path("sig-minisign.pub"), &err), 0);
    sat_pubkey_keyid(&pk, id);
    /* minisign's own comment line for this key says D41BC320C945956F. */
    assert_string_equal(id, "D41BC320C945956F");
    sat_pubkey_fingerprint(&pk, fp);
    /* Computed independently with python3 hashlib.blake2b(digest_size=40). */
    assert_string_equal(fp, "29625 14130 69144 76108 55500 00906 17437 45143");
    assert_int_equal(strlen(fp), SAT_FINGERPRINT_LEN);
    for (i = 0; i < SAT_FINGERPRINT_LEN; i++)
        assert_true(i % 6 == 5 ? fp[i] == ' ' : (fp[i] >= '0' && fp[i] <= '9'));
    /* Every part of the key matters. */
    pk.keynum[0] ^= 1;
    sat_pubkey_fingerprint(&pk, fp);
    assert_string_not_equal(fp, "29625 14130 69144 76108 55500 00906 17437 45143");
    pk.keynum[0] ^= 1;
    pk.pk[31] ^= 0x80;
    sat_pubkey_fingerprint(&pk, fp);
    assert_string_not_equal(fp, "29625 14130 69144 76108 55500 00906 17437 45143");
}

/* ------------------------------------------------------------- signatures */

static void test_sign_parse_verify(void **state)
{
    sat_pubkey pk, other_pk, keys[3];
    sat_seckey *sk = NULL, *other = NULL;
    sat_sig sig;
    sat_err err;
    size_t len, which = 99;
    char *text;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    assert_int_equal(sat_keypair_generate(&other_pk, &other, &err), 0);
    text = sign_text(sk, "timestamp:1700000000\tfile:x\thashed", &len);
    assert_int_equal(strlen(text), len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_memory_equal(sig.alg, "ED", 2);
    assert_memory_equal(sig.keynum, pk.keynum, 8);
    assert_string_equal(sig.trusted_comment, "timestamp:1700000000\tfile:x\thashed");

    keys[0] = other_pk;
    keys[1] = pk;
    assert_int_equal(
        sat_sig_verify(&sig, keys, 2, (const uint8_t *)message, strlen(message), 0, &which, &err),
        0);
    assert_int_equal(which, 1);

    /* Untrusted: no key with that keynum. */
    assert_int_equal(sat_sig_verify(&sig, &other_pk, 1, (const uint8_t *)message, strlen(message),
                                    0, NULL, &err),
                     SAT_E_UNTRUSTED);
    assert_int_equal(
        sat_sig_verify(&sig, NULL, 0, (const uint8_t *)message, strlen(message), 0, NULL, &err),
        SAT_E_UNTRUSTED);

    /* Same keynum, wrong public key: a forgery, not merely untrusted. */
    keys[2] = other_pk;
    memcpy(keys[2].keynum, pk.keynum, 8);
    assert_int_equal(
        sat_sig_verify(&sig, &keys[2], 1, (const uint8_t *)message, strlen(message), 0, NULL, &err),
        SAT_E_SIG);

    /* Trusted comment tampering. */
    sig.trusted_comment[0] = 'T';
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)message, strlen(message), 0, NULL, &err),
        SAT_E_SIG);
    assert_non_null(strstr(err.msg, "trusted comment"));
    sig.trusted_comment[0] = 't';
    strcat(sig.trusted_comment, " ");
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)message, strlen(message), 0, NULL, &err),
        SAT_E_SIG);

    /* Empty message and empty trusted comment work too. */
    free(text);
    text = NULL;
    assert_int_equal(sat_sign(sk, NULL, 0, "u", NULL, &text, &len, &err), 0);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_string_equal(sig.trusted_comment, "");
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, NULL, 0, 0, NULL, &err), 0);
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (const uint8_t *)"x", 1, 0, NULL, &err),
                     SAT_E_SIG);
    free(text);
    sat_seckey_free(sk);
    sat_seckey_free(other);
}

static void test_sign_rejects_bad_comments(void **state)
{
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    sat_err err;
    char *text = NULL;
    char big[SAT_TRUSTED_COMMENT_MAX + 2];
    size_t len;
    sat_sig sig;
    const uint8_t *m = (const uint8_t *)message;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    assert_int_equal(sat_sign(sk, m, 1, NULL, "two\nlines", &text, &len, &err), SAT_E_ARG);
    assert_null(text);
    assert_int_equal(sat_sign(sk, m, 1, "two\nlines", "ok", &text, &len, &err), SAT_E_ARG);
    assert_int_equal(sat_sign(sk, m, 1, NULL, "bell\a", &text, &len, &err), SAT_E_ARG);
    assert_int_equal(sat_sign(sk, m, 1, NULL, "bad \xc3", &text, &len, &err), SAT_E_ARG);
    assert_int_equal(sat_sign(sk, m, 1, NULL, "overlong \xc0\xaf", &text, &len, &err), SAT_E_ARG);
    assert_int_equal(sat_sign(sk, m, 1, NULL, "C1 \xc2\x9b", &text, &len, &err), SAT_E_ARG);
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(sat_sign(sk, m, 1, NULL, big, &text, &len, &err), SAT_E_ARG);
    assert_null(text);
    /* Exactly the maximum is fine, and UTF-8 survives the round trip. */
    big[SAT_TRUSTED_COMMENT_MAX] = '\0';
    assert_int_equal(sat_sign(sk, m, 1, NULL, big, &text, &len, &err), 0);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, m, 1, 0, NULL, &err), 0);
    free(text);
    assert_int_equal(
        sat_sign(sk, m, 1, NULL, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xb0", &text, &len, &err),
        0);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_string_equal(sig.trusted_comment, "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xb0");
    free(text);
    sat_seckey_free(sk);
}

/* Flipping any bit of any byte of the signature text is detected (parse or
 * verify fails), except inside the untrusted comment, where a change that
 * still parses must still verify. */
static void test_flip_every_signature_byte(void **state)
{
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    sat_sig sig;
    sat_err err;
    size_t len, i, first_nl;
    int bit, rc, harmless_ok = 0;
    char *text;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    text = sign_text(sk, "flip test", &len);
    first_nl = (size_t)(strchr(text, '\n') - text);
    for (i = 0; i < len; i++) {
        for (bit = 0; bit < 8; bit++) {
            text[i] ^= (char)(1 << bit);
            rc = sat_sig_parse(&sig, text, len, &err);
            if (rc == 0)
                rc = sat_sig_verify(&sig, &pk, 1, (const uint8_t *)message, strlen(message), 1,
                                    NULL, &err);
            if (i < first_nl && i >= strlen("untrusted comment: ")) {
                /* Harmless: parse may refuse (e.g. a new LF), but never a bad verify. */
                if (rc != 0)
                    assert_int_equal(sat_sig_parse(&sig, text, len, &err) != 0, 1);
                else
                    harmless_ok++;
            } else if (rc == 0) {
                fail_msg("flip of bit %d at byte %zu went undetected", bit, i);
            }
            text[i] ^= (char)(1 << bit);
        }
    }
    assert_true(harmless_ok > 0);
    /* And the unmodified text still verifies. */
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)message, strlen(message), 0, NULL, &err), 0);
    free(text);
    sat_seckey_free(sk);
}

static void test_flip_every_message_byte(void **state)
{
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    sat_sig sig;
    sat_err err;
    char msg[sizeof message];
    size_t len, i;
    char *text;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    text = sign_text(sk, "message flip", &len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    memcpy(msg, message, sizeof msg);
    for (i = 0; i < strlen(msg); i++) {
        msg[i] ^= 0x01;
        assert_int_equal(
            sat_sig_verify(&sig, &pk, 1, (const uint8_t *)msg, strlen(message), 0, NULL, &err),
            SAT_E_SIG);
        msg[i] ^= 0x01;
    }
    /* Truncated and extended messages too. */
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)msg, strlen(msg) - 1, 0, NULL, &err),
        SAT_E_SIG);
    assert_int_equal(
        sat_sig_verify(&sig, &pk, 1, (const uint8_t *)msg, strlen(msg) + 1, 0, NULL, &err),
        SAT_E_SIG);
    free(text);
    sat_seckey_free(sk);
}

static void test_sig_parse_strict(void **state)
{
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    sat_sig sig;
    sat_err err;
    size_t len;
    char *text, *buf, *l3;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    text = sign_text(sk, "strict", &len);
    buf = malloc(len + 64);
    assert_non_null(buf);

    /* Missing final LF. */
    assert_int_equal(sat_sig_parse(&sig, text, len - 1, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "line 4"));
    /* A fifth line, even an empty one. */
    memcpy(buf, text, len);
    buf[len] = '\n';
    assert_int_equal(sat_sig_parse(&sig, buf, len + 1, &err), SAT_E_FORMAT);
    /* CRLF line ends. */
    {
        size_t i, o = 0;
        char *crlf = malloc(2 * len);
        assert_non_null(crlf);
        for (i = 0; i < len; i++) {
            if (text[i] == '\n')
                crlf[o++] = '\r';
            crlf[o++] = text[i];
        }
        assert_int_equal(sat_sig_parse(&sig, crlf, o, &err), SAT_E_FORMAT);
        free(crlf);
    }
    /* NUL inside the untrusted comment. */
    memcpy(buf, text, len);
    buf[20] = '\0';
    assert_int_equal(sat_sig_parse(&sig, buf, len, &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "NUL"));
    /* Control character and invalid UTF-8 in the trusted comment. */
    l3 = strstr(text, "trusted comment: strict");
    assert_non_null(l3);
    l3 = strstr(l3 + 1, "strict");
    assert_non_null(l3);
    memcpy(buf, text, len);
    buf[l3 - text] = '\x1b';
    assert_int_equal(sat_sig_parse(&sig, buf, len, &err), SAT_E_FORMAT);
    buf[l3 - text] = '\xff';
    assert_int_equal(sat_sig_parse(&sig, buf, len, &err), SAT_E_FORMAT);
    /* Wrong line prefix. */
    memcpy(buf, text, len);
    buf[0] = 'U';
    assert_int_equal(sat_sig_parse(&sig, buf, len, &err), SAT_E_FORMAT);
    /* Empty and oversize inputs. */
    assert_int_equal(sat_sig_parse(&sig, "", 0, &err), SAT_E_FORMAT);
    {
        char *huge = calloc(1, SAT_SIGFILE_MAX + 1);
        assert_non_null(huge);
        memcpy(huge, text, len);
        assert_int_equal(sat_sig_parse(&sig, huge, SAT_SIGFILE_MAX + 1, &err), SAT_E_LIMIT);
        free(huge);
    }
    /* Non-canonical base64: the last global-signature character before "==" carries
     * 4 unused bits; setting one must be refused, not silently ignored. */
    {
        char *end = text + len - 4; /* "X==\n" */
        const char *alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int v = (int)(strchr(alpha, *end) - alpha);
        assert_memory_equal(end + 1, "==\n", 3);
        memcpy(buf, text, len);
        buf[end - text] = alpha[v | 1];
        if (v & 1)
            buf[end - text] = alpha[v & ~1];
        assert_int_equal(sat_sig_parse(&sig, buf, len, &err), SAT_E_FORMAT);
    }
    free(buf);
    free(text);
    sat_seckey_free(sk);
}

static void test_legacy_needs_allow(void **state)
{
    sat_pubkey pk;
    sat_sig sig;
    sat_err err;
    size_t len, mlen;
    char *text, *msg;

    assert_int_equal(sat_pubkey_load(&pk, data_path("sig-minisign.pub"), &err), 0);
    msg = test_slurp(data_path("sig-message.txt"), &mlen);
    text = test_slurp(data_path("sig-message-legacy.txt.minisig"), &len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_memory_equal(sig.alg, "Ed", 2);
    assert_string_equal(sig.trusted_comment, "legacy trusted text");
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (uint8_t *)msg, mlen, 0, NULL, &err), SAT_E_SIG);
    assert_non_null(strstr(err.msg, "legacy"));
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (uint8_t *)msg, mlen, 1, NULL, &err), 0);
    msg[0] ^= 1;
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (uint8_t *)msg, mlen, 1, NULL, &err), SAT_E_SIG);
    free(text);
    free(msg);
}

/* ------------------------------------------------------------- minisign interop */

static void test_minisign_fixtures(void **state)
{
    sat_pubkey pk, pk2;
    sat_seckey *sk = NULL;
    sat_sig sig;
    sat_err err;
    size_t len, mlen;
    char *text, *msg, *ours = NULL;

    assert_int_equal(sat_pubkey_load(&pk, data_path("sig-minisign.pub"), &err), 0);
    /* An unencrypted key written by minisign -G -W (zero checksum). */
    assert_int_equal(sat_seckey_load(&sk, data_path("sig-minisign.key"), NULL, NULL, &err), 0);
    sat_seckey_pubkey(sk, &pk2);
    assert_memory_equal(&pk, &pk2, sizeof pk);

    msg = test_slurp(data_path("sig-message.txt"), &mlen);
    text = test_slurp(data_path("sig-message.txt.minisig"), &len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_memory_equal(sig.alg, "ED", 2);
    assert_string_equal(sig.trusted_comment, "trusted text");
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (uint8_t *)msg, mlen, 0, NULL, &err), 0);
    free(text);

    /* Our signature with minisign's key verifies against minisign's public key. */
    assert_int_equal(sat_sign(sk, (uint8_t *)msg, mlen, NULL, "ours", &ours, &len, &err), 0);
    assert_int_equal(sat_sig_parse(&sig, ours, len, &err), 0);
    assert_int_equal(sat_sig_verify(&sig, &pk, 1, (uint8_t *)msg, mlen, 0, NULL, &err), 0);
    /* Ed25519 is deterministic: same key, message and comment, same line 2 as minisign. */
    text = test_slurp(data_path("sig-message.txt.minisig"), NULL);
    assert_memory_equal(strchr(ours, '\n'), strchr(text, '\n'), 101);
    free(text);
    free(ours);
    free(msg);
    sat_seckey_free(sk);
}

/* Writes a secret key file holding rec (158 bytes). */
static void write_seckey(const char *path, const uint8_t rec[158])
{
    char b64[sodium_base64_ENCODED_LEN(158, sodium_base64_VARIANT_ORIGINAL)];
    char text[512];

    sodium_bin2base64(b64, sizeof b64, rec, 158, sodium_base64_VARIANT_ORIGINAL);
    snprintf(text, sizeof text, "untrusted comment: crafted\n%s\n", b64);
    spit(path, text, strlen(text));
}

static void test_hostile_and_damaged_seckeys(void **state)
{
    uint8_t rec[158], chk[32];
    sat_seckey *sk = NULL;
    struct pass_ctx pc = {"x", 0};
    crypto_generichash_state st;
    sat_err err;
    char *text;
    size_t len;

    seckey_record(data_path("sig-minisign.key"), rec);
    assert_memory_equal(rec, "Ed\0\0B2", 6);

    /* A correct checksum on an unencrypted key is accepted too. */
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, rec, 2);
    crypto_generichash_update(&st, rec + 54, 8 + 64);
    crypto_generichash_final(&st, chk, 32);
    memcpy(rec + 126, chk, 32);
    write_seckey(tmp_path("chk.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("chk.key"), NULL, NULL, &err), 0);
    sat_seckey_free(sk);
    sk = NULL;
    /* ...but a wrong one is refused. */
    rec[126] ^= 1;
    write_seckey(tmp_path("badchk.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("badchk.key"), NULL, NULL, &err), SAT_E_FORMAT);
    assert_null(sk);
    memset(rec + 126, 0, 32);

    /* A damaged secret key (public half not matching the seed). */
    rec[62 + 40] ^= 1;
    write_seckey(tmp_path("bad-sk.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("bad-sk.key"), NULL, NULL, &err), SAT_E_CRYPTO);
    rec[62 + 40] ^= 1;

    /* Unknown kdf. */
    memcpy(rec + 2, "Ar", 2);
    write_seckey(tmp_path("kdf.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("kdf.key"), NULL, NULL, &err), SAT_E_FORMAT);

    /* Encrypted with absurd scrypt limits: refused before asking for a passphrase. */
    memcpy(rec + 2, "Sc", 2);
    memset(rec + 38, 0, 16);
    rec[38] = 1;     /* opslimit 1 */
    rec[46 + 4] = 2; /* memlimit 8 GiB */
    write_seckey(tmp_path("mem.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("mem.key"), pass_cb, &pc, &err), SAT_E_LIMIT);
    assert_int_equal(pc.calls, 0);
    assert_null(sk);
    memset(rec + 38, 0xff, 8); /* opslimit 2^64-1 */
    rec[46 + 4] = 0;
    rec[46 + 2] = 1; /* memlimit 64 KiB */
    write_seckey(tmp_path("ops.key"), rec);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("ops.key"), pass_cb, &pc, &err), SAT_E_LIMIT);
    assert_int_equal(pc.calls, 0);

    /* Text-level damage: truncated base64, extra line, no comment line. */
    text = test_slurp(data_path("sig-minisign.key"), &len);
    spit(tmp_path("trunc.key"), text, len - 5);
    assert_int_equal(sat_seckey_load(&sk, tmp_path("trunc.key"), NULL, NULL, &err), SAT_E_FORMAT);
    spit(tmp_path("extra.key"), text, len);
    {
        FILE *f = fopen(tmp_path("extra.key"), "ab");
        assert_non_null(f);
        fputs("more\n", f);
        fclose(f);
    }
    assert_int_equal(sat_seckey_load(&sk, tmp_path("extra.key"), NULL, NULL, &err), SAT_E_FORMAT);
    spit(tmp_path("nocomment.key"), strchr(text, '\n') + 1, strlen(strchr(text, '\n') + 1));
    assert_int_equal(sat_seckey_load(&sk, tmp_path("nocomment.key"), NULL, NULL, &err),
                     SAT_E_FORMAT);
    assert_null(sk);
    free(text);
}

static void test_save_limits_checked(void **state)
{
    sat_pubkey pk;
    sat_seckey *sk = NULL;
    sat_err err;

    assert_int_equal(sat_keypair_generate(&pk, &sk, &err), 0);
    assert_int_equal(sat_seckey_save(sk, tmp_path("x.key"), "p", (1ULL << 32) + 1,
                                     crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE, 0,
                                     &err),
                     SAT_E_ARG);
    assert_int_equal(count_dir_entries(), 0);
    sat_seckey_free(sk);
}

static void test_file_reading_refusals(void **state)
{
    sat_pubkey pk;
    sat_err err;
    char *big;

    /* Symlink to a good key: refused (O_NOFOLLOW). */
    assert_int_equal(symlink(data_path("sig-minisign.pub"), tmp_path("link.pub")), 0);
    assert_int_equal(sat_pubkey_load(&pk, tmp_path("link.pub"), &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "symbolic link"));
    /* Directory, device. */
    assert_int_equal(sat_pubkey_load(&pk, tmpdir, &err), SAT_E_IO);
    assert_int_equal(sat_pubkey_load(&pk, "/dev/null", &err), SAT_E_IO);
    assert_non_null(strstr(err.msg, "regular"));
    /* Missing. */
    assert_int_equal(sat_pubkey_load(&pk, tmp_path("missing.pub"), &err), SAT_E_IO);
    /* Too large. */
    big = calloc(1, SAT_SIGFILE_MAX + 1);
    assert_non_null(big);
    memset(big, '#', SAT_SIGFILE_MAX + 1);
    spit(tmp_path("big.pub"), big, SAT_SIGFILE_MAX + 1);
    assert_int_equal(sat_pubkey_load(&pk, tmp_path("big.pub"), &err), SAT_E_LIMIT);
    free(big);
}

/* ------------------------------------------------------------- keyrings */

static void test_keyring(void **state)
{
    sat_pubkey keys[8], mk;
    size_t n = 0, which = 99, mlen, len;
    sat_sig sig;
    sat_err err;
    char id[17];
    char *msg, *text, *ring;
    char buf[1024];

    assert_int_equal(sat_keyring_load(keys, 8, &n, data_path("sig-keyring.txt"), &err), 0);
    assert_int_equal(n, 3);
    sat_pubkey_keyid(&keys[0], id);
    assert_string_equal(id, "D41BC320C945956F");
    sat_pubkey_keyid(&keys[1], id);
    assert_string_equal(id, "B5976E193099E69C");
    sat_pubkey_keyid(&keys[2], id);
    assert_string_equal(id, "3760F489F23EFA9A");
    assert_int_equal(sat_pubkey_load(&mk, data_path("sig-minisign.pub"), &err), 0);
    assert_memory_equal(&keys[0], &mk, sizeof mk);

    /* A signature by the third key (made with minisign) verifies, which == 2. */
    msg = test_slurp(data_path("sig-message.txt"), &mlen);
    text = test_slurp(data_path("sig-message-k3.txt.minisig"), &len);
    assert_int_equal(sat_sig_parse(&sig, text, len, &err), 0);
    assert_int_equal(sat_sig_verify(&sig, keys, n, (uint8_t *)msg, mlen, 0, &which, &err), 0);
    assert_int_equal(which, 2);
    assert_int_equal(sat_sig_verify(&sig, keys, 2, (uint8_t *)msg, mlen, 0, &which, &err),
                     SAT_E_UNTRUSTED);
    assert_non_null(strstr(err.msg, "3760F489F23EFA9A"));
    free(text);
    free(msg);

    /* Loading again appends nothing new (same keys are skipped). */
    assert_int_equal(sat_keyring_load(keys, 8, &n, data_path("sig-keyring.txt"), &err), 0);
    assert_int_equal(n, 3);

    /* Capacity: all or nothing. */
    n = 0;
    assert_int_equal(sat_keyring_load(keys, 2, &n, data_path("sig-keyring.txt"), &err),
                     SAT_E_LIMIT);
    assert_int_equal(n, 0);

    /* A bad line names the file and line; nothing is added. */
    ring = test_slurp(data_path("sig-keyring.txt"), &len);
    snprintf(buf, sizeof buf, "%snot a key\n", ring);
    spit(tmp_path("bad-ring"), buf, strlen(buf));
    n = 0;
    assert_int_equal(sat_keyring_load(keys, 8, &n, tmp_path("bad-ring"), &err), SAT_E_FORMAT);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "bad-ring: line 11"));

    /* A comment line with no key after it. */
    snprintf(buf, sizeof buf, "%suntrusted comment: dangling\n", ring);
    spit(tmp_path("dangling-ring"), buf, strlen(buf));
    assert_int_equal(sat_keyring_load(keys, 8, &n, tmp_path("dangling-ring"), &err), SAT_E_FORMAT);
    assert_int_equal(n, 0);

    /* Same keynum, different public key: refused. */
    mk.pk[0] ^= 1;
    assert_int_equal(sat_pubkey_format(&mk, buf, sizeof buf) > 0, 1);
    {
        char both[2048];
        snprintf(both, sizeof both, "%s%s", ring, buf);
        spit(tmp_path("clash-ring"), both, strlen(both));
    }
    assert_int_equal(sat_keyring_load(keys, 8, &n, tmp_path("clash-ring"), &err), SAT_E_FORMAT);
    assert_non_null(strstr(err.msg, "D41BC320C945956F"));
    assert_int_equal(n, 0);

    /* An empty keyring is fine and adds nothing. */
    spit(tmp_path("empty-ring"), "# nothing\n\n", 11);
    assert_int_equal(sat_keyring_load(keys, 8, &n, tmp_path("empty-ring"), &err), 0);
    assert_int_equal(n, 0);
    free(ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_generate_roundtrip_unencrypted, per_test_clean),
        cmocka_unit_test_teardown(test_encrypted_roundtrip_and_wrong_passphrase, per_test_clean),
        cmocka_unit_test_teardown(test_refuse_overwrite_without_force, per_test_clean),
        cmocka_unit_test(test_pubkey_parse_forms),
        cmocka_unit_test(test_keyid_and_fingerprint_vector),
        cmocka_unit_test(test_sign_parse_verify),
        cmocka_unit_test(test_sign_rejects_bad_comments),
        cmocka_unit_test(test_flip_every_signature_byte),
        cmocka_unit_test(test_flip_every_message_byte),
        cmocka_unit_test(test_sig_parse_strict),
        cmocka_unit_test(test_legacy_needs_allow),
        cmocka_unit_test(test_minisign_fixtures),
        cmocka_unit_test_teardown(test_hostile_and_damaged_seckeys, per_test_clean),
        cmocka_unit_test_teardown(test_save_limits_checked, per_test_clean),
        cmocka_unit_test_teardown(test_file_reading_refusals, per_test_clean),
        cmocka_unit_test_teardown(test_keyring, per_test_clean),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
