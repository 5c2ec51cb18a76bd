/* berth-shim: parse the arguments, detach, start the container, report on
 * fd 3, then monitor it until it is gone for good. */
#include "shim/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

static struct shim shim; /* static: zeroed, and off the small stack */

static void report(struct shim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct shim *s, const char *fmt, ...) {
  if (s->report_fd < 0) return;
  char b[1200];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b, sizeof b - 1, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if ((size_t)n > sizeof b - 2) n = sizeof b - 2;
  /* One line, whatever the runtime said. */
  for (int i = 0; i < n; i++)
    if (b[i] == '\n' || b[i] == '\r') b[i] = ' ';
  b[n++] = '\n';
  ssize_t w = write(s->report_fd, b, (size_t)n);
  (void)w;
  close(s->report_fd);
  s->report_fd = -1;
}

/* Absolute paths: the daemon runs in its state dir. */
static int absolutize(const char **p, bool must_exist, struct berr *err) {
  static char store[8][PATH_MAX]; /* six path options at most */
  static int used;
  char *dst = store[used];
  if (must_exist) {
    if (!realpath(*p, dst)) return berr_sys(err, "%s", *p);
  } else if ((*p)[0] != '/') {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return berr_sys(err, "getcwd");
    if ((size_t)snprintf(dst, PATH_MAX, "%s/%s", cwd, *p) >= PATH_MAX) return berr_set(err, ENAMETOOLONG, "%s", *p);
  } else
    return 0;
  used++;
  *p = dst;
  return 0;
}

/* Everything that can be wrong with the arguments is found here, before
 * anything is created (the state dir is the only thing made, and last). */
static int prepare(struct shim *s, int argc, char **argv, struct berr *err) {
  struct shim_args *a = &s->args;
  if (args_parse(a, argc, argv, err) < 0) return -1;
  if (absolutize(&a->bundle, true, err) < 0) return berr_wrap(err, "bundle ");
  struct stat st;
  char cfg[PATH_MAX + 16];
  snprintf(cfg, sizeof cfg, "%s/config.json", a->bundle);
  if (stat(cfg, &st) < 0) return berr_sys(err, "bundle %s", cfg);
  if (strchr(a->runtime, '/') && absolutize(&a->runtime, true, err) < 0) return berr_wrap(err, "runtime ");
  if (access(a->runtime, X_OK) < 0) return berr_sys(err, "runtime %s", a->runtime);
  if (health_load(&s->hc, a->health_path, err) < 0) return -1;
  if (absolutize(&a->log_path, false, err) < 0 || absolutize(&a->socket, false, err) < 0 ||
      (a->runtime_root && absolutize(&a->runtime_root, false, err) < 0))
    return -1;
  if (strlen(a->socket) >= 108) return berr_set(err, 0, "--socket %s: longer than a unix socket path allows", a->socket);
  /* The host ports, last of the checks: a port someone else holds fails the start here. */
  for (int i = 0; i < a->n_reserve; i++)
    if (reserve_bind(&a->reserve[i], err) < 0) return -1;
  if (mkdir(a->state_dir, 0700) < 0 && errno != EEXIST) return berr_sys(err, "mkdir %s", a->state_dir);
  if (absolutize(&a->state_dir, true, err) < 0) return -1;
  snprintf(s->state_path, sizeof s->state_path, "%s/state.json", a->state_dir);
  snprintf(s->pid_file, sizeof s->pid_file, "%s/container.pid", a->state_dir);
  snprintf(s->shim_pid_file, sizeof s->shim_pid_file, "%s/shim.pid", a->state_dir);
  snprintf(s->probe_pid_file, sizeof s->probe_pid_file, "%s/probe.pid", a->state_dir);
  s->rt.path = a->runtime;
  s->rt.root = a->runtime_root;
  s->rt.id = a->id;
  s->rt.hide_cgroup2 = a->hide_cgroup2;
  return 0;
}

