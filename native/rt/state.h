/* Runtime state of one container: <root>/<id>/state.json plus the exec
 * fifo that marks the "created" status (as runc keeps it). */
#ifndef BERTH_RT_STATE_H
#define BERTH_RT_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/json.h"
#include "rt/cgroup.h"

enum cstatus { ST_CREATING, ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED };

struct cstate {
  struct json *j;
  char *dir;
  const char *id, *bundle, *rootfs, *created;
  pid_t pid;
  unsigned long long starttime;
  struct cgroup cg;
  struct json *annotations;
  bool late_hooks;  /* poststart/poststop hooks to run (config.json has them) */
};

#define OCI_VERSION "1.0.2"
#define EXEC_FIFO "exec.fifo"

/* Validates the id and returns <root>/<id>. */
int state_path(const char *root, const char *id, char **out, struct berr *err);
int state_save(const char *dir, const char *id, pid_t pid, unsigned long long starttime, const char *bundle,
               const char *rootfs, const struct cgroup *cg, const struct json *annotations, bool late_hooks,
               struct berr *err);
int state_load(const char *root, const char *id, struct cstate *st, struct berr *err);
void state_release(struct cstate *st);
enum cstatus state_status(const struct cstate *st);
const char *status_name(enum cstatus s);
/* The OCI state JSON ("state" command). */
void state_json(const struct cstate *st, enum cstatus s, struct jbuf *b);

unsigned long long pid_starttime(pid_t pid);
/* Alive and not a zombie, and still the same process (start time). */
bool pid_alive(pid_t pid, unsigned long long starttime);

#endif
