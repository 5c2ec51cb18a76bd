/* berth-dns: berth's DNS responder, one detached process per state root.
 *   berth-dns <dns-dir> [--linger MS]
 * Serves every berth network on its gateway address(es), UDP and TCP, port
 * 53 (BERTH_DNS_PORT overrides). <dns-dir>/config.txt holds the records
 * (config.c); it is loaded again on SIGHUP and when the file is replaced,
 * and after each load <dns-dir>/server.json {pid, generation, bound} says
 * what is served. No network left: server.json goes and the process exits;
 * with --linger (started ahead of the first network) it first waits MS for
 * one, or a SIGHUP. SIGTERM/SIGINT: clean exit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

#include "dns/server.h"

struct server S;
static uint64_t linger_until;   /* 0: not lingering */

void dlog(const char *fmt, ...) {
  char ts[32];
  struct timespec now;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  char line[1024], out[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  int n = snprintf(out, sizeof out, "%s.%03ldZ berth-dns: %s\n", ts, now.tv_nsec / 1000000, line);
  if (n > 0) (void)!write(2, out, (size_t)n < sizeof out ? (size_t)n : sizeof out - 1);   /* one write: the log is shared */
}

uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

int ep_add(struct watch *w, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = w};
  return epoll_ctl(S.ep, EPOLL_CTL_ADD, w->fd, &ev);
}

int ep_mod(struct watch *w, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = w};
  return epoll_ctl(S.ep, EPOLL_CTL_MOD, w->fd, &ev);
}

static void shutdown_now(int code) {
  forwards_close_all();
  for (size_t i = 0; i < CONNS_MAX; i++) conn_close(&S.conns[i]);
  listeners_close_all();
  char path[4096];
  snprintf(path, sizeof path, "%s/server.json", S.dir);
  unlink(path);
  exit(code);
}

/* server.json, replaced atomically (the manager polls it for the generation). */
static void write_state(void) {
  size_t cap = 128 + S.nls * (INET6_ADDRSTRLEN + 4), len = 0;
  char *buf = malloc(cap);
  if (!buf) return;
  len += (size_t)snprintf(buf, cap, "{\"pid\":%d,\"generation\":%llu,\"bound\":[", (int)getpid(), S.cfg.generation);
  for (size_t i = 0; i < S.nls; i++) {
    char text[INET6_ADDRSTRLEN];
    addr_format(&S.ls[i]->gw, text, sizeof text);
    len += (size_t)snprintf(buf + len, cap - len, "%s\"%s\"", i ? "," : "", text);
  }
  len += (size_t)snprintf(buf + len, cap - len, "]}\n");
  /* Paths, not a directory fd: an open fd would keep a removed directory's
   * inode alive and hide its IN_DELETE_SELF. */
  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/server.json.tmp", S.dir);
  snprintf(path, sizeof path, "%s/server.json", S.dir);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  int ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len;
  if (fd >= 0 && close(fd) < 0) ok = 0;
  if (!ok || rename(tmp, path) < 0) {
    dlog("cannot write server.json: %s", strerror(errno));
    if (fd >= 0) unlink(tmp);
  }
  free(buf);
}

static void reload(void) {
  char path[4096], err[512] = "";
  snprintf(path, sizeof path, "%s/config.txt", S.dir);
  struct config cfg;
  if (config_load(path, &cfg, err, sizeof err) < 0) {
    if (errno != ENOENT) {
      dlog("config: %s (the previous records stay)", err);
      return;
    }
    memset(&cfg, 0, sizeof cfg);
  }
  config_free(&S.cfg);
  S.cfg = cfg;
  if (S.cfg.nnets == 0 && !linger_until) shutdown_now(0);
  if (S.cfg.nnets > 0) linger_until = 0;
  listeners_sync();
  write_state();
}

static void on_signal(int sfd) {
  struct signalfd_siginfo si;
  while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo == SIGHUP) {
      linger_until = 0;             /* berth has written records: no more waiting for a first network */
      reload();
    } else {
      shutdown_now(0);
    }
  }
}

static void on_inotify(int ifd) {
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  int changed = 0;
  ssize_t n;
  while ((n = read(ifd, buf, sizeof buf)) > 0) {
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)p;
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        dlog("%s is gone", S.dir);
        shutdown_now(0);
      }
      if ((ev->len && !strcmp(ev->name, "config.txt")) || (ev->mask & IN_Q_OVERFLOW)) changed = 1;
      p += sizeof *ev + ev->len;
    }
  }
  if (changed) reload();
}

