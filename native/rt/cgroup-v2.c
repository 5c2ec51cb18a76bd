/* cgroup v2: the unified hierarchy. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/cgroup.h"

/* Enables in dir's subtree_control every controller we use that dir offers. */
int cgroup_v2_enable_controllers(const char *dir, struct berr *err) {
  static const char *want[] = {"cpu", "cpuset", "memory", "pids", "io"};
  cleanup_free char *p = xasprintf("%s/cgroup.controllers", dir);
  cleanup_free char *have = NULL;
  if (!p || read_file(p, &have, NULL, err) < 0) return -1;
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    size_t n = strlen(want[i]);
    bool found = false;
    for (char *t = have; (t = strstr(t, want[i])); t += n)
      if ((t == have || t[-1] == ' ') && (t[n] == ' ' || t[n] == '\n' || !t[n])) { found = true; break; }
    if (!found) continue;
    char op[32];
    snprintf(op, sizeof op, "+%s", want[i]);
    struct berr e;
    cg_write(dir, "cgroup.subtree_control", op, &e); /* best effort: a busy parent keeps its own */
  }
  return 0;
}

int cgroup_v2_apply(const struct cgroup *cg, const struct spec *s, struct berr *err) {
  const struct resources_spec *r = &s->res;
  const char *d = cg->dirs[0];
  char buf[64];
  if (r->has_mem_limit) {
    if (r->mem_limit < 0) strcpy(buf, "max"); else snprintf(buf, sizeof buf, "%" PRId64, r->mem_limit);
    if (cg_write(d, "memory.max", buf, err) < 0) return -1;
  }
  if (r->has_mem_reservation) {
    snprintf(buf, sizeof buf, "%" PRId64, r->mem_reservation);
    if (cg_write(d, "memory.low", buf, err) < 0) return -1;
  }
  if (r->has_mem_swap) {
    /* OCI swap is memory+swap; v2 limits swap alone */
    if (r->mem_swap < 0) strcpy(buf, "max");
    else snprintf(buf, sizeof buf, "%" PRId64, r->has_mem_limit && r->mem_limit > 0 ? r->mem_swap - r->mem_limit : r->mem_swap);
    if (access(d, F_OK) == 0 && cg_write(d, "memory.swap.max", buf, err) < 0) {
      if (err->code != ENOENT) return -1;
      bwarn("memory.swap ignored: the kernel has no swap accounting");
    }
  }
  if (r->has_shares && r->shares) {
    uint64_t w = 1 + ((r->shares - 2) * 9999) / 262142; /* the mapping runc and crun use */
    if (r->shares < 2) w = 1;
    if (w > 10000) w = 10000;
    snprintf(buf, sizeof buf, "%" PRIu64, w);
    if (cg_write(d, "cpu.weight", buf, err) < 0) return -1;
  }
  if ((r->has_quota && r->quota) || (r->has_period && r->period)) {
    uint64_t period = r->has_period && r->period ? r->period : 100000;
    if (r->has_quota && r->quota > 0) snprintf(buf, sizeof buf, "%" PRId64 " %" PRIu64, r->quota, period);
    else snprintf(buf, sizeof buf, "max %" PRIu64, period);
    if (cg_write(d, "cpu.max", buf, err) < 0) return -1;
  }
  if (r->cpus && *r->cpus && cg_write(d, "cpuset.cpus", r->cpus, err) < 0) return -1;
  if (r->mems && *r->mems && cg_write(d, "cpuset.mems", r->mems, err) < 0) return -1;
  if (r->has_pids) {
    if (r->pids_limit > 0) snprintf(buf, sizeof buf, "%" PRId64, r->pids_limit);
    else strcpy(buf, "max");
    if (cg_write(d, "pids.max", buf, err) < 0) return -1;
  }
  if (cgroup_extra_apply(cg, r->json, err) < 0) return -1;
  return cgroup_v2_apply_devices(cg, s, err);
}

int cgroup_v2_freeze(const struct cgroup *cg, bool freeze, struct berr *err) {
  if (cg_write(cg->dirs[0], "cgroup.freeze", freeze ? "1" : "0", err) < 0) return -1;
  for (int i = 0; i < 1000; i++) {
    int64_t v = -1;
    if (cg_read_key(cg->dirs[0], "cgroup.events", "frozen", &v) == 0 && v == (freeze ? 1 : 0)) return 0;
    struct timespec ts = {0, 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return berr_set(err, ETIMEDOUT, "cgroup.freeze %d", freeze);
}

uint64_t cgroup_v2_oom_kills(const struct cgroup *cg) {
  int64_t v = 0;
  if (cg_read_key(cg->dirs[0], "memory.events", "oom_kill", &v) == 0) return (uint64_t)v;
  return 0;
}

int cgroup_v2_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err) {
  const char *d = cg->dirs[0];
  int64_t usage = 0, limit = -1, max = 0, failcnt = 0, usec = 0, user = 0, sys = 0, pids = 0, pids_max = -1, file = 0;
  cg_read_i64(d, "memory.current", &usage);
  cg_read_i64(d, "memory.max", &limit);
  cg_read_i64(d, "memory.peak", &max);
  cg_read_key(d, "memory.events", "max", &failcnt);
  cg_read_key(d, "memory.stat", "file", &file);
  cg_read_key(d, "cpu.stat", "usage_usec", &usec);
  cg_read_key(d, "cpu.stat", "user_usec", &user);
  cg_read_key(d, "cpu.stat", "system_usec", &sys);
  cg_read_i64(d, "pids.current", &pids);
  cg_read_i64(d, "pids.max", &pids_max);
  if (limit < 0) limit = INT64_MAX;
  jb_printf(b,
            "{\"cpu\":{\"usage\":{\"total\":%" PRId64 ",\"user\":%" PRId64 ",\"kernel\":%" PRId64 "}},"
            "\"memory\":{\"usage\":{\"usage\":%" PRId64 ",\"limit\":%" PRId64 ",\"max\":%" PRId64 ",\"failcnt\":%" PRId64 "},"
            "\"cache\":%" PRId64 ",\"oomKills\":%" PRIu64 "},"
            "\"pids\":{\"current\":%" PRId64 ",\"limit\":%" PRId64 "},\"cgroupVersion\":2}",
            usec * 1000, user * 1000, sys * 1000, usage, limit, max, failcnt, file, cgroup_v2_oom_kills(cg), pids,
            pids_max < 0 ? 0 : pids_max);
  return b->oom ? berr_set(err, ENOMEM, "stats") : 0;
}
