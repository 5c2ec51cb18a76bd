/* AppArmor and SELinux: berth-runtime applies a requested AppArmor profile or
 * SELinux process label on exec, and refuses one the host cannot enforce
 * (as runc and crun do) instead of running the process unconfined. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/process.h"

static bool apparmor_enabled(void) {
  char c = 0;
  int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool on = read(fd, &c, 1) == 1 && c == 'Y';
  close(fd);
  return on && access("/sys/kernel/security/apparmor", F_OK) == 0;
}

static bool selinux_enabled(void) { return access("/sys/fs/selinux/enforce", F_OK) == 0; }

int lsm_validate(const struct proc_spec *p, const char *mount_label, struct berr *err) {
  if (p->apparmor && !apparmor_enabled())
    return berr_set(err, 0, "process.apparmorProfile %s: AppArmor is not enabled on this host", p->apparmor);
  if (p->selinux_label && !selinux_enabled())
    return berr_set(err, 0, "process.selinuxLabel %s: SELinux is not enabled on this host", p->selinux_label);
  /* Without SELinux a mount label labels nothing: ignored, as crun does (the
   * label only becomes a context= mount option where SELinux is on). */
  if (mount_label && selinux_enabled()) return berr_set(err, 0, "linux.mountLabel is not supported by berth-runtime");
  return 0;
}

/* Returns 0 or -errno. */
static int write_attr(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = write(fd, text, strlen(text));
  int e = n < 0 ? errno : 0;
  close(fd);
  return -e;
}

int lsm_apply(const struct proc_spec *p, struct berr *err) {
  if (p->apparmor) {
    cleanup_free char *cmd = xasprintf("exec %s", p->apparmor);
    if (!cmd) return berr_set(err, ENOMEM, "apparmor");
    int r = write_attr("/proc/self/attr/apparmor/exec", cmd);
    if (r == -ENOENT) r = write_attr("/proc/self/attr/exec", cmd);
    if (r < 0) return berr_set(err, -r, "apply AppArmor profile %s", p->apparmor);
  }
  if (p->selinux_label) {
    int r = write_attr("/proc/self/attr/exec", p->selinux_label);
    if (r < 0) return berr_set(err, -r, "set SELinux label %s", p->selinux_label);
  }
  return 0;
}
