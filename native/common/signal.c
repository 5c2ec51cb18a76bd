#include "common/signal.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {
    [SIGHUP] = "SIGHUP",   [SIGINT] = "SIGINT",       [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
    [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",     [SIGBUS] = "SIGBUS",   [SIGFPE] = "SIGFPE",
    [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",     [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
    [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM",     [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
    [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",     [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
    [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",     [SIGURG] = "SIGURG",   [SIGXCPU] = "SIGXCPU",
    [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
    [SIGIO] = "SIGIO",     [SIGPWR] = "SIGPWR",       [SIGSYS] = "SIGSYS",
};

/* Other spellings of signals in the table (kill -l knows them too). */
static const struct { const char *name; int sig; } aliases[] = {{"IOT", SIGIOT}, {"POLL", SIGPOLL}};

const char *signal_name(int sig) {
  if (sig > 0 && sig < (int)(sizeof names / sizeof *names)) return names[sig];
  return NULL;
}

int signal_parse(const char *s) {
  if (!s || !*s) return -1;
  char *end;
  long n = strtol(s, &end, 10);
  if (*end == '\0') return (n > 0 && n < NSIG) ? (int)n : -1;
  if (strncasecmp(s, "SIG", 3) == 0) s += 3;
  /* Real-time signals: RTMIN, RTMIN+n, RTMAX, RTMAX-n (systemd uses RTMIN+3). */
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    bool min = strncasecmp(s, "RTMIN", 5) == 0;
    long off = 0;
    if (s[5]) {
      if (s[5] != (min ? '+' : '-') || !s[6]) return -1;
      off = strtol(s + 6, &end, 10);
      if (*end || off < 0) return -1;
    }
    long v = min ? SIGRTMIN + off : SIGRTMAX - off;
    return (v >= SIGRTMIN && v <= SIGRTMAX) ? (int)v : -1;
  }
  for (size_t i = 1; i < sizeof names / sizeof *names; i++)
    if (names[i] && strcasecmp(names[i] + 3, s) == 0) return (int)i;
  for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
    if (strcasecmp(aliases[i].name, s) == 0) return aliases[i].sig;
  return -1;
}
