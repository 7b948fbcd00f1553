/*
 * drive_plan.c - the plan container of drive_plan.h: a list of items kept in path order,
 * every path checked against the rules FAT32, exFAT and ISO 9660 (Joliet, Rock Ridge) all
 * accept, and against every other path of the plan ignoring ASCII case, including the
 * folders the paths imply ("A/x" and "a/y" would share one folder on FAT).
 *
 * Case folding uses a hash table of every name the plan holds (file paths and implied
 * folders), folded to lower case, so that adding a tree of 100,000 files stays linear.
 * Items are appended; the array is sorted by path on first access after an out-of-order
 * append.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drive_plan.h"

/* One name the plan holds, folded to lower case: a file or an implied folder. */
typedef struct dp_name {
    char *fold;  /* lower-case path, the hash key; NULL = empty slot */
    char *exact; /* the path as given */
    int is_dir;
} dp_name;

struct dp_plan {
    dp_item *items;
    size_t n, cap;
    int sorted; /* items are in path order */
    dp_name *names;
    size_t nnames, ncap; /* ncap: a power of two, or 0 */
    char **tmpdirs;      /* removed by dp_free (dp_own_tmpdir) */
    size_t ntmp;
};

/* ------------------------------------------------------------------------
 * Create / free
 * ------------------------------------------------------------------------ */

