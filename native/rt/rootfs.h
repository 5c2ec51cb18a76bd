/* The container's root filesystem: mounts, /dev, pivot_root, and the final
 * masked/readonly paths. Runs in the container's init, in its own mount
 * namespace, before the user's process is executed. */
#ifndef BERTH_RT_ROOTFS_H
#define BERTH_RT_ROOTFS_H

#include <stdbool.h>

#include "common/error.h"
#include "rt/cgroup.h"
#include "rt/spec.h"

struct rootfs_opts {
  bool no_pivot;
  const struct cgroup *cg;    /* for mounts of type cgroup */
  int console_slave;          /* >= 0: bind this pty slave onto /dev/console */
  /* called after the mounts, before pivot_root (createContainer hooks) */
  int (*before_pivot)(void *ctx, struct berr *err);
  void *ctx;
};

/* Everything up to and including pivot_root (or chroot with no_pivot). */
int rootfs_prepare(const struct spec *s, const struct rootfs_opts *o, struct berr *err);
/* After pivot_root: sysctls, readonly and masked paths, readonly root. */
int rootfs_finalize(const struct spec *s, struct berr *err);

/* Opens path inside the directory rootfd (symlinks cannot leave it),
 * creating missing directories, and the last component as a directory
 * (is_dir) or an empty file. Returns an O_PATH fd. */
int open_in_root(int rootfd, const char *path, bool create, bool is_dir, struct berr *err);

/* dev.c */
int dev_populate(int rootfd, const struct spec *s, bool default_nodes, struct berr *err);

#endif
