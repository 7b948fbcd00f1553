/*
 * pack_parity.c - satchel-pack's side of recovery data (pack_parity.h).
 */
#include "pack_parity.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sat_parity.h"

int pack_parity_percent(const char *s, unsigned *out)
{
    char *end;
    unsigned long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end == '%')
        end++;
    if (*end != '\0' || v < SAT_PARITY_PERCENT_MIN || v > SAT_PARITY_PERCENT_MAX)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* "satchel-pack: parity NN%" on a terminal, at most once a second. */
static void pp_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    static time_t last;
    time_t now = time(NULL);

    (void)ctx;
    if (now == last && done != total)
        return;
    last = now;
    fprintf(stderr, "\rsatchel-pack: %s %3d%%", stage, total ? (int)(done * 100 / total) : 100);
    if (done == total)
        fprintf(stderr, "\r%40s\r", "");
}

void pack_parity_print(const char *bundle, unsigned percent, const char *parity_path)
{
    uint64_t size = 0;
    FILE *f = fopen(bundle, "rb");

    if (f != NULL && fseeko(f, 0, SEEK_END) == 0)
        size = (uint64_t)ftello(f);
    if (f != NULL)
        fclose(f);
    printf("Recovery data %s: %llu bytes (%.1f%% of the bundle); rebuilds up to %u%% of "
           "lost sectors (satchel-read repair)\n",
           parity_path, (unsigned long long)sat_parity_size(size, percent),
           size ? 100.0 * (double)sat_parity_size(size, percent) / (double)size : 0.0, percent);
}

int pack_parity_make(const char *bundle, unsigned percent, const char *out, int flags)
{
    char path[PATH_MAX];
    sat_err err = {0};

    if (out == NULL) {
        if (snprintf(path, sizeof path, "%s%s", bundle, SAT_PARITY_SUFFIX) >= (int)sizeof path) {
            fprintf(stderr, "satchel-pack: %s: path too long\n", bundle);
            return 1;
        }
        out = path;
    }
    if (sat_parity_write(bundle, percent, out,
                         (flags & PACK_PARITY_PROGRESS) && isatty(2) ? pp_progress : NULL, NULL,
                         &err) != 0) {
        fprintf(stderr, "satchel-pack: recovery data not written: %s\n", err.msg);
        return 1;
    }
    if (flags & PACK_PARITY_SUMMARY)
        pack_parity_print(bundle, percent, out);
    return 0;
}

int pack_cmd_parity(int argc, char **argv)
{
    static const struct option opts[] = {{"percent", required_argument, NULL, 'r'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    unsigned percent = 0;
    int quiet = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "r:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (pack_parity_percent(optarg, &percent) != 0) {
                fprintf(stderr, "satchel-pack: --percent must be 1..50\n");
                return 2;
            }
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h':
            printf("Usage: satchel-pack parity BUNDLE --percent P [-o FILE] [--quiet]\n"
                   "Writes recovery data for BUNDLE to FILE (default BUNDLE.parity): up to P%%\n"
                   "(1..50) of the bundle's 2 KiB sectors can then be lost and rebuilt with\n"
                   "satchel-read repair. The parity file is about P%% of the bundle's size.\n");
            return 0;
        default:
            fprintf(stderr, "satchel-pack: parity: unknown option\nTry 'satchel-pack --help'.\n");
            return 2;
        }
    }
    if (optind + 1 != argc || percent == 0) {
        fprintf(stderr, "satchel-pack: parity needs one BUNDLE and --percent P\n"
                        "Try 'satchel-pack --help'.\n");
        return 2;
    }
    return pack_parity_make(argv[optind], percent, out,
                            quiet ? 0 : PACK_PARITY_PROGRESS | PACK_PARITY_SUMMARY);
}
