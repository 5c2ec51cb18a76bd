/* Container cgroups on v1 (one hierarchy per controller, this machine's
 * layout, including the hybrid with an empty unified mount) and v2. */
#ifndef BERTH_RT_CGROUP_H
#define BERTH_RT_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/json.h"
#include "rt/spec.h"

/* New controllers go at the end: the state records per-controller data by index. */
/* CG_SYSTEMD (the name=systemd hierarchy) and CG_UNIFIED (cgroup2 mounted
 * beside v1 controllers on a hybrid host) hold no controller: the container
 * is placed in them too, as docker places its containers, so tools that read
 * /proc/<pid>/cgroup find it there. */
enum { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_CPUSET, CG_PIDS, CG_FREEZER, CG_DEVICES, CG_BLKIO,
       CG_HUGETLB, CG_NET_CLS, CG_NET_PRIO, CG_RDMA, CG_SYSTEMD, CG_UNIFIED, CG_NCTRL };
/* The first index that is a placement-only hierarchy, not a controller. */
#define CG_FIRST_PLACEMENT CG_SYSTEMD

struct cgroup {
  int version;             /* 1 or 2 */
  char *rel;               /* "/berth/<id>" */
  char *dirs[CG_NCTRL];    /* v1: absolute dir per controller (NULL when not mounted); v2: dirs[0] */
  size_t owned[CG_NCTRL];  /* per controller, the length of the shallowest level create
                              made ("/berth" → 6); 0: only the leaf is ours */
};

/* Resolves the container's cgroup (linux.cgroupsPath or /berth/<id>) without creating it. */
int cgroup_resolve(const char *cgroups_path, const char *id, struct cgroup *cg, struct berr *err);
/* Same from a recorded relative path (state file). */
int cgroup_open(int version, const char *rel, struct cgroup *cg, struct berr *err);
/* Creates the directories and applies linux.resources. */
int cgroup_create(struct cgroup *cg, const struct spec *s, struct berr *err);
/* Applies resources to an existing cgroup (`update`); device rules are left alone. */
int cgroup_update(const struct cgroup *cg, const struct spec *s, struct berr *err);
/* Moves pid (0: the caller) into every controller of the cgroup. */
int cgroup_enter(const struct cgroup *cg, pid_t pid, struct berr *err);
/* The pids in the cgroup; *out is malloc'ed. */
int cgroup_pids(const struct cgroup *cg, pid_t **out, size_t *n, struct berr *err);
int cgroup_freeze(const struct cgroup *cg, bool freeze, struct berr *err);
bool cgroup_is_frozen(const struct cgroup *cg);
/* Appends the "data" object of `events --stats` to b. */
int cgroup_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err);
/* Number of OOM kills so far (0 when unknown). */
uint64_t cgroup_oom_kills(const struct cgroup *cg);
/* Removes the cgroup directories (the cgroup must be empty). */
int cgroup_destroy(const struct cgroup *cg, struct berr *err);
void cgroup_release(struct cgroup *cg);

/* Version-specific parts (cgroup-v1.c, cgroup-v2.c). */
int cgroup_v1_apply(const struct cgroup *cg, const struct spec *s, struct berr *err);
int cgroup_v1_freeze(const struct cgroup *cg, bool freeze, struct berr *err);
int cgroup_v1_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err);
uint64_t cgroup_v1_oom_kills(const struct cgroup *cg);
int cgroup_v1_init_cpuset(const char *dir, struct berr *err);
int cgroup_v2_enable_controllers(const char *dir, struct berr *err);
int cgroup_v2_apply(const struct cgroup *cg, const struct spec *s, struct berr *err);
int cgroup_v2_apply_devices(const struct cgroup *cg, const struct spec *s, struct berr *err);
int cgroup_v2_freeze(const struct cgroup *cg, bool freeze, struct berr *err);
int cgroup_v2_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err);
uint64_t cgroup_v2_oom_kills(const struct cgroup *cg);

/* The v1 controller name of CG_* c. */
const char *cgroup_ctrl_name(int c);
/* cgroup-extra.c: blockIO, hugepageLimits, network, rdma, unified,
 * disableOOMKiller, cpu realtime (res: the linux.resources object). */
int cgroup_extra_apply(const struct cgroup *cg, const struct json *res, struct berr *err);

/* Reads one integer from a knob file (dir/name); "max" reads as -1. */
int cg_read_i64(const char *dir, const char *name, int64_t *out);
/* Reads "key value" from a flat-keyed file. */
int cg_read_key(const char *dir, const char *name, const char *key, int64_t *out);
int cg_write(const char *dir, const char *name, const char *value, struct berr *err);

#endif
