/* The control socket: one JSON request line, one JSON reply line (status,
 * stop, kill, pause, resume, resize, attach). A stop replies only once the
 * container has exited; an attach turns the connection into raw stdio. */
#include "shim/monitor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define RUNTIME_TIMEOUT_MS 60000

int ctl_listen(struct shim *s, struct berr *err) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->args.socket);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return berr_sys(err, "socket");
  /* A live shim answering on this path owns it; a stale file is replaced. */
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
    close(probe);
    close(fd);
    return berr_set(err, 0, "%s: another shim is listening there", s->args.socket);
  }
  if (probe >= 0) close(probe);
  unlink(s->args.socket);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
    berr_sys(err, "bind %s", s->args.socket);
    close(fd);
    return -1;
  }
  chmod(s->args.socket, 0600);
  s->listen_fd = fd;
  return loop_add(s, fd, EPOLLIN, T_LISTEN, 0);
}

static void client_close(struct shim *s, struct client *c) {
  if (c->kind == CL_FREE) return;
  loop_del(s, c->fd);
  /* Unread input at close makes the kernel reset the peer (ECONNRESET),
   * which can cost it our last reply (e.g. "request too long"): drop it first. */
  char junk[4096];
  for (int i = 0; i < 16 && recv(c->fd, junk, sizeof junk, MSG_DONTWAIT) > 0; i++) {}
  close(c->fd);
  c->kind = CL_FREE;
  c->len = 0;
}

void ctl_accept(struct shim *s) {
  int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &s->clients[i];
    if (c->kind != CL_FREE) continue;
    /* Replies are written blocking, but never for long. */
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    c->fd = fd;
    c->kind = CL_REQUEST;
    c->stdin_once = false;
    c->len = 0;
    if (loop_add(s, fd, EPOLLIN, T_CLIENT, (uint32_t)i) < 0) {
      close(fd);
      c->kind = CL_FREE;
    }
    return;
  }
  static const char busy[] = "{\"ok\":false,\"error\":\"too many connections\"}\n";
  send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  close(fd);
}

static void reply_err(struct shim *s, struct client *c, const char *msg) {
  struct jw w;
  jw_init(&w, c->fd);
  jw_lit(&w, "{\"ok\":false,\"error\":");
  jw_str(&w, msg, strlen(msg));
  jw_lit(&w, "}\n");
  jw_flush(&w);
  client_close(s, c);
}

static void reply_ok(struct shim *s, struct client *c) {
  static const char ok[] = "{\"ok\":true}\n";
  send(c->fd, ok, sizeof ok - 1, MSG_NOSIGNAL);
  client_close(s, c);
}

static void reply_exit(struct shim *s, struct client *c) {
  char b[64];
  int n = snprintf(b, sizeof b, "{\"ok\":true,\"exitCode\":%d}\n", s->st.exit_code);
  send(c->fd, b, (size_t)n, MSG_NOSIGNAL);
  client_close(s, c);
}

struct request {
  char op[16], signal[16];
  double timeout, rows, cols;
  bool has_timeout, has_signal, stdin_once;
};

static int req_member(void *ctx, const char *key, const char *val, const char *vend) {
  struct request *r = ctx;
  if (strcmp(key, "op") == 0) return json_get_str(val, vend, r->op, sizeof r->op);
  if (strcmp(key, "signal") == 0) {
    r->has_signal = true;
    if (json_get_str(val, vend, r->signal, sizeof r->signal) == 0) return 0;
    double d;
    if (json_get_num(val, vend, &d) < 0) return -1;
    snprintf(r->signal, sizeof r->signal, "%d", (int)d);
    return 0;
  }
  if (strcmp(key, "timeout") == 0) {
    r->has_timeout = true;
    return json_get_num(val, vend, &r->timeout);
  }
  if (strcmp(key, "stdinOnce") == 0) {
    r->stdin_once = (size_t)(vend - val) >= 4 && strncmp(val, "true", 4) == 0;
    return 0;
  }
  if (strcmp(key, "rows") == 0) return json_get_num(val, vend, &r->rows);
  if (strcmp(key, "cols") == 0) return json_get_num(val, vend, &r->cols);
  return 0;
}

static bool alive(const struct shim *s) { return s->st.pid > 0; }

