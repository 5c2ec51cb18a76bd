/* berth-init: a tiny init for `init: true` (after tini and catatonit).
 * Runs the command as its child, forwards every signal it receives to that
 * child, reaps every zombie (it is PID 1 of the container, or a subreaper
 * otherwise), and exits with the child's status (128+signal when killed). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_code(int st) {
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return 1;
}

int main(int argc, char **argv) {
  int first = 1;
  if (first < argc && !strcmp(argv[first], "--")) first++;
  if (first >= argc) {
    fprintf(stderr, "usage: berth-init [--] command [args...]\n");
    return 2;
  }
  if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    fprintf(stderr, "berth-init: warning: cannot become a subreaper: %s\n", strerror(errno));
  sigset_t all, old;
  sigfillset(&all);
  /* Signals that report a fault in this very process stay deliverable. */
  static const int sync_sigs[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS};
  for (size_t i = 0; i < sizeof sync_sigs / sizeof sync_sigs[0]; i++) sigdelset(&all, sync_sigs[i]);
  sigprocmask(SIG_SETMASK, &all, &old);
  pid_t child = fork();
  if (child < 0) {
    fprintf(stderr, "berth-init: fork: %s\n", strerror(errno));
    return 1;
  }
  if (child == 0) {
    /* a process group of its own, in the terminal's foreground (done while
     * SIGTTOU is still blocked: a background group may not take the tty) */
    setpgid(0, 0);
    if (isatty(0)) tcsetpgrp(0, getpid());
    sigprocmask(SIG_SETMASK, &old, NULL);
    execvp(argv[first], argv + first);
    fprintf(stderr, "berth-init: exec %s: %s\n", argv[first], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "berth-init: sigwaitinfo: %s\n", strerror(errno));
      return 1;
    }
    if (sig != SIGCHLD) {
      /* SIGTTIN/SIGTTOU/SIGTSTP sent to init itself by the kernel are noise */
      if (kill(child, sig) < 0 && errno != ESRCH) fprintf(stderr, "berth-init: forward signal %d: %s\n", sig, strerror(errno));
      continue;
    }
    for (;;) {
      int st;
      pid_t w = waitpid(-1, &st, WNOHANG);
      if (w <= 0) break;
      if (w == child) return status_code(st);
    }
  }
}
