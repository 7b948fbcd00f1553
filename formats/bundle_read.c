/*
 * bundle_read.c - opens a bundle through its signature, then serves entries
 * only after their hashes match.
 *
 * Open: the first tar member must be the signature. Its trusted comment says
 * where the compressed manifest lies; that claim is only used, bounded, to
 * find the bytes the signature covers, and is trusted once the global
 * signature over it verifies. zstd sees the manifest only after the
 * signature matched, and clusters only after their hash matched.
 */
#include "sat_bundle.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sat_cursor.h"
#include "sat_index.h"
#include "sat_zstd.h"

#define BLOCK 512u
#define PAD(n) (((uint64_t)(n) + BLOCK - 1) / BLOCK * BLOCK)
/* Batch reads: worker buffers of one batch stay under this many bytes (a batch of larger
 * clusters, which only a hostile signer writes, is read by fewer threads). */
#define BATCH_MEM ((uint64_t)8 << 20)

/* What reads clusters: a decoder and buffers, and the one decompressed cluster it keeps
 * (the first len bytes of unit; unit SIZE_MAX: none). The bundle has one; batch reads
 * add one per thread. */
typedef struct creader {
    sat_zstd *z; /* with the bundle's dictionary; NULL: the bundle's own (b->z) */
    size_t unit;
    size_t len;
    char *cbuf;
    size_t cbuf_cap;
    uint8_t *zbuf;
    size_t zbuf_cap;
} creader;

struct sat_bundle {
    int fd;
    char *path;
    uint64_t file_size;
    sat_pubkey signer;
    char tc[SAT_TRUSTED_COMMENT_MAX + 1];
    /* the verified copy: signature file and compressed root manifest */
    char *sigtext;
    size_t siglen;
    uint8_t *mz;
    size_t mzlen;
    uint64_t data; /* D: where the data region starts; the root's offsets count from here */
    char head_problem[SAT_ERR_MSG_MAX]; /* set when the tail copy had to be used */
    sat_manifest *m;
    /* index pages, loaded on first use and kept until close */
    sat_mpage **pages;
    signed char *page_state; /* 0 not loaded, 1 loaded, 2 not loaded but parsed before (its
                                bytes passed every check), -1 damaged, -2 signed but
                                malformed */
    char **page_msg;         /* why, for -1 and -2 pages (allocated on first need) */
    uint64_t *page_used;     /* when each page was last asked for (page_clock then) */
    uint64_t page_clock;
    sat_zstd *pz;            /* dictionary-less codec (root manifest; pages without a dict) */
    /* dictionary and codec, loaded on first use (the bytes are kept for batch threads) */
    int dict_state; /* 0 not loaded, 1 ok, -1 damaged */
    sat_zstd *z;
    uint8_t *dict;
    creader rd; /* what sat_bundle_read uses */
    /* batch reads (sat_bundle_read_batch, sat_bundle_load_entries) */
    int threads;                         /* 0: not decided yet */
    creader wk[SAT_READ_THREADS_MAX];    /* one per thread, created on first use */
    size_t n_wk;
};

/* ------------------------------------------------------------------------
 * Low-level reads
 * ------------------------------------------------------------------------ */

static int read_at(sat_bundle *b, uint64_t off, void *buf, size_t n, sat_err *err)
{
    size_t got = 0;

    /* missing bytes are damage (a truncated copy), like bytes that do not match */
    if (off > b->file_size || n > b->file_size - off)
        return sat_err_set(err, SAT_E_HASH, "%s: truncated (needs bytes %llu..%llu, file has %llu)",
                           b->path, (unsigned long long)off, (unsigned long long)(off + n),
                           (unsigned long long)b->file_size);
    while (got < n) {
        ssize_t r = pread(b->fd, (char *)buf + got, n - got, (off_t)(off + got));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            /* a bad sector on a scratched disc or a dying stick: damage, like a wrong
             * hash, so salvage goes on with the rest */
            return sat_err_set(err, SAT_E_HASH, "%s: read error at byte %llu: %s (damaged medium?)",
                               b->path, (unsigned long long)(off + got), strerror(errno));
        }
        if (r == 0)
            return sat_err_set(err, SAT_E_HASH, "%s: truncated at byte %llu", b->path,
                               (unsigned long long)(off + got));
        got += (size_t)r;
    }
    return 0;
}

/* Parses a ustar octal field strictly: digits, then NUL or space padding. */
static int octal(const char *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;

    while (i < n && f[i] == ' ')
        i++;
    if (i == n || f[i] < '0' || f[i] > '7')
        return -1;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v > (UINT64_MAX >> 3))
            return -1;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    for (; i < n; i++)
        if (f[i] != '\0' && f[i] != ' ')
            return -1;
    *out = v;
    return 0;
}

/* Checks that the ustar header at `off` is a regular file member called `name`
 * of `size` bytes (size may be 0 to accept any size up to max, returned in *size_out). */
