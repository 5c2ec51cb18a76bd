#include "rt/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

int state_path(const char *root, const char *id, char **out, struct berr *err) {
  size_t n = strlen(id);
  if (!n || n > 1024 || !strcmp(id, ".") || !strcmp(id, "..") || strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+") != n)
    return berr_set(err, 0, "invalid container id %s: use letters, digits, '_', '-', '.', '+'", id);
  *out = xasprintf("%s/%s", root, id);
  return *out ? 0 : berr_set(err, ENOMEM, "state");
}

/* Field 22 of /proc/<pid>/stat: start time, to tell a reused pid apart. */
static int read_stat(pid_t pid, char *state, unsigned long long *start) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  p += 2;
  *state = *p;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p) return -1;
    p++;
  }
  *start = strtoull(p, NULL, 10);
  return 0;
}

unsigned long long pid_starttime(pid_t pid) {
  char st;
  unsigned long long start = 0;
  return read_stat(pid, &st, &start) == 0 ? start : 0;
}

bool pid_alive(pid_t pid, unsigned long long starttime) {
  char st;
  unsigned long long start;
  if (pid <= 0 || read_stat(pid, &st, &start) < 0) return false;
  if (st == 'Z' || st == 'X') return false;
  return !starttime || start == starttime;
}

int state_save(const char *dir, const char *id, pid_t pid, unsigned long long starttime, const char *bundle,
               const char *rootfs, const struct cgroup *cg, const struct json *annotations, bool late_hooks,
               struct berr *err) {
  struct jbuf b = {0};
  char created[64];
  now_rfc3339(created, sizeof created);
  jb_raw(&b, "{\"id\":");
  jb_str(&b, id);
  jb_printf(&b, ",\"pid\":%d,\"starttime\":%llu,\"bundle\":", pid, starttime);
  jb_str(&b, bundle);
  jb_raw(&b, ",\"rootfs\":");
  jb_str(&b, rootfs);
  jb_raw(&b, ",\"created\":");
  jb_str(&b, created);
  jb_printf(&b, ",\"lateHooks\":%s,\"cgroupVersion\":%d,\"cgroupPath\":", late_hooks ? "true" : "false", cg->version);
  jb_str(&b, cg->rel);
  jb_raw(&b, ",\"cgroupOwned\":[");
  for (int c = 0; c < CG_NCTRL; c++) jb_printf(&b, "%s%zu", c ? "," : "", cg->owned[c]);
  jb_raw(&b, "]");
  if (annotations) {
    jb_raw(&b, ",\"annotations\":");
    jb_value(&b, annotations);
  }
  jb_raw(&b, "}\n");
  if (b.oom) { jb_free(&b); return berr_set(err, ENOMEM, "state"); }
  cleanup_free char *path = xasprintf("%s/state.json", dir);
  int r = path ? write_file_replace(path, b.data, b.len, 0600, err) : berr_set(err, ENOMEM, "state");
  jb_free(&b);
  return r;
}

