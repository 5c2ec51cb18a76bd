/* Capabilities: the bounding set, then effective/permitted/inheritable
 * with capset(2), then the ambient set. Raw syscalls: no libcap needed. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "rt/process.h"

static int last_cap(void) {
  static int last = -1;
  if (last >= 0) return last;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f) {
    if (fscanf(f, "%d", &last) != 1) last = -1;
    fclose(f);
  }
  if (last < 0) last = CAP_LAST_CAP;
  return last;
}

int caps_drop_bounding(const struct proc_spec *p, struct berr *err) {
  int last = last_cap();
  for (int c = 0; c <= last; c++) {
    if (p->caps[CAP_SET_BOUNDING] & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) return berr_sys(err, "drop capability %d from the bounding set", c);
  }
  return 0;
}

int caps_apply(const struct proc_spec *p, struct berr *err) {
  int last = last_cap();
  uint64_t mask = last >= 63 ? ~0ULL : ((1ULL << (last + 1)) - 1);
  uint64_t eff = p->caps[CAP_SET_EFFECTIVE] & mask, perm = p->caps[CAP_SET_PERMITTED] & mask;
  uint64_t inh = p->caps[CAP_SET_INHERITABLE] & mask, amb = p->caps[CAP_SET_AMBIENT] & mask;
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2] = {
    {.effective = (uint32_t)eff, .permitted = (uint32_t)perm, .inheritable = (uint32_t)inh},
    {.effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(perm >> 32), .inheritable = (uint32_t)(inh >> 32)},
  };
  if (syscall(SYS_capset, &hdr, data) < 0) return berr_sys(err, "capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) return berr_sys(err, "clear ambient capabilities");
  for (int c = 0; c <= last; c++) {
    if (!(amb & (1ULL << c))) continue;
    /* ambient needs the cap in permitted and inheritable; skip otherwise, as runc does */
    if (!(perm & inh & (1ULL << c))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) return berr_sys(err, "raise ambient capability %d", c);
  }
  return 0;
}
