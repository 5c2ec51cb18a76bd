/* Healthchecks, as Docker runs them: a probe (CMD or CMD-SHELL) executed in
 * the container through `runtime exec` every interval (start_interval while
 * the start period lasts and the status is still "starting"), killed after
 * timeout; failures inside start_period do not count; `retries` failures in a
 * row make it unhealthy, one success healthy. The last 5 results are kept. */
#include "shim/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#define SEC 1000LL

struct load_ctx {
  struct health_cfg *hc;
  struct berr *err;
};

static int ns_field(const char *key, const char *val, const char *vend, int64_t *out, struct berr *err) {
  double v;
  if (json_get_num(val, vend, &v) < 0 || v < 0) return berr_set(err, 0, "health: %s must be a non-negative number", key);
  *out = (int64_t)(v / 1e6);
  if (v > 0 && *out == 0) *out = 1;
  return 0;
}

static int load_member(void *ctx, const char *key, const char *val, const char *vend) {
  struct load_ctx *c = ctx;
  struct health_cfg *hc = c->hc;
  if (strcmp(key, "test") == 0) {
    char *argv[64];
    int argc;
    if (json_get_str_array(val, vend, hc->strings, sizeof hc->strings, argv, 64, &argc) < 0)
      return berr_set(c->err, 0, "health: test must be an array of at most 63 strings");
    if (argc == 0 || strcmp(argv[0], "NONE") == 0) {
      hc->enabled = false;
      return 0;
    }
    if (strcmp(argv[0], "CMD") == 0) {
      if (argc < 2) return berr_set(c->err, 0, "health: CMD needs a command");
      for (int i = 1; i <= argc; i++) hc->argv[i - 1] = argv[i];
    } else if (strcmp(argv[0], "CMD-SHELL") == 0) {
      if (argc < 2) return berr_set(c->err, 0, "health: CMD-SHELL needs a command");
      /* Docker joins the rest with spaces; the strings are adjacent, NUL-separated. */
      for (int i = 2; i < argc; i++) argv[i][-1] = ' ';
      hc->argv[0] = "/bin/sh";
      hc->argv[1] = "-c";
      hc->argv[2] = argv[1];
      hc->argv[3] = NULL;
    } else
      return berr_set(c->err, 0, "health: test must start with NONE, CMD or CMD-SHELL, not %s", argv[0]);
    hc->enabled = true;
    return 0;
  }
  if (strcmp(key, "interval_ns") == 0) return ns_field(key, val, vend, &hc->interval_ms, c->err);
  if (strcmp(key, "timeout_ns") == 0) return ns_field(key, val, vend, &hc->timeout_ms, c->err);
  if (strcmp(key, "start_period_ns") == 0) return ns_field(key, val, vend, &hc->start_period_ms, c->err);
  if (strcmp(key, "start_interval_ns") == 0) return ns_field(key, val, vend, &hc->start_interval_ms, c->err);
  if (strcmp(key, "retries") == 0) {
    double v;
    if (json_get_num(val, vend, &v) < 0 || v < 0 || v > 1e6) return berr_set(c->err, 0, "health: bad retries");
    hc->retries = (int)v;
  }
  return 0;
}

