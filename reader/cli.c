/*
 * cli.c - what satchel-read's commands share: messages, sanitised and JSON printing,
 * opening a bundle through its signature, progress on a terminal.
 */
#include "cli.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sat_text.h"

const char *const cli_prog = "satchel-read";
int cli_forged_seen;

int cli_die_usage(const char *msg)
{
    fprintf(stderr, "%s: %s\nTry '%s --help'.\n", cli_prog, msg, cli_prog);
    return EXIT_USAGE;
}

/* Prints untrusted text to a stream, sanitised. */
void cli_put_safe(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s == NULL)
        return;
    if (sat_text_sanitize(&b, s, strlen(s), 0) == 0 && b.len > 0)
        fwrite(b.data, 1, b.len, f);
    sat_buf_free(&b);
}

void cli_put_json(FILE *f, const char *s)
{
    sat_buf b = {0};

    if (s == NULL) {
        fputs("null", f);
        return;
    }
    if (sat_json_string(&b, s, strlen(s)) == 0 && b.len > 0)
        fwrite(b.data, 1, b.len, f);
    sat_buf_free(&b);
}

int cli_exit_for(int code)
{
    switch (code) {
    case SAT_E_SIG:
    case SAT_E_UNTRUSTED:
    case SAT_E_FORMAT:
    case SAT_E_LIMIT:
        return EXIT_FORGED;
    case SAT_E_HASH:
        return EXIT_DAMAGED;
    default:
        return EXIT_DAMAGED;
    }
}

int cli_open_bundle(const char *path, cli_opts *o, sat_bundle **b)
{
    sat_err err = {0};
    int rc = sat_bundle_open(path, o->keys.keys, o->keys.n, b, &err);

    if (rc != 0) {
        fprintf(stderr, "%s: NOT VERIFIED: ", cli_prog);
        cli_put_safe(stderr, err.msg);
        fputc('\n', stderr);
        return cli_exit_for(rc);
    }
    return 0;
}

void cli_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
    static time_t last;
    time_t now = time(NULL);

    (void)ctx;
    if (!isatty(2) || (now == last && done != total))
        return;
    last = now;
    fprintf(stderr, "\r%s: %s %3d%%", cli_prog, stage, total ? (int)(done * 100 / total) : 100);
    if (done == total)
        fprintf(stderr, "\r%30s\r", "");
}
