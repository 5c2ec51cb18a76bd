/* create, start, state, kill, delete, pause, resume, list. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/signal.h"
#include "common/util.h"
#include "rt/container.h"
#include "runtime/args.h"
#include "runtime/commands.h"

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

/* Parses options and exactly `want` positionals (min..max). */
static int parse(int argc, char **argv, struct opt *opts, size_t n, size_t min, size_t max, const char *cmd,
                 char ***pos, size_t *npos, struct berr *err) {
  if (args_parse(argc, argv, opts, n, false, pos, npos, err) < 0) return berr_wrap(err, "%s: ", cmd);
  if (*npos < min) { free(*pos); return berr_set(err, 0, "%s: container id required", cmd); }
  if (*npos > max) { free(*pos); return berr_set(err, 0, "%s: unexpected argument %s", cmd, (*pos)[max]); }
  return 0;
}

int cmd_create(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"bundle|b", true}, {"pid-file", true}, {"console-socket", true}, {"no-pivot"},
                       {"no-new-keyring"}, {"preserve-fds", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (parse(argc, argv, opts, NOPTS(opts), 1, 1, "create", &pos, &n, err) < 0) return -1;
  struct create_opts o = {.root = g->root, .id = pos[0], .bundle = opts[0].set ? opts[0].val : ".",
                          .pid_file = opts[1].val, .console_socket = opts[2].val, .no_pivot = opts[3].set,
                          .preserve_fds = opts[5].set ? atoi(opts[5].val) : 0};
  pid_t pid;
  if (container_create(&o, &pid, NULL, err) < 0) return -1;
  return 0;
}

static int one_id(int argc, char **argv, const char *cmd, char ***pos, struct berr *err) {
  size_t n;
  return parse(argc, argv, NULL, 0, 1, 1, cmd, pos, &n, err);
}

int cmd_start(const struct globals *g, int argc, char **argv, struct berr *err) {
  cleanup_free char **pos = NULL;
  if (one_id(argc, argv, "start", &pos, err) < 0) return -1;
  return container_start(g->root, pos[0], err) < 0 ? -1 : 0;
}

int cmd_state(const struct globals *g, int argc, char **argv, struct berr *err) {
  cleanup_free char **pos = NULL;
  if (one_id(argc, argv, "state", &pos, err) < 0) return -1;
  struct cstate st;
  if (state_load(g->root, pos[0], &st, err) < 0) return -1;
  struct jbuf b = {0};
  state_json(&st, state_status(&st), &b);
  if (b.data) fputs(b.data, stdout);
  jb_free(&b);
  state_release(&st);
  return 0;
}

int cmd_kill(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"all|a"}, {"pid", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (parse(argc, argv, opts, NOPTS(opts), 1, 2, "kill", &pos, &n, err) < 0) return -1;
  int sig = SIGTERM;
  /* signal 0 only checks that the process is there (runc accepts it) */
  if (n == 2 && !strcmp(pos[1], "0")) sig = 0;
  else if (n == 2 && (sig = signal_parse(pos[1])) < 0) return berr_set(err, 0, "kill: unknown signal %s", pos[1]);
  return container_kill(g->root, pos[0], sig, opts[0].set, err) < 0 ? -1 : 0;
}

int cmd_delete(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"force|f"}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (parse(argc, argv, opts, NOPTS(opts), 1, 1, "delete", &pos, &n, err) < 0) return -1;
  return container_delete(g->root, pos[0], opts[0].set, err) < 0 ? -1 : 0;
}

int cmd_pause(const struct globals *g, int argc, char **argv, struct berr *err) {
  cleanup_free char **pos = NULL;
  if (one_id(argc, argv, "pause", &pos, err) < 0) return -1;
  return container_pause(g->root, pos[0], true, err) < 0 ? -1 : 0;
}

int cmd_resume(const struct globals *g, int argc, char **argv, struct berr *err) {
  cleanup_free char **pos = NULL;
  if (one_id(argc, argv, "resume", &pos, err) < 0) return -1;
  return container_pause(g->root, pos[0], false, err) < 0 ? -1 : 0;
}

int cmd_list(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"format|f", true}, {"quiet|q"}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (parse(argc, argv, opts, NOPTS(opts), 0, 0, "list", &pos, &n, err) < 0) return -1;
  bool json = opts[0].set && !strcmp(opts[0].val, "json");
  if (opts[0].set && !json && strcmp(opts[0].val, "table")) return berr_set(err, 0, "list: unknown format %s", opts[0].val);
  cleanup_dir DIR *d = opendir(g->root);
  if (!d && errno != ENOENT) return berr_sys(err, "open %s", g->root);
  struct jbuf b = {0};
  if (json) jb_raw(&b, "[");
  else if (!opts[1].set) jb_printf(&b, "%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  bool first = true;
  struct dirent *de;
  while (d && (de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    struct cstate st;
    struct berr e;
    if (state_load(g->root, de->d_name, &st, &e) < 0) continue;
    enum cstatus s = state_status(&st);
    pid_t pid = s == ST_STOPPED ? 0 : st.pid;
    if (json) {
      jb_raw(&b, first ? "{\"ociVersion\":\"" OCI_VERSION "\",\"id\":" : ",{\"ociVersion\":\"" OCI_VERSION "\",\"id\":");
      jb_str(&b, st.id);
      jb_printf(&b, ",\"pid\":%d,\"status\":\"%s\",\"bundle\":", pid, status_name(s));
      jb_str(&b, st.bundle);
      jb_raw(&b, ",\"rootfs\":");
      jb_str(&b, st.rootfs);
      jb_raw(&b, ",\"created\":");
      jb_str(&b, st.created);
      jb_raw(&b, ",\"owner\":\"root\"}");
    } else if (opts[1].set) {
      jb_printf(&b, "%s\n", st.id);
    } else {
      jb_printf(&b, "%-20s %-8d %-10s %-40s %-30s %s\n", st.id, pid, status_name(s), st.bundle, st.created, "root");
    }
    first = false;
    state_release(&st);
  }
  if (json) jb_raw(&b, "]\n");
  if (b.data) fputs(b.data, stdout);
  jb_free(&b);
  return 0;
}
