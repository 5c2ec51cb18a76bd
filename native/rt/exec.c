/* exec: a new process in a running container's namespaces and cgroup. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/container.h"
#include "rt/process.h"
#include "rt/spec.h"
#include "rt/tty.h"

/* Order matters: the user namespace first (it owns the others), mnt last
 * (joining it changes root and cwd). */
static const struct { const char *name; int flag; } exec_ns[] = {
  {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP}, {"mnt", CLONE_NEWNS}};
#define NEXEC_NS (sizeof exec_ns / sizeof exec_ns[0])

/* Opens /proc/<pid>/ns/<name> when it differs from ours; -1 when the same. */
static int open_ns(pid_t pid, const char *name, int *out, struct berr *err) {
  char p[64], self[64];
  snprintf(p, sizeof p, "/proc/%d/ns/%s", pid, name);
  snprintf(self, sizeof self, "/proc/self/ns/%s", name);
  struct stat a, b;
  *out = -1;
  if (stat(p, &a) < 0) return berr_sys(err, "stat %s", p);
  if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return 0;
  *out = open(p, O_RDONLY | O_CLOEXEC);
  return *out < 0 ? berr_sys(err, "open %s", p) : 0;
}

static int parse_user(const char *u, struct proc_spec *p, struct berr *err) {
  char *end;
  unsigned long uid = strtoul(u, &end, 10);
  if (end == u || (*end && *end != ':')) return berr_set(err, 0, "--user %s: expected uid[:gid]", u);
  p->uid = (uid_t)uid;
  if (*end == ':') {
    const char *g = end + 1;
    unsigned long gid = strtoul(g, &end, 10);
    if (end == g || *end) return berr_set(err, 0, "--user %s: expected uid[:gid]", u);
    p->gid = (gid_t)gid;
  }
  return 0;
}

/* Adds K=V to env, replacing an existing K. env is a malloc'ed strv whose
 * strings are borrowed. */
static int env_set(char ***envp, const char *kv, struct berr *err) {
  char **env = *envp;
  const char *eq = strchr(kv, '=');
  size_t kl = eq ? (size_t)(eq - kv) : strlen(kv);
  size_t n = 0;
  for (; env[n]; n++)
    if (!strncmp(env[n], kv, kl) && env[n][kl] == '=') { env[n] = (char *)kv; return 0; }
  char **nv = realloc(env, (n + 2) * sizeof *nv);
  if (!nv) return berr_set(err, ENOMEM, "env");
  nv[n] = (char *)kv;
  nv[n + 1] = NULL;
  *envp = nv;
  return 0;
}

static int build_process(const struct exec_opts *o, const struct spec *s, struct json **pj, struct proc_spec *p, struct berr *err) {
  if (o->process_file) {
    *pj = json_parse_file(o->process_file, err);
    if (!*pj) return -1;
    return proc_spec_parse(*pj, p, err);
  }
  if (!o->args || !o->args[0]) return berr_set(err, 0, "exec: no command given");
  *p = s->process;
  size_t n = 0;
  while (s->process.env[n]) n++;
  p->env = calloc(n + 1, sizeof(char *));
  p->args = NULL;
  p->gids = NULL;
  p->ngids = 0;
  if (!p->env) return berr_set(err, ENOMEM, "exec");
  memcpy(p->env, s->process.env, n * sizeof(char *));
  size_t na = 0;
  while (o->args[na]) na++;
  p->args = calloc(na + 1, sizeof(char *));
  if (!p->args) return berr_set(err, ENOMEM, "exec");
  memcpy(p->args, o->args, na * sizeof(char *));
  if (s->process.ngids || o->nadd_gids) {
    p->gids = calloc(s->process.ngids + o->nadd_gids + 1, sizeof(gid_t));
    if (!p->gids) return berr_set(err, ENOMEM, "exec");
    if (s->process.ngids) memcpy(p->gids, s->process.gids, s->process.ngids * sizeof(gid_t));
    p->ngids = s->process.ngids;
  }
  for (size_t i = 0; i < o->nadd_gids; i++) {
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(o->add_gids[i], &end, 10);
    if (errno || !*o->add_gids[i] || *end || v > UINT32_MAX - 1)
      return berr_set(err, 0, "exec: invalid additional gid %s", o->add_gids[i]);
    p->gids[p->ngids++] = (gid_t)v;
  }
  for (size_t i = 0; i < o->nenv; i++)
    if (env_set(&p->env, o->env[i], err) < 0) return -1;
  if (o->cwd) p->cwd = o->cwd;
  if (o->user && parse_user(o->user, p, err) < 0) return -1;
  p->terminal = o->tty;
  if (o->nnp) p->nnp = true;
  for (size_t i = 0; i < o->ncap_add; i++) {
    int c = cap_from_name(o->cap_add[i]);
    if (c < 0) return berr_set(err, 0, "exec: unknown capability %s", o->cap_add[i]);
    /* as runc: bounding, effective, permitted; ambient only when the
     * process has inheritable capabilities (ambient needs them) */
    p->caps[CAP_SET_BOUNDING] |= 1ULL << c;
    p->caps[CAP_SET_EFFECTIVE] |= 1ULL << c;
    p->caps[CAP_SET_PERMITTED] |= 1ULL << c;
    if (p->caps[CAP_SET_INHERITABLE]) p->caps[CAP_SET_AMBIENT] |= 1ULL << c;
  }
  return 0;
}

