#include "rt/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The option that names each hierarchy in a v1 mount ("unified" is matched by its cgroup2 type). */
static const char *ctrl_names[CG_NCTRL] = {"memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices", "blkio",
                                           "hugetlb", "net_cls", "net_prio", "rdma", "name=systemd", "unified"};

const char *cgroup_ctrl_name(int c) { return c >= 0 && c < CG_NCTRL ? ctrl_names[c] : ""; }

static int detect_version(void) {
  struct statfs sf;
  if (statfs(CGROUP_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) return 2;
  return 1;
}

/* Finds the v1 mount point of each controller in /proc/self/mountinfo. */
static int v1_mounts(char *mnt[CG_NCTRL], struct berr *err) {
  cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) return berr_sys(err, "open /proc/self/mountinfo");
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    char *sep = strstr(line, " - ");
    if (!sep) continue;
    bool v2 = !strncmp(sep + 3, "cgroup2 ", 8);
    if (!v2 && strncmp(sep + 3, "cgroup ", 7)) continue;
    char *opts = strrchr(sep, ' ');
    if (!opts) continue;
    opts++;
    opts[strcspn(opts, "\n")] = 0;
    /* field 5 is the mount point */
    char *p = line;
    for (int i = 0; i < 4 && p; i++) p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    if (!p) continue;
    char *end = strchr(p, ' ');
    if (!end) continue;
    /* v1 is the host's layout here: a cgroup2 mount beside it is the hybrid's unified hierarchy. */
    if (v2) {
      if (!mnt[CG_UNIFIED]) mnt[CG_UNIFIED] = strndup(p, (size_t)(end - p));
      continue;
    }
    for (int c = 0; c < CG_UNIFIED; c++) {
      if (mnt[c]) continue;
      cleanup_free char *o = strdup(opts);
      if (!o) break;
      char *save = NULL;
      for (char *t = strtok_r(o, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (!strcmp(t, ctrl_names[c])) { mnt[c] = strndup(p, (size_t)(end - p)); break; }
    }
  }
  free(line);
  return 0;
}

static bool rel_ok(const char *rel) {
  /* no "..", no empty components abuse */
  const char *p = rel;
  while (*p) {
    while (*p == '/') p++;
    const char *e = strchrnul(p, '/');
    if ((e - p == 2 && !strncmp(p, "..", 2)) || (e - p == 1 && *p == '.')) return false;
    p = e;
  }
  return true;
}

int cgroup_open(int version, const char *rel, struct cgroup *cg, struct berr *err) {
  memset(cg, 0, sizeof *cg);
  if (!rel_ok(rel)) return berr_set(err, 0, "invalid cgroups path %s", rel);
  cg->version = version ? version : detect_version();
  cg->rel = strdup(rel);
  if (!cg->rel) return berr_set(err, ENOMEM, "cgroup");
  if (cg->version == 2) {
    cg->dirs[0] = xasprintf(CGROUP_ROOT "%s", rel);
    return cg->dirs[0] ? 0 : berr_set(err, ENOMEM, "cgroup");
  }
  char *mnt[CG_NCTRL] = {0};
  if (v1_mounts(mnt, err) < 0) return -1;
  for (int c = 0; c < CG_NCTRL; c++) {
    if (mnt[c]) cg->dirs[c] = xasprintf("%s%s", mnt[c], rel);
    free(mnt[c]);
  }
  if (!cg->dirs[CG_MEMORY] && !cg->dirs[CG_PIDS]) return berr_set(err, ENOENT, "cgroup v1: no memory or pids hierarchy mounted");
  return 0;
}

int cgroup_resolve(const char *cgroups_path, const char *id, struct cgroup *cg, struct berr *err) {
  cleanup_free char *rel = NULL;
  if (!cgroups_path || !*cgroups_path) rel = xasprintf("/berth/%s", id);
  else if (strchr(cgroups_path, ':') && cgroups_path[0] != '/') {
    /* systemd-style "slice:prefix:name" → /slice/prefix-name.scope, as runc maps it */
    cleanup_free char *c = strdup(cgroups_path);
    char *slice = c, *prefix = c ? strchr(c, ':') : NULL;
    if (!prefix) return berr_set(err, ENOMEM, "cgroup");
    *prefix++ = 0;
    char *name = strchr(prefix, ':');
    if (!name) return berr_set(err, 0, "invalid cgroupsPath %s", cgroups_path);
    *name++ = 0;
    rel = xasprintf("/%s/%s-%s.scope", *slice ? slice : "system.slice", prefix, name);
  } else rel = xasprintf("%s%s", cgroups_path[0] == '/' ? "" : "/", cgroups_path);
  if (!rel) return berr_set(err, ENOMEM, "cgroup");
  size_t n = strlen(rel);
  while (n > 1 && rel[n - 1] == '/') rel[--n] = 0;
  if (!strcmp(rel, "/")) return berr_set(err, 0, "invalid cgroupsPath %s: the root cgroup", cgroups_path);
  if (cgroup_open(0, rel, cg, err) < 0) return -1;
  /* /berth is ours: the last container out removes it, whoever made it */
  if (!cgroups_path || !*cgroups_path)
    for (int c = 0; c < CG_NCTRL; c++) cg->owned[c] = strlen("/berth");
  return 0;
}

/* mkdir every level under the hierarchy root; retries when a sibling
 * container's cleanup removes a shared parent at the same moment. */
/* mkdir every level under the hierarchy root; retries when a sibling
 * container's cleanup removes a shared parent at the same moment. *made is
 * set to the length of the shallowest level this call created (0: none). */
static int make_dirs(const char *root, const char *rel, int version, bool cpuset, size_t *made, struct berr *err) {
  cleanup_free char *path = xasprintf("%s%s", root, rel);
  if (!path) return berr_set(err, ENOMEM, "cgroup");
  size_t base = strlen(root);
  for (int attempt = 0; attempt < 5; attempt++) {
    bool retry = false;
    for (char *s = path + base + 1;; s++) {
      if (*s != '/' && *s) continue;
      char saved = *s;
      *s = 0;
      if (mkdir(path, 0755) == 0) {
        if (!*made || (size_t)(s - path) - base < *made) *made = (size_t)(s - path) - base;
      } else if (errno != EEXIST) {
        if (errno == ENOENT) { *s = saved; retry = true; break; }
        int e = errno;
        *s = saved;
        return berr_set(err, e, "mkdir %s", path);
      }
      if (cpuset && cgroup_v1_init_cpuset(path, err) < 0) { *s = saved; return -1; }
      if (version == 2 && saved && cgroup_v2_enable_controllers(path, err) < 0) { *s = saved; return -1; }
      *s = saved;
      if (!saved) break;
    }
    if (!retry) return 0;
  }
  return berr_set(err, ENOENT, "mkdir %s", path);
}

static void note_owned(struct cgroup *cg, int c, size_t made) {
  if (made && (!cg->owned[c] || made < cg->owned[c])) cg->owned[c] = made;
}

int cgroup_create(struct cgroup *cg, const struct spec *s, struct berr *err) {
  if (cg->version == 2) {
    if (cgroup_v2_enable_controllers(CGROUP_ROOT, err) < 0) return -1;
    size_t made = 0;
    int r = make_dirs(CGROUP_ROOT, cg->rel, 2, false, &made, err);
    note_owned(cg, 0, made);
    if (r < 0) return -1;
    return cgroup_v2_apply(cg, s, err);
  }
  for (int c = 0; c < CG_NCTRL; c++) {
    if (!cg->dirs[c]) continue;
    size_t rl = strlen(cg->rel), dl = strlen(cg->dirs[c]);
    cleanup_free char *root = strndup(cg->dirs[c], dl - rl);
    if (!root) return berr_set(err, ENOMEM, "cgroup");
    size_t made = 0;
    int r = make_dirs(root, cg->rel, 1, c == CG_CPUSET, &made, err);
    note_owned(cg, c, made);
    if (r < 0) return -1;
  }
  return cgroup_v1_apply(cg, s, err);
}

int cgroup_update(const struct cgroup *cg, const struct spec *s, struct berr *err) {
  return cg->version == 2 ? cgroup_v2_apply(cg, s, err) : cgroup_v1_apply(cg, s, err);
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, struct berr *err) {
  char buf[32];
  snprintf(buf, sizeof buf, "%d", pid);
  for (int c = 0; c < CG_NCTRL; c++) {
    if (!cg->dirs[c]) continue;
    if (cg_write(cg->dirs[c], "cgroup.procs", buf, err) < 0) return -1;
  }
  return 0;
}

int cgroup_pids(const struct cgroup *cg, pid_t **out, size_t *n, struct berr *err) {
  const char *dir = cg->version == 2 ? cg->dirs[0] : cg->dirs[CG_PIDS] ? cg->dirs[CG_PIDS] : cg->dirs[CG_MEMORY];
  cleanup_free char *path = xasprintf("%s/cgroup.procs", dir);
  cleanup_free char *text = NULL;
  *out = NULL;
  *n = 0;
  if (!path) return berr_set(err, ENOMEM, "cgroup");
  if (read_file(path, &text, NULL, err) < 0) return err->code == ENOENT ? 0 : -1;
  size_t cap = 16;
  pid_t *v = malloc(cap * sizeof *v);
  if (!v) return berr_set(err, ENOMEM, "cgroup");
  for (char *p = text; *p;) {
    char *end;
    long x = strtol(p, &end, 10);
    if (end == p) break;
    if (*n == cap && !(v = realloc(v, (cap *= 2) * sizeof *v))) return berr_set(err, ENOMEM, "cgroup");
    v[(*n)++] = (pid_t)x;
    p = end;
    while (*p == '\n') p++;
  }
  *out = v;
  return 0;
}

int cgroup_freeze(const struct cgroup *cg, bool freeze, struct berr *err) {
  return cg->version == 2 ? cgroup_v2_freeze(cg, freeze, err) : cgroup_v1_freeze(cg, freeze, err);
}

bool cgroup_is_frozen(const struct cgroup *cg) {
  cleanup_free char *text = NULL;
  struct berr e;
  if (cg->version == 2) {
    int64_t v = 0;
    return cg_read_i64(cg->dirs[0], "cgroup.freeze", &v) == 0 && v == 1;
  }
  if (!cg->dirs[CG_FREEZER]) return false;
  cleanup_free char *p = xasprintf("%s/freezer.state", cg->dirs[CG_FREEZER]);
  if (!p || read_file(p, &text, NULL, &e) < 0) return false;
  return !strncmp(text, "FROZEN", 6) || !strncmp(text, "FREEZING", 8);
}

int cgroup_stats(const struct cgroup *cg, struct jbuf *b, struct berr *err) {
  return cg->version == 2 ? cgroup_v2_stats(cg, b, err) : cgroup_v1_stats(cg, b, err);
}

uint64_t cgroup_oom_kills(const struct cgroup *cg) {
  return cg->version == 2 ? cgroup_v2_oom_kills(cg) : cgroup_v1_oom_kills(cg);
}

static int rmdir_retry(const char *dir, struct berr *err) {
  for (int i = 0; i < 100; i++) {
    if (rmdir(dir) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY) return berr_sys(err, "rmdir %s", dir);
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return berr_sys(err, "rmdir %s", dir);
}

/* Removes the directory, then the parents this container's create made
 * (cg->owned) while they are empty: a shared /berth goes with the last
 * container, a parent that existed before is never touched. */
static int destroy_dir(const char *dir, size_t rel_len, size_t owned_len, struct berr *err) {
  if (rmdir_retry(dir, err) < 0) return -1;
  cleanup_free char *p = strdup(dir);
  if (!p) return 0;
  size_t root_len = strlen(p) - rel_len;
  for (char *slash = strrchr(p, '/'); slash && (size_t)(slash - p) > root_len + owned_len - 1 && owned_len; slash = strrchr(p, '/')) {
    *slash = 0;
    if (strlen(p) < root_len + owned_len) break;
    if (rmdir(p) < 0) break; /* busy or not empty: someone else's */
  }
  return 0;
}

int cgroup_destroy(const struct cgroup *cg, struct berr *err) {
  int ret = 0;
  for (int c = 0; c < CG_NCTRL; c++) {
    if (!cg->dirs[c]) continue;
    if (destroy_dir(cg->dirs[c], strlen(cg->rel), cg->owned[c], err) < 0) ret = -1;
  }
  return ret;
}

void cgroup_release(struct cgroup *cg) {
  free(cg->rel);
  for (int c = 0; c < CG_NCTRL; c++) free(cg->dirs[c]);
  memset(cg, 0, sizeof *cg);
}

int cg_read_i64(const char *dir, const char *name, int64_t *out) {
  char path[4096], buf[64];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  if (!strncmp(buf, "max", 3)) { *out = -1; return 0; }
  *out = strtoll(buf, NULL, 10);
  return 0;
}

int cg_read_key(const char *dir, const char *name, const char *key, int64_t *out) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  cleanup_free char *text = NULL;
  struct berr e;
  if (read_file(path, &text, NULL, &e) < 0) return -1;
  size_t kl = strlen(key);
  for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    if (!strncmp(l, key, kl) && l[kl] == ' ') { *out = strtoll(l + kl + 1, NULL, 10); return 0; }
  return -1;
}

int cg_write(const char *dir, const char *name, const char *value, struct berr *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return write_file(path, value, err);
}
