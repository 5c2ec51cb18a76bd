#include "runtime/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/util.h"

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD, SIGALRM, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU};
static sigset_t mask;

int relay_prepare(struct berr *err) {
  sigemptyset(&mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&mask, forwarded[i]);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) return berr_sys(err, "sigprocmask");
  return 0;
}

static void copy_winsize(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0) ioctl(to, TIOCSWINSZ, &ws);
}

/* Copies what is readable on from to to; returns false at EOF/EIO. */
static bool pump(int from, int to) {
  char buf[16384];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
  if (n <= 0) return false;
  write_all(to, buf, (size_t)n);
  return true;
}

int relay_wait(pid_t pid, int master, int *code, struct berr *err) {
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) return berr_sys(err, "signalfd");
  struct termios saved;
  bool raw = false;
  bool in_open = master >= 0;
  if (master >= 0 && isatty(0) && tcgetattr(0, &saved) == 0) {
    struct termios t = saved;
    cfmakeraw(&t);
    if (tcsetattr(0, TCSANOW, &t) == 0) raw = true;
    copy_winsize(0, master);
  }
  int status = 0;
  bool exited = false;
  while (!exited || master >= 0) {
    struct pollfd p[3] = {{.fd = sfd, .events = POLLIN}, {.fd = in_open ? 0 : -1, .events = POLLIN}, {.fd = master, .events = POLLIN}};
    int r = poll(p, 3, exited ? 100 : -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (r == 0) break; /* exited, and the pty stayed quiet: other holders of the slave */
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGCHLD) {
          pid_t w;
          int st;
          while ((w = waitpid(-1, &st, WNOHANG)) > 0)
            if (w == pid) { status = st; exited = true; }
        } else if (si.ssi_signo == SIGWINCH) {
          if (master >= 0) copy_winsize(0, master);
          kill(pid, SIGWINCH);
        } else {
          kill(pid, (int)si.ssi_signo);
        }
        break;
      }
    }
    if (p[1].revents & (POLLIN | POLLHUP)) {
      if (!pump(0, master)) in_open = false;
    }
    if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!pump(master, 1)) { close(master); master = -1; }
    }
  }
  if (!exited) {
    int st;
    if (waitpid(pid, &st, 0) == pid) status = st;
  }
  if (raw) tcsetattr(0, TCSANOW, &saved);
  if (master >= 0) close(master);
  close(sfd);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
  return 0;
}
