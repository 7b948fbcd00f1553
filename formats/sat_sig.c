/*
 * sat_sig.c - minisign-compatible keys and signatures (Ed25519 via libsodium).
 *
 * Sections: little helpers (integers, base64, text checks), files (bounded
 * reads, atomic writes), public keys, secret keys, signatures, keyrings and
 * fingerprints. Every on-disk structure is a fixed array of bytes; integers
 * are little-endian and loaded byte by byte. Secret material lives only in
 * sodium_malloc memory and is wiped before it is freed.
 */
#include "sat_sig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "sat_cursor.h"

/* ---------------------------------------------------------------- limits */

#define SIG_UNTRUSTED_PREFIX "untrusted comment: "
#define SIG_TRUSTED_PREFIX "trusted comment: "
/* Longest untrusted comment accepted or written (bytes after the prefix). */
#define SIG_COMMENT_MAX 1024
/* Longest passphrase handed to the callback, NUL included. */
#define SIG_PASS_MAX 1024
/* minisign's scrypt defaults. */
#define SIG_OPSLIMIT_DEFAULT 33554432ULL
#define SIG_MEMLIMIT_DEFAULT 1073741824ULL
/* What a (possibly hostile) key file may ask scrypt for. */
#define SIG_OPSLIMIT_MAX (1ULL << 32)
#define SIG_MEMLIMIT_MAX (1ULL << 32)

#define SIG_PUB_BYTES (2 + SAT_KEYNUM_BYTES + SAT_PK_BYTES)      /* 42 */
#define SIG_SIGLINE_BYTES (2 + SAT_KEYNUM_BYTES + SAT_SIG_BYTES) /* 74 */
#define SIG_SK_BYTES 64
#define SIG_CHK_BYTES 32
#define SIG_SALT_BYTES 32
/* keynum || sk || chk: the part of a secret key file that scrypt's stream covers. */
#define SIG_CIPHER_BYTES (SAT_KEYNUM_BYTES + SIG_SK_BYTES + SIG_CHK_BYTES) /* 104 */

static const char sig_fp_domain[] = "satchel-fingerprint-v1";

struct sat_seckey {
    uint8_t keynum[SAT_KEYNUM_BYTES];
    uint8_t sk[SIG_SK_BYTES]; /* libsodium layout: seed[32] || pk[32] */
};

/* The 158-byte secret key record, byte for byte as in the file. */
typedef struct sig_seckey_rec {
    uint8_t sig_alg[2]; /* "Ed" */
    uint8_t kdf_alg[2]; /* "Sc" or 0,0 */
    uint8_t chk_alg[2]; /* "B2" */
    uint8_t salt[SIG_SALT_BYTES];
    uint8_t opslimit[8];
    uint8_t memlimit[8];
    uint8_t keynum[SAT_KEYNUM_BYTES];
    uint8_t sk[SIG_SK_BYTES];
    uint8_t chk[SIG_CHK_BYTES];
} sig_seckey_rec;

_Static_assert(sizeof(sig_seckey_rec) == 158, "secret key record must be 158 bytes");

/* ------------------------------------------------------------- helpers */

