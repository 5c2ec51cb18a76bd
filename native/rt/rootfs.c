#include "rt/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

static int openat2_in(int dirfd, const char *path, int flags, struct berr *err) {
  struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
  int fd;
  do fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how); while (fd < 0 && errno == EAGAIN);
  if (fd < 0 && err) berr_sys(err, "open %s in the rootfs", path);
  return fd;
}

/* Creates path inside rootfd component by component. Every lookup is made
 * from rootfd with RESOLVE_IN_ROOT, so ".." and absolute symlinks are clamped
 * at the rootfs; a dangling symlink is followed (its target is created inside
 * the rootfs, as runc does), up to 40 links. */
static int create_in_root(int rootfd, const char *path, bool is_dir, int depth, struct berr *err) {
  if (depth > 40) return berr_set(err, ELOOP, "open %s in the rootfs", path);
  cleanup_free char *p = strdup(path);
  if (!p) return berr_set(err, ENOMEM, "open %s", path);
  size_t len = strlen(p);
  for (size_t i = 0; i <= len; i++) {
    if (p[i] != '/' && p[i] != 0) continue;
    if (i == 0 || p[i - 1] == '/') continue;
    bool last = p[i] == 0 || p[i + strspn(p + i, "/")] == 0;
    char saved = p[i];
    p[i] = 0;
    int fd = openat2_in(rootfd, p, O_PATH | (last ? 0 : O_DIRECTORY), NULL);
    if (fd >= 0) {
      p[i] = saved;
      if (last) return fd;
      close(fd);
      continue;
    }
    if (errno != ENOENT) { int e = errno; p[i] = saved; return berr_set(err, e, "open %s in the rootfs", path); }
    /* p's parent exists (checked on the previous round): make the last part */
    char *slash = strrchr(p, '/');
    const char *name = slash ? slash + 1 : p;
    cleanup_free char *parent = slash ? strndup(p, (size_t)(slash - p)) : strdup(".");
    if (!parent) return berr_set(err, ENOMEM, "open %s", path);
    cleanup_close int pfd = openat2_in(rootfd, *parent ? parent : ".", O_PATH | O_DIRECTORY, err);
    if (pfd < 0) return -1;
    char target[4096];
    ssize_t tl = readlinkat(pfd, name, target, sizeof target - 1);
    if (tl >= 0) {
      /* a dangling symlink: continue at its target, resolved in the rootfs */
      target[tl] = 0;
      const char *rest = saved ? p + i + 1 : "";
      cleanup_free char *next = target[0] == '/' ? xasprintf("%s/%s", target, rest)
                                                 : xasprintf("%s/%s/%s", parent, target, rest);
      if (!next) return berr_set(err, ENOMEM, "open %s", path);
      size_t nl = strlen(next);
      while (nl > 1 && next[nl - 1] == '/') next[--nl] = 0;
      return create_in_root(rootfd, next, is_dir, depth + 1, err);
    }
    if (!last || is_dir) {
      if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST) return berr_sys(err, "mkdir %s in the rootfs", p);
    } else {
      char fdp[64];
      snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", pfd);
      cleanup_close int dfd = open(fdp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0) return berr_sys(err, "open %s in the rootfs", parent);
      int f = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (f < 0 && errno != EEXIST) return berr_sys(err, "create %s in the rootfs", p);
      if (f >= 0) close(f);
    }
    fd = openat2_in(rootfd, p, O_PATH | (last ? 0 : O_DIRECTORY), err);
    if (fd < 0) return -1;
    p[i] = saved;
    if (last) return fd;
    close(fd);
  }
  return openat2_in(rootfd, ".", O_PATH | O_DIRECTORY, err);
}

int open_in_root(int rootfd, const char *path, bool create, bool is_dir, struct berr *err) {
  while (*path == '/') path++;
  if (!*path) return openat2_in(rootfd, ".", O_PATH | O_DIRECTORY, err);
  int fd = openat2_in(rootfd, path, O_PATH, NULL);
  if (fd >= 0 || errno != ENOENT || !create) {
    if (fd < 0) berr_sys(err, "open %s in the rootfs", path);
    return fd;
  }
  return create_in_root(rootfd, path, is_dir, 0, err);
}

struct mopts {
  unsigned long flags, clear, prop;
  char data[1024];
  bool ro, rec_ro;
};

