#include "rt/spec.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/util.h"
#include "rt/hooks.h"
#include "rt/process.h"

#define POS(j) (j)->line, (j)->col

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static const char *cap_names[] = {
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
  "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int cap_from_name(const char *name) {
  for (size_t i = 0; i < sizeof cap_names / sizeof cap_names[0]; i++)
    if (!strcasecmp(name, cap_names[i])) return (int)i;
  return -1;
}

static const struct { const char *name; int res; } rlimit_names[] = {
  {"RLIMIT_CPU", RLIMIT_CPU}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_DATA", RLIMIT_DATA},
  {"RLIMIT_STACK", RLIMIT_STACK}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_RSS", RLIMIT_RSS},
  {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
  {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_LOCKS", RLIMIT_LOCKS}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
  {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static const struct { const char *name; unsigned long set, clear, prop; } mount_flags[] = {
  {"ro", MS_RDONLY, 0, 0}, {"rw", 0, MS_RDONLY, 0}, {"nosuid", MS_NOSUID, 0, 0}, {"suid", 0, MS_NOSUID, 0},
  {"nodev", MS_NODEV, 0, 0}, {"dev", 0, MS_NODEV, 0}, {"noexec", MS_NOEXEC, 0, 0}, {"exec", 0, MS_NOEXEC, 0},
  {"sync", MS_SYNCHRONOUS, 0, 0}, {"async", 0, MS_SYNCHRONOUS, 0}, {"dirsync", MS_DIRSYNC, 0, 0},
  {"remount", MS_REMOUNT, 0, 0}, {"mand", MS_MANDLOCK, 0, 0}, {"nomand", 0, MS_MANDLOCK, 0},
  {"atime", 0, MS_NOATIME, 0}, {"noatime", MS_NOATIME, 0, 0}, {"diratime", 0, MS_NODIRATIME, 0},
  {"nodiratime", MS_NODIRATIME, 0, 0}, {"relatime", MS_RELATIME, 0, 0}, {"norelatime", 0, MS_RELATIME, 0},
  {"strictatime", MS_STRICTATIME, 0, 0}, {"nostrictatime", 0, MS_STRICTATIME, 0},
  {"bind", MS_BIND, 0, 0}, {"rbind", MS_BIND | MS_REC, 0, 0},
  {"private", 0, 0, MS_PRIVATE}, {"rprivate", 0, 0, MS_PRIVATE | MS_REC},
  {"shared", 0, 0, MS_SHARED}, {"rshared", 0, 0, MS_SHARED | MS_REC},
  {"slave", 0, 0, MS_SLAVE}, {"rslave", 0, 0, MS_SLAVE | MS_REC},
  {"unbindable", 0, 0, MS_UNBINDABLE}, {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC},
  {"nosymfollow", MS_NOSYMFOLLOW, 0, 0}, {"symfollow", 0, MS_NOSYMFOLLOW, 0},
};

bool mount_flag_parse(const char *opt, unsigned long *set, unsigned long *clear, unsigned long *prop) {
  for (size_t i = 0; i < sizeof mount_flags / sizeof mount_flags[0]; i++)
    if (!strcmp(opt, mount_flags[i].name)) {
      *set |= mount_flags[i].set;
      *clear |= mount_flags[i].clear;
      *prop |= mount_flags[i].prop;
      return true;
    }
  return false;
}

static int strv_field(const struct json *j, const char *key, char ***out, struct berr *err) {
  struct json *a = NULL;
  int r = json_get_array(j, key, &a, err);
  if (r <= 0) return r;
  if (json_to_strv(a, out, err) < 0) return berr_wrap(err, "%s: ", key);
  return 1;
}

static int parse_caps(const struct json *j, struct proc_spec *p, struct berr *err) {
  static const char *sets[] = {"bounding", "effective", "inheritable", "permitted", "ambient"};
  p->has_caps = true;
  for (int s = 0; s < 5; s++) {
    struct json *a = NULL;
    if (json_get_array(j, sets[s], &a, err) < 0) return -1;
    if (!a) continue;
    for (size_t i = 0; i < a->len; i++) {
      struct json *c = a->items[i];
      if (c->type != JSON_STRING) return berr_set(err, 0, "config.json:%d:%d: capability must be a string", POS(c));
      int n = cap_from_name(c->str);
      /* runtime-spec 1.1, runc and crun: a capability that cannot be mapped is
       * a warning, not a failure */
      if (n < 0) {
        fprintf(stderr, "warning: config.json:%d:%d: ignoring unknown capability %s\n", POS(c), c->str);
        continue;
      }
      p->caps[s] |= 1ULL << n;
    }
  }
  return 0;
}

static int parse_rlimits(const struct json *a, struct proc_spec *p, struct berr *err) {
  p->rlimits = calloc(a->len + 1, sizeof *p->rlimits);
  if (!p->rlimits) return berr_set(err, ENOMEM, "rlimits");
  for (size_t i = 0; i < a->len; i++) {
    struct json *r = a->items[i];
    const char *type = NULL;
    if (json_get_str(r, "type", &type, err) < 0) return -1;
    if (!type) return berr_set(err, 0, "config.json:%d:%d: rlimit without type", POS(r));
    int res = -1;
    const char *name = NULL;
    for (size_t k = 0; k < sizeof rlimit_names / sizeof rlimit_names[0]; k++)
      if (!strcmp(type, rlimit_names[k].name)) res = rlimit_names[k].res, name = rlimit_names[k].name;
    if (res < 0) return berr_set(err, 0, "config.json:%d:%d: unknown rlimit %s", POS(r), type);
    struct rlimit_spec *rl = &p->rlimits[p->nrlimits++];
    rl->resource = res;
    rl->name = name;
    if (json_get_u64(r, "soft", &rl->soft, err) < 0 || json_get_u64(r, "hard", &rl->hard, err) < 0) return -1;
  }
  return 0;
}

int proc_spec_parse(const struct json *j, struct proc_spec *p, struct berr *err) {
  memset(p, 0, sizeof *p);
  p->cwd = "/";
  if (j->type != JSON_OBJECT) return berr_set(err, 0, "process must be an object");
  if (json_get_bool(j, "terminal", &p->terminal, err) < 0) return -1;
  if (strv_field(j, "args", &p->args, err) < 0) return -1;
  if (!p->args || !p->args[0]) return berr_set(err, 0, "config.json: process.args must not be empty");
  if (strv_field(j, "env", &p->env, err) < 0) return -1;
  if (!p->env && !(p->env = calloc(1, sizeof(char *)))) return berr_set(err, ENOMEM, "env");
  if (json_get_str(j, "cwd", &p->cwd, err) < 0) return -1;
  if (p->cwd[0] != '/') return berr_set(err, 0, "config.json: process.cwd must be absolute, got %s", p->cwd);
  if (json_get_bool(j, "noNewPrivileges", &p->nnp, err) < 0) return -1;
  struct json *user = NULL, *caps = NULL, *rl = NULL, *cs = NULL;
  if (json_get_object(j, "user", &user, err) < 0) return -1;
  if (user) {
    uint64_t v;
    int r;
    if ((r = json_get_u64(user, "uid", &v, err)) < 0) return -1;
    if (r) { if (v > UINT32_MAX - 1) return berr_set(err, 0, "config.json: uid out of range"); p->uid = (uid_t)v; }
    if ((r = json_get_u64(user, "gid", &v, err)) < 0) return -1;
    if (r) { if (v > UINT32_MAX - 1) return berr_set(err, 0, "config.json: gid out of range"); p->gid = (gid_t)v; }
    if ((r = json_get_u64(user, "umask", &v, err)) < 0) return -1;
    if (r) { p->has_umask = true; p->umask = (mode_t)(v & 0777); }
    struct json *g = NULL;
    if (json_get_array(user, "additionalGids", &g, err) < 0) return -1;
    if (g) {
      p->gids = calloc(g->len + 1, sizeof(gid_t));
      if (!p->gids) return berr_set(err, ENOMEM, "gids");
      for (size_t i = 0; i < g->len; i++) {
        if (json_to_u64(g->items[i], &v, err) < 0) return -1;
        p->gids[p->ngids++] = (gid_t)v;
      }
    }
  }
  if (json_get_object(j, "capabilities", &caps, err) < 0) return -1;
  if (caps && parse_caps(caps, p, err) < 0) return -1;
  if (json_get_array(j, "rlimits", &rl, err) < 0) return -1;
  if (rl && parse_rlimits(rl, p, err) < 0) return -1;
  int64_t oom;
  int r = json_get_i64(j, "oomScoreAdj", &oom, err);
  if (r < 0) return -1;
  if (r) { p->has_oom = true; p->oom_score_adj = (int)oom; }
  if (json_get_str(j, "apparmorProfile", &p->apparmor, err) < 0 ||
      json_get_str(j, "selinuxLabel", &p->selinux_label, err) < 0)
    return -1;
  if (p->apparmor && !*p->apparmor) p->apparmor = NULL;
  if (p->selinux_label && !*p->selinux_label) p->selinux_label = NULL;
  if (json_get_object(j, "consoleSize", &cs, err) < 0) return -1;
  if (cs) {
    uint64_t h = 0, w = 0;
    if (json_get_u64(cs, "height", &h, err) < 0 || json_get_u64(cs, "width", &w, err) < 0) return -1;
    p->console_rows = (int)h;
    p->console_cols = (int)w;
  }
  return 0;
}

void proc_spec_free(struct proc_spec *p) {
  free(p->args);
  free(p->env);
  free(p->gids);
  free(p->rlimits);
  memset(p, 0, sizeof *p);
}

static const struct { const char *name; int flag; } ns_names[] = {
  {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
  {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

const struct ns_spec *spec_ns(const struct spec *s, int flag) {
  for (size_t i = 0; i < s->nnamespaces; i++)
    if (s->namespaces[i].flag == flag) return &s->namespaces[i];
  return NULL;
}

static int parse_namespaces(const struct json *a, struct spec *s, struct berr *err) {
  s->namespaces = calloc(a->len + 1, sizeof *s->namespaces);
  if (!s->namespaces) return berr_set(err, ENOMEM, "namespaces");
  for (size_t i = 0; i < a->len; i++) {
    const char *type = NULL, *path = NULL;
    if (json_get_str(a->items[i], "type", &type, err) < 0 || json_get_str(a->items[i], "path", &path, err) < 0) return -1;
    int flag = 0;
    for (size_t k = 0; k < sizeof ns_names / sizeof ns_names[0]; k++)
      if (type && !strcmp(type, ns_names[k].name)) flag = ns_names[k].flag;
    if (!flag) return berr_set(err, 0, "config.json:%d:%d: unknown namespace type %s", POS(a->items[i]), type ? type : "(none)");
    if (spec_ns(s, flag)) return berr_set(err, 0, "config.json:%d:%d: duplicate namespace %s", POS(a->items[i]), type);
    if (flag == CLONE_NEWTIME)
      return berr_set(err, 0, "config.json:%d:%d: %s namespaces are not supported by berth-runtime", POS(a->items[i]), type);
    if (flag == CLONE_NEWUSER && path && *path)
      return berr_set(err, 0, "config.json:%d:%d: joining a user namespace by path is not supported", POS(a->items[i]));
    s->namespaces[s->nnamespaces].flag = flag;
    s->namespaces[s->nnamespaces].path = path && *path ? path : NULL;
    s->nnamespaces++;
  }
  return 0;
}

static int parse_mounts(const struct json *a, struct spec *s, struct berr *err) {
  s->mounts = calloc(a->len + 1, sizeof *s->mounts);
  if (!s->mounts) return berr_set(err, ENOMEM, "mounts");
  for (size_t i = 0; i < a->len; i++) {
    struct json *m = a->items[i];
    struct mount_spec *ms = &s->mounts[s->nmounts++];
    if (json_get_str(m, "destination", &ms->dest, err) < 0 || json_get_str(m, "type", &ms->type, err) < 0 ||
        json_get_str(m, "source", &ms->source, err) < 0 || strv_field(m, "options", &ms->options, err) < 0)
      return -1;
    if (!ms->dest || !*ms->dest) return berr_set(err, 0, "config.json:%d:%d: mount destination is required", POS(m));
    /* a relative destination is taken from the container's / (runc, crun) */
    if (ms->dest[0] != '/') {
      char *abs = xasprintf("/%s", ms->dest);
      if (!abs) return berr_set(err, ENOMEM, "mounts");
      ms->dest = abs;
      ms->dest_owned = true;
    }
  }
  return 0;
}

static int parse_devices(const struct json *a, struct spec *s, struct berr *err) {
  s->devices = calloc(a->len + 1, sizeof *s->devices);
  if (!s->devices) return berr_set(err, ENOMEM, "devices");
  for (size_t i = 0; i < a->len; i++) {
    struct json *d = a->items[i];
    struct dev_spec *ds = &s->devices[s->ndevices++];
    const char *type = NULL;
    uint64_t v;
    int r;
    if (json_get_str(d, "path", &ds->path, err) < 0 || json_get_str(d, "type", &type, err) < 0 ||
        json_get_i64(d, "major", &ds->major, err) < 0 || json_get_i64(d, "minor", &ds->minor, err) < 0)
      return -1;
    if (!ds->path || ds->path[0] != '/') return berr_set(err, 0, "config.json:%d:%d: device path must be absolute", POS(d));
    if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
      return berr_set(err, 0, "config.json:%d:%d: device type must be c, b, u or p", POS(d));
    ds->type = type[0];
    if ((r = json_get_u64(d, "fileMode", &v, err)) < 0) return -1;
    if (r) { ds->has_mode = true; ds->mode = (mode_t)(v & 07777); }
    if ((r = json_get_u64(d, "uid", &v, err)) < 0) return -1;
    if (r) ds->uid = (uid_t)v;
    if ((r = json_get_u64(d, "gid", &v, err)) < 0) return -1;
    if (r) ds->gid = (gid_t)v;
  }
  return 0;
}

static int parse_resources(const struct json *res, struct spec *s, struct berr *err) {
  struct resources_spec *r = &s->res;
  struct json *mem = NULL, *cpu = NULL, *pids = NULL, *devs = NULL;
  r->json = res;
  int k;
  if (json_get_object(res, "memory", &mem, err) < 0 || json_get_object(res, "cpu", &cpu, err) < 0 ||
      json_get_object(res, "pids", &pids, err) < 0 || json_get_array(res, "devices", &devs, err) < 0)
    return -1;
  if (mem) {
    if ((k = json_get_i64(mem, "limit", &r->mem_limit, err)) < 0) return -1;
    r->has_mem_limit = k;
    if ((k = json_get_i64(mem, "reservation", &r->mem_reservation, err)) < 0) return -1;
    r->has_mem_reservation = k;
    if ((k = json_get_i64(mem, "swap", &r->mem_swap, err)) < 0) return -1;
    r->has_mem_swap = k;
    if ((k = json_get_u64(mem, "swappiness", &r->swappiness, err)) < 0) return -1;
    r->has_swappiness = k;
    if ((k = json_get_i64(mem, "kernel", &r->kernel, err)) < 0) return -1;
    r->has_kernel = k;
    if ((k = json_get_i64(mem, "kernelTCP", &r->kernel_tcp, err)) < 0) return -1;
    r->has_kernel_tcp = k;
  }
  if (cpu) {
    if ((k = json_get_u64(cpu, "shares", &r->shares, err)) < 0) return -1;
    r->has_shares = k;
    if ((k = json_get_i64(cpu, "quota", &r->quota, err)) < 0) return -1;
    r->has_quota = k;
    if ((k = json_get_u64(cpu, "period", &r->period, err)) < 0) return -1;
    r->has_period = k;
    if (json_get_str(cpu, "cpus", &r->cpus, err) < 0 || json_get_str(cpu, "mems", &r->mems, err) < 0) return -1;
  }
  if (pids) {
    if ((k = json_get_i64(pids, "limit", &r->pids_limit, err)) < 0) return -1;
    r->has_pids = k;
  }
  if (devs) {
    r->devrules = calloc(devs->len + 1, sizeof *r->devrules);
    if (!r->devrules) return berr_set(err, ENOMEM, "devices");
    for (size_t i = 0; i < devs->len; i++) {
      struct json *d = devs->items[i];
      struct devrule_spec *dr = &r->devrules[r->ndevrules++];
      const char *type = NULL;
      dr->major = dr->minor = -1;
      dr->type = 'a';
      dr->access = "rwm";
      if (json_get_bool(d, "allow", &dr->allow, err) < 0 || json_get_str(d, "type", &type, err) < 0 ||
          json_get_i64(d, "major", &dr->major, err) < 0 || json_get_i64(d, "minor", &dr->minor, err) < 0 ||
          json_get_str(d, "access", &dr->access, err) < 0)
        return -1;
      if (type) {
        if (strlen(type) != 1 || !strchr("acb", type[0]))
          return berr_set(err, 0, "config.json:%d:%d: device rule type must be a, c or b", POS(d));
        dr->type = type[0];
      }
      if (strspn(dr->access, "rwm") != strlen(dr->access))
        return berr_set(err, 0, "config.json:%d:%d: device rule access must be made of r, w, m", POS(d));
    }
  }
  return 0;
}

int resources_parse(const struct json *res, struct spec *s, struct berr *err) { return parse_resources(res, s, err); }

static int parse_idmaps(const struct json *lx, const char *key, struct idmap_spec **out, size_t *n, struct berr *err) {
  struct json *a = NULL;
  if (json_get_array(lx, key, &a, err) < 0) return -1;
  if (!a) return 0;
  *out = calloc(a->len + 1, sizeof **out);
  if (!*out) return berr_set(err, ENOMEM, "%s", key);
  for (size_t i = 0; i < a->len; i++) {
    uint64_t c = 0, h = 0, sz = 0;
    if (json_get_u64(a->items[i], "containerID", &c, err) < 0 || json_get_u64(a->items[i], "hostID", &h, err) < 0 ||
        json_get_u64(a->items[i], "size", &sz, err) < 0)
      return -1;
    if (!sz || c > UINT32_MAX || h > UINT32_MAX || sz > UINT32_MAX)
      return berr_set(err, 0, "config.json:%d:%d: invalid %s entry", POS(a->items[i]), key);
    (*out)[(*n)++] = (struct idmap_spec){(uint32_t)c, (uint32_t)h, (uint32_t)sz};
  }
  return 0;
}

/* A sysctl is only written inside a namespace the container owns, so that a
 * config can never change the host's kernel settings (runc's rules). */
static int sysctl_allowed(const struct spec *s, const struct json *at, const char *k, struct berr *err) {
  static const char *ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                   "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  bool ipc = !strncmp(k, "fs.mqueue.", 10);
  for (size_t i = 0; i < sizeof ipc_keys / sizeof ipc_keys[0]; i++) ipc = ipc || !strcmp(k, ipc_keys[i]);
  if (ipc) {
    if (spec_ns(s, CLONE_NEWIPC)) return 0;
    return berr_set(err, 0, "config.json:%d:%d: sysctl %s is not allowed in the host's ipc namespace", POS(at), k);
  }
  if (!strncmp(k, "net.", 4)) {
    const struct ns_spec *ns = spec_ns(s, CLONE_NEWNET);
    struct stat a, b;
    if (ns && ns->path && stat(ns->path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      ns = NULL;
    if (ns) return 0;
    return berr_set(err, 0, "config.json:%d:%d: sysctl %s is not allowed in the host's network namespace", POS(at), k);
  }
  if (spec_ns(s, CLONE_NEWUTS) && !strcmp(k, "kernel.domainname")) return 0;
  if (spec_ns(s, CLONE_NEWUTS) && !strcmp(k, "kernel.hostname"))
    return berr_set(err, 0, "config.json:%d:%d: sysctl kernel.hostname conflicts with the hostname field", POS(at));
  return berr_set(err, 0, "config.json:%d:%d: sysctl %s is not in a separate kernel namespace", POS(at), k);
}

static int parse_linux(const struct json *lx, struct spec *s, struct berr *err) {
  struct json *a = NULL, *res = NULL, *sys = NULL;
  if (json_get_array(lx, "namespaces", &a, err) < 0) return -1;
  if (a && parse_namespaces(a, s, err) < 0) return -1;
  if (parse_idmaps(lx, "uidMappings", &s->uid_maps, &s->nuid_maps, err) < 0 ||
      parse_idmaps(lx, "gidMappings", &s->gid_maps, &s->ngid_maps, err) < 0)
    return -1;
  if (spec_ns(s, CLONE_NEWUSER) && (!s->nuid_maps || !s->ngid_maps))
    return berr_set(err, 0, "config.json: a user namespace needs linux.uidMappings and linux.gidMappings");
  a = NULL;
  if (json_get_array(lx, "devices", &a, err) < 0) return -1;
  if (a && parse_devices(a, s, err) < 0) return -1;
  if (json_get_str(lx, "cgroupsPath", &s->cgroups_path, err) < 0) return -1;
  if (json_get_object(lx, "resources", &res, err) < 0) return -1;
  if (res && parse_resources(res, s, err) < 0) return -1;
  const char *prop = NULL;
  if (json_get_str(lx, "rootfsPropagation", &prop, err) < 0) return -1;
  if (prop && *prop) {
    unsigned long set = 0, clear = 0, p = 0;
    if (!mount_flag_parse(prop, &set, &clear, &p) || !p)
      return berr_set(err, 0, "config.json: invalid linux.rootfsPropagation %s", prop);
    s->rootfs_propagation = p;
  }
  if (strv_field(lx, "maskedPaths", &s->masked_paths, err) < 0) return -1;
  if (strv_field(lx, "readonlyPaths", &s->readonly_paths, err) < 0) return -1;
  if (json_get_object(lx, "sysctl", &sys, err) < 0) return -1;
  if (sys) {
    s->sysctl_keys = calloc(sys->len + 1, sizeof(char *));
    s->sysctl_values = calloc(sys->len + 1, sizeof(char *));
    if (!s->sysctl_keys || !s->sysctl_values) return berr_set(err, ENOMEM, "sysctl");
    for (size_t i = 0; i < sys->len; i++) {
      if (sys->items[i]->type != JSON_STRING)
        return berr_set(err, 0, "config.json:%d:%d: sysctl values must be strings", POS(sys->items[i]));
      const char *k = sys->keys[i];
      if (!*k || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(k) ||
          strstr(k, "..") || k[0] == '.')
        return berr_set(err, 0, "config.json:%d:%d: sysctl %s: invalid key", POS(sys->items[i]), k);
      if (sysctl_allowed(s, sys->items[i], k, err) < 0) return -1;
      s->sysctl_keys[i] = sys->keys[i];
      s->sysctl_values[i] = sys->items[i]->str;
    }
    s->nsysctl = sys->len;
  }
  if (json_get_object(lx, "seccomp", &s->seccomp, err) < 0) return -1;
  return 0;
}

int spec_load(const char *bundle, struct spec **out, struct berr *err) {
  struct spec *s = calloc(1, sizeof *s);
  if (!s) return berr_set(err, ENOMEM, "spec");
  s->bundle = realpath(bundle, NULL);
  if (!s->bundle) { berr_sys(err, "bundle %s", bundle); spec_free(s); return -1; }
  cleanup_free char *cfg = xasprintf("%s/config.json", s->bundle);
  if (!cfg || !(s->root = json_parse_file(cfg, err))) { spec_free(s); return -1; }
  struct json *root = NULL, *proc = NULL, *lx = NULL, *mounts = NULL;
  const char *rootpath = NULL;
  if (s->root->type != JSON_OBJECT) { berr_set(err, 0, "%s: the top level must be an object", cfg); goto fail; }
  if (json_get_object(s->root, "root", &root, err) < 0) goto fail;
  if (!root) { berr_set(err, 0, "%s: root is required", cfg); goto fail; }
  if (json_get_str(root, "path", &rootpath, err) < 0 || json_get_bool(root, "readonly", &s->root_readonly, err) < 0) goto fail;
  if (!rootpath || !*rootpath) { berr_set(err, 0, "%s: root.path is required", cfg); goto fail; }
  s->rootfs = rootpath[0] == '/' ? realpath(rootpath, NULL) : NULL;
  if (rootpath[0] != '/') {
    cleanup_free char *rp = xasprintf("%s/%s", s->bundle, rootpath);
    s->rootfs = rp ? realpath(rp, NULL) : NULL;
  }
  if (!s->rootfs) { berr_sys(err, "root.path %s", rootpath); goto fail; }
  if (json_get_object(s->root, "process", &proc, err) < 0) goto fail;
  if (!proc) { berr_set(err, 0, "%s: process is required", cfg); goto fail; }
  if (proc_spec_parse(proc, &s->process, err) < 0) goto fail;
  if (!json_get(proc, "cwd")) { berr_set(err, 0, "%s: process.cwd is required", cfg); goto fail; }
  /* no capabilities object means no capabilities at all (runc, crun) */
  s->process.has_caps = true;
  if (json_get_str(s->root, "hostname", &s->hostname, err) < 0 ||
      json_get_str(s->root, "domainname", &s->domainname, err) < 0)
    goto fail;
  if (json_get_array(s->root, "mounts", &mounts, err) < 0) goto fail;
  if (mounts && parse_mounts(mounts, s, err) < 0) goto fail;
  if (json_get_object(s->root, "linux", &lx, err) < 0) goto fail;
  if (lx && parse_linux(lx, s, err) < 0) goto fail;
  const char *mount_label = NULL;
  if (lx && json_get_str(lx, "mountLabel", &mount_label, err) < 0) goto fail;
  if (lsm_validate(&s->process, mount_label && *mount_label ? mount_label : NULL, err) < 0) goto fail;
  if (json_get_object(s->root, "annotations", &s->annotations, err) < 0) goto fail;
  if (json_get_object(s->root, "hooks", &s->hooks, err) < 0 || hooks_validate(s->hooks, err) < 0) goto fail;
  *out = s;
  return 0;
fail:
  spec_free(s);
  return -1;
}

void spec_free(struct spec *s) {
  if (!s) return;
  proc_spec_free(&s->process);
  for (size_t i = 0; i < s->nmounts; i++) {
    free(s->mounts[i].options);
    if (s->mounts[i].dest_owned) free((char *)s->mounts[i].dest);
  }
  free(s->mounts);
  free(s->namespaces);
  free(s->uid_maps);
  free(s->gid_maps);
  free(s->devices);
  free(s->res.devrules);
  free(s->masked_paths);
  free(s->readonly_paths);
  free(s->sysctl_keys);
  free(s->sysctl_values);
  free(s->bundle);
  free(s->rootfs);
  json_free(s->root);
  free(s);
}
