/* sim/cli/commands.h — one function per subcommand; each returns the exit
 * status: 0 all passed, 1 a finding (or unexpected verdict), 2 bad usage or
 * input, 3 a harness failure. */
#ifndef HVSIM_COMMANDS_H
#define HVSIM_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_loops(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_port(int argc, char **argv); /* sim/cli/cmd_port.c → tools/port/port.sh */
int cmd_litmus(int argc, char **argv); /* sim/cli/cmd_litmus.c → sim/litmus/ */

int cmd_audit(int argc, char **argv);

#define EXIT_FINDING 1
#define EXIT_USAGE 2
#define EXIT_HARNESS 3

#endif
