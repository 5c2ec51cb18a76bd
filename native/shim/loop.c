/* The event loop: epoll over the signalfd (SIGCHLD, SIGTERM), the control
 * socket, the container's output, the probe's output and four timerfds. */
#include "shim/monitor.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

int loop_add(struct shim *s, int fd, uint32_t events, enum tag t, uint32_t idx) {
  struct epoll_event ev = {.events = events, .data.u64 = ((uint64_t)t << 32) | idx};
  return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int loop_mod(struct shim *s, int fd, uint32_t events, enum tag t, uint32_t idx) {
  struct epoll_event ev = {.events = events, .data.u64 = ((uint64_t)t << 32) | idx};
  return epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_del(struct shim *s, int fd) { epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL); }

void timer_arm(struct shim *s, enum timer_id t, int64_t ms) {
  if (ms <= 0) ms = 1;
  struct itimerspec its = {.it_value = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000}};
  timerfd_settime(s->timers[t], 0, &its, NULL);
}

void timer_disarm(struct shim *s, enum timer_id t) {
  struct itimerspec its = {0};
  timerfd_settime(s->timers[t], 0, &its, NULL);
}

void save_state(struct shim *s) {
  struct berr e;
  /* Nobody to tell (stdio is /dev/null): the next write retries with the full record. */
  state_save(&s->st, s->state_path, &e);
}

static void reap(struct shim *s) {
  int status;
  pid_t p;
  while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
    if (p == s->st.pid) container_exited(s, status);
    else if (p == s->probe.pid) health_probe_exited(s, status);
    /* Anything else is an orphan reparented to us (we are a subreaper). */
  }
}

static void on_signal(struct shim *s) {
  struct signalfd_siginfo si;
  while (read(s->sigfd, &si, sizeof si) == sizeof si) {
    if (si.ssi_signo == SIGCHLD) {
      reap(s);
    } else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
      /* Asked to go away: stop the container as a stop request would. */
      struct berr e;
      if (!s->stopping || s->st.status == ST_RESTARTING)
        ctl_stop(s, s->args.stop_signal, (int64_t)s->args.stop_timeout * 1000, &e);
    }
  }
  /* A SIGCHLD may have been consumed while a runtime command was waited for. */
  reap(s);
}

static void on_timer(struct shim *s, enum timer_id t) {
  uint64_t ticks;
  if (read(s->timers[t], &ticks, sizeof ticks) != sizeof ticks) return;
  switch (t) {
  case TM_STOP: stop_timeout_fired(s); break;
  case TM_RESTART: restart_fire(s); break;
  case TM_HEALTH: health_timer(s); break;
  case TM_PROBE_TIMEOUT: health_probe_timeout(s); break;
  default: break;
  }
}

int loop_run(struct shim *s) {
  struct epoll_event evs[16];
  reap(s);
  while (!s->finished) {
    int n = epoll_wait(s->epfd, evs, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    for (int i = 0; i < n && !s->finished; i++) {
      enum tag t = (enum tag)(evs[i].data.u64 >> 32);
      uint32_t idx = (uint32_t)evs[i].data.u64;
      switch (t) {
      case T_SIGNAL: on_signal(s); break;
      case T_LISTEN: ctl_accept(s); break;
      case T_CLIENT: ctl_client_event(s, idx, evs[i].events); break;
      case T_STDOUT: container_read(s, s->out_fd, t); break;
      case T_STDERR: container_read(s, s->err_fd, t); break;
      case T_PTY: container_read(s, s->pty_fd, t); break;
      case T_TIMER: on_timer(s, (enum timer_id)idx); break;
      case T_PROBE: if (s->probe.out_fd >= 0) health_probe_read(s); break;
      }
      /* A runtime command run synchronously may have hidden a SIGCHLD from us. */
      if (t != T_SIGNAL && !s->finished) reap(s);
    }
  }
  return 0;
}
