/* Running the OCI runtime command line (berth-runtime, runc, crun): spawn
 * with chosen stdio, wait with a timeout while collecting its stderr and, for
 * --console-socket, receiving the terminal master over SCM_RIGHTS. */
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGV 64

/* In the runtime's child before exec: a private mount namespace in which an
 * empty tmpfs covers the unified hierarchy of a hybrid host, so the runtime
 * sees (and places the container on) the v1 controllers alone. Only `create`
 * needs it: later commands find the container by its recorded cgroups. */
static void hide_unified_cgroup(void) {
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("tmpfs", "/sys/fs/cgroup/unified", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") < 0)
    dprintf(2, "hiding the unified cgroup mount: %s\n", strerror(errno));
}

int runtime_spawn(const struct runtime *rt, const char *const *argv, int in, int out, int errfd, pid_t *pid,
                  struct berr *err) {
  const char *full[MAX_ARGV + 4];
  size_t n = 0;
  full[n++] = rt->path;
  if (rt->root) {
    full[n++] = "--root";
    full[n++] = rt->root;
  }
  for (size_t i = 0; argv[i]; i++) {
    if (n >= MAX_ARGV + 3) return berr_set(err, E2BIG, "runtime %s", argv[0]);
    full[n++] = argv[i];
  }
  full[n] = NULL;
  pid_t p = fork();
  if (p < 0) return berr_sys(err, "fork %s", rt->path);
  if (p == 0) {
    /* The child: default signals, unblocked, stdio in place, then exec. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    /* berth-runtime: the container's init dies with this shim (see rt/container.c). */
    setenv("BERTH_DIE_WITH_SHIM", "1", 1);
    if (rt->hide_cgroup2 && (strcmp(argv[0], "create") == 0 || strcmp(argv[0], "run") == 0)) hide_unified_cgroup();
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int fds[3] = {in >= 0 ? in : null, out >= 0 ? out : null, errfd >= 0 ? errfd : null};
    /* Move sources above 2 first so that dup2 never clobbers one we still need. */
    for (int i = 0; i < 3; i++)
      if (fds[i] >= 0 && fds[i] <= 2) fds[i] = fcntl(fds[i], F_DUPFD, 3);
    for (int i = 0; i < 3; i++)
      if (fds[i] >= 0) dup2(fds[i], i);
    execv(rt->path, (char *const *)full);
    dprintf(2, "exec %s: %s\n", rt->path, strerror(errno));
    _exit(127);
  }
  *pid = p;
  return 0;
}

static int pidfd_open_(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static int recv_fd(int sock) {
  char data[256];
  struct iovec iov = {data, sizeof data};
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(sizeof(int))];
  } cbuf;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof cbuf.b};
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0) return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return fd;
    }
  }
  errno = EBADMSG;
  return -1;
}

/* Reads what is there; returns 1 at end of file. */
static int collect(int fd, char *out, size_t outsz, size_t *len) {
  char scratch[1024];
  for (;;) {
    char *dst = scratch;
    size_t room = sizeof scratch;
    if (out && *len + 1 < outsz) dst = out + *len, room = outsz - 1 - *len;
    ssize_t n = read(fd, dst, room);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return 1;
    if (n < 0) return 0;
    if (dst != scratch) *len += (size_t)n;
  }
}