/* The daemon's own plumbing: session, subreaper, signals, epoll, timers. */
static int setup_daemon(struct shim *s, struct berr *err) {
  setsid();
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return berr_sys(err, "prctl PR_SET_CHILD_SUBREAPER");
  if (chdir(s->args.state_dir) < 0) return berr_sys(err, "chdir %s", s->args.state_dir);
  int null = open("/dev/null", O_RDWR);
  if (null < 0) return berr_sys(err, "open /dev/null");
  for (int i = 0; i < 3; i++) dup2(null, i);
  if (null > 2) close(null);
  umask(022);
  s->st.shim_pid = getpid();
  char b[32];
  int n = snprintf(b, sizeof b, "%d\n", s->st.shim_pid);
  if (write_file_atomic(s->shim_pid_file, b, (size_t)n, err) < 0) return -1;

  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) return berr_sys(err, "sigprocmask");
  sigdelset(&set, SIGHUP); /* blocked and never read: ignored */
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (s->epfd < 0) return berr_sys(err, "epoll_create1");
  s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (s->sigfd < 0) return berr_sys(err, "signalfd");
  if (loop_add(s, s->sigfd, EPOLLIN, T_SIGNAL, 0) < 0) return berr_sys(err, "epoll_ctl");
  for (int t = 0; t < TM_COUNT; t++) {
    s->timers[t] = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (s->timers[t] < 0) return berr_sys(err, "timerfd_create");
    if (loop_add(s, s->timers[t], EPOLLIN, T_TIMER, (uint32_t)t) < 0) return berr_sys(err, "epoll_ctl");
  }
  if (ctl_listen(s, err) < 0) return -1;
  return logw_open(&s->log, s->args.log_path, s->args.log_max_size, s->args.log_max_file, err);
}

static void finish(struct shim *s) {
  ctl_close_all(s);
  container_cleanup_files(s);
  unlink(s->shim_pid_file);
}

/* Docker's codes for a process that could not be started. */
static int start_failure_code(const char *msg) {
  if (strstr(msg, "no such file") || strstr(msg, "not found")) return 127;
  if (strstr(msg, "permission denied")) return 126;
  return 128;
}

int main(int argc, char **argv) {
  struct shim *s = &shim;
  struct berr err = {0};
  /* Only stdio and the report pipe are ours: a descriptor leaked by the
   * starter (a pipe it reads, a socket) must not be held open by us. */
  syscall(SYS_close_range, 4, ~0U, 0);
  s->report_fd = fcntl(3, F_GETFD) >= 0 ? 3 : -1;
  if (s->report_fd >= 0) fcntl(3, F_SETFD, FD_CLOEXEC);
  s->epfd = s->sigfd = s->listen_fd = -1;
  s->out_fd = s->err_fd = s->pty_fd = s->in_fd = -1;
  s->probe.out_fd = -1;
  for (int t = 0; t < TM_COUNT; t++) s->timers[t] = -1;
  for (int i = 0; i < MAX_CLIENTS; i++) s->clients[i].fd = -1;

  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("berth-shim 0.1.0\n");
    return 0;
  }
  if (prepare(s, argc, argv, &err) < 0) {
    fprintf(stderr, "berth-shim: %s\n", err.msg);
    report(s, "error %s", err.msg);
    return 2;
  }
  /* Detach: the starter gets its exit status at once, the daemon lives on
   * reparented, in its own session; only fd 3 still links them. */
  pid_t child = fork();
  if (child < 0) {
    report(s, "error fork: %s", strerror(errno));
    return 1;
  }
  if (child > 0) _exit(0);

  s->st.id = s->args.id;
  s->st.status = ST_CREATED;
  s->st.health = H_NONE;
  s->out.name = "stdout";
  s->err.name = "stderr";
  if (setup_daemon(s, &err) < 0) {
    report(s, "error %s", err.msg);
    finish(s);
    return 1;
  }
  save_state(s); /* "created": the record exists before the runtime is asked */
  if (container_start(s, &err) < 0) {
    snprintf(s->st.error, sizeof s->st.error, "%s", err.msg);
    s->st.status = ST_EXITED;
    s->st.exit_code = start_failure_code(err.msg);
    s->st.finished = now_real();
    s->st.has_finished = true;
    save_state(s);
    report(s, "error %s", err.msg);
    finish(s);
    return 1;
  }
  s->st.status = ST_RUNNING;
  health_begin(s);
  save_state(s);
  report(s, "ok %d", s->st.pid);
  loop_run(s);
  finish(s);
  return 0;
}
