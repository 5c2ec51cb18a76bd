/* start, kill, delete, pause/resume on a recorded container. */
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/container.h"
#include "rt/hooks.h"
#include "rt/spec.h"

/* poststart and poststop: failures are warnings (the spec's rule). */
static void run_late_hooks(const struct cstate *st, enum hook_kind kind, const char *status) {
  struct spec *s = NULL;
  struct berr e;
  if (!st->late_hooks) return;
  if (spec_load(st->bundle, &s, &e) < 0) return; /* the bundle may be gone by delete time */
  if (s->hooks && hooks_run(s->hooks, kind, st->id, status, st->pid, st->bundle, st->annotations, &e) < 0) bwarn("%s", e.msg);
  spec_free(s);
}

/* How long `start` waits for the process to be exec'd (startContainer hooks run before it). */
#define START_WAIT_MS 30000

int container_start(const char *root, const char *id, struct berr *err) {
  struct cstate st;
  cleanup_free char *fifo = NULL;
  if (state_load(root, id, &st, err) < 0) return -1;
  enum cstatus s = state_status(&st);
  int ret = -1;
  if (s != ST_CREATED) {
    berr_set(err, 0, "cannot start a container that is %s", status_name(s));
    goto out;
  }
  fifo = xasprintf("%s/" EXEC_FIFO, st.dir);
  if (!fifo) { berr_set(err, ENOMEM, "start"); goto out; }
  /* Non-blocking: ENXIO means the init is no longer reading (it died). */
  int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO) berr_set(err, 0, "cannot start container %s: its init exited", id);
    else berr_sys(err, "open %s", fifo);
    goto out;
  }
  ssize_t n = write(fd, "0", 1);
  if (n != 1) { berr_sys(err, "write %s", fifo); close(fd); goto out; }
  /* Return once the init has exec'd the process (its read end is close-on-
   * exec: the fifo then has no reader and poll reports POLLERR), as a signal
   * sent right after `start` must reach the process, not the runtime's code
   * (PID 1 of a namespace drops signals it has no handler for). */
  struct pollfd pfd = {.fd = fd, .events = 0};
  while (poll(&pfd, 1, START_WAIT_MS) < 0 && errno == EINTR) {
  }
  close(fd);
  unlink(fifo);
  ret = 0;
  run_late_hooks(&st, HOOK_POSTSTART, "running");
out:
  state_release(&st);
  return ret;
}

static int signal_all(const struct cstate *st, int sig, struct berr *err) {
  pid_t *pids = NULL;
  size_t n = 0;
  if (cgroup_pids(&st->cg, &pids, &n, err) < 0) return -1;
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH) { free(pids); return berr_sys(err, "kill %d", pids[i]); }
  free(pids);
  return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct berr *err) {
  struct cstate st;
  if (state_load(root, id, &st, err) < 0) return -1;
  int ret = -1;
  enum cstatus s = state_status(&st);
  if ((s == ST_STOPPED || st.pid <= 0) && !all) { berr_set(err, 0, "container %s is not running", id); goto out; }
  if (all) ret = signal_all(&st, sig, err);
  else if (kill(st.pid, sig) < 0) berr_sys(err, "kill %d", st.pid);
  else ret = 0;
  /* a frozen container only acts on SIGKILL once thawed; runc leaves it
   * frozen, and so do we: resume delivers the signal */
out:
  state_release(&st);
  return ret;
}

/* Waits until the init and every process of the cgroup are gone. */
static int wait_gone(const struct cstate *st, struct berr *err) {
  for (int i = 0; i < 1000; i++) {
    pid_t *pids = NULL;
    size_t n = 0;
    if (cgroup_pids(&st->cg, &pids, &n, err) < 0) return -1;
    free(pids);
    if (!n && !pid_alive(st->pid, st->starttime)) return 0;
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return berr_set(err, ETIMEDOUT, "container %s did not exit after SIGKILL", st->id);
}

/* True when <root>/<id>/state.json is absent (the id itself is valid). A
 * directory left by a create killed before its first record goes too,
 * unless a live create still holds its lock. */
static bool state_absent(const char *root, const char *id) {
  struct berr e;
  cleanup_free char *dir = NULL;
  if (state_path(root, id, &dir, &e) < 0) return false;
  cleanup_free char *path = xasprintf("%s/state.json", dir);
  if (!path || access(path, F_OK) == 0 || errno != ENOENT) return false;
  cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && access(path, F_OK) < 0) rm_rf(dir, &e);
  return true;
}

int container_delete(const char *root, const char *id, bool force, struct berr *err) {
  struct cstate st;
  /* --force on a container that is already gone succeeds (runc, crun) */
  if (force && state_absent(root, id)) return 0;
  if (state_load(root, id, &st, err) < 0) return -1;
  int ret = -1;
  enum cstatus s = state_status(&st);
  if (s == ST_CREATING) {
    berr_set(err, 0, "container %s is being created", id);
    goto out;
  }
  if ((s == ST_RUNNING || s == ST_PAUSED) && !force) {
    berr_set(err, 0, "cannot delete container %s that is not stopped: %s", id, status_name(s));
    goto out;
  }
  if (s != ST_STOPPED && st.pid > 0) kill(st.pid, SIGKILL);
  /* Processes left in the cgroup (a shared pid namespace, or exec'd ones). */
  if (signal_all(&st, SIGKILL, err) < 0) goto out;
  if (s == ST_PAUSED || cgroup_is_frozen(&st.cg)) cgroup_freeze(&st.cg, false, err);
  if (wait_gone(&st, err) < 0) goto out;
  if (cgroup_destroy(&st.cg, err) < 0) goto out;
  run_late_hooks(&st, HOOK_POSTSTOP, "stopped");
  if (rm_rf(st.dir, err) < 0) goto out;
  ret = 0;
out:
  state_release(&st);
  return ret;
}

int container_pause(const char *root, const char *id, bool pause, struct berr *err) {
  struct cstate st;
  if (state_load(root, id, &st, err) < 0) return -1;
  int ret = -1;
  enum cstatus s = state_status(&st);
  if (pause && s != ST_RUNNING && s != ST_CREATED) berr_set(err, 0, "container %s is not running", id);
  else if (!pause && s != ST_PAUSED) berr_set(err, 0, "container %s is not paused", id);
  else ret = cgroup_freeze(&st.cg, pause, err);
  state_release(&st);
  return ret;
}
