/*
 * sat_file.h - small file helpers shared by the library and both programs: a pread that
 * does not stop at a short read, and the fsync of the folder a file was renamed into
 * (temp name, fsync, rename, then this, so the new name survives a power cut).
 */
#ifndef SAT_FILE_H
#define SAT_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads n bytes at off, going on after short reads and EINTR. *got is how many were read:
 * less than n only at the end of the file. Returns 0, or -1 with errno on a read error. */
int sat_pread_full(int fd, void *buf, size_t n, uint64_t off, size_t *got);

/* fsyncs the folder that holds path ("." for a bare name, "/" for "/x"). Returns 0, or -1
 * with errno (folder cannot be opened, path too long, fsync failed). */
int sat_fsync_dir_of(const char *path);

/* While path is set, SIGINT, SIGTERM and SIGHUP remove that file (a temporary name the
 * program created: a half-written image or repaired copy) before the program ends as the
 * signal says; NULL forgets it. The path is copied (a path of PATH_MAX bytes or more is not
 * registered). The handlers are installed on the first call with a path; with nothing
 * registered they end the program as the default action does. For commands, not for a
 * program with its own handlers for those signals (the terminal reader, stage). */
void sat_remove_on_signal(const char *path);

#endif
