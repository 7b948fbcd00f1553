/*
 * cmd_stage.h - the `satchel-pack stage` command (cmd_stage.c).
 */
#ifndef CMD_STAGE_H
#define CMD_STAGE_H

/* Runs `stage` with argv[0] == "stage". Returns the exit status: 0 staged and proven by
 * read-back, 1 failure (a bundle not genuine, no space, read-back mismatch), 2 usage. */
int pack_cmd_stage(int argc, char **argv);

#endif
