/* run (create + start + wait + delete) and exec. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/container.h"
#include "runtime/args.h"
#include "runtime/commands.h"
#include "runtime/relay.h"

#define NOPTS(a) (sizeof(a) / sizeof((a)[0]))

int cmd_run(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"bundle|b", true}, {"pid-file", true}, {"console-socket", true}, {"no-pivot"},
                       {"detach|d"}, {"keep"}, {"no-new-keyring"}, {"preserve-fds", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), false, &pos, &n, err) < 0) return berr_wrap(err, "run: ");
  if (n != 1) return berr_set(err, 0, "run: expected exactly one container id");
  bool detach = opts[4].set;
  struct create_opts o = {.root = g->root, .id = pos[0], .bundle = opts[0].set ? opts[0].val : ".",
                          .pid_file = opts[1].val, .console_socket = opts[2].val, .no_pivot = opts[3].set,
                          .preserve_fds = opts[7].set ? atoi(opts[7].val) : 0};
  if (!detach && relay_prepare(err) < 0) return -1;
  pid_t pid;
  int master = -1;
  if (container_create(&o, &pid, detach ? NULL : &master, err) < 0) return -1;
  if (container_start(g->root, o.id, err) < 0) {
    struct berr e2;
    container_delete(g->root, o.id, true, &e2);
    return -1;
  }
  if (detach) return 0;
  int code = 1;
  if (relay_wait(pid, master, &code, err) < 0) return -1;
  if (!opts[5].set) {
    struct berr e2;
    if (container_delete(g->root, o.id, true, &e2) < 0) fprintf(stderr, "%s\n", e2.msg);
  }
  return code;
}

int cmd_exec(const struct globals *g, int argc, char **argv, struct berr *err) {
  struct opt opts[] = {{"tty|t"}, {"detach|d"}, {"pid-file", true}, {"cwd", true}, {"env|e", true, true},
                       {"user|u", true}, {"process|p", true}, {"console-socket", true}, {"no-new-privs"},
                       {"cap|c", true, true}, {"additional-gids|g", true, true}, {"preserve-fds", true},
                       {"apparmor", true}, {"process-label", true}, {"ignore-paused"}, {"cgroup", true}};
  cleanup_free char **pos = NULL;
  size_t n;
  if (args_parse(argc, argv, opts, NOPTS(opts), true, &pos, &n, err) < 0) return berr_wrap(err, "exec: ");
  if (n < 1) return berr_set(err, 0, "exec: container id required");
  if (n < 2 && !opts[6].set) {
    /* 255 like any process that could not be started (runc) */
    fprintf(stderr, "exec: a command or --process is required\n");
    log_error("exec: a command or --process is required");
    return 255;
  }
  bool detach = opts[1].set;
  struct exec_opts o = {.root = g->root, .id = pos[0], .process_file = opts[6].val, .cwd = opts[3].val,
                        .user = opts[5].val, .pid_file = opts[2].val, .console_socket = opts[7].val,
                        .args = pos + 1, .env = (char **)opts[4].vals, .nenv = opts[4].nvals,
                        .tty = opts[0].set, .tty_set = opts[0].set, .detach = detach, .nnp = opts[8].set,
                        .cap_add = (char **)opts[9].vals, .ncap_add = opts[9].nvals,
                        .add_gids = (char **)opts[10].vals, .nadd_gids = opts[10].nvals,
                        .preserve_fds = opts[11].set ? atoi(opts[11].val) : 0};
  if (!detach && relay_prepare(err) < 0) return -1;
  pid_t pid;
  int master = -1;
  int r = container_exec(&o, &pid, detach ? NULL : &master, err);
  free(opts[4].vals);
  free(opts[9].vals);
  free(opts[10].vals);
  if (r < 0) {
    /* 255, as runc: a process that could not be started is told apart from
     * one that ran and exited 1 */
    fprintf(stderr, "%s\n", err->msg);
    log_error(err->msg);
    return 255;
  }
  if (detach) return 0;
  int code = 1;
  if (relay_wait(pid, master, &code, err) < 0) return -1;
  return code;
}