int state_load(const char *root, const char *id, struct cstate *st, struct berr *err) {
  memset(st, 0, sizeof *st);
  if (state_path(root, id, &st->dir, err) < 0) return -1;
  cleanup_free char *path = xasprintf("%s/state.json", st->dir);
  if (!path) return berr_set(err, ENOMEM, "state");
  if (access(path, F_OK) < 0) {
    state_release(st);
    return berr_set(err, 0, "container %s does not exist", id);
  }
  st->j = json_parse_file(path, err);
  if (!st->j) { state_release(st); return -1; }
  int64_t pid = 0, ver = 0;
  uint64_t start = 0;
  const char *cgpath = NULL;
  if (json_get_str(st->j, "id", &st->id, err) < 0 || json_get_str(st->j, "bundle", &st->bundle, err) < 0 ||
      json_get_str(st->j, "rootfs", &st->rootfs, err) < 0 || json_get_str(st->j, "created", &st->created, err) < 0 ||
      json_get_i64(st->j, "pid", &pid, err) < 0 || json_get_u64(st->j, "starttime", &start, err) < 0 ||
      json_get_i64(st->j, "cgroupVersion", &ver, err) < 0 || json_get_str(st->j, "cgroupPath", &cgpath, err) < 0 ||
      json_get_object(st->j, "annotations", &st->annotations, err) < 0 ||
      json_get_bool(st->j, "lateHooks", &st->late_hooks, err) < 0) {
    state_release(st);
    return -1;
  }
  if (!st->id || !st->bundle || !cgpath) { state_release(st); return berr_set(err, 0, "%s: incomplete state", path); }
  st->pid = (pid_t)pid;
  st->starttime = start;
  struct json *owned = NULL;
  if (cgroup_open((int)ver, cgpath, &st->cg, err) < 0) { state_release(st); return -1; }
  if (json_get_array(st->j, "cgroupOwned", &owned, err) < 0) { state_release(st); return -1; }
  for (size_t c = 0; owned && c < owned->len && c < CG_NCTRL; c++) {
    uint64_t v = 0;
    if (json_to_u64(owned->items[c], &v, err) < 0) { state_release(st); return -1; }
    st->cg.owned[c] = v <= strlen(cgpath) ? (size_t)v : 0;
  }
  return 0;
}

void state_release(struct cstate *st) {
  json_free(st->j);
  free(st->dir);
  cgroup_release(&st->cg);
  memset(st, 0, sizeof *st);
}

/* Whether pid still holds the exec fifo open, i.e. waits for `start` (a
 * `start` killed between its write and the unlink leaves the fifo behind). */
static bool init_waits_on(pid_t pid, const char *fifo) {
  struct stat f;
  if (stat(fifo, &f) < 0) return false;
  char dir[64];
  snprintf(dir, sizeof dir, "/proc/%d/fd", pid);
  DIR *d = opendir(dir);
  if (!d) return true; /* cannot tell: trust the fifo */
  bool found = false;
  struct dirent *de;
  while (!found && (de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    struct stat s;
    if (fstatat(dirfd(d), de->d_name, &s, 0) == 0 && s.st_ino == f.st_ino && s.st_dev == f.st_dev) found = true;
  }
  closedir(d);
  return found;
}

enum cstatus state_status(const struct cstate *st) {
  if (st->pid == 0) {
    /* not recorded yet: being created while `create` holds the lock on the
     * directory, else a create that died half-way */
    int fd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool busy = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    if (fd >= 0) close(fd);
    return busy ? ST_CREATING : ST_STOPPED;
  }
  if (!pid_alive(st->pid, st->starttime)) return ST_STOPPED;
  char fifo[4096];
  snprintf(fifo, sizeof fifo, "%s/" EXEC_FIFO, st->dir);
  if (access(fifo, F_OK) == 0 && init_waits_on(st->pid, fifo)) return ST_CREATED;
  if (cgroup_is_frozen(&st->cg)) return ST_PAUSED;
  return ST_RUNNING;
}

const char *status_name(enum cstatus s) {
  static const char *names[] = {"creating", "created", "running", "paused", "stopped"};
  return names[s];
}

void state_json(const struct cstate *st, enum cstatus s, struct jbuf *b) {
  jb_raw(b, "{\n  \"ociVersion\": \"" OCI_VERSION "\",\n  \"id\": ");
  jb_str(b, st->id);
  jb_printf(b, ",\n  \"pid\": %d,\n  \"status\": \"%s\",\n  \"bundle\": ", s == ST_STOPPED ? 0 : st->pid, status_name(s));
  jb_str(b, st->bundle);
  jb_raw(b, ",\n  \"rootfs\": ");
  jb_str(b, st->rootfs);
  jb_raw(b, ",\n  \"created\": ");
  jb_str(b, st->created);
  jb_raw(b, ",\n  \"owner\": \"\",\n  \"annotations\": ");
  if (st->annotations) jb_value(b, st->annotations);
  else jb_raw(b, "{}");
  jb_raw(b, "\n}\n");
}
