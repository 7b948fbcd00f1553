/*
 * sat_file.c - see sat_file.h.
 */
#include "sat_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int sat_pread_full(int fd, void *buf, size_t n, uint64_t off, size_t *got)
{
    size_t done = 0;

    while (done < n) {
        ssize_t r = pread(fd, (unsigned char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *got = done;
            return -1;
        }
        if (r == 0)
            break;
        done += (size_t)r;
    }
    *got = done;
    return 0;
}

int sat_fsync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int fd, rc;

    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        if ((size_t)(slash - path) >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (rc != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    close(fd);
    return 0;
}

static char rm_path[PATH_MAX];
static volatile sig_atomic_t rm_path_set;

static void rm_on_signal(int sig)
{
    if (rm_path_set)
        unlink(rm_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

void sat_remove_on_signal(const char *path)
{
    static int installed;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    size_t i, len;

    rm_path_set = 0;
    if (path == NULL || (len = strlen(path)) >= sizeof rm_path)
        return;
    memcpy(rm_path, path, len + 1);
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = rm_on_signal;
        sigemptyset(&sa.sa_mask);
        for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            sigaction(sigs[i], &sa, NULL);
        installed = 1;
    }
    rm_path_set = 1;
}