static void parse_options(char **options, struct mopts *m) {
  memset(m, 0, sizeof *m);
  for (size_t i = 0; options && options[i]; i++) {
    if (mount_flag_parse(options[i], &m->flags, &m->clear, &m->prop)) continue;
    if (!strcmp(options[i], "rro")) { m->flags |= MS_RDONLY; m->rec_ro = true; continue; }
    if (!strcmp(options[i], "tmpcopyup") || !strncmp(options[i], "idmap", 5) || !strncmp(options[i], "ridmap", 6)) continue;
    size_t n = strlen(m->data);
    snprintf(m->data + n, sizeof m->data - n, "%s%s", n ? "," : "", options[i]);
  }
  m->flags &= ~m->clear;
}

static int fdpath(char *buf, size_t n, int fd) { return snprintf(buf, n, "/proc/self/fd/%d", fd); }

/* Flags of the mount at path that a user namespace may not clear on a
 * remount (kept everywhere: a bind never gains what its source lacks). */
static unsigned long locked_flags(const char *path) {
  struct statvfs sv;
  unsigned long f = 0;
  if (statvfs(path, &sv) < 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

/* Applies read-only etc. to a bind mount: flags other than MS_BIND|MS_REC
 * need a remount of the new mount point. */
static int remount_bind(int rootfd, const char *dest, unsigned long flags, bool recursive_ro, struct berr *err) {
  unsigned long extra = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (!extra && !recursive_ro) return 0;
  cleanup_close int fd = open_in_root(rootfd, dest, false, false, err);
  if (fd < 0) return -1;
  char p[64];
  fdpath(p, sizeof p, fd);
  if (mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | extra | locked_flags(p), NULL) < 0) {
    return berr_sys(err, "remount %s", dest);
  }
  if (recursive_ro) {
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
      return berr_sys(err, "mount_setattr %s", dest);
  }
  return 0;
}

static int set_propagation(int rootfd, const char *dest, unsigned long prop, struct berr *err) {
  if (!prop) return 0;
  cleanup_close int fd = open_in_root(rootfd, dest, false, false, err);
  if (fd < 0) return -1;
  char p[64];
  fdpath(p, sizeof p, fd);
  if (mount(NULL, p, NULL, prop, NULL) < 0) return berr_sys(err, "set propagation of %s", dest);
  return 0;
}

/* A cgroup mount: cgroup2 directly; on v1 a tmpfs holding a bind of the
 * container's own directory of every controller. */
static int mount_cgroup(int rootfd, const struct mount_spec *m, const struct mopts *mo, const struct cgroup *cg, bool own_cgroupns,
                        struct berr *err) {
  unsigned long flags = mo->flags & ~MS_RDONLY;
  char p[64];
  if (!cg) return 0;
  if (cg->version == 2) {
    cleanup_close int fd = open_in_root(rootfd, m->dest, true, true, err);
    if (fd < 0) return -1;
    fdpath(p, sizeof p, fd);
    /* In its own cgroup namespace a fresh cgroup2 mount shows the container's
     * cgroup as the root; without one it would show the whole hierarchy, so
     * the container's own directory is bound instead. */
    if (!own_cgroupns || mount("cgroup2", p, "cgroup2", mo->flags, NULL) < 0) {
      if (mount(cg->dirs[0], p, NULL, MS_BIND | MS_REC, NULL) < 0) return berr_sys(err, "mount cgroup2 on %s", m->dest);
      return remount_bind(rootfd, m->dest, mo->flags | MS_BIND, false, err);
    }
    return 0;
  }
  {
    cleanup_close int fd = open_in_root(rootfd, m->dest, true, true, err);
    if (fd < 0) return -1;
    fdpath(p, sizeof p, fd);
    if (mount("tmpfs", p, "tmpfs", flags, "mode=755") < 0) return berr_sys(err, "mount tmpfs on %s", m->dest);
  }
  /* The controllers only: the container's view of /sys/fs/cgroup stays as before. */
  for (int c = 0; c < CG_FIRST_PLACEMENT; c++) {
    if (!cg->dirs[c]) continue;
    cleanup_free char *sub = xasprintf("%s/%s", m->dest, cgroup_ctrl_name(c));
    if (!sub) return berr_set(err, ENOMEM, "cgroup mount");
    cleanup_close int fd = open_in_root(rootfd, sub, true, true, err);
    if (fd < 0) return -1;
    fdpath(p, sizeof p, fd);
    if (mount(cg->dirs[c], p, NULL, MS_BIND, NULL) < 0) return berr_sys(err, "bind %s on %s", cg->dirs[c], sub);
    if (remount_bind(rootfd, sub, mo->flags | MS_BIND | MS_NOSUID | MS_NODEV | MS_NOEXEC, false, err) < 0) return -1;
  }
  if (mo->flags & MS_RDONLY) {
    cleanup_close int fd = open_in_root(rootfd, m->dest, false, true, err);
    if (fd < 0) return -1;
    fdpath(p, sizeof p, fd);
    if (mount(NULL, p, NULL, MS_REMOUNT | flags | MS_RDONLY, "mode=755") < 0) return berr_sys(err, "remount %s read-only", m->dest);
  }
  return 0;
}

static int do_mount(int rootfd, const struct spec *s, const struct mount_spec *m, const struct rootfs_opts *o, struct berr *err) {
  struct mopts mo;
  parse_options(m->options, &mo);
  const char *type = m->type ? m->type : "";
  bool bind = (mo.flags & MS_BIND) || !strcmp(type, "bind");
  char p[64];
  if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) return mount_cgroup(rootfd, m, &mo, o->cg, spec_ns(s, CLONE_NEWCGROUP) != NULL, err);
  if (bind) {
    if (!m->source) return berr_set(err, 0, "mount %s: bind mount without source", m->dest);
    cleanup_free char *src = m->source[0] == '/' ? strdup(m->source) : xasprintf("%s/%s", s->bundle, m->source);
    if (!src) return berr_set(err, ENOMEM, "mount");
    struct stat st;
    if (stat(src, &st) < 0) return berr_sys(err, "mount %s: stat %s", m->dest, src);
    cleanup_close int fd = open_in_root(rootfd, m->dest, true, S_ISDIR(st.st_mode), err);
    if (fd < 0) return -1;
    fdpath(p, sizeof p, fd);
    if (mount(src, p, NULL, MS_BIND | (mo.flags & MS_REC), NULL) < 0) return berr_sys(err, "bind %s on %s", src, m->dest);
    if (remount_bind(rootfd, m->dest, mo.flags, mo.rec_ro, err) < 0) return -1;
    return set_propagation(rootfd, m->dest, mo.prop, err);
  }
  cleanup_close int fd = open_in_root(rootfd, m->dest, true, true, err);
  if (fd < 0) return -1;
  fdpath(p, sizeof p, fd);
  const char *src = m->source ? m->source : type;
  if (mount(src, p, type, mo.flags, mo.data[0] ? mo.data : NULL) < 0) {
    int e = errno;
    if (!strcmp(type, "sysfs") && e == EPERM) {
      /* sysfs of the host's network namespace cannot be mounted anew: bind it */
      if (mount("/sys", p, NULL, MS_BIND | MS_REC, NULL) < 0) return berr_sys(err, "bind /sys on %s", m->dest);
      return remount_bind(rootfd, m->dest, mo.flags | MS_BIND, true, err);
    }
    return berr_set(err, e, "mount %s on %s (type %s)", src, m->dest, type);
  }
  return set_propagation(rootfd, m->dest, mo.prop, err);
}

