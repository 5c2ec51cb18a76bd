/* cgroup v1: one directory per controller hierarchy. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/cgroup.h"

/* A new cpuset cgroup starts with empty cpus/mems, which refuses tasks:
 * copy the parent's. */
int cgroup_v1_init_cpuset(const char *dir, struct berr *err) {
  static const char *knobs[] = {"cpuset.cpus", "cpuset.mems"};
  for (int i = 0; i < 2; i++) {
    cleanup_free char *cur = NULL, *parent_val = NULL;
    cleanup_free char *p = xasprintf("%s/%s", dir, knobs[i]);
    if (!p) return berr_set(err, ENOMEM, "cpuset");
    if (read_file(p, &cur, NULL, err) < 0) return -1;
    if (cur[0] != '\n' && cur[0]) continue;
    cleanup_free char *pp = xasprintf("%s/../%s", dir, knobs[i]);
    if (!pp || read_file(pp, &parent_val, NULL, err) < 0) return -1;
    if (write_file(p, parent_val, err) < 0) return -1;
  }
  return 0;
}

static int devrule(const char *dir, bool allow, char type, int64_t major, int64_t minor, const char *access, struct berr *err) {
  char rule[96], ma[24], mi[24];
  if (major < 0) strcpy(ma, "*"); else snprintf(ma, sizeof ma, "%" PRId64, major);
  if (minor < 0) strcpy(mi, "*"); else snprintf(mi, sizeof mi, "%" PRId64, minor);
  if (type == 'a') snprintf(rule, sizeof rule, "a");
  else snprintf(rule, sizeof rule, "%c %s:%s %s", type, ma, mi, access && *access ? access : "rwm");
  return cg_write(dir, allow ? "devices.allow" : "devices.deny", rule, err);
}

static int apply_devices(const char *dir, const struct spec *s, struct berr *err) {
  const struct resources_spec *r = &s->res;
  for (size_t i = 0; i < r->ndevrules; i++) {
    const struct devrule_spec *d = &r->devrules[i];
    if (devrule(dir, d->allow, d->type, d->major, d->minor, d->access, err) < 0) return -1;
  }
  if (!r->ndevrules) return 0; /* no rules: leave the default (inherited) policy */
  /* The devices every container needs, as runc allows them. */
  static const struct { char t; int ma, mi; } defaults[] = {
    {'c', 1, 3}, {'c', 1, 5}, {'c', 1, 7}, {'c', 1, 8}, {'c', 1, 9}, {'c', 5, 0}, {'c', 5, 1}, {'c', 5, 2}, {'c', 10, 200}, {'c', 136, -1}};
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    if (devrule(dir, true, defaults[i].t, defaults[i].ma, defaults[i].mi, "rwm", err) < 0) return -1;
  if (devrule(dir, true, 'c', -1, -1, "m", err) < 0 || devrule(dir, true, 'b', -1, -1, "m", err) < 0) return -1;
  for (size_t i = 0; i < s->ndevices; i++) {
    const struct dev_spec *d = &s->devices[i];
    if (d->type == 'p') continue;
    if (devrule(dir, true, d->type == 'u' ? 'c' : d->type, d->major, d->minor, "rwm", err) < 0) return -1;
  }
  return 0;
}

/* A kmem limit where the kernel has the file; a warning where it has not. */
static int kmem_limit(const char *mem, const char *file, int64_t value, struct berr *err) {
  char p[4096], buf[32];
  snprintf(p, sizeof p, "%s/%s", mem, file);
  if (access(p, F_OK) < 0) {
    bwarn("linux.resources.memory: %s ignored: the kernel has no such file", file);
    return 0;
  }
  snprintf(buf, sizeof buf, "%" PRId64, value);
  return cg_write(mem, file, buf, err);
}

