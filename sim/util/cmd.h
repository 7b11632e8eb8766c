/* sim/util/cmd.h — run a command, capture its output (no shell involved). */
#ifndef HVSIM_CMD_H
#define HVSIM_CMD_H
#include <stddef.h>
/* Returns the exit status (0..255), 128+signal, or -1 if it could not run.
 * Output (stdout+stderr) goes to out (truncated, NUL-terminated) if out. */
int cmd_capture(char *const argv[], char *out, size_t outlen);
/* Split a command string on spaces into argv (no quoting); returns argc. */
int cmd_split(char *s, char **argv, int max);
#endif
