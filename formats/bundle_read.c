/*
 * bundle_read.c - opens a bundle through its signature, then serves entries
 * only after their hashes match: open, index pages, entries, single reads, copy
 * and check. Batch reads on threads are in bundle_batch.c, the tar layer check
 * and verify in bundle_verify.c; the handle they share is in bundle_internal.h.
 *
 * Open: the first tar member must be the signature. Its trusted comment says
 * where the compressed manifest lies; that claim is only used, bounded, to
 * find the bytes the signature covers, and is trusted once the global
 * signature over it verifies. zstd sees the manifest only after the
 * signature matched, and clusters only after their hash matched.
 */
#include "bundle_internal.h"

#include <errno.h>
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

/* ------------------------------------------------------------------------
 * Low-level reads
 * ------------------------------------------------------------------------ */

int bundle_read_at(sat_bundle *b, uint64_t off, void *buf, size_t n, sat_err *err)
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
    unsigned char h[BUNDLE_BLOCK];
    uint64_t sum = 0, want, size;
    size_t i, nlen = strlen(name);
    int rc;

    if ((rc = bundle_read_at(b, off, h, BUNDLE_BLOCK, err)) != 0)
        return rc;
    if (memcmp(h + 257, "ustar", 5) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "%s: no ustar header at byte %llu (not a bundle?)",
                           b->path, (unsigned long long)off);
    for (i = 0; i < BUNDLE_BLOCK; i++)
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
        return strncmp(tc, "satchel-bundle v", 16) == 0 ? -3 : -1;
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
    sig_hdr = tail ? b->file_size - 4 * BUNDLE_BLOCK : 0;
    if ((rc = check_header(b, sig_hdr, sig_name, BUNDLE_BLOCK - 1, &siglen, err)) != 0)
        return rc;
    sigtext = malloc(siglen + 1);
    if (sigtext == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    if ((rc = bundle_read_at(b, sig_hdr + BUNDLE_BLOCK, sigtext, siglen, err)) != 0)
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
    case -3:
        rc = sat_err_set(err, SAT_E_SIG,
                         "bundle format version %.*s is not supported by this reader (it reads "
                         "version %d)",
                         (int)(strspn(sig.trusted_comment + 16, "0123456789") > 8
                                   ? 8
                                   : strspn(sig.trusted_comment + 16, "0123456789")),
                         sig.trusted_comment + 16, SAT_FORMAT_VERSION);
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
        uint64_t need = BUNDLE_BLOCK + BUNDLE_PAD(t->mzlen);
        if (sig_hdr < need + SAT_MANIFEST_OFFSET) {
            rc = sat_err_set(err, SAT_E_FORMAT, "too short for its manifest copy");
            goto out;
        }
        man_hdr = sig_hdr - need;
    } else {
        man_hdr = t->moff - BUNDLE_BLOCK;
    }
    if ((rc = check_header(b, man_hdr, man_name, SAT_MANIFEST_ZMAX, &mzsize, err)) != 0)
        goto out;
    if (mzsize != t->mzlen) {
        rc = sat_err_set(err, SAT_E_FORMAT, "manifest member size differs from the signed size");
        goto out;
    }
    if (man_hdr + BUNDLE_BLOCK > b->file_size || t->mzlen > b->file_size - man_hdr - BUNDLE_BLOCK) {
        rc = sat_err_set(err, SAT_E_FORMAT, "truncated: the manifest lies beyond the end");
        goto out;
    }
    mz = malloc(t->mzlen ? t->mzlen : 1);
    if (mz == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = bundle_read_at(b, man_hdr + BUNDLE_BLOCK, mz, t->mzlen, err)) != 0)
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
    if (b->file_size < 4 * BUNDLE_BLOCK) {
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
    b->data = SAT_MANIFEST_OFFSET + BUNDLE_PAD(b->mzlen);

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
    if (b->m->head.collection.present) {
        /* the id is derived (SPEC 4.3), so a volume cannot join another signer's collection */
        const sat_manifest_head *h = &b->m->head;
        uint8_t cid[SAT_COLLECTION_ID_BYTES];
        sat_collection_derive(sat_bundle_signer(b), h->created, h->seq, h->title, h->publisher,
                              cid);
        if (memcmp(cid, h->collection.id, sizeof cid) != 0) {
            rc = sat_err_set(err, SAT_E_FORMAT,
                             "%s: manifest line 7: the collection id is not the one the signer's "
                             "key, date, sequence, title and publisher give",
                             path);
            goto fail;
        }
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

static int load_dict(sat_bundle *b, sat_err *err);

int bundle_signed_but_malformed(sat_err *err)
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

int bundle_fetch_page(sat_bundle *b, sat_zstd *z, size_t pi, sat_mpage **out, signed char *state,
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
    if ((rc = bundle_read_at(b, b->data + pg->offset, zb, (size_t)pg->size, err)) != 0) {
        if (rc == SAT_E_HASH) /* cut off or unreadable: damaged like a wrong hash */
            *state = -1;
        goto out;
    }
    if (!bundle_hash_ok(zb, (size_t)pg->size, pg->hash)) {
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
        rc = bundle_signed_but_malformed(err);
        *state = -2;
    }
out:
    free(zb);
    free(t);
    return rc;
}

void bundle_page_done(sat_bundle *b, size_t pi, int rc, sat_mpage *pg, signed char state,
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

int bundle_load_page(sat_bundle *b, size_t pi, sat_err *err)
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
    rc = bundle_fetch_page(b, NULL, pi, &pg, &state, err);
    bundle_page_done(b, pi, rc, pg, state, err);
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
    if ((rc = bundle_load_page(b, pi, err)) != 0)
        return rc;
    *e = &b->pages[pi]->entries[i - b->m->pages[pi].first];
    return 0;
}

void bundle_forget_page(sat_bundle *b, size_t i)
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
        bundle_forget_page(b, i);
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
        bundle_forget_page(b, (size_t)lru[i][1]);
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
    if ((rc = bundle_load_page(b, pi, err)) != 0)
        return rc;
    *e = sat_mpage_find(b->pages[pi], id);
    if (*e == NULL)
        return sat_err_set(err, SAT_E_NOTFOUND, "no entry \"%.100s\" in this bundle", id);
    return 0;
}

/* ------------------------------------------------------------------------
 * Content
 * ------------------------------------------------------------------------ */

int bundle_hash_ok(const void *p, size_t n, const uint8_t want[SAT_HASH_BYTES])
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
    if ((rc = bundle_read_at(b, b->data + h->dict_offset, d, h->dict_size, err)) != 0)
        goto out;
    if (!bundle_hash_ok(d, h->dict_size, h->dict_hash)) {
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

int bundle_load_cluster(sat_bundle *b, creader *r, size_t unit, size_t need, sat_err *err)
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
    if ((rc = bundle_read_at(b, b->data + c->offset, r->zbuf, (size_t)c->size, err)) != 0)
        return rc;
    if (!bundle_hash_ok(r->zbuf, (size_t)c->size, c->hash))
        return sat_err_set(err, SAT_E_HASH, "cluster %zu (bytes %llu..%llu) is damaged", unit,
                           (unsigned long long)(b->data + c->offset),
                           (unsigned long long)(b->data + c->offset + c->size));
    rc = sat_zstd_decompress_prefix(r->z != NULL ? r->z : b->z, r->zbuf, (size_t)c->size, r->cbuf,
                                    (size_t)c->usize, need, err);
    if (rc != 0) {
        sat_err_prefix(err, "cluster %zu", unit);
        return rc == SAT_E_NOMEM ? rc : bundle_signed_but_malformed(err);
    }
    r->unit = unit;
    r->len = need;
    return 0;
}

int bundle_reads_cluster(const sat_mentry *e)
{
    return e->unit != SAT_UNIT_MEDIA && e->size <= SAT_READ_MAX;
}

int bundle_read_entry(sat_bundle *b, creader *r, const sat_mentry *e, char **out, size_t *len,
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
        rc = bundle_read_at(b, b->data + e->offset, buf, (size_t)e->size, err);
    } else {
        rc = bundle_load_cluster(b, r, e->unit, (size_t)(e->offset + e->size), err);
        if (rc == 0)
            memcpy(buf, r->cbuf + e->offset, (size_t)e->size);
    }
    if (rc == 0 && !bundle_hash_ok(buf, (size_t)e->size, e->hash)) {
        if (e->unit == SAT_UNIT_MEDIA) {
            rc = sat_err_set(err, SAT_E_HASH, "%s: content does not match its signed hash", e->id);
        } else {
            /* the cluster matched its signed hash: the signer wrote a wrong entry hash */
            sat_err_set(err, SAT_E_FORMAT, "%s: content differs from its signed hash", e->id);
            rc = bundle_signed_but_malformed(err);
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
    return bundle_read_entry(b, &b->rd, e, out, len, err);
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
        if ((rc = bundle_read_at(b, b->data + e->offset + done, buf, n, err)) != 0)
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

int bundle_range_ok(sat_bundle *b, uint64_t off, uint64_t size, const uint8_t want[SAT_HASH_BYTES],
                    char *buf, size_t cap, sat_err *err)
{
    crypto_generichash_state st;
    uint8_t h[SAT_HASH_BYTES];
    uint64_t done = 0;

    crypto_generichash_init(&st, NULL, 0, SAT_HASH_BYTES);
    while (done < size) {
        size_t n = size - done > cap ? cap : (size_t)(size - done);
        if (bundle_read_at(b, off + done, buf, n, err) != 0)
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
    if ((rc = bundle_read_at(b, b->data + offset, z, (size_t)size, err)) != 0)
        goto fail;
    if (!bundle_hash_ok(z, (size_t)size, hash)) {
        rc = sat_err_set(err, SAT_E_HASH, "%s (bytes %llu..%llu) is damaged", what,
                         (unsigned long long)(b->data + offset),
                         (unsigned long long)(b->data + offset + size));
        goto fail;
    }
    if ((rc = sat_zstd_decompress(b->pz, z, (size_t)size, (char *)t, (size_t)usize, err)) != 0) {
        sat_err_prefix(err, "%s", what);
        rc = bundle_signed_but_malformed(err);
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
    ok = bundle_range_ok(b, b->data + e->offset, e->size, e->hash, buf, cap, err);
    free(buf);
    if (ok)
        return 0;
    sat_err_prefix(err, "%s", e->id);
    return SAT_E_HASH;
}
