/*
 * drive_content.c - dp_build_drive: fills a drive plan with the layout of drive_plan.h.
 * Every bundle is opened against the publisher's key and verified in full (deep) before it
 * is planned; readers must be static ELF executables; the web export is built in a temporary
 * folder the plan owns (removed by dp_free); README.txt (drive_readme.c), the key files and
 * CHECKSUMS.b2 are made in memory.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drive_plan.h"
#include "drive_readme.h"
#include "export_html.h"
#include "sat_bundle.h"
#include "sat_parity.h"
#include "sat_text.h"

/* What the bytes of an ELF file say about it. */
typedef struct elf_facts {
    int machine;  /* e_machine */
    int has_interp; /* a PT_INTERP program header: dynamically linked */
} elf_facts;

/* Most program headers read (static executables have about ten). */
#define ELF_PHDR_MAX 256
#define HASH_CHUNK ((size_t)1 << 20)

/* ------------------------------------------------------------------------
 * Bundles
 * ------------------------------------------------------------------------ */

typedef struct problems {
    size_t n;
    char first[256];
} problems;

static void on_problem(void *ctx, const sat_mentry *e, const char *msg)
{
    problems *pr = ctx;

    (void)e;
    if (pr->n++ == 0)
        snprintf(pr->first, sizeof pr->first, "%s", msg);
}

int dp_verify_bundle(const char *path, const sat_pubkey *key, sat_progress_fn fn, void *ctx,
                     sat_err *err)
{
    sat_bundle *b = NULL;
    problems pr = {0, ""};
    size_t nbad = 0;
    int rc;

    if ((rc = sat_bundle_open(path, key, 1, &b, err)) != 0) {
        if (err != NULL && strstr(err->msg, path) == NULL)
            sat_err_prefix(err, "%s", path);
        if (rc == SAT_E_UNTRUSTED)
            sat_err_prefix(err, "not signed by the publisher's key (-p)");
        return rc;
    }
    rc = sat_bundle_verify(b, 1, on_problem, &pr, &nbad, fn, ctx, err);
    if (rc != 0)
        sat_err_prefix(err, "%s", path);
    else if (nbad > 0 || pr.n > 0)
        rc = sat_err_set(err, SAT_E_HASH, "%s: damaged (%zu problems; first: %s)", path,
                         pr.n > nbad ? pr.n : nbad, pr.first);
    sat_bundle_close(b);
    return rc;
}

/* The size of the planned item at path. */
static uint64_t last_size(const dp_plan *p, const char *path)
{
    size_t i;

    for (i = dp_count(p); i-- > 0;)
        if (strcmp(dp_item_at(p, i)->path, path) == 0)
            return dp_item_at(p, i)->size;
    return 0;
}

static int add_bundle(dp_plan *p, const char *path, const sat_pubkey *key,
                      const dp_drive_opts *o, sat_err *err)
{
    const char *name = dp_base_name(path);
    char dst[DP_MAX_PATH + 16], par[PATH_MAX];
    struct stat st;
    sat_err why = {0};
    int rc;

    if ((rc = dp_check_path(name, &why)) != 0)
        return sat_err_set(err, SAT_E_ARG,
                           "%s: the file name cannot go onto FAT32/exFAT/ISO 9660 as it is (%s); "
                           "rename it (letters A-Z a-z, digits, '.', '_', '-', at most %d bytes)",
                           path, why.msg, DP_MAX_NAME);
    /* planned first (sizes checked against the medium), verified after: quick refusals
     * come before the long check */
    if (snprintf(dst, sizeof dst, "satchel/%s", name) >= (int)sizeof dst)
        return sat_err_set(err, SAT_E_ARG, "%s: name too long", path);
    if ((rc = dp_add_file(p, dst, path, 0644, DP_BUNDLE, err)) != 0 ||
        (rc = dp_check_size(dst, last_size(p, dst), o->max_file, err)) != 0)
        return rc;
    if (snprintf(par, sizeof par, "%s.parity", path) >= (int)sizeof par)
        return sat_err_set(err, SAT_E_ARG, "%s: path too long", path);
    if (lstat(par, &st) == 0) {
        if (snprintf(dst, sizeof dst, "satchel/%s.parity", name) >= (int)sizeof dst)
            return sat_err_set(err, SAT_E_ARG, "%s: name too long", par);
        if ((rc = dp_add_file(p, dst, par, 0644, DP_PARITY, err)) != 0 ||
            (rc = dp_check_size(dst, last_size(p, dst), o->max_file, err)) != 0)
            return rc;
    } else if (errno != ENOENT) {
        return sat_err_set(err, SAT_E_IO, "%s: %s", par, strerror(errno));
    }
    return dp_verify_bundle(path, key, o->progress, o->progress_ctx, err);
}