static int check_header(sat_bundle *b, uint64_t off, const char *name, uint64_t max,
                        uint64_t *size_out, sat_err *err)
{
    unsigned char h[BLOCK];
    uint64_t sum = 0, want, size;
    size_t i, nlen = strlen(name);
    int rc;

    if ((rc = read_at(b, off, h, BLOCK, err)) != 0)
        return rc;
    if (memcmp(h + 257, "ustar", 5) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "%s: no ustar header at byte %llu (not a bundle?)",
                           b->path, (unsigned long long)off);
    for (i = 0; i < BLOCK; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    if (octal((const char *)h + 148, 8, &want) != 0 || want != sum)
        return sat_err_set(err, SAT_E_FORMAT, "%s: tar header checksum wrong at byte %llu", b->path,
                           (unsigned long long)off);
    if (nlen > 100 || memcmp(h, name, nlen) != 0 || (nlen < 100 && h[nlen] != '\0') ||
        h[345] != '\0')
        return sat_err_set(err, SAT_E_FORMAT, "%s: expected member %s at byte %llu", b->path, name,
                           (unsigned long long)off);
    if (h[156] != '0' && h[156] != '\0')
        return sat_err_set(err, SAT_E_FORMAT, "%s: member %s is not a regular file", b->path, name);
    if (octal((const char *)h + 124, 12, &size) != 0 || size > max)
        return sat_err_set(err, SAT_E_LIMIT, "%s: member %s has a bad or too large size", b->path,
                           name);
    *size_out = size;
    return 0;
}

/* ------------------------------------------------------------------------
 * Trusted comment: "satchel-bundle v1 id=HEX seq=N created=T manifest=OFF+ZLEN:LEN"
 * ------------------------------------------------------------------------ */

typedef struct tcinfo {
    uint8_t id[SAT_BUNDLE_ID_BYTES];
    uint64_t seq, moff, mzlen, mlen;
    char created[21];
} tcinfo;

static int kv(sat_cursor *c, const char *key, sat_span *val)
{
    sat_span f;
    size_t kl = strlen(key);

    if (sat_cursor_field(c, ' ', &f) != 0 || f.len <= kl || memcmp(f.p, key, kl) != 0)
        return -1;
    val->p = f.p + kl;
    val->len = f.len - kl;
    return 0;
}

static int parse_tc(const char *tc, tcinfo *t)
{
    size_t pl = strlen(SAT_TC_PREFIX);
    sat_cursor c, mc;
    sat_span v, a;

    if (strncmp(tc, SAT_TC_PREFIX, pl) != 0)
        return -1;
    c = sat_cursor_make(tc + pl, strlen(tc) - pl);
    if (kv(&c, "id=", &v) != 0 || sat_span_hex(v, t->id, SAT_BUNDLE_ID_BYTES) != 0)
        return -1;
    if (kv(&c, "seq=", &v) != 0 || sat_span_u64(v, UINT64_MAX, &t->seq) != 0)
        return -1;
    if (kv(&c, "created=", &v) != 0 || v.len != 20 || !sat_date_valid(v.p, v.len))
        return -1;
    memcpy(t->created, v.p, 20);
    t->created[20] = '\0';
    if (kv(&c, "manifest=", &v) != 0 || sat_cursor_left(&c) != 0)
        return -1;
    mc = sat_cursor_make(v.p, v.len);
    if (sat_cursor_field(&mc, '+', &a) != 0 || sat_span_u64(a, UINT64_MAX, &t->moff) != 0)
        return -1;
    if (sat_cursor_field(&mc, ':', &a) != 0 || sat_span_u64(a, UINT64_MAX, &t->mzlen) != 0)
        return -1;
    if (sat_cursor_field(&mc, ':', &a) != 0 || sat_span_u64(a, UINT64_MAX, &t->mlen) != 0 ||
        sat_cursor_left(&mc) != 0)
        return -1;
    /* bounded by the format; the caller reports an offset past the end as truncation */
    if (t->moff > SAT_BUNDLE_MAX || t->mzlen > SAT_MANIFEST_ZMAX || t->mlen > SAT_MANIFEST_MAX)
        return -2;
    return 0;
}

/* ------------------------------------------------------------------------
 * Open
 * ------------------------------------------------------------------------ */

/* One copy of the signature and root manifest: the signature member's header at sig_hdr.
 * Reads, bounds and verifies; on success the copy's bytes are kept in b. */
static int open_copy(sat_bundle *b, int tail, const sat_pubkey *keys, size_t nkeys, tcinfo *t,
                     sat_err *err)
{
    const char *sig_name = tail ? SAT_MEMBER_SIG_COPY : SAT_MEMBER_SIG;
    const char *man_name = tail ? SAT_MEMBER_MANIFEST_COPY : SAT_MEMBER_MANIFEST;
    uint64_t sig_hdr, man_hdr, siglen = 0, mzsize = 0;
    char *sigtext = NULL;
    uint8_t *mz = NULL;
    sat_sig sig;
    size_t which = 0;
    int rc;

    /* the tail signature sits right before the two end blocks, in one data block */
    sig_hdr = tail ? b->file_size - 4 * BLOCK : 0;
    if ((rc = check_header(b, sig_hdr, sig_name, BLOCK - 1, &siglen, err)) != 0)
        return rc;
    sigtext = malloc(siglen + 1);
    if (sigtext == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if ((rc = read_at(b, sig_hdr + BLOCK, sigtext, siglen, err)) != 0)
        goto out;
    sigtext[siglen] = '\0';
    if ((rc = sat_sig_parse(&sig, sigtext, siglen, err)) != 0) {
        sat_err_prefix(err, "signature");
        rc = SAT_E_SIG;
        goto out;
    }
    switch (parse_tc(sig.trusted_comment, t)) {
    case 0:
        if (t->moff == SAT_MANIFEST_OFFSET)
            break;
        /* fall through */
    case -1:
        rc = sat_err_set(err, SAT_E_SIG,
                         "the signature's trusted comment is not a Satchel v%d bundle comment",
                         SAT_FORMAT_VERSION);
        goto out;
    default:
        rc = sat_err_set(err, SAT_E_LIMIT,
                         "the signed comment declares a manifest above the format's limits "
                         "(%llu bytes compressed, %llu bytes; at most %llu and %llu)",
                         (unsigned long long)t->mzlen, (unsigned long long)t->mlen,
                         (unsigned long long)SAT_MANIFEST_ZMAX,
                         (unsigned long long)SAT_MANIFEST_MAX);
        goto out;
    }
    /* The manifest bytes the signature covers: located by the comment, bounded. */
    if (tail) {
        uint64_t need = BLOCK + PAD(t->mzlen);
        if (sig_hdr < need + SAT_MANIFEST_OFFSET) {
            rc = sat_err_set(err, SAT_E_FORMAT, "too short for its manifest copy");
            goto out;
        }
        man_hdr = sig_hdr - need;
    } else {
        man_hdr = t->moff - BLOCK;
    }
    if ((rc = check_header(b, man_hdr, man_name, SAT_MANIFEST_ZMAX, &mzsize, err)) != 0)
        goto out;
    if (mzsize != t->mzlen) {
        rc = sat_err_set(err, SAT_E_FORMAT, "manifest member size differs from the signed size");
        goto out;
    }
    if (man_hdr + BLOCK > b->file_size || t->mzlen > b->file_size - man_hdr - BLOCK) {
        rc = sat_err_set(err, SAT_E_FORMAT, "truncated: the manifest lies beyond the end");
        goto out;
    }
    mz = malloc(t->mzlen ? t->mzlen : 1);
    if (mz == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = read_at(b, man_hdr + BLOCK, mz, t->mzlen, err)) != 0)
        goto out;
    /* Verify before any parser sees the manifest. */
    if ((rc = sat_sig_verify(&sig, keys, nkeys, mz, t->mzlen, 0, &which, err)) != 0)
        goto out;
    b->signer = keys[which];
    memcpy(b->tc, sig.trusted_comment, sizeof b->tc);
    b->sigtext = sigtext;
    b->siglen = (size_t)siglen;
    b->mz = mz;
    b->mzlen = (size_t)t->mzlen;
    return 0;
out:
    free(sigtext);
    free(mz);
    return rc;
}

int sat_bundle_open(const char *path, const sat_pubkey *keys, size_t nkeys, sat_bundle **out,
                    sat_err *err)
{
    sat_bundle *b = NULL;
    struct stat sb;
    char *mtext = NULL;
    tcinfo t;
    sat_err tail_err;
    sat_zstd *dz = NULL;
    int rc;

    *out = NULL;
    if (sodium_init() < 0)
        return sat_err_set(err, SAT_E_CRYPTO, "libsodium failed to initialise");
    if (nkeys == 0)
        return sat_err_set(err, SAT_E_UNTRUSTED,
                           "no trusted public key: give one with -p FILE or --keyring FILE");
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    b->fd = -1;
    b->rd.unit = SIZE_MAX;
    b->path = strdup(path);
    if (b->path == NULL)
        goto nomem;
    b->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (b->fd < 0) {
        rc = sat_err_set(err, SAT_E_IO, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    if (fstat(b->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        rc = sat_err_set(err, SAT_E_IO, "%s: not a regular file", path);
        goto fail;
    }
    b->file_size = (uint64_t)sb.st_size;
    if (b->file_size > SAT_BUNDLE_MAX) {
        rc = sat_err_set(err, SAT_E_LIMIT, "%s: larger than the format allows", path);
        goto fail;
    }
    if (b->file_size < 4 * BLOCK) {
        rc = sat_err_set(err, SAT_E_FORMAT, "%s: too short to be a bundle (%llu bytes)", path,
                         (unsigned long long)b->file_size);
        goto fail;
    }

    /* 1. The head copy (signature first in the tar, root second); if it is damaged or
     *    missing, the tail copy. Both must verify against a trusted key. */
    rc = open_copy(b, 0, keys, nkeys, &t, err);
    if (rc != 0 && rc != SAT_E_NOMEM) {
        sat_err_clear(&tail_err);
        if (open_copy(b, 1, keys, nkeys, &t, &tail_err) == 0) {
            snprintf(b->head_problem, sizeof b->head_problem,
                     "the signature and manifest at the start are damaged (%.300s); the copy at "
                     "the end was used",
                     err != NULL ? err->msg : "unreadable");
            if (err != NULL)
                sat_err_clear(err);
            rc = 0;
        }
    }
    if (rc == SAT_E_HASH) {
        rc = SAT_E_FORMAT; /* truncated or unreadable: nothing can be verified */
        if (err != NULL)
            err->code = rc;
    }
    if (rc != 0) {
        if (rc == SAT_E_FORMAT && err != NULL && err->code == SAT_E_FORMAT)
            sat_err_prefix(err, "%s: not a Satchel bundle, or damaged at the start and the end",
                           path);
        else
            sat_err_prefix(err, "%s", path);
        goto fail;
    }
    b->data = SAT_MANIFEST_OFFSET + PAD(b->mzlen);

    /* 2. Decompress within the signed size, parse strictly, cross-check. */
    mtext = malloc(t.mlen + 1);
    if (mtext == NULL)
        goto nomem;
    if ((rc = sat_zstd_create(NULL, 0, 0, &dz, err)) != 0 ||
        (rc = sat_zstd_decompress(dz, b->mz, b->mzlen, mtext, t.mlen, err)) != 0) {
        sat_err_prefix(err, "%s: manifest", path);
        goto fail;
    }
    if ((rc = sat_manifest_parse(mtext, t.mlen, SAT_BUNDLE_MAX - b->data, &b->m, err)) != 0) {
        sat_err_prefix(err, "%s", path);
        goto fail;
    }
    if (memcmp(b->m->head.bundle_id, t.id, SAT_BUNDLE_ID_BYTES) != 0 || b->m->head.seq != t.seq ||
        strcmp(b->m->head.created, t.created) != 0) {
        rc = sat_err_set(err, SAT_E_SIG,
                         "%s: the manifest's bundle id, sequence or date differ from the signed "
                         "comment (mixed bundles?)",
                         path);
        goto fail;
    }
    b->pages = calloc(b->m->n_pages + 1, sizeof *b->pages);
    b->page_state = calloc(b->m->n_pages + 1, 1);
    b->page_used = calloc(b->m->n_pages + 1, sizeof *b->page_used);
    if (b->pages == NULL || b->page_state == NULL || b->page_used == NULL)
        goto nomem;
    b->pz = dz;
    dz = NULL;
    free(mtext);
    *out = b;
    return 0;

nomem:
    rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
fail:
    free(mtext);
    sat_zstd_free(dz);
    sat_bundle_close(b);
    return rc;
}

static void creader_free(creader *r)
{
    sat_zstd_free(r->z);
    free(r->cbuf);
    free(r->zbuf);
}

void sat_bundle_close(sat_bundle *b)
{
    size_t k;

    if (b == NULL)
        return;
    if (b->fd >= 0)
        close(b->fd);
    if (b->pages != NULL && b->m != NULL) {
        size_t i;
        for (i = 0; i < b->m->n_pages; i++)
            sat_mpage_free(b->pages[i]);
    }
    if (b->page_msg != NULL && b->m != NULL) {
        size_t i;
        for (i = 0; i < b->m->n_pages; i++)
            free(b->page_msg[i]);
    }
    free(b->page_msg);
    free(b->pages);
    free(b->page_state);
    free(b->page_used);
    sat_zstd_free(b->pz);
    sat_manifest_free(b->m);
    sat_zstd_free(b->z);
    free(b->dict);
    creader_free(&b->rd);
    for (k = 0; k < b->n_wk; k++)
        creader_free(&b->wk[k]);
    free(b->sigtext);
    free(b->mz);
    free(b->path);
    free(b);
}

const sat_manifest *sat_bundle_manifest(const sat_bundle *b)
{
    return b->m;
}

const sat_pubkey *sat_bundle_signer(const sat_bundle *b)
{
    return &b->signer;
}

const char *sat_bundle_trusted_comment(const sat_bundle *b)
{
    return b->tc;
}

const char *sat_bundle_head_problem(const sat_bundle *b)
{
    return b->head_problem[0] != '\0' ? b->head_problem : NULL;
}

uint64_t sat_bundle_data_start(const sat_bundle *b)
{
    return b->data;
}

uint64_t sat_bundle_file_size(const sat_bundle *b)
{
    return b->file_size;
}

/* ------------------------------------------------------------------------
 * Index pages
 * ------------------------------------------------------------------------ */

static int hash_ok(const void *p, size_t n, const uint8_t want[SAT_HASH_BYTES]);
static int load_dict(sat_bundle *b, sat_err *err);

/* Bytes whose signed hash matched but that break the format were made so by the signer
 * (broken or hostile), never by damage: SAT_E_FORMAT, "not genuine". */
static int signed_but_malformed(sat_err *err)
{
    char why[SAT_ERR_MSG_MAX];

    if (err == NULL)
        return SAT_E_FORMAT;
    snprintf(why, sizeof why, "%s", err->msg);
    return sat_err_set(err, SAT_E_FORMAT,
                       "%.380s (its signed hash matches: made by a broken or hostile signer)", why);
}

/* Records that page pi is damaged (-1) or malformed (-2), and why, for later callers. */
static void page_failed(sat_bundle *b, size_t pi, signed char state, const sat_err *err)
{
    b->page_state[pi] = state;
    if (b->page_msg == NULL)
        b->page_msg = calloc(b->m->n_pages + 1, sizeof *b->page_msg);
    if (b->page_msg != NULL && b->page_msg[pi] == NULL)
        b->page_msg[pi] = strdup(err->msg); /* NULL on OOM: a generic message */
}

/* Reads, checks and parses index page pi with decoder z (a batch thread's; NULL: the
 * bundle's, loading the dictionary first if needed). 0 and *out, or an error with *state
 * -1 when the page is damaged, -2 when it is signed but malformed, 0 when the error is not
 * the page's (memory, the dictionary). A page parsed before (state 2) is hashed and
 * decompressed again, then parsed without the checks its bytes passed then. Reads b only:
 * batch threads call it. */
static int fetch_page(sat_bundle *b, sat_zstd *z, size_t pi, sat_mpage **out, signed char *state,
                      sat_err *err)
{
    int again = b->page_state[pi] == 2;
    const sat_page *pg = &b->m->pages[pi];
    uint8_t *zb = NULL;
    char *t = NULL;
    int rc;

    *out = NULL;
    *state = 0;
    if (pg->size > SAT_PAGE_MAX + 4096)
        return sat_err_set(err, SAT_E_LIMIT, "index page %zu: stored size too large", pi);
    zb = malloc((size_t)pg->size);
    t = malloc((size_t)pg->usize + 1);
    if (zb == NULL || t == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = read_at(b, b->data + pg->offset, zb, (size_t)pg->size, err)) != 0) {
        if (rc == SAT_E_HASH) /* cut off or unreadable: damaged like a wrong hash */
            *state = -1;
        goto out;
    }
    if (!hash_ok(zb, (size_t)pg->size, pg->hash)) {
        rc =
            sat_err_set(err, SAT_E_HASH,
                        "index page %zu (bytes %llu..%llu) is damaged: its %u entries cannot "
                        "be found",
                        pi, (unsigned long long)(b->data + pg->offset),
                        (unsigned long long)(b->data + pg->offset + pg->size), (unsigned)pg->count);
        *state = -1;
        goto out;
    }
    /* pages are compressed with the bundle's dictionary when it has one */
    if (z == NULL && b->m->head.has_dict && (rc = load_dict(b, err)) != 0)
        goto out;
    if (z == NULL)
        z = b->m->head.has_dict ? b->z : b->pz;
    rc = sat_zstd_decompress(z, zb, (size_t)pg->size, t, (size_t)pg->usize, err);
    if (rc != 0)
        sat_err_prefix(err, "index page %zu", pi);
    else if (again) /* the same bytes as then: their hash matched */
        rc = sat_mpage_parse_again(b->m, pi, t, (size_t)pg->usize, out, err);
    else
        rc = sat_mpage_parse(b->m, pi, t, (size_t)pg->usize, out, err);
    if (rc != 0 && rc != SAT_E_NOMEM) {
        /* signed and hash-matched yet malformed: the signer made it; refuse it */
        rc = signed_but_malformed(err);
        *state = -2;
    }
out:
    free(zb);
    free(t);
    return rc;
}

/* Keeps the outcome of fetch_page for page pi. */
static void page_done(sat_bundle *b, size_t pi, int rc, sat_mpage *pg, signed char state,
                      const sat_err *err)
{
    if (rc == 0) {
        b->pages[pi] = pg;
        b->page_state[pi] = 1;
        b->page_used[pi] = ++b->page_clock;
    } else if (state < 0) {
        page_failed(b, pi, state, err);
    }
}

static int load_page(sat_bundle *b, size_t pi, sat_err *err)
{
    sat_mpage *pg = NULL;
    signed char state;
    int rc;
    sat_err local;

    if (err == NULL) { /* the reason is kept for later callers even if this one ignores it */
        sat_err_clear(&local);
        err = &local;
    }
    if (b->page_state[pi] == 1) {
        b->page_used[pi] = ++b->page_clock;
        return 0;
    }
    if (b->page_state[pi] < 0) /* damaged (-1) or malformed (-2): the same answer again */
        return sat_err_set(err, b->page_state[pi] == -1 ? SAT_E_HASH : SAT_E_FORMAT, "%s",
                           b->page_msg != NULL && b->page_msg[pi] != NULL
                               ? b->page_msg[pi]
                               : "an index page is damaged or breaks the format");
    rc = fetch_page(b, NULL, pi, &pg, &state, err);
    page_done(b, pi, rc, pg, state, err);
    return rc;
}

uint64_t sat_bundle_count(const sat_bundle *b)
{
    return b->m->n_entries;
}

int sat_bundle_entry(sat_bundle *b, uint64_t i, const sat_mentry **e, sat_err *err)
{
    size_t pi;
    int rc;

    *e = NULL;
    if (i >= b->m->n_entries)
        return sat_err_set(err, SAT_E_ARG, "entry index %llu out of range", (unsigned long long)i);
    pi = sat_manifest_page_of_index(b->m, i);
    if ((rc = load_page(b, pi, err)) != 0)
        return rc;
    *e = &b->pages[pi]->entries[i - b->m->pages[pi].first];
    return 0;
}

static void forget_page(sat_bundle *b, size_t i)
{
    if (b->page_state[i] == 1) {
        sat_mpage_free(b->pages[i]);
        b->pages[i] = NULL;
        b->page_state[i] = 2;
    }
}

void sat_bundle_forget_pages(sat_bundle *b)
{
    size_t i;

    for (i = 0; i < b->m->n_pages; i++)
        forget_page(b, i);
}

static int cmp_used(const void *pa, const void *pb)
{
    uint64_t x = ((const uint64_t *)pa)[0], y = ((const uint64_t *)pb)[0];

    return x < y ? -1 : x > y;
}

void sat_bundle_trim_pages(sat_bundle *b, size_t keep)
{
    uint64_t(*lru)[2];
    size_t i, n = 0;

    if (sat_bundle_pages_loaded(b) <= keep)
        return;
    lru = malloc((b->m->n_pages + 1) * sizeof *lru);
    if (lru == NULL) {
        sat_bundle_forget_pages(b); /* bounded memory first */
        return;
    }
    for (i = 0; i < b->m->n_pages; i++)
        if (b->page_state[i] == 1) {
            lru[n][0] = b->page_used[i];
            lru[n++][1] = i;
        }
    qsort(lru, n, sizeof *lru, cmp_used);
    for (i = 0; i + keep < n; i++)
        forget_page(b, (size_t)lru[i][1]);
    free(lru);
}

size_t sat_bundle_pages_loaded(const sat_bundle *b)
{
    size_t i, n = 0;

    for (i = 0; i < b->m->n_pages; i++)
        n += b->page_state[i] == 1;
    return n;
}

int sat_bundle_find(sat_bundle *b, const char *id, const sat_mentry **e, sat_err *err)
{
    size_t pi = sat_manifest_page_for(b->m, id);
    int rc;

    *e = NULL;
    if (pi == SIZE_MAX)
        return sat_err_set(err, SAT_E_NOTFOUND, "no entry \"%.100s\" in this bundle", id);
    if ((rc = load_page(b, pi, err)) != 0)
        return rc;
    *e = sat_mpage_find(b->pages[pi], id);
    if (*e == NULL)
        return sat_err_set(err, SAT_E_NOTFOUND, "no entry \"%.100s\" in this bundle", id);
    return 0;
}

/* ------------------------------------------------------------------------
 * Content
 * ------------------------------------------------------------------------ */

static int hash_ok(const void *p, size_t n, const uint8_t want[SAT_HASH_BYTES])
{
    uint8_t h[SAT_HASH_BYTES];

    crypto_generichash(h, sizeof h, p, n, NULL, 0);
    return sodium_memcmp(h, want, SAT_HASH_BYTES) == 0;
}

static int ensure_buf(void *pp, size_t *cap, size_t need)
{
    void **p = pp;
    void *np;

    if (need <= *cap)
        return 0;
    np = realloc(*p, need ? need : 1);
    if (np == NULL)
        return -1;
    *p = np;
    *cap = need;
    return 0;
}

static int load_dict(sat_bundle *b, sat_err *err)
{
    const sat_manifest_head *h = &b->m->head;
    uint8_t *d = NULL;
    int rc;

    if (b->dict_state == 1)
        return 0;
    if (b->dict_state == -1)
        return sat_err_set(err, SAT_E_HASH, "the bundle's compression dictionary is damaged");
    if (!h->has_dict) {
        rc = sat_zstd_create(NULL, 0, 0, &b->z, err);
        b->dict_state = rc == 0 ? 1 : 0;
        return rc;
    }
    d = malloc(h->dict_size);
    if (d == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if ((rc = read_at(b, b->data + h->dict_offset, d, h->dict_size, err)) != 0)
        goto out;
    if (!hash_ok(d, h->dict_size, h->dict_hash)) {
        b->dict_state = -1;
        rc = sat_err_set(err, SAT_E_HASH,
                         "the bundle's compression dictionary is damaged "
                         "(hash mismatch): no text entry can be read");
        goto out;
    }
    rc = sat_zstd_create(d, h->dict_size, 0, &b->z, err);
    if (rc != 0) {
        b->dict_state = -1;
        goto out;
    }
    b->dict_state = 1;
    b->dict = d; /* for the decoders of batch threads */
    d = NULL;
out:
    free(d);
    return rc;
}

/* Makes r->cbuf hold at least the first `need` bytes of cluster `unit`, after its stored
 * bytes matched their hash. Touches only r and reads b: batch threads call it, each with
 * its own r, once the dictionary is loaded. */
static int load_cluster(sat_bundle *b, creader *r, size_t unit, size_t need, sat_err *err)
{
    const sat_cluster *c = &b->m->clusters[unit];
    int rc;

    if (need > c->usize)
        need = (size_t)c->usize;
    if (r->unit == unit && r->len >= need)
        return 0;
    /* A second entry further into the same cluster: decode all of it this time, so
     * reading a whole cluster entry by entry decodes it at most twice. */
    if (r->unit == unit)
        need = (size_t)c->usize;
    r->unit = SIZE_MAX;
    if ((rc = load_dict(b, err)) != 0)
        return rc;
    if (c->size > SAT_CLUSTER_MAX + (SAT_CLUSTER_MAX >> 7) + 4096)
        return sat_err_set(err, SAT_E_FORMAT,
                           "cluster %zu: signed stored size above the format's limit", unit);
    if (ensure_buf(&r->zbuf, &r->zbuf_cap, (size_t)c->size) != 0 ||
        ensure_buf(&r->cbuf, &r->cbuf_cap, (size_t)c->usize + 1) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if ((rc = read_at(b, b->data + c->offset, r->zbuf, (size_t)c->size, err)) != 0)
        return rc;
    if (!hash_ok(r->zbuf, (size_t)c->size, c->hash))
        return sat_err_set(err, SAT_E_HASH, "cluster %zu (bytes %llu..%llu) is damaged", unit,
                           (unsigned long long)(b->data + c->offset),
                           (unsigned long long)(b->data + c->offset + c->size));
    rc = sat_zstd_decompress_prefix(r->z != NULL ? r->z : b->z, r->zbuf, (size_t)c->size, r->cbuf,
                                    (size_t)c->usize, need, err);
    if (rc != 0) {
        sat_err_prefix(err, "cluster %zu", unit);
        return rc == SAT_E_NOMEM ? rc : signed_but_malformed(err);
    }
    r->unit = unit;
    r->len = need;
    return 0;
}

/* 1 when sat_bundle_read of e goes through a cluster (and so through a creader's cache). */
static int reads_cluster(const sat_mentry *e)
{
    return e->unit != SAT_UNIT_MEDIA && e->size <= SAT_READ_MAX;
}

/* sat_bundle_read with the cluster reader r (batch threads: theirs). */
static int read_entry(sat_bundle *b, creader *r, const sat_mentry *e, char **out, size_t *len,
                      sat_err *err)
{
    char *buf;
    int rc;

    *out = NULL;
    *len = 0;
    if (e->size > SAT_READ_MAX)
        return sat_err_set(err, SAT_E_LIMIT, "%s: %llu bytes, too large to show (extract it)",
                           e->id, (unsigned long long)e->size);
    buf = malloc((size_t)e->size + 1);
    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if (e->unit == SAT_UNIT_MEDIA) {
        rc = read_at(b, b->data + e->offset, buf, (size_t)e->size, err);
    } else {
        rc = load_cluster(b, r, e->unit, (size_t)(e->offset + e->size), err);
        if (rc == 0)
            memcpy(buf, r->cbuf + e->offset, (size_t)e->size);
    }
    if (rc == 0 && !hash_ok(buf, (size_t)e->size, e->hash)) {
        if (e->unit == SAT_UNIT_MEDIA) {
            rc = sat_err_set(err, SAT_E_HASH, "%s: content does not match its signed hash", e->id);
        } else {
            /* the cluster matched its signed hash: the signer wrote a wrong entry hash */
            sat_err_set(err, SAT_E_FORMAT, "%s: content differs from its signed hash", e->id);
            rc = signed_but_malformed(err);
        }
    }
    if (rc != 0) {
        if (rc == SAT_E_FORMAT && err != NULL && strstr(err->msg, e->id) == NULL)
            sat_err_prefix(err, "%s", e->id);
        else if (rc != SAT_E_FORMAT && rc != SAT_E_HASH && rc != SAT_E_NOMEM && err != NULL &&
                 err->code != SAT_E_HASH)
            sat_err_prefix(err, "%s: damaged", e->id);
        free(buf);
        return rc == SAT_E_NOMEM || rc == SAT_E_IO || rc == SAT_E_FORMAT ? rc : SAT_E_HASH;
    }
    buf[e->size] = '\0';
    *out = buf;
    *len = (size_t)e->size;
    return 0;
}

int sat_bundle_read(sat_bundle *b, const sat_mentry *e, char **out, size_t *len, sat_err *err)
{
    return read_entry(b, &b->rd, e, out, len, err);
}

/* ------------------------------------------------------------------------
 * Batch reads on threads
 *
 * A batch runs jobs (one cluster's entries, or one index page) on up to b->threads
 * threads: this one, reading with b->rd, and helpers, helper k reading with b->wk[k]. A job
 * reads b and writes only its own results and creader, so the outcome is the sequential
 * one whatever the order.
 * ------------------------------------------------------------------------ */

void sat_bundle_set_threads(sat_bundle *b, int n)
{
    b->threads = n < 0 ? 0 : n > SAT_READ_THREADS_MAX ? SAT_READ_THREADS_MAX : n;
}

int sat_bundle_threads(sat_bundle *b)
{
    if (b->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        b->threads = n < 1 ? 1 : n > SAT_READ_THREADS_MAX ? SAT_READ_THREADS_MAX : (int)n;
    }
    return b->threads;
}

/* Makes b->wk[0..want) ready (their decoders need the loaded dictionary). Returns how many
 * are (fewer when memory runs out). */
static size_t workers_ready(sat_bundle *b, size_t want)
{
    const sat_manifest_head *h = &b->m->head;

    while (b->n_wk < want) {
        creader *r = &b->wk[b->n_wk];
        memset(r, 0, sizeof *r);
        r->unit = SIZE_MAX;
        if (sat_zstd_create(h->has_dict ? b->dict : NULL, h->has_dict ? h->dict_size : 0, 0, &r->z,
                            NULL) != 0)
            break;
        b->n_wk++;
    }
    return b->n_wk < want ? b->n_wk : want;
}

/* Threads for njobs jobs whose buffers hold up to need bytes each: at most one per job,
 * within BATCH_MEM, the helpers' readers ready. 1: read in sequence. */
static size_t batch_threads(sat_bundle *b, size_t njobs, uint64_t need)
{
    size_t n = (size_t)sat_bundle_threads(b);

    if (n > njobs)
        n = njobs;
    if (need < 1)
        need = 1;
    if (n > BATCH_MEM / need)
        n = (size_t)(BATCH_MEM / need);
    if (n > 1 && b->m->head.has_dict && b->dict_state != 1)
        n = 1; /* the workers' decoders need the dictionary */
    return n > 1 ? 1 + workers_ready(b, n - 1) : 1;
}

typedef void (*job_fn)(sat_bundle *b, creader *r, size_t job, void *arg);

typedef struct jobq {
    sat_bundle *b;
    job_fn fn;
    void *arg;
    size_t njobs, next, last; /* last: run by this thread at the end (SIZE_MAX: none) */
    pthread_mutex_t mu;
} jobq;

typedef struct jworker {
    jobq *q;
    creader *r;
} jworker;

static void *job_worker(void *arg)
{
    jworker *w = arg;
    jobq *q = w->q;

    for (;;) {
        size_t j;
        pthread_mutex_lock(&q->mu);
        if (q->next == q->last)
            q->next++;
        j = q->next < q->njobs ? q->next++ : q->njobs;
        pthread_mutex_unlock(&q->mu);
        if (j == q->njobs)
            return NULL;
        q->fn(q->b, w->r, j, q->arg);
    }
}

/* Runs fn for jobs 0..njobs on nthreads threads: this one with b->rd, and nthreads - 1
 * helpers (b->wk[0..nthreads-1) ready). Job `last` (SIZE_MAX: none) runs in this thread
 * after all it took from the others, so b->rd ends as that job leaves it. When a helper
 * cannot be started, the others do its share. */
static void run_jobs(sat_bundle *b, size_t nthreads, size_t njobs, size_t last, job_fn fn,
                     void *arg)
{
    pthread_t t[SAT_READ_THREADS_MAX];
    int started[SAT_READ_THREADS_MAX] = {0};
    jworker w[SAT_READ_THREADS_MAX];
    jobq q;
    size_t k;

    q.b = b;
    q.fn = fn;
    q.arg = arg;
    q.njobs = njobs;
    q.next = 0;
    q.last = last;
    if (pthread_mutex_init(&q.mu, NULL) != 0)
        nthreads = 1;
    for (k = 0; k < nthreads; k++) {
        w[k].q = &q;
        w[k].r = k == 0 ? &b->rd : &b->wk[k - 1];
        if (k > 0)
            started[k] = pthread_create(&t[k], NULL, job_worker, &w[k]) == 0;
    }
    if (nthreads > 1) {
        job_worker(&w[0]);
        if (last < njobs)
            fn(b, &b->rd, last, arg);
        for (k = 1; k < nthreads; k++)
            if (started[k])
                pthread_join(t[k], NULL);
        pthread_mutex_destroy(&q.mu);
    } else {
        for (k = 0; k < njobs; k++)
            if (k != last)
                fn(b, &b->rd, k, arg);
        if (last < njobs)
            fn(b, &b->rd, last, arg);
    }
}

/* The cluster jobs of a batch read. Job j reads req[order[start[j]..start[j+1])], the
 * entries of one cluster in request order; keep[i] says the request before i that went
 * through a cluster went through the same one (so the sequential path would find it
 * kept). The job of the last such request runs last with b->rd, so the bundle keeps that
 * cluster afterwards, as the sequential path would. */
typedef struct rslot {
    uint32_t unit;
    size_t i;
} rslot;

typedef struct rjobs {
    sat_bundle_req *req;
    rslot *order;
    size_t *start;
    unsigned char *keep;
    size_t last_job;
} rjobs;

static void read_job(sat_bundle *b, creader *r, size_t j, void *arg)
{
    rjobs *a = arg;
    size_t k;

    for (k = a->start[j]; k < a->start[j + 1]; k++) {
        size_t i = a->order[k].i;
        sat_bundle_req *q = &a->req[i];
        if (!a->keep[i])
            r->unit = SIZE_MAX; /* another cluster was read in between */
        q->rc = read_entry(b, r, q->e, &q->text, &q->len, &q->err);
    }
}

static int cmp_rslot(const void *pa, const void *pb)
{
    const rslot *x = pa, *y = pb;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Plans the cluster jobs of req[0..n), all after the first request that reads a cluster
 * other than b->rd's. Returns the number of jobs, 0 when none (or out of memory: the
 * caller reads them in sequence), with *need the most bytes one job's buffers hold. */
static size_t plan_reads(sat_bundle *b, sat_bundle_req *req, size_t n, rjobs *a, uint64_t *need)
{
    size_t i, k, nt = 0, nj = 0, prev = SIZE_MAX;

    *need = 0;
    a->req = req;
    a->order = malloc((n + 1) * sizeof *a->order);
    a->start = malloc((n + 2) * sizeof *a->start);
    a->keep = malloc(n + 1);
    if (a->order == NULL || a->start == NULL || a->keep == NULL)
        return 0;
    for (i = 0; i < n; i++) {
        a->keep[i] = 0;
        if (!reads_cluster(req[i].e))
            continue;
        a->keep[i] = prev != SIZE_MAX && req[prev].e->unit == req[i].e->unit;
        a->order[nt].unit = req[i].e->unit;
        a->order[nt++].i = prev = i;
    }
    qsort(a->order, nt, sizeof *a->order, cmp_rslot);
    for (k = 0; k < nt; k++) {
        const sat_cluster *c = &b->m->clusters[a->order[k].unit];
        if (k > 0 && a->order[k - 1].unit == a->order[k].unit)
            continue;
        if (req[prev].e->unit == a->order[k].unit)
            a->last_job = nj;
        a->start[nj++] = k;
        if (c->usize + c->size + 1 > *need)
            *need = c->usize + c->size + 1;
    }
    a->start[nj] = nt;
    return nj;
}

void sat_bundle_read_batch(sat_bundle *b, sat_bundle_req *req, size_t n)
{
    rjobs a;
    uint64_t need;
    size_t i = 0, nj = 0, nthreads = 1;

    for (i = 0; i < n; i++) {
        req[i].text = NULL;
        req[i].len = 0;
        req[i].rc = 0;
        sat_err_clear(&req[i].err);
    }
    /* In sequence: until the dictionary is loaded (its errors come with the first read),
     * and while the cluster b->rd keeps serves (that run uses b->rd as it is). */
    for (i = 0; i < n && (b->dict_state != 1 || !reads_cluster(req[i].e) ||
                          req[i].e->unit == b->rd.unit);
         i++)
        req[i].rc = read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    memset(&a, 0, sizeof a);
    if (i < n && sat_bundle_threads(b) > 1)
        nj = plan_reads(b, req + i, n - i, &a, &need);
    if (nj > 1)
        nthreads = batch_threads(b, nj, need);
    if (nthreads > 1) {
        run_jobs(b, nthreads, nj, a.last_job, read_job, &a);
        for (; i < n; i++) /* media, and entries too large to read: no cluster involved */
            if (!reads_cluster(req[i].e))
                req[i].rc =
                    read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    } else {
        for (; i < n; i++)
            req[i].rc = read_entry(b, &b->rd, req[i].e, &req[i].text, &req[i].len, &req[i].err);
    }
    free(a.order);
    free(a.start);
    free(a.keep);
}

/* The page jobs of sat_bundle_load_entries: job j fetches page pi[j]. */
typedef struct pjobs {
    size_t *pi;
    sat_mpage **pg;
    signed char *state;
    int *rc;
    sat_err *err;
} pjobs;

static void page_job(sat_bundle *b, creader *r, size_t j, void *arg)
{
    pjobs *a = arg;

    a->rc[j] = fetch_page(b, r->z, a->pi[j], &a->pg[j], &a->state[j], &a->err[j]);
}

void sat_bundle_load_entries(sat_bundle *b, const uint64_t *idx, size_t n)
{
    pjobs a;
    unsigned char *seen = calloc(b->m->n_pages + 1, 1);
    uint64_t need = 0;
    size_t i, k, np = 0, nthreads = 1;

    memset(&a, 0, sizeof a);
    a.pi = malloc((n + 1) * sizeof *a.pi);
    if (a.pi == NULL || seen == NULL) {
        free(a.pi);
        free(seen);
        return;
    }
    for (i = 0; i < n; i++) {
        size_t pi;
        if (idx[i] >= b->m->n_entries)
            continue;
        pi = sat_manifest_page_of_index(b->m, idx[i]);
        if (!seen[pi] && (b->page_state[pi] == 0 || b->page_state[pi] == 2)) {
            const sat_page *pg = &b->m->pages[pi];
            seen[pi] = 1;
            a.pi[np++] = pi;
            /* the stored and decompressed page, and the parsed copy with its entries */
            if (pg->size + 3 * pg->usize > need)
                need = pg->size + 3 * pg->usize;
        }
    }
    /* The first page in this thread when the dictionary is not loaded yet: its errors
     * come with the first page, as they would. */
    k = 0;
    if (np > 0 && b->m->head.has_dict && b->dict_state != 1)
        load_page(b, a.pi[k++], NULL);
    a.pg = calloc(np + 1, sizeof *a.pg);
    a.state = calloc(np + 1, sizeof *a.state);
    a.rc = calloc(np + 1, sizeof *a.rc);
    a.err = calloc(np + 1, sizeof *a.err);
    if (np - k > 1 && a.pg != NULL && a.state != NULL && a.rc != NULL && a.err != NULL)
        nthreads = batch_threads(b, np - k, need);
    if (nthreads > 1) {
        pjobs rest = {a.pi + k, a.pg + k, a.state + k, a.rc + k, a.err + k};
        run_jobs(b, nthreads, np - k, SIZE_MAX, page_job, &rest);
        for (i = k; i < np; i++)
            page_done(b, a.pi[i], a.rc[i], a.pg[i], a.state[i], &a.err[i]);
    } else {
        for (i = k; i < np; i++)
            load_page(b, a.pi[i], NULL);
    }
    free(seen);
    free(a.pi);
    free(a.pg);
    free(a.state);
    free(a.rc);
    free(a.err);
}

static int write_all(int fd, const void *p, size_t n, sat_err *err)
{
    const char *q = p;

    while (n > 0) {
        ssize_t w = write(fd, q, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return sat_err_set(err, SAT_E_IO, "write failed: %s", strerror(errno));
        }
        q += w;
        n -= (size_t)w;
    }
    return 0;
}

int sat_bundle_copy(sat_bundle *b, const sat_mentry *e, int fd, sat_err *err)
{
    crypto_generichash_state st;
    uint8_t h[SAT_HASH_BYTES];
    char buf[1 << 16];
    uint64_t done = 0;
    int rc;

    if (e->unit != SAT_UNIT_MEDIA) {
        char *p;
        size_t n;
        if ((rc = sat_bundle_read(b, e, &p, &n, err)) != 0)
            return rc;
        rc = write_all(fd, p, n, err);
        free(p);
        return rc;
    }
    crypto_generichash_init(&st, NULL, 0, SAT_HASH_BYTES);
    while (done < e->size) {
        size_t n = e->size - done > sizeof buf ? sizeof buf : (size_t)(e->size - done);
        if ((rc = read_at(b, b->data + e->offset + done, buf, n, err)) != 0)
            return rc;
        crypto_generichash_update(&st, (const uint8_t *)buf, n);
        if ((rc = write_all(fd, buf, n, err)) != 0)
            return rc;
        done += n;
    }
    crypto_generichash_final(&st, h, sizeof h);
    if (sodium_memcmp(h, e->hash, SAT_HASH_BYTES) != 0)
        return sat_err_set(err, SAT_E_HASH, "%s: content does not match its signed hash", e->id);
    return 0;
}

/* Reads and hashes a stored range in chunks through buf; 1 if it matches. */
static int range_ok(sat_bundle *b, uint64_t off, uint64_t size, const uint8_t want[SAT_HASH_BYTES],
                    char *buf, size_t cap, sat_err *err)
{
    crypto_generichash_state st;
    uint8_t h[SAT_HASH_BYTES];
    uint64_t done = 0;

    crypto_generichash_init(&st, NULL, 0, SAT_HASH_BYTES);
    while (done < size) {
        size_t n = size - done > cap ? cap : (size_t)(size - done);
        if (read_at(b, off + done, buf, n, err) != 0)
            return 0;
        crypto_generichash_update(&st, (const uint8_t *)buf, n);
        done += n;
    }
    crypto_generichash_final(&st, h, sizeof h);
    if (sodium_memcmp(h, want, SAT_HASH_BYTES) != 0) {
        sat_err_set(err, SAT_E_HASH, "stored bytes %llu..%llu do not match their signed hash",
                    (unsigned long long)off, (unsigned long long)(off + size));
        return 0;
    }
    return 1;
}

int sat_bundle_load_unit(sat_bundle *b, uint64_t offset, uint64_t size, uint64_t usize,
                         const uint8_t hash[SAT_HASH_BYTES], const char *what, uint8_t **out,
                         sat_err *err)
{
    uint8_t *z = NULL, *t = NULL;
    int rc;

    *out = NULL;
    /* a frame of usize bytes is never much larger than usize (the root bounds usize) */
    if (size > usize + usize / 64 + 4096 || usize > SAT_DOCTABLE_MAX)
        return sat_err_set(err, SAT_E_FORMAT, "%s: stored size %llu too large for %llu bytes",
                           what, (unsigned long long)size, (unsigned long long)usize);
    z = malloc((size_t)size);
    t = malloc((size_t)usize + 1);
    if (z == NULL || t == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto fail;
    }
    if ((rc = read_at(b, b->data + offset, z, (size_t)size, err)) != 0)
        goto fail;
    if (!hash_ok(z, (size_t)size, hash)) {
        rc = sat_err_set(err, SAT_E_HASH, "%s (bytes %llu..%llu) is damaged", what,
                         (unsigned long long)(b->data + offset),
                         (unsigned long long)(b->data + offset + size));
        goto fail;
    }
    if ((rc = sat_zstd_decompress(b->pz, z, (size_t)size, (char *)t, (size_t)usize, err)) != 0) {
        sat_err_prefix(err, "%s", what);
        rc = signed_but_malformed(err);
        goto fail;
    }
    free(z);
    *out = t;
    return 0;
fail:
    free(z);
    free(t);
    return rc;
}

int sat_bundle_check(sat_bundle *b, const sat_mentry *e, sat_err *err)
{
    const size_t cap = (size_t)1 << 16;
    char *buf;
    int ok;

    if (e->unit != SAT_UNIT_MEDIA) {
        char *p = NULL;
        size_t n;
        int rc = sat_bundle_read(b, e, &p, &n, err);
        free(p);
        return rc;
    }
    buf = malloc(cap);
    if (buf == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    ok = range_ok(b, b->data + e->offset, e->size, e->hash, buf, cap, err);
    free(buf);
    if (ok)
        return 0;
    sat_err_prefix(err, "%s", e->id);
    return SAT_E_HASH;
}

/* ------------------------------------------------------------------------
 * The tar layer, byte for byte
 * ------------------------------------------------------------------------ */

/* n as `digits` octal digits (leading zeros); the caller adds the terminator. */
static void octal_field(unsigned char *f, size_t digits, uint64_t n)
{
    while (digits-- > 0) {
        f[digits] = (unsigned char)('0' + (n & 7));
        n >>= 3;
    }
}

void sat_bundle_tar_header(unsigned char h[512], const char *name, uint64_t size, long long mtime)
{
    uint64_t sum = 0;
    size_t i, n = strlen(name);

    memset(h, 0, BLOCK);
    memcpy(h, name, n > 100 ? 100 : n);
    memcpy(h + 100, "000644 ", 8);
    memcpy(h + 108, "000000 ", 8);
    memcpy(h + 116, "000000 ", 8);
    octal_field(h + 124, 11, size);
    h[135] = ' ';
    octal_field(h + 136, 11, mtime < 0 ? 0 : (uint64_t)mtime);
    h[147] = ' ';
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 329, "000000 ", 8);
    memcpy(h + 337, "000000 ", 8);
    memset(h + 148, ' ', 8);
    for (i = 0; i < BLOCK; i++)
        sum += h[i];
    octal_field(h + 148, 6, sum);
    h[154] = '\0';
    h[155] = ' ';
}

/* Printable, bounded form of a name read from an untrusted header. */
static void safe_name(const unsigned char *p, size_t max, char *out, size_t cap)
{
    size_t i, o = 0;

    for (i = 0; i < max && p[i] != '\0' && o + 5 < cap; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' && p[i] != '\\')
            out[o++] = (char)p[i];
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", p[i]);
    }
    out[o] = '\0';
}

typedef struct lcheck {
    sat_bundle *b;
    long long mtime;
    uint64_t pos; /* where the next header belongs */
    size_t problems;
    int stop; /* the file ended */
    sat_problem_fn fn;
    void *ctx;
    char *buf; /* BLOCK bytes at least */
} lcheck;

static void lproblem(lcheck *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lproblem(lcheck *L, const char *fmt, ...)
{
    char msg[SAT_ERR_MSG_MAX];
    va_list ap;

    L->problems++;
    if (L->problems > 20)
        return;
    if (L->problems == 20) {
        snprintf(msg, sizeof msg, "more tar layer problems; not listing them all");
    } else {
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
    }
    if (L->fn != NULL)
        L->fn(L->ctx, NULL, msg);
}

/* Reads up to n bytes at off; returns how many the file has (short at the end). */
static size_t lread(lcheck *L, uint64_t off, void *buf, size_t n)
{
    sat_bundle *b = L->b;

    if (off >= b->file_size)
        return 0;
    if (n > b->file_size - off)
        n = (size_t)(b->file_size - off);
    if (read_at(b, off, buf, n, NULL) != 0)
        return 0;
    return n;
}

/* The member `name` of `size` bytes belongs at L->pos: its header must be the canonical
 * one; its data, when `data` is given, those bytes; its padding zeros. */
static void lmember(lcheck *L, const char *name, uint64_t size, const void *data)
{
    unsigned char want[BLOCK], *got = (unsigned char *)L->buf;
    uint64_t at = L->pos, pad_at = at + BLOCK + size, end = at + BLOCK + PAD(size);
    size_t n, i;

    L->pos = end;
    if (L->stop)
        return;
    sat_bundle_tar_header(want, name, size, L->mtime);
    n = lread(L, at, got, BLOCK);
    if (n < BLOCK) {
        lproblem(L,
                 "the file is truncated: it ends at byte %llu, inside or before member %s "
                 "(the bundle is %llu bytes long)",
                 (unsigned long long)L->b->file_size, name,
                 (unsigned long long)(L->b->data + L->b->m->head.data_size + 6 * BLOCK +
                                      PAD(L->b->mzlen)));
        L->stop = 1;
        return;
    }
    if (memcmp(got, want, BLOCK) != 0) {
        char found[420];
        if (memcmp(got, want, 100) != 0) {
            safe_name(got, 100, found, sizeof found);
            lproblem(L,
                     "byte %llu: a member named \"%s\" where %s belongs (damaged, or a "
                     "foreign member was added)",
                     (unsigned long long)at, found, name);
        } else if (got[156] != '0') {
            lproblem(L, "byte %llu: member %s is not a regular file (tar type '%c')",
                     (unsigned long long)at, name,
                     got[156] >= 0x20 && got[156] < 0x7f ? got[156] : '?');
        } else if (memcmp(got + 124, want + 124, 12) != 0) {
            lproblem(L, "byte %llu: member %s has the wrong size in its tar header",
                     (unsigned long long)at, name);
        } else {
            lproblem(L,
                     "byte %llu: the tar header of %s differs from the canonical one "
                     "(damaged or altered)",
                     (unsigned long long)at, name);
        }
    }
    if (data != NULL) {
        uint64_t done = 0;
        while (done < size) {
            size_t k = size - done > BLOCK ? BLOCK : (size_t)(size - done);
            if (lread(L, at + BLOCK + done, got, k) != k ||
                memcmp(got, (const char *)data + done, k) != 0) {
                lproblem(L, "member %s (bytes %llu..%llu) differs from the verified copy", name,
                         (unsigned long long)(at + BLOCK), (unsigned long long)(at + BLOCK + size));
                break;
            }
            done += k;
        }
    }
    if (end > pad_at) {
        n = lread(L, pad_at, got, (size_t)(end - pad_at));
        for (i = 0; i < n && got[i] == 0; i++)
            ;
        if (i < n)
            lproblem(L, "byte %llu: non-zero bytes in the padding after %s",
                     (unsigned long long)(pad_at + i), name);
    }
}

/* Checks the whole tar layer against the layout the signed root implies (SPEC 2): every
 * header byte-exact, every padding zero, both copies of signature and root identical, the
 * end blocks, and nothing after them. Returns the number of problems reported. */
static size_t check_tar_layer(sat_bundle *b, sat_problem_fn fn, void *ctx, char *buf)
{
    const sat_manifest *m = b->m;
    lcheck L;
    char name[128];
    size_t i, n;

    memset(&L, 0, sizeof L);
    L.b = b;
    L.fn = fn;
    L.ctx = ctx;
    L.buf = buf;
    sat_time_parse(m->head.created, &L.mtime);
    if (b->head_problem[0] != '\0')
        lproblem(&L, "%s", b->head_problem);
    lmember(&L, SAT_MEMBER_SIG, b->siglen, b->sigtext);
    lmember(&L, SAT_MEMBER_MANIFEST, b->mzlen, b->mz);
    if (m->head.has_dict)
        lmember(&L, SAT_MEMBER_DICT, m->head.dict_size, NULL);
    for (i = 0; i < m->n_pages; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_PAGE_FMT, i);
        lmember(&L, name, m->pages[i].size, NULL);
    }
    if (m->head.has_search)
        lmember(&L, SAT_MEMBER_SEARCH_DOCS, m->head.search_size, NULL);
    for (i = 0; m->head.has_search && i < m->head.n_search_blocks; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_SEARCH_FMT, i);
        lmember(&L, name, m->head.search_blocks[i].size, NULL);
    }
    for (i = 0; i < m->n_clusters; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_CLUSTER_FMT, i);
        lmember(&L, name, m->clusters[i].size, NULL);
    }
    for (i = 0; i < m->n_media; i++) {
        snprintf(name, sizeof name, SAT_MEMBER_MEDIA_PREFIX "%s", m->media[i].id);
        lmember(&L, name, m->media[i].size, NULL);
    }
    lmember(&L, SAT_MEMBER_MANIFEST_COPY, b->mzlen, b->mz);
    lmember(&L, SAT_MEMBER_SIG_COPY, b->siglen, b->sigtext);
    if (!L.stop) {
        n = lread(&L, L.pos, buf, 2 * BLOCK);
        for (i = 0; i < n && buf[i] == 0; i++)
            ;
        if (n < 2 * BLOCK)
            lproblem(&L, "the file is truncated: the tar end blocks are missing");
        else if (i < n)
            lproblem(&L, "byte %llu: the tar end blocks are not zero",
                     (unsigned long long)(L.pos + i));
        if (b->file_size > L.pos + 2 * BLOCK)
            lproblem(&L,
                     "%llu bytes after the end of the bundle, not covered by the signature "
                     "(appended data or a second archive)",
                     (unsigned long long)(b->file_size - L.pos - 2 * BLOCK));
    }
    return L.problems;
}

typedef struct vstate {
    int forged;                 /* signed content that breaks the format was found */
    unsigned char *c, *md, *pg; /* per cluster, media, page: 1 ok, 2 damaged */
    char (*cmsg)[160];
    int dict_bad;
    char search_msg[SAT_ERR_MSG_MAX]; /* set when a part of the search index is damaged */
    const sat_mentry **deep_list; /* text entries left for the deep check */
    size_t n_deep;
} vstate;

/* Names the damaged entries of one intact page. */
static size_t verify_page_entries(sat_bundle *b, size_t pi, vstate *v, int deep, sat_problem_fn fn,
                                  void *ctx)
{
    const sat_mpage *pg = b->pages[pi];
    size_t i, bad = 0;
    sat_err e;

    for (i = 0; i < pg->n; i++) {
        const sat_mentry *en = &pg->entries[i];
        const char *why = NULL;
        char msg[200];
        sat_err_clear(&e);
        if (en->unit == SAT_UNIT_MEDIA) {
            size_t mi = sat_manifest_media_at(b->m, en->offset);
            if (mi == SIZE_MAX || v->md[mi] == 2) {
                snprintf(msg, sizeof msg, "media member at byte %llu is damaged",
                         (unsigned long long)(b->data + en->offset));
                why = msg;
            }
        } else if (v->dict_bad) {
            why = "the compression dictionary is damaged";
        } else if (v->c[en->unit] == 2) {
            why = v->cmsg[en->unit];
        } else if (deep) {
            v->deep_list[v->n_deep++] = en; /* checked cluster by cluster afterwards */
        }
        if (why != NULL) {
            bad++;
            if (fn != NULL)
                fn(ctx, en, why);
        }
    }
    return bad;
}

static int cmp_unit(const void *a, const void *b)
{
    const sat_mentry *x = *(const sat_mentry *const *)a, *y = *(const sat_mentry *const *)b;

    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Deep check: decompress each cluster once and check the content hash of each of its
 * entries (collected from the pages, then sorted by cluster). */
static size_t verify_deep(sat_bundle *b, vstate *v, sat_problem_fn fn, void *ctx)
{
    size_t i, bad = 0;
    sat_err e;

    qsort(v->deep_list, v->n_deep, sizeof *v->deep_list, cmp_unit);
    for (i = 0; i < v->n_deep; i++) {
        const sat_mentry *en = v->deep_list[i];
        const char *why = NULL;
        sat_err_clear(&e);
        if (load_cluster(b, &b->rd, en->unit, SIZE_MAX, &e) != 0) {
            why = e.msg;
            v->forged |= e.code == SAT_E_FORMAT;
        } else if (!hash_ok(b->rd.cbuf + en->offset, (size_t)en->size, en->hash)) {
            why = "content differs from its signed hash (its cluster's signed hash matches: "
                  "made by a broken or hostile signer)";
            v->forged = 1;
        }
        if (why != NULL) {
            bad++;
            if (fn != NULL)
                fn(ctx, en, why);
        }
    }
    return bad;
}

/* Step 1 of verify: the dictionary, every cluster and every media member, read once, in
 * file order, hashed (index pages are hashed where they are parsed). Runs in its own
 * thread while the caller parses the index pages; touches only its own buffer and the
 * vstate arrays (pread on the shared descriptor is safe). */
typedef struct hjob {
    sat_bundle *b;
    vstate *v;
    char *buf;
    size_t cap;
    int any; /* something is damaged */
    sat_progress_fn prog;
    void *prog_ctx;
} hjob;

static void *hash_units(void *arg)
{
    hjob *j = arg;
    sat_bundle *b = j->b;
    const sat_manifest *m = b->m;
    vstate *v = j->v;
    uint64_t total = 0, done = 0;
    size_t i;
    sat_err e;

    for (i = 0; i < m->n_clusters; i++)
        total += m->clusters[i].size;
    for (i = 0; i < m->n_media; i++)
        total += m->media[i].size;
    if (m->head.has_dict && !range_ok(b, b->data + m->head.dict_offset, m->head.dict_size,
                                      m->head.dict_hash, j->buf, j->cap, &e))
        v->dict_bad = j->any = 1;
    if (m->head.has_search && !range_ok(b, b->data + m->head.search_offset, m->head.search_size,
                                        m->head.search_hash, j->buf, j->cap, &e))
        snprintf(v->search_msg, sizeof v->search_msg, "the search index's document table");
    for (i = 0; m->head.has_search && i < m->head.n_search_blocks; i++) {
        const sat_page *t = &m->head.search_blocks[i];
        if (!range_ok(b, b->data + t->offset, t->size, t->hash, j->buf, j->cap, &e) &&
            v->search_msg[0] == '\0')
            snprintf(v->search_msg, sizeof v->search_msg,
                     "the search index's term block %zu (terms from \"%.64s\")", i,
                     t->first_id);
    }
    for (i = 0; i < m->n_clusters; i++) {
        const sat_cluster *c = &m->clusters[i];
        sat_err_clear(&e);
        v->c[i] = range_ok(b, b->data + c->offset, c->size, c->hash, j->buf, j->cap, &e) ? 1 : 2;
        if (v->c[i] == 2) {
            snprintf(v->cmsg[i], sizeof v->cmsg[i], "cluster %zu: %.120s", i, e.msg);
            j->any = 1;
        }
        done += c->size;
        if (j->prog != NULL && (i % 16 == 0 || i + 1 == m->n_clusters))
            j->prog(j->prog_ctx, "verify", done, total);
    }
    for (i = 0; i < m->n_media; i++) {
        const sat_cluster *c = &m->media[i];
        v->md[i] = range_ok(b, b->data + c->offset, c->size, c->hash, j->buf, j->cap, &e) ? 1 : 2;
        j->any |= v->md[i] == 2;
        done += c->size;
        if (j->prog != NULL)
            j->prog(j->prog_ctx, "verify", done, total);
    }
    if (j->prog != NULL)
        j->prog(j->prog_ctx, "verify", total, total);
    return NULL;
}

/* Deep check of the search index (its hashes matched): the document table and every term
 * block parse, every posting list decodes, no character has too many link terms. Returns
 * 0, or the first error (reported). */
static int verify_search_deep(sat_bundle *b, sat_problem_fn fn, void *ctx)
{
    const sat_manifest_head *h = &b->m->head;
    sat_ixlink_run links = {{0}, 0, 0};
    uint8_t *buf = NULL;
    uint32_t *entry = NULL, *dlen = NULL;
    uint64_t total;
    size_t i;
    int rc, parsed = 0; /* 1: the error comes from a parser (not yet marked as signed) */
    char what[64];
    sat_err e;

    sat_err_clear(&e);
    entry = malloc((size_t)h->search_docs * sizeof *entry);
    dlen = malloc((size_t)h->search_docs * sizeof *dlen);
    if (entry == NULL || dlen == NULL) {
        rc = sat_err_set(&e, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = sat_bundle_load_unit(b, h->search_offset, h->search_size, h->search_usize,
                                   h->search_hash, "search document table", &buf, &e)) != 0)
        goto out;
    parsed = 1;
    if ((rc = sat_ixdocs_parse(buf, (size_t)h->search_usize, h->search_docs, b->m->n_entries,
                               entry, dlen, &total, &e)) != 0)
        goto out;
    /* every document is a text entry (entries on damaged pages cannot be checked) */
    for (i = 0; i < h->search_docs; i++) {
        const sat_mentry *en;
        if (sat_bundle_entry(b, entry[i], &en, NULL) == 0 && en->unit == SAT_UNIT_MEDIA) {
            rc = sat_err_set(&e, SAT_E_FORMAT,
                             "search document table: document %zu names the media entry "
                             "\"%.80s\"",
                             i, en->id);
            goto out;
        }
    }
    for (i = 0; i < h->n_search_blocks; i++) {
        const sat_page *t = &h->search_blocks[i];
        sat_ixblock *blk = NULL;
        free(buf);
        buf = NULL;
        parsed = 0;
        snprintf(what, sizeof what, "search term block %zu", i);
        if ((rc = sat_bundle_load_unit(b, t->offset, t->size, t->usize, t->hash, what, &buf,
                                       &e)) != 0)
            goto out;
        parsed = 1;
        rc = sat_ixblock_parse(buf, (size_t)t->usize, t->count, t->first_id,
                               i + 1 < h->n_search_blocks ? h->search_blocks[i + 1].first_id
                                                          : NULL,
                               h->search_docs, 1, &blk, &e);
        buf = NULL; /* the block owned it */
        if (rc == 0)
            rc = sat_ixlink_run_feed(&links, blk, &e);
        sat_ixblock_free(blk);
        if (rc != 0) {
            sat_err_prefix(&e, "term block %zu", i);
            goto out;
        }
    }
out:
    if (rc != 0 && fn != NULL) {
        if (rc == SAT_E_FORMAT && parsed)
            signed_but_malformed(&e);
        fn(ctx, NULL, e.msg);
    }
    free(buf);
    free(entry);
    free(dlen);
    return rc == SAT_E_FORMAT ? rc : 0;
}

int sat_bundle_verify(sat_bundle *b, int deep, sat_problem_fn fn, void *ctx, size_t *n_bad,
                      sat_progress_fn prog, void *prog_ctx, sat_err *err)
{
    const sat_manifest *m = b->m;
    const size_t cap = (size_t)1 << 20;
    vstate v;
    hjob j;
    pthread_t t;
    char *buf = NULL;
    size_t i, bad = 0;
    int rc = 0, threaded, pages_bad = 0;
    sat_err e;

    *n_bad = 0;
    memset(&v, 0, sizeof v);
    v.c = calloc(m->n_clusters + 1, 1);
    v.md = calloc(m->n_media + 1, 1);
    v.pg = calloc(m->n_pages + 1, 1);
    v.cmsg = calloc(m->n_clusters + 1, sizeof *v.cmsg);
    buf = malloc(cap);
    if (deep)
        v.deep_list = malloc((size_t)(m->n_entries + 1) * sizeof *v.deep_list);
    if (v.c == NULL || v.md == NULL || v.pg == NULL || v.cmsg == NULL || buf == NULL ||
        (deep && v.deep_list == NULL)) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }

    /* 1. Hash the other units (a second thread) while this one hashes and parses every page:
     *    a listing that would be refused is not "intact". Pages loaded here alone are
     *    dropped again, so memory stays bounded (deep keeps them: it points into them). */
    memset(&j, 0, sizeof j);
    j.b = b;
    j.v = &v;
    j.buf = buf;
    j.cap = cap;
    j.prog = prog;
    j.prog_ctx = prog_ctx;
    threaded = pthread_create(&t, NULL, hash_units, &j) == 0;
    if (!threaded)
        hash_units(&j);
    for (i = 0; i < m->n_pages; i++) {
        int was_loaded = b->page_state[i] == 1;
        if (load_page(b, i, NULL) != 0)
            pages_bad = 1; /* damaged (state -1), malformed (-2), or its dictionary is */
        else if (!deep && !was_loaded)
            forget_page(b, i);
        v.pg[i] = b->page_state[i] == -1 ? 2 : 1;
    }
    if (threaded)
        pthread_join(t, NULL);
    if (v.dict_bad && fn != NULL)
        fn(ctx, NULL, "the compression dictionary is damaged: no text entry can be read");
    if (v.search_msg[0] != '\0' && fn != NULL) {
        char msg[SAT_ERR_MSG_MAX + 100];
        snprintf(msg, sizeof msg,
                 "%.300s is damaged: search will refuse to run; the entries are not affected",
                 v.search_msg);
        fn(ctx, NULL, msg);
    }
    /* With deep, the search index is parsed too: every posting list decoded. */
    if (deep && m->head.has_search && v.search_msg[0] == '\0')
        v.forged |= verify_search_deep(b, fn, ctx) != 0;

    /* 2. The tar layer around them, byte for byte. */
    check_tar_layer(b, fn, ctx, buf);

    if (!j.any && !pages_bad && !deep)
        goto out; /* every byte matched, every page parsed: no entry to name */

    /* 3. Name the damaged entries through the intact index pages. */
    for (i = 0; i < m->n_pages; i++) {
        int was_loaded = b->page_state[i] == 1;
        sat_err_clear(&e);
        if (v.pg[i] == 2 || load_page(b, i, &e) != 0) {
            char msg[SAT_ERR_MSG_MAX];
            if (v.pg[i] == 2)
                snprintf(msg, sizeof msg,
                         "index page %zu is damaged: its %u entries (from \"%.80s\") cannot be "
                         "listed",
                         i, (unsigned)m->pages[i].count, m->pages[i].first_id);
            else
                snprintf(msg, sizeof msg, "%.400s", e.msg);
            bad += m->pages[i].count;
            v.forged |= v.pg[i] != 2 && e.code == SAT_E_FORMAT;
            if (fn != NULL)
                fn(ctx, NULL, msg);
            continue;
        }
        bad += verify_page_entries(b, i, &v, deep, fn, ctx);
        if (!deep && !was_loaded)
            forget_page(b, i);
    }
    if (deep)
        bad += verify_deep(b, &v, fn, ctx);
    if (v.forged)
        rc = sat_err_set(err, SAT_E_FORMAT,
                         "signed content breaks the format (see above): the bundle was made by a "
                         "broken or hostile signer");
out:
    free(v.deep_list);
    free(v.c);
    free(v.md);
    free(v.pg);
    free(v.cmsg);
    free(buf);
    *n_bad = bad;
    return rc;
}
