/*
 * entry_save.c - writing one verified entry into a folder the user chose
 * (moved out of main.c's extract so the terminal interface saves the same way).
 */
#include "entry_save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void es_file_name(const sat_mentry *e, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s", e->id, sat_kind_is_text(e->kind) ? ".gmi" : "");
}

int es_write_entry(sat_bundle *b, int dirfd, const sat_mentry *e, int force, sat_err *err)
{
    char name[SAT_ID_MAX + 8], tmp[SAT_ID_MAX + 32];
    struct stat sb;
    int fd, rc;

    sat_err_clear(err);
    es_file_name(e, name, sizeof name);
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!force)
            return sat_err_set(err, SAT_E_EXISTS, "%s exists; not overwriting (use --force)", name);
        if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
            return sat_err_set(err, SAT_E_EXISTS, "%s exists and is not a file; not replacing it",
                               name);
    }
    snprintf(tmp, sizeof tmp, ".%s.tmp-%ld", name, (long)getpid());
    fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return sat_err_set(err, SAT_E_IO, "cannot create %s: %s", tmp, strerror(errno));
    rc = sat_bundle_copy(b, e, fd, err);
    if (rc == 0 && fsync(fd) != 0)
        rc = sat_err_set(err, SAT_E_IO, "fsync: %s", strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = sat_err_set(err, SAT_E_IO, "close: %s", strerror(errno));
    if (rc == 0 && renameat(dirfd, tmp, dirfd, name) != 0)
        rc = sat_err_set(err, SAT_E_IO, "rename: %s", strerror(errno));
    if (rc != 0) {
        unlinkat(dirfd, tmp, 0);
        if (rc == SAT_E_IO || rc == SAT_E_NOMEM)
            sat_err_prefix(err, "cannot write %s (the partial file was removed)", name);
        if (rc == SAT_E_IO || rc == SAT_E_NOMEM)
            return SAT_E_IO;
        return rc == SAT_E_FORMAT ? SAT_E_FORMAT : SAT_E_HASH;
    }
    return 0;
}
