/*
 * timeit - run a command line repeatedly and report wall time and peak RSS.
 *
 *   timeit RUNS CMD [ARG...]     (the string "{}" in an argument is replaced by the
 *                                 next line of stdin each run, e.g. a random id)
 * Prints: "median_ms p95_ms max_ms max_rss_kb cpu_s" on one line: wall times, the peak RSS
 * of the largest process (the command or one of the children it waited for) and the mean CPU
 * seconds per run (user + system, with those children: wait4's rusage). Output of the command
 * goes to /dev/null. Exits 1 if any run fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int runs, i, k, failed = 0;
    double *ms;
    long max_rss = 0;
    double cpu = 0;
    char line[4096];

    if (argc < 3) {
        fprintf(stderr, "usage: timeit RUNS CMD [ARG...]\n");
        return 2;
    }
    runs = atoi(argv[1]);
    if (runs < 1)
        return 2;
    ms = calloc((size_t)runs, sizeof *ms);
    for (i = 0; i < runs; i++) {
        char **av = calloc((size_t)argc, sizeof *av);
        struct timespec t0, t1;
        struct rusage ru;
        int status;
        pid_t pid;

        line[0] = '\0';
        for (k = 2; k < argc; k++) {
            if (strcmp(argv[k], "{}") == 0) {
                if (line[0] == '\0' && fgets(line, sizeof line, stdin) == NULL) {
                    rewind(stdin); /* fewer lines than runs: start over */
                    if (fgets(line, sizeof line, stdin) == NULL)
                        line[0] = '\0';
                }
                line[strcspn(line, "\n")] = '\0';
                av[k - 2] = line;
            } else {
                av[k - 2] = argv[k];
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
            execvp(av[0], av);
            _exit(127);
        }
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
        ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        cpu += (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        if (ru.ru_maxrss > max_rss)
            max_rss = ru.ru_maxrss;
        free(av);
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
    printf("%.2f %.2f %.2f %ld %.2f\n", ms[runs / 2], ms[(runs * 95 + 99) / 100 - 1], ms[runs - 1],
           max_rss, cpu / runs);
    free(ms);
    return failed;
}