/* Signal now, SIGKILL after the grace period; the restart policy is off. */
int ctl_stop(struct shim *s, int sig, int64_t timeout_ms, struct berr *err) {
  s->stopping = true;
  if (s->st.status == ST_RESTARTING) {
    /* Between runs: nothing to signal, the container is already deleted. */
    timer_disarm(s, TM_RESTART);
    s->st.status = ST_EXITED;
    save_state(s);
    ctl_container_gone(s);
    s->finished = true;
    return 0;
  }
  if (container_signal(s, sig, err) < 0) return -1;
  timer_arm(s, TM_STOP, timeout_ms > 0 ? timeout_ms : 1);
  return 0;
}

void stop_timeout_fired(struct shim *s) {
  struct berr e;
  if (alive(s)) container_signal(s, SIGKILL, &e);
}

static void handle(struct shim *s, struct client *c, const char *line, size_t len) {
  struct request r = {0};
  struct berr err = {0};
  if (json_object_each(line, len, req_member, &r) < 0) return reply_err(s, c, "bad request: expected one JSON object");
  if (strcmp(r.op, "status") == 0) {
    struct jw w;
    jw_init(&w, c->fd);
    jw_lit(&w, "{\"ok\":true,\"state\":");
    state_emit(&w, &s->st);
    jw_lit(&w, "}\n");
    jw_flush(&w);
    return client_close(s, c);
  }
  int sig = 0;
  if (r.has_signal && (sig = signal_parse(r.signal)) < 0) {
    snprintf(err.msg, sizeof err.msg, "unknown signal %s", r.signal);
    return reply_err(s, c, err.msg);
  }
  if (strcmp(r.op, "stop") == 0) {
    if (!alive(s) && s->st.status != ST_RESTARTING) return reply_exit(s, c);
    if (r.has_timeout && (r.timeout < 0 || r.timeout > 86400 * 365.0)) return reply_err(s, c, "bad timeout");
    int64_t ms = r.has_timeout ? (int64_t)(r.timeout * 1000) : (int64_t)s->args.stop_timeout * 1000;
    c->kind = CL_STOP_WAIT; /* answered when the container is gone */
    if (ctl_stop(s, sig ? sig : s->args.stop_signal, ms, &err) < 0) {
      c->kind = CL_REQUEST;
      return reply_err(s, c, err.msg);
    }
    return;
  }
  if (strcmp(r.op, "kill") == 0) {
    /* As `docker kill`: a killed container is not restarted by its policy. */
    if (!alive(s)) return reply_err(s, c, "container is not running");
    s->stopping = true;
    if (container_signal(s, sig ? sig : SIGKILL, &err) < 0) return reply_err(s, c, err.msg);
    return reply_ok(s, c);
  }
  if (strcmp(r.op, "pause") == 0 || strcmp(r.op, "resume") == 0) {
    bool pause = r.op[0] == 'p';
    if (!alive(s)) return reply_err(s, c, "container is not running");
    if (pause ? s->st.status == ST_PAUSED : s->st.status != ST_PAUSED)
      return reply_err(s, c, pause ? "container is already paused" : "container is not paused");
    const char *argv[] = {pause ? "pause" : "resume", s->args.id, NULL};
    if (runtime_run(&s->rt, argv, RUNTIME_TIMEOUT_MS, &err) < 0) return reply_err(s, c, err.msg);
    s->st.status = pause ? ST_PAUSED : ST_RUNNING;
    save_state(s);
    return reply_ok(s, c);
  }
  if (strcmp(r.op, "resize") == 0) {
    if (s->pty_fd < 0) return reply_err(s, c, "container has no terminal");
    if (r.rows < 1 || r.cols < 1 || r.rows > 65535 || r.cols > 65535) return reply_err(s, c, "bad terminal size");
    struct winsize ws = {.ws_row = (unsigned short)r.rows, .ws_col = (unsigned short)r.cols};
    if (ioctl(s->pty_fd, TIOCSWINSZ, &ws) < 0) return reply_err(s, c, strerror(errno));
    return reply_ok(s, c);
  }
  if (strcmp(r.op, "attach") == 0) {
    if (!alive(s)) return reply_err(s, c, "container is not running");
    /* logSize: what the log holds now went out before this attach; all
     * later output comes through the connection (the client prints the
     * log's first logSize bytes, so nothing is lost or doubled). */
    char ok[64];
    int n = snprintf(ok, sizeof ok, "{\"ok\":true,\"logSize\":%lld}\n", (long long)s->log.size);
    send(c->fd, ok, (size_t)n, MSG_NOSIGNAL);
    c->kind = CL_ATTACH;
    c->stdin_once = r.stdin_once;
    return;
  }
  snprintf(err.msg, sizeof err.msg, "unknown op \"%s\"", r.op);
  reply_err(s, c, err.msg);
}

