/* Waiting for a child (run, exec): forwards signals to it and, with a
 * terminal, copies stdin → pty master → stdout (stdin in raw mode). */
#ifndef BERTH_RUNTIME_RELAY_H
#define BERTH_RUNTIME_RELAY_H

#include <sys/types.h>

#include "common/error.h"

/* Blocks the forwarded signals; call before creating the child so none is lost. */
int relay_prepare(struct berr *err);
/* Returns the exit code as a shell reports it (128+signal for a signal death). */
int relay_wait(pid_t pid, int master, int *code, struct berr *err);

#endif
