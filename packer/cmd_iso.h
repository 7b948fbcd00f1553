/*
 * cmd_iso.h - the `satchel-pack iso` command (cmd_iso.c).
 */
#ifndef CMD_ISO_H
#define CMD_ISO_H

/* Runs `iso` with argv[0] == "iso". Returns the exit status: 0 written and proven by
 * read-back, 1 failure (a bundle not genuine, no reader, a read-back mismatch, I/O), 2
 * usage. */
int pack_cmd_iso(int argc, char **argv);

#endif