/* Copies attach input to the container's stdin; waits at most a second for a
 * full pipe, so a container that never reads cannot wedge the monitor. */
static void to_stdin(struct shim *s, const char *data, size_t n) {
  int64_t deadline = now_mono_ms() + 1000;
  while (n > 0 && s->in_fd >= 0) {
    ssize_t w = write(s->in_fd, data, n);
    if (w > 0) {
      data += w;
      n -= (size_t)w;
    } else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (now_mono_ms() > deadline) return;
      usleep(1000);
    } else
      return;
  }
}

void ctl_client_event(struct shim *s, uint32_t idx, uint32_t events) {
  if (idx >= MAX_CLIENTS) return;
  struct client *c = &s->clients[idx];
  if (c->kind == CL_FREE) return;
  if (c->kind != CL_REQUEST && (events & (EPOLLHUP | EPOLLERR))) {
    /* Gone for good: nobody left to answer or to copy output to. */
    return client_close(s, c);
  }
  char buf[4096];
  ssize_t n = recv(c->fd, buf, c->kind == CL_REQUEST ? sizeof c->buf - c->len : sizeof buf, MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n == 0 && c->kind != CL_REQUEST) {
    /* Half-closed: a stop waiter still gets its reply, an attach its output;
     * only a full close (EPOLLHUP) is still worth hearing about. An attach
     * with stdinOnce ends the container's input here (as `docker run -i`). */
    if (c->kind == CL_ATTACH && c->stdin_once && s->in_fd >= 0 && s->in_fd != s->pty_fd) {
      close(s->in_fd);
      s->in_fd = -1;
    }
    loop_mod(s, c->fd, 0, T_CLIENT, idx);
    return;
  }
  if (n == 0 && c->len > 0) {
    /* A request without its newline, then end of input: take it as a line. */
    loop_mod(s, c->fd, 0, T_CLIENT, idx);
    return handle(s, c, c->buf, c->len);
  }
  if (n <= 0) return client_close(s, c);
  if (c->kind == CL_ATTACH) {
    if (s->args.open_stdin) to_stdin(s, buf, (size_t)n);
    return;
  }
  if (c->kind != CL_REQUEST) return; /* a stop waiter has nothing more to say */
  memcpy(c->buf + c->len, buf, (size_t)n);
  c->len += (size_t)n;
  char *nl = memchr(c->buf, '\n', c->len);
  if (!nl && c->len == sizeof c->buf) return reply_err(s, c, "request too long");
  if (!nl) return;
  handle(s, c, c->buf, (size_t)(nl - c->buf));
  /* Bytes sent right behind an attach request are already stdin. */
  size_t used = (size_t)(nl - c->buf) + 1;
  if (c->kind == CL_ATTACH && c->len > used && s->args.open_stdin) to_stdin(s, c->buf + used, c->len - used);
}

void ctl_broadcast_output(struct shim *s, const char *data, size_t n) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &s->clients[i];
    /* Never block the monitor on a slow reader: it loses output instead. */
    if (c->kind == CL_ATTACH && send(c->fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN)
      client_close(s, c);
  }
}

void ctl_container_gone(struct shim *s) {
  for (int i = 0; i < MAX_CLIENTS; i++) {
    struct client *c = &s->clients[i];
    if (c->kind == CL_STOP_WAIT) reply_exit(s, c);
    else if (c->kind == CL_ATTACH) client_close(s, c);
  }
}

void ctl_close_all(struct shim *s) {
  for (int i = 0; i < MAX_CLIENTS; i++) client_close(s, &s->clients[i]);
  if (s->listen_fd >= 0) {
    close(s->listen_fd);
    s->listen_fd = -1;
    unlink(s->args.socket);
  }
}
