/* Restart policies (no, always, on-failure[:max], unless-stopped) with
 * Docker's back-off: 100 ms doubling up to a minute, reset once a run has
 * lasted 10 seconds. */
#include "shim/monitor.h"

#include <stdio.h>
#include <string.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 60000
#define BACKOFF_RESET_MS 10000

bool restart_wanted(const struct shim *s) {
  switch (s->args.restart) {
  case RESTART_ALWAYS:
  case RESTART_UNLESS_STOPPED: return true;
  case RESTART_ON_FAILURE:
    return s->st.exit_code != 0 && (s->args.restart_max == 0 || s->st.restart_count < s->args.restart_max);
  case RESTART_NO:
  default: return false;
  }
}

int64_t restart_delay_ms(struct shim *s) {
  if (now_mono_ms() - s->run_started_ms >= BACKOFF_RESET_MS) s->backoff_step = 0;
  int64_t d = BACKOFF_FIRST_MS;
  for (int i = 0; i < s->backoff_step && d < BACKOFF_MAX_MS; i++) d *= 2;
  if (d > BACKOFF_MAX_MS) d = BACKOFF_MAX_MS;
  s->backoff_step++;
  return d;
}

void restart_fire(struct shim *s) {
  if (s->st.status != ST_RESTARTING) return;
  struct berr err;
  s->st.restart_count++;
  if (container_start(s, &err) == 0) {
    s->st.status = ST_RUNNING;
    s->st.error[0] = '\0';
    s->st.exit_code = 0;
    s->st.signal = 0;
    s->st.oom_killed = false;
    s->st.has_finished = false;
    health_begin(s);
    save_state(s);
    return;
  }
  /* A failed restart counts as a failed run: the policy decides again. */
  snprintf(s->st.error, sizeof s->st.error, "%s", err.msg);
  s->st.exit_code = 128;
  s->st.signal = 0;
  s->st.finished = now_real();
  s->st.has_finished = true;
  s->run_started_ms = now_mono_ms();
  container_settle(s);
}
