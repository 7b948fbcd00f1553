/*
 * sat_sig.h - minisign-compatible keys and signatures (Ed25519, libsodium).
 *
 * File formats are minisign's (see formats/SPEC.md, "Keys and signatures"):
 *   public key  : "untrusted comment: ...\n" + base64("Ed" keynum[8] pk[32]) "\n"
 *   secret key  : "untrusted comment: ...\n" + base64(158 bytes) "\n", scrypt-encrypted
 *                 (kdf "Sc") or unencrypted (kdf 0,0)
 *   signature   : 4 lines, prehashed "ED" (Ed25519 over BLAKE2b-512 of the message),
 *                 trusted comment, global signature over sig||trusted comment.
 *
 * Call sequence, packer side:
 *   sat_keypair_generate -> sat_pubkey_save + sat_seckey_save -> sat_seckey_free
 *   sat_seckey_load -> sat_sign -> sat_seckey_free
 * Reader side:
 *   sat_pubkey_load / sat_keyring_load -> sat_sig_parse -> sat_sig_verify
 *
 * Secret key bytes live only in sodium_malloc'd memory and are wiped on free.
 */
#ifndef SAT_SIG_H
#define SAT_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "sat_err.h"

#define SAT_KEYNUM_BYTES 8
#define SAT_PK_BYTES 32
#define SAT_SIG_BYTES 64
/* Longest trusted comment accepted or written (bytes, without prefix and LF). */
#define SAT_TRUSTED_COMMENT_MAX 1024
/* Longest key or signature file accepted. */
#define SAT_SIGFILE_MAX 4096
/* Most keys in one keyring. */
#define SAT_KEYRING_MAX 256
/* Longest keyring file accepted (room for SAT_KEYRING_MAX commented keys). */
#define SAT_KEYRING_FILE_MAX (SAT_KEYRING_MAX * 256)
/* "12345 67890 ... " : 8 groups of 5 digits separated by single spaces. */
#define SAT_FINGERPRINT_LEN 47

typedef struct sat_pubkey {
    uint8_t keynum[SAT_KEYNUM_BYTES];
    uint8_t pk[SAT_PK_BYTES];
} sat_pubkey;

/* Opaque; holds keynum, the 64-byte Ed25519 secret key in sodium_malloc memory. */
typedef struct sat_seckey sat_seckey;

/* A parsed signature file. */
typedef struct sat_sig {
    uint8_t alg[2]; /* "ED" (prehashed) or "Ed" (legacy) */
    uint8_t keynum[SAT_KEYNUM_BYTES];
    uint8_t sig[SAT_SIG_BYTES];
    char trusted_comment[SAT_TRUSTED_COMMENT_MAX + 1]; /* NUL-terminated */
    uint8_t global_sig[SAT_SIG_BYTES];
} sat_sig;

/* Passphrase callback: write a NUL-terminated passphrase into buf (cap bytes),
 * return 0, or a negative value to abort. `confirm` is nonzero when the
 * passphrase is new and should be asked twice. */
typedef int (*sat_passphrase_fn)(void *ctx, char *buf, size_t cap, int confirm);

/* Generates a new key pair with a random keynum. *sk_out is owned by the caller
 * (sat_seckey_free). Returns 0 or SAT_E_NOMEM/SAT_E_CRYPTO. */
int sat_keypair_generate(sat_pubkey *pk_out, sat_seckey **sk_out, sat_err *err);

/* Frees and wipes a secret key. Accepts NULL. */
void sat_seckey_free(sat_seckey *sk);

/* The public half of a secret key. */
void sat_seckey_pubkey(const sat_seckey *sk, sat_pubkey *pk_out);

/* Parses the text of a public key file (comment line optional; also accepts the
 * bare base64 line). Key files are hand-managed, so the final LF is optional and
 * a CR before each LF is ignored; nothing may follow the key line. Returns 0 or
 * SAT_E_FORMAT with the reason (SAT_E_LIMIT past SAT_SIGFILE_MAX). */
int sat_pubkey_parse(sat_pubkey *pk, const char *text, size_t len, sat_err *err);

/* Reads and parses a public key file (at most SAT_SIGFILE_MAX bytes; a symlink or
 * a non-regular file is refused with SAT_E_IO). */
int sat_pubkey_load(sat_pubkey *pk, const char *path, sat_err *err);

/* Formats a public key file ("untrusted comment: minisign public key <KEYID>\n<b64>\n")
 * into out (NUL-terminated). Returns bytes written (without NUL) or SAT_E_ARG if cap is
 * too small (256 is always enough). */
int sat_pubkey_format(const sat_pubkey *pk, char *out, size_t cap);

/* Writes a public key file (mode 0644) via a temporary file in the same directory,
 * fsynced, then moved into place. Refuses to replace an existing file unless force
 * (SAT_E_EXISTS); with force the old file is replaced atomically. */