/* ------------------------------------------------------------------------
 * Readers
 * ------------------------------------------------------------------------ */

/* Reads the ELF header and program headers of fd (bounded). */
static int elf_read(int fd, const char *path, elf_facts *f, sat_err *err)
{
    unsigned char h[64], ph[56];
    int is64, le;
    uint64_t phoff;
    unsigned phentsize, phnum, i;

#define U16(b) (le ? (unsigned)((b)[0] | (b)[1] << 8) : (unsigned)((b)[1] | (b)[0] << 8))
#define U32(b) (le ? ((uint32_t)(b)[0] | (uint32_t)(b)[1] << 8 | (uint32_t)(b)[2] << 16 | \
                      (uint32_t)(b)[3] << 24)                                            \
                   : ((uint32_t)(b)[3] | (uint32_t)(b)[2] << 8 | (uint32_t)(b)[1] << 16 | \
                      (uint32_t)(b)[0] << 24))
    memset(f, 0, sizeof *f);
    if (pread(fd, h, sizeof h, 0) < 52 || memcmp(h, ELFMAG, SELFMAG) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "%s: not an ELF executable", path);
    if ((h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) ||
        (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB))
        return sat_err_set(err, SAT_E_FORMAT, "%s: unknown ELF class or byte order", path);
    is64 = h[EI_CLASS] == ELFCLASS64;
    le = h[EI_DATA] == ELFDATA2LSB;
    if (U16(h + 16) != ET_EXEC && U16(h + 16) != ET_DYN)
        return sat_err_set(err, SAT_E_FORMAT, "%s: an ELF file but not an executable", path);
    f->machine = (int)U16(h + 18);
    if (is64) {
        phoff = (uint64_t)U32(h + (le ? 32 : 36)) | (uint64_t)U32(h + (le ? 36 : 32)) << 32;
        phentsize = U16(h + 54);
        phnum = U16(h + 56);
    } else {
        phoff = U32(h + 28);
        phentsize = U16(h + 42);
        phnum = U16(h + 44);
    }
    if (phnum > ELF_PHDR_MAX || phentsize < (is64 ? 56u : 32u) || phoff > (uint64_t)1 << 32)
        return sat_err_set(err, SAT_E_FORMAT, "%s: unusual ELF program headers", path);
    for (i = 0; i < phnum; i++) {
        size_t want = is64 ? 56 : 32;

        if (pread(fd, ph, want, (off_t)(phoff + (uint64_t)i * phentsize)) != (ssize_t)want)
            return sat_err_set(err, SAT_E_FORMAT, "%s: truncated ELF program headers", path);
        if (U32(ph) == PT_INTERP)
            f->has_interp = 1;
    }
#undef U16
#undef U32
    return 0;
}

static int add_reader(dp_plan *p, const char *path, sat_err *err)
{
    elf_facts f;
    const char *dst;
    int fd, rc;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "reader %s: %s", path, strerror(errno));
    rc = elf_read(fd, path, &f, err);
    close(fd);
    if (rc != 0)
        return rc;
    if (f.has_interp)
        return sat_err_set(err, SAT_E_ARG,
                           "reader %s is dynamically linked: it would not run on a machine "
                           "without the same libraries; build the static one with `make "
                           "static-reader` (build/satchel-read-static) and give that",
                           path);
    if (f.machine == EM_X86_64)
        dst = "reader/linux-x86_64/satchel-read";
    else if (f.machine == EM_386)
        dst = "reader/linux-x86/satchel-read";
    else
        return sat_err_set(err, SAT_E_ARG,
                           "reader %s: ELF machine %d is neither x86-64 nor x86 (32-bit)", path,
                           f.machine);
    rc = dp_add_file(p, dst, path, 0755, DP_FILE, err);
    if (rc == SAT_E_EXISTS)
        return sat_err_set(err, SAT_E_ARG, "reader %s: a reader for %s was given already", path,
                           dst);
    return rc;
}

/* The static reader beside this program (the directory of /proc/self/exe), or "" */
static void default_reader(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;
    struct stat st;

    out[0] = '\0';
    if (n <= 0)
        return;
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')) == NULL)
        return;
    *slash = '\0';
    if (snprintf(out, cap, "%s/satchel-read-static", exe) >= (int)cap || stat(out, &st) != 0 ||
        !S_ISREG(st.st_mode))
        out[0] = '\0';
}

/* ------------------------------------------------------------------------
 * Key, web export, checksums
 * ------------------------------------------------------------------------ */

