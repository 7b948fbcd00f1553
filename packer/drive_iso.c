/*
 * drive_iso.c - the drive plan written as an ISO 9660 image (Joliet, Rock Ridge, level 3)
 * through libarchive, and read back with libarchive's ISO reader (drive_iso.h).
 */
#include "drive_iso.h"
#include "sat_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DI_BUF (256 * 1024)
/* Files named in a read-back message, at most. */
#define DI_NAMED 3

/* ------------------------------------------------------------------------
 * Volume label
 * ------------------------------------------------------------------------ */

int di_label(const char *in, char out[DI_LABEL_MAX + 1])
{
    const unsigned char *s = (const unsigned char *)(in ? in : "");
    size_t n = 0;
    int has_alnum = 0;

    while (*s != '\0' && n < DI_LABEL_MAX) {
        unsigned char c = *s++;
        char d;
        if (c >= 'a' && c <= 'z')
            d = (char)(c - 'a' + 'A');
        else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            d = (char)c;
        else {
            d = '_';
            /* one '_' for a whole UTF-8 sequence */
            if (c >= 0xC0)
                while ((*s & 0xC0) == 0x80)
                    s++;
        }
        if (d == '_' && (n == 0 || out[n - 1] == '_'))
            continue;
        has_alnum |= d != '_';
        out[n++] = d;
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    if (!has_alnum) {
        snprintf(out, DI_LABEL_MAX + 1, "%s", DI_LABEL_DEFAULT);
        return in != NULL && in[0] != '\0';
    }
    return in == NULL || strcmp(in, out) != 0;
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

typedef struct di_progress {
    sat_progress_fn fn;
    void *ctx;
    const char *stage;
    uint64_t done, total;
} di_progress;

static void progress_add(di_progress *pr, uint64_t n)
{
    pr->done += n;
    if (pr->fn != NULL)
        pr->fn(pr->ctx, pr->stage, pr->done, pr->total);
}

static int archive_fail(struct archive *a, sat_err *err, const char *what, const char *path)
{
    const char *m = archive_error_string(a);
    return sat_err_set(err, SAT_E_IO, "%s %s: %s", what, path, m ? m : "libarchive failed");
}

static void entry_times(struct archive_entry *e, long long t)
{
    archive_entry_set_mtime(e, (time_t)t, 0);
    archive_entry_set_atime(e, (time_t)t, 0);
    archive_entry_set_ctime(e, (time_t)t, 0);
    archive_entry_set_birthtime(e, (time_t)t, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
}

static int put_header(struct archive *a, const char *path, mode_t type, unsigned mode,
                      uint64_t size, long long t, sat_err *err)
{
    struct archive_entry *e = archive_entry_new();
    int r;

    if (e == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory");
    archive_entry_set_pathname_utf8(e, path);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode & 0777);
    archive_entry_set_size(e, (la_int64_t)size);
    entry_times(e, t);
    r = archive_write_header(a, e);
    archive_entry_free(e);
    /* a warning would mean a name or attribute changed on the way: not the plan any more */
    if (r != ARCHIVE_OK)
        return archive_fail(a, err, "cannot add", path);
    return 0;
}

/* The folders of item i that item i-1 did not already bring (paths are in bytewise order,
 * so a folder's items are contiguous), shallowest first. */
static int put_folders(struct archive *a, const dp_plan *p, size_t i, long long t,
                       sat_err *err)
{
    const char *path = dp_item_at(p, i)->path;
    const char *prev = i > 0 ? dp_item_at(p, i - 1)->path : NULL;
    const char *slash;
    char dir[DP_MAX_PATH + 1];
    int rc;

    for (slash = strchr(path, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
        size_t len = (size_t)(slash - path);
        if (len >= sizeof dir)
            return sat_err_set(err, SAT_E_ARG, "path too long: %s", path);
        if (prev != NULL && strncmp(prev, path, len + 1) == 0)
            continue;
        memcpy(dir, path, len);
        dir[len] = '\0';
        if ((rc = put_header(a, dir, AE_IFDIR, 0755, 0, t, err)) != 0)
            return rc;
    }
    return 0;
}

static int put_bytes(struct archive *a, const dp_item *it, const unsigned char *b, size_t n,
                     crypto_generichash_state *h, di_progress *pr, sat_err *err)
{
    la_ssize_t w = archive_write_data(a, b, n);

    if (w < 0 || (size_t)w != n)
        return archive_fail(a, err, "cannot write", it->path);
    crypto_generichash_update(h, b, n);
    progress_add(pr, n);
    return 0;
}

/* The bytes of a file item, read from its source: the size must still be the planned one. */
static int put_file_data(struct archive *a, const dp_item *it, unsigned char *buf,
                         crypto_generichash_state *h, di_progress *pr, sat_err *err)
{
    uint64_t left = it->size;
    struct stat st;
    int fd, rc = 0;
    ssize_t r;

    fd = open(it->src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "cannot open %s: %s", it->src, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot stat %s: %s", it->src, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != it->size) {
        rc = sat_err_set(err, SAT_E_IO, "%s changed since it was planned (size %llu, now %lld)",
                         it->src, (unsigned long long)it->size, (long long)st.st_size);
        goto out;
    }
    while (left > 0) {
        size_t want = left < DI_BUF ? (size_t)left : DI_BUF;
        r = read(fd, buf, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            rc = sat_err_set(err, SAT_E_IO, "cannot read %s: %s", it->src,
                             r < 0 ? strerror(errno) : "the file became shorter");
            goto out;
        }
        if ((rc = put_bytes(a, it, buf, (size_t)r, h, pr, err)) != 0)
            goto out;
        left -= (uint64_t)r;
    }
out:
    close(fd);
    return rc;
}

static int put_item(struct archive *a, dp_item *it, long long t, unsigned char *buf,
                    di_progress *pr, sat_err *err)
{
    crypto_generichash_state h;
    unsigned char got[32];
    int rc;

    if ((rc = put_header(a, it->path, AE_IFREG, it->mode, it->size, t, err)) != 0)
        return rc;
    crypto_generichash_init(&h, NULL, 0, sizeof got);
    if (it->src == NULL)
        rc = it->size == 0 ? 0 : put_bytes(a, it, it->data, (size_t)it->size, &h, pr, err);
    else
        rc = put_file_data(a, it, buf, &h, pr, err);
    if (rc != 0)
        return rc;
    crypto_generichash_final(&h, got, sizeof got);
    if (!it->hashed) {
        memcpy(it->hash, got, sizeof got);
        it->hashed = 1;
    } else if (sodium_memcmp(it->hash, got, sizeof got) != 0) {
        return sat_err_set(err, SAT_E_HASH, "%s changed since it was planned (its hash differs)",
                           it->src ? it->src : it->path);
    }
    return 0;
}

static int set_option(struct archive *a, const char *opt, const char *val, sat_err *err)
{
    if (archive_write_set_format_option(a, "iso9660", opt, val) != ARCHIVE_OK)
        return sat_err_set(err, SAT_E_ARG, "libarchive refuses the ISO 9660 option %s=%s: %s",
                           opt, val ? val : "(off)",
                           archive_error_string(a) ? archive_error_string(a) : "?");
    return 0;
}

/* The whole image into the open file fd. */
static int write_image(dp_plan *p, int fd, const char *shown, const di_opts *o, sat_err *err)
{
    struct archive *a = archive_write_new();
    unsigned char *buf = malloc(DI_BUF);
    di_progress pr = {o->progress, o->progress_ctx, "writing", 0, dp_total_size(p)};
    size_t i;
    int rc = 0;

    if (a == NULL || buf == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if (archive_write_set_format_iso9660(a) != ARCHIVE_OK) {
        rc = archive_fail(a, err, "cannot start the ISO 9660 writer for", shown);
        goto out;
    }
    if ((rc = set_option(a, "iso-level", "3", err)) != 0 ||
        (rc = set_option(a, "joliet", "1", err)) != 0 ||
        /* "strict" keeps the planned modes; the default ("useful", as mkisofs -r) would
         * turn 0644 into 0444 and 0755 into 0555 */
        (rc = set_option(a, "rockridge", "strict", err)) != 0 ||
        (rc = set_option(a, "zisofs", NULL, err)) != 0 ||
        (rc = set_option(a, "volume-id", o->label ? o->label : DI_LABEL_DEFAULT, err)) != 0)
        goto out;
    if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
        rc = archive_fail(a, err, "cannot write", shown);
        goto out;
    }
    for (i = 0; i < dp_count(p) && rc == 0; i++) {
        rc = put_folders(a, p, i, o->mtime, err);
        if (rc == 0)
            rc = put_item(a, dp_item_mut(p, i), o->mtime, buf, &pr, err);
    }
    /* close lays out the volume and copies the data from libarchive's temporary file */
    if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
        rc = archive_fail(a, err, "cannot finish", shown);
out:
    if (a != NULL)
        archive_write_free(a);
    free(buf);
    return rc;
}

int di_write(dp_plan *p, const char *out_path, const di_opts *o, sat_err *err)
{
    char tmp[4096];
    struct stat st;
    int fd = -1, rc = 0, made = 0;

    if (!o->force && lstat(out_path, &st) == 0)
        return sat_err_set(err, SAT_E_EXISTS, "%s already exists (use --force to replace it)",
                           out_path);
    if (snprintf(tmp, sizeof tmp, "%s.partial-XXXXXX", out_path) >= (int)sizeof tmp)
        return sat_err_set(err, SAT_E_ARG, "output path too long: %s", out_path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "cannot create a file beside %s: %s", out_path,
                           strerror(errno));
    made = 1;
    sat_remove_on_signal(tmp); /* Ctrl-C leaves no half-written image */
    if (fchmod(fd, 0644) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot set the mode of %s: %s", tmp, strerror(errno));
        goto out;
    }
    if ((rc = write_image(p, fd, out_path, o, err)) != 0)
        goto out;
    if (fsync(fd) != 0) {
        rc = sat_err_set(err, SAT_E_IO, "cannot flush %s: %s", tmp, strerror(errno));
        goto out;
    }
    /* read back from the disk, not from what the page cache still holds */
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    fd = -1;
    if ((rc = di_readback(tmp, p, o->progress, o->progress_ctx, err)) != 0) {
        sat_err_prefix(err, "the image read back differs from the plan, so it was removed");
        goto out;
    }
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out_path, o->force ? 0 : RENAME_NOREPLACE) != 0) {
        rc = sat_err_set(err, errno == EEXIST ? SAT_E_EXISTS : SAT_E_IO, "cannot rename %s to %s: %s",
                         tmp, out_path, strerror(errno));
        goto out;
    }
    made = 0;
    sat_remove_on_signal(NULL);
    if (sat_fsync_dir_of(out_path) != 0)
        rc = sat_err_set(err, SAT_E_IO, "cannot flush the folder of %s: %s", out_path,
                         strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (made)
        unlink(tmp);
    sat_remove_on_signal(NULL);
    return rc;
}

/* ------------------------------------------------------------------------
 * Read-back
 * ------------------------------------------------------------------------ */

typedef struct di_diff {
    size_t n_bad, n_missing, n_extra;
    char named[SAT_ERR_MSG_MAX];
    size_t n_named;
} di_diff;

static void diff_note(di_diff *d, size_t *count, const char *path, const char *what)
{
    size_t len = strlen(d->named);

    (*count)++;
    if (d->n_named >= DI_NAMED || len + 8 >= sizeof d->named)
        return;
    snprintf(d->named + len, sizeof d->named - len, "%s%.100s: %s", d->n_named ? "; " : "",
             path, what);
    d->n_named++;
}

/* Index of the plan item with exactly this path, or dp_count(p). */
static size_t plan_find(const dp_plan *p, const char *path)
{
    size_t lo = 0, hi = dp_count(p);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(dp_item_at(p, mid)->path, path);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return dp_count(p);
}

/* 1 when some planned path starts with dir + "/". */
static int plan_has_folder(const dp_plan *p, const char *dir)
{
    size_t lo = 0, hi = dp_count(p), len = strlen(dir);

    while (lo < hi) { /* first path >= dir */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(dp_item_at(p, mid)->path, dir) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < dp_count(p); lo++) {
        const char *s = dp_item_at(p, lo)->path;
        if (strncmp(s, dir, len) != 0)
            return 0;
        if (s[len] == '/')
            return 1;
        /* "dir.txt" or "dir-x" sort between dir and dir/: look further */
    }
    return 0;
}

/* Hashes the data of the current entry; *n gets its length. */
static int hash_entry(struct archive *a, unsigned char *buf, unsigned char out[32],
                      uint64_t *n, di_progress *pr)
{
    crypto_generichash_state h;
    la_ssize_t r;

    crypto_generichash_init(&h, NULL, 0, 32);
    *n = 0;
    while ((r = archive_read_data(a, buf, DI_BUF)) > 0) {
        crypto_generichash_update(&h, buf, (size_t)r);
        *n += (uint64_t)r;
        progress_add(pr, (uint64_t)r);
    }
    crypto_generichash_final(&h, out, 32);
    return r < 0 ? -1 : 0;
}

static int check_entry(struct archive *a, struct archive_entry *e, const dp_plan *p,
                       unsigned char *seen, unsigned char *buf, di_diff *d, di_progress *pr,
                       sat_err *err)
{
    const char *name = archive_entry_pathname_utf8(e);
    char clean[DP_MAX_PATH + 2];
    unsigned char got[32];
    const dp_item *it;
    uint64_t n;
    size_t i, len;

    if (name == NULL)
        name = archive_entry_pathname(e);
    if (name == NULL)
        name = "";
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    if (strcmp(name, ".") == 0)
        name = ""; /* the root */
    len = strlen(name);
    if (len >= sizeof clean) {
        diff_note(d, &d->n_extra, "(a long name)", "not in the plan");
        return 0;
    }
    memcpy(clean, name, len + 1);
    while (len > 0 && clean[len - 1] == '/')
        clean[--len] = '\0';
    if (archive_entry_filetype(e) == AE_IFDIR) {
        if (len > 0 && !plan_has_folder(p, clean))
            diff_note(d, &d->n_extra, clean, "a folder not in the plan");
        return 0;
    }
    i = plan_find(p, clean);
    if (i == dp_count(p)) {
        diff_note(d, &d->n_extra, clean, "not in the plan");
        return 0;
    }
    if (archive_entry_filetype(e) != AE_IFREG) {
        diff_note(d, &d->n_bad, clean, "not a regular file");
        return 0;
    }
    if (seen[i]) {
        diff_note(d, &d->n_extra, clean, "twice in the image");
        return 0;
    }
    seen[i] = 1;
    it = dp_item_at(p, i);
    if (hash_entry(a, buf, got, &n, pr) != 0)
        return sat_err_set(err, SAT_E_FORMAT, "cannot read %s back from the image: %s", clean,
                           archive_error_string(a) ? archive_error_string(a) : "?");
    if (n != it->size)
        diff_note(d, &d->n_bad, clean, "size differs");
    else if (sodium_memcmp(got, it->hash, sizeof got) != 0)
        diff_note(d, &d->n_bad, clean, "content differs");
    else if ((unsigned)(archive_entry_perm(e) & 0777) != (it->mode & 0777))
        diff_note(d, &d->n_bad, clean, "mode differs");
    return 0;
}

int di_readback(const char *path, const dp_plan *p, sat_progress_fn fn, void *ctx,
                sat_err *err)
{
    struct archive *a = NULL;
    struct archive_entry *e;
    unsigned char *seen = NULL, *buf = NULL;
    di_progress pr = {fn, ctx, "reading back", 0, dp_total_size(p)};
    di_diff d;
    size_t i;
    int r, rc = 0;

    memset(&d, 0, sizeof d);
    for (i = 0; i < dp_count(p); i++)
        if (!dp_item_at(p, i)->hashed)
            return sat_err_set(err, SAT_E_ARG, "%s has no hash to compare with",
                               dp_item_at(p, i)->path);
    a = archive_read_new();
    seen = calloc(dp_count(p) + 1, 1);
    buf = malloc(DI_BUF);
    if (a == NULL || seen == NULL || buf == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory");
        goto out;
    }
    if (archive_read_support_format_iso9660(a) != ARCHIVE_OK ||
        archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK) {
        rc = sat_err_set(err, SAT_E_IO, "cannot open %s as an ISO 9660 image: %s", path,
                         archive_error_string(a) ? archive_error_string(a) : "?");
        goto out;
    }
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        if ((rc = check_entry(a, e, p, seen, buf, &d, &pr, err)) != 0)
            goto out;
    }
    if (r != ARCHIVE_EOF) {
        rc = sat_err_set(err, SAT_E_FORMAT, "cannot read %s back: %s", path,
                         archive_error_string(a) ? archive_error_string(a) : "?");
        goto out;
    }
    for (i = 0; i < dp_count(p); i++)
        if (!seen[i])
            diff_note(&d, &d.n_missing, dp_item_at(p, i)->path, "missing");
    if (d.n_bad + d.n_missing + d.n_extra > 0)
        rc = sat_err_set(err, SAT_E_HASH,
                         "%s: %zu file(s) differ, %zu missing, %zu not in the plan (%s)", path,
                         d.n_bad, d.n_missing, d.n_extra, d.named);
out:
    if (a != NULL)
        archive_read_free(a);
    free(seen);
    free(buf);
    return rc;
}