int sat_pubkey_save(const sat_pubkey *pk, const char *path, int force, sat_err *err);

/* Writes a secret key file, mode 0600, created O_EXCL (or replaced atomically
 * when force). passphrase NULL writes an unencrypted key (minisign -W format:
 * kdf, salt, limits and checksum all zero); otherwise scrypt with
 * opslimit/memlimit (0 for minisign's defaults 33554432 / 1073741824; each at
 * most 2^32, else SAT_E_ARG). */
int sat_seckey_save(const sat_seckey *sk, const char *path, const char *passphrase,
                    unsigned long long opslimit, size_t memlimit, int force, sat_err *err);

/* Loads a secret key file (owned by the caller: sat_seckey_free). If it is
 * encrypted, calls getpass once (confirm=0); a wrong passphrase gives SAT_E_CRYPTO
 * "wrong passphrase", getpass NULL or returning < 0 gives SAT_E_ARG. scrypt limits
 * above 2^32 (ops or memory bytes) are refused with SAT_E_LIMIT before asking. An
 * unencrypted key may carry a zero checksum (as minisign -W writes) or a correct
 * one. The public half is always checked against the seed. */
int sat_seckey_load(sat_seckey **sk_out, const char *path, sat_passphrase_fn getpass, void *ctx,
                    sat_err *err);

/* Signs msg as minisign -S does (prehashed "ED") with the given trusted comment
 * (one line, at most SAT_TRUSTED_COMMENT_MAX bytes, UTF-8 without control
 * characters except TAB; NULL means empty) and untrusted comment (one line, at
 * most 1024 bytes; NULL gives a default). Returns 0 and a malloc'd signature file
 * text in *out (NUL-terminated, caller frees) and its length in *out_len (may be
 * NULL); SAT_E_ARG for a bad comment. */
int sat_sign(const sat_seckey *sk, const uint8_t *msg, size_t len, const char *untrusted_comment,
             const char *trusted_comment, char **out, size_t *out_len, sat_err *err);

/* Parses a signature file strictly: exactly 4 lines, each ending in LF (a missing
 * final LF is refused: minisign and sat_sign always write it; no CR), no NUL,
 * known prefixes, untrusted comment at most 1024 bytes, exact canonical base64
 * lengths, trusted comment at most SAT_TRUSTED_COMMENT_MAX bytes of UTF-8 without
 * control characters other than TAB (minisign's default comment uses tabs).
 * Returns 0 or SAT_E_FORMAT (syntax), SAT_E_SIG (unknown algorithm), SAT_E_LIMIT
 * (text longer than SAT_SIGFILE_MAX). */
int sat_sig_parse(sat_sig *sig, const char *text, size_t len, sat_err *err);

/* Verifies sig over msg against the trusted keys: keynum match, then the
 * message signature, then the global signature over the trusted comment.
 * Only "ED" signatures are accepted unless allow_legacy. On success *which
 * (if not NULL) is the index of the key that verified. Returns 0,
 * SAT_E_UNTRUSTED (no key with that keynum) or SAT_E_SIG. */
int sat_sig_verify(const sat_sig *sig, const sat_pubkey *keys, size_t nkeys, const uint8_t *msg,
                   size_t len, int allow_legacy, size_t *which, sat_err *err);

/* Loads a keyring file (at most SAT_KEYRING_FILE_MAX bytes): any number of public
 * keys, each either a full minisign public key file (comment line + key line) or a
 * bare key line; blank lines and lines starting with '#' are ignored. Appends to
 * keys[*nkeys..cap) and updates *nkeys, all or nothing (on error *nkeys is
 * unchanged). A key already present is skipped; a different key with the same
 * keynum is SAT_E_FORMAT; more than min(cap, SAT_KEYRING_MAX) keys SAT_E_LIMIT.
 * Errors name the file and line. */
int sat_keyring_load(sat_pubkey *keys, size_t cap, size_t *nkeys, const char *path, sat_err *err);

/* Fingerprint of the whole public key (keynum and pk): BLAKE2b with a 40-byte
 * output over "satchel-fingerprint-v1" (22 bytes, no NUL) || "Ed" || keynum || pk;
 * 8 groups of 5 decimal digits (each group = 5 bytes of the hash read as a
 * little-endian 40-bit integer, mod 100000), separated by spaces: 132 bits.
 * out must hold SAT_FINGERPRINT_LEN + 1 bytes. */
void sat_pubkey_fingerprint(const sat_pubkey *pk, char out[SAT_FINGERPRINT_LEN + 1]);

/* Key id as minisign prints it: keynum as 16 uppercase hex digits, little-endian
 * u64 (out holds 17 bytes). */
void sat_pubkey_keyid(const sat_pubkey *pk, char out[17]);

#endif
