/*
 * drive_args.c - the options stage and iso share (drive_args.h).
 */
#include "drive_args.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sat_text.h"

const char *drive_args_take(dp_drive_opts *o, const char **readers, int c, const char *arg)
{
    switch (c) {
    case 'r':
        if (o->nreaders == DRIVE_READERS_MAX)
            return "too many --reader options";
        readers[o->nreaders++] = arg;
        return NULL;
    case 'N': o->no_reader = 1; return NULL;
    case 'E': o->export_html = 1; return NULL;
    case 'l':
        if (strcmp(arg, "ko") != 0 && strcmp(arg, "en") != 0)
            return "--lang must be ko or en";
        o->lang = arg;
        return NULL;
    default: return "unknown option";
    }
}

const char *drive_args_finish(dp_drive_opts *o, const char **readers, int argc, char **argv,
                              int first)
{
    if (first >= argc)
        return "give at least one BUNDLE";
    if (o->lang != NULL && !o->export_html)
        return "--lang goes with --export-html";
    if (o->nreaders > 0 && o->no_reader)
        return "--reader and --no-reader exclude each other";
    o->bundles = (const char *const *)(argv + first);
    o->nbundles = (size_t)(argc - first);
    o->readers = readers;
    return NULL;
}

void drive_json_str(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s != NULL && sat_json_string(&b, s, strlen(s)) == 0)
        fwrite(b.data, 1, b.len, f);
    else
        fputs("null", f);
    sat_buf_free(&b);
}

int drive_usage(const char *cmd, const char *msg)
{
    fprintf(stderr, "satchel-pack: %s: %s\nTry 'satchel-pack --help'.\n", cmd, msg);
    return 2;
}

void drive_progress_fn(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    drive_progress *pr = ctx;
    long long now = (long long)time(NULL);

    /* on a terminal the line is redrawn in place; in a log, only the final line */
    if (!pr->on)
        return;
    if (done == total) {
        if (pr->ended)
            return;
        pr->ended = 1;
    } else {
        pr->ended = 0;
        if (now == pr->last || !isatty(2))
            return;
    }
    pr->last = now;
    fprintf(stderr, "%ssatchel-pack: %s%s %3u%% (%.1f of %.1f MB)   %s", isatty(2) ? "\r" : "",
            pr->label ? pr->label : "", stage,
            total ? (unsigned)(done * 100 / total) : 100u, (double)done / 1e6,
            (double)total / 1e6, done == total ? "\n" : "");
}
