/* linux.resources beyond memory/cpu/cpuset/pids/devices: blockIO,
 * hugepageLimits, network, rdma, unified, memory.disableOOMKiller and the
 * cpu realtime knobs. Read straight from the JSON at apply time. A setting
 * the host cannot honour (no such controller or knob) is an error naming
 * it, as runc does, never silently dropped. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/cgroup.h"

#define POS(j) (j)->line, (j)->col

static int need(const char *dir, const char *field, const char *ctrl, struct berr *err) {
  if (dir) return 0;
  return berr_set(err, 0, "linux.resources.%s: no %s cgroup controller on this host", field, ctrl);
}

static bool has_file(const char *dir, const char *name) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

/* Writes to the first knob of names[] that exists; an error naming the first when none does. */
static int write_any(const char *dir, const char *const names[], const char *value, const char *what, struct berr *err) {
  for (int i = 0; names[i]; i++)
    if (has_file(dir, names[i])) return cg_write(dir, names[i], value, err);
  return berr_set(err, 0, "linux.resources.%s: %s/%s does not exist on this kernel", what, dir, names[0]);
}

static int dev_of(const struct json *d, int64_t *ma, int64_t *mi, struct berr *err) {
  if (json_get_i64(d, "major", ma, err) < 0 || json_get_i64(d, "minor", mi, err) < 0) return -1;
  if (*ma < 0 || *mi < 0) return berr_set(err, 0, "config.json:%d:%d: a block device needs major and minor", POS(d));
  return 0;
}

static int blkio(const struct cgroup *cg, const struct json *bio, struct berr *err) {
  int v2 = cg->version == 2;
  const char *dir = v2 ? cg->dirs[0] : cg->dirs[CG_BLKIO];
  if (need(dir, "blockIO", cg->version == 2 ? "io" : "blkio", err) < 0) return -1;
  uint64_t w = 0;
  char buf[96];
  int k;
  if ((k = json_get_u64(bio, "weight", &w, err)) < 0) return -1;
  if (k && w) {
    static const char *v1n[] = {"blkio.weight", "blkio.bfq.weight", NULL}, *v2n[] = {"io.bfq.weight", "io.weight", NULL};
    /* io.weight is 1..10000; blkio weights 10..1000 map as runc/crun map them */
    uint64_t iow = w < 10 ? 1 : 1 + (w - 10) * 9999 / 990;
    if (v2) snprintf(buf, sizeof buf, "%s%" PRIu64, has_file(dir, "io.bfq.weight") ? "" : "default ", has_file(dir, "io.bfq.weight") ? w : iow);
    else snprintf(buf, sizeof buf, "%" PRIu64, w);
    if (write_any(dir, v2 ? v2n : v1n, buf, "blockIO.weight", err) < 0) return -1;
  }
  if ((k = json_get_u64(bio, "leafWeight", &w, err)) < 0) return -1;
  if (k && w) {
    static const char *n[] = {"blkio.leaf_weight", NULL};
    if (v2) return berr_set(err, 0, "linux.resources.blockIO.leafWeight is not supported on cgroup v2");
    snprintf(buf, sizeof buf, "%" PRIu64, w);
    if (write_any(dir, n, buf, "blockIO.leafWeight", err) < 0) return -1;
  }
  struct json *a = NULL;
  if (json_get_array(bio, "weightDevice", &a, err) < 0) return -1;
  for (size_t i = 0; a && i < a->len; i++) {
    int64_t ma, mi;
    uint64_t dw = 0;
    if (dev_of(a->items[i], &ma, &mi, err) < 0 || json_get_u64(a->items[i], "weight", &dw, err) < 0) return -1;
    static const char *v1n[] = {"blkio.weight_device", "blkio.bfq.weight_device", NULL}, *v2n[] = {"io.bfq.weight", "io.weight", NULL};
    snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, ma, mi, dw);
    if (write_any(dir, v2 ? v2n : v1n, buf, "blockIO.weightDevice", err) < 0) return -1;
  }
  static const struct { const char *key, *v1, *v2; } thr[] = {
    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps"},
    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps"},
    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops"},
    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops"},
  };
  for (size_t t = 0; t < sizeof thr / sizeof thr[0]; t++) {
    a = NULL;
    if (json_get_array(bio, thr[t].key, &a, err) < 0) return -1;
    for (size_t i = 0; a && i < a->len; i++) {
      int64_t ma, mi;
      uint64_t rate = 0;
      if (dev_of(a->items[i], &ma, &mi, err) < 0 || json_get_u64(a->items[i], "rate", &rate, err) < 0) return -1;
      const char *names[] = {v2 ? "io.max" : thr[t].v1, NULL};
      if (v2) snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, ma, mi, thr[t].v2, rate);
      else snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, ma, mi, rate);
      if (write_any(dir, names, buf, "blockIO", err) < 0) return -1;
    }
  }
  return 0;
}