int dp_create(dp_plan **out, sat_err *err)
{
    dp_plan *p = calloc(1, sizeof *p);

    *out = NULL;
    if (p == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
    p->sorted = 1;
    *out = p;
    return 0;
}

static void item_clear(dp_item *it)
{
    free(it->path);
    free(it->src);
    free(it->data);
    memset(it, 0, sizeof *it);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0; /* go on: remove what can be removed */
}

int dp_own_tmpdir(dp_plan *p, const char *dir, sat_err *err)
{
    char **n = realloc(p->tmpdirs, (p->ntmp + 1) * sizeof *n);

    if (n == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
    p->tmpdirs = n;
    if ((n[p->ntmp] = strdup(dir)) == NULL)
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
    p->ntmp++;
    return 0;
}

void dp_free(dp_plan *p)
{
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; i < p->ntmp; i++) {
        nftw(p->tmpdirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(p->tmpdirs[i]);
    }
    free(p->tmpdirs);
    for (i = 0; i < p->n; i++)
        item_clear(&p->items[i]);
    for (i = 0; i < p->ncap; i++) {
        free(p->names[i].fold);
        free(p->names[i].exact);
    }
    free(p->items);
    free(p->names);
    free(p);
}

/* ------------------------------------------------------------------------
 * Path rules
 * ------------------------------------------------------------------------ */

static int name_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
}

/* Windows refuses these as file names whatever the extension (CON, CON.txt). */
static int name_reserved(const char *s, size_t len)
{
    static const char *const dev[] = {"CON", "PRN", "AUX", "NUL"};
    size_t base = 0, i;

    while (base < len && s[base] != '.')
        base++;
    for (i = 0; i < sizeof dev / sizeof dev[0]; i++)
        if (base == 3 && strncasecmp(s, dev[i], 3) == 0)
            return 1;
    return base == 4 && (strncasecmp(s, "COM", 3) == 0 || strncasecmp(s, "LPT", 3) == 0) &&
           s[3] >= '1' && s[3] <= '9';
}

int dp_check_path(const char *path, sat_err *err)
{
    size_t len, depth = 0, start = 0, i;

    if (path == NULL || *path == '\0')
        return sat_err_set(err, SAT_E_ARG, "empty path on the drive");
    len = strlen(path);
    if (len > DP_MAX_PATH)
        return sat_err_set(err, SAT_E_ARG, "'%.64s...': path of %zu bytes, more than %d",
                           path, len, DP_MAX_PATH);
    for (i = 0; i <= len; i++) {
        size_t clen;

        if (path[i] != '/' && path[i] != '\0') {
            if (!name_char_ok((unsigned char)path[i]))
                return sat_err_set(err, SAT_E_ARG,
                                   "'%s': byte 0x%02x at offset %zu is not allowed (only "
                                   "A-Z a-z 0-9 . _ -)",
                                   path, (unsigned char)path[i], i);
            continue;
        }
        clen = i - start;
        if (clen == 0)
            return sat_err_set(err, SAT_E_ARG, "'%s': empty name (leading, trailing or double '/')",
                               path);
        if (clen > DP_MAX_NAME)
            return sat_err_set(err, SAT_E_ARG, "'%s': a name of %zu bytes, more than %d", path,
                               clen, DP_MAX_NAME);
        if (path[start] == '.' || path[start] == '-')
            return sat_err_set(err, SAT_E_ARG, "'%s': a name may not start with '%c'", path,
                               path[start]);
        if (path[i - 1] == '.')
            return sat_err_set(err, SAT_E_ARG, "'%s': a name may not end with '.'", path);
        if (name_reserved(path + start, clen))
            return sat_err_set(err, SAT_E_ARG, "'%s': '%.*s' is a reserved device name on Windows",
                               path, (int)clen, path + start);
        if (++depth > DP_MAX_DEPTH)
            return sat_err_set(err, SAT_E_ARG, "'%s': more than %d levels of folders and names",
                               path, DP_MAX_DEPTH);
        start = i + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Case-insensitive name table
 * ------------------------------------------------------------------------ */

static uint64_t fold_hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        h = (h ^ (uint64_t)(c >= 'A' && c <= 'Z' ? c + 32 : c)) * 1099511628211ULL;
    }
    return h;
}

/* The slot of the name s[0..len) ignoring case: a filled one when present, else the
 * empty one where it would go. The table is never full (see names_grow). */
static dp_name *name_slot(const dp_plan *p, const char *s, size_t len)
{
    size_t mask = p->ncap - 1, i = (size_t)fold_hash(s, len) & mask;

    while (p->names[i].fold != NULL) {
        if (strlen(p->names[i].fold) == len && strncasecmp(p->names[i].fold, s, len) == 0)
            return &p->names[i];
        i = (i + 1) & mask;
    }
    return &p->names[i];
}

static int names_grow(dp_plan *p, size_t need, sat_err *err)
{
    dp_name *old = p->names;
    size_t oldcap = p->ncap, ncap = p->ncap ? p->ncap : 64, i;

    if ((p->nnames + need) * 2 < p->ncap)
        return 0;
    while ((p->nnames + need) * 2 >= ncap) {
        if (ncap > SIZE_MAX / 2 / sizeof(dp_name))
            return sat_err_set(err, SAT_E_NOMEM, "too many names in the drive plan");
        ncap *= 2;
    }
    p->names = calloc(ncap, sizeof(dp_name));
    if (p->names == NULL) {
        p->names = old;
        return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
    }
    p->ncap = ncap;
    for (i = 0; i < oldcap; i++)
        if (old[i].fold != NULL)
            *name_slot(p, old[i].fold, strlen(old[i].fold)) = old[i];
    free(old);
    return 0;
}

static int name_put(dp_name *slot, const char *s, size_t len, int is_dir)
{
    size_t i;

    slot->exact = strndup(s, len);
    slot->fold = strndup(s, len);
    if (slot->exact == NULL || slot->fold == NULL) {
        free(slot->exact);
        free(slot->fold);
        slot->exact = slot->fold = NULL;
        return SAT_E_NOMEM;
    }
    for (i = 0; i < len; i++)
        if (slot->fold[i] >= 'A' && slot->fold[i] <= 'Z')
            slot->fold[i] = (char)(slot->fold[i] + 32);
    slot->is_dir = is_dir;
    return 0;
}

/* Checks path (already obeying the rules) against every name of the plan, then records
 * it and the folders it implies. Nothing is recorded on error. */
static int names_add(dp_plan *p, const char *path, sat_err *err)
{
    size_t len = strlen(path), i, depth = 1;
    const dp_name *hit;
    int rc;

    for (i = 0; i < len; i++)
        depth += path[i] == '/';
    if ((rc = names_grow(p, depth, err)) != 0)
        return rc;
    /* check everything first: the path itself, then each folder it implies */
    hit = name_slot(p, path, len);
    if (hit->fold != NULL)
        return sat_err_set(err, SAT_E_EXISTS,
                           hit->is_dir ? "'%s' clashes with the folder '%s' (FAT ignores case)"
                                       : "'%s' clashes with '%s' (FAT ignores case)",
                           path, hit->exact);
    for (i = 0; i < len; i++) {
        if (path[i] != '/')
            continue;
        hit = name_slot(p, path, i);
        if (hit->fold == NULL)
            continue;
        if (!hit->is_dir)
            return sat_err_set(err, SAT_E_EXISTS,
                               "'%s' needs a folder '%.*s', but the file '%s' is there", path,
                               (int)i, path, hit->exact);
        if (strncmp(hit->exact, path, i) != 0)
            return sat_err_set(err, SAT_E_EXISTS,
                               "'%s': folder '%.*s' clashes with '%s' (FAT ignores case)", path,
                               (int)i, path, hit->exact);
    }
    for (i = 0; i <= len; i++) {
        dp_name *slot;

        if (path[i] != '/' && path[i] != '\0')
            continue;
        slot = name_slot(p, path, i);
        if (slot->fold != NULL)
            continue;
        if (name_put(slot, path, i, i < len) != 0)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
        p->nnames++;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Adding items
 * ------------------------------------------------------------------------ */

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const dp_item *)a)->path, ((const dp_item *)b)->path);
}