int runtime_wait(pid_t pid, int errfd, int consock, int *ptyfd, char *outbuf, size_t outsz, int timeout_ms,
                 int *status, struct berr *err) {
  size_t len = 0;
  if (outbuf && outsz) outbuf[0] = '\0';
  cleanup_close int pfd = pidfd_open_(pid);
  if (pfd < 0) return berr_sys(err, "pidfd_open %d", pid);
  if (errfd >= 0) set_nonblock(errfd);
  int64_t deadline = now_mono_ms() + timeout_ms;
  bool killed = false;
  for (;;) {
    struct pollfd p[3] = {{pfd, POLLIN, 0}, {errfd, POLLIN, 0}, {consock, POLLIN, 0}};
    int64_t left = deadline - now_mono_ms();
    if (left <= 0 && !killed) {
      kill(pid, SIGKILL);
      killed = true;
    }
    int r = poll(p, 3, left > 0 ? (int)left : 1000);
    if (r < 0 && errno != EINTR) return berr_sys(err, "poll");
    if (r <= 0) continue;
    if (p[1].revents && collect(errfd, outbuf, outsz, &len)) errfd = -1;
    if (p[2].revents & POLLIN) {
      int c = accept4(consock, NULL, NULL, SOCK_CLOEXEC);
      if (c >= 0) {
        int fd = recv_fd(c);
        close(c);
        if (fd >= 0 && ptyfd) {
          if (*ptyfd >= 0) close(*ptyfd);
          *ptyfd = fd;
        } else if (fd >= 0)
          close(fd);
      }
    }
    if (p[0].revents & POLLIN) break;
  }
  if (waitpid(pid, status, 0) < 0) return berr_sys(err, "waitpid %d", pid);
  /* The runtime wrote before it exited: what it said is in the pipe now. */
  if (errfd >= 0) collect(errfd, outbuf, outsz, &len);
  if (outbuf && outsz) outbuf[len] = '\0';
  if (killed) return berr_set(err, ETIMEDOUT, "%s timed out", "runtime");
  return 0;
}

/* runc and crun log through logrus-like lines (level=error msg="..."); take the
 * last error message, unquoted; otherwise the last non-empty line. */
void runtime_error_text(const char *text, int status, char *out, size_t outsz) {
  const char *best = NULL, *best_end = NULL;
  bool quoted = false;
  for (const char *line = text; *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *m = NULL;
    for (const char *q = line; q + 5 <= end; q++)
      if (strncmp(q, "msg=", 4) == 0) m = q + 4;
    if (m) {
      best = m, best_end = end, quoted = *m == '"';
    } else {
      const char *s = line;
      while (s < end && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
      if (s < end && (!best || !quoted)) best = s, best_end = end, quoted = false;
    }
    line = *end ? end + 1 : end;
  }
  size_t o = 0;
  if (!best) {
    if (WIFSIGNALED(status)) snprintf(out, outsz, "killed by signal %d, without a message", WTERMSIG(status));
    else snprintf(out, outsz, "exit status %d, without a message", WEXITSTATUS(status));
    return;
  }
  if (quoted) {
    for (const char *q = best + 1; q < best_end && *q != '"' && o + 1 < outsz; q++) {
      if (*q == '\\' && q + 1 < best_end) q++;
      out[o++] = *q;
    }
  } else {
    while (best_end > best && (best_end[-1] == '\r' || best_end[-1] == ' ')) best_end--;
    for (const char *q = best; q < best_end && o + 1 < outsz; q++) out[o++] = *q;
  }
  out[o] = '\0';
}

int runtime_run(const struct runtime *rt, const char *const *argv, int timeout_ms, struct berr *err) {
  int pfd[2];
  if (pipe2(pfd, O_CLOEXEC) < 0) return berr_sys(err, "pipe");
  cleanup_close int rd = pfd[0];
  pid_t pid;
  int r = runtime_spawn(rt, argv, -1, pfd[1], pfd[1], &pid, err);
  close(pfd[1]);
  if (r < 0) return -1;
  char text[2048];
  int status;
  if (runtime_wait(pid, rd, -1, NULL, text, sizeof text, timeout_ms, &status, err) < 0)
    return berr_wrap(err, "%s %s: ", rt->path, argv[0]);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  char msg[1024];
  runtime_error_text(text, status, msg, sizeof msg);
  if (!text[0]) return berr_set(err, 0, "%s %s: %s", rt->path, argv[0], msg);
  return berr_set(err, 0, "%s", msg);
}