static void exec_child(const struct cstate *st, const struct proc_spec *p, void *seccomp, int ns_fds[], int sock,
                       int preserve_fds) {
  struct berr err = {0};
  cleanup_free char *path = NULL;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (cgroup_enter(&st->cg, 0, &err) < 0) { berr_wrap(&err, "join cgroup: "); goto fail; }
  for (size_t i = 0; i < NEXEC_NS; i++)
    if (ns_fds[i] >= 0 && setns(ns_fds[i], exec_ns[i].flag) < 0) { berr_sys(&err, "setns %s", exec_ns[i].name); goto fail; }
  if (p->terminal) {
    int master, slave;
    if (tty_open(&master, &slave, p->console_rows, p->console_cols, &err) < 0) goto fail;
    if (send_fd(sock, master, "T", &err) < 0) goto fail;
    close(master);
    if (tty_attach_stdio(slave, &err) < 0) goto fail;
    close(slave);
  }
  if (proc_apply_limits(p, &err) < 0) goto fail;
  if (proc_ensure_home((struct proc_spec *)p, &err) < 0 || proc_find_exec(p, &path, &err) < 0) goto fail;
  if (chdir(p->cwd) < 0) { berr_sys(&err, "chdir %s", p->cwd); goto fail; }
  sync_ready(sock);
  close(sock);
  for (int fd = 3; fd < 3 + preserve_fds; fd++) fcntl(fd, F_SETFD, 0);
  syscall(SYS_close_range, 3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  proc_exec(p, path, seccomp, &err);
  fprintf(stderr, "berth-runtime: %s\n", err.msg);
  _exit(127);
fail:
  sync_report_error(sock, &err);
  _exit(1);
}

int container_exec(const struct exec_opts *o, pid_t *pidp, int *tty_master, struct berr *err) {
  struct cstate st;
  struct spec *s = NULL;
  struct json *pj = NULL;
  struct proc_spec p = {0};
  void *seccomp = NULL;
  int ns_fds[NEXEC_NS], sv[2] = {-1, -1}, master = -1, ret = -1;
  cleanup_close int pidns = -1;
  for (size_t i = 0; i < NEXEC_NS; i++) ns_fds[i] = -1;
  if (state_load(o->root, o->id, &st, err) < 0) return -1;
  enum cstatus status = state_status(&st);
  if (status == ST_STOPPED) { berr_set(err, 0, "cannot exec in a stopped container"); goto out; }
  if (status == ST_PAUSED) { berr_set(err, 0, "cannot exec in a paused container"); goto out; }
  if (status == ST_CREATING) { berr_set(err, 0, "cannot exec in a container that is being created"); goto out; }
  if (spec_load(st.bundle, &s, err) < 0) goto out;
  if (build_process(o, s, &pj, &p, err) < 0) goto out;
  /* here, with the host's view of the state root: its program cache */
  if (seccomp_prepare(s->seccomp, o->root, &seccomp, err) < 0) goto out;
  if (p.terminal && !o->console_socket && !tty_master) { berr_set(err, 0, "exec --tty: --console-socket is required"); goto out; }
  if (open_ns(st.pid, "pid", &pidns, err) < 0) goto out;
  for (size_t i = 0; i < NEXEC_NS; i++)
    if (open_ns(st.pid, exec_ns[i].name, &ns_fds[i], err) < 0) goto out;
  if (pidns >= 0 && setns(pidns, CLONE_NEWPID) < 0) { berr_sys(err, "setns pid"); goto out; }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) { berr_sys(err, "socketpair"); goto out; }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) { berr_sys(err, "fork"); goto out; }
  if (pid == 0) {
    close(sv[0]);
    exec_child(&st, &p, seccomp, ns_fds, sv[1], o->preserve_fds);
  }
  close(sv[1]);
  sv[1] = -1;
  if (sync_wait_ready(sv[0], pid, p.terminal ? &master : NULL, err) < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    goto out;
  }
  if (o->pid_file) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", pid);
    if (write_file_replace(o->pid_file, buf, (size_t)n, 0644, err) < 0) goto out;
  }
  if (master >= 0 && o->console_socket) {
    if (tty_send_console(o->console_socket, master, err) < 0) goto out;
    close(master);
    master = -1;
  }
  if (tty_master) *tty_master = master;
  master = -1;
  *pidp = pid;
  ret = 0;
out:
  for (size_t i = 0; i < NEXEC_NS; i++) if (ns_fds[i] >= 0) close(ns_fds[i]);
  if (sv[0] >= 0) close(sv[0]);
  if (sv[1] >= 0) close(sv[1]);
  if (master >= 0) close(master);
  if (pj) proc_spec_free(&p);
  else { free(p.env); free(p.args); free(p.gids); }
  json_free(pj);
  seccomp_free(seccomp);
  spec_free(s);
  state_release(&st);
  return ret;
}