int health_load(struct health_cfg *hc, const char *path, struct berr *err) {
  memset(hc, 0, sizeof *hc);
  if (!path) return 0;
  static char buf[16384];
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open %s", path);
  size_t len = 0;
  for (;;) {
    ssize_t n = read(fd, buf + len, sizeof buf - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return berr_sys(err, "read %s", path);
    if (n == 0) break;
    len += (size_t)n;
    if (len == sizeof buf) return berr_set(err, 0, "%s: larger than %zu bytes", path, sizeof buf);
  }
  struct load_ctx c = {hc, err};
  if (json_object_each(buf, len, load_member, &c) < 0) {
    if (!err->msg[0]) return berr_set(err, 0, "%s: not a JSON object", path);
    return berr_wrap(err, "%s: ", path);
  }
  /* Zero means "the default", as in Docker and Compose. */
  if (hc->interval_ms == 0) hc->interval_ms = 30 * SEC;
  if (hc->timeout_ms == 0) hc->timeout_ms = 30 * SEC;
  if (hc->start_interval_ms == 0) hc->start_interval_ms = 5 * SEC;
  if (hc->retries == 0) hc->retries = 3;
  return 0;
}

static int64_t next_interval(struct shim *s) {
  const struct health_cfg *hc = &s->hc;
  if (now_mono_ms() - s->run_started_ms >= hc->start_period_ms) return hc->interval_ms;
  return s->st.health == H_STARTING ? hc->start_interval_ms : hc->interval_ms;
}

void health_begin(struct shim *s) {
  if (!s->hc.enabled) {
    s->st.health = H_NONE;
    return;
  }
  s->st.health = H_STARTING;
  s->st.failing_streak = 0;
  s->st.nlog = 0;
  timer_arm(s, TM_HEALTH, next_interval(s));
}

static void probe_close(struct shim *s) {
  if (s->probe.out_fd >= 0) {
    loop_del(s, s->probe.out_fd);
    close(s->probe.out_fd);
    s->probe.out_fd = -1;
  }
}

/* Kills the process the probe runs in the container (its host pid is in the
 * --pid-file the runtime wrote) and the `runtime exec` process itself. */
static void probe_kill(struct shim *s) {
  char b[32] = {0};
  int fd = open(s->probe_pid_file, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (read(fd, b, sizeof b - 1) > 0) {
      long p = strtol(b, NULL, 10);
      if (p > 1) kill((pid_t)p, SIGKILL);
    }
    close(fd);
  }
  if (s->probe.pid > 0) kill(s->probe.pid, SIGKILL);
}

static void record(struct shim *s, const struct health_result *r, int64_t started_ms) {
  struct cstate *st = &s->st;
  if (r->exit_code == 0) {
    st->failing_streak = 0;
    st->health = H_HEALTHY;
  } else if (!(st->health == H_STARTING && started_ms - s->run_started_ms < s->hc.start_period_ms)) {
    st->failing_streak++;
    if (st->failing_streak >= s->hc.retries) st->health = H_UNHEALTHY;
  }
  if (st->nlog == HEALTH_LOG_MAX) {
    memmove(&st->log[0], &st->log[1], sizeof st->log[0] * (HEALTH_LOG_MAX - 1));
    st->nlog--;
  }
  st->log[st->nlog++] = *r;
  save_state(s);
}

static int64_t probe_started_ms;

void health_timer(struct shim *s) {
  if (!s->hc.enabled || s->probe.pid > 0 || s->st.pid <= 0) return;
  if (s->st.status == ST_PAUSED) {
    /* An exec into a frozen container would only hang: probe again later. */
    timer_arm(s, TM_HEALTH, next_interval(s));
    return;
  }
  struct probe *p = &s->probe;
  struct berr err;
  memset(&p->res, 0, sizeof p->res);
  p->timed_out = false;
  p->res.start = now_real();
  probe_started_ms = now_mono_ms();
  unlink(s->probe_pid_file);
  int fds[2] = {-1, -1};
  const char *argv[72];
  size_t n = 0;
  argv[n++] = "exec";
  argv[n++] = "--pid-file";
  argv[n++] = s->probe_pid_file;
  argv[n++] = s->args.id;
  for (int i = 0; s->hc.argv[i]; i++) argv[n++] = s->hc.argv[i];
  argv[n] = NULL;
  int r = pipe2(fds, O_CLOEXEC) < 0 ? berr_sys(&err, "pipe") : runtime_spawn(&s->rt, argv, -1, fds[1], fds[1], &p->pid, &err);
  if (r < 0) {
    if (fds[0] >= 0) close(fds[0]), close(fds[1]);
    p->pid = 0;
    p->res.end = now_real();
    p->res.exit_code = -1;
    p->res.outlen = (size_t)snprintf(p->res.output, sizeof p->res.output, "%s", err.msg);
    record(s, &p->res, probe_started_ms);
    timer_arm(s, TM_HEALTH, next_interval(s));
    return;
  }
  close(fds[1]);
  p->out_fd = fds[0];
  set_nonblock(p->out_fd);
  loop_add(s, p->out_fd, EPOLLIN, T_PROBE, 0);
  timer_arm(s, TM_PROBE_TIMEOUT, s->hc.timeout_ms);
}

void health_probe_read(struct shim *s) {
  struct probe *p = &s->probe;
  char scratch[1024];
  for (;;) {
    char *dst = scratch;
    size_t room = sizeof scratch;
    if (p->res.outlen < HEALTH_OUTPUT_MAX) dst = p->res.output + p->res.outlen, room = HEALTH_OUTPUT_MAX - p->res.outlen;
    ssize_t n = read(p->out_fd, dst, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      probe_close(s);
      return;
    }
    if (dst != scratch) p->res.outlen += (size_t)n;
  }
}

void health_probe_timeout(struct shim *s) {
  if (s->probe.pid <= 0) return;
  s->probe.timed_out = true;
  probe_kill(s);
}

void health_probe_exited(struct shim *s, int status) {
  struct probe *p = &s->probe;
  if (p->out_fd >= 0) health_probe_read(s);
  probe_close(s);
  timer_disarm(s, TM_PROBE_TIMEOUT);
  p->pid = 0;
  unlink(s->probe_pid_file);
  p->res.end = now_real();
  if (p->timed_out) {
    p->res.exit_code = -1;
    long long ms = (long long)s->hc.timeout_ms;
    p->res.outlen = ms % 1000 ? (size_t)snprintf(p->res.output, sizeof p->res.output,
                                                 "Health check exceeded timeout (%lldms)", ms)
                              : (size_t)snprintf(p->res.output, sizeof p->res.output,
                                                 "Health check exceeded timeout (%llds)", ms / 1000);
  } else if (WIFEXITED(status))
    p->res.exit_code = WEXITSTATUS(status);
  else
    p->res.exit_code = 128 + WTERMSIG(status);
  if (s->st.pid <= 0) return; /* the container is gone: no verdict */
  record(s, &p->res, probe_started_ms);
  timer_arm(s, TM_HEALTH, next_interval(s));
}

void health_end(struct shim *s) {
  timer_disarm(s, TM_HEALTH);
  timer_disarm(s, TM_PROBE_TIMEOUT);
  if (s->probe.pid > 0) {
    probe_kill(s);
    waitpid(s->probe.pid, NULL, 0);
    s->probe.pid = 0;
  }
  probe_close(s);
  unlink(s->probe_pid_file);
}