/* Appends *it (taking ownership of its pointers on success) after checking its path. */
static int plan_append(dp_plan *p, dp_item *it, sat_err *err)
{
    int rc;

    if ((rc = dp_check_path(it->path, err)) != 0 || (rc = names_add(p, it->path, err)) != 0)
        return rc;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 32;
        dp_item *n = ncap > SIZE_MAX / sizeof *n ? NULL : realloc(p->items, ncap * sizeof *n);

        if (n == NULL)
            return sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
        p->items = n;
        p->cap = ncap;
    }
    if (p->n > 0 && strcmp(p->items[p->n - 1].path, it->path) > 0)
        p->sorted = 0;
    p->items[p->n++] = *it;
    return 0;
}

int dp_add_file(dp_plan *p, const char *path, const char *src, unsigned mode, int kind,
                sat_err *err)
{
    dp_item it;
    struct stat st;
    int fd, rc;

    memset(&it, 0, sizeof it);
    fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s: %s%s", src, strerror(errno),
                           errno == ELOOP ? " (a symlink: give the real file)" : "");
    rc = fstat(fd, &st);
    close(fd);
    if (rc != 0)
        return sat_err_set(err, SAT_E_IO, "%s: %s", src, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sat_err_set(err, SAT_E_ARG, "%s: not a regular file", src);
    it.path = strdup(path);
    it.src = strdup(src);
    if (it.path == NULL || it.src == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
        goto fail;
    }
    it.size = (uint64_t)st.st_size;
    it.mode = mode;
    it.kind = kind;
    if ((rc = plan_append(p, &it, err)) == 0)
        return 0;
fail:
    item_clear(&it);
    return rc;
}

int dp_add_mem(dp_plan *p, const char *path, const void *data, size_t len, unsigned mode,
               sat_err *err)
{
    dp_item it;
    int rc;

    memset(&it, 0, sizeof it);
    it.path = strdup(path);
    it.data = malloc(len ? len : 1);
    if (it.path == NULL || it.data == NULL) {
        rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
        goto fail;
    }
    if (len)
        memcpy(it.data, data, len);
    it.size = len;
    it.mode = mode;
    it.kind = DP_FILE;
    crypto_generichash(it.hash, sizeof it.hash, it.data, len, NULL, 0);
    it.hashed = 1;
    if ((rc = plan_append(p, &it, err)) == 0)
        return 0;
fail:
    item_clear(&it);
    return rc;
}

