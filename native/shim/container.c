/* One run of the container: create it through the runtime with pipes (or a
 * terminal) as its stdio, start it, copy its output to the log, and record how
 * it ended (exit code, signal, OOM kill) when it is reaped. */
#include "shim/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUNTIME_TIMEOUT_MS 60000

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static int read_pid_file(const char *path, pid_t *pid, struct berr *err) {
  char b[32] = {0};
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open %s", path);
  ssize_t n = read(fd, b, sizeof b - 1);
  if (n <= 0) return berr_set(err, n < 0 ? errno : 0, "read %s", path);
  long v = strtol(b, NULL, 10);
  if (v <= 0) return berr_set(err, 0, "%s: no pid", path);
  *pid = (pid_t)v;
  return 0;
}

/* Reads "oom_kill N" from memory.oom_control (v1) or memory.events (v2). */
static long read_oom_count(const char *file) {
  if (!file[0]) return -1;
  char b[1024];
  cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, b, sizeof b - 1);
  if (n <= 0) return -1;
  b[n] = '\0';
  char *p = strstr(b, "oom_kill ");
  if (!p) return -1;
  return strtol(p + 9, NULL, 10);
}

/* Finds the container's memory cgroup from /proc/<pid>/cgroup: the v1 memory
 * hierarchy when there is one, else the unified one. */
static void find_oom_file(struct shim *s, pid_t pid) {
  char path[64], b[4096];
  s->oom_file[0] = '\0';
  snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, b, sizeof b - 1);
  if (n <= 0) return;
  b[n] = '\0';
  const char *v2 = NULL;
  for (char *line = b, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *c1 = strchr(line, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2) continue;
    *c2 = '\0';
    const char *ctrls = c1 + 1, *cg = c2 + 1;
    bool mem = false;
    for (const char *q = ctrls; (q = strstr(q, "memory")); q += 6)
      if ((q == ctrls || q[-1] == ',') && (q[6] == '\0' || q[6] == ',')) mem = true;
    if (mem) {
      snprintf(s->oom_file, sizeof s->oom_file, "/sys/fs/cgroup/memory%s/memory.oom_control", cg);
      return;
    }
    if (strcmp(line, "0") == 0 && ctrls[0] == '\0') v2 = cg;
  }
  if (v2) {
    struct stat st;
    const char *mnt = stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified";
    snprintf(s->oom_file, sizeof s->oom_file, "%s%s/memory.events", mnt, v2);
  }
}

/* <state-dir>/console.sock, or a name in /tmp when that path is too long for
 * a socket address (the runtime connects from its bundle dir: no relative path). */
static int console_listen(struct shim *s, struct berr *err) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if ((size_t)snprintf(s->console_path, sizeof s->console_path, "%s/console.sock", s->args.state_dir) >=
      sizeof sa.sun_path)
    snprintf(s->console_path, sizeof s->console_path, "/tmp/berth-console-%d.sock", (int)getpid());
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->console_path);
  unlink(s->console_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return berr_sys(err, "console socket");
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
    berr_sys(err, "console socket %s", s->console_path);
    close(fd);
    return -1;
  }
  return fd;
}

static void delete_quietly(struct shim *s) {
  struct berr e;
  const char *argv[] = {"delete", "--force", s->args.id, NULL};
  runtime_run(&s->rt, argv, RUNTIME_TIMEOUT_MS, &e);
}

int container_start(struct shim *s, struct berr *err) {
  int outp[2] = {-1, -1}, errp[2] = {-1, -1}, inp[2] = {-1, -1};
  int consock = -1, pty = -1, ret = -1;
  const bool tty = s->args.tty;
  if (pipe2(errp, O_CLOEXEC) < 0 || (!tty && pipe2(outp, O_CLOEXEC) < 0) ||
      (!tty && s->args.open_stdin && pipe2(inp, O_CLOEXEC) < 0)) {
    berr_sys(err, "pipe");
    goto out;
  }
  if (tty && (consock = console_listen(s, err)) < 0) goto out;
  unlink(s->pid_file);
  const char *argv[12];
  size_t n = 0;
  argv[n++] = "create";
  argv[n++] = "--bundle";
  argv[n++] = s->args.bundle;
  argv[n++] = "--pid-file";
  argv[n++] = s->pid_file;
  if (tty) {
    argv[n++] = "--console-socket";
    argv[n++] = s->console_path;
  }
  argv[n++] = s->args.id;
  argv[n] = NULL;
  /* With a terminal the runtime's own stdio only carries its messages. */
  pid_t rpid;
  if (runtime_spawn(&s->rt, argv, inp[0], tty ? errp[1] : outp[1], errp[1], &rpid, err) < 0) goto out;
  close_fd(&inp[0]);
  close_fd(&outp[1]);
  close_fd(&errp[1]);
  static char text[4096];
  int status;
  if (runtime_wait(rpid, errp[0], consock, &pty, text, sizeof text, RUNTIME_TIMEOUT_MS, &status, err) < 0) {
    delete_quietly(s);
    goto out;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    char msg[1024];
    runtime_error_text(text, status, msg, sizeof msg);
    if (text[0]) berr_set(err, 0, "%s", msg);
    else berr_set(err, 0, "%s create: %s", s->rt.path, msg);
    delete_quietly(s);
    goto out;
  }
  pid_t pid = 0;
  if (read_pid_file(s->pid_file, &pid, err) < 0) {
    delete_quietly(s);
    goto out;
  }
  if (tty && pty < 0) {
    berr_set(err, 0, "the runtime sent no terminal on the console socket");
    delete_quietly(s);
    goto out;
  }
  find_oom_file(s, pid);
  s->oom_base = read_oom_count(s->oom_file);
  const char *start[] = {"start", s->args.id, NULL};
  if (runtime_run(&s->rt, start, RUNTIME_TIMEOUT_MS, err) < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    delete_quietly(s);
    goto out;
  }
  s->st.pid = pid;
  /* One instant for both clocks: health timing uses the monotonic one. */
  s->st.started = now_real();
  s->st.has_started = true;
  s->run_started_ms = now_mono_ms();
  if (tty) {
    close_fd(&errp[0]);
    set_nonblock(pty);
    s->pty_fd = pty;
    pty = -1;
    loop_add(s, s->pty_fd, EPOLLIN, T_PTY, 0);
    if (s->args.open_stdin) s->in_fd = s->pty_fd;
  } else {
    set_nonblock(outp[0]);
    set_nonblock(errp[0]);
    s->out_fd = outp[0];
    s->err_fd = errp[0];
    outp[0] = errp[0] = -1;
    loop_add(s, s->out_fd, EPOLLIN, T_STDOUT, 0);
    loop_add(s, s->err_fd, EPOLLIN, T_STDERR, 0);
    s->in_fd = inp[1];
    inp[1] = -1;
  }
  ret = 0;
out:
  close_fd(&outp[0]);
  close_fd(&outp[1]);
  close_fd(&errp[0]);
  close_fd(&errp[1]);
  close_fd(&inp[0]);
  close_fd(&inp[1]);
  close_fd(&pty);
  if (consock >= 0) {
    close(consock);
    unlink(s->console_path);
  }
  return ret;
}

