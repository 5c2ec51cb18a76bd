/* Terminals: a pty from the container's own devpts, made the controlling
 * terminal of the container process; the master goes to the caller. */
#ifndef BERTH_RT_TTY_H
#define BERTH_RT_TTY_H

#include "common/error.h"

/* Opens /dev/ptmx (of the current mount namespace) and its slave. */
int tty_open(int *master, int *slave, int rows, int cols, struct berr *err);
/* setsid, the slave becomes the controlling terminal and stdin/out/err. */
int tty_attach_stdio(int slave, struct berr *err);
/* Sends the master over the --console-socket (SCM_RIGHTS), as runc does. */
int tty_send_console(const char *socket_path, int master, struct berr *err);

#endif