int cgroup_v1_apply(const struct cgroup *cg, const struct spec *s, struct berr *err) {
  const struct resources_spec *r = &s->res;
  char buf[64];
  const char *mem = cg->dirs[CG_MEMORY];
  if (mem) {
    if (r->has_mem_limit) {
      snprintf(buf, sizeof buf, "%" PRId64, r->mem_limit);
      if (cg_write(mem, "memory.limit_in_bytes", buf, err) < 0) return -1;
    }
    if (r->has_mem_reservation) {
      snprintf(buf, sizeof buf, "%" PRId64, r->mem_reservation);
      if (cg_write(mem, "memory.soft_limit_in_bytes", buf, err) < 0) return -1;
    }
    if (r->has_mem_swap) {
      snprintf(buf, sizeof buf, "%" PRId64, r->mem_swap);
      if (access(mem, F_OK) == 0) {
        char p[4096];
        snprintf(p, sizeof p, "%s/memory.memsw.limit_in_bytes", mem);
        if (access(p, F_OK) < 0) bwarn("memory.swap ignored: the kernel has no swap accounting");
        else if (cg_write(mem, "memory.memsw.limit_in_bytes", buf, err) < 0) return -1;
      }
    }
    if (r->has_swappiness && r->swappiness <= 100) {
      snprintf(buf, sizeof buf, "%" PRIu64, r->swappiness);
      if (cg_write(mem, "memory.swappiness", buf, err) < 0) return -1;
    }
    /* Kernel memory limits, as crun sets them (recent kernels accept
     * memory.kmem.limit_in_bytes but no longer enforce it). */
    if (r->has_kernel && kmem_limit(mem, "memory.kmem.limit_in_bytes", r->kernel, err) < 0) return -1;
    if (r->has_kernel_tcp && kmem_limit(mem, "memory.kmem.tcp.limit_in_bytes", r->kernel_tcp, err) < 0) return -1;
}
  const char *cpu = cg->dirs[CG_CPU];
  if (cpu) {
    if (r->has_shares && r->shares) {
      snprintf(buf, sizeof buf, "%" PRIu64, r->shares);
      if (cg_write(cpu, "cpu.shares", buf, err) < 0) return -1;
    }
    if (r->has_period && r->period) {
      snprintf(buf, sizeof buf, "%" PRIu64, r->period);
      if (cg_write(cpu, "cpu.cfs_period_us", buf, err) < 0) return -1;
    }
    if (r->has_quota && r->quota) {
      snprintf(buf, sizeof buf, "%" PRId64, r->quota);
      if (cg_write(cpu, "cpu.cfs_quota_us", buf, err) < 0) return -1;
    }
  }
  const char *cs = cg->dirs[CG_CPUSET];
  if (cs) {
    if (r->cpus && *r->cpus && cg_write(cs, "cpuset.cpus", r->cpus, err) < 0) return -1;
    if (r->mems && *r->mems && cg_write(cs, "cpuset.mems", r->mems, err) < 0) return -1;
  }
  if (cg->dirs[CG_PIDS] && r->has_pids) {
    if (r->pids_limit > 0) snprintf(buf, sizeof buf, "%" PRId64, r->pids_limit);
    else strcpy(buf, "max");
    if (cg_write(cg->dirs[CG_PIDS], "pids.max", buf, err) < 0) return -1;
  }
  if (cg->dirs[CG_DEVICES] && apply_devices(cg->dirs[CG_DEVICES], s, err) < 0) return -1;
  return cgroup_extra_apply(cg, r->json, err);
}

int cgroup_v1_freeze(const struct cgroup *cg, bool freeze, struct berr *err) {
  const char *dir = cg->dirs[CG_FREEZER];
  if (!dir) return berr_set(err, ENOTSUP, "pause: no freezer cgroup hierarchy");
  const char *want = freeze ? "FROZEN" : "THAWED";
  for (int i = 0; i < 1000; i++) {
    if (cg_write(dir, "freezer.state", want, err) < 0) return -1;
    cleanup_free char *p = xasprintf("%s/freezer.state", dir);
    cleanup_free char *st = NULL;
    if (!p || read_file(p, &st, NULL, err) < 0) return -1;
    if (!strncmp(st, want, strlen(want))) return 0;
    struct timespec ts = {0, 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return berr_set(err, ETIMEDOUT, "freezer.state %s", want);
}

uint64_t cgroup_v1_oom_kills(const struct cgroup *cg) {
  int64_t v = 0;
  if (!cg->dirs[CG_MEMORY]) return 0;
  if (cg_read_key(cg->dirs[CG_MEMORY], "memory.oom_control", "oom_kill", &v) == 0) return (uint64_t)v;
  return 0;
}

int cgroup_v1_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err) {
  int64_t usage = 0, limit = 0, max = 0, failcnt = 0, cpu = 0, pids = 0, pids_max = -1;
  int64_t user = 0, sys = 0, cache = 0;
  const char *mem = cg->dirs[CG_MEMORY];
  if (mem) {
    cg_read_i64(mem, "memory.usage_in_bytes", &usage);
    cg_read_i64(mem, "memory.limit_in_bytes", &limit);
    cg_read_i64(mem, "memory.max_usage_in_bytes", &max);
    cg_read_i64(mem, "memory.failcnt", &failcnt);
    cg_read_key(mem, "memory.stat", "total_cache", &cache);
  }
  if (cg->dirs[CG_CPUACCT]) {
    cg_read_i64(cg->dirs[CG_CPUACCT], "cpuacct.usage", &cpu);
    cg_read_i64(cg->dirs[CG_CPUACCT], "cpuacct.usage_user", &user);
    cg_read_i64(cg->dirs[CG_CPUACCT], "cpuacct.usage_sys", &sys);
  }
  if (cg->dirs[CG_PIDS]) {
    cg_read_i64(cg->dirs[CG_PIDS], "pids.current", &pids);
    cg_read_i64(cg->dirs[CG_PIDS], "pids.max", &pids_max);
  }
  jb_printf(b,
            "{\"cpu\":{\"usage\":{\"total\":%" PRId64 ",\"user\":%" PRId64 ",\"kernel\":%" PRId64 "}},"
            "\"memory\":{\"usage\":{\"usage\":%" PRId64 ",\"limit\":%" PRId64 ",\"max\":%" PRId64 ",\"failcnt\":%" PRId64 "},"
            "\"cache\":%" PRId64 ",\"oomKills\":%" PRIu64 "},"
            "\"pids\":{\"current\":%" PRId64 ",\"limit\":%" PRId64 "},\"cgroupVersion\":1}",
            cpu, user, sys, usage, limit, max, failcnt, cache, cgroup_v1_oom_kills(cg), pids, pids_max < 0 ? 0 : pids_max);
  return b->oom ? berr_set(err, ENOMEM, "stats") : 0;
}
