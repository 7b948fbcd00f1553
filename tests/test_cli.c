/*
 * test_cli.c - reader/cli.c: the shared command-line helpers (here: a temporary file
 * removed when a signal ends the program, as repair uses it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

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
            cli_remove_on_signal(path);
        if (forget)
            cli_remove_on_signal(NULL);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remove_on_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
