#include "rt/container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/signal.h"
#include "common/util.h"
#include "rt/hooks.h"
#include "rt/process.h"
#include "rt/rootfs.h"
#include "rt/spec.h"
#include "rt/tty.h"

/* Handshake messages (SOCK_SEQPACKET, one per datagram):
 * "R" ready, "E<text>" failed, "T" + SCM_RIGHTS the pty master. */
void sync_report_error(int sock, const struct berr *e) {
  char buf[sizeof e->msg + 1];
  buf[0] = 'E';
  memcpy(buf + 1, e->msg, strlen(e->msg) + 1);
  send(sock, buf, strlen(buf), MSG_NOSIGNAL);
}

int sync_ready(int sock) { return send(sock, "R", 1, MSG_NOSIGNAL) == 1 ? 0 : -1; }

static int write_idmap(pid_t pid, const char *file, const struct idmap_spec *m, size_t n, struct berr *err) {
  char path[64], buf[4096];
  size_t len = 0;
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  for (size_t i = 0; i < n && len < sizeof buf - 40; i++)
    len += (size_t)snprintf(buf + len, sizeof buf - len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  if (write_file(path, buf, err) < 0) return berr_wrap(err, "user namespace: ");
  return 0;
}

int sync_map_ids(int sock, pid_t pid, const struct spec *s, struct berr *err) {
  if (write_idmap(pid, "uid_map", s->uid_maps, s->nuid_maps, err) < 0 ||
      write_idmap(pid, "gid_map", s->gid_maps, s->ngid_maps, err) < 0)
    return -1;
  if (send(sock, "M", 1, MSG_NOSIGNAL) != 1) return berr_sys(err, "user namespace: answer the init");
  return 0;
}

int sync_wait_ready(int sock, pid_t pid, int *tty_master, struct berr *err) {
  return sync_wait_ready_maps(sock, &pid, tty_master, NULL, NULL, err);
}

static bool has_early_hooks(const struct spec *s) {
  return s->hooks && (json_get(s->hooks, "prestart") || json_get(s->hooks, "createRuntime"));
}

int sync_wait_ready_maps(int sock, pid_t *pidp, int *tty_master, const struct spec *maps, const char *id, struct berr *err) {
  pid_t pid = *pidp;
  for (;;) {
    char buf[1200];
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf - 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return berr_sys(err, "read from the container init");
    if (n == 0) {
      int status = 0;
      if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
        return berr_set(err, 0, "container init was killed by %s during setup", signal_name(WTERMSIG(status)) ?: "a real-time signal");
      return berr_set(err, 0, "container init exited during setup");
    }
    buf[n] = 0;
    if (buf[0] == 'R') return 0;
    if (buf[0] == 'P' && n == 1 + (ssize_t)sizeof(pid_t)) {
      /* the init is the first child's child (user + pid namespaces) */
      pid_t g;
      memcpy(&g, buf + 1, sizeof g);
      waitpid(pid, NULL, 0);
      *pidp = pid = g;
      if (send(sock, &g, sizeof g, MSG_NOSIGNAL) != sizeof g) return berr_sys(err, "answer the container init");
      continue;
    }
    if (buf[0] == 'U') {
      if (!maps) return berr_set(err, EPROTO, "unexpected user namespace request");
      if (sync_map_ids(sock, pid, maps, err) < 0) return -1;
      continue;
    }
    if (buf[0] == 'H') {
      /* the init made its namespaces and mounts and waits before
       * createContainer and pivot_root: prestart, then createRuntime (spec order) */
      if (!maps || !id) return berr_set(err, EPROTO, "unexpected hook request");
      /* "created" in the state on stdin, as crun and the runtime-tools validation expect. */
      if (hooks_run(maps->hooks, HOOK_PRESTART, id, "created", pid, maps->bundle, maps->annotations, err) < 0 ||
          hooks_run(maps->hooks, HOOK_CREATE_RUNTIME, id, "created", pid, maps->bundle, maps->annotations, err) < 0)
        return -1;
      if (send(sock, "C", 1, MSG_NOSIGNAL) != 1) return berr_sys(err, "answer the container init");
      continue;
    }
    if (buf[0] == 'E') return berr_set(err, 0, "%s", buf + 1);
    if (buf[0] == 'T') {
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      if (!c || c->cmsg_type != SCM_RIGHTS) return berr_set(err, EBADMSG, "terminal: no fd from the container init");
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      if (tty_master) *tty_master = fd;
      else close(fd);
    }
  }
}

struct init_ctx {
  const struct spec *s;
  const struct cgroup *cg;
  const char *fifo, *id;
  int sock;
  bool no_pivot;
  pid_t host_pid;  /* sent by the parent; read when a hook needs it */
  pid_t parent;
  int preserve_fds;
  void *seccomp;   /* the prepared filter (prepared by the runtime) */
  bool pid_in_child; /* user namespace + new pid namespace: made here, then a fork */
};

static pid_t host_pid(struct init_ctx *c) {
  if (c->host_pid <= 0) {
    pid_t p = 0;
    ssize_t n;
    do n = recv(c->sock, &p, sizeof p, 0); while (n < 0 && errno == EINTR);
    c->host_pid = n == sizeof p ? p : -1;
  }
  return c->host_pid;
}

static int create_container_hooks(void *ctx, struct berr *err) {
  struct init_ctx *c = ctx;
  if (!c->s->hooks) return 0;
  if (has_early_hooks(c->s)) {
    char ack = 0;
    ssize_t n;
    if (send(c->sock, "H", 1, MSG_NOSIGNAL) != 1) return berr_sys(err, "ask the runtime for the prestart hooks");
    do n = recv(c->sock, &ack, 1, 0); while (n < 0 && errno == EINTR);
    if (n != 1 || ack != 'C') _exit(1); /* a hook failed: the runtime reports it */
  }
  return hooks_run(c->s->hooks, HOOK_CREATE_CONTAINER, c->id, "created", host_pid(c), c->s->bundle, c->s->annotations, err);
}

/* Only stdio and the fds passed with --preserve-fds reach the process. */
static void close_extra_fds(int preserve) {
  for (int fd = 3; fd < 3 + preserve; fd++) fcntl(fd, F_SETFD, 0);
  syscall(SYS_close_range, 3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC);
}

static int join_namespaces(const struct spec *s, int *unshare_flags, struct berr *err) {
  int flags = 0;
  for (size_t i = 0; i < s->nnamespaces; i++) {
    const struct ns_spec *ns = &s->namespaces[i];
    if (ns->flag == CLONE_NEWPID) continue; /* done by the parent */
    if (!ns->path) {
      if (ns->flag != CLONE_NEWCGROUP) flags |= ns->flag;
      continue;
    }
    cleanup_close int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return berr_sys(err, "open namespace %s", ns->path);
    if (setns(fd, ns->flag) < 0) return berr_sys(err, "setns %s", ns->path);
  }
  *unshare_flags = flags;
  return 0;
}

/* The container init, in the child: everything up to the wait for start. */
static int init_setup(struct init_ctx *c, int *fifo_fd, struct berr *err) {
  const struct spec *s = c->s;
  int flags = 0;
  /* With the host's credentials and mounts: the cgroup, the fifo (opened as a
   * reader; `start` writes to it), namespaces joined by path. */
  if (cgroup_enter(c->cg, 0, err) < 0) return berr_wrap(err, "join cgroup: ");
  *fifo_fd = open(c->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (*fifo_fd < 0) return berr_sys(err, "open %s", c->fifo);
  if (join_namespaces(s, &flags, err) < 0) return -1;
  if (flags & CLONE_NEWUSER) {
    /* The user namespace first, so that it owns the others; the parent
     * writes our id maps, then we become its root. */
    flags &= ~CLONE_NEWUSER;
    char ack = 0;
    if (unshare(CLONE_NEWUSER) < 0) return berr_sys(err, "unshare user namespace");
    if (send(c->sock, "U", 1, MSG_NOSIGNAL) != 1 || recv(c->sock, &ack, 1, 0) != 1 || ack != 'M')
      return berr_set(err, EPIPE, "user namespace: no id maps from the runtime");
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
      return berr_sys(err, "user namespace: become root (is 0 mapped?)");
  }
  if (flags && unshare(flags) < 0) return berr_sys(err, "unshare namespaces");
  if (c->pid_in_child) {
    /* A pid namespace owned by the user namespace: only our children enter
     * it. The child becomes the init; we report its pid and leave. */
    if (unshare(CLONE_NEWPID) < 0) return berr_sys(err, "unshare pid namespace");
    pid_t g = fork();
    if (g < 0) return berr_sys(err, "fork");
    if (g > 0) {
      char msg[1 + sizeof g];
      msg[0] = 'P';
      memcpy(msg + 1, &g, sizeof g);
      send(c->sock, msg, sizeof msg, MSG_NOSIGNAL);
      _exit(0);
    }
    c->host_pid = 0;
    if (host_pid(c) <= 0) _exit(1); /* the runtime sends it back: hooks need it */
  }
  const struct ns_spec *cgns = spec_ns(s, CLONE_NEWCGROUP);
  if (cgns && !cgns->path && unshare(CLONE_NEWCGROUP) < 0) return berr_sys(err, "unshare cgroup namespace");
  const struct ns_spec *uts = spec_ns(s, CLONE_NEWUTS);
  if (s->hostname && *s->hostname) {
    /* a UTS namespace joined by path gets the hostname too, as runc and crun set it */
    if (!uts) return berr_set(err, 0, "cannot set hostname without a private UTS namespace");
    if (sethostname(s->hostname, strlen(s->hostname)) < 0) return berr_sys(err, "sethostname %s", s->hostname);
  }
  if (s->domainname && *s->domainname) {
    if (!uts) return berr_set(err, 0, "cannot set domainname without a private UTS namespace");
    if (setdomainname(s->domainname, strlen(s->domainname)) < 0) return berr_sys(err, "setdomainname");
  }
  /* A mount namespace given by path was joined above: the rootfs is set up
   * in it (pivot_root included), as runc and crun do. */
  if (!spec_ns(s, CLONE_NEWNS)) return berr_set(err, 0, "a mount namespace is required");
  struct rootfs_opts ro = {.no_pivot = c->no_pivot, .cg = c->cg, .console_slave = -1, .before_pivot = create_container_hooks, .ctx = c};
  if (rootfs_prepare(s, &ro, err) < 0) return -1;
  if (s->process.terminal) {
    int master, slave;
    if (tty_open(&master, &slave, s->process.console_rows, s->process.console_cols, err) < 0) return -1;
    if (send_fd(c->sock, master, "T", err) < 0) return -1;
    close(master);
    /* /dev/console is the terminal, as in runc */
    if (access("/dev", W_OK) == 0) {
      int cfd = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (cfd >= 0) {
        close(cfd);
        char p[64];
        snprintf(p, sizeof p, "/proc/self/fd/%d", slave);
        if (mount(p, "/dev/console", NULL, MS_BIND, NULL) < 0) return berr_sys(err, "bind the terminal on /dev/console");
      }
    }
    if (tty_attach_stdio(slave, err) < 0) return -1;
    close(slave);
  }
  struct stat st;
  if (stat(s->process.cwd, &st) < 0 && errno == ENOENT && mkdir_p(s->process.cwd, 0755, err) < 0)
    return berr_wrap(err, "cwd: ");
  if (stat(s->process.cwd, &st) == 0 && !S_ISDIR(st.st_mode)) return berr_set(err, ENOTDIR, "cwd %s", s->process.cwd);
  if (rootfs_finalize(s, err) < 0) return -1;
  return proc_apply_limits(&s->process, err);
}

static void init_main(struct init_ctx *c) {
  struct berr err = {0};
  int fifo_fd = -1;
  cleanup_free char *path = NULL;
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  /* die with the runtime while it sets us up; from "ready" on, we outlive it */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  pid_t pp = getppid(); /* 0 in a new pid namespace: the parent is outside it */
  if (pp != 0 && pp != c->parent) _exit(1);
  /* Read the parent's message now: unread data in our queue when we exit
   * would turn our error report into ECONNRESET on its side. */
  if (host_pid(c) <= 0) _exit(1);
  umask(0);
  if (init_setup(c, &fifo_fd, &err) < 0 || proc_ensure_home((struct proc_spec *)&c->s->process, &err) < 0 ||
      proc_find_exec(&c->s->process, &path, &err) < 0) {
    sync_report_error(c->sock, &err);
    _exit(1);
  }
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  sync_ready(c->sock);
  /* Block until `start` writes to the fifo. */
  struct pollfd pfd = {.fd = fifo_fd, .events = POLLIN};
  char byte;
  for (;;) {
    int r = poll(&pfd, 1, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) _exit(1);
    ssize_t n = read(fifo_fd, &byte, 1);
    if (n == 1) break;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    _exit(1); /* writer went away without starting us */
  }
  /* fifo_fd stays open, close-on-exec: `start` waits for it to close at the exec. */
  /* Under berth-shim (it sets BERTH_DIE_WITH_SHIM for its runtime): the
   * process that created us has exited by now, we were adopted by the shim
   * (a subreaper), and from here on we die with it. A shim killed with
   * SIGKILL then takes the container along (its pid namespace goes with the
   * init) instead of leaving it running unseen. The signal follows the
   * parent *thread*: the shim is single-threaded. */
  const char *dws = getenv("BERTH_DIE_WITH_SHIM");
  if (dws && strcmp(dws, "1") == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    proc_set_death_signal(SIGKILL);
  }
  if (c->s->hooks && hooks_run(c->s->hooks, HOOK_START_CONTAINER, c->id, "created", host_pid(c), c->s->bundle, c->s->annotations, &err) < 0) {
    fprintf(stderr, "%s\n", err.msg);
    _exit(1);
  }
  close(c->sock);
  close_extra_fds(c->preserve_fds);
  proc_exec(&c->s->process, path, c->seccomp, &err);
  fprintf(stderr, "berth-runtime: %s\n", err.msg);
  _exit(127);
}

static int join_pid_ns(const struct spec *s, struct berr *err) {
  const struct ns_spec *pidns = spec_ns(s, CLONE_NEWPID);
  if (!pidns) return 0;
  if (!pidns->path) {
    if (unshare(CLONE_NEWPID) < 0) return berr_sys(err, "unshare pid namespace");
    return 0;
  }
  cleanup_close int fd = open(pidns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return berr_sys(err, "open namespace %s", pidns->path);
  if (setns(fd, CLONE_NEWPID) < 0) return berr_sys(err, "setns %s", pidns->path);
  return 0;
}

static int write_pid_file(const char *path, pid_t pid, struct berr *err) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", pid);
  return write_file_replace(path, buf, (size_t)n, 0644, err);
}

int container_create(const struct create_opts *o, pid_t *pidp, int *tty_master, struct berr *err) {
  cleanup_free char *dir = NULL, *fifo = NULL;
  cleanup_close int own_pidns = -1;
  cleanup_close int lockfd = -1;
  struct spec *s = NULL;
  struct cgroup cg = {0};
  void *seccomp = NULL;
  int sv[2] = {-1, -1}, master = -1, ret = -1;
  pid_t pid = -1, parent;
  bool made_dir = false, made_cg = false, forked = false;
  if (state_path(o->root, o->id, &dir, err) < 0) return -1;
  if (mkdir_p(o->root, 0700, err) < 0) return -1;
  if (mkdir(dir, 0700) < 0) {
    if (errno == EEXIST) return berr_set(err, 0, "container with id %s already exists", o->id);
    return berr_sys(err, "mkdir %s", dir);
  }
  made_dir = true;
  /* Held until the container is recorded: `state` says "creating" meanwhile,
   * and a create that died half-way reads as stopped (see state_status). */
  lockfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lockfd < 0 || flock(lockfd, LOCK_EX) < 0) { berr_sys(err, "lock %s", dir); goto out; }
  if (spec_load(o->bundle, &s, err) < 0) goto out;
  if (s->process.terminal && !o->console_socket && !tty_master) {
    berr_set(err, 0, "terminal is true: --console-socket is required");
    goto out;
  }
  if (!spec_ns(s, CLONE_NEWNS)) { berr_set(err, 0, "config.json: a mount namespace is required"); goto out; }
  /* here, with the host's view of the state root: its program cache */
  if (seccomp_prepare(s->seccomp, o->root, &seccomp, err) < 0) goto out;
  if (cgroup_resolve(s->cgroups_path, o->id, &cg, err) < 0) goto out;
  /* Recorded before anything is made in the kernel, so that `delete` can
   * find the cgroup (and everything in it) if this process dies. */
  bool late_hooks = s->hooks && (json_get(s->hooks, "poststart") || json_get(s->hooks, "poststop"));
  if (state_save(dir, o->id, 0, 0, s->bundle, s->rootfs, &cg, s->annotations, late_hooks, err) < 0) goto out;
  if (cgroup_create(&cg, s, err) < 0) { made_cg = true; berr_wrap(err, "cgroup: "); goto out; }
  made_cg = true;
  /* again, now with the levels of the cgroup path that this create made */
  if (state_save(dir, o->id, 0, 0, s->bundle, s->rootfs, &cg, s->annotations, late_hooks, err) < 0) goto out;
  fifo = xasprintf("%s/" EXEC_FIFO, dir);
  if (!fifo) { berr_set(err, ENOMEM, "create"); goto out; }
  if (mkfifo(fifo, 0600) < 0) { berr_sys(err, "mkfifo %s", fifo); goto out; }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) { berr_sys(err, "socketpair"); goto out; }
  /* Our own pid namespace, to return to after the fork: later children of
   * this process (hooks, in `run`) must not land in the container's. */
  parent = getpid();
  own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  if (own_pidns < 0) { berr_sys(err, "open /proc/self/ns/pid"); goto out; }
  bool userns = spec_ns(s, CLONE_NEWUSER) != NULL;
  const struct ns_spec *pidns = spec_ns(s, CLONE_NEWPID);
  bool pid_in_child = userns && pidns && !pidns->path;
  if (pid_in_child) {
    /* the init will be a grandchild: adopt it when its parent leaves */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) { berr_sys(err, "become a subreaper"); goto out; }
  } else if (join_pid_ns(s, err) < 0) goto out;
  fflush(NULL);
  pid = fork();
  if (pid < 0) { berr_sys(err, "fork"); goto out; }
  if (pid > 0 && setns(own_pidns, CLONE_NEWPID) < 0) { berr_sys(err, "setns back to the runtime's pid namespace"); goto out; }
  if (pid == 0) {
    close(sv[0]);
    close(lockfd);
    struct init_ctx c = {.s = s, .cg = &cg, .fifo = fifo, .id = o->id, .sock = sv[1], .no_pivot = o->no_pivot, .preserve_fds = o->preserve_fds,
                          .parent = parent, .seccomp = seccomp, .pid_in_child = pid_in_child};
    init_main(&c);
  }
  close(sv[1]);
  sv[1] = -1;
  send(sv[0], &pid, sizeof pid, MSG_NOSIGNAL);
  forked = true;
  if (sync_wait_ready_maps(sv[0], &pid, s->process.terminal ? &master : NULL, s, o->id, err) < 0) goto out;
  if (state_save(dir, o->id, pid, pid_starttime(pid), s->bundle, s->rootfs, &cg, s->annotations, late_hooks, err) < 0) goto out;
  if (o->pid_file && write_pid_file(o->pid_file, pid, err) < 0) goto out;
  if (master >= 0 && o->console_socket) {
    if (tty_send_console(o->console_socket, master, err) < 0) goto out;
    close(master);
    master = -1;
  }
  if (tty_master) *tty_master = master;
  master = -1;
  *pidp = pid;
  pid = -1;
  ret = 0;
out:
  if (ret < 0) {
    struct berr e2;
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
    }
    if (made_cg) cgroup_destroy(&cg, &e2);
    /* the lifecycle goes on at delete: poststop hooks run (runtime spec, runc) */
    if (forked && s->hooks && hooks_run(s->hooks, HOOK_POSTSTOP, o->id, "stopped", 0, s->bundle, s->annotations, &e2) < 0)
      bwarn("%s", e2.msg);
    if (made_dir) rm_rf(dir, &e2);
  }
  if (master >= 0) close(master);
  if (sv[0] >= 0) close(sv[0]);
  if (sv[1] >= 0) close(sv[1]);
  cgroup_release(&cg);
  seccomp_free(seccomp);
  spec_free(s);
  return ret;
}