static uint64_t sig_le64_load(const uint8_t b[8])
{
    uint64_t v = 0;
    int i;

    for (i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}

static void sig_le64_store(uint8_t b[8], uint64_t v)
{
    int i;

    for (i = 0; i < 8; i++) {
        b[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static int sig_sodium_init(sat_err *err)
{
    if (sodium_init() < 0)
        return sat_err_set(err, SAT_E_CRYPTO, "libsodium could not be initialised");
    return 0;
}

/* Length of the base64 text (no NUL) for n bytes. */
static size_t sig_b64_len(size_t n)
{
    return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) - 1;
}

/* 1 if ch is in the RFC 4648 standard alphabet (no padding). */
static int sig_b64_char(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '+' || ch == '/';
}

/* Decodes a whole line of base64 that must give exactly n bytes, so that every
 * distinct accepted text decodes to distinct bytes. libsodium's decoder checks
 * padding and unused bits, but 1.0.18 maps bytes >= 0x80 to values whose extra
 * bits are dropped (a changed text can decode to the same bytes), so the
 * alphabet is checked here first. Returns 0 or -1. */
static int sig_b64_decode(sat_span line, uint8_t *out, size_t n)
{
    size_t got = 0, i, data;
    const char *end = NULL;

    if (line.len != sig_b64_len(n))
        return -1;
    data = line.len - (3 - n % 3) % 3; /* characters before the '=' padding */
    for (i = 0; i < line.len; i++)
        if (i < data ? !sig_b64_char(line.p[i]) : line.p[i] != '=')
            return -1;
    if (sodium_base642bin(out, n, line.p, line.len, NULL, &got, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    if (got != n || end != line.p + line.len)
        return -1;
    return 0;
}

/* 1 if s starts with the NUL-terminated prefix. */
static int sig_span_starts(sat_span s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

/* Next line of a key file: the final LF is optional and one trailing CR is
 * dropped (key files are hand-managed). Returns 0 or -1 at the end. */
static int sig_key_line(sat_cursor *c, sat_span *line)
{
    if (sat_cursor_field(c, '\n', line) != 0)
        return -1;
    if (line->len > 0 && line->p[line->len - 1] == '\r')
        line->len--;
    return 0;
}

/* Strict UTF-8 check for a trusted comment: no overlongs, no surrogates,
 * nothing past U+10FFFF, no C0 control except TAB (minisign's default trusted
 * comment uses tabs), no DEL, no C1 control. Returns 0 or the offset + 1 of
 * the first bad byte. */
static size_t sig_comment_bad(const uint8_t *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint8_t b = s[i];
        uint32_t cp;
        size_t n, k;

        if (b < 0x80) {
            if ((b < 0x20 && b != '\t') || b == 0x7f)
                return i + 1;
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            n = 2;
            cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
            n = 3;
            cp = b & 0x0f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            n = 4;
            cp = b & 0x07;
        } else {
            return i + 1;
        }
        if (len - i < n)
            return i + 1;
        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i + 1;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
            return i + 1;
        i += n;
    }
    return 0;
}

/* --------------------------------------------------------------- files */

/* Reads a whole regular file of at most max bytes into buf (cap >= max + 1),
 * NUL-terminating it. Symlinks and non-regular files are refused. */
static int sig_read_file(const char *path, char *buf, size_t max, size_t *len_out, sat_err *err)
{
    struct stat st;
    size_t len = 0;
    int fd = -1;
    int rc = 0;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP)
            return sat_err_set(err, SAT_E_IO, "%s: is a symbolic link; give the real file", path);
        return sat_err_set(err, SAT_E_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot stat: %s", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = sat_err_set(err, SAT_E_IO, "%s: not a regular file", path);
        goto cleanup;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        rc = sat_err_set(err, SAT_E_LIMIT, "%s: file is %lld bytes, at most %zu expected", path,
                         (long long)st.st_size, max);
        goto cleanup;
    }
    for (;;) {
        ssize_t r = read(fd, buf + len, max + 1 - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = sat_err_set(err, SAT_E_IO, "%s: read failed: %s", path, strerror(errno));
            goto cleanup;
        }
        if (r == 0)
            break;
        len += (size_t)r;
        if (len > max) {
            rc = sat_err_set(err, SAT_E_LIMIT, "%s: file grew past %zu bytes while reading", path,
                             max);
            goto cleanup;
        }
    }
    buf[len] = '\0';
    *len_out = len;
cleanup:
    close(fd);
    return rc;
}

static int sig_fsync_dir(const char *path, sat_err *err)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd;
    int rc = 0;

    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        if ((size_t)(slash - path) >= sizeof dir)
            return sat_err_set(err, SAT_E_ARG, "%s: path too long", path);
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s: cannot open directory: %s", dir, strerror(errno));
    if (fsync(fd) != 0 && errno != EINVAL)
        rc = sat_err_set(err, SAT_E_IO, "%s: fsync of directory failed: %s", dir, strerror(errno));
    close(fd);
    return rc;
}

/* Writes data to a temporary file beside path (mode `mode`), fsyncs it, then
 * moves it into place: without force it never replaces an existing file (the
 * final link/rename-noreplace is the atomic check), with force it replaces the
 * old file atomically. The temporary file is removed on every failure. */
static int sig_write_file(const char *path, const void *data, size_t len, mode_t mode, int force,
                          sat_err *err)
{
    char tmp[PATH_MAX];
    const char *p = data;
    size_t off = 0;
    int fd = -1;
    int made = 0;
    int rc = 0;
    int n;

    if (!force && access(path, F_OK) == 0)
        return sat_err_set(err, SAT_E_EXISTS, "%s: already exists; use force to replace it", path);
    n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return sat_err_set(err, SAT_E_ARG, "%s: path too long", path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s: cannot create temporary file: %s", path,
                           strerror(errno));
    made = 1;
    if (fchmod(fd, mode) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: chmod failed: %s", tmp, strerror(errno));
        goto cleanup;
    }
    while (off < len) {
        ssize_t w = write(fd, p + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = sat_err_set(err, SAT_E_IO, "%s: write failed: %s", tmp, strerror(errno));
            goto cleanup;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: fsync failed: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = sat_err_set(err, SAT_E_IO, "%s: close failed: %s", tmp, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (force) {
        if (rename(tmp, path) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: cannot replace: %s", path, strerror(errno));
            goto cleanup;
        }
        made = 0;
    } else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
        made = 0;
    } else if (errno == EEXIST) {
        rc = sat_err_set(err, SAT_E_EXISTS, "%s: already exists; use force to replace it", path);
        goto cleanup;
    } else if (errno != EINVAL && errno != ENOSYS) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot create: %s", path, strerror(errno));
        goto cleanup;
    } else if (link(tmp, path) != 0) {
        /* No RENAME_NOREPLACE here: link() fails with EEXIST just as atomically. */
        if (errno == EEXIST)
            rc =
                sat_err_set(err, SAT_E_EXISTS, "%s: already exists; use force to replace it", path);
        else
            rc = sat_err_set(err, SAT_E_IO, "%s: cannot create: %s", path, strerror(errno));
        goto cleanup;
    }
    rc = sig_fsync_dir(path, err);
cleanup:
    if (fd >= 0)
        close(fd);
    if (made)
        unlink(tmp);
    return rc;
}

/* ----------------------------------------------------------- public keys */

void sat_pubkey_keyid(const sat_pubkey *pk, char out[17])
{
    snprintf(out, 17, "%016" PRIX64, sig_le64_load(pk->keynum));
}

/* Decodes one base64 public key line ("Ed" keynum pk). */
static int sig_pubkey_line(sat_pubkey *pk, sat_span line, sat_err *err)
{
    uint8_t raw[SIG_PUB_BYTES];

    if (sig_b64_decode(line, raw, sizeof raw) != 0)
        return sat_err_set(err, SAT_E_FORMAT,
                           "public key line is not %zu characters of base64 for %d bytes",
                           sig_b64_len(sizeof raw), SIG_PUB_BYTES);
    if (raw[0] != 'E' || raw[1] != 'd')
        return sat_err_set(err, SAT_E_FORMAT,
                           "public key algorithm is not Ed25519 (\"Ed\"); not a minisign key");
    memcpy(pk->keynum, raw + 2, SAT_KEYNUM_BYTES);
    memcpy(pk->pk, raw + 2 + SAT_KEYNUM_BYTES, SAT_PK_BYTES);
    return 0;
}

int sat_pubkey_parse(sat_pubkey *pk, const char *text, size_t len, sat_err *err)
{
    sat_cursor c;
    sat_span line;
    int rc;

    if (pk == NULL || (text == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "sat_pubkey_parse: NULL argument");
    if (len > SAT_SIGFILE_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "public key text is %zu bytes, at most %d expected",
                           len, SAT_SIGFILE_MAX);
    if (len > 0 && memchr(text, '\0', len) != NULL)
        return sat_err_set(err, SAT_E_FORMAT, "public key contains a NUL byte");
    c = sat_cursor_make(text, len);
    if (sig_key_line(&c, &line) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "public key is empty");
    if (sig_span_starts(line, "untrusted comment:")) {
        if (line.len > strlen(SIG_UNTRUSTED_PREFIX) + SIG_COMMENT_MAX)
            return sat_err_set(err, SAT_E_FORMAT, "line 1: comment longer than %d bytes",
                               SIG_COMMENT_MAX);
        if (sig_key_line(&c, &line) != 0)
            return sat_err_set(err, SAT_E_FORMAT, "line 2: key line missing after the comment");
    }
    rc = sig_pubkey_line(pk, line, err);
    if (rc != 0)
        return rc;
    if (sig_key_line(&c, &line) == 0)
        return sat_err_set(err, SAT_E_FORMAT, "unexpected text after the key line");
    return 0;
}

int sat_pubkey_load(sat_pubkey *pk, const char *path, sat_err *err)
{
    char buf[SAT_SIGFILE_MAX + 1];
    size_t len = 0;
    int rc;

    if (pk == NULL || path == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_pubkey_load: NULL argument");
    rc = sig_read_file(path, buf, SAT_SIGFILE_MAX, &len, err);
    if (rc != 0)
        return rc;
    rc = sat_pubkey_parse(pk, buf, len, err);
    if (rc != 0)
        sat_err_prefix(err, "%s", path);
    return rc;
}

int sat_pubkey_format(const sat_pubkey *pk, char *out, size_t cap)
{
    uint8_t raw[SIG_PUB_BYTES];
    char b64[sodium_base64_ENCODED_LEN(SIG_PUB_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char id[17];
    int n;

    if (pk == NULL || out == NULL)
        return SAT_E_ARG;
    raw[0] = 'E';
    raw[1] = 'd';
    memcpy(raw + 2, pk->keynum, SAT_KEYNUM_BYTES);
    memcpy(raw + 2 + SAT_KEYNUM_BYTES, pk->pk, SAT_PK_BYTES);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
    sat_pubkey_keyid(pk, id);
    n = snprintf(out, cap, SIG_UNTRUSTED_PREFIX "minisign public key %s\n%s\n", id, b64);
    if (n < 0 || (size_t)n >= cap)
        return SAT_E_ARG;
    return n;
}

int sat_pubkey_save(const sat_pubkey *pk, const char *path, int force, sat_err *err)
{
    char text[256];
    int n;

    if (pk == NULL || path == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_pubkey_save: NULL argument");
    n = sat_pubkey_format(pk, text, sizeof text);
    if (n < 0)
        return sat_err_set(err, SAT_E_ARG, "public key text does not fit");
    return sig_write_file(path, text, (size_t)n, 0644, force, err);
}

void sat_pubkey_fingerprint(const sat_pubkey *pk, char out[SAT_FINGERPRINT_LEN + 1])
{
    uint8_t in[sizeof sig_fp_domain - 1 + SIG_PUB_BYTES];
    uint8_t h[40];
    size_t off = 0;
    int g, k;

    memcpy(in, sig_fp_domain, sizeof sig_fp_domain - 1);
    off = sizeof sig_fp_domain - 1;
    in[off++] = 'E';
    in[off++] = 'd';
    memcpy(in + off, pk->keynum, SAT_KEYNUM_BYTES);
    off += SAT_KEYNUM_BYTES;
    memcpy(in + off, pk->pk, SAT_PK_BYTES);
    /* 40 is within crypto_generichash_BYTES_MIN..MAX, so this cannot fail. */
    crypto_generichash(h, sizeof h, in, sizeof in, NULL, 0);
    for (g = 0; g < 8; g++) {
        uint64_t v = 0;
        for (k = 4; k >= 0; k--)
            v = (v << 8) | h[g * 5 + k];
        snprintf(out + g * 6, 6, "%05u", (unsigned)(v % 100000));
        if (g < 7)
            out[g * 6 + 5] = ' ';
    }
    out[SAT_FINGERPRINT_LEN] = '\0';
}

/* ----------------------------------------------------------- secret keys */

int sat_keypair_generate(sat_pubkey *pk_out, sat_seckey **sk_out, sat_err *err)
{
    sat_seckey *sk = NULL;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    int rc;

    if (pk_out == NULL || sk_out == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_keypair_generate: NULL argument");
    *sk_out = NULL;
    rc = sig_sodium_init(err);
    if (rc != 0)
        return rc;
    sk = sodium_malloc(sizeof *sk);
    if (sk == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of secure memory for a secret key");
    randombytes_buf(sk->keynum, sizeof sk->keynum);
    if (crypto_sign_keypair(pk, sk->sk) != 0) {
        sat_seckey_free(sk);
        return sat_err_set(err, SAT_E_CRYPTO, "Ed25519 key generation failed");
    }
    sodium_mprotect_readonly(sk);
    memcpy(pk_out->keynum, sk->keynum, SAT_KEYNUM_BYTES);
    memcpy(pk_out->pk, pk, SAT_PK_BYTES);
    *sk_out = sk;
    return 0;
}

void sat_seckey_free(sat_seckey *sk)
{
    if (sk == NULL)
        return;
    sodium_mprotect_readwrite(sk);
    sodium_memzero(sk, sizeof *sk);
    sodium_free(sk);
}

void sat_seckey_pubkey(const sat_seckey *sk, sat_pubkey *pk_out)
{
    memcpy(pk_out->keynum, sk->keynum, SAT_KEYNUM_BYTES);
    memcpy(pk_out->pk, sk->sk + crypto_sign_SEEDBYTES, SAT_PK_BYTES);
}

/* chk = BLAKE2b-256("Ed" || keynum || sk), as minisign computes it. */
static void sig_seckey_chk(const sig_seckey_rec *rec, uint8_t chk[SIG_CHK_BYTES])
{
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, SIG_CHK_BYTES);
    crypto_generichash_update(&st, rec->sig_alg, sizeof rec->sig_alg);
    crypto_generichash_update(&st, rec->keynum, sizeof rec->keynum);
    crypto_generichash_update(&st, rec->sk, sizeof rec->sk);
    crypto_generichash_final(&st, chk, SIG_CHK_BYTES);
    sodium_memzero(&st, sizeof st);
}

/* XORs keynum || sk || chk with the scrypt stream for passphrase and salt. */
static int sig_seckey_xor(sig_seckey_rec *rec, const char *pass, unsigned long long ops, size_t mem,
                          sat_err *err)
{
    uint8_t *stream = NULL;
    uint8_t *dst = rec->keynum;
    size_t i;
    int rc = 0;

    stream = sodium_malloc(SIG_CIPHER_BYTES);
    if (stream == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of secure memory for the key stream");
    if (crypto_pwhash_scryptsalsa208sha256(stream, SIG_CIPHER_BYTES, pass, strlen(pass), rec->salt,
                                           ops, mem) != 0) {
        rc = sat_err_set(err, SAT_E_CRYPTO,
                         "scrypt failed (opslimit %llu, memlimit %zu): out of memory?", ops, mem);
        goto cleanup;
    }
    /* keynum, sk and chk are adjacent byte arrays: one 104-byte run. */
    for (i = 0; i < SIG_CIPHER_BYTES; i++)
        dst[i] ^= stream[i];
cleanup:
    sodium_memzero(stream, SIG_CIPHER_BYTES);
    sodium_free(stream);
    return rc;
}

_Static_assert(offsetof(sig_seckey_rec, chk) + SIG_CHK_BYTES ==
                   offsetof(sig_seckey_rec, keynum) + SIG_CIPHER_BYTES,
               "keynum, sk and chk must be adjacent");

int sat_seckey_save(const sat_seckey *sk, const char *path, const char *passphrase,
                    unsigned long long opslimit, size_t memlimit, int force, sat_err *err)
{
    static const char comment[] = SIG_UNTRUSTED_PREFIX "minisign encrypted secret key\n";
    enum {
        B64_CAP = sodium_base64_ENCODED_LEN(sizeof(sig_seckey_rec), sodium_base64_VARIANT_ORIGINAL)
    };
    enum { TEXT_CAP = sizeof comment - 1 + B64_CAP + 1 };
    sig_seckey_rec *rec = NULL;
    char *text = NULL;
    size_t n;
    int rc;

    if (sk == NULL || path == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_seckey_save: NULL argument");
    rc = sig_sodium_init(err);
    if (rc != 0)
        return rc;
    if (opslimit == 0)
        opslimit = SIG_OPSLIMIT_DEFAULT;
    if (memlimit == 0)
        memlimit = (size_t)SIG_MEMLIMIT_DEFAULT;
    if (passphrase != NULL &&
        (opslimit > SIG_OPSLIMIT_MAX || (uint64_t)memlimit > SIG_MEMLIMIT_MAX))
        return sat_err_set(err, SAT_E_ARG,
                           "scrypt limits too large (opslimit at most %llu, "
                           "memlimit at most %llu)",
                           (unsigned long long)SIG_OPSLIMIT_MAX,
                           (unsigned long long)SIG_MEMLIMIT_MAX);
    rec = sodium_malloc(sizeof *rec);
    text = sodium_malloc(TEXT_CAP);
    if (rec == NULL || text == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of secure memory for the secret key file");
        goto cleanup;
    }
    memset(rec, 0, sizeof *rec);
    memcpy(rec->sig_alg, "Ed", 2);
    memcpy(rec->chk_alg, "B2", 2);
    memcpy(rec->keynum, sk->keynum, SAT_KEYNUM_BYTES);
    memcpy(rec->sk, sk->sk, SIG_SK_BYTES);
    if (passphrase != NULL) {
        memcpy(rec->kdf_alg, "Sc", 2);
        randombytes_buf(rec->salt, sizeof rec->salt);
        sig_le64_store(rec->opslimit, opslimit);
        sig_le64_store(rec->memlimit, (uint64_t)memlimit);
        sig_seckey_chk(rec, rec->chk);
        rc = sig_seckey_xor(rec, passphrase, opslimit, memlimit, err);
        if (rc != 0)
            goto cleanup;
    }
    /* Unencrypted (minisign -W): kdf, salt, limits and chk all stay zero. */
    memcpy(text, comment, sizeof comment - 1);
    sodium_bin2base64(text + sizeof comment - 1, B64_CAP, (const unsigned char *)rec, sizeof *rec,
                      sodium_base64_VARIANT_ORIGINAL);
    n = sizeof comment - 1 + B64_CAP - 1;
    text[n++] = '\n';
    rc = sig_write_file(path, text, n, 0600, force, err);
cleanup:
    if (rec != NULL) {
        sodium_memzero(rec, sizeof *rec);
        sodium_free(rec);
    }
    if (text != NULL) {
        sodium_memzero(text, TEXT_CAP);
        sodium_free(text);
    }
    return rc;
}

/* Checks that sk's public half is the one its seed derives (catches a wrong
 * passphrase or a damaged key even when chk is not stored). */
static int sig_seckey_consistent(const uint8_t sk[SIG_SK_BYTES])
{
    uint8_t *tmp;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    int ok = 0;

    tmp = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (tmp == NULL)
        return -1;
    if (crypto_sign_seed_keypair(pk, tmp, sk) == 0 &&
        sodium_memcmp(tmp, sk, crypto_sign_SECRETKEYBYTES) == 0)
        ok = 1;
    sodium_memzero(tmp, crypto_sign_SECRETKEYBYTES);
    sodium_free(tmp);
    return ok ? 0 : -1;
}

static int sig_seckey_decrypt(sig_seckey_rec *rec, const char *path, sat_passphrase_fn pass_fn,
                              void *ctx, sat_err *err)
{
    uint64_t ops = sig_le64_load(rec->opslimit);
    uint64_t mem = sig_le64_load(rec->memlimit);
    uint8_t chk[SIG_CHK_BYTES];
    char *pass = NULL;
    int rc = 0;

    if (ops == 0 || ops > SIG_OPSLIMIT_MAX || mem == 0 || mem > SIG_MEMLIMIT_MAX || mem > SIZE_MAX)
        return sat_err_set(err, SAT_E_LIMIT,
                           "%s: scrypt limits out of range (opslimit %" PRIu64 ", memlimit %" PRIu64
                           "; at most %llu and %llu); refusing a damaged or hostile key file",
                           path, ops, mem, (unsigned long long)SIG_OPSLIMIT_MAX,
                           (unsigned long long)SIG_MEMLIMIT_MAX);
    if (pass_fn == NULL)
        return sat_err_set(err, SAT_E_ARG, "%s: key is encrypted and no passphrase was provided",
                           path);
    pass = sodium_malloc(SIG_PASS_MAX);
    if (pass == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of secure memory for a passphrase");
    memset(pass, 0, SIG_PASS_MAX);
    if (pass_fn(ctx, pass, SIG_PASS_MAX, 0) < 0) {
        rc = sat_err_set(err, SAT_E_ARG, "%s: passphrase entry aborted", path);
        goto cleanup;
    }
    pass[SIG_PASS_MAX - 1] = '\0';
    rc = sig_seckey_xor(rec, pass, (unsigned long long)ops, (size_t)mem, err);
    if (rc != 0)
        goto cleanup;
    sig_seckey_chk(rec, chk);
    if (sodium_memcmp(chk, rec->chk, SIG_CHK_BYTES) != 0) {
        rc = sat_err_set(err, SAT_E_CRYPTO, "%s: wrong passphrase (or damaged key file)", path);
        goto cleanup;
    }
cleanup:
    sodium_memzero(chk, sizeof chk);
    sodium_memzero(pass, SIG_PASS_MAX);
    sodium_free(pass);
    return rc;
}

int sat_seckey_load(sat_seckey **sk_out, const char *path, sat_passphrase_fn pass_fn, void *ctx,
                    sat_err *err)
{
    static const uint8_t zero[SIG_CHK_BYTES];
    sig_seckey_rec *rec = NULL;
    sat_seckey *sk = NULL;
    char *buf = NULL;
    size_t len = 0;
    sat_cursor c;
    sat_span line;
    uint8_t chk[SIG_CHK_BYTES];
    int rc;

    if (sk_out == NULL || path == NULL)
        return sat_err_set(err, SAT_E_ARG, "sat_seckey_load: NULL argument");
    *sk_out = NULL;
    rc = sig_sodium_init(err);
    if (rc != 0)
        return rc;
    buf = sodium_malloc(SAT_SIGFILE_MAX + 1);
    rec = sodium_malloc(sizeof *rec);
    if (buf == NULL || rec == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of secure memory for a secret key");
        goto cleanup;
    }
    rc = sig_read_file(path, buf, SAT_SIGFILE_MAX, &len, err);
    if (rc != 0)
        goto cleanup;
    if (memchr(buf, '\0', len) != NULL)
        goto corrupted;
    c = sat_cursor_make(buf, len);
    if (sig_key_line(&c, &line) != 0 || !sig_span_starts(line, SIG_UNTRUSTED_PREFIX) ||
        line.len > strlen(SIG_UNTRUSTED_PREFIX) + SIG_COMMENT_MAX) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: line 1 is not \"untrusted comment: ...\" (at most %d bytes); "
                         "not a minisign secret key",
                         path, SIG_COMMENT_MAX);
        goto cleanup;
    }
    if (sig_key_line(&c, &line) != 0 || sig_b64_decode(line, (uint8_t *)rec, sizeof *rec) != 0) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: line 2 is not %zu characters of base64 for a %zu-byte secret key",
                         path, sig_b64_len(sizeof *rec), sizeof *rec);
        goto cleanup;
    }
    if (sig_key_line(&c, &line) == 0)
        goto corrupted;
    if (memcmp(rec->sig_alg, "Ed", 2) != 0 || memcmp(rec->chk_alg, "B2", 2) != 0) {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: unsupported algorithms (signature \"Ed\" and checksum \"B2\" "
                         "expected)",
                         path);
        goto cleanup;
    }
    if (memcmp(rec->kdf_alg, "Sc", 2) == 0) {
        rc = sig_seckey_decrypt(rec, path, pass_fn, ctx, err);
        if (rc != 0)
            goto cleanup;
    } else if (rec->kdf_alg[0] == 0 && rec->kdf_alg[1] == 0) {
        /* minisign -W stores chk as zeros; accept that or a correct chk. */
        sig_seckey_chk(rec, chk);
        if (sodium_memcmp(rec->chk, zero, SIG_CHK_BYTES) != 0 &&
            sodium_memcmp(rec->chk, chk, SIG_CHK_BYTES) != 0) {
            rc = sat_err_set(err, SAT_E_FORMAT, "%s: checksum mismatch; key file is damaged", path);
            goto cleanup;
        }
    } else {
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "%s: unsupported key derivation (\"Sc\" or none expected)", path);
        goto cleanup;
    }
    if (sig_seckey_consistent(rec->sk) != 0) {
        rc = sat_err_set(err, SAT_E_CRYPTO,
                         "%s: secret key is inconsistent (public half does not match the seed); "
                         "key file is damaged",
                         path);
        goto cleanup;
    }
    sk = sodium_malloc(sizeof *sk);
    if (sk == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of secure memory for a secret key");
        goto cleanup;
    }
    memcpy(sk->keynum, rec->keynum, SAT_KEYNUM_BYTES);
    memcpy(sk->sk, rec->sk, SIG_SK_BYTES);
    sodium_mprotect_readonly(sk);
    *sk_out = sk;
    rc = 0;
    goto cleanup;
corrupted:
    rc = sat_err_set(err, SAT_E_FORMAT,
                     "%s: unexpected bytes (NUL or extra lines); not a minisign secret key", path);
cleanup:
    sodium_memzero(chk, sizeof chk);
    if (rec != NULL) {
        sodium_memzero(rec, sizeof *rec);
        sodium_free(rec);
    }
    if (buf != NULL) {
        sodium_memzero(buf, SAT_SIGFILE_MAX + 1);
        sodium_free(buf);
    }
    return rc;
}

/* ------------------------------------------------------------ signatures */

/* Checks a comment given to sat_sign: no LF/CR, NUL-free (it is a C string),
 * at most max bytes; trusted ones must also pass sig_comment_bad. */
static int sig_check_comment(const char *s, size_t max, int trusted, const char *what, sat_err *err)
{
    size_t n = strnlen(s, max + 1);

    if (n > max)
        return sat_err_set(err, SAT_E_ARG, "%s longer than %zu bytes", what, max);
    if (memchr(s, '\n', n) != NULL || memchr(s, '\r', n) != NULL)
        return sat_err_set(err, SAT_E_ARG, "%s must be one line (no CR or LF)", what);
    if (trusted && sig_comment_bad((const uint8_t *)s, n) != 0)
        return sat_err_set(err, SAT_E_ARG,
                           "%s must be UTF-8 without control characters (TAB allowed); "
                           "bad byte at offset %zu",
                           what, sig_comment_bad((const uint8_t *)s, n) - 1);
    return 0;
}

/* BLAKE2b-512 of the message (minisign's prehash). */
static void sig_prehash(uint8_t h[crypto_generichash_BYTES_MAX], const uint8_t *msg, size_t len)
{
    static const uint8_t empty[1];

    crypto_generichash(h, crypto_generichash_BYTES_MAX, len ? msg : empty, len, NULL, 0);
}

int sat_sign(const sat_seckey *sk, const uint8_t *msg, size_t len, const char *untrusted_comment,
             const char *trusted_comment, char **out, size_t *out_len, sat_err *err)
{
    uint8_t h[crypto_generichash_BYTES_MAX];
    uint8_t line2[SIG_SIGLINE_BYTES];
    uint8_t gbuf[SAT_SIG_BYTES + SAT_TRUSTED_COMMENT_MAX];
    uint8_t gsig[SAT_SIG_BYTES];
    char b64a[sodium_base64_ENCODED_LEN(SIG_SIGLINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    char b64b[sodium_base64_ENCODED_LEN(SAT_SIG_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    const char *uc = untrusted_comment ? untrusted_comment : "signature from satchel secret key";
    const char *tc = trusted_comment ? trusted_comment : "";
    size_t tlen, cap;
    char *text = NULL;
    int n, rc;

    if (sk == NULL || out == NULL || (msg == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "sat_sign: NULL argument");
    *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    rc = sig_check_comment(uc, SIG_COMMENT_MAX, 0, "untrusted comment", err);
    if (rc == 0)
        rc = sig_check_comment(tc, SAT_TRUSTED_COMMENT_MAX, 1, "trusted comment", err);
    if (rc != 0)
        return rc;
    rc = sig_sodium_init(err);
    if (rc != 0)
        return rc;
    tlen = strlen(tc);

    memcpy(line2, "ED", 2);
    memcpy(line2 + 2, sk->keynum, SAT_KEYNUM_BYTES);
    sig_prehash(h, msg, len);
    if (crypto_sign_detached(line2 + 2 + SAT_KEYNUM_BYTES, NULL, h, sizeof h, sk->sk) != 0)
        return sat_err_set(err, SAT_E_CRYPTO, "Ed25519 signing failed");
    memcpy(gbuf, line2 + 2 + SAT_KEYNUM_BYTES, SAT_SIG_BYTES);
    memcpy(gbuf + SAT_SIG_BYTES, tc, tlen);
    if (crypto_sign_detached(gsig, NULL, gbuf, SAT_SIG_BYTES + tlen, sk->sk) != 0)
        return sat_err_set(err, SAT_E_CRYPTO, "Ed25519 signing of the trusted comment failed");
    sodium_bin2base64(b64a, sizeof b64a, line2, sizeof line2, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64b, sizeof b64b, gsig, sizeof gsig, sodium_base64_VARIANT_ORIGINAL);

    cap = sizeof SIG_UNTRUSTED_PREFIX + strlen(uc) + sizeof b64a + sizeof SIG_TRUSTED_PREFIX +
          tlen + sizeof b64b + 4;
    text = malloc(cap);
    if (text == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for a signature");
    n = snprintf(text, cap, SIG_UNTRUSTED_PREFIX "%s\n%s\n" SIG_TRUSTED_PREFIX "%s\n%s\n", uc, b64a,
                 tc, b64b);
    if (n < 0 || (size_t)n >= cap) {
        free(text);
        return sat_err_set(err, SAT_E_ARG, "signature text does not fit (internal error)");
    }
    *out = text;
    if (out_len != NULL)
        *out_len = (size_t)n;
    return 0;
}

int sat_sig_parse(sat_sig *sig, const char *text, size_t len, sat_err *err)
{
    uint8_t raw[SIG_SIGLINE_BYTES];
    sat_cursor c;
    sat_span line;
    size_t bad, plen;

    if (sig == NULL || (text == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "sat_sig_parse: NULL argument");
    memset(sig, 0, sizeof *sig);
    if (len > SAT_SIGFILE_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "signature is %zu bytes, at most %d expected", len,
                           SAT_SIGFILE_MAX);
    if (len > 0 && memchr(text, '\0', len) != NULL)
        return sat_err_set(err, SAT_E_FORMAT, "signature: NUL byte at offset %zu",
                           (size_t)((const char *)memchr(text, '\0', len) - text));
    c = sat_cursor_make(text, len);

    /* Line 1: untrusted comment, content unchecked beyond its length. */
    plen = strlen(SIG_UNTRUSTED_PREFIX);
    if (sat_cursor_line(&c, &line) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "signature line 1: missing or not LF-terminated");
    if (!sig_span_starts(line, SIG_UNTRUSTED_PREFIX))
        return sat_err_set(err, SAT_E_FORMAT, "signature line 1: \"untrusted comment: \" expected");
    if (line.len - plen > SIG_COMMENT_MAX)
        return sat_err_set(err, SAT_E_FORMAT, "signature line 1: comment longer than %d bytes",
                           SIG_COMMENT_MAX);

    /* Line 2: base64("ED"/"Ed" keynum sig). */
    if (sat_cursor_line(&c, &line) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "signature line 2: missing or not LF-terminated");
    if (sig_b64_decode(line, raw, sizeof raw) != 0)
        return sat_err_set(err, SAT_E_FORMAT,
                           "signature line 2: %zu characters of base64 for %d bytes expected",
                           sig_b64_len(sizeof raw), SIG_SIGLINE_BYTES);
    if (raw[0] != 'E' || (raw[1] != 'D' && raw[1] != 'd'))
        return sat_err_set(err, SAT_E_SIG,
                           "signature line 2: unknown algorithm (\"ED\" or \"Ed\" expected)");
    memcpy(sig->alg, raw, 2);
    memcpy(sig->keynum, raw + 2, SAT_KEYNUM_BYTES);
    memcpy(sig->sig, raw + 2 + SAT_KEYNUM_BYTES, SAT_SIG_BYTES);

    /* Line 3: trusted comment. */
    plen = strlen(SIG_TRUSTED_PREFIX);
    if (sat_cursor_line(&c, &line) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "signature line 3: missing or not LF-terminated");
    if (!sig_span_starts(line, SIG_TRUSTED_PREFIX))
        return sat_err_set(err, SAT_E_FORMAT, "signature line 3: \"trusted comment: \" expected");
    if (line.len - plen > SAT_TRUSTED_COMMENT_MAX)
        return sat_err_set(err, SAT_E_FORMAT,
                           "signature line 3: trusted comment longer than %d bytes",
                           SAT_TRUSTED_COMMENT_MAX);
    bad = sig_comment_bad((const uint8_t *)line.p + plen, line.len - plen);
    if (bad != 0)
        return sat_err_set(err, SAT_E_FORMAT,
                           "signature line 3: trusted comment has invalid UTF-8 or a control "
                           "character at column %zu",
                           plen + bad);
    memcpy(sig->trusted_comment, line.p + plen, line.len - plen);
    sig->trusted_comment[line.len - plen] = '\0';

    /* Line 4: global signature. */
    if (sat_cursor_line(&c, &line) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "signature line 4: missing or not LF-terminated");
    if (sig_b64_decode(line, sig->global_sig, SAT_SIG_BYTES) != 0)
        return sat_err_set(err, SAT_E_FORMAT,
                           "signature line 4: %zu characters of base64 for %d bytes expected",
                           sig_b64_len(SAT_SIG_BYTES), SAT_SIG_BYTES);
    if (sat_cursor_left(&c) != 0)
        return sat_err_set(err, SAT_E_FORMAT,
                           "signature: %zu unexpected bytes after line 4 (4 lines expected)",
                           sat_cursor_left(&c));
    return 0;
}

int sat_sig_verify(const sat_sig *sig, const sat_pubkey *keys, size_t nkeys, const uint8_t *msg,
                   size_t len, int allow_legacy, size_t *which, sat_err *err)
{
    uint8_t h[crypto_generichash_BYTES_MAX];
    uint8_t gbuf[SAT_SIG_BYTES + SAT_TRUSTED_COMMENT_MAX];
    static const uint8_t empty[1];
    const uint8_t *m = len ? msg : empty;
    int prehashed, found = 0, msg_ok = 0;
    char id[17];
    size_t i, tlen;
    sat_pubkey tmp;
    int rc;

    if (sig == NULL || (keys == NULL && nkeys > 0) || (msg == NULL && len > 0))
        return sat_err_set(err, SAT_E_ARG, "sat_sig_verify: NULL argument");
    rc = sig_sodium_init(err);
    if (rc != 0)
        return rc;
    memcpy(tmp.keynum, sig->keynum, SAT_KEYNUM_BYTES);
    sat_pubkey_keyid(&tmp, id);
    for (i = 0; i < nkeys; i++)
        if (memcmp(keys[i].keynum, sig->keynum, SAT_KEYNUM_BYTES) == 0)
            found = 1;
    if (!found)
        return sat_err_set(err, SAT_E_UNTRUSTED,
                           "signed by key %s, which is not among the %zu trusted keys", id, nkeys);
    if (sig->alg[0] != 'E' || (sig->alg[1] != 'D' && sig->alg[1] != 'd'))
        return sat_err_set(err, SAT_E_SIG, "unknown signature algorithm");
    prehashed = sig->alg[1] == 'D';
    if (!prehashed && !allow_legacy)
        return sat_err_set(err, SAT_E_SIG,
                           "legacy (non-prehashed \"Ed\") signature refused; re-sign with a "
                           "current minisign or satchel-pack");
    tlen = strnlen(sig->trusted_comment, sizeof sig->trusted_comment);
    if (tlen > SAT_TRUSTED_COMMENT_MAX)
        return sat_err_set(err, SAT_E_ARG, "trusted comment not NUL-terminated");
    if (prehashed)
        sig_prehash(h, msg, len);
    memcpy(gbuf, sig->sig, SAT_SIG_BYTES);
    memcpy(gbuf + SAT_SIG_BYTES, sig->trusted_comment, tlen);

    /* Several trusted keys could share a keynum: any of them may verify. */
    for (i = 0; i < nkeys; i++) {
        if (memcmp(keys[i].keynum, sig->keynum, SAT_KEYNUM_BYTES) != 0)
            continue;
        if (prehashed) {
            if (crypto_sign_verify_detached(sig->sig, h, sizeof h, keys[i].pk) != 0)
                continue;
        } else if (crypto_sign_verify_detached(sig->sig, m, len, keys[i].pk) != 0) {
            continue;
        }
        msg_ok = 1;
        if (crypto_sign_verify_detached(sig->global_sig, gbuf, SAT_SIG_BYTES + tlen, keys[i].pk) !=
            0)
            continue;
        if (which != NULL)
            *which = i;
        return 0;
    }
    if (!msg_ok)
        return sat_err_set(err, SAT_E_SIG,
                           "signature by key %s does not match the signed data (altered or "
                           "forged)",
                           id);
    return sat_err_set(err, SAT_E_SIG,
                       "trusted comment signature by key %s does not verify (trusted comment "
                       "altered)",
                       id);
}

/* -------------------------------------------------------------- keyrings */

int sat_keyring_load(sat_pubkey *keys, size_t cap, size_t *nkeys, const char *path, sat_err *err)
{
    char *buf = NULL;
    size_t len = 0, lineno = 0, limit, j, n;
    int after_comment = 0;
    sat_cursor c;
    sat_span line;
    sat_pubkey pk;
    int rc;

    if (keys == NULL || nkeys == NULL || path == NULL || *nkeys > cap)
        return sat_err_set(err, SAT_E_ARG, "sat_keyring_load: bad argument");
    limit = cap < SAT_KEYRING_MAX ? cap : SAT_KEYRING_MAX;
    n = *nkeys;
    buf = malloc(SAT_KEYRING_FILE_MAX + 1);
    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for a keyring");
    rc = sig_read_file(path, buf, SAT_KEYRING_FILE_MAX, &len, err);
    if (rc != 0)
        goto cleanup;
    if (memchr(buf, '\0', len) != NULL) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: NUL byte at offset %zu", path,
                         (size_t)((char *)memchr(buf, '\0', len) - buf));
        goto cleanup;
    }
    c = sat_cursor_make(buf, len);
    while (sig_key_line(&c, &line) == 0) {
        lineno++;
        if (after_comment) {
            after_comment = 0;
        } else if (line.len == 0 || line.p[0] == '#') {
            continue;
        } else if (sig_span_starts(line, "untrusted comment:")) {
            if (line.len > strlen(SIG_UNTRUSTED_PREFIX) + SIG_COMMENT_MAX) {
                rc = sat_err_set(err, SAT_E_FORMAT, "%s: line %zu: comment longer than %d bytes",
                                 path, lineno, SIG_COMMENT_MAX);
                goto cleanup;
            }
            after_comment = 1;
            continue;
        }
        rc = sig_pubkey_line(&pk, line, err);
        if (rc != 0) {
            sat_err_prefix(err, "%s: line %zu", path, lineno);
            goto cleanup;
        }
        for (j = 0; j < n; j++)
            if (memcmp(keys[j].keynum, pk.keynum, SAT_KEYNUM_BYTES) == 0)
                break;
        if (j < n) {
            char id[17];
            if (memcmp(keys[j].pk, pk.pk, SAT_PK_BYTES) == 0)
                continue; /* the same key twice: keep one */
            sat_pubkey_keyid(&pk, id);
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "%s: line %zu: key id %s is already trusted with a different "
                             "public key; remove one of them",
                             path, lineno, id);
            goto cleanup;
        }
        if (n >= limit) {
            rc = sat_err_set(err, SAT_E_LIMIT, "%s: line %zu: more than %zu keys", path, lineno,
                             limit);
            goto cleanup;
        }
        keys[n++] = pk;
    }
    if (after_comment) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: line %zu: key line missing after the comment",
                         path, lineno);
        goto cleanup;
    }
    *nkeys = n; /* all or nothing: a bad file adds no keys */
cleanup:
    free(buf);
    return rc;
}
