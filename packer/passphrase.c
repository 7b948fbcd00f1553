/* passphrase.c - read a passphrase from the terminal (no echo) or a file. */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int read_line_fd(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    char ch;

    for (;;) {
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || ch == '\n')
            break;
        if (n + 1 >= cap)
            return -1;
        buf[n++] = ch;
    }
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    return 0;
}

static int from_tty(const char *prompt, char *buf, size_t cap)
{
    struct termios old, quiet;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    int rc;

    if (fd < 0) {
        fprintf(stderr, "satchel-pack: no terminal to ask for a passphrase; use "
                        "--passphrase-file FILE or --no-passphrase\n");
        return -1;
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        close(fd);
        return -1;
    }
    if (tcgetattr(fd, &old) != 0) {
        close(fd);
        return -1;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    tcsetattr(fd, TCSAFLUSH, &quiet);
    rc = read_line_fd(fd, buf, cap);
    tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0)
        rc = -1;
    close(fd);
    return rc;
}

int pack_passphrase_get(void *ctx, char *buf, size_t cap, int confirm)
{
    const pack_pass_src *src = ctx;
    char again[1024];
    int fd, rc;

    if (src != NULL && src->file != NULL) {
        fd = open(src->file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            fprintf(stderr, "satchel-pack: %s: %s\n", src->file, strerror(errno));
            return -1;
        }
        rc = read_line_fd(fd, buf, cap);
        close(fd);
        if (rc != 0 || buf[0] == '\0') {
            fprintf(stderr, "satchel-pack: %s: no passphrase on its first line\n", src->file);
            return -1;
        }
        return 0;
    }
    if (from_tty("Passphrase: ", buf, cap) != 0)
        return -1;
    if (buf[0] == '\0') {
        fprintf(stderr, "satchel-pack: empty passphrase (use --no-passphrase for an "
                        "unencrypted key)\n");
        return -1;
    }
    if (!confirm)
        return 0;
    if (from_tty("Passphrase (again): ", again, sizeof again) != 0)
        return -1;
    rc = strcmp(buf, again) == 0 ? 0 : -1;
    sodium_memzero(again, sizeof again);
    if (rc != 0)
        fprintf(stderr, "satchel-pack: the passphrases differ\n");
    return rc;
}