/* Adds the tree under the open folder dfd (its path src, its place rel on the drive). */
static int add_tree_at(dp_plan *p, int dfd, const char *src, const char *rel, int depth,
                       sat_err *err)
{
    DIR *d = NULL;
    struct dirent *de;
    char *csrc = NULL, *crel = NULL;
    int rc = 0, cfd;
    struct stat st;

    if (depth > DP_MAX_DEPTH)
        return sat_err_set(err, SAT_E_ARG, "%s: folders nested more than %d deep", src,
                           DP_MAX_DEPTH);
    d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return sat_err_set(err, SAT_E_IO, "%s: %s", src, strerror(errno));
    }
    while (rc == 0) {
        errno = 0;
        if ((de = readdir(d)) == NULL) {
            if (errno != 0)
                rc = sat_err_set(err, SAT_E_IO, "%s: %s", src, strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        free(csrc);
        free(crel);
        csrc = crel = NULL;
        if (asprintf(&csrc, "%s/%s", src, de->d_name) < 0)
            csrc = NULL;
        if (asprintf(&crel, "%s/%s", rel, de->d_name) < 0)
            crel = NULL;
        if (csrc == NULL || crel == NULL) {
            rc = sat_err_set(err, SAT_E_NOMEM, "out of memory for the drive plan");
            break;
        }
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = sat_err_set(err, SAT_E_IO, "%s: %s", csrc, strerror(errno));
        } else if (S_ISLNK(st.st_mode)) {
            rc = sat_err_set(err, SAT_E_ARG, "%s: a symlink (a drive holds no symlinks)", csrc);
        } else if (S_ISDIR(st.st_mode)) {
            if ((rc = dp_check_path(crel, err)) != 0)
                break;
            cfd = openat(dirfd(d), de->d_name,
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (cfd < 0)
                rc = sat_err_set(err, SAT_E_IO, "%s: %s", csrc, strerror(errno));
            else
                rc = add_tree_at(p, cfd, csrc, crel, depth + 1, err);
        } else if (S_ISREG(st.st_mode)) {
            rc = dp_add_file(p, crel, csrc, 0644, DP_FILE, err);
        } else {
            rc = sat_err_set(err, SAT_E_ARG, "%s: not a regular file or folder", csrc);
        }
    }
    free(csrc);
    free(crel);
    closedir(d);
    return rc;
}

int dp_add_tree(dp_plan *p, const char *prefix, const char *dir, sat_err *err)
{
    int fd, rc;

    if ((rc = dp_check_path(prefix, err)) != 0)
        return rc;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "%s: %s", dir, strerror(errno));
    return add_tree_at(p, fd, dir, prefix, 1, err);
}

/* ------------------------------------------------------------------------
 * Access
 * ------------------------------------------------------------------------ */

/* Sorts on first access after an out-of-order append. The plan is always allocated
 * writable (dp_create), so sorting through a const pointer is sound. */
static dp_plan *plan_sorted(const dp_plan *cp)
{
    dp_plan *p = (dp_plan *)cp;

    if (!p->sorted) {
        qsort(p->items, p->n, sizeof *p->items, item_cmp);
        p->sorted = 1;
    }
    return p;
}

size_t dp_count(const dp_plan *p)
{
    return p->n;
}

const dp_item *dp_item_at(const dp_plan *p, size_t i)
{
    return i < p->n ? &plan_sorted(p)->items[i] : NULL;
}

dp_item *dp_item_mut(dp_plan *p, size_t i)
{
    return i < p->n ? &plan_sorted(p)->items[i] : NULL;
}

int dp_has_path(const dp_plan *p, const char *path)
{
    const dp_name *hit;

    if (p->ncap == 0)
        return 0;
    hit = name_slot(p, path, strlen(path));
    return hit->fold != NULL && !hit->is_dir && strcmp(hit->exact, path) == 0;
}

int dp_check_size(const char *path, uint64_t size, uint64_t max, sat_err *err)
{
    if (max == 0 || size <= max)
        return 0;
    if (max == DP_FAT32_MAX_FILE)
        return sat_err_set(err, SAT_E_LIMIT,
                           "%s is %llu bytes: FAT32 holds files of at most 4 GiB - 1 "
                           "(4294967295 bytes); format the drive as exFAT, or split the "
                           "bundle (build --max-size / --media usb-4g)",
                           path, (unsigned long long)size);
    return sat_err_set(err, SAT_E_LIMIT, "%s is %llu bytes: the medium holds files of at most "
                       "%llu bytes", path, (unsigned long long)size, (unsigned long long)max);
}

uint64_t dp_total_size(const dp_plan *p)
{
    uint64_t t = 0;
    size_t i;

    for (i = 0; i < p->n; i++)
        t += p->items[i].size;
    return t;
}
