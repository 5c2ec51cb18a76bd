/* Command-line arguments of berth-shim (see PROTOCOL.md, "Start"). */
#include "shim/shim.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_int(const char *s, long long min, long long max, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) return -1;
  *out = v;
  return 0;
}

static int parse_restart(struct shim_args *a, const char *s, struct berr *err) {
  a->restart_max = 0;
  if (strcmp(s, "no") == 0) a->restart = RESTART_NO;
  else if (strcmp(s, "always") == 0) a->restart = RESTART_ALWAYS;
  else if (strcmp(s, "unless-stopped") == 0) a->restart = RESTART_UNLESS_STOPPED;
  else if (strcmp(s, "on-failure") == 0) a->restart = RESTART_ON_FAILURE;
  else if (strncmp(s, "on-failure:", 11) == 0) {
    long long n;
    if (parse_int(s + 11, 0, 1000000, &n) < 0) return berr_set(err, 0, "--restart %s: bad maximum retry count", s);
    a->restart = RESTART_ON_FAILURE;
    a->restart_max = (int)n;
  } else
    return berr_set(err, 0, "--restart %s: expected no, always, on-failure[:max] or unless-stopped", s);
  return 0;
}

enum { O_ID = 1, O_BUNDLE, O_STATE, O_SOCKET, O_RUNTIME, O_RTROOT, O_LOG, O_LOGSIZE, O_LOGFILE,
       O_RESTART, O_HEALTH, O_TTY, O_STDIN, O_STOPSIG, O_STOPTIME, O_RESERVE };

static const struct option options[] = {
    {"id", required_argument, 0, O_ID},
    {"bundle", required_argument, 0, O_BUNDLE},
    {"state-dir", required_argument, 0, O_STATE},
    {"socket", required_argument, 0, O_SOCKET},
    {"runtime", required_argument, 0, O_RUNTIME},
    {"runtime-root", required_argument, 0, O_RTROOT},
    {"log-path", required_argument, 0, O_LOG},
    {"log-max-size", required_argument, 0, O_LOGSIZE},
    {"log-max-file", required_argument, 0, O_LOGFILE},
    {"restart", required_argument, 0, O_RESTART},
    {"health", required_argument, 0, O_HEALTH},
    {"tty", no_argument, 0, O_TTY},
    {"stdin", no_argument, 0, O_STDIN},
    {"stop-signal", required_argument, 0, O_STOPSIG},
    {"stop-timeout", required_argument, 0, O_STOPTIME},
    {"reserve", required_argument, 0, O_RESERVE},
    {0, 0, 0, 0},
};

/* A container id names files and is passed to the runtime: keep it tame. */
static bool id_ok(const char *id) {
  size_t n = strlen(id);
  if (n == 0 || n > 128 || id[0] == '-' || id[0] == '.') return false;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.'))
      return false;
  }
  return true;
}

int args_parse(struct shim_args *a, int argc, char **argv, struct berr *err) {
  memset(a, 0, sizeof *a);
  a->log_max_file = 1;
  a->stop_signal = SIGTERM;
  a->stop_timeout = 10;
  long long n;
  int c;
  /* One slot per argument at most: --reserve is repeatable. */
  a->reserve = calloc((size_t)argc, sizeof *a->reserve);
  if (!a->reserve) return berr_sys(err, "calloc");
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (c) {
    case O_ID: a->id = optarg; break;
    case O_BUNDLE: a->bundle = optarg; break;
    case O_STATE: a->state_dir = optarg; break;
    case O_SOCKET: a->socket = optarg; break;
    case O_RUNTIME: a->runtime = optarg; break;
    case O_RTROOT: a->runtime_root = optarg; break;
    case O_LOG: a->log_path = optarg; break;
    case O_HEALTH: a->health_path = optarg; break;
    case O_TTY: a->tty = true; break;
    case O_STDIN: a->open_stdin = true; break;
    case O_LOGSIZE:
      if (parse_int(optarg, 0, INT64_MAX, &n) < 0) return berr_set(err, 0, "--log-max-size %s: not a byte count", optarg);
      a->log_max_size = n;
      break;
    case O_LOGFILE:
      if (parse_int(optarg, 1, 1000, &n) < 0) return berr_set(err, 0, "--log-max-file %s: expected 1..1000", optarg);
      a->log_max_file = (int)n;
      break;
    case O_RESTART:
      if (parse_restart(a, optarg, err) < 0) return -1;
      break;
    case O_STOPSIG:
      if ((a->stop_signal = signal_parse(optarg)) < 0) return berr_set(err, 0, "--stop-signal %s: unknown signal", optarg);
      break;
    case O_STOPTIME:
      if (parse_int(optarg, 0, 86400 * 365, &n) < 0) return berr_set(err, 0, "--stop-timeout %s: not a number of seconds", optarg);
      a->stop_timeout = (int)n;
      break;
    case O_RESERVE:
      if (reserve_parse(&a->reserve[a->n_reserve], optarg, err) < 0) return -1;
      a->n_reserve++;
      break;
    case '?':
    default:
      return berr_set(err, 0, "unknown or incomplete option %s", argv[optind - 1]);
    }
  }
  if (optind < argc) return berr_set(err, 0, "unexpected argument %s", argv[optind]);
  const struct { const char *v, *name; } req[] = {
      {a->id, "--id"}, {a->bundle, "--bundle"}, {a->state_dir, "--state-dir"}, {a->socket, "--socket"},
      {a->runtime, "--runtime"}, {a->log_path, "--log-path"},
  };
  for (size_t i = 0; i < sizeof req / sizeof *req; i++)
    if (!req[i].v || !*req[i].v) return berr_set(err, 0, "missing required option %s", req[i].name);
  if (!id_ok(a->id)) return berr_set(err, 0, "--id %s: use 1-128 characters of [A-Za-z0-9_.-]", a->id);
  if (strlen(a->socket) >= 108) return berr_set(err, 0, "--socket %s: longer than a unix socket path allows", a->socket);
  return 0;
}
