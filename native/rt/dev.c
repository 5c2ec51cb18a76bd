/* /dev: the default device nodes and symlinks, and linux.devices. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/rootfs.h"

static int make_node(int rootfd, const char *path, mode_t type, mode_t mode, unsigned major, unsigned minor,
                     uid_t uid, gid_t gid, struct berr *err) {
  const char *slash = strrchr(path, '/');
  cleanup_free char *dir = strndup(path, (size_t)(slash - path));
  if (!dir) return berr_set(err, ENOMEM, "mknod %s", path);
  cleanup_close int dfd = open_in_root(rootfd, *dir ? dir : "/", true, true, err);
  if (dfd < 0) return -1;
  const char *name = slash + 1;
  /* mknodat and fchownat need a real directory fd, not O_PATH */
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", dfd);
  cleanup_close int real = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (real < 0) return berr_sys(err, "open %s", dir);
  unlinkat(real, name, 0);
  if (mknodat(real, name, type | mode, makedev(major, minor)) < 0) {
    if (errno != EPERM || type == S_IFIFO) return berr_sys(err, "mknod %s", path);
    /* in a user namespace: bind the host's node onto an empty file */
    int f = openat(real, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (f < 0) return berr_sys(err, "create %s", path);
    close(f);
    cleanup_close int t = openat(real, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
    if (t < 0) return berr_sys(err, "open %s", path);
    char tp[64];
    snprintf(tp, sizeof tp, "/proc/self/fd/%d", t);
    if (mount(path, tp, NULL, MS_BIND, NULL) < 0) return berr_sys(err, "bind the host's %s", path);
    return 0;
  }
  if (fchownat(real, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0) return berr_sys(err, "chown %s", path);
  if (fchmodat(real, name, mode, 0) < 0) return berr_sys(err, "chmod %s", path);
  return 0;
}

static int make_link(int rootfd, const char *target, const char *path, struct berr *err) {
  cleanup_close int dfd = open_in_root(rootfd, "/dev", true, true, err);
  if (dfd < 0) return -1;
  char p[64];
  snprintf(p, sizeof p, "/proc/self/fd/%d", dfd);
  cleanup_close int real = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (real < 0) return berr_sys(err, "open /dev");
  if (symlinkat(target, real, path) < 0 && errno != EEXIST) return berr_sys(err, "symlink /dev/%s", path);
  return 0;
}

int dev_populate(int rootfd, const struct spec *s, bool default_nodes, struct berr *err) {
  if (default_nodes) {
    static const struct { const char *path; unsigned ma, mi; } defs[] = {
      {"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
      {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
      if (make_node(rootfd, defs[i].path, S_IFCHR, 0666, defs[i].ma, defs[i].mi, 0, 0, err) < 0) return -1;
    static const struct { const char *target, *name; } links[] = {
      {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"}};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
      if (make_link(rootfd, links[i].target, links[i].name, err) < 0) return -1;
    if (access("/proc/kcore", F_OK) == 0 && make_link(rootfd, "/proc/kcore", "core", err) < 0) return -1;
  }
  for (size_t i = 0; i < s->ndevices; i++) {
    const struct dev_spec *d = &s->devices[i];
    mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
    mode_t mode = d->has_mode ? d->mode : 0666;
    if (strstr(d->path, "/../") || !strncmp(d->path, "../", 3))
      return berr_set(err, 0, "device %s: path must not contain ..", d->path);
    if (make_node(rootfd, d->path, type, mode, (unsigned)d->major, (unsigned)d->minor, d->uid, d->gid, err) < 0) return -1;
  }
  return 0;
}
