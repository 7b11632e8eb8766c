/* tests/det/backend_blocks.c — a daemon that blocks in read(2) on a pipe
 * nobody writes (a device thread that never answers, say), a call no
 * engine can see into.  The det engine must not hang: it ends the run at
 * the scenario's timeout with TIMEOUT naming read(2) on the pipe. */
#include <hvsim/platform.h>
#include <unistd.h>

void backend_run(void)
{
    int fd[2];
    char c;
    if (pipe(fd) == 0)
        (void)read(fd[0], &c, 1);
}