/* v2: turns a controller on in every level above the container's cgroup,
 * only when a config asks for it (hugetlb, rdma are not enabled by default). */
static int v2_enable(const struct cgroup *cg, const char *ctrl, struct berr *err) {
  cleanup_free char *dir = strdup(cg->dirs[0]);
  if (!dir) return berr_set(err, ENOMEM, "cgroup");
  size_t root = strlen(dir) - strlen(cg->rel);
  char op[32];
  snprintf(op, sizeof op, "+%s", ctrl);
  for (char *p = dir + root;; p = strchr(p + 1, '/')) {
    char saved = p ? *p : 0;
    if (!p) break;
    *p = 0;
    int r = cg_write(*dir ? dir : "/", "cgroup.subtree_control", op, err);
    *p = saved;
    if (r < 0) return berr_wrap(err, "enable %s: ", ctrl);
  }
  return 0;
}

static int hugetlb(const struct cgroup *cg, const struct json *a, struct berr *err) {
  const char *dir = cg->version == 2 ? cg->dirs[0] : cg->dirs[CG_HUGETLB];
  if (need(dir, "hugepageLimits", "hugetlb", err) < 0) return -1;
  if (cg->version == 2 && !has_file(dir, "hugetlb.2MB.max") && !has_file(dir, "hugetlb.1GB.max") && v2_enable(cg, "hugetlb", err) < 0)
    return -1;
  for (size_t i = 0; i < a->len; i++) {
    const char *size = NULL;
    uint64_t limit = 0;
    if (json_get_str(a->items[i], "pageSize", &size, err) < 0 || json_get_u64(a->items[i], "limit", &limit, err) < 0) return -1;
    if (!size || !*size || strspn(size, "0123456789KMGBkmgb") != strlen(size))
      return berr_set(err, 0, "config.json:%d:%d: invalid hugepageLimits pageSize", POS(a->items[i]));
    char knob[64], buf[32];
    snprintf(knob, sizeof knob, cg->version == 2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
    if (!has_file(dir, knob)) return berr_set(err, 0, "linux.resources.hugepageLimits: no %s page size on this host (%s)", size, knob);
    snprintf(buf, sizeof buf, "%" PRIu64, limit);
    if (cg_write(dir, knob, buf, err) < 0) return -1;
  }
  return 0;
}

static int network(const struct cgroup *cg, const struct json *net, struct berr *err) {
  uint64_t classid = 0;
  int k = json_get_u64(net, "classID", &classid, err);
  struct json *prios = NULL;
  if (k < 0 || json_get_array(net, "priorities", &prios, err) < 0) return -1;
  if (cg->version == 2) {
    if (k || (prios && prios->len)) bwarn("linux.resources.network is not supported on cgroup v2, ignored");
    return 0;
  }
  char buf[128];
  if (k) {
    if (need(cg->dirs[CG_NET_CLS], "network.classID", "net_cls", err) < 0) return -1;
    snprintf(buf, sizeof buf, "%" PRIu64, classid);
    if (cg_write(cg->dirs[CG_NET_CLS], "net_cls.classid", buf, err) < 0) return -1;
  }
  for (size_t i = 0; prios && i < prios->len; i++) {
    const char *name = NULL;
    uint64_t prio = 0;
    if (need(cg->dirs[CG_NET_PRIO], "network.priorities", "net_prio", err) < 0) return -1;
    if (json_get_str(prios->items[i], "name", &name, err) < 0 || json_get_u64(prios->items[i], "priority", &prio, err) < 0) return -1;
    if (!name || !*name || strpbrk(name, " \n")) return berr_set(err, 0, "config.json:%d:%d: invalid interface name", POS(prios->items[i]));
    snprintf(buf, sizeof buf, "%s %" PRIu64, name, prio);
    if (cg_write(cg->dirs[CG_NET_PRIO], "net_prio.ifpriomap", buf, err) < 0) return -1;
  }
  return 0;
}

static int rdma(const struct cgroup *cg, const struct json *o, struct berr *err) {
  if (!o->len) return 0;
  const char *dir = cg->version == 2 ? cg->dirs[0] : cg->dirs[CG_RDMA];
  if (need(dir, "rdma", "rdma", err) < 0) return -1;
  if (cg->version == 2 && !has_file(dir, "rdma.max") && v2_enable(cg, "rdma", err) < 0) return -1;
  for (size_t i = 0; i < o->len; i++) {
    uint64_t h = 0, ob = 0;
    int kh, ko;
    if ((kh = json_get_u64(o->items[i], "hcaHandles", &h, err)) < 0 || (ko = json_get_u64(o->items[i], "hcaObjects", &ob, err)) < 0) return -1;
    if (strpbrk(o->keys[i], " \n=")) return berr_set(err, 0, "config.json:%d:%d: invalid rdma device name", POS(o->items[i]));
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s", o->keys[i]);
    if (kh) n += snprintf(buf + n, sizeof buf - (size_t)n, " hca_handle=%" PRIu64, h);
    if (ko) snprintf(buf + n, sizeof buf - (size_t)n, " hca_object=%" PRIu64, ob);
    if (cg_write(dir, "rdma.max", buf, err) < 0) return -1;
  }
  return 0;
}

/* unified: raw cgroup v2 knobs. The key is a file name in the container's own
 * directory and nothing else. */
static int unified(const struct cgroup *cg, const struct json *o, struct berr *err) {
  if (!o->len) return 0;
  if (cg->version != 2) return berr_set(err, 0, "linux.resources.unified needs cgroup v2 (this host uses v1)");
  for (size_t i = 0; i < o->len; i++) {
    const char *key = o->keys[i];
    if (!*key || strchr(key, '/') || key[0] == '.' || !strchr(key, '.'))
      return berr_set(err, 0, "config.json:%d:%d: linux.resources.unified: invalid key %s", POS(o->items[i]), key);
    if (o->items[i]->type != JSON_STRING)
      return berr_set(err, 0, "config.json:%d:%d: linux.resources.unified values must be strings", POS(o->items[i]));
    if (!has_file(cg->dirs[0], key)) return berr_set(err, 0, "linux.resources.unified: %s: no such cgroup file", key);
    if (cg_write(cg->dirs[0], key, o->items[i]->str, err) < 0) return -1;
  }
  return 0;
}

int cgroup_extra_apply(const struct cgroup *cg, const struct json *res, struct berr *err) {
  if (!res) return 0;
  struct json *mem = NULL, *cpu = NULL, *bio = NULL, *huge = NULL, *net = NULL, *rd = NULL, *uni = NULL;
  if (json_get_object(res, "memory", &mem, err) < 0 || json_get_object(res, "cpu", &cpu, err) < 0 ||
      json_get_object(res, "blockIO", &bio, err) < 0 || json_get_array(res, "hugepageLimits", &huge, err) < 0 ||
      json_get_object(res, "network", &net, err) < 0 || json_get_object(res, "rdma", &rd, err) < 0 ||
      json_get_object(res, "unified", &uni, err) < 0)
    return -1;
  bool oom_off = false;
  if (mem && json_get_bool(mem, "disableOOMKiller", &oom_off, err) < 0) return -1;
  if (oom_off && cg->version == 1) {
    if (need(cg->dirs[CG_MEMORY], "memory.disableOOMKiller", "memory", err) < 0 || cg_write(cg->dirs[CG_MEMORY], "memory.oom_control", "1", err) < 0) return -1;
  } else if (oom_off) {
    bwarn("linux.resources.memory.disableOOMKiller is not supported on cgroup v2, ignored");
  }
  int64_t rt_runtime = 0;
  uint64_t rt_period = 0;
  if (cpu && (json_get_i64(cpu, "realtimeRuntime", &rt_runtime, err) < 0 || json_get_u64(cpu, "realtimePeriod", &rt_period, err) < 0))
    return -1;
  if ((rt_runtime || rt_period) && cg->version == 2)
    return berr_set(err, 0, "linux.resources.cpu realtime settings are not supported on cgroup v2");
  char buf[32];
  if (rt_period) {
    static const char *n[] = {"cpu.rt_period_us", NULL};
    snprintf(buf, sizeof buf, "%" PRIu64, rt_period);
    if (need(cg->dirs[CG_CPU], "cpu", "cpu", err) < 0 || write_any(cg->dirs[CG_CPU], n, buf, "cpu.realtimePeriod", err) < 0) return -1;
  }
  if (rt_runtime) {
    static const char *n[] = {"cpu.rt_runtime_us", NULL};
    snprintf(buf, sizeof buf, "%" PRId64, rt_runtime);
    if (need(cg->dirs[CG_CPU], "cpu", "cpu", err) < 0 || write_any(cg->dirs[CG_CPU], n, buf, "cpu.realtimeRuntime", err) < 0) return -1;
  }
  if (bio && blkio(cg, bio, err) < 0) return -1;
  if (huge && huge->len && hugetlb(cg, huge, err) < 0) return -1;
  if (net && network(cg, net, err) < 0) return -1;
  if (rd && rdma(cg, rd, err) < 0) return -1;
  if (uni && unified(cg, uni, err) < 0) return -1;
  return 0;
}
