/* state.json: the container record, rewritten atomically after every change. */
#include "shim/shim.h"

#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static const char *const status_names[] = {"created", "running", "paused", "restarting", "exited", "dead"};
static const char *const health_names[] = {"starting", "healthy", "unhealthy"};

static void ts_field(struct jw *w, const char *key, const struct timespec *ts, bool set) {
  jw_lit(w, key);
  if (!set) {
    jw_lit(w, "null");
    return;
  }
  char b[RFC3339_LEN];
  fmt_rfc3339(b, ts);
  jw_raw(w, "\"", 1);
  jw_lit(w, b);
  jw_raw(w, "\"", 1);
}

void state_emit(struct jw *w, const struct cstate *st) {
  jw_lit(w, "{\"id\":");
  jw_str(w, st->id, strlen(st->id));
  jw_lit(w, ",\"status\":\"");
  jw_lit(w, status_names[st->status]);
  jw_lit(w, "\",\"pid\":");
  jw_int(w, st->pid);
  jw_lit(w, ",\"shimPid\":");
  jw_int(w, st->shim_pid);
  jw_lit(w, ",\"exitCode\":");
  jw_int(w, st->exit_code);
  jw_lit(w, ",\"signal\":");
  const char *sn = st->signal ? signal_name(st->signal) : NULL;
  if (sn) {
    jw_raw(w, "\"", 1);
    jw_lit(w, sn);
    jw_raw(w, "\"", 1);
  } else if (st->signal) {
    jw_int(w, st->signal);
  } else
    jw_lit(w, "null");
  jw_lit(w, st->oom_killed ? ",\"oomKilled\":true" : ",\"oomKilled\":false");
  ts_field(w, ",\"startedAt\":", &st->started, st->has_started);
  ts_field(w, ",\"finishedAt\":", &st->finished, st->has_finished);
  jw_lit(w, ",\"restartCount\":");
  jw_int(w, st->restart_count);
  jw_lit(w, ",\"error\":");
  if (st->error[0]) jw_str(w, st->error, strlen(st->error));
  else jw_lit(w, "null");
  jw_lit(w, ",\"health\":");
  if (st->health == H_NONE) {
    jw_lit(w, "null}");
    return;
  }
  jw_lit(w, "{\"status\":\"");
  jw_lit(w, health_names[st->health]);
  jw_lit(w, "\",\"failingStreak\":");
  jw_int(w, st->failing_streak);
  jw_lit(w, ",\"log\":[");
  for (int i = 0; i < st->nlog; i++) {
    const struct health_result *r = &st->log[i];
    if (i) jw_raw(w, ",", 1);
    ts_field(w, "{\"start\":", &r->start, true);
    ts_field(w, ",\"end\":", &r->end, true);
    jw_lit(w, ",\"exitCode\":");
    jw_int(w, r->exit_code);
    jw_lit(w, ",\"output\":");
    jw_str(w, r->output, r->outlen);
    jw_raw(w, "}", 1);
  }
  jw_lit(w, "]}}");
}

int state_save(const struct cstate *st, const char *path, struct berr *err) {
  char tmp[4096];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) return berr_set(err, 0, "state path too long");
  cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return berr_sys(err, "open %s", tmp);
  static struct jw w;
  jw_init(&w, fd);
  state_emit(&w, st);
  jw_raw(&w, "\n", 1);
  if (jw_flush(&w) < 0) return berr_sys(err, "write %s", tmp);
  /* Only an ended run's record is worth a disk flush (its exit code and end
   * time outlive a reboot). A live state is void after a power loss anyway
   * (the shim is gone, so berth reads the container as exited), and syncing
   * it put two flushes on every start's path. */
  if ((st->status == ST_EXITED || st->status == ST_DEAD) && fsync(fd) < 0) return berr_sys(err, "fsync %s", tmp);
  if (rename(tmp, path) < 0) return berr_sys(err, "rename %s", path);
  return 0;
}