static void usage(void) {
  fprintf(stderr, "usage: berth-dns <dns-dir> [--linger MS]\n");
  exit(2);
}

int main(int argc, char **argv) {
  long linger_ms = 0;
  if (argc != 2 && argc != 4) usage();
  if (argc == 4) {
    char *end;
    if (strcmp(argv[2], "--linger")) usage();
    linger_ms = strtol(argv[3], &end, 10);
    if (*end || linger_ms <= 0 || linger_ms > 86400000) usage();
  }
  S.dir = argv[1];
  S.port = 53;
  const char *port = getenv("BERTH_DNS_PORT");
  if (port && *port) {
    char *end;
    long p = strtol(port, &end, 10);
    if (*end || p < 1 || p > 65535) {
      fprintf(stderr, "berth-dns: BERTH_DNS_PORT '%s' is not a port number\n", port);
      return 2;
    }
    S.port = (int)p;
  }
  /* One socket per forwarded query and per TCP client: room for the tables'
   * limits (the soft limit may be raised up to the hard one unprivileged). */
  struct rlimit nofile;
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 4096) {
    nofile.rlim_cur = nofile.rlim_max < 4096 ? nofile.rlim_max : 4096;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }
  for (size_t i = 0; i < PENDING_MAX; i++) S.pend[i].w.fd = -1;
  for (size_t i = 0; i < CONNS_MAX; i++) S.conns[i].pending = -1;

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct watch wsig = {W_SIGNAL, signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)};
  struct watch wino = {W_INOTIFY, inotify_init1(IN_NONBLOCK | IN_CLOEXEC)};
  S.ep = epoll_create1(EPOLL_CLOEXEC);
  if (strlen(S.dir) > 3000) usage();
  if (wsig.fd < 0 || wino.fd < 0 || S.ep < 0) {
    fprintf(stderr, "berth-dns: cannot start on %s: %s\n", S.dir, strerror(errno));
    return 1;
  }
  if (inotify_add_watch(wino.fd, S.dir, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF) < 0 ||
      ep_add(&wsig, EPOLLIN) < 0 || ep_add(&wino, EPOLLIN) < 0) {
    fprintf(stderr, "berth-dns: cannot watch %s: %s\n", S.dir, strerror(errno));
    return 1;
  }
  if (linger_ms) linger_until = now_ms() + (uint64_t)linger_ms;
  reload();

  struct epoll_event evs[64];
  for (;;) {
    uint64_t now = now_ms(), next = UINT64_MAX;
    if (linger_until) {
      if (linger_until <= now) shutdown_now(0);
      next = linger_until;
    }
    forwards_expire(now, &next);
    conns_expire(now, &next);
    int timeout = next == UINT64_MAX ? -1 : (int)(next - now + 1);
    int n = epoll_wait(S.ep, evs, 64, timeout);
    S.batch++;
    if (n < 0 && errno != EINTR) {
      dlog("epoll_wait: %s", strerror(errno));
      shutdown_now(1);
    }
    /* Signals and config changes last: a reload frees the listeners it
     * closes, which later events of the same batch may still point to. */
    int control = 0;
    for (int i = 0; i < n; i++) {
      struct watch *w = evs[i].data.ptr;
      switch (w->kind) {
      case W_UDP: on_udp((struct listener *)((char *)w - offsetof(struct listener, udp))); break;
      case W_TCP_LISTEN: on_accept((struct listener *)((char *)w - offsetof(struct listener, tcp))); break;
      /* A slot freed and taken again within this batch: its events were
       * for the previous occupant. */
      case W_CONN: if (((struct conn *)w)->used && ((struct conn *)w)->born != S.batch) on_conn((struct conn *)w, evs[i].events); break;
      case W_FWD: if (((struct pending *)w)->used && ((struct pending *)w)->born != S.batch) on_forward((struct pending *)w, evs[i].events); break;
      case W_SIGNAL: case W_INOTIFY: control = 1; break;
      }
    }
    if (control) {
      on_signal(wsig.fd);      /* both are non-blocking: nothing to read is fine */
      on_inotify(wino.fd);
    }
  }
}
