/* Container lifecycle over native/rt: create (the init waits on the exec
 * fifo), start, kill, delete, pause/resume, exec. */
#ifndef BERTH_RT_CONTAINER_H
#define BERTH_RT_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "rt/state.h"

struct create_opts {
  const char *root, *id, *bundle, *pid_file, *console_socket;
  bool no_pivot;
  int preserve_fds;  /* fds 3..3+n-1 are passed to the process */
};

/* Sets the container up; its init is left blocked until container_start.
 * With terminal:true the pty master is sent to console_socket, or returned
 * in *tty_master (when console_socket is NULL and tty_master is not). */
int container_create(const struct create_opts *o, pid_t *pid, int *tty_master, struct berr *err);
int container_start(const char *root, const char *id, struct berr *err);
int container_kill(const char *root, const char *id, int sig, bool all, struct berr *err);
int container_delete(const char *root, const char *id, bool force, struct berr *err);
int container_pause(const char *root, const char *id, bool pause, struct berr *err);

struct exec_opts {
  const char *root, *id, *process_file, *cwd, *user, *pid_file, *console_socket;
  char **args;       /* when no process_file */
  char **env;        /* extra K=V */
  size_t nenv;
  bool tty, tty_set, detach, nnp;
  int preserve_fds;
  char **cap_add;
  size_t ncap_add;
  char **add_gids;   /* --additional-gids */
  size_t nadd_gids;
};
/* Starts a process in the container; *pid is its host pid. */
int container_exec(const struct exec_opts *o, pid_t *pid, int *tty_master, struct berr *err);

/* Internal: the setup handshake between the runtime and a new process. */
int sync_wait_ready(int sock, pid_t pid, int *tty_master, struct berr *err);
struct spec;
/* Same, answering a user namespace request with the spec's id maps, and
 * running the prestart and createRuntime hooks when the init asks (id). */
int sync_wait_ready_maps(int sock, pid_t *pid, int *tty_master, const struct spec *maps, const char *id, struct berr *err);
void sync_report_error(int sock, const struct berr *e);
int sync_ready(int sock);

#endif
