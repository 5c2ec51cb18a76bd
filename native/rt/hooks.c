#include "rt/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/signal.h"
#include "common/util.h"
#include "rt/state.h"

static const char *kind_names[HOOK_NKINDS] = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"};

int hooks_validate(const struct json *hooks, struct berr *err) {
  if (!hooks) return 0;
  for (int k = 0; k < HOOK_NKINDS; k++) {
    struct json *list = NULL;
    if (json_get_array(hooks, kind_names[k], &list, err) < 0) return -1;
    for (size_t i = 0; list && i < list->len; i++) {
      struct json *h = list->items[i], *a = NULL;
      const char *path = NULL;
      int64_t timeout = 0;
      if (h->type != JSON_OBJECT) return berr_set(err, 0, "config.json:%d:%d: a hook must be an object", h->line, h->col);
      if (json_get_str(h, "path", &path, err) < 0 || json_get_array(h, "args", &a, err) < 0 ||
          json_get_array(h, "env", &a, err) < 0 || json_get_i64(h, "timeout", &timeout, err) < 0)
        return -1;
      if (!path || path[0] != '/') return berr_set(err, 0, "config.json:%d:%d: hook path must be absolute", h->line, h->col);
      if (timeout < 0) return berr_set(err, 0, "config.json:%d:%d: hook timeout must be positive", h->line, h->col);
    }
  }
  return 0;
}

static int run_one(const struct json *h, const char *input, const char *kind, struct berr *err) {
  const char *path = NULL;
  struct json *ja = NULL, *je = NULL;
  int64_t timeout = 0;
  cleanup_free char **args = NULL, **env = NULL;
  if (json_get_str(h, "path", &path, err) < 0 || json_get_array(h, "args", &ja, err) < 0 ||
      json_get_array(h, "env", &je, err) < 0 || json_get_i64(h, "timeout", &timeout, err) < 0)
    return -1;
  if (ja && json_to_strv(ja, &args, err) < 0) return -1;
  if (je && json_to_strv(je, &env, err) < 0) return -1;
  char *default_args[] = {(char *)path, NULL};
  char *no_env[] = {NULL};
  int in[2];
  if (pipe2(in, O_CLOEXEC) < 0) return berr_sys(err, "%s hook %s: pipe", kind, path);
  pid_t pid = fork();
  if (pid < 0) { close(in[0]); close(in[1]); return berr_sys(err, "%s hook %s: fork", kind, path); }
  if (pid == 0) {
    /* a clean signal state: the runtime may have blocked or ignored some */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    dup2(in[0], 0);
    execve(path, args && args[0] ? args : default_args, env ? env : no_env);
    fprintf(stderr, "%s hook %s: %s\n", kind, path, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  /* a hook that does not read its stdin must not kill us with SIGPIPE; the
   * old disposition comes back (the container's init runs hooks too) */
  struct sigaction ign = {.sa_handler = SIG_IGN}, old;
  sigaction(SIGPIPE, &ign, &old);
  /* non-blocking: a hook that never reads a large state must not hang us
   * past its timeout; it simply gets a truncated stdin */
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  write_all(in[1], input, strlen(input));
  close(in[1]);
  sigaction(SIGPIPE, &old, NULL);
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int status;
  for (;;) {
    pid_t w = waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return berr_sys(err, "%s hook %s: wait", kind, path);
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t elapsed_ns = (int64_t)(now.tv_sec - start.tv_sec) * 1000000000LL + (now.tv_nsec - start.tv_nsec);
    if (timeout > 0 && elapsed_ns >= timeout * 1000000000LL) {
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      return berr_set(err, 0, "%s hook %s: timed out after %lld s", kind, path, (long long)timeout);
    }
    struct timespec ts = {0, 2 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  if (WIFSIGNALED(status)) return berr_set(err, 0, "%s hook %s: killed by %s", kind, path, signal_name(WTERMSIG(status)) ?: "a real-time signal");
  return berr_set(err, 0, "%s hook %s: exit status %d", kind, path, WEXITSTATUS(status));
}

int hooks_run(const struct json *hooks, enum hook_kind kind, const char *id, const char *status, pid_t pid,
              const char *bundle, const struct json *annotations, struct berr *err) {
  struct json *list = json_get(hooks, kind_names[kind]);
  if (!list || list->type != JSON_ARRAY || !list->len) return 0;
  struct jbuf b = {0};
  jb_raw(&b, "{\"ociVersion\":\"" OCI_VERSION "\",\"id\":");
  jb_str(&b, id);
  jb_printf(&b, ",\"status\":\"%s\",\"pid\":%d,\"bundle\":", status, pid);
  jb_str(&b, bundle);
  jb_raw(&b, ",\"annotations\":");
  if (annotations) jb_value(&b, annotations);
  else jb_raw(&b, "{}");
  jb_raw(&b, "}");
  if (b.oom) { jb_free(&b); return berr_set(err, ENOMEM, "hooks"); }
  int ret = 0;
  /* a failed poststart/poststop hook is a warning and the rest still run
   * (runtime spec); any other failure stops the lifecycle */
  bool late = kind == HOOK_POSTSTART || kind == HOOK_POSTSTOP;
  for (size_t i = 0; i < list->len && ret == 0; i++) {
    ret = run_one(list->items[i], b.data, kind_names[kind], err);
    if (ret < 0 && late) {
      bwarn("%s", err->msg);
      ret = 0;
    }
  }
  jb_free(&b);
  return ret;
}
