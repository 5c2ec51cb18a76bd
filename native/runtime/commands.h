#ifndef BERTH_RUNTIME_COMMANDS_H
#define BERTH_RUNTIME_COMMANDS_H

#include "common/error.h"

struct globals {
  const char *root;
};

/* Appends an error to --log (when given). */
void log_error(const char *msg);

/* Each returns the process exit status, or -1 with err filled. */
int cmd_create(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_start(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_state(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_kill(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_delete(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_pause(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_resume(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_list(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_run(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_exec(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_ps(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_update(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_events(const struct globals *g, int argc, char **argv, struct berr *err);
int cmd_seccomp_bpf(const struct globals *g, int argc, char **argv, struct berr *err);

#endif