static bool dev_is_tmpfs(const struct spec *s) {
  for (size_t i = 0; i < s->nmounts; i++)
    if (!strcmp(s->mounts[i].dest, "/dev") || !strcmp(s->mounts[i].dest, "/dev/")) {
      struct mopts mo;
      parse_options(s->mounts[i].options, &mo);
      return !(mo.flags & MS_BIND) && s->mounts[i].type && strcmp(s->mounts[i].type, "bind");
    }
  return false;
}

static int bind_console(int rootfd, int slave, struct berr *err) {
  cleanup_close int fd = open_in_root(rootfd, "/dev/console", true, false, err);
  if (fd < 0) return -1;
  char p[64], src[64];
  fdpath(p, sizeof p, fd);
  fdpath(src, sizeof src, slave);
  if (mount(src, p, NULL, MS_BIND, NULL) < 0) return berr_sys(err, "bind the terminal on /dev/console");
  return 0;
}

int rootfs_prepare(const struct spec *s, const struct rootfs_opts *o, struct berr *err) {
  unsigned long prop = s->rootfs_propagation;
  unsigned long initial = (prop & (MS_SLAVE | MS_SHARED)) ? MS_SLAVE : MS_PRIVATE;
  if (mount(NULL, "/", NULL, MS_REC | initial, NULL) < 0) return berr_sys(err, "make / private");
  if (mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) return berr_sys(err, "bind the rootfs %s", s->rootfs);
  cleanup_close int rootfd = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) return berr_sys(err, "open rootfs %s", s->rootfs);
  for (size_t i = 0; i < s->nmounts; i++)
    if (do_mount(rootfd, s, &s->mounts[i], o, err) < 0) return -1;
  if (dev_populate(rootfd, s, dev_is_tmpfs(s), err) < 0) return -1;
  if (o->console_slave >= 0 && bind_console(rootfd, o->console_slave, err) < 0) return -1;
  if (o->before_pivot && o->before_pivot(o->ctx, err) < 0) return -1;
  if (chdir(s->rootfs) < 0) return berr_sys(err, "chdir %s", s->rootfs);
  if (o->no_pivot) {
    if (mount(s->rootfs, "/", NULL, MS_MOVE, NULL) < 0) return berr_sys(err, "move %s to /", s->rootfs);
    if (chroot(".") < 0) return berr_sys(err, "chroot %s", s->rootfs);
  } else {
    /* pivot_root(".", ".") stacks the old root on the new one; detaching it
     * leaves the new root alone, with no directory for put_old needed. */
    if (syscall(SYS_pivot_root, ".", ".") < 0) return berr_sys(err, "pivot_root %s", s->rootfs);
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) return berr_sys(err, "make the old root a slave");
    if (umount2(".", MNT_DETACH) < 0) return berr_sys(err, "detach the old root");
  }
  if (chdir("/") < 0) return berr_sys(err, "chdir /");
  if (prop && mount(NULL, "/", NULL, prop, NULL) < 0) return berr_sys(err, "set rootfsPropagation");
  /* a mount's own propagation (shared, slave, ...) is set again now: making
   * the old root a slave above reached the new tree's shared mounts too */
  cleanup_close int newroot = -1;
  for (size_t i = 0; i < s->nmounts; i++) {
    struct mopts mo;
    parse_options(s->mounts[i].options, &mo);
    if (!mo.prop) continue;
    if (newroot < 0 && (newroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) return berr_sys(err, "open /");
    if (set_propagation(newroot, s->mounts[i].dest, mo.prop, err) < 0) return -1;
  }
  return 0;
}

