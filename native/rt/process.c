#include "rt/process.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/util.h"

int proc_apply_limits(const struct proc_spec *p, struct berr *err) {
  for (size_t i = 0; i < p->nrlimits; i++) {
    struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
    if (setrlimit(p->rlimits[i].resource, &rl) == 0) continue;
    if (errno != EPERM) return berr_sys(err, "setrlimit %d", p->rlimits[i].resource);
    /* Raising a hard limit needs CAP_SYS_RESOURCE, which root lacks in some
     * sandboxes: not fatal, the container runs with the current hard limit
     * and the soft one clamped under it, and says so. */
    struct rlimit cur;
    getrlimit(p->rlimits[i].resource, &cur);
    rl.rlim_max = cur.rlim_max;
    if (rl.rlim_cur > rl.rlim_max) rl.rlim_cur = rl.rlim_max;
    bwarn("%s: hard limit %llu is above the current %llu and raising it needs CAP_SYS_RESOURCE; using soft %llu, hard %llu",
          p->rlimits[i].name, (unsigned long long)p->rlimits[i].hard, (unsigned long long)cur.rlim_max,
          (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    if (setrlimit(p->rlimits[i].resource, &rl) < 0) return berr_sys(err, "setrlimit %s", p->rlimits[i].name);
  }
  if (p->has_oom) {
    char buf[16];
    snprintf(buf, sizeof buf, "%d", p->oom_score_adj);
    struct berr e;
    if (write_file("/proc/self/oom_score_adj", buf, &e) < 0) {
      if (e.code != EPERM && e.code != EACCES) { *err = e; return -1; }
      bwarn("oom_score_adj %d: %s (no CAP_SYS_RESOURCE)", p->oom_score_adj, strerror(e.code));
    }
  }
  return 0;
}

static const char *env_get(char **env, const char *key) {
  size_t n = strlen(key);
  for (size_t i = 0; env && env[i]; i++)
    if (!strncmp(env[i], key, n) && env[i][n] == '=') return env[i] + n + 1;
  return NULL;
}

int proc_ensure_home(struct proc_spec *p, struct berr *err) {
  if (env_get(p->env, "HOME")) return 0;
  const char *home = "/";
  char line[1024];
  char *found = NULL;
  FILE *f = fopen("/etc/passwd", "re");
  while (f && fgets(line, sizeof line, f)) {
    /* name:pw:uid:gid:gecos:home:shell */
    char *fields[7] = {0};
    int n = 0;
    for (char *s = line, *t; n < 7 && (t = strsep(&s, ":\n")); ) fields[n++] = t;
    if (n >= 6 && fields[2] && (uid_t)strtoul(fields[2], NULL, 10) == p->uid && fields[2][0] && *fields[5]) {
      found = strdup(fields[5]);
      break;
    }
  }
  if (f) fclose(f);
  if (found) home = found;
  size_t n = 0;
  while (p->env[n]) n++;
  char **nv = realloc(p->env, (n + 2) * sizeof *nv);
  char *kv = xasprintf("HOME=%s", home);
  free(found);
  if (!nv || !kv) { free(kv); if (nv) p->env = nv; return berr_set(err, ENOMEM, "env"); }
  nv[n] = kv; /* lives until execve */
  nv[n + 1] = NULL;
  p->env = nv;
  return 0;
}

/* Go's error texts (what runc prints): lowercase errno text. */
static void go_errno(char *buf, size_t n, int e) {
  snprintf(buf, n, "%s", strerror(e));
  if (buf[0]) buf[0] = (char)tolower((unsigned char)buf[0]);
}

static int check_exec(const char *path, struct berr *err, const char *arg0) {
  struct stat st;
  char et[128];
  if (stat(path, &st) < 0) {
    go_errno(et, sizeof et, errno);
    return berr_set(err, 0, "exec: \"%s\": stat %s: %s", arg0, path, et);
  }
  if (S_ISDIR(st.st_mode)) return berr_set(err, 0, "exec: \"%s\": is a directory", arg0);
  if (access(path, X_OK) < 0) {
    go_errno(et, sizeof et, errno);
    return berr_set(err, 0, "exec: \"%s\": %s", arg0, et);
  }
  return 0;
}

int proc_find_exec(const struct proc_spec *p, char **out, struct berr *err) {
  const char *arg0 = p->args[0];
  if (strchr(arg0, '/')) {
    if (check_exec(arg0, err, arg0) < 0) return -1;
    *out = strdup(arg0);
    return *out ? 0 : berr_set(err, ENOMEM, "exec");
  }
  const char *path = env_get(p->env, "PATH");
  if (!path) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  cleanup_free char *copy = strdup(path);
  if (!copy) return berr_set(err, ENOMEM, "exec");
  char *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *cand = xasprintf("%s/%s", *dir ? dir : ".", arg0);
    if (!cand) return berr_set(err, ENOMEM, "exec");
    struct stat st;
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
      *out = cand;
      return 0;
    }
    free(cand);
  }
  return berr_set(err, 0, "exec: \"%s\": executable file not found in $PATH", arg0);
}

static int set_user(const struct proc_spec *p, struct berr *err) {
  if (setgroups(p->ngids, p->gids) < 0) return berr_sys(err, "setgroups");
  if (setresgid(p->gid, p->gid, p->gid) < 0) return berr_sys(err, "setgid %u", p->gid);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return berr_sys(err, "prctl PR_SET_KEEPCAPS");
  if (setresuid(p->uid, p->uid, p->uid) < 0) return berr_sys(err, "setuid %u", p->uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return berr_sys(err, "prctl PR_SET_KEEPCAPS");
  return 0;
}

/* Signals the caller ignored (a monitor's SIGPIPE, nohup's SIGHUP) would stay
 * ignored across execve: the process starts with every default. */
static void reset_signals(void) {
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

static int death_signal;

void proc_set_death_signal(int sig) { death_signal = sig; }

int proc_exec(const struct proc_spec *p, const char *path, void *seccomp, struct berr *err) {
  reset_signals();
  if (chdir(p->cwd) < 0) return berr_sys(err, "chdir %s", p->cwd);
  if (lsm_apply(p, err) < 0) return -1;
  if (p->has_caps && caps_drop_bounding(p, err) < 0) return -1;
  /* Without noNewPrivileges the filter must be loaded while we still hold
   * CAP_SYS_ADMIN; with it, as late as possible (fewer syscalls to allow). */
  if (seccomp && !p->nnp && seccomp_load_filter(seccomp, err) < 0) return -1;
  if (set_user(p, err) < 0) return -1;
  /* A change of user clears the parent-death signal: set it (again) after. */
  if (death_signal) prctl(PR_SET_PDEATHSIG, death_signal, 0, 0, 0);
  if (p->has_caps && caps_apply(p, err) < 0) return -1;
  if (p->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return berr_sys(err, "prctl PR_SET_NO_NEW_PRIVS");
  if (seccomp && p->nnp && seccomp_load_filter(seccomp, err) < 0) return -1;
  umask(p->has_umask ? p->umask : 022);
  execve(path, p->args, p->env);
  char et[128];
  go_errno(et, sizeof et, errno);
  return berr_set(err, 0, "exec: \"%s\": %s", p->args[0], et);
}