/* Reads once (or, when draining, until empty); returns false at end of stream. */
static bool read_stream(struct shim *s, int *fd, enum tag t, bool drain) {
  static char buf[16384];
  for (;;) {
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) { /* EOF, or EIO from a terminal whose other side closed */
      loop_del(s, *fd);
      if (s->in_fd == *fd) s->in_fd = -1;
      close_fd(fd);
      return false;
    }
    struct berr e;
    logstream_feed(&s->log, t == T_STDERR ? &s->err : &s->out, buf, (size_t)n, &e);
    ctl_broadcast_output(s, buf, (size_t)n);
    if (!drain) return true;
  }
}

void container_read(struct shim *s, int fd, enum tag t) {
  int *slot = t == T_STDOUT ? &s->out_fd : t == T_STDERR ? &s->err_fd : &s->pty_fd;
  if (*slot == fd) read_stream(s, slot, t, false);
}

int container_signal(struct shim *s, int sig, struct berr *err) {
  if (s->st.pid <= 0) return berr_set(err, 0, "container %s is not running", s->args.id);
  /* The init is our (reaped-by-us) child: its pid cannot be reused under us. */
  if (kill(s->st.pid, sig) < 0) return berr_sys(err, "kill %d", s->st.pid);
  if (s->st.status == ST_PAUSED && (sig == SIGKILL || sig == SIGTERM || sig == s->args.stop_signal)) {
    /* A frozen process only acts on the signal once thawed. */
    const char *argv[] = {"resume", s->args.id, NULL};
    struct berr e;
    if (runtime_run(&s->rt, argv, RUNTIME_TIMEOUT_MS, &e) == 0) s->st.status = ST_RUNNING;
  }
  return 0;
}

void container_exited(struct shim *s, int status) {
  struct berr e;
  /* Everything the container wrote before dying goes to the log first. */
  if (s->out_fd >= 0) read_stream(s, &s->out_fd, T_STDOUT, true);
  if (s->err_fd >= 0) read_stream(s, &s->err_fd, T_STDERR, true);
  if (s->pty_fd >= 0) read_stream(s, &s->pty_fd, T_PTY, true);
  logstream_flush(&s->log, &s->out, &e);
  logstream_flush(&s->log, &s->err, &e);
  if (s->in_fd >= 0 && s->in_fd != s->pty_fd) close(s->in_fd);
  s->in_fd = -1;
  /* Anything still holding the pipes (an escaped grandchild) is no longer logged. */
  if (s->out_fd >= 0) loop_del(s, s->out_fd), close_fd(&s->out_fd);
  if (s->err_fd >= 0) loop_del(s, s->err_fd), close_fd(&s->err_fd);
  if (s->pty_fd >= 0) loop_del(s, s->pty_fd), close_fd(&s->pty_fd);

  if (WIFSIGNALED(status)) {
    s->st.signal = WTERMSIG(status);
    s->st.exit_code = 128 + s->st.signal;
  } else {
    s->st.signal = 0;
    s->st.exit_code = WEXITSTATUS(status);
  }
  long oom = read_oom_count(s->oom_file);
  s->st.oom_killed = oom > 0 && oom > s->oom_base;
  s->st.pid = 0;
  s->st.finished = now_real();
  s->st.has_finished = true;
  health_end(s);
  timer_disarm(s, TM_STOP);
  delete_quietly(s);
  unlink(s->pid_file);
  container_settle(s);
}

/* After a run ended (or a restart failed): restart later if the policy says
 * so, else record the final state and let the monitor finish. */
void container_settle(struct shim *s) {
  if (!s->stopping && restart_wanted(s)) {
    s->st.status = ST_RESTARTING;
    save_state(s);
    timer_arm(s, TM_RESTART, restart_delay_ms(s));
    return;
  }
  s->st.status = ST_EXITED;
  save_state(s);
  ctl_container_gone(s);
  s->finished = true;
}

void container_cleanup_files(struct shim *s) {
  unlink(s->pid_file);
  unlink(s->probe_pid_file);
  if (s->console_path[0]) unlink(s->console_path);
}