static int add_key(dp_plan *p, const sat_pubkey *key, const char *keyid, const char *fp,
                   sat_buf *b, sat_err *err)
{
    char text[256];
    int n = sat_pubkey_format(key, text, sizeof text), rc;

    if (n < 0)
        return sat_err_set(err, SAT_E_ARG, "cannot format the public key");
    if ((rc = dp_add_mem(p, "key/publisher.pub", text, (size_t)n, 0644, err)) != 0)
        return rc;
    b->len = 0;
    if (dp_readme_fingerprint(b, keyid, fp) != 0)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    return dp_add_mem(p, "key/fingerprint.txt", b->data, b->len, 0644, err);
}

static int add_export(dp_plan *p, const char *bundle, const sat_pubkey *key, const char *tmp,
                      size_t i, rmsg_lang lang, sat_err *err)
{
    char dir[PATH_MAX], prefix[DP_MAX_PATH + 16];
    char *msgs = NULL;
    size_t mlen = 0;
    FILE *mf;
    eh_opts eo;
    int rc;

    if (snprintf(dir, sizeof dir, "%s/web-%zu", tmp, i) >= (int)sizeof dir ||
        dp_web_dir(dp_base_name(bundle), prefix, sizeof prefix) != 0)
        return sat_err_set(err, SAT_E_ARG, "%s: path too long", bundle);
    memset(&eo, 0, sizeof eo);
    eo.keys = key;
    eo.nkeys = 1;
    eo.to = dir;
    eo.lang = lang;
    if ((mf = open_memstream(&msgs, &mlen)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    rc = eh_export(bundle, &eo, mf);
    fclose(mf);
    if (rc != 0) {
        while (mlen > 0 && (msgs[mlen - 1] == '\n' || msgs[mlen - 1] == ' '))
            msgs[--mlen] = '\0';
        rc = sat_err_set(err, SAT_E_IO, "%s: the web export failed (exit %d): %s", bundle, rc,
                         mlen ? msgs : "no message");
        free(msgs);
        return rc;
    }
    free(msgs);
    return dp_add_tree(p, prefix, dir, err);
}

/* Hashes every item not hashed yet, from its source file. */
static int hash_items(dp_plan *p, sat_err *err)
{
    unsigned char *buf = NULL;
    crypto_generichash_state st;
    size_t i;
    int fd = -1, rc = 0;

    for (i = 0; i < dp_count(p) && rc == 0; i++) {
        dp_item *it = dp_item_mut(p, i);
        uint64_t done = 0;
        ssize_t n;

        if (it->hashed)
            continue;
        if (buf == NULL && (buf = malloc(HASH_CHUNK)) == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
        if ((fd = open(it->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: %s", it->src, strerror(errno));
            break;
        }
        crypto_generichash_init(&st, NULL, 0, sizeof it->hash);
        while ((n = read(fd, buf, HASH_CHUNK)) > 0) {
            crypto_generichash_update(&st, buf, (size_t)n);
            done += (uint64_t)n;
        }
        if (n < 0)
            rc = sat_err_set(err, SAT_E_IO, "%s: %s", it->src, strerror(errno));
        else if (done != it->size)
            rc = sat_err_set(err, SAT_E_IO, "%s: changed while the drive was planned (%llu "
                             "bytes, %llu before)", it->src, (unsigned long long)done,
                             (unsigned long long)it->size);
        crypto_generichash_final(&st, it->hash, sizeof it->hash);
        it->hashed = rc == 0;
        close(fd);
    }
    free(buf);
    return rc;
}

/* Every parity file planned must protect the bundle planned beside it, as it is now (a
 * bundle built again without --parity keeps the old file beside it): its header names the
 * size and hash of the file it was made from. Items are hashed already. */
static int check_parity(dp_plan *p, sat_err *err)
{
    size_t i, j, len;
    int rc = 0;

    for (i = 0; i < dp_count(p) && rc == 0; i++) {
        const dp_item *par = dp_item_at(p, i), *b = NULL;
        sat_parity *ph = NULL;
        sat_parity_info info;

        if (par->kind != DP_PARITY)
            continue;
        len = strlen(par->path) - strlen(SAT_PARITY_SUFFIX);
        for (j = 0; j < dp_count(p); j++)
            if (dp_item_at(p, j)->kind == DP_BUNDLE &&
                strncmp(dp_item_at(p, j)->path, par->path, len) == 0 &&
                dp_item_at(p, j)->path[len] == '\0')
                b = dp_item_at(p, j);
        if (b == NULL)
            continue;
        if ((rc = sat_parity_open(par->src, &ph, err)) != 0)
            return sat_err_prefix(err, "%s is not usable recovery data (make it again with "
                                  "satchel-pack parity %s --percent P, or remove it)",
                                  par->src, b->src);
        sat_parity_get_info(ph, &info);
        sat_parity_close(ph);
        if (info.size != b->size || memcmp(info.hash, b->hash, sizeof info.hash) != 0)
            rc = sat_err_set(err, SAT_E_ARG,
                             "%s was made for another bundle, or for an earlier %s: it cannot "
                             "repair this one; make it again (satchel-pack parity %s --percent "
                             "%u) or remove it", par->src, b->src, b->src, info.percent);
    }
    return rc;
}

static int add_checksums(dp_plan *p, sat_buf *b, sat_err *err)
{
    char hex[65];
    size_t i;

    b->len = 0;
    for (i = 0; i < dp_count(p); i++) {
        const dp_item *it = dp_item_at(p, i);

        sodium_bin2hex(hex, sizeof hex, it->hash, sizeof it->hash);
        if (sat_buf_printf(b, "%s  %s\n", hex, it->path) != 0)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    }
    return dp_add_mem(p, "CHECKSUMS.b2", b->data, b->len, 0644, err);
}

/* ------------------------------------------------------------------------
 * dp_build_drive
 * ------------------------------------------------------------------------ */

int dp_build_drive(dp_plan *p, const dp_drive_opts *o, sat_err *err)
{
    sat_pubkey key;
    sat_buf b = {0};
    char def[PATH_MAX], *tmp = NULL, fp[SAT_FINGERPRINT_LEN + 1], keyid[17];
    const char *tbase;
    rmsg_lang lang = RMSG_KO;
    dp_readme_facts rf;
    size_t i;
    int rc;

    memset(&rf, 0, sizeof rf);
    if (o->nbundles == 0)
        return sat_err_set(err, SAT_E_ARG, "no bundle given");
    if (o->lang != NULL && rmsg_lang_parse(o->lang, &lang) != 0)
        return sat_err_set(err, SAT_E_ARG, "unknown language '%s' (ko or en)", o->lang);
    if ((rc = sat_pubkey_load(&key, o->pubkey_path, err)) != 0)
        return sat_err_prefix(err, "publisher key %s", o->pubkey_path);
    /* readers first: refusing one is quick, verifying a big bundle is not */
    for (i = 0; i < o->nreaders; i++)
        if ((rc = add_reader(p, o->readers[i], err)) != 0)
            goto out;
    if (o->nreaders == 0 && !o->no_reader) {
        default_reader(def, sizeof def);
        if (def[0] == '\0') {
            rc = sat_err_set(err, SAT_E_ARG,
                             "no reader to put on the drive: give --reader FILE (a static build, "
                             "`make static-reader`), put satchel-read-static beside this "
                             "program, or say --no-reader");
            goto out;
        }
        if ((rc = add_reader(p, def, err)) != 0)
            goto out;
    }
    for (i = 0; i < o->nbundles; i++)
        if ((rc = add_bundle(p, o->bundles[i], &key, o, err)) != 0)
            goto out;
    sat_pubkey_fingerprint(&key, fp);
    sat_pubkey_keyid(&key, keyid);
    if ((rc = add_key(p, &key, keyid, fp, &b, err)) != 0)
        goto out;
    if (o->export_html) {
        tbase = o->tmpdir != NULL ? o->tmpdir : getenv("TMPDIR");
        if (tbase == NULL || *tbase == '\0')
            tbase = "/tmp";
        if (asprintf(&tmp, "%s/satchel-stage-XXXXXX", tbase) < 0) {
            tmp = NULL;
            rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
            goto out;
        }
        if (mkdtemp(tmp) == NULL) {
            rc = sat_err_set(err, SAT_E_IO, "%s: %s", tmp, strerror(errno));
            goto out;
        }
        if ((rc = dp_own_tmpdir(p, tmp, err)) != 0) {
            rmdir(tmp);
            goto out;
        }
        for (i = 0; i < o->nbundles; i++)
            if ((rc = add_export(p, o->bundles[i], &key, tmp, i, lang, err)) != 0)
                goto out;
    }
    rf.bundles = o->bundles;
    rf.nbundles = o->nbundles;
    rf.web = o->export_html;
    rf.keyid = keyid;
    rf.fingerprint = fp;
    rf.reader64 = dp_has_path(p, "reader/linux-x86_64/satchel-read");
    rf.reader32 = dp_has_path(p, "reader/linux-x86/satchel-read");
    b.len = 0;
    if (dp_readme_text(&b, &rf) != 0) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = dp_add_mem(p, "README.txt", b.data, b.len, 0644, err)) != 0 ||
        (rc = hash_items(p, err)) != 0 || (rc = check_parity(p, err)) != 0 ||
        (rc = add_checksums(p, &b, err)) != 0)
        goto out;
out:
    free(tmp);
    sat_buf_free(&b);
    return rc;
}
