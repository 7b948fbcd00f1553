/*
 * test_file.c - formats/sat_file.c: a temporary file removed when a signal ends the
 * program (as iso and repair use it), full preads, the fsync of a file's folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sat_file.h"

/* Runs a child that creates path, registers it (or not), forgets it (or not) and raises
 * SIGTERM; returns whether path exists afterwards. The child must end by the signal. */
static int survives(const char *path, int do_register, int forget)
{
    int status = 0;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        FILE *f = fopen(path, "w");
        if (f == NULL)
            _exit(3);
        fputs("half a repair\n", f);
        fclose(f);
        if (do_register)
            sat_remove_on_signal(path);
        if (forget)
            sat_remove_on_signal(NULL);
        raise(SIGTERM);
        _exit(4); /* not reached */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    return access(path, F_OK) == 0;
}

static void test_remove_on_signal(void **state)
{
    char dir[] = "/tmp/satchel-cli-XXXXXX", path[64];

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.tmp", dir);
    assert_false(survives(path, 1, 0)); /* registered: removed */
    assert_true(survives(path, 0, 0));  /* not registered: the default action keeps it */
    assert_int_equal(unlink(path), 0);
    assert_true(survives(path, 1, 1)); /* forgotten after the work: kept */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* sat_pread_full reads across short reads up to the end; sat_fsync_dir_of takes the
 * folder of a path, "." for a bare name, and fails for a folder that does not exist. */
static void test_pread_and_fsync(void **state)
{
    char dir[] = "/tmp/satchel-file-XXXXXX", path[64], buf[16];
    size_t got = 99;
    FILE *f;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/f", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("0123456789", f);
    fclose(f);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(sat_pread_full(fd, buf, 4, 3, &got), 0);
    assert_int_equal(got, 4);
    assert_memory_equal(buf, "3456", 4);
    assert_int_equal(sat_pread_full(fd, buf, sizeof buf, 8, &got), 0);
    assert_int_equal(got, 2); /* the end of the file */
    assert_int_equal(sat_pread_full(fd, buf, 4, 100, &got), 0);
    assert_int_equal(got, 0);
    close(fd);
    assert_int_equal(sat_pread_full(-1, buf, 4, 0, &got), -1);
    assert_int_equal(sat_fsync_dir_of(path), 0);
    assert_int_equal(sat_fsync_dir_of("bare-name"), 0);
    assert_int_equal(sat_fsync_dir_of("/no/such/folder/x"), -1);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remove_on_signal),
        cmocka_unit_test(test_pread_and_fsync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
