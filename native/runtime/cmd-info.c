/* ps, events --stats and seccomp-bpf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/util.h"
#include "rt/container.h"
#include "rt/process.h"
#include "rt/spec.h"
#include "runtime/args.h"
#include "runtime/commands.h"

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

static void print_ps_table(const pid_t *pids, size_t n) {
  printf("%-8s %-8s %s\n", "PID", "PPID", "CMD");
  for (size_t i = 0; i < n; i++) {
    char path[64];
    cleanup_free char *cmd = NULL, *stat = NULL;
    size_t len = 0;
    struct berr e;
    snprintf(path, sizeof path, "/proc/%d/cmdline", pids[i]);
    if (read_file(path, &cmd, &len, &e) < 0) continue;
    for (size_t k = 0; k + 1 < len; k++) if (!cmd[k]) cmd[k] = ' ';
    snprintf(path, sizeof path, "/proc/%d/stat", pids[i]);
    int ppid = 0;
    if (read_file(path, &stat, NULL, &e) == 0) {
      char *p = strrchr(stat, ')');
      if (p) sscanf(p + 2, "%*c %d", &ppid);
    }
    printf("%-8d %-8d %s\n", pids[i], ppid, cmd);
  }
}

/* runc's table: the host's `ps` (default -ef, or the options after the id),
 * keeping the header and the rows whose PID column is in the cgroup. */
static int host_ps(char **psargs, size_t nargs, const pid_t *pids, size_t np, struct berr *err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return berr_sys(err, "pipe");
  pid_t child = fork();
  if (child < 0) return berr_sys(err, "fork");
  if (child == 0) {
    dup2(fds[1], 1);
    char *def[] = {"ps", "-ef", NULL};
    char **av = def;
    if (nargs) {
      av = calloc(nargs + 2, sizeof *av);
      if (!av) _exit(127);
      av[0] = "ps";
      memcpy(av + 1, psargs, nargs * sizeof *av);
    }
    execvp("ps", av);
    _exit(127);
  }
  close(fds[1]);
  cleanup_free char *out = NULL;
  int r = read_fd(fds[0], "ps", &out, NULL, err);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (r < 0) return -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return berr_set(err, 0, "ps: the host's ps failed (exit %d)", WEXITSTATUS(status));
  char *save = NULL;
  char *header = strtok_r(out, "\n", &save);
  if (!header) return 0;
  /* which whitespace-separated column is PID */
  int col = -1, k = 0;
  cleanup_free char *h = strdup(header);
  for (char *s2 = NULL, *t = strtok_r(h, " \t", &s2); t; t = strtok_r(NULL, " \t", &s2), k++)
    if (!strcmp(t, "PID")) col = k;
  if (col < 0) return berr_set(err, 0, "ps: no PID column in the output of ps (add -o pid)");
  printf("%s\n", header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    cleanup_free char *l = strdup(line);
    char *s2 = NULL, *t = strtok_r(l, " \t", &s2);
    for (int i = 0; t && i < col; i++) t = strtok_r(NULL, " \t", &s2);
    if (!t) continue;
    pid_t p = (pid_t)atoi(t);
    for (size_t i = 0; i < np; i++)
      if (pids[i] == p) { printf("%s\n", line); break; }
  }
  return 0;
}

int cmd_ps(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"format|f", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), true, &pos, &n, err) < 0) return berr_wrap(err, "ps: ");
  if (n < 1) return berr_set(err, 0, "ps: container id required");
  struct cstate st;
  if (state_load(g->root, pos[0], &st, err) < 0) return -1;
  pid_t *pids = NULL;
  size_t np = 0;
  int r = cgroup_pids(&st.cg, &pids, &np, err);
  state_release(&st);
  if (r < 0) return -1;
  if (opts[0].set && !strcmp(opts[0].val, "json")) {
    printf("[");
    for (size_t i = 0; i < np; i++) printf("%s%d", i ? "," : "", pids[i]);
    printf("]\n");
  } else if (host_ps(pos + 1, n - 1, pids, np, err) < 0) {
    if (n > 1) { free(pids); return -1; }
    print_ps_table(pids, np); /* no usable host ps: our own short table */
  }
  free(pids);
  return 0;
}

static int print_stats(const struct cstate *st, struct berr *err) {
  struct jbuf b = {0};
  jb_raw(&b, "{\"type\":\"stats\",\"id\":");
  jb_str(&b, st->id);
  jb_raw(&b, ",\"data\":");
  if (cgroup_stats(&st->cg, &b, err) < 0) { jb_free(&b); return -1; }
  jb_raw(&b, "}\n");
  if (b.data) fputs(b.data, stdout);
  fflush(stdout);
  jb_free(&b);
  return 0;
}

int cmd_events(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"stats"}, {"interval", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), false, &pos, &n, err) < 0) return berr_wrap(err, "events: ");
  if (n != 1) return berr_set(err, 0, "events: container id required");
  struct cstate st;
  if (state_load(g->root, pos[0], &st, err) < 0) return -1;
  int ret = 0;
  if (opts[0].set) {
    ret = print_stats(&st, err);
    state_release(&st);
    return ret;
  }
  /* Streaming: an "oom" event when the OOM kill count grows, stats every
   * interval (default 5s), until the container stops. */
  double interval = opts[1].set ? strtod(opts[1].val, NULL) : 5;
  if (interval <= 0) interval = 5;
  uint64_t ooms = cgroup_oom_kills(&st.cg);
  struct timespec tick = {0, 100 * 1000 * 1000};
  double since = 0;
  while (state_status(&st) != ST_STOPPED) {
    nanosleep(&tick, NULL);
    since += 0.1;
    uint64_t now = cgroup_oom_kills(&st.cg);
    if (now > ooms) {
      printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", st.id);
      fflush(stdout);
      ooms = now;
    }
    if (since >= interval) {
      since = 0;
      if (print_stats(&st, err) < 0) { ret = -1; break; }
    }
  }
  state_release(&st);
  return ret;
}

/* The BPF program libseccomp generates for the bundle's linux.seccomp, raw,
 * on stdout: what the program cache holds for it (for scmp_bpf_disasm, or
 * to compare with a cache entry). */
int cmd_seccomp_bpf(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"bundle|b", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), false, &pos, &n, err) < 0) return berr_wrap(err, "seccomp-bpf: ");
  if (n > 0) return berr_set(err, 0, "seccomp-bpf: unexpected argument %s", pos[0]);
  struct spec *s = NULL;
  if (spec_load(opts[0].set ? opts[0].val : ".", &s, err) < 0) return -1;
  int r = s->seccomp ? seccomp_export(s->seccomp, STDOUT_FILENO, err)
                     : berr_set(err, 0, "seccomp-bpf: config.json has no linux.seccomp");
  spec_free(s);
  return r < 0 ? -1 : 0;
}