static int sysctl_set(const char *key, const char *value, struct berr *err) {
  if (strstr(key, "..") || strchr(key, '/') != NULL) {
    /* keys use dots; a slash form is accepted by sysctl(8) but not here */
    return berr_set(err, 0, "sysctl %s: invalid key", key);
  }
  char path[512];
  snprintf(path, sizeof path, "/proc/sys/%s", key);
  for (char *c = path + 10; *c; c++) if (*c == '.') *c = '/';
  if (write_file(path, value, err) < 0) return berr_wrap(err, "sysctl %s=%s: ", key, value);
  return 0;
}

static int mask_path(const char *path, struct berr *err) {
  struct stat st;
  if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : berr_sys(err, "mask %s", path);
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0,mode=555") < 0) return berr_sys(err, "mask %s", path);
  } else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
    if (errno == ENOENT) return 0;
    return berr_sys(err, "mask %s", path);
  }
  return 0;
}

static int readonly_path(const char *path, struct berr *err) {
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) return errno == ENOENT ? 0 : berr_sys(err, "bind %s", path);
  if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
      mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
    return berr_sys(err, "remount %s read-only", path);
  return 0;
}

int rootfs_finalize(const struct spec *s, struct berr *err) {
  for (size_t i = 0; i < s->nsysctl; i++)
    if (sysctl_set(s->sysctl_keys[i], s->sysctl_values[i], err) < 0) return -1;
  for (size_t i = 0; s->readonly_paths && s->readonly_paths[i]; i++)
    if (readonly_path(s->readonly_paths[i], err) < 0) return -1;
  for (size_t i = 0; s->masked_paths && s->masked_paths[i]; i++)
    if (mask_path(s->masked_paths[i], err) < 0) return -1;
  if (s->root_readonly && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
    return berr_sys(err, "remount / read-only");
  return 0;
}
